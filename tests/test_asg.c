/* EC2 Auto Scaling groups end to end, in process: the control loop's delays (3 of 3 and
 * 15 of 15 datapoints after a one-period publication delay), simple scaling's cooldown,
 * warm-up blocking scale-in, scheduled actions at their exact times, min/max clamping,
 * deregistration before termination, and replacement of a crashed instance.  Each test
 * builds a world from YAML and reads the `scaling` and `health` rows of events.csv. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scaling/asg.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/scenario/world.h"
#include "tests/unit.h"

#define MAX_ROWS 512

struct rows {
    int n;
    double t[MAX_ROWS];
    char kind[MAX_ROWS][16];
    char name[MAX_ROWS][32];
    char detail[MAX_ROWS][320];
};

static void on_event(void *ctx, double t, const char *kind, const char *name,
                     const char *detail)
{
    struct rows *r = ctx;
    if (r->n == MAX_ROWS)
        return;
    r->t[r->n] = t;
    snprintf(r->kind[r->n], sizeof r->kind[0], "%s", kind);
    snprintf(r->name[r->n], sizeof r->name[0], "%s", name);
    snprintf(r->detail[r->n], sizeof r->detail[0], "%s", detail);
    r->n++;
}

/* A group "web" of 2-vCPU instances behind an ALB; load `arrivals` of 20 ms requests
 * (100/s = 2 vCPUs = 50 % of the two initial instances); `group` adds keys to the group. */
static struct world *run(const char *arrivals, const char *group, const char *extra,
                         double duration, struct scenario **sc, struct rows *r)
{
    char text[4096];
    snprintf(text, sizeof text,
             "duration: %gs\n%s"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: '%s', demand: const(20ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a, b], latency: none, listeners: [ { forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, algorithm: least_outstanding_requests, deregistration_delay: 30s,\n"
             "      health_check: { interval: 10s, timeout: 5s } }\n"
             "auto_scaling_groups:\n"
             "  - { name: web, target_groups: [tg], launch_template: { vcpus: 2 },\n"
             "      launch_time: const(30s), warmup: 60s, monitoring: detailed,\n"
             "      min: 2, max: 20, desired: 2,\n"
             "%s }\n",
             duration, extra, arrivals, group);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "a.yaml", NULL, 0, sc), 0);
    struct world *w = world_new(*sc, 7);
    w->env.events = (struct sim_event_log){on_event, r};
    world_start(w);
    sim_event_run_until(&w->env.sim, duration);
    return w;
}

/* A scenario given whole, run to `duration`. */
static struct world *run_text(const char *text, double duration, struct scenario **sc,
                              struct rows *r)
{
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "a.yaml", NULL, 0, sc), 0);
    struct world *w = world_new(*sc, 7);
    w->env.events = (struct sim_event_log){on_event, r};
    world_start(w);
    sim_event_run_until(&w->env.sim, duration);
    return w;
}

/* The scenario of run() with the group's text given whole: `group` holds every key of
 * the group but name, target groups and launch template. */
static struct world *run_group(const char *arrivals, const char *group, const char *extra,
                               double duration, struct scenario **sc, struct rows *r)
{
    char text[4096];
    snprintf(text, sizeof text,
             "duration: %gs\n%s"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: '%s', demand: const(20ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a, b], latency: none, listeners: [ { forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, algorithm: least_outstanding_requests, deregistration_delay: 30s,\n"
             "      health_check: { interval: 10s, timeout: 5s } }\n"
             "auto_scaling_groups:\n"
             "  - { name: web, target_groups: [tg], launch_template: { vcpus: 2 },\n"
             "%s }\n",
             duration, extra, arrivals, group);
    return run_text(text, duration, sc, r);
}

static void done(struct world *w, struct scenario *sc)
{
    world_free(w);
    scenario_free(sc);
}

/* Time of the first `scaling` row after `after` whose detail contains `what`, or -1. */
static double first(const struct rows *r, double after, const char *what)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->kind[i], "scaling") && r->t[i] > after && strstr(r->detail[i], what))
            return r->t[i];
    return -1;
}

/* The desired capacity a scaling row changed to ("... from X to Y."), or -1. */
static int to_capacity(const char *detail)
{
    const char *p = strstr(detail, " to ");
    return p ? atoi(p + 4) : -1;
}

static const char *const tt_policy =
    "      policies: [ { name: cpu50, type: target_tracking,\n"
    "                    metric: ASGAverageCPUUtilization, target: 50 } ]";

/* The step at 600 s breaches from the period [600, 660) on; three such periods are
 * visible 60 s after [720, 780) closes: at 840 s, not before. */
static void scale_out_waits_for_three_datapoints_and_the_delay(void)
{
    struct scenario *sc;
    struct rows r = {0};
    struct world *w = run("steps(0s: 80/s, 600s: 300/s)", tt_policy, "", 1200, &sc, &r);
    double t = first(&r, 0, "AlarmHigh");
    CU_ASSERT_DOUBLE_EQUAL(t, 840, 1e-9);
    printf("\n    load x3.75 at 600 s: first scale-out at %g s\n", t);
    done(w, sc);
}

/* The drop at 1800 s: fifteen low periods from [1800, 1860) are visible at 2760 s. */
static void scale_in_waits_for_fifteen_datapoints(void)
{
    struct scenario *sc;
    struct rows r = {0};
    struct world *w =
        run("steps(0s: 300/s, 1800s: 40/s)", tt_policy, "", 3600, &sc, &r);
    CU_ASSERT(first(&r, 0, "AlarmHigh") > 0);
    double in = first(&r, 1800, "AlarmLow");
    CU_ASSERT_DOUBLE_EQUAL(in, 2760, 1e-9);
    CU_ASSERT(first(&r, 0, "AlarmLow") >= 2760 - 1e-9); /* none before */
    /* One scale-in to what the low load needs, not one per minute on stale data. */
    CU_ASSERT(first(&r, 2760, "AlarmLow") < 0);
    printf("\n    load /7.5 at 1800 s: first scale-in at %g s\n", in);
    done(w, sc);
}

static void simple_scaling_waits_for_its_cooldown(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *pol =
        "      policies: [ { name: add1, type: simple, adjustment_type: change_in_capacity,\n"
        "                    adjustment: 1, cooldown: 300s,\n"
        "                    alarm: { metric: CPUUtilization, statistic: Average, period: 1m,\n"
        "                             threshold: 70, comparison: '>', datapoints: 1,\n"
        "                             periods: 1 } } ]";
    struct world *w = run("steps(0s: 1000/s)", pol, "", 2400, &sc, &r);
    double prev = -1;
    int n = 0;
    for (int i = 0; i < r.n; i++) {
        if (strcmp(r.kind[i], "scaling") || !strstr(r.detail[i], "add1"))
            continue;
        if (prev >= 0)
            CU_ASSERT(r.t[i] - prev >= 300 - 1e-9);
        prev = r.t[i];
        n++;
    }
    /* Overloaded all along: it fires about every cooldown (plus launch time). */
    CU_ASSERT(n >= 5);
    printf("\n    simple scaling fired %d times in 2400 s with a 300 s cooldown\n", n);
    done(w, sc);
}

/* The cooldown is the group's and runs from the end of the activity: a scale-out at CPU
 * > 60 % launches two instances (in service 40 s later); the scale-in policy's alarm (CPU
 * < 35 %) is in ALARM as soon as they count, but every simple policy waits for the
 * activity and then the 300 s cooldown.  Before, each policy had its own cooldown from
 * when it fired, and the scale-in came 180 s after the scale-out. */
static void simple_scaling_cooldown_is_the_groups_from_the_end_of_the_activity(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *group =
        "      launch_time: const(40s), warmup: 60s, monitoring: detailed,\n"
        "      min: 2, max: 20, desired: 2, cooldown: 300s,\n"
        "      policies: [ { name: out, type: simple, adjustment: 2,\n"
        "                    alarm: { metric: CPUUtilization, period: 1m, threshold: 60,\n"
        "                             comparison: '>' } },\n"
        "                  { name: in, type: simple, adjustment: -1,\n"
        "                    alarm: { metric: CPUUtilization, period: 1m, threshold: 35,\n"
        "                             comparison: '<' } } ]";
    struct world *w = run_group("steps(0s: 130/s)", group, "", 1800, &sc, &r);
    double out = first(&r, 0, "triggered policy out changing");
    double in = first(&r, out, "triggered policy in changing");
    CU_ASSERT(out > 0);
    CU_ASSERT(in > 0);
    /* The launches complete at out + 40 s; the cooldown ends 300 s later. */
    CU_ASSERT(in >= out + 40 + 300 - 1e-9);
    printf("\n    simple scale-out at %g s, the next simple activity at %g s\n", out, in);
    done(w, sc);
}

/* Every instance launched or taken out is a row of its own, worded as AWS's activity
 * history, with its zone: the scale-out at 840 s launches web/2, web/3, ... alternately
 * in zones a and b; the scale-in terminates as many. */
static void every_launch_and_termination_is_an_activity_with_its_zone(void)
{
    struct scenario *sc;
    struct rows r = {0};
    struct world *w =
        run("steps(0s: 80/s, 600s: 300/s, 1500s: 40/s)", tt_policy, "", 3600, &sc, &r);
    int launches = 0, terminations = 0;
    for (int i = 0; i < r.n; i++) {
        if (strcmp(r.kind[i], "scaling"))
            continue;
        if (!strncmp(r.detail[i], "Launching a new EC2 instance: web/", 34)) {
            launches++;
            CU_ASSERT_PTR_NOT_NULL(strstr(r.detail[i], ". Cause: an instance was started in "
                                                       "response to a difference between "
                                                       "desired and actual capacity, "
                                                       "increasing the capacity from "));
            CU_ASSERT(strstr(r.detail[i], "Details: zone a.") ||
                      strstr(r.detail[i], "Details: zone b."));
        } else if (!strncmp(r.detail[i], "Terminating EC2 instance: web/", 30)) {
            terminations++;
            CU_ASSERT_PTR_NOT_NULL(strstr(r.detail[i], "shrinking the capacity from "));
            CU_ASSERT_PTR_NOT_NULL(strstr(r.detail[i], "Details: zone "));
        }
    }
    struct asg *a = w->asgs[0];
    CU_ASSERT(launches > 0);
    CU_ASSERT(terminations > 0);
    CU_ASSERT_EQUAL((uint64_t)launches, a->launches);
    /* Rows come when an instance is taken out; the count when it has drained. */
    CU_ASSERT((uint64_t)terminations >= a->terminations);
    printf("\n    %d launches and %d terminations, each a row with its zone\n", launches,
           terminations);
    done(w, sc);
}

/* Instances 0 and 1 (zones a, b) run from t = 0, 2 and 3 from 600 s; at 3700 s the group
 * goes back to 2.  Which two go, named in the termination rows. */
static void terminated_by(const char *policy, char *out, size_t len)
{
    struct scenario *sc;
    struct rows r = {0};
    char group[1024];
    snprintf(group, sizeof group,
             "      launch_time: const(30s), warmup: 60s, min: 1, max: 10, desired: 2,\n"
             "      %s%s%s"
             "      policies: [ { name: up, type: scheduled, at: 600s, desired: 4 },\n"
             "                  { name: down, type: scheduled, at: 3700s, desired: 2 } ]",
             policy ? "termination_policy: " : "", policy ? policy : "", policy ? ",\n" : "");
    struct world *w = run_group("steps(0s: 20/s)", group, "", 3800, &sc, &r);
    out[0] = 0;
    for (int i = 0; i < r.n; i++)
        if (!strncmp(r.detail[i], "Terminating EC2 instance: ", 26)) {
            size_t l = strlen(out);
            snprintf(out + l, len - l, "%s%.*s", l ? " " : "",
                     (int)strcspn(r.detail[i] + 26, "."), r.detail[i] + 26);
        }
    done(w, sc);
}

/* The default policy (after zone balance; allocation strategy and launch template make
 * no choice with one template) takes the instance closest to its next instance hour:
 * at 3700 s those launched at 600 s (500 s to go) rather than at 0 (3500 s).  elbsim took
 * the oldest before.  The named policies apply in list order. */
static void termination_policies_choose_as_aws_documents(void)
{
    char got[256];
    terminated_by(NULL, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "web/2 web/3");
    terminated_by("Default", got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "web/2 web/3");
    terminated_by("[OldestInstance]", got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "web/0 web/1");
    terminated_by("[oldest_instance]", got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "web/0 web/1");
    terminated_by("[NewestInstance, OldestInstance]", got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "web/2 web/3");
    terminated_by("[ClosestToNextInstanceHour]", got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "web/2 web/3");
    terminated_by("[AllocationStrategy, OldestLaunchTemplate, OldestInstance]", got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "web/0 web/1");
    /* No choice made: at random from the group's stream, the same for the same seed. */
    char again[256];
    terminated_by("[OldestLaunchTemplate]", got, sizeof got);
    terminated_by("[OldestLaunchTemplate]", again, sizeof again);
    CU_ASSERT_STRING_EQUAL(got, again);
    CU_ASSERT_EQUAL(strlen(got), strlen("web/0 web/1"));
    printf("\n    OldestLaunchTemplate alone (a tie): %s\n", got);
}

/* Zone a goes out at 300 s for 20 minutes.  Its two instances crash and are replaced
 * (EC2 status checks, no grace left) in zone b, never in a; at 1500 s zone a is back and
 * AZRebalance launches there first (the group at max 4 goes to 5: max + 1 instance),
 * then takes one out of b once the new one is in service, until 2 + 2. */
static const char *const outage_group =
    "      launch_time: const(30s), warmup: 60s, health_check_grace_period: 0s,\n"
    "      min: 4, max: 4, desired: 4%s";

static void zone_outage(const char *suspend, struct rows *r, int *max_active, int *a_end,
                        int *b_end, int *launched_in_a_during)
{
    struct scenario *sc;
    char group[512];
    snprintf(group, sizeof group, outage_group, suspend);
    struct world *w = run_group("steps(0s: 40/s)", group,
                                "faults: [ { kind: outage, zone: a, at: 300s, duration: 1200s } ]\n",
                                3000, &sc, r);
    struct asg *a = w->asgs[0];
    *max_active = 0;
    *launched_in_a_during = 0;
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->kind[i], "scaling") && strstr(r->detail[i], "Launching") &&
            strstr(r->detail[i], "zone a.") && r->t[i] >= 300 && r->t[i] < 1500)
            (*launched_in_a_during)++;
    *a_end = *b_end = 0;
    for (uint32_t i = 0; i < a->ninst; i++) {
        const struct asg_instance *in = &a->inst[i];
        if (in->state == ASG_PENDING || in->state == ASG_IN_SERVICE) {
            bool za = !strcmp(target_list_zone_name(a->targets, in->t->spec.zone), "a");
            *a_end += za;
            *b_end += !za;
        }
    }
    /* The most instances active at once: launches minus terminations in row order. */
    int act = 4;
    for (int i = 0; i < r->n; i++) {
        if (strcmp(r->kind[i], "scaling"))
            continue;
        act += !strncmp(r->detail[i], "Launching", 9) - !strncmp(r->detail[i], "Terminating", 11);
        *max_active = act > *max_active ? act : *max_active;
    }
    done(w, sc);
}

static void a_zone_outage_moves_capacity_and_azrebalance_moves_it_back(void)
{
    struct rows r = {0};
    int peak, za, zb, during;
    zone_outage("", &r, &peak, &za, &zb, &during);
    CU_ASSERT_EQUAL(during, 0);
    CU_ASSERT(first(&r, 300, "Launching a new EC2 instance") > 0);
    double back = first(&r, 1500 - 1e-9, "to aid in balancing the group's zones");
    CU_ASSERT(back >= 1500 - 1e-9);
    CU_ASSERT_EQUAL(za, 2);
    CU_ASSERT_EQUAL(zb, 2);
    CU_ASSERT_EQUAL(peak, 5); /* max 4 + 1 while rebalancing */
    printf("\n    outage of zone a 300-1500 s: rebalanced from %g s, at most %d instances\n",
           back, peak);
    /* AZRebalance suspended: the capacity stays in zone b. */
    struct rows r2 = {0};
    zone_outage(",\n      suspended_processes: [AZRebalance]", &r2, &peak, &za, &zb, &during);
    CU_ASSERT(first(&r2, 0, "to aid in balancing") < 0);
    CU_ASSERT_EQUAL(za, 0);
    CU_ASSERT_EQUAL(zb, 4);
    CU_ASSERT_EQUAL(peak, 4);
}

/* Suspended processes act as in AWS: no scale-out with Launch suspended, no scheduled
 * action with ScheduledActions, no replacement with ReplaceUnhealthy. */
static void suspended_processes_stop_what_they_name(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *group =
        "      launch_time: const(30s), warmup: 60s, health_check_grace_period: 0s,\n"
        "      min: 2, max: 10, desired: 2,\n"
        "      suspended_processes: [Launch, ScheduledActions, ReplaceUnhealthy],\n"
        "      policies: [ { name: up, type: scheduled, at: 600s, desired: 6 } ]";
    struct world *w = run_group("steps(0s: 40/s)", group,
                                "faults: [ { kind: crash, target: web/0, at: 300s } ]\n", 1200,
                                &sc, &r);
    CU_ASSERT_EQUAL(w->asgs[0]->launches, 0);
    CU_ASSERT_EQUAL(w->asgs[0]->replacements, 0);
    CU_ASSERT_EQUAL(w->asgs[0]->desired, 2);
    done(w, sc);
}

/* Two instances at 30 % CPU against a 50 % target: the scale-in alarm (below 35 %) is in
 * ALARM, but ceil(2 × 30 / 50) = 2 keeps both (AWS rounds a scale-in so as not to remove
 * too much).  Rounding down went 2 → 1 → 2 → 1 ... for as long as the load lasted. */
static void target_tracking_keeps_a_constant_load_without_flapping(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *group =
        "      launch_time: const(30s), warmup: 60s, monitoring: detailed,\n"
        "      min: 1, max: 20, desired: 2,\n"
        "      policies: [ { name: cpu50, type: target_tracking,\n"
        "                    metric: ASGAverageCPUUtilization, target: 50 } ]";
    struct world *w = run_group("steps(0s: 60/s)", group, "", 7200, &sc, &r);
    int changes = 0;
    for (int i = 0; i < r.n; i++)
        changes += !strcmp(r.kind[i], "scaling") && strstr(r.detail[i], "changing the desired");
    CU_ASSERT_EQUAL(changes, 0);
    CU_ASSERT_EQUAL(w->asgs[0]->desired, 2);
    printf("\n    2 instances at 30 %% for 2 h: %d changes of desired capacity\n", changes);
    done(w, sc);
}

/* A CPU policy with scale-in disabled next to a request-count policy: 33.3 requests/s
 * over 4 instances are 500 per target per minute, so the request policy (1200) wants
 * ceil(4 × 500 / 1200) = 2.  The CPU policy has no say in scale-in (AWS: scale in only if
 * all policies with the scale-in portion enabled are ready), so the group goes to 2. */
static void a_policy_with_scale_in_disabled_does_not_veto_scale_in(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *group =
        "      launch_time: const(30s), warmup: 60s, monitoring: detailed,\n"
        "      min: 1, max: 20, desired: 4,\n"
        "      policies: [ { name: cpu50, type: target_tracking, disable_scale_in: true,\n"
        "                    metric: ASGAverageCPUUtilization, target: 50 },\n"
        "                  { name: req, type: target_tracking,\n"
        "                    metric: ALBRequestCountPerTarget, target: 1200 } ]";
    struct world *w = run_group("steps(0s: 33.333/s)", group, "", 3600, &sc, &r);
    double t = first(&r, 0, "AlarmLow-req");
    CU_ASSERT(t > 0 && t < 3600);
    CU_ASSERT_EQUAL(w->asgs[0]->desired, 2);
    printf("\n    request policy scaled in at %g s to %d\n", t, w->asgs[0]->desired);
    done(w, sc);
}

/* Scale-out at 840 s brings instances warming until 840 + 30 + 60 s; the load drops at
 * 900 s, and no scale-in may happen while any of them warms. */
static void warming_instances_block_scale_in(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *pol =
        "      policies: [ { name: cpu50, type: target_tracking,\n"
        "                    metric: ASGAverageCPUUtilization, target: 50,\n"
        "                    scale_in_datapoints: 2 } ]";
    char group[512];
    snprintf(group, sizeof group, "%s", pol);
    struct world *w = run("steps(0s: 80/s, 600s: 300/s, 900s: 20/s)", group, "", 1800, &sc, &r);
    double out = first(&r, 0, "AlarmHigh");
    CU_ASSERT_DOUBLE_EQUAL(out, 840, 1e-9);
    double in = first(&r, out, "AlarmLow");
    /* Launched at 840, in service at 870, warm at 930. */
    CU_ASSERT(in >= 930 - 1e-9);
    printf("\n    scale-out at %g s, first scale-in at %g s (warm-up ends 930 s)\n", out, in);
    done(w, sc);
}

/* The policy's own warm-up (EstimatedInstanceWarmup) overrides the group's 60 s: the
 * instances its scale-out at 840 s launches are in service at 870 and warm until 870 +
 * the policy's warm-up, left out of the metric and blocking scale-in until then. */
static double first_scale_in_with_policy_warmup(const char *warmup, double *warm_until)
{
    struct scenario *sc;
    struct rows r = {0};
    char pol[512];
    snprintf(pol, sizeof pol,
             "      policies: [ { name: cpu50, type: target_tracking,\n"
             "                    metric: ASGAverageCPUUtilization, target: 50,\n"
             "                    scale_in_datapoints: 2, warmup: %s } ]",
             warmup);
    struct world *w = run("steps(0s: 80/s, 600s: 300/s, 900s: 20/s)", pol, "", 2400, &sc, &r);
    CU_ASSERT_DOUBLE_EQUAL(first(&r, 0, "AlarmHigh"), 840, 1e-9);
    struct asg *a = w->asgs[0];
    CU_ASSERT_FATAL(a->ninst > 2);
    *warm_until = a->inst[2].warm_until_s; /* the first instance the scale-out launched */
    double in = first(&r, 840, "AlarmLow");
    done(w, sc);
    return in;
}

static void a_policy_warmup_overrides_the_group_default(void)
{
    double warm0, warm900;
    double in0 = first_scale_in_with_policy_warmup("0s", &warm0);
    double in900 = first_scale_in_with_policy_warmup("900s", &warm900);
    CU_ASSERT_DOUBLE_EQUAL(warm0, 870, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(warm900, 870 + 900, 1e-9);
    CU_ASSERT(in0 > 0 && in0 < 1770);
    CU_ASSERT(in900 >= 1770 - 1e-9);
    printf("\n    policy warm-up 0 s: first scale-in %g s; 900 s: %g s\n", in0, in900);
}

static void scheduled_actions_fire_at_their_exact_time(void)
{
    struct scenario *sc;
    struct rows r = {0};
    /* t = 0 is Friday 16:00 UTC: the Friday-17:00 floor fires at 3600 s exactly. */
    const char *pol =
        "      policies: [ { name: at1000, type: scheduled, at: 1000s, desired: 5 },\n"
        "                  { name: friday, type: scheduled, recurrence: '0 17 * * FRI',\n"
        "                    min: 8 } ]";
    struct world *w = run("steps(0s: 50/s)", pol, "start: '2026-01-09T16:00Z'\n", 4000, &sc, &r);
    double t1 = first(&r, 0, "at1000"), t2 = first(&r, 0, "friday");
    CU_ASSERT_DOUBLE_EQUAL(t1, 1000, 0);
    CU_ASSERT_DOUBLE_EQUAL(t2, 3600, 0);
    struct asg *a = w->asgs[0];
    CU_ASSERT_EQUAL(a->min, 8);
    CU_ASSERT_EQUAL(a->desired, 8);
    int pend, svc, warm, drain;
    asg_counts(a, 4000, &pend, &svc, &warm, &drain);
    CU_ASSERT_EQUAL(svc, 8);
    done(w, sc);
}

static void capacity_stays_within_min_and_max(void)
{
    struct scenario *sc;
    struct rows r = {0};
    char text[2048];
    /* max 4 under a load that would want 15. */
    snprintf(text, sizeof text,
             "duration: 2400s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: 'steps(0s: 1500/s)', demand: const(20ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, targets: [] }\n"
             "auto_scaling_groups:\n"
             "  - { name: web, target_groups: [tg], launch_template: { vcpus: 2, queue_limit: 50 },\n"
             "      launch_time: const(30s), warmup: 60s, monitoring: detailed,\n"
             "      min: 2, max: 4,\n"
             "      policies: [ { name: cpu50, type: target_tracking,\n"
             "                    metric: ASGAverageCPUUtilization, target: 50 } ] }\n");
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "a.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 7);
    w->env.events = (struct sim_event_log){on_event, &r};
    world_start(w);
    sim_event_run_until(&w->env.sim, 2400);
    int maxd = 0;
    for (int i = 0; i < r.n; i++)
        if (!strcmp(r.kind[i], "scaling")) {
            int d = to_capacity(r.detail[i]);
            maxd = d > maxd ? d : maxd;
        }
    CU_ASSERT_EQUAL(maxd, 4);
    CU_ASSERT_EQUAL(w->asgs[0]->desired, 4);
    done(w, sc);
}

/* Scale-in deregisters first; the instance stops only once its draining is over. */
static void deregistration_comes_before_termination(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *pol =
        "      policies: [ { name: shrink, type: scheduled, at: 600s, desired: 2 } ]";
    char group[512];
    snprintf(group, sizeof group, "%s", pol);
    /* Start at 6 (desired is read before the policies: set it with --set-like text). */
    struct world *w;
    char text[2048];
    snprintf(text, sizeof text,
             "duration: 900s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: 'steps(0s: 100/s)', demand: const(20ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, deregistration_delay: 30s }\n"
             "auto_scaling_groups:\n"
             "  - { name: web, target_groups: [tg], launch_template: { vcpus: 2 },\n"
             "      min: 1, max: 10, desired: 6,\n%s }\n",
             group);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "a.yaml", NULL, 0, &sc), 0);
    w = world_new(sc, 7);
    w->env.events = (struct sim_event_log){on_event, &r};
    world_start(w);
    sim_event_run_until(&w->env.sim, 900);
    struct asg *a = w->asgs[0];
    int terminated = 0;
    for (uint32_t i = 0; i < a->ninst; i++) {
        const struct target *t = a->inst[i].t;
        if (a->inst[i].state != ASG_TERMINATED)
            continue;
        terminated++;
        double drain = -1, unused = -1;
        for (int k = 0; k < r.n; k++)
            if (!strcmp(r.name[k], t->node.name) && !strcmp(r.kind[k], "health")) {
                if (strstr(r.detail[k], "-> draining"))
                    drain = r.t[k];
                if (strstr(r.detail[k], "-> unused"))
                    unused = r.t[k];
            }
        CU_ASSERT_DOUBLE_EQUAL(drain, 600, 1e-9);
        CU_ASSERT(unused >= drain);
        CU_ASSERT(unused <= drain + 30 + 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(t->stopped_s, unused, 1e-9);
    }
    CU_ASSERT_EQUAL(terminated, 4);
    done(w, sc);
}

/* A host that goes down fails EC2's status checks and is replaced; a process that crashes
 * on a live host passes them, so a group on EC2 health checks alone keeps it (AWS: only
 * the ELB health check type sees an application that stopped answering). */
static void unreachable_instances_are_replaced(void)
{
    struct scenario *sc;
    struct rows r = {0};
    struct world *w = run("steps(0s: 100/s)", "      health_check_grace_period: 60s",
                          "faults: [ { at: 300s, target: web/0, kind: crash } ]\n", 900, &sc,
                          &r);
    CU_ASSERT(first(&r, 0, "Terminating EC2 instance: web/0") < 0);
    CU_ASSERT_EQUAL(w->asgs[0]->replacements, 0);
    done(w, sc);
    r = (struct rows){0};
    w = run("steps(0s: 100/s)", "      health_check_grace_period: 60s",
            "faults: [ { at: 300s, target: web/0, kind: host_down } ]\n", 900, &sc, &r);
    double t = first(&r, 0, "Terminating EC2 instance: web/0");
    /* The group's first check at or after the crash (every 60 s: 300 s itself). */
    CU_ASSERT_DOUBLE_EQUAL(t, 300, 1e-9);
    struct asg *a = w->asgs[0];
    CU_ASSERT_EQUAL(a->replacements, 1);
    CU_ASSERT_EQUAL(a->launches, 1);
    int pend, svc, warm, drain;
    asg_counts(a, 900, &pend, &svc, &warm, &drain);
    CU_ASSERT_EQUAL(svc, 2);
    done(w, sc);
}


/* Predictive scaling from a 48-hour history (tests/data/pred_history.csv: CPU summed over
 * instances 100 %, except 600 % in the 09:00 hour): the forecast for 09:00 asks for 600 /
 * 50 = 12 instances, in place at 08:55 with the default 300 s buffer, and no predictive
 * action ever lowers the capacity. */
static const char *const pred_policy =
    "      policies: [ { name: predict, type: predictive, target: 50, method: seasonal_naive,\n"
    "                    mode: forecast_and_scale, history: tests/data/pred_history.csv } ]";

static void predictive_capacity_is_in_place_before_the_hour(void)
{
    struct scenario *sc;
    struct rows r = {0};
    struct world *w = run("steps(0s: 50/s)", pred_policy, "", 12 * 3600, &sc, &r);
    double t = first(&r, 0, "Predictive scaling policy predict");
    CU_ASSERT_DOUBLE_EQUAL(t, 9 * 3600 - 300, 1e-9);
    for (int i = 0; i < r.n; i++)
        if (!strcmp(r.kind[i], "scaling") && strstr(r.detail[i], "Predictive")) {
            CU_ASSERT(strstr(r.detail[i], "to 12 ") != NULL);
            /* "from X to Y": never lower. */
            const char *f = strstr(r.detail[i], "from ");
            CU_ASSERT(f && atoi(f + 5) < to_capacity(r.detail[i]));
        }
    printf("\n    09:00 capacity scheduled at %g s (08:55)\n", t);
    done(w, sc);
}

/* mode: forecast_only, and no mode at all (AWS's default is ForecastOnly): the forecast
 * is made, nothing is scaled.  elbsim scaled by default before. */
static void forecast_only_scales_nothing(void)
{
    for (int k = 0; k < 2; k++) {
        struct scenario *sc;
        struct rows r = {0};
        char pol[512];
        snprintf(pol, sizeof pol,
                 "      policies: [ { name: predict, type: predictive, target: 50,\n"
                 "                    %smethod: seasonal_naive,\n"
                 "                    history: tests/data/pred_history.csv } ]",
                 k ? "" : "mode: forecast_only, ");
        struct world *w = run("steps(0s: 50/s)", pol, "", 12 * 3600, &sc, &r);
        CU_ASSERT(sc->asgs[0].policies[0].forecast_only);
        CU_ASSERT(first(&r, 0, "Predictive") < 0);
        /* The forecast was still made: hour 9 expects 600. */
        CU_ASSERT_DOUBLE_EQUAL(w->asgs[0]->pol[0].pred.fc_load[9], 600, 1e-6);
        CU_ASSERT_DOUBLE_EQUAL(w->asgs[0]->pol[0].pred.fc_cap[9], 12, 0);
        done(w, sc);
    }
}

/* With under 24 h of history nothing is scheduled (the run's own first day). */
static void predictive_waits_for_a_day_of_history(void)
{
    struct scenario *sc;
    struct rows r = {0};
    const char *pol =
        "      policies: [ { name: predict, type: predictive, target: 50,\n"
        "                    mode: forecast_and_scale, wait_for_history: true } ]";
    struct world *w = run("steps(0s: 100/s)", pol, "", 23 * 3600, &sc, &r);
    CU_ASSERT_EQUAL(w->asgs[0]->pol[0].pred.refreshes, 0);
    CU_ASSERT_EQUAL(w->asgs[0]->pol[0].pred.hist_n, 23); /* hours closed at 1 h ... 23 h */
    CU_ASSERT(first(&r, 0, "Predictive") < 0);
    done(w, sc);
}

static CU_TestInfo tests[] = {
    {"scale_out_waits_for_three_datapoints_and_the_delay",
     scale_out_waits_for_three_datapoints_and_the_delay},
    {"scale_in_waits_for_fifteen_datapoints", scale_in_waits_for_fifteen_datapoints},
    {"simple_scaling_waits_for_its_cooldown", simple_scaling_waits_for_its_cooldown},
    {"warming_instances_block_scale_in", warming_instances_block_scale_in},
    {"a_policy_with_scale_in_disabled_does_not_veto_scale_in",
     a_policy_with_scale_in_disabled_does_not_veto_scale_in},
    {"simple_scaling_cooldown_is_the_groups_from_the_end_of_the_activity",
     simple_scaling_cooldown_is_the_groups_from_the_end_of_the_activity},
    {"every_launch_and_termination_is_an_activity_with_its_zone",
     every_launch_and_termination_is_an_activity_with_its_zone},
    {"termination_policies_choose_as_aws_documents",
     termination_policies_choose_as_aws_documents},
    {"a_zone_outage_moves_capacity_and_azrebalance_moves_it_back",
     a_zone_outage_moves_capacity_and_azrebalance_moves_it_back},
    {"suspended_processes_stop_what_they_name", suspended_processes_stop_what_they_name},
    {"target_tracking_keeps_a_constant_load_without_flapping",
     target_tracking_keeps_a_constant_load_without_flapping},
    {"a_policy_warmup_overrides_the_group_default", a_policy_warmup_overrides_the_group_default},
    {"scheduled_actions_fire_at_their_exact_time", scheduled_actions_fire_at_their_exact_time},
    {"capacity_stays_within_min_and_max", capacity_stays_within_min_and_max},
    {"deregistration_comes_before_termination", deregistration_comes_before_termination},
    {"unreachable_instances_are_replaced", unreachable_instances_are_replaced},
    {"predictive_capacity_is_in_place_before_the_hour",
     predictive_capacity_is_in_place_before_the_hour},
    {"forecast_only_scales_nothing", forecast_only_scales_nothing},
    {"predictive_waits_for_a_day_of_history", predictive_waits_for_a_day_of_history},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_asg_suites[] = {
    {"asg", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
