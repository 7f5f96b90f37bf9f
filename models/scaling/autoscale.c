#include "models/scaling/autoscale.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/target.h"
#include "models/elb/target_group.h"

#include "sim/xalloc.h"

const struct metric_def *as_policy_metric(const struct scaling_policy *p)
{
    switch (scaling_types[p->kind]->input) {
    case SCALING_INPUT_TRACKING:
        return p->metric;
    case SCALING_INPUT_ALARM:
        return p->alarm.metric;
    case SCALING_INPUT_NONE:
    default:
        return NULL;
    }
}

void as_policy_init(struct as_policy *ap, const struct scaling_policy *p,
                    const struct scaling_ctx *ctx, const struct pred_owner *o,
                    double duration_s)
{
    *ap = (struct as_policy){.p = p, .last_value = (double)NAN};
    scaling_state_init(&ap->st);
    enum scaling_input in = scaling_types[p->kind]->input;
    if (in == SCALING_INPUT_TRACKING) {
        scaling_target_alarms(p, ctx, &ap->scfg, &ap->hcfg, &ap->lcfg);
        metric_series_init(&ap->series, &ap->scfg);
        metric_alarm_init(&ap->high, &ap->hcfg);
        metric_alarm_init(&ap->low, &ap->lcfg);
    } else if (in == SCALING_INPUT_ALARM) {
        ap->scfg = p->alarm.series;
        ap->hcfg = p->alarm.alarm;
        metric_series_init(&ap->series, &ap->scfg);
        metric_alarm_init(&ap->high, &ap->hcfg);
    } else if (p->kind == SCALING_PREDICTIVE) {
        pred_init(&ap->pred, p, o, duration_s);
    }
}

void as_policy_fini(struct as_policy *ap)
{
    if (as_policy_metric(ap->p))
        metric_series_fini(&ap->series);
    if (ap->p->kind == SCALING_PREDICTIVE)
        pred_fini(&ap->pred);
    free(ap->prev_busy);
}

void as_policy_grow(struct as_policy *ap, uint32_t n)
{
    xgrow_doubles(&ap->prev_busy, &ap->prev_cap, n);
}

unsigned as_period_slot(const struct as_policy *ap, double t)
{
    return (unsigned)((int64_t)floor(t / ap->scfg.period_s) & 63);
}

bool as_multiple_of(double t, double p)
{
    double k = t / p;
    return fabs(k - nearbyint(k)) < 1e-9;
}

void as_decide(struct as_policy *pol, int n, const struct scaling_group *g, double now,
               struct scaling_decision *out)
{
    struct scaling_decision *ds = xcalloc((size_t)(n ? n : 1), sizeof *ds);
    size_t nd = 0;
    for (int i = 0; i < n; i++) {
        struct as_policy *ap = &pol[i];
        if (!as_policy_metric(ap->p) ||
            !as_multiple_of(now, metric_alarm_interval(ap->scfg.period_s)))
            continue;
        struct metric_alarm_eval hi, lo;
        metric_alarm_evaluate(&ap->high, &ap->series, now, &hi);
        ap->last_value = hi.value;
        ap->alarm_state = (int)hi.state;
        const struct scaling_type_ops *ops = scaling_types[ap->p->kind];
        if (ops->input == SCALING_INPUT_TRACKING) {
            metric_alarm_evaluate(&ap->low, &ap->series, now, &lo);
            /* The capacity a per-member metric describes is the one that produced its
             * datapoint, not today's: with the publication delay, members that joined since
             * would otherwise be counted twice (docs/auto-scaling.md). */
            struct scaling_group gp = *g;
            const struct metric_datapoint *dp = metric_series_latest(&ap->series, now);
            if (dp && ap->behind[as_period_slot(ap, dp->start_s)] > 0)
                gp.ready = ap->behind[as_period_slot(ap, dp->start_s)];
            ops->decide(ap->p, &ap->st, &gp, &hi, &lo, now, &ds[nd++]);
        } else {
            ops->decide(ap->p, &ap->st, g, &hi, NULL, now, &ds[nd++]);
        }
    }
    *out = (struct scaling_decision){0};
    if (nd)
        scaling_combine(ds, nd, g, out);
    free(ds);
}

bool as_feed_group_metric(struct as_policy *ap, const struct target_group *g, double at)
{
    const char *m = as_policy_metric(ap->p)->name;
    if (!strcmp(m, "RequestCountPerTarget") || !strcmp(m, "RequestCount")) {
        if (!g)
            return true;
        uint64_t d = g->requests - ap->prev_count;
        ap->prev_count = g->requests;
        if (!strcmp(m, "RequestCount")) {
            metric_series_add(&ap->series, at, (double)d);
        } else {
            int healthy = 0;
            for (uint32_t i = 0; i < g->nmembers; i++)
                healthy += g->members[i].registered && !g->members[i].draining &&
                           g->members[i].health == TG_HEALTH_HEALTHY;
            if (healthy > 0)
                metric_series_add(&ap->series, at, (double)d / healthy);
            ap->behind[as_period_slot(ap, at)] = healthy;
        }
        return true;
    }
    if (!strcmp(m, "HTTPCode_Target_5XX_Count")) {
        if (g) {
            metric_series_add(&ap->series, at, (double)(g->target_5xx - ap->prev_count));
            ap->prev_count = g->target_5xx;
        }
        return true;
    }
    return false;
}

double as_member_value(struct as_policy *ap, uint32_t idx, struct target *t, double since_s,
                       double now)
{
    const char *m = as_policy_metric(ap->p)->name;
    if (!strcmp(m, "InFlight"))
        return t->held;
    if (!strcmp(m, "QueueDepth"))
        return target_queue_length(t);
    double P = ap->scfg.period_s;
    double busy = target_busy_area(t, now);
    double span = now - (since_s > now - P ? since_s : now - P);
    double v = span > 0 ? 100.0 * (busy - ap->prev_busy[idx]) / (t->spec.servers * span) : 0;
    ap->prev_busy[idx] = busy;
    return v;
}

void as_record_response(struct as_policy *pol, int n, double now, double latency_s)
{
    for (int i = 0; i < n; i++) {
        const struct metric_def *md = as_policy_metric(pol[i].p);
        if (md && !strcmp(md->name, "TargetResponseTime"))
            metric_series_add(&pol[i].series, now, latency_s);
    }
}

int as_floor(const struct as_policy *pol, int n, double now)
{
    int floor = 0;
    for (int i = 0; i < n; i++)
        if (pol[i].p->kind == SCALING_PREDICTIVE && pred_floor(&pol[i].pred, now) > floor)
            floor = pred_floor(&pol[i].pred, now);
    return floor;
}
