/* The Cluster Autoscaler's scale-up and scale-down decisions (see ca.h, docs/eks.md). */
#include "models/kube/ca.h"

#include <math.h>
#include <stddef.h>

void ca_cfg_default(struct ca_cfg *c)
{
    /* cluster-autoscaler/FAQ.md, "What are the parameters to CA?" */
    c->scan_interval_s = 10;
    c->expander = CA_EXPANDER_RANDOM;
    c->scale_down_utilization_threshold = 0.5;
    c->scale_down_unneeded_s = 600;
    c->scale_down_delay_after_add_s = 600;
    c->scale_down_delay_after_delete_s = c->scan_interval_s;
    c->scale_down_delay_after_failure_s = 180;
    c->max_empty_bulk_delete = 10;
    c->max_nodes_total = 0;
    c->scale_down_enabled = true;
    c->max_node_provision_s = 900;
}

void ca_state_init(struct ca_state *st)
{
    st->last_add_s = -INFINITY;
    st->last_delete_s = -INFINITY;
    st->last_failure_s = -INFINITY;
}

void ca_note_scale_up(struct ca_state *st, double now_s) { st->last_add_s = now_s; }
void ca_note_delete(struct ca_state *st, double now_s) { st->last_delete_s = now_s; }
void ca_note_delete_failure(struct ca_state *st, double now_s) { st->last_failure_s = now_s; }

static bool zone_ok(int pod_zone, int node_zone)
{
    return pod_zone < 0 || node_zone < 0 || pod_zone == node_zone;
}

static bool res_fits(struct kube_res req, struct kube_res room)
{
    return req.cpu <= room.cpu + 1e-9 && req.mem_gb <= room.mem_gb + 1e-9;
}

/* Binpacking estimate for one group: new nodes, pods held, requests held. */
struct estimate {
    int nodes, pods;
    struct kube_res held;
};

static struct estimate estimate_group(const struct ca_group *gr, int cap,
                                      const struct ca_pod *pending, int np)
{
    struct kube_res room[CA_MAX_ESTIMATE];
    struct estimate e = {0, 0, {0, 0}};
    if (cap > CA_MAX_ESTIMATE)
        cap = CA_MAX_ESTIMATE;
    for (int p = 0; p < np; p++) {
        const struct ca_pod *pod = &pending[p];
        if (!zone_ok(pod->zone, gr->zone) || !res_fits(pod->req, gr->alloc))
            continue;
        int k = 0;
        while (k < e.nodes && !res_fits(pod->req, room[k]))
            k++;
        if (k == e.nodes) {
            if (e.nodes == cap)
                continue; /* the group cannot grow further: this pod is not helped */
            room[e.nodes++] = gr->alloc;
        }
        room[k].cpu -= pod->req.cpu;
        room[k].mem_gb -= pod->req.mem_gb;
        e.pods++;
        e.held.cpu += pod->req.cpu;
        e.held.mem_gb += pod->req.mem_gb;
    }
    return e;
}

/* Lower is better for every expander; the random expander scores all helpers equal. */
static double score(const struct ca_cfg *c, const struct ca_group *gr, const struct estimate *e)
{
    switch (c->expander) {
    case CA_EXPANDER_LEAST_WASTE: {
        double cpu = gr->alloc.cpu * e->nodes, mem = gr->alloc.mem_gb * e->nodes;
        double wc = cpu > 0 ? (cpu - e->held.cpu) / cpu : 0;
        double wm = mem > 0 ? (mem - e->held.mem_gb) / mem : 0;
        return wc + wm;
    }
    case CA_EXPANDER_PRIORITY:
        return -(double)gr->priority;
    case CA_EXPANDER_MOST_PODS:
        return -(double)e->pods;
    case CA_EXPANDER_PRICE:
        return gr->price_per_hour * e->nodes / e->pods;
    case CA_EXPANDER_RANDOM:
    default:
        return 0;
    }
}

int ca_plan_scale_up(const struct ca_cfg *c, const struct ca_group *g, int ng,
                     const struct ca_pod *pending, int np, gsl_rng *rng, struct ca_scale_up *out)
{
    int total = 0;
    for (int i = 0; i < ng; i++)
        total += g[i].target;
    int best_n = 0, pick = -1;
    double best = INFINITY;
    struct estimate best_e = {0, 0, {0, 0}};
    /* Two passes: the best score, then a uniform pick among the groups that reach it
     * (reservoir sampling would draw once per tie; one draw keeps the stream short). */
    for (int pass = 0; pass < 2; pass++) {
        int seen = 0, want = 0;
        if (pass == 1) {
            if (best_n == 0)
                return 0;
            want = best_n > 1 ? (int)gsl_rng_uniform_int(rng, (unsigned long)best_n) : 0;
        }
        for (int i = 0; i < ng; i++) {
            int cap = g[i].max - g[i].target;
            if (c->max_nodes_total > 0 && c->max_nodes_total - total < cap)
                cap = c->max_nodes_total - total;
            if (cap <= 0)
                continue;
            struct estimate e = estimate_group(&g[i], cap, pending, np);
            if (e.pods == 0)
                continue;
            double s = score(c, &g[i], &e);
            if (pass == 0) {
                if (s < best - 1e-12) {
                    best = s;
                    best_n = 1;
                } else if (fabs(s - best) <= 1e-12) {
                    best_n++;
                }
            } else if (fabs(s - best) <= 1e-12 && seen++ == want) {
                pick = i;
                best_e = e;
                break;
            }
        }
    }
    out->group = pick;
    out->nodes = best_e.nodes;
    out->pods_helped = best_e.pods;
    return 1;
}

static bool in_delay(const struct ca_cfg *c, const struct ca_state *st, double now_s)
{
    return now_s < st->last_add_s + c->scale_down_delay_after_add_s ||
           now_s < st->last_delete_s + c->scale_down_delay_after_delete_s ||
           now_s < st->last_failure_s + c->scale_down_delay_after_failure_s;
}

static double utilization(const struct ca_node *n)
{
    double u = n->alloc.cpu > 0 ? n->requested.cpu / n->alloc.cpu : 1;
    double m = n->alloc.mem_gb > 0 ? n->requested.mem_gb / n->alloc.mem_gb : 1;
    return u > m ? u : m;
}

static bool is_candidate(const struct ca_cfg *c, const struct ca_node *n, const struct ca_pod *pods)
{
    if (!n->ready || n->deleting || n->npods > CA_MAX_NODE_PODS)
        return false;
    if (!(utilization(n) < c->scale_down_utilization_threshold))
        return false;
    for (int k = 0; k < n->npods; k++)
        if (pods[n->pods[k]].blocks_scale_down)
            return false;
    return true;
}

int ca_plan_scale_down(const struct ca_cfg *c, const struct ca_state *st, double now_s,
                       const struct ca_group *g, int ng, const struct ca_node *nodes, int nn,
                       const struct ca_pod *pods, double *unneeded_since, int *remove,
                       int max_remove)
{
    struct kube_res room[CA_MAX_NODES];
    bool gone[CA_MAX_NODES];
    int dest[CA_MAX_NODE_PODS];
    (void)ng;
    int n = nn < CA_MAX_NODES ? nn : CA_MAX_NODES;
    for (int i = 0; i < n; i++) {
        room[i].cpu = nodes[i].alloc.cpu - nodes[i].requested.cpu;
        room[i].mem_gb = nodes[i].alloc.mem_gb - nodes[i].requested.mem_gb;
        gone[i] = false;
    }
    /* Unneeded: the candidates whose pods fit elsewhere, in node order, each simulated
     * removal booking the room it uses so that no two nodes count on the same room. */
    for (int i = 0; i < nn; i++) {
        if (i >= n || !is_candidate(c, &nodes[i], pods)) {
            unneeded_since[i] = NAN;
            continue;
        }
        int k = 0;
        for (; k < nodes[i].npods; k++) {
            const struct ca_pod *pod = &pods[nodes[i].pods[k]];
            int j = 0;
            for (; j < n; j++)
                if (j != i && !gone[j] && nodes[j].ready && !nodes[j].deleting &&
                    zone_ok(pod->zone, nodes[j].zone) && res_fits(pod->req, room[j]))
                    break;
            if (j == n)
                break;
            dest[k] = j;
            room[j].cpu -= pod->req.cpu;
            room[j].mem_gb -= pod->req.mem_gb;
        }
        if (k < nodes[i].npods) { /* does not fit: give the room back */
            while (k-- > 0) {
                const struct ca_pod *pod = &pods[nodes[i].pods[k]];
                room[dest[k]].cpu += pod->req.cpu;
                room[dest[k]].mem_gb += pod->req.mem_gb;
            }
            unneeded_since[i] = NAN;
            continue;
        }
        gone[i] = true;
        if (isnan(unneeded_since[i]))
            unneeded_since[i] = now_s;
    }
    if (!c->scale_down_enabled || in_delay(c, st, now_s))
        return 0;
    /* Empty nodes in bulk first, else one non-empty node. */
    int nr = 0;
    for (int pass = 0; pass < 2 && nr == 0; pass++) {
        int limit = pass == 0 ? c->max_empty_bulk_delete : 1;
        if (limit > max_remove)
            limit = max_remove;
        for (int i = 0; i < n && nr < limit; i++) {
            if (!gone[i] || (pass == 0) != (nodes[i].npods == 0))
                continue;
            if (now_s - unneeded_since[i] < c->scale_down_unneeded_s)
                continue;
            int grp = nodes[i].group, planned = 0;
            for (int r = 0; r < nr; r++)
                planned += nodes[remove[r]].group == grp;
            if (g[grp].target - planned <= g[grp].min)
                continue;
            remove[nr++] = i;
        }
    }
    return nr;
}
