/*
 * Tests of sim/dist: every distribution against its theory, the canonical text, and every
 * kind of bad input (message, caret and, through the binary, exit status 2).
 *
 * Tolerances come from confidence intervals at a two-sided level of 1e-6 (z ~ 4.89),
 * never from guesses:
 *   mean      |xbar - mu| <= z sigma / sqrt(n)
 *   variance  |s^2 - sigma^2| <= z sqrt((m4 - s^4) / n), m4 the sample 4th central moment
 *   quantile  the empirical cdf at the true q_p lies within p +- z sqrt(p (1 - p) / n)
 * n is at least 2e5 and grows with the cv so that the mean's interval is at most 1.2% of
 * the mean; each theory test then also asserts that a mean 2% off would have been
 * rejected, so the tests have the power they claim.  Seeds are fixed: deterministic.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/dist.h"
#include "sim/rng.h"
#include "tests/unit.h"

#define DATA "tests/data/"

static double z_1e6(void)
{
    return gsl_cdf_ugaussian_Qinv(0.5e-6);
}

static struct sim_dist *parse_ok(const char *text)
{
    struct sim_dist *d = NULL;
    int rc = sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, NULL, &d);
    if (rc)
        fprintf(stderr, "\n  cannot parse '%s'\n", text);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    return d;
}

/* Number of sorted x[0..n) below v (strictly, or <= when or_equal). */
static size_t count_below(const double *x, size_t n, double v, bool or_equal)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x[mid] < v || (or_equal && x[mid] == v))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* What a theory test checks beyond the defaults. */
enum {
    NO_VARIANCE_CHECK = 1, /* 4th moment infinite: the variance interval does not hold */
};

/*
 * Sample text and compare with the dist's own theory: mean, variance, p50/p90/p99, and
 * cdf(quantile(p)) == p.  Also asserts that samples are >= 0 and that the test would catch
 * a mean off by 2%.
 */
static void check_theory(const char *text, unsigned flags)
{
    struct sim_dist *d = parse_ok(text);
    double z = z_1e6();
    double mu = sim_dist_mean(d), var = sim_dist_variance(d);
    double cv = isfinite(var) && mu > 0 ? sqrt(var) / mu : 0;
    double nf = ceil(pow(z * cv / 0.012, 2));
    size_t n = nf < 2e5 ? 200000 : nf > 2e6 ? 2000000 : (size_t)nf;

    gsl_rng *r = sim_rng_new(20240601, text);
    double *x = malloc(n * sizeof *x);
    size_t negative = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = sim_dist_sample(d, r);
        negative += !(x[i] >= 0);
    }
    CU_ASSERT_EQUAL(negative, 0);

    double xbar = gsl_stats_mean(x, 1, n);
    if (isfinite(mu) && isfinite(var)) {
        double tol = z * sqrt(var / (double)n);
        bool ok = fabs(xbar - mu) <= tol;
        if (!ok)
            fprintf(stderr, "\n  %s: mean %.9g, theory %.9g +- %.3g\n", text, xbar, mu, tol);
        CU_ASSERT(ok);
        /* Power: a theory 2% off would have failed. */
        CU_ASSERT(fabs(xbar - 1.02 * mu) > tol && fabs(xbar - 0.98 * mu) > tol);
    }
    if (isfinite(var) && !(flags & NO_VARIANCE_CHECK)) {
        double s2 = gsl_stats_variance_m(x, 1, n, xbar);
        double m4 = 0;
        for (size_t i = 0; i < n; i++) {
            double dx = x[i] - xbar;
            m4 += dx * dx * dx * dx;
        }
        m4 /= (double)n;
        double tol = z * sqrt((m4 - s2 * s2) / (double)n);
        bool ok = fabs(s2 - var) <= tol;
        if (!ok)
            fprintf(stderr, "\n  %s: variance %.9g, theory %.9g +- %.3g\n", text, s2, var, tol);
        CU_ASSERT(ok);
    }

    gsl_sort(x, 1, n);
    static const double ps[] = {0.5, 0.9, 0.99};
    for (size_t k = 0; k < 3; k++) {
        double p = ps[k], q = sim_dist_quantile(d, p);
        double tol = z * sqrt(p * (1 - p) / (double)n);
        /* F(q-) <= p <= F(q) empirically; for a continuous dist both are F(q) = p. */
        double lt = (double)count_below(x, n, q, false) / (double)n;
        double le = (double)count_below(x, n, q, true) / (double)n;
        bool ok = lt <= p + tol && le >= p - tol;
        if (!ok)
            fprintf(stderr, "\n  %s: ecdf at q%g=%.9g is [%.6f, %.6f], want %g +- %.4f\n", text,
                    p, q, lt, le, p, tol);
        CU_ASSERT(ok);
    }
    static const double pc[] = {0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999};
    for (size_t k = 0; k < sizeof pc / sizeof pc[0]; k++) {
        double q = sim_dist_quantile(d, pc[k]);
        double hi = sim_dist_cdf(d, q), lo = sim_dist_cdf(d, nextafter(q, -HUGE_VAL));
        bool ok = hi >= pc[k] - 1e-9 && lo <= pc[k] + 1e-9;
        if (!ok)
            fprintf(stderr, "\n  %s: cdf(quantile(%g) = %.17g) = [%.17g, %.17g]\n", text, pc[k],
                    q, lo, hi);
        CU_ASSERT(ok);
    }
    free(x);
    gsl_rng_free(r);
    sim_dist_free(d);
}

static void assert_close(double got, double want, double rel)
{
    bool ok = fabs(got - want) <= rel * fabs(want);
    if (!ok)
        fprintf(stderr, "\n  got %.17g, want %.17g\n", got, want);
    CU_ASSERT(ok);
}

/* ---- each distribution against theory ------------------------------------------------ */

static void const_always_returns_its_value(void)
{
    const char *texts[] = {"const(5ms)", " 5ms ", "mixture(1: 5ms)"};
    for (size_t t = 0; t < 3; t++) {
        struct sim_dist *d = parse_ok(texts[t]);
        gsl_rng *r = sim_rng_new(1, "const");
        size_t other = 0;
        for (int i = 0; i < 1000; i++)
            other += sim_dist_sample(d, r) != 0.005;
        CU_ASSERT_EQUAL(other, 0);
        CU_ASSERT_EQUAL(sim_dist_mean(d), 0.005);
        CU_ASSERT_EQUAL(sim_dist_variance(d), 0);
        CU_ASSERT_EQUAL(sim_dist_quantile(d, 0.5), 0.005);
        CU_ASSERT_EQUAL(sim_dist_cdf(d, 0.004), 0);
        CU_ASSERT_EQUAL(sim_dist_cdf(d, 0.005), 1);
        gsl_rng_free(r);
        sim_dist_free(d);
    }
}

static void uniform_matches_theory(void)
{
    check_theory("uniform(min=10ms, max=30ms)", 0);
    struct sim_dist *d = parse_ok("uniform(min=10ms, max=30ms)");
    assert_close(sim_dist_mean(d), 0.02, 1e-15);
    assert_close(sim_dist_variance(d), 0.02 * 0.02 / 12, 1e-14);
    assert_close(sim_dist_quantile(d, 0.25), 0.015, 1e-15);
    sim_dist_free(d);
}

static void exp_sample_mean_within_ci(void)
{
    check_theory("exp(mean=20ms)", 0);
}

static void exp_rate_is_the_reciprocal_of_the_mean(void)
{
    check_theory("exp(rate=50/s)", 0);
    struct sim_dist *d = parse_ok("exp(rate=12000/m)");
    assert_close(sim_dist_mean(d), 0.005, 1e-15);
    assert_close(sim_dist_quantile(d, 0.5), 0.005 * log(2), 1e-14);
    sim_dist_free(d);
}

static void erlang_matches_theory(void)
{
    check_theory("erlang(k=3, mean=30ms)", 0);
    struct sim_dist *d = parse_ok("erlang(k=4, mean=20ms)");
    assert_close(sim_dist_mean(d), 0.02, 1e-15);
    assert_close(sim_dist_variance(d), 0.02 * 0.02 / 4, 1e-14); /* cv = 1/sqrt(k) */
    sim_dist_free(d);
}

static void gamma_matches_theory(void)
{
    check_theory("gamma(mean=30ms, cv=0.5)", 0);
    check_theory("gamma(mean=30ms, cv=1.5)", 0); /* shape < 1 */
    struct sim_dist *d = parse_ok("gamma(mean=30ms, cv=1.5)");
    assert_close(sim_dist_mean(d), 0.03, 1e-15);
    assert_close(sqrt(sim_dist_variance(d)) / sim_dist_mean(d), 1.5, 1e-14);
    sim_dist_free(d);
}

static void lognormal_median_p99_matches_theory(void)
{
    check_theory("lognormal(median=40ms, p99=400ms)", 0);
    struct sim_dist *d = parse_ok("lognormal(median=40ms, p99=400ms)");
    assert_close(sim_dist_quantile(d, 0.5), 0.04, 1e-13);
    assert_close(sim_dist_quantile(d, 0.99), 0.4, 1e-12);
    sim_dist_free(d);
}

static void lognormal_mean_cv_matches_theory(void)
{
    check_theory("lognormal(mean=40ms, cv=0.8)", 0);
    struct sim_dist *d = parse_ok("lognormal(mean=40ms, cv=0.8)");
    assert_close(sim_dist_mean(d), 0.04, 1e-14);
    assert_close(sqrt(sim_dist_variance(d)) / sim_dist_mean(d), 0.8, 1e-13);
    sim_dist_free(d);
}

static void normal_is_truncated_at_zero(void)
{
    check_theory("normal(mean=50ms, sd=30ms)", 0);
    check_theory("normal(mean=0s, sd=10ms)", 0);
    /* mean=0: the half-normal, mean sd sqrt(2/pi), variance sd^2 (1 - 2/pi), median
     * sd Phi^-1(3/4). */
    struct sim_dist *d = parse_ok("normal(mean=0s, sd=10ms)");
    assert_close(sim_dist_mean(d), 0.01 * 0.79788456080286535588, 1e-14); /* sqrt(2/pi) */
    assert_close(sim_dist_variance(d), 1e-4 * (1 - 0.63661977236758134308), 1e-13);
    assert_close(sim_dist_quantile(d, 0.5), 0.01 * gsl_cdf_ugaussian_Pinv(0.75), 1e-12);
    CU_ASSERT_EQUAL(sim_dist_cdf(d, 0), 0);
    sim_dist_free(d);
}

static void weibull_matches_theory(void)
{
    check_theory("weibull(shape=1.5, scale=30ms)", 0);
    check_theory("weibull(shape=0.8, scale=30ms)", 0);
    /* shape 1 is the exponential with mean = scale */
    struct sim_dist *d = parse_ok("weibull(shape=1, scale=30ms)");
    assert_close(sim_dist_mean(d), 0.03, 1e-14);
    assert_close(sim_dist_variance(d), 0.03 * 0.03, 1e-13);
    assert_close(sim_dist_quantile(d, 0.9), 0.03 * log(10), 1e-14);
    sim_dist_free(d);
}

static void pareto_matches_theory(void)
{
    check_theory("pareto(min=10ms, alpha=5)", 0);
    /* alpha 3: variance finite, 4th moment infinite */
    check_theory("pareto(min=10ms, alpha=3)", NO_VARIANCE_CHECK);
    struct sim_dist *d = parse_ok("pareto(min=1s, alpha=3)");
    assert_close(sim_dist_mean(d), 1.5, 1e-15);
    assert_close(sim_dist_variance(d), 0.75, 1e-15);
    assert_close(sim_dist_quantile(d, 0.875), 2, 1e-14); /* (1/x)^3 = 1/8 */
    sim_dist_free(d);
}

static void pareto_heavy_tail_has_infinite_moments(void)
{
    check_theory("pareto(min=10ms, alpha=1.5)", 0); /* quantiles only: variance infinite */
    struct sim_dist *d = parse_ok("pareto(min=10ms, alpha=1.5)");
    assert_close(sim_dist_mean(d), 0.03, 1e-15);
    CU_ASSERT(isinf(sim_dist_variance(d)));
    CU_ASSERT(isinf(sim_dist_quantile(d, 1)));
    sim_dist_free(d);
    d = parse_ok("pareto(min=10ms, alpha=0.8)");
    CU_ASSERT(isinf(sim_dist_mean(d)));
    CU_ASSERT(isinf(sim_dist_variance(d)));
    sim_dist_free(d);
}

/* Mean by integrating the quantile function (Simpson, 2e5 panels): an independent check of
 * the closed-form moments of bounded distributions. */
static double mean_by_quadrature(const struct sim_dist *d)
{
    const int m = 200000;
    double h = 1.0 / m, s = sim_dist_quantile(d, 0) + sim_dist_quantile(d, 1);
    for (int i = 1; i < m; i++)
        s += (i % 2 ? 4 : 2) * sim_dist_quantile(d, i * h);
    return s * h / 3;
}

static void bounded_pareto_matches_theory(void)
{
    check_theory("pareto(min=1ms, max=1s, alpha=1.2)", 0);
    check_theory("pareto(min=1ms, max=100ms, alpha=1)", 0); /* the alpha = k = 1 case */
    struct sim_dist *d = parse_ok("pareto(min=1ms, max=1s, alpha=1.2)");
    assert_close(sim_dist_mean(d), mean_by_quadrature(d), 1e-4);
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 1), 1.0);
    CU_ASSERT_EQUAL(sim_dist_cdf(d, 1.0), 1);
    sim_dist_free(d);
    d = parse_ok("pareto(min=1ms, max=100ms, alpha=1)");
    assert_close(sim_dist_mean(d), 0.001 * log(100) / (1 - 0.01), 1e-12);
    sim_dist_free(d);
}

static void hyperexp_matches_theory(void)
{
    check_theory("hyperexp(mean=20ms, cv=1.5)", 0);
    struct sim_dist *d = parse_ok("hyperexp(mean=20ms, cv=3)");
    assert_close(sim_dist_mean(d), 0.02, 1e-14);
    assert_close(sqrt(sim_dist_variance(d)) / sim_dist_mean(d), 3, 1e-12);
    sim_dist_free(d);
    /* cv 1 is the exponential */
    d = parse_ok("hyperexp(mean=20ms, cv=1)");
    struct sim_dist *e = parse_ok("exp(mean=20ms)");
    assert_close(sim_dist_variance(d), sim_dist_variance(e), 1e-14);
    assert_close(sim_dist_quantile(d, 0.99), sim_dist_quantile(e, 0.99), 1e-13);
    sim_dist_free(d);
    sim_dist_free(e);
}

/* As a spreadsheet saves it: a byte-order mark before the header, CRLF, a quoted value, a
 * blank line, blanks around a value, no line end after the last one. */
static void empirical_reads_bom_crlf_and_quoted_values(void)
{
    struct sim_dist *d = parse_ok("empirical(" DATA "empirical_bom_crlf.csv)");
    CU_ASSERT_EQUAL_FATAL(d->u.empirical.n, 4);
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 0), 0.007);
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 1), 0.015);
    sim_dist_free(d);
}

static void empirical_matches_theory(void)
{
    check_theory("empirical(" DATA "empirical_plain.csv)", 0);
    check_theory("empirical(" DATA "empirical_latency.csv)", 0);
}

static void empirical_interpolates_between_order_statistics(void)
{
    /* 13 values 0.01..0.1 by 0.01, then 0.15, 0.25, 0.4: gaps of mass 1/12 each. */
    struct sim_dist *d = parse_ok("empirical(" DATA "empirical_plain.csv)");
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 0), 0.01);
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 1), 0.4);
    assert_close(sim_dist_quantile(d, 0.5), 0.07, 1e-15);     /* x[6] */
    assert_close(sim_dist_quantile(d, 11.5 / 12), 0.325, 1e-14); /* halfway 0.25..0.4 */
    assert_close(sim_dist_cdf(d, 0.325), 11.5 / 12, 1e-14);
    assert_close(sim_dist_mean(d), mean_by_quadrature(d), 1e-9);
    sim_dist_free(d);
}

static void empirical_reads_units_header_and_base_dir(void)
{
    /* header "latency", values with ms, a blank line: 7,9,12,15,20,25,40,110 ms */
    struct sim_dist *d = NULL;
    CU_ASSERT_EQUAL_FATAL(sim_dist_parse("empirical(empirical_latency.csv)", SIM_UNIT_SECONDS,
                                         NULL, "tests/data", &d), 0);
    CU_ASSERT_EQUAL(d->u.empirical.n, 8);
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 0), 0.007);
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 1), 0.11);
    assert_close(sim_dist_quantile(d, 3.0 / 7), 0.015, 1e-14);
    /* Written back by its absolute name, so a resolved scenario runs from anywhere. */
    char buf[1024], want[1024];
    char *abs = realpath(DATA "empirical_latency.csv", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(abs);
    snprintf(want, sizeof want, "empirical(%s)", abs);
    free(abs);
    sim_dist_format(d, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, want);
    sim_dist_free(d);
    CU_ASSERT_EQUAL_FATAL(sim_dist_parse("empirical(file=" DATA "empirical_latency.csv)",
                                         SIM_UNIT_SECONDS, NULL, NULL, &d), 0);
    CU_ASSERT_EQUAL(d->u.empirical.n, 8);
    sim_dist_free(d);
}

static void mixture_matches_theory(void)
{
    check_theory("mixture(0.9: exp(mean=10ms), 0.1: const(1s))", 0); /* an atom at 1s */
    check_theory("mixture(0.7: lognormal(median=20ms, p99=100ms), "
                 "0.3: mixture(0.5: uniform(min=50ms, max=60ms), 0.5: erlang(k=2, mean=80ms)))",
                 0);
    struct sim_dist *d = parse_ok("mixture(0.9: exp(mean=10ms), 0.1: 1s)");
    assert_close(sim_dist_mean(d), 0.9 * 0.01 + 0.1 * 1, 1e-15);
    /* Var = E[X^2] - mean^2 = 0.9 * 2 * 0.01^2 + 0.1 * 1 - mean^2 */
    assert_close(sim_dist_variance(d), 0.9 * 2e-4 + 0.1 - pow(0.109, 2), 1e-13);
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 0.95), 1.0); /* inside the atom */
    /* At the atom's lower edge: cdf(x) = 0.9 (1 - e^(-x/10ms)) < 0.9 for every x < 1s,
     * though it rounds to 0.9 from x ~ 0.37s on. */
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 0.9), 1.0);
    CU_ASSERT(isinf(sim_dist_quantile(d, 1)));       /* the exp part is unbounded */
    sim_dist_free(d);
}

static void quantile_and_cdf_edges(void)
{
    struct sim_dist *d = parse_ok("lognormal(median=40ms, p99=400ms)");
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 0), 0);
    CU_ASSERT(isinf(sim_dist_quantile(d, 1)));
    CU_ASSERT(isnan(sim_dist_quantile(d, -0.1)));
    CU_ASSERT(isnan(sim_dist_quantile(d, 1.1)));
    CU_ASSERT(isnan(sim_dist_quantile(d, (double)NAN)));
    CU_ASSERT_EQUAL(sim_dist_cdf(d, -1), 0);
    CU_ASSERT_EQUAL(sim_dist_cdf(d, HUGE_VAL), 1);
    sim_dist_free(d);
    d = parse_ok("pareto(min=10ms, alpha=2)");
    CU_ASSERT_EQUAL(sim_dist_quantile(d, 0), 0.01);
    CU_ASSERT_EQUAL(sim_dist_cdf(d, 0.01), 0);
    sim_dist_free(d);
}

/* ---- determinism and canonical text --------------------------------------------------- */

static const char *all_forms[] = {
    "const(5ms)",
    "uniform(min=1ms, max=9ms)",
    "exp(mean=20ms)",
    "exp(rate=200/s)",
    "erlang(k=3, mean=30ms)",
    "gamma(mean=30ms, cv=0.5)",
    "lognormal(median=40ms, p99=400ms)",
    "lognormal(mean=40ms, cv=2)",
    "normal(mean=50ms, sd=10ms)",
    "weibull(shape=1.5, scale=30ms)",
    "pareto(min=10ms, alpha=1.5)",
    "pareto(min=10ms, max=10s, alpha=1.1)",
    "hyperexp(mean=20ms, cv=3)",
    "empirical(" DATA "empirical_latency.csv)",
    "mixture(0.9: exp(mean=10ms), 0.1: const(1s))",
    "mixture(0.3: mixture(0.5: 1ms, 0.5: gamma(mean=7ms, cv=0.3)), 0.7: exp(mean=1.7ms))",
};
#define NFORMS (sizeof all_forms / sizeof all_forms[0])

static void same_seed_gives_the_same_sequence(void)
{
    for (size_t f = 0; f < NFORMS; f++) {
        struct sim_dist *d = parse_ok(all_forms[f]);
        gsl_rng *a = sim_rng_new(42, "w"), *b = sim_rng_new(42, "w"), *c = sim_rng_new(43, "w");
        size_t differ = 0, differ_seed = 0;
        for (int i = 0; i < 1000; i++) {
            double xa = sim_dist_sample(d, a), xb = sim_dist_sample(d, b);
            double xc = sim_dist_sample(d, c);
            differ += memcmp(&xa, &xb, sizeof xa) != 0;
            differ_seed += xa != xc;
        }
        CU_ASSERT_EQUAL(differ, 0);
        if (f > 0) /* const aside, another seed gives another sequence */
            CU_ASSERT(differ_seed > 0);
        gsl_rng_free(a);
        gsl_rng_free(b);
        gsl_rng_free(c);
        sim_dist_free(d);
    }
}

static void format_parses_back_to_the_same_distribution(void)
{
    for (size_t f = 0; f < NFORMS; f++) {
        struct sim_dist *d = parse_ok(all_forms[f]);
        char t1[512], t2[512];
        sim_dist_format(d, t1, sizeof t1);
        struct sim_dist *e = parse_ok(t1);
        sim_dist_format(e, t2, sizeof t2);
        CU_ASSERT_STRING_EQUAL(t1, t2);
        CU_ASSERT_EQUAL(d->kind, e->kind);
        /* identical parameters give identical streams and identical theory */
        gsl_rng *a = sim_rng_new(7, "rt"), *b = sim_rng_new(7, "rt");
        size_t differ = 0;
        for (int i = 0; i < 1000; i++)
            differ += sim_dist_sample(d, a) != sim_dist_sample(e, b);
        CU_ASSERT_EQUAL(differ, 0);
        CU_ASSERT(sim_dist_mean(d) == sim_dist_mean(e) ||
                  (isinf(sim_dist_mean(d)) && isinf(sim_dist_mean(e))));
        CU_ASSERT_EQUAL(sim_dist_quantile(d, 0.9), sim_dist_quantile(e, 0.9));
        gsl_rng_free(a);
        gsl_rng_free(b);
        sim_dist_free(d);
        sim_dist_free(e);
    }
}

static void format_writes_canonical_text(void)
{
    static const struct {
        const char *in, *out;
    } c[] = {
        {"  5ms ", "const(5ms)"},
        {"exp( mean = 0.02 )", "exp(mean=20ms)"},
        {"exp(rate=12000/m)", "exp(rate=200/s)"},
        {"lognormal(p99=2s, median=0.5s)", "lognormal(median=0.5s, p99=2s)"},
        {"pareto(alpha=1.5, min=1ms, max=1m)", "pareto(min=1ms, max=1m, alpha=1.5)"},
        {"mixture(0.25:1ms,0.75:exp(mean=2ms))", "mixture(0.25: const(1ms), 0.75: exp(mean=2ms))"},
        {"erlang(mean=1500ms, k=2)", "erlang(k=2, mean=1.5s)"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        struct sim_dist *d = parse_ok(c[i].in);
        char buf[256];
        sim_dist_format(d, buf, sizeof buf);
        CU_ASSERT_STRING_EQUAL(buf, c[i].out);
        sim_dist_free(d);
    }
    /* a short buffer truncates but stays a string */
    struct sim_dist *d = parse_ok("exp(mean=20ms)");
    char small[6];
    sim_dist_format(d, small, sizeof small);
    CU_ASSERT_STRING_EQUAL(small, "exp(m");
    sim_dist_free(d);
}

static void free_accepts_null(void)
{
    sim_dist_free(NULL);
}

static void other_units_work(void)
{
    struct sim_dist *d = NULL;
    CU_ASSERT_EQUAL_FATAL(sim_dist_parse("uniform(min=1KB, max=1MiB)", SIM_UNIT_BYTES, NULL, NULL,
                                         &d), 0);
    CU_ASSERT_EQUAL(sim_dist_mean(d), (1000 + 1048576) / 2.0);
    char buf[64];
    sim_dist_format(d, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "uniform(min=1KB, max=1MiB)");
    sim_dist_free(d);
    CU_ASSERT_EQUAL_FATAL(sim_dist_parse("exp(rate=0.5)", SIM_UNIT_NONE, NULL, NULL, &d), 0);
    CU_ASSERT_EQUAL(sim_dist_mean(d), 2);
    sim_dist_free(d);
}


/* ---- bad input, in process ------------------------------------------------------------ */

/* Parse text expecting an error; returns the message (caller frees). */
static char *parse_error(const char *text, enum sim_unit unit, const struct loc *base,
                         const char *base_dir)
{
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    static struct sim_dist dummy;
    struct sim_dist *d = &dummy;
    int rc = sim_dist_parse(text, unit, base, base_dir, &d);
    char *buf = unit_diag_capture_end(&cap);
    if (rc != -1)
        fprintf(stderr, "\n  '%s' was accepted\n", text);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NULL(d);
    if (rc == 0)
        sim_dist_free(d);
    return buf;
}

/* Every needle must occur in the message for text. */
static void expect_error(const char *text, const char *needles[])
{
    char *msg = parse_error(text, SIM_UNIT_SECONDS, NULL, NULL);
    for (const char **n = needles; *n; n++) {
        if (!strstr(msg, *n))
            fprintf(stderr, "\n  '%s': message lacks \"%s\":\n%s", text, *n, msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, *n));
    }
    free(msg);
}

static void unknown_distribution_lists_every_name(void)
{
    char *msg = parse_error("lognorml(mean=1)", SIM_UNIT_SECONDS, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "unknown distribution 'lognorml'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "did you mean 'lognormal'?"));
    for (const struct sim_dist_info *i = sim_dist_table; i->name; i++) {
        char name[40];
        snprintf(name, sizeof name, " %s", i->name);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, name));
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "\n    lognorml(mean=1)\n    ^~~~~~~~\n"));
    free(msg);
}

static void nonpositive_parameter_is_rejected(void)
{
    expect_error("exp(mean=-1s)", (const char *[]){"exp: mean must be > 0; got '-1s'",
                                                   "\n             ^~~\n", NULL});
    expect_error("exp(mean=0s)", (const char *[]){"must be > 0", NULL});
    expect_error("gamma(mean=1s, cv=0)", (const char *[]){"cv must be > 0", NULL});
    expect_error("normal(mean=-1s, sd=1s)", (const char *[]){"mean must be >= 0", NULL});
    expect_error("const(-1ms)", (const char *[]){"must be >= 0", NULL});
    expect_error("-1ms", (const char *[]){"must be >= 0", NULL});
}

static void bad_unit_says_what_was_expected(void)
{
    expect_error("exp(mean=5 parsecs)",
                 (const char *[]){"bad value '5 parsecs' for mean of exp",
                                  "expected a duration: a number with a unit ns, us, ms, s, m, "
                                  "h or d",
                                  "\n             ^~~~~~~~~\n", NULL});
    expect_error("exp(rate=5ms)", (const char *[]){"expected a rate", NULL});
    expect_error("gamma(mean=1s, cv=50%)", (const char *[]){"expected a plain number", NULL});
    expect_error("5 parsecs", (const char *[]){"expected a duration", "exp(mean=20ms)", NULL});
}

static void missing_parameter_lists_the_valid_ones(void)
{
    expect_error("gamma(mean=1)", (const char *[]){"missing parameter 'cv' for gamma",
                                                   "gamma(mean=, cv=)", "\n    ^~~~~~~~~~~~~\n",
                                                   NULL});
    expect_error("lognormal(median=1s)",
                 (const char *[]){"missing parameter 'p99'",
                                  "lognormal(median=, p99=) or lognormal(mean=, cv=)", NULL});
    expect_error("exp()", (const char *[]){"missing parameter 'mean'", "exp(rate=)", NULL});
    expect_error("pareto(max=1s, alpha=2)", (const char *[]){"missing parameter 'min'", NULL});
}

static void unknown_parameter_lists_the_valid_ones(void)
{
    expect_error("exp(men=1s)",
                 (const char *[]){"exp has no parameter 'men' (did you mean 'mean'?)",
                                  "valid parameters of exp: mean, rate", "\n        ^~~\n", NULL});
    expect_error("lognormal(median=1s, sd=2s)",
                 (const char *[]){"no parameter 'sd'", "median, p99, mean, cv", NULL});
}

static void duplicate_parameter_is_rejected(void)
{
    expect_error("exp(mean=1s, mean=2s)",
                 (const char *[]){"duplicate parameter 'mean'", "\n                 ^~~~\n",
                                  NULL});
}

static void parameters_from_different_forms_clash(void)
{
    expect_error("lognormal(median=1s, cv=2)",
                 (const char *[]){"'cv' cannot be combined with 'median'", NULL});
    expect_error("exp(mean=1s, rate=2/s)",
                 (const char *[]){"'rate' cannot be combined with 'mean'", NULL});
}

static void related_parameters_are_checked(void)
{
    expect_error("lognormal(median=40ms, p99=10ms)",
                 (const char *[]){"p99 (10ms) must exceed median (40ms)",
                                  "\n                               ^~~~\n", NULL});
    expect_error("lognormal(median=40ms, p99=40ms)", (const char *[]){"must exceed", NULL});
    expect_error("uniform(min=2s, max=1s)", (const char *[]){"max (1s) must exceed min", NULL});
    expect_error("pareto(min=2s, max=1s, alpha=1)", (const char *[]){"max (1s) must exceed", NULL});
    expect_error("hyperexp(mean=1s, cv=0.5)", (const char *[]){"cv must be >= 1", NULL});
    expect_error("erlang(k=2.5, mean=1s)", (const char *[]){"k must be a whole number", NULL});
}

static void wrong_argument_shapes_are_rejected(void)
{
    expect_error("exp(20ms)", (const char *[]){"exp takes named parameters", "exp(mean=)", NULL});
    expect_error("exp(mean: 20ms)", (const char *[]){"expected 'mean=VALUE' with '='", NULL});
    expect_error("const(mean=1s)", (const char *[]){"const takes one value", NULL});
    expect_error("const(1s, 2s)", (const char *[]){"const takes one value", NULL});
    expect_error("exp", (const char *[]){"'exp' needs parameters", NULL});
    expect_error("exp(mean=exp(mean=1s))", (const char *[]){"expected a duration", NULL});
    expect_error("empirical(a.csv, b.csv)", (const char *[]){"one file name", NULL});
    expect_error("exp(mean=1s", (const char *[]){"unclosed '('", NULL}); /* from sim/call */
}

static void mixture_weights_must_sum_to_one(void)
{
    expect_error("mixture(0.5: exp(mean=1s))",
                 (const char *[]){"mixture weights sum to 0.5, not 1",
                                  "\n            ^~~~~~~~~~~~~~~~~\n", NULL});
    expect_error("mixture(0.5: 1s, 0.6: 2s)", (const char *[]){"sum to 1.1, not 1", NULL});
    expect_error("mixture(exp(mean=1s))", (const char *[]){"'WEIGHT: DISTRIBUTION'", NULL});
    expect_error("mixture(0.5= 1s, 0.5: 1s)", (const char *[]){"'WEIGHT: DISTRIBUTION'", NULL});
    expect_error("mixture(1.5: 1s)", (const char *[]){"weight must be > 0 and <= 1", NULL});
    expect_error("mixture(x: 1s)", (const char *[]){"bad mixture weight 'x'", NULL});
    expect_error("mixture()", (const char *[]){"mixture needs components", NULL});
    expect_error("mixture(1: exp(mean=-1s))", (const char *[]){"mean must be > 0", NULL});
}

static void missing_empirical_file_reports_strerror(void)
{
    char want[128];
    snprintf(want, sizeof want, "cannot open 'nonexistent.csv': %s", strerror(ENOENT));
    unsigned env = diag_env_error_count();
    expect_error("empirical(nonexistent.csv)",
                 (const char *[]){want, "\n              ^~~~~~~~~~~~~~~\n", NULL});
    expect_error("empirical(" DATA ")", (const char *[]){"': Is a directory\n", NULL});
    CU_ASSERT_EQUAL(diag_env_error_count(), env + 2); /* I/O failures, not bad input */
    expect_error("empirical(" DATA "empirical_bad_row.csv)", (const char *[]){"bad value", NULL});
    CU_ASSERT_EQUAL(diag_env_error_count(), env + 2);
}

static void bad_empirical_rows_name_file_line_and_column(void)
{
    expect_error("empirical(" DATA "empirical_bad_row.csv)",
                 (const char *[]){DATA "empirical_bad_row.csv:4:1: error: bad value '5 parsecs'",
                                  "expected a duration", "\n    5 parsecs\n    ^~~~~~~~~\n",
                                  NULL});
    expect_error("empirical(" DATA "empirical_two_columns.csv)",
                 (const char *[]){DATA "empirical_two_columns.csv:1:6: error: more than one "
                                       "field in a row; expected one column of values",
                                  "\n    0.01,0.02\n         ^~~~\n", NULL});
    expect_error("empirical(" DATA "empirical_header_only.csv)",
                 (const char *[]){"holds no values", NULL});
}

static void error_column_counts_from_the_base(void)
{
    struct loc base = {"s.yaml", 7, 12};
    char *msg = parse_error("exp(mean=-1s)", SIM_UNIT_SECONDS, &base, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "s.yaml:7:21: error: exp: mean must be > 0"));
    free(msg);
}

static void rate_needs_a_duration_distribution(void)
{
    char *msg = parse_error("exp(rate=5)", SIM_UNIT_BYTES, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "only for durations"));
    free(msg);
}

/* The table `elbsim list distributions` prints names exactly what the parser knows. */
static void table_lists_every_distribution(void)
{
    size_t rows = 0;
    for (const struct sim_dist_info *i = sim_dist_table; i->name; i++, rows++) {
        CU_ASSERT(*i->synopsis && *i->help);
        CU_ASSERT_EQUAL(strncmp(i->synopsis, i->name, strlen(i->name)), 0);
        char text[64];
        snprintf(text, sizeof text, "%s(nonsense=)", i->name);
        char *msg = parse_error(text, SIM_UNIT_SECONDS, NULL, NULL);
        CU_ASSERT_PTR_NULL(strstr(msg, "unknown distribution"));
        free(msg);
    }
    CU_ASSERT_EQUAL(rows, 12);
}

/* ---- through the binary: exit status 2 and the message -------------------------------- */

static int run_elbsim(const char *args, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s", unit_elbsim(), args);
    int st = unit_run_capture(cmd, out);
    return st;
}

static void cli_bad_distributions_exit_2(void)
{
    static const struct {
        const char *args, *msg;
    } c[] = {
        {"sample 'lognorml(mean=1)'", "unknown distribution 'lognorml'"},
        {"sample 'lognorml(mean=1)'",
         "expected one of: const, uniform, exp, erlang, gamma, lognormal, normal, weibull, "
         "pareto, hyperexp, empirical, mixture"},
        {"sample 'exp(mean=-1s)'", "mean must be > 0"},
        {"sample 'exp(mean=5 parsecs)'",
         "expected a duration: a number with a unit ns, us, ms, s, m, h or d"},
        {"sample 'gamma(mean=1)'", "missing parameter 'cv' for gamma; expected gamma(mean=, cv=)"},
        {"sample 'mixture(0.5: exp(mean=1s))'", "mixture weights sum to 0.5, not 1"},
        {"sample 'exp(mean=1s, rat=2/s)'", "valid parameters of exp: mean, rate"},
        {"sample 'exp(mean=1s, mean=2s)'", "duplicate parameter 'mean'"},
        {"sample 'lognormal(median=40ms, p99=10ms)'", "p99 (10ms) must exceed median (40ms)"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *out = NULL;
        int st = run_elbsim(c[i].args, &out);
        if (st != 2 || !strstr(out, c[i].msg))
            fprintf(stderr, "\n  elbsim %s: status %d\n%s", c[i].args, st, out);
        CU_ASSERT_EQUAL(st, 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, c[i].msg));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "^")); /* the caret line */
        free(out);
    }
}

/* A file that cannot be read is an I/O failure (exit 1), a bad one is bad input (exit 2). */
static void cli_unreadable_empirical_file_exits_1(void)
{
    static const struct {
        const char *args, *msg;
        int status;
    } c[] = {
        {"sample 'empirical(nonexistent.csv)'",
         "elbsim: error: cannot open 'nonexistent.csv': No such file or directory\n", 1},
        {"sample 'empirical(" DATA ")'", "cannot open '" DATA "': Is a directory\n", 1},
        {"sample 'empirical(" DATA "empirical_bad_row.csv)'",
         DATA "empirical_bad_row.csv:4:1: error: bad value '5 parsecs'", 2},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *out = NULL;
        int st = run_elbsim(c[i].args, &out);
        if (st != c[i].status || !strstr(out, c[i].msg))
            fprintf(stderr, "\n  elbsim %s: status %d\n%s", c[i].args, st, out);
        CU_ASSERT_EQUAL(st, c[i].status);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, c[i].msg));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "^")); /* the caret line */
        free(out);
    }
}

static void cli_sample_prints_sample_and_theory(void)
{
    char *out = NULL;
    int st = run_elbsim("sample 'exp(mean=10ms)' -n 20000 --seed 3", &out);
    CU_ASSERT_EQUAL(st, 0);
    static const char *want[] = {"exp(mean=10ms)", "sample", "theory", "\nn ", "\nmean ",
                                 "\nsd ",          "\ncv ",  "\nmin ",  "\np50 ", "\np90 ",
                                 "\np99 ",         "\np99.9 ", "\nmax ", "10.00ms", "6.93ms"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!strstr(out, want[i]))
            fprintf(stderr, "\n  output lacks '%s':\n%s", want[i], out);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, want[i]));
    }
    free(out);
    /* infinite theory prints "-" */
    st = run_elbsim("sample 'pareto(min=1ms, alpha=1.5)' -n 1000", &out);
    CU_ASSERT_EQUAL(st, 0);
    char *sd = strstr(out, "\nsd ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sd);
    char *eol = strchr(sd + 1, '\n');
    CU_ASSERT(eol && eol[-1] == '-'); /* the theory column of the sd row */
    free(out);
}

static void cli_same_seed_same_output(void)
{
    char *a = NULL, *b = NULL, *c = NULL;
    const char *dist = "'lognormal(median=40ms, p99=400ms)'";
    char cmd[256];
    snprintf(cmd, sizeof cmd, "sample %s -n 5000 --seed 7", dist);
    CU_ASSERT_EQUAL(run_elbsim(cmd, &a), 0);
    snprintf(cmd, sizeof cmd, "sample --seed 7 -n 5000 %s", dist); /* options in any order */
    CU_ASSERT_EQUAL(run_elbsim(cmd, &b), 0);
    snprintf(cmd, sizeof cmd, "sample %s -n 5000 --seed 8", dist);
    CU_ASSERT_EQUAL(run_elbsim(cmd, &c), 0);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT(strcmp(a, c) != 0);
    free(a);
    free(b);
    free(c);
}

static void cli_bad_options_exit_2(void)
{
    static const struct {
        const char *args, *msg;
    } c[] = {
        {"sample 'exp(mean=1s)' -n 0", "bad -n '0'"},
        {"sample 'exp(mean=1s)' -n -5", "bad -n '-5'"},
        {"sample 'exp(mean=1s)' -n abc", "bad -n 'abc'"},
        {"sample 'exp(mean=1s)' -n 1.5", "bad -n '1.5'"},
        {"sample 'exp(mean=1s)' -n ''", "bad -n ''"},
        {"sample 'exp(mean=1s)' -n 99999999999999999999999", "bad -n"},
        {"sample 'exp(mean=1s)' -n", "-n needs a value"},
        {"sample 'exp(mean=1s)' --seed x", "bad --seed 'x'"},
        {"sample 'exp(mean=1s)' --frobnicate", "unknown option '--frobnicate'"},
        {"sample 'exp(mean=1s)' 'exp(mean=2s)'", "more than one distribution"},
        {"sample", "usage: elbsim sample"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *out = NULL;
        int st = run_elbsim(c[i].args, &out);
        if (st != 2 || !strstr(out, c[i].msg))
            fprintf(stderr, "\n  elbsim %s: status %d\n%s", c[i].args, st, out);
        CU_ASSERT_EQUAL(st, 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, c[i].msg));
        free(out);
    }
}

static void cli_help_prints_usage(void)
{
    char *out = NULL;
    CU_ASSERT_EQUAL(run_elbsim("sample --help", &out), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: elbsim sample DIST [-n N] [--seed N]"));
    free(out);
}

static int dist_suite_init(void)
{
    /* As in main: GSL reports through return values, never by aborting. */
    gsl_set_error_handler_off();
    return 0;
}

static CU_TestInfo theory_tests[] = {
    {"const_always_returns_its_value", const_always_returns_its_value},
    {"uniform_matches_theory", uniform_matches_theory},
    {"exp_sample_mean_within_ci", exp_sample_mean_within_ci},
    {"exp_rate_is_the_reciprocal_of_the_mean", exp_rate_is_the_reciprocal_of_the_mean},
    {"erlang_matches_theory", erlang_matches_theory},
    {"gamma_matches_theory", gamma_matches_theory},
    {"lognormal_median_p99_matches_theory", lognormal_median_p99_matches_theory},
    {"lognormal_mean_cv_matches_theory", lognormal_mean_cv_matches_theory},
    {"normal_is_truncated_at_zero", normal_is_truncated_at_zero},
    {"weibull_matches_theory", weibull_matches_theory},
    {"pareto_matches_theory", pareto_matches_theory},
    {"pareto_heavy_tail_has_infinite_moments", pareto_heavy_tail_has_infinite_moments},
    {"bounded_pareto_matches_theory", bounded_pareto_matches_theory},
    {"hyperexp_matches_theory", hyperexp_matches_theory},
    {"empirical_matches_theory", empirical_matches_theory},
    {"empirical_interpolates_between_order_statistics",
     empirical_interpolates_between_order_statistics},
    {"empirical_reads_units_header_and_base_dir", empirical_reads_units_header_and_base_dir},
    {"empirical_reads_bom_crlf_and_quoted_values", empirical_reads_bom_crlf_and_quoted_values},
    {"mixture_matches_theory", mixture_matches_theory},
    {"quantile_and_cdf_edges", quantile_and_cdf_edges},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo text_tests[] = {
    {"same_seed_gives_the_same_sequence", same_seed_gives_the_same_sequence},
    {"format_parses_back_to_the_same_distribution", format_parses_back_to_the_same_distribution},
    {"format_writes_canonical_text", format_writes_canonical_text},
    {"other_units_work", other_units_work},
    {"free_accepts_null", free_accepts_null},
    {"table_lists_every_distribution", table_lists_every_distribution},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo error_tests[] = {
    {"unknown_distribution_lists_every_name", unknown_distribution_lists_every_name},
    {"nonpositive_parameter_is_rejected", nonpositive_parameter_is_rejected},
    {"bad_unit_says_what_was_expected", bad_unit_says_what_was_expected},
    {"missing_parameter_lists_the_valid_ones", missing_parameter_lists_the_valid_ones},
    {"unknown_parameter_lists_the_valid_ones", unknown_parameter_lists_the_valid_ones},
    {"duplicate_parameter_is_rejected", duplicate_parameter_is_rejected},
    {"parameters_from_different_forms_clash", parameters_from_different_forms_clash},
    {"related_parameters_are_checked", related_parameters_are_checked},
    {"wrong_argument_shapes_are_rejected", wrong_argument_shapes_are_rejected},
    {"mixture_weights_must_sum_to_one", mixture_weights_must_sum_to_one},
    {"missing_empirical_file_reports_strerror", missing_empirical_file_reports_strerror},
    {"bad_empirical_rows_name_file_line_and_column",
     bad_empirical_rows_name_file_line_and_column},
    {"error_column_counts_from_the_base", error_column_counts_from_the_base},
    {"rate_needs_a_duration_distribution", rate_needs_a_duration_distribution},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo cli_tests[] = {
    {"cli_bad_distributions_exit_2", cli_bad_distributions_exit_2},
    {"cli_unreadable_empirical_file_exits_1", cli_unreadable_empirical_file_exits_1},
    {"cli_sample_prints_sample_and_theory", cli_sample_prints_sample_and_theory},
    {"cli_same_seed_same_output", cli_same_seed_same_output},
    {"cli_bad_options_exit_2", cli_bad_options_exit_2},
    {"cli_help_prints_usage", cli_help_prints_usage},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_dist_suites[] = {
    {"dist_theory", dist_suite_init, NULL, NULL, NULL, theory_tests},
    {"dist_text", dist_suite_init, NULL, NULL, NULL, text_tests},
    {"dist_errors", dist_suite_init, NULL, NULL, NULL, error_tests},
    {"dist_cli", dist_suite_init, NULL, NULL, NULL, cli_tests},
    CU_SUITE_INFO_NULL,
};
