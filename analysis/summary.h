/*
 * summary — the end-of-run numbers: `scope,name,metric,value` rows (DESIGN.md "Outputs"),
 * written as summary.csv and as a readable table on stdout.
 *
 * Order (both outputs): scopes run, workload, lb, target_group, target, asg, ecs_service,
 * then any other scope alphabetically; within a scope by name, then by metric, both in
 * natural order (digit runs compare as numbers: web-2 before web-10, latency_p99_s before
 * latency_p999_s).  Adding a row whose (scope, name, metric) exists replaces its value,
 * so rows are unique and the order is total.
 *
 * Units come from the metric name (summary_unit: `_s` seconds, `_usd` dollars, `_rps`
 * requests per second, `_hours` hours, `_pct` percent; `utilization` is a fraction in
 * [0, 1]).  The CSV keeps raw values; only the table converts (ms below 1 s, $, %).
 *
 * Memory: the rows and a hash index over them; lookups are O(1).
 */
#ifndef ELBSIM_ANALYSIS_SUMMARY_H
#define ELBSIM_ANALYSIS_SUMMARY_H

#include <stdio.h>

struct summary; /* opaque */

/* An empty summary; caller frees with summary_free. */
struct summary *summary_new(void);

/* Free s and its rows (NULL is fine). */
void summary_free(struct summary *s);

/* Make room for n rows in all (a count known in advance); optional, never shrinks. */
void summary_reserve(struct summary *s, int n);

/* Add a row (strings copied), or replace the value of an existing one.  v may be NaN (no
 * data: an empty CSV field, "-" in the table). */
void summary_add(struct summary *s, const char *scope, const char *name, const char *metric,
                 double v);

/* The value of a row, NAN if absent. */
double summary_get(const struct summary *s, const char *scope, const char *name,
                   const char *metric);

/* Number of rows. */
int summary_count(const struct summary *s);

/* Write path atomically (analysis/csvout): header `scope,name,metric,value`, rows in the
 * order above.  Returns 0, or -1 after printing path and strerror(errno). */
int summary_write_csv(const struct summary *s, const char *path);

/* What the values of a metric can be. */
enum summary_range {
    SUMMARY_REAL,     /* any sign (a forecast's bias in %) */
    SUMMARY_NONNEG,   /* 0 or more: times, counts, cost, rates */
    SUMMARY_FRACTION, /* from 0 to 1: error_ratio, utilization */
};

/* The unit of a metric, from its name alone: what its raw values are in (summary.csv and
 * the experiments' CSV files keep raw values), how a column of them is shown, and the
 * range they can take.  A column has one unit whatever its values: latencies in ms, other
 * times in s, fractions in %, dollars with "$". */
struct summary_unit {
    const char *raw;   /* unit of the raw value: "s", "USD", "fraction", "%", "req/s", "h",
                          "LCU" or "count" */
    const char *shown; /* unit a column shows: "ms", "s", "$", "%", "req/s", "h", "LCU",
                          "count" */
    double scale;      /* shown value = raw value * scale */
    enum summary_range range;
};

/* The unit of metric (a summary metric name such as latency_p99_s): `_s` seconds (shown in
 * ms when the name starts with "latency"), `_usd` dollars, `error_ratio`, `_ratio`,
 * `utilization` and `_utilization` fractions (shown in %), `_pct` percent (any sign),
 * `_rps` requests per second, `_hours` hours, `lcu_peak` load balancer capacity units,
 * and any other name a count.  Every table of elbsim takes its units from here. */
struct summary_unit summary_unit(const char *metric);

/* One value as the run's tables show it: a number string and its unit (possibly "") in
 * the unit summary_unit gives, adapted to a value on its own: a time in ms below 1 s and
 * in s from 1 s, dollars as "$0.12", utilization in %, NaN as "-"; error_ratio stays the
 * fraction the scenario's SLOs compare it with, counts and other values plain. */
void summary_format(const char *metric, double v, char *num, size_t n, const char **unit);

/* Print the table to f: one block per (scope, name) headed by "scope name", then one
 * line per metric with aligned columns and units (seconds below 1 s shown in ms, dollars
 * as $, utilization as %). */
void summary_print_table(const struct summary *s, FILE *f);

/* The same table with the `target` scope folded: the targets of one group (names
 * "<group>/<n>") in one block, each metric's mean, min and max over them. */
void summary_print_table_folded(const struct summary *s, FILE *f);

#endif
