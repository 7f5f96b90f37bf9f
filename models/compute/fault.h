/*
 * fault — the scenario's `faults:` list played out on the targets.
 *
 * Each fault starts at `at` and, with a `duration`, ends then; both are `fault` rows in
 * events.csv.  A target fault names "<group>/<n>"; an outage crashes every target of a
 * zone (those that exist when it starts).  What each kind does to a target is in
 * models/compute/target.h.  errors(rate) draws from the stream "fault.<i>" (i: position in the
 * list from 0), so adding a fault never shifts another component's draws.
 */
#ifndef ELBSIM_MODELS_FAULT_H
#define ELBSIM_MODELS_FAULT_H

struct world;

/* Create the faults' streams and schedule their starts and ends (from world_start). */
void faults_start(struct world *w);

/* Free what faults_start made (from world_free). */
void faults_free(struct world *w);

#endif
