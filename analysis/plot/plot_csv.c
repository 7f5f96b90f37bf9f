/* Reading the plots' CSV inputs with libcsv, and what the run's figures need of
 * timeseries_wide.csv.  See plot_impl.h. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "analysis/plot/plot_impl.h"
#include "analysis/summary.h"
#include "sim/diag.h"
#include "sim/xalloc.h"

int plot_csv_read(const char *path, bool optional, plot_csv_field_fn *field,
                  plot_csv_record_fn *record, void *data)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (optional && errno == ENOENT)
            return PLOT_CSV_ABSENT;
        diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
        return PLOT_ERR_IO;
    }
    struct csv_parser p;
    int rc = 0;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        diag_error(NULL, "cannot set up the CSV parser for '%s'", path);
        rc = PLOT_ERR_IO;
        goto out_close;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, field, record, data) != n) {
            diag_error(NULL, "%s: malformed CSV: %s", path, csv_strerror(csv_error(&p)));
            rc = PLOT_ERR_DATA;
            goto out_fini;
        }
    }
    if (ferror(f)) {
        diag_error(NULL, "cannot read '%s': %s", path, strerror(errno));
        rc = PLOT_ERR_IO;
        goto out_fini;
    }
    csv_fini(&p, field, record, data); /* a last row without "\n" */
out_fini:
    csv_free(&p);
out_close:
    fclose(f);
    return rc;
}

/* ---- timeseries_wide.csv ------------------------------------------------------------------ */

static void wide_field(void *s, size_t len, void *data)
{
    struct plot_wide *w = data;
    const char *text = s ? s : "";
    if (w->records == 0) {
        if (w->ncols == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 32;
            w->cols = xrealloc(w->cols, (size_t)w->cap * sizeof *w->cols);
        }
        w->cols[w->ncols++] = xstrdup(text);
    } else {
        if (w->field < w->ncols && len > 0)
            w->has_data[w->field] = true;
        if (w->field == 0) {
            double t = len > 0 ? strtod(text, NULL) : (double)NAN;
            if (w->records <= 2)
                w->t[w->records - 1] = t;
            w->t_last = t;
        }
    }
    w->field++;
}

static void wide_record(int c, void *data)
{
    struct plot_wide *w = data;
    (void)c;
    if (w->records == 0)
        w->has_data = xcalloc((size_t)w->ncols + 1, sizeof *w->has_data);
    w->records++;
    w->field = 0;
}

int plot_csv_wide_read(const char *path, struct plot_wide *w)
{
    memset(w, 0, sizeof *w);
    w->t[0] = w->t[1] = w->t_last = (double)NAN;
    int rc = plot_csv_read(path, false, wide_field, wide_record, w);
    if (rc != 0)
        return rc;
    if (w->ncols < 2 || strcmp(w->cols[0], "time_s")) {
        diag_error(NULL, "%s: expected a header `time_s,<scope>.<name>.<metric>,...`", path);
        return PLOT_ERR_DATA;
    }
    if (w->records < 2) {
        diag_error(NULL, "%s: no data rows (did the run last at least one interval?)", path);
        return PLOT_ERR_DATA;
    }
    return 0;
}

void plot_csv_wide_free(struct plot_wide *w)
{
    for (int i = 0; i < w->ncols; i++)
        free(w->cols[i]);
    free(w->cols);
    free(w->has_data);
}

bool plot_csv_has_data(const struct plot_wide *w, int col)
{
    return col > 0 && w->has_data[col - 1];
}

bool plot_csv_label_is(const char *label, const char *scope, const char *metric,
                       const char **name, int *name_len)
{
    const char *d1 = strchr(label, '.'), *d2 = strrchr(label, '.');
    if (!d1 || d2 == d1)
        return false;
    size_t scope_len = (size_t)(d1 - label);
    if (scope && (scope_len != strlen(scope) || strncmp(label, scope, scope_len)))
        return false;
    if (metric && strcmp(d2 + 1, metric))
        return false;
    *name = d1 + 1;
    *name_len = (int)(d2 - d1 - 1);
    return true;
}

/* ---- a small CSV read whole ---------------------------------------------------------------- */

static void table_field(void *s, size_t len, void *data)
{
    struct plot_table *t = data;
    (void)len;
    if (t->field == 0) {
        if (t->nrows == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 64;
            t->cells = xrealloc(t->cells, (size_t)t->cap * sizeof *t->cells);
            t->ncells = xrealloc(t->ncells, (size_t)t->cap * sizeof *t->ncells);
        }
        t->cells[t->nrows] = NULL;
        t->ncells[t->nrows] = 0;
    }
    int n = t->ncells[t->nrows];
    t->cells[t->nrows] = xrealloc(t->cells[t->nrows], (size_t)(n + 1) * sizeof **t->cells);
    t->cells[t->nrows][n] = xstrdup(s ? s : "");
    t->ncells[t->nrows] = n + 1;
    t->field++;
}

static void table_record(int c, void *data)
{
    struct plot_table *t = data;
    (void)c;
    if (t->field == 0)
        return;
    if (t->nrows == 0)
        t->ncols = t->ncells[0];
    else if (t->ncells[t->nrows] != t->ncols && t->bad_row == 0)
        t->bad_row = t->nrows + 1;
    t->nrows++;
    t->field = 0;
}

int plot_csv_table_read(const char *path, bool optional, struct plot_table *t)
{
    memset(t, 0, sizeof *t);
    int rc = plot_csv_read(path, optional, table_field, table_record, t);
    if (rc == 0 && t->bad_row) {
        diag_error(NULL, "%s:%d: %d fields, where the header has %d", path, t->bad_row,
                   t->ncells[t->bad_row - 1], t->ncols);
        rc = PLOT_ERR_DATA;
    }
    if (rc == 0 && t->nrows == 0) {
        diag_error(NULL, "%s: empty file (expected a header and rows)", path);
        rc = PLOT_ERR_DATA;
    }
    return rc;
}

int plot_csv_table_col(const struct plot_table *t, const char *name)
{
    for (int c = 0; t->nrows > 0 && c < t->ncols; c++)
        if (!strcmp(t->cells[0][c], name))
            return c;
    return -1;
}

double plot_csv_table_num(const struct plot_table *t, int row, int col)
{
    if (col < 0 || row <= 0 || row >= t->nrows || !*t->cells[row][col])
        return (double)NAN;
    char *end;
    double v = strtod(t->cells[row][col], &end);
    return *end ? (double)NAN : v;
}

void plot_csv_table_free(struct plot_table *t)
{
    /* A record cut short by a parse error still owns its fields. */
    int rows = t->nrows + (t->field > 0);
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < t->ncells[r]; c++)
            free(t->cells[r][c]);
        free(t->cells[r]);
    }
    free(t->cells);
    free(t->ncells);
    memset(t, 0, sizeof *t);
}

/* ---- metrics of the experiments' CSV files --------------------------------------------------- */

void plot_metric_init(struct plot_metric *m, const char *name)
{
    const char *dot = strrchr(name, '.');
    struct summary_unit u = summary_unit(dot ? dot + 1 : name);
    m->name = name;
    m->scale = u.scale;
    snprintf(m->unit, sizeof m->unit, "%s", u.shown);
    snprintf(m->label, sizeof m->label, "%s (%s)", name, u.shown);
}
