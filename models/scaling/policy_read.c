/* An owner's scaling policies beyond each one's own keys (models/scaling/policy_cfg.h). */
#include "models/scaling/policy_cfg.h"

#include <stdio.h>
#include <stdlib.h>

#include "models/core/cfg_read.h"
#include "models/forecast/forecast.h"
#include "sim/path.h"
#include "sim/yread.h"

/* A policy on a target group's metric (request counts, response times, 5xx; or predictive
 * on request counts) needs the owner to register with a target group: it reads the first. */
int policy_cfg_check_groups(struct cfg_read *r, const struct scaling_policy *pol, int n,
                            int ntgs, const char *owner)
{
    int errors = r->y.errors;
    for (int i = 0; i < n && ntgs == 0; i++) {
        const struct scaling_policy *p = &pol[i];
        enum scaling_input in = scaling_types[p->kind]->input;
        const struct metric_def *md = in == SCALING_INPUT_TRACKING ? p->metric
                                      : in == SCALING_INPUT_ALARM  ? p->alarm.metric
                                                                   : NULL;
        bool tg = (md && (md->resource & METRIC_RES_TARGET_GROUP)) ||
                  (p->kind == SCALING_PREDICTIVE && p->pred_requests);
        if (tg)
            yread_error(&r->y, &p->loc,
                        "policy '%s' of '%s' scales on a target group's requests or "
                        "responses, but '%s' registers with no target group (add "
                        "target_groups: [NAME])",
                        p->name, owner, owner);
    }
    return r->y.errors > errors ? -1 : 0;
}

/* A predictive policy's history: a CSV of load before t = 0 (its last hour ends at t = 0),
 * read now so a bad file is a load-time error.  Without enough of it the policy waits
 * for the run's own 24 h only when the scenario says so. */
int policy_cfg_history_read(struct cfg_read *r, const char *owner, struct scaling_policy *p)
{
    size_t need = forecast_method_min_history_h(&p->method);
    if (p->history_path) {
        char *path = sim_path_join(r->y.dir, p->history_path);
        struct forecast_history h;
        int rc = forecast_history_read(path, p->history_series,
                                       p->pred_requests ? FORECAST_AGG_SUM : FORECAST_AGG_MEAN, &h);
        free(path);
        if (rc)
            return yread_fail(&r->y);
        /* The resolved scenario names the file absolutely, to run again from anywhere. */
        char *abs = sim_path_absolute(r->y.dir, p->history_path);
        free(p->history_path);
        p->history_path = abs;
        p->history = h.load;
        p->history_n = h.n;
        h.load = NULL;
        forecast_history_fini(&h);
    }
    if (p->history_n < need && !p->wait_for_history)
        return yread_error(
            &r->y, p->history_path ? &p->history_loc : &p->loc,
            "predictive policy '%s' of '%s' has %zu hours of history; it needs at least "
            "%zu (history: FILE), or wait_for_history: true to wait for the run's "
            "own, as AWS does",
            p->name, owner, p->history_n, need);
    return 0;
}
