/* Step scaling (AWS.md §5 "Step scaling", fact 14), and AWS's adjustment rounding that
 * simple scaling shares. */
#include "models/scaling/scaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

int scaling_adjusted_capacity(enum scaling_adjust t, double adj, int base, int min_magnitude)
{
    switch (t) {
    case SCALING_EXACT_CAPACITY:
        return (int)adj;
    case SCALING_CHANGE_IN_CAPACITY:
        return base + (int)adj;
    case SCALING_PERCENT_CHANGE_IN_CAPACITY:
        break;
    }
    /* Above 1 in magnitude: toward zero (3.3 → 3, -1.4 → -1); within (0, 1): ±1. */
    double raw = (double)base * adj / 100.0;
    int change = (int)trunc(raw);
    if (change == 0 && raw != 0)
        change = raw > 0 ? 1 : -1;
    if (min_magnitude > 0 && change != 0 && abs(change) < min_magnitude)
        change = change > 0 ? min_magnitude : -min_magnitude;
    return base + change;
}

static const char *const step_keys[] = {"name", "type", "alarm", "adjustment_type", "steps",
                                        "min_adjustment_magnitude", "warmup", "cooldown", NULL};
static const char *const one_step_keys[] = {"lower", "upper", "adjustment", NULL};

static int by_lower(const void *a, const void *b)
{
    const struct scaling_step *x = a, *y = b;
    if (x->lower != y->lower)
        return x->lower < y->lower ? -1 : 1;
    /* Equal lower bounds: keep the order written (line, then column). */
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return x->loc.col < y->loc.col ? -1 : x->loc.col > y->loc.col;
}

static void bound_text(double v, char *buf, size_t n)
{
    if (isinf(v))
        snprintf(buf, n, "%s", v < 0 ? "-inf" : "+inf");
    else
        snprintf(buf, n, "%g", v);
}

static int scaling_step_read(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                             struct scaling_policy *out)
{
    const char *what = "a step scaling policy";
    if (yread_keys(r, m, what, step_keys) || yread_require(r, m, "alarm", what) ||
        yread_require(r, m, "steps", what))
        return -1;
    if (scaling_rd_alarm(r, ytree_get(m, "alarm"), ctx, out->name, &out->alarm) ||
        scaling_rd_adjust_type(r, m, &out->adjust_type))
        return -1;
    if (yread_int(r, m, "min_adjustment_magnitude", 1, 100000, &out->min_adjustment_magnitude))
        return -1;
    const struct ytree *mm = ytree_get(m, "min_adjustment_magnitude");
    if (mm && out->adjust_type != SCALING_PERCENT_CHANGE_IN_CAPACITY)
        return yread_error(r, &mm->loc,
                           "min_adjustment_magnitude applies only with "
                           "adjustment_type percent_change_in_capacity");
    if (scaling_rd_warmup(r, m, ctx, out))
        return -1;
    /* Application Auto Scaling (ECS) has a step cooldown; EC2 Auto Scaling uses warm-up. */
    out->cooldown_s = ctx->owner == METRIC_RES_ECS_SERVICE ? 300 : 0;
    const struct ytree *cd = ytree_get(m, "cooldown");
    if (cd && ctx->owner != METRIC_RES_ECS_SERVICE)
        return yread_error(r, &cd->loc,
                           "an Auto Scaling group's step policy has no cooldown (it "
                           "uses warmup); cooldown applies to ECS services");
    if (yread_zero_or_more(r, m, "cooldown", SIM_UNIT_SECONDS, &out->cooldown_s))
        return -1;

    const struct ytree *list = ytree_get(m, "steps");
    if (list->kind != YTREE_SEQ || list->n == 0)
        return yread_error(r, &list->loc,
                           "steps must be a non-empty list of "
                           "{ lower, upper, adjustment }");
    out->steps = xcalloc(list->n, sizeof *out->steps);
    out->nsteps = (int)list->n;
    for (size_t i = 0; i < list->n; i++) {
        const struct ytree *it = list->items[i];
        struct scaling_step *s = &out->steps[i];
        s->loc = it->loc;
        s->lower = -(double)INFINITY;
        s->upper = (double)INFINITY;
        if (yread_keys(r, it, "a step", one_step_keys) ||
            yread_require(r, it, "adjustment", "a step") ||
            yread_number(r, it, "lower", &s->lower) || yread_number(r, it, "upper", &s->upper) ||
            yread_number(r, it, "adjustment", &s->adjustment))
            return -1;
        if (s->lower >= s->upper)
            return yread_error(r, &it->loc, "step lower bound %g must be below its upper bound %g",
                               s->lower, s->upper);
        const struct ytree *a = ytree_get(it, "adjustment");
        bool whole = s->adjustment == floor(s->adjustment);
        if ((out->adjust_type != SCALING_PERCENT_CHANGE_IN_CAPACITY && !whole) ||
            (out->adjust_type == SCALING_EXACT_CAPACITY && s->adjustment < 0))
            return yread_error(r, &a->loc, "adjustment '%s' must be a whole number%s", a->text,
                               out->adjust_type == SCALING_EXACT_CAPACITY ? ", zero or more" : "");
    }
    /* Bounds (AWS): no overlaps, no gaps, at most one open end each way. */
    qsort(out->steps, (size_t)out->nsteps, sizeof *out->steps, by_lower);
    for (int i = 1; i < out->nsteps; i++) {
        const struct scaling_step *a = &out->steps[i - 1], *b = &out->steps[i];
        if (a->upper == b->lower)
            continue;
        char al[32], au[32], bl[32], bu[32];
        bound_text(a->lower, al, sizeof al);
        bound_text(a->upper, au, sizeof au);
        bound_text(b->lower, bl, sizeof bl);
        bound_text(b->upper, bu, sizeof bu);
        return yread_error(r, &b->loc,
                           "step [%s, %s) %s step [%s, %s) (line %d); steps must neither "
                           "overlap nor leave gaps: each lower bound must equal the previous "
                           "upper bound",
                           bl, bu, a->upper > b->lower ? "overlaps" : "leaves a gap after", al, au,
                           a->loc.line);
    }
    return 0;
}

int scaling_step_find(const struct scaling_policy *p, double breach)
{
    for (int i = 0; i < p->nsteps; i++) {
        const struct scaling_step *s = &p->steps[i];
        bool in = breach >= 0 ? (breach >= s->lower && breach < s->upper)
                              : (breach > s->lower && breach <= s->upper);
        if (in)
            return i;
    }
    return -1;
}

void scaling_step_decide(const struct scaling_policy *p, struct scaling_state *st,
                         const struct scaling_group *g, const struct metric_alarm_eval *ev,
                         double now_s, struct scaling_decision *out)
{
    scaling_decision_start(p, g, out);
    if (!ev->action_due || isnan(ev->value))
        return;
    const char *alarm = p->alarm.alarm.name;
    double breach = ev->value - p->alarm.alarm.threshold;
    int k = scaling_step_find(p, breach);
    if (k < 0) {
        snprintf(out->cause, sizeof out->cause,
                 "Alarm %s in state ALARM: policy %s has no step for a breach of %g.", alarm,
                 p->name, breach);
        return;
    }
    double adj = p->steps[k].adjustment;
    /* Change and percent apply to the ready capacity, so a breach in the same step while
     * instances warm up asks for what is already coming (one activity, AWS.md fact 14). */
    /* A scale-in counts the instances still terminating, as AWS does: it never removes
     * more than the step asks while the last ones drain. */
    int base = g->ready;
    if (p->adjust_type != SCALING_EXACT_CAPACITY && adj < 0)
        base += g->terminating;
    int want = scaling_adjusted_capacity(p->adjust_type, adj, base,
                                         p->min_adjustment_magnitude);
    int nd = scaling_clamp(want, g->min, g->max);
    int dir = p->adjust_type == SCALING_EXACT_CAPACITY ? (nd > g->desired) - (nd < g->desired)
                                                       : (adj > 0) - (adj < 0);
    const char *blocked = NULL;
    if (dir > 0 && nd <= g->desired)
        blocked = g->warming ? "the warming instances already cover it" : "at the maximum size";
    else if (dir < 0 && g->warming)
        blocked = "blocked while instances warm up";
    else if (dir < 0 && g->scale_in_suspended)
        blocked = "scale-in is suspended";
    else if (dir < 0 && (now_s < st->in_cooldown_until_s || now_s < st->out_cooldown_until_s))
        blocked = "in cooldown";
    else if (dir < 0 && nd >= g->desired)
        blocked = want >= g->desired && g->terminating ? "the terminating instances already cover it"
                                                       : "at the minimum size";
    else if (dir == 0)
        blocked = "already at that capacity";
    if (blocked) {
        snprintf(out->cause, sizeof out->cause,
                 "Alarm %s in state ALARM triggered policy %s: no change (%s).", alarm, p->name,
                 blocked);
        return;
    }
    out->act = true;
    out->direction = dir;
    out->desired = nd;
    if (dir > 0) {
        st->in_cooldown_until_s = -(double)INFINITY; /* a scale-out ends a scale-in cooldown */
        st->out_cooldown_until_s = now_s + p->cooldown_s;
    } else {
        st->in_cooldown_until_s = now_s + p->cooldown_s;
    }
    snprintf(out->cause, sizeof out->cause,
             "Alarm %s in state ALARM triggered policy %s changing the desired capacity from %d "
             "to %d.",
             alarm, p->name, g->desired, nd);
}

/* ---- the type ---- */

static void step_write(const struct scaling_policy *p, FILE *f)
{
    scaling_write_adjustments(f, p);
    if (p->owner == METRIC_RES_ASG)
        scaling_write_secs(f, "warmup", p->warmup_s);
    if (p->owner == METRIC_RES_ECS_SERVICE)
        scaling_write_secs(f, "cooldown", p->cooldown_s);
    scaling_write_alarm(f, &p->alarm);
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
}

/* The alarm types decide on their one alarm. */
static void step_decide_op(const struct scaling_policy *p, struct scaling_state *st,
                             const struct scaling_group *g, const struct metric_alarm_eval *high,
                             const struct metric_alarm_eval *low, double now_s,
                             struct scaling_decision *out)
{
    (void)low;
    scaling_step_decide(p, st, g, high, now_s, out);
}

const struct scaling_type_ops scaling_step_type = {
    .summary = "adjustments by the size of the alarm breach; warm-up instead of cooldown",
    .input = SCALING_INPUT_ALARM,
    .read = scaling_step_read,
    .write = step_write,
    .decide = step_decide_op,
};
