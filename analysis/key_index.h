/*
 * key_index — find an id by (scope, name, metric), the key every output row carries.
 *
 * An open-addressing hash table (linear probing, FNV-1a over the three strings with a
 * separator byte, mixed multiplicatively; the slot is the mix's top bits) of ids.  The strings are borrowed: the owner (a series set, a summary)
 * keeps them alive and unmoved while they are in the index.  Lookups and inserts are O(1)
 * on average; the table doubles when half full.
 */
#ifndef ELBSIM_ANALYSIS_KEY_INDEX_H
#define ELBSIM_ANALYSIS_KEY_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct key_index_slot {
    const char *scope, *name, *metric; /* borrowed */
    uint32_t tag;                      /* the hash's top 32 bits: probes compare it first */
    int id;                            /* -1 = empty slot */
};

/* Invariant: nslots = 2^bits >= 2 n, bits <= 32. */
struct key_index {
    struct key_index_slot *slots;
    size_t nslots;  /* 2^bits */
    unsigned bits;
    size_t n;       /* ids stored */
};

void key_index_init(struct key_index *x);
void key_index_fini(struct key_index *x);

/* Make room for n ids in all without rehashing (a count known in advance, such as a
 * fleet's series); never shrinks. */
void key_index_reserve(struct key_index *x, size_t n);

/* The id stored for the key, or -1. */
int key_index_find(const struct key_index *x, const char *scope, const char *name,
                   const char *metric);

/* Store id (>= 0) for a key not yet in the index; the strings are borrowed. */
void key_index_add(struct key_index *x, const char *scope, const char *name, const char *metric,
                   int id);

#endif
