/*
 * pareto.png: each point of a sweep at the means of the front's two metrics (rows whose
 * `front` is x or y), with both confidence intervals, in the units the tables show ($ for
 * cost, ms for latency); the points that break an SLO (meets_slo 0) ringed in red; the
 * Pareto front (both minimised) joined and each of its points labelled with its values.
 * Needs a front (sweep.csv has none when the cost is the same at every point) and a point
 * with values of both.  Labels are `set label` commands, so any value is safe to show.
 * See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/plot/plot_impl.h"
#include "sim/xalloc.h"

/* Front points by x; ties by point number, so the line is the same for the same file. */
struct front_pt {
    double x, y;
    int p;
};

static int by_x(const void *a, const void *b)
{
    const struct front_pt *u = a, *v = b;
    if (u->x != v->x)
        return u->x < v->x ? -1 : 1;
    return (u->p > v->p) - (u->p < v->p);
}

/* The label of a point: its values of the varied paths, "6, round_robin". */
static void put_label_text(FILE *f, const struct plot_sweep *sw, int p)
{
    char buf[1024];
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < sw->nf && used < sizeof buf; k++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", k ? ", " : "",
                                 plot_sweep_value(sw, p, k));
    plot_gp_dquoted(f, buf);
}

/* The points meeting the SLOs (or without SLOs), broken == false, or breaking one, as a
 * datablock "x y xlo xhi ylo yhi"; the number of rows. */
static int put_points(FILE *f, const struct plot_sweep *sw, const char *block, bool broken)
{
    int n = 0;
    for (int p = 0; p < sw->np; p++) {
        const struct plot_est *x = plot_sweep_est(sw, p, sw->fx);
        const struct plot_est *y = plot_sweep_est(sw, p, sw->fy);
        if (sw->row[p] < 0 || !isfinite(x->mean) || !isfinite(y->mean) ||
            (sw->meets[p] == 0) != broken)
            continue;
        if (n++ == 0)
            fprintf(f, "%s << EOD\n", block);
        fprintf(f, "%.10g %.10g %.10g %.10g %.10g %.10g\n", x->mean, y->mean, x->lo, x->hi,
                y->lo, y->hi);
    }
    if (n)
        fputs("EOD\n", f);
    return n;
}

void plot_pareto_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan)
{
    if (sw->fx < 0 || sw->fy < 0) {
        plot_plan_skipped(plan, "pareto.png", "sweep.csv marks no front (the cost is the "
                                              "same at every point)");
        return;
    }
    struct front_pt *front = xmalloc((size_t)(sw->np + 1) * sizeof *front);
    int nfront = 0;
    for (int p = 0; p < sw->np; p++) {
        const struct plot_est *x = plot_sweep_est(sw, p, sw->fx);
        const struct plot_est *y = plot_sweep_est(sw, p, sw->fy);
        if (sw->row[p] >= 0 && sw->pareto[p] && isfinite(x->mean) && isfinite(y->mean))
            front[nfront++] = (struct front_pt){x->mean, y->mean, p};
    }
    fputs("\n# pareto.png\n", f);
    int nok = put_points(f, sw, "$points", false), nbroken = put_points(f, sw, "$broken", true);
    if (nok + nbroken == 0) {
        plot_plan_skipped(plan, "pareto.png", "no point has values of both front metrics");
        free(front);
        return;
    }
    plot_plan_made(plan, "pareto.png");
    qsort(front, (size_t)nfront, sizeof *front, by_x);
    if (nfront) {
        fputs("$front << EOD\n", f);
        for (int i = 0; i < nfront; i++)
            fprintf(f, "%.10g %.10g\n", front[i].x, front[i].y);
        fputs("EOD\n", f);
    }
    const struct plot_metric *mx = &sw->m[sw->fx], *my = &sw->m[sw->fy];
    char title[512];
    snprintf(title, sizeof title, "Sweep: %s against %s (mean and confidence intervals per "
             "point; line: the Pareto front, both minimised, labelled with its values)",
             my->name, mx->name);
    fputs("set output 'pareto.png'\nset title ", f);
    plot_gp_quoted(f, title);
    fputs("\nset xlabel ", f);
    plot_gp_quoted(f, mx->label);
    fputs("\nset ylabel ", f);
    plot_gp_quoted(f, my->label);
    /* Room on the right and at the top for the labels (a log axis ends a decade above).
     * Beyond three points on the front the labels slant up: level, the labels of points
     * close in x overlap. */
    bool logx = plot_sweep_wide(sw, sw->fx), logy = plot_sweep_wide(sw, sw->fy);
    bool slant = nfront > 3;
    fprintf(f, "\nset offsets graph 0.05, graph 0.2, %s, 0\n",
            logy ? "0" : slant ? "graph 0.3" : "graph 0.08");
    if (logx || logy)
        fprintf(f, "set logscale %s%s\n", logx ? "x" : "", logy ? "y" : "");
    for (int i = 0; i < nfront; i++) {
        fprintf(f, "set label %d ", i + 1);
        put_label_text(f, sw, front[i].p);
        fprintf(f, " at %.10g, %.10g left %soffset 0.8, 0.8 font ',9' front\n", front[i].x,
                front[i].y, slant ? "rotate by 30 " : "");
    }
    const char *sep = "plot ";
    if (nok) {
        fprintf(f, "%s$points using 1:2:3:4:5:6 with xyerrorbars pt 7 ps 1 lc rgb 'gray40' "
                   "title 'point (mean, intervals)'", sep);
        sep = ", \\\n     ";
    }
    if (nbroken) {
        fprintf(f, "%s$broken using 1:2:3:4:5:6 with xyerrorbars pt 7 ps 1 lc rgb 'gray40' "
                   "notitle, \\\n     $broken using 1:2 with points pt 6 ps 2.5 lw 2 "
                   "lc rgb '#d7191c' title 'breaks an SLO'", sep);
        sep = ", \\\n     ";
    }
    if (nfront)
        fprintf(f, "%s$front using 1:2 with linespoints lw 2 pt 7 ps 1.5 lc rgb '#2c7bb6' "
                   "title 'Pareto front'", sep);
    fputs("\n", f);
    if (nfront)
        fputs("unset label\n", f);
    fputs("set offsets\n", f);
    if (logx || logy)
        fputs("unset logscale\n", f);
    free(front);
}
