/*
 * series — the time-series sink: one value per series per interval, written as two CSV
 * files in an output folder (DESIGN.md "Outputs"):
 *
 *   timeseries.csv       long:  time_s,scope,name,metric,value   one row per series that
 *                               has a value in the interval, in series id order
 *   timeseries_wide.csv  wide:  time_s,<scope>.<name>.<metric>,...   one row per interval,
 *                               one column per series, empty cell = no data
 *
 * Series may be added at any time, also after rows were written (targets launched
 * mid-run): the wide header lists all of them, so the wide body goes to a temporary file
 * while running and is copied, padded with empty cells, under the header at commit.
 * Both files are written atomically (analysis/csvout): until series_commit succeeds the
 * destinations are untouched.
 *
 * Memory: O(series) — the names and the current interval's values; nothing grows with
 * the number of intervals.  Disk: the wide body is written twice.
 */
#ifndef ELBSIM_ANALYSIS_SERIES_H
#define ELBSIM_ANALYSIS_SERIES_H

struct series_set; /* opaque */

/* A sink that will write into folder dir (copied; the folder must exist by
 * series_open). */
struct series_set *series_new(const char *dir);

/* Create the temporary files and write the long header.  Returns 0, or -1 after printing
 * the path and strerror(errno) (nothing is left behind). */
int series_open(struct series_set *s);

/* Define a series (strings copied) and return its id (0, 1, 2, ... in call order).  Adding
 * the same (scope, name, metric) again returns the existing id.  Allowed before and after
 * series_open, also between flushes. */
int series_add(struct series_set *s, const char *scope, const char *name, const char *metric);

/* Make room for n series in all (a count known in advance) so that adding them does not
 * grow the tables step by step; optional, never shrinks. */
void series_reserve(struct series_set *s, int n);

/* Number of series defined. */
int series_count(const struct series_set *s);

/* Set series id's value for the current interval (last call wins).  NaN means no data. */
void series_set(struct series_set *s, int id, double v);

/* Write the current interval, ending at time_s (s): long rows for the series that have a
 * value, one wide row; then clear every value.  Requires series_open.  Write errors are
 * reported by series_commit. */
void series_flush(struct series_set *s, double time_s);

/* Finish both files (header and padded body of the wide file) and rename them into
 * place (wide first, then long).  Returns 0, or -1 after printing path and
 * strerror(errno), with every temporary removed (if only the second rename failed, the
 * complete wide file stays).  The set is closed afterwards either way. */
int series_commit(struct series_set *s);

/* Remove the temporaries; the destinations are untouched.  No-op when not open. */
void series_abort(struct series_set *s);

/* Free s (NULL is fine); aborts first if still open. */
void series_free(struct series_set *s);

#endif
