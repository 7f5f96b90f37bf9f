#include "models/containers/ecs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/containers/ecs_impl.h"
#include "models/compute/target.h"
#include "models/core/env.h"
#include "models/elb/target_group.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/text.h"
#include "sim/xalloc.h"


static void on_response(void *ctx, double latency_s);
static void pred_bounds(void *ctx, int *min, int *max, int *desired);
static void pred_apply(void *ctx, const struct scaling_decision *d);

/* ---- configuration ---- */

void ecs_service_cfg_default(struct ecs_service_cfg *cfg, const char *name)
{
    *cfg = (struct ecs_service_cfg){
        .name = name,
        .launch_type = ECS_LAUNCH_FARGATE,
        .cpu = 0.25,
        .memory_gb = 0.5,
        .speed = 1.0,
        .discipline = TARGET_FCFS,
        .min = 1,
        .max = 1,
        .desired = 1,
        .memory_idle_pct = 25,
        .memory_per_request_mb = 8,
        .image_pull_mbps = 50,
        .image_pull_latency_s = 1,
        .cluster = {
            .target_capacity_pct = 100,
            .placement = ECS_PLACE_SPREAD,
            .managed_scaling = true,
            .instance_warmup_s = 300,
            .min_step = 1,
            .max_step = 10000,
            .scale_in_evaluations = 15,
        },
    };
    scaling_ctx_default(&cfg->ctx, METRIC_RES_ECS_SERVICE, name);
}

int ecs_cfg_check(const struct ecs_service_cfg *c, const struct loc *loc)
{
    if (!(c->min >= 0 && c->min <= c->desired && c->desired <= c->max))
        return diag_error(loc, "ECS service '%s': tasks need 0 <= min <= desired <= max, got "
                               "min %d, desired %d, max %d",
                          c->name, c->min, c->desired, c->max);
    if (!(c->cpu > 0) || !(c->memory_gb > 0))
        return diag_error(loc, "ECS service '%s': task cpu and memory must be positive, got "
                               "cpu %g, memory %g GB",
                          c->name, c->cpu, c->memory_gb);
    if (c->launch_type == ECS_LAUNCH_FARGATE) {
        if (!catalog_fargate_is_valid(c->cpu, c->memory_gb)) {
            char valid[256];
            catalog_fargate_valid_memory(c->cpu, valid, sizeof valid);
            return diag_error(loc, "ECS service '%s': no Fargate size has cpu %g with memory "
                                   "%g GB; valid memory for cpu %g: %s",
                              c->name, c->cpu, c->memory_gb, c->cpu, valid);
        }
        return 0;
    }
    const struct ecs_cluster_cfg *k = &c->cluster;
    const struct catalog_instance *ci = catalog_find(k->instance_type);
    if (!ci)
        return diag_error(loc, "ECS service '%s': the EC2 launch type needs cluster."
                               "instance_type from the catalog (`elbsim list instance-types`: "
                               "t3, m5, c5, r5), got '%s'",
                          c->name, k->instance_type ? k->instance_type : "");
    if (c->cpu > ci->vcpus + ECS_EPS || c->memory_gb > ci->memory_gb + ECS_EPS)
        return diag_error(loc, "ECS service '%s': a task (cpu %g, memory %g GB) does not fit "
                               "on a %s (%g vCPU, %g GB): no container instance could ever "
                               "place it",
                          c->name, c->cpu, c->memory_gb, ci->name, ci->vcpus, ci->memory_gb);
    if (!(k->min >= 0 && k->min <= k->desired && k->desired <= k->max))
        return diag_error(loc, "ECS service '%s': the cluster needs 0 <= min <= desired <= max "
                               "instances, got min %d, desired %d, max %d",
                          c->name, k->min, k->desired, k->max);
    if (!(k->target_capacity_pct > 0 && k->target_capacity_pct <= 100))
        return diag_error(loc, "ECS service '%s': target_capacity must be greater than 0 and "
                               "at most 100 (percent), got %g",
                          c->name, k->target_capacity_pct);
    if (!(k->min_step >= 1 && k->min_step <= k->max_step && k->max_step <= 10000))
        return diag_error(loc, "ECS service '%s': scaling steps need 1 <= min_scaling_step <= "
                               "max_scaling_step <= 10000, got %d and %d",
                          c->name, k->min_step, k->max_step);
    if (!(k->instance_warmup_s >= 0 && k->instance_warmup_s <= 10000))
        return diag_error(loc, "ECS service '%s': instance_warmup must be 0s-10000s, got %gs",
                          c->name, k->instance_warmup_s);
    if (k->scale_in_evaluations < 1)
        return diag_error(loc, "ECS service '%s': scale_in_evaluations must be at least 1, "
                               "got %d",
                          c->name, k->scale_in_evaluations);
    return 0;
}

/* ---- small helpers ---- */

double ecs_now(const struct ecs_service *s)
{
    return sim_now(&s->env->sim);
}

bool ecs_is_ec2(const struct ecs_service *s)
{
    return s->cfg.launch_type == ECS_LAUNCH_EC2;
}

void ecs_log_row(struct ecs_service *s, const char *kind, const char *name,
                 const char *detail)
{
    sim_event_log_row(&s->env->events, ecs_now(s), kind, name, detail);
}

int ecs_zone_at(const struct ecs_service *s, int k)
{
    return s->cfg.zones ? s->cfg.zones[k] : k;
}

int ecs_nzones(const struct ecs_service *s)
{
    if (s->cfg.zones)
        return s->cfg.nzones;
    return s->nzones > 0 ? s->nzones : 1;
}

/* ---- building ---- */

static void owner_drained(void *owner, struct target *t)
{
    ecs_drained(owner, t);
}

static const struct target_owner_ops ecs_owner_ops = {.drained = owner_drained};

struct sim_dist *ecs_parse_default(const char *text)
{
    struct sim_dist *d = NULL;
    ELB_ASSERT(sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, NULL, &d) == 0);
    return d;
}

struct ecs_service *ecs_new(struct target_list *targets, const struct ecs_service_cfg *cfg,
                            struct target_group **tgs, int nzones, double duration_s)
{
    struct env *env = targets->env;
    struct ecs_service *s = xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    s->name = cfg->name;
    s->env = env;
    s->targets = targets;
    s->nzones = nzones;
    s->min = cfg->min;
    s->max = cfg->max;
    s->desired = cfg->desired;
    s->last_unplaced_log_s = -(double)INFINITY;
    char name[512];
    snprintf(name, sizeof name, "ecs.%s", cfg->name);
    s->rng = sim_rng_new(env->seed, name);
    if (!cfg->start_time) {
        s->start_default = ecs_parse_default(cfg->image_mb > 0 ? ECS_IMAGE_START_DEFAULT
                                             : ecs_is_ec2(s) ? ECS_EC2_START_DEFAULT
                                                             : ECS_FARGATE_START_DEFAULT);
        s->cfg.start_time = s->start_default;
    }
    size_t ntg = (size_t)(cfg->ntgs ? cfg->ntgs : 1);
    s->tgs = xcalloc(ntg, sizeof *s->tgs);
    for (int k = 0; k < cfg->ntgs; k++)
        s->tgs[k] = tgs[k];
    s->npol = cfg->npolicies;
    s->pol = xcalloc((size_t)(s->npol ? s->npol : 1), sizeof *s->pol);
    s->tick_s = ECS_TICK_S;
    for (int i = 0; i < s->npol; i++) {
        struct as_policy *ep = &s->pol[i];
        const struct scaling_policy *p = &cfg->policies[i];
        struct pred_owner o = {s, &env->sim, &s->cfg.ctx.clock, "tasks", pred_bounds,
                               pred_apply};
        as_policy_init(ep, p, &cfg->ctx, &o, duration_s);
        const struct metric_def *md = as_policy_metric(p);
        if (md) {
            double iv = metric_alarm_interval(ep->scfg.period_s);
            if (iv < s->tick_s)
                s->tick_s = iv;
            if (!strcmp(md->name, "TargetResponseTime") && cfg->ntgs > 0) {
                s->tgs[0]->on_response = on_response;
                s->tgs[0]->on_response_ctx = s;
            }
        }
    }
    if (ecs_is_ec2(s))
        ecs_cluster_init(s);
    return s;
}

void ecs_free(struct ecs_service *s)
{
    if (!s)
        return;
    /* Touches neither the target groups nor the targets: the world may be gone. */
    for (int i = 0; i < s->npol; i++)
        as_policy_fini(&s->pol[i]);
    free(s->pol);
    for (uint32_t i = 0; i < s->ntasks; i++)
        free(s->tasks[i].member);
    free(s->tasks);
    free(s->tgs);
    gsl_rng_free(s->rng);
    sim_dist_free(s->start_default);
    ecs_cluster_fini(s);
    free(s);
}

/* ---- tasks ---- */

static struct target_spec task_spec(const struct ecs_service *s)
{
    const struct ecs_service_cfg *c = &s->cfg;
    struct target_spec sp = {0};
    double cpu = c->cpu;
    /* Below one vCPU a task is one server at that fraction (as a fargate target in the
     * scenario); above, floor(cpu) servers sharing cpu × the per-vCPU speed. */
    sp.servers = cpu < 1 ? 1 : (int)floor(cpu + ECS_EPS);
    double per_vcpu = ecs_is_ec2(s) ? s->cl.type->speed : 1.0;
    sp.speed = per_vcpu * cpu / sp.servers * c->speed;
    sp.kind = ecs_is_ec2(s) ? TARGET_EC2 : TARGET_FARGATE;
    sp.instance_type = ecs_is_ec2(s) ? s->cl.type->name : NULL;
    sp.memory_gb = c->memory_gb;
    sp.price_per_hour_usd = ecs_is_ec2(s) ? 0 : catalog_fargate_price_per_hour(cpu, c->memory_gb);
    sp.discipline = c->discipline;
    sp.queue_limit = c->queue_limit;
    sp.zone = ecs_zone_at(s, 0);
    return sp;
}

static bool task_active(const struct ecs_task *k)
{
    return k->state <= ECS_TASK_RUNNING;
}

static struct ecs_task *task_new(struct ecs_service *s)
{
    if (s->ntasks == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->tasks = xrealloc(s->tasks, s->cap * sizeof *s->tasks);
    }
    uint32_t id = s->ntasks++;
    struct ecs_task *k = &s->tasks[id];
    *k = (struct ecs_task){
        .state = ECS_TASK_PROVISIONING,
        .inst = -1,
        .created_s = ecs_now(s),
        .placed_s = (double)NAN,
        .running_s = (double)NAN,
        .stopped_s = (double)NAN,
    };
    k->member = xmalloc((size_t)(s->cfg.ntgs ? s->cfg.ntgs : 1) * sizeof *k->member);
    for (int g = 0; g < s->cfg.ntgs; g++)
        k->member[g] = ECS_NO_MEMBER;
    struct target_spec sp = task_spec(s);
    char name[512];
    snprintf(name, sizeof name, "%s/%u", s->name, id);
    k->t = target_list_new(s->targets, name, &sp);
    k->t->owner = s;
    k->t->owner_kind = TARGET_OWNER_ECS;
    k->t->owner_ops = &ecs_owner_ops;
    k->t->state = TARGET_PENDING;
    return k;
}

static void task_running(struct sim *sim, void *ctx, uint64_t arg)
{
    struct ecs_service *s = ctx;
    struct ecs_task *k = &s->tasks[arg];
    if (k->state != ECS_TASK_PENDING)
        return; /* stopped while starting */
    double now = sim_now(sim);
    struct target *t = k->t;
    k->state = ECS_TASK_RUNNING;
    k->running_s = now;
    t->state = TARGET_IN_SERVICE;
    t->busy_since = t->ps_vtime_at = now;
    for (int g = 0; g < s->cfg.ntgs; g++) {
        k->member[g] = s->tgs[g]->nmembers;
        tg_target_register(s->tgs[g], t);
    }
}

/* Reserve room for task k (EC2) and start it.  Returns false when nothing has room. */
static bool task_place(struct ecs_service *s, struct ecs_task *k, bool start_now)
{
    if (ecs_is_ec2(s)) {
        int i = ecs_cluster_pick(s);
        if (i < 0)
            return false;
        struct ecs_instance *in = &s->cl.inst[i];
        in->cpu_free -= s->cfg.cpu;
        in->mem_free -= s->cfg.memory_gb;
        in->ntasks++;
        k->inst = i;
        k->zone = in->zone;
    } else {
        /* Fargate spreads tasks over the zones: the one with the fewest active tasks. */
        int best = ecs_zone_at(s, 0), bestn = INT32_MAX;
        for (int z = 0; z < ecs_nzones(s); z++) {
            int n = 0;
            for (uint32_t j = 0; j < s->ntasks; j++)
                n += &s->tasks[j] != k && task_active(&s->tasks[j]) &&
                     s->tasks[j].state != ECS_TASK_PROVISIONING &&
                     s->tasks[j].zone == ecs_zone_at(s, z);
            if (n < bestn) {
                bestn = n;
                best = ecs_zone_at(s, z);
            }
        }
        k->zone = best;
    }
    double now = ecs_now(s);
    k->t->spec.zone = k->zone;
    k->placed_s = now;
    k->t->launched_s = now; /* Fargate bills from the start of the image pull */
    k->state = ECS_TASK_PENDING;
    uint64_t id = (uint64_t)(k - s->tasks);
    if (start_now) {
        task_running(&s->env->sim, s, id);
        return true;
    }
    double d = sim_dist_sample(s->cfg.start_time, s->rng);
    double pulled = now;
    if (s->cfg.image_mb > 0) {
        /* The image pull (docs/eks.md "Image pull"): Fargate pulls every time; an EC2
         * container instance keeps the image and pulls one image at a time. */
        double took = s->cfg.image_pull_latency_s + s->cfg.image_mb / s->cfg.image_pull_mbps;
        if (ecs_is_ec2(s)) {
            struct ecs_instance *in = &s->cl.inst[k->inst];
            if (isnan(in->image_at)) {
                in->image_at = fmax(now, in->pull_free_s) + took;
                in->pull_free_s = in->image_at;
            }
            pulled = fmax(now, in->image_at);
        } else {
            pulled = now + took;
        }
    }
    sim_event_schedule(&s->env->sim, pulled + (d > 0 ? d : 0), task_running, s, id);
    return true;
}

/* "(service api) was unable to place a task ...": at most once a minute, as ECS
 * throttles its service events. */
static void log_unplaced(struct ecs_service *s)
{
    s->placement_failures++;
    double now = ecs_now(s);
    if (now - s->last_unplaced_log_s < 60)
        return;
    s->last_unplaced_log_s = now;
    const struct ecs_cluster *cl = &s->cl;
    const struct ecs_instance *close = NULL;
    for (uint32_t i = 0; i < cl->ninst; i++)
        if (cl->inst[i].state == ECS_INSTANCE_ACTIVE &&
            (!close || cl->inst[i].cpu_free > close->cpu_free + ECS_EPS))
            close = &cl->inst[i];
    char detail[512];
    if (!close)
        snprintf(detail, sizeof detail, "(service %s) was unable to place a task because no "
                 "container instance met all of its requirements. Reason: No Container "
                 "Instances were found in your cluster.", s->name);
    else
        snprintf(detail, sizeof detail, "(service %s) was unable to place a task because no "
                 "container instance met all of its requirements. The closest matching "
                 "container-instance %s has insufficient %s available.", s->name, close->name,
                 close->cpu_free < s->cfg.cpu - ECS_EPS ? "CPU units" : "memory");
    ecs_log_row(s, "ecs", s->name, detail);
}

/* Place PROVISIONING tasks, oldest first, while some instance has room. */
void ecs_place_waiting(struct ecs_service *s)
{
    for (uint32_t j = 0; j < s->ntasks; j++)
        if (s->tasks[j].state == ECS_TASK_PROVISIONING && !task_place(s, &s->tasks[j], false))
            return;
}

static void release_room(struct ecs_service *s, struct ecs_task *k)
{
    if (k->inst < 0)
        return;
    struct ecs_instance *in = &s->cl.inst[k->inst];
    in->cpu_free += s->cfg.cpu;
    in->mem_free += s->cfg.memory_gb;
    in->ntasks--;
    k->inst = -1;
}

static void task_stop_now(struct ecs_service *s, struct ecs_task *k)
{
    struct target *t = k->t;
    /* Requests still held when the container stops are lost (502). */
    if (t->state == TARGET_IN_SERVICE || t->state == TARGET_DRAINING)
        target_fault_start(t, -2, TARGET_FAULT_CRASH, 1, 0, NULL);
    k->state = ECS_TASK_STOPPED;
    k->stopped_s = ecs_now(s);
    t->state = TARGET_TERMINATED;
    t->stopped_s = isnan(k->placed_s) ? t->launched_s : k->stopped_s; /* never placed: 0 s */
    s->stops++;
    bool had_room = k->inst >= 0;
    release_room(s, k);
    if (had_room)
        ecs_place_waiting(s);
}

/* Take task k out: a RUNNING one drains from its target groups first. */
static void task_stop(struct ecs_service *s, struct ecs_task *k)
{
    if (k->state != ECS_TASK_RUNNING) {
        task_stop_now(s, k);
        return;
    }
    k->state = ECS_TASK_DRAINING;
    /* Count every group first: an ALB group with nothing in flight finishes at once and
     * calls ecs_drained from inside tg_deregister. */
    bool *dereg = xcalloc((size_t)(s->cfg.ntgs ? s->cfg.ntgs : 1), sizeof *dereg);
    k->draining = 0;
    for (int g = 0; g < s->cfg.ntgs; g++) {
        dereg[g] = k->member[g] != ECS_NO_MEMBER && s->tgs[g]->members[k->member[g]].registered &&
                   !s->tgs[g]->members[k->member[g]].draining;
        k->draining += dereg[g];
    }
    int n = k->draining;
    for (int g = 0; g < s->cfg.ntgs; g++)
        if (dereg[g])
            tg_deregister(s->tgs[g], k->member[g]);
    free(dereg);
    if (n == 0)
        task_stop_now(s, k);
}

void ecs_drained(struct ecs_service *s, struct target *t)
{
    for (uint32_t j = 0; j < s->ntasks; j++) {
        struct ecs_task *k = &s->tasks[j];
        if (k->t != t || k->state != ECS_TASK_DRAINING)
            continue;
        if (--k->draining <= 0)
            task_stop_now(s, k);
        return;
    }
}

/* Which task scale-in takes (see ecs.h "Placement"). */
static struct ecs_task *task_victim(struct ecs_service *s)
{
    for (int st = ECS_TASK_PROVISIONING; st <= ECS_TASK_PENDING; st++)
        for (uint32_t j = s->ntasks; j-- > 0;)
            if ((int)s->tasks[j].state == st)
                return &s->tasks[j];
    struct ecs_task *best = NULL;
    double best_key = 0;
    for (uint32_t j = s->ntasks; j-- > 0;) {
        struct ecs_task *k = &s->tasks[j];
        if (k->state != ECS_TASK_RUNNING)
            continue;
        double key;
        if (ecs_is_ec2(s)) {
            double free_cpu = s->cl.inst[k->inst].cpu_free;
            key = s->cl.cfg.placement == ECS_PLACE_BINPACK ? free_cpu : -free_cpu;
        } else {
            int n = 0;
            for (uint32_t i = 0; i < s->ntasks; i++)
                n += s->tasks[i].state == ECS_TASK_RUNNING && s->tasks[i].zone == k->zone;
            key = n;
        }
        /* Newest first among equals: j runs downwards and only a larger key wins. */
        if (!best || key > best_key + ECS_EPS) {
            best = k;
            best_key = key;
        }
    }
    return best;
}

/* Append "(task NAME)" to a service event, keeping it short. */
static void append_task(char *buf, size_t n, size_t *used, int *count, const struct ecs_task *k)
{
    if (++*count <= 8)
        text_appendf(buf, n, used, " (task %s)", k->t->node.name);
    else if (*count == 9)
        text_appendf(buf, n, used, " ...");
}

/* Start or stop tasks until the active ones match desired. */
static void task_reconcile(struct ecs_service *s)
{
    int act = 0;
    for (uint32_t j = 0; j < s->ntasks; j++)
        act += task_active(&s->tasks[j]);
    char buf[640];
    size_t used = 0;
    int n = 0;
    buf[0] = '\0';
    uint32_t first = s->ntasks;
    for (; act < s->desired; act++) {
        append_task(buf, sizeof buf, &used, &n, task_new(s));
        s->starts++;
    }
    if (n) {
        char detail[800];
        snprintf(detail, sizeof detail, "(service %s) has started %d tasks:%s.", s->name, n,
                 buf);
        ecs_log_row(s, "ecs", s->name, detail);
    }
    for (uint32_t j = first; j < s->ntasks; j++)
        if (!task_place(s, &s->tasks[j], false))
            log_unplaced(s);
    used = 0;
    n = 0;
    buf[0] = '\0';
    for (; act > s->desired; act--) {
        struct ecs_task *k = task_victim(s);
        if (!k)
            break;
        append_task(buf, sizeof buf, &used, &n, k);
        task_stop(s, k);
    }
    if (n) {
        char detail[800];
        snprintf(detail, sizeof detail, "(service %s) has stopped %d tasks:%s.", s->name, n,
                 buf);
        ecs_log_row(s, "ecs", s->name, detail);
    }
}

/* Replace RUNNING tasks whose container exited (crash) or that a target group marks
 * unhealthy; reconcile then starts their successors. */
static void replace_unhealthy(struct ecs_service *s)
{
    for (uint32_t j = 0; j < s->ntasks; j++) {
        struct ecs_task *k = &s->tasks[j];
        if (k->state != ECS_TASK_RUNNING)
            continue;
        bool crashed = k->t->fault == TARGET_FAULT_CRASH;
        int bad = -1;
        for (int g = 0; g < s->cfg.ntgs && !crashed && bad < 0; g++)
            if (k->member[g] != ECS_NO_MEMBER &&
                s->tgs[g]->members[k->member[g]].health == TG_HEALTH_UNHEALTHY)
                bad = g;
        if (!crashed && bad < 0)
            continue;
        char detail[512];
        if (crashed)
            snprintf(detail, sizeof detail, "(service %s) has stopped 1 running tasks: (task "
                     "%s). Reason: Essential container in task exited.", s->name,
                     k->t->node.name);
        else
            snprintf(detail, sizeof detail, "(service %s) deregistered 1 targets in "
                     "(target-group %s): (task %s) failed ELB health checks.", s->name,
                     s->tgs[bad]->node.name, k->t->node.name);
        ecs_log_row(s, "ecs", s->name, detail);
        k->replacing = true;
        s->replacements++;
        if (crashed)
            task_stop_now(s, k);
        else
            task_stop(s, k);
    }
}

/* ---- the task loop: service auto scaling ---- */

static void on_response(void *ctx, double latency_s)
{
    struct ecs_service *s = ctx;
    as_record_response(s->pol, s->npol, ecs_now(s), latency_s);
}

/* Feed the period [now - P, now) of policy ep's series. */
static void feed(struct ecs_service *s, struct as_policy *ep, double now)
{
    double at = now - ep->scfg.period_s / 2;
    if (as_feed_group_metric(ep, s->cfg.ntgs ? s->tgs[0] : NULL, at))
        return;
    /* TargetResponseTime is fed per response (on_response); the rest per task. */
    const char *m = as_policy_metric(ep->p)->name;
    if (!strcmp(m, "TargetResponseTime"))
        return;
    bool memu = !strcmp(m, "MemoryUtilization");
    as_policy_grow(ep, s->ntasks);
    struct metric_member *mm = xcalloc(s->ntasks ? s->ntasks : 1, sizeof *mm);
    size_t n = 0;
    for (uint32_t j = 0; j < s->ntasks; j++) {
        struct ecs_task *k = &s->tasks[j];
        if (k->state != ECS_TASK_RUNNING)
            continue;
        struct target *t = k->t;
        double v;
        if (memu) {
            v = s->cfg.memory_idle_pct +
                100.0 * s->cfg.memory_per_request_mb * t->held / (s->cfg.memory_gb * 1000);
            v = v > 100 ? 100 : v;
        } else {
            /* CPU: busy server-seconds over the time the task ran in the period. */
            v = as_member_value(ep, j, t, k->running_s, now);
        }
        mm[n++] = (struct metric_member){v, true, false};
    }
    ep->behind[as_period_slot(ep, at)] = (int)metric_series_add_group(&ep->series, at, mm, n);
    free(mm);
}

/* Tasks have no warm-up: running tasks are the capacity the metrics describe; tasks
 * provisioning or starting count through `desired` only (ecs.h). */
static void group_view(const struct ecs_service *s, struct scaling_group *g)
{
    *g = (struct scaling_group){.desired = s->desired, .min = s->min, .max = s->max};
    for (uint32_t j = 0; j < s->ntasks; j++) {
        enum ecs_task_state st = s->tasks[j].state;
        g->ready += st == ECS_TASK_RUNNING;
        /* A task waiting for an instance is not an activity simple scaling waits for: on
         * a full cluster at its maximum it could wait for ever. */
        g->activity_in_progress |= st == ECS_TASK_PENDING || st == ECS_TASK_DRAINING;
    }
}

static void apply(struct ecs_service *s, const struct scaling_decision *d)
{
    if (!d->act)
        return;
    /* Predictive and dynamic combine by the larger capacity (as for groups). */
    int floor = as_floor(s->pol, s->npol, ecs_now(s));
    if (d->kind != SCALING_PREDICTIVE && d->kind != SCALING_SCHEDULED && d->desired < floor) {
        struct scaling_decision c = *d;
        c.desired = floor < c.max ? floor : c.max;
        if (c.desired != s->desired || c.min != s->min || c.max != s->max)
            apply(s, &c);
        return;
    }
    s->min = d->min;
    s->max = d->max;
    char detail[SCALING_CAUSE_MAX + 64];
    snprintf(detail, sizeof detail, "Setting desired count to %d. Cause: %s", d->desired,
             d->cause[0] ? d->cause : "a scaling action.");
    s->desired = d->desired;
    s->activities++;
    ecs_log_row(s, "scaling", s->name, detail);
    task_reconcile(s);
}

static void pred_bounds(void *ctx, int *min, int *max, int *desired)
{
    const struct ecs_service *s = ctx;
    *min = s->min;
    *max = s->max;
    *desired = s->desired;
}

static void pred_apply(void *ctx, const struct scaling_decision *d)
{
    apply(ctx, d);
}

/* The hour ending at now: the running tasks' CPU percent summed, or the requests. */
static double hour_load(struct ecs_service *s, struct pred *pr, double now)
{
    if (pr->p->pred_requests)
        return pred_request_load(pr, s->cfg.ntgs ? s->tgs[0] : NULL);
    pred_grow(pr, s->ntasks);
    double load = 0;
    for (uint32_t j = 0; j < s->ntasks; j++)
        if (s->tasks[j].t && !isnan(s->tasks[j].running_s))
            load += pred_member_cpu(pr, j, s->tasks[j].t, now);
    return load;
}

static void tick(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct ecs_service *s = ctx;
    double now = sim_now(sim);
    for (int i = 0; i < s->npol; i++) {
        struct as_policy *ep = &s->pol[i];
        if (as_policy_metric(ep->p) && as_multiple_of(now, ep->scfg.period_s))
            feed(s, ep, now);
    }
    replace_unhealthy(s);
    task_reconcile(s);
    int prov, pend, running, drain;
    ecs_counts(s, &prov, &pend, &running, &drain);
    for (int i = 0; i < s->npol; i++) {
        struct as_policy *ep = &s->pol[i];
        if (ep->p->kind != SCALING_PREDICTIVE)
            continue;
        pred_sample(&ep->pred, running, s->tick_s);
        if (as_multiple_of(now, 3600))
            pred_hour(&ep->pred, now, hour_load(s, &ep->pred, now));
    }
    struct scaling_group g;
    group_view(s, &g);
    struct scaling_decision out;
    as_decide(s->pol, s->npol, &g, now, &out);
    apply(s, &out);
    sim_event_after(sim, s->tick_s, tick, s, 0);
}

static void scheduled(struct sim *sim, void *ctx, uint64_t arg)
{
    struct ecs_service *s = ctx;
    struct as_policy *ep = &s->pol[arg];
    double now = sim_now(sim);
    struct scaling_group g;
    group_view(s, &g);
    struct scaling_decision d;
    scaling_scheduled_apply(ep->p, &g, now, &d);
    apply(s, &d);
    double next = scaling_scheduled_next(ep->p, now + 1);
    if (isfinite(next))
        sim_event_schedule(sim, next, scheduled, s, arg);
}

void ecs_start(struct ecs_service *s)
{
    /* The initial instances and tasks are in service at t = 0, like static targets. */
    if (ecs_is_ec2(s))
        ecs_cluster_start(s);
    for (int i = 0; i < s->desired; i++) {
        struct ecs_task *k = task_new(s);
        s->starts++;
        if (!task_place(s, k, true))
            log_unplaced(s);
    }
    sim_event_after(&s->env->sim, s->tick_s, tick, s, 0);
    if (ecs_is_ec2(s))
        ecs_cluster_schedule(s);
    for (int i = 0; i < s->npol; i++)
        if (s->pol[i].p->kind == SCALING_PREDICTIVE)
            pred_start(&s->pol[i].pred);
    for (int i = 0; i < s->npol; i++)
        if (s->pol[i].p->kind == SCALING_SCHEDULED) {
            double t = scaling_scheduled_next(s->pol[i].p, ecs_now(s));
            if (isfinite(t))
                sim_event_schedule(&s->env->sim, t, scheduled, s, (uint64_t)i);
        }
}

/* ---- outputs ---- */

void ecs_counts(const struct ecs_service *s, int *provisioning, int *pending, int *running,
                int *draining)
{
    *provisioning = *pending = *running = *draining = 0;
    for (uint32_t j = 0; j < s->ntasks; j++) {
        enum ecs_task_state st = s->tasks[j].state;
        *provisioning += st == ECS_TASK_PROVISIONING;
        *pending += st == ECS_TASK_PENDING;
        *running += st == ECS_TASK_RUNNING;
        *draining += st == ECS_TASK_DRAINING;
    }
}

double ecs_task_hours(const struct ecs_service *s, double now)
{
    double sec = 0;
    for (uint32_t j = 0; j < s->ntasks; j++)
        sec += catalog_ran_s(s->tasks[j].placed_s, s->tasks[j].stopped_s, now);
    return sec / 3600;
}

double ecs_cost_usd(const struct ecs_service *s, double now)
{
    double usd = 0;
    if (!ecs_is_ec2(s)) {
        for (uint32_t j = 0; j < s->ntasks; j++)
            if (!isnan(s->tasks[j].placed_s))
                usd += target_cost_usd(s->tasks[j].t, now);
        return usd;
    }
    for (uint32_t i = 0; i < s->cl.ninst; i++) {
        const struct ecs_instance *in = &s->cl.inst[i];
        usd += catalog_billed_seconds(catalog_ran_s(in->launched_s, in->stopped_s, now),
                                      CATALOG_EC2_MINIMUM_S) *
               s->cl.type->price_per_hour_usd / 3600;
    }
    return usd;
}
