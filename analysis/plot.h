/*
 * plot — PNG plots of an output folder, drawn by gnuplot from timeseries_wide.csv.
 *
 * plot_write_script reads the CSV once (O(file) time, O(columns) memory: the labels,
 * which columns hold any value, the first two times to name the interval and the last
 * time to pick seconds, minutes or hours for the time axis) and writes DIR/plots.gp, one
 * plot per figure whose columns exist and hold at least one value:
 *
 *   latency.png      workload.*.latency_p50_s / _p90_s / _p99_s, in ms, log scale
 *   throughput.png   workload.*.throughput_rps; workload.*.errors / .timeouts on the
 *                    right-hand axis (counts per interval)
 *   utilization.png  target.*.utilization (a fraction) in %
 *   inflight.png     every *.in_flight and target.*.queue_length
 *
 * and, when the CSV has Auto Scaling group series (asg.*) or ECS service series (ecs.*,
 * ecs_cluster.*), one panel per group, service, cluster or policy, in column order:
 *
 *   capacity.png     asg.G.desired / .in_service / .pending (steps) against the offered load
 *                    (workload.*.requests summed, per second) on the right-hand axis; the
 *                    group's `scaling` rows of DIR/events.csv as dotted lines, with a
 *                    triangle up or down at the new desired capacity when the detail says
 *                    "from X to Y".  An ECS service's panel is the same for its tasks:
 *                    ecs.SVC.desired, .running, .pending + .provisioning.  Below a service
 *                    on the EC2 launch type, its cluster's instances
 *                    (ecs_cluster.CL.desired / .in_service / .pending) with the capacity
 *                    provider reservation (.cpr_pct, a dashed line at 100 %) on the
 *                    right-hand axis instead of the load.  The columns do not name a
 *                    cluster's service: it is the last service before the cluster's columns.
 *   policy.png       asg.G.P.metric and asg.G.P.alarm (INSUFFICIENT_DATA, OK, ALARM), and
 *                    ecs.SVC.P.metric / .alarm alike
 *
 * and, when DIR/forecast.csv exists (a run with a predictive scaling policy; its header
 * time_s,forecast_load,forecast_capacity,actual_load,actual_capacity, one row per hour):
 *
 *   forecast.png     top: forecast_load (a segment per hour) against actual_load (a point
 *                    per hour), the hours before the first forecast shaded; bottom:
 *                    forecast_capacity and actual_capacity (segments per hour) with the
 *                    group's asg.G.desired (steps) and actual_load on the right-hand axis,
 *                    predictive scaling activities (events.csv details "Predictive scaling
 *                    policy ...") as diamonds and dynamic ones ("Alarm ...") as triangles.
 *                    G is the first group with a predictive activity, else the only group
 *                    (ECS services are not candidates); without one the desired capacity
 *                    is left out.
 *
 * Column labels (`scope.name.metric`) contain dots and dashes, so the script refers to
 * columns by number.  It picks the pngcairo terminal when gnuplot has it, else png, at
 * 1200x700, and can be rerun by hand from DIR (`gnuplot plots.gp`).
 * plot_run_gnuplot runs it with gnuplot's working directory set to DIR.
 *
 * A folder written by `elbsim sweep` (sweep.csv and no timeseries_wide.csv) gets instead:
 *
 *   pareto.png       each point's mean of the front's y metric (with its confidence
 *                    interval) against its x metric (cost), the Pareto front drawn and
 *                    labelled with the points' values
 *   heatmap.png      with exactly two varied paths: the mean y metric per pair of values
 *
 * (the data go into the script as datablocks, so it runs on its own).
 *
 * A missing events.csv only leaves the activities out; a missing forecast.csv, forecast.png.
 *
 * Leaves out: SVG output, events.csv overlays other than scaling (health, faults).
 */
#ifndef ELBSIM_ANALYSIS_PLOT_H
#define ELBSIM_ANALYSIS_PLOT_H

/* Error returns (0 is success). */
enum {
    PLOT_ERR_IO = -1,          /* a file could not be read or written (message printed) */
    PLOT_ERR_DATA = -2,        /* a CSV is malformed or lacks its header or rows (printed) */
    PLOT_ERR_NO_GNUPLOT = -3,  /* the gnuplot program could not be started (no message) */
    PLOT_ERR_GNUPLOT = -4,     /* gnuplot ran and failed (message printed) */
};

#define PLOT_MAX 8

/* What plot_write_script put into the script.  Strings are static. */
struct plot_plan {
    int nmade;
    const char *made[PLOT_MAX];    /* PNG file names the script draws, e.g. "latency.png" */
    int nskipped;
    const char *skipped[PLOT_MAX]; /* PNG file names left out ... */
    const char *skipped_why[PLOT_MAX]; /* ... and why: columns missing, or all empty */
    double interval_s;             /* s, from the first two rows; NAN with one row */
};

/* Read DIR/timeseries_wide.csv (DIR/events.csv when there are asg.* or ECS series, and
 * DIR/forecast.csv when present) and write DIR/plots.gp atomically, filling *plan.
 * A script with no plots is still written (plan->nmade == 0).  Returns 0, PLOT_ERR_IO or
 * PLOT_ERR_DATA (also for an events.csv or forecast.csv with a wrong header), after
 * printing the path and the reason; nothing is written then. */
int plot_write_script(const char *dir, struct plot_plan *plan);

/* Run `GNUPLOT -e "cd 'DIR'; load 'plots.gp'"`, where GNUPLOT is a program name looked up
 * in PATH or a path (NULL means "gnuplot"); gnuplot's own messages go to stderr.  Returns
 * 0, PLOT_ERR_NO_GNUPLOT when it cannot be started (the caller explains how to install
 * it), or PLOT_ERR_GNUPLOT. */
int plot_run_gnuplot(const char *dir, const char *gnuplot);

#endif
