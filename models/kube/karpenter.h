/*
 * karpenter — Karpenter's (v1 NodePool / NodeClaim) decisions as pure functions (issue 17).
 *
 * Batching of pending pods, launch planning (which instance types, how many nodes) and
 * consolidation (delete or replace one node per evaluation, within the disruption budget).
 * No engine, no events, no I/O, no allocation: arrays are the caller's.  Defaults and rules
 * are cited in docs/eks.md "## Karpenter" (karpenter.sh docs).
 */
#ifndef ELBSIM_MODELS_KUBE_KARPENTER_H
#define ELBSIM_MODELS_KUBE_KARPENTER_H

#include <stdbool.h>

#include "models/compute/catalog.h"
#include "models/kube/ca.h"

enum karp_consolidation {
    KARP_WHEN_EMPTY,
    KARP_WHEN_EMPTY_OR_UNDERUTILIZED, /* NodePool default */
};

struct karp_cfg {
    double batch_idle_s;                  /* 1 (BATCH_IDLE_DURATION) */
    double batch_max_s;                   /* 10 (BATCH_MAX_DURATION) */
    enum karp_consolidation policy;       /* WhenEmptyOrUnderutilized */
    double consolidate_after_s;           /* 0 */
    const struct catalog_instance **types; /* allowed instance types (borrowed) */
    int ntypes;
    double budget_nodes_pct;              /* 10 (%), the NodePool default budget */
};

void karp_cfg_default(struct karp_cfg *c, const struct catalog_instance **types, int ntypes);

/* True when the batch of pending pods should be launched now: no new pending pod for
 * batch_idle_s (now - last_pending_s >= idle) or the batch is batch_max_s old
 * (now - first_pending_s >= max). */
bool karp_batch_ready(const struct karp_cfg *c, double first_pending_s, double last_pending_s,
                      double now_s);

/* One new node of a launch plan. */
struct karp_node_plan {
    const struct catalog_instance *type;
    int zone;  /* -1: any */
    int npods; /* pods placed on it */
    struct kube_res requested; /* sum of their requests */
};

/* Pending pods -> new nodes.  Packing: first fit decreasing over the pods (sorted by
 * max(cpu share, mem share) of the largest allowed type, descending; ties by index), into
 * open nodes of the same zone constraint; a pod that fits no open node opens a new node.
 * Each node's type is then the cheapest allowed type whose vCPUs and memory hold the sum of
 * its pods' requests (an open node accepts a pod if some allowed type holds the new sum).
 * pod_node[np] (optional, NULL: not written) gets each pod's plan index, -1 if no allowed
 * type holds it.  Returns the number of nodes (at most max_out; pods that would need more
 * get -1).  np <= KARP_MAX_PODS. */
#define KARP_MAX_PODS 4096
int karp_plan_launch(const struct karp_cfg *c, const struct ca_pod *pending, int np,
                     struct karp_node_plan *out, int max_out, int *pod_node);

/* A node Karpenter manages. */
struct karp_node {
    const struct catalog_instance *type;
    int zone;
    struct kube_res requested;
    bool ready, deleting;
    int npods;
    const int *pods;      /* indices into the pod array */
    double last_change_s; /* last pod added/removed (consolidateAfter counts from here) */
};

enum karp_action_kind { KARP_NONE, KARP_DELETE, KARP_REPLACE };

struct karp_action {
    enum karp_action_kind kind;
    int node;                                  /* index into nodes */
    const struct catalog_instance *replacement; /* KARP_REPLACE: the cheaper type */
};

/* One consolidation evaluation.  Budget: nodes allowed to be disrupted at once =
 * ceil(budget_nodes_pct/100 * total nodes) minus those deleting or not ready; none left -> NONE.
 * Candidates: ready, not deleting, quiet for consolidate_after_s, no pod blocks.  Order:
 * an empty node first (the most expensive); then, under WhenEmptyOrUnderutilized, a node
 * whose pods all fit (first fit) in the free room of the other candidates-or-not ready
 * nodes (delete; the most expensive first); else a node for which a cheaper allowed type
 * holds its requests (replace; largest saving first).  Returns 1 with *out filled, or 0
 * (out->kind = KARP_NONE). */
#define KARP_MAX_NODES 2048 /* consolidation considers the first KARP_MAX_NODES nodes */
#define KARP_MAX_NODE_PODS 512 /* a node with more pods is never a candidate */
int karp_plan_consolidation(const struct karp_cfg *c, double now_s, const struct karp_node *nodes,
                            int nn, const struct ca_pod *pods, struct karp_action *out);

#endif
