/* alb_log(path=...): replay of Application Load Balancer access logs, one arrival per entry.
 *
 * path is a log file (plain or gzip: zlib reads both) or a folder, walked recursively as S3
 * delivers the logs (AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/mm/dd/...): every
 * regular file whose name ends in .log or .log.gz is read, in name order.  Each entry
 * arrives at its request_creation_time, with its request line's path (the query dropped);
 * with demand=target_processing_time its target_processing_time is its demand (an entry
 * with -1, never dispatched, keeps the workload's demand).  Entries are sorted by request
 * creation time (the files of several LB nodes overlap, and AWS writes each entry when it
 * answered), those of the same microsecond by path and demand.  Time 0 of the run is
 * start= (ISO 8601), or the first entry's time (start=first, the default); entries
 * before start are dropped.  Malformed lines (see
 * models/traffic/alb_log.h) are skipped and counted; the first few are reported with their
 * file:line; more than max_bad of the lines (a fraction, default 0.001) is an error.  The
 * whole log is held in memory: 16 bytes per entry plus the distinct paths. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/traffic/alb_log.h"
#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/path.h"
#include "sim/xalloc.h"

struct alb_entry {
    double t;         /* s from start */
    float demand;     /* s, NAN = none */
    uint32_t path;    /* index into paths */
};

struct alb_trace {
    char *written;             /* the path as given, absolute, for arrivals_format */
    char start_text[40];       /* "first" or the ISO time given */
    double start_unix;         /* Unix time of t = 0 */
    bool use_demand;
    double max_bad;
    size_t n, cap;
    struct alb_entry *e;
    char **paths;              /* distinct paths (a few per service), searched linearly */
    uint32_t npaths, paths_cap;
};

struct alb_load {
    struct alb_trace *tr;
    double *creation;          /* Unix times while loading */
    size_t lines, bad;
    const struct arrivals_parse *p;
};

static uint32_t intern(struct alb_trace *tr, const char *s)
{
    for (uint32_t i = tr->npaths; i-- > 0;)
        if (!strcmp(tr->paths[i], s))
            return i;
    if (tr->npaths == tr->paths_cap) {
        tr->paths_cap = tr->paths_cap ? 2 * tr->paths_cap : 16;
        tr->paths = xrealloc(tr->paths, tr->paths_cap * sizeof *tr->paths);
    }
    tr->paths[tr->npaths] = xstrdup(s);
    return tr->npaths++;
}

/* One entry read: keep its creation time, demand and path. */
static void take(void *ctx, const struct alb_log_line *al)
{
    struct alb_load *ld = ctx;
    struct alb_trace *tr = ld->tr;
    if (tr->n == tr->cap) {
        tr->cap = tr->cap ? 2 * tr->cap : 4096;
        tr->e = xrealloc(tr->e, tr->cap * sizeof *tr->e);
        ld->creation = xrealloc(ld->creation, tr->cap * sizeof *ld->creation);
    }
    ld->creation[tr->n] = al->creation_s;
    tr->e[tr->n].demand =
        tr->use_demand && al->target_processing_s >= 0 ? (float)al->target_processing_s
                                                        : (float)NAN;
    tr->e[tr->n].path = intern(tr, al->path[0] ? al->path : "/");
    tr->n++;
}

static void alb_free(void *priv)
{
    struct alb_trace *tr = priv;
    if (!tr)
        return;
    for (uint32_t i = 0; i < tr->npaths; i++)
        free(tr->paths[i]);
    free(tr->paths);
    free(tr->e);
    free(tr->written);
    free(tr);
}

/* Sort entries by creation time; entries of the same microsecond by path, then demand (no
 * demand last), so that the order of the lines, or of the files of several LB nodes,
 * does not change the replay; entries equal in all three are alike, taken in read order. */
struct sort_key {
    double t;
    const char *path;
    float demand;
    size_t i;
};

static int cmp_key(const void *a, const void *b)
{
    const struct sort_key *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    bool xn = isnan(x->demand), yn = isnan(y->demand);
    if (xn != yn)
        return xn ? 1 : -1;
    if (!xn && x->demand != y->demand)
        return x->demand < y->demand ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int alb_parse(const struct arrivals_parse *p, void **priv)
{
    static const char *const keys[] = {"path", "demand", "start", "max_bad", NULL};
    if (arrivals_parse_keys(p, keys, "path"))
        return -1;
    const struct sim_call_arg *a = arrivals_parse_arg(p, "path", "path");
    if (!a || a->call)
        return arrivals_parse_error(p, a ? a->value_off : p->call->name_off,
                                    a ? a->value_len : p->call->end_off - p->call->name_off,
                                    "alb_log() needs a log file or folder, e.g. "
                                    "alb_log(path=logs/AWSLogs)");
    struct alb_trace *tr = xcalloc(1, sizeof *tr);
    tr->written = sim_path_absolute(p->base_dir, a->value);
    tr->max_bad = 0.001;
    snprintf(tr->start_text, sizeof tr->start_text, "first");
    const struct sim_call_arg *o;
    if ((o = arrivals_parse_arg(p, "demand", NULL))) {
        if (!strcmp(o->value, "target_processing_time"))
            tr->use_demand = true;
        else if (strcmp(o->value, "none")) {
            alb_free(tr);
            return arrivals_parse_error(p, o->value_off, o->value_len,
                                        "demand '%s': expected none or target_processing_time",
                                        o->value);
        }
    }
    if ((o = arrivals_parse_arg(p, "start", NULL)) && strcmp(o->value, "first")) {
        if (arrivals_iso8601(o->value, &tr->start_unix) || strlen(o->value) >= 40) {
            alb_free(tr);
            return arrivals_parse_error(p, o->value_off, o->value_len,
                                        "start '%s': expected first or an ISO 8601 time with "
                                        "its zone (2026-01-05T00:00:00Z)", o->value);
        }
        snprintf(tr->start_text, sizeof tr->start_text, "%s", o->value);
    }
    if (arrivals_parse_arg(p, "max_bad", NULL)) {
        if (arrivals_parse_number(p, "max_bad", NULL, SIM_UNIT_NONE, false, NULL,
                                  &tr->max_bad)) {
            alb_free(tr);
            return -1;
        }
        if (!(tr->max_bad >= 0 && tr->max_bad <= 1)) {
            o = arrivals_parse_arg(p, "max_bad", NULL);
            alb_free(tr);
            return arrivals_parse_error(p, o->value_off, o->value_len,
                                        "max_bad %s: expected a fraction of the lines, 0 to 1",
                                        o->value);
        }
    }
    char *path = arrivals_parse_path(p, a->value);
    struct stat st;
    struct alb_load ld = {.tr = tr, .p = p};
    struct alb_log_counts cnt = {0};
    int rc = 0;
    if (stat(path, &st)) {
        rc = arrivals_parse_error(p, a->value_off, a->value_len, "'%s': %s", path,
                                  strerror(errno));
    } else {
        rc = alb_log_read(path, take, &ld, &cnt);
        if (rc == 0 && cnt.files == 0)
            rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                      "the folder '%s' holds no .log or .log.gz file", path);
    }
    ld.lines = cnt.lines;
    ld.bad = cnt.bad;
    if (rc == 0 && ld.lines > 0 && (double)ld.bad > tr->max_bad * (double)ld.lines)
        rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                  "%zu of the %zu lines in '%s' are malformed, more than "
                                  "max_bad=%g of them", ld.bad, ld.lines, path, tr->max_bad);
    else if (rc == 0 && tr->n == 0)
        rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                  "'%s' holds no access-log entry", path);
    if (rc == 0) {
        struct sort_key *k = xmalloc(tr->n * sizeof *k);
        for (size_t i = 0; i < tr->n; i++)
            k[i] = (struct sort_key){ld.creation[i], tr->paths[tr->e[i].path], tr->e[i].demand,
                                     i};
        qsort(k, tr->n, sizeof *k, cmp_key);
        if (!strcmp(tr->start_text, "first"))
            tr->start_unix = k[0].t;
        struct alb_entry *e = xmalloc(tr->n * sizeof *e);
        size_t m = 0;
        for (size_t i = 0; i < tr->n; i++) {
            if (k[i].t < tr->start_unix)
                continue;
            e[m] = tr->e[k[i].i];
            e[m].t = k[i].t - tr->start_unix;
            m++;
        }
        free(k);
        free(tr->e);
        tr->e = e;
        tr->n = m;
        if (m == 0)
            rc = arrivals_parse_error(p, a->value_off, a->value_len,
                                      "every entry in '%s' comes before start=%s", path,
                                      tr->start_text);
    }
    free(ld.creation);
    free(path);
    if (rc) {
        alb_free(tr);
        return -1;
    }
    *priv = tr;
    return 0;
}

static void alb_format(const void *priv, char *buf, size_t n)
{
    const struct alb_trace *tr = priv;
    char mb[32];
    arrivals_fmt(tr->max_bad, SIM_UNIT_NONE, mb, sizeof mb);
    snprintf(buf, n, "alb_log(path=%s, demand=%s, start=%s, max_bad=%s)", tr->written,
             tr->use_demand ? "target_processing_time" : "none", tr->start_text, mb);
}

static size_t lower_bound(const struct alb_trace *tr, double t)
{
    size_t lo = 0, hi = tr->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr->e[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static double alb_rate_at(const void *priv, double t)
{
    const struct alb_trace *tr = priv;
    double s = floor(t);
    return (double)(lower_bound(tr, s + 1) - lower_bound(tr, s));
}

static double alb_count(const void *priv, double t0, double t1)
{
    const struct alb_trace *tr = priv;
    return (double)(lower_bound(tr, t1) - lower_bound(tr, t0));
}

static double alb_next(const void *priv, struct arrivals_state *st, gsl_rng *r, double now,
                       double *demand_s, const char **path)
{
    (void)r;
    const struct alb_trace *tr = priv;
    size_t i = st->pos;
    while (i < tr->n && tr->e[i].t < now)
        i++;
    st->pos = i + 1;
    if (i >= tr->n) {
        st->pos = tr->n;
        return (double)INFINITY;
    }
    if (!isnan(tr->e[i].demand))
        *demand_s = (double)tr->e[i].demand;
    *path = tr->paths[tr->e[i].path];
    return tr->e[i].t;
}

const struct arrivals_ops arrivals_alb_log_ops = {
    .info = {"alb_log", "alb_log(path=DIR|FILE, demand=none|target_processing_time, start=first|ISO, max_bad=0.001)",
             "Replays ALB access logs (AWS's format, plain or gzip, a file or an S3-layout folder): "
             "one request per entry at its request_creation_time, with its path."},
    .parse = alb_parse,
    .free = alb_free,
    .format = alb_format,
    .rate_at = alb_rate_at,
    .count = alb_count,
    .next = alb_next,
};
