/*
 * exp_runner — what `elbsim compare` and `elbsim sweep` share: their command line, the
 * checks of every point before anything runs, and the execution of the runs.
 *
 * A job is one replication of one point (job = point * reps + rep).  It loads the
 * scenario with the user's `--set` overrides and the point's values, takes the seed
 * exp_rep_seed(scenario seed, rep), runs it with run_scenario into a scratch folder and
 * keeps the chosen summary values (analysis/experiment).  Jobs run in this process
 * (-j 1), or in up to -j forked worker processes, each job in its own process, which
 * sends its values back through a pipe as raw doubles: the table, and so every output,
 * is the same bytes whatever -j is.  Processes rather than threads because the engine and
 * the diagnostics keep process-wide state.
 *
 * Built with ELBSIM_MPI (make mpi), the jobs are dealt round robin over the MPI ranks
 * (each rank running its share with its own -j, 1 by default), and the tables are gathered
 * on every rank; rank 0 alone prints and writes files.  Without it, this is one rank.
 *
 * Warm-up: the scenario's, or with `--warmup mser5` a first pass over every job reads
 * the per-interval mean latency of each workload (timeseries.csv), applies MSER-5
 * (analysis/stats) and the jobs run again with that warm-up: twice the work.
 */
#ifndef ELBSIM_SIM_CLI_EXP_RUNNER_H
#define ELBSIM_SIM_CLI_EXP_RUNNER_H

#include <stdbool.h>
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
    struct exp_metric *metrics;  /* what to collect, owned */
    int nmetrics;
    int reps;                    /* replications per point */
    int jobs;                    /* -j: worker processes on this machine (rank) */
    double level;                /* confidence level, (0, 1) */
    bool mser5;                  /* --warmup mser5 */
    bool have_seed;
    uint64_t seed;               /* --seed: base seed instead of the scenario's */
    const char *out_dir;         /* -o; NULL = out/<name>-compare or -sweep */
    bool quiet;                  /* no table on stdout, no progress */
    bool keep_runs;              /* keep every run's folder in OUT/runs/ */
    const char *front;           /* sweep: --front X,Y (NULL = default) */
    int front_x, front_y;        /* sweep: metric indices of the front's axes */
    /* Derived by exp_runner_prepare. */
    char *name;                  /* the scenario's name (owned) */
    uint64_t base_seed;          /* of the scenario as loaded with the user's --set */
    double warmup_s;             /* the scenario's warm-up */
    int npoints;
    int rank, nranks;            /* MPI rank and size; 0 and 1 without MPI */
    struct exp_slo *slos;        /* sweep: the scenario's SLOs on the metrics (owned) */
    int nslos;
    double *warm_used;           /* per job: the warm-up that applied, s (owned) */
};

/* Parse argv (argv[0] is the subcommand) into o, after exp_runner_mpi_begin(o) (whose
 * rank and size it keeps).  Returns 0; -1 after --help (printed);
 * or an exit status (2, message printed). */
int exp_runner_parse(int argc, char **argv, enum exp_kind kind, const char *usage,
                     struct exp_opts *o);

/* Check everything before running: the scenario with the user's --set, each --vary value
 * on its own and every point, the metrics' scopes and names.  Errors name the --vary
 * argument, the path and what was expected.  Returns 0 or EXIT_BAD_INPUT. */
int exp_runner_prepare(struct exp_opts *o);

/* Run every job and fill t (exp_table_init'ed by this function; the caller finis it).
 * Returns 0, or EXIT_ENV after a run failed (reported). */
int exp_runner_run(struct exp_opts *o, struct exp_table *t);

/* The output folder (o->out_dir or the default), created.  Returns 0 or -1 (reported);
 * path is written into buf. */
int exp_runner_out_dir(const struct exp_opts *o, char *buf, size_t n);

/* Print the experiment's first lines (scenario, replications, seeds, warm-up). */
void exp_runner_print_header(const struct exp_opts *o, const char *what);

/* Start and end MPI when built with it (no-ops otherwise); ranks other than 0 send
 * stdout to /dev/null. */
void exp_runner_mpi_begin(struct exp_opts *o);
void exp_runner_mpi_end(void);

/* While checking input on every rank, only rank 0 prints: other ranks silence stderr
 * between _quiet_begin and _quiet_end. */
void exp_runner_quiet_begin(const struct exp_opts *o);
void exp_runner_quiet_end(const struct exp_opts *o);

void exp_runner_fini(struct exp_opts *o);

#endif
