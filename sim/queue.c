#include "sim/queue.h"

#include <math.h>
#include <stdlib.h>

#include "sim/xalloc.h"

#define SLOT_MASK ((uint64_t)SIM_QUEUE_MAX_PENDING - 1)
#define SEQ_LIMIT ((uint64_t)1 << (64 - SIM_QUEUE_SLOT_BITS))
#define NO_SLOT UINT32_MAX

static inline bool before(const struct sim_queue_entry *a, const struct sim_queue_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static inline uint32_t slot_of(uint64_t key)
{
    return (uint32_t)(key & SLOT_MASK);
}

void sim_queue_init(struct sim_queue *q)
{
    q->cap = 64;
    q->size = 0;
    q->heap = xmalloc(q->cap * sizeof *q->heap);
    q->slots = xmalloc(q->cap * sizeof *q->slots);
    q->nslots = 0;
    q->free_head = NO_SLOT;
    q->next_seq = 0;
}

void sim_queue_fini(struct sim_queue *q)
{
    free(q->heap);
    free(q->slots);
    q->heap = NULL;
    q->slots = NULL;
    q->size = q->cap = 0;
    q->nslots = 0;
}

/* Place e at position i and tell its slot. */
static inline void put(struct sim_queue *q, size_t i, struct sim_queue_entry e)
{
    q->heap[i] = e;
    q->slots[slot_of(e.key)].pos = (uint32_t)i;
}

static void sift_up(struct sim_queue *q, size_t i, struct sim_queue_entry e)
{
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!before(&e, &q->heap[parent]))
            break;
        put(q, i, q->heap[parent]);
        i = parent;
    }
    put(q, i, e);
}

static void sift_down(struct sim_queue *q, size_t i, struct sim_queue_entry e)
{
    size_t n = q->size;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        /* Smallest of up to four children. */
        size_t best = c;
        size_t end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&q->heap[k], &q->heap[best]))
                best = k;
        if (!before(&q->heap[best], &e))
            break;
        put(q, i, q->heap[best]);
        i = best;
    }
    put(q, i, e);
}

static uint32_t slot_alloc(struct sim_queue *q)
{
    if (q->free_head != NO_SLOT) {
        uint32_t s = q->free_head;
        q->free_head = q->slots[s].pos;
        return s;
    }
    ELB_ASSERT(q->nslots < SIM_QUEUE_MAX_PENDING);
    if (q->nslots == q->cap) {
        /* Heap and slots grow together: pending <= slots <= cap. */
        q->cap *= 2;
        q->heap = xrealloc(q->heap, q->cap * sizeof *q->heap);
        q->slots = xrealloc(q->slots, q->cap * sizeof *q->slots);
    }
    uint32_t s = q->nslots++;
    q->slots[s].gen = 1;
    return s;
}

static void slot_free(struct sim_queue *q, uint32_t s)
{
    struct sim_queue_slot *sl = &q->slots[s];
    sl->fn = NULL;
    sl->gen++;
    if (sl->gen == 0)
        sl->gen = 1; /* handles are never 0 */
    sl->pos = q->free_head;
    q->free_head = s;
}

static inline sim_handle handle_of(const struct sim_queue *q, uint32_t s)
{
    return (uint64_t)q->slots[s].gen << 32 | s;
}

/* The slot a handle names if it is still pending, else NO_SLOT. */
static uint32_t live_slot(const struct sim_queue *q, sim_handle h)
{
    uint32_t s = (uint32_t)h;
    if (h == 0 || s >= q->nslots)
        return NO_SLOT;
    const struct sim_queue_slot *sl = &q->slots[s];
    if (sl->fn == NULL || sl->gen != (uint32_t)(h >> 32))
        return NO_SLOT;
    return s;
}

static uint64_t take_seq(struct sim_queue *q)
{
    if (q->next_seq == SEQ_LIMIT)
        sim_queue_renumber(q);
    return q->next_seq++;
}

sim_handle sim_queue_push(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
                          uint64_t arg)
{
    ELB_ASSERT(fn != NULL);
    ELB_ASSERT(!isnan(time));
    uint32_t s = slot_alloc(q);
    struct sim_queue_slot *sl = &q->slots[s];
    sl->fn = fn;
    sl->ctx = ctx;
    sl->arg = arg;
    struct sim_queue_entry e = {time, take_seq(q) << SIM_QUEUE_SLOT_BITS | s};
    sift_up(q, q->size++, e);
    return handle_of(q, s);
}

/* Take out the entry at heap position i, restoring the heap.  Floyd's bottom-up variant:
 * the hole left at i moves down along the smaller children to a leaf without comparing
 * against the last entry (which nearly always belongs near the bottom), then the last entry
 * fills the hole and sifts up, usually by a step or none.  Saves a comparison per level. */
static void remove_at(struct sim_queue *q, size_t i)
{
    struct sim_queue_entry last = q->heap[--q->size];
    size_t n = q->size;
    if (i == n)
        return;
    struct sim_queue_entry *h = q->heap;
    for (;;) {
        size_t c = 4 * i + 1;
        size_t best;
        if (c + 3 < n) {
            /* Tournament of four: independent comparisons, compiled to conditional moves. */
            size_t a = before(&h[c + 1], &h[c]) ? c + 1 : c;
            size_t b = before(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
            best = before(&h[b], &h[a]) ? b : a;
        } else if (c < n) {
            best = c;
            for (size_t k = c + 1; k < n; k++)
                if (before(&h[k], &h[best]))
                    best = k;
        } else {
            break;
        }
        put(q, i, h[best]);
        i = best;
    }
    sift_up(q, i, last);
}

bool sim_queue_pop(struct sim_queue *q, struct sim_queue_item *out)
{
    if (q->size == 0)
        return false;
    struct sim_queue_entry top = q->heap[0];
    uint32_t s = slot_of(top.key);
    struct sim_queue_slot *sl = &q->slots[s];
    out->time = top.time;
    out->fn = sl->fn;
    out->ctx = sl->ctx;
    out->arg = sl->arg;
    remove_at(q, 0);
    slot_free(q, s);
    return true;
}

bool sim_queue_remove(struct sim_queue *q, sim_handle h)
{
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return false;
    remove_at(q, q->slots[s].pos);
    slot_free(q, s);
    return true;
}

bool sim_queue_retime(struct sim_queue *q, sim_handle h, double time)
{
    ELB_ASSERT(!isnan(time));
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return false;
    size_t i = q->slots[s].pos;
    struct sim_queue_entry e = {time, take_seq(q) << SIM_QUEUE_SLOT_BITS | s};
    /* The new key is larger than every other key, so ties now break after the rest. */
    if (i > 0 && before(&e, &q->heap[(i - 1) >> 2]))
        sift_up(q, i, e);
    else
        sift_down(q, i, e);
    return true;
}

bool sim_queue_is_pending(const struct sim_queue *q, sim_handle h)
{
    return live_slot(q, h) != NO_SLOT;
}

double sim_queue_time_of(const struct sim_queue *q, sim_handle h)
{
    uint32_t s = live_slot(q, h);
    return s == NO_SLOT ? (double)NAN : q->heap[q->slots[s].pos].time;
}

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void sim_queue_renumber(struct sim_queue *q)
{
    /* Sorting the keys sorts by old sequence number (keys are unique); the rank becomes
     * the new sequence number.  Relative order is unchanged, so the heap stays valid. */
    size_t n = q->size;
    uint64_t *keys = xmalloc((n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++)
        keys[i] = q->heap[i].key;
    qsort(keys, n, sizeof *keys, cmp_key);
    /* Each entry is found through its slot's heap position. */
    for (size_t r = 0; r < n; r++) {
        uint32_t s = slot_of(keys[r]);
        q->heap[q->slots[s].pos].key = (uint64_t)r << SIM_QUEUE_SLOT_BITS | s;
    }
    q->next_seq = n;
    free(keys);
}
