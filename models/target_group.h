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
 * targets"; an empty zone with cross-zone off).  Health checks, slow start and
 * deregistration delay come with the load-balancer issue; today every registered target in
 * service is eligible.
 */
#ifndef ELBSIM_MODELS_TARGET_GROUP_H
#define ELBSIM_MODELS_TARGET_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/node.h"
#include "models/routing.h"

struct target;

struct tg_member {
    struct target *t; /* borrowed from the world */
    bool registered;  /* false once deregistered (tombstone) */
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
};

/* algo_text: the algorithm as the scenario writes it (`power_of_d(d=3)`), already
 * checked by route_parse; NULL for the defaults of `algo`.  rng: taken over (freed by
 * fini).  name and algo_text borrowed. */
void tg_init(struct target_group *g, struct world *w, uint32_t id, const char *name,
             const struct route_ops *algo, const char *algo_text, gsl_rng *rng);
void tg_fini(struct target_group *g);

/* Register a target (appends a member).  Views are rebuilt. */
void tg_target_register(struct target_group *g, struct target *t);

/* Attach an LB node's view; returns its index (for rq->route_view). */
uint32_t tg_view_attach(struct target_group *g, int zone, bool cross_zone);

/* Recompute every view's eligible set (after registration, health or state changes). */
void tg_views_rebuild(struct target_group *g);

/* Registered targets in a zone (any state), for tests and messages. */
uint32_t tg_count_in_zone(const struct target_group *g, int zone);

#endif
