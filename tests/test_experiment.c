/*
 * Tests of the experiment layer: analysis/stats (intervals, MSER-5), analysis/pareto,
 * analysis/experiment (--vary parsing, points), analysis/exp_sweep (front, SLOs),
 * analysis/exp_plan with a stand-in for the simulation (results in place whatever -j,
 * seeds, MSER-5 passes, kept runs, a failing job), and sim/cli/exp_runner with real runs
 * (replications on common random numbers, in this process and in worker processes).
 *
 * The statistical checks run real simulations, kept short: each coverage check is 600
 * runs of 10 simulated seconds (about 15 s on 2 idle cores; skipped with ELBSIM_QUICK=1,
 * as `make valgrind` sets).  Each interval kind (analysis/exp_interval) must cover a
 * closed form at its nominal rate, accepted within the binomial's 0.1 % tails.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "analysis/exp_compare.h"
#include "analysis/exp_format.h"
#include "analysis/exp_interval.h"
#include "analysis/exp_mpi.h"
#include "analysis/exp_plan.h"
#include "analysis/exp_sweep.h"
#include "analysis/exp_warmup.h"
#include "analysis/experiment.h"
#include "analysis/pareto.h"
#include "analysis/stats.h"
#include "analysis/summary.h"
#include "sim/cli/exp_runner.h"
#include "sim/histogram.h"
#include "sim/text.h"
#include "sim/xalloc.h"
#include "tests/unit.h"

/* Each suite that writes files has a scratch folder of its own (suite_init). */
static char outdir[64];

static char *out(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/%s", outdir, name);
    return buf;
}

static int suite_init(void)
{
    snprintf(outdir, sizeof outdir, "/tmp/elbsim-experiment-XXXXXX");
    return mkdtemp(outdir) ? 0 : -1;
}

static int suite_fini(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", outdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- stats ---- */

static void mean_ci_matches_hand_computation(void)
{
    double x[] = {1, 2, 3, 4, 5};
    struct stats_ci ci;
    stats_mean_ci(x, 5, 0.95, &ci);
    CU_ASSERT_EQUAL(ci.n, 5);
    CU_ASSERT_DOUBLE_EQUAL(ci.mean, 3, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ci.sd, sqrt(2.5), 1e-15);
    /* t(0.975, 4) = 2.776445 */
    CU_ASSERT_DOUBLE_EQUAL(ci.half, 2.7764451 * sqrt(2.5) / sqrt(5.0), 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(ci.lo, 3 - ci.half, 1e-15);

    double y[] = {(double)NAN, 7, 7, 7};
    stats_mean_ci(y, 4, 0.9, &ci);
    CU_ASSERT_EQUAL(ci.n, 3);
    CU_ASSERT_EQUAL(ci.mean, 7);
    CU_ASSERT_EQUAL(ci.half, 0);

    double one[] = {4};
    stats_mean_ci(one, 1, 0.95, &ci);
    CU_ASSERT_EQUAL(ci.mean, 4);
    CU_ASSERT(isnan(ci.half));
}

static void identical_variants_give_zero_paired_difference(void)
{
    double a[] = {0.1, 0.35, 0.2, 0.17, 0.4};
    struct stats_ci ci;
    stats_paired_ci(a, a, 5, 0.95, &ci);
    CU_ASSERT_EQUAL(ci.mean, 0);
    CU_ASSERT_EQUAL(ci.lo, 0);
    CU_ASSERT_EQUAL(ci.hi, 0);
    CU_ASSERT(!stats_ci_excludes_zero(&ci));
}

static void paired_interval_is_narrower_when_runs_share_noise(void)
{
    /* b = a + 1 + small noise: Welch sees a's spread, pairing does not. */
    double a[] = {10, 14, 9, 16, 12, 11}, b[6], e[] = {0.1, -0.1, 0.05, 0, -0.05, 0.02};
    for (int i = 0; i < 6; i++)
        b[i] = a[i] + 1 + e[i];
    struct stats_ci p, w;
    stats_paired_ci(a, b, 6, 0.95, &p);
    stats_welch_ci(a, 6, b, 6, 0.95, &w);
    CU_ASSERT_DOUBLE_EQUAL(p.mean, w.mean, 1e-12);
    CU_ASSERT(stats_ci_excludes_zero(&p));
    CU_ASSERT(!stats_ci_excludes_zero(&w));
    CU_ASSERT(w.half > 20 * p.half);
    /* Welch with equal sizes and variances: df = 2n - 2. */
    double c[] = {1, 2, 3}, d[] = {4, 5, 6};
    stats_welch_ci(c, 3, d, 3, 0.95, &w);
    CU_ASSERT_DOUBLE_EQUAL(w.df, 4, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(w.half, gsl_cdf_tdist_Pinv(0.975, 4) * sqrt(2.0 / 3), 1e-12);
}

static void mser5_cuts_the_initial_transient(void)
{
    /* 60 observations decaying from 10, then 2000 around 0 (deterministic pseudo-noise). */
    int n = 2060;
    double *x = xmalloc((size_t)n * sizeof *x);
    for (int i = 0; i < n; i++)
        x[i] = (i < 60 ? 10.0 * (60 - i) / 60 : 0) + 0.5 * sin(i * 1.7) * cos(i * 0.37);
    int d = stats_mser5(x, n);
    CU_ASSERT(d % 5 == 0);
    CU_ASSERT(d >= 50 && d <= 70);
    /* A stationary series keeps (almost) everything; too short a series: nothing cut. */
    for (int i = 0; i < n; i++)
        x[i] = sin(i * 1.7);
    CU_ASSERT(stats_mser5(x, n) <= 10);
    CU_ASSERT_EQUAL(stats_mser5(x, 9), 0);
    free(x);
}

static void pareto_front_keeps_undominated_points(void)
{
    double x[] = {1, 2, 3, 2, 4, (double)NAN, 1, 3};
    double y[] = {5, 3, 1, 4, 1, 0, 5, 3};
    bool f[8];
    int n = pareto_front(x, y, 8, f);
    /* (1,5) twice (equal points both stay), (2,3), (3,1); (2,4) (4,1) (3,3) dominated. */
    CU_ASSERT_EQUAL(n, 4);
    CU_ASSERT(f[0] && f[6] && f[1] && f[2]);
    CU_ASSERT(!f[3] && !f[4] && !f[5] && !f[7]);
}

/* ---- --vary ---- */

static void vary_splits_values_outside_brackets(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "workloads.w.demand=lognormal(median=20ms, "
                                             "p99=200ms), exp(mean=20ms) ,[a, b]"), 0);
    const struct exp_factor *f = &d.f[0];
    CU_ASSERT_STRING_EQUAL(f->path, "workloads.w.demand");
    CU_ASSERT_EQUAL_FATAL(f->nvalues, 3);
    CU_ASSERT_STRING_EQUAL(f->values[0], "lognormal(median=20ms, p99=200ms)");
    CU_ASSERT_STRING_EQUAL(f->values[1], "exp(mean=20ms)");
    CU_ASSERT_STRING_EQUAL(f->values[2], "[a, b]");
    CU_ASSERT_EQUAL(f->value_off[1],
                    strlen("workloads.w.demand=lognormal(median=20ms, p99=200ms), "));
    exp_design_fini(&d);
}

static void vary_expands_ranges(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "a=30..70:10"), 0);
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "b=1m..3m:1m,10m"), 0);
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "c=0.1..0.3:0.1"), 0);
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "d=1..3"), 0);
    CU_ASSERT_EQUAL(d.f[0].nvalues, 5);
    CU_ASSERT_STRING_EQUAL(d.f[0].values[4], "70");
    CU_ASSERT_EQUAL(d.f[1].nvalues, 4);
    CU_ASSERT_STRING_EQUAL(d.f[1].values[1], "2m");
    CU_ASSERT_STRING_EQUAL(d.f[1].values[3], "10m");
    CU_ASSERT_EQUAL(d.f[2].nvalues, 3);
    CU_ASSERT_STRING_EQUAL(d.f[2].values[2], "0.3");
    CU_ASSERT_EQUAL(d.f[3].nvalues, 3);
    /* Odometer order: the last factor fastest. */
    CU_ASSERT_EQUAL(exp_design_npoints(&d), 5 * 4 * 3 * 3);
    int idx[4] = {-1, -1, -1, -1};
    exp_design_point(&d, 1, idx);
    CU_ASSERT(idx[0] == 0 && idx[1] == 0 && idx[2] == 0 && idx[3] == 1);
    exp_design_point(&d, 36, idx);
    CU_ASSERT(idx[0] == 1 && idx[1] == 0 && idx[2] == 0 && idx[3] == 0);
    char *s = exp_design_set(&d, 36 + 9, 1);
    CU_ASSERT_STRING_EQUAL(s, "b=2m");
    free(s);
    s = exp_design_label(&d, 36 + 9 + 4);
    CU_ASSERT_STRING_EQUAL(s, "40, 2m, 0.2, 2");
    free(s);
    exp_design_fini(&d);
}

/* exp_design_add(arg) fails with a message containing want. */
static void vary_rejects(const char *arg, const char *want)
{
    struct exp_design d = {0};
    struct unit_diag_capture c;
    unit_diag_capture_start(&c);
    int rc = exp_design_add(&d, arg);
    char *msg = unit_diag_capture_end(&c);
    CU_ASSERT_EQUAL(rc, -1);
    if (!strstr(msg, want))
        fprintf(stderr, "\n  --vary '%s': wanted '%s' in: %s", arg, want, msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
    free(msg);
    exp_design_fini(&d);
}

static void vary_bad_input_names_the_path_and_what_was_expected(void)
{
    vary_rejects("target_groups.web.algorithm=",
                 "empty value list for target_groups.web.algorithm; expected");
    vary_rejects("=a,b", "expected PATH=V1,V2");
    vary_rejects("nopath", "expected PATH=V1,V2");
    vary_rejects("x=a,,b", "empty value");
    vary_rejects("x=1..", "bad range '1..'");
    vary_rejects("x=5..1", "empty or endless");
    vary_rejects("x=1..5:0", "empty or endless");
    vary_rejects("x=1s..5m:1s", "mixes units");
    vary_rejects("x=0..1e9", "more than");
}

/* ---- sweep marks ---- */

/* n metrics parsed from names (short names allowed), as the runner makes them. */
static struct exp_metric *metrics_of(const char *const names[], int n)
{
    struct exp_metric *m = xcalloc((size_t)n, sizeof *m);
    for (int k = 0; k < n; k++)
        CU_ASSERT_EQUAL(exp_metric_parse(names[k], &m[k]), 0);
    return m;
}

static void metrics_free(struct exp_metric *m, int n)
{
    for (int k = 0; k < n; k++)
        exp_metric_fini(&m[k]);
    free(m);
}

/* Four points, two replications, metrics cost and p99 (point means in the comments). */
static void sweep_table(struct exp_table *t)
{
    static const double v[4][2][2] = {
        {{4, 0.1}, {4, 0.1}},   /* cost 4, p99 0.1 */
        {{1, 0.8}, {1, 1.0}},   /* cost 1, p99 0.9: breaks the SLO */
        {{3, 0.3}, {3, 0.4}},   /* cost 3, p99 0.35: dominated by point 3 */
        {{1, 0.3}, {3, 0.3}},   /* cost 2, p99 0.3 */
    };
    exp_table_init(t, 4, 2, 2);
    for (int p = 0; p < 4; p++)
        for (int r = 0; r < 2; r++)
            memcpy(exp_table_at(t, p, r), v[p][r], sizeof v[p][r]);
}

static void sweep_marks_front_slos_and_the_cheapest_point(void)
{
    struct exp_table t;
    sweep_table(&t);
    struct exp_slo slo = {.metric = 1, .op = EXP_SLO_LT, .value = 0.5};
    struct exp_metric *ms = metrics_of((const char *const[]){"cost_usd", "latency_p99_s"}, 2);
    struct exp_sweep_marks m;
    exp_sweep_marks_init(&m, &t, ms, 0, 1, true, 0, &slo, 1);
    CU_ASSERT(m.pareto[0] && m.pareto[1] && !m.pareto[2] && m.pareto[3]);
    CU_ASSERT(m.slo[0] == 1 && m.slo[1] == 0 && m.slo[2] == 1 && m.slo[3] == 1);
    CU_ASSERT_EQUAL(exp_sweep_cheapest(&t, &m), 3);
    exp_sweep_marks_fini(&m);
    /* A point without a value meets no SLO; with no SLO there is no cheapest point. */
    exp_table_at(&t, 3, 0)[1] = (double)NAN;
    exp_table_at(&t, 3, 1)[1] = (double)NAN;
    exp_sweep_marks_init(&m, &t, ms, 0, 1, true, 0, &slo, 1);
    CU_ASSERT(m.slo[3] == 0 && !m.pareto[3]);
    CU_ASSERT_EQUAL(exp_sweep_cheapest(&t, &m), 2);
    exp_sweep_marks_fini(&m);
    exp_sweep_marks_init(&m, &t, ms, 0, 1, true, 0, NULL, 0);
    CU_ASSERT(m.slo[0] == -1 && m.slo[3] == -1);
    CU_ASSERT_EQUAL(exp_sweep_cheapest(&t, &m), -1);
    exp_sweep_marks_fini(&m);
    exp_table_fini(&t);
    metrics_free(ms, 2);
}

/* ---- units: one per metric, from its name ---- */

static void every_metric_has_one_unit_from_its_name(void)
{
    static const struct {
        const char *metric, *shown, *raw;
        double scale;
        enum summary_range range;
    } cases[] = {
        {"latency_p99_s", "ms", "s", 1000, SUMMARY_NONNEG},
        {"latency_mean_s", "ms", "s", 1000, SUMMARY_NONNEG},
        {"slo_miss_s", "s", "s", 1, SUMMARY_NONNEG},
        {"simulated_s", "s", "s", 1, SUMMARY_NONNEG},
        {"cost_usd", "$", "USD", 1, SUMMARY_NONNEG},
        {"error_ratio", "%", "fraction", 100, SUMMARY_FRACTION},
        {"utilization", "%", "fraction", 100, SUMMARY_FRACTION},
        {"throughput_rps", "req/s", "req/s", 1, SUMMARY_NONNEG},
        {"instance_hours", "h", "h", 1, SUMMARY_NONNEG},
        {"daily.forecast_bias_pct", "%", "%", 1, SUMMARY_REAL},
        {"requests", "count", "count", 1, SUMMARY_NONNEG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct summary_unit u = summary_unit(cases[i].metric);
        CU_ASSERT_STRING_EQUAL(u.shown, cases[i].shown);
        CU_ASSERT_STRING_EQUAL(u.raw, cases[i].raw);
        CU_ASSERT_EQUAL(u.scale, cases[i].scale);
        CU_ASSERT_EQUAL(u.range, cases[i].range);
    }
}

/* The output of print(f) as a string (caller frees). */
#define CAPTURE(buf, call)                                                                 \
    do {                                                                                   \
        size_t len_;                                                                       \
        FILE *f = open_memstream(&(buf), &len_);                                           \
        call;                                                                              \
        fclose(f);                                                                         \
    } while (0)

/* A design "x=a,b,..." of n values. */
static void design_of(struct exp_design *d, const char *arg)
{
    *d = (struct exp_design){0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(d, arg), 0);
}

/* A column of times keeps the unit its name gives whatever its values: 100 s of SLO misses
 * and 0.5 s of them are both shown in s, latencies in ms also above a second; the CSV
 * holds raw seconds and says so. */
static void a_column_keeps_the_unit_of_its_name(void)
{
    struct exp_design d;
    design_of(&d, "x=a,b");
    struct exp_metric *m =
        metrics_of((const char *const[]){"workload.checkout.slo_miss_s", "latency_p99_s"}, 2);
    m[0].shown = m[1].shown = true;
    struct exp_table t;
    exp_table_init(&t, 2, 2, 2);
    static const double v[2][2][2] = {{{90, 1.5}, {110, 1.7}}, {{0.4, 0.2}, {0.6, 0.3}}};
    for (int p = 0; p < 2; p++)
        for (int r = 0; r < 2; r++)
            memcpy(exp_table_at(&t, p, r), v[p][r], sizeof v[p][r]);
    struct exp_sweep_marks marks;
    exp_sweep_marks_init(&marks, &t, m, -1, -1, false, -1, NULL, 0);
    char *text;
    CAPTURE(text, exp_sweep_print(f, &d, m, &t, 0.95, &marks));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "workload.checkout.slo_miss_s (s)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "latency_p99_s (ms)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "  100.0 [")); /* not 100000 ms */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "  0.5000 ["));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "  1600 [")); /* 1.6 s of latency in ms */
    CU_ASSERT_PTR_NULL(strstr(text, "100000"));
    free(text);
    CU_ASSERT_EQUAL_FATAL(exp_sweep_write_csv(out("units.csv"), &d, m, &t, 0.95, &marks), 0);
    char *csv = unit_slurp(out("units.csv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "point,x,metric,unit,reps,mean,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n0,a,workload.checkout.slo_miss_s,s,2,100,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n1,b,latency_p99_s,s,2,0.25,"));
    free(csv);
    exp_sweep_marks_fini(&marks);
    exp_table_fini(&t);
    metrics_free(m, 2);
    exp_design_fini(&d);
}

/* ---- intervals that respect the metric's range ---- */

/* One point, five replications: a zero-inflated time, a proportion with its counts, a
 * utilization near 1 and a signed metric: the t-interval alone would leave the range. */
static void bounded_metrics_never_get_impossible_bounds(void)
{
    struct exp_metric *m = metrics_of(
        (const char *const[]){"workload.checkout.slo_miss_s", "error_ratio", "failed", "requests",
                              "target.web/0.utilization", "asg.web.forecast_bias_pct"},
        6);
    m[1].num = 2;
    m[1].den = 3;
    static const double v[5][6] = {
        {0, 0, 0, 1000, 0.99, -4},  {0, 0, 0, 1000, 1, 3},     {0, 0, 0, 1000, 0.97, -1},
        {0, 0, 0, 1000, 1, -6},      {500, 0.6, 600, 1000, 0.995, 2},
    };
    struct exp_table t;
    exp_table_init(&t, 1, 5, 6);
    for (int r = 0; r < 5; r++)
        memcpy(exp_table_at(&t, 0, r), v[r], sizeof v[r]);
    CU_ASSERT_EQUAL(exp_ci_kind_of(m, 0), EXP_CI_T_NONNEG);
    CU_ASSERT_EQUAL(exp_ci_kind_of(m, 1), EXP_CI_WILSON);
    CU_ASSERT_EQUAL(exp_ci_kind_of(m, 4), EXP_CI_T_FRACTION);
    CU_ASSERT_EQUAL(exp_ci_kind_of(m, 5), EXP_CI_T);
    double x[5];
    struct stats_ci plain, ci;
    for (int k = 0; k < 6; k++) {
        if (k == 2 || k == 3)
            continue;
        exp_table_column(&t, 0, k, x);
        stats_mean_ci(x, 5, 0.95, &plain);
        exp_ci_mean(&t, m, k, 0, 0.95, &ci);
        CU_ASSERT(ci.lo <= ci.mean && ci.mean <= ci.hi);
        if (k == 5) { /* any sign: the plain t-interval */
            CU_ASSERT(plain.lo < 0 && ci.lo == plain.lo && ci.hi == plain.hi);
            continue;
        }
        CU_ASSERT(ci.lo >= 0);
        if (k == 0 || k == 1)
            CU_ASSERT(plain.lo < 0); /* what the t-interval alone gave: -330 s, -27 % */
        if (k == 1 || k == 4) {
            CU_ASSERT(ci.hi <= 1);
            CU_ASSERT(plain.hi > 1 || k == 1);
        }
    }
    /* The proportion is the pooled one: 600 of 5000. */
    exp_ci_mean(&t, m, 1, 0, 0.95, &ci);
    CU_ASSERT_DOUBLE_EQUAL(ci.mean, 0.12, 1e-15);
    exp_table_fini(&t);
    metrics_free(m, 6);
}

static void wilson_interval_matches_hand_computation(void)
{
    double lo, hi, z = gsl_cdf_ugaussian_Pinv(0.975);
    stats_wilson(0.1, 100, z, &lo, &hi); /* 10 of 100: Wilson (1927) */
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.0552291, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.1743657, 1e-6);
    stats_wilson(0, 1000, z, &lo, &hi); /* none of 1000: [0, z^2 / (n + z^2)] */
    CU_ASSERT_EQUAL(lo, 0);
    CU_ASSERT_DOUBLE_EQUAL(hi, z * z / (1000 + z * z), 1e-12);
    /* The same ratio in every replication: no spread, the total counts. */
    double num[] = {10, 10, 10}, den[] = {100, 100, 100};
    struct stats_ci ci;
    stats_ratio_ci(num, den, 3, 0.95, &ci);
    stats_wilson(0.1, 300, z, &lo, &hi);
    CU_ASSERT_DOUBLE_EQUAL(ci.lo, lo, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ci.hi, hi, 1e-15);
    /* Spread between replications: fewer effective requests, (z / t_2)^2 of p(1-p)/v. */
    double spread[] = {2, 18, 10};
    stats_ratio_ci(spread, den, 3, 0.95, &ci);
    double v = 0.08 * 0.08 / 3, t = gsl_cdf_tdist_Pinv(0.975, 2);
    stats_wilson(0.1, 0.1 * 0.9 / v * (z / t) * (z / t), z, &lo, &hi);
    CU_ASSERT_DOUBLE_EQUAL(ci.mean, 0.1, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ci.lo, lo, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ci.hi, hi, 1e-12);
    CU_ASSERT(ci.lo > 0 && ci.hi < 1);
}

/* The true mean lies inside the bounds, so cutting the interval at them loses no coverage:
 * on 4000 zero-inflated exponential samples of 3, the cut interval covers exactly when the
 * t-interval does, and the cut happens often. */
static void cutting_a_t_interval_at_its_bound_keeps_its_coverage(void)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    double mean = 0.3 * 2.0; /* P(non-zero) 0.3, then exponential of mean 2 */
    int cut = 0, same = 0, n = 4000;
    for (int i = 0; i < n; i++) {
        double x[3];
        for (int j = 0; j < 3; j++)
            x[j] = gsl_rng_uniform(g) < 0.3 ? gsl_ran_exponential(g, 2.0) : 0;
        struct stats_ci t, c;
        stats_mean_ci(x, 3, 0.9, &t);
        c = t;
        stats_ci_clip(&c, 0, (double)INFINITY);
        cut += c.lo != t.lo;
        same += (t.lo <= mean && mean <= t.hi) == (c.lo <= mean && mean <= c.hi);
        CU_ASSERT(c.lo >= 0);
    }
    gsl_rng_free(g);
    CU_ASSERT_EQUAL(same, n);
    CU_ASSERT(cut > n / 4);
}

static void holm_matches_hand_computation(void)
{
    /* Sorted: 0.005 <= 0.05/4, 0.01 <= 0.05/3, 0.03 > 0.05/2: stop. */
    double p[] = {0.01, 0.04, 0.03, 0.005};
    bool r[4];
    stats_holm(p, 4, 0.05, r);
    CU_ASSERT(r[0] && !r[1] && !r[2] && r[3]);
    /* A NaN p-value counts in the family and is never rejected. */
    double q[] = {0.02, (double)NAN}, q2[] = {0.03, (double)NAN};
    stats_holm(q, 2, 0.05, r);
    CU_ASSERT(r[0] && !r[1]);
    stats_holm(q2, 2, 0.05, r);
    CU_ASSERT(!r[0] && !r[1]);
    /* The paired t-test's p-value: t = 3 / (sd / sqrt(5)) with df 4. */
    double x[] = {1, 2, 3, 4, 5};
    struct stats_ci ci;
    stats_mean_ci(x, 5, 0.95, &ci);
    CU_ASSERT_DOUBLE_EQUAL(stats_t_pvalue(&ci),
                           2 * gsl_cdf_tdist_Q(3 / (sqrt(2.5) / sqrt(5.0)), 4), 1e-15);
}

/* ---- what a paired difference may claim ---- */

/* Two variants, four replications, one metric per verdict: the metric does not vary (a
 * certain difference: exact), the difference is the same though the values vary
 * (constant: no claim), no difference (identical), a percentile difference inside the
 * histogram's resolution (below resolution) although the t-interval excludes 0. */
static void zero_spread_differences_are_not_called_significant(void)
{
    struct exp_design d;
    design_of(&d, "x=a,b");
    struct exp_metric *m = metrics_of(
        (const char *const[]){"cost_usd", "latency_mean_s", "throughput_rps", "latency_p99_s"}, 4);
    for (int k = 0; k < 4; k++)
        m[k].shown = true;
    static const double a[4][4] = {
        {5, 1, 1, 0.300}, {5, 2, 2, 0.310}, {5, 3, 3, 0.305}, {5, 4, 4, 0.320}};
    struct exp_table t;
    exp_table_init(&t, 2, 4, 4);
    for (int r = 0; r < 4; r++) {
        double *va = exp_table_at(&t, 0, r), *vb = exp_table_at(&t, 1, r);
        memcpy(va, a[r], sizeof a[r]);
        vb[0] = 6;
        vb[1] = a[r][1] + 0.5;
        vb[2] = a[r][2];
        vb[3] = a[r][3] * 1.0004;
    }
    static const enum exp_verdict want[] = {EXP_VERDICT_EXACT, EXP_VERDICT_CONSTANT,
                                            EXP_VERDICT_IDENTICAL,
                                            EXP_VERDICT_BELOW_RESOLUTION};
    static const int sig[] = {1, -1, 0, 0};
    for (int k = 0; k < 4; k++) {
        struct exp_diff df;
        exp_ci_diff(&t, m, k, 0, 1, 0.95, &df);
        CU_ASSERT_EQUAL(df.verdict, want[k]);
        CU_ASSERT_EQUAL(exp_verdict_significant(df.verdict), sig[k]);
    }
    /* What the t-interval alone says of the constant and the percentile differences. */
    double x[4], y[4];
    struct stats_ci ci;
    for (int k = 1; k <= 3; k += 2) {
        exp_table_column(&t, 0, k, x);
        exp_table_column(&t, 1, k, y);
        stats_paired_ci(x, y, 4, 0.95, &ci);
        CU_ASSERT(stats_ci_excludes_zero(&ci));
    }
    struct exp_compare_opts c = {.baseline = 0, .level = 0.95};
    char *text;
    CAPTURE(text, exp_compare_print(f, &d, m, &t, &c));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "   exact\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "   constant\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "   identical\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "   below resolution\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "below resolution: smaller than the histogram's "
                                        "resolution"));
    CU_ASSERT_PTR_NULL(strstr(text, "significant"));
    free(text);
    CU_ASSERT_EQUAL_FATAL(exp_compare_write_csv(out("verdicts.csv"), &d, m, &t, &c), 0);
    char *csv = unit_slurp(out("verdicts.csv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\ncost_usd,USD,difference,b,a,4,1,0,1,1,paired_t,1,"
                                       "exact,0,1,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, ",paired_t,,constant,,,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, ",paired_t,0,identical,1,0,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, ",paired_t,0,below_resolution,"));
    free(csv);
    exp_table_fini(&t);
    metrics_free(m, 4);
    exp_design_fini(&d);
}

/* ---- baseline, every pair, Holm-Bonferroni ---- */

/* Four variants against the baseline b (point 1): a and c are far off (p tiny), d and e
 * are off with p about 0.033 and 0.038: each significant alone, neither after Holm (the
 * third smallest p must be below 0.05 / 2). */
static void differences_from_a_named_baseline_and_every_pair_with_holm(void)
{
    struct exp_design d;
    design_of(&d, "x=a,b,c,d,e");
    struct exp_metric *m = metrics_of((const char *const[]){"latency_mean_s"}, 1);
    m[0].shown = true;
    static const double base[5] = {10, 12, 11, 13, 9};
    static const double off[3][5] = {{1.0, 1.1, 0.9, 1.05, 0.95},
                                     {0.1, 0.35, 0.2, 0.02, 0.25},
                                     {0.1, 0.36, 0.2, 0.01, 0.25}};
    struct exp_table t;
    exp_table_init(&t, 5, 5, 1);
    for (int r = 0; r < 5; r++) {
        exp_table_at(&t, 0, r)[0] = base[r] * 1.5;
        exp_table_at(&t, 1, r)[0] = base[r];
        for (int j = 0; j < 3; j++)
            exp_table_at(&t, 2 + j, r)[0] = base[r] + off[j][r];
    }
    struct exp_compare_opts c = {.baseline = 1, .pairs = true, .level = 0.95};
    CU_ASSERT_EQUAL_FATAL(exp_compare_write_csv(out("pairs.csv"), &d, m, &t, &c), 0);
    char *csv = unit_slurp(out("pairs.csv"));
    int diffs = 0, pairs = 0;
    for (char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        diffs += !strncmp(line + 1, "latency_mean_s,s,difference,", 28);
        pairs += !strncmp(line + 1, "latency_mean_s,s,pair,", 22);
    }
    CU_ASSERT_EQUAL(diffs, 4);
    CU_ASSERT_EQUAL(pairs, 10);
    /* variant,baseline ... significant,verdict,p_value,holm_significant */
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nlatency_mean_s,s,difference,c,b,"));
    CU_ASSERT_PTR_NULL(strstr(csv, "difference,b,b,"));
    char *dl = strstr(csv, "\nlatency_mean_s,s,difference,d,b,");
    char *el = strstr(csv, "\nlatency_mean_s,s,difference,e,b,");
    char *cl = strstr(csv, "\nlatency_mean_s,s,difference,c,b,");
    CU_ASSERT_FATAL(dl && el && cl);
    double pd, pe;
    int hd, he, hc;
    CU_ASSERT_EQUAL(sscanf(strstr(dl, ",significant,") + 13, "%lf,%d", &pd, &hd), 2);
    CU_ASSERT_EQUAL(sscanf(strstr(el, ",significant,") + 13, "%lf,%d", &pe, &he), 2);
    CU_ASSERT_EQUAL(sscanf(strstr(cl, ",significant,") + 13, "%*f,%d", &hc), 1);
    CU_ASSERT(pd > 0.025 && pd < 0.05 && pe > 0.025 && pe < 0.05);
    CU_ASSERT(hc == 1 && hd == 0 && he == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nlatency_mean_s,s,difference,a,b,5,5.5,"));
    free(csv);
    char *text;
    CAPTURE(text, exp_compare_print(f, &d, m, &t, &c));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "difference from 2 b, paired per replication"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "significant (Holm: not kept)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Holm-Bonferroni over the 4 differences from the "
                                        "baseline: 2 of the 4 significant ones stay"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "Holm-Bonferroni over the 10 pairs:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "      5 - 4 "));
    free(text);
    exp_table_fini(&t);
    metrics_free(m, 1);
    exp_design_fini(&d);
}

/* ---- the sweep's front ---- */

/* Three points whose cost is the same in every replication: the default front (cost
 * against latency) has no trade-off and is not drawn; asked for (--objectives), it is;
 * a cost that differs at one point brings the default front back. */
static void no_cost_front_when_the_cost_does_not_vary(void)
{
    struct exp_design d;
    design_of(&d, "x=a,b,c");
    struct exp_metric *m = metrics_of((const char *const[]){"cost", "p99"}, 2);
    m[0].shown = m[1].shown = true;
    CU_ASSERT_STRING_EQUAL(m[0].label, "cost_usd");
    CU_ASSERT_STRING_EQUAL(m[1].label, "latency_p99_s");
    struct exp_table t;
    exp_table_init(&t, 3, 2, 2);
    for (int p = 0; p < 3; p++)
        for (int r = 0; r < 2; r++) {
            exp_table_at(&t, p, r)[0] = 1.0 + 0.1 * r;
            exp_table_at(&t, p, r)[1] = 0.2 + 0.01 * p + 0.001 * r;
        }
    struct exp_sweep_marks marks;
    exp_sweep_marks_init(&marks, &t, m, 0, 1, true, 0, NULL, 0);
    CU_ASSERT(marks.fx < 0 && !marks.cost_varies);
    CU_ASSERT(!marks.pareto[0] && !marks.pareto[1] && !marks.pareto[2]);
    char *text;
    CAPTURE(text, exp_sweep_print(f, &d, m, &t, 0.95, &marks));
    CU_ASSERT_PTR_NULL(strstr(text, "front  "));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "no front: cost_usd is the same at every point"));
    free(text);
    CU_ASSERT_EQUAL_FATAL(exp_sweep_write_csv(out("nofront.csv"), &d, m, &t, 0.95, &marks), 0);
    char *csv = unit_slurp(out("nofront.csv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n0,a,cost_usd,USD,2,1.05,0.07071067812,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, ",t_nonneg,,,\n")); /* front, pareto, meets_slo */
    free(csv);
    exp_sweep_marks_fini(&marks);
    exp_sweep_marks_init(&marks, &t, m, 0, 1, false, 0, NULL, 0); /* --objectives */
    CU_ASSERT(marks.fx == 0 && marks.pareto[0] && !marks.pareto[1]);
    exp_sweep_marks_fini(&marks);
    exp_table_at(&t, 2, 1)[0] = 0.9;
    exp_sweep_marks_init(&marks, &t, m, 0, 1, true, 0, NULL, 0);
    CU_ASSERT(marks.fx == 0 && marks.cost_varies && marks.pareto[2]);
    exp_sweep_marks_fini(&marks);
    exp_table_fini(&t);
    metrics_free(m, 2);
    exp_design_fini(&d);
}

/* ---- tables: each metric once, within 100 columns ---- */

/* Every line of text at most EXP_FORMAT_WIDTH columns (ASCII). */
static bool fits(const char *text)
{
    for (const char *l = text; *l;) {
        size_t n = strcspn(l, "\n");
        if (n > EXP_FORMAT_WIDTH) {
            fprintf(stderr, "\n  %zu columns: %.*s", n, (int)n, l);
            return false;
        }
        l += n + (l[n] == '\n');
    }
    return true;
}

static void tables_fit_100_columns(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "target_groups.app.algorithm=round_robin,"
                                             "least_outstanding_requests,weighted_round_robin"),
                          0);
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "target_groups.app.targets.0.count=4,12"), 0);
    static const char *const names[] = {"mean", "p50", "p99", "p999", "error_ratio", "cost",
                                        "throughput"};
    struct exp_metric *m = metrics_of(names, 7);
    struct exp_table t;
    exp_table_init(&t, 6, 3, 7);
    for (int p = 0; p < 6; p++)
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 7; k++) {
                m[k].shown = true;
                exp_table_at(&t, p, r)[k] = (k == 4 ? 0.001 : 0.123456) * (1 + p + 0.1 * r);
            }
    struct exp_sweep_marks marks;
    exp_sweep_marks_init(&marks, &t, m, 5, 2, true, 5, NULL, 0);
    char *text;
    CAPTURE(text, exp_sweep_print(f, &d, m, &t, 0.95, &marks));
    CU_ASSERT(fits(text));
    for (int k = 0; k < 7; k++) { /* each metric heads one column */
        char head[128];
        snprintf(head, sizeof head, "  %s (", m[k].label);
        int n = 0;
        for (const char *l = text; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
            if (!strncmp(l, "point", 5)) {
                const char *h = strstr(l, head), *e = strchr(l, '\n');
                n += h && (!e || h < e);
            }
        CU_ASSERT_EQUAL(n, 1);
    }
    /* The varied values are headed by the shortest tail of their path. */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "point  algorithm  "));
    free(text);
    struct exp_compare_opts c = {.baseline = 0, .pairs = true, .level = 0.95};
    CAPTURE(text, exp_compare_print(f, &d, m, &t, &c));
    CU_ASSERT(fits(text));
    free(text);
    exp_sweep_marks_fini(&marks);
    exp_table_fini(&t);
    metrics_free(m, 7);
    exp_design_fini(&d);
}

/* ---- the plan, with a stand-in for the simulation ---- */

/* The stand-in's scenario seed of point p (as if --vary set it per point). */
#define FAKE_SEED(p) (1000 + (uint64_t)(p))

/* A stand-in run: values from (point, rep, seed, warm-up) alone, and with series a
 * timeseries.csv whose mean latency starts high for 10 * (point + rep + 1) intervals. */
struct fake {
    int fail_point, fail_rep; /* the job that fails (-1: none) */
    bool series;
};

static int fake_run(void *ctx, const struct exp_job *job, double *values)
{
    const struct fake *f = ctx;
    if (job->point == f->fail_point && job->rep == f->fail_rep)
        return -1;
    values[0] = (double)(exp_job_seed(job, FAKE_SEED(job->point)) % 1000003);
    values[1] = job->point * 10 + job->rep;
    values[2] = job->warmup_s;
    if (!f->series)
        return 0;
    mkdir(job->dir, 0777);
    char *path = text_join_path(job->dir, "timeseries.csv");
    FILE *out = fopen(path, "w");
    free(path);
    if (!out)
        return -1;
    fprintf(out, "time_s,scope,name,metric,value\n");
    int transient = 10 * (job->point + job->rep + 1);
    for (int i = 0; i < 200; i++) {
        fprintf(out, "%d,workload,w,latency_mean_s,%.6f\n", i + 1,
                (i < transient ? 5.0 : 1.0) + 0.01 * sin(i * 1.7));
        fprintf(out, "%d,run,run,throughput_rps,99\n", i + 1);
    }
    fclose(out);
    return 0;
}

static const struct exp_job_ops fake_ops = {.run = fake_run};

/* Entries in a folder (without . and ..), -1 if it cannot be read. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}


/* A plan of 3 points x 3 replications, 3 values per run, into a new folder `name` (its
 * out_dir is out()'s buffer: valid until the next call of out()). */
static struct exp_plan fake_plan(const struct exp_design *d, const char *name, int jobs)
{
    mkdir(out(name), 0777);
    return (struct exp_plan){.design = d, .reps = 3, .nmetrics = 3, .jobs = jobs, .rank = 0,
                             .nranks = 1, .out_dir = out(name)};
}

static void plan_puts_each_result_in_its_place_whatever_the_workers(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "a=x,y,z"), 0);
    struct fake f = {-1, -1, false};
    struct exp_table t[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "plan-j%d", i + 1);
        struct exp_plan plan = fake_plan(&d, name, i + 1);
        CU_ASSERT_EQUAL_FATAL(exp_plan_run(&plan, &fake_ops, &f, &t[i]), 0);
        CU_ASSERT_EQUAL(count_entries(out(name)), 0); /* the scratch folder is gone */
    }
    for (int p = 0; p < 3; p++)
        for (int r = 0; r < 3; r++) {
            const double *v = exp_table_at(&t[0], p, r);
            CU_ASSERT_EQUAL(v[0], (double)(exp_rep_seed(FAKE_SEED(p), r) % 1000003));
            CU_ASSERT_EQUAL(v[1], p * 10 + r);
            CU_ASSERT(isnan(v[2])); /* the scenario's warm-up */
            CU_ASSERT(isnan(t[0].warmup_s[p * 3 + r]));
        }
    for (int i = 1; i < 3; i++)
        CU_ASSERT(memcmp(t[0].v, t[i].v, 27 * sizeof *t[0].v) == 0);
    for (int i = 0; i < 3; i++)
        exp_table_fini(&t[i]);
    exp_design_fini(&d);
}

/* Rounds of a window (2, 4, 9 and more than the 9 jobs; workers 1 and 2) give the table
 * of one go: each round's results go to a file, which the table then maps. */
static void plan_in_windows_gives_the_table_of_one_go(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "a=x,y,z"), 0);
    struct fake f = {-1, -1, false};
    struct exp_table whole;
    struct exp_plan plan = fake_plan(&d, "plan-whole", 1);
    CU_ASSERT_EQUAL_FATAL(exp_plan_run(&plan, &fake_ops, &f, &whole), 0);
    CU_ASSERT_EQUAL(whole.v_map_bytes, 0);
    static const int windows[] = {2, 4, 9, 50};
    for (int i = 0; i < 8; i++) {
        char name[32];
        snprintf(name, sizeof name, "plan-window%d-j%d", windows[i / 2], i % 2 + 1);
        plan = fake_plan(&d, name, i % 2 + 1);
        plan.window = windows[i / 2];
        struct exp_table t;
        CU_ASSERT_EQUAL_FATAL(exp_plan_run(&plan, &fake_ops, &f, &t), 0);
        CU_ASSERT_EQUAL(t.v_map_bytes, 27 * sizeof *t.v);
        CU_ASSERT(memcmp(whole.v, t.v, 27 * sizeof *t.v) == 0);
        CU_ASSERT_EQUAL(count_entries(out(name)), 0); /* the file and scratch are gone */
        exp_table_fini(&t);
        CU_ASSERT_PTR_NULL(t.v);
    }
    exp_table_fini(&whole);
    exp_design_fini(&d);
}

static void plan_seed_gives_every_point_the_same_replication_seeds(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "a=x,y,z"), 0);
    struct fake f = {-1, -1, false};
    struct exp_plan plan = fake_plan(&d, "plan-seed", 2);
    plan.have_seed = true;
    plan.seed = 5;
    struct exp_table t;
    CU_ASSERT_EQUAL_FATAL(exp_plan_run(&plan, &fake_ops, &f, &t), 0);
    for (int p = 0; p < 3; p++)
        for (int r = 0; r < 3; r++)
            CU_ASSERT_EQUAL(exp_table_at(&t, p, r)[0], (double)(exp_rep_seed(5, r) % 1000003));
    exp_table_fini(&t);
    exp_design_fini(&d);
}

static void mser5_pilot_gives_each_run_its_warmup_or_the_latest_per_replication(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "a=x,y,z"), 0);
    struct fake f = {-1, -1, true};
    struct exp_table own, shared;
    struct exp_plan plan = fake_plan(&d, "plan-mser-own", 2);
    plan.mser5 = true;
    CU_ASSERT_EQUAL_FATAL(exp_plan_run(&plan, &fake_ops, &f, &own), 0);
    CU_ASSERT_EQUAL(count_entries(out("plan-mser-own")), 0);
    plan = fake_plan(&d, "plan-mser-shared", 1);
    plan.mser5 = true;
    plan.warmup_per_rep = true;
    CU_ASSERT_EQUAL_FATAL(exp_plan_run(&plan, &fake_ops, &f, &shared), 0);
    for (int r = 0; r < 3; r++) {
        double latest = 0;
        for (int p = 0; p < 3; p++) {
            /* The transient lasts 10 * (p + r + 1) one-second intervals. */
            double w = own.warmup_s[p * 3 + r], transient = 10.0 * (p + r + 1);
            CU_ASSERT(w >= transient && w <= transient + 10);
            CU_ASSERT_EQUAL(exp_table_at(&own, p, r)[2], w); /* the main pass used it */
            latest = w > latest ? w : latest;
        }
        for (int p = 0; p < 3; p++) {
            CU_ASSERT_EQUAL(shared.warmup_s[p * 3 + r], latest);
            CU_ASSERT_EQUAL(exp_table_at(&shared, p, r)[2], latest);
        }
    }
    CU_ASSERT_EQUAL(exp_warmup_mser5(out("no-such-run")), 0);
    exp_table_fini(&own);
    exp_table_fini(&shared);
    exp_design_fini(&d);
}

static void kept_runs_stay_as_p_point_r_rep(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "a=x,y,z"), 0);
    struct fake f = {-1, -1, true};
    struct exp_plan plan = fake_plan(&d, "plan-keep", 2);
    plan.mser5 = true; /* the pilot's runs are not kept */
    plan.keep_runs = true;
    struct exp_table t;
    CU_ASSERT_EQUAL_FATAL(exp_plan_run(&plan, &fake_ops, &f, &t), 0);
    CU_ASSERT_EQUAL(count_entries(out("plan-keep")), 1);
    CU_ASSERT_EQUAL(count_entries(out("plan-keep/runs")), 9);
    CU_ASSERT_EQUAL(access(out("plan-keep/runs/p2-r1/timeseries.csv"), F_OK), 0);
    exp_table_fini(&t);
    exp_design_fini(&d);
}

/* Run the plan with stderr in a file; returns its status and what was written. */
static int plan_run_stderr(const struct exp_plan *plan, struct fake *f, char **err)
{
    char path[128]; /* not out(): plan->out_dir is its buffer */
    snprintf(path, sizeof path, "%s/stderr.txt", outdir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    struct exp_table t;
    int rc = exp_plan_run(plan, &fake_ops, f, &t);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    exp_table_fini(&t);
    *err = unit_slurp(path);
    unlink(path);
    return rc;
}

static void a_failing_job_stops_the_plan_and_is_named(void)
{
    struct exp_design d = {0};
    CU_ASSERT_EQUAL_FATAL(exp_design_add(&d, "a=x,y,z"), 0);
    struct fake f = {1, 0, false};
    char *err;
    struct exp_plan plan = fake_plan(&d, "plan-fail-j2", 2);
    CU_ASSERT_EQUAL(plan_run_stderr(&plan, &f, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "elbsim: error: replication 0 of point 1 (y) failed: "
                                       "exit status 1"));
    free(err);
    /* In this process the job itself reports (the stand-in says nothing). */
    plan = fake_plan(&d, "plan-fail-j1", 1);
    CU_ASSERT_EQUAL(plan_run_stderr(&plan, &f, &err), -1);
    CU_ASSERT_STRING_EQUAL(err, "");
    free(err);
    CU_ASSERT_EQUAL(count_entries(out("plan-fail-j1")), 0);
    exp_design_fini(&d);
}

/* ---- runs ---- */

/* Parse, check and run an experiment given as a command line; fills t. */
static int experiment(const char *const *args, int n, struct exp_opts *o, struct exp_table *t)
{
    char **argv = xcalloc((size_t)n + 1, sizeof *argv);
    for (int i = 0; i < n; i++)
        argv[i] = (char *)args[i];
    exp_mpi_begin(&o->rank, &o->nranks);
    enum exp_kind kind = !strcmp(args[0], "compare") ? EXP_COMPARE : EXP_SWEEP;
    int rc = exp_runner_parse(n, argv, kind, "usage\n", o);
    if (rc == 0)
        rc = exp_runner_prepare(o);
    if (rc == 0)
        rc = exp_runner_run(o, t);
    free(argv);
    return rc;
}


static void variant_compared_with_itself_differs_by_zero(void)
{
    const char *args[] = {"compare", "scenarios/examples/heterogeneous_lor.yaml",
                          "--vary", "target_groups.app.algorithm=round_robin,round_robin",
                          "--set", "duration=3m", "--set", "warmup=30s", "--reps", "3",
                          "-j", "2", "-q", "-o", out("self")};
    struct exp_opts o;
    struct exp_table t;
    CU_ASSERT_EQUAL_FATAL(experiment(args, 15, &o, &t), 0);
    double a[3], b[3];
    for (int k = 0; k < o.nmetrics; k++) {
        for (int r = 0; r < 3; r++) {
            a[r] = exp_table_at(&t, 0, r)[k];
            b[r] = exp_table_at(&t, 1, r)[k];
        }
        CU_ASSERT(memcmp(a, b, sizeof a) == 0); /* identical runs */
        struct exp_diff d;
        exp_ci_diff(&t, o.metrics, k, 0, 1, 0.95, &d);
        CU_ASSERT_EQUAL(d.paired.mean, 0);
        CU_ASSERT(d.paired.lo <= 0 && d.paired.hi >= 0);
        CU_ASSERT_EQUAL(d.verdict, EXP_VERDICT_IDENTICAL);
    }
    /* Replications differ from each other (their own seeds). */
    CU_ASSERT(exp_table_at(&t, 0, 0)[0] != exp_table_at(&t, 0, 1)[0]);
    exp_table_fini(&t);
    exp_runner_fini(&o);
}

static void lor_beats_rr_p99_significantly_with_5_reps(void)
{
    const char *args[] = {"compare", "scenarios/examples/heterogeneous_lor.yaml",
                          "--vary",
                          "target_groups.app.algorithm=round_robin,least_outstanding_requests",
                          "--set", "duration=5m", "--set", "warmup=1m", "--reps", "5",
                          "--metric", "latency_p99_s", "-q", "-o", out("rr_lor")};
    struct exp_opts o;
    struct exp_table t;
    CU_ASSERT_EQUAL_FATAL(experiment(args, 15, &o, &t), 0);
    double a[5], b[5];
    for (int r = 0; r < 5; r++) {
        a[r] = exp_table_at(&t, 0, r)[0];
        b[r] = exp_table_at(&t, 1, r)[0];
    }
    struct stats_ci ci;
    stats_paired_ci(a, b, 5, 0.95, &ci);
    CU_ASSERT(ci.hi < 0); /* LOR lower, significantly */
    exp_table_fini(&t);
    exp_runner_fini(&o);
}

/* The range of coverage counts out of n that an interval of nominal level gives with
 * probability 0.998: the binomial's 0.1 % tails cut off on each side. */
static void binomial_band(int n, double level, int *lo, int *hi)
{
    *lo = 0;
    *hi = n;
    while (gsl_cdf_binomial_P((unsigned)*lo, level, (unsigned)n) < 0.001)
        (*lo)++;
    while (gsl_cdf_binomial_Q((unsigned)(*hi - 1), level, (unsigned)n) < 0.001)
        (*hi)--;
}

/* Check and print one coverage count: accepted from the lower 0.1 % tail of a coverage
 * p_lo to the upper 0.1 % tail of p_hi (the same p for an interval whose coverage is its
 * nominal level). */
static void coverage_between(const char *what, int covered, int n, double p_lo, double p_hi)
{
    int lo, hi, ignored;
    binomial_band(n, p_lo, &lo, &ignored);
    binomial_band(n, p_hi, &ignored, &hi);
    printf("\n    %s: %d of %d (accepted %d..%d) ", what, covered, n, lo, hi);
    CU_ASSERT(covered >= lo && covered <= hi);
}

static void coverage_within_band(const char *what, int covered, int n, double level)
{
    coverage_between(what, covered, n, level, level);
}

/* Does the interval hold x? */
static bool holds(const struct stats_ci *ci, double x)
{
    return ci->lo <= x && x <= ci->hi;
}

/* M/M/1 with mu = 1000/s at lambda = 500/s and 600/s, the two on common random numbers
 * (the rate set inside `poisson(rate=...)` by --vary): W = 1 / (mu - lambda) is 2 ms and
 * 2.5 ms, the server busy rho = 0.5.  100 experiments (the seed varied), each 3
 * replications of 10 s per rate; the 90 % intervals should cover in about 90 of them:
 *   latency_mean_s at 500/s, W = 2 ms           t cut at 0 (t_nonneg)
 *   utilization of the server at 500/s, 0.5      t cut to [0, 1] (t_fraction)
 *   paired difference 600/s - 500/s, 0.5 ms      t (paired) */
static void mm1_intervals_cover_closed_forms(void)
{
    if (getenv("ELBSIM_QUICK")) /* make valgrind: 600 runs would take many minutes */
        return;
    const char *args[] = {"sweep", "scenarios/validation/mm1.yaml", "--vary", "seed=1..100",
                          "--vary", "workloads.w.arrivals.rate=500/s,600/s", "--set",
                          "duration=10s", "--set", "warmup=1s", "--set", "output.interval=10s",
                          "--reps", "3", "--metric", "latency_mean_s,target.tg/0.utilization",
                          "--confidence", "0.9", "-q", "-o", out("mm1")};
    struct exp_opts o;
    struct exp_table t;
    CU_ASSERT_EQUAL_FATAL(experiment(args, 21, &o, &t), 0);
    CU_ASSERT_EQUAL_FATAL(t.npoints, 200);
    int w = 0, u = 0, dw = 0, n = t.npoints / 2;
    for (int s = 0; s < n; s++) {
        struct stats_ci ci;
        struct exp_diff d;
        exp_ci_mean(&t, o.metrics, 0, 2 * s, 0.9, &ci);
        w += holds(&ci, 1.0 / (1000 - 500));
        exp_ci_mean(&t, o.metrics, 1, 2 * s, 0.9, &ci);
        u += holds(&ci, 0.5);
        exp_ci_diff(&t, o.metrics, 0, 2 * s, 2 * s + 1, 0.9, &d);
        dw += holds(&d.paired, 1.0 / (1000 - 600) - 1.0 / (1000 - 500));
    }
    CU_ASSERT_EQUAL(exp_ci_kind_of(o.metrics, 0), EXP_CI_T_NONNEG);
    CU_ASSERT_EQUAL(exp_ci_kind_of(o.metrics, 1), EXP_CI_T_FRACTION);
    coverage_within_band("M/M/1 90 % t_nonneg intervals covering W = 2 ms", w, n, 0.9);
    coverage_within_band("M/M/1 90 % t_fraction intervals covering rho = 0.5", u, n, 0.9);
    coverage_within_band("M/M/1 90 % paired t intervals covering W(600/s) - W(500/s)", dw, n,
                         0.9);
    exp_table_fini(&t);
    exp_runner_fini(&o);
}

/* M/M/1/K with K = 9 (queue_limit) at rho = 0.5: a request is turned away (503) with
 * probability P_K = (1 - rho) rho^K / (1 - rho^(K+1)) = 0.098 %, so about 4.4 of the
 * 4500 requests of a 9 s measurement fail, in bursts: a skewed count, often 0 in a run.
 * 200 experiments of 3 replications.  For so skewed a count neither interval is exact:
 * over 1000 experiments (seeds 1..1000) the 90 % Wilson interval covered in 93.4 % and the
 * cut t in 86.6 % (standard errors 0.8 and 1.1 %), so each is held to a band around what
 * it gives, [90 %, 96 %] and [82 %, 90 %], not to 90 % exactly (which the suite's 200
 * seeds met only by luck, at the band's edge, and any change of draws could break):
 *   error_ratio, P_K                      Wilson, effective sample size (wilson)
 *   failed, lambda (10 s - 1 s) P_K        t cut at 0 (t_nonneg), cut in many experiments */
static void mm1k_intervals_cover_closed_forms(void)
{
    if (getenv("ELBSIM_QUICK"))
        return;
    const char *args[] = {"sweep", "scenarios/validation/mm1k.yaml", "--vary", "seed=1..200",
                          "--set", "workloads.w.arrivals.rate=500/s", "--set",
                          "target_groups.tg.targets.0.queue_limit=9", "--set", "duration=10s",
                          "--set", "warmup=1s", "--set", "output.interval=10s", "--reps", "3",
                          "--metric", "error_ratio,failed", "--confidence", "0.9", "-q", "-o",
                          out("mm1k")};
    struct exp_opts o;
    struct exp_table t;
    CU_ASSERT_EQUAL_FATAL(experiment(args, 23, &o, &t), 0);
    double rho = 0.5, pk = (1 - rho) * pow(rho, 9) / (1 - pow(rho, 10));
    int e = 0, f = 0, cut = 0, n = t.npoints;
    for (int p = 0; p < n; p++) {
        struct stats_ci ci;
        exp_ci_mean(&t, o.metrics, 0, p, 0.9, &ci);
        e += holds(&ci, pk);
        exp_ci_mean(&t, o.metrics, 1, p, 0.9, &ci);
        f += holds(&ci, 500 * 9 * pk);
        cut += ci.lo == 0 && ci.mean > 0;
    }
    CU_ASSERT_EQUAL(exp_ci_kind_of(o.metrics, 0), EXP_CI_WILSON);
    CU_ASSERT_EQUAL(exp_ci_kind_of(o.metrics, 1), EXP_CI_T_NONNEG);
    coverage_between("M/M/1/9 90 % wilson intervals covering P_K", e, n, 0.9, 0.96);
    coverage_between("M/M/1/9 90 % t_nonneg intervals covering E[failed] = 4.4", f, n, 0.82,
                     0.9);
    printf("(cut at 0 in %d) ", cut);
    CU_ASSERT(cut > n / 10);
    exp_table_fini(&t);
    exp_runner_fini(&o);
}

/* Parse and check a command line without running it; returns prepare's status. */
static int prepared(const char *const *args, int n, struct exp_opts *o)
{
    char **argv = xcalloc((size_t)n + 1, sizeof *argv);
    for (int i = 0; i < n; i++)
        argv[i] = (char *)args[i];
    exp_mpi_begin(&o->rank, &o->nranks);
    enum exp_kind kind = !strcmp(args[0], "compare") ? EXP_COMPARE : EXP_SWEEP;
    int rc = exp_runner_parse(n, argv, kind, "usage\n", o);
    if (rc == 0)
        rc = exp_runner_prepare(o);
    free(argv);
    return rc;
}

/* The metric labelled label, or -1. */
static int metric_index(const struct exp_opts *o, const char *label)
{
    for (int k = 0; k < o->nmetrics; k++)
        if (!strcmp(o->metrics[k].label, label))
            return k;
    return -1;
}

static void baseline_is_named_by_its_label(void)
{
    const char *args[] = {"compare", "scenarios/examples/heterogeneous_lor.yaml", "--vary",
                          ("target_groups.app.algorithm=round_robin,least_outstanding_requests,"
                           "power_of_d(d=3)"), "--baseline", "power_of_d(d=3)", "--pairs"};
    struct exp_opts o;
    CU_ASSERT_EQUAL(prepared(args, 7, &o), 0);
    CU_ASSERT_EQUAL(o.baseline, 2);
    CU_ASSERT(o.pairs);
    exp_runner_fini(&o);
    args[5] = "lor";
    struct unit_diag_capture c;
    unit_diag_capture_start(&c);
    CU_ASSERT_EQUAL(prepared(args, 7, &o), 2);
    char *msg = unit_diag_capture_end(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "--baseline 'lor': no variant is called that; the "
                                       "variants are 'round_robin', "
                                       "'least_outstanding_requests', 'power_of_d(d=3)'"));
    free(msg);
    exp_runner_fini(&o);
}

/* --objectives takes two metrics, short names allowed; --front is the same option. */
static void objectives_choose_the_front(void)
{
    const char *opt[] = {"--objectives", "--front"};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {"sweep", "scenarios/examples/sweep_capacity.yaml", "--vary",
                              "target_groups.web.algorithm=round_robin,random", opt[i],
                              "p99,cost"};
        struct exp_opts o;
        CU_ASSERT_EQUAL_FATAL(prepared(args, 6, &o), 0);
        CU_ASSERT_STRING_EQUAL(o.metrics[o.front_x].label, "latency_p99_s");
        CU_ASSERT_STRING_EQUAL(o.metrics[o.front_y].label, "cost_usd");
        CU_ASSERT_PTR_NOT_NULL(o.objectives);
        exp_runner_fini(&o);
    }
    const char *bad[] = {"sweep", "scenarios/examples/sweep_capacity.yaml", "--vary",
                         "target_groups.web.algorithm=round_robin,random", "--objectives",
                         "p99,latency_p99_s"};
    struct exp_opts o;
    struct unit_diag_capture c;
    unit_diag_capture_start(&c);
    CU_ASSERT_EQUAL(prepared(bad, 6, &o), 2);
    char *msg = unit_diag_capture_end(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "the two metrics are the same"));
    free(msg);
    exp_runner_fini(&o);
}

/* sweep_capacity states the SLO run.latency_p99_s < 0.25.  Without --metric the table
 * shows p99 (once: the default, the front's y and the SLO's), error_ratio and cost;
 * latency_mean_s goes to the CSV, error_ratio's counts nowhere.  With --metric in three
 * spellings of p99, the table shows that one column. */
static void each_metric_is_collected_once_and_the_table_shows_what_was_asked(void)
{
    const char *args[] = {"sweep", "scenarios/examples/sweep_capacity.yaml", "--vary",
                          "target_groups.web.targets.0.count=4,6", "--metric",
                          "p99,run.latency_p99_s", "--metric", "latency_p99_s"};
    struct exp_opts o;
    CU_ASSERT_EQUAL_FATAL(prepared(args, 4, &o), 0);
    for (int k = 0; k < o.nmetrics; k++)
        for (int j = 0; j < k; j++)
            CU_ASSERT_STRING_NOT_EQUAL(o.metrics[k].label, o.metrics[j].label);
    int p99 = metric_index(&o, "latency_p99_s"), er = metric_index(&o, "error_ratio");
    CU_ASSERT_FATAL(p99 >= 0 && er >= 0 && metric_index(&o, "cost_usd") >= 0 &&
                    metric_index(&o, "latency_mean_s") >= 0);
    CU_ASSERT(o.metrics[p99].shown && o.front_y == p99);
    CU_ASSERT_EQUAL(o.nslos, 1);
    CU_ASSERT_EQUAL(o.slos[0].metric, p99);
    CU_ASSERT(o.metrics[er].shown);
    CU_ASSERT(o.metrics[metric_index(&o, "cost_usd")].shown);
    CU_ASSERT(!o.metrics[metric_index(&o, "latency_mean_s")].shown);
    int failed = metric_index(&o, "failed"), requests = metric_index(&o, "requests");
    CU_ASSERT(failed >= 0 && o.metrics[failed].helper && !o.metrics[failed].shown);
    CU_ASSERT(o.metrics[er].num == failed && o.metrics[er].den == requests);
    exp_runner_fini(&o);
    CU_ASSERT_EQUAL_FATAL(prepared(args, 8, &o), 0);
    int shown = 0;
    for (int k = 0; k < o.nmetrics; k++)
        shown += o.metrics[k].shown;
    CU_ASSERT_EQUAL(shown, 1);
    CU_ASSERT(o.metrics[metric_index(&o, "latency_p99_s")].shown);
    CU_ASSERT(metric_index(&o, "cost_usd") >= 0); /* collected for the front: CSV only */
    exp_runner_fini(&o);
}

static void worker_processes_give_the_same_table(void)
{
    struct exp_table t[2];
    const char *jobs[] = {"1", "2"};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {"sweep", "scenarios/examples/heterogeneous_lor.yaml", "--vary",
                              "target_groups.app.algorithm=round_robin,power_of_d", "--vary",
                              "target_groups.app.targets.1.count=2..4:2", "--set", "duration=2m",
                              "--set", "warmup=20s", "--reps", "2", "-j", jobs[i], "-q", "-o",
                              out("j")};
        struct exp_opts o;
        CU_ASSERT_EQUAL_FATAL(experiment(args, 17, &o, &t[i]), 0);
        exp_runner_fini(&o);
    }
    size_t n = (size_t)t[0].npoints * (size_t)t[0].reps * (size_t)t[0].nmetrics;
    CU_ASSERT_EQUAL(t[0].npoints, 4);
    CU_ASSERT(memcmp(t[0].v, t[1].v, n * sizeof *t[0].v) == 0);
    exp_table_fini(&t[0]);
    exp_table_fini(&t[1]);
}

/* prepare fails with exit 2 and a message containing want. */
static void run_rejects(const char *vary, const char *extra, const char *want)
{
    const char *args[] = {"compare", "scenarios/examples/heterogeneous_lor.yaml", "--vary",
                          vary, extra ? extra : "-q", "-q", "-o", out("bad")};
    struct exp_opts o;
    struct exp_table t = {0};
    struct unit_diag_capture c;
    unit_diag_capture_start(&c);
    int rc = experiment(args, 8, &o, &t);
    char *msg = unit_diag_capture_end(&c);
    CU_ASSERT_EQUAL(rc, 2);
    if (!strstr(msg, want))
        fprintf(stderr, "\n  --vary '%s': wanted '%s' in: %s", vary, want, msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
    CU_ASSERT(access(out("bad"), F_OK) != 0); /* nothing written */
    free(msg);
    exp_runner_fini(&o);
}

static void bad_values_are_reported_with_their_vary_argument(void)
{
    run_rejects("target_groups.app.algoritm=round_robin,random", NULL,
                "unknown key 'algoritm'");
    run_rejects("target_groups.nope.algorithm=round_robin,random", NULL,
                "no item named 'nope'");
    run_rejects("target_groups.app.algorithm=round_robin,nonsense", NULL,
                "--vary 'target_groups.app.algorithm=round_robin,nonsense': value 'nonsense' "
                "does not fit target_groups.app.algorithm");
    /* Wrong type: the column points into the --vary argument. */
    run_rejects("target_groups.app.targets.0.count=2,x", NULL, "--vary:1:37:");
    run_rejects("target_groups.app.targets.0.count=2,x", NULL, "whole number");
    run_rejects("target_groups.app.algorithm=round_robin", NULL, "needs two or more values");
    run_rejects("target_groups.app.algorithm=round_robin,random", "--metric=workload.nobody.x",
                "no workload named 'nobody'; workload names: clients");
}

/* With one workload and an SLO on its p99, the run's p99 holds the same numbers: without
 * --metric the table shows them once (the run's column, the SLO's marked as its twin);
 * with --metric, as asked. */
static void one_number_is_one_column(void)
{
    const char *args[] = {"sweep", "scenarios/examples/sweep_capacity.yaml", "--vary",
                          "target_groups.web.targets.0.count=6,7", "--set",
                          "slo=[workload.web.latency_p99_s < 0.25]", "--set", "duration=40s",
                          "--set", "warmup=10s", "--reps", "1", "-q", "-o", out("twins"),
                          "--metric", "p99,workload.web.p99"};
    for (int given = 0; given < 2; given++) {
        struct exp_opts o;
        struct exp_table t;
        CU_ASSERT_EQUAL_FATAL(experiment(args, given ? 17 : 15, &o, &t), 0);
        int run = metric_index(&o, "latency_p99_s"), wl = metric_index(&o, "workload.web."
                                                                            "latency_p99_s");
        CU_ASSERT_FATAL(run >= 0 && wl >= 0);
        CU_ASSERT(o.metrics[run].shown);
        CU_ASSERT(o.metrics[wl].shown == (given == 1));
        CU_ASSERT_EQUAL(o.metrics[wl].twin, given ? -1 : run);
        CU_ASSERT_EQUAL(o.front_y, wl);
        exp_table_fini(&t);
        exp_runner_fini(&o);
    }
}

static CU_TestInfo stats_tests[] = {
    {"mean_ci_matches_hand_computation", mean_ci_matches_hand_computation},
    {"identical_variants_give_zero_paired_difference",
     identical_variants_give_zero_paired_difference},
    {"paired_interval_is_narrower_when_runs_share_noise",
     paired_interval_is_narrower_when_runs_share_noise},
    {"mser5_cuts_the_initial_transient", mser5_cuts_the_initial_transient},
    {"pareto_front_keeps_undominated_points", pareto_front_keeps_undominated_points},
    {"vary_splits_values_outside_brackets", vary_splits_values_outside_brackets},
    {"vary_expands_ranges", vary_expands_ranges},
    {"vary_bad_input_names_the_path_and_what_was_expected",
     vary_bad_input_names_the_path_and_what_was_expected},
    {"sweep_marks_front_slos_and_the_cheapest_point",
     sweep_marks_front_slos_and_the_cheapest_point},
    {"every_metric_has_one_unit_from_its_name", every_metric_has_one_unit_from_its_name},
    {"bounded_metrics_never_get_impossible_bounds", bounded_metrics_never_get_impossible_bounds},
    {"wilson_interval_matches_hand_computation", wilson_interval_matches_hand_computation},
    {"cutting_a_t_interval_at_its_bound_keeps_its_coverage",
     cutting_a_t_interval_at_its_bound_keeps_its_coverage},
    {"holm_matches_hand_computation", holm_matches_hand_computation},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo output_tests[] = {
    {"a_column_keeps_the_unit_of_its_name", a_column_keeps_the_unit_of_its_name},
    {"zero_spread_differences_are_not_called_significant",
     zero_spread_differences_are_not_called_significant},
    {"differences_from_a_named_baseline_and_every_pair_with_holm",
     differences_from_a_named_baseline_and_every_pair_with_holm},
    {"no_cost_front_when_the_cost_does_not_vary", no_cost_front_when_the_cost_does_not_vary},
    {"tables_fit_100_columns", tables_fit_100_columns},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo plan_tests[] = {
    {"plan_puts_each_result_in_its_place_whatever_the_workers",
     plan_puts_each_result_in_its_place_whatever_the_workers},
    {"plan_in_windows_gives_the_table_of_one_go", plan_in_windows_gives_the_table_of_one_go},
    {"plan_seed_gives_every_point_the_same_replication_seeds",
     plan_seed_gives_every_point_the_same_replication_seeds},
    {"mser5_pilot_gives_each_run_its_warmup_or_the_latest_per_replication",
     mser5_pilot_gives_each_run_its_warmup_or_the_latest_per_replication},
    {"kept_runs_stay_as_p_point_r_rep", kept_runs_stay_as_p_point_r_rep},
    {"a_failing_job_stops_the_plan_and_is_named", a_failing_job_stops_the_plan_and_is_named},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo run_tests[] = {
    {"variant_compared_with_itself_differs_by_zero", variant_compared_with_itself_differs_by_zero},
    {"lor_beats_rr_p99_significantly_with_5_reps", lor_beats_rr_p99_significantly_with_5_reps},
    {"mm1_intervals_cover_closed_forms", mm1_intervals_cover_closed_forms},
    {"mm1k_intervals_cover_closed_forms", mm1k_intervals_cover_closed_forms},
    {"baseline_is_named_by_its_label", baseline_is_named_by_its_label},
    {"objectives_choose_the_front", objectives_choose_the_front},
    {"each_metric_is_collected_once_and_the_table_shows_what_was_asked",
     each_metric_is_collected_once_and_the_table_shows_what_was_asked},
    {"one_number_is_one_column", one_number_is_one_column},
    {"worker_processes_give_the_same_table", worker_processes_give_the_same_table},
    {"bad_values_are_reported_with_their_vary_argument",
     bad_values_are_reported_with_their_vary_argument},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_experiment_suites[] = {
    {"experiment_stats", NULL, NULL, NULL, NULL, stats_tests},
    {"experiment_outputs", suite_init, suite_fini, NULL, NULL, output_tests},
    {"experiment_plan", suite_init, suite_fini, NULL, NULL, plan_tests},
    {"experiment_runs", suite_init, suite_fini, NULL, NULL, run_tests},
    CU_SUITE_INFO_NULL,
};
