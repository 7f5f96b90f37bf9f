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
 * Because costs fade with time, they cannot be kept in a heap; a pick scans the eligible
 * members: O(n), about 1 ns a member, with no transcendental function in the loop: each
 * member's score log(estimate) + last sample time / decay + log(outstanding + 1) is kept
 * up to date by sent and done, and orders members as their faded costs do (the common
 * factor exp(-now / decay) drops out).  choices=d samples d distinct members instead, as Finagle and Linkerd
 * do with d = 2 ("power of two choices"): O(d).  Ties go to a uniformly drawn one.
 *
 * Parameters: decay=<duration > 0> (10s); choices=all|<d >= 1> (all: the full scan).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/routing.h"
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

/* Invariant: for a sampled member, lkey = log(est) + stamp / decay. */
struct lrt {
    struct lrt_cfg cfg;
    uint32_t cap;     /* members the per-member arrays hold */
    double *est;      /* [member] s: the estimate as of its last sample */
    double *stamp;    /* [member] s: time of its last sample */
    double *lkey;     /* [member] the log cost factor, see the invariant */
    double *lout;     /* [member] log(outstanding + 1) */
    uint32_t *out;    /* [member] requests outstanding from this node */
    uint8_t *sampled; /* [member] 1 once a response came back */
    double *score;    /* [member] what a pick compares, see lrt_score */
    uint32_t *perm;   /* [n] eligible positions, reshuffled by choices=d */
    uint32_t nperm, perm_cap;
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
        l->score = xrealloc(l->score, n * sizeof *l->score);
        for (uint32_t m = old; m < n; m++) {
            l->est[m] = l->stamp[m] = l->lkey[m] = l->lout[m] = 0.0;
            l->out[m] = 0;
            l->sampled[m] = 0;
            l->score[m] = -HUGE_VAL;
        }
        l->cap = n;
    }
    if (v->n > l->perm_cap) {
        l->perm_cap = v->n;
        l->perm = xrealloc(l->perm, l->perm_cap * sizeof *l->perm);
    }
    for (uint32_t i = 0; i < v->n; i++)
        l->perm[i] = i;
    l->nperm = v->n;
}

/* A member's score: its log cost (see the invariant) when sampled; -inf with no sample
 * and nothing outstanding (tried first); +inf with no sample and a probe outstanding. */
static void lrt_score(struct lrt *l, uint32_t m)
{
    if (l->sampled[m])
        l->score[m] = l->lkey[m] + l->lout[m];
    else
        l->score[m] = l->out[m] ? HUGE_VAL : -HUGE_VAL;
}

static uint32_t lrt_pick(void *priv, const struct route_view *v, const struct request *rq,
                         gsl_rng *rng)
{
    (void)rq;
    struct lrt *l = priv;
    ELB_ASSERT(l->nperm == v->n && v->n > 0);
    uint32_t k = l->cfg.choices && l->cfg.choices < v->n ? l->cfg.choices : v->n;
    if (k < v->n) { /* choices=d: a partial Fisher-Yates shuffle, as in power_of_d */
        for (uint32_t i = 0; i < k; i++) {
            uint32_t j = i + (uint32_t)gsl_rng_uniform_int(rng, v->n - i);
            uint32_t tmp = l->perm[i];
            l->perm[i] = l->perm[j];
            l->perm[j] = tmp;
        }
    }
    const uint32_t *pos = k < v->n ? l->perm : NULL;
    const double *score = l->score;
    uint32_t best = UINT32_MAX, ties = 0;
    double best_score = HUGE_VAL;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t m = v->eligible[pos ? pos[i] : i];
        double x = score[m];
        if (x > best_score)
            continue; /* the common case, kept first for a tight loop */
        if (x < best_score) {
            best = m;
            best_score = x;
            ties = 1;
        } else if (x != HUGE_VAL && gsl_rng_uniform_int(rng, ++ties) == 0) {
            best = m; /* reservoir sampling: each tied member with probability 1/ties */
        }
    }
    if (best != UINT32_MAX)
        return best;
    /* Every candidate is a new member with its probe out: the fewest outstanding. */
    uint32_t best_out = UINT32_MAX;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t m = v->eligible[pos ? pos[i] : i];
        if (l->out[m] < best_out) {
            best = m;
            best_out = l->out[m];
            ties = 1;
        } else if (l->out[m] == best_out && gsl_rng_uniform_int(rng, ++ties) == 0) {
            best = m;
        }
    }
    return best;
}

static void lrt_set_out(struct lrt *l, uint32_t m, uint32_t out)
{
    l->out[m] = out;
    l->lout[m] = log((double)out + 1.0);
    lrt_score(l, m);
}

static void lrt_sent(void *priv, uint32_t m)
{
    struct lrt *l = priv;
    lrt_set_out(l, m, l->out[m] + 1);
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
    lrt_score(l, m);
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
    free(l->score);
    free(l->perm);
}

const struct route_ops route_lrt_ops = {
    .name = "least_response_time",
    .summary = "peak-EWMA (Finagle, Linkerd): least latency estimate x (outstanding + 1); "
               "scans all targets per pick (choices=2: sample two; decay=10s)",
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
