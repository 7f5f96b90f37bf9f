/* Reading and writing distribution text: the table of names and parameters, the checks
 * with their messages, empirical CSV files, and sim_dist_format.  See sim/dist.h. */
#include "sim/dist.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "sim/call.h"
#include "sim/csvin.h"
#include "sim/path.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* Rows of both tables below, in the order `elbsim list distributions` shows them. */
enum dist_row {
    ROW_CONST,
    ROW_UNIFORM,
    ROW_EXP,
    ROW_ERLANG,
    ROW_GAMMA,
    ROW_LOGNORMAL,
    ROW_NORMAL,
    ROW_WEIBULL,
    ROW_PARETO,
    ROW_HYPEREXP,
    ROW_EMPIRICAL,
    ROW_MIXTURE,
    ROW_COUNT,
};

const struct sim_dist_info sim_dist_table[] = {
    [ROW_CONST] = {"const", "const(VALUE), or just VALUE",
                   "always VALUE: no variability at all"},
    [ROW_UNIFORM] = {"uniform", "uniform(min=, max=)", "equally likely anywhere in [min, max)"},
    [ROW_EXP] = {"exp", "exp(mean=) | exp(rate=)",
                 "exponential: memoryless, cv 1; the gaps of a Poisson process"},
    [ROW_ERLANG] = {"erlang", "erlang(k=, mean=)",
                    "sum of k exponential phases: cv 1/sqrt(k), more regular than exp"},
    [ROW_GAMMA] = {"gamma", "gamma(mean=, cv=)", "gamma with shape 1/cv^2: any cv, light tail"},
    [ROW_LOGNORMAL] = {"lognormal", "lognormal(median=, p99=) | lognormal(mean=, cv=)",
                       "multiplicative noise: the usual shape of service times, long right tail"},
    [ROW_NORMAL] = {"normal", "normal(mean=, sd=)",
                    "normal truncated at zero; mean (>= 0) and sd are those before truncation"},
    [ROW_WEIBULL] = {"weibull", "weibull(shape=, scale=)",
                     "shape < 1: long tail; 1: exponential; > 1: more regular"},
    [ROW_PARETO] = {"pareto", "pareto(min=, alpha=) | pareto(min=, max=, alpha=)",
                    "power-law tail P(X > x) = (min/x)^alpha: no mean if alpha <= 1, no "
                    "variance if alpha <= 2; max= cuts it off"},
    [ROW_HYPEREXP] = {"hyperexp", "hyperexp(mean=, cv=)",
                      "two exponential phases with balanced means, cv >= 1: bursty"},
    [ROW_EMPIRICAL] = {"empirical", "empirical(FILE.csv)",
                       "resamples one CSV column of observations, interpolating between them"},
    [ROW_MIXTURE] = {"mixture", "mixture(W1: DIST1, W2: DIST2, ...)",
                     "DIST_i with probability W_i; the weights sum to 1"},
    [ROW_COUNT] = {NULL, NULL, NULL},
};

/* How a parameter's value is written. */
enum param_kind {
    PK_VALUE,  /* in the distribution's unit (a duration, usually) */
    PK_RATE,   /* in the inverse unit: per second for durations */
    PK_NUMBER, /* a plain number (cv, shape, alpha) */
    PK_COUNT,  /* a plain whole number >= 1 */
};

enum param_check {
    PC_POSITIVE, /* > 0 */
    PC_NONNEG,   /* >= 0 */
    PC_AT_LEAST_1,
};

struct param_spec {
    const char *name;
    enum param_kind kind;
    enum param_check check;
};

struct dist_parser {
    const char *text;       /* the whole text; call offsets are relative to it */
    const struct loc *base; /* where text starts, NULL = command line */
    const char *base_dir;   /* for relative empirical paths; NULL = cwd */
    enum sim_unit unit;     /* unit of the values */
};

/* Turns the checked parameters in d->param into d->kind and d->u; arg[i] is the argument
 * that gave parameter i (NULL if absent), for pointing at it. */
typedef int dist_build_fn(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                          const struct sim_call_arg *const *arg);

/* Distributions with their own syntax (const, empirical, mixture). */
typedef int dist_parse_fn(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c);

struct dist_spec {
    struct param_spec params[SIM_DIST_MAX_PARAMS]; /* name NULL ends the list */
    unsigned forms[3];   /* each a set (bit i = params[i]) that may be given; 0 ends */
    dist_build_fn *build; /* for named parameters */
    dist_parse_fn *parse; /* for the others (params empty) */
};

static dist_build_fn build_uniform, build_exp, build_erlang, build_gamma, build_lognormal,
    build_normal, build_weibull, build_pareto, build_hyperexp;
static dist_parse_fn parse_const, parse_empirical, parse_mixture;

static const struct dist_spec specs[ROW_COUNT] = {
    [ROW_CONST] = {.parse = parse_const},
    [ROW_UNIFORM] = {{{"min", PK_VALUE, PC_NONNEG}, {"max", PK_VALUE, PC_POSITIVE}},
                     {0x3},
                     build_uniform, NULL},
    [ROW_EXP] = {{{"mean", PK_VALUE, PC_POSITIVE}, {"rate", PK_RATE, PC_POSITIVE}},
                 {0x1, 0x2},
                 build_exp, NULL},
    [ROW_ERLANG] = {{{"k", PK_COUNT, PC_POSITIVE}, {"mean", PK_VALUE, PC_POSITIVE}},
                    {0x3},
                    build_erlang, NULL},
    [ROW_GAMMA] = {{{"mean", PK_VALUE, PC_POSITIVE}, {"cv", PK_NUMBER, PC_POSITIVE}},
                   {0x3},
                   build_gamma, NULL},
    [ROW_LOGNORMAL] = {{{"median", PK_VALUE, PC_POSITIVE},
                        {"p99", PK_VALUE, PC_POSITIVE},
                        {"mean", PK_VALUE, PC_POSITIVE},
                        {"cv", PK_NUMBER, PC_POSITIVE}},
                       {0x3, 0xc},
                       build_lognormal, NULL},
    [ROW_NORMAL] = {{{"mean", PK_VALUE, PC_NONNEG}, {"sd", PK_VALUE, PC_POSITIVE}},
                    {0x3},
                    build_normal, NULL},
    [ROW_WEIBULL] = {{{"shape", PK_NUMBER, PC_POSITIVE}, {"scale", PK_VALUE, PC_POSITIVE}},
                     {0x3},
                     build_weibull, NULL},
    [ROW_PARETO] = {{{"min", PK_VALUE, PC_POSITIVE},
                     {"max", PK_VALUE, PC_POSITIVE},
                     {"alpha", PK_NUMBER, PC_POSITIVE}},
                    {0x5, 0x7},
                    build_pareto, NULL},
    [ROW_HYPEREXP] = {{{"mean", PK_VALUE, PC_POSITIVE}, {"cv", PK_NUMBER, PC_AT_LEAST_1}},
                      {0x3},
                      build_hyperexp, NULL},
    [ROW_EMPIRICAL] = {.parse = parse_empirical},
    [ROW_MIXTURE] = {.parse = parse_mixture},
};

/* ---- small helpers ---------------------------------------------------------------- */

/* A bounded string builder: appends while there is room, always NUL-terminated. */
struct sbuf {
    char *buf;
    size_t n, len;
};

__attribute__((format(printf, 2, 3))) static void sbuf_add(struct sbuf *b, const char *fmt, ...)
{
    if (b->n == 0 || b->len >= b->n - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->buf + b->len, b->n - b->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        b->len = b->len + (size_t)k < b->n ? b->len + (size_t)k : b->n - 1;
}


/* " (did you mean 'x'?)" into buf when some candidate is within 2 edits, else "". */
static void suggest(const char *word, const char *const *cands, size_t ncands, char *buf,
                    size_t n)
{
    size_t best = 3;
    const char *pick = NULL;
    for (size_t i = 0; i < ncands; i++) {
        size_t e = text_distance(word, cands[i]);
        if (e < best && e < strlen(cands[i])) {
            best = e;
            pick = cands[i];
        }
    }
    if (pick)
        snprintf(buf, n, " (did you mean '%s'?)", pick);
    else if (n)
        buf[0] = '\0';
}

static const char *unit_noun(enum sim_unit u)
{
    switch (u) {
    case SIM_UNIT_SECONDS:
        return "durations";
    case SIM_UNIT_RATE:
        return "rates";
    case SIM_UNIT_BYTES:
        return "sizes";
    case SIM_UNIT_NONE:
        break;
    }
    return "plain numbers";
}

/* "exp(mean=) or exp(rate=)": every accepted form of a named-parameter distribution. */
static void forms_text(enum dist_row row, char *buf, size_t n)
{
    const struct dist_spec *s = &specs[row];
    struct sbuf b = {buf, n, 0};
    if (n)
        buf[0] = '\0';
    for (int f = 0; f < 3 && s->forms[f]; f++) {
        sbuf_add(&b, "%s%s(", f ? " or " : "", sim_dist_table[row].name);
        const char *sep = "";
        for (int i = 0; i < SIM_DIST_MAX_PARAMS && s->params[i].name; i++)
            if (s->forms[f] & (1u << i)) {
                sbuf_add(&b, "%s%s=", sep, s->params[i].name);
                sep = ", ";
            }
        sbuf_add(&b, ")");
    }
}

/* "mean, rate": the parameter names of a row. */
static void params_text(enum dist_row row, char *buf, size_t n)
{
    struct sbuf b = {buf, n, 0};
    if (n)
        buf[0] = '\0';
    for (int i = 0; i < SIM_DIST_MAX_PARAMS && specs[row].params[i].name; i++)
        sbuf_add(&b, "%s%s", i ? ", " : "", specs[row].params[i].name);
}

static struct sim_dist *dist_new(enum dist_row row, enum sim_unit unit)
{
    struct sim_dist *d = xcalloc(1, sizeof *d);
    d->spec = row;
    d->unit = unit;
    return d;
}

/* A value of unit u at text [off, off+len) that must be >= 0; reports and returns -1. */
static int value_nonneg(struct dist_parser *dp, const char *what, const char *value, size_t off,
                        size_t len, enum sim_unit u, double *out)
{
    const char *why;
    if (sim_units_parse(value, len, u, out, &why))
        return diag_error_text(dp->base, dp->text, off, len, "bad value '%s' for %s: %s", value,
                               what, why);
    if (!(*out >= 0))
        return diag_error_text(dp->base, dp->text, off, len,
                               "%s must be >= 0; got '%s' (distributions here describe "
                               "non-negative quantities)",
                               what, value);
    return 0;
}

/* ---- the distributions ------------------------------------------------------------ */

static int parse_dist(struct dist_parser *dp, const struct sim_call *c, struct sim_dist **out);

static int parse_const(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c)
{
    if (c->nargs != 1 || c->args[0].key)
        return diag_error_text(dp->base, dp->text, c->name_off, c->end_off - c->name_off,
                               "const takes one value, e.g. const(5ms)");
    const struct sim_call_arg *a = &c->args[0];
    if (value_nonneg(dp, "const", a->value, a->value_off, a->value_len, dp->unit, &d->param[0]))
        return -1;
    d->kind = SIM_DIST_CONST;
    d->given = 1;
    d->u.value = d->param[0];
    return 0;
}

/* A value with no parentheses where a distribution is expected: a constant. */
static int parse_bare(struct dist_parser *dp, const struct sim_call_arg *a, struct sim_dist **out)
{
    double v;
    const char *why;
    *out = NULL;
    if (sim_units_parse(a->value, a->value_len, dp->unit, &v, &why)) {
        for (int r = 0; r < ROW_COUNT; r++)
            if (!strcmp(a->value, sim_dist_table[r].name))
                return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                                       "distribution '%s' needs parameters: %s", a->value,
                                       sim_dist_table[r].synopsis);
        return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                               "bad value '%s': %s; or a distribution such as "
                               "exp(mean=20ms) (`elbsim list distributions` shows all)",
                               a->value, why);
    }
    if (!(v >= 0))
        return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                               "value must be >= 0; got '%s'", a->value);
    struct sim_dist *d = dist_new(ROW_CONST, dp->unit);
    d->kind = SIM_DIST_CONST;
    d->given = 1;
    d->param[0] = v;
    d->u.value = v;
    *out = d;
    return 0;
}

static int build_uniform(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                         const struct sim_call_arg *const *arg)
{
    (void)c;
    double min = d->param[0], max = d->param[1];
    if (!(max > min))
        return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                               "uniform: max (%s) must exceed min (%s)", arg[1]->value,
                               arg[0]->value);
    d->kind = SIM_DIST_UNIFORM;
    d->u.uniform.min = min;
    d->u.uniform.width = max - min;
    if (!isfinite(d->u.uniform.width))
        return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                               "uniform: max - min is out of range");
    return 0;
}

static int build_exp(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                     const struct sim_call_arg *const *arg)
{
    (void)c;
    d->kind = SIM_DIST_EXP;
    d->u.exp.mean = (d->given & 1) ? d->param[0] : 1.0 / d->param[1];
    if (!isfinite(d->u.exp.mean))
        return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                               "exp: rate '%s' is too small (its mean is out of range)",
                               arg[1]->value);
    return 0;
}

static int build_erlang(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                        const struct sim_call_arg *const *arg)
{
    (void)dp, (void)c, (void)arg;
    d->kind = SIM_DIST_GAMMA;
    d->u.gamma.shape = d->param[0];
    d->u.gamma.scale = d->param[1] / d->param[0];
    return 0;
}

static int build_gamma(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                       const struct sim_call_arg *const *arg)
{
    (void)c;
    double cv2 = d->param[1] * d->param[1];
    d->kind = SIM_DIST_GAMMA;
    d->u.gamma.shape = 1.0 / cv2;
    d->u.gamma.scale = d->param[0] * cv2;
    if (!(d->u.gamma.shape > 0 && isfinite(d->u.gamma.shape) && d->u.gamma.scale > 0 &&
          isfinite(d->u.gamma.scale)))
        return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                               "gamma: cv '%s' is out of range", arg[1]->value);
    return 0;
}

static int build_lognormal(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                           const struct sim_call_arg *const *arg)
{
    (void)c;
    d->kind = SIM_DIST_LOGNORMAL;
    if (d->given == 0x3) {
        /* median = e^mu; p99 = e^(mu + z99 sigma). */
        double median = d->param[0], p99 = d->param[1];
        if (!(p99 > median))
            return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                                   "lognormal: p99 (%s) must exceed median (%s)", arg[1]->value,
                                   arg[0]->value);
        d->u.lognormal.mu = log(median);
        d->u.lognormal.sigma = (log(p99) - log(median)) / gsl_cdf_ugaussian_Pinv(0.99);
    } else {
        /* mean = e^(mu + sigma^2/2), cv^2 = e^(sigma^2) - 1. */
        double s2 = log1p(d->param[3] * d->param[3]);
        d->u.lognormal.sigma = sqrt(s2);
        d->u.lognormal.mu = log(d->param[2]) - 0.5 * s2;
    }
    if (!(d->u.lognormal.sigma > 0 && isfinite(d->u.lognormal.sigma) &&
          isfinite(d->u.lognormal.mu))) {
        const struct sim_call_arg *a = arg[1] ? arg[1] : arg[3];
        return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                               "lognormal: '%s' gives a spread out of range", a->value);
    }
    return 0;
}

static int build_normal(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                        const struct sim_call_arg *const *arg)
{
    (void)dp, (void)c, (void)arg;
    d->kind = SIM_DIST_NORMAL;
    d->u.normal.mu = d->param[0];
    d->u.normal.sd = d->param[1];
    d->u.normal.mass = gsl_cdf_ugaussian_P(d->param[0] / d->param[1]); /* >= 1/2 */
    return 0;
}

static int build_weibull(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                         const struct sim_call_arg *const *arg)
{
    (void)dp, (void)c, (void)arg;
    d->kind = SIM_DIST_WEIBULL;
    d->u.weibull.shape = d->param[0];
    d->u.weibull.scale = d->param[1];
    return 0;
}

static int build_pareto(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                        const struct sim_call_arg *const *arg)
{
    (void)c;
    double min = d->param[0], alpha = d->param[2];
    d->u.pareto.min = min;
    d->u.pareto.alpha = alpha;
    if (!(d->given & 0x2)) {
        d->kind = SIM_DIST_PARETO;
        d->u.pareto.max = HUGE_VAL;
        d->u.pareto.span = 1;
        return 0;
    }
    double max = d->param[1];
    if (!(max > min))
        return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                               "pareto: max (%s) must exceed min (%s)", arg[1]->value,
                               arg[0]->value);
    d->kind = SIM_DIST_PARETO_BOUNDED;
    d->u.pareto.max = max;
    d->u.pareto.span = -expm1(alpha * log(min / max));
    if (!(d->u.pareto.span > 0))
        return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                               "pareto: max (%s) is too close to min (%s) for alpha %s",
                               arg[1]->value, arg[0]->value, arg[2]->value);
    return 0;
}

static int build_hyperexp(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c,
                          const struct sim_call_arg *const *arg)
{
    (void)c;
    /* Balanced means (p1 m1 = p2 m2 = mean/2) with squared cv c2 give
     * p1,2 = (1 +- s)/2, s = sqrt((c2 - 1)/(c2 + 1)); p2 = 1/((c2 + 1)(1 + s)) avoids the
     * cancellation in 1 - s when cv is large. */
    double mean = d->param[0], c2 = d->param[1] * d->param[1];
    double s = sqrt((c2 - 1) / (c2 + 1));
    double p2 = 1.0 / ((c2 + 1) * (1 + s));
    d->kind = SIM_DIST_HYPEREXP;
    d->u.hyperexp.p1 = 1 - p2;
    d->u.hyperexp.mean1 = mean / (2 * (1 - p2));
    d->u.hyperexp.mean2 = mean / (2 * p2);
    if (!(p2 > 0 && isfinite(d->u.hyperexp.mean2)))
        return diag_error_text(dp->base, dp->text, arg[1]->value_off, arg[1]->value_len,
                               "hyperexp: cv '%s' is out of range", arg[1]->value);
    return 0;
}

/* Empirical CSV files: one column of observations, a header line optional. */
struct emp_reader {
    enum sim_unit unit; /* of the values */
    double *x;          /* values read; owned until handed to the dist */
    size_t n, cap;
};

static int emp_row(void *ctx, const struct csvin_row *row)
{
    struct emp_reader *r = ctx;
    const char *f = row->fields[0];
    /* The first row is a header when it starts with a letter ("latency_ms"). */
    bool header = row->record == 0 &&
                  ((f[0] >= 'a' && f[0] <= 'z') || (f[0] >= 'A' && f[0] <= 'Z') || f[0] == '_');
    if (!header) {
        double v;
        const char *why;
        if (sim_units_parse(f, strlen(f), r->unit, &v, &why))
            return csvin_error(row, 0, "bad value '%s': %s", csvin_value(row, 0), why);
        if (!(v >= 0))
            return csvin_error(row, 0, "bad value '%s': observations must be >= 0",
                               csvin_value(row, 0));
        if (r->n == r->cap) {
            r->cap = r->cap ? 2 * r->cap : 256;
            r->x = xrealloc(r->x, r->cap * sizeof *r->x);
        }
        r->x[r->n++] = v;
    }
    if (row->nfields > 1)
        return csvin_error(row, 1, "more than one field in a row; expected one column of "
                                   "values");
    return 0;
}

static int parse_empirical(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c)
{
    if (c->nargs != 1 || (c->args[0].key && strcmp(c->args[0].key, "file") != 0) ||
        (c->args[0].key && c->args[0].sep != '='))
        return diag_error_text(dp->base, dp->text, c->name_off, c->end_off - c->name_off,
                               "empirical takes one file name, e.g. empirical(latency.csv)");
    const struct sim_call_arg *a = &c->args[0];
    char *path = sim_path_join(dp->base_dir, a->value);
    struct emp_reader r = {.unit = dp->unit};
    struct csvin_origin named = {dp->base, dp->text, a->value_off, a->value_len};
    int rc = csvin_read(path, &named, emp_row, &r);
    if (!rc && r.n == 0)
        rc = diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                             "'%s' holds no values; expected one column of observations",
                             path);
    free(path);
    if (rc) {
        free(r.x);
        return -1;
    }
    gsl_sort(r.x, 1, r.n);
    d->kind = SIM_DIST_EMPIRICAL;
    d->u.empirical.n = r.n;
    d->u.empirical.x = r.x;
    d->path = sim_path_absolute(dp->base_dir, a->value); /* for sim_dist_format */
    return 0;
}

static int parse_mixture(struct dist_parser *dp, struct sim_dist *d, const struct sim_call *c)
{
    size_t n = c->nargs;
    if (n == 0)
        return diag_error_text(dp->base, dp->text, c->name_off, c->end_off - c->name_off,
                               "mixture needs components: mixture(W1: DIST1, W2: DIST2, ...)");
    d->kind = SIM_DIST_MIXTURE;
    d->u.mixture.comp = xcalloc(n, sizeof *d->u.mixture.comp);
    d->u.mixture.weight = xcalloc(n, sizeof(double));
    d->u.mixture.prob = xcalloc(n, sizeof(double));
    d->u.mixture.cum = xcalloc(n, sizeof(double));
    d->u.mixture.n = n; /* components stay NULL until parsed; sim_dist_free copes */
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const struct sim_call_arg *a = &c->args[i];
        if (!a->key || a->sep != ':')
            return diag_error_text(dp->base, dp->text, a->key_off,
                                   a->value_off + a->value_len - a->key_off,
                                   "a mixture component is 'WEIGHT: DISTRIBUTION', e.g. "
                                   "0.9: exp(mean=10ms)");
        double w;
        const char *why;
        size_t klen = strlen(a->key);
        if (sim_units_parse(a->key, klen, SIM_UNIT_NONE, &w, &why))
            return diag_error_text(dp->base, dp->text, a->key_off, klen,
                                   "bad mixture weight '%s': %s", a->key, why);
        if (!(w > 0 && w <= 1))
            return diag_error_text(dp->base, dp->text, a->key_off, klen,
                                   "mixture weight must be > 0 and <= 1; got '%s'", a->key);
        d->u.mixture.weight[i] = w;
        sum += w;
        int rc = a->call ? parse_dist(dp, a->call, &d->u.mixture.comp[i])
                         : parse_bare(dp, a, &d->u.mixture.comp[i]);
        if (rc)
            return -1;
    }
    if (!(fabs(sum - 1) <= 1e-9)) {
        size_t b = c->args[0].key_off;
        const struct sim_call_arg *l = &c->args[n - 1];
        return diag_error_text(dp->base, dp->text, b, l->value_off + l->value_len - b,
                               "mixture weights sum to %.10g, not 1", sum);
    }
    double acc = 0;
    for (size_t i = 0; i < n; i++) {
        d->u.mixture.prob[i] = d->u.mixture.weight[i] / sum;
        acc += d->u.mixture.prob[i];
        d->u.mixture.cum[i] = acc;
    }
    d->u.mixture.cum[n - 1] = 1;
    return 0;
}

/* A distribution with named parameters: match, check each value, pick the form, build. */
static int parse_named(struct dist_parser *dp, enum dist_row row, struct sim_dist *d,
                       const struct sim_call *c)
{
    const struct dist_spec *s = &specs[row];
    const char *dname = sim_dist_table[row].name;
    const struct sim_call_arg *arg[SIM_DIST_MAX_PARAMS] = {NULL};
    const char *names[SIM_DIST_MAX_PARAMS];
    size_t np = 0;
    while (np < SIM_DIST_MAX_PARAMS && s->params[np].name) {
        names[np] = s->params[np].name;
        np++;
    }
    char forms[160], plist[80], hint[64];
    forms_text(row, forms, sizeof forms);
    params_text(row, plist, sizeof plist);

    unsigned given = 0;
    for (size_t k = 0; k < c->nargs; k++) {
        const struct sim_call_arg *a = &c->args[k];
        if (!a->key)
            return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                                   "%s takes named parameters, not '%s'; expected %s", dname,
                                   a->value, forms);
        size_t klen = strlen(a->key);
        size_t i = 0;
        while (i < np && strcmp(a->key, names[i]) != 0)
            i++;
        if (i == np) {
            suggest(a->key, names, np, hint, sizeof hint);
            return diag_error_text(dp->base, dp->text, a->key_off, klen,
                                   "%s has no parameter '%s'%s; valid parameters of %s: %s",
                                   dname, a->key, hint, dname, plist);
        }
        if (a->sep != '=')
            return diag_error_text(dp->base, dp->text, a->key_off, klen + 1,
                                   "expected '%s=VALUE' with '=', not '%c'", a->key, a->sep);
        if (given & (1u << i))
            return diag_error_text(dp->base, dp->text, a->key_off, klen,
                                   "duplicate parameter '%s' in %s; give each parameter once",
                                   a->key, dname);
        const struct param_spec *ps = &s->params[i];
        enum sim_unit u = SIM_UNIT_NONE;
        if (ps->kind == PK_VALUE) {
            u = dp->unit;
        } else if (ps->kind == PK_RATE) {
            if (dp->unit == SIM_UNIT_SECONDS)
                u = SIM_UNIT_RATE;
            else if (dp->unit != SIM_UNIT_NONE)
                return diag_error_text(dp->base, dp->text, a->key_off, klen,
                                       "%s: '%s=' is only for durations; these values are "
                                       "%s, so write mean=",
                                       dname, a->key, unit_noun(dp->unit));
        }
        double v;
        const char *why;
        if (sim_units_parse(a->value, a->value_len, u, &v, &why))
            return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                                   "bad value '%s' for %s of %s: %s", a->value, a->key, dname,
                                   why);
        bool ok = true;
        const char *need = "";
        switch (ps->check) {
        case PC_POSITIVE:
            ok = v > 0, need = "> 0";
            break;
        case PC_NONNEG:
            ok = v >= 0, need = ">= 0";
            break;
        case PC_AT_LEAST_1:
            ok = v >= 1, need = ">= 1";
            break;
        }
        if (!ok)
            return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                                   "%s: %s must be %s; got '%s'", dname, a->key, need, a->value);
        if (ps->kind == PK_COUNT && !(v == floor(v) && v <= 1e6))
            return diag_error_text(dp->base, dp->text, a->value_off, a->value_len,
                                   "%s: %s must be a whole number from 1 to 1000000; got '%s'",
                                   dname, a->key, a->value);
        d->param[i] = v;
        arg[i] = a;
        given |= 1u << i;
    }

    /* Which form: exactly one of the accepted sets, else say what is missing or clashes. */
    int form = -1;
    for (int f = 0; f < 3 && s->forms[f]; f++)
        if (s->forms[f] == given)
            form = f;
    if (form < 0) {
        size_t span_b = c->name_off, span_l = c->end_off - c->name_off;
        for (int f = 0; f < 3 && s->forms[f]; f++) {
            if ((given & ~s->forms[f]) != 0)
                continue;
            unsigned missing = s->forms[f] & ~given;
            size_t i = 0;
            while (!(missing & (1u << i)))
                i++;
            return diag_error_text(dp->base, dp->text, span_b, span_l,
                                   "missing parameter '%s' for %s; expected %s", names[i],
                                   dname, forms);
        }
        /* No form holds all given parameters: name two that cannot go together. */
        size_t first = 0;
        while (!(given & (1u << first)))
            first++;
        for (int f = 0; f < 3 && s->forms[f]; f++) {
            if (!(s->forms[f] & (1u << first)))
                continue;
            unsigned clash = given & ~s->forms[f];
            size_t j = 0;
            while (!(clash & (1u << j)))
                j++;
            return diag_error_text(dp->base, dp->text, arg[j]->key_off, strlen(arg[j]->key),
                                   "%s: '%s' cannot be combined with '%s'; expected %s", dname,
                                   names[j], names[first], forms);
        }
        ELB_ASSERT(0 && "every parameter belongs to some form");
    }
    d->given = given;
    return s->build(dp, d, c, arg);
}

static int parse_dist(struct dist_parser *dp, const struct sim_call *c, struct sim_dist **out)
{
    *out = NULL;
    if (!c->name)
        return parse_bare(dp, &c->args[0], out);
    int row = 0;
    while (row < ROW_COUNT && strcmp(c->name, sim_dist_table[row].name) != 0)
        row++;
    if (row == ROW_COUNT) {
        const char *names[ROW_COUNT];
        char list[200], hint[64];
        struct sbuf b = {list, sizeof list, 0};
        list[0] = '\0';
        for (int r = 0; r < ROW_COUNT; r++) {
            names[r] = sim_dist_table[r].name;
            sbuf_add(&b, "%s%s", r ? ", " : "", names[r]);
        }
        suggest(c->name, names, ROW_COUNT, hint, sizeof hint);
        return diag_error_text(dp->base, dp->text, c->name_off, c->name_len,
                               "unknown distribution '%s'%s; expected one of: %s", c->name,
                               hint, list);
    }
    struct sim_dist *d = dist_new((enum dist_row)row, dp->unit);
    *out = d;
    if (specs[row].parse)
        return specs[row].parse(dp, d, c);
    return parse_named(dp, (enum dist_row)row, d, c);
}

int sim_dist_parse(const char *text, enum sim_unit unit, const struct loc *base,
                   const char *base_dir, struct sim_dist **out)
{
    *out = NULL;
    struct sim_call *c;
    if (sim_call_parse(text, base, &c))
        return -1;
    struct dist_parser dp = {text, base, base_dir, unit};
    struct sim_dist *d;
    int rc = parse_dist(&dp, c, &d);
    sim_call_free(c);
    if (rc) {
        sim_dist_free(d);
        return -1;
    }
    *out = d;
    return 0;
}

/* ---- formatting ------------------------------------------------------------------- */

static void format_into(struct sbuf *b, const struct sim_dist *d)
{
    char v[40];
    const char *name = sim_dist_table[d->spec].name;
    switch ((enum dist_row)d->spec) {
    case ROW_CONST:
        sim_units_format(d->param[0], d->unit, v, sizeof v);
        sbuf_add(b, "const(%s)", v);
        return;
    case ROW_EMPIRICAL:
        sbuf_add(b, "empirical(%s)", d->path);
        return;
    case ROW_MIXTURE:
        sbuf_add(b, "mixture(");
        for (size_t i = 0; i < d->u.mixture.n; i++) {
            sim_units_format(d->u.mixture.weight[i], SIM_UNIT_NONE, v, sizeof v);
            sbuf_add(b, "%s%s: ", i ? ", " : "", v);
            format_into(b, d->u.mixture.comp[i]);
        }
        sbuf_add(b, ")");
        return;
    default:
        break;
    }
    const struct dist_spec *s = &specs[d->spec];
    sbuf_add(b, "%s(", name);
    const char *sep = "";
    for (int i = 0; i < SIM_DIST_MAX_PARAMS && s->params[i].name; i++) {
        if (!(d->given & (1u << i)))
            continue;
        enum sim_unit u = SIM_UNIT_NONE;
        if (s->params[i].kind == PK_VALUE)
            u = d->unit;
        else if (s->params[i].kind == PK_RATE && d->unit == SIM_UNIT_SECONDS)
            u = SIM_UNIT_RATE;
        sim_units_format(d->param[i], u, v, sizeof v);
        sbuf_add(b, "%s%s=%s", sep, s->params[i].name, v);
        sep = ", ";
    }
    sbuf_add(b, ")");
}

void sim_dist_format(const struct sim_dist *d, char *buf, size_t n)
{
    struct sbuf b = {buf, n, 0};
    if (n)
        buf[0] = '\0';
    format_into(&b, d);
}
