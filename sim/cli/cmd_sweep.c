/*
 * `elbsim sweep` — the cross product of varied scenario values, each point replicated,
 * with confidence intervals, the Pareto front of cost against a latency or SLO metric,
 * on all cores and, built with `make mpi`, across machines: the options and the output
 * (sim/cli/exp_runner runs a point, analysis/exp_plan the experiment, analysis/exp_sweep
 * reports).
 */
#include <stdio.h>
#include <stdlib.h>

#include "analysis/exp_mpi.h"
#include "analysis/exp_sweep.h"
#include "analysis/experiment.h"
#include "sim/cli/commands.h"
#include "sim/cli/exp_runner.h"
#include "sim/text.h"

static const char usage[] =
    "usage: elbsim sweep SCENARIO.yaml --vary PATH=VALUES [--vary ...] [--reps N] [-j N]\n"
    "                    [--metric M ...] [--objectives X,Y] [--confidence L]\n"
    "                    [--warmup mser5] [--seed N] [--set PATH=VALUE ...] [-o DIR]\n"
    "                    [--keep-runs] [--window N] [-q]\n"
    "Runs every point of the cross product of the --vary values, each replicated on the same\n"
    "seeds, and writes sweep.csv: one row per point and metric with the mean and its\n"
    "confidence interval (kept within the values the metric can take), the Pareto front of\n"
    "X against Y marked.  `elbsim plot DIR` draws the front (pareto.png) and, with two\n"
    "varied paths, a heat map (heatmap.png).\n"
    "  --vary PATH=VALUES  a,b,c or FROM..TO[:STEP] (30..70:10, 1m..5m:1m); PATH may end in\n"
    "                      a parameter of a call (workloads.web.arrivals.rate=100/s..400/s:\n"
    "                      100/s for arrivals: poisson(rate=...)); repeat for more\n"
    "  --reps N            replications per point (default 3)\n"
    "  -j N                worker processes (default: the number of cores; under mpirun,\n"
    "                      per rank)\n"
    "  --metric M          summary metric: latency_p99_s (whole run) or scope.name.metric,\n"
    "                      or short: p50, p90, p99, p999, mean, max, cost, throughput;\n"
    "                      repeat or comma-separate: the table shows these, sweep.csv also\n"
    "                      the front's, the SLOs' and cost_usd (default: the table shows\n"
    "                      latency_p99_s, error_ratio, cost_usd, the front's and the SLOs';\n"
    "                      sweep.csv adds latency_mean_s)\n"
    "  --objectives X,Y    the two metrics of the Pareto front, both minimised, short names\n"
    "                      allowed (p99,cost); --front X,Y is the same.  Default: cost_usd\n"
    "                      against the first SLO's metric, else latency_p99_s, drawn only\n"
    "                      when the varied values change the cost\n"
    "  --confidence L      confidence level, 0.95 (default) or 95%\n"
    "  --warmup mser5      detect each run's warm-up with MSER-5 (runs everything twice)\n"
    "  --seed N            base seed instead of the scenario's `seed`\n"
    "  -o DIR              output folder (default out/<scenario name>-sweep): sweep.csv\n"
    "  --keep-runs         keep every run's output folder in DIR/runs/p<point>-r<rep>\n"
    "  --window N          run in rounds of N runs, their results written to disk after\n"
    "                      each, so memory does not grow with the runs (default: all at\n"
    "                      once; 256 under MPI, gathered on rank 0 round by round)\n"
    "  -q                  no table on stdout, no progress\n"
    "Across machines: mpirun -n K build-mpi/elbsim sweep ... (built by `make mpi`).\n"
    "exit status: 0 ok, 1 I/O failure, 2 bad input\n";

int cmd_sweep(int argc, char **argv)
{
    struct exp_opts o;
    exp_mpi_begin(&o.rank, &o.nranks);
    exp_mpi_quiet_begin(o.rank);
    int rc = exp_runner_parse(argc, argv, EXP_SWEEP, usage, &o);
    if (rc == 0)
        rc = exp_runner_prepare(&o);
    exp_mpi_quiet_end();
    if (rc) {
        exp_runner_fini(&o);
        exp_mpi_end();
        return rc < 0 ? EXIT_OK : rc;
    }
    struct exp_table t;
    rc = exp_runner_run(&o, &t);
    if (rc == 0 && o.rank == 0) {
        struct exp_sweep_marks marks;
        exp_sweep_marks_init(&marks, &t, o.metrics, o.front_x, o.front_y, !o.objectives, o.cost,
                             o.slos, o.nslos);
        char dir[4096];
        if (exp_runner_out_dir(&o, dir, sizeof dir)) {
            rc = EXIT_ENV;
        } else {
            char *csv = text_join_path(dir, "sweep.csv");
            if (exp_sweep_write_csv(csv, &o.design, o.metrics, &t, o.level, &marks))
                rc = EXIT_ENV;
            if (rc == 0 && !o.quiet) {
                exp_runner_print_header(&o, &t, "sweep");
                putchar('\n');
                exp_sweep_print(stdout, &o.design, o.metrics, &t, o.level, &marks);
                /* The question users bring: the cheapest point that meets the SLOs. */
                int best = exp_sweep_cheapest(&t, &marks);
                if (best >= 0 && marks.cost_varies) {
                    char *label = exp_design_label(&o.design, best);
                    printf("cheapest point that meets the SLOs (by mean %s): %d (%s)\n",
                           o.metrics[o.cost].label, best, label);
                    free(label);
                } else if (best >= 0) {
                    printf("points that meet the SLOs (all at the same %s):",
                           o.metrics[o.cost].label);
                    for (int p = 0; p < o.npoints; p++)
                        if (marks.slo[p] == 1)
                            printf(" %d", p);
                    putchar('\n');
                } else if (o.npoints > 0 && marks.slo[0] >= 0) {
                    printf("no point meets the SLOs\n");
                }
                printf("\nwrote %s\n", csv);
            }
            free(csv);
        }
        exp_sweep_marks_fini(&marks);
    }
    exp_table_fini(&t);
    exp_runner_fini(&o);
    exp_mpi_end();
    return rc;
}
