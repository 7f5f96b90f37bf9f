/*
 * The script of a folder written by `elbsim compare`, from compare.csv (one row per metric
 * and variant, `kind` mean, and per metric and variant other than the baseline, `kind`
 * difference: variant - baseline paired per replication, with its verdict):
 *
 *   means.png    one panel per metric: each variant's mean and confidence interval, the
 *                baseline in blue, the values written beside them
 *   forest.png   one panel per metric: each variant's paired difference from the baseline
 *                and its interval, coloured by its verdict (significant, not, no claim,
 *                identical or below the histogram's resolution, exact), the unpaired
 *                (Welch) interval of the same runs thin and gray below it for contrast, a
 *                dashed line at 0, and the difference, interval and verdict written beside
 *                it ("(Holm: not kept)" when Holm-Bonferroni drops a significant one)
 *
 * Values are in the unit the tables show (summary_unit), the metric named under its panel.
 * Variants are rows, the first at the top; their names and the values are `set label` / tic
 * strings, so any text is safe.
 * `pair` rows (--pairs) are not drawn.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* One row of compare.csv that is drawn. */
struct crow {
    int r;                  /* its row in the table */
    struct plot_est e;      /* shown unit */
    struct plot_est welch;  /* the unpaired interval (differences); NAN when absent */
    int cls;                /* verdict class (differences) */
};

/* The verdict classes, as coloured and named in the key. */
enum { V_SIGNIFICANT, V_NOT_KEPT, V_EXACT, V_NOT, V_CONSTANT, V_NONE, V_NCLASSES };
static const struct {
    unsigned rgb;
    const char *name;
} vclass[V_NCLASSES] = {
    {0xd7191c, "significant"},
    {0xfdae61, "significant, not kept by Holm-Bonferroni"},
    {0x000000, "exact (certain, nothing to estimate)"},
    {0x2c7bb6, "not significant"},
    {0x9e9ac8, "constant: no claim"},
    {0xaaaaaa, "identical, below resolution or no verdict"},
};

#define WELCH_KEY "unpaired (Welch) interval of the same runs"

/* A metric and its drawn rows, in file order. */
struct cmetric {
    struct plot_metric m;
    struct crow *mean, *diff;
    int nmean, ndiff;
};

struct compare {
    const struct plot_table *t;
    struct cmetric *m;
    int nm;
    int c_variant, c_baseline, c_verdict;
    const char *baseline;    /* the first difference's baseline; NULL without one */
    double confidence;       /* 0.95; NAN when not stated */
    size_t longest;          /* the longest variant name, for the left margin */
};

static struct cmetric *metric_of(struct compare *c, const char *name)
{
    for (int k = 0; k < c->nm; k++)
        if (!strcmp(c->m[k].m.name, name))
            return &c->m[k];
    struct cmetric *cm = &c->m[c->nm++];
    plot_metric_init(&cm->m, name);
    return cm;
}

static int verdict_class(const char *verdict, const char *sig, const char *holm)
{
    if (!strcmp(verdict, "exact"))
        return V_EXACT;
    if (!strcmp(verdict, "significant"))
        return !strcmp(sig, "1") && !strcmp(holm, "0") ? V_NOT_KEPT : V_SIGNIFICANT;
    if (!strcmp(verdict, "not_significant"))
        return V_NOT;
    if (!strcmp(verdict, "constant"))
        return V_CONSTANT;
    return V_NONE;
}

/* The rows of t into c; the header has been checked. */
static void compare_build(struct compare *c, const struct plot_table *t, int c_metric,
                          int c_kind, int c_mean, int c_lo, int c_hi)
{
    int c_sig = plot_csv_table_col(t, "significant"),
        c_holm = plot_csv_table_col(t, "holm_significant"),
        c_ulo = plot_csv_table_col(t, "unpaired_ci_low"),
        c_uhi = plot_csv_table_col(t, "unpaired_ci_high"),
        c_conf = plot_csv_table_col(t, "confidence");
    c->t = t;
    c->m = xcalloc((size_t)t->nrows, sizeof *c->m);
    c->nm = 0;
    c->baseline = NULL;
    c->confidence = (double)NAN;
    c->longest = 0;
    for (int r = 1; r < t->nrows; r++) {
        char **row = t->cells[r];
        bool mean = !strcmp(row[c_kind], "mean"), diff = !strcmp(row[c_kind], "difference");
        if (!mean && !diff)
            continue;
        struct cmetric *cm = metric_of(c, row[c_metric]);
        double s = cm->m.scale, v = plot_csv_table_num(t, r, c_mean);
        double lo = plot_csv_table_num(t, r, c_lo), hi = plot_csv_table_num(t, r, c_hi);
        struct crow cr = {r, {v * s, (isfinite(lo) ? lo : v) * s, (isfinite(hi) ? hi : v) * s},
                          {(double)NAN, (double)NAN, (double)NAN}, V_NONE};
        if (isfinite(plot_csv_table_num(t, r, c_conf)))
            c->confidence = plot_csv_table_num(t, r, c_conf);
        size_t len = strlen(row[c->c_variant]);
        if (mean) {
            cm->mean = xrealloc(cm->mean, (size_t)(cm->nmean + 1) * sizeof *cm->mean);
            cm->mean[cm->nmean++] = cr;
            c->longest = len > c->longest ? len : c->longest;
            continue;
        }
        lo = plot_csv_table_num(t, r, c_ulo);
        hi = plot_csv_table_num(t, r, c_uhi);
        if (isfinite(lo) && isfinite(hi))
            cr.welch = (struct plot_est){v * s, lo * s, hi * s};
        cr.cls = verdict_class(c->c_verdict >= 0 ? row[c->c_verdict] : "",
                               c_sig >= 0 ? row[c_sig] : "", c_holm >= 0 ? row[c_holm] : "");
        if (!c->baseline)
            c->baseline = row[c->c_baseline];
        /* "variant - baseline" on the axis */
        len += 3 + strlen(row[c->c_baseline]);
        c->longest = len > c->longest ? len : c->longest;
        cm->diff = xrealloc(cm->diff, (size_t)(cm->ndiff + 1) * sizeof *cm->diff);
        cm->diff[cm->ndiff++] = cr;
    }
}

static void compare_free(struct compare *c)
{
    for (int k = 0; k < c->nm; k++) {
        free(c->m[k].mean);
        free(c->m[k].diff);
    }
    free(c->m);
}

/* Rows with a finite mean, counted. */
static int drawn(const struct crow *rows, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += isfinite(rows[i].e.mean);
    return k;
}

/* "95 %" of the confidence, or "" when unknown. */
static void confidence_text(char *buf, size_t n, double conf)
{
    if (isfinite(conf))
        snprintf(buf, n, "%g %% ", 100 * conf);
    else
        buf[0] = '\0';
}

/* An x range holding every interval (and 0 when zero), with a little room at both ends. */
static void put_xrange(FILE *f, const struct crow *rows, int n, bool zero)
{
    double lo = zero ? 0 : (double)INFINITY, hi = zero ? 0 : -(double)INFINITY;
    for (int i = 0; i < n; i++) {
        const struct plot_est *e[2] = {&rows[i].e, &rows[i].welch};
        for (int k = 0; k < 2; k++) {
            if (isfinite(e[k]->lo) && e[k]->lo < lo)
                lo = e[k]->lo;
            if (isfinite(e[k]->hi) && e[k]->hi > hi)
                hi = e[k]->hi;
        }
    }
    double pad = hi > lo ? 0.05 * (hi - lo) : fabs(hi) > 0 ? 0.05 * fabs(hi) : 1;
    fprintf(f, "set xrange [%.10g:%.10g]\n", lo - pad, hi + pad);
}

/* The rows' names on the y axis, the first at the top (y = n - 1). */
static void put_row_tics(FILE *f, const struct compare *c, const struct crow *rows, int n,
                         bool diff)
{
    fputs("set ytics (", f);
    for (int i = 0; i < n; i++) {
        char name[512];
        const char *const *row = (const char *const *)c->t->cells[rows[i].r];
        if (diff)
            snprintf(name, sizeof name, "%s - %s", row[c->c_variant], row[c->c_baseline]);
        else
            snprintf(name, sizeof name, "%s", row[c->c_variant]);
        fputs(i ? ", " : "", f);
        plot_gp_quoted(f, name);
        fprintf(f, " %d", n - 1 - i);
    }
    fprintf(f, ")\nset yrange [-0.7:%d.7]\n", n - 1);
}

/* "50.78 [50.50, 51.05]" at the right of row i, with more text after it. */
static void put_value_label(FILE *f, int label, const struct plot_est *e, int y,
                            const char *more)
{
    char text[256], a[32], b[32], d[32];
    plot_num(a, sizeof a, e->mean);
    plot_num(b, sizeof b, e->lo);
    plot_num(d, sizeof d, e->hi);
    snprintf(text, sizeof text, "%s [%s, %s]%s%s", a, b, d, *more ? "  " : "", more);
    fprintf(f, "set label %d ", label);
    plot_gp_dquoted(f, text);
    fprintf(f, " at graph 1.02, first %d left\n", y);
}

/* Margins for the rows' names (left) and the values written beside them (right): about
 * 8 pixels a character. */
static int left_px(const struct compare *c)
{
    size_t n = c->longest < 60 ? c->longest : 60;
    return 40 + 8 * (int)n;
}

static int right_px(const struct compare *c, bool diff)
{
    /* "-933.5 [-1332, -535.3]" and, for a difference, two spaces and its verdict */
    size_t n = 24;
    if (diff) {
        size_t v = 0;
        for (int k = 0; k < c->nm; k++)
            for (int i = 0; i < c->m[k].ndiff; i++) {
                const char *t = c->c_verdict >= 0 ? c->t->cells[c->m[k].diff[i].r][c->c_verdict]
                                                  : "";
                size_t len = strlen(*t ? t : "no verdict") +
                             (c->m[k].diff[i].cls == V_NOT_KEPT ? 17 : 0);
                v = len > v ? len : v;
            }
        n += 2 + v;
    }
    return 30 + 8 * (int)(n < 80 ? n : 80);
}

static void put_means(FILE *f, const struct compare *c, struct plot_plan *plan)
{
    int npanels = 0, rows_max = 0;
    for (int k = 0; k < c->nm; k++) {
        int n = drawn(c->m[k].mean, c->m[k].nmean);
        npanels += n > 0;
        rows_max = c->m[k].nmean > rows_max ? c->m[k].nmean : rows_max;
    }
    if (npanels == 0) {
        plot_plan_skipped(plan, "means.png", "no variant's mean has a value");
        return;
    }
    plot_plan_made(plan, "means.png");
    char conf[32], title[512];
    confidence_text(conf, sizeof conf, c->confidence);
    snprintf(title, sizeof title, "Compare: each variant's mean and its %sconfidence interval%s%s",
             conf, c->baseline ? " (blue: the baseline, " : "", c->baseline ? c->baseline : "");
    if (c->baseline)
        strncat(title, ")", sizeof title - strlen(title) - 1);
    fputs("\n# means.png\n", f);
    struct plot_stack st = {npanels, 40 + 40 * rows_max, 75, left_px(c),
                            right_px(c, false), 0};
    plot_gp_stack(f, "means.png", title, &st);
    int label = 0;
    for (int k = 0; k < c->nm; k++) {
        const struct cmetric *cm = &c->m[k];
        if (!drawn(cm->mean, cm->nmean))
            continue;
        fprintf(f, "$mean%d << EOD\n", k + 1);
        for (int i = 0; i < cm->nmean; i++) {
            const struct crow *cr = &cm->mean[i];
            if (!isfinite(cr->e.mean))
                continue;
            const char *v = c->t->cells[cr->r][c->c_variant];
            bool base = c->baseline && !strcmp(v, c->baseline);
            fprintf(f, "%.10g %d %.10g %.10g %u\n", cr->e.mean, cm->nmean - 1 - i, cr->e.lo,
                    cr->e.hi, base ? 0x2c7bb6u : 0x404040u);
        }
        fputs("EOD\nset xlabel ", f);
        plot_gp_quoted(f, cm->m.label);
        fputs("\n", f);
        put_row_tics(f, c, cm->mean, cm->nmean, false);
        put_xrange(f, cm->mean, cm->nmean, false);
        for (int i = 0; i < cm->nmean; i++)
            if (isfinite(cm->mean[i].e.mean))
                put_value_label(f, ++label, &cm->mean[i].e, cm->nmean - 1 - i, "");
        fprintf(f, "plot $mean%d using 1:2:3:4:5 with xerrorbars pt 7 ps 1.5 lw 2 "
                   "lc rgb variable notitle\nunset label\n", k + 1);
    }
    fputs("unset multiplot\nset xlabel\nset ytics autofreq\nset xrange [*:*]\n"
          "set yrange [*:*]\nset key below horizontal\nset key on\n", f);
    plot_gp_terminal(f, 1);
}

static void put_forest(FILE *f, const struct compare *c, struct plot_plan *plan)
{
    int npanels = 0, rows_max = 0;
    bool present[V_NCLASSES] = {false}, welch = false;
    for (int k = 0; k < c->nm; k++) {
        const struct cmetric *cm = &c->m[k];
        npanels += drawn(cm->diff, cm->ndiff) > 0;
        rows_max = cm->ndiff > rows_max ? cm->ndiff : rows_max;
        for (int i = 0; i < cm->ndiff; i++) {
            if (!isfinite(cm->diff[i].e.mean))
                continue;
            present[cm->diff[i].cls] = true;
            welch = welch || isfinite(cm->diff[i].welch.lo);
        }
    }
    if (npanels == 0) {
        plot_plan_skipped(plan, "forest.png", "compare.csv has no paired difference with a "
                                              "value");
        return;
    }
    plot_plan_made(plan, "forest.png");
    int nkeys = welch;
    size_t longest = welch ? strlen(WELCH_KEY) : 0;
    for (int v = 0; v < V_NCLASSES; v++) {
        nkeys += present[v];
        if (present[v] && strlen(vclass[v].name) > longest)
            longest = strlen(vclass[v].name);
    }
    char conf[32], title[512];
    confidence_text(conf, sizeof conf, c->confidence);
    snprintf(title, sizeof title, "Compare: each variant's difference from the baseline %s, "
             "paired per replication (%sconfidence interval), coloured by its verdict",
             c->baseline, conf);
    fputs("\n# forest.png\n", f);
    struct plot_stack st = {npanels, 40 + 40 * rows_max, 75, left_px(c),
                            right_px(c, true), plot_gp_key_rows(nkeys, longest)};
    plot_gp_stack(f, "forest.png", title, &st);
    int label = 0;
    bool first = true;
    for (int k = 0; k < c->nm; k++) {
        const struct cmetric *cm = &c->m[k];
        if (!drawn(cm->diff, cm->ndiff))
            continue;
        int n = cm->ndiff;
        fprintf(f, "$diff%d << EOD\n", k + 1);
        for (int i = 0; i < n; i++) {
            const struct crow *cr = &cm->diff[i];
            if (isfinite(cr->e.mean))
                fprintf(f, "%.10g %d %.10g %.10g %u\n", cr->e.mean, n - 1 - i, cr->e.lo,
                        cr->e.hi, vclass[cr->cls].rgb);
        }
        fputs("EOD\n", f);
        bool has_welch = false;
        for (int i = 0; i < n; i++)
            has_welch = has_welch || (isfinite(cm->diff[i].e.mean) &&
                                      isfinite(cm->diff[i].welch.lo));
        if (has_welch) {
            fprintf(f, "$welch%d << EOD\n", k + 1);
            for (int i = 0; i < n; i++) {
                const struct crow *cr = &cm->diff[i];
                if (isfinite(cr->e.mean) && isfinite(cr->welch.lo))
                    fprintf(f, "%.10g %.10g %.10g %.10g\n", cr->welch.mean, n - 1 - i - 0.28,
                            cr->welch.lo, cr->welch.hi);
            }
            fputs("EOD\n", f);
        }
        fputs("set xlabel ", f);
        plot_gp_quoted(f, cm->m.label);
        fputs("\n", f);
        put_row_tics(f, c, cm->diff, n, true);
        put_xrange(f, cm->diff, n, true);
        for (int i = 0; i < n; i++) {
            const struct crow *cr = &cm->diff[i];
            if (!isfinite(cr->e.mean))
                continue;
            char verdict[160];
            const char *v = c->c_verdict >= 0 ? c->t->cells[cr->r][c->c_verdict] : "";
            snprintf(verdict, sizeof verdict, "%s%s", *v ? v : "no verdict",
                     cr->cls == V_NOT_KEPT ? " (Holm: not kept)" : "");
            for (char *u = verdict; *u; u++)
                *u = *u == '_' ? ' ' : *u;
            put_value_label(f, ++label, &cr->e, n - 1 - i, verdict);
        }
        fputs("set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb 'gray30' back\n"
              "plot ", f);
        if (has_welch)
            fprintf(f, "$welch%d using 1:2:3:4 with xerrorbars pt 0 lw 1 lc rgb 'gray60' "
                       "notitle, \\\n     ", k + 1);
        fprintf(f, "$diff%d using 1:2:3:4:5 with xerrorbars pt 7 ps 1.5 lw 2 lc rgb variable "
                   "notitle", k + 1);
        /* The key, drawn once: a title per verdict class present, and the unpaired bar. */
        for (int v = 0; first && v < V_NCLASSES; v++)
            if (present[v])
                fprintf(f, ", \\\n     NaN with points pt 7 ps 1.5 lc rgb '#%06x' title '%s'",
                        vclass[v].rgb, vclass[v].name);
        if (first && welch)
            fputs(", \\\n     NaN with lines lw 1 lc rgb 'gray60' title '" WELCH_KEY "'", f);
        fputs("\nunset label\nunset arrow\n", f);
        if (first)
            fputs("set key off\n", f);
        first = false;
    }
    fputs("unset multiplot\nset xlabel\nset ytics autofreq\nset xrange [*:*]\n"
          "set yrange [*:*]\nset key below horizontal\nset key on\n", f);
    plot_gp_terminal(f, 1);
}

int plot_compare_write(const char *dir, struct plot_plan *plan)
{
    char *csv = text_join_path(dir, PLOT_COMPARE_CSV);
    char *path = text_join_path(dir, PLOT_SCRIPT_NAME);
    plan->source = PLOT_COMPARE_CSV;
    struct plot_table t;
    int rc = plot_csv_table_read(csv, false, &t);
    int c_metric = plot_csv_table_col(&t, "metric"), c_kind = plot_csv_table_col(&t, "kind"),
        c_variant = plot_csv_table_col(&t, "variant"),
        c_baseline = plot_csv_table_col(&t, "baseline"),
        c_mean = plot_csv_table_col(&t, "mean"), c_lo = plot_csv_table_col(&t, "ci_low"),
        c_hi = plot_csv_table_col(&t, "ci_high");
    if (rc == 0 && (c_metric < 0 || c_kind < 0 || c_variant < 0 || c_baseline < 0 ||
                    c_mean < 0 || c_lo < 0 || c_hi < 0)) {
        diag_error(NULL, "%s: expected the header of `elbsim compare` (metric,unit,kind,"
                   "variant,baseline,reps,mean,sd,ci_low,ci_high,...)", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc == 0 && t.nrows < 2) {
        diag_error(NULL, "%s: no data rows", csv);
        rc = PLOT_ERR_DATA;
    }
    if (rc)
        goto out_table;
    struct compare c = {.c_variant = c_variant, .c_baseline = c_baseline,
                        .c_verdict = plot_csv_table_col(&t, "verdict")};
    compare_build(&c, &t, c_metric, c_kind, c_mean, c_lo, c_hi);

    struct plot_gp gp;
    if ((rc = plot_gp_open(&gp, path)) != 0)
        goto out_compare;
    fputs("# elbsim plots of a comparison, written by `elbsim plot` from " PLOT_COMPARE_CSV
          ".\n# Rerun by hand from this folder with: gnuplot " PLOT_SCRIPT_NAME "\n",
          gp.f);
    plot_gp_terminal(gp.f, 1);
    fputs("set grid\nset key below\n", gp.f);
    put_means(gp.f, &c, plan);
    put_forest(gp.f, &c, plan);
    rc = plot_gp_finish(&gp, plan);
out_compare:
    compare_free(&c);
out_table:
    plot_csv_table_free(&t);
    free(csv);
    free(path);
    return rc;
}
