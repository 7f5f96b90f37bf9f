/*
 * sink — the small recording interfaces through which models hand numbers to analysis.
 *
 * Models never include analysis/: they call these function pointers, and the program
 * (sim/cli) wires them to histograms, time series and CSV writers.  A sink whose function
 * is NULL drops what it is given, so a model can run with nothing attached (tests).
 */
#ifndef ELBSIM_SIM_SINK_H
#define ELBSIM_SIM_SINK_H

#include <stddef.h>

/* One number at a time (a latency, a size). */
struct sim_sink {
    void (*record)(void *ctx, double v);
    void *ctx;
};

static inline void sim_sink_record(const struct sim_sink *s, double v)
{
    if (s->record)
        s->record(s->ctx, v);
}

/* Named metrics: define a series once (scope, name, metric) and get an id; then report one
 * value per id per interval.  `metric` carries its unit (`_s`, `_rps`, `_usd`). */
struct sim_metrics {
    int (*define)(void *ctx, const char *scope, const char *name, const char *metric);
    void (*value)(void *ctx, int id, double v);
    void *ctx;
};

static inline int sim_metrics_define(const struct sim_metrics *m, const char *scope,
                                     const char *name, const char *metric)
{
    return m && m->define ? m->define(m->ctx, scope, name, metric) : -1;
}

static inline void sim_metrics_value(const struct sim_metrics *m, int id, double v)
{
    if (m && m->value && id >= 0)
        m->value(m->ctx, id, v);
}

/* Summary rows: `scope,name,metric,value`. */
struct sim_summary_sink {
    void (*row)(void *ctx, const char *scope, const char *name, const char *metric, double v);
    void *ctx;
};

/* Events for events.csv: `time_s,kind,name,detail`. */
struct sim_event_log {
    void (*row)(void *ctx, double time_s, const char *kind, const char *name,
                const char *detail);
    void *ctx;
};

static inline void sim_event_log_row(const struct sim_event_log *l, double t, const char *kind,
                                     const char *name, const char *detail)
{
    if (l && l->row)
        l->row(l->ctx, t, kind, name, detail);
}

#endif
