/* The Cluster Autoscaler's decisions (models/kube/ca.c), one test per documented rule, the
 * expected values worked out by hand in the comments: the binpacking estimate, the cap at
 * the group's max, the three expanders, and scale-down's 50 % threshold, 10 minutes
 * unneeded, pods that must fit elsewhere, pods that block, the group's min, the delays
 * after a scale-up and a removal, and empty nodes in bulk. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/kube/ca.h"
#include "sim/rng.h"
#include "tests/unit.h"

#define MAXN 32

/* Scratch for up to MAXN pods and nodes. */
struct scr {
    int order[MAXN], dest[MAXN], remove[MAXN], gsize[4];
    double room[3 * MAXN], free_room[3 * MAXN], since[MAXN];
    struct ca_scratch sc;
};

static void scr_init(struct scr *s)
{
    memset(s, 0, sizeof *s);
    s->sc.order = s->order;
    s->sc.room = s->room;
    for (int i = 0; i < MAXN; i++)
        s->since[i] = (double)NAN;
}

static struct ca_group group(double cpu, double mem, int target, int min, int max)
{
    return (struct ca_group){.name = "g", .alloc = {cpu, mem}, .max_pods = 110,
                             .target = target, .min = min, .max = max};
}

/* 7 pods of 1.5 cores on 4-core nodes: two per node (3 cores), so ceil(7 / 2) = 4 nodes. */
static void estimate_is_first_fit_decreasing(void)
{
    struct scr s;
    scr_init(&s);
    struct ca_pod p[7];
    for (int i = 0; i < 7; i++)
        p[i] = (struct ca_pod){.req = {1.5, 1}};
    struct ca_group g = group(4, 16, 0, 0, 100);
    int helped;
    double waste;
    CU_ASSERT_EQUAL(ca_estimate(&g, p, 7, 100, &s.sc, &helped, &waste), 4);
    CU_ASSERT_EQUAL(helped, 7);
    /* cpu: 10.5 of 16 used -> 0.34375 unused; memory: 7 of 64 -> 0.890625 unused */
    CU_ASSERT_DOUBLE_EQUAL(waste, (1 - 10.5 / 16) + (1 - 7.0 / 64), 1e-12);
    /* Decreasing: 3, 1, 1, 1, 1, 1 cores on 4-core nodes: the 3 first, then a 1 beside it;
     * the other four 1s fill a second node: 2 nodes (first fit in creation order would
     * also give 2 here, but 1, 3, 3 gives 2 decreasing and 3 in order: checked below). */
    struct ca_pod q[3] = {{.req = {1, 1}}, {.req = {3, 1}}, {.req = {3, 1}}};
    CU_ASSERT_EQUAL(ca_estimate(&g, q, 3, 100, &s.sc, &helped, NULL), 2);
    /* A pod larger than a node helps nothing. */
    struct ca_pod big = {.req = {5, 1}};
    CU_ASSERT_EQUAL(ca_estimate(&g, &big, 1, 100, &s.sc, &helped, NULL), 0);
    CU_ASSERT_EQUAL(helped, 0);
}

/* Group at 8 of max 10: the 4 nodes the pods want are capped at 2, helping 4 pods; a
 * cluster-wide max_nodes_total caps them further. */
static void scale_up_is_capped_at_the_group_max(void)
{
    struct scr s;
    scr_init(&s);
    struct ca_pod p[7];
    for (int i = 0; i < 7; i++)
        p[i] = (struct ca_pod){.req = {1.5, 1}};
    struct ca_group g = group(4, 16, 8, 0, 10);
    struct ca_cfg c;
    ca_cfg_default(&c);
    gsl_rng *r = sim_rng_new(1, "test.ca");
    struct ca_scale_up up;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 7, 8, r, &s.sc, &up), 0);
    CU_ASSERT_EQUAL(up.group, 0);
    CU_ASSERT_EQUAL(up.nodes, 2);
    CU_ASSERT_EQUAL(up.pods_helped, 4);
    /* At max: nothing; with max_nodes_total reached: nothing. */
    g.target = 10;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 7, 10, r, &s.sc, &up), -1);
    g.target = 8;
    c.max_nodes_total = 8;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 7, 8, r, &s.sc, &up), -1);
    /* max_nodes_total 10 with 9 nodes in the cluster: room for 1 node, so 2 pods helped. */
    c.max_nodes_total = 10;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, &g, 1, p, 7, 9, r, &s.sc, &up), 0);
    CU_ASSERT_EQUAL(up.nodes, 1);
    CU_ASSERT_EQUAL(up.pods_helped, 2);
    gsl_rng_free(r);
}

/* least-waste: 3 pods of 1 core, 1 GB: a 4-core/8 GB node wastes 1/4 + 5/8 = 0.875; a
 * 16-core/64 GB node wastes 13/16 + 61/64 = 1.765625: the small group wins. */
static void least_waste_picks_the_least_idle(void)
{
    struct scr s;
    scr_init(&s);
    struct ca_pod p[3] = {{.req = {1, 1}}, {.req = {1, 1}}, {.req = {1, 1}}};
    struct ca_group g[2] = {group(16, 64, 1, 0, 10), group(4, 8, 1, 0, 10)};
    struct ca_cfg c;
    ca_cfg_default(&c);
    c.expander = CA_EXPANDER_LEAST_WASTE;
    gsl_rng *r = sim_rng_new(1, "test.ca");
    struct ca_scale_up up;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, g, 2, p, 3, 2, r, &s.sc, &up), 0);
    CU_ASSERT_EQUAL(up.group, 1);
    CU_ASSERT_EQUAL(up.nodes, 1);
    gsl_rng_free(r);
}

/* priority: the highest priority among the groups that help; a higher one whose nodes are
 * too small for the pod is not an option. */
static void priority_picks_the_highest_that_helps(void)
{
    struct scr s;
    scr_init(&s);
    struct ca_pod p = {.req = {3, 1}};
    struct ca_group g[3] = {group(4, 8, 0, 0, 5), group(8, 16, 0, 0, 5), group(2, 4, 0, 0, 5)};
    g[0].priority = 10;
    g[1].priority = 20;
    g[2].priority = 50; /* 2 cores: cannot take a 3-core pod */
    struct ca_cfg c;
    ca_cfg_default(&c);
    c.expander = CA_EXPANDER_PRIORITY;
    gsl_rng *r = sim_rng_new(1, "test.ca");
    struct ca_scale_up up;
    CU_ASSERT_EQUAL(ca_plan_scale_up(&c, g, 3, &p, 1, 0, r, &s.sc, &up), 0);
    CU_ASSERT_EQUAL(up.group, 1);
    gsl_rng_free(r);
}

/* random (the default): only groups that help are chosen, each about equally often
 * (two options, 4000 draws: 2000 ± 4.5 × sqrt(1000)), and the same seed repeats. */
static void random_is_uniform_over_groups_that_help(void)
{
    struct scr s;
    scr_init(&s);
    struct ca_pod p = {.req = {3, 1}};
    struct ca_group g[3] = {group(4, 8, 0, 0, 5), group(2, 4, 0, 0, 5), group(8, 16, 0, 0, 5)};
    struct ca_cfg c;
    ca_cfg_default(&c);
    CU_ASSERT_EQUAL(c.expander, CA_EXPANDER_RANDOM);
    gsl_rng *r = sim_rng_new(7, "test.ca"), *r2 = sim_rng_new(7, "test.ca");
    int count[3] = {0, 0, 0}, same = 0;
    for (int i = 0; i < 4000; i++) {
        struct ca_scale_up up, up2;
        CU_ASSERT_EQUAL_FATAL(ca_plan_scale_up(&c, g, 3, &p, 1, 0, r, &s.sc, &up), 0);
        ca_plan_scale_up(&c, g, 3, &p, 1, 0, r2, &s.sc, &up2);
        count[up.group]++;
        same += up.group == up2.group;
    }
    CU_ASSERT_EQUAL(count[1], 0);
    CU_ASSERT(fabs(count[0] - 2000.0) < 4.5 * sqrt(1000.0));
    CU_ASSERT_EQUAL(same, 4000);
    gsl_rng_free(r);
    gsl_rng_free(r2);
}

/* Three 4-core nodes of one group (min 1): node 0 at `load` cores requested in pods of
 * 0.4 cores, nodes 1 and 2 at 1 core each (room for node 0's pods). */
struct sd {
    struct ca_group g;
    struct ca_node n[3];
    struct ca_pod p[16];
    int idx[16];
    int np;
};

static void sd_init(struct sd *d, int pods0)
{
    memset(d, 0, sizeof *d);
    d->g = group(4, 16, 3, 1, 10);
    for (int i = 0; i < pods0; i++) {
        d->p[d->np] = (struct ca_pod){.req = {0.4, 0.5}};
        d->idx[d->np] = d->np;
        d->np++;
    }
    int first1 = d->np;
    d->p[d->np] = (struct ca_pod){.req = {1, 1}};
    d->idx[d->np] = d->np;
    d->np++;
    d->p[d->np] = (struct ca_pod){.req = {1, 1}};
    d->idx[d->np] = d->np;
    d->np++;
    d->n[0] = (struct ca_node){.group = 0, .alloc = {4, 16}, .requested = {0.4 * pods0, 0.5 * pods0},
                               .ready = true, .npods = pods0, .max_pods = 110, .pods = d->idx};
    for (int k = 1; k <= 2; k++)
        d->n[k] = (struct ca_node){.group = 0, .alloc = {4, 16}, .requested = {1, 1},
                                   .ready = true, .npods = 1, .max_pods = 110,
                                   .pods = d->idx + first1 + k - 1};
}

static int sd_scan(struct sd *d, struct scr *s, const struct ca_cfg *c, const struct ca_state *st,
                   double now)
{
    return ca_plan_scale_down(c, st, now, &d->g, 1, d->n, 3, d->p, s->since, s->free_room, s->dest,
                              s->gsize, s->remove, MAXN);
}

/* 40 % requested (4 pods of 0.4 on 4 cores) with room elsewhere: unneeded from the first
 * scan at t = 1000; not removed at 1000 + 599 (10 min not over; nodes 1 and 2 at 25 % are
 * unneeded too, but their own clocks started at 1000 as well); at 1600 the one unneeded
 * longest among the non-empty, node 0 (lowest index among equals), is removed alone. */
static void scale_down_after_ten_minutes_below_half(void)
{
    struct scr s;
    scr_init(&s);
    struct sd d;
    sd_init(&d, 4);
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 1000), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.since[0], 1000, 0);
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 1599), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.since[0], 1000, 0); /* kept, not restarted */
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 1600), 1);
    CU_ASSERT_EQUAL(s.remove[0], 0);
}

/* 60 % requested (6 pods of 0.4 = 2.4 of 4 cores): needed, never marked. */
static void sixty_percent_is_needed(void)
{
    struct scr s;
    scr_init(&s);
    struct sd d;
    sd_init(&d, 6);
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    sd_scan(&d, &s, &c, &st, 1000);
    CU_ASSERT_TRUE(isnan(s.since[0]));
    /* nodes 1 and 2 (25 %) are unneeded since 1000; at 5000 one goes: node 1 (lowest
     * index among the longest unneeded), never node 0 */
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 5000), 1);
    CU_ASSERT_EQUAL(s.remove[0], 1);
}

/* A pod that blocks scale-down (not evictable) keeps its node. */
static void a_blocking_pod_keeps_its_node(void)
{
    struct scr s;
    scr_init(&s);
    struct sd d;
    sd_init(&d, 4);
    d.p[0].blocks_scale_down = true;
    d.n[1].ready = d.n[2].ready = false; /* only node 0 could be a candidate */
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    sd_scan(&d, &s, &c, &st, 1000);
    CU_ASSERT_TRUE(isnan(s.since[0]));
}

/* Its pods must fit elsewhere: with the other nodes full, node 0 stays. */
static void pods_that_fit_nowhere_keep_their_node(void)
{
    struct scr s;
    scr_init(&s);
    struct sd d;
    sd_init(&d, 4);
    d.n[1].requested.cpu = d.n[2].requested.cpu = 3.9; /* 0.1 core free each */
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    sd_scan(&d, &s, &c, &st, 1000);
    CU_ASSERT_TRUE(isnan(s.since[0]));
}

/* Never below the group's min: at min 3 of 3, nothing is unneeded. */
static void never_below_the_group_min(void)
{
    struct scr s;
    scr_init(&s);
    struct sd d;
    sd_init(&d, 4);
    d.g.min = 3;
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    sd_scan(&d, &s, &c, &st, 1000);
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 5000), 0);
    CU_ASSERT_TRUE(isnan(s.since[0]));
}

/* Within 10 minutes of a scale-up nothing is removed (the clock still runs); within the
 * scan interval after a removal neither. */
static void delays_after_add_and_delete(void)
{
    struct scr s;
    scr_init(&s);
    struct sd d;
    sd_init(&d, 4);
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    ca_note_scale_up(&st, 1500);
    sd_scan(&d, &s, &c, &st, 1000);
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 2099), 0); /* 1500 + 600 not reached */
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 2100), 1);
    ca_note_scale_down(&st, 2100);
    CU_ASSERT_EQUAL(sd_scan(&d, &s, &c, &st, 2105), 0); /* the scan interval, 10 s */
}

/* Empty nodes go in bulk, at most max_empty_bulk_delete (10) per scan; 12 empty nodes of a
 * group with min 0: 10 now. */
static void empty_nodes_in_bulk(void)
{
    struct scr s;
    scr_init(&s);
    struct ca_group g = group(4, 16, 12, 0, 20);
    struct ca_node n[12];
    for (int i = 0; i < 12; i++)
        n[i] = (struct ca_node){.group = 0, .alloc = {4, 16}, .ready = true, .max_pods = 110};
    struct ca_cfg c;
    ca_cfg_default(&c);
    struct ca_state st;
    ca_state_init(&st);
    CU_ASSERT_EQUAL(ca_plan_scale_down(&c, &st, 0, &g, 1, n, 12, NULL, s.since, s.free_room,
                                       s.dest, s.gsize, s.remove, MAXN), 0);
    CU_ASSERT_EQUAL(ca_plan_scale_down(&c, &st, 600, &g, 1, n, 12, NULL, s.since, s.free_room,
                                       s.dest, s.gsize, s.remove, MAXN), 10);
    /* with min 5, only 7 may go */
    g.min = 5;
    CU_ASSERT_EQUAL(ca_plan_scale_down(&c, &st, 600, &g, 1, n, 12, NULL, s.since, s.free_room,
                                       s.dest, s.gsize, s.remove, MAXN), 7);
}

static CU_TestInfo tests[] = {
    {"estimate_is_first_fit_decreasing", estimate_is_first_fit_decreasing},
    {"scale_up_is_capped_at_the_group_max", scale_up_is_capped_at_the_group_max},
    {"least_waste_picks_the_least_idle", least_waste_picks_the_least_idle},
    {"priority_picks_the_highest_that_helps", priority_picks_the_highest_that_helps},
    {"random_is_uniform_over_groups_that_help", random_is_uniform_over_groups_that_help},
    {"scale_down_after_ten_minutes_below_half", scale_down_after_ten_minutes_below_half},
    {"sixty_percent_is_needed", sixty_percent_is_needed},
    {"a_blocking_pod_keeps_its_node", a_blocking_pod_keeps_its_node},
    {"pods_that_fit_nowhere_keep_their_node", pods_that_fit_nowhere_keep_their_node},
    {"never_below_the_group_min", never_below_the_group_min},
    {"delays_after_add_and_delete", delays_after_add_and_delete},
    {"empty_nodes_in_bulk", empty_nodes_in_bulk},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_ca_suites[] = {
    {"ca", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
