/*
 * capacity.png: one panel per Auto Scaling group, ECS service, ECS cluster, EKS cluster or
 * deployment holding a capacity value, in column order.
 *
 *   group     asg.G.desired / .in_service / .pending (steps) against the offered load
 *             (workload.*.requests summed, per second) on the right-hand axis
 *   service   the same for its tasks: ecs.SVC.desired, .running, .pending + .provisioning
 *   cluster   below a service on the EC2 launch type, its instances
 *             (ecs_cluster.CL.desired / .in_service / .pending) with the capacity provider
 *             reservation (.cpr_pct, a dashed line at 100 %) on the right-hand axis instead
 *             of the load, so the two scaling loops read one above the other
 *   EKS       an EKS cluster's nodes (eks_cluster.C.nodes_ready / .nodes_launching) with the
 *             CPU its pods request (.cpu_requested_pct) on the right-hand axis, then each
 *             deployment's pods (deployment.D.desired / .ready / .creating + .pending)
 *             against the load; the HPA's rescales are the deployment's activities
 *
 * Each panel marks the unit's scaling activities (events.csv) as dotted lines, with a
 * triangle up or down at the new desired capacity when the detail says "from X to Y";
 * the per-instance rows of a change of desired capacity are left out (plot_events.c).
 * The activities go in as comma-separated datablocks, so the script still runs on its
 * own.  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"

static bool group_has_capacity(const struct plot_wide *h, const struct plot_unit *g)
{
    return plot_csv_has_data(h, g->desired) || plot_csv_has_data(h, g->in_service) ||
           plot_csv_has_data(h, g->pending) || plot_csv_has_data(h, g->provisioning);
}

/* The sign of an activity's change: 1 scale out, -1 scale in, 0 none. */
static int direction(const struct plot_activity *a)
{
    return (a->to > a->from) - (a->to < a->from);
}

static int count_direction(const struct plot_unit *g, int dir)
{
    int n = 0;
    for (int i = 0; i < g->nact; i++)
        n += direction(&g->act[i]) == dir;
    return n;
}

/* The title of g's panel: "Auto Scaling group web", "ECS service api-svc (tasks)",
 * "ECS cluster api-cluster (instances under service api-svc; ...)". */
static void unit_title(char *buf, size_t n, const struct plot_units *s,
                       const struct plot_unit *g)
{
    if (g->kind == PLOT_UNIT_DEPLOYMENT)
        snprintf(buf, n, "Deployment %s (pods)", g->name);
    else if (g->kind == PLOT_UNIT_EKS)
        snprintf(buf, n, "EKS cluster %s (nodes; CPU requested of the Ready nodes' "
                 "allocatable on the right-hand axis)", g->name);
    else if (g->kind == PLOT_UNIT_SERVICE)
        snprintf(buf, n, "ECS service %s (tasks)", g->name);
    else if (g->kind == PLOT_UNIT_CLUSTER && g->service >= 0)
        snprintf(buf, n, "ECS cluster %s (instances under service %s; capacity provider "
                 "reservation on the right-hand axis)", g->name, s->g[g->service].name);
    else if (g->kind == PLOT_UNIT_CLUSTER)
        snprintf(buf, n, "ECS cluster %s (instances; capacity provider reservation on the "
                 "right-hand axis)", g->name);
    else
        snprintf(buf, n, "Auto Scaling group %s", g->name);
}

/* What a unit's panel counts. */
static const char *unit_ylabel(enum plot_unit_kind k)
{
    return k == PLOT_UNIT_SERVICE ? "tasks" : k == PLOT_UNIT_DEPLOYMENT ? "pods"
           : k == PLOT_UNIT_EKS ? "nodes" : "instances";
}

/* The datablocks $scale_out_I and $scale_in_I (I = 1 + index in s) of the activities
 * that changed the desired capacity: time, new desired. */
static void put_scale_blocks(FILE *f, const struct plot_units *s, const struct plot_wide *h)
{
    for (int i = 0; i < s->n; i++) {
        const struct plot_unit *g = &s->g[i];
        if (!group_has_capacity(h, g))
            continue;
        for (int dir = 1; dir >= -1; dir -= 2) {
            if (!count_direction(g, dir))
                continue;
            fprintf(f, "$scale_%s_%d << EOD\n", dir > 0 ? "out" : "in", i + 1);
            for (int k = 0; k < g->nact; k++) {
                const struct plot_activity *a = &g->act[k];
                if (direction(a) == dir)
                    fprintf(f, "%.10g,%d\n", a->t_s, a->to);
            }
            fputs("EOD\n", f);
        }
    }
}

/* One unit's panel.  load: the offered load goes on the right-hand axis, from the
 * workloads' requests per interval of interval_s. */
static void put_panel(FILE *f, const struct plot_wide *h, const struct plot_units *s, int i,
                      bool load, double interval_s, const char **ylabel,
                      const struct plot_xaxis *x)
{
    const struct plot_unit *g = &s->g[i];
    char title[512];
    unit_title(title, sizeof title, s, g);
    fputs("set title ", f);
    plot_gp_quoted(f, title);
    fputc('\n', f);
    const char *yl = unit_ylabel(g->kind);
    if (strcmp(yl, *ylabel))
        fprintf(f, "set ylabel '%s'\n", yl);
    *ylabel = yl;
    /* A cluster's reservation replaces the load on the right-hand axis; the dashed line at
     * 100 % is where the instances in service are those the tasks need. */
    bool eks = g->kind == PLOT_UNIT_EKS;
    bool cpr = (g->kind == PLOT_UNIT_CLUSTER || eks) && plot_csv_has_data(h, g->cpr_pct);
    if (cpr)
        fprintf(f, "%sset y2range [0:110<*]\nset y2label '%s (%%)'\n",
                load ? "" : "set ytics nomirror\nset y2tics\n",
                eks ? "CPU requested" : "capacity provider reservation");
    plot_units_put_activity_lines(f, g, x);
    /* The steps: desired, in service (running tasks), pending (a service's pending and
     * provisioning tasks summed: started, not yet running). */
    static const char *const what[][3] = {{"desired", "in service", "pending"},
                                          {"desired", "running", "pending"},
                                          {"desired", "ready", "creating"},
                                          {"desired", "ready", "launching"}};
    const char *const *name = what[g->kind == PLOT_UNIT_SERVICE      ? 1
                                   : g->kind == PLOT_UNIT_DEPLOYMENT ? 2
                                   : eks                             ? 3
                                                                     : 0];
    bool dep = g->kind == PLOT_UNIT_DEPLOYMENT;
    const int col[] = {g->desired, g->in_service, g->pending};
    char expr[3][64];
    const char *title3 = name[2];
    bool has[3];
    for (int k = 0; k < 3; k++) {
        has[k] = plot_csv_has_data(h, col[k]);
        snprintf(expr[k], sizeof expr[k], "%d", col[k]);
    }
    if (plot_csv_has_data(h, g->provisioning)) {
        if (has[2]) {
            snprintf(expr[2], sizeof expr[2], "(column(%d)+column(%d))", g->pending,
                     g->provisioning);
            title3 = dep ? "creating + pending (no node)" : "pending + provisioning";
        } else {
            snprintf(expr[2], sizeof expr[2], "%d", g->provisioning);
            title3 = dep ? "pending (no node)" : "provisioning";
        }
        has[2] = true;
    }
    /* Whole instances on the axis, at least 1 between tics, about 8 tics, and one more
     * above the largest value so its triangle shows.  A set yrange would filter what stats
     * sees. */
    fputs("set yrange [*:*]\nymax = 0\n", f);
    for (int k = 0; k < 3; k++)
        if (has[k])
            fprintf(f, "stats data skip 1 using %s nooutput\n"
                       "ymax = STATS_max > ymax ? STATS_max : ymax\n", expr[k]);
    fputs("ystep = ceil(ymax / 8.0) > 1 ? ceil(ymax / 8.0) : 1\n"
          "set ytics ystep\nset yrange [0:ymax + ystep]\n", f);
    const char *sep = "plot ";
    for (int k = 0; k < 3; k++) {
        if (!has[k])
            continue;
        fputs(sep, f);
        plot_gp_using_x(f, "data skip 1", x);
        fprintf(f, "%s axes x1y1 with steps lw 2 lc %d title '%s'", expr[k], k + 1,
                k == 2 ? title3 : name[k]);
        sep = ", \\\n     ";
    }
    for (int dir = 1; dir >= -1; dir -= 2) {
        if (!count_direction(g, dir))
            continue;
        fputs(sep, f);
        char block[32];
        snprintf(block, sizeof block, "$scale_%s_%d", dir > 0 ? "out" : "in", i + 1);
        plot_gp_using_x(f, block, x);
        fprintf(f, "2 axes x1y1 with points pt %d ps 2 lc rgb '%s' title '%s'",
                dir > 0 ? 9 : 11, dir > 0 ? "#1a9641" : "#d7191c",
                dir > 0 ? "scale out (new desired)" : "scale in (new desired)");
    }
    if (cpr) {
        fputs(sep, f);
        plot_gp_using_x(f, "data skip 1", x);
        if (eks)
            fprintf(f, "%d axes x1y2 with lines lw 1 lc rgb '#7b3294' title 'CPU requested "
                       "(%%, right axis)', \\\n     100 axes x1y2 with lines dt 2 lw 1 lc "
                       "rgb '#7b3294' title '100 %% (every allocatable core requested)'",
                    g->cpr_pct);
        else
            fprintf(f, "%d axes x1y2 with lines lw 1 lc rgb '#7b3294' title 'capacity "
                       "provider reservation (%%, right axis)', \\\n     100 axes x1y2 "
                       "with lines dt 2 lw 1 lc rgb '#7b3294' title '100 %% (as many "
                       "instances as the tasks need)'", g->cpr_pct);
    } else if (load) {
        fputs(sep, f);
        plot_gp_using_x(f, "data skip 1", x);
        fputs("((", f);
        for (int k = 0; k < s->nload; k++)
            fprintf(f, "%scolumn(%d)", k ? "+" : "", s->load[k]);
        fprintf(f, ")/%.10g) axes x1y2 with lines lw 1 lc rgb 'gray30' "
                   "title 'offered load (requests/s, right axis)'", interval_s);
    }
    fputc('\n', f);
    if (g->nact)
        fputs("unset arrow\n", f);
    if (cpr && load)
        fputs("set y2range [0:1<*]\nset y2label 'offered load (requests/s)'\n", f);
    else if (cpr)
        fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
}

void plot_capacity_put(FILE *f, const struct plot_wide *h, const struct plot_units *s,
                       const struct plot_xaxis *x, struct plot_plan *plan)
{
    /* The load's interval: the first two rows apart, or with one row the time of its end
     * (intervals start at 0). */
    double interval_s = plan->interval_s;
    if (!(isfinite(interval_s) && interval_s > 0))
        interval_s = h->t[0];
    bool load = s->nload > 0 && isfinite(interval_s) && interval_s > 0;
    char xrange[96];
    plot_gp_xrange(xrange, sizeof xrange, h->t_last, x);

    int npanels = 0, nmatched = 0;
    bool ecs = false, cluster = false; /* panels of services, of clusters */
    const char *ylabel = NULL;         /* the first panel's */
    for (int i = 0; i < s->n; i++) {
        const struct plot_unit *g = &s->g[i];
        nmatched += g->desired || g->in_service || g->pending || g->provisioning;
        if (!group_has_capacity(h, g))
            continue;
        npanels++;
        ecs = ecs || g->kind != PLOT_UNIT_GROUP;
        cluster = cluster || g->kind == PLOT_UNIT_CLUSTER || g->kind == PLOT_UNIT_EKS;
        if (!ylabel)
            ylabel = unit_ylabel(g->kind);
    }
    if (npanels == 0) {
        plot_plan_skipped(plan, "capacity.png", nmatched ? "its columns hold no values"
                                                         : "its columns are not in the CSV");
        return;
    }
    plot_plan_made(plan, "capacity.png");
    fputs("\n# capacity.png\n", f);
    put_scale_blocks(f, s, h);
    plot_gp_terminal(f, npanels);
    fputs("set output 'capacity.png'\nset multiplot layout ", f);
    fprintf(f, "%d,1 title ", npanels);
    plot_gp_quoted(f, !ecs ? "Auto Scaling group capacity against offered load (dotted "
                             "lines: scaling activities; triangles: the new desired capacity)"
                      : cluster ? "Capacity against offered load, the nodes or instances "
                                  "below (dotted lines: scaling activities; triangles: the "
                                  "new desired count or capacity)"
                                : "Capacity against offered load (dotted lines: scaling "
                                  "activities; triangles: the new desired count or capacity)");
    fprintf(f, "\n%sset key on\nset xlabel ", xrange);
    plot_gp_quoted(f, x->label);
    fprintf(f, "\nset ylabel '%s'\n", ylabel);
    if (load)
        fputs("set ytics nomirror\nset y2tics\nset y2range [0:1<*]\n"
              "set y2label 'offered load (requests/s)'\n", f);
    /* Fixed margins, so a service's time axis lines up with its cluster's below. */
    if (ecs)
        fputs("set lmargin 10\nset rmargin 12\n", f);
    for (int i = 0; i < s->n; i++)
        if (group_has_capacity(h, &s->g[i]))
            put_panel(f, h, s, i, load, interval_s, &ylabel, x);
    fputs("unset multiplot\nset ytics autofreq\n", f);
    if (ecs)
        fputs("set lmargin\nset rmargin\n", f);
    if (load)
        fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
}
