/*
 * world — the running model: the engine plus every entity a scenario creates.
 *
 * world_new builds load balancers, target groups, targets and workloads from a resolved
 * scenario; components that draw have their own named random streams
 * ("workload.<name>.*", "target_group.<name>", "target_group.<name>.health", "fault.<i>"),
 * so changing one component never shifts another's draws.
 * world_start schedules the first events; the caller then runs the engine
 * (sim_event_run_until) and reads the entities' counters.  Requests come from a pool.
 *
 * What it hands out is through sim/sink.h interfaces set by the caller before world_start:
 * per-workload latency sinks and an optional per-request log.
 */
#ifndef ELBSIM_MODELS_WORLD_H
#define ELBSIM_MODELS_WORLD_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "sim/event.h"
#include "sim/pool.h"
#include "sim/sink.h"

struct lb;
struct target_group;
struct target;
struct workload;
struct request;

/* Called once per finished request (answered, or dropped after the client gave up). */
typedef void world_request_fn(void *ctx, const struct request *rq, double now);

/* A target registered or deregistered on the timeline (targets' register_at/deregister_at). */
struct world_timed {
    int group;                      /* target group index */
    struct target *target;          /* made at the start, pending until registered */
    double at_s;                    /* registration time; 0 = at the start */
    double dereg_s;                 /* deregistration time; 0 = never */
    uint32_t member;                /* its member index once registered */
};

struct world {
    struct sim sim;                 /* the engine */
    const struct scenario *sc;      /* borrowed */
    uint64_t seed;                  /* run seed */
    struct sim_pool requests;       /* struct request */
    uint64_t next_request_id;
    uint64_t next_flow_id;
    struct lb **lbs;
    int nlbs;
    struct target_group **tgs;
    int ntgs;
    struct target **targets;        /* every target ever created, by id */
    uint32_t ntargets, targets_cap;
    struct workload **workloads;
    int nworkloads;
    world_request_fn *on_request;   /* optional request log */
    void *on_request_ctx;
    struct sim_event_log events;    /* events.csv rows */
    struct asg **asgs;              /* EC2 Auto Scaling groups */
    int nasgs;
    struct ecs_service **ecs;       /* ECS services */
    int necs;
    struct world_timed *timed;      /* timeline registrations */
    size_t ntimed;
    gsl_rng **fault_rngs;           /* one per scenario fault ("fault.<i>") */
    int nfaults;
};

/* Build the world for sc with run seed `seed`.  sc must outlive the world. */
struct world *world_new(const struct scenario *sc, uint64_t seed);
void world_free(struct world *w);

/* Schedule the health checks, the faults and the workloads' first arrivals. */
void world_start(struct world *w);

/* Give a request object back to the pool (after its response was handled). */
void world_request_free(struct world *w, struct request *rq);

/* A new zeroed request with the next id. */
struct request *world_request_new(struct world *w);

/* A new target named name (copied) with the next id, in service from now; the world
 * frees it. */
struct target *world_target_new(struct world *w, const char *name,
                                const struct target_spec *spec);

#endif
