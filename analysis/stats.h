/*
 * stats — the statistics of experiments: t-based confidence intervals of a mean, of a
 * paired difference (common random numbers) and of an unpaired difference (Welch), the
 * same kept inside the values a mean can take, a proportion's interval from counts
 * (Wilson), t-test p-values with the Holm-Bonferroni correction, and MSER-5 warm-up
 * detection.
 *
 * Replications are independent and identically distributed by construction (each has its
 * own seed), so the mean over n replications has a Student-t interval with n - 1 degrees
 * of freedom (t quantiles from GSL, gsl_cdf_tdist_Pinv).  Two variants run on the same
 * replication seeds see the same requests; the differences per replication then cancel
 * most of the noise the two share, which is why the paired interval is usually much
 * narrower than the unpaired (Welch) one computed from the same runs (Law, "Simulation
 * Modeling and Analysis", 5th ed., §10.2).
 *
 * Bounded means: the mean of values that cannot be negative cannot be negative either, so
 * a t-interval is cut at the bound (stats_ci_clip).  The true mean lies inside the bounds,
 * so it lies in the cut interval exactly when it lies in the whole one: cutting never
 * lowers the coverage, and the point estimate (inside the bounds too) stays inside.
 *
 * Proportions from counts (failed of requests, per replication): the ratio estimator
 * p = sum(failed) / sum(requests) with Wilson's score interval (Wilson 1927), whose bounds
 * stay in [0, 1], for an effective sample size: failures within a run are not independent
 * (a queue that fills turns away a burst), so the number of requests overstates the
 * information.  The effective size is p(1 - p) / v, v the variance of p estimated from
 * the spread between replications (the ratio estimator's linearisation, replications as
 * clusters), scaled by (z / t_{n-1})^2 for the few replications the variance rests on,
 * and at most the number of requests (Korn and Graubard 1998, "Confidence intervals for
 * proportions with small expected number of positive counts estimated from survey data").
 * With p = 0 or 1 there is no spread to estimate: the size is then the number of requests,
 * as if they were independent.
 *
 * NaN values (a metric without data in a run: no request completed) are left out; pairs
 * with a NaN on either side are left out of a paired difference.  Sums run in index order,
 * so results are bit-reproducible.
 *
 * MSER-5 (White 1997; Franklin and White 2008): batch the series into means of 5, and
 * pick the truncation d (at most half the batches) that minimises the squared standard
 * error of the mean of what is left, sum_{j>d} (b_j - mean)^2 / (m - d)^2.
 */
#ifndef ELBSIM_ANALYSIS_STATS_H
#define ELBSIM_ANALYSIS_STATS_H

#include <stdbool.h>

/* A mean with its confidence interval.  With n < 2 (or when the level is not in (0, 1))
 * sd, half, lo and hi are NaN; with n == 0 the mean is NaN too.  Zero spread gives
 * half == 0 and lo == hi == mean. */
struct stats_ci {
    int n;          /* values used (finite ones) */
    double mean;
    double sd;      /* sample standard deviation (n - 1 in the denominator) */
    double df;      /* degrees of freedom of the t quantile (Welch: fractional) */
    double half;    /* half the width, (hi - lo) / 2 */
    double lo, hi;  /* mean - half, mean + half for a t-interval; cut or asymmetric for
                       stats_ci_clip and stats_ratio_ci */
};

/* Mean and t-interval at confidence level (e.g. 0.95) of the n values x. */
void stats_mean_ci(const double *x, int n, double level, struct stats_ci *out);

/* Paired difference b[i] - a[i] over i < n: mean and t-interval. */
void stats_paired_ci(const double *a, const double *b, int n, double level,
                     struct stats_ci *out);

/* Unpaired difference of means mean(b) - mean(a), Welch's interval (unequal variances,
 * Welch-Satterthwaite degrees of freedom).  sd is NaN (there is no single sample). */
void stats_welch_ci(const double *a, int na, const double *b, int nb, double level,
                    struct stats_ci *out);

/* True when the interval lies wholly above or wholly below zero (NaN bounds: false). */
bool stats_ci_excludes_zero(const struct stats_ci *ci);

/* Cut the interval to [lo, hi], the values the mean can take (-INFINITY, INFINITY: no
 * bound), and set half to the new half width.  NaN bounds stay NaN. */
void stats_ci_clip(struct stats_ci *ci, double lo, double hi);

/* Wilson's score interval of a proportion p observed in n trials (n > 0, may be
 * fractional), with z the normal quantile of the level: [*lo, *hi] within [0, 1]. */
void stats_wilson(double p, double n, double z, double *lo, double *hi);

/* The pseudo-values of a ratio estimator: with p = sum(num) / sum(den) over the pairs where
 * both are finite and den > 0, and dbar their mean den, z[i] = p + (num[i] - p den[i]) /
 * dbar (NaN for the others).  Their mean is p exactly and their spread is the estimator's
 * (linearisation), so the t machinery applies to them: a paired difference of two ratio
 * estimators is the paired difference of their pseudo-values.  Returns p (NaN when no
 * pair counts or sum(den) is 0). */
double stats_ratio_pseudo(const double *num, const double *den, int n, double *z);

/* The proportion sum(num) / sum(den) over n replications (failed of requests) and its
 * Wilson interval for the effective sample size described above; sd is the pseudo-values'
 * standard deviation.  With fewer than 2 replications counted, or sum(den) == 0, the
 * interval is NaN. */
void stats_ratio_ci(const double *num, const double *den, int n, double level,
                    struct stats_ci *out);

/* The two-sided p-value of the t-test that the mean of a stats_mean_ci or stats_paired_ci
 * result is 0: 1 when every value is 0, 0 when they are all the same other value, NaN
 * with fewer than 2 values. */
double stats_t_pvalue(const struct stats_ci *ci);

/* Holm-Bonferroni (Holm 1979) on the m p-values p: reject[i] is set when hypothesis i is
 * rejected at family-wise level alpha (p sorted ascending, the k-th smallest, k from 0,
 * is rejected while it is <= alpha / (m - k)).  A NaN p-value counts among the m and is
 * never rejected.  Ties are taken in index order. */
void stats_holm(const double *p, int m, double alpha, bool *reject);

/* MSER-5 truncation of the series x[0..n): the number of leading observations to
 * delete, a multiple of 5 in [0, 5 * floor(m / 2)] with m = floor(n / 5) batches (the
 * n % 5 last observations are not batched).  Returns 0 when there are fewer than two
 * batches.  x must be finite (the caller fills gaps). */
int stats_mser5(const double *x, int n);

#endif
