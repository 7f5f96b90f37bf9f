/*
 * pool — fixed-size objects recycled through a free list.
 *
 * Requests, flows and other short-lived model objects come from pools, so the steady state
 * of a run allocates nothing.  Memory is taken in chunks of doubling size up to about 1 MiB
 * (so at most that much is held ahead of need) and returned only by sim_pool_fini; objects
 * never move, so pointers to them stay valid.  Chunks are aligned to a cache line (64 bytes),
 * so an object whose size is a multiple of 64 occupies whole lines.
 *
 * Built with POOL_DEBUG=1, every get is a calloc and every put a free, so ASan and valgrind
 * see each object's lifetime (use after put, leaks).
 */
#ifndef ELBSIM_SIM_POOL_H
#define ELBSIM_SIM_POOL_H

#include <stddef.h>

struct sim_pool_chunk;

struct sim_pool {
    size_t obj_size;              /* bytes per object (>= sizeof(void *)) */
    void *free_list;              /* recycled objects, linked through their first word */
    struct sim_pool_chunk *chunks;
    size_t next_chunk_objs;       /* objects in the next chunk */
    size_t live;                  /* objects handed out and not yet returned */
};

void sim_pool_init(struct sim_pool *p, size_t obj_size);
/* Frees every chunk.  Objects still live are freed too (in POOL_DEBUG builds they leak,
 * so valgrind points at them). */
void sim_pool_fini(struct sim_pool *p);

/* A zeroed object.  Never NULL. */
void *sim_pool_get(struct sim_pool *p);
void sim_pool_put(struct sim_pool *p, void *obj);

#endif
