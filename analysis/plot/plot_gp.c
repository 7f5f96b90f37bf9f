/* Writing the gnuplot script (its common pieces, built in memory and written atomically)
 * and running gnuplot on it.  See plot_impl.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream, posix_spawnp */
#endif
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

extern char **environ;

/* ---- pieces of the script --------------------------------------------------------------- */

struct plot_xaxis plot_gp_xaxis_for(double t_last)
{
    if (t_last > 3 * 3600.0)
        return (struct plot_xaxis){3600, "simulated time (hours)"};
    if (t_last > 15 * 60.0)
        return (struct plot_xaxis){60, "simulated time (minutes)"};
    return (struct plot_xaxis){1, "simulated time (s)"};
}

/* Nothing is special inside a gnuplot single-quoted string except '' for a quote. */
void plot_gp_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

void plot_gp_terminal(FILE *f, int npanels)
{
    int height = npanels <= 1 ? 700 : 400 * npanels;
    fprintf(f, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
               "    set terminal pngcairo size 1200,%d noenhanced font 'Sans,11'\n"
               "} else {\n"
               "    set terminal png size 1200,%d noenhanced\n"
               "}\n",
            height, height);
}

/* Column labels (`scope.name.metric`) contain dots and dashes, so the figures refer to
 * columns by number; noenhanced keeps underscores in titles as they are. */
void plot_gp_preamble(FILE *f)
{
    fputs("# elbsim plots of this output folder, written by `elbsim plot`.\n"
          "# Rerun by hand from this folder with: gnuplot " PLOT_SCRIPT_NAME "\n"
          "# Columns are referred to by number: see the header of " PLOT_WIDE_CSV ".\n"
          "set datafile separator comma\n",
          f);
    plot_gp_terminal(f, 1);
    fputs("data = '" PLOT_WIDE_CSV "'\n"
          "set grid\n"
          "set key below\n",
          f);
}

void plot_gp_using_x(FILE *f, const char *source, const struct plot_xaxis *x)
{
    if (x->div != 1)
        fprintf(f, "%s using (column(1)/%g):", source, x->div);
    else
        fprintf(f, "%s using 1:", source);
}

void plot_gp_xrange(char *buf, size_t n, double t_last, const struct plot_xaxis *x)
{
    buf[0] = '\0';
    if (isfinite(t_last) && t_last > 0)
        snprintf(buf, n, "set xrange [0:%.10g]\n", t_last / x->div);
}

void plot_gp_reset(FILE *f)
{
    fputs("set xrange [*:*]\n", f);
    plot_gp_terminal(f, 1);
}

/* ---- the script as a file ---------------------------------------------------------------- */

int plot_gp_open(struct plot_gp *gp, const char *path)
{
    gp->text = NULL;
    gp->len = 0;
    gp->path = path;
    gp->f = open_memstream(&gp->text, &gp->len);
    if (!gp->f) {
        diag_error(NULL, "cannot build '%s': %s", path, strerror(errno));
        return PLOT_ERR_IO;
    }
    return 0;
}

/* Write text to path through a temporary in the same folder and a rename, so a reader
 * never sees half a script and a failure leaves the old one. */
static int write_atomic(const char *path, const char *text, size_t len)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t n = strlen(path);
    char *tmp = xmalloc(n + sizeof suffix);
    memcpy(tmp, path, n);
    memcpy(tmp + n, suffix, sizeof suffix);
    int rc = PLOT_ERR_IO;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_error(NULL, "cannot create '%s': %s", tmp, strerror(errno));
        goto out_free;
    }
    /* mkstemp makes the file 0600; give it the mode a plain fopen would. */
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        diag_error(NULL, "cannot open '%s': %s", tmp, strerror(errno));
        close(fd);
        goto out_unlink;
    }
    errno = 0;
    bool ok = fchmod(fd, 0666 & ~mask) == 0 && fwrite(text, 1, len, f) == len &&
              fflush(f) == 0;
    if (fclose(f) != 0 || !ok) {
        diag_error(NULL, "cannot write '%s': %s", tmp, strerror(errno ? errno : EIO));
        goto out_unlink;
    }
    if (rename(tmp, path) != 0) {
        diag_error(NULL, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        goto out_unlink;
    }
    rc = 0;
    goto out_free;

out_unlink:
    unlink(tmp);
out_free:
    free(tmp);
    return rc;
}

int plot_gp_commit(struct plot_gp *gp)
{
    int rc;
    if (fclose(gp->f) != 0) {
        diag_error(NULL, "cannot build '%s': %s", gp->path, strerror(errno));
        rc = PLOT_ERR_IO;
    } else {
        rc = write_atomic(gp->path, gp->text, gp->len);
    }
    free(gp->text);
    gp->f = NULL;
    gp->text = NULL;
    return rc;
}

/* ---- running gnuplot --------------------------------------------------------------------- */

int plot_run_gnuplot(const char *dir, const char *gnuplot)
{
    if (!gnuplot || !*gnuplot)
        gnuplot = "gnuplot";
    /* gnuplot -e "cd 'DIR'; load 'plots.gp'": DIR quoted for gnuplot (no shell involved). */
    char *cmd = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&cmd, &len);
    if (!mem) {
        diag_error(NULL, "cannot run %s: %s", gnuplot, strerror(errno));
        return PLOT_ERR_IO;
    }
    fputs("cd ", mem);
    plot_gp_quoted(mem, dir);
    fputs("; load '" PLOT_SCRIPT_NAME "'", mem);
    fclose(mem);

    char *argv[] = {(char *)gnuplot, (char *)"-e", cmd, NULL};
    pid_t pid;
    int err = posix_spawnp(&pid, gnuplot, NULL, NULL, argv, environ);
    free(cmd);
    if (err != 0)
        return PLOT_ERR_NO_GNUPLOT;
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            diag_error(NULL, "cannot wait for %s: %s", gnuplot, strerror(errno));
            return PLOT_ERR_GNUPLOT;
        }
    }
    /* 127: the C library could not exec it after the fork (POSIX leaves this open). */
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return PLOT_ERR_NO_GNUPLOT;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char *gp = text_join_path(dir, PLOT_SCRIPT_NAME);
        if (WIFEXITED(st))
            diag_error(NULL, "%s failed (exit status %d) running '%s'", gnuplot,
                       WEXITSTATUS(st), gp);
        else
            diag_error(NULL, "%s was killed by signal %d running '%s'", gnuplot,
                       WTERMSIG(st), gp);
        free(gp);
        return PLOT_ERR_GNUPLOT;
    }
    return 0;
}
