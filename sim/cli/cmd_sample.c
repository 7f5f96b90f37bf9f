/*
 * `elbsim sample DIST [-n N] [--seed N]`: draw N values from a distribution and print
 * what they look like next to what theory says, so that a student can see, say, how far
 * the mean of lognormal(median=40ms, p99=400ms) sits from its median.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/cli/commands.h"
#include "sim/diag.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define SAMPLE_DEFAULT_N 100000
#define SAMPLE_MAX_N 100000000 /* 800 MB of doubles */

static void sample_usage(FILE *f)
{
    fputs("usage: elbsim sample DIST [-n N] [--seed N]\n"
          "\n"
          "Draw N values (default 100000) from the distribution DIST, with random stream\n"
          "\"sample\" seeded by --seed (default 1), and print their mean, spread and\n"
          "percentiles next to the exact values of the distribution (\"-\" where the\n"
          "value is infinite or has no closed form).  Values are durations.\n"
          "\n"
          "examples:\n"
          "  elbsim sample 'lognormal(median=40ms, p99=400ms)'\n"
          "  elbsim sample 'mixture(0.9: exp(mean=10ms), 0.1: const(1s))' -n 1000000\n"
          "\n"
          "`elbsim list distributions` shows every distribution.\n",
          f);
}

/* A whole decimal number in [lo, hi]; false when s is anything else. */
static bool parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned dgt = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - dgt) / 10)
            return false;
        v = v * 10 + dgt;
    }
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* One table cell for a value in the distribution's unit; "-" when not finite. */
static void cell(double v, enum sim_unit unit, char *buf, size_t n)
{
    if (!isfinite(v))
        snprintf(buf, n, "-");
    else
        sim_units_format_fixed(v, unit, 2, buf, n);
}

static void row(const char *label, const char *sample, const char *theory)
{
    printf("%-7s %14s %14s\n", label, sample, theory);
}

int cmd_sample(int argc, char **argv)
{
    const char *text = NULL;
    uint64_t n = SAMPLE_DEFAULT_N, seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            sample_usage(stdout);
            return EXIT_OK;
        }
        if (!strcmp(a, "-n") || !strcmp(a, "--seed")) {
            if (i + 1 >= argc) {
                diag_error(NULL, "sample: %s needs a value", a);
                return EXIT_BAD_INPUT;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "-n")) {
                if (!parse_count(v, 1, SAMPLE_MAX_N, &n)) {
                    diag_error(NULL, "sample: bad -n '%s'; expected a whole number from 1 "
                               "to %d", v, SAMPLE_MAX_N);
                    return EXIT_BAD_INPUT;
                }
            } else if (!parse_count(v, 0, UINT64_MAX, &seed)) {
                diag_error(NULL, "sample: bad --seed '%s'; expected a whole number from 0 "
                           "to %" PRIu64, v, UINT64_MAX);
                return EXIT_BAD_INPUT;
            }
            continue;
        }
        if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9') && a[1] != '.') {
            diag_error(NULL, "sample: unknown option '%s'; expected -n N, --seed N or --help",
                       a);
            return EXIT_BAD_INPUT;
        }
        if (text) {
            diag_error(NULL, "sample: more than one distribution ('%s' and '%s'); quote "
                       "the text if it has blanks", text, a);
            return EXIT_BAD_INPUT;
        }
        text = a;
    }
    if (!text) {
        sample_usage(stderr);
        return EXIT_BAD_INPUT;
    }

    struct sim_dist *d;
    if (sim_dist_parse(text, SIM_UNIT_SECONDS, NULL, NULL, &d))
        return EXIT_BAD_INPUT;
    enum sim_unit u = SIM_UNIT_SECONDS;

    gsl_rng *r = sim_rng_new(seed, "sample");
    size_t count = (size_t)n;
    double *x = xmalloc(count * sizeof *x);
    for (size_t i = 0; i < count; i++)
        x[i] = sim_dist_sample(d, r);
    gsl_rng_free(r);
    /* Moments of x / top, so that squares of draws near 1e308 do not overflow. */
    double top = 0;
    for (size_t i = 0; i < count; i++)
        top = fmax(top, fabs(x[i]));
    if (!(top > 0 && isfinite(top)))
        top = 1;
    for (size_t i = 0; i < count; i++)
        x[i] /= top;
    double mean = gsl_stats_mean(x, 1, count);
    double sd = count > 1 ? gsl_stats_sd_m(x, 1, count, mean) : 0;
    for (size_t i = 0; i < count; i++)
        x[i] *= top;
    mean *= top;
    sd *= top;
    gsl_sort(x, 1, count);

    char canon[512];
    sim_dist_format(d, canon, sizeof canon);
    printf("%s\n%" PRIu64 " draws, seed %" PRIu64 ", stream \"sample\"\n\n", canon, n, seed);
    row("", "sample", "theory");

    char s[40], t[40];
    snprintf(s, sizeof s, "%" PRIu64, n);
    row("n", s, "-");

    double tmean = sim_dist_mean(d), tvar = sim_dist_variance(d);
    double tsd = isfinite(tvar) && tvar >= 0 ? sqrt(tvar) : HUGE_VAL;
    cell(mean, u, s, sizeof s);
    cell(tmean, u, t, sizeof t);
    row("mean", s, t);
    cell(sd, u, s, sizeof s);
    cell(tsd, u, t, sizeof t);
    row("sd", s, t);
    if (mean > 0)
        snprintf(s, sizeof s, "%.3f", sd / mean);
    else
        snprintf(s, sizeof s, "-");
    if (isfinite(tmean) && isfinite(tsd) && tmean > 0)
        snprintf(t, sizeof t, "%.3f", tsd / tmean);
    else
        snprintf(t, sizeof t, "-");
    row("cv", s, t);

    cell(x[0], u, s, sizeof s);
    cell(sim_dist_quantile(d, 0), u, t, sizeof t);
    row("min", s, t);
    static const struct {
        const char *label;
        double p;
    } qs[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        cell(gsl_stats_quantile_from_sorted_data(x, 1, count, qs[i].p), u, s, sizeof s);
        cell(sim_dist_quantile(d, qs[i].p), u, t, sizeof t);
        row(qs[i].label, s, t);
    }
    cell(x[count - 1], u, s, sizeof s);
    cell(sim_dist_quantile(d, 1), u, t, sizeof t);
    row("max", s, t);

    free(x);
    sim_dist_free(d);
    return EXIT_OK;
}
