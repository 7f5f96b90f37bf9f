/* History files for the forecaster, read with sim/csvin (line numbers, BOM, CRLF, quotes).
 *
 * Samples are held in memory (24 bytes each) and aggregated into hours at the end. */
#include "models/forecast/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/csvin.h"
#include "sim/diag.h"
#include "sim/xalloc.h"

#define MAX_HOURS (10 * 366 * 24) /* ten years of hours; more is surely a unit mistake */

enum { C_TIME, C_LOAD, C_EXPECTED, C_SCOPE, C_NAME, C_METRIC, C_VALUE, NCOLS };
/* Which columns are required depends on the format, decided after the whole header. */
static const struct csvin_column columns[NCOLS] = {
    {"time_s", false}, {"load", false},   {"expected_load", false}, {"scope", false},
    {"name", false},   {"metric", false}, {"value", false}};
static const struct csvin_header history_header = {
    columns, NCOLS, "unknown history column",
    "expected a header time_s,load (optionally expected_load) or elbsim's timeseries.csv "
    "header time_s,scope,name,metric,value",
    NULL};

struct sample {
    double t, v, e; /* time, load, expected load (NaN when absent) */
};

struct reader {
    const char *file, *series;
    size_t records;    /* records read, the header included */
    /* header */
    size_t col[NCOLS]; /* field index per column, CSVIN_ABSENT when absent */
    size_t nfields;
    bool long_format;
    /* data */
    struct sample *s;
    size_t ns, caps;
    int prev_line;
    size_t seen;       /* distinct other series remembered, for the "not found" message */
    char seen_names[4][96];
};

static int header(struct reader *r, const struct csvin_row *row)
{
    if (csvin_header_read(row, &history_header, r->col))
        return -1;
    const size_t *col = r->col;
    r->nfields = row->nfields;
    r->long_format = col[C_SCOPE] != CSVIN_ABSENT || col[C_NAME] != CSVIN_ABSENT ||
                     col[C_METRIC] != CSVIN_ABSENT || col[C_VALUE] != CSVIN_ABSENT;
    static const int plain[] = {C_TIME, C_LOAD}, longf[] = {C_TIME, C_SCOPE, C_NAME, C_METRIC,
                                                            C_VALUE};
    const int *need = r->long_format ? longf : plain;
    size_t nneed = r->long_format ? 5 : 2;
    for (size_t k = 0; k < nneed; k++)
        if (col[need[k]] == CSVIN_ABSENT)
            return csvin_error(row, 0, "the header has no %s column; expected %s",
                               columns[need[k]].name,
                               r->long_format ? "time_s,scope,name,metric,value (timeseries.csv)"
                                              : "time_s,load");
    if (r->long_format && (col[C_LOAD] != CSVIN_ABSENT || col[C_EXPECTED] != CSVIN_ABSENT)) {
        size_t i = col[C_LOAD] != CSVIN_ABSENT ? col[C_LOAD] : col[C_EXPECTED];
        return csvin_error(row, i, "column '%s' does not belong in the timeseries.csv format",
                           csvin_value(row, i));
    }
    if (!r->long_format && r->series)
        return csvin_error(row, CSVIN_RECORD, "a series '%s' was named, but this history has "
                                              "one series (columns time_s,load), not elbsim's "
                                              "timeseries.csv format", r->series);
    if (r->long_format && !r->series)
        return csvin_error(row, CSVIN_RECORD, "this is elbsim's timeseries.csv format: name the "
                                              "series to forecast as SCOPE.NAME.METRIC "
                                              "(--metric), e.g. workload.shoppers.requests");
    return 0;
}

/* Whether the long-format row is of the chosen series; remembers a few others. */
static bool is_series(struct reader *r, const struct csvin_row *row)
{
    char name[96];
    snprintf(name, sizeof name, "%s.%s.%s", row->fields[r->col[C_SCOPE]],
             row->fields[r->col[C_NAME]], row->fields[r->col[C_METRIC]]);
    if (!strcmp(name, r->series))
        return true;
    for (size_t i = 0; i < r->seen; i++)
        if (!strcmp(r->seen_names[i], name))
            return false;
    if (r->seen < 4)
        snprintf(r->seen_names[r->seen++], sizeof r->seen_names[0], "%s", name);
    return false;
}

static int data_row(struct reader *r, const struct csvin_row *row)
{
    if (csvin_check_width(row, r->nfields))
        return -1;
    if (r->long_format && !is_series(r, row))
        return 0;
    size_t it = r->col[C_TIME], iv = r->col[r->long_format ? C_VALUE : C_LOAD];
    const char *ft = row->fields[it], *fv = row->fields[iv];
    double t, v = (double)NAN, e = (double)NAN;
    if (!csvin_number(ft, &t) || t < 0)
        return csvin_error(row, it, "bad time_s '%s'; expected seconds >= 0",
                           csvin_value(row, it));
    if (r->ns && t <= r->s[r->ns - 1].t)
        return csvin_error(row, it, "time_s %s is not after the previous sample's %.10g (line "
                                    "%d); times must increase", csvin_value(row, it),
                           r->s[r->ns - 1].t, r->prev_line);
    /* An empty value is a missing sample (timeseries.csv writes NaN that way). */
    if (fv[0] && (!csvin_number(fv, &v) || v < 0 || v > FORECAST_MAX_LOAD))
        return csvin_error(row, iv, "bad %s '%s'; expected a number from 0 to 1e15",
                           columns[r->long_format ? C_VALUE : C_LOAD].name, csvin_value(row, iv));
    size_t ie = r->col[C_EXPECTED];
    if (ie != CSVIN_ABSENT && row->fields[ie][0] &&
        (!csvin_number(row->fields[ie], &e) || e < 0 || e > FORECAST_MAX_LOAD))
        return csvin_error(row, ie, "bad expected_load '%s'; expected a number from 0 to 1e15",
                           csvin_value(row, ie));
    if (r->ns == r->caps) {
        r->caps = r->caps ? 2 * r->caps : 1024;
        r->s = xrealloc(r->s, r->caps * sizeof *r->s);
    }
    r->s[r->ns++] = (struct sample){t, v, e};
    r->prev_line = row->line;
    return 0;
}

static int history_row(void *ctx, const struct csvin_row *row)
{
    struct reader *r = ctx;
    r->records++;
    return row->record == 0 ? header(r, row) : data_row(r, row);
}

/* Samples into hours. */
static int aggregate(struct reader *r, enum forecast_agg agg, struct forecast_history *h)
{
    if (r->ns == 0) {
        struct loc at = {r->file, 0, 0};
        if (r->long_format)
            return diag_error(&at, "no rows of series '%s'%s%s%s%s%s%s%s", r->series,
                              r->seen ? "; series in the file include " : "",
                              r->seen > 0 ? r->seen_names[0] : "", r->seen > 1 ? ", " : "",
                              r->seen > 1 ? r->seen_names[1] : "", r->seen > 2 ? ", " : "",
                              r->seen > 2 ? r->seen_names[2] : "", r->seen > 3 ? ", ..." : "");
        return diag_error(&at, "the history has no data rows (a header time_s,load, then one "
                               "row per sample)");
    }
    /* timeseries.csv stamps an interval's end, so its hour is the one before. */
    double shift = r->long_format ? 1e-9 : 0;
    double first = floor(fmax(0, r->s[0].t - shift) / FORECAST_HOUR_S);
    double last = floor(fmax(0, r->s[r->ns - 1].t - shift) / FORECAST_HOUR_S);
    if (last - first + 1 > MAX_HOURS) {
        struct loc at = {r->file, 0, 0};
        return diag_error(&at, "the history spans %.0f hours, more than the %d accepted; "
                               "is time_s in seconds?", last - first + 1, MAX_HOURS);
    }
    size_t n = (size_t)(last - first) + 1;
    bool has_e = r->col[C_EXPECTED] != CSVIN_ABSENT;
    h->start_s = first * FORECAST_HOUR_S;
    h->long_format = r->long_format;
    h->n = n;
    h->load = xmalloc(n * sizeof *h->load);
    h->expected = has_e ? xmalloc(n * sizeof *h->expected) : NULL;
    double *cnt = xcalloc(n, sizeof *cnt), *ecnt = xcalloc(n, sizeof *ecnt);
    double *esum = xcalloc(n, sizeof *esum);
    for (size_t i = 0; i < n; i++)
        h->load[i] = 0;
    h->samples = 0;
    for (size_t i = 0; i < r->ns; i++) {
        size_t k = (size_t)(floor(fmax(0, r->s[i].t - shift) / FORECAST_HOUR_S) - first);
        if (!isnan(r->s[i].v)) {
            h->load[k] += r->s[i].v;
            cnt[k]++;
            h->samples++;
        }
        if (!isnan(r->s[i].e)) {
            esum[k] += r->s[i].e;
            ecnt[k]++;
        }
    }
    h->empty_hours = 0;
    for (size_t k = 0; k < n; k++) {
        if (cnt[k] == 0) {
            h->load[k] = (double)NAN;
            h->empty_hours++;
        } else if (agg == FORECAST_AGG_MEAN) {
            h->load[k] /= cnt[k];
        }
        if (has_e)
            h->expected[k] = ecnt[k] == 0 ? (double)NAN : agg == FORECAST_AGG_MEAN ? esum[k] / ecnt[k]
                                                                           : esum[k];
    }
    free(cnt);
    free(ecnt);
    free(esum);
    for (size_t k = 0; k < n; k++)
        if (h->load[k] > FORECAST_MAX_LOAD || (has_e && h->expected[k] > FORECAST_MAX_LOAD)) {
            struct loc at = {r->file, 0, 0};
            return diag_error(&at, "hour %zu (from t=%.0fs) sums to a load above 1e15, the "
                                   "largest a history may hold; are the samples in the "
                                   "right unit?", k, h->start_s + (double)k * FORECAST_HOUR_S);
        }
    return 0;
}

int forecast_history_read(const char *path, const char *series, enum forecast_agg agg,
                          struct forecast_history *h)
{
    memset(h, 0, sizeof *h);
    struct reader r = {.file = path, .series = series};
    int rc = csvin_read(path, NULL, history_row, &r);
    if (rc == 0 && r.records == 0) {
        struct loc at = {path, 0, 0};
        rc = diag_error(&at, "the history is empty; expected a header time_s,load and one row "
                             "per sample");
    }
    if (rc == 0)
        rc = aggregate(&r, agg, h);
    free(r.s);
    if (rc) {
        forecast_history_fini(h);
        return rc == CSVIN_ERR_IO ? -2 : -1;
    }
    return 0;
}

void forecast_history_fini(struct forecast_history *h)
{
    free(h->load);
    free(h->expected);
    memset(h, 0, sizeof *h);
}
