#include "models/traffic/alb_log.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/diag.h"
#include "sim/xalloc.h"

#define ALB_MIN_FIELDS 22 /* up to request_creation_time */
#define ALB_MAX_FIELDS 64
#define ALB_REPORT_MAX 10 /* malformed lines reported one by one */

/* Split line into fields in place: unquoted ones end at a space, quoted ones at the closing
 * quote (which must be followed by a space or the end).  Returns the count, or -1 with the
 * 1-based field number in *bad. */
static int split(char *s, char **f, int max, int *bad)
{
    int n = 0;
    while (*s) {
        if (n == max)
            return n;
        if (*s == '"') {
            char *w = ++s;
            f[n] = w;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1])
                    s++;
                *w++ = *s++;
            }
            if (*s != '"' || (s[1] && s[1] != ' ')) {
                *bad = n + 1;
                return -1;
            }
            *w = '\0';
            s++;
        } else {
            f[n] = s;
            while (*s && *s != ' ')
                s++;
        }
        n++;
        if (*s == ' ')
            *s++ = '\0';
    }
    return n;
}

static int seconds(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 0 || v == -1))
        return -1;
    *out = v;
    return 0;
}

static int code(const char *s, int *out)
{
    if (!strcmp(s, "-")) {
        *out = 0;
        return 0;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 999)
        return -1;
    *out = (int)v;
    return 0;
}

static int count(const char *s)
{
    if (!strcmp(s, "-"))
        return 0;
    char *end;
    strtoull(s, &end, 10);
    return end == s || *end || *s == '-' ? -1 : 0;
}

#define FAIL(k, ...)                                                                         \
    do {                                                                                     \
        *field = (k);                                                                        \
        snprintf(why, n, __VA_ARGS__);                                                       \
        return -1;                                                                           \
    } while (0)

int alb_log_parse(char *line, struct alb_log_line *out, char *why, size_t n, int *field)
{
    char *f[ALB_MAX_FIELDS];
    int bad = 0;
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        line[--len] = '\0';
    int nf = split(line, f, ALB_MAX_FIELDS, &bad);
    if (nf < 0)
        FAIL(bad, "an unterminated quoted string");
    if (nf < ALB_MIN_FIELDS)
        FAIL(0, "%d fields, expected at least %d (type ... request_creation_time)", nf,
             ALB_MIN_FIELDS);
    static const char *const types[] = {"http", "https", "h2", "grpcs", "ws", "wss", NULL};
    int t = 0;
    while (types[t] && strcmp(types[t], f[0]))
        t++;
    if (!types[t])
        FAIL(1, "type '%.40s' is not http, https, h2, grpcs, ws or wss", f[0]);
    if (arrivals_iso8601(f[1], &out->time_s))
        FAIL(2, "time '%.40s' is not an ISO 8601 time", f[1]);
    if (seconds(f[5], &out->request_processing_s))
        FAIL(6, "request_processing_time '%.40s' is not seconds or -1", f[5]);
    if (seconds(f[6], &out->target_processing_s))
        FAIL(7, "target_processing_time '%.40s' is not seconds or -1", f[6]);
    if (seconds(f[7], &out->response_processing_s))
        FAIL(8, "response_processing_time '%.40s' is not seconds or -1", f[7]);
    if (code(f[8], &out->elb_status))
        FAIL(9, "elb_status_code '%.40s' is not a status code", f[8]);
    if (code(f[9], &out->target_status))
        FAIL(10, "target_status_code '%.40s' is not a status code or -", f[9]);
    if (count(f[10]))
        FAIL(11, "received_bytes '%.40s' is not a count", f[10]);
    if (count(f[11]))
        FAIL(12, "sent_bytes '%.40s' is not a count", f[11]);
    /* "METHOD scheme://host:port/path?query VERSION", or "- - - " */
    out->path[0] = '\0';
    const char *rq = f[12];
    const char *sp = strchr(rq, ' ');
    if (sp && sp[1] != '-') {
        const char *u = sp + 1, *sch = strstr(u, "://");
        const char *p = sch ? strchr(sch + 3, '/') : NULL;
        const char *e = strchr(u, ' ');
        if (!sch || !e || (p && p > e))
            FAIL(13, "request '%.80s' is not METHOD scheme://host:port/path VERSION", rq);
        if (!p || p > e)
            p = "/", e = p + 1;
        size_t k = 0;
        while (p < e && *p != '?' && k + 1 < sizeof out->path)
            out->path[k++] = *p++;
        out->path[k] = '\0';
    }
    out->target_group[0] = '\0';
    const char *tg = strstr(f[16], ":targetgroup/");
    if (tg) {
        tg += strlen(":targetgroup/");
        size_t k = 0;
        while (tg[k] && tg[k] != '/' && k + 1 < sizeof out->target_group) {
            out->target_group[k] = tg[k];
            k++;
        }
        out->target_group[k] = '\0';
    }
    out->rule_priority = -2;
    if (strcmp(f[20], "-")) {
        char *end;
        long v = strtol(f[20], &end, 10);
        if (end == f[20] || *end || v < -1 || v > 50000)
            FAIL(21, "matched_rule_priority '%.40s' is not -1..50000 or -", f[20]);
        out->rule_priority = (int)v;
    }
    if (arrivals_iso8601(f[21], &out->creation_s))
        FAIL(22, "request_creation_time '%.40s' is not an ISO 8601 time", f[21]);
    return 0;
}

static int read_file(const char *file, alb_log_entry_fn *fn, void *ctx, struct alb_log_counts *c)
{
    gzFile gz = gzopen(file, "rb");
    if (!gz)
        return diag_error(NULL, "%s: cannot read: %s", file, strerror(errno));
    char line[16384], why[200];
    int lineno = 0;
    struct alb_log_line al;
    while (gzgets(gz, line, sizeof line)) {
        lineno++;
        size_t len = strlen(line);
        if (len <= 1 && (line[0] == '\n' || line[0] == '\0'))
            continue; /* an empty line (a file's end) */
        c->lines++;
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            /* Longer than any entry AWS writes: skip the rest, count it as malformed. */
            int ch;
            while ((ch = gzgetc(gz)) != -1 && ch != '\n')
                ;
            snprintf(why, sizeof why, "longer than %zu bytes", sizeof line - 1);
            goto bad;
        }
        int field = 0;
        if (alb_log_parse(line, &al, why, sizeof why, &field) == 0) {
            fn(ctx, &al);
            continue;
        }
        if (field)
            snprintf(why + strlen(why), sizeof why - strlen(why), " (field %d)", field);
bad:
        if (c->bad++ < ALB_REPORT_MAX)
            fprintf(stderr, "%s:%d: warning: malformed ALB access-log line skipped: %s\n", file,
                    lineno, why);
    }
    int err;
    const char *msg = gzerror(gz, &err);
    int rc = 0;
    if (err != Z_OK)
        rc = diag_error(NULL, "%s: %s (a truncated or corrupt gzip file?)", file, msg);
    else if (!gzeof(gz))
        rc = diag_error(NULL, "%s: read error", file);
    gzclose(gz);
    return rc;
}

static bool log_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".log")) || (n > 7 && !strcmp(name + n - 7, ".log.gz"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every log file under dir (recursively), into *files. */
static int walk(const char *dir, char ***files, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return diag_error(NULL, "%s: cannot read the folder: %s", dir, strerror(errno));
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *full = xmalloc(len);
        snprintf(full, len, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(full, &st)) {
            rc = diag_error(NULL, "%s: %s", full, strerror(errno));
            free(full);
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(full, files, n, cap);
            free(full);
        } else if (S_ISREG(st.st_mode) && log_name(de->d_name)) {
            if (*n == *cap) {
                *cap = *cap ? 2 * *cap : 64;
                *files = xrealloc(*files, *cap * sizeof **files);
            }
            (*files)[(*n)++] = full;
        } else {
            free(full);
        }
    }
    closedir(d);
    return rc;
}

int alb_log_read(const char *path, alb_log_entry_fn *fn, void *ctx, struct alb_log_counts *c)
{
    struct stat st;
    *c = (struct alb_log_counts){0};
    if (stat(path, &st))
        return diag_error(NULL, "%s: %s", path, strerror(errno));
    char **files = NULL;
    size_t nfiles = 0, cap = 0;
    int rc = 0;
    if (S_ISDIR(st.st_mode)) {
        rc = walk(path, &files, &nfiles, &cap);
        if (nfiles > 1)
            qsort(files, nfiles, sizeof *files, cmp_str);
    } else {
        files = xmalloc(sizeof *files);
        files[nfiles++] = xstrdup(path);
    }
    c->files = nfiles;
    for (size_t i = 0; rc == 0 && i < nfiles; i++)
        rc = read_file(files[i], fn, ctx, c);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    if (rc == 0 && c->bad > ALB_REPORT_MAX)
        fprintf(stderr, "%s: warning: %zu more malformed lines skipped\n", path,
                c->bad - ALB_REPORT_MAX);
    return rc;
}
