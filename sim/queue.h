/*
 * queue — the pending-event set: an indexed 4-ary min-heap ordered by (time, seq).
 *
 * This is the data structure behind sim/event.h and the one place to swap it.  Every
 * entry carries a sequence number taken at push time, so entries with equal times come
 * out in push order (FIFO) and a run is reproducible bit for bit.  Times are >= 0 (the
 * engine's clock starts at 0 and never runs backwards); a negative or NaN time aborts.
 *
 * Layout (measured by `make bench`):
 *   - heap: 16-byte entries {tkey, key}: tkey is the time's bit pattern (for a double
 *     >= 0 it orders as an unsigned integer exactly as the double does), key = seq << 26 |
 *     slot, so one 128-bit unsigned comparison of (tkey, key) orders by (time, seq), with
 *     no branch to mispredict.  The array is placed so that the four children of a node
 *     share one 64-byte cache line; a sift-down prefetches the next level's four lines.
 *   - slots: 32-byte records {fn, ctx, arg, heap position, generation} in one growable
 *     array with a free list.  The heap position makes removal O(log n); the generation
 *     makes a handle to a fired or cancelled event harmlessly stale.
 * A pop leaves the root vacant when entries remain (`vacant`); the next push sifts its entry
 * down from the root (a handler usually schedules one), any other operation first moves
 * the last entry there and sifts it down, as a plain pop would have.
 * Memory: 48 bytes per pending event; arrays grow by doubling and never shrink, so the
 * steady state allocates nothing.  Tried and measured slower: Floyd's bottom-up sift-down
 * (the hold model's last entry is not usually a large one), d = 8, and keeping the heap
 * positions in an array apart from the slots.
 *
 * Limits: 2^26 (67 million) pending events; sequence numbers are renumbered in order when
 * 2^38 pushes have been made, which keeps ordering exact forever.
 */
#ifndef ELBSIM_SIM_QUEUE_H
#define ELBSIM_SIM_QUEUE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sim;

/* An event handler: runs at the event's time; ctx and arg are what was scheduled. */
typedef void sim_event_fn(struct sim *sim, void *ctx, uint64_t arg);

/* A handle to a pending event; 0 is never a valid handle ("no event"). */
typedef uint64_t sim_handle;

struct sim_queue_entry {
    uint64_t tkey; /* sim_queue_tkey(time): ordered like the time */
    uint64_t key;  /* seq << SIM_QUEUE_SLOT_BITS | slot */
};

struct sim_queue_slot {
    sim_event_fn *fn; /* NULL while the slot is free */
    void *ctx;
    uint64_t arg;
    uint32_t pos; /* index in heap while pending; next free slot while free */
    uint32_t gen; /* bumped each time the slot is freed; part of the handle */
};

/* Something outside the heap that holds sequence numbers it reserved (sim/event.c's timer
 * lanes): visit(ctx, fn, arg) calls fn(&seq, arg) on each of them, so that renumbering
 * keeps them in order with the heap's. */
struct sim_queue_holder {
    void (*visit)(void *ctx, void (*fn)(uint64_t *seq, void *arg), void *arg);
    void *ctx;
};

struct sim_queue {
    struct sim_queue_entry *heap; /* heap[0] is the earliest; heap + 1 is 64-byte aligned */
    void *heap_mem;               /* the allocation heap points into */
    size_t size;                  /* pending entries, plus one while `vacant` */
    bool vacant;                  /* heap[0] is empty: the last pop left it for the next push
                                   * to fill (one sift-down instead of a sift-down and a
                                   * sift-up); any other operation fills it first */
    size_t cap;
    struct sim_queue_slot *slots;
    uint32_t nslots;    /* slots ever created */
    uint32_t free_head; /* first free slot, UINT32_MAX when none */
    uint64_t next_seq;  /* next sequence number */
    struct sim_queue_holder *holders; /* [nholders] reserved sequence numbers outside */
    uint32_t nholders;
};

/* What pop hands back: the event that is due. */
struct sim_queue_item {
    double time;
    sim_event_fn *fn;
    void *ctx;
    uint64_t arg;
};

#define SIM_QUEUE_SLOT_BITS 26
#define SIM_QUEUE_MAX_PENDING (1u << SIM_QUEUE_SLOT_BITS)

void sim_queue_init(struct sim_queue *q);
void sim_queue_fini(struct sim_queue *q);

/* Insert; returns the new event's handle.  fn must not be NULL; time must be >= 0. */
sim_handle sim_queue_push(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
                          uint64_t arg);

/* Take the next sequence number now, for an entry pushed later with sim_queue_push_seq: it
 * will order among equal times as if pushed now.  Whoever keeps it must be registered with
 * sim_queue_hold, so that renumbering reaches it. */
uint64_t sim_queue_reserve_seq(struct sim_queue *q);

/* Insert with a sequence number from sim_queue_reserve_seq. */
sim_handle sim_queue_push_seq(struct sim_queue *q, double time, uint64_t seq, sim_event_fn *fn,
                              void *ctx, uint64_t arg);

/* Register (or, with sim_queue_unhold, forget) a holder of reserved sequence numbers. */
void sim_queue_hold(struct sim_queue *q, struct sim_queue_holder h);
void sim_queue_unhold(struct sim_queue *q, void *ctx);

/* Remove the earliest entry into *out.  Returns false when empty. */
bool sim_queue_pop(struct sim_queue *q, struct sim_queue_item *out);

/* Remove the earliest entry into *out if its time is <= t_end.  Returns false (and does
 * nothing) when the queue is empty or the earliest entry is later. */
bool sim_queue_pop_due(struct sim_queue *q, double t_end, struct sim_queue_item *out);

/* Remove a pending event.  Returns false (and does nothing) if h is stale or 0. */
bool sim_queue_remove(struct sim_queue *q, sim_handle h);

/* Move a pending event to a new time (>= 0); it takes a fresh sequence number, so among
 * equal times it now runs after everything already scheduled.  The handle stays valid.
 * Returns false if h is stale. */
bool sim_queue_retime(struct sim_queue *q, sim_handle h, double time);

/* True if h names a pending event. */
bool sim_queue_is_pending(const struct sim_queue *q, sim_handle h);

/* Time of a pending event, or NAN when h is stale. */
double sim_queue_time_of(const struct sim_queue *q, sim_handle h);

/* A time >= 0 as a key and back.  The bits of a non-negative double, read as an unsigned
 * integer, order exactly as the doubles do.  Clearing the sign bit makes -0.0 the same key
 * as +0.0, since the two compare equal as doubles. */
static inline uint64_t sim_queue_tkey(double time)
{
    uint64_t u;
    memcpy(&u, &time, sizeof u);
    return u & ~((uint64_t)1 << 63);
}

static inline double sim_queue_tkey_time(uint64_t k)
{
    double t;
    memcpy(&t, &k, sizeof t);
    return t;
}

/* Earliest time, or +INFINITY when empty. */
static inline double sim_queue_peek_time(const struct sim_queue *q)
{
    if (!q->vacant)
        return q->size ? sim_queue_tkey_time(q->heap[0].tkey) : (double)INFINITY;
    /* The root is empty: the earliest is one of its children (there is at least one). */
    uint64_t t = q->heap[1].tkey;
    for (size_t c = 2; c <= 4 && c < q->size; c++)
        t = q->heap[c].tkey < t ? q->heap[c].tkey : t;
    return sim_queue_tkey_time(t);
}

static inline size_t sim_queue_size(const struct sim_queue *q)
{
    return q->size - q->vacant;
}

/* Renumber the pending sequence numbers (the heap's and the holders') 0..n-1 in their
 * current order.  Called by push when the sequence space runs out; exposed so a test can
 * exercise it. */
void sim_queue_renumber(struct sim_queue *q);

#endif
