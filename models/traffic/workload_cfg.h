/*
 * workload_cfg — one entry of the scenario's `workloads:`: who sends requests, how often,
 * with what demand (docs/scenario.md "Workloads" lists every key and its default).
 *
 * workload_read.c reads the entry (every key and value checked, each problem reported at
 * its file:line:col), frees it, and writes it back for the resolved scenario.yaml.
 * models/traffic/workload runs it; models/scenario checks that `entry` names a load
 * balancer.
 */
#ifndef ELBSIM_MODELS_WORKLOAD_CFG_H
#define ELBSIM_MODELS_WORKLOAD_CFG_H

#include <stdio.h>

#include "sim/diag.h"

struct arrivals;
struct cfg_read;
struct sim_dist;
struct ytree;

struct sc_path {
    char *path;
    double weight;
};

/* Open loop (arrivals) or closed loop (users > 0), never both.  Everything is owned and
 * freed by workload_cfg_fini. */
struct sc_workload {
    char *name;
    char *entry;                 /* name of the node requests enter */
    struct loc entry_loc;
    struct arrivals *arrivals;   /* open loop; NULL for closed-loop users */
    int users;                   /* closed loop: concurrent users (0 = open loop) */
    struct sim_dist *think;      /* closed loop: think time between a response and the next */
    struct sim_dist *demand;     /* CPU seconds per request at speed 1.0 */
    int conn_requests;           /* requests per connection (1 = a connection per request) */
    struct sim_dist *conn_think; /* pause between requests on a connection; NULL = none */
    double timeout_s;            /* client timeout per attempt; 0 = none */
    int retries;                 /* extra attempts after a timeout or 5xx */
    double backoff_s;            /* base of the exponential backoff with full jitter */
    struct sc_path *paths;       /* request paths with weights; none = "/" */
    int npaths;
    char *host;                  /* Host header; NULL = none */
};

/* Read the workload mapping m into *w (zeroed by the caller), defaults filled in; path
 * weights are normalised to sum to 1.  Returns 0, or -1 after reporting every problem
 * found (counted in r); *w is then still safe to pass to workload_cfg_fini. */
int workload_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_workload *w);

/* w as one item of `workloads:` (2-space indent), every value explicit. */
void workload_cfg_write(const struct sc_workload *w, FILE *f);

void workload_cfg_fini(struct sc_workload *w);

#endif
