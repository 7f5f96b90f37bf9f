/*
 * least_response_time: peak-EWMA load balancing as in Finagle (PeakEwma) and Linkerd
 * (tower's PeakEwma), a research option, not an AWS one.  Each LB node keeps, per target,
 * a latency estimate learnt from the responses it saw itself, and sends to the target with
 * the least cost = estimate x (outstanding + 1): a slow target and a busy one both look
 * expensive.
 *
 * The estimate, per member, from the responses' latency_s (rtt) at their time now:
 *  - a sample above the estimate replaces it at once (a new peak: react fast to trouble);
 *  - a lower one pulls it down with weight 1 - w, w = exp(-dt / decay), dt the seconds
 *    since the member's previous sample (estimate = estimate w + rtt (1 - w));
 *  - when read at a pick, the estimate has faded by exp(-age / decay), age the seconds
 *    since its last sample, as Finagle's reads decay it toward zero: a target left alone
 *    after a slow spell is tried again after a few decay periods instead of never.
 * A member with no sample yet costs 0 while it has nothing outstanding, so new targets
 * are tried first, then a penalty above any real cost until its first response comes back
 * (Finagle's rule), so one probe goes out rather than a flood.  Samples below 1 ns count as
 * 1 ns, so that outstanding requests always weigh.
 *
 * Errors are samples like any other: a target that fails fast looks fast and draws more
 * traffic (the "black hole" Finagle answers with a separate failure-accrual module, not
 * modelled).  In scenarios/examples/crash_detection.yaml the crashed target's quick 502s
 * give about four times round robin's errors until health checks remove it.
 *
 * Costs fade with time, but all by the same factor exp(-now / decay), so their order
 * changes only when sent or done touches a member: each member's cost is kept as
 * log(estimate) + last sample time / decay + log(outstanding + 1) (no transcendental
 * function at pick time), and the eligible members sit in a binary heap on it.  A pick
 * reads the top, O(1); sent and done re-sift one member, O(log n); rebuild heapifies,
 * O(n).  Ties go to the lower member index.  choices=d instead samples d distinct
 * members and takes the cheapest, as Finagle and Linkerd do with d = 2 ("power of two
 * choices"), O(d) per pick, ties drawn uniformly.
 *
 * Parameters: decay=<duration > 0> (10s); choices=all|<d >= 1> (all: the full scan).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/elb/routing.h"
#include "sim/call.h"
#include "sim/diag.h"
#include "sim/units.h"
#include "sim/xalloc.h"

#define LRT_MIN_RTT 1e-9
#define LRT_MAX_CHOICES 1000000L

struct lrt_cfg {
    double decay_s;   /* s: time constant of the estimate */
    uint32_t choices; /* members sampled per pick; 0 = all */
};

#define NIL UINT32_MAX

/* Invariant: for a sampled member, lkey = log(est) + stamp / decay; (cls, score) follow
 * from sampled, out and lkey as lrt_update sets them; heap[0..n) holds the eligible
 * members as a binary min-heap on (cls, score, member index), hpos its inverse (NIL for a
 * member not eligible). */
struct lrt {
    struct lrt_cfg cfg;
    uint32_t cap;     /* members the per-member arrays hold */
    double *est;      /* [member] s: the estimate as of its last sample */
    double *stamp;    /* [member] s: time of its last sample */
    double *lkey;     /* [member] the log cost factor, see the invariant */
    double *lout;     /* [member] log(outstanding + 1) */
    uint32_t *out;    /* [member] requests outstanding from this node */
    uint8_t *sampled; /* [member] 1 once a response came back */
    uint8_t *cls;     /* [member] 0: no sample, idle; 1: sampled; 2: no sample, probe out */
    double *score;    /* [member] class 1: lkey + lout; class 2: outstanding; class 0: 0 */
    uint32_t *hpos;   /* [member] position in heap, or NIL */
    uint32_t *heap;   /* [n] eligible members by cost */
    uint32_t *perm;   /* [n] eligible positions, reshuffled by choices=d */
    uint32_t n, hcap; /* eligible members, capacity of heap and perm */
};

static int lrt_configure(void *cfg, const struct sim_call *call, const char *text,
                         const struct loc *loc)
{
    struct lrt_cfg *c = cfg;
    *c = (struct lrt_cfg){.decay_s = 10.0, .choices = 0};
    if (!call->name)
        return 0;
    bool seen[2] = {false, false};
    for (size_t i = 0; i < call->nargs; i++) {
        const struct sim_call_arg *a = &call->args[i];
        if (!a->key || a->sep != '=')
            return diag_error_text(loc, text, a->key_off,
                                   a->key ? strlen(a->key) : a->value_len,
                                   "expected key=value in least_response_time, got '%s'",
                                   a->key ? a->key : a->value);
        int k = !strcmp(a->key, "decay") ? 0 : !strcmp(a->key, "choices") ? 1 : -1;
        if (k < 0)
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "unknown parameter '%s' for least_response_time; "
                                   "expected: decay, choices", a->key);
        if (seen[k])
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "parameter '%s' given twice", a->key);
        seen[k] = true;
        if (k == 0) {
            const char *why;
            double x;
            if (sim_units_parse(a->value, a->value_len, SIM_UNIT_SECONDS, &x, &why) ||
                !(x > 0.0))
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "decay must be a duration > 0 (e.g. 10s), got '%s'",
                                       a->value);
            c->decay_s = x;
        } else if (!strcmp(a->value, "all")) {
            c->choices = 0;
        } else {
            char *end;
            errno = 0;
            long d = strtol(a->value, &end, 10);
            if (*end || errno || end == a->value || d < 1 || d > LRT_MAX_CHOICES)
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "choices must be 'all' or a whole number from 1 to "
                                       "%ld, got '%s'", LRT_MAX_CHOICES, a->value);
            c->choices = (uint32_t)d;
        }
    }
    return 0;
}

static void lrt_init(void *priv, const void *cfg, const struct tg_member *const *members)
{
    (void)members;
    struct lrt *l = priv;
    l->cfg = *(const struct lrt_cfg *)cfg;
}

/* -1, 0, 1 as member a costs less than, as much as, more than member b. */
static int lrt_cmp(const struct lrt *l, uint32_t a, uint32_t b)
{
    if (l->cls[a] != l->cls[b])
        return l->cls[a] < l->cls[b] ? -1 : 1;
    return l->score[a] < l->score[b] ? -1 : l->score[a] > l->score[b];
}

/* The heap order: cost, then member index (a total order). */
static bool lrt_less(const struct lrt *l, uint32_t a, uint32_t b)
{
    int c = lrt_cmp(l, a, b);
    return c < 0 || (c == 0 && a < b);
}

static void heap_set(struct lrt *l, uint32_t i, uint32_t m)
{
    l->heap[i] = m;
    l->hpos[m] = i;
}

static void sift_up(struct lrt *l, uint32_t i)
{
    uint32_t m = l->heap[i];
    while (i > 0 && lrt_less(l, m, l->heap[(i - 1) / 2])) {
        heap_set(l, i, l->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(l, i, m);
}

static void sift_down(struct lrt *l, uint32_t i)
{
    uint32_t m = l->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= l->n)
            break;
        if (c + 1 < l->n && lrt_less(l, l->heap[c + 1], l->heap[c]))
            c++;
        if (!lrt_less(l, l->heap[c], m))
            break;
        heap_set(l, i, l->heap[c]);
        i = c;
    }
    heap_set(l, i, m);
}

/* Recompute member m's cost after a change of out or of its estimate. */
static void lrt_update(struct lrt *l, uint32_t m)
{
    if (l->sampled[m]) {
        l->cls[m] = 1;
        l->score[m] = l->lkey[m] + l->lout[m];
    } else {
        l->cls[m] = l->out[m] ? 2 : 0;
        l->score[m] = l->out[m];
    }
    if (l->hpos[m] != NIL) {
        sift_up(l, l->hpos[m]);
        sift_down(l, l->hpos[m]);
    }
}

static void lrt_rebuild(void *priv, const struct route_view *v)
{
    struct lrt *l = priv;
    if (v->nmembers > l->cap) {
        uint32_t n = v->nmembers, old = l->cap;
        l->est = xrealloc(l->est, n * sizeof *l->est);
        l->stamp = xrealloc(l->stamp, n * sizeof *l->stamp);
        l->lkey = xrealloc(l->lkey, n * sizeof *l->lkey);
        l->lout = xrealloc(l->lout, n * sizeof *l->lout);
        l->out = xrealloc(l->out, n * sizeof *l->out);
        l->sampled = xrealloc(l->sampled, n * sizeof *l->sampled);
        l->cls = xrealloc(l->cls, n * sizeof *l->cls);
        l->score = xrealloc(l->score, n * sizeof *l->score);
        l->hpos = xrealloc(l->hpos, n * sizeof *l->hpos);
        for (uint32_t m = old; m < n; m++) {
            l->est[m] = l->stamp[m] = l->lkey[m] = l->lout[m] = l->score[m] = 0.0;
            l->out[m] = 0;
            l->sampled[m] = l->cls[m] = 0;
        }
        l->cap = n;
    }
    if (v->n > l->hcap) {
        l->hcap = v->n;
        l->heap = xrealloc(l->heap, l->hcap * sizeof *l->heap);
        l->perm = xrealloc(l->perm, l->hcap * sizeof *l->perm);
    }
    for (uint32_t m = 0; m < l->cap; m++)
        l->hpos[m] = NIL;
    l->n = v->n;
    for (uint32_t i = 0; i < v->n; i++) {
        heap_set(l, i, v->eligible[i]);
        l->perm[i] = i;
    }
    for (uint32_t i = v->n / 2; i-- > 0;)
        sift_down(l, i);
}

static uint32_t lrt_pick(void *priv, const struct route_view *v, const struct request *rq,
                         gsl_rng *rng)
{
    (void)rq;
    struct lrt *l = priv;
    ELB_ASSERT(l->n == v->n && v->n > 0);
    uint32_t k = l->cfg.choices;
    if (!k || k >= v->n)
        return l->heap[0];
    /* choices=d: a partial Fisher-Yates shuffle, as in power_of_d; ties drawn uniformly. */
    uint32_t best = NIL, ties = 0;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t m = v->eligible[route_shuffle_step(l->perm, i, v->n, rng)];
        int c = best == NIL ? -1 : lrt_cmp(l, m, best);
        if (c < 0) {
            best = m;
            ties = 1;
        } else if (c == 0 && gsl_rng_uniform_int(rng, ++ties) == 0) {
            best = m; /* reservoir sampling: each tied member with probability 1/ties */
        }
    }
    return best;
}

static void lrt_set_out(struct lrt *l, uint32_t m, uint32_t out)
{
    l->out[m] = out;
    l->lout[m] = log((double)out + 1.0);
}

static void lrt_sent(void *priv, uint32_t m)
{
    struct lrt *l = priv;
    lrt_set_out(l, m, l->out[m] + 1);
    lrt_update(l, m);
}

static void lrt_done(void *priv, uint32_t m, const struct route_outcome *o)
{
    struct lrt *l = priv;
    ELB_ASSERT(m < l->cap && l->out[m] > 0);
    lrt_set_out(l, m, l->out[m] - 1);
    double rtt = o->latency_s > LRT_MIN_RTT ? o->latency_s : LRT_MIN_RTT;
    if (!l->sampled[m] || rtt > l->est[m]) {
        l->est[m] = rtt;
    } else {
        double dt = o->now > l->stamp[m] ? o->now - l->stamp[m] : 0.0;
        double w = exp(-dt / l->cfg.decay_s);
        l->est[m] = l->est[m] * w + rtt * (1.0 - w);
    }
    l->sampled[m] = 1;
    if (o->now > l->stamp[m])
        l->stamp[m] = o->now; /* monotone even if a caller reports out of order */
    l->lkey[m] = log(l->est[m]) + l->stamp[m] / l->cfg.decay_s;
    lrt_update(l, m);
}

static void lrt_fini(void *priv)
{
    struct lrt *l = priv;
    free(l->est);
    free(l->stamp);
    free(l->lkey);
    free(l->lout);
    free(l->out);
    free(l->sampled);
    free(l->cls);
    free(l->score);
    free(l->hpos);
    free(l->heap);
    free(l->perm);
}

const struct route_ops route_lrt_ops = {
    .name = "least_response_time",
    .summary = "peak-EWMA (Finagle, Linkerd): least latency estimate x (outstanding + 1), "
               "decay=10s; a heap, O(log n) (choices=2: sample two instead)",
    .aws = false,
    .modes = ROUTE_PER_REQUEST,
    .priv_size = sizeof(struct lrt),
    .cfg_size = sizeof(struct lrt_cfg),
    .configure = lrt_configure,
    .init = lrt_init,
    .rebuild = lrt_rebuild,
    .pick = lrt_pick,
    .sent = lrt_sent,
    .done = lrt_done,
    .fini = lrt_fini,
};
