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

/* Nothing is special inside a gnuplot single-quoted string except '' for a quote; a line
 * break or another control character would end or garble the command: a space instead. */
void plot_gp_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\'')
            fputc('\'', f);
        fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
    }
    fputc('\'', f);
}

void plot_gp_dquoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else
            fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
    }
    fputc('"', f);
}

void plot_gp_terminal_size(FILE *f, int width, int height)
{
    /* elbsim_svg (set by plot_run_gnuplot_svg, for `elbsim report`): SVG text in the
     * figure's file, whatever its name says. */
    fprintf(f, "if (exists('elbsim_svg')) {\n"
               "    set terminal svg size %d,%d noenhanced font 'Sans,11'\n"
               "} else { if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
               "    set terminal pngcairo size %d,%d noenhanced font 'Sans,11'\n"
               "} else {\n"
               "    set terminal png size %d,%d noenhanced\n"
               "} }\n",
            width, height, width, height, width, height);
}

void plot_gp_terminal(FILE *f, int npanels)
{
    plot_gp_terminal_size(f, 1200, npanels <= 1 ? 700 : 400 * npanels);
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

void plot_gp_stack(FILE *f, const char *png, const char *title, const struct plot_stack *st)
{
    int top = 45 + 20 * st->key_rows, bottom = 55;
    int height = top + bottom + st->npanels * st->panel_px + (st->npanels - 1) * st->gap_px;
    plot_gp_terminal_size(f, 1200, height);
    fputs("set output ", f);
    plot_gp_quoted(f, png);
    fprintf(f, "\nset multiplot layout %d,1 margins %.4f, %.4f, %.4f, %.4f spacing 0.1, %.4f "
               "title ", st->npanels, st->left_px / 1200.0, 1 - st->right_px / 1200.0,
            (double)bottom / height, 1 - (double)top / height, (double)st->gap_px / height);
    plot_gp_quoted(f, title);
    if (st->key_rows)
        fprintf(f, "\nset key at screen 0.5, screen %.4f center top vertical maxrows %d Left "
                   "reverse\n", 1 - 28.0 / height, st->key_rows);
    else
        fputs("\nset key off\n", f);
}

int plot_gp_key_rows(int entries, size_t longest)
{
    /* About 7 pixels a character at font size 11, plus the sample and the gap. */
    int per_col = 7 * (int)(longest < 100 ? longest : 100) + 90;
    int cols = 1100 / per_col;
    if (cols < 1)
        cols = 1;
    return entries > 0 ? (entries + cols - 1) / cols : 0;
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

int plot_gp_finish(struct plot_gp *gp, const struct plot_plan *plan)
{
    if (plan->nmade > 0)
        return plot_gp_commit(gp);
    fclose(gp->f);
    free(gp->text);
    gp->f = NULL;
    gp->text = NULL;
    return PLOT_ERR_NOTHING;
}

/* ---- running gnuplot --------------------------------------------------------------------- */

/* At most this much of gnuplot's messages is shown when it fails (its first error is at
 * the start; a runaway script may print much more). */
#define GNUPLOT_MESSAGES_MAX 8192

/* What gnuplot printed into f (from its start), at most GNUPLOT_MESSAGES_MAX bytes,
 * trailing newlines dropped; caller frees. */
static char *read_messages(FILE *f)
{
    char *text = xmalloc(GNUPLOT_MESSAGES_MAX + 1);
    size_t n = 0;
    if (fseek(f, 0, SEEK_SET) == 0)
        n = fread(text, 1, GNUPLOT_MESSAGES_MAX, f);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    text[n] = '\0';
    return text;
}

/* gnuplot's warnings (an empty curve, a font it substituted) are no news to the user:
 * its stdout and stderr go to a temporary file, shown only when it fails. */
static int run_gnuplot(const char *dir, const char *gnuplot, bool svg);

int plot_run_gnuplot(const char *dir, const char *gnuplot)
{
    return run_gnuplot(dir, gnuplot, false);
}

int plot_run_gnuplot_svg(const char *dir, const char *gnuplot)
{
    return run_gnuplot(dir, gnuplot, true);
}

static int run_gnuplot(const char *dir, const char *gnuplot, bool svg)
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
    if (svg)
        fputs("elbsim_svg = 1; ", mem);
    fputs("cd ", mem);
    plot_gp_quoted(mem, dir);
    fputs("; load '" PLOT_SCRIPT_NAME "'", mem);
    if (fclose(mem) != 0 || !cmd) {
        diag_error(NULL, "cannot run %s: %s", gnuplot, strerror(errno ? errno : ENOMEM));
        free(cmd);
        return PLOT_ERR_IO;
    }

    int rc = PLOT_ERR_IO;
    FILE *msgs = tmpfile();
    if (!msgs) {
        diag_error(NULL, "cannot create a temporary file for %s's messages: %s", gnuplot,
                   strerror(errno));
        goto out_cmd;
    }
    posix_spawn_file_actions_t fa;
    int err = posix_spawn_file_actions_init(&fa);
    if (err) {
        diag_error(NULL, "cannot run %s: %s", gnuplot, strerror(err));
        goto out_msgs;
    }
    err = posix_spawn_file_actions_adddup2(&fa, fileno(msgs), 1);
    if (!err)
        err = posix_spawn_file_actions_adddup2(&fa, fileno(msgs), 2);
    if (err) {
        diag_error(NULL, "cannot run %s: %s", gnuplot, strerror(err));
        goto out_actions;
    }
    char *argv[] = {(char *)gnuplot, (char *)"-e", cmd, NULL};
    pid_t pid;
    err = posix_spawnp(&pid, gnuplot, &fa, NULL, argv, environ);
    if (err != 0) {
        rc = PLOT_ERR_NO_GNUPLOT;
        goto out_actions;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            diag_error(NULL, "cannot wait for %s: %s", gnuplot, strerror(errno));
            rc = PLOT_ERR_GNUPLOT;
            goto out_actions;
        }
    }
    /* 127: the C library could not exec it after the fork (POSIX leaves this open). */
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
        rc = PLOT_ERR_NO_GNUPLOT;
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char *gp = text_join_path(dir, PLOT_SCRIPT_NAME);
        char *text = read_messages(msgs);
        char status[64];
        if (WIFEXITED(st))
            snprintf(status, sizeof status, "exit status %d", WEXITSTATUS(st));
        else
            snprintf(status, sizeof status, "killed by signal %d", WTERMSIG(st));
        diag_error(NULL, "%s failed (%s) running '%s'%s%s", gnuplot, status, gp,
                   *text ? "; it said:\n" : " without a message", text);
        free(text);
        free(gp);
        rc = PLOT_ERR_GNUPLOT;
    } else {
        rc = 0;
    }
out_actions:
    posix_spawn_file_actions_destroy(&fa);
out_msgs:
    fclose(msgs);
out_cmd:
    free(cmd);
    return rc;
}
