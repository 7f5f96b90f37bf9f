/*
 * event — the simulation engine: a clock and the events due at future times.
 *
 * Time is a double in seconds from the start of the run.  Events run in (time, seq)
 * order, where seq is the order of scheduling, so events at equal times run first in,
 * first out and every run is reproducible bit for bit.  Handlers are plain functions
 * `void fn(struct sim *, void *ctx, uint64_t arg)`; ctx and arg are whatever the scheduler
 * passed.  The engine knows nothing of AWS.
 *
 * Costs: schedule, cancel and reschedule are O(log n) in the number of pending events;
 * nothing is allocated per event once the queue has grown to its working size (see
 * sim/queue.h for the layout).  Handles to fired or cancelled events are harmlessly stale:
 * cancelling one does nothing, so models need not track which timers already fired.
 */
#ifndef ELBSIM_SIM_EVENT_H
#define ELBSIM_SIM_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/queue.h"
#include "sim/xalloc.h"

/* The engine.  Embed it or allocate it; initialise with sim_event_init. */
struct sim {
    double now;           /* s; time of the event running, or of the last one run */
    struct sim_queue q;   /* pending events */
    bool stopping;        /* set by sim_event_stop; cleared when a run function returns */
    uint64_t events_run;  /* events executed so far */
};

void sim_event_init(struct sim *sim);
void sim_event_fini(struct sim *sim);

/* Schedule fn(sim, ctx, arg) at absolute time at (>= now).  Returns a handle for
 * cancel/reschedule. */
static inline sim_handle sim_event_schedule(struct sim *sim, double at, sim_event_fn *fn,
                                            void *ctx, uint64_t arg)
{
    /* Scheduling into the past is a model bug: time would run backwards. */
    ELB_ASSERT(at >= sim->now);
    return sim_queue_push(&sim->q, at, fn, ctx, arg);
}

/* Schedule like sim_event_schedule, for an event source that keeps one event pending and
 * schedules its next from each (a workload's arrivals): the event waits beside the heap
 * when that place is free (sim/queue.h, sim_queue_push_side).  Events run in the same
 * order either way; only the heap's work is saved. */
static inline sim_handle sim_event_schedule_next(struct sim *sim, double at, sim_event_fn *fn,
                                                 void *ctx, uint64_t arg)
{
    ELB_ASSERT(at >= sim->now);
    return sim_queue_push_side(&sim->q, at, fn, ctx, arg);
}

/* Schedule after a delay (>= 0) from now. */
static inline sim_handle sim_event_after(struct sim *sim, double delay, sim_event_fn *fn,
                                         void *ctx, uint64_t arg)
{
    return sim_event_schedule(sim, sim->now + delay, fn, ctx, arg);
}

/* Give fn's events a prefetcher (sim/queue.h, sim_queue_prefetcher): it changes how fast a
 * run with many cold objects goes, never what it computes. */
static inline void sim_event_prefetcher(struct sim *sim, sim_event_fn *fn, sim_prefetch_fn *pf)
{
    sim_queue_prefetcher(&sim->q, fn, pf);
}

/* Cancel a pending event.  Returns true if it was pending; a stale or 0 handle is a no-op
 * returning false. */
bool sim_event_cancel(struct sim *sim, sim_handle h);

/* Move a pending event to absolute time at (>= now); it keeps its handle and, among equal
 * times, now runs after events already scheduled.  Returns false if h is not pending. */
bool sim_event_reschedule(struct sim *sim, sim_handle h, double at);

/* True while h names a pending event. */
bool sim_event_is_pending(const struct sim *sim, sim_handle h);

/* Run events until the queue is empty or sim_event_stop is called. */
void sim_event_run(struct sim *sim);

/* Run every event with time <= t_end, then set the clock to t_end (unless stopped first).
 * Events after t_end stay pending, so runs can be resumed. */
void sim_event_run_until(struct sim *sim, double t_end);

/* Ask the running loop to return after the current event. */
void sim_event_stop(struct sim *sim);

static inline double sim_now(const struct sim *sim)
{
    return sim->now;
}

static inline uint64_t sim_event_pending(const struct sim *sim)
{
    return sim_queue_size(&sim->q);
}

/*
 * Timer lanes: many timers of one handler, added in time order, most of them cancelled
 * before they are due (a client's timeout per request: now + a constant).  A lane keeps
 * them in a FIFO ring outside the heap; only its first live timer has an event in the heap.
 * Adding and cancelling are O(1) with no heap traffic; a cancelled timer is dropped when it
 * reaches the front.  Each timer takes its sequence number when added, so it fires at the
 * same (time, seq) place among all events as an event scheduled then would: outputs are
 * the same bytes as with sim_event_schedule.  When the front timer was cancelled, its event
 * still runs at its time to move the lane on; that run is bookkeeping and is not counted
 * in events_run.
 */
struct sim_lane_timer {
    double time;
    uint64_t seq;  /* reserved from the queue when added */
    uint64_t arg;
    uint64_t live; /* 1 pending, 0 cancelled or fired */
};

struct sim_lane {
    struct sim *sim;
    sim_event_fn *fn;            /* what a due timer runs: fn(sim, ctx, its arg) */
    void *ctx;
    struct sim_lane_timer *ring; /* [mask + 1], a power of two */
    uint64_t mask;
    uint64_t head, tail;         /* timers [head, tail) by absolute index */
    sim_handle ev;               /* the heap event for timer `armed`, 0 when none */
    uint64_t armed;
    double last;                 /* time of the last timer added */
};

/* A lane of timers that run fn(sim, ctx, arg). */
void sim_lane_init(struct sim_lane *l, struct sim *sim, sim_event_fn *fn, void *ctx);
void sim_lane_fini(struct sim_lane *l);

/* Add a timer at time at (>= now and >= the lane's last timer).  Returns its handle, never
 * 0.  O(1); the ring doubles when full. */
uint64_t sim_lane_add(struct sim_lane *l, double at, uint64_t arg);

/* Cancel a pending timer.  Returns true if it was pending; a fired, cancelled or 0 handle
 * is a no-op returning false.  O(1). */
bool sim_lane_cancel(struct sim_lane *l, uint64_t h);

/* Fetch the timer sim_lane_cancel(l, h) would write, ahead of it; changes nothing. */
void sim_lane_prefetch(const struct sim_lane *l, uint64_t h);

/* Timers pending (not cancelled, not fired). */
uint64_t sim_lane_pending(const struct sim_lane *l);

/* The argument of the timer k places after the lane's next one (k = 0: the next to fire,
 * cancelled or not), or UINT64_MAX when the lane holds fewer: for a handler to fetch ahead
 * what the timers to come will touch.  O(1). */
static inline uint64_t sim_lane_arg_ahead(const struct sim_lane *l, uint64_t k)
{
    return l->tail - l->head > k ? l->ring[(l->head + k) & l->mask].arg : UINT64_MAX;
}

#endif
