/*
 * key_index — find an id by (scope, name, metric), the key every output row carries.
 *
 * An open-addressing hash table (linear probing) of 8-byte slots: a 32-bit tag (the top
 * bits of FNV-1a over the three strings with a separator byte, mixed multiplicatively)
 * and the id; the slot is the tag's top bits.  The keys themselves sit in a dense array
 * indexed by id, so a probe reads one small slot and compares strings only when the tags
 * agree.  The strings are borrowed: the owner (a series set, a summary) keeps them alive
 * and unmoved while they are in the index.  Lookups and inserts are O(1) on average; the
 * table doubles when half full, or is sized once by key_index_reserve.
 */
#ifndef ELBSIM_ANALYSIS_KEY_INDEX_H
#define ELBSIM_ANALYSIS_KEY_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct key_index_slot {
    uint32_t tag; /* the hash's top 32 bits */
    int32_t id;   /* -1 = empty slot */
};

struct key_index_key {
    const char *scope, *name, *metric; /* borrowed */
};

/* Invariant: nslots = 2^bits >= 2 n, bits <= 32; keys[id] is set for every stored id. */
struct key_index {
    struct key_index_slot *slots;
    size_t nslots;             /* 2^bits */
    unsigned bits;
    size_t n;                  /* ids stored */
    struct key_index_key *keys; /* [id], kcap allocated */
    size_t kcap;
};

void key_index_init(struct key_index *x);
void key_index_fini(struct key_index *x);

/* Make room for n ids in all, ids below n, without rehashing (a count known in advance,
 * such as a fleet's series); never shrinks. */
void key_index_reserve(struct key_index *x, size_t n);

/* The id stored for the key, or -1. */
int key_index_find(const struct key_index *x, const char *scope, const char *name,
                   const char *metric);

/* Store id (>= 0) for a key not yet in the index; the strings are borrowed. */
void key_index_add(struct key_index *x, const char *scope, const char *name, const char *metric,
                   int id);

#endif
