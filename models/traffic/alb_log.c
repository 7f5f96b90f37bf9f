#include "models/traffic/alb_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"

#define ALB_MIN_FIELDS 22 /* up to request_creation_time */
#define ALB_MAX_FIELDS 64

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
