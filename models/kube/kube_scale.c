/* The control loops of an EKS cluster: metrics-server, the Horizontal Pod Autoscaler of
 * each deployment, and the node autoscaler (Cluster Autoscaler or Karpenter).  The
 * arithmetic of each decision is in its own pure module (hpa.c, ca.c, karpenter.c); this
 * file gives them their view of the cluster and acts on what they decide. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/core/env.h"
#include "models/kube/kube.h"
#include "models/kube/kube_impl.h"
#include "sim/xalloc.h"

/* ---- metrics-server ---- */

/* Scrape deployment d: each running pod's CPU usage (cores) and requests per second over
 * the time since its previous sample (at most one resolution). */
static void scrape(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    int d = (int)arg;
    struct kube_deploy *dp = &k->deps[d];
    double now = sim_now(sim), cps = kube_core_per_server(dp);
    for (uint32_t j = 0; j < k->npods; j++) {
        struct kube_pod *p = &k->pods[j];
        if (p->deploy != d || p->state < KUBE_POD_STARTED || p->state > KUBE_POD_TERMINATING)
            continue;
        double busy = target_busy_area(p->t, now), acc = (double)p->t->accepted;
        double win = now - p->m_at;
        if (win > 0 && p->m_at >= p->started_s) {
            p->cpu_usage = (busy - p->m_busy) / win * cps;
            p->rps = (acc - p->m_acc) / win;
            p->metric_at = now;
            p->has_metric = true;
        }
        p->m_busy = busy;
        p->m_acc = acc;
        p->m_at = now;
    }
    sim_event_after(sim, dp->cfg.metric_resolution_s, scrape, k, arg);
}

/* ---- the Horizontal Pod Autoscaler ---- */

static void hpa_sync(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    int d = (int)arg;
    struct kube_deploy *dp = &k->deps[d];
    const struct hpa_cfg *hc = &dp->cfg.hpa;
    double now = sim_now(sim);
    uint32_t n = 0;
    for (uint32_t j = 0; j < k->npods; j++)
        n += k->pods[j].deploy == d && k->pods[j].state != KUBE_POD_GONE;
    if (n > k->v_cap_pods) {
        k->v_cap_pods = n + n / 2 + 16;
        k->v_pods = xrealloc(k->v_pods, k->v_cap_pods * sizeof *k->v_pods);
        k->v_podidx = xrealloc(k->v_podidx, k->v_cap_pods * sizeof *k->v_podidx);
        k->v_hpa = xrealloc(k->v_hpa, k->v_cap_pods * sizeof *k->v_hpa);
    }
    int np = 0;
    for (uint32_t j = 0; j < k->npods; j++) {
        const struct kube_pod *p = &k->pods[j];
        if (p->deploy != d || p->state == KUBE_POD_GONE)
            continue;
        struct hpa_pod *h = &k->v_hpa[np++];
        memset(h, 0, sizeof *h);
        h->deleting = p->state == KUBE_POD_TERMINATING;
        h->pending = p->state < KUBE_POD_STARTED; /* phase Pending: no container running */
        h->ready = p->state == KUBE_POD_READY;
        /* The pod's StartTime is when the kubelet took it (scheduled); a pod not yet
         * scheduled has none and counts as not ready. */
        h->start_s = isnan(p->scheduled_s) ? now : p->scheduled_s;
        h->ready_change_s = h->ready ? p->ready_s : h->start_s;
        h->cpu_request = dp->cfg.cpu_request;
        h->metric_window_s = dp->cfg.metric_resolution_s;
        for (int m = 0; m < hc->nmetrics; m++) {
            h->has_metric[m] = p->has_metric;
            h->metric_time_s[m] = p->metric_at;
            h->value[m] = hc->metrics[m].kind == HPA_RESOURCE_CPU ? p->cpu_usage : p->rps;
        }
    }
    double ext[HPA_MAX_METRICS] = {0};
    struct hpa_decision out;
    hpa_decide(&dp->hpa, hc, now, dp->desired, k->v_hpa, np, ext, &out);
    dp->last = out;
    if (out.rescale && out.desired != dp->desired) {
        char text[256];
        hpa_event_text(&out, text, sizeof text);
        kube_log(k, "scaling", dp->cfg.name, "SuccessfulRescale: %s", text);
        dp->desired = out.desired;
        dp->rescales++;
        kube_reconcile(k, d);
    }
    sim_event_after(sim, hc->sync_s, hpa_sync, k, arg);
}

/* ---- node autoscalers: what is pending and not yet covered ---- */

/* Free room of the launching nodes, filled first fit by the pending pods in creation
 * order: a pod that fits there will be scheduled when they are Ready, so no autoscaler
 * launches for it again (the Cluster Autoscaler's "upcoming nodes").  Writes the uncovered
 * pending pods' views to k->v_pods; returns their count. */
static int uncovered_pending(struct kube_cluster *k)
{
    uint32_t need = k->npods + 1;
    if (need > k->v_cap_pods) {
        k->v_cap_pods = need + need / 2 + 16;
        k->v_pods = xrealloc(k->v_pods, k->v_cap_pods * sizeof *k->v_pods);
        k->v_podidx = xrealloc(k->v_podidx, k->v_cap_pods * sizeof *k->v_podidx);
        k->v_hpa = xrealloc(k->v_hpa, k->v_cap_pods * sizeof *k->v_hpa);
    }
    if (k->nnodes + 1 > k->v_cap_nodes) {
        k->v_cap_nodes = k->nnodes + k->nnodes / 2 + 16;
        k->v_nodes = xrealloc(k->v_nodes, k->v_cap_nodes * sizeof *k->v_nodes);
        k->v_free = xrealloc(k->v_free, 2 * k->v_cap_nodes * sizeof *k->v_free);
        k->v_remove = xrealloc(k->v_remove, k->v_cap_nodes * sizeof *k->v_remove);
    }
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        bool up = n->state == KUBE_NODE_LAUNCHING;
        k->v_free[2 * i] = up ? n->alloc_cpu : 0;
        k->v_free[2 * i + 1] = up ? n->alloc_mem : 0;
    }
    int np = 0;
    for (uint32_t j = 0; j < k->npods; j++) {
        const struct kube_pod *p = &k->pods[j];
        if (p->state != KUBE_POD_PENDING)
            continue;
        const struct kube_deploy_cfg *c = &k->deps[p->deploy].cfg;
        bool covered = false;
        for (uint32_t i = 0; i < k->nnodes && !covered; i++)
            if (k->v_free[2 * i] + KUBE_EPS >= c->cpu_request &&
                k->v_free[2 * i + 1] + KUBE_EPS >= c->mem_request_gb) {
                k->v_free[2 * i] -= c->cpu_request;
                k->v_free[2 * i + 1] -= c->mem_request_gb;
                covered = true;
            }
        if (covered)
            continue;
        k->v_podidx[np] = (int)j;
        k->v_pods[np++] = (struct ca_pod){.req = {c->cpu_request, c->mem_request_gb},
                                          .zone = -1, .blocks_scale_down = false};
    }
    return np;
}

/* ---- the Cluster Autoscaler ---- */

static void groups_view(struct kube_cluster *k)
{
    if (!k->v_groups)
        k->v_groups = xcalloc((size_t)(k->cfg.ngroups ? k->cfg.ngroups : 1),
                              sizeof *k->v_groups);
    for (int g = 0; g < k->cfg.ngroups; g++) {
        const struct kube_node_group_cfg *ng = &k->cfg.groups[g];
        const struct catalog_instance *ci = catalog_find(ng->instance_type);
        k->v_groups[g] = (struct ca_group){
            .name = ng->name,
            .alloc = {kube_alloc_cpu(ci, k->cfg.reserved_cpu_frac),
                      kube_alloc_mem(ci, ng->max_pods > 0 ? ng->max_pods
                                                          : kube_eks_max_pods(ci))},
            .zone = -1,
            .target = k->group_target[g],
            .min = ng->min,
            .max = ng->max,
            .priority = ng->priority,
            .price_per_hour = ci->price_per_hour_usd,
        };
    }
}

static void ca_scale_up(struct kube_cluster *k, double now)
{
    int np = uncovered_pending(k);
    if (np == 0)
        return;
    groups_view(k);
    struct ca_scale_up up;
    if (ca_plan_scale_up(&k->cfg.ca, k->v_groups, k->cfg.ngroups, k->v_pods, np, k->rng,
                         &up) != 0 || up.nodes <= 0)
        return;
    int g = up.group, from = k->group_target[g];
    k->group_target[g] = from + up.nodes;
    const struct kube_node_group_cfg *ng = &k->cfg.groups[g];
    kube_log(k, "scaling", ng->name, "ScaledUpGroup: Scale-up: setting group %s size to %d "
             "instead of %d (max: %d)", ng->name, k->group_target[g], from, ng->max);
    kube_log(k, "kube", k->pods[k->v_podidx[0]].t->node.name,
             "TriggeredScaleUp: pod triggered scale-up: [{%s %d->%d (max: %d)}]", ng->name,
             from, k->group_target[g], ng->max);
    const struct catalog_instance *ci = catalog_find(ng->instance_type);
    for (int i = 0; i < up.nodes; i++)
        kube_node_new(k, g, ci, kube_group_zone(k, g), false);
    k->scale_ups++;
    ca_note_scale_up(&k->ca, now);
}

static void ca_scale_down(struct kube_cluster *k, double now)
{
    groups_view(k);
    /* Every node, in order (so unneeded_since lines up); pods by node. */
    int np = 0;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        int first = np;
        for (uint32_t j = 0; j < k->npods; j++) {
            const struct kube_pod *p = &k->pods[j];
            if (p->node != (int)i || p->state >= KUBE_POD_TERMINATING)
                continue;
            const struct kube_deploy_cfg *c = &k->deps[p->deploy].cfg;
            k->v_pods[np] = (struct ca_pod){.req = {c->cpu_request, c->mem_request_gb},
                                            .zone = -1, .blocks_scale_down = false};
            k->v_podidx[np] = np;
            np++;
        }
        k->v_nodes[i] = (struct ca_node){
            .group = n->group,
            .alloc = {n->alloc_cpu, n->alloc_mem},
            .requested = {n->used_cpu, n->used_mem},
            .ready = n->state == KUBE_NODE_READY && n->group >= 0,
            .deleting = n->state >= KUBE_NODE_DRAINING,
            .npods = np - first,
            .pods = k->v_podidx + first,
            .launched_s = n->launched_s,
        };
    }
    int nr = ca_plan_scale_down(&k->cfg.ca, &k->ca, now, k->v_groups, k->cfg.ngroups,
                                k->v_nodes, (int)k->nnodes, k->v_pods, k->unneeded_since,
                                k->v_remove, (int)k->nnodes);
    for (int r = 0; r < nr; r++) {
        uint32_t i = (uint32_t)k->v_remove[r];
        struct kube_node *n = &k->nodes[i];
        int g = n->group;
        if (g < 0 || n->state != KUBE_NODE_READY || k->group_target[g] <= k->cfg.groups[g].min)
            continue;
        k->group_target[g]--;
        kube_log(k, "scaling", k->cfg.groups[g].name, "ScaleDown: node %s removed by cluster "
                 "autoscaler (utilization below %.10g %% for %.10gs); group %s size %d",
                 n->name, 100 * k->cfg.ca.scale_down_utilization_threshold,
                 k->cfg.ca.scale_down_unneeded_s, k->cfg.groups[g].name, k->group_target[g]);
        k->scale_downs++;
        kube_node_drain(k, i);
    }
    if (nr > 0)
        ca_note_scale_down(&k->ca, now);
}

static void ca_scan(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct kube_cluster *k = ctx;
    double now = sim_now(sim);
    ca_scale_up(k, now);
    if (k->cfg.ca.scale_down_enabled)
        ca_scale_down(k, now);
    sim_event_after(sim, k->cfg.ca.scan_interval_s, ca_scan, k, 0);
}

/* ---- Karpenter ---- */

static void karp_tick(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct kube_cluster *k = ctx;
    double now = sim_now(sim);
    int np = uncovered_pending(k);
    if (np > k->karp_seen) {
        /* A new unschedulable pod: opens the batch, or extends its idle window. */
        if (isnan(k->batch_first_s))
            k->batch_first_s = now;
        k->batch_last_s = now;
    }
    k->karp_seen = np;
    if (np == 0) {
        k->batch_first_s = k->batch_last_s = (double)NAN;
    } else if (karp_batch_ready(&k->cfg.karp, k->batch_first_s, k->batch_last_s, now)) {
        struct karp_node_plan plan[64];
        int n = karp_plan_launch(&k->cfg.karp, k->v_pods, np, plan, 64);
        for (int i = 0; i < n; i++) {
            int zone = plan[i].zone >= 0 ? plan[i].zone : kube_zone_at(k, NULL, 0, k->karp_seq++);
            struct kube_node *nd = kube_node_new(k, -1, plan[i].type, zone, false);
            kube_log(k, "scaling", k->name, "Launched: launched nodeclaim %s (%s, %s) for %d "
                     "pending pods", nd->name, plan[i].type->name,
                     target_list_zone_name(k->targets, zone), plan[i].npods);
        }
        if (n > 0)
            k->scale_ups++;
        k->batch_first_s = k->batch_last_s = (double)NAN;
        k->karp_seen = 0;
    }
    sim_event_after(sim, KUBE_KARP_TICK_S, karp_tick, k, 0);
}

static void karp_disrupt(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct kube_cluster *k = ctx;
    double now = sim_now(sim);
    int np = 0;
    (void)uncovered_pending(k); /* sizes the scratch arrays */
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        int first = np;
        for (uint32_t j = 0; j < k->npods; j++) {
            const struct kube_pod *p = &k->pods[j];
            if (p->node != (int)i || p->state >= KUBE_POD_TERMINATING)
                continue;
            const struct kube_deploy_cfg *c = &k->deps[p->deploy].cfg;
            k->v_pods[np] = (struct ca_pod){.req = {c->cpu_request, c->mem_request_gb},
                                            .zone = -1, .blocks_scale_down = false};
            k->v_podidx[np] = np;
            np++;
        }
        k->v_nodes[i] = (struct ca_node){
            .group = n->group,
            .alloc = {n->alloc_cpu, n->alloc_mem},
            .requested = {n->used_cpu, n->used_mem},
            .ready = n->state == KUBE_NODE_READY && n->replaces < 0,
            .deleting = n->state >= KUBE_NODE_DRAINING,
            .npods = np - first,
            .pods = k->v_podidx + first,
            .launched_s = n->launched_s,
            .type = n->type,
        };
    }
    struct karp_action act;
    if (karp_plan_consolidation(&k->cfg.karp, now, k->v_nodes, (int)k->nnodes, k->v_pods,
                                &act) == 1) {
        struct kube_node *n = &k->nodes[act.node];
        if (act.replace_with) {
            struct kube_node *r = kube_node_new(k, -1, act.replace_with, n->zone, false);
            r->replaces = act.node;
            kube_log(k, "scaling", k->name, "DisruptionReplace: replacing node %s (%s) with "
                     "nodeclaim %s (%s): underutilized", k->nodes[act.node].name,
                     k->nodes[act.node].type->name, r->name, act.replace_with->name);
        } else {
            kube_log(k, "scaling", k->name, "DisruptionTerminating: disrupting node %s (%s): "
                     "%s", n->name, n->type->name, n->npods ? "underutilized" : "empty");
            kube_node_drain(k, (uint32_t)act.node);
        }
        k->scale_downs++;
    }
    sim_event_after(sim, KUBE_KARP_DISRUPT_S, karp_disrupt, k, 0);
}

void kube_node_became_ready(struct kube_cluster *k, uint32_t i)
{
    int old = k->nodes[i].replaces;
    if (old >= 0 && k->nodes[old].state == KUBE_NODE_READY)
        kube_node_drain(k, (uint32_t)old);
    k->nodes[i].replaces = -1;
}

void kube_loops_start(struct kube_cluster *k)
{
    struct sim *sim = &k->env->sim;
    for (int d = 0; d < k->ndeps; d++) {
        const struct kube_deploy *dp = &k->deps[d];
        if (!dp->cfg.has_hpa)
            continue;
        sim_event_after(sim, dp->cfg.metric_resolution_s, scrape, k, (uint64_t)d);
        sim_event_after(sim, dp->cfg.hpa.sync_s, hpa_sync, k, (uint64_t)d);
    }
    if (k->cfg.autoscaler == KUBE_AS_CLUSTER_AUTOSCALER)
        sim_event_after(sim, k->cfg.ca.scan_interval_s, ca_scan, k, 0);
    if (k->cfg.autoscaler == KUBE_AS_KARPENTER) {
        sim_event_after(sim, KUBE_KARP_TICK_S, karp_tick, k, 0);
        sim_event_after(sim, KUBE_KARP_DISRUPT_S, karp_disrupt, k, 0);
    }
}
