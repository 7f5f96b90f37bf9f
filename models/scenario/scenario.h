/*
 * scenario — a scenario file read, checked and resolved into plain configuration.
 *
 * This is the user's language (DESIGN.md "Scenario files"; docs/scenario.md documents every key and
 * its default).  scenario_load reads the YAML (sim/ytree), applies `--set` overrides,
 * checks every key and value — reporting file:line:column, the value and what was
 * expected — and fills in defaults, so the models may assume a valid configuration.
 * scenario_write_resolved prints the fully resolved scenario back as YAML.
 *
 * Each list item is read, freed and written back by its component, next to the code that
 * runs it: workloads (models/traffic/workload_cfg.h), load balancers (models/elb/lb_cfg.h),
 * target groups (models/elb/target_group_cfg.h) and their targets
 * (models/compute/target_cfg.h), faults (models/compute/fault_cfg.h), Auto Scaling groups
 * (models/scaling/asg_cfg.h), ECS services (models/containers/ecs_cfg.h).  This module
 * keeps the top-level keys, the SLOs, the zones (numbered in order of first appearance,
 * through models/core/cfg_read.h), the names one item gives another, and what depends on
 * more than one item (a target group's defaults by the type of the LBs that use it, chains
 * of load balancers).
 *
 * Ownership: everything hangs off struct scenario and is freed by scenario_free.
 */
#ifndef ELBSIM_MODELS_SCENARIO_H
#define ELBSIM_MODELS_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/compute/fault_cfg.h"
#include "models/compute/target_cfg.h"
#include "models/core/trace.h"
#include "models/containers/ecs_cfg.h"
#include "models/kube/kube_cfg.h"
#include "models/elb/lb_cfg.h"
#include "models/elb/target_group_cfg.h"
#include "models/scaling/asg_cfg.h"
#include "models/traffic/workload_cfg.h"
#include "sim/diag.h"

/* An SLO: "SCOPE.NAME.METRIC OP NUMBER", judged on the summary after the warm-up, or with
 * "over WINDOW" in every window of that length after the warm-up (latency, error ratio or
 * throughput of a workload or the run), the worst window deciding. */
struct sc_slo {
    char *text;                  /* "workload.shoppers.latency_p99_s < 0.5 over 5m" */
    char *scope, *name, *metric; /* parsed path */
    char op[3];                  /* "<", "<=", ">", ">=" */
    double value;
    double window_s;             /* s: judged in every window this long; 0 = the whole run */
    struct loc loc;              /* the SLO's text: the scenario's line, or --set's column */
};

/* output.per_target: per-target time series and summary rows (`target` scope) always
 * (ON), never (OFF: the target groups' aggregates instead), or (AUTO, the default) when
 * the run holds at most SCENARIO_PER_TARGET_AUTO_MAX targets at once. */
enum sc_per_target { SC_PER_TARGET_AUTO, SC_PER_TARGET_ON, SC_PER_TARGET_OFF };
#define SCENARIO_PER_TARGET_AUTO_MAX 1000

/* The default run-size limit: expected requests (arrival draws) over the run.  About an
 * hour at the speeds docs/performance.md measures; raise it with limits: { requests: N }. */
#define SCENARIO_MAX_REQUESTS 1e10

struct scenario {
    char *file;                  /* path as given */
    char *dir;                   /* its folder, for relative trace/empirical paths */
    char *name;
    double duration_s;
    double warmup_s;
    double max_requests;         /* limits.requests: the run-size limit, SCENARIO_MAX_REQUESTS */
    uint64_t seed;
    int64_t start_epoch_s;       /* Unix time (UTC) of simulated t = 0: schedules, diurnal */
    double interval_s;           /* s: time-series resolution (resolved from `auto`) */
    bool interval_auto;          /* output.interval was `auto` (the default) */
    bool log_requests;
    bool trace_on;               /* output.trace (or --trace): write trace.csv */
    struct trace_sel trace;      /* which requests the decision trace follows */
    bool report;                 /* output.report: `elbsim run` writes report.html too */
    bool access_logs;            /* output.access_logs: AWS-format LB access logs */
    bool cloudwatch;             /* output.cloudwatch: get-metric-data and scaling activities */
    enum sc_per_target per_target_set; /* output.per_target as written (AUTO when absent) */
    bool per_target_given;       /* output.per_target was written: write it back */
    bool per_target;             /* resolved: per-target series and summary rows are written */
    int64_t max_targets;         /* the most targets the run can hold at once (static ones,
                                  * each group's and service's max, each deployment's most
                                  * pods): what `auto` decides by */
    char **zones;                /* zone names in order of first appearance */
    int nzones;
    struct sc_workload *workloads;
    int nworkloads;
    struct sc_lb *lbs;
    int nlbs;
    struct sc_tg *tgs;
    int ntgs;
    struct sc_slo *slos;
    int nslos;
    struct sc_fault *faults;
    int nfaults;
    struct sc_asg *asgs;
    int nasgs;
    struct sc_ecs *ecs;
    int necs;
    struct sc_kube *kube;        /* eks_clusters */
    int nkube;
};

/* Read path, apply the `--set` overrides (nset of them), check and resolve.  Returns 0
 * and *out, or -1 after reporting every problem found through diag. */
int scenario_load(const char *path, char *const *sets, int nsets, struct scenario **out);

/* Same from text (tests); `name` stands for the file name in messages. */
int scenario_load_string(const char *text, const char *name, char *const *sets, int nsets,
                         struct scenario **out);

void scenario_free(struct scenario *sc);

/* The resolved scenario as YAML, defaults filled in, with seed and elbsim version. */
void scenario_write_resolved(const struct scenario *sc, FILE *f);

/* `output.interval: auto` (the default): the smallest of 1 s, 5 s, 10 s, 30 s, 1 min,
 * 2 min, 5 min, 10 min, 15 min, 30 min, 1 h, 2 h, 3 h, 6 h, 12 h, 1 d (then whole days)
 * that gives at most SCENARIO_AUTO_POINTS intervals over duration_s. */
#define SCENARIO_AUTO_POINTS 2000
double scenario_auto_interval(double duration_s);

/* Index of a target group / LB / zone by name, or -1. */
int scenario_tg_index(const struct scenario *sc, const char *name);
int scenario_lb_index(const struct scenario *sc, const char *name);

#define ELBSIM_VERSION "0.1.0"

/* The longest scenario name, in bytes (a folder name under out/). */
#define SCENARIO_NAME_MAX 200
#define SCENARIO_NAME_MAX_TEXT "200"

/* Why name cannot be a run's folder under out/ (empty, too long, leading '.', '/',
 * control characters), or NULL when it can. */
const char *scenario_name_problem(const char *name);

#endif
