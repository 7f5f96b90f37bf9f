/* Tests of analysis/fit: maximum-likelihood lognormal and gamma against samples drawn
 * with known parameters (tolerances from the estimators' standard errors, Fisher
 * information), the type-7 quantile, the Kolmogorov-Smirnov distance (exact and grouped
 * at 1 ms) and its p-value against the Kolmogorov distribution's known points. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sort.h>

#include "analysis/fit.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "tests/unit.h"

#define N 20000

static double *draw(const char *name, int lognormal, double a, double b)
{
    gsl_rng *r = sim_rng_new(4242, name);
    double *x = malloc(N * sizeof *x);
    for (size_t i = 0; i < N; i++)
        x[i] = lognormal ? gsl_ran_lognormal(r, a, b) : gsl_ran_gamma(r, a, b);
    gsl_rng_free(r);
    gsl_sort(x, 1, N);
    return x;
}

static void test_lognormal_ml(void)
{
    double mu0 = log(0.030), s0 = 0.7, mu = (double)NAN, s = (double)NAN;
    double *x = draw("fit.lognormal", 1, mu0, s0);
    CU_ASSERT_EQUAL_FATAL(fit_lognormal(x, N, &mu, &s), 0);
    /* standard errors sigma/sqrt(n) and sigma/sqrt(2n); 4 of them */
    CU_ASSERT(fabs(mu - mu0) < 4 * s0 / sqrt(N));
    CU_ASSERT(fabs(s - s0) < 4 * s0 / sqrt(2.0 * N));
    free(x);
}

static void test_gamma_ml(void)
{
    double k0 = 2.5, th0 = 0.012, k, th;
    int it;
    double *x = draw("fit.gamma", 0, k0, th0);
    CU_ASSERT_EQUAL_FATAL(fit_gamma(x, N, &k, &th, &it), 0);
    /* Var(k^) = k / (n (k psi1(k) - 1)) from the Fisher information */
    double se = sqrt(k0 / (N * (k0 * gsl_sf_psi_1(k0) - 1)));
    CU_ASSERT(fabs(k - k0) < 4 * se);
    double mean = 0;
    for (size_t i = 0; i < N; i++)
        mean += x[i];
    CU_ASSERT_DOUBLE_EQUAL(k * th, mean / N, 1e-12); /* ML keeps the sample mean */
    CU_ASSERT(it >= 1 && it < 20);
    /* The ML equation holds at the answer. */
    double slog = 0;
    for (size_t i = 0; i < N; i++)
        slog += log(x[i]);
    CU_ASSERT_DOUBLE_EQUAL(log(k) - gsl_sf_psi(k), log(mean / N) - slog / N, 1e-10);
    free(x);
}

static void test_degenerate(void)
{
    double x[5] = {0.01, 0.01, 0.01, 0.01, 0.01}, a, b;
    int it;
    CU_ASSERT_EQUAL(fit_lognormal(x, 5, &a, &b), -1);
    CU_ASSERT_EQUAL(fit_gamma(x, 5, &a, &b, &it), -1);
    CU_ASSERT_EQUAL(fit_lognormal(x, 1, &a, &b), -1);
}

static void test_quantile_type7(void)
{
    double x[4] = {1, 2, 3, 4};
    CU_ASSERT_DOUBLE_EQUAL(fit_sample_quantile(x, 4, 0.5), 2.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(fit_sample_quantile(x, 4, 1.0 / 3), 2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(fit_sample_quantile(x, 4, 0), 1, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(fit_sample_quantile(x, 4, 1), 4, 1e-12);
}

/* Known points of the Kolmogorov distribution: Q(1.36) = 0.0494, Q(1.63) = 0.0098,
 * Q(0.83) = 0.496, Q(0.5) = 0.964; both series agree where they meet (1.18). */
static void test_ks_pvalue(void)
{
    size_t n = 100000000; /* Stephens' correction negligible */
    double sn = sqrt((double)n);
    CU_ASSERT_DOUBLE_EQUAL(fit_ks_pvalue(1.36 / sn, n), 0.0494, 0.0005);
    CU_ASSERT_DOUBLE_EQUAL(fit_ks_pvalue(1.63 / sn, n), 0.0098, 0.0003);
    CU_ASSERT_DOUBLE_EQUAL(fit_ks_pvalue(0.83 / sn, n), 0.496, 0.002);
    CU_ASSERT_DOUBLE_EQUAL(fit_ks_pvalue(0.5 / sn, n), 0.964, 0.001);
    CU_ASSERT_DOUBLE_EQUAL(fit_ks_pvalue(1.1799 / sn, n), fit_ks_pvalue(1.1801 / sn, n), 3e-4);
    CU_ASSERT_DOUBLE_EQUAL(fit_ks_pvalue(0, n), 1, 0);
}

static void test_ks_distance(void)
{
    double *x = draw("fit.ks", 1, log(0.030), 0.7);
    struct sim_dist *d, *g;
    CU_ASSERT_EQUAL_FATAL(sim_dist_parse("lognormal(mean=1, cv=1)", SIM_UNIT_SECONDS, NULL,
                                         NULL, &g), 0);
    char text[128];
    snprintf(text, sizeof text, "lognormal(median=30ms, p99=%.12gms)",
             30 * exp(0.7 * 2.3263478740408408));
    CU_ASSERT_EQUAL_FATAL(sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, NULL, &d), 0);
    double D = fit_ks_distance(x, N, d, 0);
    CU_ASSERT(D < 1.63 / sqrt(N));             /* the true distribution passes at 1 % */
    CU_ASSERT(fit_ks_distance(x, N, g, 0) > 0.3); /* a wrong one does not */
    CU_ASSERT_DOUBLE_EQUAL(fit_resolution(x, N), 0, 0);
    /* Rounded to 1 ms as an access log writes: the plain distance sees the 1 ms steps, the
     * grouped one does not. */
    for (size_t i = 0; i < N; i++)
        x[i] = nearbyint(x[i] * 1000) / 1000;
    CU_ASSERT_DOUBLE_EQUAL(fit_resolution(x, N), 0.001, 0);
    CU_ASSERT(fit_ks_distance(x, N, d, 0) > 0.01);
    CU_ASSERT(fit_ks_distance(x, N, d, 0.001) < 1.63 / sqrt(N));
    sim_dist_free(d);
    sim_dist_free(g);
    free(x);
}

static CU_TestInfo fit_tests[] = {
    {"lognormal ML recovers mu and sigma within 4 standard errors", test_lognormal_ml},
    {"gamma ML: shape within 4 standard errors, mean kept, ML equation holds",
     test_gamma_ml},
    {"a constant or a single value cannot be fitted", test_degenerate},
    {"sample quantile is R's type 7", test_quantile_type7},
    {"KS p-value at the Kolmogorov distribution's known points", test_ks_pvalue},
    {"KS distance: true passes, wrong fails, 1 ms grouping handled", test_ks_distance},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_fit_suites[] = {
    {"fit", NULL, NULL, NULL, NULL, fit_tests},
    CU_SUITE_INFO_NULL,
};
