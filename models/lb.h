/*
 * lb — a load balancer: one node per enabled zone, listener rules, and forwarding.
 *
 * Clients reach LB nodes through DNS, which spreads them over the zones' nodes: elbsim
 * sends each flow (connection) to node flow_hash mod nodes, which spreads flows evenly,
 * and keeps all requests of a flow on that node (AWS.md facts 6, 7).  Each node adds the
 * LB's processing latency (a distribution: `realistic`, `classroom`, `none` or any text,
 * see README), evaluates the rules in order (first match wins; path and host globs),
 * picks a target group by weight when a rule forwards to several, and hands the request
 * to that group's view for this node.  The latency and the weighted pick use the
 * uniforms the request carries (drawn with its demand), so the LB needs no stream.  A request no rule matches gets 404.
 *
 * Only the ALB is modelled today: it routes every request on its own (L7).  NLB, GWLB and
 * CLB arrive with the load-balancer issue.
 */
#ifndef ELBSIM_MODELS_LB_H
#define ELBSIM_MODELS_LB_H

#include <stdint.h>

#include "models/node.h"

struct sim_dist;
struct target_group;
struct sc_lb;

struct lb_forward {
    struct target_group *tg;
    double cum_weight;     /* cumulative share in (0, 1]; the last is 1 */
    uint32_t *views;       /* [node] the group's view index for each LB node */
};

struct lb_rule {
    const char *path;      /* glob or NULL (borrowed from the scenario) */
    const char *host;      /* glob or NULL, matched without case */
    struct lb_forward *fw;
    int nfw;
};

struct lb {
    struct node node;              /* first: load balancers are nodes */
    uint32_t id;
    const struct sc_lb *cfg;       /* borrowed */
    int nnodes;                    /* one per zone */
    const int *node_zone;          /* [node] zone index (borrowed from cfg) */
    const struct sim_dist *latency; /* NULL = none (borrowed) */
    struct lb_rule *rules;
    int nrules;
    uint64_t requests;             /* accepted */
    uint64_t responses;            /* answered (any status) */
    uint64_t errors;               /* answered with status >= 400 */
    uint64_t *node_requests;       /* [node] accepted per node */
    int64_t in_flight;
};

/* Build from configuration; tgs is the world's target-group array indexed like the
 * scenario's.  Attaches this LB's views to the groups it forwards to. */
struct lb *lb_new(struct world *w, uint32_t id, const struct sc_lb *cfg,
                  struct target_group **tgs);
void lb_free(struct lb *lb);

#endif
