/* The Horizontal Pod Autoscaler's decision (docs/eks.md "Horizontal Pod Autoscaler").
 * Function by function this follows the controller: groupPods, GetResourceReplicas,
 * calcPlainMetricReplicas and GetExternalPerPodMetricReplicas (replica_calculator.go),
 * computeReplicasForMetrics, reconcileAutoscaler, stabilizeRecommendationWithBehaviors,
 * convertDesiredReplicasWithBehaviorRate and the two rate limits (horizontal.go). */
#include "models/kube/hpa.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/xalloc.h"

void hpa_cfg_default(struct hpa_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->min_replicas = 1; /* minReplicas "defaults to 1 pod" (API reference) */
    c->max_replicas = 0; /* maxReplicas is required: no default */
    /* "If not set, the default metric will be set to 80% average CPU utilization." */
    c->metrics[0] = (struct hpa_metric){HPA_RESOURCE_CPU, "cpu", 80};
    c->nmetrics = 1;
    /* kube-controller-manager flags: --horizontal-pod-autoscaler-tolerance=0.1,
     * -cpu-initialization-period=5m, -initial-readiness-delay=30s, -sync-period=15s. */
    c->tolerance = 0.1;
    c->cpu_initialization_s = 300;
    c->initial_readiness_delay_s = 30;
    c->sync_s = 15;
    /* The default behavior (kubernetes.io HPA page, "Default Behavior"; API defaults.go
     * GenerateHPAScaleUpRules / GenerateHPAScaleDownRules). */
    c->up.stabilization_s = 0;
    c->up.select = HPA_SELECT_MAX;
    c->up.pol[0] = (struct hpa_policy){HPA_POLICY_PERCENT, 100, 15};
    c->up.pol[1] = (struct hpa_policy){HPA_POLICY_PODS, 4, 15};
    c->up.npol = 2;
    c->down.stabilization_s = 300; /* --horizontal-pod-autoscaler-downscale-stabilization */
    c->down.select = HPA_SELECT_MAX;
    c->down.pol[0] = (struct hpa_policy){HPA_POLICY_PERCENT, 100, 15};
    c->down.npol = 1;
}

static double rules_longest_period(const struct hpa_rules *r)
{
    double p = 0;
    for (int i = 0; i < r->npol; i++)
        p = fmax(p, r->pol[i].period_s);
    return p;
}

static int check_rules(const struct hpa_rules *r, const char *dir, double sync_s, char *why,
                       size_t n)
{
    /* Ranges of the autoscaling/v2 API validation: window 0..3600 s, period 1..1800 s. */
    if (!(r->stabilization_s >= 0 && r->stabilization_s <= 3600)) {
        snprintf(why, n, "%s stabilization window %g s: expected 0 to 3600 s", dir,
                 r->stabilization_s);
        return -1;
    }
    if (r->select != HPA_SELECT_MAX && r->select != HPA_SELECT_MIN &&
        r->select != HPA_SELECT_DISABLED) {
        snprintf(why, n, "%s selectPolicy %d: expected Max, Min or Disabled", dir,
                 (int)r->select);
        return -1;
    }
    int lo = r->select == HPA_SELECT_DISABLED ? 0 : 1;
    if (r->npol < lo || r->npol > HPA_MAX_POLICIES) {
        snprintf(why, n, "%s has %d policies: expected %d to %d", dir, r->npol, lo,
                 HPA_MAX_POLICIES);
        return -1;
    }
    for (int i = 0; i < r->npol; i++) {
        const struct hpa_policy *p = &r->pol[i];
        if (p->type != HPA_POLICY_PODS && p->type != HPA_POLICY_PERCENT) {
            snprintf(why, n, "%s policy %d type %d: expected Pods or Percent", dir, i + 1,
                     (int)p->type);
            return -1;
        }
        if (p->value <= 0) {
            snprintf(why, n, "%s policy %d value %d: expected more than 0", dir, i + 1,
                     p->value);
            return -1;
        }
        if (!(p->period_s > 0 && p->period_s <= 1800)) {
            snprintf(why, n, "%s policy %d period %g s: expected more than 0 and at most 1800 s",
                     dir, i + 1, p->period_s);
            return -1;
        }
    }
    /* One recommendation and at most one scale event per sync stay in the rings while their
     * window or period lasts. */
    double span = fmax(r->stabilization_s, rules_longest_period(r));
    if (floor(span / sync_s) + 2 > HPA_HISTORY) {
        snprintf(why, n,
                 "%s window or period %g s spans more than %d syncs of %g s: expected a "
                 "longer sync period or a shorter window",
                 dir, span, HPA_HISTORY - 2, sync_s);
        return -1;
    }
    return 0;
}

int hpa_cfg_check(const struct hpa_cfg *c, char *why, size_t n)
{
    if (c->min_replicas < 1) {
        snprintf(why, n, "minReplicas %d: expected at least 1 (scaling to zero is left out)",
                 c->min_replicas);
        return -1;
    }
    if (c->max_replicas < c->min_replicas) {
        snprintf(why, n, "maxReplicas %d: expected at least minReplicas (%d)", c->max_replicas,
                 c->min_replicas);
        return -1;
    }
    if (c->nmetrics < 1 || c->nmetrics > HPA_MAX_METRICS) {
        snprintf(why, n, "%d metrics: expected 1 to %d", c->nmetrics, HPA_MAX_METRICS);
        return -1;
    }
    for (int i = 0; i < c->nmetrics; i++) {
        const struct hpa_metric *m = &c->metrics[i];
        if (!m->name || !*m->name) {
            snprintf(why, n, "metric %d has no name", i + 1);
            return -1;
        }
        if (m->kind != HPA_RESOURCE_CPU && m->kind != HPA_PODS && m->kind != HPA_EXTERNAL) {
            snprintf(why, n, "metric %s kind %d: expected cpu, pods or external", m->name,
                     (int)m->kind);
            return -1;
        }
        if (!(m->target > 0) || !isfinite(m->target)) {
            snprintf(why, n, "metric %s target %g: expected more than 0", m->name, m->target);
            return -1;
        }
        /* averageUtilization is an int32 percentage. */
        if (m->kind == HPA_RESOURCE_CPU && (m->target != floor(m->target) || m->target > 1e9)) {
            snprintf(why, n, "metric %s target %g: a CPU utilization is a whole percent",
                     m->name, m->target);
            return -1;
        }
    }
    if (!(c->tolerance >= 0)) {
        snprintf(why, n, "tolerance %g: expected 0 or more", c->tolerance);
        return -1;
    }
    if (!(c->cpu_initialization_s >= 0) || !(c->initial_readiness_delay_s >= 0)) {
        snprintf(why, n, "CPU initialization period %g s / initial readiness delay %g s: "
                 "expected 0 or more", c->cpu_initialization_s, c->initial_readiness_delay_s);
        return -1;
    }
    if (!(c->sync_s > 0)) {
        snprintf(why, n, "sync period %g s: expected more than 0", c->sync_s);
        return -1;
    }
    if (check_rules(&c->up, "scaleUp", c->sync_s, why, n) ||
        check_rules(&c->down, "scaleDown", c->sync_s, why, n))
        return -1;
    return 0;
}

void hpa_state_init(struct hpa_state *s, const struct hpa_cfg *c)
{
    (void)c;
    memset(s, 0, sizeof *s);
    s->last_s = -HUGE_VAL;
}

/* ---- history rings ---- */

static const struct hpa_stamped *ring_at(const struct hpa_ring *r, int i)
{
    return &r->e[(r->head + i) % HPA_HISTORY];
}

/* Drop the entries at or before cutoff (they no longer count in any window), then append. */
static void ring_push(struct hpa_ring *r, double cutoff_s, double t_s, int n)
{
    while (r->len > 0 && r->e[r->head].t_s <= cutoff_s) {
        r->head = (r->head + 1) % HPA_HISTORY;
        r->len--;
    }
    ELB_ASSERT(r->len < HPA_HISTORY); /* hpa_cfg_check bounds the entries per window */
    r->e[(r->head + r->len) % HPA_HISTORY] = (struct hpa_stamped){t_s, n};
    r->len++;
}

/* getReplicasChangePerPeriod: the changes of the events after now - period. */
static int ring_sum_after(const struct hpa_ring *r, double cutoff_s)
{
    int sum = 0;
    for (int i = 0; i < r->len; i++)
        if (ring_at(r, i)->t_s > cutoff_s)
            sum += ring_at(r, i)->n;
    return sum;
}

/* ---- one metric ---- */

/* A value in milli-units, as resource.Quantity.MilliValue() gives it (rounded up); the
 * small allowance keeps 0.3 cores at 300m despite binary fractions. */
static int64_t milli(double x)
{
    return (int64_t)ceil(x * 1000.0 - 1e-6);
}

/* A whole replica count, saturating like the controller's int32 caps (a metric far above
 * its target must not overflow). */
static int to_int(double x)
{
    return x >= INT_MAX ? INT_MAX : x <= -INT_MAX ? -INT_MAX : (int)x;
}

/* Tolerances.isWithin. */
static bool within(const struct hpa_cfg *c, double ratio)
{
    return 1.0 - c->tolerance <= ratio && ratio <= 1.0 + c->tolerance;
}

enum pod_group { POD_IGNORED, POD_UNREADY, POD_MISSING, POD_READY };

/* groupPods for metric k. */
static enum pod_group group_pod(const struct hpa_cfg *c, const struct hpa_pod *p, int k,
                                double now_s)
{
    if (p->deleting)
        return POD_IGNORED;
    if (p->pending)
        return POD_UNREADY;
    if (!p->has_metric[k])
        return POD_MISSING;
    if (c->metrics[k].kind == HPA_RESOURCE_CPU) {
        bool unready;
        if (p->start_s + c->cpu_initialization_s > now_s)
            /* Still initializing: distrust a sample taken before a full window since the
             * last Ready transition. */
            unready = !p->ready || p->metric_time_s[k] < p->ready_change_s + p->metric_window_s;
        else
            /* Unready and never became ready within the initial readiness delay. */
            unready = !p->ready && p->start_s + c->initial_readiness_delay_s > p->ready_change_s;
        if (unready)
            return POD_UNREADY;
    }
    return POD_READY;
}

/* The sums over the pods that count: metric values (milli) and, for CPU, requests (milli). */
struct sums {
    int64_t value_m, request_m;
    int n;
};

static void sums_add(struct sums *s, int64_t value_m, int64_t request_m)
{
    s->value_m += value_m;
    s->request_m += request_m;
    s->n++;
}

/* GetResourceUtilizationRatio (utilization in whole percent, truncated) or
 * GetMetricUsageRatio (average in milli-units, truncated); *shown gets the current value. */
static double usage_ratio(bool cpu, const struct sums *s, int64_t target, int64_t *shown)
{
    *shown = cpu ? (s->value_m * 100) / s->request_m : s->value_m / s->n;
    return (double)*shown / (double)target;
}

struct proposal {
    bool ok;
    int replicas;
    double value; /* as the status shows it */
};

/* GetResourceReplicas (CPU) and calcPlainMetricReplicas (Pods) share this shape. */
static struct proposal pod_metric(const struct hpa_cfg *c, int k, double now_s, int current,
                                  const struct hpa_pod *pods, int npods)
{
    struct proposal out = {false, 0, 0};
    const struct hpa_metric *m = &c->metrics[k];
    bool cpu = m->kind == HPA_RESOURCE_CPU;
    int64_t target = cpu ? (int64_t)m->target : milli(m->target);
    if (npods == 0)
        return out; /* "no pods returned by selector while calculating replica count" */
    struct sums ready = {0, 0, 0};
    int nunready = 0, nmissing = 0;
    for (int i = 0; i < npods; i++) {
        const struct hpa_pod *p = &pods[i];
        if (cpu && !(p->cpu_request > 0))
            return out; /* "missing request for cpu" (every listed pod needs one) */
        enum pod_group g = group_pod(c, p, k, now_s);
        if (g == POD_READY)
            sums_add(&ready, milli(p->value[k]), cpu ? milli(p->cpu_request) : 0);
        nunready += g == POD_UNREADY;
        nmissing += g == POD_MISSING;
    }
    if (ready.n == 0)
        return out; /* "did not receive metrics for targeted pods (pods might be unready)" */
    int64_t shown;
    double ratio = usage_ratio(cpu, &ready, target, &shown);
    out.ok = true;
    out.value = cpu ? (double)shown : (double)shown / 1000.0;
    bool up_with_unready = nunready > 0 && ratio > 1.0;
    if (!up_with_unready && nmissing == 0) {
        out.replicas = within(c, ratio) ? current : to_int(ceil(ratio * ready.n));
        return out;
    }
    /* The conservative recomputation: missing pods count at the target (scale down; for CPU
     * max(100 %, target) of their request) or at 0 (scale up), unready pods at 0 on a scale
     * up; they then count in the pod number too. */
    struct sums all = ready;
    for (int i = 0; i < npods; i++) {
        const struct hpa_pod *p = &pods[i];
        enum pod_group g = group_pod(c, p, k, now_s);
        int64_t req = cpu ? milli(p->cpu_request) : 0;
        if (g == POD_MISSING && ratio < 1.0) {
            int64_t fallback = target > 100 ? target : 100;
            sums_add(&all, cpu ? req * fallback / 100 : target, req);
        } else if ((g == POD_MISSING && ratio > 1.0) || (g == POD_UNREADY && up_with_unready)) {
            sums_add(&all, 0, req);
        }
    }
    int64_t unused;
    double new_ratio = usage_ratio(cpu, &all, target, &unused);
    if (within(c, new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
        (ratio > 1.0 && new_ratio < 1.0)) {
        out.replicas = current; /* too small a change, or the direction flipped */
        return out;
    }
    int n = to_int(ceil(new_ratio * all.n));
    if ((new_ratio < 1.0 && n > current) || (new_ratio > 1.0 && n < current))
        n = current; /* the larger pod count would turn the direction */
    out.replicas = n;
    return out;
}

/* GetExternalPerPodMetricReplicas: the total over the target per pod, compared with the
 * replicas the workload's status counts (pods not being deleted). */
static struct proposal external_metric(const struct hpa_cfg *c, int k, const struct hpa_pod *pods,
                                       int npods, const double *external_value)
{
    struct proposal out = {false, 0, 0};
    if (!external_value || isnan(external_value[k]))
        return out;
    int64_t total = milli(external_value[k]);
    int64_t target = milli(c->metrics[k].target);
    int status = 0;
    for (int i = 0; i < npods; i++)
        status += !pods[i].deleting;
    out.ok = true;
    out.replicas = status;
    if (status == 0 || !within(c, (double)total / ((double)target * status)))
        out.replicas = to_int(ceil((double)total / (double)target));
    out.value = status ? ceil((double)total / status) / 1000.0 : (double)total / 1000.0;
    return out;
}

static const char *const fail_reason[] = {
    [HPA_RESOURCE_CPU] = "FailedGetResourceMetric",
    [HPA_PODS] = "FailedGetPodsMetric",
    [HPA_EXTERNAL] = "FailedGetExternalMetric",
};

/* The metric's name as the controller's events spell it. */
static void metric_label(const struct hpa_metric *m, char *buf, size_t n)
{
    switch (m->kind) {
    case HPA_RESOURCE_CPU:
        snprintf(buf, n, "%s resource utilization (percentage of request)", m->name);
        break;
    case HPA_PODS:
        snprintf(buf, n, "pods metric %s", m->name);
        break;
    case HPA_EXTERNAL: /* the selector prints as (nil): elbsim has none */
        snprintf(buf, n, "external metric %s(nil)", m->name);
        break;
    }
}

/* computeReplicasForMetrics: the largest proposal; -1 if the metrics cannot decide. */
static int metrics_replicas(const struct hpa_cfg *c, double now_s, int current,
                            const struct hpa_pod *pods, int npods, const double *external_value,
                            struct hpa_decision *out)
{
    int replicas = 0, invalid = 0;
    const char *first_fail = NULL;
    for (int k = 0; k < c->nmetrics; k++) {
        struct proposal p = c->metrics[k].kind == HPA_EXTERNAL
                                ? external_metric(c, k, pods, npods, external_value)
                                : pod_metric(c, k, now_s, current, pods, npods);
        out->valid[k] = p.ok;
        out->value[k] = p.value;
        out->proposal[k] = p.replicas;
        if (!p.ok) {
            if (!first_fail)
                first_fail = fail_reason[c->metrics[k].kind];
            invalid++;
            continue;
        }
        if (replicas == 0 || p.replicas > replicas) {
            replicas = p.replicas;
            out->metric = k;
        }
    }
    /* All invalid, or some invalid while the others would scale down: no decision. */
    if (invalid >= c->nmetrics || (invalid > 0 && replicas < current)) {
        out->active = first_fail;
        out->metric = -1;
        return -1;
    }
    out->active = "ValidMetricFound";
    return replicas;
}

/* ---- behavior ---- */

/* stabilizeRecommendationWithBehaviors: the lowest recommendation of the up window and the
 * highest of the down window bound the result; the raw one is recorded. */
static int stabilize(struct hpa_state *s, const struct hpa_cfg *c, double now_s, int current,
                     int desired)
{
    int up = desired, down = desired;
    double up_cut = now_s - c->up.stabilization_s, down_cut = now_s - c->down.stabilization_s;
    for (int i = 0; i < s->recs.len; i++) {
        const struct hpa_stamped *r = ring_at(&s->recs, i);
        if (r->t_s > up_cut && r->n < up)
            up = r->n;
        if (r->t_s > down_cut && r->n > down)
            down = r->n;
    }
    int rec = current;
    if (rec < up)
        rec = up;
    if (rec > down)
        rec = down;
    ring_push(&s->recs, fmin(up_cut, down_cut), now_s, desired);
    return rec;
}

/* The replicas at the start of the policy's period: now, minus what was added, plus what
 * was removed since. */
static int period_start(const struct hpa_state *s, double now_s, int current,
                        const struct hpa_policy *p)
{
    double cut = now_s - p->period_s;
    return current - ring_sum_after(&s->ups, cut) + ring_sum_after(&s->downs, cut);
}

/* calculateScaleUpLimitWithScalingRules */
static int scale_up_limit(const struct hpa_state *s, const struct hpa_rules *r, double now_s,
                          int current)
{
    if (r->select == HPA_SELECT_DISABLED)
        return current;
    bool pick_min = r->select == HPA_SELECT_MIN;
    int result = pick_min ? INT_MAX : INT_MIN;
    for (int i = 0; i < r->npol; i++) {
        int start = period_start(s, now_s, current, &r->pol[i]);
        int proposed = r->pol[i].type == HPA_POLICY_PODS
                           ? start + r->pol[i].value
                           /* rounded up, or a small percentage would never add a pod */
                           : to_int(ceil(start * (1 + r->pol[i].value / 100.0)));
        result = pick_min ? (proposed < result ? proposed : result)
                          : (proposed > result ? proposed : result);
    }
    return result;
}

/* calculateScaleDownLimitWithBehaviors */
static int scale_down_limit(const struct hpa_state *s, const struct hpa_rules *r, double now_s,
                            int current)
{
    if (r->select == HPA_SELECT_DISABLED)
        return current;
    bool pick_min = r->select == HPA_SELECT_MIN; /* the smallest change: the highest floor */
    int result = pick_min ? INT_MIN : INT_MAX;
    for (int i = 0; i < r->npol; i++) {
        int start = period_start(s, now_s, current, &r->pol[i]);
        int proposed = r->pol[i].type == HPA_POLICY_PODS
                           ? start - r->pol[i].value
                           : to_int(trunc(start * (1 - r->pol[i].value / 100.0))); /* down */
        result = pick_min ? (proposed > result ? proposed : result)
                          : (proposed < result ? proposed : result);
    }
    return result;
}

/* convertDesiredReplicasWithBehaviorRate: the rate limits, then minReplicas/maxReplicas. */
static int rate_limit(const struct hpa_state *s, const struct hpa_cfg *c, double now_s,
                      int current, int desired, struct hpa_decision *out)
{
    out->limited = "DesiredWithinRange";
    if (desired > current) {
        int limit = scale_up_limit(s, &c->up, now_s, current);
        if (limit < current)
            limit = current;
        int allowed = c->max_replicas;
        const char *why = "TooManyReplicas";
        if (allowed > limit) {
            allowed = limit;
            why = "ScaleUpLimit";
        }
        if (desired > allowed) {
            out->limited = why;
            return allowed;
        }
    } else if (desired < current) {
        int limit = scale_down_limit(s, &c->down, now_s, current);
        if (limit > current)
            limit = current;
        int allowed = c->min_replicas;
        const char *why = "TooFewReplicas";
        if (allowed < limit) {
            allowed = limit;
            why = "ScaleDownLimit";
        }
        if (desired < allowed) {
            out->limited = why;
            return allowed;
        }
    }
    return desired;
}

static double events_horizon(const struct hpa_cfg *c, double now_s)
{
    return now_s - fmax(rules_longest_period(&c->up), rules_longest_period(&c->down));
}

void hpa_decide(struct hpa_state *s, const struct hpa_cfg *c, double now_s, int current_replicas,
                const struct hpa_pod *pods, int npods, const double *external_value,
                struct hpa_decision *out)
{
    ELB_ASSERT(now_s >= s->last_s);
    ELB_ASSERT(current_replicas >= 0 && npods >= 0);
    memset(out, 0, sizeof *out);
    out->metric = -1;
    out->able = "SucceededGetScale";
    int current = current_replicas;
    /* recordInitialRecommendation: the first sync remembers the current size, so the first
     * 300 s cannot scale below it. */
    if (s->last_s == -HUGE_VAL)
        ring_push(&s->recs, -HUGE_VAL, now_s, current);
    s->last_s = now_s;

    int desired;
    if (current == 0 && c->min_replicas != 0) {
        out->active = "ScalingDisabled"; /* "scaling is disabled since the replica count of
                                          * the target is zero" */
        out->desired = 0;
        return;
    } else if (current > c->max_replicas) {
        snprintf(out->reason, sizeof out->reason,
                 "Current number of replicas above Spec.MaxReplicas");
        desired = c->max_replicas;
    } else if (current < c->min_replicas) {
        snprintf(out->reason, sizeof out->reason,
                 "Current number of replicas below Spec.MinReplicas");
        desired = c->min_replicas;
    } else {
        int metric_desired =
            metrics_replicas(c, now_s, current, pods, npods, external_value, out);
        if (metric_desired < 0) {
            out->desired = current; /* FailedComputeMetricsReplicas: nothing this sync */
            return;
        }
        desired = 0;
        char label[96] = "";
        if (metric_desired > desired) {
            desired = metric_desired;
            metric_label(&c->metrics[out->metric], label, sizeof label);
        }
        if (desired > current)
            snprintf(out->reason, sizeof out->reason, "%s above target", label);
        if (desired < current)
            snprintf(out->reason, sizeof out->reason, "All metrics below target");
        /* normalizeDesiredReplicasWithBehaviors */
        int stable = stabilize(s, c, now_s, current, desired);
        if (stable != desired)
            out->able = desired >= current ? "ScaleUpStabilized" : "ScaleDownStabilized";
        else
            out->able = "ReadyForNewScale";
        desired = rate_limit(s, c, now_s, current, stable, out);
    }
    out->desired = desired;
    out->rescale = desired != current;
    if (out->rescale) {
        out->able = "SucceededRescale"; /* after the scale update */
        /* storeScaleEvent: the change, for the policies' periods. */
        double horizon = events_horizon(c, now_s);
        if (desired > current)
            ring_push(&s->ups, horizon, now_s, desired - current);
        else
            ring_push(&s->downs, horizon, now_s, current - desired);
    }
}

int hpa_event_text(const struct hpa_decision *d, char *buf, size_t n)
{
    if (!d->rescale) {
        if (n)
            buf[0] = '\0';
        return 0;
    }
    return snprintf(buf, n, "New size: %d; reason: %s", d->desired, d->reason);
}
