/* Health checks and injected faults: detection and recovery times, fail-open, the
 * black hole of a fast-failing target under least outstanding requests, slow targets,
 * and the scenario reader's messages for bad health_check and faults entries. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/core/request.h"
#include "models/elb/lb.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/traffic/workload.h"
#include "models/scenario/world.h"
#include "tests/unit.h"

#define MAX_ROWS 64

/* What the run reported: events.csv rows and the 502 answers. */
struct obs {
    int nrows;
    double t[MAX_ROWS];
    char kind[MAX_ROWS][16];
    char name[MAX_ROWS][32];
    char detail[MAX_ROWS][96];
    int n502;
    double first_502, last_502;
    int n503;
    double after_s;              /* set by the test: a fault's start */
    double max_502_latency;      /* s: the slowest 502 of the requests sent after after_s */
    int n504;
    double min_504_latency, max_504_latency;
    double connect_s;            /* set by the test: the LB's connect timeout */
    int n504_connect;            /* 504s that came exactly connect_s after their send */
    int nreset, ntimeout;        /* resets; attempts the client gave up on (abandoned) */
    double latency[4];
    int nlat;
};

static void on_event(void *ctx, double t, const char *kind, const char *name,
                     const char *detail)
{
    struct obs *o = ctx;
    if (o->nrows == MAX_ROWS)
        return;
    o->t[o->nrows] = t;
    snprintf(o->kind[o->nrows], sizeof o->kind[0], "%s", kind);
    snprintf(o->name[o->nrows], sizeof o->name[0], "%s", name);
    snprintf(o->detail[o->nrows], sizeof o->detail[0], "%s", detail);
    o->nrows++;
}

static void on_request(void *ctx, const struct request *rq, double now)
{
    struct obs *o = ctx;
    double lat = now - rq->sent_s;
    if (rq->status == RQ_BAD_GATEWAY) {
        if (o->n502++ == 0)
            o->first_502 = now;
        o->last_502 = now;
        if (rq->sent_s > o->after_s && lat > o->max_502_latency)
            o->max_502_latency = lat;
    }
    if (rq->status == RQ_GATEWAY_TIMEOUT) {
        if (o->n504++ == 0 || lat < o->min_504_latency)
            o->min_504_latency = lat;
        if (lat > o->max_504_latency)
            o->max_504_latency = lat;
        o->n504_connect += fabs(lat - o->connect_s) < 1e-9;
    }
    o->nreset += rq->status == RQ_RESET;
    o->ntimeout += rq->abandoned;
    if (rq->status == RQ_UNAVAILABLE)
        o->n503++;
    if (o->nlat < 4)
        o->latency[o->nlat++] = now - rq->sent_s;
}

/* Time of the first row whose name is `name` and whose detail starts with `detail`, or -1. */
static double row_time(const struct obs *o, const char *name, const char *detail)
{
    for (int i = 0; i < o->nrows; i++)
        if (!strcmp(o->name[i], name) && !strncmp(o->detail[i], detail, strlen(detail)))
            return o->t[i];
    return -1;
}

/* A load balancer `lb` (lb_extra: its type and other keys, "" for an ALB) in zone a over
 * group tg of `count` 1-vCPU targets; wl_extra adds keys to the workload; `faults` is a
 * YAML list. */
static struct world *run_on(const char *lb_extra, const char *wl_extra, const char *arrivals,
                            const char *demand, const char *algo, int count,
                            const char *tg_extra, const char *faults, double duration,
                            struct scenario **sc, struct obs *o)
{
    char text[4096];
    snprintf(text, sizeof text,
             "duration: %gs\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: '%s', demand: '%s' %s }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] %s }\n"
             "target_groups:\n"
             "  - { name: tg, algorithm: %s, targets: [ { kind: ec2, vcpus: 1, count: %d } ] %s }\n"
             "faults: %s\n",
             duration, arrivals, demand, wl_extra, lb_extra, algo, count, tg_extra, faults);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, sc), 0);
    struct world *w = world_new(*sc, 7);
    w->env.on_request = on_request;
    w->env.on_request_ctx = o;
    w->env.events = (struct sim_event_log){on_event, o};
    world_start(w);
    sim_event_run_until(&w->env.sim, duration);
    return w;
}

/* The same on an ALB with a plain workload. */
static struct world *run(const char *arrivals, const char *demand, const char *algo, int count,
                         const char *tg_extra, const char *faults, double duration,
                         struct scenario **sc, struct obs *o)
{
    return run_on("", "", arrivals, demand, algo, count, tg_extra, faults, duration, sc, o);
}

static void crashed_target_is_detected_within_the_threshold_window(void)
{
    struct scenario *sc;
    struct obs o = {.after_s = 300};
    struct world *w = run("poisson(rate=40/s)", "exp(mean=20ms)", "round_robin", 4, "",
                          "[ { at: 300s, target: tg/1, kind: crash } ]", 600, &sc, &o);
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/1", "crash starts"), 300, 1e-9);
    double down = row_time(&o, "tg/1", "healthy -> unhealthy after 2 failed checks");
    /* ALB defaults: the refused checks fail at once, the first within an interval of the
     * crash: between (2-1)*30 and 2*30 seconds after it. */
    CU_ASSERT(down - 300 >= 30 - 1e-9);
    CU_ASSERT(down - 300 <= 60 + 1e-9);
    /* Requests kept coming (refused: answered 502 at once) until the mark, then none. */
    CU_ASSERT(o.n502 > 100);
    CU_ASSERT_EQUAL(o.max_502_latency, 0);
    CU_ASSERT(o.first_502 >= 300);
    CU_ASSERT(o.last_502 <= down);
    CU_ASSERT(o.last_502 > down - 1);
    CU_ASSERT_EQUAL(o.n503, 0);
    CU_ASSERT_EQUAL((uint64_t)o.n502, w->targets.t[1]->dropped);
    printf("\n    crash at 300 s detected at %.3f s (%.3f s later), %d requests lost\n", down,
           down - 300, o.n502);
    world_free(w);
    scenario_free(sc);
}

static void recovered_target_turns_healthy_after_threshold_passes(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run("poisson(rate=40/s)", "exp(mean=20ms)", "round_robin", 4, "",
                          "[ { at: 300s, target: tg/2, kind: crash, duration: 2m } ]", 900, &sc,
                          &o);
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/2", "crash ends"), 420, 1e-9);
    double up = row_time(&o, "tg/2", "unhealthy -> healthy after 5 passed checks");
    /* Five passes: the first within one interval of the recovery, then four more. */
    CU_ASSERT(up - 420 >= 4 * 30 - 1e-9);
    CU_ASSERT(up - 420 <= 5 * 30 + 1e-9);
    CU_ASSERT(w->targets.t[2]->completed > 0);
    CU_ASSERT(o.last_502 < 420);
    world_free(w);
    scenario_free(sc);
}

static void every_target_unhealthy_fails_open(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w =
        run("poisson(rate=20/s)", "exp(mean=20ms)", "round_robin", 2,
            ", health_check: { interval: 10s, timeout: 2s, healthy: 2, unhealthy: 2 }",
            "[ { at: 100s, target: tg/0, kind: crash }, { at: 100s, target: tg/1, kind: crash } ]",
            300, &sc, &o);
    double open = row_time(&o, "tg", "fail-open: no healthy target");
    CU_ASSERT(open > 100 && open <= 100 + 2 * 10 + 1e-9);
    /* Fail-open routes to the (crashed) targets: 502s go on, no 503 for want of a target. */
    CU_ASSERT(o.last_502 > open + 100);
    CU_ASSERT_EQUAL(o.n503, 0);
    CU_ASSERT_EQUAL(w->tgs[0]->no_target, 0);
    world_free(w);
    scenario_free(sc);
}

/* A crashed process refuses the check's connection: the check fails when it starts.  A
 * host that is down answers nothing: the check fails at its timeout.  Same seed, so the
 * same check times: the host is marked exactly one timeout (5 s) later. */
static void refused_checks_fail_at_once_silent_ones_at_the_timeout(void)
{
    double down[2];
    const char *kinds[2] = {"crash", "host_down"};
    for (int k = 0; k < 2; k++) {
        struct scenario *sc;
        struct obs o = {0};
        char faults[128];
        snprintf(faults, sizeof faults, "[ { at: 300s, target: tg/1, kind: %s } ]", kinds[k]);
        struct world *w = run("poisson(rate=40/s)", "exp(mean=20ms)", "round_robin", 4, "",
                              faults, 600, &sc, &o);
        down[k] = row_time(&o, "tg/1", "healthy -> unhealthy after 2 failed checks");
        world_free(w);
        scenario_free(sc);
    }
    CU_ASSERT(down[0] - 300 >= 30 - 1e-9 && down[0] - 300 <= 60 + 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(down[1] - down[0], 5, 1e-9);
    printf("\n    crash detected after %.3f s, host_down after %.3f s\n", down[0] - 300,
           down[1] - 300);
}

/* AWS.md §1 "HTTP errors": an ALB answers 504 when connecting to the target takes longer
 * than 10 s.  Requests routed to a host that is down wait that long, then get 504; the
 * host is marked 35-65 s after it went down (its checks fail at their 5 s timeout); a
 * connect_timeout of 3 s answers after 3 s. */
static void host_down_behind_an_alb_answers_504_after_the_connect_timeout(void)
{
    const char *lbs[2] = {"", ", connect_timeout: 3s"};
    const double wait[2] = {10, 3};
    for (int k = 0; k < 2; k++) {
        struct scenario *sc;
        struct obs o = {.connect_s = wait[k]};
        struct world *w = run_on(lbs[k], "", "poisson(rate=40/s)", "exp(mean=20ms)",
                                 "round_robin", 4, "",
                                 "[ { at: 300s, target: tg/1, kind: host_down } ]", 600, &sc,
                                 &o);
        double down = row_time(&o, "tg/1", "healthy -> unhealthy after 2 failed checks");
        CU_ASSERT(down - 300 >= 35 - 1e-9 && down - 300 <= 65 + 1e-9);
        CU_ASSERT_EQUAL(o.n502, 0);
        CU_ASSERT(o.n504 > 100);
        /* Each was sent before the mark and answered exactly the connect timeout later;
         * a request the host held when it went down gets 504 at the idle timeout. */
        CU_ASSERT(o.n504 - o.n504_connect <= 2);
        CU_ASSERT_DOUBLE_EQUAL(o.min_504_latency, wait[k], 1e-9);
        CU_ASSERT_EQUAL((uint64_t)o.n504_connect, w->lbs[0]->connect_timeouts);
        CU_ASSERT_EQUAL(w->lbs[0]->connect_timeouts, w->targets.t[1]->dropped);
        printf("\n    host_down: %d x 504 after %g s, marked %.3f s after", o.n504_connect,
               wait[k], down - 300);
        world_free(w);
        scenario_free(sc);
    }
}

/* An NLB passes the client's own connection attempt to the target (AWS.md §2: it does not
 * terminate TCP), so a host that is down leaves it unanswered: no 5xx, no reset; the
 * client gives up at its own timeout (2 s here).  Lone requests are flows of one. */
static void host_down_behind_an_nlb_goes_unanswered(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run_on(", type: nlb", ", timeout: 2s", "poisson(rate=40/s)",
                             "exp(mean=20ms)", "flow_hash", 4, "",
                             "[ { at: 100s, target: tg/1, kind: host_down } ]", 300, &sc, &o);
    const struct lb *lb = w->lbs[0];
    double down = row_time(&o, "tg/1", "healthy -> unhealthy after 2 failed checks");
    CU_ASSERT(down > 100);
    CU_ASSERT(lb->dropped > 100);
    CU_ASSERT_EQUAL(lb->dropped, w->targets.t[1]->dropped);
    CU_ASSERT_EQUAL(o.n502 + o.n504 + o.nreset, 0);
    CU_ASSERT_EQUAL((uint64_t)o.ntimeout, lb->dropped);
    CU_ASSERT_EQUAL(w->workloads[0]->timeouts, lb->dropped);
    printf("\n    NLB host_down: %llu requests unanswered until marked %.1f s later",
           (unsigned long long)lb->dropped, down - 100);
    world_free(w);
    scenario_free(sc);
}

/* A zone outage makes its hosts unreachable (host_down on each), not their processes
 * crash: behind an ALB its requests wait for the connect timeout and get 504, and fail-open
 * (every target unhealthy) keeps sending them there. */
static void zone_outage_makes_its_hosts_unreachable(void)
{
    struct scenario *sc;
    struct obs o = {.connect_s = 10};
    struct world *w =
        run("poisson(rate=20/s)", "exp(mean=20ms)", "round_robin", 2,
            ", health_check: { interval: 10s, timeout: 2s, healthy: 2, unhealthy: 2 }",
            "[ { at: 100s, zone: a, kind: outage } ]", 300, &sc, &o);
    double open = row_time(&o, "tg", "fail-open: no healthy target");
    CU_ASSERT(open > 100 && open <= 100 + 2 * 10 + 2 + 1e-9);
    CU_ASSERT_EQUAL(o.n502, 0);
    CU_ASSERT(o.n504 > 1000);
    CU_ASSERT(o.n504 - o.n504_connect <= 2);
    CU_ASSERT_EQUAL(o.n503, 0);
    world_free(w);
    scenario_free(sc);
}

static void fast_errors_attract_traffic_under_least_outstanding(void)
{
    struct scenario *sc;
    struct obs o = {0};
    /* 8 targets, 140/s at 50 ms: 88 % busy if shared fairly.  The failing target always
     * has nothing outstanding, so it wins every pick it ties for or beats. */
    struct world *w = run("poisson(rate=140/s)", "exp(mean=50ms)", "least_outstanding_requests",
                          8, "", "[ { at: 0s, target: tg/0, kind: 'errors(rate=1.0)' } ]", 300,
                          &sc, &o);
    double share = (double)w->targets.t[0]->dropped / (double)w->tgs[0]->requests;
    CU_ASSERT(share > 2 * 0.125);
    CU_ASSERT_EQUAL(w->targets.t[0]->completed, 0);
    /* Health checks pass: it stays healthy and keeps the traffic. */
    CU_ASSERT(row_time(&o, "tg/0", "healthy -> unhealthy") < 0);
    printf("\n    errors(rate=1) target's share under LOR: %.3f (fair 0.125)\n", share);
    world_free(w);
    scenario_free(sc);
}

/* The other half of behaviour 2: weighted_random with anomaly mitigation (AWS's
 * automatic target weights) cuts the failing target's share far below fair. */
static void anomaly_mitigation_cuts_the_black_hole(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run("poisson(rate=140/s)", "exp(mean=50ms)",
                          "'weighted_random(anomaly_mitigation=on)'", 8, "",
                          "[ { at: 0s, target: tg/0, kind: 'errors(rate=1.0)' } ]", 300, &sc,
                          &o);
    double share = (double)w->targets.t[0]->dropped / (double)w->tgs[0]->requests;
    /* Fair is 1/8; mitigation must cut it well below, whatever its step details. */
    CU_ASSERT(share < 0.125 / 2);
    CU_ASSERT(w->targets.t[1]->completed > 0);
    printf("\n    errors(rate=1) target's share under weighted_random: %.4f (fair 0.125)\n",
           share);
    world_free(w);
    scenario_free(sc);
}

static void slow_factor_multiplies_service_time(void)
{
    struct scenario *sc;
    struct obs o = {0};
    char path[] = "/tmp/elbsim-health-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("time_s,demand_s\n0,1\n10,1\n20,1\n", f);
    fclose(f);
    char arrivals[128];
    snprintf(arrivals, sizeof arrivals, "trace(%s)", path);
    struct world *w = run(arrivals, "const(1s)", "round_robin", 1, "",
                          "[ { at: 15s, target: tg/0, kind: 'slow(factor=2)', duration: 10s } ]",
                          30, &sc, &o);
    unlink(path);
    CU_ASSERT_EQUAL_FATAL(o.nlat, 3);
    CU_ASSERT_DOUBLE_EQUAL(o.latency[0], 1.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(o.latency[1], 1.0, 1e-9);
    /* A request starting after the fault takes twice as long. */
    CU_ASSERT_DOUBLE_EQUAL(o.latency[2], 2.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/0", "slow(factor=2) ends"), 25, 1e-9);
    world_free(w);
    scenario_free(sc);
}

static void hang_strands_requests_until_it_ends(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run("poisson(rate=10/s)", "exp(mean=20ms)", "round_robin", 1, "",
                          "[ { at: 10s, target: tg/0, kind: hang, duration: 60s } ]", 120, &sc, &o);
    /* The stranded requests are dropped with 502 when the hang ends. */
    CU_ASSERT(o.n502 > 50);
    CU_ASSERT_DOUBLE_EQUAL(o.first_502, 70, 1e-9);
    /* A hung target fails its checks after the timeout: detected 35-65 s after the hang. */
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/0", "healthy -> unhealthy"), 10 + 50, 15 + 1e-9);
    world_free(w);
    scenario_free(sc);
}

/* Load `tg_extra`/`faults` into an otherwise valid scenario; returns the diag text. */
static char *bad(const char *tg_extra, const char *faults)
{
    char text[2048];
    snprintf(text, sizeof text,
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: 'const(1s)' }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a, b], listeners: [ { rules: [ { forward: web } ] } ] }\n"
             "target_groups:\n"
             "  - { name: web, targets: [ { vcpus: 1, count: 3 } ] %s }\n"
             "faults: %s\n",
             tg_extra, faults);
    struct scenario *sc = NULL;
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = scenario_load_string(text, "t.yaml", NULL, 0, &sc);
    char *err = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    scenario_free(sc);
    return err;
}

static void check_msg(char *err, const char *want)
{
    if (!strstr(err, want))
        printf("\n    want '%s' in: %s", want, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    free(err);
}

static void bad_health_check_and_faults_are_reported(void)
{
    check_msg(bad(", health_check: { interval: 3s }", "[]"),
              "t.yaml:6:82: error: health_check interval must be 5s to 300s");
    check_msg(bad(", health_check: { interval: 10s, timeout: 10s }", "[]"),
              "timeout (10s) must be shorter than interval (10s)");
    check_msg(bad(", health_check: { healthy: 11 }", "[]"), "healthy must be between 2 and 10");
    check_msg(bad(", health_check: { timeout: 1s }", "[]"), "timeout must be 2s to 120s");
    check_msg(bad("", "[ { at: 5m, target: web/3, kind: crash } ]"),
              "t.yaml:7:29: error: unknown target 'web/3'; targets: web/0..web/2");
    check_msg(bad("", "[ { at: 5m, target: api/0, kind: crash } ]"), "unknown target 'api/0'");
    check_msg(bad("", "[ { at: 5m, zone: c, kind: outage } ]"),
              "unknown zone 'c'; zones: a, b");
    check_msg(bad("", "[ { at: 5m, target: web/0, kind: explode } ]"),
              "unknown fault kind 'explode'; expected one of: crash, host_down, hang");
    check_msg(bad("", "[ { at: 5m, target: web/0, kind: 'errors(rate=2)' } ]"),
              "expected errors(rate=R) with R from 0 to 1");
    check_msg(bad("", "[ { at: 5m, zone: a, kind: crash } ]"), "a zone takes kind: outage");
    check_msg(bad("", "[ { at: 5m, target: web/0, kind: crash, for: 1m } ]"), "for");
}

/* After the first round, a member's checks wait in the group's timer lanes, not in the
 * event heap: 1,000 targets checked every 10 s for a minute leave a handful of events
 * pending (the lanes' fronts, the workload's), not 1,000, and every target is checked
 * (they all turn healthy from initial, then stay healthy). */
static void checks_after_the_first_wait_outside_the_event_heap(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run("poisson(rate=1/s)", "exp(mean=20ms)", "round_robin", 1000,
                          ", health_check: { interval: 10s }", "[]", 60, &sc, &o);
    uint64_t pending = sim_event_pending(&w->env.sim);
    CU_ASSERT(pending < 20);
    if (pending >= 20)
        printf("\n    %llu events pending\n", (unsigned long long)pending);
    const struct target_group *g = w->tgs[0];
    int healthy = 0, lane = 0;
    for (uint32_t i = 0; i < g->nmembers; i++) {
        healthy += g->members[i].health == TG_HEALTH_HEALTHY;
        lane += g->members[i].check_lane == 1;
    }
    CU_ASSERT_EQUAL(healthy, 1000);
    CU_ASSERT_EQUAL(lane, 1000);
    CU_ASSERT(sim_lane_pending(&g->hc_lanes[0]) == 1000);
    world_free(w);
    scenario_free(sc);
}

static CU_TestInfo health_tests[] = {
    {"checks_after_the_first_wait_outside_the_event_heap",
     checks_after_the_first_wait_outside_the_event_heap},
    {"crashed_target_is_detected_within_the_threshold_window",
     crashed_target_is_detected_within_the_threshold_window},
    {"recovered_target_turns_healthy_after_threshold_passes",
     recovered_target_turns_healthy_after_threshold_passes},
    {"every_target_unhealthy_fails_open", every_target_unhealthy_fails_open},
    {"refused_checks_fail_at_once_silent_ones_at_the_timeout",
     refused_checks_fail_at_once_silent_ones_at_the_timeout},
    {"host_down_behind_an_alb_answers_504_after_the_connect_timeout",
     host_down_behind_an_alb_answers_504_after_the_connect_timeout},
    {"host_down_behind_an_nlb_goes_unanswered", host_down_behind_an_nlb_goes_unanswered},
    {"zone_outage_makes_its_hosts_unreachable", zone_outage_makes_its_hosts_unreachable},
    {"fast_errors_attract_traffic_under_least_outstanding",
     fast_errors_attract_traffic_under_least_outstanding},
    {"anomaly_mitigation_cuts_the_black_hole", anomaly_mitigation_cuts_the_black_hole},
    {"slow_factor_multiplies_service_time", slow_factor_multiplies_service_time},
    {"hang_strands_requests_until_it_ends", hang_strands_requests_until_it_ends},
    {"bad_health_check_and_faults_are_reported", bad_health_check_and_faults_are_reported},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_health_suites[] = {
    {"health", NULL, NULL, NULL, NULL, health_tests},
    CU_SUITE_INFO_NULL,
};
