/* Piecewise-linear rates (steps, spike, hourly rate files) and exact sampling by inverting
 * the cumulative intensity Λ(t) = ∫0^t λ.
 *
 * If E1, E2, ... are exponential(1) draws, the times where Λ has grown by E1, E1+E2, ...
 * are the arrivals of the Poisson process of rate λ (the time-change theorem: Λ maps the
 * process onto a unit-rate Poisson process).  On a piece with λ(u) = a + s u the growth from its start
 * is A(x) = a x + s x²/2, so A(x) = e solves to x = 2e / (a + sqrt(a² + 2 s e)), the
 * form without cancellation for s < 0 and valid for s = 0.  Cost: O(pieces crossed) per
 * arrival plus a binary search when the caller jumps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/xalloc.h"

void arrivals_pwl_init(struct arrivals_pwl *w, size_t n, const double *t, const double *r,
                       const double *s, double period)
{
    ELB_ASSERT(n > 0 && t[0] == 0);
    w->n = n;
    w->period = period;
    w->t = xmalloc((n + 1) * sizeof *w->t);
    w->r = xmalloc(n * sizeof *w->r);
    w->s = xmalloc(n * sizeof *w->s);
    w->cum = xmalloc((n + 1) * sizeof *w->cum);
    memcpy(w->t, t, n * sizeof *t);
    memcpy(w->r, r, n * sizeof *r);
    memcpy(w->s, s, n * sizeof *s);
    w->t[n] = period > 0 ? period : (double)INFINITY;
    if (!(period > 0))
        w->s[n - 1] = 0;
    w->cum[0] = 0;
    for (size_t i = 0; i < n; i++) {
        ELB_ASSERT(w->t[i + 1] > w->t[i] && w->r[i] >= 0);
        double len = w->t[i + 1] - w->t[i];
        w->cum[i + 1] = isinf(len) ? (double)INFINITY
                                   : w->cum[i] + w->r[i] * len + w->s[i] * len * len / 2;
    }
    ELB_ASSERT(!(period > 0) || w->cum[n] > 0);
}

void arrivals_pwl_fini(struct arrivals_pwl *w)
{
    free(w->t);
    free(w->r);
    free(w->s);
    free(w->cum);
}

/* Split t into the start of its period and the offset u into the period. */
static void split(const struct arrivals_pwl *w, double t, double *base, double *u)
{
    if (!(w->period > 0)) {
        *base = 0;
        *u = t;
        return;
    }
    *base = floor(t / w->period) * w->period;
    *u = t - *base;
    if (*u >= w->period) { /* rounding at a period boundary */
        *base += w->period;
        *u = 0;
    } else if (*u < 0) {
        *base -= w->period;
        *u += w->period;
    }
}

/* The piece holding offset u, trying hint and its successor first. */
static size_t locate(const struct arrivals_pwl *w, double u, size_t hint)
{
    if (hint < w->n && w->t[hint] <= u && u < w->t[hint + 1])
        return hint;
    if (hint + 1 < w->n && w->t[hint + 1] <= u && u < w->t[hint + 2])
        return hint + 1;
    size_t lo = 0, hi = w->n; /* invariant: t[lo] <= u < t[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->t[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static double piece_rate(const struct arrivals_pwl *w, size_t i, double u)
{
    return fmax(0, w->r[i] + w->s[i] * (u - w->t[i]));
}

double arrivals_pwl_rate_at(const struct arrivals_pwl *w, double t)
{
    double base, u;
    split(w, t, &base, &u);
    return piece_rate(w, locate(w, u, 0), u);
}

double arrivals_pwl_cum(const struct arrivals_pwl *w, double t)
{
    double base, u;
    split(w, t, &base, &u);
    size_t i = locate(w, u, 0);
    double x = u - w->t[i];
    double local = w->cum[i] + w->r[i] * x + w->s[i] * x * x / 2;
    if (!(w->period > 0))
        return local;
    return round(base / w->period) * w->cum[w->n] + local;
}

double arrivals_pwl_invert(const struct arrivals_pwl *w, struct arrivals_state *st, double now,
                           double e)
{
    double base, u;
    split(w, now, &base, &u);
    size_t i = locate(w, u, st->pos);
    double total = w->period > 0 ? w->cum[w->n] : 0;
    for (;;) {
        double a = piece_rate(w, i, u);
        double end = w->t[i + 1];
        if (isinf(end)) {
            /* The last piece of a non-periodic rate: constant for ever. */
            if (!(a > 0))
                return (double)INFINITY;
            st->pos = i;
            return arrivals_after(now, base + (u + e / a));
        }
        double len = end - u;
        double grow = a * len + w->s[i] * len * len / 2;
        if (e <= grow && grow > 0) {
            double dx = 2 * e / (a + sqrt(fmax(0, a * a + 2 * w->s[i] * e)));
            st->pos = i;
            return arrivals_after(now, base + (u + fmin(dx, len)));
        }
        e -= grow;
        u = end;
        if (++i == w->n) {
            /* Only a periodic rate gets here (the last non-periodic piece is infinite). */
            i = 0;
            u = 0;
            base += w->period;
            if (e > total) { /* skip whole periods at once */
                double m = floor(e / total);
                base += m * w->period;
                e -= m * total;
            }
        }
    }
}

/* Callbacks for processes whose private object begins with a struct arrivals_pwl. */

double arrivals_pwl_ops_rate_at(const void *priv, double t)
{
    return arrivals_pwl_rate_at(priv, t);
}

double arrivals_pwl_ops_count(const void *priv, double t0, double t1)
{
    return arrivals_pwl_cum(priv, t1) - arrivals_pwl_cum(priv, t0);
}

double arrivals_pwl_ops_next(const void *priv, struct arrivals_state *st, gsl_rng *r,
                             double now, double *demand_s, const char **path)
{
    (void)demand_s, (void)path;
    return arrivals_pwl_invert(priv, st, now, arrivals_exp1(r));
}
