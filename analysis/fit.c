#include "analysis/fit.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_psi.h>

#include "sim/dist.h"

int fit_lognormal(const double *x, size_t n, double *mu, double *sigma)
{
    if (n < 2)
        return -1;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += log(x[i]);
    double m = s / (double)n, v = 0;
    for (size_t i = 0; i < n; i++) {
        double d = log(x[i]) - m;
        v += d * d;
    }
    v /= (double)n;
    if (!(v > 0))
        return -1;
    *mu = m;
    *sigma = sqrt(v);
    return 0;
}

int fit_gamma(const double *x, size_t n, double *shape, double *scale, int *iters)
{
    if (n < 2)
        return -1;
    double sum = 0, slog = 0;
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        slog += log(x[i]);
    }
    double mean = sum / (double)n, var = 0;
    for (size_t i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean);
    var /= (double)n;
    double s = log(mean) - slog / (double)n; /* >= 0 (Jensen); 0 only when all equal */
    if (!(var > 0) || !(s > 0))
        return -1;
    double k = mean * mean / var; /* method of moments */
    int it = 0;
    for (; it < 100; it++) {
        gsl_sf_result psi, psi1;
        if (gsl_sf_psi_e(k, &psi) || gsl_sf_psi_1_e(k, &psi1))
            return -1;
        double f = log(k) - psi.val - s, df = 1.0 / k - psi1.val;
        double next = k - f / df;
        if (!(next > 0))
            next = k / 2; /* stay in the domain; f is decreasing in k */
        double step = fabs(next - k);
        k = next;
        if (step <= 1e-12 * k)
            break;
    }
    if (it == 100)
        return -1;
    *shape = k;
    *scale = mean / k;
    *iters = it + 1;
    return 0;
}

double fit_sample_quantile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return (double)NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

double fit_ks_distance(const double *sorted, size_t n, const struct sim_dist *d, double res)
{
    double D = 0, h = res > 0 ? res / 2 : 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && sorted[j] == sorted[i])
            j++;
        /* The sample's cdf is i/n just below x_(i) and j/n at it (ties x_(i..j-1)); with
         * grouped values x stands for [x - res/2, x + res/2). */
        double below = sim_dist_cdf(d, sorted[i] - h), at = sim_dist_cdf(d, sorted[i] + h);
        double lo = (double)i / (double)n, hi = (double)j / (double)n;
        if (fabs(below - lo) > D)
            D = fabs(below - lo);
        if (fabs(hi - at) > D)
            D = fabs(hi - at);
        i = j;
    }
    return D;
}

double fit_resolution(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double k = x[i] * 1000;
        if (fabs(k - nearbyint(k)) > 1e-6)
            return 0;
    }
    return 0.001;
}

double fit_ks_pvalue(double D, size_t n)
{
    double sn = sqrt((double)n);
    double l = (sn + 0.12 + 0.11 / sn) * D;
    if (l < 0.2)
        return 1;
    if (l < 1.18) {
        /* P(K <= l) = sqrt(2 pi) / l * sum exp(-(2j-1)^2 pi^2 / (8 l^2)): fast for small l */
        double y = exp(-M_PI * M_PI / (8 * l * l)), p = 0;
        for (int j = 1; j <= 9; j += 2)
            p += pow(y, (double)(j * j));
        return 1 - sqrt(2 * M_PI) / l * p;
    }
    /* Q(l) = 2 sum (-1)^(j-1) exp(-2 j^2 l^2) */
    double q = 0, sign = 1;
    for (int j = 1; j <= 100; j++, sign = -sign) {
        double t = exp(-2.0 * j * j * l * l);
        q += sign * t;
        if (t < 1e-16)
            break;
    }
    q *= 2;
    return q < 0 ? 0 : q > 1 ? 1 : q;
}
