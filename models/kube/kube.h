/*
 * kube — an EKS cluster: managed node groups of EC2 instances, the pods of its deployments
 * placed on them by a scheduler, each pod's start-up in its parts, pods registered with
 * load-balancer target groups as the AWS Load Balancer Controller does with target type
 * `ip`, and the control loops that resize it: the Horizontal Pod Autoscaler per deployment,
 * and the Cluster Autoscaler or Karpenter for nodes.  docs/eks.md tells the model with its
 * sources; the decisions themselves are pure modules beside this one (hpa, ca, karpenter).
 *
 * Nodes ("<cluster>/<group>/<n>", or "<cluster>/karpenter/<n>"): LAUNCHING (EC2 launch,
 * boot, kubelet join: `launch_time`) → READY (allocatable = the instance type's vCPUs and
 * memory less kube-reserved, pods placed by their requests) → DRAINING (cordoned, its pods
 * evicted: scale-down) → TERMINATED.  Nodes are not targets: with target type ip the pods
 * are.
 *
 * Pods ("<deployment>/<n>", n in creation order; each pod is a world target):
 *   PENDING   no node has room (FailedScheduling; what the autoscalers react to)
 *   CREATING  scheduled: the image pull (its size over the pull throughput, after the
 *             node's previous pull: the kubelet pulls one image at a time; nothing when the
 *             node has the image), then the container start
 *   STARTED   the container runs and serves what reaches it; the readiness probe runs
 *             every period from the start, counts from initialDelaySeconds, and passes
 *             once the app is up (`app_start`) `success_threshold` times in a row
 *   READY     containers ready: registered with the target groups; with a readiness
 *             gate, the pod's Ready condition waits for the target to be healthy
 *   TERMINATING  deleted: deregistered (the groups' deregistration delay) and drained, at
 *             most terminationGracePeriodSeconds, then killed (requests still held: lost)
 *   GONE
 * Every transition is a `kube` row of events.csv worded as Kubernetes events
 * (Scheduled, FailedScheduling, Pulling, Pulled, Started, ...).
 *
 * Ownership: kube_new copies the cfg; what it points to (strings, arrays, distributions)
 * is borrowed from the scenario and must outlive the cluster.  Pods' targets belong to the
 * world.  kube_free frees the rest; it touches neither targets nor target groups.
 *
 * Integration (the world owner): kube_new after the target groups exist (tgs[k] is the
 * group of index k of the scenario's list); kube_start before tg_health_start; kube_free
 * after the engine stopped.
 */
#ifndef ELBSIM_MODELS_KUBE_H
#define ELBSIM_MODELS_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/compute/target.h"
#include "models/kube/ca.h"
#include "models/kube/hpa.h"
#include "models/kube/karpenter.h"
#include "models/core/node.h"
#include "sim/diag.h"
#include "sim/event.h"

struct env;
struct target_list;
struct target_group;
struct metric_series;
struct sim_dist;
struct catalog_instance;

#define KUBE_NODE_LAUNCH_DEFAULT "lognormal(median=60s, p99=120s)"
#define KUBE_CONTAINER_START_DEFAULT "lognormal(median=1s, p99=3s)"
#define KUBE_FARGATE_START_DEFAULT "lognormal(median=40s, p99=90s)"
#define KUBE_MAX_TGS 8
#define KUBE_EXT_PERIOD_S 60.0 /* s: an External metric's CloudWatch period (ALB: per minute) */
#define KUBE_EXT_DELAY_S 60.0  /* s: its publication delay, as METRIC_DELAY_DEFAULT */

enum kube_autoscaler { KUBE_AS_NONE, KUBE_AS_CLUSTER_AUTOSCALER, KUBE_AS_KARPENTER };
enum kube_target_type { KUBE_TARGET_IP, KUBE_TARGET_INSTANCE };

/* A managed node group: an Auto Scaling group of one instance type. */
struct kube_node_group_cfg {
    const char *name;
    const char *instance_type;
    int min, max, desired;
    const int *zones;                 /* zone indices; NULL: the cluster's */
    int nzones;
    int priority;                     /* the Cluster Autoscaler's priority expander */
    int max_pods;                     /* pods per node (kubelet maxPods); 0: EKS's for the
                                       * type (VPC CNI: ENIs × (addresses − 1) + 2) */
};

/* The readiness probe (Kubernetes defaults: 0 s, 10 s, 1, 3). */
struct kube_probe {
    double initial_delay_s, period_s;
    double timeout_s;                 /* a probe unanswered this long fails, 1 s */
    int success_threshold, failure_threshold;
};

struct kube_deploy_cfg {
    const char *name;                 /* pods are "<name>/<n>" */
    const int *tgs;                   /* target group indices into the world's groups */
    int ntgs;
    enum kube_target_type target_type;
    bool local_traffic;               /* instance: externalTrafficPolicy Local (else Cluster) */
    bool readiness_gate;              /* pod Ready waits for the target to be healthy */
    double cpu_request, mem_request_gb; /* per pod */
    double cpu_limit;                 /* cores; 0: none (the pod runs at its request) */
    double speed;                     /* multiplies the pod's speed, default 1.0 */
    enum target_discipline discipline;
    int queue_limit;
    int replicas;                     /* at t = 0 (Ready from the start) and without HPA */
    const char *image;                /* image name (events); NULL: the deployment's name */
    double image_mb;                  /* compressed size pulled, MB */
    const struct sim_dist *container_start; /* pulled → container running; NULL: default */
    const struct sim_dist *app_start; /* container running → the app answers; NULL: 0 s */
    struct kube_probe probe;
    double termination_grace_s;       /* terminationGracePeriodSeconds, 30 */
    bool spread_zones;                /* topologySpreadConstraints over zones, maxSkew 1 */
    bool fargate;                     /* selected by a Fargate profile: one pod per node */
    double fargate_cpu, fargate_mem_gb; /* the Fargate size its pods are billed at */
    bool has_hpa;
    struct hpa_cfg hpa;
    double metric_resolution_s;       /* metrics-server scrape period, 15 s (docs/eks.md) */
    /* External lb_request_count metrics (hpa.metrics[i].kind HPA_EXTERNAL): the CloudWatch
     * RequestCount of the deployment's target groups, Sum per period, visible delay after
     * the period ends (docs/eks.md "External metric from the load balancer"). */
    double ext_period_s[HPA_MAX_METRICS]; /* 60 s */
    double ext_delay_s[HPA_MAX_METRICS];  /* 60 s */
    bool safe_to_evict;               /* false: its pods block their node's scale-down and
                                       * Karpenter's disruption; true by default */
};

struct kube_cluster_cfg {
    const char *name;
    const int *zones;                 /* zone indices; NULL: every scenario zone */
    int nzones;
    const struct kube_node_group_cfg *groups;
    int ngroups;
    const struct sim_dist *node_launch; /* launch → node Ready; NULL: default */
    const struct sim_dist *fargate_start; /* Fargate capacity for a pod; NULL: default */
    double reserved_cpu_frac;         /* <0: the EKS AMI's kube-reserved formula */
    double image_pull_mbps;           /* MB/s a node pulls an image at, default 50 */
    double image_pull_latency_s;      /* per pull (registry round trips, auth), 1 s */
    enum kube_autoscaler autoscaler;
    struct ca_cfg ca;
    struct karp_cfg karp;
    const char *const *karp_types;    /* Karpenter's allowed instance types (names) */
    int nkarp_types;
    const struct kube_deploy_cfg *deploys;
    int ndeploys;
};

void kube_cluster_cfg_default(struct kube_cluster_cfg *c, const char *name);
void kube_deploy_cfg_default(struct kube_deploy_cfg *c, const char *name);
void kube_node_group_cfg_default(struct kube_node_group_cfg *c, const char *name);
/* The Fargate size (vCPU, GB) a pod of cpu and mem_gb requests runs on: the smallest
 * vCPU at least cpu, with the smallest valid memory at least mem_gb + 0.25 GB (the
 * Kubernetes components); false when none fits. */
bool kube_fargate_size(double cpu, double mem_gb, double *vcpu, double *gb);

/* Where the parts kube_cfg_check looks at were written, so that an error points at the key
 * at fault.  Every pointer may be NULL (then the next wider place is used: the group or
 * deployment, then the cluster entry); the arrays have ngroups and ndeploys entries. */
struct kube_cfg_locs {
    const struct loc *entry;        /* the cluster */
    const struct loc *group;        /* [ngroups] the node group */
    const struct loc *group_type;   /* [ngroups] its instance_type */
    const struct loc *deploy;       /* [ndeploys] the deployment */
    const struct loc *resources;    /* [ndeploys] its resources */
    const struct loc *target_type;  /* [ndeploys] its target_type */
    const struct loc *hpa;          /* [ndeploys] its hpa */
};

/* Check as the reader must (w may be NULL); 0 or -1 after one diag error. */
int kube_cfg_check(const struct kube_cluster_cfg *c, const struct kube_cfg_locs *w);

enum kube_node_state { KUBE_NODE_LAUNCHING, KUBE_NODE_READY, KUBE_NODE_DRAINING,
                       KUBE_NODE_TERMINATED };
enum kube_pod_state { KUBE_POD_PENDING, KUBE_POD_CREATING, KUBE_POD_STARTED, KUBE_POD_READY,
                      KUBE_POD_TERMINATING, KUBE_POD_GONE };

/* An EKS node's NodePort for one deployment (target type instance): a member of the
 * deployment's target groups whose kube-proxy passes each request to a ready pod. */
struct kube_proxy {
    struct node node;                 /* first: a proxy is a node */
    struct kube_cluster *k;
    uint32_t nodei;
    int d;
    char *name;                       /* "<node>:<deployment>", owned */
    uint32_t member[KUBE_MAX_TGS];
    uint32_t *local, nlocal, local_cap; /* ready pods of d on this node (Local) */
};

struct kube_node {
    char *name;                       /* owned */
    int group;                        /* node group; -1: launched by Karpenter */
    const struct catalog_instance *type;
    enum kube_node_state state;
    int zone;
    double launched_s, ready_s, stopped_s; /* NAN until then */
    double alloc_cpu, alloc_mem;      /* allocatable */
    double used_cpu, used_mem;        /* requested by the pods placed on it */
    int npods, max_pods;
    double pull_free_s;               /* s: when its image puller is free */
    double *image_at;                 /* [deployment] s: image present from; NAN: never */
    int replaces;                     /* Karpenter: the node it replaces once Ready; -1 */
    bool replaced;                    /* Karpenter: a replacement for it is launching */
    double changed_s;                 /* s: a pod was last placed on or taken off it */
    struct kube_proxy *proxy;         /* [deployment] NodePorts; NULL without instance mode */
};

struct kube_pod {
    struct target *t;                 /* the world's target, owner = the cluster */
    int deploy;
    int node;                         /* -1 until scheduled */
    enum kube_pod_state state;
    double created_s, scheduled_s, started_s, cready_s, ready_s, deleted_s, gone_s;
    double grace_end_s;               /* terminating: killed at the latest then */
    double pull_from_s;               /* s: its image pull (or wait for one) began */
    uint32_t member[KUBE_MAX_TGS];    /* target group member index, UINT32_MAX none */
    int draining;                     /* groups still draining it */
    uint64_t ev;                      /* its pending lifecycle event, 0 none */
    /* metrics-server's last sample of it */
    double m_busy, m_acc, m_at;       /* busy area, accepted requests at the last scrape */
    double cpu_usage, rps, metric_at; /* usage (cores), requests/s over the window, when */
    bool has_metric;
    /* the readiness probe after the pod was first Ready (kube.probes) */
    int probe_ok, probe_fail;         /* consecutive successes, failures */
    bool unready;                     /* was Ready, failed its probe: state STARTED again */
    bool was_ready;                   /* has been an endpoint (start-up counted once) */
};

struct kube_deploy {
    struct kube_deploy_cfg cfg;       /* copied */
    struct target_group **tgs;        /* [cfg.ntgs] */
    int desired;
    struct hpa_state hpa;
    struct hpa_decision last;         /* the last HPA decision (series) */
    uint64_t rescales, created, deleted;
    double pod_seconds;               /* closed pods' scheduled→gone time */
    uint32_t *ready, nready, ready_cap; /* Ready pods (endpoints), in the order they became so */
    uint64_t started_pods;            /* pods that became Ready during the run */
    double wait_sum_s, pending_sum_s; /* their creation → Ready, and creation → scheduled */
    uint64_t proxied, proxied_cross;  /* instance: requests kube-proxy passed, across zones */
    double cross_zone_bytes;          /* instance: bytes of those across zones */
    struct metric_series *ext;        /* [HPA_MAX_METRICS] External metrics' series, or NULL */
    uint64_t ext_prev[HPA_MAX_METRICS]; /* the target groups' request count at the last feed */
    double ext_next_s[HPA_MAX_METRICS]; /* end of the next period to feed */
};

struct kube_cluster {
    struct kube_cluster_cfg cfg;      /* copied */
    const char *name;
    struct env *env;
    struct target_list *targets;
    int nzones;                       /* scenario zones (when cfg.zones is NULL) */
    bool probes;                      /* probe Ready pods every period (the scenario has
                                       * faults; without, a probe cannot fail) */
    gsl_rng *rng;                     /* node launch times, container starts, expander */
    gsl_rng *proxy_rng;               /* kube-proxy's choices: "eks.<name>.kube-proxy" */
    struct sim_dist *launch_default, *start_default, *fargate_default;
    struct kube_deploy *deps;
    int ndeps;
    struct kube_node *nodes;
    uint32_t nnodes, node_cap;
    struct kube_pod *pods;
    uint32_t npods, pod_cap;
    int *group_target;                /* [group] the node group's desired size */
    struct karp_type *karp_types;     /* Karpenter's allowed types with their allocatable */
    struct ca_state ca;
    double *unneeded_since;           /* [node] the Cluster Autoscaler's clock */
    double batch_first_s, batch_last_s; /* Karpenter's open batch; NAN none */
    int karp_seq;
    double last_failed_log_s;
    uint64_t node_launches, node_terminations, scale_ups, scale_downs;
    /* scratch for the autoscalers' views, grown as needed (no allocation per scan) */
    int *v_zone_pods;                 /* [nzones] the scheduler's count per zone */
    struct ca_pod *v_pods;
    struct ca_node *v_nodes;
    struct ca_group *v_groups;
    struct hpa_pod *v_hpa;
    double *v_free;                   /* [3 × node] cpu, memory, pod slots free */
    struct ca_scratch v_sc;           /* [pods] */
    int *v_dest;                      /* [pods] */
    int *v_podidx, *v_remove, *v_gsize;
    int karp_seen;                    /* uncovered pending pods at Karpenter's last look */
    uint32_t v_cap_pods, v_cap_nodes;
};

struct kube_cluster *kube_new(struct target_list *targets, const struct kube_cluster_cfg *cfg,
                              struct target_group **tgs, int nzones);
void kube_start(struct kube_cluster *k);
void kube_free(struct kube_cluster *k);

/* Every target group finished draining pod target t (its owner op). */
void kube_drained(struct kube_cluster *k, struct target *t);

/* The capacity, in cores, one busy server of a pod of dp stands for (a pod's busy
 * server-seconds times this are its CPU core-seconds). */
double kube_core_per_server(const struct kube_deploy *dp);

struct kube_pod_counts { int pending, creating, started, ready, terminating; };
void kube_deploy_counts(const struct kube_cluster *k, int d, struct kube_pod_counts *out);
struct kube_node_counts { int launching, ready, draining; double cpu_requested_pct; };
void kube_node_counts(const struct kube_cluster *k, struct kube_node_counts *out);

/* Node-hours (launch to termination) up to now and what they cost, USD. */
double kube_node_hours(const struct kube_cluster *k, double now);
double kube_cost_usd(const struct kube_cluster *k, double now);
/* Pod-hours of deployment d (scheduled to gone). */
double kube_pod_hours(const struct kube_cluster *k, int d, double now);

#endif
