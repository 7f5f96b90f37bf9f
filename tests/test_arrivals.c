/* Tests of models/traffic/arrivals: each process against its rate function, with tolerances from
 * Poisson / normal confidence intervals (99.9 %, Bonferroni-corrected where several windows
 * are checked at once), trace replay, determinism, canonical text, and every bad-input
 * message the brief names.
 *
 * All runs use fixed seeds, so each check is deterministic; the intervals say why the
 * tolerance is what it is, and a correct sampler passes them with probability >= 99.9 %. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "models/traffic/arrivals.h"
#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/diag.h"
#include "sim/rng.h"
#include "tests/unit.h"

#define DATA "tests/data"
#define ALPHA 0.001 /* every statistical check: false-failure probability */

static const struct loc where = {"scenario.yaml", 7, 15};

static struct arrivals *parse(const char *text)
{
    struct arrivals *a = NULL;
    int rc = arrivals_parse(text, &where, DATA, &a);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc)
        fprintf(stderr, "\nparse failed: %s\n", text);
    return a;
}

/* Parse text expecting an error: returns the message (caller frees); checks -1, *out
 * untouched and exactly one error reported. */
static char *parse_error(const char *text)
{
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    static char sentinel;
    struct arrivals *const mark = (struct arrivals *)(void *)&sentinel;
    struct arrivals *a = mark; /* must stay untouched */
    int rc = arrivals_parse(text, &where, DATA, &a);
    char *buf = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_EQUAL(a, mark);
    CU_ASSERT_EQUAL(cap.errors, 1);
    if (rc == 0 && a != mark)
        arrivals_free(a);
    return buf;
}

static void expect_error(const char *text, const char *want1, const char *want2)
{
    char *msg = parse_error(text);
    bool ok = strstr(msg, want1) && (!want2 || strstr(msg, want2));
    CU_ASSERT_TRUE(ok);
    if (!ok)
        fprintf(stderr, "\n%s\n  wanted '%s'%s%s%s, got:\n%s", text, want1, want2 ? " and '" : "",
                want2 ? want2 : "", want2 ? "'" : "", msg);
    free(msg);
}

/* Two-sided normal quantile for a false-failure probability alpha shared by k checks. */
static double z_for(double alpha, int k)
{
    return gsl_cdf_ugaussian_Qinv(alpha / (2.0 * k));
}

/* Arrivals of one run over [0, t_end), counted in windows edges[0..nw] (edges[0] = 0). */
static void count_windows(const struct arrivals *a, gsl_rng *r, const double *edges, int nw,
                          double *counts)
{
    struct arrivals_state st;
    arrivals_start(a, &st);
    int w = 0;
    double prev = 0;
    bool increasing = true;
    for (double t = arrivals_next(a, &st, r, 0, NULL, NULL); t < edges[nw];
         t = arrivals_next(a, &st, r, t, NULL, NULL)) {
        increasing &= t > prev;
        prev = t;
        while (t >= edges[w + 1])
            w++;
        counts[w]++;
    }
    CU_ASSERT_TRUE(increasing);
}

/* Check Poisson counts (summed over reps runs) against expected ones: each within its
 * normal interval (Bonferroni over nw), and the Pearson statistic below its chi-square
 * quantile. */
static void check_poisson_counts(const double *counts, const double *expected, int nw)
{
    double z = z_for(ALPHA, nw), chi2 = 0;
    for (int i = 0; i < nw; i++) {
        double dev = fabs(counts[i] - expected[i]);
        CU_ASSERT_TRUE(dev <= z * sqrt(expected[i]));
        if (dev > z * sqrt(expected[i]))
            fprintf(stderr, "\nwindow %d: %g arrivals, expected %g +- %g\n", i, counts[i],
                    expected[i], z * sqrt(expected[i]));
        chi2 += (counts[i] - expected[i]) * (counts[i] - expected[i]) / expected[i];
    }
    if (nw > 1)
        CU_ASSERT_TRUE(chi2 <= gsl_cdf_chisq_Pinv(1 - ALPHA, nw));
}

/* --- poisson ---------------------------------------------------------------------------- */

static void poisson_count_over_T_is_within_its_ci(void)
{
    struct arrivals *a = parse("poisson(rate=200/s)");
    gsl_rng *r = sim_rng_new(1, "test/poisson");
    double edges[2] = {0, 1000}, n = 0, expected = 200 * 1000.0;
    count_windows(a, r, edges, 1, &n);
    check_poisson_counts(&n, &expected, 1);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 123), 200, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 10, 20), 200, 1e-12);
    gsl_rng_free(r);
    arrivals_free(a);
}

/* For exponential gaps the sample coefficient of variation has asymptotic variance 1/n (delta
 * method with Var s² = 8θ⁴/n, Cov(x̄, s²) = 2θ³/n), so |CV - 1| <= z / sqrt(n). */
static void poisson_interarrival_cv_is_one(void)
{
    struct arrivals *a = parse("poisson(rate=50/m)");
    gsl_rng *r = sim_rng_new(2, "test/poisson-cv");
    struct arrivals_state st;
    arrivals_start(a, &st);
    const int n = 200000;
    double t = 0, sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        double demand = 0;
        const char *path = "x";
        double next = arrivals_next(a, &st, r, t, &demand, &path);
        CU_ASSERT_TRUE_FATAL(next > t);
        CU_ASSERT_TRUE(isnan(demand));
        CU_ASSERT_PTR_NULL(path);
        sum += next - t;
        sum2 += (next - t) * (next - t);
        t = next;
    }
    double mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
    double z = z_for(ALPHA, 2);
    CU_ASSERT_TRUE(fabs(sqrt(var) / mean - 1) <= z / sqrt(n));
    /* Mean gap 1/λ = 1.2 s, standard error 1.2 / sqrt(n). */
    CU_ASSERT_TRUE(fabs(mean - 1.2) <= z * 1.2 / sqrt(n));
    gsl_rng_free(r);
    arrivals_free(a);
}

/* --- steps and spike -------------------------------------------------------------------- */

static void steps_counts_per_window_match_rate_times_length(void)
{
    struct arrivals *a = parse("steps(0s: 10/s, 30m: 40/s, 1h: 10/s)");
    gsl_rng *r = sim_rng_new(3, "test/steps");
    double edges[4] = {0, 1800, 3600, 7200}, counts[3] = {0};
    double expected[3] = {10 * 1800.0, 40 * 1800.0, 10 * 3600.0};
    count_windows(a, r, edges, 3, counts);
    check_poisson_counts(counts, expected, 3);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, edges[i], edges[i + 1]) *
                                   (edges[i + 1] - edges[i]),
                               expected[i], 1e-9 * expected[i]);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 1799.9), 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 1800), 40, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 1e6), 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, -1), 0, 0);
    /* Over a window straddling a change: 10 s at 10/s and 20 s at 40/s. */
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 1790, 1820), (100 + 800) / 30.0, 1e-9);
    gsl_rng_free(r);
    arrivals_free(a);
}

static void steps_that_fall_to_zero_end_the_process(void)
{
    struct arrivals *a = parse("steps(0s: 0/s, 1m: 20/s, 2m: 0/s)");
    gsl_rng *r = sim_rng_new(4, "test/steps-zero");
    struct arrivals_state st;
    arrivals_start(a, &st);
    double t = 0;
    int n = 0;
    for (;;) {
        double next = arrivals_next(a, &st, r, t, NULL, NULL);
        if (isinf(next))
            break;
        CU_ASSERT_TRUE(next > 60 && next < 120);
        t = next;
        n++;
    }
    double z = z_for(ALPHA, 1);
    CU_ASSERT_TRUE(fabs(n - 1200.0) <= z * sqrt(1200));
    CU_ASSERT_TRUE(isinf(arrivals_next(a, &st, r, 200, NULL, NULL)));
    gsl_rng_free(r);
    arrivals_free(a);
}

/* spike(base=10/s, peak=80/s, at=10m, duration=2m, ramp=30s), summed over 40 runs.  Expected
 * counts worked out by hand: the ramp up [600, 630) goes 10 -> 80/s, so its first half holds
 * 15·10 + (70/30)·15²/2 = 412.5 and its second half 1350 - 412.5 = 937.5; the plateau
 * [630, 690) 4800; the ramp down mirrors the ramp up. */
static void spike_counts_follow_base_ramps_and_peak(void)
{
    struct arrivals *a = parse("spike(base=10/s, peak=80/s, at=10m, duration=2m, ramp=30s)");
    double edges[8] = {0, 600, 615, 630, 690, 705, 720, 1800};
    double one[7] = {6000, 412.5, 937.5, 4800, 937.5, 412.5, 10800};
    double counts[7] = {0}, expected[7];
    const int reps = 40;
    char name[64];
    for (int k = 0; k < reps; k++) {
        snprintf(name, sizeof name, "test/spike/%d", k);
        gsl_rng *r = sim_rng_new(5, name);
        count_windows(a, r, edges, 7, counts);
        gsl_rng_free(r);
    }
    for (int i = 0; i < 7; i++) {
        expected[i] = reps * one[i];
        CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, edges[i], edges[i + 1]) *
                                   (edges[i + 1] - edges[i]),
                               one[i], 1e-9 * one[i]);
    }
    check_poisson_counts(counts, expected, 7);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 615), 45, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 660), 80, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 705), 45, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 720), 10, 0);
    arrivals_free(a);
}

static void spike_without_ramp_is_a_rectangle(void)
{
    struct arrivals *a = parse("spike(base=5/s, peak=50/s, at=0s, duration=100s)");
    gsl_rng *r = sim_rng_new(6, "test/spike-rect");
    double edges[3] = {0, 100, 1000}, counts[2] = {0}, expected[2] = {5000, 4500};
    count_windows(a, r, edges, 2, counts);
    check_poisson_counts(counts, expected, 2);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0), 50, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 100), 5, 0);
    gsl_rng_free(r);
    arrivals_free(a);
}

/* --- diurnal ---------------------------------------------------------------------------- */

/* The documented formula, written out again independently of the model. */
static double diurnal_formula(double t, double mean, double amp, double peak_s, double weekly,
                              int peak_day)
{
    const double pi2 = 2 * 3.14159265358979323846;
    return mean * (1 + amp * cos(pi2 * (t - peak_s) / 86400)) *
           (1 + weekly * cos(pi2 * (t - (peak_day * 86400 + peak_s)) / 604800));
}

/* ∫ over [t0, t1) by composite Simpson with 1-minute steps (error far below 1e-9 relative
 * for a curve whose shortest period is 1/8 of a week... and 1 day). */
static double diurnal_integral(double t0, double t1, double mean, double amp, double peak_s,
                               double weekly, int peak_day)
{
    int n = (int)((t1 - t0) / 60);
    n += n % 2;
    double h = (t1 - t0) / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
        s += w * diurnal_formula(t0 + i * h, mean, amp, peak_s, weekly, peak_day);
    }
    return s * h / 3;
}

static void diurnal_rate_follows_the_documented_formula(void)
{
    struct arrivals *a = parse("diurnal(mean=1000/s, amplitude=0.6, peak=14:00, weekly=0.2)");
    /* Defaults: peak_day = Wednesday.  Peak: Wednesday 14:00 = 2 d + 14 h. */
    double peak = 2 * 86400 + 14 * 3600;
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, peak), 1000 * 1.6 * 1.2, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, peak + 43200),
                           diurnal_formula(peak + 43200, 1000, 0.6, 50400, 0.2, 2), 1e-9);
    for (double t = 0; t < 604800; t += 3917)
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, t), diurnal_formula(t, 1000, 0.6, 50400, 0.2, 2),
                               1e-9);
    /* mean is the average over a whole week, starting anywhere. */
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 0, 604800), 1000, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 12345, 12345 + 604800), 1000, 1e-9);
    /* The closed-form integral against Simpson, over an odd window. */
    double t0 = 5000, t1 = 5000 + 3 * 86400 + 7200;
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, t0, t1) * (t1 - t0),
                           diurnal_integral(t0, t1, 1000, 0.6, 50400, 0.2, 2),
                           1e-9 * 1000 * (t1 - t0));
    arrivals_free(a);

    a = parse("diurnal(mean=10/s, amplitude=0.5, peak=6h, peak_day=sun)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 6 * 3600), 15, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 18 * 3600), 5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 0, 86400), 10, 1e-9);
    arrivals_free(a);
}

/* One week at mean 5/s: the count of every hour against ∫λ over that hour (Simpson). */
static void diurnal_counts_per_hour_match_the_integral(void)
{
    struct arrivals *a = parse("diurnal(mean=5/s, amplitude=0.6, peak=14:00, weekly=0.3, "
                               "peak_day=thu)");
    gsl_rng *r = sim_rng_new(7, "test/diurnal");
    enum { H = 168 };
    double edges[H + 1], counts[H] = {0}, expected[H];
    for (int h = 0; h <= H; h++)
        edges[h] = h * 3600.0;
    count_windows(a, r, edges, H, counts);
    for (int h = 0; h < H; h++) {
        expected[h] = diurnal_integral(edges[h], edges[h + 1], 5, 0.6, 50400, 0.3, 3);
        CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, edges[h], edges[h + 1]) * 3600,
                               expected[h], 1e-9 * expected[h]);
    }
    check_poisson_counts(counts, expected, H);
    gsl_rng_free(r);
    arrivals_free(a);
}

/* The envelope's integral over a period, summed in the model's order. */
static double diurnal_envelope_integral(const struct arrivals *a)
{
    double lo = (double)NAN, hi = (double)NAN, w = (double)NAN, env = 0;
    for (uint64_t k = 0; k < 2048; k++) {
        CU_ASSERT_FATAL(arrivals_diurnal_segment(a, k, &lo, &hi, &w));
        env += hi * w;
    }
    return env;
}

/* The cosine diurnal's sampler written out with the rate itself deciding every candidate
 * (no squeeze): candidates at the tabled upper bound of each segment, a gap's exponential
 * amount of the envelope's integral carried across segment ends and whole periods (env:
 * the period's integral, diurnal_envelope_integral), and past 10^9 s (the table's end)
 * thinning against lmax. */
static double diurnal_reference_next(const struct arrivals *a, gsl_rng *r, double now,
                                     double lmax, double env)
{
    const double table_end = 1e9;
    double t = now, e = arrivals_exp1(r), lo = (double)NAN, hi = (double)NAN, w = (double)NAN;
    if (t < table_end) {
        CU_ASSERT_FATAL(arrivals_diurnal_segment(a, 0, &lo, &hi, &w));
        double per_s = 2048 / (2048 * w); /* segments per second, rounded as the model's */
        uint64_t n = (uint64_t)(t * per_s);
        for (;;) {
            arrivals_diurnal_segment(a, n, &lo, &hi, &w);
            double end = fmin((double)(n + 1) * w, table_end);
            double c = t + e / hi;
            if (c >= end) {
                e = fmax(e - hi * fmax(end - t, 0), 0);
                t = fmax(t, end);
                if (end >= table_end)
                    break;
                n++;
                double k = fmin(floor(e / env), floor((table_end - (double)n * w) / (2048 * w)));
                if (k >= 1) {
                    e = fmax(e - k * env, 0);
                    n += (uint64_t)k * 2048;
                    t = fmax(t, (double)n * w);
                }
                continue;
            }
            t = c;
            if (gsl_rng_uniform(r) * hi < arrivals_rate_at(a, t))
                return arrivals_after(now, t);
            e = arrivals_exp1(r);
        }
    }
    for (;;) {
        t += e / lmax;
        if (gsl_rng_uniform(r) * lmax < arrivals_rate_at(a, t))
            return arrivals_after(now, t);
        e = arrivals_exp1(r);
    }
}

/* The squeeze (the tabled lower bound of each segment) must decide every candidate exactly
 * as comparing with the rate would: the same arrivals, bit for bit, as the sampler written
 * out without it, with the same draws, over days of steep curves, from starting times on
 * and about segment boundaries (42.1875 s for a day, 295.3125 s for a week), and across
 * the table's end at 10^9 s. */
static void diurnal_squeeze_keeps_the_arrivals_of_thinning_with_the_rate(void)
{
    static const struct {
        const char *spec;
        double lmax; /* mean (1 + A) (1 + W) */
    } specs[] = {
        {"diurnal(mean=11/s, amplitude=0.818, peak=14:00)", 11 * 1.818},
        {"diurnal(mean=5/s, amplitude=0.6, peak=14:00, weekly=0.3, peak_day=thu)", 5 * 1.6 * 1.3},
        {"diurnal(mean=20/s, amplitude=0.99, peak=03:17, weekly=0.99, peak_day=sun)",
         20 * 1.99 * 1.99},
    };
    const double starts[] = {0, 126.5625, nextafter(590.625, 0), 590.625, 86400 - 1e-9,
                             3 * 86400 + 7.5, 1e9 - 50};
    for (size_t k = 0; k < sizeof specs / sizeof *specs; k++) {
        struct arrivals *a = parse(specs[k].spec);
        double env = diurnal_envelope_integral(a);
        unsigned long differ = 0, total = 0;
        for (size_t s = 0; s < sizeof starts / sizeof *starts; s++) {
            unsigned long n = 0;
            gsl_rng *r1 = sim_rng_new(11 + s, "test/diurnal-squeeze");
            gsl_rng *r2 = sim_rng_new(11 + s, "test/diurnal-squeeze");
            struct arrivals_state st = {0};
            double t = starts[s];
            /* A day of arrivals at the top rate, fewer at the others. */
            for (; t < starts[s] + 86400 && n < 2000000; n++) {
                double next = arrivals_next(a, &st, r1, t, NULL, NULL);
                differ += next != diurnal_reference_next(a, r2, t, specs[k].lmax, env);
                t = next; /* follow the model's path, so one difference is counted once */
            }
            gsl_rng_free(r1);
            gsl_rng_free(r2);
            total += n;
        }
        CU_ASSERT(total > 1000000);
        CU_ASSERT_EQUAL(differ, 0);
        if (differ)
            printf("\n    %s: %lu of %lu arrivals differ\n", specs[k].spec, differ, total);
        arrivals_free(a);
    }
}

/* A rate so low that a gap spans whole periods: the sampler skips them (as the replay does,
 * bit for bit), its count over 1,653 weeks (just under the table's 10^9 s) is the mean
 * times that within a Poisson interval, and a rate of 10^-320 (whose envelope's integral
 * overflows a gap) gives no arrival at all, at once. */
static void diurnal_tiny_rates_skip_whole_periods(void)
{
    struct arrivals *a = parse("diurnal(mean=1e-5/s, amplitude=0.9, peak=14:00, weekly=0.5)");
    gsl_rng *r1 = sim_rng_new(3, "test/diurnal-tiny"), *r2 = sim_rng_new(3, "test/diurnal-tiny");
    struct arrivals_state st = {0};
    const double end = 1653 * 604800.0, env = diurnal_envelope_integral(a);
    double t = 0, count = 0;
    unsigned long differ = 0;
    for (;;) {
        double next = arrivals_next(a, &st, r1, t, NULL, NULL);
        differ += next != diurnal_reference_next(a, r2, t, 1e-5 * 1.9 * 1.5, env);
        t = next;
        if (t >= end)
            break;
        count++;
    }
    CU_ASSERT_EQUAL(differ, 0);
    double expected = 1e-5 * end;
    check_poisson_counts(&count, &expected, 1);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    arrivals_free(a);
    a = parse("diurnal(mean=1e-320/s, amplitude=0.5, peak=14:00)");
    gsl_rng *r = sim_rng_new(4, "test/diurnal-tiny");
    CU_ASSERT(isinf(arrivals_next(a, &st, r, 0, NULL, NULL)));
    gsl_rng_free(r);
    arrivals_free(a);
}

/* The envelope: every segment's bounds hold the rate over the segment and a second either
 * side (checked at 201 points from end to end), and sit close to it: over a day of the
 * e2e_asg_diurnal curve, at least 99.9 % of the candidates are kept (∫rate / ∫hi is
 * 99.92 %; thinning against the maximum keeps 55 %). */
static void diurnal_envelope_holds_the_rate_closely(void)
{
    static const char *const specs[] = {
        "diurnal(mean=1100/s, amplitude=0.818, peak=14:00)",
        "diurnal(mean=5/s, amplitude=0.6, peak=14:00, weekly=0.3, peak_day=thu)",
        "diurnal(mean=20/s, amplitude=0.99, peak=03:17, weekly=0.99, peak_day=sun)",
    };
    for (size_t k = 0; k < sizeof specs / sizeof *specs; k++) {
        struct arrivals *a = parse(specs[k]);
        unsigned long outside = 0;
        double lo = (double)NAN, hi = (double)NAN, w = (double)NAN, env = 0;
        for (uint64_t n = 0; n < 2048; n++) {
            CU_ASSERT_FATAL(arrivals_diurnal_segment(a, n, &lo, &hi, &w));
            env += hi * w;
            for (int i = 0; i <= 200; i++) {
                double t = n * w - 1 + (w + 2) * i / 200.0;
                if (t < 0)
                    continue; /* the rate is 0 before time 0 */
                double rate = arrivals_rate_at(a, t);
                outside += !(lo <= rate && rate <= hi);
            }
        }
        CU_ASSERT_EQUAL(outside, 0);
        if (k == 0) {
            double kept = arrivals_mean_rate(a, 0, 86400) * 86400 / env;
            CU_ASSERT(kept >= 0.999 && kept < 1);
            if (!(kept >= 0.999))
                printf("\n    %s: %.4f of the candidates kept\n", specs[k], kept);
        }
        arrivals_free(a);
    }
    struct arrivals *a = parse("diurnal(file=arrivals_diurnal_rates.csv)");
    double lo = (double)NAN, hi = (double)NAN, w = (double)NAN;
    CU_ASSERT_FALSE(arrivals_diurnal_segment(a, 0, &lo, &hi, &w));
    arrivals_free(a);
}

static const double hourly[24] = {2, 1.5, 1, 1, 1, 2, 4, 8, 12, 14, 15, 16,
                                  16, 17, 18, 17, 15, 12, 10, 8, 6, 5, 4, 3};

static void diurnal_file_interpolates_between_hour_midpoints(void)
{
    struct arrivals *a = parse("diurnal(file=arrivals_diurnal_rates.csv)");
    struct arrivals *b = parse("diurnal(file=arrivals_diurnal_perminute.csv)");
    for (int h = 0; h < 24; h++) {
        double mid = (h + 0.5) * 3600, next = hourly[(h + 1) % 24];
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, mid), hourly[h], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(b, mid), hourly[h], 1e-12);
        /* A quarter of the way to the next midpoint, and at the hour's end. */
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, mid + 900), 0.75 * hourly[h] + 0.25 * next,
                               1e-12);
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, (h + 1) * 3600.0), (hourly[h] + next) / 2,
                               1e-12);
        /* Periodic: the same a day and a week later. */
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, mid + 86400), hourly[h], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, mid + 7 * 86400 + 900),
                               0.75 * hourly[h] + 0.25 * next, 1e-9);
    }
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0), (3 + 2) / 2.0, 1e-12);
    arrivals_free(b);

    /* Counts per hour over 10 days against the integral of the interpolated curve: the two
     * half-hours of hour h average (r[h-1] + 3 r[h]) / 4 and (3 r[h] + r[h+1]) / 4, so
     * hour h holds 450 (r[h-1] + 6 r[h] + r[h+1]). */
    enum { DAYS = 10, H = 24 * DAYS };
    double edges[H + 1], counts[H] = {0}, expected[H];
    for (int h = 0; h <= H; h++)
        edges[h] = h * 3600.0;
    gsl_rng *r = sim_rng_new(8, "test/diurnal-file");
    count_windows(a, r, edges, H, counts);
    for (int h = 0; h < H; h++) {
        int k = h % 24;
        expected[h] = 450 * (hourly[(k + 23) % 24] + 6 * hourly[k] + hourly[(k + 1) % 24]);
        CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, edges[h], edges[h + 1]) * 3600,
                               expected[h], 1e-9 * expected[h]);
    }
    check_poisson_counts(counts, expected, H);
    gsl_rng_free(r);
    arrivals_free(a);
}

/* --- mmpp ------------------------------------------------------------------------------- */

/* Long-run rate by batch means.  For a two-state MMPP with rates l1, l2 and leaving rates
 * r1 = 1/mean_on, r2 = 1/mean_off (k = r1 + r2, pi1 = r2/k, pi2 = r1/k), the stationary count
 * in a window of length L has (integrating the rate covariance (l1-l2)² pi1 pi2 exp(-k tau);
 * its limit is the index of dispersion in Fischer & Meier-Hellstern 1993):
 *     Var N(L) = lbar L + 2 (l1-l2)² pi1 pi2 [L/k - (1 - exp(-k L))/k²].
 * With L = 2000 s >> 1/k = 24 s, batches are nearly independent (adjacent-batch correlation
 * about 1 %) and each spans ~13 on/off cycles, so the batch means are close to normal:
 * a t interval on their mean, and a chi-square interval on their variance, which must
 * show the over-dispersion (about 1100 times the Poisson variance here). */
static void mmpp_long_run_rate_matches_theory_by_batch_means(void)
{
    const double l1 = 50, l2 = 5, mon = 30, moff = 120;
    struct arrivals *a = parse("mmpp(on=50/s, off=5/s, mean_on=30s, mean_off=2m)");
    const double lbar = (l1 * mon + l2 * moff) / (mon + moff);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0), lbar, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(lbar, 14, 1e-12);

    enum { B = 100 };
    const double L = 2000;
    double edges[B + 1], counts[B] = {0};
    for (int i = 0; i <= B; i++)
        edges[i] = i * L;
    gsl_rng *r = sim_rng_new(9, "test/mmpp");
    count_windows(a, r, edges, B, counts);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < B; i++) {
        sum += counts[i] / L;
        sum2 += (counts[i] / L) * (counts[i] / L);
    }
    double mean = sum / B, var = (sum2 - B * mean * mean) / (B - 1);
    double half = gsl_cdf_tdist_Qinv(ALPHA / 2, B - 1) * sqrt(var / B);
    CU_ASSERT_TRUE(fabs(mean - lbar) <= half);

    double k = 1 / mon + 1 / moff, pi1 = (1 / moff) / k, pi2 = (1 / mon) / k;
    double var_n = lbar * L + 2 * (l1 - l2) * (l1 - l2) * pi1 * pi2 *
                                  (L / k - (1 - exp(-k * L)) / (k * k));
    double ratio = var * L * L / var_n; /* sample / theoretical variance of a batch count */
    CU_ASSERT_TRUE(ratio >= gsl_cdf_chisq_Pinv(ALPHA / 2, B - 1) / (B - 1));
    CU_ASSERT_TRUE(ratio <= gsl_cdf_chisq_Qinv(ALPHA / 2, B - 1) / (B - 1));
    CU_ASSERT_TRUE(var * L * L > 100 * lbar * L); /* far from Poisson */
    gsl_rng_free(r);
    arrivals_free(a);
}

/* The expected count over the first minute depends on the start state; arrivals_mean_rate
 * has the exact transient, checked against 3000 independent runs per start state (sample
 * mean with a normal interval from the sample variance). */
/* The run-size estimate: arrivals, plus mmpp's state changes and the thinned cosine's
 * rejected candidates (what arrivals_next draws). */
static void draws_count_what_next_draws(void)
{
    struct arrivals *a = parse("poisson(rate=200/s)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_draws(a, 100), 20000, 1e-6);
    CU_ASSERT_EQUAL(arrivals_draws(a, 0), 0);
    arrivals_free(a);
    a = parse("mmpp(on=10/s, off=0/s, mean_on=1s, mean_off=1s)");
    /* 10 s: half the time on on average (plus the transient) and 10 changes. */
    double c = arrivals_mean_rate(a, 0, 10) * 10;
    CU_ASSERT_DOUBLE_EQUAL(arrivals_draws(a, 10), c + 10, 1e-9);
    arrivals_free(a);
    /* The cosine diurnal: the envelope's integral.  The envelope lies above the rate by at
     * most its slope's maximum (mean A 2π / 1d) times a segment and two seconds, plus
     * 10^-9 λmax: so between the count and that much over it, over a day, a day and a
     * half, and past the table's end (λmax there). */
    a = parse("diurnal(mean=100/s, amplitude=0.5, peak=12:00)");
    double over = 100 * 0.5 * 2 * M_PI / 86400 * (86400 / 2048.0 + 2) + 1e-9 * 150;
    const double ends[] = {86400, 129600};
    for (int i = 0; i < 2; i++) {
        double count = arrivals_mean_rate(a, 0, ends[i]) * ends[i];
        double d = arrivals_draws(a, ends[i]);
        CU_ASSERT(d >= count && d <= count + over * ends[i]);
    }
    double past = arrivals_draws(a, 1e9 + 1000) - arrivals_draws(a, 1e9);
    CU_ASSERT_DOUBLE_EQUAL(past, 150 * 1000.0, 1e-3);
    arrivals_free(a);
    a = parse("steps(0s: 10/s, 10s: 30/s)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_draws(a, 20), 400, 1e-9);
    arrivals_free(a);
}

/* An endless or enormous trace is refused while reading, at the first row past the limit. */
static void trace_rows_are_capped(void)
{
    char path[64], text[96];
    snprintf(path, sizeof path, "/tmp/elbsim-trace-cap-%ld.csv", (long)getpid());
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("time_s\n", f);
    for (int i = 0; i < 20; i++)
        fprintf(f, "%d\n", i);
    fclose(f);
    size_t old = arrivals_trace_max_rows(10);
    snprintf(text, sizeof text, "trace(%s)", path);
    char *msg = parse_error(text);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, ".csv:12:1: error: a trace holds at most 10 rows"));
    free(msg);
    arrivals_trace_max_rows(old);
    remove(path);
}

static void mmpp_start_state_sets_the_transient(void)
{
    const char *texts[2] = {"mmpp(on=20/s, off=2/s, mean_on=30s, mean_off=2m)",
                            "mmpp(on=20/s, off=2/s, mean_on=30s, mean_off=2m, start=off)"};
    double means[2];
    for (int s = 0; s < 2; s++) {
        struct arrivals *a = parse(texts[s]);
        const int reps = 3000;
        double sum = 0, sum2 = 0;
        char name[64];
        for (int k = 0; k < reps; k++) {
            snprintf(name, sizeof name, "test/mmpp-start/%d", k);
            gsl_rng *r = sim_rng_new(10, name);
            double edges[2] = {0, 60}, n = 0;
            count_windows(a, r, edges, 1, &n);
            sum += n;
            sum2 += n * n;
            gsl_rng_free(r);
        }
        double mean = sum / reps, var = (sum2 - reps * mean * mean) / (reps - 1);
        double expected = arrivals_mean_rate(a, 0, 60) * 60;
        CU_ASSERT_TRUE(fabs(mean - expected) <= z_for(ALPHA, 2) * sqrt(var / reps));
        means[s] = expected;
        /* The long-run rate stays what it is. */
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0), (20 * 30 + 2 * 120) / 150.0, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 1e7, 1e7 + 60), 5.6, 1e-6);
        arrivals_free(a);
    }
    /* By hand: P(on at t) = 0.2 + 0.8 exp(-t/24) from on, 0.2 - 0.2 exp(-t/24) from off. */
    double decay = 24 * (1 - exp(-60.0 / 24));
    CU_ASSERT_DOUBLE_EQUAL(means[0], 2 * 60 + 18 * (0.2 * 60 + 0.8 * decay), 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(means[1], 2 * 60 + 18 * (0.2 * 60 - 0.2 * decay), 1e-9);
}

/* --- trace ------------------------------------------------------------------------------ */

static void trace_replays_rows_exactly(void)
{
    struct arrivals *a = parse("trace(arrivals_trace.csv)");
    static const struct {
        double t, demand;
        const char *path;
    } rows[] = {
        {0, 0.010, "/api/a"}, {0.5, (double)NAN, "/home"}, {0.5, 0.2, NULL},
        {1.25, 0.03, "/q?x=1,2"}, {3, 0.04, "/x"},
    };
    struct arrivals_state st;
    arrivals_start(a, &st);
    double t = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        double demand = 0;
        const char *path = "unset";
        t = arrivals_next(a, &st, NULL, t, &demand, &path);
        CU_ASSERT_EQUAL(t, rows[i].t);
        if (isnan(rows[i].demand)) {
            CU_ASSERT_TRUE(isnan(demand));
        } else {
            CU_ASSERT_EQUAL(demand, rows[i].demand);
        }
        if (rows[i].path) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(path);
            CU_ASSERT_STRING_EQUAL(path, rows[i].path);
        } else {
            CU_ASSERT_PTR_NULL(path);
        }
    }
    CU_ASSERT_TRUE(isinf(arrivals_next(a, &st, NULL, t, NULL, NULL)));
    CU_ASSERT_TRUE(isinf(arrivals_next(a, &st, NULL, t, NULL, NULL)));
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0.7), 3, 0);  /* rows in [0, 1) */
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 2.5), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 0.5, 2.5), 3 / 2.0, 0);

    /* A run that starts late skips the earlier rows. */
    arrivals_start(a, &st);
    double demand;
    const char *path;
    CU_ASSERT_EQUAL(arrivals_next(a, &st, NULL, 1, &demand, &path), 1.25);
    CU_ASSERT_STRING_EQUAL(path, "/q?x=1,2");
    arrivals_free(a);

    /* Without demand_s and path columns: NAN and NULL. */
    a = parse("trace(file=arrivals_trace_times.csv)");
    arrivals_start(a, &st);
    static const double times[] = {0.25, 1.5, 1.5, 2.75};
    t = 0;
    for (size_t i = 0; i < 4; i++) {
        t = arrivals_next(a, &st, NULL, t, &demand, &path);
        CU_ASSERT_EQUAL(t, times[i]);
        CU_ASSERT_TRUE(isnan(demand));
        CU_ASSERT_PTR_NULL(path);
    }
    CU_ASSERT_TRUE(isinf(arrivals_next(a, &st, NULL, t, &demand, &path)));
    arrivals_free(a);
}

/* Files written by spreadsheet tools: a byte-order mark and CRLF line ends; a quoted field
 * spanning two lines still leaves later rows with their true line numbers. */
static void trace_reads_crlf_bom_and_multiline_fields(void)
{
    struct arrivals *a = parse("trace(arrivals_trace_crlf.csv)");
    struct arrivals_state st;
    arrivals_start(a, &st);
    double demand;
    CU_ASSERT_EQUAL(arrivals_next(a, &st, NULL, 0, &demand, NULL), 0.5);
    CU_ASSERT_EQUAL(demand, 0.1);
    CU_ASSERT_EQUAL(arrivals_next(a, &st, NULL, 0.5, &demand, NULL), 1.5);
    CU_ASSERT_TRUE(isnan(demand));
    CU_ASSERT_TRUE(isinf(arrivals_next(a, &st, NULL, 1.5, &demand, NULL)));
    arrivals_free(a);
    expect_error("trace(arrivals_trace_multiline.csv)",
                 DATA "/arrivals_trace_multiline.csv:5:1: error: time_s 'oops' is not a number",
                 "    oops,/d\n    ^~~~\n");
}

/* A rate file as a spreadsheet exports it (byte-order mark, CRLF, quoted names and values,
 * columns swapped, a blank line, no last line end) gives the same curve as the plain one. */
static void rate_file_reads_spreadsheet_exports(void)
{
    struct arrivals *a = parse("diurnal(file=arrivals_diurnal_rates.csv)");
    struct arrivals *b = parse("diurnal(file=arrivals_diurnal_rates_crlf.csv)");
    for (double t = 0; t < 86400; t += 450)
        CU_ASSERT_EQUAL(arrivals_rate_at(a, t), arrivals_rate_at(b, t));
    arrivals_free(a);
    arrivals_free(b);
}

/* A bad field on the second line of a quoted record is shown on its own line; a long value
 * is quoted and underlined as a bounded excerpt. */
static void trace_errors_inside_multiline_records_and_long_values(void)
{
    expect_error("trace(arrivals_trace_multiline_bad.csv)",
                 DATA "/arrivals_trace_multiline_bad.csv:3:4: error: demand_s 'abc' is not a "
                      "number >= 0",
                 "\n    b\",abc\n       ^~~\n");
    char want[256];
    snprintf(want, sizeof want, "%s:3:1: error: time_s '%.40s%.40s...' is not a number",
             DATA "/arrivals_trace_long_value.csv", "9999999999999999999999999999999999999999",
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    char *msg = parse_error("trace(arrivals_trace_long_value.csv)");
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
    CU_ASSERT(strlen(msg) < 400); /* not the 300-byte value twice */
    free(msg);
}

/* A trace that cannot be read is reported where the scenario names it, as an I/O failure
 * (the program then exits 1, not 2). */
static void unreadable_trace_is_an_environment_error(void)
{
    unsigned env = diag_env_error_count();
    expect_error("trace(arrivals_no_such_file.csv)", "No such file or directory", NULL);
    expect_error("trace(.)", "scenario.yaml:7:21: error: cannot open '" DATA "/.': Is a directory",
                 "\n    trace(.)\n          ^\n");
    expect_error("diurnal(file=.)", "Is a directory", NULL);
    CU_ASSERT_EQUAL(diag_env_error_count(), env + 3);
    expect_error("trace(arrivals_trace_bad_time.csv)", "is not a number", NULL);
    CU_ASSERT_EQUAL(diag_env_error_count(), env + 3);
}


/* --- rates (CloudWatch series) ------------------------------------------------------------ */

/* The samples in tests/data/cloudwatch hold 3000, 0, 600, 1200 requests in four minutes. */
static const double cw_rates[4] = {50, 0, 10, 20};

static void rates_reads_both_json_shapes_in_any_order_and_csv(void)
{
    static const char *const texts[] = {
        "rates(file=cloudwatch/gmd_desc.json, metric=RequestCount, statistic=Sum)",
        "rates(file=cloudwatch/gmd_asc.json)",
        "rates(file=cloudwatch/gms.json, metric=RequestCount)",
        "rates(file=cloudwatch/requests.csv)",
        "rates(file=cloudwatch/gmd_two.json, metric=m1)",
        "rates(file=cloudwatch/gmd_gap.json)", /* minute 1 missing: 0, as CloudWatch means */
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct arrivals *a = parse(texts[i]);
        if (!a)
            continue;
        for (int m = 0; m < 4; m++) {
            CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, m * 60.0 + 1), cw_rates[m], 1e-9);
            CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, m * 60.0 + 59), cw_rates[m], 1e-9);
        }
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 240.5), 0, 0);
        CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 0, 1000) * 1000, 4800, 1e-6);
        arrivals_free(a);
    }
}

static void rates_counts_per_period_follow_the_series(void)
{
    struct arrivals *a = parse("rates(file=cloudwatch/gmd_desc.json)");
    gsl_rng *r = sim_rng_new(21, "test/rates");
    double edges[6] = {0, 60, 120, 180, 240, 600}, counts[5] = {0}, expected[5];
    int reps = 20;
    for (int k = 0; k < reps; k++)
        count_windows(a, r, edges, 5, counts);
    CU_ASSERT_EQUAL(counts[1], 0);
    CU_ASSERT_EQUAL(counts[4], 0); /* nothing after the last period */
    double c3[3] = {counts[0], counts[2], counts[3]};
    for (int i = 0; i < 3; i++)
        expected[i] = reps * 60 * cw_rates[i ? i + 1 : 0];
    check_poisson_counts(c3, expected, 3);
    gsl_rng_free(r);
    arrivals_free(a);
}

static void rates_interp_scale_and_shift(void)
{
    struct arrivals *a = parse("rates(file=cloudwatch/requests.csv, interp=linear)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0), 50, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 30), 25, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 150), 15, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 210), 20, 1e-9); /* the last period is held */
    arrivals_free(a);
    a = parse("rates(file=cloudwatch/requests.csv, scale=2, shift=2m)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 1), 20, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 61), 40, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 0, 1e6) * 1e6, 2 * 1800, 1e-6);
    arrivals_free(a);
    a = parse("rates(file=cloudwatch/requests.csv, interp=linear, shift=30s)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0), 25, 1e-9);
    arrivals_free(a);
}

/* start= anchors t = 0 at an instant: at the first timestamp as shift=0, later as shift=,
 * earlier with nothing until the data begin. */
static void rates_start_anchors_time_zero(void)
{
    struct arrivals *a = parse("rates(file=cloudwatch/requests.csv, start=2026-03-02T00:02:00Z)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 1), 10, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 61), 20, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 0, 1e6) * 1e6, 1800, 1e-6);
    char buf[512];
    arrivals_format(a, buf, sizeof buf);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, ", start=2026-03-02T00:02:00Z)"));
    CU_ASSERT_PTR_NULL(strstr(buf, "shift="));
    arrivals_free(a);
    /* the same instant in another zone */
    a = parse("rates(file=cloudwatch/gmd_desc.json, start=2026-03-02T01:00:00+01:00)");
    for (int m = 0; m < 4; m++)
        CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, m * 60.0 + 30), cw_rates[m], 1e-9);
    arrivals_free(a);
    /* 90 s before the data: rate 0, then the series from t = 90 s */
    a = parse("rates(file=cloudwatch/requests.csv, start=2026-03-01T23:58:30Z)");
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 0), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 89), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 91), 50, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 90 + 150), 10, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_rate_at(a, 90 + 241), 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(arrivals_mean_rate(a, 0, 1e6) * 1e6, 4800, 1e-6);
    arrivals_free(a);
    expect_error("rates(file=cloudwatch/requests.csv, start=2026-03-02T00:04:00Z)",
                 "at or after the end of the data", NULL);
    expect_error("rates(file=cloudwatch/requests.csv, start=2026-03-02T00:02:00)",
                 "start '2026-03-02T00:02:00': expected an ISO 8601 time with its zone", NULL);
    expect_error("rates(file=cloudwatch/requests.csv, start=2026-03-02T00:02:00Z, shift=1m)",
                 "give start= or shift=, not both", NULL);
}

static void iso8601_parser_is_strict(void)
{
    double t;
    CU_ASSERT_EQUAL(arrivals_iso8601("1970-01-01T00:00:00Z", &t), 0);
    CU_ASSERT_EQUAL(t, 0);
    CU_ASSERT_EQUAL(arrivals_iso8601("2026-03-02T14:05:00Z", &t), 0);
    CU_ASSERT_EQUAL(t, 1772460300);
    double u;
    CU_ASSERT_EQUAL(arrivals_iso8601("2026-03-02T16:05:00+02:00", &u), 0);
    CU_ASSERT_EQUAL(u, t);
    CU_ASSERT_EQUAL(arrivals_iso8601("2026-03-02T09:35:00-0430", &u), 0);
    CU_ASSERT_EQUAL(u, t);
    CU_ASSERT_EQUAL(arrivals_iso8601("2026-03-02T14:05:00.250Z", &u), 0);
    CU_ASSERT_DOUBLE_EQUAL(u, t + 0.25, 1e-6);
    CU_ASSERT_EQUAL(arrivals_iso8601("2024-02-29T00:00:00Z", &u), 0); /* leap year */
    CU_ASSERT_EQUAL(arrivals_iso8601("2000-02-29T00:00:00Z", &u), 0);
    static const char *const bad[] = {
        "2026-03-02T14:05:00",      /* no zone */
        "2025-02-29T00:00:00Z",     /* not a leap year */
        "1900-02-29T00:00:00Z",     /* century rule */
        "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z", "2026-03-02T24:00:00Z",
        "2026-03-02T14:60:00Z", "2026-03-02T14:05:60Z", "2026-03-02T14:05:00+25:00",
        "2026-3-02T14:05:00Z", "2026-03-02T14:05:00Zjunk", "2026-03-02T14:05:00.Z", "",
        "2026-03-02", "2026-03-02T14:05Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(arrivals_iso8601(bad[i], &u), -1);
        if (arrivals_iso8601(bad[i], &u) != -1)
            fprintf(stderr, "\naccepted '%s'\n", bad[i]);
    }
}

static void rates_bad_input_is_reported(void)
{
    expect_error("rates(file=cloudwatch/bad.json)", "cloudwatch/bad.json:3:", "malformed JSON");
    expect_error("rates(file=cloudwatch/gmd_two.json)", "2 MetricDataResults entries match",
                 "m1 (Label 'RequestCount'), m2 (Label 'HTTPCode_Target_5XX_Count')");
    expect_error("rates(file=cloudwatch/gmd_two.json, metric=Latency)",
                 "no MetricDataResults entry has Id or Label 'Latency'", "m1 (Label");
    expect_error("rates(file=cloudwatch/gmd_dup.json)", "two data points at the same time",
                 "entries 0 and 1");
    expect_error("rates(file=cloudwatch/dup.csv)", "two data points at the same time",
                 "lines 3 and 4");
    expect_error("rates(file=cloudwatch/baddate.csv)", "cloudwatch/baddate.csv:3:1: error: time "
                 "'2026-02-30T00:01:00Z'", NULL);
    expect_error("rates(file=cloudwatch/gms.json, statistic=Average)", "statistic 'Average'",
                 NULL);
    expect_error("rates(file=cloudwatch/gms.json, statistic=SampleCount)", "no SampleCount", NULL);
    expect_error("rates(file=cloudwatch/gmd_desc.json, interp=cubic)", "interp 'cubic'", NULL);
    expect_error("rates(file=cloudwatch/gmd_desc.json, shift=1h)", "past the end", NULL);
    expect_error("rates(file=cloudwatch/gmd_desc.json, scale=0)", "scale must be > 0", NULL);
}

/* --- determinism, text, table ----------------------------------------------------------- */

static const char *const every_process[] = {
    "poisson(rate=200/s)",
    "mmpp(on=500/s, off=50/s, mean_on=30s, mean_off=2m)",
    "steps(0s: 100/s, 30m: 400/s, 1h: 100/s)",
    "spike(base=100/s, peak=800/s, at=10m, duration=2m, ramp=30s)",
    "diurnal(mean=1000/s, amplitude=0.6, peak=14:00, weekly=0.2)",
    "diurnal(file=arrivals_diurnal_rates.csv)",
    "rates(file=cloudwatch/gmd_desc.json)",
    "trace(arrivals_trace.csv)",
    NULL,
};

static void draw(const struct arrivals *a, uint64_t seed, double *out, int n)
{
    gsl_rng *r = sim_rng_new(seed, "test/determinism");
    struct arrivals_state st;
    arrivals_start(a, &st);
    double t = 0;
    for (int i = 0; i < n; i++)
        out[i] = t = arrivals_next(a, &st, r, t, NULL, NULL);
    gsl_rng_free(r);
}

static void same_seed_gives_the_same_sequence(void)
{
    enum { N = 2000 };
    static double x[N], y[N], z[N];
    for (int i = 0; every_process[i]; i++) {
        struct arrivals *a = parse(every_process[i]);
        struct arrivals *b = parse(every_process[i]);
        draw(a, 42, x, N);
        draw(b, 42, y, N); /* a second parse, a second stream of the same seed */
        draw(a, 43, z, N);
        CU_ASSERT_EQUAL(memcmp(x, y, sizeof x), 0);
        if (strncmp(every_process[i], "trace", 5))
            CU_ASSERT_NOT_EQUAL(memcmp(x, z, sizeof x), 0);
        arrivals_free(a);
        arrivals_free(b);
    }
}

static void format_is_canonical_and_reads_back(void)
{
    static const char *const canon[][2] = {
        {"poisson(200/s)", "poisson(rate=200/s)"},
        {"poisson( rate = 12000/m )", "poisson(rate=200/s)"},
        {"mmpp(on=500/s, off=50/s, mean_on=30s, mean_off=2m)",
         "mmpp(on=500/s, off=50/s, mean_on=30s, mean_off=2m, start=on)"},
        {"steps(0s: 100/s, 30m: 400/s, 1h: 100/s)", "steps(0s: 100/s, 30m: 400/s, 1h: 100/s)"},
        {"spike(base=100/s, peak=800/s, at=10m, duration=2m)",
         "spike(base=100/s, peak=800/s, at=10m, duration=2m, ramp=0s)"},
        {"diurnal(mean=20/s)",
         "diurnal(mean=20/s, amplitude=0.5, peak=14:00, weekly=0, peak_day=wed)"},
        {"diurnal(mean=1200/m, amplitude=0.6, peak=9:30, weekly=0.2, peak_day=fri)",
         "diurnal(mean=20/s, amplitude=0.6, peak=09:30, weekly=0.2, peak_day=fri)"},
        {"diurnal(mean=20/s, peak=30000s)",
         "diurnal(mean=20/s, amplitude=0.5, peak=08:20, weekly=0, peak_day=wed)"},
        {"diurnal(mean=20/s, peak=30001s)",
         "diurnal(mean=20/s, amplitude=0.5, peak=30001s, weekly=0, peak_day=wed)"},
        /* Files are written back by their absolute name ("@/" stands for DATA's). */
        {"diurnal(file=arrivals_diurnal_rates.csv)", "diurnal(file=@/arrivals_diurnal_rates.csv)"},
        {"trace(file=arrivals_trace.csv)", "trace(@/arrivals_trace.csv)"},
    };
    char *data_abs = realpath(DATA, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data_abs);
    for (size_t i = 0; i < sizeof canon / sizeof canon[0]; i++) {
        struct arrivals *a = parse(canon[i][0]);
        if (!a)
            continue;
        char buf[1024], again[1024], want[1024];
        const char *at = strstr(canon[i][1], "@/");
        if (at)
            snprintf(want, sizeof want, "%.*s%s%s", (int)(at - canon[i][1]), canon[i][1],
                     data_abs, at + 1);
        else
            snprintf(want, sizeof want, "%s", canon[i][1]);
        arrivals_format(a, buf, sizeof buf);
        CU_ASSERT_STRING_EQUAL(buf, want);
        if (strcmp(buf, want))
            fprintf(stderr, "\nformat: got '%s', want '%s'\n", buf, want);
        struct arrivals *b = parse(buf);
        if (b) {
            arrivals_format(b, again, sizeof again);
            CU_ASSERT_STRING_EQUAL(again, buf);
            CU_ASSERT_EQUAL(arrivals_rate_at(a, 1234.5), arrivals_rate_at(b, 1234.5));
            arrivals_free(b);
        }
        arrivals_free(a);
    }
    free(data_abs);
    /* Truncation keeps the string terminated. */
    struct arrivals *a = parse("poisson(rate=200/s)");
    char tiny[8];
    arrivals_format(a, tiny, sizeof tiny);
    CU_ASSERT_STRING_EQUAL(tiny, "poisson");
    CU_ASSERT_STRING_EQUAL(arrivals_name(a), "poisson");
    arrivals_free(a);
}

static void table_lists_every_process(void)
{
    char names[128];
    arrivals_names(names, sizeof names);
    CU_ASSERT_STRING_EQUAL(names, "poisson, mmpp, steps, spike, diurnal, trace, rates, alb_log");
    size_t n = 0;
    for (const struct arrivals_info *const *t = arrivals_table; *t; t++, n++) {
        const struct arrivals_info *i = *t;
        CU_ASSERT_TRUE(strncmp(i->synopsis, i->name, strlen(i->name)) == 0);
        CU_ASSERT_TRUE(strlen(i->help) > 20);
    }
    CU_ASSERT_EQUAL(n, 8);
    /* Every listed name is a process the parser knows. */
    for (int i = 0; every_process[i]; i++) {
        struct arrivals *a = parse(every_process[i]);
        bool listed = false;
        for (const struct arrivals_info *const *t = arrivals_table; *t; t++)
            listed |= !strcmp((*t)->name, arrivals_name(a));
        CU_ASSERT_TRUE(listed);
        arrivals_free(a);
    }
}

/* --- bad input -------------------------------------------------------------------------- */

static void zero_or_negative_rate_is_an_error(void)
{
    /* The caret column: "poisson(rate=0/s)" starts at column 15, its value at offset 13. */
    expect_error("poisson(rate=0/s)", "scenario.yaml:7:28: error: poisson rate must be > 0",
                 "'0/s'");
    expect_error("poisson(rate=-5/s)", "poisson rate must be > 0, got '-5/s'", NULL);
    expect_error("mmpp(on=0/s, off=1/s, mean_on=1s, mean_off=1s)", "mmpp on must be > 0", NULL);
    expect_error("mmpp(on=1/s, off=-1/s, mean_on=1s, mean_off=1s)", "mmpp off must be >= 0",
                 NULL);
    expect_error("mmpp(on=1/s, off=1/s, mean_on=0s, mean_off=1s)", "mean_on must be > 0", NULL);
    expect_error("steps(0s: 10/s, 1m: -1/s)", "a step rate must be >= 0, got '-1/s'", NULL);
    expect_error("steps(0s: 0/s, 1m: 0/s)", "every step rate is 0", NULL);
    expect_error("spike(base=0/s, peak=0/s, at=1m, duration=1m)", "spike peak must be > 0",
                 NULL);
    expect_error("diurnal(mean=0/s)", "diurnal mean must be > 0", NULL);
}

static void unknown_process_lists_the_valid_ones(void)
{
    expect_error("poison(rate=1/s)",
                 "scenario.yaml:7:15: error: unknown arrival process 'poison'; expected one of: "
                 "poisson, mmpp, steps, spike, diurnal, trace, rates",
                 NULL);
    expect_error("200/s", "expected an arrival process such as poisson(rate=200/s)", NULL);
    expect_error("poisson(rate=1/s", "", NULL); /* the call parser's own message */
}

static void steps_times_must_start_at_zero_and_increase(void)
{
    expect_error("steps(0s: 1/s, 10m: 2/s, 5m: 3/s)",
                 "step times must increase: '5m' does not come after '10m'", NULL);
    expect_error("steps(0s: 1/s, 10m: 2/s, 600s: 3/s)", "step times must increase", NULL);
    expect_error("steps(1m: 1/s, 2m: 2/s)", "the first step must start at 0s, got '1m'", NULL);
    expect_error("steps(0s=1/s)", "steps are written TIME: RATE", NULL);
    expect_error("steps(0x: 1/s)", "step time '0x'", NULL);
    expect_error("steps()", "steps() needs at least one step", NULL);
}

static void diurnal_amplitude_must_be_below_one(void)
{
    expect_error("diurnal(mean=10/s, amplitude=1)",
                 "diurnal amplitude must be in [0, 1) so that the rate stays above 0, got '1'",
                 NULL);
    expect_error("diurnal(mean=10/s, amplitude=1.5)", "amplitude must be in [0, 1)", NULL);
    expect_error("diurnal(mean=10/s, amplitude=-0.1)", "amplitude must be in [0, 1)", NULL);
    expect_error("diurnal(mean=10/s, weekly=1)", "weekly must be in [0, 1)", NULL);
    expect_error("diurnal(mean=10/s, peak=25:00)", "diurnal peak '25:00'", NULL);
    expect_error("diurnal(mean=10/s, peak=1d)", "diurnal peak '1d'", NULL);
    expect_error("diurnal(mean=10/s, peak_day=someday)", "expected mon, tue, wed", NULL);
}

static void trace_errors_name_file_line_and_column(void)
{
    expect_error("trace(arrivals_trace_bad_time.csv)",
                 DATA "/arrivals_trace_bad_time.csv:4:1: error: time_s 'abc' is not a number",
                 "\n    abc,0.01\n    ^~~\n");
    expect_error("trace(arrivals_trace_decreasing.csv)",
                 DATA "/arrivals_trace_decreasing.csv:4:1: error: time_s 0.3 comes before 0.5 "
                      "on line 3; times must not decrease",
                 NULL);
    expect_error("trace(arrivals_no_such_file.csv)",
                 "scenario.yaml:7:21: error: cannot open '" DATA "/arrivals_no_such_file.csv': "
                 "No such file or directory",
                 NULL);
    expect_error("trace(arrivals_trace_bad_column.csv)",
                 DATA "/arrivals_trace_bad_column.csv:1:8: error: unknown trace column 'demand'",
                 NULL);
    expect_error("trace(arrivals_trace_fields.csv)",
                 DATA "/arrivals_trace_fields.csv:3:", "row has 3 fields, the header has 2");
    expect_error("trace(arrivals_trace_empty.csv)", "has a header but no rows", NULL);
    expect_error("trace()", "trace() needs a CSV file name", NULL);
    expect_error("diurnal(file=arrivals_no_such_file.csv)", "cannot open", NULL);
    expect_error("diurnal(file=arrivals_diurnal_hours.csv)", "has 23 hours", NULL);
    expect_error("diurnal(file=arrivals_trace.csv)", "unknown column 'path'", NULL);
}

static void parameters_are_checked(void)
{
    expect_error("poisson(rate=1/s, burst=2)",
                 "unknown parameter 'burst' of poisson(); expected one of: rate", NULL);
    expect_error("poisson(rate=1/s, rate=2/s)", "parameter 'rate' of poisson() given twice",
                 NULL);
    expect_error("poisson()", "poisson() needs rate (e.g. rate=200/s)", NULL);
    expect_error("poisson(rate=5ms)", "rate=5ms: expected", NULL);
    expect_error("poisson(rate=exp(mean=1s))", "is a call", NULL);
    expect_error("mmpp(on=1/s)", "mmpp() needs off", NULL);
    expect_error("mmpp(on=1/s, off=1/s, mean_on=1s, mean_off=1s, start=maybe)",
                 "mmpp start must be 'on' or 'off', got 'maybe'", NULL);
    expect_error("mmpp(1/s, off=1/s, mean_on=1s, mean_off=1s)", "written name=value", NULL);
    expect_error("spike(base=1/s, peak=2/s, at=1m, duration=1m, ramp=31s)",
                 "spike ramp must be at most half the duration", NULL);
    expect_error("spike(base=1/s, peak=2/s, at=1m, duration=0s)", "spike duration must be > 0",
                 NULL);
    expect_error("diurnal(file=arrivals_diurnal_rates.csv, mean=1/s)",
                 "unknown parameter 'mean'", NULL);
}

static CU_TestInfo arrivals_tests[] = {
    {"poisson_count_over_T_is_within_its_ci", poisson_count_over_T_is_within_its_ci},
    {"poisson_interarrival_cv_is_one", poisson_interarrival_cv_is_one},
    {"steps_counts_per_window_match_rate_times_length",
     steps_counts_per_window_match_rate_times_length},
    {"steps_that_fall_to_zero_end_the_process", steps_that_fall_to_zero_end_the_process},
    {"spike_counts_follow_base_ramps_and_peak", spike_counts_follow_base_ramps_and_peak},
    {"spike_without_ramp_is_a_rectangle", spike_without_ramp_is_a_rectangle},
    {"diurnal_rate_follows_the_documented_formula", diurnal_rate_follows_the_documented_formula},
    {"diurnal_counts_per_hour_match_the_integral", diurnal_counts_per_hour_match_the_integral},
    {"diurnal_squeeze_keeps_the_arrivals_of_thinning_with_the_rate",
     diurnal_squeeze_keeps_the_arrivals_of_thinning_with_the_rate},
    {"diurnal_envelope_holds_the_rate_closely", diurnal_envelope_holds_the_rate_closely},
    {"diurnal_tiny_rates_skip_whole_periods", diurnal_tiny_rates_skip_whole_periods},
    {"diurnal_file_interpolates_between_hour_midpoints",
     diurnal_file_interpolates_between_hour_midpoints},
    {"mmpp_long_run_rate_matches_theory_by_batch_means",
     mmpp_long_run_rate_matches_theory_by_batch_means},
    {"mmpp_start_state_sets_the_transient", mmpp_start_state_sets_the_transient},
    {"draws_count_what_next_draws", draws_count_what_next_draws},
    {"trace_rows_are_capped", trace_rows_are_capped},
    {"trace_replays_rows_exactly", trace_replays_rows_exactly},
    {"trace_reads_crlf_bom_and_multiline_fields", trace_reads_crlf_bom_and_multiline_fields},
    {"rate_file_reads_spreadsheet_exports", rate_file_reads_spreadsheet_exports},
    {"trace_errors_inside_multiline_records_and_long_values",
     trace_errors_inside_multiline_records_and_long_values},
    {"unreadable_trace_is_an_environment_error", unreadable_trace_is_an_environment_error},
    {"same_seed_gives_the_same_sequence", same_seed_gives_the_same_sequence},
    {"format_is_canonical_and_reads_back", format_is_canonical_and_reads_back},
    {"table_lists_every_process", table_lists_every_process},
    {"zero_or_negative_rate_is_an_error", zero_or_negative_rate_is_an_error},
    {"unknown_process_lists_the_valid_ones", unknown_process_lists_the_valid_ones},
    {"steps_times_must_start_at_zero_and_increase", steps_times_must_start_at_zero_and_increase},
    {"diurnal_amplitude_must_be_below_one", diurnal_amplitude_must_be_below_one},
    {"trace_errors_name_file_line_and_column", trace_errors_name_file_line_and_column},
    {"parameters_are_checked", parameters_are_checked},
    {"rates_reads_both_json_shapes_in_any_order_and_csv",
     rates_reads_both_json_shapes_in_any_order_and_csv},
    {"rates_counts_per_period_follow_the_series", rates_counts_per_period_follow_the_series},
    {"rates_interp_scale_and_shift", rates_interp_scale_and_shift},
    {"rates_start_anchors_time_zero", rates_start_anchors_time_zero},
    {"iso8601_parser_is_strict", iso8601_parser_is_strict},
    {"rates_bad_input_is_reported", rates_bad_input_is_reported},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_arrivals_suites[] = {
    {"arrivals", NULL, NULL, NULL, NULL, arrivals_tests},
    CU_SUITE_INFO_NULL,
};
