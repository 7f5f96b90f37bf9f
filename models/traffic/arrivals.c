/* Arrival processes: the name tables, dispatch, and the argument checks every process
 * shares.  The processes themselves live in arrivals_<name>.c. */
#include "models/traffic/arrivals.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/path.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

struct arrivals {
    const struct arrivals_ops *ops;
    void *priv; /* the process's parameters; owned */
};

/* Every process, in the order `elbsim list arrivals` shows them.  Adding one is its file
 * (arrivals/arrivals_<name>.c, ending with `const struct arrivals_ops arrivals_<name>_ops`)
 * and one row here. */
#define ARRIVALS_TABLE(X)                                                                    \
    X(poisson)                                                                               \
    X(mmpp)                                                                                  \
    X(steps)                                                                                 \
    X(spike)                                                                                 \
    X(diurnal)                                                                               \
    X(trace)                                                                                 \
    X(rates)                                                                                 \
    X(alb_log)

#define DECLARE(name) extern const struct arrivals_ops arrivals_##name##_ops;
ARRIVALS_TABLE(DECLARE)
#define OPS(name) &arrivals_##name##_ops,
static const struct arrivals_ops *const arrivals_ops_table[] = {ARRIVALS_TABLE(OPS)};
#define INFO(name) &arrivals_##name##_ops.info,
const struct arrivals_info *const arrivals_table[] = {ARRIVALS_TABLE(INFO) NULL};

#define NPROCS (sizeof arrivals_ops_table / sizeof arrivals_ops_table[0])

void arrivals_names(char *buf, size_t n)
{
    size_t used = 0;
    if (n == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; arrivals_table[i] && used + 1 < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? ", " : "", arrivals_table[i]->name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int arrivals_parse(const char *text, const struct loc *base, const char *base_dir,
                   struct arrivals **out)
{
    struct sim_call *call;
    if (sim_call_parse(text, base, &call))
        return -1;
    int rc = -1;
    char names[128];
    arrivals_names(names, sizeof names);
    if (!call->name) {
        diag_error_text(base, text, call->name_off, call->end_off - call->name_off,
                        "expected an arrival process such as poisson(rate=200/s); "
                        "processes: %s", names);
        goto out_free_call;
    }
    const struct arrivals_ops *ops = NULL;
    for (size_t i = 0; i < NPROCS; i++)
        if (!strcmp(arrivals_ops_table[i]->info.name, call->name))
            ops = arrivals_ops_table[i];
    if (!ops) {
        diag_error_text(base, text, call->name_off, call->name_len,
                        "unknown arrival process '%s'; expected one of: %s", call->name, names);
        goto out_free_call;
    }
    struct arrivals_parse p = {text, base, base_dir, call};
    void *priv;
    if (ops->parse(&p, &priv))
        goto out_free_call;
    struct arrivals *a = xmalloc(sizeof *a);
    a->ops = ops;
    a->priv = priv;
    *out = a;
    rc = 0;
out_free_call:
    sim_call_free(call);
    return rc;
}

void arrivals_free(struct arrivals *a)
{
    if (!a)
        return;
    a->ops->free(a->priv);
    free(a);
}

void arrivals_format(const struct arrivals *a, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    a->ops->format(a->priv, buf, n);
}

const char *arrivals_name(const struct arrivals *a)
{
    return a->ops->info.name;
}

double arrivals_rate_at(const struct arrivals *a, double t)
{
    return t < 0 ? 0 : a->ops->rate_at(a->priv, t);
}

double arrivals_mean_rate(const struct arrivals *a, double t0, double t1)
{
    if (!(t1 > t0))
        return arrivals_rate_at(a, t0);
    double c = a->ops->count(a->priv, fmax(t0, 0), fmax(t1, 0));
    return c / (t1 - t0);
}

double arrivals_draws(const struct arrivals *a, double t_end)
{
    if (!(t_end > 0))
        return 0;
    return a->ops->draws ? a->ops->draws(a->priv, t_end) : a->ops->count(a->priv, 0, t_end);
}

void arrivals_start(const struct arrivals *a, struct arrivals_state *st)
{
    *st = (struct arrivals_state){0, (double)NAN, false};
    if (a->ops->start)
        a->ops->start(a->priv, st);
}

const void *arrivals_priv(const struct arrivals *a, const struct arrivals_ops *ops)
{
    return a->ops == ops ? a->priv : NULL;
}

double arrivals_next(const struct arrivals *a, struct arrivals_state *st, gsl_rng *r,
                     double now, double *demand_s, const char **path)
{
    double dummy_demand;
    const char *dummy_path;
    if (!demand_s)
        demand_s = &dummy_demand;
    if (!path)
        path = &dummy_path;
    *demand_s = (double)NAN;
    *path = NULL;
    ELB_ASSERT(!isnan(now));
    if (isinf(now) && now > 0)
        return (double)INFINITY;
    return a->ops->next(a->priv, st, r, now > 0 ? now : 0, demand_s, path);
}

/* --- argument checks ------------------------------------------------------------------ */

int arrivals_parse_error(const struct arrivals_parse *p, size_t off, size_t len,
                         const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return diag_error_text(p->base, p->text, off, len, "%s", msg);
}

static bool key_is(const struct sim_call_arg *a, const char *key, const char *positional,
                   size_t index)
{
    if (a->key)
        return !strcmp(a->key, key);
    return positional && index == 0 && !strcmp(positional, key);
}

int arrivals_parse_keys(const struct arrivals_parse *p, const char *const keys[],
                        const char *positional)
{
    const struct sim_call *c = p->call;
    char list[256] = "";
    size_t used = 0;
    for (size_t k = 0; keys[k] && used + 1 < sizeof list; k++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", keys[k]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    for (size_t i = 0; i < c->nargs; i++) {
        const struct sim_call_arg *a = &c->args[i];
        if (!a->key) {
            if (positional && i == 0)
                continue;
            if (positional)
                return arrivals_parse_error(p, a->value_off, a->value_len,
                                            "%s(): only the first argument may omit its "
                                            "name; write name=value (%s)", c->name, list);
            return arrivals_parse_error(p, a->value_off, a->value_len,
                                        "%s(): arguments are written name=value; expected "
                                        "%s", c->name, list);
        }
        size_t k = 0;
        while (keys[k] && strcmp(keys[k], a->key))
            k++;
        if (!keys[k])
            return arrivals_parse_error(p, a->key_off, strlen(a->key),
                                        "unknown parameter '%s' of %s(); expected one of: %s",
                                        a->key, c->name, list);
        for (size_t j = 0; j < i; j++)
            if (key_is(&c->args[j], a->key, positional, j))
                return arrivals_parse_error(p, a->key_off, strlen(a->key),
                                            "parameter '%s' of %s() given twice", a->key,
                                            c->name);
    }
    return 0;
}

const struct sim_call_arg *arrivals_parse_arg(const struct arrivals_parse *p, const char *key,
                                              const char *positional)
{
    for (size_t i = 0; i < p->call->nargs; i++)
        if (key_is(&p->call->args[i], key, positional, i))
            return &p->call->args[i];
    return NULL;
}

int arrivals_parse_value(const struct arrivals_parse *p, const struct sim_call_arg *arg,
                         enum sim_unit unit, double *out)
{
    const char *why = "expected a number";
    if (arg->call)
        why = "is a call; expected a number";
    else if (!sim_units_parse(arg->value, arg->value_len, unit, out, &why))
        return 0;
    if (arg->key)
        return arrivals_parse_error(p, arg->value_off, arg->value_len, "%s=%s: %s", arg->key,
                                    arg->value, why);
    return arrivals_parse_error(p, arg->value_off, arg->value_len, "'%s': %s", arg->value, why);
}

int arrivals_parse_number(const struct arrivals_parse *p, const char *key, const char *positional,
                          enum sim_unit unit, bool required, const char *hint, double *out)
{
    const struct sim_call_arg *a = arrivals_parse_arg(p, key, positional);
    if (!a) {
        if (!required)
            return 0;
        const struct sim_call *c = p->call;
        return arrivals_parse_error(p, c->name_off, c->end_off - c->name_off,
                                    "%s() needs %s (e.g. %s=%s)", c->name, key, key, hint);
    }
    return arrivals_parse_value(p, a, unit, out);
}

char *arrivals_parse_path(const struct arrivals_parse *p, const char *file)
{
    return sim_path_join(p->base_dir, file);
}

void arrivals_fmt(double v, enum sim_unit unit, char *buf, size_t n)
{
    sim_units_format(v, unit, buf, n);
}


double arrivals_exp1(gsl_rng *r)
{
    /* > 0: a zero (one draw in 2^53 or so) is drawn again. */
    double e;
    do
        e = sim_rng_exp1(r);
    while (e == 0);
    return e;
}

double arrivals_after(double now, double t)
{
    return t > now ? t : nextafter(now, (double)INFINITY);
}
