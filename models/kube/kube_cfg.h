/*
 * kube_cfg — one entry of the scenario's `eks_clusters:`: node groups, the node
 * autoscaler (Cluster Autoscaler or Karpenter) and the cluster's deployments with their
 * pods' resources, image, probe and Horizontal Pod Autoscaler (docs/eks.md).
 *
 * kube_read.c reads the entry into the cluster's configuration (struct kube_cluster_cfg,
 * models/kube/kube.h) plus what it borrows, checks it with kube_cfg_check, writes it back
 * for the resolved scenario.yaml and frees it.  models/scenario resolves the target groups
 * the deployments name into each `tgs`.
 */
#ifndef ELBSIM_MODELS_KUBE_CFG_H
#define ELBSIM_MODELS_KUBE_CFG_H

#include <stdio.h>

#include "models/kube/kube.h"
#include "sim/diag.h"

struct cfg_read;
struct sim_dist;
struct ytree;

struct sc_kube_deploy {
    char *name;
    struct loc loc;
    char **tg_names;
    struct loc *tg_locs;
    int *tgs;                    /* target group indices, resolved by the scenario */
    char *image;
    char *cpu_text, *mem_text, *limit_text, *mem_limit_text; /* quantities as written */
    struct sim_dist *container_start, *app_start;
    char **metric_names;         /* [HPA_MAX_METRICS] */
    struct loc res_loc, tt_loc, hpa_loc; /* where resources, target_type, hpa were written */
};

struct sc_kube_group {
    struct loc loc, type_loc;    /* the group, its instance_type */
    char *name;
    char *instance_type;
    int *zones;
};

struct sc_kube_profile {
    char *name;
    char **deploys;              /* the deployments whose pods it selects */
    int ndeploys;
};

struct sc_kube {
    struct kube_cluster_cfg cfg;  /* pointers into the fields below */
    struct loc loc;
    char *name;
    int *zones;
    struct sim_dist *node_launch;
    struct kube_node_group_cfg *groups;
    struct sc_kube_group *g;
    struct kube_deploy_cfg *deploys;
    struct sc_kube_deploy *d;
    char **karp_types;
    struct sim_dist *fargate_start;
    struct sc_kube_profile *profiles;
    int nprofiles;
};

/* Read the cluster mapping m into *e (zeroed by the caller), defaults filled in.  Returns
 * 0, or -1 after reporting every problem found (counted in r); *e is then still safe to
 * pass to kube_cfg_fini. */
int kube_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_kube *e);

/* e as one item of `eks_clusters:` (2-space indent), every value explicit; zones are the
 * scenario's zone names. */
void kube_cfg_write(const struct sc_kube *e, char *const *zones, FILE *f);

void kube_cfg_fini(struct sc_kube *e);

#endif
