/*
 * exp_sweep — what `elbsim sweep` makes of an experiment's table: every point on its own,
 * its mean and interval per metric (analysis/exp_interval), the Pareto front of two metrics
 * (analysis/pareto), whether it meets the scenario's SLOs, and the cheapest point that
 * does.
 *
 * Fronts and SLOs are judged on the mean over replications (for a proportion from counts,
 * the pooled ratio; NaN values left out); a point whose mean is NaN is on no front and
 * meets no SLO.  The default front, cost against a latency or SLO metric, is only drawn
 * when cost differs between points: a sweep whose varied values leave the cost the same
 * in every replication (a routing algorithm over a fixed fleet) has no cost trade-off to
 * show, and its "front" would merely be the points of least latency.
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
    double value;        /* in the metric's raw unit (s, USD, fraction) */
};

/* Per point: on the Pareto front of (mean of metric fx, mean of metric fy), both
 * minimised; whether it meets the SLOs (1, 0; -1 when there are none). */
struct exp_sweep_marks {
    int fx, fy;          /* metric indices of the front's axes; -1 when there is no front */
    int cost;            /* metric index of the cost ("cheapest point"); -1 if not collected */
    bool cost_varies;    /* the cost differs between two points in some replication */
    bool *pareto;        /* [npoints], owned; all false without a front */
    signed char *slo;    /* [npoints], owned */
};

/* Mark the table's points (metrics m): the front of metrics fx and fy, dropped when
 * cost_front (it is the default front, cost on fx) and the cost does not vary; the nslos
 * SLOs (borrowed).  cost: the cost metric's index or -1.  exp_sweep_marks_fini frees the
 * marks. */
void exp_sweep_marks_init(struct exp_sweep_marks *marks, const struct exp_table *t,
                          const struct exp_metric *m, int fx, int fy, bool cost_front, int cost,
                          const struct exp_slo *slos, int nslos);
void exp_sweep_marks_fini(struct exp_sweep_marks *marks);

/* The point that meets the SLOs with the least mean cost (the first of equals), or -1 when
 * none does, there are no SLOs or no cost metric. */
int exp_sweep_cheapest(const struct exp_table *t, const struct exp_sweep_marks *marks);

/* Write sweep.csv atomically: one row per point and metric (helpers left out),
 *   point,<factor paths...>,metric,unit,reps,mean,sd,ci_low,ci_high,interval,front,pareto,
 *   meets_slo
 * Values are raw in `unit` (summary_unit: s, USD, fraction, count, ...); interval names
 * the kind (t, t_nonneg, t_fraction, wilson); front is "x" or "y" on the rows of the
 * front's two metrics (empty otherwise, and everywhere without a front); pareto 1 or 0
 * (empty without a front); meets_slo 1, 0 or empty.  Returns 0, or -1 after reporting an
 * I/O error. */
int exp_sweep_write_csv(const char *path, const struct exp_design *d,
                        const struct exp_metric *m, const struct exp_table *t, double level,
                        const struct exp_sweep_marks *marks);

/* A table on f of the metrics marked shown: one line per point, the varied values (headed
 * by the shortest tail of each path that tells them apart), each metric's mean and
 * interval in its unit, the front and the SLO verdict; split into blocks of columns that
 * each fit EXP_FORMAT_WIDTH (the point and the varied values repeated); then a legend: the
 * interval of each metric, the metrics shown through a twin, the front. */
void exp_sweep_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                     const struct exp_table *t, double level,
                     const struct exp_sweep_marks *marks);

#endif
