/*
 * autoscale — the policy side shared by EC2 Auto Scaling groups (models/scaling/asg) and ECS
 * services (models/containers/ecs): one policy's run state (its CloudWatch series and alarms, or
 * its predictive forecast), and the minute's decision of all of them.
 *
 * The owner feeds each policy's series with what it measured (its own members), then at
 * each tick calls as_decide(), which evaluates the alarms due now, asks each dynamic policy
 * for a decision (models/scaling/scaling), and combines them as AWS does.  Target tracking decides
 * on the capacity behind the datapoint (`behind`, filled by the owner as it feeds), not
 * today's.  as_floor() is the predictive capacity in force, below which the owner keeps
 * dynamic scale-ins.
 */
#ifndef ELBSIM_MODELS_AUTOSCALE_H
#define ELBSIM_MODELS_AUTOSCALE_H

#include <stdbool.h>
#include <stdint.h>

#include "models/scaling/metrics.h"
#include "models/scaling/predictive.h"
#include "models/scaling/scaling.h"

struct target;
struct target_group;

struct as_policy {
    const struct scaling_policy *p;   /* borrowed from the scenario */
    struct scaling_state st;
    struct metric_series series;
    struct metric_alarm high, low;    /* simple/step: high only */
    struct metric_series_cfg scfg;
    struct metric_alarm_cfg hcfg, lcfg;
    double last_value;                /* the metric's latest visible datapoint (NAN: none) */
    int alarm_state;                  /* AlarmHigh state (METRIC_ALARM_*) */
    int id_metric, id_alarm;          /* series ids (set by the run) */
    double *prev_busy;                /* [member] busy server-seconds at the last period end */
    uint32_t prev_cap;
    uint64_t prev_count;              /* the counter fed at the last period end */
    int behind[64];                   /* [period index % 64] members (or healthy targets) the
                                       * period's datapoint averages over */
    struct pred pred;                 /* predictive policies */
};

/* The metric a policy watches, or NULL (scheduled and predictive policies watch none). */
const struct metric_def *as_policy_metric(const struct scaling_policy *p);

/* Set up ap for policy p read with ctx; o is the owner a predictive policy acts on. */
void as_policy_init(struct as_policy *ap, const struct scaling_policy *p,
                    const struct scaling_ctx *ctx, const struct pred_owner *o,
                    double duration_s);
void as_policy_fini(struct as_policy *ap);

/* Room for members [0, n) in prev_busy (new ones start at 0). */
void as_policy_grow(struct as_policy *ap, uint32_t n);

/* The slot of behind[] for the period holding t. */
unsigned as_period_slot(const struct as_policy *ap, double t);

/* Is t a whole multiple of p (within rounding)? */
bool as_multiple_of(double t, double p);

/* Evaluate the alarms due at now, decide, and combine into *out (out->act false when
 * nothing applies).  g: the owner's capacity view. */
void as_decide(struct as_policy *pol, int n, const struct scaling_group *g, double now,
               struct scaling_decision *out);

/* Feed the period holding `at` of a target-group metric (RequestCount,
 * RequestCountPerTarget, HTTPCode_Target_5XX_Count) from group g, the owner's first (NULL:
 * the owner has none and nothing is fed).  Returns false when the policy's metric is not a
 * target-group one. */
bool as_feed_group_metric(struct as_policy *ap, const struct target_group *g, double at);

/* Member idx's (target t's) value of a per-member metric over the period ending at now:
 * CPUUtilization (busy server-seconds since the later of since_s and the period's start,
 * per server, in %), InFlight or QueueDepth (at now).  as_policy_grow first. */
double as_member_value(struct as_policy *ap, uint32_t idx, struct target *t, double since_s,
                       double now);

/* One response's latency, for every TargetResponseTime policy. */
void as_record_response(struct as_policy *pol, int n, double now, double latency_s);

/* The largest predictive capacity in force at now, or 0. */
int as_floor(const struct as_policy *pol, int n, double now);

#endif
