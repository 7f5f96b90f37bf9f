/* Target type `instance`: the AWS Load Balancer Controller registers each node's NodePort in
 * the target group; kube-proxy on the node sends each request to a ready pod of the service,
 * chosen at random among all of them (externalTrafficPolicy: Cluster: an extra hop that may
 * cross zones) or among the node's own (Local: a node without one fails its health check).
 * docs/eks.md "Traffic in". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/core/env.h"
#include "models/core/request.h"
#include "models/elb/target_group.h"
#include "models/kube/kube.h"
#include "models/kube/kube_impl.h"
#include "sim/rng.h"
#include "sim/xalloc.h"

#define NO_MEMBER UINT32_MAX

static struct kube_proxy *proxy_of(const struct node *n)
{
    return container_of((struct node *)n, struct kube_proxy, node);
}

/* The ready pods a request through proxy x may go to. */
static const uint32_t *choices(const struct kube_proxy *x, uint32_t *n)
{
    const struct kube_deploy *dp = &x->k->deps[x->d];
    if (dp->cfg.local_traffic) {
        *n = x->nlocal;
        return x->local;
    }
    *n = dp->nready;
    return dp->ready;
}

static void proxy_accept(struct node *n, struct request *rq)
{
    struct kube_proxy *x = proxy_of(n);
    struct kube_cluster *k = x->k;
    uint32_t cnt;
    const uint32_t *from = choices(x, &cnt);
    if (cnt == 0 || k->nodes[x->nodei].state != KUBE_NODE_READY) {
        /* No endpoint: iptables rejects the connection; the load balancer answers 502. */
        request_respond(rq, RQ_BAD_GATEWAY);
        return;
    }
    /* iptables mode: rule i of n matches with probability 1 / (n - i): uniform. */
    uint32_t pick = cnt == 1 ? 0 : (uint32_t)gsl_rng_uniform_int(k->proxy_rng, cnt);
    node_send(&k->pods[from[pick]].t->node, rq);
}

/* The response passes back: count the hop that crossed zones, both directions. */
static bool proxy_done(struct node *n, struct request *rq)
{
    struct kube_proxy *x = proxy_of(n);
    struct kube_deploy *dp = &x->k->deps[x->d];
    for (int h = 0; h + 1 < rq->nhops; h++) {
        if (request_hop(rq, h)->node != n)
            continue;
        const struct node *next = request_hop(rq, h + 1)->node;
        if (strcmp(next->ops->kind, "target") != 0)
            break;
        const struct target *t = container_of((struct node *)next, struct target, node);
        dp->proxied++;
        if (t->spec.zone != x->k->nodes[x->nodei].zone) {
            dp->proxied_cross++;
            dp->cross_zone_bytes += (double)rq->request_bytes + (double)rq->response_bytes;
        }
        break;
    }
    return false;
}

static const struct node_ops proxy_ops = {
    .kind = "kube-proxy",
    .accept = proxy_accept,
    .done = proxy_done,
};

/* A health check of the NodePort: nobody answers on a node that is not Ready; with
 * Local, the health-check node port answers 503 without a local ready pod; with Cluster,
 * the traffic port is refused when the service has no ready pod at all. */
static enum target_check proxy_check(const struct node *n)
{
    const struct kube_proxy *x = proxy_of(n);
    if (x->k->nodes[x->nodei].state != KUBE_NODE_READY)
        return TARGET_CHECK_SILENT;
    uint32_t cnt;
    choices(x, &cnt);
    return cnt > 0 ? TARGET_CHECK_PASS : TARGET_CHECK_REFUSED;
}

bool kube_any_instance(const struct kube_cluster *k)
{
    for (int d = 0; d < k->ndeps; d++)
        if (k->deps[d].cfg.target_type == KUBE_TARGET_INSTANCE)
            return true;
    return false;
}

/* Node i is Ready: register its NodePort with the groups of every instance-mode
 * deployment. */
void kube_proxy_register(struct kube_cluster *k, uint32_t i)
{
    struct kube_node *nd = &k->nodes[i];
    if (!kube_any_instance(k))
        return;
    if (!nd->proxy)
        nd->proxy = xcalloc((size_t)k->ndeps, sizeof *nd->proxy);
    for (int d = 0; d < k->ndeps; d++) {
        struct kube_deploy *dp = &k->deps[d];
        if (dp->cfg.target_type != KUBE_TARGET_INSTANCE || dp->cfg.fargate)
            continue;
        struct kube_proxy *x = &nd->proxy[d];
        if (!x->k) {
            char name[600];
            snprintf(name, sizeof name, "%s:%s", nd->name, dp->cfg.name);
            x->name = xstrdup(name);
            x->node = (struct node){.ops = &proxy_ops, .name = x->name, .env = k->env};
            x->k = k;
            x->nodei = i;
            x->d = d;
        }
        for (int g = 0; g < dp->cfg.ntgs; g++) {
            x->member[g] = dp->tgs[g]->nmembers;
            tg_proxy_register(dp->tgs[g], &x->node, nd->zone, proxy_check);
        }
    }
}

/* Node i is being removed: deregister its NodePorts. */
void kube_proxy_deregister(struct kube_cluster *k, uint32_t i)
{
    struct kube_node *nd = &k->nodes[i];
    if (!nd->proxy)
        return;
    for (int d = 0; d < k->ndeps; d++) {
        struct kube_proxy *x = &nd->proxy[d];
        if (!x->k)
            continue;
        struct kube_deploy *dp = &k->deps[d];
        for (int g = 0; g < dp->cfg.ntgs; g++) {
            struct target_group *tg = dp->tgs[g];
            uint32_t m = x->member[g];
            if (m != NO_MEMBER && tg->members[m].registered && !tg->members[m].draining)
                tg_deregister(tg, m);
            x->member[g] = NO_MEMBER;
        }
    }
}

static void list_add(uint32_t **a, uint32_t *n, uint32_t *cap, uint32_t v)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        *a = xrealloc(*a, *cap * sizeof **a);
    }
    (*a)[(*n)++] = v;
}

/* Remove v keeping the order (the order is the iptables rules' order: deterministic). */
static void list_remove(uint32_t *a, uint32_t *n, uint32_t v)
{
    for (uint32_t i = 0; i < *n; i++)
        if (a[i] == v) {
            memmove(a + i, a + i + 1, (*n - i - 1) * sizeof *a);
            (*n)--;
            return;
        }
}

/* Pod j became Ready (an endpoint) or stopped being one. */
void kube_endpoint_add(struct kube_cluster *k, uint32_t j)
{
    struct kube_pod *p = &k->pods[j];
    struct kube_deploy *dp = &k->deps[p->deploy];
    if (!p->was_ready && p->ready_s > p->created_s) { /* not one of the initial replicas */
        dp->started_pods++;
        dp->wait_sum_s += p->ready_s - p->created_s;
        dp->pending_sum_s += p->scheduled_s - p->created_s;
    }
    p->was_ready = true;
    list_add(&dp->ready, &dp->nready, &dp->ready_cap, j);
    if (p->node >= 0 && k->nodes[p->node].proxy) {
        struct kube_proxy *x = &k->nodes[p->node].proxy[p->deploy];
        list_add(&x->local, &x->nlocal, &x->local_cap, j);
    }
}

void kube_endpoint_remove(struct kube_cluster *k, uint32_t j)
{
    struct kube_pod *p = &k->pods[j];
    struct kube_deploy *dp = &k->deps[p->deploy];
    list_remove(dp->ready, &dp->nready, j);
    if (p->node >= 0 && k->nodes[p->node].proxy) {
        struct kube_proxy *x = &k->nodes[p->node].proxy[p->deploy];
        list_remove(x->local, &x->nlocal, j);
    }
}

void kube_proxy_free(struct kube_node *nd, int ndeps)
{
    if (!nd->proxy)
        return;
    for (int d = 0; d < ndeps; d++) {
        free(nd->proxy[d].name);
        free(nd->proxy[d].local);
    }
    free(nd->proxy);
}
