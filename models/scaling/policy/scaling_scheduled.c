/* Scheduled actions (AWS.md §5 "Scheduled actions", §8): set min, max and/or desired at a
 * time, once or on a 5-field cron recurrence in UTC or a fixed-offset zone.  AWS may run
 * an action up to 2 min late; elbsim runs it at the exact simulated time. */
#include "models/scaling/scaling.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/units.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

static const char *const sched_keys[] = {"name", "type", "recurrence", "at", "time_zone",
                                         "start", "end", "min", "max", "desired", NULL};

/* `at`, `start`, `end`: a duration from the run start ("2h") or a date-time. */
static int rd_when(struct yread *r, const struct ytree *m, const char *key,
                   const struct cron_clock *clk, double *out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v)
        return 0;
    const char *why;
    if (strchr(v->text, '-') && strlen(v->text) >= 10) /* looks like a date */
        return cron_datetime_parse(v->text, &v->loc, clk, out);
    if (sim_units_parse(v->text, strlen(v->text), SIM_UNIT_SECONDS, out, &why))
        return yread_error(r, &v->loc,
                           "bad value '%s' for %s: expected a time from the start of "
                           "the run (e.g. 2h) or a date-time YYYY-MM-DDTHH:MM",
                           v->text, key);
    return 0;
}

static int scaling_scheduled_read(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                                  struct scaling_policy *out)
{
    const char *what = "a scheduled action";
    if (yread_keys(r, m, what, sched_keys))
        return -1;
    const struct ytree *rec = ytree_get(m, "recurrence"), *at = ytree_get(m, "at");
    if (!rec == !at)
        return yread_error(r, &m->loc,
                           "%s needs exactly one of 'recurrence' (a cron expression) "
                           "and 'at' (one-off)",
                           what);
    out->clock = ctx->clock;
    const struct ytree *v;
    if (yread_scalar_at(r, m, "time_zone", &v) ||
        (v && cron_zone_parse(v->text, &v->loc, &out->clock.offset_s)))
        return -1;
    out->start_s = -(double)INFINITY;
    out->end_s = (double)INFINITY;
    if (rec) {
        if (yread_scalar_at(r, m, "recurrence", &v))
            return -1;
        struct loc at_text = v->loc; /* a quoted value's text starts after the quote */
        if (v->quoted && at_text.col)
            at_text.col++;
        if (cron_parse(v->text, &at_text, &out->cron))
            return -1;
        out->recurring = true;
        out->recurrence = xstrdup(v->text);
        if (rd_when(r, m, "start", &out->clock, &out->start_s) ||
            rd_when(r, m, "end", &out->clock, &out->end_s))
            return -1;
        if (out->end_s <= out->start_s)
            return yread_error(r, &ytree_get(m, "end")->loc, "end must come after start");
    } else {
        const struct ytree *se = ytree_get(m, "start") ? ytree_get(m, "start") : ytree_get(m, "end");
        if (se)
            return yread_error(r, &se->loc, "start and end apply to a recurrence, not to 'at'");
        if (rd_when(r, m, "at", &out->clock, &out->at_s))
            return -1;
        if (out->at_s < 0)
            return yread_error(r, &at->loc, "at '%s' is before the start of the run", at->text);
    }
    if (!ytree_get(m, "min") && !ytree_get(m, "max") && !ytree_get(m, "desired"))
        return yread_error(r, &m->loc, "%s needs at least one of 'min', 'max', 'desired'", what);
    if (yread_int(r, m, "min", 0, 100000, &out->new_min) ||
        yread_int(r, m, "max", 0, 100000, &out->new_max) ||
        yread_int(r, m, "desired", 0, 100000, &out->new_desired))
        return -1;
    if (out->new_min >= 0 && out->new_max >= 0 && out->new_min > out->new_max)
        return yread_error(r, &ytree_get(m, "min")->loc, "min (%d) is greater than max (%d)",
                           out->new_min, out->new_max);
    if (out->new_desired >= 0 && ((out->new_min >= 0 && out->new_desired < out->new_min) ||
                                  (out->new_max >= 0 && out->new_desired > out->new_max)))
        return yread_error(r, &ytree_get(m, "desired")->loc,
                           "desired (%d) must lie between min and max", out->new_desired);
    return 0;
}

double scaling_scheduled_next(const struct scaling_policy *p, double from_s)
{
    if (!p->recurring)
        return p->at_s >= from_s ? p->at_s : HUGE_VAL;
    double t = cron_next(&p->cron, &p->clock, from_s > p->start_s ? from_s : p->start_s);
    return t <= p->end_s ? t : HUGE_VAL;
}

void scaling_scheduled_apply(const struct scaling_policy *p, const struct scaling_group *g,
                             double now_s, struct scaling_decision *out)
{
    (void)now_s;
    scaling_decision_start(p, g, out);
    int mn = p->new_min >= 0 ? p->new_min : g->min;
    int mx = p->new_max >= 0 ? p->new_max : g->max;
    if (mn > mx) {
        /* Only one bound was given and it crosses the group's other one: AWS refuses. */
        snprintf(out->cause, sizeof out->cause,
                 "Scheduled action %s failed: min %d would exceed max %d.", p->name, mn, mx);
        return;
    }
    int want = p->new_desired >= 0 ? p->new_desired : g->desired;
    int nd = scaling_clamp(want, mn, mx); /* pushed into the new bounds */
    out->min = mn;
    out->max = mx;
    out->desired = nd;
    out->direction = (nd > g->desired) - (nd < g->desired);
    out->act = nd != g->desired || mn != g->min || mx != g->max;
    size_t used = (size_t)snprintf(out->cause, sizeof out->cause,
                                   "Scheduled action %s updated the group constraints to min: "
                                   "%d, max: %d, desired: %d",
                                   p->name, mn, mx, nd);
    if (used < sizeof out->cause)
        snprintf(out->cause + used, sizeof out->cause - used,
                 nd != g->desired ? " changing the desired capacity from %d to %d." : ".",
                 g->desired, nd);
}

/* ---- the type ---- */

static void zone(FILE *f, int32_t off)
{
    int a = off < 0 ? -off : off;
    fprintf(f, ", time_zone: 'UTC%c%02d:%02d'", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static void scheduled_write(const struct scaling_policy *p, FILE *f)
{
    if (p->recurring) {
        fprintf(f, ", recurrence: '%s'", p->recurrence);
        zone(f, p->clock.offset_s);
        if (isfinite(p->start_s) && p->start_s > 0)
            scaling_write_secs(f, "start", p->start_s);
        if (isfinite(p->end_s))
            scaling_write_secs(f, "end", p->end_s);
    } else {
        scaling_write_secs(f, "at", p->at_s);
    }
    if (p->new_min >= 0)
        fprintf(f, ", min: %d", p->new_min);
    if (p->new_max >= 0)
        fprintf(f, ", max: %d", p->new_max);
    if (p->new_desired >= 0)
        fprintf(f, ", desired: %d", p->new_desired);
}

const struct scaling_type_ops scaling_scheduled_type = {
    .summary = "sets min/max/desired at a time or on a cron recurrence",
    .input = SCALING_INPUT_NONE,
    .read = scaling_scheduled_read,
    .write = scheduled_write,
    .decide = NULL,
};
