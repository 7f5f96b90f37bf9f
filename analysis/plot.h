/*
 * plot — PNG plots of an output folder: DIR/plots.gp, a gnuplot script, and gnuplot run
 * on it.
 *
 * A run's folder (timeseries_wide.csv; events.csv, latency.csv, scenario.yaml and
 * forecast.csv when there):
 *
 *   latency.png       latency percentiles of each workload, events  plot/plot_series.c
 *                     marked in a strip under them                  plot/plot_events.c
 *   latency_cdf.png   latency distribution (latency.csv)            plot/plot_cdf.c
 *   throughput.png    completed requests/s, errors and timeouts     plot/plot_series.c
 *   utilization.png   CPU utilization of each target, or per group  plot/plot_targets.c
 *                     of targets its mean over a min-max band
 *   inflight.png      requests in flight and waiting in queues      plot/plot_targets.c
 *   capacity.png      groups, ECS services and clusters: capacity   plot/plot_capacity.c
 *                     against load, scaling activities marked
 *   policy.png        each scaling policy's metric against its      plot/plot_policy.c
 *                     target or threshold, alarm state shaded
 *   forecast.png      predictive scaling: forecast against actual   plot/plot_forecast.c
 *
 * A sweep's folder (sweep.csv and no timeseries_wide.csv; plot/plot_sweep.c):
 *
 *   sweep.png         each metric against a varied value, one line  plot/plot_sweepline.c
 *                     per value of the others, interval bands
 *   pareto.png        the front's two metrics and the Pareto front  plot/plot_pareto.c
 *   heatmap.png       a metric over two varied paths, intervals     plot/plot_heatmap.c
 *
 * A comparison's folder (compare.csv; plot/plot_compare.c):
 *
 *   means.png         each variant's mean and interval, per metric
 *   forest.png        each variant's paired difference from the baseline, its verdict
 *
 * A calibration's folder (qq.csv; plot/plot_calibrate.c):
 *
 *   qq.png            the sample's quantiles against each fitted distribution's
 *
 * A forecast backtest's folder (backtest.csv and forecast.csv; plot/plot_backtest.c):
 *
 *   forecast.png      the forecast in force each hour against the actual load (and capacity)
 *   backtest.png      each method's errors: MAPE, bias, under-forecast hours
 *
 * Each file's opening comment says which columns its figure draws and how.  A figure
 * whose columns are missing or hold no value is left out (struct plot_plan says which and
 * why); a missing events.csv only leaves the events out, a missing latency.csv the CDF, a
 * missing scenario.yaml the policies' targets and units.  The script refers to
 * columns by number (labels `scope.name.metric` contain dots and dashes), picks the
 * pngcairo terminal when gnuplot has it, else png, at 1200x700, carries the data it
 * computes as datablocks, and can be rerun by hand from DIR (`gnuplot plots.gp`).  What
 * the files share is in plot/plot_impl.h.
 *
 * SVG: plot_run_gnuplot_svg runs the same script with gnuplot's svg terminal (each figure
 * file then holds SVG text under its .png name), for `elbsim report`.
 */
#ifndef ELBSIM_ANALYSIS_PLOT_H
#define ELBSIM_ANALYSIS_PLOT_H

#include <stdbool.h>

/* Error returns (0 is success). */
enum {
    PLOT_ERR_IO = -1,          /* a file could not be read or written (message printed) */
    PLOT_ERR_DATA = -2,        /* a CSV is malformed or lacks its header or rows (printed) */
    PLOT_ERR_NO_GNUPLOT = -3,  /* the gnuplot program could not be started (no message) */
    PLOT_ERR_GNUPLOT = -4,     /* gnuplot ran and failed (message printed, with what
                                  gnuplot said) */
    PLOT_ERR_NOTHING = -5,     /* no figure has anything to draw: nothing written, no
                                  message (the plan's skipped figures say why) */
};

#define PLOT_MAX 12 /* figures of one folder, drawn or left out */

/* What plot_write_script put into the script.  Strings are static. */
struct plot_plan {
    const char *source;            /* the file the figures come from: "timeseries_wide.csv",
                                      "sweep.csv", "compare.csv" or "backtest.csv" */
    int nmade;
    const char *made[PLOT_MAX];    /* PNG file names the script draws, e.g. "latency.png" */
    int nskipped;
    const char *skipped[PLOT_MAX]; /* PNG file names left out ... */
    const char *skipped_why[PLOT_MAX]; /* ... and why: columns missing, or all empty */
    double interval_s;             /* s, from the first two rows; NAN with one row */
    double time_div;               /* a run's figures: s per unit of their time axis (1, 60
                                      or 3600); 0 for the other folders */
};

/* Read DIR/timeseries_wide.csv (DIR/events.csv when there are asg.* or ECS series, and
 * DIR/forecast.csv when present), or DIR/sweep.csv in a sweep's folder, and write
 * DIR/plots.gp atomically, filling *plan.  O(file) time, O(columns) memory for the time
 * series.  Returns 0, PLOT_ERR_IO or PLOT_ERR_DATA (also for an events.csv or forecast.csv
 * with a wrong header) after printing the path and the reason, or PLOT_ERR_NOTHING (no
 * message; plan->skipped says why); nothing is written then. */
int plot_write_script(const char *dir, struct plot_plan *plan);

/* Run `GNUPLOT -e "cd 'DIR'; load 'plots.gp'"`, where GNUPLOT is a program name looked up
 * in PATH or a path (NULL means "gnuplot").  gnuplot's output goes to a temporary file and
 * is shown only when it fails, in the message naming the script.  Returns 0,
 * PLOT_ERR_NO_GNUPLOT when it cannot be started (the caller explains how to install it),
 * PLOT_ERR_IO (no temporary file, message printed) or PLOT_ERR_GNUPLOT. */
int plot_run_gnuplot(const char *dir, const char *gnuplot);

/* As plot_run_gnuplot, with gnuplot's svg terminal: every figure file the plan names holds
 * an SVG document (its name still ends in .png).  For a scratch folder, not the user's. */
int plot_run_gnuplot_svg(const char *dir, const char *gnuplot);

/* The state of the plan's PNG files before gnuplot runs, to tell afterwards which it
 * really wrote: a file counts as written when it exists, is not empty, and is new or
 * changed (modification time or size) since the snapshot. */
struct plot_files {
    bool existed[PLOT_MAX];
    long long size[PLOT_MAX];
    long long mtime_ns[PLOT_MAX];
};

void plot_files_snapshot(const char *dir, const struct plot_plan *plan, struct plot_files *before);

/* After gnuplot exited 0: report every planned PNG it did not write (path and what is
 * wrong with it) and return how many; 0 when all were written. */
int plot_files_check(const char *dir, const struct plot_plan *plan,
                     const struct plot_files *before);

#endif
