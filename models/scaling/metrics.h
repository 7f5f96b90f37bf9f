/*
 * metrics — CloudWatch-like datapoints and alarms, the signal scaling policies act on.
 *
 * Follows AWS.md §7 and facts 1-3.  The simulation measures; this module turns what it
 * measured into what CloudWatch would publish and what an alarm would conclude:
 *
 *   samples ──► metric_series (one per resource × metric × period × statistic)
 *           ──► one datapoint per period, visible `delay` after the period ends
 *           ──► metric_alarm (threshold, M of N, missing-data treatment), evaluated every
 *               60 s (10 s for 10/30 s periods) ──► state, "action due"
 *
 * Metrics (metric_find, `elbsim list metrics`): CPUUtilization of an instance or of an
 * Auto Scaling group (AWS/EC2), RequestCount, RequestCountPerTarget, TargetResponseTime and
 * HTTPCode_Target_5XX_Count of a target group (AWS/ApplicationELB), CPUUtilization and
 * MemoryUtilization of an ECS service (AWS/ECS), and two custom metrics, InFlight and
 * QueueDepth (requests held, requests waiting: per target, averaged).  Target tracking's
 * predefined names map onto them (ASGAverageCPUUtilization, ALBRequestCountPerTarget,
 * ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization).  Network metrics
 * are not modelled.
 *
 * What the simulation feeds (the integrator's contract):
 *  - group CPUUtilization: per period, one sample per instance that is in service and past
 *    its warm-up at the period's end, valued at its busy vCPU-seconds / (vCPUs × period)
 *    × 100 over the period (metric_series_add_group does the filtering).  Warming instances
 *    are left out (AWS.md fact 3).  A group with no such instance publishes nothing for the
 *    period: a missing datapoint.
 *  - RequestCountPerTarget: per period one sample, requests routed to the group ÷ healthy
 *    targets, statistic Sum (AWS's own definition).  RequestCount, HTTPCode_Target_5XX_Count:
 *    one sample per period, the count, statistic Sum.  TargetResponseTime: one sample per
 *    request (seconds), so percentiles (p99) work.
 *  - ECS CPU/Memory: one sample per task per period (used ÷ reserved × 100), Average.
 *  - InFlight, QueueDepth: one sample per target per period (time-average), Average.
 *
 * Model choices where AWS documents no mechanism (stated, overridable where it matters):
 *  - Periods are aligned to simulated t = 0 ([kP, (k+1)P)); CloudWatch aligns to the clock
 *    and the default start instant is a whole minute, so they agree.
 *  - Publication delay: a datapoint for [t, t+P) becomes visible at t + P + delay.  AWS
 *    gives no steady-state figure (1-3 min commonly cited); METRIC_DELAY_DEFAULT is 60 s.
 *  - An alarm's window at evaluation time `now` is the N most recent periods already
 *    visible at now (so the delay is a pure lag, never a spurious missing point).
 *  - Missing data (TreatMissingData): `breaching` / `notBreaching` count a missing point
 *    as bad / good within the N-period window.  `missing`: CloudWatch "looks back further"
 *    when points are missing; the model takes the N most recent PRESENT points among the
 *    last N + 2 periods (AWS's example: 5 points for N = 3); ALARM if at least M of them
 *    breach, OK otherwise (so fewer than M present points cannot raise an alarm), and
 *    INSUFFICIENT_DATA when none of the N + 2 periods has a point.  `ignore`: as `missing`,
 *    except that with no point at all the alarm keeps its state.
 *  - Actions: an Auto Scaling action is due when the alarm enters ALARM and then again at
 *    every evaluation at least 60 s after the last one while it stays in ALARM.
 *  - Percentiles come from sim/histogram (within 0.78 %; rank-1 and rank-n samples,
 *    hence p0/p100 and small groups' extremes, are exact).  Values must be >= 0 for them.
 *
 * Memory: a series allocates its ring (and, for percentiles, one histogram) at init; adding
 * samples and evaluating alarms never allocate.
 */
#ifndef ELBSIM_MODELS_METRICS_H
#define ELBSIM_MODELS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/histogram.h"
#include "sim/diag.h"

#define METRIC_DELAY_DEFAULT 60.0     /* s: publication delay (model choice, see above) */
#define METRIC_PERIOD_DEFAULT 60.0    /* s: ALB, ECS and EC2 detailed monitoring */
#define METRIC_PERIOD_EC2_BASIC 300.0 /* s: EC2 basic monitoring */
#define METRIC_ALARM_INTERVAL 60.0    /* s: alarms with periods >= 60 s */
#define METRIC_ALARM_INTERVAL_HR 10.0 /* s: alarms with 10 s or 30 s periods */
#define METRIC_ACTION_REPEAT 60.0     /* s: Auto Scaling actions repeat while in ALARM */

/* What a metric describes; a bit set in metric_def.owners says which scaling targets
 * (ASG, ECS service) may use it. */
enum metric_resource {
    METRIC_RES_INSTANCE = 1,     /* one EC2 instance */
    METRIC_RES_ASG = 2,          /* an Auto Scaling group (aggregated over instances) */
    METRIC_RES_TARGET_GROUP = 4, /* an ALB target group */
    METRIC_RES_ECS_SERVICE = 8,  /* an ECS service (aggregated over tasks) */
};

enum metric_stat_kind {
    METRIC_AVERAGE,
    METRIC_SUM,
    METRIC_MINIMUM,
    METRIC_MAXIMUM,
    METRIC_SAMPLE_COUNT,
    METRIC_PERCENTILE,
};

struct metric_stat {
    enum metric_stat_kind kind;
    double p; /* METRIC_PERCENTILE: the percentile, 0 < p < 100 (p99 → 99) */
};

/* One row of the metric table. */
struct metric_def {
    const char *name;          /* CloudWatch name, e.g. "CPUUtilization" */
    const char *ns;            /* namespace, e.g. "AWS/EC2" ("elbsim" for custom ones) */
    const char *unit;          /* "Percent", "Count", "Seconds" */
    unsigned resource;         /* METRIC_RES_* bits: what it is measured on */
    unsigned owners;           /* METRIC_RES_ASG | METRIC_RES_ECS_SERVICE: who may scale on it */
    struct metric_stat stat;   /* the statistic scaling uses by default */
    bool tracks;               /* falls as capacity rises: usable by target tracking */
    const char *summary;       /* one line for `elbsim list metrics` */
};

/* The table, terminated by a row with name NULL, in a fixed order (for listings). */
extern const struct metric_def metric_defs[];

/* The metric called name that an owner (METRIC_RES_ASG or METRIC_RES_ECS_SERVICE) may use,
 * or NULL.  "CPUUtilization" is AWS/EC2's for a group and AWS/ECS's for a service. */
const struct metric_def *metric_find(const char *name, unsigned owner);

/* Target tracking's predefined metric names: the metric behind it for owner, or NULL
 * (unknown name, or not offered for that owner). */
const struct metric_def *metric_find_predefined(const char *name, unsigned owner);

/* Write the names valid for owner into buf, ", "-separated (for messages). */
void metric_names(unsigned owner, bool predefined_only, char *buf, size_t n);

/* "Average", "Sum", "Minimum", "Maximum", "SampleCount", or "pNN" / "pNN.N" (0 < NN < 100).
 * Returns 0, or -1 after a diag error at loc. */
int metric_stat_parse(const char *text, const struct loc *loc, struct metric_stat *out);

/* The statistic's name as CloudWatch writes it ("Average", "p99") into buf. */
void metric_stat_format(const struct metric_stat *st, char *buf, size_t n);

/* A closed period.  samples == 0 means no data: a missing datapoint (value NAN). */
struct metric_datapoint {
    double start_s;   /* s: the period is [start_s, start_s + period) */
    double value;     /* the statistic over the period's samples; NAN when missing */
    uint64_t samples; /* samples aggregated */
};

struct metric_series_cfg {
    double period_s;          /* 10, 30 or a multiple of 60 up to 3600 */
    double delay_s;           /* publication delay, >= 0 */
    struct metric_stat stat;  /* statistic of each datapoint */
    unsigned history;         /* closed periods kept; 0 = 64.  Alarms read at most N + 2 */
};

/*
 * A series: the open period's accumulator plus a ring of the last `history` closed
 * periods (including missing ones).  Invariant: ring holds periods
 * [open - count, open) in order; samples are only ever added to the open period.
 */
struct metric_series {
    struct metric_series_cfg cfg;
    int64_t open;             /* index k of the open period [kP, (k+1)P) */
    uint64_t n;               /* samples in the open period */
    double sum, comp;         /* their compensated sum (Neumaier) */
    double min, max;
    struct hist hist;         /* METRIC_PERCENTILE only */
    struct metric_datapoint *ring;
    unsigned cap, head, count; /* ring storage, index of the oldest, periods held */
};

/* Check a period: 10, 30, or a multiple of 60 from 60 to 3600 s.  Returns 0 or -1 after a
 * diag error at loc naming what (e.g. "period"). */
int metric_period_check(double period_s, const char *what, const char *text,
                        const struct loc *loc);

/* Initialise caller storage; allocates the ring (and a histogram for percentiles). */
void metric_series_init(struct metric_series *s, const struct metric_series_cfg *cfg);
void metric_series_fini(struct metric_series *s);

/* Close every period that ended at or before now_s (a period with no samples becomes a
 * missing datapoint).  Called by the queries; the simulation must add all samples of a
 * period before asking about a time at or after the period's end. */
void metric_series_advance(struct metric_series *s, double now_s);

/* Add one sample measured at t_s (it belongs to the period holding t_s).  t_s must not lie
 * in an already closed period (asserted).  O(1), no allocation. */
void metric_series_add(struct metric_series *s, double t_s, double v);

/* Add a pre-aggregated batch (n samples with that sum, min and max) measured at t_s; not
 * for percentile series (asserted). */
void metric_series_add_batch(struct metric_series *s, double t_s, uint64_t n, double sum,
                             double min, double max);

/* One member of a group for metric_series_add_group. */
struct metric_member {
    double value;    /* the member's value over the period, e.g. CPU percent */
    bool in_service; /* in service (not pending, draining or terminated) */
    bool warming;    /* inside its warm-up */
};

/* Add the group's per-member values at t_s: only members in service and past warm-up
 * count (AWS.md fact 3).  Returns how many were added (0: the period may end missing). */
unsigned metric_series_add_group(struct metric_series *s, double t_s,
                                 const struct metric_member *m, size_t n);

/* The k most recent periods visible at now_s (end + delay <= now_s), oldest first, into
 * out[0..k).  Periods before t = 0 or older than the history are returned missing.  Always
 * fills k entries. */
void metric_series_window(struct metric_series *s, double now_s, unsigned k,
                          struct metric_datapoint *out);

/* The newest datapoint visible at now_s that has data, or NULL.  Valid until the series
 * changes. */
const struct metric_datapoint *metric_series_latest(struct metric_series *s, double now_s);

/* ---- alarms ---- */

enum metric_cmp { METRIC_GT, METRIC_GE, METRIC_LT, METRIC_LE };

enum metric_missing {
    METRIC_MISSING_MISSING,       /* default: evaluate the present points */
    METRIC_MISSING_NOT_BREACHING, /* a missing point is good */
    METRIC_MISSING_BREACHING,     /* a missing point is bad */
    METRIC_MISSING_IGNORE,        /* keep the state when nothing is present */
};

enum metric_alarm_state {
    METRIC_ALARM_INSUFFICIENT_DATA, /* a new alarm, or no data */
    METRIC_ALARM_OK,
    METRIC_ALARM_ALARM,
};

struct metric_alarm_cfg {
    const char *name;           /* borrowed, e.g. "TargetTracking-web-AlarmHigh-cpu40" */
    enum metric_cmp cmp;        /* datapoint CMP threshold means breaching */
    double threshold;
    unsigned datapoints;        /* M: breaching points needed, 1 <= M <= N */
    unsigned periods;           /* N: evaluation periods */
    enum metric_missing missing;
};

struct metric_alarm {
    struct metric_alarm_cfg cfg;
    enum metric_alarm_state state;
    double since_s;         /* s: when it entered state */
    double last_action_s;   /* s: last time an action was due; -INFINITY if never */
};

/* The outcome of one evaluation. */
struct metric_alarm_eval {
    enum metric_alarm_state state; /* after the evaluation */
    bool changed;                  /* the state changed at this evaluation */
    bool action_due;               /* in ALARM and entering it or >= 60 s since the last */
    double value;                  /* newest present datapoint in the window; NAN if none */
    unsigned breaching;            /* breaching points counted */
    unsigned present;              /* points with data among those considered */
};

void metric_alarm_init(struct metric_alarm *a, const struct metric_alarm_cfg *cfg);

/* Does value breach the alarm's threshold? */
bool metric_alarm_is_breaching(const struct metric_alarm_cfg *cfg, double value);

/* Evaluate at now_s against series s (advancing it) and fill *out.  The caller evaluates
 * every metric_alarm_interval() seconds. */
void metric_alarm_evaluate(struct metric_alarm *a, struct metric_series *s, double now_s,
                           struct metric_alarm_eval *out);

/* Evaluation interval for a series period: 60 s, or 10 s for 10/30 s periods. */
double metric_alarm_interval(double period_s);

/* Names for messages and events: "OK", "ALARM", "INSUFFICIENT_DATA"; ">", ">=", "<", "<=";
 * "missing", "notBreaching", "breaching", "ignore". */
const char *metric_alarm_state_name(enum metric_alarm_state st);
const char *metric_cmp_name(enum metric_cmp c);
const char *metric_missing_name(enum metric_missing m);

/* Parse a comparison (">", ">=", "<", "<=", or AWS's GreaterThanThreshold, ...) or a
 * missing-data treatment.  Return 0, or -1 after a diag error at loc. */
int metric_cmp_parse(const char *text, const struct loc *loc, enum metric_cmp *out);
int metric_missing_parse(const char *text, const struct loc *loc, enum metric_missing *out);

#endif
