/*
 * exp_format — how the experiment tables show numbers (analysis/exp_compare,
 * analysis/exp_sweep): the unit follows the metric's name (seconds shown in ms below
 * 1 s, `_usd` with a "$", error_ratio and utilization in %), four significant digits in
 * fixed notation, "-" for no value; and the columns an interval takes in a CSV file.
 *
 * The CSV files keep raw values (analysis/csvout); only the printed tables convert.
 */
#ifndef ELBSIM_ANALYSIS_EXP_FORMAT_H
#define ELBSIM_ANALYSIS_EXP_FORMAT_H

#include <stddef.h>

struct csvout;
struct stats_ci;

/* How a metric is shown: value * scale, between prefix and suffix. */
struct exp_format_unit {
    double scale;
    const char *suffix; /* after the number, e.g. " ms" (static) */
    const char *prefix; /* before it, e.g. "$" (static) */
};

/* The unit of metric (its name, e.g. latency_p99_s) for values near ref: a time is in ms
 * when |ref| < 1 s, else in s. */
struct exp_format_unit exp_format_unit_for(const char *metric, double ref);

/* The unit's name for a heading: "ms", "s", "$", "%", or "" (none). */
const char *exp_format_unit_name(const struct exp_format_unit *u);

/* v in unit u, without the unit: 4 significant digits, fixed notation, no "-0"; "-" for
 * NaN.  Written into buf (n bytes, cut if shorter). */
void exp_format_num(char *buf, size_t n, double v, const struct exp_format_unit *u);

/* "[lo, hi]" of an interval, each like exp_format_num. */
void exp_format_ci(char *buf, size_t n, const struct stats_ci *ci,
                   const struct exp_format_unit *u);

/* The five CSV fields of an interval: reps (values used), mean, sd, ci_low, ci_high. */
void exp_format_csv_ci(struct csvout *o, const struct stats_ci *ci);

#endif
