/*
 * rng — named random streams: one GSL generator per component, seeded from the run seed
 * and the component's full name.
 *
 * Why named streams: a component's draws depend only on (run seed, its own name), so
 * adding a component, renaming another, or drawing more from one stream never shifts any
 * other stream.  That is what makes common random numbers work: two runs that differ
 * only in the routing algorithm see identical arrivals and service demands.
 *
 * Generator: GSL's taus2 (L'Ecuyer's maximally equidistributed combined Tausworthe,
 * period 2^88).  GSL's own table puts it among the fastest generators of simulation
 * quality (with mt19937 and gfsr4); its 24-byte state lets a run hold thousands of
 * streams, where mt19937 needs 2.5 KB each.
 *
 * Seeding: GSL's gsl_rng_set takes only 32 bits of seed for taus2, so with thousands of
 * streams two could collide.  elbsim writes the full 96-bit state instead:
 *     h     = FNV-1a-64(name)
 *     x     = splitmix64(run_seed) XOR splitmix64(h)      (two rounds, see rng.c)
 *     s1,s2,s3 = next three splitmix64 outputs of x, truncated to 32 bits and forced
 *                above taus2's lower bounds (2, 8, 16),
 * then discards 10 outputs, as GSL's own seeding does.
 */
#ifndef ELBSIM_SIM_RNG_H
#define ELBSIM_SIM_RNG_H

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* A stream embedded in caller storage, for objects that come and go by the thousand
 * (connections, users) and must not allocate.  Same generator (taus2); seeded from a
 * 64-bit value with splitmix64.  The struct must not be copied or moved once initialised
 * (r.state points into it). */
struct sim_rng_small {
    gsl_rng r;             /* use &s->r wherever a gsl_rng * is wanted */
    unsigned long st[3];   /* taus2 state */
};

void sim_rng_small_init(struct sim_rng_small *s, uint64_t seed);

/* taus2's state as GSL lays it out (gsl/rng/taus.c: taus_state_t). */
struct sim_rng_taus_state {
    unsigned long s1, s2, s3;
};

/*
 * One uniform draw on [0, 1): the very double gsl_rng_uniform returns, with taus2's step
 * written out here.  GSL reaches its generator through a function pointer in the shared
 * library; a request draws seven or eight uniforms, and those calls were about 8 % of a
 * run (perf, e2e_asg_diurnal).  A stream of another type (tests use mt19937) goes
 * through GSL.  Same arithmetic as gsl/rng/taus.c (taus_get, taus_get_double) and, for
 * the exponential, GSL 2.7's exponential.c (older GSLs used -mean log(uniform_pos));
 * tests/test_rng.c compares 10^6 draws of each with GSL's, so a build against another
 * GSL that differs fails there.
 */
inline double sim_rng_uniform(gsl_rng *r);
/* The same as gsl_rng_uniform_pos: a uniform on (0, 1), 0 redrawn. */
inline double sim_rng_uniform_pos(gsl_rng *r);
/* The same double as gsl_ran_exponential(r, mean): -mean log1p(-u). */
inline double sim_rng_exponential(gsl_rng *r, double mean);

/* Every declaration says `inline` (C11 6.7.4p7): these are inline definitions, and rng.c
 * holds the external ones. */
inline double sim_rng_uniform(gsl_rng *r)
{
    if (r->type != gsl_rng_taus2)
        return gsl_rng_uniform(r);
    struct sim_rng_taus_state *s = r->state;
#define SIM_TAUS(x, a, b, c, d)                                                            \
    ((((x) & (c)) << (d)) & 0xffffffffUL) ^ (((((x) << (a)) & 0xffffffffUL) ^ (x)) >> (b))
    s->s1 = SIM_TAUS(s->s1, 13, 19, 4294967294UL, 12);
    s->s2 = SIM_TAUS(s->s2, 2, 25, 4294967288UL, 4);
    s->s3 = SIM_TAUS(s->s3, 3, 11, 4294967280UL, 17);
#undef SIM_TAUS
    return (double)(s->s1 ^ s->s2 ^ s->s3) / 4294967296.0;
}

inline double sim_rng_uniform_pos(gsl_rng *r)
{
    double x;
    do
        x = sim_rng_uniform(r);
    while (x == 0);
    return x;
}

inline double sim_rng_exponential(gsl_rng *r, double mean)
{
    return -mean * log1p(-sim_rng_uniform(r));
}

/* A new stream for (run_seed, name).  Caller frees with gsl_rng_free. */
gsl_rng *sim_rng_new(uint64_t run_seed, const char *name);

/* Re-seed an existing taus2 stream in place for (run_seed, name). */
void sim_rng_seed(gsl_rng *r, uint64_t run_seed, const char *name);

/* The 64-bit seed material derived from (run_seed, name); exposed for tests and docs. */
uint64_t sim_rng_mix(uint64_t run_seed, const char *name);

/* FNV-1a 64-bit hash of a string (stable across machines). */
uint64_t sim_rng_hash(const char *s);

/* One splitmix64 step: advances *state and returns the next output. */
uint64_t sim_rng_splitmix64(uint64_t *state);

#endif
