/*
 * exp_compare — what `elbsim compare` makes of an experiment's table: every point (a
 * variant) with its mean and interval, every variant against the baseline, and on request
 * every pair of variants, each difference paired on the replications.
 *
 * Replication r of every variant ran on the same seed (common random numbers), so the
 * difference is taken per replication and its t-interval is usually much narrower than the
 * unpaired (Welch) interval of the same runs, which is shown beside it for contrast.  Each
 * difference gets a verdict (analysis/exp_interval: significant, identical, exact, below the
 * histogram's resolution, ...) and a p-value; when several differences of one metric are
 * read together (the variants against the baseline, or every pair) Holm-Bonferroni says
 * which stay significant at the family-wise level 1 - confidence.
 */
#ifndef ELBSIM_ANALYSIS_EXP_COMPARE_H
#define ELBSIM_ANALYSIS_EXP_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "analysis/experiment.h"

/* What to compare. */
struct exp_compare_opts {
    int baseline; /* the point the others are compared with */
    bool pairs;   /* also every pair of points */
    double level; /* confidence level, (0, 1) */
};

/* Write compare.csv atomically (analysis/csvout).  Columns:
 *   metric,unit,kind,variant,baseline,reps,mean,sd,ci_low,ci_high,interval,significant,
 *   verdict,p_value,holm_significant,unpaired_ci_low,unpaired_ci_high,confidence
 * Values are raw in `unit` (summary_unit's raw unit: s, USD, fraction, count, ...).  kind
 * "mean": a variant's mean over replications (for wilson the pooled ratio) and its
 * interval (`interval`: t, t_nonneg, t_fraction, wilson); kind "difference": variant minus
 * baseline per replication (interval paired_t), significant 1, 0 or empty (no claim),
 * verdict (exp_interval), p_value, holm_significant (Holm-Bonferroni over the metric's
 * differences from the baseline) and the unpaired (Welch) interval of the same runs; with
 * pairs, kind "pair": every later variant minus every earlier one, Holm over the metric's
 * pairs.  Helper metrics (counts) are left out.  Returns 0, or -1 after reporting an I/O
 * error. */
int exp_compare_write_csv(const char *path, const struct exp_design *d,
                          const struct exp_metric *m, const struct exp_table *t,
                          const struct exp_compare_opts *c);

/* The same as a readable table on f, for the metrics marked shown: per metric, the
 * variants numbered from 1 with their means and intervals, the differences from the
 * baseline with their paired and unpaired intervals and verdicts, with pairs every pair
 * with its p-value; then a legend of the verdicts that occurred. */
void exp_compare_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                       const struct exp_table *t, const struct exp_compare_opts *c);

#endif
