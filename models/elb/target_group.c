#include "models/elb/target_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/request.h"
#include "models/compute/target.h"
#include "models/core/env.h"
#include "models/core/trace.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

static void tg_accept(struct node *n, struct request *rq);
static bool tg_done(struct node *n, struct request *rq);
static bool tg_prefetch_done(const struct node *n, const struct request *rq,
                             const struct rq_hop *h, int stage);

static const struct node_ops tg_ops = {
    .kind = "target_group",
    .accept = tg_accept,
    .done = tg_done,
    .prefetch_done = tg_prefetch_done,
};

void tg_init(struct target_group *g, struct env *env, uint32_t id, const char *name,
             const struct route_ops *algo, const char *algo_text, gsl_rng *rng)
{
    *g = (struct target_group){0};
    g->node.ops = &tg_ops;
    g->node.name = name;
    g->node.env = env;
    g->id = id;
    g->algo = algo;
    g->algo_text = algo_text;
    g->rng = rng;
}

void tg_fini(struct target_group *g)
{
    for (uint32_t i = 0; i < g->nviews; i++) {
        route_instance_free(g->algo, g->views[i].priv);
        free(g->views[i].eligible);
        free(g->views[i].slow);
    }
    flow_table_fini(&g->cookies);
    free(g->views);
    free(g->members);
    gsl_rng_free(g->rng);
    if (g->hc_rng)
        gsl_rng_free(g->hc_rng);
    for (int k = 0; k < 3; k++)
        sim_lane_fini(&g->hc_lanes[k]);
}

static bool usable(const struct tg_member *m, bool fail_open)
{
    if (!m->registered || m->draining)
        return false;
    if (m->t && m->t->state != TARGET_IN_SERVICE)
        return false;
    return m->health == TG_HEALTH_HEALTHY || fail_open;
}

bool tg_member_usable(const struct target_group *g, uint32_t m)
{
    return usable(&g->members[m], g->fail_open);
}

static bool is_eligible(const struct tg_member *m, const struct tg_view *v, bool fail_open)
{
    if (!usable(m, fail_open))
        return false;
    /* A chained load balancer has nodes in every zone. */
    if (v->cross_zone)
        return true;
    return m->t ? m->t->spec.zone == v->zone : m->zone < 0 || m->zone == v->zone;
}

static void view_rebuild(struct target_group *g, struct tg_view *v)
{
    if (v->cap < g->nmembers) {
        v->cap = g->nmembers;
        v->eligible = xrealloc(v->eligible, v->cap * sizeof *v->eligible);
        v->slow = xrealloc(v->slow, v->cap * sizeof *v->slow);
    }
    v->n = 0;
    v->nslow = 0;
    for (uint32_t i = 0; i < g->nmembers; i++)
        if (is_eligible(&g->members[i], v, g->fail_open)) {
            if (g->members[i].slow)
                v->slow[v->nslow++] = i;
            else
                v->eligible[v->n++] = i;
        }
    struct route_view rv = {v->eligible, v->n, g->nmembers, 0.0};
    if (g->algo->rebuild)
        g->algo->rebuild(v->priv, &rv);
}

void tg_views_rebuild(struct target_group *g)
{
    /* Fail-open (ALB, AWS.md fact 9): with no healthy registered member, use them all. */
    bool any = false;
    for (uint32_t i = 0; i < g->nmembers && !any; i++)
        any = g->members[i].registered && !g->members[i].draining &&
              g->members[i].health == TG_HEALTH_HEALTHY;
    if (g->nmembers > 0 && any == g->fail_open && !(g->no_fail_open && !any)) {
        g->fail_open = !any;
        struct env *env = g->node.env;
        if (env)
            sim_event_log_row(&env->events, sim_now(&env->sim), "health", g->node.name,
                              g->fail_open ? "fail-open: no healthy target, routing to all"
                                           : "fail-open ends: a target is healthy");
    }
    for (uint32_t i = 0; i < g->nviews; i++)
        view_rebuild(g, &g->views[i]);
}

/* ---- health checks ---- */

#define HC_FAIL_DUE ((uint64_t)1 << 32) /* arg bit: the failing result of a check is due */
enum { HC_LANE_INTERVAL = 1, HC_LANE_TIMEOUT, HC_LANE_REST }; /* check_lane: hc_lanes[k - 1] */

static const char *const health_names[] = {"healthy", "initial", "unhealthy"};

static void hc_event(struct sim *sim, void *ctx, uint64_t arg);

static void schedule_first_check(struct target_group *g, uint32_t i)
{
    struct env *env = g->node.env;
    double phase = sim_rng_uniform(g->hc_rng) * g->hc.interval_s;
    g->members[i].check_lane = 0;
    g->members[i].check_ev = sim_event_after(&env->sim, phase, hc_event, g, i);
}

static void slow_start_end(struct sim *sim, void *ctx, uint64_t arg)
{
    struct target_group *g = ctx;
    struct tg_member *m = &g->members[(uint32_t)arg];
    if (!m->slow || sim_now(sim) < m->slow_from_s + g->slow_start_s)
        return; /* left slow start already (turned unhealthy), or a later ramp is on */
    m->slow = false;
    sim_event_log_row(&g->node.env->events, sim_now(sim), "slow_start", m->node->name,
                      "slow start ends: full share");
    tg_views_rebuild(g);
}

/* A member turned healthy: it ramps up if another healthy member is not in slow start
 * (AWS: an empty group filled in one batch gets no slow start). */
static void slow_start_begin(struct target_group *g, struct tg_member *m)
{
    bool other = false;
    for (uint32_t i = 0; i < g->nmembers && !other; i++) {
        const struct tg_member *o = &g->members[i];
        other = o != m && usable(o, false) && !o->slow;
    }
    if (!other)
        return;
    struct env *env = g->node.env;
    m->slow = true;
    m->slow_from_s = sim_now(&env->sim);
    sim_event_after(&env->sim, g->slow_start_s, slow_start_end, g, (uint64_t)(m - g->members));
    sim_event_log_row(&env->events, m->slow_from_s, "slow_start", m->node->name,
                      "slow start begins");
}

static void hc_transition(struct target_group *g, struct tg_member *m, enum tg_health to,
                          int n, const char *what)
{
    struct env *env = g->node.env;
    char detail[128];
    snprintf(detail, sizeof detail, "%s -> %s after %d %s check%s", health_names[m->health],
             health_names[to], n, what, n == 1 ? "" : "s");
    sim_event_log_row(&env->events, sim_now(&env->sim), "health", m->node->name, detail);
    m->health = to;
    m->passes = m->fails = 0;
    m->slow = false;
    if (to == TG_HEALTH_HEALTHY && g->slow_start_s > 0)
        slow_start_begin(g, m);
    tg_views_rebuild(g);
}

static void hc_result(struct target_group *g, struct tg_member *m, bool pass)
{
    if (pass) {
        m->fails = 0;
        m->passes++;
        if ((m->health == TG_HEALTH_INITIAL) ||
            (m->health == TG_HEALTH_UNHEALTHY && m->passes >= g->hc.healthy))
            hc_transition(g, m, TG_HEALTH_HEALTHY, m->passes, "passed");
    } else {
        m->passes = 0;
        m->fails++;
        if (m->health != TG_HEALTH_UNHEALTHY && m->fails >= g->hc.unhealthy)
            hc_transition(g, m, TG_HEALTH_UNHEALTHY, m->fails, "failed");
    }
}

/* The member's next check event, `delay` from now, on lane k (of that delay). */
static void hc_after(struct sim *sim, struct target_group *g, struct tg_member *m, int k,
                     double delay, uint64_t arg)
{
    m->check_lane = k;
    m->check_ev = sim_lane_add(&g->hc_lanes[k - 1], sim->now + delay, arg);
}

/* A check starts (arg = member) or its failing result is due (arg | HC_FAIL_DUE).  A
 * check that is answered or refused decides at once, one nobody answers fails `timeout`
 * later; the next check is `interval` after this one started. */
static void hc_event(struct sim *sim, void *ctx, uint64_t arg)
{
    struct target_group *g = ctx;
    /* Fetch what the next checks of the interval lane (where every check waits in a steady
     * state) will touch: the member of the one after next, the target of the next (its
     * member was fetched by the check before).  With 10^5 members each check found both
     * cold: 300 ns a check, 10 ns a request.  Written here, not in a function of its own:
     * GCC finds a function of loads and prefetches pure and drops the call. */
    const struct sim_lane *ahead = &g->hc_lanes[HC_LANE_INTERVAL - 1];
    uint32_t next = (uint32_t)sim_lane_arg_ahead(ahead, 0);
    uint32_t after = (uint32_t)sim_lane_arg_ahead(ahead, 1);
    if (after < g->nmembers)
        __builtin_prefetch(&g->members[after], 1);
    if (next < g->nmembers && g->members[next].t) {
        __builtin_prefetch(g->members[next].t);
        __builtin_prefetch((const char *)g->members[next].t + 64);
    }
    struct tg_member *m = &g->members[(uint32_t)arg];
    m->check_ev = 0;
    m->check_lane = 0;
    if (!m->registered || (!m->t && !m->check))
        return;
    if (arg & HC_FAIL_DUE) {
        hc_result(g, m, false);
        hc_after(sim, g, m, HC_LANE_REST, g->hc.interval_s - g->hc.timeout_s, (uint32_t)arg);
        return;
    }
    enum target_check c = m->t ? target_check(m->t) : m->check(m->node);
    if (c == TARGET_CHECK_SILENT) {
        /* Nobody answers: the check fails when its timeout runs out. */
        hc_after(sim, g, m, HC_LANE_TIMEOUT, g->hc.timeout_s, arg | HC_FAIL_DUE);
        return;
    }
    /* An answer, or a refused connection (a crashed process), decides at once. */
    hc_result(g, m, c == TARGET_CHECK_PASS);
    hc_after(sim, g, m, HC_LANE_INTERVAL, g->hc.interval_s, arg);
}

void tg_health_init(struct target_group *g, const struct tg_health_check *hc, gsl_rng *rng)
{
    g->hc = *hc;
    g->hc_rng = rng;
}

void tg_health_start(struct target_group *g)
{
    g->started = true;
    if (!g->hc_rng)
        return;
    for (int k = 0; k < 3; k++)
        sim_lane_init(&g->hc_lanes[k], &g->node.env->sim, hc_event, g);
    for (uint32_t i = 0; i < g->nmembers; i++)
        if (g->members[i].t || g->members[i].check)
            schedule_first_check(g, i);
}

/* Room for more members: doubling, on huge pages once large (sim/xalloc.h). */
static void members_grow(struct target_group *g)
{
    uint32_t cap = g->cap ? 2 * g->cap : 8;
    g->members = xrealloc_huge(g->members, g->cap * sizeof *g->members, cap * sizeof *g->members);
    g->cap = cap;
}

void tg_target_register(struct target_group *g, struct target *t)
{
    if (g->nmembers == g->cap)
        members_grow(g);
    struct tg_member *m = &g->members[g->nmembers++];
    *m = (struct tg_member){.t = t, .node = &t->node, .tid = t->id, .registered = true,
                            .health = TG_HEALTH_HEALTHY};
    if (g->started && g->hc_rng) {
        m->health = TG_HEALTH_INITIAL;
        schedule_first_check(g, g->nmembers - 1);
    } else if (g->started && g->slow_start_s > 0) {
        slow_start_begin(g, m);
    }
    tg_views_rebuild(g);
}

void tg_proxy_register(struct target_group *g, struct node *n, int zone,
                       enum target_check (*check)(const struct node *n))
{
    if (g->nmembers == g->cap)
        members_grow(g);
    struct tg_member *m = &g->members[g->nmembers++];
    *m = (struct tg_member){.node = n, .registered = true, .health = TG_HEALTH_HEALTHY,
                            .zone = zone, .check = check};
    if (g->started && g->hc_rng) {
        m->health = TG_HEALTH_INITIAL;
        schedule_first_check(g, g->nmembers - 1);
    }
    tg_views_rebuild(g);
}

void tg_lb_register(struct target_group *g, struct node *lb)
{
    if (g->nmembers == g->cap)
        members_grow(g);
    g->members[g->nmembers++] = (struct tg_member){.node = lb, .registered = true,
                                                   .health = TG_HEALTH_HEALTHY, .zone = -1};
    tg_views_rebuild(g);
}

/* The deregistration delay ran out with requests of this (ALB) group still running on
 * t: the LB answers them 502 (AWS.md §1); the target, which does not know, finishes them. */
static void cut_running(struct target_group *g, struct target *t)
{
    size_t n = target_held(t, NULL, 0);
    struct request **held = xmalloc((n ? n : 1) * sizeof *held);
    target_held(t, held, n);
    for (size_t i = 0; i < n; i++) {
        struct request *rq = held[i];
        if (rq->cut_hop || rq->pass)
            continue;
        for (int h = 1; h < rq->nhops; h++)
            if (request_hop(rq, h)->node == &g->node) {
                request_cut(rq, (uint8_t)(h - 1), RQ_BAD_GATEWAY);
                break;
            }
    }
    free(held);
}

static void drain_end(struct sim *sim, void *ctx, uint64_t arg)
{
    struct target_group *g = ctx;
    struct tg_member *m = &g->members[(uint32_t)arg];
    m->drain_ev = 0;
    if (!m->draining)
        return;
    m->draining = false;
    m->registered = false;
    if (m->check_lane)
        sim_lane_cancel(&g->hc_lanes[m->check_lane - 1], m->check_ev);
    else
        sim_event_cancel(sim, m->check_ev);
    m->check_ev = 0;
    m->check_lane = 0;
    if (g->drain_early && m->t && m->in_flight > 0)
        cut_running(g, m->t);
    char detail[96];
    snprintf(detail, sizeof detail, "draining -> unused (deregistered from %s)", g->node.name);
    sim_event_log_row(&g->node.env->events, sim_now(sim), "health", m->node->name, detail);
    tg_views_rebuild(g);
    if (m->t)
        target_drained(m->t);
}

void tg_deregister(struct target_group *g, uint32_t mi)
{
    struct tg_member *m = &g->members[mi];
    if (!m->registered || m->draining)
        return;
    struct env *env = g->node.env;
    m->draining = true;
    m->slow = false;
    char detail[96];
    snprintf(detail, sizeof detail, "%s -> draining (deregistered from %s, delay %gs)",
             health_names[m->health], g->node.name, g->dereg_delay_s);
    sim_event_log_row(&env->events, sim_now(&env->sim), "health", m->node->name, detail);
    tg_views_rebuild(g);
    if (g->drain_early && m->in_flight == 0)
        drain_end(&env->sim, g, mi);
    else
        m->drain_ev = sim_event_after(&env->sim, g->dereg_delay_s, drain_end, g, mi);
}

/* Work on member m finished: an ALB ends a drain once nothing is in flight. */
static void member_release(struct target_group *g, uint32_t mi)
{
    struct tg_member *m = &g->members[mi];
    m->in_flight--;
    if (m->draining && g->drain_early && m->in_flight == 0) {
        struct env *env = g->node.env;
        sim_event_cancel(&env->sim, m->drain_ev);
        drain_end(&env->sim, g, mi);
    }
}

uint32_t tg_view_attach(struct target_group *g, int zone, bool cross_zone)
{
    g->views = xrealloc(g->views, (g->nviews + 1) * sizeof *g->views);
    struct tg_view *v = &g->views[g->nviews];
    *v = (struct tg_view){.zone = zone, .cross_zone = cross_zone};
    v->priv = route_instance_new(g->algo, g->algo_text,
                                 (const struct tg_member *const *)&g->members);
    view_rebuild(g, v);
    return g->nviews++;
}

uint32_t tg_count_in_zone(const struct target_group *g, int zone)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->nmembers; i++)
        if (g->members[i].registered && g->members[i].t && g->members[i].t->spec.zone == zone)
            n++;
    return n;
}

/* ---- the decision trace (models/core/trace.h): traced requests only ---- */

/* The routing row: the algorithm, the view it chose from and the member it chose. */
static void trace_route(const struct target_group *g, const struct tg_view *v,
                        const struct request *rq, double now, uint32_t m)
{
    struct route_trace rt = {0};
    struct route_view rv = {v->eligible, v->n, g->nmembers, now};
    if (g->algo->trace)
        g->algo->trace(v->priv, &rv, rq, m, &rt);
    char view[1600];
    size_t k = 0;
    view[0] = '\0';
    for (uint32_t i = 0; i < rt.n && k < sizeof view; i++) {
        int w = snprintf(view + k, sizeof view - k, "%s%s:%.6g", i ? " " : "",
                         g->members[rt.m[i]].node->name, rt.val[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
    char scalar[64] = "";
    if (rt.scalar_name)
        snprintf(scalar, sizeof scalar,
                 strcmp(rt.scalar_name, "hash") ? ";%s=%llu" : ";%s=%016llx", rt.scalar_name,
                 (unsigned long long)rt.scalar);
    trace_row(g->node.env->trace, rq, now, "route", g->node.name, g->members[m].node->name,
              (double)v->n,
              "algo=%s;zone=%s;cross_zone=%s;eligible=%u;slow_start=%u%s%s%s;listed=%u;"
              "candidates=%u",
              g->algo->name, trace_zone(g->node.env->trace, v->zone),
              v->cross_zone ? "on" : "off", v->n, v->nslow, scalar, rt.what ? ";what=" : "",
              rt.what ? rt.what : "", rt.n, rt.total);
    if (rt.n)
        trace_row(g->node.env->trace, rq, now, "view", g->node.name, g->members[m].node->name,
                  (double)rt.n, "%s", view);
}

/* A slow-start member took the request by its ramped share (u against the shares). */
static void trace_slow(const struct target_group *g, const struct tg_view *v,
                       const struct request *rq, double now, uint32_t m, double u)
{
    const struct tg_member *mm = &g->members[m];
    double f = (now - mm->slow_from_s) / g->slow_start_s;
    trace_row(g->node.env->trace, rq, now, "slow_start", g->node.name, mm->node->name,
              f < 0 ? 0 : f > 1 ? 1 : f, "u=%.6f;in_slow_start=%u;others=%u", u, v->nslow,
              v->n);
}

/* The member for a new request or flow on view v, or UINT32_MAX: slow-start members take
 * their ramped share, the algorithm the rest. */
static uint32_t choose(struct target_group *g, struct tg_view *v, const struct request *rq,
                       double now)
{
    if (v->nslow) {
        double u = sim_rng_uniform(g->rng);
        if (v->n == 0) {
            uint32_t m = v->slow[(uint32_t)(u * v->nslow)];
            if (rq->traced)
                trace_slow(g, v, rq, now, m, u);
            return m;
        }
        double all = (double)(v->n + v->nslow), acc = 0;
        for (uint32_t i = 0; i < v->nslow; i++) {
            const struct tg_member *m = &g->members[v->slow[i]];
            double f = (now - m->slow_from_s) / g->slow_start_s;
            acc += (f < 0 ? 0 : f > 1 ? 1 : f) / all;
            if (u < acc) {
                if (rq->traced)
                    trace_slow(g, v, rq, now, v->slow[i], u);
                return v->slow[i];
            }
        }
    }
    if (v->n == 0)
        return UINT32_MAX;
    struct route_view rv = {v->eligible, v->n, g->nmembers, now};
    uint32_t m = g->algo->pick(v->priv, &rv, rq, g->rng);
    ELB_ASSERT(m < g->nmembers);
    if (rq->traced)
        trace_route(g, v, rq, now, m);
    return m;
}

/* Below this many members the group's members and targets stay in the cache, and the
 * fetches below only cost (e2e_alb_lor_100, 100 targets: 3-6 % slower with them). */
#define TG_PREFETCH_MIN_MEMBERS 4096

/* Fetch what the view's next picks will touch, while other events run (with 10^5 members
 * the member and its target are cold when a request comes, and least outstanding
 * requests picks them in no memory order): the target of the member the next pick will
 * choose (the part a request touches, TARGET_HOT_BYTES), whose member line the previous
 * call fetched, and the members the one after may choose (one for round robin and least
 * outstanding requests, power of d's d candidates).
 * Only for algorithms that can tell (route_ops.peek); a wrong guess costs a wasted fetch. */
#define TG_PEEK_MAX 4 /* candidates fetched per pick */
static void prefetch_next(const struct target_group *g, const struct tg_view *v)
{
    if (!g->algo->peek || g->nmembers < TG_PREFETCH_MIN_MEMBERS)
        return;
    struct route_view rv = {v->eligible, v->n, g->nmembers, 0};
    if (g->algo->peek_far) {
        /* One pick further: the member of the pick after the next two, the target of the
         * one after next, and the request queued last at the next pick's target, which the
         * request sent there links itself behind (round robin keeps about four a target
         * queued at 10^5 targets and rho = 0.9: that request was sent a second ago). */
        uint32_t m2 = g->algo->peek(v->priv, &rv, 2, 0);
        uint32_t m1 = g->algo->peek(v->priv, &rv, 1, 0);
        uint32_t m0 = g->algo->peek(v->priv, &rv, 0, 0);
        if (m2 < g->nmembers)
            __builtin_prefetch(&g->members[m2]);
        if (m1 < g->nmembers && g->members[m1].t)
            target_prefetch(g->members[m1].t);
        if (m0 < g->nmembers && g->members[m0].t && g->members[m0].t->qtail)
            __builtin_prefetch(g->members[m0].t->qtail, 1);
        return;
    }
    for (uint32_t i = 0; i < TG_PEEK_MAX; i++) {
        uint32_t b = g->algo->peek(v->priv, &rv, 1, i);
        if (b >= g->nmembers)
            break;
        __builtin_prefetch(&g->members[b]);
    }
    for (uint32_t i = 0; i < TG_PEEK_MAX; i++) {
        uint32_t a = g->algo->peek(v->priv, &rv, 0, i);
        if (a >= g->nmembers)
            break;
        if (g->members[a].t)
            target_prefetch(g->members[a].t);
    }
}

uint32_t tg_flow_open(struct target_group *g, uint32_t view, const struct request *rq)
{
    ELB_ASSERT(view < g->nviews);
    struct tg_view *v = &g->views[view];
    uint32_t m = choose(g, v, rq, sim_now(&g->node.env->sim));
    if (m == UINT32_MAX)
        return m;
    if (g->algo->sent)
        g->algo->sent(v->priv, m);
    prefetch_next(g, v);
    g->members[m].in_flight++;
    return m;
}

void tg_flow_close(struct target_group *g, uint32_t view, uint32_t m, int status)
{
    if (g->algo->done) {
        double now = sim_now(&g->node.env->sim);
        struct route_outcome o = {status, 0.0, now};
        g->algo->done(g->views[view].priv, m, &o);
    }
    member_release(g, m);
}

static void tg_accept(struct node *n, struct request *rq)
{
    struct target_group *g = container_of(n, struct target_group, node);
    ELB_ASSERT(rq->route_view < g->nviews);
    struct tg_view *v = &g->views[rq->route_view];
    double now = sim_now(&n->env->sim);
    uint32_t m = UINT32_MAX;
    struct flow_entry *cookie = NULL;
    if (g->sticky_s > 0 && rq->client) {
        int created;
        cookie = flow_table_insert(&g->cookies, rq->flow_id, &created);
        if (!created && cookie->last_s >= now &&
            is_eligible(&g->members[cookie->member], v, g->fail_open)) {
            m = cookie->member;
            g->sticky_hits++;
            if (rq->traced)
                trace_row(n->env->trace, rq, now, "sticky", g->node.name,
                          g->members[m].node->name, cookie->last_s - now,
                          "cookie=hit;flow=%llu", (unsigned long long)rq->flow_id);
        }
    }
    if (m == UINT32_MAX)
        m = choose(g, v, rq, now);
    if (m == UINT32_MAX) {
        if (cookie)
            flow_table_remove(&g->cookies, rq->flow_id);
        g->no_target++;
        if (rq->traced)
            trace_row(n->env->trace, rq, now, "route", g->node.name, NULL, 0,
                      "algo=%s;no_target=1;eligible=0;slow_start=0", g->algo->name);
        request_respond(rq, RQ_UNAVAILABLE);
        return;
    }
    if (cookie) {
        cookie->member = m;
        cookie->last_s = now + g->sticky_s; /* expiry pushed forward on every request */
    }
    /* Remember (view, member) for done(); bit 63 marks "routed". */
    request_hop(rq, rq->nhops - 1)->arg = tg_hop_word(rq->route_view, m);
    if (g->algo->sent)
        g->algo->sent(v->priv, m);
    prefetch_next(g, v);
    g->members[m].in_flight++;
    g->requests++;
    node_send(g->members[m].node, rq);
}

/* What tg_done will touch: the member's entry (its in-flight count) and what the
 * algorithm's done() touches for it. */
static bool tg_prefetch_done(const struct node *n, const struct request *rq,
                             const struct rq_hop *h, int stage)
{
    (void)rq;
    const struct target_group *g = container_of(n, const struct target_group, node);
    uint32_t view, m;
    if (!tg_hop_taken(h->arg, &view, &m) || m >= g->nmembers)
        return false;
    if (stage == 1)
        __builtin_prefetch(&g->members[m], 1);
    if (g->algo->prefetch_done && view < g->nviews)
        return g->algo->prefetch_done(g->views[view].priv, m, stage);
    return false;
}

static bool tg_done(struct node *n, struct request *rq)
{
    struct target_group *g = container_of(n, struct target_group, node);
    uint32_t view, m;
    /* Requests answered by the group itself (503) never reached a member. */
    if (!tg_hop_taken(request_hop(rq, rq->cur_hop)->arg, &view, &m))
        return false;
    if (g->algo->done) {
        double now = sim_now(&n->env->sim);
        struct route_outcome o = {rq->status, now - request_hop(rq, rq->cur_hop)->time, now};
        g->algo->done(g->views[view].priv, m, &o);
    }
    if (g->sticky_s > 0 && rq->flow_end && rq->client)
        flow_table_remove(&g->cookies, rq->flow_id);
    if (rq->status >= 500)
        g->target_5xx++;
    if (g->on_response)
        g->on_response(g->on_response_ctx,
                       sim_now(&n->env->sim) - request_hop(rq, rq->cur_hop)->time);
    member_release(g, m);
    return false;
}
