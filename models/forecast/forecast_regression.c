/* regression(dummies=hour_and_day|hour_of_week): ordinary least squares on the log of the
 * load (so daily and weekly effects multiply, as traffic's do):
 *
 *     log(y_t + c) = a + δ t + Σ_h α_h [hour of day = h] + Σ_d β_d [day of week = d] + ε_t
 *
 * (hour_and_day: 1 + 1 + 23 + 6 coefficients), or with one dummy per hour of the week
 * (hour_of_week: 1 + 1 + 167; a weekend may then have its own daily shape, at the price of
 * estimating each hour from only two weeks).  The forecast is exp(fit) times the mean of
 * exp(residual) (Duan's smearing, which removes the downward bias of undoing a log),
 * minus c.  c = 1 % of the mean load keeps hours of zero load finite.
 *
 * With less than a week of history the day-of-week terms are left out (hour of day only);
 * the trend needs two days (hour_and_day) or two weeks (hour_of_week) so that it is not
 * confounded with the seasons.  Fitted with gsl_multifit_linear (SVD). */
#include "models/forecast/forecast.h"

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

static const char *const regression_values[] = {"hour_and_day", "hour_of_week", NULL};

enum { REG_HOUR_AND_DAY, REG_HOUR_OF_WEEK };

struct reg_design {
    int64_t start_h; /* absolute hour of y[0] (hour 0 = Monday 00:00) */
    bool weekly;     /* day-of-week or hour-of-week terms */
    bool how;        /* hour-of-week dummies instead of hour + day */
    bool trend;
    size_t p;        /* coefficients */
};

static size_t modulo(int64_t x, int64_t m)
{
    return (size_t)(((x % m) + m) % m);
}

/* Row of the design matrix for relative hour t. */
static void reg_row(const struct reg_design *d, size_t t, double *x)
{
    for (size_t j = 0; j < d->p; j++)
        x[j] = 0;
    size_t j = 0;
    x[j++] = 1;
    if (d->trend)
        x[j++] = (double)t / 168.0; /* in weeks, so the columns have similar scales */
    int64_t abs_h = d->start_h + (int64_t)t;
    if (d->how) {
        size_t hw = modulo(abs_h, 168);
        if (hw)
            x[j + hw - 1] = 1;
        return;
    }
    size_t hd = modulo(abs_h, 24);
    if (hd)
        x[j + hd - 1] = 1;
    j += 23;
    if (d->weekly) {
        size_t dw = modulo(abs_h / 24 - (abs_h < 0 && abs_h % 24 ? 1 : 0), 7);
        if (dw)
            x[j + dw - 1] = 1;
    }
}

static size_t regression_min_history_h(int param)
{
    (void)param;
    return FORECAST_MIN_HISTORY_H;
}

static int regression_predict(int param, const double *y, size_t n, double start_s,
                              size_t horizon_h, double *out)
{
    struct reg_design d = {.start_h = (int64_t)llround(start_s / 3600.0)};
    d.weekly = n >= 168;
    d.how = d.weekly && param == REG_HOUR_OF_WEEK;
    d.trend = n >= (d.how ? 2 * 168 : 48);
    d.p = 1 + (d.trend ? 1 : 0) + (d.how ? 167 : 23 + (d.weekly ? 6 : 0));
    if (n < d.p)
        return FORECAST_ERR_SHORT;

    double mean = 0;
    for (size_t t = 0; t < n; t++)
        mean += y[t];
    mean /= (double)n;
    if (!(mean > 0)) {
        for (size_t k = 0; k < horizon_h; k++)
            out[k] = 0;
        return 0;
    }
    double c = 0.01 * mean;

    int rc = FORECAST_ERR_NUMERIC;
    gsl_matrix *X = gsl_matrix_alloc(n, d.p), *cov = gsl_matrix_alloc(d.p, d.p);
    gsl_vector *v = gsl_vector_alloc(n), *coef = gsl_vector_alloc(d.p);
    gsl_vector *row = gsl_vector_alloc(d.p);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, d.p);
    if (!X || !cov || !v || !coef || !row || !ws)
        goto out_free;
    for (size_t t = 0; t < n; t++) {
        reg_row(&d, t, X->data + t * X->tda);
        gsl_vector_set(v, t, log(y[t] + c));
    }
    double chisq;
    if (gsl_multifit_linear(X, v, coef, cov, &chisq, ws) != GSL_SUCCESS)
        goto out_free;
    double smear = 0;
    for (size_t t = 0; t < n; t++) {
        double fit, err;
        reg_row(&d, t, row->data);
        if (gsl_multifit_linear_est(row, coef, cov, &fit, &err) != GSL_SUCCESS)
            goto out_free;
        smear += exp(gsl_vector_get(v, t) - fit);
    }
    smear /= (double)n;
    for (size_t k = 0; k < horizon_h; k++) {
        double fit, err;
        reg_row(&d, n + k, row->data);
        if (gsl_multifit_linear_est(row, coef, cov, &fit, &err) != GSL_SUCCESS)
            goto out_free;
        double f = exp(fit) * smear - c;
        out[k] = isfinite(f) && f > 0 ? f : 0;
    }
    rc = 0;
out_free:
    gsl_multifit_linear_free(ws);
    gsl_vector_free(row);
    gsl_vector_free(coef);
    gsl_vector_free(v);
    gsl_matrix_free(cov);
    gsl_matrix_free(X);
    return rc;
}

const struct forecast_ops forecast_regression_ops = {
    .name = "regression",
    .param = "dummies",
    .values = regression_values,
    .min_history_h = regression_min_history_h,
    .predict = regression_predict,
};
