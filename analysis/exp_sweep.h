/*
 * exp_sweep — what `elbsim sweep` makes of an experiment's table: every point on its own,
 * its mean and t-interval per metric, the Pareto front of two metrics (analysis/pareto),
 * whether it meets the scenario's SLOs, and the cheapest point that does.
 *
 * Fronts and SLOs are judged on the mean over replications (NaN values left out); a point
 * whose mean is NaN is on no front and meets no SLO.
 */
#ifndef ELBSIM_ANALYSIS_EXP_SWEEP_H
#define ELBSIM_ANALYSIS_EXP_SWEEP_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/experiment.h"

enum exp_slo_op { EXP_SLO_LT, EXP_SLO_LE, EXP_SLO_GT, EXP_SLO_GE };

/* One SLO on the table: the mean of metric `metric` OP value (e.g. latency_p99_s < 0.5). */
struct exp_slo {
    int metric;          /* index into the table's metrics */
    enum exp_slo_op op;
    double value;        /* in the metric's unit (s, $, ratio) */
};

/* Per point: on the Pareto front of (mean of metric fx, mean of metric fy), both
 * minimised; whether it meets the SLOs (1, 0; -1 when there are none). */
struct exp_sweep_marks {
    int fx, fy;          /* metric indices of the front's axes */
    bool *pareto;        /* [npoints], owned */
    signed char *slo;    /* [npoints], owned */
};

/* Mark the table's points: the front of metrics fx and fy, and the nslos SLOs (borrowed).
 * exp_sweep_marks_fini frees the marks. */
void exp_sweep_marks_init(struct exp_sweep_marks *marks, const struct exp_table *t, int fx,
                          int fy, const struct exp_slo *slos, int nslos);
void exp_sweep_marks_fini(struct exp_sweep_marks *marks);

/* The point that meets the SLOs with the least mean of metric fx (the first of equals),
 * or -1 when none does (or there are no SLOs). */
int exp_sweep_cheapest(const struct exp_table *t, const struct exp_sweep_marks *marks);

/* Write sweep.csv atomically: one row per point and metric,
 *   point,<factor paths...>,metric,reps,mean,sd,ci_low,ci_high,front,pareto,meets_slo
 * front is "x" or "y" on the rows of the front's two metrics (empty otherwise); pareto 1
 * or 0; meets_slo 1, 0 or empty.  Returns 0, or -1 after reporting an I/O error. */
int exp_sweep_write_csv(const char *path, const struct exp_design *d,
                        const struct exp_metric *m, const struct exp_table *t, double level,
                        const struct exp_sweep_marks *marks);

/* A table on f: one line per point, mean ± half width of each metric, the front marked. */
void exp_sweep_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                     const struct exp_table *t, double level,
                     const struct exp_sweep_marks *marks);

#endif
