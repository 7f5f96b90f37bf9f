#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/diag.h"
#include "sim/xalloc.h"
#include "tests/unit.h"

const char *unit_elbsim(void)
{
    const char *p = getenv("ELBSIM");
    return p && *p ? p : "build/elbsim";
}

/* Everything up to the end of f, NUL-terminated (caller frees); the caller checks ferror. */
static char *read_all(FILE *f)
{
    size_t cap = 4096, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    buf[n] = '\0';
    return buf;
}

int unit_run_capture(const char *cmdline, char **out)
{
    size_t len = strlen(cmdline) + 16;
    char *full = xmalloc(len);
    snprintf(full, len, "%s 2>&1", cmdline);
    FILE *p = popen(full, "r");
    free(full);
    if (!p)
        return -1;
    *out = read_all(p);
    int st = pclose(p);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

char *unit_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = read_all(f);
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* The running suite's scratch folder: path empty outside unit_tmpdir_init/_fini. */
static struct {
    char path[64];  /* /tmp/elbsim-<suite>-XXXXXX */
    char file[512]; /* the last unit_tmpdir_path() result */
} tmpdir;

static bool is_dot_or_dotdot(const char *name)
{
    return !strcmp(name, ".") || !strcmp(name, "..");
}

int unit_tmpdir_init(void)
{
    /* CUnit sets the current suite before calling its init function. */
    CU_pSuite suite = CU_get_current_suite();
    const char *name = suite && suite->pName ? suite->pName : "unit";
    int n = snprintf(tmpdir.path, sizeof tmpdir.path, "/tmp/elbsim-%.40s", name);
    for (char *c = tmpdir.path + strlen("/tmp/"); *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
            *c = '-'; /* a suite name is free text; keep the path one plain component */
    snprintf(tmpdir.path + n, sizeof tmpdir.path - (size_t)n, "-XXXXXX");
    if (mkdtemp(tmpdir.path))
        return 0;
    tmpdir.path[0] = '\0';
    return -1;
}

int unit_tmpdir_fini(void)
{
    unit_tmpdir_empty();
    int rc = rmdir(tmpdir.path);
    tmpdir.path[0] = '\0';
    return rc;
}

const char *unit_tmpdir(void)
{
    return tmpdir.path;
}

char *unit_tmpdir_path(const char *file)
{
    snprintf(tmpdir.file, sizeof tmpdir.file, "%s/%s", tmpdir.path, file);
    return tmpdir.file;
}

void unit_tmpdir_empty(void)
{
    DIR *d = opendir(tmpdir.path);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (is_dot_or_dotdot(e->d_name))
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir.path, e->d_name);
        unlink(p);
    }
    closedir(d);
}

int unit_tmpdir_count(void)
{
    DIR *d = opendir(tmpdir.path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += !is_dot_or_dotdot(e->d_name);
    closedir(d);
    return n;
}

void unit_diag_capture_start(struct unit_diag_capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->f);
    c->old = diag_set_stream(c->f);
    c->errors_before = diag_error_count();
    c->errors = 0;
}

char *unit_diag_capture_end(struct unit_diag_capture *c)
{
    c->errors = diag_error_count() - c->errors_before;
    /* diag_set_stream() reports stderr for "not redirected": restore that as NULL. */
    diag_set_stream(c->old == stderr ? NULL : c->old);
    fclose(c->f);
    c->f = NULL;
    return c->buf;
}
