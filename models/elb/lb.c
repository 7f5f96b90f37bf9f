#include "models/elb/lb.h"

#include <ctype.h>
#include <math.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/env.h"
#include "models/core/request.h"
#include "models/core/trace.h"
#include "models/elb/target_group.h"
#include "models/elb/target_group_cfg.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

static void lb_accept(struct node *n, struct request *rq);
static bool lb_done(struct node *n, struct request *rq);
static bool lb_prefetch_done(const struct node *n, const struct request *rq,
                             const struct rq_hop *h, int stage);
static void gwlb_pass_done(struct node *n, struct request *rq, int status);

static const struct node_ops lb_ops[4] = {
    [SC_LB_ALB] = {.kind = "alb", .accept = lb_accept, .done = lb_done,
                   .prefetch_done = lb_prefetch_done},
    [SC_LB_NLB] = {.kind = "nlb", .accept = lb_accept, .done = lb_done},
    [SC_LB_GWLB] = {.kind = "gwlb", .accept = lb_accept, .done = lb_done,
                    .pass_done = gwlb_pass_done},
    [SC_LB_CLB] = {.kind = "clb", .accept = lb_accept, .done = lb_done,
                   .prefetch_done = lb_prefetch_done},
};

/* The index of the group named `name` among tgs, or -1. */
static int tg_index(struct target_group **tgs, int ntgs, const char *name)
{
    for (int i = 0; i < ntgs; i++)
        if (!strcmp(tgs[i]->node.name, name))
            return i;
    return -1;
}

struct lb *lb_new(struct env *env, uint32_t id, const struct sc_lb *cfg,
                  struct target_group **tgs, const struct sc_tg *tg_cfgs, int ntgs,
                  double duration_s)
{
    struct lb *lb = xcalloc(1, sizeof *lb);
    lb->node.ops = &lb_ops[cfg->type];
    lb->type = cfg->type;
    lb->l4 = cfg->l4;
    lb->node.name = cfg->name;
    lb->node.env = env;
    lb->id = id;
    lb->cfg = cfg;
    lb->nnodes = cfg->nzones;
    lb->node_zone = cfg->zones;
    lb->latency = cfg->latency;
    lb->node_requests = xcalloc((size_t)lb->nnodes, sizeof *lb->node_requests);
    lb->flows = xcalloc((size_t)lb->nnodes, sizeof *lb->flows);
    for (int nd = 0; nd < lb->nnodes; nd++)
        flow_table_init(&lb->flows[nd]);
    lb->usage.nhours = (int)ceil(duration_s / 3600.0) + 1;
    lb->usage.new_conns = xcalloc((size_t)lb->usage.nhours, sizeof(double));
    lb->usage.active_area = xcalloc((size_t)lb->usage.nhours, sizeof(double));
    lb->usage.rule_evals = xcalloc((size_t)lb->usage.nhours, sizeof(double));
    lb->usage.bytes = xcalloc((size_t)lb->usage.nhours, sizeof(double));
    lb->rules = xcalloc((size_t)(cfg->nrules ? cfg->nrules : 1), sizeof *lb->rules);
    lb->nrules = cfg->nrules;
    /* [group][node] view index + 1, 0 = not attached yet */
    uint32_t **tg_views = xcalloc((size_t)(ntgs ? ntgs : 1), sizeof *tg_views);
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
            int gi = tg_index(tgs, ntgs, cr->fw[k].target_group);
            ELB_ASSERT(gi >= 0); /* checked by the scenario reader */
            f->tg = tgs[gi];
            if (lb->l4 && i == 0 && k == 0)
                lb->l4_tg = &tg_cfgs[gi]; /* l4_group()'s: looked up once, not per flow */
            if (tg_cfgs[gi].appliance_demand)
                lb->appliance_demand = tg_cfgs[gi].appliance_demand;
            acc += cr->fw[k].weight;
            f->cum_weight = k == cr->nfw - 1 ? 1.0 : acc / sum;
            /* Per-group cross-zone setting overrides the LB's (AWS.md §1 "Cross-zone"). */
            const struct sc_tg *g = &tg_cfgs[gi];
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
    for (int g = 0; g < ntgs; g++)
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
    for (int nd = 0; nd < lb->nnodes; nd++)
        flow_table_fini(&lb->flows[nd]);
    free(lb->flows);
    free(lb->usage.new_conns);
    free(lb->usage.active_area);
    free(lb->usage.rule_evals);
    free(lb->usage.bytes);
    free(lb->gw_ring);
    free(lb);
}

void lb_link(struct lb *lb, struct lb **lbs, int nlbs)
{
    if (!lb->cfg->next)
        return;
    for (int i = 0; i < nlbs; i++)
        if (!strcmp(lbs[i]->node.name, lb->cfg->next))
            lb->next = &lbs[i]->node;
    ELB_ASSERT(lb->next); /* checked by the scenario reader */
}

/* ---- usage and cost ---- */

static int hour_of(const struct lb_usage *u, double t)
{
    int h = (int)(t / 3600.0);
    return h < 0 ? 0 : h >= u->nhours ? u->nhours - 1 : h;
}

/* Bring the connection-seconds up to now, split at hour boundaries. */
static void usage_advance(struct lb_usage *u, double now)
{
    while (u->since_s < now) {
        int h = hour_of(u, u->since_s);
        double end = (h + 1) * 3600.0;
        if (end > now || h == u->nhours - 1)
            end = now;
        u->active_area[h] += (double)u->active * (end - u->since_s);
        u->since_s = end;
    }
}

static void usage_open(struct lb_usage *u, double now)
{
    usage_advance(u, now);
    u->new_conns[hour_of(u, now)] += 1;
    u->active++;
}

static void usage_close(struct lb_usage *u, double now)
{
    usage_advance(u, now);
    u->active--;
}

/* A connection that ended at t_close is noticed only now: it stops counting from t_close. */
static void usage_close_at(struct lb_usage *u, double t_close, double now)
{
    usage_advance(u, now);
    u->active--;
    while (t_close < now) {
        int h = hour_of(u, t_close);
        double end = (h + 1) * 3600.0;
        if (end > now || h == u->nhours - 1)
            end = now;
        u->active_area[h] -= end - t_close;
        t_close = end;
    }
}

const char *const lb_lcu_dim_names[LB_LCU_NDIMS] = {
    "new_connections", "active_connections", "processed_bytes", "rule_evaluations"};

/* Per unit: new connections/s, active connections, GB/h, rule evaluations/s; then the
 * unit-hour, LB-hour and per-GB prices (us-east-1).  ALB and NLB TCP: AWS.md §1, §2 (LCU,
 * NLCU, prices).  NLB UDP and TLS, GWLB and CLB: AWS's Elastic Load Balancing pricing page
 * (docs/load-balancers.md "Cost" cites it); GB = 10^9 bytes. */
static const struct lb_lcu_rates rates_alb = {{25, 3000, 1, 1000}, 0.008, 0.0225, 0};
static const struct lb_lcu_rates rates_nlb_tcp = {{800, 100000, 1, 0}, 0.006, 0.0225, 0};
static const struct lb_lcu_rates rates_nlb_udp = {{400, 50000, 1, 0}, 0.006, 0.0225, 0};
static const struct lb_lcu_rates rates_nlb_tls = {{50, 3000, 1, 0}, 0.006, 0.0225, 0};
static const struct lb_lcu_rates rates_gwlb = {{600, 60000, 1, 0}, 0.004, 0.0125, 0};
static const struct lb_lcu_rates rates_clb = {{0, 0, 0, 0}, 0, 0.025, 0.008};

const struct lb_lcu_rates *lb_lcu_rates(const struct lb *lb)
{
    switch (lb->type) {
    case SC_LB_ALB:
        return &rates_alb;
    case SC_LB_NLB:
        return lb->cfg->protocol == SC_UDP   ? &rates_nlb_udp
               : lb->cfg->protocol == SC_TLS ? &rates_nlb_tls
                                             : &rates_nlb_tcp; /* TCP, TCP_UDP */
    case SC_LB_GWLB:
        return &rates_gwlb;
    case SC_LB_CLB:
        break;
    }
    return &rates_clb;
}

/* Capacity units of hour h over `len` seconds of it: each dimension over its allowance
 * into dims (may be NULL); returns the highest, what AWS bills. */
static double hour_lcu(const struct lb *lb, int h, double len, double *dims)
{
    const struct lb_usage *u = &lb->usage;
    const struct lb_lcu_rates *r = lb_lcu_rates(lb);
    double d[LB_LCU_NDIMS] = {0};
    if (len > 0 && r->unit_usd_h > 0) {
        d[LB_LCU_NEW_CONNECTIONS] = u->new_conns[h] / len / r->per_unit[LB_LCU_NEW_CONNECTIONS];
        d[LB_LCU_ACTIVE_CONNECTIONS] =
            u->active_area[h] / len / r->per_unit[LB_LCU_ACTIVE_CONNECTIONS];
        /* GB per hour: bytes / 10^9 over len / 3600 hours. */
        d[LB_LCU_PROCESSED_BYTES] =
            u->bytes[h] / 1e9 / (len / 3600.0) / r->per_unit[LB_LCU_PROCESSED_BYTES];
        if (r->per_unit[LB_LCU_RULE_EVALUATIONS] > 0)
            d[LB_LCU_RULE_EVALUATIONS] =
                u->rule_evals[h] / len / r->per_unit[LB_LCU_RULE_EVALUATIONS];
    }
    double m = 0;
    for (int k = 0; k < LB_LCU_NDIMS; k++) {
        m = d[k] > m ? d[k] : m;
        if (dims)
            dims[k] = d[k];
    }
    return m;
}

/* Seconds of hour h that lie before now. */
static double hour_len(int h, double now)
{
    double len = now - h * 3600.0;
    return len > 3600 ? 3600 : len;
}

double lb_lcu_hour_so_far(struct lb *lb, double now, double dims[LB_LCU_NDIMS])
{
    usage_advance(&lb->usage, now);
    int h = (int)ceil(now / 3600.0) - 1;
    h = h < 0 ? 0 : h >= lb->usage.nhours ? lb->usage.nhours - 1 : h;
    return hour_lcu(lb, h, now - h * 3600.0, dims);
}

double lb_peak_lcu(struct lb *lb, double now, double dims[LB_LCU_NDIMS])
{
    usage_advance(&lb->usage, now);
    double peak = 0, d[LB_LCU_NDIMS];
    if (dims)
        for (int k = 0; k < LB_LCU_NDIMS; k++)
            dims[k] = 0;
    for (int h = 0; h < lb->usage.nhours && h * 3600.0 < now; h++) {
        double l = hour_lcu(lb, h, hour_len(h, now), d);
        peak = l > peak ? l : peak;
        for (int k = 0; dims && k < LB_LCU_NDIMS; k++)
            dims[k] = d[k] > dims[k] ? d[k] : dims[k];
    }
    return peak;
}

double lb_lcu_hours(struct lb *lb, double now)
{
    usage_advance(&lb->usage, now);
    double sum = 0;
    for (int h = 0; h < lb->usage.nhours && h * 3600.0 < now; h++) {
        double len = hour_len(h, now);
        sum += hour_lcu(lb, h, len, NULL) * len / 3600.0;
    }
    return sum;
}

double lb_processed_bytes(const struct lb *lb)
{
    double sum = 0;
    for (int h = 0; h < lb->usage.nhours; h++)
        sum += lb->usage.bytes[h];
    return sum;
}

double lb_inter_zone_cost_usd(const struct lb *lb)
{
    return lb->inter_zone_bytes / 1e9 * lb->cfg->inter_zone_usd_per_gb;
}

double lb_lcu_cost_usd(struct lb *lb, double now)
{
    const struct lb_lcu_rates *r = lb_lcu_rates(lb);
    return r->unit_usd_h * lb_lcu_hours(lb, now) + r->usd_per_gb * lb_processed_bytes(lb) / 1e9;
}

double lb_cost_usd(struct lb *lb, double now)
{
    return lb_lcu_rates(lb)->hourly_usd * now / 3600.0 + lb_lcu_cost_usd(lb, now);
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

static const struct lb_rule *match(struct lb *lb, const struct request *rq)
{
    const char *path = rq->path ? rq->path : "/";
    const char *host = lb->node.env->request_host(rq);
    /* Rule evaluations past the first 10 are billed (LCU). */
    if (lb->nrules > 10) {
        int evals = lb->nrules;
        for (int i = 0; i < lb->nrules; i++) {
            const struct lb_rule *r = &lb->rules[i];
            if ((!r->path || fnmatch(r->path, path, 0) == 0) &&
                (!r->host || host_matches(r->host, host))) {
                evals = i + 1;
                break;
            }
        }
        if (evals > 10)
            lb->usage.rule_evals[hour_of(&lb->usage, sim_now(&lb->node.env->sim))] +=
                evals - 10;
    }
    for (int i = 0; i < lb->nrules; i++) {
        const struct lb_rule *r = &lb->rules[i];
        if (r->path && fnmatch(r->path, path, 0) != 0)
            continue;
        if (r->host && !host_matches(r->host, host))
            continue;
        return r;
    }
    return NULL;
}

/* ---- L7: each request routed on its own ---- */

/* ---- L7 idle timeout: 504 for a target that does not answer in time ---- */

/* Each LB's word in rq->hop_arg: bit 63 "sent on", bits 32-62 the LB node that took the
 * request (a chained LB has its own), bits 0-31 the member (L4) or the matched rule's
 * position + 1 (L7; 0 = none matched). */
#define HOP_ROUTED ((uint64_t)1 << 63)
#define HOP_NODE(arg) ((uint32_t)((arg) >> 32) & 0x7fffffffu)

/* The node of this LB that took rq; hop is the LB's hop index. */
static uint32_t node_of(const struct request *rq, int hop)
{
    return HOP_NODE(request_hop_c(rq, hop)->arg);
}

uint32_t lb_hop_node(const struct request *rq, int hop)
{
    return node_of(rq, hop);
}

int lb_hop_rule(const struct lb *lb, const struct request *rq, int hop)
{
    return lb->l4 ? 0 : (int)(uint32_t)request_hop_c(rq, hop)->arg;
}

static void gw_fire(struct sim *sim, void *ctx, uint64_t arg);

static void gw_arm(struct lb *lb)
{
    struct env *env = lb->node.env;
    while (lb->gw_head != lb->gw_tail && !lb->gw_ring[lb->gw_head & lb->gw_mask].rq)
        lb->gw_head++;
    if (lb->gw_head != lb->gw_tail && !lb->gw_ev) {
        double at = lb->gw_ring[lb->gw_head & lb->gw_mask].deadline;
        lb->gw_ev = sim_event_schedule(&env->sim, at, gw_fire, lb, 0);
    }
}

static void gw_fire(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct lb *lb = ctx;
    double now = sim_now(sim);
    lb->gw_ev = 0;
    for (;;) {
        while (lb->gw_head != lb->gw_tail && !lb->gw_ring[lb->gw_head & lb->gw_mask].rq)
            lb->gw_head++;
        struct lb_gw_entry *oldest = &lb->gw_ring[lb->gw_head & lb->gw_mask];
        if (lb->gw_head == lb->gw_tail || oldest->deadline > now)
            break;
        struct request *rq = oldest->rq;
        oldest->rq = NULL;
        lb->gw_head++;
        int hop = 0;
        while (request_hop(rq, hop)->node != &lb->node)
            hop++;
        request_hop(rq, hop)->arg &= ~HOP_ROUTED;
        lb->gateway_timeouts++;
        /* The target keeps working; the client gets 504 now. */
        request_cut(rq, (uint8_t)hop, RQ_GATEWAY_TIMEOUT);
    }
    gw_arm(lb);
}

static void gw_push(struct lb *lb, struct request *rq, double now)
{
    if (!lb->gw_ring || lb->gw_tail - lb->gw_head == lb->gw_mask + 1) {
        /* The ring spans the oldest unanswered request to the newest: millions of slots
         * when many requests wait long (10^5 targets at rho = 0.9).  Slots outside [head,
         * tail) are never read, so nothing is zeroed, and a ring of 2 MiB or more sits on
         * huge pages: in 4 KiB pages its first touches were 72 % of that run's page faults
         * (perf -e page-faults).  One entry holds the request and its deadline: one line
         * written per push, not two. */
        uint32_t cap = lb->gw_ring ? 2 * (lb->gw_mask + 1) : 1024;
        size_t bytes = (size_t)cap * sizeof *lb->gw_ring;
        struct lb_gw_entry *ring = bytes >= XALLOC_HUGE_BYTES ? xmalloc_huge(bytes)
                                                              : xmalloc(bytes);
        for (uint32_t i = lb->gw_head; i != lb->gw_tail; i++)
            ring[i & (cap - 1)] = lb->gw_ring[i & lb->gw_mask];
        free(lb->gw_ring);
        lb->gw_ring = ring;
        lb->gw_mask = cap - 1;
    }
    uint32_t slot = lb->gw_tail++;
    lb->gw_ring[slot & lb->gw_mask] =
        (struct lb_gw_entry){.rq = rq, .deadline = now + lb->cfg->idle_timeout_s};
    rq->gw_slot = slot;
    request_hop(rq, rq->nhops - 1)->arg |= HOP_ROUTED;
    gw_arm(lb);
}

/* What lb_done will touch that may be cold: the request's entry in the idle-timeout ring
 * (with 10^5 requests in flight, a random line of it). */
static bool lb_prefetch_done(const struct node *n, const struct request *rq,
                             const struct rq_hop *h, int stage)
{
    const struct lb *lb = container_of(n, const struct lb, node);
    if (stage == 1 && (h->arg & HOP_ROUTED) && lb->gw_ring)
        __builtin_prefetch(&lb->gw_ring[rq->gw_slot & lb->gw_mask], 1);
    return false;
}

static void gw_answered(struct lb *lb, struct request *rq)
{
    if (!(request_hop(rq, rq->cur_hop)->arg & HOP_ROUTED))
        return;
    lb->gw_ring[rq->gw_slot & lb->gw_mask].rq = NULL;
    while (lb->gw_head != lb->gw_tail && !lb->gw_ring[lb->gw_head & lb->gw_mask].rq)
        lb->gw_head++;
}

/* ---- the decision trace (models/core/trace.h): traced requests only ---- */

/* The LB node that took the request: DNS's pick (flow hash mod nodes), and why. */
static void trace_node(const struct lb *lb, const struct request *rq, uint32_t dns,
                       uint32_t nd)
{
    struct tracer *tr = lb->node.env->trace;
    trace_row(tr, rq, sim_now(&lb->node.env->sim), "lb_node", lb->node.name,
              trace_zone(tr, lb->node_zone[nd]), (double)nd,
              "type=%s;nodes=%d;dns_node=%u;moved=%d;cross_zone=%s;flow=%llu;flow_hash=%016llx",
              lb_cfg_type_name(lb->type), lb->nnodes, dns, dns != nd,
              lb->cfg->cross_zone ? "on" : "off", (unsigned long long)rq->flow_id,
              (unsigned long long)rq->flow_hash);
}

/* The listener rule that matched (r NULL: none, 404) and the forward taken. */
static void trace_rule(const struct lb *lb, const struct request *rq, const struct lb_rule *r,
                       const struct lb_forward *f)
{
    struct tracer *tr = lb->node.env->trace;
    double now = sim_now(&lb->node.env->sim);
    const char *host = lb->node.env->request_host(rq);
    if (!r) {
        trace_row(tr, rq, now, "rule", lb->node.name, NULL, (double)NAN, "path=%s;host=%s;rules=%d",
                  rq->path ? rq->path : "/", host ? host : "", lb->nrules);
        return;
    }
    int k = (int)(f - r->fw);
    trace_row(tr, rq, now, "rule", lb->node.name, f->tg->node.name, (double)(r - lb->rules + 1),
              "path=%s;host=%s;rule_path=%s;rule_host=%s;forward=%d;forwards=%d;u=%.6f",
              rq->path ? rq->path : "/", host ? host : "", r->path ? r->path : "*",
              r->host ? r->host : "*", k + 1, r->nfw, rq->u_route);
}

/* L4: the flow table's answer for the request's flow. */
static void trace_flow(const struct lb *lb, const struct request *rq, const char *what,
                       const struct target_group *g, uint32_t m)
{
    trace_row(lb->node.env->trace, rq, sim_now(&lb->node.env->sim), "flow", lb->node.name, what,
              m == UINT32_MAX ? (double)NAN : (double)m, "flow=%llu;flow_hash=%016llx;target=%s",
              (unsigned long long)rq->flow_id, (unsigned long long)rq->flow_hash,
              m == UINT32_MAX ? "" : g->members[m].node->name);
}

static void l7_forward(struct lb *lb, struct request *rq)
{
    const struct lb_rule *r = match(lb, rq);
    if (!r) {
        if (rq->traced)
            trace_rule(lb, rq, NULL, NULL);
        request_respond(rq, RQ_NOT_FOUND);
        return;
    }
    request_hop(rq, rq->nhops - 1)->arg |= (uint64_t)(r - lb->rules) + 1;
    const struct lb_forward *f = &r->fw[0];
    if (r->nfw > 1) {
        double u = rq->u_route;
        int k = 0;
        while (k < r->nfw - 1 && u >= r->fw[k].cum_weight)
            k++;
        f = &r->fw[k];
    }
    if (rq->traced)
        trace_rule(lb, rq, r, f);
    rq->route_view = f->views[node_of(rq, rq->nhops - 1)];
    env_request_route_key(lb->node.env, rq, rq->flow_hash);
    gw_push(lb, rq, sim_now(&lb->node.env->sim));
    node_send(&f->tg->node, rq);
}

/* An L7 node keeps its client connections in its table to count them for LCUs: a flow
 * seen for the first time, or again after the idle timeout, is a new connection. */
static void l7_connection(struct lb *lb, struct request *rq, double now)
{
    if (!rq->client) {
        /* A lone request is a connection of one request (each attempt its own), counted
         * without the table: no hash per request on the common path. */
        usage_open(&lb->usage, now);
        return;
    }
    struct flow_table *ft = &lb->flows[node_of(rq, rq->nhops - 1)];
    int created;
    struct flow_entry *e = flow_table_insert(ft, rq->flow_id, &created);
    if (created) {
        usage_open(&lb->usage, now);
    } else if (now - e->last_s > lb->cfg->idle_timeout_s && e->aux == 0) {
        /* The LB closed the idle connection; the client opened a new one. */
        usage_close_at(&lb->usage, e->last_s + lb->cfg->idle_timeout_s, now);
        usage_open(&lb->usage, now);
    }
    e->last_s = now;
    e->aux++;
}

static void l7_connection_done(struct lb *lb, struct request *rq, double now)
{
    if (!rq->client) {
        usage_close(&lb->usage, now);
        return;
    }
    struct flow_table *ft = &lb->flows[node_of(rq, rq->cur_hop)];
    struct flow_entry *e = flow_table_find(ft, rq->flow_id);
    if (!e)
        return;
    e->aux--;
    e->last_s = now;
    if (rq->flow_end && e->aux == 0) {
        flow_table_remove_entry(ft, e);
        usage_close(&lb->usage, now);
    }
}

/* ---- L4: each flow routed once ---- */

static struct target_group *l4_group(const struct lb *lb)
{
    return lb->rules[0].fw[0].tg;
}

/* The key the group's hash algorithm hashes: the flow's 5-tuple, or for a GWLB with 3- or
 * 2-tuple stickiness the client's address and the destination's (protocol is the same
 * for every flow here, so 3- and 2-tuple coincide).  Each workload's flows come from 1024
 * client addresses: address = flow hash mod 1024. */
static uint64_t l4_key(const struct lb *lb, const struct request *rq)
{
    enum sc_sticky st = lb->l4_tg->sticky;
    if (lb->type != SC_LB_GWLB || st == SC_STICKY_NONE || st == SC_STICKY_5TUPLE)
        return rq->flow_hash;
    uint64_t x = (rq->flow_hash & 1023) ^ (lb->node.env->client_net(rq) << 10);
    return sim_rng_splitmix64(&x);
}

/* End the flow in entry e (the group forgets it; LCU accounting closes it as of
 * ended_s, which is now or, for an idle flow, when its idle timeout ran out). */
static void l4_close(struct lb *lb, struct flow_table *ft, struct flow_entry *e, int status,
                     double ended_s)
{
    struct env *env = lb->node.env;
    double now = sim_now(&env->sim);
    tg_flow_close(l4_group(lb), e->group, e->member, status);
    usage_close_at(&lb->usage, ended_s < now ? ended_s : now, now);
    if (env->on_lb_flow)
        env->on_lb_flow(env->on_lb_flow_ctx, &lb->node, NULL, e->key,
                        ended_s < now ? ended_s : now);
    flow_table_remove_entry(ft, e);
}

/* The GWLB at `hop` drops rq: nobody answers it.  The hops from the GWLB down still
 * learn it is over (counters, the flow's bookkeeping); the client is left to time out. */
static void drop(struct lb *lb, struct request *rq, int hop)
{
    lb->dropped++;
    rq->lost = true;
    rq->status = RQ_PENDING;
    rq->cur_hop = (uint8_t)(hop + 1);
    request_resume(rq);
}

/* CPU seconds an appliance spends on one pass (dir 0 forward, 1 return): the quantile of a
 * uniform hashed from the request's own, so demands do not depend on routing. */
static double appliance_demand(const struct lb *lb, const struct request *rq, int dir)
{
    if (!lb->appliance_demand)
        return 0;
    uint64_t bits;
    memcpy(&bits, &rq->u_lb, sizeof bits);
    uint64_t x = bits ^ (dir ? UINT64_C(0x5bd1e9955bd1e995) : UINT64_C(0x27d4eb2f165667c5));
    double u = (double)(sim_rng_splitmix64(&x) >> 11) * 0x1.0p-53;
    return sim_dist_quantile(lb->appliance_demand, u);
}

/* Idle flows and connections are found by a sweep every idle timeout: they stop counting
 * as active (LCUs) from the moment they went idle too long, and an L4 flow leaves its
 * target's count.  An expired L4 entry stays (aux2 = 1) for one more timeout, so that a
 * TCP client coming back still gets its reset; then it is forgotten. */
static void lb_sweep(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct lb *lb = ctx;
    double now = sim_now(sim), idle = lb->cfg->idle_timeout_s;
    for (int nd = 0; nd < lb->nnodes; nd++) {
        struct flow_table *ft = &lb->flows[nd];
        size_t n = 0;
        for (size_t i = 0; ft->slots && i <= ft->mask; i++) {
            const struct flow_entry *e = &ft->slots[i];
            if (e->key && e->aux == 0 && now - e->last_s > idle)
                n++;
        }
        if (!n)
            continue;
        uint64_t *keys = xmalloc(n * sizeof *keys);
        n = 0;
        for (size_t i = 0; i <= ft->mask; i++) {
            const struct flow_entry *e = &ft->slots[i];
            if (e->key && e->aux == 0 && now - e->last_s > idle)
                keys[n++] = e->key;
        }
        for (size_t k = 0; k < n; k++) {
            struct flow_entry *e = flow_table_find(ft, keys[k]);
            if (!lb->l4) {
                usage_close_at(&lb->usage, e->last_s + idle, now);
                flow_table_remove_entry(ft, e);
            } else if (e->aux2) {
                if (now - e->last_s > 2 * idle)
                    flow_table_remove_entry(ft, e);
            } else {
                tg_flow_close(l4_group(lb), e->group, e->member, RQ_RESET);
                usage_close_at(&lb->usage, e->last_s + idle, now);
                if (lb->node.env->on_lb_flow)
                    lb->node.env->on_lb_flow(lb->node.env->on_lb_flow_ctx, &lb->node, NULL,
                                             e->key, e->last_s + idle);
                e->aux2 = 1;
            }
        }
        free(keys);
    }
    sim_event_after(sim, idle, lb_sweep, lb, 0);
}

void lb_start(struct lb *lb)
{
    sim_event_after(&lb->node.env->sim, lb->cfg->idle_timeout_s, lb_sweep, lb, 0);
}

static void l4_forward(struct lb *lb, struct request *rq)
{
    struct env *env = lb->node.env;
    double now = sim_now(&env->sim);
    struct target_group *g = l4_group(lb);
    uint32_t nd = node_of(rq, rq->nhops - 1);
    uint32_t view = lb->rules[0].fw[0].views[nd];
    struct flow_table *ft = &lb->flows[nd];
    const struct sc_tg *gc = lb->l4_tg;
    bool udp = lb->cfg->protocol == SC_UDP || lb->cfg->protocol == SC_TCP_UDP;
    struct flow_entry *e = flow_table_find(ft, rq->flow_id);
    if (e && (e->aux2 || (e->aux == 0 && now - e->last_s > lb->cfg->idle_timeout_s))) {
        /* Idle too long: the LB forgot the flow.  TCP: the next packet gets a reset;
         * UDP: it starts a new flow. */
        if (e->aux2)
            flow_table_remove_entry(ft, e); /* the sweep closed it already */
        else
            l4_close(lb, ft, e, RQ_RESET, e->last_s + lb->cfg->idle_timeout_s);
        e = NULL;
        if (!udp) {
            lb->resets++;
            if (rq->traced)
                trace_flow(lb, rq, "idle_reset", g, UINT32_MAX);
            request_respond(rq, RQ_RESET);
            return;
        }
    }
    if (e && !tg_member_usable(g, e->member)) {
        const struct tg_member *m = &g->members[e->member];
        bool unhealthy = m->registered && !m->draining;
        if (lb->type == SC_LB_GWLB) {
            /* target_failover: rebalance moves the flow; no_rebalance keeps it. */
            if (gc->rebalance && (unhealthy || !m->registered)) {
                l4_close(lb, ft, e, RQ_RESET, now);
                e = NULL;
                lb->rebalanced++;
            }
        } else if (unhealthy && gc->connection_termination && !udp) {
            l4_close(lb, ft, e, RQ_RESET, now);
            lb->resets++;
            if (rq->traced)
                trace_flow(lb, rq, "unhealthy_reset", g, UINT32_MAX);
            request_respond(rq, RQ_RESET);
            return;
        }
    }
    if (!e) {
        env_request_route_key(lb->node.env, rq, l4_key(lb, rq));
        if (rq->traced)
            trace_flow(lb, rq, "miss", g, UINT32_MAX);
        uint32_t m = tg_flow_open(g, view, rq);
        if (m == UINT32_MAX) {
            g->no_target++;
            if (lb->type == SC_LB_GWLB) {
                drop(lb, rq, rq->nhops - 1); /* no fail-open: until an appliance recovers */
                return;
            }
            lb->resets++;
            request_respond(rq, RQ_RESET);
            return;
        }
        int created;
        e = flow_table_insert(ft, rq->flow_id, &created);
        e->member = m;
        e->group = view;
        lb->flows_opened++;
        usage_open(&lb->usage, now);
        if (env->on_lb_flow)
            env->on_lb_flow(env->on_lb_flow_ctx, &lb->node, rq, rq->flow_id, now);
    } else if (rq->traced) {
        trace_flow(lb, rq, "hit", g, e->member);
    }
    e->last_s = now;
    e->aux++; /* requests of the flow in flight */
    uint32_t m = e->member;
    request_hop(rq, rq->nhops - 1)->arg |= HOP_ROUTED | m;
    g->requests++;
    if (lb->type == SC_LB_GWLB) {
        rq->pass = RQ_PASS_FORWARD;
        struct request_ext *x = env_request_ext(lb->node.env, rq);
        x->pass_owner = &lb->node;
        x->pass_demand_s = appliance_demand(lb, rq, 0);
        struct node *a = g->members[m].node;
        a->ops->accept(a, rq);
        return;
    }
    node_send(g->members[m].node, rq);
}

/* The response of an L4 request passed back: the flow's bookkeeping. */
static void l4_done(struct lb *lb, struct request *rq)
{
    struct env *env = lb->node.env;
    if (!(request_hop(rq, rq->cur_hop)->arg & HOP_ROUTED))
        return;
    struct flow_table *ft = &lb->flows[node_of(rq, rq->cur_hop)];
    struct flow_entry *e = flow_table_find(ft, rq->flow_id);
    if (!e)
        return;
    e->aux--;
    e->last_s = sim_now(&env->sim);
    if (rq->flow_end && e->aux == 0)
        l4_close(lb, ft, e, rq->status, e->last_s);
}

static void gwlb_pass_done(struct node *n, struct request *rq, int status)
{
    struct lb *lb = container_of(n, struct lb, node);
    int pass = rq->pass;
    rq->pass = RQ_PASS_NONE;
    if (status != RQ_OK) {
        /* A failed appliance loses the packets: nobody answers.  Forward pass: the GWLB
         * is the last hop; return pass: the hop whose done() held the response. */
        if (pass == RQ_PASS_RETURN)
            rq->target = rq->ext->pass_saved_target;
        drop(lb, rq, pass == RQ_PASS_FORWARD ? rq->nhops - 1 : rq->cur_hop);
        return;
    }
    if (pass == RQ_PASS_FORWARD) {
        rq->ext->pass_fwd[rq->nhops - 1] = rq->ext->pass_by->id;
        node_send(lb->next, rq);
        return;
    }
    /* Symmetry from what the appliances actually processed: the one that carried the
     * return against the one that carried the request, whatever the table said. */
    if (rq->ext->pass_by->id != rq->ext->pass_fwd[rq->cur_hop])
        lb->asymmetric++;
    rq->target = rq->ext->pass_saved_target; /* the backend, for requests.csv */
    l4_done(lb, rq);
    lb->in_flight--;
    lb->responses++;
    if (rq->status >= 400)
        lb->errors++;
    request_resume(rq);
}

/* The response reaches the GWLB: it passes the appliance the flow table names again. */
static bool gwlb_return(struct lb *lb, struct request *rq)
{
    uint64_t arg = request_hop(rq, rq->cur_hop)->arg;
    /* A 504 from an LB behind the GWLB: the request object is still held by its target,
     * so it cannot visit an appliance too; the 504 goes back uninspected (a departure). */
    if (!(arg & HOP_ROUTED) || rq->cut_hop)
        return false;
    struct target_group *g = l4_group(lb);
    uint32_t fwd = (uint32_t)arg;
    struct flow_entry *e = flow_table_find(&lb->flows[node_of(rq, rq->cur_hop)], rq->flow_id);
    uint32_t back = e ? e->member : fwd; /* another one after a rebalance */
    struct request_ext *x = env_request_ext(lb->node.env, rq);
    x->pass_saved_target = rq->target;
    rq->pass = RQ_PASS_RETURN;
    x->pass_owner = &lb->node;
    x->pass_demand_s = appliance_demand(lb, rq, 1);
    struct node *a = g->members[back].node;
    a->ops->accept(a, rq);
    return true;
}

/* After the node's processing latency: route the request. */
static void lb_forward(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct lb *lb = ctx;
    struct request *rq = (struct request *)(uintptr_t)arg;
    if (lb->l4)
        l4_forward(lb, rq);
    else
        l7_forward(lb, rq);
}

/* An NLB zone whose node has no eligible target leaves DNS (AWS.md §2): new flows go to
 * the nodes still listed (flow hash mod their number); flows already on a node stay.  When
 * no node has a target, every node stays listed (the LB fails open or resets).  elbsim
 * moves new flows at once (no DNS TTL). */
static uint32_t nlb_dns(const struct lb *lb, const struct request *rq, uint32_t nd)
{
    const struct lb_forward *f = &lb->rules[0].fw[0];
    const struct tg_view *v = &f->tg->views[f->views[nd]];
    if (v->n + v->nslow > 0 || flow_table_find(&lb->flows[nd], rq->flow_id))
        return nd;
    uint32_t listed[64], k = 0;
    for (int i = 0; i < lb->nnodes && k < 64; i++) {
        const struct tg_view *vi = &f->tg->views[f->views[i]];
        if (vi->n + vi->nslow > 0)
            listed[k++] = (uint32_t)i;
    }
    return k ? listed[rq->flow_hash / (uint64_t)lb->nnodes % k] : nd;
}

static void lb_accept(struct node *n, struct request *rq)
{
    struct lb *lb = container_of(n, struct lb, node);
    struct env *env = n->env;
    /* Processed bytes (capacity units): the request's payload on its way in. */
    lb->usage.bytes[hour_of(&lb->usage, sim_now(&env->sim))] += rq->request_bytes;
    /* DNS spreads flows over the nodes; a flow stays on its node. */
    uint32_t nd = (uint32_t)(rq->flow_hash % (uint64_t)lb->nnodes);
    uint32_t dns = nd;
    if (lb->type == SC_LB_NLB && lb->nnodes > 1)
        nd = nlb_dns(lb, rq, nd);
    if (rq->traced)
        trace_node(lb, rq, dns, nd);
    request_hop(rq, rq->nhops - 1)->arg = (uint64_t)nd << 32;
    if (rq->nhops == 1)
        rq->lb_node = (uint16_t)nd; /* the entry LB's node (one per zone), for requests.csv */
    lb->requests++;
    lb->node_requests[nd]++;
    lb->in_flight++;
    /* L4: l4_forward looks the flow up after the latency below; meanwhile other events
     * run, and the lookup's cache miss was most of its cost (perf, e2e_nlb_flows). */
    if (lb->l4)
        flow_table_prefetch(&lb->flows[nd], rq->flow_id);
    else
        l7_connection(lb, rq, sim_now(&env->sim));
    /* The request's own uniform through the latency's quantile function: the same request
     * sees the same latency whatever happened before it (common random numbers). */
    double d = lb->latency ? sim_dist_quantile(lb->latency, rq->u_lb) : 0.0;
    if (d > 0)
        sim_event_after(&env->sim, d, lb_forward, lb, (uint64_t)(uintptr_t)rq);
    else
        lb_forward(&env->sim, lb, (uint64_t)(uintptr_t)rq);
}

/* The response passed this LB: its bookkeeping (flows, connections, counters). */
/* Inter-zone bytes: the member this LB sent rq to (L4: its own pick; L7: its target
 * group's, the next hop) is a target in another zone than the LB node that took rq.  The
 * request crossed, and so does a response the target made (for a GWLB, the appliance
 * sends both back to the node: each crosses twice).  Chained LBs are in every zone. */
static void count_inter_zone(struct lb *lb, const struct request *rq, bool target_answered)
{
    const struct target_group *g = NULL;
    uint32_t m = 0;
    int h = rq->cur_hop;
    if (lb->l4 && (request_hop_c(rq, h)->arg & HOP_ROUTED)) {
        g = l4_group(lb);
        m = (uint32_t)request_hop_c(rq, h)->arg;
    } else if (!lb->l4 && h + 1 < rq->nhops &&
               tg_hop_taken(request_hop_c(rq, h + 1)->arg, NULL, &m)) {
        g = container_of(request_hop_c(rq, h + 1)->node, struct target_group, node);
    }
    if (!g || m >= g->nmembers)
        return;
    const struct tg_member *mm = &g->members[m];
    int mz = mm->t ? mm->t->spec.zone : mm->zone;
    if (mz < 0 || mz == lb->node_zone[node_of(rq, h)])
        return;
    double b = rq->request_bytes + (target_answered ? (double)rq->response_bytes : 0);
    lb->inter_zone_bytes += lb->type == SC_LB_GWLB ? 2 * b : b;
}

static void lb_answered(struct lb *lb, struct request *rq)
{
    count_inter_zone(lb, rq, rq->status == RQ_OK || rq->status == RQ_TARGET_ERROR);
    /* A response a target made carries its payload back through the LB; the LB's own
     * error pages (502-504, resets) are not counted. */
    if (rq->status == RQ_OK || rq->status == RQ_TARGET_ERROR)
        lb->usage.bytes[hour_of(&lb->usage, sim_now(&lb->node.env->sim))] +=
            rq->response_bytes;
    /* The hook first: an L4 flow this response ends is closed after (on_lb_flow). */
    struct env *env = lb->node.env;
    if (env->on_lb_response)
        env->on_lb_response(env->on_lb_response_ctx, &lb->node, rq, rq->cur_hop,
                            sim_now(&env->sim));
    if (lb->l4)
        l4_done(lb, rq);
    else {
        gw_answered(lb, rq);
        l7_connection_done(lb, rq, sim_now(&lb->node.env->sim));
    }
    lb->in_flight--;
    lb->responses++;
    if (rq->status >= 400)
        lb->errors++;
}

/* A proxy's connect timeout ran out on a target whose host never answered: 504 (ALB, CLB
 * HTTP), or the client's connection closed (CLB TCP/SSL). */
static void connect_fail(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct lb *lb = ctx;
    struct request *rq = (struct request *)(uintptr_t)arg;
    lb->connect_timeouts++;
    rq->status = lb->l4 ? RQ_RESET : RQ_GATEWAY_TIMEOUT;
    if (lb->l4)
        lb->resets++;
    lb_answered(lb, rq);
    request_resume(rq);
}

/* The target's host did not answer the connection (RQ_UNREACHABLE).  An ALB or CLB waits
 * for its connect timeout, then answers (true: the response is held until then); an NLB
 * passed the client's own connection attempt, which goes unanswered: the request is lost
 * and the client waits for its own timeout (AWS.md §1 "HTTP errors" 504; §2).  Below an
 * LB that already answered its client (rq->cut_hop) nobody waits: the answer is final. */
static bool unreachable(struct lb *lb, struct request *rq)
{
    if (lb->cfg->connect_timeout_s > 0) {
        if (rq->cut_hop) {
            rq->status = lb->l4 ? RQ_RESET : RQ_GATEWAY_TIMEOUT;
            return false;
        }
        if (!lb->l4)
            gw_answered(lb, rq); /* the idle timeout no longer runs: the connect one does */
        sim_event_after(&lb->node.env->sim, lb->cfg->connect_timeout_s, connect_fail, lb,
                        (uint64_t)(uintptr_t)rq);
        return true;
    }
    lb->dropped++;
    rq->lost = true;
    rq->status = RQ_PENDING;
    return false;
}

static bool lb_done(struct node *n, struct request *rq)
{
    struct lb *lb = container_of(n, struct lb, node);
    if (lb->type == SC_LB_GWLB && !rq->lost && gwlb_return(lb, rq))
        return true; /* resumed by gwlb_pass_done */
    if (rq->status == RQ_UNREACHABLE && unreachable(lb, rq))
        return true; /* resumed by connect_fail */
    lb_answered(lb, rq);
    return false;
}
