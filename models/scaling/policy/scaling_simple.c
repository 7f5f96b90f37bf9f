/* Simple scaling: one adjustment when its alarm fires, then the owner's cooldown.  The
 * base case of the family; what every type shares is in scaling_policy.c. */
#include "models/scaling/scaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/units.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

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

static int scaling_simple_read(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
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

/* ---- the type ---- */

static void simple_write(const struct scaling_policy *p, FILE *f)
{
    scaling_write_adjustments(f, p);
    fprintf(f, ", adjustment: %.10g", p->adjustment);
    scaling_write_secs(f, "cooldown", p->cooldown_s);
    scaling_write_alarm(f, &p->alarm);
}

/* The alarm types decide on their one alarm. */
static void simple_decide_op(const struct scaling_policy *p, struct scaling_state *st,
                               const struct scaling_group *g, const struct metric_alarm_eval *high,
                               const struct metric_alarm_eval *low, double now_s,
                               struct scaling_decision *out)
{
    (void)low;
    scaling_simple_decide(p, st, g, high, now_s, out);
}

const struct scaling_type_ops scaling_simple_type = {
    .summary = "one adjustment when its alarm fires, then a cooldown (default 300s)",
    .input = SCALING_INPUT_ALARM,
    .read = scaling_simple_read,
    .write = simple_write,
    .decide = simple_decide_op,
};
