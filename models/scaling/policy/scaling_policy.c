/* What every policy type shares: the type table (SCALING_TYPES in scaling.h), the reader
 * and writer that dispatch on `type` (values through sim/yread), the alarm and
 * adjustment-type readers and writers, and the start of a decision.  Each type's own keys
 * and decisions are in its file (scaling_simple.c, scaling_step.c, ...). */
#include "models/scaling/scaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/units.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

#define SCALING_TYPE_DECLARE(e, stem, name) extern const struct scaling_type_ops scaling_##stem##_type;
SCALING_TYPES(SCALING_TYPE_DECLARE)
#define SCALING_TYPE_ENTRY(e, stem, name) [SCALING_##e] = &scaling_##stem##_type,
const struct scaling_type_ops *const scaling_types[SCALING_NKINDS] = {
    SCALING_TYPES(SCALING_TYPE_ENTRY)};
#define SCALING_TYPE_NAME(e, stem, name) name,
const char *const scaling_type_names[] = {SCALING_TYPES(SCALING_TYPE_NAME) NULL};

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
    st->in_cooldown_until_s = -(double)INFINITY;
    st->out_cooldown_until_s = -(double)INFINITY;
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
    for (int i = 0; scaling_type_names[i]; i++)
        if (!strcmp(v->text, scaling_type_names[i])) {
            out->kind = (enum scaling_kind)i;
            return scaling_types[i]->read(r, node, ctx, out);
        }
    char names[256];
    size_t used = 0;
    for (int i = 0; scaling_type_names[i] && used < sizeof names; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                 scaling_type_names[i]);
    const char *near = ytree_nearest(v->text, scaling_type_names);
    return yread_error(r, &v->loc, "unknown policy type '%s'%s%s%s; expected one of: %s",
                       v->text, near ? " (did you mean '" : "", near ? near : "",
                       near ? "'?)" : "", names);
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

/* ---- writing back (the resolved scenario.yaml: every value explicit) ---- */

void scaling_write_secs(FILE *f, const char *key, double v)
{
    fprintf(f, ", %s: %.10gs", key, v);
}

static const char *const adjust_names[] = {"change_in_capacity", "exact_capacity",
                                           "percent_change_in_capacity"};

void scaling_write_adjustments(FILE *f, const struct scaling_policy *p)
{
    fprintf(f, ", adjustment_type: %s", adjust_names[p->adjust_type]);
    if (p->adjust_type == SCALING_PERCENT_CHANGE_IN_CAPACITY && p->min_adjustment_magnitude)
        fprintf(f, ", min_adjustment_magnitude: %d", p->min_adjustment_magnitude);
}

void scaling_write_alarm(FILE *f, const struct scaling_alarm_spec *a)
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
    fprintf(f, "      - { name: '%s', type: %s", p->name, scaling_type_names[p->kind]);
    scaling_types[p->kind]->write(p, f);
    fputs(" }\n", f);
}
