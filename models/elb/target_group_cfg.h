/*
 * target_group_cfg — one entry of the scenario's `target_groups:`: routing algorithm,
 * health checks, slow start, stickiness, deregistration delay, GWLB and NLB settings, and
 * its static targets (docs/load-balancers.md "Target groups"; AWS ranges and defaults from AWS.md §1-§4).
 *
 * target_group_read.c reads the entry (every key and value checked, each problem reported
 * at its file:line:col).  What depends on the load balancers that forward to the group —
 * the default algorithm, the health-check defaults, the settings only some types have —
 * is filled in and checked by target_group_cfg_resolve once models/scenario knows them.
 * It also frees the entry and writes it back for the resolved scenario.yaml.
 */
#ifndef ELBSIM_MODELS_TARGET_GROUP_CFG_H
#define ELBSIM_MODELS_TARGET_GROUP_CFG_H

#include <stdbool.h>
#include <stdio.h>

#include "models/compute/target_cfg.h"
#include "models/elb/lb_cfg.h"
#include "sim/diag.h"

struct cfg_read;
struct sim_dist;
struct yread;
struct ytree;

enum sc_cross_zone { SC_XZ_INHERIT, SC_XZ_ON, SC_XZ_OFF };

/* What a target group's targets are registered by (AWS's TargetType): an instance id, an
 * IP address (Fargate and awsvpc tasks, EKS pods with target type ip), or an ALB (an NLB's
 * group).  AUTO until the scenario resolves it from what registers. */
enum sc_tg_type { SC_TGT_AUTO, SC_TGT_INSTANCE, SC_TGT_IP, SC_TGT_ALB };

/* Target group stickiness. */
enum sc_sticky { SC_STICKY_NONE, SC_STICKY_COOKIE, SC_STICKY_5TUPLE, SC_STICKY_3TUPLE,
                 SC_STICKY_2TUPLE };

/* Target group health checks (AWS ranges; defaults ALB: 30s, 5s, 5, 2). */
struct sc_health_check {
    double interval_s;           /* 5-300 s */
    double timeout_s;            /* 2-120 s, less than interval */
    int healthy;                 /* 2-10 consecutive passes */
    int unhealthy;               /* 2-10 consecutive failures */
};

/* Everything is owned and freed by target_group_cfg_fini. */
struct sc_tg {
    char *name;
    char *algorithm;             /* resolved: the LB type's default when not given */
    struct loc algorithm_loc;
    bool algorithm_given;
    struct loc loc;              /* of the group's mapping */
    enum sc_lb_type lb_type;     /* the type of the LBs that forward to it (ALB if none) */
    bool l4;                     /* its LBs route flows */
    bool used;                   /* some LB forwards to it */
    enum sc_cross_zone cross_zone;
    struct sc_health_check hc;   /* resolved: the LB type's defaults fill what is not given */
    struct loc hc_loc;
    double slow_start_s;         /* ALB: 0 = off, else 30-900 s */
    enum sc_sticky sticky;
    double sticky_duration_s;    /* lb_cookie duration */
    struct loc sticky_loc;
    double deregistration_delay_s; /* default 300 s */
    bool rebalance;              /* GWLB target_failover: rebalance (default no_rebalance) */
    bool connection_termination; /* NLB: reset flows of a target that turns unhealthy */
    struct sim_dist *appliance_demand; /* GWLB appliances: CPU seconds per pass; NULL = 0 */
    bool lb_targets;             /* its targets are load balancers */
    enum sc_tg_type target_type; /* given, or resolved from what registers */
    struct loc target_type_loc;
    struct sc_targets *targets;
    int ntargets;
};

/* Read the target group mapping m into *g (zeroed by the caller): health-check values not
 * given stay -1 until target_group_cfg_resolve.  Returns 0, or -1 after reporting every
 * problem found (counted in r); *g is then still safe to pass to target_group_cfg_fini. */
int target_group_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_tg *g);

/* Resolve g for the load balancers that forward to it, of owner's type and listener kind
 * (owner NULL: no LB uses it, an ALB's defaults apply): the algorithm and health checks
 * by type where not given, and the checks of settings that only some types have.  Returns
 * 0, or -1 after reporting every problem found (counted in r). */
int target_group_cfg_resolve(struct yread *r, struct sc_tg *g, const struct sc_lb *owner);

/* g as one item of `target_groups:` (2-space indent), every value explicit; zones are the
 * scenario's zone names. */
void target_group_cfg_write(const struct sc_tg *g, char *const *zones, FILE *f);

void target_group_cfg_fini(struct sc_tg *g);

#endif
