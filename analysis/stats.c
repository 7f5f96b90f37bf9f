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

void stats_ci_clip(struct stats_ci *ci, double lo, double hi)
{
    if (isnan(ci->lo) || isnan(ci->hi))
        return;
    if (ci->lo < lo)
        ci->lo = lo;
    if (ci->hi > hi)
        ci->hi = hi;
    ci->half = (ci->hi - ci->lo) / 2;
}

void stats_wilson(double p, double n, double z, double *lo, double *hi)
{
    double z2n = z * z / n;
    double centre = (p + z2n / 2) / (1 + z2n);
    double half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z2n / (4 * n));
    *lo = centre - half;
    *hi = centre + half;
    /* Exact at the ends (p = 0 gives centre == half analytically, rounding aside). */
    if (p == 0 || *lo < 0)
        *lo = 0;
    if (p == 1 || *hi > 1)
        *hi = 1;
}

double stats_ratio_pseudo(const double *num, const double *den, int n, double *z)
{
    double sn = 0, sd = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(num[i]) && isfinite(den[i]) && den[i] > 0) {
            sn += num[i];
            sd += den[i];
            k++;
        }
    double p = k && sd > 0 ? sn / sd : (double)NAN, dbar = sd / k;
    for (int i = 0; i < n; i++)
        z[i] = !isnan(p) && isfinite(num[i]) && isfinite(den[i]) && den[i] > 0
                   ? p + (num[i] - p * den[i]) / dbar
                   : (double)NAN;
    return p;
}

void stats_ratio_ci(const double *num, const double *den, int n, double level,
                    struct stats_ci *out)
{
    double *z = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *z);
    double p = stats_ratio_pseudo(num, den, n, z);
    stats_mean_ci(z, n, level, out); /* n, sd and df of the pseudo-values */
    free(z);
    out->mean = p;
    out->half = out->lo = out->hi = (double)NAN;
    if (isnan(p) || out->n < 2 || !(level > 0 && level < 1))
        return;
    double total = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(num[i]) && isfinite(den[i]) && den[i] > 0)
            total += den[i];
    double zq = gsl_cdf_ugaussian_Pinv(0.5 + level / 2);
    double v = out->sd * out->sd / out->n, neff = total;
    if (v > 0 && p > 0 && p < 1) {
        double t = t_quantile(level, out->df);
        neff = p * (1 - p) / v * (zq / t) * (zq / t);
        if (neff > total)
            neff = total;
    }
    stats_wilson(p, neff, zq, &out->lo, &out->hi);
    out->half = (out->hi - out->lo) / 2;
}

double stats_t_pvalue(const struct stats_ci *ci)
{
    if (ci->n < 2 || isnan(ci->sd))
        return (double)NAN;
    if (ci->sd == 0)
        return ci->mean == 0 ? 1 : 0;
    double t = fabs(ci->mean) / (ci->sd / sqrt((double)ci->n));
    return 2 * gsl_cdf_tdist_Q(t, ci->n - 1);
}

struct ranked {
    double p;
    int i;
};

/* Ascending p, NaN last, then index: a total order. */
static int by_p(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    bool na = isnan(a->p), nb = isnan(b->p);
    if (na != nb)
        return na ? 1 : -1;
    if (!na && a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

void stats_holm(const double *p, int m, double alpha, bool *reject)
{
    struct ranked *r = xmalloc((size_t)(m > 0 ? m : 1) * sizeof *r);
    for (int i = 0; i < m; i++) {
        r[i] = (struct ranked){p[i], i};
        reject[i] = false;
    }
    qsort(r, (size_t)m, sizeof *r, by_p);
    for (int k = 0; k < m; k++) {
        if (isnan(r[k].p) || r[k].p > alpha / (m - k))
            break; /* step-down: the first one kept stops the rejections */
        reject[r[k].i] = true;
    }
    free(r);
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
    double best_v = (double)INFINITY;
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
