/* An EKS cluster at run time: nodes, pods, the scheduler and each pod's start-up and
 * termination (models/kube/kube.h tells the model; kube_scale.c holds the control loops). */
#include "models/kube/kube.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/core/env.h"
#include "models/elb/target_group.h"
#include "models/kube/kube_impl.h"
#include "models/scaling/metrics.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define NO_MEMBER UINT32_MAX

/* ---- configuration ---- */

void kube_node_group_cfg_default(struct kube_node_group_cfg *c, const char *name)
{
    *c = (struct kube_node_group_cfg){.name = name, .min = 1, .max = 1, .desired = 1};
}

void kube_deploy_cfg_default(struct kube_deploy_cfg *c, const char *name)
{
    *c = (struct kube_deploy_cfg){
        .name = name,
        .target_type = KUBE_TARGET_IP,
        .cpu_request = 0.25,
        .mem_request_gb = 0.5,   /* kube_cfg_write writes these defaults as 250m, 500MB */
        .speed = 1.0,
        .discipline = TARGET_FCFS,
        .replicas = 1,
        .image_mb = 100,
        .probe = {.initial_delay_s = 0, .period_s = 10, .timeout_s = 1, .success_threshold = 1,
                  .failure_threshold = 3},
        .termination_grace_s = 30,
        .metric_resolution_s = 15,
        .safe_to_evict = true,
    };
    hpa_cfg_default(&c->hpa);
    for (int i = 0; i < HPA_MAX_METRICS; i++) {
        c->ext_period_s[i] = KUBE_EXT_PERIOD_S;
        c->ext_delay_s[i] = KUBE_EXT_DELAY_S;
    }
}

void kube_cluster_cfg_default(struct kube_cluster_cfg *c, const char *name)
{
    *c = (struct kube_cluster_cfg){
        .name = name,
        .reserved_cpu_frac = -1,
        .image_pull_mbps = 50,
        .image_pull_latency_s = 1,
        .autoscaler = KUBE_AS_NONE,
    };
    ca_cfg_default(&c->ca);
    karp_cfg_default(&c->karp);
}

/* The place of part i of w's array `arr`, else of its item, else of the entry. */
static const struct loc *at(const struct kube_cfg_locs *w, const struct loc *arr,
                            const struct loc *item, int i)
{
    if (arr && (arr[i].file || arr[i].line))
        return &arr[i];
    if (item && (item[i].file || item[i].line))
        return &item[i];
    return w ? w->entry : NULL;
}

int kube_cfg_check(const struct kube_cluster_cfg *c, const struct kube_cfg_locs *w)
{
    static const struct kube_cfg_locs none;
    const struct loc *loc = w ? w->entry : NULL;
    if (!w)
        w = &none;
    for (int g = 0; g < c->ngroups; g++) {
        const struct kube_node_group_cfg *n = &c->groups[g];
        const struct catalog_instance *ci = catalog_find(n->instance_type);
        if (!ci)
            return diag_error(at(w, w->group_type, w->group, g),
                              "EKS cluster '%s': node group '%s' needs an instance_type "
                                   "from the catalog (`elbsim list instance-types`), got '%s'",
                              c->name, n->name, n->instance_type ? n->instance_type : "");
        if (!(n->min >= 0 && n->min <= n->desired && n->desired <= n->max))
            return diag_error(at(w, NULL, w->group, g),
                              "EKS cluster '%s': node group '%s' needs 0 <= min <= "
                                   "desired <= max, got min %d, desired %d, max %d",
                              c->name, n->name, n->min, n->desired, n->max);
    }
    bool all_fargate = c->ndeploys > 0;
    for (int d = 0; d < c->ndeploys; d++)
        all_fargate = all_fargate && c->deploys[d].fargate;
    if (c->ngroups == 0 && c->autoscaler != KUBE_AS_KARPENTER && !all_fargate)
        return diag_error(loc, "EKS cluster '%s' has no node_groups: its pods could run "
                               "nowhere (add node_groups, or autoscaler: karpenter)",
                          c->name);
    for (int d = 0; d < c->ndeploys; d++) {
        const struct kube_deploy_cfg *p = &c->deploys[d];
        if (p->cpu_limit > 0 && p->cpu_limit < p->cpu_request)
            return diag_error(at(w, w->resources, w->deploy, d),
                              "deployment '%s': the cpu limit (%g) is below the request "
                                   "(%g); Kubernetes rejects such a pod",
                              p->name, p->cpu_limit, p->cpu_request);
        bool fits = false;
        double fv, fg;
        if (p->fargate && p->target_type == KUBE_TARGET_INSTANCE)
            return diag_error(at(w, w->target_type, w->deploy, d),
                              "deployment '%s' runs on Fargate, where a pod has no "
                                   "NodePort of its own node: target_type must be ip",
                              p->name);
        if (p->fargate) {
            if (!kube_fargate_size(p->cpu_request, p->mem_request_gb, &fv, &fg))
                return diag_error(at(w, w->resources, w->deploy, d),
                                  "deployment '%s': no Fargate size has cpu %g and memory "
                                       "%g GB (+ 0.256 GB for Kubernetes' own components); "
                                       "Fargate goes up to 16 vCPU and 120 GB",
                                  p->name, p->cpu_request, p->mem_request_gb);
            fits = true;
        }
        for (int g = 0; g < c->ngroups && !fits; g++) {
            const struct catalog_instance *ci = catalog_find(c->groups[g].instance_type);
            fits = p->cpu_request <= kube_alloc_cpu(ci, c->reserved_cpu_frac) + KUBE_EPS &&
                   p->mem_request_gb <= kube_alloc_mem(ci, c->groups[g].max_pods > 0
                                                               ? c->groups[g].max_pods
                                                               : kube_eks_max_pods(ci)) +
                                                KUBE_EPS;
        }
        for (int i = 0; i < c->nkarp_types && !fits; i++) {
            const struct catalog_instance *ci = catalog_find(c->karp_types[i]);
            fits = ci && p->cpu_request <= kube_alloc_cpu(ci, c->reserved_cpu_frac) + KUBE_EPS &&
                   p->mem_request_gb <= kube_alloc_mem(ci, kube_eks_max_pods(ci)) + KUBE_EPS;
        }
        if (!fits)
            return diag_error(at(w, w->resources, w->deploy, d),
                              "deployment '%s': a pod (cpu %g, memory %g GB) fits on no "
                                   "node type of cluster '%s' (allocatable: the instance less "
                                   "kube-reserved, docs/eks.md)",
                              p->name, p->cpu_request, p->mem_request_gb, c->name);
        char why[256];
        if (p->has_hpa && hpa_cfg_check(&p->hpa, why, sizeof why))
            return diag_error(at(w, w->hpa, w->deploy, d), "deployment '%s': the HPA: %s",
                              p->name, why);
    }
    return 0;
}

bool kube_fargate_size(double cpu, double mem_gb, double *vcpu, double *gb)
{
    static const double vcpus[] = {0.25, 0.5, 1, 2, 4, 8, 16};
    double need = mem_gb + 0.256; /* 256 MB for kubelet, kube-proxy and containerd */
    for (size_t i = 0; i < sizeof vcpus / sizeof vcpus[0]; i++) {
        if (vcpus[i] + KUBE_EPS < cpu)
            continue;
        for (int h = 1; h <= 240; h++) /* 0.5 GB steps up to 120 GB */
            if (h * 0.5 + KUBE_EPS >= need && catalog_fargate_is_valid(vcpus[i], h * 0.5)) {
                *vcpu = vcpus[i];
                *gb = h * 0.5;
                return true;
            }
    }
    return false;
}

/* Pods per node as EKS sets them with the VPC CNI: ENIs × (IPv4 addresses per ENI − 1) +
 * 2, from amazon-eks-ami's eni-max-pods.txt (docs/eks.md). */
int kube_eks_max_pods(const struct catalog_instance *ci)
{
    static const struct { const char *size; int pods; } by_size[] = {
        {"nano", 4}, {"micro", 4}, {"small", 11}, {"medium", 17}, {"large", 29},
        {"xlarge", 58}, {"2xlarge", 58}, {"4xlarge", 234}, {"8xlarge", 234},
        {"9xlarge", 234}, {"12xlarge", 234}, {"16xlarge", 737}, {"18xlarge", 737},
        {"24xlarge", 737}, {NULL, 0}};
    const char *dot = strchr(ci->name, '.');
    if (!dot)
        return 110;
    if (!strncmp(ci->name, "t3.", 3) && !strcmp(dot + 1, "large"))
        return 35; /* t3.large: 3 ENIs of 12 addresses */
    for (int i = 0; by_size[i].size; i++)
        if (!strcmp(dot + 1, by_size[i].size))
            return by_size[i].pods;
    return 110;
}

/* ---- small helpers ---- */

/* kube-reserved CPU of the EKS AMI: 6 % of the first core, 1 % of the second, 0.5 % of
 * the next two, 0.25 % of the rest (docs/eks.md). */
double kube_alloc_cpu(const struct catalog_instance *ci, double frac)
{
    double v = ci->vcpus;
    if (frac >= 0)
        return v * (1 - frac);
    double r = 0.06 * fmin(v, 1) + 0.01 * fmin(fmax(v - 1, 0), 1) +
               0.005 * fmin(fmax(v - 2, 0), 2) + 0.0025 * fmax(v - 4, 0);
    return v - r;
}

/* kube-reserved memory of the EKS AMI: 255 MiB + 11 MiB per pod the node may hold, and
 * the eviction threshold of 100 MiB (docs/eks.md). */
double kube_alloc_mem(const struct catalog_instance *ci, int max_pods)
{
    double mib = 255 + 11.0 * max_pods + 100;
    return ci->memory_gb - mib * 1048576.0 / 1e9;
}

double kube_now(const struct kube_cluster *k)
{
    return sim_now(&k->env->sim);
}

void kube_log(struct kube_cluster *k, const char *kind, const char *name, const char *fmt, ...)
{
    char detail[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    sim_event_log_row(&k->env->events, kube_now(k), kind, name, detail);
}

int kube_zone_at(const struct kube_cluster *k, const int *zones, int nzones, int i)
{
    if (zones && nzones)
        return zones[i % nzones];
    if (k->cfg.zones && k->cfg.nzones)
        return k->cfg.zones[i % k->cfg.nzones];
    return i % (k->nzones > 0 ? k->nzones : 1);
}

int kube_nzones_of(const struct kube_cluster *k, const int *zones, int nzones)
{
    if (zones && nzones)
        return nzones;
    if (k->cfg.zones && k->cfg.nzones)
        return k->cfg.nzones;
    return k->nzones > 0 ? k->nzones : 1;
}

static struct sim_dist *parse_default(const char *text)
{
    struct sim_dist *d = NULL;
    ELB_ASSERT(sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, NULL, &d) == 0);
    return d;
}

/* ---- building ---- */

static void owner_drained(void *owner, struct target *t)
{
    kube_drained(owner, t);
}

static const struct target_owner_ops kube_owner_ops = {.drained = owner_drained};

struct kube_cluster *kube_new(struct target_list *targets, const struct kube_cluster_cfg *cfg,
                              struct target_group **tgs, int nzones)
{
    struct kube_cluster *k = xcalloc(1, sizeof *k);
    k->cfg = *cfg;
    k->name = cfg->name;
    k->env = targets->env;
    k->targets = targets;
    k->nzones = nzones;
    k->v_zone_pods = xcalloc((size_t)(nzones > 0 ? nzones : 1), sizeof *k->v_zone_pods);
    char name[512];
    snprintf(name, sizeof name, "eks.%s", cfg->name);
    k->rng = sim_rng_new(k->env->seed, name);
    snprintf(name, sizeof name, "eks.%s.kube-proxy", cfg->name);
    k->proxy_rng = sim_rng_new(k->env->seed, name);
    if (!cfg->node_launch) {
        k->launch_default = parse_default(KUBE_NODE_LAUNCH_DEFAULT);
        k->cfg.node_launch = k->launch_default;
    }
    k->start_default = parse_default(KUBE_CONTAINER_START_DEFAULT);
    if (!cfg->fargate_start) {
        k->fargate_default = parse_default(KUBE_FARGATE_START_DEFAULT);
        k->cfg.fargate_start = k->fargate_default;
    }
    k->ndeps = cfg->ndeploys;
    k->deps = xcalloc((size_t)(k->ndeps ? k->ndeps : 1), sizeof *k->deps);
    for (int d = 0; d < k->ndeps; d++) {
        struct kube_deploy *dp = &k->deps[d];
        dp->cfg = cfg->deploys[d];
        if (!dp->cfg.image)
            dp->cfg.image = dp->cfg.name; /* none given: the deployment's name */
        dp->tgs = xcalloc((size_t)(dp->cfg.ntgs ? dp->cfg.ntgs : 1), sizeof *dp->tgs);
        for (int g = 0; g < dp->cfg.ntgs; g++)
            dp->tgs[g] = tgs[dp->cfg.tgs[g]];
        dp->desired = dp->cfg.replicas;
        if (dp->cfg.has_hpa)
            hpa_state_init(&dp->hpa, &dp->cfg.hpa);
        dp->last.metric = -1;
        for (int m = 0; dp->cfg.has_hpa && m < dp->cfg.hpa.nmetrics; m++) {
            if (dp->cfg.hpa.metrics[m].kind != HPA_EXTERNAL)
                continue;
            if (!dp->ext)
                dp->ext = xcalloc(HPA_MAX_METRICS, sizeof *dp->ext);
            struct metric_series_cfg sc = {.period_s = dp->cfg.ext_period_s[m],
                                           .delay_s = dp->cfg.ext_delay_s[m],
                                           .stat = {.kind = METRIC_SUM}};
            metric_series_init(&dp->ext[m], &sc);
            dp->ext_next_s[m] = dp->cfg.ext_period_s[m];
        }
    }
    k->group_target = xcalloc((size_t)(cfg->ngroups ? cfg->ngroups : 1), sizeof *k->group_target);
    for (int g = 0; g < cfg->ngroups; g++)
        k->group_target[g] = cfg->groups[g].desired;
    k->karp_types = xcalloc((size_t)(cfg->nkarp_types ? cfg->nkarp_types : 1),
                            sizeof *k->karp_types);
    for (int i = 0; i < cfg->nkarp_types; i++) {
        const struct catalog_instance *ci = catalog_find(cfg->karp_types[i]);
        int mp = kube_eks_max_pods(ci);
        k->karp_types[i] = (struct karp_type){
            ci, {kube_alloc_cpu(ci, cfg->reserved_cpu_frac), kube_alloc_mem(ci, mp)}, mp};
    }
    k->cfg.karp.types = k->karp_types;
    k->cfg.karp.ntypes = cfg->nkarp_types;
    ca_state_init(&k->ca);
    k->batch_first_s = k->batch_last_s = (double)NAN;
    k->last_failed_log_s = -(double)INFINITY;
    return k;
}

void kube_free(struct kube_cluster *k)
{
    if (!k)
        return;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        free(k->nodes[i].name);
        free(k->nodes[i].image_at);
        kube_proxy_free(&k->nodes[i], k->ndeps);
    }
    free(k->nodes);
    free(k->pods);
    for (int d = 0; d < k->ndeps; d++) {
        struct kube_deploy *dp = &k->deps[d];
        for (int m = 0; dp->ext && m < dp->cfg.hpa.nmetrics; m++)
            if (dp->cfg.hpa.metrics[m].kind == HPA_EXTERNAL)
                metric_series_fini(&dp->ext[m]);
        free(dp->ext);
        free(dp->tgs);
        free(dp->ready);
    }
    free(k->deps);
    free(k->group_target);
    free(k->v_zone_pods);
    free(k->karp_types);
    free(k->unneeded_since);
    free(k->v_pods);
    free(k->v_nodes);
    free(k->v_groups);
    free(k->v_podidx);
    free(k->v_remove);
    free(k->v_hpa);
    free(k->v_free);
    free(k->v_sc.order);
    free(k->v_sc.room);
    free(k->v_dest);
    free(k->v_gsize);
    gsl_rng_free(k->rng);
    gsl_rng_free(k->proxy_rng);
    sim_dist_free(k->launch_default);
    sim_dist_free(k->start_default);
    sim_dist_free(k->fargate_default);
    free(k);
}

/* ---- nodes ---- */

static void node_ready(struct sim *sim, void *ctx, uint64_t arg);

/* A new node of instance type ci in zone z, launched now (or Ready now when at_start). */
struct kube_node *kube_node_new(struct kube_cluster *k, int group,
                                const struct catalog_instance *ci, int zone, bool at_start)
{
    if (k->nnodes == k->node_cap) {
        k->node_cap = k->node_cap ? 2 * k->node_cap : 16;
        k->nodes = xrealloc(k->nodes, k->node_cap * sizeof *k->nodes);
        k->unneeded_since = xrealloc(k->unneeded_since, k->node_cap * sizeof *k->unneeded_since);
    }
    uint32_t id = k->nnodes++;
    struct kube_node *n = &k->nodes[id];
    int max_pods = group >= 0 && k->cfg.groups[group].max_pods > 0
                       ? k->cfg.groups[group].max_pods
                       : kube_eks_max_pods(ci);
    char name[512];
    if (group >= 0)
        snprintf(name, sizeof name, "%s/%s/%u", k->name, k->cfg.groups[group].name, id);
    else
        snprintf(name, sizeof name, "%s/karpenter/%u", k->name, id);
    double now = kube_now(k);
    *n = (struct kube_node){
        .name = xstrdup(name),
        .group = group,
        .type = ci,
        .state = KUBE_NODE_LAUNCHING,
        .zone = zone,
        .launched_s = now,
        .ready_s = (double)NAN,
        .stopped_s = (double)NAN,
        .alloc_cpu = kube_alloc_cpu(ci, k->cfg.reserved_cpu_frac),
        .alloc_mem = kube_alloc_mem(ci, max_pods),
        .max_pods = max_pods,
        .pull_free_s = now,
        .replaces = -1,
        .changed_s = now,
    };
    k->unneeded_since[id] = (double)NAN;
    n->image_at = xmalloc((size_t)(k->ndeps ? k->ndeps : 1) * sizeof *n->image_at);
    for (int d = 0; d < k->ndeps; d++)
        n->image_at[d] = at_start ? now : (double)NAN; /* the initial nodes are warm */
    k->node_launches++;
    if (at_start) {
        n->state = KUBE_NODE_READY;
        n->ready_s = now;
        kube_proxy_register(k, id);
    } else {
        double d = sim_dist_sample(k->cfg.node_launch, k->rng);
        sim_event_after(&k->env->sim, d > 0 ? d : 0, node_ready, k, id);
    }
    return n;
}

static void node_ready(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_node *n = &k->nodes[arg];
    if (n->state != KUBE_NODE_LAUNCHING)
        return;
    n->state = KUBE_NODE_READY;
    n->ready_s = sim_now(sim);
    kube_log(k, "kube", n->name, "NodeReady: Node %s status is now: NodeReady (%s, %s)",
             n->name, n->type->name, target_list_zone_name(k->targets, n->zone));
    kube_proxy_register(k, (uint32_t)arg);
    kube_node_became_ready(k, (uint32_t)arg);
    kube_schedule_pending(k);
}

/* The zone of a node group with the fewest active nodes (the ASG balances its zones). */
int kube_group_zone(const struct kube_cluster *k, int g)
{
    const struct kube_node_group_cfg *ng = &k->cfg.groups[g];
    int nz = kube_nzones_of(k, ng->zones, ng->nzones), best = kube_zone_at(k, ng->zones,
                                                                          ng->nzones, 0);
    int bestn = INT32_MAX;
    for (int i = 0; i < nz; i++) {
        int z = kube_zone_at(k, ng->zones, ng->nzones, i), c = 0;
        for (uint32_t j = 0; j < k->nnodes; j++)
            c += k->nodes[j].group == g && k->nodes[j].zone == z &&
                 k->nodes[j].state <= KUBE_NODE_READY;
        if (c < bestn) {
            bestn = c;
            best = z;
        }
    }
    return best;
}

/* Active (launching or ready) nodes of group g. */
int kube_group_size(const struct kube_cluster *k, int g)
{
    int c = 0;
    for (uint32_t j = 0; j < k->nnodes; j++)
        c += k->nodes[j].group == g && k->nodes[j].state <= KUBE_NODE_READY;
    return c;
}

/* Terminate node i now (its pods already gone). */
void kube_node_terminate(struct kube_cluster *k, uint32_t i)
{
    struct kube_node *n = &k->nodes[i];
    n->state = KUBE_NODE_TERMINATED;
    n->stopped_s = kube_now(k);
    k->node_terminations++;
    kube_log(k, "kube", n->name, "RemovingNode: Node %s event: Removing Node %s from "
             "Controller", n->name, n->name);
}

/* ---- pods ---- */

static struct target_spec pod_spec(const struct kube_cluster *k, const struct kube_deploy *dp)
{
    const struct kube_deploy_cfg *c = &dp->cfg;
    struct target_spec sp = {0};
    /* A pod runs at its limit, else at its request (docs/eks.md "Pods"). */
    double cpu = c->cpu_limit > 0 ? c->cpu_limit : c->cpu_request;
    sp.servers = cpu < 1 ? 1 : (int)floor(cpu + KUBE_EPS);
    sp.speed = cpu / sp.servers * c->speed;
    sp.kind = TARGET_EC2;
    sp.memory_gb = c->mem_request_gb;
    sp.discipline = c->discipline;
    sp.queue_limit = c->queue_limit;
    sp.zone = kube_zone_at(k, NULL, 0, 0);
    return sp;
}

/* The capacity, in cores, one busy server of a pod of dp stands for. */
double kube_core_per_server(const struct kube_deploy *dp)
{
    double cpu = dp->cfg.cpu_limit > 0 ? dp->cfg.cpu_limit : dp->cfg.cpu_request;
    int servers = cpu < 1 ? 1 : (int)floor(cpu + KUBE_EPS);
    return cpu / servers;
}

struct kube_pod *kube_pod_new(struct kube_cluster *k, int d)
{
    if (k->npods == k->pod_cap) {
        k->pod_cap = k->pod_cap ? 2 * k->pod_cap : 16;
        k->pods = xrealloc(k->pods, k->pod_cap * sizeof *k->pods);
    }
    struct kube_deploy *dp = &k->deps[d];
    uint32_t id = k->npods++;
    struct kube_pod *p = &k->pods[id];
    double now = kube_now(k);
    *p = (struct kube_pod){.deploy = d, .node = -1, .state = KUBE_POD_PENDING,
                           .created_s = now, .scheduled_s = (double)NAN,
                           .started_s = (double)NAN, .cready_s = (double)NAN,
                           .ready_s = (double)NAN, .deleted_s = (double)NAN,
                           .gone_s = (double)NAN};
    for (int g = 0; g < KUBE_MAX_TGS; g++)
        p->member[g] = NO_MEMBER;
    struct target_spec sp = pod_spec(k, dp);
    char name[512];
    snprintf(name, sizeof name, "%s/%llu", dp->cfg.name, (unsigned long long)dp->created++);
    p->t = target_list_new(k->targets, name, &sp);
    p->t->owner = k;
    p->t->owner_kind = TARGET_OWNER_KUBE;
    p->t->owner_ops = &kube_owner_ops;
    p->t->state = TARGET_PENDING;
    return p;
}

static uint32_t pod_id(const struct kube_cluster *k, const struct kube_pod *p)
{
    return (uint32_t)(p - k->pods);
}

static void pod_event(struct kube_cluster *k, struct kube_pod *p, double at, sim_event_fn *fn)
{
    p->ev = sim_event_schedule(&k->env->sim, at, fn, k, pod_id(k, p));
}

static void pod_gate(struct sim *sim, void *ctx, uint64_t arg);

/* ---- the readiness probe once a pod is Ready ---- */

static void probe_tick(struct sim *sim, void *ctx, uint64_t arg);

/* The kubelet probes every period from the container's start: the next tick after `after`. */
static void probe_next(struct kube_cluster *k, struct kube_pod *p, double after)
{
    if (!k->probes)
        return;
    const struct kube_probe *pr = &k->deps[p->deploy].cfg.probe;
    double n = floor((after - p->started_s) / pr->period_s + 1e-9) + 1;
    pod_event(k, p, p->started_s + n * pr->period_s, probe_tick);
}

/* failure_threshold failures in a row: no longer Ready.  The pod leaves the service's
 * endpoints, and with target type ip the controller deregisters it (it drains). */
static void pod_not_ready(struct kube_cluster *k, struct kube_pod *p)
{
    struct kube_deploy *dp = &k->deps[p->deploy];
    bool ip = dp->cfg.target_type == KUBE_TARGET_IP;
    p->state = KUBE_POD_STARTED;
    p->unready = true;
    p->probe_ok = 0;
    kube_endpoint_remove(k, pod_id(k, p));
    kube_log(k, "kube", p->t->node.name, "NotReady: readiness probe failed %d times; pod is "
             "not Ready, removed from the endpoints%s", p->probe_fail,
             ip && dp->cfg.ntgs ? " and deregistered" : "");
    for (int g = 0; ip && g < dp->cfg.ntgs; g++)
        if (p->member[g] != NO_MEMBER)
            tg_deregister(dp->tgs[g], p->member[g]);
}

/* success_threshold successes in a row after failing: Ready again, registered anew. */
static void pod_ready_again(struct kube_cluster *k, struct kube_pod *p)
{
    struct kube_deploy *dp = &k->deps[p->deploy];
    bool ip = dp->cfg.target_type == KUBE_TARGET_IP;
    p->state = KUBE_POD_READY;
    p->unready = false;
    p->ready_s = kube_now(k);
    for (int g = 0; ip && g < dp->cfg.ntgs; g++) {
        p->member[g] = dp->tgs[g]->nmembers;
        tg_target_register(dp->tgs[g], p->t);
        kube_log(k, "register", p->t->node.name, "registered with %s (target type ip)",
                 dp->tgs[g]->node.name);
    }
    kube_endpoint_add(k, pod_id(k, p));
    kube_log(k, "kube", p->t->node.name, "Ready: readiness probe passed %d in a row; pod is "
             "Ready again", p->probe_ok);
}

static void probe_result(struct kube_cluster *k, struct kube_pod *p, bool ok)
{
    const struct kube_probe *pr = &k->deps[p->deploy].cfg.probe;
    if (ok) {
        p->probe_fail = 0;
        if (p->unready && ++p->probe_ok >= pr->success_threshold)
            pod_ready_again(k, p);
        return;
    }
    p->probe_ok = 0;
    p->probe_fail++;
    kube_log(k, "kube", p->t->node.name, "Unhealthy: Readiness probe failed (%d in a row)",
             p->probe_fail);
    if (p->state == KUBE_POD_READY && p->probe_fail >= pr->failure_threshold)
        pod_not_ready(k, p);
}

static bool probed(const struct kube_pod *p)
{
    return p->state == KUBE_POD_READY || (p->state == KUBE_POD_STARTED && p->unready);
}

/* A probe unanswered for its timeout (hung app, host down) fails then. */
static void probe_timeout(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (!probed(p))
        return;
    probe_result(k, p, false);
    probe_next(k, p, sim_now(sim));
}

static void probe_tick(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (!probed(p))
        return;
    enum target_check c = target_check(p->t);
    if (c == TARGET_CHECK_SILENT) {
        pod_event(k, p, sim_now(sim) + k->deps[p->deploy].cfg.probe.timeout_s, probe_timeout);
        return;
    }
    probe_result(k, p, c == TARGET_CHECK_PASS);
    probe_next(k, p, sim_now(sim));
}

/* Containers ready: register with the target groups; Ready now, or with a readiness
 * gate once every group sees the target healthy. */
static void pod_containers_ready(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (p->state != KUBE_POD_STARTED)
        return;
    struct kube_deploy *dp = &k->deps[p->deploy];
    p->cready_s = sim_now(sim);
    bool ip = dp->cfg.target_type == KUBE_TARGET_IP;
    for (int g = 0; ip && g < dp->cfg.ntgs; g++) {
        p->member[g] = dp->tgs[g]->nmembers;
        tg_target_register(dp->tgs[g], p->t);
        kube_log(k, "register", p->t->node.name, "registered with %s (target type ip)",
                 dp->tgs[g]->node.name);
    }
    if (ip && dp->cfg.readiness_gate && dp->cfg.ntgs > 0) {
        pod_gate(sim, k, arg);
        return;
    }
    p->state = KUBE_POD_READY;
    p->ready_s = p->cready_s;
    kube_endpoint_add(k, (uint32_t)arg);
    kube_log(k, "kube", p->t->node.name, "Ready: readiness probe passed; pod is Ready%s",
             ip ? "" : " (an endpoint of its NodePort service)");
    probe_next(k, p, p->ready_s);
}

/* The readiness gate: polled every second until every group sees the target healthy. */
static void pod_gate(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (p->state != KUBE_POD_STARTED)
        return;
    struct kube_deploy *dp = &k->deps[p->deploy];
    bool healthy = true;
    for (int g = 0; g < dp->cfg.ntgs && healthy; g++)
        healthy = dp->tgs[g]->members[p->member[g]].health == TG_HEALTH_HEALTHY;
    if (!healthy) {
        pod_event(k, p, sim_now(sim) + KUBE_GATE_POLL_S, pod_gate);
        return;
    }
    p->state = KUBE_POD_READY;
    p->ready_s = sim_now(sim);
    kube_endpoint_add(k, (uint32_t)arg);
    kube_log(k, "kube", p->t->node.name, "Ready: target healthy in every target group; "
             "readiness gate passed, pod is Ready");
    probe_next(k, p, p->ready_s);
}

/* The first probe tick at or after `from` (ticks every period from the container start),
 * then success_threshold - 1 more. */
double kube_probe_ready_at(const struct kube_probe *pr, double started, double app_up)
{
    double from = fmax(started + pr->initial_delay_s, app_up);
    double n = ceil((from - started) / pr->period_s - 1e-9);
    if (n < 0)
        n = 0;
    return started + (n + pr->success_threshold - 1) * pr->period_s;
}

/* How long a pull of dp's image takes once it starts: the per-pull latency plus its size
 * over the cluster's pull throughput. */
static double pull_s(const struct kube_cluster *k, const struct kube_deploy *dp)
{
    return k->cfg.image_pull_latency_s + dp->cfg.image_mb / k->cfg.image_pull_mbps;
}

static void pod_started(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (p->state != KUBE_POD_CREATING)
        return;
    struct kube_deploy *dp = &k->deps[p->deploy];
    double now = sim_now(sim);
    p->state = KUBE_POD_STARTED;
    p->started_s = now;
    struct target *t = p->t;
    t->state = TARGET_IN_SERVICE;
    t->busy_since = t->ps_vtime_at = now;
    p->m_at = now;
    kube_log(k, "kube", t->node.name, "Started: Started container %s",
             dp->cfg.image);
    double app = dp->cfg.app_start ? sim_dist_sample(dp->cfg.app_start, k->rng) : 0;
    double at = kube_probe_ready_at(&dp->cfg.probe, now, now + (app > 0 ? app : 0));
    pod_event(k, p, at, pod_containers_ready);
}

static void pod_pulled(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (p->state != KUBE_POD_CREATING)
        return;
    struct kube_deploy *dp = &k->deps[p->deploy];
    double now = sim_now(sim);
    if (now > p->pull_from_s)
        kube_log(k, "kube", p->t->node.name, "Pulled: Successfully pulled image \"%s\" in "
                 "%.3fs (%.3fs including waiting). Image size: %.0f bytes.",
                 dp->cfg.image,
                 pull_s(k, dp),
                 now - p->pull_from_s, dp->cfg.image_mb * 1e6);
    double d = sim_dist_sample(dp->cfg.container_start ? dp->cfg.container_start
                                                        : k->start_default, k->rng);
    pod_event(k, p, now + (d > 0 ? d : 0), pod_started);
}

/* The initial replicas: running, registered and Ready from t = 0, like static targets. */
static void pod_ready_at_start(struct kube_cluster *k, struct kube_pod *p, double now)
{
    struct kube_deploy *dp = &k->deps[p->deploy];
    p->state = KUBE_POD_READY;
    p->started_s = p->cready_s = p->ready_s = p->m_at = now;
    p->t->state = TARGET_IN_SERVICE;
    p->t->busy_since = p->t->ps_vtime_at = now;
    for (int g = 0; dp->cfg.target_type == KUBE_TARGET_IP && g < dp->cfg.ntgs; g++) {
        p->member[g] = dp->tgs[g]->nmembers;
        tg_target_register(dp->tgs[g], p->t);
    }
    kube_endpoint_add(k, pod_id(k, p));
    probe_next(k, p, now);
}

/* Bind pod p to node i now: reserve its requests, then the image and the container. */
static void pod_bind(struct kube_cluster *k, struct kube_pod *p, uint32_t i, bool at_start)
{
    struct kube_deploy *dp = &k->deps[p->deploy];
    struct kube_node *n = &k->nodes[i];
    double now = kube_now(k);
    n->used_cpu += dp->cfg.cpu_request;
    n->used_mem += dp->cfg.mem_request_gb;
    n->npods++;
    n->changed_s = now;
    p->node = (int)i;
    p->state = KUBE_POD_CREATING;
    p->scheduled_s = now;
    p->t->spec.zone = n->zone;
    p->t->launched_s = now;
    const char *img = dp->cfg.image;
    if (at_start) {
        pod_ready_at_start(k, p, now);
        return;
    }
    kube_log(k, "kube", p->t->node.name, "Scheduled: Successfully assigned %s to %s",
             p->t->node.name, n->name);
    double have = n->image_at[p->deploy];
    p->pull_from_s = now;
    if (!isnan(have) && have <= now) {
        kube_log(k, "kube", p->t->node.name, "Pulled: Container image \"%s\" already "
                 "present on machine", img);
        pod_event(k, p, now, pod_pulled);
        return;
    }
    kube_log(k, "kube", p->t->node.name, "Pulling: Pulling image \"%s\"", img);
    if (isnan(have)) {
        /* The kubelet pulls one image at a time: after the node's pull in progress. */
        double start = fmax(now, n->pull_free_s);
        double took = pull_s(k, dp);
        n->pull_free_s = n->image_at[p->deploy] = have = start + took;
    }
    /* Pulled now, or being pulled for another pod: it waits for that pull. */
    pod_event(k, p, have, pod_pulled);
}

static void pod_fargate_ready(struct sim *sim, void *ctx, uint64_t arg);

/* A pod a Fargate profile selects gets a node of its own: Fargate capacity in the zone
 * with the fewest of the deployment's pods, then an image pull that is never cached. */
static void pod_fargate(struct kube_cluster *k, struct kube_pod *p, bool at_start)
{
    struct kube_deploy *dp = &k->deps[p->deploy];
    double now = kube_now(k);
    int nz = kube_nzones_of(k, NULL, 0), best = kube_zone_at(k, NULL, 0, 0), bestn = INT32_MAX;
    for (int i = 0; i < nz; i++) {
        int z = kube_zone_at(k, NULL, 0, i), c = 0;
        for (uint32_t j = 0; j < k->npods; j++)
            c += k->pods[j].deploy == p->deploy && !isnan(k->pods[j].scheduled_s) &&
                 k->pods[j].state <= KUBE_POD_READY && k->pods[j].t->spec.zone == z;
        if (c < bestn) {
            bestn = c;
            best = z;
        }
    }
    p->state = KUBE_POD_CREATING;
    p->scheduled_s = now;
    p->t->spec.zone = best;
    p->t->launched_s = now;
    if (at_start) {
        pod_ready_at_start(k, p, now);
        return;
    }
    kube_log(k, "kube", p->t->node.name, "Scheduled: Successfully assigned %s to "
             "fargate-%s (Fargate %.10g vCPU, %.10g GB, %s)", p->t->node.name,
             p->t->node.name, dp->cfg.fargate_cpu, dp->cfg.fargate_mem_gb,
             target_list_zone_name(k->targets, best));
    double d = sim_dist_sample(k->cfg.fargate_start, k->rng);
    pod_event(k, p, now + (d > 0 ? d : 0), pod_fargate_ready);
}

/* Fargate capacity is up: pull the image (every time), then start the container. */
static void pod_fargate_ready(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (p->state != KUBE_POD_CREATING)
        return;
    struct kube_deploy *dp = &k->deps[p->deploy];
    double took = pull_s(k, dp);
    kube_log(k, "kube", p->t->node.name, "Pulling: Pulling image \"%s\"",
             dp->cfg.image);
    p->pull_from_s = sim_now(sim);
    pod_event(k, p, sim_now(sim) + took, pod_pulled);
}

/* Place pod p now: on Fargate, or on a node the scheduler picks; false when it stays
 * Pending. */
static bool pod_place(struct kube_cluster *k, struct kube_pod *p, bool at_start)
{
    if (k->deps[p->deploy].cfg.fargate) {
        pod_fargate(k, p, at_start);
        return true;
    }
    int i = kube_pick_node(k, p->deploy);
    if (i < 0)
        return false;
    pod_bind(k, p, (uint32_t)i, at_start);
    return true;
}

/* kube-scheduler, simplest faithful form: filter nodes that are Ready with room for the
 * requests (and, with zone spread, whose zone keeps the skew at most 1 over the zones that
 * have Ready nodes), score by LeastAllocated (the mean free fraction of cpu and memory
 * after placing), the highest wins, the lowest index among equals.  -1: none. */
int kube_pick_node(const struct kube_cluster *k, int d)
{
    const struct kube_deploy_cfg *c = &k->deps[d].cfg;
    int minz = INT32_MAX;
    int *inz = k->v_zone_pods; /* [zone] pods of d there: counted once, O(pods + nodes) */
    if (c->spread_zones) {
        for (int z = 0; z < k->nzones; z++)
            inz[z] = 0;
        for (uint32_t j = 0; j < k->npods; j++) {
            const struct kube_pod *p = &k->pods[j];
            if (p->deploy == d && !isnan(p->scheduled_s) && p->state <= KUBE_POD_READY)
                inz[p->t->spec.zone]++;
        }
        for (uint32_t i = 0; i < k->nnodes; i++)
            if (k->nodes[i].state == KUBE_NODE_READY && inz[k->nodes[i].zone] < minz)
                minz = inz[k->nodes[i].zone];
    }
    int best = -1;
    double best_score = -1;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        if (n->state != KUBE_NODE_READY || n->npods >= n->max_pods ||
            n->used_cpu + c->cpu_request > n->alloc_cpu + KUBE_EPS ||
            n->used_mem + c->mem_request_gb > n->alloc_mem + KUBE_EPS)
            continue;
        if (c->spread_zones && inz[n->zone] + 1 - minz > 1)
            continue;
        double fc = (n->alloc_cpu - n->used_cpu - c->cpu_request) / n->alloc_cpu;
        double fm = (n->alloc_mem - n->used_mem - c->mem_request_gb) / n->alloc_mem;
        double score = (fc + fm) / 2;
        if (score > best_score + KUBE_EPS) {
            best = (int)i;
            best_score = score;
        }
    }
    return best;
}

/* Schedule the pending pods in creation order (the scheduling queue's FIFO among equal
 * priorities); a pod that fits nowhere stays pending. */
void kube_schedule_pending(struct kube_cluster *k)
{
    for (uint32_t j = 0; j < k->npods; j++) {
        struct kube_pod *p = &k->pods[j];
        if (p->state != KUBE_POD_PENDING)
            continue;
        int i = kube_pick_node(k, p->deploy);
        if (i >= 0)
            pod_bind(k, p, (uint32_t)i, false);
    }
}

static void log_unschedulable(struct kube_cluster *k, const struct kube_pod *p)
{
    const struct kube_deploy_cfg *c = &k->deps[p->deploy].cfg;
    int ready = 0, cpu = 0, mem = 0, pods = 0, other = 0;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        if (n->state != KUBE_NODE_READY)
            continue;
        ready++;
        if (n->used_cpu + c->cpu_request > n->alloc_cpu + KUBE_EPS)
            cpu++;
        else if (n->used_mem + c->mem_request_gb > n->alloc_mem + KUBE_EPS)
            mem++;
        else if (n->npods >= n->max_pods)
            pods++;
        else
            other++;
    }
    char why[256] = "";
    size_t u = 0;
    if (cpu)
        u += (size_t)snprintf(why + u, sizeof why - u, " %d Insufficient cpu.", cpu);
    if (mem && u < sizeof why)
        u += (size_t)snprintf(why + u, sizeof why - u, " %d Insufficient memory.", mem);
    if (pods && u < sizeof why)
        u += (size_t)snprintf(why + u, sizeof why - u, " %d Too many pods.", pods);
    if (other && u < sizeof why)
        snprintf(why + u, sizeof why - u, " %d node(s) didn't match pod topology spread "
                 "constraints.", other);
    kube_log(k, "kube", p->t->node.name, "FailedScheduling: 0/%d nodes are available:%s",
             ready, ready ? why : "");
}

/* ---- termination ---- */

static void release(struct kube_cluster *k, struct kube_pod *p)
{
    if (p->node < 0)
        return;
    const struct kube_deploy_cfg *c = &k->deps[p->deploy].cfg;
    struct kube_node *n = &k->nodes[p->node];
    n->used_cpu -= c->cpu_request;
    n->used_mem -= c->mem_request_gb;
    n->npods--;
    n->changed_s = kube_now(k);
    if (n->npods == 0) {
        n->used_cpu = 0; /* no drift from sums of doubles */
        n->used_mem = 0;
    }
    p->node = -1;
}

static void pod_gone(struct kube_cluster *k, struct kube_pod *p)
{
    struct target *t = p->t;
    struct kube_deploy *dp = &k->deps[p->deploy];
    if (p->ev) {
        sim_event_cancel(&k->env->sim, p->ev);
        p->ev = 0;
    }
    /* Requests still held when the container is killed are lost (502). */
    if (t->state == TARGET_IN_SERVICE || t->state == TARGET_DRAINING)
        target_fault_start(t, -2, TARGET_FAULT_CRASH, 1, 0, NULL);
    double now = kube_now(k);
    if (!isnan(p->scheduled_s))
        dp->pod_seconds += now - p->scheduled_s;
    p->state = KUBE_POD_GONE;
    p->gone_s = now;
    t->state = TARGET_TERMINATED;
    t->stopped_s = isnan(p->scheduled_s) ? t->launched_s : now;
    bool had = p->node >= 0;
    int node = p->node;
    release(k, p);
    if (had) {
        kube_after_release(k, node);
        kube_schedule_pending(k);
    }
}

static void pod_grace_over(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (p->state == KUBE_POD_TERMINATING)
        pod_gone(k, p);
}

/* A terminating pod that is no group's target: gone once idle or at the grace end. */
static void pod_idle_poll(struct sim *sim, void *ctx, uint64_t arg)
{
    struct kube_cluster *k = ctx;
    struct kube_pod *p = &k->pods[arg];
    p->ev = 0;
    if (p->state != KUBE_POD_TERMINATING)
        return;
    double now = sim_now(sim);
    if (p->t->held == 0 || now >= p->grace_end_s) {
        pod_gone(k, p);
        return;
    }
    pod_event(k, p, fmin(now + KUBE_GATE_POLL_S, p->grace_end_s), pod_idle_poll);
}

/* Delete pod p (scale-in, eviction): deregister it, drain it within the grace period. */
void kube_pod_delete(struct kube_cluster *k, struct kube_pod *p, const char *why)
{
    struct kube_deploy *dp = &k->deps[p->deploy];
    if (p->state >= KUBE_POD_TERMINATING)
        return;
    if (p->ev) {
        sim_event_cancel(&k->env->sim, p->ev);
        p->ev = 0;
    }
    if (p->state == KUBE_POD_READY)
        kube_endpoint_remove(k, pod_id(k, p));
    p->deleted_s = kube_now(k);
    dp->deleted++;
    kube_log(k, "kube", p->t->node.name, "Killing: Stopping container %s (%s)",
             dp->cfg.image, why);
    if (p->state < KUBE_POD_STARTED) {
        pod_gone(k, p);
        return;
    }
    p->state = KUBE_POD_TERMINATING;
    int n = 0;
    bool dereg[KUBE_MAX_TGS] = {false};
    for (int g = 0; g < dp->cfg.ntgs; g++) {
        dereg[g] = p->member[g] != NO_MEMBER && dp->tgs[g]->members[p->member[g]].registered &&
                   !dp->tgs[g]->members[p->member[g]].draining;
        n += dereg[g];
    }
    p->draining = n;
    if (n == 0) {
        /* Not a target of any group (target type instance): it is no endpoint any more;
         * it finishes what it holds, within the grace period. */
        p->grace_end_s = kube_now(k) + dp->cfg.termination_grace_s;
        pod_idle_poll(&k->env->sim, k, pod_id(k, p));
        return;
    }
    pod_event(k, p, kube_now(k) + dp->cfg.termination_grace_s, pod_grace_over);
    /* An ALB group with nothing in flight finishes at once (kube_drained runs inside). */
    for (int g = 0; g < dp->cfg.ntgs; g++)
        if (dereg[g])
            tg_deregister(dp->tgs[g], p->member[g]);
}

void kube_drained(struct kube_cluster *k, struct target *t)
{
    for (uint32_t j = 0; j < k->npods; j++) {
        struct kube_pod *p = &k->pods[j];
        if (p->t != t || p->state != KUBE_POD_TERMINATING)
            continue;
        if (--p->draining <= 0)
            pod_gone(k, p);
        return;
    }
}

/* ---- the ReplicaSet controller ---- */

/* Which pod scale-in deletes: the ReplicaSet controller's order (unscheduled, then
 * pending, then not ready, then ready most recently, newest first among equals). */
static struct kube_pod *victim(struct kube_cluster *k, int d)
{
    struct kube_pod *best = NULL;
    double bk0 = 0, bk1 = 0;
    for (uint32_t j = k->npods; j-- > 0;) {
        struct kube_pod *p = &k->pods[j];
        if (p->deploy != d || p->state >= KUBE_POD_TERMINATING)
            continue;
        double k0 = p->state == KUBE_POD_PENDING ? 0 : p->state == KUBE_POD_CREATING ? 1
                    : p->state == KUBE_POD_STARTED ? 2 : 3;
        double k1 = p->state == KUBE_POD_READY ? -p->ready_s : 0;
        if (!best || k0 < bk0 || (k0 == bk0 && k1 < bk1)) {
            best = p;
            bk0 = k0;
            bk1 = k1;
        }
    }
    return best;
}

void kube_reconcile(struct kube_cluster *k, int d)
{
    struct kube_deploy *dp = &k->deps[d];
    int act = 0;
    for (uint32_t j = 0; j < k->npods; j++)
        act += k->pods[j].deploy == d && k->pods[j].state < KUBE_POD_TERMINATING;
    uint32_t first = k->npods;
    int made = 0;
    for (; act < dp->desired; act++, made++)
        kube_pod_new(k, d);
    if (made)
        kube_log(k, "kube", dp->cfg.name, "ScalingReplicaSet: Scaled up replica set %s to %d",
                 dp->cfg.name, dp->desired);
    for (uint32_t j = first; j < k->npods; j++) {
        struct kube_pod *p = &k->pods[j];
        if (!pod_place(k, p, false))
            log_unschedulable(k, p);
    }
    if (act > dp->desired)
        kube_log(k, "kube", dp->cfg.name, "ScalingReplicaSet: Scaled down replica set %s to %d",
                 dp->cfg.name, dp->desired);
    for (; act > dp->desired; act--) {
        struct kube_pod *p = victim(k, d);
        if (!p)
            break;
        kube_pod_delete(k, p, "scaled down");
    }
}

/* Evict the pods of node i (drain for scale-down); the ReplicaSets recreate them. */
void kube_node_drain(struct kube_cluster *k, uint32_t i)
{
    struct kube_node *n = &k->nodes[i];
    n->state = KUBE_NODE_DRAINING;
    kube_proxy_deregister(k, i);
    bool touched[64] = {false};
    for (uint32_t j = 0; j < k->npods; j++) {
        struct kube_pod *p = &k->pods[j];
        if (p->node == (int)i && p->state < KUBE_POD_TERMINATING) {
            kube_pod_delete(k, p, "evicted: node drained");
            if (p->deploy < 64)
                touched[p->deploy] = true;
        }
    }
    for (int d = 0; d < k->ndeps; d++)
        if (d >= 64 || touched[d])
            kube_reconcile(k, d);
    if (n->npods == 0)
        kube_node_terminate(k, i);
}

/* After a pod left node i: a draining node that is empty terminates. */
void kube_after_release(struct kube_cluster *k, int i)
{
    if (i >= 0 && k->nodes[i].state == KUBE_NODE_DRAINING && k->nodes[i].npods == 0)
        kube_node_terminate(k, (uint32_t)i);
}

/* ---- start ---- */

void kube_start(struct kube_cluster *k)
{
    /* The initial nodes and replicas are Ready at t = 0, like static targets. */
    for (int g = 0; g < k->cfg.ngroups; g++)
        for (int i = 0; i < k->cfg.groups[g].desired; i++) {
            const struct catalog_instance *ci = catalog_find(k->cfg.groups[g].instance_type);
            kube_node_new(k, g, ci, kube_group_zone(k, g), true);
        }
    for (int d = 0; d < k->ndeps; d++) {
        struct kube_deploy *dp = &k->deps[d];
        if (dp->cfg.has_hpa) {
            if (dp->desired < dp->cfg.hpa.min_replicas)
                dp->desired = dp->cfg.hpa.min_replicas;
            if (dp->desired > dp->cfg.hpa.max_replicas)
                dp->desired = dp->cfg.hpa.max_replicas;
        }
        for (int r = 0; r < dp->desired; r++) {
            struct kube_pod *p = kube_pod_new(k, d);
            if (!pod_place(k, p, true))
                log_unschedulable(k, p);
        }
    }
    kube_loops_start(k);
}

/* ---- outputs ---- */

void kube_deploy_counts(const struct kube_cluster *k, int d, struct kube_pod_counts *o)
{
    *o = (struct kube_pod_counts){0};
    for (uint32_t j = 0; j < k->npods; j++) {
        const struct kube_pod *p = &k->pods[j];
        if (p->deploy != d)
            continue;
        o->pending += p->state == KUBE_POD_PENDING;
        o->creating += p->state == KUBE_POD_CREATING;
        o->started += p->state == KUBE_POD_STARTED;
        o->ready += p->state == KUBE_POD_READY;
        o->terminating += p->state == KUBE_POD_TERMINATING;
    }
}

void kube_node_counts(const struct kube_cluster *k, struct kube_node_counts *o)
{
    *o = (struct kube_node_counts){0};
    double used = 0, alloc = 0;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        o->launching += n->state == KUBE_NODE_LAUNCHING;
        o->ready += n->state == KUBE_NODE_READY;
        o->draining += n->state == KUBE_NODE_DRAINING;
        if (n->state == KUBE_NODE_READY) {
            used += n->used_cpu;
            alloc += n->alloc_cpu;
        }
    }
    o->cpu_requested_pct = alloc > 0 ? 100 * used / alloc : 0;
}

double kube_node_hours(const struct kube_cluster *k, double now)
{
    double s = 0;
    for (uint32_t i = 0; i < k->nnodes; i++)
        s += catalog_ran_s(k->nodes[i].launched_s, k->nodes[i].stopped_s, now);
    return s / 3600;
}

/* What the Fargate pods cost up to now: each its size's price, per second with a 60 s
 * minimum, from scheduling to its end. */
static double fargate_cost(const struct kube_cluster *k, double now)
{
    double usd = 0;
    for (uint32_t j = 0; j < k->npods; j++) {
        const struct kube_pod *p = &k->pods[j];
        const struct kube_deploy_cfg *c = &k->deps[p->deploy].cfg;
        if (c->fargate && !isnan(p->scheduled_s))
            usd += catalog_billed_seconds(catalog_ran_s(p->scheduled_s, p->gone_s, now),
                                          CATALOG_EC2_MINIMUM_S) *
                   catalog_fargate_price_per_hour(c->fargate_cpu, c->fargate_mem_gb) / 3600;
    }
    return usd;
}

double kube_cost_usd(const struct kube_cluster *k, double now)
{
    double usd = 0;
    for (uint32_t i = 0; i < k->nnodes; i++) {
        const struct kube_node *n = &k->nodes[i];
        usd += catalog_billed_seconds(catalog_ran_s(n->launched_s, n->stopped_s, now),
                                      CATALOG_EC2_MINIMUM_S) * n->type->price_per_hour_usd / 3600;
    }
    return usd + fargate_cost(k, now);
}

double kube_pod_hours(const struct kube_cluster *k, int d, double now)
{
    double s = 0;
    for (uint32_t j = 0; j < k->npods; j++)
        if (k->pods[j].deploy == d)
            s += catalog_ran_s(k->pods[j].scheduled_s, k->pods[j].gone_s, now);
    return s / 3600;
}
