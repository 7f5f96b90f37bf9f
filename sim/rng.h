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
