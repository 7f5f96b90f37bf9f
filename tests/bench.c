/*
 * bench — throughput of the engine (sim/event.h over sim/queue.h).
 *
 * Usage: bench [OUT.csv]     (`make bench` writes build/bench.csv; "-" for none, as bench_e2e)
 *
 * Prints a table and writes CSV rows `benchmark,param,value,unit`.  Never fails on speed:
 * the figures are for people.  Each timed figure is the best of ELBSIM_BENCH_REPS runs
 * (default 3), since other processes on a small machine only ever make a run slower.
 *
 *   hold      the classic hold model: n events pending; each one, when it runs, schedules
 *             its successor an Exp(1) increment later (taus2 stream), so the queue keeps n
 *             entries.  After a warm-up of max(4n, 2*10^6) holds, 5*10^6 holds are timed.
 *             Holds per second at n = 10^3, 10^5, 10^6 (hold_ns: the same as ns per hold).
 *   rss       growth of peak RSS (ru_maxrss) while 10^6 events are pending, per event.
 *   mm1       M/M/1 at rho = 0.9 through the engine API (arrivals and departures are
 *             events; a counter is the waiting line): events per second over 2*10^7
 *             events.  mm16: 16 servers, rho = 0.9.
 *   rng_exp   the same number of Exp draws alone (gsl_ran_exponential on taus2); the
 *             *_rng_share rows say how much of mm1's time is random numbers and logarithms
 *             rather than the engine.
 *
 *   fmt       writing numbers (sim/numfmt, analysis/csvout) against stdio, on 2^20 values
 *             per set: "fractions" (log-uniform over 1e-9 .. 1e7: the %.10g path) and
 *             "counts" (whole, log-uniform below 10^6: the %.0f path).  ns per value and
 *             MB/s of text for four ways: snprintf into a buffer and numfmt into a buffer
 *             (formatting alone), fprintf into a temporary file with ',' between values and
 *             a row end every 8 (how csvout wrote them before) and csvout_num into a
 *             temporary file with the same rows (how it writes them now).  fmt_speedup:
 *             snprintf's time over numfmt's, fprintf's over csvout's.
 *   fmt_run   end to end: a 100-target, 6,000 s run (ALB, least outstanding requests, 200
 *             requests/s) through run_scenario, writing its folder under /tmp: wall
 *             seconds with a 1 s output interval (about 2.5 million time-series rows,
 *             ~100 MB) and with one interval (no time series to speak of), the bytes
 *             written and their rate; the difference is the cost of the outputs.
 *   route     the cost of one routing decision at 1000 targets, for every algorithm in
 *             route_table[] with its defaults: pick + sent + done cycles on a fake member
 *             array (all eligible, 1 vCPU each), with 2000 requests kept outstanding (the
 *             oldest answered after each pick: 200, or 500 from one target in 100), a
 *             well-mixed route key (flow hash) per request and 10 us of simulated time
 *             per pick.  ns per cycle; each run lasts at least 0.05 s of wall clock.
 *
 * Wall clock (CLOCK_MONOTONIC) is read here, in tests/, never in sim/ or models/.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "analysis/csvout.h"
#include "models/core/request.h"
#include "models/elb/routing.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "models/scenario/scenario.h"
#include "sim/cli/run.h"
#include "sim/event.h"
#include "sim/numfmt.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define SEED 20240601u

static int reps = 3;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long maxrss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- CSV -------------------------------------------------------------------------- */

static FILE *csv;

static void report(const char *bench, const char *param, double value, const char *unit)
{
    printf("  %-16s %-26s %12.4g %s\n", bench, param, value, unit);
    fflush(stdout);
    if (csv)
        fprintf(csv, "%s,%s,%.6g,%s\n", bench, param, value, unit);
}

/* ---- hold ------------------------------------------------------------------------- */

struct hold {
    gsl_rng *r;
    uint64_t left; /* holds until the loop is asked to stop */
};

static void hold_fn(struct sim *sim, void *ctx, uint64_t arg)
{
    struct hold *h = ctx;
    sim_event_after(sim, gsl_ran_exponential(h->r, 1.0), hold_fn, ctx, arg);
    if (--h->left == 0)
        sim_event_stop(sim);
}

/* Runs `count` holds; returns the seconds they took. */
static double hold_run(struct sim *sim, struct hold *h, uint64_t count)
{
    h->left = count;
    double t0 = now_s();
    sim_event_run(sim);
    return now_s() - t0;
}

static void bench_hold(size_t n, uint64_t count, bool rss)
{
    long rss0 = maxrss_kib();
    struct sim sim;
    sim_event_init(&sim);
    struct hold h = {sim_rng_new(SEED, "bench/hold"), 0};
    for (size_t i = 0; i < n; i++)
        sim_event_schedule(&sim, gsl_ran_exponential(h.r, 1.0), hold_fn, &h, i);
    /* Warm-up: let the time distribution in the heap settle (several passes over it). */
    uint64_t warm = 4 * (uint64_t)n < 2000000 ? 2000000 : 4 * (uint64_t)n;
    hold_run(&sim, &h, warm);
    double best = 1e300;
    for (int k = 0; k < reps; k++) {
        double dt = hold_run(&sim, &h, count);
        if (dt < best)
            best = dt;
    }
    char param[32];
    snprintf(param, sizeof param, "%zu", n);
    report("hold", param, (double)count / best, "holds_per_s");
    report("hold_ns", param, 1e9 * best / (double)count, "ns_per_hold");
    if (rss) {
        long rss1 = maxrss_kib();
        report("rss", param, (double)(rss1 - rss0) * 1024.0 / (double)n,
               "bytes_per_pending_event");
    }
    sim_event_fini(&sim);
    gsl_rng_free(h.r);
}

/* ---- M/M/c ------------------------------------------------------------------------ */

struct mmc {
    gsl_rng *ra, *rs;    /* arrival and service streams */
    double ia_mean;      /* s, mean interarrival time */
    double svc_mean;     /* s, mean service time */
    unsigned c, busy;    /* servers, servers busy */
    uint64_t waiting;    /* customers in line */
    uint64_t left;       /* events until stop */
};

static void mmc_departure(struct sim *sim, void *ctx, uint64_t arg);

static void mmc_arrival(struct sim *sim, void *ctx, uint64_t arg)
{
    struct mmc *m = ctx;
    if (m->busy < m->c) {
        m->busy++;
        sim_event_after(sim, gsl_ran_exponential(m->rs, m->svc_mean), mmc_departure, m, arg);
    } else {
        m->waiting++;
    }
    sim_event_after(sim, gsl_ran_exponential(m->ra, m->ia_mean), mmc_arrival, m, arg);
    if (--m->left == 0)
        sim_event_stop(sim);
}

static void mmc_departure(struct sim *sim, void *ctx, uint64_t arg)
{
    struct mmc *m = ctx;
    if (m->waiting > 0) {
        m->waiting--;
        sim_event_after(sim, gsl_ran_exponential(m->rs, m->svc_mean), mmc_departure, m, arg);
    } else {
        m->busy--;
    }
    if (--m->left == 0)
        sim_event_stop(sim);
}

static void bench_mmc(const char *name, unsigned c, double rho, uint64_t events)
{
    struct sim sim;
    sim_event_init(&sim);
    struct mmc m = {
        .ra = sim_rng_new(SEED, "bench/arrivals"),
        .rs = sim_rng_new(SEED, "bench/service"),
        .ia_mean = 1.0 / (rho * c),
        .svc_mean = 1.0,
        .c = c,
    };
    sim_event_schedule(&sim, 0.0, mmc_arrival, &m, 0);
    m.left = 1000000;
    sim_event_run(&sim);
    double best = 1e300;
    for (int k = 0; k < reps; k++) {
        m.left = events;
        double t0 = now_s();
        sim_event_run(&sim);
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    char param[32], bench[32];
    snprintf(param, sizeof param, "rho=%.2f", rho);
    report(name, param, (double)events / best, "events_per_s");
    snprintf(bench, sizeof bench, "%s_ns", name);
    double ns_event = 1e9 * best / (double)events;
    report(bench, param, ns_event, "ns_per_event");

    /* The same number of Exp draws without the engine: one per event, from two streams. */
    double sink = 0.0;
    best = 1e300;
    for (int k = 0; k < reps; k++) {
        double t0 = now_s();
        for (uint64_t i = 0; i < events / 2; i++) {
            sink += gsl_ran_exponential(m.ra, m.ia_mean);
            sink += gsl_ran_exponential(m.rs, m.svc_mean);
        }
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    double ns_draw = 1e9 * best / (double)events;
    report("rng_exp", name, ns_draw, "ns_per_draw");
    snprintf(bench, sizeof bench, "%s_rng_share", name);
    report(bench, param, ns_draw / ns_event, "fraction_of_time");
    if (sink < 0.0) /* keeps the loop from being optimised away */
        printf("%g\n", sink);
    sim_event_fini(&sim);
    gsl_rng_free(m.ra);
    gsl_rng_free(m.rs);
}

/* ---- number writing --------------------------------------------------------------- */

#define FMT_N (1u << 20)

/* The ways fmt_time writes numbers. */
enum fmt_way { FMT_SNPRINTF, FMT_NUMFMT, FMT_FPRINTF, FMT_CSVOUT, FMT_WAYS };

static const char *const fmt_way_name[FMT_WAYS] = {"snprintf", "numfmt", "fprintf", "csvout"};

/* Best of reps: seconds to write all FMT_N values of v one way (whole: "%.0f", else
 * "%.10g"); *bytes gets the size of the text, or 0 when a file could not be written. */
static double fmt_time(enum fmt_way way, const double *v, bool whole, size_t *bytes)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/elbsim-bench-fmt-%ld.csv", (long)getpid());
    double best = 1e300;
    *bytes = 0;
    for (int k = 0; k < reps; k++) {
        char buf[64];
        size_t n = 0;
        double t0 = now_s(), dt;
        if (way == FMT_SNPRINTF) {
            for (uint32_t i = 0; i < FMT_N; i++)
                n += 1 + (size_t)(whole ? snprintf(buf, sizeof buf, "%.0f", v[i])
                                        : snprintf(buf, sizeof buf, "%.10g", v[i]));
            dt = now_s() - t0;
        } else if (way == FMT_NUMFMT) {
            for (uint32_t i = 0; i < FMT_N; i++)
                n += 1 + (whole ? numfmt_whole(buf, v[i]) : numfmt_g10(buf, v[i]));
            dt = now_s() - t0;
        } else if (way == FMT_FPRINTF) {
            FILE *f = fopen(path, "w");
            if (!f)
                return (double)NAN;
            for (uint32_t i = 0; i < FMT_N; i++) {
                int w = whole ? fprintf(f, "%.0f", v[i]) : fprintf(f, "%.10g", v[i]);
                putc(i % 8 == 7 ? '\n' : ',', f);
                n += (size_t)w + 1;
            }
            bool ok = fclose(f) == 0;
            dt = now_s() - t0;
            unlink(path);
            if (!ok)
                return (double)NAN;
        } else {
            struct csvout o;
            if (csvout_open(&o, path) != 0)
                return (double)NAN;
            for (uint32_t i = 0; i < FMT_N; i++) {
                csvout_num(&o, v[i]);
                if (i % 8 == 7)
                    csvout_end_row(&o);
            }
            if (csvout_flush(&o) != 0) {
                csvout_abort(&o);
                return (double)NAN;
            }
            dt = now_s() - t0;
            struct stat st;
            n = stat(o.tmp_path, &st) == 0 ? (size_t)st.st_size : 0;
            csvout_abort(&o);
        }
        if (dt < best)
            best = dt;
        *bytes = n;
    }
    return best;
}

static void bench_fmt(void)
{
    double *v = xmalloc(FMT_N * sizeof *v);
    gsl_rng *r = sim_rng_new(SEED, "bench/fmt");
    for (int set = 0; set < 2; set++) {
        bool whole = set == 1;
        const char *name = whole ? "counts" : "fractions";
        for (uint32_t i = 0; i < FMT_N; i++)
            v[i] = whole ? floor(pow(10, 6 * gsl_rng_uniform(r)))
                         : 1e-9 * pow(10, 16 * gsl_rng_uniform(r));
        double t[FMT_WAYS];
        char param[48];
        for (int w = 0; w < FMT_WAYS; w++) {
            size_t bytes = 0;
            t[w] = fmt_time((enum fmt_way)w, v, whole, &bytes);
            snprintf(param, sizeof param, "%s_%s", name, fmt_way_name[w]);
            report("fmt_ns", param, 1e9 * t[w] / FMT_N, "ns_per_value");
            report("fmt_mbps", param, (double)bytes / t[w] / 1e6, "MB_per_s");
        }
        snprintf(param, sizeof param, "%s_numfmt", name);
        report("fmt_speedup", param, t[FMT_SNPRINTF] / t[FMT_NUMFMT], "x_snprintf");
        snprintf(param, sizeof param, "%s_csvout", name);
        report("fmt_speedup", param, t[FMT_FPRINTF] / t[FMT_CSVOUT], "x_fprintf");
    }
    gsl_rng_free(r);
    free(v);
}

/* The scenario of the problem report: 100 targets, 6,000 s, a row per series per second. */
static const char fmt_run_yaml[] =
    "duration: 6000s\n"
    "seed: 11\n"
    "output: { interval: 1s }\n"
    "workloads:\n"
    "  - { name: w, entry: lb, arrivals: 'poisson(rate=200/s)', demand: exp(mean=20ms) }\n"
    "load_balancers:\n"
    "  - { name: lb, zones: [a, b], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
    "target_groups:\n"
    "  - { name: tg, algorithm: least_outstanding_requests,\n"
    "      targets: [ { kind: ec2, vcpus: 1, speed: 1.0, count: 100 } ] }\n";

/* Remove dir's files and dir (a run's output folder has no subfolders); returns the bytes
 * the files held. */
static double rm_run_dir(const char *dir)
{
    double bytes = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char path[4200];
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0)
            bytes += (double)st.st_size;
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
    return bytes;
}

/* Best wall seconds of run_scenario with the given --set; *bytes gets the output size. */
static double fmt_run_time(char *set, double *bytes)
{
    char *sets[] = {set};
    struct scenario *sc;
    if (scenario_load_string(fmt_run_yaml, "bench-fmt-run", sets, 1, &sc) != 0)
        return (double)NAN;
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/elbsim-bench-run-%ld", (long)getpid());
    struct run_opts o = {.out_dir = dir, .seed = 11, .quiet = true};
    double best = 1e300;
    for (int k = 0; k < reps; k++) {
        double t0 = now_s();
        int rc = run_scenario(sc, &o, NULL);
        double dt = now_s() - t0;
        *bytes = rm_run_dir(dir);
        if (rc != 0) {
            best = (double)NAN;
            break;
        }
        if (dt < best)
            best = dt;
    }
    scenario_free(sc);
    return best;
}

static void bench_fmt_run(void)
{
    char every_s[] = "output.interval=1s", once[] = "output.interval=6000s";
    double bytes = 0, bytes_once = 0;
    double t = fmt_run_time(every_s, &bytes);
    double t_once = fmt_run_time(once, &bytes_once);
    report("fmt_run", "wall_s_interval_1s", t, "s");
    report("fmt_run", "wall_s_interval_6000s", t_once, "s");
    report("fmt_run", "output_mb_interval_1s", bytes / 1e6, "MB");
    report("fmt_run", "output_s", t - t_once, "s");
    report("fmt_run", "output_rate", (bytes - bytes_once) / (t - t_once) / 1e6, "MB_per_s");
}

/* ---- routing ---------------------------------------------------------------------- */

#define RT_TARGETS 1000
#define RT_OUTSTANDING 2000

/* One algorithm's instance over a fake group and the requests it has in flight. */
struct rt_bench {
    const struct route_ops *ops;
    void *priv;
    struct route_view v;
    struct request rq;
    struct target *t;                /* [RT_TARGETS] held counts for join_shortest_queue */
    uint32_t fifo[RT_OUTSTANDING];   /* members of the requests in flight, oldest at head */
    uint32_t head;
    uint64_t seq;                    /* requests made: the route key and the clock */
    uint32_t sink;
};

static uint64_t rt_key(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15); /* splitmix64: a well-mixed stand-in for a tuple hash */
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* count pick + sent + done cycles. */
static void rt_cycles(struct rt_bench *b, gsl_rng *r, uint64_t count)
{
    for (uint64_t i = 0; i < count; i++) {
        uint64_t s = b->seq++;
        b->v.now = 1e-5 * (double)s;
        b->rq.flow_hash = rt_key(s);
        uint32_t m = b->ops->pick(b->priv, &b->v, &b->rq, r);
        if (b->ops->sent)
            b->ops->sent(b->priv, m);
        b->t[m].held++;
        uint32_t old = b->fifo[b->head];
        b->fifo[b->head] = m;
        b->head = (b->head + 1) % RT_OUTSTANDING;
        b->t[old].held--;
        if (b->ops->done) {
            struct route_outcome o = {old % 100 == 7 ? 500 : 200, 0.001 + 1e-6 * (double)(old % 50),
                                      b->v.now};
            b->ops->done(b->priv, old, &o);
        }
        b->sink += m;
    }
}

static void bench_route(void)
{
    struct target *t = xcalloc(RT_TARGETS, sizeof *t);
    struct tg_member *members = xcalloc(RT_TARGETS, sizeof *members);
    uint32_t *elig = xmalloc(RT_TARGETS * sizeof *elig);
    for (uint32_t i = 0; i < RT_TARGETS; i++) {
        t[i].spec.servers = 1;
        t[i].spec.speed = 1.0;
        members[i] = (struct tg_member){.t = &t[i], .registered = true};
        elig[i] = i;
    }
    const struct tg_member *mp = members;
    gsl_rng *r = sim_rng_new(SEED, "bench/route");
    char param[32];
    snprintf(param, sizeof param, "ns_per_pick_at_%d_targets", RT_TARGETS);
    uint32_t sink = 0;
    for (size_t a = 0; route_table[a]; a++) {
        struct rt_bench *b = xcalloc(1, sizeof *b);
        b->ops = route_table[a];
        b->priv = route_instance_new(b->ops, NULL, &mp);
        b->v = (struct route_view){elig, RT_TARGETS, RT_TARGETS, 0.0};
        b->t = t;
        for (uint32_t i = 0; i < RT_TARGETS; i++)
            t[i].held = 0;
        if (b->ops->rebuild)
            b->ops->rebuild(b->priv, &b->v);
        /* Fill the pipeline: RT_OUTSTANDING picks sent and not yet answered. */
        for (uint32_t i = 0; i < RT_OUTSTANDING; i++) {
            b->v.now = 1e-5 * (double)b->seq;
            b->rq.flow_hash = rt_key(b->seq++);
            uint32_t m = b->ops->pick(b->priv, &b->v, &b->rq, r);
            if (b->ops->sent)
                b->ops->sent(b->priv, m);
            t[m].held++;
            b->fifo[i] = m;
        }
        /* Calibrate: double the count until a run takes 0.05 s. */
        uint64_t count = 1000;
        for (;;) {
            double t0 = now_s();
            rt_cycles(b, r, count);
            if (now_s() - t0 >= 0.05)
                break;
            count *= 2;
        }
        double best = 1e300;
        for (int k = 0; k < reps; k++) {
            double t0 = now_s();
            rt_cycles(b, r, count);
            double dt = now_s() - t0;
            if (dt < best)
                best = dt;
        }
        report("route_ns", b->ops->name, 1e9 * best / (double)count, param);
        /* Answer what is still outstanding, as the group would. */
        for (uint32_t i = 0; i < RT_OUTSTANDING && b->ops->done; i++) {
            struct route_outcome o = {200, 0.001, b->v.now};
            b->ops->done(b->priv, b->fifo[i], &o);
        }
        sink += b->sink;
        route_instance_free(b->ops, b->priv);
        free(b);
    }
    if (sink == 1) /* keeps the loops from being optimised away */
        printf("%u\n", sink);
    gsl_rng_free(r);
    free(elig);
    free(members);
    free(t);
}

int main(int argc, char **argv)
{
    const char *out = argc > 1 && strcmp(argv[1], "-") ? argv[1] : NULL;
    const char *r = getenv("ELBSIM_BENCH_REPS");
    if (r && atoi(r) > 0)
        reps = atoi(r);
    char tmp[4096];
    if (out) {
        snprintf(tmp, sizeof tmp, "%s.tmp", out);
        csv = fopen(tmp, "w");
        if (!csv) {
            perror(tmp);
            return 1;
        }
        fprintf(csv, "benchmark,param,value,unit\n");
    }
    /* ELBSIM_BENCH_ONLY=hold (or mm, route, fmt, fmt_run) runs one family, for quick A/B
     * comparisons. */
    const char *only = getenv("ELBSIM_BENCH_ONLY");
    bool hold = !only || strstr("hold", only), mm = !only || strstr("mm1 mm16", only);
    bool route = !only || strstr("route", only);
    bool fmt = !only || strstr("fmt", only), fmt_run = !only || strstr(only, "fmt_run");
    printf("elbsim engine benchmarks (best of %d)\n", reps);
    if (hold) {
        /* 10^6 first, so that peak RSS measures its queue and nothing before it. */
        bench_hold(1000000, 5000000, true);
        bench_hold(1000, 5000000, false);
        bench_hold(100000, 5000000, false);
    }
    if (mm) {
        bench_mmc("mm1", 1, 0.9, 20000000);
        bench_mmc("mm16", 16, 0.9, 20000000);
    }
    if (route)
        bench_route();
    if (fmt)
        bench_fmt();
    if (fmt_run)
        bench_fmt_run();
    if (csv) {
        if (fclose(csv) != 0 || rename(tmp, out) != 0) {
            perror(out);
            return 1;
        }
        printf("wrote %s\n", out);
    }
    return 0;
}
