#include "sim/event.h"

#include <math.h>
#include <stdlib.h>

#include "sim/interrupt.h"
#include "sim/xalloc.h"

void sim_event_init(struct sim *sim)
{
    sim->now = 0.0;
    sim->stopping = false;
    sim->events_run = 0;
    sim_queue_init(&sim->q);
}

void sim_event_fini(struct sim *sim)
{
    sim_queue_fini(&sim->q);
}

bool sim_event_cancel(struct sim *sim, sim_handle h)
{
    return sim_queue_remove(&sim->q, h);
}

bool sim_event_reschedule(struct sim *sim, sim_handle h, double at)
{
    ELB_ASSERT(at >= sim->now);
    return sim_queue_retime(&sim->q, h, at);
}

bool sim_event_is_pending(const struct sim *sim, sim_handle h)
{
    return sim_queue_is_pending(&sim->q, h);
}

void sim_event_stop(struct sim *sim)
{
    sim->stopping = true;
}

void sim_event_run_until(struct sim *sim, double t_end)
{
    struct sim_queue_item it;
    /* A caught SIGINT/SIGTERM ends the run between two events (sim/interrupt.h). */
    while (!sim->stopping && !sim_interrupt_signal() && sim_queue_pop_due(&sim->q, t_end, &it)) {
        sim->now = it.time;
        sim->events_run++;
        it.fn(sim, it.ctx, it.arg);
    }
    if (!sim->stopping && !sim_interrupt_signal() && t_end > sim->now && !isinf(t_end))
        sim->now = t_end;
    sim->stopping = false;
}

void sim_event_run(struct sim *sim)
{
    sim_event_run_until(sim, (double)INFINITY);
}

/* ---- timer lanes ---- */

static void lane_fire(struct sim *sim, void *ctx, uint64_t arg);

static struct sim_lane_timer *lane_at(const struct sim_lane *l, uint64_t i)
{
    return &l->ring[i & l->mask];
}

/* Drop cancelled timers from the front; give the first live one its heap event. */
static void lane_arm(struct sim_lane *l)
{
    while (l->head < l->tail && !lane_at(l, l->head)->live)
        l->head++;
    if (l->head == l->tail)
        return;
    const struct sim_lane_timer *t = lane_at(l, l->head);
    l->armed = l->head;
    l->ev = sim_queue_push_seq(&l->sim->q, t->time, t->seq, lane_fire, l, l->head);
}

static void lane_fire(struct sim *sim, void *ctx, uint64_t arg)
{
    struct sim_lane *l = ctx;
    l->ev = 0;
    struct sim_lane_timer *t = lane_at(l, arg);
    l->head = arg + 1; /* everything before it was dropped by lane_arm */
    if (t->live) {
        t->live = 0;
        l->fn(sim, l->ctx, t->arg); /* may add (and arm) or cancel timers */
    } else {
        sim->events_run--; /* moving past a cancelled timer is no event of the model */
    }
    if (!l->ev)
        lane_arm(l);
}

static void lane_visit(void *ctx, void (*fn)(uint64_t *seq, void *arg), void *arg)
{
    struct sim_lane *l = ctx;
    for (uint64_t i = l->head; i < l->tail; i++)
        fn(&lane_at(l, i)->seq, arg);
}

void sim_lane_init(struct sim_lane *l, struct sim *sim, sim_event_fn *fn, void *ctx)
{
    *l = (struct sim_lane){.sim = sim, .fn = fn, .ctx = ctx, .mask = 63};
    l->ring = xmalloc((l->mask + 1) * sizeof *l->ring);
    sim_queue_hold(&sim->q, (struct sim_queue_holder){lane_visit, l});
}

void sim_lane_fini(struct sim_lane *l)
{
    if (!l->ring)
        return;
    sim_queue_unhold(&l->sim->q, l);
    sim_queue_remove(&l->sim->q, l->ev);
    free(l->ring);
    l->ring = NULL;
}

uint64_t sim_lane_add(struct sim_lane *l, double at, uint64_t arg)
{
    ELB_ASSERT(at >= l->sim->now && at >= l->last);
    if (l->tail - l->head == l->mask + 1) {
        /* Full: double, each timer moving to its index in the larger ring. */
        uint64_t cap = 2 * (l->mask + 1);
        struct sim_lane_timer *r = xmalloc(cap * sizeof *r);
        for (uint64_t i = l->head; i < l->tail; i++)
            r[i & (cap - 1)] = *lane_at(l, i);
        free(l->ring);
        l->ring = r;
        l->mask = cap - 1;
    }
    uint64_t i = l->tail++;
    *lane_at(l, i) = (struct sim_lane_timer){at, sim_queue_reserve_seq(&l->sim->q), arg, 1};
    l->last = at;
    if (!l->ev)
        lane_arm(l);
    return i + 1;
}

/* Is h a handle of a timer still in l's ring (pending or cancelled, not yet dropped)? */
static bool lane_holds(const struct sim_lane *l, uint64_t h)
{
    return h != 0 && h - 1 >= l->head && h - 1 < l->tail;
}

bool sim_lane_cancel(struct sim_lane *l, uint64_t h)
{
    if (!lane_holds(l, h))
        return false;
    struct sim_lane_timer *t = lane_at(l, h - 1);
    if (!t->live)
        return false;
    t->live = 0; /* dropped when it reaches the front; its event, if armed, moves on */
    return true;
}

void sim_lane_prefetch(const struct sim_lane *l, uint64_t h)
{
    /* The field cancelling writes: a 32-byte timer in a 16-byte aligned ring may straddle
     * two lines. */
    if (lane_holds(l, h))
        __builtin_prefetch(&lane_at(l, h - 1)->live, 1);
}

uint64_t sim_lane_pending(const struct sim_lane *l)
{
    uint64_t n = 0;
    for (uint64_t i = l->head; i < l->tail; i++)
        n += lane_at(l, i)->live != 0;
    return n;
}
