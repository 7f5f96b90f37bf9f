/*
 * pareto — the Pareto front of points that minimise two objectives (a sweep's cost versus
 * a latency or SLO metric).
 *
 * Point i dominates point j when x_i <= x_j and y_i <= y_j with at least one strict: it is
 * no worse in both and better in one.  The front is the points no other point dominates.
 * Equal points do not dominate each other, so duplicates are all on the front.  A point
 * with a NaN coordinate is never on the front and dominates nothing.
 *
 * O(n log n): sort by (x, y, index), then one scan.
 */
#ifndef ELBSIM_ANALYSIS_PARETO_H
#define ELBSIM_ANALYSIS_PARETO_H

#include <stdbool.h>

/* Set on_front[i] for each of the n points (x[i], y[i]).  Returns the number on the
 * front. */
int pareto_front(const double *x, const double *y, int n, bool *on_front);

#endif
