/* scaling: AWS's rounding, the target-tracking formula and its alarm timing, cooldowns,
 * warm-up, scheduled actions, combining policies, and every bad-input message. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scaling/scaling.h"
#include "sim/ytree.h"
#include "tests/unit.h"

static struct scaling_ctx asg_ctx(void)
{
    struct scaling_ctx c;
    scaling_ctx_default(&c, METRIC_RES_ASG, "web");
    c.detailed_monitoring = true;
    return c;
}

/* Read one policy from YAML text; 0 on success. */
static int read_policy(const char *yaml, const struct scaling_ctx *ctx, struct scaling_policy *p)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(yaml, "s.yaml", &t), 0);
    int rc = scaling_policy_read(t, ctx, p);
    ytree_free(t);
    return rc;
}

/* The one error message reading yaml gives (caller frees). */
static char *read_error(const char *yaml, const struct scaling_ctx *ctx)
{
    struct scaling_policy p;
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = read_policy(yaml, ctx, &p);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_EQUAL(cap.errors, 1);
    scaling_policy_fini(&p);
    return msg;
}

#define EXPECT_ERROR(yaml, ctx, text)                                                   \
    do {                                                                                \
        char *m_ = read_error(yaml, ctx);                                               \
        CU_ASSERT_PTR_NOT_NULL(strstr(m_, text));                                       \
        if (!strstr(m_, text))                                                          \
            fprintf(stderr, "\nexpected: %s\n     got: %s\n", text, m_);                \
        free(m_);                                                                       \
    } while (0)

static struct scaling_group group(int desired, int ready, int warming, int min, int max)
{
    return (struct scaling_group){
        .desired = desired, .ready = ready, .warming = warming, .min = min, .max = max};
}

/* ---- AWS's arithmetic ---- */

static void percent_rounding_follows_aws_examples(void)
{
    enum scaling_adjust pc = SCALING_PERCENT_CHANGE_IN_CAPACITY;
    /* AWS worked example, threshold 50 %, group of 10 (AWS.md §5). */
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, 10, 10, 0), 11);
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, 30, 11, 0), 14);  /* 3.3 → 3 */
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, -10, 14, 0), 13); /* -1.4 → -1 */
    /* Between 0 and ±1: ±1. */
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, 10, 5, 0), 6);    /* 0.5 → 1 */
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, -10, 5, 0), 4);   /* -0.5 → -1 */
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, -25, 10, 0), 8);  /* -2.5 → -2 */
    /* MinAdjustmentMagnitude floors percent changes. */
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, 10, 10, 2), 12);
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, -10, 10, 3), 7);
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(pc, 50, 10, 2), 15);
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(SCALING_CHANGE_IN_CAPACITY, -2, 5, 0), 3);
    CU_ASSERT_EQUAL(scaling_adjusted_capacity(SCALING_EXACT_CAPACITY, 7, 5, 0), 7);
}

static const char step_yaml[] =
    "name: steps\ntype: step\nadjustment_type: PercentChangeInCapacity\n"
    "alarm: { metric: CPUUtilization, threshold: 50, comparison: '>=' }\n"
    "steps:\n  - { lower: 20, adjustment: 30 }\n  - { lower: 0, upper: 20, adjustment: 10 }\n";

static struct metric_alarm_eval due(double value)
{
    return (struct metric_alarm_eval){METRIC_ALARM_ALARM, false, true, value, 1, 1};
}

static void step_policy_reproduces_the_aws_example(void)
{
    struct scaling_ctx ctx = asg_ctx();
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(read_policy(step_yaml, &ctx, &p), 0);
    CU_ASSERT_EQUAL(p.nsteps, 2);
    CU_ASSERT_EQUAL(p.steps[0].lower, 0); /* sorted */
    CU_ASSERT_EQUAL(scaling_step_find(&p, 0), 0);
    CU_ASSERT_EQUAL(scaling_step_find(&p, 19.9), 0);
    CU_ASSERT_EQUAL(scaling_step_find(&p, 20), 1);
    CU_ASSERT_EQUAL(scaling_step_find(&p, -1), -1);
    struct scaling_state st;
    scaling_state_init(&st);
    struct scaling_decision d;
    struct scaling_group g = group(10, 10, 0, 1, 100);
    struct metric_alarm_eval ev = due(60);
    scaling_step_decide(&p, &st, &g, &ev, 60, &d);
    CU_ASSERT(d.act);
    CU_ASSERT_EQUAL(d.desired, 11);
    CU_ASSERT_STRING_EQUAL(d.cause, "Alarm web-steps-alarm in state ALARM triggered policy steps "
                                    "changing the desired capacity from 10 to 11.");
    /* While the new instance warms up, a breach in the same step adds nothing ... */
    g = group(11, 10, 1, 1, 100);
    ev = due(62);
    scaling_step_decide(&p, &st, &g, &ev, 120, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "warming instances already cover it"));
    /* ... a bigger step adds the difference (30 % of 10 = 3 → 13), */
    ev = due(70);
    scaling_step_decide(&p, &st, &g, &ev, 180, &d);
    CU_ASSERT(d.act);
    CU_ASSERT_EQUAL(d.desired, 13);
    /* and once 11 are ready, 30 % of 11 = 3.3 → 14 (AWS's table). */
    g = group(11, 11, 0, 1, 100);
    scaling_step_decide(&p, &st, &g, &ev, 240, &d);
    CU_ASSERT_EQUAL(d.desired, 14);
    scaling_policy_fini(&p);
}

/* A step scale-in starts from the capacity AWS counts while scaling in: the instances
 * still terminating included.  With 9 in service and 1 draining from the last step, -1
 * asks for 10 - 1 = 9: nothing more goes until it has terminated.  elbsim took 9 - 1 = 8
 * every minute the alarm stayed in ALARM. */
static void step_scale_in_counts_terminating_instances(void)
{
    struct scaling_ctx ctx = asg_ctx();
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(
        read_policy("name: in\ntype: step\n"
                    "alarm: { metric: CPUUtilization, threshold: 30, comparison: '<' }\n"
                    "steps:\n  - { upper: 0, adjustment: -1 }\n",
                    &ctx, &p),
        0);
    struct scaling_state st;
    scaling_state_init(&st);
    struct scaling_decision d;
    struct metric_alarm_eval ev = due(10);
    struct scaling_group g = group(9, 9, 0, 1, 20);
    g.terminating = 1;
    scaling_step_decide(&p, &st, &g, &ev, 60, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "the terminating instances already cover it"));
    g.terminating = 0;
    scaling_step_decide(&p, &st, &g, &ev, 120, &d);
    CU_ASSERT(d.act);
    CU_ASSERT_EQUAL(d.desired, 8);
    scaling_policy_fini(&p);
}

static void target_tracking_capacity_formula(void)
{
    CU_ASSERT_EQUAL(scaling_target_capacity(4, 60, 40, true), 6);    /* 4 × 1.5 */
    CU_ASSERT_EQUAL(scaling_target_capacity(4, 41, 40, true), 5);    /* 4.1 → 5 */
    CU_ASSERT_EQUAL(scaling_target_capacity(3, 40, 40, true), 3);    /* exact: no extra */
    CU_ASSERT_EQUAL(scaling_target_capacity(10, 20, 40, false), 5);
    /* A scale-in removes no more than the metric allows (AWS: removing 1.5 removes 1). */
    CU_ASSERT_EQUAL(scaling_target_capacity(10, 27.9, 40, false), 7); /* 6.975 → 7 */
    CU_ASSERT_EQUAL(scaling_target_capacity(2, 30, 50, false), 2);    /* 1.2 → 2: no flap */
    CU_ASSERT_EQUAL(scaling_target_capacity(5, 44, 50, false), 5);    /* 4.4 → 5 */
    CU_ASSERT_EQUAL(scaling_target_capacity(3, 25, 50, false), 2);    /* 1.5 → 2: removes 1 */
    CU_ASSERT_EQUAL(scaling_target_capacity(0, 100, 40, true), 1);   /* from zero */
    CU_ASSERT_EQUAL(scaling_target_capacity(5, 0, 40, false), 0);
}

/* ---- target tracking in time ---- */

/* A group of n ready instances under a target-tracking policy on group CPU; the metric is
 * `before` until t_step, then `after`.  Returns the first time an action changes desired,
 * evaluating alarms every 60 s, or -1 within `horizon`. */
static double tt_first_action(double before, double after, double t_step, double delay,
                              int n, double horizon, struct scaling_decision *out)
{
    struct scaling_ctx ctx = asg_ctx();
    ctx.metric_delay_s = delay;
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(read_policy("{name: cpu40, type: target_tracking, "
                                      "metric: ASGAverageCPUUtilization, target: 40}",
                                      &ctx, &p),
                          0);
    struct metric_series_cfg scfg;
    struct metric_alarm_cfg hc, lc;
    scaling_target_alarms(&p, &ctx, &scfg, &hc, &lc);
    CU_ASSERT_EQUAL(hc.datapoints, 3);
    CU_ASSERT_EQUAL(lc.datapoints, 15);
    CU_ASSERT_DOUBLE_EQUAL(lc.threshold, 28, 1e-12);
    struct metric_series s;
    metric_series_init(&s, &scfg);
    struct metric_alarm hi, lo;
    metric_alarm_init(&hi, &hc);
    metric_alarm_init(&lo, &lc);
    struct scaling_state st;
    scaling_state_init(&st);
    struct scaling_group g = group(n, n, 0, 1, 20);
    double when = -1;
    for (double t = 0; t <= horizon && when < 0; t += 60) {
        /* Samples for [t - 60, t) first, then the alarms at t (the integrator's order). */
        if (t > 0)
            for (int i = 0; i < n; i++)
                metric_series_add(&s, t - 60, t - 60 >= t_step ? after : before);
        struct metric_alarm_eval he, le;
        metric_alarm_evaluate(&hi, &s, t, &he);
        metric_alarm_evaluate(&lo, &s, t, &le);
        scaling_target_decide(&p, &st, &g, &he, &le, t, out);
        if (out->act)
            when = t;
    }
    metric_series_fini(&s);
    scaling_policy_fini(&p);
    return when;
}

static void step_change_scales_out_after_three_periods_plus_delay(void)
{
    struct scaling_decision d;
    /* 30 % until 10 min, then 80 %: three datapoints [600, 780) visible at 780 + delay. */
    CU_ASSERT_EQUAL(tt_first_action(30, 80, 600, 60, 4, 7200, &d), 600 + 3 * 60 + 60);
    CU_ASSERT_EQUAL(d.direction, 1);
    CU_ASSERT_EQUAL(d.desired, 8); /* ceil(4 × 80 / 40) */
    CU_ASSERT_STRING_EQUAL(d.cause, "Alarm TargetTracking-web-AlarmHigh-cpu40 in state ALARM "
                                    "triggered policy cpu40 changing the desired capacity from "
                                    "4 to 8.");
    CU_ASSERT_EQUAL(tt_first_action(30, 80, 600, 0, 4, 7200, &d), 600 + 3 * 60);
}

static void step_change_scales_in_after_fifteen_periods(void)
{
    struct scaling_decision d;
    /* 35 % (between 28 and 40: no alarm) until 10 min, then 10 %. */
    CU_ASSERT_EQUAL(tt_first_action(35, 10, 600, 60, 8, 7200, &d), 600 + 15 * 60 + 60);
    CU_ASSERT_EQUAL(d.direction, -1);
    CU_ASSERT_EQUAL(d.desired, 2); /* ceil(8 × 10 / 40) */
    CU_ASSERT_EQUAL(tt_first_action(35, 35, 600, 60, 8, 7200, &d), -1);
}

static void warming_instances_count_as_capacity_and_block_scale_in(void)
{
    struct scaling_ctx ctx = asg_ctx();
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(read_policy("{name: cpu40, type: target_tracking, "
                                      "metric: ASGAverageCPUUtilization, target: 40}",
                                      &ctx, &p),
                          0);
    struct scaling_state st;
    scaling_state_init(&st);
    struct scaling_decision d;
    struct metric_alarm_eval quiet = {METRIC_ALARM_OK, false, false, 40, 0, 3};
    /* 2 ready at 80 % (the warming one is not in the metric) → ceil(2 × 2) = 4. */
    struct scaling_group g = group(3, 2, 1, 1, 20);
    struct metric_alarm_eval high = due(80);
    scaling_target_decide(&p, &st, &g, &high, &quiet, 60, &d);
    CU_ASSERT(d.act);
    CU_ASSERT_EQUAL(d.desired, 4); /* adds 1: the warming instance counts */
    /* The alarm repeats a minute later for the same load: nothing more. */
    g = group(4, 2, 2, 1, 20);
    scaling_target_decide(&p, &st, &g, &high, &quiet, 120, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_EQUAL(d.direction, 0);
    /* Low alarm while one instance warms: blocked. */
    struct metric_alarm_eval low = due(5);
    g = group(4, 3, 1, 1, 20);
    scaling_target_decide(&p, &st, &g, &quiet, &low, 180, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_STRING_EQUAL(d.cause, "Alarm TargetTracking-web-AlarmLow-cpu40 in state ALARM "
                                    "triggered policy cpu40: no change (blocked: 1 instance is "
                                    "warming up).");
    g = group(4, 4, 0, 1, 20);
    scaling_target_decide(&p, &st, &g, &quiet, &low, 240, &d);
    CU_ASSERT(d.act);
    CU_ASSERT_EQUAL(d.desired, 1); /* ceil(4 × 5 / 40) = ceil(0.5) = 1 */
    scaling_policy_fini(&p);
}

static void capacity_is_clamped_to_min_and_max(void)
{
    struct scaling_ctx ctx = asg_ctx();
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(read_policy("{name: c, type: target_tracking, "
                                      "metric: ALBRequestCountPerTarget, target: 100}",
                                      &ctx, &p),
                          0);
    struct scaling_state st;
    scaling_state_init(&st);
    struct scaling_decision d;
    struct metric_alarm_eval quiet = {METRIC_ALARM_OK, false, false, 100, 0, 3};
    struct metric_alarm_eval high = due(1000);
    struct scaling_group g = group(4, 4, 0, 2, 6);
    scaling_target_decide(&p, &st, &g, &high, &quiet, 60, &d);
    CU_ASSERT_EQUAL(d.desired, 6);
    g = group(6, 6, 0, 2, 6);
    scaling_target_decide(&p, &st, &g, &high, &quiet, 120, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "at the maximum size"));
    struct metric_alarm_eval low = due(1);
    scaling_target_decide(&p, &st, &g, &quiet, &low, 180, &d);
    CU_ASSERT_EQUAL(d.desired, 2);
    /* disable_scale_in */
    scaling_policy_fini(&p);
    CU_ASSERT_EQUAL_FATAL(read_policy("{name: c, type: target_tracking, disable_scale_in: true,"
                                      " metric: ALBRequestCountPerTarget, target: 100}",
                                      &ctx, &p),
                          0);
    scaling_target_decide(&p, &st, &g, &quiet, &low, 240, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "scale-in is disabled"));
    scaling_policy_fini(&p);
}

static void ecs_scale_in_waits_for_its_cooldown(void)
{
    struct scaling_ctx ctx;
    scaling_ctx_default(&ctx, METRIC_RES_ECS_SERVICE, "api");
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(read_policy("{name: c, type: target_tracking, "
                                      "metric: ECSServiceAverageCPUUtilization, target: 50}",
                                      &ctx, &p),
                          0);
    CU_ASSERT_EQUAL(p.scale_in_factor, 0.9);
    CU_ASSERT_EQUAL(p.scale_in_cooldown_s, 300);
    struct scaling_state st;
    scaling_state_init(&st);
    struct scaling_decision d;
    struct metric_alarm_eval quiet = {METRIC_ALARM_OK, false, false, 50, 0, 3};
    struct metric_alarm_eval low = due(10);
    struct scaling_group g = group(10, 10, 0, 1, 20);
    scaling_target_decide(&p, &st, &g, &quiet, &low, 0, &d);
    CU_ASSERT_EQUAL(d.desired, 2);
    g = group(2, 2, 0, 1, 20);
    scaling_target_decide(&p, &st, &g, &quiet, &low, 299, &d);
    CU_ASSERT(!d.act);
    scaling_target_decide(&p, &st, &g, &quiet, &low, 300, &d);
    CU_ASSERT(d.act);
    scaling_policy_fini(&p);
}

/* ---- simple scaling ---- */

/* The cooldown is the group's: the policy gives the owner its cooldown (p.cooldown_s) with
 * the decision and waits while g.cooldown_until_s is ahead (INFINITY while the activity
 * runs). */
static void simple_scaling_waits_for_the_groups_cooldown(void)
{
    struct scaling_ctx ctx = asg_ctx();
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(
        read_policy("name: add2\ntype: simple\nadjustment: 2\n"
                    "alarm: { metric: CPUUtilization, threshold: 70, comparison: '>' }\n",
                    &ctx, &p),
        0);
    CU_ASSERT_EQUAL(p.cooldown_s, 300);
    struct scaling_state st;
    scaling_state_init(&st);
    struct scaling_decision d;
    struct metric_alarm_eval ev = due(90);
    struct scaling_group g = group(2, 2, 0, 1, 10);
    scaling_simple_decide(&p, &st, &g, &ev, 0, &d);
    CU_ASSERT(d.act);
    CU_ASSERT_EQUAL(d.desired, 4);
    CU_ASSERT_EQUAL(d.cooldown_s, 300);
    /* Its activity runs: the owner shows INFINITY. */
    g = group(4, 2, 2, 1, 10);
    g.cooldown_until_s = (double)INFINITY;
    scaling_simple_decide(&p, &st, &g, &ev, 400, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "waits for the group's simple scaling activity"));
    /* Completed at 420: the cooldown runs to 720. */
    g = group(4, 4, 0, 1, 10);
    g.cooldown_until_s = 720;
    scaling_simple_decide(&p, &st, &g, &ev, 660, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "waits for the group's cooldown, 60 more seconds"));
    scaling_simple_decide(&p, &st, &g, &ev, 720, &d);
    CU_ASSERT(d.act);
    /* An activity of any kind in progress holds it too. */
    g.activity_in_progress = true;
    scaling_simple_decide(&p, &st, &g, &ev, 780, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "waits for the scaling activity"));
    scaling_policy_fini(&p);
}

/* ---- scheduled ---- */

static void scheduled_action_fires_at_the_exact_time(void)
{
    struct scaling_ctx ctx = asg_ctx();
    struct scaling_policy p;
    CU_ASSERT_EQUAL_FATAL(read_policy("{name: friday, type: scheduled, "
                                      "recurrence: '0 17 * * FRI', min: 10}",
                                      &ctx, &p),
                          0);
    double t = scaling_scheduled_next(&p, 0);
    CU_ASSERT_EQUAL(t, 4 * 86400 + 17 * 3600);
    CU_ASSERT_EQUAL(scaling_scheduled_next(&p, t + 1), t + 7 * 86400);
    struct scaling_decision d;
    struct scaling_group g = group(4, 4, 0, 2, 20);
    scaling_scheduled_apply(&p, &g, t, &d);
    CU_ASSERT(d.act);
    CU_ASSERT_EQUAL(d.min, 10);
    CU_ASSERT_EQUAL(d.max, 20);
    CU_ASSERT_EQUAL(d.desired, 10); /* pushed up into the new bounds */
    CU_ASSERT_STRING_EQUAL(d.cause, "Scheduled action friday updated the group constraints to "
                                    "min: 10, max: 20, desired: 10 changing the desired "
                                    "capacity from 4 to 10.");
    /* A min above the group's max fails at run time, as AWS refuses it. */
    g = group(4, 4, 0, 2, 8);
    scaling_scheduled_apply(&p, &g, t, &d);
    CU_ASSERT(!d.act);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.cause, "failed"));
    scaling_policy_fini(&p);

    CU_ASSERT_EQUAL_FATAL(read_policy("{name: once, type: scheduled, at: 90m, desired: 6, "
                                      "max: 8}",
                                      &ctx, &p),
                          0);
    CU_ASSERT_EQUAL(scaling_scheduled_next(&p, 0), 5400);
    CU_ASSERT_EQUAL(scaling_scheduled_next(&p, 5401), (double)INFINITY);
    g = group(2, 2, 0, 1, 10);
    scaling_scheduled_apply(&p, &g, 5400, &d);
    CU_ASSERT_EQUAL(d.desired, 6);
    CU_ASSERT_EQUAL(d.max, 8);
    scaling_policy_fini(&p);

    CU_ASSERT_EQUAL_FATAL(read_policy("{name: z, type: scheduled, time_zone: UTC+01:00, "
                                      "recurrence: '0 9 * * *', start: '2026-01-07T00:00', "
                                      "end: '2026-01-08T12:00', desired: 3}",
                                      &ctx, &p),
                          0);
    CU_ASSERT_EQUAL(scaling_scheduled_next(&p, 0), 2 * 86400 - 3600 + 8 * 3600 + 3600);
    CU_ASSERT_EQUAL(scaling_scheduled_next(&p, 2 * 86400 + 8 * 3600 + 1), 3 * 86400 + 8 * 3600);
    CU_ASSERT_EQUAL(scaling_scheduled_next(&p, 3 * 86400 + 8 * 3600 + 1), (double)INFINITY);
    scaling_policy_fini(&p);
}

/* ---- several policies ---- */

static struct scaling_decision dec(enum scaling_kind k, bool act, int dir, int desired)
{
    return (struct scaling_decision){.kind = k, .policy = "p", .act = act, .direction = dir,
                                     .desired = desired, .min = 1, .max = 20};
}

static void combine_out_if_any_in_only_if_all_largest_wins(void)
{
    struct scaling_group g = group(6, 6, 0, 1, 20);
    struct scaling_decision out;
    struct scaling_decision a[3] = {dec(SCALING_TARGET_TRACKING, true, -1, 4),
                                    dec(SCALING_TARGET_TRACKING, true, 1, 8),
                                    dec(SCALING_STEP, true, 1, 10)};
    scaling_combine(a, 3, &g, &out);
    CU_ASSERT(out.act);
    CU_ASSERT_EQUAL(out.desired, 10);
    /* Scale-in only when every target-tracking policy wants it; the largest wins. */
    struct scaling_decision b[2] = {dec(SCALING_TARGET_TRACKING, true, -1, 3),
                                    dec(SCALING_TARGET_TRACKING, false, 0, 6)};
    scaling_combine(b, 2, &g, &out);
    CU_ASSERT(!out.act);
    CU_ASSERT_EQUAL(out.desired, 6);
    b[1] = dec(SCALING_TARGET_TRACKING, true, -1, 5);
    scaling_combine(b, 2, &g, &out);
    CU_ASSERT(out.act);
    CU_ASSERT_EQUAL(out.desired, 5);
    /* A policy with scale-in disabled has no say: the other one scales in alone. */
    b[0] = dec(SCALING_TARGET_TRACKING, false, 0, 6);
    b[0].scale_in_disabled = true;
    b[1] = dec(SCALING_TARGET_TRACKING, true, -1, 2);
    scaling_combine(b, 2, &g, &out);
    CU_ASSERT(out.act);
    CU_ASSERT_EQUAL(out.desired, 2);
    /* A step policy's scale-in acts on its own alarm. */
    struct scaling_decision c[2] = {dec(SCALING_STEP, true, -1, 4),
                                    dec(SCALING_TARGET_TRACKING, false, 0, 6)};
    scaling_combine(c, 2, &g, &out);
    CU_ASSERT(out.act);
    CU_ASSERT_EQUAL(out.desired, 4);
}

/* ---- bad input ---- */

static void bad_input_is_reported_with_place_and_expectation(void)
{
    struct scaling_ctx ctx = asg_ctx();
    EXPECT_ERROR("{name: t, type: target_tracking, metric: ASGAverageCPUUtilization, "
                 "target: 0}",
                 &ctx, "s.yaml:1:76: error: target must be greater than zero, got '0'");
    EXPECT_ERROR("{name: t, type: target_tracking, metric: ASGAverageCPUUtilization, "
                 "target: -5}",
                 &ctx, "target must be greater than zero, got '-5'");
    EXPECT_ERROR("{name: t, type: target_tracking, metric: MemoryUtilization, target: 50}", &ctx,
                 "s.yaml:1:42: error: unknown metric 'MemoryUtilization' for an Auto Scaling "
                 "group; expected one of: ASGAverageCPUUtilization, ALBRequestCountPerTarget");
    EXPECT_ERROR("{name: t, type: target_tracking, metric: RequestCount, target: 50}", &ctx,
                 "metric 'RequestCount' cannot be tracked");
    EXPECT_ERROR("name: s\ntype: simple\nadjustment: 1\n"
                 "alarm: { metric: MemoryUtilization, threshold: 1, comparison: '>' }\n",
                 &ctx, "s.yaml:4:18: error: unknown metric 'MemoryUtilization' for an Auto "
                       "Scaling group");
    EXPECT_ERROR("{name: f, type: scheduled, recurrence: '0 0 17 * * FRI', min: 1}", &ctx,
                 "s.yaml:1:52: error: bad cron expression '0 0 17 * * FRI': 6 fields; expected "
                 "5");
    EXPECT_ERROR("{name: f, type: scheduled, at: 1h, min: 5, max: 2}", &ctx,
                 "s.yaml:1:41: error: min (5) is greater than max (2)");
    EXPECT_ERROR("{name: f, type: scheduled, at: 1h, recurrence: '* * * * *', min: 5}", &ctx,
                 "needs exactly one of 'recurrence'");
    EXPECT_ERROR("{name: f, type: scheduled, at: 1h, time_zone: America/New_York, min: 1}",
                 &ctx, "IANA zone names are not supported");
    EXPECT_ERROR("name: g\ntype: step\n"
                 "alarm: { metric: CPUUtilization, threshold: 50, comparison: '>' }\n"
                 "steps:\n  - { lower: 0, upper: 10, adjustment: 1 }\n"
                 "  - { lower: 20, adjustment: 3 }\n",
                 &ctx, "s.yaml:6:5: error: step [20, +inf) leaves a gap after step [0, 10) "
                       "(line 5)");
    EXPECT_ERROR("name: g\ntype: step\n"
                 "alarm: { metric: CPUUtilization, threshold: 50, comparison: '>' }\n"
                 "steps:\n  - { lower: 0, upper: 30, adjustment: 1 }\n"
                 "  - { lower: 20, adjustment: 3 }\n",
                 &ctx, "s.yaml:6:5: error: step [20, +inf) overlaps step [0, 30)");
    EXPECT_ERROR("name: g\ntype: step\n"
                 "alarm: { metric: CPUUtilization, threshold: 50, comparison: '>' }\n"
                 "steps:\n  - { upper: 0, adjustment: -1 }\n  - { upper: 10, adjustment: 1 }\n",
                 &ctx, "overlaps");
    EXPECT_ERROR("{name: x, type: stepp}", &ctx,
                 "s.yaml:1:17: error: unknown policy type 'stepp' (did you mean 'step'?)");
    EXPECT_ERROR("{name: x, type: simple, adjustment: 1, cooldwn: 5m, "
                 "alarm: {metric: CPUUtilization, threshold: 1, comparison: '>'}}",
                 &ctx, "unknown key 'cooldwn' in a simple scaling policy; did you mean "
                       "'cooldown'?");
    EXPECT_ERROR("{name: x, type: simple, adjustment: 0, "
                 "alarm: {metric: CPUUtilization, threshold: 1, comparison: '>'}}",
                 &ctx, "adjustment '0' must be a whole number other than zero");
    EXPECT_ERROR("{name: x, type: simple, adjustment: 1, alarm: {metric: CPUUtilization, "
                 "threshold: 1, comparison: '>', datapoints: 4, periods: 3}}",
                 &ctx, "datapoints (4) must not exceed periods (3)");
    EXPECT_ERROR("{name: x, type: simple, adjustment: 1, alarm: {metric: CPUUtilization, "
                 "threshold: 1, comparison: '=>'}}",
                 &ctx, "unknown comparison '=>'");
    struct scaling_ctx basic = asg_ctx();
    basic.detailed_monitoring = false;
    EXPECT_ERROR("{name: x, type: simple, adjustment: 1, alarm: {metric: CPUUtilization, "
                 "threshold: 1, comparison: '>', period: 1m}}",
                 &basic, "shorter than the 5-minute datapoints of EC2 basic monitoring");
    EXPECT_ERROR("{name: x, type: target_tracking, metric: ASGAverageCPUUtilization, "
                 "target: 40, scale_in_threshold: 1.2}",
                 &ctx, "scale_in_threshold is a factor of the target");
    EXPECT_ERROR("{name: t, type: target_tracking, metric: ASGAverageCPUUtilization, "
                 "target: 40, scale_in_cooldown: 5m}",
                 &ctx, "s.yaml:1:80: error: an Auto Scaling group's target tracking policy has "
                       "no 'scale_in_cooldown': EC2 Auto Scaling paces target tracking with "
                       "instance warm-up ('warmup')");
    struct scaling_ctx ecs;
    scaling_ctx_default(&ecs, METRIC_RES_ECS_SERVICE, "api");
    /* Application Auto Scaling has no instance warm-up: the key would do nothing. */
    EXPECT_ERROR("{name: t, type: target_tracking, metric: ECSServiceAverageCPUUtilization, "
                 "target: 50, warmup: 2m}",
                 &ecs, "s.yaml:1:87: error: an ECS service's policy has no 'warmup': "
                       "Application Auto Scaling has no instance warm-up");
    EXPECT_ERROR("{name: s, type: simple, adjustment: 1, "
                 "alarm: {metric: CPUUtilization, threshold: 50, comparison: '>'}}",
                 &ecs, "s.yaml:1:17: error: an ECS service has no simple scaling policies");
    EXPECT_ERROR("name: g\ntype: step\nwarmup: 2m\n"
                 "alarm: { metric: CPUUtilization, threshold: 50, comparison: '>' }\n"
                 "steps:\n  - { lower: 0, adjustment: 1 }\n",
                 &ecs, "s.yaml:3:1: error: an ECS service's policy has no 'warmup'");
    EXPECT_ERROR("{name: t, type: target_tracking, metric: ASGAverageCPUUtilization, "
                 "target: 40}",
                 &ecs, "unknown metric 'ASGAverageCPUUtilization' for an ECS service; expected "
                       "one of: ALBRequestCountPerTarget, ECSServiceAverageCPUUtilization");
}

static void group_bounds_are_checked(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string("min: 3\nmax: 2\n", "g.yaml", &t), 0);
    int mn = 0, mx = 0, de = 0;
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(scaling_capacity_read(t, "min", "max", NULL, &mn, &mx, &de), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "g.yaml:1:6: error: min (3) is greater than max (2)"));
    free(msg);
    ytree_free(t);
    CU_ASSERT_EQUAL_FATAL(ytree_load_string("min: 1\nmax: 4\ndesired: 6\n", "g.yaml", &t), 0);
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(scaling_capacity_read(t, "min", "max", "desired", &mn, &mx, &de), -1);
    msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "g.yaml:3:10: error: desired (6) must lie between"));
    free(msg);
    ytree_free(t);
    CU_ASSERT_EQUAL_FATAL(ytree_load_string("min: 1\nmax: 4\ndesired: 2\n", "g.yaml", &t), 0);
    CU_ASSERT_EQUAL(scaling_capacity_read(t, "min", "max", "desired", &mn, &mx, &de), 0);
    CU_ASSERT(mn == 1 && mx == 4 && de == 2);
    ytree_free(t);
}

/* The type table: every row has its file's operations, a metric-driven type a decide and
 * a time-driven one none, names unique; and each type writes back what it reads. */
static void every_policy_type_has_its_operations(void)
{
    int n = 0;
    for (int i = 0; scaling_type_names[i]; i++, n++) {
        const struct scaling_type_ops *t = scaling_types[i];
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        CU_ASSERT(t->summary && strlen(t->summary) > 10);
        CU_ASSERT(t->read && t->write);
        CU_ASSERT_EQUAL(t->decide == NULL, t->input == SCALING_INPUT_NONE);
        for (int j = 0; j < i; j++)
            CU_ASSERT(strcmp(scaling_type_names[i], scaling_type_names[j]) != 0);
    }
    CU_ASSERT_EQUAL(n, SCALING_NKINDS);
    static const char *const items[] = {
        "{ name: a, type: simple, adjustment: 1, alarm: { metric: CPUUtilization, "
        "threshold: 70, comparison: '>' } }",
        "{ name: b, type: step, alarm: { metric: CPUUtilization, threshold: 60, "
        "comparison: '>' }, steps: [ { lower: 0, adjustment: 1 } ] }",
        "{ name: c, type: target_tracking, metric: ASGAverageCPUUtilization, target: 50 }",
        "{ name: d, type: scheduled, at: 1h, desired: 3 }",
    };
    struct scaling_ctx ctx;
    scaling_ctx_default(&ctx, METRIC_RES_ASG, "g");
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        struct ytree *t;
        CU_ASSERT_EQUAL_FATAL(ytree_load_string(items[i], "p.yaml", &t), 0);
        struct scaling_policy p, q;
        CU_ASSERT_EQUAL_FATAL(scaling_policy_read(t, &ctx, &p), 0);
        char *once = NULL, *twice = NULL;
        size_t n1, n2;
        FILE *f = open_memstream(&once, &n1);
        scaling_policy_write(&p, f);
        fclose(f);
        /* "      - { ... }": the mapping after the list dash reads back the same. */
        struct ytree *t2;
        CU_ASSERT_EQUAL_FATAL(ytree_load_string(strchr(once, '{'), "w.yaml", &t2), 0);
        CU_ASSERT_EQUAL_FATAL(scaling_policy_read(t2, &ctx, &q), 0);
        f = open_memstream(&twice, &n2);
        scaling_policy_write(&q, f);
        fclose(f);
        CU_ASSERT_STRING_EQUAL(once, twice);
        CU_ASSERT_EQUAL(p.kind, q.kind);
        free(once);
        free(twice);
        scaling_policy_fini(&p);
        scaling_policy_fini(&q);
        ytree_free(t);
        ytree_free(t2);
    }
}

static CU_TestInfo scaling_tests[] = {
    {"every_policy_type_has_its_operations", every_policy_type_has_its_operations},
    {"percent_rounding_follows_aws_examples", percent_rounding_follows_aws_examples},
    {"step_policy_reproduces_the_aws_example", step_policy_reproduces_the_aws_example},
    {"target_tracking_capacity_formula", target_tracking_capacity_formula},
    {"step_change_scales_out_after_three_periods_plus_delay",
     step_change_scales_out_after_three_periods_plus_delay},
    {"step_change_scales_in_after_fifteen_periods", step_change_scales_in_after_fifteen_periods},
    {"warming_instances_count_as_capacity_and_block_scale_in",
     warming_instances_count_as_capacity_and_block_scale_in},
    {"capacity_is_clamped_to_min_and_max", capacity_is_clamped_to_min_and_max},
    {"ecs_scale_in_waits_for_its_cooldown", ecs_scale_in_waits_for_its_cooldown},
    {"step_scale_in_counts_terminating_instances", step_scale_in_counts_terminating_instances},
    {"simple_scaling_waits_for_the_groups_cooldown", simple_scaling_waits_for_the_groups_cooldown},
    {"scheduled_action_fires_at_the_exact_time", scheduled_action_fires_at_the_exact_time},
    {"combine_out_if_any_in_only_if_all_largest_wins",
     combine_out_if_any_in_only_if_all_largest_wins},
    {"bad_input_is_reported_with_place_and_expectation",
     bad_input_is_reported_with_place_and_expectation},
    {"group_bounds_are_checked", group_bounds_are_checked},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_scaling_suites[] = {
    {"scaling", NULL, NULL, NULL, NULL, scaling_tests},
    CU_SUITE_INFO_NULL,
};
