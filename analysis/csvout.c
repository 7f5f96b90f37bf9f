#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, fchmod */
#endif
#include "analysis/csvout.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "sim/diag.h"
#include "sim/xalloc.h"

static void release(struct csvout *o)
{
    free(o->path);
    free(o->tmp_path);
    o->path = o->tmp_path = NULL;
    o->f = NULL;
    o->mid_row = false;
}

int csvout_open(struct csvout *o, const char *path)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t n = strlen(path);
    o->f = NULL;
    o->mid_row = false;
    o->path = xstrdup(path);
    o->tmp_path = xmalloc(n + sizeof suffix);
    memcpy(o->tmp_path, path, n);
    memcpy(o->tmp_path + n, suffix, sizeof suffix);

    int fd = mkstemp(o->tmp_path);
    if (fd < 0) {
        diag_error(NULL, "cannot create '%s': %s", o->tmp_path, strerror(errno));
        goto out_release;
    }
    /* mkstemp makes the file 0600; outputs should get the usual 0666 & ~umask. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        diag_error(NULL, "cannot set the mode of '%s': %s", o->tmp_path, strerror(errno));
        goto out_close_fd;
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        diag_error(NULL, "cannot open '%s': %s", o->tmp_path, strerror(errno));
        goto out_close_fd;
    }
    return 0;

out_close_fd:
    close(fd);
    unlink(o->tmp_path);
out_release:
    release(o);
    return -1;
}

static void sep(struct csvout *o)
{
    if (o->mid_row)
        putc(',', o->f);
    o->mid_row = true;
}

void csvout_str(struct csvout *o, const char *s)
{
    ELB_ASSERT(o->f && s);
    sep(o);
    if (strpbrk(s, ",\"\r\n"))
        csv_fwrite(o->f, s, strlen(s)); /* errors stay sticky in o->f */
    else
        fputs(s, o->f);
}

void csvout_num(struct csvout *o, double v)
{
    ELB_ASSERT(o->f);
    sep(o);
    if (isnan(v))
        return;
    if (v == 0)
        v = 0.0; /* -0 prints as "0" */
    /* Whole numbers (counts) keep every digit, where %.10g would switch to 1.2e+10. */
    if (v == floor(v) && fabs(v) < 0x1p53)
        fprintf(o->f, "%.0f", v);
    else
        fprintf(o->f, "%.10g", v);
}

void csvout_int(struct csvout *o, long long v)
{
    ELB_ASSERT(o->f);
    sep(o);
    fprintf(o->f, "%lld", v);
}

void csvout_empty(struct csvout *o)
{
    ELB_ASSERT(o->f);
    sep(o);
}

void csvout_raw(struct csvout *o, const char *text, size_t len)
{
    ELB_ASSERT(o->f);
    sep(o);
    fwrite(text, 1, len, o->f);
}

void csvout_end_row(struct csvout *o)
{
    ELB_ASSERT(o->f);
    putc('\n', o->f);
    o->mid_row = false;
}

int csvout_commit(struct csvout *o)
{
    ELB_ASSERT(o->f);
    int err = 0;
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        err = errno ? errno : EIO;
    if (fclose(o->f) != 0 && !err)
        err = errno;
    o->f = NULL;
    if (err) {
        diag_error(NULL, "cannot write '%s': %s", o->tmp_path, strerror(err));
        goto out_unlink;
    }
    if (rename(o->tmp_path, o->path) != 0) {
        diag_error(NULL, "cannot rename '%s' to '%s': %s", o->tmp_path, o->path,
                   strerror(errno));
        goto out_unlink;
    }
    release(o);
    return 0;

out_unlink:
    unlink(o->tmp_path);
    release(o);
    return -1;
}

void csvout_abort(struct csvout *o)
{
    if (!o->f)
        return;
    fclose(o->f);
    unlink(o->tmp_path);
    release(o);
}
