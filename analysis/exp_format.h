/*
 * exp_format — how the experiment tables show numbers (analysis/exp_compare,
 * analysis/exp_sweep): each metric in the one unit its name gives (summary_unit: latencies
 * in ms, other times in s, fractions in %, dollars with "$" in the heading), four
 * significant digits in fixed notation, "-" for no value; the heading of a metric; the
 * columns an interval takes in a CSV file; and wrapped notes under a table.
 *
 * The CSV files keep raw values in the unit summary_unit names as `raw` (seconds, USD,
 * fractions, counts) and say so in a `unit` column; only the printed tables convert.
 */
#ifndef ELBSIM_ANALYSIS_EXP_FORMAT_H
#define ELBSIM_ANALYSIS_EXP_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "analysis/summary.h"

struct csvout;
struct stats_ci;

/* Printed tables fit this many columns (STYLE.md: 100). */
#define EXP_FORMAT_WIDTH 100

/* v (a raw value) in unit u, without the unit: 4 significant digits, fixed notation, no
 * "-0"; "-" for NaN.  Written into buf (n bytes, cut if shorter). */
void exp_format_num(char *buf, size_t n, double v, const struct summary_unit *u);

/* "[lo, hi]" of an interval, each like exp_format_num; "-" without an interval. */
void exp_format_ci(char *buf, size_t n, const struct stats_ci *ci,
                   const struct summary_unit *u);

/* "label (unit)": the heading of metric `metric` labelled label. */
void exp_format_heading(char *buf, size_t n, const char *label, const char *metric);

/* The CSV fields of an interval: reps (values used), mean, sd, ci_low, ci_high. */
void exp_format_csv_ci(struct csvout *o, const struct stats_ci *ci);

/* Print text on f wrapped at EXP_FORMAT_WIDTH columns, the first line indented by `first`
 * spaces, the others by `indent` (words are never split), and a newline. */
void exp_format_wrap(FILE *f, const char *text, int first, int indent);

#endif
