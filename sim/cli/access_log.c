#include "sim/cli/access_log.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "analysis/outdir.h"
#include "models/compute/target.h"
#include "models/core/request.h"
#include "models/elb/flow_table.h"
#include "models/elb/lb.h"
#include "models/elb/target_group.h"
#include "models/scenario/scenario.h"
#include "models/scenario/world.h"
#include "models/traffic/workload.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define ALB_WINDOW_S 300.0   /* AWS: a file per LB node every 5 minutes */
#define CLB_WINDOW_S 3600.0  /* AWS: the Classic LB's default emit interval, 60 minutes */
#define NLB_WINDOW_S 300.0   /* AWS: a file per NLB node every 5 minutes */

enum al_kind { AL_ALB, AL_CLB, AL_NLB };

/* An open TLS connection of an NLB: what its entry needs when it closes. */
struct al_flow {
    double open_s;             /* s: its first request reached the LB */
    uint64_t flow_id, flow_hash;
    uint64_t rx, tx;           /* bytes received from the client, sent to it */
    const char *host;          /* its first request's Host (SNI), borrowed; NULL none */
    uint32_t node;             /* the LB node that holds it */
    uint32_t next_free;        /* free list link (UINT32_MAX: end) */
};

/* One LB node's current file. */
struct al_file {
    gzFile gz;                 /* ALB */
    FILE *f;                   /* CLB */
    int64_t window;            /* index of the window the open file covers; -1 none */
};

struct al_lb {
    bool on;                   /* writes entries */
    char elb[300];             /* ALB: app/<name>/<id>; CLB: <name> */
    char host[300];            /* the LB's DNS name */
    uint64_t id;               /* the synthetic 16-hex-digit resource id */
    struct al_file *nodes;     /* [node] */
    /* NLB with a TLS listener: its open connections, flow id -> index into fl */
    bool tls;
    char listener[24];         /* the listener's resource id */
    struct flow_table open;
    struct al_flow *fl;
    uint32_t nfl, flcap, flfree;
};

struct access_log {
    const struct scenario *sc;
    struct world *w;
    uint64_t seed;
    char dir[4200];
    char region[64];
    struct al_lb *lbs;         /* [lb id] */
    int nlbs;
    int failed;                /* a write failed (reported at finish) */
    char line[8192];
};

void access_log_time(double t, char *buf, size_t n)
{
    double fl = floor(t);
    time_t sec = (time_t)fl;
    long us = lround((t - fl) * 1e6);
    if (us >= 1000000) {
        sec++;
        us -= 1000000;
    }
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

void access_log_region(const struct scenario *sc, char *buf, size_t n)
{
    const char *z = sc->nzones > 0 ? sc->zones[0] : "";
    size_t len = strlen(z);
    /* An AZ name: letters-letters-digit then one letter (us-east-1a). */
    if (len >= 4 && len < n && z[len - 1] >= 'a' && z[len - 1] <= 'z' && z[len - 2] >= '0' &&
        z[len - 2] <= '9' && strchr(z, '-')) {
        memcpy(buf, z, len - 1);
        buf[len - 1] = '\0';
    } else {
        snprintf(buf, n, "us-east-1");
    }
}

/* Seconds with millisecond precision as AWS writes them; -1 for "not dispatched". */
static int fmt_secs(char *b, size_t n, double s)
{
    if (s < 0 || isnan(s))
        return snprintf(b, n, "-1");
    return snprintf(b, n, "%.3f", s);
}

static int fmt_code(char *b, size_t n, int code)
{
    return code > 0 ? snprintf(b, n, "%d", code) : snprintf(b, n, "-");
}

static const char *dash(const char *s)
{
    return s && *s ? s : "-";
}

int access_log_format_alb(char *buf, size_t n, const struct alb_log_entry *e)
{
    char tm[40], ctm[40], rp[32], tp[32], sp[32], es[16], ts[16], prio[16];
    access_log_time(e->time_s, tm, sizeof tm);
    access_log_time(e->creation_s, ctm, sizeof ctm);
    fmt_secs(rp, sizeof rp, e->request_processing_s);
    fmt_secs(tp, sizeof tp, e->target_processing_s);
    fmt_secs(sp, sizeof sp, e->response_processing_s);
    fmt_code(es, sizeof es, e->elb_status);
    fmt_code(ts, sizeof ts, e->target_status);
    if (e->rule_priority < -1)
        snprintf(prio, sizeof prio, "-");
    else
        snprintf(prio, sizeof prio, "%d", e->rule_priority);
    int k = snprintf(buf, n,
                     "%s %s %s %s %s %s %s %s %s %s %llu %llu \"%s\" \"-\" - - %s \"%s\" "
                     "\"%s\" \"-\" %s %s \"%s\" \"-\" \"%s\" \"%s\" \"%s\" \"-\" \"-\" %s\n",
                     dash(e->type), tm, dash(e->elb), dash(e->client), dash(e->target), rp,
                     tp, sp, es, ts, (unsigned long long)e->received_bytes,
                     (unsigned long long)e->sent_bytes, dash(e->request),
                     dash(e->target_group_arn), dash(e->trace_id), dash(e->domain), prio, ctm,
                     dash(e->actions), dash(e->error_reason), dash(e->target), ts,
                     dash(e->conn_trace_id));
    return k < 0 || (size_t)k >= n ? -1 : k;
}

/* Unix time t as AWS's NLB entries write it: 2018-12-20T02:59:40 (whole seconds, UTC, as
 * in AWS's examples). */
static void nlb_time(double t, char *buf, size_t n)
{
    time_t sec = (time_t)floor(t);
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Milliseconds, whole, as AWS writes connection_time; "-" for a negative value. */
static void fmt_ms(char *b, size_t n, double s)
{
    if (s < 0 || isnan(s))
        snprintf(b, n, "-");
    else
        snprintf(b, n, "%lld", (long long)llround(s * 1000.0));
}

/* s URL-encoded (RFC 3986 unreserved characters kept), as AWS writes domain_name. */
static void url_encode(char *b, size_t n, const char *s)
{
    size_t k = 0;
    for (; *s && k + 4 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~')
            b[k++] = (char)c;
        else
            k += (size_t)snprintf(b + k, n - k, "%%%02X", c);
    }
    b[k] = '\0';
}

int access_log_format_nlb(char *buf, size_t n, const struct nlb_log_entry *e)
{
    char tm[40], ctm[40], ct[32], ht[32], dom[800];
    nlb_time(e->time_s, tm, sizeof tm);
    nlb_time(e->creation_s, ctm, sizeof ctm);
    fmt_ms(ct, sizeof ct, e->connection_s);
    fmt_ms(ht, sizeof ht, e->tls_handshake_s);
    if (e->domain_name && *e->domain_name)
        url_encode(dom, sizeof dom, e->domain_name);
    else
        snprintf(dom, sizeof dom, "-");
    /* type version time elb listener client:port destination:port connection_time
     * tls_handshake_time received_bytes sent_bytes incoming_tls_alert chosen_cert_arn
     * chosen_cert_serial tls_cipher tls_protocol_version tls_named_group domain_name
     * alpn_fe_protocol alpn_be_protocol alpn_client_preference_list
     * tls_connection_creation_time */
    int k = snprintf(buf, n, "tls 2.0 %s %s %s %s %s %s %s %llu %llu - %s - %s %s - %s - - - %s\n",
                     tm, dash(e->elb), dash(e->listener), dash(e->client),
                     dash(e->destination), ct, ht, (unsigned long long)e->received_bytes,
                     (unsigned long long)e->sent_bytes, dash(e->chosen_cert_arn),
                     dash(e->tls_cipher), dash(e->tls_protocol_version), dom, ctm);
    return k < 0 || (size_t)k >= n ? -1 : k;
}

/* The path as it goes into the request line: bytes that would break the quoted field
 * (space, quote, backslash, controls, non-ASCII) percent-encoded. */
static void url_path(char *b, size_t n, const char *p)
{
    size_t k = 0;
    if (!p || *p != '/')
        b[k++] = '/';
    for (; p && *p && k + 4 < n; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')
            k += (size_t)snprintf(b + k, n - k, "%%%02X", c);
        else
            b[k++] = (char)c;
    }
    b[k] = '\0';
}

/* A client's synthetic address and port, from its connection. */
static void client_addr(char *b, size_t n, uint64_t flow_hash, uint64_t flow_id)
{
    snprintf(b, n, "172.%u.%u.%u:%u", 16u + (unsigned)(flow_hash & 15u),
             (unsigned)(flow_hash >> 8) & 255u, (unsigned)(flow_hash >> 16) & 255u,
             1024u + (unsigned)(flow_id % 64511u));
}

static void target_addr(char *b, size_t n, const struct target *t)
{
    snprintf(b, n, "10.1.%u.%u:80", (t->id >> 8) & 255u, t->id & 255u);
}

static void node_ip(char *b, size_t n, const struct lb *lb, int node)
{
    snprintf(b, n, "10.0.%d.%u", lb->node_zone[node] & 255, 10u + lb->id % 200u);
}

/* Open (or move on to) the node's file for window `win` ending at Unix time end. */
static int file_for(struct access_log *al, const struct lb *lb, int node, int64_t win,
                    double end_unix, enum al_kind kind)
{
    struct al_lb *L = &al->lbs[lb->id];
    struct al_file *F = &L->nodes[node];
    if (F->window == win)
        return 0;
    if (F->gz && gzclose(F->gz) != Z_OK)
        al->failed = 1;
    if (F->f && fclose(F->f))
        al->failed = 1;
    F->gz = NULL;
    F->f = NULL;
    F->window = win;
    time_t e = (time_t)llround(end_unix);
    struct tm tm;
    gmtime_r(&e, &tm);
    char d[4400], endt[32], ip[32], rnd[16];
    snprintf(d, sizeof d, "%s/AWSLogs/%s/elasticloadbalancing/%s/%04d/%02d/%02d", al->dir,
             ACCESS_LOG_ACCOUNT, al->region, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    if (outdir_mkdir_p(d)) {
        al->failed = 2;
        return -1;
    }
    snprintf(endt, sizeof endt, "%04d%02d%02dT%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min);
    node_ip(ip, sizeof ip, lb, node);
    /* AWS's random string: 8 characters, here from the seed, the LB, node and window. */
    uint64_t h = al->seed ^ L->id ^ ((uint64_t)node << 48) ^ (uint64_t)win * 0x9e3779b97f4a7c15ULL;
    h = sim_rng_splitmix64(&h);
    static const char az[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 8; i++, h /= 36)
        rnd[i] = az[h % 36];
    rnd[8] = '\0';
    char path[4800];
    if (kind == AL_ALB) {
        snprintf(path, sizeof path, "%s/%s_elasticloadbalancing_%s_app.%s.%016llx_%s_%s_%s.log.gz",
                 d, ACCESS_LOG_ACCOUNT, al->region, lb->node.name, (unsigned long long)L->id,
                 endt, ip, rnd);
        F->gz = gzopen(path, "wb1");
    } else if (kind == AL_NLB) {
        snprintf(path, sizeof path, "%s/%s_elasticloadbalancing_%s_net.%s.%016llx_%s_%s.log.gz",
                 d, ACCESS_LOG_ACCOUNT, al->region, lb->node.name, (unsigned long long)L->id,
                 endt, rnd);
        F->gz = gzopen(path, "wb1");
    } else {
        snprintf(path, sizeof path, "%s/%s_elasticloadbalancing_%s_%s_%s_%s_%s.log", d,
                 ACCESS_LOG_ACCOUNT, al->region, lb->node.name, endt, ip, rnd);
        F->f = fopen(path, "w");
    }
    if (!F->gz && !F->f) {
        fprintf(stderr, "elbsim: cannot write %s: %s\n", path, strerror(errno));
        al->failed = 2;
        return -1;
    }
    return 0;
}

/* What the LB itself did with rq, at hop h: dispatched to a target (the next hop took it
 * at its time of hop h + 1) or answered alone. */
static void on_response(void *ctx, const struct node *n, const struct request *rq, int h,
                        double now)
{
    struct access_log *al = ctx;
    const struct lb *lb = container_of(n, struct lb, node);
    struct al_lb *L = &al->lbs[lb->id];
    if (L->tls) {
        /* The bytes of an open TLS connection: the request in, a target's response out. */
        struct flow_entry *fe = flow_table_find(&L->open, rq->flow_id);
        if (fe) {
            struct al_flow *f = &L->fl[fe->member];
            f->rx += rq->request_bytes;
            if (rq->status == RQ_OK || rq->status == RQ_TARGET_ERROR)
                f->tx += rq->response_bytes;
        }
        return;
    }
    if (!L->on || al->failed == 2)
        return;
    bool alb = lb->type == SC_LB_ALB;
    double win_s = alb ? ALB_WINDOW_S : CLB_WINDOW_S;
    double epoch = (double)al->sc->start_epoch_s;
    int64_t win = (int64_t)floor(now / win_s);
    int node = (int)lb_hop_node(rq, h);
    if (file_for(al, lb, node, win, epoch + (double)(win + 1) * win_s, alb ? AL_ALB : AL_CLB))
        return;

    int st = rq->status;
    bool dispatched = h + 1 < rq->nhops && rq->target && st != RQ_UNAVAILABLE &&
                      st != RQ_NOT_FOUND;
    bool target_answered = dispatched && (st == RQ_OK || st == RQ_TARGET_ERROR);
    double created = request_hop_c(rq, h)->time;
    double sent = dispatched ? request_hop_c(rq, h + 1)->time : -1.0;
    double rp = -1, tp = -1, sp = -1;
    if (target_answered) {
        rp = sent - created;
        tp = now - sent;
        sp = 0;
    } else if (dispatched && st == RQ_BAD_GATEWAY) {
        rp = sent - created;
        tp = now - sent;
    } else if (st == RQ_NOT_FOUND) {
        rp = now - created;
    }
    char client[40], target[40], path[2048], req[2600], trace[64], conn[40], tgarn[600];
    client_addr(client, sizeof client, rq->flow_hash, rq->flow_id);
    if (dispatched)
        target_addr(target, sizeof target, rq->target);
    url_path(path, sizeof path, rq->path);
    bool https = lb->cfg->protocol == SC_HTTPS;
    const char *rq_host = rq->wl->cfg->host;
    const char *host = rq_host && *rq_host ? rq_host : L->host;
    int elb_status = st >= 598 ? 0 : st;
    int tstatus = target_answered ? st : 0;
    uint64_t received = rq->request_bytes, sentb = target_answered ? rq->response_bytes : 0;

    if (alb) {
        snprintf(req, sizeof req, "GET %s://%s:%d%s HTTP/1.1", https ? "https" : "http", host,
                 https ? 443 : 80, path);
        uint64_t th = al->seed ^ rq->id * 0x9e3779b97f4a7c15ULL;
        uint64_t a = sim_rng_splitmix64(&th), b = sim_rng_splitmix64(&th);
        snprintf(trace, sizeof trace, "Root=1-%08llx-%08llx%016llx",
                 (unsigned long long)((int64_t)(epoch + created) & 0xffffffffLL),
                 (unsigned long long)(a & 0xffffffffULL), (unsigned long long)b);
        snprintf(conn, sizeof conn, "TID_%016llx", (unsigned long long)rq->flow_hash);
        const char *tgname = dispatched ? request_hop_c(rq, h + 1)->node->name : NULL;
        if (tgname)
            snprintf(tgarn, sizeof tgarn,
                     "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%016llx", al->region,
                     ACCESS_LOG_ACCOUNT, tgname,
                     (unsigned long long)sim_rng_hash(tgname));
        int rule = lb_hop_rule(lb, rq, h);
        int prio = -2;
        const char *actions = "forward";
        if (rule > 0) {
            const struct lb_rule *r = &lb->rules[rule - 1];
            /* The listener's default forward (no condition, last) is AWS's default
             * action: priority 0; the others their position, from 1. */
            prio = (!r->path && !r->host && rule == lb->nrules) ? 0 : rule;
        } else if (st == RQ_NOT_FOUND) {
            prio = 0;
            actions = "fixed-response";
        }
        struct alb_log_entry e = {
            .type = https ? "https" : "http",
            .time_s = epoch + now,
            .elb = L->elb,
            .client = client,
            .target = dispatched ? target : NULL,
            .request_processing_s = rp,
            .target_processing_s = tp,
            .response_processing_s = sp,
            .elb_status = elb_status,
            .target_status = tstatus,
            .received_bytes = received,
            .sent_bytes = sentb,
            .request = req,
            .target_group_arn = tgname ? tgarn : NULL,
            .trace_id = trace,
            .domain = https ? rq_host : NULL,
            .rule_priority = prio,
            .creation_s = epoch + created,
            .actions = actions,
            .error_reason = NULL,
            .conn_trace_id = conn,
        };
        int k = access_log_format_alb(al->line, sizeof al->line, &e);
        if (k > 0 && gzwrite(al->lbs[lb->id].nodes[node].gz, al->line, (unsigned)k) != k)
            al->failed = 1;
        return;
    }
    /* Classic: timestamp elb client:port backend:port request_processing_time
     * backend_processing_time response_processing_time elb_status_code
     * backend_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher
     * ssl_protocol */
    char tm[40], rps[32], tps[32], sps[32], es[16], ts[16];
    access_log_time(epoch + now, tm, sizeof tm);
    fmt_secs(rps, sizeof rps, rp);
    fmt_secs(tps, sizeof tps, tp);
    fmt_secs(sps, sizeof sps, sp);
    fmt_code(es, sizeof es, elb_status);
    fmt_code(ts, sizeof ts, tstatus);
    int k = snprintf(al->line, sizeof al->line,
                     "%s %s %s %s %s %s %s %s %s %llu %llu \"GET %s://%s:%d%s HTTP/1.1\" \"-\" "
                     "- -\n",
                     tm, L->elb, client, dispatched ? target : "-", rps, tps, sps, es, ts,
                     (unsigned long long)received, (unsigned long long)sentb,
                     https ? "https" : "http", host, https ? 443 : 80, path);
    if (k > 0 && (size_t)k < sizeof al->line &&
        fwrite(al->line, 1, (size_t)k, al->lbs[lb->id].nodes[node].f) != (size_t)k)
        al->failed = 1;
}

/* An NLB TLS connection opened (rq) or closed (rq NULL): its entry is written when it
 * closes, into the file of the 5 minutes holding the close. */
static void on_flow(void *ctx, const struct node *n, const struct request *rq,
                    uint64_t flow_id, double t)
{
    struct access_log *al = ctx;
    const struct lb *lb = container_of(n, struct lb, node);
    struct al_lb *L = &al->lbs[lb->id];
    if (!L->tls)
        return;
    if (rq) {
        uint32_t i;
        if (L->flfree != UINT32_MAX) {
            i = L->flfree;
            L->flfree = L->fl[i].next_free;
        } else {
            if (L->nfl == L->flcap) {
                L->flcap = L->flcap ? 2 * L->flcap : 64;
                L->fl = xrealloc(L->fl, L->flcap * sizeof *L->fl);
            }
            i = L->nfl++;
        }
        int h = rq->nhops - 1;
        L->fl[i] = (struct al_flow){.open_s = request_hop_c(rq, h)->time, .flow_id = flow_id,
                                    .flow_hash = rq->flow_hash, .host = rq->wl->cfg->host,
                                    .node = lb_hop_node(rq, h), .next_free = UINT32_MAX};
        int created;
        flow_table_insert(&L->open, flow_id, &created)->member = i;
        return;
    }
    struct flow_entry *fe = flow_table_find(&L->open, flow_id);
    if (!fe)
        return;
    uint32_t i = fe->member;
    flow_table_remove_entry(&L->open, fe);
    struct al_flow *f = &L->fl[i];
    f->next_free = L->flfree;
    L->flfree = i;
    if (al->failed == 2)
        return;
    double epoch = (double)al->sc->start_epoch_s;
    int64_t win = (int64_t)floor(t / NLB_WINDOW_S);
    if (file_for(al, lb, (int)f->node, win, epoch + (double)(win + 1) * NLB_WINDOW_S, AL_NLB))
        return;
    char client[40], dest[40];
    client_addr(client, sizeof client, f->flow_hash, f->flow_id);
    node_ip(dest, sizeof dest, lb, (int)f->node);
    size_t dl = strlen(dest);
    snprintf(dest + dl, sizeof dest - dl, ":%d", lb->cfg->port);
    struct nlb_log_entry e = {
        .time_s = epoch + t,
        .elb = L->elb,
        .listener = L->listener,
        .client = client,
        .destination = dest,
        .connection_s = t - f->open_s,
        .tls_handshake_s = -1,
        .received_bytes = f->rx,
        .sent_bytes = f->tx,
        .domain_name = f->host,
        .creation_s = epoch + f->open_s,
    };
    int k = access_log_format_nlb(al->line, sizeof al->line, &e);
    if (k > 0 && gzwrite(L->nodes[f->node].gz, al->line, (unsigned)k) != k)
        al->failed = 1;
}

struct access_log *access_log_start(const char *dir, const struct scenario *sc,
                                    struct world *w, uint64_t seed)
{
    struct access_log *al = xcalloc(1, sizeof *al);
    al->sc = sc;
    al->w = w;
    al->seed = seed;
    snprintf(al->dir, sizeof al->dir, "%s", dir);
    access_log_region(sc, al->region, sizeof al->region);
    al->nlbs = w->nlbs;
    al->lbs = xcalloc((size_t)(w->nlbs > 0 ? w->nlbs : 1), sizeof *al->lbs);
    for (int i = 0; i < w->nlbs; i++) {
        const struct lb *lb = w->lbs[i];
        struct al_lb *L = &al->lbs[lb->id];
        /* ALB always; CLB with an HTTP/HTTPS listener (its TCP/SSL entries are per
         * connection and not written); NLB with a TLS listener, per connection (AWS
         * writes NLB access logs only for TLS listeners). */
        L->on = lb->type == SC_LB_ALB || (lb->type == SC_LB_CLB && !lb->l4);
        L->tls = lb->type == SC_LB_NLB && lb->cfg->protocol == SC_TLS;
        L->id = sim_rng_hash(lb->node.name);
        flow_table_init(&L->open);
        L->flfree = UINT32_MAX;
        if (L->tls) {
            char lk[320];
            snprintf(lk, sizeof lk, "%s/listener", lb->node.name);
            snprintf(L->listener, sizeof L->listener, "%016llx",
                     (unsigned long long)sim_rng_hash(lk));
        }
        if (lb->type == SC_LB_ALB)
            snprintf(L->elb, sizeof L->elb, "app/%s/%016llx", lb->node.name,
                     (unsigned long long)L->id);
        else if (lb->type == SC_LB_NLB)
            snprintf(L->elb, sizeof L->elb, "net/%s/%016llx", lb->node.name,
                     (unsigned long long)L->id);
        else
            snprintf(L->elb, sizeof L->elb, "%s", lb->node.name);
        snprintf(L->host, sizeof L->host, "%s-%llu.%s.elb.amazonaws.com", lb->node.name,
                 (unsigned long long)(L->id % 10000000000ULL), al->region);
        L->nodes = xcalloc((size_t)lb->nnodes, sizeof *L->nodes);
        for (int k = 0; k < lb->nnodes; k++)
            L->nodes[k].window = -1;
    }
    w->env.on_lb_response = on_response;
    w->env.on_lb_response_ctx = al;
    w->env.on_lb_flow = on_flow;
    w->env.on_lb_flow_ctx = al;
    return al;
}

int access_log_finish(struct access_log *al)
{
    for (int i = 0; i < al->nlbs; i++) {
        struct al_lb *L = &al->lbs[i];
        for (int k = 0; L->nodes && k < al->w->lbs[i]->nnodes; k++) {
            if (L->nodes[k].gz && gzclose(L->nodes[k].gz) != Z_OK)
                al->failed = 1;
            if (L->nodes[k].f && fclose(L->nodes[k].f))
                al->failed = 1;
            L->nodes[k].gz = NULL;
            L->nodes[k].f = NULL;
        }
    }
    al->w->env.on_lb_response = NULL;
    al->w->env.on_lb_flow = NULL;
    if (al->failed) {
        fprintf(stderr, "elbsim: writing the access logs failed\n");
        return -1;
    }
    return 0;
}

void access_log_free(struct access_log *al)
{
    if (!al)
        return;
    for (int i = 0; i < al->nlbs; i++) {
        struct al_lb *L = &al->lbs[i];
        for (int k = 0; L->nodes && k < al->w->lbs[i]->nnodes; k++) {
            if (L->nodes[k].gz)
                gzclose(L->nodes[k].gz);
            if (L->nodes[k].f)
                fclose(L->nodes[k].f);
        }
        free(L->nodes);
        flow_table_fini(&L->open);
        free(L->fl);
    }
    free(al->lbs);
    free(al);
}
