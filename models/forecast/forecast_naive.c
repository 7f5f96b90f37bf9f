/* seasonal_naive(season=day|week): the baseline.  The forecast of an hour is the load of
 * the same hour one season earlier, the latest one observed: y(n-1+k) = y(n-1+k - s·j)
 * for the smallest j >= 1 that lands in the history (s = 24 or 168). */
#include "models/forecast/forecast.h"

static const char *const naive_values[] = {"day", "week", NULL};

static size_t naive_season(int param)
{
    return param == 1 ? 168 : 24;
}

static size_t naive_min_history_h(int param)
{
    return naive_season(param);
}

static int naive_predict(int param, const double *y, size_t n, double start_s, size_t horizon_h,
                         double *out)
{
    (void)start_s;
    size_t s = naive_season(param);
    if (n < s)
        return FORECAST_ERR_SHORT;
    for (size_t k = 0; k < horizon_h; k++)
        out[k] = y[n - s + k % s];
    return 0;
}

const struct forecast_ops forecast_naive_ops = {
    .name = "seasonal_naive",
    .param = "season",
    .values = naive_values,
    .min_history_h = naive_min_history_h,
    .predict = naive_predict,
};
