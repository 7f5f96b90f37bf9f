/*
 * Tests of the experiment layer: analysis/stats (intervals, MSER-5), analysis/pareto,
 * analysis/experiment (--vary parsing, points), analysis/exp_sweep (front, SLOs),
 * analysis/exp_plan with a stand-in for the simulation (results in place whatever -j,
 * seeds, MSER-5 passes, kept runs, a failing job), and sim/cli/exp_runner with real runs
 * (replications on common random numbers, in this process and in worker processes).
 *
 * The statistical checks run real simulations, kept short: the M/M/1 coverage check is
 * 200 experiments x 5 replications of 20 simulated seconds (about 10 s on 2 cores;
 * skipped with ELBSIM_QUICK=1, as `make valgrind` sets).
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

#include "analysis/exp_mpi.h"
#include "analysis/exp_plan.h"
#include "analysis/exp_sweep.h"
#include "analysis/exp_warmup.h"
#include "analysis/experiment.h"
#include "analysis/pareto.h"
#include "analysis/stats.h"
#include "sim/cli/exp_runner.h"
#include "sim/text.h"
#include "sim/xalloc.h"
#include "tests/unit.h"

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

    double y[] = {NAN, 7, 7, 7};
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
    double x[] = {1, 2, 3, 2, 4, NAN, 1, 3};
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
    int idx[4];
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
    struct exp_sweep_marks m;
    exp_sweep_marks_init(&m, &t, 0, 1, &slo, 1);
    CU_ASSERT(m.pareto[0] && m.pareto[1] && !m.pareto[2] && m.pareto[3]);
    CU_ASSERT(m.slo[0] == 1 && m.slo[1] == 0 && m.slo[2] == 1 && m.slo[3] == 1);
    CU_ASSERT_EQUAL(exp_sweep_cheapest(&t, &m), 3);
    exp_sweep_marks_fini(&m);
    /* A point without a value meets no SLO; with no SLO there is no cheapest point. */
    exp_table_at(&t, 3, 0)[1] = NAN;
    exp_table_at(&t, 3, 1)[1] = NAN;
    exp_sweep_marks_init(&m, &t, 0, 1, &slo, 1);
    CU_ASSERT(m.slo[3] == 0 && !m.pareto[3]);
    CU_ASSERT_EQUAL(exp_sweep_cheapest(&t, &m), 2);
    exp_sweep_marks_fini(&m);
    exp_sweep_marks_init(&m, &t, 0, 1, NULL, 0);
    CU_ASSERT(m.slo[0] == -1 && m.slo[3] == -1);
    CU_ASSERT_EQUAL(exp_sweep_cheapest(&t, &m), -1);
    exp_sweep_marks_fini(&m);
    exp_table_fini(&t);
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

static char outdir[64];

static char *out(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/%s", outdir, name);
    return buf;
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
        struct stats_ci ci;
        stats_paired_ci(a, b, 3, 0.95, &ci);
        CU_ASSERT_EQUAL(ci.mean, 0);
        CU_ASSERT(ci.lo <= 0 && ci.hi >= 0);
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

/* M/M/1 at rho = 0.5 (mu = 1000/s): W = 1 / (mu - lambda) = 2 ms.  200 experiments (the
 * scenario seed varied), each 5 replications of 20 s; the 90 % interval of the mean
 * response time should cover W in about 90 % of them: 180 expected, binomial sd 4.2. */
static void mm1_interval_covers_closed_form_at_nominal_rate(void)
{
    if (getenv("ELBSIM_QUICK")) /* make valgrind: 1000 runs would take many minutes */
        return;
    const char *args[] = {"sweep", "scenarios/validation/mm1.yaml", "--vary", "seed=1..200",
                          "--set", "duration=20s", "--set", "warmup=2s", "--set",
                          "output.interval=20s", "--reps", "5", "--metric", "latency_mean_s",
                          "--front", "latency_mean_s,latency_mean_s", "--confidence", "0.9",
                          "-q", "-o", out("mm1")};
    struct exp_opts o;
    struct exp_table t;
    CU_ASSERT_EQUAL_FATAL(experiment(args, 21, &o, &t), 0);
    int covered = 0, n = t.npoints;
    double w = 1.0 / (1000 - 500), x[5];
    for (int p = 0; p < n; p++) {
        for (int r = 0; r < 5; r++)
            x[r] = exp_table_at(&t, p, r)[0];
        struct stats_ci ci;
        stats_mean_ci(x, 5, 0.9, &ci);
        covered += ci.lo <= w && w <= ci.hi;
    }
    /* Accept what a correct 90 % interval gives with probability 0.998. */
    int lo = 0, hi = n;
    while (gsl_cdf_binomial_P((unsigned)lo, 0.9, (unsigned)n) < 0.001)
        lo++;
    while (gsl_cdf_binomial_Q((unsigned)(hi - 1), 0.9, (unsigned)n) < 0.001)
        hi--;
    printf("\n    M/M/1 90 %% intervals covering W: %d of %d (accepted %d..%d) ", covered, n,
           lo, hi);
    CU_ASSERT(covered >= lo && covered <= hi);
    exp_table_fini(&t);
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
    CU_TEST_INFO_NULL,
};

static CU_TestInfo plan_tests[] = {
    {"plan_puts_each_result_in_its_place_whatever_the_workers",
     plan_puts_each_result_in_its_place_whatever_the_workers},
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
    {"mm1_interval_covers_closed_form_at_nominal_rate",
     mm1_interval_covers_closed_form_at_nominal_rate},
    {"worker_processes_give_the_same_table", worker_processes_give_the_same_table},
    {"bad_values_are_reported_with_their_vary_argument",
     bad_values_are_reported_with_their_vary_argument},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_experiment_suites[] = {
    {"experiment_stats", NULL, NULL, NULL, NULL, stats_tests},
    {"experiment_plan", suite_init, suite_fini, NULL, NULL, plan_tests},
    {"experiment_runs", suite_init, suite_fini, NULL, NULL, run_tests},
    CU_SUITE_INFO_NULL,
};
