#include "models/lb.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "models/request.h"
#include "models/scenario.h"
#include "models/target_group.h"
#include "models/world.h"
#include "sim/dist.h"
#include "sim/xalloc.h"

static void lb_accept(struct node *n, struct request *rq);
static bool lb_done(struct node *n, struct request *rq);

static const struct node_ops alb_ops = {
    .kind = "alb",
    .accept = lb_accept,
    .done = lb_done,
};

struct lb *lb_new(struct world *w, uint32_t id, const struct sc_lb *cfg,
                  struct target_group **tgs)
{
    struct lb *lb = xcalloc(1, sizeof *lb);
    lb->node.ops = &alb_ops;
    lb->node.name = cfg->name;
    lb->node.world = w;
    lb->id = id;
    lb->cfg = cfg;
    lb->nnodes = cfg->nzones;
    lb->node_zone = cfg->zones;
    lb->latency = cfg->latency;
    lb->node_requests = xcalloc((size_t)lb->nnodes, sizeof *lb->node_requests);
    lb->rules = xcalloc((size_t)(cfg->nrules ? cfg->nrules : 1), sizeof *lb->rules);
    lb->nrules = cfg->nrules;
    /* [group][node] view index + 1, 0 = not attached yet */
    uint32_t **tg_views = xcalloc((size_t)(w->sc->ntgs ? w->sc->ntgs : 1), sizeof *tg_views);
    for (int i = 0; i < cfg->nrules; i++) {
        const struct sc_rule *cr = &cfg->rules[i];
        struct lb_rule *r = &lb->rules[i];
        r->path = cr->path;
        r->host = cr->host;
        r->nfw = cr->nfw;
        r->fw = xcalloc((size_t)cr->nfw, sizeof *r->fw);
        double sum = 0, acc = 0;
        for (int k = 0; k < cr->nfw; k++)
            sum += cr->fw[k].weight;
        for (int k = 0; k < cr->nfw; k++) {
            struct lb_forward *f = &r->fw[k];
            int gi = scenario_tg_index(w->sc, cr->fw[k].target_group);
            ELB_ASSERT(gi >= 0); /* checked by the scenario reader */
            f->tg = tgs[gi];
            acc += cr->fw[k].weight;
            f->cum_weight = k == cr->nfw - 1 ? 1.0 : acc / sum;
            /* Per-group cross-zone setting overrides the LB's (AWS.md §1 "Cross-zone"). */
            const struct sc_tg *g = &w->sc->tgs[gi];
            bool xz = g->cross_zone == SC_XZ_ON    ? true
                      : g->cross_zone == SC_XZ_OFF ? false
                                                   : cfg->cross_zone;
            f->views = xcalloc((size_t)lb->nnodes, sizeof *f->views);
            /* One routing instance per (LB node, target group), however many rules
             * forward to the group: AWS balances per node and group, not per rule. */
            if (!tg_views[gi]) {
                tg_views[gi] = xcalloc((size_t)lb->nnodes, sizeof *tg_views[gi]);
                for (int nd = 0; nd < lb->nnodes; nd++)
                    tg_views[gi][nd] = tg_view_attach(f->tg, lb->node_zone[nd], xz) + 1;
            }
            for (int nd = 0; nd < lb->nnodes; nd++)
                f->views[nd] = tg_views[gi][nd] - 1;
        }
    }
    for (int g = 0; g < w->sc->ntgs; g++)
        free(tg_views[g]);
    free(tg_views);
    return lb;
}

void lb_free(struct lb *lb)
{
    if (!lb)
        return;
    for (int i = 0; i < lb->nrules; i++) {
        for (int k = 0; k < lb->rules[i].nfw; k++)
            free(lb->rules[i].fw[k].views);
        free(lb->rules[i].fw);
    }
    free(lb->rules);
    free(lb->node_requests);
    free(lb);
}

static bool host_matches(const char *glob, const char *host)
{
    if (!host)
        return false;
    char g[256], h[256];
    size_t i;
    for (i = 0; glob[i] && i < sizeof g - 1; i++)
        g[i] = (char)tolower((unsigned char)glob[i]);
    g[i] = '\0';
    for (i = 0; host[i] && i < sizeof h - 1; i++)
        h[i] = (char)tolower((unsigned char)host[i]);
    h[i] = '\0';
    return fnmatch(g, h, 0) == 0;
}

static const struct lb_rule *match(const struct lb *lb, const struct request *rq)
{
    const char *path = rq->path ? rq->path : "/";
    for (int i = 0; i < lb->nrules; i++) {
        const struct lb_rule *r = &lb->rules[i];
        if (r->path && fnmatch(r->path, path, 0) != 0)
            continue;
        if (r->host && !host_matches(r->host, rq->host))
            continue;
        return r;
    }
    return NULL;
}

/* After the node's processing latency: route the request. */
static void lb_forward(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct lb *lb = ctx;
    struct request *rq = (struct request *)(uintptr_t)arg;
    const struct lb_rule *r = match(lb, rq);
    if (!r) {
        request_respond(rq, RQ_NOT_FOUND);
        return;
    }
    const struct lb_forward *f = &r->fw[0];
    if (r->nfw > 1) {
        double u = rq->u_route;
        int k = 0;
        while (k < r->nfw - 1 && u >= r->fw[k].cum_weight)
            k++;
        f = &r->fw[k];
    }
    rq->route_view = f->views[rq->lb_node];
    rq->route_key = rq->flow_hash;
    node_send(&f->tg->node, rq);
}

static void lb_accept(struct node *n, struct request *rq)
{
    struct lb *lb = container_of(n, struct lb, node);
    struct world *w = n->world;
    /* DNS spreads flows over the nodes; a flow stays on its node. */
    uint32_t nd = (uint32_t)(rq->flow_hash % (uint64_t)lb->nnodes);
    rq->lb_node = nd;
    lb->requests++;
    lb->node_requests[nd]++;
    lb->in_flight++;
    /* The request's own uniform through the latency's quantile function: the same request
     * sees the same latency whatever happened before it (common random numbers). */
    double d = lb->latency ? sim_dist_quantile(lb->latency, rq->u_lb) : 0.0;
    if (d > 0)
        sim_event_after(&w->sim, d, lb_forward, lb, (uint64_t)(uintptr_t)rq);
    else
        lb_forward(&w->sim, lb, (uint64_t)(uintptr_t)rq);
}

static bool lb_done(struct node *n, struct request *rq)
{
    struct lb *lb = container_of(n, struct lb, node);
    lb->in_flight--;
    lb->responses++;
    if (rq->status >= 400)
        lb->errors++;
    return false;
}
