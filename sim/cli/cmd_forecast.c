/*
 * `elbsim forecast HISTORY.csv [...]`: would predictive scaling have worked on my traffic?
 * A rolling-origin backtest of the forecasting methods (models/forecast/forecast.h) on a recorded
 * history, side by side, and the forecast CSV, without a simulation.
 *
 * `elbsim forecast --synthetic 21d [--seed N]` prints a synthetic hourly history (daily and
 * weekly cycle, trend, 10 % noise) on stdout: how scenarios/examples/forecast_history.csv
 * was made.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/csvout.h"
#include "models/forecast/forecast.h"
#include "sim/cli/commands.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/units.h"
#include "sim/xalloc.h"

#define STEP_H 6 /* origins every 6 h, as AWS refreshes its forecast */

static void usage(FILE *f)
{
    fputs("usage: elbsim forecast HISTORY.csv [--method M] [--horizon 48h] [-o DIR]\n"
          "                       [--metric SCOPE.NAME.METRIC] [--aggregate mean|sum]\n"
          "                       [--target-per-instance X [--min N] [--max N]\n"
          "                        [--breach honor|increase] [--max-buffer PCT]]\n"
          "       elbsim forecast --synthetic DURATION [--seed N]\n"
          "\n"
          "Rolling-origin backtest of the load forecasters on an hourly history: forecasts\n"
          "are made every 6 h from the first 24 h on (from the first 7 days when the weekly\n"
          "seasonal naive method is compared), each from at most the 14 days before it, for\n"
          "the next --horizon hours (1h..48h, default 48h), and compared with what came.\n"
          "Prints MAPE, bias and under-forecast hours per method, and writes DIR/forecast.csv\n"
          "(time_s,forecast_load,forecast_capacity,actual_load,actual_capacity: the forecast\n"
          "in force each hour, then the next horizon from the whole history) and\n"
          "DIR/backtest.csv (the table).  DIR defaults to out/forecast.\n"
          "\n"
          "HISTORY.csv: a header time_s,load (optionally expected_load), one row per sample,\n"
          "or elbsim's timeseries.csv with --metric choosing the series.  Samples are\n"
          "averaged per hour (--aggregate sum adds them instead).\n"
          "\n"
          "methods (--method; default: all, side by side):\n"
          "  seasonal_naive(season=day|week)   the same hour yesterday / last week\n"
          "  holt_winters                      additive double-seasonal Holt-Winters\n"
          "  regression(dummies=hour_and_day|hour_of_week)   log-linear least squares\n"
          "\n"
          "capacity (with --target-per-instance, the load one instance carries at target):\n"
          "  ceil(load / target) bounded by --min/--max (default 0/unbounded); under\n"
          "  --breach increase the max rises to the forecast x (1 + --max-buffer %).\n"
          "\n"
          "--synthetic DURATION prints a history of that many whole hours on stdout (load\n"
          "1000 x (1 + 1 %/day) x daily x weekly cycle x (1 + 0.1 N(0,1)), seed --seed).\n"
          "exit status: 0 ok, 1 I/O failure, 2 bad input\n",
          f);
}

static bool parse_uint(const char *s, uint64_t hi, uint64_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v > hi)
        return false;
    *out = v;
    return true;
}

/* A duration in whole hours within [1, hi]. */
static int parse_hours(const char *opt, const char *s, size_t hi, size_t *out)
{
    double v;
    const char *why;
    if (sim_units_parse(s, strlen(s), SIM_UNIT_SECONDS, &v, &why))
        return diag_error(NULL, "forecast: bad %s '%s'; %s", opt, s, why);
    double h = v / 3600.0;
    if (h != floor(h) || h < 1)
        return diag_error(NULL, "forecast: %s '%s' must be a whole number of hours, at least "
                                "1h", opt, s);
    if (h > (double)hi)
        return diag_error(NULL, "forecast: %s '%s' is beyond %zuh%s", opt, s, hi,
                          hi == FORECAST_MAX_HORIZON_H
                              ? " (predictive scaling forecasts the next 48 hours)" : "");
    *out = (size_t)h;
    return 0;
}

static int write_synthetic(size_t hours, uint64_t seed)
{
    struct forecast_synth_cfg cfg = {.base = 1000, .trend_per_day = 0.01, .noise = 0.1,
                                     .seed = seed};
    double *load = xmalloc(hours * sizeof *load), *exp_load = xmalloc(hours * sizeof *exp_load);
    forecast_synthetic(&cfg, hours, load, exp_load);
    printf("time_s,load,expected_load\n");
    for (size_t i = 0; i < hours; i++)
        printf("%zu,%.3f,%.3f\n", i * 3600, load[i], exp_load[i]);
    free(load);
    free(exp_load);
    if (fflush(stdout) || ferror(stdout)) {
        diag_error(NULL, "cannot write to stdout: %s", strerror(errno));
        return EXIT_ENV;
    }
    return EXIT_OK;
}

static int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) && errno != EEXIST) {
            diag_error(NULL, "cannot create '%s': %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0777) && errno != EEXIST)
        rc = diag_error(NULL, "cannot create '%s': %s", p, strerror(errno));
    free(p);
    return rc;
}

/* The options of one invocation. */
struct fc_opts {
    const char *history, *metric, *dir;
    bool have_method, have_cap;
    struct forecast_method method;
    size_t horizon_h;
    enum forecast_agg agg;
    struct forecast_sched_cfg cap;
};

static void cap_cell(struct csvout *o, const struct fc_opts *op, double load)
{
    if (op->have_cap && !isnan(load))
        csvout_int(o, forecast_capacity(&op->cap, load, NULL));
    else
        csvout_empty(o);
}

/* forecast.csv: the forecast in force each hour of the history, then the next horizon. */
static int write_forecast_csv(const struct fc_opts *op, const struct forecast_history *h,
                              const double *in_force, const double *next)
{
    char *path = text_join_path(op->dir, "forecast.csv");
    struct csvout o;
    int rc = csvout_open(&o, path);
    free(path);
    if (rc)
        return -1;
    static const char *const cols[] = {"time_s", "forecast_load", "forecast_capacity",
                                       "actual_load", "actual_capacity"};
    for (size_t c = 0; c < 5; c++)
        csvout_str(&o, cols[c]);
    csvout_end_row(&o);
    for (size_t i = 0; i < h->n + op->horizon_h; i++) {
        double f = i < h->n ? in_force[i] : next[i - h->n];
        double a = i < h->n ? h->load[i] : (double)NAN;
        csvout_num(&o, h->start_s + (double)i * FORECAST_HOUR_S);
        csvout_num(&o, isnan(f) ? f : round(f * 1000) / 1000);
        cap_cell(&o, op, f);
        csvout_num(&o, isnan(a) ? a : round(a * 1000) / 1000);
        cap_cell(&o, op, a);
        csvout_end_row(&o);
    }
    return csvout_commit(&o);
}

struct fc_row {
    char name[64];
    struct forecast_score s;
};

static int write_backtest_csv(const struct fc_opts *op, const struct fc_row *rows, size_t n)
{
    char *path = text_join_path(op->dir, "backtest.csv");
    struct csvout o;
    int rc = csvout_open(&o, path);
    free(path);
    if (rc)
        return -1;
    static const char *const cols[] = {"method",      "mape_pct",        "bias_pct",
                                       "under_hours", "under_cap_hours", "hours",
                                       "origins"};
    for (size_t c = 0; c < 7; c++)
        csvout_str(&o, cols[c]);
    csvout_end_row(&o);
    for (size_t i = 0; i < n; i++) {
        const struct forecast_score *s = &rows[i].s;
        csvout_str(&o, rows[i].name);
        csvout_num(&o, round(forecast_score_mape_pct(s) * 1e4) / 1e4);
        csvout_num(&o, round(forecast_score_bias_pct(s) * 1e4) / 1e4);
        csvout_int(&o, (long long)s->under_hours);
        if (op->have_cap)
            csvout_int(&o, (long long)s->under_cap_hours);
        else
            csvout_empty(&o);
        csvout_int(&o, (long long)s->hours);
        csvout_int(&o, (long long)s->origins);
        csvout_end_row(&o);
    }
    return csvout_commit(&o);
}

static void print_table(const struct fc_opts *op, const struct fc_row *rows, size_t n)
{
    printf("%-34s %8s %8s %22s", "method", "MAPE %", "bias %", "under-forecast hours");
    if (op->have_cap)
        printf(" %22s", "under-provisioned h");
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        const struct forecast_score *s = &rows[i].s;
        char under[40];
        snprintf(under, sizeof under, "%zu (%.1f %%)", s->under_hours,
                 s->hours ? 100.0 * (double)s->under_hours / (double)s->hours : 0.0);
        if (s->pct_hours)
            printf("%-34s %8.2f %+8.2f %22s", rows[i].name, forecast_score_mape_pct(s),
                   forecast_score_bias_pct(s), under);
        else
            printf("%-34s %8s %8s %22s", rows[i].name, "n/a", "n/a", under);
        if (op->have_cap) {
            snprintf(under, sizeof under, "%zu (%.1f %%)", s->under_cap_hours,
                     s->hours ? 100.0 * (double)s->under_cap_hours / (double)s->hours : 0.0);
            printf(" %22s", under);
        }
        putchar('\n');
    }
    for (size_t i = 0; i < n; i++)
        if (rows[i].s.hours && !rows[i].s.pct_hours) {
            printf("\nMAPE and bias are n/a: the load was 0 in every hour scored, and a "
                   "percentage error needs a load above 0 (backtest.csv leaves them empty)\n");
            break;
        }
}

static int run_backtest(const struct fc_opts *op)
{
    struct forecast_history h;
    int rc = forecast_history_read(op->history, op->metric, op->agg, &h);
    if (rc)
        return rc == -2 ? EXIT_ENV : EXIT_BAD_INPUT;
    int status = EXIT_BAD_INPUT;

    struct forecast_method ms[FORECAST_NVARIANTS];
    size_t nm = 0;
    if (op->have_method)
        ms[nm++] = op->method;
    else
        for (size_t i = 0; i < FORECAST_NVARIANTS; i++)
            ms[nm++] = forecast_variants[i];
    size_t first = FORECAST_MIN_HISTORY_H;
    for (size_t i = 0; i < nm; i++) {
        size_t need = forecast_method_min_history_h(&ms[i]);
        if (need > first)
            first = need;
    }
    if (h.n < first + op->horizon_h) {
        struct loc at = {op->history, 0, 0};
        diag_error(&at, "the history covers %zu hours; the backtest needs at least %zu "
                        "(%zu of history before the first forecast, then a %zu h horizon)",
                   h.n, first + op->horizon_h, first, op->horizon_h);
        goto out_history;
    }

    if (op->have_cap && op->cap.max_capacity == INT_MAX) {
        /* Without --max, a tiny target would saturate the instance count silently. */
        double peak = 0;
        for (size_t i = 0; i < h.n; i++)
            if (h.load[i] > peak)
                peak = h.load[i];
        if (peak / op->cap.target_per_instance > (double)INT_MAX) {
            diag_error(NULL, "forecast: --target-per-instance %g puts the history's peak "
                             "hourly load (%g) at %.3g instances, beyond the %d elbsim "
                             "counts; expected the load one instance carries at target "
                             "(or a --max)",
                       op->cap.target_per_instance, peak, peak / op->cap.target_per_instance,
                       INT_MAX);
            goto out_history;
        }
    }

    struct fc_row rows[FORECAST_NVARIANTS + 1];
    double *in_force = xmalloc(h.n * sizeof *in_force);
    double *mine = xmalloc(h.n * sizeof *mine);
    const struct forecast_method *csv_method = op->have_method ? &op->method
                                                               : &forecast_method_default;
    const struct forecast_sched_cfg *cap = op->have_cap ? &op->cap : NULL;
    size_t nrows = 0;
    /* On a terminal, a long history shows it is alive: each method as it starts, with the
     * time so far (a 3-year history takes minutes). */
    bool progress = isatty(2) != 0;
    time_t t0 = time(NULL);
    for (size_t i = 0; i < nm; i++) {
        struct fc_row *r = &rows[nrows++];
        memset(r, 0, sizeof *r);
        forecast_method_format(&ms[i], r->name, sizeof r->name);
        if (progress)
            fprintf(stderr, "\rforecast: backtesting %zu of %zu: %-36s %4lds", i + 1, nm,
                    r->name, (long)(time(NULL) - t0));
        rc = forecast_backtest(&ms[i], h.load, h.n, h.start_s, first, STEP_H, op->horizon_h, cap,
                               &r->s, in_force);
        if (rc) {
            diag_error(NULL, "forecast: %s failed to fit the history (numerical error)", r->name);
            goto out_free;
        }
        if (ms[i].ops == csv_method->ops && ms[i].param == csv_method->param)
            memcpy(mine, in_force, h.n * sizeof *mine);
    }
    if (progress)
        fprintf(stderr, "\r%-79s\r", "");
    if (h.expected) {
        /* The noiseless curve scored on the same forecast hours: what no method can beat. */
        struct fc_row *r = &rows[nrows++];
        memset(r, 0, sizeof *r);
        snprintf(r->name, sizeof r->name, "noise floor (expected_load)");
        for (size_t o = first; o + op->horizon_h <= h.n; o += STEP_H) {
            r->s.origins++;
            for (size_t k = 0; k < op->horizon_h; k++) {
                double e = h.expected[o + k], a = h.load[o + k];
                if (isnan(e))
                    continue;
                forecast_score_add(&r->s, e, a);
                if (cap && !isnan(a))
                    r->s.under_cap_hours += forecast_capacity(cap, e, NULL) <
                                            forecast_capacity(cap, a, NULL);
            }
        }
    }
    double next[FORECAST_MAX_HORIZON_H];
    if (forecast_predict(csv_method, h.load, h.n, h.start_s, op->horizon_h, next)) {
        diag_error(NULL, "forecast: the method failed to fit the history (numerical error)");
        goto out_free;
    }

    printf("history %s: %zu hours from t=%.0fs, %zu samples, %zu hours without data (%s)\n",
           op->history, h.n, h.start_s, h.samples, h.empty_hours,
           op->agg == FORECAST_AGG_SUM ? "hourly sums" : "hourly means");
    printf("backtest: %zu forecasts of %zu h, every %d h from hour %zu, each from at most %d h "
           "of history\n\n", rows[0].s.origins, op->horizon_h, STEP_H, first,
           FORECAST_MAX_HISTORY_H);
    print_table(op, rows, nrows);

    status = EXIT_ENV;
    if (mkdir_p(op->dir) || write_forecast_csv(op, &h, mine, next) ||
        write_backtest_csv(op, rows, nrows))
        goto out_free;
    char name[64];
    forecast_method_format(csv_method, name, sizeof name);
    printf("\nwrote %s/forecast.csv (%s) and %s/backtest.csv\n", op->dir, name, op->dir);
    status = EXIT_OK;
out_free:
    free(mine);
    free(in_force);
out_history:
    forecast_history_fini(&h);
    return status;
}

/* A number from an option value, > 0 or >= 0. */
static int parse_num(const char *opt, const char *s, double lo, bool lo_open, double hi,
                     double *out)
{
    const char *why;
    double v;
    if (sim_units_parse(s, strlen(s), SIM_UNIT_NONE, &v, &why) || v < lo || (lo_open && v == lo) ||
        v > hi)
        return diag_error(NULL, "forecast: bad %s '%s'; expected a number %s %g%s", opt, s,
                          lo_open ? ">" : ">=", lo, hi < HUGE_VAL ? " and at most the max" : "");
    *out = v;
    return 0;
}

int cmd_forecast(int argc, char **argv)
{
    struct fc_opts op = {.dir = "out/forecast", .horizon_h = FORECAST_MAX_HORIZON_H,
                         .agg = FORECAST_AGG_MEAN};
    forecast_sched_cfg_init(&op.cap);
    const char *synthetic = NULL;
    uint64_t seed = 1;
    bool have_cap_opt = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return EXIT_OK;
        }
        if (a[0] != '-' || !a[1]) {
            if (op.history) {
                diag_error(NULL, "forecast: expected one history file, got '%s' and '%s'",
                           op.history, a);
                return EXIT_BAD_INPUT;
            }
            op.history = a;
            continue;
        }
        static const char *const opts[] = {"--method",  "--horizon", "-o",
                                           "--metric",  "--aggregate", "--target-per-instance",
                                           "--min",     "--max",     "--breach",
                                           "--max-buffer", "--synthetic",
                                           "--seed",    NULL};
        size_t k = 0;
        while (opts[k] && strcmp(a, opts[k]))
            k++;
        if (!opts[k]) {
            const char *near = text_nearest(a, opts);
            diag_error(NULL, "forecast: unknown option '%s'%s%s%s; see elbsim forecast --help",
                       a, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            return EXIT_BAD_INPUT;
        }
        if (i + 1 >= argc) {
            diag_error(NULL, "forecast: %s needs a value", a);
            return EXIT_BAD_INPUT;
        }
        const char *v = argv[++i];
        int bad = 0;
        uint64_t u;
        switch (k) {
        case 0:
            bad = forecast_method_parse(v, NULL, &op.method);
            op.have_method = true;
            break;
        case 1:
            bad = parse_hours(a, v, FORECAST_MAX_HORIZON_H, &op.horizon_h);
            break;
        case 2:
            op.dir = v;
            break;
        case 3:
            op.metric = v;
            break;
        case 4:
            if (!strcmp(v, "mean") || !strcmp(v, "sum"))
                op.agg = !strcmp(v, "sum") ? FORECAST_AGG_SUM : FORECAST_AGG_MEAN;
            else
                bad = diag_error(NULL, "forecast: bad --aggregate '%s'; expected mean or sum", v);
            break;
        case 5:
            bad = parse_num(a, v, 0, true, HUGE_VAL, &op.cap.target_per_instance);
            op.have_cap = true;
            break;
        case 6:
        case 7:
            if (!parse_uint(v, INT_MAX, &u))
                bad = diag_error(NULL, "forecast: bad %s '%s'; expected a whole number of "
                                       "instances", a, v);
            else if (k == 6)
                op.cap.min_capacity = (int)u;
            else
                op.cap.max_capacity = (int)u;
            have_cap_opt = true;
            break;
        case 8:
            if (!strcmp(v, "honor") || !strcmp(v, "increase"))
                op.cap.breach = !strcmp(v, "increase") ? FORECAST_BREACH_INCREASE
                                                        : FORECAST_BREACH_HONOR;
            else
                bad = diag_error(NULL, "forecast: bad --breach '%s'; expected honor "
                                       "(HonorMaxCapacity) or increase (IncreaseMaxCapacity)", v);
            have_cap_opt = true;
            break;
        case 9:
            bad = parse_num(a, v, 0, false, 100, &op.cap.max_buffer_pct);
            have_cap_opt = true;
            break;
        case 10:
            synthetic = v;
            break;
        default:
            if (!parse_uint(v, UINT64_MAX, &seed))
                bad = diag_error(NULL, "forecast: bad --seed '%s'; expected a whole number "
                                       "from 0 to %" PRIu64, v, UINT64_MAX);
            break;
        }
        if (bad)
            return EXIT_BAD_INPUT;
    }
    if (synthetic) {
        size_t hours;
        if (op.history) {
            diag_error(NULL, "forecast: --synthetic writes a history; it takes no history "
                             "file ('%s')", op.history);
            return EXIT_BAD_INPUT;
        }
        if (parse_hours("--synthetic", synthetic, 10 * 366 * 24, &hours))
            return EXIT_BAD_INPUT;
        return write_synthetic(hours, seed);
    }
    if (!op.history) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    if (have_cap_opt && !op.have_cap) {
        diag_error(NULL, "forecast: --min, --max, --breach and --max-buffer need "
                         "--target-per-instance");
        return EXIT_BAD_INPUT;
    }
    if (op.cap.min_capacity > op.cap.max_capacity) {
        diag_error(NULL, "forecast: --min %d is above --max %d", op.cap.min_capacity,
                   op.cap.max_capacity);
        return EXIT_BAD_INPUT;
    }
    return run_backtest(&op);
}
