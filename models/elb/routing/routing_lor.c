/*
 * least_outstanding_requests: the ALB's load-aware option (AWS.md §1).  Each LB node sends
 * to the target with the fewest requests it has in flight there (its own count; AWS does
 * not document whether nodes share counts).  Ties go to the target that has waited longest
 * at that count, which cycles through tied targets like round robin (AWS documents no
 * tie-break).
 *
 * Structure: targets sit in buckets by outstanding count (doubly linked lists), with the
 * lowest non-empty bucket tracked, so pick, sent and done are O(1) amortised.
 */
#include <stdlib.h>

#include "models/elb/routing.h"
#include "sim/xalloc.h"

#define NIL UINT32_MAX

/* A member's state, one record (a quarter of a cache line): with 10^5 members, what sent
 * and done touch of it is one line, not four. */
struct lor_node {
    uint32_t count;    /* requests outstanding from this node */
    uint32_t next;     /* bucket list links, NIL at the ends */
    uint32_t prev;
    uint32_t linked;   /* 1 when eligible (in a bucket) */
};

struct lor {
    uint32_t cap;      /* members node[] can hold */
    struct lor_node *node; /* [member] */
    uint32_t *head;    /* [count] first member of the bucket */
    uint32_t *tail;
    uint32_t nbuckets; /* buckets allocated */
    uint32_t min;      /* no eligible member has fewer outstanding */
};

static void grow_members(struct lor *l, uint32_t n)
{
    if (n <= l->cap)
        return;
    uint32_t cap = l->cap ? l->cap : 8;
    while (cap < n)
        cap *= 2;
    l->node = xrealloc(l->node, cap * sizeof *l->node);
    for (uint32_t i = l->cap; i < cap; i++)
        l->node[i] = (struct lor_node){0, NIL, NIL, 0};
    l->cap = cap;
}

static void grow_buckets(struct lor *l, uint32_t c)
{
    if (c < l->nbuckets)
        return;
    uint32_t n = l->nbuckets ? l->nbuckets : 16;
    while (n <= c)
        n *= 2;
    l->head = xrealloc(l->head, n * sizeof *l->head);
    l->tail = xrealloc(l->tail, n * sizeof *l->tail);
    for (uint32_t i = l->nbuckets; i < n; i++)
        l->head[i] = l->tail[i] = NIL;
    l->nbuckets = n;
}

static void unlink_m(struct lor *l, uint32_t m)
{
    uint32_t c = l->node[m].count;
    if (l->node[m].prev != NIL)
        l->node[l->node[m].prev].next = l->node[m].next;
    else
        l->head[c] = l->node[m].next;
    if (l->node[m].next != NIL)
        l->node[l->node[m].next].prev = l->node[m].prev;
    else
        l->tail[c] = l->node[m].prev;
}

static void append_m(struct lor *l, uint32_t m)
{
    uint32_t c = l->node[m].count;
    grow_buckets(l, c);
    l->node[m].next = NIL;
    l->node[m].prev = l->tail[c];
    if (l->tail[c] != NIL)
        l->node[l->tail[c]].next = m;
    else
        l->head[c] = m;
    l->tail[c] = m;
}

static void lor_rebuild(void *priv, const struct route_view *v)
{
    struct lor *l = priv;
    grow_members(l, v->nmembers);
    grow_buckets(l, 1);
    for (uint32_t i = 0; i < l->nbuckets; i++)
        l->head[i] = l->tail[i] = NIL;
    for (uint32_t i = 0; i < l->cap; i++)
        l->node[i].linked = 0;
    l->min = UINT32_MAX;
    for (uint32_t i = 0; i < v->n; i++) {
        uint32_t m = v->eligible[i];
        l->node[m].linked = 1;
        append_m(l, m);
        if (l->node[m].count < l->min)
            l->min = l->node[m].count;
    }
    if (l->min == UINT32_MAX)
        l->min = 0;
}

/* The lowest non-empty bucket from min up (nbuckets if none): min lags it only after a
 * rebuild or a done on an ineligible member, so the walk is amortised O(1). */
static uint32_t lowest(const struct lor *l)
{
    uint32_t c = l->min;
    while (c < l->nbuckets && l->head[c] == NIL)
        c++;
    return c;
}

static uint32_t lor_pick(void *priv, const struct route_view *v, const struct request *rq,
                         gsl_rng *rng)
{
    (void)v;
    (void)rq;
    (void)rng;
    struct lor *l = priv;
    l->min = lowest(l); /* v->n > 0: some bucket holds a member */
    return l->head[l->min];
}

static void lor_sent(void *priv, uint32_t m)
{
    struct lor *l = priv;
    if (l->node[m].linked)
        unlink_m(l, m);
    l->node[m].count++;
    if (l->node[m].linked)
        append_m(l, m);
}

static void lor_done(void *priv, uint32_t m, const struct route_outcome *o)
{
    (void)o;
    struct lor *l = priv;
    ELB_ASSERT(l->node[m].count > 0);
    if (l->node[m].linked)
        unlink_m(l, m);
    l->node[m].count--;
    if (l->node[m].linked) {
        append_m(l, m);
        if (l->node[m].count < l->min)
            l->min = l->node[m].count;
    }
}

static uint32_t lor_peek(const void *priv, const struct route_view *v, uint32_t k, uint32_t i)
{
    (void)v;
    const struct lor *l = priv;
    uint32_t c = lowest(l); /* where pick() will look, without moving min */
    if (c >= l->nbuckets || i > 0)
        return NIL;
    uint32_t m = l->head[c];
    for (uint32_t s = 0; s < k && m != NIL; s++)
        m = l->node[m].next;
    /* The record of the member named: the next peek walks from it (with 10^5 members
     * the walk's last step was a wait for memory on every request). */
    if (m != NIL)
        __builtin_prefetch(&l->node[m]);
    return m; /* k = 1 past the bucket's last: NIL (the pick after comes from another) */
}

/* What lor_done(m) touches: m's record (stage 1), then its bucket neighbours, which the
 * unlink writes (stage 2, from m's links as they are then: with 10^5 members they were two
 * cold records on every done, and they seldom change in the milliseconds before it). */
static bool lor_prefetch_done(const void *priv, uint32_t m, int stage)
{
    const struct lor *l = priv;
    if (m >= l->cap)
        return false;
    if (stage == 1) {
        __builtin_prefetch(&l->node[m], 1);
        return true;
    }
    uint32_t prev = l->node[m].prev, next = l->node[m].next;
    if (prev < l->cap)
        __builtin_prefetch(&l->node[prev], 1);
    if (next < l->cap)
        __builtin_prefetch(&l->node[next], 1);
    return false;
}

/* The view: every eligible member's outstanding count (bounded, trace.h). */
static void lor_trace(void *priv, const struct route_view *v, const struct request *rq,
                      uint32_t chosen, struct route_trace *out)
{
    (void)rq;
    const struct lor *l = priv;
    out->what = "outstanding";
    for (uint32_t i = 0; i < v->n; i++)
        route_trace_add(out, v->eligible[i], l->node[v->eligible[i]].count, chosen);
}

static void lor_fini(void *priv)
{
    struct lor *l = priv;
    free(l->node);
    free(l->head);
    free(l->tail);
}

const struct route_ops route_lor_ops = {
    .name = "least_outstanding_requests",
    .summary = "each LB node sends to the target with the fewest of its requests in flight",
    .aws = true,
    .modes = ROUTE_PER_REQUEST,
    .no_slow_start = true,
    .priv_size = sizeof(struct lor),
    .rebuild = lor_rebuild,
    .pick = lor_pick,
    .trace = lor_trace,
    .sent = lor_sent,
    .peek = lor_peek,
    .prefetch_done = lor_prefetch_done,
    .done = lor_done,
    .fini = lor_fini,
};
