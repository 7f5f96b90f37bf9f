/*
 * dist — probability distributions written as text, parsed once, sampled fast.
 *
 * Scenarios give service demands, think times, LB latencies and launch times as text in
 * the sim/call.h syntax, with values in the unit the caller asks for (durations for all
 * of those):
 *
 *   const(5ms)  or just 5ms           always that value
 *   uniform(min=1ms, max=9ms)         flat on [min, max)
 *   exp(mean=20ms)  exp(rate=50/s)    exponential; rate= only for durations and plain numbers
 *   erlang(k=3, mean=30ms)            sum of k exponentials (gamma with integer shape)
 *   gamma(mean=30ms, cv=0.5)          shape 1/cv^2
 *   lognormal(median=40ms, p99=400ms) or lognormal(mean=40ms, cv=2)
 *   normal(mean=50ms, sd=10ms)        truncated at zero; mean >= 0 and sd are those of the
 *                                     normal BEFORE truncation, while sim_dist_mean and the
 *                                     other functions describe the truncated distribution
 *   weibull(shape=1.5, scale=30ms)
 *   pareto(min=10ms, alpha=1.5)       or bounded: pareto(min=10ms, max=10s, alpha=1.1)
 *   hyperexp(mean=20ms, cv=3)         two exponential phases with balanced means, cv >= 1
 *   empirical(file.csv)               one CSV column of observations (values may carry
 *                                     units; an optional header row); sampled by linear
 *                                     interpolation of the empirical quantile function
 *                                     between order statistics (R's type 7); also
 *                                     empirical(file=file.csv)
 *   mixture(0.9: exp(mean=10ms), 0.1: const(1s))   weights sum to 1; components nest
 *
 * Every distribution here lives on [0, inf): values and parameters are checked at parse
 * time, so samples are never negative.  Sampling follows GSL (gsl_ran_*); the cdf and
 * quantile use gsl_cdf_* where GSL has them.  Mean and variance are INFINITY where the
 * distribution has none (pareto with alpha <= 1 or <= 2).
 *
 * Errors in the text are bad input: they are reported through diag_error_text with a
 * caret under the offending part and what was expected, and sim_dist_parse returns -1.
 */
#ifndef ELBSIM_SIM_DIST_H
#define ELBSIM_SIM_DIST_H

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/diag.h"
#include "sim/rng.h"
#include "sim/units.h"

/* The sampler a distribution uses (several texts may share one: erlang is GAMMA). */
enum sim_dist_kind {
    SIM_DIST_CONST,
    SIM_DIST_UNIFORM,
    SIM_DIST_EXP,
    SIM_DIST_GAMMA,
    SIM_DIST_LOGNORMAL,
    SIM_DIST_NORMAL,
    SIM_DIST_WEIBULL,
    SIM_DIST_PARETO,
    SIM_DIST_PARETO_BOUNDED,
    SIM_DIST_HYPEREXP,
    SIM_DIST_EMPIRICAL,
    SIM_DIST_MIXTURE,
};

#define SIM_DIST_MAX_PARAMS 4

/*
 * A parsed distribution.  The struct is public so that sim_dist_sample is an inline
 * switch; fields other than kind and unit are for dist.c and dist_parse.c alone.
 *
 * Invariants, established by sim_dist_parse and relied on without checks:
 *   - every parameter is finite; all values in base units of `unit`;
 *   - the support lies in [0, inf), so every sample is >= 0;
 *   - CONST value >= 0; UNIFORM min >= 0, width > 0; EXP mean > 0;
 *   - GAMMA shape > 0, scale > 0; LOGNORMAL sigma > 0; WEIBULL shape, scale > 0;
 *   - NORMAL mu >= 0, sd > 0, so mass >= 1/2 and rejection takes < 2 draws on average;
 *   - PARETO min > 0, alpha > 0, max = INFINITY; PARETO_BOUNDED also max > min and
 *     span = 1 - (min/max)^alpha in (0, 1];
 *   - HYPEREXP 1/2 <= p1 < 1, mean1, mean2 > 0;
 *   - EMPIRICAL n >= 1, x sorted ascending, all >= 0;
 *   - MIXTURE n >= 1, cum non-decreasing with cum[n-1] == 1, prob[i] = cum[i] - cum[i-1]
 *     as computed from the normalised weights, components owned.
 */
struct sim_dist {
    enum sim_dist_kind kind; /* which sampler; selects the member of u */
    enum sim_unit unit;      /* unit of the values: samples are in its base unit */
    union {
        double value; /* CONST */
        struct {
            double min, width; /* flat on [min, min + width) */
        } uniform;
        struct {
            double mean;
        } exp;
        struct {
            double shape, scale; /* mean = shape * scale (erlang: shape = k) */
        } gamma;
        struct {
            double mu, sigma; /* ln X ~ N(mu, sigma^2) */
        } lognormal;
        struct {
            double mu, sd; /* of the normal before truncation */
            double mass;   /* P(N(mu, sd^2) >= 0) */
        } normal;
        struct {
            double shape, scale; /* P(X > x) = exp(-(x/scale)^shape) */
        } weibull;
        struct {
            double min, max, alpha; /* P(X > x) = (min/x)^alpha, cut at max */
            double span;            /* 1 - (min/max)^alpha; 1 when unbounded */
        } pareto;
        struct {
            double p1;           /* probability of phase 1 */
            double mean1, mean2; /* phase means; p1 * mean1 == (1 - p1) * mean2 */
        } hyperexp;
        struct {
            size_t n;  /* number of observations */
            double *x; /* n sorted observations; owned */
        } empirical;
        struct {
            size_t n;               /* number of components */
            double *weight;         /* weights as written (sum within 1e-9 of 1); owned */
            double *prob;           /* normalised weights; owned */
            double *cum;            /* cumulative prob, cum[n-1] == 1; owned */
            struct sim_dist **comp; /* n components; owned */
        } mixture;
    } u;
    /* How the text wrote it, so sim_dist_format can write it back (dist_parse.c). */
    unsigned spec;                      /* row of the parser's table */
    unsigned given;                     /* bit i set: parameter i was written */
    double param[SIM_DIST_MAX_PARAMS];  /* parameters as written, in base units */
    char *path;                         /* EMPIRICAL: file name as written; owned */
};

/* Parse a distribution text whose values have the given unit (SIM_UNIT_SECONDS for
 * demands and latencies; any unit works, but exp(rate=) is accepted only for
 * SIM_UNIT_SECONDS and SIM_UNIT_NONE).  base: location of text's first
 * character, NULL for the command line.  base_dir: directory that relative
 * empirical(file) paths are resolved against (NULL = current directory); borrowed.
 * On success stores a new distribution in *out (caller frees with sim_dist_free) and
 * returns 0.  On bad input (or an unreadable empirical file) reports through diag, sets
 * *out to NULL and returns -1. */
int sim_dist_parse(const char *text, enum sim_unit unit, const struct loc *base,
                   const char *base_dir, struct sim_dist **out);

/* One draw from d using r, in base units; never negative.  Hot path: no allocation, a
 * switch and the GSL sampler (O(components) for a mixture, O(1) otherwise). */
inline double sim_dist_sample(const struct sim_dist *d, gsl_rng *r);

/* Every declaration says `inline` (C11 6.7.4p7): this is an inline definition, and dist.c
 * holds the one external definition. */
inline double sim_dist_sample(const struct sim_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case SIM_DIST_CONST:
        return d->u.value;
    case SIM_DIST_UNIFORM:
        return d->u.uniform.min + d->u.uniform.width * sim_rng_uniform(r);
    case SIM_DIST_EXP:
        return sim_rng_exponential(r, d->u.exp.mean);
    case SIM_DIST_GAMMA:
        return gsl_ran_gamma(r, d->u.gamma.shape, d->u.gamma.scale);
    case SIM_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, d->u.lognormal.mu, d->u.lognormal.sigma);
    case SIM_DIST_NORMAL: {
        /* Rejection: mass >= 1/2, so fewer than two draws on average.  + 0.0 turns a
         * -0.0 into +0.0. */
        double x;
        do
            x = d->u.normal.mu + gsl_ran_gaussian_ziggurat(r, d->u.normal.sd);
        while (x < 0);
        return x + 0.0;
    }
    case SIM_DIST_WEIBULL:
        return gsl_ran_weibull(r, d->u.weibull.scale, d->u.weibull.shape);
    case SIM_DIST_PARETO:
        return gsl_ran_pareto(r, d->u.pareto.alpha, d->u.pareto.min);
    case SIM_DIST_PARETO_BOUNDED: {
        /* Inversion of F(x) = (1 - (min/x)^alpha) / span. */
        double x = d->u.pareto.min *
                   pow(1.0 - sim_rng_uniform(r) * d->u.pareto.span, -1.0 / d->u.pareto.alpha);
        return x < d->u.pareto.max ? x : d->u.pareto.max;
    }
    case SIM_DIST_HYPEREXP:
        return sim_rng_exponential(r, sim_rng_uniform(r) < d->u.hyperexp.p1
                                          ? d->u.hyperexp.mean1
                                          : d->u.hyperexp.mean2);
    case SIM_DIST_EMPIRICAL: {
        size_t n = d->u.empirical.n;
        const double *x = d->u.empirical.x;
        double h = sim_rng_uniform(r) * (double)(n - 1);
        size_t i = (size_t)h;
        if (i >= n - 1)
            return x[n - 1];
        return x[i] + (h - (double)i) * (x[i + 1] - x[i]);
    }
    case SIM_DIST_MIXTURE: {
        double u = sim_rng_uniform(r);
        size_t i = 0, last = d->u.mixture.n - 1;
        while (i < last && u >= d->u.mixture.cum[i])
            i++;
        return sim_dist_sample(d->u.mixture.comp[i], r);
    }
    }
    return 0.0; /* unreachable: parse only builds the kinds above */
}

/* Mean of d in base units; INFINITY when it is infinite. */
double sim_dist_mean(const struct sim_dist *d);

/* Variance of d in base units squared; INFINITY when it is infinite. */
double sim_dist_variance(const struct sim_dist *d);

/* P(X <= x). */
double sim_dist_cdf(const struct sim_dist *d, double x);

/* The p-quantile, inf { x : cdf(x) >= p }, for p in [0, 1]: closed form where one exists,
 * else bisection (hyperexp, mixture; on the survival function above the median, so that
 * an atom at the p-quantile is not lost to rounding).  quantile(0) is the lower end of the
 * support, quantile(1) the upper end (INFINITY when unbounded).  NaN for p outside [0, 1]. */
double sim_dist_quantile(const struct sim_dist *d, double p);

/* Write d's canonical text into buf (n bytes, always NUL-terminated when n > 0, truncated
 * if too small; 256 bytes suffice for anything but long mixtures and file names).
 * Parameters are written in a fixed order with exactly round-tripping values, so
 * sim_dist_parse of the text (with the same unit and base_dir) gives a distribution with
 * identical parameters and hence an identical stream of samples.  A bare value is written
 * as const(VALUE). */
void sim_dist_format(const struct sim_dist *d, char *buf, size_t n);

/* Free d and everything it owns; NULL is ignored. */
void sim_dist_free(struct sim_dist *d);

/* One row per distribution name, for `elbsim list distributions` and for messages. */
struct sim_dist_info {
    const char *name;     /* as written in text: "lognormal" */
    const char *synopsis; /* the accepted forms: "lognormal(median=, p99=) | ..." */
    const char *help;     /* one sentence on what it models */
};

/* Terminated by a row whose name is NULL. */
extern const struct sim_dist_info sim_dist_table[];

#endif
