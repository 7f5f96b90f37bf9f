/* trace(file.csv): replay of a recorded trace, one arrival per CSV row.
 *
 * Columns (by header name, any order): time_s (required; seconds from the start of the run,
 * >= 0, never decreasing), demand_s (optional; CPU seconds on a vCPU of speed 1.0, >= 0; an
 * empty cell gives NAN, "no demand recorded"), path (optional; the request path
 * for listener rules, empty = none).  Any other column is an error, so that a misspelt
 * name is not silently ignored.  The file is read by sim/csvin; the whole trace is held in
 * memory: 8-16 bytes per row plus the paths. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/csvin.h"
#include "sim/path.h"
#include "sim/xalloc.h"

struct trace {
    char *written;      /* the file's absolute name, for arrivals_format */
    size_t n;           /* rows */
    double *time;       /* n times, s, non-decreasing */
    double *demand;     /* n demands, s (NAN = none), or NULL without a demand_s column */
    const char **path;  /* n paths (NULL = none) into arena, or NULL without a path column */
    char *arena;        /* the path strings */
};

enum { COL_TIME, COL_DEMAND, COL_PATH, NCOLS };
static const struct csvin_column trace_columns[NCOLS] = {
    {"time_s", true}, {"demand_s", false}, {"path", false}};
static const struct csvin_header trace_header = {
    trace_columns, NCOLS, "unknown trace column",
    "expected time_s and optionally demand_s, path (the first line must be the header)",
    "the trace's header has no time_s column"};

/* Loading state: the trace being filled and where each column sits. */
struct trace_load {
    struct trace *tr;
    size_t col[NCOLS]; /* field index of each column, CSVIN_ABSENT when absent */
    size_t nfields;    /* fields per row, from the header */
    size_t cap;        /* rows allocated */
    size_t *path_off;  /* offsets into arena while it may move; SIZE_MAX = none */
    size_t arena_used, arena_cap;
    int prev_line;     /* line of the previous row, for messages */
};

static size_t max_rows = ARRIVALS_TRACE_MAX_ROWS;

size_t arrivals_trace_max_rows(size_t rows)
{
    size_t old = max_rows;
    max_rows = rows;
    return old;
}

static int trace_row(void *ctx, const struct csvin_row *row)
{
    struct trace_load *ld = ctx;
    struct trace *tr = ld->tr;
    if (row->record == 0) {
        if (csvin_header_read(row, &trace_header, ld->col))
            return -1;
        ld->nfields = row->nfields;
        return 0;
    }
    if (csvin_check_width(row, ld->nfields))
        return -1;
    if (tr->n >= max_rows)
        return csvin_error(row, 0, "a trace holds at most %g rows (about %g GB in memory); "
                                   "this one has more.  Split it into runs, or replay its "
                                   "rate with rates(file=...)",
                           (double)max_rows, (double)max_rows * 2 * sizeof(double) / 1e9);
    if (tr->n == ld->cap) {
        ld->cap = ld->cap ? 2 * ld->cap : 1024;
        tr->time = xrealloc(tr->time, ld->cap * sizeof *tr->time);
        if (ld->col[COL_DEMAND] != CSVIN_ABSENT)
            tr->demand = xrealloc(tr->demand, ld->cap * sizeof *tr->demand);
        if (ld->col[COL_PATH] != CSVIN_ABSENT)
            ld->path_off = xrealloc(ld->path_off, ld->cap * sizeof *ld->path_off);
    }
    size_t i = ld->col[COL_TIME];
    double t;
    if (!csvin_number(row->fields[i], &t))
        return csvin_error(row, i, "time_s '%s' is not a number (seconds from the start of the "
                                   "run)", csvin_value(row, i));
    if (t < 0)
        return csvin_error(row, i, "time_s %s is negative; the run starts at 0",
                           csvin_value(row, i));
    if (tr->n > 0 && t < tr->time[tr->n - 1])
        return csvin_error(row, i, "time_s %s comes before %.17g on line %d; times must not "
                                   "decrease (sort the trace)",
                           csvin_value(row, i), tr->time[tr->n - 1], ld->prev_line);
    tr->time[tr->n] = t;
    if ((i = ld->col[COL_DEMAND]) != CSVIN_ABSENT) {
        double d = (double)NAN;
        if (row->fields[i][0] && (!csvin_number(row->fields[i], &d) || d < 0))
            return csvin_error(row, i, "demand_s '%s' is not a number >= 0 (CPU seconds; leave "
                                       "it empty for none)", csvin_value(row, i));
        tr->demand[tr->n] = d;
    }
    if ((i = ld->col[COL_PATH]) != CSVIN_ABSENT) {
        size_t len = strlen(row->fields[i]);
        if (len == 0) {
            ld->path_off[tr->n] = SIZE_MAX;
        } else {
            if (ld->arena_used + len + 1 > ld->arena_cap) {
                while (ld->arena_used + len + 1 > ld->arena_cap)
                    ld->arena_cap = ld->arena_cap ? 2 * ld->arena_cap : 4096;
                tr->arena = xrealloc(tr->arena, ld->arena_cap);
            }
            memcpy(tr->arena + ld->arena_used, row->fields[i], len + 1);
            ld->path_off[tr->n] = ld->arena_used;
            ld->arena_used += len + 1;
        }
    }
    ld->prev_line = row->line;
    tr->n++;
    return 0;
}

static void trace_free(void *priv)
{
    struct trace *tr = priv;
    if (!tr)
        return;
    free(tr->written);
    free(tr->time);
    free(tr->demand);
    free(tr->path);
    free(tr->arena);
    free(tr);
}

static int trace_parse(const struct arrivals_parse *p, void **priv)
{
    static const char *const keys[] = {"file", NULL};
    if (arrivals_parse_keys(p, keys, "file"))
        return -1;
    const struct sim_call_arg *a = arrivals_parse_arg(p, "file", "file");
    if (!a || a->call)
        return arrivals_parse_error(p, a ? a->value_off : p->call->name_off,
                                    a ? a->value_len : p->call->end_off - p->call->name_off,
                                    "trace() needs a CSV file name, e.g. trace(requests.csv)");
    struct trace *tr = xcalloc(1, sizeof *tr);
    tr->written = sim_path_absolute(p->base_dir, a->value);
    struct trace_load ld = {.tr = tr};
    char *path = arrivals_parse_path(p, a->value);
    struct csvin_origin named = {p->base, p->text, a->value_off, a->value_len};
    int rc = csvin_read(path, &named, trace_row, &ld);
    if (rc == 0 && ld.nfields == 0)
        rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                  "'%s' is empty; a trace needs a header line (time_s, and "
                                  "optionally demand_s, path) and one row per request", path);
    else if (rc == 0 && tr->n == 0)
        rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                  "'%s' has a header but no rows", path);
    if (rc == 0 && ld.col[COL_PATH] != CSVIN_ABSENT) {
        /* The arena no longer moves: turn offsets into pointers. */
        tr->path = xmalloc(tr->n * sizeof *tr->path);
        for (size_t i = 0; i < tr->n; i++)
            tr->path[i] = ld.path_off[i] == SIZE_MAX ? NULL : tr->arena + ld.path_off[i];
    }
    free(ld.path_off);
    free(path);
    if (rc) {
        trace_free(tr);
        return -1;
    }
    *priv = tr;
    return 0;
}

static void trace_format(const void *priv, char *buf, size_t n)
{
    snprintf(buf, n, "trace(%s)", ((const struct trace *)priv)->written);
}

/* Index of the first row with time >= t. */
static size_t lower_bound(const struct trace *tr, double t)
{
    size_t lo = 0, hi = tr->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr->time[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static double trace_rate_at(const void *priv, double t)
{
    const struct trace *tr = priv;
    double s = floor(t);
    return (double)(lower_bound(tr, s + 1) - lower_bound(tr, s));
}

static double trace_count(const void *priv, double t0, double t1)
{
    const struct trace *tr = priv;
    return (double)(lower_bound(tr, t1) - lower_bound(tr, t0));
}

static double trace_next(const void *priv, struct arrivals_state *st, gsl_rng *r, double now,
                         double *demand_s, const char **path)
{
    (void)r;
    const struct trace *tr = priv;
    size_t i = st->pos;
    while (i < tr->n && tr->time[i] < now) /* rows before now (a late start) are skipped */
        i++;
    if (i == tr->n) {
        st->pos = i;
        return (double)INFINITY;
    }
    if (tr->demand)
        *demand_s = tr->demand[i];
    if (tr->path)
        *path = tr->path[i];
    st->pos = i + 1;
    return tr->time[i];
}

const struct arrivals_ops arrivals_trace_ops = {
    .info = {"trace", "trace(file.csv)",
             "Replays a CSV trace, one request per row: time_s column, optional demand_s and path."},
    .parse = trace_parse,
    .free = trace_free,
    .format = trace_format,
    .rate_at = trace_rate_at,
    .count = trace_count,
    .next = trace_next,
};
