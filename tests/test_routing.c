/* Routing algorithms: each through its ops (deterministic behaviour, statistics, parameter
 * errors), and power_of_d against random and join_shortest_queue in a run. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "models/request.h"
#include "models/routing.h"
#include "models/scenario.h"
#include "models/target.h"
#include "models/target_group.h"
#include "models/world.h"
#include "tests/unit.h"

/* A successful response, for done(). */
static const struct route_outcome unit_ok = {200, 0.001, 0.0};

#define MAXM 16

/* A group's members without a world: targets with servers, speed and held set by hand. */
struct fake {
    struct target t[MAXM];
    struct tg_member m[MAXM];
    const struct tg_member *mp; /* as a group holds its array */
    uint32_t elig[MAXM];
    struct route_view v;
};

static void fake_init(struct fake *f, uint32_t n)
{
    memset(f, 0, sizeof *f);
    for (uint32_t i = 0; i < n; i++) {
        f->t[i].spec.servers = 1;
        f->t[i].spec.speed = 1.0;
        f->m[i] = (struct tg_member){.t = &f->t[i], .registered = true};
        f->elig[i] = i;
    }
    f->mp = f->m;
    f->v = (struct route_view){f->elig, n, n, 0.0};
}

static gsl_rng *new_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

/* Chi-square goodness of fit of counts[0..k) to uniform: true when not rejected at 1e-4. */
static bool looks_uniform(const unsigned *counts, unsigned k)
{
    double total = 0;
    for (unsigned i = 0; i < k; i++)
        total += counts[i];
    double e = total / k, x2 = 0;
    for (unsigned i = 0; i < k; i++)
        x2 += (counts[i] - e) * (counts[i] - e) / e;
    return gsl_cdf_chisq_Q(x2, k - 1) > 1e-4;
}

/* An instance as a target group makes it. */
static void *instance(const char *text, const struct route_ops **ops, struct fake *f)
{
    *ops = route_find(text);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*ops);
    void *priv = route_instance_new(*ops, text, &f->mp);
    if ((*ops)->rebuild)
        (*ops)->rebuild(priv, &f->v);
    return priv;
}

static uint32_t pick_sent(const struct route_ops *ops, void *priv, struct fake *f, gsl_rng *r)
{
    uint32_t m = ops->pick(priv, &f->v, NULL, r);
    if (ops->sent)
        ops->sent(priv, m);
    return m;
}

static void smooth_wrr_gives_the_nginx_sequence(void)
{
    struct fake f;
    fake_init(&f, 3);
    f.t[0].spec.servers = 5; /* weights 5, 1, 1 */
    const struct route_ops *ops;
    void *priv = instance("weighted_round_robin", &ops, &f);
    uint32_t got[14];
    for (int i = 0; i < 14; i++)
        got[i] = pick_sent(ops, priv, &f, NULL);
    /* a a b a c a a, twice. */
    uint32_t want[14] = {0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0};
    CU_ASSERT_EQUAL(memcmp(got, want, sizeof got), 0);
    route_instance_free(ops, priv);
}

static void wrr_weight_is_vcpus_times_speed(void)
{
    struct fake f;
    fake_init(&f, 3);
    f.t[0].spec.servers = 2;
    f.t[0].spec.speed = 1.5; /* 3 */
    f.t[2].spec.speed = 2.0; /* 2 */
    const struct route_ops *ops;
    void *priv = instance("weighted_round_robin", &ops, &f);
    unsigned n[3] = {0};
    for (int i = 0; i < 600; i++)
        n[pick_sent(ops, priv, &f, NULL)]++;
    CU_ASSERT_EQUAL(n[0], 300);
    CU_ASSERT_EQUAL(n[1], 100);
    CU_ASSERT_EQUAL(n[2], 200);
    route_instance_free(ops, priv);
}

static void power_of_two_never_picks_the_most_loaded_of_two(void)
{
    struct fake f;
    fake_init(&f, 2);
    const struct route_ops *ops;
    void *priv = instance("power_of_d", &ops, &f);
    gsl_rng *r = new_rng(1);
    ops->sent(priv, 1);
    ops->sent(priv, 1);
    for (int i = 0; i < 1000; i++)
        CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 0);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static void power_of_two_avoids_the_most_loaded_of_many(void)
{
    struct fake f;
    fake_init(&f, 10);
    const struct route_ops *ops;
    void *priv = instance("power_of_d(d=2)", &ops, &f);
    gsl_rng *r = new_rng(2);
    for (uint32_t m = 0; m < 10; m++)
        for (uint32_t k = 0; k < m; k++)
            ops->sent(priv, m); /* member m has m outstanding */
    unsigned n[10] = {0};
    for (int i = 0; i < 45000; i++)
        n[ops->pick(priv, &f.v, NULL, r)]++;
    CU_ASSERT_EQUAL(n[9], 0);
    /* Member m wins when it is sampled with a more loaded one: P = 2 (9 - m) / 90. */
    for (uint32_t m = 0; m < 9; m++) {
        double p = 2.0 * (9 - m) / 90.0, mean = 45000 * p, sd = sqrt(45000 * p * (1 - p));
        CU_ASSERT(fabs(n[m] - mean) < 5 * sd);
    }
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static void power_of_d_ties_spread_uniformly(void)
{
    struct fake f;
    fake_init(&f, 5);
    const struct route_ops *ops;
    void *priv = instance("power_of_d(d=3)", &ops, &f);
    gsl_rng *r = new_rng(3);
    unsigned n[5] = {0};
    for (int i = 0; i < 50000; i++)
        n[ops->pick(priv, &f.v, NULL, r)]++; /* never sent: all tied at 0 */
    CU_ASSERT(looks_uniform(n, 5));
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static void power_of_d_at_least_n_is_least_loaded(void)
{
    struct fake f;
    fake_init(&f, 4);
    const struct route_ops *ops;
    void *priv = instance("power_of_d(d=9)", &ops, &f);
    gsl_rng *r = new_rng(4);
    ops->sent(priv, 0);
    ops->sent(priv, 1);
    ops->sent(priv, 3);
    for (int i = 0; i < 100; i++)
        CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 2);
    ops->done(priv, 3, &unit_ok); /* now 0 and 1 have 1 each, 2 and 3 none */
    for (int i = 0; i < 100; i++) {
        uint32_t m = ops->pick(priv, &f.v, NULL, r);
        CU_ASSERT(m == 2 || m == 3);
    }
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static void least_connections_picks_the_least_loaded(void)
{
    struct fake f;
    fake_init(&f, 4);
    const struct route_ops *ops;
    void *priv = instance("least_connections", &ops, &f);
    gsl_rng *r = new_rng(5);
    /* Fill to 1 each: each pick goes to a target at 0, so all four are used once. */
    unsigned n[4] = {0};
    for (int i = 0; i < 4; i++)
        n[pick_sent(ops, priv, &f, r)]++;
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(n[i], 1);
    ops->done(priv, 2, &unit_ok);
    CU_ASSERT_EQUAL(pick_sent(ops, priv, &f, r), 2);
    /* Member 3 leaves the eligible set: done() still counts it, pick ignores it. */
    f.v.n = 3;
    ops->rebuild(priv, &f.v);
    ops->done(priv, 3, &unit_ok);
    ops->done(priv, 0, &unit_ok); /* member 0 down to 0 */
    for (int i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 0);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* The difference from least_outstanding_requests: ties are drawn, not taken in turn. */
static void least_connections_breaks_ties_at_random(void)
{
    struct fake f;
    fake_init(&f, 4);
    const struct route_ops *lc, *lor;
    void *plc = instance("least_connections", &lc, &f);
    void *plor = instance("least_outstanding_requests", &lor, &f);
    gsl_rng *r = new_rng(6);
    unsigned n[4] = {0}, repeats = 0;
    uint32_t prev = UINT32_MAX;
    for (int i = 0; i < 40000; i++) {
        uint32_t m = lc->pick(plc, &f.v, NULL, r); /* all idle: every pick a four-way tie */
        n[m]++;
        repeats += m == prev;
        prev = m;
    }
    CU_ASSERT(looks_uniform(n, 4));
    CU_ASSERT(repeats > 8000 && repeats < 12000); /* about a quarter, unlike a cycle */
    /* LOR with sent/done in between cycles 0 1 2 3. */
    for (uint32_t i = 0; i < 8; i++) {
        uint32_t m = lor->pick(plor, &f.v, NULL, NULL);
        CU_ASSERT_EQUAL(m, i % 4);
        lor->sent(plor, m);
        lor->done(plor, m, &unit_ok);
    }
    route_instance_free(lc, plc);
    route_instance_free(lor, plor);
    gsl_rng_free(r);
}

static void jsq_picks_the_global_minimum(void)
{
    struct fake f;
    fake_init(&f, 5);
    int held[5] = {4, 2, 7, 1, 3};
    for (int i = 0; i < 5; i++)
        f.t[i].held = held[i]; /* requests from any LB node */
    const struct route_ops *ops;
    void *priv = instance("join_shortest_queue", &ops, &f);
    gsl_rng *r = new_rng(7);
    CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 3);
    f.t[3].held = 5;
    CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 1);
    /* Ties at the minimum are drawn uniformly. */
    f.t[0].held = f.t[3].held = 2;
    unsigned n[5] = {0};
    for (int i = 0; i < 30000; i++)
        n[ops->pick(priv, &f.v, NULL, r)]++;
    CU_ASSERT_EQUAL(n[2] + n[4], 0);
    unsigned tied[3] = {n[0], n[1], n[3]};
    CU_ASSERT(looks_uniform(tied, 3));
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* route_parse on text; returns the message (caller frees) and whether it failed. */
static char *parse_error(const char *text)
{
    struct unit_diag_capture c;
    struct loc at = {"t.yaml", 3, 16};
    const struct route_ops *ops;
    void *cfg;
    unit_diag_capture_start(&c);
    int rc = route_parse(text, &at, &ops, &cfg);
    char *msg = unit_diag_capture_end(&c);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_EQUAL(c.errors, 1);
    CU_ASSERT_PTR_NULL(cfg);
    return msg;
}

static void bad_parameters_are_reported_with_place_and_expectation(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"power_of_d(d=0)", "t.yaml:3:29: error: d must be an integer >= 1, got '0'"},
        {"power_of_d(d=two)", "t.yaml:3:29: error: d must be an integer >= 1, got 'two'"},
        {"power_of_d(k=2)",
         "t.yaml:3:27: error: unknown parameter 'k' for power_of_d; expected: d"},
        {"power_of_d(d=2, d=3)", "t.yaml:3:32: error: power_of_d takes one parameter, d"},
        {"round_robin(x=1)", "t.yaml:3:28: error: algorithm 'round_robin' takes no parameters"},
        {"power_of_2", "t.yaml:3:16: error: unknown algorithm 'power_of_2'; did you mean "
                       "'power_of_d'?"},
        {"power_of_d(d=2", "t.yaml:3:26: error: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *msg = parse_error(cases[i].text);
        if (strncmp(msg, cases[i].want, strlen(cases[i].want)))
            fprintf(stderr, "\n%s: got %s", cases[i].text, msg);
        CU_ASSERT_EQUAL(strncmp(msg, cases[i].want, strlen(cases[i].want)), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, cases[i].text)); /* echoed with a caret */
        free(msg);
    }
}

static void good_texts_parse_with_defaults(void)
{
    static const char *const ok[] = {"round_robin",       "round_robin()",
                                     "power_of_d",        "power_of_d()",
                                     "power_of_d(d=5)",   "power_of_d(5)",
                                     "least_connections", "weighted_round_robin",
                                     "join_shortest_queue"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const struct route_ops *ops;
        void *cfg;
        CU_ASSERT_EQUAL(route_parse(ok[i], NULL, &ops, &cfg), 0);
        CU_ASSERT_PTR_EQUAL(ops, route_find(ok[i]));
        CU_ASSERT_EQUAL(!cfg, !ops->configure);
        free(cfg);
    }
    /* Every listed algorithm has a summary and builds with its defaults. */
    for (size_t i = 0; route_table[i]; i++) {
        CU_ASSERT(route_table[i]->summary && route_table[i]->summary[0]);
        void *p = route_instance_new(route_table[i], NULL, NULL);
        route_instance_free(route_table[i], p);
    }
}

/* ---- in a run: 10 single-vCPU targets at rho = 0.9 ---- */

struct rt_sum {
    double sum;
    uint64_t n;
};

static void add_response(void *ctx, const struct request *rq, double now)
{
    struct rt_sum *s = ctx;
    if (rq->status == RQ_OK) {
        s->sum += now - rq->sent_s;
        s->n++;
    }
}

static double mean_response(const char *algorithm)
{
    char text[1024];
    snprintf(text, sizeof text,
             "duration: 300s\n"
             "warmup: 20s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: poisson(rate=900/s), demand: exp(mean=10ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], latency: none, listeners: [ { rules: [ { forward: tg "
             "} ] } ] }\n"
             "target_groups:\n"
             "  - { name: tg, algorithm: '%s', targets: [ { kind: ec2, vcpus: 1, count: 10 } ] }\n",
             algorithm);
    struct scenario *sc;
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 11);
    struct rt_sum s = {0};
    w->on_request = add_response;
    w->on_request_ctx = &s;
    world_start(w);
    sim_event_run_until(&w->sim, sc->duration_s);
    world_free(w);
    scenario_free(sc);
    CU_ASSERT_FATAL(s.n > 200000);
    return s.sum / (double)s.n;
}

static void power_of_two_sits_near_jsq_far_below_random(void)
{
    double rnd = mean_response("random");
    double p2 = mean_response("power_of_d");
    double jsq = mean_response("join_shortest_queue");
    printf("\n    rho 0.9, 10 x 1 vCPU, exp(10 ms): mean response random %.1f ms, "
           "power_of_d(2) %.1f ms, join_shortest_queue %.1f ms ",
           rnd * 1e3, p2 * 1e3, jsq * 1e3);
    /* Random is ten M/M/1 queues: 10 ms / (1 - 0.9) = 100 ms. */
    CU_ASSERT(rnd > 0.07 && rnd < 0.13);
    CU_ASSERT(p2 < 0.4 * rnd);
    /* Close to the ideal: power_of_d closes at least three quarters of the gap between
     * random and join_shortest_queue (theory for n -> infinity: 26 ms vs 100 ms). */
    CU_ASSERT(jsq <= p2);
    CU_ASSERT(p2 - jsq < 0.25 * (rnd - jsq));
}

static CU_TestInfo routing_tests[] = {
    {"smooth_wrr_gives_the_nginx_sequence", smooth_wrr_gives_the_nginx_sequence},
    {"wrr_weight_is_vcpus_times_speed", wrr_weight_is_vcpus_times_speed},
    {"power_of_two_never_picks_the_most_loaded_of_two",
     power_of_two_never_picks_the_most_loaded_of_two},
    {"power_of_two_avoids_the_most_loaded_of_many", power_of_two_avoids_the_most_loaded_of_many},
    {"power_of_d_ties_spread_uniformly", power_of_d_ties_spread_uniformly},
    {"power_of_d_at_least_n_is_least_loaded", power_of_d_at_least_n_is_least_loaded},
    {"least_connections_picks_the_least_loaded", least_connections_picks_the_least_loaded},
    {"least_connections_breaks_ties_at_random", least_connections_breaks_ties_at_random},
    {"jsq_picks_the_global_minimum", jsq_picks_the_global_minimum},
    {"bad_parameters_are_reported_with_place_and_expectation",
     bad_parameters_are_reported_with_place_and_expectation},
    {"good_texts_parse_with_defaults", good_texts_parse_with_defaults},
    {"power_of_two_sits_near_jsq_far_below_random", power_of_two_sits_near_jsq_far_below_random},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_routing_suites[] = {
    {"routing", NULL, NULL, NULL, NULL, routing_tests},
    CU_SUITE_INFO_NULL,
};
