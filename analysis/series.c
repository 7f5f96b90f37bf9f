#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* getline */
#endif
#include "analysis/series.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/key_index.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

struct series {
    char *scope, *name, *metric; /* owned: one block, from scope */
    double value;                /* current interval's value, valid when has */
    bool has;
};

struct series_set {
    char *dir;           /* owned */
    struct series *v;    /* v[id], n used, cap allocated */
    int n, cap;
    struct key_index index; /* (scope, name, metric) -> id; borrows v[id]'s strings */
    bool open;           /* between series_open and commit/abort */
    struct csvout lng;   /* timeseries.csv */
    struct csvout wide;  /* timeseries_wide.csv (header and body written at commit) */
    struct csvout body;  /* the wide rows as written, each as wide as n was then */
};

struct series_set *series_new(const char *dir)
{
    struct series_set *s = xcalloc(1, sizeof *s);
    s->dir = xstrdup(dir);
    key_index_init(&s->index);
    return s;
}

int series_open(struct series_set *s)
{
    ELB_ASSERT(!s->open);
    char *p_long = text_join_path(s->dir, "timeseries.csv");
    char *p_wide = text_join_path(s->dir, "timeseries_wide.csv");
    char *p_body = text_join_path(s->dir, "timeseries_wide.body");
    int rc = -1;
    if (csvout_open(&s->lng, p_long) != 0)
        goto out_free;
    if (csvout_open(&s->wide, p_wide) != 0)
        goto out_abort_long;
    if (csvout_open(&s->body, p_body) != 0)
        goto out_abort_wide;
    static const char *const head[] = {"time_s", "scope", "name", "metric", "value"};
    for (size_t k = 0; k < sizeof head / sizeof head[0]; k++)
        csvout_str(&s->lng, head[k]);
    csvout_end_row(&s->lng);
    s->open = true;
    rc = 0;
    goto out_free;

out_abort_wide:
    csvout_abort(&s->wide);
out_abort_long:
    csvout_abort(&s->lng);
out_free:
    free(p_long);
    free(p_wide);
    free(p_body);
    return rc;
}

int series_add(struct series_set *s, const char *scope, const char *name, const char *metric)
{
    int id = key_index_find(&s->index, scope, name, metric);
    if (id >= 0)
        return id;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    id = s->n++;
    struct series *e = &s->v[id];
    char *n2, *m2;
    char *s2 = text_dup3(scope, name, metric, &n2, &m2); /* one block per series */
    *e = (struct series){s2, n2, m2, 0.0, false};
    key_index_add(&s->index, e->scope, e->name, e->metric, id);
    return id;
}

void series_reserve(struct series_set *s, int n)
{
    if (n > s->cap) {
        s->cap = n;
        s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    key_index_reserve(&s->index, (size_t)n);
}

int series_count(const struct series_set *s)
{
    return s->n;
}

void series_set(struct series_set *s, int id, double v)
{
    ELB_ASSERT(id >= 0 && id < s->n);
    s->v[id].value = v;
    s->v[id].has = !isnan(v);
}

void series_flush(struct series_set *s, double time_s)
{
    ELB_ASSERT(s->open);
    /* The time opens every long row: its text is made once. */
    char t[CSVOUT_NUM_BUF];
    size_t tn = csvout_num_text(t, time_s);
    csvout_raw(&s->body, t, tn);
    for (int id = 0; id < s->n; id++) {
        struct series *e = &s->v[id];
        if (!e->has) {
            csvout_empty(&s->body);
            continue;
        }
        csvout_raw(&s->lng, t, tn);
        csvout_str(&s->lng, e->scope);
        csvout_str(&s->lng, e->name);
        csvout_str(&s->lng, e->metric);
        csvout_num(&s->lng, e->value);
        csvout_end_row(&s->lng);
        csvout_num(&s->body, e->value);
        e->has = false;
    }
    csvout_end_row(&s->body);
}

/* Column label scope.name.metric, in a buffer the caller frees. */
static char *label(const struct series *e)
{
    size_t a = strlen(e->scope), b = strlen(e->name), c = strlen(e->metric);
    char *p = xmalloc(a + b + c + 3);
    memcpy(p, e->scope, a);
    p[a] = '.';
    memcpy(p + a + 1, e->name, b);
    p[a + 1 + b] = '.';
    memcpy(p + a + b + 2, e->metric, c + 1);
    return p;
}

/* Header, then each body row padded with empty cells to n series.  Body cells are numbers
 * or empty, never quoted, so a row's cell count is its comma count. */
static int write_wide(struct series_set *s)
{
    csvout_str(&s->wide, "time_s");
    for (int id = 0; id < s->n; id++) {
        char *l = label(&s->v[id]);
        csvout_str(&s->wide, l);
        free(l);
    }
    csvout_end_row(&s->wide);

    if (csvout_flush(&s->body) != 0)
        return -1;
    FILE *in = fopen(s->body.tmp_path, "r");
    if (!in) {
        diag_error(NULL, "cannot read '%s': %s", s->body.tmp_path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    while ((len = getline(&line, &cap, in)) > 0) {
        if (line[len - 1] == '\n')
            len--;
        int cells = 0;
        for (ssize_t k = 0; k < len; k++)
            cells += line[k] == ',';
        csvout_raw(&s->wide, line, (size_t)len);
        for (int k = cells; k < s->n; k++)
            csvout_empty(&s->wide);
        csvout_end_row(&s->wide);
    }
    if (ferror(in)) {
        diag_error(NULL, "cannot read '%s': %s", s->body.tmp_path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(in);
    return rc;
}

int series_commit(struct series_set *s)
{
    ELB_ASSERT(s->open);
    s->open = false;
    if (write_wide(s) != 0)
        goto out_abort_all;
    csvout_abort(&s->body); /* only ever a temporary */
    if (csvout_commit(&s->wide) != 0)
        goto out_abort_all;
    if (csvout_commit(&s->lng) != 0)
        goto out_abort_all;
    return 0;

out_abort_all:
    /* A wide file already renamed into place stays: it is complete on its own. */
    csvout_abort(&s->body);
    csvout_abort(&s->wide);
    csvout_abort(&s->lng);
    return -1;
}

void series_abort(struct series_set *s)
{
    if (!s->open)
        return;
    s->open = false;
    csvout_abort(&s->body);
    csvout_abort(&s->wide);
    csvout_abort(&s->lng);
}

void series_free(struct series_set *s)
{
    if (!s)
        return;
    series_abort(s);
    for (int id = 0; id < s->n; id++)
        free(s->v[id].scope); /* the block of all three */
    free(s->v);
    key_index_fini(&s->index);
    free(s->dir);
    free(s);
}
