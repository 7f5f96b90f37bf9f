#include "analysis/exp_compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/exp_format.h"
#include "analysis/exp_interval.h"
#include "analysis/stats.h"
#include "analysis/summary.h"
#include "sim/xalloc.h"

/* The differences of metric k that form one family: every point against the baseline
 * (pairs false; d[i] is point others[i] - baseline), or every pair j - i with i < j in
 * (i, j) order.  Returns how many; *a and *b (caller frees) say which points. */
static int family(const struct exp_table *t, const struct exp_metric *m, int k,
                  const struct exp_compare_opts *c, bool pairs, struct exp_diff **out,
                  int **a, int **b)
{
    int np = t->npoints, n = pairs ? np * (np - 1) / 2 : np - 1;
    struct exp_diff *d = xmalloc((size_t)(n ? n : 1) * sizeof *d);
    *a = xmalloc((size_t)(n ? n : 1) * sizeof **a);
    *b = xmalloc((size_t)(n ? n : 1) * sizeof **b);
    int i = 0;
    for (int x = 0; x < np; x++)
        for (int y = pairs ? x + 1 : 0; y < np; y++) {
            if (!pairs && (x != c->baseline || y == c->baseline))
                continue;
            (*a)[i] = x;
            (*b)[i] = y;
            exp_ci_diff(t, m, k, x, y, c->level, &d[i]);
            i++;
        }
    if (!pairs) /* the loop above ran for x == baseline only */
        n = i;
    exp_diff_holm(d, n, 1 - c->level);
    *out = d;
    return n;
}

static void csv_diff(struct csvout *o, const struct exp_metric *m, const char *kind,
                     const char *variant, const char *base, const struct exp_diff *d,
                     double level)
{
    csvout_str(o, m->label);
    csvout_str(o, summary_unit(m->metric).raw);
    csvout_str(o, kind);
    csvout_str(o, variant);
    csvout_str(o, base);
    exp_format_csv_ci(o, &d->paired);
    csvout_str(o, "paired_t");
    int sig = exp_verdict_significant(d->verdict);
    if (sig < 0)
        csvout_empty(o);
    else
        csvout_int(o, sig);
    csvout_str(o, exp_verdict_name(d->verdict));
    csvout_num(o, d->p);
    if (sig < 0)
        csvout_empty(o);
    else
        csvout_int(o, d->holm);
    csvout_num(o, d->unpaired.lo);
    csvout_num(o, d->unpaired.hi);
    csvout_num(o, level);
    csvout_end_row(o);
}

int exp_compare_write_csv(const char *path, const struct exp_design *d,
                          const struct exp_metric *m, const struct exp_table *t,
                          const struct exp_compare_opts *c)
{
    struct csvout o;
    if (csvout_open(&o, path))
        return -1;
    static const char *const cols[] = {
        "metric",  "unit",       "kind",    "variant",          "baseline", "reps",
        "mean",    "sd",         "ci_low",  "ci_high",          "interval", "significant",
        "verdict", "p_value",    "holm_significant", "unpaired_ci_low", "unpaired_ci_high",
        "confidence"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        csvout_str(&o, cols[i]);
    csvout_end_row(&o);
    int np = t->npoints;
    char **labels = xmalloc((size_t)np * sizeof *labels);
    for (int p = 0; p < np; p++)
        labels[p] = exp_design_label(d, p);
    for (int k = 0; k < t->nmetrics; k++) {
        if (m[k].helper)
            continue;
        for (int p = 0; p < np; p++) {
            struct stats_ci ci;
            exp_ci_mean(t, m, k, p, c->level, &ci);
            csvout_str(&o, m[k].label);
            csvout_str(&o, summary_unit(m[k].metric).raw);
            csvout_str(&o, "mean");
            csvout_str(&o, labels[p]);
            csvout_empty(&o);
            exp_format_csv_ci(&o, &ci);
            csvout_str(&o, exp_ci_kind_name(exp_ci_kind_of(m, k)));
            for (int i = 0; i < 6; i++)
                csvout_empty(&o);
            csvout_num(&o, c->level);
            csvout_end_row(&o);
        }
        for (int pass = 0; pass < 1 + c->pairs; pass++) {
            struct exp_diff *df;
            int *a, *b, n = family(t, m, k, c, pass == 1, &df, &a, &b);
            for (int i = 0; i < n; i++)
                csv_diff(&o, &m[k], pass ? "pair" : "difference", labels[b[i]], labels[a[i]],
                         &df[i], c->level);
            free(df);
            free(a);
            free(b);
        }
    }
    for (int p = 0; p < np; p++)
        free(labels[p]);
    free(labels);
    return csvout_commit(&o);
}

/* The verdict column: the verdict, and when several differences are read together whether
 * Holm-Bonferroni keeps a significant one. */
static void verdict_cell(char *buf, size_t n, const struct exp_diff *d, int family_size)
{
    if (family_size > 1 && exp_verdict_significant(d->verdict) == 1)
        snprintf(buf, n, "%s (Holm: %s)", exp_verdict_text(d->verdict),
                 d->holm ? "kept" : "not kept");
    else
        snprintf(buf, n, "%s", exp_verdict_text(d->verdict));
}

/* The Holm sentence under a family of n differences at level. */
static void holm_note(FILE *f, const struct exp_diff *d, int n, double level, const char *what)
{
    int sig = 0, kept = 0;
    for (int i = 0; i < n; i++) {
        sig += exp_verdict_significant(d[i].verdict) == 1;
        kept += d[i].holm;
    }
    char text[512];
    if (sig == 0)
        snprintf(text, sizeof text, "Holm-Bonferroni over the %d %s: none is significant",
                 n, what);
    else
        snprintf(text, sizeof text, "Holm-Bonferroni over the %d %s: %d of the %d significant "
                 "one%s stay%s significant at the family-wise %g %% level", n, what, kept, sig,
                 sig == 1 ? "" : "s", sig == 1 && kept == 1 ? "s" : "", 100 * (1 - level));
    exp_format_wrap(f, text, 6, 6);
}

void exp_compare_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                       const struct exp_table *t, const struct exp_compare_opts *c)
{
    int np = t->npoints;
    char **labels = xmalloc((size_t)np * sizeof *labels);
    int w = (int)strlen("unpaired (Welch), same runs");
    for (int p = 0; p < np; p++) {
        labels[p] = exp_design_label(d, p);
        int n = (int)strlen(labels[p]);
        w = n > w ? n : w;
    }
    bool seen[EXP_VERDICT_NOT_SIGNIFICANT + 1] = {false};
    char lev[32], num[64], cis[128], cell[64], head[512];
    snprintf(lev, sizeof lev, "%g %% interval", 100 * c->level);
    for (int k = 0; k < t->nmetrics; k++) {
        if (!m[k].shown)
            continue;
        struct summary_unit u = summary_unit(m[k].metric);
        exp_format_heading(head, sizeof head, m[k].label, m[k].metric);
        fprintf(f, "\n%s: %s\n", head, exp_ci_kind_text(exp_ci_kind_of(m, k)));
        fprintf(f, "      %-*s %10s   %s\n", w, "variant", "mean", lev);
        for (int p = 0; p < np; p++) {
            struct stats_ci ci;
            exp_ci_mean(t, m, k, p, c->level, &ci);
            exp_format_num(num, sizeof num, ci.mean, &u);
            exp_format_ci(cis, sizeof cis, &ci, &u);
            fprintf(f, "  %2d  %-*s %10s   %s\n", p + 1, w, labels[p], num, cis);
        }
        struct exp_diff *df;
        int *a, *b, n = family(t, m, k, c, false, &df, &a, &b);
        fprintf(f, "      difference from %d %s, paired per replication\n", c->baseline + 1,
                labels[c->baseline]);
        for (int i = 0; i < n; i++) {
            exp_format_num(num, sizeof num, df[i].paired.mean, &u);
            exp_format_ci(cis, sizeof cis, &df[i].paired, &u);
            verdict_cell(cell, sizeof cell, &df[i], n);
            fprintf(f, "  %2d  %-*s %10s   %-22s %s\n", b[i] + 1, w, labels[b[i]], num, cis,
                    cell);
            seen[df[i].verdict] = true;
            exp_format_ci(cis, sizeof cis, &df[i].unpaired, &u);
            char ratio[64] = "";
            double ph = df[i].paired.half, wh = df[i].unpaired.half;
            if (ph > 0 && isfinite(wh))
                snprintf(ratio, sizeof ratio, "%.1fx as wide", wh / ph);
            fprintf(f, "      %-*s %10s   %-22s %s\n", w, "unpaired (Welch), same runs", "", cis,
                    ratio);
        }
        if (n > 1)
            holm_note(f, df, n, c->level, "differences from the baseline");
        free(df);
        free(a);
        free(b);
        if (!c->pairs || np < 3)
            continue;
        n = family(t, m, k, c, true, &df, &a, &b);
        fprintf(f, "      every pair, later minus earlier variant, paired per replication\n");
        fprintf(f, "      %-9s %10s   %-22s %-8s %s\n", "pair", "difference", lev, "p",
                "verdict");
        for (int i = 0; i < n; i++) {
            char pair[32], pv[32];
            snprintf(pair, sizeof pair, "%d - %d", b[i] + 1, a[i] + 1);
            exp_format_num(num, sizeof num, df[i].paired.mean, &u);
            exp_format_ci(cis, sizeof cis, &df[i].paired, &u);
            if (isnan(df[i].p))
                snprintf(pv, sizeof pv, "-");
            else if (df[i].p < 0.0001)
                snprintf(pv, sizeof pv, "<0.0001");
            else
                snprintf(pv, sizeof pv, "%.4f", df[i].p);
            verdict_cell(cell, sizeof cell, &df[i], n);
            fprintf(f, "      %-9s %10s   %-22s %-8s %s\n", pair, num, cis, pv, cell);
            seen[df[i].verdict] = true;
        }
        holm_note(f, df, n, c->level, "pairs");
        free(df);
        free(a);
        free(b);
    }
    bool any = false;
    for (int v = 0; v <= EXP_VERDICT_NOT_SIGNIFICANT; v++)
        if (seen[v] && exp_verdict_legend((enum exp_verdict)v)) {
            if (!any)
                fputc('\n', f);
            any = true;
            exp_format_wrap(f, exp_verdict_legend((enum exp_verdict)v), 0, 2);
        }
    for (int p = 0; p < np; p++)
        free(labels[p]);
    free(labels);
}
