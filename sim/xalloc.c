#include "sim/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(size_t size)
{
    fprintf(stderr, "elbsim: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        oom(size);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void elb_assert_fail(const char *file, int line, const char *expr)
{
    fprintf(stderr, "elbsim: %s:%d: internal error: assertion '%s' failed\n", file, line, expr);
    abort();
}

void xgrow_doubles(double **a, uint32_t *cap, uint32_t n)
{
    if (n <= *cap)
        return;
    uint32_t c = *cap ? *cap : 16;
    while (c < n)
        c *= 2;
    *a = xrealloc(*a, c * sizeof **a);
    for (uint32_t i = *cap; i < c; i++)
        (*a)[i] = 0;
    *cap = c;
}
