/* `elbsim run`, `elbsim validate` and `elbsim list`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/summary.h"
#include "models/traffic/arrivals.h"
#include "models/compute/catalog.h"
#include "models/scaling/metrics.h"
#include "models/elb/routing.h"
#include "models/scaling/scaling.h"
#include "models/core/trace.h"
#include "models/scenario/scenario.h"
#include "sim/cli/commands.h"
#include "sim/cli/headline.h"
#include "sim/cli/report.h"
#include "sim/cli/run.h"
#include "sim/dist.h"
#include "sim/xalloc.h"

struct scenario_args {
    const char *file;
    const char *out_dir;
    char **sets;
    int nsets;
    bool have_seed;
    uint64_t seed;
    bool quiet;
    bool verbose;
    bool have_trace;
    struct trace_sel trace;
};

static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-') {
        fprintf(stderr, "elbsim: error: --seed takes a whole number from 0 to 2^64-1, got '%s'\n",
                s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Returns 0, or an exit status. */
static int parse_args(int argc, char **argv, const char *usage, struct scenario_args *a)
{
    *a = (struct scenario_args){0};
    a->sets = xcalloc((size_t)argc, sizeof *a->sets);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(usage, stdout);
            return -1;
        } else if ((!strcmp(arg, "-o") || !strcmp(arg, "--output")) && i + 1 < argc) {
            a->out_dir = argv[++i];
        } else if (!strcmp(arg, "--seed") && i + 1 < argc) {
            if (parse_seed(argv[++i], &a->seed))
                return EXIT_BAD_INPUT;
            a->have_seed = true;
        } else if (!strncmp(arg, "--seed=", 7)) {
            if (parse_seed(arg + 7, &a->seed))
                return EXIT_BAD_INPUT;
            a->have_seed = true;
        } else if (!strcmp(arg, "--set") && i + 1 < argc) {
            a->sets[a->nsets++] = argv[++i];
        } else if (!strncmp(arg, "--set=", 6)) {
            a->sets[a->nsets++] = (char *)arg + 6;
        } else if ((!strcmp(arg, "--trace") && i + 1 < argc) || !strncmp(arg, "--trace=", 8)) {
            const char *sel = arg[7] == '=' ? arg + 8 : argv[++i];
            if (trace_sel_parse(sel, NULL, &a->trace))
                return EXIT_BAD_INPUT;
            a->have_trace = true;
        } else if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
            a->quiet = true;
        } else if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
            a->verbose = true;
        } else if (arg[0] == '-' && arg[1]) {
            fprintf(stderr, "elbsim: error: unknown or incomplete option '%s'\n%s", arg, usage);
            return EXIT_BAD_INPUT;
        } else if (!a->file) {
            a->file = arg;
        } else {
            fprintf(stderr, "elbsim: error: one scenario at a time (got '%s' and '%s')\n",
                    a->file, arg);
            return EXIT_BAD_INPUT;
        }
    }
    if (!a->file) {
        fprintf(stderr, "elbsim: error: no scenario file given\n%s", usage);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

static const char run_usage[] =
    "usage: elbsim run SCENARIO.yaml [-o DIR] [--seed N] [--set PATH=VALUE ...] [--trace SEL]\n"
    "                  [-q | -v]\n"
    "Runs the scenario, writes its outputs and prints a headline: requests and what became\n"
    "of them, throughput, latency percentiles, failures by reason, cost, scaling activity\n"
    "and the verdict of every SLO.\n"
    "  -o DIR           output folder (default out/<scenario name>)\n"
    "  --seed N         run seed (default: the scenario's `seed`)\n"
    "  --set PATH=VAL   override a scenario value, e.g.\n"
    "                   --set target_groups.web.algorithm=least_outstanding_requests\n"
    "  --trace SEL      write trace.csv: every decision on the path of the selected\n"
    "                   requests (`elbsim explain DIR` narrates it).  SEL: N (the first N),\n"
    "                   or items first=N,workload=NAME,from=DUR,to=DUR,sample=P\n"
    "  -q, --quiet      print nothing on stdout\n"
    "  -v, --verbose    after the headline, the whole summary (targets folded per group:\n"
    "                   mean, min and max)\n"
    "exit status: 0 ok, 1 I/O failure, 2 bad input, 3 an SLO was broken\n"
    "environment: ELBSIM_QUEUE_FAR_MIN  event queue: far buckets past N pending (16384)\n";

/* The trace's workload, when it names one, must be the scenario's. */
static int check_trace(const struct scenario *sc)
{
    if (!sc->trace_on || !sc->trace.workload[0])
        return 0;
    char names[1024] = "";
    size_t k = 0;
    for (int i = 0; i < sc->nworkloads; i++) {
        if (!strcmp(sc->workloads[i].name, sc->trace.workload))
            return 0;
        int w = snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "",
                         sc->workloads[i].name);
        if (w > 0 && (size_t)w < sizeof names - k)
            k += (size_t)w;
    }
    fprintf(stderr, "elbsim: error: trace: unknown workload '%s'; expected one of: %s\n",
            sc->trace.workload, names);
    return -1;
}

int cmd_run(int argc, char **argv)
{
    struct scenario_args a;
    int rc = parse_args(argc, argv, run_usage, &a);
    if (rc) {
        free(a.sets);
        return rc < 0 ? EXIT_OK : rc;
    }
    struct scenario *sc;
    if (scenario_load(a.file, a.sets, a.nsets, &sc)) {
        free(a.sets);
        return EXIT_BAD_INPUT;
    }
    free(a.sets);
    if (a.have_seed)
        sc->seed = a.seed;
    if (a.have_trace) {
        sc->trace = a.trace;
        sc->trace_on = true;
    }
    if (check_trace(sc)) {
        scenario_free(sc);
        return EXIT_BAD_INPUT;
    }
    char dir[4096];
    if (a.out_dir)
        snprintf(dir, sizeof dir, "%s", a.out_dir);
    else
        snprintf(dir, sizeof dir, "out/%s", sc->name);
    struct run_opts o = {.out_dir = dir, .seed = sc->seed, .quiet = a.quiet,
                         .progress = isatty(2) != 0};
    struct summary *s = NULL;
    if (run_scenario(sc, &o, &s)) {
        scenario_free(sc);
        return EXIT_ENV;
    }
    /* output.report: the page, from the folder just written (sim/cli/cmd_report.c). */
    if (sc->report) {
        int rrc = report_write(dir, getenv("ELBSIM_GNUPLOT"));
        if (rrc != EXIT_OK) {
            summary_free(s);
            scenario_free(sc);
            return rrc;
        }
    }
    if (!a.quiet) {
        headline_print(stdout, sc, s, dir);
        if (a.verbose) {
            putchar('\n');
            summary_print_table_folded(s, stdout);
        }
    }
    int broken = run_check_slos(sc, s);
    summary_free(s);
    scenario_free(sc);
    return broken ? EXIT_SLO : EXIT_OK;
}

static const char validate_usage[] =
    "usage: elbsim validate SCENARIO.yaml [--set PATH=VALUE ...]\n"
    "Checks the scenario exactly as `elbsim run` would, without running it.\n"
    "exit status: 0 ok, 1 I/O failure, 2 bad input\n";

int cmd_validate(int argc, char **argv)
{
    struct scenario_args a;
    int rc = parse_args(argc, argv, validate_usage, &a);
    if (rc) {
        free(a.sets);
        return rc < 0 ? EXIT_OK : rc;
    }
    struct scenario *sc;
    rc = scenario_load(a.file, a.sets, a.nsets, &sc);
    free(a.sets);
    if (rc)
        return EXIT_BAD_INPUT;
    printf("%s: ok (%d workload%s, %d load balancer%s, %d target group%s)\n", a.file,
           sc->nworkloads, sc->nworkloads == 1 ? "" : "s", sc->nlbs, sc->nlbs == 1 ? "" : "s",
           sc->ntgs, sc->ntgs == 1 ? "" : "s");
    scenario_free(sc);
    return EXIT_OK;
}

/* ---- list ---- */

/* "  NAME  HELP" with HELP in a column; a NAME too wide for it gets a line of its own. */
static void row(const char *name, int width, const char *help)
{
    if ((int)strlen(name) > width)
        printf("  %s\n  %-*s %s\n", name, width, "", help);
    else
        printf("  %-*s %s\n", width, name, help);
}

/* text + suffix, wrapped at 100 columns; continuation lines indented by `indent`. */
static void wrapped(const char *text, const char *suffix, int indent)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s%s", text, suffix);
    int col = indent;
    const char *p = buf;
    while (*p) {
        const char *sp = strchr(p, ' ');
        int len = sp ? (int)(sp - p) : (int)strlen(p);
        if (col > indent && col + 1 + len > 100) {
            printf("\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            putchar(' ');
            col++;
        }
        printf("%.*s", len, p);
        col += len;
        p += len;
        while (*p == ' ')
            p++;
    }
    putchar('\n');
}

static void list_algorithms(void)
{
    puts("Routing algorithms (target_groups.*.algorithm).  [AWS]: offered by AWS; L7: routes\n"
         "each request (ALB, CLB HTTP); L4: routes each flow once (NLB, GWLB, CLB TCP).");
    for (size_t i = 0; route_table[i]; i++) {
        unsigned m = route_table[i]->modes;
        const char *modes = m == (ROUTE_PER_REQUEST | ROUTE_PER_FLOW) ? "L7 L4"
                            : m == ROUTE_PER_FLOW                     ? "   L4"
                                                                      : "L7   ";
        printf("  %-28s %s  ", route_table[i]->name, modes);
        wrapped(route_table[i]->summary, route_table[i]->aws ? " [AWS]" : "", 2 + 28 + 1 + 5 + 2);
    }
}

static void list_distributions(void)
{
    puts("Distributions (demand, think, latency, ...; durations take ns, us, ms, s, m, h, d):");
    for (size_t i = 0; sim_dist_table[i].name; i++)
        row(sim_dist_table[i].synopsis, 36, sim_dist_table[i].help);
}

static void list_arrivals(void)
{
    puts("Arrival processes (workloads.*.arrivals; rates take /s, /m, /h):");
    for (size_t i = 0; arrivals_table[i]; i++)
        row(arrivals_table[i]->synopsis, 44, arrivals_table[i]->help);
}

static void list_instance_types(void)
{
    puts("EC2 instance types (us-east-1 Linux on-demand; speed is per vCPU, c5 = 1.0):");
    printf("  %-14s %6s %9s %9s %6s\n", "type", "vCPU", "memory", "$/hour", "speed");
    for (size_t i = 0; catalog_instances[i].name; i++) {
        const struct catalog_instance *c = &catalog_instances[i];
        printf("  %-14s %6g %7g GB %9.4f %6.2f\n", c->name, c->vcpus, c->memory_gb,
               c->price_per_hour_usd, c->speed);
    }
    puts("Fargate tasks: kind: fargate, cpu: 0.25..16 vCPU, memory per AWS's size table;\n"
         "  $0.04048 per vCPU-hour + $0.004445 per GB-hour, billed per second, 60 s minimum.");
}

static void list_lb_types(void)
{
    puts("Load balancer types (load_balancers.*.type):");
    puts("  alb    Application Load Balancer: routes every request (L7): listener rules,\n"
         "         weighted target groups, round_robin / least_outstanding_requests /\n"
         "         weighted_random, slow start, lb_cookie stickiness; cross-zone on; fail-open;\n"
         "         idle timeout 60 s; hourly price + LCUs.  Latency: realistic (lognormal,\n"
         "         median 2 ms, p99 10 ms), classroom (400 ms), none.");
    puts("  nlb    Network Load Balancer: TCP, TLS, UDP; routes each flow once (L4, flow_hash)\n"
         "         and keeps it on its target; idle timeout 350 s TCP / 120 s UDP; resets\n"
         "         flows of unhealthy targets; cross-zone off; fail-open; hourly + NLCUs.\n"
         "         Latency: realistic (median 100 us, p99 500 us), classroom (100 ms).");
    puts("  gwlb   Gateway Load Balancer: appliances inspect each flow both ways (5/3/2-tuple\n"
         "         stickiness), then traffic goes on to `next`; no fail-open (drops);\n"
         "         target_failover no_rebalance / rebalance; health checks every 10 s.");
    puts("  clb    Classic Load Balancer: HTTP/HTTPS per request with least outstanding\n"
         "         requests, TCP/SSL per connection with round robin; cross-zone off.");
}

/* "ASG", "ECS" or "ASG ECS": who may scale on a metric. */
static const char *owner_names(unsigned owners)
{
    bool asg = owners & METRIC_RES_ASG, ecs = owners & METRIC_RES_ECS_SERVICE;
    return asg && ecs ? "ASG ECS" : asg ? "ASG" : ecs ? "ECS" : "-";
}

/* Target tracking's predefined names that stand for d, ", "-separated, into buf. */
static void predefined_for(const struct metric_def *d, char *buf, size_t n)
{
    static const unsigned owners[] = {METRIC_RES_ASG, METRIC_RES_ECS_SERVICE};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t o = 0; o < sizeof owners / sizeof owners[0]; o++) {
        char names[512];
        metric_names(owners[o], true, names, sizeof names);
        for (char *tok = strtok(names, ", "); tok; tok = strtok(NULL, ", ")) {
            if (metric_find_predefined(tok, owners[o]) != d || strstr(buf, tok))
                continue;
            int k = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", tok);
            if (k < 0 || (size_t)k >= n - used)
                return;
            used += (size_t)k;
        }
    }
}

static void list_scaling_metrics(void)
{
    puts("CloudWatch metrics a scaling policy may use (target_tracking `metric:`; simple and\n"
         "step `alarm: { metric: }`).  scaled on by: ASG (Auto Scaling group), ECS (ECS\n"
         "service); statistic: the default one; tracking: whether target tracking may use it.");
    printf("  %-25s %-18s %-7s %-9s %s\n", "name", "namespace", "unit", "scaled on",
           "statistic");
    for (const struct metric_def *d = metric_defs; d->name; d++) {
        char stat[32], pre[256];
        metric_stat_format(&d->stat, stat, sizeof stat);
        printf("  %-25s %-18s %-7s %-9s %s\n", d->name, d->ns, d->unit, owner_names(d->owners),
               stat);
        printf("      ");
        wrapped(d->summary, "", 6);
        predefined_for(d, pre, sizeof pre);
        if (!d->tracks)
            puts("      tracking: no (alarms only: it does not fall as capacity rises)");
        else if (pre[0])
            printf("      tracking: yes, as %s or predefined %s\n", d->name, pre);
        else
            printf("      tracking: yes, as %s\n", d->name);
    }
}

/* What each scope writes, exactly as the outputs name it ("<x>" stands for a name the
 * scenario chooses).  tests/metrics_listed.sh checks that every metric listed here appears
 * in some run's output, so a metric no run writes cannot stay listed. */
static const struct {
    const char *scope, *metrics;
} series_metrics[] = {
    {"workload", "requests, completed, errors, timeouts, throughput_rps, in_flight, "
                 "latency_mean_s, latency_p50_s, latency_p90_s, latency_p99_s"},
    {"lb", "requests, errors, in_flight, lcu, lcu_new_connections, lcu_active_connections, "
           "lcu_processed_bytes, lcu_rule_evaluations"},
    {"target_group", "requests, no_target, targets, utilization, in_flight, queue_length, "
                     "completed"},
    {"target", "utilization, in_flight, queue_length, completed"},
    {"asg", "desired, pending, in_service, warming, draining, cpu_total, <policy>.metric, "
            "<policy>.alarm"},
    {"ecs", "desired, provisioning, pending, running, draining, <policy>.metric, "
            "<policy>.alarm"},
    {"ecs_cluster", "desired, pending, in_service, cpr_pct, needed"},
    {"eks_cluster", "nodes_launching, nodes_ready, nodes_draining, cpu_requested_pct, "
                    "pending_pods"},
    {"deployment", "desired, pending, creating, started, ready, terminating, hpa.<metric>"},
    {NULL, NULL},
}, summary_metrics[] = {
    {"run", "requests, completed, failed, in_flight_end, errors, errors_404, errors_500, "
            "errors_502, errors_503, errors_504, errors_reset, timeouts, retries, "
            "attempt_timeouts, throughput_rps, error_ratio, latency_mean_s, latency_p50_s, "
            "latency_p90_s, latency_p99_s, latency_p999_s, latency_max_s, instance_hours, "
            "cost_usd, simulated_s, events"},
    {"workload", "requests, completed, failed, in_flight_end, errors, errors_404, errors_500, "
                 "errors_502, errors_503, errors_504, errors_reset, timeouts, retries, "
                 "attempt_timeouts, throughput_rps, error_ratio, latency_mean_s, "
                 "latency_p50_s, latency_p90_s, latency_p99_s, latency_p999_s, latency_max_s, "
                 "slo_miss_intervals, slo_miss_s"},
    {"slo", "windows, windows_broken, worst, worst_window_start_s"},
    {"lb", "requests, errors, requests_zone_<zone>, cost_usd, processed_gb, lcu_peak, "
           "lcu_peak_new_connections, lcu_peak_active_connections, lcu_peak_processed_bytes, "
           "lcu_peak_rule_evaluations, lcu_hours, lcu_cost_usd, inter_zone_gb, "
           "inter_zone_cost_usd, gateway_timeouts, "
           "connect_timeouts, flows, resets, dropped, asymmetric, rebalanced"},
    {"target_group", "requests, no_target, targets, completed, rejected, utilization, "
                     "instance_hours, cost_usd"},
    {"target", "requests, completed, rejected, utilization, instance_hours, cost_usd"},
    {"asg", "instance_hours, cost_usd, scaling_activities, launches, terminations, "
            "replacements, max_in_service, desired_end, <policy>.forecast_mape_pct, "
            "<policy>.forecast_bias_pct, <policy>.forecast_hours, "
            "<policy>.underprovisioned_hours"},
    {"ecs", "task_hours, cost_usd, scaling_activities, task_starts, task_stops, replacements, "
            "placement_failures, max_running, desired_end, <policy>.forecast_mape_pct, "
            "<policy>.forecast_bias_pct, <policy>.forecast_hours, "
            "<policy>.underprovisioned_hours"},
    {"ecs_cluster", "instance_hours, cost_usd, scaling_activities, launches, terminations, "
                    "max_in_service, desired_end"},
    {"eks_cluster", "node_hours, cost_usd, node_launches, node_terminations, scale_ups, "
                    "scale_downs, max_nodes_ready"},
    {"deployment", "pod_hours, rescales, pods_created, max_ready, pods_started, "
                   "pod_start_mean_s, pod_pending_mean_s, desired_end, "
                   "proxied_cross_zone_pct, proxy_cross_zone_gb"},
    {NULL, NULL},
};

static void list_metrics(void)
{
    puts("Time-series metrics (timeseries.csv; one row per interval and series):");
    for (int i = 0; series_metrics[i].scope; i++) {
        printf("  %-13s ", series_metrics[i].scope);
        wrapped(series_metrics[i].metrics, "", 16);
    }
    puts("Summary metrics (summary.csv; counts and latencies after the warm-up):");
    for (int i = 0; summary_metrics[i].scope; i++) {
        printf("  %-13s ", summary_metrics[i].scope);
        wrapped(summary_metrics[i].metrics, "", 16);
    }
    puts("Some appear only where they apply: errors_<status> and the lb rows by type\n"
         "(lcu*: alb, nlb, gwlb, whose capacity units are LCUs, NLCUs, GLCUs; *rule_evaluations:\n"
         "alb; gateway_timeouts: L7; connect_timeouts: alb, clb; flows, resets: L4; dropped:\n"
         "nlb, gwlb; asymmetric, rebalanced: gwlb), slo_miss_* and slo rows with SLOs,\n"
         "forecast rows with a predictive policy, ecs_cluster with ECS on EC2, eks_cluster\n"
         "and deployment with EKS (hpa.<metric> with an HPA).  target rows only with\n"
         "output.per_target (by default when the run holds at most 1,000 targets); without\n"
         "them, target_group's targets to cost_usd sum its targets instead.\n"
         "docs/outputs.md says what each one means.");
    putchar('\n');
    list_scaling_metrics();
}

static void list_policies(void)
{
    puts("Scaling policy types (auto_scaling_groups.*.policies[].type; the metrics they use:\n"
         "`elbsim list metrics`; every key: docs/auto-scaling.md):");
    for (size_t i = 0; scaling_type_names[i]; i++) {
        printf("  %-16s ", scaling_type_names[i]);
        wrapped(scaling_types[i]->summary, "", 2 + 16 + 1);
    }
}

static const struct {
    const char *name;
    void (*fn)(void);
} lists[] = {
    {"algorithms", list_algorithms},     {"distributions", list_distributions},
    {"arrivals", list_arrivals},         {"instance-types", list_instance_types},
    {"lb-types", list_lb_types},         {"metrics", list_metrics},
    {"policies", list_policies},
};

int cmd_list(int argc, char **argv)
{
    size_t n = sizeof lists / sizeof lists[0];
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: elbsim list [WHAT]\n"
               "Prints what a scenario may name; WHAT is one of:\n ");
        for (size_t i = 0; i < n; i++)
            printf("%s %s", i ? "," : "", lists[i].name);
        printf("\n(all of them without WHAT).\n"
               "exit status: 0 ok, 2 bad input\n");
        return EXIT_OK;
    }
    if (argc < 2) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                putchar('\n');
            lists[i].fn();
        }
        return EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(argv[1], lists[i].name)) {
            lists[i].fn();
            return EXIT_OK;
        }
    fprintf(stderr, "elbsim: error: unknown list '%s'; expected one of:", argv[1]);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s %s", i ? "," : "", lists[i].name);
    fputc('\n', stderr);
    return EXIT_BAD_INPUT;
}
