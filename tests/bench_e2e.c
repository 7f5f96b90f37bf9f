/*
 * End-to-end benchmarks of the request path (printed, appended to the CSV; never fail).
 *
 *   e2e_alb_lor_100   100 single-vCPU targets behind an ALB with least outstanding
 *                     requests at rho = 0.9 (realistic LB latency): simulated requests per
 *                     wall second, model only (no output files).
 *   e2e_rss           peak RSS of the same run for a simulated duration D and 10 D, each in
 *                     its own process: memory must not grow with the run's length.
 *
 * Usage: bench_e2e [CSV]   (appends rows `benchmark,param,value,unit` to CSV)
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "models/scenario.h"
#include "models/workload.h"
#include "models/world.h"

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
    sim_event_run_until(&w->sim, sc->duration_s);
    double wall = now_s() - t0;
    *requests = w->workloads[0]->requests;
    *events = w->sim.events_run;
    world_free(w);
    scenario_free(sc);
    return wall;
}

static long child_rss_kb(double duration)
{
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t r, e;
        run(duration, &r, &e);
        _exit(0);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0)
        return -1;
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    FILE *csv = argc > 1 ? fopen(argv[1], "a") : NULL;
    uint64_t req, ev;
    run(50, &req, &ev); /* warm caches and the allocator */
    double wall = run(1000, &req, &ev);
    double rps = (double)req / wall;
    printf("e2e_alb_lor_100   %.2f M simulated requests/s  (%.1f M events/s, %llu requests, "
           "%.2f s)\n", rps / 1e6, (double)ev / wall / 1e6, (unsigned long long)req, wall);
    long a = child_rss_kb(100), b = child_rss_kb(1000);
    printf("e2e_rss           peak RSS %ld KB at 100 s, %ld KB at 1000 s simulated (%+.1f%%)\n", a,
           b, 100.0 * (double)(b - a) / (double)a);
    if (csv) {
        fprintf(csv, "e2e_alb_lor_100,targets=100 rho=0.9,%.0f,requests/s\n", rps);
        fprintf(csv, "e2e_alb_lor_100,targets=100 rho=0.9,%.0f,events/s\n", (double)ev / wall);
        fprintf(csv, "e2e_rss,duration=100s,%ld,KB\n", a);
        fprintf(csv, "e2e_rss,duration=1000s,%ld,KB\n", b);
        fclose(csv);
    }
    return 0;
}
