/*
 * The script of a folder written by `elbsim sweep`: sweep.csv read whole, one point per
 * point number with the means of the front's two metrics (rows whose `front` is x or y),
 * then pareto.png (plot_pareto.c) and heatmap.png (plot_heatmap.c).  The data go into the
 * script as datablocks, so it runs on its own.  See plot_impl.h.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* sweep.csv read whole: cells[row][col] (row 0 the header).  Small: points x metrics. */
struct table {
    char ***cells;
    int *ncells;
    int nrows, cap;
    int field;
};

static void tab_field(void *s, size_t len, void *data)
{
    struct table *t = data;
    (void)len;
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->cells = xrealloc(t->cells, (size_t)t->cap * sizeof *t->cells);
        t->ncells = xrealloc(t->ncells, (size_t)t->cap * sizeof *t->ncells);
    }
    if (t->field == 0) {
        t->cells[t->nrows] = NULL;
        t->ncells[t->nrows] = 0;
    }
    int n = t->ncells[t->nrows];
    t->cells[t->nrows] = xrealloc(t->cells[t->nrows], (size_t)(n + 1) * sizeof **t->cells);
    t->cells[t->nrows][n] = xstrdup(s ? s : "");
    t->ncells[t->nrows] = n + 1;
    t->field++;
}

static void tab_record(int c, void *data)
{
    struct table *t = data;
    (void)c;
    if (t->field > 0)
        t->nrows++;
    t->field = 0;
}

static void tab_free(struct table *t)
{
    for (int r = 0; r < t->nrows + (t->field > 0); r++) {
        for (int c = 0; c < t->ncells[r]; c++)
            free(t->cells[r][c]);
        free(t->cells[r]);
    }
    free(t->cells);
    free(t->ncells);
}

/* Not plot_csv_read: this reader has always stopped quietly at a read error and returned
 * PLOT_ERR_IO without a message when the parser cannot be set up. */
static int tab_read(const char *path, struct table *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
        return PLOT_ERR_IO;
    }
    struct csv_parser p;
    int rc = 0;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(f);
        return PLOT_ERR_IO;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, tab_field, tab_record, t) != n) {
            diag_error(NULL, "%s: malformed CSV: %s", path, csv_strerror(csv_error(&p)));
            rc = PLOT_ERR_DATA;
            break;
        }
    if (rc == 0)
        csv_fini(&p, tab_field, tab_record, t);
    csv_free(&p);
    fclose(f);
    return rc;
}

static int tab_col(const struct table *t, const char *name)
{
    for (int c = 0; t->nrows > 0 && c < t->ncells[0]; c++)
        if (!strcmp(t->cells[0][c], name))
            return c;
    return -1;
}

/* The points of t into sw: one per point number (a point with no row keeps row -1), with
 * the x and y means of the rows whose `front` is x or y.  c_*: the columns' indices. */
static void find_points(const struct table *t, int c_metric, int c_mean, int c_lo, int c_hi,
                        int c_front, int c_pareto, struct plot_sweep *sw)
{
    int ncols = t->ncells[0];
    struct plot_sweep_point *pt = sw->pt;
    for (int r = 1; r < t->nrows; r++) {
        char **row = t->cells[r];
        if (t->ncells[r] < ncols)
            continue;
        int p = atoi(row[0]);
        if (p < 0 || p >= t->nrows)
            continue;
        if (p >= sw->np) {
            for (int q = sw->np; q <= p; q++)
                pt[q] = (struct plot_sweep_point){-1, NAN, NAN, NAN, NAN, false};
            sw->np = p + 1;
        }
        pt[p].row = r;
        pt[p].pareto = !strcmp(row[c_pareto], "1");
        double mean = *row[c_mean] ? strtod(row[c_mean], NULL) : (double)NAN;
        if (!strcmp(row[c_front], "x")) {
            pt[p].x = mean;
            sw->xname = row[c_metric];
        } else if (!strcmp(row[c_front], "y")) {
            pt[p].y = mean;
            pt[p].ylo = *row[c_lo] ? strtod(row[c_lo], NULL) : mean;
            pt[p].yhi = *row[c_hi] ? strtod(row[c_hi], NULL) : mean;
            sw->yname = row[c_metric];
        }
    }
    for (int p = 0; p < sw->np; p++)
        sw->nvalid += pt[p].row >= 0 && isfinite(pt[p].x) && isfinite(pt[p].y);
}

/* y's scale and label: latency in ms when below a second, as in the run's plots. */
static void y_unit(struct plot_sweep *sw)
{
    double ymax = 0;
    sw->ys = 1;
    for (int p = 0; p < sw->np; p++)
        if (isfinite(sw->pt[p].y) && sw->pt[p].y > ymax)
            ymax = sw->pt[p].y;
    size_t yl = strlen(sw->yname);
    bool secs = yl > 2 && !strcmp(sw->yname + yl - 2, "_s");
    if (secs && ymax < 1)
        sw->ys = 1000;
    snprintf(sw->ylabel, sizeof sw->ylabel, "%s%s", sw->yname,
             secs ? (sw->ys == 1000 ? " (ms)" : " (s)") : "");
}

int plot_sweep_write(const char *dir, struct plot_plan *plan)
{
    char *csv = text_join_path(dir, PLOT_SWEEP_CSV);
    char *path = text_join_path(dir, PLOT_SCRIPT_NAME);
    struct table t;
    int rc = tab_read(csv, &t);
    int c_metric = tab_col(&t, "metric"), c_mean = tab_col(&t, "mean"),
        c_lo = tab_col(&t, "ci_low"), c_hi = tab_col(&t, "ci_high"),
        c_front = tab_col(&t, "front"), c_pareto = tab_col(&t, "pareto"),
        c_point = tab_col(&t, "point");
    if (rc == 0 && (c_point != 0 || c_metric < 1 || c_mean < 0 || c_front < 0 || c_pareto < 0 ||
                    c_lo < 0 || c_hi < 0)) {
        diag_error(NULL, "%s: expected the header of `elbsim sweep` (point,<paths>,metric,reps,"
                   "mean,...,front,pareto,meets_slo)", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc == 0 && t.nrows < 2) {
        diag_error(NULL, "%s: no data rows", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc)
        goto out_table;
    struct plot_sweep sw = {t.cells, xcalloc((size_t)t.nrows, sizeof *sw.pt), 0, 0,
                            c_metric - 1, "x", "y", 1, ""};
    find_points(&t, c_metric, c_mean, c_lo, c_hi, c_front, c_pareto, &sw);
    y_unit(&sw);

    struct plot_gp gp;
    if ((rc = plot_gp_open(&gp, path)) != 0)
        goto out_points;
    fputs("# elbsim plots of a sweep, written by `elbsim plot` from " PLOT_SWEEP_CSV ".\n"
          "# Rerun by hand from this folder with: gnuplot " PLOT_SCRIPT_NAME "\n",
          gp.f);
    plot_gp_terminal(gp.f, 1);
    fputs("set grid\nset key below\n", gp.f);
    plot_pareto_put(gp.f, &sw, plan);
    plot_heatmap_put(gp.f, &sw, plan);
    rc = plot_gp_commit(&gp);
out_points:
    free(sw.pt);
out_table:
    tab_free(&t);
    free(csv);
    free(path);
    return rc;
}
