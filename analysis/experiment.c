#include "analysis/experiment.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/pareto.h"
#include "analysis/stats.h"
#include "sim/diag.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

/* ---- --vary ---------------------------------------------------------------------------- */

static void add_value(struct exp_factor *f, char *text, size_t off)
{
    f->values = xrealloc(f->values, (size_t)(f->nvalues + 1) * sizeof *f->values);
    f->value_off = xrealloc(f->value_off, (size_t)(f->nvalues + 1) * sizeof *f->value_off);
    f->values[f->nvalues] = text;
    f->value_off[f->nvalues] = off;
    f->nvalues++;
}

static void factor_fini(struct exp_factor *f)
{
    for (int i = 0; i < f->nvalues; i++)
        free(f->values[i]);
    free(f->values);
    free(f->value_off);
    free(f->path);
    free(f->arg);
    *f = (struct exp_factor){0};
}

/* Length of a plain decimal number at s ([+-]digits[.digits][e[+-]digits]), 0 if none.
 * Unlike strtod it stops before "..", so "1..4" reads as 1 then "..". */
static size_t number_len(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (!digits)
        return 0;
    if ((s[i] == 'e' || s[i] == 'E') &&
        (isdigit((unsigned char)s[i + 1]) ||
         ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
        i += 2;
        while (isdigit((unsigned char)s[i]))
            i++;
    }
    return i;
}

/* A number and its unit (letters, '/', '%') from s; returns the text consumed, 0 if no
 * number. */
static size_t number_unit(const char *s, double *v, char *unit, size_t unit_size)
{
    size_t n = number_len(s);
    if (!n)
        return 0;
    char buf[64];
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *v = strtod(buf, NULL);
    size_t u = 0;
    while (isalpha((unsigned char)s[n + u]) || s[n + u] == '/' || s[n + u] == '%')
        u++;
    if (u >= unit_size)
        return 0;
    memcpy(unit, s + n, u);
    unit[u] = '\0';
    return n + u;
}

/* Expand item (a range FROM..TO[:STEP]) into f.  Returns 0, or -1 after reporting. */
static int add_range(struct exp_factor *f, const char *item, size_t off)
{
    static const char expect[] = "expected FROM..TO or FROM..TO:STEP with numbers and one "
                                 "unit, e.g. 30..70:10 or 1m..5m:1m";
    double a, b, step = 1;
    char ua[32], ub[32], us[32] = "";
    size_t i = number_unit(item, &a, ua, sizeof ua), j;
    if (!i || strncmp(item + i, "..", 2))
        goto bad;
    i += 2;
    j = number_unit(item + i, &b, ub, sizeof ub);
    if (!j)
        goto bad;
    i += j;
    if (item[i] == ':') {
        i++;
        j = number_unit(item + i, &step, us, sizeof us);
        if (!j)
            goto bad;
        i += j;
    }
    if (item[i])
        goto bad;
    if (strcmp(ua, ub) || (*us && strcmp(us, ua))) {
        diag_error(NULL, "--vary '%s': range '%s' mixes units ('%s', '%s'%s%s%s); write one "
                   "unit on both ends, e.g. 1m..5m:1m", f->arg, item, ua, ub, *us ? ", '" : "",
                   us, *us ? "'" : "");
        return -1;
    }
    if (!(step > 0) || !isfinite(a) || !isfinite(b) || b < a) {
        diag_error(NULL, "--vary '%s': range '%s' is empty or endless; expected FROM <= TO and "
                   "a STEP above 0", f->arg, item);
        return -1;
    }
    /* n from the ratio, with slack for decimal steps such as 0.1 (0.3 / 0.1 = 2.9999...). */
    double span = (b - a) / step;
    if (span + 1 > EXP_MAX_VALUES) {
        diag_error(NULL, "--vary '%s': range '%s' has more than %d values", f->arg, item,
                   EXP_MAX_VALUES);
        return -1;
    }
    int n = (int)floor(span + 1e-9) + 1;
    for (int k = 0; k < n; k++) {
        char buf[96];
        double v = a + k * step; /* not summed: no accumulated rounding */
        if (fabs(v) < 1e-12 * step)
            v = 0;
        snprintf(buf, sizeof buf, "%.10g%s", v, ua);
        add_value(f, xstrdup(buf), off);
    }
    return 0;
bad:
    diag_error(NULL, "--vary '%s': bad range '%s'; %s", f->arg, item, expect);
    return -1;
}

int exp_factor_parse(const char *arg, struct exp_factor *f)
{
    *f = (struct exp_factor){0};
    f->arg = xstrdup(arg);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        diag_error(NULL, "--vary '%s': expected PATH=V1,V2,... (or PATH=FROM..TO:STEP), e.g. "
                   "target_groups.web.algorithm=round_robin,least_outstanding_requests", arg);
        goto fail;
    }
    f->path = xstrndup(arg, (size_t)(eq - arg));
    for (const char *c = f->path; *c; c++)
        if (isspace((unsigned char)*c)) {
            diag_error(NULL, "--vary '%s': the path '%s' holds a space; expected a scenario "
                       "path such as target_groups.web.algorithm", arg, f->path);
            goto fail;
        }
    const char *list = eq + 1;
    if (!*list) {
        diag_error(NULL, "--vary '%s': empty value list for %s; expected %s=V1,V2,... or "
                   "%s=FROM..TO:STEP", arg, f->path, f->path, f->path);
        goto fail;
    }
    /* Split at commas outside (), [], {} and quotes. */
    size_t start = (size_t)(list - arg), i = start;
    int depth = 0;
    char quote = 0;
    for (;; i++) {
        char c = arg[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (!c)
                break;
            continue;
        }
        if (c == '\'' || c == '"')
            quote = c;
        else if (c == '(' || c == '[' || c == '{')
            depth++;
        else if ((c == ')' || c == ']' || c == '}') && depth > 0)
            depth--;
        if (c && (c != ',' || depth > 0))
            continue;
        /* [start, i) is one value, trimmed. */
        size_t s = start, e = i;
        while (s < e && isspace((unsigned char)arg[s]))
            s++;
        while (e > s && isspace((unsigned char)arg[e - 1]))
            e--;
        if (s == e) {
            diag_error(NULL, "--vary '%s': empty value at column %zu of the value list for "
                       "%s; expected a value between the commas", arg, start - (size_t)(list - arg) + 1,
                       f->path);
            goto fail;
        }
        char *item = xstrndup(arg + s, e - s);
        if (strstr(item, "..") && number_len(item)) {
            int rc = add_range(f, item, s);
            free(item);
            if (rc)
                goto fail;
        } else {
            add_value(f, item, s);
        }
        if (f->nvalues > EXP_MAX_VALUES) {
            diag_error(NULL, "--vary '%s': more than %d values", arg, EXP_MAX_VALUES);
            goto fail;
        }
        if (!c)
            break;
        start = i + 1;
    }
    if (quote) {
        diag_error(NULL, "--vary '%s': unclosed quote in the value list for %s", arg, f->path);
        goto fail;
    }
    return 0;
fail:
    factor_fini(f);
    return -1;
}

int exp_design_add(struct exp_design *d, const char *arg)
{
    struct exp_factor f;
    if (exp_factor_parse(arg, &f))
        return -1;
    for (int k = 0; k < d->nf; k++)
        if (!strcmp(d->f[k].path, f.path)) {
            diag_error(NULL, "--vary '%s': %s is already varied by --vary '%s'; give all its "
                       "values in one --vary", arg, f.path, d->f[k].arg);
            factor_fini(&f);
            return -1;
        }
    long long points = exp_design_npoints(d);
    if (points * f.nvalues > EXP_MAX_POINTS) {
        diag_error(NULL, "--vary '%s': the experiment would have %lld points; at most %d",
                   arg, points * f.nvalues, EXP_MAX_POINTS);
        factor_fini(&f);
        return -1;
    }
    d->f = xrealloc(d->f, (size_t)(d->nf + 1) * sizeof *d->f);
    d->f[d->nf++] = f;
    return 0;
}

void exp_design_fini(struct exp_design *d)
{
    for (int k = 0; k < d->nf; k++)
        factor_fini(&d->f[k]);
    free(d->f);
    d->f = NULL;
    d->nf = 0;
}

int exp_design_npoints(const struct exp_design *d)
{
    int n = 1;
    for (int k = 0; k < d->nf; k++)
        n *= d->f[k].nvalues;
    return n;
}

void exp_design_point(const struct exp_design *d, int p, int *idx)
{
    for (int k = d->nf - 1; k >= 0; k--) {
        idx[k] = p % d->f[k].nvalues;
        p /= d->f[k].nvalues;
    }
}

static int value_index(const struct exp_design *d, int p, int k)
{
    for (int j = d->nf - 1; j > k; j--)
        p /= d->f[j].nvalues;
    return p % d->f[k].nvalues;
}

char *exp_design_set(const struct exp_design *d, int p, int k)
{
    const struct exp_factor *f = &d->f[k];
    const char *v = f->values[value_index(d, p, k)];
    size_t n = strlen(f->path) + strlen(v) + 2;
    char *s = xmalloc(n);
    snprintf(s, n, "%s=%s", f->path, v);
    return s;
}

char *exp_design_label(const struct exp_design *d, int p)
{
    size_t n = 1;
    for (int k = 0; k < d->nf; k++)
        n += strlen(d->f[k].values[value_index(d, p, k)]) + 2;
    char *s = xmalloc(n);
    s[0] = '\0';
    for (int k = 0; k < d->nf; k++) {
        if (k)
            strcat(s, ", ");
        strcat(s, d->f[k].values[value_index(d, p, k)]);
    }
    return s;
}

/* ---- metrics, seeds, the table --------------------------------------------------------- */

static bool is_metric_word(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

int exp_metric_parse(const char *text, struct exp_metric *m)
{
    *m = (struct exp_metric){0};
    const char *d1 = strchr(text, '.'), *d2 = strrchr(text, '.');
    if (!d1) {
        if (!is_metric_word(text, strlen(text)))
            goto bad;
        m->scope = xstrdup("run");
        m->name = xstrdup("run");
        m->metric = xstrdup(text);
    } else {
        if (d1 == d2 || d2 == d1 + 1 || !is_metric_word(text, (size_t)(d1 - text)) ||
            !is_metric_word(d2 + 1, strlen(d2 + 1)))
            goto bad;
        m->scope = xstrndup(text, (size_t)(d1 - text));
        m->name = xstrndup(d1 + 1, (size_t)(d2 - d1 - 1));
        m->metric = xstrdup(d2 + 1);
    }
    if (!strcmp(m->scope, "run") && !strcmp(m->name, "run")) {
        m->label = xstrdup(m->metric);
    } else {
        size_t n = strlen(m->scope) + strlen(m->name) + strlen(m->metric) + 3;
        m->label = xmalloc(n);
        snprintf(m->label, n, "%s.%s.%s", m->scope, m->name, m->metric);
    }
    return 0;
bad:
    diag_error(NULL, "--metric '%s': expected a summary metric, METRIC (the whole run, e.g. "
               "latency_p99_s) or SCOPE.NAME.METRIC (e.g. workload.shoppers.latency_p99_s); "
               "`elbsim list metrics` lists them", text);
    return -1;
}

void exp_metric_fini(struct exp_metric *m)
{
    free(m->scope);
    free(m->name);
    free(m->metric);
    free(m->label);
    *m = (struct exp_metric){0};
}

uint64_t exp_rep_seed(uint64_t seed, int rep)
{
    char name[32];
    snprintf(name, sizeof name, "rep.%d", rep);
    return sim_rng_mix(seed, name);
}

void exp_table_init(struct exp_table *t, int npoints, int reps, int nmetrics)
{
    t->npoints = npoints;
    t->reps = reps;
    t->nmetrics = nmetrics;
    size_t n = (size_t)npoints * (size_t)reps * (size_t)nmetrics;
    t->v = xmalloc((n ? n : 1) * sizeof *t->v);
    for (size_t i = 0; i < n; i++)
        t->v[i] = (double)NAN;
}

void exp_table_fini(struct exp_table *t)
{
    free(t->v);
    t->v = NULL;
}

double *exp_table_at(const struct exp_table *t, int point, int rep)
{
    return t->v + ((size_t)point * (size_t)t->reps + (size_t)rep) * (size_t)t->nmetrics;
}

/* The reps values of metric m at point p, into x. */
static void column(const struct exp_table *t, int p, int m, double *x)
{
    for (int r = 0; r < t->reps; r++)
        x[r] = exp_table_at(t, p, r)[m];
}

/* ---- readable numbers ------------------------------------------------------------------ */

/* How a metric is shown: seconds in ms below 1 s, dollars, ratios in %. */
struct unit {
    double scale;
    const char *suffix; /* after the number */
    const char *prefix; /* before it */
};

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

static struct unit unit_for(const char *metric, double ref)
{
    if (ends_with(metric, "_s"))
        return fabs(ref) < 1 ? (struct unit){1000, " ms", ""} : (struct unit){1, " s", ""};
    if (ends_with(metric, "_usd"))
        return (struct unit){1, "", "$"};
    if (!strcmp(metric, "error_ratio") || !strcmp(metric, "utilization"))
        return (struct unit){100, " %", ""};
    return (struct unit){1, "", ""};
}

/* v scaled, with 4 significant digits in fixed notation ("-" for NaN). */
static void fmt_num(char *buf, size_t n, double v, const struct unit *u, bool with_unit)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
        return;
    }
    v *= u->scale;
    int dec = 0;
    if (v != 0 && isfinite(v)) {
        int mag = (int)floor(log10(fabs(v)));
        dec = 3 - mag;
        if (dec < 0)
            dec = 0;
        if (dec > 8)
            dec = 8;
    }
    char digits[48];
    snprintf(digits, sizeof digits, "%.*f", dec, fabs(v));
    bool zero = strspn(digits, "0.") == strlen(digits); /* no "-0.00" */
    if (with_unit)
        snprintf(buf, n, "%s%s%s%s", v < 0 && !zero ? "-" : "", u->prefix, digits, u->suffix);
    else
        snprintf(buf, n, "%s%s", v < 0 && !zero ? "-" : "", digits);
}

/* "[lo, hi]" scaled like fmt_num. */
static void fmt_ci(char *buf, size_t n, const struct stats_ci *ci, const struct unit *u)
{
    char a[48], b[48];
    fmt_num(a, sizeof a, ci->lo, u, false);
    fmt_num(b, sizeof b, ci->hi, u, false);
    snprintf(buf, n, "[%s, %s]", a, b);
}

static const char *unit_name(const struct unit *u)
{
    if (*u->prefix)
        return u->prefix;
    return *u->suffix ? u->suffix + 1 : "";
}

/* ---- compare ----------------------------------------------------------------------------- */

static void put_ci(struct csvout *o, const struct stats_ci *ci)
{
    csvout_int(o, ci->n);
    csvout_num(o, ci->mean);
    csvout_num(o, ci->sd);
    csvout_num(o, ci->lo);
    csvout_num(o, ci->hi);
}

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
            column(t, p, k, a);
            stats_mean_ci(a, t->reps, level, &ci);
            char *label = exp_design_label(d, p);
            csvout_str(&o, m[k].label);
            csvout_str(&o, "mean");
            csvout_str(&o, label);
            csvout_empty(&o);
            put_ci(&o, &ci);
            csvout_empty(&o);
            csvout_empty(&o);
            csvout_empty(&o);
            csvout_num(&o, level);
            csvout_end_row(&o);
            free(label);
        }
        column(t, 0, k, a);
        for (int p = 1; p < t->npoints; p++) {
            struct stats_ci ci, w;
            column(t, p, k, b);
            stats_paired_ci(a, b, t->reps, level, &ci);
            stats_welch_ci(a, t->reps, b, t->reps, level, &w);
            char *label = exp_design_label(d, p);
            csvout_str(&o, m[k].label);
            csvout_str(&o, "difference");
            csvout_str(&o, label);
            csvout_str(&o, base);
            put_ci(&o, &ci);
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
        column(t, 0, k, a);
        stats_mean_ci(a, t->reps, level, &w0);
        struct unit u = unit_for(m[k].metric, w0.mean);
        fprintf(f, "\n%s%s%s%s\n", m[k].label, *unit_name(&u) ? " (" : "", unit_name(&u),
                *unit_name(&u) ? ")" : "");
        fprintf(f, "  %-*s %12s   %-24s\n", w, "variant", "mean", lev);
        char num[64], cis[128];
        for (int p = 0; p < np; p++) {
            column(t, p, k, b);
            stats_mean_ci(b, t->reps, level, &ci);
            fmt_num(num, sizeof num, ci.mean, &u, false);
            fmt_ci(cis, sizeof cis, &ci, &u);
            fprintf(f, "  %-*s %12s   %s\n", w, labels[p], num, cis);
        }
        for (int p = 1; p < np; p++) {
            struct stats_ci wl;
            column(t, p, k, b);
            stats_paired_ci(a, b, t->reps, level, &ci);
            stats_welch_ci(a, t->reps, b, t->reps, level, &wl);
            char name[256];
            if (np == 2)
                snprintf(name, sizeof name, "difference (paired)");
            else
                snprintf(name, sizeof name, "%s - %s", labels[p], labels[0]);
            fmt_num(num, sizeof num, ci.mean, &u, false);
            fmt_ci(cis, sizeof cis, &ci, &u);
            const char *sig = isnan(ci.lo) ? ""
                              : stats_ci_excludes_zero(&ci) ? "significant"
                                                            : "not significant";
            fprintf(f, "  %-*s %12s   %-24s %s\n", w, name, num, cis, sig);
            fmt_ci(cis, sizeof cis, &wl, &u);
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

/* ---- sweep ------------------------------------------------------------------------------ */

void exp_sweep_front(const struct exp_table *t, struct exp_sweep_marks *marks)
{
    double *x = xmalloc((size_t)t->npoints * sizeof *x), *y = xmalloc((size_t)t->npoints * sizeof *y);
    double *c = xmalloc((size_t)t->reps * sizeof *c);
    for (int p = 0; p < t->npoints; p++) {
        struct stats_ci ci;
        column(t, p, marks->fx, c);
        stats_mean_ci(c, t->reps, 0.95, &ci);
        x[p] = ci.mean;
        column(t, p, marks->fy, c);
        stats_mean_ci(c, t->reps, 0.95, &ci);
        y[p] = ci.mean;
    }
    pareto_front(x, y, t->npoints, marks->pareto);
    free(x);
    free(y);
    free(c);
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
            column(t, p, k, c);
            stats_mean_ci(c, t->reps, level, &ci);
            csvout_int(&o, p);
            for (int j = 0; j < d->nf; j++)
                csvout_str(&o, d->f[j].values[idx[j]]);
            csvout_str(&o, m[k].label);
            put_ci(&o, &ci);
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
    struct unit *u = xmalloc((size_t)(nm ? nm : 1) * sizeof *u);
    double *c = xmalloc((size_t)t->reps * sizeof *c);
    int *idx = xmalloc((size_t)(nf ? nf : 1) * sizeof *idx);
    for (int k = 0; k < nm; k++) {
        /* One unit per column, from the smallest mean: ms when any is below 1 s. */
        double ref = (double)NAN;
        for (int p = 0; p < np; p++) {
            struct stats_ci ci;
            column(t, p, k, c);
            stats_mean_ci(c, t->reps, level, &ci);
            if (isnan(ref) || fabs(ci.mean) < ref)
                ref = fabs(ci.mean);
        }
        u[k] = unit_for(m[k].metric, ref);
        const char *un = unit_name(&u[k]);
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
            column(t, p, k, c);
            stats_mean_ci(c, t->reps, level, &ci);
            fmt_num(a, sizeof a, ci.mean, &u[k], false);
            if (isnan(ci.half)) {
                snprintf(buf, sizeof buf, "%s", a);
            } else {
                fmt_num(b, sizeof b, ci.half, &u[k], false);
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
