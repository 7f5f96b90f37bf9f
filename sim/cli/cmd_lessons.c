/*
 * `elbsim lessons MANIFEST.yaml` — run every lesson of a manifest, check its claims and
 * write a gallery page, DIR/index.html (docs/lessons.md).
 *
 * Each lesson names runs (a scenario and --set overrides), the plot to show, numbers and
 * claims written as expressions on the runs' summary.csv (analysis/lesson), and one "try
 * this" change, itself run and checked.  The whole manifest is read and every expression
 * checked before anything runs.  The runs are `elbsim run` and `elbsim plot` in forked
 * children, -j at a time, each into DIR/<lesson>/<run>/; the folder DIR is written whole
 * or not at all (analysis/outdir).  A false claim is printed with the lesson, the claim,
 * and both sides' values; the page is still written (the claim marked false) and the
 * status is 3.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/lesson.h"
#include "analysis/outdir.h"
#include "sim/cli/commands.h"
#include "sim/diag.h"
#include "sim/interrupt.h"
#include "sim/path.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"

/* The run a lesson's "try this" change makes, named in its expressions. */
#define TRY_RUN "try"

struct metric {
    char *key;   /* scope.name.metric */
    double value;
};

struct lrun {
    const char *name;       /* borrowed from the tree */
    char *scenario;         /* the scenario's path as the command line names it (owned) */
    const char **sets;      /* --set values (borrowed), nsets of them */
    int nsets;
    const char *seed;       /* --seed, or NULL */
    char *dir;              /* output folder (owned) */
    struct metric *m;       /* its summary.csv, once read */
    size_t nm;
};

struct text {              /* a value and where the manifest wrote it */
    const char *s;
    const struct loc *loc;
};

struct lnumber {
    struct text label, value, unit;
};

struct lclaim {
    struct text say, check;
    bool holds;
};

struct lesson {
    const char *name;
    struct text title, question, look_at, expect, try_check;
    struct lrun *runs;      /* the runs, then the try run last */
    int nruns;
    const char *plot_run, *plot_file;
    const char *try_base;   /* the run the try change starts from */
    const char **try_sets;
    int ntry_sets;
    struct lnumber *numbers;
    int nnumbers;
    struct lclaim *claims;
    int nclaims;
    bool try_holds;
};

struct gallery {
    struct ytree *root;
    char *dir;              /* the manifest's folder */
    struct lesson *l;
    int n;
};

static void usage(FILE *f)
{
    fputs("usage: elbsim lessons MANIFEST.yml [-o DIR] [-j N] [--only NAME]\n"
          "Runs every lesson of the manifest (scenarios/lessons/gallery.yml: `make lessons`),\n"
          "checks each lesson's claims against its runs' summary.csv, and writes\n"
          "DIR/index.html: one card per lesson with the question it answers, what to look at,\n"
          "its key plot, its numbers, its claims and a \"try this\" change (itself run and\n"
          "checked).  Each run's folder is DIR/<lesson>/<run>.  docs/lessons.md describes\n"
          "the manifest and how to add a lesson.\n"
          "  -o DIR        output folder (default out/lessons)\n"
          "  -j N          runs at a time (default: the number of cores)\n"
          "  --only NAME   only the lesson NAME (repeat for more)\n"
          "A claim that is false is printed with the lesson, the claim and the numbers on\n"
          "both sides; the page is still written, the claim marked FALSE.\n"
          "exit status: 0 ok, 1 I/O failure, 2 bad input or a run failed, 3 a claim is false\n",
          f);
}

/* The folder of path ("" for a bare name).  Caller frees. */
static char *dirname_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
}

/* p with every "NAME/../" dropped (lexically: "scenarios/lessons/../examples/x.yaml" is
 * "scenarios/examples/x.yaml"), so the page shows the command a reader would type. */
static char *tidy(char *p)
{
    for (;;) {
        char *up = strstr(p, "/../");
        if (!up)
            return p;
        char *start = up;
        while (start > p && start[-1] != '/')
            start--;
        size_t n = (size_t)(up - start);
        if (n == 0 || (n == 2 && !strncmp(start, "..", 2)) || (n == 1 && *start == '.'))
            return p;
        memmove(start, up + 4, strlen(up + 4) + 1);
    }
}

/* ---- reading the manifest ---- */

static int text_at(struct yread *r, const struct ytree *m, const char *key, bool required,
                   struct text *out)
{
    const struct ytree *v;
    if (yread_scalar_at(r, m, key, &v))
        return -1;
    if (!v) {
        if (required)
            return yread_error(r, &m->loc, "a lesson's %s needs '%s'",
                               m->kind == YTREE_MAP ? "entry" : "value", key);
        *out = (struct text){NULL, &m->loc};
        return 0;
    }
    if (!v->text[0])
        return yread_error(r, &v->loc, "%s must not be empty", key);
    *out = (struct text){v->text, &v->loc};
    return 0;
}

/* A list of strings at key (a single string is a list of one). */
static int strings_at(struct yread *r, const struct ytree *m, const char *key,
                      const char ***out, int *n)
{
    const struct ytree *v = ytree_get(m, key);
    *out = NULL;
    *n = 0;
    if (!v)
        return 0;
    if (v->kind == YTREE_SCALAR) {
        *out = xcalloc(1, sizeof **out);
        (*out)[(*n)++] = v->text;
        return 0;
    }
    if (v->kind != YTREE_SEQ)
        return yread_error(r, &v->loc, "%s must be a list of PATH=VALUE", key);
    *out = xcalloc(v->n ? v->n : 1, sizeof **out);
    for (size_t i = 0; i < v->n; i++) {
        const struct ytree *it = yread_scalar(r, v->items[i], key);
        if (!it)
            return -1;
        if (!strchr(it->text, '='))
            return yread_error(r, &it->loc, "%s: expected PATH=VALUE, got '%s'", key,
                               it->text);
        (*out)[(*n)++] = it->text;
    }
    return 0;
}

static const struct lrun *find_run(const struct lesson *l, const char *name)
{
    for (int i = 0; i < l->nruns; i++)
        if (!strcmp(l->runs[i].name, name))
            return &l->runs[i];
    return NULL;
}

/* Before running: a reference is good when its run exists (the value is a stand-in). */
static int check_ref(void *ctx, const char *run, const char *key, double *out, char *err,
                     size_t errlen)
{
    const struct lesson *l = ctx;
    (void)key;
    *out = 1.0;
    if (find_run(l, run))
        return 0;
    size_t k = (size_t)snprintf(err, errlen, "no run '%s' in lesson %s; its runs:", run,
                                l->name);
    for (int i = 0; i < l->nruns && k < errlen; i++)
        k += (size_t)snprintf(err + k, errlen - k, " %s", l->runs[i].name);
    return -1;
}

static int check_expr(struct yread *r, const struct lesson *l, const struct text *t,
                      bool claim)
{
    if (!t->s)
        return 0;
    struct lesson_error e;
    double v, w;
    bool holds;
    const char *op;
    int rc = claim ? lesson_claim(t->s, check_ref, (void *)l, &holds, &v, &w, &op, &e)
                   : lesson_eval(t->s, check_ref, (void *)l, &v, &e);
    if (rc == 0)
        return 0;
    diag_error_text(t->loc, t->s, e.offset, e.len, "%s", e.msg);
    return yread_fail(r);
}

static bool plain_file_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 5 || (strcmp(s + n - 4, ".png") && strcmp(s + n - 4, ".svg")))
        return false;
    for (const char *c = s; *c; c++)
        if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') ||
              ('0' <= *c && *c <= '9') || *c == '_' || *c == '-' || *c == '.'))
            return false;
    return true;
}

static int read_run(struct yread *r, struct gallery *g, const struct ytree *m,
                    struct lrun *run)
{
    static const char *const keys[] = {"name", "scenario", "set", "seed", NULL};
    if (yread_keys(r, m, "a lesson's run", keys))
        return -1;
    run->name = ytree_get(m, "name")->text;
    struct text sc, seed;
    if (text_at(r, m, "scenario", true, &sc) || text_at(r, m, "seed", false, &seed) ||
        strings_at(r, m, "set", &run->sets, &run->nsets))
        return -1;
    run->seed = seed.s;
    run->scenario = tidy(sim_path_join(g->dir, sc.s));
    return 0;
}

static int read_lesson(struct yread *r, struct gallery *g, const struct ytree *m,
                       struct lesson *l)
{
    static const char *const keys[] = {"name", "title", "question", "look_at", "runs",
                                       "plot", "numbers", "claims", "try", NULL};
    if (yread_keys(r, m, "a lesson", keys))
        return -1;
    l->name = ytree_get(m, "name")->text;
    if (text_at(r, m, "title", true, &l->title) ||
        text_at(r, m, "question", true, &l->question) ||
        text_at(r, m, "look_at", true, &l->look_at))
        return -1;

    if (yread_require(r, m, "runs", "a lesson"))
        return -1;
    const struct ytree *runs = yread_list(r, m, "runs");
    if (!runs || yread_names(r, runs, "a lesson's runs"))
        return -1;
    if (runs->n == 0)
        return yread_error(r, &runs->loc, "a lesson needs at least one run");
    l->runs = xcalloc(runs->n + 1, sizeof *l->runs);
    for (size_t i = 0; i < runs->n; i++) {
        if (read_run(r, g, runs->items[i], &l->runs[l->nruns]))
            return -1;
        if (!strcmp(l->runs[l->nruns].name, TRY_RUN))
            return yread_error(r, &runs->items[i]->loc,
                               "the run name '" TRY_RUN "' is the try change's own");
        l->nruns++;
    }

    /* try: { from: RUN, set: [...], expect: TEXT, check: CLAIM } */
    static const char *const try_keys[] = {"from", "set", "expect", "check", NULL};
    const struct ytree *t = ytree_get(m, "try");
    if (!t)
        return yread_error(r, &m->loc, "lesson %s needs 'try' (one change to try)", l->name);
    if (yread_keys(r, t, "a lesson's try", try_keys))
        return -1;
    struct text from;
    if (text_at(r, t, "from", false, &from) || text_at(r, t, "expect", true, &l->expect) ||
        text_at(r, t, "check", false, &l->try_check) ||
        strings_at(r, t, "set", &l->try_sets, &l->ntry_sets))
        return -1;
    if (l->ntry_sets == 0)
        return yread_error(r, &t->loc, "a lesson's try needs 'set' (the change: PATH=VALUE)");
    l->try_base = from.s ? from.s : l->runs[0].name;
    const struct lrun *base = find_run(l, l->try_base);
    if (!base)
        return yread_error(r, from.loc, "try: no run '%s' in lesson %s", from.s, l->name);
    struct lrun *tr = &l->runs[l->nruns++];
    *tr = *base;
    tr->name = TRY_RUN;
    tr->scenario = xstrdup(base->scenario);
    tr->sets = xcalloc((size_t)(base->nsets + l->ntry_sets), sizeof *tr->sets);
    for (int i = 0; i < base->nsets; i++)
        tr->sets[i] = base->sets[i];
    for (int i = 0; i < l->ntry_sets; i++)
        tr->sets[base->nsets + i] = l->try_sets[i];
    tr->nsets = base->nsets + l->ntry_sets;

    static const char *const plot_keys[] = {"run", "file", NULL};
    const struct ytree *p = ytree_get(m, "plot");
    if (!p)
        return yread_error(r, &m->loc, "lesson %s needs 'plot' ({run: NAME, file: X.png})",
                           l->name);
    struct text prun, pfile;
    if (yread_keys(r, p, "a lesson's plot", plot_keys) || text_at(r, p, "run", true, &prun) ||
        text_at(r, p, "file", true, &pfile))
        return -1;
    if (!find_run(l, prun.s))
        return yread_error(r, prun.loc, "plot: no run '%s' in lesson %s", prun.s, l->name);
    if (!plain_file_name(pfile.s))
        return yread_error(r, pfile.loc, "plot: expected a file name such as latency.png "
                           "(letters, digits, '_', '-', '.'; .png or .svg), got '%s'",
                           pfile.s);
    l->plot_run = prun.s;
    l->plot_file = pfile.s;

    static const char *const num_keys[] = {"label", "value", "unit", NULL};
    const struct ytree *nums = yread_list(r, m, "numbers");
    if (!nums || nums->n == 0)
        return yread_error(r, &m->loc, "lesson %s needs 'numbers' (a list of {label, value})",
                           l->name);
    l->numbers = xcalloc(nums->n, sizeof *l->numbers);
    for (size_t i = 0; i < nums->n; i++) {
        struct lnumber *n = &l->numbers[l->nnumbers++];
        if (yread_keys(r, nums->items[i], "a lesson's number", num_keys) ||
            text_at(r, nums->items[i], "label", true, &n->label) ||
            text_at(r, nums->items[i], "value", true, &n->value) ||
            text_at(r, nums->items[i], "unit", false, &n->unit) ||
            check_expr(r, l, &n->value, false))
            return -1;
    }

    static const char *const claim_keys[] = {"say", "check", NULL};
    const struct ytree *cl = yread_list(r, m, "claims");
    if (!cl || cl->n == 0)
        return yread_error(r, &m->loc, "lesson %s needs 'claims' (a list of {say, check})",
                           l->name);
    l->claims = xcalloc(cl->n, sizeof *l->claims);
    for (size_t i = 0; i < cl->n; i++) {
        struct lclaim *c = &l->claims[l->nclaims++];
        if (yread_keys(r, cl->items[i], "a lesson's claim", claim_keys) ||
            text_at(r, cl->items[i], "say", true, &c->say) ||
            text_at(r, cl->items[i], "check", true, &c->check) ||
            check_expr(r, l, &c->check, true))
            return -1;
    }
    return check_expr(r, l, &l->try_check, true);
}

static bool wanted(const char *name, const char **only, int nonly)
{
    if (nonly == 0)
        return true;
    for (int i = 0; i < nonly; i++)
        if (!strcmp(only[i], name))
            return true;
    return false;
}

static int read_manifest(const char *path, const char **only, int nonly, struct gallery *g)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return diag_env_error(NULL, "cannot open '%s': %s", path, strerror(errno));
    fclose(f);
    if (ytree_load_file(path, &g->root))
        return -1;
    g->dir = dirname_of(path);
    struct yread r;
    yread_init(&r, g->dir);
    static const char *const keys[] = {"lessons", NULL};
    if (yread_keys(&r, g->root, "the lesson manifest", keys) ||
        yread_require(&r, g->root, "lessons", "the lesson manifest"))
        return -1;
    const struct ytree *list = yread_list(&r, g->root, "lessons");
    if (!list || yread_names(&r, list, "lessons"))
        return -1;
    g->l = xcalloc(list->n ? list->n : 1, sizeof *g->l);
    for (int i = 0; i < nonly; i++) {
        bool found = false;
        for (size_t k = 0; k < list->n; k++)
            found |= !strcmp(ytree_get(list->items[k], "name")->text, only[i]);
        if (!found)
            return diag_error(NULL, "lessons: --only %s: no such lesson in %s", only[i], path);
    }
    for (size_t i = 0; i < list->n; i++) {
        if (!wanted(ytree_get(list->items[i], "name")->text, only, nonly))
            continue;
        if (read_lesson(&r, g, list->items[i], &g->l[g->n++]))
            return -1;
    }
    if (g->n == 0)
        return diag_error(&list->loc, "the lesson manifest has no lessons");
    return 0;
}

static void gallery_free(struct gallery *g)
{
    for (int i = 0; i < g->n; i++) {
        struct lesson *l = &g->l[i];
        for (int k = 0; k < l->nruns; k++) {
            struct lrun *run = &l->runs[k];
            free(run->scenario);
            free(run->sets);
            free(run->dir);
            for (size_t j = 0; j < run->nm; j++)
                free(run->m[j].key);
            free(run->m);
        }
        free(l->runs);
        free(l->try_sets);
        free(l->numbers);
        free(l->claims);
    }
    free(g->l);
    free(g->dir);
    ytree_free(g->root);
}

/* ---- running ---- */

struct job {
    struct lesson *l;
    struct lrun *run;
    bool plot;              /* elbsim plot of the run's folder, not elbsim run */
    pid_t pid;
};

static int child(const struct job *j)
{
    if (j->plot) {
        /* `plot` says "wrote ..." for every file: the gallery shows them instead. */
        if (!freopen("/dev/null", "w", stdout))
            return EXIT_ENV;
        char plot[] = "plot";
        char *argv[] = {plot, j->run->dir, NULL};
        return cmd_plot(2, argv);
    }
    static char w_run[] = "run", w_q[] = "-q", w_o[] = "-o", w_seed[] = "--seed",
                w_set[] = "--set";
    int argc = 0;
    char **argv = xcalloc((size_t)(7 + 2 * j->run->nsets), sizeof *argv);
    argv[argc++] = w_run;
    argv[argc++] = j->run->scenario;
    argv[argc++] = w_q;
    argv[argc++] = w_o;
    argv[argc++] = j->run->dir;
    if (j->run->seed) {
        argv[argc++] = w_seed;
        argv[argc++] = (char *)j->run->seed;
    }
    for (int i = 0; i < j->run->nsets; i++) {
        argv[argc++] = w_set;
        argv[argc++] = (char *)j->run->sets[i];
    }
    int rc = cmd_run(argc, argv);
    free(argv);
    return rc == EXIT_SLO ? EXIT_OK : rc; /* a lesson may well break its scenario's SLO */
}

/* Run the jobs, at most njobs at a time.  0, or -1 after naming every job that failed. */
static int run_jobs(struct job *jobs, int n, int njobs)
{
    int next = 0, running = 0, failed = 0;
    while (next < n || running > 0) {
        while (next < n && running < njobs && !sim_interrupt_signal() && !failed) {
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                diag_env_error(NULL, "lessons: fork: %s", strerror(errno));
                failed++;
                break;
            }
            if (pid == 0) {
                int rc = child(&jobs[next]);
                fflush(NULL);
                _exit(rc);
            }
            jobs[next++].pid = pid;
            running++;
        }
        if (running == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            diag_env_error(NULL, "lessons: waitpid: %s", strerror(errno));
            return -1;
        }
        running--;
        for (int i = 0; i < next; i++) {
            if (jobs[i].pid != pid)
                continue;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                diag_error(NULL, "lesson %s: `elbsim %s` of run %s failed (%s %d)",
                           jobs[i].l->name, jobs[i].plot ? "plot" : "run", jobs[i].run->name,
                           WIFEXITED(status) ? "exit status" : "signal",
                           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
                failed++;
            }
        }
    }
    return failed || sim_interrupt_signal() ? -1 : 0;
}

/* ---- reading the runs' summaries ---- */

static int read_summary(struct lrun *run)
{
    char *path = sim_path_join(run->dir, "summary.csv");
    FILE *f = fopen(path, "r");
    if (!f) {
        diag_env_error(NULL, "cannot open '%s': %s", path, strerror(errno));
        free(path);
        return -1;
    }
    size_t cap = 0;
    char *line = NULL;
    ssize_t len;
    bool header = true;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (header) {
            header = false;
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        char *c1 = strchr(line, ',');
        char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        char *c3 = c2 ? strchr(c2 + 1, ',') : NULL;
        if (!c3)
            continue;
        *c1 = *c2 = '.';
        *c3 = '\0';
        run->m = xrealloc(run->m, (run->nm + 1) * sizeof *run->m);
        run->m[run->nm].key = xstrdup(line);
        run->m[run->nm].value = strtod(c3 + 1, NULL);
        run->nm++;
    }
    free(line);
    int rc = ferror(f) ? -1 : 0;
    fclose(f);
    if (rc)
        diag_env_error(NULL, "cannot read '%s'", path);
    free(path);
    return rc;
}

static int lookup(void *ctx, const char *run_name, const char *key, double *out, char *err,
                  size_t errlen)
{
    const struct lesson *l = ctx;
    const struct lrun *run = find_run(l, run_name);
    if (!run)
        return check_ref(ctx, run_name, key, out, err, errlen);
    for (size_t i = 0; i < run->nm; i++) {
        if (!strcmp(run->m[i].key, key)) {
            *out = run->m[i].value;
            return 0;
        }
    }
    snprintf(err, errlen, "no metric '%s' in the summary.csv of run %s (%s)", key, run_name,
             run->dir);
    return -1;
}

/* Evaluate every number and claim of l; print each false claim.  Returns the number of
 * false claims, or -1 after an expression error. */
static int judge(struct lesson *l)
{
    int bad = 0;
    for (int i = 0; i <= l->nclaims; i++) {
        const struct text *t = i < l->nclaims ? &l->claims[i].check : &l->try_check;
        if (!t->s)
            continue;
        struct lesson_error e;
        double lhs, rhs;
        bool holds;
        const char *op;
        if (lesson_claim(t->s, lookup, l, &holds, &lhs, &rhs, &op, &e)) {
            diag_error_text(t->loc, t->s, e.offset, e.len, "%s", e.msg);
            return -1;
        }
        if (i < l->nclaims)
            l->claims[i].holds = holds;
        else
            l->try_holds = holds;
        if (!holds) {
            diag_error(t->loc, "lesson %s: claim false: \"%s\": %s gave %.6g %s %.6g",
                       l->name, i < l->nclaims ? l->claims[i].say.s : l->expect.s, t->s, lhs,
                       op, rhs);
            bad++;
        }
    }
    return bad;
}

/* ---- the page ---- */

static void esc(FILE *f, const char *s)
{
    lesson_html_escape(f, s);
}

/* s as one shell word, HTML-escaped: quoted ('...') unless it is made of characters no
 * shell treats specially, so the command on the page can be pasted as it is. */
static void shell_word(FILE *f, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                        "_-./=:,%+@") == strlen(s)) {
        esc(f, s);
        return;
    }
    fputs("&#39;", f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("&#39;\\&#39;&#39;", f);
        else {
            char c[2] = {*s, '\0'};
            esc(f, c);
        }
    }
    fputs("&#39;", f);
}

static void command_line(FILE *f, const struct lrun *run)
{
    fputs("elbsim run ", f);
    shell_word(f, run->scenario);
    if (run->seed) {
        fputs(" --seed ", f);
        shell_word(f, run->seed);
    }
    for (int i = 0; i < run->nsets; i++) {
        fputs(" --set ", f);
        shell_word(f, run->sets[i]);
    }
}

static void write_card(FILE *f, struct lesson *l)
{
    fputs("<section class=\"card\" id=\"", f);
    esc(f, l->name);
    fputs("\">\n<h2>", f);
    esc(f, l->title.s);
    fputs("</h2>\n<p class=\"q\"><b>Question.</b> ", f);
    esc(f, l->question.s);
    fputs("</p>\n<p><b>Look at.</b> ", f);
    esc(f, l->look_at.s);
    fputs("</p>\n<figure><img src=\"", f);
    esc(f, l->name);
    fputc('/', f);
    esc(f, l->plot_run);
    fputc('/', f);
    esc(f, l->plot_file);
    fputs("\" alt=\"", f);
    esc(f, l->plot_file);
    fputs(" of run ", f);
    esc(f, l->plot_run);
    fputs("\"><figcaption>", f);
    esc(f, l->plot_file);
    fputs(" of run ", f);
    esc(f, l->plot_run);
    fputs("</figcaption></figure>\n<table class=\"numbers\">\n", f);
    for (int i = 0; i < l->nnumbers; i++) {
        const struct lnumber *n = &l->numbers[i];
        struct lesson_error e;
        double v = 0;
        char buf[64];
        if (lesson_eval(n->value.s, lookup, l, &v, &e))
            snprintf(buf, sizeof buf, "?");
        else
            snprintf(buf, sizeof buf, "%.4g", v);
        fputs("<tr><th>", f);
        esc(f, n->label.s);
        fputs("</th><td>", f);
        esc(f, buf);
        if (n->unit.s) {
            if (strcmp(n->unit.s, "%"))
                fputc(' ', f);
            esc(f, n->unit.s);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<ul class=\"claims\">\n", f);
    for (int i = 0; i < l->nclaims; i++) {
        fprintf(f, "<li class=\"%s\">%s ", l->claims[i].holds ? "ok" : "false",
                l->claims[i].holds ? "&#10003;" : "&#10007; FALSE:");
        esc(f, l->claims[i].say.s);
        fputs(" <code>", f);
        esc(f, l->claims[i].check.s);
        fputs("</code></li>\n", f);
    }
    fputs("</ul>\n<div class=\"try\"><b>Try this.</b> <code>", f);
    command_line(f, &l->runs[l->nruns - 1]);
    fputs("</code><br>", f);
    esc(f, l->expect.s);
    if (l->try_check.s) {
        fprintf(f, " <span class=\"%s\">(%s <code>", l->try_holds ? "ok" : "false",
                l->try_holds ? "checked:" : "FALSE:");
        esc(f, l->try_check.s);
        fputs("</code>)</span>", f);
    }
    fputs("</div>\n<p class=\"runs\">Runs:", f);
    for (int i = 0; i < l->nruns; i++) {
        fputs(" <a href=\"", f);
        esc(f, l->name);
        fputc('/', f);
        esc(f, l->runs[i].name);
        fputs("/summary.csv\" title=\"", f);
        command_line(f, &l->runs[i]);
        fputs("\">", f);
        esc(f, l->runs[i].name);
        fputs("</a>", f);
    }
    fputs("</p>\n</section>\n", f);
}

static int write_page(const char *dir, const char *manifest, struct gallery *g,
                      int false_claims)
{
    char *path = sim_path_join(dir, "index.html");
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_env_error(NULL, "cannot write '%s': %s", path, strerror(errno));
        free(path);
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>elbsim lessons</title>\n<style>\n"
          "body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em;"
          "color:#222}\n"
          ".card{border:1px solid #ccc;border-radius:6px;padding:0.5em 1em;margin:1em 0}\n"
          ".card h2{margin:0.3em 0}\n"
          "figure{margin:0.5em 0}\nfigure img{max-width:100%;height:auto}\n"
          "figcaption{font-size:small;color:#666}\n"
          "table.numbers th{text-align:left;font-weight:normal;padding-right:2em}\n"
          "table.numbers td{font-family:monospace;text-align:right}\n"
          ".ok{color:#186a1e}\n.false{color:#b00020;font-weight:bold}\n"
          ".try{background:#f4f4f8;padding:0.5em;border-radius:4px}\n"
          "code{font-size:90%}\n.runs{font-size:small}\n"
          "</style>\n</head>\n<body>\n<h1>elbsim lessons</h1>\n", f);
    fprintf(f, "<p>%d lessons; every number below is read from the runs' summary.csv and "
            "every claim is checked against it%s.</p>\n<ol class=\"toc\">\n", g->n,
            false_claims ? " &mdash; <span class=\"false\">some claims are FALSE</span>"
                         : " (all hold)");
    for (int i = 0; i < g->n; i++) {
        fputs("<li><a href=\"#", f);
        esc(f, g->l[i].name);
        fputs("\">", f);
        esc(f, g->l[i].title.s);
        fputs("</a></li>\n", f);
    }
    fputs("</ol>\n", f);
    for (int i = 0; i < g->n; i++)
        write_card(f, &g->l[i]);
    fputs("<footer><p>Written by <code>elbsim lessons ", f);
    shell_word(f, manifest);
    fputs("</code>; each run&#39;s folder (its CSV files and plots) is beside this page, "
          "under the lesson&#39;s and the run&#39;s names.</p></footer>\n</body>\n</html>\n",
          f);
    int rc = ferror(f) ? -1 : 0;
    if (fclose(f) != 0)
        rc = -1;
    if (rc)
        diag_env_error(NULL, "cannot write '%s'", path);
    free(path);
    return rc;
}

/* ---- the command ---- */

int cmd_lessons(int argc, char **argv)
{
    const char *manifest = NULL, *out = "out/lessons";
    const char **only = xcalloc((size_t)argc, sizeof *only);
    int nonly = 0;
    long njobs = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            free(only);
            return EXIT_OK;
        }
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "-o") && has_value) {
            out = argv[++i];
        } else if (!strcmp(a, "--only") && has_value) {
            only[nonly++] = argv[++i];
        } else if (!strcmp(a, "-j") && has_value) {
            char *end;
            njobs = strtol(argv[++i], &end, 10);
            if (*end || njobs < 1 || njobs > 1024) {
                diag_error(NULL, "lessons: -j expects a whole number from 1 to 1024, got '%s'",
                           argv[i]);
                free(only);
                return EXIT_BAD_INPUT;
            }
        } else if (a[0] == '-' && a[1]) {
            diag_error(NULL, "lessons: unknown option '%s'%s", a,
                       (!strcmp(a, "-o") || !strcmp(a, "-j") || !strcmp(a, "--only"))
                           ? " (it needs a value)" : "");
            usage(stderr);
            free(only);
            return EXIT_BAD_INPUT;
        } else if (manifest) {
            diag_error(NULL, "lessons: expected one manifest, got '%s' and '%s'", manifest, a);
            free(only);
            return EXIT_BAD_INPUT;
        } else {
            manifest = a;
        }
    }
    if (!manifest) {
        usage(stderr);
        free(only);
        return EXIT_BAD_INPUT;
    }
    if (njobs < 1)
        njobs = 1;

    struct gallery g = {0};
    int status = EXIT_OK;
    if (read_manifest(manifest, only, nonly, &g)) {
        free(only);
        gallery_free(&g);
        return EXIT_BAD_INPUT;
    }
    free(only);

    struct outdir od;
    if (outdir_begin(&od, out)) {
        gallery_free(&g);
        return EXIT_ENV;
    }
    int njob = 0;
    for (int i = 0; i < g.n; i++)
        njob += g.l[i].nruns;
    struct job *jobs = xcalloc((size_t)njob, sizeof *jobs);
    struct job *plots = xcalloc((size_t)g.n, sizeof *plots);
    int k = 0;
    for (int i = 0; i < g.n; i++) {
        struct lesson *l = &g.l[i];
        char *ldir = sim_path_join(od.tmp, l->name);
        if (outdir_mkdir_p(ldir)) {
            free(ldir);
            status = EXIT_ENV;
            goto done;
        }
        for (int r = 0; r < l->nruns; r++) {
            l->runs[r].dir = sim_path_join(ldir, l->runs[r].name);
            jobs[k++] = (struct job){.l = l, .run = &l->runs[r]};
            if (!strcmp(l->runs[r].name, l->plot_run))
                plots[i] = (struct job){.l = l, .run = &l->runs[r], .plot = true};
        }
        free(ldir);
    }
    if (run_jobs(jobs, njob, (int)njobs) || run_jobs(plots, g.n, (int)njobs)) {
        status = sim_interrupt_signal() ? EXIT_ENV : EXIT_BAD_INPUT;
        goto done;
    }
    int false_claims = 0;
    for (int i = 0; i < g.n; i++) {
        struct lesson *l = &g.l[i];
        for (int r = 0; r < l->nruns; r++) {
            if (read_summary(&l->runs[r])) {
                status = EXIT_ENV;
                goto done;
            }
        }
        char *plot = sim_path_join(plots[i].run->dir, l->plot_file);
        struct stat st;
        if (stat(plot, &st) != 0) {
            diag_error(NULL, "lesson %s: the plot %s/%s was not drawn (elbsim plot skips a "
                       "figure whose columns the run does not have)", l->name, l->plot_run,
                       l->plot_file);
            free(plot);
            status = EXIT_BAD_INPUT;
            goto done;
        }
        free(plot);
        int bad = judge(l);
        if (bad < 0) {
            status = EXIT_BAD_INPUT;
            goto done;
        }
        false_claims += bad;
    }
    if (write_page(od.tmp, manifest, &g, false_claims) || outdir_commit(&od)) {
        status = EXIT_ENV;
        goto done;
    }
    int nclaims = 0;
    for (int i = 0; i < g.n; i++)
        nclaims += g.l[i].nclaims + (g.l[i].try_check.s != NULL);
    printf("lessons: %d lessons, %d of %d claims hold; wrote %s/index.html\n", g.n,
           nclaims - false_claims, nclaims, out);
    status = false_claims ? EXIT_SLO : EXIT_OK;
done:
    outdir_abort(&od);
    free(jobs);
    free(plots);
    gallery_free(&g);
    return status;
}
