/*
 * ecs_cfg — one entry of the scenario's `ecs_services:`: the task, bounds, start time,
 * memory model, scaling policies and, for the EC2 launch type, the cluster and its
 * capacity provider (docs/auto-scaling.md "ECS services"; AWS.md §8).
 *
 * ecs_read.c reads the entry into the service's configuration (struct ecs_service_cfg,
 * models/containers/ecs.h) plus what that configuration borrows, checks it with
 * ecs_cfg_check, frees it and writes it back for the resolved scenario.yaml.
 * models/scenario resolves the target groups it names into `tgs`.
 */
#ifndef ELBSIM_MODELS_ECS_CFG_H
#define ELBSIM_MODELS_ECS_CFG_H

#include <stdio.h>

#include "models/containers/ecs.h"
#include "models/scaling/scaling.h"
#include "sim/diag.h"

struct cfg_read;
struct sim_dist;
struct ytree;

/* An ECS service (docs/auto-scaling.md "ECS services"): the module's configuration plus what it
 * borrows, owned here and freed by ecs_cfg_fini. */
struct sc_ecs {
    struct ecs_service_cfg cfg;  /* pointers into the fields below */
    struct loc loc;
    char *name;
    char **tg_names;
    struct loc *tg_locs;
    int *tgs;                    /* target group indices, resolved */
    int *zones;
    struct sim_dist *start_time;
    struct scaling_policy *policies;
    char *cluster_name;
    char *instance_type;
    struct sim_dist *launch_time;
};

/* Read the service mapping m into *e (zeroed by the caller), defaults filled in; its zones
 * are registered through r; when nothing else was wrong, checks the result with
 * ecs_cfg_check.  Returns 0, or -1 after reporting every problem found (counted in r); *e
 * is then still safe to pass to ecs_cfg_fini. */
int ecs_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_ecs *e);

/* e as one item of `ecs_services:` (2-space indent), every value explicit; zones are the
 * scenario's zone names. */
void ecs_cfg_write(const struct sc_ecs *e, char *const *zones, FILE *f);

void ecs_cfg_fini(struct sc_ecs *e);

#endif
