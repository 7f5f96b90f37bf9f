/*
 * pareto.png: each point of a sweep, the mean of the front's y metric (with its confidence
 * interval) against its x metric (cost), and the Pareto front (both minimised) drawn and
 * labelled with the points' values.  Needs a point with values of both metrics.
 * See plot_impl.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/plot/plot_impl.h"
#include "sim/xalloc.h"

/* Front points by x; ties by row, so the line is the same for the same sweep.csv. */
static int by_x(const void *a, const void *b)
{
    const struct plot_sweep_point *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->row > q->row) - (p->row < q->row);
}

/* The label of a point: its values of the varied paths, "4, round_robin". */
static void put_label(FILE *f, const struct plot_sweep *sw, int row)
{
    for (int k = 0; k < sw->nf; k++)
        fprintf(f, "%s%s", k ? ", " : "", sw->cells[row][1 + k]);
}

void plot_pareto_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan)
{
    /* The points (x, y, ylo, yhi, label), and the front sorted by x (x, y, label). */
    const struct plot_sweep_point *pt = sw->pt;
    struct plot_sweep_point *front = xmalloc((size_t)(sw->np ? sw->np : 1) * sizeof *front);
    int nfront = 0;
    fputs("$points << EOD\n", f);
    for (int p = 0; p < sw->np; p++) {
        if (pt[p].row < 0 || !isfinite(pt[p].x) || !isfinite(pt[p].y))
            continue;
        fprintf(f, "%.10g %.10g %.10g %.10g \"", pt[p].x, pt[p].y * sw->ys,
                pt[p].ylo * sw->ys, pt[p].yhi * sw->ys);
        put_label(f, sw, pt[p].row);
        fputs("\"\n", f);
        if (pt[p].pareto)
            front[nfront++] = pt[p];
    }
    fputs("EOD\n$front << EOD\n", f);
    qsort(front, (size_t)nfront, sizeof *front, by_x);
    for (int i = 0; i < nfront; i++) {
        fprintf(f, "%.10g %.10g \"", front[i].x, front[i].y * sw->ys);
        put_label(f, sw, front[i].row);
        fputs("\"\n", f);
    }
    fputs("EOD\n", f);
    free(front);
    if (sw->nvalid == 0) {
        plot_plan_skipped(plan, "pareto.png", "no point has values of both front metrics");
        return;
    }
    plot_plan_made(plan, "pareto.png");
    char title[512];
    snprintf(title, sizeof title, "Sweep: %s against %s (mean and confidence interval per "
             "point; line: the Pareto front, both minimised)", sw->yname, sw->xname);
    fputs("\n# pareto.png\nset output 'pareto.png'\nset title ", f);
    plot_gp_quoted(f, title);
    fputs("\nset xlabel ", f);
    plot_gp_quoted(f, sw->xname);
    fputs("\nset ylabel ", f);
    plot_gp_quoted(f, sw->ylabel);
    fputs("\nplot $points using 1:2:3:4 with yerrorbars pt 7 ps 1 lc rgb 'gray50' "
          "title 'point (mean, CI)', \\\n"
          "     $front using 1:2 with linespoints lw 2 pt 7 ps 1.5 lc rgb 'red' "
          "title 'Pareto front', \\\n"
          "     $front using 1:2:3 with labels offset 1,1 left font ',9' notitle\n",
          f);
}
