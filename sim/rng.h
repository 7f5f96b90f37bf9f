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

#include <gsl/gsl_randist.h>
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
 * through GSL.  Same arithmetic as gsl/rng/taus.c (taus_get, taus_get_double);
 * tests/test_rng.c compares 10^6 draws with GSL's, so a build against another GSL that
 * differs fails there.
 */
inline double sim_rng_uniform(gsl_rng *r);

/*
 * One exponential draw of mean 1, by the ziggurat (Marsaglia and Tsang, "The Ziggurat
 * Method for Generating Random Variables", J. Statistical Software 5(8), 2000): 256
 * layers of equal area, with 53-bit positions as NumPy's Generator.standard_exponential
 * takes them.  Two taus2 outputs make 64 bits: bits 3-10 pick the layer, bits 11-63 the
 * position in it; 97.8 % of draws end there, with one multiplication.  The rest fall in
 * a layer's wedge (one more uniform and an exp: kept if under the density, 1.1 % of all
 * draws are not and are drawn again) or in the base strip beyond r = 7.697, the tail,
 * which is r - log1p(-u), since the exponential forgets its past.  The method is exact:
 * the density is e^-x to the precision of the tables (tools/rng_zig.py, 60 digits
 * rounded once; tests/test_rng.c checks them and the draws).
 *
 * Why not GSL's gsl_ran_exponential (-log1p(-u), one uniform, which elbsim used before):
 * log1p and the arrival gap's log were 10 % of a busy run (perf, e2e_asg_diurnal); the
 * ziggurat costs a third of log1p (3.7 against 12.6 ns a draw in a loop, the taus2 steps
 * included), and its draws have 53 bits where an inverted 32-bit uniform stops at 22.2
 * means.  GSL itself draws normals this way
 * (gsl_ran_gaussian_ziggurat, which elbsim's normal demands use).  What it gives up: one
 * draw is no longer one uniform turned through the quantile, so an exponential and,
 * say, a lognormal demand of the same stream are not monotone twins of each other.
 * Common random numbers are unaffected: every component draws from its own stream.
 *
 * A stream of another type than taus2 gets GSL's gsl_ran_exponential(r, 1).
 */
inline double sim_rng_exp1(gsl_rng *r);
/* An exponential draw of the given mean: mean * sim_rng_exp1(r). */
inline double sim_rng_exponential(gsl_rng *r, double mean);

#define SIM_RNG_ZIG_LAYERS 256
extern const double sim_rng_zig_r; /* where the base strip's tail begins */
extern const uint64_t sim_rng_zig_k[SIM_RNG_ZIG_LAYERS];
extern const double sim_rng_zig_w[SIM_RNG_ZIG_LAYERS];
extern const double sim_rng_zig_f[SIM_RNG_ZIG_LAYERS];
/* The ziggurat's rare cases (a wedge or the tail), out of line: layer and x as the
 * position gave them. */
double sim_rng_exp1_edge(gsl_rng *r, unsigned layer, double x);

/* taus2's next 32-bit output (gsl/rng/taus.c, taus_get). */
inline uint32_t sim_rng_taus_next(struct sim_rng_taus_state *s);

/* Every declaration says `inline` (C11 6.7.4p7): these are inline definitions, and rng.c
 * holds the external ones. */
inline uint32_t sim_rng_taus_next(struct sim_rng_taus_state *s)
{
#define SIM_TAUS(x, a, b, c, d)                                                            \
    ((((x) & (c)) << (d)) & 0xffffffffUL) ^ (((((x) << (a)) & 0xffffffffUL) ^ (x)) >> (b))
    s->s1 = SIM_TAUS(s->s1, 13, 19, 4294967294UL, 12);
    s->s2 = SIM_TAUS(s->s2, 2, 25, 4294967288UL, 4);
    s->s3 = SIM_TAUS(s->s3, 3, 11, 4294967280UL, 17);
#undef SIM_TAUS
    return (uint32_t)(s->s1 ^ s->s2 ^ s->s3);
}

inline double sim_rng_uniform(gsl_rng *r)
{
    if (r->type != gsl_rng_taus2)
        return gsl_rng_uniform(r);
    return (double)sim_rng_taus_next(r->state) / 4294967296.0;
}

inline double sim_rng_exp1(gsl_rng *r)
{
    if (r->type != gsl_rng_taus2)
        return gsl_ran_exponential(r, 1.0);
    struct sim_rng_taus_state *s = r->state;
    uint64_t hi = sim_rng_taus_next(s);
    uint64_t bits = hi << 32 | sim_rng_taus_next(s);
    unsigned layer = (unsigned)(bits >> 3) & (SIM_RNG_ZIG_LAYERS - 1);
    uint64_t pos = bits >> 11;
    double x = (double)pos * sim_rng_zig_w[layer];
    if (pos < sim_rng_zig_k[layer])
        return x;
    return sim_rng_exp1_edge(r, layer, x);
}

inline double sim_rng_exponential(gsl_rng *r, double mean)
{
    return mean * sim_rng_exp1(r);
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
