/*
 * lb — a load balancer: ALB, NLB, GWLB or CLB; one node per enabled zone.
 *
 * Clients reach LB nodes through DNS, which spreads them over the zones' nodes: elbsim
 * sends each flow (connection) to node flow_hash mod nodes, which spreads flows evenly,
 * and keeps all requests of a flow on that node (AWS.md facts 6, 7).  Each node adds the
 * LB's processing latency (a distribution: `realistic`, `classroom`, `none` or any text,
 * see docs/load-balancers.md) as the quantile of the request's own uniform, so the LB
 * needs no stream.
 *
 * L7 listeners (ALB; CLB with HTTP/HTTPS) route every request on its own: rules in order
 * (first match wins; path and host globs; 404 when none matches), a weighted pick of the
 * target group with the request's u_route, then the group's view for this node picks the
 * target (the group is a hop).
 *
 * L4 listeners (NLB; CLB with TCP/SSL; GWLB) route each flow once (AWS.md fact 15): each
 * node keeps a flow table (models/elb/flow_table.h); the first request of a flow picks a
 * target through the group's algorithm (tg_flow_open), later ones go straight to it.  A
 * flow ends when the response of its last request passes back, or when it has been idle
 * for the idle timeout: on TCP the next request then gets a reset (RQ_RESET), on UDP it
 * starts a new flow.  A flow whose target turned unhealthy is reset (NLB
 * connection_termination, default on) or kept; a draining target keeps its flows.
 *
 * GWLB: a transparent gateway.  The flow's appliance (picked with 5-, 3- or 2-tuple
 * stickiness) spends `appliance_demand` on the request, which then goes on to the GWLB's
 * `next` LB; on the way back the response looks its flow up again and passes the
 * appliance the table names — the same one unless the flow was moved (rebalance), which is
 * counted as asymmetric.  With no healthy appliance, or an appliance that fails, traffic
 * is dropped (never answered: the client times out); there is no fail-open.
 *
 * Cost (AWS.md §1, §2): the hourly price plus LCUs (ALB) or NLCUs (NLB): per hour of
 * simulated time, the highest of new connections/s, active connections and rule
 * evaluations/s over their per-unit allowance.  elbsim has no payload sizes, so the
 * processed-bytes dimension is left out.  GWLB and CLB bill the hourly price only.
 */
#ifndef ELBSIM_MODELS_LB_H
#define ELBSIM_MODELS_LB_H

#include <stdint.h>

#include "models/elb/flow_table.h"
#include "models/core/node.h"
#include "models/elb/lb_cfg.h"
#include "sim/event.h"

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

/* Per simulated hour, what LCUs are billed on. */
struct lb_usage {
    double *new_conns;             /* [hour] connections (flows) opened */
    double *active_area;           /* [hour] connection-seconds */
    double *rule_evals;            /* [hour] billable rule evaluations (past the first 10) */
    int nhours;
    int64_t active;                /* connections open now */
    double since_s;                /* active_area is up to date to here */
};

struct lb {
    struct node node;              /* first: load balancers are nodes */
    uint32_t id;
    const struct sc_lb *cfg;       /* borrowed */
    enum sc_lb_type type;
    bool l4;                       /* routes flows */
    struct flow_table *flows;      /* [node] L4: flow id -> target; L7: open connections */
    const struct sc_tg *l4_tg;     /* L4: the configuration of the group flows go to
                                    * (borrowed; NULL for L7) */
    struct node *next;             /* GWLB: where inspected traffic goes on to */
    const struct sim_dist *appliance_demand; /* GWLB (borrowed; NULL = none) */
    struct lb_usage usage;
    /* L7: requests sent to targets, in send order, for the idle timeout's 504 (the
     * deadlines are in the same order: one timer for the oldest). */
    struct request **gw_ring;      /* [counter & gw_mask]; NULL once answered */
    double *gw_deadline;
    uint32_t gw_mask, gw_head, gw_tail; /* head/tail: free-running counters */
    sim_handle gw_ev;              /* armed at the oldest deadline */
    uint64_t gateway_timeouts;     /* 504s */
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
    uint64_t flows_opened;         /* L4: flows opened */
    uint64_t resets;               /* L4: requests answered with a reset */
    uint64_t dropped;              /* GWLB: requests dropped (no healthy or a failed appliance) */
    uint64_t asymmetric;           /* GWLB: responses that passed another appliance */
    uint64_t rebalanced;           /* L4: flows moved off a failed target (GWLB rebalance) */
};

/* Build from configuration.  tgs[0..ntgs) are the run's target groups and tg_cfgs their
 * configurations (same order); forwards find their group by name.  Attaches this LB's
 * views to the groups it forwards to.  duration_s: the run's length (LCU hours).  Borrows
 * env, cfg, the groups and their configurations. */
struct lb *lb_new(struct env *env, uint32_t id, const struct sc_lb *cfg,
                  struct target_group **tgs, const struct sc_tg *tg_cfgs, int ntgs,
                  double duration_s);
void lb_free(struct lb *lb);

/* Start the idle sweep (when the world starts). */
void lb_start(struct lb *lb);

/* Resolve the GWLB's `next` among lbs[0..nlbs) by name (after every LB exists). */
void lb_link(struct lb *lb, struct lb **lbs, int nlbs);

/* Dollars for the run up to now: hourly price plus (N)LCUs. */
double lb_cost_usd(struct lb *lb, double now);

/* Peak LCUs (NLCUs) of any hour so far, for the summary. */
double lb_peak_lcu(struct lb *lb, double now);

#endif
