/* Tests of models/kube/karpenter: batching windows, the cheapest type that fits, first fit
 * decreasing packing, and consolidation (empty node, delete, replace, budget, policy,
 * consolidateAfter).  Expected values are worked out by hand beside each check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/kube/karpenter.h"
#include "tests/unit.h"

/* c5.large 2/4 0.085, c5.xlarge 4/8 0.17, c5.2xlarge 8/16 0.34, c5.4xlarge 16/32 0.68,
 * m5.large 2/8 0.096, m5.xlarge 4/16 0.192. */
static const struct catalog_instance *types[6];

static void cfg(struct karp_cfg *c)
{
    const char *names[6] = {"c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge", "m5.large",
                            "m5.xlarge"};
    for (int i = 0; i < 6; i++)
        types[i] = catalog_find(names[i]);
    karp_cfg_default(c, types, 6);
}

static struct ca_pod pod(double cpu, double mem, int zone)
{
    return (struct ca_pod){{cpu, mem}, zone, false};
}

static void defaults_are_karpenters(void)
{
    struct karp_cfg c;
    cfg(&c);
    CU_ASSERT_EQUAL(c.batch_idle_s, 1);
    CU_ASSERT_EQUAL(c.batch_max_s, 10);
    CU_ASSERT_EQUAL(c.policy, KARP_WHEN_EMPTY_OR_UNDERUTILIZED);
    CU_ASSERT_EQUAL(c.consolidate_after_s, 0);
    CU_ASSERT_EQUAL(c.budget_nodes_pct, 10);
}

/* One pod: 1 s idle launches; pods every 0.5 s keep it open until 10 s after the first. */
static void batching_idle_one_second_extends_up_to_ten(void)
{
    struct karp_cfg c;
    cfg(&c);
    CU_ASSERT(!karp_batch_ready(&c, 0, 0, 0.5));
    CU_ASSERT(karp_batch_ready(&c, 0, 0, 1.0));
    CU_ASSERT(!karp_batch_ready(&c, 0, 9.5, 9.9));
    CU_ASSERT(karp_batch_ready(&c, 0, 9.5, 10.0));
    CU_ASSERT(!karp_batch_ready(&c, 0, 3.2, 4.1));
    CU_ASSERT(karp_batch_ready(&c, 0, 3.2, 4.2));
}

/* 1 vCPU 2 GB: c5.large (0.085).  1 vCPU 6 GB: m5.large (0.096; c5.large has 4 GB).
 * 3 vCPU 4 GB: c5.xlarge (0.17). */
static void launch_picks_the_cheapest_type_that_fits(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct karp_node_plan out[4];
    struct ca_pod p[1] = {pod(1, 2, -1)};
    CU_ASSERT_EQUAL_FATAL(karp_plan_launch(&c, p, 1, out, 4, NULL), 1);
    CU_ASSERT_STRING_EQUAL(out[0].type->name, "c5.large");
    p[0] = pod(1, 6, -1);
    CU_ASSERT_EQUAL_FATAL(karp_plan_launch(&c, p, 1, out, 4, NULL), 1);
    CU_ASSERT_STRING_EQUAL(out[0].type->name, "m5.large");
    p[0] = pod(3, 4, -1);
    CU_ASSERT_EQUAL_FATAL(karp_plan_launch(&c, p, 1, out, 4, NULL), 1);
    CU_ASSERT_STRING_EQUAL(out[0].type->name, "c5.xlarge");
    p[0] = pod(20, 4, -1); /* no allowed type holds it */
    int where = 7;
    CU_ASSERT_EQUAL(karp_plan_launch(&c, p, 1, out, 4, &where), 0);
    CU_ASSERT_EQUAL(where, -1);
}

/* Pods 1, 3, 3, 3 vCPU (2 GB each), sorted 3, 3, 3, 1: all on one node while a type holds
 * the sum (10 vCPU 8 GB: c5.4xlarge).  Pods in zones 1 and 2 get a node each. */
static void launch_packs_first_fit_decreasing_and_keeps_zones_apart(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct karp_node_plan out[4];
    struct ca_pod p[4] = {pod(1, 2, -1), pod(3, 2, -1), pod(3, 2, -1), pod(3, 2, -1)};
    int where[4];
    CU_ASSERT_EQUAL_FATAL(karp_plan_launch(&c, p, 4, out, 4, where), 1);
    CU_ASSERT_STRING_EQUAL(out[0].type->name, "c5.4xlarge");
    CU_ASSERT_EQUAL(out[0].npods, 4);
    CU_ASSERT_DOUBLE_EQUAL(out[0].requested.cpu, 10, 1e-12);
    CU_ASSERT_EQUAL(where[0], 0);
    /* 6 pods of 6 vCPU: two per 16-vCPU node (12 <= 16 < 18): 3 c5.4xlarge. */
    struct ca_pod q[6];
    for (int i = 0; i < 6; i++)
        q[i] = pod(6, 2, -1);
    CU_ASSERT_EQUAL_FATAL(karp_plan_launch(&c, q, 6, out, 4, NULL), 3);
    CU_ASSERT_EQUAL(out[2].npods, 2);
    CU_ASSERT_EQUAL(karp_plan_launch(&c, q, 6, out, 2, NULL), 2); /* max_out */
    struct ca_pod z[2] = {pod(1, 2, 1), pod(1, 2, 2)};
    CU_ASSERT_EQUAL_FATAL(karp_plan_launch(&c, z, 2, out, 4, NULL), 2);
    CU_ASSERT_EQUAL(out[0].zone, 1);
    CU_ASSERT_EQUAL(out[1].zone, 2);
    CU_ASSERT_STRING_EQUAL(out[1].type->name, "c5.large");
}

static struct karp_node knode(const char *type, double cpu, double mem, int npods, const int *pods)
{
    return (struct karp_node){catalog_find(type), -1, {cpu, mem}, true, false, npods, pods, 0};
}

/* A busy c5.xlarge and an empty c5.large: delete the empty one (2 nodes: budget 1). */
static void consolidation_deletes_an_empty_node(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct ca_pod pods[1] = {pod(3.5, 6, -1)};
    int l0[1] = {0};
    struct karp_node n[2] = {knode("c5.xlarge", 3.5, 6, 1, l0), knode("c5.large", 0, 0, 0, NULL)};
    struct karp_action a;
    CU_ASSERT_EQUAL_FATAL(karp_plan_consolidation(&c, 100, n, 2, pods, &a), 1);
    CU_ASSERT_EQUAL(a.kind, KARP_DELETE);
    CU_ASSERT_EQUAL(a.node, 1);
}

/* A c5.4xlarge running 3 vCPU 6 GB alone: nothing else to move to; the cheapest type that
 * holds 3 vCPU 6 GB is c5.xlarge (0.17 < m5.xlarge 0.192), saving 0.51 per hour. */
static void consolidation_replaces_an_underused_c5_4xlarge(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct ca_pod pods[2] = {pod(1.5, 3, -1), pod(1.5, 3, -1)};
    int l0[2] = {0, 1};
    struct karp_node n[1] = {knode("c5.4xlarge", 3, 6, 2, l0)};
    struct karp_action a;
    CU_ASSERT_EQUAL_FATAL(karp_plan_consolidation(&c, 100, n, 1, pods, &a), 1);
    CU_ASSERT_EQUAL(a.kind, KARP_REPLACE);
    CU_ASSERT_EQUAL(a.node, 0);
    CU_ASSERT_STRING_EQUAL(a.replacement->name, "c5.xlarge");
    /* WhenEmpty: an underused node stays. */
    c.policy = KARP_WHEN_EMPTY;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, n, 1, pods, &a), 0);
    CU_ASSERT_EQUAL(a.kind, KARP_NONE);
    /* consolidateAfter 30 s, last pod change 5 s ago: not yet. */
    c.policy = KARP_WHEN_EMPTY_OR_UNDERUTILIZED;
    c.consolidate_after_s = 30;
    n[0].last_change_s = 95;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, n, 1, pods, &a), 0);
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 125, n, 1, pods, &a), 1);
}

/* Two c5.xlarge at 1 vCPU each: either's pod fits on the other; the first is deleted. */
static void consolidation_deletes_a_node_whose_pods_fit_elsewhere(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct ca_pod pods[2] = {pod(1, 2, -1), pod(1, 2, -1)};
    int l0[1] = {0}, l1[1] = {1};
    struct karp_node n[2] = {knode("c5.xlarge", 1, 2, 1, l0), knode("c5.xlarge", 1, 2, 1, l1)};
    struct karp_action a;
    CU_ASSERT_EQUAL_FATAL(karp_plan_consolidation(&c, 100, n, 2, pods, &a), 1);
    CU_ASSERT_EQUAL(a.kind, KARP_DELETE);
    CU_ASSERT_EQUAL(a.node, 0);
    pods[1].blocks_scale_down = true; /* node 1 stays; node 0 still goes */
    CU_ASSERT_EQUAL_FATAL(karp_plan_consolidation(&c, 100, n, 2, pods, &a), 1);
    CU_ASSERT_EQUAL(a.node, 0);
}

/* 20 nodes, 10 %: 2 at a time.  Two already deleting: no action, though one is empty; one
 * deleting: the empty node goes; one deleting and one not ready: none again. */
static void budget_of_ten_percent_limits_actions(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct ca_pod pods[20];
    int lists[20];
    struct karp_node n[20];
    for (int i = 0; i < 20; i++) {
        pods[i] = pod(3.5, 6, -1);
        lists[i] = i;
        n[i] = knode("c5.xlarge", 3.5, 6, 1, &lists[i]);
    }
    n[5] = knode("c5.xlarge", 0, 0, 0, NULL);
    n[0].deleting = n[1].deleting = true;
    struct karp_action a;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, n, 20, pods, &a), 0);
    CU_ASSERT_EQUAL(a.kind, KARP_NONE);
    n[1].deleting = false;
    CU_ASSERT_EQUAL_FATAL(karp_plan_consolidation(&c, 100, n, 20, pods, &a), 1);
    CU_ASSERT_EQUAL(a.node, 5);
    n[1].ready = false; /* a node not ready counts against the budget too */
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, n, 20, pods, &a), 0);
    n[1].ready = true;
    c.budget_nodes_pct = 0;
    n[0].deleting = false;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, n, 20, pods, &a), 0);
}

static CU_TestInfo karpenter_tests[] = {
    {"defaults_are_karpenters", defaults_are_karpenters},
    {"batching_idle_one_second_extends_up_to_ten", batching_idle_one_second_extends_up_to_ten},
    {"launch_picks_the_cheapest_type_that_fits", launch_picks_the_cheapest_type_that_fits},
    {"launch_packs_first_fit_decreasing_and_keeps_zones_apart",
     launch_packs_first_fit_decreasing_and_keeps_zones_apart},
    {"consolidation_deletes_an_empty_node", consolidation_deletes_an_empty_node},
    {"consolidation_replaces_an_underused_c5_4xlarge", consolidation_replaces_an_underused_c5_4xlarge},
    {"consolidation_deletes_a_node_whose_pods_fit_elsewhere",
     consolidation_deletes_a_node_whose_pods_fit_elsewhere},
    {"budget_of_ten_percent_limits_actions", budget_of_ten_percent_limits_actions},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_karpenter_suites[] = {
    {"karpenter", NULL, NULL, NULL, NULL, karpenter_tests},
    CU_SUITE_INFO_NULL,
};
