#include "sim/rng.h"

#include "sim/xalloc.h"

uint64_t sim_rng_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t sim_rng_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t sim_rng_mix(uint64_t run_seed, const char *name)
{
    uint64_t a = run_seed, b = sim_rng_hash(name);
    uint64_t x = sim_rng_splitmix64(&a) ^ sim_rng_splitmix64(&b);
    return sim_rng_splitmix64(&x);
}

extern inline uint32_t sim_rng_taus_next(struct sim_rng_taus_state *s);
extern inline double sim_rng_uniform(gsl_rng *r);
extern inline double sim_rng_exp1(gsl_rng *r);
extern inline double sim_rng_exponential(gsl_rng *r, double mean);

double sim_rng_exp1_edge(gsl_rng *r, unsigned layer, double x)
{
    if (layer == 0) /* the base strip beyond r: r plus a fresh exponential */
        return sim_rng_zig_r - log1p(-sim_rng_uniform(r));
    /* A wedge: a point of the layer's rectangle under the density is kept, one above it
     * is thrown away and a new draw made (about 1 in 90 draws). */
    const double *f = sim_rng_zig_f;
    if (f[layer] + sim_rng_uniform(r) * (f[layer - 1] - f[layer]) < exp(-x))
        return x;
    return sim_rng_exp1(r);
}

static void seed_state(gsl_rng *r, uint64_t x)
{
    struct sim_rng_taus_state *st = gsl_rng_state(r);
    /* taus2 requires s1 > 1, s2 > 7, s3 > 15 (32-bit words). */
    do
        st->s1 = sim_rng_splitmix64(&x) & 0xffffffffUL;
    while (st->s1 < 2);
    do
        st->s2 = sim_rng_splitmix64(&x) & 0xffffffffUL;
    while (st->s2 < 8);
    do
        st->s3 = sim_rng_splitmix64(&x) & 0xffffffffUL;
    while (st->s3 < 16);
    for (int i = 0; i < 10; i++)
        (void)gsl_rng_get(r);
}

void sim_rng_seed(gsl_rng *r, uint64_t run_seed, const char *name)
{
    ELB_ASSERT(r->type == gsl_rng_taus2);
    ELB_ASSERT(gsl_rng_size(r) == sizeof(struct sim_rng_taus_state));
    seed_state(r, sim_rng_mix(run_seed, name));
}

void sim_rng_small_init(struct sim_rng_small *s, uint64_t seed)
{
    _Static_assert(sizeof s->st == sizeof(struct sim_rng_taus_state), "taus2 state layout");
    s->r.type = gsl_rng_taus2;
    s->r.state = s->st;
    uint64_t x = seed;
    seed_state(&s->r, sim_rng_splitmix64(&x));
}

gsl_rng *sim_rng_new(uint64_t run_seed, const char *name)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r)
        elb_assert_fail(__FILE__, __LINE__, "gsl_rng_alloc");
    sim_rng_seed(r, run_seed, name);
    return r;
}
