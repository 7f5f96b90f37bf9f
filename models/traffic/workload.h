/*
 * workload — clients that send requests: open-loop arrivals or closed-loop users.
 *
 * Open loop: an arrival process (models/traffic/arrivals) says when a new connection opens; each
 * connection sends `connection.requests` requests one after another, the next one
 * `connection.think` after the previous response (default: one request per connection).
 * Closed loop: `users` users each send a request, wait for the response, think, repeat.
 * A client timeout abandons the attempt (the target still does the work, as a real server
 * would); failed attempts (timeout or 5xx) are retried up to `retries` times after an
 * exponential backoff with full jitter: uniform(0, backoff · 2^attempt).
 *
 * Common random numbers: arrival times come from the stream "workload.<name>.arrivals";
 * a lone request's demand and path from "workload.<name>.demand", drawn in arrival order;
 * a connection's or a user's requests from the client's own stream, seeded when the
 * client is created.  So the requests, their demands and their arrival times do not
 * depend on how they are routed or served; only retries and the follow-up requests of
 * closed loops and connections move in time with the responses, as they must.
 *
 * Latency is client-observed: from the first attempt's send to the successful response,
 * so retries count.  It goes to the `latency` sink; counters are totals since the start.
 *
 * Measured requests (struct wl_measured): those whose first attempt was sent at or after
 * `measure_from_s` (the scenario's warm-up).  Each is counted once, with its final
 * outcome whenever that comes, so requests = completed + failed + in_flight holds at every
 * moment; their latencies also go to the `measured_latency` sink.
 */
#ifndef ELBSIM_MODELS_WORKLOAD_H
#define ELBSIM_MODELS_WORKLOAD_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "models/traffic/arrivals.h"
#include "sim/event.h"
#include "sim/pool.h"
#include "sim/sink.h"

struct node;
struct env;
struct request;
struct sc_workload;

/* Why a request finally failed: its last attempt timed out at the client, or was answered
 * with this status (RQ_RESET: an L4 reset). */
enum wl_fail {
    WL_FAIL_TIMEOUT,
    WL_FAIL_404,
    WL_FAIL_500,
    WL_FAIL_502,
    WL_FAIL_503,
    WL_FAIL_504,
    WL_FAIL_RESET,
    WL_NFAIL
};

/* Summary metric names of the reasons: "timeouts", "errors_404", ..., "errors_reset". */
extern const char *const wl_fail_metric[WL_NFAIL];

/* Counts of the measured requests (see above).  Invariant:
 * requests = completed + sum(fail) + in_flight. */
struct wl_measured {
    uint64_t requests;              /* first attempt sent at or after measure_from_s */
    uint64_t completed;             /* of those, answered 2xx (after any retries) */
    uint64_t fail[WL_NFAIL];        /* of those, never succeeded, by final reason */
    uint64_t in_flight;             /* of those, not finished yet */
    uint64_t retries;               /* their attempts that were retries */
    uint64_t attempt_timeouts;      /* their attempts the client gave up on (retried or not) */
};

struct workload {
    uint32_t id;
    const char *name;               /* borrowed */
    const struct sc_workload *cfg;  /* borrowed */
    struct env *env;                /* borrowed */
    struct node *entry;
    gsl_rng *arrivals_rng;          /* owned */
    gsl_rng *demand_rng;            /* owned */
    gsl_rng *retry_rng;             /* owned */
    gsl_rng *size_rng;              /* owned: payload sizes of lone requests (a client has
                                     * its own size stream) */
    struct arrivals_state ast;
    double ast_demand;              /* trace: demand of the pending arrival (NAN = draw) */
    const char *ast_path;           /* trace: path of the pending arrival */
    struct sim_pool clients;        /* struct client */
    bool sizes_drawn;               /* a payload size is random: clients carry size_rng */
    struct sim_lane timers;         /* client timeouts (timeout_s > 0): now + timeout_s per
                                     * attempt, almost all cancelled by the response */
    uint64_t name_hash;             /* mixes into flow hashes */
    struct sim_sink latency;        /* successful requests' latency, s */
    double measure_from_s;          /* s: requests first sent from then on are measured */
    struct wl_measured measured;
    struct sim_sink measured_latency; /* measured successful requests' latency, s */
    /* Totals since the start of the run. */
    uint64_t requests;              /* new requests (not counting retries) */
    uint64_t attempts;              /* attempts sent, retries included */
    uint64_t completed;             /* answered 2xx */
    uint64_t errors;                /* finally failed with a 4xx/5xx */
    uint64_t timeouts;              /* attempts the client gave up on */
    uint64_t retries;               /* attempts that were retries */
    uint64_t failed;                /* requests that never succeeded (errors + final timeouts) */
    int64_t in_flight;              /* attempts sent and not yet answered or abandoned */
};

/* Build; rng names derive from the workload name and the world's seed. */
struct workload *workload_new(struct env *env, uint32_t id, const struct sc_workload *cfg,
                              struct node *entry);
void workload_free(struct workload *wl);

/* Schedule the first arrival (open loop) or start the users (closed loop). */
void workload_start(struct workload *wl);

/* A response reached the client (called by request_respond). */
void workload_response(struct workload *wl, struct request *rq);

/* Fetch what workload_response will touch for rq that may be cold (its client timeout's
 * timer), ahead of it; changes nothing. */
void workload_prefetch_response(const struct workload *wl, const struct request *rq);

/* The request was dropped on the way (rq->lost): no answer will come.  A client with a
 * timeout times out as usual (the request is finished then, or now if it already has);
 * one without waits forever, and the request is finished (logged, status 0) now. */
void workload_lost(struct workload *wl, struct request *rq);

#endif
