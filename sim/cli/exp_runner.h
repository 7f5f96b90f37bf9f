/*
 * exp_runner — what `elbsim compare` and `elbsim sweep` share on the command line: their
 * options, the checks of every point before anything runs, running one job for
 * analysis/exp_plan, and the first lines they print.
 *
 * The experiment itself (replications and their seeds, the worker processes, MPI ranks,
 * MSER-5 passes, the table of results) is analysis/exp_plan's.  It calls back here to run
 * one replication of one point: load the scenario with the user's `--set` overrides and
 * the point's values, take the job's seed and warm-up, run it with run_scenario into the
 * job's folder and keep the chosen summary values.
 *
 * Under MPI (make mpi) every rank parses and checks the command line, with stderr silenced
 * on all but rank 0 (analysis/exp_mpi); rank 0 alone prints and writes files.
 */
#ifndef ELBSIM_SIM_CLI_EXP_RUNNER_H
#define ELBSIM_SIM_CLI_EXP_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/exp_sweep.h"
#include "analysis/experiment.h"

enum exp_kind { EXP_COMPARE, EXP_SWEEP };

/* The command line of compare or sweep, and what was derived from it. */
struct exp_opts {
    enum exp_kind kind;
    const char *file;            /* scenario (borrowed from argv) */
    char **sets;                 /* the user's --set arguments (array owned, strings borrowed) */
    int nsets;
    struct exp_design design;    /* the --vary factors */
    struct exp_metric *metrics;  /* what to collect, owned: the table shows those marked
                                    shown (--metric, else the defaults), the CSV all but
                                    the helpers (counts for error_ratio's interval) */
    int nmetrics;
    bool metrics_given;          /* --metric was given: the table shows just those */
    int reps;                    /* replications per point */
    int jobs;                    /* -j: worker processes on this machine (rank) */
    double level;                /* confidence level, (0, 1) */
    bool mser5;                  /* --warmup mser5 */
    bool have_seed;
    uint64_t seed;               /* --seed: base seed instead of the scenario's */
    const char *out_dir;         /* -o; NULL = out/<name>-compare or -sweep */
    bool quiet;                  /* no table on stdout, no progress */
    bool keep_runs;              /* keep every run's folder in OUT/runs/ */
    int window;                  /* --window: runs gathered per round (0: the default,
                                    analysis/exp_plan) */
    const char *objectives;      /* sweep: --objectives X,Y (or --front X,Y); NULL: the
                                    default cost front */
    int front_x, front_y;        /* sweep: metric indices of the front's axes */
    int cost;                    /* sweep: metric index of cost_usd */
    const char *baseline_name;   /* compare: --baseline NAME (NULL: the first variant) */
    int baseline;                /* compare: the baseline's point */
    bool pairs;                  /* compare: --pairs, every pair of variants */
    /* Derived by exp_runner_prepare. */
    char *name;                  /* the scenario's name (owned) */
    uint64_t base_seed;          /* of the scenario as loaded with the user's --set */
    double warmup_s;             /* the scenario's warm-up */
    int npoints;
    int rank, nranks;            /* MPI rank and size (exp_mpi_begin); 0 and 1 without MPI */
    struct exp_slo *slos;        /* sweep: the scenario's SLOs on the metrics (owned) */
    int nslos;
};

/* Parse argv (argv[0] is the subcommand) into o, after exp_mpi_begin(&o->rank,
 * &o->nranks) (which it keeps).  Returns 0; -1 after --help (printed); or an exit status
 * (2, message printed). */
int exp_runner_parse(int argc, char **argv, enum exp_kind kind, const char *usage,
                     struct exp_opts *o);

/* Check everything before running: the scenario with the user's --set, each --vary value
 * on its own and every point, the metrics' scopes and names, --baseline.  Errors name the
 * --vary argument, the path and what was expected.  Adds the metrics of the front and the
 * SLOs (sweep; each once, shown only without --metric) and the counts error_ratio's
 * interval needs (helpers).  Returns 0 or EXIT_BAD_INPUT. */
int exp_runner_prepare(struct exp_opts *o);

/* Run every job (analysis/exp_plan) and fill t (exp_table_init'ed then; the caller finis
 * it, also after a failure).  Without --metric, a narrower scope's metric whose values are
 * those of the run-scope metric of the same name in every run (one workload: its p99 is
 * the run's) is not shown beside it but marked as its twin, so each number appears once.  Warns about a metric no run reported.
 * Returns 0, or EXIT_ENV after a run failed (reported). */
int exp_runner_run(struct exp_opts *o, struct exp_table *t);

/* The output folder (o->out_dir or the default), created.  Returns 0 or -1 (reported);
 * path is written into buf. */
int exp_runner_out_dir(const struct exp_opts *o, char *buf, size_t n);

/* Print the experiment's first lines (scenario, replications, seeds, warm-up, factors);
 * t gives the detected warm-ups with --warmup mser5. */
void exp_runner_print_header(const struct exp_opts *o, const struct exp_table *t,
                             const char *what);

void exp_runner_fini(struct exp_opts *o);

#endif
