/* Scenario reader: defaults, and one message per kind of bad input. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario/scenario.h"
#include "tests/unit.h"

static const char base[] =
    "workloads:\n"
    "  - { name: w, entry: lb, arrivals: 'poisson(rate=10/s)', demand: exp(mean=1ms) }\n"
    "load_balancers:\n"
    "  - { name: lb, zones: [a, b], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
    "target_groups:\n"
    "  - { name: tg, targets: [ { kind: ec2, instance_type: c5.xlarge, count: 2 } ] }\n";

/* Load text (base with `extra` appended); return the diag output (caller frees). */
static char *load_err(const char *text, int *rc, struct scenario **sc)
{
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    *rc = scenario_load_string(text, "s.yaml", NULL, 0, sc);
    return unit_diag_capture_end(&cap);
}

static void defaults_are_filled_in(void)
{
    struct scenario *sc;
    int rc;
    char *err = load_err(base, &rc, &sc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    free(err);
    CU_ASSERT_STRING_EQUAL(sc->name, "s");
    CU_ASSERT_DOUBLE_EQUAL(sc->duration_s, 600, 0);
    CU_ASSERT_DOUBLE_EQUAL(sc->interval_s, 1, 0);
    CU_ASSERT_EQUAL(sc->seed, 1);
    CU_ASSERT(sc->lbs[0].cross_zone);
    CU_ASSERT_STRING_EQUAL(sc->lbs[0].latency_text, "realistic");
    CU_ASSERT_PTR_NOT_NULL(sc->lbs[0].latency);
    CU_ASSERT_STRING_EQUAL(sc->tgs[0].algorithm, "round_robin");
    const struct target_spec *sp = &sc->tgs[0].targets[0].spec;
    CU_ASSERT_EQUAL(sp->servers, 4);
    CU_ASSERT_DOUBLE_EQUAL(sp->price_per_hour_usd, 0.17, 1e-12);
    CU_ASSERT_EQUAL(sc->workloads[0].conn_requests, 1);
    CU_ASSERT_EQUAL(sc->nzones, 2);
    scenario_free(sc);
}

static void set_overrides_apply_before_checks(void)
{
    char s1[] = "target_groups.tg.algorithm=least_outstanding_requests";
    char s2[] = "workloads.w.timeout=2s";
    char *sets[] = {s1, s2};
    struct scenario *sc;
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(base, "s.yaml", sets, 2, &sc), 0);
    CU_ASSERT_STRING_EQUAL(sc->tgs[0].algorithm, "least_outstanding_requests");
    CU_ASSERT_DOUBLE_EQUAL(sc->workloads[0].timeout_s, 2, 0);
    scenario_free(sc);
}

/* Zones are numbered in the order they first appear, whichever component names them. */
static void zones_are_numbered_in_order_of_first_appearance(void)
{
    static const char text[] =
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [b, a], listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { vcpus: 1, zone: a } ] }\n"
        "auto_scaling_groups:\n"
        "  - { name: g, launch_template: { vcpus: 1 }, zones: [c, b] }\n"
        "ecs_services:\n"
        "  - { name: s, zones: [d] }\n";
    struct scenario *sc;
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "s.yaml", NULL, 0, &sc), 0);
    CU_ASSERT_EQUAL_FATAL(sc->nzones, 4);
    CU_ASSERT_STRING_EQUAL(sc->zones[0], "b");
    CU_ASSERT_STRING_EQUAL(sc->zones[1], "a");
    CU_ASSERT_STRING_EQUAL(sc->zones[2], "c");
    CU_ASSERT_STRING_EQUAL(sc->zones[3], "d");
    CU_ASSERT_EQUAL(sc->lbs[0].zones[0], 0);
    CU_ASSERT_EQUAL(sc->tgs[0].targets[0].zone, 1);
    CU_ASSERT(sc->asgs[0].nzones == 2 && sc->asgs[0].zones[0] == 2 && sc->asgs[0].zones[1] == 0);
    CU_ASSERT(sc->ecs[0].cfg.nzones == 1 && sc->ecs[0].cfg.zones[0] == 3);
    scenario_free(sc);
}

struct bad {
    const char *extra;   /* appended to base, or a whole text when it starts with '!' */
    const char *message; /* expected substring */
};

static const struct bad bads[] = {
    {"duration: 0s\n", "s.yaml:7:11: error: duration must be greater than zero"},
    {"duration: 10s\nwarmup: 20s\n", "warmup (20s) must be shorter than duration (10s)"},
    {"seed: -4\n", "seed must be a whole number"},
    {"output: { intervall: 1s }\n", "unknown key 'intervall' in output; did you mean 'interval'?"},
    {"slo: [ 'latency is low' ]\n", "cannot read SLO 'latency is low'"},
    {"!workloads:\n  - { name: w, entry: lb, demand: const(1s) }\n",
     "a workload needs 'arrivals' (open loop"},
    {"!workloads: []\n", "a scenario needs at least one workload"},
    {"!workloads:\n  - { name: w, entry: nowhere, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers: []\n",
     "entry 'nowhere' is not a load balancer of this scenario"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: xlb, zones: [a], listeners: [ { forward: tg } ] }\n",
     "s.yaml:4:23: error: unknown load balancer type 'xlb'; expected one of: alb, nlb, gwlb, clb"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: nlb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, algorithm: least_outstanding_requests, targets: [ { vcpus: 1 } ] }\n",
     "s.yaml:6:28: error: algorithm 'least_outstanding_requests' cannot route for an nlb (lb): nlb routes each flow once; algorithms that can: round_robin"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: nlb, zones: [a], listeners: [ { rules: [ { forward: tg } ] } ] }\n",
     "only an ALB listener has rules"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: nlb, zones: [a], listeners: [ { protocol: HTTP, forward: tg } ] }\n",
     "protocol 'HTTP' is not one an nlb listener takes; expected one of: TCP, TLS, UDP, TCP_UDP"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, stickiness: 5_tuple, targets: [ { vcpus: 1 } ] }\n",
     "tuple stickiness (5_tuple, 3_tuple, 2_tuple) is a GWLB setting; this group serves an alb"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: gwlb, next: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, stickiness: 4_tuple, targets: [ { vcpus: 1 } ] }\n",
     "unknown stickiness '4_tuple'; expected lb_cookie"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: gwlb, zones: [a], listeners: [ { forward: tg } ] }\n",
     "a gwlb needs 'next'"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: nlb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "  - { name: alb, zones: [a], listeners: [ { forward: tg2 } ] }\n"
     "target_groups:\n  - { name: tg, targets: [ { lb: alb } ] }\n"
     "  - { name: tg2, targets: [ { lb: lb } ] }\n",
     "load balancers chain in a loop through 'lb'"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, algorithm: least_outstanding_requests, slow_start: 60s, targets: [ { vcpus: 1 } ] }\n",
     "slow_start cannot be combined with least_outstanding_requests"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, slow_start: 10s, targets: [ { vcpus: 1 } ] }\n",
     "slow_start must be 0 (off) or 30s to 900s"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "  - { name: n, type: nlb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, targets: [ { vcpus: 1 } ] }\n",
     "target group 'tg' already serves an alb (lb)"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, type: nlb, idle_timeout: 10s, zones: [a], listeners: [ { forward: tg } ] }\n",
     "idle_timeout must be 60s to 6000s for an nlb"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, stickiness: 'lb_cookie(duration=9d)', targets: [ { vcpus: 1 } ] }\n",
     "lb_cookie duration must be 1s to 7d"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
     "target_groups:\n  - { name: tg, targets: [ { vcpus: 1 } ] }\n"
     "auto_scaling_groups:\n  - { name: g, launch_template: { vcpus: 1 }, policies: [\n"
     "      { name: rpt, type: target_tracking, metric: ALBRequestCountPerTarget, target: 100 } ] }\n",
     "s.yaml:9:7: error: policy 'rpt' of 'g' scales on a target group's requests or responses, but 'g' registers with no target group"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
     "target_groups:\n  - { name: tg, targets: [ { kind: fargate, cpu: 0.25, memory: 4GB } ] }\n",
     "no Fargate size has cpu 0.25 with memory 4 GB"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
     "target_groups:\n  - { name: tg, targets: [ { kind: ec2, instance_type: c5.huge } ] }\n",
     "unknown instance type 'c5.huge'"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n",
     "duplicate name 'w' in workloads"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', users: 3, demand: const(1s) }\n",
     "either 'arrivals' (open loop) or 'users' (closed loop), not both"},
    {"!workloads:\n  - { name: w, entry: lb, users: 3, think: const(1s), demand: const(1s),\n"
     "      connection: { requests: 3 } }\n",
     "'connection' belongs to open-loop workloads"},
    {"!duration: 200d\noutput: { interval: 1s }\nworkloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n",
     "s.yaml:2:11: error: interval 1s over 1.728e+07s makes more than 10 million rows"},
    {"slo: [ 'workload.nope.latency_p99_s < 1' ]\n",
     "SLO 'workload.nope.latency_p99_s < 1': the scenario has no workload named 'nope'"},
    {"slo: [ 'wrkload.w.latency_p99_s < 1' ]\n",
     "SLO 'wrkload.w.latency_p99_s < 1': unknown scope 'wrkload'"},
    {"slo: [ 'run.latency_p99_s < nan' ]\n", "compares with nan; expected a finite number"},
    {"slo: [ 'workload.w.requests > 5 over 1m' ]\n",
     "over a window, an SLO judges a workload's or the run's latency_*, error_ratio or "
     "throughput_rps"},
    {"slo: [ 'run.latency_p99_s < 1 over 0s' ]\n",
     "the window after 'over' must be a duration above 0"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
     "target_groups:\n  - { name: tg, targets: [ { kind: ec2, vcpus: 4, queue_limit: 2 } ] }\n",
     "queue_limit 2 is below the target's 4 vCPUs"},
    {"!workloads:\n  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(1s) }\n"
     "load_balancers:\n  - { name: lb, zones: [a], listeners: [ { rules: [ { forward: tg } ] }, { port: 443, rules: [ { forward: tg } ] } ] }\n",
     "one listener per load balancer for now"},
};

static void bad_input_gets_one_clear_message(void)
{
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        char text[4096];
        if (bads[i].extra[0] == '!')
            snprintf(text, sizeof text, "%s", bads[i].extra + 1);
        else
            snprintf(text, sizeof text, "%s%s", base, bads[i].extra);
        struct scenario *sc = NULL;
        int rc;
        char *err = load_err(text, &rc, &sc);
        CU_ASSERT_EQUAL(rc, -1);
        if (!strstr(err, bads[i].message))
            fprintf(stderr, "\ncase %zu: wanted '%s'\ngot: %s\n", i, bads[i].message, err);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, bads[i].message));
        free(err);
    }
}

/* output.interval: auto (the default) gives at most about 2,000 points per series. */
static void auto_interval_fits_the_run(void)
{
    CU_ASSERT_EQUAL(scenario_auto_interval(600), 1);
    CU_ASSERT_EQUAL(scenario_auto_interval(2000), 1);
    CU_ASSERT_EQUAL(scenario_auto_interval(2001), 5);
    CU_ASSERT_EQUAL(scenario_auto_interval(3600), 5);
    CU_ASSERT_EQUAL(scenario_auto_interval(6000), 5);
    CU_ASSERT_EQUAL(scenario_auto_interval(86400), 60);
    CU_ASSERT_EQUAL(scenario_auto_interval(7 * 86400), 600);
    CU_ASSERT_EQUAL(scenario_auto_interval(3 * 365 * 86400), 86400);
    for (double d = 1; d < 1e9; d *= 1.7)
        CU_ASSERT(d / scenario_auto_interval(d) <= SCENARIO_AUTO_POINTS);
    char text[1024];
    snprintf(text, sizeof text, "%sduration: 2h\n", base);
    struct scenario *sc;
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "s.yaml", NULL, 0, &sc), 0);
    CU_ASSERT_EQUAL(sc->interval_s, 5);
    CU_ASSERT(sc->interval_auto);
    scenario_free(sc);
    char *set = (char *)"output.interval=auto";
    snprintf(text, sizeof text, "%sduration: 1d\noutput: { interval: 10s }\n", base);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "s.yaml", &set, 1, &sc), 0);
    CU_ASSERT_EQUAL(sc->interval_s, 60);
    scenario_free(sc);
}

/* The resolved scenario's output line, from "output:" to its end (caller frees). */
static char *resolved_output_line(const struct scenario *sc)
{
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    scenario_write_resolved(sc, f);
    fclose(f);
    const char *o = strstr(text, "\noutput:");
    char *line = o ? strndup(o + 1, strcspn(o + 1, "\n")) : strdup("");
    free(text);
    return line;
}

static void per_target_auto_decides_by_the_most_targets_at_once(void)
{
    /* base has 2 static targets; an ASG of max 998 makes 1,000, of 999 makes 1,001. */
    static const char asg[] =
        "auto_scaling_groups:\n"
        "  - { name: g, launch_template: { instance_type: c5.large }, min: 1, max: %d,\n"
        "      target_groups: [tg] }\n";
    char text[2048], more[512];
    struct scenario *sc;
    snprintf(more, sizeof more, asg, 998);
    snprintf(text, sizeof text, "%s%s", base, more);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "s.yaml", NULL, 0, &sc), 0);
    CU_ASSERT_EQUAL(sc->max_targets, 1000);
    CU_ASSERT(sc->per_target);
    char *line = resolved_output_line(sc);
    CU_ASSERT_PTR_NULL(strstr(line, "per_target")); /* not written: resolves as before */
    free(line);
    scenario_free(sc);
    snprintf(more, sizeof more, asg, 999);
    snprintf(text, sizeof text, "%s%s", base, more);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "s.yaml", NULL, 0, &sc), 0);
    CU_ASSERT_EQUAL(sc->max_targets, 1001);
    CU_ASSERT_FALSE(sc->per_target);
    scenario_free(sc);
    /* Written, it wins over the count, and is written back as written. */
    static const char *const values[] = {"true", "false", "auto", "on", "no"};
    static const char *const back[] = {"true", "false", "auto", "true", "false"};
    static const bool on[] = {true, false, false, true, false};
    for (size_t i = 0; i < 5; i++) {
        snprintf(text, sizeof text, "%s%soutput: { per_target: %s }\n", base, more, values[i]);
        CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "s.yaml", NULL, 0, &sc), 0);
        CU_ASSERT_EQUAL(sc->per_target, on[i]);
        line = resolved_output_line(sc);
        char want[64];
        snprintf(want, sizeof want, ", per_target: %s }", back[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(line, want));
        free(line);
        scenario_free(sc);
    }
}

static void per_target_bad_value_and_target_slo_are_bad_input(void)
{
    char text[2048];
    struct scenario *sc = NULL;
    int rc;
    snprintf(text, sizeof text, "%soutput: { per_target: maybe }\n", base);
    char *err = load_err(text, &rc, &sc);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "s.yaml:7:23: error: output.per_target must be auto, "
                                       "true or false, got 'maybe'"));
    free(err);
    snprintf(text, sizeof text,
             "%soutput: { per_target: false }\nslo: [ \"target.x.cost_usd < 1\" ]\n", base);
    err = load_err(text, &rc, &sc);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "s.yaml:8:8: error: SLO 'target.x.cost_usd < 1': "
                                       "output.per_target is false"));
    free(err);
    snprintf(text, sizeof text,
             "%soutput: { per_target: true }\nslo: [ \"target.x.cost_usd < 1\" ]\n", base);
    err = load_err(text, &rc, &sc);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    free(err);
    scenario_free(sc);
}

static void resolved_scenario_reads_back_the_same(void)
{
    struct scenario *sc, *again;
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(base, "s.yaml", NULL, 0, &sc), 0);
    char *a = NULL, *b = NULL;
    size_t la, lb;
    FILE *f = open_memstream(&a, &la);
    scenario_write_resolved(sc, f);
    fclose(f);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(a, "s.yaml", NULL, 0, &again), 0);
    f = open_memstream(&b, &lb);
    scenario_write_resolved(again, f);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(a, b);
    free(a);
    free(b);
    scenario_free(sc);
    scenario_free(again);
}

static CU_TestInfo scenario_tests[] = {
    {"defaults_are_filled_in", defaults_are_filled_in},
    {"set_overrides_apply_before_checks", set_overrides_apply_before_checks},
    {"zones_are_numbered_in_order_of_first_appearance",
     zones_are_numbered_in_order_of_first_appearance},
    {"bad_input_gets_one_clear_message", bad_input_gets_one_clear_message},
    {"resolved_scenario_reads_back_the_same", resolved_scenario_reads_back_the_same},
    {"auto_interval_fits_the_run", auto_interval_fits_the_run},
    {"per_target_auto_decides_by_the_most_targets_at_once",
     per_target_auto_decides_by_the_most_targets_at_once},
    {"per_target_bad_value_and_target_slo_are_bad_input",
     per_target_bad_value_and_target_slo_are_bad_input},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_scenario_suites[] = {
    {"scenario", NULL, NULL, NULL, NULL, scenario_tests},
    CU_SUITE_INFO_NULL,
};
