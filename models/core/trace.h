/*
 * trace — the decision trace: for a selected few requests, every decision on their path
 * with the state it was made from, as rows of trace.csv (docs/outputs.md "trace.csv").
 *
 * A selector (`--trace 20`, `--trace 'workload=web,first=20,from=300s,to=310s'`,
 * `sample=0.01`; or the scenario's `output.trace:`) says which requests are traced.  The
 * workload asks trace_select() once per new request and sets rq->traced; every hook on
 * the request's path is then `if (rq->traced) trace_...(...)`: when tracing is off the
 * env's tracer is NULL, no request is traced, and a hook costs one predictable branch — no
 * allocation, no formatting.  The sample draws from the tracer's own stream ("trace"), so
 * a traced run has the same arrivals, services and outputs as an untraced one.
 *
 * Rows are formatted into a memory buffer (bounded by the selection: at most `first`
 * requests, TRACE_DEFAULT_FIRST when the selector names no count) and written by the
 * caller (sim/cli/run.c) into the output folder.  A retry of a traced request is traced
 * too (its own id; the failed attempt's `retry` row names it).
 *
 * Ownership: the world owns the tracer; components borrow it through env->trace.
 */
#ifndef ELBSIM_MODELS_CORE_TRACE_H
#define ELBSIM_MODELS_CORE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

struct loc;
struct request;

/* Requests traced when the selector sets no `first`. */
#define TRACE_DEFAULT_FIRST 1000
/* At most this many candidates are listed in one routing row (docs/outputs.md). */
#define TRACE_MAX_CANDIDATES 16

/* Which requests are traced: all conditions hold. */
struct trace_sel {
    uint64_t first;      /* at most this many requests (first ones selected) */
    char workload[128];  /* only this workload's; "" = any */
    double from_s, to_s; /* s: created in [from_s, to_s) */
    double sample;       /* probability a request that passes the rest is taken; 1 = all */
};

/* The header row of trace.csv. */
#define TRACE_CSV_HEADER "request,attempt,time_s,event,where,choice,value,detail\n"

struct tracer {
    struct trace_sel sel;
    uint64_t taken;        /* requests selected so far */
    gsl_rng *rng;          /* the sample's own stream; NULL when sample is 1 */
    char *const *zones;    /* zone names (borrowed), for LB nodes and targets */
    int nzones;
    char *buf;             /* rows so far (without the header) */
    size_t len, cap;
};

/* Parse a selector: a whole number N (the first N requests), or comma-separated
 * key=value items: first=N, workload=NAME, from=DURATION, to=DURATION, sample=P
 * (0 < P <= 1).  loc locates text (NULL: command line).  Returns 0, or -1 after
 * reporting the bad item with what was expected. */
int trace_sel_parse(const char *text, const struct loc *loc, struct trace_sel *sel);

/* Write sel back as a selector text that trace_sel_parse reads as the same selection
 * (the resolved scenario).  buf gets at most n bytes, NUL-terminated. */
void trace_sel_format(const struct trace_sel *sel, char *buf, size_t n);

/* Set up a tracer for sel; the sample stream derives from run_seed.  zones borrowed. */
void trace_init(struct tracer *tr, const struct trace_sel *sel, uint64_t run_seed,
                char *const *zones, int nzones);
void trace_fini(struct tracer *tr);

/* Whether a new request of workload `wl` created at `now` is traced (counts it). */
bool trace_select(struct tracer *tr, const char *wl, double now);

/* Append one row.  where and choice may be NULL (empty); value NaN is written empty;
 * detail is printf-formatted (NULL: empty).  Quoted as CSV needs. */
void trace_row(struct tracer *tr, const struct request *rq, double now, const char *event,
               const char *where, const char *choice, double value, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* The name of zone z ("?" when out of range). */
const char *trace_zone(const struct tracer *tr, int z);

#endif
