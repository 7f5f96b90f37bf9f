/*
 * plot_impl — what the plot files share; not for use outside analysis/plot*.c.
 *
 * analysis/plot.c decides what kind of folder it has and writes the script in a fixed order,
 * one figure file after another (the order, and so the script, stays the same for the same
 * CSV files).  The figure files share:
 *
 *   plot_gp.c      writing the gnuplot script: quoting, the terminal, the preamble, the time
 *                  axis, building the script in memory and writing it atomically; running
 *                  gnuplot (plot_run_gnuplot)
 *   plot_csv.c     reading a CSV with libcsv (messages and error codes alike for every
 *                  input), and what the figures need of timeseries_wide.csv
 *   plot_units.c   the Auto Scaling groups, ECS services and clusters among the columns,
 *                  their policies, and what scenario.yaml says of those (metric, target)
 *   plot_events.c  events.csv: the units' scaling activities, the marks of the strip under
 *                  latency.png and throughput.png, and when each target served
 *
 * Columns are 1-based (as gnuplot numbers them; 0: not in the CSV) unless a comment says
 * otherwise.  Every put function writes to the script being built and cannot fail (an
 * open_memstream; its error shows when the script is closed).
 */
#ifndef ELBSIM_ANALYSIS_PLOT_IMPL_H
#define ELBSIM_ANALYSIS_PLOT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis/plot.h"

#define PLOT_SCRIPT_NAME "plots.gp"
#define PLOT_WIDE_CSV "timeseries_wide.csv"
#define PLOT_EVENTS_CSV "events.csv"
#define PLOT_FORECAST_CSV "forecast.csv"
#define PLOT_SWEEP_CSV "sweep.csv"
#define PLOT_COMPARE_CSV "compare.csv"
#define PLOT_BACKTEST_CSV "backtest.csv"
#define PLOT_LATENCY_CSV "latency.csv"
#define PLOT_CDF_PNG "latency_cdf.png"

/* ---- the plan (plot.c) ----------------------------------------------------------------- */

/* Record that the script draws png / leaves it out and why.  Strings are static. */
void plot_plan_made(struct plot_plan *plan, const char *png);
void plot_plan_skipped(struct plot_plan *plan, const char *png, const char *why);

/* ---- writing the script (plot_gp.c) ---------------------------------------------------- */

/* The time axis: time_s / div is plotted, in seconds, minutes or hours. */
struct plot_xaxis {
    double div;        /* 1, 60 or 3600 */
    const char *label; /* "simulated time (s)", ... */
};

/* The axis for a run whose last row is at t_last (s). */
struct plot_xaxis plot_gp_xaxis_for(double t_last);

/* s as a gnuplot single-quoted string ('' for a quote; control characters as spaces). */
void plot_gp_quoted(FILE *f, const char *s);

/* s as a gnuplot double-quoted string, for labels: '"' and '\\' escaped, a line break
 * as \n (a label of two lines), other control characters as spaces.  Text in a datablock
 * cannot hold a '"' at all (gnuplot has no escape there): labels go in `set label`. */
void plot_gp_dquoted(FILE *f, const char *s);

/* The terminal for a figure of npanels panels stacked vertically (pngcairo when gnuplot
 * has it, else png; 1200 wide, 700 high for one panel, 400 per panel for more). */
void plot_gp_terminal(FILE *f, int npanels);

/* The opening of a run's script: comments, the terminal, `data = 'timeseries_wide.csv'`,
 * grid and key. */
void plot_gp_preamble(FILE *f);

/* Panels stacked in one figure, all as wide as the figure, with fixed margins (so their
 * axes line up) and one key for all of them under the figure's title. */
struct plot_stack {
    int npanels;
    int panel_px;    /* height of a panel's plot area */
    int gap_px;      /* between two panels: room for tics, an x label or a panel title */
    int left_px;     /* left margin: the y tics and label */
    int right_px;    /* right margin */
    int key_rows;    /* rows of the key; 0: no key */
};

/* The terminal, `set output` and `set multiplot` of a stacked figure with title; the key
 * (when st->key_rows) goes under the title, so only the first panel should draw it:
 * `set key off` after its plot. */
void plot_gp_stack(FILE *f, const char *png, const char *title, const struct plot_stack *st);

/* The rows a key of entries titles, the longest of `longest` characters, needs to fit
 * 1200 pixels (for struct plot_stack's key_rows). */
int plot_gp_key_rows(int entries, size_t longest);

/* The x part of a `using` on source ("data skip 1", a datablock): time_s in x's unit. */
void plot_gp_using_x(FILE *f, const char *source, const struct plot_xaxis *x);

/* Into buf, "set xrange [0:T]\n" for a run ending at t_last (s), or "" when unknown. */
void plot_gp_xrange(char *buf, size_t n, double t_last, const struct plot_xaxis *x);

/* After a multi-panel figure: x autoscaled again and the one-panel terminal. */
void plot_gp_reset(FILE *f);

/* A script built in memory, then written to path through a temporary and a rename. */
struct plot_gp {
    FILE *f;          /* what the put functions write to */
    char *text;       /* owned by the stream until plot_gp_commit */
    size_t len;
    const char *path; /* borrowed */
};

/* Start a script for path.  Returns 0, or PLOT_ERR_IO after a message. */
int plot_gp_open(struct plot_gp *gp, const char *path);

/* Close the stream and write the script to gp->path atomically; frees the text.  Returns
 * 0, or PLOT_ERR_IO after a message (nothing is left at path then). */
int plot_gp_commit(struct plot_gp *gp);

/* Commit the script when plan draws a figure; otherwise discard it and return
 * PLOT_ERR_NOTHING (bad input leaves no file behind). */
int plot_gp_finish(struct plot_gp *gp, const struct plot_plan *plan);

/* The terminal for a figure of width x height pixels (pngcairo when there, else png). */
void plot_gp_terminal_size(FILE *f, int width, int height);

/* ---- reading the CSV inputs (plot_csv.c) ------------------------------------------------ */

typedef void plot_csv_field_fn(void *text, size_t len, void *data);
typedef void plot_csv_record_fn(int c, void *data);

#define PLOT_CSV_ABSENT 1 /* plot_csv_read: an optional file is not there */

/* Parse path with libcsv, fields appended a NUL, calling field and record with data.
 * An optional file that does not exist returns PLOT_CSV_ABSENT, quietly.  Returns 0, or
 * PLOT_ERR_IO / PLOT_ERR_DATA (malformed CSV) after a message naming path. */
int plot_csv_read(const char *path, bool optional, plot_csv_field_fn *field,
                  plot_csv_record_fn *record, void *data);

/* What the run's figures need of timeseries_wide.csv, gathered in one pass: the labels,
 * which columns hold any value, and the times of the first, second and last rows.
 * Memory O(columns). */
struct plot_wide {
    char **cols;     /* labels, owned; cols[0] is time_s */
    bool *has_data;  /* has_data[i]: column i (0-based) has a non-empty cell in some row */
    int ncols, cap;
    int records;     /* complete records seen (header included) */
    int field;       /* field number within the current record */
    double t[2];     /* s, time of data rows 1 and 2 */
    double t_last;   /* s, time of the last row */
};

/* Read path into *w (O(file) time).  Returns 0 or a PLOT_ERR_* after a message, also for
 * a header not starting with time_s or a file without data rows.  Free *w in any case. */
int plot_csv_wide_read(const char *path, struct plot_wide *w);
void plot_csv_wide_free(struct plot_wide *w);

/* A small CSV read whole (sweep.csv, compare.csv, backtest.csv): cells[row][col], row 0
 * the header; every row has the header's number of fields. */
struct plot_table {
    char ***cells;   /* owned */
    int nrows;       /* header included */
    int ncols;       /* the header's fields */
    /* parser state */
    int *ncells, cap, field;
    int bad_row;     /* 1-based line of the first row with another number of fields; 0 */
};

/* Read path whole.  Returns 0, PLOT_CSV_ABSENT (optional and not there), or a PLOT_ERR_*
 * after a message naming path (also for a row whose number of fields is not the header's,
 * and an empty file).  Free *t in any case. */
int plot_csv_table_read(const char *path, bool optional, struct plot_table *t);

/* The 0-based column headed name, -1 when absent. */
int plot_csv_table_col(const struct plot_table *t, const char *name);

/* The number in a cell; NAN for an empty or non-numeric cell, a column of -1, or a row
 * outside the data rows. */
double plot_csv_table_num(const struct plot_table *t, int row, int col);

void plot_csv_table_free(struct plot_table *t);

/* Column col (1-based; 0 = absent) has a value in some row. */
bool plot_csv_has_data(const struct plot_wide *w, int col);

/* Split "scope.name.metric" (name may contain dots) and test scope and metric; NULL scope
 * or metric matches anything.  On a match *name / *name_len give the name. */
bool plot_csv_label_is(const char *label, const char *scope, const char *metric,
                       const char **name, int *name_len);

/* ---- groups, ECS services and clusters (plot_units.c) ----------------------------------- */

/* What a capacity panel shows: an Auto Scaling group's instances, an ECS service's tasks,
 * or the instances of the cluster under an ECS service on the EC2 launch type. */
enum plot_unit_kind {
    PLOT_UNIT_GROUP,   /* asg.G.*: desired, in_service, pending */
    PLOT_UNIT_SERVICE, /* ecs.SVC.*: desired, running, pending + provisioning */
    PLOT_UNIT_CLUSTER, /* ecs_cluster.CL.*: desired, in_service, pending; cpr_pct */
    PLOT_UNIT_DEPLOYMENT, /* deployment.D.*: desired, ready, creating + pending */
    PLOT_UNIT_EKS,     /* eks_cluster.C.*: nodes_ready, nodes_launching; cpu_requested_pct */
};

/* What started a scaling activity, from the start of its detail. */
enum plot_cause {
    PLOT_CAUSE_OTHER,      /* scheduled actions, terminations, ... */
    PLOT_CAUSE_DYNAMIC,    /* "Alarm ...": simple, step and target tracking policies */
    PLOT_CAUSE_PREDICTIVE, /* "Predictive scaling policy ..." */
};

/* One scaling activity of a unit, from events.csv. */
struct plot_activity {
    double t_s;     /* s */
    int from, to;   /* desired capacity before and after; from == to when the detail names
                       no change ("Terminating EC2 instance: ...") */
    enum plot_cause cause;
};

/* A horizontal line on a policy's metric: a target tracking policy's target and the level
 * its scale-in alarm acts below, or a step or simple policy's alarm threshold. */
struct plot_level {
    double value;   /* in the metric's unit */
    bool main;      /* the target or the threshold (solid), else the scale-in level (dashed) */
    char title[160]; /* "target 50 %", "scale in below 35 % (0.7 x target)", ... */
};

/* One policy of a group or service: its two series, and from DIR/scenario.yaml what its
 * metric is and the levels it acts at. */
struct plot_policy {
    char *name;     /* owned */
    int metric;     /* asg.GROUP.POLICY.metric (ecs.SVC.POLICY.metric): the datapoint the
                       policy last saw */
    int alarm;      /* asg.GROUP.POLICY.alarm: 0 INSUFFICIENT_DATA, 1 OK, 2 ALARM */
    char what[160]; /* "ASGAverageCPUUtilization (%)"; "" when scenario.yaml is not there */
    struct plot_level level[2];
    int nlevel;
};

/* One group, ECS service or ECS cluster: its capacity columns, policies in column order
 * and scaling activities in file (time) order.  A service's running tasks go in
 * in_service; provisioning and cpr_pct stay 0 for a group. */
struct plot_unit {
    enum plot_unit_kind kind;
    char *name;       /* owned */
    int desired, in_service, pending;
    int provisioning; /* ecs.SVC.provisioning: tasks waiting for room on an instance */
    int cpr_pct;      /* ecs_cluster.CL.cpr_pct: CapacityProviderReservation, % */
    int service;      /* a cluster's service: index in plot_units.g; -1 when unknown */
    struct plot_policy *pol;
    int npol;
    struct plot_activity *act;
    int nact, capact;
};

/* The units of a run in the order their first column appears, and the columns of offered
 * load (workload.*.requests holding a value). */
struct plot_units {
    struct plot_unit *g;
    int n;
    int *load;
    int nload;
};

/* Find the units, their policies and the load columns among w's labels (see plot_units.c
 * for how names with dots and a cluster's service are told).  Free with plot_units_free. */
void plot_units_find(struct plot_units *s, const struct plot_wide *w);

/* The unit of that kind and name (kind < 0: any kind, the first in column order); -1. */
int plot_units_index(const struct plot_units *s, int kind, const char *name, size_t len);

/* Each policy's metric and levels from DIR/scenario.yaml (the run's scenario, defaults
 * filled in); a folder without one leaves them unknown.  Returns 0, or PLOT_ERR_DATA after
 * the parser's message when the file is not YAML. */
int plot_units_read_scenario(const char *dir, struct plot_units *s);

void plot_units_free(struct plot_units *s);

/* A dotted vertical line at each of g's activities (arrows numbered from 1). */
void plot_units_put_activity_lines(FILE *f, const struct plot_unit *g,
                                   const struct plot_xaxis *x);

/* ---- events.csv (plot_events.c) --------------------------------------------------------- */

/* What latency.png and throughput.png mark in their strip of events. */
enum plot_mark_kind {
    PLOT_MARK_SCALE_OUT,   /* a scaling activity raising the desired capacity */
    PLOT_MARK_SCALE_IN,    /* ... lowering it */
    PLOT_MARK_SCALING,     /* ... naming no change (a replacement, a termination) */
    PLOT_MARK_HEALTHY,     /* a target turned healthy (also a new one coming into service) */
    PLOT_MARK_UNHEALTHY,   /* a target turned unhealthy */
    PLOT_MARK_FAULT_START, /* an injected fault starts */
    PLOT_MARK_FAULT_END,
    PLOT_MARK_NKINDS
};

struct plot_mark {
    double t_s; /* s */
    enum plot_mark_kind kind;
};

/* When a target served: from its first health check passed, when it came during the run
 * ("initial -> healthy"), to when it left for good ("... -> unused": deregistered after
 * draining, terminated).  Its lines are drawn only in between. */
struct plot_span {
    char *name;     /* owned */
    double start_s; /* s; NAN: from the start of the run */
    double end_s;   /* s; NAN: to its end */
};

/* The events of a run, in file (time) order. */
struct plot_events {
    struct plot_mark *mark;
    int nmark, capmark;
    struct plot_span *span; /* per target with a start or an end, in order of first event */
    int nspan, capspan;
    bool blocks_put; /* the script holds the marks' datablocks (the first strip wrote them) */
};

/* Read DIR/events.csv: scaling rows into the units' activities (matched by name and the
 * kind their detail tells), and the marks and ends.  A folder without one has none.
 * Returns 0 or a PLOT_ERR_* after a message (also for a wrong header).  Free *ev with
 * plot_events_free in any case. */
int plot_events_read(const char *dir, struct plot_units *s, struct plot_events *ev);
void plot_events_free(struct plot_events *ev);

/* When the target name[0..len) came into service and left for good (s; NAN: at the
 * start / end of the run). */
void plot_events_span(const struct plot_events *ev, const char *name, size_t len,
                      double *start_s, double *end_s);

/* The marks as datablocks $marks_K (K = kind + 1, rows "time_s,strip row"), once per
 * script: before the first figure that draws a strip, so a script without one has none. */
void plot_events_put_blocks(FILE *f, struct plot_events *ev);

/* Dotted lines through a panel at the scaling activities and fault starts (none when
 * there are too many to read the data through them); `unset arrow` after the plot. */
void plot_events_put_lines(FILE *f, const struct plot_events *ev, const struct plot_xaxis *x);

/* The strip's settings and plot: a row per kind of event present (scaling, health,
 * faults), its marks, the key below and the time axis labelled. */
void plot_events_put_strip(FILE *f, const struct plot_events *ev, const struct plot_xaxis *x);

/* ---- the figures, one file each --------------------------------------------------------- */

/* A legend of more curves than this hides the figure: curves are then grouped or summed. */
#define PLOT_LEGEND_MAX 8

/* One curve of a time-series figure: a column of timeseries_wide.csv, or a datablock of a
 * group's mean and range. */
struct plot_curve {
    int col;          /* 1-based column of data */
    double scale;     /* plotted = value * scale */
    bool y2;          /* on the right-hand axis */
    double start_s;   /* s: the target came into service; earlier intervals not drawn; NAN */
    double end_s;     /* s: the target left for good; later intervals not drawn; NAN */
    const int *sum;   /* instead of col: the sum of these columns (a missing value as 0);
                         borrowed */
    int nsum;         /* columns in sum; 0: col is drawn */
    bool spread;      /* with sum: instead of their sum, the mean of the columns with a value
                         over a band from the lowest to the highest */
    char block[32];   /* instead of col: a datablock "time_s,mean,min,max" ("$group_1_2"),
                         drawn as its mean over a min-max band; "" */
    char title[200];
};

/* A figure of curves over time; c has room for one per column.  Columns that match but
 * hold no value at all are counted, not drawn. */
struct plot_figure {
    struct plot_curve *c;
    int n;                /* curves drawn */
    int matched;          /* columns that matched, with or without data */
    const bool *has_data; /* per column (0-based), from struct plot_wide */
    const char *png, *title, *ylabel;
    const char *y2label;  /* NULL: no right-hand axis */
    bool logy;
};

/* Count a matching column and add its curve when it holds a value: titled "NAME WHAT". */
void plot_series_add(struct plot_figure *fig, int col, double scale, bool y2, const char *name,
                     int name_len, const char *what);

/* Replace the curves fig->c[from..n) by one, their sum, titled title; cols receives their
 * columns and must outlive the figure (room for n - from).  Nothing when from == n. */
void plot_series_sum(struct plot_figure *fig, int from, int *cols, const char *title);

/* The same, but one curve of their mean over a band from the lowest to the highest. */
void plot_series_spread(struct plot_figure *fig, int from, int *cols, const char *title);

/* Record the outcome of one figure in plan; true when it is to be drawn. */
bool plot_series_plan(struct plot_plan *plan, const char *png, const struct plot_figure *fig);

/* "per 1 s interval", or "per interval" when the interval is unknown. */
void plot_series_interval_text(char *buf, size_t n, double interval_s);

/* Write one figure: output, titles, the plot command, then undo its settings.  With ev
 * holding marks, a strip of events under it (a two-panel figure); ev may be NULL. */
void plot_series_put_figure(FILE *f, const struct plot_figure *fig, const struct plot_xaxis *x,
                            double t_last, double interval_s, struct plot_events *ev);

/* latency.png and throughput.png (plot_series.c); ev may be NULL. */
void plot_series_put_latency(FILE *f, const struct plot_wide *w, const struct plot_xaxis *x,
                             struct plot_events *ev, struct plot_plan *plan);
void plot_series_put_throughput(FILE *f, const struct plot_wide *w, const struct plot_xaxis *x,
                                struct plot_events *ev, struct plot_plan *plan);

/* utilization.png and inflight.png (plot_targets.c): the targets' curves, or per group of
 * targets its mean and range.  plot_targets_read makes the second pass over
 * timeseries_wide.csv that the groups need (before anything is written); free with
 * plot_targets_free. */
struct plot_targets;
int plot_targets_read(const char *csv, const struct plot_wide *w, const struct plot_units *s,
                      const struct plot_events *ev, double interval_s,
                      struct plot_targets **out);
void plot_targets_put(FILE *f, const struct plot_targets *tg, const struct plot_xaxis *x,
                      struct plot_plan *plan);
void plot_targets_free(struct plot_targets *tg);

/* latency_cdf.png (plot_cdf.c) from DIR/latency.csv.  plot_cdf_read returns 0 (also when
 * the file is absent: t then holds no rows) or a PLOT_ERR_* after a message (a wrong
 * header); free t with plot_csv_table_free in any case. */
int plot_cdf_read(const char *dir, struct plot_table *t);
void plot_cdf_put(FILE *f, const struct plot_table *t, struct plot_plan *plan);

/* capacity.png (plot_capacity.c) and policy.png (plot_policy.c), when s has units. */
void plot_capacity_put(FILE *f, const struct plot_wide *w, const struct plot_units *s,
                       const struct plot_xaxis *x, struct plot_plan *plan);
void plot_policy_put(FILE *f, const struct plot_wide *w, const struct plot_units *s,
                     const struct plot_xaxis *x, struct plot_plan *plan);

/* forecast.csv's columns, in the order `elbsim run` writes them (sim/cli/run.c). */
enum { PLOT_FC_TIME, PLOT_FC_LOAD, PLOT_FC_CAP, PLOT_FC_ACT_LOAD, PLOT_FC_ACT_CAP,
       PLOT_FC_NCOLS };

/* What forecast.png needs of forecast.csv, gathered in one pass: which columns hold a
 * value, when the first forecast starts and when the last hour ends.  Memory O(1). */
struct plot_fc {
    bool present;                  /* the folder has a forecast.csv */
    bool has_data[PLOT_FC_NCOLS];  /* column k (0-based) has a non-empty cell in some row */
    double t_first_fc;             /* s, start of the first hour with a forecast_load; NAN */
    double t_end;                  /* s, end of the last hour; NAN without rows */
    /* parser state */
    int field, records;            /* records: complete records seen (header included) */
    bool bad_header;
    double t_row;                  /* s, time of the current row; NAN when not a number */
};

/* Read DIR/forecast.csv into *fc; without one fc->present is false (plot_forecast.c).
 * Returns 0 or a PLOT_ERR_* after a message (also for a wrong header). */
int plot_forecast_read(const char *dir, struct plot_fc *fc);

/* forecast.png, when fc->present (plot_forecast.c). */
void plot_forecast_put(FILE *f, const struct plot_wide *w, const struct plot_units *s,
                       const struct plot_fc *fc, const struct plot_xaxis *x,
                       struct plot_plan *plan);

/* ---- a forecast backtest (plot_backtest.c) ------------------------------------------------ */

/* The whole script of the folder `elbsim forecast` writes: forecast.png and backtest.png.
 * Returns 0 or a PLOT_ERR_* (PLOT_ERR_NOTHING without a message); nothing is written then. */
int plot_backtest_write(const char *dir, struct plot_plan *plan);

/* ---- a comparison (plot_compare.c) ------------------------------------------------------- */

/* The whole script of a comparison's folder: means.png and forest.png.  Returns 0 or a
 * PLOT_ERR_* (PLOT_ERR_NOTHING without a message); nothing is written then. */
int plot_compare_write(const char *dir, struct plot_plan *plan);

/* ---- a sweep (plot_sweep.c) -------------------------------------------------------------- */

/* A metric of an experiment's CSV as the figures show it, in the unit elbsim's tables use
 * (summary_unit: latencies in ms, fractions in %, dollars). */
struct plot_metric {
    const char *name;  /* borrowed, e.g. "latency_p99_s" or "workload.web.latency_p99_s" */
    double scale;      /* shown value = raw value * scale */
    char unit[16];     /* the shown unit: "ms", "$", "%", ... */
    char label[200];   /* "latency_p99_s (ms)" */
};

/* name's unit (from its last dot-separated part) into *m. */
void plot_metric_init(struct plot_metric *m, const char *name);

/* A mean and its confidence interval in the shown unit; NAN where absent (an interval
 * that is absent is the mean itself). */
struct plot_est {
    double mean, lo, hi;
};

/* sweep.csv as the figures see it.  Points are numbered as in the file; a point's values
 * of the varied paths are cells 1..nf of its row. */
struct plot_sweep {
    const struct plot_table *t;  /* borrowed */
    int nf;                      /* varied paths: columns 1..nf */
    const char **fname;          /* per path: the last part of its name ("count") */
    int np;                      /* points 0..np-1 */
    int *row;                    /* per point: a row holding it; -1 when none does */
    int *meets;                  /* per point: meets_slo 1 or 0; -1 when not stated */
    bool *pareto;                /* per point: on the Pareto front */
    int nm;                      /* metrics, in order of first appearance */
    struct plot_metric *m;
    struct plot_est *v;          /* v[p * nm + k]: point p, metric k */
    int fx, fy;                  /* the front's x and y metrics; -1 without a front */
};

/* The estimate of metric k at point p. */
const struct plot_est *plot_sweep_est(const struct plot_sweep *sw, int p, int k);

/* True when metric k's intervals are all above 0 and span two orders of magnitude or
 * more: its axis is then logarithmic, so an overloaded point leaves the others readable. */
bool plot_sweep_wide(const struct plot_sweep *sw, int k);

/* v for a label: 4 significant digits ("221.7", "0.02094"), whole numbers from 10^4 to
 * 10^9 ("23860" rather than "2.386e+04"). */
void plot_num(char *buf, size_t n, double v);

/* Point p's value of varied path f (0-based). */
const char *plot_sweep_value(const struct plot_sweep *sw, int p, int f);

/* The whole script of a sweep's folder: sweep.png, pareto.png and heatmap.png.  Returns 0
 * or a PLOT_ERR_* (PLOT_ERR_NOTHING without a message); nothing is written then. */
int plot_sweep_write(const char *dir, struct plot_plan *plan);

/* sweep.png (plot_sweepline.c), pareto.png (plot_pareto.c), heatmap.png (plot_heatmap.c). */
void plot_sweepline_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan);
void plot_pareto_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan);
void plot_heatmap_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan);

#endif
