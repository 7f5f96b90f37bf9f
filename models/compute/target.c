#include "models/compute/target.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/request.h"
#include "models/core/env.h"
#include "models/core/trace.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

static void target_accept(struct node *n, struct request *rq);

static const struct node_ops target_ops = {
    .kind = "target",
    .accept = target_accept,
    .done = NULL,
};

static void fcfs_done(struct sim *sim, void *ctx, uint64_t arg);

/* FCFS: the requests in service, [0, busy), and their completion events.  A one-server
 * target keeps them in its second line, a larger one the arrays' addresses there (with
 * 10^5 targets, no line more to fetch either way). */
static inline struct request **target_svc(struct target *t)
{
    return t->spec.servers > 1 ? t->svc_many : t->svc_one;
}

static inline sim_handle *target_svc_ev(struct target *t)
{
    return t->spec.servers > 1 ? t->svc_ev_many : t->svc_ev_one;
}

/* The request in service in slot i (< busy). */
static inline struct request *target_in_service(const struct target *t, int i)
{
    return t->spec.servers > 1 ? t->svc_many[i] : t->svc_one[i];
}

/* What fcfs_done(t, rq) touches, fetched about a hundred events before it runs (the queue's
 * far buckets call this as the event moves into the heap; sim/queue.h): stage 0 the
 * target's hot lines and the finished request, stage 1 the request waiting first, which it
 * starts, and what the response will touch on its way back, stage 2 what those records
 * point to (request_prefetch_response).  With 10^5 targets all of it is cold: it was last
 * touched a second of simulated time, 10^5 requests, earlier. */
static bool fcfs_done_prefetch(const void *ctx, uint64_t arg, int stage)
{
    const struct target *t = ctx;
    const struct request *rq = (const struct request *)(uintptr_t)arg;
    if (stage == 0) {
        target_prefetch(t);
        for (size_t off = 0; off < sizeof *rq; off += 64)
            __builtin_prefetch((const char *)rq + off, 1);
        return true;
    }
    if (stage == 2)
        return request_prefetch_response(rq, 2);
    if (t->qhead) {
        /* fcfs_start reads and writes its first 128 bytes (request.h): three lines for
         * one request in two (224 bytes apart in the pool, every other one starts
         * half-way through a line) */
        const char *q = (const char *)t->qhead;
        __builtin_prefetch(q, 1);
        __builtin_prefetch(q + 64, 1);
        __builtin_prefetch(q + 127, 1);
    }
    return request_prefetch_response(rq, 1);
}

/* Every field of a new target; svc and svc_ev: room for spec->servers requests and their
 * completion events when there are more than one (else NULL: target_svc). */
static void target_setup(struct target *t, struct env *env, uint32_t id, const char *name,
                         const struct target_spec *spec, double now, struct request **svc,
                         sim_handle *svc_ev)
{
    *t = (struct target){0};
    t->node.ops = &target_ops;
    t->node.name = name;
    t->node.env = env;
    t->id = id;
    t->spec = *spec;
    t->state = TARGET_IN_SERVICE;
    t->launched_s = now;
    t->stopped_s = (double)INFINITY;
    t->busy_since = now;
    t->ps_vtime_at = now;
    t->fault_id = -1;
    if (spec->servers > 1) {
        t->svc_many = svc;
        t->svc_ev_many = svc_ev;
    }
    sim_event_prefetcher(&env->sim, fcfs_done, fcfs_done_prefetch);
}

void target_init(struct target *t, struct env *env, uint32_t id, const char *name,
                 const struct target_spec *spec, double now)
{
    bool many = spec->servers > 1;
    target_setup(t, env, id, name, spec, now,
                 many ? xmalloc((size_t)spec->servers * sizeof *t->svc_many) : NULL,
                 many ? xmalloc((size_t)spec->servers * sizeof *t->svc_ev_many) : NULL);
    t->svc_owned = true;
}

double target_arrival_s(const struct request *rq)
{
    ELB_ASSERT(rq->target && rq->nhops > 0);
    const struct rq_hop *last = request_hop_c(rq, rq->nhops - 1);
    if (last->node == &rq->target->node)
        return last->time;
    ELB_ASSERT(rq->ext); /* an appliance pass (GWLB): the appliance is no hop */
    return rq->ext->pass_arrive_s;
}

void target_fini(struct target *t)
{
    free(t->ps);
    t->ps = NULL;
    if (t->spec.servers > 1) {
        if (t->svc_owned) {
            free(t->svc_many);
            free(t->svc_ev_many);
        }
        t->svc_many = NULL;
        t->svc_ev_many = NULL;
    }
}

/* ---- the decision trace (models/core/trace.h): traced requests only ---- */

static const char *const pass_name[] = {"", ";pass=forward", ";pass=return"};

/* The request reached the target: what it found there (queue before it, busy servers). */
static void trace_arrive(const struct target *t, const struct request *rq, double now,
                         const char *outcome)
{
    int q = t->spec.discipline == TARGET_FCFS ? t->qlen : t->ps_n;
    trace_row(t->node.env->trace, rq, now, "target", t->node.name, outcome, (double)q,
              "zone=%s;held=%lld;busy=%d;servers=%d;discipline=%s;speed=%g%s",
              trace_zone(t->node.env->trace, t->spec.zone), (long long)t->held, t->busy,
              t->spec.servers, t->spec.discipline == TARGET_FCFS ? "fcfs" : "ps",
              t->spec.speed, pass_name[rq->pass]);
}

/* Service ended: its time (and, for FCFS, the wait before it). */
static void trace_end(const struct target *t, const struct request *rq, double now)
{
    double arrived = target_arrival_s(rq);
    double start = t->spec.discipline == TARGET_FCFS ? rq->start_s : arrived;
    trace_row(t->node.env->trace, rq, now, "end", t->node.name, NULL, now - start,
              "wait=%.9g;demand=%.9g%s", start - arrived,
              rq->pass ? rq->ext->pass_demand_s : rq->demand_s, pass_name[rq->pass]);
}

/* Give the request back: the response walks back, or an appliance pass is over. */
static void answer(struct target *t, struct request *rq, int status)
{
    if (rq->pass) {
        struct node *owner = rq->ext->pass_owner;
        /* Record what this appliance processed, and tell the owner who it was: symmetry
         * is counted from the appliances that carried each direction (models/elb/lb.c). */
        if (status == RQ_OK)
            t->passes[rq->pass]++;
        rq->ext->pass_by = t;
        owner->ops->pass_done(owner, rq, status);
    } else {
        request_respond(rq, status);
    }
}

/* CPU seconds the request needs here: its demand, or the appliance pass's. */
static double demand_of(const struct request *rq)
{
    return rq->pass ? rq->ext->pass_demand_s : rq->demand_s;
}

/* Busy servers changed: add the area under the old level. */
static void busy_update(struct target *t, double now, int busy)
{
    t->busy_area += (double)t->busy * (now - t->busy_since);
    t->busy_since = now;
    t->busy = busy;
}

double target_busy_area(struct target *t, double now)
{
    busy_update(t, now, t->busy);
    return t->busy_area;
}

int target_queue_length(const struct target *t)
{
    return t->qlen; /* FCFS only: a processor-sharing target queues nothing, its qlen stays 0 */
}

double target_cost_usd(const struct target *t, double now)
{
    double end = t->stopped_s < now ? t->stopped_s : now;
    double run = end - t->launched_s;
    if (run <= 0)
        return 0;
    if (run < 60.0)
        run = 60.0; /* EC2 and Fargate bill per second with a 60 s minimum (AWS.md §8) */
    return t->spec.price_per_hour_usd * run / 3600.0;
}

/* ---- FCFS: servers fed from one queue ---- */

/* Service time multiplier of a slow fault for a request starting now. */
static double slow_factor(const struct target *t)
{
    return t->fault == TARGET_FAULT_SLOW ? t->fault_factor : 1.0;
}

/* rq takes server slot `slot` (busy already counts it). */
static void fcfs_start(struct target *t, struct request *rq, double now, int slot)
{
    struct env *env = t->node.env;
    rq->start_s = now;
    rq->svc_slot = (uint32_t)slot;
    target_svc(t)[slot] = rq;
    double service_s = demand_of(rq) * slow_factor(t) / t->spec.speed;
    target_svc_ev(t)[slot] = sim_event_schedule(&env->sim, now + service_s, fcfs_done, t,
                                                (uint64_t)(uintptr_t)rq);
    if (rq->traced)
        trace_row(env->trace, rq, now, "start", t->node.name, NULL, now - target_arrival_s(rq),
                  "service=%.9g;slow_factor=%g", service_s, slow_factor(t));
}

static void fcfs_done(struct sim *sim, void *ctx, uint64_t arg)
{
    struct target *t = ctx;
    struct request *rq = (struct request *)(uintptr_t)arg;
    double now = sim_now(sim);
    int slot = (int)rq->svc_slot;
    if (t->qhead) {
        /* The freed server takes the next request at once: busy count unchanged. */
        struct request *next = t->qhead;
        t->qhead = next->next;
        if (!t->qhead)
            t->qtail = NULL;
        t->qlen--;
        next->next = NULL;
        fcfs_start(t, next, now, slot);
    } else {
        /* Keep svc[0, busy) dense: the last in-service request moves into the hole. */
        struct request **svc = target_svc(t);
        sim_handle *svc_ev = target_svc_ev(t);
        struct request *last = svc[t->busy - 1];
        svc[slot] = last;
        svc_ev[slot] = svc_ev[t->busy - 1];
        last->svc_slot = (uint32_t)slot;
        busy_update(t, now, t->busy - 1);
    }
    t->held--;
    t->completed++;
    if (rq->traced)
        trace_end(t, rq, now);
    answer(t, rq, RQ_OK);
}

/* ---- PS: egalitarian processor sharing over `servers` servers ---- */

static double ps_rate(const struct target *t, int n)
{
    /* Service each job receives per second. */
    return n <= t->spec.servers ? t->spec.speed : t->spec.speed * t->spec.servers / n;
}

static void ps_advance(struct target *t, double now)
{
    if (t->ps_n > 0)
        t->ps_vtime += ps_rate(t, t->ps_n) * (now - t->ps_vtime_at);
    t->ps_vtime_at = now;
}

static void ps_swap(struct request **a, int i, int j)
{
    struct request *x = a[i];
    a[i] = a[j];
    a[j] = x;
}

static void ps_push(struct target *t, struct request *rq)
{
    if (t->ps_n == t->ps_cap) {
        t->ps_cap = t->ps_cap ? 2 * t->ps_cap : 16;
        t->ps = xrealloc(t->ps, (size_t)t->ps_cap * sizeof *t->ps);
    }
    int i = t->ps_n++;
    t->ps[i] = rq;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (t->ps[p]->ps_finish <= t->ps[i]->ps_finish)
            break;
        ps_swap(t->ps, i, p);
        i = p;
    }
}

static struct request *ps_pop(struct target *t)
{
    struct request *top = t->ps[0];
    t->ps[0] = t->ps[--t->ps_n];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->ps_n && t->ps[l]->ps_finish < t->ps[m]->ps_finish)
            m = l;
        if (r < t->ps_n && t->ps[r]->ps_finish < t->ps[m]->ps_finish)
            m = r;
        if (m == i)
            break;
        ps_swap(t->ps, i, m);
        i = m;
    }
    return top;
}

static void ps_done(struct sim *sim, void *ctx, uint64_t arg);

/* (Re)schedule the next PS completion after the job count changed. */
static void ps_schedule(struct target *t, double now)
{
    struct env *env = t->node.env;
    sim_event_cancel(&env->sim, t->ps_ev);
    t->ps_ev = 0;
    if (t->ps_n == 0)
        return;
    double left = t->ps[0]->ps_finish - t->ps_vtime;
    if (left < 0)
        left = 0;
    t->ps_ev = sim_event_schedule(&env->sim, now + left / ps_rate(t, t->ps_n), ps_done, t, 0);
}

static void ps_done(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct target *t = ctx;
    double now = sim_now(sim);
    t->ps_ev = 0;
    ps_advance(t, now);
    struct request *rq = ps_pop(t);
    busy_update(t, now, t->ps_n < t->spec.servers ? t->ps_n : t->spec.servers);
    ps_schedule(t, now);
    t->held--;
    t->completed++;
    if (rq->traced)
        trace_end(t, rq, now);
    answer(t, rq, RQ_OK);
}

/* ---- accepting ---- */

static void target_accept(struct node *n, struct request *rq)
{
    struct target *t = container_of(n, struct target, node);
    struct env *env = n->env;
    double now = sim_now(&env->sim);
    if ((t->state != TARGET_IN_SERVICE && t->state != TARGET_DRAINING) ||
        t->fault == TARGET_FAULT_CRASH) {
        /* The process is gone: the host refuses the connection (RST) at once. */
        if (t->fault == TARGET_FAULT_CRASH)
            t->dropped++;
        if (rq->traced)
            trace_arrive(t, rq, now, t->fault == TARGET_FAULT_CRASH ? "crashed" : "stopped");
        answer(t, rq, RQ_BAD_GATEWAY);
        return;
    }
    if (t->fault == TARGET_FAULT_HOST_DOWN) {
        /* Nothing answers the connection attempt; the load balancer decides what its
         * client sees and when (request.h RQ_UNREACHABLE). */
        t->dropped++;
        if (rq->traced)
            trace_arrive(t, rq, now, "host_down");
        answer(t, rq, RQ_UNREACHABLE);
        return;
    }
    if (t->fault == TARGET_FAULT_ERRORS && sim_rng_uniform(t->fault_rng) < t->fault_rate) {
        t->dropped++;
        if (rq->traced)
            trace_arrive(t, rq, now, "error_fault");
        answer(t, rq, RQ_TARGET_ERROR); /* fails fast: the "black hole" */
        return;
    }
    if (t->fault == TARGET_FAULT_HANG) {
        /* Accepted, never answered: it counts as held (LOR sees it outstanding). */
        rq->target = t;
        if (rq->pass)
            rq->ext->pass_arrive_s = now;
        if (rq->traced)
            trace_arrive(t, rq, now, "hang");
        t->accepted++;
        t->held++;
        rq->next = t->hung;
        t->hung = rq;
        return;
    }
    if (t->spec.queue_limit > 0 && t->held >= t->spec.queue_limit) {
        t->rejected++;
        if (rq->traced)
            trace_arrive(t, rq, now, "queue_full");
        answer(t, rq, RQ_UNAVAILABLE);
        return;
    }
    rq->target = t;
    if (rq->pass)
        rq->ext->pass_arrive_s = now; /* else the time of its hop, which the target is */
    if (rq->traced)
        trace_arrive(t, rq, now, "accepted");
    t->accepted++;
    t->held++;
    if (t->spec.discipline == TARGET_PS) {
        ps_advance(t, now);
        rq->ps_finish = t->ps_vtime + demand_of(rq) * slow_factor(t);
        ps_push(t, rq);
        busy_update(t, now, t->ps_n < t->spec.servers ? t->ps_n : t->spec.servers);
        ps_schedule(t, now);
        return;
    }
    if (t->busy < t->spec.servers) {
        busy_update(t, now, t->busy + 1);
        fcfs_start(t, rq, now, t->busy - 1);
    } else {
        rq->next = NULL;
        if (t->qtail)
            t->qtail->next = rq;
        else
            t->qhead = rq;
        t->qtail = rq;
        t->qlen++;
    }
}

/* ---- faults ---- */

/* Answer every request on the chain (linked by ->next) with `status`.  The chain is
 * detached from the target first: a retry may come straight back to it. */
static void drop_chain(struct target *t, struct request *chain, int status)
{
    while (chain) {
        struct request *next = chain->next;
        chain->next = NULL;
        t->held--;
        t->dropped++;
        answer(t, chain, status);
        chain = next;
    }
}

/* Every held request taken off the servers and queues, in a fixed order: in service by
 * slot, then the queue, then processor-sharing jobs in heap order; returned as a chain
 * (linked by ->next), the target idle. */
static struct request *take_all(struct target *t, double now)
{
    struct env *env = t->node.env;
    struct request *chain = NULL, **tail = &chain;
    for (int i = 0; i < t->busy && t->spec.discipline == TARGET_FCFS; i++) {
        struct request *rq = target_in_service(t, i);
        sim_event_cancel(&env->sim, target_svc_ev(t)[i]);
        *tail = rq;
        tail = &rq->next;
    }
    *tail = t->qhead;
    t->qhead = t->qtail = NULL;
    t->qlen = 0;
    while (*tail)
        tail = &(*tail)->next;
    if (t->spec.discipline == TARGET_PS) {
        ps_advance(t, now);
        for (int i = 0; i < t->ps_n; i++) {
            *tail = t->ps[i];
            tail = &t->ps[i]->next;
        }
        *tail = NULL;
        t->ps_n = 0;
        sim_event_cancel(&env->sim, t->ps_ev);
        t->ps_ev = 0;
    }
    busy_update(t, now, 0);
    return chain;
}

/* Crash: every held request is lost (502: its connection closed). */
static void crash_drop_all(struct target *t, double now)
{
    drop_chain(t, take_all(t, now), RQ_BAD_GATEWAY);
}

/* Host down: every held request is stranded with the hung ones; nobody answers it. */
static void strand_all(struct target *t, double now)
{
    struct request *chain = take_all(t, now);
    while (chain) {
        struct request *next = chain->next;
        chain->next = t->hung;
        t->hung = chain;
        chain = next;
    }
}

static void release_hung(struct target *t)
{
    struct request *chain = t->hung;
    t->hung = NULL;
    drop_chain(t, chain, RQ_BAD_GATEWAY);
}

void target_fault_start(struct target *t, int id, enum target_fault kind, double factor,
                        double rate, gsl_rng *rng)
{
    if (t->fault != TARGET_FAULT_NONE)
        target_fault_end(t, t->fault_id);
    t->fault = kind;
    t->fault_id = id;
    t->fault_factor = factor;
    t->fault_rate = rate;
    t->fault_rng = rng;
    if (kind == TARGET_FAULT_CRASH)
        crash_drop_all(t, sim_now(&t->node.env->sim));
    else if (kind == TARGET_FAULT_HOST_DOWN)
        strand_all(t, sim_now(&t->node.env->sim));
}

void target_fault_end(struct target *t, int id)
{
    if (t->fault == TARGET_FAULT_NONE || t->fault_id != id)
        return;
    t->fault = TARGET_FAULT_NONE;
    t->fault_id = -1;
    t->fault_rng = NULL;
    release_hung(t);
}

size_t target_held(const struct target *t, struct request **out, size_t cap)
{
    size_t n = 0;
    if (t->spec.discipline == TARGET_FCFS)
        for (int i = 0; i < t->busy; i++, n++)
            if (n < cap)
                out[n] = target_in_service(t, i);
    for (const struct request *q = t->qhead; q; q = q->next, n++)
        if (n < cap)
            out[n] = (struct request *)q;
    if (t->spec.discipline == TARGET_PS)
        for (int i = 0; i < t->ps_n; i++, n++)
            if (n < cap)
                out[n] = t->ps[i];
    for (const struct request *q = t->hung; q; q = q->next, n++)
        if (n < cap)
            out[n] = (struct request *)q;
    return n;
}

enum target_check target_check(const struct target *t)
{
    if (t->state != TARGET_IN_SERVICE || t->fault == TARGET_FAULT_HANG ||
        t->fault == TARGET_FAULT_HOST_DOWN)
        return TARGET_CHECK_SILENT;
    return t->fault == TARGET_FAULT_CRASH ? TARGET_CHECK_REFUSED : TARGET_CHECK_PASS;
}

/* One block of the list's targets: they never move and are freed with the list. */
struct target_block {
    struct target_block *next;
    size_t used, size;             /* bytes of data[] */
    _Alignas(max_align_t) unsigned char data[];
};

/* Blocks of 64 KiB, then, past TARGET_BLOCK_HUGE_AFTER targets (about 230 KiB of them), of
 * 2 MiB on huge pages where the system has them (sim/xalloc.h): a fleet of 10^5 targets is
 * 45 MB, 11,000 page faults on 4 KiB pages, which cost more than the rest of making them;
 * from 4,096 instead of 512, 10^4 targets took 0.4 us a target more. */
#define TARGET_BLOCK_BYTES ((size_t)64 * 1024)
#define TARGET_BLOCK_HUGE_AFTER 512

/* n bytes (a multiple of max_align_t's alignment) for a target, its in-service slots and
 * its name: one allocation per target would cost a malloc and a free each, and spread a
 * large fleet over the heap.  POOL_DEBUG builds allocate each alone (sim/pool.h), so
 * ASan and valgrind see every one. */
static void *target_space(struct target_list *l, size_t n)
{
#ifdef POOL_DEBUG
    struct target_block *b = xmalloc(sizeof *b + n);
    b->next = l->blocks;
    l->blocks = b;
    b->used = b->size = n;
    return b->data;
#else
    struct target_block *b = l->blocks;
    if (!b || b->size - b->used < n) {
        bool huge = l->n >= TARGET_BLOCK_HUGE_AFTER;
        size_t size = huge ? XALLOC_HUGE_BYTES - sizeof *b : TARGET_BLOCK_BYTES;
        size = n > size ? n : size;
        b = huge ? xmalloc_huge(sizeof *b + size) : xmalloc(sizeof *b + size);
        b->next = l->blocks;
        b->used = 0;
        b->size = size;
        l->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
#endif
}

#define TARGET_LINE 64 /* bytes: a cache line */
_Static_assert(offsetof(struct request, start_s) < 128 && offsetof(struct request, svc_slot) < 128,
               "what a waiting request's start touches lies in its first 128 bytes");
_Static_assert(offsetof(struct target, completed) + sizeof(uint64_t) <= 64,
               "what the per-interval scan reads lies in the target's first line");
_Static_assert(offsetof(struct target, spec.speed) + sizeof(double) <= TARGET_HOT_BYTES,
               "what a request touches lies within TARGET_HOT_BYTES");

static size_t align_up(size_t n)
{
    size_t a = _Alignof(max_align_t);
    return (n + a - 1) / a * a;
}

struct target *target_list_new(struct target_list *l, const char *name,
                               const struct target_spec *spec)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? 2 * l->cap : 16;
        l->t = xrealloc_huge(l->t, l->cap * sizeof *l->t, cap * sizeof *l->t);
        l->cap = cap;
    }
    /* The target on a cache line's start (struct target: its first two lines are what a
     * request touches), a one-server target's slots inside it, others' after it. */
    size_t tsz = align_up(sizeof(struct target));
    size_t servers = spec->servers > 1 ? (size_t)spec->servers : 0;
    size_t ssz = servers * sizeof(struct request *);
    size_t esz = servers * sizeof(sim_handle);
    size_t nlen = strlen(name) + 1;
    unsigned char *p = target_space(l, align_up(TARGET_LINE - 1 + tsz + ssz + esz + nlen));
    p += (TARGET_LINE - (uintptr_t)p % TARGET_LINE) % TARGET_LINE;
    struct target *t = (struct target *)(void *)p;
    char *copy = (char *)p + tsz + ssz + esz;
    memcpy(copy, name, nlen);
    target_setup(t, l->env, l->n, copy, spec, sim_now(&l->env->sim),
                 servers ? (struct request **)(void *)(p + tsz) : NULL,
                 servers ? (sim_handle *)(void *)(p + tsz + ssz) : NULL);
    l->t[l->n++] = t;
    return t;
}

void target_list_fini(struct target_list *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        target_fini(l->t[i]);
    while (l->blocks) {
        struct target_block *b = l->blocks;
        l->blocks = b->next;
        free(b);
    }
    free(l->t);
    free(l->zone_outages);
    *l = (struct target_list){0};
}

bool target_list_zone_is_out(const struct target_list *l, int z)
{
    return l->zone_outages && z >= 0 && z < l->nzones && l->zone_outages[z] > 0;
}

const char *target_list_zone_name(const struct target_list *l, int z)
{
    return l->zone_names && z >= 0 && z < l->nzones ? l->zone_names[z] : "?";
}
