/* Each component's configuration reader on its own block, outside a scenario: what it
 * fills in, what it reports (file:line:col), and what its writer prints back. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "models/compute/fault_cfg.h"
#include "models/compute/target_cfg.h"
#include "models/containers/ecs_cfg.h"
#include "models/core/cfg_read.h"
#include "models/elb/lb_cfg.h"
#include "models/elb/target_group_cfg.h"
#include "models/scaling/asg_cfg.h"
#include "models/scaling/policy_cfg.h"
#include "models/traffic/workload_cfg.h"
#include "sim/dist.h"
#include "sim/ytree.h"
#include "tests/unit.h"

/* A zones registry of the test's own: names in order of first appearance. */
struct zones {
    char *names[8];
    int n;
};

static int zone_index(void *p, const char *name)
{
    struct zones *z = p;
    for (int i = 0; i < z->n; i++)
        if (!strcmp(z->names[i], name))
            return i;
    CU_ASSERT_FATAL(z->n < 8);
    z->names[z->n] = strdup(name);
    return z->n++;
}

/* One block to read (from "c.yaml"), the reader, and the messages it reports. */
struct fixture {
    struct ytree *t;
    struct zones z;
    struct cfg_read r;
    struct unit_diag_capture cap;
    char *messages; /* set by stop() */
};

static void start(struct fixture *f, const char *yaml)
{
    memset(f, 0, sizeof *f);
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(yaml, "c.yaml", &f->t), 0);
    yread_init(&f->r.y, "tests/data");
    f->r.file = "c.yaml";
    f->r.start_epoch_s = CRON_EPOCH_DEFAULT + 3600;
    f->r.zone_index = zone_index;
    f->r.zones = &f->z;
    unit_diag_capture_start(&f->cap);
}

static void stop(struct fixture *f)
{
    f->messages = unit_diag_capture_end(&f->cap);
}

static void finish(struct fixture *f)
{
    free(f->messages);
    ytree_free(f->t);
    for (int i = 0; i < f->z.n; i++)
        free(f->z.names[i]);
}

/* True when the messages were exactly want (printed otherwise). */
static bool said(const struct fixture *f, const char *want)
{
    if (!strcmp(f->messages, want))
        return true;
    fprintf(stderr, "\nwanted:\n%sgot:\n%s", want, f->messages);
    return false;
}

/* A writer's output caught in memory: pass mem_open(&m) as its FILE, then mem_text(&m)
 * is what it wrote (caller frees). */
struct mem {
    char *buf;
    size_t len;
    FILE *f;
};

static FILE *mem_open(struct mem *m)
{
    m->buf = NULL;
    m->f = open_memstream(&m->buf, &m->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m->f);
    return m->f;
}

static char *mem_text(struct mem *m)
{
    fclose(m->f);
    return m->buf;
}

static bool starts_with(const char *s, const char *prefix)
{
    bool yes = !strncmp(s, prefix, strlen(prefix));
    if (!yes)
        fprintf(stderr, "\nwanted at the start:\n%sgot:\n%s", prefix, s);
    return yes;
}

static bool text_is(char *got, const char *want)
{
    bool same = !strcmp(got, want);
    if (!same)
        fprintf(stderr, "\nwanted:\n%sgot:\n%s", want, got);
    free(got);
    return same;
}

/* ---- workloads (models/traffic) ---- */

static void workload_reads_its_block_and_writes_it_back(void)
{
    struct fixture f;
    struct mem m;
    start(&f, "name: shoppers\n"
              "entry: front\n"
              "arrivals: poisson(rate=200/s)\n"
              "demand: exp(mean=20ms)\n"
              "paths: [ /a, { path: /b, weight: 3 } ]\n"
              "response_size: lognormal(median=8KB, p99=256KB)\n");
    struct sc_workload w = {0};
    CU_ASSERT_EQUAL(workload_cfg_read(&f.r, f.t, &w), 0);
    stop(&f);
    CU_ASSERT(said(&f, ""));
    CU_ASSERT_STRING_EQUAL(w.entry, "front");
    CU_ASSERT_EQUAL(w.entry_loc.line, 2);
    CU_ASSERT_PTR_NOT_NULL(w.arrivals);
    CU_ASSERT_EQUAL(w.conn_requests, 1);
    CU_ASSERT_DOUBLE_EQUAL(w.backoff_s, 0.1, 0);
    CU_ASSERT_EQUAL_FATAL(w.npaths, 2);
    CU_ASSERT_DOUBLE_EQUAL(w.paths[0].weight, 0.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w.paths[1].weight, 0.75, 1e-15);
    workload_cfg_write(&w, mem_open(&m));
    CU_ASSERT(text_is(mem_text(&m), "  - name: \"shoppers\"\n"
                                    "    entry: \"front\"\n"
                                    "    arrivals: \"poisson(rate=200/s)\"\n"
                                    "    demand: \"exp(mean=20ms)\"\n"
                                    "    connection: { requests: 1 }\n"
                                    "    timeout: 0s\n"
                                    "    retries: 0\n"
                                    "    backoff: 0.1s\n"
                                    "    paths:\n"
                                    "      - { path: \"/a\", weight: 0.25 }\n"
                                    "      - { path: \"/b\", weight: 0.75 }\n"
                                    "    request_size: \"const(1KB)\"\n"
                                    "    response_size: \"lognormal(median=8KB, p99=256KB)\"\n"));
    /* The request size's default: 1 KB, elbsim's choice (docs/scenario.md). */
    CU_ASSERT_DOUBLE_EQUAL(sim_dist_mean(w.request_size), 1000, 0);
    workload_cfg_fini(&w);
    finish(&f);
}

static void workload_reports_every_problem(void)
{
    struct fixture f;
    start(&f, "name: w\n"
              "entry: front\n"
              "users: 3\n"
              "demand: const(1s)\n"
              "retries: many\n"
              "connection: { requests: 2 }\n"
              "request_size: exp(mean=2s)\n");
    struct sc_workload w = {0};
    CU_ASSERT_EQUAL(workload_cfg_read(&f.r, f.t, &w), -1);
    stop(&f);
    CU_ASSERT_EQUAL(f.r.y.errors, 4);
    CU_ASSERT(said(&f, "c.yaml:1:1: error: a closed-loop workload (users) needs 'think'\n"
                       "c.yaml:6:1: error: 'connection' belongs to open-loop workloads; "
                       "closed-loop users send one request at a time and think in between\n"
                       "c.yaml:5:10: error: retries must be a whole number, got 'many'\n"
                       "c.yaml:7:24: error: bad value '2s' for mean of exp: expected a size: a "
                       "number with a unit B, KB, MB, GB, KiB, MiB or GiB\n"
                       "    exp(mean=2s)\n"
                       "             ^~\n"));
    workload_cfg_fini(&w);
    finish(&f);
}

/* ---- load balancers (models/elb) ---- */

static void lb_takes_its_type_defaults_and_registers_zones_in_order(void)
{
    struct fixture f;
    struct mem m;
    start(&f, "{ name: edge, type: nlb, zones: [b, a], listeners: [ { forward: tg } ] }\n");
    struct sc_lb lb = {0};
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t, &lb), 0);
    stop(&f);
    CU_ASSERT(said(&f, ""));
    CU_ASSERT_EQUAL(lb.type, SC_LB_NLB);
    CU_ASSERT_EQUAL(lb.protocol, SC_TCP);
    CU_ASSERT(lb.l4 && !lb.cross_zone);
    CU_ASSERT_DOUBLE_EQUAL(lb.idle_timeout_s, 350, 0);
    CU_ASSERT_EQUAL_FATAL(f.z.n, 2);
    CU_ASSERT_STRING_EQUAL(f.z.names[0], "b");
    CU_ASSERT(lb.nzones == 2 && lb.zones[0] == 0 && lb.zones[1] == 1);
    CU_ASSERT_EQUAL_FATAL(lb.nrules, 1);
    CU_ASSERT_STRING_EQUAL(lb.rules[0].fw[0].target_group, "tg");
    lb_cfg_write(&lb, f.z.names, mem_open(&m));
    CU_ASSERT(text_is(mem_text(&m),
                      "  - name: \"edge\"\n"
                      "    type: nlb\n"
                      "    zones: [\"b\", \"a\"]\n"
                      "    cross_zone: false\n"
                      "    latency: \"lognormal(median=100us, p99=500us)\"\n"
                      "    idle_timeout: 350s\n"
                      "    inter_zone_price: 0.02/GB\n"
                      "    listeners:\n"
                      "      - protocol: TCP\n"
                      "        forward: \"tg\"\n"));
    CU_ASSERT_STRING_EQUAL(lb_cfg_type_name(SC_LB_GWLB), "gwlb");
    CU_ASSERT_STRING_EQUAL(lb_cfg_article(SC_LB_ALB), "an");
    lb_cfg_fini(&lb);
    finish(&f);
}

static void lb_reports_what_its_type_cannot_do(void)
{
    struct fixture f;
    start(&f, "name: n\n"
              "type: nlb\n"
              "zones: [a, a]\n"
              "connect_timeout: 5s\n"
              "listeners:\n"
              "  - rules: [ { forward: tg } ]\n");
    struct sc_lb lb = {0};
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t, &lb), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:3:12: error: zone 'a' is listed twice\n"
                       "c.yaml:6:5: error: only an ALB listener has rules; an nlb listener "
                       "forwards everything: forward: GROUP\n"
                       "c.yaml:4:1: error: connect_timeout belongs to an alb or clb; an nlb "
                       "passes the client's connection attempt through to the target, so the "
                       "client's own timeout applies\n"));
    lb_cfg_fini(&lb);
    finish(&f);
}

/* AWS.md fact 7 [ALB-XZ]: an ALB's cross-zone is always on at the LB level; false is an
 * error at its value that points to the target group setting; true is accepted. */
static void alb_cross_zone_off_is_an_error(void)
{
    struct fixture f;
    start(&f, "- { name: a, zones: [a, b], cross_zone: false, listeners: [ { forward: tg } ] }\n"
              "- { name: b, zones: [a, b], cross_zone: true, listeners: [ { forward: tg } ] }\n"
              "- { name: c, type: nlb, zones: [a], cross_zone: true, listeners: [ { forward: tg } ] }\n");
    struct sc_lb a = {0}, b = {0}, c = {0};
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[0], &a), -1);
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[1], &b), 0);
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[2], &c), 0);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:1:41: error: an ALB cannot turn cross-zone load balancing off: it "
                       "is always on at the load balancer level; turn it off per target group "
                       "(target_groups: - { ..., cross_zone: false })\n"));
    CU_ASSERT(b.cross_zone && c.cross_zone);
    lb_cfg_fini(&a);
    lb_cfg_fini(&b);
    lb_cfg_fini(&c);
    finish(&f);
}

/* inter_zone_price: dollars per GB; NLB and GWLB $0.02 by default, ALB and CLB 0. */
static void lb_inter_zone_price_defaults_by_type_and_is_checked(void)
{
    struct fixture f;
    start(&f, "- { name: a, type: nlb, zones: [a], listeners: [ { forward: tg } ] }\n"
              "- { name: b, zones: [a], inter_zone_price: 0.01/GB, listeners: [ { forward: tg } ] }\n"
              "- { name: c, zones: [a], inter_zone_price: 2 cents, listeners: [ { forward: tg } ] }\n");
    struct sc_lb a = {0}, b = {0}, c = {0};
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[0], &a), 0);
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[1], &b), 0);
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[2], &c), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:3:44: error: inter_zone_price must be dollars per GB, e.g. "
                       "0.02/GB, got '2 cents'\n"));
    CU_ASSERT_DOUBLE_EQUAL(a.inter_zone_usd_per_gb, 0.02, 0);
    CU_ASSERT_DOUBLE_EQUAL(b.inter_zone_usd_per_gb, 0.01, 0);
    lb_cfg_fini(&a);
    lb_cfg_fini(&b);
    lb_cfg_fini(&c);
    finish(&f);
}

/* An ALB's connect timeout: 10 s unless given (AWS.md §1 "HTTP errors"), written back. */
static void alb_connect_timeout_is_read_and_written_back(void)
{
    struct fixture f;
    struct mem m;
    start(&f, "- { name: a, zones: [a], listeners: [ { forward: tg } ] }\n"
              "- { name: b, zones: [a], connect_timeout: 3s, listeners: [ { forward: tg } ] }\n"
              "- { name: c, zones: [a], connect_timeout: 0s, listeners: [ { forward: tg } ] }\n");
    struct sc_lb a = {0}, b = {0}, c = {0};
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[0], &a), 0);
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[1], &b), 0);
    CU_ASSERT_EQUAL(lb_cfg_read(&f.r, f.t->items[2], &c), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:3:43: error: connect_timeout must be greater than zero, got "
                       "'0s'\n"));
    CU_ASSERT_DOUBLE_EQUAL(a.connect_timeout_s, 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(b.connect_timeout_s, 3, 0);
    lb_cfg_write(&b, f.z.names, mem_open(&m));
    char *text = mem_text(&m);
    CU_ASSERT(strstr(text, "    idle_timeout: 1m\n    connect_timeout: 3s\n") != NULL);
    free(text);
    lb_cfg_fini(&a);
    lb_cfg_fini(&b);
    lb_cfg_fini(&c);
    finish(&f);
}

/* ---- target groups (models/elb) and their targets (models/compute) ---- */

static void target_group_defaults_come_from_the_lb_type_that_uses_it(void)
{
    struct fixture f;
    struct mem m;
    start(&f, "- { name: web, health_check: { interval: 10s },\n"
              "    targets: [ { kind: ec2, instance_type: c5.xlarge, count: 2, zone: c } ] }\n"
              "- { name: flows }\n");
    struct sc_tg web = {0}, flows = {0};
    CU_ASSERT_EQUAL(target_group_cfg_read(&f.r, f.t->items[0], &web), 0);
    CU_ASSERT_EQUAL(target_group_cfg_read(&f.r, f.t->items[1], &flows), 0);
    CU_ASSERT_DOUBLE_EQUAL(web.hc.timeout_s, -1, 0); /* not given: left for the LB type */
    char edge[] = "edge";
    const struct sc_lb nlb = {.name = edge, .type = SC_LB_NLB, .l4 = true};
    CU_ASSERT_EQUAL(target_group_cfg_resolve(&f.r.y, &web, NULL), 0);
    CU_ASSERT_EQUAL(target_group_cfg_resolve(&f.r.y, &flows, &nlb), 0);
    stop(&f);
    CU_ASSERT(said(&f, ""));
    CU_ASSERT(!web.used && web.lb_type == SC_LB_ALB);
    CU_ASSERT_STRING_EQUAL(web.algorithm, "round_robin");
    CU_ASSERT(web.hc.interval_s == 10 && web.hc.timeout_s == 5 && web.hc.healthy == 5);
    CU_ASSERT(flows.used && flows.l4);
    CU_ASSERT_STRING_EQUAL(flows.algorithm, "flow_hash");
    CU_ASSERT(flows.hc.interval_s == 30 && flows.hc.timeout_s == 10);
    CU_ASSERT_EQUAL_FATAL(web.ntargets, 1);
    CU_ASSERT_EQUAL(web.targets[0].spec.servers, 4);
    CU_ASSERT_EQUAL(web.targets[0].zone, 0);
    target_group_cfg_write(&web, f.z.names, mem_open(&m));
    CU_ASSERT(text_is(mem_text(&m),
                      "  - name: \"web\"\n"
                      "    algorithm: round_robin\n"
                      "    cross_zone: use_load_balancer_configuration\n"
                      "    target_type: instance\n"
                      "    health_check: { interval: 10s, timeout: 5s, healthy: 5, unhealthy: 2 }\n"
                      "    slow_start: 0s\n"
                      "    stickiness: none\n"
                      "    deregistration_delay: 5m\n"
                      "    target_failover: no_rebalance\n"
                      "    connection_termination: true\n"
                      "    targets:\n"
                      "      - { kind: ec2, instance_type: c5.xlarge, count: 2, zone: \"c\", "
                      "discipline: fcfs, queue_limit: 0 }\n"));
    target_group_cfg_fini(&web);
    target_group_cfg_fini(&flows);
    finish(&f);
}

static void target_group_reports_settings_its_lb_type_lacks(void)
{
    struct fixture f;
    start(&f, "name: tg\n"
              "algorithm: least_outstanding_requests\n"
              "health_check: { interval: 5s, timeout: 5s }\n"
              "stickiness: 5_tuple\n");
    struct sc_tg g = {0};
    CU_ASSERT_EQUAL(target_group_cfg_read(&f.r, f.t, &g), 0);
    char edge[] = "edge";
    const struct sc_lb nlb = {.name = edge, .type = SC_LB_NLB, .l4 = true};
    CU_ASSERT_EQUAL(target_group_cfg_resolve(&f.r.y, &g, &nlb), -1);
    stop(&f);
    CU_ASSERT_EQUAL(f.r.y.errors, 3);
    CU_ASSERT(strstr(f.messages, "c.yaml:2:12: error: algorithm 'least_outstanding_requests' "
                                 "cannot route for an nlb (edge): nlb routes each flow once; "
                                 "algorithms that can: round_robin, ") != NULL);
    CU_ASSERT(strstr(f.messages, "c.yaml:3:15: error: health_check timeout (5s) must be shorter "
                                 "than interval (5s)\n") != NULL);
    CU_ASSERT(strstr(f.messages, "c.yaml:4:13: error: tuple stickiness (5_tuple, 3_tuple, "
                                 "2_tuple) is a GWLB setting; this group serves an nlb\n") != NULL);
    target_group_cfg_fini(&g);
    finish(&f);
}

static void targets_entry_and_launch_template(void)
{
    struct fixture f;
    struct mem m;
    start(&f, "- { kind: fargate, cpu: 0.5, memory: 1GB, count: 3 }\n"
              "- { lb: inner, register_at: 1m }\n"
              "- { instance_type: c5.large, count: 2, zone: a }\n"
              "- { kind: fargate, cpu: 0.25, memory: 4GB }\n");
    struct sc_targets task = {0}, inner = {0}, tmpl = {0}, bad = {0};
    CU_ASSERT_EQUAL(target_cfg_read(&f.r, f.t->items[0], &task), 0);
    CU_ASSERT_EQUAL(target_cfg_read(&f.r, f.t->items[1], &inner), 0);
    CU_ASSERT_EQUAL(target_cfg_read_template(&f.r, f.t->items[2], &tmpl), -1);
    CU_ASSERT_EQUAL(target_cfg_read(&f.r, f.t->items[3], &bad), -1);
    stop(&f);
    CU_ASSERT(task.spec.kind == TARGET_FARGATE && task.spec.servers == 1 && task.count == 3);
    CU_ASSERT_DOUBLE_EQUAL(task.spec.speed, 0.5, 0);
    CU_ASSERT_STRING_EQUAL(inner.lb, "inner");
    CU_ASSERT_DOUBLE_EQUAL(inner.register_at_s, 60, 0);
    CU_ASSERT(said(&f, "c.yaml:3:30: error: 'count' does not belong in a launch template: the "
                       "group decides how many instances run and where\n"
                       "c.yaml:3:40: error: 'zone' does not belong in a launch template: the "
                       "group decides how many instances run and where\n"
                       "c.yaml:4:39: error: no Fargate size has cpu 0.25 with memory 4 GB; valid "
                       "memory for cpu 0.25: 0.5, 1, 2 GB\n"));
    target_cfg_write(&task, f.z.names, mem_open(&m));
    CU_ASSERT(text_is(mem_text(&m),
                      "      - { kind: fargate, cpu: 0.5, memory: 1GB, count: 3, discipline: fcfs, "
                      "queue_limit: 0 }\n"));
    target_cfg_write(&inner, f.z.names, mem_open(&m));
    CU_ASSERT(text_is(mem_text(&m), "      - { lb: \"inner\", register_at: 1m }\n"));
    target_cfg_write_template(&tmpl, mem_open(&m));
    CU_ASSERT(
        text_is(mem_text(&m),
                "{ kind: ec2, instance_type: c5.large, discipline: fcfs, queue_limit: 0 }\n"));
    target_cfg_fini(&task);
    target_cfg_fini(&inner);
    target_cfg_fini(&tmpl);
    target_cfg_fini(&bad);
    finish(&f);
}

/* ---- faults (models/compute) ---- */

static void fault_reads_kind_and_keeps_the_file_name(void)
{
    struct fixture f;
    struct mem m;
    start(&f, "- { at: 5m, target: web/2, kind: 'slow(factor=3)', duration: 1m }\n"
              "- { at: 8m, zone: b, kind: outage }\n"
              "- { at: 9m, zone: b, kind: crash }\n"
              "- { at: 9m, target: web/1, kind: host_down }\n"
              "- { at: 9m, target: web/1, kind: reboot }\n");
    struct sc_fault slow = {0}, out = {0}, bad = {0}, down = {0}, bad2 = {0};
    CU_ASSERT_EQUAL(fault_cfg_read(&f.r, f.t->items[0], &slow), 0);
    CU_ASSERT_EQUAL(fault_cfg_read(&f.r, f.t->items[1], &out), 0);
    CU_ASSERT_EQUAL(fault_cfg_read(&f.r, f.t->items[2], &bad), -1);
    CU_ASSERT_EQUAL(fault_cfg_read(&f.r, f.t->items[3], &down), 0);
    CU_ASSERT_EQUAL(fault_cfg_read(&f.r, f.t->items[4], &bad2), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:3:13: error: a crash fault takes a target (target: GROUP/N); a "
                       "zone takes kind: outage\n"
                       "c.yaml:5:34: error: unknown fault kind 'reboot'; expected one of: "
                       "crash, host_down, hang, slow(factor=F), errors(rate=R), outage\n"));
    CU_ASSERT(slow.kind == TARGET_FAULT_SLOW && slow.factor == 3 && slow.zone == -1);
    CU_ASSERT_STRING_EQUAL(slow.kind_text, "slow(factor=3)");
    CU_ASSERT_PTR_EQUAL(slow.loc.file, f.r.file); /* outlives the tree */
    /* A zone outage makes its hosts unreachable: host_down on each, not a crash. */
    CU_ASSERT(out.outage && out.kind == TARGET_FAULT_HOST_DOWN);
    CU_ASSERT(!down.outage && down.kind == TARGET_FAULT_HOST_DOWN);
    CU_ASSERT_STRING_EQUAL(down.kind_text, "host_down");
    CU_ASSERT_STRING_EQUAL(out.zone_name, "b");
    fault_cfg_write(&slow, mem_open(&m));
    CU_ASSERT(
        text_is(mem_text(&m),
                "  - { at: 5m, target: \"web/2\", kind: \"slow(factor=3)\", duration: 1m }\n"));
    fault_cfg_write(&out, mem_open(&m));
    CU_ASSERT(text_is(mem_text(&m), "  - { at: 8m, zone: \"b\", kind: \"outage\" }\n"));
    fault_cfg_fini(&slow);
    fault_cfg_fini(&out);
    fault_cfg_fini(&bad);
    fault_cfg_fini(&down);
    fault_cfg_fini(&bad2);
    finish(&f);
}

/* ---- Auto Scaling groups (models/scaling) ---- */

static void asg_reads_its_block_and_policies(void)
{
    struct fixture f;
    struct mem m;
    start(&f, "name: web\n"
              "launch_template: { instance_type: c5.large }\n"
              "min: 2\n"
              "max: 10\n"
              "target_groups: [web]\n"
              "zones: [b]\n"
              "monitoring: detailed\n"
              "policies:\n"
              "  - { name: cpu50, type: target_tracking, metric: ASGAverageCPUUtilization, "
              "target: 50 }\n");
    struct sc_asg a = {0};
    CU_ASSERT_EQUAL(asg_cfg_read(&f.r, f.t, &a), 0);
    stop(&f);
    CU_ASSERT(said(&f, ""));
    CU_ASSERT(a.min == 2 && a.max == 10 && a.desired == 2);
    CU_ASSERT(a.warmup_s == 300 && a.grace_s == 300 && a.detailed_monitoring);
    CU_ASSERT_EQUAL(a.tmpl.spec.servers, 2);
    CU_ASSERT_PTR_NOT_NULL(a.launch_time);
    CU_ASSERT(a.ntgs == 1 && !strcmp(a.tg_names[0], "web") && a.tg_locs[0].line == 5);
    CU_ASSERT(a.nzones == 1 && a.zones[0] == 0);
    CU_ASSERT_EQUAL_FATAL(a.npolicies, 1);
    CU_ASSERT_STRING_EQUAL(a.ctx.owner_name, "web");
    CU_ASSERT(a.ctx.detailed_monitoring);
    CU_ASSERT_EQUAL(a.ctx.clock.epoch_s, f.r.start_epoch_s);
    asg_cfg_write(&a, f.z.names, mem_open(&m));
    char *text = mem_text(&m);
    CU_ASSERT(starts_with(text,
                          "  - name: \"web\"\n"
                          "    target_groups: [\"web\"]\n"
                          "    zones: [\"b\"]\n"
                          "    launch_template: { kind: ec2, instance_type: c5.large, discipline: "
                          "fcfs, queue_limit: 0 }\n"
                          "    min: 2\n"
                          "    max: 10\n"
                          "    desired: 2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "    policies:\n      - { name: 'cpu50', type: "
                                        "target_tracking, metric: ASGAverageCPUUtilization"));
    free(text);
    asg_cfg_fini(&a);
    finish(&f);
}

static void asg_reports_its_policies_problems(void)
{
    struct fixture f;
    start(&f, "name: web\n"
              "launch_template: { vcpus: 1 }\n"
              "termination_policy: random\n"
              "policies:\n"
              "  - { name: p, type: target_tracking, metric: ALBRequestCountPerTarget, "
              "target: 100 }\n"
              "  - { name: p, type: scheduled, at: 1h, desired: 3 }\n");
    struct sc_asg a = {0};
    CU_ASSERT_EQUAL(asg_cfg_read(&f.r, f.t, &a), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:3:21: error: unknown termination_policy 'random'; expected one "
                       "or a list of: Default, OldestInstance, NewestInstance, "
                       "OldestLaunchTemplate, OldestLaunchConfiguration, "
                       "ClosestToNextInstanceHour, AllocationStrategy\n"
                       "c.yaml:6:5: error: duplicate policy name 'p' in group 'web'\n"));
    asg_cfg_fini(&a);
    finish(&f);
}

/* suspended_processes takes AWS's process names; an unknown one, or InstanceRefresh
 * (nothing to suspend here), is an error at its place. */
static void asg_checks_its_suspended_processes(void)
{
    struct fixture f;
    start(&f, "name: web\n"
              "launch_template: { vcpus: 1 }\n"
              "suspended_processes: [AZRebalance, Lunch]\n");
    struct sc_asg a = {0};
    CU_ASSERT_EQUAL(asg_cfg_read(&f.r, f.t, &a), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:3:36: error: unknown process 'Lunch' in suspended_processes; "
                       "expected: Launch, Terminate, AddToLoadBalancer, AlarmNotification, "
                       "AZRebalance, HealthCheck, ReplaceUnhealthy, ScheduledActions\n"));
    asg_cfg_fini(&a);
    finish(&f);
    start(&f, "name: web\n"
              "launch_template: { vcpus: 1 }\n"
              "suspended_processes: [InstanceRefresh]\n");
    struct sc_asg b = {0};
    CU_ASSERT_EQUAL(asg_cfg_read(&f.r, f.t, &b), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:3:23: error: elbsim models no instance refresh, so "
                       "'InstanceRefresh' has nothing to suspend\n"));
    asg_cfg_fini(&b);
    finish(&f);
}

/* A predictive policy's history is read relative to the scenario's folder; a policy on a
 * target group's requests needs a group. */
static void policies_history_and_target_group_checks(void)
{
    struct fixture f;
    start(&f, "- { name: p, type: predictive, target: 50, history: pred_history.csv }\n"
              "- { name: q, type: predictive, target: 50 }\n"
              "- { name: r, type: target_tracking, metric: ALBRequestCountPerTarget, "
              "target: 100 }\n");
    struct scaling_ctx ctx;
    scaling_ctx_default(&ctx, METRIC_RES_ASG, "web");
    struct scaling_policy pol[3];
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL_FATAL(scaling_policy_read(f.t->items[i], &ctx, &pol[i]), 0);
    CU_ASSERT_EQUAL(policy_cfg_history_read(&f.r, "web", &pol[0]), 0);
    CU_ASSERT_EQUAL(pol[0].history_n, 48);
    CU_ASSERT_EQUAL(policy_cfg_history_read(&f.r, "web", &pol[1]), -1);
    CU_ASSERT_EQUAL(policy_cfg_check_groups(&f.r, pol, 3, 1, "web"), 0);
    CU_ASSERT_EQUAL(policy_cfg_check_groups(&f.r, pol, 3, 0, "web"), -1);
    stop(&f);
    CU_ASSERT_EQUAL(f.r.y.errors, 2);
    CU_ASSERT(said(&f, "c.yaml:2:3: error: predictive policy 'q' of 'web' has 0 hours of "
                       "history; it needs at least 24 (history: FILE), or wait_for_history: "
                       "true to wait for the run's own, as AWS does\n"
                       "c.yaml:3:3: error: policy 'r' of 'web' scales on a target group's "
                       "requests or responses, but 'web' registers with no target group (add "
                       "target_groups: [NAME])\n"));
    for (int i = 0; i < 3; i++)
        scaling_policy_fini(&pol[i]);
    finish(&f);
}

/* ---- ECS services (models/containers) ---- */

static void ecs_service_reads_its_block_and_checks_it(void)
{
    struct fixture f;
    start(&f, "- { name: api, task: { cpu: 1, memory: 2GB }, min: 2, max: 8, zones: [z] }\n"
              "- { name: ec2, launch_type: ec2 }\n"
              "- { name: tiny, task: { cpu: 0.3 } }\n");
    struct sc_ecs api = {0}, ec2 = {0}, tiny = {0};
    CU_ASSERT_EQUAL(ecs_cfg_read(&f.r, f.t->items[0], &api), 0);
    CU_ASSERT(api.cfg.cpu == 1 && api.cfg.memory_gb == 2 && api.cfg.desired == 2);
    CU_ASSERT(api.cfg.launch_type == ECS_LAUNCH_FARGATE);
    CU_ASSERT(api.cfg.nzones == 1 && api.cfg.zones == api.zones && api.zones[0] == 0);
    CU_ASSERT_STRING_EQUAL(api.cfg.ctx.owner_name, "api");
    CU_ASSERT_EQUAL(ecs_cfg_read(&f.r, f.t->items[1], &ec2), -1);
    f.r.y.errors = 0; /* the check runs on a block read without errors */
    CU_ASSERT_EQUAL(ecs_cfg_read(&f.r, f.t->items[2], &tiny), -1);
    stop(&f);
    CU_ASSERT(said(&f, "c.yaml:2:3: error: launch_type ec2 needs a cluster: { instance_type: "
                       "c5.xlarge, max: 10 }\n"
                       "c.yaml:3:3: error: ECS service 'tiny': no Fargate size has cpu 0.3 with "
                       "memory 0.5 GB; valid memory for cpu 0.3: none: cpu must be one of 0.25, "
                       "0.5, 1, 2, 4, 8, 16\n"));
    ecs_cfg_fini(&api);
    ecs_cfg_fini(&ec2);
    ecs_cfg_fini(&tiny);
    finish(&f);
}

static CU_TestInfo readers_tests[] = {
    {"workload_reads_its_block_and_writes_it_back", workload_reads_its_block_and_writes_it_back},
    {"workload_reports_every_problem", workload_reports_every_problem},
    {"lb_takes_its_type_defaults_and_registers_zones_in_order",
     lb_takes_its_type_defaults_and_registers_zones_in_order},
    {"lb_reports_what_its_type_cannot_do", lb_reports_what_its_type_cannot_do},
    {"alb_connect_timeout_is_read_and_written_back", alb_connect_timeout_is_read_and_written_back},
    {"alb_cross_zone_off_is_an_error", alb_cross_zone_off_is_an_error},
    {"lb_inter_zone_price_defaults_by_type_and_is_checked",
     lb_inter_zone_price_defaults_by_type_and_is_checked},
    {"target_group_defaults_come_from_the_lb_type_that_uses_it",
     target_group_defaults_come_from_the_lb_type_that_uses_it},
    {"target_group_reports_settings_its_lb_type_lacks",
     target_group_reports_settings_its_lb_type_lacks},
    {"targets_entry_and_launch_template", targets_entry_and_launch_template},
    {"fault_reads_kind_and_keeps_the_file_name", fault_reads_kind_and_keeps_the_file_name},
    {"asg_reads_its_block_and_policies", asg_reads_its_block_and_policies},
    {"asg_reports_its_policies_problems", asg_reports_its_policies_problems},
    {"asg_checks_its_suspended_processes", asg_checks_its_suspended_processes},
    {"policies_history_and_target_group_checks", policies_history_and_target_group_checks},
    {"ecs_service_reads_its_block_and_checks_it", ecs_service_reads_its_block_and_checks_it},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_readers_suites[] = {
    {"readers", NULL, NULL, NULL, NULL, readers_tests},
    CU_SUITE_INFO_NULL,
};
