/*
 * `elbsim plot DIR` — PNG plots of an output folder (analysis/plot does the work).
 *
 * The gnuplot program is `gnuplot` from PATH unless ELBSIM_GNUPLOT names another.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/plot.h"
#include "sim/cli/commands.h"
#include "sim/diag.h"

static void usage(FILE *f)
{
    fputs("usage: elbsim plot DIR\n"
          "\n"
          "Draw PNG plots of DIR, a folder written by `elbsim run`, `compare`, `sweep`,\n"
          "`forecast` or `calibrate`, with gnuplot.  A run's folder:\n"
          "  latency.png      client-observed latency percentiles (p50, p90, p99) over time;\n"
          "                   below, a strip marking scaling activities, targets turning\n"
          "                   healthy or unhealthy and faults (also on throughput.png)\n"
          "  latency_cdf.png  the latency distribution after the warm-up (DIR/latency.csv):\n"
          "                   the CDF, and its tail on a scale of nines\n"
          "  throughput.png   completed requests per second, errors and timeouts\n"
          "  utilization.png  CPU utilization of each target in %; beyond 8 targets, per\n"
          "                   target group, Auto Scaling group or ECS service the mean over\n"
          "                   a band from the lowest to the highest\n"
          "  inflight.png     requests in flight and waiting in target queues, grouped alike\n"
          "  capacity.png     auto scaling groups: desired, in service and pending against\n"
          "                   the offered load, scaling activities marked; ECS services:\n"
          "                   desired, running and pending + provisioning tasks, and below\n"
          "                   a service on EC2 its cluster's instances against the capacity\n"
          "                   provider reservation (%, dashed line at 100)\n"
          "  policy.png       each scaling policy's metric (named, with its unit) against its\n"
          "                   target or alarm threshold, the alarm state shaded\n"
          "  forecast.png     predictive scaling (DIR/forecast.csv): the hourly forecast\n"
          "                   against the measured load, and the capacity it scheduled\n"
          "                   against desired, in service and the load, predictive and\n"
          "                   dynamic scaling activities marked apart\n"
          "A target's lines stop when it leaves for good (terminated, deregistered), and one\n"
          "launched during the run starts when it first passes a health check.  The other\n"
          "commands' folders:\n"
          "  compare:   means.png (each variant's mean and interval per metric) and\n"
          "             forest.png (each variant's paired difference from the baseline)\n"
          "  sweep:     sweep.png (each metric against a varied value, interval bands),\n"
          "             heatmap.png (two varied values), pareto.png (the front, SLOs marked)\n"
          "  forecast:  forecast.png (the forecast against the history) and backtest.png\n"
          "             (each method's errors)\n"
          "  calibrate: qq.png (the sample's quantiles against each fit's)\n"
          "A plot whose columns are missing from DIR's CSV files is skipped.  The gnuplot\n"
          "script is kept as DIR/plots.gp; rerun it with `cd DIR && gnuplot plots.gp`.\n"
          "gnuplot's own messages are shown only when it fails.\n"
          "\n"
          "environment: ELBSIM_GNUPLOT  the gnuplot program to run (default: gnuplot)\n"
          "exit status: 0 ok, 1 I/O failure or gnuplot missing/failed, 2 bad input\n",
          f);
}

int cmd_plot(int argc, char **argv)
{
    const char *dir;
    int status;
    if (!cli_folder_arg(argc, argv, "plot", usage, &dir, &status))
        return status;

    struct stat st;
    if (stat(dir, &st) != 0) {
        diag_error(NULL, "cannot open '%s': %s", dir, strerror(errno));
        return EXIT_ENV;
    }
    if (!S_ISDIR(st.st_mode)) {
        diag_error(NULL, "cannot open '%s': %s", dir, strerror(ENOTDIR));
        return EXIT_ENV;
    }

    struct plot_plan plan;
    int rc = plot_write_script(dir, &plan);
    if (rc == PLOT_ERR_DATA)
        return EXIT_BAD_INPUT;
    if (rc != 0 && rc != PLOT_ERR_NOTHING)
        return EXIT_ENV;
    for (int i = 0; i < plan.nskipped; i++)
        fprintf(stderr, "elbsim: skipping %s: %s\n", plan.skipped[i], plan.skipped_why[i]);
    if (rc == PLOT_ERR_NOTHING) {
        diag_error(NULL, "%s/%s has nothing to plot (every figure is left out, see above); "
                   "nothing written", dir, plan.source);
        return EXIT_BAD_INPUT;
    }

    const char *gnuplot = getenv("ELBSIM_GNUPLOT");
    struct plot_files before;
    plot_files_snapshot(dir, &plan, &before);
    rc = plot_run_gnuplot(dir, gnuplot);
    if (rc == PLOT_ERR_NO_GNUPLOT) {
        fputs("elbsim: gnuplot not found; install it with `make deps` "
              "(Debian package gnuplot-nox)\n", stderr);
        if (gnuplot && *gnuplot)
            fprintf(stderr, "elbsim: (ELBSIM_GNUPLOT is set to '%s')\n", gnuplot);
        return EXIT_ENV;
    }
    if (rc != 0 || plot_files_check(dir, &plan, &before) > 0)
        return EXIT_ENV;
    for (int i = 0; i < plan.nmade; i++)
        printf("wrote %s/%s\n", dir, plan.made[i]);
    return EXIT_OK;
}
