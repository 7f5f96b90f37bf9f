/*
 * fit — fitting a distribution to a sample of positive durations (seconds), for `elbsim
 * calibrate`: maximum likelihood for the lognormal and the gamma, the empirical quantile
 * function, and the Kolmogorov-Smirnov distance with its p-value.
 *
 * Lognormal: the ML estimates are closed form, mu = mean(ln x), sigma^2 = mean((ln x -
 * mu)^2) (divisor n, the ML one).  Their asymptotic standard errors, sigma / sqrt(n) and
 * sigma / sqrt(2n), give intervals of the median exp(mu) and of any quantile
 * exp(mu + z_p sigma) by the delta method.
 *
 * Gamma: the method of moments (shape = mean^2 / variance) starts Newton's method on the
 * ML equation for the shape k, ln k - psi(k) = ln(mean) - mean(ln x) (psi the digamma
 * function, its derivative the trigamma, both from GSL: gsl_sf_psi, gsl_sf_psi_1); the
 * scale is then mean / k, so the fitted mean is the sample mean (Johnson, Kotz and
 * Balakrishnan, "Continuous Univariate Distributions" vol. 1, §17.7).
 *
 * Kolmogorov-Smirnov: D = sup |F_n(x) - F(x)| over the sorted sample; the p-value is the
 * asymptotic Kolmogorov distribution at (sqrt(n) + 0.12 + 0.11 / sqrt(n)) D (Stephens
 * 1970, as in Numerical Recipes §14.3).  With parameters fitted to the same sample the
 * p-value is too high (Lilliefors), and for grouped values it is conservative too: it
 * ranks fits, it is not an exact test.
 */
#ifndef ELBSIM_ANALYSIS_FIT_H
#define ELBSIM_ANALYSIS_FIT_H

#include <stddef.h>

struct sim_dist;

/* ML lognormal of x[0..n) (every x > 0, n >= 2).  0, or -1 when the sample cannot be
 * fitted (fewer than 2 values, or all equal). */
int fit_lognormal(const double *x, size_t n, double *mu, double *sigma);

/* ML gamma of x[0..n) (every x > 0, n >= 2): *shape and *scale; *iters the Newton steps
 * taken.  0, or -1 when the sample cannot be fitted or Newton did not converge. */
int fit_gamma(const double *x, size_t n, double *shape, double *scale, int *iters);

/* Quantile p of the sorted sample, R's type 7 (linear between order statistics), the
 * quantile function that empirical(FILE) samples from (sim/dist.h). */
double fit_sample_quantile(const double *sorted, size_t n, double p);

/* The Kolmogorov-Smirnov distance between the sorted sample and d's cdf.  res > 0: the
 * values were rounded to multiples of res (an access log's millisecond), and each stands
 * for [x - res/2, x + res/2): the distance is then taken between the groups, where the
 * continuous cdf cannot follow the steps the rounding makes (without it, 1 ms steps in a
 * 30 ms sample reject any continuous fit).  res = 0: the values are exact. */
double fit_ks_distance(const double *sorted, size_t n, const struct sim_dist *d, double res);

/* 0.001 when every value is a whole number of milliseconds (ALB's %.3f), else 0. */
double fit_resolution(const double *x, size_t n);

/* The asymptotic p-value of distance D for a sample of n. */
double fit_ks_pvalue(double D, size_t n);

#endif
