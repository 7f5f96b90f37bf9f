/*
 * asg — an EC2 Auto Scaling group: instances launched, registered, warmed up, replaced
 * and terminated as its policies and schedules decide (AWS.md §5, facts 1-5, 10-12, 14).
 *
 * Lifecycle of an instance ("<group>/<n>"):
 *   pending (launch_time, drawn from the group's stream "asg.<name>") → in service:
 *   registered with the group's target groups (initial until its first passing health
 *   check) and warming → ready.  The warm-up is that of what launched it: a target-tracking
 *   or step policy's own `warmup` (AWS EstimatedInstanceWarmup), else the group's
 *   `warmup` (DefaultInstanceWarmup; AWS.md §5 "Instance warm-up", ASG-WUC).  Scale-in
 *   and replacement deregister it (draining for the target groups' deregistration delay;
 *   an ALB ends early when nothing is in flight), then terminate it.  Billing runs from launch to termination, per second
 *   with a 60 s minimum.  The instances of `desired` at t = 0 are in service, healthy and
 *   past their warm-up from the start, like static targets.
 *
 * Zones: launches go to the zone with the fewest active instances (ties: the order of
 * `zones`), so the group stays balanced.  Termination: the zone with the most active
 * instances, then the `termination_policy` list in order (AWS's names: Default,
 * OldestInstance, NewestInstance, ClosestToNextInstanceHour, OldestLaunchTemplate,
 * OldestLaunchConfiguration, AllocationStrategy), then at random from the group's stream
 * "asg.<name>.terminate" (its own, so launch times do not depend on it).
 * Default = AllocationStrategy and OldestLaunchTemplate (no choice here: one template, one
 * instance type, on demand), then ClosestToNextInstanceHour, then random
 * (ec2-auto-scaling-termination-policies.html).
 *
 * Outages and AZRebalance: launches skip a zone with an outage in progress while another
 * zone of the group is up; once none is out, the group launches in its emptiest zone and,
 * when that instance is in service, terminates one in its fullest, up to max(1, max / 10)
 * instances above desired at a time, until the zones differ by at most one.
 * `suspended_processes` (AWS's names) turn off launching, terminating, registering,
 * alarms, rebalancing, replacement or scheduled actions.
 *
 * Health: with health_check_type ec2 an instance whose status check fails (crashed) is
 * replaced; with elb also one a target group marks unhealthy, once the grace period after
 * it went in service is over.  At most 10 % of desired (at least 1) are replaced at once.
 *
 * Scaling: every 60 s (10 s for high-resolution periods) the group feeds its metrics
 * (models/scaling/metrics) with what the period measured, evaluates its policies' alarms, asks each
 * dynamic policy for a decision (models/scaling/scaling), combines them (scale out if any, in only
 * if all target-tracking policies agree, largest capacity wins) and applies the result.
 * Scheduled actions fire at their exact times.  Each change of desired capacity, and each
 * instance launched ("Launching a new EC2 instance: web/4. Cause: ... Details: zone a.")
 * or taken out ("Terminating EC2 instance: ..."), is a `scaling` row in events.csv
 * worded as AWS's activity history.
 */
#ifndef ELBSIM_MODELS_ASG_H
#define ELBSIM_MODELS_ASG_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/scaling/autoscale.h"
#include "models/scaling/metrics.h"
#include "models/scaling/scaling.h"
#include "sim/event.h"

struct env;
struct target_list;
struct target;
struct target_group;
struct sc_asg;

enum asg_state { ASG_PENDING, ASG_IN_SERVICE, ASG_DRAINING, ASG_TERMINATED };

struct asg_instance {
    struct target *t;
    enum asg_state state;
    double launched_s;       /* s: launch (billing starts) */
    double in_service_s;     /* s: went in service */
    double warmup_s;         /* s: its warm-up once in service (the launching policy's
                              * EstimatedInstanceWarmup, else the group's default) */
    double warm_until_s;     /* s: warm-up ends */
    uint32_t *member;        /* [target group] member index, UINT32_MAX before registration */
    int draining;            /* target groups still draining it */
    bool replacing;          /* terminated because unhealthy (counts against the 10 %) */
    bool rebalance;          /* launched by AZRebalance, not yet in service */
};

struct asg {
    uint32_t id;
    const struct sc_asg *cfg;         /* borrowed */
    const char *name;
    struct env *env;                  /* borrowed */
    struct target_list *targets;      /* borrowed: where its instances are made */
    struct target_group **tgs;        /* [cfg->ntgs] */
    gsl_rng *rng;                     /* launch times: "asg.<name>" */
    gsl_rng *term_rng;                /* termination's random pick: "asg.<name>.terminate" */
    int min, max, desired;
    struct asg_instance *inst;
    uint32_t ninst, cap;
    uint32_t *cand;                   /* [cap] scratch of the termination choice */
    uint32_t next_name;               /* the n of the next "<group>/<n>" */
    struct as_policy *pol;
    int npol;
    double tick_s;                    /* evaluation interval */
    bool simple_running;              /* a simple policy's activity has not completed */
    double simple_cooldown_s;         /* s: the cooldown that starts when it completes */
    double cooldown_until_s;          /* s: simple policies wait until then */
    int rebal_extra;                  /* instances above desired while AZRebalance moves
                                       * capacity (launched, their partner not yet out) */
    uint64_t activities, launches, terminations, replacements;
};

/* Build the group (no event scheduled yet).  Its instances are made in `targets` (whose env
 * the group lives in); tgs[k] is the group named cfg->tg_names[k].  Borrows cfg, tgs'
 * groups and targets. */
struct asg *asg_new(struct target_list *targets, uint32_t id, const struct sc_asg *cfg,
                    struct target_group **tgs, double duration_s);
void asg_free(struct asg *a);

/* Launch the initial instances (in service at t = 0) and schedule ticks and schedules. */
void asg_start(struct asg *a);

/* Counts for outputs: pending, in service (warming included), warming, draining. */
void asg_counts(const struct asg *a, double now, int *pending, int *in_service, int *warming,
                int *draining);



#endif
