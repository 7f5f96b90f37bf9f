/*
 * fault — the scenario's `faults:` list played out on the targets.
 *
 * Each fault starts at `at` and, with a `duration`, ends then; both are `fault` rows in
 * events.csv.  A target fault names "<group>/<n>"; an outage crashes every target of a
 * zone (those that exist when it starts).  What each kind does to a target is in
 * models/compute/target.h.  errors(rate) draws from the stream "fault.<i>" (i: position in
 * the list from 0), so adding a fault never shifts another component's draws.
 */
#ifndef ELBSIM_MODELS_COMPUTE_FAULT_H
#define ELBSIM_MODELS_COMPUTE_FAULT_H

#include <gsl/gsl_rng.h>

#include "models/compute/fault_cfg.h"

struct target_list;

struct faults {
    const struct sc_fault *cfg;   /* [n] borrowed */
    int n;
    struct target_list *targets;  /* borrowed: the run's targets, looked up when a fault
                                   * fires (instances launched later are found too) */
    gsl_rng **rngs;               /* [n] "fault.<i>", owned */
};

/* Set up the faults of cfg[0..n) over targets (whose env gives the seed and the engine). */
void faults_init(struct faults *fs, const struct sc_fault *cfg, int n,
                 struct target_list *targets);

/* Schedule every fault's start and end (when the world starts). */
void faults_start(struct faults *fs);

void faults_fini(struct faults *fs);

#endif
