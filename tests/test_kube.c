/* EKS at run time (models/kube/kube.c, kube_proxy.c): the EKS AMI's allocatable, Fargate
 * sizes, the readiness probe's arithmetic, Kubernetes quantities in the scenario, the
 * scheduler's LeastAllocated score and zone spread, the image pull (serial per node, cached),
 * kube-proxy's uniform choice with target type instance and the Local policy's health
 * checks, and the configuration checks.  Each test builds a world from YAML and reads
 * its cluster and events.csv rows. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/elb/target_group.h"
#include "models/kube/kube.h"
#include "models/kube/kube_impl.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"
#include "sim/diag.h"
#include "tests/unit.h"

#define MAX_ROWS 2048

struct rows {
    int n;
    double t[MAX_ROWS];
    char kind[MAX_ROWS][16];
    char name[MAX_ROWS][48];
    char detail[MAX_ROWS][300];
};

static void on_event(void *ctx, double t, const char *kind, const char *name,
                     const char *detail)
{
    struct rows *r = ctx;
    if (r->n == MAX_ROWS)
        return;
    r->t[r->n] = t;
    snprintf(r->kind[r->n], sizeof r->kind[0], "%s", kind);
    snprintf(r->name[r->n], sizeof r->name[0], "%s", name);
    snprintf(r->detail[r->n], sizeof r->detail[0], "%s", detail);
    r->n++;
}

struct fx {
    struct scenario *sc;
    struct world *w;
    struct kube_cluster *k;
    struct rows r;
};

/* A world from `cluster` (the YAML of one eks_clusters item, 2-space indented under the
 * list) behind an ALB in zones a and b with target group "web", `arrivals` of 10 ms. */
static struct fx *fx_new(const char *arrivals, double duration, const char *cluster)
{
    struct fx *f = calloc(1, sizeof *f);
    char text[4096];
    snprintf(text, sizeof text,
             "duration: %gs\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: '%s', demand: const(10ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a, b], latency: none, listeners: [ { forward: web } ] }\n"
             "target_groups:\n"
             "  - { name: web, algorithm: round_robin,\n"
             "      health_check: { interval: 5s, timeout: 2s, healthy: 2 } }\n"
             "eks_clusters:\n%s",
             duration, arrivals, cluster);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "k.yaml", NULL, 0, &f->sc), 0);
    f->w = world_new(f->sc, 11);
    f->w->env.events = (struct sim_event_log){on_event, &f->r};
    f->k = f->w->kube[0];
    world_start(f->w);
    return f;
}

static void fx_run(struct fx *f, double until)
{
    sim_event_run_until(&f->w->env.sim, until);
}

static void fx_free(struct fx *f)
{
    world_free(f->w);
    scenario_free(f->sc);
    free(f);
}

/* Index of the first row whose name is `name` and whose detail starts with `what`, or -1. */
static int find(const struct rows *r, const char *name, const char *what)
{
    for (int i = 0; i < r->n; i++)
        if ((!name || !strcmp(r->name[i], name)) && !strncmp(r->detail[i], what, strlen(what)))
            return i;
    return -1;
}

/* The EKS AMI reserves 6 % of the first core, 1 % of the second, 0.5 % of the next two,
 * 0.25 % of the rest; memory 255 MiB + 11 MiB per pod + 100 MiB eviction threshold. */
static void allocatable_is_the_eks_ami_formula(void)
{
    CU_ASSERT_DOUBLE_EQUAL(kube_alloc_cpu(catalog_find("c5.large"), -1), 2 - 0.07, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(kube_alloc_cpu(catalog_find("c5.xlarge"), -1), 4 - 0.08, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(kube_alloc_cpu(catalog_find("c5.4xlarge"), -1),
                           16 - (0.06 + 0.01 + 0.01 + 0.0025 * 12), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(kube_alloc_cpu(catalog_find("c5.xlarge"), 0.25), 3.0, 1e-12);
    double mib = 255 + 11 * 110 + 100;
    CU_ASSERT_DOUBLE_EQUAL(kube_alloc_mem(catalog_find("c5.xlarge"), 110),
                           catalog_find("c5.xlarge")->memory_gb - mib * 1048576 / 1e9, 1e-12);
}

/* Requests plus 256 MB, rounded up to the next Fargate size. */
static void fargate_size_rounds_up(void)
{
    double v, g;
    CU_ASSERT_TRUE(kube_fargate_size(0.25, 0.5, &v, &g)); /* 0.756 GB → 1 GB */
    CU_ASSERT_DOUBLE_EQUAL(v, 0.25, 0);
    CU_ASSERT_DOUBLE_EQUAL(g, 1, 0);
    CU_ASSERT_TRUE(kube_fargate_size(0.3, 0.5, &v, &g)); /* cpu above 0.25: 0.5 vCPU, 1 GB */
    CU_ASSERT_DOUBLE_EQUAL(v, 0.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(g, 1, 0);
    CU_ASSERT_TRUE(kube_fargate_size(1, 2, &v, &g)); /* 2.256 GB → 3 GB */
    CU_ASSERT_DOUBLE_EQUAL(v, 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(g, 3, 0);
    CU_ASSERT_TRUE(kube_fargate_size(2, 15.9, &v, &g)); /* 16.156 GB: past 2 vCPU's 16 GB */
    CU_ASSERT_DOUBLE_EQUAL(v, 4, 0);
    CU_ASSERT_DOUBLE_EQUAL(g, 17, 0);
    CU_ASSERT_FALSE(kube_fargate_size(16, 120, &v, &g));
}

/* Probes tick every period from the container start; results count from the initial
 * delay; ready after success_threshold passes in a row. */
static void probe_ready_is_the_first_tick_after_the_delay(void)
{
    struct kube_probe p = {.initial_delay_s = 0, .period_s = 10, .success_threshold = 1};
    CU_ASSERT_DOUBLE_EQUAL(kube_probe_ready_at(&p, 100, 100), 100, 1e-12);
    p.initial_delay_s = 5;
    CU_ASSERT_DOUBLE_EQUAL(kube_probe_ready_at(&p, 100, 100), 110, 1e-12);
    p.initial_delay_s = 10;
    CU_ASSERT_DOUBLE_EQUAL(kube_probe_ready_at(&p, 100, 100), 110, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(kube_probe_ready_at(&p, 100, 112), 120, 1e-12); /* app up late */
    p.success_threshold = 3;
    CU_ASSERT_DOUBLE_EQUAL(kube_probe_ready_at(&p, 100, 112), 140, 1e-12);
}

static const char *const two_nodes =
    "  - name: k\n"
    "    node_groups:\n"
    "      - { name: ng, instance_type: c5.xlarge, min: 2, max: 2, desired: 2 }\n"
    "    deployments:\n"
    "      - name: web\n"
    "        replicas: 4\n"
    "        target_groups: [web]\n"
    "        resources: { requests: { cpu: 500m, memory: 512Mi }, limits: { cpu: 750m } }\n";

/* "500m" is half a core; "512Mi" is 512 × 2^20 bytes; the limit sets the pod's speed. */
static void kubernetes_quantities_are_read(void)
{
    struct fx *f = fx_new("poisson(rate=1/s)", 10, two_nodes);
    const struct kube_deploy_cfg *c = &f->k->deps[0].cfg;
    CU_ASSERT_DOUBLE_EQUAL(c->cpu_request, 0.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c->mem_request_gb, 512.0 * 1048576 / 1e9, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c->cpu_limit, 0.75, 1e-12);
    CU_ASSERT_EQUAL(f->k->pods[0].t->spec.servers, 1);
    CU_ASSERT_DOUBLE_EQUAL(f->k->pods[0].t->spec.speed, 0.75, 1e-12);
    fx_free(f);
}

/* LeastAllocated: each pod goes to the node with the most room left, so 4 pods on 2
 * equal nodes alternate; they start Ready and registered at t = 0. */
static void scheduler_least_allocated_alternates(void)
{
    struct fx *f = fx_new("poisson(rate=1/s)", 10, two_nodes);
    CU_ASSERT_EQUAL_FATAL(f->k->npods, 4);
    CU_ASSERT_EQUAL(f->k->pods[0].node, 0);
    CU_ASSERT_EQUAL(f->k->pods[1].node, 1);
    CU_ASSERT_EQUAL(f->k->pods[2].node, 0);
    CU_ASSERT_EQUAL(f->k->pods[3].node, 1);
    CU_ASSERT_DOUBLE_EQUAL(f->k->nodes[0].used_cpu, 1.0, 1e-12);
    CU_ASSERT_EQUAL(f->w->tgs[0]->nmembers, 4);
    struct kube_pod_counts pc;
    kube_deploy_counts(f->k, 0, &pc);
    CU_ASSERT_EQUAL(pc.ready, 4);
    fx_free(f);
}

/* Two big nodes in zone a, a small one in b: LeastAllocated alone puts every pod in a;
 * with topology_spread: zone (maxSkew 1) they split 2 and 2. */
static void zone_spread_keeps_the_skew_at_one(void)
{
    for (int spread = 0; spread <= 1; spread++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "  - name: k\n"
                 "    node_groups:\n"
                 "      - { name: big, instance_type: c5.4xlarge, min: 2, max: 2, desired: 2,"
                 " zones: [a] }\n"
                 "      - { name: small, instance_type: c5.large, min: 1, max: 1, desired: 1,"
                 " zones: [b] }\n"
                 "    deployments:\n"
                 "      - { name: web, replicas: 4, target_groups: [web], topology_spread: %s,"
                 " resources: { requests: { cpu: 500m, memory: 256Mi } } }\n",
                 spread ? "zone" : "none");
        struct fx *f = fx_new("poisson(rate=1/s)", 10, yaml);
        int inb = 0;
        for (uint32_t j = 0; j < f->k->npods; j++)
            inb += f->k->nodes[f->k->pods[j].node].zone == 1;
        CU_ASSERT_EQUAL(inb, spread ? 2 : 0);
        fx_free(f);
    }
}

/* A c5.large node fits one 1.5-core pod; more pods stay Pending with FailedScheduling. */
static void pods_that_fit_nowhere_stay_pending(void)
{
    struct fx *f = fx_new("poisson(rate=1/s)", 10,
                          "  - name: k\n"
                          "    node_groups:\n"
                          "      - { name: ng, instance_type: c5.large, min: 1, max: 1 }\n"
                          "    deployments:\n"
                          "      - { name: web, replicas: 3, target_groups: [web],"
                          " resources: { requests: { cpu: 1500m, memory: 1Gi } } }\n");
    struct kube_pod_counts pc;
    kube_deploy_counts(f->k, 0, &pc);
    CU_ASSERT_EQUAL(pc.ready, 1);
    CU_ASSERT_EQUAL(pc.pending, 2);
    int i = find(&f->r, "web/1", "FailedScheduling: 0/1 nodes are available: 1 Insufficient cpu.");
    CU_ASSERT(i >= 0);
    fx_free(f);
}

/* Instance mode, Cluster policy: kube-proxy picks uniformly among the 4 ready pods of two
 * nodes in two zones, so half the requests cross zones; the fraction is within 4.5
 * binomial standard deviations of 1/2. */
static void instance_mode_crosses_zones_half_the_time(void)
{
    struct fx *f = fx_new("poisson(rate=100/s)", 200,
                          "  - name: k\n"
                          "    node_groups:\n"
                          "      - { name: ng, instance_type: c5.xlarge, min: 2, max: 2,"
                          " desired: 2 }\n"
                          "    deployments:\n"
                          "      - { name: web, replicas: 4, target_groups: [web],"
                          " target_type: instance,"
                          " resources: { requests: { cpu: 500m, memory: 256Mi } } }\n");
    CU_ASSERT_EQUAL(f->w->tgs[0]->nmembers, 2); /* the nodes, not the pods */
    CU_ASSERT_NOT_EQUAL(f->k->nodes[0].zone, f->k->nodes[1].zone);
    fx_run(f, 200);
    const struct kube_deploy *dp = &f->k->deps[0];
    CU_ASSERT_FATAL(dp->proxied > 10000);
    double p = (double)dp->proxied_cross / (double)dp->proxied;
    CU_ASSERT(fabs(p - 0.5) < 4.5 * sqrt(0.25 / (double)dp->proxied));
    /* uniform over pods: each got a quarter, within 4.5 sigma */
    for (uint32_t j = 0; j < 4; j++) {
        double q = (double)f->k->pods[j].t->accepted / (double)dp->proxied;
        CU_ASSERT(fabs(q - 0.25) < 4.5 * sqrt(0.25 * 0.75 / (double)dp->proxied));
    }
    fx_free(f);
}

/* Local policy: the node without a pod of the service fails the health check (503 from
 * the health-check node port) and is marked unhealthy; the other stays healthy. */
static void local_policy_fails_nodes_without_pods(void)
{
    struct fx *f = fx_new("poisson(rate=10/s)", 60,
                          "  - name: k\n"
                          "    node_groups:\n"
                          "      - { name: ng, instance_type: c5.xlarge, min: 2, max: 2,"
                          " desired: 2 }\n"
                          "    deployments:\n"
                          "      - { name: web, replicas: 1, target_groups: [web],"
                          " target_type: instance, external_traffic_policy: Local,"
                          " resources: { requests: { cpu: 500m, memory: 256Mi } } }\n");
    fx_run(f, 60);
    const struct target_group *g = f->w->tgs[0];
    CU_ASSERT_EQUAL_FATAL(g->nmembers, 2);
    int podnode = f->k->pods[0].node;
    CU_ASSERT_EQUAL(g->members[podnode].health, TG_HEALTH_HEALTHY);
    CU_ASSERT_EQUAL(g->members[1 - podnode].health, TG_HEALTH_UNHEALTHY);
    /* every request went to the one pod (the ones still held there are not done yet) */
    CU_ASSERT_EQUAL(f->k->pods[0].t->accepted,
                    f->k->deps[0].proxied + (uint64_t)f->k->pods[0].t->held);
    CU_ASSERT_EQUAL(f->k->deps[0].proxied_cross, 0);
    fx_free(f);
}

static char *check_error(const char *cluster)
{
    char text[2048];
    snprintf(text, sizeof text,
             "duration: 10s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: 'poisson(rate=1/s)', demand: const(10ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], listeners: [ { forward: web } ] }\n"
             "target_groups:\n"
             "  - { name: web }\n"
             "eks_clusters:\n%s",
             cluster);
    struct scenario *sc = NULL;
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = scenario_load_string(text, "bad.yaml", NULL, 0, &sc);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_NOT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "bad.yaml:"));
    scenario_free(sc);
    return msg;
}

static void bad_configurations_are_reported(void)
{
    char *m = check_error("  - name: k\n"
                          "    node_groups: [ { name: ng, instance_type: c5.large } ]\n"
                          "    deployments:\n"
                          "      - { name: web, resources: { requests: { cpu: 1 },"
                          " limits: { cpu: 500m } } }\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "the cpu limit (0.5) is below the request (1)"));
    free(m);
    m = check_error("  - name: k\n"
                    "    node_groups: [ { name: ng, instance_type: c5.large } ]\n"
                    "    deployments:\n"
                    "      - { name: web, resources: { requests: { cpu: 2 } } }\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "fits on no node type"));
    free(m);
    m = check_error("  - name: k\n"
                    "    deployments: [ { name: web } ]\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "has no node_groups"));
    free(m);
    m = check_error("  - name: k\n"
                    "    fargate_profiles: [ { name: fp, deployments: [nope] } ]\n"
                    "    deployments: [ { name: web } ]\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "selects deployment 'nope'"));
    free(m);
    m = check_error("  - name: k\n"
                    "    node_groups: [ { name: ng, instance_type: c5.large } ]\n"
                    "    deployments: [ { name: web, external_traffic_policy: Local } ]\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "external_traffic_policy is for target_type instance"));
    free(m);
}

static CU_TestInfo tests[] = {
    {"allocatable_is_the_eks_ami_formula", allocatable_is_the_eks_ami_formula},
    {"fargate_size_rounds_up", fargate_size_rounds_up},
    {"probe_ready_is_the_first_tick_after_the_delay",
     probe_ready_is_the_first_tick_after_the_delay},
    {"kubernetes_quantities_are_read", kubernetes_quantities_are_read},
    {"scheduler_least_allocated_alternates", scheduler_least_allocated_alternates},
    {"zone_spread_keeps_the_skew_at_one", zone_spread_keeps_the_skew_at_one},
    {"pods_that_fit_nowhere_stay_pending", pods_that_fit_nowhere_stay_pending},
    {"instance_mode_crosses_zones_half_the_time", instance_mode_crosses_zones_half_the_time},
    {"local_policy_fails_nodes_without_pods", local_policy_fails_nodes_without_pods},
    {"bad_configurations_are_reported", bad_configurations_are_reported},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_kube_suites[] = {
    {"kube", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
