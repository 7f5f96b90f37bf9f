/* The forecaster's common part: method table and parsing, the history window, error
 * measures, the rolling-origin backtest, the capacity schedule and the synthetic history.
 * The methods live in forecast_naive.c, forecast_hw.c and forecast_regression.c. */
#include "models/forecast/forecast.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/call.h"
#include "sim/diag.h"
#include "sim/rng.h"
#include "sim/text.h"
#include "sim/xalloc.h"

static const struct forecast_ops *const forecast_table[] = {
    &forecast_naive_ops,
    &forecast_hw_ops,
    &forecast_regression_ops,
};
#define NMETHODS (sizeof forecast_table / sizeof forecast_table[0])

const struct forecast_method forecast_variants[FORECAST_NVARIANTS] = {
    {&forecast_naive_ops, 0},      {&forecast_naive_ops, 1},      {&forecast_hw_ops, 0},
    {&forecast_regression_ops, 0}, {&forecast_regression_ops, 1},
};

const struct forecast_method forecast_method_default = {&forecast_hw_ops, 0};

const char *forecast_method_names(void)
{
    return "seasonal_naive, holt_winters, regression";
}

static size_t count_values(const struct forecast_ops *ops)
{
    size_t k = 0;
    while (ops->values && ops->values[k])
        k++;
    return k;
}

/* "a, b or c" of the parameter's values. */
static void list_values(const struct forecast_ops *ops, char *buf, size_t n)
{
    size_t used = 0, nv = count_values(ops);
    buf[0] = '\0';
    for (size_t i = 0; i < nv; i++)
        text_appendf(buf, n, &used, "%s%s", i == 0 ? "" : i + 1 == nv ? " or " : ", ",
                     ops->values[i]);
}

int forecast_method_parse(const char *text, const struct loc *where, struct forecast_method *m)
{
    struct sim_call *c;
    if (sim_call_parse(text, where, &c))
        return -1;
    int rc = -1;
    const char *name = c->name ? c->name : c->args[0].value;
    size_t name_off = c->name ? c->name_off : c->args[0].value_off;
    size_t name_len = strlen(name);
    const struct forecast_ops *ops = NULL;
    for (size_t i = 0; i < NMETHODS; i++)
        if (!strcmp(name, forecast_table[i]->name))
            ops = forecast_table[i];
    if (!ops) {
        const char *cands[NMETHODS + 1];
        for (size_t i = 0; i < NMETHODS; i++)
            cands[i] = forecast_table[i]->name;
        cands[NMETHODS] = NULL;
        const char *near = text_nearest(name, cands);
        char hint[96] = "";
        if (near)
            snprintf(hint, sizeof hint, " (did you mean '%s'?)", near);
        diag_error_text(where, text, name_off, name_len,
                        "unknown forecast method '%s'%s; expected one of: %s", name, hint,
                        forecast_method_names());
        goto out_free;
    }
    struct forecast_method got = {ops, 0};
    size_t nargs = c->name ? c->nargs : 0;
    for (size_t i = 0; i < nargs; i++) {
        const struct sim_call_arg *a = &c->args[i];
        if (!ops->param) {
            diag_error_text(where, text, a->key_off, a->value_off + a->value_len - a->key_off,
                            "%s takes no parameters", ops->name);
            goto out_free;
        }
        if (!a->key || strcmp(a->key, ops->param) || a->sep != '=' || nargs > 1) {
            size_t off = a->key ? a->key_off : a->value_off;
            diag_error_text(where, text, off, a->value_off + a->value_len - off,
                            "%s has one parameter, %s=VALUE, given once", ops->name, ops->param);
            goto out_free;
        }
        size_t nv = count_values(ops), v = 0;
        while (v < nv && strcmp(a->value, ops->values[v]))
            v++;
        if (v == nv) {
            char list[128];
            list_values(ops, list, sizeof list);
            diag_error_text(where, text, a->value_off, a->value_len,
                            "unknown %s '%s' for %s; expected %s", ops->param, a->value,
                            ops->name, list);
            goto out_free;
        }
        got.param = (int)v;
    }
    *m = got;
    rc = 0;
out_free:
    sim_call_free(c);
    return rc;
}

void forecast_method_format(const struct forecast_method *m, char *buf, size_t n)
{
    if (m->ops->param)
        snprintf(buf, n, "%s(%s=%s)", m->ops->name, m->ops->param, m->ops->values[m->param]);
    else
        snprintf(buf, n, "%s", m->ops->name);
}

size_t forecast_method_min_history_h(const struct forecast_method *m)
{
    size_t h = m->ops->min_history_h(m->param);
    return h < FORECAST_MIN_HISTORY_H ? FORECAST_MIN_HISTORY_H : h;
}

size_t forecast_fill(double *y, size_t n)
{
    size_t known = 0, prev = SIZE_MAX; /* index of the last known value */
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            continue;
        known++;
        if (prev == SIZE_MAX) {
            for (size_t j = 0; j < i; j++)
                y[j] = y[i];
        } else {
            for (size_t j = prev + 1; j < i; j++)
                y[j] = y[prev] + (y[i] - y[prev]) * (double)(j - prev) / (double)(i - prev);
        }
        prev = i;
    }
    if (prev != SIZE_MAX)
        for (size_t j = prev + 1; j < n; j++)
            y[j] = y[prev];
    return known;
}

int forecast_predict(const struct forecast_method *m, const double *y, size_t n, double start_s,
                     size_t horizon_h, double *out)
{
    ELB_ASSERT(horizon_h >= 1 && horizon_h <= FORECAST_MAX_HORIZON_H);
    size_t skip = n > FORECAST_MAX_HISTORY_H ? n - FORECAST_MAX_HISTORY_H : 0;
    size_t len = n - skip;
    if (len < forecast_method_min_history_h(m))
        return FORECAST_ERR_SHORT;
    double win[FORECAST_MAX_HISTORY_H];
    memcpy(win, y + skip, len * sizeof *win);
    if (forecast_fill(win, len) == 0)
        return FORECAST_ERR_SHORT;
    int rc = m->ops->predict(m->param, win, len, start_s + (double)skip * FORECAST_HOUR_S,
                             horizon_h, out);
    if (rc)
        return rc;
    for (size_t k = 0; k < horizon_h; k++)
        ELB_ASSERT(out[k] >= 0 && isfinite(out[k]));
    return 0;
}

/* --- error measures ------------------------------------------------------------------ */

void forecast_score_add(struct forecast_score *s, double forecast, double actual)
{
    if (isnan(actual))
        return;
    s->hours++;
    s->under_hours += forecast < actual;
    if (actual > 0) {
        s->pct_hours++;
        s->ape_sum += fabs(forecast - actual) / actual;
        s->spe_sum += (forecast - actual) / actual;
    }
}

double forecast_score_mape_pct(const struct forecast_score *s)
{
    return s->pct_hours ? 100.0 * s->ape_sum / (double)s->pct_hours : (double)NAN;
}

double forecast_score_bias_pct(const struct forecast_score *s)
{
    return s->pct_hours ? 100.0 * s->spe_sum / (double)s->pct_hours : (double)NAN;
}

int forecast_backtest(const struct forecast_method *m, const double *y, size_t n,
                      double start_s, size_t first_h, size_t step_h, size_t horizon_h,
                      const struct forecast_sched_cfg *cap, struct forecast_score *score,
                      double *in_force)
{
    ELB_ASSERT(step_h >= 1 && first_h >= forecast_method_min_history_h(m));
    if (in_force)
        for (size_t i = 0; i < n; i++)
            in_force[i] = (double)NAN;
    double f[FORECAST_MAX_HORIZON_H];
    /* Origins in increasing order, so a later forecast overwrites an earlier one in
     * in_force: each hour keeps the latest forecast made before it. */
    for (size_t o = first_h; o + horizon_h <= n; o += step_h) {
        size_t from = o > FORECAST_MAX_HISTORY_H ? o - FORECAST_MAX_HISTORY_H : 0;
        int rc = forecast_predict(m, y + from, o - from, start_s + (double)from * FORECAST_HOUR_S,
                                  horizon_h, f);
        if (rc)
            return rc;
        score->origins++;
        for (size_t k = 0; k < horizon_h; k++) {
            forecast_score_add(score, f[k], y[o + k]);
            if (cap && !isnan(y[o + k]))
                score->under_cap_hours +=
                    forecast_capacity(cap, f[k], NULL) < forecast_capacity(cap, y[o + k], NULL);
            if (in_force)
                in_force[o + k] = f[k];
        }
    }
    return 0;
}

/* --- from forecast to capacity actions ------------------------------------------------- */

void forecast_sched_cfg_init(struct forecast_sched_cfg *cfg)
{
    *cfg = (struct forecast_sched_cfg){.target_per_instance = 1,
                                       .min_capacity = 0,
                                       .max_capacity = INT_MAX,
                                       .buffer_s = FORECAST_BUFFER_S,
                                       .breach = FORECAST_BREACH_HONOR,
                                       .max_buffer_pct = 0};
}

/* ceil(x) as an int, saturating; a hair of tolerance so that 3.0000000000004 is 3. */
static int ceil_count(double x)
{
    double c = ceil(x - 1e-9 * fmax(1.0, fabs(x)));
    if (!(c > 0))
        return 0;
    return c >= (double)INT_MAX ? INT_MAX : (int)c;
}

int forecast_capacity(const struct forecast_sched_cfg *cfg, double load, int *max_out)
{
    ELB_ASSERT(cfg->target_per_instance > 0 && cfg->min_capacity >= 0 &&
               cfg->min_capacity <= cfg->max_capacity);
    int raw = ceil_count(load / cfg->target_per_instance);
    int max = cfg->max_capacity;
    if (cfg->breach == FORECAST_BREACH_INCREASE) {
        /* AWS example: forecast 50, max 40, buffer 10 % -> max 55. */
        int raised = ceil_count((double)raw * (1.0 + cfg->max_buffer_pct / 100.0));
        if (raised > max)
            max = raised;
    }
    int cap = raw < cfg->min_capacity ? cfg->min_capacity : raw;
    if (cap > max)
        cap = max;
    if (max_out)
        *max_out = max;
    return cap;
}

size_t forecast_schedule(const struct forecast_sched_cfg *cfg, const double *load,
                         size_t horizon_h, double first_hour_s, double now_s,
                         struct forecast_action *out, size_t cap)
{
    size_t k = 0;
    for (size_t h = 0; h < horizon_h && k < cap; h++) {
        double hour = first_hour_s + (double)h * FORECAST_HOUR_S;
        if (hour + FORECAST_HOUR_S <= now_s)
            continue; /* that hour is over */
        struct forecast_action *a = &out[k++];
        a->hour_s = hour;
        a->apply_at_s = fmax(hour - cfg->buffer_s, now_s);
        a->capacity = forecast_capacity(cfg, load[h], &a->max_capacity);
    }
    return k;
}

int forecast_action_apply(const struct forecast_action *a, int desired)
{
    return desired > a->capacity ? desired : a->capacity; /* predictive never scales in */
}

int forecast_plan(const struct forecast_method *m, const struct forecast_sched_cfg *cfg,
                  const double *y, size_t n, double start_s, double now_s, size_t horizon_h,
                  struct forecast_action *out, size_t cap)
{
    double f[FORECAST_MAX_HORIZON_H];
    int rc = forecast_predict(m, y, n, start_s, horizon_h, f);
    if (rc == FORECAST_ERR_SHORT)
        return 0; /* AWS: no forecast before 24 h of data */
    if (rc)
        return rc;
    return (int)forecast_schedule(cfg, f, horizon_h, start_s + (double)n * FORECAST_HOUR_S,
                                  now_s, out, cap);
}

/* --- synthetic history --------------------------------------------------------------- */

#define TWO_PI 6.28318530717958647692528676655900577

void forecast_synthetic(const struct forecast_synth_cfg *cfg, size_t n, double *load,
                        double *expected)
{
    static const double weekly[7] = {1, 1, 1, 1, 1, 0.7, 0.6}; /* Monday first */
    gsl_rng *r = sim_rng_new(cfg->seed, "forecast.synthetic");
    for (size_t i = 0; i < n; i++) {
        double hour = (double)(i % 24), days = (double)i / 24.0;
        double daily = 1.0 + 0.5 * cos(TWO_PI * (hour - 14.0) / 24.0);
        double mu = cfg->base * (1.0 + cfg->trend_per_day * days) * daily * weekly[(i / 24) % 7];
        double z = gsl_ran_gaussian(r, 1.0);
        load[i] = fmax(0.0, mu * (1.0 + cfg->noise * z));
        if (expected)
            expected[i] = mu;
    }
    gsl_rng_free(r);
}
