/*
 * predictive — a predictive scaling policy at run time, for any owner (an EC2 Auto
 * Scaling group or an ECS service): AWS.md fact 13, §6; docs/auto-scaling.md "Predictive
 * scaling in a run".  The forecaster itself is models/forecast/forecast (pure).
 *
 * The owner measures its load once an hour (CPU: the members' utilization percent summed;
 * requests: the hour's count) and hands it over with pred_hour(); between hours it reports
 * how many members were in service with pred_sample().  The policy keeps the history (a
 * history file's hours, then the run's), and from 24 h of history on forecasts every 6 h,
 * schedules each forecast hour's capacity at the hour minus the buffer and, unless it only
 * forecasts, raises the owner's desired capacity then through the owner's apply()
 * (never lowers it).  pred_floor() is the forecast capacity of the hour in force: the
 * owner keeps dynamic scale-ins at or above it (the larger capacity wins).
 */
#ifndef ELBSIM_MODELS_PREDICTIVE_H
#define ELBSIM_MODELS_PREDICTIVE_H

#include <stddef.h>
#include <stdint.h>

#include "models/forecast/forecast.h"
#include "models/scaling/scaling.h"
#include "sim/event.h"

struct target;
struct target_group;

struct pred_owner {
    void *ctx;
    struct sim *sim;
    const struct cron_clock *clock;   /* for the activity's wording */
    const char *members;              /* "instances" or "tasks" */
    /* The owner's bounds and desired capacity now. */
    void (*bounds)(void *ctx, int *min, int *max, int *desired);
    /* Apply a decision (desired and max raised); writes the scaling activity. */
    void (*apply)(void *ctx, const struct scaling_decision *d);
};

struct pred {
    const struct scaling_policy *p;   /* borrowed */
    struct pred_owner owner;
    double *hist;                     /* hourly load: the history file's, then the run's */
    size_t hist_n, hist_cap;
    double hist_start_s;              /* s: start of hist[0] (negative with a file) */
    struct forecast_action act[FORECAST_MAX_HORIZON_H];
    size_t nact, next_act;            /* the pending actions of the last refresh */
    sim_handle act_ev;
    double next_refresh_s;
    int floor;                        /* the forecast capacity of the hour in force */
    double floor_until_s;
    double *fc_load, *fc_cap, *act_load, *act_cap; /* [hour of the run]; NAN = none */
    size_t nhours;
    double cap_area;                  /* member-seconds in service in the current hour */
    uint64_t refreshes;
    /* Load measurement state the owner may use between hours. */
    double *prev_busy;                /* [member] busy server-seconds at the last hour */
    uint32_t prev_cap;
    uint64_t prev_count;
};

/* Set up for policy p over a run of duration_s seconds. */
void pred_init(struct pred *pr, const struct scaling_policy *p, const struct pred_owner *o,
               double duration_s);
void pred_fini(struct pred *pr);

/* At t = 0: forecast at once when a history file already covers a day. */
void pred_start(struct pred *pr);

/* dt seconds passed with in_service members in service. */
void pred_sample(struct pred *pr, int in_service, double dt);

/* The hour ending at now (a whole hour) had this load. */
void pred_hour(struct pred *pr, double now, double load);

/* The forecast capacity in force at now, or 0. */
int pred_floor(const struct pred *pr, double now);

/* Load one member carries at the target, in the load's units. */
double pred_per_member(const struct scaling_policy *p);

/* Score over the hours that start at or after from_s: forecast against actual load, and
 * hours whose mean in-service capacity was below what the load needed. */
void pred_score(const struct pred *pr, double from_s, struct forecast_score *s,
                size_t *underprovisioned);

/* The requests group g (NULL: none, 0) took since the last call: a request-count hour. */
double pred_request_load(struct pred *pr, const struct target_group *g);

/* Member idx's (target t's) CPU percent over the hour ending at now (pred_grow first). */
double pred_member_cpu(struct pred *pr, uint32_t idx, struct target *t, double now);

/* Make room for members [0, n) in prev_busy (new ones start at 0). */
void pred_grow(struct pred *pr, uint32_t n);

#endif
