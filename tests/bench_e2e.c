/*
 * End-to-end benchmarks of the request path (printed, appended to the CSV; never fail).
 *
 *   e2e_alb_lor_100   100 single-vCPU targets behind an ALB with least outstanding
 *                     requests at rho = 0.9 (realistic LB latency): simulated requests per
 *                     wall second, model only (no output files).
 *   e2e_cli_lor_100   the same scenario as `elbsim run` runs it (default outputs written to a
 *                     scratch folder): its CPU time against the model-only run's, both in
 *                     freshly exec'd processes, the least of three each.  (A forked child
 *                     would pay copy-on-write faults on the pages this process had used,
 *                     2 MiB copies on huge pages: 1.5x the CPU of the same run exec'd.)
 *   e2e_rss           the run's own memory (peak RSS less the RSS before the world starts,
 *                     measured in a freshly exec'd process, so nothing of this one counts):
 *                     the e2e_alb_lor_100 run for D and 10 D (it must not grow with the
 *                     run's length), and bytes per request in flight: one slow target fed
 *                     10x faster than it serves, so requests pile up (about 9,500 more each
 *                     simulated second), 1 s against 10 s.
 *   e2e_nlb_flows     an NLB (TCP, three zones, flow_hash) holding about 10^6 flows open at
 *                     once: poisson connections, 11 requests each with 10 s think times, so
 *                     by Little's law 10^4/s x 100 s = 10^6 concurrent flows.  After a warm-up
 *                     that fills the population: peak flows, flow-table bytes per flow, peak
 *                     RSS and RSS per flow (against the same run with 100 x fewer flows, so
 *                     clients, pending events and the flow table all count), and simulated
 *                     requests and events per wall second.
 *   e2e_asg_diurnal   a 24-hour diurnal day (about 200 to 2,000 requests/s) through an ALB
 *                     (least outstanding requests) to an Auto Scaling group under target
 *                     tracking at 50 % CPU, 2 to 60 c5.large, model only: CPU time for the
 *                     day (target: under 25 s), the least of two freshly exec'd processes
 *                     (as e2e_targets: a shared machine only ever slows a run down), its
 *                     simulated requests and events per CPU second, peak in-service
 *                     instances, scaling activities.
 *   e2e_targets       `elbsim run` as a user runs it (outputs written to a scratch folder
 *                     under /tmp; output.per_target at its default, so the runs of 10,000
 *                     and 100,000 targets write their target group's sums, not per-target
 *                     rows) with 100, 10,000 and 100,000 single-vCPU targets behind
 *                     an ALB, for round_robin, least_outstanding_requests and power_of_d: a
 *                     fixed 10^5 requests/s with demand scaled so that rho = 0.9 at every
 *                     size.  The marginal cost per request is measured in steady state,
 *                     inside one run: its CPU time (user + system) between two interval
 *                     ends over the requests between them, from the end of a fill (at
 *                     100,000 targets 40 s simulated, 240 s for round robin; scaled with the
 *                     service time, at least 2 s) to 8 s later.  The queues of 10^5 targets
 *                     at rho = 0.9 fill over tens to hundreds of service times of 0.9 s,
 *                     those of 100 targets within a second: two short runs, both inside the
 *                     fill at 10^5 targets, would compare a filling system (fewer requests
 *                     in flight) with a full one.  The fixed cost is what is left of a
 *                     0.01 s run (10^3 requests), and per target it and that run's peak RSS
 *                     are taken above the 100-target run's, over the extra targets.  Each
 *                     run in its own process, the best (least CPU) of three (of five for
 *                     the 0.01 s run), each repetition running every size in turn.  Then,
 *                     per algorithm, the marginal cost at 100,000 targets over that at 100
 *                     (target: at most 2x).
 *
 * Usage: bench_e2e [CSV [NAME...]]   (appends rows `benchmark,param,value,unit` to CSV, "-"
 * for none; NAMEs pick benchmarks by name prefix, e.g. `bench_e2e - e2e_asg`; default all)
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "analysis/outdir.h"
#include "analysis/summary.h"
#include "models/scaling/asg.h"
#include "models/elb/lb.h"
#include "models/scenario/scenario.h"
#include "models/traffic/workload.h"
#include "models/scenario/world.h"
#include "sim/cli/run.h"

static const char lor100[] =
    "duration: 1000s\n"
    "workloads:\n"
    "  - { name: w, entry: lb, arrivals: 'poisson(rate=9000/s)', demand: exp(mean=10ms) }\n"
    "load_balancers:\n"
    "  - { name: lb, zones: [a, b], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
    "target_groups:\n"
    "  - { name: tg, algorithm: least_outstanding_requests,\n"
    "      targets: [ { kind: ec2, vcpus: 1, speed: 1.0, count: 100 } ] }\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run the scenario for `duration` simulated seconds; returns wall seconds. */
static double run(double duration, uint64_t *requests, uint64_t *events)
{
    char set[64];
    snprintf(set, sizeof set, "duration=%.0fs", duration);
    char *sets[] = {set};
    struct scenario *sc;
    if (scenario_load_string(lor100, "bench", sets, 1, &sc))
        exit(1);
    struct world *w = world_new(sc, 1);
    double t0 = now_s();
    world_start(w);
    sim_event_run_until(&w->env.sim, sc->duration_s);
    double wall = now_s() - t0;
    *requests = w->workloads[0]->requests;
    *events = w->env.sim.events_run;
    world_free(w);
    scenario_free(sc);
    return wall;
}

/* Requests pile up at one target: 10,000/s arrive, it serves 500/s. */
static const char piled[] =
    "workloads:\n"
    "  - { name: w, entry: lb, arrivals: 'poisson(rate=10000/s)', demand: const(1ms) }\n"
    "load_balancers:\n"
    "  - { name: lb, zones: [a], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
    "target_groups:\n"
    "  - { name: tg, targets: [ { kind: ec2, vcpus: 1, speed: 0.5, count: 1 } ] }\n";

/* A /proc/self/status field in KB ("VmRSS", "VmHWM"), -1 if absent. */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, n) && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* In the child (bench_e2e --rss-child WHICH DURATION): load the scenario, note the RSS,
 * run, print "RSS_BEFORE_KB PEAK_KB IN_FLIGHT". */
static int rss_child(const char *which, double duration)
{
    char set[64];
    snprintf(set, sizeof set, "duration=%.0fs", duration);
    char *sets[] = {set};
    struct scenario *sc;
    if (scenario_load_string(strcmp(which, "piled") ? lor100 : piled, "bench", sets, 1, &sc))
        return 1;
    struct world *w = world_new(sc, 1);
    long before = status_kb("VmRSS");
    world_start(w);
    sim_event_run_until(&w->env.sim, sc->duration_s);
    printf("%ld %ld %lld\n", before, status_kb("VmHWM"), (long long)w->workloads[0]->in_flight);
    world_free(w);
    scenario_free(sc);
    return 0;
}

/* The run's own peak memory in KB (peak less the RSS before it started), from a fresh
 * process; *in_flight: requests in flight at its end. */
static long child_rss_kb(const char *which, double duration, long long *in_flight)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/proc/%ld/exe --rss-child %s %.0f", (long)getpid(), which,
             duration);
    FILE *p = popen(cmd, "r");
    long before = 0, peak = 0;
    long long fl = 0;
    int got = p ? fscanf(p, "%ld %ld %lld", &before, &peak, &fl) : 0;
    if (p)
        pclose(p);
    if (in_flight)
        *in_flight = fl;
    return got == 3 ? peak - before : -1;
}

/* e2e_nlb_flows: 10^4 connections/s, each 11 requests with 10 exponential think times of
 * 10 s between them, live about 100 s: 10^6 flows open at once.  1.1 x 10^5 requests/s of
 * 1 ms on 3 x 16 targets of 4 vCPUs: rho = 0.57.  The flow table's idle timeout (350 s)
 * never fires: a 350 s think time has probability e^-35. */
static const char nlb_flows[] =
    "workloads:\n"
    "  - { name: w, entry: nlb, arrivals: 'poisson(rate=10000/s)', demand: exp(mean=1ms),\n"
    "      connection: { requests: 11, think: exp(mean=10s) } }\n"
    "load_balancers:\n"
    "  - { name: nlb, type: nlb, zones: [a, b, c],\n"
    "      listeners: [ { port: 80, protocol: TCP, forward: tg } ] }\n"
    "target_groups:\n"
    "  - { name: tg, algorithm: flow_hash,\n"
    "      targets: [ { kind: ec2, vcpus: 4, count: 48 } ] }\n";

#define NLB_WARMUP_S 200.0  /* 2 x the mean flow life (Erlang-10): 0.5 % live longer */
#define NLB_MEASURE_S 60.0
#define NLB_STEP_S 10.0     /* flows are sampled this often */

struct nlb_result {
    double flows_peak;      /* sum over LB nodes of the flow tables' n, highest sample */
    double active_peak;     /* lb->usage.active at the same samples (must agree) */
    double table_bytes;     /* flow_table_bytes summed over nodes at the peak */
    double opened;          /* flows opened during the whole run */
    double requests;        /* simulated requests in the measured window */
    double events;          /* events in the measured window */
    double wall_warm;       /* s: wall time of the warm-up */
    double wall;            /* s: wall time of the measured window */
    double rss_kb;          /* peak RSS of the child that ran it (with the pages it shares
                             * with the parent: the per-flow difference cancels them) */
};

static void nlb_sample(const struct lb *lb, struct nlb_result *r)
{
    double n = 0, bytes = 0;
    for (int nd = 0; nd < lb->nnodes; nd++) {
        n += (double)lb->flows[nd].n;
        bytes += (double)flow_table_bytes(&lb->flows[nd]);
    }
    if (n > r->flows_peak) {
        r->flows_peak = n;
        r->table_bytes = bytes;
        r->active_peak = (double)lb->usage.active;
    }
}

/* Run the NLB scenario with connections arriving at `rate`/s in this process. */
static void nlb_run(double rate, struct nlb_result *r)
{
    char arr[64], dur[64];
    snprintf(arr, sizeof arr, "workloads.w.arrivals=poisson(rate=%.0f/s)", rate);
    snprintf(dur, sizeof dur, "duration=%.0fs", NLB_WARMUP_S + NLB_MEASURE_S);
    char *sets[] = {arr, dur};
    struct scenario *sc;
    if (scenario_load_string(nlb_flows, "bench", sets, 2, &sc))
        exit(1);
    struct world *w = world_new(sc, 1);
    struct lb *lb = w->lbs[0];
    memset(r, 0, sizeof *r);
    double t0 = now_s();
    world_start(w);
    for (double t = NLB_STEP_S; t <= NLB_WARMUP_S; t += NLB_STEP_S) {
        sim_event_run_until(&w->env.sim, t);
        nlb_sample(lb, r);
    }
    double t1 = now_s();
    uint64_t rq0 = w->workloads[0]->requests, ev0 = w->env.sim.events_run;
    for (double t = NLB_WARMUP_S + NLB_STEP_S; t <= NLB_WARMUP_S + NLB_MEASURE_S;
         t += NLB_STEP_S) {
        sim_event_run_until(&w->env.sim, t);
        nlb_sample(lb, r);
    }
    double t2 = now_s();
    r->requests = (double)(w->workloads[0]->requests - rq0);
    r->events = (double)(w->env.sim.events_run - ev0);
    r->opened = (double)lb->flows_opened;
    r->wall_warm = t1 - t0;
    r->wall = t2 - t1;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->rss_kb = (double)ru.ru_maxrss;
    world_free(w);
    scenario_free(sc);
}

/* `bench_e2e --child ARGS` in a freshly exec'd process, so that its CPU time and peak RSS
 * are its own (a forked child would also pay copy-on-write faults on every page this
 * process had used, and count them); the child writes its result, n bytes, to stdout.
 * 0 on success, -1 if the child failed. */
static int exec_child(const char *args, void *out, size_t n)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/proc/%ld/exe --child %s", (long)getpid(), args);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t k = fread(out, 1, n, p);
    return pclose(p) == 0 && k == n ? 0 : -1;
}

/* exec_child `reps` times, keeping in out the result of least CPU time: every such result
 * starts with the run's CPU seconds, a double (other work on the machine only ever slows a
 * run down).  0 on success, -1 if a child failed. */
static int exec_child_least(const char *args, void *out, size_t n, int reps)
{
    double r[16];
    if (n > sizeof r)
        return -1;
    for (int i = 0; i < reps; i++) {
        if (exec_child(args, r, n))
            return -1;
        double best = 0;
        if (i > 0)
            memcpy(&best, out, sizeof best);
        if (i == 0 || r[0] < best)
            memcpy(out, r, n);
    }
    return 0;
}

/* nlb_run in a child process, so its peak RSS is its own; 0 on success. */
static int nlb_child(double rate, struct nlb_result *r)
{
    char args[64];
    snprintf(args, sizeof args, "nlb %.17g", rate);
    return exec_child(args, r, sizeof *r);
}

static void bench_nlb_flows(FILE *csv)
{
    struct nlb_result big, small;
    if (nlb_child(10000, &big) || nlb_child(100, &small)) {
        printf("e2e_nlb_flows     run failed\n");
        return;
    }
    double flows = big.flows_peak, dflows = big.flows_peak - small.flows_peak;
    double table_pf = big.table_bytes / flows;
    double rss_pf = 1024.0 * (big.rss_kb - small.rss_kb) / dflows;
    double rps = big.requests / big.wall, eps = big.events / big.wall;
    printf("e2e_nlb_flows     %.0f concurrent flows at peak (LB active %.0f; %.0f opened), "
           "flow table %.1f MB = %.1f bytes/flow\n",
           flows, big.active_peak, big.opened, big.table_bytes / 1e6, table_pf);
    printf("e2e_nlb_flows     peak RSS %.0f MB, %.0f MB with %.0f flows: %.0f bytes/flow in "
           "all (flow table %.0f, the rest clients, pending events, pools)\n",
           big.rss_kb / 1024.0, small.rss_kb / 1024.0, small.flows_peak, rss_pf, table_pf);
    printf("e2e_nlb_flows     %.2f M simulated requests/s  (%.1f M events/s, %.0f requests in "
           "%.0f s simulated, %.2f s; warm-up %.2f s)\n",
           rps / 1e6, eps / 1e6, big.requests, NLB_MEASURE_S, big.wall, big.wall_warm);
    if (csv) {
        fprintf(csv, "e2e_nlb_flows,rate=10000/s life=100s,%.0f,flows\n", flows);
        fprintf(csv, "e2e_nlb_flows,rate=10000/s life=100s,%.1f,table_bytes/flow\n", table_pf);
        fprintf(csv, "e2e_nlb_flows,rate=10000/s life=100s,%.0f,KB\n", big.rss_kb);
        fprintf(csv, "e2e_nlb_flows,rate=100/s life=100s,%.0f,KB\n", small.rss_kb);
        fprintf(csv, "e2e_nlb_flows,rate=10000/s life=100s,%.1f,rss_bytes/flow\n", rss_pf);
        fprintf(csv, "e2e_nlb_flows,rate=10000/s life=100s,%.0f,requests/s\n", rps);
        fprintf(csv, "e2e_nlb_flows,rate=10000/s life=100s,%.0f,events/s\n", eps);
    }
}

/* e2e_asg_diurnal: mean 1,100/s with amplitude 0.818, so 200/s at 02:00 and 2,000/s at
 * 14:00.  20 ms of CPU each: 40 vCPU-seconds per second at the peak, 40 c5.large (2 vCPUs)
 * at 50 % CPU; 4 at the trough.  Detailed monitoring (60 s datapoints), warm-up 60 s. */
static const char asg_diurnal[] =
    "duration: 24h\n"
    "workloads:\n"
    "  - { name: users, entry: front, arrivals: 'diurnal(mean=1100/s, amplitude=0.818, "
    "peak=14:00)',\n"
    "      demand: exp(mean=20ms), timeout: 5s }\n"
    "load_balancers:\n"
    "  - { name: front, zones: [a, b], listeners: [ { forward: web } ] }\n"
    "target_groups:\n"
    "  - { name: web, algorithm: least_outstanding_requests,\n"
    "      health_check: { interval: 10s, timeout: 5s, healthy: 2 }, deregistration_delay: 30s }\n"
    "auto_scaling_groups:\n"
    "  - name: web-asg\n"
    "    target_groups: [web]\n"
    "    launch_template: { instance_type: c5.large, queue_limit: 100 }\n"
    "    min: 2\n"
    "    max: 60\n"
    "    desired: 6\n"
    "    monitoring: detailed\n"
    "    warmup: 60s\n"
    "    policies:\n"
    "      - { name: cpu50, type: target_tracking, metric: ASGAverageCPUUtilization, "
    "target: 50 }\n";

#define ASG_STEP_S 60.0 /* in-service instances are sampled this often */

/* CPU seconds this process has used (user + system): on a shared machine, a figure that
 * other processes disturb less than wall time. */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

struct diurnal_result {
    double cpu, wall;        /* s: the day's CPU (user + system) and wall time; cpu first
                              * (exec_child_least) */
    double requests, events, failed;
    double peak;             /* in-service instances, the most at a sample */
    double activities;       /* scaling activities */
    double desired;          /* at the end */
};

/* In the child (bench_e2e --child diurnal): the day, model only, in this process. */
static int diurnal_run(struct diurnal_result *r)
{
    struct scenario *sc;
    if (scenario_load_string(asg_diurnal, "bench", NULL, 0, &sc))
        return -1;
    struct world *w = world_new(sc, 1);
    struct asg *a = w->asgs[0];
    int peak = 0;
    double t0 = now_s(), c0 = cpu_s();
    world_start(w);
    for (double t = ASG_STEP_S; t <= sc->duration_s; t += ASG_STEP_S) {
        sim_event_run_until(&w->env.sim, t);
        int pending, in_service, warming, draining;
        asg_counts(a, t, &pending, &in_service, &warming, &draining);
        peak = in_service > peak ? in_service : peak;
    }
    const struct workload *wl = w->workloads[0];
    *r = (struct diurnal_result){.cpu = cpu_s() - c0,
                                 .wall = now_s() - t0,
                                 .requests = (double)wl->requests,
                                 .events = (double)w->env.sim.events_run,
                                 .failed = (double)wl->failed,
                                 .peak = peak,
                                 .activities = (double)a->activities,
                                 .desired = a->desired};
    world_free(w);
    scenario_free(sc);
    return 0;
}

#define DIURNAL_REPS 2 /* the day in this many fresh processes; the least CPU is reported */

static void bench_asg_diurnal(FILE *csv)
{
    struct diurnal_result best;
    if (exec_child_least("diurnal", &best, sizeof best, DIURNAL_REPS)) {
        printf("e2e_asg_diurnal   run failed\n");
        return;
    }
    double cpu = best.cpu, req = best.requests, ev = best.events;
    printf("e2e_asg_diurnal   24 h simulated in %.1f s of CPU (%.1f s wall; least of %d fresh "
           "processes; target < 25 s): %.2f M simulated requests per CPU second (%.1f M "
           "events, %.0f requests, %.3f %% failed)\n",
           cpu, best.wall, DIURNAL_REPS, req / cpu / 1e6, ev / cpu / 1e6, req,
           100.0 * best.failed / req);
    printf("e2e_asg_diurnal   peak %.0f instances in service, %.0f scaling activities, %.0f "
           "desired at the end\n", best.peak, best.activities, best.desired);
    if (csv) {
        fprintf(csv, "e2e_asg_diurnal,day=24h peak=2000/s,%.2f,s\n", best.wall);
        fprintf(csv, "e2e_asg_diurnal,day=24h peak=2000/s,%.2f,cpu_s\n", cpu);
        fprintf(csv, "e2e_asg_diurnal,day=24h peak=2000/s,%.0f,requests/cpu_s\n", req / cpu);
        fprintf(csv, "e2e_asg_diurnal,day=24h peak=2000/s,%.0f,events/cpu_s\n", ev / cpu);
        fprintf(csv, "e2e_asg_diurnal,day=24h peak=2000/s,%.0f,peak_in_service\n", best.peak);
        fprintf(csv, "e2e_asg_diurnal,day=24h peak=2000/s,%.0f,scaling_activities\n",
                best.activities);
    }
}

/* e2e_targets: 10^5 requests/s of mean demand 0.9 n / 10^5 s on n single-vCPU targets. */
static const char targets_fmt[] =
    "name: targets\n"
    "workloads:\n"
    "  - { name: w, entry: lb, arrivals: 'poisson(rate=100000/s)', demand: 'exp(mean=%.9gs)' }\n"
    "load_balancers:\n"
    "  - { name: lb, zones: [a, b], listeners: [ { rules: [ { forward: tg } ] } ] }\n"
    "target_groups:\n"
    "  - { name: tg, algorithm: %s,\n"
    "      targets: [ { kind: ec2, vcpus: 1, speed: 1.0, count: %d } ] }\n";

#define TARGETS_TINY_S 0.01 /* 10^3 requests: the fixed cost, near enough alone */
/* The marginal cost is measured in steady state, over a window after a fill: the queues of
 * n targets at rho = 0.9 fill over tens to hundreds of mean service times (0.9 s each at
 * 10^5 targets, 0.9 ms at 100).  With 10^5 targets least outstanding requests' requests in
 * flight settle at 1.5 a target by 12 s, power of d's at 2.6 by about 40 s, round robin's
 * (each target fed every n-th arrival, nearly regular) at 4.8 only after about 240 s.  The
 * fill (targets_algos) is for 10^5 targets, scaled with the service time, at least
 * TARGETS_FILL_MIN_S. */
#define TARGETS_FILL_MIN_S 2.0
#define TARGETS_WINDOW_S 8.0
#define TARGETS_REPS 3      /* each window run's best of this many */
#define TARGETS_TINY_REPS 5 /* the 0.01 s run's: 0.03 s of CPU, where one slow start shows */

struct targets_result {
    double cpu;       /* s: CPU time (user + system): of the window, or of the whole run from
                       * load to outputs written */
    double requests;  /* simulated requests, in the window or in all */
    double rss_kb;    /* peak RSS of the process that ran it */
    double in_flight; /* per target, at the window's end */
    double in_flight0; /* per target, at its start */
};

struct targets_job {
    const char *algo;
    int n;
    double duration;
    double from; /* s simulated: the window's start; 0: the whole run */
};

/* Run scenario `text` (with --set values sets[0, nsets)) as `elbsim run` does, outputs
 * written to a scratch folder, then removed; *cpu: CPU seconds from load to outputs
 * written, *requests: workload w's; tick (if not NULL) called with ctx at every
 * interval's end.  Returns 0, or -1 if it failed. */
static int run_as_cli(const char *text, char **sets, int nsets,
                      void (*tick)(void *ctx, const struct run_tick *t), void *ctx, double *cpu,
                      double *requests)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/elbsim-bench-run-%d", (int)getpid());
    double t0 = cpu_s();
    struct scenario *sc;
    if (scenario_load_string(text, "bench", sets, nsets, &sc))
        return -1;
    struct run_opts o = {.out_dir = dir, .seed = 1, .quiet = true, .on_tick = tick,
                         .tick_ctx = ctx};
    struct summary *s;
    if (run_scenario(sc, &o, &s))
        return -1;
    *requests = summary_get(s, "workload", "w", "requests");
    summary_free(s);
    scenario_free(sc);
    *cpu = cpu_s() - t0;
    return outdir_remove(dir);
}

/* The run at the first interval end at or after `from`, and at the last, with the CPU
 * time then. */
struct targets_window {
    double from;
    bool started;
    double cpu0, cpu1;
    struct run_tick t0, t1;
};

static void targets_tick(void *ctx, const struct run_tick *t)
{
    struct targets_window *w = ctx;
    double cpu = cpu_s();
    if (!w->started && t->now >= w->from - 1e-9) {
        w->started = true;
        w->cpu0 = cpu;
        w->t0 = *t;
    }
    w->cpu1 = cpu;
    w->t1 = *t;
}

static int targets_run(const struct targets_job *j, struct targets_result *r)
{
    static char text[1024];
    snprintf(text, sizeof text, targets_fmt, 0.9 * j->n / 1e5, j->algo, j->n);
    char dur[64];
    snprintf(dur, sizeof dur, "duration=%gs", j->duration);
    char *sets[] = {dur};
    struct targets_window w = {.from = j->from};
    if (run_as_cli(text, sets, 1, j->from > 0 ? targets_tick : NULL, &w, &r->cpu,
                   &r->requests))
        return -1;
    if (j->from > 0) {
        if (!w.started || w.t1.requests <= w.t0.requests)
            return -1;
        r->cpu = w.cpu1 - w.cpu0;
        r->requests = (double)(w.t1.requests - w.t0.requests);
    }
    r->in_flight0 = (double)w.t0.in_flight / j->n;
    r->in_flight = (double)w.t1.in_flight / j->n;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->rss_kb = (double)ru.ru_maxrss;
    return 0;
}

/* targets_run once more in a child process, keeping in *best the result of least CPU time
 * (*have: best holds one).  Returns 0, or -1 if the run failed. */
static int targets_again(const struct targets_job *j, struct targets_result *best, bool *have)
{
    char args[160];
    snprintf(args, sizeof args, "targets %s %d %.17g %.17g", j->algo, j->n, j->duration,
             j->from);
    struct targets_result r;
    if (exec_child(args, &r, sizeof r))
        return -1;
    if (!*have || r.cpu < best->cpu)
        *best = r;
    *have = true;
    return 0;
}

static void bench_targets(FILE *csv)
{
    static const struct {
        const char *name;
        double fill_s; /* simulated seconds to steady state at 10^5 targets (above) */
    } targets_algos[] = {{"round_robin", 240}, {"least_outstanding_requests", 40},
                         {"power_of_d", 40}};
    static const int sizes[] = {100, 10000, 100000};
    enum { NSIZES = sizeof sizes / sizeof sizes[0] };
    for (size_t a = 0; a < sizeof targets_algos / sizeof targets_algos[0]; a++) {
        const char *algo = targets_algos[a].name;
        double rss100 = 0, fixed100 = 0, ns100 = 0, ns_last = 0;
        struct targets_result tinys[NSIZES], wins[NSIZES];
        bool have_tiny[NSIZES] = {0}, have_win[NSIZES] = {0}, failed[NSIZES] = {0};
        double fills[NSIZES];
        for (size_t k = 0; k < NSIZES; k++) {
            double fill = targets_algos[a].fill_s * sizes[k] / sizes[NSIZES - 1];
            fills[k] = fill < TARGETS_FILL_MIN_S ? TARGETS_FILL_MIN_S : fill;
        }
        /* Each repetition runs every size in turn, so that the sizes compared sample the
         * same phases of a shared machine (one size's runs back to back would each see
         * one phase, and the ratio would carry the difference). */
        for (int r = 0; r < TARGETS_TINY_REPS || r < TARGETS_REPS; r++)
            for (size_t k = 0; k < NSIZES; k++) {
                struct targets_job tj = {algo, sizes[k], TARGETS_TINY_S, 0};
                struct targets_job wj = {algo, sizes[k], fills[k] + TARGETS_WINDOW_S,
                                         fills[k]};
                if (failed[k] ||
                    (r < TARGETS_TINY_REPS && targets_again(&tj, &tinys[k], &have_tiny[k])) ||
                    (r < TARGETS_REPS && targets_again(&wj, &wins[k], &have_win[k])))
                    failed[k] = true;
            }
        for (size_t k = 0; k < NSIZES; k++) {
            int n = sizes[k];
            double fill = fills[k];
            const struct targets_result tiny = tinys[k], win = wins[k];
            if (failed[k]) {
                printf("e2e_targets       %s %d: run failed\n", algo, n);
                continue;
            }
            double ns = 1e9 * win.cpu / win.requests;
            /* The fixed cost from the tiny run (10^3 requests): what its CPU time leaves
             * over its requests at the marginal cost; its peak RSS is the footprint
             * before requests pile up. */
            double fixed = tiny.cpu - ns * 1e-9 * tiny.requests;
            if (k == 0) {
                rss100 = tiny.rss_kb;
                fixed100 = fixed;
                ns100 = ns;
            }
            ns_last = k == NSIZES - 1 ? ns : 0;
            double us_t = k ? 1e6 * (fixed - fixed100) / (n - sizes[0]) : 0;
            double bytes_t = k ? 1024.0 * (tiny.rss_kb - rss100) / (n - sizes[0]) : 0;
            printf("e2e_targets       %-26s %6d targets: %5.0f ns/request marginal (%g-%g s "
                   "simulated, %.2f-%.2f in flight per target), fixed %.3f s, %.2f us and "
                   "%.0f bytes per target (RSS %.0f MB)\n",
                   algo, n, ns, fill, fill + TARGETS_WINDOW_S, win.in_flight0,
                   win.in_flight, fixed, us_t, bytes_t, tiny.rss_kb / 1024.0);
            if (csv) {
                fprintf(csv, "e2e_targets,%s targets=%d,%.0f,ns/request\n", algo, n, ns);
                fprintf(csv, "e2e_targets,%s targets=%d,%.4f,fixed_s\n", algo, n, fixed);
                fprintf(csv, "e2e_targets,%s targets=%d,%.3f,in_flight/target\n", algo,
                        n, win.in_flight);
                if (k) {
                    fprintf(csv, "e2e_targets,%s targets=%d,%.3f,us/target\n", algo, n,
                            us_t);
                    fprintf(csv, "e2e_targets,%s targets=%d,%.0f,bytes/target\n", algo, n,
                            bytes_t);
                }
            }
        }
        if (ns100 > 0 && ns_last > 0)
            printf("e2e_targets       %-26s %d against %d targets: %.2fx the marginal cost "
                   "in steady state (target <= 2x)\n", algo, sizes[NSIZES - 1], sizes[0],
                   ns_last / ns100);
    }
}

/* In the child (bench_e2e --child cpu model|cli): e2e_alb_lor_100's 1000 s model-only, or
 * as `elbsim run` runs it (default outputs written to a scratch folder); *cpu: the CPU
 * seconds it took.  0 on success. */
static int cpu_run(const char *which, double *cpu)
{
    if (!strcmp(which, "cli")) {
        double requests;
        return run_as_cli(lor100, NULL, 0, NULL, NULL, cpu, &requests);
    }
    uint64_t req, ev;
    double c0 = cpu_s();
    run(1000, &req, &ev);
    *cpu = cpu_s() - c0;
    return 0;
}

/* The least CPU time of three fresh `bench_e2e --child cpu which`; -1 if one failed. */
static double child_cpu_best(const char *which)
{
    char args[64];
    snprintf(args, sizeof args, "cpu %s", which);
    double best;
    return exec_child_least(args, &best, sizeof best, 3) ? -1 : best;
}

/* e2e_alb_lor_100, e2e_cli_lor_100 and e2e_rss. */
static void bench_alb_lor(FILE *csv)
{
    uint64_t req, ev;
    run(50, &req, &ev); /* warm caches and the allocator */
    double c0 = cpu_s();
    double wall = run(1000, &req, &ev);
    double model_cpu = cpu_s() - c0;
    double rps = (double)req / wall;
    printf("e2e_alb_lor_100   %.2f M simulated requests/s  (%.1f M events/s, %llu requests, "
           "%.2f s; %.2f M per CPU second)\n", rps / 1e6, (double)ev / wall / 1e6,
           (unsigned long long)req, wall, (double)req / model_cpu / 1e6);
    double cli_cpu = child_cpu_best("cli"), fresh_cpu = child_cpu_best("model");
    if (cli_cpu < 0 || fresh_cpu < 0) {
        printf("e2e_cli_lor_100   run failed\n");
    } else {
        printf("e2e_cli_lor_100   elbsim run with default outputs: %.2f s of CPU against %.2f s "
               "model-only, fresh processes, least of 3: %.2fx (target <= 1.5x)\n", cli_cpu,
               fresh_cpu, cli_cpu / fresh_cpu);
        if (csv)
            fprintf(csv, "e2e_cli_lor_100,targets=100 rho=0.9,%.3f,cli/model\n",
                    cli_cpu / fresh_cpu);
    }
    long a = child_rss_kb("lor", 100, NULL), b = child_rss_kb("lor", 1000, NULL);
    printf("e2e_rss           the run's own peak memory %ld KB at 100 s, %ld KB at 1000 s "
           "simulated (%+ld KB)\n", a, b, b - a);
    long long f1, f10;
    long p1 = child_rss_kb("piled", 1, &f1), p10 = child_rss_kb("piled", 10, &f10);
    double per = f10 > f1 ? 1024.0 * (double)(p10 - p1) / (double)(f10 - f1) : 0;
    printf("e2e_rss           %.0f bytes per request in flight (%lld vs %lld in flight: "
           "%ld KB vs %ld KB)\n", per, f10, f1, p10, p1);
    if (csv) {
        fprintf(csv, "e2e_alb_lor_100,targets=100 rho=0.9,%.0f,requests/s\n", rps);
        fprintf(csv, "e2e_alb_lor_100,targets=100 rho=0.9,%.0f,requests/cpu_s\n",
                (double)req / model_cpu);
        fprintf(csv, "e2e_alb_lor_100,targets=100 rho=0.9,%.0f,events/s\n", (double)ev / wall);
        fprintf(csv, "e2e_rss,duration=100s,%ld,KB\n", a);
        fprintf(csv, "e2e_rss,duration=1000s,%ld,KB\n", b);
        fprintf(csv, "e2e_rss,in flight,%.0f,bytes/request\n", per);
    }
}

/* Run benchmark `name`?  Yes when no names were given, or one is a prefix of it. */
static bool wanted(const char *name, int argc, char **argv)
{
    if (argc <= 2)
        return true;
    for (int i = 2; i < argc; i++)
        if (!strncmp(name, argv[i], strlen(argv[i])))
            return true;
    return false;
}

/* bench_e2e --child nlb RATE | diurnal | targets ALGO N DURATION FROM | cpu model|cli: one run,
 * its result (a struct, or a double) written to stdout for exec_child. */
static int child_main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[0], "cpu")) {
        double cpu;
        if (cpu_run(argv[1], &cpu))
            return 1;
        return fwrite(&cpu, sizeof cpu, 1, stdout) == 1 ? 0 : 1;
    }
    if (argc == 2 && !strcmp(argv[0], "nlb")) {
        struct nlb_result r;
        nlb_run(atof(argv[1]), &r);
        return fwrite(&r, sizeof r, 1, stdout) == 1 ? 0 : 1;
    }
    if (argc == 1 && !strcmp(argv[0], "diurnal")) {
        struct diurnal_result r;
        if (diurnal_run(&r))
            return 1;
        return fwrite(&r, sizeof r, 1, stdout) == 1 ? 0 : 1;
    }
    if (argc == 5 && !strcmp(argv[0], "targets")) {
        struct targets_job j = {argv[1], atoi(argv[2]), atof(argv[3]), atof(argv[4])};
        struct targets_result r;
        if (targets_run(&j, &r))
            return 1;
        return fwrite(&r, sizeof r, 1, stdout) == 1 ? 0 : 1;
    }
    return 2;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc == 4 && !strcmp(argv[1], "--rss-child"))
        return rss_child(argv[2], atof(argv[3]));
    if (argc >= 3 && !strcmp(argv[1], "--child"))
        return child_main(argc - 2, argv + 2);
    FILE *csv = argc > 1 && strcmp(argv[1], "-") ? fopen(argv[1], "a") : NULL;
    if (wanted("e2e_alb_lor_100", argc, argv) || wanted("e2e_rss", argc, argv))
        bench_alb_lor(csv);
    if (wanted("e2e_nlb_flows", argc, argv))
        bench_nlb_flows(csv);
    if (wanted("e2e_asg_diurnal", argc, argv))
        bench_asg_diurnal(csv);
    if (wanted("e2e_targets", argc, argv))
        bench_targets(csv);
    if (csv)
        fclose(csv);
    return 0;
}
