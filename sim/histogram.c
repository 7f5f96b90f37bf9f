#include "sim/histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

#define OVERFLOW_IDX ((uint32_t)HIST_BUCKETS - 1)

/* 2^HIST_MIN_EXP and 2^HIST_MAX_EXP, the edges of the log-linear range. */
static const double lowest = 0x1p-24;
static const double highest = 0x1p20;

_Static_assert(HIST_MIN_EXP == -24 && HIST_MAX_EXP == 20, "update lowest/highest");

void hist_init(struct hist *h)
{
    h->counts = xcalloc(HIST_BUCKETS, sizeof *h->counts);
    h->exact = xmalloc(HIST_EXACT * sizeof *h->exact);
    h->scratch = xmalloc(HIST_EXACT * sizeof *h->scratch);
    h->n = 0;
    h->sum = h->sum_comp = 0.0;
    h->min = h->max = 0.0;
    h->lo = UINT32_MAX;
    h->hi = 0;
}

void hist_fini(struct hist *h)
{
    free(h->counts);
    free(h->exact);
    free(h->scratch);
    h->counts = NULL;
    h->exact = h->scratch = NULL;
    h->n = 0;
}

/* Bucket of v >= 0: the exponent and top HIST_SUB_BITS mantissa bits of the double. */
static uint32_t bucket_of(double v)
{
    if (v < lowest)
        return 0;
    if (v >= highest)
        return OVERFLOW_IDX;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023;
    uint32_t sub = (uint32_t)(bits >> (52 - HIST_SUB_BITS)) & (HIST_SUB - 1);
    return 1 + (uint32_t)(e - HIST_MIN_EXP) * HIST_SUB + sub;
}

/* Midpoint of regular bucket i (1 <= i < OVERFLOW_IDX), or of [0, lowest) for i == 0. */
static double bucket_mid(uint32_t i)
{
    if (i == 0)
        return lowest / 2;
    uint32_t k = i - 1;
    int e = (int)(k / HIST_SUB) + HIST_MIN_EXP;
    double sub = (double)(k % HIST_SUB);
    return ldexp(1.0 + (sub + 0.5) / HIST_SUB, e);
}

/* Neumaier's compensated addition, so a long run's mean stays exact to the last bits. */
static void sum_add(struct hist *h, double v)
{
    double t = h->sum + v;
    if (fabs(h->sum) >= fabs(v))
        h->sum_comp += (h->sum - t) + v;
    else
        h->sum_comp += (v - t) + h->sum;
    h->sum = t;
}

void hist_record(struct hist *h, double v)
{
    ELB_ASSERT(v >= 0 && isfinite(v));
    if (v == 0)
        v = 0.0; /* folds -0 into +0, so min never prints as -0 */
    uint32_t i = bucket_of(v);
    h->counts[i]++;
    if (h->n < HIST_EXACT)
        h->exact[h->n] = v;
    if (h->n == 0) {
        h->min = h->max = v;
    } else {
        if (v < h->min)
            h->min = v;
        if (v > h->max)
            h->max = v;
    }
    h->n++;
    sum_add(h, v);
    if (i < h->lo)
        h->lo = i;
    if (i > h->hi)
        h->hi = i;
}

void hist_reset(struct hist *h)
{
    if (h->n)
        memset(h->counts + h->lo, 0, (size_t)(h->hi - h->lo + 1) * sizeof *h->counts);
    h->n = 0;
    h->sum = h->sum_comp = 0.0;
    h->min = h->max = 0.0;
    h->lo = UINT32_MAX;
    h->hi = 0;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    if (src->n == 0)
        return;
    for (uint32_t i = src->lo; i <= src->hi; i++)
        dst->counts[i] += src->counts[i];
    /* Still small together: the merged sample stays exact (dst's values, then src's). */
    if (dst->n + src->n <= HIST_EXACT)
        memcpy(dst->exact + dst->n, src->exact, (size_t)src->n * sizeof *src->exact);
    if (dst->n == 0) {
        dst->min = src->min;
        dst->max = src->max;
    } else {
        if (src->min < dst->min)
            dst->min = src->min;
        if (src->max > dst->max)
            dst->max = src->max;
    }
    dst->n += src->n;
    sum_add(dst, src->sum);
    sum_add(dst, src->sum_comp);
    if (src->lo < dst->lo)
        dst->lo = src->lo;
    if (src->hi > dst->hi)
        dst->hi = src->hi;
}

uint64_t hist_count(const struct hist *h)
{
    return h->n;
}

double hist_mean(const struct hist *h)
{
    return h->n ? (h->sum + h->sum_comp) / (double)h->n : (double)NAN;
}

double hist_min(const struct hist *h)
{
    return h->n ? h->min : (double)NAN;
}

double hist_max(const struct hist *h)
{
    return h->n ? h->max : (double)NAN;
}

bool hist_is_exact(const struct hist *h)
{
    return h->n <= HIST_EXACT;
}

/* The k-th smallest (from 0) of v[0..n), v reordered: Hoare's selection with the middle
 * element as pivot (deterministic). */
static double select_rank(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        /* v[lo..j] <= pivot <= v[i..hi]; between them, values equal to the pivot. */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* hist_quantile, with scratch holding a copy of the small sample (in any order: the
 * selection reorders it, and any order of the same values gives the same k-th value). */
static double quantile_in(const struct hist *h, double p)
{
    ELB_ASSERT(p >= 0 && p <= 1);
    double x = ceil(p * (double)h->n * (1 - 1e-12));
    uint64_t rank = x < 1 ? 1 : (uint64_t)x;
    if (rank >= h->n)
        return h->max;
    if (rank == 1)
        return h->min;
    if (h->n <= HIST_EXACT)
        return select_rank(h->scratch, (int)h->n, (int)rank - 1);
    /* O(touched buckets): at most HIST_BUCKETS, typically a few hundred. */
    uint64_t seen = 0;
    uint32_t i = h->lo;
    for (; i < h->hi; i++) {
        seen += h->counts[i];
        if (seen >= rank)
            break;
    }
    if (i == OVERFLOW_IDX)
        return h->max;
    double v = bucket_mid(i);
    return v < h->min ? h->min : v > h->max ? h->max : v;
}

double hist_quantile(const struct hist *h, double p)
{
    double q;
    hist_quantiles(h, &p, &q, 1);
    return q;
}

void hist_quantiles(const struct hist *h, const double *p, double *out, int np)
{
    if (h->n == 0) {
        for (int i = 0; i < np; i++)
            out[i] = (double)NAN;
        return;
    }
    /* The small sample copied once; each quantile an O(n) selection in it (values compare
     * totally: no NaN is recorded). */
    if (h->n <= HIST_EXACT)
        memcpy(h->scratch, h->exact, (size_t)h->n * sizeof *h->exact);
    for (int i = 0; i < np; i++)
        out[i] = quantile_in(h, p[i]);
}

double hist_trimmed_mean(const struct hist *h, double p)
{
    if (h->n == 0)
        return (double)NAN;
    ELB_ASSERT(p > 0 && p <= 1);
    double want = p * (double)h->n, got = 0, sum = 0;
    if (h->n <= HIST_EXACT) {
        /* The value q at rank ceil(want) bounds the kept values: those below q whole, and
         * q itself for the weight left.  Found by selection, O(n), no sort. */
        double x = ceil(want * (1 - 1e-12));
        uint64_t rank = x < 1 ? 1 : x > (double)h->n ? h->n : (uint64_t)x;
        memcpy(h->scratch, h->exact, (size_t)h->n * sizeof *h->exact);
        double q = select_rank(h->scratch, (int)h->n, (int)rank - 1);
        for (uint64_t i = 0; i < h->n; i++)
            if (h->exact[i] < q) {
                sum += h->exact[i];
                got += 1;
            }
        return (sum + (want - got) * q) / want;
    }
    for (uint32_t i = h->lo; i <= h->hi && got < want; i++) {
        if (!h->counts[i])
            continue;
        double v = i == OVERFLOW_IDX ? h->max : bucket_mid(i);
        v = v < h->min ? h->min : v > h->max ? h->max : v;
        double c = (double)h->counts[i];
        double w = want - got < c ? want - got : c;
        sum += w * v;
        got += w;
    }
    return sum / got;
}
