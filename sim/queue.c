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

size_t sim_queue_far_min_default = SIM_QUEUE_FAR_MIN;

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
    q->far = NULL;
    q->far_nb = 0;
    q->far_chunks = NULL;
    q->far_links = NULL;
    q->far_nchunks = q->far_chunk_cap = 0;
    q->far_free = UINT32_MAX;
    q->far_count = 0;
    q->far_inv_w = 0.0;
    q->far_done = 0;
    q->far_min = sim_queue_far_min_default;
    q->far_hi = sim_queue_far_min_default;
    q->far_lo = 0;
    q->far_calibrations = 0;
    q->far_turn = 0;
    q->side_live = false;
    q->side_pops = 0;
    q->npf = 0;
}

void sim_queue_fini(struct sim_queue *q)
{
    free(q->far);
    free(q->far_chunks);
    free(q->far_links);
    q->far = NULL;
    q->far_chunks = NULL;
    q->far_links = NULL;
    q->far_nchunks = q->far_chunk_cap = 0;
    q->far_nb = 0;
    q->far_count = 0;
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
    q->side_live = false;
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

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ---- far buckets ------------------------------------------------------------------ */

#define CHUNK SIM_QUEUE_FAR_CHUNK
#define NO_CHUNK UINT32_MAX
#define FAR_NONE ((uint64_t)1 << 62) /* a(t) for a time too large to bucket */
#define FAR_PER_BUCKET 32             /* pending entries per bucket aimed at */
#define FAR_MIN_BUCKETS 256u
#define FAR_SAMPLE 2048               /* pending times sampled to choose W */

/* The bucket number of a time key: floor(t / W), monotone in t. */
static inline uint64_t far_bucket(const struct sim_queue *q, uint64_t tkey)
{
    double x = sim_queue_tkey_time(tkey) * q->far_inv_w;
    return x < 0x1p62 ? (uint64_t)x : FAR_NONE;
}

static inline uint32_t far_pos(uint32_t c, uint32_t i)
{
    return SIM_QUEUE_FAR | c << SIM_QUEUE_FAR_CHUNK_BITS | (i & (CHUNK - 1));
}

static inline struct sim_queue_entry *far_entry(const struct sim_queue *q, uint32_t pos)
{
    uint32_t c = (pos & ~SIM_QUEUE_FAR) >> SIM_QUEUE_FAR_CHUNK_BITS;
    return &q->far_chunks[c].e[pos & (CHUNK - 1)];
}

/* A chunk for bucket b, linked after its tail. */
static uint32_t chunk_append(struct sim_queue *q, uint32_t b)
{
    uint32_t c = q->far_free;
    if (c != NO_CHUNK) {
        q->far_free = q->far_links[c].next;
    } else {
        if (q->far_nchunks == q->far_chunk_cap) {
            uint32_t cap = q->far_chunk_cap ? 2 * q->far_chunk_cap : 256;
            q->far_chunks = xrealloc_huge(q->far_chunks, q->far_chunk_cap * sizeof *q->far_chunks,
                                          cap * sizeof *q->far_chunks);
            q->far_links = xrealloc(q->far_links, cap * sizeof *q->far_links);
            q->far_chunk_cap = cap;
        }
        /* A chunk's number fits a position's 26 bits: in use are at most pending / 32
         * full chunks and one part-full per bucket, far below 2^26. */
        ELB_ASSERT(q->far_nchunks < (1u << (31 - SIM_QUEUE_FAR_CHUNK_BITS)));
        c = q->far_nchunks++;
    }
    struct sim_queue_bucket *bk = &q->far[b];
    q->far_links[c] = (struct sim_queue_link){NO_CHUNK, bk->tail, b};
    if (bk->tail == NO_CHUNK)
        bk->head = c;
    else
        q->far_links[bk->tail].next = c;
    bk->tail = c;
    return c;
}

/* Unlink bucket b's tail chunk (now empty) onto the free list. */
static void chunk_pop_tail(struct sim_queue *q, struct sim_queue_bucket *bk)
{
    uint32_t c = bk->tail;
    bk->tail = q->far_links[c].prev;
    if (bk->tail == NO_CHUNK)
        bk->head = NO_CHUNK;
    else
        q->far_links[bk->tail].next = NO_CHUNK;
    q->far_links[c].next = q->far_free;
    q->far_free = c;
}

/* Put (t, k) in its far bucket if it belongs in one; false if it goes into the heap. */
static inline bool far_put(struct sim_queue *q, uint64_t t, uint64_t k)
{
    uint64_t a = far_bucket(q, t);
    if (a <= q->far_done || a == FAR_NONE)
        return false;
    uint32_t b = (uint32_t)a & (q->far_nb - 1);
    struct sim_queue_bucket *bk = &q->far[b];
    uint32_t i = bk->n++, c = i % CHUNK ? bk->tail : chunk_append(q, b);
    struct sim_queue_entry *e = &q->far_chunks[c].e[i % CHUNK];
    e->tkey = t;
    e->key = k;
    q->slots[slot_of(k)].pos = far_pos(c, i);
    q->far_count++;
    return true;
}

/* Take the far entry at pos out of its bucket (the bucket's last entry fills the hole). */
static void far_remove(struct sim_queue *q, uint32_t pos)
{
    uint32_t c = (pos & ~SIM_QUEUE_FAR) >> SIM_QUEUE_FAR_CHUNK_BITS;
    struct sim_queue_bucket *bk = &q->far[q->far_links[c].bucket];
    uint32_t last = --bk->n;
    struct sim_queue_entry *hole = far_entry(q, pos);
    struct sim_queue_entry *tail = &q->far_chunks[bk->tail].e[last % CHUNK];
    if (hole != tail) {
        *hole = *tail;
        q->slots[slot_of(hole->key)].pos = pos;
    }
    if (last % CHUNK == 0)
        chunk_pop_tail(q, bk);
    q->far_count--;
}

/* fn(entry, arg) on every bucketed entry. */
static void far_visit(const struct sim_queue *q, void (*fn)(struct sim_queue_entry *e, void *arg),
                      void *arg)
{
    for (uint32_t b = 0; b < q->far_nb; b++) {
        uint32_t c = q->far[b].head;
        for (uint32_t i = 0; i < q->far[b].n; i++) {
            fn(&q->far_chunks[c].e[i % CHUNK], arg);
            if (i % CHUNK == CHUNK - 1)
                c = q->far_links[c].next;
        }
    }
}

/* The prefetchers' three stages, PF_LAG moved entries apart: stage 1 of an entry reads what
 * its stage 0 fetched, by then arrived, and stage 2 what its stage 1 fetched, while the
 * fetches of the entries between are on their way (done at once, a later stage would wait
 * for memory, one entry at a time). */
#define PF_LAG 8
#define PF_STAGES 3
#define PF_RING (PF_LAG * (PF_STAGES - 1))
#define PF_DONE 0x80 /* in pf_pipe.pf: the prefetcher said its later stages have nothing */
_Static_assert(SIM_QUEUE_PREFETCHERS <= PF_DONE, "a prefetcher's index fits beside PF_DONE");
struct pf_pipe {
    uint32_t slot[PF_RING];
    uint8_t pf[PF_RING]; /* index of the slot's prefetcher, | PF_DONE */
    uint32_t n;          /* entries that had stage 0 */
};

/* Stage `stage` (>= 1) of the pipe's entry i, unless an earlier one said there is none. */
static inline void pf_stage(const struct sim_queue *q, struct pf_pipe *p, uint32_t i, int stage)
{
    uint8_t *pf = &p->pf[i % PF_RING];
    if (*pf & PF_DONE)
        return;
    const struct sim_queue_slot *sl = &q->slots[p->slot[i % PF_RING]];
    if (!q->pf[*pf](sl->ctx, sl->arg, stage))
        *pf |= PF_DONE;
}

/* Fetch what the handler of the event in slot s will touch: its prefetcher's choice, or the
 * first line of its ctx. */
static inline void prefetch_slot(const struct sim_queue *q, struct pf_pipe *p, uint32_t s)
{
    const struct sim_queue_slot *sl = &q->slots[s];
    for (uint32_t i = 0; i < q->npf; i++)
        if (q->pf_fn[i] == sl->fn) {
            bool more = q->pf[i](sl->ctx, sl->arg, 0);
            for (int st = 1; st < PF_STAGES; st++)
                if (p->n >= (uint32_t)st * PF_LAG)
                    pf_stage(q, p, p->n - (uint32_t)st * PF_LAG, st);
            p->slot[p->n % PF_RING] = s;
            p->pf[p->n % PF_RING] = (uint8_t)(i | (more ? 0 : PF_DONE));
            p->n++;
            return;
        }
    PREFETCH(sl->ctx);
}

/* The later stages of the entries still waiting for them, in the order the pipe would have
 * run them. */
static inline void pf_drain(const struct sim_queue *q, struct pf_pipe *p)
{
    for (uint32_t n = p->n; n < p->n + PF_RING; n++)
        for (int st = 1; st < PF_STAGES; st++)
            if (n >= (uint32_t)st * PF_LAG && n - (uint32_t)st * PF_LAG < p->n)
                pf_stage(q, p, n - (uint32_t)st * PF_LAG, st);
}

void sim_queue_prefetcher(struct sim_queue *q, sim_event_fn *fn, sim_prefetch_fn *pf)
{
    uint32_t i = 0;
    while (i < q->npf && q->pf_fn[i] != fn)
        i++;
    if (i == SIM_QUEUE_PREFETCHERS)
        return;
    q->pf_fn[i] = fn;
    q->pf[i] = pf;
    if (i == q->npf)
        q->npf++;
}

/* Empty bucket number far_done + 1 into the heap: its entries of that number (a bucket
 * also holds those of later years, numbers a multiple of far_nb on, which stay, packed
 * to the front of its chunks).  Returns how many moved. */
static uint32_t far_advance(struct sim_queue *q)
{
    uint64_t a = ++q->far_done;
    uint32_t b = (uint32_t)a & (q->far_nb - 1);
    struct sim_queue_bucket *bk = &q->far[b];
    uint32_t rc = bk->head, wc = bk->head, keep = 0, n = bk->n;
    struct pf_pipe pipe;
    pipe.n = 0;
    /* The entries' slots, read below for their handler and written with their heap
     * position: with many events pending each is a random cold line, so all are fetched
     * first, not waited for one entry at a time. */
    for (uint32_t i = 0, c = rc; i < n; i++) {
        PREFETCH(&q->slots[slot_of(q->far_chunks[c].e[i % CHUNK].key)]);
        if (i % CHUNK == CHUNK - 1)
            c = q->far_links[c].next;
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct sim_queue_entry *e = &q->far_chunks[rc].e[i % CHUNK];
        uint64_t t = e->tkey, k = e->key;
        if (i % CHUNK == CHUNK - 1)
            rc = q->far_links[rc].next;
        if (far_bucket(q, t) == a) {
            sift_up(q, q->size++, t, k);
            /* Its handler runs within a bucket's worth of events: fetch what it works on
             * (a far event is typically a client's or a timer's, its object cold). */
            prefetch_slot(q, &pipe, slot_of(k));
        } else {
            struct sim_queue_entry *w = &q->far_chunks[wc].e[keep % CHUNK];
            w->tkey = t;
            w->key = k;
            q->slots[slot_of(k)].pos = far_pos(wc, keep);
            if (++keep % CHUNK == 0)
                wc = q->far_links[wc].next;
        }
    }
    pf_drain(q, &pipe);
    q->far_count -= n - keep;
    /* Free the chunks past the last kept entry's. */
    for (bk->n = n; bk->n > keep;) {
        uint32_t in_tail = bk->n % CHUNK ? bk->n % CHUNK : CHUNK;
        uint32_t drop = bk->n - keep < in_tail ? bk->n - keep : in_tail;
        bk->n -= drop;
        if (drop == in_tail)
            chunk_pop_tail(q, bk);
    }
    return n - keep;
}

/* *arg (a time key) lowered to e's. */
static void far_min_key(struct sim_queue_entry *e, void *arg)
{
    uint64_t *t = arg;
    *t = e->tkey < *t ? e->tkey : *t;
}

/* Empty buckets into the heap, in order, while the next may hold an entry before the heap's
 * minimum (its number is not after the minimum's) or the heap is empty.  Afterwards no
 * bucketed entry is before the heap's minimum: a bucket number's entries are all due at
 * or after the time the number starts, and numbers grow with time. */
static void far_settle(struct sim_queue *q)
{
    uint32_t idle = 0;
    while (q->far_count && (!q->size || far_bucket(q, q->heap[0].tkey) > q->far_done)) {
        if (++idle > q->far_nb) {
            /* A year of buckets went by and moved nothing: jump to the earliest number (the
             * earliest entry's, bucket numbers growing with time). */
            uint64_t t = UINT64_MAX;
            far_visit(q, far_min_key, &t);
            q->far_done = far_bucket(q, t) - 1;
        }
        if (far_advance(q))
            idle = 0;
    }
}

/* Resize the bucket array to nb (empty) buckets. */
static void far_resize(struct sim_queue *q, uint32_t nb)
{
    if (nb != q->far_nb) {
        free(q->far);
        q->far = nb ? xmalloc(nb * sizeof *q->far) : NULL;
        q->far_nb = nb;
    }
    for (uint32_t b = 0; b < nb; b++)
        q->far[b] = (struct sim_queue_bucket){NO_CHUNK, NO_CHUNK, 0};
}

static void far_gather(struct sim_queue_entry *e, void *arg)
{
    struct sim_queue *q = arg;
    q->heap[q->size++] = *e;
}

/* Choose the bucket width again from the pending times, and redistribute: every entry goes
 * back into the heap array, those after the earliest's bucket out to the new buckets, and
 * the heap is rebuilt bottom-up.  O(pending); called when the pending count has doubled
 * or fallen to a quarter since the last time, or when after a turnover most entries are in
 * the heap (the width no longer fits the times), so O(1) amortized per operation. */
static void far_calibrate(struct sim_queue *q)
{
    fill_vacant(q);
    q->far_calibrations++;
    far_visit(q, far_gather, q);
    q->far_count = 0;
    /* Every chunk is free again, in order. */
    for (uint32_t c = 0; c < q->far_nchunks; c++)
        q->far_links[c].next = c + 1 < q->far_nchunks ? c + 1 : NO_CHUNK;
    q->far_free = q->far_nchunks ? 0 : NO_CHUNK;
    size_t n = q->size;
    /* The decisions count the side entry, as if it were in the heap (it is pending). */
    size_t all = n + q->side_live;
    uint32_t nb = 0;
    double inv_w = 0.0;
    uint64_t tmin = UINT64_MAX;
    if (all > q->far_min) {
        /* The span to cover: from the earliest to the 99th percentile of a sample taken at
         * even steps through the array (deterministic, like everything here). */
        for (size_t i = 0; i < n; i++)
            tmin = q->heap[i].tkey < tmin ? q->heap[i].tkey : tmin;
        size_t m = n < FAR_SAMPLE ? n : FAR_SAMPLE;
        uint64_t sample[FAR_SAMPLE];
        for (size_t i = 0; i < m; i++)
            sample[i] = q->heap[i * n / m].tkey;
        qsort(sample, m, sizeof *sample, cmp_key);
        double span = sim_queue_tkey_time(sample[m * 99 / 100]) - sim_queue_tkey_time(tmin);
        nb = FAR_MIN_BUCKETS;
        while (nb < SIM_QUEUE_FAR_MAX_BUCKETS && (size_t)nb * FAR_PER_BUCKET < all)
            nb *= 2;
        inv_w = (double)nb / span;
        if (!(span > 0.0) || !isfinite(inv_w))
            nb = 0;
    }
    far_resize(q, nb);
    q->far_inv_w = nb ? inv_w : 0.0;
    if (nb) {
        q->far_done = far_bucket(q, tmin);
        size_t keep = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t t = q->heap[i].tkey, k = q->heap[i].key;
            if (!far_put(q, t, k)) {
                q->heap[keep].tkey = t;
                q->heap[keep++].key = k;
            }
        }
        n = keep;
    }
    q->size = n;
    for (size_t i = 0; i < n; i++)
        q->slots[slot_of(q->heap[i].key)].pos = (uint32_t)i;
    for (size_t i = n > 1 ? (n - 2) / 4 + 1 : 0; i-- > 0;)
        sift_down(q, i, q->heap[i].tkey, q->heap[i].key);
    size_t pending = n + q->far_count;
    q->far_hi = 2 * pending > q->far_min ? 2 * pending : q->far_min;
    q->far_lo = nb ? pending / 4 : 0;
    q->far_turn = pending + 1;
}

/* Place a new entry (t, k): in its far bucket, or in the heap. */
static inline void place(struct sim_queue *q, uint64_t t, uint64_t k)
{
    if (!q->far_nb || !far_put(q, t, k))
        place_new(q, t, k);
}

/* After a push: choose the buckets again if the pending count has doubled. */
static inline void after_push(struct sim_queue *q)
{
    if (sim_queue_size(q) > q->far_hi)
        far_calibrate(q);
}

/* Before a pop: the root filled, and the heap's minimum made the queue's. */
static inline void before_pop(struct sim_queue *q)
{
    fill_vacant(q);
    if (!q->far_nb)
        return;
    /* Check the width once per turnover of the population; a count fallen to a quarter is
     * checked at once (it may mean the buckets should stop). */
    if (sim_queue_size(q) < q->far_lo ||
        (--q->far_turn == 0 && q->size > sim_queue_size(q) / 2))
        far_calibrate(q);
    if (q->far_turn == 0)
        q->far_turn = sim_queue_size(q) + 1;
    if (q->far_count)
        far_settle(q);
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

/* A slot for a new event at time (checked) running fn(ctx, arg). */
static inline uint32_t slot_new(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
                                uint64_t arg)
{
    ELB_ASSERT(fn != NULL);
    ELB_ASSERT(time >= 0.0); /* also false for NaN */
    uint32_t s = slot_alloc(q);
    struct sim_queue_slot *sl = &q->slots[s];
    sl->fn = fn;
    sl->ctx = ctx;
    sl->arg = arg;
    return s;
}

sim_handle sim_queue_push(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
                          uint64_t arg)
{
    uint32_t s = slot_new(q, time, fn, ctx, arg);
    uint64_t k = take_seq(q) << SIM_QUEUE_SLOT_BITS | s; /* (a renumbering fills the root) */
    place(q, sim_queue_tkey(time), k);
    after_push(q);
    return handle_of(q, s);
}

sim_handle sim_queue_push_side(struct sim_queue *q, double time, sim_event_fn *fn, void *ctx,
                               uint64_t arg)
{
    if (q->side_live)
        return sim_queue_push(q, time, fn, ctx, arg);
    uint32_t s = slot_new(q, time, fn, ctx, arg);
    q->slots[s].pos = SIM_QUEUE_SIDE;
    q->side.key = take_seq(q) << SIM_QUEUE_SLOT_BITS | s;
    q->side.tkey = sim_queue_tkey(time);
    q->side_live = true;
    after_push(q);
    return handle_of(q, s);
}

uint64_t sim_queue_reserve_seq(struct sim_queue *q)
{
    return take_seq(q);
}

sim_handle sim_queue_push_seq(struct sim_queue *q, double time, uint64_t seq, sim_event_fn *fn,
                              void *ctx, uint64_t arg)
{
    ELB_ASSERT(seq < q->next_seq);
    uint32_t s = slot_new(q, time, fn, ctx, arg);
    place(q, sim_queue_tkey(time), seq << SIM_QUEUE_SLOT_BITS | s);
    after_push(q);
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

/* Hand out entry e (taken out of its place by the caller) and free its slot. */
static inline void hand_out(struct sim_queue *q, const struct sim_queue_entry *e,
                            struct sim_queue_item *out)
{
    uint32_t s = slot_of(e->key);
    const struct sim_queue_slot *sl = &q->slots[s];
    out->time = sim_queue_tkey_time(e->tkey);
    out->fn = sl->fn;
    out->ctx = sl->ctx;
    out->arg = sl->arg;
    slot_free(q, s);
}

/* Hand out the earliest entry; the queue is not empty and its root not vacant.  The root
 * is left vacant for the next push (an event's handler usually schedules one) unless it
 * was the last entry. */
static inline void pop_top(struct sim_queue *q, struct sim_queue_item *out)
{
    hand_out(q, &q->heap[0], out);
    if (q->size == 1)
        q->size = 0;
    else
        q->vacant = true;
}

/* Is the side entry the earliest?  (The heap's root is filled and its minimum the heap's and
 * the buckets', before_pop.) */
static inline bool side_first(const struct sim_queue *q)
{
    return q->side_live &&
           (q->size == 0 || before(q->side.tkey, q->side.key, q->heap[0].tkey, q->heap[0].key));
}

static inline void pop_side(struct sim_queue *q, struct sim_queue_item *out)
{
    hand_out(q, &q->side, out);
    q->side_live = false;
    q->side_pops++;
}

bool sim_queue_pop(struct sim_queue *q, struct sim_queue_item *out)
{
    before_pop(q);
    if (side_first(q))
        pop_side(q, out);
    else if (q->size == 0)
        return false;
    else
        pop_top(q, out);
    return true;
}

bool sim_queue_pop_due(struct sim_queue *q, double t_end, struct sim_queue_item *out)
{
    before_pop(q);
    /* Keys compare like the times (no conversion back for an entry not due); a t_end below
     * zero, which the key map does not cover, has nothing due. */
    bool side = side_first(q);
    if (!side && q->size == 0)
        return false;
    uint64_t t = side ? q->side.tkey : q->heap[0].tkey;
    if (!(t_end >= 0.0) || t > sim_queue_tkey(t_end))
        return false;
    if (side)
        pop_side(q, out);
    else
        pop_top(q, out);
    return true;
}

bool sim_queue_remove(struct sim_queue *q, sim_handle h)
{
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return false;
    if (q->slots[s].pos & SIM_QUEUE_FAR) {
        far_remove(q, q->slots[s].pos);
    } else if (q->slots[s].pos == SIM_QUEUE_SIDE) {
        q->side_live = false;
    } else {
        fill_vacant(q);
        remove_at(q, q->slots[s].pos);
    }
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
    uint32_t pos = q->slots[s].pos;
    if (pos & SIM_QUEUE_FAR) {
        far_remove(q, pos);
        place(q, sim_queue_tkey(time), k);
    } else if (pos == SIM_QUEUE_SIDE) {
        q->side.tkey = sim_queue_tkey(time);
        q->side.key = k;
    } else {
        fill_vacant(q);
        move_to(q, q->slots[s].pos, sim_queue_tkey(time), k);
    }
    return true;
}

bool sim_queue_is_pending(const struct sim_queue *q, sim_handle h)
{
    return live_slot(q, h) != NO_SLOT;
}

double sim_queue_time_of(const struct sim_queue *q, sim_handle h)
{
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return (double)NAN;
    uint32_t pos = q->slots[s].pos;
    if (pos == SIM_QUEUE_SIDE)
        return sim_queue_tkey_time(q->side.tkey);
    return sim_queue_tkey_time(pos & SIM_QUEUE_FAR ? far_entry(q, pos)->tkey : q->heap[pos].tkey);
}

double sim_queue_peek_time(const struct sim_queue *q)
{
    uint64_t t = UINT64_MAX; /* above every time's key, +INFINITY's too */
    if (!q->vacant) {
        if (q->size)
            t = q->heap[0].tkey;
    } else {
        /* The root is empty: the earliest is one of its children (there is at least one). */
        for (size_t c = 1; c <= 4 && c < q->size; c++)
            t = q->heap[c].tkey < t ? q->heap[c].tkey : t;
    }
    /* Any bucket may hold the buckets' earliest (they also hold later years): a scan of
     * them all, O(pending); peeking is for tests and diagnostics, the engine never does. */
    far_visit(q, far_min_key, &t);
    if (q->side_live && q->side.tkey < t)
        t = q->side.tkey;
    return t == UINT64_MAX ? (double)INFINITY : sim_queue_tkey_time(t);
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

/* An entry's sequence number into the set (renumbering; heap, buckets and side alike). */
static void entry_collect(struct sim_queue_entry *e, void *arg)
{
    uint64_t seq = e->key >> SIM_QUEUE_SLOT_BITS;
    seq_collect(&seq, arg);
}

/* An entry's sequence number replaced by its rank in the set. */
static void entry_assign(struct sim_queue_entry *e, void *arg)
{
    e->key = seq_rank(arg, e->key >> SIM_QUEUE_SLOT_BITS) << SIM_QUEUE_SLOT_BITS | slot_of(e->key);
}

void sim_queue_renumber(struct sim_queue *q)
{
    /* Every pending sequence number, the heap's and the holders' (a holder's entry may also
     * be in the heap under the same number), sorted and made distinct; each becomes its
     * rank.  Relative order is unchanged, so the heap stays valid. */
    fill_vacant(q);
    struct seq_set set = {0};
    for (size_t i = 0; i < q->size; i++)
        entry_collect(&q->heap[i], &set);
    far_visit(q, entry_collect, &set);
    if (q->side_live)
        entry_collect(&q->side, &set);
    for (uint32_t h = 0; h < q->nholders; h++)
        q->holders[h].visit(q->holders[h].ctx, seq_collect, &set);
    qsort(set.v, set.n, sizeof *set.v, cmp_key);
    size_t d = 0;
    for (size_t i = 0; i < set.n; i++)
        if (d == 0 || set.v[i] != set.v[d - 1])
            set.v[d++] = set.v[i];
    set.n = d;
    for (size_t i = 0; i < q->size; i++)
        entry_assign(&q->heap[i], &set);
    far_visit(q, entry_assign, &set);
    if (q->side_live)
        entry_assign(&q->side, &set);
    for (uint32_t h = 0; h < q->nholders; h++)
        q->holders[h].visit(q->holders[h].ctx, seq_assign, &set);
    q->next_seq = set.n;
    free(set.v);
}
