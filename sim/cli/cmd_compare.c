/*
 * `elbsim compare` — variants of a scenario on the same replication seeds, with
 * confidence intervals of each variant's mean and of the paired differences: the options
 * and the output (sim/cli/exp_runner runs a variant, analysis/exp_plan the experiment,
 * analysis/exp_compare reports).
 */
#include <stdio.h>
#include <stdlib.h>

#include "analysis/exp_compare.h"
#include "analysis/exp_format.h"
#include "analysis/exp_mpi.h"
#include "analysis/experiment.h"
#include "sim/cli/commands.h"
#include "sim/cli/exp_runner.h"
#include "sim/text.h"

static const char usage[] =
    "usage: elbsim compare SCENARIO.yaml --vary PATH=A,B[,C...] [--reps N] [--metric M ...]\n"
    "                      [--baseline NAME] [--pairs] [-j N] [--confidence L]\n"
    "                      [--warmup mser5] [--seed N] [--set PATH=VALUE ...] [-o DIR]\n"
    "                      [--keep-runs] [--window N] [-q]\n"
    "Runs every variant on the same N replication seeds (common random numbers: the same\n"
    "requests with the same demands) and prints, per metric, each variant's mean with its\n"
    "confidence interval (kept within the values the metric can take), and the paired\n"
    "difference from the baseline with its own interval and verdict (significant when it\n"
    "excludes 0; identical, exact, below the histogram's resolution: see\n"
    "docs/experiments.md), beside the unpaired (Welch) interval.\n"
    "  --vary PATH=VALUES  values of a scenario path, or of a parameter inside a call\n"
    "                      (workloads.web.arrivals.rate=100/s,200/s); several --vary: their\n"
    "                      cross product (values: a,b,c or FROM..TO[:STEP], e.g. 2..8:2)\n"
    "  --reps N            replications per variant (default 5, at least 2)\n"
    "  --metric M          summary metric: latency_p99_s (whole run) or scope.name.metric,\n"
    "                      e.g. workload.shoppers.latency_p99_s, or short: p50, p90, p99,\n"
    "                      p999, mean, max, cost, throughput; repeat or comma-separate\n"
    "                      (default latency_mean_s, latency_p99_s, error_ratio, throughput_rps)\n"
    "  --baseline NAME     the variant the others are compared with, by its label as\n"
    "                      printed (default: the first)\n"
    "  --pairs             also every pair of variants, with Holm-Bonferroni over the pairs\n"
    "  -j N                worker processes (default: the number of cores)\n"
    "  --confidence L      confidence level, 0.95 (default) or 95%\n"
    "  --warmup mser5      detect the warm-up with MSER-5 (runs everything twice) instead\n"
    "                      of the scenario's `warmup`\n"
    "  --seed N            base seed instead of the scenario's `seed`\n"
    "  -o DIR              output folder (default out/<scenario name>-compare): compare.csv\n"
    "  --keep-runs         keep every run's output folder in DIR/runs/p<point>-r<rep>\n"
    "  --window N          run in rounds of N runs, their results written to disk after\n"
    "                      each, so memory does not grow with the runs (default: all at\n"
    "                      once; 256 under MPI, gathered on rank 0 round by round)\n"
    "  -q                  no table on stdout\n"
    "exit status: 0 ok, 1 I/O failure, 2 bad input\n";

int cmd_compare(int argc, char **argv)
{
    struct exp_opts o;
    exp_mpi_begin(&o.rank, &o.nranks);
    exp_mpi_quiet_begin(o.rank);
    int rc = exp_runner_parse(argc, argv, EXP_COMPARE, usage, &o);
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
        char dir[4096];
        if (exp_runner_out_dir(&o, dir, sizeof dir)) {
            rc = EXIT_ENV;
        } else {
            char *csv = text_join_path(dir, "compare.csv");
            struct exp_compare_opts c = {.baseline = o.baseline, .pairs = o.pairs,
                                         .level = o.level};
            if (exp_compare_write_csv(csv, &o.design, o.metrics, &t, &c))
                rc = EXIT_ENV;
            if (rc == 0 && !o.quiet) {
                exp_runner_print_header(&o, &t, "compare");
                char *base = exp_design_label(&o.design, o.baseline), line[4096];
                snprintf(line, sizeof line, "baseline: %s%s; differences are variant - "
                         "baseline, paired per replication", base,
                         o.baseline_name ? "" : " (the first variant)");
                exp_format_wrap(stdout, line, 0, 2);
                free(base);
                exp_compare_print(stdout, &o.design, o.metrics, &t, &c);
                printf("\nwrote %s\n", csv);
            }
            free(csv);
        }
    }
    exp_table_fini(&t);
    exp_runner_fini(&o);
    exp_mpi_end();
    return rc;
}
