#include "sim/queue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

#define SLOT_MASK ((uint64_t)SIM_QUEUE_MAX_PENDING - 1)
#define SEQ_LIMIT ((uint64_t)1 << (64 - SIM_QUEUE_SLOT_BITS))
#define NO_SLOT UINT32_MAX

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Is (ta, ka) before (tb, kb)?  Compared as one 128-bit unsigned number, which compilers
 * turn into compare-with-borrow: no branch to mispredict, and inside a heap the
 * comparisons are coin flips.  Entries are handled as two scalars throughout, never as a
 * 16-byte struct value: gcc moves those through SSE registers and the stack, and the
 * mismatched store and load sizes defeat store-to-load forwarding (measured: +20 ns per
 * event on M/M/1). */
static inline bool before(uint64_t ta, uint64_t ka, uint64_t tb, uint64_t kb)
{
#ifdef __SIZEOF_INT128__
    return ((unsigned __int128)ta << 64 | ka) < ((unsigned __int128)tb << 64 | kb);
#else
    return (ta < tb) | ((ta == tb) & (ka < kb));
#endif
}

static inline bool before_at(const struct sim_queue_entry *h, size_t i, size_t j)
{
    return before(h[i].tkey, h[i].key, h[j].tkey, h[j].key);
}

static inline uint32_t slot_of(uint64_t key)
{
    return (uint32_t)(key & SLOT_MASK);
}

/* Heap storage for cap entries, placed so that heap + 1, and with it every group of four
 * siblings 4i+1 .. 4i+4, starts on a 64-byte cache line. */
static void heap_alloc(struct sim_queue *q, size_t cap)
{
    size_t bytes = (cap + 3) * sizeof(struct sim_queue_entry);
    bytes = (bytes + 63) & ~(size_t)63;
    /* A large heap (10^5 pending timers and more) on huge pages (sim/xalloc.h). */
    void *mem = bytes >= XALLOC_HUGE_BYTES ? xmalloc_huge(bytes) : aligned_alloc(64, bytes);
    if (!mem) {
        fprintf(stderr, "elbsim: out of memory allocating %zu bytes\n", bytes);
        abort();
    }
    struct sim_queue_entry *heap = (struct sim_queue_entry *)mem + 3;
    if (q->heap)
        memcpy(heap, q->heap, q->size * sizeof *heap);
    free(q->heap_mem);
    q->heap_mem = mem;
    q->heap = heap;
}

void sim_queue_init(struct sim_queue *q)
{
    q->cap = 64;
    q->size = 0;
    q->vacant = false;
    q->heap = NULL;
    q->heap_mem = NULL;
    heap_alloc(q, q->cap);
    q->slots = xmalloc(q->cap * sizeof *q->slots);
    q->nslots = 0;
    q->free_head = NO_SLOT;
    q->next_seq = 0;
    q->holders = NULL;
    q->nholders = 0;
}

void sim_queue_fini(struct sim_queue *q)
{
    free(q->heap_mem);
    free(q->slots);
    free(q->holders);
    q->holders = NULL;
    q->nholders = 0;
    q->heap = NULL;
    q->heap_mem = NULL;
    q->slots = NULL;
    q->size = q->cap = 0;
    q->vacant = false;
    q->nslots = 0;
}

/* Place (t, k) at position i and tell its slot. */
static inline void put(struct sim_queue *q, size_t i, uint64_t t, uint64_t k)
{
    q->heap[i].tkey = t;
    q->heap[i].key = k;
    q->slots[slot_of(k)].pos = (uint32_t)i;
}

static inline void sift_up(struct sim_queue *q, size_t i, uint64_t t, uint64_t k)
{
    const struct sim_queue_entry *h = q->heap;
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        uint64_t pt = h[parent].tkey, pk = h[parent].key;
        /* One step decides whether to go on: a plain branch answers soonest. */
        if (t != pt ? t > pt : k > pk)
            break;
        put(q, i, pt, pk);
        i = parent;
    }
    put(q, i, t, k);
}

/* The smallest of the children of i, or 0 when i is a leaf. */
static inline size_t min_child(const struct sim_queue_entry *h, size_t n, size_t i)
{
    size_t c = 4 * i + 1;
    if (c + 3 < n) {
        /* All four: a tournament whose winners are picked by arithmetic, not branches. */
        size_t a = c + before_at(h, c + 1, c);
        size_t b = c + 2 + before_at(h, c + 3, c + 2);
        size_t bwins = -(size_t)before_at(h, b, a);
        return a ^ ((a ^ b) & bwins);
    }
    if (c >= n)
        return 0;
    size_t best = c;
    for (size_t j = c + 1; j < n; j++)
        if (before_at(h, j, best))
            best = j;
    return best;
}

static inline void sift_down(struct sim_queue *q, size_t i, uint64_t t, uint64_t k)
{
    const struct sim_queue_entry *h = q->heap;
    size_t n = q->size;
    for (;;) {
        /* The four sibling groups of the next level down, one cache line each: fetch them
         * while this level is compared (at 10^5 pending and more the heap is out of L2). */
        size_t g = 16 * i + 5;
        if (g + 12 < n) {
            PREFETCH(&h[g]);
            PREFETCH(&h[g + 4]);
            PREFETCH(&h[g + 8]);
            PREFETCH(&h[g + 12]);
        }
        size_t best = min_child(h, n, i);
        if (best == 0)
            break;
        uint64_t bt = h[best].tkey, bk = h[best].key;
        if (!before(bt, bk, t, k))
            break;
        put(q, i, bt, bk);
        i = best;
    }
    put(q, i, t, k);
}

/* Fill a vacant root with the last entry. */
static inline void fill_vacant(struct sim_queue *q)
{
    if (!q->vacant)
        return;
    q->vacant = false;
    size_t n = --q->size; /* >= 1: a pop leaves the root vacant only with entries below it */
    sift_down(q, 0, q->heap[n].tkey, q->heap[n].key);
}

/* Place a new entry (t, k): into the vacant root, sifting down, or at the end, sifting up. */
static inline void place_new(struct sim_queue *q, uint64_t t, uint64_t k)
{
    if (q->vacant) {
        q->vacant = false;
        sift_down(q, 0, t, k);
    } else {
        sift_up(q, q->size++, t, k);
    }
}

static void grow(struct sim_queue *q)
{
    /* Heap and slots grow together: pending <= slots <= cap. */
    size_t old = q->cap * sizeof *q->slots;
    q->cap *= 2;
    heap_alloc(q, q->cap);
    q->slots = xrealloc_huge(q->slots, old, q->cap * sizeof *q->slots);
}

static inline uint32_t slot_alloc(struct sim_queue *q)
{
    if (q->free_head != NO_SLOT) {
        uint32_t s = q->free_head;
        q->free_head = q->slots[s].pos;
        return s;
    }
    ELB_ASSERT(q->nslots < SIM_QUEUE_MAX_PENDING);
    if (q->nslots == q->cap)
        grow(q);
    uint32_t s = q->nslots++;
    q->slots[s].gen = 1;
    return s;
}

static inline void slot_free(struct sim_queue *q, uint32_t s)
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

static inline uint64_t take_seq(struct sim_queue *q)
{
    if (q->next_seq == SEQ_LIMIT)
        sim_queue_renumber(q);
    return q->next_seq++;
}

sim_handle sim_queue_push(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
                          uint64_t arg)
{
    ELB_ASSERT(fn != NULL);
    ELB_ASSERT(time >= 0.0); /* also false for NaN */
    uint32_t s = slot_alloc(q);
    struct sim_queue_slot *sl = &q->slots[s];
    sl->fn = fn;
    sl->ctx = ctx;
    sl->arg = arg;
    uint64_t k = take_seq(q) << SIM_QUEUE_SLOT_BITS | s; /* (a renumbering fills the root) */
    place_new(q, sim_queue_tkey(time), k);
    return handle_of(q, s);
}

uint64_t sim_queue_reserve_seq(struct sim_queue *q)
{
    return take_seq(q);
}

sim_handle sim_queue_push_seq(struct sim_queue *q, double time, uint64_t seq, sim_event_fn *fn,
                              void *ctx, uint64_t arg)
{
    ELB_ASSERT(fn != NULL);
    ELB_ASSERT(time >= 0.0); /* also false for NaN */
    ELB_ASSERT(seq < q->next_seq);
    uint32_t s = slot_alloc(q);
    struct sim_queue_slot *sl = &q->slots[s];
    sl->fn = fn;
    sl->ctx = ctx;
    sl->arg = arg;
    place_new(q, sim_queue_tkey(time), seq << SIM_QUEUE_SLOT_BITS | s);
    return handle_of(q, s);
}

void sim_queue_hold(struct sim_queue *q, struct sim_queue_holder h)
{
    q->holders = xrealloc(q->holders, (q->nholders + 1) * sizeof *q->holders);
    q->holders[q->nholders++] = h;
}

void sim_queue_unhold(struct sim_queue *q, void *ctx)
{
    for (uint32_t i = 0; i < q->nholders; i++)
        if (q->holders[i].ctx == ctx) {
            q->holders[i] = q->holders[--q->nholders];
            return;
        }
}

/* Put (t, k) at position i, whose old entry is gone, and restore the heap around it. */
static inline void move_to(struct sim_queue *q, size_t i, uint64_t t, uint64_t k)
{
    const struct sim_queue_entry *h = q->heap;
    if (i > 0 && before(t, k, h[(i - 1) >> 2].tkey, h[(i - 1) >> 2].key))
        sift_up(q, i, t, k);
    else
        sift_down(q, i, t, k);
}

/* Take out the entry at heap position i, restoring the heap. */
static inline void remove_at(struct sim_queue *q, size_t i)
{
    size_t n = --q->size;
    if (i == n)
        return;
    uint64_t t = q->heap[n].tkey, k = q->heap[n].key;
    move_to(q, i, t, k);
}

/* Hand out the earliest entry; the queue is not empty and its root not vacant.  The root
 * is left vacant for the next push (an event's handler usually schedules one) unless it
 * was the last entry. */
static inline void pop_top(struct sim_queue *q, struct sim_queue_item *out)
{
    uint32_t s = slot_of(q->heap[0].key);
    struct sim_queue_slot *sl = &q->slots[s];
    out->time = sim_queue_tkey_time(q->heap[0].tkey);
    out->fn = sl->fn;
    out->ctx = sl->ctx;
    out->arg = sl->arg;
    if (q->size == 1)
        q->size = 0;
    else
        q->vacant = true;
    slot_free(q, s);
}

bool sim_queue_pop(struct sim_queue *q, struct sim_queue_item *out)
{
    fill_vacant(q);
    if (q->size == 0)
        return false;
    pop_top(q, out);
    return true;
}

bool sim_queue_pop_due(struct sim_queue *q, double t_end, struct sim_queue_item *out)
{
    fill_vacant(q);
    /* Keys compare like the times (no conversion back for an entry not due); a t_end below
     * zero, which the key map does not cover, has nothing due. */
    if (q->size == 0 || !(t_end >= 0.0) || q->heap[0].tkey > sim_queue_tkey(t_end))
        return false;
    pop_top(q, out);
    return true;
}

bool sim_queue_remove(struct sim_queue *q, sim_handle h)
{
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return false;
    fill_vacant(q);
    remove_at(q, q->slots[s].pos);
    slot_free(q, s);
    return true;
}

bool sim_queue_retime(struct sim_queue *q, sim_handle h, double time)
{
    ELB_ASSERT(time >= 0.0); /* also false for NaN */
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return false;
    /* The new key is larger than every other key, so ties now break after the rest. */
    uint64_t k = take_seq(q) << SIM_QUEUE_SLOT_BITS | s;
    fill_vacant(q);
    move_to(q, q->slots[s].pos, sim_queue_tkey(time), k);
    return true;
}

bool sim_queue_is_pending(const struct sim_queue *q, sim_handle h)
{
    return live_slot(q, h) != NO_SLOT;
}

double sim_queue_time_of(const struct sim_queue *q, sim_handle h)
{
    uint32_t s = live_slot(q, h);
    return s == NO_SLOT ? (double)NAN : sim_queue_tkey_time(q->heap[q->slots[s].pos].tkey);
}

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

struct seq_set {
    uint64_t *v;
    size_t n, cap;
};

static void seq_collect(uint64_t *seq, void *arg)
{
    struct seq_set *set = arg;
    if (set->n == set->cap) {
        set->cap = set->cap ? 2 * set->cap : 64;
        set->v = xrealloc(set->v, set->cap * sizeof *set->v);
    }
    set->v[set->n++] = *seq;
}

/* The rank of seq among the distinct sorted values of set. */
static uint64_t seq_rank(const struct seq_set *set, uint64_t seq)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set->v[mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void seq_assign(uint64_t *seq, void *arg)
{
    *seq = seq_rank(arg, *seq);
}

void sim_queue_renumber(struct sim_queue *q)
{
    /* Every pending sequence number, the heap's and the holders' (a holder's entry may also
     * be in the heap under the same number), sorted and made distinct; each becomes its
     * rank.  Relative order is unchanged, so the heap stays valid. */
    fill_vacant(q);
    struct seq_set set = {0};
    for (size_t i = 0; i < q->size; i++) {
        uint64_t seq = q->heap[i].key >> SIM_QUEUE_SLOT_BITS;
        seq_collect(&seq, &set);
    }
    for (uint32_t h = 0; h < q->nholders; h++)
        q->holders[h].visit(q->holders[h].ctx, seq_collect, &set);
    qsort(set.v, set.n, sizeof *set.v, cmp_key);
    size_t d = 0;
    for (size_t i = 0; i < set.n; i++)
        if (d == 0 || set.v[i] != set.v[d - 1])
            set.v[d++] = set.v[i];
    set.n = d;
    for (size_t i = 0; i < q->size; i++) {
        uint64_t k = q->heap[i].key;
        q->heap[i].key = seq_rank(&set, k >> SIM_QUEUE_SLOT_BITS) << SIM_QUEUE_SLOT_BITS |
                         slot_of(k);
    }
    for (uint32_t h = 0; h < q->nholders; h++)
        q->holders[h].visit(q->holders[h].ctx, seq_assign, &set);
    q->next_seq = set.n;
    free(set.v);
}
