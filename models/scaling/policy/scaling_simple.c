/* Simple scaling, plus what every policy file shares: the type table, the reader that
 * dispatches on `type` (values through sim/yread), the alarm and adjustment-type readers
 * and the start of a decision.  Simple scaling is the base case of the family: one
 * adjustment per alarm, then a cooldown. */
#include "models/scaling/scaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/units.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

const char *const scaling_type_names[] = {"simple", "step", "target_tracking", "scheduled",
                                          "predictive", NULL};
const char *const scaling_type_summaries[] = {
    "one adjustment when its alarm fires, then a cooldown (default 300s)",
    "adjustments by the size of the alarm breach; warm-up instead of cooldown",
    "keeps a metric at a target: scale out after 3 of 3 datapoints above, in after 15 of 15",
    "sets min/max/desired at a time or on a cron recurrence",
    "forecasts the load hourly from 24 h to 14 d of history and raises capacity ahead of it",
};

void scaling_ctx_default(struct scaling_ctx *ctx, unsigned owner, const char *owner_name)
{
    *ctx = (struct scaling_ctx){
        .owner = owner,
        .owner_name = owner_name,
        .detailed_monitoring = false,
        .default_cooldown_s = 300,
        .default_warmup_s = 300,
        .metric_delay_s = METRIC_DELAY_DEFAULT,
        .clock = {CRON_EPOCH_DEFAULT, 0},
    };
}

void scaling_state_init(struct scaling_state *st)
{
    st->in_cooldown_until_s = -INFINITY;
    st->out_cooldown_until_s = -INFINITY;
}

int scaling_clamp(int v, int min, int max)
{
    return v < min ? min : v > max ? max : v;
}

void scaling_decision_start(const struct scaling_policy *p, const struct scaling_group *g,
                            struct scaling_decision *out)
{
    *out = (struct scaling_decision){
        .kind = p->kind,
        .policy = p->name,
        .scale_in_disabled = p->kind == SCALING_TARGET_TRACKING && p->disable_scale_in,
        .warmup_s = (p->kind == SCALING_TARGET_TRACKING || p->kind == SCALING_STEP) &&
                            p->owner == METRIC_RES_ASG
                        ? p->warmup_s
                        : -1,
        .desired = g->desired,
        .min = g->min,
        .max = g->max,
    };
}

/* ---- readers shared by the policy files ---- */

int scaling_rd_adjust_type(struct yread *r, const struct ytree *m, enum scaling_adjust *out)
{
    static const char *const names[] = {"change_in_capacity", "exact_capacity",
                                        "percent_change_in_capacity", NULL};
    static const char *const aws[] = {"ChangeInCapacity", "ExactCapacity",
                                      "PercentChangeInCapacity", NULL};
    const struct ytree *v;
    *out = SCALING_CHANGE_IN_CAPACITY;
    if (yread_scalar_at(r, m, "adjustment_type", &v))
        return -1;
    if (!v)
        return 0;
    for (int i = 0; names[i]; i++)
        if (!strcmp(v->text, names[i]) || !strcmp(v->text, aws[i])) {
            *out = (enum scaling_adjust)i;
            return 0;
        }
    return yread_error(r, &v->loc,
                       "unknown adjustment_type '%s'; expected one of: change_in_capacity, "
                       "exact_capacity, percent_change_in_capacity",
                       v->text);
}

/* The metric named at key for ctx's owner, or an error listing the valid ones. */
static int rd_metric(struct yread *r, const struct ytree *m, const char *key,
                     const struct scaling_ctx *ctx, const struct metric_def **out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    *out = metric_find(v->text, ctx->owner);
    if (*out)
        return 0;
    char names[512];
    metric_names(ctx->owner, false, names, sizeof names);
    return yread_error(r, &v->loc, "unknown metric '%s' for %s; expected one of: %s", v->text,
                       ctx->owner == METRIC_RES_ASG ? "an Auto Scaling group" : "an ECS service",
                       names);
}

static const char *const alarm_keys[] = {"metric", "statistic", "period", "threshold",
                                         "comparison", "datapoints", "periods", "missing", NULL};

int scaling_rd_alarm(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                     const char *policy, struct scaling_alarm_spec *out)
{
    if (yread_keys(r, m, "an alarm", alarm_keys) || yread_require(r, m, "metric", "an alarm") ||
        yread_require(r, m, "threshold", "an alarm") ||
        yread_require(r, m, "comparison", "an alarm"))
        return -1;
    if (rd_metric(r, m, "metric", ctx, &out->metric))
        return -1;
    out->series = (struct metric_series_cfg){
        .period_s = METRIC_PERIOD_DEFAULT,
        .delay_s = ctx->metric_delay_s,
        .stat = out->metric->stat,
    };
    bool basic_cpu = ctx->owner == METRIC_RES_ASG && !ctx->detailed_monitoring &&
                     !strcmp(out->metric->ns, "AWS/EC2");
    if (basic_cpu)
        out->series.period_s = METRIC_PERIOD_EC2_BASIC;
    const struct ytree *v;
    if (yread_scalar_at(r, m, "statistic", &v) ||
        (v && metric_stat_parse(v->text, &v->loc, &out->series.stat)))
        return -1;
    if (yread_zero_or_more(r, m, "period", SIM_UNIT_SECONDS, &out->series.period_s))
        return -1;
    if ((v = ytree_get(m, "period"))) {
        if (metric_period_check(out->series.period_s, "period", v->text, &v->loc))
            return -1;
        if (basic_cpu && out->series.period_s < METRIC_PERIOD_EC2_BASIC)
            return yread_error(r, &v->loc,
                               "period '%s' is shorter than the 5-minute datapoints of EC2 "
                               "basic monitoring; enable detailed monitoring or use 5m",
                               v->text);
    }
    struct metric_alarm_cfg *a = &out->alarm;
    *a = (struct metric_alarm_cfg){.datapoints = 1, .periods = 1};
    if (yread_number(r, m, "threshold", &a->threshold))
        return -1;
    if (yread_scalar_at(r, m, "comparison", &v) || metric_cmp_parse(v->text, &v->loc, &a->cmp))
        return -1;
    int n = 1, dp = 0;
    if (yread_int(r, m, "periods", 1, 1440, &n) || yread_int(r, m, "datapoints", 1, 1440, &dp))
        return -1;
    if (!dp)
        dp = n;
    if (dp > n)
        return yread_error(r, &ytree_get(m, "datapoints")->loc,
                           "datapoints (%d) must not exceed periods (%d): M out of N", dp, n);
    a->periods = (unsigned)n;
    a->datapoints = (unsigned)dp;
    out->series.history = (unsigned)n + 2;
    if (yread_scalar_at(r, m, "missing", &v) ||
        (v && metric_missing_parse(v->text, &v->loc, &a->missing)))
        return -1;
    size_t len = strlen(ctx->owner_name) + strlen(policy) + 16;
    out->name = xmalloc(len);
    snprintf(out->name, len, "%s-%s-alarm", ctx->owner_name, policy);
    a->name = out->name;
    return 0;
}

int scaling_rd_warmup(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                      struct scaling_policy *out)
{
    const struct ytree *v = ytree_get(m, "warmup");
    if (ctx->owner == METRIC_RES_ECS_SERVICE) {
        out->warmup_s = 0;
        if (v)
            return yread_error(r, ytree_key_loc(m, "warmup"),
                               "an ECS service's policy has no 'warmup': Application Auto "
                               "Scaling has no instance warm-up (a task counts once it runs); "
                               "the cooldowns (%s) pace it instead",
                               out->kind == SCALING_STEP ? "cooldown"
                                                         : "scale_out_cooldown, scale_in_cooldown");
        return 0;
    }
    /* EstimatedInstanceWarmup, falling back to the group's DefaultInstanceWarmup. */
    out->warmup_s = ctx->default_warmup_s;
    return yread_zero_or_more(r, m, "warmup", SIM_UNIT_SECONDS, &out->warmup_s);
}

int scaling_capacity_read(const struct ytree *m, const char *min_key, const char *max_key,
                          const char *desired_key, int *min, int *max, int *desired)
{
    struct yread rd, *r = &rd;
    yread_init(r, NULL);
    if (yread_int(r, m, min_key, 0, 100000, min) || yread_int(r, m, max_key, 0, 100000, max) ||
        (desired_key && yread_int(r, m, desired_key, 0, 100000, desired)))
        return -1;
    if (*min > *max) {
        const struct ytree *v = ytree_get(m, min_key) ? ytree_get(m, min_key) : ytree_get(m, max_key);
        return yread_error(r, v ? &v->loc : &m->loc, "%s (%d) is greater than %s (%d)", min_key,
                           *min, max_key, *max);
    }
    if (desired_key && (*desired < *min || *desired > *max)) {
        const struct ytree *v = ytree_get(m, desired_key);
        return yread_error(r, v ? &v->loc : &m->loc, "%s (%d) must lie between %s (%d) and %s (%d)",
                           desired_key, *desired, min_key, *min, max_key, *max);
    }
    return 0;
}

/* ---- the policy item ---- */

int scaling_policy_read(const struct ytree *node, const struct scaling_ctx *ctx,
                        struct scaling_policy *out)
{
    struct yread rd, *r = &rd; /* stops at the first error */
    yread_init(r, NULL);
    memset(out, 0, sizeof *out);
    out->owner = ctx->owner;
    out->new_min = out->new_max = out->new_desired = -1;
    out->loc = node->loc;
    if (node->kind != YTREE_MAP)
        return yread_error(r, &node->loc, "a scaling policy must be a mapping, not %s",
                           ytree_kind_name(node->kind));
    const struct ytree *v;
    if (yread_require(r, node, "name", "a scaling policy") ||
        yread_require(r, node, "type", "a scaling policy") ||
        yread_string(r, node, "name", &out->name))
        return -1;
    if (yread_scalar_at(r, node, "type", &v))
        return -1;
    static int (*const readers[])(struct yread *, const struct ytree *, const struct scaling_ctx *,
                                  struct scaling_policy *) = {
        scaling_simple_read, scaling_step_read, scaling_target_read, scaling_scheduled_read,
        scaling_predictive_read};
    for (int i = 0; scaling_type_names[i]; i++)
        if (!strcmp(v->text, scaling_type_names[i])) {
            out->kind = (enum scaling_kind)i;
            return readers[i](r, node, ctx, out);
        }
    const char *near = ytree_nearest(v->text, scaling_type_names);
    return yread_error(r, &v->loc,
                       "unknown policy type '%s'%s%s%s; expected one of: simple, step, "
                       "target_tracking, scheduled, predictive",
                       v->text, near ? " (did you mean '" : "", near ? near : "",
                       near ? "'?)" : "");
}

void scaling_policy_fini(struct scaling_policy *p)
{
    free(p->name);
    free(p->alarm.name);
    free(p->steps);
    free(p->metric_name);
    free(p->alarm_high_name);
    free(p->alarm_low_name);
    free(p->recurrence);
    free(p->history_path);
    free(p->history);
    free(p->history_series);
    memset(p, 0, sizeof *p);
}

/* ---- simple scaling ---- */

static const char *const simple_keys[] = {"name", "type", "alarm", "adjustment_type",
                                          "adjustment", "min_adjustment_magnitude", "cooldown",
                                          NULL};

/* Shared by simple and step: min_adjustment_magnitude only with percent adjustments. */
static int rd_min_magnitude(struct yread *r, const struct ytree *m, struct scaling_policy *out)
{
    if (yread_int(r, m, "min_adjustment_magnitude", 1, 100000, &out->min_adjustment_magnitude))
        return -1;
    const struct ytree *v = ytree_get(m, "min_adjustment_magnitude");
    if (v && out->adjust_type != SCALING_PERCENT_CHANGE_IN_CAPACITY)
        return yread_error(r, &v->loc,
                           "min_adjustment_magnitude applies only with adjustment_type "
                           "percent_change_in_capacity");
    return 0;
}

int scaling_simple_read(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                        struct scaling_policy *out)
{
    if (ctx->owner == METRIC_RES_ECS_SERVICE)
        return yread_error(r, &ytree_get(m, "type")->loc,
                           "an ECS service has no simple scaling policies: Application Auto "
                           "Scaling offers target_tracking, step, scheduled and predictive");
    if (yread_keys(r, m, "a simple scaling policy", simple_keys) ||
        yread_require(r, m, "alarm", "a simple scaling policy") ||
        yread_require(r, m, "adjustment", "a simple scaling policy"))
        return -1;
    if (scaling_rd_alarm(r, ytree_get(m, "alarm"), ctx, out->name, &out->alarm) ||
        scaling_rd_adjust_type(r, m, &out->adjust_type) ||
        yread_number(r, m, "adjustment", &out->adjustment) || rd_min_magnitude(r, m, out))
        return -1;
    const struct ytree *v = ytree_get(m, "adjustment");
    if (out->adjust_type == SCALING_EXACT_CAPACITY
            ? (out->adjustment < 0 || out->adjustment != floor(out->adjustment))
            : (out->adjustment == 0 ||
               (out->adjust_type == SCALING_CHANGE_IN_CAPACITY &&
                out->adjustment != floor(out->adjustment))))
        return yread_error(
            r, &v->loc, "adjustment '%s' must be %s", v->text,
            out->adjust_type == SCALING_EXACT_CAPACITY       ? "a whole number, zero or more"
            : out->adjust_type == SCALING_CHANGE_IN_CAPACITY ? "a whole number other than zero"
                                                             : "a percentage other than zero");
    out->cooldown_s = ctx->default_cooldown_s;
    return yread_zero_or_more(r, m, "cooldown", SIM_UNIT_SECONDS, &out->cooldown_s);
}

void scaling_simple_decide(const struct scaling_policy *p, struct scaling_state *st,
                           const struct scaling_group *g, const struct metric_alarm_eval *ev,
                           double now_s, struct scaling_decision *out)
{
    scaling_decision_start(p, g, out);
    if (!ev->action_due)
        return;
    const char *alarm = p->alarm.alarm.name;
    if (g->activity_in_progress) {
        snprintf(out->cause, sizeof out->cause,
                 "Alarm %s in state ALARM: policy %s waits for the scaling activity in progress.",
                 alarm, p->name);
        return;
    }
    (void)st; /* the cooldown is the group's (g->cooldown_until_s), not the policy's */
    if (now_s < g->cooldown_until_s) {
        if (isinf(g->cooldown_until_s))
            snprintf(out->cause, sizeof out->cause,
                     "Alarm %s in state ALARM: policy %s waits for the group's simple scaling "
                     "activity to complete.",
                     alarm, p->name);
        else
            snprintf(out->cause, sizeof out->cause,
                     "Alarm %s in state ALARM: policy %s waits for the group's cooldown, "
                     "%.0f more seconds.",
                     alarm, p->name, ceil(g->cooldown_until_s - now_s));
        return;
    }
    /* Simple scaling has no warm-up: every instance asked for counts. */
    int want = scaling_adjusted_capacity(p->adjust_type, p->adjustment, g->desired,
                                         p->min_adjustment_magnitude);
    int nd = scaling_clamp(want, g->min, g->max);
    if (nd == g->desired) {
        snprintf(out->cause, sizeof out->cause,
                 "Alarm %s in state ALARM triggered policy %s: no change, the desired capacity "
                 "%d is at the group's %s size.",
                 alarm, p->name, g->desired, want > g->desired ? "maximum" : "minimum");
        return;
    }
    out->act = true;
    out->direction = nd > g->desired ? 1 : -1;
    out->desired = nd;
    out->cooldown_s = p->cooldown_s;
    snprintf(out->cause, sizeof out->cause,
             "Alarm %s in state ALARM triggered policy %s changing the desired capacity from %d "
             "to %d.",
             alarm, p->name, g->desired, nd);
}
