/* Karpenter's batching, launch packing and consolidation (models/kube/karpenter.h;
 * docs/eks.md "Karpenter"). */
#include "models/kube/karpenter.h"

#include <math.h>

#include "models/compute/catalog.h"

#define KARP_EPS 1e-9

void karp_cfg_default(struct karp_cfg *c)
{
    *c = (struct karp_cfg){
        .batch_idle_s = 1,
        .batch_max_s = 10,
        .policy = KARP_WHEN_EMPTY_OR_UNDERUTILIZED,
        .consolidate_after_s = 0,
        .budget_pct = 10,
    };
}

bool karp_batch_ready(const struct karp_cfg *c, double first_s, double last_s, double now_s)
{
    if (isnan(first_s))
        return false;
    return now_s - last_s >= c->batch_idle_s - KARP_EPS ||
           now_s - first_s >= c->batch_max_s - KARP_EPS;
}

int karp_cheapest_fit(const struct karp_cfg *c, struct kube_res need, int npods)
{
    int best = -1;
    for (int i = 0; i < c->ntypes; i++) {
        const struct karp_type *t = &c->types[i];
        if (need.cpu > t->alloc.cpu + KARP_EPS || need.mem_gb > t->alloc.mem_gb + KARP_EPS ||
            (t->max_pods > 0 && npods > t->max_pods))
            continue;
        if (best < 0 || t->ci->price_per_hour_usd < c->types[best].ci->price_per_hour_usd)
            best = i;
    }
    return best;
}

/* The allowed type with the most allocatable cpu (then memory): the packing's shape. */
static int largest(const struct karp_cfg *c)
{
    int b = -1;
    for (int i = 0; i < c->ntypes; i++)
        if (b < 0 || c->types[i].alloc.cpu > c->types[b].alloc.cpu + KARP_EPS ||
            (fabs(c->types[i].alloc.cpu - c->types[b].alloc.cpu) <= KARP_EPS &&
             c->types[i].alloc.mem_gb > c->types[b].alloc.mem_gb))
            b = i;
    return b;
}

int karp_plan_launch(const struct karp_cfg *c, const struct ca_pod *pending, int np,
                     struct ca_scratch *sc, struct karp_node_plan *out, int max_out)
{
    int big = largest(c);
    if (big < 0 || max_out <= 0)
        return 0;
    /* The packing is the Cluster Autoscaler's estimate on the largest type's shape; its
     * room array then holds what each node got. */
    struct ca_group shape = {.alloc = c->types[big].alloc, .max_pods = c->types[big].max_pods};
    int helped;
    int nodes = ca_estimate(&shape, pending, np, max_out, sc, &helped, NULL);
    int n = 0;
    for (int j = 0; j < nodes; j++) {
        struct kube_res need = {sc->room[3 * j], sc->room[3 * j + 1]};
        int pods = (int)sc->room[3 * j + 2];
        int t = karp_cheapest_fit(c, need, pods);
        if (t < 0)
            t = big; /* cannot happen: the node was packed to the largest type's shape */
        out[n++] = (struct karp_node_plan){t, pods};
    }
    return n;
}

int karp_plan_consolidation(const struct karp_cfg *c, double now_s, const struct ca_node *nodes,
                            int nn, const struct ca_pod *pods, int disrupting,
                            double *free_room, int *dest, struct karp_action *out)
{
    int mine = 0;
    for (int i = 0; i < nn; i++)
        mine += nodes[i].group < 0 && nodes[i].ready;
    int allowed = (int)ceil(c->budget_pct / 100.0 * mine - KARP_EPS);
    if (mine == 0 || disrupting >= allowed)
        return 0;
    /* Empty nodes first. */
    for (int i = 0; i < nn; i++) {
        const struct ca_node *n = &nodes[i];
        if (n->group < 0 && n->ready && n->npods == 0 &&
            now_s - n->changed_s >= c->consolidate_after_s - KARP_EPS) {
            *out = (struct karp_action){i, -1};
            return 1;
        }
    }
    if (c->policy != KARP_WHEN_EMPTY_OR_UNDERUTILIZED)
        return 0;
    /* Then the candidates with the fewest pods (the cheapest to disrupt), lowest index among
     * equals: one pass per pod count keeps it allocation-free. */
    int most = 0;
    for (int i = 0; i < nn; i++)
        if (nodes[i].npods > most)
            most = nodes[i].npods;
    for (int count = 1; count <= most; count++)
        for (int i = 0; i < nn; i++) {
            const struct ca_node *n = &nodes[i];
            if (n->group >= 0 || !n->ready || n->npods != count ||
                now_s - n->changed_s < c->consolidate_after_s - KARP_EPS)
                continue;
            bool blocked = false;
            for (int q = 0; q < n->npods; q++)
                blocked |= pods[n->pods[q]].blocks_scale_down;
            if (blocked)
                continue;
            ca_free_room(nodes, nn, free_room);
            if (ca_fits_elsewhere(nodes, nn, pods, i, -1, free_room, dest)) {
                *out = (struct karp_action){i, -1};
                return 1;
            }
            int t = karp_cheapest_fit(c, n->requested, n->npods);
            if (t >= 0 && n->type &&
                c->types[t].ci->price_per_hour_usd < n->type->price_per_hour_usd - KARP_EPS) {
                *out = (struct karp_action){i, t};
                return 1;
            }
        }
    return 0;
}
