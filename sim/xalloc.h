/*
 * xalloc — allocation that never returns NULL (Redis zmalloc style).
 *
 * On failure the size is printed, the hooks registered with xalloc_hook run (the output
 * folder being written is removed: analysis/outdir), and the process exits 1, so call sites
 * need no NULL checks.  ELB_ASSERT is the invariant check used throughout: a broken
 * invariant is a bug, never a user error, and aborts with file:line:expression.
 *
 * Built with -DELBSIM_ALLOC_FAULTS (the ASan build, build-asan/), xalloc_fail_at(N) makes
 * the Nth allocation through these functions fail; the command line calls it from the
 * environment variables ELBSIM_FAIL_ALLOC=N and ELBSIM_ALLOC_COUNT=1 (print how many were
 * made at exit) (tests/alloc_faults.sh).
 * Allocations inside libraries (libyaml, GSL, jansson, zlib, stdio) are not counted.
 */
#ifndef ELBSIM_SIM_XALLOC_H
#define ELBSIM_SIM_XALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* size bytes (rounded up to a multiple of XALLOC_HUGE_BYTES), aligned to it and, where the
 * system has transparent huge pages (Linux MADV_HUGEPAGE, in `madvise` or `always` mode),
 * advised to be backed by them: a large block that is filled soon after (the targets of a
 * large fleet) then costs one page fault and one TLB entry per 2 MiB instead of 512.
 * Freed with free().  Only for blocks that will be mostly used: a huge page is resident
 * as a whole once touched. */
#define XALLOC_HUGE_BYTES ((size_t)2 << 20)
void *xmalloc_huge(size_t size);

/* size bytes (rounded up to a multiple of align, a power of two) aligned to align: a block
 * whose objects must start on cache lines.  Freed with free(). */
void *xmalloc_aligned(size_t align, size_t size);

/* An array grown to size bytes from p (old_size of them kept; p may be NULL): copied into
 * a block aligned to a cache line (64 bytes) below XALLOC_HUGE_BYTES / 8 (256 KiB), an
 * xmalloc_huge block from there, and p freed.  For arrays that grow by doubling to many MB
 * (a fleet's members) whose entries should not straddle lines.  From 256 KiB a huge page
 * costs less than the 64 or more 4 KiB page faults it replaces (10^4 targets: the fixed
 * cost 1.1 us a target instead of 2.1, performance.md), for at most 1.75 MiB resident
 * beyond the array. */
void *xrealloc_huge(void *p, size_t old_size, size_t size);
char *xstrndup(const char *s, size_t n);

/* Run fn(ctx) when an allocation fails, before the exit; hooks run newest first.  At most
 * XALLOC_MAX_HOOKS at once.  Returns a handle for xalloc_unhook, never 0; unhooking 0 does
 * nothing, so a zeroed handle means "none". */
#define XALLOC_MAX_HOOKS 8
int xalloc_hook(void (*fn)(void *ctx), void *ctx);
void xalloc_unhook(int handle);

#ifdef ELBSIM_ALLOC_FAULTS
/* Fail the nth allocation from now on counting from the start (0: none); report: print
 * the count made at exit. */
void xalloc_fail_at(long n, bool report);
#endif

/* Grow the zero-filled array *a of *cap doubles to hold at least n (capacity doubles,
 * from 16); new entries are 0. */
void xgrow_doubles(double **a, uint32_t *cap, uint32_t n);

/* Abort with file:line and the expression text. */
_Noreturn void elb_assert_fail(const char *file, int line, const char *expr);

#define ELB_ASSERT(e) ((e) ? (void)0 : elb_assert_fail(__FILE__, __LINE__, #e))

#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
