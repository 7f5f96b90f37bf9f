/* Karpenter's decisions (models/kube/karpenter.c), one test per documented rule with the
 * expected values worked out in the comments: the batch windows (idle 1 s, at most 10 s),
 * the cheapest allowed type that fits, the packing of a batch, and consolidation: empty
 * nodes first, a node whose pods fit elsewhere, a replacement by a cheaper type, the 10 %
 * budget, consolidateAfter, WhenEmpty. */
#include <math.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/kube/karpenter.h"
#include "tests/unit.h"

/* c5.large (2 vCPU, 4 GB, $0.085/h), c5.xlarge (4, 8, $0.17), c5.2xlarge (8, 16, $0.34),
 * c5.4xlarge (16, 32, $0.68); allocatable taken as the raw size here (the runtime passes
 * the EKS AMI's). */
static struct karp_type types[4];

static void cfg(struct karp_cfg *c)
{
    static const char *const names[] = {"c5.xlarge", "c5.large", "c5.4xlarge", "c5.2xlarge"};
    for (int i = 0; i < 4; i++) {
        const struct catalog_instance *ci = catalog_find(names[i]);
        types[i] = (struct karp_type){ci, {ci->vcpus, ci->memory_gb}, 58};
    }
    karp_cfg_default(c);
    c->types = types;
    c->ntypes = 4;
}

static void batch_windows(void)
{
    struct karp_cfg c;
    cfg(&c);
    CU_ASSERT_FALSE(karp_batch_ready(&c, (double)NAN, (double)NAN, 5));
    /* opened at 100, last pod at 100: idle 1 s later */
    CU_ASSERT_FALSE(karp_batch_ready(&c, 100, 100, 100.5));
    CU_ASSERT_TRUE(karp_batch_ready(&c, 100, 100, 101));
    /* pods keep coming (last at 108.5): the idle window moves, the 10 s cap holds */
    CU_ASSERT_FALSE(karp_batch_ready(&c, 100, 108.5, 109));
    CU_ASSERT_TRUE(karp_batch_ready(&c, 100, 109.5, 110));
}

static void cheapest_type_that_fits(void)
{
    struct karp_cfg c;
    cfg(&c);
    /* 1.5 cores, 3 GB: a c5.large (index 1) */
    CU_ASSERT_EQUAL(karp_cheapest_fit(&c, (struct kube_res){1.5, 3}, 1), 1);
    /* 3 cores: a c5.xlarge (index 0) */
    CU_ASSERT_EQUAL(karp_cheapest_fit(&c, (struct kube_res){3, 3}, 1), 0);
    /* 10 cores: a c5.4xlarge (index 2) */
    CU_ASSERT_EQUAL(karp_cheapest_fit(&c, (struct kube_res){10, 3}, 1), 2);
    /* memory decides: 1 core, 12 GB: a c5.2xlarge (index 3) */
    CU_ASSERT_EQUAL(karp_cheapest_fit(&c, (struct kube_res){1, 12}, 1), 3);
    CU_ASSERT_EQUAL(karp_cheapest_fit(&c, (struct kube_res){17, 3}, 1), -1);
}

/* 10 pods of 2 cores: packed on 16-core shapes, 8 on the first node and 2 on the second;
 * the first gets a c5.4xlarge (16 cores), the second a c5.xlarge (4 cores, the cheapest
 * that holds 4). */
static void launch_packs_then_right_sizes(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct ca_pod p[10];
    for (int i = 0; i < 10; i++)
        p[i] = (struct ca_pod){.req = {2, 1}};
    int order[10];
    double room[30];
    struct ca_scratch sc = {order, room};
    struct karp_node_plan out[8];
    int n = karp_plan_launch(&c, p, 10, &sc, out, 8);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(out[0].type, 2);
    CU_ASSERT_EQUAL(out[0].npods, 8);
    CU_ASSERT_EQUAL(out[1].type, 0);
    CU_ASSERT_EQUAL(out[1].npods, 2);
}

/* Nodes: 0 a node group's (not Karpenter's), 1..k Karpenter's. */
struct cons {
    struct ca_node n[24];
    struct ca_pod p[80];
    int idx[80];
    int np, nn;
    double free_room[72];
    int dest[80];
};

static void add_node(struct cons *x, int group, const char *type, int pods, double cpu_each)
{
    const struct catalog_instance *ci = catalog_find(type);
    int first = x->np;
    for (int i = 0; i < pods; i++) {
        x->p[x->np] = (struct ca_pod){.req = {cpu_each, 1}};
        x->idx[x->np] = x->np;
        x->np++;
    }
    x->n[x->nn++] = (struct ca_node){.group = group, .alloc = {ci->vcpus, ci->memory_gb},
                                     .requested = {pods * cpu_each, pods},
                                     .ready = true, .npods = pods, .max_pods = 58,
                                     .pods = x->idx + first, .changed_s = 0, .type = ci};
}

static void consolidation_empty_first(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct cons x;
    memset(&x, 0, sizeof x);
    add_node(&x, -1, "c5.xlarge", 1, 1); /* 1: a pod that would fit elsewhere */
    add_node(&x, -1, "c5.xlarge", 3, 1);
    add_node(&x, -1, "c5.xlarge", 0, 0); /* empty */
    for (int i = 0; i < 7; i++)
        add_node(&x, -1, "c5.xlarge", 3, 1); /* 10 nodes: the budget allows 1 */
    struct karp_action a;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, x.n, x.nn, x.p, 0, x.free_room, x.dest, &a), 1);
    CU_ASSERT_EQUAL(a.node, 2);
    CU_ASSERT_EQUAL(a.replace_type, -1);
    /* one disruption in progress: 10 % of 10 nodes is 1, nothing more now */
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, x.n, x.nn, x.p, 1, x.free_room, x.dest, &a), 0);
    /* consolidateAfter 60 s: the empty node changed at 0, so not before 60 s */
    c.consolidate_after_s = 60;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 59, x.n, x.nn, x.p, 0, x.free_room, x.dest, &a), 0);
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 60, x.n, x.nn, x.p, 0, x.free_room, x.dest, &a), 1);
    /* with 19 nodes the budget is ceil(1.9) = 2: one in progress leaves room for one */
    for (int i = 0; i < 9; i++)
        add_node(&x, -1, "c5.xlarge", 3, 1);
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, x.n, x.nn, x.p, 1, x.free_room, x.dest, &a), 1);
}

/* No empty node: the one with the fewest pods whose pods fit elsewhere is deleted. */
static void consolidation_deletes_when_pods_fit_elsewhere(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct cons x;
    memset(&x, 0, sizeof x);
    add_node(&x, 0, "c5.4xlarge", 2, 1);  /* a node group's: room for 14 cores, not a candidate */
    add_node(&x, -1, "c5.xlarge", 3, 1);
    add_node(&x, -1, "c5.xlarge", 1, 1);
    struct karp_action a;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, x.n, x.nn, x.p, 0, x.free_room, x.dest, &a), 1);
    CU_ASSERT_EQUAL(a.node, 2);
    CU_ASSERT_EQUAL(a.replace_type, -1);
    /* WhenEmpty: nothing, there is no empty node */
    c.policy = KARP_WHEN_EMPTY;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, x.n, x.nn, x.p, 0, x.free_room, x.dest, &a), 0);
}

/* A c5.4xlarge running 3 cores of pods, with nowhere else to put them: replaced by the
 * cheapest type that holds 3 cores and 3 GB, a c5.xlarge ($0.17 < $0.68). */
static void consolidation_replaces_by_a_cheaper_type(void)
{
    struct karp_cfg c;
    cfg(&c);
    struct cons x;
    memset(&x, 0, sizeof x);
    add_node(&x, -1, "c5.4xlarge", 3, 1);
    struct karp_action a;
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, x.n, x.nn, x.p, 0, x.free_room, x.dest, &a), 1);
    CU_ASSERT_EQUAL(a.node, 0);
    CU_ASSERT_EQUAL(a.replace_type, 0);
    /* already the cheapest that fits: nothing */
    memset(&x, 0, sizeof x);
    add_node(&x, -1, "c5.xlarge", 3, 1);
    CU_ASSERT_EQUAL(karp_plan_consolidation(&c, 100, x.n, x.nn, x.p, 0, x.free_room, x.dest, &a), 0);
}

static CU_TestInfo tests[] = {
    {"batch_windows", batch_windows},
    {"cheapest_type_that_fits", cheapest_type_that_fits},
    {"launch_packs_then_right_sizes", launch_packs_then_right_sizes},
    {"consolidation_empty_first", consolidation_empty_first},
    {"consolidation_deletes_when_pods_fit_elsewhere",
     consolidation_deletes_when_pods_fit_elsewhere},
    {"consolidation_replaces_by_a_cheaper_type", consolidation_replaces_by_a_cheaper_type},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_karpenter_suites[] = {
    {"karpenter", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
