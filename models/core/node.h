/*
 * node — anything that can receive a request: load balancers, target groups, targets.
 *
 * One small interface makes chains compose without special cases (GWLB → appliance →
 * ALB → EC2, NLB → ALB): a node accepts a request and later, as the response passes back,
 * is told it completed.  The request carries the hops it passed through; request_respond()
 * walks them in reverse and finally hands the response to the workload that sent it.
 * `struct node` is the first member of each node type; container_of recovers the outer
 * struct.
 */
#ifndef ELBSIM_MODELS_NODE_H
#define ELBSIM_MODELS_NODE_H

#include <stdbool.h>
#include <stdint.h>

struct node;
struct env;
struct request;
struct rq_hop;

struct node_ops {
    const char *kind; /* "alb", "target_group", "target", ... */
    /* Take the request.  The node either forwards it (node_send), serves it, or answers
     * with request_respond(). */
    void (*accept)(struct node *n, struct request *rq);
    /* The response passes back through this node (status in rq->status).  Returns false
     * to let it pass on at once, or true to hold it: the node then calls request_resume()
     * later (a GWLB sends the return direction through its appliance).  May be NULL. */
    bool (*done)(struct node *n, struct request *rq);
    /* An appliance pass the node started (request.h `pass`) is over: the appliance
     * answered with status (RQ_OK, or the error the appliance returned).  Only nodes that
     * start passes (GWLB) set it. */
    void (*pass_done)(struct node *n, struct request *rq, int status);
    /* Fetch (__builtin_prefetch) what done() will touch for rq, whose hop here is h; called
     * ahead of the response by whoever knows it is coming (a target, about a hundred
     * events before a completion), in two stages a few events apart: 1 fetches the node's
     * own records, 2 may read them to fetch what they point to.  Returns whether stage 2
     * has anything to fetch.  Changes nothing.  May be NULL. */
    bool (*prefetch_done)(const struct node *n, const struct request *rq,
                          const struct rq_hop *h, int stage);
};

struct node {
    const struct node_ops *ops;
    const char *name;    /* borrowed from the scenario arena */
    struct env *env;     /* the running world's services (models/core/env.h); borrowed */
};

/* Record `to` as a hop of rq and let it accept the request. */
void node_send(struct node *to, struct request *rq);

#endif
