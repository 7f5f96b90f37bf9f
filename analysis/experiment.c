#include "analysis/experiment.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
                       "%s; expected a value between the commas", arg,
                       start - (size_t)(list - arg) + 1, f->path);
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

/* Short names of metrics (--metric p99, --objectives p99,cost). */
static const char *const short_names[][2] = {
    {"p50", "latency_p50_s"},   {"p90", "latency_p90_s"},   {"p99", "latency_p99_s"},
    {"p999", "latency_p999_s"}, {"mean", "latency_mean_s"}, {"max", "latency_max_s"},
    {"cost", "cost_usd"},       {"throughput", "throughput_rps"},
};
#define NSHORT (sizeof short_names / sizeof short_names[0])

const char *exp_metric_short_names(void)
{
    return "p50, p90, p99, p999, mean, max (latency_*_s), cost (cost_usd), throughput "
           "(throughput_rps)";
}

static char *full_name(const char *s, size_t n)
{
    for (size_t i = 0; i < NSHORT; i++)
        if (strlen(short_names[i][0]) == n && !strncmp(s, short_names[i][0], n))
            return xstrdup(short_names[i][1]);
    return xstrndup(s, n);
}

int exp_metric_parse(const char *text, struct exp_metric *m)
{
    *m = (struct exp_metric){.num = -1, .den = -1, .twin = -1};
    const char *d1 = strchr(text, '.'), *d2 = strrchr(text, '.');
    if (!d1 || (d1 == d2 && d1 - text == 3 && !strncmp(text, "run", 3))) {
        const char *w = d1 ? d1 + 1 : text;
        if (!is_metric_word(w, strlen(w)))
            goto bad;
        m->scope = xstrdup("run");
        m->name = xstrdup("run");
        m->metric = full_name(w, strlen(w));
    } else {
        if (d1 == d2 || d2 == d1 + 1 || !is_metric_word(text, (size_t)(d1 - text)) ||
            !is_metric_word(d2 + 1, strlen(d2 + 1)))
            goto bad;
        m->scope = xstrndup(text, (size_t)(d1 - text));
        m->name = xstrndup(d1 + 1, (size_t)(d2 - d1 - 1));
        m->metric = full_name(d2 + 1, strlen(d2 + 1));
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
               "latency_p99_s) or SCOPE.NAME.METRIC (e.g. workload.shoppers.latency_p99_s), "
               "METRIC may be short: %s; `elbsim list metrics` lists them", text,
               exp_metric_short_names());
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
    t->v_map_bytes = 0;
    for (size_t i = 0; i < n; i++)
        t->v[i] = (double)NAN;
    size_t runs = (size_t)npoints * (size_t)reps;
    t->warmup_s = xmalloc((runs ? runs : 1) * sizeof *t->warmup_s);
    for (size_t i = 0; i < runs; i++)
        t->warmup_s[i] = (double)NAN;
}

void exp_table_init_shape(struct exp_table *t, int npoints, int reps, int nmetrics)
{
    exp_table_init(t, npoints, reps, 0);
    t->nmetrics = nmetrics;
    free(t->v);
    t->v = NULL;
}

int exp_table_map(struct exp_table *t, int fd)
{
    size_t n = (size_t)t->npoints * (size_t)t->reps * (size_t)t->nmetrics * sizeof *t->v;
    if (n == 0) {
        t->v = xmalloc(sizeof *t->v); /* mmap takes no empty mapping */
        return 0;
    }
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return -1;
    t->v = p;
    t->v_map_bytes = n;
    return 0;
}

void exp_table_fini(struct exp_table *t)
{
    if (t->v_map_bytes)
        munmap(t->v, t->v_map_bytes);
    else
        free(t->v);
    free(t->warmup_s);
    t->v = NULL;
    t->v_map_bytes = 0;
    t->warmup_s = NULL;
}

double *exp_table_at(const struct exp_table *t, int point, int rep)
{
    return t->v + ((size_t)point * (size_t)t->reps + (size_t)rep) * (size_t)t->nmetrics;
}

void exp_table_column(const struct exp_table *t, int point, int m, double *x)
{
    for (int r = 0; r < t->reps; r++)
        x[r] = exp_table_at(t, point, r)[m];
}

bool exp_table_has_metric(const struct exp_table *t, int m)
{
    size_t runs = (size_t)t->npoints * (size_t)t->reps;
    for (size_t j = 0; j < runs; j++)
        if (!isnan(t->v[j * (size_t)t->nmetrics + (size_t)m]))
            return true;
    return false;
}

