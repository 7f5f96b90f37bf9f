/* The EC2 launch type's cluster: container instances launched into zones and terminated
 * when empty, task placement (binpack or spread), and the capacity provider's managed
 * scaling loop (CapacityProviderReservation, every 60 s).  models/containers/ecs.h tells
 * the model; ecs.c is the service and its task loop. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/compute/catalog.h"
#include "models/containers/ecs.h"
#include "models/containers/ecs_impl.h"
#include "models/core/env.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

static void cluster_tick(struct sim *sim, void *ctx, uint64_t arg);
static struct ecs_instance *inst_new(struct ecs_service *s);

/* ---- building ---- */

void ecs_cluster_init(struct ecs_service *s)
{
    const struct ecs_service_cfg *cfg = &s->cfg;
    char name[512];
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
    cl->rng = sim_rng_new(s->env->seed, name);
    if (!cl->cfg.launch_time) {
        cl->launch_default = ecs_parse_default(ECS_INSTANCE_LAUNCH_DEFAULT);
        cl->cfg.launch_time = cl->launch_default;
    }
    cl->min = cl->cfg.min;
    cl->max = cl->cfg.max;
    cl->desired = cl->cfg.desired;
    cl->last_scale_out_s = -(double)INFINITY;
    cl->cpr_pct = 100;
}

void ecs_cluster_fini(struct ecs_service *s)
{
    struct ecs_cluster *cl = &s->cl;
    for (uint32_t i = 0; i < cl->ninst; i++)
        free(cl->inst[i].name);
    free(cl->inst);
    free(cl->name);
    if (cl->rng)
        gsl_rng_free(cl->rng);
    sim_dist_free(cl->launch_default);

}

void ecs_cluster_start(struct ecs_service *s)
{
    for (int i = 0; i < s->cl.desired; i++) {
        struct ecs_instance *in = inst_new(s);
        in->state = ECS_INSTANCE_ACTIVE;
        in->in_service_s = ecs_now(s);
        in->image_at = ecs_now(s); /* the initial instances have the image */
    }
}

void ecs_cluster_schedule(struct ecs_service *s)
{
    sim_event_after(&s->env->sim, ECS_TICK_S, cluster_tick, s, 0);
}

/* ---- container instances (EC2 launch type) ---- */

bool ecs_inst_active(const struct ecs_instance *in)
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
    ecs_place_waiting(s); /* room at last for PROVISIONING tasks */
}

static struct ecs_instance *inst_new(struct ecs_service *s)
{
    struct ecs_cluster *cl = &s->cl;
    /* The zone with the fewest active instances keeps the cluster balanced. */
    int best = ecs_zone_at(s, 0), bestn = INT32_MAX;
    for (int z = 0; z < ecs_nzones(s); z++) {
        int n = 0;
        for (uint32_t i = 0; i < cl->ninst; i++)
            n += ecs_inst_active(&cl->inst[i]) && cl->inst[i].zone == ecs_zone_at(s, z);
        if (n < bestn) {
            bestn = n;
            best = ecs_zone_at(s, z);
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
        .launched_s = ecs_now(s),
        .in_service_s = (double)NAN,
        .stopped_s = (double)NAN,
        .cpu_free = cl->type->vcpus,
        .mem_free = cl->type->memory_gb,
        .image_at = (double)NAN,
        .pull_free_s = ecs_now(s),
    };
    return in;
}

static void inst_launch(struct ecs_service *s)
{
    struct ecs_cluster *cl = &s->cl;
    struct ecs_instance *in = inst_new(s);
    cl->launches++;
    double d = sim_dist_sample(cl->cfg.launch_time, cl->rng);
    sim_event_after(&s->env->sim, d > 0 ? d : 0, inst_in_service, s, (uint64_t)(in - cl->inst));
}

static void inst_terminate(struct ecs_service *s, struct ecs_instance *in)
{
    ELB_ASSERT(in->ntasks == 0);
    in->state = ECS_INSTANCE_TERMINATED;
    in->stopped_s = ecs_now(s);
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
        if (!ecs_inst_active(in) || in->ntasks > 0)
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
        act += ecs_inst_active(&cl->inst[i]);
    for (; act < cl->desired; act++)
        inst_launch(s);
    for (; act > cl->desired; act--) {
        struct ecs_instance *in = inst_victim(s);
        if (!in)
            break;
        inst_terminate(s, in);
    }
}


/* The instance a task goes to by the placement strategy, or -1 when none has room. */
int ecs_cluster_pick(const struct ecs_service *s)
{
    const struct ecs_cluster *cl = &s->cl;
    bool binpack = cl->cfg.placement == ECS_PLACE_BINPACK;
    int best = -1;
    for (uint32_t i = 0; i < cl->ninst; i++) {
        const struct ecs_instance *in = &cl->inst[i];
        if (in->state != ECS_INSTANCE_ACTIVE || in->cpu_free < s->cfg.cpu - ECS_EPS ||
            in->mem_free < s->cfg.memory_gb - ECS_EPS)
            continue;
        if (best < 0) {
            best = (int)i;
            continue;
        }
        const struct ecs_instance *b = &cl->inst[best];
        bool same_cpu = fabs(in->cpu_free - b->cpu_free) <= ECS_EPS;
        if (binpack ? (in->cpu_free < b->cpu_free - ECS_EPS ||
                       (same_cpu && in->mem_free < b->mem_free - ECS_EPS))
                    : in->cpu_free > b->cpu_free + ECS_EPS)
            best = (int)i;
    }
    return best;
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
        used[i] = ecs_inst_active(&cl->inst[i]) && cl->inst[i].ntasks > 0;
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
            if (ecs_inst_active(&cl->inst[i]) && fc[i] >= cpu - ECS_EPS && fm[i] >= mem - ECS_EPS)
                break;
        if (i < cl->ninst) {
            fc[i] -= cpu;
            fm[i] -= mem;
            used[i] = true;
            continue;
        }
        if (fresh == 0 || lc < cpu - ECS_EPS || lm < mem - ECS_EPS) {
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
    ecs_log_row(s, "scaling", cl->name, detail);
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

/* ---- outputs ---- */

void ecs_cluster_counts(const struct ecs_service *s, int *pending, int *in_service,
                        int *desired)
{
    *pending = *in_service = *desired = 0;
    if (!ecs_is_ec2(s))
        return;
    for (uint32_t i = 0; i < s->cl.ninst; i++) {
        *pending += s->cl.inst[i].state == ECS_INSTANCE_PENDING;
        *in_service += s->cl.inst[i].state == ECS_INSTANCE_ACTIVE;
    }
    *desired = s->cl.desired;
}


double ecs_instance_hours(const struct ecs_service *s, double now)
{
    double sec = 0;
    for (uint32_t i = 0; ecs_is_ec2(s) && i < s->cl.ninst; i++)
        sec += catalog_ran_s(s->cl.inst[i].launched_s, s->cl.inst[i].stopped_s, now);
    return sec / 3600;
}

