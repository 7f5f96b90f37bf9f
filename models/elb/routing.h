/*
 * routing — how a target group picks a target for a request: pluggable algorithms.
 *
 * Each algorithm is a const `struct route_ops` table in its own file (routing_rr.c,
 * routing_lor.c, ...) plus one row in route_table[] (routing.c).  An instance is created
 * per (load-balancer node, target group) pair, because every LB node balances on its own
 * (AWS.md fact 6): a least-outstanding-requests node counts only what it sent itself.
 *
 * The instance sees the group's members by stable index and the view's eligible subset
 * (healthy, in the node's zone unless cross-zone).  When the eligible set changes the
 * group calls rebuild(); per request it calls pick(), then sent() for the chosen member,
 * and done() when the response comes back (also for members no longer eligible).
 *
 * Parameters: a scenario names an algorithm as `name` or `name(k=v, ...)` (sim/call.h
 * syntax), e.g. `power_of_d(d=3)`.  An algorithm with parameters has a configure() that
 * turns the parsed call into its configuration block (cfg_size bytes); each instance gets
 * that block once through init().  The scenario keeps the text; route_parse() checks it
 * when the scenario is read and route_instance_new() builds instances from it.
 */
#ifndef ELBSIM_MODELS_ROUTING_H
#define ELBSIM_MODELS_ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

struct loc;
struct request;
struct sim_call;
struct tg_member;

/* The members one routing instance may choose from. */
struct route_view {
    const uint32_t *eligible; /* member indices, in registration order */
    uint32_t n;               /* entries in eligible */
    uint32_t nmembers;        /* members of the group (eligible or not) */
    double now;               /* s: simulated time of the pick (0 in rebuild) */
};

/* What came back for a request an instance routed: for algorithms that learn from
 * responses (least_response_time, weighted_random's anomaly mitigation). */
struct route_outcome {
    int status;               /* RQ_* (request.h): 200, 5xx, ... */
    double latency_s;         /* s: from the group's send to the response passing back */
    double now;               /* s: simulated time the response passed back */
};

/* Where an algorithm applies (route_ops.modes).  L7 listeners (ALB, CLB HTTP) route each
 * request: pick per request, done when its response passes back.  L4 listeners (NLB,
 * GWLB, CLB TCP) route each flow once: pick when the flow opens, sent once, done when the
 * flow ends, so "outstanding" means open flows there. */
enum { ROUTE_PER_REQUEST = 1, ROUTE_PER_FLOW = 2 };

/* The decision trace (models/core/trace.h): what an algorithm saw when it chose, for a
 * traced request.  Candidates are (member, value) pairs in eligible order, at most
 * ROUTE_TRACE_MAX of them, the chosen one always among them; total counts them all. */
#define ROUTE_TRACE_MAX 16
struct route_trace {
    const char *what;        /* what the values are ("outstanding", "weight"); NULL: none */
    const char *scalar_name; /* a single figure ("cursor", "hash"); NULL: none */
    uint64_t scalar;
    uint32_t n, total;
    bool has_chosen;         /* the chosen member is among m[] */
    uint32_t m[ROUTE_TRACE_MAX];
    double val[ROUTE_TRACE_MAX];
};

/* Add candidate m with value val to t; chosen is the member the algorithm chose.  When the
 * list is full, only the chosen member still gets in (over the last entry). */
void route_trace_add(struct route_trace *t, uint32_t m, double val, uint32_t chosen);

/* Step i of a partial Fisher-Yates shuffle of perm[0, n): a uniform draw from perm[i, n)
 * swapped into perm[i], and returned.  Steps 0 .. k-1 from any starting order give a
 * uniform ordered sample of k without replacement. */
static inline uint32_t route_shuffle_step(uint32_t *perm, uint32_t i, uint32_t n, gsl_rng *rng)
{
    uint32_t j = i + (uint32_t)gsl_rng_uniform_int(rng, n - i);
    uint32_t tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
    return perm[i];
}

struct route_ops {
    const char *name;    /* as written in scenarios and listed by `elbsim list algorithms` */
    const char *summary; /* one line for `elbsim list` (say if it scans all targets) */
    bool aws;            /* offered by AWS (ALB target-group setting, or NLB/GWLB flow hash) */
    unsigned modes;      /* ROUTE_PER_REQUEST | ROUTE_PER_FLOW: the listeners it suits */
    bool no_slow_start;  /* cannot be combined with slow start (AWS: least outstanding
                          * requests) */
    bool reads_targets;  /* reads each target's size or queue (members' targets), so a group
                          * of load-balancer targets cannot use it */
    bool peek_far;       /* peek() answers k = 2 as cheaply as k = 0 (a cursor, no walk): the
                          * group then also fetches the next pick's last queued request */
    size_t priv_size;    /* per-instance state, zeroed before init and the first rebuild */
    size_t cfg_size;     /* configuration block, zeroed before configure; 0 = none */
    /* Fill cfg from the parameters of call (defaults first; call may have no arguments,
     * or be a bare name).  Reports a bad or unknown parameter through diag_error_text
     * (text and loc locate the call) and returns -1.  NULL: the algorithm takes no
     * parameters, and any parameter is an error (reported by route_parse). */
    int (*configure)(void *cfg, const struct sim_call *call, const char *text,
                     const struct loc *loc);
    /* Set up a new instance, once, before the first rebuild.  cfg is the configuration
     * (NULL when cfg_size is 0).  members is where the group keeps its member array
     * (`*members` may move as targets register, `members` does not; indexed like the
     * view), for algorithms that read a target's capacity (weighted_round_robin) or its
     * global load (join_shortest_queue); borrowed for the instance's life, may be NULL in
     * unit tests of algorithms that need neither.  May be NULL. */
    void (*init)(void *priv, const void *cfg, const struct tg_member *const *members);
    /* The eligible set changed (also called once at creation).  May be NULL. */
    void (*rebuild)(void *priv, const struct route_view *v);
    /* Choose a member index from v->eligible (v->n > 0). */
    uint32_t (*pick)(void *priv, const struct route_view *v, const struct request *rq,
                     gsl_rng *rng);
    /* A request was sent to member m.  May be NULL. */
    void (*sent)(void *priv, uint32_t m);
    /* The i-th member the k-th next pick (k = 0, 1; 2 with peek_far) may choose if nothing
     * changes before it (i = 0: the one it will choose, for an algorithm that knows;
     * power_of_d names the one it would choose now for k = 0 and its candidates, i < d,
     * for k = 1), or UINT32_MAX past the last; for prefetching only.  May be NULL. */
    uint32_t (*peek)(const void *priv, const struct route_view *v, uint32_t k, uint32_t i);
    /* Fetch what done() will touch for member m, ahead of it, in two stages a few events
     * apart: 1 fetches m's own record, 2 may read it to fetch what it points to (list
     * neighbours).  Returns whether stage 2 has anything to fetch.  Changes nothing.  May
     * be NULL. */
    bool (*prefetch_done)(const void *priv, uint32_t m, int stage);
    /* The response of a request sent to member m came back (o: its status and latency).
     * May be NULL. */
    void (*done)(void *priv, uint32_t m, const struct route_outcome *o);
    /* For a traced request only, after pick() chose member `chosen` and before sent():
     * describe the state the choice was made from (priv as pick() left it).  May be NULL
     * (the trace then lists no view). */
    void (*trace)(void *priv, const struct route_view *v, const struct request *rq,
                  uint32_t chosen, struct route_trace *out);
    /* Free what rebuild allocated.  May be NULL. */
    void (*fini)(void *priv);
};

/* The algorithm called name, or NULL.  A parameter list after the name ("power_of_d(d=3)")
 * is ignored, so a scenario's algorithm text may be given. */
const struct route_ops *route_find(const char *name);

/* Check an algorithm text (`name` or `name(k=v, ...)`) located at loc (NULL: command
 * line).  On success stores the algorithm in *ops and, when it has parameters, a new
 * configuration block in *cfg (else NULL; caller frees with free()); returns 0.  An unknown
 * name, an unknown or bad parameter or a syntax error is reported as file:line:col with
 * the value and what was expected; returns -1. */
int route_parse(const char *text, const struct loc *loc, const struct route_ops **ops,
                void **cfg);

/* A new instance of ops configured by text (NULL: the defaults), which route_parse must have
 * accepted (it is checked again; a bad text is a bug); members as for init().  Free with
 * route_instance_free. */
void *route_instance_new(const struct route_ops *ops, const char *text,
                         const struct tg_member *const *members);

/* Free an instance from route_instance_new (fini, then the block); NULL is ignored. */
void route_instance_free(const struct route_ops *ops, void *priv);

/* All algorithms, NULL-terminated, in the order `elbsim list algorithms` shows them. */
extern const struct route_ops *const route_table[];

/* Comma-separated names for error messages ("round_robin, least_outstanding_requests"). */
void route_names(char *buf, size_t n);

#endif
