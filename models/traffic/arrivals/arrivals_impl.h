/*
 * arrivals_impl — what the arrival-process files share; not for use outside arrivals*.c.
 *
 * Each process is one file (arrivals_poisson.c, arrivals_mmpp.c, arrivals_steps.c,
 * arrivals_spike.c, arrivals_diurnal.c, arrivals_trace.c) ending with a const
 * `struct arrivals_ops` (STYLE.md §3), plus one row in arrivals.c's two tables.  Shared
 * pieces: the argument checks of arrivals.c and the piecewise-linear rate of arrivals_pwl.c
 * (steps, spike and rate files).  Traces and rate files are read with sim/csvin.
 */
#ifndef ELBSIM_MODELS_ARRIVALS_IMPL_H
#define ELBSIM_MODELS_ARRIVALS_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "models/traffic/arrivals.h"
#include "sim/text.h"
#include "sim/call.h"
#include "sim/diag.h"
#include "sim/units.h"

/* What a process's parser sees: the call and where its text came from. */
struct arrivals_parse {
    const char *text;            /* the whole text given to arrivals_parse */
    const struct loc *base;      /* location of text[0]; may be NULL */
    const char *base_dir;        /* folder of relative file names; may be NULL */
    const struct sim_call *call; /* the parsed call; its name chose the process */
};

/* One process.  priv is what parse allocated; every callback receives it back. */
struct arrivals_ops {
    struct arrivals_info info; /* name, synopsis and help, for scenarios and `elbsim list` */
    /* Read p->call's arguments into a new private object.  -1 after a diag message. */
    int (*parse)(const struct arrivals_parse *p, void **priv);
    void (*free)(void *priv);
    /* Canonical text; buf has n > 0 bytes. */
    void (*format)(const void *priv, char *buf, size_t n);
    /* λ(t) for t >= 0. */
    double (*rate_at)(const void *priv, double t);
    /* Expected arrivals in [t0, t1), 0 <= t0 <= t1. */
    double (*count)(const void *priv, double t0, double t1);
    /* Expected random draws `next` makes over [0, t_end): arrivals plus what a process
     * draws besides (state changes, rejected candidates).  NULL: count(0, t_end). */
    double (*draws)(const void *priv, double t_end);
    /* Prepare st (already zeroed, switch_s NAN).  May be NULL. */
    void (*start)(const void *priv, struct arrivals_state *st);
    /* Next arrival after now >= 0 (see arrivals_next); *demand_s, *path preset NAN/NULL. */
    double (*next)(const void *priv, struct arrivals_state *st, gsl_rng *r, double now,
                   double *demand_s, const char **path);
};


/* --- argument checks (arrivals.c) --------------------------------------------------- */

/* Report an error about text[off, off+len) of the parsed text.  Returns -1. */
int arrivals_parse_error(const struct arrivals_parse *p, size_t off, size_t len,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Check that every argument is `key=value` with key in keys (NULL-terminated) and given
 * once; a positional argument is accepted as the key `positional` (NULL: none allowed)
 * when it comes first.  Reports the first offender and returns -1. */
int arrivals_parse_keys(const struct arrivals_parse *p, const char *const keys[],
                        const char *positional);

/* The argument for key (or the positional one standing for it), or NULL. */
const struct sim_call_arg *arrivals_parse_arg(const struct arrivals_parse *p, const char *key,
                                              const char *positional);

/* Read arg's value as a number of that unit into *out.  -1 after a message. */
int arrivals_parse_value(const struct arrivals_parse *p, const struct sim_call_arg *arg,
                         enum sim_unit unit, double *out);

/* Read the argument for key as a number of that unit into *out; when absent, report it
 * as missing if required (hint: an example value), else leave *out.  -1 after a message. */
int arrivals_parse_number(const struct arrivals_parse *p, const char *key, const char *positional,
                          enum sim_unit unit, bool required, const char *hint, double *out);

/* The path a file argument names: joined to p->base_dir unless absolute.  Caller frees. */
char *arrivals_parse_path(const struct arrivals_parse *p, const char *file);

/* Shortest text of v in unit, as sim_units_format (rates "200/s", durations "30m"). */
void arrivals_fmt(double v, enum sim_unit unit, char *buf, size_t n);

/* An exponential(1) draw, never 0. */
double arrivals_exp1(gsl_rng *r);

/* t, or the next double above now when rounding left t <= now: an arrival drawn after
 * now must come strictly after it even when the gap is below now's precision. */
double arrivals_after(double now, double t);

/* a's parameters when its process is ops, else NULL (for a process's test hooks). */
const void *arrivals_priv(const struct arrivals *a, const struct arrivals_ops *ops);

/* The cosine diurnal's envelope segment n (numbered from time 0): the rate's tabled bounds
 * over it and its length.  False for another process or the file form.  For tests, which
 * replay the sampler comparing every candidate with the rate itself. */
bool arrivals_diurnal_segment(const struct arrivals *a, uint64_t n, double *lo, double *hi,
                              double *w);

/* ISO 8601 date-time with a zone (YYYY-MM-DDTHH:MM:SS[.f](Z|±hh:mm|±hhmm)) as seconds since
 * 1970-01-01 UTC; calendar-checked (leap years).  -1 if malformed (arrivals_rates.c). */
int arrivals_iso8601(const char *s, double *epoch_s);

/* --- piecewise-linear rates (arrivals_pwl.c) ------------------------------------------ */

/* A rate that is linear on each piece [t[i], t[i+1]): rate r[i] at t[i], slope s[i] (per
 * second per second).  Not periodic: the last piece runs for ever at constant rate.
 * Periodic (period > 0): the pieces cover [0, period) and repeat.  t[0] = 0. */
struct arrivals_pwl {
    size_t n;      /* pieces */
    double *t;     /* n+1 start times; t[n] = period, or INFINITY */
    double *r;     /* n rates at the piece starts, >= 0 */
    double *s;     /* n slopes; s[n-1] = 0 when not periodic */
    double *cum;   /* n+1 expected counts from 0 (or the period start) to t[i] */
    double period; /* s; 0 = not periodic */
};

/* Build from n pieces: piece i starts at t[i] (t[0] = 0, strictly increasing) with rate
 * r[i] >= 0 and slope s[i]; the rate must stay >= 0 to the end of each piece.  Not periodic
 * (period 0): the last piece lasts for ever with slope 0.  Periodic: the last piece ends at
 * period, and the rate must not be zero throughout.  Copies the arrays. */
void arrivals_pwl_init(struct arrivals_pwl *w, size_t n, const double *t, const double *r,
                       const double *s, double period);
void arrivals_pwl_fini(struct arrivals_pwl *w);

double arrivals_pwl_rate_at(const struct arrivals_pwl *w, double t);

/* Expected arrivals in [0, t). */
double arrivals_pwl_cum(const struct arrivals_pwl *w, double t);

/* The first time after now at which the integrated rate has grown by e > 0, using st->pos
 * as a cursor; INFINITY if it never does. */
double arrivals_pwl_invert(const struct arrivals_pwl *w, struct arrivals_state *st, double now,
                           double e);

/* Ops callbacks for a process whose private object begins with its struct arrivals_pwl
 * (steps, spike): λ(t), expected count, and the next arrival. */
double arrivals_pwl_ops_rate_at(const void *priv, double t);
double arrivals_pwl_ops_count(const void *priv, double t0, double t1);
double arrivals_pwl_ops_next(const void *priv, struct arrivals_state *st, gsl_rng *r,
                             double now, double *demand_s, const char **path);

#endif
