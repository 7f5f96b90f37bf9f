/* hpa: the Horizontal Pod Autoscaler's decision (models/kube/hpa.c).  Every expected value
 * is worked out in a comment from the formulas in docs/eks.md "Horizontal Pod Autoscaler":
 *   desired = ceil(ready × current / target), nothing while |ratio - 1| <= tolerance;
 *   CPU utilization = floor(100 × Σ usage / Σ request) in whole percent (milli-cores);
 *   scale-up limit = max over policies of (start + pods, ceil(start × (1 + pct/100)));
 *   scale-down limit = min over policies of (start - pods, floor(start × (1 - pct/100))),
 *   start = replicas at the period's start (now - added + removed within the period). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "models/kube/hpa.h"
#include "tests/unit.h"

#define NOW 1000.0 /* pods start at 0: past the 300 s CPU initialization period */

/* Defaults, max 100, one CPU utilization metric. */
static struct hpa_cfg cpu_cfg(int target_pct)
{
    struct hpa_cfg c;
    hpa_cfg_default(&c);
    c.max_replicas = 100;
    c.metrics[0].target = target_pct;
    char why[256];
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), 0);
    return c;
}

/* A Pods metric (target per pod) as the only metric. */
static struct hpa_cfg pods_cfg(double target)
{
    struct hpa_cfg c = cpu_cfg(50);
    c.metrics[0] = (struct hpa_metric){HPA_PODS, "requests_per_second", target};
    return c;
}

/* n running, ready pods started at 0 (Ready since 10 s), each with the value of metric 0,
 * sampled at NOW over 30 s, requesting `request` cores. */
static void fill(struct hpa_pod *p, int n, double value, double request)
{
    for (int i = 0; i < n; i++) {
        memset(&p[i], 0, sizeof p[i]);
        p[i].ready = true;
        p[i].start_s = 0;
        p[i].ready_change_s = 10;
        p[i].metric_window_s = 30;
        p[i].cpu_request = request;
        for (int k = 0; k < HPA_MAX_METRICS; k++) {
            p[i].has_metric[k] = true;
            p[i].value[k] = value;
            p[i].metric_time_s[k] = NOW;
        }
    }
}

/* One sync on a fresh state. */
static struct hpa_decision once(const struct hpa_cfg *c, int current, const struct hpa_pod *p,
                                int n)
{
    struct hpa_state s;
    hpa_state_init(&s, c);
    struct hpa_decision d;
    hpa_decide(&s, c, NOW, current, p, n, NULL, &d);
    return d;
}

static void tolerance_0_1_keeps_1_09_and_follows_1_11(void)
{
    struct hpa_cfg c = cpu_cfg(100);
    struct hpa_pod p[10];
    /* 10 pods at 1.09 of 1 core: utilization 109 %, ratio 1.09 <= 1.1: stay at 10. */
    fill(p, 10, 1.09, 1);
    struct hpa_decision d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.proposal[0], 10);
    CU_ASSERT_EQUAL(d.desired, 10);
    CU_ASSERT_FALSE(d.rescale);
    CU_ASSERT_EQUAL(d.value[0], 109);
    /* 1.10 is still within (1 - 0.1 <= ratio <= 1 + 0.1). */
    fill(p, 10, 1.10, 1);
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).desired, 10);
    /* 1.11: ceil(1.11 × 10) = ceil(11.1) = 12, under the limit max(10 + 4, 20) = 20. */
    fill(p, 10, 1.11, 1);
    d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.proposal[0], 12);
    CU_ASSERT_EQUAL(d.desired, 12);
    CU_ASSERT_TRUE(d.rescale);
    CU_ASSERT_STRING_EQUAL(d.reason,
                           "cpu resource utilization (percentage of request) above target");
    CU_ASSERT_STRING_EQUAL(d.limited, "DesiredWithinRange");
    CU_ASSERT_STRING_EQUAL(d.active, "ValidMetricFound");
    /* A tolerance of 0.05 follows 1.09: ceil(1.09 × 10) = ceil(10.9) = 11. */
    c.tolerance = 0.05;
    fill(p, 10, 1.09, 1);
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).desired, 11);
}

static void desired_is_ceil_of_ready_times_metric_over_target(void)
{
    struct hpa_pod p[4];
    /* CPU: 4 pods using 0.4 of 0.5 cores: 100 × 1600 / 2000 = 80 %, target 50 %: ratio 1.6,
     * ceil(1.6 × 4) = ceil(6.4) = 7 (limit max(4 + 4, 8) = 8). */
    struct hpa_cfg c = cpu_cfg(50);
    fill(p, 4, 0.4, 0.5);
    struct hpa_decision d = once(&c, 4, p, 4);
    CU_ASSERT_EQUAL(d.value[0], 80);
    CU_ASSERT_EQUAL(d.desired, 7);
    /* Utilization is truncated to whole percent: 0.123 of 0.2 cores is 61.5 % → 61 %. */
    fill(p, 4, 0.123, 0.2);
    CU_ASSERT_EQUAL(once(&c, 4, p, 4).value[0], 61);
    /* Pods metric: 15 req/s per pod, target 10: ratio 1.5, ceil(1.5 × 4) = 6. */
    c = pods_cfg(10);
    fill(p, 4, 15, 0);
    d = once(&c, 4, p, 4);
    CU_ASSERT_EQUAL(d.value[0], 15);
    CU_ASSERT_EQUAL(d.desired, 6);
    CU_ASSERT_STRING_EQUAL(d.reason, "pods metric requests_per_second above target");
    /* External AverageValue: total 120, 10 per pod, 4 replicas: ratio 120 / 40 = 3, so
     * ceil(120 / 10) = 12 (limit 8: desired 8); the status shows 120 / 4 = 30 per pod. */
    c.metrics[0] = (struct hpa_metric){HPA_EXTERNAL, "sqs_messages", 10};
    struct hpa_state s;
    hpa_state_init(&s, &c);
    double ext[HPA_MAX_METRICS] = {120};
    hpa_decide(&s, &c, NOW, 4, p, 4, ext, &d);
    CU_ASSERT_EQUAL(d.proposal[0], 12);
    CU_ASSERT_EQUAL(d.value[0], 30);
    CU_ASSERT_EQUAL(d.desired, 8);
    CU_ASSERT_STRING_EQUAL(d.limited, "ScaleUpLimit");
    CU_ASSERT_STRING_EQUAL(d.reason, "external metric sqs_messages(nil) above target");
    /* Total 42 over 4 pods: 42 / 40 = 1.05 within: the status replica count, 4. */
    hpa_state_init(&s, &c);
    ext[0] = 42;
    hpa_decide(&s, &c, NOW, 4, p, 4, ext, &d);
    CU_ASSERT_EQUAL(d.proposal[0], 4);
    CU_ASSERT_FALSE(d.rescale);
}

static void missing_metrics_count_zero_on_scale_up(void)
{
    struct hpa_cfg c = cpu_cfg(100);
    struct hpa_pod p[10];
    /* 8 pods at 130 %, 2 without a sample.  Ignoring them: ceil(1.3 × 8) = 11.  Counted
     * at 0 on a scale up: 100 × 8 × 1300 / 10000 = 104 %, ratio 1.04 within: stay at 10. */
    fill(p, 10, 1.3, 1);
    p[8].has_metric[0] = p[9].has_metric[0] = false;
    struct hpa_decision d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.value[0], 130); /* the status shows the ready pods' 130 % */
    CU_ASSERT_EQUAL(d.proposal[0], 10);
    CU_ASSERT_FALSE(d.rescale);
    /* Without the missing ones the same 8 pods give 11. */
    CU_ASSERT_EQUAL(once(&c, 8, p, 8).proposal[0], 11);
}

static void missing_metrics_count_full_on_scale_down(void)
{
    struct hpa_cfg c = cpu_cfg(50);
    c.down.stabilization_s = 0;
    struct hpa_pod p[10];
    /* 8 pods at 20 % (ratio 0.4), 2 missing counted at max(100, 50) = 100 % of 1 core:
     * 100 × (8 × 200 + 2 × 1000) / 10000 = 36 %, ratio 0.72, ceil(0.72 × 10) = ceil(7.2) = 8
     * (ignoring them would give ceil(0.4 × 8) = 4). */
    fill(p, 10, 0.2, 1);
    p[8].has_metric[0] = p[9].has_metric[0] = false;
    struct hpa_decision d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.proposal[0], 8);
    CU_ASSERT_EQUAL(d.desired, 8);
    CU_ASSERT_STRING_EQUAL(d.reason, "All metrics below target");
    /* A target above 100 %: missing pods count at the target, 150 %: 100 × (8 × 200 +
     * 2 × 1500) / 10000 = 46 %, ratio 46 / 150 = 0.3067, ceil(3.067) = 4. */
    c.metrics[0].target = 150;
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).proposal[0], 4);
    /* Pods metric, target 10: 3 pods at 2 (ratio 0.2), 1 missing counted at the target:
     * (3 × 2 + 10) / 4 = 4, ratio 0.4, ceil(0.4 × 4) = 2 (ignoring it: ceil(0.6) = 1). */
    c = pods_cfg(10);
    c.down.stabilization_s = 0;
    fill(p, 4, 2, 0);
    p[3].has_metric[0] = false;
    CU_ASSERT_EQUAL(once(&c, 4, p, 4).proposal[0], 2);
}

static void unready_pods_count_zero_on_scale_up_only(void)
{
    struct hpa_cfg c = cpu_cfg(100);
    c.down.stabilization_s = 0;
    struct hpa_pod p[10];
    /* 8 ready pods at 130 %, 2 that never became Ready (Ready=False since 20 s after start,
     * inside the 30 s initial readiness delay).  Counted at 0: 104 %, within: stay at 10. */
    fill(p, 10, 1.3, 1);
    for (int i = 8; i < 10; i++) {
        p[i].ready = false;
        p[i].ready_change_s = 20;
    }
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).proposal[0], 10);
    /* Scaling down they are left out: 8 pods at 20 % of a 50 % target, ratio 0.4,
     * ceil(0.4 × 8) = ceil(3.2) = 4. */
    c.metrics[0].target = 50;
    fill(p, 8, 0.2, 1);
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).proposal[0], 4);
    /* Pending pods are unready for a Pods metric too: 8 pods at 13 req/s (target 10),
     * 2 pending counted at 0: (8 × 13) / 10 = 10.4, ratio 1.04 within: stay at 10
     * (ignoring them: ceil(1.3 × 8) = 11). */
    c = pods_cfg(10);
    fill(p, 10, 13, 0);
    p[8].pending = p[9].pending = true;
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).proposal[0], 10);
}

static void cpu_samples_of_young_or_never_ready_pods_are_distrusted(void)
{
    struct hpa_cfg c = cpu_cfg(50);
    struct hpa_pod p[3];
    /* Two old pods at 100 % of 1 core; a third started at 900 (100 s ago, inside the 300 s
     * CPU initialization period), Ready at 920, its 30 s sample ending at 940 < 920 + 30:
     * unready.  Ratio 2.0 from the two; the third counted at 0: 100 × 2000 / 3000 = 66 %,
     * ratio 1.32, ceil(1.32 × 3) = ceil(3.96) = 4. */
    fill(p, 3, 1.0, 1);
    p[2].start_s = 900;
    p[2].ready_change_s = 920;
    p[2].metric_time_s[0] = 940;
    CU_ASSERT_EQUAL(once(&c, 3, p, 3).proposal[0], 4);
    /* Its sample ending at 960 >= 950 is trusted: 100 % on 3 pods, ceil(2.0 × 3) = 6. */
    p[2].metric_time_s[0] = 960;
    CU_ASSERT_EQUAL(once(&c, 3, p, 3).proposal[0], 6);
    /* Past the initialization period, an unready pod counts unless it never became ready:
     * pod 3 at 0.2 cores, Ready=False since 40 s (after the 30 s delay: it had been
     * ready): 100 × 2200 / 3000 = 73 %, ratio 1.46, ceil(4.38) = 5. */
    fill(p, 3, 1.0, 1);
    p[2].value[0] = 0.2;
    p[2].ready = false;
    p[2].ready_change_s = 40;
    CU_ASSERT_EQUAL(once(&c, 3, p, 3).proposal[0], 5);
    /* Ready=False since 20 s: never ready within the delay, counted at 0: 4 as above. */
    p[2].ready_change_s = 20;
    CU_ASSERT_EQUAL(once(&c, 3, p, 3).proposal[0], 4);
    /* Deleting pods are left out entirely: two pods at 100 %, ceil(2.0 × 2) = 4. */
    p[2].ready = true;
    p[2].deleting = true;
    CU_ASSERT_EQUAL(once(&c, 3, p, 3).proposal[0], 4);
}

static void direction_flip_keeps_current(void)
{
    struct hpa_cfg c = cpu_cfg(50);
    c.down.stabilization_s = 0;
    struct hpa_pod p[10];
    /* 4 pods at 40 % (ratio 0.8: down), 6 missing counted at 100 % on the way down:
     * 100 × (4 × 400 + 6 × 1000) / 10000 = 76 %, ratio 1.52 > 1: the direction flips,
     * stay at 10 (ignoring them: ceil(0.8 × 4) = 4). */
    fill(p, 10, 0.4, 1);
    for (int i = 4; i < 10; i++)
        p[i].has_metric[0] = false;
    struct hpa_decision d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.proposal[0], 10);
    CU_ASSERT_FALSE(d.rescale);
    /* The final check: 4 pods listed while the spec asks 2; one at 10 % of a 100 % target
     * (ratio 0.1: down), 3 missing at 100 %: 100 × (100 + 3000) / 4000 = 77 %, ratio 0.77,
     * ceil(0.77 × 4) = 4 > 2 would scale up on a scale-down signal: stay at 2. */
    c.metrics[0].target = 100;
    fill(p, 4, 0.1, 1);
    for (int i = 1; i < 4; i++)
        p[i].has_metric[0] = false;
    CU_ASSERT_EQUAL(once(&c, 2, p, 4).proposal[0], 2);
}

static void scale_down_waits_for_the_300_s_window(void)
{
    struct hpa_cfg c = cpu_cfg(50);
    struct hpa_pod p[10];
    struct hpa_state s;
    hpa_state_init(&s, &c);
    struct hpa_decision d;
    /* At 1000 the load is on target: 10. */
    fill(p, 10, 0.5, 1);
    hpa_decide(&s, &c, NOW, 10, p, 10, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 10);
    /* From 1015 on 25 %: ceil(0.5 × 10) = 5 each sync, but the highest recommendation of
     * the last 300 s is 10 (from 1000) as long as 1000 > now - 300, i.e. up to 1285. */
    fill(p, 10, 0.25, 1);
    for (double t = NOW + 15; t <= NOW + 285; t += 15) {
        hpa_decide(&s, &c, t, 10, p, 10, NULL, &d);
        CU_ASSERT_EQUAL(d.proposal[0], 5);
        CU_ASSERT_EQUAL(d.desired, 10);
        CU_ASSERT_FALSE(d.rescale);
        CU_ASSERT_STRING_EQUAL(d.able, "ScaleDownStabilized");
    }
    /* At 1300 the window (1000, 1300] holds only 5s: follow the drop, within the
     * Percent 100 per 15 s limit floor(10 × 0) = 0 and minReplicas 1. */
    hpa_decide(&s, &c, NOW + 300, 10, p, 10, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 5);
    CU_ASSERT_TRUE(d.rescale);
    CU_ASSERT_STRING_EQUAL(d.able, "SucceededRescale");
    char ev[160];
    hpa_event_text(&d, ev, sizeof ev);
    CU_ASSERT_STRING_EQUAL(ev, "New size: 5; reason: All metrics below target");
}

static void first_sync_remembers_the_current_size(void)
{
    /* recordInitialRecommendation: the first sync already holds 10 in the down window, so a
     * drop seen at once waits 300 s too. */
    struct hpa_cfg c = cpu_cfg(50);
    struct hpa_pod p[10];
    fill(p, 10, 0.25, 1);
    struct hpa_decision d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.proposal[0], 5);
    CU_ASSERT_EQUAL(d.desired, 10);
    /* An up window of 60 s holds the rise the same way: the lowest recommendation of the
     * window is the first sync's 10. */
    c.up.stabilization_s = 60;
    fill(p, 10, 1.0, 1);
    d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.proposal[0], 20);
    CU_ASSERT_EQUAL(d.desired, 10);
    CU_ASSERT_STRING_EQUAL(d.able, "ScaleUpStabilized");
}

/* Pods each using `ratio` times a 50 % target of 1 core (0.5 × ratio cores). */
static void at_ratio(struct hpa_pod *p, int n, double ratio)
{
    fill(p, n, 0.5 * ratio, 1);
}

static void scale_up_limit_doubles_or_adds_four_per_15_s(void)
{
    struct hpa_cfg c = cpu_cfg(50);
    struct hpa_pod p[100];
    struct hpa_state s;
    hpa_state_init(&s, &c);
    struct hpa_decision d;
    /* From 1 at ratio 10 (wants 10): max(1 + 4, ceil(1 × 2)) = max(5, 2) = 5. */
    at_ratio(p, 1, 10);
    hpa_decide(&s, &c, NOW, 1, p, 1, NULL, &d);
    CU_ASSERT_EQUAL(d.proposal[0], 10);
    CU_ASSERT_EQUAL(d.desired, 5);
    CU_ASSERT_STRING_EQUAL(d.limited, "ScaleUpLimit");
    /* 15 s later the event at 1000 is outside (1000, 1015]: start 5, max(9, 10) = 10. */
    at_ratio(p, 5, 10);
    hpa_decide(&s, &c, NOW + 15, 5, p, 5, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 10);
    /* From 10: max(14, 20) = 20; then 40 of the 100 wanted (ceil(10 × 20) = 200 > max). */
    at_ratio(p, 10, 10);
    hpa_decide(&s, &c, NOW + 30, 10, p, 10, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 20);
    at_ratio(p, 20, 10);
    hpa_decide(&s, &c, NOW + 45, 20, p, 20, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 40);
    /* From 80 (the event at 1045 is outside (1045, 1060]) the limit max(84, 160) = 160
     * passes max 100: TooManyReplicas. */
    at_ratio(p, 80, 10);
    hpa_decide(&s, &c, NOW + 60, 80, p, 80, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 100);
    CU_ASSERT_STRING_EQUAL(d.limited, "TooManyReplicas");
    /* A sample of 10^10 cores on a 1-core request: 10^12 %, ratio 2 × 10^10; the proposal
     * ceil(2 × 10^10 × 1) saturates at INT_MAX instead of overflowing; the limit still
     * allows 1 + 4 = 5. */
    fill(p, 1, 1e10, 1);
    d = once(&c, 1, p, 1);
    CU_ASSERT_EQUAL(d.proposal[0], INT_MAX);
    CU_ASSERT_EQUAL(d.desired, 5);
}

static void scale_up_period_counts_the_events_within_it(void)
{
    /* One policy, 4 pods per 60 s. */
    struct hpa_cfg c = cpu_cfg(50);
    c.up.pol[0] = (struct hpa_policy){HPA_POLICY_PODS, 4, 60};
    c.up.npol = 1;
    struct hpa_pod p[20];
    struct hpa_state s;
    hpa_state_init(&s, &c);
    struct hpa_decision d;
    at_ratio(p, 1, 10);
    hpa_decide(&s, &c, NOW, 1, p, 1, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 5); /* 1 + 4 */
    /* At 1015 and 1045 the period start is 5 - 4 = 1: limit 1 + 4 = 5 = current. */
    at_ratio(p, 5, 10);
    for (double t = NOW + 15; t < NOW + 60; t += 30) {
        hpa_decide(&s, &c, t, 5, p, 5, NULL, &d);
        CU_ASSERT_EQUAL(d.desired, 5);
        CU_ASSERT_FALSE(d.rescale);
        CU_ASSERT_STRING_EQUAL(d.limited, "ScaleUpLimit");
    }
    /* At 1060 the event at 1000 has left (1000, 1060]: start 5, 5 + 4 = 9. */
    hpa_decide(&s, &c, NOW + 60, 5, p, 5, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 9);
}

static void select_policy_max_min_disabled(void)
{
    /* From 10 wanting 100 with Percent 100 and Pods 4 per 15 s: Max picks
     * max(ceil(10 × 2), 10 + 4) = 20, Min picks min(20, 14) = 14, Disabled keeps 10. */
    struct hpa_cfg c = cpu_cfg(50);
    struct hpa_pod p[10];
    at_ratio(p, 10, 10);
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).desired, 20);
    c.up.select = HPA_SELECT_MIN;
    CU_ASSERT_EQUAL(once(&c, 10, p, 10).desired, 14);
    c.up.select = HPA_SELECT_DISABLED;
    struct hpa_decision d = once(&c, 10, p, 10);
    CU_ASSERT_EQUAL(d.desired, 10);
    CU_ASSERT_FALSE(d.rescale);
    /* A Percent rise is rounded up: 10 % of 16 is ceil(16 × 1.1) = ceil(17.6) = 18. */
    c.up.select = HPA_SELECT_MAX;
    c.up.pol[0] = (struct hpa_policy){HPA_POLICY_PERCENT, 10, 15};
    c.up.npol = 1;
    struct hpa_pod q[16];
    at_ratio(q, 16, 10);
    CU_ASSERT_EQUAL(once(&c, 16, q, 16).desired, 18);
    /* Scaling down from 16 wanting 2 (ratio 0.1: ceil(1.6) = 2), no window, Pods 5 and
     * Percent 50 per 60 s: Max (the largest change) floors at min(16 - 5, 8) = 8, Min (the
     * smallest change) at max(11, 8) = 11, Disabled stays at 16. */
    c = cpu_cfg(50);
    c.down.stabilization_s = 0;
    c.down.pol[0] = (struct hpa_policy){HPA_POLICY_PODS, 5, 60};
    c.down.pol[1] = (struct hpa_policy){HPA_POLICY_PERCENT, 50, 60};
    c.down.npol = 2;
    at_ratio(q, 16, 0.1);
    d = once(&c, 16, q, 16);
    CU_ASSERT_EQUAL(d.proposal[0], 2);
    CU_ASSERT_EQUAL(d.desired, 8);
    CU_ASSERT_STRING_EQUAL(d.limited, "ScaleDownLimit");
    c.down.select = HPA_SELECT_MIN;
    CU_ASSERT_EQUAL(once(&c, 16, q, 16).desired, 11);
    c.down.select = HPA_SELECT_DISABLED;
    CU_ASSERT_EQUAL(once(&c, 16, q, 16).desired, 16);
    /* A Percent fall is truncated: 30 % of 16 leaves floor(16 × 0.7) = floor(11.2) = 11. */
    c.down.select = HPA_SELECT_MAX;
    c.down.pol[0] = (struct hpa_policy){HPA_POLICY_PERCENT, 30, 60};
    c.down.npol = 1;
    CU_ASSERT_EQUAL(once(&c, 16, q, 16).desired, 11);
}

static void scale_down_percent_policy_per_period(void)
{
    /* No window, Percent 50 per 60 s, from 16 wanting 2. */
    struct hpa_cfg c = cpu_cfg(50);
    c.down.stabilization_s = 0;
    c.down.pol[0] = (struct hpa_policy){HPA_POLICY_PERCENT, 50, 60};
    struct hpa_pod p[16];
    struct hpa_state s;
    hpa_state_init(&s, &c);
    struct hpa_decision d;
    at_ratio(p, 16, 0.1);
    hpa_decide(&s, &c, NOW, 16, p, 16, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 8); /* floor(16 × 0.5) */
    /* At 1015..1045 the 8 removed at 1000 are within the period: start 8 + 8 = 16, limit 8
     * = current: no change. */
    at_ratio(p, 8, 0.1);
    for (double t = NOW + 15; t < NOW + 60; t += 15) {
        hpa_decide(&s, &c, t, 8, p, 8, NULL, &d);
        CU_ASSERT_EQUAL(d.proposal[0], 1); /* ceil(0.1 × 8) = 1 */
        CU_ASSERT_EQUAL(d.desired, 8);
        CU_ASSERT_FALSE(d.rescale);
    }
    /* At 1060 the event has left (1000, 1060]: start 8, floor(8 × 0.5) = 4. */
    hpa_decide(&s, &c, NOW + 60, 8, p, 8, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 4);
    /* At 1075, 4 pods at ratio 2 want ceil(2 × 4) = 8; the up policies' 15 s period
     * (1060, 1075] holds no event: start 4, max(4 + 4, ceil(4 × 2)) = 8. */
    at_ratio(p, 4, 2);
    hpa_decide(&s, &c, NOW + 75, 4, p, 4, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 8);
    /* At 1090 down to 1 is wanted; within (1030, 1090] 4 were removed (1060) and 4 added
     * (1075): start 8 - 4 + 4 = 8, floor(8 × 0.5) = 4. */
    at_ratio(p, 8, 0.1);
    hpa_decide(&s, &c, NOW + 90, 8, p, 8, NULL, &d);
    CU_ASSERT_EQUAL(d.desired, 4);
}

static void replicas_outside_min_max_are_brought_in(void)
{
    struct hpa_cfg c = cpu_cfg(50);
    c.min_replicas = 2;
    c.max_replicas = 10;
    struct hpa_pod p[12];
    fill(p, 12, 0.5, 1);
    /* 12 > max 10: 10, whatever the metrics. */
    struct hpa_decision d = once(&c, 12, p, 12);
    CU_ASSERT_EQUAL(d.desired, 10);
    CU_ASSERT_TRUE(d.rescale);
    CU_ASSERT_STRING_EQUAL(d.reason, "Current number of replicas above Spec.MaxReplicas");
    CU_ASSERT_PTR_NULL(d.active);
    /* 1 < min 2: 2. */
    d = once(&c, 1, p, 1);
    CU_ASSERT_EQUAL(d.desired, 2);
    CU_ASSERT_STRING_EQUAL(d.reason, "Current number of replicas below Spec.MinReplicas");
    /* 0 with min 2: scaling disabled, stays 0. */
    d = once(&c, 0, p, 0);
    CU_ASSERT_EQUAL(d.desired, 0);
    CU_ASSERT_FALSE(d.rescale);
    CU_ASSERT_STRING_EQUAL(d.active, "ScalingDisabled");
    /* 8 wanting ceil(3 × 8) = 24: the limit max(12, 16) = 16 passes max 10: 10. */
    at_ratio(p, 8, 3);
    d = once(&c, 8, p, 8);
    CU_ASSERT_EQUAL(d.proposal[0], 24);
    CU_ASSERT_EQUAL(d.desired, 10);
    CU_ASSERT_STRING_EQUAL(d.limited, "TooManyReplicas");
    /* 4 wanting ceil(0.1 × 4) = 1 with no window: min 2, TooFewReplicas. */
    c.down.stabilization_s = 0;
    at_ratio(p, 4, 0.1);
    d = once(&c, 4, p, 4);
    CU_ASSERT_EQUAL(d.proposal[0], 1);
    CU_ASSERT_EQUAL(d.desired, 2);
    CU_ASSERT_STRING_EQUAL(d.limited, "TooFewReplicas");
}

static void largest_proposal_of_several_metrics_wins(void)
{
    /* cpu at 80 % of 50 % on 4 pods: ceil(1.6 × 4) = 7; requests_per_second at 20 of 10:
     * ceil(2 × 4) = 8; sqs_messages total 36 at 10 per pod: ratio 36 / 40 = 0.9 within: 4.
     * The largest, 8, wins and names its metric. */
    struct hpa_cfg c = cpu_cfg(50);
    c.metrics[1] = (struct hpa_metric){HPA_PODS, "requests_per_second", 10};
    c.metrics[2] = (struct hpa_metric){HPA_EXTERNAL, "sqs_messages", 10};
    c.nmetrics = 3;
    struct hpa_pod p[4];
    fill(p, 4, 0.4, 0.5);
    for (int i = 0; i < 4; i++)
        p[i].value[1] = 20;
    double ext[HPA_MAX_METRICS] = {0, 0, 36};
    struct hpa_state s;
    hpa_state_init(&s, &c);
    struct hpa_decision d;
    hpa_decide(&s, &c, NOW, 4, p, 4, ext, &d);
    CU_ASSERT_EQUAL(d.proposal[0], 7);
    CU_ASSERT_EQUAL(d.proposal[1], 8);
    CU_ASSERT_EQUAL(d.proposal[2], 4);
    CU_ASSERT_EQUAL(d.metric, 1);
    CU_ASSERT_EQUAL(d.desired, 8);
    char ev[160];
    CU_ASSERT(hpa_event_text(&d, ev, sizeof ev) > 0);
    CU_ASSERT_STRING_EQUAL(ev, "New size: 8; reason: pods metric requests_per_second above target");
    /* The external total rises to 100: ceil(100 / 10) = 10 beats 8. */
    ext[2] = 100;
    hpa_state_init(&s, &c);
    hpa_decide(&s, &c, NOW, 4, p, 4, ext, &d);
    CU_ASSERT_EQUAL(d.metric, 2);
    CU_ASSERT_EQUAL(d.desired, 8); /* limit max(4 + 4, 8) = 8 */
    hpa_event_text(&d, ev, sizeof ev);
    CU_ASSERT_STRING_EQUAL(ev, "New size: 8; reason: external metric sqs_messages(nil) above target");
    /* A metric that cannot be read is skipped when the others scale up; when they would
     * scale down nothing happens (FailedGetExternalMetric). */
    ext[2] = (double)NAN;
    hpa_state_init(&s, &c);
    hpa_decide(&s, &c, NOW, 4, p, 4, ext, &d);
    CU_ASSERT_FALSE(d.valid[2]);
    CU_ASSERT_EQUAL(d.metric, 1);
    CU_ASSERT_EQUAL(d.desired, 8);
    c.down.stabilization_s = 0;
    fill(p, 4, 0.05, 0.5); /* both pod metrics now want 1 */
    hpa_state_init(&s, &c);
    hpa_decide(&s, &c, NOW, 4, p, 4, ext, &d);
    CU_ASSERT_EQUAL(d.desired, 4);
    CU_ASSERT_FALSE(d.rescale);
    CU_ASSERT_EQUAL(d.metric, -1);
    CU_ASSERT_STRING_EQUAL(d.active, "FailedGetExternalMetric");
    CU_ASSERT_EQUAL(hpa_event_text(&d, ev, sizeof ev), 0);
    CU_ASSERT_STRING_EQUAL(ev, "");
    /* Readable again and all below target: "All metrics below target", floor min 1. */
    ext[2] = 5; /* 5 / 40 = 0.125: ceil(5 / 10) = 1 */
    hpa_decide(&s, &c, NOW + 15, 4, p, 4, ext, &d);
    CU_ASSERT_EQUAL(d.desired, 1);
    CU_ASSERT_STRING_EQUAL(d.reason, "All metrics below target");
}

static void defaults_and_config_checks(void)
{
    struct hpa_cfg c;
    hpa_cfg_default(&c);
    CU_ASSERT_EQUAL(c.min_replicas, 1);
    CU_ASSERT_EQUAL(c.nmetrics, 1);
    CU_ASSERT_EQUAL(c.metrics[0].kind, HPA_RESOURCE_CPU);
    CU_ASSERT_EQUAL(c.metrics[0].target, 80);
    CU_ASSERT_EQUAL(c.tolerance, 0.1);
    CU_ASSERT_EQUAL(c.cpu_initialization_s, 300);
    CU_ASSERT_EQUAL(c.initial_readiness_delay_s, 30);
    CU_ASSERT_EQUAL(c.sync_s, 15);
    CU_ASSERT_EQUAL(c.up.stabilization_s, 0);
    CU_ASSERT_EQUAL(c.down.stabilization_s, 300);
    CU_ASSERT_EQUAL(c.up.npol, 2);
    CU_ASSERT_EQUAL(c.down.npol, 1);
    char why[256];
    /* maxReplicas is required. */
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "maxReplicas 0"));
    c.max_replicas = 10;
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), 0);
    c.metrics[0].target = 62.5;
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "whole percent"));
    c.metrics[0].target = 60;
    c.down.stabilization_s = 3601;
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "scaleDown stabilization window 3601 s"));
    /* The longest window must fit the history: 3600 s at 15 s syncs does, at 1 s not. */
    c.down.stabilization_s = 3600;
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), 0);
    c.sync_s = 1;
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "spans more than"));
    c.sync_s = 15;
    c.up.pol[1].period_s = 0;
    CU_ASSERT_EQUAL(hpa_cfg_check(&c, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "scaleUp policy 2 period 0 s"));
}

static void a_day_of_syncs_keeps_the_history_bounded(void)
{
    /* 5760 syncs (a day) alternating high and low load with a 3600 s window: the rings
     * stay within HPA_HISTORY (an overflow would abort) and the replica count stays in
     * min..max. */
    struct hpa_cfg c = cpu_cfg(50);
    c.down.stabilization_s = 3600;
    c.up.pol[0].period_s = 1800;
    struct hpa_state s;
    hpa_state_init(&s, &c);
    struct hpa_pod p[100];
    int cur = 4;
    for (int i = 0; i < 5760; i++) {
        at_ratio(p, cur, (i / 40) % 2 ? 0.2 : 3);
        struct hpa_decision d;
        hpa_decide(&s, &c, NOW + 15.0 * i, cur, p, cur, NULL, &d);
        cur = d.desired;
        CU_ASSERT(cur >= 1 && cur <= 100);
    }
    CU_ASSERT(s.recs.len <= 3600 / 15 + 1);
}

static CU_TestInfo hpa_tests[] = {
    {"tolerance_0_1_keeps_1_09_and_follows_1_11", tolerance_0_1_keeps_1_09_and_follows_1_11},
    {"desired_is_ceil_of_ready_times_metric_over_target",
     desired_is_ceil_of_ready_times_metric_over_target},
    {"missing_metrics_count_zero_on_scale_up", missing_metrics_count_zero_on_scale_up},
    {"missing_metrics_count_full_on_scale_down", missing_metrics_count_full_on_scale_down},
    {"unready_pods_count_zero_on_scale_up_only", unready_pods_count_zero_on_scale_up_only},
    {"cpu_samples_of_young_or_never_ready_pods_are_distrusted",
     cpu_samples_of_young_or_never_ready_pods_are_distrusted},
    {"direction_flip_keeps_current", direction_flip_keeps_current},
    {"scale_down_waits_for_the_300_s_window", scale_down_waits_for_the_300_s_window},
    {"first_sync_remembers_the_current_size", first_sync_remembers_the_current_size},
    {"scale_up_limit_doubles_or_adds_four_per_15_s", scale_up_limit_doubles_or_adds_four_per_15_s},
    {"scale_up_period_counts_the_events_within_it", scale_up_period_counts_the_events_within_it},
    {"select_policy_max_min_disabled", select_policy_max_min_disabled},
    {"scale_down_percent_policy_per_period", scale_down_percent_policy_per_period},
    {"replicas_outside_min_max_are_brought_in", replicas_outside_min_max_are_brought_in},
    {"largest_proposal_of_several_metrics_wins", largest_proposal_of_several_metrics_wins},
    {"defaults_and_config_checks", defaults_and_config_checks},
    {"a_day_of_syncs_keeps_the_history_bounded", a_day_of_syncs_keeps_the_history_bounded},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_hpa_suites[] = {
    {"hpa", NULL, NULL, NULL, NULL, hpa_tests},
    CU_SUITE_INFO_NULL,
};
