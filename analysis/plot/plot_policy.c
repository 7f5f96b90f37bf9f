/*
 * policy.png: one panel per scaling policy of a group or ECS service with a value in either
 * of its series, in column order: asg.G.P.metric (ecs.SVC.P.metric), the datapoint the
 * policy last saw, and asg.G.P.alarm (ecs.SVC.P.alarm), the alarm state
 * (INSUFFICIENT_DATA, OK, ALARM) as the panel's shaded background, or alone a curve.  The
 * metric's axis names it and its unit, and horizontal lines mark where the policy acts (a
 * target tracking policy's target, solid, and the level its scale-in alarm acts below,
 * dashed; a step or simple policy's alarm threshold), as scenario.yaml gives them.  The
 * unit's scaling activities are dotted lines.  Units without policies leave the figure out
 * without a word.  See plot_impl.h.
 */
#include <stdbool.h>
#include <stdio.h>

#include "analysis/plot/plot_impl.h"

/* One policy's panel. */
static void put_panel(FILE *f, const struct plot_wide *h, const struct plot_unit *g,
                      const struct plot_policy *pc, const struct plot_xaxis *x)
{
    bool metric = plot_csv_has_data(h, pc->metric), alarm = plot_csv_has_data(h, pc->alarm);
    char title[512];
    snprintf(title, sizeof title, "%s %s, policy %s",
             g->kind == PLOT_UNIT_SERVICE ? "ECS service" : "Auto Scaling group", g->name,
             pc->name);
    fputs("set title ", f);
    plot_gp_quoted(f, title);
    /* With the metric, the alarm state shades the panel's background (ALARM red,
     * INSUFFICIENT_DATA grey, on a hidden right-hand axis from 0 to 1): as a curve of its
     * own it would cross the metric and sit on its target.  Alone, it is a curve of steps
     * on the left-hand axis. */
    fputs("\nset yrange [*<0:*]\nset ylabel ", f);
    plot_gp_quoted(f, !metric ? "alarm state" : pc->what[0] ? pc->what : "metric");
    fputc('\n', f);
    if (metric && alarm)
        fputs("set ytics nomirror\nset y2range [0:1]\nunset y2tics\n", f);
    else if (alarm)
        fputs("set yrange [-0.25:2.25]\nset ytics ('INSUFFICIENT_DATA' 0, 'OK' 1, 'ALARM' 2)\n",
              f);
    plot_units_put_activity_lines(f, g, x);
    const char *sep = "plot ";
    if (metric && alarm) {
        static const struct {
            int state;
            const char *colour, *title;
        } shade[] = {{2, "#d7191c", "alarm in ALARM (shaded)"},
                     {0, "gray50", "alarm without data (shaded)"}};
        for (int k = 0; k < 2; k++) {
            fputs(sep, f);
            plot_gp_using_x(f, "data skip 1", x);
            fprintf(f, "(column(%d) == %d ? 1 : 0) axes x1y2 with fillsteps fs transparent solid "
                       "0.15 noborder lc rgb '%s' title '%s'", pc->alarm, shade[k].state,
                    shade[k].colour, shade[k].title);
            sep = ", \\\n     ";
        }
    }
    if (metric) {
        fputs(sep, f);
        plot_gp_using_x(f, "data skip 1", x);
        fprintf(f, "%d axes x1y1 with lines lw 2 lc 1 title 'metric'", pc->metric);
        for (int i = 0; i < pc->nlevel; i++) {
            const struct plot_level *l = &pc->level[i];
            fprintf(f, ", \\\n     %.10g axes x1y1 with lines lw 2 dt %d lc rgb '%s' title ",
                    l->value, l->main ? 1 : 2, l->main ? "#e66101" : "#fdb863");
            plot_gp_quoted(f, l->title);
        }
    } else if (alarm) {
        fputs(sep, f);
        plot_gp_using_x(f, "data skip 1", x);
        fprintf(f, "%d axes x1y1 with steps lw 1 lc rgb '#d7191c' title 'alarm state'",
                pc->alarm);
    }
    fputc('\n', f);
    if (g->nact)
        fputs("unset arrow\n", f);
    if (metric && alarm)
        fputs("set ytics mirror\nset y2range [*:*]\n", f);
    else if (alarm)
        fputs("set ytics autofreq\n", f);
}

void plot_policy_put(FILE *f, const struct plot_wide *h, const struct plot_units *s,
                     const struct plot_xaxis *x, struct plot_plan *plan)
{
    int npanels = 0, nmatched = 0;
    for (int i = 0; i < s->n; i++)
        for (int p = 0; p < s->g[i].npol; p++) {
            const struct plot_policy *pc = &s->g[i].pol[p];
            nmatched++;
            npanels += plot_csv_has_data(h, pc->metric) || plot_csv_has_data(h, pc->alarm);
        }
    if (nmatched == 0)
        return; /* units without policies: nothing to explain */
    if (npanels == 0) {
        plot_plan_skipped(plan, "policy.png", "its columns hold no values");
        return;
    }
    plot_plan_made(plan, "policy.png");
    char xrange[96];
    plot_gp_xrange(xrange, sizeof xrange, h->t_last, x);
    fputs("\n# policy.png\n", f);
    plot_gp_terminal(f, npanels);
    fprintf(f, "set output 'policy.png'\nset multiplot layout %d,1 title ", npanels);
    plot_gp_quoted(f, "Scaling policies: the metric datapoint each policy last saw against its "
                      "target or alarm threshold, the alarm's state shaded (dotted lines: "
                      "scaling activities)");
    fprintf(f, "\n%sset key on\nset xlabel ", xrange);
    plot_gp_quoted(f, x->label);
    fputc('\n', f);
    for (int i = 0; i < s->n; i++) {
        const struct plot_unit *g = &s->g[i];
        for (int p = 0; p < g->npol; p++) {
            const struct plot_policy *pc = &g->pol[p];
            if (plot_csv_has_data(h, pc->metric) || plot_csv_has_data(h, pc->alarm))
                put_panel(f, h, g, pc, x);
        }
    }
    fputs("unset multiplot\n", f);
}
