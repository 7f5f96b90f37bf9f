#include "sim/cli/slo_window.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/summary.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"
#include "models/traffic/workload.h"
#include "sim/histogram.h"
#include "sim/xalloc.h"

struct win {
    const struct sc_slo *slo;
    int index;                /* the SLO's position in the scenario */
    int wl;                   /* the workload it watches; -1: every workload (run scope) */
    struct hist h;            /* latencies answered in the current window */
    uint64_t done0, failed0;  /* the watched counters when the window began */
    double start;             /* s: the current window began */
    uint64_t windows, broken;
    bool have_worst;
    double worst, worst_start;
};

struct slo_windows {
    struct world *w;
    struct win *v;
    int n;
    bool started;
};

static void counters(const struct slo_windows *sw, const struct win *x, uint64_t *done,
                     uint64_t *failed)
{
    *done = *failed = 0;
    for (int i = 0; i < sw->w->nworkloads; i++)
        if (x->wl < 0 || x->wl == i) {
            *done += sw->w->workloads[i]->completed;
            *failed += sw->w->workloads[i]->failed;
        }
}

/* The window's value of the SLO's metric; false when it has none (nothing finished). */
static bool value_of(const struct slo_windows *sw, const struct win *x, double len, double *v)
{
    const char *m = x->slo->metric;
    uint64_t done, failed;
    counters(sw, x, &done, &failed);
    done -= x->done0;
    failed -= x->failed0;
    if (!strcmp(m, "error_ratio")) {
        if (done + failed == 0)
            return false;
        *v = (double)failed / (double)(done + failed);
        return true;
    }
    if (!strcmp(m, "throughput_rps")) {
        *v = (double)done / len;
        return true;
    }
    if (!hist_count(&x->h))
        return false;
    const char *q = m + strlen("latency_");
    if (!strcmp(q, "mean_s"))
        *v = hist_mean(&x->h);
    else if (!strcmp(q, "max_s"))
        *v = hist_max(&x->h);
    else /* p50_s, p90_s, p99_s, p999_s: the digits after p are a fraction */
        *v = hist_quantile(&x->h, atof(q + 1) / (strlen(q) - 3 > 2 ? 1000.0 : 100.0));
    return true;
}

static bool holds(const struct sc_slo *o, double v)
{
    return !strcmp(o->op, "<")    ? v < o->value
           : !strcmp(o->op, "<=") ? v <= o->value
           : !strcmp(o->op, ">")  ? v > o->value
                                  : v >= o->value;
}

/* Judge window x, which ends at end_s, and begin the next one there. */
static void close_window(struct slo_windows *sw, struct win *x, double end_s)
{
    double v;
    if (end_s > x->start && value_of(sw, x, end_s - x->start, &v)) {
        x->windows++;
        x->broken += !holds(x->slo, v);
        bool higher_is_worse = x->slo->op[0] == '<';
        if (!x->have_worst || (higher_is_worse ? v > x->worst : v < x->worst)) {
            x->have_worst = true;
            x->worst = v;
            x->worst_start = x->start;
        }
    }
    hist_reset(&x->h);
    counters(sw, x, &x->done0, &x->failed0);
    x->start = end_s;
}

static void window_end(struct sim *sim, void *ctx, uint64_t arg)
{
    struct slo_windows *sw = ctx;
    struct win *x = &sw->v[arg];
    double now = sim_now(sim);
    close_window(sw, x, now);
    if (now + x->slo->window_s < sw->w->sc->duration_s)
        sim_event_schedule(sim, now + x->slo->window_s, window_end, sw, arg);
}

struct slo_windows *slo_windows_new(const struct scenario *sc, struct world *w)
{
    int n = 0;
    for (int i = 0; i < sc->nslos; i++)
        n += sc->slos[i].window_s > 0;
    if (n == 0)
        return NULL;
    struct slo_windows *sw = xcalloc(1, sizeof *sw);
    sw->w = w;
    sw->v = xcalloc((size_t)n, sizeof *sw->v);
    for (int i = 0; i < sc->nslos; i++) {
        const struct sc_slo *o = &sc->slos[i];
        if (o->window_s <= 0)
            continue;
        struct win *x = &sw->v[sw->n++];
        x->slo = o;
        x->index = i;
        x->wl = -1;
        for (int k = 0; !strcmp(o->scope, "workload") && k < sc->nworkloads; k++)
            if (!strcmp(sc->workloads[k].name, o->name))
                x->wl = k;
        hist_init(&x->h);
    }
    return sw;
}

void slo_windows_free(struct slo_windows *sw)
{
    if (!sw)
        return;
    for (int i = 0; i < sw->n; i++)
        hist_fini(&sw->v[i].h);
    free(sw->v);
    free(sw);
}

void slo_windows_start(struct slo_windows *sw)
{
    if (!sw)
        return;
    struct sim *sim = &sw->w->env.sim;
    double now = sim_now(sim);
    sw->started = true;
    for (int i = 0; i < sw->n; i++) {
        struct win *x = &sw->v[i];
        x->start = now;
        counters(sw, x, &x->done0, &x->failed0);
        if (now + x->slo->window_s < sw->w->sc->duration_s)
            sim_event_schedule(sim, now + x->slo->window_s, window_end, sw, (uint64_t)i);
    }
}

void slo_windows_record(struct slo_windows *sw, int wl, double latency_s)
{
    if (!sw || !sw->started)
        return;
    for (int i = 0; i < sw->n; i++)
        if (sw->v[i].wl < 0 || sw->v[i].wl == wl)
            hist_record(&sw->v[i].h, latency_s);
}

void slo_windows_finish(struct slo_windows *sw, double end_s)
{
    if (!sw || !sw->started)
        return;
    for (int i = 0; i < sw->n; i++)
        close_window(sw, &sw->v[i], end_s);
}

void slo_windows_summary(const struct slo_windows *sw, struct summary *s)
{
    if (!sw)
        return;
    for (int i = 0; i < sw->n; i++) {
        const struct win *x = &sw->v[i];
        char name[16];
        snprintf(name, sizeof name, "%d", x->index + 1);
        summary_add(s, "slo", name, "windows", (double)x->windows);
        summary_add(s, "slo", name, "windows_broken", (double)x->broken);
        summary_add(s, "slo", name, "worst", x->have_worst ? x->worst : (double)NAN);
        summary_add(s, "slo", name, "worst_window_start_s",
                    x->have_worst ? x->worst_start : (double)NAN);
    }
}
