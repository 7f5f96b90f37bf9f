/*
 * forecast.png: predictive scaling, from DIR/forecast.csv (a run with a predictive scaling
 * policy; header time_s,forecast_load,forecast_capacity,actual_load,actual_capacity, one
 * row per hour).
 *
 *   top      forecast_load (a segment per hour) against actual_load (a point per hour),
 *            the hours before the first forecast shaded
 *   bottom   forecast_capacity and actual_capacity (segments per hour) with the group's
 *            asg.G.desired (steps) and actual_load on the right-hand axis, predictive
 *            scaling activities (events.csv details "Predictive scaling policy ...") as
 *            diamonds and dynamic ones ("Alarm ...") as triangles
 *
 * G is the first group with a predictive activity, else the only group (ECS services are
 * not candidates); without one the desired capacity is left out.  forecast.csv is referred
 * to by file name and column number like timeseries_wide.csv.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"

#define HOUR_S 3600.0 /* forecast.csv has one row per hour, time_s its start */

static const char *const fc_col_name[PLOT_FC_NCOLS] = {"time_s", "forecast_load",
                                                       "forecast_capacity", "actual_load",
                                                       "actual_capacity"};

/* ---- forecast.csv ------------------------------------------------------------------------ */

static void fc_field(void *s, size_t len, void *data)
{
    struct plot_fc *fc = data;
    const char *text = s ? s : "";
    int k = fc->field++;
    if (fc->records == 0) {
        fc->bad_header |= k >= PLOT_FC_NCOLS || strcmp(text, fc_col_name[k]);
        return;
    }
    if (k == PLOT_FC_TIME) {
        char *end;
        double t = strtod(text, &end);
        fc->t_row = len > 0 && end != text && isfinite(t) ? t : (double)NAN;
        if (isfinite(fc->t_row) && !(fc->t_row + HOUR_S <= fc->t_end))
            fc->t_end = fc->t_row + HOUR_S;
    } else if (k < PLOT_FC_NCOLS && len > 0) {
        fc->has_data[k] = true;
        if (k == PLOT_FC_LOAD && isnan(fc->t_first_fc))
            fc->t_first_fc = fc->t_row;
    }
}

static void fc_record(int c, void *data)
{
    struct plot_fc *fc = data;
    (void)c;
    if (fc->records++ == 0)
        fc->bad_header |= fc->field != PLOT_FC_NCOLS;
    fc->field = 0;
}

int plot_forecast_read(const char *dir, struct plot_fc *fc)
{
    memset(fc, 0, sizeof *fc);
    fc->t_first_fc = fc->t_end = fc->t_row = (double)NAN;
    char *path = text_join_path(dir, PLOT_FORECAST_CSV);
    int rc = plot_csv_read(path, true, fc_field, fc_record, fc);
    if (rc == PLOT_CSV_ABSENT) {
        rc = 0;
    } else {
        fc->present = true;
        if (rc == 0 && (fc->records == 0 || fc->bad_header)) {
            diag_error(NULL, "%s: expected a header `time_s,forecast_load,forecast_capacity,"
                       "actual_load,actual_capacity`", path);
            rc = PLOT_ERR_DATA;
        }
    }
    free(path);
    return rc;
}

/* ---- the figure ---------------------------------------------------------------------------- */

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

/* The marks' datablocks and markers, in this order. */
static const char *const mark_block[] = {"$fc_predictive", "$fc_dynamic_out", "$fc_dynamic_in"};
static const int mark_which[] = {0, 1, -1};
static const char *const mark_style[] = {
    "with points pt 13 ps 2 lc rgb '#7b3294' title 'predictive scaling (new desired)'",
    "with points pt 9 ps 2 lc rgb '#1a9641' title 'dynamic scale out (new desired)'",
    "with points pt 11 ps 2 lc rgb '#d7191c' title 'dynamic scale in (new desired)'"};

/* x of an hour's start, and an hour's width, in the axis's unit. */
struct hours {
    char x0[64], xmid[64], width[32];
};

/* The top panel: the load forecast against the measured load. */
static void put_load_panel(FILE *f, const struct plot_fc *fc, const struct hours *hr,
                           bool gap)
{
    fprintf(f, "set title 'Load: the forecast in force when each hour began against the "
               "load measured in it%s'\nset ylabel 'load (the policy''s load metric)'\n"
               "set yrange [0:*]\nset offsets 0, 0, graph 0.05, 0\n",
            gap ? " (shaded: no forecast yet)" : "");
    const char *sep = "plot ";
    if (fc->has_data[PLOT_FC_LOAD]) {
        fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) with vectors nohead lw 3 "
                   "lc rgb '#2c7bb6' title 'forecast load'", sep, hr->x0, PLOT_FC_LOAD + 1,
                hr->width);
        sep = ", \\\n     ";
    }
    if (fc->has_data[PLOT_FC_ACT_LOAD])
        fprintf(f, "%sfc skip 1 using %s:%d with points pt 7 ps 1 lc rgb '#d7191c' "
                   "title 'measured load'", sep, hr->xmid, PLOT_FC_ACT_LOAD + 1);
    fputs("\nset offsets\n", f);
}

/* The bottom panel: the capacity predictive scaling scheduled against desired, in
 * service and the load; g may be NULL.  nmarks: activities in each mark block. */
static void put_capacity_panel(FILE *f, const struct plot_wide *h, const struct plot_unit *g,
                               const struct plot_fc *fc, const struct hours *hr,
                               const int nmarks[3], int marks_max, const struct plot_xaxis *x)
{
    bool desired = g && plot_csv_has_data(h, g->desired);
    char title[512];
    if (g)
        snprintf(title, sizeof title, "Capacity of Auto Scaling group %s: predictive "
                 "schedule, desired (all policies) and in service", g->name);
    else
        snprintf(title, sizeof title, "Capacity: predictive schedule and in service");
    fputs("set title ", f);
    plot_gp_quoted(f, title);
    fputs("\nset ylabel 'instances'\n", f);
    bool load = fc->has_data[PLOT_FC_ACT_LOAD];
    if (load)
        fputs("set ytics nomirror\nset y2tics\nset y2range [0:*]\n"
              "set y2label 'measured load (the policy''s load metric)'\n", f);
    /* Whole instances on the axis, as in capacity.png; room above the largest value for
     * its marker. */
    fprintf(f, "set yrange [*:*]\nymax = %d\n", marks_max);
    if (fc->has_data[PLOT_FC_CAP])
        fprintf(f, "stats fc skip 1 using %d nooutput\n"
                   "ymax = STATS_max > ymax ? STATS_max : ymax\n", PLOT_FC_CAP + 1);
    if (fc->has_data[PLOT_FC_ACT_CAP])
        fprintf(f, "stats fc skip 1 using %d nooutput\n"
                   "ymax = STATS_max > ymax ? STATS_max : ymax\n", PLOT_FC_ACT_CAP + 1);
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
    if (fc->has_data[PLOT_FC_CAP]) {
        fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y1 with vectors nohead lw 3 "
                   "lc rgb '#7b3294' title 'forecast capacity (predictive schedule)'",
                sep, hr->x0, PLOT_FC_CAP + 1, hr->width);
        sep = ", \\\n     ";
    }
    if (desired) {
        fputs(sep, f);
        plot_gp_using_x(f, "data skip 1", x);
        fprintf(f, "%d axes x1y1 with steps lw 1 lc rgb '#2c7bb6' title 'desired'",
                g->desired);
        sep = ", \\\n     ";
    }
    if (fc->has_data[PLOT_FC_ACT_CAP]) {
        fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y1 with vectors nohead lw 2 "
                   "lc rgb '#1a9641' title 'in service (mean per hour)'",
                sep, hr->x0, PLOT_FC_ACT_CAP + 1, hr->width);
        sep = ", \\\n     ";
    }
    for (int b = 0; b < 3; b++) {
        if (!nmarks[b])
            continue;
        fputs(sep, f);
        plot_gp_using_x(f, mark_block[b], x);
        fprintf(f, "2 axes x1y1 %s", mark_style[b]);
        sep = ", \\\n     ";
    }
    if (load)
        fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y2 with vectors nohead lw 1 "
                   "lc rgb 'gray30' title 'measured load (right axis)'",
                sep, hr->x0, PLOT_FC_ACT_LOAD + 1, hr->width);
    fputc('\n', f);
    if (arrow)
        fputs("unset arrow\n", f);
    fputs("set ytics autofreq\n", f);
    if (load)
        fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
}

/* An hour is drawn as a horizontal segment (`with vectors`) from time_s to time_s + 1 h, so
 * an empty cell leaves a gap rather than being bridged as `with steps` would. */
void plot_forecast_put(FILE *f, const struct plot_wide *h, const struct plot_units *s,
                       const struct plot_fc *fc, const struct plot_xaxis *x,
                       struct plot_plan *plan)
{
    const struct plot_unit *g = fc_group(s);
    bool desired = g && plot_csv_has_data(h, g->desired);
    bool top = fc->has_data[PLOT_FC_LOAD] || fc->has_data[PLOT_FC_ACT_LOAD];
    bool bottom = fc->has_data[PLOT_FC_CAP] || fc->has_data[PLOT_FC_ACT_CAP] || desired;
    if (!top && !bottom) {
        plot_plan_skipped(plan, "forecast.png", "its columns hold no values");
        return;
    }
    plot_plan_made(plan, "forecast.png");
    struct hours hr;
    if (x->div != 1) {
        snprintf(hr.x0, sizeof hr.x0, "(column(1)/%g)", x->div);
        snprintf(hr.xmid, sizeof hr.xmid, "((column(1)+%g)/%g)", HOUR_S / 2, x->div);
    } else {
        snprintf(hr.x0, sizeof hr.x0, "1");
        snprintf(hr.xmid, sizeof hr.xmid, "(column(1)+%g)", HOUR_S / 2);
    }
    snprintf(hr.width, sizeof hr.width, "%.10g", HOUR_S / x->div);
    double t_end = fc->t_end;
    if (isfinite(h->t_last) && !(h->t_last <= t_end))
        t_end = h->t_last;

    fputs("\n# forecast.png\nfc = '" PLOT_FORECAST_CSV "'\n", f);
    int nmarks[3] = {0, 0, 0}, marks_max = 0;
    for (int b = 0; g && bottom && b < 3; b++) {
        for (int k = 0; k < g->nact; k++)
            nmarks[b] += fc_marks(&g->act[k], mark_which[b]);
        if (!nmarks[b])
            continue;
        fprintf(f, "%s << EOD\n", mark_block[b]);
        for (int k = 0; k < g->nact; k++) {
            const struct plot_activity *a = &g->act[k];
            if (!fc_marks(a, mark_which[b]))
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
    if (top)
        put_load_panel(f, fc, &hr, gap);
    if (bottom)
        put_capacity_panel(f, h, g, fc, &hr, nmarks, marks_max, x);
    if (gap)
        fputs("unset object 1\n", f);
    fputs("unset multiplot\n", f);
    plot_gp_reset(f);
}
