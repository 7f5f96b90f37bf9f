#include "models/routing.h"

#include <stdio.h>
#include <string.h>

const struct route_ops *const route_table[] = {
    &route_rr_ops,
    &route_lor_ops,
    &route_random_ops,
    NULL,
};

const struct route_ops *route_find(const char *name)
{
    for (size_t i = 0; route_table[i]; i++)
        if (!strcmp(route_table[i]->name, name))
            return route_table[i];
    return NULL;
}

void route_names(char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; route_table[i] && used + 1 < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                                 route_table[i]->name);
}
