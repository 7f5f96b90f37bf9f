/*
 * The run's time-series figures of its workloads, one curve per matching column of
 * timeseries_wide.csv:
 *
 *   latency.png      workload.*.latency_p50_s / _p90_s / _p99_s, in ms, log scale (only
 *                    each workload's p99 when that is more than PLOT_LEGEND_MAX curves;
 *                    beyond, their mean over a band from the lowest to the highest)
 *   throughput.png   workload.*.throughput_rps; workload.*.errors / .timeouts on the
 *                    right-hand axis (counts per interval; summed over the workloads when
 *                    there would be more than PLOT_LEGEND_MAX curves, and so are the
 *                    throughputs of more workloads than the legend holds)
 *
 * With events.csv's scaling activities, health changes or faults, both figures get a
 * strip under them marking each (plot_events.c), on the same time axis, and dotted lines
 * through the data at the activities and faults.
 *
 * A figure is drawn when a matching column holds at least one value: gnuplot stops the
 * whole script at a plot without a single valid point.  plot_series_put_figure, which
 * writes a figure of curves, also serves utilization.png and inflight.png
 * (plot_targets.c).  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/xalloc.h"

void plot_series_add(struct plot_figure *fig, int col, double scale, bool y2, const char *name,
                     int name_len, const char *what)
{
    fig->matched++;
    if (!fig->has_data[col - 1])
        return;
    struct plot_curve *c = &fig->c[fig->n++];
    memset(c, 0, sizeof *c);
    c->col = col;
    c->scale = scale;
    c->y2 = y2;
    c->start_s = c->end_s = (double)NAN;
    snprintf(c->title, sizeof c->title, "%.*s%s%s", name_len, name, *what ? " " : "", what);
}

void plot_series_interval_text(char *buf, size_t n, double interval_s)
{
    if (isfinite(interval_s) && interval_s > 0)
        snprintf(buf, n, "per %g s interval", interval_s);
    else
        snprintf(buf, n, "per interval");
}

void plot_series_sum(struct plot_figure *fig, int from, int *cols, const char *title)
{
    if (from >= fig->n)
        return;
    struct plot_curve *c = &fig->c[from];
    for (int i = from; i < fig->n; i++)
        cols[i - from] = fig->c[i].col;
    c->nsum = fig->n - from;
    c->sum = cols;
    c->start_s = c->end_s = (double)NAN;
    snprintf(c->title, sizeof c->title, "%s", title);
    fig->n = from + 1;
}

void plot_series_spread(struct plot_figure *fig, int from, int *cols, const char *title)
{
    if (from >= fig->n)
        return;
    plot_series_sum(fig, from, cols, title);
    fig->c[from].spread = true;
}

/* One of a spread curve's statistics at a row, 'l'owest, 'h'ighest or 'm'ean, scaled: the
 * columns folded in one expression (gnuplot's serial evaluation, `a, b`, yields b). */
static void put_spread(FILE *f, const struct plot_curve *c, char stat)
{
    fputs("(elb_k = 0, elb_s = 0, elb_lo = 1e308, elb_hi = -1e308", f);
    for (int i = 0; i < c->nsum; i++)
        fprintf(f, ", valid(%d) ? (elb_v = column(%d), elb_k = elb_k + 1, elb_s = elb_s + "
                   "elb_v, elb_lo = elb_v < elb_lo ? elb_v : elb_lo, elb_hi = elb_v > elb_hi ? "
                   "elb_v : elb_hi) : 0", c->sum[i], c->sum[i]);
    fprintf(f, ", elb_k > 0 ? %s*%g : NaN)",
            stat == 'l' ? "elb_lo" : stat == 'h' ? "elb_hi" : "elb_s/elb_k", c->scale);
}

bool plot_series_plan(struct plot_plan *plan, const char *png, const struct plot_figure *fig)
{
    if (fig->n) {
        plot_plan_made(plan, png);
        return true;
    }
    plot_plan_skipped(plan, png, fig->matched ? "its columns hold no values"
                                              : "its columns are not in the CSV");
    return false;
}

/* The value of curve c at a row: its column scaled, drawn only for the intervals the
 * target served whole, from coming into service to leaving (a row's interval ends at
 * time_s and began interval_s earlier): a part interval would show as a dip. */
static void put_value(FILE *f, const struct plot_curve *c, double interval_s)
{
    char v[64];
    if (c->nsum > 0) {
        fputc('(', f);
        for (int i = 0; i < c->nsum; i++)
            fprintf(f, "%s(valid(%d) ? column(%d) : 0)", i ? " + " : "", c->sum[i], c->sum[i]);
        fputc(')', f);
        return;
    }
    if (c->scale != 1)
        snprintf(v, sizeof v, "column(%d)*%g", c->col, c->scale);
    else
        snprintf(v, sizeof v, "column(%d)", c->col);
    bool from = isfinite(c->start_s), to = isfinite(c->end_s);
    if (from || to) {
        fputc('(', f);
        if (from)
            fprintf(f, "column(1)-%g >= %.10g%s", interval_s, c->start_s, to ? " && " : "");
        if (to)
            fprintf(f, "column(1) <= %.10g", c->end_s);
        fprintf(f, " ? %s : NaN)", v);
    } else if (c->scale != 1) {
        fprintf(f, "(%s)", v);
    } else {
        fprintf(f, "%d", c->col);
    }
}

void plot_series_put_figure(FILE *f, const struct plot_figure *fig, const struct plot_xaxis *x,
                            double t_last, double interval_s, struct plot_events *ev)
{
    bool strip = ev && ev->nmark > 0;
    bool colours = false; /* datablock curves pair a band with a line: colours by hand */
    for (int i = 0; i < fig->n; i++)
        colours = colours || fig->c[i].block[0] || fig->c[i].spread;
    fprintf(f, "\n# %s\n", fig->png);
    if (strip)
        plot_events_put_blocks(f, ev);
    fprintf(f, "set yrange [%s:*]\n", fig->logy ? "*" : "0");
    if (strip) {
        plot_gp_terminal_size(f, 1200, 860);
        fputs("set output ", f);
        plot_gp_quoted(f, fig->png);
        char xrange[96];
        plot_gp_xrange(xrange, sizeof xrange, t_last, x);
        fprintf(f, "\nset multiplot\n%sset lmargin at screen 0.08\nset rmargin at screen "
                   "0.92\nset origin 0, 0.25\nset size 1, 0.75\nset format x ''\nset xlabel\n",
                xrange);
        plot_events_put_lines(f, ev, x);
    } else {
        fputs("set output ", f);
        plot_gp_quoted(f, fig->png);
        fputs("\nset xlabel ", f);
        plot_gp_quoted(f, x->label);
        fputc('\n', f);
    }
    fputs("set title ", f);
    plot_gp_quoted(f, fig->title);
    fputs("\nset key on\nset ylabel ", f);
    plot_gp_quoted(f, fig->ylabel);
    fputc('\n', f);
    if (fig->logy)
        fprintf(f, "set logscale y\n");
    if (fig->y2label) {
        fprintf(f, "set ytics nomirror\nset y2tics\nset y2range [0:1<*]\nset y2label ");
        plot_gp_quoted(f, fig->y2label);
        fputc('\n', f);
    }
    fprintf(f, "plot ");
    for (int i = 0; i < fig->n; i++) {
        const struct plot_curve *c = &fig->c[i];
        if (i)
            fprintf(f, ", \\\n     ");
        if (c->nsum && c->spread) {
            /* mean, with the min-max band under it, computed in the row's expression */
            plot_gp_using_x(f, "data skip 1", x);
            put_spread(f, c, 'l');
            fputc(':', f);
            put_spread(f, c, 'h');
            fprintf(f, " axes x1%s with filledcurves fs transparent solid 0.2 noborder "
                       "lc %d notitle, \\\n     ", c->y2 ? "y2" : "y1", i + 1);
            plot_gp_using_x(f, "data skip 1", x);
            put_spread(f, c, 'm');
            fprintf(f, " axes x1%s with lines lw 2 lc %d title ", c->y2 ? "y2" : "y1", i + 1);
        } else if (c->block[0]) {
            /* mean, with the min-max band under it */
            plot_gp_using_x(f, c->block, x);
            fprintf(f, "3:4 axes x1%s with filledcurves fs transparent solid 0.2 noborder "
                       "lc %d notitle, \\\n     ", c->y2 ? "y2" : "y1", i + 1);
            plot_gp_using_x(f, c->block, x);
            fprintf(f, "2 axes x1%s with lines lw 2 lc %d title ", c->y2 ? "y2" : "y1", i + 1);
        } else {
            plot_gp_using_x(f, "data skip 1", x);
            put_value(f, c, interval_s);
            fprintf(f, " axes x1%s with lines lw 2 ", c->y2 ? "y2" : "y1");
            if (colours)
                fprintf(f, "lc %d ", i + 1);
            fputs("title ", f);
        }
        plot_gp_quoted(f, c->title);
    }
    fputc('\n', f);
    if (fig->logy)
        fprintf(f, "unset logscale y\n");
    if (fig->y2label)
        fprintf(f, "set ytics mirror\nunset y2tics\nunset y2label\n");
    if (strip) {
        fputs("unset arrow\nset origin 0, 0\nset size 1, 0.25\n", f);
        plot_events_put_strip(f, ev, x);
        fputs("unset multiplot\nset origin 0, 0\nset size 1, 1\nset lmargin\nset rmargin\n"
              "set xrange [*:*]\nset key below\n", f);
        plot_gp_terminal(f, 1);
    }
}

void plot_series_put_latency(FILE *f, const struct plot_wide *h, const struct plot_xaxis *x,
                             struct plot_events *ev, struct plot_plan *plan)
{
    char per[64], title[256];
    plot_series_interval_text(per, sizeof per, plan->interval_s);
    struct plot_figure fig = {.c = xmalloc((size_t)h->ncols * sizeof *fig.c),
                              .has_data = h->has_data};
    const char *name;
    int nl;

    static const char *const pct[][2] = {
        {"latency_p50_s", "p50"}, {"latency_p90_s", "p90"}, {"latency_p99_s", "p99"}};
    bool p99_only = false;
    for (;;) {
        fig.n = fig.matched = 0;
        for (int i = 1; i < h->ncols; i++)
            for (int k = p99_only ? 2 : 0; k < 3; k++)
                if (plot_csv_label_is(h->cols[i], "workload", pct[k][0], &name, &nl))
                    plot_series_add(&fig, i + 1, 1000, false, name, nl, pct[k][1]);
        if (fig.n <= PLOT_LEGEND_MAX || p99_only)
            break;
        p99_only = true;
    }
    /* Even the p99s too many: one curve, their mean over the band of the workloads. */
    int *cols = xmalloc((size_t)h->ncols * sizeof *cols);
    int nwl = fig.n;
    bool spread = fig.n > PLOT_LEGEND_MAX;
    if (spread) {
        char what[160];
        snprintf(what, sizeof what, "p99 of the %d workloads: mean, band from lowest to highest",
                 nwl);
        plot_series_spread(&fig, 0, cols, what);
    }
    if (plot_series_plan(plan, "latency.png", &fig)) {
        if (spread)
            snprintf(title, sizeof title, "Client-observed p99 latency of the %d workloads %s "
                     "(1 request in 100 is slower; their mean over a band from the lowest to "
                     "the highest)", nwl, per);
        else
            snprintf(title, sizeof title,
                     p99_only ? "Client-observed p99 latency of each workload %s (1 request in "
                                "100 is slower; p50 and p90 left out for a readable figure)"
                              : "Client-observed latency percentiles %s (p50 = median; p99 = 1 "
                                "request in 100 is slower)", per);
        fig.png = "latency.png";
        fig.title = title;
        fig.ylabel = "latency (ms, log scale)";
        fig.y2label = NULL;
        fig.logy = true;
        plot_series_put_figure(f, &fig, x, h->t_last, plan->interval_s, ev);
    }
    free(cols);
    free(fig.c);
}

void plot_series_put_throughput(FILE *f, const struct plot_wide *h, const struct plot_xaxis *x,
                                struct plot_events *ev, struct plot_plan *plan)
{
    char per[64], title[256], y2[128];
    plot_series_interval_text(per, sizeof per, plan->interval_s);
    struct plot_figure fig = {.c = xmalloc((size_t)h->ncols * sizeof *fig.c),
                              .has_data = h->has_data};
    const char *name;
    int nl, nwl = 0, nfail = 0;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], "workload", "throughput_rps", &name, &nl))
            plot_series_add(&fig, i + 1, 1, false, name, nl, "completed (req/s)");
        else if (plot_csv_label_is(h->cols[i], "workload", "errors", &name, &nl) ||
                 plot_csv_label_is(h->cols[i], "workload", "timeouts", &name, &nl))
            nfail += h->has_data[i];
    }
    nwl = fig.n;
    bool summed = nwl + nfail > PLOT_LEGEND_MAX;
    /* More workloads than a legend holds beside the failures: their sum. */
    int *sum = xmalloc(2 * (size_t)h->ncols * sizeof *sum);
    if (nwl > PLOT_LEGEND_MAX - 1) {
        char what[160];
        snprintf(what, sizeof what, "completed, summed over the %d workloads (req/s)", nwl);
        plot_series_sum(&fig, 0, sum + h->ncols, what);
        nwl = fig.n;
    }
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], "workload", "errors", &name, &nl))
            plot_series_add(&fig, i + 1, 1, true, name, nl, "errors (right axis)");
        else if (plot_csv_label_is(h->cols[i], "workload", "timeouts", &name, &nl))
            plot_series_add(&fig, i + 1, 1, true, name, nl, "timeouts (right axis)");
    }
    if (summed)
        plot_series_sum(&fig, nwl, sum, "errors + timeouts, all workloads (right axis)");
    bool counts = fig.n > nwl;
    if (plot_series_plan(plan, "throughput.png", &fig)) {
        snprintf(title, sizeof title, "Completed requests per second, errors and timeouts, %s",
                 per);
        snprintf(y2, sizeof y2, "failed requests (count %s)", per);
        fig.png = "throughput.png";
        fig.title = title;
        fig.ylabel = "throughput (requests per second)";
        fig.y2label = counts ? y2 : NULL;
        fig.logy = false;
        plot_series_put_figure(f, &fig, x, h->t_last, plan->interval_s, ev);
    }
    free(sum);
    free(fig.c);
}
