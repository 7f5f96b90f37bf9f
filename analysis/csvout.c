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

#include "sim/diag.h"
#include "sim/numfmt.h"
#include "sim/xalloc.h"

static void release(struct csvout *o)
{
    free(o->path);
    free(o->tmp_path);
    free(o->buf);
    o->path = o->tmp_path = o->buf = NULL;
    o->f = NULL;
    o->len = 0;
    o->err = 0;
    o->mid_row = false;
}

int csvout_open(struct csvout *o, const char *path)
{
    static const char suffix[] = ".tmp.XXXXXX";
    size_t n = strlen(path);
    o->f = NULL;
    o->buf = NULL;
    o->len = 0;
    o->err = 0;
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
    /* Unbuffered: buf already gathers whole blocks, which then go out in one write(2). */
    setvbuf(o->f, NULL, _IONBF, 0);
    o->buf = xmalloc(CSVOUT_BUF_BYTES);
    return 0;

out_close_fd:
    close(fd);
    unlink(o->tmp_path);
out_release:
    release(o);
    return -1;
}

/* Write n bytes to the temporary; the first failure's errno is kept for csvout_flush and
 * csvout_commit, and nothing more is written after it. */
static void write_out(struct csvout *o, const char *s, size_t n)
{
    if (o->err || !n)
        return;
    errno = 0;
    if (fwrite(s, 1, n, o->f) != n)
        o->err = errno ? errno : EIO;
}

/* Hand the pending bytes to the file. */
static void spill(struct csvout *o)
{
    write_out(o, o->buf, o->len);
    o->len = 0;
}

/* Room for n more bytes (n <= CSVOUT_BUF_BYTES) at the end of buf. */
static char *room(struct csvout *o, size_t n)
{
    if (CSVOUT_BUF_BYTES - o->len < n)
        spill(o);
    return o->buf + o->len;
}

/* Append n bytes of any length. */
static void put(struct csvout *o, const char *s, size_t n)
{
    if (n > CSVOUT_BUF_BYTES - o->len) {
        spill(o);
        if (n >= CSVOUT_BUF_BYTES) { /* too big to gather: straight through */
            write_out(o, s, n);
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

/* The ',' before a field unless it opens the row. */
static void sep(struct csvout *o)
{
    if (o->mid_row) {
        *room(o, 1) = ',';
        o->len++;
    }
    o->mid_row = true;
}

void csvout_str(struct csvout *o, const char *s)
{
    ELB_ASSERT(o->f && s);
    sep(o);
    size_t n = strcspn(s, ",\"\r\n");
    if (!s[n]) {
        put(o, s, n);
        return;
    }
    /* libcsv's csv_fwrite quoting: '"' around, each inner '"' doubled. */
    put(o, "\"", 1);
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        put(o, s, (size_t)(q - s) + 1);
        put(o, "\"", 1);
    }
    put(o, s, strlen(s));
    put(o, "\"", 1);
}

size_t csvout_num_text(char *buf, double v)
{
    if (isnan(v)) {
        buf[0] = '\0';
        return 0;
    }
    /* Whole numbers (counts) keep every digit, where %.10g would switch to 1.2e+10. */
    if (fabs(v) < 0x1p53 && v == (double)(long long)v)
        return numfmt_whole(buf, v == 0 ? 0.0 : v); /* -0 prints as "0" */
    if (isinf(v)) { /* what printf writes; numfmt takes finite numbers only */
        memcpy(buf, v > 0 ? "inf" : "-inf", v > 0 ? 4 : 5);
        return v > 0 ? 3 : 4;
    }
    return numfmt_g10(buf, v);
}

void csvout_num(struct csvout *o, double v)
{
    ELB_ASSERT(o->f);
    char *p = room(o, 1 + CSVOUT_NUM_BUF);
    if (o->mid_row)
        *p++ = ',';
    o->mid_row = true;
    p += csvout_num_text(p, v);
    o->len = (size_t)(p - o->buf);
}

void csvout_int(struct csvout *o, long long v)
{
    ELB_ASSERT(o->f);
    char *p = room(o, 1 + NUMFMT_BUF);
    if (o->mid_row)
        *p++ = ',';
    o->mid_row = true;
    p += numfmt_int(p, v);
    o->len = (size_t)(p - o->buf);
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
    put(o, text, len);
}

void csvout_end_row(struct csvout *o)
{
    ELB_ASSERT(o->f);
    *room(o, 1) = '\n';
    o->len++;
    o->mid_row = false;
}

int csvout_flush(struct csvout *o)
{
    ELB_ASSERT(o->f);
    spill(o);
    errno = 0;
    if (!o->err && (fflush(o->f) != 0 || ferror(o->f)))
        o->err = errno ? errno : EIO;
    if (o->err) {
        diag_error(NULL, "cannot write '%s': %s", o->tmp_path, strerror(o->err));
        return -1;
    }
    return 0;
}

int csvout_commit(struct csvout *o)
{
    ELB_ASSERT(o->f);
    spill(o);
    errno = 0;
    int err = o->err;
    if (!err && (fflush(o->f) != 0 || ferror(o->f)))
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
