/*
 * sweep.png: one panel per metric of sweep.csv (at most SWEEP_PANELS, in the file's order),
 * the metric's mean against one varied path, one line per combination of the other paths'
 * values, with the confidence interval as a band (a point with error bars where a line
 * has one point only), in the unit the tables show.
 *
 * The path along x is the first whose values all read as numbers of one kind (plain,
 * durations, rates or sizes: `6`, `30s`, `200/s`), placed at their values and labelled as
 * written; else the path with the most values, as categories in the order they first
 * appear.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/units.h"
#include "sim/xalloc.h"

#define SWEEP_PANELS 8 /* more metrics: the first ones (sweep.csv has them all) */
#define SWEEP_TICS 20  /* more values along x: gnuplot's own tics */

/* The distinct values of path f in order of first appearance (borrowed strings). */
struct values {
    const char **s;
    int n;
};

static int value_find(const struct values *v, const char *s)
{
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->s[i], s))
            return i;
    return -1;
}

static void value_add(struct values *v, const char *s)
{
    if (value_find(v, s) < 0)
        v->s[v->n++] = s;
}

/* All of v's values as numbers of one kind, into pos; false when they are not. */
static bool numeric_values(const struct values *v, double *pos)
{
    static const enum sim_unit kinds[] = {SIM_UNIT_NONE, SIM_UNIT_SECONDS, SIM_UNIT_RATE,
                                          SIM_UNIT_BYTES};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int i = 0;
        const char *why;
        while (i < v->n && sim_units_parse(v->s[i], strlen(v->s[i]), kinds[k], &pos[i],
                                           &why) == 0)
            i++;
        if (i == v->n)
            return true;
    }
    return false;
}

/* The lines: per point its line (the other paths' values), -1 without a row; titles. */
struct lines {
    int *of;        /* per point */
    char **title;   /* per line, owned */
    int n;
};

static void find_lines(const struct plot_sweep *sw, int xf, struct lines *ln)
{
    ln->of = xmalloc((size_t)(sw->np + 1) * sizeof *ln->of);
    ln->title = xcalloc((size_t)sw->np + 1, sizeof *ln->title);
    ln->n = 0;
    for (int p = 0; p < sw->np; p++) {
        ln->of[p] = -1;
        if (sw->row[p] < 0)
            continue;
        char key[1024];
        size_t used = 0;
        key[0] = '\0';
        for (int f = 0; f < sw->nf; f++)
            if (f != xf && used < sizeof key)
                used += (size_t)snprintf(key + used, sizeof key - used, "%s%s=%s",
                                         used ? ", " : "", sw->fname[f],
                                         plot_sweep_value(sw, p, f));
        int l = 0;
        while (l < ln->n && strcmp(ln->title[l], key))
            l++;
        if (l == ln->n)
            ln->title[ln->n++] = xstrdup(key);
        ln->of[p] = l;
    }
}

static void free_lines(struct lines *ln)
{
    for (int l = 0; l < ln->n; l++)
        free(ln->title[l]);
    free(ln->title);
    free(ln->of);
}

/* The path along x (see the top of the file); its values and their positions, and whether
 * those are numbers. */
static int choose_x(const struct plot_sweep *sw, struct values *vals, double **pos,
                    bool *numeric)
{
    int best = 0;
    for (int f = 0; f < sw->nf; f++) {
        vals[f].s = xmalloc((size_t)(sw->np + 1) * sizeof *vals[f].s);
        vals[f].n = 0;
        pos[f] = xmalloc((size_t)(sw->np + 1) * sizeof **pos);
        for (int p = 0; p < sw->np; p++)
            if (sw->row[p] >= 0)
                value_add(&vals[f], plot_sweep_value(sw, p, f));
    }
    *numeric = true;
    for (int f = 0; f < sw->nf; f++)
        if (vals[f].n >= 2 && numeric_values(&vals[f], pos[f]))
            return f;
    *numeric = false;
    for (int f = 1; f < sw->nf; f++)
        if (vals[f].n > vals[best].n)
            best = f;
    for (int i = 0; i < vals[best].n; i++)
        pos[best][i] = i;
    return best;
}

/* One line of one metric as a datablock $sK_L, rows "x mean lo hi" by x; the number of
 * rows. */
static int put_block(FILE *f, const struct plot_sweep *sw, int k, int l,
                     const struct lines *ln, const struct values *xv, const double *xpos,
                     int xf)
{
    int *idx = xmalloc((size_t)(sw->np + 1) * sizeof *idx);
    double *x = xmalloc((size_t)(sw->np + 1) * sizeof *x);
    int n = 0;
    for (int p = 0; p < sw->np; p++) {
        if (ln->of[p] != l || !isfinite(plot_sweep_est(sw, p, k)->mean))
            continue;
        double xp = xpos[value_find(xv, plot_sweep_value(sw, p, xf))];
        int i = n++;
        while (i > 0 && x[i - 1] > xp) { /* insertion by x: few points per line */
            x[i] = x[i - 1];
            idx[i] = idx[i - 1];
            i--;
        }
        x[i] = xp;
        idx[i] = p;
    }
    if (n > 0) {
        fprintf(f, "$s%d_%d << EOD\n", k + 1, l + 1);
        for (int i = 0; i < n; i++) {
            const struct plot_est *e = plot_sweep_est(sw, idx[i], k);
            fprintf(f, "%.10g %.10g %.10g %.10g\n", x[i], e->mean, e->lo, e->hi);
        }
        fputs("EOD\n", f);
    }
    free(idx);
    free(x);
    return n;
}

void plot_sweepline_put(FILE *f, const struct plot_sweep *sw, struct plot_plan *plan)
{
    if (sw->nf < 1 || sw->np == 0) {
        plot_plan_skipped(plan, "sweep.png", "sweep.csv names no varied path");
        return;
    }
    struct values *vals = xcalloc((size_t)sw->nf, sizeof *vals);
    double **pos = xcalloc((size_t)sw->nf, sizeof *pos);
    bool numeric;
    int xf = choose_x(sw, vals, pos, &numeric);
    struct lines ln;
    find_lines(sw, xf, &ln);

    /* The datablocks first; a panel per metric with a value. */
    int *rows = xcalloc((size_t)sw->nm * (size_t)ln.n + 1, sizeof *rows);
    int *panel = xmalloc((size_t)sw->nm * sizeof *panel);
    int npanels = 0;
    fputs("\n# sweep.png\n", f);
    for (int k = 0; k < sw->nm && npanels < SWEEP_PANELS; k++) {
        int any = 0;
        for (int l = 0; l < ln.n; l++)
            any += rows[k * ln.n + l] = put_block(f, sw, k, l, &ln, &vals[xf], pos[xf], xf);
        if (any)
            panel[npanels++] = k;
    }
    if (npanels == 0) {
        plot_plan_skipped(plan, "sweep.png", "no metric of sweep.csv has a value");
        goto out;
    }
    plot_plan_made(plan, "sweep.png");

    char title[1024], others[512] = "";
    for (int g = 0, used = 0; g < sw->nf; g++)
        if (g != xf && used < (int)sizeof others)
            used += snprintf(others + used, sizeof others - (size_t)used, "%s%s",
                             used ? " and " : "", sw->fname[g]);
    snprintf(title, sizeof title, "Sweep: each metric against %s%s%s (mean; band: confidence "
             "interval)%s", sw->t->cells[0][1 + xf], *others ? ", one line per " : "",
             others, sw->nm > npanels ? " - the first metrics only" : "");
    /* Panels named by their y axes; the key once, under the title, for all of them; the
     * path's name under the last panel only. */
    size_t longest = 0;
    for (int l = 0; l < ln.n; l++)
        longest = strlen(ln.title[l]) > longest ? strlen(ln.title[l]) : longest;
    struct plot_stack st = {npanels, 300, 45, 96, 36,
                            ln.n > 1 ? plot_gp_key_rows(ln.n, longest) : 0};
    plot_gp_stack(f, "sweep.png", title, &st);
    /* Values as written, at their places (or 0, 1, ... for categories). */
    if (!numeric || vals[xf].n <= SWEEP_TICS) {
        fputs("set xtics (", f);
        for (int i = 0; i < vals[xf].n; i++) {
            fputs(i ? ", " : "", f);
            plot_gp_quoted(f, vals[xf].s[i]);
            fprintf(f, " %.10g", pos[xf][i]);
        }
        fputs(")\n", f);
    }
    if (!numeric)
        fprintf(f, "set xrange [-0.5:%d.5]\n", vals[xf].n - 1);
    else
        fputs("set offsets graph 0.03, graph 0.03, 0, 0\n", f);
    for (int i = 0; i < npanels; i++) {
        int k = panel[i];
        fputs("set ylabel ", f);
        plot_gp_quoted(f, sw->m[k].label);
        fputs("\n", f);
        bool logy = plot_sweep_wide(sw, k);
        if (logy)
            fputs("set logscale y\n", f);
        if (i == npanels - 1) {
            fputs("set xlabel ", f);
            plot_gp_quoted(f, sw->t->cells[0][1 + xf]);
            fputs("\n", f);
        }
        const char *sep = "plot ";
        for (int l = 0; l < ln.n; l++) {
            int n = rows[k * ln.n + l];
            if (!n)
                continue;
            fputs(sep, f);
            if (n >= 2) {
                fprintf(f, "$s%d_%d using 1:3:4 with filledcurves fs transparent solid 0.2 "
                           "noborder lc %d notitle, \\\n     $s%d_%d using 1:2 with linespoints "
                           "lw 2 pt 7 lc %d title ", k + 1, l + 1, l + 1, k + 1, l + 1, l + 1);
            } else {
                fprintf(f, "$s%d_%d using 1:2:3:4 with yerrorbars pt 7 lc %d title ", k + 1,
                        l + 1, l + 1);
            }
            plot_gp_quoted(f, ln.n > 1 ? ln.title[l] : "mean");
            sep = ", \\\n     ";
        }
        fputs("\n", f);
        if (logy)
            fputs("unset logscale y\n", f);
        if (i == 0 && st.key_rows)
            fputs("set key off\n", f);
    }
    fputs("unset multiplot\nset xtics autofreq\nset xrange [*:*]\nset offsets\n"
          "set key below horizontal\nset key on\nset xlabel\nset ylabel\n", f);
    plot_gp_terminal(f, 1);
out:
    for (int g = 0; g < sw->nf; g++) {
        free(vals[g].s);
        free(pos[g]);
    }
    free(vals);
    free(pos);
    free(rows);
    free(panel);
    free_lines(&ln);
}
