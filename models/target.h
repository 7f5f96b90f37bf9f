/*
 * target — an EC2 instance or a Fargate task that serves requests.
 *
 * Service model: the target's vCPUs are `servers` identical servers of speed `speed`; a
 * request needs demand_s / speed seconds of one server.  With FCFS the servers share one
 * first-come-first-served queue (a 4-vCPU target is an M/G/4 station); with processor
 * sharing (PS) every request in the target progresses at speed·min(1, servers/n).  An
 * optional limit on requests held (in service + waiting) turns the excess away with 503.
 * AWS.md: vCPUs are workers; the speed factor and the queue are elbsim's model of the
 * application, not anything AWS documents.
 *
 * Lifecycle: pending → in service → draining → terminated (static targets are in service
 * for the whole run; scaling groups move targets through the states).  CPU utilisation is
 * the time-average of busy servers / servers; cost is billed per second with the type's
 * minimum (EC2 and Fargate: 60 s).
 */
#ifndef ELBSIM_MODELS_TARGET_H
#define ELBSIM_MODELS_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "models/node.h"

struct request;

enum target_kind { TARGET_EC2, TARGET_FARGATE };
enum target_discipline { TARGET_FCFS, TARGET_PS };
enum target_state { TARGET_PENDING, TARGET_IN_SERVICE, TARGET_DRAINING, TARGET_TERMINATED };

/* What a target is made of; filled from the scenario (and the catalog). */
struct target_spec {
    enum target_kind kind;
    const char *instance_type;    /* catalog name, or NULL for an explicit shape */
    int servers;                  /* vCPUs used as servers (>= 1) */
    double speed;                 /* relative speed per vCPU, c5 = 1.0 */
    double memory_gb;
    double price_per_hour_usd;
    enum target_discipline discipline;
    int queue_limit;              /* max requests held (in service + waiting); 0 = no limit */
    int zone;                     /* index into the world's zones */
};

struct target {
    struct node node;             /* first: targets are nodes */
    uint32_t id;                  /* index in the world's target list */
    struct target_spec spec;
    enum target_state state;
    double launched_s;            /* s: billing starts */
    double stopped_s;             /* s: billing ends (terminated), else +inf */
    /* FCFS */
    int busy;                     /* servers in use */
    struct request *qhead, *qtail;
    int qlen;
    /* PS: requests in a binary min-heap on ps_finish (virtual time) */
    struct request **ps;
    int ps_n, ps_cap;
    double ps_vtime;              /* virtual time: service one job has received */
    double ps_vtime_at;           /* s: when ps_vtime was last brought up to date */
    uint64_t ps_ev;               /* the next PS completion event */
    /* Accounting since the start of the run. */
    double busy_area;             /* server-seconds busy */
    double busy_since;            /* s: last change of `busy` */
    uint64_t accepted, completed, rejected;
    int held;                     /* requests in the target (service + queue) */
};

/* Initialise a target in state TARGET_IN_SERVICE launched at `now`.  name is borrowed. */
void target_init(struct target *t, struct world *w, uint32_t id, const char *name,
                 const struct target_spec *spec, double now);
void target_fini(struct target *t);

/* Busy server-seconds up to now (accounting is brought up to date first). */
double target_busy_area(struct target *t, double now);

/* Requests waiting (not in service).  For PS all held requests are in service. */
int target_queue_length(const struct target *t);

/* Dollars billed for [launched, min(stopped, now)] with the billing minimum. */
double target_cost_usd(const struct target *t, double now);

/* Requests held by a target have been lost (crash): drop them with status 502. */

#endif
