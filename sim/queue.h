/*
 * queue — the pending-event set: an indexed 4-ary min-heap ordered by (time, seq), with a
 * calendar of buckets in front of it for events far ahead when many are pending.
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
 *   - slots: 32-byte records {fn, ctx, arg, position, generation} in one growable array
 *     with a free list.  The position makes removal O(log n); the generation makes a
 *     handle to a fired or cancelled event harmlessly stale.
 *   - far buckets (a calendar queue's year, one rung of a ladder queue): once more than
 *     `far_min` events are pending (16,384 by default), an event due in a later bucket of
 *     width W waits unsorted in bucket floor(t / W) mod the bucket count (O(1) add and
 *     remove) instead of in the heap; a bucket also holds later years' entries.  Before
 *     each pop, every bucket number up to the heap minimum's is emptied into the heap (its
 *     later years' entries stay), so the heap always holds whatever is due first and the
 *     pop order is exactly (time, seq), whatever W is: the buckets change only the speed.
 *     W and the bucket count (256 to 8,192, a year covering the 99th percentile of pending
 *     times) are chosen from a sample of pending times when the pending count doubles or
 *     falls to a quarter, or after a turnover if most entries are in the heap; with 10^6
 *     think-time timers pending, the heap then holds a few thousand entries instead of
 *     10^6, and stays in the cache.  As an entry moves from its bucket into the heap, what
 *     its handler will touch is fetched (sim_queue_prefetcher; else ctx's first line).
 *     A bucket's entries sit in chunks of 32 from one pool,
 *     so memory follows the pending count, not each bucket's high-water mark.  Times too
 *     large to bucket (2^62 W and more, +inf) stay in the heap.
 *   - side: one entry beside the heap, for an event source that keeps one event pending
 *     and schedules the next from it (sim_queue_push_side; a workload's arrivals): a pop
 *     takes it when it is before the heap's minimum by (time, seq), so the order is that
 *     of a plain push and only the heap's sift is saved.
 * A pop leaves the root vacant when entries remain (`vacant`); the next push sifts its entry
 * down from the root (a handler usually schedules one), any other operation first moves
 * the last entry there and sifts it down, as a plain pop would have.
 * Memory: 48 bytes per pending event in the heap, 16 more in a bucket (the heap array keeps
 * its high-water mark); arrays grow by doubling and never shrink, so the steady state
 * allocates nothing.  Tried and measured slower: Floyd's bottom-up sift-down
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
    uint32_t pos; /* while pending: index in heap, or SIM_QUEUE_FAR | chunk << 5 | index
                   * in the chunk; while free: the next free slot */
    uint32_t gen; /* bumped each time the slot is freed; part of the handle */
};

/* A prefetcher for the events of one handler (sim_queue_prefetcher): given such an event's
 * ctx and arg, it issues __builtin_prefetch on what the handler will read.  It is called
 * in up to three stages per event, a few events apart: stage 0 fetches what ctx and arg
 * point to, reading nothing; stage 1 may read those lines (they have arrived) to fetch
 * what they point to; stage 2 may read what stage 1 fetched, one link further.  Each
 * returns whether the next stage has anything to fetch (false: the later ones are not
 * called).  It must change nothing. */
typedef bool sim_prefetch_fn(const void *ctx, uint64_t arg, int stage);

#define SIM_QUEUE_PREFETCHERS 4 /* handlers that can have a prefetcher */

/* Something outside the heap that holds sequence numbers it reserved (sim/event.c's timer
 * lanes): visit(ctx, fn, arg) calls fn(&seq, arg) on each of them, so that renumbering
 * keeps them in order with the heap's. */
struct sim_queue_holder {
    void (*visit)(void *ctx, void (*fn)(uint64_t *seq, void *arg), void *arg);
    void *ctx;
};

/* A far bucket: its n unsorted entries, in a list of chunks (the last one part full). */
struct sim_queue_bucket {
    uint32_t head, tail; /* chunk numbers, UINT32_MAX when empty */
    uint32_t n;
};

#define SIM_QUEUE_FAR_CHUNK_BITS 5
#define SIM_QUEUE_FAR_CHUNK (1u << SIM_QUEUE_FAR_CHUNK_BITS) /* entries per chunk */

struct sim_queue_chunk {
    struct sim_queue_entry e[SIM_QUEUE_FAR_CHUNK];
};

struct sim_queue_link {
    uint32_t next, prev; /* in the bucket's list; next: in the free list while free */
    uint32_t bucket;
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
    /* Far buckets (off while far_nb is 0).  Bucket number a(t) = floor(t * far_inv_w); the
     * entry of time t waits in far[a(t) % far_nb] when a(t) > far_done (a later year's
     * too); numbers up to far_done have been emptied into the heap. */
    struct sim_queue_bucket *far;
    uint32_t far_nb;     /* a power of two, or 0 */
    struct sim_queue_chunk *far_chunks; /* [far_nchunks] of far_chunk_cap, shared by all */
    struct sim_queue_link *far_links;   /* [far_nchunks] */
    uint32_t far_nchunks, far_chunk_cap;
    uint32_t far_free;   /* first free chunk, UINT32_MAX when none */
    size_t far_count;    /* entries in the buckets */
    double far_inv_w;    /* buckets per second */
    uint64_t far_done;   /* the last bucket number emptied into the heap */
    size_t far_min;      /* the buckets start when more than this many are pending */
    size_t far_hi, far_lo; /* choose W again when the pending count leaves [lo, hi] */
    size_t far_turn;       /* pops until the width is checked again (a turnover) */
    uint64_t far_calibrations; /* times W was chosen (for tests and benchmarks) */
    /* The side position: one entry kept beside the heap, not in it (sim_queue_push_side). */
    struct sim_queue_entry side;
    bool side_live;
    uint64_t side_pops; /* entries popped from the side (for tests and benchmarks) */
    /* Handlers with a prefetcher, which far_advance calls instead of fetching ctx alone. */
    sim_event_fn *pf_fn[SIM_QUEUE_PREFETCHERS];
    sim_prefetch_fn *pf[SIM_QUEUE_PREFETCHERS];
    uint32_t npf;
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
#define SIM_QUEUE_FAR 0x80000000u       /* in a slot's pos: the entry is in a far bucket */
#define SIM_QUEUE_SIDE 0x40000000u      /* in a slot's pos: the entry is in the side position */
#define SIM_QUEUE_FAR_MAX_BUCKETS 8192u
#define SIM_QUEUE_FAR_MIN 16384u        /* default far_min */

/* far_min of every queue made from now on: SIM_QUEUE_FAR_MIN unless changed.  The command
 * line sets it from ELBSIM_QUEUE_FAR_MIN, so that a test can run the same scenario with
 * the buckets off (a huge value) and on early (16) and compare the outputs byte for byte. */
extern size_t sim_queue_far_min_default;

void sim_queue_init(struct sim_queue *q);
void sim_queue_fini(struct sim_queue *q);

/* Insert; returns the new event's handle.  fn must not be NULL; time must be >= 0. */
sim_handle sim_queue_push(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
                          uint64_t arg);

/* Insert like sim_queue_push, into the side position when it is free (else into the heap as
 * usual).  The order in which entries come out is the same either way, (time, seq): the
 * side only saves the heap's work for an event source that keeps one event pending and
 * schedules the next as each one runs (a workload's next arrival), whose entry would
 * otherwise be sifted through the heap once per event it makes. */
sim_handle sim_queue_push_side(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
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

/* Give fn's events a prefetcher: when such an event leaves a far bucket for the heap, a
 * bucket's worth of events (about 32 pending a bucket, more near the front) before it
 * runs, pf(ctx, arg, 0) and a few entries later pf(ctx, arg, 1) fetch what its handler will
 * touch, instead of the first cache line of ctx only.  That is where a run with 10^5
 * targets spends its time otherwise: a completion's target and requests were last touched
 * a second of simulated time, 10^5 requests, earlier.  A second call for the same fn
 * replaces its prefetcher; at most SIM_QUEUE_PREFETCHERS handlers (more are ignored:
 * prefetching changes the speed only, never the order). */
void sim_queue_prefetcher(struct sim_queue *q, sim_event_fn *fn, sim_prefetch_fn *pf);

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
double sim_queue_peek_time(const struct sim_queue *q);

static inline size_t sim_queue_size(const struct sim_queue *q)
{
    return q->size - q->vacant + q->far_count + q->side_live;
}

/* Renumber the pending sequence numbers (the heap's and the holders') 0..n-1 in their
 * current order.  Called by push when the sequence space runs out; exposed so a test can
 * exercise it. */
void sim_queue_renumber(struct sim_queue *q);

#endif
