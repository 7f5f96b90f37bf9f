#include "analysis/key_index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* FNV-1a over the three strings with a separator byte, so ("ab","c") != ("a","bc"), then a
 * multiplicative mix whose high bits pick the slot: FNV-1a's low bits depend only on the
 * low bits of the bytes, so names that differ in a digit ("web/17", "web/71") crowd into
 * neighbouring slots and linear probing degrades to long runs. */
static uint64_t key_hash(const char *scope, const char *name, const char *metric)
{
    uint64_t h = 14695981039346656037ull;
    const char *parts[3] = {scope, name, metric};
    for (int k = 0; k < 3; k++) {
        for (const unsigned char *c = (const unsigned char *)parts[k]; *c; c++)
            h = (h ^ *c) * 1099511628211ull;
        h = (h ^ 0x1f) * 1099511628211ull;
    }
    h ^= h >> 29;
    return h * 0x9e3779b97f4a7c15ull;
}

/* The home slot of a key whose hash has top 32 bits tag, in a table of 2^bits slots. */
static size_t home(uint32_t tag, unsigned bits)
{
    return (size_t)(tag >> (32 - bits));
}

static uint32_t tag_of(const char *scope, const char *name, const char *metric)
{
    return (uint32_t)(key_hash(scope, name, metric) >> 32);
}

/* Store e in its home slot or the next free one; rehashing reads only the tags. */
static void put(struct key_index_slot *slots, size_t nslots, unsigned bits,
                struct key_index_slot e)
{
    size_t mask = nslots - 1;
    size_t i = home(e.tag, bits);
    while (slots[i].id >= 0)
        i = (i + 1) & mask;
    slots[i] = e;
}

/* Rehash into 2^bits slots. */
static void resize(struct key_index *x, unsigned bits)
{
    ELB_ASSERT(bits <= 32);
    size_t n = (size_t)1 << bits;
    struct key_index_slot *slots = xmalloc(n * sizeof *slots);
    for (size_t i = 0; i < n; i++)
        slots[i].id = -1;
    for (size_t i = 0; i < x->nslots; i++)
        if (x->slots[i].id >= 0)
            put(slots, n, bits, x->slots[i]);
    free(x->slots);
    x->slots = slots;
    x->nslots = n;
    x->bits = bits;
}

void key_index_reserve(struct key_index *x, size_t n)
{
    unsigned bits = x->bits ? x->bits : 6;
    while (((size_t)1 << bits) < 2 * n)
        bits++;
    if (bits != x->bits)
        resize(x, bits);
}

void key_index_init(struct key_index *x)
{
    *x = (struct key_index){0};
    resize(x, 6);
}

void key_index_fini(struct key_index *x)
{
    free(x->slots);
    *x = (struct key_index){0};
}

int key_index_find(const struct key_index *x, const char *scope, const char *name,
                   const char *metric)
{
    size_t mask = x->nslots - 1;
    uint32_t tag = tag_of(scope, name, metric);
    for (size_t i = home(tag, x->bits); x->slots[i].id >= 0; i = (i + 1) & mask) {
        const struct key_index_slot *e = &x->slots[i];
        if (e->tag == tag && !strcmp(e->scope, scope) && !strcmp(e->name, name) && !strcmp(e->metric, metric))
            return e->id;
    }
    return -1;
}

void key_index_add(struct key_index *x, const char *scope, const char *name, const char *metric,
                   int id)
{
    ELB_ASSERT(id >= 0);
    if (2 * (x->n + 1) > x->nslots)
        resize(x, x->bits + 1);
    put(x->slots, x->nslots, x->bits,
        (struct key_index_slot){scope, name, metric, tag_of(scope, name, metric), id});
    x->n++;
}
