/* Tests of models/kube/ca: the Cluster Autoscaler's scale-up (binpacking estimate, caps,
 * expanders) and scale-down (threshold, unneeded time, fit elsewhere, blocking pods, group
 * minimum, delays, empty nodes in bulk).  Every expected value is worked out by hand in the
 * comment beside it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/kube/ca.h"
#include "sim/rng.h"
#include "tests/unit.h"

static struct ca_group group(double cpu, double mem, int target, int min, int max, int prio)
{
    return (struct ca_group){"g", {cpu, mem}, -1, target, min, max, prio, 0.1};
}

static void pods_of(struct ca_pod *p, int n, double cpu, double mem)
{
    for (int i = 0; i < n; i++)
        p[i] = (struct ca_pod){{cpu, mem}, -1, false};
}

static void defaults_are_the_faqs(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    CU_ASSERT_EQUAL(c.scan_interval_s, 10);
    CU_ASSERT_EQUAL(c.expander, CA_EXPANDER_RANDOM);
    CU_ASSERT_EQUAL(c.scale_down_utilization_threshold, 0.5);
    CU_ASSERT_EQUAL(c.scale_down_unneeded_s, 600);
    CU_ASSERT_EQUAL(c.scale_down_delay_after_add_s, 600);
    CU_ASSERT_EQUAL(c.scale_down_delay_after_delete_s, 10);
    CU_ASSERT_EQUAL(c.scale_down_delay_after_failure_s, 180);
    CU_ASSERT_EQUAL(c.max_empty_bulk_delete, 10);
    CU_ASSERT_EQUAL(c.max_nodes_total, 0);
    CU_ASSERT(c.scale_down_enabled);
    CU_ASSERT_EQUAL(c.max_node_provision_s, 900);
}

/* 7 pods of 1.5 vCPU on 4-vCPU nodes: two per node (3.0 <= 4 < 4.5), so 4 nodes. */
static void scale_up_binpacks_seven_pods_into_four_nodes(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_group g = group(4, 16, 1, 0, 10, 0);
    struct ca_pod p[7];
    pods_of(p, 7, 1.5, 1);
    struct sim_rng_small r;
    sim_rng_small_init(&r, 1);
    struct ca_scale_up up;
    CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, &g, 1, p, 7, &r.r, &up), 1);
    CU_ASSERT_EQUAL(up.group, 0);
    CU_ASSERT_EQUAL(up.nodes, 4);
    CU_ASSERT_EQUAL(up.pods_helped, 7);
}

/* Target 8 of max 10: 2 nodes, 4 pods.  max_nodes_total 10 with 9 already: 1 node, 2 pods. */
static void scale_up_is_capped_by_max_and_max_nodes_total(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_group g = group(4, 16, 8, 0, 10, 0);
    struct ca_pod p[7];
    pods_of(p, 7, 1.5, 1);
    struct sim_rng_small r;
    sim_rng_small_init(&r, 1);
    struct ca_scale_up up;
    CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, &g, 1, p, 7, &r.r, &up), 1);
    CU_ASSERT_EQUAL(up.nodes, 2);
    CU_ASSERT_EQUAL(up.pods_helped, 4);
    c.max_nodes_total = 10;
    g.target = 9;
    g.max = 20;
    CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, &g, 1, p, 7, &r.r, &up), 1);
    CU_ASSERT_EQUAL(up.nodes, 1);
    CU_ASSERT_EQUAL(up.pods_helped, 2);
    g.target = 10; /* at max_nodes_total: nothing helps */
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 7, &r.r, &up), 0);
}

/* 4 pods of 1 vCPU / 2 GB.  Group 0 (8 vCPU, 32 GB): one node, idle 4/8 + 24/32 = 1.25.
 * Group 1 (4 vCPU, 8 GB): one node, idle 0 + 0 = 0: least-waste picks group 1. */
static void least_waste_picks_the_group_with_least_idle(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    c.expander = CA_EXPANDER_LEAST_WASTE;
    struct ca_group g[2] = {group(8, 32, 0, 0, 10, 0), group(4, 8, 0, 0, 10, 0)};
    struct ca_pod p[4];
    pods_of(p, 4, 1, 2);
    struct sim_rng_small r;
    sim_rng_small_init(&r, 1);
    struct ca_scale_up up;
    CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, g, 2, p, 4, &r.r, &up), 1);
    CU_ASSERT_EQUAL(up.group, 1);
    CU_ASSERT_EQUAL(up.nodes, 1);
}

/* Priorities 10, 5, 1; the pods (2 vCPU) do not fit group 0's 1-vCPU nodes: group 1. */
static void priority_picks_the_highest_priority_that_helps(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    c.expander = CA_EXPANDER_PRIORITY;
    struct ca_group g[3] = {group(1, 4, 0, 0, 10, 10), group(4, 16, 0, 0, 10, 5),
                            group(8, 32, 0, 0, 10, 1)};
    struct ca_pod p[3];
    pods_of(p, 3, 2, 1);
    struct sim_rng_small r;
    sim_rng_small_init(&r, 1);
    struct ca_scale_up up;
    CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, g, 3, p, 3, &r.r, &up), 1);
    CU_ASSERT_EQUAL(up.group, 1);
    CU_ASSERT_EQUAL(up.nodes, 2); /* 2 pods per 4-vCPU node */
    CU_ASSERT_EQUAL(up.pods_helped, 3);
    g[1].target = g[1].max; /* group 1 full: the next priority that helps */
    CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, g, 3, p, 3, &r.r, &up), 1);
    CU_ASSERT_EQUAL(up.group, 2);
}

/* Random: group 0 cannot hold the pods, groups 1-3 can.  Same seed, same picks; every pick
 * helps; 300 picks reach each of the three. */
static void random_is_reproducible_and_picks_only_groups_that_help(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_group g[4] = {group(1, 4, 0, 0, 10, 0), group(4, 16, 0, 0, 10, 0),
                            group(8, 32, 0, 0, 10, 0), group(16, 64, 0, 0, 10, 0)};
    struct ca_pod p[2];
    pods_of(p, 2, 2, 1);
    struct sim_rng_small a, b;
    sim_rng_small_init(&a, 42);
    sim_rng_small_init(&b, 42);
    int count[4] = {0};
    for (int i = 0; i < 300; i++) {
        struct ca_scale_up x, y;
        CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, g, 4, p, 2, &a.r, &x), 1);
        CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, g, 4, p, 2, &b.r, &y), 1);
        CU_ASSERT_EQUAL(x.group, y.group);
        CU_ASSERT_FATAL(x.group >= 0 && x.group < 4);
        count[x.group]++;
    }
    CU_ASSERT_EQUAL(count[0], 0);
    CU_ASSERT(count[1] > 50 && count[2] > 50 && count[3] > 50);
}

static void scale_up_with_no_group_that_helps_returns_zero(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_group g = group(2, 4, 0, 0, 10, 0);
    struct ca_pod p[1];
    pods_of(p, 1, 3, 1);
    struct sim_rng_small r;
    sim_rng_small_init(&r, 1);
    struct ca_scale_up up = {-7, -7, -7};
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 1, &r.r, &up), 0);
    CU_ASSERT_EQUAL(up.group, -7);
    p[0].zone = 2; /* a zoned pod does not fit a group in zone 1 */
    p[0].req.cpu = 1;
    g.zone = 1;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 1, &r.r, &up), 0);
    g.zone = 2;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 1, &r.r, &up), 1);
}

/* ---- scale-down ---- */

/* Three 4-vCPU 16 GB nodes of one group (target 3, min 1).  Node 0 runs pods 0-1
 * (0.8 vCPU, 1 GB each: 40 %), nodes 1 and 2 run three 0.8-vCPU pods each (60 %, 1.6 vCPU
 * free): node 0's pods fit on node 1. */
struct fixture {
    struct ca_cfg c;
    struct ca_state st;
    struct ca_group g;
    struct ca_pod pods[8];
    int lists[3][3];
    struct ca_node nodes[3];
    double since[3];
    int remove[16];
};

static void fixture_init(struct fixture *f)
{
    ca_cfg_default(&f->c);
    ca_state_init(&f->st);
    f->g = group(4, 16, 3, 1, 10, 0);
    pods_of(f->pods, 8, 0.8, 1);
    int next = 0;
    for (int n = 0; n < 3; n++) {
        int np = n == 0 ? 2 : 3;
        for (int k = 0; k < np; k++)
            f->lists[n][k] = next++;
        f->nodes[n] = (struct ca_node){0, -1, {4, 16}, {0.8 * np, np}, true, false, np,
                                       f->lists[n], 0};
        f->since[n] = NAN;
    }
}

static int plan_down(struct fixture *f, double now)
{
    return ca_plan_scale_down(&f->c, &f->st, now, &f->g, 1, f->nodes, 3, f->pods, f->since,
                              f->remove, 16);
}

static void node_at_40_percent_for_10_minutes_is_removed(void)
{
    struct fixture f;
    fixture_init(&f);
    CU_ASSERT_EQUAL(plan_down(&f, 400), 0);
    CU_ASSERT_EQUAL(f.since[0], 400);
    CU_ASSERT(isnan(f.since[1]) && isnan(f.since[2]));
    CU_ASSERT_EQUAL(plan_down(&f, 999), 0); /* 9 min 59 s */
    CU_ASSERT_EQUAL(f.since[0], 400);
    CU_ASSERT_EQUAL_FATAL(plan_down(&f, 1000), 1);
    CU_ASSERT_EQUAL(f.remove[0], 0);
}

static void node_at_60_percent_is_needed(void)
{
    struct fixture f;
    fixture_init(&f);
    f.nodes[0].requested.cpu = 2.4;
    CU_ASSERT_EQUAL(plan_down(&f, 0), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 5000), 0);
    CU_ASSERT(isnan(f.since[0]));
    f.nodes[0].requested.cpu = 1.6; /* memory counts too: 10 of 16 GB is 62.5 % */
    f.nodes[0].requested.mem_gb = 10;
    CU_ASSERT_EQUAL(plan_down(&f, 6000), 0);
    CU_ASSERT(isnan(f.since[0]));
}

static void node_whose_pods_do_not_fit_elsewhere_is_needed(void)
{
    struct fixture f;
    fixture_init(&f);
    f.nodes[1].requested.cpu = 3.6; /* 0.4 vCPU free on nodes 1 and 2 */
    f.nodes[2].requested.cpu = 3.6;
    CU_ASSERT_EQUAL(plan_down(&f, 0), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1000), 0);
    CU_ASSERT(isnan(f.since[0]));
}

/* Node 1 at 40 % too; node 2 at 80 % (0.8 vCPU free).  Node 0's pods take 1.6 of node 1's
 * 2.4 free; node 1's two pods would need node 0 (removed) or 1.6 on node 2: needed. */
static void simulation_does_not_double_book(void)
{
    struct fixture f;
    fixture_init(&f);
    f.nodes[1].npods = 2;
    f.nodes[1].requested.cpu = 1.6;
    f.nodes[2].requested.cpu = 3.2;
    CU_ASSERT_EQUAL(plan_down(&f, 0), 0);
    CU_ASSERT_EQUAL(f.since[0], 0);
    CU_ASSERT(isnan(f.since[1]));
}

static void non_evictable_pod_blocks_scale_down(void)
{
    struct fixture f;
    fixture_init(&f);
    f.pods[1].blocks_scale_down = true;
    CU_ASSERT_EQUAL(plan_down(&f, 0), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1000), 0);
    CU_ASSERT(isnan(f.since[0]));
}

static void group_at_min_keeps_its_nodes(void)
{
    struct fixture f;
    fixture_init(&f);
    f.g.min = 3;
    CU_ASSERT_EQUAL(plan_down(&f, 0), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1000), 0);
    CU_ASSERT_EQUAL(f.since[0], 0); /* unneeded, but the group is at its minimum */
}

/* Scale-up at 500: no scale-down before 500 + 600 = 1100; a delete at 1200 waits 10 s. */
static void delays_after_add_delete_and_failure(void)
{
    struct fixture f;
    fixture_init(&f);
    ca_note_scale_up(&f.st, 500);
    CU_ASSERT_EQUAL(plan_down(&f, 400), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1000), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1099), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1100), 1);
    ca_note_delete(&f.st, 1200);
    CU_ASSERT_EQUAL(plan_down(&f, 1209), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1210), 1);
    ca_note_delete_failure(&f.st, 1300);
    CU_ASSERT_EQUAL(plan_down(&f, 1479), 0);
    CU_ASSERT_EQUAL(plan_down(&f, 1480), 1);
    f.c.scale_down_enabled = false;
    CU_ASSERT_EQUAL(plan_down(&f, 5000), 0);
}

/* 12 empty nodes and a busy one, all unneeded since 0: 10 go at once (the bulk limit); with
 * target 13 and min 5, 8 go. */
static void empty_nodes_go_in_bulk_up_to_ten(void)
{
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    struct ca_group g = group(4, 16, 13, 0, 20, 0);
    struct ca_pod pods[1];
    pods_of(pods, 1, 0.8, 1);
    int list[1] = {0};
    struct ca_node nodes[13];
    double since[13];
    for (int i = 0; i < 13; i++) {
        nodes[i] = (struct ca_node){0, -1, {4, 16}, {0, 0}, true, false, 0, NULL, 0};
        since[i] = NAN;
    }
    nodes[12].npods = 1;
    nodes[12].pods = list;
    nodes[12].requested = (struct kube_res){0.8, 1};
    int rm[20];
    CU_ASSERT_EQUAL(ca_plan_scale_down(&c, &st, 0, &g, 1, nodes, 13, pods, since, rm, 20), 0);
    CU_ASSERT_EQUAL_FATAL(ca_plan_scale_down(&c, &st, 600, &g, 1, nodes, 13, pods, since, rm, 20),
                          10);
    for (int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(rm[i], i);
    g.min = 5;
    CU_ASSERT_EQUAL(ca_plan_scale_down(&c, &st, 600, &g, 1, nodes, 13, pods, since, rm, 20), 8);
    /* No empty node left: one non-empty at a time. */
    for (int i = 0; i < 12; i++)
        nodes[i].deleting = true;
    nodes[0].deleting = false;
    nodes[0].requested = (struct kube_res){0.8, 1};
    nodes[0].npods = 1;
    nodes[0].pods = list;
    CU_ASSERT_EQUAL(ca_plan_scale_down(&c, &st, 601, &g, 1, nodes, 13, pods, since, rm, 20), 1);
}

static CU_TestInfo ca_tests[] = {
    {"defaults_are_the_faqs", defaults_are_the_faqs},
    {"scale_up_binpacks_seven_pods_into_four_nodes", scale_up_binpacks_seven_pods_into_four_nodes},
    {"scale_up_is_capped_by_max_and_max_nodes_total", scale_up_is_capped_by_max_and_max_nodes_total},
    {"least_waste_picks_the_group_with_least_idle", least_waste_picks_the_group_with_least_idle},
    {"priority_picks_the_highest_priority_that_helps", priority_picks_the_highest_priority_that_helps},
    {"random_is_reproducible_and_picks_only_groups_that_help",
     random_is_reproducible_and_picks_only_groups_that_help},
    {"scale_up_with_no_group_that_helps_returns_zero", scale_up_with_no_group_that_helps_returns_zero},
    {"node_at_40_percent_for_10_minutes_is_removed", node_at_40_percent_for_10_minutes_is_removed},
    {"node_at_60_percent_is_needed", node_at_60_percent_is_needed},
    {"node_whose_pods_do_not_fit_elsewhere_is_needed", node_whose_pods_do_not_fit_elsewhere_is_needed},
    {"simulation_does_not_double_book", simulation_does_not_double_book},
    {"non_evictable_pod_blocks_scale_down", non_evictable_pod_blocks_scale_down},
    {"group_at_min_keeps_its_nodes", group_at_min_keeps_its_nodes},
    {"delays_after_add_delete_and_failure", delays_after_add_delete_and_failure},
    {"empty_nodes_go_in_bulk_up_to_ten", empty_nodes_go_in_bulk_up_to_ten},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_ca_suites[] = {
    {"ca", NULL, NULL, NULL, NULL, ca_tests},
    CU_SUITE_INFO_NULL,
};
