/* plot_write_script and the figures not yet in files of their own.  See plot.h and
 * plot/plot_impl.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif
#include "analysis/plot.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

#define LEGEND_MAX 16 /* more series than this: the legend would hide the plot */

void plot_plan_made(struct plot_plan *plan, const char *png)
{
    plan->made[plan->nmade++] = png;
}

void plot_plan_skipped(struct plot_plan *plan, const char *png, const char *why)
{
    plan->skipped_why[plan->nskipped] = why;
    plan->skipped[plan->nskipped++] = png;
}

/* ---- the run's time series ------------------------------------------------------------- */

/* One curve: column col (1-based) times scale, on the right-hand axis when y2. */
struct curve {
    int col;
    double scale;
    bool y2;
    char title[160];
};

/* The curves of one figure; c has room for one per column.  Columns that match but hold
 * no value at all are counted, not drawn: gnuplot stops the whole script at a plot
 * without a single valid point. */
struct figure {
    struct curve *c;
    int n;               /* curves drawn */
    int matched;         /* columns that matched, with or without data */
    const bool *has_data; /* per column (0-based), from struct plot_wide */
};

static void add_curve(struct figure *fig, int col, double scale, bool y2, const char *name,
                      int name_len, const char *what)
{
    fig->matched++;
    if (!fig->has_data[col - 1])
        return;
    struct curve *c = &fig->c[fig->n++];
    c->col = col;
    c->scale = scale;
    c->y2 = y2;
    snprintf(c->title, sizeof c->title, "%.*s%s%s", name_len, name, *what ? " " : "", what);
}

/* "per 1 s interval", or "per interval" when the interval is unknown. */
static void interval_text(char *buf, size_t n, double interval_s)
{
    if (isfinite(interval_s) && interval_s > 0)
        snprintf(buf, n, "per %g s interval", interval_s);
    else
        snprintf(buf, n, "per interval");
}

/* Write one figure: output, titles and the plot command; then undo its settings. */
static void put_figure(FILE *f, const char *png, const char *title, const char *ylabel,
                       const char *y2label, bool logy, const struct plot_xaxis *x,
                       const struct figure *fig)
{
    fprintf(f, "\n# %s\nset yrange [%s:*]\nset output ", png, logy ? "*" : "0");
    plot_gp_quoted(f, png);
    fprintf(f, "\nset title ");
    if (fig->n > LEGEND_MAX) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s (%d series; legend omitted)", title, fig->n);
        plot_gp_quoted(f, buf);
        fprintf(f, "\nset key off");
    } else {
        plot_gp_quoted(f, title);
        fprintf(f, "\nset key on");
    }
    fprintf(f, "\nset xlabel ");
    plot_gp_quoted(f, x->label);
    fprintf(f, "\nset ylabel ");
    plot_gp_quoted(f, ylabel);
    fputc('\n', f);
    if (logy)
        fprintf(f, "set logscale y\n");
    if (y2label) {
        fprintf(f, "set ytics nomirror\nset y2tics\nset y2range [0:1<*]\nset y2label ");
        plot_gp_quoted(f, y2label);
        fputc('\n', f);
    }
    fprintf(f, "plot ");
    for (int i = 0; i < fig->n; i++) {
        const struct curve *c = &fig->c[i];
        if (i)
            fprintf(f, ", \\\n     ");
        if (x->div != 1)
            fprintf(f, "data skip 1 using (column(1)/%g):", x->div);
        else
            fprintf(f, "data skip 1 using 1:");
        if (c->scale != 1)
            fprintf(f, "(column(%d)*%g)", c->col, c->scale);
        else
            fprintf(f, "%d", c->col);
        fprintf(f, " axes x1%s with lines lw 2 title ", c->y2 ? "y2" : "y1");
        plot_gp_quoted(f, c->title);
    }
    fputc('\n', f);
    if (logy)
        fprintf(f, "unset logscale y\n");
    if (y2label)
        fprintf(f, "set ytics mirror\nunset y2tics\nunset y2label\n");
}

/* Record the outcome of one figure in plan; true when it is to be drawn. */
static bool plan_figure(struct plot_plan *plan, const char *png, const struct figure *fig)
{
    if (fig->n) {
        plan->made[plan->nmade++] = png;
        return true;
    }
    plan->skipped_why[plan->nskipped] = fig->matched ? "its columns hold no values"
                                                     : "its columns are not in the CSV";
    plan->skipped[plan->nskipped++] = png;
    return false;
}

/* Build the whole script into f, recording the figures in plan; the Auto Scaling figures
 * come last, then the forecast, so a run without groups or forecast.csv gets the same
 * script as before they existed. */
static void put_script(FILE *f, const struct plot_wide *h, const struct plot_units *groups,
                       const struct plot_fc *fc, struct plot_plan *plan)
{
    char per[64], title[256], y2[128];
    interval_text(per, sizeof per, plan->interval_s);
    struct plot_xaxis x = plot_gp_xaxis_for(h->t_last);
    struct figure fig = {xmalloc((size_t)h->ncols * sizeof *fig.c), 0, 0, h->has_data};
    const char *name;
    int nl;
    plot_gp_preamble(f);

    static const char *const pct[][2] = {
        {"latency_p50_s", "p50"}, {"latency_p90_s", "p90"}, {"latency_p99_s", "p99"}};
    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        for (int k = 0; k < 3; k++)
            if (plot_csv_label_is(h->cols[i], "workload", pct[k][0], &name, &nl))
                add_curve(&fig, i + 1, 1000, false, name, nl, pct[k][1]);
    if (plan_figure(plan, "latency.png", &fig)) {
        snprintf(title, sizeof title,
                 "Client-observed latency percentiles %s (p50 = median; p99 = 1 request "
                 "in 100 is slower)", per);
        put_figure(f, "latency.png", title, "latency (ms, log scale)", NULL, true, &x, &fig);
    }

    fig.n = fig.matched = 0;
    bool counts = false;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], "workload", "throughput_rps", &name, &nl))
            add_curve(&fig, i + 1, 1, false, name, nl, "completed (req/s)");
        else if (plot_csv_label_is(h->cols[i], "workload", "errors", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "errors (right axis)");
        else if (plot_csv_label_is(h->cols[i], "workload", "timeouts", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "timeouts (right axis)");
    }
    for (int i = 0; i < fig.n; i++)
        counts = counts || fig.c[i].y2;
    if (plan_figure(plan, "throughput.png", &fig)) {
        snprintf(title, sizeof title, "Completed requests per second, errors and timeouts, %s",
                 per);
        snprintf(y2, sizeof y2, "failed requests (count %s)", per);
        put_figure(f, "throughput.png", title, "throughput (requests per second)",
                   counts ? y2 : NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        if (plot_csv_label_is(h->cols[i], "target", "utilization", &name, &nl))
            add_curve(&fig, i + 1, 100, false, name, nl, "");
    if (plan_figure(plan, "utilization.png", &fig)) {
        snprintf(title, sizeof title,
                 "CPU utilization of each target (share of its vCPUs busy), %s", per);
        put_figure(f, "utilization.png", title, "utilization (%)", NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], NULL, "in_flight", &name, &nl)) {
            /* any scope: titled "lb front in flight", "workload shoppers in flight" */
            char who[128];
            snprintf(who, sizeof who, "%.*s %.*s", (int)(name - 1 - h->cols[i]), h->cols[i],
                     nl, name);
            add_curve(&fig, i + 1, 1, false, who, (int)strlen(who), "in flight");
        } else if (plot_csv_label_is(h->cols[i], "target", "queue_length", &name, &nl)) {
            add_curve(&fig, i + 1, 1, false, name, nl, "queued");
        }
    }
    if (plan_figure(plan, "inflight.png", &fig)) {
        snprintf(title, sizeof title,
                 "Requests in flight (accepted, not yet answered) and waiting in target queues, "
                 "%s", per);
        put_figure(f, "inflight.png", title, "requests", NULL, false, &x, &fig);
    }
    free(fig.c);
    if (groups->n > 0) {
        plot_capacity_put(f, h, groups, &x, plan);
        plot_policy_put(f, h, groups, &x, plan);
        plot_gp_reset(f);
    }
    if (fc->present)
        plot_forecast_put(f, h, groups, fc, &x, plan);
}

int plot_write_script(const char *dir, struct plot_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->interval_s = (double)NAN;
    {
        /* A sweep's folder (sweep.csv, no time series): its own plots. */
        char *ts = text_join_path(dir, PLOT_WIDE_CSV), *sw = text_join_path(dir, PLOT_SWEEP_CSV);
        struct stat st;
        bool sweep = stat(ts, &st) != 0 && stat(sw, &st) == 0;
        free(ts);
        free(sw);
        if (sweep)
            return plot_sweep_write(dir, plan);
    }
    char *csv = text_join_path(dir, PLOT_WIDE_CSV);
    char *gp = text_join_path(dir, PLOT_SCRIPT_NAME);
    struct plot_wide h;
    int rc = plot_csv_wide_read(csv, &h);
    if (rc != 0)
        goto out_free;
    if (h.records >= 3)
        plan->interval_s = h.t[1] - h.t[0];
    struct plot_units groups;
    plot_units_find(&groups, &h);
    if (groups.n > 0 && (rc = plot_units_read_events(dir, &groups)) != 0)
        goto out_groups;
    struct plot_fc fc;
    if ((rc = plot_forecast_read(dir, &fc)) != 0)
        goto out_groups;

    struct plot_gp script;
    if ((rc = plot_gp_open(&script, gp)) != 0)
        goto out_groups;
    put_script(script.f, &h, &groups, &fc, plan);
    rc = plot_gp_commit(&script);
out_groups:
    plot_units_free(&groups);
out_free:
    plot_csv_wide_free(&h);
    free(csv);
    free(gp);
    return rc;
}