/*
 * flow_table — flows (or sticky clients) an LB remembers: a hash table keyed by flow id.
 *
 * L4 load balancers (NLB, GWLB, CLB with a TCP listener) hash a flow once and keep it on
 * its target for the flow's life (AWS.md fact 15); the ALB's sticky sessions remember a
 * client's target.  Both need a lookup per request in O(1) whatever the number of flows,
 * and no allocation per flow in steady state: open addressing with linear probing over a
 * power-of-two array of 32-byte entries, at most 3/4 full, deletion by backward shift (no
 * tombstones, so lookups never slow down as flows come and go).  Keys are flow ids (never
 * 0); they are mixed before use, so consecutive ids spread evenly.
 *
 * To visit every entry, walk slots[0 .. mask] (when slots is not NULL) and skip key 0; the
 * order depends only on the keys inserted and removed, so runs stay deterministic.  Do not
 * remove while walking: collect the keys first.
 */
#ifndef ELBSIM_MODELS_FLOW_TABLE_H
#define ELBSIM_MODELS_FLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct flow_entry {
    uint64_t key;     /* flow id; 0 = empty slot */
    double last_s;    /* s: last activity (idle timeout) or expiry (stickiness) */
    uint32_t member;  /* target-group member the flow is on */
    uint32_t group;   /* which forward / group of the LB */
    uint32_t aux;     /* owner's use (e.g. requests in flight on the flow) */
    uint32_t aux2;    /* owner's use */
};

struct flow_table {
    struct flow_entry *slots;
    size_t mask;      /* capacity - 1 (capacity a power of two), 0 before the first insert */
    size_t n;         /* entries in use */
};

void flow_table_init(struct flow_table *ft);
void flow_table_fini(struct flow_table *ft);

/* The entry for key, or NULL.  Valid until the next insert or remove. */
struct flow_entry *flow_table_find(const struct flow_table *ft, uint64_t key);

/* The entry for key, inserted zeroed (apart from the key) if absent; *created says which.
 * Valid until the next insert or remove. */
struct flow_entry *flow_table_insert(struct flow_table *ft, uint64_t key, int *created);

/* Remove key if present; returns 1 if it was. */
int flow_table_remove(struct flow_table *ft, uint64_t key);

/* Remove the entry e, which find or insert returned for ft and no insert or remove has
 * invalidated since: the same as removing its key, without probing for it again.  Other
 * entries may move (backward shift), so every entry pointer into ft is invalid after. */
void flow_table_remove_entry(struct flow_table *ft, struct flow_entry *e);

/* A hint: start loading the slot where key's probe begins into the cache, for a find or
 * insert with that key a little later (an LB node prefetches when a request arrives and
 * looks the flow up after its processing latency).  Changes nothing; no-op on an empty
 * table. */
void flow_table_prefetch(const struct flow_table *ft, uint64_t key);

/* Bytes allocated (for memory figures). */
size_t flow_table_bytes(const struct flow_table *ft);

#endif
