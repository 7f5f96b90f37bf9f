/* plot_write_script and the figures not yet in files of their own.  See plot.h and
 * plot/plot_impl.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif
#include "analysis/plot.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <csv.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

#define LEGEND_MAX 16 /* more series than this: the legend would hide the plot */

void plot_plan_made(struct plot_plan *plan, const char *png)
{
    plan->made[plan->nmade++] = png;
}

void plot_plan_skipped(struct plot_plan *plan, const char *png, const char *why)
{
    plan->skipped_why[plan->nskipped] = why;
    plan->skipped[plan->nskipped++] = png;
}

/* ---- the run's time series ------------------------------------------------------------- */

/* One curve: column col (1-based) times scale, on the right-hand axis when y2. */
struct curve {
    int col;
    double scale;
    bool y2;
    char title[160];
};

/* The curves of one figure; c has room for one per column.  Columns that match but hold
 * no value at all are counted, not drawn: gnuplot stops the whole script at a plot
 * without a single valid point. */
struct figure {
    struct curve *c;
    int n;               /* curves drawn */
    int matched;         /* columns that matched, with or without data */
    const bool *has_data; /* per column (0-based), from struct plot_wide */
};

static void add_curve(struct figure *fig, int col, double scale, bool y2, const char *name,
                      int name_len, const char *what)
{
    fig->matched++;
    if (!fig->has_data[col - 1])
        return;
    struct curve *c = &fig->c[fig->n++];
    c->col = col;
    c->scale = scale;
    c->y2 = y2;
    snprintf(c->title, sizeof c->title, "%.*s%s%s", name_len, name, *what ? " " : "", what);
}

/* "per 1 s interval", or "per interval" when the interval is unknown. */
static void interval_text(char *buf, size_t n, double interval_s)
{
    if (isfinite(interval_s) && interval_s > 0)
        snprintf(buf, n, "per %g s interval", interval_s);
    else
        snprintf(buf, n, "per interval");
}

/* Write one figure: output, titles and the plot command; then undo its settings. */
static void put_figure(FILE *f, const char *png, const char *title, const char *ylabel,
                       const char *y2label, bool logy, const struct plot_xaxis *x,
                       const struct figure *fig)
{
    fprintf(f, "\n# %s\nset yrange [%s:*]\nset output ", png, logy ? "*" : "0");
    plot_gp_quoted(f, png);
    fprintf(f, "\nset title ");
    if (fig->n > LEGEND_MAX) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s (%d series; legend omitted)", title, fig->n);
        plot_gp_quoted(f, buf);
        fprintf(f, "\nset key off");
    } else {
        plot_gp_quoted(f, title);
        fprintf(f, "\nset key on");
    }
    fprintf(f, "\nset xlabel ");
    plot_gp_quoted(f, x->label);
    fprintf(f, "\nset ylabel ");
    plot_gp_quoted(f, ylabel);
    fputc('\n', f);
    if (logy)
        fprintf(f, "set logscale y\n");
    if (y2label) {
        fprintf(f, "set ytics nomirror\nset y2tics\nset y2range [0:1<*]\nset y2label ");
        plot_gp_quoted(f, y2label);
        fputc('\n', f);
    }
    fprintf(f, "plot ");
    for (int i = 0; i < fig->n; i++) {
        const struct curve *c = &fig->c[i];
        if (i)
            fprintf(f, ", \\\n     ");
        if (x->div != 1)
            fprintf(f, "data skip 1 using (column(1)/%g):", x->div);
        else
            fprintf(f, "data skip 1 using 1:");
        if (c->scale != 1)
            fprintf(f, "(column(%d)*%g)", c->col, c->scale);
        else
            fprintf(f, "%d", c->col);
        fprintf(f, " axes x1%s with lines lw 2 title ", c->y2 ? "y2" : "y1");
        plot_gp_quoted(f, c->title);
    }
    fputc('\n', f);
    if (logy)
        fprintf(f, "unset logscale y\n");
    if (y2label)
        fprintf(f, "set ytics mirror\nunset y2tics\nunset y2label\n");
}

/* Record the outcome of one figure in plan; true when it is to be drawn. */
static bool plan_figure(struct plot_plan *plan, const char *png, const struct figure *fig)
{
    if (fig->n) {
        plan->made[plan->nmade++] = png;
        return true;
    }
    plan->skipped_why[plan->nskipped] = fig->matched ? "its columns hold no values"
                                                     : "its columns are not in the CSV";
    plan->skipped[plan->nskipped++] = png;
    return false;
}

/* ---- Auto Scaling groups and ECS services: capacity against load, policies' alarms --- */

/* One policy of a group or service: its two series, as 1-based column numbers (0: not in
 * the CSV). */
struct asg_policy_cols {
    char *name;      /* owned */
    int metric;      /* asg.GROUP.POLICY.metric (ecs.SVC.POLICY.metric): the datapoint the
                        policy last saw */
    int alarm;       /* asg.GROUP.POLICY.alarm: 0 INSUFFICIENT_DATA, 1 OK, 2 ALARM */
};

/* What a capacity panel shows: an Auto Scaling group's instances, an ECS service's tasks,
 * or the instances of the cluster under an ECS service on the EC2 launch type. */
enum asg_kind {
    ASG_KIND_GROUP,        /* asg.G.*: desired, in_service, pending */
    ASG_KIND_SERVICE,      /* ecs.SVC.*: desired, running, pending + provisioning */
    ASG_KIND_CLUSTER,      /* ecs_cluster.CL.*: desired, in_service, pending; cpr_pct */
};

/* What started a scaling activity, from the start of its detail. */
enum asg_cause {
    ASG_CAUSE_OTHER,       /* scheduled actions, terminations, ... */
    ASG_CAUSE_DYNAMIC,     /* "Alarm ...": simple, step and target tracking policies */
    ASG_CAUSE_PREDICTIVE,  /* "Predictive scaling policy ..." */
};

/* One scaling activity of a group, from events.csv. */
struct asg_activity {
    double t_s;      /* s */
    int from, to;    /* desired capacity before and after; from == to when the detail
                        names no change ("Terminating EC2 instance: ...") */
    enum asg_cause cause;
};

/* One group, ECS service or ECS cluster: its capacity columns (1-based, 0 when absent),
 * policies in column order and scaling activities in file (time) order.  A service's
 * running tasks go in in_service; provisioning and cpr_pct stay 0 for a group. */
struct asg_group_cols {
    enum asg_kind kind;
    char *name;      /* owned */
    int desired, in_service, pending;
    int provisioning; /* ecs.SVC.provisioning: tasks waiting for room on an instance */
    int cpr_pct;     /* ecs_cluster.CL.cpr_pct: CapacityProviderReservation, % */
    int service;     /* a cluster's service: index in asg_set.g; -1 when unknown */
    struct asg_policy_cols *pol;
    int npol;
    struct asg_activity *act;
    int nact, capact;
};

/* The groups, ECS services and clusters of a run in the order their first column appears
 * (so the script is the same for the same CSV), and the columns of offered load. */
struct asg_set {
    struct asg_group_cols *g;
    int n;
    int *load;       /* 1-based columns of workload.*.requests holding a value */
    int nload;
};

/* The unit of that kind and name (kind < 0: any kind, the first in column order). */
static int asg_find(const struct asg_set *s, int kind, const char *name, size_t len)
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
    enum asg_kind kind;
    int slot;
} unit_series[] = {
    {"asg", "desired", ASG_KIND_GROUP, SLOT_DESIRED},
    {"asg", "pending", ASG_KIND_GROUP, SLOT_PENDING},
    {"asg", "in_service", ASG_KIND_GROUP, SLOT_IN_SERVICE},
    {"asg", "warming", ASG_KIND_GROUP, SLOT_NONE},
    {"asg", "draining", ASG_KIND_GROUP, SLOT_NONE},
    {"ecs", "desired", ASG_KIND_SERVICE, SLOT_DESIRED},
    {"ecs", "provisioning", ASG_KIND_SERVICE, SLOT_PROVISIONING},
    {"ecs", "pending", ASG_KIND_SERVICE, SLOT_PENDING},
    {"ecs", "running", ASG_KIND_SERVICE, SLOT_IN_SERVICE},
    {"ecs", "draining", ASG_KIND_SERVICE, SLOT_NONE},
    {"ecs_cluster", "desired", ASG_KIND_CLUSTER, SLOT_DESIRED},
    {"ecs_cluster", "pending", ASG_KIND_CLUSTER, SLOT_PENDING},
    {"ecs_cluster", "in_service", ASG_KIND_CLUSTER, SLOT_IN_SERVICE},
    {"ecs_cluster", "cpr_pct", ASG_KIND_CLUSTER, SLOT_CPR},
    {"ecs_cluster", "needed", ASG_KIND_CLUSTER, SLOT_NONE},
};

/* Find the groups, ECS services and clusters, their policies and the load columns among
 * the labels.  Group series are asg.GROUP.{desired,pending,in_service,warming,draining};
 * service series ecs.SVC.{desired,provisioning,pending,running,draining}; cluster series
 * ecs_cluster.CL.{desired,pending,in_service,cpr_pct,needed}.  A policy's are
 * asg.GROUP.POLICY.{metric,alarm} or ecs.SVC.POLICY.{metric,alarm}, split at the longest
 * group (service) name that prefixes "GROUP.POLICY" (names may contain dots).  The columns
 * do not name a cluster's service: sim/cli/run.c defines a cluster's series right after
 * those of its service, so it belongs to the last service before it. */
static void asg_set_find(struct asg_set *s, const struct plot_wide *h)
{
    memset(s, 0, sizeof *s);
    s->g = xcalloc((size_t)h->ncols, sizeof *s->g);
    s->load = xcalloc((size_t)h->ncols, sizeof *s->load);
    const char *name;
    int nl;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], "workload", "requests", &name, &nl) && h->has_data[i])
            s->load[s->nload++] = i + 1;
        for (size_t k = 0; k < sizeof unit_series / sizeof *unit_series; k++) {
            const struct unit_series *us = &unit_series[k];
            if (!plot_csv_label_is(h->cols[i], us->scope, us->metric, &name, &nl))
                continue;
            int g = asg_find(s, (int)us->kind, name, (size_t)nl);
            if (g < 0) {
                g = s->n++;
                s->g[g].kind = us->kind;
                s->g[g].name = xmalloc((size_t)nl + 1);
                memcpy(s->g[g].name, name, (size_t)nl);
                s->g[g].name[nl] = '\0';
                s->g[g].service = -1;
                for (int j = g - 1; us->kind == ASG_KIND_CLUSTER && j >= 0; j--)
                    if (s->g[j].kind == ASG_KIND_SERVICE) {
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
        enum asg_kind kind = svc ? ASG_KIND_SERVICE : ASG_KIND_GROUP;
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
        struct asg_group_cols *gc = &s->g[g];
        const char *pname = name + best + 1;
        size_t pl = (size_t)nl - best - 1;
        int p = 0;
        while (p < gc->npol && (strlen(gc->pol[p].name) != pl ||
                                strncmp(gc->pol[p].name, pname, pl)))
            p++;
        if (p == gc->npol) {
            gc->pol = xrealloc(gc->pol, (size_t)(p + 1) * sizeof *gc->pol);
            gc->pol[p] = (struct asg_policy_cols){xmalloc(pl + 1), 0, 0};
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

static void asg_set_free(struct asg_set *s)
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

/* "... changing the desired capacity from X to Y." (models/scaling/asg.c and the policies). */
static bool parse_change(const char *detail, int *from, int *to)
{
    for (const char *p = strstr(detail, "from "); p; p = strstr(p + 1, "from ")) {
        int a, b, n = 0;
        if (sscanf(p, "from %d to %d%n", &a, &b, &n) == 2 && n > 0) {
            *from = a;
            *to = b;
            return true;
        }
    }
    return false;
}

/* events.csv read a record at a time; only the scaling rows of known groups, services and
 * clusters are kept (O(those rows) memory: the file also holds every health change). */
struct ev_reader {
    struct asg_set *s;
    char *f[4];      /* the current record's fields time_s, kind, name, detail; owned */
    int field;
    int records;     /* complete records seen (header included) */
    bool bad_header;
};

static void ev_field(void *text, size_t len, void *data)
{
    struct ev_reader *r = data;
    (void)len;
    if (r->field < 4) {
        free(r->f[r->field]);
        r->f[r->field] = xstrdup(text ? text : "");
    }
    r->field++;
}

static void ev_record(int c, void *data)
{
    struct ev_reader *r = data;
    (void)c;
    int nf = r->field;
    r->field = 0;
    if (nf < 4) {
        if (r->records == 0)
            r->bad_header = true;
        r->records++;
        return;
    }
    if (r->records++ == 0) {
        r->bad_header = strcmp(r->f[0], "time_s") || strcmp(r->f[1], "kind") ||
                        strcmp(r->f[2], "name") || strcmp(r->f[3], "detail");
        return;
    }
    if (r->bad_header || strcmp(r->f[1], "scaling"))
        return;
    int g = asg_find(r->s, -1, r->f[2], strlen(r->f[2]));
    char *end;
    double t = strtod(r->f[0], &end);
    if (g < 0 || end == r->f[0] || !isfinite(t))
        return;
    struct asg_group_cols *gc = &r->s->g[g];
    if (gc->nact == gc->capact) {
        gc->capact = gc->capact ? 2 * gc->capact : 16;
        gc->act = xrealloc(gc->act, (size_t)gc->capact * sizeof *gc->act);
    }
    struct asg_activity *a = &gc->act[gc->nact++];
    a->t_s = t;
    if (!parse_change(r->f[3], &a->from, &a->to))
        a->from = a->to = 0;
    if (!strncmp(r->f[3], "Predictive scaling policy ", 26))
        a->cause = ASG_CAUSE_PREDICTIVE;
    else if (!strncmp(r->f[3], "Alarm ", 6))
        a->cause = ASG_CAUSE_DYNAMIC;
    else
        a->cause = ASG_CAUSE_OTHER;
}

/* Read DIR/events.csv into the groups' activities.  A folder without one (an older run)
 * has no activities to mark.  Returns 0 or a PLOT_ERR_*, after printing the reason. */
static int asg_read_events(const char *dir, struct asg_set *s)
{
    char *path = text_join_path(dir, PLOT_EVENTS_CSV);
    int rc = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
            rc = PLOT_ERR_IO;
        }
        goto out_free;
    }
    struct csv_parser p;
    struct ev_reader r = {s, {NULL}, 0, 0, false};
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        diag_error(NULL, "cannot set up the CSV parser for '%s'", path);
        rc = PLOT_ERR_IO;
        goto out_close;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, ev_field, ev_record, &r) != n) {
            diag_error(NULL, "%s: malformed CSV: %s", path, csv_strerror(csv_error(&p)));
            rc = PLOT_ERR_DATA;
            goto out_fini;
        }
    }
    if (ferror(f)) {
        diag_error(NULL, "cannot read '%s': %s", path, strerror(errno));
        rc = PLOT_ERR_IO;
        goto out_fini;
    }
    csv_fini(&p, ev_field, ev_record, &r);
    if (r.records > 0 && r.bad_header) {
        diag_error(NULL, "%s: expected a header `time_s,kind,name,detail`", path);
        rc = PLOT_ERR_DATA;
    }
out_fini:
    csv_free(&p);
    for (int i = 0; i < 4; i++)
        free(r.f[i]);
out_close:
    fclose(f);
out_free:
    free(path);
    return rc;
}

/* A dotted vertical line at each scaling activity of group g (arrows numbered from 1). */
static void put_activity_lines(FILE *f, const struct asg_group_cols *g,
                               const struct plot_xaxis *x)
{
    for (int i = 0; i < g->nact; i++)
        fprintf(f, "set arrow %d from %.10g, graph 0 to %.10g, graph 1 nohead dt 3 "
                   "lc rgb 'gray50' back\n",
                i + 1, g->act[i].t_s / x->div, g->act[i].t_s / x->div);
}

static bool group_has_capacity(const struct plot_wide *h, const struct asg_group_cols *g)
{
    return plot_csv_has_data(h, g->desired) || plot_csv_has_data(h, g->in_service) ||
           plot_csv_has_data(h, g->pending) || plot_csv_has_data(h, g->provisioning);
}

static int count_direction(const struct asg_group_cols *g, int dir)
{
    int n = 0;
    for (int i = 0; i < g->nact; i++)
        n += (g->act[i].to > g->act[i].from) - (g->act[i].to < g->act[i].from) == dir;
    return n;
}

/* The title of g's capacity panel: "Auto Scaling group web", "ECS service api-svc (tasks)",
 * "ECS cluster api-cluster (instances under service api-svc; ...)". */
static void unit_title(char *buf, size_t n, const struct asg_set *s,
                       const struct asg_group_cols *g)
{
    if (g->kind == ASG_KIND_SERVICE)
        snprintf(buf, n, "ECS service %s (tasks)", g->name);
    else if (g->kind == ASG_KIND_CLUSTER && g->service >= 0)
        snprintf(buf, n, "ECS cluster %s (instances under service %s; capacity provider "
                 "reservation on the right-hand axis)", g->name, s->g[g->service].name);
    else if (g->kind == ASG_KIND_CLUSTER)
        snprintf(buf, n, "ECS cluster %s (instances; capacity provider reservation on the "
                 "right-hand axis)", g->name);
    else
        snprintf(buf, n, "Auto Scaling group %s", g->name);
}

/* capacity.png: per group a panel of desired, in service and pending instances (steps),
 * the offered load in requests/s on the right-hand axis (the workloads' requests per
 * interval summed, divided by the interval), and its scaling activities: dotted lines,
 * with a triangle up or down at the new desired capacity when the desired capacity changed.
 * Per ECS service the same for its tasks (desired, running, pending + provisioning), and
 * under a service on the EC2 launch type its cluster's instances with the capacity
 * provider reservation (%) on the right-hand axis instead of the load, so the two loops
 * read one above the other.
 * policy.png: per policy a panel of its metric and its alarm state.  The activities go in
 * as comma-separated datablocks, so the script still runs on its own. */
static void put_asg_figures(FILE *f, const struct plot_wide *h, const struct asg_set *s,
                            struct plot_plan *plan, const struct plot_xaxis *x)
{
    /* The load's interval: the first two rows apart, or with one row the time of its end
     * (intervals start at 0). */
    double interval_s = plan->interval_s;
    if (!(isfinite(interval_s) && interval_s > 0))
        interval_s = h->t[0];
    bool load = s->nload > 0 && isfinite(interval_s) && interval_s > 0;
    char xrange[96] = "";
    if (isfinite(h->t_last) && h->t_last > 0)
        snprintf(xrange, sizeof xrange, "set xrange [0:%.10g]\n", h->t_last / x->div);

    int npanels = 0, nmatched = 0;
    bool ecs = false, cluster = false; /* panels of services, of clusters */
    const char *ylabel = NULL;         /* the first panel's */
    for (int i = 0; i < s->n; i++) {
        const struct asg_group_cols *g = &s->g[i];
        nmatched += g->desired || g->in_service || g->pending || g->provisioning;
        if (!group_has_capacity(h, g))
            continue;
        npanels++;
        ecs = ecs || g->kind != ASG_KIND_GROUP;
        cluster = cluster || g->kind == ASG_KIND_CLUSTER;
        if (!ylabel)
            ylabel = g->kind == ASG_KIND_SERVICE ? "tasks" : "instances";
    }
    if (npanels == 0) {
        plan->skipped_why[plan->nskipped] = nmatched ? "its columns hold no values"
                                                     : "its columns are not in the CSV";
        plan->skipped[plan->nskipped++] = "capacity.png";
    } else {
        plan->made[plan->nmade++] = "capacity.png";
        fputs("\n# capacity.png\n", f);
        for (int i = 0; i < s->n; i++) {
            const struct asg_group_cols *g = &s->g[i];
            if (!group_has_capacity(h, g))
                continue;
            for (int dir = 1; dir >= -1; dir -= 2) {
                if (!count_direction(g, dir))
                    continue;
                fprintf(f, "$scale_%s_%d << EOD\n", dir > 0 ? "out" : "in", i + 1);
                for (int k = 0; k < g->nact; k++) {
                    const struct asg_activity *a = &g->act[k];
                    if ((a->to > a->from) - (a->to < a->from) == dir)
                        fprintf(f, "%.10g,%d\n", a->t_s, a->to);
                }
                fputs("EOD\n", f);
            }
        }
        plot_gp_terminal(f, npanels);
        fputs("set output 'capacity.png'\nset multiplot layout ", f);
        fprintf(f, "%d,1 title ", npanels);
        plot_gp_quoted(f, !ecs ? "Auto Scaling group capacity against offered load (dotted "
                             "lines: scaling activities; triangles: the new desired capacity)"
                      : cluster ? "Capacity against offered load, an ECS service's cluster "
                                  "below it (dotted lines: scaling activities; triangles: the "
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
        for (int i = 0; i < s->n; i++) {
            const struct asg_group_cols *g = &s->g[i];
            if (!group_has_capacity(h, g))
                continue;
            char title[512];
            unit_title(title, sizeof title, s, g);
            fputs("set title ", f);
            plot_gp_quoted(f, title);
            fputc('\n', f);
            const char *yl = g->kind == ASG_KIND_SERVICE ? "tasks" : "instances";
            if (strcmp(yl, ylabel))
                fprintf(f, "set ylabel '%s'\n", yl);
            ylabel = yl;
            /* A cluster's reservation replaces the load on the right-hand axis; the dashed
             * line at 100 % is where the instances in service are those the tasks need. */
            bool cpr = g->kind == ASG_KIND_CLUSTER && plot_csv_has_data(h, g->cpr_pct);
            if (cpr)
                fprintf(f, "%sset y2range [0:110<*]\nset y2label 'capacity provider "
                           "reservation (%%)'\n", load ? "" : "set ytics nomirror\nset y2tics\n");
            put_activity_lines(f, g, x);
            /* The steps: desired, in service (running tasks), pending (a service's pending
             * and provisioning tasks summed: started, not yet running). */
            static const char *const what[][3] = {{"desired", "in service", "pending"},
                                                  {"desired", "running", "pending"}};
            const char *const *name = what[g->kind == ASG_KIND_SERVICE];
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
                    title3 = "pending + provisioning";
                } else {
                    snprintf(expr[2], sizeof expr[2], "%d", g->provisioning);
                    title3 = "provisioning";
                }
                has[2] = true;
            }
            /* Whole instances on the axis, at least 1 between tics, about 8 tics, and one
             * more above the largest value so its triangle shows.  A set yrange would
             * filter what stats sees. */
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
        fputs("unset multiplot\nset ytics autofreq\n", f);
        if (ecs)
            fputs("set lmargin\nset rmargin\n", f);
        if (load)
            fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
    }

    /* policy.png: one panel per policy with a value in either series. */
    npanels = nmatched = 0;
    for (int i = 0; i < s->n; i++)
        for (int p = 0; p < s->g[i].npol; p++) {
            const struct asg_policy_cols *pc = &s->g[i].pol[p];
            nmatched++;
            npanels += plot_csv_has_data(h, pc->metric) || plot_csv_has_data(h, pc->alarm);
        }
    if (nmatched == 0)
        goto out_restore; /* groups without policies: nothing to explain */
    if (npanels == 0) {
        plan->skipped_why[plan->nskipped] = "its columns hold no values";
        plan->skipped[plan->nskipped++] = "policy.png";
        goto out_restore;
    }
    plan->made[plan->nmade++] = "policy.png";
    fputs("\n# policy.png\n", f);
    plot_gp_terminal(f, npanels);
    fprintf(f, "set output 'policy.png'\nset multiplot layout %d,1 title ", npanels);
    plot_gp_quoted(f, "Scaling policies: the metric datapoint each policy last saw and its alarm "
                  "state (dotted lines: scaling activities)");
    fprintf(f, "\n%sset key on\nset xlabel ", xrange);
    plot_gp_quoted(f, x->label);
    fputc('\n', f);
    for (int i = 0; i < s->n; i++) {
        const struct asg_group_cols *g = &s->g[i];
        for (int p = 0; p < g->npol; p++) {
            const struct asg_policy_cols *pc = &g->pol[p];
            bool metric = plot_csv_has_data(h, pc->metric), alarm = plot_csv_has_data(h, pc->alarm);
            if (!metric && !alarm)
                continue;
            char title[512];
            snprintf(title, sizeof title, "%s %s, policy %s",
                     g->kind == ASG_KIND_SERVICE ? "ECS service" : "Auto Scaling group",
                     g->name, pc->name);
            fputs("set title ", f);
            plot_gp_quoted(f, title);
            /* The alarm on the right-hand axis, or alone on the left one. */
            const char *ax = metric ? "y2" : "y";
            fprintf(f, "\nset yrange [*<0:*]\nset ylabel '%s'\n",
                    metric ? "metric" : "alarm state");
            if (metric && alarm)
                fputs("set ytics nomirror\nset y2label 'alarm state'\n", f);
            if (alarm)
                fprintf(f, "set %srange [-0.25:2.25]\nset %stics ('INSUFFICIENT_DATA' 0, "
                           "'OK' 1, 'ALARM' 2)\n", ax, ax);
            put_activity_lines(f, g, x);
            fputs("plot ", f);
            if (metric) {
                plot_gp_using_x(f, "data skip 1", x);
                fprintf(f, "%d axes x1y1 with lines lw 2 lc 1 title 'metric'", pc->metric);
            }
            if (alarm) {
                if (metric)
                    fputs(", \\\n     ", f);
                plot_gp_using_x(f, "data skip 1", x);
                fprintf(f, "%d axes x1%s with steps lw 1 lc rgb '#d7191c' title "
                           "'alarm state%s'", pc->alarm, metric ? "y2" : "y1",
                        metric ? " (right axis)" : "");
            }
            fputc('\n', f);
            if (g->nact)
                fputs("unset arrow\n", f);
            if (metric && alarm)
                fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
            else if (alarm)
                fputs("set ytics autofreq\n", f);
        }
    }
    fputs("unset multiplot\n", f);

out_restore:
    fputs("set xrange [*:*]\n", f);
    plot_gp_terminal(f, 1);
}

/* ---- predictive scaling: forecast against actual (forecast.csv of a run) -------------- */

#define HOUR_S 3600.0 /* forecast.csv has one row per hour, time_s its start */

/* forecast.csv's columns, in the order `elbsim run` writes them (sim/cli/run.c). */
enum { FC_TIME, FC_LOAD, FC_CAP, FC_ACT_LOAD, FC_ACT_CAP, FC_NCOLS };
static const char *const fc_col_name[FC_NCOLS] = {"time_s", "forecast_load",
                                                  "forecast_capacity", "actual_load",
                                                  "actual_capacity"};

/* What forecast.png needs from forecast.csv, gathered in one pass: which columns hold a
 * value, when the first forecast starts and when the last hour ends.  Memory O(1). */
struct fc_file {
    bool present;              /* the folder has a forecast.csv */
    bool has_data[FC_NCOLS];   /* column k has a non-empty cell in some row */
    double t_first_fc;         /* s, start of the first hour with a forecast_load; NAN */
    double t_end;              /* s, end of the last hour; NAN without rows */
    /* parser state */
    int field, records;        /* records: complete records seen (header included) */
    bool bad_header;
    double t_row;              /* s, time of the current row; NAN when not a number */
};

static void fc_field(void *s, size_t len, void *data)
{
    struct fc_file *fc = data;
    const char *text = s ? s : "";
    int k = fc->field++;
    if (fc->records == 0) {
        fc->bad_header |= k >= FC_NCOLS || strcmp(text, fc_col_name[k]);
        return;
    }
    if (k == FC_TIME) {
        char *end;
        double t = strtod(text, &end);
        fc->t_row = len > 0 && end != text && isfinite(t) ? t : (double)NAN;
        if (isfinite(fc->t_row) && !(fc->t_row + HOUR_S <= fc->t_end))
            fc->t_end = fc->t_row + HOUR_S;
    } else if (k < FC_NCOLS && len > 0) {
        fc->has_data[k] = true;
        if (k == FC_LOAD && isnan(fc->t_first_fc))
            fc->t_first_fc = fc->t_row;
    }
}

static void fc_record(int c, void *data)
{
    struct fc_file *fc = data;
    (void)c;
    if (fc->records++ == 0)
        fc->bad_header |= fc->field != FC_NCOLS;
    fc->field = 0;
}

/* Read DIR/forecast.csv into *fc; a folder without one leaves fc->present false.
 * Returns 0 or a PLOT_ERR_*, after printing the reason. */
static int fc_read(const char *dir, struct fc_file *fc)
{
    memset(fc, 0, sizeof *fc);
    fc->t_first_fc = fc->t_end = fc->t_row = (double)NAN;
    char *path = text_join_path(dir, PLOT_FORECAST_CSV);
    int rc = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
            rc = PLOT_ERR_IO;
        }
        goto out_free;
    }
    fc->present = true;
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        diag_error(NULL, "cannot set up the CSV parser for '%s'", path);
        rc = PLOT_ERR_IO;
        goto out_close;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, n, fc_field, fc_record, fc) != n) {
            diag_error(NULL, "%s: malformed CSV: %s", path, csv_strerror(csv_error(&p)));
            rc = PLOT_ERR_DATA;
            goto out_fini;
        }
    }
    if (ferror(f)) {
        diag_error(NULL, "cannot read '%s': %s", path, strerror(errno));
        rc = PLOT_ERR_IO;
        goto out_fini;
    }
    csv_fini(&p, fc_field, fc_record, fc);
    if (fc->records == 0 || fc->bad_header) {
        diag_error(NULL, "%s: expected a header `time_s,forecast_load,forecast_capacity,"
                   "actual_load,actual_capacity`", path);
        rc = PLOT_ERR_DATA;
    }
out_fini:
    csv_free(&p);
out_close:
    fclose(f);
out_free:
    free(path);
    return rc;
}

/* The group forecast.csv belongs to.  `elbsim run` writes it for the first predictive
 * policy but does not name the group: the first group (in column order) with a predictive
 * activity, else the only group; NULL when neither tells.  ECS services are not candidates
 * (forecast.png draws instances). */
static const struct asg_group_cols *fc_group(const struct asg_set *s)
{
    int ngroups = 0, only = -1;
    for (int i = 0; i < s->n; i++) {
        if (s->g[i].kind != ASG_KIND_GROUP)
            continue;
        ngroups++;
        only = i;
        for (int k = 0; k < s->g[i].nact; k++)
            if (s->g[i].act[k].cause == ASG_CAUSE_PREDICTIVE)
                return &s->g[i];
    }
    return ngroups == 1 ? &s->g[only] : NULL;
}

/* The activities forecast.png marks: predictive ones that changed the desired capacity
 * (which == 0), dynamic ones that raised it (1) or lowered it (-1). */
static bool fc_marks(const struct asg_activity *a, int which)
{
    int dir = (a->to > a->from) - (a->to < a->from);
    if (dir == 0)
        return false;
    if (which == 0)
        return a->cause == ASG_CAUSE_PREDICTIVE;
    return a->cause == ASG_CAUSE_DYNAMIC && dir == which;
}

/* forecast.png: the forecast against the measured load per hour, and the capacity
 * predictive scaling scheduled against the desired and in-service capacity and the load.
 * forecast.csv is referred to by file name and column number like timeseries_wide.csv;
 * its hours are drawn as horizontal segments (`with vectors`) from time_s to time_s + 1 h,
 * so an empty cell leaves a gap rather than being bridged as `with steps` would. */
static void put_forecast_figure(FILE *f, const struct plot_wide *h, const struct asg_set *s,
                                const struct fc_file *fc, struct plot_plan *plan,
                                const struct plot_xaxis *x)
{
    const struct asg_group_cols *g = fc_group(s);
    bool desired = g && plot_csv_has_data(h, g->desired);
    bool top = fc->has_data[FC_LOAD] || fc->has_data[FC_ACT_LOAD];
    bool bottom = fc->has_data[FC_CAP] || fc->has_data[FC_ACT_CAP] || desired;
    if (!top && !bottom) {
        plan->skipped_why[plan->nskipped] = "its columns hold no values";
        plan->skipped[plan->nskipped++] = "forecast.png";
        return;
    }
    plan->made[plan->nmade++] = "forecast.png";
    /* x of an hour's start and middle, and an hour's width, in the axis's unit */
    char x0[64], xmid[64], width[32];
    if (x->div != 1) {
        snprintf(x0, sizeof x0, "(column(1)/%g)", x->div);
        snprintf(xmid, sizeof xmid, "((column(1)+%g)/%g)", HOUR_S / 2, x->div);
    } else {
        snprintf(x0, sizeof x0, "1");
        snprintf(xmid, sizeof xmid, "(column(1)+%g)", HOUR_S / 2);
    }
    snprintf(width, sizeof width, "%.10g", HOUR_S / x->div);
    double t_end = fc->t_end;
    if (isfinite(h->t_last) && !(h->t_last <= t_end))
        t_end = h->t_last;

    fputs("\n# forecast.png\nfc = '" PLOT_FORECAST_CSV "'\n", f);
    static const char *const block[] = {"$fc_predictive", "$fc_dynamic_out", "$fc_dynamic_in"};
    static const int which[] = {0, 1, -1};
    int nmarks[3] = {0, 0, 0}, marks_max = 0;
    for (int b = 0; g && bottom && b < 3; b++) {
        for (int k = 0; k < g->nact; k++)
            nmarks[b] += fc_marks(&g->act[k], which[b]);
        if (!nmarks[b])
            continue;
        fprintf(f, "%s << EOD\n", block[b]);
        for (int k = 0; k < g->nact; k++) {
            const struct asg_activity *a = &g->act[k];
            if (!fc_marks(a, which[b]))
                continue;
            fprintf(f, "%.10g,%d\n", a->t_s, a->to);
            if (a->to > marks_max)
                marks_max = a->to;
        }
        fputs("EOD\n", f);
    }
    int npanels = top + bottom;
    plot_gp_terminal(f, npanels);
    fprintf(f, "set output 'forecast.png'\nset multiplot layout %d,1 title ", npanels);
    plot_gp_quoted(f, "Predictive scaling: forecast against actual, per hour");
    fputc('\n', f);
    if (isfinite(t_end) && t_end > 0)
        fprintf(f, "set xrange [0:%.10g]\n", t_end / x->div);
    fputs("set key on\nset xlabel ", f);
    plot_gp_quoted(f, x->label);
    fputc('\n', f);
    /* The hours before the first forecast (the first day, when the policy waits for 24 h of
     * the run's own history), shaded in both panels. */
    bool gap = isfinite(fc->t_first_fc) && fc->t_first_fc > 0;
    if (gap)
        fprintf(f, "set object 1 rect from 0, graph 0 to %.10g, graph 1 behind "
                   "fillcolor rgb '#eeeeee' fillstyle solid noborder\n",
                fc->t_first_fc / x->div);

    if (top) {
        fprintf(f, "set title 'Load: the forecast in force when each hour began against the "
                   "load measured in it%s'\nset ylabel 'load (the policy''s load metric)'\n"
                   "set yrange [0:*]\nset offsets 0, 0, graph 0.05, 0\n",
                gap ? " (shaded: no forecast yet)" : "");
        const char *sep = "plot ";
        if (fc->has_data[FC_LOAD]) {
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) with vectors nohead lw 3 "
                       "lc rgb '#2c7bb6' title 'forecast load'", sep, x0, FC_LOAD + 1, width);
            sep = ", \\\n     ";
        }
        if (fc->has_data[FC_ACT_LOAD])
            fprintf(f, "%sfc skip 1 using %s:%d with points pt 7 ps 1 lc rgb '#d7191c' "
                       "title 'measured load'", sep, xmid, FC_ACT_LOAD + 1);
        fputs("\nset offsets\n", f);
    }

    if (bottom) {
        char title[512];
        if (g)
            snprintf(title, sizeof title, "Capacity of Auto Scaling group %s: predictive "
                     "schedule, desired (all policies) and in service", g->name);
        else
            snprintf(title, sizeof title, "Capacity: predictive schedule and in service");
        fputs("set title ", f);
        plot_gp_quoted(f, title);
        fputs("\nset ylabel 'instances'\n", f);
        bool load = fc->has_data[FC_ACT_LOAD];
        if (load)
            fputs("set ytics nomirror\nset y2tics\nset y2range [0:*]\n"
                  "set y2label 'measured load (the policy''s load metric)'\n", f);
        /* Whole instances on the axis, as in capacity.png; room above the largest value
         * for its marker. */
        fprintf(f, "set yrange [*:*]\nymax = %d\n", marks_max);
        if (fc->has_data[FC_CAP])
            fprintf(f, "stats fc skip 1 using %d nooutput\n"
                       "ymax = STATS_max > ymax ? STATS_max : ymax\n", FC_CAP + 1);
        if (fc->has_data[FC_ACT_CAP])
            fprintf(f, "stats fc skip 1 using %d nooutput\n"
                       "ymax = STATS_max > ymax ? STATS_max : ymax\n", FC_ACT_CAP + 1);
        if (desired)
            fprintf(f, "stats data skip 1 using %d nooutput\n"
                       "ymax = STATS_max > ymax ? STATS_max : ymax\n", g->desired);
        fputs("ystep = ceil(ymax / 8.0) > 1 ? ceil(ymax / 8.0) : 1\n"
              "set ytics ystep\nset yrange [0:ymax + ystep]\n", f);
        /* Activities: predictive dashed purple, dynamic dotted gray (arrows from 1). */
        int arrow = 0;
        for (int k = 0; g && k < g->nact; k++) {
            const struct asg_activity *a = &g->act[k];
            bool pred = fc_marks(a, 0);
            if (!pred && !fc_marks(a, 1) && !fc_marks(a, -1))
                continue;
            fprintf(f, "set arrow %d from %.10g, graph 0 to %.10g, graph 1 nohead dt %d "
                       "lc rgb '%s' back\n", ++arrow, a->t_s / x->div, a->t_s / x->div,
                    pred ? 2 : 3, pred ? "#7b3294" : "gray50");
        }
        const char *sep = "plot ";
        if (fc->has_data[FC_CAP]) {
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y1 with vectors nohead lw 3 "
                       "lc rgb '#7b3294' title 'forecast capacity (predictive schedule)'",
                    sep, x0, FC_CAP + 1, width);
            sep = ", \\\n     ";
        }
        if (desired) {
            fputs(sep, f);
            plot_gp_using_x(f, "data skip 1", x);
            fprintf(f, "%d axes x1y1 with steps lw 1 lc rgb '#2c7bb6' title 'desired'",
                    g->desired);
            sep = ", \\\n     ";
        }
        if (fc->has_data[FC_ACT_CAP]) {
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y1 with vectors nohead lw 2 "
                       "lc rgb '#1a9641' title 'in service (mean per hour)'",
                    sep, x0, FC_ACT_CAP + 1, width);
            sep = ", \\\n     ";
        }
        static const char *const mark[] = {
            "with points pt 13 ps 2 lc rgb '#7b3294' title 'predictive scaling (new desired)'",
            "with points pt 9 ps 2 lc rgb '#1a9641' title 'dynamic scale out (new desired)'",
            "with points pt 11 ps 2 lc rgb '#d7191c' title 'dynamic scale in (new desired)'"};
        for (int b = 0; b < 3; b++) {
            if (!nmarks[b])
                continue;
            fputs(sep, f);
            plot_gp_using_x(f, block[b], x);
            fprintf(f, "2 axes x1y1 %s", mark[b]);
            sep = ", \\\n     ";
        }
        if (load)
            fprintf(f, "%sfc skip 1 using %s:%d:(%s):(0) axes x1y2 with vectors nohead lw 1 "
                       "lc rgb 'gray30' title 'measured load (right axis)'",
                    sep, x0, FC_ACT_LOAD + 1, width);
        fputc('\n', f);
        if (arrow)
            fputs("unset arrow\n", f);
        fputs("set ytics autofreq\n", f);
        if (load)
            fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
    }
    if (gap)
        fputs("unset object 1\n", f);
    fputs("unset multiplot\nset xrange [*:*]\n", f);
    plot_gp_terminal(f, 1);
}

/* Build the whole script into f, recording the figures in plan; the Auto Scaling figures
 * come last, then the forecast, so a run without groups or forecast.csv gets the same
 * script as before they existed. */
static void put_script(FILE *f, const struct plot_wide *h, const struct asg_set *groups,
                       const struct fc_file *fc, struct plot_plan *plan)
{
    char per[64], title[256], y2[128];
    interval_text(per, sizeof per, plan->interval_s);
    struct plot_xaxis x = plot_gp_xaxis_for(h->t_last);
    struct figure fig = {xmalloc((size_t)h->ncols * sizeof *fig.c), 0, 0, h->has_data};
    const char *name;
    int nl;
    plot_gp_preamble(f);

    static const char *const pct[][2] = {
        {"latency_p50_s", "p50"}, {"latency_p90_s", "p90"}, {"latency_p99_s", "p99"}};
    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        for (int k = 0; k < 3; k++)
            if (plot_csv_label_is(h->cols[i], "workload", pct[k][0], &name, &nl))
                add_curve(&fig, i + 1, 1000, false, name, nl, pct[k][1]);
    if (plan_figure(plan, "latency.png", &fig)) {
        snprintf(title, sizeof title,
                 "Client-observed latency percentiles %s (p50 = median; p99 = 1 request "
                 "in 100 is slower)", per);
        put_figure(f, "latency.png", title, "latency (ms, log scale)", NULL, true, &x, &fig);
    }

    fig.n = fig.matched = 0;
    bool counts = false;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], "workload", "throughput_rps", &name, &nl))
            add_curve(&fig, i + 1, 1, false, name, nl, "completed (req/s)");
        else if (plot_csv_label_is(h->cols[i], "workload", "errors", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "errors (right axis)");
        else if (plot_csv_label_is(h->cols[i], "workload", "timeouts", &name, &nl))
            add_curve(&fig, i + 1, 1, true, name, nl, "timeouts (right axis)");
    }
    for (int i = 0; i < fig.n; i++)
        counts = counts || fig.c[i].y2;
    if (plan_figure(plan, "throughput.png", &fig)) {
        snprintf(title, sizeof title, "Completed requests per second, errors and timeouts, %s",
                 per);
        snprintf(y2, sizeof y2, "failed requests (count %s)", per);
        put_figure(f, "throughput.png", title, "throughput (requests per second)",
                   counts ? y2 : NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++)
        if (plot_csv_label_is(h->cols[i], "target", "utilization", &name, &nl))
            add_curve(&fig, i + 1, 100, false, name, nl, "");
    if (plan_figure(plan, "utilization.png", &fig)) {
        snprintf(title, sizeof title,
                 "CPU utilization of each target (share of its vCPUs busy), %s", per);
        put_figure(f, "utilization.png", title, "utilization (%)", NULL, false, &x, &fig);
    }

    fig.n = fig.matched = 0;
    for (int i = 1; i < h->ncols; i++) {
        if (plot_csv_label_is(h->cols[i], NULL, "in_flight", &name, &nl)) {
            /* any scope: titled "lb front in flight", "workload shoppers in flight" */
            char who[128];
            snprintf(who, sizeof who, "%.*s %.*s", (int)(name - 1 - h->cols[i]), h->cols[i],
                     nl, name);
            add_curve(&fig, i + 1, 1, false, who, (int)strlen(who), "in flight");
        } else if (plot_csv_label_is(h->cols[i], "target", "queue_length", &name, &nl)) {
            add_curve(&fig, i + 1, 1, false, name, nl, "queued");
        }
    }
    if (plan_figure(plan, "inflight.png", &fig)) {
        snprintf(title, sizeof title,
                 "Requests in flight (accepted, not yet answered) and waiting in target queues, "
                 "%s", per);
        put_figure(f, "inflight.png", title, "requests", NULL, false, &x, &fig);
    }
    free(fig.c);
    if (groups->n > 0)
        put_asg_figures(f, h, groups, plan, &x);
    if (fc->present)
        put_forecast_figure(f, h, groups, fc, plan, &x);
}

int plot_write_script(const char *dir, struct plot_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->interval_s = (double)NAN;
    {
        /* A sweep's folder (sweep.csv, no time series): its own plots. */
        char *ts = text_join_path(dir, PLOT_WIDE_CSV), *sw = text_join_path(dir, PLOT_SWEEP_CSV);
        struct stat st;
        bool sweep = stat(ts, &st) != 0 && stat(sw, &st) == 0;
        free(ts);
        free(sw);
        if (sweep)
            return plot_sweep_write(dir, plan);
    }
    char *csv = text_join_path(dir, PLOT_WIDE_CSV);
    char *gp = text_join_path(dir, PLOT_SCRIPT_NAME);
    struct plot_wide h;
    int rc = plot_csv_wide_read(csv, &h);
    if (rc != 0)
        goto out_free;
    if (h.records >= 3)
        plan->interval_s = h.t[1] - h.t[0];
    struct asg_set groups;
    asg_set_find(&groups, &h);
    if (groups.n > 0 && (rc = asg_read_events(dir, &groups)) != 0)
        goto out_groups;
    struct fc_file fc;
    if ((rc = fc_read(dir, &fc)) != 0)
        goto out_groups;

    struct plot_gp script;
    if ((rc = plot_gp_open(&script, gp)) != 0)
        goto out_groups;
    put_script(script.f, &h, &groups, &fc, plan);
    rc = plot_gp_commit(&script);
out_groups:
    asg_set_free(&groups);
out_free:
    plot_csv_wide_free(&h);
    free(csv);
    free(gp);
    return rc;
}