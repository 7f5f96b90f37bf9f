/*
 * exp_interval — which confidence interval each metric of an experiment gets, and what a
 * paired comparison of two points may honestly conclude.
 *
 * The interval follows the values the metric can take (summary_unit's range, from its name):
 *   t            Student-t, for metrics of any sign (a forecast's bias);
 *   t_nonneg     Student-t cut at 0, for times, counts, cost and rates;
 *   t_fraction   Student-t cut to [0, 1], for fractions without counts (utilization);
 *   wilson       Wilson's score interval with an effective sample size, for a proportion
 *                whose counts the runs report (error_ratio: failed of requests); its
 *                estimate is the pooled ratio sum(failed) / sum(requests).
 * Cutting keeps the coverage of the t-interval (analysis/stats explains why and the Wilson
 * interval).  tests/test_experiment.c measures the coverage of each against closed forms.
 * A histogram percentile (latency_p99_s: sim/histogram) is known only within HIST_REL_ERR
 * of itself, so its interval is widened by that much on each side: replications that fall
 * in the same bucket do not make a zero-width interval.
 *
 * A paired difference (variant b minus variant a, per replication) gets a t-interval (of
 * the pseudo-values for a proportion, cut to [-1, 1]) and one of these verdicts, checked
 * in this order:
 *   none              fewer than 2 pairs: no interval;
 *   identical         every difference is 0: the same in every replication;
 *   below_resolution  a histogram percentile (latency_pNN_s) whose mean difference is
 *                     smaller than HIST_REL_ERR (sim/histogram) times the sum of the two
 *                     means: within the buckets' error, so no difference is claimed;
 *   exact             the same non-zero difference in every replication while neither
 *                     variant varies between replications (the metric does not depend on
 *                     the random numbers, e.g. the cost of a fixed fleet): a certain
 *                     difference, counted as significant;
 *   constant          the same non-zero difference in every replication though the
 *                     values vary: a zero-width interval from a handful of replications is
 *                     no evidence of precision, so no significance is claimed either way;
 *   significant / not_significant: the interval excludes 0, or not.
 * The p-value is the paired t-test's (1 for identical, 0 for exact, NaN for none and
 * constant); Holm-Bonferroni over a family of differences (exp_diff_holm) keeps the
 * significant ones whose p-value survives the correction.
 */
#ifndef ELBSIM_ANALYSIS_EXP_INTERVAL_H
#define ELBSIM_ANALYSIS_EXP_INTERVAL_H

#include <stdbool.h>

#include "analysis/experiment.h"
#include "analysis/stats.h"

enum exp_ci_kind { EXP_CI_T, EXP_CI_T_NONNEG, EXP_CI_T_FRACTION, EXP_CI_WILSON };

enum exp_verdict {
    EXP_VERDICT_NONE,
    EXP_VERDICT_IDENTICAL,
    EXP_VERDICT_BELOW_RESOLUTION,
    EXP_VERDICT_EXACT,
    EXP_VERDICT_CONSTANT,
    EXP_VERDICT_SIGNIFICANT,
    EXP_VERDICT_NOT_SIGNIFICANT,
};

/* A paired comparison of metric k between two points: b - a. */
struct exp_diff {
    struct stats_ci paired;   /* per-replication differences, mean and interval */
    struct stats_ci unpaired; /* Welch's interval of the same runs, for contrast */
    double p;                 /* two-sided p-value of the paired t-test (see above) */
    enum exp_verdict verdict;
    bool holm;                /* significant after Holm-Bonferroni (exp_diff_holm) */
};

/* The interval metric m gets (ms: every metric of the table; m = &ms[k]). */
enum exp_ci_kind exp_ci_kind_of(const struct exp_metric *ms, int k);

/* "t", "t_nonneg", "t_fraction", "wilson": the CSV's `interval` column. */
const char *exp_ci_kind_name(enum exp_ci_kind kind);

/* A few words for a table's legend: "Student-t cut at 0", ... */
const char *exp_ci_kind_text(enum exp_ci_kind kind);

/* Whether metric is a percentile of the latency histogram (latency_p50_s, _p999_s, ...). */
bool exp_metric_is_percentile(const char *metric);

/* The mean of metric k at point p over the replications (the pooled ratio for wilson) and
 * its interval at level. */
void exp_ci_mean(const struct exp_table *t, const struct exp_metric *ms, int k, int p,
                 double level, struct stats_ci *out);

/* Metric k at point b minus point a, paired per replication: interval, verdict, p-value
 * (holm false until exp_diff_holm). */
void exp_ci_diff(const struct exp_table *t, const struct exp_metric *ms, int k, int a, int b,
                 double level, struct exp_diff *out);

/* Holm-Bonferroni at family-wise level alpha over the n differences d: sets each holm. */
void exp_diff_holm(struct exp_diff *d, int n, double alpha);

/* Whether the verdict claims a difference (significant, exact): 1; claims none
 * (not_significant, identical, below_resolution): 0; makes no claim (none, constant): -1. */
int exp_verdict_significant(enum exp_verdict v);

/* "identical", "below_resolution", ...: the CSV's `verdict` column ("" for none). */
const char *exp_verdict_name(enum exp_verdict v);

/* The verdict as a table shows it: "significant", "not significant", "identical",
 * "below resolution", "exact", "constant" ("" for none). */
const char *exp_verdict_text(enum exp_verdict v);

/* A sentence explaining the verdict, for the legend under a table (NULL when the word says
 * it all). */
const char *exp_verdict_legend(enum exp_verdict v);

#endif
