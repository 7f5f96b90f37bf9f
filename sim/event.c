#include "sim/event.h"

#include <math.h>

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
