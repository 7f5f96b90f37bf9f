#include "analysis/exp_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/exp_format.h"
#include "analysis/pareto.h"
#include "analysis/stats.h"
#include "sim/xalloc.h"

/* The mean over replications of metric m at point p (c: scratch for reps values). */
static double point_mean(const struct exp_table *t, int p, int m, double *c)
{
    struct stats_ci ci;
    exp_table_column(t, p, m, c);
    stats_mean_ci(c, t->reps, 0.95, &ci); /* the mean does not depend on the level */
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

void exp_sweep_marks_init(struct exp_sweep_marks *marks, const struct exp_table *t, int fx,
                          int fy, const struct exp_slo *slos, int nslos)
{
    int np = t->npoints;
    marks->fx = fx;
    marks->fy = fy;
    marks->pareto = xcalloc((size_t)(np ? np : 1), sizeof *marks->pareto);
    marks->slo = xmalloc((size_t)(np ? np : 1));
    double *x = xmalloc((size_t)(np ? np : 1) * sizeof *x);
    double *y = xmalloc((size_t)(np ? np : 1) * sizeof *y);
    double *c = xmalloc((size_t)(t->reps ? t->reps : 1) * sizeof *c);
    for (int p = 0; p < np; p++) {
        x[p] = point_mean(t, p, fx, c);
        y[p] = point_mean(t, p, fy, c);
        marks->slo[p] = nslos ? 1 : -1;
        for (int i = 0; i < nslos; i++)
            if (!slo_is_met(point_mean(t, p, slos[i].metric, c), &slos[i]))
                marks->slo[p] = 0;
    }
    pareto_front(x, y, np, marks->pareto);
    free(x);
    free(y);
    free(c);
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
    /* Sums over replications in index order, compared as sums: the order of the means
     * (the same count of replications at every point) without a division. */
    int best = -1;
    for (int p = 0; p < t->npoints; p++) {
        double x = 0, bx = 0;
        for (int r = 0; r < t->reps; r++)
            x += exp_table_at(t, p, r)[marks->fx];
        if (best >= 0)
            for (int r = 0; r < t->reps; r++)
                bx += exp_table_at(t, best, r)[marks->fx];
        if (marks->slo[p] == 1 && (best < 0 || x < bx))
            best = p;
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
    static const char *const cols[] = {"metric", "reps", "mean", "sd", "ci_low", "ci_high",
                                       "front", "pareto", "meets_slo"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        csvout_str(&o, cols[i]);
    csvout_end_row(&o);
    double *c = xmalloc((size_t)t->reps * sizeof *c);
    int *idx = xmalloc((size_t)(d->nf ? d->nf : 1) * sizeof *idx);
    for (int p = 0; p < t->npoints; p++) {
        exp_design_point(d, p, idx);
        for (int k = 0; k < t->nmetrics; k++) {
            struct stats_ci ci;
            exp_table_column(t, p, k, c);
            stats_mean_ci(c, t->reps, level, &ci);
            csvout_int(&o, p);
            for (int j = 0; j < d->nf; j++)
                csvout_str(&o, d->f[j].values[idx[j]]);
            csvout_str(&o, m[k].label);
            exp_format_csv_ci(&o, &ci);
            csvout_str(&o, k == marks->fx ? "x" : k == marks->fy ? "y" : "");
            csvout_int(&o, marks->pareto[p]);
            if (marks->slo[p] < 0)
                csvout_empty(&o);
            else
                csvout_int(&o, marks->slo[p]);
            csvout_end_row(&o);
        }
    }
    free(idx);
    free(c);
    return csvout_commit(&o);
}

void exp_sweep_print(FILE *f, const struct exp_design *d, const struct exp_metric *m,
                     const struct exp_table *t, double level,
                     const struct exp_sweep_marks *marks)
{
    int np = t->npoints, nm = t->nmetrics, nf = d->nf;
    /* Cells first, then widths: cell[p][col]. */
    int ncols = nf + nm;
    char ***cell = xmalloc((size_t)np * sizeof *cell);
    int *w = xcalloc((size_t)ncols, sizeof *w);
    char **head = xmalloc((size_t)ncols * sizeof *head);
    struct exp_format_unit *u = xmalloc((size_t)(nm ? nm : 1) * sizeof *u);
    double *c = xmalloc((size_t)t->reps * sizeof *c);
    int *idx = xmalloc((size_t)(nf ? nf : 1) * sizeof *idx);
    for (int k = 0; k < nm; k++) {
        /* One unit per column, from the smallest mean: ms when any is below 1 s. */
        double ref = (double)NAN;
        for (int p = 0; p < np; p++) {
            struct stats_ci ci;
            exp_table_column(t, p, k, c);
            stats_mean_ci(c, t->reps, level, &ci);
            if (isnan(ref) || fabs(ci.mean) < ref)
                ref = fabs(ci.mean);
        }
        u[k] = exp_format_unit_for(m[k].metric, ref);
        const char *un = exp_format_unit_name(&u[k]);
        size_t n = strlen(m[k].label) + strlen(un) + 4;
        head[nf + k] = xmalloc(n);
        snprintf(head[nf + k], n, *un ? "%s (%s)" : "%s", m[k].label, un);
    }
    for (int j = 0; j < nf; j++)
        head[j] = xstrdup(d->f[j].path);
    for (int p = 0; p < np; p++) {
        cell[p] = xmalloc((size_t)ncols * sizeof **cell);
        exp_design_point(d, p, idx);
        for (int j = 0; j < nf; j++)
            cell[p][j] = xstrdup(d->f[j].values[idx[j]]);
        for (int k = 0; k < nm; k++) {
            struct stats_ci ci;
            char a[48], b[48], buf[112];
            exp_table_column(t, p, k, c);
            stats_mean_ci(c, t->reps, level, &ci);
            exp_format_num(a, sizeof a, ci.mean, &u[k]);
            if (isnan(ci.half)) {
                snprintf(buf, sizeof buf, "%s", a);
            } else {
                exp_format_num(b, sizeof b, ci.half, &u[k]);
                snprintf(buf, sizeof buf, "%s ± %s", a, b);
            }
            cell[p][nf + k] = xstrdup(buf);
        }
    }
    /* "±" is two bytes and one column. */
    for (int col = 0; col < ncols; col++) {
        w[col] = (int)strlen(head[col]);
        for (int p = 0; p < np; p++) {
            int n = (int)strlen(cell[p][col]) - (strstr(cell[p][col], "±") ? 1 : 0);
            if (n > w[col])
                w[col] = n;
        }
    }
    bool slo = np > 0 && marks->slo[0] >= 0;
    fprintf(f, "%5s", "point");
    for (int col = 0; col < ncols; col++)
        fprintf(f, "  %-*s", w[col], head[col]);
    fprintf(f, "  front%s\n", slo ? "  SLO" : "");
    for (int p = 0; p < np; p++) {
        fprintf(f, "%5d", p);
        for (int col = 0; col < ncols; col++) {
            int pad = w[col] + (strstr(cell[p][col], "±") ? 1 : 0);
            if (col < nf)
                fprintf(f, "  %-*s", pad, cell[p][col]);
            else
                fprintf(f, "  %*s", pad, cell[p][col]);
        }
        fprintf(f, "  %-5s%s\n", marks->pareto[p] ? "*" : "",
                !slo ? "" : marks->slo[p] ? "  met" : "  broken");
    }
    fprintf(f, "(mean ± half width of the %g %% confidence interval over %d replication%s; "
            "front: Pareto front of %s vs %s, both minimised)\n", 100 * level, t->reps,
            t->reps == 1 ? "" : "s", m[marks->fx].label, m[marks->fy].label);
    for (int p = 0; p < np; p++) {
        for (int col = 0; col < ncols; col++)
            free(cell[p][col]);
        free(cell[p]);
    }
    for (int col = 0; col < ncols; col++)
        free(head[col]);
    free(cell);
    free(head);
    free(w);
    free(u);
    free(c);
    free(idx);
}
