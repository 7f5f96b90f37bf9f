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

/* Schedule after a delay (>= 0) from now. */
static inline sim_handle sim_event_after(struct sim *sim, double delay, sim_event_fn *fn,
                                         void *ctx, uint64_t arg)
{
    return sim_event_schedule(sim, sim->now + delay, fn, ctx, arg);
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

#endif
