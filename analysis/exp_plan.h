/*
 * exp_plan — how an experiment's runs are executed: every replication of every point (a
 * job) on this machine's cores (analysis/exp_pool) and across MPI ranks
 * (analysis/exp_mpi), after an MSER-5 pilot pass when the warm-up is to be detected.
 *
 * Job j is replication j % reps of point j / reps.  Rank r runs jobs r, r + nranks, ...
 * with up to `jobs` worker processes, each result at its job's place in the table, so the
 * table, and every output made from it, is the same bytes whatever -j, the number of ranks
 * and the window.
 *
 * Window: by default (one rank) every job runs in one go, straight into the table.  Under
 * MPI, or when a window is given, the jobs run in rounds of `window` jobs: after each
 * round rank 0 gathers its results (analysis/exp_mpi) and appends them, in job order, to
 * a file in the scratch folder; the table then maps that file (exp_table_map).  So the
 * results rank 0 holds in memory are one window's (window x nmetrics doubles), whatever
 * the number of runs; the other ranks' table has no values.
 *
 * This module knows nothing of scenarios: the caller runs one job through struct
 * exp_job_ops (sim/cli loads the scenario with the point's values and runs it).  Each
 * run writes its files into a folder of its own in a scratch folder inside the
 * experiment's folder (one per process, as ranks may share a file system), removed once
 * read; with keep_runs the runs stay, as OUT/runs/p<point>-r<rep>.
 *
 * Warm-up: the scenario's, or with mser5 a pilot pass over every job first: each run's
 * warm-up is detected (analysis/exp_warmup) and the jobs run again with it (twice the
 * work).  With warmup_per_rep (compare) replication r of every point gets the latest of
 * their warm-ups, so each pair is measured over the same window; otherwise (sweep) each
 * run keeps its own.
 */
#ifndef ELBSIM_ANALYSIS_EXP_PLAN_H
#define ELBSIM_ANALYSIS_EXP_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/experiment.h"

/* One run, as the caller's exp_job_ops sees it. */
struct exp_job {
    int point;          /* its values: exp_design_set(design, point, k) for each factor k */
    int rep;            /* replication, 0 .. reps - 1 */
    double warmup_s;    /* the warm-up to apply, s; NaN: the scenario's own */
    const char *dir;    /* folder for the run's files, which the run makes (borrowed) */
    bool have_seed;     /* the plan's --seed (read through exp_job_seed) */
    uint64_t seed;
};

/* What the caller supplies: running one job.  ctx is the caller's, passed back. */
struct exp_job_ops {
    /* Run job in this process, seeded with exp_job_seed(job, the seed of the point's
     * scenario), with the warm-up job->warmup_s unless NaN, writing the run's files
     * (timeseries.csv at least) into job->dir; fill values[0..nmetrics) with the run's
     * metrics (NaN on entry: no value).  Returns 0, or -1 after reporting.  With more than
     * one worker this runs in a child process, which exits afterwards. */
    int (*run)(void *ctx, const struct exp_job *job, double *values);
};

/* The runs of an experiment and where they happen. */
struct exp_plan {
    const struct exp_design *design; /* the points (borrowed) */
    int reps;                        /* replications per point, >= 1 */
    int nmetrics;                    /* values per run */
    int jobs;                        /* worker processes on this rank (-j) */
    int rank, nranks;                /* this process among the MPI ranks (exp_mpi_begin) */
    bool have_seed;                  /* --seed given: seed is the base of the replication */
    uint64_t seed;                   /* seeds, instead of each point's scenario seed */
    bool mser5;                      /* detect the warm-up: a pilot pass first */
    bool warmup_per_rep;             /* mser5: one warm-up per replication (compare) */
    const char *out_dir;             /* the experiment's folder, existing (borrowed) */
    bool keep_runs;                  /* keep each run's files in out_dir/runs/p<p>-r<r> */
    bool progress;                   /* progress on stderr (rank 0, when it is a terminal) */
    int window;                      /* jobs per round (see above); 0: all at once with one
                                        rank, EXP_PLAN_WINDOW under MPI */
};

/* The window under MPI when none is given: 256 jobs, 2 KB per metric at rank 0. */
#define EXP_PLAN_WINDOW 256

/* The seed of a job's run: replication rep's seed (exp_rep_seed) from the plan's --seed,
 * or else from scenario_seed, the seed of the point's scenario (which --vary may set). */
uint64_t exp_job_seed(const struct exp_job *job, uint64_t scenario_seed);

/* Run every job of the plan through ops and fill t, exp_table_init'ed here (the caller
 * finis it, also after a failure): the values of every run and, with mser5, the warm-up
 * each had (NaN without); under MPI or with a window, the values on rank 0 only (v NULL on
 * the others).  Collective under MPI.  Returns 0, or -1 after a run failed (on
 * any rank) or a folder could not be made (reported). */
int exp_plan_run(const struct exp_plan *plan, const struct exp_job_ops *ops, void *ctx,
                 struct exp_table *t);

#endif
