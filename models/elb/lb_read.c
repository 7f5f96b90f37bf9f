/* Reading, writing back and freeing a `load_balancers:` entry (models/elb/lb_cfg.h). */
#include "models/elb/lb_cfg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "models/core/cfg_read.h"
#include "sim/dist.h"
#include "sim/text.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const lb_keys[] = {"name",     "type",         "zones",
                                      "cross_zone", "latency",    "listeners",
                                      "idle_timeout", "connect_timeout", "next",
                                      "inter_zone_price", NULL};

static const char *const listener_keys[] = {"port", "protocol", "rules", "forward", NULL};

static const char *const rule_keys[] = {"path", "host", "forward", NULL};

static const char *const fw_keys[] = {"target_group", "weight", NULL};

static const char *const lb_type_names[] = {"alb", "nlb", "gwlb", "clb"};

static const char *const protocol_names[] = {"HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP",
                                             "SSL", "GENEVE"};

const char *lb_cfg_type_name(enum sc_lb_type t)
{
    return lb_type_names[t];
}

const char *lb_cfg_article(enum sc_lb_type t)
{
    return t == SC_LB_ALB || t == SC_LB_NLB ? "an" : "a";
}

static void read_forward(struct cfg_read *r, const struct ytree *v, struct sc_rule *rule)
{
    if (v->kind == YTREE_SCALAR) {
        rule->fw = xcalloc(1, sizeof *rule->fw);
        rule->nfw = 1;
        rule->fw[0].target_group = xstrdup(v->text);
        rule->fw[0].loc = v->loc;
        rule->fw[0].weight = 1;
        return;
    }
    if (v->kind != YTREE_SEQ || v->n == 0) {
        yread_error(&r->y, &v->loc,
                    "forward takes a target group name, or a list of "
                    "{ target_group: NAME, weight: W }");
        return;
    }
    if (v->n > 5)
        yread_error(&r->y, &v->loc,
                    "a forward action takes at most 5 target groups (AWS quota), "
                    "got %zu",
                    v->n);
    rule->fw = xcalloc(v->n, sizeof *rule->fw);
    double sum = 0;
    for (size_t i = 0; i < v->n; i++) {
        const struct ytree *f = v->items[i];
        struct sc_forward *fw = &rule->fw[rule->nfw++];
        fw->weight = 1;
        fw->loc = f->loc;
        if (yread_keys(&r->y, f, "a weighted forward", fw_keys))
            continue;
        if (yread_require(&r->y, f, "target_group", "a weighted forward"))
            continue;
        yread_string(&r->y, f, "target_group", &fw->target_group);
        fw->loc = ytree_get(f, "target_group")->loc;
        yread_zero_or_more(&r->y, f, "weight", SIM_UNIT_NONE, &fw->weight);
        if (fw->weight > 999)
            yread_error(&r->y, &ytree_get(f, "weight")->loc, "weight must be 0 to 999 (AWS range)");
        sum += fw->weight;
    }
    if (sum <= 0)
        yread_error(&r->y, &v->loc, "the weights of a forward action add up to zero");
}

/* The LB's processing-latency profiles (docs/load-balancers.md; AWS.md: no AWS
 * figure exists).  L4 LBs forward packets and add far less than L7 ones, which parse HTTP. */
static const char *latency_profile(enum sc_lb_type t, const char *name)
{
    bool l4 = t == SC_LB_NLB || t == SC_LB_GWLB;
    if (!strcmp(name, "realistic"))
        return l4 ? "lognormal(median=100us, p99=500us)" : "lognormal(median=2ms, p99=10ms)";
    if (!strcmp(name, "classroom"))
        return l4 ? "const(100ms)" : "const(400ms)";
    if (!strcmp(name, "none"))
        return NULL;
    return name;
}

/* Which protocols each type's listener takes; the first is the default. */
static const int lb_protocols[4][5] = {
    [SC_LB_ALB] = {SC_HTTP, SC_HTTPS, -1, -1, -1},
    [SC_LB_NLB] = {SC_TCP, SC_TLS, SC_UDP, SC_TCP_UDP, -1},
    [SC_LB_GWLB] = {SC_GENEVE, -1, -1, -1, -1},
    [SC_LB_CLB] = {SC_HTTP, SC_HTTPS, SC_TCP, SC_SSL, -1},
};

/* Zones (so nodes) of one load balancer: a node's index fits a request's lb_node. */
#define LB_MAX_ZONES 1000

/* A listener's port when none is given: 443 for the protocols with TLS, else 80. */
static int default_port(enum sc_protocol p)
{
    return p == SC_HTTPS || p == SC_TLS || p == SC_SSL ? 443 : 80;
}

static void read_listener(struct cfg_read *r, const struct ytree *l, struct sc_lb *lb)
{
    if (yread_keys(&r->y, l, "a listener", listener_keys))
        return;
    int port = 0;
    yread_int(&r->y, l, "port", 1, 65535, &port);
    const int *allowed = lb_protocols[lb->type];
    lb->protocol = (enum sc_protocol)allowed[0];
    const struct ytree *pv = ytree_get(l, "protocol");
    if (pv && yread_scalar(&r->y, pv, "protocol")) {
        int found = -1;
        for (int i = 0; i < 5 && allowed[i] >= 0; i++)
            if (!strcasecmp(pv->text, protocol_names[allowed[i]]))
                found = allowed[i];
        if (found < 0) {
            char names[128] = "";
            size_t used = 0;
            for (int i = 0; i < 5 && allowed[i] >= 0; i++)
                text_appendf(names, sizeof names, &used, "%s%s", i ? ", " : "",
                             protocol_names[allowed[i]]);
            yread_error(&r->y, &pv->loc,
                        "protocol '%s' is not one %s %s listener takes; expected one "
                        "of: %s",
                        pv->text, lb_cfg_article(lb->type), lb_type_names[lb->type], names);
        } else {
            lb->protocol = (enum sc_protocol)found;
        }
    }
    lb->l4 = !(lb->protocol == SC_HTTP || lb->protocol == SC_HTTPS);
    lb->port = port ? port : default_port(lb->protocol);
    const struct ytree *rules = ytree_get(l, "rules");
    const struct ytree *fw = ytree_get(l, "forward");
    if (rules && lb->type != SC_LB_ALB) {
        yread_error(&r->y, ytree_key_loc(l, "rules"),
                    "only an ALB listener has rules; a%s %s listener "
                    "forwards everything: forward: GROUP",
                    lb->type == SC_LB_NLB ? "n" : "", lb_type_names[lb->type]);
        return;
    }
    if (!rules && !fw) {
        yread_error(&r->y, &l->loc,
                    lb->type == SC_LB_ALB
                        ? "a listener needs 'rules' (the last one usually a default "
                          "{ forward: NAME }) or 'forward: NAME'"
                        : "a listener needs 'forward: NAME' (its target group)");
        return;
    }
    if (rules) {
        rules = yread_list(&r->y, l, "rules");
        if (!rules || rules->n == 0) {
            yread_error(&r->y, ytree_key_loc(l, "rules"), "'rules' needs at least one rule");
            return;
        }
        lb->rules = xrealloc(lb->rules, (size_t)(lb->nrules + (int)rules->n + 1) *
                                            sizeof *lb->rules);
        for (size_t ri = 0; ri < rules->n; ri++) {
            const struct ytree *ru = rules->items[ri];
            struct sc_rule *rule = &lb->rules[lb->nrules++];
            *rule = (struct sc_rule){0};
            if (yread_keys(&r->y, ru, "a rule", rule_keys))
                continue;
            yread_string(&r->y, ru, "path", &rule->path);
            yread_string(&r->y, ru, "host", &rule->host);
            if (yread_require(&r->y, ru, "forward", "a rule"))
                continue;
            read_forward(r, ytree_get(ru, "forward"), rule);
        }
    }
    if (fw) {
        /* The default action: a rule without conditions, after any others. */
        lb->rules = xrealloc(lb->rules, (size_t)(lb->nrules + 1) * sizeof *lb->rules);
        struct sc_rule *rule = &lb->rules[lb->nrules++];
        *rule = (struct sc_rule){0};
        read_forward(r, fw, rule);
        if (lb->type != SC_LB_ALB && rule->nfw > 1)
            yread_error(&r->y, &fw->loc,
                        "only an ALB splits traffic over weighted target groups; a%s "
                        "%s listener forwards to one",
                        lb->type == SC_LB_NLB ? "n" : "", lb_type_names[lb->type]);
    }
}

int lb_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_lb *lb)
{
    int errors = r->y.errors;
    if (yread_keys(&r->y, m, "a load balancer", lb_keys))
        return -1;
    yread_string(&r->y, m, "name", &lb->name);
    lb->loc = m->loc;
    lb->type = SC_LB_ALB;
    const struct ytree *tv = ytree_get(m, "type");
    bool type_bad = tv != NULL; /* until read: checks that depend on it are skipped */
    if (tv && yread_scalar(&r->y, tv, "type")) {
        int found = -1;
        for (int i = 0; i < 4; i++)
            if (!strcasecmp(tv->text, lb_type_names[i]))
                found = i;
        if (found < 0) {
            yread_error(&r->y, &tv->loc,
                        "unknown load balancer type '%s'; expected one of: alb, nlb, "
                        "gwlb, clb",
                        tv->text);
        } else {
            lb->type = (enum sc_lb_type)found;
            type_bad = false;
        }
    }
    /* Cross-zone defaults (AWS.md fact 7): ALB always on at the LB level; NLB and GWLB off;
     * CLB off as created through the API. */
    lb->cross_zone = lb->type == SC_LB_ALB;
    if (yread_bool(&r->y, m, "cross_zone", &lb->cross_zone) == 0 &&
        lb->type == SC_LB_ALB && !lb->cross_zone) {
        /* AWS has no such setting: an ALB balances across zones at the LB level always
         * (AWS.md fact 7, [ALB-XZ]); only a target group can turn it off. */
        yread_error(&r->y, &ytree_get(m, "cross_zone")->loc,
                    "an ALB cannot turn cross-zone load balancing off: it is always on at "
                    "the load balancer level; turn it off per target group "
                    "(target_groups: - { ..., cross_zone: false })");
        lb->cross_zone = true;
    }
    const struct ytree *zones = yread_list(&r->y, m, "zones");
    if (zones && zones->n > LB_MAX_ZONES) {
        yread_error(&r->y, &zones->loc,
                    "a load balancer has at most %d zones (a node each; an AWS region has "
                    "at most six Availability Zones), not %zu",
                    LB_MAX_ZONES, zones->n);
        return -1;
    }
    if (zones && zones->n) {
        lb->zones = xcalloc(zones->n, sizeof *lb->zones);
        for (size_t i = 0; i < zones->n; i++) {
            const struct ytree *z = yread_scalar(&r->y, zones->items[i], "a zone");
            if (!z)
                continue;
            int zi = cfg_read_zone(r, z->text);
            for (int j = 0; j < lb->nzones; j++)
                if (lb->zones[j] == zi)
                    yread_error(&r->y, &z->loc, "zone '%s' is listed twice", z->text);
            lb->zones[lb->nzones++] = zi;
        }
    } else {
        /* (`zones` there but not a list was reported by yread_list: no follow-on error.) */
        if (zones)
            yread_error(&r->y, &zones->loc, "a load balancer needs at least one zone");
        else if (!ytree_get(m, "zones"))
            yread_error(&r->y, &m->loc, "a load balancer needs 'zones', e.g. zones: [a, b]");
    }
    const struct ytree *ls = yread_list(&r->y, m, "listeners");
    if (!ls || ls->n == 0) {
        if (!ls) {
            if (!ytree_get(m, "listeners"))
                yread_error(&r->y, &m->loc, "a load balancer needs 'listeners', e.g. "
                                            "listeners: [{ forward: web }]");
        } else {
            yread_error(&r->y, &ls->loc, "a load balancer needs at least one listener");
        }
    } else {
        if (ls->n > 1) {
            /* Requests carry no port yet, so a second listener could never be told apart. */
            yread_error(&r->y, &ls->items[1]->loc,
                        "one listener per load balancer for now (requests "
                        "do not carry a port); put all rules in the first");
        }
        read_listener(r, ls->items[0], lb);
    }
    /* Idle timeouts (AWS.md §1-§4): ALB and CLB 60 s (1-4000 s); NLB TCP/TLS and GWLB
     * 350 s (TCP configurable 60-6000 s); UDP 120 s, fixed. */
    bool udp = lb->protocol == SC_UDP || lb->protocol == SC_TCP_UDP;
    lb->idle_timeout_s = !lb->l4 || lb->type == SC_LB_CLB ? 60 : udp ? 120 : 350;
    const struct ytree *it = ytree_get(m, "idle_timeout");
    if (it &&
        yread_positive(&r->y, m, "idle_timeout", SIM_UNIT_SECONDS, &lb->idle_timeout_s) == 0) {
        double lo = lb->l4 && lb->type != SC_LB_CLB ? 60 : 1;
        double hi = lb->l4 && lb->type != SC_LB_CLB ? 6000 : 4000;
        double fixed = udp ? 120.0 : 350.0;
        if ((udp || lb->protocol == SC_TLS) && lb->idle_timeout_s != fixed) {
            /* The fixed value itself is accepted: the resolved scenario.yaml writes it. */
            yread_error(&r->y, &it->loc,
                        "the idle timeout of a%s %s listener is fixed at %gs (AWS)",
                        udp ? " UDP" : " TLS", lb_type_names[lb->type], fixed);
        } else if (!udp && lb->protocol != SC_TLS &&
                   (lb->idle_timeout_s < lo || lb->idle_timeout_s > hi))
            yread_error(&r->y, &it->loc,
                        "idle_timeout must be %gs to %gs for a%s %s (AWS range), got "
                        "'%s'",
                        lo, hi, lb->type == SC_LB_NLB ? "n" : "", lb_type_names[lb->type],
                        it->text);
    }
    /* Connect timeout (AWS.md §1 "HTTP errors": an ALB answers 504 when connecting to the
     * target takes longer than 10 s; the CLB's figure is not documented, elbsim uses the
     * ALB's).  NLB and GWLB do not open their own connections to targets. */
    bool proxy = lb->type == SC_LB_ALB || lb->type == SC_LB_CLB;
    lb->connect_timeout_s = proxy ? 10 : 0;
    const struct ytree *ct = ytree_get(m, "connect_timeout");
    if (ct && !proxy)
        yread_error(&r->y, ytree_key_loc(m, "connect_timeout"),
                    "connect_timeout belongs to an alb or clb; a%s %s passes the client's "
                    "connection attempt through to the target, so the client's own timeout "
                    "applies",
                    lb->type == SC_LB_NLB ? "n" : "", lb_type_names[lb->type]);
    else if (ct)
        yread_positive(&r->y, m, "connect_timeout", SIM_UNIT_SECONDS, &lb->connect_timeout_s);
    /* Inter-zone data transfer (docs/load-balancers.md "Cost"): EC2's regional rate, $0.01
     * per GB out of a zone and $0.01 into the other, applies to NLB and GWLB traffic that
     * crosses zones; AWS charges none between an ALB or CLB and its targets. */
    lb->inter_zone_usd_per_gb = lb->type == SC_LB_NLB || lb->type == SC_LB_GWLB ? 0.02 : 0;
    const struct ytree *izp = ytree_get(m, "inter_zone_price");
    if (izp && yread_scalar(&r->y, izp, "inter_zone_price")) {
        /* "0.02/GB" or "$0.02/GB" */
        const char *t = izp->text[0] == '$' ? izp->text + 1 : izp->text;
        char *end;
        double v = strtod(t, &end);
        if (end == t || strcmp(end, "/GB") || !(v >= 0) || !isfinite(v))
            yread_error(&r->y, &izp->loc,
                        "inter_zone_price must be dollars per GB, e.g. 0.02/GB, got '%s'",
                        izp->text);
        else
            lb->inter_zone_usd_per_gb = v;
    }
    const struct ytree *nx = ytree_get(m, "next");
    if (nx && lb->type != SC_LB_GWLB && !type_bad) {
        yread_error(&r->y, ytree_key_loc(m, "next"),
                    "'next' belongs to a gwlb (where inspected "
                    "traffic goes on to)");
    } else if (nx) {
        yread_string(&r->y, m, "next", &lb->next);
        lb->next_loc = nx->loc;
    } else if (lb->type == SC_LB_GWLB)
        yread_error(&r->y, &m->loc,
                    "a gwlb needs 'next': the load balancer that inspected traffic "
                    "goes on to (GWLB -> appliances -> next)");
    lb->latency_text = xstrdup("realistic");
    yread_string(&r->y, m, "latency", &lb->latency_text);
    const char *prof = latency_profile(lb->type, lb->latency_text);
    if (prof) {
        const struct ytree *v = ytree_get(m, "latency");
        if (sim_dist_parse(prof, SIM_UNIT_SECONDS, v ? &v->loc : NULL, r->y.dir, &lb->latency))
            yread_fail(&r->y);
    }
    return r->y.errors > errors ? -1 : 0;
}

void lb_cfg_write(const struct sc_lb *lb, char *const *zones, FILE *f)
{
    fputs("  - name: ", f);
    ywrite_quoted(f, lb->name);
    fprintf(f, "\n    type: %s\n    zones: [", lb_type_names[lb->type]);
    for (int z = 0; z < lb->nzones; z++) {
        if (z)
            fputs(", ", f);
        ywrite_quoted(f, zones[lb->zones[z]]);
    }
    fprintf(f, "]\n    cross_zone: %s\n    latency: ", lb->cross_zone ? "true" : "false");
    if (lb->latency)
        ywrite_dist(f, lb->latency);
    else
        fputs("none", f);
    fputs("\n    idle_timeout: ", f);
    ywrite_unit(f, lb->idle_timeout_s, SIM_UNIT_SECONDS);
    if (lb->connect_timeout_s > 0) {
        fputs("\n    connect_timeout: ", f);
        ywrite_unit(f, lb->connect_timeout_s, SIM_UNIT_SECONDS);
    }
    fprintf(f, "\n    inter_zone_price: %.10g/GB", lb->inter_zone_usd_per_gb);
    if (lb->next) {
        fputs("\n    next: ", f);
        ywrite_quoted(f, lb->next);
    }
    fprintf(f, "\n    listeners:\n      - protocol: %s\n", protocol_names[lb->protocol]);
    if (lb->port != default_port(lb->protocol)) /* as read: the default is left out */
        fprintf(f, "        port: %d\n", lb->port);
    if (lb->type != SC_LB_ALB) {
        /* Only an ALB has rules; the others forward everything to one group. */
        ELB_ASSERT(lb->nrules == 1 && lb->rules[0].nfw == 1);
        fputs("        forward: ", f);
        ywrite_quoted(f, lb->rules[0].fw[0].target_group);
        fputc('\n', f);
        return;
    }
    fputs("        rules:\n", f);
    for (int j = 0; j < lb->nrules; j++) {
        const struct sc_rule *ru = &lb->rules[j];
        fputs("          - { ", f);
        if (ru->path) {
            fputs("path: ", f);
            ywrite_quoted(f, ru->path);
            fputs(", ", f);
        }
        if (ru->host) {
            fputs("host: ", f);
            ywrite_quoted(f, ru->host);
            fputs(", ", f);
        }
        fputs("forward: [", f);
        for (int k = 0; k < ru->nfw; k++) {
            fprintf(f, "%s{ target_group: ", k ? ", " : "");
            ywrite_quoted(f, ru->fw[k].target_group);
            fprintf(f, ", weight: %.10g }", ru->fw[k].weight);
        }
        fputs("] }\n", f);
    }
}

void lb_cfg_fini(struct sc_lb *lb)
{
    free(lb->name);
    free(lb->next);
    free(lb->zones);
    free(lb->latency_text);
    sim_dist_free(lb->latency);
    for (int j = 0; j < lb->nrules; j++) {
        free(lb->rules[j].path);
        free(lb->rules[j].host);
        for (int k = 0; k < lb->rules[j].nfw; k++)
            free(lb->rules[j].fw[k].target_group);
        free(lb->rules[j].fw);
    }
    free(lb->rules);
}
