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
#include "models/elb/target_group.h"
#include "models/kube/kube.h"
#include "models/kube/kube_impl.h"
#include "models/scaling/metrics.h"
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

static void scratch(struct kube_cluster *k);

/* ---- External metrics: CloudWatch RequestCount of the deployment's target groups ---- */

static uint64_t tg_requests(const struct kube_deploy *dp)
{
    uint64_t n = 0;
    for (int g = 0; g < dp->cfg.ntgs; g++)
        n += dp->tgs[g]->requests;
    return n;
}

/* Close every period of deployment dp's External metrics that ended at or before now: its
 * RequestCount is the growth of the target groups' count since the previous close.  Run by
 * the period-end event and by hpa_sync first, so that a sync at a period's end reads the
 * period whichever of the two the engine runs first. */
static void ext_feed(struct kube_deploy *dp, double now)
{
    for (int m = 0; dp->ext && m < dp->cfg.hpa.nmetrics; m++) {
        if (dp->cfg.hpa.metrics[m].kind != HPA_EXTERNAL)
            continue;
        double P = dp->cfg.ext_period_s[m];
        while (dp->ext_next_s[m] <= now) {
            uint64_t n = tg_requests(dp);
            metric_series_add(&dp->ext[m], dp->ext_next_s[m] - P / 2, (double)(n - dp->ext_prev[m]));
            dp->ext_prev[m] = n;
            dp->ext_next_s[m] += P;
        }
    }
}

static void ext_tick(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_deploy *dp = &k->deps[arg >> 8];
    int m = (int)(arg & 0xff);
    ext_feed(dp, sim_now(sim));
    sim_event_after(sim, dp->cfg.ext_period_s[m], ext_tick, k, arg);
}

/* ---- the Horizontal Pod Autoscaler ---- */

static void hpa_sync(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    int d = (int)arg;
    struct kube_deploy *dp = &k->deps[d];
    const struct hpa_cfg *hc = &dp->cfg.hpa;
    double now = sim_now(sim);
    scratch(k);
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
    ext_feed(dp, now);
    for (int m = 0; m < hc->nmetrics; m++) {
        if (hc->metrics[m].kind != HPA_EXTERNAL)
            continue;
        const struct metric_datapoint *v = metric_series_latest(&dp->ext[m], now);
        ext[m] = v ? v->value : (double)NAN; /* nothing published yet: FailedGetExternalMetric */
    }
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

/* ---- node autoscalers: their views of the cluster ---- */

/* Grow the scratch arrays for the cluster as it is now. */
static void scratch(struct kube_cluster *k)
{
    uint32_t need = k->npods + 1;
    if (need > k->v_cap_pods) {
        k->v_cap_pods = need + need / 2 + 16;
        k->v_pods = xrealloc(k->v_pods, k->v_cap_pods * sizeof *k->v_pods);
        k->v_podidx = xrealloc(k->v_podidx, k->v_cap_pods * sizeof *k->v_podidx);
        k->v_hpa = xrealloc(k->v_hpa, k->v_cap_pods * sizeof *k->v_hpa);
        k->v_sc.order = xrealloc(k->v_sc.order, k->v_cap_pods * sizeof *k->v_sc.order);
        k->v_sc.room = xrealloc(k->v_sc.room, 3 * k->v_cap_pods * sizeof *k->v_sc.room);
        k->v_dest = xrealloc(k->v_dest, k->v_cap_pods * sizeof *k->v_dest);
    }
    if (k->nnodes + 1 > k->v_cap_nodes) {
        k->v_cap_nodes = k->nnodes + k->nnodes / 2 + 16;
        k->v_nodes = xrealloc(k->v_nodes, k->v_cap_nodes * sizeof *k->v_nodes);
        k->v_free = xrealloc(k->v_free, 3 * k->v_cap_nodes * sizeof *k->v_free);
        k->v_remove = xrealloc(k->v_remove, k->v_cap_nodes * sizeof *k->v_remove);
    }
    if (!k->v_gsize)
        k->v_gsize = xcalloc((size_t)(k->cfg.ngroups ? k->cfg.ngroups : 1), sizeof *k->v_gsize);
}

/* The pending pods not covered by launching nodes, into k->v_pods (k->v_podidx: which
 * pod).  The launching nodes' room is filled first fit by the pending pods in creation
 * order: a pod that fits there will be scheduled when they are Ready, so no autoscaler
 * launches for it again (the Cluster Autoscaler's "upcoming nodes"). */
static int uncovered_pending(struct kube_cluster *k)
{
    scratch(k);
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        bool up = n->state == KUBE_NODE_LAUNCHING;
        k->v_free[3 * i] = up ? n->alloc_cpu : 0;
        k->v_free[3 * i + 1] = up ? n->alloc_mem : 0;
        k->v_free[3 * i + 2] = up ? n->max_pods : 0;
    }
    int np = 0;
    for (uint32_t j = 0; j < k->npods; j++) {
        const struct kube_pod *p = &k->pods[j];
        if (p->state != KUBE_POD_PENDING)
            continue;
        const struct kube_deploy_cfg *c = &k->deps[p->deploy].cfg;
        bool covered = false;
        for (uint32_t i = 0; i < k->nnodes && !covered; i++)
            if (k->v_free[3 * i] + KUBE_EPS >= c->cpu_request &&
                k->v_free[3 * i + 1] + KUBE_EPS >= c->mem_request_gb &&
                k->v_free[3 * i + 2] >= 1) {
                k->v_free[3 * i] -= c->cpu_request;
                k->v_free[3 * i + 1] -= c->mem_request_gb;
                k->v_free[3 * i + 2] -= 1;
                covered = true;
            }
        if (covered)
            continue;
        k->v_podidx[np] = (int)j;
        k->v_pods[np++] = (struct ca_pod){.req = {c->cpu_request, c->mem_request_gb},
                                          .zone = -1, .blocks_scale_down = !c->safe_to_evict};
    }
    return np;
}

/* Every node, in order (so unneeded_since lines up), with the pods on it. */
static void nodes_view(struct kube_cluster *k)
{
    scratch(k);
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
                                            .zone = -1, .blocks_scale_down = !c->safe_to_evict};
            k->v_podidx[np] = np;
            np++;
        }
        k->v_nodes[i] = (struct ca_node){
            .group = n->group,
            .alloc = {n->alloc_cpu, n->alloc_mem},
            .requested = {n->used_cpu, n->used_mem},
            .ready = n->state == KUBE_NODE_READY && !n->replaced,
            .npods = np - first,
            .max_pods = n->max_pods,
            .pods = k->v_podidx + first,
            .changed_s = n->changed_s,
            .type = n->type,
        };
    }
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
        int mp = ng->max_pods > 0 ? ng->max_pods : kube_eks_max_pods(ci);
        k->v_groups[g] = (struct ca_group){
            .name = ng->name,
            .alloc = {kube_alloc_cpu(ci, k->cfg.reserved_cpu_frac), kube_alloc_mem(ci, mp)},
            .max_pods = mp,
            .target = k->group_target[g],
            .min = ng->min,
            .max = ng->max,
            .priority = ng->priority,
        };
    }
}

static void ca_scale_up(struct kube_cluster *k, double now)
{
    int np = uncovered_pending(k);
    if (np == 0)
        return;
    groups_view(k);
    int total = 0;
    for (uint32_t i = 0; i < k->nnodes; i++)
        total += k->nodes[i].state <= KUBE_NODE_READY;
    struct ca_scale_up up;
    if (ca_plan_scale_up(&k->cfg.ca, k->v_groups, k->cfg.ngroups, k->v_pods, np, total, k->rng,
                         &k->v_sc, &up) != 0)
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
    nodes_view(k);
    int nr = ca_plan_scale_down(&k->cfg.ca, &k->ca, now, k->v_groups, k->cfg.ngroups,
                                k->v_nodes, (int)k->nnodes, k->v_pods, k->unneeded_since,
                                k->v_free, k->v_dest, k->v_gsize, k->v_remove, (int)k->nnodes);
    for (int r = 0; r < nr; r++) {
        uint32_t i = (uint32_t)k->v_remove[r];
        struct kube_node *n = &k->nodes[i];
        int g = n->group;
        k->group_target[g]--;
        kube_log(k, "scaling", k->cfg.groups[g].name, "ScaleDown: node %s removed by cluster "
                 "autoscaler (%s, unneeded for %.10gs); setting group %s size to %d",
                 n->name, n->npods ? "its pods fit on other nodes" : "empty",
                 now - k->unneeded_since[i], k->cfg.groups[g].name, k->group_target[g]);
        k->unneeded_since[i] = (double)NAN;
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

/* The zone with the fewest of Karpenter's active nodes (it spreads over the subnets). */
static int karp_zone(const struct kube_cluster *k)
{
    int nz = kube_nzones_of(k, NULL, 0), best = kube_zone_at(k, NULL, 0, 0), bestn = INT32_MAX;
    for (int q = 0; q < nz; q++) {
        int z = kube_zone_at(k, NULL, 0, q), c = 0;
        for (uint32_t i = 0; i < k->nnodes; i++)
            c += k->nodes[i].group < 0 && k->nodes[i].zone == z &&
                 k->nodes[i].state <= KUBE_NODE_READY;
        if (c < bestn) {
            bestn = c;
            best = z;
        }
    }
    return best;
}

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
        int n = karp_plan_launch(&k->cfg.karp, k->v_pods, np, &k->v_sc, plan, 64);
        for (int i = 0; i < n; i++) {
            const struct catalog_instance *ci = k->cfg.karp.types[plan[i].type].ci;
            int zone = karp_zone(k);
            struct kube_node *nd = kube_node_new(k, -1, ci, zone, false);
            kube_log(k, "scaling", k->name, "Launched: launched nodeclaim %s (%s, %s) for %d "
                     "pending pods", nd->name, ci->name,
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
    nodes_view(k);
    int total = 0, unavailable = 0;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        if (n->group >= 0 || n->state == KUBE_NODE_TERMINATED)
            continue;
        total++;
        unavailable += n->state != KUBE_NODE_READY || n->replaced;
    }
    struct karp_action act;
    if (karp_plan_consolidation(&k->cfg.karp, now, k->v_nodes, (int)k->nnodes, k->v_pods,
                                total, unavailable, k->v_free, k->v_dest, &act) == 1) {
        struct kube_node *n = &k->nodes[act.node];
        if (act.replace_type >= 0) {
            const struct catalog_instance *ci = k->cfg.karp.types[act.replace_type].ci;
            int zone = n->zone;
            char old[256];
            snprintf(old, sizeof old, "%s (%s)", n->name, n->type->name);
            k->nodes[act.node].replaced = true;
            struct kube_node *r = kube_node_new(k, -1, ci, zone, false); /* may move nodes */
            r->replaces = act.node;
            kube_log(k, "scaling", k->name, "DisruptionLaunching: replacing node %s with "
                     "nodeclaim %s (%s): underutilized, a cheaper type fits its pods",
                     old, r->name, ci->name);
        } else {
            kube_log(k, "scaling", k->name, "DisruptionTerminating: disrupting node %s (%s): "
                     "%s", n->name, n->type->name,
                     n->npods ? "underutilized, its pods fit on other nodes" : "empty");
            kube_node_drain(k, (uint32_t)act.node);
        }
        k->scale_downs++;
    }
    sim_event_after(sim, KUBE_KARP_DISRUPT_S, karp_disrupt, k, 0);
}

void kube_node_became_ready(struct kube_cluster *k, uint32_t i)
{
    int old = k->nodes[i].replaces;
    k->nodes[i].replaces = -1;
    if (old >= 0 && k->nodes[old].state == KUBE_NODE_READY) {
        kube_log(k, "scaling", k->name, "DisruptionTerminating: disrupting node %s (%s): "
                 "replaced by %s", k->nodes[old].name, k->nodes[old].type->name,
                 k->nodes[i].name);
        kube_node_drain(k, (uint32_t)old);
    }
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
        for (int m = 0; m < dp->cfg.hpa.nmetrics; m++)
            if (dp->cfg.hpa.metrics[m].kind == HPA_EXTERNAL)
                sim_event_after(sim, dp->cfg.ext_period_s[m], ext_tick, k,
                                (uint64_t)d << 8 | (uint64_t)m);
    }
    if (k->cfg.autoscaler == KUBE_AS_CLUSTER_AUTOSCALER)
        sim_event_after(sim, k->cfg.ca.scan_interval_s, ca_scan, k, 0);
    if (k->cfg.autoscaler == KUBE_AS_KARPENTER) {
        sim_event_after(sim, KUBE_KARP_TICK_S, karp_tick, k, 0);
        sim_event_after(sim, KUBE_KARP_DISRUPT_S, karp_disrupt, k, 0);
    }
}
