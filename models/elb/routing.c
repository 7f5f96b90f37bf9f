#include "models/elb/routing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/call.h"
#include "sim/diag.h"
#include "sim/xalloc.h"
#include "sim/ytree.h"

/* Every algorithm, in the order `elbsim list algorithms` shows them.  Adding one is its
 * file (routing/routing_<x>.c, ending with `const struct route_ops route_<x>_ops = {...}`)
 * and one row here. */
#define ROUTE_TABLE(X)                                                                       \
    X(rr)                                                                                    \
    X(lor)                                                                                   \
    X(random)                                                                                \
    X(p2d)                                                                                   \
    X(lc)                                                                                    \
    X(wrr)                                                                                   \
    X(jsq)                                                                                   \
    X(wrand)                                                                                 \
    X(flowhash)                                                                              \
    X(chash)                                                                                 \
    X(lrt)

#define DECLARE(x) extern const struct route_ops route_##x##_ops;
ROUTE_TABLE(DECLARE)
#define ENTRY(x) &route_##x##_ops,
const struct route_ops *const route_table[] = {ROUTE_TABLE(ENTRY) NULL};

/* The table entry whose name is the first len bytes of s. */
static const struct route_ops *find_n(const char *s, size_t len)
{
    for (size_t i = 0; route_table[i]; i++)
        if (strlen(route_table[i]->name) == len && !strncmp(route_table[i]->name, s, len))
            return route_table[i];
    return NULL;
}

const struct route_ops *route_find(const char *name)
{
    const char *paren = strchr(name, '(');
    size_t len = paren ? (size_t)(paren - name) : strlen(name);
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    return find_n(name, len);
}

void route_names(char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; route_table[i] && used + 1 < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "",
                                 route_table[i]->name);
}

static int unknown_name(const char *text, const struct loc *loc, const char *name, size_t off,
                        size_t len)
{
    char names[512];
    route_names(names, sizeof names);
    const char *cands[64];
    size_t n = 0;
    for (; route_table[n] && n < 63; n++)
        cands[n] = route_table[n]->name;
    cands[n] = NULL;
    const char *near = ytree_nearest(name, cands);
    if (near)
        return diag_error_text(loc, text, off, len,
                               "unknown algorithm '%s'; did you mean '%s'? expected one of: %s",
                               name, near, names);
    return diag_error_text(loc, text, off, len, "unknown algorithm '%s'; expected one of: %s",
                           name, names);
}

int route_parse(const char *text, const struct loc *loc, const struct route_ops **ops,
                void **cfg)
{
    *ops = NULL;
    *cfg = NULL;
    struct sim_call *call;
    if (sim_call_parse(text, loc, &call))
        return -1;
    int rc = -1;
    /* A bare name parses as a value without a call name. */
    const char *name = call->name ? call->name : call->args[0].value;
    size_t off = call->name ? call->name_off : call->args[0].value_off;
    size_t len = call->name ? call->name_len : call->args[0].value_len;
    const struct route_ops *o = route_find(name);
    if (!o || strcmp(o->name, name)) {
        unknown_name(text, loc, name, off, len);
        goto out_free_call;
    }
    bool has_args = call->name && call->nargs > 0;
    if (!o->configure) {
        if (has_args) {
            const struct sim_call_arg *a = &call->args[0];
            diag_error_text(loc, text, a->key ? a->key_off : a->value_off,
                            call->end_off - 1 - (a->key ? a->key_off : a->value_off),
                            "algorithm '%s' takes no parameters", o->name);
            goto out_free_call;
        }
        *ops = o;
        rc = 0;
        goto out_free_call;
    }
    void *c = xcalloc(1, o->cfg_size ? o->cfg_size : 1);
    if (o->configure(c, call, text, loc)) {
        free(c);
        goto out_free_call;
    }
    *ops = o;
    *cfg = c;
    rc = 0;
out_free_call:
    sim_call_free(call);
    return rc;
}

void *route_instance_new(const struct route_ops *ops, const char *text,
                         const struct tg_member *const *members)
{
    void *cfg = NULL;
    if (text) {
        const struct route_ops *o;
        ELB_ASSERT(route_parse(text, NULL, &o, &cfg) == 0 && o == ops);
    } else if (ops->configure) {
        /* The defaults: configure with a bare name. */
        struct sim_call *call;
        ELB_ASSERT(sim_call_parse(ops->name, NULL, &call) == 0);
        cfg = xcalloc(1, ops->cfg_size ? ops->cfg_size : 1);
        ELB_ASSERT(ops->configure(cfg, call, ops->name, NULL) == 0);
        sim_call_free(call);
    }
    void *priv = xcalloc(1, ops->priv_size ? ops->priv_size : 1);
    if (ops->init)
        ops->init(priv, cfg, members);
    free(cfg);
    return priv;
}

void route_instance_free(const struct route_ops *ops, void *priv)
{
    if (!priv)
        return;
    if (ops->fini)
        ops->fini(priv);
    free(priv);
}

void route_trace_add(struct route_trace *t, uint32_t m, double val, uint32_t chosen)
{
    t->total++;
    if (t->n < ROUTE_TRACE_MAX && (t->n < ROUTE_TRACE_MAX - 1 || t->has_chosen || m == chosen)) {
        t->m[t->n] = m;
        t->val[t->n++] = val;
    } else if (m == chosen && !t->has_chosen) {
        t->m[ROUTE_TRACE_MAX - 1] = m;
        t->val[ROUTE_TRACE_MAX - 1] = val;
    } else {
        return;
    }
    if (m == chosen)
        t->has_chosen = true;
}
