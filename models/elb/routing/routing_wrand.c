/*
 * weighted_random: the ALB's third algorithm (AWS.md §1), with its automatic target weights
 * ("anomaly mitigation").  Each LB node draws a target with probability proportional to its
 * weight; weights start equal, so without anomalies this is uniform random routing.
 *
 * Anomaly mitigation (anomaly_mitigation=on; off by default, as AWS's target-group
 * attribute load_balancing.algorithm.anomaly_mitigation is [CLI-TGA]: detection alone
 * changes no weight).  AWS documents the behaviour, not the statistic, so the model states
 * its own:
 *  - Each member's error rate is an exponentially weighted average of "status >= 500" over
 *    its responses to this node, with weight 1/window per response (about the last window
 *    responses).  It starts at 0 and is kept while the member is not eligible.
 *  - Every interval seconds (evaluated at the first pick at or after the due time) each
 *    eligible member is compared with the median error rate of the other eligible members:
 *    above median + threshold it is anomalous; at or below median + threshold/2 it is
 *    healthy; in between its weight is left as it is (hysteresis against flapping).
 *  - An anomalous member's weight halves at each evaluation down to floor; a healthy one's
 *    doubles back up to 1 (traffic cut and restored step by step, as AWS describes).
 *  - At most half the eligible members (rounded down) are mitigated at once (AWS's 50 %
 *    rule; an instance is per LB node, so with cross-zone off this is per zone as on AWS).
 *    New anomalies are admitted worst first (highest rate, then lowest member index); when
 *    the eligible set shrinks, the excess mitigated members with the lowest rates are
 *    restored at once.  Fewer than 3 eligible members: nothing new is mitigated (AWS
 *    detects only with at least 3 healthy targets) and mitigated ones recover.
 *
 * Cost: O(1) per pick while all weights are equal (a uniform draw), else O(log n): one
 * uniform against the prefix sums of the eligible weights, found by binary search.  An
 * evaluation sorts the rates, O(n log n), once per interval.  done() is O(1).
 *
 * Parameters: anomaly_mitigation=on|off (off), threshold=<fraction in (0,1)> (0.1: ten
 * points of error rate above the peers' median), window=<responses >= 1> (100),
 * interval=<duration > 0> (5s: a third party's figure for AWS's evaluation period),
 * floor=<fraction in (0,1]> (0.01: a mitigated target keeps at least 1 % of a full share).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/elb/routing.h"
#include "sim/call.h"
#include "sim/diag.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/xalloc.h"

#define WR_MAX_WINDOW 100000000L

struct wr_cfg {
    bool mitigate;     /* anomaly mitigation on */
    double threshold;  /* error-rate margin above the peers' median that flags a member */
    double floor;      /* lowest weight of a mitigated member, (0, 1] */
    double interval_s; /* s: between evaluations */
    uint32_t window;   /* responses the error rate averages over (EWMA weight 1/window) */
};

/* One candidate of an evaluation: a member index and its error rate. */
struct wr_rank {
    double rate;
    uint32_t m;
};

/* Invariant: weight[m] is in [floor, 1] and < 1 exactly when m is mitigated; cum[] holds
 * the prefix sums of weight over elig[] in eligible order, and equal says they are all 1. */
struct wr {
    struct wr_cfg cfg;
    uint32_t cap;          /* members the per-member arrays hold */
    double *err;           /* [member] EWMA of the 5xx indicator */
    double *weight;        /* [member] share multiplier */
    uint32_t n, ecap;      /* eligible members, capacity of the per-position arrays */
    uint32_t *elig;        /* [n] member indices, a copy of the view's */
    double *cum;           /* [n] prefix sums of weight in eligible order */
    struct wr_rank *rank;  /* [n] scratch for evaluations: all eligible members */
    struct wr_rank *cand;  /* [n] scratch for evaluations: new anomalies */
    bool equal;            /* every eligible weight is 1: pick uniformly */
    double next_eval;      /* s: when the next evaluation is due */
};

/* ---- configuration ---- */

/* Parse a.value as a double with unit kind into *out; -1 after reporting `what`. */
static int wr_number(const struct sim_call_arg *a, enum sim_unit kind, double *out,
                     const char *what, const char *text, const struct loc *loc)
{
    const char *why;
    if (sim_units_parse(a->value, a->value_len, kind, out, &why))
        return diag_error_text(loc, text, a->value_off, a->value_len, "%s must be %s, got '%s'",
                               a->key, what, a->value);
    return 0;
}

static int wr_configure(void *cfg, const struct sim_call *call, const char *text,
                        const struct loc *loc)
{
    static const char *const keys[] = {"anomaly_mitigation", "threshold", "window", "interval",
                                       "floor"};
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    struct wr_cfg *c = cfg;
    *c = (struct wr_cfg){.mitigate = false, .threshold = 0.1, .floor = 0.01, .interval_s = 5.0,
                         .window = 100};
    if (!call->name)
        return 0;
    bool seen[NKEYS] = {false};
    for (size_t i = 0; i < call->nargs; i++) {
        const struct sim_call_arg *a = &call->args[i];
        if (!a->key || a->sep != '=')
            return diag_error_text(loc, text, a->key_off,
                                   a->key ? strlen(a->key) : a->value_len,
                                   "expected key=value in weighted_random, got '%s'",
                                   a->key ? a->key : a->value);
        size_t k = 0;
        while (k < NKEYS && strcmp(a->key, keys[k]))
            k++;
        if (k == NKEYS)
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "unknown parameter '%s' for weighted_random; expected: "
                                   "anomaly_mitigation, threshold, window, interval, floor",
                                   a->key);
        if (seen[k])
            return diag_error_text(loc, text, a->key_off, strlen(a->key),
                                   "parameter '%s' given twice", a->key);
        seen[k] = true;
        double x;
        switch (k) {
        case 0:
            if (strcmp(a->value, "on") && strcmp(a->value, "off"))
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "anomaly_mitigation must be 'on' or 'off', got '%s'",
                                       a->value);
            c->mitigate = !strcmp(a->value, "on");
            break;
        case 1:
            if (wr_number(a, SIM_UNIT_NONE, &x, "a fraction between 0 and 1 (e.g. 0.1)", text,
                          loc))
                return -1;
            if (!(x > 0.0 && x < 1.0))
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "threshold must be a fraction between 0 and 1 "
                                       "(e.g. 0.1), got '%s'", a->value);
            c->threshold = x;
            break;
        case 2: {
            char *end;
            errno = 0;
            long w = strtol(a->value, &end, 10);
            if (*end || errno || end == a->value || w < 1 || w > WR_MAX_WINDOW)
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "window must be a whole number of responses from 1 to "
                                       "%ld, got '%s'", WR_MAX_WINDOW, a->value);
            c->window = (uint32_t)w;
            break;
        }
        case 3:
            if (wr_number(a, SIM_UNIT_SECONDS, &x, "a duration > 0 (e.g. 5s)", text, loc))
                return -1;
            if (!(x > 0.0))
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "interval must be a duration > 0 (e.g. 5s), got '%s'",
                                       a->value);
            c->interval_s = x;
            break;
        default:
            if (wr_number(a, SIM_UNIT_NONE, &x, "a fraction in (0, 1] (e.g. 0.01)", text, loc))
                return -1;
            if (!(x > 0.0 && x <= 1.0))
                return diag_error_text(loc, text, a->value_off, a->value_len,
                                       "floor must be a fraction in (0, 1] (e.g. 0.01), "
                                       "got '%s'", a->value);
            c->floor = x;
            break;
        }
    }
    return 0;
}

/* ---- weights ---- */

static void wr_init(void *priv, const void *cfg, const struct tg_member *const *members)
{
    (void)members;
    struct wr *w = priv;
    w->cfg = *(const struct wr_cfg *)cfg;
    w->next_eval = w->cfg.interval_s;
    w->equal = true;
}

/* Prefix sums over the eligible weights, in eligible order (a fixed summation order). */
static void wr_sums(struct wr *w)
{
    double s = 0.0;
    w->equal = true;
    for (uint32_t i = 0; i < w->n; i++) {
        double x = w->weight[w->elig[i]];
        w->equal = w->equal && x == 1.0;
        s += x;
        w->cum[i] = s;
    }
}

/* Worst first: higher rate, then lower member index. */
static int wr_by_rate_desc(const void *a, const void *b)
{
    const struct wr_rank *x = a, *y = b;
    if (x->rate != y->rate)
        return x->rate < y->rate ? 1 : -1;
    return x->m < y->m ? -1 : x->m > y->m;
}

static bool wr_mitigated(const struct wr *w, uint32_t m)
{
    return w->weight[m] < 1.0;
}

static void wr_rebuild(void *priv, const struct route_view *v)
{
    struct wr *w = priv;
    if (v->nmembers > w->cap) {
        w->err = xrealloc(w->err, v->nmembers * sizeof *w->err);
        w->weight = xrealloc(w->weight, v->nmembers * sizeof *w->weight);
        for (uint32_t m = w->cap; m < v->nmembers; m++) {
            w->err[m] = 0.0;
            w->weight[m] = 1.0;
        }
        w->cap = v->nmembers;
    }
    if (v->n > w->ecap) {
        w->ecap = v->n;
        w->elig = xrealloc(w->elig, w->ecap * sizeof *w->elig);
        w->cum = xrealloc(w->cum, w->ecap * sizeof *w->cum);
        w->rank = xrealloc(w->rank, w->ecap * sizeof *w->rank);
        w->cand = xrealloc(w->cand, w->ecap * sizeof *w->cand);
    }
    w->n = v->n;
    if (v->n)
        memcpy(w->elig, v->eligible, v->n * sizeof *w->elig);
    /* The 50 % rule also holds when the eligible set shrinks: restore the mildest cases. */
    uint32_t k = 0;
    for (uint32_t i = 0; i < w->n; i++)
        if (wr_mitigated(w, w->elig[i]))
            w->rank[k++] = (struct wr_rank){w->err[w->elig[i]], w->elig[i]};
    if (k > w->n / 2) {
        qsort(w->rank, k, sizeof *w->rank, wr_by_rate_desc);
        for (uint32_t j = w->n / 2; j < k; j++)
            w->weight[w->rank[j].m] = 1.0;
    }
    wr_sums(w);
}

/* By rate, then member index: a total order, so the median is reproducible. */
static int wr_by_rate_asc(const void *a, const void *b)
{
    return wr_by_rate_desc(b, a);
}

/* The median of sorted[0..n) without entry r (n >= 2). */
static double median_without(const struct wr_rank *sorted, uint32_t n, uint32_t r)
{
    uint32_t k = n - 1; /* entries left */
    uint32_t hi = k / 2, lo = (k - 1) / 2;
    double a = sorted[lo < r ? lo : lo + 1].rate, b = sorted[hi < r ? hi : hi + 1].rate;
    return lo == hi ? a : 0.5 * (a + b);
}

/* One evaluation of automatic target weights (see the top of the file). */
static void wr_evaluate(struct wr *w)
{
    uint32_t n = w->n, half = n / 2;
    for (uint32_t i = 0; i < n; i++)
        w->rank[i] = (struct wr_rank){w->err[w->elig[i]], w->elig[i]};
    qsort(w->rank, n, sizeof *w->rank, wr_by_rate_asc);
    /* First pass: a step for each member already mitigated; new anomalies wait in cand[]
     * so that the 50 % rule admits the worst of them. */
    uint32_t mitigated = 0, ncand = 0;
    struct wr_rank *cand = w->cand;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t m = w->rank[r].m;
        double rate = w->rank[r].rate;
        double med = n >= 3 ? median_without(w->rank, n, r) : 0.0;
        bool anomalous = n >= 3 && rate > med + w->cfg.threshold;
        bool healthy = n < 3 || rate <= med + 0.5 * w->cfg.threshold;
        if (wr_mitigated(w, m)) {
            if (anomalous)
                w->weight[m] = fmax(w->cfg.floor, 0.5 * w->weight[m]);
            else if (healthy)
                w->weight[m] = fmin(1.0, 2.0 * w->weight[m]);
            mitigated += wr_mitigated(w, m);
        } else if (anomalous) {
            cand[ncand++] = w->rank[r];
        }
    }
    qsort(cand, ncand, sizeof *cand, wr_by_rate_desc);
    for (uint32_t j = 0; j < ncand && mitigated < half; j++) {
        w->weight[cand[j].m] = fmax(w->cfg.floor, 0.5);
        mitigated += wr_mitigated(w, cand[j].m); /* floor = 1 mitigates nothing */
    }
    wr_sums(w);
}

static uint32_t wr_pick(void *priv, const struct route_view *v, const struct request *rq,
                        gsl_rng *rng)
{
    (void)rq;
    struct wr *w = priv;
    ELB_ASSERT(w->n == v->n && v->n > 0);
    if (w->cfg.mitigate && v->now >= w->next_eval) {
        wr_evaluate(w);
        w->next_eval = v->now + w->cfg.interval_s;
    }
    if (w->equal)
        return w->elig[gsl_rng_uniform_int(rng, w->n)];
    /* The first position whose prefix sum exceeds u (binary search; a branch-free variant
     * measured twice as slow: it serialises the loads).  u < total, but should rounding
     * put it on the last sum, the search ends on the last position anyway. */
    const double *cum = w->cum;
    double u = sim_rng_uniform(rng) * cum[w->n - 1];
    uint32_t lo = 0, hi = w->n - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return w->elig[lo];
}

/* The view: each eligible member's weight (1 unless anomaly mitigation lowered it). */
static void wr_trace(void *priv, const struct route_view *v, const struct request *rq,
                     uint32_t chosen, struct route_trace *out)
{
    (void)rq;
    (void)v;
    const struct wr *w = priv;
    out->what = "weight";
    for (uint32_t i = 0; i < w->n; i++)
        route_trace_add(out, w->elig[i], w->equal ? 1.0 : w->weight[w->elig[i]], chosen);
}

static void wr_done(void *priv, uint32_t m, const struct route_outcome *o)
{
    struct wr *w = priv;
    if (!w->cfg.mitigate)
        return;
    ELB_ASSERT(m < w->cap);
    double bad = o->status >= 500 ? 1.0 : 0.0;
    w->err[m] += (bad - w->err[m]) / w->cfg.window;
}

static void wr_fini(void *priv)
{
    struct wr *w = priv;
    free(w->err);
    free(w->weight);
    free(w->elig);
    free(w->cum);
    free(w->rank);
    free(w->cand);
}

const struct route_ops route_wrand_ops = {
    .name = "weighted_random",
    .summary = "random in proportion to weights; automatic target weights cut targets whose "
               "5xx rate stands out from their peers' (anomaly_mitigation=on, off by default); "
               "O(log n)",
    .aws = true,
    .modes = ROUTE_PER_REQUEST,
    .priv_size = sizeof(struct wr),
    .cfg_size = sizeof(struct wr_cfg),
    .configure = wr_configure,
    .init = wr_init,
    .rebuild = wr_rebuild,
    .pick = wr_pick,
    .trace = wr_trace,
    .done = wr_done,
    .fini = wr_fini,
};
