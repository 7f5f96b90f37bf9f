#include "analysis/stats.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "sim/xalloc.h"

/* The two-sided t quantile for `level` with df degrees of freedom, NaN when undefined. */
static double t_quantile(double level, double df)
{
    if (!(level > 0 && level < 1) || !(df > 0))
        return (double)NAN;
    return gsl_cdf_tdist_Pinv(0.5 + level / 2, df);
}

/* Mean and sample variance of the finite values, two passes (index order). */
static void moments(const double *x, int n, int *used, double *mean, double *var)
{
    double sum = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) {
            sum += x[i];
            k++;
        }
    *used = k;
    *mean = k ? sum / k : (double)NAN;
    /* Equal values have no spread, exactly: the rounded mean may differ from them by an
     * ulp, which would give a tiny false one. */
    bool equal = true;
    double first = (double)NAN;
    for (int i = 0; i < n && equal; i++)
        if (isfinite(x[i])) {
            if (isnan(first))
                first = x[i];
            equal = x[i] == first;
        }
    if (equal && k > 0)
        *mean = first;
    double ss = 0;
    for (int i = 0; i < n && !equal; i++)
        if (isfinite(x[i]))
            ss += (x[i] - *mean) * (x[i] - *mean);
    *var = k > 1 ? ss / (k - 1) : (double)NAN;
}

static void finish(struct stats_ci *out, double level)
{
    double t = t_quantile(level, out->df);
    out->half = isnan(out->sd) ? (double)NAN : t * out->sd / sqrt((double)out->n);
    out->lo = out->mean - out->half;
    out->hi = out->mean + out->half;
}

void stats_mean_ci(const double *x, int n, double level, struct stats_ci *out)
{
    double var;
    moments(x, n, &out->n, &out->mean, &var);
    out->sd = sqrt(var);
    out->df = out->n - 1;
    finish(out, level);
}

void stats_paired_ci(const double *a, const double *b, int n, double level,
                     struct stats_ci *out)
{
    double *d = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *d);
    for (int i = 0; i < n; i++)
        d[i] = isfinite(a[i]) && isfinite(b[i]) ? b[i] - a[i] : (double)NAN;
    stats_mean_ci(d, n, level, out);
    free(d);
}

void stats_welch_ci(const double *a, int na, const double *b, int nb, double level,
                    struct stats_ci *out)
{
    int ka, kb;
    double ma, mb, va, vb;
    moments(a, na, &ka, &ma, &va);
    moments(b, nb, &kb, &mb, &vb);
    out->n = ka < kb ? ka : kb;
    out->mean = mb - ma;
    out->sd = (double)NAN;
    out->df = (double)NAN;
    out->half = out->lo = out->hi = (double)NAN;
    if (ka < 2 || kb < 2)
        return;
    double sa = va / ka, sb = vb / kb, se2 = sa + sb;
    if (se2 == 0) {
        out->df = ka + kb - 2;
        out->half = 0;
    } else {
        /* Welch-Satterthwaite degrees of freedom. */
        out->df = se2 * se2 / (sa * sa / (ka - 1) + sb * sb / (kb - 1));
        out->half = t_quantile(level, out->df) * sqrt(se2);
    }
    out->lo = out->mean - out->half;
    out->hi = out->mean + out->half;
}

bool stats_ci_excludes_zero(const struct stats_ci *ci)
{
    return ci->lo > 0 || ci->hi < 0;
}

int stats_mser5(const double *x, int n)
{
    int m = n / 5;
    if (m < 2)
        return 0;
    double *b = xmalloc(3 * ((size_t)m + 1) * sizeof *b);
    double *suf = b + m + 1, *suf2 = suf + m + 1;
    for (int j = 0; j < m; j++) {
        double s = 0;
        for (int k = 0; k < 5; k++)
            s += x[5 * j + k];
        b[j] = s / 5;
    }
    /* Suffix sums make each candidate O(1): sum and sum of squares of b[d..m). */
    suf[m] = suf2[m] = 0;
    for (int j = m - 1; j >= 0; j--) {
        suf[j] = suf[j + 1] + b[j];
        suf2[j] = suf2[j + 1] + b[j] * b[j];
    }
    int best = 0;
    double best_v = INFINITY;
    for (int d = 0; d <= m / 2; d++) {
        double k = m - d, mean = suf[d] / k;
        double ss = suf2[d] - k * mean * mean;
        if (ss < 0)
            ss = 0; /* rounding */
        double v = ss / (k * k);
        if (v < best_v) { /* strict: the earliest minimum wins */
            best_v = v;
            best = d;
        }
    }
    free(b);
    return 5 * best;
}
