#include "models/scaling/asg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/target.h"
#include "models/core/env.h"
#include "models/elb/target_group.h"
#include "models/scaling/asg_cfg.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define NO_MEMBER UINT32_MAX

static void on_response(void *ctx, double latency_s);

static void pred_bounds(void *ctx, int *min, int *max, int *desired);
static void pred_apply(void *ctx, const struct scaling_decision *d);

static void owner_drained(void *owner, struct target *t);

static const struct target_owner_ops asg_owner_ops = {.drained = owner_drained};

struct asg *asg_new(struct target_list *targets, uint32_t id, const struct sc_asg *cfg,
                    struct target_group **tgs, double duration_s)
{
    struct env *env = targets->env;
    struct asg *a = xcalloc(1, sizeof *a);
    a->id = id;
    a->cfg = cfg;
    a->name = cfg->name;
    a->env = env;
    a->targets = targets;
    a->min = cfg->min;
    a->max = cfg->max;
    a->desired = cfg->desired;
    char name[512];
    snprintf(name, sizeof name, "asg.%s", cfg->name);
    a->rng = sim_rng_new(env->seed, name);
    /* The termination policies' random pick has a stream of its own, so a variant that
     * only changes them keeps every launch time (common random numbers). */
    snprintf(name, sizeof name, "asg.%s.terminate", cfg->name);
    a->term_rng = sim_rng_new(env->seed, name);
    a->tgs = xcalloc((size_t)(cfg->ntgs ? cfg->ntgs : 1), sizeof *a->tgs);
    for (int k = 0; k < cfg->ntgs; k++)
        a->tgs[k] = tgs[k];
    a->npol = cfg->npolicies;
    a->pol = xcalloc((size_t)(a->npol ? a->npol : 1), sizeof *a->pol);
    a->tick_s = 60;
    for (int i = 0; i < a->npol; i++) {
        struct as_policy *ap = &a->pol[i];
        const struct scaling_policy *p = &cfg->policies[i];
        struct pred_owner o = {a, &env->sim, &cfg->ctx.clock, "instances", pred_bounds,
                               pred_apply};
        as_policy_init(ap, p, &cfg->ctx, &o, duration_s);
        const struct metric_def *md = as_policy_metric(p);
        if (md) {
            double iv = metric_alarm_interval(ap->scfg.period_s);
            if (iv < a->tick_s)
                a->tick_s = iv;
            if (!strcmp(md->name, "TargetResponseTime") && cfg->ntgs > 0) {
                a->tgs[0]->on_response = on_response;
                a->tgs[0]->on_response_ctx = a;
            }
        }
    }
    return a;
}

void asg_free(struct asg *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->npol; i++)
        as_policy_fini(&a->pol[i]);
    free(a->pol);
    for (uint32_t i = 0; i < a->ninst; i++)
        free(a->inst[i].member);
    free(a->inst);
    free(a->cand);
    free(a->tgs);
    gsl_rng_free(a->rng);
    gsl_rng_free(a->term_rng);
    free(a);
}

/* ---- instances ---- */

static double now_of(const struct asg *a)
{
    return sim_now(&a->env->sim);
}

static bool active(const struct asg_instance *in)
{
    return in->state == ASG_PENDING || in->state == ASG_IN_SERVICE;
}

static bool suspended(const struct asg *a, enum sc_process p)
{
    return (a->cfg->suspended & (1u << p)) != 0;
}

static int zone_count(const struct asg *a, int zone)
{
    int n = 0;
    for (uint32_t i = 0; i < a->ninst; i++)
        n += active(&a->inst[i]) && a->inst[i].t->spec.zone == zone;
    return n;
}

static void log_activity(struct asg *a, const char *detail)
{
    sim_event_log_row(&a->env->events, now_of(a), "scaling", a->name, detail);
}

/* A simple policy's activity completes when no instance is launching or draining (the
 * last one in service or terminated); the group's cooldown runs from then
 * (ec2-auto-scaling-scaling-cooldowns.html). */
static void simple_activity_check(struct asg *a)
{
    if (!a->simple_running)
        return;
    for (uint32_t i = 0; i < a->ninst; i++)
        if (a->inst[i].state == ASG_PENDING || a->inst[i].state == ASG_DRAINING)
            return;
    a->simple_running = false;
    a->cooldown_until_s = now_of(a) + a->simple_cooldown_s;
}

static void register_instance(struct asg *a, struct asg_instance *in)
{
    for (int k = 0; k < a->cfg->ntgs; k++) {
        in->member[k] = a->tgs[k]->nmembers;
        tg_target_register(a->tgs[k], in->t);
    }
}

static void rebalance_launched(struct asg *a);

static void in_service(struct sim *sim, void *ctx, uint64_t arg)
{
    struct asg *a = ctx;
    struct asg_instance *in = &a->inst[arg];
    if (in->state != ASG_PENDING)
        return; /* terminated while launching */
    double now = sim_now(sim);
    struct target *t = in->t;
    in->state = ASG_IN_SERVICE;
    in->in_service_s = now;
    in->warm_until_s = now + in->warmup_s;
    t->state = TARGET_IN_SERVICE;
    t->busy_since = t->ps_vtime_at = now;
    if (!suspended(a, SC_PROC_ADD_TO_LOAD_BALANCER))
        register_instance(a, in);
    if (in->rebalance) {
        in->rebalance = false;
        rebalance_launched(a);
    }
    simple_activity_check(a);
}

static struct asg_instance *new_instance(struct asg *a)
{
    /* The zone with the fewest active instances keeps the group balanced; a zone with an
     * outage in progress is skipped while another one is up (launches there would fail). */
    bool any_up = false;
    for (int z = 0; z < a->cfg->nzones; z++)
        any_up |= !target_list_zone_is_out(a->targets, a->cfg->zones[z]);
    int best = a->cfg->zones[0], bestn = INT32_MAX;
    for (int z = 0; z < a->cfg->nzones; z++) {
        int n = zone_count(a, a->cfg->zones[z]);
        if (any_up && target_list_zone_is_out(a->targets, a->cfg->zones[z]))
            continue;
        if (n < bestn) {
            bestn = n;
            best = a->cfg->zones[z];
        }
    }
    if (a->ninst == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->inst = xrealloc(a->inst, a->cap * sizeof *a->inst);
        a->cand = xrealloc(a->cand, a->cap * sizeof *a->cand); /* victim()'s scratch */
    }
    struct asg_instance *in = &a->inst[a->ninst++];
    *in = (struct asg_instance){0};
    in->member = xmalloc((size_t)(a->cfg->ntgs ? a->cfg->ntgs : 1) * sizeof *in->member);
    for (int k = 0; k < a->cfg->ntgs; k++)
        in->member[k] = NO_MEMBER;
    struct target_spec spec = a->cfg->tmpl.spec;
    spec.zone = best;
    char name[512];
    snprintf(name, sizeof name, "%s/%u", a->name, a->next_name++);
    in->t = target_list_new(a->targets, name, &spec);
    in->t->owner = a;
    in->t->owner_kind = TARGET_OWNER_ASG;
    in->t->owner_ops = &asg_owner_ops;
    in->launched_s = now_of(a);
    return in;
}

static const char *zone_of(const struct asg *a, const struct asg_instance *in)
{
    return target_list_zone_name(a->targets, in->t->spec.zone);
}

/* The activity-history row of an instance launched or taken out of service:
 * "Launching a new EC2 instance: <name>. Cause: <cause>. Details: zone <z>." (AWS's
 * Description, Cause and the Availability Zone of its Details). */
static void log_instance(struct asg *a, const struct asg_instance *in, bool launching,
                         const char *cause)
{
    char detail[512];
    snprintf(detail, sizeof detail, "%s: %s. Cause: %s. Details: zone %s.",
             launching ? "Launching a new EC2 instance" : "Terminating EC2 instance",
             in->t->node.name, cause, zone_of(a, in));
    log_activity(a, detail);
}

/* Launch one instance: pending for the launch time, then in service and warming for
 * warmup_s; `cause` is its activity's. */
static struct asg_instance *launch(struct asg *a, double warmup_s, const char *cause)
{
    struct asg_instance *in = new_instance(a);
    log_instance(a, in, true, cause);
    in->warmup_s = warmup_s;
    in->state = ASG_PENDING;
    in->t->state = TARGET_PENDING;
    a->launches++;
    double d = sim_dist_sample(a->cfg->launch_time, a->rng);
    sim_event_after(&a->env->sim, d > 0 ? d : 0, in_service, a, (uint64_t)(in - a->inst));
    return in;
}

static void terminate_now(struct asg *a, struct asg_instance *in)
{
    struct target *t = in->t;
    /* Requests still held when the instance stops are lost (502, as AWS answers them when
     * the deregistration delay elapses). */
    if (t->state == TARGET_IN_SERVICE || t->state == TARGET_DRAINING)
        target_fault_start(t, -2, TARGET_FAULT_CRASH, 1, 0, NULL);
    if (in->rebalance) { /* a rebalancing launch taken out before it was in service */
        in->rebalance = false;
        a->rebal_extra--;
    }
    in->state = ASG_TERMINATED;
    t->state = TARGET_TERMINATED;
    t->stopped_s = now_of(a);
    a->terminations++;
    simple_activity_check(a);
}

/* Take the instance out: deregister from every group it is in, terminate when drained. */
static void retire(struct asg *a, struct asg_instance *in)
{
    if (in->state == ASG_PENDING) {
        terminate_now(a, in);
        return;
    }
    in->state = ASG_DRAINING;
    in->draining = 0;
    for (int k = 0; k < a->cfg->ntgs; k++)
        if (in->member[k] != NO_MEMBER) {
            in->draining++;
            tg_deregister(a->tgs[k], in->member[k]);
        }
    /* An ALB group with nothing in flight finishes at once and calls owner_drained. */
    if (in->draining == 0 && in->state == ASG_DRAINING)
        terminate_now(a, in);
}

/* Every target group finished draining t (its owner op): terminate it. */
static void owner_drained(void *owner, struct target *t)
{
    struct asg *a = owner;
    for (uint32_t i = 0; i < a->ninst; i++) {
        struct asg_instance *in = &a->inst[i];
        if (in->t != t || in->state != ASG_DRAINING)
            continue;
        if (--in->draining <= 0)
            terminate_now(a, in);
        return;
    }
}

/* Seconds from now to the instance's next whole hour of running. */
static double to_next_hour(const struct asg_instance *in, double now)
{
    return 3600 - fmod(now - in->launched_s, 3600);
}

/* The key termination policy `which` minimises: launch time (OldestInstance), minus it
 * (NewestInstance), or the time to the next instance hour. */
static double term_key(const struct asg_instance *in, int which, double now)
{
    return which == SC_TERM_OLDEST   ? in->launched_s
           : which == SC_TERM_NEWEST ? -in->launched_s
                                     : to_next_hour(in, now);
}

/* Keep in cand[0..*n) the instances with the smallest key (within rounding). */
static void keep_least(const struct asg *a, uint32_t *cand, uint32_t *n, int which, double now)
{
    double best = (double)INFINITY;
    for (uint32_t i = 0; i < *n; i++)
        best = fmin(best, term_key(&a->inst[cand[i]], which, now));
    uint32_t m = 0;
    for (uint32_t i = 0; i < *n; i++)
        if (term_key(&a->inst[cand[i]], which, now) <= best + 1e-9)
            cand[m++] = cand[i];
    *n = m;
}

/* Which instance scale-in takes (ec2-auto-scaling-termination-policies.html): the zone
 * with the most active instances (balance overrides every policy; ties: the order of
 * `zones`), then each termination policy of the list in turn keeps the instances it would
 * take, and if several remain, one at random from the group's stream
 * "asg.<name>.terminate".  AllocationStrategy
 * and Oldest{LaunchTemplate,LaunchConfiguration} make no choice here: a group has one
 * launch template and one instance type, on demand.  Default is those two, then
 * ClosestToNextInstanceHour, then random. */
static struct asg_instance *victim(struct asg *a)
{
    int zone = -1, zn = -1;
    for (int z = 0; z < a->cfg->nzones; z++) {
        int n = zone_count(a, a->cfg->zones[z]);
        if (n > zn) {
            zn = n;
            zone = a->cfg->zones[z];
        }
    }
    uint32_t *cand = a->cand, n = 0;
    for (uint32_t i = 0; i < a->ninst; i++)
        if (active(&a->inst[i]) && a->inst[i].t->spec.zone == zone)
            cand[n++] = i;
    if (n == 0)
        return NULL;
    double now = now_of(a);
    for (int k = 0; k < a->cfg->nterm && n > 1; k++)
        switch (a->cfg->termination[k]) {
        case SC_TERM_OLDEST:
        case SC_TERM_NEWEST:
            keep_least(a, cand, &n, (int)a->cfg->termination[k], now);
            break;
        case SC_TERM_DEFAULT:
        case SC_TERM_CLOSEST_TO_NEXT_HOUR:
            keep_least(a, cand, &n, SC_TERM_CLOSEST_TO_NEXT_HOUR, now);
            break;
        case SC_TERM_OLDEST_LAUNCH_TEMPLATE:
        case SC_TERM_OLDEST_LAUNCH_CONFIGURATION:
        case SC_TERM_ALLOCATION_STRATEGY:
        default:
            break;
        }
    uint32_t pick = n > 1 ? (uint32_t)gsl_rng_uniform_int(a->term_rng, n) : 0;
    return &a->inst[cand[pick]];
}

/* Launch or retire instances until the active count matches desired; launches warm up
 * for warmup_s. */
static void reconcile(struct asg *a, double warmup_s)
{
    int act = 0, want = a->desired + a->rebal_extra;
    for (uint32_t i = 0; i < a->ninst; i++)
        act += active(&a->inst[i]);
    for (; act < want && !suspended(a, SC_PROC_LAUNCH); act++) {
        char cause[256];
        snprintf(cause, sizeof cause,
                 "an instance was started in response to a difference between desired and "
                 "actual capacity, increasing the capacity from %d to %d",
                 act, act + 1);
        launch(a, warmup_s, cause);
    }
    for (; act > want && !suspended(a, SC_PROC_TERMINATE); act--) {
        struct asg_instance *in = victim(a);
        if (!in)
            break;
        char cause[256];
        snprintf(cause, sizeof cause,
                 "an instance was taken out of service in response to a difference between "
                 "desired and actual capacity, shrinking the capacity from %d to %d",
                 act, act - 1);
        log_instance(a, in, false, cause);
        retire(a, in);
    }
}

/* ---- AZRebalance (ec2-auto-scaling-benefits.html, "Instance distribution") ---- */

/* An instance launched to rebalance is in service: take one out of the zone with the most
 * instances (the termination policies choose which), unless Terminate is suspended: then
 * the group stays above desired (AWS: up to 10 % above max). */
static void rebalance_launched(struct asg *a)
{
    if (suspended(a, SC_PROC_TERMINATE))
        return;
    a->rebal_extra--;
    struct asg_instance *in = victim(a);
    if (!in)
        return;
    log_instance(a, in, false,
                 "an instance was taken out of service to aid in balancing the group's zones");
    retire(a, in);
}

/* Once no zone of the group has an outage, move capacity back where it is missing: launch
 * in the zone with the fewest instances first, terminate in the one with the most when the
 * new one is in service.  The group may exceed max by 10 % or 1 instance, whichever is
 * larger, while it does (AWS.md §5). */
static void rebalance(struct asg *a)
{
    if (suspended(a, SC_PROC_AZ_REBALANCE) || suspended(a, SC_PROC_LAUNCH))
        return;
    for (int z = 0; z < a->cfg->nzones; z++)
        if (target_list_zone_is_out(a->targets, a->cfg->zones[z]))
            return;
    int allowed = a->max / 10 > 1 ? a->max / 10 : 1;
    while (a->rebal_extra < allowed) {
        int lo = INT32_MAX, hi = -1, act = 0;
        for (int z = 0; z < a->cfg->nzones; z++) {
            int n = zone_count(a, a->cfg->zones[z]);
            act += n;
            lo = n < lo ? n : lo;
            hi = n > hi ? n : hi;
        }
        if (hi - lo <= 1 || act >= a->max + allowed)
            return;
        struct asg_instance *in =
            launch(a, a->cfg->warmup_s,
                   "an instance was launched to aid in balancing the group's zones");
        in->rebalance = true;
        a->rebal_extra++;
        a->activities++;
    }
}

/* ---- health: replace what is broken ---- */

static bool unhealthy(const struct asg *a, const struct asg_instance *in, double now)
{
    if (in->state != ASG_IN_SERVICE || now < in->in_service_s + a->cfg->grace_s)
        return false;
    if (in->t->fault == TARGET_FAULT_HOST_DOWN)
        return true; /* EC2 status checks fail: the instance is unreachable.  A crashed
                      * process on a live host passes them; only ELB checks see it. */
    if (!a->cfg->elb_health)
        return false;
    for (int k = 0; k < a->cfg->ntgs; k++)
        if (in->member[k] != NO_MEMBER &&
            a->tgs[k]->members[in->member[k]].health == TG_HEALTH_UNHEALTHY)
            return true;
    return false;
}

static void replace_unhealthy(struct asg *a, double now)
{
    int replacing = 0;
    for (uint32_t i = 0; i < a->ninst; i++)
        replacing += a->inst[i].replacing && a->inst[i].state == ASG_DRAINING;
    int limit = a->desired / 10 > 1 ? a->desired / 10 : 1;
    for (uint32_t i = 0; i < a->ninst && replacing < limit; i++) {
        struct asg_instance *in = &a->inst[i];
        if (!unhealthy(a, in, now))
            continue;
        /* AWS's causes: a failed EC2 status check, or an ELB health check. */
        bool ec2 = in->t->fault == TARGET_FAULT_HOST_DOWN;
        log_instance(a, in, false,
                     ec2 ? "an instance was taken out of service in response to an EC2 health "
                           "check indicating it has been terminated or stopped"
                         : "an instance was taken out of service in response to an ELB system "
                           "health check failure");
        in->replacing = true;
        a->replacements++;
        a->activities++;
        retire(a, in);
        replacing++;
    }
    reconcile(a, a->cfg->warmup_s); /* launch the replacements */
}

/* ---- metrics and policies ---- */

static void on_response(void *ctx, double latency_s)
{
    struct asg *a = ctx;
    as_record_response(a->pol, a->npol, now_of(a), latency_s);
}

static bool warming(const struct asg_instance *in, double now)
{
    return in->state == ASG_PENDING || (in->state == ASG_IN_SERVICE && now < in->warm_until_s);
}

/* Feed the period [now - P, now) of policy ap's series. */
static void feed(struct asg *a, struct as_policy *ap, double now)
{
    double at = now - ap->scfg.period_s / 2;
    if (as_feed_group_metric(ap, a->cfg->ntgs ? a->tgs[0] : NULL, at))
        return;
    /* TargetResponseTime is fed per response (on_response); the rest per instance. */
    if (!strcmp(as_policy_metric(ap->p)->name, "TargetResponseTime"))
        return;
    as_policy_grow(ap, a->ninst);
    struct metric_member *mm = xcalloc(a->ninst ? a->ninst : 1, sizeof *mm);
    size_t n = 0;
    for (uint32_t i = 0; i < a->ninst; i++) {
        struct asg_instance *in = &a->inst[i];
        if (in->state != ASG_IN_SERVICE)
            continue;
        /* The instance's own period since it went in service when that is later (it is
         * warming then anyway). */
        double v = as_member_value(ap, i, in->t, in->in_service_s, now);
        mm[n++] = (struct metric_member){v, true, warming(in, now)};
    }
    ap->behind[as_period_slot(ap, at)] = (int)metric_series_add_group(&ap->series, at, mm, n);
    free(mm);
}

static void group_view(const struct asg *a, double now, struct scaling_group *g)
{
    *g = (struct scaling_group){.desired = a->desired,
                                .min = a->min,
                                .max = a->max,
                                .cooldown_until_s =
                                    a->simple_running ? (double)INFINITY : a->cooldown_until_s};
    for (uint32_t i = 0; i < a->ninst; i++) {
        const struct asg_instance *in = &a->inst[i];
        if (!active(in)) {
            g->activity_in_progress |= in->state == ASG_DRAINING;
            g->terminating += in->state == ASG_DRAINING;
            continue;
        }
        if (warming(in, now))
            g->warming++;
        else
            g->ready++;
        g->activity_in_progress |= in->state == ASG_PENDING;
    }
}

static void apply(struct asg *a, const struct scaling_decision *d)
{
    if (!d->act)
        return;
    /* Predictive and dynamic combine by the larger capacity: no dynamic scale-in below the
     * forecast capacity of the hour in force. */
    int floor = as_floor(a->pol, a->npol, now_of(a));
    if (d->kind != SCALING_PREDICTIVE && d->kind != SCALING_SCHEDULED && d->desired < floor) {
        struct scaling_decision c = *d;
        c.desired = floor < c.max ? floor : c.max;
        if (c.desired != a->desired || c.min != a->min || c.max != a->max)
            apply(a, &c);
        return;
    }
    int before = a->desired;
    a->min = d->min;
    a->max = d->max;
    a->desired = d->desired;
    a->activities++;
    if (d->cause[0])
        log_activity(a, d->cause);
    else {
        char detail[160];
        snprintf(detail, sizeof detail, "changing the desired capacity from %d to %d.", before,
                 a->desired);
        log_activity(a, detail);
    }
    /* A target-tracking or step scale-out warms for the policy's own warm-up; the rest
     * (scheduled, predictive, simple) for the group's default. */
    bool own = (d->kind == SCALING_TARGET_TRACKING || d->kind == SCALING_STEP) &&
               d->warmup_s >= 0;
    reconcile(a, own ? d->warmup_s : a->cfg->warmup_s);
    if (d->kind == SCALING_SIMPLE) {
        a->simple_running = true;
        a->simple_cooldown_s = d->cooldown_s;
        simple_activity_check(a); /* e.g. a scale-in of pending instances only */
    }
}

/* ---- predictive scaling (models/scaling/predictive) ---- */

/* The hour ending at now: the instances' CPU percent summed, or the group's requests. */
static double hour_load(struct asg *a, struct pred *pr, double now)
{
    if (pr->p->pred_requests)
        return pred_request_load(pr, a->cfg->ntgs ? a->tgs[0] : NULL);
    pred_grow(pr, a->ninst);
    double load = 0;
    for (uint32_t i = 0; i < a->ninst; i++)
        if (a->inst[i].state != ASG_PENDING)
            load += pred_member_cpu(pr, i, a->inst[i].t, now);
    return load;
}

static void pred_bounds(void *ctx, int *min, int *max, int *desired)
{
    const struct asg *a = ctx;
    *min = a->min;
    *max = a->max;
    *desired = a->desired;
}

static void pred_apply(void *ctx, const struct scaling_decision *d)
{
    apply(ctx, d);
}

static void tick(struct sim *sim, void *ctx, uint64_t arg)
{
    struct asg *a = ctx;
    double now = sim_now(sim);
    /* Feed every series whose period ends now, before any alarm looks. */
    for (int i = 0; i < a->npol; i++) {
        struct as_policy *ap = &a->pol[i];
        if (as_policy_metric(ap->p) && as_multiple_of(now, ap->scfg.period_s))
            feed(a, ap, now);
    }
    if (!suspended(a, SC_PROC_HEALTH_CHECK) && !suspended(a, SC_PROC_REPLACE_UNHEALTHY))
        replace_unhealthy(a, now);
    rebalance(a);
    int pend, svc, warm, drain;
    asg_counts(a, now, &pend, &svc, &warm, &drain);
    for (int i = 0; i < a->npol; i++) {
        struct as_policy *ap = &a->pol[i];
        if (ap->p->kind != SCALING_PREDICTIVE)
            continue;
        pred_sample(&ap->pred, svc, a->tick_s);
        if (as_multiple_of(now, 3600))
            pred_hour(&ap->pred, now, hour_load(a, &ap->pred, now));
    }
    struct scaling_group g;
    group_view(a, now, &g);
    struct scaling_decision out;
    as_decide(a->pol, a->npol, &g, now, &out);
    if (!suspended(a, SC_PROC_ALARM_NOTIFICATION))
        apply(a, &out);
    (void)arg;
    sim_event_after(sim, a->tick_s, tick, a, 0);
}

static void scheduled(struct sim *sim, void *ctx, uint64_t arg)
{
    struct asg *a = ctx;
    struct as_policy *ap = &a->pol[arg];
    double now = sim_now(sim);
    struct scaling_group g;
    group_view(a, now, &g);
    struct scaling_decision d;
    scaling_scheduled_apply(ap->p, &g, now, &d);
    if (!suspended(a, SC_PROC_SCHEDULED_ACTIONS))
        apply(a, &d);
    double next = scaling_scheduled_next(ap->p, now + 1);
    if (isfinite(next))
        sim_event_schedule(sim, next, scheduled, a, arg);
}

void asg_start(struct asg *a)
{
    /* The initial capacity is in service and past warm-up at t = 0, like static targets. */
    for (int i = 0; i < a->desired; i++) {
        struct asg_instance *in = new_instance(a);
        in->state = ASG_IN_SERVICE;
        in->in_service_s = 0;
        in->warm_until_s = 0;
        register_instance(a, in);
    }
    sim_event_schedule(&a->env->sim, a->tick_s, tick, a, 0);
    for (int i = 0; i < a->npol; i++) {
        if (a->pol[i].p->kind == SCALING_PREDICTIVE)
            pred_start(&a->pol[i].pred);
    }
    for (int i = 0; i < a->npol; i++)
        if (a->pol[i].p->kind == SCALING_SCHEDULED) {
            double t = scaling_scheduled_next(a->pol[i].p, 0);
            if (isfinite(t))
                sim_event_schedule(&a->env->sim, t, scheduled, a, (uint64_t)i);
        }
}

void asg_counts(const struct asg *a, double now, int *pending, int *in_svc, int *warm,
                int *draining)
{
    *pending = *in_svc = *warm = *draining = 0;
    for (uint32_t i = 0; i < a->ninst; i++) {
        const struct asg_instance *in = &a->inst[i];
        *pending += in->state == ASG_PENDING;
        *in_svc += in->state == ASG_IN_SERVICE;
        *warm += in->state == ASG_IN_SERVICE && now < in->warm_until_s;
        *draining += in->state == ASG_DRAINING;
    }
}
