/*
 * catalog — EC2 instance types and Fargate task sizes: shape, price and billing.
 *
 * Instance types: the t3, m5, c5 and r5 families with vCPUs, memory (GB) and the
 * us-east-1 Linux on-demand price in USD per hour (AWS.md §8: m5.large 0.096, c5.large
 * 0.085, t3.medium 0.0416; other sizes scale linearly within a family, which AWS's own
 * c5.2xlarge = 0.34 example confirms).  Each type also carries a relative per-vCPU speed
 * (c5 = 1.0).  The speeds are elbsim's assumption, not an AWS figure: they follow the
 * sustained all-core clock of each family's processor generation (c5 about 3.4-3.6 GHz,
 * m5/r5/t3 about 3.1 GHz, so about 0.9).  t3 is burstable; its CPU credits are not
 * modelled: a t3 runs at its full speed for as long as it is busy (as in "unlimited" mode).
 *
 * Fargate (Linux/x86): the valid (vCPU, memory) pairs of the AWS.md §8 table, the price
 * $0.04048 per vCPU-hour plus $0.004445 per GB-hour, and per-second billing with a one-minute
 * minimum.  Left out: Fargate Spot and ARM prices, EC2 Spot, reserved and savings-plan
 * prices, other regions, ephemeral storage beyond the included 20 GB, and launch times
 * (those are distributions the scenario sets, AWS.md fact 11).
 *
 * Everything here is constant data or a pure function; nothing allocates.
 */
#ifndef ELBSIM_MODELS_CATALOG_H
#define ELBSIM_MODELS_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/* One EC2 instance type.  All rows are static constants; pointers to them stay valid for
 * the life of the program. */
struct catalog_instance {
    const char *name;          /* "c5.large"; NULL ends catalog_instances[] */
    double vcpus;              /* vCPUs, each one server in the target model */
    double memory_gb;          /* GiB as AWS lists it ("8 GiB"), written GB in elbsim */
    double price_per_hour_usd; /* us-east-1 Linux on-demand, USD per hour */
    double speed;              /* relative per-vCPU speed, c5 = 1.0 (elbsim's assumption) */
    const char *family_note;   /* one line for `elbsim list instance-types` */
};

/* All instance types, sorted by family (c5, m5, r5, t3) then by size, ending with a row
 * whose name is NULL. */
extern const struct catalog_instance catalog_instances[];

/* The instance type called name (exact, case-sensitive: "c5.large"), or NULL. */
const struct catalog_instance *catalog_find(const char *name);

/* True if (vcpu, memory_gb) is a Fargate Linux task size of the AWS.md §8 table.  Values
 * are compared with a tolerance of 1e-6 so that sizes computed from units still match. */
bool catalog_fargate_is_valid(double vcpu, double memory_gb);

/* USD per hour of a Fargate Linux/x86 task: 0.04048 per vCPU-hour + 0.004445 per GB-hour.
 * Does not check validity (see catalog_fargate_is_valid). */
double catalog_fargate_price_per_hour(double vcpu, double memory_gb);

/* Writes the memory sizes valid with vcpu for an error message: "1, 2, 3, 4 GB",
 * "8 to 30 GB in 1 GB steps"; for a vCPU value Fargate does not offer it lists the valid
 * vCPU values instead ("none: cpu must be one of 0.25, 0.5, 1, 2, 4, 8, 16").  Always
 * NUL-terminates when n > 0; truncates to fit. */
void catalog_fargate_valid_memory(double vcpu, char *buf, size_t n);

/* Seconds billed for something that ran run_s seconds, billed per started second with a
 * minimum of minimum_s (EC2 Linux: 60 s; Fargate: 60 s, AWS.md §8): max(ceil(run_s),
 * minimum_s).  A run of zero or less (never started) bills 0. */
double catalog_billed_seconds(double run_s, double minimum_s);

/* Seconds something started at from_s (NaN: never) and stopped at to_s (NaN: still
 * running) has run by now_s: min(to, now) - from, at least 0. */
double catalog_ran_s(double from_s, double to_s, double now_s);

/* The billing minimum of EC2 Linux instances and of Fargate tasks, in seconds. */
#define CATALOG_EC2_MINIMUM_S 60.0
#define CATALOG_FARGATE_MINIMUM_S 60.0

#endif
