/*
 * flow_hash: how an NLB (and a GWLB) picks a target for a new flow (AWS.md §2, §3).  The
 * LB sets the request's route_key to the flow's tuple hash (5-tuple for TCP/UDP, the
 * GWLB's 3-/2-tuple on request); the target is eligible[reduce(mix(route_key), n)]: blind
 * to load, the same flow always lands on the same target while the eligible set stands.
 *
 * The key is remixed (the murmur3 64-bit finaliser) before the reduction because LB nodes
 * are chosen from the same hash (flow_hash mod nodes), so one node's keys share a residue;
 * the reduction is Lemire's multiply-shift ("fastrange"): the top 32 bits of the mixed key
 * times n, shifted right 32 — no division, bias below n / 2^32.  O(1) per pick, no state.
 *
 * When n changes most keys map elsewhere (this is not consistent hashing; see
 * consistent_hash), but only new flows are affected: the LB's flow table keeps every
 * established flow on the target it was given, and pick() is called once per flow.
 * Per-flow only (ROUTE_PER_FLOW): on an L7 listener it would pin a connection's requests
 * to one target, which is what an NLB does but not an ALB.
 */
#include "models/core/request.h"
#include "models/elb/routing.h"
#include "sim/xalloc.h"

/* The murmur3 fmix64 finaliser: every input bit affects every output bit. */
static uint64_t fh_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static uint32_t fh_pick(void *priv, const struct route_view *v, const struct request *rq,
                        gsl_rng *rng)
{
    (void)priv;
    (void)rng;
    ELB_ASSERT(rq && v->n > 0);
    uint64_t hi = fh_mix(request_route_key(rq)) >> 32;
    return v->eligible[(uint32_t)((hi * v->n) >> 32)];
}

/* The view: the tuple hash the LB set (route_key) and the eligible count it reduces to. */
static void fh_trace(void *priv, const struct route_view *v, const struct request *rq,
                     uint32_t chosen, struct route_trace *out)
{
    (void)priv;
    (void)chosen;
    out->scalar_name = "hash";
    out->scalar = request_route_key(rq);
    out->total = v->n;
}

const struct route_ops route_flowhash_ops = {
    .name = "flow_hash",
    .summary = "NLB/GWLB: hash of the flow's tuple picks the target, blind to load; a flow "
               "keeps its target for life; O(1)",
    .aws = true,
    .modes = ROUTE_PER_FLOW,
    .priv_size = 0,
    .pick = fh_pick,
    .trace = fh_trace,
};
