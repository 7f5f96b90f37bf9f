/*
 * headline — what `elbsim run` prints first: the answer in at most about 20 lines.
 *
 * The run (scenario, seed, span, series interval), the requests that arrived after the
 * warm-up and what became of them (completed, failed by reason, still in flight), the
 * throughput, the latency percentiles, the cost and where it went, the scaling activity,
 * and every SLO of the scenario with its verdict and its value.  Everything comes from the
 * run's summary (sim/cli/run.h), so the headline and summary.csv never disagree.  The
 * per-target details are in summary.csv, or in the table `--verbose` prints after it.
 */
#ifndef ELBSIM_SIM_CLI_HEADLINE_H
#define ELBSIM_SIM_CLI_HEADLINE_H

#include <stdbool.h>
#include <stdio.h>

struct scenario;
struct summary;

/* The value SLO i of sc is judged on (NAN when the summary has no such row), and whether
 * it holds. */
double headline_slo_value(const struct scenario *sc, const struct summary *s, int i,
                          bool *ok);

/* Print the headline of a finished run to f.  out_dir: where the files went. */
void headline_print(FILE *f, const struct scenario *sc, const struct summary *s,
                    const char *out_dir);

#endif
