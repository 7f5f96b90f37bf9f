/* Reading, writing back and freeing a `workloads:` entry (models/traffic/workload_cfg.h). */
#include "models/traffic/workload_cfg.h"

#include <stdlib.h>

#include "models/core/cfg_read.h"
#include "models/traffic/arrivals.h"
#include "sim/dist.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const workload_keys[] = {
    "name", "entry", "arrivals", "users", "think", "demand", "connection", "timeout",
    "retries", "backoff", "paths", "host", NULL};

static const char *const connection_keys[] = {"requests", "think", NULL};

static const char *const path_keys[] = {"path", "weight", NULL};

int workload_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_workload *w)
{
    int errors = r->y.errors;
    if (yread_keys(&r->y, m, "a workload", workload_keys))
        return -1;
    yread_string(&r->y, m, "name", &w->name);
    w->conn_requests = 1;
    w->backoff_s = 0.1;
    if (!yread_require(&r->y, m, "entry", "a workload")) {
        yread_string(&r->y, m, "entry", &w->entry);
        w->entry_loc = ytree_get(m, "entry")->loc;
    }
    yread_require(&r->y, m, "demand", "a workload");
    yread_dist(&r->y, m, "demand", SIM_UNIT_SECONDS, &w->demand);
    const struct ytree *arr = ytree_get(m, "arrivals");
    const struct ytree *users = ytree_get(m, "users");
    if (arr && users)
        yread_error(&r->y, &users->loc,
                    "a workload has either 'arrivals' (open loop) or 'users' "
                    "(closed loop), not both");
    else if (!arr && !users)
        yread_error(&r->y, &m->loc,
                    "a workload needs 'arrivals' (open loop, e.g. "
                    "poisson(rate=200/s)) or 'users' (closed loop)");
    if (arr && yread_scalar(&r->y, arr, "arrivals")) {
        if (arrivals_parse(arr->text, &arr->loc, r->y.dir, &w->arrivals))
            yread_fail(&r->y);
    }
    if (users) {
        yread_int(&r->y, m, "users", 1, 10000000, &w->users);
        yread_require(&r->y, m, "think", "a closed-loop workload (users)");
        yread_dist(&r->y, m, "think", SIM_UNIT_SECONDS, &w->think);
    } else if (ytree_get(m, "think")) {
        yread_error(&r->y, ytree_key_loc(m, "think"),
                    "'think' belongs to closed-loop workloads "
                    "(users) or to 'connection'");
    }
    const struct ytree *c = ytree_get(m, "connection");
    if (c && users) {
        yread_error(&r->y, ytree_key_loc(m, "connection"),
                    "'connection' belongs to open-loop "
                    "workloads; closed-loop users send one "
                    "request at a time and think in between");
    } else if (c) {
        if (yread_keys(&r->y, c, "connection", connection_keys) == 0) {
            yread_int(&r->y, c, "requests", 1, 1000000, &w->conn_requests);
            yread_dist(&r->y, c, "think", SIM_UNIT_SECONDS, &w->conn_think);
        }
    }
    yread_zero_or_more(&r->y, m, "timeout", SIM_UNIT_SECONDS, &w->timeout_s);
    yread_int(&r->y, m, "retries", 0, 100, &w->retries);
    yread_zero_or_more(&r->y, m, "backoff", SIM_UNIT_SECONDS, &w->backoff_s);
    yread_string(&r->y, m, "host", &w->host);
    const struct ytree *paths = yread_list(&r->y, m, "paths");
    if (paths) {
        w->paths = xcalloc(paths->n ? paths->n : 1, sizeof *w->paths);
        double sum = 0;
        for (size_t i = 0; i < paths->n; i++) {
            const struct ytree *p = paths->items[i];
            struct sc_path *sp = &w->paths[w->npaths++];
            sp->weight = 1;
            if (p->kind == YTREE_SCALAR) {
                sp->path = xstrdup(p->text);
            } else if (yread_keys(&r->y, p, "a path", path_keys)) {
                continue;
            } else {
                yread_require(&r->y, p, "path", "a path entry");
                yread_string(&r->y, p, "path", &sp->path);
                yread_positive(&r->y, p, "weight", SIM_UNIT_NONE, &sp->weight);
            }
            if (sp->path && sp->path[0] != '/')
                yread_error(&r->y, &p->loc, "a path starts with '/', got '%s'", sp->path);
            sum += sp->weight;
        }
        for (int i = 0; i < w->npaths; i++)
            w->paths[i].weight /= sum > 0 ? sum : 1;
    }
    return r->y.errors > errors ? -1 : 0;
}

void workload_cfg_write(const struct sc_workload *w, FILE *f)
{
    fputs("  - name: ", f);
    ywrite_quoted(f, w->name);
    fputs("\n    entry: ", f);
    ywrite_quoted(f, w->entry);
    if (w->arrivals) {
        char buf[2048];
        arrivals_format(w->arrivals, buf, sizeof buf);
        fputs("\n    arrivals: ", f);
        ywrite_quoted(f, buf);
    } else {
        fprintf(f, "\n    users: %d\n    think: ", w->users);
        ywrite_dist(f, w->think);
    }
    fputs("\n    demand: ", f);
    ywrite_dist(f, w->demand);
    if (w->arrivals) { /* closed-loop users have no connection settings */
        fprintf(f, "\n    connection: { requests: %d", w->conn_requests);
        if (w->conn_think) {
            fputs(", think: ", f);
            ywrite_dist(f, w->conn_think);
        }
        fputs(" }", f);
    }
    fputs("\n    timeout: ", f);
    ywrite_unit(f, w->timeout_s, SIM_UNIT_SECONDS);
    fprintf(f, "\n    retries: %d\n    backoff: ", w->retries);
    ywrite_unit(f, w->backoff_s, SIM_UNIT_SECONDS);
    fputc('\n', f);
    if (w->npaths) {
        fputs("    paths:\n", f);
        for (int j = 0; j < w->npaths; j++) {
            fputs("      - { path: ", f);
            ywrite_quoted(f, w->paths[j].path);
            fprintf(f, ", weight: %.10g }\n", w->paths[j].weight);
        }
    }
    if (w->host) {
        fputs("    host: ", f);
        ywrite_quoted(f, w->host);
        fputc('\n', f);
    }
}

void workload_cfg_fini(struct sc_workload *w)
{
    free(w->name);
    free(w->entry);
    arrivals_free(w->arrivals);
    sim_dist_free(w->think);
    sim_dist_free(w->demand);
    sim_dist_free(w->conn_think);
    for (int j = 0; j < w->npaths; j++)
        free(w->paths[j].path);
    free(w->paths);
    free(w->host);
}
