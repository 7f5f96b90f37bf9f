/*
 * power_of_d: the "power of d choices" (Mitzenmacher 2001; d = 2 is the research
 * favourite, "power of two choices").  Each LB node samples d distinct eligible targets
 * uniformly with the group's stream and sends to the one with the fewest requests it has
 * in flight there itself; ties go to the first sampled.  d = 1 is random routing; d >= the
 * number of targets is least outstanding requests with random tie-break.  With n targets
 * at load rho the longest queue grows like log log n / log d instead of log n / log log n.
 *
 * Sampling, for d up to P2D_AHEAD_D: draw r_i uniform in [0, n - i) for i = 0 .. d-1 and
 * take the r_i-th position not yet taken (a uniform ordered sample without replacement,
 * O(d^2) for no memory), and do it three picks ahead: a pick's candidates are drawn at the
 * pick three before it, from the view as it is then (a change of the eligible set draws
 * afresh), so that their lines can be fetched in between.  With 10^5 targets a random
 * candidate's view entry, count, group member and target are all cold; drawn at the pick
 * they are four misses in a row at every pick.  Stages, from the pick they serve: the
 * next pick's candidates (count fetched; peek names the one with the fewest now, whose
 * target the group fetches: the pick chooses it unless a send or a done in between changes
 * the order), the one after (count being fetched, members fetched through peek), the third
 * (positions, view entries being fetched).  The draws are the same in number and range
 * as drawing at the pick, only earlier; every candidate set is uniform over the eligible
 * set of its time.  For larger d: a partial Fisher-Yates shuffle of a permutation kept
 * across picks (from any starting order the first d entries after d swaps are a uniform
 * ordered sample), drawn at the pick.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/elb/routing.h"
#include "sim/call.h"
#include "sim/diag.h"
#include "sim/xalloc.h"

#define P2D_MAX_D 1000000

struct p2d_cfg {
    uint32_t d; /* targets sampled per pick, >= 1 */
};

#define P2D_AHEAD_D 4 /* d up to this draws ahead (above) */
#define P2D_STAGES 3  /* picks drawn ahead */

/* One pick's candidates: positions in the view, and (stages 0 and 1) their members. */
struct p2d_stage {
    uint32_t pos[P2D_AHEAD_D];
    uint32_t m[P2D_AHEAD_D];
};

struct p2d {
    uint32_t d;        /* from the configuration */
    uint32_t cap;      /* members count[] holds */
    uint32_t *count;   /* [member] requests outstanding from this node */
    uint32_t *perm;    /* [n] a permutation of eligible positions, reshuffled per pick (d >
                        * P2D_AHEAD_D only) */
    uint32_t nperm, perm_cap;
    struct p2d_stage st[P2D_STAGES]; /* st[0]: the next pick's (d <= P2D_AHEAD_D) */
    uint32_t nst;      /* stages drawn; 0 after a change of the eligible set */
    bool identity;     /* v->eligible[i] == i for every i < v->n (every member eligible, or
                        * the first n): a position is its member, and the view's entry (a
                        * cold line with 10^5 members) need not be read */
    uint32_t last[P2D_AHEAD_D]; /* the last pick's candidates, for its trace */
};

static int p2d_configure(void *cfg, const struct sim_call *call, const char *text,
                         const struct loc *loc)
{
    struct p2d_cfg *c = cfg;
    c->d = 2;
    if (!call->name)
        return 0;
    bool seen = false;
    for (size_t i = 0; i < call->nargs; i++) {
        const struct sim_call_arg *a = &call->args[i];
        if (a->key && strcmp(a->key, "d"))
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "unknown parameter '%s' for power_of_d; expected: d",
                                   a->key);
        if (a->key && a->sep != '=')
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "expected 'd=<integer>' in power_of_d, got '%s%c'", a->key,
                                   a->sep);
        if (seen)
            return diag_error_text(loc, text, a->key ? a->key_off : a->value_off,
                                   a->key ? strlen(a->key) : a->value_len,
                                   "power_of_d takes one parameter, d");
        seen = true;
        char *end;
        errno = 0;
        long d = strtol(a->value, &end, 10);
        if (*end || errno || end == a->value)
            return diag_error_text(loc, text, a->value_off, a->value_len,
                                   "d must be an integer >= 1, got '%s'", a->value);
        if (d < 1)
            return diag_error_text(loc, text, a->value_off, a->value_len,
                                   "d must be an integer >= 1, got '%s'", a->value);
        if (d > P2D_MAX_D)
            return diag_error_text(loc, text, a->value_off, a->value_len,
                                   "d must be at most %d, got '%s'", P2D_MAX_D, a->value);
        c->d = (uint32_t)d;
    }
    return 0;
}

static void p2d_init(void *priv, const void *cfg, const struct tg_member *const *members)
{
    (void)members;
    struct p2d *p = priv;
    p->d = ((const struct p2d_cfg *)cfg)->d;
}

static void p2d_rebuild(void *priv, const struct route_view *v)
{
    struct p2d *p = priv;
    if (v->nmembers > p->cap) {
        p->count = xrealloc(p->count, v->nmembers * sizeof *p->count);
        memset(p->count + p->cap, 0, (v->nmembers - p->cap) * sizeof *p->count);
        p->cap = v->nmembers;
    }
    p->nst = 0; /* candidates drawn from the old set are drawn again */
    p->identity = true;
    for (uint32_t i = 0; i < v->n && p->identity; i++)
        p->identity = v->eligible[i] == i;
    if (p->d <= P2D_AHEAD_D)
        return;
    if (v->n > p->perm_cap) {
        p->perm_cap = v->n;
        p->perm = xrealloc(p->perm, p->perm_cap * sizeof *p->perm);
    }
    for (uint32_t i = 0; i < v->n; i++)
        p->perm[i] = i;
    p->nperm = v->n;
}

/* Draw a pick's k candidate positions out of n into st->pos, in sampling order. */
static void draw_stage(struct p2d_stage *st, uint32_t k, uint32_t n, gsl_rng *rng)
{
    uint32_t sorted[P2D_AHEAD_D];
    for (uint32_t i = 0; i < k; i++) {
        uint32_t r = (uint32_t)gsl_rng_uniform_int(rng, n - i), j = 0;
        /* The r-th position not taken: step over each taken one at or below it. */
        for (; j < i && sorted[j] <= r; j++)
            r++;
        for (uint32_t q = i; q > j; q--)
            sorted[q] = sorted[q - 1];
        sorted[j] = r;
        st->pos[i] = r;
    }
}

/* The stage's members, and a fetch of their counts (for the pick two on). */
static void resolve_stage(const struct p2d *p, struct p2d_stage *st, uint32_t k,
                          const struct route_view *v)
{
    for (uint32_t i = 0; i < k; i++) {
        st->m[i] = p->identity ? st->pos[i] : v->eligible[st->pos[i]];
        __builtin_prefetch(&p->count[st->m[i]], 1);
    }
}

/* The lowest count among k candidates; ties stay with the first sampled. */
static uint32_t least_of(const struct p2d *p, const uint32_t *m, uint32_t k)
{
    uint32_t best = UINT32_MAX, best_count = UINT32_MAX;
    for (uint32_t i = 0; i < k; i++)
        if (p->count[m[i]] < best_count) {
            best = m[i];
            best_count = p->count[m[i]];
        }
    return best;
}

static uint32_t p2d_pick(void *priv, const struct route_view *v, const struct request *rq,
                         gsl_rng *rng)
{
    (void)rq;
    struct p2d *p = priv;
    ELB_ASSERT(p->d >= 1 && (p->d <= P2D_AHEAD_D || p->nperm == v->n));
    uint32_t k = p->d < v->n ? p->d : v->n;
    if (p->d > P2D_AHEAD_D) {
        uint32_t best = UINT32_MAX, best_count = UINT32_MAX;
        for (uint32_t i = 0; i < k; i++) {
            uint32_t m = v->eligible[route_shuffle_step(p->perm, i, v->n, rng)];
            if (p->count[m] < best_count) { /* strict: ties stay with the first sampled */
                best = m;
                best_count = p->count[m];
            }
        }
        return best;
    }
    /* After a change of the eligible set: the three stages drawn now, in order. */
    for (; p->nst < P2D_STAGES; p->nst++) {
        draw_stage(&p->st[p->nst], k, v->n, rng);
        if (p->nst < 2)
            resolve_stage(p, &p->st[p->nst], k, v);
    }
    memcpy(p->last, p->st[0].m, k * sizeof *p->last);
    uint32_t best = least_of(p, p->st[0].m, k);
    p->st[0] = p->st[1];
    p->st[1] = p->st[2];
    resolve_stage(p, &p->st[1], k, v);
    draw_stage(&p->st[2], k, v->n, rng);
    for (uint32_t i = 0; i < k && !p->identity; i++)
        __builtin_prefetch(&v->eligible[p->st[2].pos[i]]);
    return best;
}

/* The next pick (k = 0): the candidate it would choose as the counts stand (i = 0 only);
 * the one after (k = 1): the i-th of its candidates. */
static uint32_t p2d_peek(const void *priv, const struct route_view *v, uint32_t k, uint32_t i)
{
    const struct p2d *p = priv;
    uint32_t kk = p->d < v->n ? p->d : v->n;
    if (p->d > P2D_AHEAD_D || k >= 2 || k >= p->nst || i >= kk)
        return UINT32_MAX;
    if (k == 0) /* the one it will choose as the counts stand: one target fetched, not d */
        return i == 0 ? least_of(p, p->st[0].m, kk) : UINT32_MAX;
    return p->st[k].m[i];
}

/* The view: the sampled members (the first k of the permutation, in sampling order) and
 * this node's outstanding count at each. */
static void p2d_trace(void *priv, const struct route_view *v, const struct request *rq,
                      uint32_t chosen, struct route_trace *out)
{
    (void)rq;
    const struct p2d *p = priv;
    uint32_t k = p->d < v->n ? p->d : v->n;
    out->what = "sampled";
    for (uint32_t i = 0; i < k; i++) {
        uint32_t m = p->d <= P2D_AHEAD_D ? p->last[i] : v->eligible[p->perm[i]];
        route_trace_add(out, m, p->count[m], chosen);
    }
    out->total = k;
}

static void p2d_sent(void *priv, uint32_t m)
{
    struct p2d *p = priv;
    p->count[m]++;
}

static bool p2d_prefetch_done(const void *priv, uint32_t m, int stage)
{
    const struct p2d *p = priv;
    if (stage == 1 && m < p->cap)
        __builtin_prefetch(&p->count[m], 1);
    return false;
}

static void p2d_done(void *priv, uint32_t m, const struct route_outcome *o)
{
    (void)o;
    struct p2d *p = priv;
    ELB_ASSERT(p->count[m] > 0);
    p->count[m]--;
}

static void p2d_fini(void *priv)
{
    struct p2d *p = priv;
    free(p->count);
    free(p->perm);
}

const struct route_ops route_p2d_ops = {
    .name = "power_of_d",
    .summary = "sample d targets (default 2; power_of_d(d=3)), send to the one with the "
               "fewest of this node's requests in flight; O(d)",
    .aws = false,
    .modes = ROUTE_PER_REQUEST | ROUTE_PER_FLOW,
    .priv_size = sizeof(struct p2d),
    .cfg_size = sizeof(struct p2d_cfg),
    .configure = p2d_configure,
    .init = p2d_init,
    .rebuild = p2d_rebuild,
    .pick = p2d_pick,
    .peek = p2d_peek,
    .prefetch_done = p2d_prefetch_done,
    .trace = p2d_trace,
    .sent = p2d_sent,
    .done = p2d_done,
    .fini = p2d_fini,
};
