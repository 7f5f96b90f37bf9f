/*
 * cfg_read — what a component's configuration reader is given by the scenario reader.
 *
 * Each component reads its own block of the scenario next to its code
 * (models/<domain>/<component>_read.c) with the typed getters of sim/yread, reporting every problem
 * it finds and counting it in `y`.  Beyond the getters a block needs three things that
 * belong to the whole file: the file's name for locations kept after the YAML tree is
 * freed, when simulated t = 0 is, and the zones.  Zone names are numbered in the order
 * they first appear anywhere in the file (that order shows in outputs), so a component
 * asks the registry for a zone's number instead of keeping its own list.
 *
 * models/scenario fills this in; a test may fill it with a registry of its own.
 */
#ifndef ELBSIM_MODELS_CFG_READ_H
#define ELBSIM_MODELS_CFG_READ_H

#include <stdint.h>

#include "sim/diag.h"
#include "sim/yread.h"

struct ytree;

/* Returns the number of the zone called name, giving the next number to a name not seen
 * before. */
typedef int cfg_zone_fn(void *zones, const char *name);

struct cfg_read {
    struct yread y;          /* getters' state: errors so far, the scenario's folder */
    const char *file;        /* the scenario's name, outliving the tree (borrowed) */
    int64_t start_epoch_s;   /* Unix time (UTC) of simulated t = 0 */
    cfg_zone_fn *zone_index; /* the zones registry, with its state */
    void *zones;
};

/* The number of the zone called name (registered at first sight). */
int cfg_read_zone(struct cfg_read *r, const char *name);

/* The zones of a list node (each item a single value), in the order written, into a new
 * array *out (caller frees) of *n numbers; an item that is not a single value is reported
 * and left out.  No check for repeats. */
void cfg_read_zone_list(struct cfg_read *r, const struct ytree *list, int **out, int *n);

/* The names of a list node (each item a single value) into new arrays *names and *locs
 * (caller frees both, and each name) of *n entries: the names a block refers to, such as
 * target groups, checked once every block is read.  `what` names one item in messages
 * ("a target group name"). */
void cfg_read_name_list(struct cfg_read *r, const struct ytree *list, const char *what,
                        char ***names, struct loc **locs, int *n);

#endif
