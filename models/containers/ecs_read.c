/* Reading, writing back and freeing an `ecs_services:` entry (models/containers/ecs_cfg.h). */
#include "models/containers/ecs_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "models/core/cfg_read.h"
#include "models/scaling/policy_cfg.h"
#include "sim/dist.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const ecs_keys[] = {"name", "target_groups", "zones", "launch_type", "task",
                                       "min", "max", "desired", "start_time", "memory_model",
                                       "policies", "cluster", "image", NULL};

static const char *const ecs_task_keys[] = {"cpu", "memory", "speed", "discipline",
                                            "queue_limit", NULL};

static const char *const ecs_mem_keys[] = {"idle", "per_request", NULL};

static const char *const ecs_image_keys[] = {"size", "pull_throughput", "pull_latency", NULL};

static const char *const ecs_cluster_keys[] = {
    "name", "instance_type", "min", "max", "desired", "launch_time", "target_capacity",
    "placement", "managed_scaling", "instance_warmup", "min_scaling_step",
    "max_scaling_step", "scale_in_evaluations", NULL};

int ecs_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_ecs *e)
{
    struct ecs_service_cfg *c = &e->cfg;
    int errors = r->y.errors;
    if (yread_keys(&r->y, m, "an ECS service", ecs_keys))
        return -1;
    yread_string(&r->y, m, "name", &e->name);
    e->loc = m->loc;
    ecs_service_cfg_default(c, e->name ? e->name : "service");
    const struct ytree *tgs = yread_list(&r->y, m, "target_groups");
    if (tgs) {
        cfg_read_name_list(r, tgs, "a target group name", &e->tg_names, &e->tg_locs, &c->ntgs);
        e->tgs = xcalloc(tgs->n ? tgs->n : 1, sizeof *e->tgs); /* resolved by the scenario */
        c->tgs = e->tgs;
    }
    const struct ytree *zones = yread_list(&r->y, m, "zones");
    if (zones) {
        cfg_read_zone_list(r, zones, &e->zones, &c->nzones);
        c->zones = e->zones;
    }
    const struct ytree *lt = ytree_get(m, "launch_type");
    if (lt && yread_scalar(&r->y, lt, "launch_type")) {
        if (!strcmp(lt->text, "ec2"))
            c->launch_type = ECS_LAUNCH_EC2;
        else if (strcmp(lt->text, "fargate") != 0)
            yread_error(&r->y, &lt->loc, "unknown launch_type '%s'; expected fargate or ec2",
                        lt->text);
    }
    const struct ytree *task = ytree_get(m, "task");
    if (task) {
        if (yread_keys(&r->y, task, "task", ecs_task_keys) == 0) {
            double mem = c->memory_gb * 1e9;
            yread_positive(&r->y, task, "cpu", SIM_UNIT_NONE, &c->cpu);
            if (yread_unit(&r->y, task, "memory", SIM_UNIT_BYTES, &mem) == 0)
                c->memory_gb = mem / 1e9;
            yread_positive(&r->y, task, "speed", SIM_UNIT_NONE, &c->speed);
            yread_int(&r->y, task, "queue_limit", 0, 100000000, &c->queue_limit);
            char *disc = NULL;
            yread_string(&r->y, task, "discipline", &disc);
            if (disc && (!strcmp(disc, "ps") || !strcmp(disc, "processor_sharing")))
                c->discipline = TARGET_PS;
            else if (disc && strcmp(disc, "fcfs") != 0)
                yread_error(&r->y, &ytree_get(task, "discipline")->loc,
                            "unknown discipline '%s'; expected fcfs or ps", disc);
            free(disc);
        }
    }
    if (!ytree_get(m, "desired")) {
        if (scaling_capacity_read(m, "min", "max", NULL, &c->min, &c->max, NULL))
            yread_fail(&r->y);
        c->desired = c->min;
    } else if (scaling_capacity_read(m, "min", "max", "desired", &c->min, &c->max, &c->desired)) {
        yread_fail(&r->y);
    }
    const struct ytree *img = ytree_get(m, "image");
    if (img && yread_keys(&r->y, img, "image", ecs_image_keys) == 0) {
        double b = 0, bps = c->image_pull_mbps * 1e6;
        if (yread_require(&r->y, img, "size", "image") == 0 &&
            yread_positive(&r->y, img, "size", SIM_UNIT_BYTES, &b) == 0)
            c->image_mb = b / 1e6;
        if (yread_positive(&r->y, img, "pull_throughput", SIM_UNIT_BYTES, &bps) == 0)
            c->image_pull_mbps = bps / 1e6;
        yread_zero_or_more(&r->y, img, "pull_latency", SIM_UNIT_SECONDS,
                           &c->image_pull_latency_s);
    }
    yread_dist(&r->y, m, "start_time", SIM_UNIT_SECONDS, &e->start_time);
    c->start_time = e->start_time;
    const struct ytree *mm = ytree_get(m, "memory_model");
    if (mm) {
        if (yread_keys(&r->y, mm, "memory_model", ecs_mem_keys) == 0) {
            double per = c->memory_per_request_mb * 1e6;
            yread_zero_or_more(&r->y, mm, "idle", SIM_UNIT_NONE, &c->memory_idle_pct);
            if (yread_unit(&r->y, mm, "per_request", SIM_UNIT_BYTES, &per) == 0)
                c->memory_per_request_mb = per / 1e6;
        }
    }
    const struct ytree *cl = ytree_get(m, "cluster");
    if (cl && c->launch_type != ECS_LAUNCH_EC2) {
        yread_error(&r->y, ytree_key_loc(m, "cluster"),
                    "'cluster' is for the EC2 launch type "
                    "(launch_type: ec2)");
    } else if (!cl && c->launch_type == ECS_LAUNCH_EC2) {
        yread_error(&r->y, &m->loc,
                    "launch_type ec2 needs a cluster: { instance_type: c5.xlarge, "
                    "max: 10 }");
    } else if (cl) {
        struct ecs_cluster_cfg *k = &c->cluster;
        if (yread_keys(&r->y, cl, "cluster", ecs_cluster_keys) == 0) {
            yread_string(&r->y, cl, "name", &e->cluster_name);
            k->name = e->cluster_name;
            if (!yread_require(&r->y, cl, "instance_type", "a cluster")) {
                yread_string(&r->y, cl, "instance_type", &e->instance_type);
                k->instance_type = e->instance_type;
            }
            if (!ytree_get(cl, "desired")) {
                if (scaling_capacity_read(cl, "min", "max", NULL, &k->min, &k->max, NULL))
                    yread_fail(&r->y);
                k->desired = k->min;
            } else if (scaling_capacity_read(cl, "min", "max", "desired", &k->min, &k->max,
                                             &k->desired)) {
                yread_fail(&r->y);
            }
            yread_dist(&r->y, cl, "launch_time", SIM_UNIT_SECONDS, &e->launch_time);
            k->launch_time = e->launch_time;
            yread_positive(&r->y, cl, "target_capacity", SIM_UNIT_NONE, &k->target_capacity_pct);
            const struct ytree *pl = ytree_get(cl, "placement");
            if (pl && yread_scalar(&r->y, pl, "placement")) {
                if (!strcmp(pl->text, "binpack"))
                    k->placement = ECS_PLACE_BINPACK;
                else if (!strcmp(pl->text, "spread"))
                    k->placement = ECS_PLACE_SPREAD;
                else
                    yread_error(&r->y, &pl->loc,
                                "unknown placement '%s'; expected binpack or spread", pl->text);
            }
            yread_bool(&r->y, cl, "managed_scaling", &k->managed_scaling);
            yread_zero_or_more(&r->y, cl, "instance_warmup", SIM_UNIT_SECONDS,
                               &k->instance_warmup_s);
            yread_int(&r->y, cl, "min_scaling_step", 1, 10000, &k->min_step);
            yread_int(&r->y, cl, "max_scaling_step", 1, 10000, &k->max_step);
            yread_int(&r->y, cl, "scale_in_evaluations", 1, 1000, &k->scale_in_evaluations);
        }
    }
    scaling_ctx_default(&c->ctx, METRIC_RES_ECS_SERVICE, e->name ? e->name : "service");
    c->ctx.clock.epoch_s = r->start_epoch_s;
    const struct ytree *pol = yread_list(&r->y, m, "policies");
    if (pol) {
        e->policies = xcalloc(pol->n ? pol->n : 1, sizeof *e->policies);
        for (size_t i = 0; i < pol->n; i++) {
            struct scaling_policy *p = &e->policies[c->npolicies++];
            if (scaling_policy_read(pol->items[i], &c->ctx, p))
                yread_fail(&r->y);
            else if (p->kind == SCALING_PREDICTIVE)
                policy_cfg_history_read(r, e->name, p);
        }
        c->policies = e->policies;
        if (r->y.errors == 0)
            policy_cfg_check_groups(r, e->policies, c->npolicies, c->ntgs, e->name);
    }
    if (r->y.errors == 0 && ecs_cfg_check(c, &e->loc))
        yread_fail(&r->y);
    return r->y.errors > errors ? -1 : 0;
}

void ecs_cfg_write(const struct sc_ecs *e, char *const *zones, FILE *f)
{
    const struct ecs_service_cfg *c = &e->cfg;
    fputs("  - name: ", f);
    ywrite_quoted(f, e->name);
    fputs("\n    target_groups: [", f);
    for (int k = 0; k < c->ntgs; k++) {
        fputs(k ? ", " : "", f);
        ywrite_quoted(f, e->tg_names[k]);
    }
    fputs("]\n", f);
    if (c->nzones) {
        fputs("    zones: [", f);
        for (int z = 0; z < c->nzones; z++) {
            fputs(z ? ", " : "", f);
            ywrite_quoted(f, zones[c->zones[z]]);
        }
        fputs("]\n", f);
    }
    fprintf(f, "    launch_type: %s\n    task: { cpu: %.10g, memory: %.10gGB, "
               "speed: %.10g, discipline: %s, queue_limit: %d }\n",
            c->launch_type == ECS_LAUNCH_EC2 ? "ec2" : "fargate", c->cpu, c->memory_gb,
            c->speed, c->discipline == TARGET_PS ? "ps" : "fcfs", c->queue_limit);
    fprintf(f, "    min: %d\n    max: %d\n    desired: %d\n", c->min, c->max, c->desired);
    if (e->start_time) {
        fputs("    start_time: ", f);
        ywrite_dist(f, e->start_time);
        fputc('\n', f);
    }
    if (c->image_mb > 0)
        fprintf(f, "    image: { size: %.10gMB, pull_throughput: %.10gMB, pull_latency: %.10gs }\n",
                c->image_mb, c->image_pull_mbps, c->image_pull_latency_s);
    fprintf(f, "    memory_model: { idle: %.10g, per_request: %.10gMB }\n",
            c->memory_idle_pct, c->memory_per_request_mb);
    if (c->launch_type == ECS_LAUNCH_EC2) {
        const struct ecs_cluster_cfg *k = &c->cluster;
        fputs("    cluster:\n", f);
        if (k->name) {
            fputs("      name: ", f);
            ywrite_quoted(f, k->name);
            fputc('\n', f);
        }
        fprintf(f, "      instance_type: %s\n      min: %d\n      max: %d\n      "
                   "desired: %d\n",
                k->instance_type, k->min, k->max, k->desired);
        if (e->launch_time) {
            fputs("      launch_time: ", f);
            ywrite_dist(f, e->launch_time);
            fputc('\n', f);
        }
        fprintf(f, "      target_capacity: %.10g\n      placement: %s\n      "
                   "managed_scaling: %s\n      instance_warmup: %.10gs\n      "
                   "min_scaling_step: %d\n      max_scaling_step: %d\n      "
                   "scale_in_evaluations: %d\n",
                k->target_capacity_pct,
                k->placement == ECS_PLACE_BINPACK ? "binpack" : "spread",
                k->managed_scaling ? "true" : "false", k->instance_warmup_s, k->min_step,
                k->max_step, k->scale_in_evaluations);
    }
    if (c->npolicies) {
        fputs("    policies:\n", f);
        for (int k = 0; k < c->npolicies; k++)
            scaling_policy_write(&c->policies[k], f);
    }
}

void ecs_cfg_fini(struct sc_ecs *e)
{
    free(e->name);
    for (int k = 0; k < e->cfg.ntgs; k++)
        free(e->tg_names[k]);
    free(e->tg_names);
    free(e->tg_locs);
    free(e->tgs);
    free(e->zones);
    sim_dist_free(e->start_time);
    for (int k = 0; k < e->cfg.npolicies; k++)
        scaling_policy_fini(&e->policies[k]);
    free(e->policies);
    free(e->cluster_name);
    free(e->instance_type);
    sim_dist_free(e->launch_time);
}
