/*
 * forecast — the hourly load forecaster behind predictive scaling, and the pure schedule
 * that turns a forecast into capacity actions (AWS.md fact 13 and §6).
 *
 * AWS does not publish its model (§6: "not found"), so elbsim's is its own, documented
 * here and in docs/forecasting.md ("Forecasting").  Everything in this module is a pure function of its
 * arguments: hourly history in, hourly forecast out, no simulation state, no clock, no
 * allocation that outlives a call.
 *
 * Units and time: load is any non-negative quantity in the user's units (requests/s,
 * CPU-seconds, ...), one value per hour (the hourly mean of the samples by default, see
 * forecast_history_read).  Time is seconds; t = 0 is Monday 00:00 UTC, as for diurnal
 * arrivals, so hour-of-week h = floor(t / 3600) mod 168.  A series starts on an hour.
 *
 * Methods (one const `struct forecast_ops` per file, found by name, STYLE.md §3):
 *   seasonal_naive(season=day|week)   the value of the same hour one season ago
 *   holt_winters                      additive double-seasonal Holt-Winters (Taylor 2003),
 *                                     periods 24 and 168, parameters fitted by one-step SSE
 *   regression(dummies=hour_and_day|hour_of_week)
 *                                     least squares on log load: hour-of-day + day-of-week
 *                                     (or hour-of-week) dummies + linear trend
 * Every method needs FORECAST_MIN_HISTORY_H hours (seasonal_naive(season=week): 168) and
 * uses at most the last FORECAST_MAX_HISTORY_H; the horizon is at most 48 h.
 *
 * Integration (predictive scaling inside the simulation, by an ASG policy): every
 * FORECAST_REFRESH_S the policy builds the hourly series of its load metric (hourly Sum or
 * mean over the group, the same aggregation as the target), calls forecast_plan() with the
 * current time, replaces its pending actions by the ones returned, and at each action's
 * apply_at_s raises desired capacity to forecast_action_apply() (and max capacity to the
 * action's max_capacity under FORECAST_BREACH_INCREASE).  Predictive never scales in.
 *
 * Not modelled: AWS's "billions of data points" prior, its predictability check, the
 * back-filled forecasts before a policy existed, mixed instance weights.
 */
#ifndef ELBSIM_MODELS_FORECAST_H
#define ELBSIM_MODELS_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loc;

#define FORECAST_HOUR_S 3600.0
#define FORECAST_MIN_HISTORY_H 24        /* AWS: at least 24 h of data */
#define FORECAST_MAX_HISTORY_H (14 * 24) /* AWS: up to the last 14 days */
#define FORECAST_MAX_HORIZON_H 48        /* AWS: the next 48 h */
/* The largest load a history may hold (per sample, and per hour once aggregated): the
 * forecasters sum squares of loads, which overflow a double past about 1e154, and no real
 * metric comes near 1e15.  elbsim's choice (docs/forecasting.md). */
#define FORECAST_MAX_LOAD 1e15
#define FORECAST_REFRESH_S (6 * 3600.0)  /* AWS: refreshed every 6 h */
#define FORECAST_BUFFER_S 300.0          /* SchedulingBufferTime default */

/* Error returns (negative, STYLE.md §2). */
enum {
    FORECAST_ERR_SHORT = -1,   /* less history than the method needs */
    FORECAST_ERR_NUMERIC = -2, /* a GSL fit failed (singular, no convergence) */
};

/* One method.  predict() gets y[0..n) with no NaN, FORECAST_MIN_HISTORY_H <= n <=
 * FORECAST_MAX_HISTORY_H and n >= min_history_h(param); start_s is the time of y[0] (a
 * whole hour).  It writes out[0..horizon_h) for the hours after y[n-1], each >= 0, and
 * returns 0 or a FORECAST_ERR_* code. */
struct forecast_ops {
    const char *name;                /* as written after --method */
    const char *param;               /* the key of its one optional parameter, or NULL */
    const char *const *values;       /* that parameter's values, the default first */
    size_t (*min_history_h)(int param);
    int (*predict)(int param, const double *y, size_t n, double start_s, size_t horizon_h,
                   double *out);
};

extern const struct forecast_ops forecast_naive_ops;
extern const struct forecast_ops forecast_hw_ops;
extern const struct forecast_ops forecast_regression_ops;

/* A chosen method: which ops, and the index of its parameter value in ops->values. */
struct forecast_method {
    const struct forecast_ops *ops;
    int param;
};

/* Every method with every parameter value, in the order of the comparison table. */
#define FORECAST_NVARIANTS 5
extern const struct forecast_method forecast_variants[FORECAST_NVARIANTS];

/* The default method: holt_winters. */
extern const struct forecast_method forecast_method_default;

/* Parse `name` or `name(key=value)` into *m (caller storage).  Errors (unknown name or
 * key or value, with the valid ones listed) go through diag with where as the location of
 * text[0] (NULL: the command line); returns 0 or -1, *m untouched on error. */
int forecast_method_parse(const char *text, const struct loc *where, struct forecast_method *m);

/* Canonical text, e.g. "seasonal_naive(season=week)"; "holt_winters". */
void forecast_method_format(const struct forecast_method *m, char *buf, size_t n);

/* Hours of history the method needs (>= FORECAST_MIN_HISTORY_H). */
size_t forecast_method_min_history_h(const struct forecast_method *m);

/* A list of the method names, "seasonal_naive, holt_winters, regression". */
const char *forecast_method_names(void);

/* Hourly forecast of the horizon_h (1..48) hours that follow history y[0..n) (start_s:
 * time of y[0], a whole hour).  y may hold NaN for hours without data: they are filled by
 * linear interpolation (held flat at the ends).  Only the last FORECAST_MAX_HISTORY_H
 * hours are used.  Writes out[0..horizon_h); returns 0, FORECAST_ERR_SHORT when fewer than
 * the method's minimum hours are given (or all are NaN), FORECAST_ERR_NUMERIC. */
int forecast_predict(const struct forecast_method *m, const double *y, size_t n, double start_s,
                     size_t horizon_h, double *out);

/* Fill NaN entries of y[0..n) in place by linear interpolation between the nearest known
 * values (flat beyond the first / last).  Returns the number of known values. */
size_t forecast_fill(double *y, size_t n);

struct forecast_sched_cfg;

/* --- error measures ------------------------------------------------------------------ */

/* Accumulated errors of forecasts against actuals.  A pair with actual NaN is skipped; one
 * with actual 0 counts in under/over and hours but not in the percentages (zero_hours). */
struct forecast_score {
    size_t hours;          /* forecast hours compared */
    size_t pct_hours;      /* of which with actual > 0, the denominator of mape and bias */
    double ape_sum;        /* sum of |f - a| / a over pct_hours */
    double spe_sum;        /* sum of (f - a) / a over pct_hours */
    size_t under_hours;    /* hours with forecast load < actual load */
    size_t under_cap_hours;/* hours with forecast capacity < needed capacity (when scored) */
    size_t origins;        /* forecasts made (backtest) */
};

/* Add one forecast hour. */
void forecast_score_add(struct forecast_score *s, double forecast, double actual);

/* Mean absolute percentage error and mean signed percentage error, in %; NaN when no
 * hour had actual > 0.  Bias > 0 means over-forecasting. */
double forecast_score_mape_pct(const struct forecast_score *s);
double forecast_score_bias_pct(const struct forecast_score *s);

/* Rolling-origin backtest on y[0..n) (hourly, NaN = missing; start_s: time of y[0]):
 * forecasts are made at origins first_h, first_h + step_h, ... while origin + horizon_h <=
 * n, each from the (at most 14 days of) history before the origin, and compared with the
 * actuals of the next horizon_h hours.  first_h must be >= the method's minimum history.
 * When in_force is not NULL, in_force[i] (i in [0, n)) receives the forecast of hour i
 * from the latest origin <= i whose horizon covers it (what a policy refreshed every step_h
 * would act on), NaN for hours no forecast covers.  When cap is not NULL, score's
 * under_cap_hours counts the hours whose forecast capacity (forecast_capacity) is below the
 * capacity the actual load needed.  Returns 0 or a FORECAST_ERR_* code. */
int forecast_backtest(const struct forecast_method *m, const double *y, size_t n,
                      double start_s, size_t first_h, size_t step_h, size_t horizon_h,
                      const struct forecast_sched_cfg *cap, struct forecast_score *score,
                      double *in_force);

/* --- from forecast to capacity actions ------------------------------------------------- */

enum forecast_breach {
    FORECAST_BREACH_HONOR,    /* HonorMaxCapacity (default): max is a hard cap */
    FORECAST_BREACH_INCREASE, /* IncreaseMaxCapacity: max rises to forecast x (1 + buffer) */
};

/* The predictive policy's settings. */
struct forecast_sched_cfg {
    double target_per_instance; /* load one instance carries at the target, > 0 (load units) */
    int min_capacity;           /* instances, >= 0 */
    int max_capacity;           /* instances, >= min_capacity */
    double buffer_s;            /* SchedulingBufferTime, s, in [0, 3600); default 300 */
    enum forecast_breach breach;
    double max_buffer_pct;      /* MaxCapacityBuffer, % in [0, 100], with INCREASE */
};

/* The defaults: target 1, min 0, max INT_MAX, buffer 300 s, honour, max buffer 0 %. */
void forecast_sched_cfg_init(struct forecast_sched_cfg *cfg);

/* Capacity that carries load at the target: ceil(load / target_per_instance), bounded by
 * min and by max (honour) or by the raised max (increase).  *max_out (may be NULL)
 * receives the max in force: max_capacity, or under INCREASE max(max_capacity,
 * ceil(raw x (1 + max_buffer_pct / 100))) where raw is the unbounded capacity. */
int forecast_capacity(const struct forecast_sched_cfg *cfg, double load, int *max_out);

/* One scheduled change: from apply_at_s on, desired capacity is at least capacity. */
struct forecast_action {
    double apply_at_s;  /* s: hour start minus the buffer, never before the forecast's time */
    double hour_s;      /* s: start of the forecast hour the action is for */
    int capacity;       /* instances: desired is raised to this if lower; never lowered */
    int max_capacity;   /* instances: the max in force (raised under INCREASE) */
};

/* Actions for an hourly forecast load[0..horizon_h) of the hours starting at first_hour_s,
 * made at now_s: one per hour, at hour start - buffer_s (but not before now_s), in time
 * order.  Writes at most cap actions into out; returns how many.  Pure: the caller applies
 * them with forecast_action_apply. */
size_t forecast_schedule(const struct forecast_sched_cfg *cfg, const double *load,
                         size_t horizon_h, double first_hour_s, double now_s,
                         struct forecast_action *out, size_t cap);

/* Desired capacity after the action: max(desired, a->capacity).  Never lower. */
int forecast_action_apply(const struct forecast_action *a, int desired);

/* What a predictive policy does at a refresh at now_s: forecast the horizon_h hours that
 * follow the hourly history y[0..n) (start_s: time of y[0]; normally the complete hours
 * before now_s) and schedule them.  Hours that have ended by now_s get no action; an
 * action whose time has passed is applied at now_s.  Returns the number of actions, 0 when
 * the history is shorter than the method needs (nothing is scheduled), or
 * FORECAST_ERR_NUMERIC. */
int forecast_plan(const struct forecast_method *m, const struct forecast_sched_cfg *cfg,
                  const double *y, size_t n, double start_s, double now_s, size_t horizon_h,
                  struct forecast_action *out, size_t cap);

/* --- history files ------------------------------------------------------------------- */

/* A history read from CSV: hourly values from start_s on, NaN where no sample fell. */
struct forecast_history {
    double start_s;    /* s: start of hour 0 (a whole hour) */
    size_t n;          /* hours */
    double *load;      /* n hourly loads, NaN = no sample; owned */
    double *expected;  /* n noiseless loads when the file has expected_load, else NULL; owned */
    size_t samples;    /* rows used */
    bool long_format;  /* read from elbsim's timeseries.csv format */
    size_t empty_hours;/* hours without a sample */
};

enum forecast_agg {
    FORECAST_AGG_MEAN, /* hourly mean of the samples (a rate, a gauge) */
    FORECAST_AGG_SUM,  /* hourly sum (counts per interval; AWS's hourly Sum) */
};

/* Read a history CSV into *h (caller frees with forecast_history_fini).  Two formats,
 * told apart by the header:
 *   time_s,load[,expected_load]          (any column order) one sample per row;
 *   time_s,scope,name,metric,value       elbsim's timeseries.csv: the rows whose
 *                                        scope.name.metric equals series (required then);
 * time_s >= 0 strictly increasing (per series), load >= 0.  A sample at t belongs to hour
 * floor(t / 3600) (timeseries.csv: t is an interval's end, so hour ceil(t / 3600) - 1).
 * Errors name file:line:column, quote the value and say what was expected; returns 0, -1
 * after a bad-input message, -2 after an I/O message (path and strerror). */
int forecast_history_read(const char *path, const char *series, enum forecast_agg agg,
                          struct forecast_history *h);

void forecast_history_fini(struct forecast_history *h);

/* --- synthetic history --------------------------------------------------------------- */

/* Hourly synthetic load for hours [0, n): base x (1 + trend_per_day x t/1d) x daily(hour)
 * x weekly(day) x (1 + noise x N(0,1)), floored at 0, where daily = 1 + 0.5 cos(2π(hour -
 * 14)/24) (peak 14:00), weekly = 1 on weekdays, 0.7 on Saturday, 0.6 on Sunday (t = 0 is
 * Monday 00:00), with the normal draws from stream "forecast.synthetic" of seed.
 * expected (may be NULL) receives the noiseless values. */
struct forecast_synth_cfg {
    double base;          /* load units, e.g. 1000 */
    double trend_per_day; /* relative growth per day, e.g. 0.01 */
    double noise;         /* relative sd of the multiplicative noise, e.g. 0.1 */
    uint64_t seed;
};

void forecast_synthetic(const struct forecast_synth_cfg *cfg, size_t n, double *load,
                        double *expected);

#endif
