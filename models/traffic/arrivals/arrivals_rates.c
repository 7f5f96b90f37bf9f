/* rates(file=F, metric=M, statistic=S, interp=step|linear, scale=X, shift=D | start=T): a
 * Poisson process whose rate follows a CloudWatch metric series (counts per period).
 *
 * Inputs: the JSON that `aws cloudwatch get-metric-data` prints (MetricDataResults[] with
 * Id, Label, Timestamps[], Values[]; newest first by default, so any order is accepted),
 * the JSON of `get-metric-statistics` (Label, Datapoints[] with Timestamp and one value per
 * statistic; unordered), or a CSV file with the header time,value.  Timestamps are ISO 8601
 * with a zone (Z, +hh:mm, -hhmm).
 *
 * Each value is a count over one period (Sum or SampleCount), so rate = value / period; the
 * period is the most common spacing between consecutive timestamps.  Missing periods are
 * 0 (CloudWatch leaves out periods with no data).  Two points at the same instant are an
 * error naming both.  Simulated t = 0 is the first timestamp plus shift, or the instant
 * start (ISO 8601; before the first timestamp the rate is 0 until the data begin); after
 * the last period the rate is 0.  interp=step holds each rate over its period; interp=linear joins
 * the rates at period starts with straight lines (the last period is held).  Either is
 * piecewise linear, so arrivals are drawn by inversion (arrivals_pwl.c). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/csvin.h"
#include "sim/path.h"
#include "sim/xalloc.h"

struct rates {
    struct arrivals_pwl w; /* first member: arrivals_pwl_ops_* read it */
    char *file;            /* absolute, for format */
    char *metric;          /* as given; NULL if not */
    char statistic[16];    /* Sum or SampleCount */
    bool linear;
    double scale, shift_s, period_s; /* shift_s < 0: start= before the data */
    char start_text[40];   /* start= as given; "" when t = 0 comes from shift */
};

/* --- ISO 8601 ----------------------------------------------------------------------------- */

static int digits(const char **s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (**s < '0' || **s > '9')
            return -1;
        v = 10 * v + (**s - '0');
    }
    return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int arrivals_iso8601(const char *s, double *epoch_s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *c = s;
    int y = digits(&c, 4);
    if (y < 0 || *c++ != '-')
        return -1;
    int mo = digits(&c, 2);
    if (mo < 1 || mo > 12 || *c++ != '-')
        return -1;
    int d = digits(&c, 2);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d < 1 || d > mdays[mo - 1] + (mo == 2 && leap) || (*c != 'T' && *c != 't' && *c != ' '))
        return -1;
    c++;
    int h = digits(&c, 2);
    if (h < 0 || h > 23 || *c++ != ':')
        return -1;
    int mi = digits(&c, 2);
    if (mi < 0 || mi > 59 || *c++ != ':')
        return -1;
    int se = digits(&c, 2);
    if (se < 0 || se > 59)
        return -1;
    double frac = 0, unit = 0.1;
    if (*c == '.') {
        if (*++c < '0' || *c > '9')
            return -1;
        for (; *c >= '0' && *c <= '9'; c++, unit /= 10)
            frac += (*c - '0') * unit;
    }
    int off = 0;
    if (*c == 'Z' || *c == 'z') {
        c++;
    } else if (*c == '+' || *c == '-') {
        int sign = *c++ == '-' ? -1 : 1;
        int oh = digits(&c, 2);
        if (*c == ':')
            c++;
        int om = digits(&c, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return -1; /* a zone is required: local time would depend on the machine */
    }
    if (*c)
        return -1;
    *epoch_s = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + se - off +
               frac;
    return 0;
}

/* --- loading ------------------------------------------------------------------------------ */

struct point {
    double t, v;
    int where; /* CSV line, or JSON index, for duplicate messages */
};

struct load {
    struct point *pt;
    size_t n, cap;
};

static void load_add(struct load *ld, double t, double v, int where)
{
    if (ld->n == ld->cap) {
        ld->cap = ld->cap ? 2 * ld->cap : 256;
        ld->pt = xrealloc(ld->pt, ld->cap * sizeof *ld->pt);
    }
    ld->pt[ld->n++] = (struct point){t, v, where};
}

static int csv_row(void *ctx, const struct csvin_row *row)
{
    struct load *ld = ctx;
    if (row->record == 0) {
        if (row->nfields != 2 || strcmp(row->fields[0], "time") || strcmp(row->fields[1], "value"))
            return csvin_error(row, CSVIN_RECORD, "expected the header time,value");
        return 0;
    }
    if (row->nfields != 2)
        return csvin_error(row, row->nfields > 2 ? 2 : 0, "row has %zu fields; expected time,value",
                           row->nfields);
    double t, v;
    if (arrivals_iso8601(row->fields[0], &t))
        return csvin_error(row, 0, "time '%s': expected ISO 8601 with a zone, such as "
                                   "2026-03-02T14:05:00Z", csvin_value(row, 0));
    if (!csvin_number(row->fields[1], &v) || !(v >= 0) || !isfinite(v))
        return csvin_error(row, 1, "value '%s': expected a count >= 0", csvin_value(row, 1));
    load_add(ld, t, v, row->line);
    return 0;
}

/* Report about the JSON file as a whole (jansson keeps no positions after parsing). */
static int json_fail(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int json_fail(const char *path, const char *fmt, ...)
{
    struct loc l = {path, 0, 0};
    va_list ap;
    va_start(ap, fmt);
    diag_verror(&l, fmt, ap);
    va_end(ap);
    return -1;
}

static int json_series(const char *path, json_t *ts, json_t *vs, const char *what,
                       struct load *ld)
{
    if (!json_is_array(ts) || !json_is_array(vs) || json_array_size(ts) != json_array_size(vs))
        return json_fail(path, "%s: Timestamps and Values must be arrays of equal length",
                         what);
    for (size_t i = 0; i < json_array_size(ts); i++) {
        const char *s = json_string_value(json_array_get(ts, i));
        double t;
        if (!s || arrivals_iso8601(s, &t))
            return json_fail(path, "%s.Timestamps[%zu]: expected an ISO 8601 time with a zone, "
                             "got '%s'", what, i, s ? s : "(not a string)");
        json_t *v = json_array_get(vs, i);
        if (!json_is_number(v) || !(json_number_value(v) >= 0))
            return json_fail(path, "%s.Values[%zu]: expected a count >= 0", what, i);
        load_add(ld, t, json_number_value(v), (int)i);
    }
    return 0;
}

static int json_load(const char *path, const char *metric, const char *stat, struct load *ld)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root) {
        struct loc l = {path, err.line > 0 ? err.line : 0, err.column > 0 ? err.column : 0};
        return diag_error(&l, "malformed JSON: %s", err.text);
    }
    int rc = -1;
    json_t *mdr = json_object_get(root, "MetricDataResults");
    json_t *dps = json_object_get(root, "Datapoints");
    if (json_is_array(mdr)) {
        size_t hit = SIZE_MAX, nhit = 0;
        char names[1024] = "";
        size_t used = 0;
        for (size_t i = 0; i < json_array_size(mdr); i++) {
            json_t *r = json_array_get(mdr, i);
            const char *id = json_string_value(json_object_get(r, "Id"));
            const char *label = json_string_value(json_object_get(r, "Label"));
            text_appendf(names, sizeof names, &used, "%s%s (Label '%s')", i ? ", " : "",
                         id ? id : "?", label ? label : "");
            if (!metric || (id && !strcmp(id, metric)) || (label && !strcmp(label, metric)))
                hit = i, nhit++;
        }
        if (nhit != 1) {
            struct loc l = {path, 0, 0};
            if (nhit == 0 && !metric)
                diag_error(&l, "MetricDataResults is empty");
            else if (nhit == 0)
                diag_error(&l, "no MetricDataResults entry has Id or Label '%s'; there are: %s",
                           metric, names);
            else
                diag_error(&l, "%zu MetricDataResults entries match%s%s; choose one with "
                           "metric= (an Id or Label): %s", nhit, metric ? " " : "",
                           metric ? metric : "", names);
            goto out_root;
        }
        json_t *r = json_array_get(mdr, hit);
        char what[64];
        snprintf(what, sizeof what, "MetricDataResults[%zu]", hit);
        rc = json_series(path, json_object_get(r, "Timestamps"), json_object_get(r, "Values"),
                         what, ld);
    } else if (json_is_array(dps)) {
        const char *label = json_string_value(json_object_get(root, "Label"));
        if (metric && label && strcmp(label, metric)) {
            json_fail(path, "metric '%s' not found; this get-metric-statistics output has Label "
                      "'%s'", metric, label);
            goto out_root;
        }
        for (size_t i = 0; i < json_array_size(dps); i++) {
            json_t *d = json_array_get(dps, i);
            const char *s = json_string_value(json_object_get(d, "Timestamp"));
            json_t *v = json_object_get(d, stat);
            double t;
            if (!s || arrivals_iso8601(s, &t)) {
                json_fail(path, "Datapoints[%zu].Timestamp: expected an ISO 8601 time with a zone, "
                          "got '%s'", i, s ? s : "(missing)");
                goto out_root;
            }
            if (!json_is_number(v) || !(json_number_value(v) >= 0)) {
                json_fail(path, "Datapoints[%zu]: no %s >= 0 (request it with --statistics)", i,
                      stat);
                goto out_root;
            }
            load_add(ld, t, json_number_value(v), (int)i);
        }
        rc = 0;
    } else {
        json_fail(path, "expected the output of aws cloudwatch get-metric-data "
                  "(MetricDataResults) or get-metric-statistics (Datapoints)");
    }
out_root:
    json_decref(root);
    return rc;
}

static int point_cmp(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->where > y->where) - (x->where < y->where);
}

static int double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Most common spacing between consecutive (sorted, distinct) times; ties: the smallest.
 * O(n log n): the gaps sorted, then the longest run of equal ones. */
static double common_spacing(const struct point *pt, size_t n)
{
    size_t m = n - 1;
    double *g = xmalloc(m * sizeof *g);
    for (size_t i = 0; i < m; i++)
        g[i] = pt[i + 1].t - pt[i].t;
    qsort(g, m, sizeof *g, double_cmp);
    size_t best = 0;
    double period = g[0];
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && g[j] == g[i])
            j++;
        if (j - i > best) /* ascending, so a tie keeps the smaller spacing */
            best = j - i, period = g[i];
        i = j;
    }
    free(g);
    return period;
}

/* --- building the rate ----------------------------------------------------------------- */

static void rates_build(struct rates *rs, const struct point *pt, size_t n)
{
    double p = rs->period_s, t0 = pt[0].t;
    size_t np = (size_t)llround((pt[n - 1].t - t0) / p) + 1; /* periods, gaps included */
    double *rate = xcalloc(np, sizeof *rate);
    for (size_t i = 0; i < n; i++) {
        double k = floor((pt[i].t - t0) / p + 1e-9);
        rate[(size_t)k] += pt[i].v / p * rs->scale; /* off-grid points fall in their period */
    }
    /* pieces in profile time, then cut at shift */
    size_t cap = np + 3, m = 0;
    double *t = xmalloc(cap * sizeof *t), *r = xmalloc(cap * sizeof *r), *s = xmalloc(cap * sizeof *s);
    if (rs->shift_s < 0) /* start= before the data: nothing until they begin */
        t[m] = 0, r[m] = 0, s[m] = 0, m++;
    for (size_t k = 0; k < np; k++) {
        double start = k * p - rs->shift_s;
        double slope = rs->linear && k + 1 < np ? (rate[k + 1] - rate[k]) / p : 0;
        double end = start + p;
        if (end <= 0)
            continue;
        double r0 = rate[k];
        if (start < 0)
            r0 += slope * -start, start = 0;
        t[m] = start, r[m] = r0, s[m] = slope, m++;
    }
    t[m] = m ? t[m - 1] > np * p - rs->shift_s ? t[m - 1] : np * p - rs->shift_s : 0;
    r[m] = 0, s[m] = 0, m++;
    if (t[0] != 0) /* nothing left before 0 only when shift covers it */
        t[0] = 0;
    arrivals_pwl_init(&rs->w, m, t, r, s, 0);
    free(t), free(r), free(s), free(rate);
}

static int rates_parse(const struct arrivals_parse *p, void **priv)
{
    static const char *const keys[] = {"file",  "metric", "statistic", "interp",
                                       "scale", "shift",  "start",     NULL};
    if (arrivals_parse_keys(p, keys, NULL))
        return -1;
    const struct sim_call_arg *fa = arrivals_parse_arg(p, "file", NULL);
    if (!fa || fa->call)
        return arrivals_parse_error(p, fa ? fa->value_off : 0, fa ? fa->value_len : 0,
                                    "rates needs file=requests.json (or a time,value .csv)");
    struct rates *rs = xcalloc(1, sizeof *rs);
    rs->scale = 1;
    strcpy(rs->statistic, "Sum");
    const struct sim_call_arg *a;
    if ((a = arrivals_parse_arg(p, "statistic", NULL))) {
        if (strcmp(a->value, "Sum") && strcmp(a->value, "SampleCount")) {
            arrivals_parse_error(p, a->value_off, a->value_len, "statistic '%s': expected Sum or "
                                 "SampleCount (a count per period; Average, Minimum and Maximum "
                                 "are not arrival counts)", a->value);
            goto out_free;
        }
        strcpy(rs->statistic, a->value);
    }
    if ((a = arrivals_parse_arg(p, "interp", NULL))) {
        if (strcmp(a->value, "step") && strcmp(a->value, "linear")) {
            arrivals_parse_error(p, a->value_off, a->value_len,
                                 "interp '%s': expected step or linear", a->value);
            goto out_free;
        }
        rs->linear = !strcmp(a->value, "linear");
    }
    if (arrivals_parse_number(p, "scale", NULL, SIM_UNIT_NONE, false, "2", &rs->scale) ||
        arrivals_parse_number(p, "shift", NULL, SIM_UNIT_SECONDS, false, "6h", &rs->shift_s))
        goto out_free;
    if (!(rs->scale > 0) || !isfinite(rs->scale)) {
        a = arrivals_parse_arg(p, "scale", NULL);
        arrivals_parse_error(p, a->value_off, a->value_len, "scale must be > 0, got '%s'",
                             a->value);
        goto out_free;
    }
    if (!(rs->shift_s >= 0) || !isfinite(rs->shift_s)) {
        a = arrivals_parse_arg(p, "shift", NULL);
        arrivals_parse_error(p, a->value_off, a->value_len, "shift must be >= 0, got '%s'",
                             a->value);
        goto out_free;
    }
    if ((a = arrivals_parse_arg(p, "metric", NULL)))
        rs->metric = xstrdup(a->value);
    double start_unix = 0;
    const struct sim_call_arg *sa = arrivals_parse_arg(p, "start", NULL);
    if (sa) {
        if (arrivals_parse_arg(p, "shift", NULL)) {
            arrivals_parse_error(p, sa->value_off, sa->value_len,
                                 "give start= or shift=, not both: start= places t = 0 at an "
                                 "instant, shift= that far after the first timestamp");
            goto out_free;
        }
        if (arrivals_iso8601(sa->value, &start_unix) || strlen(sa->value) >= sizeof rs->start_text) {
            arrivals_parse_error(p, sa->value_off, sa->value_len,
                                 "start '%s': expected an ISO 8601 time with its zone "
                                 "(2026-01-05T00:00:00Z)", sa->value);
            goto out_free;
        }
        snprintf(rs->start_text, sizeof rs->start_text, "%s", sa->value);
    }

    char *path = arrivals_parse_path(p, fa->value);
    struct load ld = {0};
    size_t len = strlen(path);
    int rc;
    if (len > 4 && !strcmp(path + len - 4, ".csv")) {
        struct csvin_origin named = {p->base, p->text, fa->value_off, fa->value_len};
        rc = csvin_read(path, &named, csv_row, &ld);
    } else {
        rc = json_load(path, rs->metric, rs->statistic, &ld);
    }
    if (rc == 0 && ld.n < 2)
        rc = arrivals_parse_error(p, fa->value_off, fa->value_len, "'%s' has %zu data points; "
                                  "at least 2 are needed to tell the period", path, ld.n);
    if (rc == 0) {
        qsort(ld.pt, ld.n, sizeof *ld.pt, point_cmp);
        for (size_t i = 0; rc == 0 && i + 1 < ld.n; i++)
            if (ld.pt[i].t == ld.pt[i + 1].t) {
                struct loc l = {path, 0, 0};
                rc = diag_error(&l, "two data points at the same time (%s %d and %d); "
                                "CloudWatch gives one per period",
                                len > 4 && !strcmp(path + len - 4, ".csv") ? "lines" : "entries",
                                ld.pt[i].where, ld.pt[i + 1].where);
            }
    }
    if (rc == 0) {
        rs->period_s = common_spacing(ld.pt, ld.n);
        double span = ld.pt[ld.n - 1].t - ld.pt[0].t + rs->period_s;
        if (sa)
            rs->shift_s = start_unix - ld.pt[0].t;
        if (sa && rs->shift_s >= span) {
            rc = arrivals_parse_error(p, sa->value_off, sa->value_len,
                                      "start '%s' is at or after the end of the data (the last "
                                      "period ends %g s after the first timestamp)",
                                      sa->value, span);
        } else if (rs->shift_s >= span) {
            a = arrivals_parse_arg(p, "shift", NULL);
            rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                      "shift '%s' is past the end of the data (%g s long)",
                                      a->value, span);
        } else if (span / rs->period_s > 1e7) {
            rc = arrivals_parse_error(p, fa->value_off, fa->value_len,
                                      "'%s' spans more than 10 million periods of %g s", path,
                                      rs->period_s);
        }
    }
    if (rc == 0) {
        rates_build(rs, ld.pt, ld.n);
        rs->file = sim_path_absolute(p->base_dir, fa->value);
    }
    free(ld.pt);
    free(path);
    if (rc == 0) {
        *priv = rs;
        return 0;
    }
out_free:
    free(rs->metric);
    free(rs);
    return -1;
}

static void rates_free(void *priv)
{
    struct rates *rs = priv;
    arrivals_pwl_fini(&rs->w);
    free(rs->file);
    free(rs->metric);
    free(rs);
}

static void rates_format(const void *priv, char *buf, size_t n)
{
    const struct rates *rs = priv;
    char scale[32], shift[32];
    size_t used = 0;
    arrivals_fmt(rs->scale, SIM_UNIT_NONE, scale, sizeof scale);
    arrivals_fmt(rs->shift_s, SIM_UNIT_SECONDS, shift, sizeof shift);
    text_appendf(buf, n, &used, "rates(file=%s", rs->file);
    if (rs->metric)
        text_appendf(buf, n, &used, ", metric=%s", rs->metric);
    text_appendf(buf, n, &used, ", statistic=%s, interp=%s, scale=%s, ", rs->statistic,
                 rs->linear ? "linear" : "step", scale);
    if (rs->start_text[0])
        text_appendf(buf, n, &used, "start=%s)", rs->start_text);
    else
        text_appendf(buf, n, &used, "shift=%s)", shift);
}

const struct arrivals_ops arrivals_rates_ops = {
    .info = {"rates", "rates(file=requests.json, metric=RequestCount, statistic=Sum)",
             "Poisson arrivals following a CloudWatch series (get-metric-data or "
             "get-metric-statistics JSON, or a time,value CSV): count per period / period, "
             "interp=step|linear, scale=X, shift=D (t = 0 at the first timestamp + shift) or "
             "start=T (t = 0 at the ISO 8601 instant T)."},
    .parse = rates_parse,
    .free = rates_free,
    .format = rates_format,
    .rate_at = arrivals_pwl_ops_rate_at,
    .count = arrivals_pwl_ops_count,
    .next = arrivals_pwl_ops_next,
};
