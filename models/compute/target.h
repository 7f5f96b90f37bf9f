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
 *
 * Injected faults (docs/load-balancers.md "Faults"; at most one at a time, a new one
 * replaces the old):
 * crash — the process died on a live host: the host refuses connections.  The requests
 * held are dropped with 502 at the crash (their connections closed), new ones are refused
 * at once (502), and a health check fails at once (a refused connection);
 * host_down — the host is gone or unreachable: nothing answers.  The requests held are
 * stranded (they get 502 when the host comes back), new ones get RQ_UNREACHABLE at once,
 * which the load balancer turns into what its clients see after waiting (an ALB: 504 after
 * its connect timeout; an NLB: no answer at all), and a health check fails after its
 * timeout;
 * hang — new requests are accepted and never answered (clients time out; the requests
 * already held finish), and when the hang ends the stranded ones are dropped with 502;
 * health checks fail after their timeout;
 * slow(factor) — requests starting service after the fault take factor × as long;
 * errors(rate) — each new request is answered 500 at once with that probability.
 * Slow and erroring targets pass their health checks.
 */
#ifndef ELBSIM_MODELS_TARGET_H
#define ELBSIM_MODELS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/core/node.h"
#include "sim/queue.h"

struct env;
struct request;
struct target;

enum target_kind { TARGET_EC2, TARGET_FARGATE };
enum target_discipline { TARGET_FCFS, TARGET_PS };
enum target_state { TARGET_PENDING, TARGET_IN_SERVICE, TARGET_DRAINING, TARGET_TERMINATED };
enum target_fault {
    TARGET_FAULT_NONE,
    TARGET_FAULT_CRASH,
    TARGET_FAULT_HANG,
    TARGET_FAULT_SLOW,
    TARGET_FAULT_ERRORS,
    TARGET_FAULT_HOST_DOWN
};

/* What a health check of a target finds. */
enum target_check {
    TARGET_CHECK_PASS,       /* answered: passes at once */
    TARGET_CHECK_REFUSED,    /* connection refused (crashed process): fails at once */
    TARGET_CHECK_SILENT      /* no answer (host down, hung, not in service): fails at the
                              * check's timeout */
};

/* What a target is made of; filled from the scenario (and the catalog). */
struct target_spec {
    /* First what a request reads (the end of struct target's second cache line). */
    int servers;                  /* vCPUs used as servers (>= 1) */
    enum target_discipline discipline;
    int queue_limit;              /* max requests held (in service + waiting); 0 = no limit */
    int zone;                     /* index into the world's zones */
    double speed;                 /* relative speed per vCPU, c5 = 1.0 */
    enum target_kind kind;
    const char *instance_type;    /* catalog name, or NULL for an explicit shape */
    double memory_gb;
    double price_per_hour_usd;
};

/*
 * What a request reads and writes comes first, in two cache lines (a target is 64-byte
 * aligned in its list's blocks): with 10^5 targets each is cold when a request comes, and
 * is fetched ahead of it and again ahead of its completion.  TARGET_HOT_BYTES is that part
 * (target.c checks the fields fit), for whoever fetches a target ahead of a request.  The
 * first line also holds all the per-interval scan reads (sim/cli/run.c), so that scan
 * streams one line of each target.
 */
#define TARGET_HOT_BYTES 128
struct target {
    struct node node;             /* first: targets are nodes */
    int busy;                     /* servers in use */
    int held;                     /* requests in the target (service + queue) */
    int qlen;
    /* Two bytes each: with them the hot fields fit in two lines. */
    enum target_state state : 16;
    enum target_fault fault : 16; /* injected fault (below: its parameters) */
    /* Accounting since the start of the run. */
    double busy_area;             /* server-seconds busy */
    double busy_since;            /* s: last change of `busy` */
    uint64_t completed;
    /* Second line. */
    struct request *qhead, *qtail; /* FCFS: waiting */
    uint64_t accepted;
    /* FCFS: the requests in service, [0, busy), and their completion events
     * (target_svc): a one-server target's inline, a larger one's arrays. */
    union {
        struct request *svc_one[1];
        struct request **svc_many;
    };
    union {
        sim_handle svc_ev_one[1];
        sim_handle *svc_ev_many;
    };
    struct target_spec spec;      /* its first 24 bytes end the second line */
    uint32_t id;                  /* index in the world's target list */
    double launched_s;            /* s: billing starts */
    double stopped_s;             /* s: billing ends (terminated), else +inf */
    uint64_t rejected;
    bool svc_owned;               /* svc_many and svc_ev_many are allocations of their own
                                   * (target_init), not in the list's blocks */
    /* PS: requests in a binary min-heap on ps_finish (virtual time) */
    struct request **ps;
    int ps_n, ps_cap;
    double ps_vtime;              /* virtual time: service one job has received */
    double ps_vtime_at;           /* s: when ps_vtime was last brought up to date */
    uint64_t ps_ev;               /* the next PS completion event */
    uint64_t passes[3];           /* GWLB appliance passes completed, by RQ_PASS_* (forward,
                                   * return): what this appliance actually processed */
    /* Injected fault's parameters. */
    int fault_id;                 /* the scenario fault that set it; -1 = none */
    double fault_factor;          /* slow: service time multiplier */
    double fault_rate;            /* errors: probability of a fast 500 */
    gsl_rng *fault_rng;           /* errors: the fault's stream (borrowed) */
    struct request *hung;         /* hang, host_down: requests held and never answered */
    uint64_t dropped;             /* requests answered 502/500 (or left unreachable) because
                                   * of a fault */
    void *owner;                  /* what launched it (owner_kind says which), or NULL */
    enum { TARGET_OWNER_NONE, TARGET_OWNER_ASG, TARGET_OWNER_ECS, TARGET_OWNER_KUBE } owner_kind;
    const struct target_owner_ops *owner_ops; /* how to tell the owner; NULL: no owner */
};

/* What a target tells whoever launched it (an Auto Scaling group, an ECS service).  The
 * owner sets it when it makes the target; callers go through target_drained(). */
struct target_owner_ops {
    /* Every target group it was registered with finished draining it.  May be NULL. */
    void (*drained)(void *owner, struct target *t);
};

/* Fetch the part of t a request touches (TARGET_HOT_BYTES) ahead of use; changes
 * nothing. */
static inline void target_prefetch(const struct target *t)
{
    for (size_t off = 0; off < TARGET_HOT_BYTES; off += 64)
        __builtin_prefetch((const char *)t + off);
}

/* A target group finished draining t: tell its owner, if it has one that cares. */
static inline void target_drained(struct target *t)
{
    if (t->owner_ops && t->owner_ops->drained)
        t->owner_ops->drained(t->owner, t);
}

/* Every target of a run, by id (creation order).  The world owns one; scaling groups and
 * services borrow it to make their instances and tasks, faults to find theirs. */
struct target_list {
    struct target **t;            /* [n] */
    uint32_t n, cap;
    struct env *env;              /* borrowed: what new targets live in */
    char *const *zone_names;      /* [nzones] borrowed from the scenario (NULL: none) */
    int nzones;
    int *zone_outages;            /* [nzones] outages in progress per zone (faults set it);
                                   * owned, freed by target_list_fini */
    struct target_block *blocks;  /* where the targets, their in-service slots and names
                                   * live (target.c); owned */
};

/* Is zone z impaired (an outage in progress) now? */
bool target_list_zone_is_out(const struct target_list *l, int z);

/* The name of zone z ("?" when unknown). */
const char *target_list_zone_name(const struct target_list *l, int z);

/* A new target named `name` (copied; the list frees it) with the next id, in service from
 * now.  The list owns it: it lives, with its name, in the list's blocks until
 * target_list_fini. */
struct target *target_list_new(struct target_list *l, const char *name,
                               const struct target_spec *spec);

/* Free every target and the list's storage. */
void target_list_fini(struct target_list *l);

/* Initialise a target in state TARGET_IN_SERVICE launched at `now`.  name is borrowed. */
void target_init(struct target *t, struct env *env, uint32_t id, const char *name,
                 const struct target_spec *spec, double now);
void target_fini(struct target *t);

/* s: when rq reached rq->target (set): the time of its hop, the last one, or for an
 * appliance pass (GWLB), which is no hop, when the pass reached it. */
double target_arrival_s(const struct request *rq);

/* Busy server-seconds up to now (accounting is brought up to date first). */
double target_busy_area(struct target *t, double now);

/* Requests waiting (not in service).  For PS all held requests are in service. */
int target_queue_length(const struct target *t);

/* Dollars billed for [launched, min(stopped, now)] with the billing minimum. */
double target_cost_usd(const struct target *t, double now);

/* Start fault `id` of kind `kind` (factor: slow; rate and rng: errors, rng borrowed).
 * A crash drops every held request with 502 now; host_down strands them (no answer until
 * the fault ends); a fault already active is ended first. */
void target_fault_start(struct target *t, int id, enum target_fault kind, double factor,
                        double rate, gsl_rng *rng);

/* End fault `id` if it is still the active one (requests stranded by a hang or while the
 * host was down get 502: their connections are gone). */
void target_fault_end(struct target *t, int id);

/* The requests the target holds (in service, queued, hung): up to cap into out; returns
 * how many it holds. */
size_t target_held(const struct target *t, struct request **out, size_t cap);

/* What a health check started now finds: it passes when the target is in service without
 * a crash, hang or host_down fault. */
enum target_check target_check(const struct target *t);

#endif
