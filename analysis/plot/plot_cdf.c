/*
 * latency_cdf.png, from latency.csv (`scope,name,quantile,latency_s`, written by
 * `elbsim run`): the distribution of the client-observed latency after the warm-up, one
 * curve per workload and, with several workloads, one for all of them together.
 *
 * Two panels side by side, latency in ms on a log scale on both: on the left the CDF
 * (the share of requests answered within x, in %), on the right its tail on a scale of
 * "nines" (y = -log10(1 - q): 90 %, 99 %, 99.9 %, 99.99 % evenly spaced), where the
 * percentiles an SLO names can be read; the minimum and maximum (quantiles 0 and 1) are
 * left out there.  Dotted lines mark p50, p90, p99 and p99.9 on the left.  With more
 * workloads than a legend holds, only all of them together is drawn.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"

int plot_cdf_read(const char *dir, struct plot_table *t)
{
    char *path = text_join_path(dir, PLOT_LATENCY_CSV);
    int rc = plot_csv_table_read(path, true, t);
    if (rc == 0 && (plot_csv_table_col(t, "scope") != 0 || plot_csv_table_col(t, "name") != 1 ||
                    plot_csv_table_col(t, "quantile") != 2 ||
                    plot_csv_table_col(t, "latency_s") != 3)) {
        diag_error(NULL, "%s: expected a header `scope,name,quantile,latency_s`", path);
        rc = PLOT_ERR_DATA;
    }
    free(path);
    return rc == PLOT_CSV_ABSENT ? 0 : rc;
}

/* Rows [*from, *to) of the next curve after row `after` (same scope and name). */
static bool next_curve(const struct plot_table *t, int after, int *from, int *to)
{
    int r = after;
    if (r >= t->nrows)
        return false;
    *from = r;
    while (r < t->nrows && !strcmp(t->cells[r][0], t->cells[*from][0]) &&
           !strcmp(t->cells[r][1], t->cells[*from][1]))
        r++;
    *to = r;
    return true;
}

void plot_cdf_put(FILE *f, const struct plot_table *t, struct plot_plan *plan)
{
    if (t->nrows < 2) {
        if (t->cells)
            plot_plan_skipped(plan, PLOT_CDF_PNG, "latency.csv holds no rows");
        return;
    }
    int nwl = 0, from, to;
    for (int r = 1; next_curve(t, r, &from, &to); r = to)
        nwl += !strcmp(t->cells[from][0], "workload");
    bool only_run = nwl > PLOT_LEGEND_MAX - 1;
    plot_plan_made(plan, PLOT_CDF_PNG);
    fprintf(f, "\n# %s\n", PLOT_CDF_PNG);
    /* per curve a datablock "latency_ms,quantile,nines" */
    int k = 0;
    for (int r = 1; next_curve(t, r, &from, &to); r = to) {
        bool run = !strcmp(t->cells[from][0], "run");
        if (run ? !only_run && nwl == 1 : only_run)
            continue; /* one workload is the run; too many leave the run alone */
        fprintf(f, "$cdf_%d << EOD\n", ++k);
        for (int i = from; i < to; i++) {
            double q = plot_csv_table_num(t, i, 2), v = plot_csv_table_num(t, i, 3);
            if (!isfinite(q) || !isfinite(v) || v <= 0)
                continue;
            if (q > 0 && q < 1)
                fprintf(f, "%.10g,%.10g,%.10g\n", v * 1000, q * 100, -log10(1 - q));
            else
                fprintf(f, "%.10g,%.10g,NaN\n", v * 1000, q * 100);
        }
        fputs("EOD\n", f);
    }
    plot_gp_terminal_size(f, 1200, 700);
    fprintf(f, "set output '%s'\nset multiplot layout 1,2 title ", PLOT_CDF_PNG);
    plot_gp_quoted(f, "Client-observed latency after the warm-up: the share of requests "
                      "answered within a time (left) and its tail (right)");
    fputs("\nset logscale x\nset xlabel 'latency (ms, log scale)'\nset key inside bottom right\n"
          "set format x '%g'\n", f);
    /* left: the CDF, with the usual percentiles dotted */
    fputs("set title 'CDF'\nset ylabel 'requests answered within x (%)'\nset yrange [0:100]\n"
          "set ytics 10\n", f);
    static const double pct[] = {50, 90, 99, 99.9};
    for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++)
        fprintf(f, "set arrow %zu from graph 0, first %g to graph 1, first %g nohead dt 3 "
                   "lc rgb 'gray50' back\n", i + 1, pct[i], pct[i]);
    const char *sep = "plot ";
    k = 0;
    for (int r = 1; next_curve(t, r, &from, &to); r = to) {
        bool run = !strcmp(t->cells[from][0], "run");
        if (run ? !only_run && nwl == 1 : only_run)
            continue; /* one workload is the run; too many leave the run alone */
        char title[200];
        snprintf(title, sizeof title, "%s", run ? "all workloads" : t->cells[from][1]);
        k++;
        fprintf(f, "%s$cdf_%d using 1:2 with lines lw 2 lc %d title ", sep, k, k);
        plot_gp_quoted(f, title);
        sep = ", \\\n     ";
    }
    /* right: the tail on a scale of nines */
    fputs("\nunset arrow\nset title 'tail (y: 90 %, 99 %, ... evenly spaced)'\n"
          "set ylabel 'requests answered within x (%, scale of nines)'\nset yrange [0:4.3]\n"
          "set ytics ('0' 0, '90' 1, '99' 2, '99.9' 3, '99.99' 4)\nset key inside top left\n", f);
    sep = "plot ";
    k = 0;
    for (int r = 1; next_curve(t, r, &from, &to); r = to) {
        bool run = !strcmp(t->cells[from][0], "run");
        if (run ? !only_run && nwl == 1 : only_run)
            continue; /* one workload is the run; too many leave the run alone */
        k++;
        fprintf(f, "%s$cdf_%d using 1:3 with lines lw 2 lc %d notitle", sep, k, k);
        sep = ", \\\n     ";
    }
    fputs("\nunset multiplot\nunset logscale x\nset format x '%g'\nset yrange [*:*]\n"
          "set ytics autofreq\nset key below\nset title\n", f);
}
