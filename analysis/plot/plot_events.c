/*
 * events.csv (`time_s,kind,name,detail`) as the plots see it: the scaling activities of
 * the groups, ECS services and clusters (capacity.png, policy.png, forecast.png), the
 * events marked on latency.png and throughput.png (a strip under the figure: scaling
 * activities, targets turning healthy or unhealthy, faults starting and ending), and the
 * time each target came into service during the run (health "initial -> healthy") and
 * left for good ("... -> unused": deregistered after draining, terminated), outside which
 * its lines are not drawn.
 *
 * A scaling row names its unit but not the unit's kind, and a group, a service and a
 * cluster may share a name: the detail tells them apart as the models word it (services:
 * "Setting desired count to N. Cause: ...", models/containers/ecs.c; clusters: "...
 * policy ECSManagedAutoScalingPolicy-...", ecs_cluster.c; groups: anything else,
 * models/scaling/asg.c; EKS deployments: "SuccessfulRescale: ...", clusters: Karpenter's
 * "Launched: ..." and "Disruption...", models/kube).  See plot_impl.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

#define SERVICE_PREFIX "Setting desired count to "
#define CLUSTER_POLICY "ECSManagedAutoScalingPolicy-"

/* The marks: in the strip's rows (0 at the bottom) with their points and key titles. */
static const struct {
    int row;          /* 0 faults, 1 health, 2 scaling */
    const char *style;
    const char *title;
} mark_style[PLOT_MARK_NKINDS] = {
    [PLOT_MARK_SCALE_OUT] = {2, "pt 9 ps 1.6 lc rgb '#1a9641'", "scale out"},
    [PLOT_MARK_SCALE_IN] = {2, "pt 11 ps 1.6 lc rgb '#d7191c'", "scale in"},
    [PLOT_MARK_SCALING] = {2, "pt 13 ps 1.4 lc rgb 'gray40'", "other scaling activity"},
    [PLOT_MARK_HEALTHY] = {1, "pt 7 ps 0.8 lc rgb '#1a9641'", "target healthy"},
    [PLOT_MARK_UNHEALTHY] = {1, "pt 2 ps 1.4 lw 2 lc rgb '#d7191c'", "target unhealthy"},
    [PLOT_MARK_FAULT_START] = {0, "pt 5 ps 1.2 lc rgb '#7b3294'", "fault starts"},
    [PLOT_MARK_FAULT_END] = {0, "pt 4 ps 1.2 lc rgb '#7b3294'", "fault ends"},
};
static const char *const row_name[] = {"faults", "health", "scaling"};

/* "... changing the desired capacity from X to Y." (models/scaling/asg.c and the policies);
 * the Cluster Autoscaler's "setting group G size to Y instead of X" and the HPA's
 * "New size: Y; reason: ..." (models/kube), whose direction is in its reason (X is then
 * Y - 1 or Y + 1: only the direction and Y are drawn). */
static bool parse_change(const char *detail, int *from, int *to)
{
    const char *p = strstr(detail, " size to ");
    int a, b, n = 0;
    if (p && sscanf(p, " size to %d instead of %d%n", &b, &a, &n) == 2 && n > 0) {
        *from = a;
        *to = b;
        return true;
    }
    p = strstr(detail, "New size: ");
    if (p && sscanf(p, "New size: %d", &b) == 1) {
        bool down = strstr(detail, "below target") || strstr(detail, "above Spec.MaxReplicas");
        *to = b;
        *from = down ? b + 1 : b - 1;
        return true;
    }
    for (const char *q = strstr(detail, "from "); q; q = strstr(q + 1, "from ")) {
        n = 0;
        if (sscanf(q, "from %d to %d%n", &a, &b, &n) == 2 && n > 0) {
            *from = a;
            *to = b;
            return true;
        }
    }
    return false;
}

/* The unit a scaling row belongs to: its name and the kind its detail tells; a name of
 * one unit only is that unit whatever the wording.  -1 when no unit has the name. */
static int scaling_unit(const struct plot_units *s, const char *name, const char *detail)
{
    enum plot_unit_kind kind = !strncmp(detail, SERVICE_PREFIX, strlen(SERVICE_PREFIX))
                                   ? PLOT_UNIT_SERVICE
                               : strstr(detail, CLUSTER_POLICY)         ? PLOT_UNIT_CLUSTER
                               : !strncmp(detail, "SuccessfulRescale:", 18) ? PLOT_UNIT_DEPLOYMENT
                               : !strncmp(detail, "Launched:", 9) || !strncmp(detail, "Disruption", 10)
                                   ? PLOT_UNIT_EKS
                                   : PLOT_UNIT_GROUP;
    int g = plot_units_index(s, (int)kind, name, strlen(name));
    if (g >= 0)
        return g;
    int n = 0;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->g[i].name, name)) {
            g = i;
            n++;
        }
    return n == 1 ? g : -1;
}

static void add_mark(struct plot_events *ev, double t, enum plot_mark_kind kind)
{
    if (ev->nmark == ev->capmark) {
        ev->capmark = ev->capmark ? 2 * ev->capmark : 64;
        ev->mark = xrealloc(ev->mark, (size_t)ev->capmark * sizeof *ev->mark);
    }
    ev->mark[ev->nmark++] = (struct plot_mark){t, kind};
}

/* The span of target name, added when it has none yet.  O(targets with one) per call. */
static struct plot_span *span_of(struct plot_events *ev, const char *name)
{
    for (int i = ev->nspan - 1; i >= 0; i--)
        if (!strcmp(ev->span[i].name, name))
            return &ev->span[i];
    if (ev->nspan == ev->capspan) {
        ev->capspan = ev->capspan ? 2 * ev->capspan : 16;
        ev->span = xrealloc(ev->span, (size_t)ev->capspan * sizeof *ev->span);
    }
    ev->span[ev->nspan] = (struct plot_span){xstrdup(name), (double)NAN, (double)NAN};
    return &ev->span[ev->nspan++];
}

static void add_activity(struct plot_unit *gc, double t, const char *detail)
{
    if (gc->nact == gc->capact) {
        gc->capact = gc->capact ? 2 * gc->capact : 16;
        gc->act = xrealloc(gc->act, (size_t)gc->capact * sizeof *gc->act);
    }
    struct plot_activity *a = &gc->act[gc->nact++];
    a->t_s = t;
    if (!parse_change(detail, &a->from, &a->to))
        a->from = a->to = 0;
    /* A service's activity gives its cause after "Cause: ". */
    const char *cause = strstr(detail, "Cause: ");
    cause = cause ? cause + 7 : detail;
    if (!strncmp(cause, "Predictive scaling policy ", 26))
        a->cause = PLOT_CAUSE_PREDICTIVE;
    else if (!strncmp(cause, "Alarm ", 6))
        a->cause = PLOT_CAUSE_DYNAMIC;
    else
        a->cause = PLOT_CAUSE_OTHER;
}

/* events.csv read a record at a time; O(scaling, health and fault rows) memory. */
struct ev_reader {
    struct plot_units *s;
    struct plot_events *ev;
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

/* A health detail's new state: the word after "-> ". */
static bool health_becomes(const char *detail, const char *state)
{
    const char *p = strstr(detail, "-> ");
    size_t n = strlen(state);
    return p && !strncmp(p + 3, state, n) && (p[3 + n] == '\0' || p[3 + n] == ' ');
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
    char *end;
    double t = strtod(r->f[0], &end);
    if (r->bad_header || end == r->f[0] || !isfinite(t))
        return;
    const char *kind = r->f[1], *name = r->f[2], *detail = r->f[3];
    struct plot_events *ev = r->ev;
    /* An instance launched or taken out for a change of desired capacity repeats the row
     * of the decision ("Launching a new EC2 instance: ... in response to a difference
     * between desired and actual capacity ..."): marked once, by the decision. */
    if (!strcmp(kind, "scaling") &&
        strstr(detail, "in response to a difference between desired and actual capacity"))
        return;
    if (!strcmp(kind, "scaling")) {
        int from, to;
        enum plot_mark_kind m = PLOT_MARK_SCALING;
        if (parse_change(detail, &from, &to) && to != from)
            m = to > from ? PLOT_MARK_SCALE_OUT : PLOT_MARK_SCALE_IN;
        add_mark(ev, t, m);
        int g = scaling_unit(r->s, name, detail);
        if (g >= 0)
            add_activity(&r->s->g[g], t, detail);
    } else if (!strcmp(kind, "health")) {
        if (health_becomes(detail, "healthy")) {
            add_mark(ev, t, PLOT_MARK_HEALTHY);
            if (!strncmp(detail, "initial ", 8)) {
                struct plot_span *sp = span_of(ev, name);
                if (isnan(sp->start_s))
                    sp->start_s = t;
            }
        } else if (health_becomes(detail, "unhealthy")) {
            add_mark(ev, t, PLOT_MARK_UNHEALTHY);
        } else if (health_becomes(detail, "unused")) {
            span_of(ev, name)->end_s = t; /* the last, should a target come back */
        }
    } else if (!strcmp(kind, "fault")) {
        size_t n = strlen(detail);
        bool ends = n >= 5 && !strcmp(detail + n - 5, " ends");
        add_mark(ev, t, ends ? PLOT_MARK_FAULT_END : PLOT_MARK_FAULT_START);
    }
}

int plot_events_read(const char *dir, struct plot_units *s, struct plot_events *ev)
{
    memset(ev, 0, sizeof *ev);
    char *path = text_join_path(dir, PLOT_EVENTS_CSV);
    struct ev_reader r = {s, ev, {NULL}, 0, 0, false};
    int rc = plot_csv_read(path, true, ev_field, ev_record, &r);
    if (rc == PLOT_CSV_ABSENT) {
        rc = 0; /* an older run: no events to mark */
    } else if (rc == 0 && r.records > 0 && r.bad_header) {
        diag_error(NULL, "%s: expected a header `time_s,kind,name,detail`", path);
        rc = PLOT_ERR_DATA;
    }
    for (int i = 0; i < 4; i++)
        free(r.f[i]);
    free(path);
    return rc;
}

void plot_events_free(struct plot_events *ev)
{
    for (int i = 0; i < ev->nspan; i++)
        free(ev->span[i].name);
    free(ev->span);
    free(ev->mark);
    memset(ev, 0, sizeof *ev);
}

void plot_events_span(const struct plot_events *ev, const char *name, size_t len,
                      double *start_s, double *end_s)
{
    *start_s = *end_s = (double)NAN;
    for (int i = 0; i < ev->nspan; i++)
        if (strlen(ev->span[i].name) == len && !strncmp(ev->span[i].name, name, len)) {
            *start_s = ev->span[i].start_s;
            *end_s = ev->span[i].end_s;
            return;
        }
}

/* ---- the strip of marks ------------------------------------------------------------------ */

/* The strip's rows that have marks, bottom up, as 0, 1, ...; -1 for an empty row. */
static int strip_rows(const struct plot_events *ev, int place[3])
{
    bool used[3] = {false, false, false};
    for (int i = 0; i < ev->nmark; i++)
        used[mark_style[ev->mark[i].kind].row] = true;
    int n = 0;
    for (int r = 0; r < 3; r++)
        place[r] = used[r] ? n++ : -1;
    return n;
}

void plot_events_put_blocks(FILE *f, struct plot_events *ev)
{
    if (ev->blocks_put)
        return;
    ev->blocks_put = true;
    int place[3];
    strip_rows(ev, place);
    for (int k = 0; k < PLOT_MARK_NKINDS; k++) {
        bool any = false;
        for (int i = 0; i < ev->nmark; i++) {
            if (ev->mark[i].kind != (enum plot_mark_kind)k)
                continue;
            if (!any)
                fprintf(f, "$marks_%d << EOD\n", k + 1);
            any = true;
            fprintf(f, "%.10g,%d\n", ev->mark[i].t_s, place[mark_style[k].row]);
        }
        if (any)
            fputs("EOD\n", f);
    }
}

/* Vertical lines through the main panel at the activities and fault starts, when they
 * are few enough to leave the data readable. */
#define LINES_MAX 60

void plot_events_put_lines(FILE *f, const struct plot_events *ev, const struct plot_xaxis *x)
{
    int n = 0;
    for (int i = 0; i < ev->nmark; i++)
        n += mark_style[ev->mark[i].kind].row != 1 && ev->mark[i].kind != PLOT_MARK_FAULT_END;
    if (n > LINES_MAX)
        return;
    int arrow = 0;
    for (int i = 0; i < ev->nmark; i++) {
        const struct plot_mark *m = &ev->mark[i];
        if (mark_style[m->kind].row == 1 || m->kind == PLOT_MARK_FAULT_END)
            continue;
        fprintf(f, "set arrow %d from %.10g, graph 0 to %.10g, graph 1 nohead dt 3 lc rgb '%s' "
                   "back\n", ++arrow, m->t_s / x->div, m->t_s / x->div,
                m->kind == PLOT_MARK_FAULT_START ? "#7b3294" : "gray50");
    }
}

void plot_events_put_strip(FILE *f, const struct plot_events *ev, const struct plot_xaxis *x)
{
    int place[3], nrows = strip_rows(ev, place);
    fputs("set title\nset ylabel\nset ytics (", f);
    for (int r = 0, k = 0; r < 3; r++)
        if (place[r] >= 0) {
            fprintf(f, "%s'%s' %d", k++ ? ", " : "", row_name[r], place[r]);
        }
    fprintf(f, ")\nset yrange [-0.6:%d.6]\nset grid noytics\nset xlabel ", nrows - 1);
    plot_gp_quoted(f, x->label);
    fputs("\nset format x '%g'\nset key below horizontal\n", f);
    const char *sep = "plot ";
    for (int k = 0; k < PLOT_MARK_NKINDS; k++) {
        bool any = false;
        for (int i = 0; i < ev->nmark && !any; i++)
            any = ev->mark[i].kind == (enum plot_mark_kind)k;
        if (!any)
            continue;
        char block[32];
        snprintf(block, sizeof block, "$marks_%d", k + 1);
        fputs(sep, f);
        plot_gp_using_x(f, block, x);
        fprintf(f, "2 with points %s title '%s'", mark_style[k].style, mark_style[k].title);
        sep = ", \\\n     ";
    }
    fputs("\nset grid ytics\nset ytics autofreq\nset yrange [*:*]\n", f);
}
