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
 * per-workload latency sinks, the event log (env.events) and an optional per-request log
 * (env.on_request).
 *
 * The world is the one place that sees every component: it builds them from their
 * configurations, hands each the services it needs from the running world (the env of
 * models/core/env.h, the target list, resolved target groups), and connects them.  No
 * component includes this header.
 */
#ifndef ELBSIM_MODELS_WORLD_H
#define ELBSIM_MODELS_WORLD_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/compute/fault.h"
#include "models/compute/target.h"
#include "models/core/env.h"
#include "models/core/trace.h"
#include "models/scenario/scenario.h"

struct lb;
struct target_group;
struct target;
struct workload;
struct request;

/* A target registered or deregistered on the timeline (targets' register_at/deregister_at). */
struct world_timed {
    int group;                      /* target group index */
    struct target *target;          /* made at the start, pending until registered */
    double at_s;                    /* registration time; 0 = at the start */
    double dereg_s;                 /* deregistration time; 0 = never */
    uint32_t member;                /* its member index once registered */
};

struct world {
    struct env env;                 /* the engine, event log, seed, request pool, hooks */
    const struct scenario *sc;      /* borrowed */
    struct tracer tracer;           /* the decision trace when sc->trace_on (env.trace) */
    struct lb **lbs;
    int nlbs;
    struct target_group **tgs;
    int ntgs;
    struct target_list targets;     /* every target ever created, by id */
    struct workload **workloads;
    int nworkloads;
    struct asg **asgs;              /* EC2 Auto Scaling groups */
    int nasgs;
    struct ecs_service **ecs;       /* ECS services */
    int necs;
    struct kube_cluster **kube;     /* EKS clusters */
    int nkube;
    struct world_timed *timed;      /* timeline registrations */
    size_t ntimed;
    struct faults faults;           /* the scenario's faults */
};

/* Build the world for sc with run seed `seed`.  sc must outlive the world. */
struct world *world_new(const struct scenario *sc, uint64_t seed);
void world_free(struct world *w);

/* Schedule the health checks, the faults and the workloads' first arrivals. */
void world_start(struct world *w);

#endif
