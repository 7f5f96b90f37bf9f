/* Karpenter's batching, launch and consolidation decisions (see karpenter.h, docs/eks.md). */
#include "models/kube/karpenter.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

void karp_cfg_default(struct karp_cfg *c, const struct catalog_instance **types, int ntypes)
{
    c->batch_idle_s = 1;  /* BATCH_IDLE_DURATION, karpenter.sh reference/settings */
    c->batch_max_s = 10;  /* BATCH_MAX_DURATION */
    c->policy = KARP_WHEN_EMPTY_OR_UNDERUTILIZED; /* NodePool disruption default */
    c->consolidate_after_s = 0;                   /* consolidateAfter default 0s */
    c->types = types;
    c->ntypes = ntypes;
    c->budget_nodes_pct = 10; /* default budget nodes: 10% */
}

bool karp_batch_ready(const struct karp_cfg *c, double first_pending_s, double last_pending_s,
                      double now_s)
{
    return now_s - last_pending_s >= c->batch_idle_s || now_s - first_pending_s >= c->batch_max_s;
}

static bool holds(const struct catalog_instance *t, struct kube_res r)
{
    return r.cpu <= t->vcpus + 1e-9 && r.mem_gb <= t->memory_gb + 1e-9;
}

/* The cheapest allowed type that holds r (first in the list on a price tie), or NULL. */
static const struct catalog_instance *cheapest(const struct karp_cfg *c, struct kube_res r)
{
    const struct catalog_instance *best = NULL;
    for (int t = 0; t < c->ntypes; t++)
        if (holds(c->types[t], r) &&
            (!best || c->types[t]->price_per_hour_usd < best->price_per_hour_usd))
            best = c->types[t];
    return best;
}

static bool zone_ok(int pod_zone, int node_zone)
{
    return pod_zone < 0 || node_zone < 0 || pod_zone == node_zone;
}

struct order {
    double cpu, mem;
    int idx;
};

static int by_size_desc(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->cpu != y->cpu)
        return x->cpu > y->cpu ? -1 : 1;
    if (x->mem != y->mem)
        return x->mem > y->mem ? -1 : 1;
    return x->idx - y->idx;
}

int karp_plan_launch(const struct karp_cfg *c, const struct ca_pod *pending, int np,
                     struct karp_node_plan *out, int max_out, int *pod_node)
{
    static _Thread_local struct order ord[KARP_MAX_PODS];
    int n = np < KARP_MAX_PODS ? np : KARP_MAX_PODS;
    for (int p = 0; p < n; p++)
        ord[p] = (struct order){pending[p].req.cpu, pending[p].req.mem_gb, p};
    qsort(ord, (size_t)n, sizeof ord[0], by_size_desc);
    if (pod_node)
        for (int p = 0; p < np; p++)
            pod_node[p] = -1;
    int nodes = 0;
    for (int o = 0; o < n; o++) {
        const struct ca_pod *pod = &pending[ord[o].idx];
        int k = 0;
        for (; k < nodes; k++) {
            struct kube_res sum = {out[k].requested.cpu + pod->req.cpu,
                                   out[k].requested.mem_gb + pod->req.mem_gb};
            if (zone_ok(pod->zone, out[k].zone) && cheapest(c, sum))
                break;
        }
        if (k == nodes) {
            if (nodes == max_out || !cheapest(c, pod->req))
                continue;
            out[nodes++] = (struct karp_node_plan){NULL, pod->zone, 0, {0, 0}};
        }
        out[k].requested.cpu += pod->req.cpu;
        out[k].requested.mem_gb += pod->req.mem_gb;
        out[k].npods++;
        if (out[k].zone < 0)
            out[k].zone = pod->zone;
        out[k].type = cheapest(c, out[k].requested);
        if (pod_node)
            pod_node[ord[o].idx] = k;
    }
    return nodes;
}

static bool quiet(const struct karp_cfg *c, double now_s, const struct karp_node *n,
                  const struct ca_pod *pods)
{
    if (!n->ready || n->deleting || n->npods > KARP_MAX_NODE_PODS ||
        now_s - n->last_change_s < c->consolidate_after_s)
        return false;
    for (int k = 0; k < n->npods; k++)
        if (pods[n->pods[k]].blocks_scale_down)
            return false;
    return true;
}

/* True if every pod of node i fits (first fit) into the free room of the other ready,
 * non-deleting nodes; room is scratch of nn entries. */
static bool fits_elsewhere(const struct karp_node *nodes, int nn, int i, const struct ca_pod *pods,
                           struct kube_res *room)
{
    for (int j = 0; j < nn; j++) {
        room[j].cpu = nodes[j].type->vcpus - nodes[j].requested.cpu;
        room[j].mem_gb = nodes[j].type->memory_gb - nodes[j].requested.mem_gb;
    }
    for (int k = 0; k < nodes[i].npods; k++) {
        const struct ca_pod *pod = &pods[nodes[i].pods[k]];
        int j = 0;
        for (; j < nn; j++)
            if (j != i && nodes[j].ready && !nodes[j].deleting &&
                zone_ok(pod->zone, nodes[j].zone) && pod->req.cpu <= room[j].cpu + 1e-9 &&
                pod->req.mem_gb <= room[j].mem_gb + 1e-9)
                break;
        if (j == nn)
            return false;
        room[j].cpu -= pod->req.cpu;
        room[j].mem_gb -= pod->req.mem_gb;
    }
    return true;
}

int karp_plan_consolidation(const struct karp_cfg *c, double now_s, const struct karp_node *nodes,
                            int nn, const struct ca_pod *pods, struct karp_action *out)
{
    static _Thread_local struct kube_res room[KARP_MAX_NODES];
    out->kind = KARP_NONE;
    out->node = -1;
    out->replacement = NULL;
    int n = nn < KARP_MAX_NODES ? nn : KARP_MAX_NODES;
    /* The budget: a percentage of the NodePool's nodes rounded up, less the nodes being
     * deleted and those not ready. */
    int disrupting = 0;
    for (int i = 0; i < n; i++)
        disrupting += nodes[i].deleting || !nodes[i].ready;
    int allowed = (int)ceil(c->budget_nodes_pct / 100.0 * n - 1e-9) - disrupting;
    if (allowed <= 0)
        return 0;
    /* 1: an empty node, the most expensive first. */
    int best = -1;
    for (int i = 0; i < n; i++)
        if (nodes[i].npods == 0 && quiet(c, now_s, &nodes[i], pods) &&
            (best < 0 || nodes[i].type->price_per_hour_usd > nodes[best].type->price_per_hour_usd))
            best = i;
    if (best >= 0) {
        *out = (struct karp_action){KARP_DELETE, best, NULL};
        return 1;
    }
    if (c->policy != KARP_WHEN_EMPTY_OR_UNDERUTILIZED)
        return 0;
    /* 2: a node whose pods all fit elsewhere, the most expensive first. */
    for (int i = 0; i < n; i++)
        if (quiet(c, now_s, &nodes[i], pods) &&
            (best < 0 || nodes[i].type->price_per_hour_usd > nodes[best].type->price_per_hour_usd) &&
            fits_elsewhere(nodes, n, i, pods, room))
            best = i;
    if (best >= 0) {
        *out = (struct karp_action){KARP_DELETE, best, NULL};
        return 1;
    }
    /* 3: replace a node by the cheapest type that holds its requests, the largest saving first. */
    double saving = 0;
    const struct catalog_instance *rep = NULL;
    for (int i = 0; i < n; i++) {
        if (!quiet(c, now_s, &nodes[i], pods))
            continue;
        const struct catalog_instance *t = cheapest(c, nodes[i].requested);
        if (!t)
            continue;
        double s = nodes[i].type->price_per_hour_usd - t->price_per_hour_usd;
        if (s > saving + 1e-12) {
            saving = s;
            best = i;
            rep = t;
        }
    }
    if (best >= 0) {
        *out = (struct karp_action){KARP_REPLACE, best, rep};
        return 1;
    }
    return 0;
}
