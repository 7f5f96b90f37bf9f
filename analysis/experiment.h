/*
 * experiment — the design and the results of a simulation experiment: which scenario
 * values vary (factors), the points of their cross product, the replications of each
 * point and their seeds, what is measured (summary metrics), and the table of
 * measurements.  What is made of the table is elsewhere: analysis/exp_compare and
 * analysis/exp_sweep; how the runs are executed: analysis/exp_plan.
 *
 * A factor is a scenario path and a list of values, written `--vary PATH=V1,V2,...`
 * (DESIGN.md "Command line").  Values are split at commas outside brackets and quotes, so
 * `demand=lognormal(median=20ms, p99=200ms),exp(mean=20ms)` is two values.  A value
 * FROM..TO[:STEP] is a range: FROM, FROM+STEP, ... up to TO (STEP 1 by default), numbers
 * with an optional unit written on both ends (30..70:10, 1m..5m:1m, 100/s..400/s:100/s).
 * Points are numbered 0.. with the last factor varying fastest (odometer order).
 *
 * Replication r of every point runs with the seed exp_rep_seed(scenario seed, r), so the
 * points of an experiment see the same random numbers (common random numbers).
 *
 * Measurements are kept in one table of doubles, NaN where a run had no value; every
 * output is a function of that table alone, so it does not depend on how or where the
 * runs were executed.  This module knows nothing of scenarios or models.
 *
 * Errors in a --vary or --metric argument are reported through sim/diag as
 * "elbsim: error: --vary 'ARG': ..." naming the path and what was expected.
 */
#ifndef ELBSIM_ANALYSIS_EXPERIMENT_H
#define ELBSIM_ANALYSIS_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* At most this many values per factor, and points per experiment. */
#define EXP_MAX_VALUES 10000
#define EXP_MAX_POINTS 1000000

/* One varied scenario value. */
struct exp_factor {
    char *arg;          /* the --vary argument as given (owned) */
    char *path;         /* scenario path, e.g. target_groups.app.algorithm (owned) */
    char **values;      /* nvalues texts, each owned */
    size_t *value_off;  /* offset in arg of the text each value came from */
    int nvalues;
};

/* The factors of an experiment; their cross product is its points. */
struct exp_design {
    struct exp_factor *f; /* nf factors, owned */
    int nf;
};

/* One summary value to collect: the row (scope, name, metric) of summary.csv.  Labels are
 * canonical (short names resolved, "run.X" written "X"), so one metric is one label. */
struct exp_metric {
    char *scope, *name, *metric; /* owned */
    char *label;                 /* "latency_p99_s" for the run scope, else
                                    "scope.name.metric" (owned) */
    bool shown;                  /* a column of the printed table (else in the CSV only) */
    bool helper;                 /* collected only for another metric's interval: in no
                                    output */
    int num, den;                /* a proportion from counts (error_ratio: failed of
                                    requests): the indices of those metrics; -1 if none */
    int twin;                    /* a metric shown instead, with the same value in every
                                    run (the run's p99 for its one workload's); -1 if none */
};

/* The measurements: v[(point * reps + rep) * nmetrics + m], NaN = no value; and per run
 * (point * reps + rep) the warm-up that applied to it. */
struct exp_table {
    int npoints, reps, nmetrics;
    double *v;        /* owned: from malloc, or a private mapping of a file (v_map_bytes) */
    size_t v_map_bytes; /* bytes mapped when v maps a file (exp_table_map), else 0 */
    double *warmup_s; /* [npoints * reps], s; NaN until the runs are done (owned) */
};

/* Parse a --vary argument into f.  Returns 0, or -1 after reporting what is wrong (no
 * '=', an empty path or value list, an empty value, a malformed range). */
int exp_factor_parse(const char *arg, struct exp_factor *f);

/* Append a factor parsed from arg to d.  Returns 0 or -1 (reported), also when the cross
 * product would exceed EXP_MAX_POINTS or the path is varied twice. */
int exp_design_add(struct exp_design *d, const char *arg);

/* Free the factors (the struct itself is the caller's). */
void exp_design_fini(struct exp_design *d);

/* Number of points: the product of the factors' value counts (1 with no factor). */
int exp_design_npoints(const struct exp_design *d);

/* The value index of each factor at point p (idx has d->nf entries). */
void exp_design_point(const struct exp_design *d, int p, int *idx);

/* "PATH=VALUE" of factor k at point p, as `--set` takes it (caller frees). */
char *exp_design_set(const struct exp_design *d, int p, int k);

/* The values of point p joined by ", " (caller frees): a short name of the point. */
char *exp_design_label(const struct exp_design *d, int p);

/* Parse "metric" or "run.metric" (the run scope) or "scope.name.metric" (name may hold
 * dots).  The metric may be a short name: p50, p90, p99, p999 (latency_pNN_s), mean
 * (latency_mean_s), max (latency_max_s), cost (cost_usd), throughput (throughput_rps).  The
 * result is not shown, no helper, without counts or twin (num, den, twin -1).  Returns 0,
 * or -1 after reporting. */
int exp_metric_parse(const char *text, struct exp_metric *m);

void exp_metric_fini(struct exp_metric *m);

/* The short names exp_metric_parse takes, "p50, p90, ..., throughput", for messages. */
const char *exp_metric_short_names(void);

/* The seed of replication rep for a scenario seed: sim_rng_mix(seed, "rep.<rep>"). */
uint64_t exp_rep_seed(uint64_t seed, int rep);

/* A table of npoints x reps x nmetrics NaNs (warm-ups NaN too).  exp_table_fini frees it. */
void exp_table_init(struct exp_table *t, int npoints, int reps, int nmetrics);
void exp_table_fini(struct exp_table *t);

/* As exp_table_init, but without values (v NULL): they are to come from a file through
 * exp_table_map. */
void exp_table_init_shape(struct exp_table *t, int npoints, int reps, int nmetrics);

/* Take the values from fd, which holds the npoints x reps x nmetrics doubles in table
 * order as raw bytes: v becomes a private mapping of the file, so the table costs page
 * cache, which the kernel may drop, rather than memory of this process; exp_table_fini
 * unmaps it, and fd may be closed (and the file removed) once this returns.  Returns 0, or
 * -1 with errno set (v then NULL). */
int exp_table_map(struct exp_table *t, int fd);

/* Pointer to the nmetrics values of (point, rep). */
double *exp_table_at(const struct exp_table *t, int point, int rep);

/* The reps values of metric m at point, into x[0..reps). */
void exp_table_column(const struct exp_table *t, int point, int m, double *x);

/* Whether any run has a value of metric m (none: most likely a misspelt metric). */
bool exp_table_has_metric(const struct exp_table *t, int m);

#endif
