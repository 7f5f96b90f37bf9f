/* Tests of sim/histogram: quantile error against exact sorted samples (exact while the
 * sample is small, within HIST_REL_ERR beyond), merge, reset, and the edges (empty,
 * underflow, overflow). */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/histogram.h"
#include "tests/unit.h"

static const double probs[] = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1};
#define NPROBS (sizeof probs / sizeof probs[0])

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The exact sample quantile under the histogram's definition (rank ceil(p n)). */
static double exact_quantile(const double *sorted, size_t n, double p)
{
    double x = ceil(p * (double)n * (1 - 1e-12));
    size_t r = x < 1 ? 1 : (size_t)x;
    return sorted[r - 1];
}

static void check_against_exact(double *v, size_t n)
{
    struct hist h;
    hist_init(&h);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        hist_record(&h, v[i]);
        sum += v[i];
    }
    qsort(v, n, sizeof *v, cmp_double);
    CU_ASSERT_EQUAL(hist_count(&h), n);
    CU_ASSERT_DOUBLE_EQUAL(hist_mean(&h), sum / (double)n, 1e-12 * sum / (double)n);
    CU_ASSERT_EQUAL(hist_min(&h), v[0]);
    CU_ASSERT_EQUAL(hist_max(&h), v[n - 1]);
    for (size_t k = 0; k < NPROBS; k++) {
        double want = exact_quantile(v, n, probs[k]);
        double got = hist_quantile(&h, probs[k]);
        /* the stated bound; exact (0) while the sample is small */
        double tol = n <= HIST_EXACT ? 0 : HIST_REL_ERR * want;
        CU_ASSERT(fabs(got - want) <= tol);
        if (fabs(got - want) > tol)
            printf("\n  n=%zu p=%g: got %.12g, exact %.12g\n", n, probs[k], got, want);
    }
    hist_fini(&h);
}

static void quantiles_within_0_1pct_of_exact_lognormal(void)
{
    enum { N = 200000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 7);
    double *v = malloc(N * sizeof *v);
    /* median 40 ms, p99 about 400 ms, as in the quickstart scenario */
    for (size_t i = 0; i < N; i++)
        v[i] = gsl_ran_lognormal(r, log(0.040), log(10.0) / 2.326);
    check_against_exact(v, N);
    free(v);
    gsl_rng_free(r);
}

static void quantiles_within_0_1pct_of_exact_exponential(void)
{
    enum { N = 200000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 11);
    double *v = malloc(N * sizeof *v);
    for (size_t i = 0; i < N; i++)
        v[i] = gsl_ran_exponential(r, 0.020);
    check_against_exact(v, N);
    free(v);
    gsl_rng_free(r);
}

/* Small samples (up to HIST_EXACT values) give the exact sample quantile, whatever the
 * values: no bucket edge ever comes back. */
static void small_samples_are_exact(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 3);
    size_t sizes[] = {1, 2, 3, 10, 99, 100, 101, 511, HIST_EXACT};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        double v[HIST_EXACT];
        for (size_t i = 0; i < sizes[k]; i++)
            v[i] = gsl_ran_lognormal(r, log(0.040), 1.0);
        check_against_exact(v, sizes[k]);
    }
    gsl_rng_free(r);
}

/* Every value from 1e-7 s to 1e6 s comes back within HIST_REL_ERR (1/1024) when it is the
 * answer and the sample is too large to keep. */
static void every_value_in_range_reported_within_0_1_pct(void)
{
    struct hist h;
    hist_init(&h);
    for (double v = 1e-7; v < 1e6; v *= 1.0137) {
        hist_reset(&h);
        for (int i = 0; i < HIST_EXACT; i++)
            hist_record(&h, 0);
        for (int i = 0; i < HIST_EXACT; i++)
            hist_record(&h, v);
        hist_record(&h, 2e6);
        CU_ASSERT_FALSE(hist_is_exact(&h));
        double got = hist_quantile(&h, 0.75); /* among the copies of v */
        CU_ASSERT(fabs(got - v) <= v * HIST_REL_ERR);
        if (fabs(got - v) > v * HIST_REL_ERR)
            printf("\n  v=%.12g: got %.12g (%.3g %%)\n", v, got, 100 * fabs(got - v) / v);
    }
    hist_fini(&h);
}

/* The bound is tight enough to tell apart two samples 0.2 % apart, which buckets of 1/64
 * of a power of two merged: p99 of 1,000 values spread over [0.1, 0.1865] s (0.18563)
 * against the same values 0.2 % slower (0.18600), both in [0.18555, 0.18750). */
static void values_0_2_pct_apart_stay_apart(void)
{
    struct hist a, b;
    hist_init(&a);
    hist_init(&b);
    for (int i = 0; i < 1000; i++) {
        double v = 0.1 + 0.0865 * i / 999.0;
        hist_record(&a, v);
        hist_record(&b, v * 1.002);
    }
    double pa = hist_quantile(&a, 0.99), pb = hist_quantile(&b, 0.99);
    CU_ASSERT(pb > pa);
    CU_ASSERT(fabs(pb / pa - 1.002) < 2 * HIST_REL_ERR);
    hist_fini(&a);
    hist_fini(&b);
}

static void rank_is_ceil_p_n(void)
{
    struct hist h;
    hist_init(&h);
    for (int i = 1; i <= 10; i++)
        hist_record(&h, i);
    /* 0.7 * 10 is 7.000000000000001 in doubles; the rank must still be 7 */
    CU_ASSERT_EQUAL(hist_quantile(&h, 0.7), 7);
    CU_ASSERT_EQUAL(hist_quantile(&h, 0.5), 5);
    CU_ASSERT_EQUAL(hist_quantile(&h, 0.51), 6);
    CU_ASSERT_EQUAL(hist_quantile(&h, 0), 1);
    CU_ASSERT_EQUAL(hist_quantile(&h, 0.1), 1);
    CU_ASSERT_EQUAL(hist_quantile(&h, 0.95), 10);
    CU_ASSERT_EQUAL(hist_quantile(&h, 1), 10);
    hist_fini(&h);
}

static void merge_equals_recording_both(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 3);
    struct hist a, b, both;
    hist_init(&a);
    hist_init(&b);
    hist_init(&both);
    for (int i = 0; i < 5000; i++) {
        double x = gsl_ran_exponential(r, 0.010), y = gsl_ran_lognormal(r, 0, 1.5);
        hist_record(&a, x);
        hist_record(&b, y);
        hist_record(&both, x);
        hist_record(&both, y);
    }
    hist_merge(&a, &b);
    CU_ASSERT_EQUAL(hist_count(&a), hist_count(&both));
    CU_ASSERT_EQUAL(hist_min(&a), hist_min(&both));
    CU_ASSERT_EQUAL(hist_max(&a), hist_max(&both));
    CU_ASSERT_DOUBLE_EQUAL(hist_mean(&a), hist_mean(&both), 1e-12 * hist_mean(&both));
    for (size_t k = 0; k < NPROBS; k++)
        CU_ASSERT_EQUAL(hist_quantile(&a, probs[k]), hist_quantile(&both, probs[k]));
    for (int i = 0; i < HIST_BUCKETS; i++)
        CU_ASSERT_EQUAL_FATAL(a.counts[i], both.counts[i]);

    /* Merging into an empty histogram copies; merging an empty one changes nothing. */
    struct hist e;
    hist_init(&e);
    hist_merge(&e, &b);
    CU_ASSERT_EQUAL(hist_min(&e), hist_min(&b));
    CU_ASSERT_EQUAL(hist_quantile(&e, 0.5), hist_quantile(&b, 0.5));
    hist_reset(&e);
    hist_merge(&b, &e);
    CU_ASSERT_EQUAL(hist_count(&b), 5000);
    hist_fini(&e);
    hist_fini(&a);
    hist_fini(&b);
    hist_fini(&both);
    gsl_rng_free(r);
}

static void reset_forgets_everything(void)
{
    struct hist h;
    hist_init(&h);
    hist_record(&h, 1e-6);
    hist_record(&h, 5.0);
    hist_record(&h, 1e9);
    hist_reset(&h);
    CU_ASSERT_EQUAL(hist_count(&h), 0);
    CU_ASSERT(isnan(hist_mean(&h)));
    CU_ASSERT(isnan(hist_quantile(&h, 0.5)));
    for (int i = 0; i < HIST_BUCKETS; i++)
        CU_ASSERT_EQUAL_FATAL(h.counts[i], 0);
    hist_record(&h, 0.25);
    CU_ASSERT_EQUAL(hist_count(&h), 1);
    CU_ASSERT_EQUAL(hist_min(&h), 0.25);
    CU_ASSERT_EQUAL(hist_max(&h), 0.25);
    CU_ASSERT_EQUAL(hist_mean(&h), 0.25);
    CU_ASSERT_EQUAL(hist_quantile(&h, 0.5), 0.25);
    hist_fini(&h);
}

static void empty_gives_nan(void)
{
    struct hist h;
    hist_init(&h);
    CU_ASSERT_EQUAL(hist_count(&h), 0);
    CU_ASSERT(isnan(hist_mean(&h)));
    CU_ASSERT(isnan(hist_min(&h)));
    CU_ASSERT(isnan(hist_max(&h)));
    CU_ASSERT(isnan(hist_quantile(&h, 0)));
    CU_ASSERT(isnan(hist_quantile(&h, 0.99)));
    hist_fini(&h);
}

static void underflow_values_are_counted_and_clamped(void)
{
    struct hist h;
    hist_init(&h);
    hist_record(&h, 0.0);
    hist_record(&h, -0.0);
    hist_record(&h, 1e-9);
    hist_record(&h, 2e-8);
    CU_ASSERT_EQUAL(h.counts[0], 4);
    CU_ASSERT_EQUAL(hist_count(&h), 4);
    CU_ASSERT_EQUAL(hist_min(&h), 0.0);
    CU_ASSERT(!signbit(hist_min(&h)));
    CU_ASSERT_EQUAL(hist_max(&h), 2e-8);
    double q = hist_quantile(&h, 0.6); /* rank 3, in the underflow bucket */
    CU_ASSERT(q >= 0 && q <= 2e-8);
    hist_fini(&h);
}

static void huge_values_are_exact_in_max_and_mean(void)
{
    struct hist h;
    hist_init(&h);
    for (int i = 0; i < 98; i++)
        hist_record(&h, 0.001);
    hist_record(&h, 1e7);
    hist_record(&h, 1e12);
    CU_ASSERT_EQUAL(hist_max(&h), 1e12);
    CU_ASSERT_EQUAL(h.counts[HIST_BUCKETS - 1], 2);
    CU_ASSERT_DOUBLE_EQUAL(hist_mean(&h), (98 * 0.001 + 1e7 + 1e12) / 100, 1e-3);
    CU_ASSERT_EQUAL(hist_quantile(&h, 1), 1e12);
    double p99 = hist_quantile(&h, 0.99); /* rank 99: 1e7, in the overflow bucket */
    CU_ASSERT(p99 >= 1e7 && p99 <= 1e12);
    CU_ASSERT(fabs(hist_quantile(&h, 0.5) - 0.001) <= 0.001 * HIST_REL_ERR);
    hist_fini(&h);
}

static void min_max_exact(void)
{
    struct hist h;
    hist_init(&h);
    const double v[] = {0.0123456789, 0.5, 3.14159265358979, 0.0123456788, 2.0};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        hist_record(&h, v[i]);
    CU_ASSERT_EQUAL(hist_min(&h), 0.0123456788);
    CU_ASSERT_EQUAL(hist_max(&h), 3.14159265358979);
    CU_ASSERT_EQUAL(hist_quantile(&h, 0), 0.0123456788);
    CU_ASSERT_EQUAL(hist_quantile(&h, 1), 3.14159265358979);
    hist_fini(&h);
}

/* CloudWatch's tmNN: the mean of the lowest NN % of the values.  Small samples exactly
 * (the boundary value counted for its fraction), large ones within HIST_REL_ERR. */
static void trimmed_mean_of_lowest_fraction(void)
{
    struct hist h;
    hist_init(&h);
    CU_ASSERT(isnan(hist_trimmed_mean(&h, 0.99)));
    for (int i = 10; i >= 1; i--)
        hist_record(&h, (double)i);
    CU_ASSERT_DOUBLE_EQUAL(hist_trimmed_mean(&h, 1.0), 5.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(hist_trimmed_mean(&h, 0.9), 5.0, 1e-12);   /* 1..9 */
    CU_ASSERT_DOUBLE_EQUAL(hist_trimmed_mean(&h, 0.25), 4.5 / 2.5, 1e-12); /* 1, 2, half 3 */
    /* Small samples with ties, every size and several fractions, against sorting. */
    gsl_rng *rs = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(rs, 5);
    double *sv = malloc(HIST_EXACT * sizeof *sv);
    for (int n = 1; n <= HIST_EXACT; n += 7) {
        hist_reset(&h);
        for (int i = 0; i < n; i++) {
            sv[i] = (double)gsl_rng_uniform_int(rs, 20) * 0.001; /* many ties */
            hist_record(&h, sv[i]);
        }
        qsort(sv, (size_t)n, sizeof *sv, cmp_double);
        static const double fr[] = {0.01, 0.5, 0.9, 0.99, 1.0};
        for (size_t f = 0; f < sizeof fr / sizeof fr[0]; f++) {
            double want = fr[f] * n, got = 0, sum = 0;
            for (int i = 0; i < n && got < want; i++) {
                double w = want - got < 1 ? want - got : 1;
                sum += w * sv[i];
                got += w;
            }
            CU_ASSERT_DOUBLE_EQUAL(hist_trimmed_mean(&h, fr[f]), sum / got, 1e-12);
        }
    }
    free(sv);
    gsl_rng_free(rs);
    hist_reset(&h);
    enum { N = 100000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 3);
    double *v = malloc(N * sizeof *v);
    for (size_t i = 0; i < N; i++) {
        v[i] = gsl_ran_lognormal(r, log(0.040), log(10.0) / 2.326);
        hist_record(&h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_double);
    double sum = 0;
    for (size_t i = 0; i < N * 99 / 100; i++)
        sum += v[i];
    double exact = sum / (N * 99 / 100);
    CU_ASSERT(fabs(hist_trimmed_mean(&h, 0.99) - exact) <= HIST_REL_ERR * exact);
    CU_ASSERT(fabs(hist_trimmed_mean(&h, 1.0) - hist_mean(&h)) <= HIST_REL_ERR * hist_mean(&h));
    free(v);
    gsl_rng_free(r);
    hist_fini(&h);
}

static CU_TestInfo histogram_tests[] = {
    {"quantiles_within_0_1pct_of_exact_lognormal", quantiles_within_0_1pct_of_exact_lognormal},
    {"quantiles_within_0_1pct_of_exact_exponential",
     quantiles_within_0_1pct_of_exact_exponential},
    {"small_samples_are_exact", small_samples_are_exact},
    {"every_value_in_range_reported_within_0_1_pct", every_value_in_range_reported_within_0_1_pct},
    {"values_0_2_pct_apart_stay_apart", values_0_2_pct_apart_stay_apart},
    {"rank_is_ceil_p_n", rank_is_ceil_p_n},
    {"merge_equals_recording_both", merge_equals_recording_both},
    {"reset_forgets_everything", reset_forgets_everything},
    {"empty_gives_nan", empty_gives_nan},
    {"underflow_values_are_counted_and_clamped", underflow_values_are_counted_and_clamped},
    {"huge_values_are_exact_in_max_and_mean", huge_values_are_exact_in_max_and_mean},
    {"min_max_exact", min_max_exact},
    {"trimmed_mean_of_lowest_fraction", trimmed_mean_of_lowest_fraction},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_histogram_suites[] = {
    {"histogram", NULL, NULL, NULL, NULL, histogram_tests},
    CU_SUITE_INFO_NULL,
};
