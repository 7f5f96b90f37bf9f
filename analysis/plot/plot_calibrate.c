/*
 * The script of a folder written by `elbsim calibrate`: qq.csv (p, observed_s, then one
 * column per fitted distribution: the model's quantile at p).
 *
 *   qq.png   quantile-quantile plot: the sample's quantiles (x) against each fit's (y), in
 *            ms on log scales, one colour per fit, with the line y = x where a perfect fit
 *            lies; the points above p = 0.99 are the tail an SLO on p99 depends on
 *
 * See plot_impl.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"

int plot_calibrate_write(const char *dir, struct plot_plan *plan)
{
    plan->source = PLOT_QQ_CSV;
    char *csv = text_join_path(dir, PLOT_QQ_CSV), *path = text_join_path(dir, PLOT_SCRIPT_NAME);
    struct plot_table t;
    int rc = plot_csv_table_read(csv, false, &t);
    if (rc == 0 && (t.ncols < 3 || plot_csv_table_col(&t, "p") != 0 ||
                    plot_csv_table_col(&t, "observed_s") != 1)) {
        diag_error(NULL, "%s: expected the header of `elbsim calibrate` (p,observed_s,"
                   "<fit>_s,...)", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc == 0 && t.nrows < 2) {
        diag_error(NULL, "%s: no data rows", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc)
        goto out;
    struct plot_gp gp;
    if ((rc = plot_gp_open(&gp, path)) != 0)
        goto out;
    FILE *f = gp.f;
    fputs("# elbsim QQ plot of a calibration, written by `elbsim calibrate` from " PLOT_QQ_CSV
          ".\n# Rerun by hand from this folder with: gnuplot " PLOT_SCRIPT_NAME "\n"
          "set datafile separator comma\n", f);
    plot_gp_terminal_size(f, 900, 800);
    plot_plan_made(plan, PLOT_QQ_PNG);
    double lo = (double)INFINITY, hi = 0;
    fputs("$qq << EOD\n", f);
    for (int r = 1; r < t.nrows; r++) {
        for (int c = 1; c < t.ncols; c++) {
            double v = plot_csv_table_num(&t, r, c) * 1000;
            fprintf(f, "%s%.10g", c > 1 ? "," : "", isfinite(v) && v > 0 ? v : (double)NAN);
            if (isfinite(v) && v > 0) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
        fputc('\n', f);
    }
    fputs("EOD\n", f);
    fprintf(f, "set output '%s'\n", PLOT_QQ_PNG);
    fputs("set title 'Target processing time: sample quantiles against each fit'\n"
          "set xlabel 'observed quantile (ms)'\nset ylabel 'fitted quantile (ms)'\n"
          "set logscale xy\nset grid\nset key top left\n", f);
    if (hi > lo)
        fprintf(f, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", lo / 1.2, hi * 1.2,
                lo / 1.2, hi * 1.2);
    fputs("plot x title 'y = x (a perfect fit)' with lines dashtype 2 linecolor 'gray40'", f);
    static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    for (int c = 2; c < t.ncols; c++) {
        char name[64];
        const char *h = t.cells[0][c];
        size_t len = strlen(h);
        snprintf(name, sizeof name, "%.*s", (int)(len > 2 && !strcmp(h + len - 2, "_s") ? len - 2 : len), h);
        fprintf(f, ", \\\n     $qq using 1:%d title ", c);
        plot_gp_quoted(f, name);
        fprintf(f, " with points pointtype 7 pointsize 0.6 linecolor '%s'", colours[(c - 2) % 4]);
    }
    fputs("\nunset logscale\nunset xrange\nunset yrange\n", f);
    rc = plot_gp_finish(&gp, plan);
out:
    plot_csv_table_free(&t);
    free(csv);
    free(path);
    return rc;
}
