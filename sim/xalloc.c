#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "sim/xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/* A hook runs only in the process that registered it: a forked worker that runs out of
 * memory must not remove its parent's output. */
static struct {
    void (*fn)(void *ctx);
    void *ctx;
    pid_t pid;
} hooks[XALLOC_MAX_HOOKS];

int xalloc_hook(void (*fn)(void *ctx), void *ctx)
{
    for (int i = 0; i < XALLOC_MAX_HOOKS; i++)
        if (!hooks[i].fn) {
            hooks[i].fn = fn;
            hooks[i].ctx = ctx;
            hooks[i].pid = getpid();
            return i + 1;
        }
    ELB_ASSERT(!"more than XALLOC_MAX_HOOKS allocation-failure hooks");
    return 0;
}

void xalloc_unhook(int handle)
{
    if (handle >= 1 && handle <= XALLOC_MAX_HOOKS)
        hooks[handle - 1].fn = NULL;
}

/* Out of memory: say so, undo what the hooks undo, exit 1.  Nothing here allocates. */
static _Noreturn void oom(size_t size)
{
    fprintf(stderr, "elbsim: out of memory allocating %zu bytes\n", size);
    pid_t me = getpid();
    for (int i = XALLOC_MAX_HOOKS; i-- > 0;)
        if (hooks[i].fn && hooks[i].pid == me) {
            void (*fn)(void *) = hooks[i].fn;
            hooks[i].fn = NULL; /* a hook that fails to allocate does not run again */
            fn(hooks[i].ctx);
        }
    exit(1);
}

#ifdef ELBSIM_ALLOC_FAULTS
static long fail_at, made;

static void report_count(void)
{
    fprintf(stderr, "elbsim: %ld allocations\n", made);
}

void xalloc_fail_at(long n, bool report)
{
    fail_at = n;
    if (report)
        atexit(report_count);
}

/* True when this allocation is the one xalloc_fail_at named. */
static bool fail_now(void)
{
    return ++made == fail_at;
}
#define FAIL_NOW() fail_now()
#else
#define FAIL_NOW() false
#endif

void *xmalloc(size_t size)
{
    void *p = FAIL_NOW() ? NULL : malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *xmalloc_aligned(size_t align, size_t size)
{
    size = (size + align - 1) / align * align;
    void *p = FAIL_NOW() ? NULL : aligned_alloc(align, size ? size : align);
    if (!p)
        oom(size);
    return p;
}

void *xmalloc_huge(size_t size)
{
    size = (size + XALLOC_HUGE_BYTES - 1) / XALLOC_HUGE_BYTES * XALLOC_HUGE_BYTES;
    void *p = xmalloc_aligned(XALLOC_HUGE_BYTES, size);
#ifdef MADV_HUGEPAGE
    (void)madvise(p, size, MADV_HUGEPAGE); /* advice only: without it, 4 KiB pages */
#endif
    return p;
}

void *xrealloc_huge(void *p, size_t old_size, size_t size)
{
    void *q = size < XALLOC_HUGE_BYTES / 8 ? xmalloc_aligned(64, size) : xmalloc_huge(size);
    if (p)
        memcpy(q, p, old_size < size ? old_size : size);
    free(p);
    return q;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = FAIL_NOW() ? NULL : calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = FAIL_NOW() ? NULL : realloc(p, size ? size : 1);
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
