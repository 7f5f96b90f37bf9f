#include "analysis/key_index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* FNV-1a over the three strings with a separator byte, so ("ab","c") != ("a","bc"). */
static uint64_t key_hash(const char *scope, const char *name, const char *metric)
{
    uint64_t h = 14695981039346656037ull;
    const char *parts[3] = {scope, name, metric};
    for (int k = 0; k < 3; k++) {
        for (const unsigned char *c = (const unsigned char *)parts[k]; *c; c++)
            h = (h ^ *c) * 1099511628211ull;
        h = (h ^ 0x1f) * 1099511628211ull;
    }
    return h;
}

static void put(struct key_index_slot *slots, size_t nslots, struct key_index_slot e)
{
    size_t mask = nslots - 1;
    size_t i = (size_t)key_hash(e.scope, e.name, e.metric) & mask;
    while (slots[i].id >= 0)
        i = (i + 1) & mask;
    slots[i] = e;
}

static void grow(struct key_index *x)
{
    size_t n = x->nslots ? 2 * x->nslots : 64;
    struct key_index_slot *slots = xmalloc(n * sizeof *slots);
    for (size_t i = 0; i < n; i++)
        slots[i].id = -1;
    for (size_t i = 0; i < x->nslots; i++)
        if (x->slots[i].id >= 0)
            put(slots, n, x->slots[i]);
    free(x->slots);
    x->slots = slots;
    x->nslots = n;
}

void key_index_init(struct key_index *x)
{
    *x = (struct key_index){0};
    grow(x);
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
    for (size_t i = (size_t)key_hash(scope, name, metric) & mask; x->slots[i].id >= 0;
         i = (i + 1) & mask) {
        const struct key_index_slot *e = &x->slots[i];
        if (!strcmp(e->scope, scope) && !strcmp(e->name, name) && !strcmp(e->metric, metric))
            return e->id;
    }
    return -1;
}

void key_index_add(struct key_index *x, const char *scope, const char *name, const char *metric,
                   int id)
{
    ELB_ASSERT(id >= 0);
    if (2 * (x->n + 1) > x->nslots)
        grow(x);
    put(x->slots, x->nslots, (struct key_index_slot){scope, name, metric, id});
    x->n++;
}
