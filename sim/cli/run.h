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

/* Where a run stands at the end of an interval (run_opts.on_tick). */
struct run_tick {
    double now;         /* s simulated: the interval's end */
    uint64_t requests;  /* new requests so far, all workloads */
    int64_t in_flight;  /* attempts sent and not yet answered, all workloads */
    uint64_t events;    /* events run so far */
};

struct run_opts {
    const char *out_dir;    /* final folder; files are written in "<out_dir>.partial" first */
    uint64_t seed;          /* run seed */
    bool quiet;             /* no table on stdout */
    bool progress;          /* progress on stderr (when it is a terminal) */
    /* If set, called at the end of every interval, after its outputs: a benchmark's view
     * of a run in progress (bench_e2e measures steady-state cost between two ticks).  It
     * changes nothing the run writes. */
    void (*on_tick)(void *ctx, const struct run_tick *t);
    void *tick_ctx;
};

/* Run sc and write its outputs.  On success returns 0 and, if out is not NULL, the
 * summary (caller frees with summary_free).  Returns 1 on an I/O failure (reported). */
int run_scenario(const struct scenario *sc, const struct run_opts *o, struct summary **out);

/* Check the scenario's SLOs against a summary; prints each broken one.  Returns the
 * number broken. */
int run_check_slos(const struct scenario *sc, const struct summary *s);

#endif
