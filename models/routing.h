/*
 * routing — how a target group picks a target for a request: pluggable algorithms.
 *
 * Each algorithm is a const `struct route_ops` table in its own file (routing_rr.c,
 * routing_lor.c, ...) plus one row in route_table[] (routing.c).  An instance is created
 * per (load-balancer node, target group) pair, because every LB node balances on its own
 * (AWS.md fact 6): a least-outstanding-requests node counts only what it sent itself.
 *
 * The instance sees the group's members by stable index and the view's eligible subset
 * (healthy, in the node's zone unless cross-zone).  When the eligible set changes the
 * group calls rebuild(); per request it calls pick(), then sent() for the chosen member,
 * and done() when the response comes back (also for members no longer eligible).
 */
#ifndef ELBSIM_MODELS_ROUTING_H
#define ELBSIM_MODELS_ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

struct request;

/* The members one routing instance may choose from. */
struct route_view {
    const uint32_t *eligible; /* member indices, in registration order */
    uint32_t n;               /* entries in eligible */
    uint32_t nmembers;        /* members of the group (eligible or not) */
};

struct route_ops {
    const char *name;    /* as written in scenarios and listed by `elbsim list algorithms` */
    const char *summary; /* one line for `elbsim list` (say if it scans all targets) */
    bool aws;            /* offered by AWS (ALB target-group setting) */
    size_t priv_size;    /* per-instance state, zeroed before the first rebuild */
    /* The eligible set changed (also called once at creation).  May be NULL. */
    void (*rebuild)(void *priv, const struct route_view *v);
    /* Choose a member index from v->eligible (v->n > 0). */
    uint32_t (*pick)(void *priv, const struct route_view *v, const struct request *rq,
                     gsl_rng *rng);
    /* A request was sent to member m.  May be NULL. */
    void (*sent)(void *priv, uint32_t m);
    /* The response of a request sent to member m came back.  May be NULL. */
    void (*done)(void *priv, uint32_t m);
    /* Free what rebuild allocated.  May be NULL. */
    void (*fini)(void *priv);
};

/* The algorithm called name, or NULL. */
const struct route_ops *route_find(const char *name);

/* All algorithms, NULL-terminated, in the order `elbsim list algorithms` shows them. */
extern const struct route_ops *const route_table[];

/* Comma-separated names for error messages ("round_robin, least_outstanding_requests"). */
void route_names(char *buf, size_t n);

extern const struct route_ops route_rr_ops;
extern const struct route_ops route_lor_ops;
extern const struct route_ops route_random_ops;

#endif
