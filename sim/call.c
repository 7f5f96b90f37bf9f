#include "sim/call.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

#define CALL_MAX_DEPTH 32

struct call_parser {
    const char *text;       /* the whole text; offsets are relative to it */
    const struct loc *base; /* where text starts; NULL = command line */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Shrink [*b, *e) past blanks at both ends. */
static void trim(const char *t, size_t *b, size_t *e)
{
    while (*b < *e && is_blank(t[*b]))
        (*b)++;
    while (*e > *b && is_blank(t[*e - 1]))
        (*e)--;
}

static bool has_paren(const char *t, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++)
        if (t[i] == '(' || t[i] == ')')
            return true;
    return false;
}

void sim_call_free(struct sim_call *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nargs; i++) {
        free(c->args[i].key);
        free(c->args[i].value);
        sim_call_free(c->args[i].call);
    }
    free(c->args);
    free(c->name);
    free(c);
}

static int parse_call(struct call_parser *p, size_t b, size_t e, int depth, struct sim_call **out);

/* One argument occupying the trimmed, non-empty range [b, e). */
static int parse_arg(struct call_parser *p, size_t b, size_t e, int depth,
                     struct sim_call_arg *a)
{
    const char *t = p->text;
    size_t vb = b;
    for (size_t i = b; i < e && t[i] != '('; i++) {
        if (t[i] == '=' || t[i] == ':') {
            size_t kb = b, ke = i;
            trim(t, &kb, &ke);
            if (kb == ke)
                return diag_error_text(p->base, t, i, 1, "empty name before '%c'; expected "
                                       "'name%cvalue'", t[i], t[i]);
            a->key = xstrndup(t + kb, ke - kb);
            a->key_off = kb;
            a->sep = t[i];
            vb = i + 1;
            break;
        }
    }
    size_t ve = e;
    trim(t, &vb, &ve);
    if (vb == ve)
        return diag_error_text(p->base, t, a->key_off, e - a->key_off,
                               "empty value after '%s%c'; expected a value", a->key, a->sep);
    if (!a->key)
        a->key_off = vb;
    a->value = xstrndup(t + vb, ve - vb);
    a->value_off = vb;
    a->value_len = ve - vb;
    if (has_paren(t, vb, ve))
        return parse_call(p, vb, ve, depth + 1, &a->call);
    return 0;
}

/* A call `name(args)` occupying the trimmed range [b, e), which contains a parenthesis
 * and whose parentheses balance (checked once by sim_call_parse). */
static int parse_call(struct call_parser *p, size_t b, size_t e, int depth, struct sim_call **out)
{
    const char *t = p->text;
    *out = NULL;
    if (depth > CALL_MAX_DEPTH)
        return diag_error_text(p->base, t, b, e - b, "calls nested more than %d deep",
                               CALL_MAX_DEPTH);
    size_t open = b;
    while (t[open] != '(') {
        if (t[open] == ')')
            return diag_error_text(p->base, t, open, 1, "unexpected ')'");
        open++;
    }
    size_t nb = b, ne = open;
    trim(t, &nb, &ne);
    if (nb == ne)
        return diag_error_text(p->base, t, open, 1,
                               "empty name before '('; expected name(arguments)");
    bool ok = is_name_start(t[nb]);
    for (size_t i = nb + 1; ok && i < ne; i++)
        ok = is_name_char(t[i]);
    if (!ok)
        return diag_error_text(p->base, t, nb, ne - nb,
                               "bad name '%.*s' before '('; expected a name such as exp: "
                               "letters, digits and '_'",
                               (int)(ne - nb), t + nb);

    /* The matching ')' and the top-level commas between. */
    size_t close = open + 1;
    for (int d = 1;; close++) {
        ELB_ASSERT(close < e);
        if (t[close] == '(')
            d++;
        else if (t[close] == ')' && --d == 0)
            break;
    }
    size_t jb = close + 1, je = e;
    trim(t, &jb, &je);
    if (jb < je)
        return diag_error_text(p->base, t, jb, je - jb,
                               "unexpected '%.*s' after ')'; expected nothing after the "
                               "closing parenthesis", (int)(je - jb), t + jb);

    struct sim_call *c = xcalloc(1, sizeof *c);
    c->name = xstrndup(t + nb, ne - nb);
    c->name_off = nb;
    c->name_len = ne - nb;
    c->end_off = close + 1;
    *out = c;

    size_t ab = open + 1, ae = close;
    trim(t, &ab, &ae);
    if (ab == ae)
        return 0; /* name() */
    size_t cap = 0;
    size_t start = open + 1;
    int d = 0;
    for (size_t i = open + 1; i <= close; i++) {
        if (i < close && t[i] == '(') {
            d++;
            continue;
        }
        if (i < close && t[i] == ')') {
            d--;
            continue;
        }
        if (i < close && (t[i] != ',' || d > 0))
            continue;
        size_t sb = start, se = i;
        trim(t, &sb, &se);
        if (sb == se)
            return diag_error_text(p->base, t, i, 1, "empty argument before '%c'; expected "
                                   "a value or name=value", t[i]);
        if (c->nargs == cap) {
            cap = cap ? 2 * cap : 4;
            c->args = xrealloc(c->args, cap * sizeof *c->args);
        }
        struct sim_call_arg *a = &c->args[c->nargs++];
        memset(a, 0, sizeof *a);
        if (parse_arg(p, sb, se, depth, a))
            return -1;
        start = i + 1;
    }
    return 0;
}

int sim_call_parse(const char *text, const struct loc *base, struct sim_call **out)
{
    struct call_parser p = {text, base};
    *out = NULL;
    size_t n = strlen(text);
    size_t b = 0, e = n;
    trim(text, &b, &e);
    if (b == e)
        return diag_error_text(base, text, 0, 1,
                               "empty text; expected a value or name(arguments)");

    /* Balance first, so the recursive parser may assume it. */
    size_t stack[CALL_MAX_DEPTH + 2];
    size_t depth = 0;
    for (size_t i = b; i < e; i++) {
        if (text[i] == '(') {
            if (depth < CALL_MAX_DEPTH + 2)
                stack[depth] = i;
            depth++;
        } else if (text[i] == ')') {
            if (depth == 0)
                return diag_error_text(base, text, i, 1, "unmatched ')'; no '(' opens it");
            depth--;
        }
    }
    if (depth > CALL_MAX_DEPTH + 1)
        return diag_error_text(base, text, b, e - b, "calls nested more than %d deep",
                               CALL_MAX_DEPTH);
    if (depth > 0)
        return diag_error_text(base, text, stack[depth - 1], 1,
                               "unclosed '('; expected ')' to close it");

    if (!has_paren(text, b, e)) {
        struct sim_call *c = xcalloc(1, sizeof *c);
        c->name_off = b;
        c->end_off = e;
        c->nargs = 1;
        c->args = xcalloc(1, sizeof *c->args);
        c->args[0].key_off = b;
        c->args[0].value = xstrndup(text + b, e - b);
        c->args[0].value_off = b;
        c->args[0].value_len = e - b;
        *out = c;
        return 0;
    }
    struct sim_call *c;
    if (parse_call(&p, b, e, 0, &c)) {
        sim_call_free(c);
        return -1;
    }
    *out = c;
    return 0;
}
