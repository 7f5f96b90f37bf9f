/*
 * power_of_d: the "power of d choices" (Mitzenmacher 2001; d = 2 is the research
 * favourite, "power of two choices").  Each LB node samples d distinct eligible targets
 * uniformly with the group's stream and sends to the one with the fewest requests it has
 * in flight there itself; ties go to the first sampled.  d = 1 is random routing; d >= the
 * number of targets is least outstanding requests with random tie-break.  With n targets
 * at load rho the longest queue grows like log log n / log d instead of log n / log log n.
 *
 * Sampling is a partial Fisher-Yates shuffle of a permutation kept across picks: from any
 * starting order the first d entries after d swaps are a uniform ordered sample, so a pick
 * costs O(d) draws and no rejection.
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

struct p2d {
    uint32_t d;        /* from the configuration */
    uint32_t cap;      /* members count[] holds */
    uint32_t *count;   /* [member] requests outstanding from this node */
    uint32_t *perm;    /* [n] a permutation of eligible positions, reshuffled per pick */
    uint32_t nperm, perm_cap;
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
    if (v->n > p->perm_cap) {
        p->perm_cap = v->n;
        p->perm = xrealloc(p->perm, p->perm_cap * sizeof *p->perm);
    }
    for (uint32_t i = 0; i < v->n; i++)
        p->perm[i] = i;
    p->nperm = v->n;
}

static uint32_t p2d_pick(void *priv, const struct route_view *v, const struct request *rq,
                         gsl_rng *rng)
{
    (void)rq;
    struct p2d *p = priv;
    ELB_ASSERT(p->d >= 1 && p->nperm == v->n);
    uint32_t k = p->d < v->n ? p->d : v->n;
    uint32_t best = UINT32_MAX, best_count = UINT32_MAX;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = i + (uint32_t)gsl_rng_uniform_int(rng, v->n - i);
        uint32_t tmp = p->perm[i];
        p->perm[i] = p->perm[j];
        p->perm[j] = tmp;
        uint32_t m = v->eligible[p->perm[i]];
        if (p->count[m] < best_count) { /* strict: ties stay with the first sampled */
            best = m;
            best_count = p->count[m];
        }
    }
    return best;
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
        uint32_t m = v->eligible[p->perm[i]];
        route_trace_add(out, m, p->count[m], chosen);
    }
    out->total = k;
}

static void p2d_sent(void *priv, uint32_t m)
{
    struct p2d *p = priv;
    p->count[m]++;
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
    .trace = p2d_trace,
    .sent = p2d_sent,
    .done = p2d_done,
    .fini = p2d_fini,
};
