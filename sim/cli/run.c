#include "sim/cli/run.h"
#include "sim/cli/run_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/csvout.h"
#include "analysis/outdir.h"
#include "sim/histogram.h"
#include "analysis/series.h"
#include "analysis/summary.h"
#include "models/scaling/asg.h"
#include "models/containers/ecs.h"
#include "models/kube/kube.h"
#include "models/elb/lb.h"
#include "models/core/request.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/traffic/workload.h"
#include "models/scenario/world.h"
#include "sim/cli/access_log.h"
#include "sim/cli/cloudwatch_out.h"
#include "sim/cli/headline.h"
#include "sim/cli/slo_window.h"
#include "sim/interrupt.h"
#include "sim/xalloc.h"


#define TARGET_SCAN_AHEAD 16 /* targets: about a memory latency of the scan's iterations */
_Static_assert(sizeof(struct tgt_meas) <= 64, "the scan's part of a target's measures is a line");

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Every successful request's latency, into the interval's histogram. */
static void latency_record(void *ctx, double v)
{
    struct wl_meas *m = ctx;
    hist_record(&m->interval, v);
    slo_windows_record(m->run->slo_win, (int)(m - m->run->wl), v);
}

/* A measured request's latency (first sent after the warm-up), into the run's. */
static void measured_latency_record(void *ctx, double v)
{
    struct wl_meas *m = ctx;
    hist_record(&m->total, v);
}

static void event_row(void *ctx, double t, const char *kind, const char *name,
                      const char *detail)
{
    struct run *r = ctx;
    csvout_num(&r->events, t);
    csvout_str(&r->events, kind);
    csvout_str(&r->events, name);
    csvout_str(&r->events, detail);
    csvout_end_row(&r->events);
    if (r->cw)
        cw_out_event(r->cw, t, kind, name, detail);
}

static void request_row(void *ctx, const struct request *rq, double now)
{
    struct run *r = ctx;
    struct csvout *o = &r->requests;
    csvout_int(o, (long long)rq->id);
    csvout_str(o, rq->wl->name);
    csvout_int(o, (long long)rq->flow_id);
    csvout_int(o, rq->attempt);
    csvout_num(o, request_first_sent_s(rq));
    csvout_num(o, rq->sent_s);
    csvout_num(o, rq->demand_s);
    csvout_str(o, rq->path ? rq->path : "/");
    /* Entries are load balancers: the zone of the LB node that took the request. */
    const struct lb *lb = container_of(rq->wl->entry, struct lb, node);
    csvout_str(o, rq->nhops > 0 ? r->sc->zones[lb->node_zone[rq->lb_node]] : "");
    csvout_str(o, rq->target ? rq->target->node.name : "");
    csvout_num(o, rq->target ? target_arrival_s(rq) : (double)NAN);
    csvout_num(o, now);
    csvout_num(o, now - rq->sent_s);
    csvout_int(o, rq->status);
    csvout_int(o, rq->abandoned ? 1 : 0);
    csvout_int(o, rq->request_bytes);
    csvout_int(o, rq->response_bytes);
    csvout_end_row(o);
}

static int define(struct run *r, const char *scope, const char *name, const char *metric)
{
    return series_add(r->series, scope, name, metric);
}

/* Targets launched since the last call (auto scaling) get their measures and series. */
static void sync_targets(struct run *r)
{
    struct world *w = r->w;
    if (w->targets.n <= r->ntgt_meas)
        return;
    bool per = r->sc->per_target;
    if (per)
        series_reserve(r->series,
                       series_count(r->series) + 4 * (int)(w->targets.n - r->ntgt_meas));
    if (w->targets.n > r->tg_t_cap) {
        uint32_t cap = r->tg_t_cap ? r->tg_t_cap : 16;
        while (cap < w->targets.n)
            cap *= 2;
        r->tg_t = xrealloc_huge(r->tg_t, r->tg_t_cap * sizeof *r->tg_t, cap * sizeof *r->tg_t);
        r->tg_s = xrealloc(r->tg_s, cap * sizeof *r->tg_s);
        r->tg_t_cap = cap;
    }
    for (uint32_t i = r->ntgt_meas; i < w->targets.n; i++) {
        const char *n = w->targets.t[i]->node.name;
        struct tgt_meas *m = &r->tg_t[i];
        *m = (struct tgt_meas){.servers = w->targets.t[i]->spec.servers};
        r->tg_s[i] = (struct tgt_sum){0};
        /* Counters of a target made after the warm-up start at zero: nothing to take
         * away.  busy_area up to now is zero too (it just launched). */
        m->id_util = per ? define(r, "target", n, "utilization") : -1;
        m->id_inflight = per ? define(r, "target", n, "in_flight") : -1;
        m->id_queue = per ? define(r, "target", n, "queue_length") : -1;
        m->id_completed = per ? define(r, "target", n, "completed") : -1;
    }
    r->ntgt_meas = w->targets.n;
}

static void setup_series(struct run *r)
{
    struct world *w = r->w;
    r->wl = xcalloc((size_t)w->nworkloads, sizeof *r->wl);
    for (int i = 0; i < w->nworkloads; i++) {
        struct wl_meas *m = &r->wl[i];
        const char *n = w->workloads[i]->name;
        m->run = r;
        hist_init(&m->interval);
        hist_init(&m->total);
        m->id_requests = define(r, "workload", n, "requests");
        m->id_completed = define(r, "workload", n, "completed");
        m->id_errors = define(r, "workload", n, "errors");
        m->id_timeouts = define(r, "workload", n, "timeouts");
        m->id_tput = define(r, "workload", n, "throughput_rps");
        m->id_mean = define(r, "workload", n, "latency_mean_s");
        m->id_p50 = define(r, "workload", n, "latency_p50_s");
        m->id_p90 = define(r, "workload", n, "latency_p90_s");
        m->id_p99 = define(r, "workload", n, "latency_p99_s");
        m->id_inflight = define(r, "workload", n, "in_flight");
        w->workloads[i]->latency = (struct sim_sink){latency_record, m};
        w->workloads[i]->measured_latency = (struct sim_sink){measured_latency_record, m};
        w->workloads[i]->measure_from_s = r->sc->warmup_s;
    }
    r->lb = xcalloc((size_t)(w->nlbs ? w->nlbs : 1), sizeof *r->lb);
    for (int i = 0; i < w->nlbs; i++) {
        const char *n = w->lbs[i]->node.name;
        r->lb[i].w_node_requests = xcalloc((size_t)w->lbs[i]->nnodes, sizeof(uint64_t));
        r->lb[i].id_requests = define(r, "lb", n, "requests");
        r->lb[i].id_errors = define(r, "lb", n, "errors");
        r->lb[i].id_inflight = define(r, "lb", n, "in_flight");
        /* Capacity units of the hour so far, billed and by dimension, so the series shows
         * which dimension drives the bill (at an hour's last interval: what it bills). */
        const struct lb_lcu_rates *rt = lb_lcu_rates(w->lbs[i]);
        r->lb[i].id_lcu = rt->unit_usd_h > 0 ? define(r, "lb", n, "lcu") : -1;
        for (int k = 0; k < LB_LCU_NDIMS; k++) {
            char metric[64];
            snprintf(metric, sizeof metric, "lcu_%s", lb_lcu_dim_names[k]);
            r->lb[i].id_lcu_dim[k] =
                rt->unit_usd_h > 0 && rt->per_unit[k] > 0 ? define(r, "lb", n, metric) : -1;
        }
    }
    r->tg = xcalloc((size_t)(w->ntgs ? w->ntgs : 1), sizeof *r->tg);
    for (int i = 0; i < w->ntgs; i++) {
        const char *n = w->tgs[i]->node.name;
        r->tg[i].id_requests = define(r, "target_group", n, "requests");
        r->tg[i].id_no_target = define(r, "target_group", n, "no_target");
        bool agg = !r->sc->per_target;
        r->tg[i].id_targets = agg ? define(r, "target_group", n, "targets") : -1;
        r->tg[i].id_util = agg ? define(r, "target_group", n, "utilization") : -1;
        r->tg[i].id_inflight = agg ? define(r, "target_group", n, "in_flight") : -1;
        r->tg[i].id_queue = agg ? define(r, "target_group", n, "queue_length") : -1;
        r->tg[i].id_completed = agg ? define(r, "target_group", n, "completed") : -1;
    }
    r->asg = xcalloc((size_t)(w->nasgs ? w->nasgs : 1), sizeof *r->asg);
    for (int i = 0; i < w->nasgs; i++) {
        struct asg *a = w->asgs[i];
        struct asg_meas *m = &r->asg[i];
        m->id_desired = define(r, "asg", a->name, "desired");
        m->id_pending = define(r, "asg", a->name, "pending");
        m->id_in_service = define(r, "asg", a->name, "in_service");
        m->id_warming = define(r, "asg", a->name, "warming");
        m->id_draining = define(r, "asg", a->name, "draining");
        m->id_cpu_total = define(r, "asg", a->name, "cpu_total");
        for (int k = 0; k < a->npol; k++) {
            struct as_policy *ap = &a->pol[k];
            char metric[300];
            snprintf(metric, sizeof metric, "%s.metric", ap->p->name);
            ap->id_metric = define(r, "asg", a->name, metric);
            snprintf(metric, sizeof metric, "%s.alarm", ap->p->name);
            ap->id_alarm = define(r, "asg", a->name, metric);
        }
    }
    r->ecs = xcalloc((size_t)(w->necs ? w->necs : 1), sizeof *r->ecs);
    for (int i = 0; i < w->necs; i++) {
        struct ecs_service *e = w->ecs[i];
        struct ecs_meas *m = &r->ecs[i];
        m->id_desired = define(r, "ecs", e->name, "desired");
        m->id_prov = define(r, "ecs", e->name, "provisioning");
        m->id_pending = define(r, "ecs", e->name, "pending");
        m->id_running = define(r, "ecs", e->name, "running");
        m->id_draining = define(r, "ecs", e->name, "draining");
        m->id_metric = xcalloc((size_t)(e->npol ? e->npol : 1), sizeof(int));
        m->id_alarm = xcalloc((size_t)(e->npol ? e->npol : 1), sizeof(int));
        for (int k = 0; k < e->npol; k++) {
            char metric[300];
            snprintf(metric, sizeof metric, "%s.metric", e->cfg.policies[k].name);
            m->id_metric[k] = define(r, "ecs", e->name, metric);
            snprintf(metric, sizeof metric, "%s.alarm", e->cfg.policies[k].name);
            m->id_alarm[k] = define(r, "ecs", e->name, metric);
        }
        if (e->cfg.launch_type == ECS_LAUNCH_EC2) {
            m->id_cl_desired = define(r, "ecs_cluster", e->cl.name, "desired");
            m->id_cl_pending = define(r, "ecs_cluster", e->cl.name, "pending");
            m->id_cl_in_service = define(r, "ecs_cluster", e->cl.name, "in_service");
            m->id_cl_cpr = define(r, "ecs_cluster", e->cl.name, "cpr_pct");
            m->id_cl_needed = define(r, "ecs_cluster", e->cl.name, "needed");
        }
    }
    r->kube = xcalloc((size_t)(w->nkube ? w->nkube : 1), sizeof *r->kube);
    for (int i = 0; i < w->nkube; i++) {
        struct kube_cluster *k = w->kube[i];
        struct kube_meas *m = &r->kube[i];
        size_t nd = (size_t)(k->ndeps ? k->ndeps : 1);
        m->id_dep = xcalloc(nd * KUBE_DEP_SERIES, sizeof *m->id_dep);
        m->max_ready = xcalloc(nd, sizeof *m->max_ready);
        m->w_rescales = xcalloc(nd, sizeof *m->w_rescales);
        m->w_created = xcalloc(nd, sizeof *m->w_created);
        m->w_started = xcalloc(nd, sizeof *m->w_started);
        m->w_wait = xcalloc(nd, sizeof *m->w_wait);
        m->w_pending = xcalloc(nd, sizeof *m->w_pending);
        for (int d = 0; d < k->ndeps; d++) {
            const struct kube_deploy *dp = &k->deps[d];
            int *id = m->id_dep + (size_t)d * KUBE_DEP_SERIES;
            static const char *const names[] = {"desired", "pending", "creating", "started",
                                                "ready", "terminating"};
            for (int q = 0; q < 6; q++)
                id[q] = define(r, "deployment", dp->cfg.name, names[q]);
            for (int q = 0; dp->cfg.has_hpa && q < dp->cfg.hpa.nmetrics; q++) {
                char metric[300];
                snprintf(metric, sizeof metric, "hpa.%s", dp->cfg.hpa.metrics[q].name);
                id[6 + q] = define(r, "deployment", dp->cfg.name, metric);
            }
        }
        /* The cluster's nodes after its deployments' pods: capacity.png draws them below. */
        m->id_launching = define(r, "eks_cluster", k->name, "nodes_launching");
        m->id_ready = define(r, "eks_cluster", k->name, "nodes_ready");
        m->id_draining = define(r, "eks_cluster", k->name, "nodes_draining");
        m->id_cpu_req = define(r, "eks_cluster", k->name, "cpu_requested_pct");
        m->id_pending = define(r, "eks_cluster", k->name, "pending_pods");
    }
    sync_targets(r);
}

/* Does this interval's latency break one of the scenario's latency SLOs on workload wl
 * (`workload.<wl>.latency_pNN_s < v`, or _mean_s)? */
static bool interval_breaks_slo(const struct scenario *sc, const char *wl, const struct hist *h)
{
    for (int i = 0; i < sc->nslos; i++) {
        const struct sc_slo *o = &sc->slos[i];
        if (strcmp(o->scope, "workload") || strcmp(o->name, wl) ||
            strncmp(o->metric, "latency_", 8))
            continue;
        double v;
        const char *m = o->metric + 8;
        if (!strcmp(m, "mean_s"))
            v = hist_mean(h);
        else if (m[0] == 'p' && strstr(m, "_s"))
            v = hist_quantile(h, atof(m + 1) / (strlen(m) - 3 > 2 ? 1000.0 : 100.0));
        else
            continue;
        bool ok = !strcmp(o->op, "<")    ? v < o->value
                  : !strcmp(o->op, "<=") ? v <= o->value
                  : !strcmp(o->op, ">")  ? v > o->value
                                         : v >= o->value;
        if (!ok)
            return true;
    }
    return false;
}

/* Without per-target series: each target group's registered targets (draining ones
 * included) summed over the interval just ended; utilization is their busy vCPU-seconds
 * over their vCPU-seconds.  O(members) per interval. */
static void tg_aggregates(struct run *r, double dt)
{
    struct world *w = r->w;
    for (int i = 0; i < w->ntgs; i++) {
        const struct target_group *g = w->tgs[i];
        const struct tg_meas *m = &r->tg[i];
        double busy = 0, servers = 0, held = 0, queue = 0, completed = 0, n = 0;
        for (uint32_t k = 0; k < g->nmembers; k++) {
            const struct tg_member *mb = &g->members[k];
            if (!mb->t || !mb->registered)
                continue;
            const struct tgt_meas *tm = &r->tg_t[mb->tid];
            n++;
            busy += tm->d_busy;
            servers += tm->servers;
            held += tm->held;
            queue += tm->queue;
            completed += (double)tm->d_completed;
        }
        series_set(r->series, m->id_targets, n);
        if (servers > 0)
            series_set(r->series, m->id_util, busy / (servers * dt));
        series_set(r->series, m->id_inflight, held);
        series_set(r->series, m->id_queue, queue);
        series_set(r->series, m->id_completed, completed);
    }
}

/* One row per interval per series. */
static void on_interval(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct run *r = ctx;
    struct world *w = r->w;
    /* The last interval may be shorter: rates divide by its real length. */
    double now = sim_now(sim), dt = now - r->last_tick;
    r->last_tick = now;
    for (int i = 0; i < w->nworkloads; i++) {
        struct workload *wl = w->workloads[i];
        struct wl_meas *m = &r->wl[i];
        series_set(r->series, m->id_requests, (double)(wl->requests - m->prev_requests));
        series_set(r->series, m->id_completed, (double)(wl->completed - m->prev_completed));
        series_set(r->series, m->id_errors, (double)(wl->errors - m->prev_errors));
        series_set(r->series, m->id_timeouts, (double)(wl->timeouts - m->prev_timeouts));
        series_set(r->series, m->id_tput, (double)(wl->completed - m->prev_completed) / dt);
        series_set(r->series, m->id_inflight, (double)wl->in_flight);
        if (hist_count(&m->interval)) {
            series_set(r->series, m->id_mean, hist_mean(&m->interval));
            series_set(r->series, m->id_p50, hist_quantile(&m->interval, 0.50));
            series_set(r->series, m->id_p90, hist_quantile(&m->interval, 0.90));
            series_set(r->series, m->id_p99, hist_quantile(&m->interval, 0.99));
            if (r->warm && interval_breaks_slo(r->sc, wl->name, &m->interval))
                m->slo_miss++;
        }
        hist_reset(&m->interval);
        m->prev_requests = wl->requests;
        m->prev_completed = wl->completed;
        m->prev_errors = wl->errors;
        m->prev_timeouts = wl->timeouts;
    }
    for (int i = 0; i < w->nlbs; i++) {
        struct lb *lb = w->lbs[i];
        struct lb_meas *m = &r->lb[i];
        series_set(r->series, m->id_requests, (double)(lb->requests - m->prev_requests));
        series_set(r->series, m->id_errors, (double)(lb->errors - m->prev_errors));
        series_set(r->series, m->id_inflight, (double)lb->in_flight);
        if (m->id_lcu >= 0) {
            double dims[LB_LCU_NDIMS];
            series_set(r->series, m->id_lcu, lb_lcu_hour_so_far(lb, now, dims));
            for (int k = 0; k < LB_LCU_NDIMS; k++)
                if (m->id_lcu_dim[k] >= 0)
                    series_set(r->series, m->id_lcu_dim[k], dims[k]);
        }
        m->prev_requests = lb->requests;
        m->prev_errors = lb->errors;
    }
    for (int i = 0; i < w->ntgs; i++) {
        struct target_group *g = w->tgs[i];
        struct tg_meas *m = &r->tg[i];
        series_set(r->series, m->id_requests, (double)(g->requests - m->prev_requests));
        series_set(r->series, m->id_no_target, (double)(g->no_target - m->prev_no_target));
        m->prev_requests = g->requests;
        m->prev_no_target = g->no_target;
    }
    double now_i = now;
    for (int i = 0; i < w->nasgs; i++) {
        struct asg *a = w->asgs[i];
        struct asg_meas *m = &r->asg[i];
        int pend, svc, warm, drain;
        asg_counts(a, now_i, &pend, &svc, &warm, &drain);
        series_set(r->series, m->id_desired, a->desired);
        series_set(r->series, m->id_pending, pend);
        series_set(r->series, m->id_in_service, svc);
        series_set(r->series, m->id_warming, warm);
        series_set(r->series, m->id_draining, drain);
        if (r->warm && svc > m->max_in_service)
            m->max_in_service = svc;
        for (int k = 0; k < a->npol; k++) {
            struct as_policy *ap = &a->pol[k];
            if (ap->p->kind == SCALING_SCHEDULED)
                continue;
            series_set(r->series, ap->id_metric, ap->last_value);
            series_set(r->series, ap->id_alarm, ap->alarm_state);
        }
    }
    for (int i = 0; i < w->necs; i++) {
        struct ecs_service *e = w->ecs[i];
        struct ecs_meas *m = &r->ecs[i];
        int prov, pend, run, drain;
        ecs_counts(e, &prov, &pend, &run, &drain);
        series_set(r->series, m->id_desired, e->desired);
        series_set(r->series, m->id_prov, prov);
        series_set(r->series, m->id_pending, pend);
        series_set(r->series, m->id_running, run);
        series_set(r->series, m->id_draining, drain);
        if (r->warm && run > m->max_running)
            m->max_running = run;
        for (int k = 0; k < e->npol; k++) {
            if (e->cfg.policies[k].kind == SCALING_SCHEDULED)
                continue;
            series_set(r->series, m->id_metric[k], e->pol[k].last_value);
            series_set(r->series, m->id_alarm[k], e->pol[k].alarm_state);
        }
        if (e->cfg.launch_type == ECS_LAUNCH_EC2) {
            int cp, cs, cd;
            ecs_cluster_counts(e, &cp, &cs, &cd);
            series_set(r->series, m->id_cl_desired, cd);
            series_set(r->series, m->id_cl_pending, cp);
            series_set(r->series, m->id_cl_in_service, cs);
            series_set(r->series, m->id_cl_cpr, e->cl.cpr_pct);
            series_set(r->series, m->id_cl_needed, e->cl.needed);
            if (r->warm && cs > m->max_instances)
                m->max_instances = cs;
        }
    }
    for (int i = 0; i < w->nkube; i++) {
        struct kube_cluster *k = w->kube[i];
        struct kube_meas *m = &r->kube[i];
        struct kube_node_counts nc;
        kube_node_counts(k, &nc);
        series_set(r->series, m->id_launching, nc.launching);
        series_set(r->series, m->id_ready, nc.ready);
        series_set(r->series, m->id_draining, nc.draining);
        series_set(r->series, m->id_cpu_req, nc.cpu_requested_pct);
        if (r->warm && nc.ready > m->max_nodes)
            m->max_nodes = nc.ready;
        int pending = 0;
        for (int d = 0; d < k->ndeps; d++) {
            const struct kube_deploy *dp = &k->deps[d];
            const int *id = m->id_dep + (size_t)d * KUBE_DEP_SERIES;
            struct kube_pod_counts pc;
            kube_deploy_counts(k, d, &pc);
            pending += pc.pending;
            series_set(r->series, id[0], dp->desired);
            series_set(r->series, id[1], pc.pending);
            series_set(r->series, id[2], pc.creating);
            series_set(r->series, id[3], pc.started);
            series_set(r->series, id[4], pc.ready);
            series_set(r->series, id[5], pc.terminating);
            for (int q = 0; dp->cfg.has_hpa && q < dp->cfg.hpa.nmetrics; q++)
                series_set(r->series, id[6 + q], dp->last.value[q]);
            if (r->warm && pc.ready > m->max_ready[d])
                m->max_ready[d] = pc.ready;
        }
        series_set(r->series, m->id_pending, pending);
    }
    sync_targets(r);
    for (int i = 0; i < w->nasgs; i++)
        r->asg[i].cpu_total = 0;
    for (uint32_t i = 0; i < r->ntgt_meas; i++) {
        struct target *t = w->targets.t[i];
        struct tgt_meas *m = &r->tg_t[i];
        /* With 10^5 targets each is cold here, and its line was most of this scan: fetch
         * the one TARGET_SCAN_AHEAD on (the hardware does not follow the pointers).  What
         * the scan reads is in a target's first line (target.c checks). */
        if (i + TARGET_SCAN_AHEAD < r->ntgt_meas)
            __builtin_prefetch(w->targets.t[i + TARGET_SCAN_AHEAD], 1);
        double busy = target_busy_area(t, now);
        /* owner_kind is outside the target's hot lines: read it only when it can matter. */
        if (w->nasgs && t->owner_kind == TARGET_OWNER_ASG && t->state != TARGET_PENDING)
            r->asg[((struct asg *)t->owner)->id].cpu_total +=
                100.0 * (busy - m->prev_busy) / (m->servers * dt);
        m->d_busy = busy - m->prev_busy;
        m->d_completed = t->completed - m->prev_completed;
        m->held = t->held;
        m->queue = target_queue_length(t);
        if (m->id_util >= 0) {
            series_set(r->series, m->id_util, m->d_busy / (m->servers * dt));
            series_set(r->series, m->id_inflight, (double)m->held);
            series_set(r->series, m->id_queue, (double)m->queue);
            series_set(r->series, m->id_completed, (double)m->d_completed);
        }
        m->prev_busy = busy;
        m->prev_completed = t->completed;
    }
    if (!r->sc->per_target)
        tg_aggregates(r, dt);
    for (int i = 0; i < w->nasgs; i++)
        series_set(r->series, r->asg[i].id_cpu_total, r->asg[i].cpu_total);
    series_flush(r->series, now);
    if (r->cw)
        cw_out_interval(r->cw, (size_t)r->ticks, now, dt);
    /* Interval ends are k * dt (no accumulated rounding); the last one is the duration. */
    r->ticks++;
    double next = (double)(r->ticks + 1) * r->sc->interval_s;
    if (next > r->sc->duration_s - 1e-9 * r->sc->interval_s)
        next = r->sc->duration_s;
    if (now < r->sc->duration_s)
        sim_event_schedule(sim, next, on_interval, r, 0);
    if (r->o->on_tick) {
        struct run_tick tk = {now, 0, 0, sim->events_run};
        for (int i = 0; i < w->nworkloads; i++) {
            tk.requests += w->workloads[i]->requests;
            tk.in_flight += w->workloads[i]->in_flight;
        }
        r->o->on_tick(r->o->tick_ctx, &tk);
    }
    if (r->o->progress && now >= r->next_progress) {
        /* Wall time only on the terminal: it never reaches an output file. */
        double elapsed = wall_s() - r->wall_start_s;
        double left = elapsed * (r->sc->duration_s - now) / now;
        fprintf(stderr,
                "\r\033[K  simulated %.0f of %.0f s (%.0f%%), %.0f s so far, about %.0f s left",
                now, r->sc->duration_s, 100.0 * now / r->sc->duration_s, elapsed, left);
        r->next_progress = now + r->sc->duration_s / 100;
    }
}

/* Warm-up ends: remember every counter so the summary counts only what follows. */
static void on_warm(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct run *r = ctx;
    struct world *w = r->w;
    double now = sim_now(sim);
    r->warm = true;
    slo_windows_start(r->slo_win);
    for (int i = 0; i < w->nlbs; i++) {
        r->lb[i].w_requests = w->lbs[i]->requests;
        r->lb[i].w_errors = w->lbs[i]->errors;
        for (int nd = 0; nd < w->lbs[i]->nnodes; nd++)
            r->lb[i].w_node_requests[nd] = w->lbs[i]->node_requests[nd];
    }
    for (int i = 0; i < w->ntgs; i++) {
        r->tg[i].w_requests = w->tgs[i]->requests;
        r->tg[i].w_no_target = w->tgs[i]->no_target;
    }
    for (int i = 0; i < w->necs; i++) {
        struct ecs_service *e = w->ecs[i];
        struct ecs_meas *m = &r->ecs[i];
        m->w_activities = e->activities;
        m->w_starts = e->starts;
        m->w_stops = e->stops;
        m->w_replacements = e->replacements;
        m->w_failures = e->placement_failures;
        m->w_cl_activities = e->cl.activities;
        m->w_cl_launches = e->cl.launches;
        m->w_cl_terminations = e->cl.terminations;
    }
    for (int i = 0; i < w->nkube; i++) {
        struct kube_cluster *k = w->kube[i];
        struct kube_meas *m = &r->kube[i];
        m->w_launches = k->node_launches;
        m->w_terminations = k->node_terminations;
        m->w_scale_ups = k->scale_ups;
        m->w_scale_downs = k->scale_downs;
        for (int d = 0; d < k->ndeps; d++) {
            m->w_rescales[d] = k->deps[d].rescales;
            m->w_created[d] = k->deps[d].created;
            m->w_started[d] = k->deps[d].started_pods;
            m->w_wait[d] = k->deps[d].wait_sum_s;
            m->w_pending[d] = k->deps[d].pending_sum_s;
        }
    }
    for (int i = 0; i < w->nasgs; i++) {
        r->asg[i].w_activities = w->asgs[i]->activities;
        r->asg[i].w_launches = w->asgs[i]->launches;
        r->asg[i].w_terminations = w->asgs[i]->terminations;
        r->asg[i].w_replacements = w->asgs[i]->replacements;
    }
    sync_targets(r);
    for (uint32_t i = 0; i < r->ntgt_meas; i++) {
        struct target *t = w->targets.t[i];
        r->tg_s[i].w_busy = target_busy_area(t, now);
        r->tg_s[i].w_accepted = t->accepted;
        r->tg_s[i].w_completed = t->completed;
        r->tg_s[i].w_rejected = t->rejected;
    }
}

static int write_resolved(const struct scenario *sc, const char *dir)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "elbsim: cannot write %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    scenario_write_resolved(sc, f);
    if (ferror(f) | fclose(f) || rename(tmp, path)) {
        fprintf(stderr, "elbsim: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* forecast.csv: per hour of the run, what the first predictive policy forecast and what
 * happened (docs/forecasting.md).  Nothing when no group has one. */
/* trace.csv: the decision trace's rows (models/core/trace.h), when the run traced. */
static int write_trace(struct run *r, const char *dir)
{
    const struct tracer *tr = r->w->env.trace;
    if (!tr)
        return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/trace.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "elbsim: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fputs(TRACE_CSV_HEADER, f);
    if (tr->len)
        fwrite(tr->buf, 1, tr->len, f);
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "elbsim: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_forecast(struct run *r, const char *dir)
{
    const struct pred *ap = NULL;
    for (int i = 0; i < r->w->nasgs && !ap; i++)
        for (int k = 0; k < r->w->asgs[i]->npol && !ap; k++)
            if (r->w->asgs[i]->pol[k].p->kind == SCALING_PREDICTIVE)
                ap = &r->w->asgs[i]->pol[k].pred;
    for (int i = 0; i < r->w->necs && !ap; i++)
        for (int k = 0; k < r->w->ecs[i]->npol && !ap; k++)
            if (r->w->ecs[i]->pol[k].p->kind == SCALING_PREDICTIVE)
                ap = &r->w->ecs[i]->pol[k].pred;
    if (!ap)
        return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/forecast.csv", dir);
    struct csvout o;
    if (csvout_open(&o, path))
        return -1;
    const char *head[] = {"time_s", "forecast_load", "forecast_capacity", "actual_load",
                          "actual_capacity"};
    for (size_t i = 0; i < 5; i++)
        csvout_str(&o, head[i]);
    csvout_end_row(&o);
    size_t hours = (size_t)ceil(r->sc->duration_s / 3600.0);
    for (size_t h = 0; h < hours && h < ap->nhours; h++) {
        csvout_num(&o, (double)h * 3600.0);
        csvout_num(&o, ap->fc_load[h]);
        csvout_num(&o, ap->fc_cap[h]);
        csvout_num(&o, ap->act_load[h]);
        csvout_num(&o, ap->act_cap[h]);
        csvout_end_row(&o);
    }
    return csvout_commit(&o) ? -1 : 0;
}

/* latency.csv: the distribution of each workload's client-observed latency after the
 * warm-up, and the run's (all workloads), as quantiles (`scope,name,quantile,latency_s`):
 * 0 (the minimum), 0.001, 0.005, 0.01 to 0.99 by 0.01, 0.995, 0.999, 0.9995, 0.9999 and
 * 1 (the maximum), each as summary.csv's percentiles are (sim/histogram.h: exact for a
 * small sample, else within 0.098 %).  What `elbsim plot` draws latency_cdf.png from. */
static const double latency_q_extra[] = {0, 0.001, 0.005};
static const double latency_q_tail[] = {0.995, 0.999, 0.9995, 0.9999, 1};

static void latency_quantile_rows(struct csvout *o, const char *scope, const char *name,
                                  const struct hist *h)
{
    if (!hist_count(h))
        return;
    double q[3 + 99 + 5];
    int n = 0;
    for (size_t i = 0; i < 3; i++)
        q[n++] = latency_q_extra[i];
    for (int k = 1; k <= 99; k++)
        q[n++] = k / 100.0;
    for (size_t i = 0; i < 5; i++)
        q[n++] = latency_q_tail[i];
    for (int i = 0; i < n; i++) {
        csvout_str(o, scope);
        csvout_str(o, name);
        csvout_num(o, q[i]);
        csvout_num(o, q[i] == 0 ? hist_min(h) : q[i] == 1 ? hist_max(h) : hist_quantile(h, q[i]));
        csvout_end_row(o);
    }
}

static int write_latency(struct run *r, const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/latency.csv", dir);
    struct csvout o;
    if (csvout_open(&o, path))
        return -1;
    const char *head[] = {"scope", "name", "quantile", "latency_s"};
    for (size_t i = 0; i < 4; i++)
        csvout_str(&o, head[i]);
    csvout_end_row(&o);
    struct hist all;
    hist_init(&all);
    for (int i = 0; i < r->w->nworkloads; i++) {
        latency_quantile_rows(&o, "workload", r->w->workloads[i]->name, &r->wl[i].total);
        hist_merge(&all, &r->wl[i].total);
    }
    latency_quantile_rows(&o, "run", "run", &all);
    hist_fini(&all);
    return csvout_commit(&o) ? -1 : 0;
}

int run_scenario(const struct scenario *sc, const struct run_opts *o, struct summary **out)
{
    int rc = 1;
    char partial[4100];
    if (strlen(o->out_dir) >= 4000) {
        fprintf(stderr, "elbsim: output folder name too long\n");
        return 1;
    }
    /* Written under a unique name beside the folder and renamed into place when complete;
     * a folder elbsim did not write is never replaced (analysis/outdir.h). */
    struct outdir od;
    if (outdir_begin(&od, o->out_dir))
        return 1;
    snprintf(partial, sizeof partial, "%s", od.tmp);

    struct run r = {.sc = sc, .o = o};
    struct access_log *alog = NULL;
    r.w = world_new(sc, o->seed);
    r.series = series_new(partial);
    if (series_open(r.series))
        goto out_world_only;
    char path[4200];
    snprintf(path, sizeof path, "%s/events.csv", partial);
    if (csvout_open(&r.events, path))
        goto out_series;
    csvout_str(&r.events, "time_s");
    csvout_str(&r.events, "kind");
    csvout_str(&r.events, "name");
    csvout_str(&r.events, "detail");
    csvout_end_row(&r.events);
    if (sc->log_requests) {
        snprintf(path, sizeof path, "%s/requests.csv", partial);
        if (csvout_open(&r.requests, path))
            goto out_events;
        r.requests_open = true;
        static const char *const cols[] = {
            "id", "workload", "flow", "attempt", "first_sent_s", "sent_s", "demand_s", "path",
            "lb_zone", "target", "arrive_target_s", "end_s", "latency_s", "status",
            "abandoned", "request_bytes", "response_bytes"};
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
            csvout_str(&r.requests, cols[i]);
        csvout_end_row(&r.requests);
        r.w->env.on_request = request_row;
        r.w->env.on_request_ctx = &r;
    }
    if (sc->access_logs && !(alog = access_log_start(partial, sc, r.w, o->seed)))
        goto out_requests;
    if (sc->cloudwatch)
        r.cw = cw_out_start(sc, r.w, o->seed);
    r.w->env.events = (struct sim_event_log){event_row, &r};
    setup_series(&r);
    r.slo_win = slo_windows_new(sc, r.w);

    r.wall_start_s = wall_s();
    world_start(r.w);
    sim_event_schedule(&r.w->env.sim, sc->interval_s < sc->duration_s ? sc->interval_s
                                                                   : sc->duration_s,
                       on_interval, &r, 0);
    if (sc->warmup_s > 0) {
        sim_event_schedule(&r.w->env.sim, sc->warmup_s, on_warm, &r, 0);
    } else {
        r.warm = true;
        slo_windows_start(r.slo_win);
    }
    sim_event_run_until(&r.w->env.sim, sc->duration_s);
    if (o->progress)
        fputs("\r\033[K", stderr);
    if (sim_interrupt_signal()) {
        /* Stopped by SIGINT/SIGTERM: the folder being written goes, dest stays as it was. */
        rc = 128 + sim_interrupt_signal();
        goto out_requests;
    }
    slo_windows_finish(r.slo_win, sc->duration_s);

    struct summary *s = run_make_summary(&r);
    snprintf(path, sizeof path, "%s/summary.csv", partial);
    if (summary_write_csv(s, path) || write_resolved(sc, partial)) {
        summary_free(s);
        goto out_requests;
    }
    if (write_forecast(&r, partial) || write_latency(&r, partial) || write_trace(&r, partial)) {
        summary_free(s);
        goto out_requests;
    }
    if (alog && access_log_finish(alog)) {
        summary_free(s);
        goto out_requests;
    }
    if (r.cw && cw_out_finish(r.cw, partial)) {
        summary_free(s);
        goto out_requests;
    }
    if (r.requests_open && csvout_commit(&r.requests)) {
        r.requests_open = false;
        summary_free(s);
        goto out_events;
    }
    r.requests_open = false;
    if (csvout_commit(&r.events)) {
        summary_free(s);
        goto out_series;
    }
    if (series_commit(r.series)) {
        summary_free(s);
        goto out_world_only;
    }
    /* Replace the old folder with the complete new one (unless stopped meanwhile). */
    if (sim_interrupt_signal()) {
        rc = 128 + sim_interrupt_signal();
        summary_free(s);
        goto out_world_only;
    }
    if (outdir_commit(&od)) {
        summary_free(s);
        goto out_world_only;
    }
    if (out)
        *out = s;
    else
        summary_free(s);
    rc = 0;
    goto out_world_only;

out_requests:
    if (r.requests_open)
        csvout_abort(&r.requests);
out_events:
    csvout_abort(&r.events);
out_series:
    series_abort(r.series);
out_world_only:
    series_free(r.series);
    access_log_free(alog);
    cw_out_free(r.cw);
    outdir_abort(&od);
    for (int i = 0; r.wl && i < r.w->nworkloads; i++) {
        hist_fini(&r.wl[i].interval);
        hist_fini(&r.wl[i].total);
    }
    free(r.wl);
    for (int i = 0; r.lb && i < r.w->nlbs; i++)
        free(r.lb[i].w_node_requests);
    free(r.lb);
    free(r.tg);
    free(r.tg_t);
    free(r.tg_s);
    free(r.asg);
    for (int i = 0; r.ecs && i < r.w->necs; i++) {
        free(r.ecs[i].id_metric);
        free(r.ecs[i].id_alarm);
    }
    free(r.ecs);
    for (int i = 0; r.kube && i < r.w->nkube; i++) {
        free(r.kube[i].id_dep);
        free(r.kube[i].max_ready);
        free(r.kube[i].w_rescales);
        free(r.kube[i].w_created);
        free(r.kube[i].w_started);
        free(r.kube[i].w_wait);
        free(r.kube[i].w_pending);
    }
    free(r.kube);
    slo_windows_free(r.slo_win);
    world_free(r.w);
    return rc;
}

static double worst_start(const struct summary *s, int i)
{
    char name[16];
    snprintf(name, sizeof name, "%d", i + 1);
    return summary_get(s, "slo", name, "worst_window_start_s");
}

int run_check_slos(const struct scenario *sc, const struct summary *s)
{
    int broken = 0;
    for (int i = 0; i < sc->nslos; i++) {
        const struct sc_slo *slo = &sc->slos[i];
        bool ok;
        double v = headline_slo_value(sc, s, i, &ok);
        if (ok)
            continue;
        broken++;
        if (isnan(v))
            fprintf(stderr, "%s:%d:%d: SLO broken: %s (no such value in the summary)\n",
                    slo->loc.file, slo->loc.line, slo->loc.col, slo->text);
        else if (slo->window_s > 0)
            fprintf(stderr, "%s:%d:%d: SLO broken: %s (worst window %.6g from t = %g s)\n",
                    slo->loc.file, slo->loc.line, slo->loc.col, slo->text, v,
                    worst_start(s, i));
        else
            fprintf(stderr, "%s:%d:%d: SLO broken: %s (measured %.6g)\n", slo->loc.file,
                    slo->loc.line, slo->loc.col, slo->text, v);
    }
    return broken;
}
