/*
 * target_cfg — the shape of targets as a scenario writes them: one entry of a target
 * group's `targets:` (a count of EC2 instances or Fargate tasks, or a load balancer as the
 * target), and an Auto Scaling group's `launch_template` (docs/scenario.md "target_groups: items").
 *
 * target_read.c reads an entry (the catalog fills an instance type's vCPUs, speed, memory
 * and price; a Fargate size must be one AWS offers), frees it and writes it back for the
 * resolved scenario.yaml.  models/scenario checks that a load-balancer target exists.
 */
#ifndef ELBSIM_MODELS_TARGET_CFG_H
#define ELBSIM_MODELS_TARGET_CFG_H

#include <stdio.h>

#include "models/compute/target.h"
#include "sim/diag.h"

struct cfg_read;
struct ytree;

struct sc_targets {
    struct target_spec spec;
    int count;
    int zone;                    /* -1 = spread over the scenario's zones */
    struct loc zone_loc;         /* of `zone:`, or of the entry when it has none */
    double fargate_cpu;          /* Fargate: vCPU of the task (spec.servers is its ceiling) */
    double speed_factor;         /* an instance type's or task's `speed:` (1 = as listed) */
    char *lb;                    /* a load balancer registered as the target (chaining) */
    struct loc lb_loc;
    double register_at_s;        /* s: registered then (0 = from the start) */
    double deregister_at_s;      /* s: deregistered then (0 = never) */
};

/* Read one `targets:` entry m into *ts (zeroed by the caller), defaults filled in.
 * Returns 0, or -1 after reporting every problem found (counted in r). */
int target_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_targets *ts);

/* Read a launch template v: a mapping like a `targets:` entry without the keys the group
 * decides (count, zone, lb, register_at, deregister_at).  Returns 0 or -1 as above. */
int target_cfg_read_template(struct cfg_read *r, const struct ytree *v, struct sc_targets *ts);

/* ts as one item of a group's `targets:` (6-space indent, one line); zones are the
 * scenario's zone names. */
void target_cfg_write(const struct sc_targets *ts, char *const *zones, FILE *f);

/* ts as the flow mapping of a `launch_template:` value, ending the line. */
void target_cfg_write_template(const struct sc_targets *ts, FILE *f);

void target_cfg_fini(struct sc_targets *ts);

#endif
