/* diurnal(...): a daily (and optionally weekly) rate curve, in two forms.
 *
 * Cosine: rate(t) = mean (1 + A cos(2π (t - peak) / D)) (1 + W cos(2π (t - tw) / 7D)),
 * D = 1 day, tw = peak_day·D + peak, t = 0 at Monday 00:00 UTC.  Sampled by thinning
 * (Lewis & Shedler 1979) against a piecewise-constant envelope: the day (or, with a weekly
 * term, the week) is cut into 2048 segments (42 s, or 295 s), and the rate's bounds over
 * each, widened by 10^-9 λmax (λmax = mean (1+A)(1+W)) and by a second either side, are
 * tabled at parse time.  Candidates come at the segment's upper bound hi and each is kept
 * with probability rate(t)/hi; the rate moves little in a segment, so about 99.9 % are kept
 * (at A = 0.818, the e2e_asg_diurnal curve), where thinning against λmax keeps 1/(1+A) of
 * them.  A squeeze decides almost all without a cosine: a uniform below the lower bound is
 * kept at once, and only the rest (about 0.2 %) are compared with the rate itself.  Past
 * 10^9 s the table is not used and the candidates come at λmax.
 *
 * File: hourly rates interpolated linearly between hour midpoints, periodic over the file's
 * 24 or 168 hours; a piecewise-linear rate, so sampled by inversion (arrivals_pwl.c). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/csvin.h"
#include "sim/path.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define DAY_S 86400.0
#define WEEK_S (7 * DAY_S)
#define HOUR_S 3600.0
#define TWO_PI 6.28318530717958647692528676655900577

static const char *const weekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

struct diurnal {
    struct arrivals_pwl w; /* file form: the interpolated curve; zeroed for the cosine form */
    char *file;            /* file form: the file as written; NULL for the cosine form */
    double mean;           /* per s, > 0 */
    double amplitude;      /* [0, 1) */
    double peak_s;         /* time of day of the daily maximum, [0, 1d) */
    double weekly;         /* [0, 1) */
    int peak_day;          /* 0 = Monday .. 6 = Sunday */
    struct diurnal_seg *seg; /* cosine form: the rate's bounds over each segment */
    double seg_per_s;        /* segments per second: NSEG / the period (a day, or a week) */
    double seg_w;            /* a segment's length: the period / NSEG */
    double env_period;       /* ∫ of the envelope (hi per segment) over one period */
};

/* Bounds of the rate over segment k of the period, [k w - 1 s, (k + 1) w + 1 s] (a second
 * either side, so that rounding in floor(t / w) cannot pick the wrong one), widened. */
struct diurnal_seg {
    double lo, hi;
};

#define NSEG 2048u /* a power of two: the segment of t is floor(t / w) mod NSEG */
#define SEG_T_MAX 1e9 /* s: beyond, the table is not used (the cosine's argument has lost
                       * too many digits for a 10^-9 margin to cover its rounding) */

/* --- cosine form ------------------------------------------------------------------------ */

/* "HH:MM" (or "H:MM") as seconds after midnight; -1 if malformed. */
static double time_of_day(const char *s)
{
    int h = 0, m = 0, nh = 0, nm = 0;
    const char *c = s;
    while (*c >= '0' && *c <= '9' && nh < 2)
        h = 10 * h + (*c++ - '0'), nh++;
    if (nh == 0 || *c++ != ':')
        return -1;
    while (*c >= '0' && *c <= '9' && nm < 2)
        m = 10 * m + (*c++ - '0'), nm++;
    if (nm != 2 || *c || h > 23 || m > 59)
        return -1;
    return h * HOUR_S + m * 60.0;
}

static int diurnal_fraction(const struct arrivals_parse *p, const char *key, double *v)
{
    if (arrivals_parse_number(p, key, NULL, SIM_UNIT_NONE, false, "", v))
        return -1;
    if (*v >= 0 && *v < 1)
        return 0;
    const struct sim_call_arg *a = arrivals_parse_arg(p, key, NULL);
    return arrivals_parse_error(p, a->value_off, a->value_len,
                                "diurnal %s must be in [0, 1) so that the rate stays above 0, "
                                "got '%s'", key, a->value);
}

static int diurnal_parse_cosine(const struct arrivals_parse *p, struct diurnal *d)
{
    static const char *const keys[] = {"mean", "amplitude", "peak", "weekly", "peak_day", NULL};
    d->amplitude = 0.5;
    d->peak_s = 14 * HOUR_S;
    d->weekly = 0;
    d->peak_day = 2;
    if (arrivals_parse_keys(p, keys, NULL) ||
        arrivals_parse_number(p, "mean", NULL, SIM_UNIT_RATE, true, "1000/s", &d->mean))
        return -1;
    if (!(d->mean > 0)) {
        const struct sim_call_arg *a = arrivals_parse_arg(p, "mean", NULL);
        return arrivals_parse_error(p, a->value_off, a->value_len,
                                    "diurnal mean must be > 0, got '%s'", a->value);
    }
    if (diurnal_fraction(p, "amplitude", &d->amplitude) ||
        diurnal_fraction(p, "weekly", &d->weekly))
        return -1;
    const struct sim_call_arg *a = arrivals_parse_arg(p, "peak", NULL);
    if (a) {
        const char *why = "expected a time of day such as 14:00 or a duration below 1d";
        double v = a->call ? -1 : time_of_day(a->value);
        if (v < 0 && !a->call && !strchr(a->value, ':') &&
            sim_units_parse(a->value, a->value_len, SIM_UNIT_SECONDS, &v, &why))
            v = -1;
        if (!(v >= 0 && v < DAY_S))
            return arrivals_parse_error(p, a->value_off, a->value_len, "diurnal peak '%s': %s",
                                        a->value, why);
        d->peak_s = v;
    }
    if ((a = arrivals_parse_arg(p, "peak_day", NULL))) {
        int k = 0;
        while (k < 7 && (a->call || strcmp(a->value, weekdays[k])))
            k++;
        if (k == 7)
            return arrivals_parse_error(p, a->value_off, a->value_len,
                                        "diurnal peak_day '%s': expected mon, tue, wed, thu, "
                                        "fri, sat or sun", a->value);
        d->peak_day = k;
    }
    return 0;
}

/* One factor of the rate: 1 + amp cos(2π (t - ph) / per). */
static inline double cos_factor(double amp, double ph, double per, double t)
{
    return 1 + amp * cos(TWO_PI * (t - ph) / per);
}

/* The rate's maximum, mean (1+A)(1+W): the table's margin, and the envelope past it. */
static double cosine_max(const struct diurnal *d)
{
    return d->mean * (1 + d->amplitude) * (1 + d->weekly);
}

static double cosine_rate(const struct diurnal *d, double t)
{
    double day = cos_factor(d->amplitude, d->peak_s, DAY_S, t);
    if (d->weekly == 0)
        return d->mean * day; /* the weekly factor is exactly 1 */
    double week = cos_factor(d->weekly, d->peak_day * DAY_S + d->peak_s, WEEK_S, t);
    return d->mean * day * week;
}

/* Bounds of cos_factor(amp, ph, per, t) over [a, b], b - a < per / 2: the values at the
 * ends, and the extreme if one lies between (maxima at ph + j per, minima half a period
 * on). */
static void cos_bounds(double amp, double ph, double per, double a, double b, double *lo,
                       double *hi)
{
    double fa = cos_factor(amp, ph, per, a), fb = cos_factor(amp, ph, per, b);
    *lo = fa < fb ? fa : fb;
    *hi = fa < fb ? fb : fa;
    double xa = (a - ph) / per, xb = (b - ph) / per; /* in periods */
    if (ceil(xa) <= xb)
        *hi = 1 + amp;
    if (ceil(xa - 0.5) + 0.5 <= xb)
        *lo = 1 - amp;
}

static void cosine_table(struct diurnal *d)
{
    double period = d->weekly > 0 ? WEEK_S : DAY_S;
    double margin = 1e-9 * cosine_max(d);
    double tw = d->peak_day * DAY_S + d->peak_s, w = period / NSEG;
    d->seg_per_s = NSEG / period;
    d->seg_w = w;
    d->env_period = 0;
    d->seg = xmalloc(NSEG * sizeof *d->seg);
    for (uint32_t k = 0; k < NSEG; k++) {
        double a = k * w - 1, b = (k + 1) * w + 1, dlo, dhi, wlo = 1, whi = 1;
        cos_bounds(d->amplitude, d->peak_s, DAY_S, a, b, &dlo, &dhi);
        if (d->weekly > 0)
            cos_bounds(d->weekly, tw, WEEK_S, a, b, &wlo, &whi);
        d->seg[k].lo = d->mean * dlo * wlo - margin;
        d->seg[k].hi = d->mean * dhi * whi + margin;
        d->env_period += d->seg[k].hi * w;
    }
}

/* ∫0^t rate.  With a = 2π/D, b = 2π/7D: mean [t + A S(a, p) + W S(b, tw)
 * + A W (S(a+b, ap+b tw) + S(a-b, ap-b tw)) / 2], S(w, φ) = (sin(w t - φ) + sin φ) / w. */
static double cosine_cum(const struct diurnal *d, double t)
{
    double a = TWO_PI / DAY_S, b = TWO_PI / WEEK_S;
    double pa = a * d->peak_s, pb = b * (d->peak_day * DAY_S + d->peak_s);
#define S(w, phi) ((sin((w) * t - (phi)) + sin(phi)) / (w))
    double v = t + d->amplitude * S(a, pa) + d->weekly * S(b, pb) +
               d->amplitude * d->weekly * (S(a + b, pa + pb) + S(a - b, pa - pb)) / 2;
#undef S
    return d->mean * v;
}

/* Candidates of a Poisson process at the envelope hi (per segment) from t, kept with
 * probability rate/hi.  A candidate's gap is an exponential(1) amount e of the envelope's
 * integral: a segment that ends before it is spent (hi times what is left of it) and the
 * rest carries into the next, whole periods (env_period each) at once, so a candidate
 * costs one exponential and at most NSEG steps whatever the rate.  n is the segment's
 * number counted from time 0, carried rather than recomputed from t, so that a t rounded
 * onto a boundary cannot hold the loop in one segment; its bounds cover a second either
 * side, so they hold for a t a rounding off its segment.  Past SEG_T_MAX the candidates
 * come at λmax; a time that overflows means no arrival at all (a rate below 10^-300). */
static double cosine_next(const struct diurnal *d, gsl_rng *r, double now)
{
    double t = now, e = arrivals_exp1(r);
    if (t < SEG_T_MAX) {
        double period = NSEG * d->seg_w;
        uint64_t n = (uint64_t)(t * d->seg_per_s);
        for (;;) {
            const struct diurnal_seg *g = &d->seg[n & (NSEG - 1)];
            double end = fmin((double)(n + 1) * d->seg_w, SEG_T_MAX);
            double c = t + e / g->hi;
            if (c >= end) {
                e = fmax(e - g->hi * fmax(end - t, 0), 0);
                t = fmax(t, end);
                if (end >= SEG_T_MAX)
                    break;
                n++;
                /* Whole periods the rest of the gap spans, no further than the table. */
                double k = d->env_period > 0 ? floor(e / d->env_period) : 0;
                k = fmin(k, floor((SEG_T_MAX - (double)n * d->seg_w) / period));
                if (k >= 1) {
                    e = fmax(e - k * d->env_period, 0);
                    n += (uint64_t)k * NSEG;
                    t = fmax(t, (double)n * d->seg_w);
                }
                continue;
            }
            t = c;
            double u = sim_rng_uniform(r) * g->hi;
            if (u < g->lo || u < cosine_rate(d, t))
                return arrivals_after(now, t);
            e = arrivals_exp1(r);
        }
    }
    double lmax = cosine_max(d);
    for (;;) {
        t += e / lmax;
        if (!(t < (double)INFINITY))
            return (double)INFINITY;
        if (sim_rng_uniform(r) * lmax < cosine_rate(d, t))
            return arrivals_after(now, t);
        e = arrivals_exp1(r);
    }
}

/* --- file form -------------------------------------------------------------------------- */

enum { COL_HOUR, COL_RATE, NCOLS };
static const struct csvin_column rates_columns[NCOLS] = {{"hour", true}, {"rate", true}};
static const struct csvin_header rates_header = {rates_columns, NCOLS, "unknown column",
                                                 "a rate file has the header hour,rate",
                                                 "a rate file has the header hour,rate"};

struct rates_load {
    double *rate;   /* per hour, grows */
    size_t n, cap;
    size_t col[NCOLS];
};

static int rates_row(void *ctx, const struct csvin_row *row)
{
    struct rates_load *ld = ctx;
    if (row->record == 0)
        return csvin_header_read(row, &rates_header, ld->col);
    if (row->nfields != 2)
        return csvin_error(row, row->nfields > 2 ? 2 : 0, "row has %zu fields; expected hour,rate",
                           row->nfields);
    size_t ih = ld->col[COL_HOUR], ir = ld->col[COL_RATE];
    const char *r = row->fields[ir];
    double hour;
    if (ld->n == 168)
        return csvin_error(row, ih, "more than 168 hours (one week)");
    if (!csvin_number(row->fields[ih], &hour) || hour != (double)ld->n)
        return csvin_error(row, ih, "hour '%s': expected %zu (hours 0..23 or 0..167, in order, "
                                    "one row each)", csvin_value(row, ih), ld->n);
    double rate;
    const char *why = "expected a rate";
    if (sim_units_parse(r, strlen(r), SIM_UNIT_RATE, &rate, &why))
        return csvin_error(row, ir, "rate '%s': %s", csvin_value(row, ir), why);
    if (rate < 0)
        return csvin_error(row, ir, "rate '%s' is negative", csvin_value(row, ir));
    if (ld->n == ld->cap) {
        ld->cap = ld->cap ? 2 * ld->cap : 32;
        ld->rate = xrealloc(ld->rate, ld->cap * sizeof *ld->rate);
    }
    ld->rate[ld->n++] = rate;
    return 0;
}

/* Pieces from midpoint to midpoint, split at the period's ends:
 * [0, 0.5h) from the mean of the last and first hours up to r0, then [h+0.5, h+1.5)
 * from r_h to r_h+1, and [N-0.5h, N) from r_N-1 down to the mean again. */
static void rates_build(struct arrivals_pwl *w, const double *rate, size_t nh)
{
    size_t n = nh + 1;
    double *t = xmalloc(n * sizeof *t), *r = xmalloc(n * sizeof *r), *s = xmalloc(n * sizeof *s);
    double wrap = (rate[nh - 1] + rate[0]) / 2;
    t[0] = 0;
    r[0] = wrap;
    s[0] = (rate[0] - wrap) / (HOUR_S / 2);
    for (size_t h = 0; h < nh; h++) {
        double next = h + 1 < nh ? rate[h + 1] : wrap;
        double len = h + 1 < nh ? HOUR_S : HOUR_S / 2;
        t[h + 1] = (h + 0.5) * HOUR_S;
        r[h + 1] = rate[h];
        s[h + 1] = (next - rate[h]) / len;
    }
    arrivals_pwl_init(w, n, t, r, s, nh * HOUR_S);
    free(t);
    free(r);
    free(s);
}

static int diurnal_parse_file(const struct arrivals_parse *p, struct diurnal *d)
{
    static const char *const keys[] = {"file", NULL};
    if (arrivals_parse_keys(p, keys, NULL))
        return -1;
    const struct sim_call_arg *a = arrivals_parse_arg(p, "file", NULL);
    if (a->call)
        return arrivals_parse_error(p, a->value_off, a->value_len, "expected a file name");
    struct rates_load ld = {0};
    char *path = arrivals_parse_path(p, a->value);
    struct csvin_origin named = {p->base, p->text, a->value_off, a->value_len};
    int rc = csvin_read(path, &named, rates_row, &ld);
    if (rc == 0 && ld.n != 24 && ld.n != 168)
        rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                  "'%s' has %zu hours; a rate file has 24 (a day) or 168 (a "
                                  "week from Monday 00:00 UTC)", path, ld.n);
    bool any = false;
    for (size_t h = 0; rc == 0 && h < ld.n; h++)
        any |= ld.rate[h] > 0;
    if (rc == 0 && !any)
        rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                  "every rate in '%s' is 0: this process never sends a request",
                                  path);
    if (rc == 0) {
        rates_build(&d->w, ld.rate, ld.n);
        d->file = sim_path_absolute(p->base_dir, a->value); /* for diurnal_format */
    }
    free(ld.rate);
    free(path);
    return rc;
}

/* --- ops -------------------------------------------------------------------------------- */

static int diurnal_parse(const struct arrivals_parse *p, void **priv)
{
    struct diurnal *d = xcalloc(1, sizeof *d);
    int rc = arrivals_parse_arg(p, "file", NULL) ? diurnal_parse_file(p, d)
                                                 : diurnal_parse_cosine(p, d);
    if (rc) {
        free(d);
        return -1;
    }
    if (!d->file)
        cosine_table(d);
    *priv = d;
    return 0;
}

static void diurnal_free(void *priv)
{
    struct diurnal *d = priv;
    if (d->file) {
        arrivals_pwl_fini(&d->w);
        free(d->file);
    }
    free(d->seg);
    free(d);
}

static void diurnal_format(const void *priv, char *buf, size_t n)
{
    const struct diurnal *d = priv;
    if (d->file) {
        snprintf(buf, n, "diurnal(file=%s)", d->file);
        return;
    }
    char mean[32], amp[32], weekly[32];
    arrivals_fmt(d->mean, SIM_UNIT_RATE, mean, sizeof mean);
    arrivals_fmt(d->amplitude, SIM_UNIT_NONE, amp, sizeof amp);
    arrivals_fmt(d->weekly, SIM_UNIT_NONE, weekly, sizeof weekly);
    int hh = (int)(d->peak_s / HOUR_S), mm = (int)((d->peak_s - hh * HOUR_S) / 60);
    size_t used = 0;
    text_appendf(buf, n, &used, "diurnal(mean=%s, amplitude=%s, peak=", mean, amp);
    if (d->peak_s == hh * HOUR_S + mm * 60.0) {
        text_appendf(buf, n, &used, "%02d:%02d", hh, mm);
    } else {
        char pk[32];
        arrivals_fmt(d->peak_s, SIM_UNIT_SECONDS, pk, sizeof pk);
        text_appendf(buf, n, &used, "%s", pk);
    }
    text_appendf(buf, n, &used, ", weekly=%s, peak_day=%s)", weekly, weekdays[d->peak_day]);
}

static double diurnal_rate_at(const void *priv, double t)
{
    const struct diurnal *d = priv;
    return d->file ? arrivals_pwl_rate_at(&d->w, t) : cosine_rate(d, t);
}

static double diurnal_count(const void *priv, double t0, double t1)
{
    const struct diurnal *d = priv;
    if (d->file)
        return arrivals_pwl_cum(&d->w, t1) - arrivals_pwl_cum(&d->w, t0);
    return cosine_cum(d, t1) - cosine_cum(d, t0);
}

static double diurnal_next(const void *priv, struct arrivals_state *st, gsl_rng *r, double now,
                           double *demand_s, const char **path)
{
    (void)demand_s, (void)path;
    const struct diurnal *d = priv;
    if (d->file)
        return arrivals_pwl_invert(&d->w, st, now, arrivals_exp1(r));
    return cosine_next(d, r, now);
}

/* The cosine form draws the envelope's candidates (its integral); past the table, the
 * maximum's. */
static double diurnal_draws(const void *priv, double t_end)
{
    const struct diurnal *d = priv;
    if (d->file)
        return diurnal_count(priv, 0, t_end);
    double lmax = cosine_max(d);
    double tab = fmin(t_end, SEG_T_MAX), period = NSEG * d->seg_w;
    double periods = floor(tab / period), rest = tab - periods * period;
    double n = periods * d->env_period;
    for (uint32_t k = 0; k < NSEG && k * d->seg_w < rest; k++)
        n += d->seg[k].hi * fmin(d->seg_w, rest - k * d->seg_w);
    return n + lmax * (t_end - tab);
}

const struct arrivals_ops arrivals_diurnal_ops = {
    .info = {"diurnal", "diurnal(mean=R, amplitude=A, peak=HH:MM)",
             "Daily cosine around mean R peaking at HH:MM UTC (time 0 = Monday 00:00), times a "
             "weekly one with weekly=W, peak_day=mon..sun; or diurnal(file=rates.csv): hourly rates "
             "(hour,rate) interpolated between hour midpoints."},
    .parse = diurnal_parse,
    .free = diurnal_free,
    .format = diurnal_format,
    .rate_at = diurnal_rate_at,
    .count = diurnal_count,
    .draws = diurnal_draws,
    .next = diurnal_next,
};

bool arrivals_diurnal_segment(const struct arrivals *a, uint64_t n, double *lo, double *hi,
                              double *w)
{
    const struct diurnal *d = arrivals_priv(a, &arrivals_diurnal_ops);
    if (!d || d->file)
        return false;
    *lo = d->seg[n & (NSEG - 1)].lo;
    *hi = d->seg[n & (NSEG - 1)].hi;
    *w = d->seg_w;
    return true;
}
