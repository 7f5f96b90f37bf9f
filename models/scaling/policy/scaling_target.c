/* Target tracking (AWS.md fact 1, §5 "Target tracking", §8), and how the decisions of
 * several dynamic policies combine (fact 5). */
#include "models/scaling/scaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

static const char *const tt_keys[] = {
    "name", "type", "metric", "target", "disable_scale_in", "scale_in_threshold",
    "scale_out_datapoints", "scale_in_datapoints", "period", "warmup", "scale_out_cooldown",
    "scale_in_cooldown", NULL};

static char *alarm_name(const struct scaling_ctx *ctx, const char *which, const char *policy)
{
    size_t len = strlen(ctx->owner_name) + strlen(policy) + 32;
    char *s = xmalloc(len);
    snprintf(s, len, "TargetTracking-%s-%s-%s", ctx->owner_name, which, policy);
    return s;
}

static int scaling_target_read(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                               struct scaling_policy *out)
{
    const char *what = "a target tracking policy";
    if (yread_keys(r, m, what, tt_keys) || yread_require(r, m, "metric", what) ||
        yread_require(r, m, "target", what))
        return -1;
    const struct ytree *v;
    if (yread_scalar_at(r, m, "metric", &v))
        return -1;
    /* A predefined specification, or a metric of the table that falls as capacity rises. */
    out->metric = metric_find_predefined(v->text, ctx->owner);
    if (!out->metric) {
        const struct metric_def *d = metric_find(v->text, ctx->owner);
        if (d && !d->tracks)
            return yread_error(r, &v->loc,
                               "metric '%s' cannot be tracked: it does not fall as capacity "
                               "rises (AWS: RequestCount, latency and raw counts are not "
                               "suitable); use a per-target or utilization metric",
                               v->text);
        if (!d) {
            char pre[256], all[512];
            metric_names(ctx->owner, true, pre, sizeof pre);
            metric_names(ctx->owner, false, all, sizeof all);
            return yread_error(
                r, &v->loc,
                "unknown metric '%s' for %s; expected one of: %s (or a "
                "metric: %s)",
                v->text, ctx->owner == METRIC_RES_ASG ? "an Auto Scaling group" : "an ECS service",
                pre, all);
        }
        out->metric = d;
    }
    out->metric_name = xstrdup(v->text);
    if (yread_number(r, m, "target", &out->target))
        return -1;
    if (!(out->target > 0))
        return yread_error(r, &ytree_get(m, "target")->loc,
                           "target must be greater than zero, got "
                           "'%s'",
                           ytree_get(m, "target")->text);
    if (!strcmp(out->metric->unit, "Percent") && out->target > 100)
        return yread_error(r, &ytree_get(m, "target")->loc,
                           "target '%s' is above 100, but %s is a percentage; expected a "
                           "value above 0 and at most 100 (e.g. 40 to keep it near 40 %%)",
                           ytree_get(m, "target")->text, out->metric_name);
    bool ecs = ctx->owner == METRIC_RES_ECS_SERVICE;
    /* EC2 Auto Scaling target tracking has no cooldowns (PutScalingPolicy takes Cooldown
     * for simple scaling only): instance warm-up paces it instead. */
    static const char *const cooldowns[] = {"scale_out_cooldown", "scale_in_cooldown"};
    for (int k = 0; k < 2 && !ecs; k++)
        if (ytree_get(m, cooldowns[k]))
            return yread_error(r, ytree_key_loc(m, cooldowns[k]),
                               "an Auto Scaling group's target tracking policy has no '%s': "
                               "EC2 Auto Scaling paces target tracking with instance warm-up "
                               "('warmup'); the cooldowns apply to ECS services",
                               cooldowns[k]);
    out->scale_in_factor = ecs ? 0.9 : 0.7; /* observed, AWS.md fact 1 */
    out->out_datapoints = 3;
    out->in_datapoints = 15;
    out->scale_out_cooldown_s = out->scale_in_cooldown_s = ecs ? 300 : 0;
    bool basic_cpu = !ecs && !ctx->detailed_monitoring && !strcmp(out->metric->ns, "AWS/EC2");
    out->period_s = basic_cpu ? METRIC_PERIOD_EC2_BASIC : METRIC_PERIOD_DEFAULT;
    int o = 3, i = 15;
    if (yread_bool(r, m, "disable_scale_in", &out->disable_scale_in) ||
        yread_number(r, m, "scale_in_threshold", &out->scale_in_factor) ||
        yread_int(r, m, "scale_out_datapoints", 1, 60, &o) ||
        yread_int(r, m, "scale_in_datapoints", 1, 60, &i) ||
        yread_zero_or_more(r, m, "period", SIM_UNIT_SECONDS, &out->period_s) ||
        scaling_rd_warmup(r, m, ctx, out) ||
        yread_zero_or_more(r, m, "scale_out_cooldown", SIM_UNIT_SECONDS,
                           &out->scale_out_cooldown_s) ||
        yread_zero_or_more(r, m, "scale_in_cooldown", SIM_UNIT_SECONDS, &out->scale_in_cooldown_s))
        return -1;
    out->out_datapoints = (unsigned)o;
    out->in_datapoints = (unsigned)i;
    if ((v = ytree_get(m, "scale_in_threshold")) &&
        !(out->scale_in_factor > 0 && out->scale_in_factor < 1))
        return yread_error(r, &v->loc,
                           "scale_in_threshold is a factor of the target, between 0 "
                           "and 1 exclusive (AWS: usually 0.7 to 0.9), got '%s'",
                           v->text);
    if ((v = ytree_get(m, "period"))) {
        if (metric_period_check(out->period_s, "period", v->text, &v->loc))
            return -1;
        if (out->period_s > 60)
            return yread_error(r, &v->loc, "target tracking supports periods up to 1m, got '%s'",
                               v->text);
        if (basic_cpu)
            return yread_error(r, &v->loc,
                               "period '%s' needs EC2 detailed monitoring: with basic "
                               "monitoring CPUUtilization has 5-minute datapoints",
                               v->text);
    }
    out->alarm_high_name = alarm_name(ctx, "AlarmHigh", out->name);
    out->alarm_low_name = alarm_name(ctx, "AlarmLow", out->name);
    return 0;
}

void scaling_target_alarms(const struct scaling_policy *p, const struct scaling_ctx *ctx,
                           struct metric_series_cfg *series, struct metric_alarm_cfg *high,
                           struct metric_alarm_cfg *low)
{
    *series = (struct metric_series_cfg){
        .period_s = p->period_s,
        .delay_s = ctx->metric_delay_s,
        .stat = p->metric->stat,
        .history = (p->in_datapoints > p->out_datapoints ? p->in_datapoints : p->out_datapoints)
                   + 2,
    };
    *high = (struct metric_alarm_cfg){p->alarm_high_name, METRIC_GT, p->target,
                                      p->out_datapoints, p->out_datapoints,
                                      METRIC_MISSING_MISSING};
    *low = (struct metric_alarm_cfg){p->alarm_low_name, METRIC_LT, p->scale_in_factor * p->target,
                                     p->in_datapoints, p->in_datapoints, METRIC_MISSING_MISSING};
}

int scaling_target_capacity(int current, double metric, double target, bool out)
{
    double x = (double)current * metric / target;
    /* Guard the rounding of exact quotients (3 × 40 / 40 is 3, not 3.0000000001). */
    double r = nearbyint(x);
    if (fabs(x - r) < 1e-9 * (r > 1 ? r : 1))
        x = r;
    /* Both ways round up: AWS "rounds so as not to add too little or remove too much"
     * (as-scaling-target-tracking.html: removing 1.5 instances removes 1), so a scale-in
     * keeps ceil(current x metric / target): 2 instances at 30 % against 50 % keep 2. */
    double c = ceil(x);
    if (c > 1e6)
        c = 1e6;
    int n = (int)c;
    return out && n < 1 ? 1 : n;
}

void scaling_target_decide(const struct scaling_policy *p, struct scaling_state *st,
                           const struct scaling_group *g, const struct metric_alarm_eval *high,
                           const struct metric_alarm_eval *low, double now_s,
                           struct scaling_decision *out)
{
    scaling_decision_start(p, g, out);
    if (high->action_due && !isnan(high->value)) {
        int nd = scaling_clamp(scaling_target_capacity(g->ready, high->value, p->target, true),
                               g->min, g->max);
        if (nd <= g->desired) {
            snprintf(out->cause, sizeof out->cause,
                     "Alarm %s in state ALARM triggered policy %s: no change (%s).",
                     p->alarm_high_name, p->name,
                     nd < g->max || g->warming ? "the warming instances already cover it"
                                               : "at the maximum size");
            return;
        }
        out->act = true;
        out->direction = 1;
        out->desired = nd;
        st->in_cooldown_until_s = -(double)INFINITY; /* a scale-out ends a scale-in cooldown */
        st->out_cooldown_until_s = now_s + p->scale_out_cooldown_s;
        snprintf(out->cause, sizeof out->cause,
                 "Alarm %s in state ALARM triggered policy %s changing the desired capacity "
                 "from %d to %d.",
                 p->alarm_high_name, p->name, g->desired, nd);
        return;
    }
    if (!low->action_due || isnan(low->value))
        return;
    char why[96] = "";
    if (p->disable_scale_in)
        snprintf(why, sizeof why, "scale-in is disabled");
    else if (g->warming)
        snprintf(why, sizeof why, "blocked: %d instance%s warming up", g->warming,
                 g->warming == 1 ? " is" : "s are");
    else if (g->scale_in_suspended)
        snprintf(why, sizeof why, "scale-in is suspended");
    else if (now_s < st->in_cooldown_until_s || now_s < st->out_cooldown_until_s)
        snprintf(why, sizeof why, "in cooldown");
    int want = scaling_target_capacity(g->ready, low->value, p->target, false);
    int nd = scaling_clamp(want, g->min, g->max);
    if (!why[0] && want >= g->desired)
        snprintf(why, sizeof why, "the metric needs the current capacity");
    else if (!why[0] && nd >= g->desired)
        snprintf(why, sizeof why, "at the minimum size");
    if (why[0]) {
        snprintf(out->cause, sizeof out->cause,
                 "Alarm %s in state ALARM triggered policy %s: no change (%s).",
                 p->alarm_low_name, p->name, why);
        return;
    }
    out->act = true;
    out->direction = -1;
    out->desired = nd;
    st->in_cooldown_until_s = now_s + p->scale_in_cooldown_s;
    snprintf(out->cause, sizeof out->cause,
             "Alarm %s in state ALARM triggered policy %s changing the desired capacity from %d "
             "to %d.",
             p->alarm_low_name, p->name, g->desired, nd);
}

void scaling_combine(const struct scaling_decision *d, size_t n, const struct scaling_group *g,
                     struct scaling_decision *out)
{
    const struct scaling_decision *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (d[i].act && d[i].direction > 0 && (!best || d[i].desired > best->desired))
            best = &d[i];
    if (!best) {
        bool all_tt_in = true;
        for (size_t i = 0; i < n; i++)
            if (d[i].kind == SCALING_TARGET_TRACKING && !d[i].scale_in_disabled &&
                !(d[i].act && d[i].direction < 0))
                all_tt_in = false;
        for (size_t i = 0; i < n; i++)
            if (d[i].act && d[i].direction < 0 &&
                (d[i].kind != SCALING_TARGET_TRACKING || all_tt_in) &&
                (!best || d[i].desired > best->desired))
                best = &d[i];
    }
    if (best) {
        *out = *best;
        return;
    }
    *out = (struct scaling_decision){.kind = n ? d[0].kind : SCALING_TARGET_TRACKING,
                                     .desired = g->desired,
                                     .min = g->min,
                                     .max = g->max};
}

/* ---- the type ---- */

static void target_write(const struct scaling_policy *p, FILE *f)
{
    fprintf(f, ", metric: %s, target: %.10g, disable_scale_in: %s, scale_in_threshold: %.10g",
            p->metric_name, p->target, p->disable_scale_in ? "true" : "false",
            p->scale_in_factor);
    fprintf(f, ", scale_out_datapoints: %u, scale_in_datapoints: %u", p->out_datapoints,
            p->in_datapoints);
    if (p->period_s <= 60) /* longer only as basic monitoring's default, not a key */
        scaling_write_secs(f, "period", p->period_s);
    if (p->owner == METRIC_RES_ASG)
        scaling_write_secs(f, "warmup", p->warmup_s);
    if (p->owner == METRIC_RES_ECS_SERVICE || p->scale_out_cooldown_s > 0)
        scaling_write_secs(f, "scale_out_cooldown", p->scale_out_cooldown_s);
    if (p->owner == METRIC_RES_ECS_SERVICE || p->scale_in_cooldown_s > 0)
        scaling_write_secs(f, "scale_in_cooldown", p->scale_in_cooldown_s);
}

const struct scaling_type_ops scaling_target_type = {
    .summary = "keeps a metric at a target: scale out after 3 of 3 datapoints above, in after 15 of 15",
    .input = SCALING_INPUT_TRACKING,
    .read = scaling_target_read,
    .write = target_write,
    .decide = scaling_target_decide,
};
