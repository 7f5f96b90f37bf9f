/* spike(base=R, peak=P, at=T, duration=D, ramp=U): rate R, except P during [T, T+D); a ramp
 * U > 0 makes the rate climb linearly from R to P over [T, T+U) and fall back over
 * [T+D-U, T+D), so the spike keeps its total length D.  P < R gives a dip.  Sampled by
 * inverting the cumulative intensity (arrivals_pwl.c). */
#include <stdio.h>
#include <stdlib.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/xalloc.h"

struct spike {
    struct arrivals_pwl w; /* first member (arrivals_pwl_ops_*) */
    double base, peak;     /* per s, >= 0, not both 0 */
    double at, duration;   /* s; at >= 0, duration > 0 */
    double ramp;           /* s, 0 <= ramp <= duration / 2 */
};

static int spike_range(const struct arrivals_parse *p, const char *key, bool bad,
                       const char *expected)
{
    if (!bad)
        return 0;
    const struct sim_call_arg *a = arrivals_parse_arg(p, key, NULL);
    return arrivals_parse_error(p, a->value_off, a->value_len, "spike %s must be %s, got '%s'",
                                key, expected, a->value);
}

static int spike_parse(const struct arrivals_parse *p, void **priv)
{
    static const char *const keys[] = {"base", "peak", "at", "duration", "ramp", NULL};
    struct spike sp = {.ramp = 0};
    if (arrivals_parse_keys(p, keys, NULL) ||
        arrivals_parse_number(p, "base", NULL, SIM_UNIT_RATE, true, "100/s", &sp.base) ||
        arrivals_parse_number(p, "peak", NULL, SIM_UNIT_RATE, true, "800/s", &sp.peak) ||
        arrivals_parse_number(p, "at", NULL, SIM_UNIT_SECONDS, true, "10m", &sp.at) ||
        arrivals_parse_number(p, "duration", NULL, SIM_UNIT_SECONDS, true, "2m",
                              &sp.duration) ||
        arrivals_parse_number(p, "ramp", NULL, SIM_UNIT_SECONDS, false, "30s", &sp.ramp))
        return -1;
    if (spike_range(p, "base", sp.base < 0, ">= 0") ||
        spike_range(p, "peak", sp.peak < 0, ">= 0") ||
        spike_range(p, "peak", sp.base == 0 && sp.peak == 0, "> 0 when base is 0") ||
        spike_range(p, "at", sp.at < 0, ">= 0") ||
        spike_range(p, "duration", !(sp.duration > 0), "> 0") ||
        spike_range(p, "ramp", sp.ramp < 0, ">= 0") ||
        spike_range(p, "ramp", 2 * sp.ramp > sp.duration, "at most half the duration"))
        return -1;

    /* Up to five pieces: base, ramp up, peak, ramp down, base for ever. */
    double t[5], r[5], s[5];
    size_t n = 0;
    double end = sp.at + sp.duration;
#define PIECE(T, R, S)                                                                          \
    do {                                                                                        \
        if (n == 0 || (T) > t[n - 1]) {                                                         \
            t[n] = (T), r[n] = (R), s[n] = (S);                                                 \
            n++;                                                                                \
        }                                                                                       \
    } while (0)
    if (sp.at > 0)
        PIECE(0, sp.base, 0);
    if (sp.ramp > 0)
        PIECE(sp.at, sp.base, (sp.peak - sp.base) / sp.ramp);
    if (2 * sp.ramp < sp.duration)
        PIECE(sp.at + sp.ramp, sp.peak, 0);
    if (sp.ramp > 0)
        PIECE(end - sp.ramp, sp.peak, (sp.base - sp.peak) / sp.ramp);
    PIECE(end, sp.base, 0);
#undef PIECE
    struct spike *out = xmalloc(sizeof *out);
    *out = sp;
    arrivals_pwl_init(&out->w, n, t, r, s, 0);
    *priv = out;
    return 0;
}

static void spike_free(void *priv)
{
    struct spike *sp = priv;
    arrivals_pwl_fini(&sp->w);
    free(sp);
}

static void spike_format(const void *priv, char *buf, size_t n)
{
    const struct spike *sp = priv;
    char base[32], peak[32], at[32], dur[32], ramp[32];
    arrivals_fmt(sp->base, SIM_UNIT_RATE, base, sizeof base);
    arrivals_fmt(sp->peak, SIM_UNIT_RATE, peak, sizeof peak);
    arrivals_fmt(sp->at, SIM_UNIT_SECONDS, at, sizeof at);
    arrivals_fmt(sp->duration, SIM_UNIT_SECONDS, dur, sizeof dur);
    arrivals_fmt(sp->ramp, SIM_UNIT_SECONDS, ramp, sizeof ramp);
    snprintf(buf, n, "spike(base=%s, peak=%s, at=%s, duration=%s, ramp=%s)", base, peak, at, dur,
             ramp);
}

const struct arrivals_ops arrivals_spike_ops = {
    .info = {"spike", "spike(base=R, peak=P, at=T, duration=D)",
             "Rate R except P during [T, T+D); ramp=U makes the rate climb and fall linearly over U "
             "at each end of the spike."},
    .parse = spike_parse,
    .free = spike_free,
    .format = spike_format,
    .rate_at = arrivals_pwl_ops_rate_at,
    .count = arrivals_pwl_ops_count,
    .next = arrivals_pwl_ops_next,
};
