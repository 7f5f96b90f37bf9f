/*
 * `elbsim calibrate LOGS [-o DIR] [--interval 1m] [--path PREFIX]`: from ALB access logs
 * (read as alb_log() reads them, models/traffic/alb_log.h), the service demand and the
 * arrival profile a scenario needs.
 *
 * Service: the entries' target_processing_time (those dispatched, > 0) fitted to a
 * lognormal and a gamma by maximum likelihood, and an empirical quantile table
 * (analysis/fit.h); each fit printed in elbsim's distribution syntax, parsed back with
 * sim_dist_parse (so the text is what is measured), its Kolmogorov-Smirnov distance and
 * p-value; the best is the parametric fit with the smaller distance, or the empirical
 * table when both are rejected at 1 %.  Arrivals: the entries per --interval by
 * request_creation_time, as a time,value CSV that rates(file=...) reads.
 *
 * DIR (default out/calibrate) is written whole or not at all: fits.csv, qq.csv,
 * service_empirical.csv, arrivals.csv, fragment.yaml, and plots.gp with qq.png drawn by
 * gnuplot (analysis/plot); without gnuplot the folder is written and a warning says so.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <jansson.h>
#include <gsl/gsl_sort.h>

#include "analysis/csvout.h"
#include "analysis/fit.h"
#include "analysis/outdir.h"
#include "analysis/plot.h"
#include "models/traffic/alb_log.h"
#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/cli/commands.h"
#include "sim/diag.h"
#include "sim/dist.h"
#include "sim/units.h"
#include "sim/xalloc.h"

#define MAX_BAD 0.001   /* malformed lines allowed, as alb_log()'s default max_bad */
#define MIN_SAMPLE 20   /* fewer target processing times cannot be fitted usefully */
#define QQ_POINTS 400

static void usage(FILE *f)
{
    fputs("usage: elbsim calibrate LOGS [-o DIR] [--interval 1m] [--path PREFIX] [--by-path]\n"
          "       elbsim calibrate --cloudwatch FILE.json --requests M --cpu M --vcpus N\n"
          "                        [--instances M|N] [-o DIR]\n"
          "\n"
          "Fit the service time and the arrival profile of ALB access logs (LOGS: a .log or\n"
          ".log.gz file, or a folder of them as S3 delivers them).\n"
          "\n"
          "Service: each dispatched entry's target_processing_time, fitted to lognormal and\n"
          "gamma by maximum likelihood and to an empirical quantile table; prints each in\n"
          "elbsim's distribution syntax with its Kolmogorov-Smirnov distance and p-value and\n"
          "picks the best (the parametric fit with the smaller distance; the empirical table\n"
          "when both are rejected at 1 %).  Arrivals: entries per --interval (default 1m) by\n"
          "request_creation_time, a CSV that rates(file=...) replays.  --path keeps the\n"
          "entries whose path starts with PREFIX.  --by-path also fits each distinct path\n"
          "(up to 1000) with 20 entries or more: by_path.csv, arrivals_p<k>.csv and\n"
          "fragment_by_path.yaml, one workload per path.\n"
          "\n"
          "Writes DIR (default out/calibrate): fits.csv, qq.csv, qq.png (gnuplot),\n"
          "service_empirical.csv, arrivals.csv and fragment.yaml, a workload to paste.\n"
          "\n"
          "--cloudwatch: CPU-seconds per request of a group from `aws cloudwatch\n"
          "get-metric-data` JSON: per period, busy vCPU-seconds = CPUUtilization / 100 x\n"
          "--vcpus x instances x period against RequestCount, by least squares\n"
          "(busy = floor + cost x requests); M is a result's Id or Label; --instances a\n"
          "series (GroupInServiceInstances) or a fixed count (default 1).  Prints the cost\n"
          "(the mean demand per request) with its 95 % interval and the idle floor; writes\n"
          "DIR/cpu.csv (default out/calibrate-cpu).\n"
          "exit status: 0 ok, 1 I/O failure, 2 bad input\n",
          f);
}

struct sample {
    double *x;           /* target processing times > 0, s */
    size_t n, cap;
    double *t;           /* request creation times, Unix s */
    size_t nt, tcap;
    size_t undispatched; /* target_processing_time -1 */
    size_t zero;         /* 0.000: below the log's millisecond */
    const char *prefix;  /* --path, or NULL */
    size_t filtered;     /* entries another path */
    bool by_path;        /* --by-path: also per distinct path */
    struct path_sample *paths;
    size_t npaths, pcap;
    bool too_many;       /* more than MAX_PATHS distinct paths */
};

#define MAX_PATHS 1000   /* --by-path: distinct paths kept (a log with ids in its paths has
                          * too many to fit one by one; --path narrows it) */

/* One path's entries (--by-path). */
struct path_sample {
    char *path;
    double *x, *t;
    size_t n, cap, nt, tcap;
};

static void push(double **a, size_t *n, size_t *cap, double v)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        *a = xrealloc(*a, *cap * sizeof **a);
    }
    (*a)[(*n)++] = v;
}

/* The path's sample, made on first sight; NULL past MAX_PATHS.  Linear search: at most
 * MAX_PATHS per entry, and --by-path is for the few paths of a service. */
static struct path_sample *path_of(struct sample *s, const char *path)
{
    for (size_t i = s->npaths; i-- > 0;)
        if (!strcmp(s->paths[i].path, path))
            return &s->paths[i];
    if (s->npaths == MAX_PATHS) {
        s->too_many = true;
        return NULL;
    }
    if (s->npaths == s->pcap) {
        s->pcap = s->pcap ? 2 * s->pcap : 16;
        s->paths = xrealloc(s->paths, s->pcap * sizeof *s->paths);
    }
    struct path_sample *ps = &s->paths[s->npaths++];
    *ps = (struct path_sample){.path = xstrdup(path)};
    return ps;
}

static void take(void *ctx, const struct alb_log_line *l)
{
    struct sample *s = ctx;
    if (s->prefix && strncmp(l->path, s->prefix, strlen(s->prefix))) {
        s->filtered++;
        return;
    }
    if (s->nt == s->tcap) {
        s->tcap = s->tcap ? 2 * s->tcap : 4096;
        s->t = xrealloc(s->t, s->tcap * sizeof *s->t);
    }
    s->t[s->nt++] = l->creation_s;
    struct path_sample *ps = s->by_path ? path_of(s, l->path[0] ? l->path : "/") : NULL;
    if (ps) {
        push(&ps->t, &ps->nt, &ps->tcap, l->creation_s);
        if (l->target_processing_s > 0)
            push(&ps->x, &ps->n, &ps->cap, l->target_processing_s);
    }
    if (l->target_processing_s < 0) {
        s->undispatched++;
        return;
    }
    if (l->target_processing_s == 0) {
        s->zero++;
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4096;
        s->x = xrealloc(s->x, s->cap * sizeof *s->x);
    }
    s->x[s->n++] = l->target_processing_s;
}

/* A duration as elbsim writes it in a distribution: ms with 6 significant digits. */
static void ms(char *b, size_t n, double s)
{
    snprintf(b, n, "%.6gms", s * 1000);
}

struct fit {
    const char *name;
    char text[300];       /* as a scenario writes it (relative file for empirical) */
    double a, b;          /* lognormal mu, sigma; gamma shape, scale; empirical: points */
    struct sim_dist *d;
    double ks, p;
};

static void iso(double t, char *b, size_t n)
{
    time_t s = (time_t)floor(t);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* t[0..n) (any order) counted per interval from the interval holding first to the one
 * holding last, as time,value rows (every interval, 0 included) that rates() reads. */
static int write_arrivals(const char *path, const double *t, size_t n, double first,
                          double last, double interval_s)
{
    struct csvout o;
    if (csvout_open(&o, path))
        return -1;
    csvout_str(&o, "time");
    csvout_str(&o, "value");
    csvout_end_row(&o);
    double t0 = floor(first / interval_s) * interval_s;
    size_t nb = (size_t)floor((last - t0) / interval_s) + 1;
    size_t *cnt = xcalloc(nb, sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)floor((t[i] - t0) / interval_s);
        cnt[b < nb ? b : nb - 1]++;
    }
    for (size_t b = 0; b < nb; b++) {
        char ts[40];
        iso(t0 + (double)b * interval_s, ts, sizeof ts);
        csvout_str(&o, ts);
        csvout_int(&o, (long long)cnt[b]);
        csvout_end_row(&o);
    }
    free(cnt);
    return csvout_commit(&o);
}

static int write_outputs(const char *dir, const struct sample *s, struct fit *fits, int nfits,
                         int best, double interval_s, const char *logs, double med_ci[2],
                         double p99_ci[2])
{
    char path[4200];
    struct csvout o;
    /* fits.csv */
    snprintf(path, sizeof path, "%s/fits.csv", dir);
    if (csvout_open(&o, path))
        return -1;
    static const char *const head[] = {"fit", "distribution", "param_a", "param_b", "mean_s",
                                       "median_s", "p99_s", "ks_distance", "ks_p_value",
                                       "best", "n"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csvout_str(&o, head[i]);
    csvout_end_row(&o);
    double mean = 0;
    for (size_t i = 0; i < s->n; i++)
        mean += s->x[i];
    mean /= (double)s->n;
    csvout_str(&o, "sample");
    csvout_str(&o, "");
    csvout_empty(&o);
    csvout_empty(&o);
    csvout_num(&o, mean);
    csvout_num(&o, fit_sample_quantile(s->x, s->n, 0.5));
    csvout_num(&o, fit_sample_quantile(s->x, s->n, 0.99));
    csvout_empty(&o);
    csvout_empty(&o);
    csvout_int(&o, 0);
    csvout_int(&o, (long long)s->n);
    csvout_end_row(&o);
    for (int i = 0; i < nfits; i++) {
        struct fit *f = &fits[i];
        csvout_str(&o, f->name);
        csvout_str(&o, f->text);
        csvout_num(&o, f->a);
        csvout_num(&o, f->b);
        csvout_num(&o, sim_dist_mean(f->d));
        csvout_num(&o, sim_dist_quantile(f->d, 0.5));
        csvout_num(&o, sim_dist_quantile(f->d, 0.99));
        csvout_num(&o, f->ks);
        csvout_num(&o, f->p);
        csvout_int(&o, i == best);
        csvout_int(&o, (long long)s->n);
        csvout_end_row(&o);
    }
    if (csvout_commit(&o))
        return -1;
    /* qq.csv: QQ_POINTS plotting positions (i - 0.5) / m, then the tail */
    snprintf(path, sizeof path, "%s/qq.csv", dir);
    if (csvout_open(&o, path))
        return -1;
    csvout_str(&o, "p");
    csvout_str(&o, "observed_s");
    for (int i = 0; i < nfits; i++) {
        char h[64];
        snprintf(h, sizeof h, "%s_s", fits[i].name);
        csvout_str(&o, h);
    }
    csvout_end_row(&o);
    size_t m = s->n < QQ_POINTS ? s->n : QQ_POINTS;
    static const double tail[] = {0.995, 0.999};
    for (size_t k = 0; k < m + 2; k++) {
        double p = k < m ? ((double)k + 0.5) / (double)m : tail[k - m];
        if (k >= m && (p <= ((double)m - 0.5) / (double)m || s->n < 1000))
            continue;
        csvout_num(&o, p);
        csvout_num(&o, fit_sample_quantile(s->x, s->n, p));
        for (int i = 0; i < nfits; i++)
            csvout_num(&o, sim_dist_quantile(fits[i].d, p));
        csvout_end_row(&o);
    }
    if (csvout_commit(&o))
        return -1;
    /* arrivals.csv: entries per interval from the first one's interval */
    snprintf(path, sizeof path, "%s/arrivals.csv", dir);
    if (write_arrivals(path, s->t, s->nt, s->t[0], s->t[s->nt - 1], interval_s))
        return -1;
    /* fragment.yaml: a workload to paste */
    snprintf(path, sizeof path, "%s/fragment.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "elbsim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    char a0[40], a1[40];
    iso(s->t[0], a0, sizeof a0);
    iso(s->t[s->nt - 1], a1, sizeof a1);
    fprintf(f, "# elbsim calibrate %s: %zu entries from %s to %s; %zu target processing times\n"
               "# fitted (%zu never dispatched, %zu of 0.000 left out).  Paths are relative to\n"
               "# this folder: adjust them where you paste.\n"
               "# lognormal median 95 %% interval %.6g-%.6g ms, p99 %.6g-%.6g ms (ML, delta method)\n",
            logs, s->nt, a0, a1, s->n, s->undispatched, s->zero, med_ci[0] * 1000,
            med_ci[1] * 1000, p99_ci[0] * 1000, p99_ci[1] * 1000);
    for (int i = 0; i < nfits; i++)
        fprintf(f, "#   %-10s %-45s KS %.4f (p %.3g)%s\n", fits[i].name, fits[i].text, fits[i].ks,
                fits[i].p, i == best ? "  <- best" : "");
    fprintf(f, "workloads:\n  - name: calibrated\n    entry: <your load balancer>\n"
               "    arrivals: 'rates(file=arrivals.csv)'\n    demand: '%s'\n",
            fits[best].text);
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "elbsim: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* --by-path: per path with at least MIN_SAMPLE target processing times, lognormal and
 * gamma fits, the better by KS; by_path.csv, arrivals_p<k>.csv on the whole log's
 * intervals (so the workloads line up), fragment_by_path.yaml with one workload per path.
 * Prints the table. */
static int write_by_path(const char *dir, struct sample *s, double interval_s, double res)
{
    char path[4200];
    struct csvout o;
    snprintf(path, sizeof path, "%s/by_path.csv", dir);
    if (csvout_open(&o, path))
        return -1;
    static const char *const head[] = {"path", "entries", "n", "best", "distribution",
                                       "ks_distance", "ks_p_value", "median_s", "p99_s",
                                       "other", "other_ks_distance", "arrivals"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        csvout_str(&o, head[i]);
    csvout_end_row(&o);
    snprintf(path, sizeof path, "%s/fragment_by_path.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "elbsim: cannot write %s: %s\n", path, strerror(errno));
        csvout_abort(&o);
        return -1;
    }
    fputs("# elbsim calibrate --by-path: one workload per path with enough entries; paths\n"
          "# relative to this folder.  Each path's demand is the better of its lognormal and\n"
          "# gamma fits (by_path.csv has both).\nworkloads:\n", f);
    printf("by path (%zu distinct%s):\n", s->npaths,
           s->too_many ? "; more were left out, past 1000" : "");
    int rc = 0, k = 0;
    for (size_t i = 0; i < s->npaths && rc == 0; i++) {
        struct path_sample *ps = &s->paths[i];
        if (ps->n < MIN_SAMPLE) {
            printf("  %-30s %zu entries, %zu times: too few to fit\n", ps->path, ps->nt, ps->n);
            continue;
        }
        gsl_sort(ps->x, 1, ps->n);
        double mu, sg, sh, sc;
        int it;
        if (fit_lognormal(ps->x, ps->n, &mu, &sg) || fit_gamma(ps->x, ps->n, &sh, &sc, &it))
            continue;
        char txt[2][200], m1[40], m2[40];
        ms(m1, sizeof m1, exp(mu));
        ms(m2, sizeof m2, exp(mu + gsl_cdf_ugaussian_Pinv(0.99) * sg));
        snprintf(txt[0], sizeof txt[0], "lognormal(median=%s, p99=%s)", m1, m2);
        ms(m1, sizeof m1, sh * sc);
        snprintf(txt[1], sizeof txt[1], "gamma(mean=%s, cv=%.6g)", m1, 1 / sqrt(sh));
        struct sim_dist *d[2] = {NULL, NULL};
        double D[2];
        for (int j = 0; j < 2; j++) {
            if (sim_dist_parse(txt[j], SIM_UNIT_SECONDS, NULL, NULL, &d[j])) {
                rc = -1;
                break;
            }
            D[j] = fit_ks_distance(ps->x, ps->n, d[j], res);
        }
        if (rc) {
            for (int j = 0; j < 2; j++)
                if (d[j])
                    sim_dist_free(d[j]);
            break;
        }
        int b = D[0] <= D[1] ? 0 : 1;
        char arr[64];
        snprintf(arr, sizeof arr, "arrivals_p%d.csv", ++k);
        snprintf(path, sizeof path, "%s/%s", dir, arr);
        rc = write_arrivals(path, ps->t, ps->nt, s->t[0], s->t[s->nt - 1], interval_s);
        double p = fit_ks_pvalue(D[b], ps->n);
        csvout_str(&o, ps->path);
        csvout_int(&o, (long long)ps->nt);
        csvout_int(&o, (long long)ps->n);
        csvout_str(&o, b ? "gamma" : "lognormal");
        csvout_str(&o, txt[b]);
        csvout_num(&o, D[b]);
        csvout_num(&o, p);
        csvout_num(&o, sim_dist_quantile(d[b], 0.5));
        csvout_num(&o, sim_dist_quantile(d[b], 0.99));
        csvout_str(&o, txt[1 - b]);
        csvout_num(&o, D[1 - b]);
        csvout_str(&o, arr);
        csvout_end_row(&o);
        /* the path single-quoted for YAML: a quote is written twice */
        char q[2100];
        size_t qn = 0;
        for (const char *c = ps->path; *c && qn + 3 < sizeof q; c++) {
            if (*c == '\'')
                q[qn++] = '\'';
            q[qn++] = *c == '\n' ? ' ' : *c;
        }
        q[qn] = '\0';
        fprintf(f, "  - name: path_%d   # %zu entries; %s KS %.4f (p %.3g)\n"
                   "    entry: <your load balancer>\n"
                   "    paths: [ { path: '%s' } ]\n"
                   "    arrivals: 'rates(file=%s)'\n"
                   "    demand: '%s'\n",
                k, ps->nt, b ? "gamma" : "lognormal", D[b], p, q, arr, txt[b]);
        printf("  %-30s %zu entries: %-45s KS D %.4f, p %.3g%s\n", ps->path, ps->nt, txt[b],
               D[b], p, p < 0.01 ? " (rejected at 1 %)" : "");
        sim_dist_free(d[0]);
        sim_dist_free(d[1]);
    }
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "elbsim: cannot write %s/fragment_by_path.yaml\n", dir);
        rc = -1;
    }
    if (rc) {
        csvout_abort(&o);
        return -1;
    }
    return csvout_commit(&o);
}

/* The empirical table: 1001 quantiles (type 7) in one column; interpolating between them
 * samples the sample's own quantile function to within 0.1 % in probability. */
static int write_empirical(const char *dir, const struct sample *s)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/service_empirical.csv", dir);
    struct csvout o;
    if (csvout_open(&o, path))
        return -1;
    csvout_str(&o, "target_processing_time_s");
    csvout_end_row(&o);
    for (int k = 0; k <= 1000; k++) {
        csvout_num(&o, fit_sample_quantile(s->x, s->n, k / 1000.0));
        csvout_end_row(&o);
    }
    return csvout_commit(&o);
}

/* One MetricDataResults series, by Id or Label. */
struct series {
    double *t, *v;
    size_t n;
};

static int find_series(json_t *res, const char *file, const char *key, struct series *out)
{
    json_t *hit = NULL;
    size_t i, labels = 0;
    json_t *r;
    json_array_foreach(res, i, r) {
        const char *id = json_string_value(json_object_get(r, "Id"));
        const char *lab = json_string_value(json_object_get(r, "Label"));
        if (id && !strcmp(id, key)) {
            hit = r;
            labels = 1;
            break;
        }
        if (lab && !strcmp(lab, key)) {
            hit = hit ? hit : r;
            labels++;
        }
    }
    if (!hit)
        return diag_error(NULL, "%s: no MetricDataResults entry has Id or Label '%s'", file, key);
    if (labels > 1)
        return diag_error(NULL, "%s: %zu entries have the Label '%s'; give the Id", file, labels,
                          key);
    json_t *ts = json_object_get(hit, "Timestamps"), *vs = json_object_get(hit, "Values");
    if (!json_is_array(ts) || !json_is_array(vs) || json_array_size(ts) != json_array_size(vs))
        return diag_error(NULL, "%s: '%s': expected Timestamps and Values of the same length",
                          file, key);
    out->n = json_array_size(ts);
    out->t = xmalloc((out->n ? out->n : 1) * sizeof *out->t);
    out->v = xmalloc((out->n ? out->n : 1) * sizeof *out->v);
    for (i = 0; i < out->n; i++) {
        const char *tx = json_string_value(json_array_get(ts, i));
        json_t *v = json_array_get(vs, i);
        if (!tx || arrivals_iso8601(tx, &out->t[i]) || !json_is_number(v))
            return diag_error(NULL, "%s: '%s': entry %zu: expected an ISO 8601 timestamp with "
                              "its zone and a number", file, key, i);
        out->v[i] = json_number_value(v);
    }
    return 0;
}

/* The value of s at time t, NAN when s has none. */
static double series_at(const struct series *s, double t)
{
    for (size_t i = 0; i < s->n; i++)
        if (fabs(s->t[i] - t) < 1e-6)
            return s->v[i];
    return (double)NAN;
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int calibrate_cpu(const char *file, const char *kreq, const char *kcpu, const char *kins,
                         double vcpus, const char *out)
{
    json_error_t je;
    json_t *root = json_load_file(file, 0, &je);
    if (!root) {
        struct loc l = {file, je.line, je.column};
        diag_error(&l, "%s", je.text);
        return EXIT_BAD_INPUT;
    }
    int status = EXIT_BAD_INPUT;
    struct series rq = {0}, cpu = {0}, ins = {0};
    double fixed_ins = 1, *x = NULL, *y = NULL, *tt = NULL, *iv = NULL;
    json_t *res = json_object_get(root, "MetricDataResults");
    if (!json_is_array(res)) {
        diag_error(NULL, "%s: no MetricDataResults array (expected `aws cloudwatch "
                   "get-metric-data` output)", file);
        goto out;
    }
    if (find_series(res, file, kreq, &rq) || find_series(res, file, kcpu, &cpu))
        goto out;
    if (kins) {
        char *end;
        double v = strtod(kins, &end);
        if (*kins && !*end) {
            if (!(v >= 1)) {
                diag_error(NULL, "--instances %s: expected at least 1", kins);
                goto out;
            }
            fixed_ins = v;
        } else if (find_series(res, file, kins, &ins)) {
            goto out;
        }
    }
    /* The period: the most common spacing of the requests' timestamps. */
    double *ts = xmalloc((rq.n ? rq.n : 1) * sizeof *ts);
    memcpy(ts, rq.t, rq.n * sizeof *ts);
    qsort(ts, rq.n, sizeof *ts, cmp_dbl);
    double period = 0;
    size_t best = 0;
    for (size_t i = 1; i < rq.n; i++) {
        double g = ts[i] - ts[i - 1];
        size_t c = 0;
        for (size_t j = 1; j < rq.n; j++)
            c += fabs(ts[j] - ts[j - 1] - g) < 1e-6;
        if (c > best || (c == best && g < period))
            best = c, period = g;
    }
    free(ts);
    x = xmalloc((rq.n ? rq.n : 1) * sizeof *x);
    y = xmalloc((rq.n ? rq.n : 1) * sizeof *y);
    tt = xmalloc((rq.n ? rq.n : 1) * sizeof *tt);
    iv = xmalloc((rq.n ? rq.n : 1) * sizeof *iv);
    size_t n = 0;
    for (size_t i = 0; i < rq.n; i++) {
        double c = series_at(&cpu, rq.t[i]);
        double k = ins.n ? series_at(&ins, rq.t[i]) : fixed_ins;
        if (isnan(c) || isnan(k) || !(k > 0))
            continue;
        tt[n] = rq.t[i];
        iv[n] = k;
        x[n] = rq.v[i];
        y[n] = c / 100 * vcpus * k * period;
        n++;
    }
    if (n < 3 || !(period > 0)) {
        diag_error(NULL, "%s: %zu periods have both '%s' and '%s'%s; at least 3 are needed",
                   file, n, kreq, kcpu, ins.n ? " and the instances" : "");
        goto out;
    }
    double a, b, c00, c01, c11, sumsq;
    if (gsl_fit_linear(x, 1, y, 1, n, &a, &b, &c00, &c01, &c11, &sumsq)) {
        diag_error(NULL, "%s: the request counts do not vary: no slope to fit", file);
        goto out;
    }
    (void)c01;
    double tq = gsl_cdf_tdist_Pinv(0.975, (double)n - 2);
    double seb = sqrt(c11), sea = sqrt(c00);
    status = EXIT_ENV;
    struct outdir od;
    if (outdir_begin(&od, out))
        goto out;
    char path[4200];
    snprintf(path, sizeof path, "%s/cpu.csv", od.tmp);
    struct csvout o;
    if (csvout_open(&o, path)) {
        outdir_abort(&od);
        goto out;
    }
    static const char *const head[] = {"time", "requests", "instances", "busy_vcpu_s",
                                       "fitted_vcpu_s"};
    for (size_t i = 0; i < 5; i++)
        csvout_str(&o, head[i]);
    csvout_end_row(&o);
    /* oldest first */
    size_t *ord = xmalloc(n * sizeof *ord);
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && tt[ord[j - 1]] > tt[ord[j]]; j--) {
            size_t w = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = w;
        }
    for (size_t r = 0; r < n; r++) {
        size_t i = ord[r];
        char tb[40];
        iso(tt[i], tb, sizeof tb);
        csvout_str(&o, tb);
        csvout_num(&o, x[i]);
        csvout_num(&o, iv[i]);
        csvout_num(&o, y[i]);
        csvout_num(&o, a + b * x[i]);
        csvout_end_row(&o);
    }
    free(ord);
    if (csvout_commit(&o) || outdir_commit(&od)) {
        outdir_abort(&od);
        goto out;
    }
    double cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += vcpus * iv[i] * period;
    cap /= (double)n;
    printf("%zu periods of %g s: busy vCPU-seconds = floor + cost x requests (least squares)\n",
           n, period);
    printf("  cost  %.6g ms of CPU per request (95 %% interval %.6g-%.6g ms): the mean demand\n",
           b * 1000, (b - tq * seb) * 1000, (b + tq * seb) * 1000);
    printf("  floor %.6g vCPU-seconds per period (95 %% interval %.6g-%.6g), %.3g %% of the "
           "capacity\n",
           a, a - tq * sea, a + tq * sea, 100 * a / cap);
    printf("  residual sd %.6g vCPU-seconds; wrote %s/cpu.csv\n", sqrt(sumsq / ((double)n - 2)),
           out);
    status = EXIT_OK;
out:
    free(rq.t), free(rq.v), free(cpu.t), free(cpu.v), free(ins.t), free(ins.v);
    free(x), free(y), free(tt), free(iv);
    json_decref(root);
    return status;
}

int cmd_calibrate(int argc, char **argv)
{
    const char *logs = NULL, *out = NULL, *prefix = NULL;
    const char *cw = NULL, *kreq = NULL, *kcpu = NULL, *kins = NULL, *vcpu_text = NULL;
    double interval_s = 60;
    bool by_path = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return EXIT_OK;
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--interval") || !strcmp(a, "--path") ||
            !strcmp(a, "--cloudwatch") || !strcmp(a, "--requests") || !strcmp(a, "--cpu") ||
            !strcmp(a, "--instances") || !strcmp(a, "--vcpus")) {
            if (i + 1 >= argc) {
                diag_error(NULL, "%s needs a value", a);
                usage(stderr);
                return EXIT_BAD_INPUT;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "-o"))
                out = v;
            else if (!strcmp(a, "--cloudwatch"))
                cw = v;
            else if (!strcmp(a, "--requests"))
                kreq = v;
            else if (!strcmp(a, "--cpu"))
                kcpu = v;
            else if (!strcmp(a, "--instances"))
                kins = v;
            else if (!strcmp(a, "--vcpus"))
                vcpu_text = v;
            else if (!strcmp(a, "--path"))
                prefix = v;
            else {
                const char *why;
                if (sim_units_parse(v, strlen(v), SIM_UNIT_SECONDS, &interval_s, &why) ||
                    !(interval_s >= 1)) {
                    diag_error(NULL, "--interval '%s': expected a duration of at least 1s "
                               "(1m, 5m)", v);
                    return EXIT_BAD_INPUT;
                }
            }
            continue;
        }
        if (!strcmp(a, "--by-path")) {
            by_path = true;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            diag_error(NULL, "unknown option '%s'", a);
            usage(stderr);
            return EXIT_BAD_INPUT;
        }
        if (logs) {
            diag_error(NULL, "one LOGS path only (got '%s' and '%s')", logs, a);
            return EXIT_BAD_INPUT;
        }
        logs = a;
    }
    if (cw) {
        char *end = NULL;
        double vcpus = vcpu_text ? strtod(vcpu_text, &end) : 0;
        if (logs || !kreq || !kcpu || !vcpu_text || *end || !(vcpus >= 1)) {
            diag_error(NULL, "--cloudwatch needs --requests, --cpu and --vcpus N (N >= 1), and "
                       "no LOGS");
            return EXIT_BAD_INPUT;
        }
        return calibrate_cpu(cw, kreq, kcpu, kins, vcpus, out ? out : "out/calibrate-cpu");
    }
    if (kreq || kcpu || kins || vcpu_text) {
        diag_error(NULL, "--requests, --cpu, --instances and --vcpus go with --cloudwatch");
        return EXIT_BAD_INPUT;
    }
    if (!out)
        out = "out/calibrate";
    if (!logs) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }

    struct sample s = {.prefix = prefix, .by_path = by_path};
    struct alb_log_counts c;
    int status = EXIT_BAD_INPUT;
    struct fit fits[3] = {{.name = "lognormal"}, {.name = "gamma"}, {.name = "empirical"}};
    struct outdir od = {0};
    bool od_open = false;
    if (alb_log_read(logs, take, &s, &c))
        goto out;
    if (c.files == 0) {
        diag_error(NULL, "the folder '%s' holds no .log or .log.gz file", logs);
        goto out;
    }
    if (c.lines > 0 && (double)c.bad > MAX_BAD * (double)c.lines) {
        diag_error(NULL, "%zu of the %zu lines in '%s' are malformed, more than %g of them",
                   c.bad, c.lines, logs, MAX_BAD);
        goto out;
    }
    if (s.n < MIN_SAMPLE) {
        diag_error(NULL, "'%s' holds %zu entries with a target processing time > 0%s%s%s; "
                   "expected at least %d to fit", logs, s.n, prefix ? " (path starting '" : "",
                   prefix ? prefix : "", prefix ? "')" : "", MIN_SAMPLE);
        goto out;
    }
    gsl_sort(s.x, 1, s.n);
    gsl_sort(s.t, 1, s.nt);

    /* Fits, each written as a scenario writes it and parsed back. */
    char m1[40], m2[40];
    int iters = 0;
    if (fit_lognormal(s.x, s.n, &fits[0].a, &fits[0].b) ||
        fit_gamma(s.x, s.n, &fits[1].a, &fits[1].b, &iters)) {
        diag_error(NULL, "'%s': the target processing times cannot be fitted (all equal?)",
                   logs);
        goto out;
    }
    ms(m1, sizeof m1, exp(fits[0].a));
    ms(m2, sizeof m2, exp(fits[0].a + gsl_cdf_ugaussian_Pinv(0.99) * fits[0].b));
    snprintf(fits[0].text, sizeof fits[0].text, "lognormal(median=%s, p99=%s)", m1, m2);
    ms(m1, sizeof m1, fits[1].a * fits[1].b);
    snprintf(fits[1].text, sizeof fits[1].text, "gamma(mean=%s, cv=%.6g)", m1,
             1 / sqrt(fits[1].a));
    snprintf(fits[2].text, sizeof fits[2].text, "empirical(service_empirical.csv)");
    fits[2].a = 1001;
    fits[2].b = (double)NAN;

    status = EXIT_ENV;
    if (outdir_begin(&od, out))
        goto out;
    od_open = true;
    if (write_empirical(od.tmp, &s))
        goto out;
    double res = fit_resolution(s.x, s.n);
    for (int i = 0; i < 3; i++) {
        if (sim_dist_parse(fits[i].text, SIM_UNIT_SECONDS, NULL, od.tmp, &fits[i].d)) {
            fprintf(stderr, "elbsim: calibrate: cannot read back its own '%s'\n", fits[i].text);
            goto out;
        }
        fits[i].ks = fit_ks_distance(s.x, s.n, fits[i].d, res);
        fits[i].p = fit_ks_pvalue(fits[i].ks, s.n);
    }
    int best = fits[0].ks <= fits[1].ks ? 0 : 1;
    if (fits[best].p < 0.01)
        best = 2;
    /* Intervals of the lognormal's median and p99 from the sample size (ML standard
     * errors sigma / sqrt(n), sigma / sqrt(2n); delta method on the log scale). */
    double z = gsl_cdf_ugaussian_Pinv(0.975), z99 = gsl_cdf_ugaussian_Pinv(0.99);
    double sg = fits[0].b, sn = sqrt((double)s.n);
    double se_med = sg / sn, se_p99 = sg * sqrt((1 + z99 * z99 / 2) / (double)s.n);
    double med_ci[2] = {exp(fits[0].a - z * se_med), exp(fits[0].a + z * se_med)};
    double l99 = fits[0].a + z99 * sg;
    double p99_ci[2] = {exp(l99 - z * se_p99), exp(l99 + z * se_p99)};
    if (write_outputs(od.tmp, &s, fits, 3, best, interval_s, logs, med_ci, p99_ci))
        goto out;
    if (by_path && write_by_path(od.tmp, &s, interval_s, res))
        goto out;
    struct plot_plan plan;
    bool drawn = false;
    if (plot_write_script(od.tmp, &plan) == 0) {
        int rc = plot_run_gnuplot(od.tmp, getenv("ELBSIM_GNUPLOT"));
        drawn = rc == 0;
        if (rc == PLOT_ERR_NO_GNUPLOT)
            fputs("elbsim: warning: gnuplot not found: qq.png not drawn (plots.gp is there; "
                  "install gnuplot with `make deps`)\n", stderr);
    }
    if (outdir_commit(&od))
        goto out;
    od_open = false;

    printf("%zu entries in %s (%zu lines, %zu malformed skipped%s)\n", s.nt, logs, c.lines,
           c.bad, prefix ? ", other paths left out" : "");
    printf("target processing time: %zu values fitted (%zu never dispatched, %zu of 0.000 "
           "left out)\n",
           s.n, s.undispatched, s.zero);
    double mean = 0;
    for (size_t i = 0; i < s.n; i++)
        mean += s.x[i];
    printf("  sample     median %.6g ms, p99 %.6g ms, mean %.6g ms\n",
           fit_sample_quantile(s.x, s.n, 0.5) * 1000, fit_sample_quantile(s.x, s.n, 0.99) * 1000,
           mean / (double)s.n * 1000);
    for (int i = 0; i < 3; i++)
        printf("  %-10s %-45s KS D %.4f, p %.3g%s\n", fits[i].name, fits[i].text, fits[i].ks,
               fits[i].p, i == best ? "  <- best" : "");
    printf("  lognormal  median 95 %% interval %.6g-%.6g ms, p99 %.6g-%.6g ms; gamma: %d "
           "Newton steps from the moments\n",
           med_ci[0] * 1000, med_ci[1] * 1000, p99_ci[0] * 1000, p99_ci[1] * 1000, iters);
    printf("arrivals: %zu intervals of %g s in %s/arrivals.csv (rates(file=...))\n",
           (size_t)floor((s.t[s.nt - 1] - floor(s.t[0] / interval_s) * interval_s) / interval_s) + 1,
           interval_s, out);
    printf("wrote %s: fits.csv, qq.csv%s, service_empirical.csv, arrivals.csv, "
           "fragment.yaml%s\n",
           out, drawn ? ", qq.png" : "",
           by_path ? ", by_path.csv, arrivals_p<k>.csv, fragment_by_path.yaml" : "");
    status = EXIT_OK;
out:
    if (od_open)
        outdir_abort(&od);
    for (int i = 0; i < 3; i++)
        if (fits[i].d)
            sim_dist_free(fits[i].d);
    free(s.x);
    free(s.t);
    for (size_t i = 0; i < s.npaths; i++) {
        free(s.paths[i].path);
        free(s.paths[i].x);
        free(s.paths[i].t);
    }
    free(s.paths);
    return status;
}
