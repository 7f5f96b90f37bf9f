#include "analysis/exp_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/exp_format.h"
#include "analysis/exp_interval.h"
#include "analysis/pareto.h"
#include "analysis/stats.h"
#include "analysis/summary.h"
#include "sim/xalloc.h"

/* The mean over replications of metric k at point p (the level does not change it). */
static double point_mean(const struct exp_table *t, const struct exp_metric *m, int k, int p)
{
    struct stats_ci ci;
    exp_ci_mean(t, m, k, p, 0.95, &ci);
    return ci.mean;
}

static bool slo_is_met(double v, const struct exp_slo *s)
{
    if (isnan(v))
        return false;
    switch (s->op) {
    case EXP_SLO_LT:
        return v < s->value;
    case EXP_SLO_LE:
        return v <= s->value;
    case EXP_SLO_GT:
        return v > s->value;
    case EXP_SLO_GE:
        break;
    }
    return v >= s->value;
}

/* Whether metric k differs between two points in some replication (NaN equals NaN). */
static bool varies(const struct exp_table *t, int k)
{
    for (int r = 0; r < t->reps; r++) {
        double v0 = exp_table_at(t, 0, r)[k];
        for (int p = 1; p < t->npoints; p++) {
            double v = exp_table_at(t, p, r)[k];
            if (isnan(v) != isnan(v0) || (!isnan(v) && v != v0))
                return true;
        }
    }
    return false;
}

void exp_sweep_marks_init(struct exp_sweep_marks *marks, const struct exp_table *t,
                          const struct exp_metric *m, int fx, int fy, bool cost_front, int cost,
                          const struct exp_slo *slos, int nslos)
{
    int np = t->npoints;
    marks->cost = cost;
    marks->cost_varies = cost >= 0 && varies(t, cost);
    bool front = fx >= 0 && fy >= 0 && !(cost_front && !marks->cost_varies);
    marks->fx = front ? fx : -1;
    marks->fy = front ? fy : -1;
    marks->pareto = xcalloc((size_t)(np ? np : 1), sizeof *marks->pareto);
    marks->slo = xmalloc((size_t)(np ? np : 1));
    double *x = xmalloc(2 * (size_t)(np ? np : 1) * sizeof *x), *y = x + np;
    for (int p = 0; p < np; p++) {
        if (front) {
            x[p] = point_mean(t, m, fx, p);
            y[p] = point_mean(t, m, fy, p);
        }
        marks->slo[p] = nslos ? 1 : -1;
        for (int i = 0; i < nslos; i++)
            if (!slo_is_met(point_mean(t, m, slos[i].metric, p), &slos[i]))
                marks->slo[p] = 0;
    }
    if (front)
        pareto_front(x, y, np, marks->pareto);
    free(x);
}

void exp_sweep_marks_fini(struct exp_sweep_marks *marks)
{
    free(marks->pareto);
    free(marks->slo);
    marks->pareto = NULL;
    marks->slo = NULL;
}

int exp_sweep_cheapest(const struct exp_table *t, const struct exp_sweep_marks *marks)
{
    if (marks->cost < 0)
        return -1;
    /* Sums over replications in index order, compared as sums: the order of the means
     * (the same count of replications at every point) without a division. */
    int best = -1;
    double bx = 0;
    for (int p = 0; p < t->npoints; p++) {
        double x = 0;
        for (int r = 0; r < t->reps; r++)
            x += exp_table_at(t, p, r)[marks->cost];
        if (marks->slo[p] == 1 && (best < 0 || x < bx)) {
            best = p;
            bx = x;
        }
    }
    return best;
}

int exp_sweep_write_csv(const char *path, const struct exp_design *d,
                        const struct exp_metric *m, const struct exp_table *t, double level,
                        const struct exp_sweep_marks *marks)
{
    struct csvout o;
    if (csvout_open(&o, path))
        return -1;
    csvout_str(&o, "point");
    for (int k = 0; k < d->nf; k++)
        csvout_str(&o, d->f[k].path);
    static const char *const cols[] = {"metric", "unit",     "reps",  "mean",   "sd",
                                       "ci_low", "ci_high",  "interval", "front", "pareto",
                                       "meets_slo"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        csvout_str(&o, cols[i]);
    csvout_end_row(&o);
    int *idx = xmalloc((size_t)(d->nf ? d->nf : 1) * sizeof *idx);
    bool front = marks->fx >= 0;
    for (int p = 0; p < t->npoints; p++) {
        exp_design_point(d, p, idx);
        for (int k = 0; k < t->nmetrics; k++) {
            if (m[k].helper)
                continue;
            struct stats_ci ci;
            exp_ci_mean(t, m, k, p, level, &ci);
            csvout_int(&o, p);
            for (int j = 0; j < d->nf; j++)
                csvout_str(&o, d->f[j].values[idx[j]]);
            csvout_str(&o, m[k].label);
            csvout_str(&o, summary_unit(m[k].metric).raw);
            exp_format_csv_ci(&o, &ci);
            csvout_str(&o, exp_ci_kind_name(exp_ci_kind_of(m, k)));
            csvout_str(&o, !front ? "" : k == marks->fx ? "x" : k == marks->fy ? "y" : "");
            if (front)
                csvout_int(&o, marks->pareto[p]);
            else
                csvout_empty(&o);
            if (marks->slo[p] < 0)
                csvout_empty(&o);
            else
                csvout_int(&o, marks->slo[p]);
            csvout_end_row(&o);
        }
    }
    free(idx);
    return csvout_commit(&o);
}

/* The shortest tail of factor k's path (whole segments) that no other factor's path ends
 * with: "count" for target_groups.web.targets.0.count. */
static const char *short_path(const struct exp_design *d, int k)
{
    const char *path = d->f[k].path;
    for (const char *tail = path + strlen(path);; tail--) {
        if (tail > path && tail[-1] != '.')
            continue;
        bool unique = true;
        size_t n = strlen(tail);
        for (int j = 0; j < d->nf && unique; j++) {
            const char *o = d->f[j].path;
            size_t on = strlen(o);
            if (j != k && on >= n && !strcmp(o + on - n, tail) && (on == n || o[on - n - 1] == '.'))
                unique = false;
        }
        if (unique || tail == path)
            return tail;
    }
}

/* Display width of a cell (its bytes; the cells are ASCII). */
static int width_of(const char *s)
{
    return (int)strlen(s);
}

void exp_sweep_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                     const struct exp_table *t, double level,
                     const struct exp_sweep_marks *marks)
{
    int np = t->npoints, nf = d->nf;
    int *shown = xmalloc((size_t)(t->nmetrics ? t->nmetrics : 1) * sizeof *shown), ns = 0;
    for (int k = 0; k < t->nmetrics; k++)
        if (m[k].shown)
            shown[ns++] = k;
    /* Cells first, then widths: cell[p][col], the factors then the shown metrics; a
     * metric's cell is its mean and its interval, each aligned on its own (wm, wi). */
    int ncols = nf + ns;
    char ***cell = xmalloc((size_t)(np ? np : 1) * sizeof *cell);
    char ***ival = xmalloc((size_t)(np ? np : 1) * sizeof *ival);
    int *w = xcalloc((size_t)(ncols ? ncols : 1), sizeof *w);
    int *wm = xcalloc((size_t)(ncols ? ncols : 1), sizeof *wm);
    int *wi = xcalloc((size_t)(ncols ? ncols : 1), sizeof *wi);
    char **head = xmalloc((size_t)(ncols ? ncols : 1) * sizeof *head);
    int *idx = xmalloc((size_t)(nf ? nf : 1) * sizeof *idx);
    for (int j = 0; j < nf; j++)
        head[j] = xstrdup(short_path(d, j));
    for (int i = 0; i < ns; i++) {
        char buf[512];
        exp_format_heading(buf, sizeof buf, m[shown[i]].label, m[shown[i]].metric);
        head[nf + i] = xstrdup(buf);
    }
    for (int p = 0; p < np; p++) {
        cell[p] = xcalloc((size_t)(ncols ? ncols : 1), sizeof **cell);
        ival[p] = xcalloc((size_t)(ncols ? ncols : 1), sizeof **ival);
        exp_design_point(d, p, idx);
        for (int j = 0; j < nf; j++)
            cell[p][j] = xstrdup(d->f[j].values[idx[j]]);
        for (int i = 0; i < ns; i++) {
            struct stats_ci ci;
            struct summary_unit u = summary_unit(m[shown[i]].metric);
            char a[48], b[112];
            exp_ci_mean(t, m, shown[i], p, level, &ci);
            exp_format_num(a, sizeof a, ci.mean, &u);
            exp_format_ci(b, sizeof b, &ci, &u);
            cell[p][nf + i] = xstrdup(a);
            ival[p][nf + i] = xstrdup(isnan(ci.lo) ? "" : b);
        }
    }
    for (int col = 0; col < ncols; col++) {
        for (int p = 0; p < np; p++) {
            int a = width_of(cell[p][col]), b = col < nf ? 0 : width_of(ival[p][col]);
            wm[col] = a > wm[col] ? a : wm[col];
            wi[col] = b > wi[col] ? b : wi[col];
        }
        w[col] = wm[col] + (wi[col] ? 1 + wi[col] : 0);
        if (width_of(head[col]) > w[col]) { /* a wide heading: the means move right */
            wm[col] += width_of(head[col]) - w[col];
            w[col] = width_of(head[col]);
        }
    }
    bool front = marks->fx >= 0, slo = np > 0 && marks->slo[0] >= 0;
    int fixed = 5; /* "point" */
    for (int j = 0; j < nf; j++)
        fixed += 2 + w[j];
    int marks_w = (front ? 7 : 0) + (slo ? 8 : 0); /* "  front", "  broken" */
    /* Blocks of metric columns, each within the width; the marks go with the first. */
    for (int first = 0, block = 0; first < ns || (ns == 0 && block == 0); block++) {
        int used = fixed + (block == 0 ? marks_w : 0), last = first;
        while (last < ns && (last == first || used + 2 + w[nf + last] <= EXP_FORMAT_WIDTH))
            used += 2 + w[nf + last++];
        if (block)
            fputc('\n', f);
        fprintf(f, "%5s", "point");
        for (int j = 0; j < nf; j++)
            fprintf(f, "  %-*s", w[j], head[j]);
        for (int i = first; i < last; i++)
            fprintf(f, "  %-*s", w[nf + i], head[nf + i]);
        if (block == 0)
            fprintf(f, "%s%s", front ? "  front" : "", slo ? "  SLO" : "");
        fputc('\n', f);
        for (int p = 0; p < np; p++) {
            fprintf(f, "%5d", p);
            for (int j = 0; j < nf; j++)
                fprintf(f, "  %-*s", w[j], cell[p][j]);
            for (int i = first; i < last; i++) {
                int c = nf + i;
                if (wi[c])
                    fprintf(f, "  %*s %-*s", wm[c], cell[p][c], wi[c], ival[p][c]);
                else
                    fprintf(f, "  %*s", wm[c], cell[p][c]);
            }
            if (block == 0 && front)
                fprintf(f, "  %-5s", marks->pareto[p] ? "*" : "");
            if (block == 0 && slo)
                fprintf(f, "  %s", marks->slo[p] ? "met" : "broken");
            fputc('\n', f);
        }
        first = last;
        if (ns == 0)
            break;
    }
    /* The legend: what the numbers are, which interval each metric got, the front. */
    char text[4096];
    snprintf(text, sizeof text, "(mean [%g %% confidence interval] over %d replication%s;",
             100 * level, t->reps, t->reps == 1 ? "" : "s");
    size_t used = strlen(text);
    for (int kind = EXP_CI_T; kind <= EXP_CI_WILSON; kind++) {
        size_t mark = used;
        int n = 0;
        for (int i = 0; i < ns; i++)
            if ((int)exp_ci_kind_of(m, shown[i]) == kind && used + 64 < sizeof text) {
                used += (size_t)snprintf(text + used, sizeof text - used, "%s%s",
                                         n ? ", " : " ", m[shown[i]].label);
                n++;
            }
        if (n && used + 128 < sizeof text)
            used += (size_t)snprintf(text + used, sizeof text - used, ": %s;",
                                     exp_ci_kind_text((enum exp_ci_kind)kind));
        else
            used = mark;
        text[used] = '\0';
    }
    for (int k = 0; k < t->nmetrics; k++)
        if (m[k].twin >= 0 && used + 256 < sizeof text)
            used += (size_t)snprintf(text + used, sizeof text - used, " %s: the same values as "
                                     "%s;", m[k].label, m[m[k].twin].label);
    if (front)
        snprintf(text + used, sizeof text - used, " front: Pareto front of %s vs %s, both "
                 "minimised)", m[marks->fx].label, m[marks->fy].label);
    else if (marks->cost >= 0 && !marks->cost_varies)
        snprintf(text + used, sizeof text - used, " no front: %s is the same at every point "
                 "in every replication, so there is no cost trade-off; --objectives X,Y "
                 "draws a front of any two metrics)", m[marks->cost].label);
    else
        snprintf(text + used, sizeof text - used, " no front)");
    exp_format_wrap(f, text, 0, 1);
    for (int p = 0; p < np; p++) {
        for (int col = 0; col < ncols; col++) {
            free(cell[p][col]);
            free(ival[p][col]);
        }
        free(cell[p]);
        free(ival[p]);
    }
    for (int col = 0; col < ncols; col++)
        free(head[col]);
    free(cell);
    free(ival);
    free(wm);
    free(wi);
    free(head);
    free(w);
    free(idx);
    free(shown);
}
