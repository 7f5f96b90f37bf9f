#include "sim/cli/exp_runner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/exp_format.h"
#include "analysis/exp_plan.h"
#include "analysis/summary.h"
#include "models/scenario/scenario.h"
#include "sim/cli/commands.h"
#include "sim/cli/run.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* ---- command line ---------------------------------------------------------------------- */

static int parse_int(const char *opt, const char *s, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max) {
        diag_error(NULL, "%s takes a whole number from %d to %d, got '%s'", opt, min, max, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Add the metric text (once: a metric already there keeps its place and becomes shown if
 * this one is).  Returns its index, or -1 after reporting. */
static int add_metric(struct exp_opts *o, const char *text, bool shown)
{
    struct exp_metric m;
    if (exp_metric_parse(text, &m))
        return -1;
    for (int k = 0; k < o->nmetrics; k++)
        if (!strcmp(o->metrics[k].label, m.label)) {
            exp_metric_fini(&m);
            o->metrics[k].shown = o->metrics[k].shown || shown;
            if (shown)
                o->metrics[k].helper = false;
            return k;
        }
    m.shown = shown;
    o->metrics = xrealloc(o->metrics, (size_t)(o->nmetrics + 1) * sizeof *o->metrics);
    o->metrics[o->nmetrics] = m;
    return o->nmetrics++;
}

/* --metric a,b or --metric a --metric b: the table's columns. */
static int add_metrics(struct exp_opts *o, const char *list)
{
    char *copy = xstrdup(list), *save = NULL;
    int rc = 0;
    if (!*copy) {
        diag_error(NULL, "--metric: empty; expected a summary metric such as latency_p99_s");
        rc = -1;
    }
    for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save))
        if (add_metric(o, t, true) < 0)
            rc = -1;
    free(copy);
    o->metrics_given = true;
    return rc;
}

int exp_runner_parse(int argc, char **argv, enum exp_kind kind, const char *usage,
                     struct exp_opts *o)
{
    int rank = o->rank, nranks = o->nranks; /* from exp_mpi_begin */
    *o = (struct exp_opts){.kind = kind, .level = 0.95, .reps = kind == EXP_COMPARE ? 5 : 3,
                           .rank = rank, .nranks = nranks};
    o->sets = xcalloc((size_t)argc, sizeof *o->sets);
    const char *what = kind == EXP_COMPARE ? "compare" : "sweep";
    bool jobs_given = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
/* "--opt VALUE" (takes the next argument) or "--opt=VALUE"; sets val. */
#define TAKE(opt)                                                                        \
    ((!strcmp(arg, opt) && i + 1 < argc)                                                 \
         ? (val = argv[++i], 1)                                                          \
         : (!strncmp(arg, opt "=", strlen(opt) + 1) ? (val = arg + strlen(opt) + 1, 1) : 0))
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage, stdout);
            return -1;
        } else if (TAKE("--vary")) {
            if (exp_design_add(&o->design, val))
                return EXIT_BAD_INPUT;
        } else if (TAKE("--set")) {
            o->sets[o->nsets++] = (char *)val;
        } else if (TAKE("--reps")) {
            int min = kind == EXP_COMPARE ? 2 : 1;
            if (parse_int("--reps", val, min, 100000, &o->reps)) {
                if (min == 2)
                    fprintf(stderr, "elbsim: (compare needs 2 replications or more for a "
                                    "confidence interval)\n");
                return EXIT_BAD_INPUT;
            }
        } else if (TAKE("-j") || TAKE("--jobs")) {
            if (parse_int("-j", val, 1, 4096, &o->jobs))
                return EXIT_BAD_INPUT;
            jobs_given = true;
        } else if (!strncmp(arg, "-j", 2) && arg[2]) {
            if (parse_int("-j", arg + 2, 1, 4096, &o->jobs))
                return EXIT_BAD_INPUT;
            jobs_given = true;
        } else if (TAKE("--metric")) {
            if (add_metrics(o, val))
                return EXIT_BAD_INPUT;
        } else if (TAKE("--confidence")) {
            char *end;
            double v = strtod(val, &end);
            if (*end == '%')
                v /= 100, end++;
            if (!*val || *end || !(v > 0 && v < 1)) {
                diag_error(NULL, "--confidence takes a level between 0 and 1 (or a percentage "
                           "such as 90%%), got '%s'", val);
                return EXIT_BAD_INPUT;
            }
            o->level = v;
        } else if (TAKE("--warmup")) {
            if (!strcmp(val, "mser5"))
                o->mser5 = true;
            else if (strcmp(val, "scenario")) {
                diag_error(NULL, "--warmup '%s': expected mser5 (detect it) or scenario (the "
                           "scenario's `warmup`; to set one, --set warmup=2m)", val);
                return EXIT_BAD_INPUT;
            }
        } else if (TAKE("--seed")) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(val, &end, 10);
            if (!*val || *end || errno || val[0] == '-') {
                diag_error(NULL, "--seed takes a whole number from 0 to 2^64-1, got '%s'", val);
                return EXIT_BAD_INPUT;
            }
            o->seed = v;
            o->have_seed = true;
        } else if (TAKE("-o") || TAKE("--output")) {
            o->out_dir = val;
        } else if (kind == EXP_SWEEP && (TAKE("--objectives") || TAKE("--front"))) {
            o->objectives = val;
        } else if (kind == EXP_COMPARE && TAKE("--baseline")) {
            o->baseline_name = val;
        } else if (kind == EXP_COMPARE && !strcmp(arg, "--pairs")) {
            o->pairs = true;
        } else if (TAKE("--window")) {
            if (parse_int("--window", val, 1, EXP_MAX_POINTS, &o->window))
                return EXIT_BAD_INPUT;
        } else if (!strcmp(arg, "--keep-runs")) {
            o->keep_runs = true;
        } else if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
            o->quiet = true;
        } else if (arg[0] == '-' && arg[1]) {
            diag_error(NULL, "%s: unknown or incomplete option '%s'", what, arg);
            fputs(usage, stderr);
            return EXIT_BAD_INPUT;
        } else if (!o->file) {
            o->file = arg;
        } else {
            diag_error(NULL, "%s: one scenario at a time (got '%s' and '%s')", what, o->file,
                       arg);
            return EXIT_BAD_INPUT;
        }
#undef TAKE
    }
    if (!o->file) {
        diag_error(NULL, "%s: no scenario file given", what);
        fputs(usage, stderr);
        return EXIT_BAD_INPUT;
    }
    if (o->design.nf == 0) {
        diag_error(NULL, "%s: nothing varies; give --vary PATH=V1,V2,... (e.g. --vary "
                   "target_groups.web.algorithm=round_robin,least_outstanding_requests)", what);
        return EXIT_BAD_INPUT;
    }
    o->npoints = exp_design_npoints(&o->design);
    if (kind == EXP_COMPARE && o->npoints < 2) {
        diag_error(NULL, "compare: --vary '%s' gives one variant; a comparison needs two or "
                   "more values", o->design.f[0].arg);
        return EXIT_BAD_INPUT;
    }
    if (!jobs_given) {
        /* Under MPI one process per core is the rule: workers within a rank when asked. */
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->jobs = n > 0 && nranks == 1 ? (int)n : 1;
    }
    return 0;
}

/* ---- checks ------------------------------------------------------------------------------ */

/* Load with diag messages caught; on failure, print them with the `--set:1:COL:` of the
 * vary value rewritten to `--vary:1:COL:` with the column in the --vary argument (for
 * factor k's value v; k < 0: leave them), then a line naming the --vary argument and
 * whether its path or its value is wrong (k >= 0), or else the context. */
static int load_checked(const struct exp_opts *o, char **sets, int nsets, int k, int v,
                        const char *context, struct scenario **out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    FILE *old = diag_set_stream(mem ? mem : stderr);
    int rc = scenario_load(o->file, sets, nsets, out);
    diag_set_stream(old);
    if (mem)
        fclose(mem);
    FILE *err = old ? old : stderr;
    if (rc && buf) {
        const struct exp_factor *f = k >= 0 ? &o->design.f[k] : NULL;
        bool in_path = false; /* an error points into the path, not the value */
        for (char *line = buf, *nl; *line; line = nl) {
            nl = strchr(line, '\n');
            nl = nl ? nl + 1 : line + strlen(line);
            int col, used = 0;
            if (f && sscanf(line, "--set:1:%d:%n", &col, &used) == 1 && used > 0) {
                /* Columns past "PATH=" fall in the value: move them onto this value's
                 * place in the --vary argument. */
                int vstart = (int)strlen(f->path) + 2;
                in_path = in_path || col < vstart;
                if (col >= vstart)
                    col = col - vstart + (int)f->value_off[v] + 1;
                fprintf(err, "--vary:1:%d:%.*s", col, (int)(nl - line - used), line + used);
            } else {
                fwrite(line, 1, (size_t)(nl - line), err);
            }
        }
        if (f && in_path)
            fprintf(err, "elbsim: error: --vary '%s': the scenario has no path %s (see above)\n",
                    f->arg, f->path);
        else if (f)
            fprintf(err, "elbsim: error: --vary '%s': value '%s' does not fit %s (see above)\n",
                    f->arg, f->values[v], f->path);
        else if (context)
            fprintf(err, "elbsim: error: %s\n", context);
    }
    free(buf);
    return rc;
}

/* Names the scenario has in a scope, for checking --metric; NULL scope: not checked. */
static bool has_name(const struct scenario *sc, const char *scope, const char *name,
                     char *valid, size_t n)
{
    size_t used = 0;
    valid[0] = '\0';
#define OFFER(s) text_appendf(valid, n, &used, "%s%s", used ? ", " : "", (s))
    if (!strcmp(scope, "run")) {
        OFFER("run");
        return !strcmp(name, "run");
    }
    bool found = false;
    if (!strcmp(scope, "workload")) {
        for (int i = 0; i < sc->nworkloads; i++) {
            OFFER(sc->workloads[i].name);
            found = found || !strcmp(name, sc->workloads[i].name);
        }
    } else if (!strcmp(scope, "lb")) {
        for (int i = 0; i < sc->nlbs; i++) {
            OFFER(sc->lbs[i].name);
            found = found || !strcmp(name, sc->lbs[i].name);
        }
    } else if (!strcmp(scope, "target_group")) {
        for (int i = 0; i < sc->ntgs; i++) {
            OFFER(sc->tgs[i].name);
            found = found || !strcmp(name, sc->tgs[i].name);
        }
    } else if (!strcmp(scope, "target")) {
        for (int i = 0; i < sc->ntgs; i++) {
            int count = 0;
            for (int j = 0; j < sc->tgs[i].ntargets; j++)
                count += sc->tgs[i].targets[j].count;
            char t[256];
            for (int j = 0; j < count; j++) {
                snprintf(t, sizeof t, "%s/%d", sc->tgs[i].name, j);
                found = found || !strcmp(name, t);
            }
            if (count) {
                snprintf(t, sizeof t, "%s/0..%s/%d", sc->tgs[i].name, sc->tgs[i].name,
                         count - 1);
                OFFER(t);
            }
        }
    } else {
        return true; /* a scope a newer model adds (asg, ecs_service): not checked here */
    }
#undef OFFER
    return found;
}

static int check_metrics(const struct exp_opts *o, const struct scenario *sc)
{
    static const char *const scopes[] = {"run", "workload", "lb", "target_group", "target",
                                         "asg", "ecs_service", "ecs", "ecs_cluster",
                                         "eks_cluster", "deployment", NULL};
    for (int k = 0; k < o->nmetrics; k++) {
        const struct exp_metric *m = &o->metrics[k];
        bool known = false;
        for (int s = 0; scopes[s]; s++)
            known = known || !strcmp(m->scope, scopes[s]);
        if (!known) {
            diag_error(NULL, "--metric '%s': unknown scope '%s'; expected one of: run, workload, "
                       "lb, target_group, target (as in summary.csv)", m->label, m->scope);
            return -1;
        }
        if (!strcmp(m->scope, "target") && !sc->per_target) {
            diag_error(NULL, "--metric '%s': the runs write no per-target rows (output."
                       "per_target is %s with %lld targets); use the target group's "
                       "(target_group.<name>.%s) or --set output.per_target=true", m->label,
                       sc->per_target_set == SC_PER_TARGET_OFF ? "false" : "auto",
                       (long long)sc->max_targets, m->metric);
            return -1;
        }
        char valid[1024];
        if (!has_name(sc, m->scope, m->name, valid, sizeof valid)) {
            diag_error(NULL, "--metric '%s': the scenario has no %s named '%s'; %s names: %s",
                       m->label, m->scope, m->name, m->scope, *valid ? valid : "(none)");
            return -1;
        }
    }
    return 0;
}

/* The sets of job point p: the user's, then the point's values. */
static char **point_sets(const struct exp_opts *o, int p, int *n)
{
    char **s = xcalloc((size_t)(o->nsets + o->design.nf + 1), sizeof *s);
    for (int i = 0; i < o->nsets; i++)
        s[i] = xstrdup(o->sets[i]);
    for (int k = 0; k < o->design.nf; k++)
        s[o->nsets + k] = exp_design_set(&o->design, p, k);
    *n = o->nsets + o->design.nf;
    return s;
}

static void free_sets(char **s, int n)
{
    for (int i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

/* Without --metric: what is collected, and whether the table shows it (a sweep's table has
 * room for three columns beside the varied values; latency_mean_s is in sweep.csv). */
static const struct {
    const char *name;
    bool shown;
} default_metrics[2][5] = {
    {{"latency_mean_s", true}, {"latency_p99_s", true}, {"error_ratio", true},
     {"throughput_rps", true}, {NULL, false}},
    {{"latency_mean_s", false}, {"latency_p99_s", true}, {"error_ratio", true},
     {"cost_usd", true}, {NULL, false}},
};

/* A scenario SLO's comparison ("<", "<=", ">", ">=", checked by the scenario). */
static enum exp_slo_op slo_op(const char *op)
{
    return !strcmp(op, "<")    ? EXP_SLO_LT
           : !strcmp(op, "<=") ? EXP_SLO_LE
           : !strcmp(op, ">")  ? EXP_SLO_GT
                               : EXP_SLO_GE;
}

/* The point whose label (as printed, values joined by ", ") is --baseline's NAME, or -1
 * after reporting the labels there are. */
static int find_variant(const struct exp_opts *o)
{
    char valid[2048];
    size_t used = 0;
    valid[0] = '\0';
    for (int p = 0; p < o->npoints; p++) {
        char *label = exp_design_label(&o->design, p);
        bool match = !strcmp(label, o->baseline_name);
        text_appendf(valid, sizeof valid, &used, "%s'%s'", p ? ", " : "", label);
        free(label);
        if (match)
            return p;
    }
    diag_error(NULL, "--baseline '%s': no variant is called that; the variants are %s",
               o->baseline_name, valid);
    return -1;
}

int exp_runner_prepare(struct exp_opts *o)
{
    struct scenario *sc;
    if (scenario_load(o->file, o->sets, o->nsets, &sc))
        return EXIT_BAD_INPUT;
    o->name = xstrdup(sc->name);
    o->base_seed = o->have_seed ? o->seed : sc->seed;
    o->warmup_s = sc->warmup_s;
    int rc = EXIT_BAD_INPUT;
    if (!o->metrics_given)
        for (int i = 0; default_metrics[o->kind][i].name; i++)
            add_metric(o, default_metrics[o->kind][i].name, default_metrics[o->kind][i].shown);
    /* What the table shows without --metric: the defaults, the front's and the SLOs'. */
    bool auto_shown = !o->metrics_given;
    if (o->kind == EXP_SWEEP) {
        /* The front: --objectives X,Y, else cost against the first SLO's metric (or p99),
         * drawn only when the cost varies (analysis/exp_sweep). */
        char fx[256] = "cost_usd", fy[256] = "latency_p99_s";
        if (sc->nslos && strcmp(sc->slos[0].metric, "cost_usd")) {
            const struct sc_slo *s = &sc->slos[0];
            snprintf(fy, sizeof fy, "%s.%s.%s", s->scope, s->name, s->metric);
        }
        if (o->objectives) {
            const char *comma = strchr(o->objectives, ',');
            if (!comma || comma == o->objectives || !comma[1] || strchr(comma + 1, ',')) {
                diag_error(NULL, "--objectives '%s': expected two metrics X,Y (both minimised), "
                           "e.g. p99,cost or cost_usd,workload.web.error_ratio", o->objectives);
                goto out;
            }
            snprintf(fx, sizeof fx, "%.*s", (int)(comma - o->objectives), o->objectives);
            snprintf(fy, sizeof fy, "%s", comma + 1);
        }
        if ((o->front_x = add_metric(o, fx, auto_shown)) < 0 ||
            (o->front_y = add_metric(o, fy, auto_shown)) < 0)
            goto out;
        if (o->front_x == o->front_y) {
            diag_error(NULL, "--objectives '%s': the two metrics are the same; a front needs "
                       "two", o->objectives);
            goto out;
        }
        /* The cost, for "the cheapest point that meets the SLOs" and for whether the
         * default front has a trade-off to show. */
        o->cost = add_metric(o, "cost_usd", false);
        /* The SLOs, judged on the mean over replications (analysis/exp_sweep). */
        o->slos = xcalloc((size_t)(sc->nslos ? sc->nslos : 1), sizeof *o->slos);
        for (int i = 0; i < sc->nslos; i++) {
            const struct sc_slo *s = &sc->slos[i];
            char t[512];
            snprintf(t, sizeof t, "%s.%s.%s", s->scope, s->name, s->metric);
            int k = add_metric(o, t, auto_shown);
            if (k < 0)
                goto out;
            o->slos[o->nslos++] = (struct exp_slo){k, slo_op(s->op), s->value};
        }
    }
    /* error_ratio's interval (Wilson) comes from its counts: failed of requests. */
    for (int k = 0, n = o->nmetrics; k < n; k++) {
        if (strcmp(o->metrics[k].metric, "error_ratio"))
            continue;
        const char *const counts[2] = {"failed", "requests"};
        int idx[2];
        for (int c = 0; c < 2; c++) {
            char t[512];
            snprintf(t, sizeof t, "%s.%s.%s", o->metrics[k].scope, o->metrics[k].name,
                     counts[c]);
            int before = o->nmetrics;
            idx[c] = add_metric(o, t, false);
            if (idx[c] < 0)
                goto out;
            if (idx[c] >= before)
                o->metrics[idx[c]].helper = true;
        }
        o->metrics[k].num = idx[0];
        o->metrics[k].den = idx[1];
    }
    if (o->kind == EXP_COMPARE) {
        o->baseline = 0;
        if (o->baseline_name && (o->baseline = find_variant(o)) < 0)
            goto out;
    }
    if (check_metrics(o, sc))
        goto out;

    /* Each value on its own, so an error names its --vary argument ... */
    for (int k = 0; k < o->design.nf; k++) {
        const struct exp_factor *f = &o->design.f[k];
        for (int v = 0; v < f->nvalues; v++) {
            char **sets = xcalloc((size_t)o->nsets + 1, sizeof *sets);
            for (int i = 0; i < o->nsets; i++)
                sets[i] = xstrdup(o->sets[i]);
            size_t n = strlen(f->path) + strlen(f->values[v]) + 2;
            sets[o->nsets] = xmalloc(n);
            snprintf(sets[o->nsets], n, "%s=%s", f->path, f->values[v]);
            struct scenario *one;
            int bad = load_checked(o, sets, o->nsets + 1, k, v, NULL, &one);
            free_sets(sets, o->nsets + 1);
            if (bad)
                goto out;
            scenario_free(one);
        }
    }
    /* ... then every combination (two values may clash, e.g. timeout and interval). */
    if (o->design.nf > 1)
        for (int p = 0; p < o->npoints; p++) {
            int n;
            char **sets = point_sets(o, p, &n);
            char *label = exp_design_label(&o->design, p);
            char ctx[1024];
            snprintf(ctx, sizeof ctx, "point %d of the experiment (%s) is not a valid scenario",
                     p, label);
            free(label);
            struct scenario *one;
            int bad = load_checked(o, sets, n, -1, 0, ctx, &one);
            free_sets(sets, n);
            if (bad)
                goto out;
            scenario_free(one);
        }
    rc = 0;
out:
    scenario_free(sc);
    return rc;
}

/* ---- one job, for analysis/exp_plan ---------------------------------------------------- */

/* exp_job_ops.run: load the scenario with the user's --set and the point's values, seed it
 * for the replication, run it into the job's folder and read the metrics from its
 * summary. */
static int run_job(void *ctx, const struct exp_job *job, double *values)
{
    const struct exp_opts *o = ctx;
    int n;
    char **sets = point_sets(o, job->point, &n);
    struct scenario *sc;
    int rc = scenario_load(o->file, sets, n, &sc);
    free_sets(sets, n);
    if (rc)
        return -1;
    sc->seed = exp_job_seed(job, sc->seed);
    if (!isnan(job->warmup_s))
        sc->warmup_s = job->warmup_s;
    struct run_opts ro = {.out_dir = job->dir, .seed = sc->seed, .quiet = true};
    struct summary *s = NULL;
    rc = run_scenario(sc, &ro, &s) ? -1 : 0;
    for (int k = 0; k < o->nmetrics && rc == 0; k++) {
        const struct exp_metric *m = &o->metrics[k];
        values[k] = summary_get(s, m->scope, m->name, m->metric);
    }
    summary_free(s);
    scenario_free(sc);
    return rc;
}

static const struct exp_job_ops run_ops = {.run = run_job};

/* ---- the experiment ------------------------------------------------------------------------ */

/* mkdir -p. */
static int make_dirs(const char *path)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *c = p + 1;; c++) {
        if (*c && *c != '/')
            continue;
        char keep = *c;
        *c = '\0';
        if (mkdir(p, 0777) && errno != EEXIST) {
            fprintf(stderr, "elbsim: cannot create folder %s: %s\n", p, strerror(errno));
            rc = -1;
            break;
        }
        *c = keep;
        if (!keep)
            break;
    }
    free(p);
    return rc;
}

int exp_runner_out_dir(const struct exp_opts *o, char *buf, size_t n)
{
    if (o->out_dir)
        snprintf(buf, n, "%s", o->out_dir);
    else
        snprintf(buf, n, "out/%s-%s", o->name, o->kind == EXP_COMPARE ? "compare" : "sweep");
    for (size_t k = strlen(buf); k > 1 && buf[k - 1] == '/'; k--)
        buf[k - 1] = '\0';
    return make_dirs(buf);
}

/* Whether metrics a and b hold the same value in every run (NaN equals NaN). */
static bool same_values(const struct exp_table *t, int a, int b)
{
    for (int p = 0; p < t->npoints; p++)
        for (int r = 0; r < t->reps; r++) {
            const double *v = exp_table_at(t, p, r);
            if (isnan(v[a]) != isnan(v[b]) || (!isnan(v[a]) && v[a] != v[b]))
                return false;
        }
    return true;
}

/* Without --metric, one number is one column: a narrower scope's metric that holds the
 * value of the run-scope metric of the same name in every run (the one workload's p99,
 * which an SLO names, is the run's) is not a column of its own; the table says whose twin
 * it is, the CSV keeps both. */
static void show_twins_once(struct exp_opts *o, const struct exp_table *t)
{
    if (o->metrics_given)
        return;
    for (int b = 0; b < o->nmetrics; b++) {
        struct exp_metric *mb = &o->metrics[b];
        if (!mb->shown || !strcmp(mb->scope, "run"))
            continue;
        for (int a = 0; a < o->nmetrics && mb->shown; a++) {
            const struct exp_metric *ma = &o->metrics[a];
            if (ma->shown && !strcmp(ma->scope, "run") && !strcmp(ma->metric, mb->metric) &&
                same_values(t, a, b)) {
                mb->shown = false;
                mb->twin = a;
            }
        }
    }
}

int exp_runner_run(struct exp_opts *o, struct exp_table *t)
{
    *t = (struct exp_table){0};
    char out[4096];
    if (exp_runner_out_dir(o, out, sizeof out))
        return EXIT_ENV;
    struct exp_plan plan = {
        .design = &o->design,
        .reps = o->reps,
        .nmetrics = o->nmetrics,
        .jobs = o->jobs,
        .rank = o->rank,
        .nranks = o->nranks,
        .have_seed = o->have_seed,
        .seed = o->seed,
        .mser5 = o->mser5,
        .warmup_per_rep = o->kind == EXP_COMPARE,
        .out_dir = out,
        .keep_runs = o->keep_runs,
        .progress = !o->quiet,
        .window = o->window,
    };
    if (exp_plan_run(&plan, &run_ops, o, t))
        return EXIT_ENV;
    if (o->rank > 0)
        return 0; /* the table is rank 0's */
    show_twins_once(o, t);
    /* A metric no run reported is most likely misspelt. */
    for (int k = 0; k < o->nmetrics; k++)
        if (!exp_table_has_metric(t, k))
            diag_warning(NULL, "no run reported %s (no such summary metric, or no data); "
                         "`elbsim list metrics` lists them", o->metrics[k].label);
    return 0;
}

void exp_runner_print_header(const struct exp_opts *o, const struct exp_table *t,
                             const char *what)
{
    const char *unit = o->kind == EXP_COMPARE ? "variant" : "point";
    char line[8192];
    snprintf(line, sizeof line, "elbsim %s: scenario '%s' (%s), %d %s%s x %d replication%s, "
             "%g %% confidence", what, o->name, o->file, o->npoints, unit,
             o->npoints == 1 ? "" : "s", o->reps, o->reps == 1 ? "" : "s", 100 * o->level);
    exp_format_wrap(stdout, line, 0, 2);
    printf("common random numbers: replication r runs with seed mix(%llu, \"rep.<r>\") in "
           "every %s\n", (unsigned long long)o->base_seed,
           o->kind == EXP_COMPARE ? "variant" : "point");
    if (o->mser5 && t->warmup_s) {
        int njobs = o->npoints * o->reps;
        double lo = (double)INFINITY, hi = -(double)INFINITY;
        for (int j = 0; j < njobs; j++) {
            lo = t->warmup_s[j] < lo ? t->warmup_s[j] : lo;
            hi = t->warmup_s[j] > hi ? t->warmup_s[j] : hi;
        }
        printf("warm-up: MSER-5 on each run's mean latency per interval: %g to %g s "
               "(the scenario says %g s)\n", lo, hi, o->warmup_s);
    } else {
        printf("warm-up: %g s (the scenario's; --warmup mser5 detects it)\n", o->warmup_s);
    }
    for (int k = 0; k < o->design.nf; k++) {
        const struct exp_factor *f = &o->design.f[k];
        size_t used = 0;
        text_appendf(line, sizeof line, &used, "%s:", f->path);
        for (int v = 0; v < f->nvalues; v++)
            text_appendf(line, sizeof line, &used, "%s %s", v ? "," : "", f->values[v]);
        exp_format_wrap(stdout, line, 0, 2);
    }
}

void exp_runner_fini(struct exp_opts *o)
{
    free(o->sets);
    exp_design_fini(&o->design);
    for (int k = 0; k < o->nmetrics; k++)
        exp_metric_fini(&o->metrics[k]);
    free(o->metrics);
    free(o->name);
    free(o->slos);
    *o = (struct exp_opts){0};
}
