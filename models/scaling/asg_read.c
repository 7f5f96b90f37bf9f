/* Reading, writing back and freeing an `auto_scaling_groups:` entry
 * (models/scaling/asg_cfg.h). */
#include "models/scaling/asg_cfg.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "models/core/cfg_read.h"
#include "models/scaling/policy_cfg.h"
#include "sim/dist.h"
#include "sim/xalloc.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "sim/ywrite.h"

static const char *const asg_keys[] = {"name", "target_groups", "zones", "launch_template", "min",
                                       "max", "desired", "launch_time", "warmup", "cooldown",
                                       "health_check_type", "health_check_grace_period",
                                       "monitoring", "termination_policy", "suspended_processes",
                                       "policies", NULL};

const char *const sc_termination_names[] = {
    "Default", "OldestInstance", "NewestInstance", "OldestLaunchTemplate",
    "OldestLaunchConfiguration", "ClosestToNextInstanceHour", "AllocationStrategy", NULL};

/* The same names in snake case, as elbsim's other keys are written. */
static const char *const term_snake[] = {
    "default", "oldest_instance", "newest_instance", "oldest_launch_template",
    "oldest_launch_configuration", "closest_to_next_instance_hour", "allocation_strategy", NULL};

/* termination_policy: one name or a list, AWS's (OldestInstance) or snake case. */
static void rd_termination(struct cfg_read *r, const struct ytree *m, struct sc_asg *a)
{
    a->termination[0] = SC_TERM_DEFAULT;
    a->nterm = 1;
    const struct ytree *tp = ytree_get(m, "termination_policy");
    if (!tp)
        return;
    const struct ytree *const *items = &tp;
    size_t n = 1;
    if (tp->kind == YTREE_SEQ) {
        items = (const struct ytree *const *)tp->items;
        n = tp->n;
        if (n == 0 || n > SC_TERM_MAX) {
            yread_error(&r->y, &tp->loc, "termination_policy lists 1 to %d policies, got %zu",
                        SC_TERM_MAX, n);
            return;
        }
    }
    a->nterm = 0;
    for (size_t i = 0; i < n; i++) {
        const struct ytree *v = items[i];
        if (!yread_scalar(&r->y, v, "termination_policy"))
            return;
        int k = 0;
        while (sc_termination_names[k] && strcmp(v->text, sc_termination_names[k]) &&
               strcmp(v->text, term_snake[k]))
            k++;
        if (!sc_termination_names[k]) {
            yread_error(&r->y, &v->loc,
                        "unknown termination_policy '%s'; expected one or a list of: Default, "
                        "OldestInstance, NewestInstance, OldestLaunchTemplate, "
                        "OldestLaunchConfiguration, ClosestToNextInstanceHour, "
                        "AllocationStrategy",
                        v->text);
            return;
        }
        a->termination[a->nterm++] = (enum sc_termination)k;
    }
}

const char *const sc_process_names[] = {"Launch",           "Terminate",
                                        "AddToLoadBalancer", "AlarmNotification",
                                        "AZRebalance",       "HealthCheck",
                                        "ReplaceUnhealthy",  "ScheduledActions",
                                        NULL};

/* suspended_processes: a list of AWS's process names. */
static void rd_suspended(struct cfg_read *r, const struct ytree *m, struct sc_asg *a)
{
    const struct ytree *l = yread_list(&r->y, m, "suspended_processes");
    for (size_t i = 0; l && i < l->n; i++) {
        const struct ytree *v = yread_scalar(&r->y, l->items[i], "a process name");
        if (!v)
            return;
        if (!strcmp(v->text, "InstanceRefresh")) {
            yread_error(&r->y, &v->loc,
                        "elbsim models no instance refresh, so 'InstanceRefresh' has nothing "
                        "to suspend");
            return;
        }
        int k = 0;
        while (sc_process_names[k] && strcmp(v->text, sc_process_names[k]))
            k++;
        if (!sc_process_names[k]) {
            yread_error(&r->y, &v->loc,
                        "unknown process '%s' in suspended_processes; expected: Launch, "
                        "Terminate, AddToLoadBalancer, AlarmNotification, AZRebalance, "
                        "HealthCheck, ReplaceUnhealthy, ScheduledActions",
                        v->text);
            return;
        }
        a->suspended |= 1u << k;
    }
}

int asg_cfg_read(struct cfg_read *r, const struct ytree *m, struct sc_asg *a)
{
    int errors = r->y.errors;
    if (yread_keys(&r->y, m, "an auto scaling group", asg_keys))
        return -1;
    yread_string(&r->y, m, "name", &a->name);
    a->loc = m->loc;
    const struct ytree *tgs = yread_list(&r->y, m, "target_groups");
    if (tgs)
        cfg_read_name_list(r, tgs, "a target group name", &a->tg_names, &a->tg_locs, &a->ntgs);
    const struct ytree *zones = yread_list(&r->y, m, "zones");
    if (zones)
        cfg_read_zone_list(r, zones, &a->zones, &a->nzones);
    const struct ytree *lt = ytree_get(m, "launch_template");
    if (!lt) {
        yread_error(&r->y, &m->loc,
                    "an auto scaling group needs 'launch_template', e.g. "
                    "{ instance_type: c5.large }");
    } else {
        target_cfg_read_template(r, lt, &a->tmpl);
    }
    a->min = 1;
    a->max = 1;
    a->desired = -1;
    if (!ytree_get(m, "desired")) {
        if (scaling_capacity_read(m, "min", "max", NULL, &a->min, &a->max, NULL))
            yread_fail(&r->y);
        a->desired = a->min;
    } else if (scaling_capacity_read(m, "min", "max", "desired", &a->min, &a->max,
                                     &a->desired)) {
        yread_fail(&r->y);
    }
    /* AWS.md fact 11: boot about 25-30 s plus the application's start; the first passing
     * health check comes on top (the target group's). */
    const char *lt_default = "lognormal(median=40s, p99=90s)";
    if (!ytree_get(m, "launch_time") &&
        sim_dist_parse(lt_default, SIM_UNIT_SECONDS, NULL, r->y.dir, &a->launch_time))
        yread_fail(&r->y);
    yread_dist(&r->y, m, "launch_time", SIM_UNIT_SECONDS, &a->launch_time);
    a->warmup_s = 300;
    yread_zero_or_more(&r->y, m, "warmup", SIM_UNIT_SECONDS, &a->warmup_s);
    /* DefaultCooldown: simple scaling's only (ec2-auto-scaling-scaling-cooldowns.html). */
    a->cooldown_s = 300;
    yread_zero_or_more(&r->y, m, "cooldown", SIM_UNIT_SECONDS, &a->cooldown_s);
    a->grace_s = 300;
    yread_zero_or_more(&r->y, m, "health_check_grace_period", SIM_UNIT_SECONDS, &a->grace_s);
    const struct ytree *hct = ytree_get(m, "health_check_type");
    if (hct && yread_scalar(&r->y, hct, "health_check_type")) {
        if (!strcasecmp(hct->text, "elb"))
            a->elb_health = true;
        else if (strcasecmp(hct->text, "ec2") != 0)
            yread_error(&r->y, &hct->loc, "health_check_type must be ec2 or elb, got '%s'",
                        hct->text);
    }
    const struct ytree *mon = ytree_get(m, "monitoring");
    if (mon && yread_scalar(&r->y, mon, "monitoring")) {
        if (!strcmp(mon->text, "detailed"))
            a->detailed_monitoring = true;
        else if (strcmp(mon->text, "basic") != 0)
            yread_error(&r->y, &mon->loc,
                        "monitoring must be basic (300 s datapoints) or detailed "
                        "(60 s), got '%s'",
                        mon->text);
    }
    rd_termination(r, m, a);
    rd_suspended(r, m, a);
    scaling_ctx_default(&a->ctx, METRIC_RES_ASG, a->name ? a->name : "asg");
    a->ctx.detailed_monitoring = a->detailed_monitoring;
    a->ctx.clock.epoch_s = r->start_epoch_s;
    a->ctx.default_warmup_s = a->warmup_s;
    a->ctx.default_cooldown_s = a->cooldown_s;
    const struct ytree *pol = yread_list(&r->y, m, "policies");
    if (pol) {
        a->policies = xcalloc(pol->n ? pol->n : 1, sizeof *a->policies);
        for (size_t i = 0; i < pol->n; i++) {
            struct scaling_policy *p = &a->policies[a->npolicies++];
            if (scaling_policy_read(pol->items[i], &a->ctx, p))
                yread_fail(&r->y);
            else if (p->kind == SCALING_PREDICTIVE)
                policy_cfg_history_read(r, a->name, p);
            for (int j = 0; j + 1 < a->npolicies && p->name; j++)
                if (a->policies[j].name && !strcmp(a->policies[j].name, p->name))
                    yread_error(&r->y, &p->loc, "duplicate policy name '%s' in group '%s'", p->name,
                                a->name);
        }
        if (r->y.errors == 0)
            policy_cfg_check_groups(r, a->policies, a->npolicies, a->ntgs, a->name);
    }
    return r->y.errors > errors ? -1 : 0;
}

void asg_cfg_write(const struct sc_asg *a, char *const *zones, FILE *f)
{
    fputs("  - name: ", f);
    ywrite_quoted(f, a->name);
    fputs("\n    target_groups: [", f);
    for (int k = 0; k < a->ntgs; k++) {
        fputs(k ? ", " : "", f);
        ywrite_quoted(f, a->tg_names[k]);
    }
    fputs("]\n    zones: [", f);
    for (int z = 0; z < a->nzones; z++) {
        fputs(z ? ", " : "", f);
        ywrite_quoted(f, zones[a->zones[z]]);
    }
    fputs("]\n    launch_template: ", f);
    target_cfg_write_template(&a->tmpl, f);
    fprintf(f, "    min: %d\n    max: %d\n    desired: %d\n    launch_time: ", a->min,
            a->max, a->desired);
    ywrite_dist(f, a->launch_time);
    fputs("\n    warmup: ", f);
    ywrite_unit(f, a->warmup_s, SIM_UNIT_SECONDS);
    fputs("\n    cooldown: ", f);
    ywrite_unit(f, a->cooldown_s, SIM_UNIT_SECONDS);
    fprintf(f, "\n    health_check_type: %s\n    health_check_grace_period: ",
            a->elb_health ? "elb" : "ec2");
    ywrite_unit(f, a->grace_s, SIM_UNIT_SECONDS);
    fprintf(f, "\n    monitoring: %s\n    termination_policy: [",
            a->detailed_monitoring ? "detailed" : "basic");
    for (int k = 0; k < a->nterm; k++)
        fprintf(f, "%s%s", k ? ", " : "", sc_termination_names[a->termination[k]]);
    fputs("]\n", f);
    if (a->suspended) {
        fputs("    suspended_processes: [", f);
        for (int k = 0, n = 0; sc_process_names[k]; k++)
            if (a->suspended & (1u << k))
                fprintf(f, "%s%s", n++ ? ", " : "", sc_process_names[k]);
        fputs("]\n", f);
    }
    if (a->npolicies) {
        fputs("    policies:\n", f);
        for (int k = 0; k < a->npolicies; k++)
            scaling_policy_write(&a->policies[k], f);
    }
}

void asg_cfg_fini(struct sc_asg *a)
{
    free(a->name);
    for (int k = 0; k < a->ntgs; k++)
        free(a->tg_names[k]);
    free(a->tg_names);
    free(a->tg_locs);
    free(a->zones);
    target_cfg_fini(&a->tmpl);
    sim_dist_free(a->launch_time);
    for (int k = 0; k < a->npolicies; k++)
        scaling_policy_fini(&a->policies[k]);
    free(a->policies);
}
