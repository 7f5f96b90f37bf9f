#include "sim/pool.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

#define POOL_CHUNK_MAX_BYTES ((size_t)1 << 20)
#define POOL_LINE 64 /* bytes in a cache line */

#ifdef POOL_DEBUG
/* Each object gets its own allocation with a header linking the live ones, so fini can
 * free what is still out (requests in flight when a run ends) and tools see the rest. */
struct dbg_hdr {
    struct dbg_hdr *prev, *next;
    max_align_t obj[];
};
#endif

/* Chunks start on a cache line and so do their objects: one whose size is a multiple of
 * POOL_LINE (a client of 64 bytes) then sits on whole lines, one miss where it could
 * straddle two. */
struct sim_pool_chunk {
    struct sim_pool_chunk *next;
    _Alignas(POOL_LINE) unsigned char data[]; /* objects follow */
};

void sim_pool_init(struct sim_pool *p, size_t obj_size)
{
    /* Rounded to the strictest alignment (16 bytes here), so that every object in a
     * chunk is aligned; not to sizeof(max_align_t) (32), which wasted up to 31 bytes an
     * object. */
    size_t a = _Alignof(max_align_t);
    if (obj_size < sizeof(void *))
        obj_size = sizeof(void *);
    p->obj_size = (obj_size + a - 1) / a * a;
    p->free_list = NULL;
    p->chunks = NULL;
    p->next_chunk_objs = 64;
    p->live = 0;
}

void sim_pool_fini(struct sim_pool *p)
{
#ifdef POOL_DEBUG
    struct dbg_hdr *h = p->free_list;
    while (h) {
        struct dbg_hdr *next = h->next;
        free(h);
        h = next;
    }
    p->free_list = NULL;
    p->live = 0;
    return;
#endif
    struct sim_pool_chunk *c = p->chunks;
    while (c) {
        struct sim_pool_chunk *next = c->next;
        free(c);
        c = next;
    }
    p->chunks = NULL;
    p->free_list = NULL;
}

#ifdef POOL_DEBUG

void *sim_pool_get(struct sim_pool *p)
{
    struct dbg_hdr *h = xcalloc(1, sizeof *h + p->obj_size);
    h->next = p->free_list; /* free_list holds the live list in debug builds */
    if (h->next)
        ((struct dbg_hdr *)h->next)->prev = h;
    p->free_list = h;
    p->live++;
    return h->obj;
}

void sim_pool_put(struct sim_pool *p, void *obj)
{
    ELB_ASSERT(p->live > 0);
    struct dbg_hdr *h = container_of(obj, struct dbg_hdr, obj);
    if (h->prev)
        h->prev->next = h->next;
    else
        p->free_list = h->next;
    if (h->next)
        h->next->prev = h->prev;
    p->live--;
    free(h);
}

#else

static void grow(struct sim_pool *p)
{
    /* Past the largest chunk of doubling, chunks of 2 MiB on huge pages where the system
     * has them (sim/xalloc.h): 10^5 requests in flight are 47 MB, 11,000 page faults on
     * 4 KiB pages. */
    bool huge = 2 * p->next_chunk_objs * p->obj_size > POOL_CHUNK_MAX_BYTES;
    size_t n = huge ? (XALLOC_HUGE_BYTES - sizeof(struct sim_pool_chunk)) / p->obj_size
                    : p->next_chunk_objs;
    struct sim_pool_chunk *c = huge ? xmalloc_huge(sizeof *c + n * p->obj_size)
                                    : xmalloc_aligned(POOL_LINE, sizeof *c + n * p->obj_size);
    c->next = p->chunks;
    p->chunks = c;
    char *base = (char *)c->data;
    /* Thread the new objects onto the free list in address order. */
    for (size_t i = n; i-- > 0;) {
        void **obj = (void **)(void *)(base + i * p->obj_size);
        *obj = p->free_list;
        p->free_list = obj;
    }
    /* Chunks double up to about 1 MiB, then are 2 MiB: at most that much is taken ahead
     * of need (one allocation per 4,400 requests). */
    if (2 * p->next_chunk_objs * p->obj_size <= POOL_CHUNK_MAX_BYTES)
        p->next_chunk_objs *= 2;
}

void *sim_pool_get(struct sim_pool *p)
{
    if (!p->free_list)
        grow(p);
    void **obj = p->free_list;
    p->free_list = *obj;
    memset(obj, 0, p->obj_size);
    p->live++;
    return obj;
}

void sim_pool_put(struct sim_pool *p, void *obj)
{
    ELB_ASSERT(p->live > 0);
    p->live--;
    *(void **)obj = p->free_list;
    p->free_list = obj;
}

#endif
