/*
 * arrivals — open-loop arrival processes: when the requests of a workload arrive.
 *
 * A scenario writes a process as a call (DESIGN.md "Scenario files"); rates take /s, /m or
 * /h, durations s, m, h, d (sim/units.h; a bare number is per second or seconds):
 *
 *   poisson(rate=200/s)                        homogeneous Poisson
 *   mmpp(on=500/s, off=50/s, mean_on=30s, mean_off=2m [, start=on|off])
 *        two-state Markov-modulated Poisson: Poisson at `on` for an exponential time of
 *        mean mean_on, then at `off` for one of mean mean_off, and so on; starts in `on`
 *   steps(0s: 100/s, 30m: 400/s, 1h: 100/s)    Poisson whose rate changes at those times
 *        (the first must be 0s, then strictly increasing; the last rate holds forever)
 *   spike(base=100/s, peak=800/s, at=10m, duration=2m [, ramp=30s])
 *        base, except peak during [at, at+duration); with a ramp the rate climbs linearly
 *        from base to peak over [at, at+ramp) and falls back over [at+duration-ramp,
 *        at+duration), so the whole spike still lasts `duration` (ramp <= duration/2)
 *   diurnal(mean=1000/s, amplitude=0.6, peak=14:00 [, weekly=0.2, peak_day=wed])
 *        rate(t) = mean * (1 + amplitude * cos(2 pi (t - peak) / 1d))
 *                       * (1 + weekly * cos(2 pi (t - peak_day - peak) / 7d))
 *        with t = 0 at Monday 00:00 UTC, peak a time of day ("14:00" or a duration below
 *        1d), peak_day the weekday of the weekly maximum (mon..sun, so peak_day is
 *        0d..6d).  amplitude and weekly lie in [0, 1).  Defaults: amplitude 0.5,
 *        peak 14:00, weekly 0, peak_day wed.  `mean` is the average over any whole week
 *        (the cross term of the two cosines has periods 1/6 and 1/8 of a week) and over
 *        any whole day when weekly = 0.
 *   diurnal(file=rates.csv)
 *        hourly rates from a CSV with header `hour,rate`: 24 rows (hours 0..23, one day) or
 *        168 rows (0..167, a week from Monday 00:00 UTC), in order.  A rate may carry a unit
 *        (a bare number is per second).  The rate of hour h holds at the hour's midpoint and
 *        is interpolated linearly between midpoints, wrapping around at the end (periodic).
 *   trace(file.csv)  or  trace(file=file.csv)
 *        replays a recorded trace, one arrival per row: a CSV with a header naming a
 *        `time_s` column (seconds from the start, non-decreasing, >= 0) and optionally
 *        `demand_s` (the request's CPU demand in seconds; an empty cell means none) and
 *        `path` (the request path, for listener rules).  Other columns are errors.
 *
 * Sampling is exact, never by stepping a clock.  Piecewise-linear rates (steps, spike,
 * diurnal from a file) invert the cumulative intensity: an exponential(1) draw is mapped
 * through the integrated rate (closed form per linear piece).  The cosine diurnal curve is
 * thinned (Lewis-Shedler) against a piecewise-constant envelope: the rate's upper bound over
 * each 1/2048 of its period (arrivals_diurnal.c).  MMPP draws
 * Poisson gaps within a state and redraws at each state change (memorylessness makes
 * that exact).  Files are read relative to the scenario's folder.
 *
 * A zero rate is allowed where it means "no traffic for a while": a step, the `off` state
 * of mmpp, the base or peak of a spike, an hour of a rate file; a process whose rate is zero
 * everywhere is an error.  poisson and the cosine diurnal mean must be > 0.
 *
 * Not modelled here: closed-loop users, connections and retries (the workload does those).
 */
#ifndef ELBSIM_MODELS_ARRIVALS_H
#define ELBSIM_MODELS_ARRIVALS_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "sim/diag.h"

/* A parsed arrival process.  Immutable after arrivals_parse, so one description can drive
 * any number of runs at once; it owns its trace or rate-file data. */
struct arrivals;

/* Per-run position of one process; caller storage, set by arrivals_start and advanced by
 * arrivals_next.  Its fields are private to arrivals*.c. */
struct arrivals_state {
    size_t pos;      /* steps/spike/rate file: current rate piece; trace: next row */
    double switch_s; /* mmpp: time of the next on/off change, s; NAN before the first draw */
    bool on;         /* mmpp: in the `on` state */
};

/* Parse text (e.g. "poisson(rate=200/s)").  base says where text sits in its file (its
 * first character; may be NULL) and base_dir is the folder that relative file names start
 * from (NULL or "" = the current directory).  On success stores a new process in *out
 * (caller frees with arrivals_free) and returns 0; on bad input reports one message
 * through diag (naming the offending part of text, or file:line:col inside a CSV) and
 * returns -1 with *out untouched. */
int arrivals_parse(const char *text, const struct loc *base, const char *base_dir,
                   struct arrivals **out);

/* The most rows a trace file may hold: its rows are kept in memory (8 bytes each, 16 with
 * demands), and the run-size limit (limits.requests) is 1e10 by default.  More is refused
 * while reading, so an endless input (a FIFO, a device) cannot grow without bound. */
#define ARRIVALS_TRACE_MAX_ROWS ((size_t)1000000000)

/* Set the row limit for the traces parsed from now on (tests); returns the previous one. */
size_t arrivals_trace_max_rows(size_t rows);

/* Free a process from arrivals_parse; NULL is a no-op. */
void arrivals_free(struct arrivals *a);

/* The canonical text: every parameter written out with defaults filled in, in units
 * chosen by sim_units_format, e.g. "poisson(rate=200/s)"; files as the scenario named
 * them.  arrivals_parse reads it back to the same process.  Truncates to fit n. */
void arrivals_format(const struct arrivals *a, char *buf, size_t n);

/* The name of the process ("poisson", ...); static. */
const char *arrivals_name(const struct arrivals *a);

/* The rate λ(t) in arrivals per second at time t >= 0 (0 for t < 0).  mmpp: its long-run
 * mean rate.  trace: the number of rows in the second [floor(t), floor(t)+1). */
double arrivals_rate_at(const struct arrivals *a, double t);

/* The expected number of arrivals in [t0, t1) divided by t1 - t0, for 0 <= t0 < t1 (times
 * below 0 count as 0; t1 <= t0 gives arrivals_rate_at(t0)).  mmpp: exact, including the
 * transient from its start state.  trace: the rows in [t0, t1), not an expectation. */
double arrivals_mean_rate(const struct arrivals *a, double t0, double t1);

/* The work of running a over [0, t_end): the expected number of draws arrivals_next makes
 * (arrivals, plus mmpp's state changes and the thinned cosine diurnal's rejected
 * candidates).  What the run-size limit (docs/robustness.md) is checked against. */
double arrivals_draws(const struct arrivals *a, double t_end);

/* Set st for a new run of a (the process begins at time 0). */
void arrivals_start(const struct arrivals *a, struct arrivals_state *st);

/* The next arrival time strictly after now (equal to now only for trace rows sharing one
 * time), or INFINITY when the process has ended (trace exhausted, or a rate that stays 0).
 * Call with now = the previous arrival (or the start); every call draws afresh, and a trace
 * skips rows before now.  Draws from r, which should be the workload's own named stream
 * (trace draws nothing; r may then be NULL).  *demand_s and *path describe a trace row
 * (NAN / NULL when the trace has no such value); other processes set NAN / NULL.
 * demand_s and path may be NULL.  *path points into a's data.  Allocates nothing. */
double arrivals_next(const struct arrivals *a, struct arrivals_state *st, gsl_rng *r,
                     double now, double *demand_s, const char **path);

/* What `elbsim list` and error messages say of a process. */
struct arrivals_info {
    const char *name;     /* as written in scenarios */
    const char *synopsis; /* the call with its parameters */
    const char *help;     /* one or two sentences */
};

/* The processes in listing order; NULL-terminated. */
extern const struct arrivals_info *const arrivals_table[];

/* Comma-separated process names for messages ("poisson, mmpp, ..."). */
void arrivals_names(char *buf, size_t n);

#endif
