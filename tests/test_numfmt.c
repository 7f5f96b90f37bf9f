/*
 * Tests of sim/numfmt: byte for byte against glibc's snprintf ("%.10g", "%.0f", "%lld",
 * "%llu") on random doubles (random bit patterns over the whole range, log-uniform values
 * in simulation ranges, every binade of the fast path), exact decimal ties, carries to the
 * next power of ten, powers of two and ten with their neighbours, and edge cases.
 *
 * About 3 million doubles in a normal run (a second or two).  ELBSIM_NUMFMT_LONG=K runs
 * the random families K times longer (K = 100: a few minutes); ELBSIM_QUICK (valgrind)
 * runs them 50 times shorter.  The suite's cleanup prints how many values were compared.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/numfmt.h"
#include "tests/unit.h"

static uint64_t rng_state;
static unsigned long long n_g10, n_fast, n_whole, n_int, mismatches;

/* splitmix64: a fixed, seedable sequence, so a failure reproduces. */
static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double next_unit(void)
{
    return (double)(next_u64() >> 11) * 0x1p-53;
}

/* How many values a random family draws: n in a normal run, scaled by the environment. */
static long scaled(long n)
{
    const char *lng = getenv("ELBSIM_NUMFMT_LONG");
    if (lng && atol(lng) > 0)
        return n * atol(lng);
    if (getenv("ELBSIM_QUICK"))
        return n / 50 > 1 ? n / 50 : 1;
    return n;
}

static void report_mismatch(const char *fmt, double v, const char *want, const char *got)
{
    if (mismatches++ < 10)
        fprintf(stderr, "\n  numfmt %s of %a (%.17g): printf \"%s\", numfmt \"%s\"", fmt, v,
                v, want, got);
}

/* numfmt_g10(v) against snprintf("%.10g"); the length returned too.  Returns 1 on a match. */
static int check_g10(double v)
{
    char want[64], got[NUMFMT_BUF + 8];
    memset(got, 'x', sizeof got);
    int n = snprintf(want, sizeof want, "%.10g", v);
    size_t len = numfmt_g10(got, v);
    n_g10++;
    n_fast += v == 0 || (fabs(v) >= NUMFMT_G10_FAST_MIN && fabs(v) < NUMFMT_G10_FAST_MAX);
    if (strcmp(want, got) != 0 || len != (size_t)n || got[NUMFMT_BUF] != 'x') {
        report_mismatch("%.10g", v, want, got);
        return 0;
    }
    return 1;
}

/* v and -v. */
static int check_g10_pm(double v)
{
    return check_g10(v) & check_g10(-v);
}

static int check_whole(double v)
{
    char want[64], got[NUMFMT_BUF];
    int n = snprintf(want, sizeof want, "%.0f", v);
    size_t len = numfmt_whole(got, v);
    n_whole++;
    if (strcmp(want, got) != 0 || len != (size_t)n) {
        report_mismatch("%.0f", v, want, got);
        return 0;
    }
    return 1;
}

static int check_int(long long v)
{
    char want[64], got[NUMFMT_BUF];
    int n = snprintf(want, sizeof want, "%lld", v);
    size_t len = numfmt_int(got, v);
    unsigned long long u = (unsigned long long)v;
    char want_u[64], got_u[NUMFMT_BUF];
    int nu = snprintf(want_u, sizeof want_u, "%llu", u);
    size_t len_u = numfmt_uint(got_u, u);
    n_int += 2;
    if (strcmp(want, got) != 0 || len != (size_t)n || strcmp(want_u, got_u) != 0 ||
        len_u != (size_t)nu) {
        report_mismatch("%lld/%llu", (double)v, want, got);
        return 0;
    }
    return 1;
}

/* Each family starts from its own seed, so adding one never changes another's values. */
static void family(uint64_t seed)
{
    rng_state = seed;
    mismatches = 0;
}

static void g10_matches_printf_on_random_bit_patterns(void)
{
    family(1);
    long n = scaled(600000), bad = 0;
    for (long i = 0; i < n; i++) {
        uint64_t bits = next_u64();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            bad += !check_g10(v);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void g10_matches_printf_in_simulation_ranges(void)
{
    /* Log-uniform over 1e-9 .. 1e7 (latencies to counts), both signs. */
    family(2);
    long n = scaled(600000), bad = 0;
    for (long i = 0; i < n; i++)
        bad += !check_g10_pm(1e-9 * pow(1e16, next_unit()));
    /* Short decimals as scenarios and models make them: k / 10^j, sums of a few of them. */
    for (long i = 0; i < n / 4; i++) {
        double a = (double)(next_u64() % 100000) / pow(10, (double)(next_u64() % 8));
        double b = (double)(next_u64() % 1000) / pow(10, (double)(next_u64() % 5));
        bad += !check_g10_pm(a + b) + !check_g10_pm(a * b) + !check_g10_pm(a / (b + 1));
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void g10_matches_printf_in_every_binade_of_the_fast_path(void)
{
    /* Every exponent from 2^-80 to 2^127 (across both ends of the fast path) with random
     * mantissas: each scale (5^q products, the 5^p divisions above 10^10) is reached. */
    family(3);
    long per = scaled(1500), bad = 0;
    for (int e = -80; e < 128; e++)
        for (long i = 0; i < per; i++)
            bad += !check_g10_pm(ldexp(1 + next_unit(), e));
    CU_ASSERT_EQUAL(bad, 0);
}

/* Exact ties: values with exactly 11 significant digits, the last a 5, so rounding to 10
 * goes to the even neighbour.  N / 2^j has j decimals and N * 5^j as its digits: odd N with
 * N * 5^j in [10^10, 10^11) gives such a value for j = 1 .. 15; whole ties are (2d + 1) *
 * 5^(k+1) * 2^k = (10d + 5) * 10^k, exact while (2d + 1) * 5^(k+1) < 2^53. */
static void g10_rounds_exact_ties_to_even(void)
{
    char buf[NUMFMT_BUF];
    numfmt_g10(buf, 1234567890.5); /* 1234567890|5: 0 is even, down */
    CU_ASSERT_STRING_EQUAL(buf, "1234567890");
    numfmt_g10(buf, 1234567891.5); /* up to the even 2 */
    CU_ASSERT_STRING_EQUAL(buf, "1234567892");
    numfmt_g10(buf, 0.12345678905); /* not a tie: 0.12345678905 is not a binary fraction */
    CU_ASSERT_STRING_EQUAL(buf, "0.1234567891");
    numfmt_g10(buf, 123456789.125); /* 123456789.1|25: below half */
    CU_ASSERT_STRING_EQUAL(buf, "123456789.1");
    numfmt_g10(buf, 12345678.0625); /* 12345678.06|25: below half */
    CU_ASSERT_STRING_EQUAL(buf, "12345678.06");
    numfmt_g10(buf, 12345678.03125); /* 12345678.03|125 */
    CU_ASSERT_STRING_EQUAL(buf, "12345678.03");
    numfmt_g10(buf, 98765432105.0); /* 9876543210|5: 0 is even, down */
    CU_ASSERT_STRING_EQUAL(buf, "9.87654321e+10");
    numfmt_g10(buf, 98765432115.0); /* 9876543211|5: up to the even 2 */
    CU_ASSERT_STRING_EQUAL(buf, "9.876543212e+10");
    numfmt_g10(buf, 0.00030517578125); /* 5 * 2^-14, 11 digits: a tie, down to even 2 */
    CU_ASSERT_STRING_EQUAL(buf, "0.0003051757812");
    numfmt_g10(buf, 0x1p-15); /* 3.0517578125e-05: a tie in exponential notation */
    CU_ASSERT_STRING_EQUAL(buf, "3.051757812e-05");
    numfmt_g10(buf, 9999999999.5); /* a tie on an odd digit: up, and a carry */
    CU_ASSERT_STRING_EQUAL(buf, "1e+10");

    family(4);
    long per = scaled(20000), bad = 0, ties = 0;
    for (int j = 1; j <= 15; j++) {
        double p5 = pow(5, j);
        uint64_t lo = (uint64_t)ceil(1e10 / p5), hi = (uint64_t)ceil(1e11 / p5);
        for (long i = 0; i < per; i++) {
            uint64_t n = (lo + next_u64() % (hi - lo)) | 1;
            if ((double)n * p5 >= 1e11)
                continue;
            bad += !check_g10_pm(ldexp((double)n, -j));
            ties++;
        }
    }
    for (int k = 0; k < 8; k++) {
        double p5 = pow(5, k + 1);
        for (long i = 0; i < per; i++) {
            double m = (double)(2 * (1000000000 + next_u64() % 9000000000u) + 1) * p5;
            if (m >= 0x1p53)
                continue;
            bad += !check_g10_pm(ldexp(m, k));
            ties++;
        }
    }
    CU_ASSERT(ties > 10 * per);
    CU_ASSERT_EQUAL(bad, 0);
}

/* Values just below 10^k round up to 10^k (a new digit count, %g may switch notation);
 * values just below the rounding point stay. */
static void g10_carries_to_the_next_power_of_ten(void)
{
    char buf[NUMFMT_BUF];
    numfmt_g10(buf, 9.9999999995); /* the double is 9.99999999949999...: stays */
    CU_ASSERT_STRING_EQUAL(buf, "9.999999999");
    numfmt_g10(buf, nextafter(9.9999999995, 10)); /* 9.99999999950000...1: up */
    CU_ASSERT_STRING_EQUAL(buf, "10");
    numfmt_g10(buf, 99999.999995);
    CU_ASSERT_STRING_EQUAL(buf, "100000");
    numfmt_g10(buf, 999999999.95);
    CU_ASSERT_STRING_EQUAL(buf, "1000000000");
    numfmt_g10(buf, 9999999999.9); /* 10 digits before the point: exponential after */
    CU_ASSERT_STRING_EQUAL(buf, "1e+10");
    numfmt_g10(buf, 0.000099999999995); /* %g switches from 9.999999999e-05 to 0.0001 */
    CU_ASSERT_STRING_EQUAL(buf, "0.0001");
    numfmt_g10(buf, 0.000099999999994);
    CU_ASSERT_STRING_EQUAL(buf, "9.999999999e-05");
    numfmt_g10(buf, 9.99999999999e99);
    CU_ASSERT_STRING_EQUAL(buf, "1e+100");

    family(5);
    long per = scaled(1000), bad = 0;
    for (int k = -30; k <= 40; k++) {
        double p = pow(10, k);
        for (long i = 0; i < per; i++) {
            /* (1 - u * 10^-10) * 10^k for u in [0, 1.5): around the carry point 0.5. */
            bad += !check_g10_pm(p * (1 - 1.5e-10 * next_unit()));
            bad += !check_g10_pm(p * (1 + 1e-9 * next_unit()));
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void g10_matches_printf_on_powers_of_two_and_ten_and_neighbours(void)
{
    family(6);
    long bad = 0;
    for (int e = -1074; e <= 1023; e++) {
        double v = ldexp(1, e);
        bad += !check_g10_pm(v) + !check_g10_pm(nextafter(v, 0)) +
               !check_g10_pm(nextafter(v, (double)INFINITY));
    }
    for (int k = -323; k <= 308; k++) {
        char text[16];
        snprintf(text, sizeof text, "1e%d", k);
        double v = strtod(text, NULL);
        bad += !check_g10_pm(v) + !check_g10_pm(nextafter(v, 0)) +
               !check_g10_pm(nextafter(v, (double)INFINITY));
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void g10_matches_printf_on_edge_cases(void)
{
    const double v[] = {0.0,
                        DBL_TRUE_MIN,
                        2 * DBL_TRUE_MIN,
                        DBL_MIN,
                        nextafter(DBL_MIN, 0),
                        DBL_MAX,
                        nextafter(DBL_MAX, 0),
                        1e300,
                        1e-300,
                        0x1p53,
                        0x1p53 + 2,
                        0x1p53 - 1,
                        0x1p52 + 0.5,
                        NUMFMT_G10_FAST_MIN,
                        nextafter(NUMFMT_G10_FAST_MIN, 0),
                        NUMFMT_G10_FAST_MAX,
                        nextafter(NUMFMT_G10_FAST_MAX, 0),
                        1e10,
                        1e10 + 0.5,
                        12345678901.25,
                        0.1,
                        0.2,
                        0.3,
                        0.1 + 0.2,
                        1.0 / 3,
                        2.0 / 3,
                        1e-5,
                        1e-4,
                        123456.7890123,
                        1e15 + 0.3,
                        4503599627370495.5,
                        1e22,
                        1e23,
                        3.14159265358979,
                        5e-324};
    long bad = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        bad += !check_g10_pm(v[i]);
    CU_ASSERT_EQUAL(bad, 0);
    char buf[NUMFMT_BUF];
    CU_ASSERT_EQUAL(numfmt_g10(buf, -0.0), 2);
    CU_ASSERT_STRING_EQUAL(buf, "-0");
    numfmt_g10(buf, 1e-5);
    CU_ASSERT_STRING_EQUAL(buf, "1e-05");
    numfmt_g10(buf, 1e-4);
    CU_ASSERT_STRING_EQUAL(buf, "0.0001");
    numfmt_g10(buf, 1e100);
    CU_ASSERT_STRING_EQUAL(buf, "1e+100");
    numfmt_g10(buf, -DBL_MAX);
    CU_ASSERT_STRING_EQUAL(buf, "-1.797693135e+308");
    numfmt_g10(buf, 123456789012.0);
    CU_ASSERT_STRING_EQUAL(buf, "1.23456789e+11");
}

static void whole_matches_printf_f0(void)
{
    family(7);
    long n = scaled(150000), bad = 0;
    for (long i = 0; i < n; i++) {
        /* Uniform bits and log-uniform magnitudes below 2^53. */
        double a = (double)(next_u64() >> 11);
        double b = floor(pow(2, 53 * next_unit()));
        bad += !check_whole(a) + !check_whole(-a) + !check_whole(b) + !check_whole(-b);
    }
    for (int e = 0; e < 53; e++) {
        double p = ldexp(1, e);
        bad += !check_whole(p) + !check_whole(p - 1) + !check_whole(-p) + !check_whole(1 - p);
    }
    for (double p = 1; p < 0x1p53; p *= 10)
        bad += !check_whole(p) + !check_whole(p - 1) + !check_whole(p + 1);
    bad += !check_whole(0x1p53 - 1) + !check_whole(-(0x1p53 - 1)) + !check_whole(0.0) +
           !check_whole(-0.0);
    CU_ASSERT_EQUAL(bad, 0);
    char buf[NUMFMT_BUF];
    numfmt_whole(buf, -0.0);
    CU_ASSERT_STRING_EQUAL(buf, "-0");
    CU_ASSERT_EQUAL(numfmt_whole(buf, 9007199254740991.0), 16);
    CU_ASSERT_STRING_EQUAL(buf, "9007199254740991");
}

static void int_matches_printf_lld_and_llu(void)
{
    family(8);
    long n = scaled(150000), bad = 0;
    for (long i = 0; i < n; i++) {
        uint64_t u = next_u64();
        bad += !check_int((long long)u) + !check_int((long long)(u >> (u % 64)));
    }
    for (long long p = 1;; p *= 10) { /* 10^0 .. 10^18, and no overflow after the last */
        bad += !check_int(p) + !check_int(p - 1) + !check_int(p + 1) + !check_int(-p) +
               !check_int(-p + 1) + !check_int(-p - 1);
        if (p > LLONG_MAX / 10)
            break;
    }
    bad += !check_int(0) + !check_int(LLONG_MAX) + !check_int(LLONG_MIN) +
           !check_int(LLONG_MIN + 1);
    /* As unsigned: 10^19 - 1 and 10^19 (19 and 20 digits), 2^64 - 1. */
    bad += !check_int((long long)9999999999999999999u) +
           !check_int((long long)10000000000000000000u) + !check_int(-1);
    CU_ASSERT_EQUAL(bad, 0);
    char buf[NUMFMT_BUF];
    CU_ASSERT_EQUAL(numfmt_int(buf, LLONG_MIN), 20);
    CU_ASSERT_STRING_EQUAL(buf, "-9223372036854775808");
    CU_ASSERT_EQUAL(numfmt_uint(buf, ULLONG_MAX), 20);
    CU_ASSERT_STRING_EQUAL(buf, "18446744073709551615");
}

/* Run f(v) in a child; true when the child died of SIGABRT (ELB_ASSERT). */
static bool aborts(size_t (*f)(char *, double), double v)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        char buf[NUMFMT_BUF];
        f(buf, v);
        _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return false;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void nan_infinity_and_fractions_are_bugs(void)
{
    /* csvout writes NaN as an empty field before it gets here; inf is no number either. */
    CU_ASSERT(aborts(numfmt_g10, (double)NAN));
    CU_ASSERT(aborts(numfmt_g10, (double)INFINITY));
    CU_ASSERT(aborts(numfmt_g10, -(double)INFINITY));
    CU_ASSERT(aborts(numfmt_whole, 0.5));
    CU_ASSERT(aborts(numfmt_whole, 0x1p53));
    CU_ASSERT(aborts(numfmt_whole, (double)NAN));
    CU_ASSERT(!aborts(numfmt_whole, 0x1p53 - 1));
}

static int numfmt_suite_init(void)
{
    n_g10 = n_fast = n_whole = n_int = 0;
    return 0;
}

static int numfmt_suite_fini(void)
{
    printf("\n  numfmt: compared with printf: %llu %%.10g (%llu on the fast path), %llu %%.0f, "
           "%llu %%lld/%%llu",
           n_g10, n_fast, n_whole, n_int);
    return 0;
}

static CU_TestInfo numfmt_tests[] = {
    {"g10_matches_printf_on_random_bit_patterns", g10_matches_printf_on_random_bit_patterns},
    {"g10_matches_printf_in_simulation_ranges", g10_matches_printf_in_simulation_ranges},
    {"g10_matches_printf_in_every_binade_of_the_fast_path",
     g10_matches_printf_in_every_binade_of_the_fast_path},
    {"g10_rounds_exact_ties_to_even", g10_rounds_exact_ties_to_even},
    {"g10_carries_to_the_next_power_of_ten", g10_carries_to_the_next_power_of_ten},
    {"g10_matches_printf_on_powers_of_two_and_ten_and_neighbours",
     g10_matches_printf_on_powers_of_two_and_ten_and_neighbours},
    {"g10_matches_printf_on_edge_cases", g10_matches_printf_on_edge_cases},
    {"whole_matches_printf_f0", whole_matches_printf_f0},
    {"int_matches_printf_lld_and_llu", int_matches_printf_lld_and_llu},
    {"nan_infinity_and_fractions_are_bugs", nan_infinity_and_fractions_are_bugs},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_numfmt_suites[] = {
    {"numfmt", numfmt_suite_init, numfmt_suite_fini, NULL, NULL, numfmt_tests},
    CU_SUITE_INFO_NULL,
};
