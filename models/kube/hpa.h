/* The Kubernetes Horizontal Pod Autoscaler's decision at one sync, as a pure function.
 *
 * Every sync (sync_s, 15 s by default) the EKS runtime lists the pods of the scaled workload
 * as the HPA sees them (struct hpa_pod) and calls hpa_decide(), which does what the
 * controller's reconcile does (kubernetes pkg/controller/podautoscaler/horizontal.go and
 * replica_calculator.go): one replica proposal per metric (groupPods, tolerance, the
 * conservative recomputation with missing and unready pods), the largest proposal, the
 * min/max rules, then the behavior: stabilization windows, the scale-up and scale-down
 * rate policies, the bounds.  Metric values are turned into milli-units and averaged with
 * integer arithmetic as the controller does, so a utilization of 54.9 % reads as 54 %.
 *
 * Units: seconds for times, cores for CPU usage and requests, the metric's own unit for
 * Pods and External metrics, percent of the request for a CPU target.
 * Sources and defaults: docs/eks.md "Horizontal Pod Autoscaler".
 * Left out: Object metrics, memory and other resources, container resource metrics,
 * External metrics with a Value (total) target, per-direction tolerances, scaling to zero
 * (HPAScaleToZero), the v1 path without behavior (elbsim always applies the documented
 * default behavior), failed API calls.
 *
 * No engine, no events, no I/O, no allocation: the history lives in struct hpa_state, fixed
 * size rings (HPA_HISTORY entries) that hpa_cfg_check() proves large enough. */
#ifndef ELBSIM_MODELS_KUBE_HPA_H
#define ELBSIM_MODELS_KUBE_HPA_H

#include <stdbool.h>
#include <stddef.h>

#define HPA_MAX_METRICS 8   /* metrics per HPA */
#define HPA_MAX_POLICIES 4  /* policies per direction */
#define HPA_HISTORY 256     /* entries per history ring (3600 s window / 15 s sync = 240) */

enum hpa_metric_kind {
    HPA_RESOURCE_CPU, /* Resource cpu, target type Utilization: average % of the CPU request */
    HPA_PODS,         /* Pods metric, target AverageValue: average value per pod (e.g. req/s) */
    HPA_EXTERNAL      /* External metric, target AverageValue: total value ÷ target per pod */
};

struct hpa_metric {
    enum hpa_metric_kind kind;
    const char *name; /* as in the reason strings ("cpu" for CPU); borrowed */
    double target;    /* CPU: whole percent of the request (1..); others: value per pod > 0 */
};

enum hpa_policy_type {
    HPA_POLICY_PODS,   /* at most value pods per period */
    HPA_POLICY_PERCENT /* at most value % of the replicas at the period's start per period */
};

/* selectPolicy: which policy's limit applies when there are several. */
enum hpa_select {
    HPA_SELECT_MAX,     /* the one allowing the largest change (Kubernetes default) */
    HPA_SELECT_MIN,     /* the one allowing the smallest change */
    HPA_SELECT_DISABLED /* no scaling in this direction */
};

struct hpa_policy {
    enum hpa_policy_type type;
    int value;       /* pods or percent, > 0 */
    double period_s; /* 0 < period <= 1800 */
};

/* One direction of spec.behavior. */
struct hpa_rules {
    double stabilization_s; /* 0..3600 */
    enum hpa_select select;
    struct hpa_policy pol[HPA_MAX_POLICIES];
    int npol; /* 1..HPA_MAX_POLICIES unless select is HPA_SELECT_DISABLED */
};

struct hpa_cfg {
    int min_replicas, max_replicas; /* 1 <= min <= max; max has no default (required) */
    struct hpa_metric metrics[HPA_MAX_METRICS];
    int nmetrics;                     /* 1..HPA_MAX_METRICS */
    struct hpa_rules up, down;        /* behavior.scaleUp, behavior.scaleDown */
    double tolerance;                 /* no change while |ratio - 1| <= tolerance; 0.1 */
    double cpu_initialization_s;      /* CPU samples of young pods are distrusted; 300 s */
    double initial_readiness_delay_s; /* unready this long after start = never ready; 30 s */
    double sync_s;                    /* time between two hpa_decide calls; 15 s */
};

/* Kubernetes defaults, cited in docs/eks.md: min 1, max 0 (must be set), one metric cpu at
 * 80 % utilization, tolerance 0.1, CPU initialization 300 s, initial readiness delay 30 s,
 * sync 15 s; scale up: no stabilization, 4 pods and 100 % per 15 s, Max; scale down:
 * 300 s stabilization, 100 % per 15 s, Max. */
void hpa_cfg_default(struct hpa_cfg *c);

/* 0 if c is usable, else -1 with why (a sentence naming the field, the value and what is
 * expected) written into why[0..n).  hpa_state_init and hpa_decide assume a checked cfg. */
int hpa_cfg_check(const struct hpa_cfg *c, char *why, size_t n);

/* One pod of the workload as the HPA sees it at a sync. */
struct hpa_pod {
    bool deleting;         /* being deleted, or Failed: left out entirely */
    bool pending;          /* phase Pending (not running yet): unready for every metric */
    bool ready;            /* Ready condition is True */
    double start_s;        /* status.startTime */
    double ready_change_s; /* lastTransitionTime of the Ready condition */
    bool has_metric[HPA_MAX_METRICS];      /* a sample exists (CPU and Pods metrics) */
    double value[HPA_MAX_METRICS];         /* CPU: usage in cores; Pods: the value */
    double metric_time_s[HPA_MAX_METRICS]; /* when the sample was taken (its window's end) */
    double metric_window_s;                /* the window the samples average over */
    double cpu_request;                    /* cores requested, > 0 when a CPU metric is used */
};

/* A value with its time: a recommendation (replicas) or a scale event (replica change). */
struct hpa_stamped {
    double t_s;
    int n;
};

/* Entries in time order; the oldest are dropped once outside every window that reads them. */
struct hpa_ring {
    struct hpa_stamped e[HPA_HISTORY];
    int head; /* index of the oldest entry */
    int len;
};

/* The controller's memory for one HPA: the unstabilized recommendations of past syncs
 * (stabilization windows), and the scale-up and scale-down events with their size (rate
 * policies).  Caller storage, set up by hpa_state_init. */
struct hpa_state {
    struct hpa_ring recs;
    struct hpa_ring ups;   /* replicas added per rescale */
    struct hpa_ring downs; /* replicas removed per rescale */
    double last_s;         /* time of the last hpa_decide, -HUGE_VAL before the first */
};

void hpa_state_init(struct hpa_state *s, const struct hpa_cfg *c);

/* What one sync decided. */
struct hpa_decision {
    int desired;  /* replicas to set; == current_replicas when !rescale */
    int metric;   /* index of the metric whose proposal won, -1 if none */
    bool rescale; /* desired != current_replicas: the runtime must apply it */
    char reason[128]; /* why, as the SuccessfulRescale event says it: "cpu resource
                       * utilization (percentage of request) above target", "All metrics
                       * below target", "Current number of replicas above Spec.MaxReplicas" */
    const char *able;    /* AbleToScale reason: SucceededRescale when rescale, else
                          * ReadyForNewScale, ScaleUpStabilized, ScaleDownStabilized or
                          * SucceededGetScale (behavior not applied) */
    const char *active;  /* ScalingActive reason: ValidMetricFound, ScalingDisabled,
                          * FailedGetResourceMetric, FailedGetPodsMetric,
                          * FailedGetExternalMetric; NULL when the metrics were not read
                          * (replicas outside min..max) */
    const char *limited; /* ScalingLimited reason: DesiredWithinRange, ScaleUpLimit,
                          * TooManyReplicas, ScaleDownLimit, TooFewReplicas; NULL when the
                          * behavior was not applied */
    bool valid[HPA_MAX_METRICS];    /* the metric could be computed this sync */
    double value[HPA_MAX_METRICS];  /* as the HPA status shows it: CPU % (whole), Pods
                                     * average value, External average value per replica */
    int proposal[HPA_MAX_METRICS];  /* replicas each valid metric proposed */
};

/* One sync at now_s (called every sync_s, now_s never decreasing) for a workload whose spec
 * asks current_replicas pods, given its pods (borrowed, npods >= 0) and, for each External
 * metric i, its current total in external_value[i] (NaN: unavailable; other kinds' entries
 * are not read; may be NULL without External metrics).  Fills *out and records in s the
 * recommendation and, when out->rescale, the scale event (the runtime applies every rescale).
 * current_replicas 0 with min_replicas > 0 means scaling is disabled: no change. */
void hpa_decide(struct hpa_state *s, const struct hpa_cfg *c, double now_s, int current_replicas,
                const struct hpa_pod *pods, int npods, const double *external_value,
                struct hpa_decision *out);

/* The SuccessfulRescale event text, "New size: 6; reason: cpu resource utilization
 * (percentage of request) above target", into buf[0..n) (truncated, always terminated).
 * Returns the length snprintf would write; 0 and an empty string when !d->rescale. */
int hpa_event_text(const struct hpa_decision *d, char *buf, size_t n);

#endif
