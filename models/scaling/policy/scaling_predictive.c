/*
 * Predictive scaling: the policy's configuration (AWS.md fact 13, §6).  What it does at run
 * time is in models/scaling/asg.c (history, refreshes, actions); the forecaster is
 * models/forecast/forecast.
 *
 *   - { name: predict, type: predictive,
 *       load_metric: ASGTotalCPUUtilization, scaling_metric: ASGAverageCPUUtilization,
 *       target: 50, mode: forecast_and_scale, method: holt_winters, buffer: 5m,
 *       max_capacity_breach_behavior: honor, max_capacity_buffer: 10,
 *       history: load.csv, history_series: asg.web.load, wait_for_history: true }
 *
 * Metric pairs, as AWS pairs them: ASGTotalCPUUtilization with ASGAverageCPUUtilization
 * (target: CPU percent per instance), ALBTargetGroupRequestCount with
 * ALBRequestCountPerTarget (target: requests per target per minute).
 */
#include <math.h>
#include <string.h>

#include "models/scaling/scaling.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

static const char *const pred_keys[] = {
    "name", "type", "load_metric", "scaling_metric", "target", "mode", "method", "buffer",
    "max_capacity_breach_behavior", "max_capacity_buffer", "history", "history_series",
    "wait_for_history", "horizon", NULL};

static int scaling_predictive_read(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                                   struct scaling_policy *out)
{
    const char *what = "a predictive scaling policy";
    if (yread_keys(r, m, what, pred_keys) || yread_require(r, m, "target", what))
        return -1;
    bool ecs = ctx->owner == METRIC_RES_ECS_SERVICE;
    const char *cpu_load = ecs ? "ECSServiceTotalCPUUtilization" : "ASGTotalCPUUtilization";
    const char *cpu_avg = ecs ? "ECSServiceAverageCPUUtilization" : "ASGAverageCPUUtilization";
    const struct ytree *lm = NULL, *sm = NULL;
    if (yread_scalar_at(r, m, "load_metric", &lm) || yread_scalar_at(r, m, "scaling_metric", &sm))
        return -1;
    const char *load = lm ? lm->text : cpu_load;
    if (!strcmp(load, cpu_load))
        out->pred_requests = false;
    else if (!strcmp(load, "ALBTargetGroupRequestCount"))
        out->pred_requests = true;
    else
        return yread_error(r, &lm->loc,
                           "unknown load_metric '%s' for %s; expected %s or "
                           "ALBTargetGroupRequestCount",
                           load, ecs ? "an ECS service" : "an Auto Scaling group", cpu_load);
    const char *want = out->pred_requests ? "ALBRequestCountPerTarget" : cpu_avg;
    if (sm && strcmp(sm->text, want) != 0) {
        if (strcmp(sm->text, "ALBRequestCountPerTarget") != 0 && strcmp(sm->text, cpu_avg) != 0)
            return yread_error(r, &sm->loc,
                               "unknown scaling_metric '%s' for %s; expected %s or "
                               "ALBRequestCountPerTarget",
                               sm->text, ecs ? "an ECS service" : "an Auto Scaling group", cpu_avg);
        return yread_error(r, &sm->loc, "AWS pairs load_metric %s with scaling_metric %s, not %s",
                           load, want, sm->text);
    }
    out->metric_name = xstrdup(want);
    if (yread_number(r, m, "target", &out->target))
        return -1;
    if (!(out->target > 0))
        return yread_error(r, &ytree_get(m, "target")->loc,
                           "target must be greater than zero, got "
                           "'%s'",
                           ytree_get(m, "target")->text);
    if (!out->pred_requests && out->target > 100)
        return yread_error(r, &ytree_get(m, "target")->loc,
                           "target '%s' is above 100, but %s is a percentage; expected a "
                           "value above 0 and at most 100",
                           ytree_get(m, "target")->text, want);
    const struct ytree *v;
    if (yread_scalar_at(r, m, "mode", &v))
        return -1;
    /* AWS's default Mode is ForecastOnly (API PredictiveScalingConfiguration): the policy
     * forecasts and scales nothing until told forecast_and_scale. */
    out->forecast_only = true;
    if (v && !strcmp(v->text, "forecast_and_scale"))
        out->forecast_only = false;
    else if (v && strcmp(v->text, "forecast_only") != 0)
        return yread_error(r, &v->loc, "mode must be forecast_and_scale or forecast_only, got '%s'",
                           v->text);
    out->method = forecast_method_default;
    if (yread_scalar_at(r, m, "method", &v))
        return -1;
    if (v && forecast_method_parse(v->text, &v->loc, &out->method))
        return -1;
    out->buffer_s = FORECAST_BUFFER_S;
    if (yread_zero_or_more(r, m, "buffer", SIM_UNIT_SECONDS, &out->buffer_s))
        return -1;
    if ((v = ytree_get(m, "buffer")) && (out->buffer_s < 0 || out->buffer_s >= 3600))
        return yread_error(r, &v->loc,
                           "buffer must be 0s to under 1h (AWS SchedulingBufferTime), "
                           "got '%s'",
                           v->text);
    double horizon = FORECAST_MAX_HORIZON_H * 3600.0;
    if (yread_zero_or_more(r, m, "horizon", SIM_UNIT_SECONDS, &horizon))
        return -1;
    if ((v = ytree_get(m, "horizon")) && (horizon < 3600 || horizon > 48 * 3600.0))
        return yread_error(r, &v->loc,
                           "horizon must be 1h to 48h (AWS forecasts 48 hours), got "
                           "'%s'",
                           v->text);
    if (yread_scalar_at(r, m, "max_capacity_breach_behavior", &v))
        return -1;
    if (v && !strcmp(v->text, "increase"))
        out->breach_increase = true;
    else if (v && strcmp(v->text, "honor") != 0)
        return yread_error(r, &v->loc,
                           "max_capacity_breach_behavior must be honor or increase, "
                           "got '%s'",
                           v->text);
    if (yread_number(r, m, "max_capacity_buffer", &out->max_buffer_pct))
        return -1;
    if ((v = ytree_get(m, "max_capacity_buffer")) &&
        (!out->breach_increase || out->max_buffer_pct < 0 || out->max_buffer_pct > 100))
        return yread_error(r, &v->loc,
                           out->breach_increase ? "max_capacity_buffer is a percentage, 0 to 100"
                                                : "max_capacity_buffer needs "
                                                  "max_capacity_breach_behavior: increase");
    out->wait_for_history = false;
    if (yread_bool(r, m, "wait_for_history", &out->wait_for_history))
        return -1;
    if (yread_scalar_at(r, m, "history", &v))
        return -1;
    if (v) {
        out->history_path = xstrdup(v->text);
        out->history_loc = v->loc;
    }
    if (yread_scalar_at(r, m, "history_series", &v))
        return -1;
    if (v)
        out->history_series = xstrdup(v->text);
    out->horizon_h = (size_t)(horizon / 3600.0);
    return 0;
}

/* ---- the type ---- */

static void predictive_write(const struct scaling_policy *p, FILE *f)
{
    char method[128];
    forecast_method_format(&p->method, method, sizeof method);
    fprintf(f, ", load_metric: %s, scaling_metric: %s, target: %.10g, mode: %s, "
               "method: '%s'",
            p->pred_requests                     ? "ALBTargetGroupRequestCount"
            : p->owner == METRIC_RES_ECS_SERVICE ? "ECSServiceTotalCPUUtilization"
                                                 : "ASGTotalCPUUtilization",
            p->metric_name, p->target, p->forecast_only ? "forecast_only" : "forecast_and_scale",
            method);
    scaling_write_secs(f, "buffer", p->buffer_s);
    scaling_write_secs(f, "horizon", (double)p->horizon_h * 3600.0);
    fprintf(f, ", max_capacity_breach_behavior: %s", p->breach_increase ? "increase" : "honor");
    if (p->breach_increase)
        fprintf(f, ", max_capacity_buffer: %.10g", p->max_buffer_pct);
    fprintf(f, ", wait_for_history: %s", p->wait_for_history ? "true" : "false");
    if (p->history_path)
        fprintf(f, ", history: '%s'", p->history_path);
    if (p->history_series)
        fprintf(f, ", history_series: '%s'", p->history_series);
}

const struct scaling_type_ops scaling_predictive_type = {
    .summary = "forecasts the load hourly from 24 h to 14 d of history and raises capacity ahead of it",
    .input = SCALING_INPUT_NONE,
    .read = scaling_predictive_read,
    .write = predictive_write,
    .decide = NULL,
};
