#include "models/traffic/workload.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/core/node.h"
#include "models/core/request.h"
#include "models/core/env.h"
#include "models/core/trace.h"
#include "models/traffic/workload_cfg.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

/* A connection (open loop) or a user (closed loop): one cache line (the pool aligns it),
 * since a million open connections each wake up cold to send their next request
 * (e2e_nlb_flows).  The flow's hash is not kept: flow_hash() makes it again, cheaper than
 * a second line.  size_rng is there only when a payload size is random (wl->sizes_drawn);
 * with constant sizes (the default) the pool's objects end at rng. */
struct client {
    struct workload *wl;
    uint64_t flow_id;
    int64_t remaining;          /* requests still to send; -1 = forever (users) */
    struct sim_rng_small rng;   /* demands, paths and think times of this client */
    struct sim_rng_small size_rng[]; /* [1] if wl->sizes_drawn: payload sizes */
};
_Static_assert(sizeof(struct client) == 64, "a client is one cache line");

const char *const wl_fail_metric[WL_NFAIL] = {
    [WL_FAIL_TIMEOUT] = "timeouts",   [WL_FAIL_404] = "errors_404", [WL_FAIL_500] = "errors_500",
    [WL_FAIL_502] = "errors_502",     [WL_FAIL_503] = "errors_503", [WL_FAIL_504] = "errors_504",
    [WL_FAIL_RESET] = "errors_reset",
};

static gsl_rng *named(struct env *env, const char *wl, const char *what)
{
    char name[512];
    snprintf(name, sizeof name, "workload.%s.%s", wl, what);
    return sim_rng_new(env->seed, name);
}

static void on_timeout(struct sim *sim, void *ctx, uint64_t arg);

struct workload *workload_new(struct env *env, uint32_t id, const struct sc_workload *cfg,
                              struct node *entry)
{
    struct workload *wl = xcalloc(1, sizeof *wl);
    wl->id = id;
    wl->name = cfg->name;
    wl->cfg = cfg;
    wl->env = env;
    wl->entry = entry;
    wl->arrivals_rng = named(env, cfg->name, "arrivals");
    wl->demand_rng = named(env, cfg->name, "demand");
    wl->retry_rng = named(env, cfg->name, "retry");
    wl->size_rng = named(env, cfg->name, "sizes");
    wl->name_hash = sim_rng_hash(cfg->name);
    wl->sizes_drawn = cfg->request_size->kind != SIM_DIST_CONST ||
                      cfg->response_size->kind != SIM_DIST_CONST;
    sim_pool_init(&wl->clients, sizeof(struct client) +
                                    (wl->sizes_drawn ? sizeof(struct sim_rng_small) : 0));
    if (cfg->timeout_s > 0)
        sim_lane_init(&wl->timers, &env->sim, on_timeout, wl);
    return wl;
}

void workload_free(struct workload *wl)
{
    if (!wl)
        return;
    gsl_rng_free(wl->arrivals_rng);
    gsl_rng_free(wl->demand_rng);
    gsl_rng_free(wl->retry_rng);
    gsl_rng_free(wl->size_rng);
    sim_pool_fini(&wl->clients);
    sim_lane_fini(&wl->timers);
    free(wl);
}

static uint64_t flow_hash(const struct workload *wl, uint64_t flow_id)
{
    /* Stands for the hash of the flow's 5-tuple: well mixed, stable across runs. */
    uint64_t x = flow_id ^ wl->name_hash;
    return sim_rng_splitmix64(&x);
}

static uint64_t new_flow(struct workload *wl, uint64_t *hash)
{
    uint64_t id = env_flow_id(wl->env);
    *hash = flow_hash(wl, id);
    return id;
}

static const char *draw_path(const struct workload *wl, gsl_rng *r)
{
    const struct sc_workload *c = wl->cfg;
    if (c->npaths == 0)
        return NULL;
    if (c->npaths == 1)
        return c->paths[0].path;
    double u = sim_rng_uniform(r), acc = 0;
    for (int i = 0; i < c->npaths - 1; i++) {
        acc += c->paths[i].weight;
        if (u < acc)
            return c->paths[i].path;
    }
    return c->paths[c->npaths - 1].path;
}


static void send_attempt(struct workload *wl, struct request *rq)
{
    struct env *env = wl->env;
    rq->sent_s = sim_now(&env->sim);
    wl->attempts++;
    wl->in_flight++;
    if (rq->attempt > 0)
        wl->retries++;
    if (wl->cfg->timeout_s > 0)
        rq->timeout_ev = sim_lane_add(&wl->timers, sim_now(&env->sim) + wl->cfg->timeout_s,
                                      (uint64_t)(uintptr_t)rq);
    node_send(wl->entry, rq);
}

static void on_retry(struct sim *sim, void *ctx, uint64_t arg)
{
    struct workload *wl = ctx;
    struct request *rq = (struct request *)(uintptr_t)arg;
    if (rq->traced)
        trace_row(wl->env->trace, rq, sim_now(sim), "arrive", wl->cfg->name, "retry",
                  rq->demand_s, "flow=%llu;path=%s;host=%s;request_bytes=%u;response_bytes=%u",
                  (unsigned long long)rq->flow_id, rq->path ? rq->path : "/",
                  wl->cfg->host ? wl->cfg->host : "", rq->request_bytes, rq->response_bytes);
    send_attempt(wl, rq);
}

static bool measured(const struct workload *wl, const struct request *rq)
{
    return request_first_sent_s(rq) >= wl->measure_from_s;
}

/* The request failed for good (its last attempt is over). */
static void final_failure(struct workload *wl, const struct request *rq, enum wl_fail why)
{
    wl->failed++;
    if (!measured(wl, rq))
        return;
    wl->measured.fail[why]++;
    wl->measured.in_flight--;
}

static enum wl_fail fail_of_status(int status)
{
    switch (status) {
    case RQ_NOT_FOUND:
        return WL_FAIL_404;
    case RQ_TARGET_ERROR:
        return WL_FAIL_500;
    case RQ_BAD_GATEWAY:
        return WL_FAIL_502;
    case RQ_UNAVAILABLE:
        return WL_FAIL_503;
    case RQ_GATEWAY_TIMEOUT:
        return WL_FAIL_504;
    case RQ_RESET:
        return WL_FAIL_RESET;
    }
    ELB_ASSERT(!"an error status the workload does not know");
    return WL_FAIL_RESET;
}

/* A payload size in whole bytes, at most 4 GB (what request.h stores). */
static uint32_t draw_bytes(const struct sim_dist *d, gsl_rng *r)
{
    double x = floor(sim_dist_sample(d, r) + 0.5);
    return x >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

/* A fresh request from client c (NULL: a lone request of an open-loop arrival). */
static struct request *make_request(struct workload *wl, struct client *c, double demand,
                                    const char *path)
{
    struct env *env = wl->env;
    struct request *rq = env_request_new(env);
    rq->wl = wl;
    rq->client = c;
    gsl_rng *r = c ? &c->rng.r : wl->demand_rng;
    rq->demand_s = isnan(demand) ? sim_dist_sample(wl->cfg->demand, r) : demand;
    rq->path = path ? path : draw_path(wl, r);
    /* Drawn here, in creation order, so the LB's latency and weighted choices for this
     * request do not depend on how earlier requests were routed or served. */
    rq->u_route = sim_rng_uniform(r);
    rq->u_lb = sim_rng_uniform(r);
    /* Sizes from their own stream: setting them leaves every draw above unchanged. */
    gsl_rng *sr = c && wl->sizes_drawn ? &c->size_rng[0].r : wl->size_rng; /* const: unused */
    rq->request_bytes = draw_bytes(wl->cfg->request_size, sr);
    rq->response_bytes = draw_bytes(wl->cfg->response_size, sr);
    if (c) {
        rq->flow_id = c->flow_id;
        rq->flow_hash = flow_hash(wl, c->flow_id);
        rq->flow_end = c->remaining == 0; /* the connection's last request; users: never */
    } else {
        rq->flow_id = new_flow(wl, &rq->flow_hash);
        rq->flow_end = true;
    }
    rq->sent_s = sim_now(&env->sim); /* sent at once: the first attempt's (send_attempt) */
    if (env->trace && trace_select(env->trace, wl->cfg->name, rq->sent_s)) {
        rq->traced = true;
        trace_row(env->trace, rq, rq->sent_s, "arrive", wl->cfg->name,
                  c ? "connection" : "request", rq->demand_s,
                  "flow=%llu;path=%s;host=%s;request_bytes=%u;response_bytes=%u",
                  (unsigned long long)rq->flow_id, rq->path ? rq->path : "/",
                  wl->cfg->host ? wl->cfg->host : "", rq->request_bytes, rq->response_bytes);
    }
    wl->requests++;
    if (measured(wl, rq)) {
        wl->measured.requests++;
        wl->measured.in_flight++;
    }
    return rq;
}

/* Retry a failed attempt after backoff: a new attempt with the same demand and path. */
static bool maybe_retry(struct workload *wl, const struct request *old)
{
    if ((int)old->attempt >= wl->cfg->retries)
        return false;
    struct env *env = wl->env;
    struct request *rq = env_request_new(env);
    rq->wl = wl;
    rq->client = old->client;
    rq->demand_s = old->demand_s;
    rq->u_route = old->u_route;
    rq->u_lb = old->u_lb;
    rq->request_bytes = old->request_bytes;
    rq->response_bytes = old->response_bytes;
    rq->path = old->path;
    rq->flow_id = old->flow_id;
    rq->flow_hash = old->flow_hash;
    rq->flow_end = old->flow_end;
    rq->attempt = old->attempt + 1;
    env_request_ext(env, rq)->first_sent_s = request_first_sent_s(old);
    if (measured(wl, rq))
        wl->measured.retries++;
    /* Full jitter: uniform(0, base · 2^attempt). */
    double cap = wl->cfg->backoff_s * ldexp(1.0, (int)old->attempt);
    double delay = cap * sim_rng_uniform(wl->retry_rng);
    sim_event_after(&env->sim, delay, on_retry, wl, (uint64_t)(uintptr_t)rq);
    if (old->traced) {
        char next[32];
        snprintf(next, sizeof next, "%llu", (unsigned long long)rq->id);
        rq->traced = true;
        trace_row(env->trace, old, sim_now(&env->sim), "retry", wl->cfg->name, next, delay,
                  "attempt=%u;retries=%d;backoff=%.9g", rq->attempt, wl->cfg->retries,
                  wl->cfg->backoff_s);
    }
    return true;
}

static void client_send(struct sim *sim, void *ctx, uint64_t arg);

/* The client's current request is over (success or final failure): go on or close. */
static void client_next(struct workload *wl, struct client *c)
{
    if (!c)
        return;
    if (c->remaining == 0) {
        sim_pool_put(&wl->clients, c);
        return;
    }
    const struct sc_workload *cfg = wl->cfg;
    const struct sim_dist *think = cfg->users ? cfg->think : cfg->conn_think;
    double d = think ? sim_dist_sample(think, &c->rng.r) : 0.0;
    sim_event_after(&wl->env->sim, d, client_send, c, 0);
}

static void client_send(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    struct client *c = ctx;
    if (c->remaining > 0)
        c->remaining--;
    send_attempt(c->wl, make_request(c->wl, c, (double)NAN, NULL));
}

static struct client *client_new(struct workload *wl, uint64_t seed, int64_t requests)
{
    struct client *c = sim_pool_get(&wl->clients);
    c->wl = wl;
    c->flow_id = env_flow_id(wl->env);
    c->remaining = requests;
    sim_rng_small_init(&c->rng, seed);
    if (wl->sizes_drawn) {
        uint64_t s2 = seed ^ 0x73697a6573ULL; /* "sizes": a stream of its own */
        sim_rng_small_init(&c->size_rng[0], sim_rng_splitmix64(&s2));
    }
    return c;
}

static void finish(struct workload *wl, struct request *rq)
{
    struct env *env = wl->env;
    if (env->on_request)
        env->on_request(env->on_request_ctx, rq, sim_now(&env->sim));
    if (rq->cut_hop)
        rq->client_done = true; /* a target still holds it: freed when it answers */
    else
        env_request_free(env, rq);
}

static void on_timeout(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct workload *wl = ctx;
    struct request *rq = (struct request *)(uintptr_t)arg;
    rq->timeout_ev = 0;
    rq->abandoned = true;
    wl->timeouts++;
    if (rq->traced)
        trace_row(wl->env->trace, rq, sim_now(sim), "timeout", wl->cfg->name, NULL,
                  wl->cfg->timeout_s, "sent=%.6f", rq->sent_s);
    wl->in_flight--;
    if (measured(wl, rq))
        wl->measured.attempt_timeouts++;
    if (!maybe_retry(wl, rq)) {
        final_failure(wl, rq, WL_FAIL_TIMEOUT);
        client_next(wl, rq->client);
    }
    /* The request object lives on until the target answers; finish() frees it then,
     * unless it was lost on the way: nothing will answer. */
    if (rq->lost)
        finish(wl, rq);
}

void workload_lost(struct workload *wl, struct request *rq)
{
    if (rq->traced)
        trace_row(wl->env->trace, rq, sim_now(&wl->env->sim), "lost", wl->cfg->name, NULL,
                  (double)NAN, "abandoned=%d", rq->abandoned);
    if (rq->abandoned || wl->cfg->timeout_s <= 0)
        finish(wl, rq);
    /* else on_timeout finishes it */
}

void workload_prefetch_response(const struct workload *wl, const struct request *rq)
{
    if (rq->timeout_ev)
        sim_lane_prefetch(&wl->timers, rq->timeout_ev);
}

void workload_response(struct workload *wl, struct request *rq)
{
    struct env *env = wl->env;
    if (rq->traced) {
        char st[16];
        snprintf(st, sizeof st, "%d", rq->status);
        double now = sim_now(&env->sim);
        trace_row(env->trace, rq, now, "response", wl->cfg->name, st, now - rq->sent_s,
                  "abandoned=%d;first_sent=%.6f;since_first=%.9g", rq->abandoned,
                  request_first_sent_s(rq), now - request_first_sent_s(rq));
    }
    if (rq->abandoned) {
        finish(wl, rq);
        return;
    }
    sim_lane_cancel(&wl->timers, rq->timeout_ev);
    rq->timeout_ev = 0;
    wl->in_flight--;
    struct client *c = rq->client;
    if (rq->status >= 200 && rq->status < 300) {
        wl->completed++;
        double latency_s = sim_now(&env->sim) - request_first_sent_s(rq);
        sim_sink_record(&wl->latency, latency_s);
        if (measured(wl, rq)) {
            wl->measured.completed++;
            wl->measured.in_flight--;
            sim_sink_record(&wl->measured_latency, latency_s);
        }
        client_next(wl, c);
    } else if (rq->status >= 500 && maybe_retry(wl, rq)) {
        /* retried */
    } else {
        wl->errors++;
        final_failure(wl, rq, fail_of_status(rq->status));
        client_next(wl, c);
    }
    finish(wl, rq);
}

static void on_arrival(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct workload *wl = ctx;
    const struct sc_workload *cfg = wl->cfg;
    double demand = (double)NAN;
    const char *path = NULL;
    double now = sim_now(sim);
    /* Draw the next arrival first: the arrival stream's order never depends on service. */
    double next = arrivals_next(cfg->arrivals, &wl->ast, wl->arrivals_rng, now, &demand, &path);
    double this_demand = wl->ast_demand;
    const char *this_path = wl->ast_path;
    wl->ast_demand = demand;
    wl->ast_path = path;
    if (cfg->conn_requests > 1 || cfg->conn_think) {
        /* Two statements: the order of two calls in one expression is unspecified. */
        uint64_t hi = gsl_rng_get(wl->arrivals_rng);
        uint64_t seed = hi << 32 ^ gsl_rng_get(wl->arrivals_rng);
        struct client *c = client_new(wl, seed, cfg->conn_requests - 1);
        send_attempt(wl, make_request(wl, c, this_demand, this_path));
    } else {
        send_attempt(wl, make_request(wl, NULL, this_demand, this_path));
    }
    if (isfinite(next))
        sim_event_schedule_next(sim, next, on_arrival, wl, 0);
}

void workload_start(struct workload *wl)
{
    const struct sc_workload *cfg = wl->cfg;
    struct env *env = wl->env;
    if (cfg->users > 0) {
        for (int u = 0; u < cfg->users; u++) {
            char name[512];
            snprintf(name, sizeof name, "workload.%s.user.%d", wl->name, u);
            struct client *c = client_new(wl, sim_rng_mix(env->seed, name), -1);
            /* Users start spread over one think time, not all at t = 0. */
            double d = sim_dist_sample(cfg->think, &c->rng.r);
            sim_event_schedule(&env->sim, d, client_send, c, 0);
        }
        return;
    }
    arrivals_start(cfg->arrivals, &wl->ast);
    double demand = (double)NAN;
    const char *path = NULL;
    double first = arrivals_next(cfg->arrivals, &wl->ast, wl->arrivals_rng, 0.0, &demand, &path);
    wl->ast_demand = demand;
    wl->ast_path = path;
    if (isfinite(first))
        sim_event_schedule_next(&env->sim, first, on_arrival, wl, 0);
}
