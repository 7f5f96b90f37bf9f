/*
 * least_connections: each LB node sends to the target with the fewest requests it has in
 * flight there, and breaks ties uniformly at random with the group's stream (HAProxy
 * `leastconn`, nginx `least_conn` pick among ties by weight / round robin).
 *
 * For an L7 balancer, where every request is routed, "connections" are the node's
 * outstanding requests, so this counts exactly as least_outstanding_requests does.  The
 * difference is the tie-break: least_outstanding_requests gives a tie to the target that
 * has waited longest at that count (round-robin-like, deterministic), this one draws.  At
 * low load, when most targets sit at zero, that is the difference between an even cycle
 * and random spreading.  (For L4 flows it would count open flows; not modelled yet.)
 *
 * Structure: targets sit in per-count buckets held as arrays (swap-remove), with the
 * lowest non-empty bucket tracked, so pick, sent and done are O(1) amortised.
 */
#include <stdlib.h>
#include <string.h>

#include "models/elb/routing.h"
#include "sim/xalloc.h"

struct lc_bucket {
    uint32_t *m;        /* members at this count, in no particular order */
    uint32_t len, cap;
};

struct lc {
    uint32_t cap;          /* members the arrays can hold */
    uint32_t *count;       /* [member] requests outstanding from this node */
    uint32_t *pos;         /* [member] index in its bucket when linked */
    uint8_t *linked;       /* [member] 1 when eligible (in a bucket) */
    struct lc_bucket *b;   /* [count] */
    uint32_t nbuckets;
    uint32_t min;          /* no eligible member has fewer outstanding */
};

static void grow_members(struct lc *l, uint32_t n)
{
    if (n <= l->cap)
        return;
    l->count = xrealloc(l->count, n * sizeof *l->count);
    l->pos = xrealloc(l->pos, n * sizeof *l->pos);
    l->linked = xrealloc(l->linked, n * sizeof *l->linked);
    memset(l->count + l->cap, 0, (n - l->cap) * sizeof *l->count);
    memset(l->linked + l->cap, 0, n - l->cap);
    l->cap = n;
}

static void link_m(struct lc *l, uint32_t m)
{
    uint32_t c = l->count[m];
    if (c >= l->nbuckets) {
        uint32_t n = l->nbuckets ? l->nbuckets : 16;
        while (n <= c)
            n *= 2;
        l->b = xrealloc(l->b, n * sizeof *l->b);
        memset(l->b + l->nbuckets, 0, (n - l->nbuckets) * sizeof *l->b);
        l->nbuckets = n;
    }
    struct lc_bucket *b = &l->b[c];
    if (b->len == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 8;
        b->m = xrealloc(b->m, b->cap * sizeof *b->m);
    }
    l->pos[m] = b->len;
    b->m[b->len++] = m;
}

static void unlink_m(struct lc *l, uint32_t m)
{
    struct lc_bucket *b = &l->b[l->count[m]];
    uint32_t last = b->m[--b->len];
    b->m[l->pos[m]] = last;
    l->pos[last] = l->pos[m];
}

static void lc_rebuild(void *priv, const struct route_view *v)
{
    struct lc *l = priv;
    grow_members(l, v->nmembers);
    for (uint32_t i = 0; i < l->nbuckets; i++)
        l->b[i].len = 0;
    if (l->cap)
        memset(l->linked, 0, l->cap); /* NULL while the group has no member */
    l->min = UINT32_MAX;
    for (uint32_t i = 0; i < v->n; i++) {
        uint32_t m = v->eligible[i];
        l->linked[m] = 1;
        link_m(l, m);
        if (l->count[m] < l->min)
            l->min = l->count[m];
    }
    if (l->min == UINT32_MAX)
        l->min = 0;
}

static uint32_t lc_pick(void *priv, const struct route_view *v, const struct request *rq,
                        gsl_rng *rng)
{
    (void)v;
    (void)rq;
    struct lc *l = priv;
    while (l->b[l->min].len == 0)
        l->min++; /* only after a rebuild or done on an ineligible member; amortised O(1) */
    const struct lc_bucket *b = &l->b[l->min];
    return b->len == 1 ? b->m[0] : b->m[gsl_rng_uniform_int(rng, b->len)];
}

static void lc_sent(void *priv, uint32_t m)
{
    struct lc *l = priv;
    if (l->linked[m])
        unlink_m(l, m);
    l->count[m]++;
    if (l->linked[m])
        link_m(l, m);
}

static void lc_done(void *priv, uint32_t m, const struct route_outcome *o)
{
    (void)o;
    struct lc *l = priv;
    ELB_ASSERT(l->count[m] > 0);
    if (l->linked[m])
        unlink_m(l, m);
    l->count[m]--;
    if (l->linked[m]) {
        link_m(l, m);
        if (l->count[m] < l->min)
            l->min = l->count[m];
    }
}

static void lc_fini(void *priv)
{
    struct lc *l = priv;
    for (uint32_t i = 0; i < l->nbuckets; i++)
        free(l->b[i].m);
    free(l->b);
    free(l->count);
    free(l->pos);
    free(l->linked);
}

const struct route_ops route_lc_ops = {
    .name = "least_connections",
    .summary = "fewest of this node's requests in flight, ties broken at random "
               "(LOR breaks them in turn); O(1)",
    .aws = false,
    .modes = ROUTE_PER_REQUEST | ROUTE_PER_FLOW,
    .priv_size = sizeof(struct lc),
    .rebuild = lc_rebuild,
    .pick = lc_pick,
    .sent = lc_sent,
    .done = lc_done,
    .fini = lc_fini,
};
