/* Writing a policy back as the YAML scaling_policy_read takes (for the resolved
 * scenario.yaml of a run): every value explicit, defaults included. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/scaling/scaling.h"

static void secs(FILE *f, const char *key, double v)
{
    fprintf(f, ", %s: %.10gs", key, v);
}

static void zone(FILE *f, int32_t off)
{
    int a = off < 0 ? -off : off;
    fprintf(f, ", time_zone: 'UTC%c%02d:%02d'", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static const char *const adjust_names[] = {"change_in_capacity", "exact_capacity",
                                           "percent_change_in_capacity"};

static void adjustments(FILE *f, const struct scaling_policy *p)
{
    fprintf(f, ", adjustment_type: %s", adjust_names[p->adjust_type]);
    if (p->adjust_type == SCALING_PERCENT_CHANGE_IN_CAPACITY && p->min_adjustment_magnitude)
        fprintf(f, ", min_adjustment_magnitude: %d", p->min_adjustment_magnitude);
}

static void alarm(FILE *f, const struct scaling_alarm_spec *a)
{
    char stat[32];
    metric_stat_format(&a->series.stat, stat, sizeof stat);
    fprintf(f, ",\n          alarm: { metric: %s, statistic: %s, period: %.10gs, threshold: %.10g, "
               "comparison: '%s', datapoints: %u, periods: %u, missing: %s }",
            a->metric->name, stat, a->series.period_s, a->alarm.threshold,
            metric_cmp_name(a->alarm.cmp), a->alarm.datapoints, a->alarm.periods,
            metric_missing_name(a->alarm.missing));
}

void scaling_policy_write(const struct scaling_policy *p, FILE *f)
{
    static const char *const kinds[] = {"simple", "step", "target_tracking", "scheduled",
                                        "predictive"};
    fprintf(f, "      - { name: '%s', type: %s", p->name, kinds[p->kind]);
    switch (p->kind) {
    case SCALING_TARGET_TRACKING:
        fprintf(f, ", metric: %s, target: %.10g, disable_scale_in: %s, scale_in_threshold: %.10g",
                p->metric_name, p->target, p->disable_scale_in ? "true" : "false",
                p->scale_in_factor);
        fprintf(f, ", scale_out_datapoints: %u, scale_in_datapoints: %u", p->out_datapoints,
                p->in_datapoints);
        if (p->period_s <= 60) /* longer only as basic monitoring's default, not a key */
            secs(f, "period", p->period_s);
        if (p->owner == METRIC_RES_ASG)
            secs(f, "warmup", p->warmup_s);
        if (p->owner == METRIC_RES_ECS_SERVICE || p->scale_out_cooldown_s > 0)
            secs(f, "scale_out_cooldown", p->scale_out_cooldown_s);
        if (p->owner == METRIC_RES_ECS_SERVICE || p->scale_in_cooldown_s > 0)
            secs(f, "scale_in_cooldown", p->scale_in_cooldown_s);
        break;
    case SCALING_SIMPLE:
        adjustments(f, p);
        fprintf(f, ", adjustment: %.10g", p->adjustment);
        secs(f, "cooldown", p->cooldown_s);
        alarm(f, &p->alarm);
        break;
    case SCALING_STEP:
        adjustments(f, p);
        if (p->owner == METRIC_RES_ASG)
            secs(f, "warmup", p->warmup_s);
        if (p->owner == METRIC_RES_ECS_SERVICE)
            secs(f, "cooldown", p->cooldown_s);
        alarm(f, &p->alarm);
        fputs(",\n          steps: [", f);
        for (int i = 0; i < p->nsteps; i++) {
            const struct scaling_step *s = &p->steps[i];
            fprintf(f, "%s{ ", i ? ", " : "");
            if (isfinite(s->lower))
                fprintf(f, "lower: %.10g, ", s->lower);
            if (isfinite(s->upper))
                fprintf(f, "upper: %.10g, ", s->upper);
            fprintf(f, "adjustment: %.10g }", s->adjustment);
        }
        fputc(']', f);
        break;
    case SCALING_PREDICTIVE: {
        char method[128];
        forecast_method_format(&p->method, method, sizeof method);
        fprintf(f, ", load_metric: %s, scaling_metric: %s, target: %.10g, mode: %s, "
                   "method: '%s'",
                p->pred_requests                     ? "ALBTargetGroupRequestCount"
                : p->owner == METRIC_RES_ECS_SERVICE ? "ECSServiceTotalCPUUtilization"
                                                     : "ASGTotalCPUUtilization",
                p->metric_name, p->target, p->forecast_only ? "forecast_only" : "forecast_and_scale",
                method);
        secs(f, "buffer", p->buffer_s);
        secs(f, "horizon", (double)p->horizon_h * 3600.0);
        fprintf(f, ", max_capacity_breach_behavior: %s", p->breach_increase ? "increase" : "honor");
        if (p->breach_increase)
            fprintf(f, ", max_capacity_buffer: %.10g", p->max_buffer_pct);
        fprintf(f, ", wait_for_history: %s", p->wait_for_history ? "true" : "false");
        if (p->history_path)
            fprintf(f, ", history: '%s'", p->history_path);
        if (p->history_series)
            fprintf(f, ", history_series: '%s'", p->history_series);
        break;
    }
    case SCALING_SCHEDULED:
    default:
        if (p->recurring) {
            fprintf(f, ", recurrence: '%s'", p->recurrence);
            zone(f, p->clock.offset_s);
            if (isfinite(p->start_s) && p->start_s > 0)
                secs(f, "start", p->start_s);
            if (isfinite(p->end_s))
                secs(f, "end", p->end_s);
        } else {
            secs(f, "at", p->at_s);
        }
        if (p->new_min >= 0)
            fprintf(f, ", min: %d", p->new_min);
        if (p->new_max >= 0)
            fprintf(f, ", max: %d", p->new_max);
        if (p->new_desired >= 0)
            fprintf(f, ", desired: %d", p->new_desired);
        break;
    }
    fputs(" }\n", f);
}
