#include "models/compute/fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/target.h"
#include "models/scenario/world.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define FAULT_END ((uint64_t)1 << 32) /* event arg bit: the fault ends */

static void log_row(struct world *w, const char *name, const struct sc_fault *f, bool end)
{
    char detail[160];
    snprintf(detail, sizeof detail, "%s %s", f->kind_text, end ? "ends" : "starts");
    sim_event_log_row(&w->events, sim_now(&w->sim), "fault", name, detail);
}

static void apply(struct world *w, int id, struct target *t, bool end)
{
    const struct sc_fault *f = &w->sc->faults[id];
    if (end)
        target_fault_end(t, id);
    else
        target_fault_start(t, id, f->kind, f->factor, f->rate, w->fault_rngs[id]);
}

static void fault_event(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct world *w = ctx;
    int id = (int)(uint32_t)arg;
    bool end = (arg & FAULT_END) != 0;
    const struct sc_fault *f = &w->sc->faults[id];
    if (f->outage) {
        char name[256];
        snprintf(name, sizeof name, "zone %s", f->zone_name);
        log_row(w, name, f, end);
        /* Every target of the zone, in id order. */
        for (uint32_t i = 0; i < w->ntargets; i++)
            if (w->targets[i]->spec.zone == f->zone)
                apply(w, id, w->targets[i], end);
        return;
    }
    for (uint32_t i = 0; i < w->ntargets; i++)
        if (!strcmp(w->targets[i]->node.name, f->target)) {
            log_row(w, f->target, f, end);
            apply(w, id, w->targets[i], end);
            return;
        }
    /* An auto scaling group's instance that has not been launched (or numbered) yet. */
    sim_event_log_row(&w->events, sim_now(&w->sim), "fault", f->target,
                      "no such instance at this time: fault not applied");
}

void faults_start(struct world *w)
{
    const struct scenario *sc = w->sc;
    w->fault_rngs = xcalloc((size_t)(sc->nfaults ? sc->nfaults : 1), sizeof *w->fault_rngs);
    w->nfaults = sc->nfaults;
    for (int i = 0; i < sc->nfaults; i++) {
        char name[64];
        snprintf(name, sizeof name, "fault.%d", i);
        w->fault_rngs[i] = sim_rng_new(w->seed, name);
        const struct sc_fault *f = &sc->faults[i];
        sim_event_schedule(&w->sim, f->at_s, fault_event, w, (uint64_t)i);
        if (f->duration_s > 0)
            sim_event_schedule(&w->sim, f->at_s + f->duration_s, fault_event, w,
                               (uint64_t)i | FAULT_END);
    }
}

void faults_free(struct world *w)
{
    for (int i = 0; i < w->nfaults; i++)
        gsl_rng_free(w->fault_rngs[i]);
    free(w->fault_rngs);
    w->fault_rngs = NULL;
    w->nfaults = 0;
}
