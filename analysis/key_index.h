/*
 * key_index — find an id by (scope, name, metric), the key every output row carries.
 *
 * An open-addressing hash table (linear probing, FNV-1a over the three strings with a
 * separator byte) of ids.  The strings are borrowed: the owner (a series set, a summary)
 * keeps them alive and unmoved while they are in the index.  Lookups and inserts are O(1)
 * on average; the table doubles when half full.
 */
#ifndef ELBSIM_ANALYSIS_KEY_INDEX_H
#define ELBSIM_ANALYSIS_KEY_INDEX_H

#include <stddef.h>

struct key_index_slot {
    const char *scope, *name, *metric; /* borrowed */
    int id;                            /* -1 = empty slot */
};

/* Invariant: nslots is a power of two >= 2 n. */
struct key_index {
    struct key_index_slot *slots;
    size_t nslots;
    size_t n; /* ids stored */
};

void key_index_init(struct key_index *x);
void key_index_fini(struct key_index *x);

/* The id stored for the key, or -1. */
int key_index_find(const struct key_index *x, const char *scope, const char *name,
                   const char *metric);

/* Store id (>= 0) for a key not yet in the index; the strings are borrowed. */
void key_index_add(struct key_index *x, const char *scope, const char *name, const char *metric,
                   int id);

#endif
