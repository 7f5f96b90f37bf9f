/*
 * env — what every model gets from the running world: the engine, the event log, the run
 * seed, the request pool with its ids, and the two hooks that hand a finished request back
 * to the client that sent it.
 *
 * The world (models/scenario/world) embeds one env and fills it in; load balancers, target
 * groups, targets, workloads, scaling groups and services keep a pointer to it and never
 * see the world itself.  That is what keeps the dependencies one way (docs/ARCHITECTURE.md):
 * a component declares what it needs from above it as an interface here or in its own
 * header, and the world, which sees everything, connects the two.
 *
 * Ownership: the world owns the env and everything in it; components borrow it for their
 * whole life.
 */
#ifndef ELBSIM_MODELS_CORE_ENV_H
#define ELBSIM_MODELS_CORE_ENV_H

#include <stdint.h>

#include "sim/event.h"
#include "sim/pool.h"
#include "sim/sink.h"

struct node;
struct request;
struct tracer;

/* Called once per finished request (answered, or dropped after the client gave up). */
typedef void env_request_fn(void *ctx, const struct request *rq, double now);

struct env {
    struct sim sim;                 /* the engine */
    struct sim_event_log events;    /* events.csv rows (a no-op sink until the caller sets one) */
    uint64_t seed;                  /* run seed: every named stream derives from it */
    struct sim_pool requests;       /* struct request */
    struct sim_pool request_exts;   /* struct request_ext: deep walks, appliance passes */
    uint64_t next_request_id;       /* ids in creation order, from 1 */
    uint64_t next_flow_id;          /* connection (flow) ids, from 1 */
    /* A response reached the hops' end: give it to its client (traffic/workload). */
    void (*response)(struct request *rq);
    /* Fetch what response(rq) will touch, ahead of it (request_prefetch_response); changes
     * nothing.  May be NULL. */
    void (*prefetch_response)(const struct request *rq);
    /* The request was dropped on the way (rq->lost): tell its client. */
    void (*lost)(struct request *rq);
    /* The sending workload's name hash: with the flow hash, the client's address (a GWLB's
     * 2- and 3-tuple stickiness). */
    uint64_t (*client_net)(const struct request *rq);
    /* The request's Host header (its workload's `host`), NULL for none. */
    const char *(*request_host)(const struct request *rq);
    env_request_fn *on_request;     /* optional per-request log */
    void *on_request_ctx;
    struct tracer *trace;           /* the decision trace (models/core/trace.h); NULL = off */
    /* Optional: a load balancer (lb, at hop `hop` of rq) answered rq now (access logs).
     * Called once per LB per request, whatever the status. */
    void (*on_lb_response)(void *ctx, const struct node *lb, const struct request *rq,
                           int hop, double now);
    void *on_lb_response_ctx;
    /* Optional: an L4 load balancer opened (rq: the flow's first request, t now) or closed
     * (rq NULL; t when it ended, which for an idle flow is when its idle timeout ran out)
     * the flow flow_id (NLB TLS access logs).  A close follows the on_lb_response of the
     * flow's last request. */
    void (*on_lb_flow)(void *ctx, const struct node *lb, const struct request *rq,
                       uint64_t flow_id, double t);
    void *on_lb_flow_ctx;
};

/* A new zeroed request with the next id, from the pool. */
struct request *env_request_new(struct env *env);

/* Give a request back to the pool (after its response was handled), its ext with it. */
void env_request_free(struct env *env, struct request *rq);

/* rq's request_ext, taken zeroed from the pool the first time it is asked for. */
struct request_ext *env_request_ext(struct env *env, struct request *rq);

/* Set the key rq's next target group hashes (request_route_key). */
void env_request_route_key(struct env *env, struct request *rq, uint64_t key);

/* A new flow (connection) id. */
static inline uint64_t env_flow_id(struct env *env)
{
    return ++env->next_flow_id;
}

#endif
