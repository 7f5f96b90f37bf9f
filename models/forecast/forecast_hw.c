/* holt_winters: double-seasonal Holt-Winters (J. W. Taylor, "Short-term electricity demand
 * forecasting using double seasonal exponential smoothing", JORS 54, 2003), without
 * Taylor's AR(1) error term, run on z = log(load + c) so that the seasons multiply the
 * level (the multiplicative model, written additively).  Level l, trend b, daily index d
 * (slot = hour of day), weekly index w (slot = hour of week); for each hour t:
 *
 *     l' = α (z - d[t] - w[t]) + (1 - α)(l + b)
 *     b' = β (l' - l) + (1 - β) b
 *     d[t] = γ (z - l' - w[t]) + (1 - γ) d[t]
 *     w[t] = ω (z - l' - d_old[t]) + (1 - ω) w[t]
 *
 * and the forecast k hours after the last is exp(l + k b + d[n-1+k] + w[n-1+k]) times the
 * mean of exp(one-step error) (Duan's smearing), minus c (1 % of the mean load, so that
 * hours of zero load stay finite).
 *
 * Start: a classical decomposition of the whole window into calendar days: l = the mean
 * of the daily means, b = the change from the first to the last whole week (0 with less
 * than two weeks: a line through daily means would read a weekend as a trend), d = the
 * mean profile of each hour around its day's mean, w = each weekday's mean around the
 * trend (constant within the day; the recursion learns hour-of-week detail).  With less
 * than a week of history the weekly season is left out (ω = 0, w = 0).  The recursion then
 * runs over the whole window, and α, β, γ, ω in [0, 1] are fitted by minimising its
 * one-step squared error with GSL's Nelder-Mead simplex (nmsimplex2) on their logits, from
 * a fixed start, so the fit is deterministic.  O(history) per evaluation, a few hundred
 * evaluations per fit: about a millisecond for 14 days. */
#include "models/forecast/forecast.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>

#define DAY 24
#define WEEK 168
#define HW_MAX_ITER 400

struct hw_data {
    const double *y;
    size_t n;
    size_t npar;     /* 4, or 3 without the weekly season */
    size_t phase;    /* hour of the week of y[0] (0 = Monday 00:00) */
    double l0, b0;   /* initial level (at hour -1) and trend per hour */
    double d0[DAY];  /* initial daily indices */
    double w0s[WEEK];/* initial weekly indices (0 without the weekly season) */
};

struct hw_state {
    double l, b;
    double d[DAY];
    double w[WEEK];
};

static double mean_of(const double *y, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += y[i];
    return s / (double)n;
}

/* Initial states from z[0..n) by a classical decomposition of the whole window into
 * calendar days (see the comment at the top); all closed forms. */
static void hw_init(struct hw_data *h, const double *z, size_t n, size_t phase)
{
    memset(h, 0, sizeof *h);
    h->y = z;
    h->n = n;
    h->phase = phase;
    h->npar = n >= WEEK ? 4 : 3;
    size_t off = (DAY - phase % DAY) % DAY; /* z[off] is a midnight */
    size_t days = (n - off) / DAY;
    if (days == 0) {
        /* Less than one calendar day after the first midnight: the last 24 hours. */
        double m = mean_of(z + n - DAY, DAY);
        for (size_t t = n - DAY; t < n; t++)
            h->d0[(phase + t) % DAY] = z[t] - m;
        h->l0 = m;
        return;
    }
    double dm[FORECAST_MAX_HISTORY_H / DAY];
    for (size_t k = 0; k < days; k++)
        dm[k] = mean_of(z + off + k * DAY, DAY);
    /* Level and trend.  A line through the daily means would mistake a weekend at the end
     * of the window for a downward trend, so the trend is the change between the first
     * and the last whole week (0 with less than two weeks) and the level the mean. */
    double tbar = 0, mbar = mean_of(dm, days);
    for (size_t k = 0; k < days; k++)
        tbar += (double)(off + k * DAY) + (DAY - 1) / 2.0;
    tbar /= (double)days;
    if (days >= 14)
        h->b0 = (mean_of(dm + days - 7, 7) - mean_of(dm, 7)) / (double)((days - 7) * DAY);
    /* Day-of-week effects: each day's mean around the line, averaged per weekday. */
    double dow[7] = {0}, ndow[7] = {0};
    size_t dow0 = (phase + off) / DAY % 7; /* weekday of the first whole day */
    if (h->npar == 4)
        for (size_t k = 0; k < days; k++) {
            double line = mbar + h->b0 * ((double)(off + k * DAY) + (DAY - 1) / 2.0 - tbar);
            dow[(dow0 + k) % 7] += dm[k] - line;
            ndow[(dow0 + k) % 7]++;
        }
    double dow_mean = 0;
    for (size_t j = 0; j < 7; j++) {
        dow[j] = ndow[j] > 0 ? dow[j] / ndow[j] : 0;
        dow_mean += dow[j] / 7.0;
    }
    for (size_t j = 0; j < WEEK; j++)
        h->w0s[j] = h->npar == 4 ? dow[j / DAY] - dow_mean : 0;
    /* Daily profile: each hour around its day's mean, averaged over the days. */
    for (size_t k = 0; k < days; k++)
        for (size_t i = 0; i < DAY; i++)
            h->d0[i] += (z[off + k * DAY + i] - dm[k]) / (double)days;
    /* The recursion starts at hour 0, so the level is the line's value at hour -1. */
    h->l0 = mbar + h->b0 * (-1.0 - tbar);
}

/* Run the recursion over hours 0..n-1 with parameters p (α, β, γ, ω); returns the sum of
 * squared one-step errors, leaves the final states in *st and, when smear is not NULL,
 * the mean of exp(one-step error) in *smear. */
static double hw_run(const struct hw_data *h, const double *p, struct hw_state *st,
                     double *smear)
{
    double a = p[0], be = p[1], g = p[2], om = h->npar == 4 ? p[3] : 0;
    st->l = h->l0;
    st->b = h->b0;
    memcpy(st->d, h->d0, sizeof st->d);
    memcpy(st->w, h->w0s, sizeof st->w);
    double sse = 0, se = 0;
    for (size_t t = 0; t < h->n; t++) {
        size_t sd = (h->phase + t) % DAY, sw = (h->phase + t) % WEEK;
        double y = h->y[t], dt = st->d[sd], wt = st->w[sw];
        double e = y - (st->l + st->b + dt + wt);
        sse += e * e;
        if (smear)
            se += exp(e);
        double l = a * (y - dt - wt) + (1 - a) * (st->l + st->b);
        st->b = be * (l - st->l) + (1 - be) * st->b;
        st->l = l;
        st->d[sd] = g * (y - l - wt) + (1 - g) * dt;
        st->w[sw] = om * (y - l - dt) + (1 - om) * wt;
    }
    if (smear)
        *smear = se / (double)h->n;
    return sse;
}

static double logistic(double u)
{
    return 1.0 / (1.0 + exp(-u));
}

static double hw_cost(const gsl_vector *u, void *params)
{
    const struct hw_data *h = params;
    double p[4];
    for (size_t i = 0; i < h->npar; i++)
        p[i] = logistic(gsl_vector_get(u, i));
    struct hw_state st;
    return hw_run(h, p, &st, NULL);
}

/* Fit α, β, γ (, ω) into p.  Returns 0 or FORECAST_ERR_NUMERIC. */
static int hw_fit(const struct hw_data *h, double *p)
{
    /* Start: slow level and trend, moderate seasons (typical of hourly load). */
    static const double start[4] = {0.05, 0.001, 0.05, 0.05};
    int rc = 0;
    gsl_vector *u = gsl_vector_alloc(h->npar), *step = gsl_vector_alloc(h->npar);
    gsl_multimin_fminimizer *mm = gsl_multimin_fminimizer_alloc(
        gsl_multimin_fminimizer_nmsimplex2, h->npar);
    if (!u || !step || !mm) {
        rc = FORECAST_ERR_NUMERIC;
        goto out_free;
    }
    for (size_t i = 0; i < h->npar; i++) {
        gsl_vector_set(u, i, log(start[i] / (1 - start[i])));
        gsl_vector_set(step, i, 1.0);
    }
    gsl_multimin_function fn = {.f = hw_cost, .n = h->npar, .params = (void *)(uintptr_t)h};
    if (gsl_multimin_fminimizer_set(mm, &fn, u, step) != GSL_SUCCESS) {
        rc = FORECAST_ERR_NUMERIC;
        goto out_free;
    }
    for (int it = 0; it < HW_MAX_ITER; it++) {
        int st = gsl_multimin_fminimizer_iterate(mm);
        if (st == GSL_ENOPROG)
            break;
        if (st != GSL_SUCCESS) {
            rc = FORECAST_ERR_NUMERIC;
            goto out_free;
        }
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(mm), 1e-3) == GSL_SUCCESS)
            break;
    }
    /* Whatever the iteration count, the best point so far is a valid fit. */
    for (size_t i = 0; i < h->npar; i++)
        p[i] = logistic(gsl_vector_get(gsl_multimin_fminimizer_x(mm), i));
out_free:
    gsl_multimin_fminimizer_free(mm);
    gsl_vector_free(step);
    gsl_vector_free(u);
    return rc;
}

static size_t hw_min_history_h(int param)
{
    (void)param;
    return FORECAST_MIN_HISTORY_H;
}

static int hw_predict(int param, const double *y, size_t n, double start_s, size_t horizon_h,
                      double *out)
{
    (void)param;
    double mean = mean_of(y, n);
    if (!(mean > 0)) {
        for (size_t k = 0; k < horizon_h; k++)
            out[k] = 0;
        return 0;
    }
    double c = 0.01 * mean, z[FORECAST_MAX_HISTORY_H];
    for (size_t t = 0; t < n; t++)
        z[t] = log(y[t] + c);
    struct hw_data h;
    int64_t start_h = (int64_t)llround(start_s / FORECAST_HOUR_S);
    hw_init(&h, z, n, (size_t)(((start_h % WEEK) + WEEK) % WEEK));
    double p[4] = {0, 0, 0, 0};
    struct hw_state st;
    int rc = hw_fit(&h, p);
    if (rc)
        return rc;
    double smear = 1;
    hw_run(&h, p, &st, &smear);
    for (size_t k = 1; k <= horizon_h; k++) {
        size_t t = h.phase + n - 1 + k;
        double f = exp(st.l + (double)k * st.b + st.d[t % DAY] + st.w[t % WEEK]) * smear - c;
        out[k - 1] = isfinite(f) && f > 0 ? f : 0;
    }
    return 0;
}

const struct forecast_ops forecast_hw_ops = {
    .name = "holt_winters",
    .param = NULL,
    .values = NULL,
    .min_history_h = hw_min_history_h,
    .predict = hw_predict,
};
