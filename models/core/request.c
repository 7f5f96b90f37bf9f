/* The request's walk: node_send pushes a hop, request_respond walks the hops back and
 * hands the response to its client through the env's hooks (models/core/env.h). */
#include "models/core/request.h"

#include "models/core/env.h"
#include "models/core/node.h"
#include "sim/xalloc.h"

void node_send(struct node *to, struct request *rq)
{
    ELB_ASSERT(rq->nhops < REQUEST_MAX_HOPS);
    if (rq->nhops >= REQUEST_INLINE_HOPS)
        env_request_ext(to->env, rq);
    *request_hop(rq, rq->nhops++) = (struct rq_hop){to, 0, sim_now(&to->env->sim)};
    to->ops->accept(to, rq);
}

void request_respond(struct request *rq, int status)
{
    if (rq->cut_hop) {
        /* An LB above already answered the client (504): the hops below it learn the
         * outcome, then the request is gone. */
        rq->status = status;
        for (int i = rq->nhops - 1; i >= rq->cut_hop; i--) {
            rq->cur_hop = (uint8_t)i;
            struct node *n = request_hop(rq, i)->node;
            if (n->ops->done)
                ELB_ASSERT(!n->ops->done(n, rq)); /* no holding node below an L7 LB */
        }
        struct env *env = rq->hop[0].node->env;
        if (rq->client_done)
            env_request_free(env, rq);
        else
            rq->cut_hop = 0; /* the client side still runs (GWLB return pass): it frees */
        return;
    }
    rq->status = status;
    rq->cur_hop = rq->nhops;
    request_resume(rq);
}

void request_cut(struct request *rq, uint8_t hop, int status)
{
    rq->cut_hop = (uint8_t)(hop + 1);
    rq->status = status;
    rq->cur_hop = (uint8_t)(hop + 1);
    request_resume(rq);
}

bool request_prefetch_response(const struct request *rq, int stage)
{
    bool more = false;
    int n = rq->nhops < REQUEST_INLINE_HOPS ? rq->nhops : REQUEST_INLINE_HOPS;
    for (int i = 0; i < n; i++) {
        const struct node *nd = rq->hop[i].node;
        if (nd->ops->prefetch_done)
            more |= nd->ops->prefetch_done(nd, rq, &rq->hop[i], stage);
    }
    const struct env *env = n > 0 ? rq->hop[0].node->env : NULL;
    if (stage == 1 && env && env->prefetch_response)
        env->prefetch_response(rq);
    return more;
}

void request_resume(struct request *rq)
{
    while (rq->cur_hop > 0) {
        struct node *n = request_hop(rq, --rq->cur_hop)->node;
        if (n->ops->done && n->ops->done(n, rq))
            return; /* held: the node resumes the walk later */
    }
    ELB_ASSERT(rq->nhops > 0);
    struct env *env = rq->hop[0].node->env;
    if (rq->lost)
        env->lost(rq);
    else
        env->response(rq);
}

struct request *env_request_new(struct env *env)
{
    struct request *rq = sim_pool_get(&env->requests);
    rq->id = ++env->next_request_id;
    return rq;
}

void env_request_free(struct env *env, struct request *rq)
{
    if (rq->ext)
        sim_pool_put(&env->request_exts, rq->ext);
    sim_pool_put(&env->requests, rq);
}

struct request_ext *env_request_ext(struct env *env, struct request *rq)
{
    if (!rq->ext)
        rq->ext = sim_pool_get(&env->request_exts);
    return rq->ext;
}

void env_request_route_key(struct env *env, struct request *rq, uint64_t key)
{
    if (key != rq->flow_hash) {
        struct request_ext *x = env_request_ext(env, rq);
        x->route_key = key;
        x->route_keyed = true;
    } else if (rq->ext) {
        rq->ext->route_keyed = false;
    }
}
