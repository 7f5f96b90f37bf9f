/*
 * heatmap.png: for a sweep with exactly two varied paths, a metric's mean per pair of
 * values as a coloured cell labelled with the mean and its confidence interval, "SLO
 * broken" added where the point breaks one.  The metric is the front's y (the latency the
 * front trades against cost), else latency_p99_s, else the first metric with a value, so a
 * sweep without a front still gets its heat map.  The paths' values are categories in the
 * order they first appear; cells are boxes, so a missing pair leaves a gap.  See
 * plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/xalloc.h"

/* Index of s among the distinct values seen so far (appended when new; borrowed). */
static int category(const char **vals, int *n, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(vals[i], s))
            return i;
    vals[*n] = s;
    return (*n)++;
}

/* The categories as the axis's tics, at 0, 1, ... */
static void put_tics(FILE *f, const char *axis, const char **vals, int n)
{
    fprintf(f, "set %stics (", axis);
    for (int i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        plot_gp_quoted(f, vals[i]);
        fprintf(f, " %d", i);
    }
    fputs(")\n", f);
}

/* The metric drawn (see the top of the file); -1 when none has a value. */
static int heat_metric(const struct plot_sweep *sw)
{
    int first = -1, p99 = -1;
    for (int k = 0; k < sw->nm; k++) {
        bool any = false;
        for (int p = 0; p < sw->np && !any; p++)
            any = sw->row[p] >= 0 && isfinite(plot_sweep_est(sw, p, k)->mean);
        if (!any)
            continue;
        if (k == sw->fy)
            return k;
        const char *dot = strrchr(sw->m[k].name, '.');
        if (p99 < 0 && !strcmp(dot ? dot + 1 : sw->m[k].name, "latency_p99_s"))
            p99 = k;
        if (first < 0)
            first = k;
    }
    return p99 >= 0 ? p99 : first;
}

void plot_heatmap_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan)
{
    if (sw->nf != 2) {
        plot_plan_skipped(plan, "heatmap.png", "a heat map needs exactly two varied paths");
        return;
    }
    int k = heat_metric(sw);
    if (k < 0) {
        plot_plan_skipped(plan, "heatmap.png", "no metric of sweep.csv has a value");
        return;
    }
    plot_plan_made(plan, "heatmap.png");
    const struct plot_metric *m = &sw->m[k];
    const char **v0 = xmalloc((size_t)(sw->np + 1) * sizeof *v0);
    const char **v1 = xmalloc((size_t)(sw->np + 1) * sizeof *v1);
    int n0 = 0, n1 = 0, nlabels = 0;
    fputs("\n# heatmap.png\n$heat << EOD\n", f);
    for (int p = 0; p < sw->np; p++) {
        if (sw->row[p] < 0)
            continue;
        int i = category(v0, &n0, plot_sweep_value(sw, p, 0));
        int j = category(v1, &n1, plot_sweep_value(sw, p, 1));
        const struct plot_est *e = plot_sweep_est(sw, p, k);
        if (isfinite(e->mean))
            fprintf(f, "%d %d %.10g\n", i, j, e->mean);
    }
    fputs("EOD\n", f);
    char title[512];
    snprintf(title, sizeof title, "Sweep: %s per pair of values (cell: mean and [confidence "
             "interval])", m->label);
    fputs("set output 'heatmap.png'\nset title ", f);
    plot_gp_quoted(f, title);
    fputs("\nset xlabel ", f);
    plot_gp_quoted(f, sw->t->cells[0][1]);
    fputs("\nset ylabel ", f);
    plot_gp_quoted(f, sw->t->cells[0][2]);
    fputc('\n', f);
    put_tics(f, "x", v0, n0);
    put_tics(f, "y", v1, n1);
    for (int p = 0; p < sw->np; p++) {
        const struct plot_est *e = plot_sweep_est(sw, p, k);
        if (sw->row[p] < 0 || !isfinite(e->mean))
            continue;
        char text[160], a[32], b[32], c[32];
        plot_num(a, sizeof a, e->mean);
        plot_num(b, sizeof b, e->lo);
        plot_num(c, sizeof c, e->hi);
        int used = snprintf(text, sizeof text, "%s", a);
        if (e->lo != e->mean || e->hi != e->mean)
            used += snprintf(text + used, sizeof text - (size_t)used, "\n[%s, %s]", b, c);
        if (sw->meets[p] == 0)
            snprintf(text + used, sizeof text - (size_t)used, "\nSLO broken");
        fprintf(f, "set label %d ", ++nlabels);
        plot_gp_dquoted(f, text);
        fprintf(f, " at %d, %d center font ',9' front\n",
                category(v0, &n0, plot_sweep_value(sw, p, 0)),
                category(v1, &n1, plot_sweep_value(sw, p, 1)));
    }
    fprintf(f, "set xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\nunset grid\nset cblabel ",
            n0 - 1, n1 - 1);
    plot_gp_quoted(f, m->label);
    bool logcb = plot_sweep_wide(sw, k);
    if (logcb)
        fputs("\nset logscale cb", f);
    fputs("\nset palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n"
          "plot $heat using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder "
          "fc palette notitle\n"
          "unset label\nset grid\nset xtics autofreq\nset ytics autofreq\n"
          "set xrange [*:*]\nset yrange [*:*]\nunset cblabel\n",
          f);
    if (logcb)
        fputs("unset logscale cb\n", f);
    free(v0);
    free(v1);
}
