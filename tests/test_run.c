/* Tests of sim/cli/run: run_opts.on_tick, the hook through which a benchmark reads a run in
 * progress (bench_e2e's steady-state window): called once at every interval's end, in
 * order, with the run's counts so far, and nothing the run writes changes with it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/outdir.h"
#include "analysis/summary.h"
#include "models/scenario/scenario.h"
#include "sim/cli/run.h"
#include "tests/unit.h"

/* 2.5 s at a 0.5 s interval: ticks at 0.5, 1, ... 2.5 s; about 2,000 requests/s to 4
 * targets. */
static const char tick_scenario[] =
    "name: tick\n"
    "duration: 2.5s\n"
    "seed: 7\n"
    "output: { interval: 0.5s }\n"
    "workloads:\n"
    "  - { name: w, entry: lb, arrivals: 'poisson(rate=2000/s)', demand: 'exp(mean=1ms)' }\n"
    "load_balancers:\n"
    "  - { name: lb, zones: [a, b], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
    "target_groups:\n"
    "  - { name: tg, algorithm: least_outstanding_requests,\n"
    "      targets: [ { kind: ec2, vcpus: 1, speed: 1.0, count: 4 } ] }\n";

#define MAX_TICKS 16

struct ticks {
    int n;
    struct run_tick t[MAX_TICKS];
};

static void record_tick(void *ctx, const struct run_tick *t)
{
    struct ticks *k = ctx;
    if (k->n < MAX_TICKS)
        k->t[k->n] = *t;
    k->n++;
}

/* Run the scenario into folder `dir` (removed first), with the hook if ticks is not NULL;
 * *requests: workload w's from the summary.  0 on success. */
static int run_into(const char *dir, struct ticks *ticks, double *requests)
{
    outdir_remove(dir);
    struct scenario *sc;
    if (scenario_load_string(tick_scenario, "tick", NULL, 0, &sc))
        return -1;
    struct run_opts o = {.out_dir = dir, .seed = 7, .quiet = true,
                         .on_tick = ticks ? record_tick : NULL, .tick_ctx = ticks};
    struct summary *s;
    int rc = run_scenario(sc, &o, &s);
    if (!rc) {
        *requests = summary_get(s, "workload", "w", "requests");
        summary_free(s);
    }
    scenario_free(sc);
    return rc;
}

static bool same_file(const char *a_dir, const char *b_dir, const char *file)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/%s", a_dir, file);
    snprintf(b, sizeof b, "%s/%s", b_dir, file);
    char *x = unit_slurp(a), *y = unit_slurp(b);
    bool same = x && y && !strcmp(x, y);
    free(x);
    free(y);
    return same;
}

static void on_tick_sees_every_interval_end_and_changes_nothing(void)
{
    char with[128], without[128];
    snprintf(with, sizeof with, "%s-with", unit_tmpdir());
    snprintf(without, sizeof without, "%s-without", unit_tmpdir());
    struct ticks k = {0};
    double req_with = 0, req_without = 0;
    CU_ASSERT_EQUAL_FATAL(run_into(with, &k, &req_with), 0);
    CU_ASSERT_EQUAL_FATAL(run_into(without, NULL, &req_without), 0);
    /* Five interval ends, at k * 0.5 s, the last the duration. */
    CU_ASSERT_EQUAL_FATAL(k.n, 5);
    uint64_t prev_req = 0, prev_ev = 0;
    for (int i = 0; i < k.n; i++) {
        CU_ASSERT_DOUBLE_EQUAL(k.t[i].now, 0.5 * (i + 1), 1e-12);
        CU_ASSERT(k.t[i].requests > prev_req); /* about 1,000 an interval */
        CU_ASSERT(k.t[i].events > prev_ev);
        CU_ASSERT(k.t[i].in_flight >= 0);
        prev_req = k.t[i].requests;
        prev_ev = k.t[i].events;
    }
    /* The last tick's count is the summary's, and the hook changed no output. */
    CU_ASSERT_DOUBLE_EQUAL((double)k.t[k.n - 1].requests, req_with, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(req_with, req_without, 0.0);
    CU_ASSERT(k.t[k.n - 1].requests > 4000 && k.t[k.n - 1].requests < 6000);
    const char *files[] = {"summary.csv", "timeseries.csv", "timeseries_wide.csv",
                           "events.csv", "latency.csv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        CU_ASSERT(same_file(with, without, files[i]));
    CU_ASSERT_EQUAL(outdir_remove(with), 0);
    CU_ASSERT_EQUAL(outdir_remove(without), 0);
}

static CU_TestInfo run_tests[] = {
    {"on_tick sees every interval end and changes nothing",
     on_tick_sees_every_interval_end_and_changes_nothing},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_run_suites[] = {
    {"run", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, run_tests},
    CU_SUITE_INFO_NULL,
};
