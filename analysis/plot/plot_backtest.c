/*
 * The script of a folder written by `elbsim forecast`: forecast.csv (one row per hour of
 * the history and of the 48 h after it: time_s, forecast_load, forecast_capacity,
 * actual_load, actual_capacity) and backtest.csv (one row per method and the noise floor:
 * method, mape_pct, bias_pct, under_hours, under_cap_hours, hours, origins).
 *
 *   forecast.png   above, the load each hour against the forecast in force when it began
 *                  (of the one method backtest.csv names, else holt_winters, as `elbsim
 *                  forecast` writes it), the hours after the history shaded; below, when
 *                  --target-per-instance filled them, the capacity the forecast asked for
 *                  against what the actual load needed (steps)
 *   backtest.png   one panel per error, a bar per method: MAPE (the noise floor, the error
 *                  of a perfect forecast, dashed), bias, and the share of hours the
 *                  forecast load (and capacity, when there) fell short; the method with the
 *                  lowest MAPE in blue
 *
 * forecast.csv is referred to by file name and column number; the methods' names are tic
 * strings.  See plot_impl.h.
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

#define HOUR_S 3600.0
#define DAY_S 86400.0
#define FLOOR_PREFIX "noise floor" /* backtest.csv's row of the perfect forecast */

static const char *const fc_cols[] = {"time_s", "forecast_load", "forecast_capacity",
                                      "actual_load", "actual_capacity"};
enum { B_METHOD, B_MAPE, B_BIAS, B_UNDER, B_UNDER_CAP, B_HOURS, B_NCOLS };
static const char *const bt_cols[B_NCOLS] = {"method", "mape_pct", "bias_pct", "under_hours",
                                             "under_cap_hours", "hours"};

/* What the two figures need, read before anything is written. */
struct backtest {
    struct plot_table fc, bt;
    bool has_fc;                  /* forecast.csv is there */
    bool has[5];                  /* forecast.csv column k holds a value */
    double t_end, t_hist_end;     /* s: end of the last hour; end of the last measured one */
    int col[B_NCOLS];             /* backtest.csv's columns */
};

static bool is_floor(const char *method)
{
    return !strncmp(method, FLOOR_PREFIX, strlen(FLOOR_PREFIX));
}

/* Whose forecast forecast.csv holds: the one method backtest.csv names, else holt_winters
 * (`elbsim forecast` without --method). */
static const char *shown_method(const struct backtest *b)
{
    const char *only = NULL;
    int n = 0;
    for (int r = 1; r < b->bt.nrows; r++)
        if (!is_floor(b->bt.cells[r][b->col[B_METHOD]])) {
            only = b->bt.cells[r][b->col[B_METHOD]];
            n++;
        }
    return n == 1 ? only : "holt_winters";
}

static int read_inputs(const char *dir, struct backtest *b)
{
    memset(b, 0, sizeof *b);
    char *fc = text_join_path(dir, PLOT_FORECAST_CSV), *bt = text_join_path(dir, PLOT_BACKTEST_CSV);
    int rc = plot_csv_table_read(bt, false, &b->bt);
    for (int k = 0; rc == 0 && k < B_NCOLS; k++)
        if ((b->col[k] = plot_csv_table_col(&b->bt, bt_cols[k])) < 0) {
            diag_error(NULL, "%s: expected the header of `elbsim forecast` (method,mape_pct,"
                       "bias_pct,under_hours,under_cap_hours,hours,origins)", bt);
            rc = PLOT_ERR_DATA;
        }
    if (rc == 0 && b->bt.nrows < 2) {
        diag_error(NULL, "%s: no data rows", bt);
        rc = PLOT_ERR_DATA;
    }
    if (rc == 0) {
        rc = plot_csv_table_read(fc, true, &b->fc);
        b->has_fc = rc == 0;
        if (rc == PLOT_CSV_ABSENT)
            rc = 0;
    }
    if (b->has_fc && rc == 0) {
        bool ok = b->fc.ncols == 5;
        for (int k = 0; ok && k < 5; k++)
            ok = !strcmp(b->fc.cells[0][k], fc_cols[k]);
        if (!ok) {
            diag_error(NULL, "%s: expected a header `time_s,forecast_load,forecast_capacity,"
                       "actual_load,actual_capacity`", fc);
            rc = PLOT_ERR_DATA;
        }
    }
    b->t_end = b->t_hist_end = (double)NAN;
    for (int r = 1; b->has_fc && rc == 0 && r < b->fc.nrows; r++) {
        double t = plot_csv_table_num(&b->fc, r, 0);
        if (!isfinite(t))
            continue;
        for (int k = 1; k < 5; k++)
            b->has[k] = b->has[k] || isfinite(plot_csv_table_num(&b->fc, r, k));
        if (!(t + HOUR_S <= b->t_end))
            b->t_end = t + HOUR_S;
        if (isfinite(plot_csv_table_num(&b->fc, r, 3)) && !(t + HOUR_S <= b->t_hist_end))
            b->t_hist_end = t + HOUR_S;
    }
    free(fc);
    free(bt);
    return rc;
}

static void put_forecast(FILE *f, const struct backtest *b, struct plot_plan *plan)
{
    if (!b->has_fc) {
        plot_plan_skipped(plan, "forecast.png", "the folder has no forecast.csv");
        return;
    }
    bool load = b->has[1] || b->has[3], cap = b->has[2] || b->has[4];
    if (!load && !cap) {
        plot_plan_skipped(plan, "forecast.png", "its columns hold no values");
        return;
    }
    plot_plan_made(plan, "forecast.png");
    int npanels = load + cap;
    /* Days from two days of history on, else hours; an hour drawn at its middle. */
    bool days = b->t_end > 2 * DAY_S;
    double div = days ? DAY_S : HOUR_S;
    char x[64];
    snprintf(x, sizeof x, "((column(1)+%g)/%g)", HOUR_S / 2, div);
    char title[512];
    snprintf(title, sizeof title, "Forecast backtest: the forecast of %s in force when each "
             "hour began, against the history%s", shown_method(b),
             isfinite(b->t_hist_end) && b->t_hist_end < b->t_end
                 ? " (shaded: the hours after it, forecast only)" : "");
    fputs("\n# forecast.png\nfc = '" PLOT_FORECAST_CSV "'\n", f);
    plot_gp_terminal(f, npanels);
    fprintf(f, "set output 'forecast.png'\nset multiplot layout %d,1 title ", npanels);
    plot_gp_quoted(f, title);
    /* A fixed left margin, so the panels' time axes line up whatever their tics. */
    fprintf(f, "\nset xlabel '%s'\nset key on\nset lmargin 10\n",
            days ? "time in the history (days)" : "time in the history (hours)");
    if (isfinite(b->t_end))
        fprintf(f, "set xrange [0:%.10g]\n", b->t_end / div);
    bool future = isfinite(b->t_hist_end) && b->t_hist_end < b->t_end;
    if (future)
        fprintf(f, "set object 1 rect from %.10g, graph 0 to %.10g, graph 1 behind "
                   "fillcolor rgb '#eeeeee' fillstyle solid noborder\n",
                b->t_hist_end / div, b->t_end / div);
    if (load) {
        fputs("set title 'Load per hour'\nset ylabel 'load'\nset yrange [0:*]\n", f);
        const char *sep = "plot ";
        if (b->has[3]) {
            fprintf(f, "%sfc skip 1 using %s:4 with lines lw 1 lc rgb 'gray30' title "
                       "'actual load'", sep, x);
            sep = ", \\\n     ";
        }
        if (b->has[1])
            fprintf(f, "%sfc skip 1 using %s:2 with lines lw 2 lc rgb '#2c7bb6' title "
                       "'forecast load'", sep, x);
        fputs("\n", f);
    }
    if (cap) {
        fputs("set title 'Capacity per hour (--target-per-instance)'\nset ylabel 'instances'\n"
              "set yrange [0:*]\n", f);
        const char *sep = "plot ";
        if (b->has[4]) {
            fprintf(f, "%sfc skip 1 using (column(1)/%g):5 with steps lw 1 lc rgb 'gray30' "
                       "title 'needed by the actual load'", sep, div);
            sep = ", \\\n     ";
        }
        if (b->has[2])
            fprintf(f, "%sfc skip 1 using (column(1)/%g):3 with steps lw 2 lc rgb '#7b3294' "
                       "title 'forecast capacity'", sep, div);
        fputs("\n", f);
    }
    if (future)
        fputs("unset object 1\n", f);
    fputs("unset multiplot\nset title\nset xrange [*:*]\nset yrange [*:*]\nset xlabel\n"
          "set ylabel\nset lmargin\n", f);
    plot_gp_terminal(f, 1);
}

/* One panel of bars: value per method row (rows with a value), as horizontal bars from 0;
 * a dashed vertical line at vline unless NAN. */
static void put_bars(FILE *f, const struct backtest *b, int panel, const char *xlabel,
                     double (*value)(const struct backtest *, int), int best, double vline)
{
    const struct plot_table *t = &b->bt;
    int n = t->nrows - 1;
    fprintf(f, "$bars%d << EOD\n", panel);
    for (int r = 1; r < t->nrows; r++) {
        double v = value(b, r);
        if (!isfinite(v))
            continue;
        unsigned rgb = is_floor(t->cells[r][b->col[B_METHOD]]) ? 0xaaaaaau
                       : r == best                               ? 0x2c7bb6u
                                                                 : 0x606060u;
        fprintf(f, "%.10g,%d,%.10g,%u\n", v / 2, n - r, fabs(v) / 2, rgb);
    }
    fputs("EOD\nset xlabel ", f);
    plot_gp_quoted(f, xlabel);
    fputs("\nset ytics (", f);
    for (int r = 1; r < t->nrows; r++) {
        fputs(r > 1 ? ", " : "", f);
        plot_gp_quoted(f, t->cells[r][b->col[B_METHOD]]);
        fprintf(f, " %d", n - r);
    }
    fprintf(f, ")\nset yrange [-0.7:%d.7]\nset yzeroaxis lt -1\n", n - 1);
    if (isfinite(vline))
        fprintf(f, "set arrow 1 from %.10g, graph 0 to %.10g, graph 1 nohead dt 2 lw 1.5 "
                   "lc rgb 'gray30' front\n", vline, vline);
    int label = 0;
    for (int r = 1; r < t->nrows; r++) {
        double v = value(b, r);
        if (!isfinite(v))
            continue;
        char num[32];
        plot_num(num, sizeof num, v);
        fprintf(f, "set label %d '%s' at %.10g, %d %s offset %d, 0 font ',9'\n", ++label, num,
                v, n - r, v < 0 ? "right" : "left", v < 0 ? -1 : 1);
    }
    /* Room for the values beside the bars; bars from 0 to the right need none on the left. */
    bool negative = false;
    for (int r = 1; r < t->nrows; r++)
        negative = negative || value(b, r) < 0;
    fprintf(f, "%s\nplot $bars%d using 1:2:3:(0.35):4 with boxxyerror fs solid 0.8 noborder "
               "lc rgb variable notitle\nunset label\nunset arrow\nset xrange [*:*]\n",
            negative ? "set offsets graph 0.12, graph 0.12, 0, 0\nset xrange [*:*]"
                     : "set offsets 0, graph 0.12, 0, 0\nset xrange [0:*]", panel);
}

static double mape(const struct backtest *b, int r)
{
    return plot_csv_table_num(&b->bt, r, b->col[B_MAPE]);
}

static double bias(const struct backtest *b, int r)
{
    return plot_csv_table_num(&b->bt, r, b->col[B_BIAS]);
}

static double share(const struct backtest *b, int r, int col)
{
    double h = plot_csv_table_num(&b->bt, r, b->col[B_HOURS]);
    double u = plot_csv_table_num(&b->bt, r, b->col[col]);
    return h > 0 ? 100 * u / h : (double)NAN;
}

static double under_load(const struct backtest *b, int r)
{
    return share(b, r, B_UNDER);
}

static double under_cap(const struct backtest *b, int r)
{
    return share(b, r, B_UNDER_CAP);
}

static bool any(const struct backtest *b, double (*value)(const struct backtest *, int))
{
    for (int r = 1; r < b->bt.nrows; r++)
        if (isfinite(value(b, r)))
            return true;
    return false;
}

static void put_backtest(FILE *f, const struct backtest *b, struct plot_plan *plan)
{
    static const struct {
        const char *xlabel;
        double (*value)(const struct backtest *, int);
    } panels[] = {
        {"MAPE (%): mean absolute percentage error of the forecast load", mape},
        {"bias (%): above 0, the forecast is too high on average", bias},
        {"hours whose forecast load was below the actual (% of hours)", under_load},
        {"hours whose forecast capacity was below what the load needed (% of hours)",
         under_cap},
    };
    int npanels = 0, best = -1;
    for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++)
        npanels += any(b, panels[i].value);
    if (npanels == 0) {
        plot_plan_skipped(plan, "backtest.png", "its columns hold no values");
        return;
    }
    plot_plan_made(plan, "backtest.png");
    size_t longest = 0;
    for (int r = 1; r < b->bt.nrows; r++) {
        const char *m = b->bt.cells[r][b->col[B_METHOD]];
        longest = strlen(m) > longest ? strlen(m) : longest;
        if (!is_floor(m) && isfinite(mape(b, r)) && (best < 0 || mape(b, r) < mape(b, best)))
            best = r;
    }
    fputs("\n# backtest.png\n", f);
    struct plot_stack st = {npanels, 30 + 32 * (b->bt.nrows - 1), 60,
                            40 + 8 * (int)(longest < 60 ? longest : 60), 40, 0};
    plot_gp_stack(f, "backtest.png", "Forecast backtest: each method's errors over the "
                                     "backtest's forecasts (blue: the lowest MAPE; gray: the "
                                     "noise floor, the error of a perfect forecast)", &st);
    int panel = 0;
    for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++) {
        if (!any(b, panels[i].value))
            continue;
        /* MAPE: the noise floor as a dashed line across the bars. */
        double vline = (double)NAN;
        for (int r = 1; panels[i].value == mape && r < b->bt.nrows; r++)
            if (is_floor(b->bt.cells[r][b->col[B_METHOD]]))
                vline = mape(b, r);
        put_bars(f, b, ++panel, panels[i].xlabel, panels[i].value, best, vline);
    }
    fputs("unset multiplot\nset xlabel\nset ytics autofreq\nset yrange [*:*]\nset offsets\n"
          "unset yzeroaxis\nset key below horizontal\nset key on\n", f);
    plot_gp_terminal(f, 1);
}

int plot_backtest_write(const char *dir, struct plot_plan *plan)
{
    plan->source = PLOT_BACKTEST_CSV;
    char *path = text_join_path(dir, PLOT_SCRIPT_NAME);
    struct backtest b;
    int rc = read_inputs(dir, &b);
    if (rc)
        goto out;
    struct plot_gp gp;
    if ((rc = plot_gp_open(&gp, path)) != 0)
        goto out;
    fputs("# elbsim plots of a forecast backtest, written by `elbsim plot` from "
          PLOT_FORECAST_CSV " and " PLOT_BACKTEST_CSV ".\n"
          "# Rerun by hand from this folder with: gnuplot " PLOT_SCRIPT_NAME "\n"
          "set datafile separator comma\n", gp.f);
    plot_gp_terminal(gp.f, 1);
    fputs("set grid\nset key below\n", gp.f);
    put_forecast(gp.f, &b, plan);
    put_backtest(gp.f, &b, plan);
    rc = plot_gp_finish(&gp, plan);
out:
    plot_csv_table_free(&b.fc);
    plot_csv_table_free(&b.bt);
    free(path);
    return rc;
}
