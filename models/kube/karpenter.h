/* Karpenter's decisions, as pure functions (docs/eks.md "Karpenter"): when a batch of
 * pending pods is complete, which nodes to launch for it (the cheapest allowed instance type
 * that fits what each node gets), and which node to consolidate (delete when empty or when
 * its pods fit elsewhere, else replace by a cheaper type that fits them), within the
 * disruption budget.
 *
 * Sources: karpenter.sh docs: concepts/scheduling (bin packing, instance type selection),
 * concepts/disruption (consolidation: empty, single-node deletion and replacement, the
 * order, consolidateAfter, budgets), reference/settings (BATCH_IDLE_DURATION 1 s,
 * BATCH_MAX_DURATION 10 s).
 * Left out: multi-node consolidation, spot instances and interruption, drift and expiry,
 * node pools' limits and weights, zones and capacity types as requirements, daemonsets'
 * overhead, pods' topology and affinity.
 *
 * No engine, no events, no I/O, no allocation: scratch comes from the caller. */
#ifndef ELBSIM_MODELS_KUBE_KARPENTER_H
#define ELBSIM_MODELS_KUBE_KARPENTER_H

#include <stdbool.h>

#include "models/kube/ca.h"

struct catalog_instance;

/* An allowed instance type with what a node of it offers to pods. */
struct karp_type {
    const struct catalog_instance *ci;
    struct kube_res alloc;
    int max_pods;
};

enum karp_consolidation { KARP_WHEN_EMPTY, KARP_WHEN_EMPTY_OR_UNDERUTILIZED };

struct karp_cfg {
    double batch_idle_s;              /* BATCH_IDLE_DURATION, 1 s */
    double batch_max_s;               /* BATCH_MAX_DURATION, 10 s */
    enum karp_consolidation policy;   /* consolidationPolicy, WhenEmptyOrUnderutilized */
    double consolidate_after_s;       /* consolidateAfter, 0 s */
    double budget_pct;                /* disruption budget nodes: 10 % */
    const struct karp_type *types;    /* the allowed instance types */
    int ntypes;
};

void karp_cfg_default(struct karp_cfg *c);

/* Is the batch that opened at first_s (the first pending pod) and last grew at last_s
 * complete at now_s: no new pending pod for batch_idle_s, or open for batch_max_s? */
bool karp_batch_ready(const struct karp_cfg *c, double first_s, double last_s, double now_s);

/* One node to launch: types[type], for npods of the pods. */
struct karp_node_plan {
    int type;
    int npods;
};

/* Pack the pending pods, largest first (their share of the largest allowed type), first fit
 * into new nodes of the largest type's shape, then give each node the cheapest allowed type
 * whose allocatable and pod slots hold what it got.  Pods larger than every type are left
 * out.  At most max_out nodes (the rest of the pods wait for the next batch).  Returns the
 * count written to out.  Scratch: sc for np pods. */
int karp_plan_launch(const struct karp_cfg *c, const struct ca_pod *pending, int np,
                     struct ca_scratch *sc, struct karp_node_plan *out, int max_out);

/* The cheapest allowed type that holds cpu, memory and npods (-1 none). */
int karp_cheapest_fit(const struct karp_cfg *c, struct kube_res need, int npods);

/* One disruption decision. */
struct karp_action {
    int node;                         /* the node to disrupt */
    int replace_type;                 /* -1: delete; else launch types[replace_type] first */
};

/* Consolidation at now_s over the nodes; Karpenter's own are those with group -1 (the
 * candidates); every Ready node can take moved pods.  The budget allows ceil(budget_pct %
 * of Karpenter's nodes) disruptions at once; `disrupting` are in progress.  A candidate is a
 * Ready Karpenter node whose pods last changed at least consolidate_after_s ago.  Empty
 * candidates are deleted first; then (WhenEmptyOrUnderutilized) candidates with the fewest
 * pods first: deleted if their pods fit elsewhere, else replaced by the cheapest type that
 * fits them when that is cheaper than their own.  Returns 1 with *out, or 0.  Scratch:
 * free_room 3 × nn doubles, dest as many ints as the most pods on a node. */
int karp_plan_consolidation(const struct karp_cfg *c, double now_s, const struct ca_node *nodes,
                            int nn, const struct ca_pod *pods, int disrupting,
                            double *free_room, int *dest, struct karp_action *out);

#endif
