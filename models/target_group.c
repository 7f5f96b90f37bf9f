#include "models/target_group.h"

#include <stdlib.h>

#include "models/request.h"
#include "models/target.h"
#include "models/world.h"
#include "sim/xalloc.h"

static void tg_accept(struct node *n, struct request *rq);
static void tg_done(struct node *n, struct request *rq);

static const struct node_ops tg_ops = {
    .kind = "target_group",
    .accept = tg_accept,
    .done = tg_done,
};

void tg_init(struct target_group *g, struct world *w, uint32_t id, const char *name,
             const struct route_ops *algo, const char *algo_text, gsl_rng *rng)
{
    *g = (struct target_group){0};
    g->node.ops = &tg_ops;
    g->node.name = name;
    g->node.world = w;
    g->id = id;
    g->algo = algo;
    g->algo_text = algo_text;
    g->rng = rng;
}

void tg_fini(struct target_group *g)
{
    for (uint32_t i = 0; i < g->nviews; i++) {
        route_instance_free(g->algo, g->views[i].priv);
        free(g->views[i].eligible);
    }
    free(g->views);
    free(g->members);
    gsl_rng_free(g->rng);
}

static bool is_eligible(const struct tg_member *m, const struct tg_view *v)
{
    if (!m->registered || m->t->state != TARGET_IN_SERVICE)
        return false;
    return v->cross_zone || m->t->spec.zone == v->zone;
}

static void view_rebuild(struct target_group *g, struct tg_view *v)
{
    if (v->cap < g->nmembers) {
        v->cap = g->nmembers;
        v->eligible = xrealloc(v->eligible, v->cap * sizeof *v->eligible);
    }
    v->n = 0;
    for (uint32_t i = 0; i < g->nmembers; i++)
        if (is_eligible(&g->members[i], v))
            v->eligible[v->n++] = i;
    struct route_view rv = {v->eligible, v->n, g->nmembers};
    if (g->algo->rebuild)
        g->algo->rebuild(v->priv, &rv);
}

void tg_views_rebuild(struct target_group *g)
{
    for (uint32_t i = 0; i < g->nviews; i++)
        view_rebuild(g, &g->views[i]);
}

void tg_target_register(struct target_group *g, struct target *t)
{
    if (g->nmembers == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 8;
        g->members = xrealloc(g->members, g->cap * sizeof *g->members);
    }
    g->members[g->nmembers++] = (struct tg_member){t, true};
    tg_views_rebuild(g);
}

uint32_t tg_view_attach(struct target_group *g, int zone, bool cross_zone)
{
    g->views = xrealloc(g->views, (g->nviews + 1) * sizeof *g->views);
    struct tg_view *v = &g->views[g->nviews];
    *v = (struct tg_view){.zone = zone, .cross_zone = cross_zone};
    v->priv = route_instance_new(g->algo, g->algo_text,
                                 (const struct tg_member *const *)&g->members);
    view_rebuild(g, v);
    return g->nviews++;
}

uint32_t tg_count_in_zone(const struct target_group *g, int zone)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->nmembers; i++)
        if (g->members[i].registered && g->members[i].t->spec.zone == zone)
            n++;
    return n;
}

static void tg_accept(struct node *n, struct request *rq)
{
    struct target_group *g = container_of(n, struct target_group, node);
    ELB_ASSERT(rq->route_view < g->nviews);
    struct tg_view *v = &g->views[rq->route_view];
    if (v->n == 0) {
        g->no_target++;
        request_respond(rq, RQ_UNAVAILABLE);
        return;
    }
    struct route_view rv = {v->eligible, v->n, g->nmembers};
    uint32_t m = g->algo->pick(v->priv, &rv, rq, g->rng);
    ELB_ASSERT(m < g->nmembers);
    /* Remember (view, member) for done(); bit 63 marks "routed". */
    rq->hop_arg[rq->nhops - 1] = (uint64_t)1 << 63 | (uint64_t)rq->route_view << 32 | m;
    if (g->algo->sent)
        g->algo->sent(v->priv, m);
    g->requests++;
    node_send(&g->members[m].t->node, rq);
}

static void tg_done(struct node *n, struct request *rq)
{
    struct target_group *g = container_of(n, struct target_group, node);
    uint64_t arg = rq->hop_arg[rq->cur_hop];
    /* Requests answered by the group itself (503) never reached a member. */
    if (!(arg >> 63))
        return;
    uint32_t view = (uint32_t)(arg >> 32) & 0x7fffffffu;
    if (g->algo->done)
        g->algo->done(g->views[view].priv, (uint32_t)arg);
}
