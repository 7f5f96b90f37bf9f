/* report_replay_json: the replay's data from a run's timeseries_wide.csv and events.csv.
 * Two passes over the time series: one counts the rows (for the step), one keeps every
 * k-th.  Memory O(frames x kept series). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/report.h"
#include "analysis/report_impl.h"
#include "sim/csvin.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* A drawn series: a column of the time series, its kept values. */
struct rseries {
    size_t col;   /* 0-based column in the CSV; CSVIN_ABSENT when not there */
    double *v;    /* one per frame */
};

struct rhealth {
    double t;
    char state[16];
};

struct rtarget {
    char *name;
    char *zone;  /* owned; NULL when unknown */
    struct rseries inflight, queue, util, completed;
    struct rhealth *h; /* health changes from events.csv, in time order */
    int nh, caph;
};

struct runit {
    char *name;
    const char *kind; /* "asg" or "ecs" */
    struct rseries desired, in_service;
};

struct rlb {
    char *name;
    struct rseries inflight;
};

struct replay {
    long rows, stride, frames;
    double *t;
    double t01[2]; /* s, the times of the first two rows (the interval) */
    struct rtarget *tg;
    int ntg, ntg_total;
    struct runit *un;
    int nun;
    struct rlb *lb;
    int nlb;
};

/* "scope.NAME.metric" with metric last: NAME (owned) when the label is one, else NULL. */
static char *label_name(const char *label, const char *scope, const char *metric)
{
    size_t ls = strlen(scope), lm = strlen(metric), n = strlen(label);
    if (n <= ls + lm + 2 || strncmp(label, scope, ls) != 0 || label[ls] != '.' ||
        strcmp(label + n - lm, metric) != 0 || label[n - lm - 1] != '.')
        return NULL;
    size_t k = n - ls - lm - 2;
    char *s = xmalloc(k + 1);
    memcpy(s, label + ls + 1, k);
    s[k] = '\0';
    return s;
}

static size_t find_col(char *const *fields, size_t n, const char *scope, const char *name,
                       const char *metric)
{
    char want[512];
    snprintf(want, sizeof want, "%s.%s.%s", scope, name, metric);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(fields[i], want))
            return i;
    return CSVIN_ABSENT;
}

static void series_init(struct rseries *s, size_t col, long frames)
{
    s->col = col;
    s->v = xmalloc((size_t)(frames > 0 ? frames : 1) * sizeof *s->v);
    for (long i = 0; i < frames; i++)
        s->v[i] = (double)NAN;
}

static void header(struct replay *r, const struct csvin_row *row, const struct report_zone *zones,
                   int nzones)
{
    char *const *fl = row->fields;
    size_t n = row->nfields;
    for (size_t i = 0; i < n; i++) {
        char *name;
        if ((name = label_name(fl[i], "target", "in_flight"))) {
            r->ntg_total++;
            if (r->ntg >= REPORT_REPLAY_TARGETS) {
                free(name);
                continue;
            }
            struct rtarget *t = &r->tg[r->ntg++];
            memset(t, 0, sizeof *t);
            t->name = name;
            for (int z = 0; z < nzones; z++)
                if (!strcmp(zones[z].target, name))
                    t->zone = xstrdup(zones[z].zone);
            series_init(&t->inflight, i, r->frames);
            series_init(&t->queue, find_col(fl, n, "target", name, "queue_length"), r->frames);
            series_init(&t->util, find_col(fl, n, "target", name, "utilization"), r->frames);
            series_init(&t->completed, find_col(fl, n, "target", name, "completed"), r->frames);
        } else if ((name = label_name(fl[i], "lb", "in_flight"))) {
            struct rlb *b = &r->lb[r->nlb++];
            b->name = name;
            series_init(&b->inflight, i, r->frames);
        } else if ((name = label_name(fl[i], "asg", "desired")) ||
                   (name = label_name(fl[i], "ecs", "desired"))) {
            struct runit *u = &r->un[r->nun++];
            u->name = name;
            u->kind = fl[i][0] == 'a' ? "asg" : "ecs";
            series_init(&u->desired, i, r->frames);
            series_init(&u->in_service,
                        find_col(fl, n, u->kind, name, u->kind[0] == 'a' ? "in_service" : "running"),
                        r->frames);
        }
    }
}

static void keep(struct rseries *s, const struct csvin_row *row, long frame)
{
    if (s->col == CSVIN_ABSENT || s->col >= row->nfields || !row->fields[s->col][0])
        return;
    char *end;
    double v = strtod(row->fields[s->col], &end);
    if (*end == '\0')
        s->v[frame] = v;
}

/* Pass 1: the data rows.  Pass 2: the kept ones. */
static int read_wide(struct replay *r, const char *path, const struct report_zone *zones,
                     int nzones)
{
    struct csvin *in;
    const struct csvin_row *row;
    int rc = csvin_open(path, NULL, &in);
    if (rc != 0)
        return -1;
    long rows = -1;
    while ((rc = csvin_next(in, &row)) > 0)
        rows++;
    csvin_close(in);
    if (rc < 0)
        return -1;
    if (rows < 1) {
        diag_error(NULL, "'%s' holds no rows: nothing to replay", path);
        return -1;
    }
    r->rows = rows;
    r->stride = report_stride(rows, REPORT_REPLAY_FRAMES);
    r->frames = 0;
    for (long i = 0; i < rows; i++)
        r->frames += report_row_kept(i, rows, r->stride);
    r->t = xmalloc((size_t)r->frames * sizeof *r->t);

    if (csvin_open(path, NULL, &in) != 0)
        return -1;
    long i = -1, frame = 0;
    while ((rc = csvin_next(in, &row)) > 0) {
        if (i < 0) {
            size_t n = row->nfields;
            r->tg = xcalloc(n, sizeof *r->tg);
            r->lb = xcalloc(n, sizeof *r->lb);
            r->un = xcalloc(n, sizeof *r->un);
            header(r, row, zones, nzones);
            i++;
            continue;
        }
        if (i < 2)
            r->t01[i] = strtod(row->fields[0], NULL);
        if (report_row_kept(i, rows, r->stride) && frame < r->frames) {
            r->t[frame] = strtod(row->fields[0], NULL);
            for (int k = 0; k < r->ntg; k++) {
                keep(&r->tg[k].inflight, row, frame);
                keep(&r->tg[k].queue, row, frame);
                keep(&r->tg[k].util, row, frame);
                keep(&r->tg[k].completed, row, frame);
            }
            for (int k = 0; k < r->nlb; k++)
                keep(&r->lb[k].inflight, row, frame);
            for (int k = 0; k < r->nun; k++) {
                keep(&r->un[k].desired, row, frame);
                keep(&r->un[k].in_service, row, frame);
            }
            frame++;
        }
        i++;
    }
    csvin_close(in);
    return rc < 0 ? -1 : 0;
}

static struct rtarget *target_named(struct replay *r, const char *name, size_t len)
{
    for (int k = 0; k < r->ntg; k++)
        if (strlen(r->tg[k].name) == len && !strncmp(r->tg[k].name, name, len))
            return &r->tg[k];
    return NULL;
}

static void health_add(struct rtarget *t, const char *time, const char *state, size_t len)
{
    if (t->nh == t->caph) {
        t->caph = t->caph ? 2 * t->caph : 4;
        t->h = xrealloc(t->h, (size_t)t->caph * sizeof *t->h);
    }
    struct rhealth *h = &t->h[t->nh++];
    if (len >= sizeof h->state)
        len = sizeof h->state - 1;
    memcpy(h->state, state, len);
    h->state[len] = '\0';
    h->t = strtod(time, NULL);
}

/* What events.csv tells of the targets: health ("initial -> healthy after ..."), the zone
 * a launch names ("Launching a new EC2 instance: web-asg/2. ... Details: zone a."), and
 * a termination ("Terminating EC2 instance: web-asg/0. ...": draining from then on). */
static int read_events(struct replay *r, const char *path)
{
    if (access(path, F_OK) != 0)
        return 0;
    struct csvin *in;
    const struct csvin_row *row;
    int rc = csvin_open(path, NULL, &in);
    if (rc != 0)
        return -1;
    bool first = true;
    while ((rc = csvin_next(in, &row)) > 0) {
        if (first) {
            first = false;
            continue;
        }
        if (row->nfields < 4) {
            rc = csvin_error(row, CSVIN_RECORD, "an event needs 4 fields "
                             "(time_s,kind,name,detail), this row has %zu", row->nfields);
            break;
        }
        const char *kind = row->fields[1], *name = row->fields[2], *d = row->fields[3];
        struct rtarget *t;
        if (!strcmp(kind, "health") && (t = target_named(r, name, strlen(name)))) {
            const char *arrow = strstr(d, "-> ");
            if (arrow)
                health_add(t, row->fields[0], arrow + 3, strcspn(arrow + 3, " "));
        } else if (!strcmp(kind, "register") && (t = target_named(r, name, strlen(name)))) {
            health_add(t, row->fields[0], "initial", 7);
        } else if (!strcmp(kind, "deregister") && (t = target_named(r, name, strlen(name)))) {
            health_add(t, row->fields[0], "draining", 8);
        } else if (!strcmp(kind, "slow_start") && (t = target_named(r, name, strlen(name)))) {
            if (strstr(d, "begins"))
                health_add(t, row->fields[0], "slow start", 10);
            else if (strstr(d, "ends"))
                health_add(t, row->fields[0], "healthy", 7);
        } else if (!strcmp(kind, "scaling")) {
            static const char *const verbs[2] = {"Launching a new EC2 instance: ",
                                                 "Terminating EC2 instance: "};
            for (int v = 0; v < 2; v++) {
                if (strncmp(d, verbs[v], strlen(verbs[v])) != 0)
                    continue;
                const char *who = d + strlen(verbs[v]);
                size_t len = strcspn(who, ". ");
                if (!(t = target_named(r, who, len)))
                    continue;
                if (v == 1)
                    health_add(t, row->fields[0], "draining", 8);
                const char *z = strstr(who, "Details: zone ");
                if (z && !t->zone) {
                    z += strlen("Details: zone ");
                    size_t zl = strcspn(z, ". ,");
                    t->zone = xmalloc(zl + 1);
                    memcpy(t->zone, z, zl);
                    t->zone[zl] = '\0';
                }
            }
        }
    }
    csvin_close(in);
    return rc < 0 ? -1 : 0;
}

static void put_series(FILE *f, const char *key, const struct rseries *s, long frames)
{
    fprintf(f, ",\"%s\":[", key);
    for (long i = 0; i < frames; i++) {
        if (i)
            fputc(',', f);
        report_json_number(f, s->v[i]);
    }
    fputc(']', f);
}

static void put_json(FILE *f, const struct replay *r)
{
    fprintf(f, "{\"rows\":%ld,\"stride\":%ld,\"frames\":%ld,\"targets_total\":%d,"
               "\"targets_cap\":%d,\"interval\":",
            r->rows, r->stride, r->frames, r->ntg_total, REPORT_REPLAY_TARGETS);
    report_json_number(f, r->rows >= 2 ? r->t01[1] - r->t01[0] : r->t01[0]);
    fputs(",\"t\":[", f);
    for (long i = 0; i < r->frames; i++) {
        if (i)
            fputc(',', f);
        report_json_number(f, r->t[i]);
    }
    fputs("],\n\"targets\":[", f);
    for (int k = 0; k < r->ntg; k++) {
        const struct rtarget *t = &r->tg[k];
        fputs(k ? ",\n{\"name\":" : "\n{\"name\":", f);
        report_json_string(f, t->name);
        size_t g = strcspn(t->name, "/");
        char group[256];
        snprintf(group, sizeof group, "%.*s", (int)(g < 255 ? g : 255), t->name);
        fputs(",\"group\":", f);
        report_json_string(f, group);
        fputs(",\"zone\":", f);
        if (t->zone)
            report_json_string(f, t->zone);
        else
            fputs("null", f);
        fputs(",\"health\":[", f);
        for (int h = 0; h < t->nh; h++) {
            fputs(h ? ",[" : "[", f);
            report_json_number(f, t->h[h].t);
            fputc(',', f);
            report_json_string(f, t->h[h].state);
            fputc(']', f);
        }
        fputc(']', f);
        put_series(f, "inflight", &t->inflight, r->frames);
        put_series(f, "queue", &t->queue, r->frames);
        put_series(f, "util", &t->util, r->frames);
        put_series(f, "completed", &t->completed, r->frames);
        fputc('}', f);
    }
    fputs("],\n\"lbs\":[", f);
    for (int k = 0; k < r->nlb; k++) {
        fputs(k ? ",{\"name\":" : "{\"name\":", f);
        report_json_string(f, r->lb[k].name);
        put_series(f, "inflight", &r->lb[k].inflight, r->frames);
        fputc('}', f);
    }
    fputs("],\n\"units\":[", f);
    for (int k = 0; k < r->nun; k++) {
        fputs(k ? ",{\"name\":" : "{\"name\":", f);
        report_json_string(f, r->un[k].name);
        fprintf(f, ",\"kind\":\"%s\"", r->un[k].kind);
        put_series(f, "desired", &r->un[k].desired, r->frames);
        put_series(f, "in_service", &r->un[k].in_service, r->frames);
        fputc('}', f);
    }
    fputs("]}", f);
}

static void replay_free(struct replay *r)
{
    for (int k = 0; k < r->ntg; k++) {
        struct rtarget *t = &r->tg[k];
        free(t->h);
        free(t->name);
        free(t->zone);
        free(t->inflight.v);
        free(t->queue.v);
        free(t->util.v);
        free(t->completed.v);
    }
    for (int k = 0; k < r->nlb; k++) {
        free(r->lb[k].name);
        free(r->lb[k].inflight.v);
    }
    for (int k = 0; k < r->nun; k++) {
        free(r->un[k].name);
        free(r->un[k].desired.v);
        free(r->un[k].in_service.v);
    }
    free(r->tg);
    free(r->lb);
    free(r->un);
    free(r->t);
}

int report_replay_json(FILE *f, const char *dir, const struct report_zone *zones, int nzones)
{
    struct replay r;
    memset(&r, 0, sizeof r);
    char *wide = text_join_path(dir, "timeseries_wide.csv");
    char *events = text_join_path(dir, "events.csv");
    int rc = read_wide(&r, wide, zones, nzones);
    if (rc == 0)
        rc = read_events(&r, events);
    if (rc == 0)
        put_json(f, &r);
    replay_free(&r);
    free(wide);
    free(events);
    return rc;
}
