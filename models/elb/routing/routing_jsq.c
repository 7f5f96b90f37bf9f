/*
 * join_shortest_queue: the ideal that power_of_d approximates.  Every request goes to the
 * eligible target holding the fewest requests (in service plus queued, t->held), counted
 * over every LB node and every group that uses the target: global knowledge no real LB
 * node has.  Ties are broken uniformly at random with the group's stream.  For identical
 * FCFS servers and Poisson arrivals it minimises mean response time among policies that
 * see only queue lengths (Winston 1977).
 *
 * The definition needs a scan: O(targets) per pick.
 */
#include "models/elb/routing.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "sim/xalloc.h"

struct jsq {
    const struct tg_member *const *members; /* the group's member array */
};

static void jsq_init(void *priv, const void *cfg, const struct tg_member *const *members)
{
    (void)cfg;
    struct jsq *j = priv;
    j->members = members;
}

static uint32_t jsq_pick(void *priv, const struct route_view *v, const struct request *rq,
                         gsl_rng *rng)
{
    (void)rq;
    const struct jsq *j = priv;
    ELB_ASSERT(j->members);
    const struct tg_member *members = *j->members;
    uint32_t best = v->eligible[0];
    int best_held = members[best].t->held;
    uint32_t ties = 1;
    for (uint32_t i = 1; i < v->n; i++) {
        uint32_t m = v->eligible[i];
        int held = members[m].t->held;
        if (held < best_held) {
            best = m;
            best_held = held;
            ties = 1;
        } else if (held == best_held && gsl_rng_uniform_int(rng, ++ties) == 0) {
            best = m; /* reservoir sampling: each tied target with probability 1/ties */
        }
    }
    return best;
}

const struct route_ops route_jsq_ops = {
    .name = "join_shortest_queue",
    .summary = "ideal: the target holding the fewest requests from all LB nodes (global "
               "knowledge); scans all targets per pick",
    .aws = false,
    .modes = ROUTE_PER_REQUEST,
    .reads_targets = true,
    .priv_size = sizeof(struct jsq),
    .init = jsq_init,
    .pick = jsq_pick,
};
