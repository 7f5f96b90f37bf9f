/* Models: targets (FCFS, PS, queue limit), routing, zones, client timeouts and retries,
 * exercised through small scenarios run in process. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "models/core/request.h"
#include "models/elb/routing.h"
#include "models/scenario/scenario.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/traffic/workload.h"
#include "models/scenario/world.h"
#include "sim/rng.h"
#include "tests/unit.h"

/* A successful response, for done(). */
static const struct route_outcome unit_ok = {200, 0.001, 0.0};

/* What the request log saw. */
struct seen {
    int n;
    double latency[16];
    int status[16];
    bool abandoned[16];
    double sent[16];       /* this attempt's send time */
    double first_sent[16]; /* the first attempt's (request_first_sent_s) */
    int attempt[16];
};

static void record(void *ctx, const struct request *rq, double now)
{
    struct seen *s = ctx;
    if (s->n < 16) {
        s->latency[s->n] = now - rq->sent_s;
        s->status[s->n] = rq->status;
        s->abandoned[s->n] = rq->abandoned;
        s->sent[s->n] = rq->sent_s;
        s->first_sent[s->n] = request_first_sent_s(rq);
        s->attempt[s->n] = rq->attempt;
        s->n++;
    }
}

/* One target of `target` (a YAML flow mapping) behind an ALB without latency. */
static struct world *one_target(const char *arrivals, const char *target, const char *extra,
                                struct scenario **sc, struct seen *seen)
{
    char text[2048];
    snprintf(text, sizeof text,
             "duration: 100s\n"
             "workloads:\n"
             "  - { name: w, entry: lb, arrivals: '%s', demand: const(1s) %s }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], latency: none, listeners: [ { rules: [ { forward: tg } ] } ] }\n"
             "target_groups:\n"
             "  - { name: tg, targets: [ %s ] }\n",
             arrivals, extra, target);
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, sc), 0);
    struct world *w = world_new(*sc, 1);
    w->env.on_request = record;
    w->env.on_request_ctx = seen;
    world_start(w);
    sim_event_run_until(&w->env.sim, (*sc)->duration_s);
    return w;
}

/* one_target() with arrivals from a trace of `rows` ("time,demand\n..."); the trace file
 * is removed once the run is over. */
static struct world *one_target_on_trace(const char *rows, const char *target,
                                         const char *extra, struct scenario **sc,
                                         struct seen *seen)
{
    char path[] = "/tmp/elbsim-trace-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "time_s,demand_s\n%s", rows);
    fclose(f);
    char arrivals[128];
    snprintf(arrivals, sizeof arrivals, "trace(%s)", path);
    struct world *w = one_target(arrivals, target, extra, sc, seen);
    unlink(path);
    return w;
}

static void fcfs_serves_in_arrival_order(void)
{
    struct scenario *sc;
    struct seen s = {0};
    struct world *w =
        one_target_on_trace("0,1\n0,2\n0,3\n", "{ kind: ec2, vcpus: 1, count: 1 }", "", &sc, &s);
    CU_ASSERT_EQUAL_FATAL(s.n, 3);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[0], 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[1], 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[2], 6.0, 1e-12);
    /* Busy for 6 s of the 100 s run. */
    CU_ASSERT_DOUBLE_EQUAL(target_busy_area(w->targets.t[0], 100), 6.0, 1e-12);
    world_free(w);
    scenario_free(sc);
}

static void speed_divides_service_time(void)
{
    struct scenario *sc;
    struct seen s = {0};
    struct world *w = one_target_on_trace("0,1\n", "{ kind: ec2, vcpus: 1, speed: 0.5, count: 1 }",
                                          "", &sc, &s);
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[0], 2.0, 1e-12);
    world_free(w);
    scenario_free(sc);
}

static void processor_sharing_splits_the_cpu(void)
{
    /* Demands 1 and 2 at t = 0 on one server: both run at half speed until t = 2, when
     * the first is done; the second then has 1 s left alone: done at t = 3. */
    struct scenario *sc;
    struct seen s = {0};
    struct world *w = one_target_on_trace(
        "0,1\n0,2\n", "{ kind: ec2, vcpus: 1, count: 1, discipline: ps }", "", &sc, &s);
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[0], 2.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[1], 3.0, 1e-12);
    world_free(w);
    scenario_free(sc);
}

static void processor_sharing_uses_every_vcpu(void)
{
    /* Two jobs on two vCPUs do not slow each other down. */
    struct scenario *sc;
    struct seen s = {0};
    struct world *w = one_target_on_trace(
        "0,1\n0,2\n", "{ kind: ec2, vcpus: 2, count: 1, discipline: ps }", "", &sc, &s);
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[0], 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.latency[1], 2.0, 1e-12);
    world_free(w);
    scenario_free(sc);
}

static void queue_limit_turns_away_with_503(void)
{
    struct scenario *sc;
    struct seen s = {0};
    struct world *w = one_target_on_trace(
        "0,1\n0,1\n0,1\n", "{ kind: ec2, vcpus: 1, count: 1, queue_limit: 2 }", "", &sc, &s);
    CU_ASSERT_EQUAL_FATAL(s.n, 3);
    CU_ASSERT_EQUAL(s.status[0], RQ_UNAVAILABLE); /* answered at once */
    CU_ASSERT_DOUBLE_EQUAL(s.latency[0], 0.0, 1e-12);
    CU_ASSERT_EQUAL(s.status[1], RQ_OK);
    CU_ASSERT_EQUAL(s.status[2], RQ_OK);
    CU_ASSERT_EQUAL(w->targets.t[0]->rejected, 1);
    CU_ASSERT_EQUAL(w->workloads[0]->errors, 1);
    world_free(w);
    scenario_free(sc);
}

static void timeout_abandons_and_retries_with_the_same_demand(void)
{
    /* Demand 3 s, timeout 1 s, one retry: two attempts time out; the target still does
     * both (3 s each), and the client records one failed request. */
    struct scenario *sc;
    struct seen s = {0};
    struct world *w = one_target_on_trace("0,3\n", "{ kind: ec2, vcpus: 1, count: 1 }",
                                          ", timeout: 1s, retries: 1, backoff: 10ms", &sc, &s);
    struct workload *wl = w->workloads[0];
    CU_ASSERT_EQUAL(wl->requests, 1);
    CU_ASSERT_EQUAL(wl->attempts, 2);
    CU_ASSERT_EQUAL(wl->timeouts, 2);
    CU_ASSERT_EQUAL(wl->retries, 1);
    CU_ASSERT_EQUAL(wl->failed, 1);
    CU_ASSERT_EQUAL(wl->completed, 0);
    CU_ASSERT_EQUAL(w->targets.t[0]->completed, 2);
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT(s.abandoned[0] && s.abandoned[1]);
    /* The retry went out after the first timed out (1 s) and a backoff of at most 10 ms,
     * and still knows when the request was first sent (t = 0). */
    CU_ASSERT_EQUAL(s.attempt[0] + s.attempt[1], 1);
    int r = s.attempt[1] == 1;
    CU_ASSERT(s.sent[r] >= 1.0 && s.sent[r] <= 1.01);
    CU_ASSERT_DOUBLE_EQUAL(s.first_sent[r], 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.first_sent[1 - r], 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.sent[1 - r], 0.0, 1e-12);
    world_free(w);
    scenario_free(sc);
}

static void closed_loop_users_keep_one_request_each(void)
{
    /* 3 users, const 1 s demand, const 1 s think, 3 vCPUs: each user completes a request
     * every 2 s, so about 3 * 100 / 2 = 150 requests. */
    struct scenario *sc;
    const char *text =
        "duration: 100s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, users: 3, think: const(1s), demand: const(1s) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a], latency: none, listeners: [ { rules: [ { forward: tg } ] } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 3, count: 1 } ] }\n";
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 1);
    world_start(w);
    sim_event_run_until(&w->env.sim, sc->duration_s);
    /* First requests at t = 1 (one think), then every 2 s: completions at 2, 4, ..., 100. */
    CU_ASSERT_EQUAL(w->workloads[0]->completed, 150);
    world_free(w);
    scenario_free(sc);
}

/* AWS.md fact 7: two zones with 2 and 8 targets and cross-zone off: each LB node splits its
 * half among its local targets, 25 % for each of the 2 and 6.25 % for each of the 8. */
static void cross_zone_off_gives_the_aws_example_shares(void)
{
    struct scenario *sc;
    const char *text =
        "duration: 200s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=200/s)', demand: const(1ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a, b], latency: none, listeners: [ { rules: [ { forward: tg } ] } ] }\n"
        "target_groups:\n"
        "  - name: tg\n"
        "    cross_zone: false\n"
        "    targets:\n"
        "      - { kind: ec2, vcpus: 1, count: 2, zone: a }\n"
        "      - { kind: ec2, vcpus: 1, count: 8, zone: b }\n";
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 3);
    world_start(w);
    sim_event_run_until(&w->env.sim, sc->duration_s);
    uint64_t total = 0;
    for (uint32_t i = 0; i < w->targets.n; i++)
        total += w->targets.t[i]->accepted;
    CU_ASSERT_FATAL(total > 30000);
    /* A node's share is binomial(total, 1/2); a target gets its node's share / k exactly
     * up to round robin's ±1, so the tolerance is the node share's 99.9 % interval / k. */
    double z = gsl_cdf_ugaussian_Qinv(0.0005);
    double sd = sqrt(0.25 / (double)total);
    for (uint32_t i = 0; i < w->targets.n; i++) {
        struct target *t = w->targets.t[i];
        double share = (double)t->accepted / (double)total;
        double want = t->spec.zone == 0 ? 0.25 : 0.0625;
        double k = t->spec.zone == 0 ? 2 : 8;
        CU_ASSERT(fabs(share - want) <= z * sd / k + 1.0 / (double)total);
    }
    /* With cross-zone on, all ten get 10 %. */
    world_free(w);
    scenario_free(sc);
}

static void cross_zone_on_spreads_evenly(void)
{
    struct scenario *sc;
    const char *text =
        "duration: 100s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=200/s)', demand: const(1ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a, b], latency: none, listeners: [ { rules: [ { forward: tg } ] } ] }\n"
        "target_groups:\n"
        "  - name: tg\n"
        "    targets:\n"
        "      - { kind: ec2, vcpus: 1, count: 2, zone: a }\n"
        "      - { kind: ec2, vcpus: 1, count: 8, zone: b }\n";
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 3);
    world_start(w);
    sim_event_run_until(&w->env.sim, sc->duration_s);
    uint64_t total = 0;
    for (uint32_t i = 0; i < w->targets.n; i++)
        total += w->targets.t[i]->accepted;
    for (uint32_t i = 0; i < w->targets.n; i++) {
        /* Each node cycles over all ten: within 1 of node count / 10 each. */
        double share = (double)w->targets.t[i]->accepted / (double)total;
        CU_ASSERT(fabs(share - 0.1) <= 2.0 / (double)total);
    }
    world_free(w);
    scenario_free(sc);
}

/* Every LB node balances per target group, not per rule: two rules forwarding to one
 * group share the node's routing instance. */
static void rules_to_one_group_share_the_routing_state(void)
{
    struct scenario *sc;
    const char *text =
        "duration: 10s\n"
        "workloads:\n"
        "  - { name: w, entry: lb, arrivals: 'poisson(rate=10/s)', demand: const(1ms) }\n"
        "load_balancers:\n"
        "  - { name: lb, zones: [a, b], listeners: [ { rules: [ { path: /api/*, forward: tg },\n"
        "      { forward: [ { target_group: tg, weight: 1 }, { target_group: tg, weight: 2 } ] } ] } ] }\n"
        "target_groups:\n"
        "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, count: 2 } ] }\n";
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 1);
    CU_ASSERT_EQUAL(w->tgs[0]->nviews, 2); /* one per LB node (zone), not per rule */
    world_free(w);
    scenario_free(sc);
}

static void lor_picks_the_least_loaded_and_cycles_ties(void)
{
    const struct route_ops *ops = route_find("least_outstanding_requests");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
    void *priv = calloc(1, ops->priv_size);
    uint32_t elig[] = {0, 1, 2};
    struct route_view v = {elig, 3, 3, 0.0};
    ops->rebuild(priv, &v);
    /* Ties cycle: 0, 1, 2. */
    for (uint32_t want = 0; want < 3; want++) {
        uint32_t m = ops->pick(priv, &v, NULL, NULL);
        CU_ASSERT_EQUAL(m, want);
        ops->sent(priv, m);
    }
    /* All at 1; finish 1's request: 1 is now least loaded. */
    ops->done(priv, 1, &unit_ok);
    CU_ASSERT_EQUAL(ops->pick(priv, &v, NULL, NULL), 1);
    ops->sent(priv, 1);
    ops->sent(priv, 1); /* 1 at 2 */
    CU_ASSERT_EQUAL(ops->pick(priv, &v, NULL, NULL), 0);
    /* Member 0 leaves the eligible set: never picked, its done still counted. */
    uint32_t elig2[] = {1, 2};
    struct route_view v2 = {elig2, 2, 3, 0.0};
    ops->rebuild(priv, &v2);
    CU_ASSERT_EQUAL(ops->pick(priv, &v2, NULL, NULL), 2);
    ops->done(priv, 0, &unit_ok);
    CU_ASSERT_EQUAL(ops->pick(priv, &v2, NULL, NULL), 2);
    ops->fini(priv);
    free(priv);
}

static void round_robin_cycles_in_registration_order(void)
{
    const struct route_ops *ops = route_find("round_robin");
    void *priv = calloc(1, ops->priv_size);
    uint32_t elig[] = {0, 2, 3};
    struct route_view v = {elig, 3, 4, 0.0};
    ops->rebuild(priv, &v);
    uint32_t got[6];
    for (int i = 0; i < 6; i++)
        got[i] = ops->pick(priv, &v, NULL, NULL);
    uint32_t want[6] = {0, 2, 3, 0, 2, 3};
    CU_ASSERT_EQUAL(memcmp(got, want, sizeof got), 0);
    free(priv);
}

/* Payload sizes (issue 13): every request carries its request and response bytes, drawn
 * from the workload's size stream (a connection's own for its requests).  Setting sizes
 * must leave arrivals, demands and routing exactly as they were (common random numbers),
 * for lone requests and for connections alike. */
#define SZ_MAX 10000
struct sized {
    uint32_t n;
    uint64_t id[SZ_MAX];
    double sent[SZ_MAX], demand[SZ_MAX];
    uint64_t target[SZ_MAX];   /* hash of the target's name */
    uint32_t req[SZ_MAX], resp[SZ_MAX];
    uint64_t flow[SZ_MAX];     /* a connection's requests: its flow; lone ones: 0 */
};

static void record_sized(void *ctx, const struct request *rq, double now)
{
    (void)now;
    struct sized *z = ctx;
    if (z->n < SZ_MAX) {
        z->id[z->n] = rq->id;
        z->sent[z->n] = rq->sent_s;
        z->demand[z->n] = rq->demand_s;
        z->target[z->n] = rq->target ? sim_rng_hash(rq->target->node.name) : 0;
        z->req[z->n] = rq->request_bytes;
        z->resp[z->n] = rq->response_bytes;
        z->flow[z->n] = rq->client ? rq->flow_id : 0;
        z->n++;
    }
}

static void run_sized(double lone_rate, const char *sizes, struct sized *z)
{
    char text[2048];
    snprintf(text, sizeof text,
             "duration: 60s\n"
             "workloads:\n"
             "  - { name: lone, entry: lb, arrivals: 'poisson(rate=%g/s)', demand: 'exp(mean=20ms)' %s }\n"
             "  - { name: conn, entry: lb, arrivals: 'poisson(rate=8/s)', demand: 'exp(mean=20ms)',\n"
             "      connection: { requests: 5, think: 'exp(mean=100ms)' } %s }\n"
             "load_balancers:\n"
             "  - { name: lb, zones: [a], listeners: [ { forward: tg } ] }\n"
             "target_groups:\n"
             "  - { name: tg, algorithm: least_outstanding_requests,\n"
             "      targets: [ { kind: ec2, vcpus: 1, count: 3 } ] }\n",
             lone_rate, sizes, sizes);
    struct scenario *sc;
    CU_ASSERT_EQUAL_FATAL(scenario_load_string(text, "t.yaml", NULL, 0, &sc), 0);
    struct world *w = world_new(sc, 11);
    w->env.on_request = record_sized;
    w->env.on_request_ctx = z;
    world_start(w);
    sim_event_run_until(&w->env.sim, sc->duration_s);
    world_free(w);
    scenario_free(sc);
}

static void payload_sizes_come_from_their_own_stream(void)
{
    static struct sized plain, sized;
    memset(&plain, 0, sizeof plain);
    memset(&sized, 0, sizeof sized);
    run_sized(40, "", &plain);
    run_sized(40, ", request_size: 'exp(mean=2KB)', response_size: 'uniform(min=10KB, max=30KB)'",
              &sized);
    CU_ASSERT_FATAL(plain.n > 4000 && plain.n < SZ_MAX);
    CU_ASSERT_EQUAL_FATAL(plain.n, sized.n);
    uint32_t same = 0;
    double sum = 0, sumsq = 0;
    bool resp_in_range = true;
    for (uint32_t i = 0; i < plain.n; i++) {
        same += plain.id[i] == sized.id[i] && plain.sent[i] == sized.sent[i] &&
                plain.demand[i] == sized.demand[i] && plain.target[i] == sized.target[i];
        CU_ASSERT_EQUAL(plain.req[i], 1000);  /* the defaults: 1 KB and 4 KB */
        CU_ASSERT_EQUAL(plain.resp[i], 4000);
        sum += sized.req[i];
        sumsq += (double)sized.req[i] * sized.req[i];
        resp_in_range &= sized.resp[i] >= 10000 && sized.resp[i] <= 30000;
    }
    CU_ASSERT_EQUAL(same, plain.n);
    CU_ASSERT(resp_in_range);
    /* Mean request size within 4 standard errors of 2,000 bytes. */
    double n = plain.n, mean = sum / n, sd = sqrt(sumsq / n - mean * mean);
    CU_ASSERT(fabs(mean - 2000) < 4 * sd / sqrt(n));
    printf("\n    %u requests: same arrivals, demands and targets; request bytes mean %.0f (want 2000)",
           plain.n, mean);
}

/* A connection, from a run's records: when it sent its first request, and its requests'
 * sizes in the order it sent them. */
struct sized_conn {
    double first;
    uint32_t n, req[8], resp[8];
};

static int by_flow_then_sent(const void *a, const void *b)
{
    const double *x = a, *y = b; /* {flow, sent, req, resp} */
    return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1];
}

static uint32_t connections_of(const struct sized *z, struct sized_conn *out, uint32_t cap)
{
    static double rows[SZ_MAX][4];
    uint32_t n = 0, nc = 0;
    for (uint32_t i = 0; i < z->n; i++)
        if (z->flow[i]) {
            rows[n][0] = (double)z->flow[i];
            rows[n][1] = z->sent[i];
            rows[n][2] = z->req[i];
            rows[n][3] = z->resp[i];
            n++;
        }
    qsort(rows, n, sizeof rows[0], by_flow_then_sent);
    for (uint32_t i = 0; i < n; i++) {
        if (i == 0 || rows[i][0] != rows[i - 1][0]) {
            if (nc == cap)
                break;
            out[nc++] = (struct sized_conn){.first = rows[i][1]};
        }
        struct sized_conn *c = &out[nc - 1];
        if (c->n < 8) {
            c->req[c->n] = (uint32_t)rows[i][2];
            c->resp[c->n] = (uint32_t)rows[i][3];
            c->n++;
        }
    }
    return nc;
}

/* A connection's sizes come from its own stream: with more lone traffic beside it, its
 * requests wait longer and interleave with other connections' differently, yet the k-th
 * request of the connection that opened at the same moment carries the same sizes.  (From
 * the workload's shared stream they would follow the order requests were made in.) */
static void a_connections_sizes_do_not_depend_on_other_traffic(void)
{
    static struct sized quiet, busy;
    static struct sized_conn qc[1000], bc[1000];
    const char *sizes = ", request_size: 'exp(mean=2KB)', response_size: 'exp(mean=20KB)'";
    memset(&quiet, 0, sizeof quiet);
    memset(&busy, 0, sizeof busy);
    run_sized(40, sizes, &quiet);
    run_sized(90, sizes, &busy);
    uint32_t nq = connections_of(&quiet, qc, 1000), nb = connections_of(&busy, bc, 1000);
    CU_ASSERT_FATAL(nq > 300 && nb > 300);
    uint32_t matched = 0, compared = 0, same = 0;
    for (uint32_t i = 0; i < nq; i++)
        for (uint32_t j = 0; j < nb; j++)
            if (qc[i].first == bc[j].first) {
                matched++;
                for (uint32_t k = 0; k < qc[i].n && k < bc[j].n; k++) {
                    compared++;
                    same += qc[i].req[k] == bc[j].req[k] && qc[i].resp[k] == bc[j].resp[k];
                }
            }
    CU_ASSERT(matched > 0.95 * nq);
    CU_ASSERT(compared > 1000);
    CU_ASSERT_EQUAL(same, compared);
    printf("\n    %u connections matched, %u of %u requests with the same sizes", matched,
           same, compared);
}

static CU_TestInfo model_tests[] = {
    {"fcfs_serves_in_arrival_order", fcfs_serves_in_arrival_order},
    {"speed_divides_service_time", speed_divides_service_time},
    {"processor_sharing_splits_the_cpu", processor_sharing_splits_the_cpu},
    {"processor_sharing_uses_every_vcpu", processor_sharing_uses_every_vcpu},
    {"queue_limit_turns_away_with_503", queue_limit_turns_away_with_503},
    {"timeout_abandons_and_retries_with_the_same_demand",
     timeout_abandons_and_retries_with_the_same_demand},
    {"closed_loop_users_keep_one_request_each", closed_loop_users_keep_one_request_each},
    {"cross_zone_off_gives_the_aws_example_shares", cross_zone_off_gives_the_aws_example_shares},
    {"cross_zone_on_spreads_evenly", cross_zone_on_spreads_evenly},
    {"rules_to_one_group_share_the_routing_state", rules_to_one_group_share_the_routing_state},
    {"lor_picks_the_least_loaded_and_cycles_ties", lor_picks_the_least_loaded_and_cycles_ties},
    {"round_robin_cycles_in_registration_order", round_robin_cycles_in_registration_order},
    {"payload_sizes_come_from_their_own_stream", payload_sizes_come_from_their_own_stream},
    {"a_connections_sizes_do_not_depend_on_other_traffic",
     a_connections_sizes_do_not_depend_on_other_traffic},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_models_suites[] = {
    {"models", NULL, NULL, NULL, NULL, model_tests},
    CU_SUITE_INFO_NULL,
};
