/*
 * asg_cfg — one entry of the scenario's `auto_scaling_groups:`: the launch template,
 * bounds, launch time, warm-up, health checks, monitoring, termination policy and scaling
 * policies of an EC2 Auto Scaling group (docs/auto-scaling.md; AWS.md §5).
 *
 * asg_read.c reads the entry (each problem reported at its file:line:col), including
 * each policy (scaling_policy_read) and a predictive policy's history file, frees it and
 * writes it back for the resolved scenario.yaml.  models/scenario checks the target
 * groups it names and gives a group without zones every zone of the scenario.
 */
#ifndef ELBSIM_MODELS_ASG_CFG_H
#define ELBSIM_MODELS_ASG_CFG_H

#include <stdbool.h>
#include <stdio.h>

#include "models/compute/target_cfg.h"
#include "models/scaling/scaling.h"
#include "sim/diag.h"

struct cfg_read;
struct sim_dist;
struct ytree;

/* AWS's termination policies (ec2-auto-scaling-termination-policies.html), applied in list
 * order inside the zone with the most instances. */
enum sc_termination {
    SC_TERM_DEFAULT,                   /* AllocationStrategy, OldestLaunchTemplate, then
                                        * ClosestToNextInstanceHour, then at random */
    SC_TERM_OLDEST,                    /* OldestInstance */
    SC_TERM_NEWEST,                    /* NewestInstance */
    SC_TERM_OLDEST_LAUNCH_TEMPLATE,    /* one template per group here: no choice */
    SC_TERM_OLDEST_LAUNCH_CONFIGURATION, /* likewise */
    SC_TERM_CLOSEST_TO_NEXT_HOUR,      /* ClosestToNextInstanceHour */
    SC_TERM_ALLOCATION_STRATEGY,       /* on-demand, one instance type here: no choice */
};

#define SC_TERM_MAX 8 /* policies in one list */

/* AWS's scaling processes a group may suspend (suspended_processes; bit i = name i of
 * sc_process_names; ec2-auto-scaling-suspend-resume-processes.html). */
enum sc_process {
    SC_PROC_LAUNCH,              /* no instance is launched */
    SC_PROC_TERMINATE,           /* no instance is terminated for scale-in or rebalancing */
    SC_PROC_ADD_TO_LOAD_BALANCER, /* launched instances are not registered */
    SC_PROC_ALARM_NOTIFICATION,  /* dynamic policies ignore their alarms */
    SC_PROC_AZ_REBALANCE,        /* zones are not rebalanced */
    SC_PROC_HEALTH_CHECK,        /* health is not checked: nothing is found unhealthy */
    SC_PROC_REPLACE_UNHEALTHY,   /* unhealthy instances are not replaced */
    SC_PROC_SCHEDULED_ACTIONS,   /* scheduled actions do not run */
};

extern const char *const sc_process_names[];

/* The AWS names (NewestInstance, ...), in enum order, NULL-terminated. */
extern const char *const sc_termination_names[];

/* An EC2 Auto Scaling group (docs/auto-scaling.md).  Everything is owned and freed by
 * asg_cfg_fini; ctx.owner_name points at name. */
struct sc_asg {
    char *name;
    struct loc loc;
    char **tg_names;             /* target groups its instances register with */
    struct loc *tg_locs;
    int ntgs;
    int *zones;                  /* zones it launches into (default: every scenario zone) */
    int nzones;
    struct sc_targets tmpl;      /* launch template: the instance shape (count unused) */
    int min, max, desired;
    struct sim_dist *launch_time; /* launch → in service (boot and application start) */
    double warmup_s;             /* default instance warm-up */
    double cooldown_s;           /* DefaultCooldown: simple policies' default cooldown */
    bool elb_health;             /* health_check_type: elb (else ec2) */
    double grace_s;              /* health check grace period */
    bool detailed_monitoring;    /* 60 s CPU datapoints (else 300 s) */
    enum sc_termination termination[SC_TERM_MAX]; /* termination policies, in order */
    int nterm;
    unsigned suspended;          /* suspended processes: bit (1u << enum sc_process) */
    struct scaling_policy *policies;
    int npolicies;
    struct scaling_ctx ctx;      /* what the policies were read with */
};

/* Read the group mapping m into *a (zeroed by the caller), defaults filled in; its zones
 * are registered through r.  Returns 0, or -1 after reporting every problem found (counted
 * in r); *a is then still safe to pass to asg_cfg_fini. */
int asg_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_asg *a);

/* a as one item of `auto_scaling_groups:` (2-space indent), every value explicit; zones
 * are the scenario's zone names. */
void asg_cfg_write(const struct sc_asg *a, char *const *zones, FILE *f);

void asg_cfg_fini(struct sc_asg *a);

#endif
