#include "sim/cli/cloudwatch_out.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/outdir.h"
#include "models/compute/catalog.h"
#include "models/compute/target.h"
#include "models/containers/ecs.h"
#include "models/core/request.h"
#include "models/elb/lb.h"
#include "models/elb/target_group.h"
#include "models/kube/kube.h"
#include "models/scaling/asg.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"
#include "sim/histogram.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

/* One metric: what identifies it in CloudWatch, and its value per interval (NaN: no data
 * point, as CloudWatch leaves a period out). */
struct cw_metric {
    const char *ns, *name, *stat;
    const char *dim_name[3];
    char dim_val[3][300];
    int ndims;
    char label[400];
    double *v;              /* [nint] */
};

/* CloudWatch's percentile and trimmed-mean statistics of TargetResponseTime, from a
 * per-period histogram (docs/outputs.md "Percentiles"). */
#define CW_NPCT 4
static const char *const pct_stat[CW_NPCT] = {"p50", "p90", "p99", "tm99"};

struct cw_pct {
    bool on;                 /* an ALB or a group behind one: the histogram is initialised */
    struct hist h;           /* the period's target response times, s */
    int m[CW_NPCT];
};

struct cw_lb {
    int m_req, m_elb4, m_elb5, m_t2, m_t5, m_trt;  /* ALB, CLB (-1: not this type) */
    int m_flows, m_bytes, m_resets, m_active;      /* NLB, GWLB (no resets) */
    struct cw_pct pct;                             /* ALB */
    double prev_processed;                         /* GWLB: lb_processed_bytes so far */
    char dim[300];                                 /* app/<name>/<id>, net/..., or the name */
    uint64_t responses, req, elb4, elb5, t2, t5, trt_n;
    double trt_sum, bytes;
    uint64_t prev_flows, prev_resets;
};

struct cw_tg {
    int m_req, m_trt, m_t5, m_healthy, m_unhealthy;
    struct cw_pct pct;       /* ALB groups */
    uint64_t prev_requests, t5, trt_n;
    double trt_sum;
};

struct cw_asg {
    int m_cpu, m_desired, m_in_service, m_pending, m_terminating;
    char *decision;          /* the last capacity decision's text, NULL before one */
    double decision_s;
};

struct cw_ecs {
    int m_cpu, m_running, m_desired, m_pending;
};

/* An EKS cluster's Container Insights metrics (-1: none). */
struct cw_kube {
    int m_nodes, m_node_cpu;
    int *m_pod_cpu, *m_running;  /* [deployment] */
    double *pod_sum;             /* [deployment] scratch: pods' utilisation summed */
    int *pod_n;
};

struct cw_act {
    double t;
    int asg;
    bool launch;
    char *target;            /* the instance's name */
    char *cause;             /* AWS's Cause text */
    char *zone;
};

struct cw_out {
    const struct scenario *sc;
    struct world *w;
    uint64_t seed;
    size_t nint;
    struct cw_metric *m;
    int nm, mcap;
    struct cw_lb *lbs;
    struct cw_tg *tgs;
    struct cw_asg *asgs;
    struct cw_ecs *ecs;
    struct cw_kube *kube;
    double *dbusy;           /* [target id] busy server-seconds over the interval */
    double *ecs_sum;         /* [service] scratch of cw_out_interval */
    int *ecs_n;
    double *prev_busy;       /* [target id] busy server-seconds at the previous interval */
    double *cpu_sum;         /* [asg] scratch of cw_out_interval */
    int *cpu_n;              /* [asg] */
    uint32_t nbusy;
    struct cw_act *acts;
    size_t nacts, acap;
    /* the hook this one chains to (the access logs'), if any */
    void (*prev_hook)(void *ctx, const struct node *lb, const struct request *rq, int hop,
                      double now);
    void *prev_ctx;
};

static int metric_add(struct cw_out *c, const char *ns, const char *name, const char *stat,
                      const char *d0, const char *v0, const char *d1, const char *v1,
                      const char *label_of)
{
    if (c->nm == c->mcap) {
        c->mcap = c->mcap ? 2 * c->mcap : 32;
        c->m = xrealloc(c->m, (size_t)c->mcap * sizeof *c->m);
    }
    struct cw_metric *m = &c->m[c->nm];
    *m = (struct cw_metric){.ns = ns, .name = name, .stat = stat};
    m->dim_name[0] = d0;
    snprintf(m->dim_val[0], sizeof m->dim_val[0], "%s", v0);
    m->ndims = 1;
    if (d1) {
        m->dim_name[1] = d1;
        snprintf(m->dim_val[1], sizeof m->dim_val[1], "%s", v1);
        m->ndims = 2;
    }
    /* Extended statistics (pNN, tmNN) share the metric: the label names them. */
    if (stat[0] == 'p' || stat[0] == 't')
        snprintf(m->label, sizeof m->label, "%s %s %s", label_of, name, stat);
    else
        snprintf(m->label, sizeof m->label, "%s %s", label_of, name);
    m->v = xmalloc((c->nint ? c->nint : 1) * sizeof *m->v);
    for (size_t k = 0; k < c->nint; k++)
        m->v[k] = (double)NAN;
    return c->nm++;
}

/* A third dimension for metric m (Container Insights' Service, Namespace, ClusterName). */
static void metric_dim(struct cw_out *c, int m, const char *name, const char *val)
{
    struct cw_metric *x = &c->m[m];
    x->dim_name[x->ndims] = name;
    snprintf(x->dim_val[x->ndims], sizeof x->dim_val[x->ndims], "%s", val);
    x->ndims++;
}

static void put(struct cw_out *c, int m, size_t k, double v)
{
    if (m >= 0 && k < c->nint)
        c->m[m].v[k] = v;
}

static void on_response(void *ctx, const struct node *n, const struct request *rq, int h,
                        double now)
{
    struct cw_out *c = ctx;
    if (c->prev_hook)
        c->prev_hook(c->prev_ctx, n, rq, h, now);
    const struct lb *lb = container_of(n, struct lb, node);
    struct cw_lb *L = &c->lbs[lb->id];
    int st = rq->status;
    bool dispatched = h + 1 < rq->nhops && rq->target && st != RQ_UNAVAILABLE &&
                      st != RQ_NOT_FOUND;
    bool answered = dispatched && (st == RQ_OK || st == RQ_TARGET_ERROR);
    L->responses++;
    if (lb->l4) {
        L->bytes += (double)rq->request_bytes + (answered ? (double)rq->response_bytes : 0);
        L->req += lb->type == SC_LB_CLB; /* a Classic TCP/SSL listener: each request */
        return;
    }
    /* ALB RequestCount: only requests for which a target was chosen (AWS.md §1); the
     * Classic LB counts every request it completed. */
    if (dispatched || lb->type == SC_LB_CLB)
        L->req++;
    if (answered) {
        double trt = now - request_hop_c(rq, h + 1)->time;
        L->trt_sum += trt;
        L->trt_n++;
        if (L->pct.on)
            hist_record(&L->pct.h, trt);
        if (st == RQ_OK)
            L->t2++;
        else
            L->t5++;
        /* The next hop is a target group when its argument's top bit says so (lb.c). */
        if (!(request_hop_c(rq, h + 1)->arg >> 63))
            return;
        const struct target_group *g =
            container_of(request_hop_c(rq, h + 1)->node, const struct target_group, node);
        struct cw_tg *G = &c->tgs[g->id];
        G->trt_sum += trt;
        G->trt_n++;
        if (G->pct.on)
            hist_record(&G->pct.h, trt);
        if (st == RQ_TARGET_ERROR)
            G->t5++;
    } else if (st >= 500 && st < 598) {
        L->elb5++;
    } else if (st >= 400 && st < 500) {
        L->elb4++;
    }
}

/* The first load balancer (by id) that forwards to group g: its dimension value. */
static const char *tg_lb_dim(const struct cw_out *c, const struct target_group *g)
{
    const struct world *w = c->w;
    for (int i = 0; i < w->nlbs; i++) {
        const struct lb *lb = w->lbs[i];
        if (lb->l4_tg && !strcmp(lb->l4_tg->name, g->node.name))
            return c->lbs[i].dim;
        for (int r = 0; r < lb->nrules; r++)
            for (int f = 0; f < lb->rules[r].nfw; f++)
                if (lb->rules[r].fw[f].tg == g)
                    return c->lbs[i].dim;
    }
    return NULL;
}

struct cw_out *cw_out_start(const struct scenario *sc, struct world *w, uint64_t seed)
{
    struct cw_out *c = xcalloc(1, sizeof *c);
    c->sc = sc;
    c->w = w;
    c->seed = seed;
    c->nint = (size_t)ceil(sc->duration_s / sc->interval_s - 1e-9);
    c->lbs = xcalloc((size_t)(w->nlbs ? w->nlbs : 1), sizeof *c->lbs);
    c->tgs = xcalloc((size_t)(w->ntgs ? w->ntgs : 1), sizeof *c->tgs);
    c->asgs = xcalloc((size_t)(w->nasgs ? w->nasgs : 1), sizeof *c->asgs);
    c->cpu_sum = xcalloc((size_t)(w->nasgs ? w->nasgs : 1), sizeof *c->cpu_sum);
    c->cpu_n = xcalloc((size_t)(w->nasgs ? w->nasgs : 1), sizeof *c->cpu_n);
    static const char alb_ns[] = "AWS/ApplicationELB", nlb_ns[] = "AWS/NetworkELB",
                      clb_ns[] = "AWS/ELB", gwlb_ns[] = "AWS/GatewayELB";
    for (int i = 0; i < w->nlbs; i++) {
        const struct lb *lb = w->lbs[i];
        struct cw_lb *L = &c->lbs[i];
        L->m_req = L->m_elb4 = L->m_elb5 = L->m_t2 = L->m_t5 = L->m_trt = -1;
        L->m_flows = L->m_bytes = L->m_resets = L->m_active = -1;
        unsigned long long id = (unsigned long long)sim_rng_hash(lb->node.name);
        const char *nm = lb->node.name;
        char lab[300];
        switch (lb->type) {
        case SC_LB_ALB:
            snprintf(L->dim, sizeof L->dim, "app/%s/%016llx", nm, id);
            snprintf(lab, sizeof lab, "app/%s", nm);
            L->m_req = metric_add(c, alb_ns, "RequestCount", "Sum", "LoadBalancer", L->dim,
                                  NULL, NULL, lab);
            L->m_trt = metric_add(c, alb_ns, "TargetResponseTime", "Average", "LoadBalancer",
                                  L->dim, NULL, NULL, lab);
            L->m_t2 = metric_add(c, alb_ns, "HTTPCode_Target_2XX_Count", "Sum", "LoadBalancer",
                                 L->dim, NULL, NULL, lab);
            L->m_t5 = metric_add(c, alb_ns, "HTTPCode_Target_5XX_Count", "Sum", "LoadBalancer",
                                 L->dim, NULL, NULL, lab);
            L->m_elb4 = metric_add(c, alb_ns, "HTTPCode_ELB_4XX_Count", "Sum", "LoadBalancer",
                                   L->dim, NULL, NULL, lab);
            L->m_elb5 = metric_add(c, alb_ns, "HTTPCode_ELB_5XX_Count", "Sum", "LoadBalancer",
                                   L->dim, NULL, NULL, lab);
            break;
        case SC_LB_NLB:
            snprintf(L->dim, sizeof L->dim, "net/%s/%016llx", nm, id);
            snprintf(lab, sizeof lab, "net/%s", nm);
            L->m_flows = metric_add(c, nlb_ns, "NewFlowCount", "Sum", "LoadBalancer", L->dim,
                                    NULL, NULL, lab);
            L->m_bytes = metric_add(c, nlb_ns, "ProcessedBytes", "Sum", "LoadBalancer", L->dim,
                                    NULL, NULL, lab);
            L->m_resets = metric_add(c, nlb_ns, "TCP_ELB_Reset_Count", "Sum", "LoadBalancer",
                                     L->dim, NULL, NULL, lab);
            L->m_active = metric_add(c, nlb_ns, "ActiveFlowCount", "Average", "LoadBalancer",
                                     L->dim, NULL, NULL, lab);
            break;
        case SC_LB_CLB:
            snprintf(L->dim, sizeof L->dim, "%s", nm);
            L->m_req = metric_add(c, clb_ns, "RequestCount", "Sum", "LoadBalancerName", nm,
                                  NULL, NULL, nm);
            L->m_trt = metric_add(c, clb_ns, "Latency", "Average", "LoadBalancerName", nm,
                                  NULL, NULL, nm);
            L->m_t2 = metric_add(c, clb_ns, "HTTPCode_Backend_2XX", "Sum", "LoadBalancerName",
                                 nm, NULL, NULL, nm);
            L->m_t5 = metric_add(c, clb_ns, "HTTPCode_Backend_5XX", "Sum", "LoadBalancerName",
                                 nm, NULL, NULL, nm);
            L->m_elb4 = metric_add(c, clb_ns, "HTTPCode_ELB_4XX", "Sum", "LoadBalancerName",
                                   nm, NULL, NULL, nm);
            L->m_elb5 = metric_add(c, clb_ns, "HTTPCode_ELB_5XX", "Sum", "LoadBalancerName",
                                   nm, NULL, NULL, nm);
            break;
        case SC_LB_GWLB:
            snprintf(L->dim, sizeof L->dim, "gwy/%s/%016llx", nm, id);
            snprintf(lab, sizeof lab, "gwy/%s", nm);
            L->m_active = metric_add(c, gwlb_ns, "ActiveFlowCount", "Average", "LoadBalancer",
                                     L->dim, NULL, NULL, lab);
            L->m_flows = metric_add(c, gwlb_ns, "NewFlowCount", "Sum", "LoadBalancer", L->dim,
                                    NULL, NULL, lab);
            L->m_bytes = metric_add(c, gwlb_ns, "ProcessedBytes", "Sum", "LoadBalancer",
                                    L->dim, NULL, NULL, lab);
            break;
        }
    }
    for (int i = 0; i < w->ntgs; i++) {
        const struct target_group *g = w->tgs[i];
        struct cw_tg *G = &c->tgs[i];
        G->m_req = G->m_trt = G->m_t5 = G->m_healthy = G->m_unhealthy = -1;
        const char *lbd = tg_lb_dim(c, g);
        if (!lbd)
            continue; /* no ALB/NLB/CLB in front: CloudWatch has no dimension pair */
        const struct lb *front = NULL;
        for (int k = 0; k < w->nlbs && !front; k++)
            if (c->lbs[k].dim == lbd)
                front = w->lbs[k];
        if (front->type == SC_LB_CLB)
            continue; /* a Classic LB has no target groups in AWS */
        const char *ns = front->type == SC_LB_NLB    ? nlb_ns
                         : front->type == SC_LB_GWLB ? gwlb_ns
                                                     : alb_ns;
        char dim[300], lab[300];
        snprintf(dim, sizeof dim, "targetgroup/%s/%016llx", g->node.name,
                 (unsigned long long)sim_rng_hash(g->node.name));
        snprintf(lab, sizeof lab, "targetgroup/%s", g->node.name);
        if (front->type == SC_LB_ALB) {
            G->m_req = metric_add(c, ns, "RequestCount", "Sum", "TargetGroup", dim,
                                  "LoadBalancer", lbd, lab);
            G->m_trt = metric_add(c, ns, "TargetResponseTime", "Average", "TargetGroup", dim,
                                  "LoadBalancer", lbd, lab);
            G->m_t5 = metric_add(c, ns, "HTTPCode_Target_5XX_Count", "Sum", "TargetGroup", dim,
                                 "LoadBalancer", lbd, lab);
        }
        G->m_healthy = metric_add(c, ns, "HealthyHostCount", "Average", "TargetGroup", dim,
                                  "LoadBalancer", lbd, lab);
        G->m_unhealthy = metric_add(c, ns, "UnHealthyHostCount", "Average", "TargetGroup", dim,
                                    "LoadBalancer", lbd, lab);
    }
    for (int i = 0; i < w->nasgs; i++) {
        const char *nm = w->asgs[i]->name;
        struct cw_asg *A = &c->asgs[i];
        A->m_cpu = metric_add(c, "AWS/EC2", "CPUUtilization", "Average", "AutoScalingGroupName",
                              nm, NULL, NULL, nm);
        A->m_desired = metric_add(c, "AWS/AutoScaling", "GroupDesiredCapacity", "Average",
                                  "AutoScalingGroupName", nm, NULL, NULL, nm);
        A->m_in_service = metric_add(c, "AWS/AutoScaling", "GroupInServiceInstances",
                                     "Average", "AutoScalingGroupName", nm, NULL, NULL, nm);
        A->m_pending = metric_add(c, "AWS/AutoScaling", "GroupPendingInstances", "Average",
                                  "AutoScalingGroupName", nm, NULL, NULL, nm);
        A->m_terminating = metric_add(c, "AWS/AutoScaling", "GroupTerminatingInstances",
                                      "Average", "AutoScalingGroupName", nm, NULL, NULL, nm);
    }
    c->ecs = xcalloc((size_t)(w->necs ? w->necs : 1), sizeof *c->ecs);
    c->ecs_sum = xcalloc((size_t)(w->necs ? w->necs : 1), sizeof *c->ecs_sum);
    c->ecs_n = xcalloc((size_t)(w->necs ? w->necs : 1), sizeof *c->ecs_n);
    for (int i = 0; i < w->necs; i++) {
        const struct ecs_service *e = w->ecs[i];
        struct cw_ecs *E = &c->ecs[i];
        /* ClusterName: the EC2 cluster's, or "default" on Fargate (elbsim names no Fargate
         * cluster; "default" is the cluster AWS makes for an account). */
        const char *cl = e->cfg.launch_type == ECS_LAUNCH_EC2 && e->cl.name ? e->cl.name
                                                                             : "default";
        E->m_cpu = metric_add(c, "AWS/ECS", "CPUUtilization", "Average", "ClusterName", cl,
                              "ServiceName", e->name, e->name);
        E->m_running = metric_add(c, "ECS/ContainerInsights", "RunningTaskCount", "Average",
                                  "ClusterName", cl, "ServiceName", e->name, e->name);
        E->m_pending = metric_add(c, "ECS/ContainerInsights", "PendingTaskCount", "Average",
                                  "ClusterName", cl, "ServiceName", e->name, e->name);
        E->m_desired = metric_add(c, "ECS/ContainerInsights", "DesiredTaskCount", "Average",
                                  "ClusterName", cl, "ServiceName", e->name, e->name);
    }
    /* EKS: Container Insights (namespace ContainerInsights).  elbsim's deployments are
     * each a Kubernetes Service of the namespace "default". */
    c->kube = xcalloc((size_t)(w->nkube ? w->nkube : 1), sizeof *c->kube);
    for (int i = 0; i < w->nkube; i++) {
        const struct kube_cluster *k = w->kube[i];
        struct cw_kube *K = &c->kube[i];
        static const char ci[] = "ContainerInsights";
        K->m_nodes = metric_add(c, ci, "cluster_node_count", "Average", "ClusterName", k->name,
                                NULL, NULL, k->name);
        K->m_node_cpu = metric_add(c, ci, "node_cpu_utilization", "Average", "ClusterName",
                                   k->name, NULL, NULL, k->name);
        int nd = k->ndeps ? k->ndeps : 1;
        K->m_pod_cpu = xcalloc((size_t)nd, sizeof *K->m_pod_cpu);
        K->m_running = xcalloc((size_t)nd, sizeof *K->m_running);
        K->pod_sum = xcalloc((size_t)nd, sizeof *K->pod_sum);
        K->pod_n = xcalloc((size_t)nd, sizeof *K->pod_n);
        for (int d = 0; d < k->ndeps; d++) {
            const char *svc = k->deps[d].cfg.name;
            K->m_pod_cpu[d] = metric_add(c, ci, "pod_cpu_utilization", "Average", "Service",
                                         svc, "Namespace", "default", svc);
            metric_dim(c, K->m_pod_cpu[d], "ClusterName", k->name);
            K->m_running[d] = metric_add(c, ci, "service_number_of_running_pods", "Average",
                                         "Service", svc, "Namespace", "default", svc);
            metric_dim(c, K->m_running[d], "ClusterName", k->name);
        }
    }
    /* Percentiles of TargetResponseTime (ALB and its groups), after every other metric so
     * that the others keep their ids. */
    for (int i = 0; i < w->nlbs; i++) {
        struct cw_lb *L = &c->lbs[i];
        if (w->lbs[i]->type != SC_LB_ALB)
            continue;
        const struct cw_metric *base = &c->m[L->m_trt];
        char lab[300];
        snprintf(lab, sizeof lab, "app/%s", w->lbs[i]->node.name);
        L->pct.on = true;
        hist_init(&L->pct.h);
        for (int q = 0; q < CW_NPCT; q++)
            L->pct.m[q] = metric_add(c, alb_ns, "TargetResponseTime", pct_stat[q],
                                     "LoadBalancer", base->dim_val[0], NULL, NULL, lab);
    }
    for (int i = 0; i < w->ntgs; i++) {
        struct cw_tg *G = &c->tgs[i];
        if (G->m_trt < 0)
            continue;
        char dim[300], lbd[300], lab[300];
        snprintf(dim, sizeof dim, "%s", c->m[G->m_trt].dim_val[0]);
        snprintf(lbd, sizeof lbd, "%s", c->m[G->m_trt].dim_val[1]);
        snprintf(lab, sizeof lab, "targetgroup/%s", w->tgs[i]->node.name);
        G->pct.on = true;
        hist_init(&G->pct.h);
        for (int q = 0; q < CW_NPCT; q++)
            G->pct.m[q] = metric_add(c, alb_ns, "TargetResponseTime", pct_stat[q],
                                     "TargetGroup", dim, "LoadBalancer", lbd, lab);
    }
    c->prev_hook = w->env.on_lb_response;
    c->prev_ctx = w->env.on_lb_response_ctx;
    w->env.on_lb_response = on_response;
    w->env.on_lb_response_ctx = c;
    return c;
}

/* Container Insights for cluster kc over the interval just ended.  A pod's CPU is its busy
 * server-seconds times the cores a server stands for, over the interval; as Container
 * Insights, pod_cpu_utilization is that over its node's CPU capacity, and
 * node_cpu_utilization the pods' usage over the capacity of the nodes in the cluster. */
static void kube_interval(struct cw_out *c, const struct kube_cluster *kc, struct cw_kube *K,
                          size_t k, double dt)
{
    struct kube_node_counts nc;
    kube_node_counts(kc, &nc);
    put(c, K->m_nodes, k, nc.ready + nc.draining);
    double used = 0, cap = 0;
    for (uint32_t n = 0; n < kc->nnodes; n++) {
        const struct kube_node *nd = &kc->nodes[n];
        if ((nd->state == KUBE_NODE_READY || nd->state == KUBE_NODE_DRAINING) && nd->type)
            cap += nd->type->vcpus;
    }
    for (int d = 0; d < kc->ndeps; d++) {
        K->pod_sum[d] = 0;
        K->pod_n[d] = 0;
    }
    for (uint32_t p = 0; p < kc->npods; p++) {
        const struct kube_pod *pod = &kc->pods[p];
        if (pod->node < 0 || pod->t->id >= c->nbusy)
            continue;
        const struct kube_node *nd = &kc->nodes[pod->node];
        if (!nd->type || !(nd->state == KUBE_NODE_READY || nd->state == KUBE_NODE_DRAINING))
            continue;
        double cores = c->dbusy[pod->t->id] * kube_core_per_server(&kc->deps[pod->deploy]) / dt;
        used += cores;
        if (pod->state == KUBE_POD_STARTED || pod->state == KUBE_POD_READY ||
            pod->state == KUBE_POD_TERMINATING) {
            K->pod_sum[pod->deploy] += 100.0 * cores / nd->type->vcpus;
            K->pod_n[pod->deploy]++;
        }
    }
    if (cap > 0)
        put(c, K->m_node_cpu, k, 100.0 * used / cap);
    for (int d = 0; d < kc->ndeps; d++) {
        struct kube_pod_counts pc;
        kube_deploy_counts(kc, d, &pc);
        put(c, K->m_running[d], k, pc.started + pc.ready + pc.terminating);
        if (K->pod_n[d])
            put(c, K->m_pod_cpu[d], k, K->pod_sum[d] / K->pod_n[d]);
    }
}

/* The period's percentiles and trimmed mean, when it had responses. */
static void pct_put(struct cw_out *c, const struct cw_pct *P, size_t k)
{
    if (!P->on || hist_count(&P->h) == 0)
        return;
    static const double frac[3] = {0.50, 0.90, 0.99};
    double v[3];
    hist_quantiles(&P->h, frac, v, 3);
    for (int q = 0; q < 3; q++)
        put(c, P->m[q], k, v[q]);
    put(c, P->m[3], k, hist_trimmed_mean(&P->h, 0.99));
}

void cw_out_interval(struct cw_out *c, size_t k, double now, double dt)
{
    struct world *w = c->w;
    for (int i = 0; i < w->nlbs; i++) {
        const struct lb *lb = w->lbs[i];
        struct cw_lb *L = &c->lbs[i];
        uint64_t flows = lb->flows_opened - L->prev_flows;
        uint64_t resets = lb->resets - L->prev_resets;
        L->prev_flows = lb->flows_opened;
        L->prev_resets = lb->resets;
        if (lb->type == SC_LB_GWLB) {
            /* AWS/GatewayELB reports each only with a non-zero value; its bytes are the
             * LB's own count (its responses pass the appliances, not the response hook). */
            double pb = lb_processed_bytes(lb);
            if (lb->usage.active > 0)
                put(c, L->m_active, k, (double)lb->usage.active);
            if (flows)
                put(c, L->m_flows, k, (double)flows);
            if (pb > L->prev_processed)
                put(c, L->m_bytes, k, pb - L->prev_processed);
            L->prev_processed = pb;
            continue;
        }
        /* NLB ActiveFlowCount is always reported: the flows open at the period's end. */
        put(c, L->m_active, k, (double)lb->usage.active);
        /* ELB publishes only while traffic flows (AWS.md §1): no traffic, no data point. */
        if (L->responses || flows) {
            put(c, L->m_req, k, (double)L->req);
            put(c, L->m_t2, k, (double)L->t2);
            put(c, L->m_t5, k, (double)L->t5);
            put(c, L->m_elb4, k, (double)L->elb4);
            put(c, L->m_elb5, k, (double)L->elb5);
            if (L->trt_n)
                put(c, L->m_trt, k, L->trt_sum / (double)L->trt_n);
            pct_put(c, &L->pct, k);
            put(c, L->m_flows, k, (double)flows);
            put(c, L->m_bytes, k, L->bytes);
            put(c, L->m_resets, k, (double)resets);
        }
        if (L->pct.on)
            hist_reset(&L->pct.h);
        L->responses = L->req = L->t2 = L->t5 = L->elb4 = L->elb5 = L->trt_n = 0;
        L->trt_sum = L->bytes = 0;
    }
    for (int i = 0; i < w->ntgs; i++) {
        const struct target_group *g = w->tgs[i];
        struct cw_tg *G = &c->tgs[i];
        uint64_t req = g->requests - G->prev_requests;
        G->prev_requests = g->requests;
        if (req) {
            put(c, G->m_req, k, (double)req);
            put(c, G->m_t5, k, (double)G->t5);
            if (G->trt_n)
                put(c, G->m_trt, k, G->trt_sum / (double)G->trt_n);
            pct_put(c, &G->pct, k);
        }
        if (G->pct.on)
            hist_reset(&G->pct.h);
        G->t5 = G->trt_n = 0;
        G->trt_sum = 0;
        int healthy = 0, unhealthy = 0;
        for (uint32_t m = 0; m < g->nmembers; m++) {
            const struct tg_member *mb = &g->members[m];
            if (!mb->registered || mb->draining)
                continue;
            if (mb->t && mb->t->state != TARGET_IN_SERVICE)
                continue;
            healthy += mb->health == TG_HEALTH_HEALTHY;
            unhealthy += mb->health == TG_HEALTH_UNHEALTHY;
        }
        put(c, G->m_healthy, k, healthy);
        put(c, G->m_unhealthy, k, unhealthy);
    }
    /* CPUUtilization of a group: the mean over its instances in service or draining at the
     * interval's end of their busy share over the interval, in percent. */
    if (w->targets.n > c->nbusy) {
        c->prev_busy = xrealloc(c->prev_busy, w->targets.n * sizeof *c->prev_busy);
        for (uint32_t i = c->nbusy; i < w->targets.n; i++)
            c->prev_busy[i] = 0; /* a target's busy time starts at zero when it is made */
        c->dbusy = xrealloc(c->dbusy, w->targets.n * sizeof *c->dbusy);
        c->nbusy = w->targets.n;
    }
    double *sum = c->cpu_sum;
    int *cnt = c->cpu_n;
    for (int i = 0; i < w->nasgs; i++) {
        sum[i] = 0;
        cnt[i] = 0;
    }
    for (int i = 0; i < w->necs; i++) {
        c->ecs_sum[i] = 0;
        c->ecs_n[i] = 0;
    }
    for (uint32_t i = 0; i < w->targets.n; i++) {
        struct target *t = w->targets.t[i];
        double busy = target_busy_area(t, now);
        c->dbusy[i] = busy - c->prev_busy[i];
        if (t->owner_kind == TARGET_OWNER_ECS &&
            (t->state == TARGET_IN_SERVICE || t->state == TARGET_DRAINING)) {
            for (int e = 0; e < w->necs; e++)
                if (w->ecs[e] == t->owner) {
                    c->ecs_sum[e] += 100.0 * (busy - c->prev_busy[i]) / (t->spec.servers * dt);
                    c->ecs_n[e]++;
                    break;
                }
        }
        if (t->owner_kind == TARGET_OWNER_ASG &&
            (t->state == TARGET_IN_SERVICE || t->state == TARGET_DRAINING)) {
            int a = (int)((const struct asg *)t->owner)->id;
            sum[a] += 100.0 * (busy - c->prev_busy[i]) / (t->spec.servers * dt);
            cnt[a]++;
        }
        c->prev_busy[i] = busy;
    }
    for (int i = 0; i < w->nasgs; i++) {
        const struct asg *a = w->asgs[i];
        struct cw_asg *A = &c->asgs[i];
        int pend, svc, warm, drain;
        asg_counts(a, now, &pend, &svc, &warm, &drain);
        if (cnt[i])
            put(c, A->m_cpu, k, sum[i] / cnt[i]);
        put(c, A->m_desired, k, a->desired);
        put(c, A->m_in_service, k, svc);
        put(c, A->m_pending, k, pend);
        put(c, A->m_terminating, k, drain);
    }
    for (int i = 0; i < w->necs; i++) {
        int prov, pend, run, drain;
        ecs_counts(w->ecs[i], &prov, &pend, &run, &drain);
        if (c->ecs_n[i])
            put(c, c->ecs[i].m_cpu, k, c->ecs_sum[i] / c->ecs_n[i]);
        put(c, c->ecs[i].m_running, k, run);
        put(c, c->ecs[i].m_pending, k, prov + pend);
        put(c, c->ecs[i].m_desired, k, w->ecs[i]->desired);
    }
    for (int i = 0; i < w->nkube; i++)
        kube_interval(c, w->kube[i], &c->kube[i], k, dt);
}

/* Unix time t as the AWS CLI prints a CloudWatch timestamp: 2026-01-05T00:05:00+00:00
 * (fractional seconds only when there are some). */
static void cli_time(double t, char *b, size_t n, bool millis_z)
{
    double fl = floor(t);
    time_t sec = (time_t)fl;
    long ms = lround((t - fl) * 1000);
    if (ms >= 1000) {
        sec++;
        ms -= 1000;
    }
    struct tm tm;
    gmtime_r(&sec, &tm);
    int k = snprintf(b, n, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (millis_z)
        snprintf(b + k, n - (size_t)k, ".%03ldZ", ms);
    else if (ms)
        snprintf(b + k, n - (size_t)k, ".%03ld+00:00", ms);
    else
        snprintf(b + k, n - (size_t)k, "+00:00");
}

static const char LAUNCH[] = "Launching a new EC2 instance: ";
static const char TERMINATE[] = "Terminating EC2 instance: ";

void cw_out_event(struct cw_out *c, double t, const char *kind, const char *name,
                  const char *detail)
{
    if (strcmp(kind, "scaling"))
        return;
    int a = -1;
    for (int i = 0; i < c->w->nasgs && a < 0; i++)
        if (!strcmp(c->w->asgs[i]->name, name))
            a = i;
    if (a < 0)
        return; /* an ECS service's row: not EC2 Auto Scaling's history */
    bool launch = !strncmp(detail, LAUNCH, sizeof LAUNCH - 1);
    if (!launch && strncmp(detail, TERMINATE, sizeof TERMINATE - 1)) {
        free(c->asgs[a].decision);
        c->asgs[a].decision = xstrdup(detail);
        c->asgs[a].decision_s = t;
        return;
    }
    /* "<verb>: <instance>. Cause: <cause>. Details: zone <z>." (models/scaling/asg.c) */
    const char *inst = detail + (launch ? sizeof LAUNCH - 1 : sizeof TERMINATE - 1);
    const char *ce = strstr(inst, ". Cause: ");
    const char *de = ce ? strstr(ce, ". Details: zone ") : NULL;
    if (!ce || !de)
        return;
    if (c->nacts == c->acap) {
        c->acap = c->acap ? 2 * c->acap : 64;
        c->acts = xrealloc(c->acts, c->acap * sizeof *c->acts);
    }
    struct cw_act *x = &c->acts[c->nacts++];
    x->t = t;
    x->asg = a;
    x->launch = launch;
    x->target = xmalloc((size_t)(ce - inst) + 1);
    memcpy(x->target, inst, (size_t)(ce - inst));
    x->target[ce - inst] = '\0';
    const char *zs = de + strlen(". Details: zone ");
    size_t zl = strlen(zs);
    x->zone = xstrdup(zs);
    if (zl && x->zone[zl - 1] == '.')
        x->zone[zl - 1] = '\0';
    /* AWS's Cause: "At <time> <decision>  At <time> <what happened to the instance>." The
     * decision goes first only for the launches and terminations that follow a change of
     * desired capacity; replacements and rebalancing carry their own reason alone. */
    const char *why = ce + strlen(". Cause: ");
    size_t wl = (size_t)(de - why);
    char epoch_t[40], dec_t[40], cause[1100];
    double epoch = (double)c->sc->start_epoch_s;
    cli_time(epoch + t, epoch_t, sizeof epoch_t, false);
    epoch_t[19] = 'Z';
    epoch_t[20] = '\0';
    size_t k = 0;
    const struct cw_asg *A = &c->asgs[a];
    if (A->decision && strstr(why, "difference between desired and actual capacity")) {
        cli_time(epoch + A->decision_s, dec_t, sizeof dec_t, false);
        dec_t[19] = 'Z';
        dec_t[20] = '\0';
        const char *d = A->decision;
        const char *prefix = "";
        const char *upd = strstr(d, " updated the group constraints to ");
        if (!strncmp(d, "Alarm ", 6)) {
            prefix = "a monitor alarm ";
            d += 6;
        } else if (!strncmp(d, "Scheduled action ", 17) && upd) {
            /* AWS names no action here: "a scheduled action update of AutoScalingGroup
             * constraints to min: 1, max: 4, desired: 2 changing ..." */
            prefix = "a scheduled action update of AutoScalingGroup constraints to ";
            d = upd + strlen(" updated the group constraints to ");
        }
        k = (size_t)snprintf(cause, sizeof cause, "At %s %s%s", dec_t, prefix, d);
        if (k < sizeof cause && !prefix[0] && d[0] >= 'A' && d[0] <= 'Z')
            cause[k - strlen(d)] = (char)(d[0] - 'A' + 'a');
        if (k + 4 < sizeof cause) {
            if (k && cause[k - 1] != '.')
                cause[k++] = '.';
            cause[k++] = ' ';
            cause[k++] = ' ';
            cause[k] = '\0';
        }
    }
    if (k < sizeof cause)
        snprintf(cause + k, sizeof cause - k, "At %s %.*s.", epoch_t, (int)wl, why);
    x->cause = xstrdup(cause);
}

/* AWS-shaped synthetic identifiers from the seed and a name: an instance id (i- and 17 hex
 * digits) and an activity id (a UUID). */
static void instance_id(const struct cw_out *c, const char *name, char *b, size_t n)
{
    uint64_t h = c->seed ^ sim_rng_hash(name);
    uint64_t v = sim_rng_splitmix64(&h);
    snprintf(b, n, "i-0%016llx", (unsigned long long)v);
}

static void activity_id(const struct cw_out *c, size_t i, char *b, size_t n)
{
    uint64_t h = c->seed ^ (0xa5a5a5a5ULL + (uint64_t)i * 0x9e3779b97f4a7c15ULL);
    uint64_t x = sim_rng_splitmix64(&h), y = sim_rng_splitmix64(&h);
    snprintf(b, n, "%08llx-%04llx-4%03llx-%04llx-%012llx", (unsigned long long)(x >> 32),
             (unsigned long long)((x >> 16) & 0xffff), (unsigned long long)(x & 0xfff),
             (unsigned long long)(0x8000 | ((y >> 48) & 0x3fff)),
             (unsigned long long)(y & 0xffffffffffffULL));
}

static int dump(json_t *j, const char *dir, const char *file)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int rc = json_dump_file(j, path, JSON_INDENT(4) | JSON_REAL_PRECISION(12));
    json_decref(j);
    if (rc) {
        fprintf(stderr, "elbsim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static json_t *metric_data(const struct cw_out *c)
{
    json_t *res = json_array();
    double epoch = (double)c->sc->start_epoch_s;
    for (int i = 0; i < c->nm; i++) {
        const struct cw_metric *m = &c->m[i];
        json_t *ts = json_array(), *vs = json_array();
        /* Newest first: GetMetricData's default ScanBy, TimestampDescending. */
        for (size_t k = c->nint; k-- > 0;) {
            if (isnan(m->v[k]))
                continue;
            char b[48];
            cli_time(epoch + (double)k * c->sc->interval_s, b, sizeof b, false);
            json_array_append_new(ts, json_string(b));
            json_array_append_new(vs, json_real(m->v[k]));
        }
        char id[16];
        snprintf(id, sizeof id, "m%d", i + 1);
        json_t *r = json_object();
        json_object_set_new(r, "Id", json_string(id));
        json_object_set_new(r, "Label", json_string(m->label));
        json_object_set_new(r, "Timestamps", ts);
        json_object_set_new(r, "Values", vs);
        json_object_set_new(r, "StatusCode", json_string("Complete"));
        json_array_append_new(res, r);
    }
    json_t *top = json_object();
    json_object_set_new(top, "MetricDataResults", res);
    json_object_set_new(top, "Messages", json_array());
    return top;
}

static json_t *metric_queries(const struct cw_out *c)
{
    json_t *qs = json_array();
    double period = c->sc->interval_s;
    for (int i = 0; i < c->nm; i++) {
        const struct cw_metric *m = &c->m[i];
        json_t *dims = json_array();
        for (int d = 0; d < m->ndims; d++) {
            json_t *o = json_object();
            json_object_set_new(o, "Name", json_string(m->dim_name[d]));
            json_object_set_new(o, "Value", json_string(m->dim_val[d]));
            json_array_append_new(dims, o);
        }
        json_t *metric = json_object();
        json_object_set_new(metric, "Namespace", json_string(m->ns));
        json_object_set_new(metric, "MetricName", json_string(m->name));
        json_object_set_new(metric, "Dimensions", dims);
        json_t *ms = json_object();
        json_object_set_new(ms, "Metric", metric);
        json_object_set_new(ms, "Period", json_integer((json_int_t)llround(period)));
        json_object_set_new(ms, "Stat", json_string(m->stat));
        char id[16];
        snprintf(id, sizeof id, "m%d", i + 1);
        json_t *q = json_object();
        json_object_set_new(q, "Id", json_string(id));
        json_object_set_new(q, "MetricStat", ms);
        json_object_set_new(q, "Label", json_string(m->label));
        json_array_append_new(qs, q);
    }
    return qs;
}

/* The group's instance whose target is t, or NULL. */
static const struct asg_instance *instance_of(const struct asg *a, const char *target)
{
    for (uint32_t i = 0; i < a->ninst; i++)
        if (!strcmp(a->inst[i].t->node.name, target))
            return &a->inst[i];
    return NULL;
}

static json_t *activities(const struct cw_out *c)
{
    json_t *acts = json_array();
    double epoch = (double)c->sc->start_epoch_s;
    char region[64];
    const char *z0 = c->sc->nzones > 0 ? c->sc->zones[0] : "";
    size_t zl = strlen(z0);
    bool az = zl >= 4 && zl < sizeof region && z0[zl - 1] >= 'a' && z0[zl - 1] <= 'z' &&
              z0[zl - 2] >= '0' && z0[zl - 2] <= '9' && strchr(z0, '-');
    /* Newest first: AWS sorts activities by start time, the latest first. */
    for (size_t i = c->nacts; i-- > 0;) {
        const struct cw_act *x = &c->acts[i];
        const struct asg *a = c->w->asgs[x->asg];
        const struct asg_instance *in = instance_of(a, x->target);
        char iid[32], aid[48], b[48], desc[128], details[200];
        instance_id(c, x->target, iid, sizeof iid);
        activity_id(c, i, aid, sizeof aid);
        snprintf(desc, sizeof desc, "%s%s", x->launch ? LAUNCH : TERMINATE, iid);
        /* A zone's full name: the scenario's when it is an Availability Zone, else the
         * region (see access_log_region) and the zone's name. */
        if (az || !strncmp(x->zone, "us-", 3))
            snprintf(details, sizeof details, "{\"Availability Zone\":\"%s\"}", x->zone);
        else
            snprintf(details, sizeof details, "{\"Availability Zone\":\"us-east-1%s\"}",
                     x->zone);
        double end = (double)NAN;
        const char *status = "Successful";
        int progress = 100;
        if (in && x->launch) {
            if (in->state != ASG_PENDING && in->in_service_s >= x->t)
                end = in->in_service_s;
            else if (in->state == ASG_TERMINATED) {
                end = in->t->stopped_s;
                status = "Cancelled";
            } else {
                status = "InProgress";
                progress = 50;
            }
        } else if (in) {
            if (in->state == ASG_TERMINATED && isfinite(in->t->stopped_s))
                end = in->t->stopped_s;
            else {
                status = "WaitingForELBConnectionDraining";
                progress = 50;
            }
        }
        json_t *o = json_object();
        json_object_set_new(o, "ActivityId", json_string(aid));
        json_object_set_new(o, "AutoScalingGroupName", json_string(a->name));
        json_object_set_new(o, "Description", json_string(desc));
        json_object_set_new(o, "Cause", json_string(x->cause));
        cli_time(epoch + x->t, b, sizeof b, true);
        json_object_set_new(o, "StartTime", json_string(b));
        if (!isnan(end)) {
            cli_time(epoch + end, b, sizeof b, true);
            json_object_set_new(o, "EndTime", json_string(b));
        }
        json_object_set_new(o, "StatusCode", json_string(status));
        json_object_set_new(o, "Progress", json_integer(progress));
        json_object_set_new(o, "Details", json_string(details));
        char arn[700];
        snprintf(arn, sizeof arn,
                 "arn:aws:autoscaling:%.*s:123456789012:autoScalingGroup:%08llx-0000-4000-8000-"
                 "000000000000:autoScalingGroupName/%s",
                 az ? (int)(zl - 1) : 9, az ? z0 : "us-east-1",
                 (unsigned long long)(sim_rng_hash(a->name) & 0xffffffffULL), a->name);
        json_object_set_new(o, "AutoScalingGroupARN", json_string(arn));
        json_array_append_new(acts, o);
    }
    json_t *top = json_object();
    json_object_set_new(top, "Activities", acts);
    return top;
}

int cw_out_finish(struct cw_out *c, const char *dir)
{
    if (c->w->env.on_lb_response == on_response) {
        c->w->env.on_lb_response = c->prev_hook;
        c->w->env.on_lb_response_ctx = c->prev_ctx;
    }
    char d[4300];
    snprintf(d, sizeof d, "%s/cloudwatch", dir);
    if (outdir_mkdir_p(d))
        return -1;
    if (dump(metric_data(c), d, "get-metric-data.json") ||
        dump(metric_queries(c), d, "metric-data-queries.json") ||
        dump(activities(c), d, "describe-scaling-activities.json"))
        return -1;
    return 0;
}

void cw_out_free(struct cw_out *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nm; i++)
        free(c->m[i].v);
    free(c->m);
    for (int i = 0; i < c->w->nasgs; i++)
        free(c->asgs[i].decision);
    for (size_t i = 0; i < c->nacts; i++) {
        free(c->acts[i].target);
        free(c->acts[i].cause);
        free(c->acts[i].zone);
    }
    free(c->acts);
    for (int i = 0; i < c->w->nlbs; i++)
        if (c->lbs[i].pct.on)
            hist_fini(&c->lbs[i].pct.h);
    for (int i = 0; i < c->w->ntgs; i++)
        if (c->tgs[i].pct.on)
            hist_fini(&c->tgs[i].pct.h);
    free(c->lbs);
    free(c->tgs);
    free(c->asgs);
    free(c->prev_busy);
    free(c->cpu_sum);
    free(c->cpu_n);
    for (int i = 0; c->kube && i < c->w->nkube; i++) {
        free(c->kube[i].m_pod_cpu);
        free(c->kube[i].m_running);
        free(c->kube[i].pod_sum);
        free(c->kube[i].pod_n);
    }
    free(c->kube);
    free(c->dbusy);
    free(c->ecs);
    free(c->ecs_sum);
    free(c->ecs_n);
    free(c);
}
