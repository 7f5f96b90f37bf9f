/* History files for the forecaster, read with libcsv.
 *
 * libcsv reports fields and record ends but not where they were, so the file is fed one
 * physical line at a time (as models/traffic/arrivals/arrivals_csv.c does): a record ends inside
 * the csv_parse call of its last line.  The raw line is kept so that a bad field is echoed
 * with a caret under it (file:line:column).  Samples are held in memory (24 bytes each)
 * and aggregated into hours at the end. */
#include "models/forecast/forecast.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/diag.h"
#include "sim/xalloc.h"

#define MAX_HOURS (10 * 366 * 24) /* ten years of hours; more is surely a unit mistake */

enum { C_TIME, C_LOAD, C_EXPECTED, C_SCOPE, C_NAME, C_METRIC, C_VALUE, NCOLS };
static const char *const col_names[NCOLS] = {"time_s", "load",   "expected_load", "scope",
                                             "name",   "metric", "value"};

struct sample {
    double t, v, e; /* time, load, expected load (NaN when absent) */
};

struct reader {
    const char *file, *series;
    int line;          /* physical line being fed */
    int rec_line;      /* line where the current record started */
    size_t record;     /* records completed */
    char *bytes;       /* the current record's fields, NUL-terminated each */
    size_t used, cap;
    size_t *starts;    /* field i at bytes + starts[i] */
    size_t nf, capf;
    char *raw;         /* the current line without its end */
    size_t raw_cap;
    bool failed;
    /* header */
    size_t col[NCOLS]; /* field index per column, SIZE_MAX when absent */
    size_t nfields;
    bool long_format;
    /* data */
    struct sample *s;
    size_t ns, caps;
    int prev_line;
    size_t seen;       /* distinct other series remembered, for the "not found" message */
    char seen_names[4][96];
};

static void field_cb(void *data, size_t len, void *vr)
{
    struct reader *r = vr;
    if (r->failed)
        return;
    if (r->nf == 0) {
        int breaks = 0;
        for (size_t i = 0; i < len; i++)
            breaks += ((const char *)data)[i] == '\n';
        r->rec_line = r->line - breaks;
    }
    if (r->nf == r->capf) {
        r->capf = r->capf ? 2 * r->capf : 16;
        r->starts = xrealloc(r->starts, r->capf * sizeof *r->starts);
    }
    while (r->used + len + 1 > r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->bytes = xrealloc(r->bytes, r->cap);
    }
    r->starts[r->nf++] = r->used;
    if (len)
        memcpy(r->bytes + r->used, data, len);
    r->bytes[r->used + len] = '\0';
    r->used += len + 1;
}

static const char *field(const struct reader *r, size_t i)
{
    return r->bytes + r->starts[i];
}

/* Report an error about field i of the current record: with a caret when the record is
 * one line and the field can be found in it, else at the line. */
static int row_error(struct reader *r, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int row_error(struct reader *r, size_t i, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->failed = true;
    if (r->rec_line == r->line) {
        /* The i-th comma-separated piece of the raw line, blanks trimmed. */
        size_t len = strlen(r->raw), pos = 0, k = 0;
        for (;;) {
            size_t b = pos;
            bool quoted = false;
            while (pos < len && (quoted || r->raw[pos] != ',')) {
                quoted ^= r->raw[pos] == '"';
                pos++;
            }
            size_t e = pos;
            while (b < e && (r->raw[b] == ' ' || r->raw[b] == '\t'))
                b++;
            while (e > b && (r->raw[e - 1] == ' ' || r->raw[e - 1] == '\t'))
                e--;
            if (k == i) {
                struct loc base = {r->file, r->line, 1};
                return diag_error_text(&base, r->raw, b, e - b, "%s", msg);
            }
            if (pos == len)
                break;
            pos++;
            k++;
        }
    }
    struct loc at = {r->file, r->rec_line, 0};
    return diag_error(&at, "%s", msg);
}

/* A plain decimal number (strtod alone would also take hex, "inf" and "nan"). */
static bool number(const char *f, double *out)
{
    if (!f[0] || strspn(f, "0123456789+-.eE") != strlen(f))
        return false;
    char *end;
    errno = 0;
    double v = strtod(f, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static int header(struct reader *r)
{
    for (size_t c = 0; c < NCOLS; c++)
        r->col[c] = SIZE_MAX;
    for (size_t i = 0; i < r->nf; i++) {
        size_t c = 0;
        while (c < NCOLS && strcmp(field(r, i), col_names[c]))
            c++;
        if (c == NCOLS)
            return row_error(r, i, "unknown history column '%s'; expected a header time_s,load "
                                   "(optionally expected_load) or elbsim's timeseries.csv "
                                   "header time_s,scope,name,metric,value", field(r, i));
        if (r->col[c] != SIZE_MAX)
            return row_error(r, i, "column '%s' appears twice", field(r, i));
        r->col[c] = i;
    }
    r->nfields = r->nf;
    r->long_format = r->col[C_SCOPE] != SIZE_MAX || r->col[C_NAME] != SIZE_MAX ||
                     r->col[C_METRIC] != SIZE_MAX || r->col[C_VALUE] != SIZE_MAX;
    static const int plain[] = {C_TIME, C_LOAD}, longf[] = {C_TIME, C_SCOPE, C_NAME, C_METRIC,
                                                            C_VALUE};
    const int *need = r->long_format ? longf : plain;
    size_t nneed = r->long_format ? 5 : 2;
    for (size_t k = 0; k < nneed; k++)
        if (r->col[need[k]] == SIZE_MAX)
            return row_error(r, 0, "the header has no %s column; expected %s",
                             col_names[need[k]],
                             r->long_format ? "time_s,scope,name,metric,value (timeseries.csv)"
                                            : "time_s,load");
    if (r->long_format && (r->col[C_LOAD] != SIZE_MAX || r->col[C_EXPECTED] != SIZE_MAX))
        return row_error(r, r->col[C_LOAD] != SIZE_MAX ? r->col[C_LOAD] : r->col[C_EXPECTED],
                         "column '%s' does not belong in the timeseries.csv format",
                         field(r, r->col[C_LOAD] != SIZE_MAX ? r->col[C_LOAD]
                                                              : r->col[C_EXPECTED]));
    if (!r->long_format && r->series) {
        struct loc at = {r->file, r->rec_line, 0};
        r->failed = true;
        return diag_error(&at, "a series '%s' was named, but this history has one series "
                               "(columns time_s,load), not elbsim's timeseries.csv format",
                          r->series);
    }
    if (r->long_format && !r->series) {
        struct loc at = {r->file, r->rec_line, 0};
        r->failed = true;
        return diag_error(&at, "this is elbsim's timeseries.csv format: name the series to "
                               "forecast as SCOPE.NAME.METRIC (--metric), e.g. "
                               "workload.shoppers.requests");
    }
    return 0;
}

/* Whether the long-format row is of the chosen series; remembers a few others. */
static bool is_series(struct reader *r)
{
    char name[96];
    snprintf(name, sizeof name, "%s.%s.%s", field(r, r->col[C_SCOPE]), field(r, r->col[C_NAME]),
             field(r, r->col[C_METRIC]));
    if (!strcmp(name, r->series))
        return true;
    for (size_t i = 0; i < r->seen; i++)
        if (!strcmp(r->seen_names[i], name))
            return false;
    if (r->seen < 4)
        snprintf(r->seen_names[r->seen++], sizeof r->seen_names[0], "%s", name);
    return false;
}

static int data_row(struct reader *r)
{
    if (r->nf != r->nfields)
        return row_error(r, r->nf < r->nfields ? r->nf - 1 : r->nfields,
                         "row has %zu fields, the header has %zu", r->nf, r->nfields);
    if (r->long_format && !is_series(r))
        return 0;
    size_t it = r->col[C_TIME], iv = r->col[r->long_format ? C_VALUE : C_LOAD];
    double t, v = NAN, e = NAN;
    if (!number(field(r, it), &t) || t < 0)
        return row_error(r, it, "bad time_s '%s'; expected seconds >= 0", field(r, it));
    if (r->ns && t <= r->s[r->ns - 1].t)
        return row_error(r, it, "time_s %s is not after the previous sample's %.10g (line %d); "
                                "times must increase", field(r, it), r->s[r->ns - 1].t,
                         r->prev_line);
    /* An empty value is a missing sample (timeseries.csv writes NaN that way). */
    if (field(r, iv)[0] && (!number(field(r, iv), &v) || v < 0))
        return row_error(r, iv, "bad %s '%s'; expected a number >= 0", col_names[r->long_format
                                                                                 ? C_VALUE
                                                                                 : C_LOAD],
                         field(r, iv));
    size_t ie = r->col[C_EXPECTED];
    if (ie != SIZE_MAX && field(r, ie)[0] && (!number(field(r, ie), &e) || e < 0))
        return row_error(r, ie, "bad expected_load '%s'; expected a number >= 0", field(r, ie));
    if (r->ns == r->caps) {
        r->caps = r->caps ? 2 * r->caps : 1024;
        r->s = xrealloc(r->s, r->caps * sizeof *r->s);
    }
    r->s[r->ns++] = (struct sample){t, v, e};
    r->prev_line = r->rec_line;
    return 0;
}

static void record_cb(int c, void *vr)
{
    (void)c;
    struct reader *r = vr;
    if (r->failed || r->nf == 0)
        return;
    if (r->record == 0)
        header(r);
    else
        data_row(r);
    r->record++;
    r->nf = 0;
    r->used = 0;
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
    bool has_e = r->col[C_EXPECTED] != SIZE_MAX;
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
            h->load[k] = NAN;
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
    return 0;
}

int forecast_history_read(const char *path, const char *series, enum forecast_agg agg,
                          struct forecast_history *h)
{
    memset(h, 0, sizeof *h);
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
        return -2;
    }
    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI)) {
        fclose(f);
        diag_error(NULL, "cannot read '%s': out of memory", path);
        return -2;
    }
    struct reader r = {.file = path, .series = series};
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    int rc = 0;
    while (!r.failed && (got = getline(&line, &line_cap, f)) != -1) {
        r.line++;
        const char *text = line;
        size_t n = (size_t)got;
        if (r.line == 1 && n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) { /* UTF-8 BOM */
            text += 3;
            n -= 3;
        }
        if (n + 1 > r.raw_cap) {
            r.raw_cap = n + 1;
            r.raw = xrealloc(r.raw, r.raw_cap);
        }
        size_t rn = n;
        while (rn > 0 && (text[rn - 1] == '\n' || text[rn - 1] == '\r'))
            rn--;
        memcpy(r.raw, text, rn);
        r.raw[rn] = '\0';
        if (csv_parse(&cp, text, n, field_cb, record_cb, &r) != n) {
            struct loc at = {path, r.line, 0};
            rc = diag_error(&at, "malformed CSV (%s): quote a field that contains quotes, "
                                 "commas or line breaks, and double the quotes inside it",
                            csv_strerror(csv_error(&cp)));
            break;
        }
    }
    if (rc == 0 && !r.failed && ferror(f)) {
        diag_error(NULL, "cannot read '%s': %s", path, strerror(errno));
        rc = -2;
    }
    if (rc == 0 && !r.failed && csv_fini(&cp, field_cb, record_cb, &r)) {
        struct loc at = {path, r.rec_line ? r.rec_line : r.line, 0};
        rc = diag_error(&at, "malformed CSV: a quoted field is not closed before the end of "
                             "the file");
    }
    if (rc == 0 && r.failed)
        rc = -1;
    if (rc == 0 && r.record == 0) {
        struct loc at = {path, 0, 0};
        rc = diag_error(&at, "the history is empty; expected a header time_s,load and one row "
                             "per sample");
    }
    if (rc == 0)
        rc = aggregate(&r, agg, h);
    csv_free(&cp);
    free(line);
    free(r.raw);
    free(r.bytes);
    free(r.starts);
    free(r.s);
    fclose(f);
    if (rc)
        forecast_history_fini(h);
    return rc;
}

void forecast_history_fini(struct forecast_history *h)
{
    free(h->load);
    free(h->expected);
    memset(h, 0, sizeof *h);
}
