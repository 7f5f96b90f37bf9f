#include "analysis/key_index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* FNV-1a over the three strings with a separator byte, so ("ab","c") != ("a","bc"), then a
 * multiplicative mix whose top bits are the tag: FNV-1a's low bits depend only on the low
 * bits of the bytes, so names that differ in a digit ("web/17", "web/71") would crowd
 * into neighbouring slots and linear probing degrade to long runs. */
static uint32_t key_tag(const char *scope, const char *name, const char *metric)
{
    uint64_t h = 14695981039346656037ull;
    const char *parts[3] = {scope, name, metric};
    for (int k = 0; k < 3; k++) {
        for (const unsigned char *c = (const unsigned char *)parts[k]; *c; c++)
            h = (h ^ *c) * 1099511628211ull;
        h = (h ^ 0x1f) * 1099511628211ull;
    }
    h ^= h >> 29;
    return (uint32_t)((h * 0x9e3779b97f4a7c15ull) >> 32);
}

/* The home slot of tag in a table of 2^bits slots: its top bits. */
static size_t home(uint32_t tag, unsigned bits)
{
    return (size_t)(tag >> (32 - bits));
}

/* Store e in its home slot or the next free one; rehashing reads only the slots. */
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

static void keys_reserve(struct key_index *x, size_t n)
{
    if (n <= x->kcap)
        return;
    x->kcap = n;
    x->keys = xrealloc(x->keys, n * sizeof *x->keys);
}

void key_index_reserve(struct key_index *x, size_t n)
{
    unsigned bits = x->bits ? x->bits : 6;
    while (((size_t)1 << bits) < 2 * n)
        bits++;
    if (bits != x->bits)
        resize(x, bits);
    keys_reserve(x, n);
}

void key_index_init(struct key_index *x)
{
    *x = (struct key_index){0};
    resize(x, 6);
}

void key_index_fini(struct key_index *x)
{
    free(x->slots);
    free(x->keys);
    *x = (struct key_index){0};
}

int key_index_find(const struct key_index *x, const char *scope, const char *name,
                   const char *metric)
{
    size_t mask = x->nslots - 1;
    uint32_t tag = key_tag(scope, name, metric);
    for (size_t i = home(tag, x->bits); x->slots[i].id >= 0; i = (i + 1) & mask) {
        if (x->slots[i].tag != tag)
            continue;
        int id = x->slots[i].id;
        const struct key_index_key *k = &x->keys[id];
        if (!strcmp(k->scope, scope) && !strcmp(k->name, name) && !strcmp(k->metric, metric))
            return id;
    }
    return -1;
}

void key_index_add(struct key_index *x, const char *scope, const char *name, const char *metric,
                   int id)
{
    ELB_ASSERT(id >= 0);
    if (2 * (x->n + 1) > x->nslots)
        resize(x, x->bits + 1);
    if ((size_t)id >= x->kcap)
        keys_reserve(x, x->kcap > (size_t)id ? x->kcap : 2 * (size_t)id + 16);
    x->keys[id] = (struct key_index_key){scope, name, metric};
    put(x->slots, x->nslots, x->bits, (struct key_index_slot){key_tag(scope, name, metric), id});
    x->n++;
}
