/* steps(0s: R0, T1: R1, ...): Poisson at rate Ri from time Ti until the next step; the last
 * rate holds for ever.  Sampled by inverting the cumulative intensity (arrivals_pwl.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/xalloc.h"

struct steps {
    struct arrivals_pwl w; /* first member (arrivals_pwl_ops_*): one flat piece per step */
};

static int steps_parse(const struct arrivals_parse *p, void **priv)
{
    const struct sim_call *c = p->call;
    if (c->nargs == 0)
        return arrivals_parse_error(p, c->name_off, c->end_off - c->name_off,
                                    "steps() needs at least one step, e.g. "
                                    "steps(0s: 100/s, 30m: 400/s)");
    double *t = xmalloc(c->nargs * sizeof *t);
    double *r = xmalloc(c->nargs * sizeof *r);
    double *s = xcalloc(c->nargs, sizeof *s);
    int rc = -1;
    bool any = false;
    for (size_t i = 0; i < c->nargs; i++) {
        const struct sim_call_arg *a = &c->args[i];
        const char *why;
        if (a->sep != ':') {
            arrivals_parse_error(p, a->key ? a->key_off : a->value_off,
                                 a->key ? strlen(a->key) : a->value_len,
                                 "steps are written TIME: RATE (e.g. 30m: 400/s)");
            goto out_free;
        }
        if (sim_units_parse(a->key, strlen(a->key), SIM_UNIT_SECONDS, &t[i], &why)) {
            arrivals_parse_error(p, a->key_off, strlen(a->key), "step time '%s': %s", a->key,
                                 why);
            goto out_free;
        }
        if (i == 0 && t[i] != 0) {
            arrivals_parse_error(p, a->key_off, strlen(a->key),
                                 "the first step must start at 0s, got '%s'", a->key);
            goto out_free;
        }
        if (i > 0 && !(t[i] > t[i - 1])) {
            arrivals_parse_error(p, a->key_off, strlen(a->key),
                                 "step times must increase: '%s' does not come after '%s'",
                                 a->key, c->args[i - 1].key);
            goto out_free;
        }
        if (arrivals_parse_value(p, a, SIM_UNIT_RATE, &r[i]))
            goto out_free;
        if (r[i] < 0) {
            arrivals_parse_error(p, a->value_off, a->value_len,
                                 "a step rate must be >= 0, got '%s'", a->value);
            goto out_free;
        }
        any |= r[i] > 0;
    }
    if (!any) {
        arrivals_parse_error(p, c->name_off, c->end_off - c->name_off,
                             "every step rate is 0: this process never sends a request");
        goto out_free;
    }
    struct steps *st = xmalloc(sizeof *st);
    arrivals_pwl_init(&st->w, c->nargs, t, r, s, 0);
    *priv = st;
    rc = 0;
out_free:
    free(t);
    free(r);
    free(s);
    return rc;
}

static void steps_free(void *priv)
{
    struct steps *st = priv;
    arrivals_pwl_fini(&st->w);
    free(st);
}

static void steps_format(const void *priv, char *buf, size_t n)
{
    const struct steps *st = priv;
    size_t used = 0;
    text_appendf(buf, n, &used, "steps(");
    for (size_t i = 0; i < st->w.n; i++) {
        char t[32], r[32];
        arrivals_fmt(st->w.t[i], SIM_UNIT_SECONDS, t, sizeof t);
        arrivals_fmt(st->w.r[i], SIM_UNIT_RATE, r, sizeof r);
        text_appendf(buf, n, &used, "%s%s: %s", i ? ", " : "", t, r);
    }
    text_appendf(buf, n, &used, ")");
}

const struct arrivals_ops arrivals_steps_ops = {
    .info = {"steps", "steps(0s: R0, T1: R1, ...)",
             "Poisson whose rate changes to Ri at time Ti; the last rate holds to the end."},
    .parse = steps_parse,
    .free = steps_free,
    .format = steps_format,
    .rate_at = arrivals_pwl_ops_rate_at,
    .count = arrivals_pwl_ops_count,
    .next = arrivals_pwl_ops_next,
};
