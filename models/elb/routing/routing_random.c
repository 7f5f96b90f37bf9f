/* random: each request goes to a uniformly chosen eligible target.  Not an ALB option
 * (AWS's weighted_random comes with anomaly mitigation); kept as the textbook baseline:
 * with Poisson arrivals each of n targets sees an independent Poisson stream.  O(1). */
#include "models/elb/routing.h"

static uint32_t random_pick(void *priv, const struct route_view *v, const struct request *rq,
                            gsl_rng *rng)
{
    (void)priv;
    (void)rq;
    return v->eligible[gsl_rng_uniform_int(rng, v->n)];
}

const struct route_ops route_random_ops = {
    .name = "random",
    .summary = "a uniformly random eligible target per request (textbook baseline)",
    .aws = false,
    .modes = ROUTE_PER_REQUEST | ROUTE_PER_FLOW,
    .priv_size = 0,
    .pick = random_pick,
};
