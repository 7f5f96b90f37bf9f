#include "models/containers/ecs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/scenario/world.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/text.h"
#include "sim/xalloc.h"

#define NO_MEMBER UINT32_MAX
#define EPS 1e-9 /* vCPU / GB: reservations are sums of task sizes */

/* One target group's chained on_drained hook (see ecs.h "Integration"). */
struct ecs_hook {
    struct ecs_service *s;
    void (*prev)(void *ctx, struct target *t);
    void *prev_ctx;
};

static void on_response(void *ctx, double latency_s);
static void place_waiting(struct ecs_service *s);
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
    if (c->cpu > ci->vcpus + EPS || c->memory_gb > ci->memory_gb + EPS)
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

static double now_of(const struct ecs_service *s)
{
    return sim_now(&s->w->sim);
}

static bool ec2(const struct ecs_service *s)
{
    return s->cfg.launch_type == ECS_LAUNCH_EC2;
}

static void log_row(struct ecs_service *s, const char *kind, const char *name,
                    const char *detail)
{
    sim_event_log_row(&s->w->events, now_of(s), kind, name, detail);
}

static int zone_at(const struct ecs_service *s, int k)
{
    return s->cfg.zones ? s->cfg.zones[k] : k;
}

static int nzones(const struct ecs_service *s)
{
    if (s->cfg.zones)
        return s->cfg.nzones;
    return s->w->sc && s->w->sc->nzones > 0 ? s->w->sc->nzones : 1;
}

/* ---- building ---- */

static void hook_drained(void *ctx, struct target *t)
{
    struct ecs_hook *h = ctx;
    if (t->owner == h->s)
        ecs_drained(h->s, t);
    else if (h->prev)
        h->prev(h->prev_ctx, t);
}

static struct sim_dist *parse_default(const char *text)
{
    struct sim_dist *d = NULL;
    ELB_ASSERT(sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, NULL, &d) == 0);
    return d;
}

struct ecs_service *ecs_new(struct world *w, const struct ecs_service_cfg *cfg)
{
    struct ecs_service *s = xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    s->name = cfg->name;
    s->w = w;
    s->min = cfg->min;
    s->max = cfg->max;
    s->desired = cfg->desired;
    s->last_unplaced_log_s = -INFINITY;
    char name[512];
    snprintf(name, sizeof name, "ecs.%s", cfg->name);
    s->rng = sim_rng_new(w->seed, name);
    if (!cfg->start_time) {
        s->start_default = parse_default(ec2(s) ? ECS_EC2_START_DEFAULT
                                                : ECS_FARGATE_START_DEFAULT);
        s->cfg.start_time = s->start_default;
    }
    size_t ntg = (size_t)(cfg->ntgs ? cfg->ntgs : 1);
    s->tgs = xcalloc(ntg, sizeof *s->tgs);
    struct ecs_hook *hooks = xcalloc(ntg, sizeof *hooks);
    s->hooks = hooks;
    for (int k = 0; k < cfg->ntgs; k++) {
        struct target_group *g = w->tgs[cfg->tgs[k]];
        s->tgs[k] = g;
        hooks[k] = (struct ecs_hook){s, g->on_drained, g->on_drained_ctx};
        g->on_drained = hook_drained;
        g->on_drained_ctx = &hooks[k];
    }
    s->npol = cfg->npolicies;
    s->pol = xcalloc((size_t)(s->npol ? s->npol : 1), sizeof *s->pol);
    s->tick_s = ECS_TICK_S;
    for (int i = 0; i < s->npol; i++) {
        struct as_policy *ep = &s->pol[i];
        const struct scaling_policy *p = &cfg->policies[i];
        struct pred_owner o = {s, &w->sim, &s->cfg.ctx.clock, "tasks", pred_bounds,
                               pred_apply};
        as_policy_init(ep, p, &cfg->ctx, &o, w->sc->duration_s);
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
    if (ec2(s)) {
        struct ecs_cluster *cl = &s->cl;
        cl->cfg = cfg->cluster;
        if (cfg->cluster.name)
            cl->name = xstrdup(cfg->cluster.name);
        else {
            snprintf(name, sizeof name, "%s-cluster", cfg->name);
            cl->name = xstrdup(name);
        }
        cl->type = catalog_find(cfg->cluster.instance_type);
        ELB_ASSERT(cl->type); /* ecs_cfg_check */
        snprintf(name, sizeof name, "ecs_cluster.%s", cl->name);
        cl->rng = sim_rng_new(w->seed, name);
        if (!cl->cfg.launch_time) {
            cl->launch_default = parse_default(ECS_INSTANCE_LAUNCH_DEFAULT);
            cl->cfg.launch_time = cl->launch_default;
        }
        cl->min = cl->cfg.min;
        cl->max = cl->cfg.max;
        cl->desired = cl->cfg.desired;
        cl->last_scale_out_s = -INFINITY;
        cl->cpr_pct = 100;
    }
    return s;
}

void ecs_free(struct ecs_service *s)
{
    if (!s)
        return;
    /* Touches neither the target groups nor the targets: the world may be gone. */
    free(s->hooks);
    for (int i = 0; i < s->npol; i++)
        as_policy_fini(&s->pol[i]);
    free(s->pol);
    for (uint32_t i = 0; i < s->ntasks; i++)
        free(s->tasks[i].member);
    free(s->tasks);
    free(s->tgs);
    gsl_rng_free(s->rng);
    sim_dist_free(s->start_default);
    struct ecs_cluster *cl = &s->cl;
    for (uint32_t i = 0; i < cl->ninst; i++)
        free(cl->inst[i].name);
    free(cl->inst);
    free(cl->name);
    if (cl->rng)
        gsl_rng_free(cl->rng);
    sim_dist_free(cl->launch_default);
    free(s);
}

/* ---- container instances (EC2 launch type) ---- */

static bool inst_active(const struct ecs_instance *in)
{
    return in->state == ECS_INSTANCE_PENDING || in->state == ECS_INSTANCE_ACTIVE;
}

static void inst_in_service(struct sim *sim, void *ctx, uint64_t arg)
{
    struct ecs_service *s = ctx;
    struct ecs_instance *in = &s->cl.inst[arg];
    if (in->state != ECS_INSTANCE_PENDING)
        return; /* terminated while launching */
    in->state = ECS_INSTANCE_ACTIVE;
    in->in_service_s = sim_now(sim);
    place_waiting(s); /* room at last for PROVISIONING tasks */
}

static struct ecs_instance *inst_new(struct ecs_service *s)
{
    struct ecs_cluster *cl = &s->cl;
    /* The zone with the fewest active instances keeps the cluster balanced. */
    int best = zone_at(s, 0), bestn = INT32_MAX;
    for (int z = 0; z < nzones(s); z++) {
        int n = 0;
        for (uint32_t i = 0; i < cl->ninst; i++)
            n += inst_active(&cl->inst[i]) && cl->inst[i].zone == zone_at(s, z);
        if (n < bestn) {
            bestn = n;
            best = zone_at(s, z);
        }
    }
    if (cl->ninst == cl->cap) {
        cl->cap = cl->cap ? 2 * cl->cap : 16;
        cl->inst = xrealloc(cl->inst, cl->cap * sizeof *cl->inst);
    }
    struct ecs_instance *in = &cl->inst[cl->ninst];
    char name[512];
    snprintf(name, sizeof name, "%s/%u", cl->name, cl->ninst);
    cl->ninst++;
    *in = (struct ecs_instance){
        .name = xstrdup(name),
        .state = ECS_INSTANCE_PENDING,
        .zone = best,
        .launched_s = now_of(s),
        .in_service_s = NAN,
        .stopped_s = NAN,
        .cpu_free = cl->type->vcpus,
        .mem_free = cl->type->memory_gb,
    };
    return in;
}

static void inst_launch(struct ecs_service *s)
{
    struct ecs_cluster *cl = &s->cl;
    struct ecs_instance *in = inst_new(s);
    cl->launches++;
    double d = sim_dist_sample(cl->cfg.launch_time, cl->rng);
    sim_event_after(&s->w->sim, d > 0 ? d : 0, inst_in_service, s, (uint64_t)(in - cl->inst));
}

static void inst_terminate(struct ecs_service *s, struct ecs_instance *in)
{
    ELB_ASSERT(in->ntasks == 0);
    in->state = ECS_INSTANCE_TERMINATED;
    in->stopped_s = now_of(s);
    s->cl.terminations++;
}

/* Which empty instance scale-in takes: a launching one (newest) before one in service
 * (oldest); NULL when every active instance holds a task (managed termination
 * protection). */
static struct ecs_instance *inst_victim(struct ecs_service *s)
{
    struct ecs_cluster *cl = &s->cl;
    struct ecs_instance *best = NULL;
    for (uint32_t i = 0; i < cl->ninst; i++) {
        struct ecs_instance *in = &cl->inst[i];
        if (!inst_active(in) || in->ntasks > 0)
            continue;
        if (!best || (in->state == ECS_INSTANCE_PENDING && best->state != in->state))
            best = in;
        else if (in->state == ECS_INSTANCE_PENDING && in->launched_s >= best->launched_s)
            best = in;
    }
    return best;
}

static void inst_reconcile(struct ecs_service *s)
{
    struct ecs_cluster *cl = &s->cl;
    int act = 0;
    for (uint32_t i = 0; i < cl->ninst; i++)
        act += inst_active(&cl->inst[i]);
    for (; act < cl->desired; act++)
        inst_launch(s);
    for (; act > cl->desired; act--) {
        struct ecs_instance *in = inst_victim(s);
        if (!in)
            break;
        inst_terminate(s, in);
    }
}

/* ---- tasks ---- */

static struct target_spec task_spec(const struct ecs_service *s)
{
    const struct ecs_service_cfg *c = &s->cfg;
    struct target_spec sp = {0};
    double cpu = c->cpu;
    /* Below one vCPU a task is one server at that fraction (as a fargate target in the
     * scenario); above, floor(cpu) servers sharing cpu × the per-vCPU speed. */
    sp.servers = cpu < 1 ? 1 : (int)floor(cpu + EPS);
    double per_vcpu = ec2(s) ? s->cl.type->speed : 1.0;
    sp.speed = per_vcpu * cpu / sp.servers * c->speed;
    sp.kind = ec2(s) ? TARGET_EC2 : TARGET_FARGATE;
    sp.instance_type = ec2(s) ? s->cl.type->name : NULL;
    sp.memory_gb = c->memory_gb;
    sp.price_per_hour_usd = ec2(s) ? 0 : catalog_fargate_price_per_hour(cpu, c->memory_gb);
    sp.discipline = c->discipline;
    sp.queue_limit = c->queue_limit;
    sp.zone = zone_at(s, 0);
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
        .created_s = now_of(s),
        .placed_s = NAN,
        .running_s = NAN,
        .stopped_s = NAN,
    };
    k->member = xmalloc((size_t)(s->cfg.ntgs ? s->cfg.ntgs : 1) * sizeof *k->member);
    for (int g = 0; g < s->cfg.ntgs; g++)
        k->member[g] = NO_MEMBER;
    struct target_spec sp = task_spec(s);
    char name[512];
    snprintf(name, sizeof name, "%s/%u", s->name, id);
    k->t = world_target_new(s->w, name, &sp);
    k->t->owner = s;
    k->t->owner_kind = TARGET_OWNER_ECS;
    k->t->state = TARGET_PENDING;
    return k;
}

/* The instance a task goes to by the placement strategy, or -1 when none has room. */
static int pick_instance(const struct ecs_service *s)
{
    const struct ecs_cluster *cl = &s->cl;
    bool binpack = cl->cfg.placement == ECS_PLACE_BINPACK;
    int best = -1;
    for (uint32_t i = 0; i < cl->ninst; i++) {
        const struct ecs_instance *in = &cl->inst[i];
        if (in->state != ECS_INSTANCE_ACTIVE || in->cpu_free < s->cfg.cpu - EPS ||
            in->mem_free < s->cfg.memory_gb - EPS)
            continue;
        if (best < 0) {
            best = (int)i;
            continue;
        }
        const struct ecs_instance *b = &cl->inst[best];
        if (binpack ? (in->cpu_free < b->cpu_free - EPS ||
                       (fabs(in->cpu_free - b->cpu_free) <= EPS && in->mem_free < b->mem_free - EPS))
                    : in->cpu_free > b->cpu_free + EPS)
            best = (int)i;
    }
    return best;
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
    if (ec2(s)) {
        int i = pick_instance(s);
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
        int best = zone_at(s, 0), bestn = INT32_MAX;
        for (int z = 0; z < nzones(s); z++) {
            int n = 0;
            for (uint32_t j = 0; j < s->ntasks; j++)
                n += &s->tasks[j] != k && task_active(&s->tasks[j]) &&
                     s->tasks[j].state != ECS_TASK_PROVISIONING &&
                     s->tasks[j].zone == zone_at(s, z);
            if (n < bestn) {
                bestn = n;
                best = zone_at(s, z);
            }
        }
        k->zone = best;
    }
    double now = now_of(s);
    k->t->spec.zone = k->zone;
    k->placed_s = now;
    k->t->launched_s = now; /* Fargate bills from the start of the image pull */
    k->state = ECS_TASK_PENDING;
    uint64_t id = (uint64_t)(k - s->tasks);
    if (start_now) {
        task_running(&s->w->sim, s, id);
        return true;
    }
    double d = sim_dist_sample(s->cfg.start_time, s->rng);
    sim_event_after(&s->w->sim, d > 0 ? d : 0, task_running, s, id);
    return true;
}

/* "(service api) was unable to place a task ...": at most once a minute, as ECS
 * throttles its service events. */
static void log_unplaced(struct ecs_service *s)
{
    s->placement_failures++;
    double now = now_of(s);
    if (now - s->last_unplaced_log_s < 60)
        return;
    s->last_unplaced_log_s = now;
    const struct ecs_cluster *cl = &s->cl;
    const struct ecs_instance *close = NULL;
    for (uint32_t i = 0; i < cl->ninst; i++)
        if (cl->inst[i].state == ECS_INSTANCE_ACTIVE &&
            (!close || cl->inst[i].cpu_free > close->cpu_free + EPS))
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
                 close->cpu_free < s->cfg.cpu - EPS ? "CPU units" : "memory");
    log_row(s, "ecs", s->name, detail);
}

/* Place PROVISIONING tasks, oldest first, while some instance has room. */
static void place_waiting(struct ecs_service *s)
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
    k->stopped_s = now_of(s);
    t->state = TARGET_TERMINATED;
    t->stopped_s = isnan(k->placed_s) ? t->launched_s : k->stopped_s; /* never placed: 0 s */
    s->stops++;
    bool had_room = k->inst >= 0;
    release_room(s, k);
    if (had_room)
        place_waiting(s);
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
        dereg[g] = k->member[g] != NO_MEMBER && s->tgs[g]->members[k->member[g]].registered &&
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
        if (ec2(s)) {
            double free_cpu = s->cl.inst[k->inst].cpu_free;
            key = s->cl.cfg.placement == ECS_PLACE_BINPACK ? free_cpu : -free_cpu;
        } else {
            int n = 0;
            for (uint32_t i = 0; i < s->ntasks; i++)
                n += s->tasks[i].state == ECS_TASK_RUNNING && s->tasks[i].zone == k->zone;
            key = n;
        }
        /* Newest first among equals: j runs downwards and only a larger key wins. */
        if (!best || key > best_key + EPS) {
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
        log_row(s, "ecs", s->name, detail);
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
        log_row(s, "ecs", s->name, detail);
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
            if (k->member[g] != NO_MEMBER &&
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
        log_row(s, "ecs", s->name, detail);
        k->replacing = true;
        s->replacements++;
        if (crashed)
            task_stop_now(s, k);
        else
            task_stop(s, k);
    }
}

/* ---- the cluster loop: managed scaling (capacity provider) ---- */

/* M: instances needed for the tasks placed and waiting (first fit, ecs.h). */
static int cluster_needed(const struct ecs_service *s, int *holding)
{
    const struct ecs_cluster *cl = &s->cl;
    double cpu = s->cfg.cpu, mem = s->cfg.memory_gb;
    double *fc = xmalloc((cl->ninst + 1) * sizeof *fc), *fm = xmalloc((cl->ninst + 1) * sizeof *fm);
    bool *used = xcalloc(cl->ninst + 1, sizeof *used);
    for (uint32_t i = 0; i < cl->ninst; i++) {
        fc[i] = cl->inst[i].cpu_free;
        fm[i] = cl->inst[i].mem_free;
        used[i] = inst_active(&cl->inst[i]) && cl->inst[i].ntasks > 0;
    }
    int held = 0;
    for (uint32_t i = 0; i < cl->ninst; i++)
        held += used[i];
    /* New instances are identical and filled in order: the last one's room suffices. */
    int fresh = 0;
    double lc = 0, lm = 0;
    for (uint32_t j = 0; j < s->ntasks; j++) {
        if (s->tasks[j].state != ECS_TASK_PROVISIONING)
            continue;
        uint32_t i;
        for (i = 0; i < cl->ninst; i++)
            if (inst_active(&cl->inst[i]) && fc[i] >= cpu - EPS && fm[i] >= mem - EPS)
                break;
        if (i < cl->ninst) {
            fc[i] -= cpu;
            fm[i] -= mem;
            used[i] = true;
            continue;
        }
        if (fresh == 0 || lc < cpu - EPS || lm < mem - EPS) {
            fresh++;
            lc = cl->type->vcpus;
            lm = cl->type->memory_gb;
        }
        lc -= cpu;
        lm -= mem;
    }
    int m = fresh;
    for (uint32_t i = 0; i < cl->ninst; i++)
        m += used[i];
    free(fc);
    free(fm);
    free(used);
    *holding = held;
    return m;
}

static void cluster_apply(struct ecs_service *s, int nd, const char *alarm, int m, int n)
{
    struct ecs_cluster *cl = &s->cl;
    char detail[512];
    snprintf(detail, sizeof detail,
             "Alarm TargetTracking-%s-%s in state ALARM triggered policy "
             "ECSManagedAutoScalingPolicy-%s changing the desired capacity from %d to %d "
             "(CapacityProviderReservation %.4g%%: %d instances needed, %d in service, "
             "target %g%%).",
             cl->name, alarm, cl->name, cl->desired, nd, cl->cpr_pct, m, n,
             cl->cfg.target_capacity_pct);
    log_row(s, "scaling", cl->name, detail);
    cl->desired = nd;
    cl->activities++;
    inst_reconcile(s);
}

static void cluster_tick(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct ecs_service *s = ctx;
    struct ecs_cluster *cl = &s->cl;
    double now = sim_now(sim);
    int holding, m = cluster_needed(s, &holding), n = 0;
    for (uint32_t i = 0; i < cl->ninst; i++)
        n += cl->inst[i].state == ECS_INSTANCE_ACTIVE;
    cl->needed = m;
    cl->cpr_pct = n > 0 ? 100.0 * m / n : m > 0 ? 200 : 100;
    if (cl->cfg.managed_scaling) {
        double x = m * 100.0 / cl->cfg.target_capacity_pct;
        int want = (int)ceil(x - 1e-9);
        want = want < cl->min ? cl->min : want > cl->max ? cl->max : want;
        if (want > cl->desired) {
            cl->below = 0;
            /* A step waits until the instances of the last one are past their warm-up. */
            if (now - cl->last_scale_out_s >= cl->cfg.instance_warmup_s) {
                int step = want - cl->desired;
                step = step < cl->cfg.min_step ? cl->cfg.min_step : step;
                step = step > cl->cfg.max_step ? cl->cfg.max_step : step;
                int nd = cl->desired + step > cl->max ? cl->max : cl->desired + step;
                cl->last_scale_out_s = now;
                cluster_apply(s, nd, "AlarmHigh", m, n);
            }
        } else if (want < cl->desired) {
            /* Scale-in after 15 low minutes, of empty instances only. */
            if (++cl->below >= cl->cfg.scale_in_evaluations) {
                cl->below = 0;
                int nd = want > holding ? want : holding;
                if (nd < cl->desired)
                    cluster_apply(s, nd, "AlarmLow", m, n);
            }
        } else {
            cl->below = 0;
        }
    }
    sim_event_after(sim, ECS_TICK_S, cluster_tick, s, 0);
}

/* ---- the task loop: service auto scaling ---- */

static void on_response(void *ctx, double latency_s)
{
    struct ecs_service *s = ctx;
    as_record_response(s->pol, s->npol, now_of(s), latency_s);
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
    int floor = as_floor(s->pol, s->npol, now_of(s));
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
    log_row(s, "scaling", s->name, detail);
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
    if (ec2(s)) {
        for (int i = 0; i < s->cl.desired; i++) {
            struct ecs_instance *in = inst_new(s);
            in->state = ECS_INSTANCE_ACTIVE;
            in->in_service_s = now_of(s);
        }
    }
    for (int i = 0; i < s->desired; i++) {
        struct ecs_task *k = task_new(s);
        s->starts++;
        if (!task_place(s, k, true))
            log_unplaced(s);
    }
    sim_event_after(&s->w->sim, s->tick_s, tick, s, 0);
    if (ec2(s))
        sim_event_after(&s->w->sim, ECS_TICK_S, cluster_tick, s, 0);
    for (int i = 0; i < s->npol; i++)
        if (s->pol[i].p->kind == SCALING_PREDICTIVE)
            pred_start(&s->pol[i].pred);
    for (int i = 0; i < s->npol; i++)
        if (s->pol[i].p->kind == SCALING_SCHEDULED) {
            double t = scaling_scheduled_next(s->pol[i].p, now_of(s));
            if (isfinite(t))
                sim_event_schedule(&s->w->sim, t, scheduled, s, (uint64_t)i);
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

void ecs_cluster_counts(const struct ecs_service *s, int *pending, int *in_service,
                        int *desired)
{
    *pending = *in_service = *desired = 0;
    if (!ec2(s))
        return;
    for (uint32_t i = 0; i < s->cl.ninst; i++) {
        *pending += s->cl.inst[i].state == ECS_INSTANCE_PENDING;
        *in_service += s->cl.inst[i].state == ECS_INSTANCE_ACTIVE;
    }
    *desired = s->cl.desired;
}

static double ran(double from, double to, double now)
{
    if (isnan(from))
        return 0;
    double end = isnan(to) || to > now ? now : to;
    return end > from ? end - from : 0;
}

double ecs_task_hours(const struct ecs_service *s, double now)
{
    double sec = 0;
    for (uint32_t j = 0; j < s->ntasks; j++)
        sec += ran(s->tasks[j].placed_s, s->tasks[j].stopped_s, now);
    return sec / 3600;
}

double ecs_instance_hours(const struct ecs_service *s, double now)
{
    double sec = 0;
    for (uint32_t i = 0; ec2(s) && i < s->cl.ninst; i++)
        sec += ran(s->cl.inst[i].launched_s, s->cl.inst[i].stopped_s, now);
    return sec / 3600;
}

double ecs_cost_usd(const struct ecs_service *s, double now)
{
    double usd = 0;
    if (!ec2(s)) {
        for (uint32_t j = 0; j < s->ntasks; j++)
            if (!isnan(s->tasks[j].placed_s))
                usd += target_cost_usd(s->tasks[j].t, now);
        return usd;
    }
    for (uint32_t i = 0; i < s->cl.ninst; i++) {
        const struct ecs_instance *in = &s->cl.inst[i];
        usd += catalog_billed_seconds(ran(in->launched_s, in->stopped_s, now),
                                      CATALOG_EC2_MINIMUM_S) *
               s->cl.type->price_per_hour_usd / 3600;
    }
    return usd;
}
