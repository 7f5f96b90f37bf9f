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
 * A check passes at once if the target answers (target_is_answering) and fails `timeout`
 * later otherwise.  States: initial → healthy after one pass (targets registered before
 * the run starts are healthy from t = 0); healthy → unhealthy after `unhealthy`
 * consecutive failures; unhealthy → healthy after `healthy` consecutive passes.  Only
 * healthy targets are eligible, except that with none healthy every registered target in
 * service is (fail-open, ALB).  Transitions are `health` rows in events.csv.  Slow start
 * and deregistration delay are not modelled yet.
 */
#ifndef ELBSIM_MODELS_TARGET_GROUP_H
#define ELBSIM_MODELS_TARGET_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/node.h"
#include "models/routing.h"

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
    struct target *t;     /* borrowed from the world */
    bool registered;      /* false once deregistered (tombstone) */
    enum tg_health health;
    int passes, fails;    /* consecutive check results since the last transition */
    sim_handle check_ev;  /* the next check (or its failing result) */
};

struct tg_view {
    int zone;            /* the LB node's zone */
    bool cross_zone;     /* may use every zone's targets */
    uint32_t *eligible;  /* member indices */
    uint32_t n, cap;
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
    bool started;                /* tg_health_start has run: new targets start initial */
    bool fail_open;              /* no healthy member: every in-service member is eligible */
};

/* algo_text: the algorithm as the scenario writes it (`power_of_d(d=3)`), already
 * checked by route_parse; NULL for the defaults of `algo`.  rng: taken over (freed by
 * fini).  name and algo_text borrowed. */
void tg_init(struct target_group *g, struct world *w, uint32_t id, const char *name,
             const struct route_ops *algo, const char *algo_text, gsl_rng *rng);
void tg_fini(struct target_group *g);

/* Turn health checks on (before tg_health_start).  rng: taken over (freed by fini). */
void tg_health_init(struct target_group *g, const struct tg_health_check *hc, gsl_rng *rng);

/* Schedule the first check of every member (at t = 0, when the world starts). */
void tg_health_start(struct target_group *g);

/* Register a target (appends a member).  Views are rebuilt.  Before tg_health_start the
 * target is healthy at once; after it, initial until its first passing check. */
void tg_target_register(struct target_group *g, struct target *t);

/* Attach an LB node's view; returns its index (for rq->route_view). */
uint32_t tg_view_attach(struct target_group *g, int zone, bool cross_zone);

/* Recompute every view's eligible set (after registration, health or state changes). */
void tg_views_rebuild(struct target_group *g);

/* Registered targets in a zone (any state), for tests and messages. */
uint32_t tg_count_in_zone(const struct target_group *g, int zone);

#endif
