/*
 * weighted_round_robin: nginx's smooth weighted round robin (ngx_http_upstream_round_robin.c).
 * A target's weight is its capacity, vCPUs x speed.  Per pick every eligible target's
 * current weight grows by its weight, the largest current wins (first in registration
 * order on a tie) and gives back the total; weights 5, 1, 1 give a a b a c a a: the heavy
 * target's turns are spread out rather than bunched.  Blind to load, like round_robin.
 *
 * Current weights restart at zero when the eligible set changes (nginx does the same on a
 * reload).  O(targets) per pick, as in nginx; fine below ~1000 targets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/elb/routing.h"
#include "models/compute/target.h"
#include "models/elb/target_group.h"
#include "sim/xalloc.h"

struct wrr {
    const struct tg_member *const *members; /* the group's member array, or NULL */
    uint32_t cap;     /* members the arrays hold */
    double *weight;   /* [member] vCPUs x speed (1 without member information) */
    double *current;  /* [member] smooth current weight */
    double total;     /* sum of eligible weights */
};

static void wrr_init(void *priv, const void *cfg, const struct tg_member *const *members)
{
    (void)cfg;
    struct wrr *w = priv;
    w->members = members;
}

static void wrr_rebuild(void *priv, const struct route_view *v)
{
    struct wrr *w = priv;
    if (v->nmembers > w->cap) {
        w->cap = v->nmembers;
        w->weight = xrealloc(w->weight, w->cap * sizeof *w->weight);
        w->current = xrealloc(w->current, w->cap * sizeof *w->current);
    }
    w->total = 0;
    for (uint32_t i = 0; i < v->n; i++) {
        uint32_t m = v->eligible[i];
        const struct target *t = w->members ? (*w->members)[m].t : NULL;
        w->weight[m] = t ? t->spec.servers * t->spec.speed : 1.0;
        w->current[m] = 0;
        w->total += w->weight[m];
    }
}

static uint32_t wrr_pick(void *priv, const struct route_view *v, const struct request *rq,
                         gsl_rng *rng)
{
    (void)rq;
    (void)rng;
    struct wrr *w = priv;
    uint32_t best = v->eligible[0];
    double best_cur = -HUGE_VAL;
    for (uint32_t i = 0; i < v->n; i++) {
        uint32_t m = v->eligible[i];
        w->current[m] += w->weight[m];
        if (w->current[m] > best_cur) {
            best = m;
            best_cur = w->current[m];
        }
    }
    w->current[best] -= w->total;
    return best;
}

static void wrr_fini(void *priv)
{
    struct wrr *w = priv;
    free(w->weight);
    free(w->current);
}

const struct route_ops route_wrr_ops = {
    .name = "weighted_round_robin",
    .summary = "smooth weighted round robin (nginx), weight = vCPUs x speed, blind to load; "
               "scans all targets per pick",
    .aws = false,
    .modes = ROUTE_PER_REQUEST | ROUTE_PER_FLOW,
    .reads_targets = true,
    .priv_size = sizeof(struct wrr),
    .init = wrr_init,
    .rebuild = wrr_rebuild,
    .pick = wrr_pick,
    .fini = wrr_fini,
};
