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
 * appliance the table names — the same one unless the flow was moved (rebalance).  Each
 * appliance records the passes it processed in both directions (target.passes), and tells
 * the GWLB it was the one (rq->pass_by); a response whose return pass another appliance
 * carried than its request's forward pass (rq->pass_fwd) is counted as asymmetric.  With no healthy appliance, or an appliance that fails, traffic
 * is dropped (never answered: the client times out); there is no fail-open.
 *
 * Cost (AWS.md §1, §2; docs/load-balancers.md "Cost"): the hourly price plus capacity
 * units, LCUs (ALB), NLCUs (NLB) or GLCUs (GWLB): per hour of simulated time, the highest
 * of its dimensions, each over its per-unit allowance (lb_lcu_rates): new connections
 * (flows) per second, active connections (time-averaged), processed bytes per hour (each
 * request's and each target-made response's payload bytes through this LB) and, for the
 * ALB, rule evaluations per second past the first 10 rules.  The CLB bills its hourly
 * price plus each GB processed.  Lambda targets are not modelled.
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
struct request;

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
    double *bytes;                 /* [hour] processed bytes, both directions */
    int nhours;
    int64_t active;                /* connections open now */
    double since_s;                /* active_area is up to date to here */
};

/* A request an L7 LB sent on, and when its idle timeout runs out. */
struct lb_gw_entry {
    struct request *rq;            /* NULL once answered */
    double deadline;               /* s */
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
    struct lb_gw_entry *gw_ring;   /* [counter & gw_mask]; only [head, tail) is read */
    uint32_t gw_mask, gw_head, gw_tail; /* head/tail: free-running counters */
    sim_handle gw_ev;              /* armed at the oldest deadline */
    uint64_t gateway_timeouts;     /* 504s: a target did not answer within the idle timeout */
    uint64_t connect_timeouts;     /* ALB, CLB: a target's host did not accept the connection
                                    * within the connect timeout (504, CLB TCP: reset) */
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
    uint64_t dropped;              /* L4: requests nobody answers: GWLB no healthy or a failed
                                    * appliance; NLB a target whose host is down */
    uint64_t asymmetric;           /* GWLB: responses that passed another appliance */
    uint64_t rebalanced;           /* L4: flows moved off a failed target (GWLB rebalance) */
    double inter_zone_bytes;       /* bytes between an LB node and a target in another zone,
                                    * over the whole run (count_inter_zone in lb.c) */
};

/* For access logs, of an LB at hop `hop` of rq: the node that took it, and the position
 * + 1 in lb->rules of the rule that matched (0: none matched, or an L4 LB). */
uint32_t lb_hop_node(const struct request *rq, int hop);
int lb_hop_rule(const struct lb *lb, const struct request *rq, int hop);

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

/* The dimensions of a capacity unit, in the order of lb_lcu_dim_names. */
enum lb_lcu_dim {
    LB_LCU_NEW_CONNECTIONS,    /* per second */
    LB_LCU_ACTIVE_CONNECTIONS, /* concurrent, averaged over the hour */
    LB_LCU_PROCESSED_BYTES,    /* GB per hour */
    LB_LCU_RULE_EVALUATIONS,   /* per second, past the first 10 rules (ALB) */
    LB_LCU_NDIMS
};

/* "new_connections", "active_connections", "processed_bytes", "rule_evaluations": the
 * suffixes of the lcu_<dim> series and summary rows. */
extern const char *const lb_lcu_dim_names[LB_LCU_NDIMS];

/* One capacity unit's allowance in each dimension, and the prices (us-east-1, USD).  A
 * dimension an LB type does not bill has allowance 0. */
struct lb_lcu_rates {
    double per_unit[LB_LCU_NDIMS]; /* what one unit allows: /s, connections, GB/h, /s */
    double unit_usd_h;             /* per unit-hour; 0: the type has no capacity units */
    double hourly_usd;             /* per LB-hour */
    double usd_per_gb;             /* per GB processed (CLB) */
};

/* The rates of lb's type (and, for an NLB, its listener protocol). */
const struct lb_lcu_rates *lb_lcu_rates(const struct lb *lb);

/* Capacity units of the hour that the instant `now` closes (the hour containing
 * now - 0: at 3600 s it is the first hour, complete), over the part of it run so far;
 * each dimension into dims (NULL: not wanted).  Returns the billed value, their maximum.
 * At an hour's end this is what AWS bills for that hour. */
double lb_lcu_hour_so_far(struct lb *lb, double now, double dims[LB_LCU_NDIMS]);

/* Dollars for the run up to now: hourly price plus capacity units (CLB: per GB). */
double lb_cost_usd(struct lb *lb, double now);

/* Of that, what the capacity units (CLB: processed GB) cost. */
double lb_lcu_cost_usd(struct lb *lb, double now);

/* Peak capacity units of any hour so far, for the summary; dims (may be NULL) gets each
 * dimension's own peak over the hours. */
double lb_peak_lcu(struct lb *lb, double now, double dims[LB_LCU_NDIMS]);

/* Capacity-unit hours billed up to now (the sum over hours of units × hours run). */
double lb_lcu_hours(struct lb *lb, double now);

/* Bytes processed up to now, both directions. */
double lb_processed_bytes(const struct lb *lb);

/* What the inter-zone bytes so far cost at the LB's inter_zone_price. */
double lb_inter_zone_cost_usd(const struct lb *lb);

#endif
