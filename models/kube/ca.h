/* The Kubernetes Cluster Autoscaler's decisions, as pure functions (docs/eks.md "Cluster
 * Autoscaler").
 *
 * Every scan (scan_interval_s, 10 s by default) the EKS runtime hands over its pending
 * (unschedulable) pods not already covered by nodes that are launching, and its node
 * groups; ca_plan_scale_up estimates, per group, how many new nodes of the group's shape
 * the pods need (first fit decreasing, as the BinpackingNodeEstimator), and the expander
 * picks one group.  ca_plan_scale_down marks nodes unneeded (requests below the threshold
 * and every pod fits elsewhere) and says which to remove once unneeded long enough.
 *
 * Sources: the Cluster Autoscaler FAQ (github.com/kubernetes/autoscaler,
 * cluster-autoscaler/FAQ.md: "How does scale-up work", "How does scale-down work", the
 * parameters table) and its expanders (cluster-autoscaler/expander/).
 * Left out: node group auto-discovery, balancing similar groups, scale-up from zero
 * templates other than the group's instance type, provisioning failures and back-off,
 * PodDisruptionBudgets, pods with local storage (every pod of the runtime belongs to a
 * ReplicaSet and is evictable unless blocks_scale_down says otherwise).
 *
 * No engine, no events, no I/O; no allocation: the caller passes scratch of its size. */
#ifndef ELBSIM_MODELS_KUBE_CA_H
#define ELBSIM_MODELS_KUBE_CA_H

#include <stdbool.h>

#include <gsl/gsl_rng.h>

struct catalog_instance;

/* CPU (cores) and memory (GB) requested or allocatable. */
struct kube_res {
    double cpu, mem_gb;
};

struct ca_pod {
    struct kube_res req;
    int zone;                /* zone it must run in; -1 any (kept for the runtime) */
    bool blocks_scale_down;  /* not evictable: its node is never removed */
};

/* A node group: an Auto Scaling group of one instance type. */
struct ca_group {
    const char *name;
    struct kube_res alloc;   /* one node's allocatable */
    int max_pods;            /* pods one node takes */
    int target, min, max;    /* desired size now, and its bounds */
    int priority;            /* the priority expander's; higher first */
};

/* A node as the scale-down sees it. */
struct ca_node {
    int group;               /* its node group; -1: not the Cluster Autoscaler's */
    struct kube_res alloc, requested;
    bool ready;              /* Ready and schedulable: a possible destination and candidate */
    int npods, max_pods;
    const int *pods;         /* indices into the pod array */
    double changed_s;        /* s: a pod was last placed on or taken off it (Karpenter) */
    const struct catalog_instance *type;
};

enum ca_expander { CA_EXPANDER_RANDOM, CA_EXPANDER_LEAST_WASTE, CA_EXPANDER_PRIORITY };

struct ca_cfg {
    double scan_interval_s;                  /* --scan-interval, 10 s */
    enum ca_expander expander;               /* --expander, random */
    bool scale_down_enabled;                 /* --scale-down-enabled, true */
    double scale_down_utilization_threshold; /* 0.5 (requests / allocatable) */
    double scale_down_unneeded_s;            /* --scale-down-unneeded-time, 10 min */
    double scale_down_delay_after_add_s;     /* 10 min */
    double scale_down_delay_after_delete_s;  /* the scan interval (0: the scan interval) */
    int max_empty_bulk_delete;               /* 10 */
    int max_nodes_total;                     /* 0: no limit */
};

/* The defaults above (docs/eks.md cites each). */
void ca_cfg_default(struct ca_cfg *c);

/* What the autoscaler remembers between scans. */
struct ca_state {
    double last_up_s, last_down_s;           /* -inf before the first */
};

void ca_state_init(struct ca_state *s);
void ca_note_scale_up(struct ca_state *s, double now_s);
void ca_note_scale_down(struct ca_state *s, double now_s);

/* Scratch for the estimates, np entries each (the caller's, reused across scans). */
struct ca_scratch {
    int *order;              /* [np] */
    double *room;            /* [3 × np]: cpu, memory, pods used on each new node */
};

/* How many nodes of one group the pods need, first fit decreasing (by the larger of their
 * cpu and memory shares of a node) into new nodes of the group's shape; pods that fit no
 * empty node of it are not helped.  At most max_new nodes: pods that would need more are
 * not helped either.  Returns the nodes; *helped the pods they take, *waste (when not NULL)
 * the least-waste expander's score: unused cpu fraction + unused memory fraction of the
 * new nodes. */
int ca_estimate(const struct ca_group *g, const struct ca_pod *pods, int np, int max_new,
                struct ca_scratch *sc, int *helped, double *waste);

struct ca_scale_up {
    int group;               /* -1: none helps */
    int nodes;
    int pods_helped;
};

/* Scale-up: the groups that can grow (below max; with max_nodes_total, below it counting
 * total_nodes) and help some pod are the options; the expander picks one (random: uniform;
 * least-waste: the least waste score; priority: the highest priority; ties at random).
 * rng: the caller's own stream.  Returns 0 with *out, or -1 when no group helps. */
int ca_plan_scale_up(const struct ca_cfg *c, const struct ca_group *g, int ng,
                     const struct ca_pod *pending, int np, int total_nodes, gsl_rng *rng,
                     struct ca_scratch *sc, struct ca_scale_up *out);

/* Free room of every Ready node into free_room[3i..3i+2]: cpu, memory, pod slots (0 for a
 * node that is not Ready). */
void ca_free_room(const struct ca_node *nodes, int nn, double *free_room);

/* A node's utilization as scale-down counts it: the larger of requested cpu / allocatable
 * and requested memory / allocatable. */
double ca_utilization(const struct ca_node *n);

/* Could every pod of node `from` be placed, first fit in node order, into the free room
 * (ca_free_room) of the Ready nodes other than `from` and `skip` (-1 none)?  On success the
 * room is taken (a later check sees it) and dest[q] says where pod q of the node went; on
 * failure free_room is as it was.  dest: scratch of the node's pod count.  Shared with
 * Karpenter's consolidation. */
bool ca_fits_elsewhere(const struct ca_node *nodes, int nn, const struct ca_pod *pods, int from,
                       int skip, double *free_room, int *dest);

/* Scale-down at now_s.  For every node i, unneeded_since[i] is kept across scans by the
 * caller (NAN: needed): a Ready node of a group above its min size whose utilization is
 * below the threshold and whose pods, none blocking, all fit into the free room of the
 * other Ready nodes is unneeded since the first scan that found it so; any other node's
 * mark is cleared.  Within the delays after a scale-up (scale_down_delay_after_add_s) or a
 * removal (scale_down_delay_after_delete_s, or the scan interval), marks are kept but
 * nothing is removed.  Otherwise the nodes unneeded for scale_down_unneeded_s are removed:
 * the empty ones together (at most max_empty_bulk_delete), or else one non-empty node (the
 * one unneeded longest, its pods checked again), never taking a group below its min.
 * Writes their indices to remove[0..max_remove) and returns how many.  Scratch:
 * free_room 3 × nn doubles, dest as many ints as the most pods on a node, group_size ng
 * ints. */
int ca_plan_scale_down(const struct ca_cfg *c, const struct ca_state *st, double now_s,
                       const struct ca_group *g, int ng, const struct ca_node *nodes, int nn,
                       const struct ca_pod *pods, double *unneeded_since, double *free_room,
                       int *dest, int *group_size, int *remove, int max_remove);

#endif
