#include "sim/yread.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/dist.h"
#include "sim/xalloc.h"
#include "sim/ytree.h"

void yread_init(struct yread *r, const char *dir)
{
    *r = (struct yread){.dir = dir, .errors = 0};
}

int yread_fail(struct yread *r)
{
    r->errors++;
    return -1;
}

int yread_error(struct yread *r, const struct loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(loc, fmt, ap);
    va_end(ap);
    return yread_fail(r);
}

int yread_keys(struct yread *r, const struct ytree *m, const char *what,
               const char *const valid[])
{
    return ytree_check_keys(m, what, valid) ? yread_fail(r) : 0;
}

const struct ytree *yread_scalar(struct yread *r, const struct ytree *v, const char *what)
{
    if (v->kind != YTREE_SCALAR) {
        yread_error(r, &v->loc, "%s must be a single value, not %s", what,
                    ytree_kind_name(v->kind));
        return NULL;
    }
    return v;
}

int yread_scalar_at(struct yread *r, const struct ytree *m, const char *key,
                    const struct ytree **out)
{
    const struct ytree *v = ytree_get(m, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!yread_scalar(r, v, key))
        return -1;
    *out = v;
    return 0;
}

int yread_unit(struct yread *r, const struct ytree *m, const char *key, enum sim_unit kind,
               double *out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v)
        return 0;
    const char *why = NULL;
    if (sim_units_parse(v->text, strlen(v->text), kind, out, &why)) {
        diag_error_text(&v->loc, v->text, 0, strlen(v->text), "bad value '%s' for %s: %s",
                        v->text, key, why);
        return yread_fail(r);
    }
    return 0;
}

/* yread_unit, then the sign: below zero is never right, zero only when zero_ok. */
static int signed_unit(struct yread *r, const struct ytree *m, const char *key,
                       enum sim_unit kind, double *out, bool zero_ok)
{
    const struct ytree *v = ytree_get(m, key);
    if (yread_unit(r, m, key, kind, out))
        return -1;
    if (!v)
        return 0;
    if (*out < 0 || (!zero_ok && *out == 0))
        return yread_error(r, &v->loc, "%s must be %s, got '%s'", key,
                           zero_ok ? "zero or more" : "greater than zero", v->text);
    return 0;
}

int yread_positive(struct yread *r, const struct ytree *m, const char *key, enum sim_unit kind,
                   double *out)
{
    return signed_unit(r, m, key, kind, out, false);
}

int yread_zero_or_more(struct yread *r, const struct ytree *m, const char *key,
                       enum sim_unit kind, double *out)
{
    return signed_unit(r, m, key, kind, out, true);
}

int yread_number(struct yread *r, const struct ytree *m, const char *key, double *out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v)
        return 0;
    size_t len = strlen(v->text);
    if (len && v->text[len - 1] == '%') /* "40%" is 40 in a Percent metric */
        len--;
    const char *why;
    if (sim_units_parse(v->text, len, SIM_UNIT_NONE, out, &why))
        return yread_error(r, &v->loc, "bad value '%s' for %s: expected a number", v->text, key);
    return 0;
}

int yread_int(struct yread *r, const struct ytree *m, const char *key, long min, long max,
              int *out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v)
        return 0;
    char *end;
    errno = 0;
    long x = strtol(v->text, &end, 10);
    if (end == v->text || *end != '\0' || errno)
        return yread_error(r, &v->loc, "%s must be a whole number, got '%s'", key, v->text);
    if (x < min || x > max)
        return yread_error(r, &v->loc, "%s must be between %ld and %ld, got %ld", key, min, max,
                           x);
    *out = (int)x;
    return 0;
}

int yread_bool(struct yread *r, const struct ytree *m, const char *key, bool *out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v)
        return 0;
    if (!strcmp(v->text, "true") || !strcmp(v->text, "yes") || !strcmp(v->text, "on"))
        *out = true;
    else if (!strcmp(v->text, "false") || !strcmp(v->text, "no") || !strcmp(v->text, "off"))
        *out = false;
    else
        return yread_error(r, &v->loc, "%s must be true or false, got '%s'", key, v->text);
    return 0;
}

int yread_string(struct yread *r, const struct ytree *m, const char *key, char **out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v)
        return 0;
    if (v->text[0] == '\0')
        return yread_error(r, &v->loc, "%s must not be empty", key);
    free(*out);
    *out = xstrdup(v->text);
    return 0;
}

int yread_dist(struct yread *r, const struct ytree *m, const char *key, enum sim_unit unit,
               struct sim_dist **out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v)
        return 0;
    struct sim_dist *d;
    if (sim_dist_parse(v->text, unit, &v->loc, r->dir, &d))
        return yread_fail(r);
    *out = d;
    return 0;
}

const struct ytree *yread_list(struct yread *r, const struct ytree *m, const char *key)
{
    const struct ytree *v = ytree_get(m, key);
    if (!v)
        return NULL;
    if (v->kind != YTREE_SEQ) {
        yread_error(r, &v->loc, "%s must be a list (lines starting with '- '), not %s", key,
                    ytree_kind_name(v->kind));
        return NULL;
    }
    return v;
}

int yread_require(struct yread *r, const struct ytree *m, const char *key, const char *what)
{
    if (ytree_get(m, key))
        return 0;
    return yread_error(r, &m->loc, "%s needs '%s'", what, key);
}

static bool name_char_is_valid(char c)
{
    return c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

int yread_names(struct yread *r, const struct ytree *list, const char *what)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ytree *it = list->items[i];
        if (it->kind != YTREE_MAP)
            return yread_error(r, &it->loc, "each of %s must be a mapping with a name", what);
        const struct ytree *nm = ytree_get(it, "name");
        if (!nm || nm->kind != YTREE_SCALAR || !nm->text[0])
            return yread_error(r, &it->loc, "each of %s needs a 'name'", what);
        for (const char *c = nm->text; *c; c++)
            if (!name_char_is_valid(*c))
                return yread_error(r, &nm->loc,
                                   "name '%s' may use only letters, digits, '-' and '_'",
                                   nm->text);
        for (size_t j = 0; j < i; j++) {
            const struct ytree *o = ytree_get(list->items[j], "name");
            if (o && o->kind == YTREE_SCALAR && !strcmp(o->text, nm->text))
                return yread_error(r, &nm->loc, "duplicate name '%s' in %s (first at line %d)",
                                   nm->text, what, o->loc.line);
        }
    }
    return 0;
}
