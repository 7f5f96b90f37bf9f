#include "models/autoscale.h"

#include <math.h>
#include <stdlib.h>

#include "sim/xalloc.h"

const struct metric_def *as_policy_metric(const struct scaling_policy *p)
{
    switch (p->kind) {
    case SCALING_TARGET_TRACKING:
        return p->metric;
    case SCALING_SIMPLE:
    case SCALING_STEP:
        return p->alarm.metric;
    case SCALING_SCHEDULED:
    case SCALING_PREDICTIVE:
    default:
        return NULL;
    }
}

void as_policy_init(struct as_policy *ap, const struct scaling_policy *p,
                    const struct scaling_ctx *ctx, const struct pred_owner *o,
                    double duration_s)
{
    *ap = (struct as_policy){.p = p, .last_value = NAN};
    scaling_state_init(&ap->st);
    if (p->kind == SCALING_TARGET_TRACKING) {
        scaling_target_alarms(p, ctx, &ap->scfg, &ap->hcfg, &ap->lcfg);
        metric_series_init(&ap->series, &ap->scfg);
        metric_alarm_init(&ap->high, &ap->hcfg);
        metric_alarm_init(&ap->low, &ap->lcfg);
    } else if (p->kind == SCALING_SIMPLE || p->kind == SCALING_STEP) {
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
        switch (ap->p->kind) {
        case SCALING_TARGET_TRACKING: {
            metric_alarm_evaluate(&ap->low, &ap->series, now, &lo);
            /* The capacity a per-member metric describes is the one that produced its
             * datapoint, not today's: with the publication delay, members that joined since
             * would otherwise be counted twice (README "Auto scaling"). */
            struct scaling_group gp = *g;
            const struct metric_datapoint *dp = metric_series_latest(&ap->series, now);
            if (dp && ap->behind[as_period_slot(ap, dp->start_s)] > 0)
                gp.ready = ap->behind[as_period_slot(ap, dp->start_s)];
            scaling_target_decide(ap->p, &ap->st, &gp, &hi, &lo, now, &ds[nd++]);
            break;
        }
        case SCALING_SIMPLE:
            scaling_simple_decide(ap->p, &ap->st, g, &hi, now, &ds[nd++]);
            break;
        case SCALING_STEP:
            scaling_step_decide(ap->p, &ap->st, g, &hi, now, &ds[nd++]);
            break;
        case SCALING_SCHEDULED:
        case SCALING_PREDICTIVE:
        default:
            break;
        }
    }
    *out = (struct scaling_decision){0};
    if (nd)
        scaling_combine(ds, nd, g, out);
    free(ds);
}

int as_floor(const struct as_policy *pol, int n, double now)
{
    int floor = 0;
    for (int i = 0; i < n; i++)
        if (pol[i].p->kind == SCALING_PREDICTIVE && pred_floor(&pol[i].pred, now) > floor)
            floor = pred_floor(&pol[i].pred, now);
    return floor;
}
