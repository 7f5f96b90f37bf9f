/*
 * run — one simulation run of a loaded scenario, with everything it writes.
 *
 * The place where models meet analysis: it builds the world, wires the models' sinks to
 * histograms and time series, runs the engine to the scenario's duration, and writes
 * timeseries.csv, timeseries_wide.csv, summary.csv, events.csv, requests.csv (when asked)
 * and scenario.yaml into a folder, atomically (DESIGN.md "Outputs").
 */
#ifndef ELBSIM_SIM_CLI_RUN_H
#define ELBSIM_SIM_CLI_RUN_H

#include <stdbool.h>
#include <stdint.h>

struct scenario;
struct summary;

struct run_opts {
    const char *out_dir;    /* final folder; files are written in "<out_dir>.partial" first */
    uint64_t seed;          /* run seed */
    bool quiet;             /* no table on stdout */
    bool progress;          /* progress on stderr (when it is a terminal) */
};

/* Run sc and write its outputs.  On success returns 0 and, if out is not NULL, the
 * summary (caller frees with summary_free).  Returns 1 on an I/O failure (reported). */
int run_scenario(const struct scenario *sc, const struct run_opts *o, struct summary **out);

/* Check the scenario's SLOs against a summary; prints each broken one.  Returns the
 * number broken. */
int run_check_slos(const struct scenario *sc, const struct summary *s);

#endif
