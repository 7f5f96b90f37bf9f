#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream, posix_spawnp */
#endif
#include "analysis/plot.h"

#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csv.h>

#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

extern char **environ;

#define CSV_NAME "timeseries_wide.csv"
#define SCRIPT_NAME "plots.gp"
#define LEGEND_MAX 16 /* more series than this: the legend would hide the plot */

/* ---- reading the header ------------------------------------------------------------ */

/* What the plots need from the CSV, gathered in one pass by libcsv's callbacks: the
 * labels, which columns hold any value, and the times of the first, second and last
 * rows.  Memory O(columns). */
struct head {
    char **cols;     /* labels, owned; cols[0] is time_s */
    bool *has_data;  /* has_data[i]: column i has a non-empty cell in some row */
    int ncols, cap;
    int records;     /* complete records seen (header included) */
    int field;       /* field number within the current record */
    double t[2];     /* s, time of data rows 1 and 2 */
    double t_last;   /* s, time of the last row */
};

static void on_field(void *s, size_t len, void *data)
{
    struct head *h = data;
    const char *text = s ? s : "";
    if (h->records == 0) {
        if (h->ncols == h->cap) {
            h->cap = h->cap ? 2 * h->cap : 32;
            h->cols = xrealloc(h->cols, (size_t)h->cap * sizeof *h->cols);
        }
        h->cols[h->ncols++] = xstrdup(text);
    } else {
        if (h->field < h->ncols && len > 0)
            h->has_data[h->field] = true;
        if (h->field == 0) {
            double t = len > 0 ? strtod(text, NULL) : (double)NAN;
            if (h->records <= 2)
                h->t[h->records - 1] = t;
            h->t_last = t;
        }
    }
    h->field++;
}

static void on_record(int c, void *data)
{
    struct head *h = data;
    (void)c;
    if (h->records == 0)
        h->has_data = xcalloc((size_t)h->ncols + 1, sizeof *h->has_data);
    h->records++;
    h->field = 0;
}

static void head_free(struct head *h)
{
    for (int i = 0; i < h->ncols; i++)
        free(h->cols[i]);
    free(h->cols);
    free(h->has_data);
}

/* Read path in one pass (O(file) time, O(columns) memory).  Returns 0 or a PLOT_ERR_*. */
static int head_read(const char *path, struct head *h)
{
    memset(h, 0, sizeof *h);
    h->t[0] = h->t[1] = h->t_last = (double)NAN;
    FILE *f = fopen(path, "r");
    if (!f) {
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
        if (csv_parse(&p, buf, n, on_field, on_record, h) != n) {
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
    csv_fini(&p, on_field, on_record, h); /* a last row without "\n" */
    if (h->ncols < 2 || strcmp(h->cols[0], "time_s")) {
        diag_error(NULL, "%s: expected a header `time_s,<scope>.<name>.<metric>,...`", path);
        rc = PLOT_ERR_DATA;
    } else if (h->records < 2) {
        diag_error(NULL, "%s: no data rows (did the run last at least one interval?)", path);
        rc = PLOT_ERR_DATA;
    }
out_fini:
    csv_free(&p);
out_close:
    fclose(f);
    return rc;
}

/* Split "scope.name.metric" (name may contain dots) and test scope and metric; NULL
 * scope or metric matches anything.  On a match *name / *name_len give the name. */
static bool label_is(const char *label, const char *scope, const char *metric,
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

/* ---- writing the script -------------------------------------------------------------- */

/* A gnuplot single-quoted string: nothing is special inside except '' for a quote. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* One curve: column col (1-based) times scale, on the right-hand axis when y2. */
struct curve {
    int col;
    double scale;
    bool y2;
    char title[160];
};

/* The curves of one figure; c has room for one per column.  Columns that match but hold
 * no value at all are counted, not drawn: gnuplot stops the whole script at a plot
 * without a single valid point. */
struct figure {
    struct curve *c;
    int n;               /* curves drawn */
    int matched;         /* columns that matched, with or without data */
    const bool *has_data; /* per column (0-based), from struct head */
};

static void add_curve(struct figure *fig, int col, double scale, bool y2, const char *name,
                      int name_len, const char *what)
{
    fig->matched++;
    if (!fig->has_data[col - 1])
        return;
    struct curve *c = &fig->c[fig->n++];
    c->col = col;
    c->scale = scale;
    c->y2 = y2;
    snprintf(c->title, sizeof c->title, "%.*s%s%s", name_len, name, *what ? " " : "", what);
}

/* The time axis: seconds for short runs, minutes or hours for long ones. */
struct xaxis {
    double div;        /* time_s / div is plotted */
    const char *label;
};

static struct xaxis xaxis_for(double t_last)
{
    if (t_last > 3 * 3600.0)
        return (struct xaxis){3600, "simulated time (hours)"};
    if (t_last > 15 * 60.0)
        return (struct xaxis){60, "simulated time (minutes)"};
    return (struct xaxis){1, "simulated time (s)"};
}

/* "per 1 s interval", or "per interval" when the interval is unknown. */
static void interval_text(char *buf, size_t n, double interval_s)
{
    if (isfinite(interval_s) && interval_s > 0)
        snprintf(buf, n, "per %g s interval", interval_s);
    else
        snprintf(buf, n, "per interval");
}

/* Write one figure: output, titles and the plot command; then undo its settings. */
static void put_figure(FILE *f, const char *png, const char *title, const char *ylabel,
                       const char *y2label, bool logy, const struct xaxis *x,
                       const struct figure *fig)
{
    fprintf(f, "\n# %s\nset yrange [%s:*]\nset output ", png, logy ? "*" : "0");
    put_quoted(f, png);
    fprintf(f, "\nset title ");
    if (fig->n > LEGEND_MAX) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s (%d series; legend omitted)", title, fig->n);
        put_quoted(f, buf);
        fprintf(f, "\nset key off");
    } else {
        put_quoted(f, title);
        fprintf(f, "\nset key on");
    }
    fprintf(f, "\nset xlabel ");
    put_quoted(f, x->label);
    fprintf(f, "\nset ylabel ");
    put_quoted(f, ylabel);
    fputc('\n', f);
    if (logy)
        fprintf(f, "set logscale y\n");
    if (y2label) {
        fprintf(f, "set ytics nomirror\nset y2tics\nset y2range [0:1<*]\nset y2label ");
        put_quoted(f, y2label);
        fputc('\n', f);
    }
    fprintf(f, "plot ");
    for (int i = 0; i < fig->n; i++) {
        const struct curve *c = &fig->c[i];
        if (i)
            fprintf(f, ", \\\n     ");
        if (x->div != 1)
            fprintf(f, "data skip 1 using (column(1)/%g):", x->div);
        else
            fprintf(f, "data skip 1 using 1:");
        if (c->scale != 1)
            fprintf(f, "(column(%d)*%g)", c->col, c->scale);
        else
            fprintf(f, "%d", c->col);
        fprintf(f, " axes x1%s with lines lw 2 title ", c->y2 ? "y2" : "y1");
        put_quoted(f, c->title);
    }
    fputc('\n', f);
    if (logy)
        fprintf(f, "unset logscale y\n");
    if (y2label)
        fprintf(f, "set ytics mirror\nunset y2tics\nunset y2label\n");
}

static void put_preamble(FILE *f)
{
    fputs("# elbsim plots of this output folder, written by `elbsim plot`.\n"
          "# Rerun by hand from this folder with: gnuplot " SCRIPT_NAME "\n"
          "# Columns are referred to by number: see the header of " CSV_NAME ".\n"
          "set datafile separator comma\n"
          "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
          "    set terminal pngcairo size 1200,700 noenhanced font 'Sans,11'\n"
          "} else {\n"
          "    set terminal png size 1200,700 noenhanced\n"
          "}\n"
          "data = '" CSV_NAME "'\n"
          "set grid\n"
          "set key below\n",
          f);
}

/* Record the outcome of one figure in plan; true when it is to be drawn. */
static bool plan_figure(struct plot_plan *plan, const char *png, const struct figure *fig)
{
    if (fig->n) {
        plan->made[plan->nmade++] = png;
        return true;
    }
    plan->skipped_why[plan->nskipped] = fig->matched ? "its columns hold no values"
                                                     : "its columns are not in the CSV";
    plan->skipped[plan->nskipped++] = png;
    return false;
}

/* Build the whole script into f, recording the figures in plan. */
static void put_script(FILE *f, const struct head *h, struct plot_plan *plan)
{
    char per[64], title[256], y2[128];
    interval_text(per, sizeof per, plan->interval_s);
    struct xaxis x = xaxis_for(h->t_last);
    struct figure fig = {xmalloc((size_t)h->ncols * sizeof *fig.c), 0, 0, h->has_data};
    const char *name;
    int nl;
    put_preamble(f);

    static const char *const pct[][2] = {
        {"latency_p50_s", "p50"}, {"latency_p90_s", "p90"}, {"latency_p99_s", "p99"}};
    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        for (int k = 0; k < 3; k++)
            if (label_is(h->cols[i], "workload", pct[k][0], &name, &nl))
                add_curve(&fig, i + 1, 1000, false, name, nl, pct[k][1]);
    if (plan_figure(plan, "latency.png", &fig)) {
        snprintf(title, sizeof title,
                 "Client-observed latency percentiles %s (p50 = median; p99 = 1 request "
                 "in 100 is slower)", per);
        put_figure(f, "latency.png", title, "latency (ms, log scale)", NULL, true, &x, &fig);
    }

    fig.n = fig.matched = 0;
    bool counts = false;
    for (int i = 1; i < h->ncols; i++) {
        if (label_is(h->cols[i], "workload", "throughput_rps", &name, &nl))
            add_curve(&fig, i + 1, 1, false, name, nl, "completed (req/s)");
        else if (label_is(h->cols[i], "workload", "errors", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "errors (right axis)");
        else if (label_is(h->cols[i], "workload", "timeouts", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "timeouts (right axis)");
    }
    for (int i = 0; i < fig.n; i++)
        counts = counts || fig.c[i].y2;
    if (plan_figure(plan, "throughput.png", &fig)) {
        snprintf(title, sizeof title, "Completed requests per second, errors and timeouts, %s",
                 per);
        snprintf(y2, sizeof y2, "failed requests (count %s)", per);
        put_figure(f, "throughput.png", title, "throughput (requests per second)",
                   counts ? y2 : NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        if (label_is(h->cols[i], "target", "utilization", &name, &nl))
            add_curve(&fig, i + 1, 100, false, name, nl, "");
    if (plan_figure(plan, "utilization.png", &fig)) {
        snprintf(title, sizeof title,
                 "CPU utilization of each target (share of its vCPUs busy), %s", per);
        put_figure(f, "utilization.png", title, "utilization (%)", NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++) {
        if (label_is(h->cols[i], NULL, "in_flight", &name, &nl)) {
            /* any scope: titled "lb front in flight", "workload shoppers in flight" */
            char who[128];
            snprintf(who, sizeof who, "%.*s %.*s", (int)(name - 1 - h->cols[i]), h->cols[i],
                     nl, name);
            add_curve(&fig, i + 1, 1, false, who, (int)strlen(who), "in flight");
        } else if (label_is(h->cols[i], "target", "queue_length", &name, &nl)) {
            add_curve(&fig, i + 1, 1, false, name, nl, "queued");
        }
    }
    if (plan_figure(plan, "inflight.png", &fig)) {
        snprintf(title, sizeof title,
                 "Requests in flight (accepted, not yet answered) and waiting in target queues, "
                 "%s", per);
        put_figure(f, "inflight.png", title, "requests", NULL, false, &x, &fig);
    }
    free(fig.c);
}

/* Write text to path through a temporary in the same folder and a rename. */
static int write_atomic(const char *path, const char *text, size_t len)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t n = strlen(path);
    char *tmp = xmalloc(n + sizeof suffix);
    memcpy(tmp, path, n);
    memcpy(tmp + n, suffix, sizeof suffix);
    int rc = PLOT_ERR_IO;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_error(NULL, "cannot create '%s': %s", tmp, strerror(errno));
        goto out_free;
    }
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        diag_error(NULL, "cannot open '%s': %s", tmp, strerror(errno));
        close(fd);
        goto out_unlink;
    }
    errno = 0;
    bool ok = fchmod(fd, 0666 & ~mask) == 0 && fwrite(text, 1, len, f) == len &&
              fflush(f) == 0;
    if (fclose(f) != 0 || !ok) {
        diag_error(NULL, "cannot write '%s': %s", tmp, strerror(errno ? errno : EIO));
        goto out_unlink;
    }
    if (rename(tmp, path) != 0) {
        diag_error(NULL, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        goto out_unlink;
    }
    rc = 0;
    goto out_free;

out_unlink:
    unlink(tmp);
out_free:
    free(tmp);
    return rc;
}


/* ---- sweeps: the Pareto front and a heat map (sweep.csv from `elbsim sweep`) ---------- */

#define SWEEP_CSV "sweep.csv"

/* sweep.csv read whole: cells[row][col] (row 0 the header).  Small: points x metrics. */
struct table {
    char ***cells;
    int *ncells;
    int nrows, cap;
    int field;
};

static void tab_field(void *s, size_t len, void *data)
{
    struct table *t = data;
    (void)len;
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->cells = xrealloc(t->cells, (size_t)t->cap * sizeof *t->cells);
        t->ncells = xrealloc(t->ncells, (size_t)t->cap * sizeof *t->ncells);
    }
    if (t->field == 0) {
        t->cells[t->nrows] = NULL;
        t->ncells[t->nrows] = 0;
    }
    int n = t->ncells[t->nrows];
    t->cells[t->nrows] = xrealloc(t->cells[t->nrows], (size_t)(n + 1) * sizeof **t->cells);
    t->cells[t->nrows][n] = xstrdup(s ? s : "");
    t->ncells[t->nrows] = n + 1;
    t->field++;
}

static void tab_record(int c, void *data)
{
    struct table *t = data;
    (void)c;
    if (t->field > 0)
        t->nrows++;
    t->field = 0;
}

static void tab_free(struct table *t)
{
    for (int r = 0; r < t->nrows + (t->field > 0); r++) {
        for (int c = 0; c < t->ncells[r]; c++)
            free(t->cells[r][c]);
        free(t->cells[r]);
    }
    free(t->cells);
    free(t->ncells);
}

static int tab_read(const char *path, struct table *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
        return PLOT_ERR_IO;
    }
    struct csv_parser p;
    int rc = 0;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(f);
        return PLOT_ERR_IO;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, tab_field, tab_record, t) != n) {
            diag_error(NULL, "%s: malformed CSV: %s", path, csv_strerror(csv_error(&p)));
            rc = PLOT_ERR_DATA;
            break;
        }
    if (rc == 0)
        csv_fini(&p, tab_field, tab_record, t);
    csv_free(&p);
    fclose(f);
    return rc;
}

static int tab_col(const struct table *t, const char *name)
{
    for (int c = 0; t->nrows > 0 && c < t->ncells[0]; c++)
        if (!strcmp(t->cells[0][c], name))
            return c;
    return -1;
}

/* One point of the sweep: its factor values and the front's two means. */
struct sweep_point {
    int row;           /* a row of the point, for its factor values */
    double x, y, ylo, yhi;
    bool pareto;
};

static int by_x(const void *a, const void *b)
{
    const struct sweep_point *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return (p->row > q->row) - (p->row < q->row);
}

/* Index of s among the distinct values seen so far (appended when new). */
static int category(char ***vals, int *n, const char *s)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp((*vals)[i], s))
            return i;
    *vals = xrealloc(*vals, (size_t)(*n + 1) * sizeof **vals);
    (*vals)[*n] = (char *)s;
    return (*n)++;
}

static void put_tics(FILE *f, const char *axis, char **vals, int n)
{
    fprintf(f, "set %stics (", axis);
    for (int i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        put_quoted(f, vals[i]);
        fprintf(f, " %d", i);
    }
    fputs(")\n", f);
}

static int sweep_script(const char *dir, struct plot_plan *plan)
{
    char *csv = text_join_path(dir, SWEEP_CSV);
    char *gp = text_join_path(dir, SCRIPT_NAME);
    struct table t;
    int rc = tab_read(csv, &t);
    int c_metric = tab_col(&t, "metric"), c_mean = tab_col(&t, "mean"),
        c_lo = tab_col(&t, "ci_low"), c_hi = tab_col(&t, "ci_high"),
        c_front = tab_col(&t, "front"), c_pareto = tab_col(&t, "pareto"),
        c_point = tab_col(&t, "point");
    if (rc == 0 && (c_point != 0 || c_metric < 1 || c_mean < 0 || c_front < 0 || c_pareto < 0 ||
                    c_lo < 0 || c_hi < 0)) {
        diag_error(NULL, "%s: expected the header of `elbsim sweep` (point,<paths>,metric,reps,"
                   "mean,...,front,pareto,meets_slo)", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc == 0 && t.nrows < 2) {
        diag_error(NULL, "%s: no data rows", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc)
        goto out;
    int nf = c_metric - 1, ncols = t.ncells[0];
    struct sweep_point *pt = xcalloc((size_t)t.nrows, sizeof *pt);
    int np = 0;
    const char *xname = "x", *yname = "y";
    for (int r = 1; r < t.nrows; r++) {
        char **row = t.cells[r];
        if (t.ncells[r] < ncols)
            continue;
        int p = atoi(row[0]);
        if (p < 0 || p >= t.nrows)
            continue;
        if (p >= np) {
            for (int q = np; q <= p; q++)
                pt[q] = (struct sweep_point){-1, NAN, NAN, NAN, NAN, false};
            np = p + 1;
        }
        pt[p].row = r;
        pt[p].pareto = !strcmp(row[c_pareto], "1");
        double mean = *row[c_mean] ? strtod(row[c_mean], NULL) : (double)NAN;
        if (!strcmp(row[c_front], "x")) {
            pt[p].x = mean;
            xname = row[c_metric];
        } else if (!strcmp(row[c_front], "y")) {
            pt[p].y = mean;
            pt[p].ylo = *row[c_lo] ? strtod(row[c_lo], NULL) : mean;
            pt[p].yhi = *row[c_hi] ? strtod(row[c_hi], NULL) : mean;
            yname = row[c_metric];
        }
    }
    /* Latency in ms when below a second, as in the other plots. */
    double ys = 1, ymax = 0;
    for (int p = 0; p < np; p++)
        if (isfinite(pt[p].y) && pt[p].y > ymax)
            ymax = pt[p].y;
    size_t yl = strlen(yname);
    bool secs = yl > 2 && !strcmp(yname + yl - 2, "_s");
    if (secs && ymax < 1)
        ys = 1000;
    char ylabel[256];
    snprintf(ylabel, sizeof ylabel, "%s%s", yname, secs ? (ys == 1000 ? " (ms)" : " (s)") : "");

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        diag_error(NULL, "cannot build '%s': %s", gp, strerror(errno));
        rc = PLOT_ERR_IO;
        free(pt);
        goto out;
    }
    fputs("# elbsim plots of a sweep, written by `elbsim plot` from " SWEEP_CSV ".\n"
          "# Rerun by hand from this folder with: gnuplot " SCRIPT_NAME "\n"
          "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
          "    set terminal pngcairo size 1200,700 noenhanced font 'Sans,11'\n"
          "} else {\n"
          "    set terminal png size 1200,700 noenhanced\n"
          "}\n"
          "set grid\nset key below\n",
          f);
    /* The points, and the front sorted by x (x, y, ylo, yhi, label). */
    struct sweep_point *front = xmalloc((size_t)(np ? np : 1) * sizeof *front);
    int nfront = 0, nvalid = 0;
    fputs("$points << EOD\n", f);
    for (int p = 0; p < np; p++) {
        if (pt[p].row < 0 || !isfinite(pt[p].x) || !isfinite(pt[p].y))
            continue;
        nvalid++;
        fprintf(f, "%.10g %.10g %.10g %.10g \"", pt[p].x, pt[p].y * ys, pt[p].ylo * ys,
                pt[p].yhi * ys);
        for (int k = 0; k < nf; k++)
            fprintf(f, "%s%s", k ? ", " : "", t.cells[pt[p].row][1 + k]);
        fputs("\"\n", f);
        if (pt[p].pareto)
            front[nfront++] = pt[p];
    }
    fputs("EOD\n$front << EOD\n", f);
    qsort(front, (size_t)nfront, sizeof *front, by_x);
    for (int i = 0; i < nfront; i++) {
        fprintf(f, "%.10g %.10g \"", front[i].x, front[i].y * ys);
        for (int k = 0; k < nf; k++)
            fprintf(f, "%s%s", k ? ", " : "", t.cells[front[i].row][1 + k]);
        fputs("\"\n", f);
    }
    fputs("EOD\n", f);
    if (nvalid > 0) {
        plan->made[plan->nmade++] = "pareto.png";
        char title[512];
        snprintf(title, sizeof title, "Sweep: %s against %s (mean and confidence interval per "
                 "point; line: the Pareto front, both minimised)", yname, xname);
        fputs("\n# pareto.png\nset output 'pareto.png'\nset title ", f);
        put_quoted(f, title);
        fputs("\nset xlabel ", f);
        put_quoted(f, xname);
        fputs("\nset ylabel ", f);
        put_quoted(f, ylabel);
        fputs("\nplot $points using 1:2:3:4 with yerrorbars pt 7 ps 1 lc rgb 'gray50' "
              "title 'point (mean, CI)', \\\n"
              "     $front using 1:2 with linespoints lw 2 pt 7 ps 1.5 lc rgb 'red' "
              "title 'Pareto front', \\\n"
              "     $front using 1:2:3 with labels offset 1,1 left font ',9' notitle\n",
              f);
    } else {
        plan->skipped[plan->nskipped] = "pareto.png";
        plan->skipped_why[plan->nskipped++] = "no point has values of both front metrics";
    }

    /* Heat map of the y metric over the first two varied paths. */
    if (nf == 2 && nvalid > 0) {
        char **v0 = NULL, **v1 = NULL;
        int n0 = 0, n1 = 0;
        fputs("\n$heat << EOD\n", f);
        for (int p = 0; p < np; p++) {
            if (pt[p].row < 0)
                continue;
            int i = category(&v0, &n0, t.cells[pt[p].row][1]);
            int j = category(&v1, &n1, t.cells[pt[p].row][2]);
            if (isfinite(pt[p].y))
                fprintf(f, "%d %d %.10g\n", i, j, pt[p].y * ys);
        }
        fputs("EOD\n", f);
        plan->made[plan->nmade++] = "heatmap.png";
        char title[512];
        snprintf(title, sizeof title, "Sweep: mean %s over %s and %s", ylabel, t.cells[0][1],
                 t.cells[0][2]);
        fputs("\n# heatmap.png\nset output 'heatmap.png'\nset title ", f);
        put_quoted(f, title);
        fputs("\nset xlabel ", f);
        put_quoted(f, t.cells[0][1]);
        fputs("\nset ylabel ", f);
        put_quoted(f, t.cells[0][2]);
        fputc('\n', f);
        put_tics(f, "x", v0, n0);
        put_tics(f, "y", v1, n1);
        fprintf(f, "set xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\nunset grid\n"
                "set cblabel ", n0 - 1, n1 - 1);
        put_quoted(f, ylabel);
        fputs("\nset palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n"
              "plot $heat using 1:2:3 with image notitle, \\\n"
              "     $heat using 1:2:(sprintf('%.4g', $3)) with labels notitle\n",
              f);
        free(v0);
        free(v1);
    } else {
        plan->skipped[plan->nskipped] = "heatmap.png";
        plan->skipped_why[plan->nskipped++] = "a heat map needs exactly two varied paths";
    }
    free(front);
    free(pt);
    if (fclose(f) != 0) {
        diag_error(NULL, "cannot build '%s': %s", gp, strerror(errno));
        rc = PLOT_ERR_IO;
    } else {
        rc = write_atomic(gp, text, len);
    }
    free(text);
out:
    tab_free(&t);
    free(csv);
    free(gp);
    return rc;
}

int plot_write_script(const char *dir, struct plot_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->interval_s = (double)NAN;
    {
        /* A sweep's folder (sweep.csv, no time series): its own plots. */
        char *ts = text_join_path(dir, CSV_NAME), *sw = text_join_path(dir, SWEEP_CSV);
        struct stat st;
        bool sweep = stat(ts, &st) != 0 && stat(sw, &st) == 0;
        free(ts);
        free(sw);
        if (sweep)
            return sweep_script(dir, plan);
    }
    char *csv = text_join_path(dir, CSV_NAME);
    char *gp = text_join_path(dir, SCRIPT_NAME);
    struct head h;
    int rc = head_read(csv, &h);
    if (rc != 0)
        goto out_free;
    if (h.records >= 3)
        plan->interval_s = h.t[1] - h.t[0];

    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        diag_error(NULL, "cannot build '%s': %s", gp, strerror(errno));
        rc = PLOT_ERR_IO;
        goto out_free;
    }
    put_script(mem, &h, plan);
    if (fclose(mem) != 0) {
        diag_error(NULL, "cannot build '%s': %s", gp, strerror(errno));
        rc = PLOT_ERR_IO;
    } else {
        rc = write_atomic(gp, text, len);
    }
    free(text);
out_free:
    head_free(&h);
    free(csv);
    free(gp);
    return rc;
}

/* ---- running gnuplot ------------------------------------------------------------------ */

int plot_run_gnuplot(const char *dir, const char *gnuplot)
{
    if (!gnuplot || !*gnuplot)
        gnuplot = "gnuplot";
    /* gnuplot -e "cd 'DIR'; load 'plots.gp'": DIR quoted for gnuplot (no shell involved). */
    char *cmd = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&cmd, &len);
    if (!mem) {
        diag_error(NULL, "cannot run %s: %s", gnuplot, strerror(errno));
        return PLOT_ERR_IO;
    }
    fputs("cd ", mem);
    put_quoted(mem, dir);
    fputs("; load '" SCRIPT_NAME "'", mem);
    fclose(mem);

    char *argv[] = {(char *)gnuplot, (char *)"-e", cmd, NULL};
    pid_t pid;
    int err = posix_spawnp(&pid, gnuplot, NULL, NULL, argv, environ);
    free(cmd);
    if (err != 0)
        return PLOT_ERR_NO_GNUPLOT;
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            diag_error(NULL, "cannot wait for %s: %s", gnuplot, strerror(errno));
            return PLOT_ERR_GNUPLOT;
        }
    }
    /* 127: the C library could not exec it after the fork (POSIX leaves this open). */
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return PLOT_ERR_NO_GNUPLOT;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char *gp = text_join_path(dir, SCRIPT_NAME);
        if (WIFEXITED(st))
            diag_error(NULL, "%s failed (exit status %d) running '%s'", gnuplot,
                       WEXITSTATUS(st), gp);
        else
            diag_error(NULL, "%s was killed by signal %d running '%s'", gnuplot,
                       WTERMSIG(st), gp);
        free(gp);
        return PLOT_ERR_GNUPLOT;
    }
    return 0;
}
