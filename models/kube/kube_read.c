/* Reading, writing back and freeing an `eks_clusters:` entry (models/kube/kube_cfg.h). */
#include "models/kube/kube_cfg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/core/cfg_read.h"
#include "models/scaling/metrics.h"
#include "models/scaling/scaling.h"
#include "sim/dist.h"
#include "sim/units.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const cluster_keys[] = {
    "name", "zones", "node_groups", "node_launch", "image_pull", "autoscaler",
    "cluster_autoscaler", "karpenter", "deployments", "fargate_profiles", "fargate_start", NULL};
static const char *const profile_keys[] = {"name", "deployments", NULL};
static const char *const group_keys[] = {"name", "instance_type", "min", "max", "desired",
                                         "zones", "priority", "max_pods", NULL};
static const char *const pull_keys[] = {"throughput", "latency", NULL};
static const char *const ca_keys[] = {
    "scan_interval", "expander", "scale_down_enabled", "scale_down_utilization_threshold",
    "scale_down_unneeded_time", "scale_down_delay_after_add", "scale_down_delay_after_delete",
    "max_empty_bulk_delete", "max_nodes_total", NULL};
static const char *const karp_keys[] = {"instance_types", "batch_idle_duration",
                                        "batch_max_duration", "consolidation_policy",
                                        "consolidate_after", "budget", NULL};
static const char *const deploy_keys[] = {
    "name", "replicas", "target_groups", "target_type", "external_traffic_policy",
    "readiness_gate", "resources",
    "speed", "discipline", "queue_limit", "image", "container_start", "app_start",
    "readiness_probe", "termination_grace_period", "topology_spread", "metrics_server",
    "hpa", "safe_to_evict", NULL};
static const char *const res_keys[] = {"requests", "limits", NULL};
static const char *const req_keys[] = {"cpu", "memory", NULL};
static const char *const image_keys[] = {"name", "size", NULL};
static const char *const probe_keys[] = {"initial_delay", "period", "timeout", "success_threshold",
                                         "failure_threshold", NULL};
static const char *const ms_keys[] = {"resolution", NULL};
static const char *const hpa_keys[] = {"min_replicas", "max_replicas", "metrics", "behavior",
                                       "tolerance", "cpu_initialization_period",
                                       "initial_readiness_delay", "sync_period", NULL};
static const char *const metric_keys[] = {"type", "target", "name", "period", "delay", NULL};
static const char *const behavior_keys[] = {"scale_up", "scale_down", NULL};
static const char *const rules_keys[] = {"stabilization_window", "select_policy", "policies",
                                         NULL};
static const char *const policy_keys[] = {"type", "value", "period", NULL};

static const char *const expanders[] = {"random", "least-waste", "priority", NULL};

/* A Kubernetes CPU quantity: "2", "0.5", "500m". */
static int read_cpu(struct cfg_read *r, const struct ytree *m, const char *key, double *out,
                    char **text)
{
    const struct ytree *v;
    if (yread_scalar_at(&r->y, m, key, &v))
        return -1;
    if (!v)
        return 0;
    const char *t = v->text;
    size_t n = strlen(t);
    double scale = 1;
    if (n > 1 && t[n - 1] == 'm') {
        scale = 1e-3;
        n--;
    }
    const char *why;
    double x;
    if (sim_units_parse(t, n, SIM_UNIT_NONE, &x, &why) || !(x > 0) || !isfinite(x))
        return yread_error(&r->y, &v->loc, "bad value '%s' for %s: expected a CPU quantity "
                                           "greater than zero: cores (2, 0.5) or millicores "
                                           "(500m)",
                           t, key);
    *out = x * scale;
    free(*text);
    *text = xstrdup(t); /* written back as written: exact */
    return 0;
}

/* A Kubernetes memory quantity ("512Mi", "1Gi", "1G", "300M") or an elbsim size
 * ("512MiB", "1GB"), in GB. */
static int read_mem(struct cfg_read *r, const struct ytree *m, const char *key, double *out_gb,
                    char **text)
{
    const struct ytree *v;
    if (yread_scalar_at(&r->y, m, key, &v))
        return -1;
    if (!v)
        return 0;
    static const struct { const char *suf; double mul; } k8s[] = {
        {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0},
        {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {NULL, 0}};
    const char *t = v->text;
    size_t n = strlen(t);
    double x;
    const char *why;
    for (int i = 0; k8s[i].suf; i++) {
        size_t s = strlen(k8s[i].suf);
        if (n > s && !strcmp(t + n - s, k8s[i].suf) &&
            !sim_units_parse(t, n - s, SIM_UNIT_NONE, &x, &why)) {
            if (!(x > 0) || !isfinite(x))
                break;
            *out_gb = x * k8s[i].mul / 1e9;
            free(*text);
            *text = xstrdup(t);
            return 0;
        }
    }
    if (!sim_units_parse(t, n, SIM_UNIT_BYTES, &x, &why) && x > 0 && isfinite(x)) {
        *out_gb = x / 1e9;
        free(*text);
        *text = xstrdup(t);
        return 0;
    }
    return yread_error(&r->y, &v->loc, "bad value '%s' for %s: expected a memory quantity "
                                       "greater than zero (512Mi, 1Gi, 1G, 512MiB)",
                       t, key);
}

static int read_choice(struct cfg_read *r, const struct ytree *m, const char *key,
                       const char *const *names, int *out)
{
    const struct ytree *v;
    if (yread_scalar_at(&r->y, m, key, &v))
        return -1;
    if (!v)
        return 0;
    for (int i = 0; names[i]; i++)
        if (!strcmp(v->text, names[i])) {
            *out = i;
            return 0;
        }
    char list[256] = "";
    size_t u = 0;
    for (int i = 0; names[i] && u < sizeof list; i++)
        u += (size_t)snprintf(list + u, sizeof list - u, "%s%s", i ? ", " : "", names[i]);
    return yread_error(&r->y, &v->loc, "unknown %s '%s'; expected one of: %s", key, v->text,
                       list);
}

static void read_group(struct cfg_read *r, const struct ytree *m, struct kube_node_group_cfg *c,
                       struct sc_kube_group *g)
{
    if (yread_keys(&r->y, m, "a node group", group_keys))
        return;
    yread_string(&r->y, m, "name", &g->name);
    g->loc = m->loc;
    if (ytree_get(m, "instance_type"))
        g->type_loc = ytree_get(m, "instance_type")->loc;
    kube_node_group_cfg_default(c, g->name ? g->name : "nodes");
    if (!yread_require(&r->y, m, "instance_type", "a node group"))
        yread_string(&r->y, m, "instance_type", &g->instance_type);
    c->instance_type = g->instance_type;
    if (!ytree_get(m, "desired")) {
        if (scaling_capacity_read(m, "min", "max", NULL, &c->min, &c->max, NULL))
            yread_fail(&r->y);
        c->desired = c->min;
    } else if (scaling_capacity_read(m, "min", "max", "desired", &c->min, &c->max,
                                     &c->desired)) {
        yread_fail(&r->y);
    }
    const struct ytree *z = yread_list(&r->y, m, "zones");
    if (z) {
        cfg_read_zone_list(r, z, &g->zones, &c->nzones);
        c->zones = g->zones;
    }
    yread_int(&r->y, m, "priority", -1000000, 1000000, &c->priority);
    yread_int(&r->y, m, "max_pods", 0, 1000, &c->max_pods);
}

static void read_rules(struct cfg_read *r, const struct ytree *m, struct hpa_rules *ru)
{
    if (yread_keys(&r->y, m, "scaling rules", rules_keys))
        return;
    yread_zero_or_more(&r->y, m, "stabilization_window", SIM_UNIT_SECONDS, &ru->stabilization_s);
    static const char *const sel[] = {"Max", "Min", "Disabled", NULL};
    int s = (int)ru->select;
    if (!read_choice(r, m, "select_policy", sel, &s))
        ru->select = (enum hpa_select)s;
    const struct ytree *pl = yread_list(&r->y, m, "policies");
    if (!pl)
        return;
    if (pl->n > HPA_MAX_POLICIES) {
        yread_error(&r->y, &pl->loc, "at most %d scaling policies, got %zu", HPA_MAX_POLICIES,
                    pl->n);
        return;
    }
    ru->npol = 0;
    for (size_t i = 0; i < pl->n; i++) {
        const struct ytree *p = pl->items[i];
        if (yread_keys(&r->y, p, "a scaling policy", policy_keys))
            continue;
        struct hpa_policy *hp = &ru->pol[ru->npol++];
        *hp = (struct hpa_policy){.type = HPA_POLICY_PODS, .value = 1, .period_s = 15};
        static const char *const types[] = {"Pods", "Percent", NULL};
        int t = 0;
        if (yread_require(&r->y, p, "type", "a scaling policy") == 0 &&
            !read_choice(r, p, "type", types, &t))
            hp->type = t ? HPA_POLICY_PERCENT : HPA_POLICY_PODS;
        yread_int(&r->y, p, "value", 1, 100000, &hp->value);
        yread_positive(&r->y, p, "period", SIM_UNIT_SECONDS, &hp->period_s);
        if (hp->period_s > 1800)
            yread_error(&r->y, &ytree_get(p, "period")->loc,
                        "period must be at most 1800s (Kubernetes' limit), got %gs",
                        hp->period_s);
    }
}

/* An External metric's CloudWatch period and publication delay; other kinds have none. */
static void read_ext_window(struct cfg_read *r, const struct ytree *x, enum hpa_metric_kind kind,
                            double *period_s, double *delay_s)
{
    const char *keys[] = {"period", "delay"};
    for (int i = 0; i < 2; i++)
        if (kind != HPA_EXTERNAL && ytree_get(x, keys[i]))
            yread_error(&r->y, ytree_key_loc(x, keys[i]),
                        "%s is for an External metric (type lb_request_count): the other "
                        "types come from metrics-server (metrics_server.resolution)",
                        keys[i]);
    if (kind != HPA_EXTERNAL)
        return;
    const struct ytree *v = ytree_get(x, "period");
    if (v && yread_positive(&r->y, x, "period", SIM_UNIT_SECONDS, period_s) == 0 &&
        metric_period_check(*period_s, "period", v->text, &v->loc))
        yread_fail(&r->y);
    yread_zero_or_more(&r->y, x, "delay", SIM_UNIT_SECONDS, delay_s);
}

static void read_hpa(struct cfg_read *r, const struct ytree *m, struct kube_deploy_cfg *c,
                     struct sc_kube_deploy *e)
{
    struct hpa_cfg *h = &c->hpa;
    c->has_hpa = true;
    if (yread_keys(&r->y, m, "hpa", hpa_keys))
        return;
    h->min_replicas = 1;
    yread_int(&r->y, m, "min_replicas", 1, 1000000, &h->min_replicas);
    if (!yread_require(&r->y, m, "max_replicas", "hpa"))
        yread_int(&r->y, m, "max_replicas", 1, 1000000, &h->max_replicas);
    yread_zero_or_more(&r->y, m, "tolerance", SIM_UNIT_NONE, &h->tolerance);
    yread_zero_or_more(&r->y, m, "cpu_initialization_period", SIM_UNIT_SECONDS,
                       &h->cpu_initialization_s);
    yread_zero_or_more(&r->y, m, "initial_readiness_delay", SIM_UNIT_SECONDS,
                       &h->initial_readiness_delay_s);
    yread_positive(&r->y, m, "sync_period", SIM_UNIT_SECONDS, &h->sync_s);
    const struct ytree *ms = yread_list(&r->y, m, "metrics");
    if (yread_require(&r->y, m, "metrics", "hpa") == 0 && ms) {
        if (ms->n < 1 || ms->n > HPA_MAX_METRICS) {
            yread_error(&r->y, &ms->loc, "an HPA needs 1 to %d metrics, got %zu",
                        HPA_MAX_METRICS, ms->n);
            return;
        }
        e->metric_names = xcalloc(HPA_MAX_METRICS, sizeof *e->metric_names);
        h->nmetrics = 0;
        for (size_t i = 0; i < ms->n; i++) {
            const struct ytree *x = ms->items[i];
            if (yread_keys(&r->y, x, "an HPA metric", metric_keys))
                continue;
            static const char *const kinds[] = {"cpu", "requests_per_second",
                                                "lb_request_count", NULL};
            static const enum hpa_metric_kind kind_of[] = {HPA_RESOURCE_CPU, HPA_PODS,
                                                           HPA_EXTERNAL};
            int kd = 0;
            struct hpa_metric *hm = &h->metrics[h->nmetrics];
            if (yread_require(&r->y, x, "type", "an HPA metric") ||
                read_choice(r, x, "type", kinds, &kd) ||
                yread_require(&r->y, x, "target", "an HPA metric"))
                continue;
            hm->kind = kind_of[kd];
            yread_positive(&r->y, x, "target", SIM_UNIT_NONE, &hm->target);
            read_ext_window(r, x, hm->kind, &c->ext_period_s[h->nmetrics],
                            &c->ext_delay_s[h->nmetrics]);
            yread_string(&r->y, x, "name", &e->metric_names[h->nmetrics]);
            if (!e->metric_names[h->nmetrics])
                e->metric_names[h->nmetrics] = xstrdup(kinds[kd]);
            hm->name = e->metric_names[h->nmetrics];
            h->nmetrics++;
        }
    }
    const struct ytree *b = ytree_get(m, "behavior");
    if (b && yread_keys(&r->y, b, "behavior", behavior_keys) == 0) {
        const struct ytree *up = ytree_get(b, "scale_up"), *dn = ytree_get(b, "scale_down");
        if (up)
            read_rules(r, up, &h->up);
        if (dn)
            read_rules(r, dn, &h->down);
    }
}

static void read_deploy(struct cfg_read *r, const struct ytree *m, struct kube_deploy_cfg *c,
                        struct sc_kube_deploy *e)
{
    if (yread_keys(&r->y, m, "a deployment", deploy_keys))
        return;
    yread_string(&r->y, m, "name", &e->name);
    e->loc = m->loc;
    static const char *const placed[] = {"resources", "target_type", "hpa"};
    struct loc *where[] = {&e->res_loc, &e->tt_loc, &e->hpa_loc};
    for (int i = 0; i < 3; i++)
        if (ytree_get(m, placed[i]))
            *where[i] = *ytree_key_loc(m, placed[i]);
    kube_deploy_cfg_default(c, e->name ? e->name : "app");
    yread_int(&r->y, m, "replicas", 0, 1000000, &c->replicas);
    const struct ytree *tgs = yread_list(&r->y, m, "target_groups");
    if (tgs) {
        cfg_read_name_list(r, tgs, "a target group name", &e->tg_names, &e->tg_locs, &c->ntgs);
        if (c->ntgs > KUBE_MAX_TGS)
            yread_error(&r->y, &tgs->loc, "a deployment registers with at most %d target "
                                          "groups, got %d",
                        KUBE_MAX_TGS, c->ntgs);
        e->tgs = xcalloc(tgs->n ? tgs->n : 1, sizeof *e->tgs);
        c->tgs = e->tgs;
    }
    static const char *const tt[] = {"ip", "instance", NULL};
    int t = 0;
    if (!read_choice(r, m, "target_type", tt, &t))
        c->target_type = t ? KUBE_TARGET_INSTANCE : KUBE_TARGET_IP;
    static const char *const etp[] = {"Cluster", "Local", NULL};
    int lp = 0;
    if (!read_choice(r, m, "external_traffic_policy", etp, &lp))
        c->local_traffic = lp == 1;
    if (ytree_get(m, "external_traffic_policy") && c->target_type != KUBE_TARGET_INSTANCE)
        yread_error(&r->y, ytree_key_loc(m, "external_traffic_policy"),
                    "external_traffic_policy is for target_type instance (a NodePort "
                    "service); with ip the load balancer sends to the pods themselves");
    yread_bool(&r->y, m, "readiness_gate", &c->readiness_gate);
    yread_bool(&r->y, m, "safe_to_evict", &c->safe_to_evict);
    const struct ytree *res = ytree_get(m, "resources");
    if (res && yread_keys(&r->y, res, "resources", res_keys) == 0) {
        const struct ytree *rq = ytree_get(res, "requests"), *lm = ytree_get(res, "limits");
        if (rq && yread_keys(&r->y, rq, "requests", req_keys) == 0) {
            read_cpu(r, rq, "cpu", &c->cpu_request, &e->cpu_text);
            read_mem(r, rq, "memory", &c->mem_request_gb, &e->mem_text);
        }
        if (lm && yread_keys(&r->y, lm, "limits", req_keys) == 0) {
            read_cpu(r, lm, "cpu", &c->cpu_limit, &e->limit_text);
            double ml = 0;
            /* accepted; elbsim does not model OOM kills */
            read_mem(r, lm, "memory", &ml, &e->mem_limit_text);
        }
    }
    yread_positive(&r->y, m, "speed", SIM_UNIT_NONE, &c->speed);
    yread_int(&r->y, m, "queue_limit", 0, 100000000, &c->queue_limit);
    static const char *const disc[] = {"fcfs", "ps", NULL};
    int di = 0;
    if (!read_choice(r, m, "discipline", disc, &di))
        c->discipline = di ? TARGET_PS : TARGET_FCFS;
    const struct ytree *img = ytree_get(m, "image");
    if (img && yread_keys(&r->y, img, "image", image_keys) == 0) {
        yread_string(&r->y, img, "name", &e->image);
        c->image = e->image;
        double bytes = c->image_mb * 1e6;
        if (yread_zero_or_more(&r->y, img, "size", SIM_UNIT_BYTES, &bytes) == 0)
            c->image_mb = bytes / 1e6;
    }
    yread_dist(&r->y, m, "container_start", SIM_UNIT_SECONDS, &e->container_start);
    c->container_start = e->container_start;
    yread_dist(&r->y, m, "app_start", SIM_UNIT_SECONDS, &e->app_start);
    c->app_start = e->app_start;
    const struct ytree *pr = ytree_get(m, "readiness_probe");
    if (pr && yread_keys(&r->y, pr, "readiness_probe", probe_keys) == 0) {
        yread_zero_or_more(&r->y, pr, "initial_delay", SIM_UNIT_SECONDS,
                           &c->probe.initial_delay_s);
        yread_positive(&r->y, pr, "period", SIM_UNIT_SECONDS, &c->probe.period_s);
        yread_positive(&r->y, pr, "timeout", SIM_UNIT_SECONDS, &c->probe.timeout_s);
        yread_int(&r->y, pr, "success_threshold", 1, 1000, &c->probe.success_threshold);
        yread_int(&r->y, pr, "failure_threshold", 1, 1000, &c->probe.failure_threshold);
    }
    yread_zero_or_more(&r->y, m, "termination_grace_period", SIM_UNIT_SECONDS,
                       &c->termination_grace_s);
    static const char *const spread[] = {"none", "zone", NULL};
    int sp = 0;
    if (!read_choice(r, m, "topology_spread", spread, &sp))
        c->spread_zones = sp == 1;
    const struct ytree *msv = ytree_get(m, "metrics_server");
    if (msv && yread_keys(&r->y, msv, "metrics_server", ms_keys) == 0) {
        yread_positive(&r->y, msv, "resolution", SIM_UNIT_SECONDS, &c->metric_resolution_s);
        if (c->metric_resolution_s < 10)
            yread_error(&r->y, &ytree_get(msv, "resolution")->loc,
                        "metrics-server's resolution must be at least 10s, got %gs",
                        c->metric_resolution_s);
    }
    const struct ytree *h = ytree_get(m, "hpa");
    if (h)
        read_hpa(r, h, c, e);
}

int kube_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_kube *e)
{
    struct kube_cluster_cfg *c = &e->cfg;
    int errors = r->y.errors;
    if (yread_keys(&r->y, m, "an EKS cluster", cluster_keys))
        return -1;
    yread_string(&r->y, m, "name", &e->name);
    e->loc = m->loc;
    kube_cluster_cfg_default(c, e->name ? e->name : "cluster");
    const struct ytree *zones = yread_list(&r->y, m, "zones");
    if (zones) {
        cfg_read_zone_list(r, zones, &e->zones, &c->nzones);
        c->zones = e->zones;
    }
    yread_dist(&r->y, m, "node_launch", SIM_UNIT_SECONDS, &e->node_launch);
    c->node_launch = e->node_launch;
    const struct ytree *pull = ytree_get(m, "image_pull");
    if (pull && yread_keys(&r->y, pull, "image_pull", pull_keys) == 0) {
        double bps = c->image_pull_mbps * 1e6;
        if (yread_positive(&r->y, pull, "throughput", SIM_UNIT_BYTES, &bps) == 0)
            c->image_pull_mbps = bps / 1e6;
        yread_zero_or_more(&r->y, pull, "latency", SIM_UNIT_SECONDS, &c->image_pull_latency_s);
    }
    const struct ytree *gs = yread_list(&r->y, m, "node_groups");
    if (gs && !yread_names(&r->y, gs, "node_groups")) {
        e->groups = xcalloc(gs->n ? gs->n : 1, sizeof *e->groups);
        e->g = xcalloc(gs->n ? gs->n : 1, sizeof *e->g);
        for (size_t i = 0; i < gs->n; i++)
            read_group(r, gs->items[i], &e->groups[i], &e->g[i]);
        c->groups = e->groups;
        c->ngroups = (int)gs->n;
    }
    static const char *const as[] = {"none", "cluster_autoscaler", "karpenter", NULL};
    int a = 0;
    if (!read_choice(r, m, "autoscaler", as, &a))
        c->autoscaler = (enum kube_autoscaler)a;
    const struct ytree *ca = ytree_get(m, "cluster_autoscaler");
    if (ca && yread_keys(&r->y, ca, "cluster_autoscaler", ca_keys) == 0) {
        struct ca_cfg *k = &c->ca;
        yread_positive(&r->y, ca, "scan_interval", SIM_UNIT_SECONDS, &k->scan_interval_s);
        int ex = (int)k->expander;
        if (!read_choice(r, ca, "expander", expanders, &ex))
            k->expander = (enum ca_expander)ex;
        yread_bool(&r->y, ca, "scale_down_enabled", &k->scale_down_enabled);
        yread_positive(&r->y, ca, "scale_down_utilization_threshold", SIM_UNIT_NONE,
                       &k->scale_down_utilization_threshold);
        yread_zero_or_more(&r->y, ca, "scale_down_unneeded_time", SIM_UNIT_SECONDS,
                           &k->scale_down_unneeded_s);
        yread_zero_or_more(&r->y, ca, "scale_down_delay_after_add", SIM_UNIT_SECONDS,
                           &k->scale_down_delay_after_add_s);
        yread_zero_or_more(&r->y, ca, "scale_down_delay_after_delete", SIM_UNIT_SECONDS,
                           &k->scale_down_delay_after_delete_s);
        yread_int(&r->y, ca, "max_empty_bulk_delete", 1, 100000, &k->max_empty_bulk_delete);
        yread_int(&r->y, ca, "max_nodes_total", 0, 1000000, &k->max_nodes_total);
        if (k->scale_down_utilization_threshold > 1)
            yread_error(&r->y, &ytree_get(ca, "scale_down_utilization_threshold")->loc,
                        "scale_down_utilization_threshold is a fraction, at most 1, got %g",
                        k->scale_down_utilization_threshold);
    }
    const struct ytree *kp = ytree_get(m, "karpenter");
    if (kp && yread_keys(&r->y, kp, "karpenter", karp_keys) == 0) {
        struct karp_cfg *k = &c->karp;
        const struct ytree *ts = yread_list(&r->y, kp, "instance_types");
        if (ts) {
            struct loc *locs = NULL;
            cfg_read_name_list(r, ts, "an instance type", &e->karp_types, &locs,
                               &c->nkarp_types);
            for (int i = 0; i < c->nkarp_types; i++)
                if (!catalog_find(e->karp_types[i]))
                    yread_error(&r->y, &locs[i], "unknown instance type '%s' (`elbsim list "
                                                 "instance-types`)",
                                e->karp_types[i]);
            free(locs);
            c->karp_types = (const char *const *)e->karp_types;
        }
        yread_zero_or_more(&r->y, kp, "batch_idle_duration", SIM_UNIT_SECONDS,
                           &k->batch_idle_s);
        yread_zero_or_more(&r->y, kp, "batch_max_duration", SIM_UNIT_SECONDS, &k->batch_max_s);
        static const char *const pol[] = {"WhenEmpty", "WhenEmptyOrUnderutilized", NULL};
        int p = (int)k->policy;
        if (!read_choice(r, kp, "consolidation_policy", pol, &p))
            k->policy = (enum karp_consolidation)p;
        yread_zero_or_more(&r->y, kp, "consolidate_after", SIM_UNIT_SECONDS,
                           &k->consolidate_after_s);
        yread_zero_or_more(&r->y, kp, "budget", SIM_UNIT_NONE, &k->budget_pct);
    }
    if (c->autoscaler == KUBE_AS_KARPENTER && c->nkarp_types == 0)
        yread_error(&r->y, &m->loc, "autoscaler karpenter needs karpenter.instance_types: "
                                    "[c5.large, c5.xlarge, ...]");
    const struct ytree *ds = yread_list(&r->y, m, "deployments");
    if (ds && !yread_names(&r->y, ds, "deployments")) {
        e->deploys = xcalloc(ds->n ? ds->n : 1, sizeof *e->deploys);
        e->d = xcalloc(ds->n ? ds->n : 1, sizeof *e->d);
        for (size_t i = 0; i < ds->n; i++)
            read_deploy(r, ds->items[i], &e->deploys[i], &e->d[i]);
        c->deploys = e->deploys;
        c->ndeploys = (int)ds->n;
    }
    yread_dist(&r->y, m, "fargate_start", SIM_UNIT_SECONDS, &e->fargate_start);
    c->fargate_start = e->fargate_start;
    const struct ytree *fps = yread_list(&r->y, m, "fargate_profiles");
    if (fps && !yread_names(&r->y, fps, "fargate_profiles")) {
        e->nprofiles = (int)fps->n;
        e->profiles = xcalloc(fps->n ? fps->n : 1, sizeof *e->profiles);
        for (size_t i = 0; i < fps->n; i++) {
            const struct ytree *fp = fps->items[i];
            struct sc_kube_profile *pr = &e->profiles[i];
            if (yread_keys(&r->y, fp, "a Fargate profile", profile_keys))
                continue;
            yread_string(&r->y, fp, "name", &pr->name);
            const struct ytree *dl = yread_list(&r->y, fp, "deployments");
            if (!dl) {
                yread_error(&r->y, &fp->loc, "a Fargate profile needs deployments: [name, ...] "
                                             "(the pods it selects)");
                continue;
            }
            struct loc *locs = NULL;
            cfg_read_name_list(r, dl, "a deployment name", &pr->deploys, &locs, &pr->ndeploys);
            for (int k = 0; k < pr->ndeploys; k++) {
                int found = -1;
                for (int d = 0; d < c->ndeploys && found < 0; d++)
                    if (e->d[d].name && !strcmp(e->d[d].name, pr->deploys[k]))
                        found = d;
                if (found < 0)
                    yread_error(&r->y, &locs[k], "Fargate profile '%s' selects deployment "
                                                 "'%s', which cluster '%s' does not have",
                                pr->name ? pr->name : "", pr->deploys[k], c->name);
                else {
                    struct kube_deploy_cfg *dc = &e->deploys[found];
                    dc->fargate = true;
                    if (!kube_fargate_size(dc->cpu_request, dc->mem_request_gb,
                                           &dc->fargate_cpu, &dc->fargate_mem_gb))
                        dc->fargate_cpu = dc->fargate_mem_gb = 0; /* kube_cfg_check says */
                }
            }
            free(locs);
        }
    }
    if (r->y.errors == errors) {
        int ng = c->ngroups, nd = c->ndeploys;
        struct loc *l = xcalloc((size_t)(2 * ng + 4 * nd + 1), sizeof *l);
        struct kube_cfg_locs w = {.entry = &e->loc, .group = l, .group_type = l + ng,
                                  .deploy = l + 2 * ng, .resources = l + 2 * ng + nd,
                                  .target_type = l + 2 * ng + 2 * nd,
                                  .hpa = l + 2 * ng + 3 * nd};
        for (int g = 0; g < ng; g++) {
            l[g] = e->g[g].loc;
            l[ng + g] = e->g[g].type_loc;
        }
        for (int d = 0; d < nd; d++) {
            l[2 * ng + d] = e->d[d].loc;
            l[2 * ng + nd + d] = e->d[d].res_loc;
            l[2 * ng + 2 * nd + d] = e->d[d].tt_loc;
            l[2 * ng + 3 * nd + d] = e->d[d].hpa_loc;
        }
        if (kube_cfg_check(c, &w))
            yread_fail(&r->y);
        free(l);
    }
    return r->y.errors > errors ? -1 : 0;
}

static void write_zones(FILE *f, const char *indent, const int *z, int n, char *const *zones)
{
    if (!n)
        return;
    fprintf(f, "%szones: [", indent);
    for (int i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        ywrite_quoted(f, zones[z[i]]);
    }
    fputs("]\n", f);
}

static void write_rules(FILE *f, const char *key, const struct hpa_rules *ru)
{
    static const char *const sel[] = {"Max", "Min", "Disabled"};
    fprintf(f, "            %s:\n              stabilization_window: %.10gs\n"
               "              select_policy: %s\n              policies:\n",
            key, ru->stabilization_s, sel[ru->select]);
    for (int i = 0; i < ru->npol; i++)
        fprintf(f, "                - { type: %s, value: %d, period: %.10gs }\n",
                ru->pol[i].type == HPA_POLICY_PERCENT ? "Percent" : "Pods", ru->pol[i].value,
                ru->pol[i].period_s);
}

static void write_deploy(FILE *f, const struct kube_deploy_cfg *c,
                         const struct sc_kube_deploy *e)
{
    fputs("      - name: ", f);
    ywrite_quoted(f, e->name);
    fprintf(f, "\n        replicas: %d\n        target_groups: [", c->replicas);
    for (int k = 0; k < c->ntgs; k++) {
        fputs(k ? ", " : "", f);
        ywrite_quoted(f, e->tg_names[k]);
    }
    fprintf(f, "]\n        target_type: %s\n",
            c->target_type == KUBE_TARGET_INSTANCE ? "instance" : "ip");
    if (c->target_type == KUBE_TARGET_INSTANCE)
        fprintf(f, "        external_traffic_policy: %s\n", c->local_traffic ? "Local" : "Cluster");
    fprintf(f, "        readiness_gate: %s\n", c->readiness_gate ? "true" : "false");
    fprintf(f, "        safe_to_evict: %s\n", c->safe_to_evict ? "true" : "false");
    /* Quantities as written (exact); the defaults 250m and 512MB otherwise. */
    fprintf(f, "        resources:\n          requests: { cpu: \"%s\", memory: \"%s\" }\n",
            e->cpu_text ? e->cpu_text : "250m", e->mem_text ? e->mem_text : "500MB");
    if (e->limit_text || e->mem_limit_text) {
        fputs("          limits: { ", f);
        if (e->limit_text)
            fprintf(f, "cpu: \"%s\"%s", e->limit_text, e->mem_limit_text ? ", " : "");
        if (e->mem_limit_text)
            fprintf(f, "memory: \"%s\"", e->mem_limit_text);
        fputs(" }\n", f);
    }
    fprintf(f, "        speed: %.10g\n        discipline: %s\n        queue_limit: %d\n",
            c->speed, c->discipline == TARGET_PS ? "ps" : "fcfs", c->queue_limit);
    fputs("        image: { ", f);
    if (e->image) {
        fputs("name: ", f);
        ywrite_quoted(f, e->image);
        fputs(", ", f);
    }
    fprintf(f, "size: %.10gMB }\n", c->image_mb);
    if (e->container_start) {
        fputs("        container_start: ", f);
        ywrite_dist(f, e->container_start);
        fputc('\n', f);
    }
    if (e->app_start) {
        fputs("        app_start: ", f);
        ywrite_dist(f, e->app_start);
        fputc('\n', f);
    }
    fprintf(f, "        readiness_probe: { initial_delay: %.10gs, period: %.10gs, timeout: %.10gs, "
               "success_threshold: %d, failure_threshold: %d }\n",
            c->probe.initial_delay_s, c->probe.period_s, c->probe.timeout_s,
            c->probe.success_threshold,
            c->probe.failure_threshold);
    fprintf(f, "        termination_grace_period: %.10gs\n        topology_spread: %s\n"
               "        metrics_server: { resolution: %.10gs }\n",
            c->termination_grace_s, c->spread_zones ? "zone" : "none", c->metric_resolution_s);
    if (!c->has_hpa)
        return;
    const struct hpa_cfg *h = &c->hpa;
    fprintf(f, "        hpa:\n          min_replicas: %d\n          max_replicas: %d\n"
               "          tolerance: %.10g\n          cpu_initialization_period: %.10gs\n"
               "          initial_readiness_delay: %.10gs\n          sync_period: %.10gs\n"
               "          metrics:\n",
            h->min_replicas, h->max_replicas, h->tolerance, h->cpu_initialization_s,
            h->initial_readiness_delay_s, h->sync_s);
    for (int i = 0; i < h->nmetrics; i++) {
        fprintf(f, "            - { type: %s, target: %.10g, name: ",
                h->metrics[i].kind == HPA_RESOURCE_CPU ? "cpu"
                : h->metrics[i].kind == HPA_PODS       ? "requests_per_second"
                                                       : "lb_request_count",
                h->metrics[i].target);
        ywrite_quoted(f, h->metrics[i].name);
        if (h->metrics[i].kind == HPA_EXTERNAL)
            fprintf(f, ", period: %.10gs, delay: %.10gs", c->ext_period_s[i], c->ext_delay_s[i]);
        fputs(" }\n", f);
    }
    fputs("          behavior:\n", f);
    write_rules(f, "scale_up", &h->up);
    write_rules(f, "scale_down", &h->down);
}

void kube_cfg_write(const struct sc_kube *e, char *const *zones, FILE *f)
{
    const struct kube_cluster_cfg *c = &e->cfg;
    fputs("  - name: ", f);
    ywrite_quoted(f, e->name);
    fputc('\n', f);
    write_zones(f, "    ", c->zones, c->nzones, zones);
    if (e->node_launch) {
        fputs("    node_launch: ", f);
        ywrite_dist(f, e->node_launch);
        fputc('\n', f);
    }
    fprintf(f, "    image_pull: { throughput: %.10gMB, latency: %.10gs }\n",
            c->image_pull_mbps, c->image_pull_latency_s);
    if (c->ngroups) {
        fputs("    node_groups:\n", f);
        for (int g = 0; g < c->ngroups; g++) {
            const struct kube_node_group_cfg *n = &c->groups[g];
            fputs("      - name: ", f);
            ywrite_quoted(f, e->g[g].name);
            fprintf(f, "\n        instance_type: %s\n        min: %d\n        max: %d\n"
                       "        desired: %d\n        priority: %d\n        max_pods: %d\n",
                    n->instance_type, n->min, n->max, n->desired, n->priority, n->max_pods);
            write_zones(f, "        ", n->zones, n->nzones, zones);
        }
    }
    static const char *const as[] = {"none", "cluster_autoscaler", "karpenter"};
    fprintf(f, "    autoscaler: %s\n", as[c->autoscaler]);
    const struct ca_cfg *k = &c->ca;
    fprintf(f, "    cluster_autoscaler:\n      scan_interval: %.10gs\n      expander: %s\n"
               "      scale_down_enabled: %s\n      scale_down_utilization_threshold: %.10g\n"
               "      scale_down_unneeded_time: %.10gs\n      scale_down_delay_after_add: "
               "%.10gs\n      scale_down_delay_after_delete: %.10gs\n"
               "      max_empty_bulk_delete: %d\n      max_nodes_total: %d\n",
            k->scan_interval_s, expanders[k->expander], k->scale_down_enabled ? "true" : "false",
            k->scale_down_utilization_threshold, k->scale_down_unneeded_s,
            k->scale_down_delay_after_add_s, k->scale_down_delay_after_delete_s,
            k->max_empty_bulk_delete, k->max_nodes_total);
    const struct karp_cfg *kp = &c->karp;
    fputs("    karpenter:\n      instance_types: [", f);
    for (int i = 0; i < c->nkarp_types; i++)
        fprintf(f, "%s%s", i ? ", " : "", c->karp_types[i]);
    fprintf(f, "]\n      batch_idle_duration: %.10gs\n      batch_max_duration: %.10gs\n"
               "      consolidation_policy: %s\n      consolidate_after: %.10gs\n"
               "      budget: %.10g\n",
            kp->batch_idle_s, kp->batch_max_s,
            kp->policy == KARP_WHEN_EMPTY ? "WhenEmpty" : "WhenEmptyOrUnderutilized",
            kp->consolidate_after_s, kp->budget_pct);
    if (e->fargate_start) {
        fputs("    fargate_start: ", f);
        ywrite_dist(f, e->fargate_start);
        fputc('\n', f);
    }
    if (e->nprofiles) {
        fputs("    fargate_profiles:\n", f);
        for (int i = 0; i < e->nprofiles; i++) {
            fputs("      - name: ", f);
            ywrite_quoted(f, e->profiles[i].name);
            fputs("\n        deployments: [", f);
            for (int q = 0; q < e->profiles[i].ndeploys; q++) {
                fputs(q ? ", " : "", f);
                ywrite_quoted(f, e->profiles[i].deploys[q]);
            }
            fputs("]\n", f);
        }
    }
    if (c->ndeploys) {
        fputs("    deployments:\n", f);
        for (int d = 0; d < c->ndeploys; d++)
            write_deploy(f, &c->deploys[d], &e->d[d]);
    }
}

void kube_cfg_fini(struct sc_kube *e)
{
    free(e->name);
    free(e->zones);
    sim_dist_free(e->node_launch);
    for (int g = 0; e->g && g < e->cfg.ngroups; g++) {
        free(e->g[g].name);
        free(e->g[g].instance_type);
        free(e->g[g].zones);
    }
    free(e->g);
    free(e->groups);
    for (int d = 0; e->d && d < e->cfg.ndeploys; d++) {
        struct sc_kube_deploy *x = &e->d[d];
        free(x->name);
        for (int k = 0; k < e->deploys[d].ntgs; k++)
            free(x->tg_names[k]);
        free(x->tg_names);
        free(x->tg_locs);
        free(x->tgs);
        free(x->image);
        free(x->cpu_text);
        free(x->mem_text);
        free(x->limit_text);
        free(x->mem_limit_text);
        sim_dist_free(x->container_start);
        sim_dist_free(x->app_start);
        for (int m = 0; x->metric_names && m < HPA_MAX_METRICS; m++)
            free(x->metric_names[m]);
        free(x->metric_names);
    }
    free(e->d);
    free(e->deploys);
    sim_dist_free(e->fargate_start);
    for (int i = 0; i < e->nprofiles; i++) {
        free(e->profiles[i].name);
        for (int k = 0; k < e->profiles[i].ndeploys; k++)
            free(e->profiles[i].deploys[k]);
        free(e->profiles[i].deploys);
    }
    free(e->profiles);
    for (int i = 0; i < e->cfg.nkarp_types; i++)
        free(e->karp_types[i]);
    free(e->karp_types);
}
