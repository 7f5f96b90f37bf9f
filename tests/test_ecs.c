/* ECS services end to end, in process: a Fargate service scaling out with its task start
 * latency, Fargate billing, EC2-launch-type tasks waiting PROVISIONING for instance room,
 * the capacity provider growing the cluster (and its warm-up gate), binpack versus spread
 * placement and the empty-instance scale-in, Application Auto Scaling cooldowns, and the
 * configuration checks.  Each test builds a world from YAML (an ALB, one target group, no
 * targets), then the service by hand with ecs_new, and reads events.csv rows. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/containers/ecs.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/scenario/world.h"
#include "sim/dist.h"
#include "sim/ytree.h"
#include "tests/unit.h"

#define MAX_ROWS 1024
#define MAX_POL 4

struct rows {
    int n;
    double t[MAX_ROWS];
    char kind[MAX_ROWS][16];
    char name[MAX_ROWS][32];
    char detail[MAX_ROWS][400];
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

/* Everything one test builds; freed by fx_free. */
struct fx {
    struct scenario *sc;
    struct world *w;
    struct ecs_service *s;
    struct ecs_service_cfg cfg;
    struct scaling_policy pol[MAX_POL];
    int npol;
    struct sim_dist *start, *launch;
    int tg;
    struct rows r;
};

/* The world: workload `arrivals` of 20 ms requests into an ALB forwarding to "tg". */
static struct fx *fx_new(const char *arrivals, double duration)
{
    struct fx *f = calloc(1, sizeof *f);
    char text[2048];
    snprintf(text, sizeof text,
             "duration: %gs\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: '%s', demand: const(20ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a, b], latency: none, listeners: [ { forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, deregistration_delay: 30s,\n"
             "      health_check: { interval: 10s, timeout: 5s } }\n",
             duration, arrivals);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "e.yaml", NULL, 0, &f->sc), 0);
    f->w = world_new(f->sc, 7);
    f->w->env.events = (struct sim_event_log){on_event, &f->r};
    f->tg = 0;
    ecs_service_cfg_default(&f->cfg, "api");
    f->cfg.tgs = &f->tg;
    f->cfg.ntgs = 1;
    return f;
}

static struct sim_dist *dist(const char *text)
{
    struct sim_dist *d = NULL;
    CU_ASSERT_EQUAL_FATAL(sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, NULL, &d), 0);
    return d;
}

/* Read the policies of a YAML list with the service's ECS context. */
static void fx_policies(struct fx *f, const char *yaml)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(yaml, "p.yaml", &t), 0);
    CU_ASSERT_FATAL(t->kind == YTREE_SEQ && t->n <= MAX_POL);
    for (size_t i = 0; i < t->n; i++)
        CU_ASSERT_EQUAL_FATAL(scaling_policy_read(t->items[i], &f->cfg.ctx, &f->pol[i]), 0);
    f->npol = (int)t->n;
    ytree_free(t);
    f->cfg.policies = f->pol;
    f->cfg.npolicies = f->npol;
}

/* Check, build and start the service and the world. */
static void fx_start(struct fx *f)
{
    CU_ASSERT_EQUAL_FATAL(ecs_cfg_check(&f->cfg, NULL), 0);
    f->s = ecs_new(&f->w->targets, &f->cfg, &f->w->tgs[f->tg], f->w->sc->nzones,
                   f->w->sc->duration_s);
    ecs_start(f->s);
    world_start(f->w);
}

static void fx_run(struct fx *f, double until)
{
    sim_event_run_until(&f->w->env.sim, until);
}

static void fx_free(struct fx *f)
{
    world_free(f->w); /* the engine first: its events point into the service */
    ecs_free(f->s);
    for (int i = 0; i < f->npol; i++)
        scaling_policy_fini(&f->pol[i]);
    sim_dist_free(f->start);
    sim_dist_free(f->launch);
    scenario_free(f->sc);
    free(f);
}

/* The first row of `kind` by `name` after `after` whose detail contains `what`: its index,
 * or -1. */
static int find(const struct rows *r, const char *kind, const char *name, double after,
                const char *what)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->kind[i], kind) && !strcmp(r->name[i], name) && r->t[i] > after &&
            strstr(r->detail[i], what))
            return i;
    return -1;
}

static double at(const struct rows *r, int i)
{
    return i < 0 ? -1 : r->t[i];
}

static int count_rows(const struct rows *r, const char *kind, const char *name)
{
    int n = 0;
    for (int i = 0; i < r->n; i++)
        n += !strcmp(r->kind[i], kind) && !strcmp(r->name[i], name);
    return n;
}

static void counts(const struct fx *f, int *prov, int *pend, int *run)
{
    int drain;
    ecs_counts(f->s, prov, pend, run, &drain);
}

/* An EC2-launch-type service of 2-vCPU / 2 GB tasks on c5.xlarge (4 vCPU, 8 GB). */
static void ec2_cfg(struct fx *f, int inst_min, int inst_max, int inst_desired)
{
    f->cfg.launch_type = ECS_LAUNCH_EC2;
    f->cfg.cpu = 2;
    f->cfg.memory_gb = 2;
    f->cfg.cluster.name = "api-cluster";
    f->cfg.cluster.instance_type = "c5.xlarge";
    f->cfg.cluster.min = inst_min;
    f->cfg.cluster.max = inst_max;
    f->cfg.cluster.desired = inst_desired;
    f->start = dist("const(10s)");
    f->launch = dist("const(60s)");
    f->cfg.start_time = f->start;
    f->cfg.cluster.launch_time = f->launch;
}

/* ---- Fargate ---- */

/* Load x3.75 at 600 s saturates both tasks; three hot datapoints are visible at 840 s and
 * the new tasks serve only after their start latency (50 s): at 890 s, not before. */
static void fargate_service_scales_out_after_its_start_latency(void)
{
    struct fx *f = fx_new("steps(0s: 40/s, 600s: 150/s)", 1200);
    f->cfg.cpu = 1;
    f->cfg.memory_gb = 2;
    f->cfg.min = 2;
    f->cfg.max = 10;
    f->cfg.desired = 2;
    f->start = dist("const(50s)");
    f->cfg.start_time = f->start;
    fx_policies(f, "- { name: cpu50, type: target_tracking,\n"
                   "    metric: ECSServiceAverageCPUUtilization, target: 50 }\n");
    fx_start(f);
    fx_run(f, 889);
    int i = find(&f->r, "scaling", "api", 0, "Setting desired count to 4.");
    CU_ASSERT_DOUBLE_EQUAL(at(&f->r, i), 840, 1e-9);
    CU_ASSERT_PTR_NOT_NULL(i >= 0 ? strstr(f->r.detail[i], "AlarmHigh-cpu50") : NULL);
    CU_ASSERT_EQUAL(find(&f->r, "scaling", "api", 0, "Setting"), i); /* none before */
    int prov, pend, run;
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(prov, 0);
    CU_ASSERT_EQUAL(pend, 2);
    CU_ASSERT_EQUAL(run, 2);
    fx_run(f, 891);
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(run, 4);
    CU_ASSERT_DOUBLE_EQUAL(f->s->tasks[2].running_s, 890, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f->s->tasks[2].placed_s, 840, 1e-9);
    CU_ASSERT_STRING_EQUAL(f->s->tasks[2].t->node.name, "api/2");
    fx_run(f, 1200);
    CU_ASSERT(f->s->desired > 4); /* the backlog keeps it growing */
    printf("\n    load x3.75 at 600 s: desired 4 at %g s, serving at 890 s, %d at 1200 s\n",
           at(&f->r, i), f->s->desired);
    fx_free(f);
}

/* The same scale-out with image: { size: 1GB } at 50 MB/s plus 1 s: a Fargate task starts
 * 21 s of pull after its placement, then its start_time (50 s): running at 840 + 71. */
static void fargate_tasks_pull_their_image_every_time(void)
{
    struct fx *f = fx_new("steps(0s: 40/s, 600s: 150/s)", 1200);
    f->cfg.cpu = 1;
    f->cfg.memory_gb = 2;
    f->cfg.min = 2;
    f->cfg.max = 10;
    f->cfg.desired = 2;
    f->cfg.image_mb = 1000;
    f->start = dist("const(50s)");
    f->cfg.start_time = f->start;
    fx_policies(f, "- { name: cpu50, type: target_tracking,\n"
                   "    metric: ECSServiceAverageCPUUtilization, target: 50 }\n");
    fx_start(f);
    fx_run(f, 910);
    int prov, pend, run;
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(run, 2);
    fx_run(f, 912);
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(run, 4);
    CU_ASSERT_DOUBLE_EQUAL(f->s->tasks[2].running_s, 911, 1e-9);
    fx_free(f);
}

/* Two 0.5 vCPU / 1 GB tasks; one stops at 30 s (billed the 60 s minimum), the other runs
 * 600 s: cost = ($0.04048 × 0.5 + $0.004445 × 1) per hour × 660 s. */
static void fargate_task_cost_is_the_catalog_price_times_time(void)
{
    struct fx *f = fx_new("steps(0s: 1/s)", 600);
    f->cfg.cpu = 0.5;
    f->cfg.memory_gb = 1;
    f->cfg.min = 0;
    f->cfg.max = 2;
    f->cfg.desired = 2;
    f->cfg.ntgs = 0; /* no draining: the task stops when asked */
    fx_policies(f, "- { name: one, type: scheduled, at: 30s, desired: 1 }\n");
    fx_start(f);
    fx_run(f, 600);
    double per_hour = 0.5 * 0.04048 + 1 * 0.004445;
    CU_ASSERT_DOUBLE_EQUAL(catalog_fargate_price_per_hour(0.5, 1), per_hour, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ecs_cost_usd(f->s, 600), per_hour * 660 / 3600, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ecs_task_hours(f->s, 600), 630.0 / 3600, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(f->s->tasks[1].stopped_s, 30, 1e-9);
    /* One task alone for ten minutes. */
    CU_ASSERT_DOUBLE_EQUAL(target_cost_usd(f->s->tasks[0].t, 600), per_hour / 6, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ecs_instance_hours(f->s, 600), 0, 0);
    fx_free(f);
}

/* ---- EC2 launch type ---- */

static void crash_task0(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    struct fx *f = ctx;
    target_fault_start(f->s->tasks[0].t, -3, TARGET_FAULT_CRASH, 1, 0, NULL);
}

/* One c5.xlarge at the cluster's maximum holds two 2-vCPU tasks.  A third, asked for at
 * 300 s, stays PROVISIONING until task 0's container exits at 600 s; it is placed then
 * and runs 10 s later, and the replacement of task 0 waits in turn. */
static void ec2_tasks_wait_for_instance_capacity(void)
{
    struct fx *f = fx_new("steps(0s: 20/s)", 900);
    ec2_cfg(f, 1, 1, 1);
    f->cfg.min = 1;
    f->cfg.max = 4;
    f->cfg.desired = 2;
    fx_policies(f, "- { name: three, type: scheduled, at: 300s, desired: 3 }\n");
    fx_start(f);
    sim_event_schedule(&f->w->env.sim, 600, crash_task0, f, 0);
    fx_run(f, 599);
    int prov, pend, run;
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(prov, 1);
    CU_ASSERT_EQUAL(run, 2);
    CU_ASSERT_EQUAL(f->s->tasks[2].state, ECS_TASK_PROVISIONING);
    CU_ASSERT(find(&f->r, "ecs", "api", 299, "unable to place a task") >= 0);
    CU_ASSERT_DOUBLE_EQUAL(at(&f->r, find(&f->r, "ecs", "api", 0, "unable to place")), 300,
                           1e-9);
    fx_run(f, 900);
    CU_ASSERT_DOUBLE_EQUAL(f->s->tasks[2].placed_s, 600, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f->s->tasks[2].running_s, 610, 1e-9);
    CU_ASSERT_EQUAL(f->s->tasks[0].state, ECS_TASK_STOPPED);
    CU_ASSERT_EQUAL(f->s->tasks[3].state, ECS_TASK_PROVISIONING); /* task 0's replacement */
    CU_ASSERT_EQUAL(f->s->replacements, 1);
    int ip, is, id;
    ecs_cluster_counts(f->s, &ip, &is, &id);
    CU_ASSERT_EQUAL(is, 1);
    CU_ASSERT_EQUAL(count_rows(&f->r, "scaling", "api-cluster"), 0); /* at its maximum */
    CU_ASSERT_DOUBLE_EQUAL(f->s->cl.cpr_pct, 200, 1e-9);
    fx_free(f);
}

/* The service asks for 4 tasks at 300 s: two fit nowhere, CPR = 2/1 = 200 %, and the
 * capacity provider adds an instance at once (in service 60 s later, tasks running 10 s
 * after that).  At 400 s it asks for 8: the next step waits for the warm-up (300 s) of the
 * last one, then goes to the cluster's maximum of 4. */
static void capacity_provider_grows_the_cluster_for_pending_tasks(void)
{
    struct fx *f = fx_new("steps(0s: 20/s)", 1000);
    ec2_cfg(f, 1, 4, 1);
    f->cfg.min = 1;
    f->cfg.max = 10;
    f->cfg.desired = 2;
    fx_policies(f, "- { name: four, type: scheduled, at: 300s, desired: 4 }\n"
                   "- { name: eight, type: scheduled, at: 400s, desired: 8 }\n");
    fx_start(f);
    fx_run(f, 359);
    int prov, pend, run;
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(prov, 2);
    CU_ASSERT_EQUAL(run, 2);
    int svc = find(&f->r, "scaling", "api", 0, "Setting desired count to 4.");
    int cl = find(&f->r, "scaling", "api-cluster", 0, "from 1 to 2");
    CU_ASSERT_DOUBLE_EQUAL(at(&f->r, svc), 300, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(at(&f->r, cl), 300, 1e-9);
    CU_ASSERT_PTR_NOT_NULL(cl >= 0 ? strstr(f->r.detail[cl], "CapacityProviderReservation 200%")
                                   : NULL);
    fx_run(f, 371);
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(prov, 0);
    CU_ASSERT_EQUAL(run, 4);
    fx_run(f, 1000);
    int cl2 = find(&f->r, "scaling", "api-cluster", 300, "from 2 to 4");
    CU_ASSERT_DOUBLE_EQUAL(at(&f->r, cl2), 600, 1e-9);
    CU_ASSERT_EQUAL(count_rows(&f->r, "scaling", "api-cluster"), 2);
    counts(f, &prov, &pend, &run);
    CU_ASSERT_EQUAL(run, 8);
    int ip, is, id;
    ecs_cluster_counts(f->s, &ip, &is, &id);
    CU_ASSERT_EQUAL(is, 4);
    CU_ASSERT_EQUAL(id, 4);
    /* Billed: 1000 s + 700 s + 2 × 400 s of c5.xlarge at $0.17/h. */
    CU_ASSERT_DOUBLE_EQUAL(ecs_instance_hours(f->s, 1000), 2500.0 / 3600, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(ecs_cost_usd(f->s, 1000), 0.17 * 2500 / 3600, 1e-9);
    printf("\n    tasks pending at 300 s: cluster 1 -> 2 at %g s; at 400 s: 2 -> 4 at %g s\n",
           at(&f->r, cl), at(&f->r, cl2));
    fx_free(f);
}

/* Four 1-vCPU tasks on two c5.xlarge instances. */
static struct fx *placement_run(enum ecs_placement how, double until)
{
    struct fx *f = fx_new("steps(0s: 20/s)", until);
    ec2_cfg(f, 1, 2, 2);
    f->cfg.cpu = 1;
    f->cfg.memory_gb = 1;
    f->cfg.min = 1;
    f->cfg.max = 4;
    f->cfg.desired = 4;
    f->cfg.cluster.placement = how;
    fx_start(f);
    fx_run(f, until);
    return f;
}

static void binpack_fills_one_instance_before_the_next(void)
{
    struct fx *f = placement_run(ECS_PLACE_BINPACK, 1000);
    for (int k = 0; k < 4; k++)
        CU_ASSERT_EQUAL(f->s->tasks[k].inst, 0);
    /* The empty instance goes after 15 low evaluations (60 s ... 900 s). */
    int i = find(&f->r, "scaling", "api-cluster", 0, "from 2 to 1");
    CU_ASSERT_DOUBLE_EQUAL(at(&f->r, i), 900, 1e-9);
    CU_ASSERT_EQUAL(f->s->cl.inst[1].state, ECS_INSTANCE_TERMINATED);
    CU_ASSERT_EQUAL(f->s->cl.inst[0].state, ECS_INSTANCE_ACTIVE);
    fx_free(f);
}

static void spread_alternates_between_instances(void)
{
    struct fx *f = placement_run(ECS_PLACE_SPREAD, 1000);
    for (int k = 0; k < 4; k++)
        CU_ASSERT_EQUAL(f->s->tasks[k].inst, k % 2);
    CU_ASSERT_EQUAL(count_rows(&f->r, "scaling", "api-cluster"), 0); /* both hold tasks */
    CU_ASSERT_NOT_EQUAL(f->s->tasks[0].t->spec.zone, f->s->tasks[1].t->spec.zone);
    fx_free(f);
}

/* ---- Application Auto Scaling cooldowns ---- */

static double scaling_time(const struct rows *r, int k, const char *what)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->kind[i], "scaling") && !strcmp(r->name[i], "api") &&
            strstr(r->detail[i], what) && k-- == 0)
            return r->t[i];
    return -1;
}

/* Step policies with 300 s cooldowns: +1 task every minute while CPU > 70 % (a scale-out
 * cooldown never blocks a larger scale-out), then -1 task only every 300 s while CPU
 * < 20 % (a scale-in waits for its cooldown). */
static void step_scale_out_is_not_blocked_and_scale_in_waits_for_its_cooldown(void)
{
    struct fx *f = fx_new("steps(0s: 300/s, 1200s: 5/s)", 3600);
    f->cfg.cpu = 1;
    f->cfg.memory_gb = 2;
    f->cfg.min = 1;
    f->cfg.max = 8;
    f->cfg.desired = 1;
    f->start = dist("const(20s)");
    f->cfg.start_time = f->start;
    fx_policies(f,
                "- { name: out, type: step, adjustment_type: change_in_capacity,\n"
                "    alarm: { metric: CPUUtilization, period: 1m, threshold: 70,\n"
                "             comparison: '>' },\n"
                "    steps: [ { lower: 0, adjustment: 1 } ] }\n"
                "- { name: in, type: step, adjustment_type: change_in_capacity,\n"
                "    alarm: { metric: CPUUtilization, period: 1m, threshold: 20,\n"
                "             comparison: '<' },\n"
                "    steps: [ { upper: 0, adjustment: -1 } ] }\n");
    fx_start(f);
    fx_run(f, 3600);
    int nout = 0, nin = 0;
    double prev = -1, last_out = -1;
    bool quick = false;
    for (int k = 0; scaling_time(&f->r, k, "api-out-alarm") >= 0; k++) {
        double t = scaling_time(&f->r, k, "api-out-alarm");
        quick |= prev >= 0 && t - prev < 300;
        prev = last_out = t;
        nout++;
    }
    CU_ASSERT(nout >= 3);
    CU_ASSERT(quick); /* two scale-outs inside one 300 s cooldown */
    prev = -1;
    for (int k = 0; scaling_time(&f->r, k, "api-in-alarm") >= 0; k++) {
        double t = scaling_time(&f->r, k, "api-in-alarm");
        if (prev >= 0)
            CU_ASSERT_DOUBLE_EQUAL(t - prev, 300, 1e-9);
        CU_ASSERT(t > last_out);
        prev = t;
        nin++;
    }
    CU_ASSERT(nin >= 3);
    CU_ASSERT_EQUAL(f->s->desired, 1);
    printf("\n    %d scale-outs (one a minute), %d scale-ins (one per 300 s)\n", nout, nin);
    fx_free(f);
}

/* Target tracking, one policy for both directions: a scale-in alarm that comes inside the
 * scale-out cooldown waits for it (AWS.md §8). */
static void target_tracking_scale_in_waits_for_the_scale_out_cooldown(void)
{
    struct fx *f = fx_new("steps(0s: 100/s, 300s: 5/s)", 1500);
    f->cfg.cpu = 1;
    f->cfg.memory_gb = 2;
    f->cfg.min = 1;
    f->cfg.max = 8;
    f->cfg.desired = 1;
    f->start = dist("const(20s)");
    f->cfg.start_time = f->start;
    fx_policies(f, "- { name: cpu50, type: target_tracking,\n"
                   "    metric: ECSServiceAverageCPUUtilization, target: 50,\n"
                   "    scale_out_datapoints: 1, scale_in_datapoints: 1 }\n");
    fx_start(f);
    fx_run(f, 1500);
    double last_out = -1;
    for (int k = 0; scaling_time(&f->r, k, "AlarmHigh") >= 0; k++)
        last_out = scaling_time(&f->r, k, "AlarmHigh");
    double first_in = scaling_time(&f->r, 0, "AlarmLow");
    CU_ASSERT(last_out > 0);
    CU_ASSERT(last_out < 420); /* the last hot datapoint, [240, 300), is visible at 360 */
    /* The first cool datapoint [300, 360) is visible at 420; the scale-in waits for the
     * scale-out cooldown to end. */
    CU_ASSERT_DOUBLE_EQUAL(first_in, last_out + 300, 1e-9);
    printf("\n    last scale-out %g s, first scale-in %g s\n", last_out, first_in);
    fx_free(f);
}

/* Five 1-vCPU Fargate tasks at 44 % CPU against a 50 % target: below the scale-in
 * threshold (0.9 × 50 = 45), but ceil(5 × 44 / 50) = 5 keeps all five.  Rounding the
 * scale-in down went 5 → 4 (55 %, above the target) → 5 again, over and over. */
static void target_tracking_keeps_a_constant_load_without_flapping(void)
{
    struct fx *f = fx_new("steps(0s: 110/s)", 7200);
    f->cfg.cpu = 1;
    f->cfg.memory_gb = 2;
    f->cfg.min = 1;
    f->cfg.max = 10;
    f->cfg.desired = 5;
    fx_policies(f, "- { name: cpu50, type: target_tracking,\n"
                   "    metric: ECSServiceAverageCPUUtilization, target: 50 }\n");
    fx_start(f);
    fx_run(f, 7200);
    CU_ASSERT_EQUAL(f->s->activities, 0);
    CU_ASSERT_EQUAL(f->s->desired, 5);
    CU_ASSERT(scaling_time(&f->r, 0, "Setting desired count") < 0);
    printf("\n    5 tasks at 44 %% for 2 h: %llu scaling activities\n",
           (unsigned long long)f->s->activities);
    fx_free(f);
}

/* ---- configuration ---- */

static char *check_error(const struct ecs_service_cfg *cfg)
{
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = ecs_cfg_check(cfg, NULL);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_EQUAL(cap.errors, 1);
    return msg;
}

static void bad_configurations_are_reported(void)
{
    struct ecs_service_cfg c;
    ecs_service_cfg_default(&c, "api");
    CU_ASSERT_EQUAL(ecs_cfg_check(&c, NULL), 0);
    c.memory_gb = 3; /* 0.25 vCPU takes 0.5, 1 or 2 GB */
    char *m = check_error(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "no Fargate size has cpu 0.25 with memory 3 GB"));
    free(m);
    ecs_service_cfg_default(&c, "api");
    c.launch_type = ECS_LAUNCH_EC2;
    c.cpu = 4;
    c.memory_gb = 8;
    c.cluster.instance_type = "c5.large";
    c.cluster.max = 2;
    m = check_error(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "does not fit on a c5.large (2 vCPU, 4 GB)"));
    free(m);
    c.cluster.instance_type = "c9.huge";
    m = check_error(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "instance_type"));
    free(m);
    c.cluster.instance_type = "c5.xlarge";
    c.cluster.target_capacity_pct = 120;
    m = check_error(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "target_capacity"));
    free(m);
    c.cluster.target_capacity_pct = 100;
    c.desired = 5;
    m = check_error(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "min <= desired <= max"));
    free(m);
}

static CU_TestInfo tests[] = {
    {"fargate_service_scales_out_after_its_start_latency",
     fargate_service_scales_out_after_its_start_latency},
    {"fargate_tasks_pull_their_image_every_time", fargate_tasks_pull_their_image_every_time},
    {"fargate_task_cost_is_the_catalog_price_times_time",
     fargate_task_cost_is_the_catalog_price_times_time},
    {"ec2_tasks_wait_for_instance_capacity", ec2_tasks_wait_for_instance_capacity},
    {"capacity_provider_grows_the_cluster_for_pending_tasks",
     capacity_provider_grows_the_cluster_for_pending_tasks},
    {"binpack_fills_one_instance_before_the_next", binpack_fills_one_instance_before_the_next},
    {"spread_alternates_between_instances", spread_alternates_between_instances},
    {"step_scale_out_is_not_blocked_and_scale_in_waits_for_its_cooldown",
     step_scale_out_is_not_blocked_and_scale_in_waits_for_its_cooldown},
    {"target_tracking_scale_in_waits_for_the_scale_out_cooldown",
     target_tracking_scale_in_waits_for_the_scale_out_cooldown},
    {"target_tracking_keeps_a_constant_load_without_flapping",
     target_tracking_keeps_a_constant_load_without_flapping},
    {"bad_configurations_are_reported", bad_configurations_are_reported},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_ecs_suites[] = {
    {"ecs", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
