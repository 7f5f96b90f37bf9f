/*
 * The run's figures of its targets, from timeseries_wide.csv:
 *
 *   utilization.png  target.*.utilization (a fraction) in %
 *   inflight.png     every other scope's *.in_flight (load balancers, workloads) as a
 *                    curve each, and target.*.in_flight and target.*.queue_length
 *
 * A run without per-target series (output.per_target) has target_group.*.utilization and
 * target_group.*.queue_length instead (its targets summed): a curve per group.
 *
 * While a figure has at most PLOT_LEGEND_MAX curves, each target is a curve.  Beyond, the
 * targets are grouped by owner (a target is named OWNER/N after its target group, Auto
 * Scaling group or ECS service) and what is drawn: per group, the mean over the targets
 * with a value in each interval, over a band from the lowest to the highest of them.  When
 * even the groups are too many, the first ones keep their own curve and the rest are one
 * group, "other targets".  So a legend never holds many more than PLOT_LEGEND_MAX entries.
 *
 * A target is drawn, and counts in its group, only in the intervals it served whole: one
 * that left for good (events.csv: health "... -> unused", after draining) stops before
 * the interval it left in, instead of drawing a flat zero to the end of the run; one
 * launched during the run starts after the interval it first passed a health check in
 * ("initial -> healthy").  While it boots it serves nothing, and that zero, or the part
 * of an interval it served, would pull its group's mean and band down.
 *
 * The groups need every row: a second pass over timeseries_wide.csv computes their means
 * and ranges, which go into the script as datablocks.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/xalloc.h"

enum { F_UTIL, F_INFLIGHT, F_N };

/* At most this many curves of load balancers and workloads on inflight.png, before those of
 * each scope are summed. */
#define OTHERS_MAX (PLOT_LEGEND_MAX / 2)
static const char *const fig_png[F_N] = {"utilization.png", "inflight.png"};

/* What a target column is: its figure and the words after its name. */
static const struct {
    const char *metric;
    int fig;
    double scale;
    const char *what;
} target_series[] = {
    {"utilization", F_UTIL, 100, ""},
    {"in_flight", F_INFLIGHT, 1, "in flight"},
    {"queue_length", F_INFLIGHT, 1, "queued"},
};
#define NSERIES (int)(sizeof target_series / sizeof target_series[0])

/* A group of target columns: one owner and series (or the rest, owner NULL). */
struct group {
    int fig, series;
    char *owner;         /* owned; NULL: "other targets" */
    int ntargets, nowners;
    char title[200];     /* its curve's */
    /* per row with a value: time and the mean, min and max; gap[i]: rows without a value
     * came before row i (the curve breaks) */
    double *t, *mean, *min, *max;
    bool *gap;
    int n, cap;
    /* the current row */
    double sum, lo, hi;
    int k;
    bool missed;
};

struct plot_targets {
    const struct plot_wide *w;
    const struct plot_units *s;
    const struct plot_events *ev; /* may be NULL */
    double interval_s;
    struct plot_figure fig[F_N];
    bool grouped[F_N];
    bool by_group[F_N]; /* no target column: the target groups' sums are drawn instead */
    int others[F_N];   /* curves of load balancers and workloads, first in fig */
    struct group *g;
    int ng;
    int *col_group;    /* per column (0-based): its group, -1 */
    double *col_start; /* per column: when its target came into service (s), NAN */
    double *col_end;   /* per column: when its target left (s), NAN */
    int *sum;          /* the columns of the summed curves (room for every column) */
    int nsum;
    /* second pass */
    int field;
    double row_t;
};

/* "web" of "web/3" into buf; the whole name when it has no '/'. */
static void owner_of(const char *name, int len, char *buf, size_t n)
{
    int o = len;
    while (o > 0 && name[o - 1] != '/')
        o--;
    o = o > 0 ? o - 1 : len;
    snprintf(buf, n, "%.*s", o, name);
}

/* "Auto Scaling group web-asg", "ECS service api", "target group web" or "web". */
static void owner_title(char *buf, size_t n, const char *owner, const struct plot_units *s,
                        const struct plot_wide *w)
{
    int g = plot_units_index(s, PLOT_UNIT_GROUP, owner, strlen(owner));
    if (g >= 0) {
        snprintf(buf, n, "Auto Scaling group %.120s", owner);
        return;
    }
    if (plot_units_index(s, PLOT_UNIT_SERVICE, owner, strlen(owner)) >= 0) {
        snprintf(buf, n, "ECS service %.120s", owner);
        return;
    }
    const char *name;
    int nl;
    for (int i = 1; i < w->ncols; i++)
        if (plot_csv_label_is(w->cols[i], "target_group", NULL, &name, &nl) &&
            (size_t)nl == strlen(owner) && !strncmp(name, owner, (size_t)nl)) {
            snprintf(buf, n, "target group %.120s", owner);
            return;
        }
    snprintf(buf, n, "%.120s", owner);
}

static int group_index(struct plot_targets *tg, int fig, int series, const char *owner)
{
    for (int i = 0; i < tg->ng; i++)
        if (tg->g[i].fig == fig && tg->g[i].series == series && tg->g[i].owner &&
            !strcmp(tg->g[i].owner, owner))
            return i;
    struct group *gr = &tg->g[tg->ng];
    memset(gr, 0, sizeof *gr);
    gr->fig = fig;
    gr->series = series;
    gr->owner = xstrdup(owner);
    gr->nowners = 1;
    char who[160];
    owner_title(who, sizeof who, owner, tg->s, tg->w);
    snprintf(gr->title, sizeof gr->title, "%s%s%s", who, *target_series[series].what ? " " : "",
             target_series[series].what);
    return tg->ng++;
}

/* The target columns of figure fig (with a value), and the other curves: per target, or
 * grouped when that is too many. */
static void plan_figure(struct plot_targets *tg, int fig)
{
    const struct plot_wide *w = tg->w;
    struct plot_figure *pf = &tg->fig[fig];
    const char *name;
    int nl, ntargets = 0;
    for (int i = 1; i < w->ncols; i++)
        for (int k = 0; k < NSERIES; k++)
            if (target_series[k].fig == fig &&
                plot_csv_label_is(w->cols[i], "target", target_series[k].metric, &name, &nl))
                ntargets += w->has_data[i];
    /* The other curves first (in flight at load balancers and workloads), a scope after
     * another; more than OTHERS_MAX of them leave room for too few groups of targets, so
     * then each scope of more than one is a single curve, its sum. */
    int nother = 0;
    for (int i = 1; fig == F_INFLIGHT && i < w->ncols; i++)
        nother += !plot_csv_label_is(w->cols[i], "target", NULL, &name, &nl) &&
                  plot_csv_label_is(w->cols[i], NULL, "in_flight", &name, &nl) &&
                  w->has_data[i];
    for (int i = 1; fig == F_INFLIGHT && i < w->ncols; i++) {
        if (plot_csv_label_is(w->cols[i], "target", NULL, &name, &nl) ||
            !plot_csv_label_is(w->cols[i], NULL, "in_flight", &name, &nl))
            continue;
        int scope_len = (int)(name - 1 - w->cols[i]);
        bool first = true; /* the scope's first column */
        for (int j = 1; j < i && first; j++)
            first = strncmp(w->cols[j], w->cols[i], (size_t)scope_len + 1) != 0 ||
                    !plot_csv_label_is(w->cols[j], NULL, "in_flight", &name, &nl);
        if (!first)
            continue;
        int from = pf->n;
        for (int j = i; j < w->ncols; j++) {
            if (strncmp(w->cols[j], w->cols[i], (size_t)scope_len + 1) != 0 ||
                !plot_csv_label_is(w->cols[j], NULL, "in_flight", &name, &nl))
                continue;
            /* titled "lb front in flight", "workload shoppers in flight" */
            char who[128];
            if (!strncmp(w->cols[j], "target_group.", 13)) /* without per-target series */
                snprintf(who, sizeof who, "target group %.*s", nl, name);
            else
                snprintf(who, sizeof who, "%.*s %.*s", scope_len, w->cols[j], nl, name);
            plot_series_add(pf, j + 1, 1, false, who, (int)strlen(who), "in flight");
        }
        if (nother > OTHERS_MAX && pf->n - from > 1) {
            char title[160];
            const char *scope = !strncmp(w->cols[i], "workload.", 9) ? "workloads"
                                : !strncmp(w->cols[i], "lb.", 3)     ? "load balancers"
                                                                     : NULL;
            if (scope)
                snprintf(title, sizeof title, "in flight, summed over the %d %s", pf->n - from,
                         scope);
            else
                snprintf(title, sizeof title, "in flight, summed over the %d of scope %.*s",
                         pf->n - from, scope_len, w->cols[i]);
            plot_series_sum(pf, from, tg->sum + tg->nsum, title);
            tg->nsum += pf->c[from].nsum;
        }
    }
    int others = pf->n;
    /* A run without per-target series (output.per_target): each target group's columns
     * (utilization; queue_length, its in_flight being one of the others above). */
    int ncols_target = 0;
    for (int i = 1; i < w->ncols; i++)
        ncols_target += plot_csv_label_is(w->cols[i], "target", NULL, &name, &nl);
    for (int i = 1; ncols_target == 0 && i < w->ncols; i++)
        for (int k = 0; k < NSERIES; k++) {
            if (target_series[k].fig != fig || !strcmp(target_series[k].metric, "in_flight") ||
                !plot_csv_label_is(w->cols[i], "target_group", target_series[k].metric, &name,
                                   &nl))
                continue;
            char who[160];
            snprintf(who, sizeof who, "target group %.*s", nl < 120 ? nl : 120, name);
            plot_series_add(pf, i + 1, target_series[k].scale, false, who, (int)strlen(who),
                            target_series[k].what);
            tg->by_group[fig] = true;
        }
    tg->grouped[fig] = others + ntargets > PLOT_LEGEND_MAX;
    /* Grouped, the targets' curves are means per target, the others totals: those go on
     * the right-hand axis, or they would flatten the targets' curves. */
    for (int i = 0; tg->grouped[fig] && i < others; i++) {
        struct plot_curve *c = &pf->c[i];
        size_t len = strlen(c->title);
        c->y2 = true;
        snprintf(c->title + len, sizeof c->title - len, " (right axis)");
    }
    tg->others[fig] = others;
    for (int i = 1; i < w->ncols; i++)
        for (int k = 0; k < NSERIES; k++) {
            if (target_series[k].fig != fig ||
                !plot_csv_label_is(w->cols[i], "target", target_series[k].metric, &name, &nl))
                continue;
            if (tg->ev)
                plot_events_span(tg->ev, name, (size_t)nl, &tg->col_start[i], &tg->col_end[i]);
            if (!tg->grouped[fig]) {
                int n = pf->n;
                plot_series_add(pf, i + 1, target_series[k].scale, false, name, nl,
                                target_series[k].what);
                if (pf->n > n) {
                    pf->c[n].start_s = tg->col_start[i];
                    pf->c[n].end_s = tg->col_end[i];
                }
                continue;
            }
            pf->matched++;
            if (!w->has_data[i])
                continue;
            char owner[256];
            owner_of(name, nl, owner, sizeof owner);
            int g = group_index(tg, fig, k, owner);
            tg->g[g].ntargets++;
            tg->col_group[i] = g;
        }
    if (!tg->grouped[fig])
        return;
    /* Too many groups: the first keep their curves, the rest become "other targets", one
     * group per series. */
    int first = 0, ngroups = 0, nseries = 0;
    bool seen[NSERIES] = {false};
    for (int i = 0; i < tg->ng; i++)
        if (tg->g[i].fig == fig) {
            if (!ngroups++)
                first = i;
            nseries += !seen[tg->g[i].series];
            seen[tg->g[i].series] = true;
        }
    int budget = PLOT_LEGEND_MAX - others;
    if (ngroups <= budget)
        return;
    int keep = budget - nseries > 1 ? budget - nseries : 1;
    int rest[NSERIES];
    for (int k = 0; k < NSERIES; k++)
        rest[k] = -1;
    for (int i = first + keep; i < tg->ng; i++) {
        struct group *gr = &tg->g[i];
        if (gr->fig != fig || !gr->owner)
            continue;
        if (rest[gr->series] < 0) {
            rest[gr->series] = tg->ng;
            struct group *r = &tg->g[tg->ng++];
            memset(r, 0, sizeof *r);
            r->fig = fig;
            r->series = gr->series;
            snprintf(r->title, sizeof r->title, "other targets%s%s",
                     *target_series[gr->series].what ? " " : "", target_series[gr->series].what);
        }
        struct group *r = &tg->g[rest[gr->series]];
        r->ntargets += gr->ntargets;
        r->nowners++;
        gr->ntargets = 0; /* emptied: its columns move to the rest */
        for (int c = 1; c < w->ncols; c++)
            if (tg->col_group[c] == i)
                tg->col_group[c] = rest[gr->series];
    }
}

/* ---- the second pass ---------------------------------------------------------------------- */

/* The current row of gr, when some target had a value, as the group's next point. */
static void group_push(struct group *gr, double t)
{
    if (gr->n == gr->cap) {
        gr->cap = gr->cap ? 2 * gr->cap : 256;
        gr->t = xrealloc(gr->t, (size_t)gr->cap * sizeof *gr->t);
        gr->mean = xrealloc(gr->mean, (size_t)gr->cap * sizeof *gr->mean);
        gr->min = xrealloc(gr->min, (size_t)gr->cap * sizeof *gr->min);
        gr->max = xrealloc(gr->max, (size_t)gr->cap * sizeof *gr->max);
        gr->gap = xrealloc(gr->gap, (size_t)gr->cap * sizeof *gr->gap);
    }
    gr->t[gr->n] = t;
    gr->gap[gr->n] = gr->missed;
    gr->mean[gr->n] = gr->sum / gr->k;
    gr->min[gr->n] = gr->lo;
    gr->max[gr->n] = gr->hi;
    gr->n++;
    gr->missed = false;
}

static void pass_field(void *s, size_t len, void *data)
{
    struct plot_targets *tg = data;
    int i = tg->field++;
    if (i > 0 && isnan(tg->row_t)) /* the header, or a row without a time */
        return;
    const char *text = s ? s : "";
    if (i == 0) {
        char *end;
        double t = strtod(text, &end);
        tg->row_t = len > 0 && !*end ? t : (double)NAN;
        return;
    }
    if (i >= tg->w->ncols || tg->col_group[i] < 0 || len == 0)
        return;
    char *end;
    double v = strtod(text, &end) * target_series[tg->g[tg->col_group[i]].series].scale;
    double came = tg->col_start[i], left = tg->col_end[i];
    if (*end || !isfinite(v) || (isfinite(came) && !(tg->row_t - tg->interval_s >= came)) ||
        (isfinite(left) && !(tg->row_t <= left)))
        return;
    struct group *gr = &tg->g[tg->col_group[i]];
    if (gr->k == 0 || v < gr->lo)
        gr->lo = v;
    if (gr->k == 0 || v > gr->hi)
        gr->hi = v;
    gr->sum += v;
    gr->k++;
}

static void pass_record(int c, void *data)
{
    struct plot_targets *tg = data;
    (void)c;
    for (int i = 0; tg->field > 0 && !isnan(tg->row_t) && i < tg->ng; i++) {
        struct group *gr = &tg->g[i];
        if (gr->k > 0)
            group_push(gr, tg->row_t);
        else if (gr->n > 0)
            gr->missed = true;
        gr->sum = 0;
        gr->k = 0;
    }
    tg->field = 0;
    tg->row_t = 0; /* the next row's time comes first */
}

int plot_targets_read(const char *csv, const struct plot_wide *w, const struct plot_units *s,
                      const struct plot_events *ev, double interval_s,
                      struct plot_targets **out)
{
    struct plot_targets *tg = xcalloc(1, sizeof *tg);
    *out = tg;
    tg->w = w;
    tg->s = s;
    tg->interval_s = isfinite(interval_s) ? interval_s : 0;
    tg->g = xcalloc((size_t)w->ncols * 2 + NSERIES * F_N + 1, sizeof *tg->g);
    tg->col_group = xmalloc((size_t)w->ncols * sizeof *tg->col_group);
    tg->sum = xmalloc((size_t)w->ncols * sizeof *tg->sum);
    tg->col_start = xmalloc((size_t)w->ncols * sizeof *tg->col_start);
    tg->col_end = xmalloc((size_t)w->ncols * sizeof *tg->col_end);
    tg->ev = ev;
    for (int i = 0; i < w->ncols; i++) {
        tg->col_group[i] = -1;
        tg->col_start[i] = tg->col_end[i] = (double)NAN;
    }
    for (int fig = 0; fig < F_N; fig++) {
        tg->fig[fig].c = xcalloc((size_t)w->ncols + NSERIES * F_N + 1, sizeof *tg->fig[fig].c);
        tg->fig[fig].has_data = w->has_data;
        plan_figure(tg, fig);
    }
    if (!tg->grouped[F_UTIL] && !tg->grouped[F_INFLIGHT])
        return 0;
    tg->row_t = (double)NAN; /* the header row */
    return plot_csv_read(csv, false, pass_field, pass_record, tg);
}

/* ---- the figures ---------------------------------------------------------------------------- */

void plot_targets_put(FILE *f, const struct plot_targets *tg, const struct plot_xaxis *x,
                      struct plot_plan *plan)
{
    char per[64], title[300];
    plot_series_interval_text(per, sizeof per, plan->interval_s);
    for (int k = 0; k < F_N; k++) {
        struct plot_figure fig = tg->fig[k];
        for (int i = 0; tg->grouped[k] && i < tg->ng; i++) {
            const struct group *gr = &tg->g[i];
            if (gr->fig != k || gr->ntargets == 0 || gr->n == 0)
                continue;
            struct plot_curve *c = &fig.c[fig.n++];
            memset(c, 0, sizeof *c);
            c->start_s = c->end_s = (double)NAN;
            snprintf(c->block, sizeof c->block, "$group_%d_%d", k + 1, i + 1);
            if (gr->owner)
                snprintf(c->title, sizeof c->title, "%.150s: mean of %d targets", gr->title,
                         gr->ntargets);
            else
                snprintf(c->title, sizeof c->title, "%.150s (%d groups): mean of %d", gr->title,
                         gr->nowners, gr->ntargets);
        }
        if (!plot_series_plan(plan, fig_png[k], &fig))
            continue;
        for (int i = 0; tg->grouped[k] && i < tg->ng; i++) {
            const struct group *gr = &tg->g[i];
            if (gr->fig != k || gr->ntargets == 0 || gr->n == 0)
                continue;
            fprintf(f, "\n$group_%d_%d << EOD\n", k + 1, i + 1);
            for (int r = 0; r < gr->n; r++)
                fprintf(f, "%s%.10g,%.10g,%.10g,%.10g\n", gr->gap[r] ? "\n" : "", gr->t[r],
                        gr->mean[r], gr->min[r], gr->max[r]);
            fputs("EOD\n", f);
        }
        /* Titles within about 150 characters: the figure is 1200 pixels wide. */
        const char *band = tg->grouped[k] ? "per group the mean and a band from the lowest "
                                            "to the highest target" : NULL;
        if (k == F_UTIL) {
            if (band)
                snprintf(title, sizeof title, "CPU utilization of the targets (share of "
                         "their vCPUs busy): %s, %s", band, per);
            else if (tg->by_group[k])
                snprintf(title, sizeof title, "CPU utilization of each target group (share of "
                         "its targets' vCPUs busy), %s", per);
            else
                snprintf(title, sizeof title, "CPU utilization of each target (share of its "
                         "vCPUs busy), %s", per);
            fig.ylabel = "utilization (%)";
        } else {
            snprintf(title, sizeof title, "Requests in flight (not yet answered) and queued at "
                     "%s%s%s, %s", tg->by_group[k] ? "target groups' targets" : "targets",
                     band ? ": " : "", band ? band : "", per);
            fig.ylabel = band ? "requests per target" : "requests";
        }
        fig.y2label = band && tg->others[k] > 0 ? "requests in flight at load balancers and "
                                                   "workloads" : NULL;
        fig.png = fig_png[k];
        fig.title = title;
        fig.logy = false;
        plot_series_put_figure(f, &fig, x, tg->w->t_last, plan->interval_s, NULL);
    }
}

void plot_targets_free(struct plot_targets *tg)
{
    if (!tg)
        return;
    for (int i = 0; i < tg->ng; i++) {
        struct group *gr = &tg->g[i];
        free(gr->owner);
        free(gr->t);
        free(gr->mean);
        free(gr->min);
        free(gr->max);
        free(gr->gap);
    }
    for (int k = 0; k < F_N; k++)
        free(tg->fig[k].c);
    free(tg->g);
    free(tg->col_group);
    free(tg->sum);
    free(tg->col_start);
    free(tg->col_end);
    free(tg);
}
