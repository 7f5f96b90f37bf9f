/*
 * consistent_hash: a research option, not an AWS one.  Like flow_hash the target follows
 * from the request's route_key (the flow's tuple hash), but when a target joins or leaves
 * only about 1/n of the keys move, instead of nearly all.  That matters where the LB keeps
 * no flow table, for caches behind an L7 balancer (per request: the same key, the same
 * target) and for LB-node failover (Maglev's reason).  A target's place depends only on
 * its member index, which is stable for the life of the group.
 *
 * method=maglev (default): Maglev hashing (Eisenbud et al., NSDI 2016).  Each eligible
 * target has a permutation of a lookup table of `table` slots (a prime), offset and skip
 * from its member index; the targets take turns claiming their next free preferred slot
 * until all are filled, so shares differ by at most one slot.  Lookup is one table read,
 * O(1); rebuild() refills the table, O(table log table) at worst, and the table costs 4
 * bytes a slot per instance.  The table should be well above the number of targets (the
 * paper uses 100 x) for even shares and small disruption; it must be prime so every skip
 * walks the whole table.
 *
 * method=ring: the classic ring (Karger et al. 1997) with `vnodes` points per target; a key
 * goes to the first point clockwise from its hash: binary search, O(log(n x vnodes)).
 * Removing a target moves exactly its own keys; a target's share varies around 1/n with
 * a relative spread of about 1/sqrt(vnodes).  16 bytes per point per instance.
 *
 * Parameters: method=maglev|ring (maglev); table=<prime, 3 .. 16777213> (65537, maglev
 * only); vnodes=<1 .. 10000> (100, ring only).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/request.h"
#include "models/elb/routing.h"
#include "sim/call.h"
#include "sim/diag.h"
#include "sim/xalloc.h"

#define CH_MAX_TABLE 16777213L /* the largest prime below 2^24 */
#define CH_MAX_VNODES 10000L

enum ch_method { CH_MAGLEV, CH_RING };

struct ch_cfg {
    enum ch_method method;
    uint32_t table;  /* maglev: slots, prime */
    uint32_t vnodes; /* ring: points per target */
};

/* One point of the ring. */
struct ch_point {
    uint64_t h;  /* position on the ring */
    uint32_t m;  /* member index */
    uint32_t j;  /* which of the member's points (tie-break) */
};

/* Invariant: after a rebuild with n > 0, every table slot (maglev) or point (ring) names
 * an eligible member. */
struct ch {
    struct ch_cfg cfg;
    uint32_t n;              /* eligible members at the last rebuild */
    uint32_t *table;         /* maglev: [cfg.table] member index per slot */
    uint64_t *pos, *skip;    /* maglev scratch: [n] next preferred slot, stride */
    uint32_t scap;           /* entries pos and skip hold */
    struct ch_point *ring;   /* ring: [npoints] sorted by (h, m, j) */
    size_t npoints, rcap;
};

/* The murmur3 fmix64 finaliser. */
static uint64_t ch_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

/* Salts so that member hashes, ring points and key hashes are unrelated streams. */
#define CH_SALT_OFFSET UINT64_C(0x9e3779b97f4a7c15)
#define CH_SALT_SKIP UINT64_C(0xbf58476d1ce4e5b9)
#define CH_SALT_RING UINT64_C(0x94d049bb133111eb)

static bool ch_is_prime(uint32_t p)
{
    if (p < 2)
        return false;
    for (uint32_t d = 2; (uint64_t)d * d <= p; d++)
        if (p % d == 0)
            return false;
    return true;
}

/* ---- configuration ---- */

static int ch_configure(void *cfg, const struct sim_call *call, const char *text,
                        const struct loc *loc)
{
    static const char *const keys[] = {"method", "table", "vnodes"};
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    struct ch_cfg *c = cfg;
    *c = (struct ch_cfg){.method = CH_MAGLEV, .table = 65537, .vnodes = 100};
    if (!call->name)
        return 0;
    const struct sim_call_arg *given[NKEYS] = {NULL};
    for (size_t i = 0; i < call->nargs; i++) {
        const struct sim_call_arg *a = &call->args[i];
        if (!a->key || a->sep != '=')
            return diag_error_text(loc, text, a->key_off,
                                   a->key ? strlen(a->key) : a->value_len,
                                   "expected key=value in consistent_hash, got '%s'",
                                   a->key ? a->key : a->value);
        size_t k = 0;
        while (k < NKEYS && strcmp(a->key, keys[k]))
            k++;
        if (k == NKEYS)
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "unknown parameter '%s' for consistent_hash; expected: "
                                   "method, table, vnodes", a->key);
        if (given[k])
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "parameter '%s' given twice", a->key);
        given[k] = a;
        if (k == 0) {
            if (!strcmp(a->value, "maglev"))
                c->method = CH_MAGLEV;
            else if (!strcmp(a->value, "ring"))
                c->method = CH_RING;
            else
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "method must be 'maglev' or 'ring', got '%s'", a->value);
            continue;
        }
        char *end;
        errno = 0;
        long x = strtol(a->value, &end, 10);
        bool bad = *end || errno || end == a->value;
        if (k == 1) {
            if (bad || x < 3 || x > CH_MAX_TABLE || !ch_is_prime((uint32_t)x))
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "table must be a prime from 3 to %ld, well above the "
                                       "number of targets (e.g. 65537), got '%s'",
                                       CH_MAX_TABLE, a->value);
            c->table = (uint32_t)x;
        } else {
            if (bad || x < 1 || x > CH_MAX_VNODES)
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "vnodes must be a whole number from 1 to %ld, got '%s'",
                                       CH_MAX_VNODES, a->value);
            c->vnodes = (uint32_t)x;
        }
    }
    /* Each size parameter belongs to one method. */
    const struct sim_call_arg *stray = c->method == CH_MAGLEV ? given[2] : given[1];
    if (stray)
        return diag_error_text(loc, text, stray->key_off, strlen(stray->key),
                               "'%s' applies only to method=%s", stray->key,
                               c->method == CH_MAGLEV ? "ring" : "maglev");
    return 0;
}

static void ch_init(void *priv, const void *cfg, const struct tg_member *const *members)
{
    (void)members;
    struct ch *c = priv;
    c->cfg = *(const struct ch_cfg *)cfg;
}

/* ---- maglev ---- */

static void maglev_fill(struct ch *c, const struct route_view *v)
{
    uint64_t size = c->cfg.table;
    if (!c->table)
        c->table = xmalloc(size * sizeof *c->table);
    if (v->n > c->scap) {
        c->scap = v->n;
        c->pos = xrealloc(c->pos, c->scap * sizeof *c->pos);
        c->skip = xrealloc(c->skip, c->scap * sizeof *c->skip);
    }
    for (uint32_t i = 0; i < v->n; i++) {
        uint64_t h = ch_mix(v->eligible[i] ^ CH_SALT_OFFSET);
        c->pos[i] = h % size;
        c->skip[i] = ch_mix(h ^ CH_SALT_SKIP) % (size - 1) + 1;
    }
    for (uint64_t s = 0; s < size; s++)
        c->table[s] = UINT32_MAX;
    /* Targets take turns, each claiming its next preferred free slot (the paper's
     * Populate).  size is prime, so each walk visits every slot: a free one is found. */
    uint64_t filled = 0;
    for (;;) {
        for (uint32_t i = 0; i < v->n; i++) {
            while (c->table[c->pos[i]] != UINT32_MAX) {
                c->pos[i] += c->skip[i];
                if (c->pos[i] >= size)
                    c->pos[i] -= size;
            }
            c->table[c->pos[i]] = v->eligible[i];
            if (++filled == size)
                return;
        }
    }
}

/* ---- ring ---- */

static int ch_by_point(const void *a, const void *b)
{
    const struct ch_point *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    if (x->m != y->m)
        return x->m < y->m ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

static void ring_fill(struct ch *c, const struct route_view *v)
{
    size_t np = (size_t)v->n * c->cfg.vnodes;
    if (np > c->rcap) {
        c->rcap = np;
        c->ring = xrealloc(c->ring, c->rcap * sizeof *c->ring);
    }
    size_t k = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        uint32_t m = v->eligible[i];
        uint64_t base = ch_mix((uint64_t)m ^ CH_SALT_RING);
        for (uint32_t j = 0; j < c->cfg.vnodes; j++)
            c->ring[k++] = (struct ch_point){ch_mix(base + j), m, j};
    }
    qsort(c->ring, np, sizeof *c->ring, ch_by_point);
    c->npoints = np;
}

static void ch_rebuild(void *priv, const struct route_view *v)
{
    struct ch *c = priv;
    c->n = v->n;
    if (v->n == 0)
        return; /* pick is never called on an empty view */
    if (c->cfg.method == CH_MAGLEV)
        maglev_fill(c, v);
    else
        ring_fill(c, v);
}

static uint32_t ch_pick(void *priv, const struct route_view *v, const struct request *rq,
                        gsl_rng *rng)
{
    (void)rng;
    struct ch *c = priv;
    ELB_ASSERT(rq && c->n == v->n && v->n > 0);
    uint64_t h = ch_mix(request_route_key(rq));
    if (c->cfg.method == CH_MAGLEV)
        return c->table[((h >> 32) * c->cfg.table) >> 32]; /* multiply-shift into [0, table) */
    /* The first point at or after h, wrapping past the top. */
    size_t lo = 0, hi = c->npoints;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->ring[mid].h < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return c->ring[lo == c->npoints ? 0 : lo].m;
}

static void ch_fini(void *priv)
{
    struct ch *c = priv;
    free(c->table);
    free(c->pos);
    free(c->skip);
    free(c->ring);
}

const struct route_ops route_chash_ops = {
    .name = "consistent_hash",
    .summary = "hash of route_key on a Maglev table (default, O(1)) or a ring "
               "(method=ring, vnodes=100, O(log n)); a target change moves ~1/n of keys",
    .aws = false,
    .modes = ROUTE_PER_REQUEST | ROUTE_PER_FLOW,
    .priv_size = sizeof(struct ch),
    .cfg_size = sizeof(struct ch_cfg),
    .configure = ch_configure,
    .init = ch_init,
    .rebuild = ch_rebuild,
    .pick = ch_pick,
    .fini = ch_fini,
};
