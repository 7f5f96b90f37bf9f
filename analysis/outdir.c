/* nftw() is an XSI function. */
#define _XOPEN_SOURCE 700

#include "analysis/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/xalloc.h"

/* "<dir of path>/.<base><suffix>" (path has no trailing '/'). */
static char *sibling(const char *path, const char *suffix)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t n = dlen + 1 + strlen(base) + strlen(suffix) + 1;
    char *s = xmalloc(n);
    snprintf(s, n, "%.*s.%s%s", (int)dlen, path, base, suffix);
    return s;
}

static bool has_marker(const char *dir)
{
    char *p = xmalloc(strlen(dir) + sizeof OUTDIR_MARKER + 2);
    sprintf(p, "%s/%s", dir, OUTDIR_MARKER);
    struct stat st;
    bool yes = lstat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return yes;
}

/* 1 when dir is an empty folder, 0 when it holds something, -1 when it cannot be read. */
static int is_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int empty = 1;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int rc = flag == FTW_DP ? rmdir(path) : unlink(path);
    if (rc && errno != ENOENT) {
        fprintf(stderr, "elbsim: cannot remove %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Remove a tree without following symbolic links (a link is removed, not its target). */
static int rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) && errno == ENOENT)
        return 0;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}

int outdir_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) && errno == ENOENT)
        return 0;
    if (!S_ISDIR(st.st_mode) || !has_marker(path)) {
        fprintf(stderr, "elbsim: not removing %s: elbsim did not write it (no %s in it)\n",
                path, OUTDIR_MARKER);
        return -1;
    }
    return rmtree(path);
}

int outdir_mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *c = p + 1; ; c++) {
        bool end = *c == '\0';
        if (!end && *c != '/')
            continue;
        *c = '\0';
        if (mkdir(p, 0777) && errno != EEXIST) {
            fprintf(stderr, "elbsim: cannot create folder %s: %s\n", p, strerror(errno));
            rc = -1;
            break;
        }
        if (end)
            break;
        *c = '/';
    }
    free(p);
    return rc;
}

/* Lock "<parent>/.<base>.lock" (POSIX record lock: released when the process ends).  The
 * holder removes the file when it is done, so a lock taken on a file that has meanwhile
 * been removed or replaced is not the lock: check the name still leads to our file, and
 * try again if not. */
static int lock_take(struct outdir *o)
{
    o->lock_path = sibling(o->dest, ".lock");
    for (;;) {
        o->lock_fd = open(o->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (o->lock_fd < 0) {
            fprintf(stderr, "elbsim: cannot open %s: %s\n", o->lock_path, strerror(errno));
            return -1;
        }
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(o->lock_fd, F_SETLK, &fl)) {
            if (errno == EACCES || errno == EAGAIN)
                fprintf(stderr, "elbsim: another elbsim is writing %s now (it holds %s); "
                                "not writing it at the same time\n", o->dest, o->lock_path);
            else
                fprintf(stderr, "elbsim: cannot lock %s: %s\n", o->lock_path, strerror(errno));
            close(o->lock_fd);
            o->lock_fd = -1;
            return -1;
        }
        struct stat held, named;
        if (fstat(o->lock_fd, &held) == 0 && stat(o->lock_path, &named) == 0 &&
            held.st_dev == named.st_dev && held.st_ino == named.st_ino)
            return 0;
        close(o->lock_fd);
        o->lock_fd = -1;
    }
}

static void abort_on_oom(void *o)
{
    outdir_abort(o);
}

int outdir_begin(struct outdir *o, const char *dest)
{
    *o = (struct outdir){.lock_fd = -1};
    o->oom_hook = xalloc_hook(abort_on_oom, o);
    o->dest = xstrdup(dest);
    for (size_t n = strlen(o->dest); n > 1 && o->dest[n - 1] == '/'; n--)
        o->dest[n - 1] = '\0';
    struct stat st;
    if (lstat(o->dest, &st) == 0) {
        int empty = S_ISDIR(st.st_mode) ? is_empty(o->dest) : 0;
        if (empty < 0) {
            fprintf(stderr, "elbsim: cannot read %s: %s\n", o->dest, strerror(errno));
            goto fail;
        }
        if (!empty && !(S_ISDIR(st.st_mode) && has_marker(o->dest))) {
            fprintf(stderr, "elbsim: %s exists and elbsim did not write it (it has no %s); "
                            "not replacing it: choose another folder with -o, or remove it\n",
                    o->dest, OUTDIR_MARKER);
            goto fail;
        }
    }
    /* The parent must exist for the lock and the sibling folder. */
    const char *slash = strrchr(o->dest, '/');
    if (slash && slash != o->dest) {
        char *parent = xstrndup(o->dest, (size_t)(slash - o->dest));
        int rc = outdir_mkdir_p(parent);
        free(parent);
        if (rc)
            goto fail;
    }
    if (lock_take(o))
        goto fail;
    o->tmp = sibling(o->dest, ".partial-XXXXXX");
    if (!mkdtemp(o->tmp)) {
        fprintf(stderr, "elbsim: cannot create a folder beside %s: %s\n", o->dest,
                strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        goto fail;
    }
    /* mkdtemp makes it private (0700); an output folder gets the usual mode. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(o->tmp, 0777 & ~mask);
    char *marker = xmalloc(strlen(o->tmp) + sizeof OUTDIR_MARKER + 2);
    sprintf(marker, "%s/%s", o->tmp, OUTDIR_MARKER);
    FILE *f = fopen(marker, "w");
    bool bad = !f || fputs("This folder was written by elbsim; elbsim may replace it.\n", f) < 0;
    if (f && fclose(f))
        bad = true;
    if (bad)
        fprintf(stderr, "elbsim: cannot write %s: %s\n", marker, strerror(errno));
    free(marker);
    if (bad)
        goto fail;
    return 0;
fail:
    outdir_abort(o);
    return -1;
}

int outdir_commit(struct outdir *o)
{
    char *old = NULL;
    struct stat st;
    if (lstat(o->dest, &st) == 0) {
        /* Aside under a unique name first, so a failure leaves dest as it was. */
        old = sibling(o->dest, ".old-XXXXXX");
        if (!mkdtemp(old) || rename(o->dest, old)) {
            fprintf(stderr, "elbsim: cannot move %s aside: %s\n", o->dest, strerror(errno));
            rmdir(old);
            free(old);
            outdir_abort(o);
            return -1;
        }
    }
    if (rename(o->tmp, o->dest)) {
        fprintf(stderr, "elbsim: cannot rename %s to %s: %s\n", o->tmp, o->dest,
                strerror(errno));
        if (old && rename(old, o->dest) == 0)
            rmdir(old);
        free(old);
        outdir_abort(o);
        return -1;
    }
    free(o->tmp);
    o->tmp = NULL;
    int rc = 0;
    if (old) {
        /* What was moved aside was checked by begin: empty, or elbsim's. */
        rc = is_empty(old) == 1 ? (rmdir(old) ? -1 : 0) : outdir_remove(old);
        free(old);
    }
    outdir_abort(o);
    return rc;
}

void outdir_abort(struct outdir *o)
{
    xalloc_unhook(o->oom_hook);
    o->oom_hook = 0;
    if (o->tmp) {
        rmtree(o->tmp); /* ours: made by mkdtemp in begin */
        free(o->tmp);
        o->tmp = NULL;
    }
    if (o->lock_fd >= 0) {
        unlink(o->lock_path); /* before the lock goes: see lock_take */
        close(o->lock_fd);
        o->lock_fd = -1;
    }
    free(o->lock_path);
    o->lock_path = NULL;
    free(o->dest);
    o->dest = NULL;
}
