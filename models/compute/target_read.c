/* Reading, writing back and freeing targets entries and launch templates
 * (models/compute/target_cfg.h). */
#include "models/compute/target_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "models/core/cfg_read.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const targets_keys[] = {"kind", "instance_type", "vcpus", "speed", "memory",
                                           "cpu", "count", "zone", "discipline",
                                           "queue_limit", "lb", "register_at",
                                           "deregister_at", NULL};

static const char *const lb_target_keys[] = {"lb", "register_at", "deregister_at", NULL};

int target_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_targets *ts)
{
    int errors = r->y.errors;
    if (yread_keys(&r->y, m, "a targets entry", targets_keys))
        return -1;
    yread_zero_or_more(&r->y, m, "register_at", SIM_UNIT_SECONDS, &ts->register_at_s);
    yread_zero_or_more(&r->y, m, "deregister_at", SIM_UNIT_SECONDS, &ts->deregister_at_s);
    if (ts->deregister_at_s > 0 && ts->deregister_at_s <= ts->register_at_s)
        yread_error(&r->y, &ytree_get(m, "deregister_at")->loc,
                    "deregister_at (%gs) must come after "
                    "register_at (%gs)",
                    ts->deregister_at_s, ts->register_at_s);
    if (ytree_get(m, "lb")) {
        /* A load balancer as the target (NLB -> ALB): nothing else describes it. */
        if (yread_keys(&r->y, m, "a load-balancer target", lb_target_keys))
            return -1;
        yread_string(&r->y, m, "lb", &ts->lb);
        ts->lb_loc = ytree_get(m, "lb")->loc;
        ts->count = 1;
        ts->zone = -1;
        ts->speed_factor = 1.0;
        return r->y.errors > errors ? -1 : 0;
    }
    struct target_spec *sp = &ts->spec;
    ts->count = 1;
    ts->zone = -1;
    ts->zone_loc = m->loc;
    ts->speed_factor = 1.0;
    sp->speed = 1.0;
    sp->discipline = TARGET_FCFS;
    char *kind = xstrdup("ec2");
    yread_string(&r->y, m, "kind", &kind);
    if (!strcmp(kind, "ec2"))
        sp->kind = TARGET_EC2;
    else if (!strcmp(kind, "fargate"))
        sp->kind = TARGET_FARGATE;
    else
        yread_error(&r->y, &ytree_get(m, "kind")->loc,
                    "unknown target kind '%s'; expected ec2 or "
                    "fargate",
                    kind);
    free(kind);
    yread_int(&r->y, m, "count", 0, 100000, &ts->count);
    yread_int(&r->y, m, "queue_limit", 0, 100000000, &sp->queue_limit);
    char *disc = NULL;
    yread_string(&r->y, m, "discipline", &disc);
    if (disc) {
        if (!strcmp(disc, "ps") || !strcmp(disc, "processor_sharing"))
            sp->discipline = TARGET_PS;
        else if (strcmp(disc, "fcfs") != 0)
            yread_error(&r->y, &ytree_get(m, "discipline")->loc,
                        "unknown discipline '%s'; expected fcfs or ps", disc);
        free(disc);
    }
    const struct ytree *z = ytree_get(m, "zone");
    if (z && yread_scalar(&r->y, z, "zone")) {
        ts->zone = cfg_read_zone(r, z->text);
        ts->zone_loc = z->loc;
    }

    const struct ytree *it = ytree_get(m, "instance_type");
    double mem_bytes = 0;
    if (sp->kind == TARGET_EC2) {
        if (ytree_get(m, "cpu")) {
            yread_error(&r->y, ytree_key_loc(m, "cpu"),
                        "'cpu' is for Fargate tasks; EC2 targets take "
                        "instance_type or vcpus");
        }
        if (it && yread_scalar(&r->y, it, "instance_type")) {
            const struct catalog_instance *ci = catalog_find(it->text);
            if (!ci) {
                yread_error(&r->y, &it->loc,
                            "unknown instance type '%s'; `elbsim list instance-types` "
                            "shows the catalog (t3, m5, c5, r5 families)",
                            it->text);
            } else {
                sp->instance_type = ci->name;
                sp->servers = (int)ci->vcpus;
                sp->speed = ci->speed;
                sp->memory_gb = ci->memory_gb;
                sp->price_per_hour_usd = ci->price_per_hour_usd;
            }
            if (ytree_get(m, "vcpus")) {
                yread_error(&r->y, ytree_key_loc(m, "vcpus"),
                            "give either instance_type or vcpus, "
                            "not both");
            }
        } else if (!it) {
            if (!ytree_get(m, "vcpus")) {
                yread_error(&r->y, &m->loc,
                            "an EC2 target needs instance_type (e.g. c5.large) or an "
                            "explicit shape (vcpus: 2, speed: 1.0)");
            }
            sp->servers = 1;
            yread_int(&r->y, m, "vcpus", 1, 1024, &sp->servers);
            sp->memory_gb = 2.0 * sp->servers;
            sp->price_per_hour_usd = 0.0425 * sp->servers; /* c5 price per vCPU */
        }
        if (yread_unit(&r->y, m, "memory", SIM_UNIT_BYTES, &mem_bytes) == 0 && mem_bytes > 0)
            sp->memory_gb = mem_bytes / 1e9;
    } else {
        if (it || ytree_get(m, "vcpus")) {
            yread_error(&r->y, it ? &it->loc : ytree_key_loc(m, "vcpus"),
                        "Fargate tasks take cpu and memory (e.g. cpu: 0.5, memory: 1GB)");
        }
        double cpu = 0.25;
        mem_bytes = 0.5e9;
        yread_positive(&r->y, m, "cpu", SIM_UNIT_NONE, &cpu);
        yread_unit(&r->y, m, "memory", SIM_UNIT_BYTES, &mem_bytes);
        double mem_gb = mem_bytes / 1e9;
        if (!catalog_fargate_is_valid(cpu, mem_gb)) {
            char valid[256];
            catalog_fargate_valid_memory(cpu, valid, sizeof valid);
            const struct ytree *v = ytree_get(m, "memory");
            if (!v)
                v = ytree_get(m, "cpu");
            yread_error(&r->y, v ? &v->loc : &m->loc,
                        "no Fargate size has cpu %g with memory %g GB; "
                        "valid memory for cpu %g: %s",
                        cpu, mem_gb, cpu, valid);
        }
        ts->fargate_cpu = cpu;
        /* A task below one vCPU is one server running at that fraction of a vCPU. */
        sp->servers = cpu < 1 ? 1 : (int)cpu;
        sp->speed = cpu < 1 ? cpu : 1.0;
        sp->memory_gb = mem_gb;
        sp->price_per_hour_usd = catalog_fargate_price_per_hour(cpu, mem_gb);
    }
    double speed = sp->speed;
    if (yread_positive(&r->y, m, "speed", SIM_UNIT_NONE, &speed) == 0 && ytree_get(m, "speed")) {
        /* An explicit speed multiplies the type's own (1.0 = as the catalog says). */
        sp->speed = sp->kind == TARGET_FARGATE ? sp->speed * speed
                    : it                       ? sp->speed * speed
                                               : speed;
        if (sp->kind == TARGET_FARGATE || it)
            ts->speed_factor = speed;
    }
    if (sp->queue_limit > 0 && sp->queue_limit < sp->servers) {
        yread_error(&r->y, &ytree_get(m, "queue_limit")->loc,
                    "queue_limit %d is below the target's %d "
                    "vCPUs; it counts requests in service too, so it must be at least %d",
                    sp->queue_limit, sp->servers, sp->servers);
    }
    return r->y.errors > errors ? -1 : 0;
}

/* What the group decides, not the template. */
static const char *const not_in_template[] = {"count", "zone", "lb", "register_at",
                                              "deregister_at", NULL};

int target_cfg_read_template(struct cfg_read *r, const struct ytree *v, struct sc_targets *ts)
{
    if (v->kind != YTREE_MAP)
        return yread_error(&r->y, &v->loc,
                           "launch_template must be a mapping, e.g. { instance_type: c5.large }");
    int errors = r->y.errors;
    for (const char *const *k = not_in_template; *k; k++)
        if (ytree_get(v, *k))
            yread_error(&r->y, ytree_key_loc(v, *k),
                        "'%s' does not belong in a launch template: the group decides how many "
                        "instances run and where",
                        *k);
    target_cfg_read(r, v, ts);
    return r->y.errors > errors ? -1 : 0;
}

/* The shape: what the catalog names, or what was given. */
static void write_shape(const struct sc_targets *ts, FILE *f)
{
    const struct target_spec *sp = &ts->spec;
    if (sp->kind == TARGET_FARGATE || sp->instance_type) {
        if (sp->kind == TARGET_FARGATE)
            fprintf(f, "kind: fargate, cpu: %.10g, memory: %.10gGB", ts->fargate_cpu,
                    sp->memory_gb);
        else
            fprintf(f, "kind: ec2, instance_type: %s", sp->instance_type);
        if (ts->speed_factor != 1.0) {
            fputs(", speed: ", f);
            ywrite_unit(f, ts->speed_factor, SIM_UNIT_NONE);
        }
    } else
        fprintf(f, "kind: ec2, vcpus: %d, speed: %.10g, memory: %.10gGB", sp->servers, sp->speed,
                sp->memory_gb);
}

void target_cfg_write(const struct sc_targets *ts, char *const *zones, FILE *f)
{
    const struct target_spec *sp = &ts->spec;
    fputs("      - { ", f);
    if (ts->lb) {
        fputs("lb: ", f);
        ywrite_quoted(f, ts->lb);
    } else {
        write_shape(ts, f);
        fprintf(f, ", count: %d", ts->count);
        if (ts->zone >= 0) {
            fputs(", zone: ", f);
            ywrite_quoted(f, zones[ts->zone]);
        }
        fprintf(f, ", discipline: %s, queue_limit: %d",
                sp->discipline == TARGET_PS ? "ps" : "fcfs", sp->queue_limit);
    }
    if (ts->register_at_s > 0) {
        fputs(", register_at: ", f);
        ywrite_unit(f, ts->register_at_s, SIM_UNIT_SECONDS);
    }
    if (ts->deregister_at_s > 0) {
        fputs(", deregister_at: ", f);
        ywrite_unit(f, ts->deregister_at_s, SIM_UNIT_SECONDS);
    }
    fputs(" }\n", f);
}

void target_cfg_write_template(const struct sc_targets *ts, FILE *f)
{
    fputs("{ ", f);
    write_shape(ts, f);
    fprintf(f, ", discipline: %s, queue_limit: %d }\n",
            ts->spec.discipline == TARGET_PS ? "ps" : "fcfs", ts->spec.queue_limit);
}

void target_cfg_fini(struct sc_targets *ts)
{
    free(ts->lb);
}
