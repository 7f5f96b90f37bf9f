#include "analysis/exp_pool.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "sim/interrupt.h"
#include "sim/xalloc.h"

/* A running child and the bytes it has sent. */
struct worker {
    pid_t pid;   /* 0 once waited for */
    int fd;      /* read end of its pipe */
    int job;
    size_t got;  /* bytes received */
    double *buf; /* the job's nout places in res */
};

static void kill_workers(struct worker *w, int n)
{
    for (int i = 0; i < n; i++)
        if (w[i].pid > 0) {
            kill(w[i].pid, SIGTERM);
            while (waitpid(w[i].pid, NULL, 0) < 0 && errno == EINTR)
                ;
            close(w[i].fd);
            w[i].pid = 0;
        }
}

/* In the child: run the job, send its results, exit 0 (all sent) or 1. */
_Noreturn static void child(const struct exp_pool *p, const struct exp_pool_ops *ops,
                            void *ctx, int job, int fd)
{
    double *v = xmalloc((size_t)p->nout * sizeof *v);
    for (int k = 0; k < p->nout; k++)
        v[k] = (double)NAN;
    int st = ops->run(ctx, job, v) ? 1 : 0;
    const char *b = (const char *)v;
    size_t left = st ? 0 : (size_t)p->nout * sizeof *v;
    while (left > 0) {
        ssize_t n = write(fd, b, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            st = 1;
            break;
        }
        b += n;
        left -= (size_t)n;
    }
    free(v); /* valgrind counts a child's leak as its failure */
    fflush(NULL);
    _exit(st);
}

/* Start job `job` in a child; its pipe's read end goes into *w.  Returns 0 or -1
 * (reported). */
static int start(const struct exp_pool *p, const struct exp_pool_ops *ops, void *ctx,
                 int job, double *res, struct worker *w)
{
    int fds[2];
    if (pipe(fds)) {
        fprintf(stderr, "elbsim: cannot create a pipe: %s\n", strerror(errno));
        return -1;
    }
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "elbsim: cannot start a worker process: %s\n", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
#ifdef __linux__
        /* A worker dies with its parent, however the parent ends (SIGKILL included); it
         * catches SIGTERM as the parent does and removes what it was writing. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
        if (getppid() != parent)
            _exit(1); /* the parent ended before prctl */
        close(fds[0]);
        child(p, ops, ctx, job, fds[1]);
    }
    close(fds[1]);
    *w = (struct worker){pid, fds[0], job, 0, res + (size_t)(job - p->base) * (size_t)p->nout};
    return 0;
}

/* Read what child w has sent; at the end of its pipe, wait for it.  Returns 1 while it
 * runs, 0 when it ended well, -1 when it failed (reported). */
static int collect(const struct exp_pool *p, const struct exp_pool_ops *ops, void *ctx,
                   struct worker *w)
{
    size_t need = (size_t)p->nout * sizeof(double);
    char tmp[4096];
    ssize_t n = read(w->fd, tmp, sizeof tmp);
    if (n < 0 && errno == EINTR)
        return 1;
    if (n > 0) {
        size_t take = w->got + (size_t)n > need ? need - w->got : (size_t)n;
        memcpy((char *)w->buf + w->got, tmp, take);
        w->got += (size_t)n;
        return 1;
    }
    /* End of the pipe: the job is over. */
    int st;
    close(w->fd);
    while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
        ;
    w->pid = 0;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && w->got == need)
        return 0;
    char why[64];
    if (WIFSIGNALED(st))
        snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(st));
    else if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
        snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(st));
    else
        snprintf(why, sizeof why, "%zu of %zu bytes of results", w->got, need);
    char *name = ops->name(ctx, w->job);
    fprintf(stderr, "elbsim: error: %s failed: %s\n", name, why);
    free(name);
    return -1;
}

int exp_pool_run(const struct exp_pool *p, const struct exp_pool_ops *ops, void *ctx,
                 double *res)
{
    int next = p->first, rc = 0;
    if (p->workers <= 1) {
        for (; next < p->njobs && rc == 0 && !sim_interrupt_signal(); next += p->step) {
            rc = ops->run(ctx, next, res + (size_t)(next - p->base) * (size_t)p->nout);
            if (ops->done)
                ops->done(ctx, next);
        }
        return rc || sim_interrupt_signal() ? -1 : 0;
    }
    struct worker *w = xcalloc((size_t)p->workers, sizeof *w);
    struct pollfd *pfd = xcalloc((size_t)p->workers, sizeof *pfd);
    int active = 0;
    while (rc == 0 && (next < p->njobs || active > 0)) {
        if (sim_interrupt_signal()) {
            rc = -1; /* SIGINT/SIGTERM: stop the workers, start no more */
            break;
        }
        for (; active < p->workers && next < p->njobs; next += p->step) {
            if ((rc = start(p, ops, ctx, next, res, &w[active])))
                break;
            active++;
        }
        if (rc || active <= 0)
            break;
        for (int i = 0; i < active; i++)
            pfd[i] = (struct pollfd){.fd = w[i].fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)active, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "elbsim: poll: %s\n", strerror(errno));
            rc = -1;
            break;
        }
        /* From the end, so that moving the last child into a finished one's slot skips
         * nobody. */
        for (int i = active - 1; i >= 0 && rc == 0; i--) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int st = collect(p, ops, ctx, &w[i]);
            if (st > 0)
                continue;
            rc = st;
            int job = w[i].job;
            w[i] = w[--active];
            if (ops->done)
                ops->done(ctx, job);
        }
    }
    if (rc)
        kill_workers(w, active);
    free(w);
    free(pfd);
    return rc;
}
