/*
 * run_impl — what run.c and run_summary.c share: the measurement state of one run (per
 * workload, target, load balancer, target group, group and service), kept while the
 * simulation runs and read back into summary.csv at its end.  Not for other files.
 */
#ifndef ELBSIM_SIM_CLI_RUN_IMPL_H
#define ELBSIM_SIM_CLI_RUN_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/csvout.h"
#include "models/elb/lb.h"
#include "sim/cli/run.h"
#include "sim/histogram.h"

struct scenario;
struct series_set;
struct slo_windows;
struct cw_out;
struct summary;
struct world;

/* Per-workload measurement state. */
struct wl_meas {
    struct run *run;
    struct hist interval;   /* latencies completed in the current interval */
    struct hist total;      /* latencies completed after warm-up */
    uint64_t prev_requests, prev_completed, prev_errors, prev_timeouts, prev_retries;
    uint64_t slo_miss;  /* intervals after warm-up whose latency broke a latency SLO */
    int id_requests, id_completed, id_errors, id_timeouts, id_tput, id_mean, id_p50, id_p90,
        id_p99, id_inflight;
};

/* What the per-interval scan reads and writes of a target, one cache line (with 10^5
 * targets the scan streams these); what only the summary reads is in struct tgt_sum. */
struct tgt_meas {
    double prev_busy;       /* busy server-seconds at the previous interval */
    uint64_t prev_completed;
    double d_busy;          /* busy server-seconds over the interval just ended */
    uint64_t d_completed;   /* completions over it */
    int held, queue;        /* at the interval's end (the group totals add them up) */
    int servers;            /* t->spec.servers, constant: the scan reads no line of t->spec */
    int id_util, id_inflight, id_queue, id_completed; /* -1 without per-target series */
};

/* A target's counters at warm-up (the summary takes them away), and its bookkeeping there. */
struct tgt_sum {
    double w_busy;
    uint64_t w_accepted, w_completed, w_rejected;
    uint32_t counted_in;    /* the last target group (id + 1) it was summed in */
};

struct lb_meas {
    uint64_t prev_requests, prev_errors;
    uint64_t w_requests, w_errors;
    uint64_t *w_node_requests; /* [node] at warm-up */
    int id_requests, id_errors, id_inflight;
    int id_lcu;                      /* -1: the type has no capacity units */
    int id_lcu_dim[LB_LCU_NDIMS];    /* -1: a dimension the type does not bill */
};

struct tg_meas {
    uint64_t prev_requests, prev_no_target;
    uint64_t w_requests, w_no_target;
    int id_requests, id_no_target;
    /* Without per-target series (output.per_target), the group's targets summed, else -1. */
    int id_targets, id_util, id_inflight, id_queue, id_completed;
};

struct asg_meas {
    uint64_t w_activities, w_launches, w_terminations, w_replacements;
    int id_desired, id_pending, id_in_service, id_warming, id_draining, id_cpu_total;
    double cpu_total;     /* this interval: utilization % of its instances, summed */
    int max_in_service;
};

struct ecs_meas {
    uint64_t w_activities, w_starts, w_stops, w_replacements, w_failures, w_cl_activities,
        w_cl_launches, w_cl_terminations;
    int id_desired, id_prov, id_pending, id_running, id_draining;
    int id_cl_desired, id_cl_pending, id_cl_in_service, id_cl_cpr, id_cl_needed;
    int *id_metric, *id_alarm;
    int max_running, max_instances;
};

struct kube_meas {
    uint64_t w_launches, w_terminations, w_scale_ups, w_scale_downs;
    uint64_t *w_rescales, *w_created, *w_started; /* [deployment] */
    double *w_wait, *w_pending;         /* [deployment] */
    int id_launching, id_ready, id_draining, id_cpu_req, id_pending;
    int *id_dep;                        /* [deployment × KUBE_DEP_SERIES] */
    int *max_ready;                     /* [deployment] */
    int max_nodes;
};

#define KUBE_DEP_SERIES (6 + HPA_MAX_METRICS)

struct run {
    const struct scenario *sc;
    const struct run_opts *o;
    struct world *w;
    struct series_set *series;
    struct csvout events;
    struct csvout requests;
    bool requests_open;
    struct wl_meas *wl;
    struct tgt_meas *tg_t; /* per target */
    struct tgt_sum *tg_s;  /* per target */
    uint32_t tg_t_cap;     /* both hold this many */
    struct asg_meas *asg;
    struct ecs_meas *ecs;
    struct kube_meas *kube;
    uint32_t ntgt_meas;
    struct lb_meas *lb;
    struct tg_meas *tg;
    bool warm;             /* warm-up is over */
    uint64_t ticks;        /* intervals written so far */
    double last_tick;      /* s: end of the previous interval */
    double next_progress;
    double wall_start_s;   /* wall clock at the start (progress on a terminal only) */
    struct slo_windows *slo_win; /* the SLOs judged over windows; NULL when none */
    struct cw_out *cw;     /* output.cloudwatch; NULL when off */
};

/* summary.csv's rows from the run's state at its end (run_summary.c). */
struct summary *run_make_summary(struct run *r);

#endif
