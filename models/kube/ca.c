/* The Cluster Autoscaler's scale-up estimate, expanders and scale-down (models/kube/ca.h;
 * docs/eks.md "Cluster Autoscaler"). */
#include "models/kube/ca.h"

#include <math.h>
#include <stdlib.h>

#define CA_EPS 1e-9

void ca_cfg_default(struct ca_cfg *c)
{
    *c = (struct ca_cfg){
        .scan_interval_s = 10,
        .expander = CA_EXPANDER_RANDOM,
        .scale_down_enabled = true,
        .scale_down_utilization_threshold = 0.5,
        .scale_down_unneeded_s = 600,
        .scale_down_delay_after_add_s = 600,
        .scale_down_delay_after_delete_s = 0, /* 0: the scan interval */
        .max_empty_bulk_delete = 10,
        .max_nodes_total = 0,
    };
}

void ca_state_init(struct ca_state *s)
{
    s->last_up_s = s->last_down_s = -(double)INFINITY;
}

void ca_note_scale_up(struct ca_state *s, double now_s)
{
    s->last_up_s = now_s;
}

void ca_note_scale_down(struct ca_state *s, double now_s)
{
    s->last_down_s = now_s;
}

/* A pod's size on a node of shape a: the larger of its cpu and memory shares. */
static double share(const struct kube_res *r, const struct kube_res *a)
{
    double c = a->cpu > 0 ? r->cpu / a->cpu : (double)INFINITY;
    double m = a->mem_gb > 0 ? r->mem_gb / a->mem_gb : (double)INFINITY;
    return c > m ? c : m;
}

int ca_estimate(const struct ca_group *g, const struct ca_pod *pods, int np, int max_new,
                struct ca_scratch *sc, int *helped, double *waste)
{
    int *order = sc->order;
    double *room = sc->room;
    /* Largest first (insertion sort: stable; np is one scan's pending pods). */
    int n = 0;
    for (int i = 0; i < np; i++) {
        if (pods[i].req.cpu > g->alloc.cpu + CA_EPS ||
            pods[i].req.mem_gb > g->alloc.mem_gb + CA_EPS)
            continue; /* fits no node of this group */
        double si = share(&pods[i].req, &g->alloc);
        int k = n++;
        while (k > 0 && share(&pods[order[k - 1]].req, &g->alloc) < si) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    /* First fit into the new nodes opened so far, else a new one. */
    int nodes = 0, took = 0;
    double used_cpu = 0, used_mem = 0;
    for (int q = 0; q < n; q++) {
        const struct ca_pod *p = &pods[order[q]];
        int at = -1;
        for (int j = 0; j < nodes && at < 0; j++)
            if (room[3 * j] + p->req.cpu <= g->alloc.cpu + CA_EPS &&
                room[3 * j + 1] + p->req.mem_gb <= g->alloc.mem_gb + CA_EPS &&
                (g->max_pods <= 0 || room[3 * j + 2] < g->max_pods))
                at = j;
        if (at < 0) {
            if (nodes >= max_new)
                continue; /* would need one node more than allowed */
            at = nodes++;
            room[3 * at] = room[3 * at + 1] = room[3 * at + 2] = 0;
        }
        room[3 * at] += p->req.cpu;
        room[3 * at + 1] += p->req.mem_gb;
        room[3 * at + 2] += 1;
        used_cpu += p->req.cpu;
        used_mem += p->req.mem_gb;
        took++;
    }
    *helped = took;
    if (waste)
        *waste = nodes ? (1 - used_cpu / (nodes * g->alloc.cpu)) +
                             (1 - used_mem / (nodes * g->alloc.mem_gb))
                       : (double)INFINITY;
    return nodes;
}

int ca_plan_scale_up(const struct ca_cfg *c, const struct ca_group *g, int ng,
                     const struct ca_pod *pending, int np, int total_nodes, gsl_rng *rng,
                     struct ca_scratch *sc, struct ca_scale_up *out)
{
    *out = (struct ca_scale_up){.group = -1};
    /* The best option so far and how many tie with it (reservoir sampling keeps a uniform
     * choice among the ties with one pass). */
    int ties = 0;
    double best_key = 0;
    for (int i = 0; i < ng; i++) {
        int room = g[i].max - g[i].target;
        if (c->max_nodes_total > 0 && c->max_nodes_total - total_nodes < room)
            room = c->max_nodes_total - total_nodes;
        if (room <= 0)
            continue;
        int helped;
        double waste;
        int nodes = ca_estimate(&g[i], pending, np, room, sc, &helped, &waste);
        if (nodes <= 0 || helped <= 0)
            continue;
        double key = c->expander == CA_EXPANDER_LEAST_WASTE ? waste
                     : c->expander == CA_EXPANDER_PRIORITY ? -(double)g[i].priority
                                                           : 0;
        if (out->group < 0 || key < best_key - CA_EPS) {
            ties = 1;
            best_key = key;
            *out = (struct ca_scale_up){i, nodes, helped};
        } else if (fabs(key - best_key) <= CA_EPS) {
            ties++;
            if (gsl_rng_uniform_int(rng, (unsigned long)ties) == 0)
                *out = (struct ca_scale_up){i, nodes, helped};
        }
    }
    return out->group >= 0 ? 0 : -1;
}

bool ca_fits_elsewhere(const struct ca_node *nodes, int nn, const struct ca_pod *pods, int from,
                       int skip, double *free_room, int *dest)
{
    const struct ca_node *f = &nodes[from];
    int placed = 0;
    for (; placed < f->npods; placed++) {
        const struct ca_pod *p = &pods[f->pods[placed]];
        if (p->blocks_scale_down)
            break;
        int d = -1;
        for (int j = 0; j < nn && d < 0; j++)
            if (j != from && j != skip && nodes[j].ready && free_room[3 * j + 2] >= 1 &&
                free_room[3 * j] + CA_EPS >= p->req.cpu &&
                free_room[3 * j + 1] + CA_EPS >= p->req.mem_gb)
                d = j;
        if (d < 0)
            break;
        free_room[3 * d] -= p->req.cpu;
        free_room[3 * d + 1] -= p->req.mem_gb;
        free_room[3 * d + 2] -= 1;
        dest[placed] = d;
    }
    if (placed == f->npods)
        return true;
    for (int q = 0; q < placed; q++) { /* undo */
        const struct ca_pod *p = &pods[f->pods[q]];
        free_room[3 * dest[q]] += p->req.cpu;
        free_room[3 * dest[q] + 1] += p->req.mem_gb;
        free_room[3 * dest[q] + 2] += 1;
    }
    return false;
}

/* Free room of every Ready node: cpu, memory, pod slots. */
void ca_free_room(const struct ca_node *nodes, int nn, double *free_room)
{
    for (int j = 0; j < nn; j++) {
        const struct ca_node *n = &nodes[j];
        free_room[3 * j] = n->ready ? n->alloc.cpu - n->requested.cpu : 0;
        free_room[3 * j + 1] = n->ready ? n->alloc.mem_gb - n->requested.mem_gb : 0;
        free_room[3 * j + 2] = n->ready ? (n->max_pods > 0 ? n->max_pods - n->npods : 1e9) : 0;
    }
}

double ca_utilization(const struct ca_node *n)
{
    double c = n->requested.cpu / n->alloc.cpu, m = n->requested.mem_gb / n->alloc.mem_gb;
    return c > m ? c : m;
}

int ca_plan_scale_down(const struct ca_cfg *c, const struct ca_state *st, double now_s,
                       const struct ca_group *g, int ng, const struct ca_node *nodes, int nn,
                       const struct ca_pod *pods, double *unneeded_since, double *free_room,
                       int *dest, int *group_size, int *remove, int max_remove)
{
    (void)ng;
    /* Mark: each node on its own against the current free room. */
    ca_free_room(nodes, nn, free_room);
    for (int i = 0; i < nn; i++) {
        const struct ca_node *n = &nodes[i];
        bool unneeded = n->ready && n->group >= 0 && g[n->group].target > g[n->group].min &&
                        ca_utilization(n) < c->scale_down_utilization_threshold;
        if (unneeded && n->npods > 0) {
            unneeded = ca_fits_elsewhere(nodes, nn, pods, i, -1, free_room, dest);
            if (unneeded) { /* a check only: give the room back */
                for (int q = 0; q < n->npods; q++) {
                    const struct ca_pod *p = &pods[n->pods[q]];
                    free_room[3 * dest[q]] += p->req.cpu;
                    free_room[3 * dest[q] + 1] += p->req.mem_gb;
                    free_room[3 * dest[q] + 2] += 1;
                }
            }
        }
        if (!unneeded)
            unneeded_since[i] = (double)NAN;
        else if (isnan(unneeded_since[i]))
            unneeded_since[i] = now_s;
    }
    double after_delete = c->scale_down_delay_after_delete_s > 0
                              ? c->scale_down_delay_after_delete_s
                              : c->scan_interval_s;
    if (now_s < st->last_up_s + c->scale_down_delay_after_add_s - CA_EPS ||
        now_s < st->last_down_s + after_delete - CA_EPS)
        return 0;
    /* Remove: empty nodes in bulk, else the non-empty one unneeded longest. */
    for (int k = 0; k < ng; k++)
        group_size[k] = g[k].target;
    int nr = 0, longest = -1;
    for (int i = 0; i < nn && nr < max_remove && nr < c->max_empty_bulk_delete; i++) {
        if (isnan(unneeded_since[i]) || now_s - unneeded_since[i] < c->scale_down_unneeded_s - CA_EPS)
            continue;
        const struct ca_node *n = &nodes[i];
        if (n->npods > 0) {
            if (longest < 0 || unneeded_since[i] < unneeded_since[longest])
                longest = i;
            continue;
        }
        if (group_size[n->group] <= g[n->group].min)
            continue;
        group_size[n->group]--;
        remove[nr++] = i;
    }
    if (nr == 0 && longest >= 0 && max_remove > 0 &&
        group_size[nodes[longest].group] > g[nodes[longest].group].min) {
        /* Its pods must still fit now, with nothing else leaving. */
        ca_free_room(nodes, nn, free_room);
        if (ca_fits_elsewhere(nodes, nn, pods, longest, -1, free_room, dest))
            remove[nr++] = longest;
    }
    return nr;
}
