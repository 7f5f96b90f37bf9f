/* The decision trace narrated (explain.h). */
#include "analysis/explain.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/csvin.h"
#include "sim/diag.h"
#include "sim/xalloc.h"

enum { C_REQUEST, C_ATTEMPT, C_TIME, C_EVENT, C_WHERE, C_CHOICE, C_VALUE, C_DETAIL, C_N };
static const struct csvin_column columns[C_N] = {
    {"request", true}, {"attempt", true}, {"time_s", true}, {"event", true},
    {"where", true},   {"choice", true},  {"value", true},  {"detail", true}};

struct row {
    uint64_t request;
    unsigned attempt;
    double time_s, value; /* value NaN when empty */
    char *f[C_N];         /* the texts (owned) */
};

struct trace {
    struct row *rows;
    size_t n, cap;
};

static void trace_free(struct trace *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (int k = 0; k < C_N; k++)
            free(t->rows[i].f[k]);
    free(t->rows);
}

static int read_trace(const char *path, struct trace *t)
{
    struct csvin *in;
    int rc = csvin_open(path, NULL, &in);
    if (rc)
        return EXPLAIN_ERR_IO;
    const struct csvin_row *row;
    size_t col[C_N];
    struct csvin_header h = {
        .columns = columns, .ncolumns = C_N, .unknown = "not a decision trace: unknown column",
        .expected = "expected the header request,attempt,time_s,event,where,choice,value,detail"};
    bool header = true;
    while ((rc = csvin_next(in, &row)) == 1) {
        if (header) {
            header = false;
            if (csvin_header_read(row, &h, col)) {
                rc = CSVIN_ERR_INPUT;
                break;
            }
            continue;
        }
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 256;
            t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
        }
        struct row *r = &t->rows[t->n];
        memset(r, 0, sizeof *r);
        for (int k = 0; k < C_N; k++)
            r->f[k] = xstrdup(col[k] < row->nfields ? row->fields[col[k]] : "");
        t->n++;
        char *end;
        errno = 0;
        unsigned long long id = strtoull(r->f[C_REQUEST], &end, 10);
        if (*end || errno || !r->f[C_REQUEST][0] || id == 0) {
            csvin_error(row, col[C_REQUEST], "request must be a whole number >= 1, got '%s'",
                        csvin_value(row, col[C_REQUEST]));
            rc = CSVIN_ERR_INPUT;
            goto out;
        }
        r->request = id;
        r->attempt = (unsigned)strtoul(r->f[C_ATTEMPT], NULL, 10);
        r->time_s = strtod(r->f[C_TIME], &end);
        if (*end || !r->f[C_TIME][0]) {
            csvin_error(row, col[C_TIME], "time_s must be a number, got '%s'",
                        csvin_value(row, col[C_TIME]));
            rc = CSVIN_ERR_INPUT;
            goto out;
        }
        r->value = r->f[C_VALUE][0] ? strtod(r->f[C_VALUE], NULL) : (double)NAN;
    }
out:
    csvin_close(in);
    if (rc == CSVIN_ERR_IO)
        return EXPLAIN_ERR_IO;
    if (rc < 0)
        return EXPLAIN_ERR_INPUT;
    return 0;
}

/* The value of key in a "k=v;k=v" detail into buf ("" when absent). */
static const char *get(const struct row *r, const char *key, char *buf, size_t n)
{
    const char *d = r->f[C_DETAIL];
    size_t kl = strlen(key);
    buf[0] = '\0';
    while (*d) {
        const char *semi = strchr(d, ';');
        size_t len = semi ? (size_t)(semi - d) : strlen(d);
        if (len > kl && !strncmp(d, key, kl) && d[kl] == '=') {
            size_t vl = len - kl - 1;
            if (vl >= n)
                vl = n - 1;
            memcpy(buf, d + kl + 1, vl);
            buf[vl] = '\0';
            return buf;
        }
        if (!semi)
            break;
        d = semi + 1;
    }
    return buf;
}

static double getnum(const struct row *r, const char *key)
{
    char b[64];
    get(r, key, b, sizeof b);
    return b[0] ? strtod(b, NULL) : (double)NAN;
}

/* A duration for people: "0.42 ms", "41.3 ms", "812 ms", "3.20 s". */
static void say_dur(FILE *out, double s)
{
    double ms = s * 1e3;
    if (isnan(s))
        fputs("?", out);
    else if (s == 0)
        fputs("0 ms", out);
    else if (ms < 1)
        fprintf(out, "%.3f ms", ms);
    else if (ms < 100)
        fprintf(out, "%.1f ms", ms);
    else if (ms < 1000)
        fprintf(out, "%.0f ms", ms);
    else
        fprintf(out, "%.2f s", s);
}

static const char *status_words(int st)
{
    switch (st) {
    case 200: return "OK";
    case 404: return "no rule matched";
    case 500: return "target error";
    case 502: return "bad gateway";
    case 503: return "no target available";
    case 504: return "gateway timeout";
    case 599: return "connection reset by the load balancer";
    }
    return "";
}

static const char *algo_words(const char *a)
{
    if (!strcmp(a, "least_outstanding_requests"))
        return "least outstanding requests";
    if (!strcmp(a, "round_robin"))
        return "round robin";
    if (!strcmp(a, "power_of_d"))
        return "power of d choices";
    if (!strcmp(a, "weighted_random"))
        return "weighted random";
    if (!strcmp(a, "flow_hash"))
        return "the flow hash";
    return a;
}

/* "a:1 b:2" -> "a: 1, b: 2"; returns how many, the lowest value and how many share it. */
static int say_view(FILE *out, const char *view, double *low, int *nlow)
{
    int n = 0;
    *low = (double)INFINITY;
    *nlow = 0;
    const char *p = view;
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        const char *colon = NULL;
        for (size_t i = len; i > 0; i--)
            if (p[i - 1] == ':') {
                colon = p + i - 1;
                break;
            }
        if (colon) {
            double v = strtod(colon + 1, NULL);
            fprintf(out, "%s%.*s: %.*s", n ? ", " : "", (int)(colon - p), p,
                    (int)(len - (size_t)(colon - p) - 1), colon + 1);
            if (v < *low) {
                *low = v;
                *nlow = 1;
            } else if (v == *low) {
                (*nlow)++;
            }
            n++;
        }
        if (!sp)
            break;
        p = sp + 1;
    }
    return n;
}

/* The view value of `name` in "a:1 b:2" (NaN when absent). */
static double view_of(const char *view, const char *name)
{
    size_t nl = strlen(name);
    const char *p = view;
    while (*p) {
        if (!strncmp(p, name, nl) && p[nl] == ':')
            return strtod(p + nl + 1, NULL);
        const char *sp = strchr(p, ' ');
        if (!sp)
            break;
        p = sp + 1;
    }
    return (double)NAN;
}

static void say_route(FILE *out, const struct row *r, const struct row *view)
{
    char algo[128], zone[64], xz[8], what[32];
    get(r, "algo", algo, sizeof algo);
    get(r, "zone", zone, sizeof zone);
    get(r, "cross_zone", xz, sizeof xz);
    get(r, "what", what, sizeof what);
    if (getnum(r, "no_target") == 1) {
        fprintf(out, "; group %s had no eligible target", r->f[C_WHERE]);
        return;
    }
    double elig = getnum(r, "eligible"), cand = getnum(r, "candidates");
    double listed = getnum(r, "listed");
    const char *chosen = r->f[C_CHOICE];
    fprintf(out, "; %s", algo_words(algo));
    if (!strcmp(algo, "round_robin")) {
        fprintf(out, " (node %s's cursor at position %.0f of %.0f) chose %s", zone,
                getnum(r, "cursor") + 1, elig, chosen);
    } else if (!strcmp(algo, "flow_hash")) {
        char h[32];
        fprintf(out, " of the flow's key 0x%s over %.0f eligible targets chose %s",
                get(r, "hash", h, sizeof h), elig, chosen);
    } else if (view && !strcmp(what, "outstanding")) {
        double low;
        int nlow;
        fputs(" saw ", out);
        say_view(out, view->f[C_DETAIL], &low, &nlow);
        fprintf(out, " and chose %s", chosen);
        double cv = view_of(view->f[C_DETAIL], chosen);
        if (cv == low && nlow > 1)
            fprintf(out, " (lowest; %d tied, it had waited longest at that count)", nlow);
        else if (cv == low)
            fputs(" (lowest)", out);
        if (listed < cand)
            fprintf(out, " [%.0f of %.0f targets listed]", listed, cand);
    } else if (view && !strcmp(what, "sampled")) {
        double low;
        int nlow;
        fputs(" sampled ", out);
        say_view(out, view->f[C_DETAIL], &low, &nlow);
        fprintf(out, " (requests in flight from this node) and chose %s", chosen);
        if (nlow > 1 && view_of(view->f[C_DETAIL], chosen) == low)
            fputs(" (the less loaded; first sampled of the tie)", out);
        else
            fputs(" (the less loaded)", out);
    } else if (view && !strcmp(what, "weight")) {
        double low;
        int nlow;
        fputs(" drew with weights ", out);
        say_view(out, view->f[C_DETAIL], &low, &nlow);
        fprintf(out, " and chose %s", chosen);
        if (listed < cand)
            fprintf(out, " [%.0f of %.0f targets listed]", listed, cand);
    } else if (!strcmp(algo, "random")) {
        fprintf(out, " picked %s uniformly among %.0f eligible targets", chosen, elig);
    } else {
        fprintf(out, " chose %s among %.0f eligible targets", chosen, elig);
    }
    if (!strcmp(xz, "off"))
        fprintf(out, " (cross-zone off: only zone %s's targets)", zone);
    double slow = getnum(r, "slow_start");
    if (slow > 0)
        fprintf(out, " (%.0f more in slow start took none of it)", slow);
}

static void say_target(FILE *out, const struct row *r)
{
    char zone[64], pass[16], disc[8];
    get(r, "zone", zone, sizeof zone);
    get(r, "pass", pass, sizeof pass);
    get(r, "discipline", disc, sizeof disc);
    const char *oc = r->f[C_CHOICE];
    if (pass[0])
        fprintf(out, "; appliance %s (zone %s) inspected it (%s pass)", r->f[C_WHERE], zone,
                pass);
    if (!strcmp(oc, "accepted")) {
        if (!pass[0])
            fprintf(out, "; at %s (zone %s) ", r->f[C_WHERE], zone);
        else
            fputs(": ", out);
        if (!strcmp(disc, "ps"))
            fprintf(out, "%.0f requests shared its %.0f vCPUs", getnum(r, "held"),
                    getnum(r, "servers"));
        else
            fprintf(out, "%.0f queued ahead, %.0f of %.0f servers busy", r->value,
                    getnum(r, "busy"), getnum(r, "servers"));
    } else if (!strcmp(oc, "queue_full")) {
        fprintf(out, "; %s's queue was full (%.0f held)", r->f[C_WHERE], getnum(r, "held"));
    } else if (!strcmp(oc, "host_down")) {
        fprintf(out, "; %s's host did not answer (host down)", r->f[C_WHERE]);
    } else if (!strcmp(oc, "error_fault")) {
        fprintf(out, "; %s failed it at once (injected errors)", r->f[C_WHERE]);
    } else if (!strcmp(oc, "hang")) {
        fprintf(out, "; %s accepted it and hung (never answers)", r->f[C_WHERE]);
    } else {
        fprintf(out, "; %s refused it (%s)", r->f[C_WHERE], oc);
    }
}

static void narrate(FILE *out, const struct trace *t, uint64_t id, const size_t *idx, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const struct row *r = &t->rows[idx[k]];
        const char *ev = r->f[C_EVENT];
        char b[256], b2[256];
        if (!strcmp(ev, "arrive")) {
            fprintf(out, "request %llu", (unsigned long long)id);
            if (r->attempt) {
                fprintf(out, " (attempt %u", r->attempt + 1);
                char me[32];
                snprintf(me, sizeof me, "%llu", (unsigned long long)id);
                for (size_t q = 0; q < t->n; q++)
                    if (!strcmp(t->rows[q].f[C_EVENT], "retry") &&
                        !strcmp(t->rows[q].f[C_CHOICE], me)) {
                        fprintf(out, ", retrying request %llu",
                                (unsigned long long)t->rows[q].request);
                        break;
                    }
                fputc(')', out);
            }
            fprintf(out, " (t = %.3f s) from %s, path %s", r->time_s, r->f[C_WHERE],
                    get(r, "path", b, sizeof b));
        } else if (!strcmp(ev, "lb_node")) {
            char type[16], xz[8];
            get(r, "type", type, sizeof type);
            get(r, "cross_zone", xz, sizeof xz);
            for (char *c = type; *c; c++)
                *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
            fprintf(out, "%s reached %s %s's node in zone %s (", k ? ";" : "", type,
                    r->f[C_WHERE], r->f[C_CHOICE]);
            if (getnum(r, "nodes") == 1)
                fputs("its only node", out);
            else
                fprintf(out, "DNS: flow hash mod %s nodes", get(r, "nodes", b, sizeof b));
            if (getnum(r, "moved") == 1)
                fprintf(out, "; moved from node %s, whose zone had no eligible target",
                        get(r, "dns_node", b2, sizeof b2));
            fprintf(out, "; cross-zone %s)", xz);
        } else if (!strcmp(ev, "rule")) {
            if (!r->f[C_CHOICE][0]) {
                fprintf(out, "; no listener rule matched path %s", get(r, "path", b, sizeof b));
                continue;
            }
            fprintf(out, "; rule %.0f `%s`", r->value, get(r, "rule_path", b, sizeof b));
            get(r, "rule_host", b2, sizeof b2);
            if (strcmp(b2, "*"))
                fprintf(out, " host `%s`", b2);
            fprintf(out, " → group %s", r->f[C_CHOICE]);
            if (getnum(r, "forwards") > 1)
                fprintf(out, " (weighted forward %.0f of %.0f, u = %s)", getnum(r, "forward"),
                        getnum(r, "forwards"), get(r, "u", b, sizeof b));
        } else if (!strcmp(ev, "flow")) {
            const char *c = r->f[C_CHOICE];
            if (!strcmp(c, "hit"))
                fprintf(out, "; flow %s was in the node's flow table (hit): it stays on %s",
                        get(r, "flow", b, sizeof b), get(r, "target", b2, sizeof b2));
            else if (!strcmp(c, "miss"))
                fprintf(out, "; flow %s was not in the node's flow table (miss): a new flow",
                        get(r, "flow", b, sizeof b));
            else if (!strcmp(c, "idle_reset"))
                fprintf(out, "; flow %s had been idle past the timeout: reset",
                        get(r, "flow", b, sizeof b));
            else
                fprintf(out, "; flow %s's target turned unhealthy: reset",
                        get(r, "flow", b, sizeof b));
        } else if (!strcmp(ev, "sticky")) {
            fprintf(out, "; its stickiness cookie sent it to %s", r->f[C_CHOICE]);
        } else if (!strcmp(ev, "slow_start")) {
            fprintf(out, "; slow start: %s, %.0f %% through its ramp, took it by its share "
                    "(u = %s)", r->f[C_CHOICE], r->value * 100, get(r, "u", b, sizeof b));
        } else if (!strcmp(ev, "route")) {
            const struct row *v = NULL;
            if (k + 1 < n && !strcmp(t->rows[idx[k + 1]].f[C_EVENT], "view"))
                v = &t->rows[idx[k + 1]];
            say_route(out, r, v);
        } else if (!strcmp(ev, "target")) {
            say_target(out, r);
        } else if (!strcmp(ev, "start")) {
            fputs("; it waited ", out);
            say_dur(out, r->value);
        } else if (!strcmp(ev, "end")) {
            char pass[16];
            get(r, "pass", pass, sizeof pass);
            if (pass[0]) {
                fputs(" and took ", out);
            } else if (k == 0 || strcmp(t->rows[idx[k - 1]].f[C_EVENT], "start")) {
                fputs("; it ran ", out);
            } else {
                fputs(" and ran ", out);
            }
            say_dur(out, r->value);
        } else if (!strcmp(ev, "timeout")) {
            fputs("; the client gave up after ", out);
            say_dur(out, r->value);
            fputs(" (timeout)", out);
        } else if (!strcmp(ev, "retry")) {
            fprintf(out, "; retried as request %s after ", r->f[C_CHOICE]);
            say_dur(out, r->value);
            fputs(" of backoff", out);
        } else if (!strcmp(ev, "response")) {
            int st = atoi(r->f[C_CHOICE]);
            if (getnum(r, "abandoned") == 1) {
                fprintf(out, "; its response (%d) came after ", st);
                say_dur(out, r->value);
                fputs(", when the client had left", out);
            } else {
                fprintf(out, "; %d", st);
                if (st != 200 && status_words(st)[0])
                    fprintf(out, " (%s)", status_words(st));
                fputs(" after ", out);
                say_dur(out, r->value);
                double first = getnum(r, "since_first");
                if (r->attempt && !isnan(first)) {
                    fputs(" (", out);
                    say_dur(out, first);
                    fputs(" since the first attempt)", out);
                }
            }
        } else if (!strcmp(ev, "lost")) {
            fputs("; it was lost on the way: no answer", out);
        }
    }
    fputs(".\n", out);
}

/* Row order for narration: by request, then file (time) order.  Sorted on (request, row)
 * pairs so the comparison needs no global. */
struct key {
    uint64_t request;
    size_t row;
};

static int cmp_key(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    if (x->request != y->request)
        return x->request < y->request ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

int explain_narrate(FILE *out, const char *dir, uint64_t request_id)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        diag_error(NULL, "cannot open '%s': %s", dir, strerror(errno));
        return EXPLAIN_ERR_IO;
    }
    if (!S_ISDIR(st.st_mode)) {
        diag_error(NULL, "cannot open '%s': %s", dir, strerror(ENOTDIR));
        return EXPLAIN_ERR_IO;
    }
    size_t plen = strlen(dir) + sizeof "/trace.csv";
    char *path = xmalloc(plen);
    snprintf(path, plen, "%s/trace.csv", dir);
    if (stat(path, &st) != 0) {
        diag_error(NULL, "'%s' has no trace.csv (run with `elbsim run --trace N` to write "
                   "one)", dir);
        free(path);
        return EXPLAIN_ERR_IO;
    }
    struct trace t = {0};
    int rc = read_trace(path, &t);
    free(path);
    if (rc) {
        trace_free(&t);
        return rc;
    }
    /* Rows are in time order; group them by request, keeping that order. */
    struct key *keys = xmalloc((t.n ? t.n : 1) * sizeof *keys);
    for (size_t i = 0; i < t.n; i++)
        keys[i] = (struct key){t.rows[i].request, i};
    qsort(keys, t.n, sizeof *keys, cmp_key);
    size_t *idx = xmalloc((t.n ? t.n : 1) * sizeof *idx);
    for (size_t i = 0; i < t.n; i++)
        idx[i] = keys[i].row;
    free(keys);
    bool found = false;
    for (size_t i = 0; i < t.n;) {
        size_t j = i;
        uint64_t id = t.rows[idx[i]].request;
        while (j < t.n && t.rows[idx[j]].request == id)
            j++;
        if (!request_id || id == request_id) {
            narrate(out, &t, id, idx + i, j - i);
            found = true;
        }
        i = j;
    }
    if (!found) {
        if (request_id)
            diag_error(NULL, "request %llu is not in %s/trace.csv (it holds %s%llu to %llu)",
                       (unsigned long long)request_id, dir, t.n ? "requests " : "none: ",
                       t.n ? (unsigned long long)t.rows[idx[0]].request : 0ULL,
                       t.n ? (unsigned long long)t.rows[idx[t.n - 1]].request : 0ULL);
        else
            diag_error(NULL, "%s/trace.csv traces no request", dir);
        rc = EXPLAIN_ERR_INPUT;
    }
    free(idx);
    trace_free(&t);
    return rc;
}
