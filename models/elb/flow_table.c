#include "models/elb/flow_table.h"

#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

void flow_table_init(struct flow_table *ft)
{
    *ft = (struct flow_table){0};
}

void flow_table_fini(struct flow_table *ft)
{
    free(ft->slots);
    *ft = (struct flow_table){0};
}

static size_t home(const struct flow_table *ft, uint64_t key)
{
    /* Fibonacci hashing: the top bits of key × 2^64/φ, well spread for sequential ids. */
    uint64_t h = key * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h ^ (h >> 32)) & ft->mask;
}

struct flow_entry *flow_table_find(const struct flow_table *ft, uint64_t key)
{
    if (!ft->slots)
        return NULL;
    for (size_t i = home(ft, key);; i = (i + 1) & ft->mask) {
        struct flow_entry *e = &ft->slots[i];
        if (e->key == key)
            return e;
        if (e->key == 0)
            return NULL;
    }
}

static void grow(struct flow_table *ft)
{
    size_t old_cap = ft->slots ? ft->mask + 1 : 0;
    struct flow_entry *old = ft->slots;
    size_t cap = old_cap ? 2 * old_cap : 64;
    /* A large table (10^6 flows are 50 MB) on huge pages (sim/xalloc.h): every lookup is a
     * random slot, and on 4 KiB pages a TLB miss as well as a cache miss. */
    size_t bytes = cap * sizeof *ft->slots;
    if (bytes >= XALLOC_HUGE_BYTES) {
        ft->slots = xmalloc_huge(bytes);
        memset(ft->slots, 0, bytes);
    } else {
        ft->slots = xcalloc(cap, sizeof *ft->slots);
    }
    ft->mask = cap - 1;
    for (size_t k = 0; k < old_cap; k++) {
        if (!old[k].key)
            continue;
        size_t i = home(ft, old[k].key);
        while (ft->slots[i].key)
            i = (i + 1) & ft->mask;
        ft->slots[i] = old[k];
    }
    free(old);
}

struct flow_entry *flow_table_insert(struct flow_table *ft, uint64_t key, int *created)
{
    ELB_ASSERT(key != 0);
    if (!ft->slots || 4 * (ft->n + 1) > 3 * (ft->mask + 1))
        grow(ft);
    size_t i = home(ft, key);
    while (ft->slots[i].key && ft->slots[i].key != key)
        i = (i + 1) & ft->mask;
    struct flow_entry *e = &ft->slots[i];
    *created = e->key == 0;
    if (*created) {
        *e = (struct flow_entry){.key = key};
        ft->n++;
    }
    return e;
}

void flow_table_prefetch(const struct flow_table *ft, uint64_t key)
{
    /* Written soon after (last_s, aux), hence rw = 1; keep in all cache levels. */
    if (ft->slots)
        __builtin_prefetch(&ft->slots[home(ft, key)], 1, 3);
}

int flow_table_remove(struct flow_table *ft, uint64_t key)
{
    struct flow_entry *e = flow_table_find(ft, key);
    if (!e)
        return 0;
    flow_table_remove_entry(ft, e);
    return 1;
}

void flow_table_remove_entry(struct flow_table *ft, struct flow_entry *e)
{
    ELB_ASSERT(ft->slots && e >= ft->slots && e <= ft->slots + ft->mask && e->key != 0);
    size_t i = (size_t)(e - ft->slots);
    /* Backward shift: pull later members of the probe run into the hole when their home
     * slot is not cyclically after the hole. */
    for (size_t j = (i + 1) & ft->mask;; j = (j + 1) & ft->mask) {
        struct flow_entry *f = &ft->slots[j];
        if (!f->key)
            break;
        size_t h = home(ft, f->key);
        /* f may move to i if h is not in (i, j] cyclically. */
        int in_range = i <= j ? (h > i && h <= j) : (h > i || h <= j);
        if (!in_range) {
            ft->slots[i] = *f;
            i = j;
        }
    }
    ft->slots[i] = (struct flow_entry){0};
    ft->n--;
}

size_t flow_table_bytes(const struct flow_table *ft)
{
    return ft->slots ? (ft->mask + 1) * sizeof *ft->slots : 0;
}
