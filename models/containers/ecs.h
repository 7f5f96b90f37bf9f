/*
 * ecs — an ECS service: tasks started, registered, drained and stopped as its service auto
 * scaling policies decide, on Fargate or on an EC2 cluster whose own Auto Scaling group a
 * capacity provider scales (AWS.md §8, facts 1-5, 10, 11).
 *
 * Two control loops, kept apart on purpose (that separation is the lesson):
 *  - task level (service auto scaling, Application Auto Scaling): every 60 s the service
 *    feeds its metrics, evaluates its policies' alarms, decides (models/scaling/scaling), combines
 *    and sets the desired task count.  `scaling` rows in events.csv named by the service.
 *  - instance level (EC2 launch type only, the capacity provider's managed scaling): every
 *    60 s the cluster computes CapacityProviderReservation and sets its Auto Scaling
 *    group's desired instance count.  `scaling` rows named by the cluster.
 * Neither loop sees the other's signal: the service asks for tasks, tasks that fit nowhere
 * stay PROVISIONING, and only that raises the cluster's reservation.
 *
 * Task lifecycle ("<service>/<n>", n in creation order; each task is a world target):
 *   PROVISIONING (EC2 only: no container instance has room; waits, first in first out)
 *   → PENDING (placed: ENI, image pull, container start; `start_time`, drawn from the
 *     stream "ecs.<service>") → RUNNING (registered with the target groups, initial until
 *     one passing health check) → DRAINING (deregistered: the groups' deregistration
 *     delay) → STOPPED.  The `desired` tasks at t = 0 are RUNNING and healthy from the
 *     start, like static targets.
 *  Default start times (AWS documents none; AWS.md §8 "Task launch latency", fact 11):
 *   Fargate lognormal(median=45s, p99=120s), image pull included ("30 s to about 2 min");
 *   EC2 launch type lognormal(median=10s, p99=40s): the image is usually cached on the
 *   instance, so ENI attachment and container start dominate.
 *
 * Task model:
 *  - Fargate: a task of cpu c is the target `read_targets` makes for a fargate target:
 *    one server at speed c below 1 vCPU, else c servers of speed 1.0 (times `speed`).
 *    Priced with catalog_fargate_price_per_hour(cpu, memory), billed per second with a
 *    60 s minimum from placement (the start of the image pull) until it stops.
 *  - EC2: a task reserves cpu and memory on its container instance; it is one server
 *    below 1 vCPU, else floor(c) servers, with total speed c × the instance type's per-vCPU
 *    speed (a 1-vCPU task on a c5.xlarge is one server of speed 1.0).  Simplification:
 *    tasks on one instance do not slow each other beyond their reservation (ECS cpu is a
 *    soft share that lets an idle neighbour's cycles be borrowed; elbsim does not lend).
 *    The task costs nothing itself; the instances are billed (per second, 60 s minimum,
 *    catalog price).  The ECS agent's own reservation is left out: a c5.xlarge offers
 *    4 vCPUs and 8 GB to tasks.
 *  - Zones: Fargate tasks go to the service's zone with the fewest active tasks (AWS
 *    spreads Fargate tasks across zones); EC2 tasks take their instance's zone, and
 *    instances launch into the zone with the fewest active instances.
 *
 * Placement (EC2): a task goes to an in-service instance with room for its cpu and
 * memory: binpack picks the one with the least cpu left (then least memory, then lowest
 * index), spread the one with the most cpu left (then lowest index), so spread alternates
 * between equal instances.  (AWS's default service spread is over zones; elbsim spreads
 * over instances.)  Scale-in stops PROVISIONING tasks first, then PENDING ones (newest
 * first), then RUNNING ones: binpack from the instance that will have the most cpu left,
 * spread from the one with the least, Fargate from the zone with the most tasks; newest
 * first within.
 *
 * Service auto scaling: the metrics (60 s periods, visible after the publication delay of
 * the policies' scaling_ctx):
 *  - CPUUtilization: per RUNNING task, busy server-seconds over the period ÷ (servers ×
 *    the time it ran in the period) × 100, averaged over tasks (AWS: CPU used ÷ CPU
 *    reserved; a task cannot exceed its reservation here).
 *  - MemoryUtilization (elbsim's model; AWS measures the container): per task
 *    memory_idle_pct + memory_per_request_mb × requests held at the period end ÷ the
 *    task's memory × 100, at most 100.
 *  - RequestCountPerTarget, RequestCount, HTTPCode_Target_5XX_Count, TargetResponseTime of
 *    the first target group; InFlight and QueueDepth per task, as an Auto Scaling group.
 * Tasks have no warm-up: `ready` is the running tasks (for target tracking, those the
 * datapoint averaged over), PROVISIONING and PENDING tasks count as capacity through the
 * desired count and do not block scale-in.  Cooldowns are Application Auto Scaling's
 * (scale-out never blocked, a scale-out ends a scale-in cooldown, scale-in waits for both:
 * models/scaling/scaling.h).  Scheduled actions fire at their exact times.  Replacement: a RUNNING
 * task whose target crashed (the container exited) is stopped at once, one a target group
 * marks unhealthy is deregistered and stopped after draining; the service then starts new
 * ones to meet the desired count.
 *
 * Managed scaling of the cluster (capacity provider), evaluated every 60 s:
 *   M = instances needed: the active instances (pending or in service) holding a task,
 *       plus those the PROVISIONING tasks would fill by first fit over the active
 *       instances' free room and then over new instances of the type;
 *   N = instances in service;  CPR = M / N × 100 (200 when N = 0 < M, 100 when both 0);
 *   desired' = clamp(ceil(M × 100 / target_capacity), min, max).
 *  Scale-out when desired' > desired, at once (no CloudWatch publication delay: ECS computes
 *  the figure itself), by a step clamped to [min_step, max_step], unless an instance the
 *  cluster launched is younger than instance_warmup (AWS.md §8: it blocks the next step).
 *  Scale-in after scale_in_evaluations (15) consecutive evaluations with desired' <
 *  desired, and only of empty instances (managed termination protection): desired becomes
 *  max(desired', instances holding tasks).  AWS counts M against the smallest and largest
 *  instance types and also ENIs, ports and GPUs; elbsim has one type and counts cpu and
 *  memory.  One cluster per service (several services sharing a cluster are left out).
 *
 * Ownership: ecs_new copies the cfg struct; the strings, arrays, policies and
 * distributions it points to are borrowed and must outlive the service (the scenario
 * arena).  Tasks' targets belong to the world.  ecs_free frees the rest.
 *
 * Integration (the world owner):
 *  1. after world_new has built the target groups, call ecs_new per service with the
 *     run's target list and the service's groups.  Its tasks are targets whose owner ops
 *     (models/compute/target.h) bring their drain back to ecs_drained.
 *  2. in world_start, call ecs_start before tg_health_start (initial tasks healthy).
 *  3. ecs_free once the engine has stopped (events point here); it touches neither the
 *     target groups nor the targets, so before or after the rest of world_free.
 */
#ifndef ELBSIM_MODELS_ECS_H
#define ELBSIM_MODELS_ECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/scaling/metrics.h"
#include "models/scaling/autoscale.h"
#include "models/scaling/scaling.h"
#include "models/compute/target.h"
#include "sim/diag.h"
#include "sim/event.h"

struct env;
struct target_list;
struct target_group;
struct sim_dist;
struct catalog_instance;

#define ECS_FARGATE_START_DEFAULT "lognormal(median=45s, p99=120s)"
#define ECS_EC2_START_DEFAULT "lognormal(median=10s, p99=40s)"
/* With an image size given, the pull is modelled on its own and start_time is the rest
 * (ENI attachment, container start) for both launch types. */
#define ECS_IMAGE_START_DEFAULT ECS_EC2_START_DEFAULT
#define ECS_INSTANCE_LAUNCH_DEFAULT "lognormal(median=45s, p99=90s)"
#define ECS_TICK_S 60.0 /* s: both loops evaluate every minute */

enum ecs_launch_type { ECS_LAUNCH_FARGATE, ECS_LAUNCH_EC2 };
enum ecs_placement { ECS_PLACE_BINPACK, ECS_PLACE_SPREAD };

enum ecs_task_state {
    ECS_TASK_PROVISIONING, /* waiting for an instance with room (EC2) */
    ECS_TASK_PENDING,      /* placed, starting (image pull, container start) */
    ECS_TASK_RUNNING,      /* registered with the target groups */
    ECS_TASK_DRAINING,     /* deregistered, draining */
    ECS_TASK_STOPPED,
};

enum ecs_instance_state { ECS_INSTANCE_PENDING, ECS_INSTANCE_ACTIVE, ECS_INSTANCE_TERMINATED };

/* The cluster of an EC2-launch-type service: its Auto Scaling group and capacity
 * provider.  Invariant (checked by ecs_cfg_check): 0 <= min <= desired <= max,
 * 0 < target_capacity_pct <= 100, 1 <= min_step <= max_step. */
struct ecs_cluster_cfg {
    const char *name;                 /* events and instance names "<name>/<n>"; NULL:
                                       * "<service>-cluster" */
    const char *instance_type;        /* catalog name, e.g. "c5.xlarge" */
    int min, max, desired;            /* the cluster ASG's bounds and initial instances */
    const struct sim_dist *launch_time; /* launch → registered; NULL: default */
    double target_capacity_pct;       /* capacity provider targetCapacity, default 100 */
    enum ecs_placement placement;     /* default spread (AWS's service default) */
    bool managed_scaling;             /* default true; false: the cluster stays at desired */
    double instance_warmup_s;         /* instanceWarmupPeriod, default 300 s */
    int min_step, max_step;           /* minimum/maximumScalingStepSize, 1 / 10000 */
    int scale_in_evaluations;         /* consecutive low evaluations to scale in, 15 */
};

/* What the scenario gives for one service (docs/auto-scaling.md "ECS services"). */
struct ecs_service_cfg {
    const char *name;                 /* tasks are "<name>/<n>" */
    const int *tgs;                   /* target group indices into w->tgs */
    int ntgs;
    const int *zones;                 /* zone indices; NULL: every scenario zone */
    int nzones;
    enum ecs_launch_type launch_type;
    double cpu;                       /* vCPU per task (Fargate: a valid size) */
    double memory_gb;                 /* GB per task */
    double speed;                     /* multiplies the task's speed, default 1.0 */
    enum target_discipline discipline;
    int queue_limit;                  /* per task; 0 = none */
    int min, max, desired;            /* tasks */
    const struct sim_dist *start_time; /* placement → running (after the image pull when
                                       * image_mb > 0); NULL: default by launch type */
    double image_mb;                  /* container image size; 0: the pull is in start_time */
    double image_pull_mbps;           /* MB/s, default 50 (docs/eks.md "Image pull") */
    double image_pull_latency_s;      /* per pull, default 1 s */
    double memory_idle_pct;           /* MemoryUtilization model, default 25 */
    double memory_per_request_mb;     /* default 8 */
    const struct scaling_policy *policies; /* read with an ECS scaling_ctx; borrowed */
    int npolicies;
    struct scaling_ctx ctx;           /* what the policies were read with */
    struct ecs_cluster_cfg cluster;   /* ECS_LAUNCH_EC2 only */
};

/* Fill cfg with the defaults above for a service called name (borrowed): Fargate, 0.25
 * vCPU / 0.5 GB, min 1, max 1, desired 1, no target groups or policies, an ECS
 * scaling_ctx; cluster: min 0, max 1, desired 0, no instance type, target 100 %, spread,
 * managed scaling on, warm-up 300 s, steps 1..10000, 15 evaluations. */
void ecs_service_cfg_default(struct ecs_service_cfg *cfg, const char *name);

/* Check cfg as the scenario reader must (messages at loc, which may be NULL): task size
 * (Fargate: catalog_fargate_is_valid; EC2: fits the instance type), bounds, instance type
 * known, target capacity, step sizes.  Returns 0 or -1 after one diag error. */
int ecs_cfg_check(const struct ecs_service_cfg *cfg, const struct loc *loc);

struct ecs_task {
    struct target *t;                 /* the world's target, owner = the service */
    enum ecs_task_state state;
    int inst;                         /* EC2: container instance index; -1 none */
    int zone;
    double created_s;                 /* s: asked for */
    double placed_s;                  /* s: placed (billing starts); NAN before */
    double running_s;                 /* s: RUNNING; NAN before */
    double stopped_s;                 /* s: STOPPED; NAN before */
    uint32_t *member;                 /* [target group] member index, UINT32_MAX if none */
    int draining;                     /* target groups still draining it */
    bool replacing;                   /* stopped because unhealthy or crashed */
};

struct ecs_instance {
    char *name;                       /* "<cluster>/<n>", owned */
    enum ecs_instance_state state;
    int zone;
    double launched_s, in_service_s, stopped_s; /* s; NAN until then */
    double cpu_free, mem_free;        /* vCPU, GB not reserved by tasks */
    int ntasks;                       /* tasks placed on it (pending, running, draining) */
    double image_at;                  /* s: the service's image present from; NAN: never */
    double pull_free_s;               /* s: its image puller is free (one pull at a time) */
};

/* A policy's signal, as in an Auto Scaling group. */

struct ecs_cluster {
    struct ecs_cluster_cfg cfg;
    char *name;                       /* owned */
    const struct catalog_instance *type;
    gsl_rng *rng;                     /* launch times: "ecs_cluster.<name>" */
    struct sim_dist *launch_default;  /* owned when cfg.launch_time was NULL */
    int min, max, desired;
    struct ecs_instance *inst;
    uint32_t ninst, cap;
    double last_scale_out_s;          /* s: the last managed scale-out (warm-up gate) */
    int below;                        /* consecutive evaluations wanting fewer instances */
    double cpr_pct;                   /* CapacityProviderReservation at the last evaluation */
    int needed;                       /* M at the last evaluation */
    uint64_t activities, launches, terminations;
};

struct ecs_service {
    struct ecs_service_cfg cfg;       /* copied; what it points to is borrowed */
    const char *name;
    struct env *env;                  /* borrowed */
    struct target_list *targets;      /* borrowed: where its tasks are made */
    int nzones;                       /* zones of the scenario (tasks spread without `zones`) */
    struct target_group **tgs;        /* [cfg.ntgs] */
    gsl_rng *rng;                     /* start times: "ecs.<name>" */
    struct sim_dist *start_default;   /* owned when cfg.start_time was NULL */
    int min, max, desired;
    struct ecs_task *tasks;
    uint32_t ntasks, cap;
    struct as_policy *pol;
    int npol;
    double tick_s;
    struct ecs_cluster cl;            /* ECS_LAUNCH_EC2 only */
    double last_unplaced_log_s;       /* s: last "unable to place" service event */
    uint64_t activities, starts, stops, replacements, placement_failures;
};

/* Build the service (no event scheduled yet).  cfg must have passed ecs_cfg_check.  Its
 * tasks are made in `targets` (whose env the service lives in); tgs[k] is the group of
 * cfg->tgs[k]; nzones: the scenario's zone count (used when cfg->zones is NULL). */
struct ecs_service *ecs_new(struct target_list *targets, const struct ecs_service_cfg *cfg,
                            struct target_group **tgs, int nzones, double duration_s);
void ecs_free(struct ecs_service *s);

/* Start the initial instances and tasks (in service at t = 0) and schedule both loops and
 * the scheduled actions.  Before tg_health_start. */
void ecs_start(struct ecs_service *s);

/* Every target group finished draining task t of s (its owner op calls it). */
void ecs_drained(struct ecs_service *s, struct target *t);

/* Tasks by state now: PROVISIONING, PENDING, RUNNING, DRAINING. */
void ecs_counts(const struct ecs_service *s, int *provisioning, int *pending, int *running,
                int *draining);

/* Cluster instances: pending (launching), in service, and the ASG's desired; all 0 on
 * Fargate. */
void ecs_cluster_counts(const struct ecs_service *s, int *pending, int *in_service,
                        int *desired);

/* Hours up to now: task-hours (placement to stop, every launch type) and instance-hours
 * (launch to termination; 0 on Fargate), as run, without billing minimums. */
double ecs_task_hours(const struct ecs_service *s, double now);
double ecs_instance_hours(const struct ecs_service *s, double now);

/* What the service cost up to now, USD: its Fargate tasks, or its cluster's instances. */
double ecs_cost_usd(const struct ecs_service *s, double now);

#endif
