/*
 * heatmap.png: for a sweep with exactly two varied paths, the mean of the front's y metric
 * per pair of values, each cell labelled with its value; the paths' values are categories
 * in the order they first appear.  See plot_impl.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/xalloc.h"

/* Index of s among the distinct values seen so far (appended when new; borrowed). */
static int category(char ***vals, int *n, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp((*vals)[i], s))
            return i;
    *vals = xrealloc(*vals, (size_t)(*n + 1) * sizeof **vals);
    (*vals)[*n] = (char *)s;
    return (*n)++;
}

/* The categories as the axis's tics, at 0, 1, ... */
static void put_tics(FILE *f, const char *axis, char **vals, int n)
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

void plot_heatmap_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan)
{
    if (sw->nf != 2 || sw->nvalid == 0) {
        plot_plan_skipped(plan, "heatmap.png", "a heat map needs exactly two varied paths");
        return;
    }
    char ***cells = sw->cells;
    char **v0 = NULL, **v1 = NULL;
    int n0 = 0, n1 = 0;
    fputs("\n$heat << EOD\n", f);
    for (int p = 0; p < sw->np; p++) {
        const struct plot_sweep_point *pt = &sw->pt[p];
        if (pt->row < 0)
            continue;
        int i = category(&v0, &n0, cells[pt->row][1]);
        int j = category(&v1, &n1, cells[pt->row][2]);
        if (isfinite(pt->y))
            fprintf(f, "%d %d %.10g\n", i, j, pt->y * sw->ys);
    }
    fputs("EOD\n", f);
    plot_plan_made(plan, "heatmap.png");
    char title[512];
    snprintf(title, sizeof title, "Sweep: mean %s over %s and %s", sw->ylabel, cells[0][1],
             cells[0][2]);
    fputs("\n# heatmap.png\nset output 'heatmap.png'\nset title ", f);
    plot_gp_quoted(f, title);
    fputs("\nset xlabel ", f);
    plot_gp_quoted(f, cells[0][1]);
    fputs("\nset ylabel ", f);
    plot_gp_quoted(f, cells[0][2]);
    fputc('\n', f);
    put_tics(f, "x", v0, n0);
    put_tics(f, "y", v1, n1);
    fprintf(f, "set xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\nunset grid\n"
            "set cblabel ", n0 - 1, n1 - 1);
    plot_gp_quoted(f, sw->ylabel);
    fputs("\nset palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n"
          "plot $heat using 1:2:3 with image notitle, \\\n"
          "     $heat using 1:2:(sprintf('%.4g', $3)) with labels notitle\n",
          f);
    free(v0);
    free(v1);
}
