/* Moments, cdf and quantiles of parsed distributions; parsing and formatting live in
 * dist_parse.c.  Formulas are the textbook ones; where one is not obvious the comment
 * gives its derivation. */
#include "sim/dist.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

/* The external definition of the inline sampler (C11 6.7.4), for calls the compiler does
 * not inline (-O0, function pointers). */
extern inline double sim_dist_sample(const struct sim_dist *d, gsl_rng *r);

void sim_dist_free(struct sim_dist *d)
{
    if (!d)
        return;
    switch (d->kind) {
    case SIM_DIST_EMPIRICAL:
        free(d->u.empirical.x);
        break;
    case SIM_DIST_MIXTURE:
        for (size_t i = 0; i < d->u.mixture.n; i++)
            sim_dist_free(d->u.mixture.comp[i]);
        free(d->u.mixture.comp);
        free(d->u.mixture.weight);
        free(d->u.mixture.prob);
        free(d->u.mixture.cum);
        break;
    default:
        break;
    }
    free(d->path);
    free(d);
}

/* Standard normal density. */
static double phi(double z)
{
    return 0.39894228040143267794 * exp(-0.5 * z * z); /* 1/sqrt(2 pi) */
}

/* Bounded Pareto on [L, H]: E[X^k] = a L^k g(a - k) / span, where r = L/H and
 * g(c) = (1 - r^c) / c (g(0) = -ln r), from integrating x^k a L^a x^(-a-1) / span.
 * expm1 keeps g accurate when a is close to k. */
static double pareto_bounded_moment(const struct sim_dist *d, double k)
{
    double a = d->u.pareto.alpha, lr = log(d->u.pareto.min / d->u.pareto.max);
    double c = a - k;
    double g = fabs(c * lr) < 1e-12 ? -lr : -expm1(c * lr) / c;
    return a * pow(d->u.pareto.min, k) * g / d->u.pareto.span;
}

/* Weibull: E[X^k] = scale^k Gamma(1 + k/shape); through lngamma so a tiny shape gives
 * HUGE_VAL rather than a GSL overflow error. */
static double weibull_moment(const struct sim_dist *d, double k)
{
    return pow(d->u.weibull.scale, k) * exp(gsl_sf_lngamma(1.0 + k / d->u.weibull.shape));
}

double sim_dist_mean(const struct sim_dist *d)
{
    switch (d->kind) {
    case SIM_DIST_CONST:
        return d->u.value;
    case SIM_DIST_UNIFORM:
        return d->u.uniform.min + 0.5 * d->u.uniform.width;
    case SIM_DIST_EXP:
        return d->u.exp.mean;
    case SIM_DIST_GAMMA:
        return d->u.gamma.shape * d->u.gamma.scale;
    case SIM_DIST_LOGNORMAL: {
        double s = d->u.lognormal.sigma;
        return exp(d->u.lognormal.mu + 0.5 * s * s);
    }
    case SIM_DIST_NORMAL: {
        /* Truncated normal: mu + sd phi(alpha) / P(Z > alpha), alpha = -mu/sd. */
        double sd = d->u.normal.sd, alpha = -d->u.normal.mu / sd;
        return d->u.normal.mu + sd * phi(alpha) / d->u.normal.mass;
    }
    case SIM_DIST_WEIBULL:
        return weibull_moment(d, 1);
    case SIM_DIST_PARETO: {
        double a = d->u.pareto.alpha;
        return a > 1 ? a * d->u.pareto.min / (a - 1) : HUGE_VAL;
    }
    case SIM_DIST_PARETO_BOUNDED:
        return pareto_bounded_moment(d, 1);
    case SIM_DIST_HYPEREXP:
        return d->u.hyperexp.p1 * d->u.hyperexp.mean1 +
               (1 - d->u.hyperexp.p1) * d->u.hyperexp.mean2;
    case SIM_DIST_EMPIRICAL: {
        /* Each of the n-1 gaps between order statistics carries mass 1/(n-1), spread
         * uniformly, so the mean is that of the midpoints. */
        size_t n = d->u.empirical.n;
        const double *x = d->u.empirical.x;
        if (n == 1)
            return x[0];
        double s = 0;
        for (size_t i = 0; i + 1 < n; i++)
            s += 0.5 * (x[i] + x[i + 1]);
        return s / (double)(n - 1);
    }
    case SIM_DIST_MIXTURE: {
        double m = 0;
        for (size_t i = 0; i < d->u.mixture.n; i++)
            m += d->u.mixture.prob[i] * sim_dist_mean(d->u.mixture.comp[i]);
        return m;
    }
    }
    return (double)NAN;
}

double sim_dist_variance(const struct sim_dist *d)
{
    switch (d->kind) {
    case SIM_DIST_CONST:
        return 0;
    case SIM_DIST_UNIFORM:
        return d->u.uniform.width * d->u.uniform.width / 12.0;
    case SIM_DIST_EXP:
        return d->u.exp.mean * d->u.exp.mean;
    case SIM_DIST_GAMMA:
        return d->u.gamma.shape * d->u.gamma.scale * d->u.gamma.scale;
    case SIM_DIST_LOGNORMAL: {
        double s2 = d->u.lognormal.sigma * d->u.lognormal.sigma;
        return expm1(s2) * exp(2 * d->u.lognormal.mu + s2);
    }
    case SIM_DIST_NORMAL: {
        /* sd^2 [1 + alpha h - h^2], h = phi(alpha) / P(Z > alpha). */
        double sd = d->u.normal.sd, alpha = -d->u.normal.mu / sd;
        double h = phi(alpha) / d->u.normal.mass;
        return sd * sd * (1 + alpha * h - h * h);
    }
    case SIM_DIST_WEIBULL: {
        double m1 = weibull_moment(d, 1), m2 = weibull_moment(d, 2);
        return isfinite(m2) ? m2 - m1 * m1 : HUGE_VAL;
    }
    case SIM_DIST_PARETO: {
        double a = d->u.pareto.alpha, m = d->u.pareto.min;
        return a > 2 ? m * m * a / ((a - 1) * (a - 1) * (a - 2)) : HUGE_VAL;
    }
    case SIM_DIST_PARETO_BOUNDED: {
        double m1 = pareto_bounded_moment(d, 1);
        return pareto_bounded_moment(d, 2) - m1 * m1;
    }
    case SIM_DIST_HYPEREXP: {
        double p1 = d->u.hyperexp.p1, m1 = d->u.hyperexp.mean1, m2 = d->u.hyperexp.mean2;
        double mean = p1 * m1 + (1 - p1) * m2;
        return 2 * (p1 * m1 * m1 + (1 - p1) * m2 * m2) - mean * mean;
    }
    case SIM_DIST_EMPIRICAL: {
        /* Per gap [a, b], centred on the mean m: E[(X-m)^2] = (A^2 + AB + B^2) / 3 with
         * A = a - m, B = b - m; centring avoids cancellation. */
        size_t n = d->u.empirical.n;
        const double *x = d->u.empirical.x;
        if (n == 1)
            return 0;
        double m = sim_dist_mean(d), s = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            double a = x[i] - m, b = x[i + 1] - m;
            s += (a * a + a * b + b * b) / 3.0;
        }
        return s / (double)(n - 1);
    }
    case SIM_DIST_MIXTURE: {
        /* Law of total variance, centred on the overall mean. */
        double m = sim_dist_mean(d), v = 0;
        for (size_t i = 0; i < d->u.mixture.n; i++) {
            const struct sim_dist *c = d->u.mixture.comp[i];
            double dm = sim_dist_mean(c) - m;
            v += d->u.mixture.prob[i] * (sim_dist_variance(c) + dm * dm);
        }
        return isnan(v) ? HUGE_VAL : v;
    }
    }
    return (double)NAN;
}

double sim_dist_cdf(const struct sim_dist *d, double x)
{
    if (isnan(x))
        return (double)NAN;
    switch (d->kind) {
    case SIM_DIST_CONST:
        return x < d->u.value ? 0 : 1;
    case SIM_DIST_UNIFORM: {
        double f = (x - d->u.uniform.min) / d->u.uniform.width;
        return f <= 0 ? 0 : f >= 1 ? 1 : f;
    }
    case SIM_DIST_EXP:
        return x <= 0 ? 0 : -expm1(-x / d->u.exp.mean);
    case SIM_DIST_GAMMA:
        return x <= 0 ? 0 : gsl_cdf_gamma_P(x, d->u.gamma.shape, d->u.gamma.scale);
    case SIM_DIST_LOGNORMAL:
        return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, d->u.lognormal.mu, d->u.lognormal.sigma);
    case SIM_DIST_NORMAL:
        /* (Phi(z) - Phi(alpha)) / mass == 1 - Q(z) / mass, exact in the upper tail. */
        if (x <= 0)
            return 0;
        return fmax(0, 1 - gsl_cdf_ugaussian_Q((x - d->u.normal.mu) / d->u.normal.sd) /
                               d->u.normal.mass);
    case SIM_DIST_WEIBULL:
        return x <= 0 ? 0 : -expm1(-pow(x / d->u.weibull.scale, d->u.weibull.shape));
    case SIM_DIST_PARETO:
    case SIM_DIST_PARETO_BOUNDED:
        if (x <= d->u.pareto.min)
            return 0;
        if (x >= d->u.pareto.max)
            return 1;
        return -expm1(d->u.pareto.alpha * log(d->u.pareto.min / x)) / d->u.pareto.span;
    case SIM_DIST_HYPEREXP: {
        if (x <= 0)
            return 0;
        double p1 = d->u.hyperexp.p1;
        return 1 - p1 * exp(-x / d->u.hyperexp.mean1) - (1 - p1) * exp(-x / d->u.hyperexp.mean2);
    }
    case SIM_DIST_EMPIRICAL: {
        size_t n = d->u.empirical.n;
        const double *x0 = d->u.empirical.x;
        if (x < x0[0])
            return 0;
        if (x >= x0[n - 1])
            return 1;
        /* Largest i with x0[i] <= x (so i < n-1 and x0[i+1] > x): binary search. */
        size_t lo = 0, hi = n - 1;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (x0[mid] <= x)
                lo = mid;
            else
                hi = mid;
        }
        return ((double)lo + (x - x0[lo]) / (x0[lo + 1] - x0[lo])) / (double)(n - 1);
    }
    case SIM_DIST_MIXTURE: {
        double f = 0;
        for (size_t i = 0; i < d->u.mixture.n; i++)
            f += d->u.mixture.prob[i] * sim_dist_cdf(d->u.mixture.comp[i], x);
        return f > 1 ? 1 : f;
    }
    }
    return (double)NAN;
}

/* P(X > x), computed directly rather than as 1 - cdf so that it keeps its precision in
 * the upper tail: only the kinds whose quantile is found by bisection need it. */
static double survival(const struct sim_dist *d, double x)
{
    switch (d->kind) {
    case SIM_DIST_CONST:
        return x < d->u.value ? 1 : 0;
    case SIM_DIST_EXP:
        return x <= 0 ? 1 : exp(-x / d->u.exp.mean);
    case SIM_DIST_GAMMA:
        return x <= 0 ? 1 : gsl_cdf_gamma_Q(x, d->u.gamma.shape, d->u.gamma.scale);
    case SIM_DIST_LOGNORMAL:
        return x <= 0 ? 1 : gsl_cdf_lognormal_Q(x, d->u.lognormal.mu, d->u.lognormal.sigma);
    case SIM_DIST_NORMAL:
        if (x <= 0)
            return 1;
        return fmin(1, gsl_cdf_ugaussian_Q((x - d->u.normal.mu) / d->u.normal.sd) /
                           d->u.normal.mass);
    case SIM_DIST_WEIBULL:
        return x <= 0 ? 1 : exp(-pow(x / d->u.weibull.scale, d->u.weibull.shape));
    case SIM_DIST_PARETO:
    case SIM_DIST_PARETO_BOUNDED: {
        /* ((min/x)^alpha - (min/max)^alpha) / span; the second term is 0 when unbounded. */
        if (x <= d->u.pareto.min)
            return 1;
        if (x >= d->u.pareto.max)
            return 0;
        double a = d->u.pareto.alpha;
        double tail = isinf(d->u.pareto.max) ? 0 : pow(d->u.pareto.min / d->u.pareto.max, a);
        return (pow(d->u.pareto.min / x, a) - tail) / d->u.pareto.span;
    }
    case SIM_DIST_HYPEREXP: {
        if (x <= 0)
            return 1;
        double p1 = d->u.hyperexp.p1;
        return p1 * exp(-x / d->u.hyperexp.mean1) + (1 - p1) * exp(-x / d->u.hyperexp.mean2);
    }
    case SIM_DIST_MIXTURE: {
        double s = 0;
        for (size_t i = 0; i < d->u.mixture.n; i++)
            s += d->u.mixture.prob[i] * survival(d->u.mixture.comp[i], x);
        return s > 1 ? 1 : s;
    }
    case SIM_DIST_UNIFORM:
    case SIM_DIST_EMPIRICAL:
        break;
    }
    return 1 - sim_dist_cdf(d, x);
}

/* Whether x is at or above the p-quantile.  Above the median the test is done on the
 * survival function against 1 - p (exact for p >= 1/2): with cdf values near 1 rounding
 * would otherwise make e.g. 0.9 (1 - e^-37) equal to 0.9. */
static bool reaches(const struct sim_dist *d, double x, double p)
{
    return p > 0.5 ? survival(d, x) <= 1 - p : sim_dist_cdf(d, x) >= p;
}

/* inf { x in [lo, hi] : cdf(x) >= p } by bisection, for a bracket whose hi reaches p
 * (widened if rounding says otherwise).  Stops when the bracket is a few ulps wide:
 * at most ~1100 halvings from [0, DBL_MAX], ~60 from a bracket within one binade. */
static double quantile_bisect(const struct sim_dist *d, double p, double lo, double hi)
{
    if (reaches(d, lo, p))
        return lo;
    while (!reaches(d, hi, p)) {
        if (hi >= DBL_MAX)
            return HUGE_VAL;
        hi = hi > 0 ? 2 * hi : DBL_MIN;
    }
    for (int it = 0; it < 2000; it++) {
        double mid = lo + 0.5 * (hi - lo);
        if (mid <= lo || mid >= hi || hi - lo <= 2 * DBL_EPSILON * hi)
            break;
        if (reaches(d, mid, p))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* Lower and upper ends of the support. */
static void support(const struct sim_dist *d, double *lo, double *hi)
{
    *lo = 0;
    *hi = HUGE_VAL;
    switch (d->kind) {
    case SIM_DIST_CONST:
        *lo = *hi = d->u.value;
        break;
    case SIM_DIST_UNIFORM:
        *lo = d->u.uniform.min;
        *hi = d->u.uniform.min + d->u.uniform.width;
        break;
    case SIM_DIST_PARETO:
    case SIM_DIST_PARETO_BOUNDED:
        *lo = d->u.pareto.min;
        *hi = d->u.pareto.max;
        break;
    case SIM_DIST_EMPIRICAL:
        *lo = d->u.empirical.x[0];
        *hi = d->u.empirical.x[d->u.empirical.n - 1];
        break;
    case SIM_DIST_MIXTURE:
        *lo = HUGE_VAL;
        *hi = 0;
        for (size_t i = 0; i < d->u.mixture.n; i++) {
            double a, b;
            support(d->u.mixture.comp[i], &a, &b);
            *lo = fmin(*lo, a);
            *hi = fmax(*hi, b);
        }
        break;
    default:
        break;
    }
}

double sim_dist_quantile(const struct sim_dist *d, double p)
{
    if (!(p >= 0 && p <= 1))
        return (double)NAN;
    double lo, hi;
    support(d, &lo, &hi);
    if (p == 0)
        return lo;
    if (p == 1)
        return hi;
    switch (d->kind) {
    case SIM_DIST_CONST:
        return d->u.value;
    case SIM_DIST_UNIFORM:
        return d->u.uniform.min + p * d->u.uniform.width;
    case SIM_DIST_EXP:
        return -d->u.exp.mean * log1p(-p);
    case SIM_DIST_GAMMA:
        return gsl_cdf_gamma_Pinv(p, d->u.gamma.shape, d->u.gamma.scale);
    case SIM_DIST_LOGNORMAL:
        return gsl_cdf_lognormal_Pinv(p, d->u.lognormal.mu, d->u.lognormal.sigma);
    case SIM_DIST_NORMAL: {
        /* Solve Q(z) = (1 - p) mass: the inverse of the cdf above. */
        double z = gsl_cdf_ugaussian_Qinv((1 - p) * d->u.normal.mass);
        double x = d->u.normal.mu + d->u.normal.sd * z;
        return x > 0 ? x : 0;
    }
    case SIM_DIST_WEIBULL:
        return d->u.weibull.scale * pow(-log1p(-p), 1.0 / d->u.weibull.shape);
    case SIM_DIST_PARETO:
    case SIM_DIST_PARETO_BOUNDED: {
        double x = d->u.pareto.min * pow(1 - p * d->u.pareto.span, -1.0 / d->u.pareto.alpha);
        return x < d->u.pareto.max ? x : d->u.pareto.max;
    }
    case SIM_DIST_HYPEREXP: {
        /* The quantile of a mixture lies between its components' quantiles. */
        double q1 = -d->u.hyperexp.mean1 * log1p(-p), q2 = -d->u.hyperexp.mean2 * log1p(-p);
        return quantile_bisect(d, p, fmin(q1, q2), fmax(q1, q2));
    }
    case SIM_DIST_EMPIRICAL: {
        size_t n = d->u.empirical.n;
        const double *x = d->u.empirical.x;
        double h = p * (double)(n - 1);
        size_t i = (size_t)h;
        if (i >= n - 1)
            return x[n - 1];
        return x[i] + (h - (double)i) * (x[i + 1] - x[i]);
    }
    case SIM_DIST_MIXTURE: {
        double a = HUGE_VAL, b = 0;
        for (size_t i = 0; i < d->u.mixture.n; i++) {
            double q = sim_dist_quantile(d->u.mixture.comp[i], p);
            a = fmin(a, q);
            b = fmax(b, q);
        }
        return quantile_bisect(d, p, a, b);
    }
    }
    return (double)NAN;
}
