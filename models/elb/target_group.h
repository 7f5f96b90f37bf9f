/*
 * target_group — a set of targets and the routing that spreads requests over them.
 *
 * Members keep a stable index for the group's life (a deregistered member stays as a
 * tombstone), so routing state can be kept in plain arrays.  Each LB node that forwards to
 * the group attaches a *view*: the eligible members it may use (its own zone's when
 * cross-zone is off, every zone's when on) and its own routing instance, since every LB
 * node balances on its own (AWS.md facts 6, 7).  With cross-zone off the AWS example holds:
 * two zones, 2 and 8 targets → 25 % vs 6.25 % of traffic each.
 *
 * As a node, the group accepts a request whose rq->route_view names the attached view,
 * picks a target and forwards; with no eligible target it answers 503 (ALB: "no registered
 * targets"; an empty zone with cross-zone off).
 *
 * Health checks (AWS.md §1 "Target group health checks", facts 8 and 9): every LB node
 * checks every target; elbsim runs one check stream per target, whose result stands for
 * all nodes.  Each target's checks come every `interval` from a phase in [0, interval)
 * drawn from the stream "target_group.<name>.health" (so the routing stream is untouched).
 * A check passes at once if the target answers, fails at once if its connection is refused
 * (a crashed process), and fails `timeout` later if nobody answers (host down, hung;
 * target_check).  States: initial → healthy after one pass (targets registered before
 * the run starts are healthy from t = 0); healthy → unhealthy after `unhealthy`
 * consecutive failures; unhealthy → healthy after `healthy` consecutive passes.  Only
 * healthy targets are eligible, except that with none healthy every registered target in
 * service is (fail-open, ALB and NLB; a GWLB group has no fail-open).  Transitions are
 * `health` rows in events.csv.
 *
 * Slow start (ALB, AWS.md §1): a target that turns healthy while another healthy target is
 * not in slow start ramps up over the window: the group sends it a share f/n of the
 * requests, f rising linearly from 0 to 1 (n: the view's eligible targets, itself
 * included), drawing from the group's stream; the algorithm routes the rest.  At the end of
 * the window it joins the algorithm's set.  AWS documents "linear" only; this is elbsim's
 * reading of it.
 *
 * Sticky sessions (lb_cookie): a client (a connection or closed-loop user) keeps the target
 * of its first request for the cookie's duration, pushed forward on every request; a
 * cookie naming a target that can no longer take work is rewritten (AWS.md §1).
 *
 * Deregistration: the member drains (no new requests or flows) for the deregistration
 * delay, then is unused; an ALB group ends the delay early when nothing is in flight.
 */
#ifndef ELBSIM_MODELS_TARGET_GROUP_H
#define ELBSIM_MODELS_TARGET_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/core/node.h"
#include "models/elb/flow_table.h"
#include "models/elb/routing.h"

#include "sim/event.h"

struct target;

/* Healthy is the zero value: members made without health checks are healthy. */
enum tg_health { TG_HEALTH_HEALTHY, TG_HEALTH_INITIAL, TG_HEALTH_UNHEALTHY };

/* Health-check settings, already validated (AWS ranges). */
struct tg_health_check {
    double interval_s;   /* s between checks of one target, 5-300 */
    double timeout_s;    /* s a failing check takes, 2-120, < interval */
    int healthy;         /* consecutive passes: unhealthy → healthy, 2-10 */
    int unhealthy;       /* consecutive failures: healthy → unhealthy, 2-10 */
};

struct tg_member {
    /* What every request reads or writes first, together (with 10^5 members each is cold
     * when a request comes): the first 32 bytes, within one cache line (the array is
     * line-aligned, xrealloc_huge, and sizeof a multiple of 32). */
    struct node *node;    /* where requests go: the target's node, or the chained LB's */
    struct target *t;     /* borrowed from the world; NULL for a load-balancer member */
    int64_t in_flight;    /* requests (L7) or flows (L4) on it now, from every view */
    bool registered;      /* false once deregistered and drained (unused; a tombstone) */
    bool draining;        /* deregistered, within the deregistration delay: no new work */
    bool slow;            /* in slow start */
    enum tg_health health;
    /* A proxy member (t NULL, check set: an EKS node's NodePort, whose kube-proxy passes
     * requests on): its zone and what a health check of it finds. */
    int zone;             /* the proxy's zone; -1 (a chained LB): every zone */
    int passes, fails;    /* consecutive check results since the last transition */
    uint64_t check_ev;    /* the next check (or its failing result): an event's handle, or
                           * with check_lane > 0 a timer's in hc_lanes[check_lane - 1] */
    int check_lane;
    double slow_from_s;   /* slow start: when the ramp began; the ramp ends slow_start later */
    sim_handle drain_ev;  /* the end of the deregistration delay */
    enum target_check (*check)(const struct node *n);
    uint32_t tid;         /* t->id (a target member): a walk over the members reads no target */
};
_Static_assert(sizeof(struct tg_member) % 32 == 0 && offsetof(struct tg_member, health) < 32,
               "a member's hot part (node to health) lies within one cache line");

struct tg_view {
    int zone;            /* the LB node's zone */
    bool cross_zone;     /* may use every zone's targets */
    uint32_t *eligible;  /* member indices the algorithm chooses from */
    uint32_t n, cap;
    uint32_t *slow;      /* eligible members in slow start, routed by the group (ramp) */
    uint32_t nslow;
    void *priv;          /* routing instance state (ops->priv_size bytes) */
};

struct target_group {
    struct node node;            /* first: target groups are nodes */
    uint32_t id;
    const struct route_ops *algo;
    const char *algo_text;       /* as written, with parameters (borrowed); NULL = defaults */
    gsl_rng *rng;                /* the group's routing stream ("target_group.<name>") */
    struct tg_member *members;
    uint32_t nmembers, cap;
    struct tg_view *views;
    uint32_t nviews;
    uint64_t requests;           /* requests routed to a target */
    uint64_t no_target;          /* requests answered 503 for want of a target */
    struct tg_health_check hc;
    gsl_rng *hc_rng;             /* "target_group.<name>.health"; NULL = no health checks */
    /* The checks after the first, each a constant delay after the one before, so in time
     * order per delay: timer lanes (sim/event.h), which keep them out of the event heap
     * and fire each at the (time, sequence) place an event would.  By delay: interval
     * (after an answered check), timeout (a failing result due), interval - timeout (the
     * check after a failing result). */
    struct sim_lane hc_lanes[3];
    bool started;                /* tg_health_start has run: new targets start initial */
    bool fail_open;              /* no healthy member: every in-service member is eligible */
    bool no_fail_open;           /* GWLB: with no healthy member, nothing is eligible */
    double slow_start_s;         /* ALB slow start window; 0 = off */
    double sticky_s;             /* lb_cookie duration; 0 = no cookie stickiness */
    struct flow_table cookies;   /* client flow id → member, expiry (sticky sessions) */
    double dereg_delay_s;        /* deregistration delay */
    bool drain_early;            /* ALB: deregistration ends when nothing is in flight */
    uint64_t sticky_hits;        /* requests routed by their cookie */
    uint64_t target_5xx;         /* responses with a 5xx status from a member */
    /* Optional: every response's time from the group to its member and back, s
     * (TargetResponseTime for scaling policies). */
    void (*on_response)(void *ctx, double latency_s);
    void *on_response_ctx;
};

/* algo_text: the algorithm as the scenario writes it (`power_of_d(d=3)`), already
 * checked by route_parse; NULL for the defaults of `algo`.  rng: taken over (freed by
 * fini).  name and algo_text borrowed. */
void tg_init(struct target_group *g, struct env *env, uint32_t id, const char *name,
             const struct route_ops *algo, const char *algo_text, gsl_rng *rng);
void tg_fini(struct target_group *g);

/* Turn health checks on (before tg_health_start).  rng: taken over (freed by fini). */
void tg_health_init(struct target_group *g, const struct tg_health_check *hc, gsl_rng *rng);

/* Schedule the first check of every member (at t = 0, when the world starts). */
void tg_health_start(struct target_group *g);

/* Register a target (appends a member).  Views are rebuilt.  Before tg_health_start the
 * target is healthy at once; after it, initial until its first passing check. */
void tg_target_register(struct target_group *g, struct target *t);

/* Register a proxy node in zone as a member: health-checked through check (like a
 * target: initial until it passes once the group's checks have started), eligible from
 * its zone's LB nodes (or every zone with cross-zone).  Deregistered with tg_deregister. */
void tg_proxy_register(struct target_group *g, struct node *n, int zone,
                       enum target_check (*check)(const struct node *n));

/* Register a load balancer as a member (chaining).  It is always healthy (elbsim does not
 * health-check a chained LB) and eligible from every zone. */
void tg_lb_register(struct target_group *g, struct node *lb);

/* Deregister member m: it drains for the deregistration delay (new work stops at once),
 * then becomes unused.  An ALB group ends the delay as soon as nothing is in flight. */
void tg_deregister(struct target_group *g, uint32_t m);

/* Could member m take new work now (registered, not draining, in service, healthy or
 * fail-open)?  Zone eligibility aside. */
bool tg_member_usable(const struct target_group *g, uint32_t m);

/* L4 load balancers route flows through the group's algorithm without sending through the
 * group: tg_flow_open picks the member for a new flow on `view` (UINT32_MAX when none is
 * eligible) and counts the flow on it; tg_flow_close ends it (status: how it ended). */
uint32_t tg_flow_open(struct target_group *g, uint32_t view, const struct request *rq);
void tg_flow_close(struct target_group *g, uint32_t view, uint32_t m, int status);

/* The group's word in its hop of a request (rq_hop.arg): bit 63 set once a member took the
 * request (clear: the group answered it itself, 503), bits 32-62 the view, bits 0-31 the
 * member.  An LB that sent the request reads it too (inter-zone accounting). */
#define TG_HOP_TAKEN ((uint64_t)1 << 63)

static inline uint64_t tg_hop_word(uint32_t view, uint32_t m)
{
    return TG_HOP_TAKEN | (uint64_t)view << 32 | m;
}

/* Did a member take the request whose group hop word is arg?  Then *view and *m say
 * which (either may be NULL). */
static inline bool tg_hop_taken(uint64_t arg, uint32_t *view, uint32_t *m)
{
    if (view)
        *view = (uint32_t)(arg >> 32) & 0x7fffffffu;
    if (m)
        *m = (uint32_t)arg;
    return (arg & TG_HOP_TAKEN) != 0;
}

/* Attach an LB node's view; returns its index (for rq->route_view). */
uint32_t tg_view_attach(struct target_group *g, int zone, bool cross_zone);

/* Recompute every view's eligible set (after registration, health or state changes). */
void tg_views_rebuild(struct target_group *g);

/* Registered targets in a zone (any state), for tests and messages. */
uint32_t tg_count_in_zone(const struct target_group *g, int zone);

#endif
