/*
 * ecs_impl — what the two halves of an ECS service share, and nothing else may use:
 * ecs.c (the service: tasks, their placement and lifecycle, the task-level scaling loop)
 * and ecs_cluster.c (the EC2 launch type's container instances and the capacity
 * provider's loop).  models/containers/ecs.h describes the model.
 */
#ifndef ELBSIM_MODELS_CONTAINERS_ECS_IMPL_H
#define ELBSIM_MODELS_CONTAINERS_ECS_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "models/containers/ecs.h"

#define ECS_NO_MEMBER UINT32_MAX
#define ECS_EPS 1e-9 /* vCPU / GB: reservations are sums of task sizes */

/* ---- ecs.c ---- */

double ecs_now(const struct ecs_service *s);
bool ecs_is_ec2(const struct ecs_service *s);
void ecs_log_row(struct ecs_service *s, const char *kind, const char *name,
                 const char *detail);
/* The k-th zone the service may use, and how many there are. */
int ecs_zone_at(const struct ecs_service *s, int k);
int ecs_nzones(const struct ecs_service *s);
/* A default distribution text parsed (a bug if it does not parse); caller frees. */
struct sim_dist *ecs_parse_default(const char *text);
/* Place PROVISIONING tasks that now fit, first in first out. */
void ecs_place_waiting(struct ecs_service *s);

/* ---- ecs_cluster.c ---- */

/* Set up / free the cluster of an EC2-launch-type service (from ecs_new / ecs_free). */
void ecs_cluster_init(struct ecs_service *s);
void ecs_cluster_fini(struct ecs_service *s);
/* The initial instances, in service at t = 0; then the first managed-scaling tick. */
void ecs_cluster_start(struct ecs_service *s);
void ecs_cluster_schedule(struct ecs_service *s);
/* The instance a task goes to by the placement strategy, or -1 when none has room. */
int ecs_cluster_pick(const struct ecs_service *s);
/* Pending or in service. */
bool ecs_inst_active(const struct ecs_instance *in);

#endif
