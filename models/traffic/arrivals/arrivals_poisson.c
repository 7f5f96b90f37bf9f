/* poisson(rate=R): homogeneous Poisson arrivals, exponential gaps of mean 1/R. */
#include <stdio.h>
#include <stdlib.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/xalloc.h"

struct poisson {
    double rate; /* per s, > 0 */
};

static int poisson_parse(const struct arrivals_parse *p, void **priv)
{
    static const char *const keys[] = {"rate", NULL};
    double rate = 0;
    if (arrivals_parse_keys(p, keys, "rate") ||
        arrivals_parse_number(p, "rate", "rate", SIM_UNIT_RATE, true, "200/s", &rate))
        return -1;
    if (!(rate > 0)) {
        const struct sim_call_arg *a = arrivals_parse_arg(p, "rate", "rate");
        return arrivals_parse_error(p, a->value_off, a->value_len,
                                    "poisson rate must be > 0, got '%s' (for no traffic, "
                                    "leave the workload out)", a->value);
    }
    struct poisson *ps = xmalloc(sizeof *ps);
    ps->rate = rate;
    *priv = ps;
    return 0;
}

static void poisson_free(void *priv)
{
    free(priv);
}

static void poisson_format(const void *priv, char *buf, size_t n)
{
    const struct poisson *ps = priv;
    char r[32];
    arrivals_fmt(ps->rate, SIM_UNIT_RATE, r, sizeof r);
    snprintf(buf, n, "poisson(rate=%s)", r);
}

static double poisson_rate_at(const void *priv, double t)
{
    (void)t;
    return ((const struct poisson *)priv)->rate;
}

static double poisson_count(const void *priv, double t0, double t1)
{
    return ((const struct poisson *)priv)->rate * (t1 - t0);
}

static double poisson_next(const void *priv, struct arrivals_state *st, gsl_rng *r, double now,
                           double *demand_s, const char **path)
{
    (void)st, (void)demand_s, (void)path;
    const struct poisson *ps = priv;
    return arrivals_after(now, now + arrivals_exp1(r) / ps->rate);
}

const struct arrivals_ops arrivals_poisson_ops = {
    .info = {"poisson", "poisson(rate=R)",
             "Poisson arrivals at a constant rate R (e.g. 200/s)."},
    .parse = poisson_parse,
    .free = poisson_free,
    .format = poisson_format,
    .rate_at = poisson_rate_at,
    .count = poisson_count,
    .next = poisson_next,
};
