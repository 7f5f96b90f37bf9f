/* Routing algorithms: each through its ops (deterministic behaviour, statistics, parameter
 * errors), and power_of_d against random and join_shortest_queue in a run. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "models/core/request.h"
#include "models/elb/routing.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/scenario/world.h"
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

/* Each count check below is at two-sided level 1e-6 (normal approximation, 4.89 standard
 * deviations): the suite's few dozen of them raise a false alarm about once in twenty
 * thousand runs. */
#define Z_CHECK gsl_cdf_ugaussian_Qinv(1e-6 / 2)

/* A binomial(n, p) count within its interval at level 1e-6. */
static bool binomial_ok(unsigned count, unsigned n, double p)
{
    double mean = n * p, sd = sqrt(n * p * (1 - p));
    return fabs(count - mean) <= Z_CHECK * sd;
}

/* The least k with P(X > k) <= 1e-6 for X binomial(n, p): an upper bound at level 1e-6. */
static unsigned binomial_upper(unsigned n, double p)
{
    unsigned k = 0;
    while (k < n && gsl_cdf_binomial_Q(k, p, n) > 1e-6)
        k++;
    return k;
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
        CU_ASSERT(binomial_ok(n[m], 45000, 2.0 * (9 - m) / 90.0));
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
    /* Independent uniform picks over four repeat the previous one with probability 1/4, each
     * pair independently of the others: binomial(39999, 1/4), where a cycle gives none. */
    CU_ASSERT(binomial_ok(repeats, 39999, 0.25));
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

#define RT_TARGETS 10
#define RT_WARMUP_S 20.0

/* Responses of the requests sent after the warm-up, in all and per target; the requests
 * each target accepted over the whole run. */
struct rt_sum {
    double sum, tsum[RT_TARGETS];
    uint64_t n, tn[RT_TARGETS];
    uint64_t accepted[RT_TARGETS];
};

static void add_response(void *ctx, const struct request *rq, double now)
{
    struct rt_sum *s = ctx;
    if (rq->status == RQ_OK && rq->sent_s >= RT_WARMUP_S) {
        uint32_t t = rq->target->id;
        CU_ASSERT_FATAL(t < RT_TARGETS);
        s->sum += now - rq->sent_s;
        s->n++;
        s->tsum[t] += now - rq->sent_s;
        s->tn[t]++;
    }
}

/* Poisson arrivals at 900/s, exp(10 ms) demands, 10 targets, for duration_s. */
static void run_responses(const char *algorithm, double duration_s, struct rt_sum *s)
{
    char text[1024];
    snprintf(text, sizeof text,
             "duration: %gs\n"
             "warmup: %gs\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: poisson(rate=900/s), demand: exp(mean=10ms) }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], latency: none, listeners: [ { rules: [ { forward: tg "
             "} ] } ] }\n"
             "target_groups:\n"
             "  - { name: tg, algorithm: '%s', targets: [ { kind: ec2, vcpus: 1, count: %d } ] }\n",
             duration_s, RT_WARMUP_S, algorithm, RT_TARGETS);
    struct scenario *sc;
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 11);
    *s = (struct rt_sum){0};
    w->env.on_request = add_response;
    w->env.on_request_ctx = s;
    world_start(w);
    sim_event_run_until(&w->env.sim, sc->duration_s);
    CU_ASSERT_EQUAL_FATAL(w->targets.n, RT_TARGETS);
    for (uint32_t i = 0; i < RT_TARGETS; i++)
        s->accepted[i] = w->targets.t[i]->accepted;
    world_free(w);
    scenario_free(sc);
    CU_ASSERT_FATAL(s->n > 200000);
}

static double mean_response(const char *algorithm)
{
    struct rt_sum s;
    run_responses(algorithm, 300, &s);
    return s.sum / (double)s.n;
}

/* Random routing splits the Poisson stream into ten independent Poisson streams of 90/s
 * (each pick an independent uniform draw), so the targets are ten independent M/M/1
 * queues at rho = 0.9: mean response 10 ms / (1 - 0.9) = 100 ms.  Their ten means are
 * independent estimates: t-interval at 99.9 %.  The picks make the counts multinomial:
 * chi-square against uniform. */
static void random_routing_gives_ten_independent_mm1_queues(void)
{
    struct rt_sum s;
    run_responses("random", 1500, &s);
    double x[RT_TARGETS];
    unsigned counts[RT_TARGETS];
    for (int i = 0; i < RT_TARGETS; i++) {
        CU_ASSERT_FATAL(s.tn[i] > 0);
        x[i] = s.tsum[i] / (double)s.tn[i];
        counts[i] = (unsigned)s.accepted[i];
    }
    double mean = gsl_stats_mean(x, 1, RT_TARGETS);
    double hw = gsl_cdf_tdist_Pinv(1 - 0.001 / 2, RT_TARGETS - 1) *
                gsl_stats_sd_m(x, 1, RT_TARGETS, mean) / sqrt(RT_TARGETS);
    printf("\n    random, rho 0.9, 10 x M/M/1: mean response %.1f ms ± %.1f ms (99.9 %%), "
           "theory 100 ms ", mean * 1e3, hw * 1e3);
    CU_ASSERT(fabs(mean - 0.1) <= hw);
    CU_ASSERT(looks_uniform(counts, RT_TARGETS));
}

static void power_of_two_sits_near_jsq_far_below_random(void)
{
    double rnd = mean_response("random");
    double p2 = mean_response("power_of_d");
    double jsq = mean_response("join_shortest_queue");
    printf("\n    rho 0.9, 10 x 1 vCPU, exp(10 ms): mean response random %.1f ms, "
           "power_of_d(2) %.1f ms, join_shortest_queue %.1f ms ",
           rnd * 1e3, p2 * 1e3, jsq * 1e3);
    CU_ASSERT(p2 < 0.4 * rnd);
    /* Close to the ideal: power_of_d closes at least three quarters of the gap between
     * random and join_shortest_queue (theory for n -> infinity: 26 ms vs 100 ms). */
    CU_ASSERT(jsq <= p2);
    CU_ASSERT(p2 - jsq < 0.25 * (rnd - jsq));
}

/* ---- weighted_random, flow_hash, consistent_hash, least_response_time ---- */

/* Chi-square goodness of fit of counts[0..k) to probabilities p (summing to 1): true when
 * not rejected at 1e-4. */
static bool fits(const unsigned *counts, const double *p, unsigned k)
{
    double total = 0, x2 = 0;
    for (unsigned i = 0; i < k; i++)
        total += counts[i];
    for (unsigned i = 0; i < k; i++) {
        double e = total * p[i];
        x2 += (counts[i] - e) * (counts[i] - e) / e;
    }
    return gsl_cdf_chisq_Q(x2, k - 1) > 1e-4;
}

/* A pick for a flow whose tuple hash is key (hashing algorithms hash request_route_key,
 * here the flow hash). */
static uint32_t pick_key(const struct route_ops *ops, void *priv, const struct fake *f,
                         uint64_t key)
{
    struct request rq;
    memset(&rq, 0, sizeof rq);
    rq.flow_hash = key;
    return ops->pick(priv, &f->v, &rq, NULL);
}

static uint64_t rng_u64(gsl_rng *r)
{
    uint64_t hi = gsl_rng_get(r); /* mt19937: 32 bits a draw */
    return hi << 32 | gsl_rng_get(r);
}

/* done() at time now with a fixed small latency. */
static void respond(const struct route_ops *ops, void *priv, uint32_t m, int status, double now)
{
    struct route_outcome o = {status, 0.001, now};
    ops->done(priv, m, &o);
}

static void weighted_random_without_errors_is_uniform(void)
{
    struct fake f;
    fake_init(&f, 5);
    const struct route_ops *ops;
    void *priv = instance("weighted_random", &ops, &f);
    gsl_rng *r = new_rng(21);
    unsigned n[5] = {0};
    for (int i = 0; i < 50000; i++) {
        f.v.now = i * 1e-3; /* evaluations happen, but find nothing to mitigate */
        uint32_t m = pick_sent(ops, priv, &f, r);
        n[m]++;
        respond(ops, priv, m, RQ_OK, f.v.now);
    }
    CU_ASSERT(looks_uniform(n, 5));
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* Member 0's errors halve its weight at each evaluation; picks follow the weights. */
static void weighted_random_picks_in_proportion_to_weights(void)
{
    struct fake f;
    fake_init(&f, 4);
    const struct route_ops *ops;
    void *priv = instance("weighted_random(anomaly_mitigation=on)", &ops, &f);
    gsl_rng *r = new_rng(22);
    for (int i = 0; i < 200; i++) /* rate of member 0: 1 - 0.99^200 = 0.87, others 0 */
        for (uint32_t m = 0; m < 4; m++)
            respond(ops, priv, m, m == 0 ? RQ_TARGET_ERROR : RQ_OK, 1.0);
    double want[][4] = {{0.5 / 3.5, 1 / 3.5, 1 / 3.5, 1 / 3.5},
                        {0.125 / 3.125, 1 / 3.125, 1 / 3.125, 1 / 3.125}};
    double at[] = {5.0, 15.0}; /* evaluations at 5 s (0.5), then 10 s and 15 s (0.125) */
    for (int k = 0; k < 2; k++) {
        if (k) {
            f.v.now = 10.0;
            ops->pick(priv, &f.v, NULL, r);
        }
        f.v.now = at[k];
        unsigned n[4] = {0};
        for (int i = 0; i < 80000; i++)
            n[ops->pick(priv, &f.v, NULL, r)]++; /* no evaluation until 5 s later */
        CU_ASSERT(fits(n, want[k], 4));
    }
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* 1000 requests a second for [t0, t1): member m fails (500) when bad[m]; counts the picks
 * of each member from count_from on into n. */
static void run_errors(const struct route_ops *ops, void *priv, struct fake *f, gsl_rng *r,
                       const bool *bad, long t0_ms, long t1_ms, long count_from_ms,
                       unsigned *n)
{
    for (long t = t0_ms; t < t1_ms; t++) {
        f->v.now = t * 1e-3;
        uint32_t m = pick_sent(ops, priv, f, r);
        if (t >= count_from_ms)
            n[m]++;
        respond(ops, priv, m, bad[m] ? RQ_TARGET_ERROR : RQ_OK, f->v.now);
    }
}

static void anomaly_mitigation_cuts_a_failing_member_to_the_floor(void)
{
    struct fake f;
    fake_init(&f, 10);
    bool bad[10] = {false};
    bad[3] = true;
    /* Off unless asked for, as on AWS: the plain name behaves like =off. */
    const char *texts[] = {"weighted_random(anomaly_mitigation=on)",
                           "weighted_random(anomaly_mitigation=off)", "weighted_random"};
    unsigned n[3][10] = {{0}};
    for (int k = 0; k < 3; k++) {
        const struct route_ops *ops;
        void *priv = instance(texts[k], &ops, &f);
        gsl_rng *r = new_rng(23);
        run_errors(ops, priv, &f, r, bad, 0, 60000, 50000, n[k]);
        route_instance_free(ops, priv);
        gsl_rng_free(r);
    }
    /* On: after 7 halvings member 3 is at the 1 % floor, a share of 0.01 / 9.01; the
     * others share the rest evenly.  Off: uniform. */
    double p[10];
    for (int i = 0; i < 10; i++)
        p[i] = (i == 3 ? 0.01 : 1.0) / 9.01;
    printf("\n    member 3 failing: %u of 10000 picks with mitigation, %u without ", n[0][3],
           n[1][3]);
    CU_ASSERT(fits(n[0], p, 10));
    CU_ASSERT(n[0][3] <= binomial_upper(10000, p[3])); /* mean 11 */
    CU_ASSERT(looks_uniform(n[1], 10));
    CU_ASSERT(looks_uniform(n[2], 10));
    CU_ASSERT(n[2][3] > 500);
}

static void anomaly_mitigation_never_cuts_more_than_half(void)
{
    struct fake f;
    fake_init(&f, 5);
    bool bad[5] = {true, true, true, false, false};
    const struct route_ops *ops;
    void *priv = instance("weighted_random(anomaly_mitigation=on)", &ops, &f);
    gsl_rng *r = new_rng(24);
    unsigned n[5] = {0};
    /* Each failing member's peers have median error rate 0.5 (two failing, two not), so all
     * three stand out; only two (floor(5 / 2)) may be cut. */
    run_errors(ops, priv, &f, r, bad, 0, 60000, 50000, n);
    unsigned cut = 0, full = UINT32_MAX;
    for (uint32_t m = 0; m < 3; m++) {
        if (n[m] < 100) /* at the floor: mean 10000 x 0.01 / 3.02 = 33 */
            cut++;
        else
            full = m;
    }
    CU_ASSERT_EQUAL(cut, 2);
    CU_ASSERT_FATAL(full != UINT32_MAX);
    CU_ASSERT(binomial_ok(n[full], 10000, 1 / 3.02));
    CU_ASSERT(binomial_ok(n[3], 10000, 1 / 3.02));
    /* The eligible set shrinks to the three failing members: one may stay cut. */
    uint32_t keep[3] = {0, 1, 2};
    f.v.eligible = keep;
    f.v.n = 3;
    ops->rebuild(priv, &f.v);
    unsigned n2[5] = {0};
    for (int i = 0; i < 20000; i++)
        n2[ops->pick(priv, &f.v, NULL, r)]++; /* same time: no evaluation */
    unsigned low = 0;
    for (uint32_t m = 0; m < 3; m++)
        low += n2[m] < 500; /* at the floor: mean 20000 x 0.01 / 2.01 = 100 */
    CU_ASSERT_EQUAL(low, 1);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static void anomaly_mitigation_restores_step_by_step(void)
{
    struct fake f;
    fake_init(&f, 4);
    bool bad[4] = {false, false, false, true};
    const struct route_ops *ops;
    void *priv = instance("weighted_random(anomaly_mitigation=on, window=20, floor=0.1, interval=10s)",
                          &ops, &f);
    gsl_rng *r = new_rng(25);
    unsigned n[4] = {0};
    run_errors(ops, priv, &f, r, bad, 0, 60000, 60000, n); /* 0.5 ... 0.0625: the floor */
    bad[3] = false;
    /* Evaluations fall every 10 s; read member 3's weight off seconds 1-9 of each step:
     * the level of largest binomial likelihood (neighbouring levels are >= 8 sd apart at
     * 8000 picks), which must also fit its binomial interval. */
    static const double level[] = {0.1, 0.2, 0.4, 0.8, 1.0};
    int seen[5] = {0}, prev = 0;
    bool monotone = true;
    for (long s = 60000; s < 160000; s += 10000) {
        unsigned c[4] = {0};
        run_errors(ops, priv, &f, r, bad, s, s + 1000, s + 1000, c);
        run_errors(ops, priv, &f, r, bad, s + 1000, s + 9000, s + 1000, c);
        run_errors(ops, priv, &f, r, bad, s + 9000, s + 10000, s + 10000, c);
        unsigned total = c[0] + c[1] + c[2] + c[3];
        int which = 0;
        double best = -HUGE_VAL;
        for (int k = 0; k < 5; k++) {
            double p = level[k] / (3 + level[k]);
            double ll = c[3] * log(p) + (total - c[3]) * log(1 - p);
            if (ll > best) {
                best = ll;
                which = k;
            }
        }
        CU_ASSERT(binomial_ok(c[3], total, level[which] / (3 + level[which])));
        seen[which]++;
        monotone = monotone && which >= prev && which <= prev + 1; /* one doubling a step */
        prev = which;
    }
    CU_ASSERT(monotone);
    for (int k = 0; k < 5; k++)
        CU_ASSERT(seen[k] > 0); /* 0.1 while the rate falls, then each doubling, then 1 */
    CU_ASSERT(seen[4] >= 3);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static void flow_hash_keeps_a_key_on_its_target_and_spreads_keys(void)
{
    struct fake f;
    fake_init(&f, 7);
    const struct route_ops *ops;
    void *priv = instance("flow_hash", &ops, &f);
    unsigned n[7] = {0};
    /* Keys of one LB node out of 3 share a residue mod 3 (lb.c picks the node from the same
     * hash); sequential keys are the hard case for a poor mix. */
    for (uint64_t k = 0; k < 70000; k++)
        n[pick_key(ops, priv, &f, 3 * k)]++;
    CU_ASSERT(looks_uniform(n, 7));
    gsl_rng *r = new_rng(26);
    for (int i = 0; i < 1000; i++) {
        uint64_t key = rng_u64(r);
        uint32_t m = pick_key(ops, priv, &f, key);
        pick_key(ops, priv, &f, key + 1);
        CU_ASSERT_EQUAL(pick_key(ops, priv, &f, key), m);
    }
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* Members picked for keys[0..nk) into out. */
static void map_keys(const struct route_ops *ops, void *priv, const struct fake *f,
                     const uint64_t *keys, unsigned nk, uint32_t *out)
{
    for (unsigned i = 0; i < nk; i++)
        out[i] = pick_key(ops, priv, f, keys[i]);
}

#define NKEYS 10000

static void consistent_hash_moves_few_keys_when_a_target_leaves(void)
{
    static uint64_t keys[NKEYS];
    static uint32_t before[NKEYS], after[NKEYS];
    gsl_rng *r = new_rng(27);
    for (unsigned i = 0; i < NKEYS; i++)
        keys[i] = rng_u64(r);
    gsl_rng_free(r);
    const char *texts[] = {"consistent_hash", "consistent_hash(method=ring)", "flow_hash"};
    double moved[3];
    for (int k = 0; k < 3; k++) {
        struct fake f;
        fake_init(&f, 10);
        const struct route_ops *ops;
        void *priv = instance(texts[k], &ops, &f);
        map_keys(ops, priv, &f, keys, NKEYS, before);
        if (ops->rebuild)
            ops->rebuild(priv, &f.v); /* same set: nothing moves */
        map_keys(ops, priv, &f, keys, NKEYS, after);
        CU_ASSERT_EQUAL(memcmp(before, after, sizeof before), 0);
        /* Member 3 leaves. */
        memmove(&f.elig[3], &f.elig[4], 6 * sizeof f.elig[0]);
        f.v.n = 9;
        if (ops->rebuild)
            ops->rebuild(priv, &f.v);
        map_keys(ops, priv, &f, keys, NKEYS, after);
        unsigned on3 = 0, n = 0, strays = 0;
        for (unsigned i = 0; i < NKEYS; i++) {
            CU_ASSERT(after[i] != 3);
            on3 += before[i] == 3;
            n += after[i] != before[i];
            strays += before[i] != 3 && after[i] != before[i];
        }
        moved[k] = (double)n / NKEYS;
        if (k == 1)
            CU_ASSERT_EQUAL(strays, 0); /* a ring moves exactly the leaver's keys */
        if (k < 2)
            CU_ASSERT(moved[k] < 0.15);
        if (k == 0)
            CU_ASSERT(binomial_ok(on3, NKEYS, 0.1)); /* maglev: shares equal to a slot */
        route_instance_free(ops, priv);
    }
    /* Plain modulo over the eligible list, for comparison. */
    unsigned n = 0;
    for (unsigned i = 0; i < NKEYS; i++) {
        uint32_t b = (uint32_t)(keys[i] % 10), a = (uint32_t)(keys[i] % 9);
        n += (a < 3 ? a : a + 1) != b;
    }
    printf("\n    one of 10 targets leaves: maglev moves %.1f %% of keys, ring %.1f %%, "
           "flow_hash %.1f %%, modulo %.1f %% ", 100 * moved[0], 100 * moved[1],
           100 * moved[2], 100.0 * n / NKEYS);
    CU_ASSERT(n > 0.8 * NKEYS);
    /* flow_hash's multiply-shift maps a key's fraction x to eligible[floor(n x)]: from 10
     * to 9 positions, with the fourth removed, exactly 63/90 of [0, 1) keeps its target. */
    CU_ASSERT(binomial_ok((unsigned)(moved[2] * NKEYS + 0.5), NKEYS, 0.3));
}

static void consistent_hash_spreads_keys_evenly(void)
{
    enum { K = 100000, N = 10 };
    gsl_rng *r = new_rng(28);
    /* Maglev shares differ by one table slot at most: multinomial, chi-square. */
    struct fake f;
    fake_init(&f, N);
    const struct route_ops *ops;
    void *priv = instance("consistent_hash", &ops, &f);
    unsigned n[N] = {0};
    for (int i = 0; i < K; i++)
        n[pick_key(ops, priv, &f, rng_u64(r))]++;
    CU_ASSERT(looks_uniform(n, N));
    route_instance_free(ops, priv);
    /* A ring's share per target is the sum of vnodes of the N x vnodes spacings: Beta with
     * mean p = 1/N and variance p (1 - p) / (N vnodes + 1), plus the binomial noise of K keys;
     * every share within its normal interval at level 1e-6. */
    const char *rings[] = {"consistent_hash(method=ring)", "consistent_hash(method=ring, "
                                                           "vnodes=1000)"};
    double vn[] = {100, 1000};
    for (int k = 0; k < 2; k++) {
        priv = instance(rings[k], &ops, &f);
        memset(n, 0, sizeof n);
        for (int i = 0; i < K; i++)
            n[pick_key(ops, priv, &f, rng_u64(r))]++;
        double p = 1.0 / N, sd = sqrt(p * (1 - p) / (N * vn[k] + 1) + p * (1 - p) / K);
        for (int i = 0; i < N; i++)
            CU_ASSERT(fabs((double)n[i] / K - p) <= Z_CHECK * sd);
        route_instance_free(ops, priv);
    }
    gsl_rng_free(r);
}

/* A request to m sent and answered at now after latency_s. */
static void lrt_sample(const struct route_ops *ops, void *priv, uint32_t m, double now,
                       double latency_s)
{
    struct route_outcome o = {RQ_OK, latency_s, now};
    ops->sent(priv, m);
    ops->done(priv, m, &o);
}

static void least_response_time_prefers_the_faster_member(void)
{
    struct fake f;
    fake_init(&f, 3);
    f.v.n = 2;
    const struct route_ops *ops;
    void *priv = instance("least_response_time", &ops, &f);
    gsl_rng *r = new_rng(29);
    lrt_sample(ops, priv, 0, 1.0, 0.010);
    lrt_sample(ops, priv, 1, 1.0, 0.050);
    f.v.now = 1.0;
    CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 0);
    /* Cost = estimate x (outstanding + 1): 0.01 x 4 < 0.05, 0.01 x 7 > 0.05. */
    for (int i = 0; i < 3; i++)
        ops->sent(priv, 0);
    CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 0);
    for (int i = 0; i < 3; i++)
        ops->sent(priv, 0);
    CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 1);
    /* A new member is tried first, then waits for its probe's answer. */
    f.v.n = 3;
    ops->rebuild(priv, &f.v);
    CU_ASSERT_EQUAL(pick_sent(ops, priv, &f, r), 2);
    for (int i = 0; i < 50; i++)
        ops->sent(priv, 1);
    CU_ASSERT_EQUAL(ops->pick(priv, &f.v, NULL, r), 0);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* Member 0 with samples (time, latency) hist[0..nh), member 1 with one sample (now, ref):
 * which one a pick at now chooses. */
static uint32_t lrt_against(const double (*hist)[2], int nh, double now, double ref)
{
    struct fake f;
    fake_init(&f, 2);
    const struct route_ops *ops;
    void *priv = instance("least_response_time", &ops, &f);
    for (int i = 0; i < nh; i++)
        lrt_sample(ops, priv, 0, hist[i][0], hist[i][1]);
    lrt_sample(ops, priv, 1, now, ref);
    f.v.now = now;
    uint32_t m = ops->pick(priv, &f.v, NULL, NULL); /* no tie: no draw */
    route_instance_free(ops, priv);
    return m;
}

static void least_response_time_peaks_jump_and_decay(void)
{
    /* A peak replaces the estimate at once (a plain EWMA would be near 0.67). */
    static const double peak[][2] = {{0.0, 0.1}, {10.0, 1.0}};
    CU_ASSERT_EQUAL(lrt_against(peak, 2, 10.0, 0.99), 1);
    CU_ASSERT_EQUAL(lrt_against(peak, 2, 10.0, 1.01), 0);
    /* A lower sample 10 s (one decay) later: 1.0 e^-1 + 0.1 (1 - e^-1) = 0.4311. */
    static const double down[][2] = {{0.0, 0.1}, {10.0, 1.0}, {20.0, 0.1}};
    CU_ASSERT_EQUAL(lrt_against(down, 3, 20.0, 0.430), 1);
    CU_ASSERT_EQUAL(lrt_against(down, 3, 20.0, 0.432), 0);
    /* Unsampled for 50 s, a 1 s estimate reads as 1 e^-5 = 0.0067: tried again. */
    static const double stale[][2] = {{0.0, 1.0}};
    CU_ASSERT_EQUAL(lrt_against(stale, 1, 50.0, 0.0068), 0);
    CU_ASSERT_EQUAL(lrt_against(stale, 1, 50.0, 0.0066), 1);
}

static void least_response_time_choices_never_take_the_dearer_of_two(void)
{
    struct fake f;
    fake_init(&f, 3);
    const struct route_ops *ops;
    void *priv = instance("least_response_time(choices=2)", &ops, &f);
    gsl_rng *r = new_rng(30);
    lrt_sample(ops, priv, 0, 1.0, 0.010);
    lrt_sample(ops, priv, 1, 1.0, 0.020);
    lrt_sample(ops, priv, 2, 1.0, 0.030);
    f.v.now = 1.0;
    unsigned n[3] = {0};
    for (int i = 0; i < 30000; i++)
        n[ops->pick(priv, &f.v, NULL, r)]++;
    CU_ASSERT_EQUAL(n[2], 0);
    CU_ASSERT(binomial_ok(n[0], 30000, 2.0 / 3)); /* 0 wins both pairs it is in */
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* The heap against the definition: after random sends, responses and eligibility changes,
 * a pick's cost est x exp(-age / decay) x (outstanding + 1), recomputed here from the
 * samples, is the least over the eligible members (up to rounding). */
static void least_response_time_heap_agrees_with_a_scan(void)
{
    enum { M = 12 };
    struct fake f;
    fake_init(&f, M);
    const struct route_ops *ops;
    void *priv = instance("least_response_time(decay=2s)", &ops, &f);
    gsl_rng *r = new_rng(31);
    double est[M] = {0}, stamp[M] = {0}, now = 0;
    unsigned out[M] = {0};
    bool sampled[M] = {false}, in[M];
    for (int i = 0; i < M; i++)
        in[i] = true;
    unsigned bad = 0;
    for (int step = 0; step < 20000; step++) {
        now += gsl_rng_uniform(r) * 0.01;
        double u = gsl_rng_uniform(r);
        uint32_t m = (uint32_t)gsl_rng_uniform_int(r, M);
        if (u < 0.01) { /* a member leaves or comes back */
            in[m] = !in[m];
            f.v.n = 0;
            for (uint32_t i = 0; i < M; i++)
                if (in[i])
                    f.elig[f.v.n++] = i;
            if (f.v.n == 0) {
                in[m] = true;
                f.elig[f.v.n++] = m;
            }
            ops->rebuild(priv, &f.v);
        } else if (u < 0.5 && out[m] > 0) { /* a response from m */
            double rtt = 0.001 + 0.1 * gsl_rng_uniform(r) * (1 + m % 3);
            struct route_outcome o = {RQ_OK, rtt, now};
            ops->done(priv, m, &o);
            out[m]--;
            if (!sampled[m] || rtt > est[m]) {
                est[m] = rtt;
            } else {
                double w = exp(-(now - stamp[m]) / 2.0);
                est[m] = est[m] * w + rtt * (1 - w);
            }
            sampled[m] = true;
            stamp[m] = now;
        } else { /* a pick, sent */
            f.v.now = now;
            uint32_t p = pick_sent(ops, priv, &f, r);
            double cost[M], least = HUGE_VAL;
            for (uint32_t k = 0; k < f.v.n; k++) {
                uint32_t e = f.elig[k];
                cost[e] = sampled[e] ? est[e] * exp(-(now - stamp[e]) / 2.0) * (out[e] + 1)
                                     : out[e] ? 1e300 * (1 + out[e] * 1e-3) : -1.0;
                least = fmin(least, cost[e]);
            }
            bad += !(in[p] && cost[p] <= least + 1e-9 * fabs(least));
            out[p]++;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    for (uint32_t m = 0; m < M; m++)
        while (out[m]--)
            respond(ops, priv, m, RQ_OK, now);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static void least_response_time_sits_far_below_random_in_a_run(void)
{
    double rnd = mean_response("random");
    double lrt = mean_response("least_response_time");
    printf("\n    rho 0.9, 10 x 1 vCPU: mean response random %.1f ms, least_response_time "
           "%.1f ms ", rnd * 1e3, lrt * 1e3);
    CU_ASSERT(lrt < 0.5 * rnd);
}

static void new_algorithms_report_bad_parameters(void)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"weighted_random(anomaly_mitigation=maybe)",
         "t.yaml:3:51: error: anomaly_mitigation must be 'on' or 'off', got 'maybe'"},
        {"weighted_random(threshold=1.5)",
         "t.yaml:3:42: error: threshold must be a fraction between 0 and 1 (e.g. 0.1), "
         "got '1.5'"},
        {"weighted_random(window=0)",
         "t.yaml:3:39: error: window must be a whole number of responses from 1 to"},
        {"weighted_random(interval=0s)",
         "t.yaml:3:41: error: interval must be a duration > 0 (e.g. 5s), got '0s'"},
        {"weighted_random(floor=0)",
         "t.yaml:3:38: error: floor must be a fraction in (0, 1] (e.g. 0.01), got '0'"},
        {"weighted_random(speed=2)",
         "t.yaml:3:32: error: unknown parameter 'speed' for weighted_random; expected: "
         "anomaly_mitigation, threshold, window, interval, floor"},
        {"weighted_random(on)", "t.yaml:3:32: error: expected key=value in weighted_random"},
        {"weighted_random(floor=0.1, floor=0.2)",
         "t.yaml:3:43: error: parameter 'floor' given twice"},
        {"consistent_hash(table=65536)",
         "t.yaml:3:38: error: table must be a prime from 3 to 16777213, well above the number "
         "of targets (e.g. 65537), got '65536'"},
        {"consistent_hash(method=rendezvous)",
         "t.yaml:3:39: error: method must be 'maglev' or 'ring', got 'rendezvous'"},
        {"consistent_hash(method=ring, vnodes=0)",
         "t.yaml:3:52: error: vnodes must be a whole number from 1 to 10000, got '0'"},
        {"consistent_hash(vnodes=50)",
         "t.yaml:3:32: error: 'vnodes' applies only to method=ring"},
        {"consistent_hash(table=7, method=ring)",
         "t.yaml:3:32: error: 'table' applies only to method=maglev"},
        {"least_response_time(decay=fast)",
         "t.yaml:3:42: error: decay must be a duration > 0 (e.g. 10s), got 'fast'"},
        {"least_response_time(decay=-1s)",
         "t.yaml:3:42: error: decay must be a duration > 0 (e.g. 10s), got '-1s'"},
        {"least_response_time(choices=0)",
         "t.yaml:3:44: error: choices must be 'all' or a whole number from 1 to 1000000, "
         "got '0'"},
        {"flow_hash(table=7)", "t.yaml:3:26: error: algorithm 'flow_hash' takes no parameters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *msg = parse_error(cases[i].text);
        if (strncmp(msg, cases[i].want, strlen(cases[i].want)))
            fprintf(stderr, "\n%s: got %s", cases[i].text, msg);
        CU_ASSERT_EQUAL(strncmp(msg, cases[i].want, strlen(cases[i].want)), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, cases[i].text));
        free(msg);
    }
    static const char *const ok[] = {
        "weighted_random(anomaly_mitigation=off)",
        "weighted_random(threshold=0.2, window=50, interval=10s, floor=0.05)",
        "flow_hash",
        "consistent_hash(method=ring, vnodes=10)",
        "consistent_hash(method=maglev, table=7)",
        "least_response_time(choices=2, decay=500ms)",
        "least_response_time(choices=all)",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        const struct route_ops *ops;
        void *cfg;
        CU_ASSERT_EQUAL(route_parse(ok[i], NULL, &ops, &cfg), 0);
        free(cfg);
    }
}

/* peek, which the group uses to prefetch at 10^4+ members: it names the member the next
 * pick chooses, and (when it can tell) the one after, with nothing sent or done between;
 * through random sends, dones and a shrunk eligible set. */
static void peek_predicts_the_next_picks(void)
{
    static const char *const algos[] = {"round_robin", "least_outstanding_requests"};
    gsl_rng *r = new_rng(9);
    for (size_t a = 0; a < sizeof algos / sizeof algos[0]; a++) {
        struct fake f;
        fake_init(&f, 8);
        const struct route_ops *ops;
        void *priv = instance(algos[a], &ops, &f);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ops->peek);
        unsigned out[8] = {0}, first = 0, second = 0, tries = 0;
        for (int step = 0; step < 4000; step++) {
            if (step == 2000) { /* members 6 and 7 leave the eligible set */
                f.v.n = 6;
                ops->rebuild(priv, &f.v);
            }
            uint32_t p0 = ops->peek(priv, &f.v, 0, 0), p1 = ops->peek(priv, &f.v, 1, 0);
            CU_ASSERT_EQUAL(ops->peek(priv, &f.v, 0, 1), UINT32_MAX);
            uint32_t m = pick_sent(ops, priv, &f, r);
            first += m == p0;
            out[m]++;
            if (gsl_rng_uniform(r) < 0.5) {
                uint32_t m2 = pick_sent(ops, priv, &f, r);
                out[m2]++;
                if (p1 != UINT32_MAX) {
                    tries++;
                    second += m2 == p1;
                }
            }
            while (ops->done && gsl_rng_uniform(r) < 0.6) {
                uint32_t d = (uint32_t)gsl_rng_uniform_int(r, 8);
                if (out[d]) {
                    ops->done(priv, d, &unit_ok);
                    out[d]--;
                }
            }
        }
        CU_ASSERT_EQUAL(first, 4000);
        CU_ASSERT(tries > 500);
        CU_ASSERT_EQUAL(second, tries);
        printf("\n    %s: %u of 4000 next picks named, %u of %u second ones", algos[a],
               first, second, tries);
        route_instance_free(ops, priv);
    }
    gsl_rng_free(r);
}

/* An algorithm with peek_far names the next three picks (k = 0, 1, 2), with nothing sent
 * or done between, through dones and a shrunk eligible set; and round robin is one. */
static void peek_far_predicts_three_picks(void)
{
    gsl_rng *r = new_rng(10);
    unsigned far = 0;
    for (const struct route_ops *const *o = route_table; *o; o++) {
        if (!(*o)->peek_far)
            continue;
        far++;
        CU_ASSERT_PTR_NOT_NULL_FATAL((*o)->peek);
        struct fake f;
        fake_init(&f, 8);
        const struct route_ops *ops;
        void *priv = instance((*o)->name, &ops, &f);
        unsigned named = 0, out[8] = {0};
        for (int step = 0; step < 2000; step++) {
            if (step == 1000) { /* members 5, 6 and 7 leave the eligible set */
                f.v.n = 5;
                ops->rebuild(priv, &f.v);
            }
            uint32_t want[3];
            for (uint32_t k = 0; k < 3; k++)
                want[k] = ops->peek(priv, &f.v, k, 0);
            for (int k = 0; k < 3; k++) {
                uint32_t m = pick_sent(ops, priv, &f, r);
                named += m == want[k];
                out[m]++;
            }
            for (uint32_t m = 0; ops->done && m < 8; m++)
                if (out[m] && gsl_rng_uniform(r) < 0.3) {
                    ops->done(priv, m, &unit_ok);
                    out[m]--;
                }
        }
        CU_ASSERT_EQUAL(named, 3 * 2000);
        route_instance_free(ops, priv);
    }
    CU_ASSERT(far >= 1);
    CU_ASSERT(route_find("round_robin")->peek_far);
    gsl_rng_free(r);
}

/* The eligible member with the fewest outstanding, ties to the earliest stamp. */
static uint32_t next_lor(const uint32_t *count, const uint64_t *stamp, const bool *elig)
{
    uint32_t want = UINT32_MAX;
    for (uint32_t i = 0; i < MAXM; i++)
        if (elig[i] && (want == UINT32_MAX || count[i] < count[want] ||
                        (count[i] == count[want] && stamp[i] < stamp[want])))
            want = i;
    return want;
}

/* least_outstanding_requests against its definition, kept by brute force: the eligible
 * member with the fewest outstanding, ties to the one that reached that count first (each
 * member stamped when its count last changed, or when the eligible set was rebuilt, in the
 * set's order).  Through picks, sends out of turn (as a sticky session's or a slow-start
 * member's, which take a member from the middle of its count's bucket), dones, and
 * eligible sets that shrink, grow and reorder; peek(0, 0) and peek(1, 0) checked every
 * time. */
static void lor_follows_its_definition_through_sends_out_of_turn(void)
{
    enum { N = MAXM, STEPS = 40000 };
    struct fake f;
    fake_init(&f, N);
    const struct route_ops *ops;
    void *priv = instance("least_outstanding_requests", &ops, &f);
    gsl_rng *r = new_rng(21);
    uint32_t count[N] = {0}, out_of_turn = 0, picks = 0, mid_bucket = 0;
    uint64_t stamp[N], clock = 0;
    bool elig[N];
    for (uint32_t i = 0; i < N; i++) {
        stamp[i] = clock++;
        elig[i] = true;
    }
    for (int step = 0; step < STEPS; step++) {
        double u = gsl_rng_uniform(r);
        if (u < 0.01) {
            /* A new eligible set: a random subset (at least one), in a shuffled order. */
            uint32_t order[N];
            for (uint32_t i = 0; i < N; i++)
                order[i] = i;
            gsl_ran_shuffle(r, order, N, sizeof *order);
            uint32_t n = 1 + (uint32_t)gsl_rng_uniform_int(r, N);
            for (uint32_t i = 0; i < N; i++)
                elig[i] = false;
            for (uint32_t i = 0; i < n; i++) {
                f.elig[i] = order[i];
                elig[order[i]] = true;
                stamp[order[i]] = clock++; /* the rebuild lines them up in the set's order */
            }
            f.v.n = n;
            ops->rebuild(priv, &f.v);
        } else if (u < 0.22) {
            uint32_t want = next_lor(count, stamp, elig);
            CU_ASSERT_EQUAL(ops->peek(priv, &f.v, 0, 0), want);
            /* peek(1, 0): the next at the same count, or none (the pick after comes from
             * another count). */
            elig[want] = false;
            uint32_t second = next_lor(count, stamp, elig);
            elig[want] = true;
            if (second != UINT32_MAX && count[second] != count[want])
                second = UINT32_MAX;
            CU_ASSERT_EQUAL(ops->peek(priv, &f.v, 1, 0), second);
            uint32_t m = ops->pick(priv, &f.v, NULL, r);
            CU_ASSERT_EQUAL(m, want);
            ops->sent(priv, m);
            count[m]++;
            stamp[m] = clock++;
            picks++;
        } else if (u < 0.30) {
            /* Sent out of turn: any member, eligible or not.  One at 0 that is not next
             * leaves its bucket from the middle. */
            uint32_t m = (uint32_t)gsl_rng_uniform_int(r, N);
            mid_bucket += elig[m] && count[m] == 0 && m != next_lor(count, stamp, elig);
            ops->sent(priv, m);
            count[m]++;
            stamp[m] = clock++;
            out_of_turn++;
        } else {
            uint32_t m = (uint32_t)gsl_rng_uniform_int(r, N);
            if (count[m]) {
                ops->done(priv, m, &unit_ok);
                count[m]--;
                stamp[m] = clock++;
            }
        }
    }
    CU_ASSERT(picks > 3000 && out_of_turn > 1000 && mid_bucket > 200);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* power_of_d draws its candidates three picks ahead (routing_p2d.c): peek(1, .) names the
 * candidates of the pick after next, peek(0, 0) the member the next pick chooses if nothing
 * changes first; the pick chooses the least loaded of exactly the candidates named (ties to
 * the first); the pairs are uniform over the ordered pairs of distinct members; after the
 * eligible set changes they are drawn again from the new set. */
static void power_of_d_draws_ahead_uniformly_and_picks_among_the_named(void)
{
    struct fake f;
    fake_init(&f, 6);
    const struct route_ops *ops;
    void *priv = instance("power_of_d", &ops, &f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ops->peek);
    gsl_rng *r = new_rng(11);
    unsigned load[6] = {0}, pairs[36] = {0}, wrong = 0, checked = 0, foretold = 0;
    /* after[j]: what peek(1, .) named after the pick j steps back (j = 0, 1): after[1]
     * names this pick's candidates. */
    uint32_t after[2][2] = {{UINT32_MAX, UINT32_MAX}, {UINT32_MAX, UINT32_MAX}};
    enum { STEPS = 36000 };
    for (int step = 0; step < STEPS; step++) {
        if (step == STEPS / 2) { /* members 4 and 5 leave */
            f.v.n = 4;
            ops->rebuild(priv, &f.v);
            memset(after, 0xff, sizeof after);
        }
        uint32_t w = ops->peek(priv, &f.v, 0, 0);
        wrong += ops->peek(priv, &f.v, 0, 1) != UINT32_MAX;
        uint32_t m = pick_sent(ops, priv, &f, r);
        load[m]++;
        if (w == UINT32_MAX) { /* the first pick after a change draws the stages */
            CU_ASSERT(step == 0 || step == STEPS / 2);
        } else {
            foretold++;
            wrong += m != w; /* nothing changed between the peek and the pick */
        }
        uint32_t c0 = after[1][0], c1 = after[1][1];
        if (c0 != UINT32_MAX) {
            checked++;
            /* The pick chose the less loaded of the two named (load before its send). */
            unsigned l0 = load[c0] - (m == c0), l1 = load[c1] - (m == c1);
            wrong += c0 == c1 || ops->peek(priv, &f.v, 1, 2) != UINT32_MAX ||
                     m != (l1 < l0 ? c1 : c0) || c0 >= f.v.n || c1 >= f.v.n;
            if (step < STEPS / 2)
                pairs[c0 * 6 + c1]++;
        }
        memcpy(after[1], after[0], sizeof after[0]);
        after[0][0] = ops->peek(priv, &f.v, 1, 0);
        after[0][1] = ops->peek(priv, &f.v, 1, 1);
        while (gsl_rng_uniform(r) < 0.5) {
            uint32_t d = (uint32_t)gsl_rng_uniform_int(r, f.v.n);
            if (load[d]) {
                ops->done(priv, d, &unit_ok);
                load[d]--;
            }
        }
    }
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT(checked > STEPS - 10);
    CU_ASSERT(foretold > STEPS - 10);
    printf("\n    power_of_d: %u picks' candidates named two picks ahead, %u picks foretold",
           checked, foretold);
    unsigned distinct[30], k = 0;
    for (unsigned i = 0; i < 36; i++)
        if (i / 6 != i % 6)
            distinct[k++] = pairs[i];
        else
            CU_ASSERT_EQUAL(pairs[i], 0);
    CU_ASSERT(looks_uniform(distinct, 30));
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

/* power_of_d reads a drawn position as its member only when the view is every member in
 * order (routing_p2d.c, identity): with part of the group eligible it must map positions
 * through the view, and pick every eligible member and none other. */
static void power_of_d_picks_only_from_the_view(void)
{
    struct fake f;
    fake_init(&f, 8);
    const struct route_ops *ops;
    void *priv = instance("power_of_d", &ops, &f);
    static const uint32_t odd[] = {1, 3, 5, 7};
    memcpy(f.elig, odd, sizeof odd);
    f.v.n = 4;
    ops->rebuild(priv, &f.v);
    gsl_rng *r = new_rng(5);
    unsigned load[8] = {0}, picked[8] = {0};
    for (int step = 0; step < 4000; step++) {
        uint32_t m = pick_sent(ops, priv, &f, r);
        CU_ASSERT_FATAL(m < 8);
        load[m]++;
        picked[m]++;
        uint32_t d = odd[gsl_rng_uniform_int(r, 4)];
        if (load[d]) {
            ops->done(priv, d, &unit_ok);
            load[d]--;
        }
    }
    for (uint32_t i = 0; i < 8; i++)
        CU_ASSERT(i % 2 ? picked[i] > 500 : picked[i] == 0);
    route_instance_free(ops, priv);
    gsl_rng_free(r);
}

static CU_TestInfo routing_tests[] = {
    {"smooth_wrr_gives_the_nginx_sequence", smooth_wrr_gives_the_nginx_sequence},
    {"peek_predicts_the_next_picks", peek_predicts_the_next_picks},
    {"peek_far_predicts_three_picks", peek_far_predicts_three_picks},
    {"lor_follows_its_definition_through_sends_out_of_turn",
     lor_follows_its_definition_through_sends_out_of_turn},
    {"power_of_d_picks_only_from_the_view", power_of_d_picks_only_from_the_view},
    {"wrr_weight_is_vcpus_times_speed", wrr_weight_is_vcpus_times_speed},
    {"power_of_two_never_picks_the_most_loaded_of_two",
     power_of_two_never_picks_the_most_loaded_of_two},
    {"power_of_two_avoids_the_most_loaded_of_many", power_of_two_avoids_the_most_loaded_of_many},
    {"power_of_d_ties_spread_uniformly", power_of_d_ties_spread_uniformly},
    {"power_of_d_at_least_n_is_least_loaded", power_of_d_at_least_n_is_least_loaded},
    {"power_of_d_draws_ahead_uniformly_and_picks_among_the_named",
     power_of_d_draws_ahead_uniformly_and_picks_among_the_named},
    {"least_connections_picks_the_least_loaded", least_connections_picks_the_least_loaded},
    {"least_connections_breaks_ties_at_random", least_connections_breaks_ties_at_random},
    {"jsq_picks_the_global_minimum", jsq_picks_the_global_minimum},
    {"bad_parameters_are_reported_with_place_and_expectation",
     bad_parameters_are_reported_with_place_and_expectation},
    {"good_texts_parse_with_defaults", good_texts_parse_with_defaults},
    {"random_routing_gives_ten_independent_mm1_queues",
     random_routing_gives_ten_independent_mm1_queues},
    {"power_of_two_sits_near_jsq_far_below_random", power_of_two_sits_near_jsq_far_below_random},
    {"weighted_random_without_errors_is_uniform", weighted_random_without_errors_is_uniform},
    {"weighted_random_picks_in_proportion_to_weights",
     weighted_random_picks_in_proportion_to_weights},
    {"anomaly_mitigation_cuts_a_failing_member_to_the_floor",
     anomaly_mitigation_cuts_a_failing_member_to_the_floor},
    {"anomaly_mitigation_never_cuts_more_than_half", anomaly_mitigation_never_cuts_more_than_half},
    {"anomaly_mitigation_restores_step_by_step", anomaly_mitigation_restores_step_by_step},
    {"flow_hash_keeps_a_key_on_its_target_and_spreads_keys",
     flow_hash_keeps_a_key_on_its_target_and_spreads_keys},
    {"consistent_hash_moves_few_keys_when_a_target_leaves",
     consistent_hash_moves_few_keys_when_a_target_leaves},
    {"consistent_hash_spreads_keys_evenly", consistent_hash_spreads_keys_evenly},
    {"least_response_time_prefers_the_faster_member",
     least_response_time_prefers_the_faster_member},
    {"least_response_time_peaks_jump_and_decay", least_response_time_peaks_jump_and_decay},
    {"least_response_time_choices_never_take_the_dearer_of_two",
     least_response_time_choices_never_take_the_dearer_of_two},
    {"least_response_time_heap_agrees_with_a_scan", least_response_time_heap_agrees_with_a_scan},
    {"least_response_time_sits_far_below_random_in_a_run",
     least_response_time_sits_far_below_random_in_a_run},
    {"new_algorithms_report_bad_parameters", new_algorithms_report_bad_parameters},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_routing_suites[] = {
    {"routing", NULL, NULL, NULL, NULL, routing_tests},
    CU_SUITE_INFO_NULL,
};
