/*
 * request — one HTTP request (or one L4 message) from a client to a target and back.
 *
 * A request is created by its workload with its service demand already drawn (common
 * random numbers: the routing algorithm cannot change what is asked), passes through nodes
 * (node_send pushes each hop), is served by a target, and the response walks the hops back
 * (request_respond).  The client may give up first (timeout): the request is then marked
 * abandoned, keeps its place at the target (the server does not know), and its response is
 * dropped on arrival.  Requests come from the world's pool.
 *
 * Each request also carries its payload sizes (request_bytes, response_bytes), drawn at
 * creation from the workload's own size stream, so that setting sizes changes no arrival,
 * demand or routing draw.  They count bytes for load-balancer billing (LCUs, inter-zone
 * transfer); the time to transfer them is not modelled.
 */
#ifndef ELBSIM_MODELS_REQUEST_H
#define ELBSIM_MODELS_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/queue.h"

struct node;
struct workload;
struct target;
struct client;

#define REQUEST_MAX_HOPS 8

/* Status codes: HTTP where the model has one. */
enum {
    RQ_PENDING = 0,
    RQ_OK = 200,
    RQ_TARGET_ERROR = 500,  /* the target answered with a 5xx (injected fault) */
    RQ_BAD_GATEWAY = 502,   /* the target failed mid-request */
    RQ_NOT_FOUND = 404,     /* no listener rule matched */
    RQ_UNAVAILABLE = 503,   /* no target could take it (none healthy, or queue full) */
    RQ_GATEWAY_TIMEOUT = 504,
    RQ_RESET = 599,         /* not HTTP: the L4 load balancer reset the connection (idle
                             * timeout, or its target turned unhealthy or finished draining) */
    RQ_UNREACHABLE = 598,   /* not HTTP, never seen by a client: the target's host did not
                             * answer the connection (host_down).  The load balancer turns it
                             * into its own answer: an L7 one into 504 after its connect
                             * timeout, an L4 one into no answer at all */
};

/* Appliance passes (GWLB): the request visits an appliance target that spends its own
 * demand on it and hands it back to the node that sent it (pass_owner->ops->pass_done)
 * instead of answering. */
enum { RQ_PASS_NONE, RQ_PASS_FORWARD, RQ_PASS_RETURN };

/* One node the request passed, in order from the client. */
struct rq_hop {
    struct node *node;         /* the node */
    uint64_t arg;              /* one word the node may keep for its hop */
    double time;               /* s: when the node accepted the request */
};

/* Hops kept in the request itself: a load balancer, its target group and a target, the
 * common walk.  Deeper walks (chained LBs, a GWLB's appliance passes, kube-proxy's extra
 * hop) keep the rest in the request's request_ext. */
#define REQUEST_INLINE_HOPS 3

/* What only some requests need, in a second object from the env's pool (request_ext):
 * hops past REQUEST_INLINE_HOPS and an appliance pass's state (GWLB).  Keeping them out
 * of struct request keeps the common request small (bytes per request in flight). */
struct request_ext {
    struct rq_hop hop[REQUEST_MAX_HOPS - REQUEST_INLINE_HOPS];
    uint32_t pass_fwd[REQUEST_MAX_HOPS]; /* GWLB hops: the id of the appliance (target)
                                          * that carried the forward pass */
    struct node *pass_owner;   /* the node that started the pass */
    double pass_demand_s;      /* CPU seconds the appliance spends on this pass */
    struct target *pass_saved_target; /* the backend target, kept over the return pass */
    struct target *pass_by;    /* the appliance that ended the last pass (set by it) */
    double pass_arrive_s;      /* s: the pass reached its appliance */
    double first_sent_s;       /* a retry: when the request's first attempt was sent */
    uint64_t route_key;        /* with route_keyed: the key the LB routing it set */
    bool route_keyed;          /* route_key holds the key, not the flow hash */
};

struct request {
    struct request *next;      /* intrusive link: a target's FCFS queue */
    uint64_t id;               /* creation order within the run, from 1 */
    uint64_t flow_id;          /* the connection/flow carrying it */
    uint64_t flow_hash;        /* hash of the flow's 5-tuple: L4 routing and LB-node choice */
    struct workload *wl;       /* who sent it */
    struct client *client;     /* connection or closed-loop user, NULL for a lone request */
    double sent_s;             /* s: when the client sent this attempt */
    double demand_s;           /* CPU seconds on one vCPU of speed 1.0 */
    /* Set by the target as service starts: with the demand, svc_slot and the links, what a
     * waiting request's start touches lies in its first two cache lines (target.c fetches
     * those ahead of a completion). */
    union {
        double start_s;        /* FCFS: s, service began */
        double ps_finish;      /* processor sharing: finish tag in virtual time */
    };
    double u_lb;               /* uniform(0,1) drawn with the demand: LB latency quantile */
    const char *path;          /* request path for listener rules; NULL = "/" */
    uint32_t request_bytes;    /* bytes: what the client sends (headers and body), drawn at
                                * creation from the workload's size stream; at most 4 GB */
    uint32_t response_bytes;   /* bytes: what the target answers, drawn with request_bytes */
    uint16_t attempt;          /* 0 for the first try, then retries (at most 100) */
    uint16_t status;           /* RQ_* once answered */
    /* Set by the LB and target group for bookkeeping on the way back. */
    uint16_t lb_node;          /* index of the LB node (zone) that handled it */
    uint8_t pass;              /* RQ_PASS_*: an appliance pass is under way */
    uint8_t nhops;             /* hops used */
    uint32_t route_view;       /* set by an LB before sending to a target group: its view */
    uint32_t svc_slot;         /* FCFS: index in the target's in-service array */
    uint32_t gw_slot;          /* L7 LB: the request's slot in its idle-timeout ring */
    uint8_t cur_hop;           /* while responding: the hop whose done() runs */
    uint8_t cut_hop;           /* 0, or: an LB at hop cut_hop - 1 already answered the client
                                * (504); hops from cut_hop on still hold the request, and its
                                * response walks only those, then frees it */
    bool abandoned : 1;        /* the client timed out; drop the response */
    bool flow_end : 1;         /* the last request of its flow: L4 LBs forget the flow when
                                * its response passes back */
    bool client_done : 1;      /* the client side has finished with the request (cut) */
    bool lost : 1;             /* dropped on the way (GWLB): the client gets no answer */
    bool traced : 1;           /* selected for the decision trace (models/core/trace.h) */
    /* Set by the target while it holds the request. */
    struct target *target;
    double u_route;            /* uniform(0,1) drawn with the demand: weighted forwards */
    sim_handle timeout_ev;     /* client timeout */
    struct request_ext *ext;   /* NULL until a walk goes deeper or a pass starts */
    struct rq_hop hop[REQUEST_INLINE_HOPS]; /* the first hops; request_hop() reaches all */
};

/* The key that hashing algorithms (flow_hash, consistent_hash) hash, set by each LB before
 * its target group picks (env_request_route_key): the flow's 5-tuple hash, or a 3-/2-tuple
 * hash (GWLB), which only then takes room in rq->ext. */
static inline uint64_t request_route_key(const struct request *rq)
{
    return rq->ext && rq->ext->route_keyed ? rq->ext->route_key : rq->flow_hash;
}

/* s: when the request's first attempt was sent: this one's sent_s, or for a retry what the
 * workload kept in rq->ext. */
static inline double request_first_sent_s(const struct request *rq)
{
    return rq->attempt ? rq->ext->first_sent_s : rq->sent_s;
}

/* Hop i (0 <= i < rq->nhops), inline or in rq->ext. */
static inline struct rq_hop *request_hop(struct request *rq, int i)
{
    return i < REQUEST_INLINE_HOPS ? &rq->hop[i] : &rq->ext->hop[i - REQUEST_INLINE_HOPS];
}

static inline const struct rq_hop *request_hop_c(const struct request *rq, int i)
{
    return i < REQUEST_INLINE_HOPS ? &rq->hop[i] : &rq->ext->hop[i - REQUEST_INLINE_HOPS];
}

/* The response: walk the hops back (each node's done), then give it to the workload. */
void request_respond(struct request *rq, int status);

/* Fetch what the response's walk back will touch at each inline hop (node_ops
 * prefetch_done), ahead of it; changes nothing.  The request's own lines must have been
 * fetched already: this reads its hops.  Stage 1 fetches the nodes' own records (and what
 * the client will touch); stage 2, called a few events later, may read those to fetch
 * what they point to.  Returns whether a hop has anything for stage 2. */
bool request_prefetch_response(const struct request *rq, int stage);

/* Go on walking the hops back after a node's done() held the response. */
void request_resume(struct request *rq);

/* The node at `hop` answers the client with `status` now, while the hops below it still
 * hold the request (an ALB's 504): the walk runs from `hop` to the client; the request
 * object lives on until the hops below answer (request_respond), then is freed. */
void request_cut(struct request *rq, uint8_t hop, int status);

#endif
