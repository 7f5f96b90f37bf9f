/* plot_write_script and the figures not yet in files of their own.  See plot.h and
 * plot/plot_impl.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif
#include "analysis/plot.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

#define LEGEND_MAX 16 /* more series than this: the legend would hide the plot */

void plot_plan_made(struct plot_plan *plan, const char *png)
{
    plan->made[plan->nmade++] = png;
}

void plot_plan_skipped(struct plot_plan *plan, const char *png, const char *why)
{
    plan->skipped_why[plan->nskipped] = why;
    plan->skipped[plan->nskipped++] = png;
}

/* ---- the run's time series ------------------------------------------------------------- */

/* One curve: column col (1-based) times scale, on the right-hand axis when y2. */
struct curve {
    int col;
    double scale;
    bool y2;
    char title[160];
};

/* The curves of one figure; c has room for one per column.  Columns that match but hold
 * no value at all are counted, not drawn: gnuplot stops the whole script at a plot
 * without a single valid point. */
struct figure {
    struct curve *c;
    int n;               /* curves drawn */
    int matched;         /* columns that matched, with or without data */
    const bool *has_data; /* per column (0-based), from struct plot_wide */
};

static void add_curve(struct figure *fig, int col, double scale, bool y2, const char *name,
                      int name_len, const char *what)
{
    fig->matched++;
    if (!fig->has_data[col - 1])
        return;
    struct curve *c = &fig->c[fig->n++];
    c->col = col;
    c->scale = scale;
    c->y2 = y2;
    snprintf(c->title, sizeof c->title, "%.*s%s%s", name_len, name, *what ? " " : "", what);
}

/* "per 1 s interval", or "per interval" when the interval is unknown. */
static void interval_text(char *buf, size_t n, double interval_s)
{
    if (isfinite(interval_s) && interval_s > 0)
        snprintf(buf, n, "per %g s interval", interval_s);
    else
        snprintf(buf, n, "per interval");
}

/* Write one figure: output, titles and the plot command; then undo its settings. */
static void put_figure(FILE *f, const char *png, const char *title, const char *ylabel,
                       const char *y2label, bool logy, const struct plot_xaxis *x,
                       const struct figure *fig)
{
    fprintf(f, "\n# %s\nset yrange [%s:*]\nset output ", png, logy ? "*" : "0");
    plot_gp_quoted(f, png);
    fprintf(f, "\nset title ");
    if (fig->n > LEGEND_MAX) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s (%d series; legend omitted)", title, fig->n);
        plot_gp_quoted(f, buf);
        fprintf(f, "\nset key off");
    } else {
        plot_gp_quoted(f, title);
        fprintf(f, "\nset key on");
    }
    fprintf(f, "\nset xlabel ");
    plot_gp_quoted(f, x->label);
    fprintf(f, "\nset ylabel ");
    plot_gp_quoted(f, ylabel);
    fputc('\n', f);
    if (logy)
        fprintf(f, "set logscale y\n");
    if (y2label) {
        fprintf(f, "set ytics nomirror\nset y2tics\nset y2range [0:1<*]\nset y2label ");
        plot_gp_quoted(f, y2label);
        fputc('\n', f);
    }
    fprintf(f, "plot ");
    for (int i = 0; i < fig->n; i++) {
        const struct curve *c = &fig->c[i];
        if (i)
            fprintf(f, ", \\\n     ");
        if (x->div != 1)
            fprintf(f, "data skip 1 using (column(1)/%g):", x->div);
        else
            fprintf(f, "data skip 1 using 1:");
        if (c->scale != 1)
            fprintf(f, "(column(%d)*%g)", c->col, c->scale);
        else
            fprintf(f, "%d", c->col);
        fprintf(f, " axes x1%s with lines lw 2 title ", c->y2 ? "y2" : "y1");
        plot_gp_quoted(f, c->title);
    }
    fputc('\n', f);
    if (logy)
        fprintf(f, "unset logscale y\n");
    if (y2label)
        fprintf(f, "set ytics mirror\nunset y2tics\nunset y2label\n");
}

/* Record the outcome of one figure in plan; true when it is to be drawn. */
static bool plan_figure(struct plot_plan *plan, const char *png, const struct figure *fig)
{
    if (fig->n) {
        plan->made[plan->nmade++] = png;
        return true;
    }
    plan->skipped_why[plan->nskipped] = fig->matched ? "its columns hold no values"
                                                     : "its columns are not in the CSV";
    plan->skipped[plan->nskipped++] = png;
    return false;
}

/* ---- predictive scaling: forecast against actual (forecast.csv of a run) -------------- */

#define HOUR_S 3600.0 /* forecast.csv has one row per hour, time_s its start */

/* forecast.csv's columns, in the order `elbsim run` writes them (sim/cli/run.c). */
enum { FC_TIME, FC_LOAD, FC_CAP, FC_ACT_LOAD, FC_ACT_CAP, FC_NCOLS };
static const char *const fc_col_name[FC_NCOLS] = {"time_s", "forecast_load",
                                                  "forecast_capacity", "actual_load",
                                                  "actual_capacity"};

/* What forecast.png needs from forecast.csv, gathered in one pass: which columns hold a
 * value, when the first forecast starts and when the last hour ends.  Memory O(1). */
struct fc_file {
    bool present;              /* the folder has a forecast.csv */
    bool has_data[FC_NCOLS];   /* column k has a non-empty cell in some row */
    double t_first_fc;         /* s, start of the first hour with a forecast_load; NAN */
    double t_end;              /* s, end of the last hour; NAN without rows */
    /* parser state */
    int field, records;        /* records: complete records seen (header included) */
    bool bad_header;
    double t_row;              /* s, time of the current row; NAN when not a number */
};

static void fc_field(void *s, size_t len, void *data)
{
    struct fc_file *fc = data;
    const char *text = s ? s : "";
    int k = fc->field++;
    if (fc->records == 0) {
        fc->bad_header |= k >= FC_NCOLS || strcmp(text, fc_col_name[k]);
        return;
    }
    if (k == FC_TIME) {
        char *end;
        double t = strtod(text, &end);
        fc->t_row = len > 0 && end != text && isfinite(t) ? t : (double)NAN;
        if (isfinite(fc->t_row) && !(fc->t_row + HOUR_S <= fc->t_end))
            fc->t_end = fc->t_row + HOUR_S;
    } else if (k < FC_NCOLS && len > 0) {
        fc->has_data[k] = true;
        if (k == FC_LOAD && isnan(fc->t_first_fc))
            fc->t_first_fc = fc->t_row;
    }
}

static void fc_record(int c, void *data)
{
    struct fc_file *fc = data;
    (void)c;
    if (fc->records++ == 0)
        fc->bad_header |= fc->field != FC_NCOLS;
    fc->field = 0;
}

/* Read DIR/forecast.csv into *fc; a folder without one leaves fc->present false.
 * Returns 0 or a PLOT_ERR_*, after printing the reason. */
static int fc_read(const char *dir, struct fc_file *fc)
{
    memset(fc, 0, sizeof *fc);
    fc->t_first_fc = fc->t_end = fc->t_row = (double)NAN;
    char *path = text_join_path(dir, PLOT_FORECAST_CSV);
    int rc = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
            rc = PLOT_ERR_IO;
        }
        goto out_free;
    }
    fc->present = true;
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        diag_error(NULL, "cannot set up the CSV parser for '%s'", path);
        rc = PLOT_ERR_IO;
        goto out_close;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, fc_field, fc_record, fc) != n) {
            diag_error(NULL, "%s: malformed CSV: %s", path, csv_strerror(csv_error(&p)));
            rc = PLOT_ERR_DATA;
            goto out_fini;
        }
    }
    if (ferror(f)) {
        diag_error(NULL, "cannot read '%s': %s", path, strerror(errno));
        rc = PLOT_ERR_IO;
        goto out_fini;
    }
    csv_fini(&p, fc_field, fc_record, fc);
    if (fc->records == 0 || fc->bad_header) {
        diag_error(NULL, "%s: expected a header `time_s,forecast_load,forecast_capacity,"
                   "actual_load,actual_capacity`", path);
        rc = PLOT_ERR_DATA;
    }
out_fini:
    csv_free(&p);
out_close:
    fclose(f);
out_free:
    free(path);
    return rc;
}

/* The group forecast.csv belongs to.  `elbsim run` writes it for the first predictive
 * policy but does not name the group: the first group (in column order) with a predictive
 * activity, else the only group; NULL when neither tells.  ECS services are not candidates
 * (forecast.png draws instances). */
static const struct plot_unit *fc_group(const struct plot_units *s)
{
    int ngroups = 0, only = -1;
    for (int i = 0; i < s->n; i++) {
        if (s->g[i].kind != PLOT_UNIT_GROUP)
            continue;
        ngroups++;
        only = i;
        for (int k = 0; k < s->g[i].nact; k++)
            if (s->g[i].act[k].cause == PLOT_CAUSE_PREDICTIVE)
                return &s->g[i];
    }
    return ngroups == 1 ? &s->g[only] : NULL;
}

/* The activities forecast.png marks: predictive ones that changed the desired capacity
 * (which == 0), dynamic ones that raised it (1) or lowered it (-1). */
static bool fc_marks(const struct plot_activity *a, int which)
{
    int dir = (a->to > a->from) - (a->to < a->from);
    if (dir == 0)
        return false;
    if (which == 0)
        return a->cause == PLOT_CAUSE_PREDICTIVE;
    return a->cause == PLOT_CAUSE_DYNAMIC && dir == which;
}

/* forecast.png: the forecast against the measured load per hour, and the capacity
 * predictive scaling scheduled against the desired and in-service capacity and the load.
 * forecast.csv is referred to by file name and column number like timeseries_wide.csv;
 * its hours are drawn as horizontal segments (`with vectors`) from time_s to time_s + 1 h,
 * so an empty cell leaves a gap rather than being bridged as `with steps` would. */
static void put_forecast_figure(FILE *f, const struct plot_wide *h, const struct plot_units *s,
                                const struct fc_file *fc, struct plot_plan *plan,
                                const struct plot_xaxis *x)
{
    const struct plot_unit *g = fc_group(s);
    bool desired = g && plot_csv_has_data(h, g->desired);
    bool top = fc->has_data[FC_LOAD] || fc->has_data[FC_ACT_LOAD];
    bool bottom = fc->has_data[FC_CAP] || fc->has_data[FC_ACT_CAP] || desired;
    if (!top && !bottom) {
        plan->skipped_why[plan->nskipped] = "its columns hold no values";
        plan->skipped[plan->nskipped++] = "forecast.png";
        return;
    }
    plan->made[plan->nmade++] = "forecast.png";
    /* x of an hour's start and middle, and an hour's width, in the axis's unit */
    char x0[64], xmid[64], width[32];
    if (x->div != 1) {
        snprintf(x0, sizeof x0, "(column(1)/%g)", x->div);
        snprintf(xmid, sizeof xmid, "((column(1)+%g)/%g)", HOUR_S / 2, x->div);
    } else {
        snprintf(x0, sizeof x0, "1");
        snprintf(xmid, sizeof xmid, "(column(1)+%g)", HOUR_S / 2);
    }
    snprintf(width, sizeof width, "%.10g", HOUR_S / x->div);
    double t_end = fc->t_end;
    if (isfinite(h->t_last) && !(h->t_last <= t_end))
        t_end = h->t_last;

    fputs("\n# forecast.png\nfc = '" PLOT_FORECAST_CSV "'\n", f);
    static const char *const block[] = {"$fc_predictive", "$fc_dynamic_out", "$fc_dynamic_in"};
    static const int which[] = {0, 1, -1};
    int nmarks[3] = {0, 0, 0}, marks_max = 0;
    for (int b = 0; g && bottom && b < 3; b++) {
        for (int k = 0; k < g->nact; k++)
            nmarks[b] += fc_marks(&g->act[k], which[b]);
        if (!nmarks[b])
            continue;
        fprintf(f, "%s << EOD\n", block[b]);
        for (int k = 0; k < g->nact; k++) {
            const struct plot_activity *a = &g->act[k];
            if (!fc_marks(a, which[b]))
                continue;
            fprintf(f, "%.10g,%d\n", a->t_s, a->to);
            if (a->to > marks_max)
                marks_max = a->to;
        }
        fputs("EOD\n", f);
    }
    int npanels = top + bottom;
    plot_gp_terminal(f, npanels);
    fprintf(f, "set output 'forecast.png'\nset multiplot layout %d,1 title ", npanels);
    plot_gp_quoted(f, "Predictive scaling: forecast against actual, per hour");
    fputc('\n', f);
    if (isfinite(t_end) && t_end > 0)
        fprintf(f, "set xrange [0:%.10g]\n", t_end / x->div);
    fputs("set key on\nset xlabel ", f);
    plot_gp_quoted(f, x->label);
    fputc('\n', f);
    /* The hours before the first forecast (the first day, when the policy waits for 24 h of
     * the run's own history), shaded in both panels. */
    bool gap = isfinite(fc->t_first_fc) && fc->t_first_fc > 0;
    if (gap)
        fprintf(f, "set object 1 rect from 0, graph 0 to %.10g, graph 1 behind "
                   "fillcolor rgb '#eeeeee' fillstyle solid noborder\n",
                fc->t_first_fc / x->div);

    if (top) {
        fprintf(f, "set title 'Load: the forecast in force when each hour began against the "
                   "load measured in it%s'\nset ylabel 'load (the policy''s load metric)'\n"
                   "set yrange [0:*]\nset offsets 0, 0, graph 0.05, 0\n",
                gap ? " (shaded: no forecast yet)" : "");
        const char *sep = "plot ";
        if (fc->has_data[FC_LOAD]) {
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) with vectors nohead lw 3 "
                       "lc rgb '#2c7bb6' title 'forecast load'", sep, x0, FC_LOAD + 1, width);
            sep = ", \\\n     ";
        }
        if (fc->has_data[FC_ACT_LOAD])
            fprintf(f, "%sfc skip 1 using %s:%d with points pt 7 ps 1 lc rgb '#d7191c' "
                       "title 'measured load'", sep, xmid, FC_ACT_LOAD + 1);
        fputs("\nset offsets\n", f);
    }

    if (bottom) {
        char title[512];
        if (g)
            snprintf(title, sizeof title, "Capacity of Auto Scaling group %s: predictive "
                     "schedule, desired (all policies) and in service", g->name);
        else
            snprintf(title, sizeof title, "Capacity: predictive schedule and in service");
        fputs("set title ", f);
        plot_gp_quoted(f, title);
        fputs("\nset ylabel 'instances'\n", f);
        bool load = fc->has_data[FC_ACT_LOAD];
        if (load)
            fputs("set ytics nomirror\nset y2tics\nset y2range [0:*]\n"
                  "set y2label 'measured load (the policy''s load metric)'\n", f);
        /* Whole instances on the axis, as in capacity.png; room above the largest value
         * for its marker. */
        fprintf(f, "set yrange [*:*]\nymax = %d\n", marks_max);
        if (fc->has_data[FC_CAP])
            fprintf(f, "stats fc skip 1 using %d nooutput\n"
                       "ymax = STATS_max > ymax ? STATS_max : ymax\n", FC_CAP + 1);
        if (fc->has_data[FC_ACT_CAP])
            fprintf(f, "stats fc skip 1 using %d nooutput\n"
                       "ymax = STATS_max > ymax ? STATS_max : ymax\n", FC_ACT_CAP + 1);
        if (desired)
            fprintf(f, "stats data skip 1 using %d nooutput\n"
                       "ymax = STATS_max > ymax ? STATS_max : ymax\n", g->desired);
        fputs("ystep = ceil(ymax / 8.0) > 1 ? ceil(ymax / 8.0) : 1\n"
              "set ytics ystep\nset yrange [0:ymax + ystep]\n", f);
        /* Activities: predictive dashed purple, dynamic dotted gray (arrows from 1). */
        int arrow = 0;
        for (int k = 0; g && k < g->nact; k++) {
            const struct plot_activity *a = &g->act[k];
            bool pred = fc_marks(a, 0);
            if (!pred && !fc_marks(a, 1) && !fc_marks(a, -1))
                continue;
            fprintf(f, "set arrow %d from %.10g, graph 0 to %.10g, graph 1 nohead dt %d "
                       "lc rgb '%s' back\n", ++arrow, a->t_s / x->div, a->t_s / x->div,
                    pred ? 2 : 3, pred ? "#7b3294" : "gray50");
        }
        const char *sep = "plot ";
        if (fc->has_data[FC_CAP]) {
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y1 with vectors nohead lw 3 "
                       "lc rgb '#7b3294' title 'forecast capacity (predictive schedule)'",
                    sep, x0, FC_CAP + 1, width);
            sep = ", \\\n     ";
        }
        if (desired) {
            fputs(sep, f);
            plot_gp_using_x(f, "data skip 1", x);
            fprintf(f, "%d axes x1y1 with steps lw 1 lc rgb '#2c7bb6' title 'desired'",
                    g->desired);
            sep = ", \\\n     ";
        }
        if (fc->has_data[FC_ACT_CAP]) {
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y1 with vectors nohead lw 2 "
                       "lc rgb '#1a9641' title 'in service (mean per hour)'",
                    sep, x0, FC_ACT_CAP + 1, width);
            sep = ", \\\n     ";
        }
        static const char *const mark[] = {
            "with points pt 13 ps 2 lc rgb '#7b3294' title 'predictive scaling (new desired)'",
            "with points pt 9 ps 2 lc rgb '#1a9641' title 'dynamic scale out (new desired)'",
            "with points pt 11 ps 2 lc rgb '#d7191c' title 'dynamic scale in (new desired)'"};
        for (int b = 0; b < 3; b++) {
            if (!nmarks[b])
                continue;
            fputs(sep, f);
            plot_gp_using_x(f, block[b], x);
            fprintf(f, "2 axes x1y1 %s", mark[b]);
            sep = ", \\\n     ";
        }
        if (load)
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y2 with vectors nohead lw 1 "
                       "lc rgb 'gray30' title 'measured load (right axis)'",
                    sep, x0, FC_ACT_LOAD + 1, width);
        fputc('\n', f);
        if (arrow)
            fputs("unset arrow\n", f);
        fputs("set ytics autofreq\n", f);
        if (load)
            fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
    }
    if (gap)
        fputs("unset object 1\n", f);
    fputs("unset multiplot\nset xrange [*:*]\n", f);
    plot_gp_terminal(f, 1);
}

/* Build the whole script into f, recording the figures in plan; the Auto Scaling figures
 * come last, then the forecast, so a run without groups or forecast.csv gets the same
 * script as before they existed. */
static void put_script(FILE *f, const struct plot_wide *h, const struct plot_units *groups,
                       const struct fc_file *fc, struct plot_plan *plan)
{
    char per[64], title[256], y2[128];
    interval_text(per, sizeof per, plan->interval_s);
    struct plot_xaxis x = plot_gp_xaxis_for(h->t_last);
    struct figure fig = {xmalloc((size_t)h->ncols * sizeof *fig.c), 0, 0, h->has_data};
    const char *name;
    int nl;
    plot_gp_preamble(f);

    static const char *const pct[][2] = {
        {"latency_p50_s", "p50"}, {"latency_p90_s", "p90"}, {"latency_p99_s", "p99"}};
    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        for (int k = 0; k < 3; k++)
            if (plot_csv_label_is(h->cols[i], "workload", pct[k][0], &name, &nl))
                add_curve(&fig, i + 1, 1000, false, name, nl, pct[k][1]);
    if (plan_figure(plan, "latency.png", &fig)) {
        snprintf(title, sizeof title,
                 "Client-observed latency percentiles %s (p50 = median; p99 = 1 request "
                 "in 100 is slower)", per);
        put_figure(f, "latency.png", title, "latency (ms, log scale)", NULL, true, &x, &fig);
    }

    fig.n = fig.matched = 0;
    bool counts = false;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], "workload", "throughput_rps", &name, &nl))
            add_curve(&fig, i + 1, 1, false, name, nl, "completed (req/s)");
        else if (plot_csv_label_is(h->cols[i], "workload", "errors", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "errors (right axis)");
        else if (plot_csv_label_is(h->cols[i], "workload", "timeouts", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "timeouts (right axis)");
    }
    for (int i = 0; i < fig.n; i++)
        counts = counts || fig.c[i].y2;
    if (plan_figure(plan, "throughput.png", &fig)) {
        snprintf(title, sizeof title, "Completed requests per second, errors and timeouts, %s",
                 per);
        snprintf(y2, sizeof y2, "failed requests (count %s)", per);
        put_figure(f, "throughput.png", title, "throughput (requests per second)",
                   counts ? y2 : NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        if (plot_csv_label_is(h->cols[i], "target", "utilization", &name, &nl))
            add_curve(&fig, i + 1, 100, false, name, nl, "");
    if (plan_figure(plan, "utilization.png", &fig)) {
        snprintf(title, sizeof title,
                 "CPU utilization of each target (share of its vCPUs busy), %s", per);
        put_figure(f, "utilization.png", title, "utilization (%)", NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], NULL, "in_flight", &name, &nl)) {
            /* any scope: titled "lb front in flight", "workload shoppers in flight" */
            char who[128];
            snprintf(who, sizeof who, "%.*s %.*s", (int)(name - 1 - h->cols[i]), h->cols[i],
                     nl, name);
            add_curve(&fig, i + 1, 1, false, who, (int)strlen(who), "in flight");
        } else if (plot_csv_label_is(h->cols[i], "target", "queue_length", &name, &nl)) {
            add_curve(&fig, i + 1, 1, false, name, nl, "queued");
        }
    }
    if (plan_figure(plan, "inflight.png", &fig)) {
        snprintf(title, sizeof title,
                 "Requests in flight (accepted, not yet answered) and waiting in target queues, "
                 "%s", per);
        put_figure(f, "inflight.png", title, "requests", NULL, false, &x, &fig);
    }
    free(fig.c);
    if (groups->n > 0) {
        plot_capacity_put(f, h, groups, &x, plan);
        plot_policy_put(f, h, groups, &x, plan);
        plot_gp_reset(f);
    }
    if (fc->present)
        put_forecast_figure(f, h, groups, fc, plan, &x);
}

int plot_write_script(const char *dir, struct plot_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->interval_s = (double)NAN;
    {
        /* A sweep's folder (sweep.csv, no time series): its own plots. */
        char *ts = text_join_path(dir, PLOT_WIDE_CSV), *sw = text_join_path(dir, PLOT_SWEEP_CSV);
        struct stat st;
        bool sweep = stat(ts, &st) != 0 && stat(sw, &st) == 0;
        free(ts);
        free(sw);
        if (sweep)
            return plot_sweep_write(dir, plan);
    }
    char *csv = text_join_path(dir, PLOT_WIDE_CSV);
    char *gp = text_join_path(dir, PLOT_SCRIPT_NAME);
    struct plot_wide h;
    int rc = plot_csv_wide_read(csv, &h);
    if (rc != 0)
        goto out_free;
    if (h.records >= 3)
        plan->interval_s = h.t[1] - h.t[0];
    struct plot_units groups;
    plot_units_find(&groups, &h);
    if (groups.n > 0 && (rc = plot_units_read_events(dir, &groups)) != 0)
        goto out_groups;
    struct fc_file fc;
    if ((rc = fc_read(dir, &fc)) != 0)
        goto out_groups;

    struct plot_gp script;
    if ((rc = plot_gp_open(&script, gp)) != 0)
        goto out_groups;
    put_script(script.f, &h, &groups, &fc, plan);
    rc = plot_gp_commit(&script);
out_groups:
    plot_units_free(&groups);
out_free:
    plot_csv_wide_free(&h);
    free(csv);
    free(gp);
    return rc;
}