/*
 * Tests for sim/queue.h (the pending-event set) and sim/event.h (the engine on top).
 *
 * The long tests drive the queue and the engine with random operations and compare every
 * pop against a reference model that is simple enough to be obviously right: an unsorted
 * array of (time, seq, id) whose minimum is found by a linear scan, seq counting pushes and
 * retimes exactly as the documented semantics say.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/event.h"
#include "sim/queue.h"
#include "sim/rng.h"
#include "tests/unit.h"

/* ---- reference model -------------------------------------------------------------- */

struct ref_ev {
    double time;
    uint64_t seq;
    uint32_t id;
};

struct ref {
    struct ref_ev *ev; /* pending, unsorted */
    size_t n, cap;
    long *pos;        /* by id: index in ev, or -1 */
    size_t ids;       /* capacity of pos */
    uint64_t next_seq;
};

static void ref_init(struct ref *r, size_t max_ids)
{
    memset(r, 0, sizeof *r);
    r->cap = 64;
    r->ev = malloc(r->cap * sizeof *r->ev);
    r->ids = max_ids;
    r->pos = malloc(max_ids * sizeof *r->pos);
    for (size_t i = 0; i < max_ids; i++)
        r->pos[i] = -1;
}

static void ref_fini(struct ref *r)
{
    free(r->ev);
    free(r->pos);
}

static void ref_push(struct ref *r, double time, uint32_t id)
{
    if (r->n == r->cap) {
        r->cap *= 2;
        r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
    }
    r->ev[r->n] = (struct ref_ev){time, r->next_seq++, id};
    r->pos[id] = (long)r->n++;
}

static void ref_remove(struct ref *r, uint32_t id)
{
    size_t i = (size_t)r->pos[id];
    r->ev[i] = r->ev[--r->n];
    r->pos[r->ev[i].id] = (long)i;
    r->pos[id] = -1;
}

static void ref_retime(struct ref *r, uint32_t id, double time)
{
    struct ref_ev *e = &r->ev[r->pos[id]];
    e->time = time;
    e->seq = r->next_seq++;
}

static bool ref_before(const struct ref_ev *a, const struct ref_ev *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Index of the earliest pending event; the model must not be empty. */
static size_t ref_min(const struct ref *r)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (ref_before(&r->ev[i], &r->ev[best]))
            best = i;
    return best;
}

static int ref_cmp(const void *a, const void *b)
{
    const struct ref_ev *x = a, *y = b;
    return ref_before(x, y) ? -1 : ref_before(y, x) ? 1 : 0;
}

/* Sorts the pending events into the order they must come out in. */
static void ref_sort(struct ref *r)
{
    qsort(r->ev, r->n, sizeof *r->ev, ref_cmp);
    for (size_t i = 0; i < r->n; i++)
        r->pos[r->ev[i].id] = (long)i;
}

/* A failure inside a loop of a million operations is counted, and the first one is
 * described, instead of flooding CUnit with the same failure. */
static unsigned long bad;
static char first_bad[256];

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond) && bad++ == 0)                                                        \
            snprintf(first_bad, sizeof first_bad, "line %d: %s", __LINE__, #cond);        \
    } while (0)

static void check_reset(void)
{
    bad = 0;
    first_bad[0] = '\0';
}

static void check_report(void)
{
    if (bad)
        printf("\n    %lu mismatches; first at %s\n", bad, first_bad);
    CU_ASSERT_EQUAL(bad, 0);
}

static void nop_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)ctx;
    (void)arg;
}

/* A time on a coarse grid after base (many exact ties), or now and then anywhere. */
static double random_time(gsl_rng *r, double base)
{
    if (gsl_rng_uniform(r) < 0.2)
        return base + 8.0 * gsl_rng_uniform(r);
    return base + 0.5 * (double)gsl_rng_uniform_int(r, 16);
}

/* ---- queue: random operations against the reference ------------------------------ */

#define DEAD_RING 1024

/* far_min: pending count above which the queue buckets far events (the default, or a small
 * one so that the buckets are in use almost all the time). */
static void random_operations(size_t far_min)
{
    enum { OPS = 1000000 };
    gsl_rng *r = sim_rng_new(1, "test/queue/random");
    struct sim_queue q;
    sim_queue_init(&q);
    q.far_min = q.far_hi = far_min;
    struct ref ref;
    ref_init(&ref, OPS);
    sim_handle *h = malloc(OPS * sizeof *h);
    sim_handle dead[DEAD_RING] = {0};
    size_t ndead = 0;
    uint32_t nid = 0;
    double base = 0.0;
    unsigned long pops = 0, removes = 0, retimes = 0, stales = 0, empty_pops = 0, sides = 0;
    check_reset();

    for (long op = 0; op < OPS; op++) {
        /* Alternate growing and shrinking phases so the size wanders and sometimes hits 0. */
        double p_push = (op / 3000) % 2 ? 0.30 : 0.48;
        double u = gsl_rng_uniform(r);
        if (u < p_push) {
            double t = random_time(r, base);
            uint32_t id = nid++;
            /* A quarter of pushes ask for the side position (taken when it is free): the
             * order must not change (sim_queue_push_side). */
            if (gsl_rng_uniform(r) < 0.25) {
                sides += !q.side_live;
                h[id] = sim_queue_push_side(&q, t, nop_fn, NULL, id);
            } else {
                h[id] = sim_queue_push(&q, t, nop_fn, NULL, id);
            }
            CHECK(h[id] != 0);
            ref_push(&ref, t, id);
        } else if (u < p_push + 0.32) {
            struct sim_queue_item it;
            bool ok = sim_queue_pop(&q, &it);
            if (ref.n == 0) {
                CHECK(!ok);
                empty_pops++;
                continue;
            }
            size_t m = ref_min(&ref);
            struct ref_ev e = ref.ev[m];
            CHECK(ok);
            CHECK(it.arg == e.id);
            CHECK(it.time == e.time);
            CHECK(it.fn == nop_fn);
            ref_remove(&ref, e.id);
            base = e.time;
            dead[ndead++ % DEAD_RING] = h[e.id];
            pops++;
        } else if (u < p_push + 0.42) {
            if (ref.n == 0)
                continue;
            uint32_t id = ref.ev[gsl_rng_uniform_int(r, ref.n)].id;
            CHECK(sim_queue_remove(&q, h[id]));
            ref_remove(&ref, id);
            dead[ndead++ % DEAD_RING] = h[id];
            removes++;
        } else if (u < p_push + 0.55) {
            if (ref.n == 0)
                continue;
            uint32_t id = ref.ev[gsl_rng_uniform_int(r, ref.n)].id;
            double t = random_time(r, base);
            CHECK(sim_queue_retime(&q, h[id], t));
            ref_retime(&ref, id, t);
            CHECK(sim_queue_time_of(&q, h[id]) == t);
            CHECK(sim_queue_is_pending(&q, h[id]));
            retimes++;
        } else {
            /* A fired or cancelled handle, or 0: every operation on it is a no-op. */
            size_t avail = ndead < DEAD_RING ? ndead : DEAD_RING;
            sim_handle d = avail ? dead[gsl_rng_uniform_int(r, avail)] : 0;
            if (gsl_rng_uniform(r) < 0.1)
                d = 0;
            size_t before = sim_queue_size(&q);
            CHECK(!sim_queue_remove(&q, d));
            CHECK(!sim_queue_retime(&q, d, base));
            CHECK(!sim_queue_is_pending(&q, d));
            CHECK(isnan(sim_queue_time_of(&q, d)));
            CHECK(sim_queue_size(&q) == before);
            stales++;
        }
        CHECK(sim_queue_size(&q) == ref.n);
        if (op % 1024 == 0) {
            double first = ref.n ? ref.ev[ref_min(&ref)].time : (double)INFINITY;
            CHECK(sim_queue_peek_time(&q) == first);
        }
    }
    /* Drain: the rest must come out in reference order too. */
    ref_sort(&ref);
    struct sim_queue_item it;
    for (size_t i = 0; i < ref.n; i++) {
        CHECK(sim_queue_pop(&q, &it));
        CHECK(it.arg == ref.ev[i].id && it.time == ref.ev[i].time);
    }
    CHECK(!sim_queue_pop(&q, &it));
    CHECK(sim_queue_size(&q) == 0);
    check_report();
    /* The mix really exercised every branch. */
    CU_ASSERT(pops > 200000 && removes > 50000 && retimes > 50000 && stales > 50000);
    CU_ASSERT(empty_pops > 0);
    /* The side position was taken, and its entry popped, removed or retimed, many times. */
    CU_ASSERT(sides > 5000 && q.side_pops > 1000);
    if (far_min < SIM_QUEUE_FAR_MIN)
        CU_ASSERT(q.far_calibrations > 100); /* the buckets came and went many times */

    sim_queue_fini(&q);
    ref_fini(&ref);
    free(h);
    gsl_rng_free(r);
}

static void test_random_operations_pop_in_reference_order(void)
{
    random_operations(SIM_QUEUE_FAR_MIN);
}

static void test_random_operations_with_far_buckets_pop_in_reference_order(void)
{
    random_operations(16);
}

/* ---- engine: random operations from inside handlers ------------------------------- */

struct eng {
    struct sim sim;
    struct ref ref;
    gsl_rng *r;
    sim_handle *h;
    uint32_t nid, max_ids;
    sim_handle dead[DEAD_RING];
    size_t ndead;
    unsigned long ops;
};

static void eng_fn(struct sim *sim, void *ctx, uint64_t arg);

static void eng_schedule(struct eng *g)
{
    if (g->nid == g->max_ids)
        return;
    double t = random_time(g->r, sim_now(&g->sim));
    uint32_t id = g->nid++;
    if (id % 3 == 0)
        g->h[id] = sim_event_schedule_next(&g->sim, t, eng_fn, g, id);
    else
        g->h[id] = sim_event_schedule(&g->sim, t, eng_fn, g, id);
    ref_push(&g->ref, t, id);
}

/* Each event checks that it is the one the reference says is due, then does a few random
 * operations of its own, as model code does. */
static void eng_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    struct eng *g = ctx;
    CHECK(g->ref.n > 0);
    if (g->ref.n == 0) {
        sim_event_stop(sim);
        return;
    }
    size_t m = ref_min(&g->ref);
    struct ref_ev e = g->ref.ev[m];
    CHECK(arg == e.id);
    CHECK(sim_now(sim) == e.time);
    CHECK(!sim_event_is_pending(sim, g->h[arg])); /* a running event is no longer pending */
    ref_remove(&g->ref, e.id);
    g->dead[g->ndead++ % DEAD_RING] = g->h[arg];

    /* Keep roughly 100..400 pending: more schedules when few are pending. */
    double p_sched = g->ref.n < 100 ? 0.7 : g->ref.n > 400 ? 0.2 : 0.42;
    unsigned k = 1 + (unsigned)gsl_rng_uniform_int(g->r, 4);
    for (unsigned i = 0; i < k; i++, g->ops++) {
        double u = gsl_rng_uniform(g->r);
        if (u < p_sched) {
            eng_schedule(g);
        } else if (u < p_sched + 0.2) {
            if (g->ref.n == 0)
                continue;
            uint32_t id = g->ref.ev[gsl_rng_uniform_int(g->r, g->ref.n)].id;
            CHECK(sim_event_cancel(sim, g->h[id]));
            ref_remove(&g->ref, id);
            g->dead[g->ndead++ % DEAD_RING] = g->h[id];
        } else if (u < p_sched + 0.4) {
            if (g->ref.n == 0)
                continue;
            uint32_t id = g->ref.ev[gsl_rng_uniform_int(g->r, g->ref.n)].id;
            double t = random_time(g->r, sim_now(sim));
            CHECK(sim_event_reschedule(sim, g->h[id], t));
            ref_retime(&g->ref, id, t);
        } else {
            size_t avail = g->ndead < DEAD_RING ? g->ndead : DEAD_RING;
            sim_handle d = g->dead[gsl_rng_uniform_int(g->r, avail)];
            CHECK(!sim_event_cancel(sim, d));
            CHECK(!sim_event_reschedule(sim, d, sim_now(sim)));
            CHECK(!sim_event_is_pending(sim, d));
        }
        CHECK(sim_event_pending(sim) == g->ref.n);
    }
}

static void random_engine_operations(size_t far_min)
{
    struct eng *g = calloc(1, sizeof *g);
    g->max_ids = 1000000;
    sim_event_init(&g->sim);
    g->sim.q.far_min = g->sim.q.far_hi = far_min;
    ref_init(&g->ref, g->max_ids);
    g->r = sim_rng_new(2, "test/queue/engine");
    g->h = malloc(g->max_ids * sizeof *g->h);
    check_reset();
    for (int i = 0; i < 200; i++)
        eng_schedule(g);
    /* Run in slices with run_until, the way a driver with a progress report would. */
    while (sim_event_pending(&g->sim) > 0 && g->nid < g->max_ids) {
        double t_end = sim_now(&g->sim) + 7.25;
        sim_event_run_until(&g->sim, t_end);
        CHECK(sim_now(&g->sim) == t_end);
        CHECK(sim_queue_peek_time(&g->sim.q) > t_end);
    }
    sim_event_run(&g->sim);
    CHECK(g->ref.n == 0);
    CHECK(sim_event_pending(&g->sim) == 0);
    check_report();
    CU_ASSERT(g->ops >= 1000000);
    CU_ASSERT(g->sim.q.side_pops > 3000); /* the side held a third of the schedules */
    if (far_min < SIM_QUEUE_FAR_MIN)
        CU_ASSERT(g->sim.q.far_calibrations > 0);
    sim_event_fini(&g->sim);
    ref_fini(&g->ref);
    gsl_rng_free(g->r);
    free(g->h);
    free(g);
}

static void test_random_engine_operations_run_in_reference_order(void)
{
    random_engine_operations(SIM_QUEUE_FAR_MIN);
}

static void test_random_engine_operations_with_far_buckets_run_in_reference_order(void)
{
    random_engine_operations(16);
}

/* ---- engine: documented behaviour, one case at a time ----------------------------- */

/* Handlers append their arg to a log. */
struct trace {
    uint64_t log[64];
    size_t n;
    sim_handle stop_at; /* arg value that calls sim_event_stop, or UINT64_MAX */
};

static void trace_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    struct trace *t = ctx;
    if (t->n < 64)
        t->log[t->n++] = arg;
    if (arg == t->stop_at)
        sim_event_stop(sim);
}

static struct trace trace_new(void)
{
    struct trace t = {.n = 0, .stop_at = UINT64_MAX};
    return t;
}

static void test_equal_times_run_in_schedule_order(void)
{
    struct sim sim;
    sim_event_init(&sim);
    struct trace t = trace_new();
    /* Interleave three times so the heap really has to keep ties apart. */
    for (uint64_t i = 0; i < 30; i++)
        sim_event_schedule(&sim, (double)(2 - (int)(i % 3)), trace_fn, &t, i);
    sim_event_run(&sim);
    CU_ASSERT_EQUAL_FATAL(t.n, 30);
    size_t k = 0;
    for (int when = 0; when <= 2; when++)
        for (uint64_t i = 0; i < 30; i++)
            if (2 - (int)(i % 3) == when)
                CU_ASSERT_EQUAL(t.log[k++], i);
    sim_event_fini(&sim);
}

static void test_rescheduled_tied_event_runs_after_the_others(void)
{
    struct sim sim;
    sim_event_init(&sim);
    struct trace t = trace_new();
    sim_handle a = sim_event_schedule(&sim, 1.0, trace_fn, &t, 'a');
    sim_event_schedule(&sim, 1.0, trace_fn, &t, 'b');
    sim_event_schedule(&sim, 1.0, trace_fn, &t, 'c');
    sim_handle d = sim_event_schedule(&sim, 2.0, trace_fn, &t, 'd');
    /* Same time: a moves behind b and c.  d moves forward into the tie, behind a. */
    CU_ASSERT_TRUE(sim_event_reschedule(&sim, a, 1.0));
    CU_ASSERT_TRUE(sim_event_reschedule(&sim, d, 1.0));
    CU_ASSERT_TRUE(sim_event_is_pending(&sim, a)); /* the handle stays valid */
    sim_event_run(&sim);
    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    CU_ASSERT_EQUAL(t.log[0], 'b');
    CU_ASSERT_EQUAL(t.log[1], 'c');
    CU_ASSERT_EQUAL(t.log[2], 'a');
    CU_ASSERT_EQUAL(t.log[3], 'd');
    sim_event_fini(&sim);
}

static void test_stale_handles_are_noops_returning_false(void)
{
    struct sim sim;
    sim_event_init(&sim);
    struct trace t = trace_new();
    sim_handle fired = sim_event_schedule(&sim, 1.0, trace_fn, &t, 1);
    sim_handle cancelled = sim_event_schedule(&sim, 2.0, trace_fn, &t, 2);
    CU_ASSERT_TRUE(sim_event_cancel(&sim, cancelled));
    sim_event_run(&sim);
    CU_ASSERT_EQUAL(t.n, 1);
    /* Both slots get reused by new events; the old handles must not reach them. */
    sim_handle x = sim_event_schedule(&sim, 5.0, trace_fn, &t, 3);
    sim_handle y = sim_event_schedule(&sim, 6.0, trace_fn, &t, 4);
    CU_ASSERT_NOT_EQUAL(x, fired);
    CU_ASSERT_NOT_EQUAL(y, cancelled);
    sim_handle stale[] = {fired, cancelled, 0, (sim_handle)1 << 40 | 12345};
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
        CU_ASSERT_FALSE(sim_event_cancel(&sim, stale[i]));
        CU_ASSERT_FALSE(sim_event_reschedule(&sim, stale[i], 7.0));
        CU_ASSERT_FALSE(sim_event_is_pending(&sim, stale[i]));
        CU_ASSERT_TRUE(isnan(sim_queue_time_of(&sim.q, stale[i])));
    }
    CU_ASSERT_EQUAL(sim_event_pending(&sim), 2);
    CU_ASSERT_EQUAL(sim_queue_time_of(&sim.q, x), 5.0);
    CU_ASSERT_EQUAL(sim_queue_time_of(&sim.q, y), 6.0);
    /* Cancelling twice: true, then false. */
    CU_ASSERT_TRUE(sim_event_cancel(&sim, x));
    CU_ASSERT_FALSE(sim_event_cancel(&sim, x));
    sim_event_run(&sim);
    CU_ASSERT_EQUAL_FATAL(t.n, 2);
    CU_ASSERT_EQUAL(t.log[1], 4);
    sim_event_fini(&sim);
}

static void test_run_until_leaves_later_events_pending_and_sets_clock(void)
{
    struct sim sim;
    sim_event_init(&sim);
    struct trace t = trace_new();
    sim_event_schedule(&sim, 1.0, trace_fn, &t, 1);
    sim_event_schedule(&sim, 2.5, trace_fn, &t, 2); /* exactly at t_end: runs */
    sim_handle later = sim_event_schedule(&sim, 3.0, trace_fn, &t, 3);
    sim_event_run_until(&sim, 2.5);
    CU_ASSERT_EQUAL(t.n, 2);
    CU_ASSERT_EQUAL(sim_now(&sim), 2.5);
    CU_ASSERT_TRUE(sim_event_is_pending(&sim, later));
    CU_ASSERT_EQUAL(sim_event_pending(&sim), 1);
    /* Nothing due: the clock still moves to t_end. */
    sim_event_run_until(&sim, 2.75);
    CU_ASSERT_EQUAL(t.n, 2);
    CU_ASSERT_EQUAL(sim_now(&sim), 2.75);
    /* Resuming runs the rest; the clock stays at the last event. */
    sim_event_run(&sim);
    CU_ASSERT_EQUAL(t.n, 3);
    CU_ASSERT_EQUAL(sim_now(&sim), 3.0);
    CU_ASSERT_EQUAL(sim.events_run, 3);
    sim_event_fini(&sim);
}

static void test_stop_returns_after_the_current_event(void)
{
    struct sim sim;
    sim_event_init(&sim);
    struct trace t = trace_new();
    t.stop_at = 2;
    sim_event_schedule(&sim, 1.0, trace_fn, &t, 1);
    sim_event_schedule(&sim, 2.0, trace_fn, &t, 2);
    sim_event_schedule(&sim, 2.0, trace_fn, &t, 3); /* same time, but after the stop */
    sim_event_schedule(&sim, 4.0, trace_fn, &t, 4);
    sim_event_run_until(&sim, 10.0);
    CU_ASSERT_EQUAL(t.n, 2);
    CU_ASSERT_EQUAL(sim_now(&sim), 2.0); /* stopped: the clock is not moved to t_end */
    CU_ASSERT_EQUAL(sim_event_pending(&sim), 2);
    /* The stop request is spent; the next run resumes. */
    sim_event_run(&sim);
    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    CU_ASSERT_EQUAL(t.log[2], 3);
    CU_ASSERT_EQUAL(t.log[3], 4);
    sim_event_fini(&sim);
}

/* A handler that cancels, and schedules at the current time. */
struct same_time {
    struct trace t;
    sim_handle victim;
};

static void same_time_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    struct same_time *s = ctx;
    trace_fn(sim, &s->t, arg);
    if (arg == 1) {
        CU_ASSERT_TRUE(sim_event_cancel(sim, s->victim));
        sim_event_after(sim, 0.0, same_time_fn, s, 9);
    }
}

static void test_handler_can_cancel_a_tied_event_and_schedule_at_now(void)
{
    struct sim sim;
    sim_event_init(&sim);
    struct same_time s = {.t = trace_new()};
    sim_event_schedule(&sim, 1.0, same_time_fn, &s, 1);
    s.victim = sim_event_schedule(&sim, 1.0, same_time_fn, &s, 2);
    sim_event_schedule(&sim, 1.0, same_time_fn, &s, 3);
    sim_event_run(&sim);
    /* 2 was cancelled before it ran; 9, scheduled at now, runs after the pending tie 3. */
    CU_ASSERT_EQUAL_FATAL(s.t.n, 3);
    CU_ASSERT_EQUAL(s.t.log[0], 1);
    CU_ASSERT_EQUAL(s.t.log[1], 3);
    CU_ASSERT_EQUAL(s.t.log[2], 9);
    sim_event_fini(&sim);
}

static void test_times_order_numerically_across_magnitudes(void)
{
    /* The queue orders times through their bit patterns; check the whole double range. */
    const double times[] = {(double)INFINITY, 1e300, 4503599627370496.0, 86400.0, 1.0,
                            0.9999999999999999, 1e-300, 4.9e-324, 2.2250738585072014e-308,
                            0.0, 3.0, 1.0000000000000002, 2.5e-9};
    enum { N = sizeof times / sizeof *times };
    struct sim_queue q;
    sim_queue_init(&q);
    for (size_t i = 0; i < N; i++)
        sim_queue_push(&q, times[i], nop_fn, NULL, i);
    struct sim_queue_item it;
    double prev = -1.0;
    size_t popped = 0;
    while (sim_queue_pop(&q, &it)) {
        CU_ASSERT(it.time > prev);
        CU_ASSERT_EQUAL(it.time, times[it.arg]); /* the time comes back exactly */
        prev = it.time;
        popped++;
    }
    CU_ASSERT_EQUAL(popped, N);
    sim_queue_fini(&q);
}

static void test_negative_zero_ties_with_zero(void)
{
    /* -0.0 == 0.0 as doubles, so the two are one time and tie in FIFO order. */
    struct sim sim;
    sim_event_init(&sim);
    struct trace t = trace_new();
    sim_event_schedule(&sim, 0.0, trace_fn, &t, 1);
    sim_handle b = sim_event_schedule(&sim, -0.0, trace_fn, &t, 2);
    sim_event_schedule(&sim, 0.0, trace_fn, &t, 3);
    CU_ASSERT_EQUAL(sim_queue_time_of(&sim.q, b), 0.0);
    sim_event_run_until(&sim, -0.0);
    CU_ASSERT_EQUAL_FATAL(t.n, 3);
    CU_ASSERT_EQUAL(t.log[0], 1);
    CU_ASSERT_EQUAL(t.log[1], 2);
    CU_ASSERT_EQUAL(t.log[2], 3);
    sim_event_fini(&sim);
}

static void test_run_until_a_negative_time_runs_nothing(void)
{
    struct sim sim;
    sim_event_init(&sim);
    struct trace t = trace_new();
    sim_event_schedule(&sim, 0.5, trace_fn, &t, 1);
    sim_event_run_until(&sim, -0.5);
    sim_event_run_until(&sim, (double)NAN);
    CU_ASSERT_EQUAL(t.n, 0);
    CU_ASSERT_EQUAL(sim_now(&sim), 0.0);
    CU_ASSERT_EQUAL(sim_event_pending(&sim), 1);
    sim_event_fini(&sim);
}

/* ---- renumbering ------------------------------------------------------------------ */

/* Pops everything and compares with the sorted reference; empties the reference. */
static void drain_and_compare(struct sim_queue *q, struct ref *ref)
{
    ref_sort(ref);
    struct sim_queue_item it;
    for (size_t i = 0; i < ref->n; i++) {
        CHECK(sim_queue_pop(q, &it));
        CHECK(it.arg == ref->ev[i].id && it.time == ref->ev[i].time);
        ref->pos[ref->ev[i].id] = -1;
    }
    ref->n = 0;
    CHECK(!sim_queue_pop(q, &it));
}

/* Pops the k earliest (ref sorted) and drops them from the reference. */
static void pop_prefix(struct sim_queue *q, struct ref *ref, size_t k)
{
    ref_sort(ref);
    struct sim_queue_item it;
    for (size_t i = 0; i < k; i++) {
        CHECK(sim_queue_pop(q, &it));
        CHECK(it.arg == ref->ev[i].id && it.time == ref->ev[i].time);
        ref->pos[ref->ev[i].id] = -1;
    }
    memmove(ref->ev, ref->ev + k, (ref->n - k) * sizeof *ref->ev);
    ref->n -= k;
    for (size_t i = 0; i < ref->n; i++)
        ref->pos[ref->ev[i].id] = (long)i;
}

static void test_renumber_keeps_the_order(void)
{
    enum { N = 100000, IDS = 200000 };
    gsl_rng *r = sim_rng_new(3, "test/queue/renumber");
    struct sim_queue q;
    sim_queue_init(&q);
    struct ref ref;
    ref_init(&ref, IDS);
    sim_handle *h = malloc(IDS * sizeof *h);
    uint32_t nid = 0;
    check_reset();
    for (; nid < N; nid++) {
        double t = 0.5 * (double)gsl_rng_uniform_int(r, 200); /* ~500 events per time */
        h[nid] = sim_queue_push(&q, t, nop_fn, NULL, nid);
        ref_push(&ref, t, nid);
    }
    pop_prefix(&q, &ref, N / 3);
    sim_queue_renumber(&q);
    /* After renumbering, new ties still go behind old ones, retimes behind everything. */
    for (int i = 0; i < N / 5; i++, nid++) {
        double t = 0.5 * (double)gsl_rng_uniform_int(r, 200);
        h[nid] = sim_queue_push(&q, t, nop_fn, NULL, nid);
        ref_push(&ref, t, nid);
    }
    for (int i = 0; i < N / 10; i++) {
        uint32_t id = ref.ev[gsl_rng_uniform_int(r, ref.n)].id;
        double t = 0.5 * (double)gsl_rng_uniform_int(r, 200);
        CHECK(sim_queue_retime(&q, h[id], t));
        ref_retime(&ref, id, t);
    }
    sim_queue_renumber(&q);
    sim_queue_renumber(&q); /* idempotent */
    for (int i = 0; i < 1000; i++, nid++) {
        h[nid] = sim_queue_push(&q, 50.0, nop_fn, NULL, nid);
        ref_push(&ref, 50.0, nid);
    }
    CHECK(sim_queue_size(&q) == ref.n);
    drain_and_compare(&q, &ref);
    check_report();
    sim_queue_fini(&q);
    ref_fini(&ref);
    free(h);
    gsl_rng_free(r);
}

static void test_exhausted_sequence_space_renumbers_without_reordering(void)
{
    enum { IDS = 4000 };
    gsl_rng *r = sim_rng_new(4, "test/queue/exhaust");
    struct sim_queue q;
    sim_queue_init(&q);
    struct ref ref;
    ref_init(&ref, IDS);
    sim_handle h[IDS];
    uint32_t nid = 0;
    check_reset();
    for (; nid < 1000; nid++) {
        double t = (double)gsl_rng_uniform_int(r, 4);
        h[nid] = sim_queue_push(&q, t, nop_fn, NULL, nid);
        ref_push(&ref, t, nid);
    }
    /* Jump to the end of the sequence space (as after 2^38 pushes): the next pushes and
     * retimes must trigger renumbering mid-way and keep every tie in order. */
    const uint64_t seq_limit = (uint64_t)1 << (64 - SIM_QUEUE_SLOT_BITS);
    q.next_seq = seq_limit - 10;
    for (int i = 0; i < 100; i++) {
        if (i % 3 == 2) {
            uint32_t id = ref.ev[gsl_rng_uniform_int(r, ref.n)].id;
            double t = (double)gsl_rng_uniform_int(r, 4);
            CHECK(sim_queue_retime(&q, h[id], t));
            ref_retime(&ref, id, t);
        } else {
            /* Some into the side position: renumbering must reach its entry too. */
            double t = (double)gsl_rng_uniform_int(r, 4);
            if (i % 3 == 1)
                h[nid] = sim_queue_push_side(&q, t, nop_fn, NULL, nid);
            else
                h[nid] = sim_queue_push(&q, t, nop_fn, NULL, nid);
            ref_push(&ref, t, nid);
            nid++;
        }
    }
    CU_ASSERT(q.side_live);
    CU_ASSERT(q.next_seq < seq_limit / 2); /* it did renumber */
    drain_and_compare(&q, &ref);
    check_report();
    sim_queue_fini(&q);
    ref_fini(&ref);
    gsl_rng_free(r);
}

/* ---- the side position ------------------------------------------------------------ */

/* One entry waits beside the heap: taken only when free, counted in the size and the peek,
 * ordered by (time, seq) against the heap's (ties in push order), and its handle works
 * like any other. */
static void test_side_position_keeps_the_order_of_a_plain_push(void)
{
    struct sim_queue q;
    sim_queue_init(&q);
    struct sim_queue_item it;
    sim_handle a = sim_queue_push(&q, 2.0, nop_fn, NULL, 1);
    sim_handle b = sim_queue_push_side(&q, 2.0, nop_fn, NULL, 2); /* ties after a */
    CU_ASSERT(q.side_live);
    sim_handle c = sim_queue_push_side(&q, 1.0, nop_fn, NULL, 3); /* side taken: heap */
    CU_ASSERT(a && b && c);
    CU_ASSERT_EQUAL(sim_queue_size(&q), 3);
    CU_ASSERT_EQUAL(q.size, 2);
    CU_ASSERT_DOUBLE_EQUAL(sim_queue_time_of(&q, b), 2.0, 0);
    CU_ASSERT(sim_queue_is_pending(&q, b));
    CU_ASSERT(sim_queue_pop(&q, &it) && it.arg == 3 && it.time == 1.0);
    CU_ASSERT(sim_queue_pop(&q, &it) && it.arg == 1);
    CU_ASSERT(sim_queue_pop(&q, &it) && it.arg == 2 && it.time == 2.0);
    CU_ASSERT_EQUAL(q.side_pops, 1);
    CU_ASSERT(!sim_queue_is_pending(&q, b)); /* fired: stale */
    CU_ASSERT(!sim_queue_remove(&q, b));
    CU_ASSERT(!sim_queue_pop(&q, &it));

    /* Retimed, the side entry takes a new seq (after the heap's tie) and stays beside. */
    sim_handle d = sim_queue_push_side(&q, 5.0, nop_fn, NULL, 4);
    sim_queue_push(&q, 3.0, nop_fn, NULL, 5);
    CU_ASSERT(sim_queue_peek_time(&q) == 3.0);
    CU_ASSERT(sim_queue_retime(&q, d, 3.0));
    CU_ASSERT(q.side_live);
    CU_ASSERT(sim_queue_peek_time(&q) == 3.0);
    CU_ASSERT(sim_queue_pop(&q, &it) && it.arg == 5);
    CU_ASSERT(sim_queue_retime(&q, d, 0.5) && sim_queue_peek_time(&q) == 0.5);
    /* Removed, it frees the side for the next. */
    CU_ASSERT(sim_queue_remove(&q, d));
    CU_ASSERT(!q.side_live && sim_queue_size(&q) == 0);
    CU_ASSERT(isinf(sim_queue_peek_time(&q)));
    sim_handle e = sim_queue_push_side(&q, 7.0, nop_fn, NULL, 6);
    CU_ASSERT(q.side_live && sim_queue_is_pending(&q, e));
    /* pop_due leaves a side entry that is not due. */
    CU_ASSERT(!sim_queue_pop_due(&q, 6.5, &it));
    CU_ASSERT(sim_queue_pop_due(&q, 7.0, &it) && it.arg == 6);
    CU_ASSERT_EQUAL(q.side_pops, 2);
    sim_queue_fini(&q);
}

/* ---- far buckets ------------------------------------------------------------------ */

/* The hold model at 10^5 pending (exponential increments): the buckets take almost every
 * entry, the heap keeps a small front, W is chosen a handful of times, and the times come
 * out in order. */
static void test_far_buckets_hold_most_entries_of_a_large_queue(void)
{
    enum { N = 100000, HOLDS = 1000000 };
    gsl_rng *r = sim_rng_new(5, "test/queue/far_hold");
    struct sim_queue q;
    sim_queue_init(&q);
    check_reset();
    for (uint32_t i = 0; i < N; i++)
        sim_queue_push(&q, gsl_ran_exponential(r, 1.0), nop_fn, NULL, i);
    struct sim_queue_item it;
    double last = 0.0;
    size_t heap_max = 0;
    for (long k = 0; k < HOLDS; k++) {
        CHECK(sim_queue_pop(&q, &it));
        CHECK(it.time >= last);
        last = it.time;
        sim_queue_push(&q, it.time + gsl_ran_exponential(r, 1.0), nop_fn, NULL, it.arg);
        if (k > HOLDS / 2)
            heap_max = q.size > heap_max ? q.size : heap_max;
    }
    check_report();
    CU_ASSERT_EQUAL(sim_queue_size(&q), N);
    CU_ASSERT(q.far_nb >= 256);
    CU_ASSERT(q.far_count > 9 * N / 10);
    CU_ASSERT(heap_max < N / 20);
    CU_ASSERT(q.far_calibrations >= 1 && q.far_calibrations <= 10);
    sim_queue_fini(&q);
    gsl_rng_free(r);
}

/* Entries many bucket-years ahead, with nothing due for more than a year of buckets in
 * between (the jump to the earliest entry's number; jumping one number too far never
 * finishes), and times too large to bucket (1e300, +inf) that stay in the heap. */
static void test_far_buckets_jump_years_and_keep_huge_times_in_the_heap(void)
{
    enum { IDS = 64 };
    struct sim_queue q;
    sim_queue_init(&q);
    q.far_min = q.far_hi = 8;
    struct ref ref;
    ref_init(&ref, IDS);
    uint32_t nid = 0;
    check_reset();
    /* Nine pending choose W = 8 / 256 (the span of 0..8); W is then kept, so the later
     * entries land 2^25 and more buckets (years of 256) ahead, or beyond any bucket. */
    for (; nid < 10; nid++) {
        sim_queue_push(&q, (double)nid, nop_fn, NULL, nid);
        ref_push(&ref, (double)nid, nid);
    }
    CU_ASSERT_EQUAL(q.far_calibrations, 1);
    q.far_hi = 1000; /* no second choice of W, whatever the count or the heap does */
    q.far_lo = 0;
    q.far_turn = SIZE_MAX / 2;
    const double times[] = {1e6 + 3, 1e6 + 1, 1e300, (double)INFINITY, 1e6 + 1, 10.5, 11, 19,
                            2e9, 12, 13};
    for (size_t i = 0; i < sizeof times / sizeof *times; i++, nid++) {
        sim_queue_push(&q, times[i], nop_fn, NULL, nid);
        ref_push(&ref, times[i], nid);
    }
    CU_ASSERT(q.far_nb > 0 && q.far_count > 0);
    CU_ASSERT_EQUAL(sim_queue_peek_time(&q), 0.0);
    /* Pop the near ones; then a push behind the buckets' front, and one far ahead. */
    pop_prefix(&q, &ref, 12);
    sim_queue_push(&q, 11.25, nop_fn, NULL, nid);
    ref_push(&ref, 11.25, nid++);
    sim_queue_push(&q, 5e6, nop_fn, NULL, nid);
    ref_push(&ref, 5e6, nid++);
    CU_ASSERT_EQUAL(sim_queue_peek_time(&q), 11.25);
    drain_and_compare(&q, &ref);
    CU_ASSERT_EQUAL(q.far_calibrations, 1);
    check_report();
    sim_queue_fini(&q);
    ref_fini(&ref);
}

/* A queue that grew past far_min and shrank back stops using the buckets. */
static void test_far_buckets_stop_when_the_queue_shrinks(void)
{
    struct sim_queue q;
    sim_queue_init(&q);
    q.far_min = q.far_hi = 100;
    for (uint32_t i = 0; i < 1000; i++)
        sim_queue_push(&q, (double)(i * 7919 % 1000), nop_fn, NULL, i);
    CU_ASSERT(q.far_nb > 0);
    struct sim_queue_item it;
    double last = -1.0;
    for (uint32_t i = 0; i < 990; i++) {
        CU_ASSERT_TRUE(sim_queue_pop(&q, &it));
        CU_ASSERT_EQUAL(it.time, last + 1.0);
        last = it.time;
    }
    CU_ASSERT_EQUAL(q.far_nb, 0);
    CU_ASSERT_EQUAL(q.far_count, 0);
    CU_ASSERT_EQUAL(sim_queue_size(&q), 10);
    sim_queue_fini(&q);
}

/* Prefetcher bookkeeping: per event (arg), the stages seen and whether it ran. */
enum { PF_N = 20000 };
static uint8_t pf_stage0[PF_N], pf_stage1[PF_N], pf_stage2[PF_N], pf_ran[PF_N];
static unsigned pf_out_of_order; /* a stage before the one preceding it, or after the run */

/* Events whose arg is a multiple of 5 have nothing for stage 2: it must not be called. */
static bool pf_counting(const void *ctx, uint64_t arg, int stage)
{
    (void)ctx;
    if (pf_ran[arg] || (stage == 1 && pf_stage1[arg] >= pf_stage0[arg]) ||
        (stage == 2 && (pf_stage2[arg] >= pf_stage1[arg] || arg % 5 == 0)) || stage < 0 ||
        stage > 2)
        pf_out_of_order++;
    (stage == 0 ? pf_stage0 : stage == 1 ? pf_stage1 : pf_stage2)[arg]++;
    return stage == 0 || (stage == 1 && arg % 5 != 0);
}

static bool pf_other(const void *ctx, uint64_t arg, int stage)
{
    (void)ctx, (void)arg, (void)stage;
    pf_out_of_order++; /* registered for a handler no event has */
    return true;
}

static void pf_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim, (void)ctx;
    pf_ran[arg] = 1;
}

/* Bodies of their own: identical functions may be folded into one address. */
static void pf_unused_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim, (void)ctx;
    pf_ran[arg] = 2;
}

/* Pops and runs everything in q; the (time, arg) sequence goes to t_out[], a_out[]. */
static void pf_drain(struct sim_queue *q, double *t_out, uint64_t *a_out)
{
    struct sim_queue_item it;
    for (size_t k = 0; sim_queue_pop(q, &it); k++) {
        t_out[k] = it.time;
        a_out[k] = it.arg;
        it.fn(NULL, it.ctx, it.arg);
    }
}

/* A handler's prefetcher sees each of its events that waited in a far bucket, stage 0, 1
 * then 2 (unless stage 1 said there is nothing more), before the event runs (once per
 * move into the heap: a new bucket width can send an entry out again); other handlers'
 * events get no call; and the events come out in the same order as without it. */
static void test_prefetcher_sees_far_events_in_three_stages_before_they_run(void)
{
    gsl_rng *r = sim_rng_new(9, "test/queue/prefetch");
    static double t1[PF_N], t2[PF_N], times[PF_N];
    static uint64_t a1[PF_N], a2[PF_N];
    for (size_t i = 0; i < PF_N; i++)
        times[i] = gsl_ran_exponential(r, 1.0);
    for (int with = 0; with < 2; with++) {
        memset(pf_stage0, 0, sizeof pf_stage0);
        memset(pf_stage1, 0, sizeof pf_stage1);
        memset(pf_stage2, 0, sizeof pf_stage2);
        memset(pf_ran, 0, sizeof pf_ran);
        pf_out_of_order = 0;
        struct sim_queue q;
        sim_queue_init(&q);
        q.far_min = q.far_hi = 64;
        if (with) {
            sim_queue_prefetcher(&q, pf_unused_fn, pf_other);
            sim_queue_prefetcher(&q, pf_fn, pf_other);
            sim_queue_prefetcher(&q, pf_fn, pf_counting); /* replaces pf_other */
            CU_ASSERT_EQUAL(q.npf, 2);
        }
        /* Every third event has another handler: it must get no prefetcher call. */
        for (uint32_t i = 0; i < PF_N; i++)
            sim_queue_push(&q, times[i], i % 3 ? pf_fn : nop_fn, NULL, i);
        pf_drain(&q, with ? t2 : t1, with ? a2 : a1);
        CU_ASSERT(q.far_calibrations >= 1);
        sim_queue_fini(&q);
    }
    CU_ASSERT_EQUAL(memcmp(t1, t2, sizeof t1), 0);
    CU_ASSERT_EQUAL(memcmp(a1, a2, sizeof a1), 0);
    CU_ASSERT_EQUAL(pf_out_of_order, 0);
    unsigned seen = 0, wrong = 0;
    for (uint32_t i = 0; i < PF_N; i++) {
        wrong += pf_stage0[i] != pf_stage1[i] ||
                 pf_stage2[i] != (i % 5 ? pf_stage1[i] : 0) || (i % 3 == 0 && pf_stage0[i]);
        seen += pf_stage0[i];
    }
    CU_ASSERT_EQUAL(wrong, 0);
    /* Nearly all of them waited in a bucket: only the earliest few stayed in the heap. */
    CU_ASSERT(seen > 9 * (PF_N * 2 / 3) / 10);
    gsl_rng_free(r);
}

/* ---- lifecycle -------------------------------------------------------------------- */

static void count_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    (*(unsigned long *)ctx)++;
}

static void test_drained_queue_holds_nothing_and_is_reusable(void)
{
    enum { N = 10000 };
    struct sim sim;
    sim_event_init(&sim);
    unsigned long ran = 0;
    sim_handle *h = malloc(N * sizeof *h);
    for (int round = 0; round < 2; round++) {
        ran = 0;
        for (int i = 0; i < N; i++)
            h[i] = sim_event_after(&sim, (double)(i % 97), count_fn, &ran, (uint64_t)i);
        for (int i = 0; i < N; i += 4)
            CU_ASSERT_TRUE(sim_event_cancel(&sim, h[i]));
        sim_event_run(&sim);
        CU_ASSERT_EQUAL(ran, N - N / 4);
        CU_ASSERT_EQUAL(sim_event_pending(&sim), 0);
        CU_ASSERT_EQUAL(sim_queue_peek_time(&sim.q), (double)INFINITY);
        struct sim_queue_item it;
        CU_ASSERT_FALSE(sim_queue_pop(&sim.q, &it));
        int still = 0;
        for (int i = 0; i < N; i++)
            still += sim_event_is_pending(&sim, h[i]);
        CU_ASSERT_EQUAL(still, 0);
    }
    free(h);
    sim_event_fini(&sim);
}

static void test_fini_frees_pending_events(void)
{
    /* Valgrind and ASan check this one: fini with events still pending leaks nothing. */
    struct sim sim;
    sim_event_init(&sim);
    unsigned long ran = 0;
    for (int i = 0; i < 5000; i++)
        sim_event_schedule(&sim, (double)i, count_fn, &ran, 0);
    sim_event_run_until(&sim, 100.0);
    CU_ASSERT_EQUAL(ran, 101);
    CU_ASSERT_EQUAL(sim_event_pending(&sim), 5000 - 101);
    sim_event_fini(&sim);
}


/* ---- timer lanes --------------------------------------------------------------------- */

/* One world of the lane test: ticks every 0.5 s add a timer 2 s ahead (many ties with the
 * ticks) and cancel a random pending one; a firing timer sometimes adds another (a retry).
 * Run once with plain events and once with a lane: the same random draws must give the
 * same log, entry for entry, and the same events_run. */
enum { LW_MAX = 4096, LW_TICKS = 1200 };
struct lane_world {
    struct sim sim;
    struct sim_lane lane;
    bool use_lane;
    gsl_rng *r;
    uint64_t handle[LW_MAX];
    bool pending[LW_MAX];
    int ntimers;
    double log_t[4 * LW_MAX];
    int log_id[4 * LW_MAX];
    int nlog;
    bool renumber_at_600; /* renumber the queue (lanes included) mid-run */
};

static void lw_log(struct lane_world *w, int id)
{
    ELB_ASSERT(w->nlog < 4 * LW_MAX);
    w->log_t[w->nlog] = sim_now(&w->sim);
    w->log_id[w->nlog++] = id;
}

static void lw_timer(struct sim *sim, void *ctx, uint64_t arg);

static void lw_add(struct lane_world *w)
{
    if (w->ntimers == LW_MAX)
        return;
    int id = w->ntimers++;
    double at = sim_now(&w->sim) + 2.0;
    w->handle[id] = w->use_lane ? sim_lane_add(&w->lane, at, (uint64_t)id)
                                : sim_event_schedule(&w->sim, at, lw_timer, w, (uint64_t)id);
    w->pending[id] = true;
}

static void lw_timer(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    struct lane_world *w = ctx;
    w->pending[arg] = false;
    lw_log(w, (int)arg);
    if (gsl_rng_uniform(w->r) < 0.3)
        lw_add(w);
}

static void lw_tick(struct sim *sim, void *ctx, uint64_t arg)
{
    struct lane_world *w = ctx;
    lw_log(w, -1 - (int)arg);
    lw_add(w);
    if (w->ntimers > 0 && gsl_rng_uniform(w->r) < 0.7) {
        int id = (int)gsl_rng_uniform_int(w->r, (unsigned long)w->ntimers);
        bool was = w->use_lane ? sim_lane_cancel(&w->lane, w->handle[id])
                               : sim_event_cancel(&w->sim, w->handle[id]);
        CU_ASSERT_EQUAL(was, w->pending[id]);
        w->pending[id] = false;
    }
    if (w->renumber_at_600 && arg == 600)
        sim_queue_renumber(&sim->q);
    if (arg + 1 < LW_TICKS)
        sim_event_schedule(sim, 0.5 * (double)(arg + 1), lw_tick, w, arg + 1);
}

static struct lane_world *lw_run(bool use_lane, bool renumber)
{
    struct lane_world *w = calloc(1, sizeof *w);
    w->use_lane = use_lane;
    w->renumber_at_600 = renumber;
    w->r = sim_rng_new(11, "test/queue/lane");
    sim_event_init(&w->sim);
    sim_lane_init(&w->lane, &w->sim, lw_timer, w);
    sim_event_schedule(&w->sim, 0, lw_tick, w, 0);
    sim_event_run(&w->sim);
    return w;
}

static void lw_free(struct lane_world *w)
{
    sim_lane_fini(&w->lane);
    sim_event_fini(&w->sim);
    gsl_rng_free(w->r);
    free(w);
}

static void lane_fires_in_the_same_order_as_plain_events(void)
{
    for (int renumber = 0; renumber < 2; renumber++) {
        struct lane_world *a = lw_run(false, renumber), *b = lw_run(true, renumber);
        CU_ASSERT(a->nlog > LW_TICKS + 500); /* timers did fire, between and on the ticks */
        CU_ASSERT_EQUAL(a->nlog, b->nlog);
        int same = a->nlog == b->nlog;
        for (int i = 0; same && i < a->nlog; i++)
            same = a->log_t[i] == b->log_t[i] && a->log_id[i] == b->log_id[i];
        CU_ASSERT_TRUE(same);
        CU_ASSERT_EQUAL(a->sim.events_run, b->sim.events_run);
        CU_ASSERT_EQUAL(sim_lane_pending(&b->lane), 0);
        lw_free(a);
        lw_free(b);
    }
}

static void lane_handles_are_stale_after_firing_or_cancelling(void)
{
    struct sim sim;
    sim_event_init(&sim);
    unsigned long ran = 0;
    struct sim_lane l;
    sim_lane_init(&l, &sim, count_fn, &ran);
    uint64_t h[200];
    for (int i = 0; i < 200; i++) /* past the first ring size: it grows */
        h[i] = sim_lane_add(&l, 1.0 + 0.01 * i, (uint64_t)i);
    CU_ASSERT_FALSE(sim_lane_cancel(&l, 0));
    for (int i = 0; i < 200; i += 2)
        CU_ASSERT_TRUE(sim_lane_cancel(&l, h[i]));
    CU_ASSERT_FALSE(sim_lane_cancel(&l, h[0])); /* twice */
    CU_ASSERT_EQUAL(sim_lane_pending(&l), 100);
    CU_ASSERT_EQUAL(sim_event_pending(&sim), 1); /* one heap event for the whole lane */
    sim_event_run(&sim);
    CU_ASSERT_EQUAL(ran, 100);
    CU_ASSERT_EQUAL(sim.events_run, 100); /* the cancelled front timer's wakeup is not counted */
    CU_ASSERT_FALSE(sim_lane_cancel(&l, h[1])); /* fired */
    CU_ASSERT_EQUAL(sim_event_pending(&sim), 0);
    sim_lane_fini(&l);
    sim_event_fini(&sim);
}

static CU_TestInfo queue_tests[] = {
    {"random_operations_pop_in_reference_order", test_random_operations_pop_in_reference_order},
    {"times_order_numerically_across_magnitudes",
     test_times_order_numerically_across_magnitudes},
    {"random_operations_with_far_buckets_pop_in_reference_order",
     test_random_operations_with_far_buckets_pop_in_reference_order},
    {"far_buckets_hold_most_entries_of_a_large_queue",
     test_far_buckets_hold_most_entries_of_a_large_queue},
    {"far_buckets_jump_years_and_keep_huge_times_in_the_heap",
     test_far_buckets_jump_years_and_keep_huge_times_in_the_heap},
    {"far_buckets_stop_when_the_queue_shrinks", test_far_buckets_stop_when_the_queue_shrinks},
    {"prefetcher_sees_far_events_in_three_stages_before_they_run",
     test_prefetcher_sees_far_events_in_three_stages_before_they_run},
    {"renumber_keeps_the_order", test_renumber_keeps_the_order},
    {"side_position_keeps_the_order_of_a_plain_push",
     test_side_position_keeps_the_order_of_a_plain_push},
    {"exhausted_sequence_space_renumbers_without_reordering",
     test_exhausted_sequence_space_renumbers_without_reordering},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo engine_tests[] = {
    {"random_engine_operations_with_far_buckets_run_in_reference_order",
     test_random_engine_operations_with_far_buckets_run_in_reference_order},
    {"random_engine_operations_run_in_reference_order",
     test_random_engine_operations_run_in_reference_order},
    {"equal_times_run_in_schedule_order", test_equal_times_run_in_schedule_order},
    {"rescheduled_tied_event_runs_after_the_others",
     test_rescheduled_tied_event_runs_after_the_others},
    {"stale_handles_are_noops_returning_false", test_stale_handles_are_noops_returning_false},
    {"run_until_leaves_later_events_pending_and_sets_clock",
     test_run_until_leaves_later_events_pending_and_sets_clock},
    {"stop_returns_after_the_current_event", test_stop_returns_after_the_current_event},
    {"handler_can_cancel_a_tied_event_and_schedule_at_now",
     test_handler_can_cancel_a_tied_event_and_schedule_at_now},
    {"negative_zero_ties_with_zero", test_negative_zero_ties_with_zero},
    {"run_until_a_negative_time_runs_nothing", test_run_until_a_negative_time_runs_nothing},
    {"drained_queue_holds_nothing_and_is_reusable",
     test_drained_queue_holds_nothing_and_is_reusable},
    {"fini_frees_pending_events", test_fini_frees_pending_events},
    {"lane_fires_in_the_same_order_as_plain_events", lane_fires_in_the_same_order_as_plain_events},
    {"lane_handles_are_stale_after_firing_or_cancelling",
     lane_handles_are_stale_after_firing_or_cancelling},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_queue_suites[] = {
    {"queue", NULL, NULL, NULL, NULL, queue_tests},
    {"queue_engine", NULL, NULL, NULL, NULL, engine_tests},
    CU_SUITE_INFO_NULL,
};
