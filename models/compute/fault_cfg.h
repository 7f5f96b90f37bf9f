/*
 * fault_cfg — one entry of the scenario's `faults:`: at a time, a target crashes, hangs,
 * slows down or answers errors, or a whole zone goes out (docs/load-balancers.md "Faults").
 *
 * fault_read.c reads the entry (each problem reported at its file:line:col), frees it and
 * writes it back for the resolved scenario.yaml.  models/scenario checks that the target
 * or zone exists and fills in `zone`; models/compute/fault plays the faults out.
 */
#ifndef ELBSIM_MODELS_FAULT_CFG_H
#define ELBSIM_MODELS_FAULT_CFG_H

#include <stdbool.h>
#include <stdio.h>

#include "models/compute/target.h"
#include "sim/diag.h"

struct cfg_read;
struct ytree;

/* One entry of `faults:`.  An outage is a crash of every target of `zone`.  Strings are
 * owned and freed by fault_cfg_fini; loc.file is the scenario's (cfg_read.file). */
struct sc_fault {
    double at_s;                 /* s: start */
    double duration_s;           /* s; 0 = until the end of the run */
    enum target_fault kind;
    bool outage;
    double factor;               /* slow */
    double rate;                 /* errors: probability, 0-1 */
    char *kind_text;             /* as written (normalised), e.g. "slow(factor=4)" */
    char *target;                /* "<group>/<n>"; NULL for an outage */
    char *zone_name;             /* outage: the zone; NULL otherwise */
    int zone;                    /* outage: zone index; -1 otherwise */
    struct loc loc;              /* of the target or zone value */
};

/* Read the fault mapping m into *f (zeroed by the caller); zone stays -1 until the scenario
 * resolves zone_name.  Returns 0, or -1 after reporting the problems found (counted in r);
 * *f is then still safe to pass to fault_cfg_fini. */
int fault_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_fault *f);

/* f as one item of `faults:` (2-space indent, one line). */
void fault_cfg_write(const struct sc_fault *f, FILE *out);

void fault_cfg_fini(struct sc_fault *f);

#endif
