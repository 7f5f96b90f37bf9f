/*
 * Tests for sim/rng.h: named streams are reproducible, independent of each other, and
 * seeded by values that never change between runs, machines or releases.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/rng.h"
#include "tests/unit.h"

static void test_same_seed_and_name_give_identical_sequences(void)
{
    gsl_rng *a = sim_rng_new(42, "workload/shoppers");
    gsl_rng *b = sim_rng_new(42, "workload/shoppers");
    int diff = 0;
    for (int i = 0; i < 10000; i++)
        diff += gsl_rng_get(a) != gsl_rng_get(b);
    CU_ASSERT_EQUAL(diff, 0);
    /* Re-seeding in place restarts the same sequence. */
    gsl_rng *c = sim_rng_new(42, "workload/shoppers");
    unsigned long first = gsl_rng_get(c);
    sim_rng_seed(a, 42, "workload/shoppers");
    CU_ASSERT_EQUAL(gsl_rng_get(a), first);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

static void test_different_names_or_seeds_give_different_sequences(void)
{
    gsl_rng *a = sim_rng_new(42, "target/1");
    gsl_rng *b = sim_rng_new(42, "target/2");
    gsl_rng *c = sim_rng_new(43, "target/1");
    int same_ab = 0, same_ac = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned long x = gsl_rng_get(a), y = gsl_rng_get(b), z = gsl_rng_get(c);
        same_ab += x == y;
        same_ac += x == z;
    }
    CU_ASSERT(same_ab < 3);
    CU_ASSERT(same_ac < 3);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

/* Pearson correlation of n paired uniforms from two streams. */
static double correlation(gsl_rng *a, gsl_rng *b, int n)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
    return cov / sqrt(vx * vy);
}

static void test_streams_with_near_names_are_uncorrelated(void)
{
    /* Under independence r is about N(0, 1/n): |r| < z / sqrt(n) at 99.9 %. */
    const int n = 100000;
    const double bound = gsl_cdf_ugaussian_Pinv(0.9995) / sqrt((double)n);
    struct {
        uint64_t seed_a;
        const char *a;
        uint64_t seed_b;
        const char *b;
    } pairs[] = {
        {42, "a", 42, "b"},
        {42, "target/1", 42, "target/2"},
        {42, "workload/shoppers/arrivals", 42, "workload/shoppers/demand"},
        {1, "lb/front", 2, "lb/front"}, /* adjacent run seeds, same name */
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        gsl_rng *a = sim_rng_new(pairs[i].seed_a, pairs[i].a);
        gsl_rng *b = sim_rng_new(pairs[i].seed_b, pairs[i].b);
        double r = correlation(a, b, n);
        if (!(fabs(r) < bound))
            printf("\n    r(%s, %s) = %g, bound %g\n", pairs[i].a, pairs[i].b, r, bound);
        CU_ASSERT(fabs(r) < bound);
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}

static void test_other_streams_do_not_shift_a_stream(void)
{
    enum { N = 2000 };
    unsigned long alone[N];
    gsl_rng *x = sim_rng_new(7, "workload/x");
    for (int i = 0; i < N; i++)
        alone[i] = gsl_rng_get(x);
    gsl_rng_free(x);

    /* Same stream, but with a new stream created before it, one created half-way, and a
     * neighbour drawn from heavily in between. */
    gsl_rng *before = sim_rng_new(7, "routing/new-component");
    x = sim_rng_new(7, "workload/x");
    gsl_rng *y = NULL;
    int diff = 0;
    for (int i = 0; i < N; i++) {
        if (i == N / 2)
            y = sim_rng_new(7, "workload/y");
        for (int k = 0; k < (i % 7); k++) {
            (void)gsl_rng_get(before);
            if (y)
                (void)gsl_rng_get(y);
        }
        diff += gsl_rng_get(x) != alone[i];
    }
    CU_ASSERT_EQUAL(diff, 0);
    gsl_rng_free(before);
    gsl_rng_free(x);
    gsl_rng_free(y);
}

static void test_hash_and_seed_values_are_stable(void)
{
    /* FNV-1a 64 and splitmix64 against their published reference values. */
    CU_ASSERT_EQUAL(sim_rng_hash(""), 0xcbf29ce484222325ull);
    CU_ASSERT_EQUAL(sim_rng_hash("a"), 0xaf63dc4c8601ec8cull);
    CU_ASSERT_EQUAL(sim_rng_hash("foobar"), 0x85944171f73967e8ull);
    uint64_t s = 0;
    CU_ASSERT_EQUAL(sim_rng_splitmix64(&s), 0xe220a8397b1dcdafull);
    CU_ASSERT_EQUAL(sim_rng_splitmix64(&s), 0x6e789e6aa1b965f4ull);
    CU_ASSERT_EQUAL(sim_rng_splitmix64(&s), 0x06c45d188009454full);
    /* Golden values of elbsim's own seeding: changing them changes every run's output. */
    CU_ASSERT_EQUAL(sim_rng_mix(42, "workload/shoppers"), 0x03e4c48eb2a436b8ull);
    CU_ASSERT_EQUAL(sim_rng_mix(0, ""), 0x97a7e8de67b775bbull);
    CU_ASSERT_EQUAL(sim_rng_mix(UINT64_MAX, "lb/front"), 0x8abef6cd4aeffedcull);
    gsl_rng *r = sim_rng_new(42, "workload/shoppers");
    CU_ASSERT_EQUAL(gsl_rng_get(r), 31703950ul);
    CU_ASSERT_EQUAL(gsl_rng_get(r), 2783283012ul);
    gsl_rng_free(r);
}

static void test_small_streams_repeat_by_seed_and_differ_across_seeds(void)
{
    struct sim_rng_small a, b, c;
    sim_rng_small_init(&a, 99);
    sim_rng_small_init(&b, 99);
    sim_rng_small_init(&c, 100);
    int diff_ab = 0, same_ac = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned long x = gsl_rng_get(&a.r), y = gsl_rng_get(&b.r), z = gsl_rng_get(&c.r);
        diff_ab += x != y;
        same_ac += x == z;
    }
    CU_ASSERT_EQUAL(diff_ab, 0);
    CU_ASSERT(same_ac < 3);
}

/* sim_rng_uniform gives GSL's very doubles: 10^6 from twin streams (named and small),
 * mixed with exponential draws so that every kind follows the others; a stream of another
 * type (mt19937) goes through GSL, its exponential too. */
static void test_inline_draws_are_gsl_draws(void)
{
    gsl_rng *a = sim_rng_new(5, "test/inline"), *b = sim_rng_new(5, "test/inline");
    struct sim_rng_small sa, sb;
    sim_rng_small_init(&sa, 77);
    sim_rng_small_init(&sb, 77);
    gsl_rng *ma = gsl_rng_alloc(gsl_rng_mt19937), *mb = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *pairs[3][2] = {{a, b}, {&sa.r, &sb.r}, {ma, mb}};
    unsigned long differ = 0;
    for (int p = 0; p < 3; p++) {
        gsl_rng *x = pairs[p][0], *y = pairs[p][1];
        for (int i = 0; i < 1000000; i++) {
            differ += sim_rng_uniform(x) != gsl_rng_uniform(y);
            if (p == 2)
                differ += sim_rng_exponential(x, 0.02) != gsl_ran_exponential(y, 0.02);
            else
                differ += sim_rng_exponential(x, 0.02) != 0.02 * sim_rng_exp1(y);
        }
        differ += gsl_rng_get(x) != gsl_rng_get(y); /* still in step */
    }
    CU_ASSERT_EQUAL(differ, 0);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(ma);
    gsl_rng_free(mb);
}

/* The ziggurat's tables (sim/rng_zig.c, written by tools/rng_zig.py) hold what the method
 * needs, recomputed here in long double: every layer and the base strip with its tail
 * have the same area v = (r + 1) e^-r, the top layer closes at x = 0, f is e^-x at each
 * layer's edge, and k is the part of each layer wholly under the density. */
static void test_ziggurat_tables_have_layers_of_equal_area(void)
{
    const long double two53 = 9007199254740992.0L;
    const double *w = sim_rng_zig_w, *f = sim_rng_zig_f;
    const uint64_t *k = sim_rng_zig_k;
    long double r = (long double)sim_rng_zig_r, v = (r + 1) * expl(-r);
    CU_ASSERT(fabsl(v - 3.9496598225815571993e-3L) < 1e-17L); /* Marsaglia and Tsang's */
    CU_ASSERT_EQUAL((long double)w[SIM_RNG_ZIG_LAYERS - 1] * two53, r);
    long double q = v / expl(-r); /* the base strip's width with its tail */
    CU_ASSERT(fabsl((long double)w[0] * two53 / q - 1) < 1e-15L);
    CU_ASSERT(fabsl((long double)k[0] - floorl(two53 * r / q)) <= 1);
    CU_ASSERT_EQUAL(f[0], 1.0);
    CU_ASSERT_EQUAL(k[1], 0);
    int bad_area = 0, bad_f = 0, bad_k = 0, not_rising = 0;
    for (int i = 1; i < SIM_RNG_ZIG_LAYERS; i++) {
        long double x = (long double)w[i] * two53, below = (long double)w[i - 1] * two53;
        long double area = x * ((long double)f[i - 1] - (long double)f[i]);
        bad_area += fabsl(area / v - 1) > 1e-11L;
        /* x itself is rounded (half an ulp), which moves e^-x by x half-ulps more. */
        bad_f += fabsl((long double)f[i] / expl(-x) - 1) > (1 + x) * 1.2e-16L;
        if (i >= 2) {
            bad_k += fabsl((long double)k[i] - floorl(two53 * below / x)) > 3;
            not_rising += !(w[i] > w[i - 1]);
        }
    }
    CU_ASSERT_EQUAL(bad_area, 0);
    CU_ASSERT_EQUAL(bad_f, 0);
    CU_ASSERT_EQUAL(bad_k, 0);
    CU_ASSERT_EQUAL(not_rising, 0);
}

/* 10^7 draws of sim_rng_exp1 against the exponential's CDF: a chi-square over 1000
 * equiprobable bins and the largest gap between the empirical and the exact CDF at their
 * edges (Kolmogorov-Smirnov on the grid), each against its 10^-3 critical value; the
 * mean, the share beyond the tail's start r and the mean excess beyond it within four
 * standard errors.  A wedge always kept (1.1 % of the mass too much) fails the first
 * three; a table row 3 % off passes them and fails the tables' test above. */
static void test_exponential_draws_follow_the_density(void)
{
    enum { BINS = 1000 };
    const long n = 10000000;
    gsl_rng *g = sim_rng_new(11, "test/ziggurat");
    long *count = calloc(BINS, sizeof *count);
    double sum = 0, excess = 0, r = sim_rng_zig_r;
    long beyond = 0, zero = 0;
    for (long i = 0; i < n; i++) {
        double x = sim_rng_exp1(g);
        sum += x;
        zero += x <= 0;
        if (x > r) {
            beyond++;
            excess += x - r;
        }
        int b = (int)(-expm1(-x) * BINS);
        count[b < BINS ? b : BINS - 1]++;
    }
    double chi2 = 0, e = (double)n / BINS, ks = 0;
    long cum = 0;
    for (int b = 0; b < BINS; b++) {
        chi2 += (count[b] - e) * (count[b] - e) / e;
        cum += count[b];
        ks = fmax(ks, fabs((double)cum / (double)n - (b + 1.0) / BINS));
    }
    CU_ASSERT(chi2 < gsl_cdf_chisq_Qinv(1e-3, BINS - 1));
    CU_ASSERT(ks * sqrt((double)n) < 1.95); /* Kolmogorov's 10^-3 point */
    CU_ASSERT(fabs(sum / (double)n - 1) < 4 / sqrt((double)n));
    double p = exp(-r), sd = sqrt((double)n * p * (1 - p));
    CU_ASSERT(fabs((double)beyond - (double)n * p) < 4 * sd);
    CU_ASSERT(fabs(excess / (double)beyond - 1) < 4 / sqrt((double)beyond));
    CU_ASSERT_EQUAL(zero < 3, 1); /* a zero needs a 53-bit position of 0 */
    free(count);
    gsl_rng_free(g);
}

/* The draws' bits do not change between runs, machines or releases: 10^6 draws of a named
 * stream hash (FNV-1a of their bits) to the value they had when the ziggurat was written.
 * The wedges and the tail call exp and log1p, so a libm that rounds differently shows
 * here. */
static void test_exponential_draws_are_stable(void)
{
    gsl_rng *g = sim_rng_new(7, "test/ziggurat/stable");
    uint64_t h = 14695981039346656037u;
    for (int i = 0; i < 1000000; i++) {
        double x = sim_rng_exp1(g);
        uint64_t bits;
        memcpy(&bits, &x, sizeof bits);
        h = (h ^ bits) * 1099511628211u;
    }
    CU_ASSERT_EQUAL(h, 0xdd6a1decea63f11u);
    gsl_rng_free(g);
}

static CU_TestInfo rng_tests[] = {
    {"same_seed_and_name_give_identical_sequences",
     test_same_seed_and_name_give_identical_sequences},
    {"different_names_or_seeds_give_different_sequences",
     test_different_names_or_seeds_give_different_sequences},
    {"streams_with_near_names_are_uncorrelated", test_streams_with_near_names_are_uncorrelated},
    {"other_streams_do_not_shift_a_stream", test_other_streams_do_not_shift_a_stream},
    {"hash_and_seed_values_are_stable", test_hash_and_seed_values_are_stable},
    {"small_streams_repeat_by_seed_and_differ_across_seeds",
     test_small_streams_repeat_by_seed_and_differ_across_seeds},
    {"inline_draws_are_gsl_draws", test_inline_draws_are_gsl_draws},
    {"ziggurat_tables_have_layers_of_equal_area", test_ziggurat_tables_have_layers_of_equal_area},
    {"exponential_draws_follow_the_density", test_exponential_draws_follow_the_density},
    {"exponential_draws_are_stable", test_exponential_draws_are_stable},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_rng_suites[] = {
    {"rng", NULL, NULL, NULL, NULL, rng_tests},
    CU_SUITE_INFO_NULL,
};
