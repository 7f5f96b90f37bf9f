#include "models/core/cfg_read.h"

#include "sim/xalloc.h"
#include "sim/ytree.h"

int cfg_read_zone(struct cfg_read *r, const char *name)
{
    return r->zone_index(r->zones, name);
}

void cfg_read_zone_list(struct cfg_read *r, const struct ytree *list, int **out, int *n)
{
    *out = xcalloc(list->n ? list->n : 1, sizeof **out);
    for (size_t i = 0; i < list->n; i++) {
        const struct ytree *z = yread_scalar(&r->y, list->items[i], "a zone");
        if (z)
            (*out)[(*n)++] = cfg_read_zone(r, z->text);
    }
}

void cfg_read_name_list(struct cfg_read *r, const struct ytree *list, const char *what,
                        char ***names, struct loc **locs, int *n)
{
    *names = xcalloc(list->n ? list->n : 1, sizeof **names);
    *locs = xcalloc(list->n ? list->n : 1, sizeof **locs);
    for (size_t i = 0; i < list->n; i++) {
        const struct ytree *t = yread_scalar(&r->y, list->items[i], what);
        if (!t)
            continue;
        (*names)[*n] = xstrdup(t->text);
        (*locs)[(*n)++] = t->loc;
    }
}
