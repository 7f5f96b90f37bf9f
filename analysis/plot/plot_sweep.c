/*
 * The script of a folder written by `elbsim sweep`: sweep.csv read whole (one row per point
 * and metric: point, the varied paths' values, metric, unit, reps, mean, sd, ci_low,
 * ci_high, interval, front, pareto, meets_slo), each point's estimate of each metric in
 * the unit the tables show, then sweep.png (plot_sweepline.c), pareto.png (plot_pareto.c)
 * and heatmap.png (plot_heatmap.c).  The data go into the script as datablocks and labels,
 * so it runs on its own.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

const struct plot_est *plot_sweep_est(const struct plot_sweep *sw, int p, int k)
{
    return &sw->v[(size_t)p * (size_t)sw->nm + (size_t)k];
}

const char *plot_sweep_value(const struct plot_sweep *sw, int p, int f)
{
    return sw->t->cells[sw->row[p]][1 + f];
}

bool plot_sweep_wide(const struct plot_sweep *sw, int k)
{
    double lo = (double)INFINITY, hi = 0;
    for (int p = 0; p < sw->np; p++) {
        const struct plot_est *e = plot_sweep_est(sw, p, k);
        if (sw->row[p] < 0 || !isfinite(e->mean))
            continue;
        if (!(e->lo > 0))
            return false;
        lo = e->lo < lo ? e->lo : lo;
        hi = e->hi > hi ? e->hi : hi;
    }
    return hi >= 100 * lo;
}

void plot_num(char *buf, size_t n, double v)
{
    double a = fabs(v);
    snprintf(buf, n, a >= 1e4 && a < 1e9 ? "%.0f" : "%.4g", v);
}

/* The point number in s: a whole number below limit, else -1. */
static int point_number(const char *s, int limit)
{
    char *end;
    long p = strtol(s, &end, 10);
    return *s && !*end && p >= 0 && p < limit ? (int)p : -1;
}

/* The metric index of name, added when new. */
static int metric_index(struct plot_sweep *sw, const char *name)
{
    for (int k = 0; k < sw->nm; k++)
        if (!strcmp(sw->m[k].name, name))
            return k;
    plot_metric_init(&sw->m[sw->nm], name);
    return sw->nm++;
}

/* Fill sw from t (whose header has been checked).  Points without a row keep row -1;
 * a point's first row gives its values, meets_slo and pareto. */
static void sweep_build(struct plot_sweep *sw, const struct plot_table *t, int c_metric,
                        int c_mean, int c_lo, int c_hi, int c_front, int c_pareto, int c_meets)
{
    int nrows = t->nrows;
    sw->t = t;
    sw->nf = c_metric - 1;
    sw->fname = xcalloc((size_t)sw->nf + 1, sizeof *sw->fname);
    for (int f = 0; f < sw->nf; f++) {
        const char *dot = strrchr(t->cells[0][1 + f], '.');
        sw->fname[f] = dot && dot[1] ? dot + 1 : t->cells[0][1 + f];
    }
    sw->np = 0;
    for (int r = 1; r < nrows; r++) {
        int p = point_number(t->cells[r][0], nrows);
        if (p >= sw->np)
            sw->np = p + 1;
    }
    sw->row = xmalloc((size_t)(sw->np + 1) * sizeof *sw->row);
    sw->meets = xmalloc((size_t)(sw->np + 1) * sizeof *sw->meets);
    sw->pareto = xcalloc((size_t)sw->np + 1, sizeof *sw->pareto);
    for (int p = 0; p < sw->np; p++)
        sw->row[p] = sw->meets[p] = -1;
    sw->m = xcalloc((size_t)nrows, sizeof *sw->m);
    sw->nm = 0;
    sw->fx = sw->fy = -1;
    for (int r = 1; r < nrows; r++)
        metric_index(sw, t->cells[r][c_metric]);
    sw->v = xmalloc(((size_t)sw->np * (size_t)sw->nm + 1) * sizeof *sw->v);
    for (size_t i = 0; i < (size_t)sw->np * (size_t)sw->nm; i++)
        sw->v[i] = (struct plot_est){(double)NAN, (double)NAN, (double)NAN};
    for (int r = 1; r < nrows; r++) {
        char **row = t->cells[r];
        int p = point_number(row[0], nrows);
        if (p < 0)
            continue;
        if (sw->row[p] < 0) {
            sw->row[p] = r;
            sw->pareto[p] = c_pareto >= 0 && !strcmp(row[c_pareto], "1");
            if (c_meets >= 0 && (!strcmp(row[c_meets], "1") || !strcmp(row[c_meets], "0")))
                sw->meets[p] = row[c_meets][0] == '1';
        }
        int k = metric_index(sw, row[c_metric]);
        const struct plot_metric *m = &sw->m[k];
        double mean = plot_csv_table_num(t, r, c_mean), lo = plot_csv_table_num(t, r, c_lo),
               hi = plot_csv_table_num(t, r, c_hi);
        struct plot_est *e = &sw->v[(size_t)p * (size_t)sw->nm + (size_t)k];
        e->mean = mean * m->scale;
        e->lo = (isfinite(lo) ? lo : mean) * m->scale;
        e->hi = (isfinite(hi) ? hi : mean) * m->scale;
        if (c_front >= 0 && !strcmp(row[c_front], "x"))
            sw->fx = k;
        else if (c_front >= 0 && !strcmp(row[c_front], "y"))
            sw->fy = k;
    }
}

static void sweep_free(struct plot_sweep *sw)
{
    free(sw->fname);
    free(sw->row);
    free(sw->meets);
    free(sw->pareto);
    free(sw->m);
    free(sw->v);
}

int plot_sweep_write(const char *dir, struct plot_plan *plan)
{
    char *csv = text_join_path(dir, PLOT_SWEEP_CSV);
    char *path = text_join_path(dir, PLOT_SCRIPT_NAME);
    plan->source = PLOT_SWEEP_CSV;
    struct plot_table t;
    int rc = plot_csv_table_read(csv, false, &t);
    int c_metric = plot_csv_table_col(&t, "metric"), c_mean = plot_csv_table_col(&t, "mean"),
        c_lo = plot_csv_table_col(&t, "ci_low"), c_hi = plot_csv_table_col(&t, "ci_high");
    if (rc == 0 && (plot_csv_table_col(&t, "point") != 0 || c_metric < 1 || c_mean < 0 ||
                    c_lo < 0 || c_hi < 0)) {
        diag_error(NULL, "%s: expected the header of `elbsim sweep` (point,<paths>,metric,"
                   "unit,reps,mean,sd,ci_low,ci_high,...)", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc == 0 && t.nrows < 2) {
        diag_error(NULL, "%s: no data rows", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc)
        goto out_table;
    struct plot_sweep sw;
    sweep_build(&sw, &t, c_metric, c_mean, c_lo, c_hi, plot_csv_table_col(&t, "front"),
                plot_csv_table_col(&t, "pareto"), plot_csv_table_col(&t, "meets_slo"));

    struct plot_gp gp;
    if ((rc = plot_gp_open(&gp, path)) != 0)
        goto out_sweep;
    fputs("# elbsim plots of a sweep, written by `elbsim plot` from " PLOT_SWEEP_CSV ".\n"
          "# Rerun by hand from this folder with: gnuplot " PLOT_SCRIPT_NAME "\n",
          gp.f);
    plot_gp_terminal(gp.f, 1);
    fputs("set grid\nset key below\n", gp.f);
    plot_sweepline_put(gp.f, &sw, plan);
    plot_pareto_put(gp.f, &sw, plan);
    plot_heatmap_put(gp.f, &sw, plan);
    rc = plot_gp_finish(&gp, plan);
out_sweep:
    sweep_free(&sw);
out_table:
    plot_csv_table_free(&t);
    free(csv);
    free(path);
    return rc;
}
