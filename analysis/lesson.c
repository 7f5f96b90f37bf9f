/* lesson — expressions, claims and HTML escaping of the lesson gallery (see lesson.h). */
#include "analysis/lesson.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Expressions are short (a line of a manifest); this bounds a reference's length. */
#define REF_MAX 256
/* Parentheses and calls nest at most this deep (the recursion's bound). */
#define DEPTH_MAX 32

struct parser {
    const char *s;   /* the whole text */
    size_t i;        /* next byte */
    int depth;       /* nesting of parentheses and calls */
    lesson_lookup_fn lookup;
    void *ctx;
    struct lesson_error *e;
};

__attribute__((format(printf, 4, 5)))
static int fail(struct parser *p, size_t at, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->e->msg, sizeof p->e->msg, fmt, ap);
    va_end(ap);
    p->e->offset = at;
    p->e->len = len ? len : 1;
    return -1;
}

static void skip_space(struct parser *p)
{
    while (p->s[p->i] == ' ' || p->s[p->i] == '\t')
        p->i++;
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static bool is_key_char(char c)
{
    return is_name_char(c) || c == '.' || c == '/';
}

static int expr(struct parser *p, double *out);

/* min(...) or max(...): one or more expressions. */
static int call(struct parser *p, bool is_max, double *out)
{
    size_t at = p->i;
    p->i++; /* '(' */
    bool first = true;
    for (;;) {
        double v;
        if (expr(p, &v) < 0)
            return -1;
        if (first)
            *out = v;
        else if (isnan(v) || isnan(*out))
            *out = (double)NAN;
        else if (is_max ? v > *out : v < *out)
            *out = v;
        first = false;
        skip_space(p);
        if (p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->s[p->i] == ')') {
            p->i++;
            return 0;
        }
        return fail(p, p->i, 1, "expected ',' or ')' to close the call opened at column %zu",
                    at + 1);
    }
}

static int factor(struct parser *p, double *out)
{
    skip_space(p);
    if (++p->depth > DEPTH_MAX)
        return fail(p, p->i, 1, "nested more than %d deep", DEPTH_MAX);
    int rc = 0;
    char c = p->s[p->i];
    size_t at = p->i;
    if (c == '(') {
        p->i++;
        rc = expr(p, out);
        skip_space(p);
        if (rc == 0 && p->s[p->i] != ')')
            rc = fail(p, p->i, 1, "expected ')' to close the '(' at column %zu", at + 1);
        else if (rc == 0)
            p->i++;
    } else if (c == '-') {
        p->i++;
        rc = factor(p, out);
        *out = -*out;
    } else if (isdigit((unsigned char)c) || c == '.') {
        char *end;
        *out = strtod(p->s + p->i, &end);
        if (end == p->s + p->i)
            rc = fail(p, at, 1, "expected a number");
        else
            p->i = (size_t)(end - p->s);
    } else if (isalpha((unsigned char)c)) {
        size_t n = 0;
        while (is_name_char(p->s[p->i + n]))
            n++;
        if ((n == 3 && (!strncmp(p->s + at, "min", 3) || !strncmp(p->s + at, "max", 3))) &&
            p->s[at + 3] == '(') {
            p->i += 3;
            rc = call(p, p->s[at + 1] == 'a', out);
        } else if (p->s[at + n] != ':') {
            rc = fail(p, at, n, "expected RUN:SCOPE.NAME.METRIC (a run's summary metric), "
                      "min(...), max(...), a number or '('");
        } else {
            size_t k = 0;
            while (is_key_char(p->s[at + n + 1 + k]))
                k++;
            if (k == 0 || n >= REF_MAX || k >= REF_MAX) {
                rc = fail(p, at, n + 1 + k, "expected SCOPE.NAME.METRIC after '%.*s:'",
                          (int)n, p->s + at);
            } else {
                char run[REF_MAX], key[REF_MAX];
                memcpy(run, p->s + at, n);
                run[n] = '\0';
                memcpy(key, p->s + at + n + 1, k);
                key[k] = '\0';
                p->i = at + n + 1 + k;
                char why[200];
                if (p->lookup(p->ctx, run, key, out, why, sizeof why) < 0)
                    rc = fail(p, at, n + 1 + k, "%s", why);
            }
        }
    } else {
        rc = c ? fail(p, at, 1, "unexpected '%c'", c)
               : fail(p, at, 1, "the expression ends too early");
    }
    p->depth--;
    return rc;
}

static int term(struct parser *p, double *out)
{
    if (factor(p, out) < 0)
        return -1;
    for (;;) {
        skip_space(p);
        char c = p->s[p->i];
        if (c != '*' && c != '/')
            return 0;
        p->i++;
        double v;
        if (factor(p, &v) < 0)
            return -1;
        *out = c == '*' ? *out * v : *out / v;
    }
}

static int expr(struct parser *p, double *out)
{
    if (term(p, out) < 0)
        return -1;
    for (;;) {
        skip_space(p);
        char c = p->s[p->i];
        if (c != '+' && c != '-')
            return 0;
        p->i++;
        double v;
        if (term(p, &v) < 0)
            return -1;
        *out = c == '+' ? *out + v : *out - v;
    }
}

static void parser_init(struct parser *p, const char *text, lesson_lookup_fn lookup, void *ctx,
                        struct lesson_error *e)
{
    *p = (struct parser){.s = text, .lookup = lookup, .ctx = ctx, .e = e};
    e->msg[0] = '\0';
    e->offset = 0;
    e->len = 0;
}

int lesson_eval(const char *text, lesson_lookup_fn lookup, void *ctx, double *out,
                struct lesson_error *e)
{
    struct parser p;
    parser_init(&p, text, lookup, ctx, e);
    if (expr(&p, out) < 0)
        return -1;
    skip_space(&p);
    if (p.s[p.i])
        return fail(&p, p.i, strlen(p.s + p.i), "unexpected '%s' after the expression",
                    p.s + p.i);
    return 0;
}

/* The comparison operator at p->i, or -1. */
static int comparison(struct parser *p)
{
    skip_space(p);
    if (p->s[p->i] == '<')
        return p->s[p->i + 1] == '=' ? LESSON_LE : LESSON_LT;
    if (p->s[p->i] == '>')
        return p->s[p->i + 1] == '=' ? LESSON_GE : LESSON_GT;
    return -1;
}

int lesson_claim(const char *text, lesson_lookup_fn lookup, void *ctx, bool *holds,
                 double *lhs, double *rhs, const char **op, struct lesson_error *e)
{
    static const char *const names[] = {"<", "<=", ">", ">="};
    struct parser p;
    parser_init(&p, text, lookup, ctx, e);
    double left;
    if (expr(&p, &left) < 0)
        return -1;
    int o = comparison(&p);
    if (o < 0)
        return fail(&p, p.i, 1, "expected <, <=, > or >= between the two sides of the claim");
    *holds = true;
    bool reported = false;
    while (o >= 0) {
        p.i += strlen(names[o]);
        double right;
        if (expr(&p, &right) < 0)
            return -1;
        bool h = false;
        switch ((enum lesson_op)o) {
        case LESSON_LT: h = left < right; break;
        case LESSON_LE: h = left <= right; break;
        case LESSON_GT: h = left > right; break;
        case LESSON_GE: h = left >= right; break;
        }
        /* The sides shown are those of the first comparison that fails (else the first). */
        if (!reported && (!h || *holds)) {
            *lhs = left;
            *rhs = right;
            *op = names[o];
            reported = !h;
        }
        *holds = *holds && h;
        left = right;
        o = comparison(&p);
    }
    if (p.s[p.i])
        return fail(&p, p.i, strlen(p.s + p.i), "unexpected '%s' after the claim", p.s + p.i);
    return 0;
}

void lesson_html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f); break;
        }
    }
}
