#include "models/scenario/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/cfg_read.h"
#include "models/scaling/cron.h"
#include "models/traffic/arrivals.h"
#include "sim/units.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

/* The scenario being read; every error is counted in c.y. */
struct reader {
    struct cfg_read c;   /* what each component's reader is given */
    struct scenario *sc;
};

/* The zones registry behind cfg_read_zone: numbered in order of first appearance. */
static int zone_index(void *zones, const char *name)
{
    struct scenario *sc = zones;
    for (int i = 0; i < sc->nzones; i++)
        if (!strcmp(sc->zones[i], name))
            return i;
    sc->zones = xrealloc(sc->zones, (size_t)(sc->nzones + 1) * sizeof *sc->zones);
    sc->zones[sc->nzones] = xstrdup(name);
    return sc->nzones++;
}

/* ---- the top level: its own keys, and each list item through its component ---- */

static const char *const top_keys[] = {"name", "elbsim_version", "duration", "warmup", "seed",
                                       "output", "workloads", "load_balancers", "target_groups",
                                       "slo", "faults", "auto_scaling_groups", "start",
                                       "ecs_services", "eks_clusters", "limits", NULL};
static const char *const limit_keys[] = {"requests", NULL};

static const char *const output_keys[] = {"interval", "requests", "trace", "report", "access_logs",
                                          "cloudwatch", "per_target", NULL};

/* Metrics an SLO can judge over a window (per window, from what completed in it). */
static bool windowed_metric(const char *m)
{
    return !strncmp(m, "latency_", 8) || !strcmp(m, "error_ratio") ||
           !strcmp(m, "throughput_rps");
}

static void read_slo(struct reader *r, const struct ytree *v, struct sc_slo *s)
{
    s->text = xstrdup(v->text);
    s->loc = v->loc;
    /* The tree's copy of the file name goes when the tree does; a --set value keeps its
     * static "--set" so a broken SLO is reported at the argument that stated it. */
    if (strcmp(v->loc.file, "--set") != 0)
        s->loc.file = r->c.file;
    char path[256], op[3] = "";
    double val;
    int used = 0;
    const char *t = v->text;
    if (sscanf(t, " %255[A-Za-z0-9_.-] %2[<>=] %lf %n", path, op, &val, &used) < 3 ||
        (t[used] != '\0' && strncmp(t + used, "over ", 5)) ||
        (strcmp(op, "<") && strcmp(op, "<=") && strcmp(op, ">") && strcmp(op, ">="))) {
        yread_error(&r->c.y, &v->loc,
                    "cannot read SLO '%s'; expected SCOPE.NAME.METRIC OP NUMBER [over WINDOW], "
                    "e.g. \"workload.shoppers.latency_p99_s < 0.5\" or \"... < 0.5 over 5m\" "
                    "(OP: <, <=, >, >=)",
                    t);
        return;
    }
    if (!isfinite(val)) {
        yread_error(&r->c.y, &v->loc, "SLO '%s' compares with %g; expected a finite number", t,
                    val);
        return;
    }
    if (t[used] != '\0') {
        const char *w = t + used + 5, *why = NULL;
        while (*w == ' ')
            w++;
        size_t n = strlen(w);
        while (n > 0 && w[n - 1] == ' ')
            n--;
        if (sim_units_parse(w, n, SIM_UNIT_SECONDS, &s->window_s, &why) || s->window_s <= 0) {
            yread_error(&r->c.y, &v->loc, "SLO '%s': the window after 'over' must be a duration "
                                          "above 0 (e.g. over 5m)%s%s",
                        t, why ? ": " : "", why ? why : "");
            return;
        }
    }
    char *d1 = strchr(path, '.');
    char *d2 = d1 ? strrchr(path, '.') : NULL;
    if (!d1 || d1 == d2) {
        if (d1 && !strncmp(path, "run.", 4)) {
            s->scope = xstrdup("run");
            s->name = xstrdup("run");
            s->metric = xstrdup(d1 + 1);
        } else {
            yread_error(&r->c.y, &v->loc, "SLO path '%s' must be SCOPE.NAME.METRIC (or run.METRIC)",
                        path);
            return;
        }
    } else {
        s->scope = xstrndup(path, (size_t)(d1 - path));
        s->name = xstrndup(d1 + 1, (size_t)(d2 - d1 - 1));
        s->metric = xstrdup(d2 + 1);
    }
    memcpy(s->op, op, sizeof s->op);
    s->value = val;
    if (s->window_s > 0 &&
        (!windowed_metric(s->metric) || (strcmp(s->scope, "workload") && strcmp(s->scope, "run"))))
        yread_error(&r->c.y, &v->loc,
                    "SLO '%s': over a window, an SLO judges a workload's or the run's "
                    "latency_*, error_ratio or throughput_rps",
                    t);
}

/* output.per_target: auto, or true/false as yread_bool takes them. */
static void read_per_target(struct reader *r, const struct ytree *v)
{
    if (!v)
        return;
    static const char *const on[] = {"true", "yes", "on"}, *const off[] = {"false", "no", "off"};
    r->sc->per_target_given = true;
    const char *text = v->kind == YTREE_SCALAR ? v->text : "";
    if (!strcmp(text, "auto"))
        return;
    for (size_t i = 0; i < 3; i++) {
        if (!strcmp(text, on[i]))
            r->sc->per_target_set = SC_PER_TARGET_ON;
        if (!strcmp(text, off[i]))
            r->sc->per_target_set = SC_PER_TARGET_OFF;
    }
    if (r->sc->per_target_set == SC_PER_TARGET_AUTO)
        yread_error(&r->c.y, &v->loc, "output.per_target must be auto, true or false, got '%s'",
                    v->kind == YTREE_SCALAR ? v->text : "a list or mapping");
}

/* The most targets the run can hold at once (static targets, each Auto Scaling group's and
 * ECS service's max, each EKS deployment's most pods), and from it whether per-target
 * series and rows are written. */
static void resolve_per_target(struct scenario *sc)
{
    int64_t n = 0;
    for (int i = 0; i < sc->ntgs; i++)
        for (int k = 0; k < sc->tgs[i].ntargets; k++)
            if (!sc->tgs[i].targets[k].lb)
                n += sc->tgs[i].targets[k].count;
    for (int i = 0; i < sc->nasgs; i++)
        n += sc->asgs[i].max;
    for (int i = 0; i < sc->necs; i++)
        n += sc->ecs[i].cfg.max;
    for (int i = 0; i < sc->nkube; i++)
        for (int d = 0; d < sc->kube[i].cfg.ndeploys; d++) {
            const struct kube_deploy_cfg *dc = &sc->kube[i].deploys[d];
            n += dc->has_hpa && dc->hpa.max_replicas > dc->replicas ? dc->hpa.max_replicas
                                                                    : dc->replicas;
        }
    sc->max_targets = n;
    sc->per_target = sc->per_target_set == SC_PER_TARGET_ON ||
                     (sc->per_target_set == SC_PER_TARGET_AUTO &&
                      n <= SCENARIO_PER_TARGET_AUTO_MAX);
}

/* Every SLO names a scope and an item the scenario has. */
static void check_slos(struct reader *r)
{
    static const char *const scopes[] = {"run", "workload", "lb", "target_group", "target",
                                         "asg", "ecs", "ecs_cluster", "eks_cluster",
                                         "deployment", NULL};
    const struct scenario *sc = r->sc;
    for (int i = 0; i < sc->nslos; i++) {
        const struct sc_slo *o = &sc->slos[i];
        if (!o->scope)
            continue; /* already reported */
        size_t k = 0;
        while (scopes[k] && strcmp(scopes[k], o->scope))
            k++;
        if (!scopes[k]) {
            yread_error(&r->c.y, &o->loc, "SLO '%s': unknown scope '%s'; expected one of: run, "
                                          "workload, lb, target_group, target, asg, ecs, "
                                          "ecs_cluster, eks_cluster, deployment",
                        o->text, o->scope);
            continue;
        }
        if (!strcmp(o->scope, "target") && !sc->per_target) {
            if (sc->per_target_set == SC_PER_TARGET_OFF)
                yread_error(&r->c.y, &o->loc, "SLO '%s': output.per_target is false, so the "
                            "run writes no per-target rows; judge the target group "
                            "(target_group.<name>.%s) or set output.per_target: true",
                            o->text, o->metric);
            else
                yread_error(&r->c.y, &o->loc, "SLO '%s': the run can hold %lld targets, more "
                            "than the %d above which output.per_target: auto writes no "
                            "per-target rows; judge the target group "
                            "(target_group.<name>.%s) or set output.per_target: true",
                            o->text, (long long)sc->max_targets, SCENARIO_PER_TARGET_AUTO_MAX,
                            o->metric);
            continue;
        }
        bool found = !strcmp(o->scope, "run") || !strcmp(o->scope, "target");
        for (int j = 0; !found && !strcmp(o->scope, "workload") && j < sc->nworkloads; j++)
            found = sc->workloads[j].name && !strcmp(sc->workloads[j].name, o->name);
        for (int j = 0; !found && !strcmp(o->scope, "lb") && j < sc->nlbs; j++)
            found = sc->lbs[j].name && !strcmp(sc->lbs[j].name, o->name);
        for (int j = 0; !found && !strcmp(o->scope, "target_group") && j < sc->ntgs; j++)
            found = sc->tgs[j].name && !strcmp(sc->tgs[j].name, o->name);
        for (int j = 0; !found && !strcmp(o->scope, "asg") && j < sc->nasgs; j++)
            found = sc->asgs[j].name && !strcmp(sc->asgs[j].name, o->name);
        for (int j = 0; !found && !strncmp(o->scope, "ecs", 3) && j < sc->necs; j++)
            found = !strcmp(o->scope, "ecs") ? sc->ecs[j].name && !strcmp(sc->ecs[j].name, o->name)
                                             : true;
        for (int j = 0; !found && j < sc->nkube; j++) {
            if (!strcmp(o->scope, "eks_cluster"))
                found = sc->kube[j].name && !strcmp(sc->kube[j].name, o->name);
            for (int d = 0; !found && !strcmp(o->scope, "deployment") &&
                            d < sc->kube[j].cfg.ndeploys; d++)
                found = sc->kube[j].d[d].name && !strcmp(sc->kube[j].d[d].name, o->name);
        }
        if (!found)
            yread_error(&r->c.y, &o->loc, "SLO '%s': the scenario has no %s named '%s'", o->text,
                        o->scope, o->name);
    }
}

/* Why name cannot be a folder under out/ (NULL when it can): empty, longer than
 * SCENARIO_NAME_MAX bytes, "." or "..", a '/', a control character, or a leading '.'
 * (hidden, and the prefix of elbsim's own temporary folders). */
const char *scenario_name_problem(const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return "is empty";
    if (n > SCENARIO_NAME_MAX)
        return "is longer than " SCENARIO_NAME_MAX_TEXT " bytes";
    if (name[0] == '.')
        return "starts with '.' (\".\", \"..\" and hidden folders are not allowed)";
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (*c == '/')
            return "contains '/'";
        if (*c < 0x20 || *c == 0x7f)
            return "contains a control character";
    }
    return NULL;
}
/* output.trace: a selector text (trace.h), or a mapping of its items
 * ({first: 20, workload: web}), or false/off. */
static int read_trace(const struct ytree *t, struct scenario *sc)
{
    if (t->kind == YTREE_SCALAR) {
        if (!t->quoted && (!strcmp(t->text, "false") || !strcmp(t->text, "off")))
            return 0;
        if (trace_sel_parse(t->text, &t->loc, &sc->trace))
            return -1;
        sc->trace_on = true;
        return 0;
    }
    if (t->kind != YTREE_MAP)
        return diag_error(&t->loc, "output.trace must be a selector such as 'first=20' or a "
                          "mapping such as {first: 20, workload: web}, got a %s",
                          ytree_kind_name(t->kind));
    char text[1024];
    size_t k = 0;
    text[0] = '\0';
    for (size_t i = 0; i < t->n; i++) {
        const struct ytree *v = t->items[i];
        if (v->kind != YTREE_SCALAR)
            return diag_error(&v->loc, "output.trace.%s must be a single value, got a %s",
                              t->keys[i], ytree_kind_name(v->kind));
        if (strchr(v->text, ','))
            return diag_error(&v->loc, "output.trace.%s: a value may not contain ',', got '%s'",
                              t->keys[i], v->text);
        int w = snprintf(text + k, sizeof text - k, "%s%s=%s", i ? "," : "", t->keys[i],
                         v->text);
        if (w < 0 || (size_t)w >= sizeof text - k)
            return diag_error(&t->loc, "output.trace is too long");
        k += (size_t)w;
    }
    if (trace_sel_parse(text, &t->loc, &sc->trace))
        return -1;
    sc->trace_on = true;
    return 0;
}


static void check_run_size(struct reader *r, const struct ytree *wls);

static void read_top(struct reader *r, const struct ytree *root)
{
    struct scenario *sc = r->sc;
    if (yread_keys(&r->c.y, root, "the scenario", top_keys))
        return;
    sc->duration_s = 600;
    sc->warmup_s = 0;
    sc->seed = 1;
    sc->interval_s = 0;
    yread_string(&r->c.y, root, "name", &sc->name);
    const struct ytree *name_node = ytree_get(root, "name");
    if (!sc->name) {
        /* Default: the file name without folder and extension. */
        const char *b = strrchr(sc->file, '/');
        b = b ? b + 1 : sc->file;
        const char *dot = strrchr(b, '.');
        sc->name = xstrndup(b, dot ? (size_t)(dot - b) : strlen(b));
    }
    const char *why = scenario_name_problem(sc->name);
    if (why) {
        char shown[4 * SCENARIO_NAME_MAX + 1]; /* control characters as \xNN */
        size_t k = 0;
        for (const unsigned char *c = (const unsigned char *)sc->name; *c && k + 5 < sizeof shown;
             c++)
            k += (size_t)snprintf(shown + k, sizeof shown - k,
                                  *c < 0x20 || *c == 0x7f ? "\\x%02x" : "%c", *c);
        if (name_node)
            yread_error(&r->c.y, &name_node->loc, "name '%s' %s; a run writes to out/NAME/, "
                        "so the name must be one plain folder name", shown, why);
        else
            yread_error(&r->c.y, &root->loc, "the file name gives the scenario the name "
                        "'%s', which %s; give it a plain `name:`", shown, why);
    }
    /* No follow-on error: when duration or warmup was itself bad (reported where it was
     * written, e.g. in a --set), comparing them says nothing more. */
    int before = r->c.y.errors;
    yread_positive(&r->c.y, root, "duration", SIM_UNIT_SECONDS, &sc->duration_s);
    yread_zero_or_more(&r->c.y, root, "warmup", SIM_UNIT_SECONDS, &sc->warmup_s);
    if (r->c.y.errors == before && sc->warmup_s >= sc->duration_s) {
        yread_error(&r->c.y, ytree_key_loc(root, "warmup"),
                    "warmup (%gs) must be shorter than duration "
                    "(%gs)",
                    sc->warmup_s, sc->duration_s);
    }
    const struct ytree *seed = ytree_get(root, "seed");
    if (seed && yread_scalar(&r->c.y, seed, "seed")) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(seed->text, &end, 10);
        if (end == seed->text || *end || errno || seed->text[0] == '-') {
            yread_error(&r->c.y, &seed->loc,
                        "seed must be a whole number from 0 to 2^64-1, got '%s'", seed->text);
        } else
            sc->seed = s;
    }
    sc->start_epoch_s = CRON_EPOCH_DEFAULT;
    const struct ytree *st = ytree_get(root, "start");
    if (st && yread_scalar(&r->c.y, st, "start")) {
        struct cron_clock utc = {0, 0};
        double t;
        if (cron_datetime_parse(st->text, &st->loc, &utc, &t))
            yread_fail(&r->c.y);
        else
            sc->start_epoch_s = (int64_t)t;
    }
    r->c.start_epoch_s = sc->start_epoch_s;
    const struct ytree *out = ytree_get(root, "output");
    if (out) {
        if (yread_keys(&r->c.y, out, "output", output_keys) == 0) {
            const struct ytree *iv = ytree_get(out, "interval");
            if (!(iv && iv->kind == YTREE_SCALAR && !strcmp(iv->text, "auto")))
                yread_positive(&r->c.y, out, "interval", SIM_UNIT_SECONDS, &sc->interval_s);
            yread_bool(&r->c.y, out, "requests", &sc->log_requests);
            const struct ytree *tr = ytree_get(out, "trace");
            if (tr && read_trace(tr, sc))
                yread_fail(&r->c.y);
            yread_bool(&r->c.y, out, "report", &sc->report);
            yread_bool(&r->c.y, out, "access_logs", &sc->access_logs);
            yread_bool(&r->c.y, out, "cloudwatch", &sc->cloudwatch);
            read_per_target(r, ytree_get(out, "per_target"));
        }
    }
    if (sc->interval_s == 0) {
        sc->interval_auto = true;
        sc->interval_s = scenario_auto_interval(sc->duration_s);
    }
    if (sc->duration_s / sc->interval_s > 1e7) {
        yread_error(&r->c.y, out ? ytree_key_loc(out, "interval") : ytree_key_loc(root, "duration"),
                    "interval %gs over %gs makes more than 10 "
                    "million rows; use a longer interval",
                    sc->interval_s, sc->duration_s);
    }

    const struct ytree *lbs = yread_list(&r->c.y, root, "load_balancers");
    if (lbs && !yread_names(&r->c.y, lbs, "load_balancers")) {
        sc->lbs = xcalloc(lbs->n ? lbs->n : 1, sizeof *sc->lbs);
        for (size_t i = 0; i < lbs->n; i++)
            lb_cfg_read(&r->c, lbs->items[i], &sc->lbs[sc->nlbs++]);
    }
    const struct ytree *tgs = yread_list(&r->c.y, root, "target_groups");
    if (tgs && !yread_names(&r->c.y, tgs, "target_groups")) {
        sc->tgs = xcalloc(tgs->n ? tgs->n : 1, sizeof *sc->tgs);
        for (size_t i = 0; i < tgs->n; i++)
            target_group_cfg_read(&r->c, tgs->items[i], &sc->tgs[sc->ntgs++]);
    }
    before = r->c.y.errors;
    const struct ytree *wls = yread_list(&r->c.y, root, "workloads");
    if (!wls || wls->n == 0) {
        if (r->c.y.errors == before) /* not when `workloads` was there and not a list */
            yread_error(&r->c.y, wls ? &wls->loc : &root->loc,
                        "a scenario needs at least one workload");
    } else if (!yread_names(&r->c.y, wls, "workloads")) {
        sc->workloads = xcalloc(wls->n, sizeof *sc->workloads);
        for (size_t i = 0; i < wls->n; i++)
            workload_cfg_read(&r->c, wls->items[i], &sc->workloads[sc->nworkloads++]);
    }
    sc->max_requests = SCENARIO_MAX_REQUESTS;
    const struct ytree *lim = ytree_get(root, "limits");
    if (lim && yread_keys(&r->c.y, lim, "limits", limit_keys) == 0)
        yread_positive(&r->c.y, lim, "requests", SIM_UNIT_NONE, &sc->max_requests);
    if (r->c.y.errors == before)
        check_run_size(r, wls);
    const struct ytree *faults = yread_list(&r->c.y, root, "faults");
    if (faults) {
        sc->faults = xcalloc(faults->n ? faults->n : 1, sizeof *sc->faults);
        for (size_t i = 0; i < faults->n; i++)
            fault_cfg_read(&r->c, faults->items[i], &sc->faults[sc->nfaults++]);
    }
    const struct ytree *asgs = yread_list(&r->c.y, root, "auto_scaling_groups");
    if (asgs && !yread_names(&r->c.y, asgs, "auto_scaling_groups")) {
        sc->asgs = xcalloc(asgs->n ? asgs->n : 1, sizeof *sc->asgs);
        for (size_t i = 0; i < asgs->n; i++)
            asg_cfg_read(&r->c, asgs->items[i], &sc->asgs[sc->nasgs++]);
    }
    const struct ytree *ecs = yread_list(&r->c.y, root, "ecs_services");
    if (ecs && !yread_names(&r->c.y, ecs, "ecs_services")) {
        sc->ecs = xcalloc(ecs->n ? ecs->n : 1, sizeof *sc->ecs);
        for (size_t i = 0; i < ecs->n; i++)
            ecs_cfg_read(&r->c, ecs->items[i], &sc->ecs[sc->necs++]);
    }
    const struct ytree *eks = yread_list(&r->c.y, root, "eks_clusters");
    if (eks && !yread_names(&r->c.y, eks, "eks_clusters")) {
        sc->kube = xcalloc(eks->n ? eks->n : 1, sizeof *sc->kube);
        for (size_t i = 0; i < eks->n; i++)
            kube_cfg_read(&r->c, eks->items[i], &sc->kube[sc->nkube++]);
    }
    const struct ytree *slo = yread_list(&r->c.y, root, "slo");
    if (slo) {
        sc->slos = xcalloc(slo->n ? slo->n : 1, sizeof *sc->slos);
        for (size_t i = 0; i < slo->n; i++)
            if (yread_scalar(&r->c.y, slo->items[i], "an SLO"))
                read_slo(r, slo->items[i], &sc->slos[sc->nslos++]);
    }
}

double scenario_auto_interval(double duration_s)
{
    /* 1 s, 5 s, 10 s, 30 s, then 1-2-5-10-15-30 of minutes and hours, then days. */
    static const double steps[] = {1,     5,     10,    30,    60,    120,   300,    600,
                                   900,   1800,  3600,  7200,  10800, 21600, 43200,  86400};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (duration_s / steps[i] <= SCENARIO_AUTO_POINTS)
            return steps[i];
    return 86400 * ceil(duration_s / 86400 / SCENARIO_AUTO_POINTS);
}

int scenario_tg_index(const struct scenario *sc, const char *name)
{
    for (int i = 0; i < sc->ntgs; i++)
        if (sc->tgs[i].name && !strcmp(sc->tgs[i].name, name))
            return i;
    return -1;
}

int scenario_lb_index(const struct scenario *sc, const char *name)
{
    for (int i = 0; i < sc->nlbs; i++)
        if (sc->lbs[i].name && !strcmp(sc->lbs[i].name, name))
            return i;
    return -1;
}

/* Refuse a run whose open-loop workloads would draw more than limits.requests arrivals
 * (expected, over the duration; a connection counts its requests): poisson(rate=1e12/s)
 * or mmpp with nanosecond states would otherwise run for days, growing.  At the error's
 * place: the workload with the most. */
static void check_run_size(struct reader *r, const struct ytree *wls)
{
    struct scenario *sc = r->sc;
    double total = 0, most = -1;
    int worst = -1;
    for (int i = 0; i < sc->nworkloads; i++) {
        const struct sc_workload *w = &sc->workloads[i];
        if (!w->arrivals)
            continue;
        double n = arrivals_draws(w->arrivals, sc->duration_s) *
                   (w->conn_requests > 1 ? w->conn_requests : 1);
        if (isnan(n))
            n = (double)INFINITY;
        total += n;
        if (n > most) {
            most = n;
            worst = i;
        }
    }
    if (total <= sc->max_requests || worst < 0)
        return;
    const struct sc_workload *w = &sc->workloads[worst];
    char text[160], dur[32], took[48];
    arrivals_format(w->arrivals, text, sizeof text);
    sim_units_format(sc->duration_s, SIM_UNIT_SECONDS, dur, sizeof dur);
    double t = total / 2e6; /* s at about 2 M draws a second */
    if (t < 2 * 3600)
        snprintf(took, sizeof took, "%.0f minutes", t / 60);
    else if (t < 2 * 86400)
        snprintf(took, sizeof took, "%.0f hours", t / 3600);
    else if (t < 2 * 365 * 86400.0)
        snprintf(took, sizeof took, "%.0f days", t / 86400);
    else
        snprintf(took, sizeof took, "%.2g years", t / (365 * 86400.0));
    const struct ytree *at = ytree_get(wls->items[worst], "arrivals");
    yread_error(&r->c.y, at ? &at->loc : &wls->items[worst]->loc,
                "workload '%s': %s over %s is about %.3g arrival draws (%.3g in all), more than "
                "the run-size limit of %.3g; at about 2 million a second that would take %s.  "
                "Shorten the run or lower the rate, or raise the limit with "
                "`limits: { requests: N }` (docs/robustness.md)",
                w->name, text, dur, most, total, sc->max_requests, took);
}

/* Target "<group>/<n>" or outage zone of a fault must exist. */
static void check_fault_ref(struct reader *r, struct sc_fault *f)
{
    struct scenario *sc = r->sc;
    char names[1024] = "";
    size_t used = 0;
    if (f->zone_name) {
        for (int z = 0; z < sc->nzones; z++)
            if (!strcmp(sc->zones[z], f->zone_name)) {
                f->zone = z;
                return;
            }
        for (int z = 0; z < sc->nzones && used + 1 < sizeof names; z++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", z ? ", " : "",
                                     sc->zones[z]);
        yread_error(&r->c.y, &f->loc, "unknown zone '%s'; zones: %s", f->zone_name, names);
        return;
    }
    if (!f->target)
        return;
    const char *slash = strrchr(f->target, '/');
    char *end = NULL;
    long n = slash ? strtol(slash + 1, &end, 10) : -1;
    for (int g = 0; g < sc->ntgs; g++) {
        const struct sc_tg *tg = &sc->tgs[g];
        int count = 0;
        for (int k = 0; k < tg->ntargets; k++)
            count += tg->targets[k].count;
        if (slash && (size_t)(slash - f->target) == strlen(tg->name) &&
            !strncmp(f->target, tg->name, strlen(tg->name)) && end && !*end && end != slash + 1 &&
            n >= 0 && n < count)
            return;
        if (used + 1 < sizeof names && count > 0)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s/0..%s/%d",
                                     used ? ", " : "", tg->name, tg->name, count - 1);
    }
    /* An auto scaling group's instances are "<group>/<n>", numbered as they launch. */
    for (int g = 0; g < sc->nasgs; g++) {
        const char *an = sc->asgs[g].name;
        if (an && slash && (size_t)(slash - f->target) == strlen(an) &&
            !strncmp(f->target, an, strlen(an)) && end && !*end && end != slash + 1 && n >= 0)
            return;
        if (an && used + 1 < sizeof names)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s/<n>",
                                     used ? ", " : "", an);
    }
    /* An EKS deployment's pods are "<deployment>/<n>", numbered as they are created. */
    for (int c = 0; c < sc->nkube; c++)
        for (int d = 0; d < sc->kube[c].cfg.ndeploys; d++) {
            const char *dn = sc->kube[c].cfg.deploys[d].name;
            if (dn && slash && (size_t)(slash - f->target) == strlen(dn) &&
                !strncmp(f->target, dn, strlen(dn)) && end && !*end && end != slash + 1 &&
                n >= 0)
                return;
            if (dn && used + 1 < sizeof names)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s/<n>",
                                         used ? ", " : "", dn);
        }
    yread_error(&r->c.y, &f->loc, "unknown target '%s'; targets: %s", f->target,
                used ? names : "(none)");
}

/* Cross references: entries, forwards. */
static void check_refs(struct reader *r)
{
    struct scenario *sc = r->sc;
    char names[1024];
    for (int i = 0; i < sc->nlbs; i++)
        for (int j = 0; j < sc->lbs[i].nrules; j++)
            for (int k = 0; k < sc->lbs[i].rules[j].nfw; k++) {
                struct sc_forward *f = &sc->lbs[i].rules[j].fw[k];
                if (f->target_group && scenario_tg_index(sc, f->target_group) < 0) {
                    size_t used = 0;
                    names[0] = '\0';
                    for (int g = 0; g < sc->ntgs && used + 1 < sizeof names; g++)
                        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                                 g ? ", " : "", sc->tgs[g].name);
                    yread_error(&r->c.y, &f->loc,
                                "rule forwards to target group '%s', which does not "
                                "exist; target groups: %s",
                                f->target_group, sc->ntgs ? names : "(none)");
                }
            }
    for (int i = 0; i < sc->nworkloads; i++) {
        struct sc_workload *w = &sc->workloads[i];
        if (w->entry && scenario_lb_index(sc, w->entry) < 0) {
            size_t used = 0;
            names[0] = '\0';
            for (int g = 0; g < sc->nlbs && used + 1 < sizeof names; g++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                         g ? ", " : "", sc->lbs[g].name);
            yread_error(&r->c.y, &w->entry_loc,
                        "entry '%s' is not a load balancer of this scenario; "
                        "load balancers: %s",
                        w->entry, sc->nlbs ? names : "(none)");
        }
    }
    if (sc->nzones == 0)
        zone_index(sc, "a");
    for (int i = 0; i < sc->nasgs; i++) {
        struct sc_asg *a = &sc->asgs[i];
        int gi = a->name ? scenario_tg_index(sc, a->name) : -1;
        if (gi >= 0 && sc->tgs[gi].ntargets > 0 && !sc->tgs[gi].targets[0].lb) {
            yread_error(&r->c.y, &a->loc,
                        "auto scaling group '%s' has the name of a target group with "
                        "targets of its own; their instances would both be '%s/0', ...",
                        a->name, a->name);
        }
    }
    for (int i = 0; i < sc->necs; i++) {
        struct sc_ecs *e = &sc->ecs[i];
        for (int k = 0; k < e->cfg.ntgs; k++) {
            e->tgs[k] = scenario_tg_index(sc, e->tg_names[k]);
            if (e->tgs[k] < 0) {
                yread_error(&r->c.y, &e->tg_locs[k],
                            "ECS service '%s' registers with target group "
                            "'%s', which does not exist",
                            e->name, e->tg_names[k]);
            }
        }
        for (int g = 0; g < sc->nasgs; g++)
            if (e->name && sc->asgs[g].name && !strcmp(e->name, sc->asgs[g].name)) {
                yread_error(&r->c.y, &e->loc,
                            "ECS service '%s' has the name of an auto scaling group; "
                            "their instances and tasks would share names",
                            e->name);
            }
    }
    for (int i = 0; i < sc->nkube; i++) {
        struct sc_kube *e = &sc->kube[i];
        for (int d = 0; d < e->cfg.ndeploys; d++) {
            struct sc_kube_deploy *x = &e->d[d];
            for (int k = 0; k < e->deploys[d].ntgs; k++) {
                x->tgs[k] = scenario_tg_index(sc, x->tg_names[k]);
                if (x->tgs[k] < 0)
                    yread_error(&r->c.y, &x->tg_locs[k],
                                "deployment '%s' registers with target group '%s', which "
                                "does not exist",
                                x->name, x->tg_names[k]);
            }
        }
    }
    for (int i = 0; i < sc->nfaults; i++)
        check_fault_ref(r, &sc->faults[i]);
    for (int i = 0; i < sc->nasgs; i++) {
        struct sc_asg *a = &sc->asgs[i];
        for (int k = 0; k < a->ntgs; k++) {
            int gi = scenario_tg_index(sc, a->tg_names[k]);
            if (gi < 0) {
                yread_error(&r->c.y, &a->tg_locs[k],
                            "auto scaling group '%s' registers with target "
                            "group '%s', which does not exist",
                            a->name, a->tg_names[k]);
            } else if (sc->tgs[gi].ntargets > 0 && sc->tgs[gi].targets[0].lb) {
                yread_error(&r->c.y, &a->tg_locs[k],
                            "target group '%s' has load balancers as targets; "
                            "an auto scaling group registers instances",
                            a->tg_names[k]);
            }
        }
        if (a->nzones == 0) {
            a->zones = xrealloc(a->zones, (size_t)sc->nzones * sizeof *a->zones);
            for (int z = 0; z < sc->nzones; z++)
                a->zones[a->nzones++] = z;
        }
    }
}

/* ---- resolving what depends on more than one section ---- */

static void resolve_group(struct reader *r, struct sc_tg *g)
{
    struct scenario *sc = r->sc;
    /* Which LBs forward to it: one type and one routing mode per group, as in AWS (a target
     * group has one protocol; a CLB's instances serve one listener here). */
    const struct sc_lb *owner = NULL;
    for (int i = 0; i < sc->nlbs; i++)
        for (int j = 0; j < sc->lbs[i].nrules; j++)
            for (int k = 0; k < sc->lbs[i].rules[j].nfw; k++) {
                const struct sc_lb *lb = &sc->lbs[i];
                const struct sc_forward *f = &lb->rules[j].fw[k];
                if (!f->target_group || strcmp(f->target_group, g->name) != 0)
                    continue;
                if (!owner) {
                    owner = lb;
                } else if (owner->type != lb->type || owner->l4 != lb->l4) {
                    yread_error(&r->c.y, &f->loc,
                                "target group '%s' already serves %s %s (%s); a group "
                                "serves one load-balancer type and listener kind, got "
                                "%s %s (%s) too",
                                g->name, lb_cfg_article(owner->type), lb_cfg_type_name(owner->type),
                                owner->name, lb_cfg_article(lb->type), lb_cfg_type_name(lb->type),
                                lb->name);
                }
            }
    target_group_cfg_resolve(&r->c.y, g, owner);
    for (int k = 0; k < g->ntargets; k++)
        if (g->targets[k].lb && scenario_lb_index(sc, g->targets[k].lb) < 0) {
            yread_error(&r->c.y, &g->targets[k].lb_loc,
                        "target '%s' is not a load balancer of this "
                        "scenario",
                        g->targets[k].lb);
        }
}

/* Hops a request makes from LB i to a target (for REQUEST_MAX_HOPS), or -1 on a loop,
 * reported once.  state: 0 unseen, 1 on the path, 2 done (depth in depth[]). */
static int lb_depth(struct reader *r, int i, int *state, int *depth, const struct loc *via)
{
    struct scenario *sc = r->sc;
    if (state[i] == 1) {
        yread_error(&r->c.y, via,
                    "load balancers chain in a loop through '%s': a request would never "
                    "reach a target",
                    sc->lbs[i].name);
        return -1;
    }
    if (state[i] == 2)
        return depth[i];
    state[i] = 1;
    const struct sc_lb *lb = &sc->lbs[i];
    int best = 0;
    if (lb->type == SC_LB_GWLB && lb->next) {
        int n = scenario_lb_index(sc, lb->next);
        if (n >= 0) {
            int d = lb_depth(r, n, state, depth, &lb->next_loc);
            if (d < 0)
                return -1;
            best = d;
        }
    }
    for (int j = 0; j < lb->nrules; j++)
        for (int k = 0; k < lb->rules[j].nfw; k++) {
            int gi = scenario_tg_index(sc, lb->rules[j].fw[k].target_group);
            if (gi < 0)
                continue;
            const struct sc_tg *g = &sc->tgs[gi];
            int below = 1; /* an instance */
            for (int t = 0; t < g->ntargets; t++) {
                int n = g->targets[t].lb ? scenario_lb_index(sc, g->targets[t].lb) : -1;
                if (n < 0)
                    continue;
                int d = lb_depth(r, n, state, depth, &g->targets[t].lb_loc);
                if (d < 0)
                    return -1;
                if (d > below)
                    below = d;
            }
            /* L7: LB and group are hops; L4 (and GWLB, whose appliances are no hop): the LB. */
            int here = lb->type == SC_LB_GWLB ? 1 : lb->l4 ? 1 + below : 2 + below;
            if (here > best)
                best = here;
        }
    if (lb->type == SC_LB_GWLB)
        best += 1;
    state[i] = 2;
    depth[i] = best;
    return best;
}

/* Is zone z one of lb's? */
static bool lb_has_zone(const struct sc_lb *lb, int z)
{
    for (int k = 0; k < lb->nzones; k++)
        if (lb->zones[k] == z)
            return true;
    return false;
}

/* Does some rule of lb forward to group gi? */
static bool lb_forwards_to(const struct scenario *sc, const struct sc_lb *lb, int gi)
{
    for (int j = 0; j < lb->nrules; j++)
        for (int k = 0; k < lb->rules[j].nfw; k++)
            if (lb->rules[j].fw[k].target_group &&
                scenario_tg_index(sc, lb->rules[j].fw[k].target_group) == gi)
                return true;
    return false;
}

/* The first of zones[0..n) that lb has no node in, or -1. */
static int zone_missing(const struct sc_lb *lb, const int *zones, int n)
{
    for (int k = 0; k < n; k++)
        if (!lb_has_zone(lb, zones[k]))
            return zones[k];
    return -1;
}

static void zone_error(struct reader *r, const struct loc *loc, const char *what,
                       const struct sc_lb *lb, int z)
{
    const struct scenario *sc = r->sc;
    char names[512];
    size_t used = 0;
    names[0] = '\0';
    for (int k = 0; k < lb->nzones && used + 1 < sizeof names; k++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "",
                                 sc->zones[lb->zones[k]]);
    yread_error(&r->c.y, loc,
                "%s in zone '%s', where load balancer '%s' has no node (its zones: %s); "
                "AWS sends no traffic to targets in a zone the load balancer does not "
                "have: add '%s' to its zones or place the targets in one of them",
                what, sc->zones[z], lb->name, names, sc->zones[z]);
}

/* Targets registered in a zone the load balancer has no node in receive no traffic in AWS
 * (docs/load-balancers.md, [ELB-HOW]); elbsim would route to them across zones (ALB) or
 * fail every request for want of a target (NLB), so such a scenario is refused. */
static void check_target_zones(struct reader *r)
{
    struct scenario *sc = r->sc;
    for (int i = 0; i < sc->nlbs; i++) {
        const struct sc_lb *lb = &sc->lbs[i];
        for (int gi = 0; gi < sc->ntgs; gi++) {
            if (!lb_forwards_to(sc, lb, gi))
                continue;
            const struct sc_tg *g = &sc->tgs[gi];
            int spread = 0;
            for (int k = 0; k < g->ntargets; k++) {
                const struct sc_targets *ts = &g->targets[k];
                if (ts->lb)
                    continue;
                for (int c = 0; c < ts->count; c++) {
                    /* As world.c places them: unzoned targets over the scenario's zones. */
                    int z = ts->zone >= 0 ? ts->zone : spread++ % sc->nzones;
                    if (!lb_has_zone(lb, z)) {
                        zone_error(r, &ts->zone_loc,
                                   ts->zone >= 0 ? "targets are"
                                                 : "targets without a zone are spread over "
                                                   "the scenario's zones, one lands",
                                   lb, z);
                        break;
                    }
                }
            }
            for (int a = 0; a < sc->nasgs; a++) {
                const struct sc_asg *asg = &sc->asgs[a];
                for (int k = 0; k < asg->ntgs; k++) {
                    if (scenario_tg_index(sc, asg->tg_names[k]) != gi)
                        continue;
                    int z = zone_missing(lb, asg->zones, asg->nzones);
                    if (z >= 0)
                        zone_error(r, &asg->loc, "the auto scaling group launches instances",
                                   lb, z);
                }
            }
            for (int e = 0; e < sc->necs; e++) {
                const struct sc_ecs *svc = &sc->ecs[e];
                for (int k = 0; k < svc->cfg.ntgs; k++) {
                    if (svc->tgs[k] != gi)
                        continue;
                    int z = -1;
                    if (svc->cfg.nzones)
                        z = zone_missing(lb, svc->cfg.zones, svc->cfg.nzones);
                    else
                        for (int q = 0; q < sc->nzones && z < 0; q++)
                            if (!lb_has_zone(lb, q))
                                z = q;
                    if (z >= 0)
                        zone_error(r, &svc->loc, "the ECS service places tasks", lb, z);
                }
            }
        }
    }
}

/* One target type registering with group gi: note it (*have, the first one's
 * who/what in msg), or report a second, different one. */
static void note_type(struct reader *r, int gi, enum sc_tg_type t, const char *who,
                      const struct loc *loc, enum sc_tg_type *have, char *first, size_t n)
{
    static const char *const names[] = {"", "instance", "ip", "alb"};
    struct sc_tg *g = &r->sc->tgs[gi];
    if (g->target_type != SC_TGT_AUTO && g->target_type != t) {
        yread_error(&r->c.y, loc, "%s registers with target group '%s' by %s, but its "
                                  "target_type is %s (a target group has one target type)",
                    who, g->name, names[t], names[g->target_type]);
        return;
    }
    if (*have == SC_TGT_AUTO) {
        *have = t;
        snprintf(first, n, "%s", who);
    } else if (*have != t) {
        yread_error(&r->c.y, loc, "%s registers with target group '%s' by %s, but %s "
                                  "registers by %s: a target group has one target type "
                                  "(instance, ip or alb); use one group for each",
                    who, g->name, names[t], first, names[*have]);
    }
}

/* Each group's target type, from what registers with it (docs/load-balancers.md "Target
 * types"): EC2 instances and Auto Scaling groups by instance, Fargate targets, ECS tasks
 * and EKS pods with target type ip by IP, EKS nodes (target type instance) by instance,
 * a chained ALB as alb.  A given target_type must agree; a group with nothing registered
 * keeps the one given, else instance. */
static void resolve_target_types(struct reader *r)
{
    struct scenario *sc = r->sc;
    for (int gi = 0; gi < sc->ntgs; gi++) {
        struct sc_tg *g = &sc->tgs[gi];
        enum sc_tg_type have = SC_TGT_AUTO;
        char first[300] = "", who[300];
        for (int k = 0; k < g->ntargets; k++) {
            const struct sc_targets *ts = &g->targets[k];
            enum sc_tg_type t = ts->lb ? SC_TGT_ALB
                                : ts->spec.kind == TARGET_FARGATE ? SC_TGT_IP
                                                                  : SC_TGT_INSTANCE;
            snprintf(who, sizeof who, "%s target %d", ts->lb ? "a load-balancer" :
                     ts->spec.kind == TARGET_FARGATE ? "the Fargate" : "the EC2", k + 1);
            note_type(r, gi, t, who, &g->loc, &have, first, sizeof first);
        }
        for (int a = 0; a < sc->nasgs; a++)
            for (int k = 0; k < sc->asgs[a].ntgs; k++)
                if (scenario_tg_index(sc, sc->asgs[a].tg_names[k]) == gi) {
                    snprintf(who, sizeof who, "auto scaling group '%s'", sc->asgs[a].name);
                    note_type(r, gi, SC_TGT_INSTANCE, who, &sc->asgs[a].loc, &have, first,
                              sizeof first);
                }
        for (int e = 0; e < sc->necs; e++)
            for (int k = 0; k < sc->ecs[e].cfg.ntgs; k++)
                if (sc->ecs[e].tgs[k] == gi) {
                    snprintf(who, sizeof who, "ECS service '%s' (tasks in awsvpc mode)",
                             sc->ecs[e].name);
                    note_type(r, gi, SC_TGT_IP, who, &sc->ecs[e].loc, &have, first,
                              sizeof first);
                }
        for (int c = 0; c < sc->nkube; c++)
            for (int d = 0; d < sc->kube[c].cfg.ndeploys; d++) {
                const struct kube_deploy_cfg *dc = &sc->kube[c].deploys[d];
                for (int k = 0; k < dc->ntgs; k++)
                    if (dc->tgs[k] == gi) {
                        bool ip = dc->target_type == KUBE_TARGET_IP;
                        snprintf(who, sizeof who, "deployment '%s' (target type %s)",
                                 sc->kube[c].d[d].name, ip ? "ip" : "instance");
                        note_type(r, gi, ip ? SC_TGT_IP : SC_TGT_INSTANCE, who,
                                  &sc->kube[c].d[d].loc, &have, first, sizeof first);
                    }
            }
        if (g->target_type == SC_TGT_AUTO)
            g->target_type = have == SC_TGT_AUTO ? SC_TGT_INSTANCE : have;
    }
}

static void resolve(struct reader *r)
{
    struct scenario *sc = r->sc;
    for (int i = 0; i < sc->nlbs; i++) {
        const struct sc_lb *lb = &sc->lbs[i];
        if (lb->next && scenario_lb_index(sc, lb->next) < 0) {
            yread_error(&r->c.y, &lb->next_loc, "next '%s' is not a load balancer of this scenario",
                        lb->next);
        }
    }
    for (int i = 0; i < sc->ntgs; i++)
        resolve_group(r, &sc->tgs[i]);
    if (r->c.y.errors)
        return;
    resolve_target_types(r);
    if (r->c.y.errors)
        return;
    check_target_zones(r);
    if (r->c.y.errors)
        return;
    int *state = xcalloc((size_t)sc->nlbs + 1, sizeof *state);
    int *depth = xcalloc((size_t)sc->nlbs + 1, sizeof *depth);
    for (int i = 0; i < sc->nlbs; i++) {
        int d = lb_depth(r, i, state, depth, &sc->lbs[i].loc);
        if (d < 0)
            break;
        if (d > 8) {
            yread_error(&r->c.y, &sc->lbs[i].loc,
                        "load balancer '%s' chains %d hops deep; at most 8 "
                        "(REQUEST_MAX_HOPS)",
                        sc->lbs[i].name, d);
            break;
        }
    }
    free(state);
    free(depth);
}

static int finish(struct ytree *root, const char *name, char *const *sets, int nsets,
                  struct scenario **out)
{
    struct scenario *sc = xcalloc(1, sizeof *sc);
    sc->file = xstrdup(name);
    const char *slash = strrchr(name, '/');
    sc->dir = slash ? xstrndup(name, (size_t)(slash - name)) : xstrdup(".");
    struct reader r = {.sc = sc};
    yread_init(&r.c.y, sc->dir);
    r.c.file = sc->file;
    r.c.zone_index = zone_index;
    r.c.zones = sc;
    for (int i = 0; i < nsets; i++)
        if (ytree_set(root, sets[i]))
            yread_fail(&r.c.y);
    if (r.c.y.errors == 0) {
        read_top(&r, root);
        if (r.c.y.errors == 0)
            check_refs(&r);
        if (r.c.y.errors == 0) {
            resolve_per_target(sc);
            check_slos(&r);
        }
        if (r.c.y.errors == 0)
            resolve(&r);
    }
    ytree_free(root);
    if (r.c.y.errors) {
        scenario_free(sc);
        return -1;
    }
    *out = sc;
    return 0;
}

int scenario_load(const char *path, char *const *sets, int nsets, struct scenario **out)
{
    struct ytree *root;
    if (ytree_load_file(path, &root))
        return -1;
    return finish(root, path, sets, nsets, out);
}

int scenario_load_string(const char *text, const char *name, char *const *sets, int nsets,
                         struct scenario **out)
{
    struct ytree *root;
    if (ytree_load_string(text, name, &root))
        return -1;
    return finish(root, name, sets, nsets, out);
}

void scenario_free(struct scenario *sc)
{
    if (!sc)
        return;
    for (int i = 0; i < sc->nworkloads; i++)
        workload_cfg_fini(&sc->workloads[i]);
    free(sc->workloads);
    for (int i = 0; i < sc->nlbs; i++)
        lb_cfg_fini(&sc->lbs[i]);
    free(sc->lbs);
    for (int i = 0; i < sc->ntgs; i++)
        target_group_cfg_fini(&sc->tgs[i]);
    free(sc->tgs);
    for (int i = 0; i < sc->nslos; i++) {
        free(sc->slos[i].text);
        free(sc->slos[i].scope);
        free(sc->slos[i].name);
        free(sc->slos[i].metric);
    }
    free(sc->slos);
    for (int i = 0; i < sc->nfaults; i++)
        fault_cfg_fini(&sc->faults[i]);
    free(sc->faults);
    for (int i = 0; i < sc->nasgs; i++)
        asg_cfg_fini(&sc->asgs[i]);
    free(sc->asgs);
    for (int i = 0; i < sc->necs; i++)
        ecs_cfg_fini(&sc->ecs[i]);
    free(sc->ecs);
    for (int i = 0; i < sc->nkube; i++)
        kube_cfg_fini(&sc->kube[i]);
    free(sc->kube);
    for (int i = 0; i < sc->nzones; i++)
        free(sc->zones[i]);
    free(sc->zones);
    free(sc->file);
    free(sc->dir);
    free(sc->name);
    free(sc);
}

/* ---- the resolved scenario ---- */

void scenario_write_resolved(const struct scenario *sc, FILE *f)
{
    fprintf(f, "# Resolved by elbsim %s: every default filled in.\n", ELBSIM_VERSION);
    fprintf(f, "# Run it again with: elbsim run scenario.yaml\n");
    fputs("name: ", f);
    ywrite_quoted(f, sc->name);
    fputs("\nelbsim_version: " ELBSIM_VERSION "\n", f);
    fputs("duration: ", f);
    ywrite_unit(f, sc->duration_s, SIM_UNIT_SECONDS);
    fputs("\nwarmup: ", f);
    ywrite_unit(f, sc->warmup_s, SIM_UNIT_SECONDS);
    fprintf(f, "\nseed: %llu\n", (unsigned long long)sc->seed);
    if (sc->max_requests != SCENARIO_MAX_REQUESTS) /* written when set, as access_logs */
        fprintf(f, "limits: { requests: %.17g }\n", sc->max_requests);
    {
        char when[32];
        struct cron_clock utc = {0, 0};
        cron_format_utc(&utc, (double)sc->start_epoch_s, when, sizeof when);
        fprintf(f, "start: '%s'\n", when);
    }
    fputs("output: { interval: ", f);
    ywrite_unit(f, sc->interval_s, SIM_UNIT_SECONDS);
    fprintf(f, ", requests: %s", sc->log_requests ? "true" : "false");
    if (sc->trace_on) {
        char sel[512];
        trace_sel_format(&sc->trace, sel, sizeof sel);
        fputs(", trace: ", f);
        ywrite_quoted(f, sel);
    }
    /* access_logs and cloudwatch written only when on, so that scenarios without them
     * resolve as before. */
    static const char *const per_target[] = {"auto", "true", "false"};
    fprintf(f, ", report: %s%s%s", sc->report ? "true" : "false",
            sc->access_logs ? ", access_logs: true" : "",
            sc->cloudwatch ? ", cloudwatch: true" : "");
    /* per_target as written, only when written (auto is resolved per run size). */
    if (sc->per_target_given)
        fprintf(f, ", per_target: %s", per_target[sc->per_target_set]);
    fputs(" }\n", f);
    fputs("workloads:\n", f);
    for (int i = 0; i < sc->nworkloads; i++)
        workload_cfg_write(&sc->workloads[i], f);
    fputs("load_balancers:\n", f);
    for (int i = 0; i < sc->nlbs; i++)
        lb_cfg_write(&sc->lbs[i], sc->zones, f);
    fputs("target_groups:\n", f);
    for (int i = 0; i < sc->ntgs; i++)
        target_group_cfg_write(&sc->tgs[i], sc->zones, f);
    if (sc->nasgs) {
        fputs("auto_scaling_groups:\n", f);
        for (int i = 0; i < sc->nasgs; i++)
            asg_cfg_write(&sc->asgs[i], sc->zones, f);
    }
    if (sc->necs) {
        fputs("ecs_services:\n", f);
        for (int i = 0; i < sc->necs; i++)
            ecs_cfg_write(&sc->ecs[i], sc->zones, f);
    }
    if (sc->nkube) {
        fputs("eks_clusters:\n", f);
        for (int i = 0; i < sc->nkube; i++)
            kube_cfg_write(&sc->kube[i], sc->zones, f);
    }
    if (sc->nfaults) {
        fputs("faults:\n", f);
        for (int i = 0; i < sc->nfaults; i++)
            fault_cfg_write(&sc->faults[i], f);
    }
    if (sc->nslos) {
        fputs("slo:\n", f);
        for (int i = 0; i < sc->nslos; i++) {
            fputs("  - ", f);
            ywrite_quoted(f, sc->slos[i].text);
            fputc('\n', f);
        }
    }
}
