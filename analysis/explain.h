/*
 * explain — the decision trace in plain words: reads DIR/trace.csv (written by
 * `elbsim run --trace`, columns in docs/outputs.md "trace.csv") and tells, request by
 * request, where it went and why: the load balancer node DNS gave it, the listener rule,
 * what the routing algorithm saw and chose, the target's queue, the wait and the service,
 * retries, timeouts and the status the client got.
 *
 * Used by `elbsim explain` and meant for any page that shows narrations (one paragraph per
 * request, in request order).  Knows the trace's columns and detail keys, nothing of the
 * models.
 */
#ifndef ELBSIM_ANALYSIS_EXPLAIN_H
#define ELBSIM_ANALYSIS_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>

enum {
    EXPLAIN_ERR_INPUT = -1, /* trace.csv is not a trace, or the request is not in it (exit 2) */
    EXPLAIN_ERR_IO = -2,    /* DIR or DIR/trace.csv cannot be read (exit 1) */
};

/* Narrate request `request_id` of DIR/trace.csv on out, or every traced request when
 * request_id is 0.  Returns 0, or EXPLAIN_ERR_* after a message on stderr. */
int explain_narrate(FILE *out, const char *dir, uint64_t request_id);

#endif
