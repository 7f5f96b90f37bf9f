/* The load-balancer family end to end, in process: NLB flow stickiness, idle timeouts (TCP
 * reset, UDP new flow), connection termination, the CLB's two listener kinds, NLB → ALB
 * chaining, ALB cookie stickiness, deregistration (ALB early end, NLB delay), cross-zone
 * off on an NLB, LCU and NLCU cost, GWLB target failover and slow start's linear ramp.
 * Each test builds a world from a YAML string, watches every finished request
 * (w->env.on_request) and events.csv row (w->env.events), and checks what AWS.md says the
 * service does.  The tests in the last section each caught a bug when they were written;
 * their comments say what was wrong. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "models/elb/flow_table.h"
#include "models/elb/lb.h"
#include "models/core/request.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/traffic/workload.h"
#include "models/scenario/world.h"
#include "sim/xalloc.h"
#include "tests/unit.h"

#define MAX_ROWS 256

/* One finished request as the client saw it. */
struct rec {
    uint64_t flow;        /* rq->flow_id */
    int target;           /* id of the target it reached (last "target" hop), -1 = none */
    int status;
    double sent_s;        /* this attempt was sent */
    double done_s;        /* the answer reached the client */
    double at_target_s;   /* rq->arrive_target_s (0 when the target refused it) */
    bool chain_ok;        /* hops are nlb, alb, target_group, target (chaining test) */
    uint8_t nhops;
};

/* What a run reported: every finished request and every events.csv row. */
struct obs {
    struct rec *r;
    size_t n, cap;
    int nrows;
    double t[MAX_ROWS];
    char name[MAX_ROWS][32];
    char detail[MAX_ROWS][96];
    double cross_bytes;          /* payload of answered requests whose target is in another
                                  * zone than the entry LB's node */
};

static void on_event(void *ctx, double t, const char *kind, const char *name,
                     const char *detail)
{
    struct obs *o = ctx;
    (void)kind;
    if (o->nrows == MAX_ROWS)
        return;
    o->t[o->nrows] = t;
    snprintf(o->name[o->nrows], sizeof o->name[0], "%s", name);
    snprintf(o->detail[o->nrows], sizeof o->detail[0], "%s", detail);
    o->nrows++;
}

static void on_request(void *ctx, const struct request *rq, double now)
{
    static const char *const chain[] = {"nlb", "alb", "target_group", "target"};
    struct obs *o = ctx;
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 1024;
        o->r = xrealloc(o->r, o->cap * sizeof *o->r);
    }
    struct rec *r = &o->r[o->n++];
    *r = (struct rec){.flow = rq->flow_id, .target = -1, .status = rq->status,
                      .sent_s = rq->sent_s, .done_s = now,
                      .at_target_s = rq->target ? target_arrival_s(rq) : 0.0, .nhops = rq->nhops};
    /* The target is the last "target" hop: a crashed target answers without setting
     * rq->target, and a GWLB's appliance is no hop. */
    for (int i = rq->nhops - 1; i >= 0 && r->target < 0; i--)
        if (!strcmp(request_hop_c(rq, i)->node->ops->kind, "target"))
            r->target = (int)container_of(request_hop_c(rq, i)->node, struct target, node)->id;
    const struct node *entry = rq->nhops > 0 ? request_hop_c(rq, 0)->node : NULL;
    if (rq->status == RQ_OK && rq->target && entry &&
        !strcmp(entry->ops->kind, "nlb") + !strcmp(entry->ops->kind, "alb")) {
        const struct lb *lb = container_of(entry, struct lb, node);
        if (rq->target->spec.zone != lb->node_zone[rq->lb_node])
            o->cross_bytes += rq->request_bytes + (double)rq->response_bytes;
    }
    r->chain_ok = rq->nhops == 4;
    for (int i = 0; i < 4 && r->chain_ok; i++)
        r->chain_ok = !strcmp(request_hop_c(rq, i)->node->ops->kind, chain[i]);
}

static void obs_free(struct obs *o)
{
    free(o->r);
}

/* Time of the first row for `name` whose detail starts with `detail`, or -1. */
static double row_time(const struct obs *o, const char *name, const char *detail)
{
    for (int i = 0; i < o->nrows; i++)
        if (!strcmp(o->name[i], name) && !strncmp(o->detail[i], detail, strlen(detail)))
            return o->t[i];
    return -1;
}

/* Load the scenario text, build the world with seed 7 and hook the observers. */
static struct world *build(const char *text, struct scenario **sc, struct obs *o)
{
    int rc = scenario_load_string(text, "t.yaml", NULL, 0, sc);
    if (rc != 0)
        printf("\n    scenario rejected:\n%s\n", text);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    struct world *w = world_new(*sc, 7);
    w->env.on_request = on_request;
    w->env.on_request_ctx = o;
    w->env.events = (struct sim_event_log){on_event, o};
    world_start(w);
    return w;
}

static struct world *run(const char *text, struct scenario **sc, struct obs *o)
{
    struct world *w = build(text, sc, o);
    sim_event_run_until(&w->env.sim, (*sc)->duration_s);
    return w;
}

static void finish(struct world *w, struct scenario *sc, struct obs *o)
{
    world_free(w);
    scenario_free(sc);
    obs_free(o);
}

/* Id of the target named `name` ("tg/1"). */
static int target_id(const struct world *w, const char *name)
{
    for (uint32_t i = 0; i < w->targets.n; i++)
        if (!strcmp(w->targets.t[i]->node.name, name))
            return (int)i;
    CU_FAIL_FATAL("no such target");
    return -1;
}

/* Per connection: requests seen, the first target, whether any later one differed. */
struct conn {
    int n;
    int first_target;
    int last_target;
    bool moved;           /* reached more than one target */
    int status_not_ok;
    double first_sent_s;
};

/* The connections of a run, indexed by flow id (1 .. w->env.next_flow_id); caller frees. */
static struct conn *conns_of(const struct world *w, const struct obs *o)
{
    struct conn *c = xcalloc(w->env.next_flow_id + 1, sizeof *c);
    for (size_t i = 0; i < o->n; i++) {
        const struct rec *r = &o->r[i];
        CU_ASSERT_FATAL(r->flow >= 1 && r->flow <= w->env.next_flow_id);
        struct conn *k = &c[r->flow];
        if (k->n++ == 0) {
            k->first_target = r->target;
            k->first_sent_s = r->sent_s;
        } else if (r->target != k->first_target) {
            k->moved = true;
        }
        k->last_target = r->target;
        k->status_not_ok += r->status != RQ_OK;
    }
    return c;
}

/* ---- 1. NLB flow stickiness ---- */

/* 4 targets; connections of 20 requests with exponential think times, opened at 2/s for
 * 60 s; by 120 s every connection has ended (19 think times of mean 1 s). */
static const char flow_text[] =
    "duration: 120s\n"
    "workloads:\n"
    "  - { name: w, entry: lb, arrivals: 'steps(0s: 2/s, 60s: 0/s)', demand: const(10ms),\n"
    "      connection: { requests: 20, think: exp(mean=1s) } }\n"
    "load_balancers:\n"
    "  - { name: lb, type: %s, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
    "target_groups:\n"
    "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 4 } ] }\n";

static void nlb_keeps_a_connection_on_one_target(void)
{
    char text[1024];
    snprintf(text, sizeof text, flow_text, "nlb");
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct lb *lb = w->lbs[0];
    struct conn *c = conns_of(w, &o);
    uint64_t nconn = 0, moved = 0, per_target[4] = {0};
    for (uint64_t f = 1; f <= w->env.next_flow_id; f++) {
        if (!c[f].n)
            continue;
        nconn++;
        CU_ASSERT_EQUAL(c[f].n, 20);
        CU_ASSERT_EQUAL(c[f].status_not_ok, 0);
        moved += c[f].moved;
        if (c[f].first_target >= 0 && c[f].first_target < 4)
            per_target[c[f].first_target]++;
    }
    CU_ASSERT_FATAL(nconn > 60); /* Poisson(120) */
    CU_ASSERT_EQUAL(nconn, w->env.next_flow_id);
    CU_ASSERT_EQUAL(moved, 0);
    CU_ASSERT_EQUAL(lb->flows_opened, nconn);
    CU_ASSERT_EQUAL(lb->requests, 20 * nconn);
    CU_ASSERT_EQUAL(lb->resets, 0);
    /* Every connection ended with its last response: the table and the LCU count are empty. */
    CU_ASSERT_EQUAL(lb->flows[0].n, 0);
    CU_ASSERT_EQUAL(lb->usage.active, 0);
    /* flow_hash spreads the flows: P(a target gets none of > 60) < 4 · 0.75^60 ≈ 1e-7. */
    for (int t = 0; t < 4; t++)
        CU_ASSERT(per_target[t] > 0);
    free(c);
    finish(w, sc, &o);
}

static void alb_spreads_the_same_connections(void)
{
    char text[1024];
    snprintf(text, sizeof text, flow_text, "alb");
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct conn *c = conns_of(w, &o);
    uint64_t nconn = 0, moved = 0;
    for (uint64_t f = 1; f <= w->env.next_flow_id; f++) {
        if (!c[f].n)
            continue;
        nconn++;
        CU_ASSERT_EQUAL(c[f].n, 20);
        moved += c[f].moved;
    }
    CU_ASSERT_FATAL(nconn > 60);
    /* Round robin per request: the next request of a connection returns to the same target
     * only if the others sent 3 mod 4 requests in between, so all 19 gaps doing so has
     * probability about 4^-19: every connection reaches two targets or more. */
    CU_ASSERT_EQUAL(moved, nconn);
    CU_ASSERT_EQUAL(w->lbs[0]->resets, 0);
    free(c);
    finish(w, sc, &o);
}

/* ---- 2. Idle timeouts ---- */

/* Connections of 2 requests opened at 1/s for 20 s; the second `think` after the first's
 * response.  `listener_extra` and `lb_extra` go into the NLB's mappings. */
static struct world *idle_run(const char *think, const char *lb_extra,
                              const char *listener_extra, struct scenario **sc, struct obs *o)
{
    char text[1024];
    snprintf(text, sizeof text,
             "duration: 300s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: 'steps(0s: 1/s, 20s: 0/s)', demand: const(10ms),\n"
             "      connection: { requests: 2, think: 'const(%s)' } }\n"
             "load_balancers:\n"
             "  - { name: lb, type: nlb, zones: [a], latency: none %s,\n"
             "      listeners: [ { forward: tg %s } ] }\n"
             "target_groups:\n"
             "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 2 } ] }\n",
             think, lb_extra, listener_extra);
    return run(text, sc, o);
}

static void nlb_idle_timeout_resets_the_next_request(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = idle_run("100s", ", idle_timeout: 60s", "", &sc, &o);
    struct lb *lb = w->lbs[0];
    uint64_t nconn = w->env.next_flow_id, ok = 0, reset = 0, reached = 0;
    CU_ASSERT_FATAL(nconn > 5);
    CU_ASSERT_EQUAL_FATAL(o.n, 2 * nconn);
    struct conn *c = conns_of(w, &o);
    for (size_t i = 0; i < o.n; i++) {
        const struct rec *r = &o.r[i];
        if (r->status == RQ_OK) {
            ok++;
        } else if (r->status == RQ_RESET) {
            reset++;
            /* The reset comes from the LB at once: nothing reached a target. */
            CU_ASSERT_DOUBLE_EQUAL(r->done_s, r->sent_s, 1e-12);
            CU_ASSERT_EQUAL(r->target, -1);
        }
    }
    for (uint64_t f = 1; f <= nconn; f++) {
        CU_ASSERT_EQUAL(c[f].n, 2);
        CU_ASSERT_EQUAL(c[f].status_not_ok, 1); /* the request after the gap */
    }
    for (uint32_t t = 0; t < w->targets.n; t++)
        reached += w->targets.t[t]->accepted;
    CU_ASSERT_EQUAL(ok, nconn);
    CU_ASSERT_EQUAL(reset, nconn);
    CU_ASSERT_EQUAL(lb->resets, nconn);
    CU_ASSERT_EQUAL(lb->flows_opened, nconn);
    CU_ASSERT_EQUAL(reached, nconn);
    CU_ASSERT_EQUAL(lb->flows[0].n, 0);
    free(c);
    finish(w, sc, &o);

    /* A gap shorter than the timeout keeps the flow. */
    struct obs o2 = {0};
    w = idle_run("50s", ", idle_timeout: 60s", "", &sc, &o2);
    nconn = w->env.next_flow_id;
    CU_ASSERT_EQUAL(o2.n, 2 * nconn);
    for (size_t i = 0; i < o2.n; i++)
        CU_ASSERT_EQUAL(o2.r[i].status, RQ_OK);
    CU_ASSERT_EQUAL(w->lbs[0]->resets, 0);
    CU_ASSERT_EQUAL(w->lbs[0]->flows_opened, nconn);
    finish(w, sc, &o2);
}

static void udp_idle_timeout_starts_a_new_flow(void)
{
    /* UDP's timeout is fixed at 120 s: a 150 s gap opens a new flow, no reset. */
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = idle_run("150s", "", ", protocol: UDP", &sc, &o);
    CU_ASSERT_DOUBLE_EQUAL(sc->lbs[0].idle_timeout_s, 120, 0);
    uint64_t nconn = w->env.next_flow_id;
    CU_ASSERT_FATAL(nconn > 5);
    CU_ASSERT_EQUAL(o.n, 2 * nconn);
    for (size_t i = 0; i < o.n; i++)
        CU_ASSERT_EQUAL(o.r[i].status, RQ_OK);
    CU_ASSERT_EQUAL(w->lbs[0]->resets, 0);
    CU_ASSERT_EQUAL(w->lbs[0]->flows_opened, 2 * nconn);
    CU_ASSERT_EQUAL(w->lbs[0]->flows[0].n, 0);
    finish(w, sc, &o);

    /* 100 s < 120 s: the same flow. */
    struct obs o2 = {0};
    w = idle_run("100s", "", ", protocol: UDP", &sc, &o2);
    nconn = w->env.next_flow_id;
    CU_ASSERT_EQUAL(o2.n, 2 * nconn);
    CU_ASSERT_EQUAL(w->lbs[0]->resets, 0);
    CU_ASSERT_EQUAL(w->lbs[0]->flows_opened, nconn);
    finish(w, sc, &o2);
}

/* ---- 3. Connection termination ---- */

/* Long connections (200 requests, 1 s apart) over 4 targets; tg/1 crashes at 40 s and,
 * with checks every 10 s (2 failures; a crashed process refuses them, so each fails when
 * it starts), turns unhealthy 10 to 20 s later. */
static struct world *termination_run(const char *ct, struct scenario **sc, struct obs *o)
{
    char text[1024];
    snprintf(text, sizeof text,
             "duration: 150s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(10ms),\n"
             "      connection: { requests: 200, think: const(1s) } }\n"
             "load_balancers:\n"
             "  - { name: lb, type: nlb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, connection_termination: %s,\n"
             "      health_check: { interval: 10s, timeout: 5s, unhealthy: 2 },\n"
             "      targets: [ { kind: ec2, vcpus: 1, count: 4 } ] }\n"
             "faults: [ { at: 40s, target: tg/1, kind: crash } ]\n",
             ct);
    return run(text, sc, o);
}

/* Per flow: the target of its last request sent by `t`, and its first status after t. */
struct at_mark {
    int target_before;    /* -2: no request before */
    int status_after;     /* 0: no request after */
    int reset_count;
    bool later_on_target; /* a request after the first one after t reached the target */
};

static struct at_mark *marks_of(const struct world *w, const struct obs *o, double t, int tid)
{
    struct at_mark *m = xcalloc(w->env.next_flow_id + 1, sizeof *m);
    for (uint64_t f = 0; f <= w->env.next_flow_id; f++)
        m[f].target_before = -2;
    for (size_t i = 0; i < o->n; i++) {
        const struct rec *r = &o->r[i];
        struct at_mark *k = &m[r->flow];
        k->reset_count += r->status == RQ_RESET;
        if (r->sent_s <= t)
            k->target_before = r->target;
        else if (!k->status_after)
            k->status_after = r->status;
        else if (r->target == tid)
            k->later_on_target = true;
    }
    return m;
}

static void unhealthy_target_flows_are_reset(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = termination_run("true", &sc, &o);
    struct lb *lb = w->lbs[0];
    double down = row_time(&o, "tg/1", "healthy -> unhealthy");
    CU_ASSERT_FATAL(down >= 40 + 10 - 1e-9 && down <= 40 + 20 + 1e-9);
    int n502 = 0, n599 = 0;
    for (size_t i = 0; i < o.n; i++) {
        const struct rec *r = &o.r[i];
        if (r->status == RQ_BAD_GATEWAY) {
            /* The crashed target answers 502 until it is marked, not after. */
            n502++;
            CU_ASSERT(r->sent_s >= 40 && r->sent_s <= down);
            CU_ASSERT_EQUAL(r->target, 1);
        }
        if (r->status == RQ_RESET) {
            n599++;
            CU_ASSERT(r->sent_s > down);
        }
        if (r->sent_s > down)
            CU_ASSERT_NOT_EQUAL(r->target, 1);
    }
    CU_ASSERT(n502 > 0);
    CU_ASSERT_EQUAL((uint64_t)n599, lb->resets);
    /* Exactly the flows on tg/1 when it was marked get a reset, on their next request;
     * the client's following request opens a new flow on a healthy target. */
    struct at_mark *m = marks_of(w, &o, down, 1);
    int on_it = 0;
    for (uint64_t f = 1; f <= w->env.next_flow_id; f++) {
        if (!m[f].status_after)
            continue;
        if (m[f].target_before == 1) {
            on_it++;
            CU_ASSERT_EQUAL(m[f].status_after, RQ_RESET);
        } else {
            CU_ASSERT_EQUAL(m[f].status_after, RQ_OK);
        }
        CU_ASSERT(m[f].reset_count <= 1);
        CU_ASSERT(!m[f].later_on_target);
    }
    CU_ASSERT(on_it > 0);
    CU_ASSERT_EQUAL(on_it, n599);
    free(m);
    finish(w, sc, &o);
}

static void without_connection_termination_flows_stay(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = termination_run("false", &sc, &o);
    double down = row_time(&o, "tg/1", "healthy -> unhealthy");
    CU_ASSERT_FATAL(down >= 40 + 10 - 1e-9 && down <= 40 + 20 + 1e-9);
    CU_ASSERT_EQUAL(w->lbs[0]->resets, 0);
    int late502 = 0;
    for (size_t i = 0; i < o.n; i++) {
        CU_ASSERT_NOT_EQUAL(o.r[i].status, RQ_RESET);
        late502 += o.r[i].status == RQ_BAD_GATEWAY && o.r[i].sent_s > down + 5;
    }
    /* The kept flows go on reaching the crashed target: 502s long after the mark. */
    CU_ASSERT(late502 > 0);
    struct conn *c = conns_of(w, &o);
    struct at_mark *m = marks_of(w, &o, down, 1);
    int kept = 0;
    for (uint64_t f = 1; f <= w->env.next_flow_id; f++) {
        if (!c[f].n)
            continue;
        if (m[f].target_before == 1 && m[f].status_after) {
            /* Every later request still on tg/1. */
            kept++;
            CU_ASSERT_EQUAL(m[f].status_after, RQ_BAD_GATEWAY);
            CU_ASSERT_EQUAL(c[f].last_target, 1);
        }
        if (c[f].first_sent_s > down) /* a new flow never picks the unhealthy target */
            CU_ASSERT(c[f].first_target != 1 && !c[f].moved);
    }
    CU_ASSERT(kept > 0);
    free(m);
    free(c);
    finish(w, sc, &o);
}

/* ---- 4. CLB ---- */

static struct world *clb_run(const char *protocol, struct scenario **sc, struct obs *o)
{
    char text[1024];
    snprintf(text, sizeof text,
             "duration: 100s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: 'steps(0s: 2/s, 40s: 0/s)', demand: const(10ms),\n"
             "      connection: { requests: 10, think: exp(mean=500ms) } }\n"
             "load_balancers:\n"
             "  - { name: lb, type: clb, zones: [a], latency: none,\n"
             "      listeners: [ { protocol: %s, forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 4 } ] }\n",
             protocol);
    return run(text, sc, o);
}

static void clb_http_routes_each_request_by_least_outstanding(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = clb_run("HTTP", &sc, &o);
    CU_ASSERT_STRING_EQUAL(sc->tgs[0].algorithm, "least_outstanding_requests");
    CU_ASSERT(!w->lbs[0]->l4);
    struct conn *c = conns_of(w, &o);
    uint64_t nconn = 0, moved = 0;
    for (uint64_t f = 1; f <= w->env.next_flow_id; f++) {
        if (!c[f].n)
            continue;
        nconn++;
        moved += c[f].moved;
    }
    CU_ASSERT_FATAL(nconn > 40);
    /* Per request: at this light load every target is mostly idle and ties cycle, so a
     * connection's 10 requests stay on one target with probability about 4^-9.  Per
     * connection none would move; allow 5 % for the load's influence on LOR. */
    CU_ASSERT(moved >= 0.95 * (double)nconn);
    CU_ASSERT_EQUAL(w->lbs[0]->flows_opened, 0);
    free(c);
    finish(w, sc, &o);
}

static void clb_tcp_routes_each_connection_round_robin(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = clb_run("TCP", &sc, &o);
    CU_ASSERT_STRING_EQUAL(sc->tgs[0].algorithm, "round_robin");
    CU_ASSERT(w->lbs[0]->l4);
    struct conn *c = conns_of(w, &o);
    uint64_t nconn = 0;
    for (uint64_t f = 1; f <= w->env.next_flow_id; f++) {
        if (!c[f].n)
            continue;
        nconn++;
        CU_ASSERT_EQUAL(c[f].n, 10);
        CU_ASSERT(!c[f].moved);
        /* Connections open in flow-id order on the one node: round robin gives the f-th
         * connection target (f - 1) mod 4. */
        CU_ASSERT_EQUAL(c[f].first_target, (int)((f - 1) % 4));
    }
    CU_ASSERT_FATAL(nconn > 40);
    CU_ASSERT_EQUAL(nconn, w->env.next_flow_id);
    CU_ASSERT_EQUAL(w->lbs[0]->flows_opened, nconn);
    free(c);
    finish(w, sc, &o);
}

/* ---- 5. Chaining ---- */

static void nlb_to_alb_chain_reaches_targets_through_both(void)
{
    const char *text =
        "duration: 60s\n"
        "workloads:\n"
        "  - { name: w, entry: front, arrivals: 'steps(0s: 5/s, 30s: 0/s)', demand: const(10ms),\n"
        "      connection: { requests: 5, think: const(100ms) } }\n"
        "load_balancers:\n"
        "  - { name: front, type: nlb, zones: [a], latency: none, listeners: [ { forward: albs } ] }\n"
        "  - { name: web, type: alb, zones: [a], latency: none,\n"
        "      listeners: [ { rules: [ { forward: app } ] } ] }\n"
        "target_groups:\n"
        "  - { name: albs, targets: [ { lb: web } ] }\n"
        "  - { name: app, targets: [ { kind: ec2, vcpus: 1, count: 3 } ] }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct lb *front = w->lbs[scenario_lb_index(sc, "front")];
    struct lb *web = w->lbs[scenario_lb_index(sc, "web")];
    struct target_group *albs = w->tgs[scenario_tg_index(sc, "albs")];
    struct target_group *app = w->tgs[scenario_tg_index(sc, "app")];
    uint64_t n = o.n, bad_hops = 0, not_ok = 0, per_target[3] = {0};
    CU_ASSERT_FATAL(n > 300);
    for (size_t i = 0; i < o.n; i++) {
        bad_hops += !o.r[i].chain_ok;
        not_ok += o.r[i].status != RQ_OK;
        if (o.r[i].target >= 0 && o.r[i].target < 3)
            per_target[o.r[i].target]++;
    }
    CU_ASSERT_EQUAL(bad_hops, 0);
    CU_ASSERT_EQUAL(not_ok, 0);
    /* Both LBs saw every request and answered it; nothing is left in flight. */
    CU_ASSERT_EQUAL(w->workloads[0]->requests, n);
    CU_ASSERT_EQUAL(front->requests, n);
    CU_ASSERT_EQUAL(web->requests, n);
    CU_ASSERT_EQUAL(front->responses, n);
    CU_ASSERT_EQUAL(web->responses, n);
    CU_ASSERT_EQUAL(front->errors, 0);
    CU_ASSERT_EQUAL(web->errors, 0);
    CU_ASSERT_EQUAL(front->in_flight, 0);
    CU_ASSERT_EQUAL(web->in_flight, 0);
    CU_ASSERT_EQUAL(albs->requests, n);
    CU_ASSERT_EQUAL(app->requests, n);
    /* The NLB opened one flow per connection; the ALB behind it spread the requests. */
    CU_ASSERT_EQUAL(front->flows_opened, w->env.next_flow_id);
    CU_ASSERT_EQUAL(5 * front->flows_opened, n);
    for (int t = 0; t < 3; t++)
        CU_ASSERT(per_target[t] > n / 4);
    finish(w, sc, &o);
}

/* ---- 6. Cookie stickiness ---- */

static void lb_cookie_keeps_a_user_on_one_target_until_it_fails(void)
{
    const char *text =
        "duration: 200s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, users: 10, think: exp(mean=1s), demand: const(10ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, stickiness: 'lb_cookie(duration=1h)',\n"
        "      health_check: { interval: 10s, timeout: 5s, unhealthy: 2 },\n"
        "      targets: [ { kind: ec2, vcpus: 1, count: 4 } ] }\n"
        "faults: [ { at: 100s, target: tg/1, kind: crash } ]\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct target_group *g = w->tgs[0];
    double down = row_time(&o, "tg/1", "healthy -> unhealthy");
    CU_ASSERT_FATAL(down >= 100 + 10 - 1e-9 && down <= 100 + 20 + 1e-9);
    CU_ASSERT_EQUAL_FATAL(w->env.next_flow_id, 10); /* one flow id per user */
    struct conn *c = conns_of(w, &o);
    struct at_mark *m = marks_of(w, &o, down, 1);
    /* Per user: the target after the mark (all requests after it must agree). */
    int after[11];
    for (int u = 0; u <= 10; u++)
        after[u] = -1;
    int moved_users = 0, n502 = 0;
    for (size_t i = 0; i < o.n; i++) {
        const struct rec *r = &o.r[i];
        int u = (int)r->flow;
        if (r->sent_s <= down) {
            /* Up to the mark every request follows the cookie, 502s included. */
            CU_ASSERT_EQUAL(r->target, c[u].first_target);
            if (r->status == RQ_BAD_GATEWAY) {
                n502++;
                CU_ASSERT(r->sent_s >= 100);
            } else {
                CU_ASSERT_EQUAL(r->status, RQ_OK);
            }
        } else {
            CU_ASSERT_EQUAL(r->status, RQ_OK);
            CU_ASSERT_NOT_EQUAL(r->target, 1);
            if (after[u] < 0)
                after[u] = r->target;
            CU_ASSERT_EQUAL(r->target, after[u]); /* the rewritten cookie sticks too */
        }
    }
    for (int u = 1; u <= 10; u++) {
        CU_ASSERT_FATAL(c[u].n > 50);
        if (c[u].first_target == 1) {
            moved_users++;
            CU_ASSERT(after[u] >= 0 && after[u] != 1);
        } else {
            CU_ASSERT_EQUAL(after[u], c[u].first_target);
        }
    }
    CU_ASSERT_FATAL(moved_users > 0);
    CU_ASSERT(n502 > 0);
    /* Routed by the algorithm: each user's first request and each moved user's rewrite;
     * every other request by its cookie. */
    CU_ASSERT_EQUAL(g->sticky_hits, g->requests - 10 - (uint64_t)moved_users);
    CU_ASSERT_EQUAL(g->requests, o.n);
    free(m);
    free(c);
    finish(w, sc, &o);
}

/* ---- 7. Deregistration ---- */

static void alb_deregistration_ends_when_nothing_is_in_flight(void)
{
    const char *text =
        "duration: 150s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=50/s)', demand: const(10ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 3 },\n"
        "                           { kind: ec2, vcpus: 1, count: 1, deregister_at: 100s } ] }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    int tid = target_id(w, "tg/3");
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/3", "healthy -> draining"), 100, 1e-9);
    double unused = row_time(&o, "tg/3", "draining -> unused");
    /* The ALB ends the delay (300 s) when the last request it holds is answered: at the
     * latest answer among tg/3's requests, or at once if it held none. */
    double last = 100;
    uint64_t before = 0;
    for (size_t i = 0; i < o.n; i++) {
        const struct rec *r = &o.r[i];
        if (r->target != tid)
            continue;
        before++;
        CU_ASSERT(r->at_target_s <= 100); /* nothing new after the deregistration */
        if (r->done_s > last)
            last = r->done_s;
    }
    CU_ASSERT(before > 500);
    CU_ASSERT_DOUBLE_EQUAL(unused, last, 1e-9);
    /* At ρ = 0.125 a queue of 10 (100 ms) has probability about 0.125^10. */
    CU_ASSERT(unused >= 100 && unused <= 100.1);
    CU_ASSERT_EQUAL(w->targets.t[tid]->accepted, before);
    finish(w, sc, &o);
}

static void nlb_deregistration_keeps_flows_for_the_delay(void)
{
    const char *text =
        "duration: 160s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(10ms),\n"
        "      connection: { requests: 100, think: const(1s) } }\n"
        "load_balancers:\n"
        "  - { name: lb, type: nlb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, deregistration_delay: 30s,\n"
        "      targets: [ { kind: ec2, vcpus: 1, count: 3 },\n"
        "                 { kind: ec2, vcpus: 1, count: 1, deregister_at: 100s } ] }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    int tid = target_id(w, "tg/3");
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/3", "healthy -> draining"), 100, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/3", "draining -> unused"), 130, 1e-9);
    struct conn *c = conns_of(w, &o);
    int draining_hits = 0;
    for (size_t i = 0; i < o.n; i++) {
        const struct rec *r = &o.r[i];
        CU_ASSERT_EQUAL(r->status, RQ_OK);
        if (r->target == tid && r->sent_s > 100 && r->sent_s < 130) {
            /* An existing flow: it was on tg/3 from its start. */
            draining_hits++;
            CU_ASSERT(c[r->flow].first_sent_s < 100);
            CU_ASSERT_EQUAL(c[r->flow].first_target, tid);
        }
    }
    CU_ASSERT(draining_hits > 0);
    /* New flows never reach the draining (later unused) target. */
    for (uint64_t f = 1; f <= w->env.next_flow_id; f++)
        if (c[f].n && c[f].first_sent_s > 100)
            CU_ASSERT(c[f].first_target != tid && !c[f].moved);
    free(c);
    finish(w, sc, &o);
}

/* ---- 8. Cross-zone off on an NLB ---- */

static void nlb_cross_zone_off_gives_the_aws_example_shares(void)
{
    const char *text =
        "duration: 100s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=200/s)', demand: const(1ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, type: nlb, zones: [a, b], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - name: tg\n"
        "    targets:\n"
        "      - { kind: ec2, vcpus: 1, count: 2, zone: a }\n"
        "      - { kind: ec2, vcpus: 1, count: 8, zone: b }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    CU_ASSERT(!sc->lbs[0].cross_zone); /* the NLB default */
    uint64_t total = 0;
    for (uint32_t i = 0; i < w->targets.n; i++)
        total += w->targets.t[i]->accepted;
    CU_ASSERT_FATAL(total > 15000);
    CU_ASSERT_EQUAL(w->lbs[0]->flows_opened, total); /* one request per flow */
    /* Each flow's node and target come from its hash: a target's count is binomial(total,
     * p) with p = 1/2 · 1/2 (zone a) or 1/2 · 1/8 (zone b).  Ten targets at once: each
     * within the 1 - 0.001/10 two-sided normal interval, 99.9 % for all together. */
    double z = gsl_cdf_ugaussian_Qinv(0.001 / 10 / 2);
    for (uint32_t i = 0; i < w->targets.n; i++) {
        const struct target *t = w->targets.t[i];
        double p = t->spec.zone == 0 ? 0.25 : 0.0625;
        double share = (double)t->accepted / (double)total;
        double tol = z * sqrt(p * (1 - p) / (double)total);
        if (fabs(share - p) > tol)
            printf("\n    %s: share %.4f, want %.4f ± %.4f", t->node.name, share, p, tol);
        CU_ASSERT(fabs(share - p) <= tol);
    }
    finish(w, sc, &o);
}

/* ---- 9. LCU cost ---- */

static void alb_lcus_follow_the_new_connection_rate(void)
{
    /* 50 new connections/s of one 1 ms request each for an hour: active connections about
     * 50 · 1 ms = 0.05 (of 3,000 per LCU), so new connections decide: 50 / 25 = 2 LCU,
     * $0.0225 + 2 · $0.008 = $0.0385. */
    const char *text =
        "duration: 3600s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=50/s)', demand: const(1ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 2 } ] }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct lb *lb = w->lbs[0];
    double n = (double)lb->requests;
    /* Exactly: one connection per request. */
    CU_ASSERT_DOUBLE_EQUAL(lb->usage.new_conns[0], n, 0);
    CU_ASSERT_DOUBLE_EQUAL(lb_cost_usd(lb, 3600), 0.0225 + 0.008 * n / 3600 / 25, 1e-9);
    /* The count is Poisson(180,000): 99.9 % within 3.29 · sqrt(180,000) of the mean, so the
     * LCUs within 2 · 3.29 / sqrt(180,000) = 0.0155 of 2. */
    double tol = 2 * 3.29 / sqrt(180000.0);
    CU_ASSERT_DOUBLE_EQUAL(lb_peak_lcu(lb, 3600, NULL), 2.0, tol);
    CU_ASSERT_DOUBLE_EQUAL(lb_cost_usd(lb, 3600), 0.0225 + 0.008 * 2, 0.008 * tol);
    printf("\n    ALB 50 conn/s for 1 h: %.5f LCU, $%.6f", lb_peak_lcu(lb, 3600, NULL),
           lb_cost_usd(lb, 3600));
    finish(w, sc, &o);
}

static void nlb_nlcus_follow_the_new_flow_rate(void)
{
    /* 1,600 new flows/s = 2 NLCU (800 each); 2 minutes (the NLCUs of the part of the hour
     * run), cost $(0.0225 + 2 · 0.006) · 120 / 3600.  Payloads of 1 byte each way keep
     * the processed bytes (about 11.5 MB/h) out of the way. */
    const char *text =
        "duration: 120s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=1600/s)', demand: const(1ms),\n"
        "      request_size: const(1B), response_size: const(1B) }\n"
        "load_balancers:\n"
        "  - { name: lb, type: nlb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 4 } ] }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct lb *lb = w->lbs[0];
    double n = (double)lb->flows_opened;
    CU_ASSERT_EQUAL(lb->flows_opened, lb->requests);
    CU_ASSERT_DOUBLE_EQUAL(lb->usage.new_conns[0], n, 0);
    /* Poisson(192,000): 99.9 % within 3.29 · sqrt(192,000). */
    double tol = 2 * 3.29 / sqrt(192000.0);
    CU_ASSERT_DOUBLE_EQUAL(lb_peak_lcu(lb, 120, NULL), 2.0, tol);
    CU_ASSERT_DOUBLE_EQUAL(lb_cost_usd(lb, 120), (0.0225 + 0.006 * 2) * 120 / 3600,
                           0.006 * tol * 120 / 3600);
    printf("\n    NLB 1600 flows/s: %.4f NLCU", lb_peak_lcu(lb, 120, NULL));
    finish(w, sc, &o);
}

/* Processed bytes are an LCU dimension (AWS.md §1: 1 GB per hour per LCU for EC2/IP
 * targets): 10 requests/s with 100 KB responses for an hour process n × 101 KB, about
 * 3.6 GB, which outweighs the 0.4 LCU of new connections; the hourly series and the
 * summary say which dimension it is. */
static void alb_processed_bytes_are_an_lcu_dimension(void)
{
    const char *text =
        "duration: 3600s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=10/s)', demand: const(1ms),\n"
        "      response_size: const(100KB) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 2 } ] }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct lb *lb = w->lbs[0];
    /* Every request was answered by a target (1 ms on an idle pair: none left at the end
     * but those in flight, whose request bytes count and response bytes do not yet). */
    double n = (double)lb->requests, answered = (double)lb->responses;
    CU_ASSERT_DOUBLE_EQUAL(lb_processed_bytes(lb), n * 1000 + answered * 100000, 0);
    double dims[LB_LCU_NDIMS], peak[LB_LCU_NDIMS];
    double lcu = lb_lcu_hour_so_far(lb, 3600, dims);
    CU_ASSERT_DOUBLE_EQUAL(dims[LB_LCU_PROCESSED_BYTES], lb_processed_bytes(lb) / 1e9, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(dims[LB_LCU_NEW_CONNECTIONS], n / 3600 / 25, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(lcu, dims[LB_LCU_PROCESSED_BYTES], 0);
    CU_ASSERT(lcu > 3.4 && lcu < 3.9); /* 36,000 ± 3.29 sd requests × 101 KB */
    CU_ASSERT_DOUBLE_EQUAL(lb_peak_lcu(lb, 3600, peak), lcu, 0);
    CU_ASSERT_DOUBLE_EQUAL(peak[LB_LCU_PROCESSED_BYTES], lcu, 0);
    CU_ASSERT_DOUBLE_EQUAL(lb_lcu_hours(lb, 3600), lcu, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(lb_cost_usd(lb, 3600), 0.0225 + 0.008 * lcu, 1e-12);
    printf("\n    ALB 10/s with 100 KB responses: %.3f LCU (bytes), new connections %.3f",
           lcu, dims[LB_LCU_NEW_CONNECTIONS]);
    finish(w, sc, &o);
}

/* Inter-zone data transfer: an NLB with cross-zone on over targets in two zones sends
 * about half its flows to the other zone; exactly those requests' payload is counted, and
 * costs $0.02 per GB (EC2's $0.01 each way) unless inter_zone_price says otherwise.  With
 * cross-zone off nothing crosses.  An ALB's crossing bytes are counted but cost nothing
 * (AWS does not charge them) unless a price is set. */
static void inter_zone_bytes_cost_what_aws_charges(void)
{
    static const struct {
        const char *lb;
        double price;
        bool crosses;
    } cases[] = {
        {"type: nlb, cross_zone: true", 0.02, true},
        {"type: nlb, cross_zone: true, inter_zone_price: '$0.05/GB'", 0.05, true},
        {"type: nlb", 0.02, false},
        {"type: alb", 0, true},
        {"type: alb, inter_zone_price: 0.01/GB", 0.01, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "duration: 120s\n"
                 "workloads:\n"
                 "  - { name: w, entry: lb, arrivals: 'poisson(rate=50/s)', demand: const(1ms),\n"
                 "      request_size: 'exp(mean=2KB)', response_size: const(30KB) }\n"
                 "load_balancers:\n"
                 "  - { name: lb, %s, zones: [a, b], latency: none, listeners: [ { forward: tg } ] }\n"
                 "target_groups:\n"
                 "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 4 } ] }\n",
                 cases[i].lb);
        struct scenario *sc;
        struct obs o = {0};
        struct world *w = run(text, &sc, &o);
        struct lb *lb = w->lbs[0];
        CU_ASSERT_DOUBLE_EQUAL(lb->inter_zone_bytes, o.cross_bytes, 0);
        CU_ASSERT_DOUBLE_EQUAL(lb_inter_zone_cost_usd(lb), o.cross_bytes / 1e9 * cases[i].price,
                               1e-15);
        /* 6,000 requests of about 32 KB; half cross when cross-zone is on. */
        double all = lb_processed_bytes(lb);
        if (cases[i].crosses) {
            CU_ASSERT(o.cross_bytes > 0.4 * all && o.cross_bytes < 0.6 * all);
        } else {
            CU_ASSERT_EQUAL(o.cross_bytes, 0);
        }
        printf("\n    %s: %.4f of %.4f GB crossed zones, $%.6f", cases[i].lb,
               o.cross_bytes / 1e9, all / 1e9, lb_inter_zone_cost_usd(lb));
        finish(w, sc, &o);
    }
}

/* The capacity units' allowances by type and protocol (AWS.md §1, §2; the ELB pricing
 * page for NLB UDP and TLS, GWLB and CLB). */
static void capacity_units_follow_the_type_and_protocol(void)
{
    struct sc_lb cfg = {0};
    struct lb l = {.cfg = &cfg};
    static const struct {
        enum sc_lb_type type;
        enum sc_protocol proto;
        double per_unit[LB_LCU_NDIMS], unit_usd_h, hourly_usd, usd_per_gb;
    } want[] = {
        {SC_LB_ALB, SC_HTTP, {25, 3000, 1, 1000}, 0.008, 0.0225, 0},
        {SC_LB_NLB, SC_TCP, {800, 100000, 1, 0}, 0.006, 0.0225, 0},
        {SC_LB_NLB, SC_UDP, {400, 50000, 1, 0}, 0.006, 0.0225, 0},
        {SC_LB_NLB, SC_TLS, {50, 3000, 1, 0}, 0.006, 0.0225, 0},
        {SC_LB_GWLB, SC_GENEVE, {600, 60000, 1, 0}, 0.004, 0.0125, 0},
        {SC_LB_CLB, SC_HTTP, {0, 0, 0, 0}, 0, 0.025, 0.008},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        l.type = cfg.type = want[i].type;
        cfg.protocol = want[i].proto;
        const struct lb_lcu_rates *r = lb_lcu_rates(&l);
        for (int k = 0; k < LB_LCU_NDIMS; k++)
            CU_ASSERT_DOUBLE_EQUAL(r->per_unit[k], want[i].per_unit[k], 0);
        CU_ASSERT_DOUBLE_EQUAL(r->unit_usd_h, want[i].unit_usd_h, 0);
        CU_ASSERT_DOUBLE_EQUAL(r->hourly_usd, want[i].hourly_usd, 0);
        CU_ASSERT_DOUBLE_EQUAL(r->usd_per_gb, want[i].usd_per_gb, 0);
    }
}

/* ---- 10. GWLB target failover ---- */

/* Four appliances in front of an ALB; long connections (200 requests, 1 s apart, client
 * timeout 2 s for the dropped ones); appliance fw/1 crashes at 40 s and is marked 10 to
 * 20 s later (GWLB checks: 10 s, 2 failures, refused at once).  Sampled every second:
 * drops and flow ids. */
#define GW_END 120
struct gw_run {
    uint64_t dropped[GW_END + 1];
    uint64_t flows[GW_END + 1];
    double down;
    uint64_t on_crashed; /* flows in the GWLB's table on fw/1 at the end */
    uint64_t new_on_crashed; /* ... of them opened after the mark */
    uint64_t rebalanced, timeouts;
};

static void gw_run(const char *failover, struct gw_run *g)
{
    char text[1536];
    snprintf(text, sizeof text,
             "duration: %ds\n"
             "workloads:\n"
             "  - { name: w, entry: gw, arrivals: 'poisson(rate=2/s)', demand: const(10ms),\n"
             "      timeout: 2s, connection: { requests: 200, think: const(1s) } }\n"
             "load_balancers:\n"
             "  - { name: gw, type: gwlb, zones: [a], latency: none, next: web,\n"
             "      listeners: [ { forward: fw } ] }\n"
             "  - { name: web, zones: [a], latency: none, listeners: [ { forward: app } ] }\n"
             "target_groups:\n"
             "  - { name: fw, target_failover: %s, targets: [ { kind: ec2, vcpus: 2, count: 4 } ] }\n"
             "  - { name: app, targets: [ { kind: ec2, vcpus: 2, count: 2 } ] }\n"
             "faults: [ { at: 40s, target: fw/1, kind: crash } ]\n",
             GW_END, failover);
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = build(text, &sc, &o);
    struct lb *gw = w->lbs[scenario_lb_index(sc, "gw")];
    for (int t = 0; t <= GW_END; t++) {
        sim_event_run_until(&w->env.sim, t);
        g->dropped[t] = gw->dropped;
        g->flows[t] = w->env.next_flow_id;
    }
    g->down = row_time(&o, "fw/1", "healthy -> unhealthy");
    CU_ASSERT_FATAL(g->down >= 40 + 10 - 1e-9 && g->down <= 40 + 20 + 1e-9);
    uint64_t opened_by_mark = g->flows[(int)ceil(g->down)];
    const struct flow_table *ft = &gw->flows[0];
    g->on_crashed = g->new_on_crashed = 0;
    for (size_t i = 0; ft->slots && i <= ft->mask; i++) {
        const struct flow_entry *e = &ft->slots[i];
        if (e->key && e->member == 1) {
            g->on_crashed++;
            g->new_on_crashed += e->key > opened_by_mark;
        }
    }
    g->rebalanced = gw->rebalanced;
    g->timeouts = w->workloads[0]->timeouts;
    finish(w, sc, &o);
}

static void gwlb_rebalance_moves_flows_off_a_failed_appliance(void)
{
    struct gw_run *g = xcalloc(1, sizeof *g);
    gw_run("rebalance", g);
    int mark = (int)ceil(g->down);
    /* Between the crash and the mark the appliance loses what it is sent. */
    CU_ASSERT(g->dropped[mark] > g->dropped[40]);
    CU_ASSERT(g->timeouts > 0);
    /* After the mark its flows move to healthy appliances at their next packet: no more
     * drops, none of its flows left on it. */
    CU_ASSERT(g->rebalanced > 0);
    CU_ASSERT_EQUAL(g->dropped[GW_END], g->dropped[mark]);
    CU_ASSERT_EQUAL(g->on_crashed, 0);
    printf("\n    rebalance: %llu flows moved, %llu dropped", (unsigned long long)g->rebalanced,
           (unsigned long long)g->dropped[GW_END]);
    free(g);
}

static void gwlb_no_rebalance_keeps_flows_on_a_failed_appliance(void)
{
    struct gw_run *g = xcalloc(1, sizeof *g);
    gw_run("no_rebalance", g);
    int mark = (int)ceil(g->down);
    CU_ASSERT_EQUAL(g->rebalanced, 0);
    CU_ASSERT(g->dropped[mark] > g->dropped[40]);
    /* Its flows stay and keep being dropped long after the mark... */
    CU_ASSERT(g->on_crashed > 0);
    CU_ASSERT(g->dropped[GW_END] > g->dropped[mark + 5]);
    /* ... but no flow opened after the mark is given to it. */
    CU_ASSERT_EQUAL(g->new_on_crashed, 0);
    printf("\n    no_rebalance: %llu flows kept on the failed appliance, %llu dropped",
           (unsigned long long)g->on_crashed, (unsigned long long)g->dropped[GW_END]);
    free(g);
}

/* ---- 11. Slow start ---- */

/* A target that turns healthy beside three others ramps up linearly (target_group.h):
 * routed a request at time t in the window, it gets it with probability f/4, f = (t - t0) /
 * 300 s, t0 the ramp's start.  Given when the requests in a stretch of the window were
 * routed, the group drew one uniform for each, so the new target's count is a sum of
 * independent Bernoulli(p_i): mean sum p_i, variance sum p_i (1 - p_i).  Six stretches of
 * 50 s, each within its normal interval at 1 - 0.001/6 (99.9 % for the six together).
 * Before the ramp the target gets nothing; after it, round robin gives it every fourth. */
static void slow_start_share_rises_linearly_over_the_window(void)
{
    const char *text =
        "duration: 400s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=400/s)', demand: const(1ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, slow_start: 300s, health_check: { interval: 10s, timeout: 5s },\n"
        "      targets: [ { kind: ec2, vcpus: 1, count: 3 },\n"
        "                 { kind: ec2, vcpus: 1, count: 1, register_at: 20s } ] }\n";
    enum { K = 6 };
    const double window = 300, n = 4;
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    int tid = target_id(w, "tg/3");
    double t0 = row_time(&o, "tg/3", "slow start begins");
    CU_ASSERT_FATAL(t0 >= 20 && t0 <= 30 + 1e-9); /* the first check after registering */
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/3", "slow start ends"), t0 + window, 1e-9);
    double mean[K] = {0}, var[K] = {0};
    uint64_t got[K] = {0}, routed[K] = {0}, before = 0, after = 0, after_all = 0;
    for (size_t i = 0; i < o.n; i++) {
        const struct rec *r = &o.r[i];
        CU_ASSERT_EQUAL_FATAL(r->status, RQ_OK);
        double t = r->at_target_s; /* routed then: no load-balancer latency */
        bool mine = r->target == tid;
        if (t < t0) {
            before += mine;
        } else if (t < t0 + window) {
            int k = (int)((t - t0) / (window / K));
            double p = (t - t0) / window / n;
            mean[k] += p;
            var[k] += p * (1 - p);
            got[k] += mine;
            routed[k]++;
        } else if (r->done_s < sc->duration_s) {
            after += mine;
            after_all++;
        }
    }
    CU_ASSERT_EQUAL(before, 0);
    double z = gsl_cdf_ugaussian_Qinv(0.001 / K / 2);
    for (int k = 0; k < K; k++) {
        double tol = z * sqrt(var[k]);
        printf("\n    slow start %3.0f-%3.0f s: new target %5llu of %llu, linear ramp %7.1f ± %.1f",
               k * window / K, (k + 1) * window / K, (unsigned long long)got[k],
               (unsigned long long)routed[k], mean[k], tol);
        CU_ASSERT(routed[k] > 15000);
        CU_ASSERT(fabs((double)got[k] - mean[k]) <= tol);
    }
    /* Round robin over four: every fourth request, up to the cycle's phase. */
    CU_ASSERT(fabs((double)after - (double)after_all / n) <= 1);
    finish(w, sc, &o);
}

/* ---- Regressions: documented behaviour the model once missed (each comment: the bug) ---- */

/* Was wrong: models/elb/target_group.c drain_end() (with lb_done / tg_done): when the
 * deregistration delay ends with requests still running on the target, AWS answers them 502
 * (AWS.md §1 "Deregistration delay": "a 502 when the delay elapses"); elbsim marks the member
 * unused but lets the requests finish on it and answers them 200 when they complete. */
static void alb_requests_running_when_the_delay_ends_get_502(void)
{
    const char *text =
        "duration: 60s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'steps(0s: 5/s, 1s: 0/s)', demand: const(30s) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, deregistration_delay: 5s,\n"
        "      targets: [ { kind: ec2, vcpus: 16, count: 1, deregister_at: 10s } ] }\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    CU_ASSERT_FATAL(o.n > 0 && o.n <= 16); /* all in service at once, none done by 15 s */
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/0", "healthy -> draining"), 10, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(row_time(&o, "tg/0", "draining -> unused"), 15, 1e-9);
    for (size_t i = 0; i < o.n; i++) {
        CU_ASSERT_EQUAL(o.r[i].status, RQ_BAD_GATEWAY);
        CU_ASSERT_DOUBLE_EQUAL(o.r[i].done_s, 15, 1e-9);
    }
    finish(w, sc, &o);
}

/* Was wrong: models/elb/lb.c lb_accept() picks the node by flow_hash mod nodes whatever the zones'
 * health, so with cross-zone off and every target of zone b unhealthy (zone a healthy, so
 * no fail-open) every new flow hashed to node b is reset by l4_forward() for the rest of
 * the run.  AWS.md §2 "AZ behaviour": an AZ with no healthy target has its IP removed from
 * DNS, so once the DNS TTL (60 s, AWS.md fact 6) has passed new flows reach zone a only. */
static void nlb_zone_without_healthy_targets_leaves_dns(void)
{
    const char *text =
        "duration: 300s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=5/s)', demand: const(10ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, type: nlb, zones: [a, b], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 2, zone: a },\n"
        "                           { kind: ec2, vcpus: 1, count: 2, zone: b } ] }\n"
        "faults: [ { at: 50s, zone: b, kind: outage } ]\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    double d2 = row_time(&o, "tg/2", "healthy -> unhealthy");
    double d3 = row_time(&o, "tg/3", "healthy -> unhealthy");
    CU_ASSERT_FATAL(d2 > 50 && d3 > 50);
    double gone = (d2 > d3 ? d2 : d3) + 60;
    int late_resets = 0, late = 0;
    for (size_t i = 0; i < o.n; i++) {
        if (o.r[i].sent_s <= gone)
            continue;
        late++;
        late_resets += o.r[i].status == RQ_RESET;
    }
    CU_ASSERT_FATAL(late > 500);
    if (late_resets)
        printf("\n    %d of %d new flows reset after zone b left DNS", late_resets, late);
    CU_ASSERT_EQUAL(late_resets, 0);
    finish(w, sc, &o);
}

/* Was wrong: models/elb/lb.c l4_forward() / l7_connection() only notice an idle timeout when the
 * next request arrives, and usage_close() is not called until then, so the connection-seconds
 * behind the LCU/NLCU "active connections" dimension keep counting a connection the LB has
 * already forgotten (README: "a flow idle this long is forgotten").  An idle flow should
 * stop counting at the timeout. */
static void idle_connections_stop_counting_as_active_at_the_timeout(void)
{
    /* NLB, idle 60 s: each flow is active for its first request (10 ms) plus 60 s. */
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = idle_run("100s", ", idle_timeout: 60s", "", &sc, &o);
    double nconn = (double)w->env.next_flow_id;
    CU_ASSERT_FATAL(nconn > 5);
    /* 10 ms of service each, give or take a little queueing when two overlap. */
    CU_ASSERT_DOUBLE_EQUAL(w->lbs[0]->usage.active_area[0], nconn * 60.01, 0.01 * nconn);
    finish(w, sc, &o);

    /* ALB, idle 60 s: the first request and 60 s idle, then the reconnection's request. */
    const char *text =
        "duration: 1200s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'steps(0s: 1/s, 20s: 0/s)', demand: const(10ms),\n"
        "      connection: { requests: 2, think: const(1000s) } }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 1 } ] }\n";
    struct obs o2 = {0};
    w = run(text, &sc, &o2);
    nconn = (double)w->env.next_flow_id;
    CU_ASSERT_FATAL(nconn > 5);
    CU_ASSERT_DOUBLE_EQUAL(w->lbs[0]->usage.new_conns[0], 2 * nconn, 0);
    printf("\n    ALB connection-seconds %.4f per connection (60.02 expected)\n",
           w->lbs[0]->usage.active_area[0] / nconn);
    CU_ASSERT_DOUBLE_EQUAL(w->lbs[0]->usage.active_area[0], nconn * 60.02, 0.01 * nconn);
    finish(w, sc, &o2);
}

/* Was wrong: models/elb/lb.c gwlb_pass_done() drops a request without closing its flow, and flows
 * are only expired by their next packet (l4_forward), so a flow whose last packets were dropped
 * stays in the GWLB's table, and counted active in lb->usage, for ever.  After 350 s idle
 * (AWS.md §3) it should be gone. */
static void gwlb_forgets_flows_idle_past_the_timeout(void)
{
    const char *text =
        "duration: 1000s\n"
        "workloads:\n"
        "  - { name: w, entry: gw, arrivals: 'steps(0s: 1/s, 100s: 0/s)', demand: const(10ms),\n"
        "      timeout: 1s, connection: { requests: 3, think: const(1s) } }\n"
        "load_balancers:\n"
        "  - { name: gw, type: gwlb, zones: [a], latency: none, next: web,\n"
        "      listeners: [ { forward: fw } ] }\n"
        "  - { name: web, zones: [a], latency: none, listeners: [ { forward: app } ] }\n"
        "target_groups:\n"
        "  - { name: fw, targets: [ { kind: ec2, vcpus: 1, count: 2 } ] }\n"
        "  - { name: app, targets: [ { kind: ec2, vcpus: 1, count: 1 } ] }\n"
        "faults: [ { at: 0s, zone: a, kind: outage } ]\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    struct lb *gw = w->lbs[0];
    /* Flows were opened (to the crashed appliances, before checks marked them) and all
     * their packets dropped; the last was sent by about 110 s, so by 1000 s every flow has
     * been idle far longer than 350 s. */
    CU_ASSERT_FATAL(gw->flows_opened > 0 && gw->dropped > 0);
    CU_ASSERT_EQUAL(gw->flows[0].n, 0);
    CU_ASSERT_EQUAL(gw->usage.active, 0);
    finish(w, sc, &o);
}

/* Was wrong: models/elb/lb.c drop() (GWLB: no healthy appliance, or gwlb_pass_done with a failed
 * one) forgets the request: it is never handed back, so workload.c finish() never runs for
 * it.  world.h promises on_request "once per finished request (answered, or dropped after
 * the client gave up)", and the client's on_timeout() counts on finish() to free it; as it
 * is, every dropped request stays live in w->env.requests until world_free (a leak per drop
 * over a run, and "definitely lost" under `make valgrind`, POOL_DEBUG=1). */
static void gwlb_dropped_requests_are_reported_and_released(void)
{
    const char *text =
        "duration: 200s\n"
        "workloads:\n"
        "  - { name: w, entry: gw, arrivals: 'steps(0s: 1/s, 50s: 0/s)', demand: const(10ms),\n"
        "      timeout: 1s }\n"
        "load_balancers:\n"
        "  - { name: gw, type: gwlb, zones: [a], latency: none, next: web,\n"
        "      listeners: [ { forward: fw } ] }\n"
        "  - { name: web, zones: [a], latency: none, listeners: [ { forward: app } ] }\n"
        "target_groups:\n"
        "  - { name: fw, targets: [ { kind: ec2, vcpus: 1, count: 2 } ] }\n"
        "  - { name: app, targets: [ { kind: ec2, vcpus: 1, count: 1 } ] }\n"
        "faults: [ { at: 0s, zone: a, kind: outage } ]\n";
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(text, &sc, &o);
    const struct workload *wl = w->workloads[0];
    /* Every request was dropped and timed out long before the end. */
    CU_ASSERT_FATAL(w->lbs[0]->dropped > 10);
    CU_ASSERT_EQUAL(w->lbs[0]->dropped, wl->attempts);
    CU_ASSERT_EQUAL(wl->timeouts, wl->attempts);
    CU_ASSERT_EQUAL(o.n, wl->attempts);
    CU_ASSERT_EQUAL(w->env.requests.live, 0);
    finish(w, sc, &o);
}

/* ---- GWLB symmetry, counted from what each appliance processed ---- */

/* Four appliances in front of an ALB, long connections (as gw_run).  `faults` adds to it. */
static struct world *gw_sym_run(const char *faults, struct scenario **sc, struct obs *o)
{
    char text[1536];
    snprintf(text, sizeof text,
             "duration: 120s\n"
             "workloads:\n"
             "  - { name: w, entry: gw, arrivals: 'poisson(rate=2/s)', demand: const(10ms),\n"
             "      timeout: 2s, connection: { requests: 200, think: const(1s) } }\n"
             "load_balancers:\n"
             "  - { name: gw, type: gwlb, zones: [a], latency: none, next: web,\n"
             "      listeners: [ { forward: fw } ] }\n"
             "  - { name: web, zones: [a], latency: none, listeners: [ { forward: app } ] }\n"
             "target_groups:\n"
             "  - { name: fw, target_failover: rebalance,\n"
             "      targets: [ { kind: ec2, vcpus: 2, count: 4 } ] }\n"
             "  - { name: app, targets: [ { kind: ec2, vcpus: 2, count: 2 } ] }\n"
             "%s",
             faults);
    return run(text, sc, o);
}

/* Per appliance fw/0..fw/3: forward and return passes it processed. */
static void gw_passes(const struct world *w, uint64_t fwd[4], uint64_t ret[4])
{
    static const char *const names[4] = {"fw/0", "fw/1", "fw/2", "fw/3"};
    for (int i = 0; i < 4; i++) {
        const struct target *t = w->targets.t[target_id(w, names[i])];
        fwd[i] = t->passes[RQ_PASS_FORWARD];
        ret[i] = t->passes[RQ_PASS_RETURN];
    }
}

/* Without faults every response passes back through the appliance its request passed: each
 * appliance's returns are its forwards less the requests still out, and nothing is
 * asymmetric.  (Sending returns through another appliance breaks both.) */
static void gwlb_returns_pass_the_forward_appliance(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = gw_sym_run("", &sc, &o);
    const struct lb *gw = w->lbs[scenario_lb_index(sc, "gw")];
    uint64_t fwd[4], ret[4], sf = 0, sr = 0;
    gw_passes(w, fwd, ret);
    CU_ASSERT_EQUAL(gw->asymmetric, 0);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT(fwd[i] > 1000);
        CU_ASSERT(ret[i] <= fwd[i]);
        CU_ASSERT(fwd[i] - ret[i] <= (uint64_t)gw->in_flight);
        sf += fwd[i];
        sr += ret[i];
    }
    CU_ASSERT_EQUAL(sr, gw->responses);
    CU_ASSERT_EQUAL(sf - sr, (uint64_t)gw->in_flight);
    finish(w, sc, &o);
}

/* A deliberately asymmetric path the model allows: app/0 hangs from 30 s to 70 s, so the
 * requests it holds outlive their clients (timeout 2 s), whose connections go on; fw/1
 * crashes at 40 s, and once marked unhealthy its flows are rebalanced at their next
 * request.  When the hang ends, the held requests' 502s pass back through the flow's new
 * appliance: asymmetric.  Counted from the appliances, each one that returned more than it
 * forwarded took at least that many foreign returns. */
static void gwlb_rebalanced_in_flight_returns_are_asymmetric(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = gw_sym_run("faults: [ { at: 40s, target: fw/1, kind: crash },\n"
                                 "          { at: 30s, target: app/0, kind: hang, duration: 40s } ]\n",
                                 &sc, &o);
    const struct lb *gw = w->lbs[scenario_lb_index(sc, "gw")];
    uint64_t fwd[4], ret[4], foreign = 0;
    gw_passes(w, fwd, ret);
    CU_ASSERT(gw->rebalanced > 0);
    CU_ASSERT(gw->asymmetric > 0);
    for (int i = 0; i < 4; i++)
        foreign += ret[i] > fwd[i] ? ret[i] - fwd[i] : 0;
    CU_ASSERT(foreign <= gw->asymmetric);
    /* The crashed appliance forwarded requests whose answers it never carried back. */
    CU_ASSERT(ret[1] < fwd[1]);
    printf("\n    %llu responses returned through another appliance, %llu flows rebalanced",
           (unsigned long long)gw->asymmetric, (unsigned long long)gw->rebalanced);
    finish(w, sc, &o);
}

/* AWS.md §1 "HTTP errors": an ALB answers 504 when its target does not answer within the
 * idle timeout.  200,000 requests in one second at a target that serves 1,000 a second:
 * the ring of requests waiting for their timeout spans nearly all of them (262,144 slots,
 * 4 MiB, so past the huge-page size), grows while its oldest entries are being answered
 * and cut, and still every request gets 200 within the timeout or 504 exactly at it. */
static void alb_idle_timeout_504s_when_many_wait(void)
{
    struct scenario *sc;
    struct obs o = {0};
    struct world *w = run(
        "duration: 3s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'steps(0s: 200000/s, 1s: 0/s)', "
        "demand: const(1ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, idle_timeout: 1s,\n"
        "      listeners: [ { forward: tg } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 1 } ] }\n",
        &sc, &o);
    const struct lb *lb = w->lbs[0];
    uint64_t sent = w->workloads[0]->requests, ok = 0, n504 = 0, late = 0, off = 0;
    CU_ASSERT_FATAL(sent > 190000);
    CU_ASSERT(lb->gw_mask + 1 >= 262144);
    CU_ASSERT_EQUAL(o.n, sent); /* the last is sent near 1 s and answered 504 near 2 s */
    for (size_t i = 0; i < o.n; i++) {
        double lat = o.r[i].done_s - o.r[i].sent_s;
        if (o.r[i].status == RQ_OK) {
            ok++;
            late += lat > 1 + 1e-9;
        } else if (o.r[i].status == RQ_GATEWAY_TIMEOUT) {
            n504++;
            off += fabs(lat - 1) > 1e-9;
        }
    }
    CU_ASSERT_EQUAL(ok + n504, o.n);
    CU_ASSERT_EQUAL(n504, lb->gateway_timeouts);
    CU_ASSERT_EQUAL(late, 0);
    CU_ASSERT_EQUAL(off, 0);
    /* Request k (from 0) is sent near k / 200,000 s and done at (k + 1) ms: within 1 s
     * for k up to about 1,004; the ones cut by 504 stay queued ahead of the rest. */
    CU_ASSERT(ok >= 995 && ok <= 1015);
    printf("\n    %llu requests: %llu answered 200, %llu 504 at the idle timeout; ring of %u",
           (unsigned long long)sent, (unsigned long long)ok, (unsigned long long)n504,
           lb->gw_mask + 1);
    finish(w, sc, &o);
}

static CU_TestInfo lb_tests[] = {
    {"nlb_keeps_a_connection_on_one_target", nlb_keeps_a_connection_on_one_target},
    {"alb_idle_timeout_504s_when_many_wait", alb_idle_timeout_504s_when_many_wait},
    {"alb_spreads_the_same_connections", alb_spreads_the_same_connections},
    {"nlb_idle_timeout_resets_the_next_request", nlb_idle_timeout_resets_the_next_request},
    {"udp_idle_timeout_starts_a_new_flow", udp_idle_timeout_starts_a_new_flow},
    {"unhealthy_target_flows_are_reset", unhealthy_target_flows_are_reset},
    {"without_connection_termination_flows_stay", without_connection_termination_flows_stay},
    {"clb_http_routes_each_request_by_least_outstanding",
     clb_http_routes_each_request_by_least_outstanding},
    {"clb_tcp_routes_each_connection_round_robin", clb_tcp_routes_each_connection_round_robin},
    {"nlb_to_alb_chain_reaches_targets_through_both",
     nlb_to_alb_chain_reaches_targets_through_both},
    {"lb_cookie_keeps_a_user_on_one_target_until_it_fails",
     lb_cookie_keeps_a_user_on_one_target_until_it_fails},
    {"alb_deregistration_ends_when_nothing_is_in_flight",
     alb_deregistration_ends_when_nothing_is_in_flight},
    {"nlb_deregistration_keeps_flows_for_the_delay", nlb_deregistration_keeps_flows_for_the_delay},
    {"nlb_cross_zone_off_gives_the_aws_example_shares",
     nlb_cross_zone_off_gives_the_aws_example_shares},
    {"alb_lcus_follow_the_new_connection_rate", alb_lcus_follow_the_new_connection_rate},
    {"nlb_nlcus_follow_the_new_flow_rate", nlb_nlcus_follow_the_new_flow_rate},
    {"alb_processed_bytes_are_an_lcu_dimension", alb_processed_bytes_are_an_lcu_dimension},
    {"inter_zone_bytes_cost_what_aws_charges", inter_zone_bytes_cost_what_aws_charges},
    {"capacity_units_follow_the_type_and_protocol",
     capacity_units_follow_the_type_and_protocol},
    {"gwlb_rebalance_moves_flows_off_a_failed_appliance",
     gwlb_rebalance_moves_flows_off_a_failed_appliance},
    {"gwlb_no_rebalance_keeps_flows_on_a_failed_appliance",
     gwlb_no_rebalance_keeps_flows_on_a_failed_appliance},
    {"slow_start_share_rises_linearly_over_the_window",
     slow_start_share_rises_linearly_over_the_window},
    {"alb_requests_running_when_the_delay_ends_get_502",
     alb_requests_running_when_the_delay_ends_get_502},
    {"nlb_zone_without_healthy_targets_leaves_dns", nlb_zone_without_healthy_targets_leaves_dns},
    {"idle_connections_stop_counting_as_active_at_the_timeout",
     idle_connections_stop_counting_as_active_at_the_timeout},
    {"gwlb_forgets_flows_idle_past_the_timeout", gwlb_forgets_flows_idle_past_the_timeout},
    {"gwlb_dropped_requests_are_reported_and_released",
     gwlb_dropped_requests_are_reported_and_released},
    {"gwlb_returns_pass_the_forward_appliance", gwlb_returns_pass_the_forward_appliance},
    {"gwlb_rebalanced_in_flight_returns_are_asymmetric",
     gwlb_rebalanced_in_flight_returns_are_asymmetric},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_lb_suites[] = {
    {"lb_family", NULL, NULL, NULL, NULL, lb_tests},
    CU_SUITE_INFO_NULL,
};
