/*
 * histogram — a streaming log-linear histogram of non-negative values (latencies in
 * seconds), for percentiles whose relative error is bounded and whose memory does not
 * depend on how many values were recorded (the HDR-histogram layout), exact while the
 * sample is small.
 *
 * Layout: each power of two [2^e, 2^(e+1)) is split into HIST_SUB (512) linear buckets of
 * width 2^e / 512, for e in [HIST_MIN_EXP, HIST_MAX_EXP), i.e. from 2^-24 s (60 ns) to
 * 2^20 s (12 days).  A value's bucket comes straight from the bits of its double (the
 * exponent and the top 9 mantissa bits): no logarithm, no loop.  Two more buckets hold
 * the values below 2^-24 (underflow, index 0) and at or above 2^20 (overflow, the last
 * index).  Memory: HIST_BUCKETS (22,530) counters of 8 bytes, 180 KB, plus the exact
 * buffer (HIST_EXACT values, 8 KB), allocated once by hist_init; recording never
 * allocates.
 *
 * Error: while at most HIST_EXACT values are recorded, every quantile is the exact sample
 * quantile (the values are kept).  Beyond that, a value v in a bucket [lo, lo + w) is
 * reported as the bucket midpoint, within w/2 / lo <= 1/1024 = 0.098 % of v (HIST_REL_ERR;
 * HdrHistogram's "3 significant digits").  Below 2^-24 s the error is absolute (at most
 * 2^-24 s); above 2^20 s the maximum is reported.  Count, mean, min and max are exact.
 *
 * Reset is cheap for per-interval use: the lowest and highest touched buckets are
 * tracked, so reset, merge and quantile cost O(touched range), not O(HIST_BUCKETS).
 */
#ifndef ELBSIM_SIM_HISTOGRAM_H
#define ELBSIM_SIM_HISTOGRAM_H

#include <stdbool.h>
#include <stdint.h>

#define HIST_SUB_BITS 9                       /* 512 linear buckets per power of two */
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_MIN_EXP (-24)                    /* lowest bucket starts at 2^-24 s */
#define HIST_MAX_EXP 20                       /* overflow starts at 2^20 s */
#define HIST_BUCKETS ((HIST_MAX_EXP - HIST_MIN_EXP) * HIST_SUB + 2)
#define HIST_EXACT 512                        /* values kept exactly (small samples) */
#define HIST_REL_ERR (1.0 / (2 * HIST_SUB))   /* bound on a bucketed quantile's error */

/* Invariant: n = sum of counts[]; every non-zero count lies in [lo, hi]; when n == 0,
 * lo > hi and counts[] is all zero; when n <= HIST_EXACT, exact[0..n) holds the values
 * recorded (in no particular order). */
struct hist {
    uint64_t *counts; /* HIST_BUCKETS counters: [0] underflow, [HIST_BUCKETS-1] overflow */
    double *exact;    /* HIST_EXACT values, s: the sample itself while it is small */
    double *scratch;  /* HIST_EXACT values: room to select a quantile from `exact` */
    uint64_t n;       /* values recorded */
    double sum;       /* s, compensated running sum (Neumaier) ... */
    double sum_comp;  /* s, ... and its lost low-order part */
    double min, max;  /* s, exact; meaningless when n == 0 */
    uint32_t lo, hi;  /* lowest and highest touched bucket */
};

/* Initialise caller storage (allocates the counters; never fails, see xalloc). */
void hist_init(struct hist *h);

/* Free the counters; h may be initialised again afterwards. */
void hist_fini(struct hist *h);

/* Record one value v >= 0 (seconds); v must be finite.  O(1), no allocation. */
void hist_record(struct hist *h, double v);

/* Forget every value; O(touched buckets). */
void hist_reset(struct hist *h);

/* Add everything recorded in src to dst (as if dst had recorded src's values too). */
void hist_merge(struct hist *dst, const struct hist *src);

/* Number of values recorded. */
uint64_t hist_count(const struct hist *h);

/* Exact mean of the values, NAN when empty. */
double hist_mean(const struct hist *h);

/* Exact smallest / largest value, NAN when empty. */
double hist_min(const struct hist *h);
double hist_max(const struct hist *h);

/*
 * The p-quantile, p in [0, 1]; NAN when empty.
 * Definition: with n values sorted ascending, the sample of rank
 * r = max(1, ceil(p * n * (1 - 1e-12))) is the exact quantile (the 1e-12 absorbs rounding
 * in p * n, so that 0.7 * 10 gives rank 7, not 8).  With n <= HIST_EXACT the result is
 * that sample itself.  Otherwise it is the midpoint of the bucket holding that sample,
 * clamped to [min, max] (the overflow bucket reports max); rank 1 gives min and rank n
 * gives max exactly.  So for samples >= 2^-24 s the result is within HIST_REL_ERR
 * (0.098 %) of the exact sample quantile.  O(n) for n <= HIST_EXACT (a selection), else O(touched
 * buckets).
 */
double hist_quantile(const struct hist *h, double p);

/* Several quantiles at once: out[i] = hist_quantile(h, p[i]) for i < np, the small sample
 * copied once for all of them. */
void hist_quantiles(const struct hist *h, const double *p, double *out, int np);

/*
 * The trimmed mean of the lowest fraction p in (0, 1] of the values (CloudWatch's tmNN is
 * hist_trimmed_mean(h, NN / 100)): the mean of the p * n smallest, the value at the
 * boundary counted for the fraction of it inside; NAN when empty.  Exact while
 * n <= HIST_EXACT; otherwise each bucket counts at its midpoint clamped to [min, max], so
 * the result is within HIST_REL_ERR of the exact one for values >= 2^-24 s.
 */
double hist_trimmed_mean(const struct hist *h, double p);

/* Is every quantile of h exact (the sample is small enough to be kept)? */
bool hist_is_exact(const struct hist *h);

#endif
