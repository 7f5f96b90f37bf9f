#include "models/compute/fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/target.h"
#include "models/core/env.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define FAULT_END ((uint64_t)1 << 32) /* event arg bit: the fault ends */

static void log_row(struct faults *fs, const char *name, const struct sc_fault *f, bool end)
{
    struct env *env = fs->targets->env;
    char detail[160];
    snprintf(detail, sizeof detail, "%s %s", f->kind_text, end ? "ends" : "starts");
    sim_event_log_row(&env->events, sim_now(&env->sim), "fault", name, detail);
}

static void apply(struct faults *fs, int id, struct target *t, bool end)
{
    const struct sc_fault *f = &fs->cfg[id];
    if (end)
        target_fault_end(t, id);
    else
        target_fault_start(t, id, f->kind, f->factor, f->rate, fs->rngs[id]);
}

static void fault_event(struct sim *sim, void *ctx, uint64_t arg)
{
    struct faults *fs = ctx;
    const struct target_list *tl = fs->targets;
    int id = (int)(uint32_t)arg;
    bool end = (arg & FAULT_END) != 0;
    const struct sc_fault *f = &fs->cfg[id];
    if (f->outage) {
        char name[256];
        snprintf(name, sizeof name, "zone %s", f->zone_name);
        log_row(fs, name, f, end);
        /* Auto Scaling groups launch elsewhere while the zone is out (models/scaling/asg). */
        if (fs->targets->zone_outages && f->zone >= 0 && f->zone < fs->targets->nzones)
            fs->targets->zone_outages[f->zone] += end ? -1 : 1;
        /* Every target of the zone, in id order. */
        for (uint32_t i = 0; i < tl->n; i++)
            if (tl->t[i]->spec.zone == f->zone)
                apply(fs, id, tl->t[i], end);
        return;
    }
    for (uint32_t i = 0; i < tl->n; i++)
        if (!strcmp(tl->t[i]->node.name, f->target)) {
            log_row(fs, f->target, f, end);
            apply(fs, id, tl->t[i], end);
            return;
        }
    /* An auto scaling group's instance that has not been launched (or numbered) yet. */
    sim_event_log_row(&tl->env->events, sim_now(sim), "fault", f->target,
                      "no such instance at this time: fault not applied");
}

void faults_init(struct faults *fs, const struct sc_fault *cfg, int n,
                 struct target_list *targets)
{
    *fs = (struct faults){.cfg = cfg, .n = n, .targets = targets};
    fs->rngs = xcalloc((size_t)(n ? n : 1), sizeof *fs->rngs);
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "fault.%d", i);
        fs->rngs[i] = sim_rng_new(targets->env->seed, name);
    }
}

void faults_start(struct faults *fs)
{
    struct sim *sim = &fs->targets->env->sim;
    for (int i = 0; i < fs->n; i++) {
        const struct sc_fault *f = &fs->cfg[i];
        sim_event_schedule(sim, f->at_s, fault_event, fs, (uint64_t)i);
        if (f->duration_s > 0)
            sim_event_schedule(sim, f->at_s + f->duration_s, fault_event, fs,
                               (uint64_t)i | FAULT_END);
    }
}

void faults_fini(struct faults *fs)
{
    for (int i = 0; i < fs->n; i++)
        gsl_rng_free(fs->rngs[i]);
    free(fs->rngs);
    *fs = (struct faults){0};
}
