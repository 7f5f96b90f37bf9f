#include "analysis/exp_compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/exp_format.h"
#include "analysis/stats.h"
#include "sim/xalloc.h"

int exp_compare_write_csv(const char *path, const struct exp_design *d,
                          const struct exp_metric *m, const struct exp_table *t, double level)
{
    struct csvout o;
    if (csvout_open(&o, path))
        return -1;
    static const char *const cols[] = {
        "metric", "kind", "variant", "baseline", "reps", "mean", "sd", "ci_low", "ci_high",
        "significant", "unpaired_ci_low", "unpaired_ci_high", "confidence"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        csvout_str(&o, cols[i]);
    csvout_end_row(&o);
    double *a = xmalloc((size_t)t->reps * sizeof *a), *b = xmalloc((size_t)t->reps * sizeof *b);
    char *base = exp_design_label(d, 0);
    for (int k = 0; k < t->nmetrics; k++) {
        for (int p = 0; p < t->npoints; p++) {
            struct stats_ci ci;
            exp_table_column(t, p, k, a);
            stats_mean_ci(a, t->reps, level, &ci);
            char *label = exp_design_label(d, p);
            csvout_str(&o, m[k].label);
            csvout_str(&o, "mean");
            csvout_str(&o, label);
            csvout_empty(&o);
            exp_format_csv_ci(&o, &ci);
            csvout_empty(&o);
            csvout_empty(&o);
            csvout_empty(&o);
            csvout_num(&o, level);
            csvout_end_row(&o);
            free(label);
        }
        exp_table_column(t, 0, k, a);
        for (int p = 1; p < t->npoints; p++) {
            struct stats_ci ci, w;
            exp_table_column(t, p, k, b);
            stats_paired_ci(a, b, t->reps, level, &ci);
            stats_welch_ci(a, t->reps, b, t->reps, level, &w);
            char *label = exp_design_label(d, p);
            csvout_str(&o, m[k].label);
            csvout_str(&o, "difference");
            csvout_str(&o, label);
            csvout_str(&o, base);
            exp_format_csv_ci(&o, &ci);
            if (isnan(ci.lo))
                csvout_empty(&o);
            else
                csvout_int(&o, stats_ci_excludes_zero(&ci));
            csvout_num(&o, w.lo);
            csvout_num(&o, w.hi);
            csvout_num(&o, level);
            csvout_end_row(&o);
            free(label);
        }
    }
    free(base);
    free(a);
    free(b);
    return csvout_commit(&o);
}

void exp_compare_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                       const struct exp_table *t, double level)
{
    int np = t->npoints;
    char **labels = xmalloc((size_t)np * sizeof *labels);
    int w = (int)strlen("unpaired (Welch), same runs");
    for (int p = 0; p < np; p++) {
        labels[p] = exp_design_label(d, p);
        int n = (int)strlen(labels[p]);
        if (np > 2 && p > 0) /* "<variant> - <baseline>" */
            n += 3 + (int)strlen(labels[0]);
        if (n > w)
            w = n;
    }
    char lev[16];
    snprintf(lev, sizeof lev, "%g %%", 100 * level);
    double *a = xmalloc((size_t)t->reps * sizeof *a), *b = xmalloc((size_t)t->reps * sizeof *b);
    for (int k = 0; k < t->nmetrics; k++) {
        struct stats_ci ci, w0;
        exp_table_column(t, 0, k, a);
        stats_mean_ci(a, t->reps, level, &w0);
        struct exp_format_unit u = exp_format_unit_for(m[k].metric, w0.mean);
        const char *un = exp_format_unit_name(&u);
        fprintf(f, "\n%s%s%s%s\n", m[k].label, *un ? " (" : "", un, *un ? ")" : "");
        fprintf(f, "  %-*s %12s   %-24s\n", w, "variant", "mean", lev);
        char num[64], cis[128];
        for (int p = 0; p < np; p++) {
            exp_table_column(t, p, k, b);
            stats_mean_ci(b, t->reps, level, &ci);
            exp_format_num(num, sizeof num, ci.mean, &u);
            exp_format_ci(cis, sizeof cis, &ci, &u);
            fprintf(f, "  %-*s %12s   %s\n", w, labels[p], num, cis);
        }
        for (int p = 1; p < np; p++) {
            struct stats_ci wl;
            exp_table_column(t, p, k, b);
            stats_paired_ci(a, b, t->reps, level, &ci);
            stats_welch_ci(a, t->reps, b, t->reps, level, &wl);
            char name[256];
            if (np == 2)
                snprintf(name, sizeof name, "difference (paired)");
            else
                snprintf(name, sizeof name, "%s - %s", labels[p], labels[0]);
            exp_format_num(num, sizeof num, ci.mean, &u);
            exp_format_ci(cis, sizeof cis, &ci, &u);
            const char *sig = isnan(ci.lo) ? ""
                              : stats_ci_excludes_zero(&ci) ? "significant"
                                                            : "not significant";
            fprintf(f, "  %-*s %12s   %-24s %s\n", w, name, num, cis, sig);
            exp_format_ci(cis, sizeof cis, &wl, &u);
            char ratio[64] = "";
            if (ci.half > 0 && isfinite(wl.half))
                snprintf(ratio, sizeof ratio, "%.1fx as wide", wl.half / ci.half);
            else if (ci.half == 0 && wl.half > 0)
                snprintf(ratio, sizeof ratio, "(paired width 0)");
            fprintf(f, "  %-*s %12s   %-24s %s\n", w, np == 2 ? "unpaired (Welch), same runs"
                                                              : "  unpaired (Welch)",
                    "", cis, ratio);
        }
    }
    for (int p = 0; p < np; p++)
        free(labels[p]);
    free(labels);
    free(a);
    free(b);
}
