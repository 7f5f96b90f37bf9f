/* The Auto Scaling groups, ECS services and ECS clusters of a run ("units"), found among
 * timeseries_wide.csv's labels, with their policies: what capacity.png, policy.png and
 * forecast.png draw (their scaling activities come from events.csv, plot_events.c).  See
 * plot_impl.h. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/text.h"
#include "sim/xalloc.h"
#include "sim/ytree.h"

int plot_units_index(const struct plot_units *s, int kind, const char *name, size_t len)
{
    for (int i = 0; i < s->n; i++)
        if ((kind < 0 || (int)s->g[i].kind == kind) && strlen(s->g[i].name) == len &&
            !strncmp(s->g[i].name, name, len))
            return i;
    return -1;
}

/* Which series of a unit a column is (sim/cli/run.c defines them); slot 0: one that no plot
 * draws, which still makes the unit known. */
enum { SLOT_NONE, SLOT_DESIRED, SLOT_PENDING, SLOT_IN_SERVICE, SLOT_PROVISIONING, SLOT_CPR };
static const struct unit_series {
    const char *scope, *metric;
    enum plot_unit_kind kind;
    int slot;
} unit_series[] = {
    {"asg", "desired", PLOT_UNIT_GROUP, SLOT_DESIRED},
    {"asg", "pending", PLOT_UNIT_GROUP, SLOT_PENDING},
    {"asg", "in_service", PLOT_UNIT_GROUP, SLOT_IN_SERVICE},
    {"asg", "warming", PLOT_UNIT_GROUP, SLOT_NONE},
    {"asg", "draining", PLOT_UNIT_GROUP, SLOT_NONE},
    {"ecs", "desired", PLOT_UNIT_SERVICE, SLOT_DESIRED},
    {"ecs", "provisioning", PLOT_UNIT_SERVICE, SLOT_PROVISIONING},
    {"ecs", "pending", PLOT_UNIT_SERVICE, SLOT_PENDING},
    {"ecs", "running", PLOT_UNIT_SERVICE, SLOT_IN_SERVICE},
    {"ecs", "draining", PLOT_UNIT_SERVICE, SLOT_NONE},
    {"ecs_cluster", "desired", PLOT_UNIT_CLUSTER, SLOT_DESIRED},
    {"ecs_cluster", "pending", PLOT_UNIT_CLUSTER, SLOT_PENDING},
    {"ecs_cluster", "in_service", PLOT_UNIT_CLUSTER, SLOT_IN_SERVICE},
    {"ecs_cluster", "cpr_pct", PLOT_UNIT_CLUSTER, SLOT_CPR},
    {"ecs_cluster", "needed", PLOT_UNIT_CLUSTER, SLOT_NONE},
    {"deployment", "desired", PLOT_UNIT_DEPLOYMENT, SLOT_DESIRED},
    {"deployment", "ready", PLOT_UNIT_DEPLOYMENT, SLOT_IN_SERVICE},
    {"deployment", "creating", PLOT_UNIT_DEPLOYMENT, SLOT_PENDING},
    {"deployment", "pending", PLOT_UNIT_DEPLOYMENT, SLOT_PROVISIONING},
    {"deployment", "started", PLOT_UNIT_DEPLOYMENT, SLOT_NONE},
    {"deployment", "terminating", PLOT_UNIT_DEPLOYMENT, SLOT_NONE},
    {"eks_cluster", "nodes_ready", PLOT_UNIT_EKS, SLOT_IN_SERVICE},
    {"eks_cluster", "nodes_launching", PLOT_UNIT_EKS, SLOT_PENDING},
    {"eks_cluster", "cpu_requested_pct", PLOT_UNIT_EKS, SLOT_CPR},
    {"eks_cluster", "nodes_draining", PLOT_UNIT_EKS, SLOT_NONE},
    {"eks_cluster", "pending_pods", PLOT_UNIT_EKS, SLOT_NONE},
};

/* Group series are asg.GROUP.{desired,pending,in_service,warming,draining}; service series
 * ecs.SVC.{desired,provisioning,pending,running,draining}; cluster series
 * ecs_cluster.CL.{desired,pending,in_service,cpr_pct,needed}; EKS deployments
 * deployment.D.{desired,pending,creating,started,ready,terminating} and clusters
 * eks_cluster.C.{nodes_ready,nodes_launching,nodes_draining,cpu_requested_pct,pending_pods}.  A policy's are
 * asg.GROUP.POLICY.{metric,alarm} or ecs.SVC.POLICY.{metric,alarm}, split at the longest
 * group (service) name that prefixes "GROUP.POLICY" (names may contain dots).  The columns
 * do not name a cluster's service: sim/cli/run.c defines a cluster's series right after
 * those of its service, so it belongs to the last service before it. */
void plot_units_find(struct plot_units *s, const struct plot_wide *h)
{
    memset(s, 0, sizeof *s);
    s->g = xcalloc((size_t)h->ncols, sizeof *s->g);
    s->load = xcalloc((size_t)h->ncols, sizeof *s->load);
    const char *name;
    int nl;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], "workload", "requests", &name, &nl) &&
            h->has_data[i])
            s->load[s->nload++] = i + 1;
        for (size_t k = 0; k < sizeof unit_series / sizeof *unit_series; k++) {
            const struct unit_series *us = &unit_series[k];
            if (!plot_csv_label_is(h->cols[i], us->scope, us->metric, &name, &nl))
                continue;
            int g = plot_units_index(s, (int)us->kind, name, (size_t)nl);
            if (g < 0) {
                g = s->n++;
                s->g[g].kind = us->kind;
                s->g[g].name = xmalloc((size_t)nl + 1);
                memcpy(s->g[g].name, name, (size_t)nl);
                s->g[g].name[nl] = '\0';
                s->g[g].service = -1;
                for (int j = g - 1; us->kind == PLOT_UNIT_CLUSTER && j >= 0; j--)
                    if (s->g[j].kind == PLOT_UNIT_SERVICE) {
                        s->g[g].service = j;
                        break;
                    }
            }
            int *col = us->slot == SLOT_DESIRED        ? &s->g[g].desired
                       : us->slot == SLOT_PENDING      ? &s->g[g].pending
                       : us->slot == SLOT_IN_SERVICE   ? &s->g[g].in_service
                       : us->slot == SLOT_PROVISIONING ? &s->g[g].provisioning
                       : us->slot == SLOT_CPR          ? &s->g[g].cpr_pct
                                                       : NULL;
            if (col)
                *col = i + 1;
        }
    }
    for (int i = 1; i < h->ncols; i++) {
        bool svc = true, alarm = plot_csv_label_is(h->cols[i], "ecs", "alarm", &name, &nl);
        if (!alarm && !plot_csv_label_is(h->cols[i], "ecs", "metric", &name, &nl)) {
            svc = false;
            alarm = plot_csv_label_is(h->cols[i], "asg", "alarm", &name, &nl);
            if (!alarm && !plot_csv_label_is(h->cols[i], "asg", "metric", &name, &nl))
                continue;
        }
        enum plot_unit_kind kind = svc ? PLOT_UNIT_SERVICE : PLOT_UNIT_GROUP;
        int g = -1;
        size_t best = 0;
        for (int j = 0; j < s->n; j++) {
            size_t gl = strlen(s->g[j].name);
            if (s->g[j].kind == kind && gl + 1 < (size_t)nl && gl >= best &&
                !strncmp(name, s->g[j].name, gl) && name[gl] == '.') {
                g = j;
                best = gl;
            }
        }
        if (g < 0)
            continue;
        struct plot_unit *gc = &s->g[g];
        const char *pname = name + best + 1;
        size_t pl = (size_t)nl - best - 1;
        int p = 0;
        while (p < gc->npol && (strlen(gc->pol[p].name) != pl ||
                                strncmp(gc->pol[p].name, pname, pl)))
            p++;
        if (p == gc->npol) {
            gc->pol = xrealloc(gc->pol, (size_t)(p + 1) * sizeof *gc->pol);
            gc->pol[p] = (struct plot_policy){.name = xmalloc(pl + 1)};
            memcpy(gc->pol[p].name, pname, pl);
            gc->pol[p].name[pl] = '\0';
            gc->npol++;
        }
        if (alarm)
            gc->pol[p].alarm = i + 1;
        else
            gc->pol[p].metric = i + 1;
    }
}

/* ---- scenario.yaml ------------------------------------------------------------------------ */

/* The unit of a CloudWatch metric's values as the policies see them, from its name (the
 * names of models/scaling/metrics.c; analysis/ does not include models/): utilizations in
 * %, counts per period, response time in s.  "" when not known. */
static const char *metric_unit(const char *name, const char *period, char *buf, size_t n)
{
    const char *per = period && *period ? period : "period";
    if (strstr(name, "Utilization"))
        return "%";
    if (strstr(name, "RequestCountPerTarget"))
        snprintf(buf, n, "requests per target per %s", per);
    else if (strstr(name, "RequestCount"))
        snprintf(buf, n, "requests per %s", per);
    else if (strstr(name, "HTTPCode"))
        snprintf(buf, n, "responses per %s", per);
    else if (strstr(name, "Network"))
        snprintf(buf, n, "bytes per %s", per);
    else if (strstr(name, "ResponseTime"))
        return "s";
    else
        return "";
    return buf;
}

static const char *scalar(const struct ytree *m, const char *key)
{
    const struct ytree *v = ytree_get(m, key);
    return v && v->kind == YTREE_SCALAR ? v->text : NULL;
}

static double number(const struct ytree *m, const char *key)
{
    const char *t = scalar(m, key);
    char *end;
    double v = t ? strtod(t, &end) : (double)NAN;
    return t && end != t && !*end ? v : (double)NAN;
}

/* "50", "0.5", "1e+06": the shortest that reads back the same, for titles. */
static void fmt_value(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.6g", v);
}

/* One policy's metric and levels from its scenario mapping m. */
static void policy_from(struct plot_policy *pc, const struct ytree *m)
{
    const char *type = scalar(m, "type");
    char ubuf[96], v1[32], v2[32];
    if (type && !strcmp(type, "target_tracking")) {
        const char *metric = scalar(m, "metric");
        double target = number(m, "target"), factor = number(m, "scale_in_threshold");
        if (!metric)
            return;
        const char *unit = metric_unit(metric, scalar(m, "period"), ubuf, sizeof ubuf);
        const char *sp = !strcmp(unit, "%") || !*unit ? "" : " ";
        snprintf(pc->what, sizeof pc->what, "%.80s%s%s%s", metric, *unit ? " (" : "", unit,
                 *unit ? ")" : "");
        if (isfinite(target)) {
            struct plot_level *l = &pc->level[pc->nlevel++];
            fmt_value(v1, sizeof v1, target);
            l->value = target;
            l->main = true;
            snprintf(l->title, sizeof l->title, "target %s%s%.40s", v1, sp,
                     !strcmp(unit, "%") ? " %" : unit);
            bool in = !scalar(m, "disable_scale_in") ||
                      strcmp(scalar(m, "disable_scale_in"), "true") != 0;
            if (in && isfinite(factor) && factor > 0 && factor < 1) {
                l = &pc->level[pc->nlevel++];
                fmt_value(v2, sizeof v2, factor * target);
                l->value = factor * target;
                l->main = false;
                snprintf(l->title, sizeof l->title, "scale in below %s%s%.40s (%.6g x target)",
                         v2, sp, !strcmp(unit, "%") ? " %" : unit, factor);
            }
        }
        return;
    }
    /* step and simple policies: one alarm */
    const struct ytree *alarm = ytree_get(m, "alarm");
    const char *metric = alarm ? scalar(alarm, "metric") : NULL;
    if (!metric)
        return;
    const char *unit = metric_unit(metric, scalar(alarm, "period"), ubuf, sizeof ubuf);
    const char *stat = scalar(alarm, "statistic");
    snprintf(pc->what, sizeof pc->what, "%.60s%s%.16s%s%s%s%s", metric, stat ? " " : "",
             stat ? stat : "", *unit ? " (" : "", unit, *unit ? ")" : "", "");
    double th = number(alarm, "threshold");
    if (isfinite(th)) {
        struct plot_level *l = &pc->level[pc->nlevel++];
        const char *cmp = scalar(alarm, "comparison");
        fmt_value(v1, sizeof v1, th);
        l->value = th;
        l->main = true;
        snprintf(l->title, sizeof l->title, "alarm threshold: %.4s %s%s%.40s", cmp ? cmp : "",
                 v1, !strcmp(unit, "%") || !*unit ? "" : " ", !strcmp(unit, "%") ? " %" : unit);
    }
}

/* The list item of seq named name, or NULL. */
static const struct ytree *named(const struct ytree *seq, const char *name)
{
    for (size_t i = 0; seq && seq->kind == YTREE_SEQ && i < seq->n; i++) {
        const char *n = scalar(seq->items[i], "name");
        if (n && !strcmp(n, name))
            return seq->items[i];
    }
    return NULL;
}

int plot_units_read_scenario(const char *dir, struct plot_units *s)
{
    bool any = false;
    for (int i = 0; i < s->n; i++)
        any = any || s->g[i].npol > 0;
    if (!any)
        return 0;
    char *path = text_join_path(dir, "scenario.yaml");
    FILE *probe = fopen(path, "r");
    if (!probe) {
        free(path); /* an older run or a folder put together by hand: no levels */
        return 0;
    }
    fclose(probe);
    struct ytree *t;
    int rc = ytree_load_file(path, &t);
    free(path);
    if (rc != 0)
        return PLOT_ERR_DATA;
    for (int i = 0; i < s->n; i++) {
        struct plot_unit *g = &s->g[i];
        if (g->kind == PLOT_UNIT_CLUSTER)
            continue;
        const struct ytree *owner = named(
            ytree_get(t, g->kind == PLOT_UNIT_GROUP ? "auto_scaling_groups" : "ecs_services"),
            g->name);
        const struct ytree *pols = owner ? ytree_get(owner, "policies") : NULL;
        for (int p = 0; p < g->npol; p++) {
            const struct ytree *m = named(pols, g->pol[p].name);
            if (m && m->kind == YTREE_MAP)
                policy_from(&g->pol[p], m);
        }
    }
    ytree_free(t);
    return 0;
}

void plot_units_free(struct plot_units *s)
{
    for (int i = 0; i < s->n; i++) {
        for (int p = 0; p < s->g[i].npol; p++)
            free(s->g[i].pol[p].name);
        free(s->g[i].pol);
        free(s->g[i].act);
        free(s->g[i].name);
    }
    free(s->g);
    free(s->load);
}

void plot_units_put_activity_lines(FILE *f, const struct plot_unit *g,
                                   const struct plot_xaxis *x)
{
    for (int i = 0; i < g->nact; i++)
        fprintf(f, "set arrow %d from %.10g, graph 0 to %.10g, graph 1 nohead dt 3 "
                   "lc rgb 'gray50' back\n",
                i + 1, g->act[i].t_s / x->div, g->act[i].t_s / x->div);
}
