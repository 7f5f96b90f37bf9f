/*
 * The run's time-series figures, one curve per matching column of timeseries_wide.csv:
 *
 *   latency.png      workload.*.latency_p50_s / _p90_s / _p99_s, in ms, log scale
 *   throughput.png   workload.*.throughput_rps; workload.*.errors / .timeouts on the
 *                    right-hand axis (counts per interval)
 *   utilization.png  target.*.utilization (a fraction) in %
 *   inflight.png     every *.in_flight and target.*.queue_length
 *
 * A figure is drawn when a matching column holds at least one value: gnuplot stops the
 * whole script at a plot without a single valid point.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/xalloc.h"

#define LEGEND_MAX 16 /* more series than this: the legend would hide the plot */

/* One curve: column col times scale, on the right-hand axis when y2. */
struct curve {
    int col;
    double scale;
    bool y2;
    char title[160];
};

/* The curves of one figure; c has room for one per column.  Columns that match but hold
 * no value at all are counted, not drawn. */
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

/* Record the outcome of one figure in plan; true when it is to be drawn. */
static bool plan_figure(struct plot_plan *plan, const char *png, const struct figure *fig)
{
    if (fig->n) {
        plot_plan_made(plan, png);
        return true;
    }
    plot_plan_skipped(plan, png, fig->matched ? "its columns hold no values"
                                              : "its columns are not in the CSV");
    return false;
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
        plot_gp_using_x(f, "data skip 1", x);
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

void plot_series_put(FILE *f, const struct plot_wide *h, const struct plot_xaxis *x,
                     struct plot_plan *plan)
{
    char per[64], title[256], y2[128];
    interval_text(per, sizeof per, plan->interval_s);
    struct figure fig = {xmalloc((size_t)h->ncols * sizeof *fig.c), 0, 0, h->has_data};
    const char *name;
    int nl;

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
        put_figure(f, "latency.png", title, "latency (ms, log scale)", NULL, true, x, &fig);
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
                   counts ? y2 : NULL, false, x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        if (plot_csv_label_is(h->cols[i], "target", "utilization", &name, &nl))
            add_curve(&fig, i + 1, 100, false, name, nl, "");
    if (plan_figure(plan, "utilization.png", &fig)) {
        snprintf(title, sizeof title,
                 "CPU utilization of each target (share of its vCPUs busy), %s", per);
        put_figure(f, "utilization.png", title, "utilization (%)", NULL, false, x, &fig);
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
        put_figure(f, "inflight.png", title, "requests", NULL, false, x, &fig);
    }
    free(fig.c);
}
