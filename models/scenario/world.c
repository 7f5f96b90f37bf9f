#include "models/scenario/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/scaling/asg.h"
#include "models/containers/ecs.h"
#include "models/kube/kube.h"
#include "models/compute/fault.h"
#include "models/elb/lb.h"
#include "models/core/node.h"
#include "models/core/request.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/traffic/workload.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

/* The env's hooks: a response or a loss reaches the workload that sent the request. */
static void to_client(struct request *rq)
{
    workload_response(rq->wl, rq);
}

static void prefetch_to_client(const struct request *rq)
{
    workload_prefetch_response(rq->wl, rq);
}

static void lost_to_client(struct request *rq)
{
    workload_lost(rq->wl, rq);
}

static uint64_t client_net_of(const struct request *rq)
{
    return rq->wl->name_hash;
}

static const char *host_of(const struct request *rq)
{
    return rq->wl->cfg->host;
}

static gsl_rng *stream(struct world *w, const char *kind, const char *name)
{
    char full[512];
    snprintf(full, sizeof full, "%s.%s", kind, name);
    return sim_rng_new(w->env.seed, full);
}

/* snprintf(buf, size, "%s/%d", prefix, n) for n >= 0, without stdio's cost: a fleet of
 * 10^5 static targets is named here. */
static void numbered_name(char *buf, size_t size, const char *prefix, int n)
{
    char digits[16];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    size_t k = 0;
    for (const char *c = prefix; *c && k + 1 < size; c++)
        buf[k++] = *c;
    if (k + 1 < size)
        buf[k++] = '/';
    while (nd > 0 && k + 1 < size)
        buf[k++] = digits[--nd];
    buf[k] = '\0';
}

static struct world_timed *timed_new(struct world *w)
{
    w->timed = xrealloc(w->timed, (w->ntimed + 1) * sizeof *w->timed);
    struct world_timed *tt = &w->timed[w->ntimed++];
    *tt = (struct world_timed){0};
    return tt;
}

struct world *world_new(const struct scenario *sc, uint64_t seed)
{
    struct world *w = xcalloc(1, sizeof *w);
    sim_event_init(&w->env.sim);
    w->sc = sc;
    w->env.seed = seed;
    if (sc->trace_on) {
        trace_init(&w->tracer, &sc->trace, seed, sc->zones, sc->nzones);
        w->env.trace = &w->tracer;
    }
    sim_pool_init(&w->env.requests, sizeof(struct request));
    sim_pool_init(&w->env.request_exts, sizeof(struct request_ext));
    w->env.response = to_client;
    w->env.prefetch_response = prefetch_to_client;
    w->env.lost = lost_to_client;
    w->env.client_net = client_net_of;
    w->env.request_host = host_of;
    w->targets.env = &w->env;
    w->targets.zone_names = sc->zones;
    w->targets.nzones = sc->nzones;
    w->targets.zone_outages = xcalloc((size_t)(sc->nzones ? sc->nzones : 1), sizeof(int));

    /* Target groups and their static targets, named "<group>/<n>". */
    w->ntgs = sc->ntgs;
    w->tgs = xcalloc((size_t)(sc->ntgs ? sc->ntgs : 1), sizeof *w->tgs);
    for (int i = 0; i < sc->ntgs; i++) {
        const struct sc_tg *g = &sc->tgs[i];
        w->tgs[i] = xmalloc(sizeof *w->tgs[i]);
        tg_init(w->tgs[i], &w->env, (uint32_t)i, g->name, route_find(g->algorithm), g->algorithm,
                stream(w, "target_group", g->name));
        struct tg_health_check hc = {g->hc.interval_s, g->hc.timeout_s, g->hc.healthy,
                                     g->hc.unhealthy};
        char hname[256];
        snprintf(hname, sizeof hname, "%s.health", g->name);
        tg_health_init(w->tgs[i], &hc, stream(w, "target_group", hname));
        struct target_group *tg = w->tgs[i];
        tg->slow_start_s = g->slow_start_s;
        tg->sticky_s = g->sticky == SC_STICKY_COOKIE ? g->sticky_duration_s : 0;
        tg->dereg_delay_s = g->deregistration_delay_s;
        tg->drain_early = g->lb_type == SC_LB_ALB; /* AWS.md fact 10 */
        tg->no_fail_open = g->lb_type == SC_LB_GWLB; /* AWS.md fact 9 */
        int n = 0, spread = 0;
        for (int k = 0; k < g->ntargets; k++) {
            const struct sc_targets *ts = &g->targets[k];
            if (ts->lb)
                continue; /* registered once the LBs exist */
            for (int c = 0; c < ts->count; c++) {
                struct target_spec spec = ts->spec;
                /* Targets without a zone are spread over the scenario's zones in turn. */
                spec.zone = ts->zone >= 0 ? ts->zone : spread++ % sc->nzones;
                char name[512];
                numbered_name(name, sizeof name, g->name, n++);
                if (ts->register_at_s > 0 || ts->deregister_at_s > 0) {
                    /* Registered (and maybe deregistered) on the timeline: world_start. */
                    struct world_timed *tt = timed_new(w);
                    tt->group = i;
                    tt->target = target_list_new(&w->targets, name, &spec);
                    tt->at_s = ts->register_at_s;
                    tt->dereg_s = ts->deregister_at_s;
                    tt->member = UINT32_MAX;
                    if (ts->register_at_s > 0) {
                        /* Made now so outputs have its columns; launched when registered. */
                        tt->target->state = TARGET_PENDING;
                        tt->target->launched_s = ts->register_at_s;
                        continue;
                    }
                    tt->member = tg->nmembers;
                    tg_target_register(tg, tt->target);
                    continue;
                }
                tg_target_register(tg, target_list_new(&w->targets, name, &spec));
            }
        }
    }
    w->nlbs = sc->nlbs;
    w->lbs = xcalloc((size_t)(sc->nlbs ? sc->nlbs : 1), sizeof *w->lbs);
    for (int i = 0; i < sc->nlbs; i++)
        w->lbs[i] = lb_new(&w->env, (uint32_t)i, &sc->lbs[i], w->tgs, sc->tgs, sc->ntgs,
                           sc->duration_s);
    for (int i = 0; i < sc->nlbs; i++)
        lb_link(w->lbs[i], w->lbs, w->nlbs);
    /* Chaining: load balancers registered as targets of a group. */
    for (int i = 0; i < sc->ntgs; i++)
        for (int k = 0; k < sc->tgs[i].ntargets; k++)
            if (sc->tgs[i].targets[k].lb)
                tg_lb_register(w->tgs[i],
                               &w->lbs[scenario_lb_index(sc, sc->tgs[i].targets[k].lb)]->node);
    w->nasgs = sc->nasgs;
    w->asgs = xcalloc((size_t)(sc->nasgs ? sc->nasgs : 1), sizeof *w->asgs);
    for (int i = 0; i < sc->nasgs; i++) {
        const struct sc_asg *a = &sc->asgs[i];
        struct target_group **tgs = xcalloc((size_t)(a->ntgs ? a->ntgs : 1), sizeof *tgs);
        for (int k = 0; k < a->ntgs; k++)
            tgs[k] = w->tgs[scenario_tg_index(sc, a->tg_names[k])];
        w->asgs[i] = asg_new(&w->targets, (uint32_t)i, a, tgs, sc->duration_s);
        free(tgs);
    }
    w->necs = sc->necs;
    w->ecs = xcalloc((size_t)(sc->necs ? sc->necs : 1), sizeof *w->ecs);
    for (int i = 0; i < sc->necs; i++) {
        const struct ecs_service_cfg *c = &sc->ecs[i].cfg;
        struct target_group **tgs = xcalloc((size_t)(c->ntgs ? c->ntgs : 1), sizeof *tgs);
        for (int k = 0; k < c->ntgs; k++)
            tgs[k] = w->tgs[c->tgs[k]];
        w->ecs[i] = ecs_new(&w->targets, c, tgs, sc->nzones, sc->duration_s);
        free(tgs);
    }
    w->nkube = sc->nkube;
    w->kube = xcalloc((size_t)(sc->nkube ? sc->nkube : 1), sizeof *w->kube);
    for (int i = 0; i < sc->nkube; i++) {
        w->kube[i] = kube_new(&w->targets, &sc->kube[i].cfg, w->tgs, sc->nzones);
        w->kube[i]->probes = sc->nfaults > 0;
    }
    w->nworkloads = sc->nworkloads;
    w->workloads = xcalloc((size_t)sc->nworkloads, sizeof *w->workloads);
    for (int i = 0; i < sc->nworkloads; i++) {
        const struct sc_workload *c = &sc->workloads[i];
        int li = scenario_lb_index(sc, c->entry);
        ELB_ASSERT(li >= 0);
        w->workloads[i] = workload_new(&w->env, (uint32_t)i, c, &w->lbs[li]->node);
    }
    faults_init(&w->faults, sc->faults, sc->nfaults, &w->targets);
    return w;
}

static void timed_dereg(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct world *w = ctx;
    struct world_timed *tt = &w->timed[arg];
    if (tt->member != UINT32_MAX)
        tg_deregister(w->tgs[tt->group], tt->member);
}

static void timed_reg(struct sim *sim, void *ctx, uint64_t arg)
{
    struct world *w = ctx;
    struct world_timed *tt = &w->timed[arg];
    struct target_group *g = w->tgs[tt->group];
    struct target *t = tt->target;
    tt->member = g->nmembers;
    t->state = TARGET_IN_SERVICE;
    t->launched_s = t->busy_since = t->ps_vtime_at = sim_now(sim);
    char detail[128];
    snprintf(detail, sizeof detail, "registered with %s", g->node.name);
    sim_event_log_row(&w->env.events, sim_now(sim), "register", t->node.name, detail);
    tg_target_register(g, t);
}

void world_start(struct world *w)
{
    /* Groups first: their initial instances register healthy, as static targets do. */
    for (int i = 0; i < w->nasgs; i++)
        asg_start(w->asgs[i]);
    for (int i = 0; i < w->necs; i++)
        ecs_start(w->ecs[i]);
    for (int i = 0; i < w->nkube; i++)
        kube_start(w->kube[i]);
    for (int i = 0; i < w->ntgs; i++)
        tg_health_start(w->tgs[i]);
    for (int i = 0; i < w->nlbs; i++)
        lb_start(w->lbs[i]);
    for (size_t i = 0; i < w->ntimed; i++) {
        if (w->timed[i].at_s > 0)
            sim_event_schedule(&w->env.sim, w->timed[i].at_s, timed_reg, w, i);
        if (w->timed[i].dereg_s > 0)
            sim_event_schedule(&w->env.sim, w->timed[i].dereg_s, timed_dereg, w, i);
    }
    faults_start(&w->faults);
    for (int i = 0; i < w->nworkloads; i++)
        workload_start(w->workloads[i]);
}

void world_free(struct world *w)
{
    if (!w)
        return;
    /* The engine first: pending events point into the entities below. */
    sim_event_fini(&w->env.sim);
    if (w->env.trace)
        trace_fini(&w->tracer);
    faults_fini(&w->faults);
    for (int i = 0; i < w->nworkloads; i++)
        workload_free(w->workloads[i]);
    free(w->workloads);
    for (int i = 0; i < w->nasgs; i++)
        asg_free(w->asgs[i]);
    free(w->asgs);
    for (int i = 0; i < w->necs; i++)
        ecs_free(w->ecs[i]);
    free(w->ecs);
    for (int i = 0; i < w->nkube; i++)
        kube_free(w->kube[i]);
    free(w->kube);
    for (int i = 0; i < w->nlbs; i++)
        lb_free(w->lbs[i]);
    free(w->lbs);
    for (int i = 0; i < w->ntgs; i++) {
        tg_fini(w->tgs[i]);
        free(w->tgs[i]);
    }
    free(w->tgs);
    target_list_fini(&w->targets);
    free(w->timed);
    sim_pool_fini(&w->env.requests);
    sim_pool_fini(&w->env.request_exts);
    free(w);
}
