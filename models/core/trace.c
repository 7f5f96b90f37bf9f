/* The decision trace's selector and row buffer (trace.h). */
#include "models/core/trace.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/request.h"
#include "sim/diag.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/xalloc.h"

static const char sel_expect[] =
    "expected a number of requests, or key=value items separated by commas: first=N, "
    "workload=NAME, from=DURATION, to=DURATION, sample=P (0 < P <= 1)";

int trace_sel_parse(const char *text, const struct loc *loc, struct trace_sel *sel)
{
    *sel = (struct trace_sel){.first = TRACE_DEFAULT_FIRST, .from_s = 0,
                              .to_s = (double)INFINITY, .sample = 1.0};
    size_t len = strlen(text);
    if (len == 0)
        return diag_error_text(loc, text, 0, 0, "trace: empty selector; %s", sel_expect);
    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (*end == '\0' && text[0] >= '0' && text[0] <= '9') {
        if (errno || n == 0)
            return diag_error_text(loc, text, 0, len,
                                   "trace: the number of requests must be a whole number >= 1, "
                                   "got '%s'", text);
        sel->first = n;
        return 0;
    }
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && text[j] != ',')
            j++;
        const char *item = text + i;
        size_t ilen = j - i;
        const char *eq = memchr(item, '=', ilen);
        if (!eq)
            return diag_error_text(loc, text, i, ilen, "trace: bad item '%.*s'; %s",
                                   (int)ilen, item, sel_expect);
        size_t klen = (size_t)(eq - item);
        const char *v = eq + 1;
        size_t vlen = ilen - klen - 1;
        size_t voff = i + klen + 1;
        const char *why = NULL;
        if (klen == 5 && !strncmp(item, "first", 5)) {
            char num[32];
            if (vlen == 0 || vlen >= sizeof num || v[0] < '0' || v[0] > '9')
                return diag_error_text(loc, text, voff, vlen,
                                       "trace: first must be a whole number >= 1, got '%.*s'",
                                       (int)vlen, v);
            memcpy(num, v, vlen);
            num[vlen] = '\0';
            errno = 0;
            n = strtoull(num, &end, 10);
            if (*end || errno || n == 0)
                return diag_error_text(loc, text, voff, vlen,
                                       "trace: first must be a whole number >= 1, got '%.*s'",
                                       (int)vlen, v);
            sel->first = n;
        } else if (klen == 8 && !strncmp(item, "workload", 8)) {
            if (vlen == 0 || vlen >= sizeof sel->workload)
                return diag_error_text(loc, text, voff, vlen,
                                       "trace: workload must be a workload's name (at most "
                                       "%zu characters), got '%.*s'",
                                       sizeof sel->workload - 1, (int)vlen, v);
            memcpy(sel->workload, v, vlen);
            sel->workload[vlen] = '\0';
        } else if ((klen == 4 && !strncmp(item, "from", 4)) ||
                   (klen == 2 && !strncmp(item, "to", 2))) {
            double t;
            if (sim_units_parse(v, vlen, SIM_UNIT_SECONDS, &t, &why) || !(t >= 0) ||
                !isfinite(t))
                return diag_error_text(loc, text, voff, vlen, "trace: %.*s: %s, >= 0; got '%.*s'",
                                       (int)klen, item,
                                       why ? why : "expected a duration",
                                       (int)vlen, v);
            if (klen == 4)
                sel->from_s = t;
            else
                sel->to_s = t;
        } else if (klen == 6 && !strncmp(item, "sample", 6)) {
            double p;
            if (sim_units_parse(v, vlen, SIM_UNIT_NONE, &p, &why) || !(p > 0) || p > 1)
                return diag_error_text(loc, text, voff, vlen,
                                       "trace: sample must be a probability in (0, 1], got "
                                       "'%.*s'", (int)vlen, v);
            sel->sample = p;
        } else {
            return diag_error_text(loc, text, i, klen, "trace: unknown key '%.*s'; %s",
                                   (int)klen, item, sel_expect);
        }
        i = j + 1;
    }
    if (!(sel->from_s < sel->to_s))
        return diag_error_text(loc, text, 0, len,
                               "trace: the window is empty (from must be before to): '%s'",
                               text);
    return 0;
}

void trace_sel_format(const struct trace_sel *sel, char *buf, size_t n)
{
    char from[32], to[32];
    int k = snprintf(buf, n, "first=%llu", (unsigned long long)sel->first);
    if (sel->workload[0] && k >= 0 && (size_t)k < n)
        k += snprintf(buf + k, n - (size_t)k, ",workload=%s", sel->workload);
    if (sel->from_s > 0 && k >= 0 && (size_t)k < n) {
        sim_units_format(sel->from_s, SIM_UNIT_SECONDS, from, sizeof from);
        k += snprintf(buf + k, n - (size_t)k, ",from=%s", from);
    }
    if (isfinite(sel->to_s) && k >= 0 && (size_t)k < n) {
        sim_units_format(sel->to_s, SIM_UNIT_SECONDS, to, sizeof to);
        k += snprintf(buf + k, n - (size_t)k, ",to=%s", to);
    }
    if (sel->sample < 1 && k >= 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, ",sample=%.17g", sel->sample);
}

void trace_init(struct tracer *tr, const struct trace_sel *sel, uint64_t run_seed,
                char *const *zones, int nzones)
{
    *tr = (struct tracer){.sel = *sel, .zones = zones, .nzones = nzones};
    if (sel->sample < 1)
        tr->rng = sim_rng_new(run_seed, "trace");
}

void trace_fini(struct tracer *tr)
{
    if (tr->rng)
        gsl_rng_free(tr->rng);
    free(tr->buf);
    tr->buf = NULL;
}

bool trace_select(struct tracer *tr, const char *wl, double now)
{
    const struct trace_sel *s = &tr->sel;
    if (tr->taken >= s->first || now < s->from_s || now >= s->to_s)
        return false;
    if (s->workload[0] && strcmp(s->workload, wl))
        return false;
    if (tr->rng && sim_rng_uniform(tr->rng) >= s->sample)
        return false;
    tr->taken++;
    return true;
}

const char *trace_zone(const struct tracer *tr, int z)
{
    return z >= 0 && z < tr->nzones ? tr->zones[z] : "?";
}

static void reserve(struct tracer *tr, size_t more)
{
    if (tr->len + more + 1 <= tr->cap)
        return;
    size_t cap = tr->cap ? tr->cap : 4096;
    while (cap < tr->len + more + 1)
        cap *= 2;
    tr->buf = xrealloc(tr->buf, cap);
    tr->cap = cap;
}

static void put(struct tracer *tr, const char *s, size_t n)
{
    reserve(tr, n);
    memcpy(tr->buf + tr->len, s, n);
    tr->len += n;
    tr->buf[tr->len] = '\0';
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void put_field(struct tracer *tr, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n\r")) {
        put(tr, s, strlen(s));
        return;
    }
    put(tr, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            put(tr, "\"", 1);
        put(tr, p, 1);
    }
    put(tr, "\"", 1);
}

void trace_row(struct tracer *tr, const struct request *rq, double now, const char *event,
               const char *where, const char *choice, double value, const char *fmt, ...)
{
    char head[96];
    int k = snprintf(head, sizeof head, "%llu,%u,%.6f,", (unsigned long long)rq->id,
                     (unsigned)rq->attempt, now);
    put(tr, head, (size_t)k);
    put_field(tr, event);
    put(tr, ",", 1);
    put_field(tr, where);
    put(tr, ",", 1);
    put_field(tr, choice);
    put(tr, ",", 1);
    if (!isnan(value)) {
        k = snprintf(head, sizeof head, "%.9g", value);
        put(tr, head, (size_t)k);
    }
    put(tr, ",", 1);
    if (fmt) {
        char detail[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
        put_field(tr, detail);
    }
    put(tr, "\n", 1);
}
