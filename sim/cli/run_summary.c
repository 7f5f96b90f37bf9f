/* summary.csv of a run: every scope's rows from the measurement state run.c kept (the
 * counts after the warm-up, the latency histograms, the scaling and cost figures). */
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
#include "sim/cli/headline.h"
#include "sim/cli/slo_window.h"
#include "sim/interrupt.h"
#include "sim/xalloc.h"

static void latency_rows(struct summary *s, const char *scope, const char *name,
                         const struct hist *h)
{
    if (!hist_count(h))
        return;
    summary_add(s, scope, name, "latency_mean_s", hist_mean(h));
    summary_add(s, scope, name, "latency_p50_s", hist_quantile(h, 0.50));
    summary_add(s, scope, name, "latency_p90_s", hist_quantile(h, 0.90));
    summary_add(s, scope, name, "latency_p99_s", hist_quantile(h, 0.99));
    summary_add(s, scope, name, "latency_p999_s", hist_quantile(h, 0.999));
    summary_add(s, scope, name, "latency_max_s", hist_max(h));
}

/* The measured requests' counts (models/traffic/workload.h): each request that arrived
 * after the warm-up, once, by its final outcome, so requests = completed + failed +
 * in_flight_end; errors are the failures with an error status, timeouts those whose last
 * attempt the client gave up on.  Attempt-level counts (retries, attempt_timeouts) are of
 * the same requests. */
static void measured_rows(struct summary *s, const char *scope, const char *name,
                          const struct wl_measured *c, double span)
{
    uint64_t failed = 0, errors = 0;
    for (int k = 0; k < WL_NFAIL; k++) {
        failed += c->fail[k];
        if (k != WL_FAIL_TIMEOUT)
            errors += c->fail[k];
    }
    ELB_ASSERT(c->requests == c->completed + failed + c->in_flight);
    summary_add(s, scope, name, "requests", (double)c->requests);
    summary_add(s, scope, name, "completed", (double)c->completed);
    summary_add(s, scope, name, "failed", (double)failed);
    summary_add(s, scope, name, "in_flight_end", (double)c->in_flight);
    summary_add(s, scope, name, "errors", (double)errors);
    for (int k = 0; k < WL_NFAIL; k++)
        summary_add(s, scope, name, wl_fail_metric[k], (double)c->fail[k]);
    summary_add(s, scope, name, "retries", (double)c->retries);
    summary_add(s, scope, name, "attempt_timeouts", (double)c->attempt_timeouts);
    summary_add(s, scope, name, "throughput_rps", (double)c->completed / span);
    summary_add(s, scope, name, "error_ratio",
                c->requests ? (double)failed / (double)c->requests : 0.0);
}

static void measured_add(struct wl_measured *to, const struct wl_measured *c)
{
    to->requests += c->requests;
    to->completed += c->completed;
    to->in_flight += c->in_flight;
    to->retries += c->retries;
    to->attempt_timeouts += c->attempt_timeouts;
    for (int k = 0; k < WL_NFAIL; k++)
        to->fail[k] += c->fail[k];
}

/* A predictive policy's forecast scores (docs/forecasting.md). */
static void pred_rows(struct summary *s, const char *scope, const char *name,
                      const struct pred *pr, double from_s)
{
    struct forecast_score fs;
    size_t under;
    pred_score(pr, from_s, &fs, &under);
    char metric[300];
    snprintf(metric, sizeof metric, "%s.forecast_mape_pct", pr->p->name);
    summary_add(s, scope, name, metric, forecast_score_mape_pct(&fs));
    snprintf(metric, sizeof metric, "%s.forecast_bias_pct", pr->p->name);
    summary_add(s, scope, name, metric, forecast_score_bias_pct(&fs));
    snprintf(metric, sizeof metric, "%s.forecast_hours", pr->p->name);
    summary_add(s, scope, name, metric, (double)fs.hours);
    snprintf(metric, sizeof metric, "%s.underprovisioned_hours", pr->p->name);
    summary_add(s, scope, name, metric, (double)under);
}

/* Without per-target rows: a target group's, summed over every target it ever had (once
 * each; a target of two groups counts in both): the targets, what the per-target rows
 * would have summed, and utilization as busy vCPU-seconds after the warm-up over the
 * targets' vCPUs times the measured span (the mean of their `utilization` rows, weighted
 * by vCPUs). */
static void tg_rows(struct summary *s, struct run *r, const struct target_group *g,
                    double now, double span)
{
    const char *n = g->node.name;
    double targets = 0, completed = 0, rejected = 0, busy = 0, servers = 0;
    double hours = 0, cost = 0;
    for (uint32_t k = 0; k < g->nmembers; k++) {
        struct target *t = g->members[k].t;
        if (!t)
            continue;
        struct tgt_sum *m = &r->tg_s[t->id];
        if (m->counted_in == g->id + 1)
            continue; /* deregistered and registered again: a second member */
        m->counted_in = g->id + 1;
        targets++;
        completed += (double)(t->completed - m->w_completed);
        rejected += (double)(t->rejected - m->w_rejected);
        busy += target_busy_area(t, now) - m->w_busy;
        servers += t->spec.servers;
        double end = t->stopped_s < now ? t->stopped_s : now;
        hours += (end - t->launched_s) / 3600.0;
        cost += target_cost_usd(t, now);
    }
    summary_add(s, "target_group", n, "targets", targets);
    summary_add(s, "target_group", n, "completed", completed);
    summary_add(s, "target_group", n, "rejected", rejected);
    summary_add(s, "target_group", n, "utilization", servers > 0 ? busy / (servers * span) : 0);
    summary_add(s, "target_group", n, "instance_hours", hours);
    summary_add(s, "target_group", n, "cost_usd", cost);
}

struct summary *run_make_summary(struct run *r)
{
    const struct scenario *sc = r->sc;
    struct world *w = r->w;
    double now = sim_now(&w->env.sim);
    double span = sc->duration_s - sc->warmup_s;
    struct summary *s = summary_new();
    /* The targets' rows and the rest. */
    summary_reserve(s, (sc->per_target ? 6 * (int)r->ntgt_meas : 8 * w->ntgs) + 256);
    struct hist all;
    hist_init(&all);
    struct wl_measured tot = {0};
    for (int i = 0; i < w->nworkloads; i++) {
        struct workload *wl = w->workloads[i];
        struct wl_meas *m = &r->wl[i];
        measured_rows(s, "workload", wl->name, &wl->measured, span);
        latency_rows(s, "workload", wl->name, &m->total);
        if (sc->nslos) {
            summary_add(s, "workload", wl->name, "slo_miss_intervals", (double)m->slo_miss);
            summary_add(s, "workload", wl->name, "slo_miss_s", (double)m->slo_miss * sc->interval_s);
        }
        hist_merge(&all, &m->total);
        measured_add(&tot, &wl->measured);
    }
    double cost = 0, hours = 0;
    for (int i = 0; i < w->nlbs; i++) {
        struct lb *lb = w->lbs[i];
        summary_add(s, "lb", lb->node.name, "requests", (double)(lb->requests - r->lb[i].w_requests));
        summary_add(s, "lb", lb->node.name, "errors", (double)(lb->errors - r->lb[i].w_errors));
        double c = lb_cost_usd(lb, sc->duration_s);
        summary_add(s, "lb", lb->node.name, "cost_usd", c);
        /* Bytes and capacity units over the whole run (billed hours include the warm-up,
         * as the cost does). */
        summary_add(s, "lb", lb->node.name, "processed_gb", lb_processed_bytes(lb) / 1e9);
        const struct lb_lcu_rates *rt = lb_lcu_rates(lb);
        if (rt->unit_usd_h > 0) {
            double dims[LB_LCU_NDIMS];
            summary_add(s, "lb", lb->node.name, "lcu_peak",
                        lb_peak_lcu(lb, sc->duration_s, dims));
            for (int k = 0; k < LB_LCU_NDIMS; k++) {
                char metric[64];
                snprintf(metric, sizeof metric, "lcu_peak_%s", lb_lcu_dim_names[k]);
                if (rt->per_unit[k] > 0)
                    summary_add(s, "lb", lb->node.name, metric, dims[k]);
            }
            summary_add(s, "lb", lb->node.name, "lcu_hours", lb_lcu_hours(lb, sc->duration_s));
            summary_add(s, "lb", lb->node.name, "lcu_cost_usd",
                        lb_lcu_cost_usd(lb, sc->duration_s));
        }
        if (!lb->l4)
            summary_add(s, "lb", lb->node.name, "gateway_timeouts", (double)lb->gateway_timeouts);
        if (lb->cfg->connect_timeout_s > 0)
            summary_add(s, "lb", lb->node.name, "connect_timeouts", (double)lb->connect_timeouts);
        if (lb->l4) {
            /* Totals over the whole run: flows straddle the warm-up. */
            summary_add(s, "lb", lb->node.name, "flows", (double)lb->flows_opened);
            summary_add(s, "lb", lb->node.name, "resets", (double)lb->resets);
        }
        if (lb->type == SC_LB_GWLB || lb->type == SC_LB_NLB)
            summary_add(s, "lb", lb->node.name, "dropped", (double)lb->dropped);
        if (lb->type == SC_LB_GWLB) {
            summary_add(s, "lb", lb->node.name, "asymmetric", (double)lb->asymmetric);
            summary_add(s, "lb", lb->node.name, "rebalanced", (double)lb->rebalanced);
        }
        /* Inter-zone data transfer: EC2's charge, not the LB's, so it adds to the run's
         * cost next to the LB's own. */
        double iz = lb_inter_zone_cost_usd(lb);
        summary_add(s, "lb", lb->node.name, "inter_zone_gb", lb->inter_zone_bytes / 1e9);
        summary_add(s, "lb", lb->node.name, "inter_zone_cost_usd", iz);
        cost += c + iz;
        for (int nd = 0; nd < lb->nnodes; nd++) {
            char metric[128];
            snprintf(metric, sizeof metric, "requests_zone_%s", sc->zones[lb->node_zone[nd]]);
            summary_add(s, "lb", lb->node.name, metric,
                        (double)(lb->node_requests[nd] - r->lb[i].w_node_requests[nd]));
        }
    }
    for (int i = 0; i < w->ntgs; i++) {
        struct target_group *g = w->tgs[i];
        summary_add(s, "target_group", g->node.name, "requests",
                    (double)(g->requests - r->tg[i].w_requests));
        summary_add(s, "target_group", g->node.name, "no_target",
                    (double)(g->no_target - r->tg[i].w_no_target));
        if (!sc->per_target)
            tg_rows(s, r, g, now, span);
    }
    for (uint32_t i = 0; i < r->ntgt_meas; i++) {
        struct target *t = w->targets.t[i];
        const struct tgt_sum *m = &r->tg_s[i];
        const char *n = t->node.name;
        if (sc->per_target) {
            summary_add(s, "target", n, "requests", (double)(t->accepted - m->w_accepted));
            summary_add(s, "target", n, "completed", (double)(t->completed - m->w_completed));
            summary_add(s, "target", n, "rejected", (double)(t->rejected - m->w_rejected));
            summary_add(s, "target", n, "utilization",
                        (target_busy_area(t, now) - m->w_busy) / (t->spec.servers * span));
        }
        double end = t->stopped_s < now ? t->stopped_s : now;
        double h = (end - t->launched_s) / 3600.0;
        double c = target_cost_usd(t, now);
        if (sc->per_target) {
            summary_add(s, "target", n, "instance_hours", h);
            summary_add(s, "target", n, "cost_usd", c);
        }
        hours += h;
        cost += c;
    }
    for (int i = 0; i < w->nasgs; i++) {
        struct asg *a = w->asgs[i];
        struct asg_meas *m = &r->asg[i];
        double ah = 0, ac = 0;
        for (uint32_t k = 0; k < a->ninst; k++) {
            const struct target *t = a->inst[k].t;
            double end = t->stopped_s < now ? t->stopped_s : now;
            ah += (end - t->launched_s) / 3600.0;
            ac += target_cost_usd(t, now);
        }
        summary_add(s, "asg", a->name, "instance_hours", ah);
        summary_add(s, "asg", a->name, "cost_usd", ac);
        summary_add(s, "asg", a->name, "scaling_activities",
                    (double)(a->activities - m->w_activities));
        summary_add(s, "asg", a->name, "launches", (double)(a->launches - m->w_launches));
        summary_add(s, "asg", a->name, "terminations",
                    (double)(a->terminations - m->w_terminations));
        summary_add(s, "asg", a->name, "replacements",
                    (double)(a->replacements - m->w_replacements));
        summary_add(s, "asg", a->name, "max_in_service", m->max_in_service);
        summary_add(s, "asg", a->name, "desired_end", a->desired);
        for (int k = 0; k < a->npol; k++)
            if (a->pol[k].p->kind == SCALING_PREDICTIVE)
                pred_rows(s, "asg", a->name, &a->pol[k].pred, sc->warmup_s);
    }
    for (int i = 0; i < w->nkube; i++) {
        const struct kube_cluster *k = w->kube[i];
        const struct kube_meas *m = &r->kube[i];
        double c = kube_cost_usd(k, now), h = kube_node_hours(k, now);
        cost += c; /* pods cost nothing as targets: the nodes are billed */
        hours += h;
        summary_add(s, "eks_cluster", k->name, "node_hours", h);
        summary_add(s, "eks_cluster", k->name, "cost_usd", c);
        summary_add(s, "eks_cluster", k->name, "node_launches",
                    (double)(k->node_launches - m->w_launches));
        summary_add(s, "eks_cluster", k->name, "node_terminations",
                    (double)(k->node_terminations - m->w_terminations));
        summary_add(s, "eks_cluster", k->name, "scale_ups", (double)(k->scale_ups - m->w_scale_ups));
        summary_add(s, "eks_cluster", k->name, "scale_downs",
                    (double)(k->scale_downs - m->w_scale_downs));
        summary_add(s, "eks_cluster", k->name, "max_nodes_ready", m->max_nodes);
        for (int d = 0; d < k->ndeps; d++) {
            const struct kube_deploy *dp = &k->deps[d];
            summary_add(s, "deployment", dp->cfg.name, "pod_hours", kube_pod_hours(k, d, now));
            summary_add(s, "deployment", dp->cfg.name, "rescales",
                        (double)(dp->rescales - m->w_rescales[d]));
            summary_add(s, "deployment", dp->cfg.name, "pods_created",
                        (double)(dp->created - m->w_created[d]));
            summary_add(s, "deployment", dp->cfg.name, "max_ready", m->max_ready[d]);
            /* Time to capacity: the pods that became Ready after the warm-up, from their
             * creation (the HPA's decision) to Ready, and the part spent Pending. */
            double ns = (double)(dp->started_pods - m->w_started[d]);
            summary_add(s, "deployment", dp->cfg.name, "pods_started", ns);
            summary_add(s, "deployment", dp->cfg.name, "pod_start_mean_s",
                        ns > 0 ? (dp->wait_sum_s - m->w_wait[d]) / ns : 0);
            summary_add(s, "deployment", dp->cfg.name, "pod_pending_mean_s",
                        ns > 0 ? (dp->pending_sum_s - m->w_pending[d]) / ns : 0);
            summary_add(s, "deployment", dp->cfg.name, "desired_end", dp->desired);
            if (dp->cfg.target_type == KUBE_TARGET_INSTANCE) {
                /* kube-proxy's extra hop: whole-run counts (it is a property of the
                 * routing, not of the window). */
                summary_add(s, "deployment", dp->cfg.name, "proxied_cross_zone_pct",
                            dp->proxied ? 100.0 * (double)dp->proxied_cross / (double)dp->proxied
                                        : 0);
                summary_add(s, "deployment", dp->cfg.name, "proxy_cross_zone_gb",
                            dp->cross_zone_bytes / 1e9);
            }
        }
    }
    for (int i = 0; i < w->necs; i++) {
        struct ecs_service *e = w->ecs[i];
        struct ecs_meas *m = &r->ecs[i];
        double c = ecs_cost_usd(e, now);
        summary_add(s, "ecs", e->name, "task_hours", ecs_task_hours(e, now));
        summary_add(s, "ecs", e->name, "cost_usd", c);
        summary_add(s, "ecs", e->name, "scaling_activities", (double)(e->activities - m->w_activities));
        summary_add(s, "ecs", e->name, "task_starts", (double)(e->starts - m->w_starts));
        summary_add(s, "ecs", e->name, "task_stops", (double)(e->stops - m->w_stops));
        summary_add(s, "ecs", e->name, "replacements", (double)(e->replacements - m->w_replacements));
        summary_add(s, "ecs", e->name, "placement_failures",
                    (double)(e->placement_failures - m->w_failures));
        summary_add(s, "ecs", e->name, "max_running", m->max_running);
        summary_add(s, "ecs", e->name, "desired_end", e->desired);
        for (int k = 0; k < e->npol; k++)
            if (e->pol[k].p->kind == SCALING_PREDICTIVE)
                pred_rows(s, "ecs", e->name, &e->pol[k].pred, sc->warmup_s);
        if (e->cfg.launch_type == ECS_LAUNCH_EC2) {
            /* Tasks on EC2 cost nothing as targets; the cluster's instances are billed. */
            cost += c;
            hours += ecs_instance_hours(e, now);
            summary_add(s, "ecs_cluster", e->cl.name, "instance_hours", ecs_instance_hours(e, now));
            summary_add(s, "ecs_cluster", e->cl.name, "cost_usd", c);
            summary_add(s, "ecs_cluster", e->cl.name, "scaling_activities",
                        (double)(e->cl.activities - m->w_cl_activities));
            summary_add(s, "ecs_cluster", e->cl.name, "launches",
                        (double)(e->cl.launches - m->w_cl_launches));
            summary_add(s, "ecs_cluster", e->cl.name, "terminations",
                        (double)(e->cl.terminations - m->w_cl_terminations));
            summary_add(s, "ecs_cluster", e->cl.name, "max_in_service", m->max_instances);
            summary_add(s, "ecs_cluster", e->cl.name, "desired_end", e->cl.desired);
        }
    }
    measured_rows(s, "run", "run", &tot, span);
    latency_rows(s, "run", "run", &all);
    summary_add(s, "run", "run", "instance_hours", hours);
    summary_add(s, "run", "run", "cost_usd", cost);
    summary_add(s, "run", "run", "simulated_s", sc->duration_s);
    summary_add(s, "run", "run", "events", (double)w->env.sim.events_run);
    slo_windows_summary(r->slo_win, s);
    hist_fini(&all);
    return s;
}
