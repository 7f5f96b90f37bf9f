/*
 * scaling — dynamic and scheduled scaling policies as pure decisions.
 *
 * A policy reads a small view of its group (struct scaling_group) and what its alarms
 * concluded (struct metric_alarm_eval, models/scaling/metrics.h), and fills a struct
 * scaling_decision: the new desired capacity (and, for scheduled actions, min/max) plus a
 * cause worded like AWS's activity history.  Nothing here launches or terminates: the
 * owner (an EC2 Auto Scaling group or an ECS service) applies decisions.  One file per
 * policy type: scaling_simple.c (also the shared reader and the type table),
 * scaling_step.c (also the AWS rounding of adjustments), scaling_target.c (also
 * scaling_combine), scaling_scheduled.c.  Follows AWS.md facts 1-5, 14 and §5, §8.
 *
 * Capacity words.  `desired` counts every instance asked for; `ready` those in service and
 * past their warm-up (AWS's "current capacity"); `warming` the rest (launching, or in
 * service inside the warm-up).  Warming instances are left out of the group metric
 * (metric_series_add_group), count as capacity (a scale-out only acts when its result
 * exceeds `desired`, which includes them) and block policy scale-in (AWS.md fact 3).
 *
 * Model choices where AWS does not document the mechanism (stated):
 *  - Target tracking capacity: desired = ceil(ready × metric / target) both ways (at
 *    least 1 from 0), clamped to [min, max].  AWS documents only the rounding: it adds
 *    in proportion and rounds "so as not to remove too much" (removing 1.5 instances
 *    removes 1; as-scaling-target-tracking.html), so a scale-in rounds up too, and a
 *    constant load does not flap (2 instances at 30 % against 50 %: ceil(1.2) = 2).
 *    The base is `ready`, not ready + warming: the metric comes from ready instances only,
 *    and counting the warming ones in the base would grow the group every minute while
 *    the alarm stays in ALARM.  Warming instances still count as capacity through the
 *    comparison with `desired` (so a repeated alarm for the same load adds nothing).
 *  - Target tracking alarms: AlarmHigh = metric > target, 3 of 3 datapoints; AlarmLow =
 *    metric < factor × target, 15 of 15; factor 0.7 for an Auto Scaling group and 0.9 for
 *    an ECS service (observed values, AWS.md fact 1), all configurable; missing data
 *    treated as `missing`, so no data means INSUFFICIENT_DATA and no scaling.  Period 60 s,
 *    or 300 s for a group's CPUUtilization under EC2 basic monitoring.
 *  - Step scaling: a scale-in's Change and Percent adjustments apply to ready +
 *    terminating: AWS counts terminating instances in the current capacity while scaling
 *    in, so it does not remove more than necessary (as-scaling-simple-step.html); a
 *    scale-out's apply to `ready`.  The step direction is
 *    the sign of the adjustment, so a breach in the same step while instances warm up
 *    computes the same desired capacity and causes no second activity (AWS.md fact 14); a
 *    bigger step adds only the difference.
 *  - Simple scaling (Auto Scaling groups): the cooldown is the group's, not the policy's
 *    (ec2-auto-scaling-scaling-cooldowns.html): after a simple policy's activity the group
 *    ignores the alarms of every simple policy until the activity has completed (the last
 *    instance in service, or terminated after draining) and then for the cooldown of the
 *    policy that caused it (its `cooldown`, else the group's `cooldown`, 300 s).  The owner
 *    keeps that state and shows it in scaling_group.cooldown_until_s.  While any activity
 *    is in progress (scaling_group.activity_in_progress) a simple policy does not fire
 *    either.  Target tracking, step, scheduled actions and replacements ignore it.
 *  - Warm-up (Auto Scaling groups): an instance warms for the warm-up of what launched it:
 *    a target-tracking or step policy's own `warmup` (EstimatedInstanceWarmup), else the
 *    group's `warmup` (DefaultInstanceWarmup); the decision carries it (warmup_s) to the
 *    group.  Application Auto Scaling has no instance warm-up: `warmup` on an ECS
 *    service's policy is an error, never a key that does nothing.
 *  - ECS (Application Auto Scaling) cooldowns, target tracking and step: a scale-out is
 *    never blocked (the capacity it added counts in `desired`, AWS.md §8), a scale-out ends
 *    a running scale-in cooldown, and a scale-in waits for both cooldowns.  For an Auto
 *    Scaling group these cooldowns are 0 by default (AWS uses warm-up instead).
 *  - Several policies (scaling_combine): scale out if any wants to, the largest capacity
 *    wins; otherwise scale in only if every target-tracking policy with scale-in enabled
 *    wants to (a policy with disable_scale_in has no say; a simple or step scale-in acts
 *    on its own alarm), the largest resulting capacity wins.
 *  - Scheduled actions are not combined: each sets min/max/desired at its time, pushing
 *    desired into the new bounds; two firing at once are applied in list order.
 *
 * Scenario shape read by scaling_policy_read (the integrator puts a list of these under an
 * Auto Scaling group or ECS service; every key is checked, errors carry file:line:col):
 *
 *   - { name: cpu40, type: target_tracking, metric: ASGAverageCPUUtilization, target: 40,
 *       disable_scale_in: false, scale_in_threshold: 0.7, scale_out_datapoints: 3,
 *       scale_in_datapoints: 15, period: 1m, warmup: 5m,
 *       scale_out_cooldown: 5m, scale_in_cooldown: 5m }           # cooldowns: ECS defaults
 *   - { name: add2, type: simple, adjustment_type: change_in_capacity, adjustment: 2,
 *       cooldown: 5m, min_adjustment_magnitude: 1,
 *       alarm: { metric: CPUUtilization, statistic: Average, period: 1m, threshold: 70,
 *                comparison: '>', datapoints: 2, periods: 3, missing: missing } }
 *   - { name: steps, type: step, adjustment_type: percent_change_in_capacity,
 *       min_adjustment_magnitude: 2, warmup: 5m, alarm: { ... threshold: 50 ... },
 *       steps: [ { lower: 0, upper: 20, adjustment: 10 }, { lower: 20, adjustment: 30 } ] }
 *   - { name: friday, type: scheduled, recurrence: '0 17 * * FRI', time_zone: UTC+01:00,
 *       start: '2026-01-06T00:00', end: '2026-02-01T00:00', min: 10, max: 20, desired: 10 }
 *   - { name: once, type: scheduled, at: 2h, desired: 6 }   # or at: '2026-01-05T09:30'
 *
 * adjustment_type: change_in_capacity | exact_capacity | percent_change_in_capacity (AWS's
 * ChangeInCapacity, ExactCapacity, PercentChangeInCapacity also accepted).  Step bounds
 * are relative to the alarm threshold, as in the API; absent = -inf / +inf.  Thresholds
 * and bounds are plain numbers ("40" or "40%").
 */
#ifndef ELBSIM_MODELS_SCALING_H
#define ELBSIM_MODELS_SCALING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "models/scaling/cron.h"
#include "models/forecast/forecast.h"
#include "models/scaling/metrics.h"
#include "sim/diag.h"

struct yread;
struct ytree;

/* The policy types: X(ENUM, stem, "name").  Each is one file policy/scaling_<stem>.c ending
 * with `const struct scaling_type_ops scaling_<stem>_type`, plus its row here (the order is
 * `elbsim list policies`'s).  Adding a type is that file and this row. */
#define SCALING_TYPES(X)                                                                     \
    X(SIMPLE, simple, "simple")                                                              \
    X(STEP, step, "step")                                                                    \
    X(TARGET_TRACKING, target, "target_tracking")                                            \
    X(SCHEDULED, scheduled, "scheduled")                                                     \
    X(PREDICTIVE, predictive, "predictive")

enum scaling_kind {
#define SCALING_KIND_ENUM(e, stem, name) SCALING_##e,
    SCALING_TYPES(SCALING_KIND_ENUM)
#undef SCALING_KIND_ENUM
        SCALING_NKINDS
};

enum scaling_adjust {
    SCALING_CHANGE_IN_CAPACITY,         /* desired ± n */
    SCALING_EXACT_CAPACITY,             /* desired = n */
    SCALING_PERCENT_CHANGE_IN_CAPACITY, /* desired ± n % of current, AWS rounding */
};

/* What a policy reader needs to know about the owner. */
struct scaling_ctx {
    unsigned owner;            /* METRIC_RES_ASG or METRIC_RES_ECS_SERVICE */
    const char *owner_name;    /* group / service name, used in alarm names; borrowed */
    bool detailed_monitoring;  /* ASG: EC2 detailed monitoring (60 s CPU datapoints) */
    double default_cooldown_s; /* ASG DefaultCooldown, 300 s: simple scaling's default */
    double default_warmup_s;   /* DefaultInstanceWarmup (fallback: the default cooldown) */
    double metric_delay_s;     /* publication delay of the owner's metrics */
    struct cron_clock clock;   /* when simulated t = 0 is, for scheduled actions */
};

/* Defaults: cooldown and warm-up 300 s, basic monitoring, METRIC_DELAY_DEFAULT, clock at
 * CRON_EPOCH_DEFAULT in UTC. */
void scaling_ctx_default(struct scaling_ctx *ctx, unsigned owner, const char *owner_name);

/* The capacity view a decision is made on.  Invariant: min <= desired <= max. */
struct scaling_group {
    int desired;               /* instances / tasks asked for */
    int ready;                 /* in service and past warm-up ("current capacity") */
    int warming;               /* launching or warming: capacity, not in metrics */
    int min, max;              /* group bounds */
    bool activity_in_progress; /* a launch/terminate is running (simple scaling waits) */
    double cooldown_until_s;   /* s: simple scaling waits until then: the group's cooldown
                                * after the last simple activity, INFINITY while that
                                * activity runs (0: none) */
    bool scale_in_suspended;   /* e.g. an ECS deployment: no policy scale-in */
    int terminating;           /* taken out, not yet terminated (draining): step scaling
                                * counts them in the capacity a scale-in starts from */
};

/* One step adjustment; bounds relative to the alarm threshold. */
struct scaling_step {
    double lower;     /* -INFINITY when absent */
    double upper;     /* +INFINITY when absent */
    double adjustment;
    struct loc loc;   /* where the step was written */
};

/* A simple or step policy's CloudWatch alarm. */
struct scaling_alarm_spec {
    const struct metric_def *metric;
    struct metric_series_cfg series; /* period, statistic, delay */
    struct metric_alarm_cfg alarm;   /* name points at `name` below */
    char *name;                      /* "<owner>-<policy>-alarm", owned */
};

/*
 * A policy as read.  Fields are grouped by the kinds that use them; the others stay zero.
 * Ownership: strings and arrays are owned and freed by scaling_policy_fini.
 */
struct scaling_policy {
    char *name;
    enum scaling_kind kind;
    struct loc loc;               /* the item in the scenario */
    unsigned owner;               /* METRIC_RES_ASG or METRIC_RES_ECS_SERVICE */

    /* simple, step */
    enum scaling_adjust adjust_type;
    double adjustment;            /* simple: the adjustment (count, capacity or percent) */
    int min_adjustment_magnitude; /* percent adjustments change at least this much; 0 none */
    double cooldown_s;            /* simple: cooldown; step on ECS: Application AS cooldown */
    struct scaling_alarm_spec alarm;
    struct scaling_step *steps;   /* step: sorted by lower bound, no gaps or overlaps */
    int nsteps;

    /* step, target tracking (Auto Scaling groups only; 0 for ECS services) */
    double warmup_s;              /* EstimatedInstanceWarmup: the warm-up of the instances
                                   * this policy's scale-outs launch; default: the group's */

    /* target tracking */
    const struct metric_def *metric;
    char *metric_name;            /* as written (predefined name or metric name) */
    double target;                /* > 0 */
    bool disable_scale_in;
    double scale_in_factor;       /* AlarmLow threshold = factor × target, 0 < f < 1 */
    unsigned out_datapoints;      /* AlarmHigh: M of N = out_datapoints of out_datapoints */
    unsigned in_datapoints;       /* AlarmLow: in_datapoints of in_datapoints */
    double period_s;              /* alarm period */
    double scale_out_cooldown_s;
    double scale_in_cooldown_s;
    char *alarm_high_name;        /* "TargetTracking-<owner>-AlarmHigh-<policy>" */
    char *alarm_low_name;

    /* scheduled */
    bool recurring;               /* recurrence (cron) rather than a one-off `at` */
    char *recurrence;             /* the cron text */
    struct cron cron;
    struct cron_clock clock;      /* the owner's clock with the action's time zone */
    double at_s;                  /* one-off: when, simulated seconds */
    double start_s, end_s;        /* recurring: fire only within [start, end] */
    int new_min, new_max, new_desired; /* -1 = leave unchanged */

    /* predictive (scaling_predictive.c; `target` above is the scaling metric's target) */
    bool pred_requests;           /* load metric: the group's request count (else CPU) */
    bool forecast_only;           /* mode: forecast_only (write the forecast, scale nothing) */
    struct forecast_method method;
    double buffer_s;              /* SchedulingBufferTime */
    bool breach_increase;         /* max_capacity_breach_behavior: increase (else honor) */
    double max_buffer_pct;        /* MaxCapacityBuffer with increase */
    bool wait_for_history;        /* with under 24 h of history, wait (else an error) */
    size_t horizon_h;             /* hours forecast at each refresh, 1-48 */
    double *history;              /* hours of load before t = 0 (from history_path), or NULL */
    size_t history_n;
    char *history_path;           /* a CSV of hourly history before t = 0, or NULL */
    char *history_series;         /* its series when it is a timeseries.csv */
    struct loc history_loc;
};

/* Per-policy run state, owned by whoever applies the policy.  Zero it with
 * scaling_state_init. */
struct scaling_state {
    double in_cooldown_until_s;   /* ECS: no scale-in before this */
    double out_cooldown_until_s;  /* ECS: scale-out cooldown; scale-in waits for it too */
};

void scaling_state_init(struct scaling_state *st);

#define SCALING_CAUSE_MAX 320

/* What a policy asks for.  act: apply it (desired differs from the group's, or bounds
 * change); direction: +1 scale-out, -1 a scale-in the policy is ready to make, 0 none —
 * target tracking's 0 also vetoes other target-tracking scale-ins in scaling_combine,
 * unless the policy has scale-in disabled (it has no say in scale-in).
 * The cause is filled whenever the policy had something to say (also when it was
 * blocked: "... blocked: 1 instance is warming up"), else empty. */
struct scaling_decision {
    enum scaling_kind kind;
    const char *policy;   /* borrowed policy name */
    bool act;
    int direction;
    bool scale_in_disabled; /* target tracking with disable_scale_in: no scale-in veto */
    double warmup_s;      /* s: warm-up of the instances this decision launches (the
                           * policy's EstimatedInstanceWarmup); < 0: the owner's default */
    double cooldown_s;    /* s: simple: the cooldown the owner starts once this activity
                           * completes (the policy's, else the group's default) */
    int desired;          /* new desired capacity, within [min, max] */
    int min, max;         /* bounds after the decision (scheduled actions change them) */
    char cause[SCALING_CAUSE_MAX];
};

/* ---- reading (policy/scaling_policy.c dispatches on `type`) ---- */

/* Read one policy item (a mapping) for ctx's owner into *out (zeroed first).  Checks every
 * key and value; on the first error reports it (file:line:col, value, what is valid) and
 * returns -1, leaving *out safe to pass to scaling_policy_fini. */
int scaling_policy_read(const struct ytree *node, const struct scaling_ctx *ctx,
                        struct scaling_policy *out);

void scaling_policy_fini(struct scaling_policy *p);

/* Read a group's bounds from map m: keys min_key, max_key, desired_key (each may be
 * absent: the value keeps its default); checks 0 <= min <= desired <= max. Returns 0 or -1
 * after a diag error.  For the integrator's ASG / ECS service readers. */
int scaling_capacity_read(const struct ytree *m, const char *min_key, const char *max_key,
                          const char *desired_key, int *min, int *max, int *desired);

/* Write p as one YAML list item (6-space indent) that scaling_policy_read reads back to
 * the same policy (policy/scaling_policy.c; for the resolved scenario). */
void scaling_policy_write(const struct scaling_policy *p, FILE *f);

/* The policy type names, NULL-terminated ("simple", "step", "target_tracking", ...) in
 * SCALING_TYPES order, for `elbsim list policies` and "did you mean". */
extern const char *const scaling_type_names[];

/* ---- a policy type ---- */

/* How the runner (models/scaling/autoscale.c) feeds a type's decide. */
enum scaling_input {
    SCALING_INPUT_NONE,     /* driven by time, not by a metric (scheduled, predictive: the
                             * owner runs them itself) */
    SCALING_INPUT_ALARM,    /* one alarm on p->alarm, evaluated each period (simple, step) */
    SCALING_INPUT_TRACKING, /* a metric against p->target through the AlarmHigh / AlarmLow
                             * pair of scaling_target_alarms (target tracking) */
};

struct scaling_type_ops {
    const char *summary;       /* one line for `elbsim list policies` */
    enum scaling_input input;
    /* Read the type's keys of policy mapping m (name and type already read into *out). */
    int (*read)(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                struct scaling_policy *out);
    /* Write the type's keys, each as ", key: value", after "name: ..., type: ...". */
    void (*write)(const struct scaling_policy *p, FILE *f);
    /* A metric-driven type's decision from this period's evaluation(s): high is the alarm
     * (ALARM) or AlarmHigh (TRACKING), low AlarmLow (TRACKING only, else NULL).  NULL for
     * SCALING_INPUT_NONE. */
    void (*decide)(const struct scaling_policy *p, struct scaling_state *st,
                   const struct scaling_group *g, const struct metric_alarm_eval *high,
                   const struct metric_alarm_eval *low, double now_s,
                   struct scaling_decision *out);
};

/* Indexed by enum scaling_kind. */
extern const struct scaling_type_ops *const scaling_types[SCALING_NKINDS];

/* Writers the type files share (policy/scaling_policy.c): ", key: 12.5s"; the adjustment
 * type (and min_adjustment_magnitude); an alarm as its flow mapping. */
void scaling_write_secs(FILE *f, const char *key, double v);
void scaling_write_adjustments(FILE *f, const struct scaling_policy *p);
void scaling_write_alarm(FILE *f, const struct scaling_alarm_spec *a);

/* ---- deciding ---- */

/* AWS's adjustment arithmetic (AWS.md fact 14): the capacity after applying adj of type t
 * to base (not clamped).  Percent: base × adj / 100 rounded toward zero when its magnitude
 * exceeds 1, to ±1 when it lies in (0, 1); then at least min_magnitude in magnitude
 * (0 = no floor).  Exact: adj itself. */
int scaling_adjusted_capacity(enum scaling_adjust t, double adj, int base, int min_magnitude);

/* Simple scaling: when the alarm's action is due and neither an activity nor the group's
 * cooldown (g->cooldown_until_s) is running, change the capacity by the adjustment; the
 * decision carries the cooldown the owner starts when the activity completes. */
void scaling_simple_decide(const struct scaling_policy *p, struct scaling_state *st,
                           const struct scaling_group *g, const struct metric_alarm_eval *ev,
                           double now_s, struct scaling_decision *out);

/* The step (index into p->steps) holding a breach of size value - threshold, or -1: above
 * the threshold lower bounds are inclusive and upper exclusive, below it the reverse. */
int scaling_step_find(const struct scaling_policy *p, double breach);

/* Step scaling: when the alarm's action is due, apply the step its breach falls in. */
void scaling_step_decide(const struct scaling_policy *p, struct scaling_state *st,
                         const struct scaling_group *g, const struct metric_alarm_eval *ev,
                         double now_s, struct scaling_decision *out);

/* Target tracking's series and its two alarms (names point into p). */
void scaling_target_alarms(const struct scaling_policy *p, const struct scaling_ctx *ctx,
                           struct metric_series_cfg *series, struct metric_alarm_cfg *high,
                           struct metric_alarm_cfg *low);

/* ceil(current × metric / target), both ways (before clamping): a scale-out adds at least
 * what the metric asks for, a scale-in removes no more (AWS rounds "so as not to remove
 * too much"); at least 1 on scale-out. */
int scaling_target_capacity(int current, double metric, double target, bool out);

/* Target tracking: high / low are this minute's evaluations of AlarmHigh / AlarmLow. */
void scaling_target_decide(const struct scaling_policy *p, struct scaling_state *st,
                           const struct scaling_group *g, const struct metric_alarm_eval *high,
                           const struct metric_alarm_eval *low, double now_s,
                           struct scaling_decision *out);

/* Combine the decisions of several dynamic policies made at the same moment (AWS.md
 * fact 5): any scale-out → the largest desired; else a scale-in only from non-target-
 * tracking policies or if every target-tracking decision whose policy has scale-in
 * enabled wants in → the largest desired (as-scaling-target-tracking.html: it "will scale in
 * only if all of the target tracking policies (with the scale-in portion enabled) are
 * ready to scale in").
 * *out.act is false when nothing applies. */
void scaling_combine(const struct scaling_decision *d, size_t n, const struct scaling_group *g,
                     struct scaling_decision *out);

/* Scheduled: the first firing at or after from_s (INFINITY if none). */
double scaling_scheduled_next(const struct scaling_policy *p, double from_s);

/* Scheduled: apply the action to g at now_s. */
void scaling_scheduled_apply(const struct scaling_policy *p, const struct scaling_group *g,
                             double now_s, struct scaling_decision *out);

/* ---- for the policy files only (shared readers, in policy/scaling_policy.c) ---- */

/* The policy readers take their values through sim/yread and stop at the first error
 * (return -1); scaling_policy_read gives them the reader. */
int scaling_rd_adjust_type(struct yread *r, const struct ytree *m, enum scaling_adjust *out);
int scaling_rd_alarm(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                     const char *policy, struct scaling_alarm_spec *out);
/* `warmup` of a target-tracking or step policy: the owner's default warm-up when absent;
 * an error on an ECS service (Application Auto Scaling has no instance warm-up). */
int scaling_rd_warmup(struct yread *r, const struct ytree *m, const struct scaling_ctx *ctx,
                      struct scaling_policy *out);
void scaling_decision_start(const struct scaling_policy *p, const struct scaling_group *g,
                            struct scaling_decision *out);
int scaling_clamp(int v, int min, int max);

#endif
