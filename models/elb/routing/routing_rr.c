/* round_robin: the ALB default (AWS.md fact 6).  Each LB node cycles through its eligible
 * targets in registration order, blind to load.  O(1) per pick. */
#include "models/elb/routing.h"

struct rr {
    uint32_t cursor; /* next position in the eligible list */
};

static void rr_rebuild(void *priv, const struct route_view *v)
{
    struct rr *rr = priv;
    if (v->n)
        rr->cursor %= v->n;
    else
        rr->cursor = 0;
}

static uint32_t rr_pick(void *priv, const struct route_view *v, const struct request *rq,
                        gsl_rng *rng)
{
    (void)rq;
    (void)rng;
    struct rr *rr = priv;
    if (rr->cursor >= v->n)
        rr->cursor = 0;
    return v->eligible[rr->cursor++];
}

static uint32_t rr_peek(const void *priv, const struct route_view *v, uint32_t k, uint32_t i)
{
    const struct rr *rr = priv;
    return v->n && i == 0 ? v->eligible[(rr->cursor + k) % v->n] : UINT32_MAX;
}

/* The view: the cursor position just used (pick advanced it by one). */
static void rr_trace(void *priv, const struct route_view *v, const struct request *rq,
                     uint32_t chosen, struct route_trace *out)
{
    (void)rq;
    (void)chosen;
    const struct rr *rr = priv;
    (void)v;
    out->scalar_name = "cursor";
    out->scalar = rr->cursor - 1;
    out->total = v->n;
}

const struct route_ops route_rr_ops = {
    .name = "round_robin",
    .summary = "each LB node cycles through its targets in turn, blind to load (ALB default)",
    .aws = true,
    .modes = ROUTE_PER_REQUEST | ROUTE_PER_FLOW,
    .priv_size = sizeof(struct rr),
    .rebuild = rr_rebuild,
    .pick = rr_pick,
    .peek = rr_peek,
    .peek_far = true,
    .trace = rr_trace,
};
