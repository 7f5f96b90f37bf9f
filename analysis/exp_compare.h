/*
 * exp_compare — what `elbsim compare` makes of an experiment's table: every point (a
 * variant) against point 0 (the baseline), paired on the replications.
 *
 * Replication r of every variant ran on the same seed (common random numbers), so the
 * difference variant - baseline is taken per replication and its t-interval is usually
 * much narrower than the unpaired (Welch) interval of the same runs, which is shown
 * beside it for contrast (analysis/stats).  A difference is significant when its interval
 * excludes zero.
 */
#ifndef ELBSIM_ANALYSIS_EXP_COMPARE_H
#define ELBSIM_ANALYSIS_EXP_COMPARE_H

#include <stdio.h>

#include "analysis/experiment.h"

/* Write compare.csv atomically (analysis/csvout).  Columns:
 *   metric,kind,variant,baseline,reps,mean,sd,ci_low,ci_high,significant,
 *   unpaired_ci_low,unpaired_ci_high,confidence
 * kind "mean": the variant's mean over replications and its t-interval; kind
 * "difference": variant minus baseline (point 0) per replication, its mean and t-interval,
 * significant 1 when the interval excludes zero, and the unpaired (Welch) interval of the
 * same difference for contrast.  Per metric: the means of all variants, then the
 * differences.  Returns 0, or -1 after reporting an I/O error. */
int exp_compare_write_csv(const char *path, const struct exp_design *d,
                          const struct exp_metric *m, const struct exp_table *t,
                          double level);

/* The same as a readable table on f: per metric, each variant's mean and interval, then
 * each difference with its paired and its unpaired interval. */
void exp_compare_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                       const struct exp_table *t, double level);

#endif
