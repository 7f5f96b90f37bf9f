/* Reading, resolving, writing back and freeing a `target_groups:` entry
 * (models/elb/target_group_cfg.h). */
#include "models/elb/target_group_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/cfg_read.h"
#include "models/elb/routing.h"
#include "sim/call.h"
#include "sim/dist.h"
#include "sim/text.h"
#include "sim/units.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const tg_keys[] = {"name", "algorithm", "cross_zone", "health_check",
                                      "targets", "slow_start", "stickiness",
                                      "deregistration_delay", "target_failover",
                                      "connection_termination", "appliance_demand",
                                      "target_type", NULL};

static const char *const hc_keys[] = {"interval", "timeout", "healthy", "unhealthy", NULL};

static void read_health_check(struct cfg_read *r, const struct ytree *m, struct sc_health_check *hc)
{
    if (m->kind != YTREE_MAP) {
        yread_error(&r->y, &m->loc,
                    "health_check must be a mapping, e.g. { interval: 30s, timeout: 5s, "
                    "healthy: 5, unhealthy: 2 }");
        return;
    }
    if (yread_keys(&r->y, m, "health_check", hc_keys))
        return;
    /* timeout < interval is checked by target_group_cfg_resolve, with the type's defaults */
    if (yread_unit(&r->y, m, "interval", SIM_UNIT_SECONDS, &hc->interval_s) == 0 &&
        ytree_get(m, "interval") && (hc->interval_s < 5 || hc->interval_s > 300))
        yread_error(&r->y, &ytree_get(m, "interval")->loc,
                    "health_check interval must be 5s to 300s "
                    "(AWS range), got '%s'",
                    ytree_get(m, "interval")->text);
    if (yread_unit(&r->y, m, "timeout", SIM_UNIT_SECONDS, &hc->timeout_s) == 0 &&
        ytree_get(m, "timeout") && (hc->timeout_s < 2 || hc->timeout_s > 120))
        yread_error(&r->y, &ytree_get(m, "timeout")->loc,
                    "health_check timeout must be 2s to 120s "
                    "(AWS range), got '%s'",
                    ytree_get(m, "timeout")->text);
    yread_int(&r->y, m, "healthy", 2, 10, &hc->healthy);
    yread_int(&r->y, m, "unhealthy", 2, 10, &hc->unhealthy);
}

int target_group_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_tg *g)
{
    int errors = r->y.errors;
    if (yread_keys(&r->y, m, "a target group", tg_keys))
        return -1;
    yread_string(&r->y, m, "name", &g->name);
    g->algorithm = xstrdup("round_robin");
    const struct ytree *a = ytree_get(m, "algorithm");
    if (a) {
        g->algorithm_given = true;
        yread_string(&r->y, m, "algorithm", &g->algorithm);
        g->algorithm_loc = a->loc;
        /* `name` or `name(k=v, ...)`: the text is kept, each routing instance reads it. */
        const struct route_ops *ops;
        void *cfg;
        if (route_parse(g->algorithm, &a->loc, &ops, &cfg))
            yread_fail(&r->y);
        free(cfg);
    }
    const struct ytree *xz = ytree_get(m, "cross_zone");
    if (xz && yread_scalar(&r->y, xz, "cross_zone")) {
        if (!strcmp(xz->text, "true"))
            g->cross_zone = SC_XZ_ON;
        else if (!strcmp(xz->text, "false"))
            g->cross_zone = SC_XZ_OFF;
        else if (!strcmp(xz->text, "use_load_balancer_configuration"))
            g->cross_zone = SC_XZ_INHERIT;
        else
            yread_error(&r->y, &xz->loc,
                        "cross_zone must be true, false or "
                        "use_load_balancer_configuration, got '%s'",
                        xz->text);
    }
    /* Unset (-1) until the LB type that uses the group is known (target_group_cfg_resolve). */
    g->hc = (struct sc_health_check){-1, -1, -1, -1};
    g->loc = m->loc;
    g->hc_loc = m->loc;
    const struct ytree *tt = ytree_get(m, "target_type");
    if (tt && yread_scalar(&r->y, tt, "target_type")) {
        g->target_type_loc = tt->loc;
        if (!strcmp(tt->text, "instance"))
            g->target_type = SC_TGT_INSTANCE;
        else if (!strcmp(tt->text, "ip"))
            g->target_type = SC_TGT_IP;
        else if (!strcmp(tt->text, "alb"))
            g->target_type = SC_TGT_ALB;
        else
            yread_error(&r->y, &tt->loc, "unknown target_type '%s'; expected instance, ip or "
                                         "alb", tt->text);
    }
    const struct ytree *hc = ytree_get(m, "health_check");
    if (hc) {
        g->hc_loc = hc->loc;
        read_health_check(r, hc, &g->hc);
    }
    const struct ytree *ss = ytree_get(m, "slow_start");
    if (ss &&
        yread_zero_or_more(&r->y, m, "slow_start", SIM_UNIT_SECONDS, &g->slow_start_s) == 0 &&
        g->slow_start_s != 0 && (g->slow_start_s < 30 || g->slow_start_s > 900))
        yread_error(&r->y, &ss->loc,
                    "slow_start must be 0 (off) or 30s to 900s (AWS range), got '%s'", ss->text);
    g->deregistration_delay_s = 300;
    const struct ytree *dd = ytree_get(m, "deregistration_delay");
    if (dd &&
        yread_zero_or_more(&r->y, m, "deregistration_delay", SIM_UNIT_SECONDS,
                           &g->deregistration_delay_s) == 0 &&
        g->deregistration_delay_s > 3600)
        yread_error(&r->y, &dd->loc,
                    "deregistration_delay must be 0s to 3600s (AWS range), got '%s'", dd->text);
    const struct ytree *tf = ytree_get(m, "target_failover");
    if (tf && yread_scalar(&r->y, tf, "target_failover")) {
        if (!strcmp(tf->text, "rebalance"))
            g->rebalance = true;
        else if (strcmp(tf->text, "no_rebalance") != 0)
            yread_error(&r->y, &tf->loc,
                        "target_failover must be no_rebalance or rebalance, got '%s'", tf->text);
    }
    g->connection_termination = true;
    yread_bool(&r->y, m, "connection_termination", &g->connection_termination);
    yread_dist(&r->y, m, "appliance_demand", SIM_UNIT_SECONDS, &g->appliance_demand);
    const struct ytree *st = ytree_get(m, "stickiness");
    if (st && yread_scalar(&r->y, st, "stickiness")) {
        g->sticky_loc = st->loc;
        const char *t = st->text;
        if (!strcmp(t, "none") || !strcmp(t, "off"))
            g->sticky = SC_STICKY_NONE;
        else if (!strcmp(t, "5_tuple"))
            g->sticky = SC_STICKY_5TUPLE;
        else if (!strcmp(t, "3_tuple") || !strcmp(t, "source_ip_dest_ip_proto"))
            g->sticky = SC_STICKY_3TUPLE;
        else if (!strcmp(t, "2_tuple") || !strcmp(t, "source_ip_dest_ip"))
            g->sticky = SC_STICKY_2TUPLE;
        else if (!strncmp(t, "lb_cookie", 9)) {
            /* lb_cookie or lb_cookie(duration=D): 1 s to 7 days, default 1 day. */
            g->sticky = SC_STICKY_COOKIE;
            g->sticky_duration_s = 86400;
            struct sim_call *call;
            if (sim_call_parse(t, &st->loc, &call)) {
                yread_fail(&r->y);
            } else {
                for (size_t i = 0; call->name && i < call->nargs; i++) {
                    const struct sim_call_arg *ca = &call->args[i];
                    const char *why = NULL;
                    if (!ca->key || strcmp(ca->key, "duration") != 0) {
                        diag_error_text(&st->loc, t, ca->key_off,
                                        ca->key ? strlen(ca->key) : ca->value_len,
                                        "lb_cookie takes one parameter, duration");
                        yread_fail(&r->y);
                    } else if (sim_units_parse(ca->value, ca->value_len, SIM_UNIT_SECONDS,
                                               &g->sticky_duration_s, &why) ||
                               g->sticky_duration_s < 1 || g->sticky_duration_s > 604800) {
                        diag_error_text(&st->loc, t, ca->value_off, ca->value_len,
                                        "lb_cookie duration must be 1s to 7d (AWS range)%s%s",
                                        why ? ": " : "", why ? why : "");
                        yread_fail(&r->y);
                    }
                }
                sim_call_free(call);
            }
        } else
            yread_error(&r->y, &st->loc,
                        "unknown stickiness '%s'; expected lb_cookie or "
                        "lb_cookie(duration=D) for ALB and CLB groups, 5_tuple, 3_tuple "
                        "or 2_tuple for GWLB groups, or none",
                        t);
    }
    const struct ytree *ts = yread_list(&r->y, m, "targets");
    if (ts) {
        g->targets = xcalloc(ts->n ? ts->n : 1, sizeof *g->targets);
        for (size_t i = 0; i < ts->n; i++)
            target_cfg_read(r, ts->items[i], &g->targets[g->ntargets++]);
    }
    return r->y.errors > errors ? -1 : 0;
}

/* Health-check defaults per LB type (AWS.md §1-§4): interval, timeout, healthy, unhealthy. */
static const struct sc_health_check hc_defaults[4] = {
    [SC_LB_ALB] = {30, 5, 5, 2},
    [SC_LB_NLB] = {30, 10, 5, 2},
    [SC_LB_GWLB] = {10, 5, 5, 2},
    [SC_LB_CLB] = {30, 5, 10, 2},
};

/* The algorithm a group gets when the scenario names none: what its LB type uses. */
static const char *default_algorithm(enum sc_lb_type t, bool l4)
{
    switch (t) {
    case SC_LB_NLB:
    case SC_LB_GWLB:
        return "flow_hash";
    case SC_LB_CLB:
        return l4 ? "round_robin" : "least_outstanding_requests";
    case SC_LB_ALB:
    default:
        return "round_robin";
    }
}

int target_group_cfg_resolve(struct yread *r, struct sc_tg *g, const struct sc_lb *owner)
{
    int errors = r->errors;
    g->used = owner != NULL;
    g->lb_type = owner ? owner->type : SC_LB_ALB;
    g->l4 = owner && owner->l4;
    const char *tn = lb_cfg_type_name(g->lb_type);
    const char *kind = g->l4 ? "routes each flow once" : "routes each request";

    /* Algorithm: the type's default, or the one given if it suits the listener. */
    if (!g->algorithm_given) {
        free(g->algorithm);
        g->algorithm = xstrdup(default_algorithm(g->lb_type, g->l4));
    }
    const struct route_ops *ops = route_find(g->algorithm);
    if (ops && g->used && !(ops->modes & (g->l4 ? ROUTE_PER_FLOW : ROUTE_PER_REQUEST))) {
        char names[512] = "";
        size_t used = 0;
        for (size_t i = 0; route_table[i]; i++)
            if (route_table[i]->modes & (g->l4 ? ROUTE_PER_FLOW : ROUTE_PER_REQUEST))
                text_appendf(names, sizeof names, &used, "%s%s", used ? ", " : "",
                             route_table[i]->name);
        yread_error(r, g->algorithm_given ? &g->algorithm_loc : &g->loc,
                    "algorithm '%s' cannot route for %s %s (%s): %s %s; algorithms that can: %s",
                    ops->name, lb_cfg_article(g->lb_type), tn, owner->name, tn, kind, names);
    }
    if (!ops)
        yread_error(r, &g->loc, "algorithm '%s' is not built into this elbsim", g->algorithm);

    /* Health checks: the type's defaults for what is not given. */
    const struct sc_health_check *d = &hc_defaults[g->lb_type];
    if (g->hc.interval_s < 0)
        g->hc.interval_s = d->interval_s;
    if (g->hc.timeout_s < 0)
        g->hc.timeout_s = d->timeout_s;
    if (g->hc.healthy < 0)
        g->hc.healthy = d->healthy;
    if (g->hc.unhealthy < 0)
        g->hc.unhealthy = d->unhealthy;
    if (g->hc.timeout_s >= g->hc.interval_s)
        yread_error(r, &g->hc_loc, "health_check timeout (%gs) must be shorter than interval (%gs)",
                    g->hc.timeout_s, g->hc.interval_s);

    /* Features that belong to some types only. */
    bool cookie_ok = !g->l4 && (g->lb_type == SC_LB_ALB || g->lb_type == SC_LB_CLB);
    if (g->sticky == SC_STICKY_COOKIE && !cookie_ok)
        yread_error(r, &g->sticky_loc,
                    "lb_cookie stickiness needs an HTTP listener of an ALB or "
                    "CLB; this group serves %s %s that %s",
                    lb_cfg_article(g->lb_type), tn, kind);
    if (g->sticky >= SC_STICKY_5TUPLE && g->lb_type != SC_LB_GWLB)
        yread_error(r, &g->sticky_loc,
                    "tuple stickiness (5_tuple, 3_tuple, 2_tuple) is a GWLB "
                    "setting; this group serves %s %s",
                    lb_cfg_article(g->lb_type), tn);
    if (g->sticky == SC_STICKY_COOKIE && g->lb_type == SC_LB_ALB && g->cross_zone == SC_XZ_OFF)
        yread_error(r, &g->sticky_loc, "ALB stickiness is not available with cross_zone off (AWS)");
    if (g->slow_start_s > 0 && g->lb_type != SC_LB_ALB) {
        yread_error(r, &g->loc, "slow_start is an ALB setting; this group serves %s %s",
                    lb_cfg_article(g->lb_type), tn);
    } else if (g->slow_start_s > 0 && ops && ops->no_slow_start)
        yread_error(r, &g->loc,
                    "slow_start cannot be combined with least_outstanding_requests "
                    "(AWS)");
    if (g->appliance_demand && g->lb_type != SC_LB_GWLB)
        yread_error(r, &g->loc,
                    "appliance_demand belongs to a group of GWLB appliances; this group "
                    "serves %s %s",
                    lb_cfg_article(g->lb_type), tn);

    /* Load balancers as targets: all or none, never behind a GWLB, and only algorithms that
     * do not read an instance's size or queue. */
    int nlb = 0;
    for (int k = 0; k < g->ntargets; k++)
        nlb += g->targets[k].lb != NULL;
    g->lb_targets = nlb > 0;
    if (nlb && nlb < g->ntargets)
        yread_error(r, &g->loc,
                    "target group '%s' mixes load balancers and instances; a group "
                    "has one target type (AWS)",
                    g->name);
    if (nlb && g->lb_type == SC_LB_GWLB)
        yread_error(r, &g->loc,
                    "GWLB targets are appliances, not load balancers; send inspected "
                    "traffic on with the gwlb's 'next'");
    if (nlb && ops && ops->reads_targets)
        yread_error(r, g->algorithm_given ? &g->algorithm_loc : &g->loc,
                    "algorithm '%s' reads each target's size or queue; load-balancer targets "
                    "have neither",
                    ops->name);
    return r->errors > errors ? -1 : 0;
}

void target_group_cfg_write(const struct sc_tg *g, char *const *zones, FILE *f)
{
    fputs("  - name: ", f);
    ywrite_quoted(f, g->name);
    fputs("\n    algorithm: ", f);
    if (strpbrk(g->algorithm, "(:#'\""))
        ywrite_quoted(f, g->algorithm);
    else
        fputs(g->algorithm, f);
    fprintf(f, "\n    cross_zone: %s\n",
            g->cross_zone == SC_XZ_ON    ? "true"
            : g->cross_zone == SC_XZ_OFF ? "false"
                                         : "use_load_balancer_configuration");
    static const char *const tt_names[] = {"instance", "instance", "ip", "alb"};
    fprintf(f, "    target_type: %s\n", tt_names[g->target_type]);
    fputs("    health_check: { interval: ", f);
    ywrite_unit(f, g->hc.interval_s, SIM_UNIT_SECONDS);
    fputs(", timeout: ", f);
    ywrite_unit(f, g->hc.timeout_s, SIM_UNIT_SECONDS);
    fprintf(f, ", healthy: %d, unhealthy: %d }\n", g->hc.healthy, g->hc.unhealthy);
    fputs("    slow_start: ", f);
    ywrite_unit(f, g->slow_start_s, SIM_UNIT_SECONDS);
    fputs("\n    stickiness: ", f);
    static const char *const sticky_names[] = {"none", "lb_cookie", "5_tuple", "3_tuple",
                                               "2_tuple"};
    if (g->sticky == SC_STICKY_COOKIE) {
        fputs("\"lb_cookie(duration=", f);
        ywrite_unit(f, g->sticky_duration_s, SIM_UNIT_SECONDS);
        fputs(")\"", f);
    } else {
        fputs(sticky_names[g->sticky], f);
    }
    fputs("\n    deregistration_delay: ", f);
    ywrite_unit(f, g->deregistration_delay_s, SIM_UNIT_SECONDS);
    fprintf(f, "\n    target_failover: %s\n    connection_termination: %s\n",
            g->rebalance ? "rebalance" : "no_rebalance",
            g->connection_termination ? "true" : "false");
    if (g->appliance_demand) {
        fputs("    appliance_demand: ", f);
        ywrite_dist(f, g->appliance_demand);
        fputc('\n', f);
    }
    fputs(g->ntargets ? "    targets:\n" : "    targets: []\n", f);
    for (int k = 0; k < g->ntargets; k++)
        target_cfg_write(&g->targets[k], zones, f);
}

void target_group_cfg_fini(struct sc_tg *g)
{
    free(g->name);
    free(g->algorithm);
    sim_dist_free(g->appliance_demand);
    for (int k = 0; k < g->ntargets; k++)
        target_cfg_fini(&g->targets[k]);
    free(g->targets);
}
