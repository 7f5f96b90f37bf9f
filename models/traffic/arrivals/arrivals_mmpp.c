/* mmpp(on=R1, off=R2, mean_on=T1, mean_off=T2, start=on|off): the two-state Markov-modulated
 * Poisson process (Fischer & Meier-Hellstern 1993).  The state holds for an exponential
 * time (mean T1 in `on`, T2 in `off`) and arrivals are Poisson at the state's rate.
 *
 * Sampling: draw a Poisson gap at the current rate; if it ends before the next state
 * change it is the arrival, else jump to the change, flip the state and draw afresh.  By
 * memorylessness the discarded remainder of the gap is irrelevant, so this is exact. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/xalloc.h"

struct mmpp {
    double on, off;           /* per s; on > 0, off >= 0 */
    double mean_on, mean_off; /* s, > 0: mean sojourn in each state */
    bool start_on;            /* state at time 0 */
};

static int mmpp_check(const struct arrivals_parse *p, const char *key, double v, bool zero_ok)
{
    if (v > 0 || (zero_ok && v == 0))
        return 0;
    const struct sim_call_arg *a = arrivals_parse_arg(p, key, NULL);
    return arrivals_parse_error(p, a->value_off, a->value_len, "mmpp %s must be %s, got '%s'",
                                key, zero_ok ? ">= 0" : "> 0", a->value);
}

static int mmpp_parse(const struct arrivals_parse *p, void **priv)
{
    static const char *const keys[] = {"on", "off", "mean_on", "mean_off", "start", NULL};
    struct mmpp m = {0, 0, 0, 0, true};
    if (arrivals_parse_keys(p, keys, NULL) ||
        arrivals_parse_number(p, "on", NULL, SIM_UNIT_RATE, true, "500/s", &m.on) ||
        arrivals_parse_number(p, "off", NULL, SIM_UNIT_RATE, true, "50/s", &m.off) ||
        arrivals_parse_number(p, "mean_on", NULL, SIM_UNIT_SECONDS, true, "30s", &m.mean_on) ||
        arrivals_parse_number(p, "mean_off", NULL, SIM_UNIT_SECONDS, true, "2m", &m.mean_off))
        return -1;
    /* off = 0 is the interrupted Poisson process, a classic model of on/off sources. */
    if (mmpp_check(p, "on", m.on, false) || mmpp_check(p, "off", m.off, true) ||
        mmpp_check(p, "mean_on", m.mean_on, false) || mmpp_check(p, "mean_off", m.mean_off, false))
        return -1;
    const struct sim_call_arg *s = arrivals_parse_arg(p, "start", NULL);
    if (s) {
        if (!s->call && !strcmp(s->value, "off"))
            m.start_on = false;
        else if (s->call || strcmp(s->value, "on"))
            return arrivals_parse_error(p, s->value_off, s->value_len,
                                        "mmpp start must be 'on' or 'off', got '%s'", s->value);
    }
    struct mmpp *mp = xmalloc(sizeof *mp);
    *mp = m;
    *priv = mp;
    return 0;
}

static void mmpp_free(void *priv)
{
    free(priv);
}

static void mmpp_format(const void *priv, char *buf, size_t n)
{
    const struct mmpp *m = priv;
    char on[32], off[32], mon[32], moff[32];
    arrivals_fmt(m->on, SIM_UNIT_RATE, on, sizeof on);
    arrivals_fmt(m->off, SIM_UNIT_RATE, off, sizeof off);
    arrivals_fmt(m->mean_on, SIM_UNIT_SECONDS, mon, sizeof mon);
    arrivals_fmt(m->mean_off, SIM_UNIT_SECONDS, moff, sizeof moff);
    snprintf(buf, n, "mmpp(on=%s, off=%s, mean_on=%s, mean_off=%s, start=%s)", on, off, mon,
             moff, m->start_on ? "on" : "off");
}

/* Long-run fraction of time in `on`. */
static double mmpp_pi_on(const struct mmpp *m)
{
    return m->mean_on / (m->mean_on + m->mean_off);
}

static double mmpp_rate_at(const void *priv, double t)
{
    (void)t;
    const struct mmpp *m = priv;
    double pi = mmpp_pi_on(m);
    return m->on * pi + m->off * (1 - pi);
}

/* E[N[t0,t1)] from the start state: P(on at t) = pi + (p0 - pi) exp(-k t) with
 * k = 1/mean_on + 1/mean_off (the two-state chain's relaxation rate). */
static double mmpp_count(const void *priv, double t0, double t1)
{
    const struct mmpp *m = priv;
    double pi = mmpp_pi_on(m), p0 = m->start_on ? 1 : 0;
    double k = 1 / m->mean_on + 1 / m->mean_off;
    double time_on = pi * (t1 - t0) - (p0 - pi) * exp(-k * t0) * expm1(-k * (t1 - t0)) / k;
    return m->off * (t1 - t0) + (m->on - m->off) * time_on;
}

static void mmpp_start(const void *priv, struct arrivals_state *st)
{
    st->on = ((const struct mmpp *)priv)->start_on;
}

static void mmpp_flip(const struct mmpp *m, struct arrivals_state *st, gsl_rng *r)
{
    st->on = !st->on;
    st->switch_s += arrivals_exp1(r) * (st->on ? m->mean_on : m->mean_off);
}

static double mmpp_next(const void *priv, struct arrivals_state *st, gsl_rng *r, double now,
                        double *demand_s, const char **path)
{
    (void)demand_s, (void)path;
    const struct mmpp *m = priv;
    if (isnan(st->switch_s)) /* the first sojourn starts at time 0 */
        st->switch_s = arrivals_exp1(r) * (st->on ? m->mean_on : m->mean_off);
    while (st->switch_s <= now)
        mmpp_flip(m, st, r);
    double t = now;
    for (;;) {
        double rate = st->on ? m->on : m->off;
        if (rate > 0) {
            double cand = t + arrivals_exp1(r) / rate;
            if (cand < st->switch_s)
                return arrivals_after(now, cand);
        }
        t = st->switch_s;
        mmpp_flip(m, st, r);
    }
}

/* Arrivals plus the state changes: one per mean cycle half, 2 t / (mean_on + mean_off). */
static double mmpp_draws(const void *priv, double t_end)
{
    const struct mmpp *m = priv;
    return mmpp_count(priv, 0, t_end) + 2 * t_end / (m->mean_on + m->mean_off);
}

const struct arrivals_ops arrivals_mmpp_ops = {
    .info = {"mmpp", "mmpp(on=R1, off=R2, mean_on=T1, mean_off=T2)",
             "Bursty: Poisson at R1 for exponential periods of mean T1, alternating with R2 for "
             "periods of mean T2 (two-state Markov-modulated Poisson); start=off starts in R2."},
    .parse = mmpp_parse,
    .free = mmpp_free,
    .format = mmpp_format,
    .rate_at = mmpp_rate_at,
    .count = mmpp_count,
    .draws = mmpp_draws,
    .start = mmpp_start,
    .next = mmpp_next,
};
