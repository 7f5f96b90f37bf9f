/*
 * lb_cfg — one entry of the scenario's `load_balancers:`: type, zones, cross-zone, the
 * processing latency, idle timeout and its one listener with rules and forwards
 * (docs/load-balancers.md; defaults by type from AWS.md §1-§4).
 *
 * lb_read.c reads the entry (every key and value checked, each problem reported at its
 * file:line:col), frees it, and writes it back for the resolved scenario.yaml.
 * models/elb/lb runs it; models/scenario checks the names it refers to (target groups,
 * `next`) and that chains of load balancers end.
 */
#ifndef ELBSIM_MODELS_LB_CFG_H
#define ELBSIM_MODELS_LB_CFG_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/diag.h"

struct cfg_read;
struct sim_dist;
struct ytree;

struct sc_forward {
    char *target_group;
    struct loc loc;
    double weight;
};

struct sc_rule {
    char *path;                  /* glob, NULL = any */
    char *host;                  /* glob, NULL = any */
    struct sc_forward *fw;
    int nfw;
};

enum sc_lb_type { SC_LB_ALB, SC_LB_NLB, SC_LB_GWLB, SC_LB_CLB };

/* Listener protocols.  HTTP/HTTPS route each request (L7); the others each flow (L4). */
enum sc_protocol { SC_HTTP, SC_HTTPS, SC_TCP, SC_TLS, SC_UDP, SC_TCP_UDP, SC_SSL, SC_GENEVE };

/* Everything is owned and freed by lb_cfg_fini.  Invariant once read: rules hold the
 * listener's rules in order, its default forward (if any) last. */
struct sc_lb {
    char *name;
    struct loc loc;              /* of the LB's mapping */
    enum sc_lb_type type;
    enum sc_protocol protocol;   /* of its one listener */
    int port;                    /* the listener's port: as given, else 443 for HTTPS, TLS
                                  * and SSL, 80 for the others (access logs) */
    bool l4;                     /* routes flows (NLB, GWLB, CLB TCP/SSL), not requests */
    int *zones;                  /* indices into scenario zones */
    int nzones;
    bool cross_zone;
    double idle_timeout_s;       /* L7: connection idle timeout; L4: a flow idle this long is
                                  * forgotten (TCP: the next packet is reset) */
    double connect_timeout_s;    /* ALB, CLB (proxies): how long the LB waits for a target's
                                  * host to accept a connection before it answers 504 (CLB
                                  * TCP/SSL: closes the client's connection); 0 for NLB and
                                  * GWLB, which pass connection attempts through */
    double inter_zone_usd_per_gb; /* USD per GB between an LB node and a target in another
                                   * zone: NLB, GWLB $0.02 (EC2's $0.01 out of one zone plus
                                   * $0.01 into the other); ALB, CLB 0 (AWS does not charge
                                   * it).  docs/load-balancers.md "Cost" */
    char *next;                  /* GWLB: the LB inspected traffic goes on to */
    struct loc next_loc;
    char *latency_text;          /* "realistic", "classroom", "none" or a distribution */
    struct sim_dist *latency;    /* NULL = no added latency */
    struct sc_rule *rules;
    int nrules;
};

/* Read the load balancer mapping m into *lb (zeroed by the caller), defaults of its type
 * filled in; its zones are registered through r.  Returns 0, or -1 after reporting every
 * problem found (counted in r); *lb is then still safe to pass to lb_cfg_fini. */
int lb_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_lb *lb);

/* lb as one item of `load_balancers:` (2-space indent), every value explicit; zones are
 * the scenario's zone names. */
void lb_cfg_write(const struct sc_lb *lb, char *const *zones, FILE *f);

void lb_cfg_fini(struct sc_lb *lb);

/* The type as scenarios write it ("alb", "nlb", "gwlb", "clb"), and the article that goes
 * before it in a message ("an alb", "a gwlb"). */
const char *lb_cfg_type_name(enum sc_lb_type t);
const char *lb_cfg_article(enum sc_lb_type t);

#endif
