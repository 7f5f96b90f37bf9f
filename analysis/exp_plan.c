#include "analysis/exp_plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/exp_mpi.h"
#include "analysis/exp_pool.h"
#include "analysis/exp_warmup.h"
#include "analysis/outdir.h"
#include "sim/text.h"
#include "sim/xalloc.h"

uint64_t exp_job_seed(const struct exp_job *job, uint64_t scenario_seed)
{
    return exp_rep_seed(job->have_seed ? job->seed : scenario_seed, job->rep);
}

/* ---- progress ----------------------------------------------------------------------------- */

/* "  12 of 40 runs (30%), 0:41 elapsed, about 1:36 left" on one rewritten line of a
 * terminal; at most five times a second. */
struct progress {
    bool on;
    const char *what; /* before the count: which pass, which rank */
    int done, total;
    double start, last; /* wall clock, s */
};

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fmt_dur(char *buf, size_t n, double s)
{
    long v = (long)(s + 0.5);
    if (v >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60, v % 60);
    else
        snprintf(buf, n, "%ld:%02ld", v / 60, v % 60);
}

static void progress_step(struct progress *pr)
{
    pr->done++;
    if (!pr->on)
        return;
    double now = wall_s();
    if (pr->done < pr->total && now - pr->last < 0.2)
        return;
    pr->last = now;
    char el[32], eta[32] = "?";
    fmt_dur(el, sizeof el, now - pr->start);
    if (pr->done > 0)
        fmt_dur(eta, sizeof eta, (now - pr->start) / pr->done * (pr->total - pr->done));
    fprintf(stderr, "\r\033[K  %s%d of %d runs (%.0f%%), %s elapsed, about %s left", pr->what,
            pr->done, pr->total, 100.0 * pr->done / pr->total, el, eta);
}

/* ---- one pass over the jobs --------------------------------------------------------------- */

/* A pass: the main one fills the table; the MSER-5 pilot finds each run's warm-up. */
struct pass {
    const struct exp_plan *plan;
    const struct exp_job_ops *ops;
    void *ctx;              /* the caller's, for ops */
    bool pilot;
    const char *scratch;    /* folder of the runs' folders */
    const double *warmup_s; /* per job (main pass after a pilot), else NULL */
    struct progress pr;
};

/* Remove a flat folder of files that a run wrote. */
static void remove_run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = text_join_path(dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

/* exp_pool_ops.run: job j of the pass, in this process; out: the metrics (main pass) or
 * the warm-up (pilot). */
static int pass_run(void *ctx, int j, double *out)
{
    struct pass *ps = ctx;
    const struct exp_plan *pl = ps->plan;
    bool keep = pl->keep_runs && !ps->pilot;
    char dir[4096];
    if (keep)
        snprintf(dir, sizeof dir, "%s/p%d-r%d", ps->scratch, j / pl->reps, j % pl->reps);
    else
        snprintf(dir, sizeof dir, "%s/job%d", ps->scratch, j);
    struct exp_job job = {.point = j / pl->reps, .rep = j % pl->reps,
                          .warmup_s = ps->warmup_s ? ps->warmup_s[j] : (double)NAN,
                          .dir = dir, .have_seed = pl->have_seed, .seed = pl->seed};
    int rc;
    if (ps->pilot) {
        double *v = xmalloc((size_t)(pl->nmetrics ? pl->nmetrics : 1) * sizeof *v);
        for (int k = 0; k < pl->nmetrics; k++)
            v[k] = (double)NAN;
        rc = ps->ops->run(ps->ctx, &job, v);
        free(v);
        if (rc == 0)
            out[0] = exp_warmup_mser5(dir);
    } else {
        rc = ps->ops->run(ps->ctx, &job, out);
    }
    if (!keep)
        remove_run_dir(dir);
    return rc;
}

static char *pass_name(void *ctx, int j)
{
    const struct pass *ps = ctx;
    int reps = ps->plan->reps;
    char *label = exp_design_label(ps->plan->design, j / reps);
    size_t n = strlen(label) + 64;
    char *s = xmalloc(n);
    snprintf(s, n, "replication %d of point %d (%s)", j % reps, j / reps, label);
    free(label);
    return s;
}

static void pass_done(void *ctx, int j)
{
    (void)j;
    progress_step(&((struct pass *)ctx)->pr);
}

static const struct exp_pool_ops pass_ops = {
    .run = pass_run,
    .name = pass_name,
    .done = pass_done,
};

/* The progress line of a pass: this rank's share of the jobs. */
static void progress_start(struct pass *ps)
{
    const struct exp_plan *pl = ps->plan;
    int njobs = exp_design_npoints(pl->design) * pl->reps, mine = 0;
    for (int j = pl->rank; j < njobs; j += pl->nranks)
        mine++;
    ps->pr = (struct progress){
        .on = pl->progress && pl->rank == 0 && isatty(2),
        .what = ps->pilot ? "MSER-5 pilot: " : pl->nranks > 1 ? "rank 0: " : "",
        .total = mine,
        .start = wall_s(),
    };
}

/* Run this rank's jobs of a pass, nout values each, into res[j * nout ...], then gather
 * every rank's on every rank.  Returns 0 or -1. */
static int pass_run_all(struct pass *ps, int nout, double *res)
{
    const struct exp_plan *pl = ps->plan;
    int njobs = exp_design_npoints(pl->design) * pl->reps;
    progress_start(ps);
    struct exp_pool pool = {.first = pl->rank, .step = pl->nranks, .njobs = njobs,
                            .workers = pl->jobs, .nout = nout};
    int rc = exp_pool_run(&pool, &pass_ops, ps, res);
    if (ps->pr.on)
        fputs("\r\033[K", stderr);
    return exp_mpi_gather(pl->rank, pl->nranks, njobs, nout, res, rc == 0);
}

/* Write n bytes to fd.  Returns 0 or -1 (errno set). */
static int write_all(int fd, const void *buf, size_t n)
{
    const char *b = buf;
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The main pass in rounds of `window` jobs: each rank runs its jobs of the round, rank 0
 * gathers the round's results and appends them to a file in job order, and once every
 * round is in, t's values map that file (rank 0; the others' t has none).  Results held
 * in memory: one window's, whatever the number of runs.  The rounds wait for each other:
 * a rank idles at the end of a round until the slowest rank's last job of it is done.
 * Returns 0 or -1 (on every rank when a run failed anywhere; on rank 0 alone when its
 * file failed after the last round). */
static int pass_run_windowed(struct pass *ps, int window, struct exp_table *t)
{
    const struct exp_plan *pl = ps->plan;
    int njobs = exp_design_npoints(pl->design) * pl->reps, nout = pl->nmetrics;
    progress_start(ps);
    char path[4400];
    snprintf(path, sizeof path, "%s/table.bin", ps->scratch);
    int fd = -1;
    bool ok = true;
    if (pl->rank == 0 && (fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) < 0) {
        fprintf(stderr, "elbsim: cannot create %s: %s\n", path, strerror(errno));
        ok = false;
    }
    size_t wn = (size_t)window * (size_t)nout;
    double *win = xmalloc((wn ? wn : 1) * sizeof *win);
    int rc = 0;
    for (int base = 0; base < njobs && rc == 0; base += window) {
        int n = njobs - base < window ? njobs - base : window;
        for (size_t i = 0; i < wn; i++)
            win[i] = (double)NAN;
        /* This rank's first job in the window: the first equal to rank modulo nranks. */
        int first = base + (pl->rank - base % pl->nranks + pl->nranks) % pl->nranks;
        struct exp_pool pool = {.first = first, .step = pl->nranks, .njobs = base + n,
                                .workers = pl->jobs, .nout = nout, .base = base};
        if (ok && exp_pool_run(&pool, &pass_ops, ps, win))
            ok = false;
        rc = exp_mpi_gather_window(pl->rank, pl->nranks, base, n, nout, win, ok);
        if (rc == 0 && fd >= 0 && write_all(fd, win, (size_t)n * (size_t)nout * sizeof *win)) {
            fprintf(stderr, "elbsim: cannot write %s: %s\n", path, strerror(errno));
            ok = false;
        }
    }
    /* A write that failed in the last round: every rank hears of it. */
    if (rc == 0)
        rc = exp_mpi_gather_window(pl->rank, pl->nranks, njobs, 0, nout, win, ok);
    if (ps->pr.on)
        fputs("\r\033[K", stderr);
    free(win);
    if (rc == 0 && fd >= 0 && exp_table_map(t, fd)) {
        fprintf(stderr, "elbsim: cannot map %s: %s\n", path, strerror(errno));
        rc = -1;
    }
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    return rc;
}

/* ---- the experiment ------------------------------------------------------------------------ */

/* The MSER-5 pilot: each job's warm-up into warm[njobs]; with warmup_per_rep, the latest
 * over the points of each replication.  Returns 0 or -1. */
static int pilot(struct pass *ps, double *warm)
{
    const struct exp_plan *pl = ps->plan;
    int npoints = exp_design_npoints(pl->design), njobs = npoints * pl->reps;
    double *w = xmalloc((size_t)njobs * sizeof *w);
    for (int j = 0; j < njobs; j++)
        w[j] = (double)NAN;
    ps->pilot = true;
    int rc = pass_run_all(ps, 1, w);
    ps->pilot = false;
    for (int j = 0; j < njobs && rc == 0; j++) {
        double v = w[j];
        if (pl->warmup_per_rep)
            for (int p = 0; p < npoints; p++) {
                double x = w[p * pl->reps + j % pl->reps];
                if (x > v)
                    v = x;
            }
        warm[j] = v;
    }
    free(w);
    return rc;
}

int exp_plan_run(const struct exp_plan *plan, const struct exp_job_ops *ops, void *ctx,
                 struct exp_table *t)
{
    int npoints = exp_design_npoints(plan->design);
    /* Under MPI the results come to rank 0 a window at a time, by default too. */
    int window = plan->window > 0 ? plan->window : plan->nranks > 1 ? EXP_PLAN_WINDOW : 0;
    if (window > 0)
        exp_table_init_shape(t, npoints, plan->reps, plan->nmetrics);
    else
        exp_table_init(t, npoints, plan->reps, plan->nmetrics);
    /* Each process its own scratch folder (ranks may share a file system). */
    char scratch[4200];
    if (plan->keep_runs)
        snprintf(scratch, sizeof scratch, "%s/runs", plan->out_dir);
    else
        snprintf(scratch, sizeof scratch, "%s/.runs-%d-%ld", plan->out_dir, plan->rank,
                 (long)getpid());
    if (mkdir(scratch, 0777) && errno != EEXIST) {
        fprintf(stderr, "elbsim: cannot create folder %s: %s\n", scratch, strerror(errno));
        return -1;
    }
    if (!plan->keep_runs) {
        /* The marker lets outdir_remove() take the whole scratch tree away at the end,
         * also when the runs were stopped half-way (a signal, a failed job). */
        char marker[4300];
        snprintf(marker, sizeof marker, "%s/" OUTDIR_MARKER, scratch);
        FILE *f = fopen(marker, "w");
        if (!f || fclose(f)) {
            fprintf(stderr, "elbsim: cannot create %s: %s\n", marker, strerror(errno));
            rmdir(scratch);
            return -1;
        }
    }
    struct pass ps = {.plan = plan, .ops = ops, .ctx = ctx, .scratch = scratch};
    int rc = 0;
    if (plan->mser5) {
        rc = pilot(&ps, t->warmup_s);
        ps.warmup_s = t->warmup_s;
    }
    if (rc == 0 && window > 0)
        rc = pass_run_windowed(&ps, window, t);
    else if (rc == 0)
        rc = pass_run_all(&ps, plan->nmetrics, t->v);
    if (!plan->keep_runs && outdir_remove(scratch))
        rc = -1;
    return rc;
}
