#include "models/scaling/predictive.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "sim/xalloc.h"

static void hist_push(struct pred *pr, double v)
{
    if (pr->hist_n == pr->hist_cap) {
        pr->hist_cap = pr->hist_cap ? 2 * pr->hist_cap : 64;
        pr->hist = xrealloc(pr->hist, pr->hist_cap * sizeof *pr->hist);
    }
    pr->hist[pr->hist_n++] = v;
}

void pred_init(struct pred *pr, const struct scaling_policy *p, const struct pred_owner *o,
               double duration_s)
{
    *pr = (struct pred){.p = p, .owner = *o};
    pr->nhours = (size_t)ceil(duration_s / 3600.0) + FORECAST_MAX_HORIZON_H;
    pr->fc_load = xmalloc(pr->nhours * sizeof(double));
    pr->fc_cap = xmalloc(pr->nhours * sizeof(double));
    pr->act_load = xmalloc(pr->nhours * sizeof(double));
    pr->act_cap = xmalloc(pr->nhours * sizeof(double));
    for (size_t h = 0; h < pr->nhours; h++)
        pr->fc_load[h] = pr->fc_cap[h] = pr->act_load[h] = pr->act_cap[h] = (double)NAN;
    pr->hist_start_s = -(double)p->history_n * 3600.0;
    for (size_t h = 0; h < p->history_n; h++)
        hist_push(pr, p->history[h]);
}

void pred_fini(struct pred *pr)
{
    free(pr->hist);
    free(pr->fc_load);
    free(pr->fc_cap);
    free(pr->act_load);
    free(pr->act_cap);
    free(pr->prev_busy);
}

double pred_per_member(const struct scaling_policy *p)
{
    /* CPU: the load is the members' CPU percent summed, so one member carries `target`.
     * Requests: an hour's requests; the target is per target per minute. */
    return p->pred_requests ? p->target * 60.0 : p->target;
}

static struct forecast_sched_cfg sched_cfg(const struct pred *pr)
{
    const struct scaling_policy *p = pr->p;
    struct forecast_sched_cfg c;
    forecast_sched_cfg_init(&c);
    int desired;
    pr->owner.bounds(pr->owner.ctx, &c.min_capacity, &c.max_capacity, &desired);
    c.target_per_instance = pred_per_member(p);
    c.buffer_s = p->buffer_s;
    c.breach = p->breach_increase ? FORECAST_BREACH_INCREASE : FORECAST_BREACH_HONOR;
    c.max_buffer_pct = p->max_buffer_pct;
    return c;
}

static void action(struct sim *sim, void *ctx, uint64_t arg);

static void arm(struct pred *pr)
{
    struct sim *sim = pr->owner.sim;
    sim_event_cancel(sim, pr->act_ev);
    pr->act_ev = 0;
    if (pr->next_act < pr->nact) {
        double t = pr->act[pr->next_act].apply_at_s, now = sim_now(sim);
        pr->act_ev = sim_event_schedule(sim, t > now ? t : now, action, pr, 0);
    }
}

static void refresh(struct pred *pr, double now)
{
    const struct scaling_policy *p = pr->p;
    size_t n = pr->hist_n, use = n < FORECAST_MAX_HISTORY_H ? n : FORECAST_MAX_HISTORY_H;
    if (n < forecast_method_min_history_h(&p->method))
        return; /* AWS: no forecast before 24 h of data (a week for weekly naive) */
    const double *y = pr->hist + (n - use);
    double start = pr->hist_start_s + (double)(n - use) * 3600.0;
    double load[FORECAST_MAX_HORIZON_H];
    size_t hz = p->horizon_h;
    if (forecast_predict(&p->method, y, use, start, hz, load) != 0)
        return;
    struct forecast_sched_cfg c = sched_cfg(pr);
    pr->nact = forecast_schedule(&c, load, hz, now, now, pr->act, FORECAST_MAX_HORIZON_H);
    pr->next_act = 0;
    pr->refreshes++;
    for (size_t h = 0; h < hz; h++) {
        size_t k = (size_t)(now / 3600.0) + h;
        if (k < pr->nhours) {
            int maxc;
            pr->fc_load[k] = load[h];
            pr->fc_cap[k] = forecast_capacity(&c, load[h], &maxc);
        }
    }
    if (!p->forecast_only)
        arm(pr);
}

static void action(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    struct pred *pr = ctx;
    pr->act_ev = 0;
    const struct forecast_action *a = &pr->act[pr->next_act++];
    pr->floor = a->capacity;
    pr->floor_until_s = a->hour_s + 3600.0;
    int min, max, desired;
    pr->owner.bounds(pr->owner.ctx, &min, &max, &desired);
    struct scaling_decision d = {.kind = SCALING_PREDICTIVE, .policy = pr->p->name,
                                 .min = min, .max = max, .desired = desired};
    if (pr->p->breach_increase && a->max_capacity > d.max)
        d.max = a->max_capacity;
    d.desired = forecast_action_apply(a, desired);
    if (d.desired > d.max)
        d.desired = d.max;
    d.act = d.desired != desired || d.max != max;
    if (d.act) {
        char hour[32];
        cron_format_utc(pr->owner.clock, a->hour_s, hour, sizeof hour);
        snprintf(d.cause, sizeof d.cause,
                 "Predictive scaling policy %s changing the desired capacity from %d to %d "
                 "(forecast for the hour from %s: %d %s).",
                 pr->p->name, desired, d.desired, hour, a->capacity, pr->owner.members);
        pr->owner.apply(pr->owner.ctx, &d);
    }
    arm(pr);
}

void pred_start(struct pred *pr)
{
    if (pr->hist_n >= forecast_method_min_history_h(&pr->p->method)) {
        refresh(pr, 0); /* a history file covers the first day */
        pr->next_refresh_s = FORECAST_REFRESH_S;
    }
}

void pred_sample(struct pred *pr, int in_service, double dt)
{
    pr->cap_area += in_service * dt;
}

void pred_hour(struct pred *pr, double now, double load)
{
    size_t k = (size_t)(now / 3600.0) - 1;
    if (k < pr->nhours) {
        pr->act_load[k] = load;
        pr->act_cap[k] = pr->cap_area / 3600.0;
    }
    pr->cap_area = 0;
    hist_push(pr, load);
    if (now >= pr->next_refresh_s &&
        pr->hist_n >= forecast_method_min_history_h(&pr->p->method)) {
        refresh(pr, now);
        pr->next_refresh_s = now + FORECAST_REFRESH_S;
    }
}

int pred_floor(const struct pred *pr, double now)
{
    return now < pr->floor_until_s ? pr->floor : 0;
}

void pred_score(const struct pred *pr, double from_s, struct forecast_score *s,
                size_t *underprovisioned)
{
    *s = (struct forecast_score){0};
    *underprovisioned = 0;
    double per = pred_per_member(pr->p);
    for (size_t h = 0; h < pr->nhours; h++) {
        if (isnan(pr->act_load[h]) || (double)h * 3600.0 < from_s - 1e-9)
            continue;
        if (!isnan(pr->fc_load[h]))
            forecast_score_add(s, pr->fc_load[h], pr->act_load[h]);
        if (pr->act_cap[h] + 1e-9 < pr->act_load[h] / per)
            (*underprovisioned)++;
    }
}

double pred_request_load(struct pred *pr, const struct target_group *g)
{
    if (!g)
        return 0;
    double d = (double)(g->requests - pr->prev_count);
    pr->prev_count = g->requests;
    return d;
}

double pred_member_cpu(struct pred *pr, uint32_t idx, struct target *t, double now)
{
    double busy = target_busy_area(t, now);
    double v = 100.0 * (busy - pr->prev_busy[idx]) / (t->spec.servers * 3600.0);
    pr->prev_busy[idx] = busy;
    return v;
}

void pred_grow(struct pred *pr, uint32_t n)
{
    xgrow_doubles(&pr->prev_busy, &pr->prev_cap, n);
}
