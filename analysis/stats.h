/*
 * stats — the statistics of experiments: t-based confidence intervals of a mean, of a
 * paired difference (common random numbers) and of an unpaired difference (Welch), and
 * MSER-5 warm-up detection.
 *
 * Replications are independent and identically distributed by construction (each has its
 * own seed), so the mean over n replications has a Student-t interval with n - 1 degrees
 * of freedom (t quantiles from GSL, gsl_cdf_tdist_Pinv).  Two variants run on the same
 * replication seeds see the same requests; the differences per replication then cancel
 * most of the noise the two share, which is why the paired interval is usually much
 * narrower than the unpaired (Welch) one computed from the same runs (Law, "Simulation
 * Modeling and Analysis", 5th ed., §10.2).
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
    double half;    /* half width of the interval */
    double lo, hi;  /* mean - half, mean + half */
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

/* MSER-5 truncation of the series x[0..n): the number of leading observations to
 * delete, a multiple of 5 in [0, 5 * floor(m / 2)] with m = floor(n / 5) batches (the
 * n % 5 last observations are not batched).  Returns 0 when there are fewer than two
 * batches.  x must be finite (the caller fills gaps). */
int stats_mser5(const double *x, int n);

#endif
