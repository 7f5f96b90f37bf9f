/* The Auto Scaling groups, ECS services and ECS clusters of a run ("units"), found among
 * timeseries_wide.csv's labels, with their policies and their scaling activities from
 * events.csv: what capacity.png, policy.png and forecast.png draw.  See plot_impl.h. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* The unit of that kind and name (kind < 0: any kind, the first in column order). */
static int units_index(const struct plot_units *s, int kind, const char *name, size_t len)
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
};

/* Group series are asg.GROUP.{desired,pending,in_service,warming,draining}; service series
 * ecs.SVC.{desired,provisioning,pending,running,draining}; cluster series
 * ecs_cluster.CL.{desired,pending,in_service,cpr_pct,needed}.  A policy's are
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
            int g = units_index(s, (int)us->kind, name, (size_t)nl);
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
            gc->pol[p] = (struct plot_policy){xmalloc(pl + 1), 0, 0};
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

/* ---- events.csv ---------------------------------------------------------------------------- */

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

/* events.csv read a record at a time; only the scaling rows of known units are kept
 * (O(those rows) memory: the file also holds every health change). */
struct ev_reader {
    struct plot_units *s;
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
    /* An instance launched or taken out for a change of desired capacity repeats the row
     * of the decision ("Launching a new EC2 instance: ... in response to a difference
     * between desired and actual capacity ..."): marked once, by the decision. */
    if (strstr(r->f[3], "in response to a difference between desired and actual capacity"))
        return;
    int g = units_index(r->s, -1, r->f[2], strlen(r->f[2]));
    char *end;
    double t = strtod(r->f[0], &end);
    if (g < 0 || end == r->f[0] || !isfinite(t))
        return;
    struct plot_unit *gc = &r->s->g[g];
    if (gc->nact == gc->capact) {
        gc->capact = gc->capact ? 2 * gc->capact : 16;
        gc->act = xrealloc(gc->act, (size_t)gc->capact * sizeof *gc->act);
    }
    struct plot_activity *a = &gc->act[gc->nact++];
    a->t_s = t;
    if (!parse_change(r->f[3], &a->from, &a->to))
        a->from = a->to = 0;
    if (!strncmp(r->f[3], "Predictive scaling policy ", 26))
        a->cause = PLOT_CAUSE_PREDICTIVE;
    else if (!strncmp(r->f[3], "Alarm ", 6))
        a->cause = PLOT_CAUSE_DYNAMIC;
    else
        a->cause = PLOT_CAUSE_OTHER;
}

int plot_units_read_events(const char *dir, struct plot_units *s)
{
    char *path = text_join_path(dir, PLOT_EVENTS_CSV);
    struct ev_reader r = {s, {NULL}, 0, 0, false};
    int rc = plot_csv_read(path, true, ev_field, ev_record, &r);
    if (rc == PLOT_CSV_ABSENT) {
        rc = 0; /* an older run: no activities to mark */
    } else if (rc == 0 && r.records > 0 && r.bad_header) {
        diag_error(NULL, "%s: expected a header `time_s,kind,name,detail`", path);
        rc = PLOT_ERR_DATA;
    }
    for (int i = 0; i < 4; i++)
        free(r.f[i]);
    free(path);
    return rc;
}

void plot_units_put_activity_lines(FILE *f, const struct plot_unit *g,
                                   const struct plot_xaxis *x)
{
    for (int i = 0; i < g->nact; i++)
        fprintf(f, "set arrow %d from %.10g, graph 0 to %.10g, graph 1 nohead dt 3 "
                   "lc rgb 'gray50' back\n",
                i + 1, g->act[i].t_s / x->div, g->act[i].t_s / x->div);
}
