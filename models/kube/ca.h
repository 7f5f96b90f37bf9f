/*
 * ca — the Kubernetes Cluster Autoscaler's decisions as pure functions (issue 17, EKS).
 *
 * The EKS runtime (models/kube/) hands views of its node groups, nodes and pods; these
 * functions say which group to grow by how many nodes (scale-up) and which nodes to remove
 * now (scale-down).  No engine, no events, no I/O, no allocation: every array is the
 * caller's.  Defaults and rules are cited in docs/eks.md "## Cluster Autoscaler"
 * (cluster-autoscaler/FAQ.md of github.com/kubernetes/autoscaler).
 */
#ifndef ELBSIM_MODELS_KUBE_CA_H
#define ELBSIM_MODELS_KUBE_CA_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

/* Resource requests (or allocatable): vCPUs and GB. */
struct kube_res {
    double cpu, mem_gb;
};

/* A pod as the autoscaler sees it. */
struct ca_pod {
    struct kube_res req; /* requests */
    int zone;            /* zone index the pod must run in, -1: any */
    /* Not evictable by scale-down: no controller, the annotation
     * cluster-autoscaler.kubernetes.io/safe-to-evict: "false", or local storage
     * (FAQ "What types of pods can prevent CA from removing a node?"); the runtime sets it. */
    bool blocks_scale_down;
};

/* A node group (an EKS managed node group / ASG of one instance shape). */
struct ca_group {
    const char *name;
    struct kube_res alloc; /* allocatable of one node */
    int zone;              /* zone of its nodes, -1: multi-zone (fits any pod's zone) */
    int target;            /* current desired size */
    int min, max;
    int priority;          /* priority expander: higher wins */
    double price_per_hour; /* per node, USD (price expander) */
};

/* A node. */
struct ca_node {
    int group;                 /* index into the group array */
    int zone;                  /* zone of the node, -1: unknown (fits any pod) */
    struct kube_res alloc;     /* allocatable */
    struct kube_res requested; /* sum of its pods' requests */
    bool ready;
    bool deleting;
    int npods;
    const int *pods;   /* [npods] indices into the pod array passed to ca_plan_scale_down */
    double launched_s; /* time the node was added */
};

enum ca_expander {
    CA_EXPANDER_RANDOM,      /* default (FAQ parameter table: expander "random") */
    CA_EXPANDER_LEAST_WASTE, /* least idle CPU (then memory) after scale-up */
    CA_EXPANDER_PRIORITY,    /* highest priority among groups that help; ties at random */
    CA_EXPANDER_MOST_PODS,   /* most pods scheduled */
    CA_EXPANDER_PRICE,       /* cheapest total price of the new nodes (elbsim: price only) */
};

struct ca_cfg {
    double scan_interval_s;                  /* 10 */
    enum ca_expander expander;               /* random */
    double scale_down_utilization_threshold; /* 0.5 */
    double scale_down_unneeded_s;            /* 600 */
    double scale_down_delay_after_add_s;     /* 600 */
    double scale_down_delay_after_delete_s;  /* = scan interval (10) */
    double scale_down_delay_after_failure_s; /* 180 */
    int max_empty_bulk_delete;               /* 10 */
    int max_nodes_total;                     /* 0: no limit */
    bool scale_down_enabled;                 /* true */
    double max_node_provision_s;             /* 900 (the runtime applies it) */
};

/* The documented defaults, each cited in docs/eks.md. */
void ca_cfg_default(struct ca_cfg *c);

/* State kept across scans by the caller (times of the last scale-up, delete and failed
 * delete; -INFINITY: never).  ca_state_init sets them; the runtime calls the notes below. */
struct ca_state {
    double last_add_s, last_delete_s, last_failure_s;
};
void ca_state_init(struct ca_state *st);
void ca_note_scale_up(struct ca_state *st, double now_s);
void ca_note_delete(struct ca_state *st, double now_s);
void ca_note_delete_failure(struct ca_state *st, double now_s);

/* Scale-up plan. */
struct ca_scale_up {
    int group;       /* index into g */
    int nodes;       /* new nodes to add (target += nodes) */
    int pods_helped; /* pending pods those nodes hold */
};

/* Pending (unschedulable) pods -> which group and how many nodes.  For each group that can
 * grow (target < max, total < max_nodes_total when set): the pods that fit one of its nodes
 * (requests <= allocatable, zone matches) are packed first fit, in the given order, into
 * new nodes of the group's shape (as CA's BinpackingNodeEstimator), the count capped by
 * max - target and by max_nodes_total - total nodes (sum of targets).  A group helps if it
 * holds at least one pod.  The expander picks among the groups that help; rng (the
 * caller's own stream) breaks ties and drives the random expander.  Returns 1 and fills
 * *out, or 0 if no group helps (out untouched).  np <= 4096: the packing uses a fixed
 * internal scratch of per-node free room (CA_MAX_ESTIMATE nodes; pods beyond are not
 * counted). */
#define CA_MAX_ESTIMATE 1024
int ca_plan_scale_up(const struct ca_cfg *c, const struct ca_group *g, int ng,
                     const struct ca_pod *pending, int np, gsl_rng *rng, struct ca_scale_up *out);

/* Scale-down, once per scan.  unneeded_since[nn] is the caller's (NAN: needed), updated
 * here.  A node is unneeded if it is ready, not deleting, its utilization
 * max(cpu, mem) requested/allocatable is below the threshold, no pod on it blocks, and its
 * pods fit (first fit, without double-booking) into the free room of the other ready,
 * non-deleting nodes that are not themselves being removed.  Nodes are removed once
 * unneeded for scale_down_unneeded_s, their group above min (counting removals planned in
 * this call), and no delay is running (after add, delete, failure).  Empty nodes go in
 * bulk, up to max_empty_bulk_delete; otherwise at most one non-empty node.  Writes node
 * indices to remove[] (at most max_remove) and returns their count. */
#define CA_MAX_NODES 2048    /* scale-down considers the first CA_MAX_NODES nodes only */
#define CA_MAX_NODE_PODS 512 /* a node with more pods is never a scale-down candidate */
int ca_plan_scale_down(const struct ca_cfg *c, const struct ca_state *st, double now_s,
                       const struct ca_group *g, int ng, const struct ca_node *nodes, int nn,
                       const struct ca_pod *pods, double *unneeded_since, int *remove,
                       int max_remove);

#endif
