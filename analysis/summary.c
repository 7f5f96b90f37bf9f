#include "analysis/summary.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/key_index.h"
#include "sim/text.h"
#include "sim/xalloc.h"

struct row {
    char *scope, *name, *metric; /* owned: one block, from scope */
    double value;
};

struct summary {
    struct row *rows;
    int n, cap;
    struct key_index index; /* (scope, name, metric) -> row; borrows the rows' strings */
};

/* The fixed scope order of DESIGN.md "Outputs"; other scopes follow alphabetically. */
static const char *const scope_order[] = {
    "run", "workload", "lb", "target_group", "target", "asg", "ecs_service",
};
#define NSCOPES ((int)(sizeof scope_order / sizeof scope_order[0]))

/* Row number of (scope, name, metric), or -1. */
static int find(const struct summary *s, const char *scope, const char *name,
                const char *metric)
{
    return key_index_find(&s->index, scope, name, metric);
}

struct summary *summary_new(void)
{
    struct summary *s = xcalloc(1, sizeof *s);
    key_index_init(&s->index);
    return s;
}

void summary_free(struct summary *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        free(s->rows[i].scope); /* the block of all three */
    free(s->rows);
    key_index_fini(&s->index);
    free(s);
}

void summary_reserve(struct summary *s, int n)
{
    if (n > s->cap) {
        s->cap = n;
        s->rows = xrealloc(s->rows, (size_t)s->cap * sizeof *s->rows);
    }
    key_index_reserve(&s->index, (size_t)n);
}

void summary_add(struct summary *s, const char *scope, const char *name, const char *metric,
                 double v)
{
    int i = find(s, scope, name, metric);
    if (i >= 0) {
        s->rows[i].value = v;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->rows = xrealloc(s->rows, (size_t)s->cap * sizeof *s->rows);
    }
    i = s->n++;
    struct row *r = &s->rows[i];
    char *n2, *m2;
    char *s2 = text_dup3(scope, name, metric, &n2, &m2); /* one block per row */
    *r = (struct row){s2, n2, m2, v};
    key_index_add(&s->index, r->scope, r->name, r->metric, i);
}

double summary_get(const struct summary *s, const char *scope, const char *name,
                   const char *metric)
{
    int i = find(s, scope, name, metric);
    return i >= 0 ? s->rows[i].value : (double)NAN;
}

int summary_count(const struct summary *s)
{
    return s->n;
}

static int scope_rank(const char *scope)
{
    for (int k = 0; k < NSCOPES; k++)
        if (!strcmp(scope, scope_order[k]))
            return k;
    return NSCOPES;
}

/* Natural order: runs of digits compare by value (web-2 < web-10), the rest bytewise;
 * strings equal under that rule (leading zeros) fall back to strcmp, so it is total. */
static int natcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *q) {
        if (isdigit(*p) && isdigit(*q)) {
            while (*p == '0')
                p++;
            while (*q == '0')
                q++;
            size_t lp = 0, lq = 0;
            while (isdigit(p[lp]))
                lp++;
            while (isdigit(q[lq]))
                lq++;
            if (lp != lq)
                return lp < lq ? -1 : 1;
            int c = memcmp(p, q, lp);
            if (c)
                return c;
            p += lp;
            q += lq;
        } else {
            if (*p != *q)
                return *p < *q ? -1 : 1;
            p++;
            q++;
        }
    }
    if (*p || *q)
        return *p ? 1 : -1;
    return strcmp(a, b);
}

static int row_cmp(const void *x, const void *y)
{
    const struct row *a = *(const struct row *const *)x, *b = *(const struct row *const *)y;
    int ra = scope_rank(a->scope), rb = scope_rank(b->scope);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    int c = strcmp(a->scope, b->scope);
    if (c)
        return c;
    c = natcmp(a->name, b->name);
    if (c)
        return c;
    return natcmp(a->metric, b->metric);
}

/* A run of consecutive rows with one (scope, name), and its place in the scope order. */
struct block {
    const struct row **v;
    int n, rank;
};

static int block_cmp(const void *x, const void *y)
{
    const struct block *a = x, *b = y;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    int c = strcmp(a->v[0]->scope, b->v[0]->scope);
    return c ? c : natcmp(a->v[0]->name, b->v[0]->name);
}

static int row_metric_cmp(const void *x, const void *y)
{
    const struct row *a = *(const struct row *const *)x, *b = *(const struct row *const *)y;
    return natcmp(a->metric, b->metric);
}

/* The rows in output order, as an array of pointers the caller frees.  Keys are unique,
 * so qsort's instability cannot show.  Rows come in blocks of one (scope, name) (a
 * target's six, a workload's dozen): each block is sorted by metric and the blocks by
 * (scope, name), which they usually are already (targets are added in name order), so a
 * fleet's summary costs O(rows) comparisons, not O(rows log rows). */
static const struct row **sorted(const struct summary *s)
{
    const struct row **v = xmalloc(((size_t)s->n + 1) * sizeof *v);
    struct block *b = xmalloc(((size_t)s->n + 1) * sizeof *b);
    int nb = 0;
    for (int i = 0; i < s->n; i++) {
        const struct row *r = &s->rows[i], *q = r - 1;
        if (nb && !strcmp(r->name, q->name) && !strcmp(r->scope, q->scope)) {
            b[nb - 1].n++;
            continue;
        }
        b[nb++] = (struct block){.n = 1, .rank = scope_rank(r->scope)};
    }
    /* Point the blocks into v, rows in insertion order, then order within each. */
    const struct row **p = v;
    for (int k = 0, i = 0; k < nb; k++) {
        b[k].v = p;
        for (int j = 0; j < b[k].n; j++)
            *p++ = &s->rows[i++];
        qsort(b[k].v, (size_t)b[k].n, sizeof *v, row_metric_cmp);
    }
    bool in_order = true, distinct = true;
    for (int k = 1; k < nb && in_order; k++)
        in_order = block_cmp(&b[k - 1], &b[k]) < 0;
    if (!in_order) {
        qsort(b, (size_t)nb, sizeof *b, block_cmp);
        for (int k = 1; k < nb && distinct; k++)
            distinct = block_cmp(&b[k - 1], &b[k]) != 0;
    }
    if (!distinct) {
        /* One (scope, name) in blocks apart: sort all rows at once. */
        for (int i = 0; i < s->n; i++)
            v[i] = &s->rows[i];
        qsort(v, (size_t)s->n, sizeof *v, row_cmp);
    } else if (!in_order) {
        const struct row **out = xmalloc(((size_t)s->n + 1) * sizeof *out);
        p = out;
        for (int k = 0; k < nb; k++)
            for (int j = 0; j < b[k].n; j++)
                *p++ = b[k].v[j];
        free(v);
        v = out;
    }
    free(b);
    return v;
}

int summary_write_csv(const struct summary *s, const char *path)
{
    struct csvout o;
    if (csvout_open(&o, path) != 0)
        return -1;
    csvout_str(&o, "scope");
    csvout_str(&o, "name");
    csvout_str(&o, "metric");
    csvout_str(&o, "value");
    csvout_end_row(&o);
    const struct row **v = sorted(s);
    for (int i = 0; i < s->n; i++) {
        csvout_str(&o, v[i]->scope);
        csvout_str(&o, v[i]->name);
        csvout_str(&o, v[i]->metric);
        csvout_num(&o, v[i]->value);
        csvout_end_row(&o);
    }
    free(v);
    return csvout_commit(&o);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* About 4 significant digits without an exponent: 41.23, 0.05230, 12346. */
static void fmt_sig(char *buf, size_t n, double x)
{
    int decimals = 0;
    if (x != 0) {
        int mag = (int)floor(log10(fabs(x)));
        decimals = 3 - mag;
        if (decimals < 0)
            decimals = 0;
        if (decimals > 9)
            decimals = 9;
    }
    snprintf(buf, n, "%.*f", decimals, x);
}

struct summary_unit summary_unit(const char *metric)
{
    if (ends_with(metric, "_s"))
        return !strncmp(metric, "latency", 7)
                   ? (struct summary_unit){"s", "ms", 1000, SUMMARY_NONNEG}
                   : (struct summary_unit){"s", "s", 1, SUMMARY_NONNEG};
    if (ends_with(metric, "_usd"))
        return (struct summary_unit){"USD", "$", 1, SUMMARY_NONNEG};
    if (!strcmp(metric, "error_ratio") || ends_with(metric, "_ratio") ||
        !strcmp(metric, "utilization") || ends_with(metric, "_utilization"))
        return (struct summary_unit){"fraction", "%", 100, SUMMARY_FRACTION};
    if (ends_with(metric, "_pct"))
        return (struct summary_unit){"%", "%", 1, SUMMARY_REAL};
    if (ends_with(metric, "_rps"))
        return (struct summary_unit){"req/s", "req/s", 1, SUMMARY_NONNEG};
    if (ends_with(metric, "_hours"))
        return (struct summary_unit){"h", "h", 1, SUMMARY_NONNEG};
    if (!strcmp(metric, "lcu_peak"))
        return (struct summary_unit){"LCU", "LCU", 1, SUMMARY_NONNEG};
    return (struct summary_unit){"count", "count", 1, SUMMARY_NONNEG};
}

void summary_format(const char *metric, double v, char *num, size_t n, const char **unit)
{
    struct summary_unit u = summary_unit(metric);
    *unit = "";
    if (isnan(v)) {
        snprintf(num, n, "-");
    } else if (!strcmp(u.raw, "s")) {
        /* One value picks its own scale; a column keeps the one of u. */
        if (fabs(v) < 1) {
            fmt_sig(num, n, v * 1000);
            *unit = "ms";
        } else {
            fmt_sig(num, n, v);
            *unit = "s";
        }
    } else if (!strcmp(u.raw, "USD")) {
        if (v == 0 || fabs(v) >= 0.01)
            snprintf(num, n, "$%.2f", v);
        else
            snprintf(num, n, "$%.4g", v);
    } else if (!strcmp(u.raw, "fraction") && !ends_with(metric, "_ratio")) {
        fmt_sig(num, n, v * u.scale);
        *unit = u.shown;
    } else if (!strcmp(u.raw, "%") || !strcmp(u.raw, "req/s") || !strcmp(u.raw, "h")) {
        fmt_sig(num, n, v);
        *unit = u.shown;
    } else if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(num, n, "%.0f", v);
    } else {
        fmt_sig(num, n, v);
    }
    if (!strcmp(num, "-0"))
        snprintf(num, n, "0");
}

/* The value of a row as a number string and a unit (possibly ""). */
static void fmt_value(const struct row *r, char *num, size_t n, const char **unit)
{
    summary_format(r->metric, r->value, num, n, unit);
}

void summary_print_table(const struct summary *s, FILE *f)
{
    const struct row **v = sorted(s);
    int wm = 0, wv = 0;
    char num[64];
    const char *unit;
    for (int i = 0; i < s->n; i++) {
        int l = (int)strlen(v[i]->metric);
        if (l > wm)
            wm = l;
        fmt_value(v[i], num, sizeof num, &unit);
        l = (int)strlen(num);
        if (l > wv)
            wv = l;
    }
    for (int i = 0; i < s->n; i++) {
        const struct row *r = v[i];
        if (i == 0 || strcmp(r->scope, v[i - 1]->scope) || strcmp(r->name, v[i - 1]->name)) {
            if (i)
                fputc('\n', f);
            fprintf(f, "%s%s%s\n", r->scope, *r->name ? " " : "", r->name);
        }
        fmt_value(r, num, sizeof num, &unit);
        fprintf(f, "  %-*s  %*s%s%s\n", wm, r->metric, wv, num, *unit ? " " : "", unit);
    }
    free(v);
}

/* Target "web/3" belongs to group "web" (the name up to its last '/'). */
static size_t group_len(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? (size_t)(slash - name) : strlen(name);
}

static int metric_cmp(const void *x, const void *y)
{
    const struct row *a = *(const struct row *const *)x, *b = *(const struct row *const *)y;
    int c = natcmp(a->metric, b->metric);
    return c ? c : natcmp(a->name, b->name);
}

/* One block for the rows v[0..n) of one group of targets: per metric, mean, min, max. */
static void print_group(const struct row **v, int n, int wm, FILE *f)
{
    int members = 1;
    for (int i = 1; i < n; i++)
        members += strcmp(v[i]->name, v[i - 1]->name) != 0;
    fprintf(f, "%s %.*s/* (%d target%s: mean, min, max)\n", v[0]->scope,
            (int)group_len(v[0]->name), v[0]->name, members, members == 1 ? "" : "s");
    const struct row **by = xmalloc((size_t)n * sizeof *by);
    memcpy(by, v, (size_t)n * sizeof *by);
    qsort(by, (size_t)n, sizeof *by, metric_cmp);
    for (int i = 0; i < n;) {
        int j = i;
        double sum = 0, lo = (double)INFINITY, hi = -(double)INFINITY;
        int k = 0;
        for (; j < n && !strcmp(by[j]->metric, by[i]->metric); j++) {
            double x = by[j]->value;
            if (isnan(x))
                continue;
            sum += x;
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
            k++;
        }
        char m[64], a[64], b[64];
        const char *unit;
        summary_format(by[i]->metric, k ? sum / k : (double)NAN, m, sizeof m, &unit);
        summary_format(by[i]->metric, k ? lo : (double)NAN, a, sizeof a, &unit);
        summary_format(by[i]->metric, k ? hi : (double)NAN, b, sizeof b, &unit);
        fprintf(f, "  %-*s  %12s  %12s  %12s%s%s\n", wm, by[i]->metric, m, a, b,
                *unit ? " " : "", unit);
        i = j;
    }
    free(by);
}

void summary_print_table_folded(const struct summary *s, FILE *f)
{
    const struct row **v = sorted(s);
    int wm = 0, wv = 0;
    char num[64];
    const char *unit;
    for (int i = 0; i < s->n; i++) {
        int l = (int)strlen(v[i]->metric);
        wm = l > wm ? l : wm;
        fmt_value(v[i], num, sizeof num, &unit);
        l = (int)strlen(num);
        wv = l > wv ? l : wv;
    }
    for (int i = 0; i < s->n;) {
        const struct row *r = v[i];
        if (i)
            fputc('\n', f);
        if (!strcmp(r->scope, "target")) {
            size_t g = group_len(r->name);
            int j = i;
            while (j < s->n && !strcmp(v[j]->scope, "target") && group_len(v[j]->name) == g &&
                   !strncmp(v[j]->name, r->name, g))
                j++;
            print_group(v + i, j - i, wm, f);
            i = j;
            continue;
        }
        fprintf(f, "%s%s%s\n", r->scope, *r->name ? " " : "", r->name);
        for (; i < s->n && !strcmp(v[i]->scope, r->scope) && !strcmp(v[i]->name, r->name); i++) {
            fmt_value(v[i], num, sizeof num, &unit);
            fprintf(f, "  %-*s  %*s%s%s\n", wm, v[i]->metric, wv, num, *unit ? " " : "", unit);
        }
    }
    free(v);
}
