/*
 * policy.png: one panel per scaling policy of a group or ECS service with a value in either
 * of its series, in column order: asg.G.P.metric (ecs.SVC.P.metric), the datapoint the
 * policy last saw, and asg.G.P.alarm (ecs.SVC.P.alarm), the alarm state
 * (INSUFFICIENT_DATA, OK, ALARM) on the right-hand axis, or alone on the left one.  The
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
    /* The alarm on the right-hand axis, or alone on the left one. */
    const char *ax = metric ? "y2" : "y";
    fprintf(f, "\nset yrange [*<0:*]\nset ylabel '%s'\n", metric ? "metric" : "alarm state");
    if (metric && alarm)
        fputs("set ytics nomirror\nset y2label 'alarm state'\n", f);
    if (alarm)
        fprintf(f, "set %srange [-0.25:2.25]\nset %stics ('INSUFFICIENT_DATA' 0, "
                   "'OK' 1, 'ALARM' 2)\n", ax, ax);
    plot_units_put_activity_lines(f, g, x);
    fputs("plot ", f);
    if (metric) {
        plot_gp_using_x(f, "data skip 1", x);
        fprintf(f, "%d axes x1y1 with lines lw 2 lc 1 title 'metric'", pc->metric);
    }
    if (alarm) {
        if (metric)
            fputs(", \\\n     ", f);
        plot_gp_using_x(f, "data skip 1", x);
        fprintf(f, "%d axes x1%s with steps lw 1 lc rgb '#d7191c' title "
                   "'alarm state%s'", pc->alarm, metric ? "y2" : "y1",
                metric ? " (right axis)" : "");
    }
    fputc('\n', f);
    if (g->nact)
        fputs("unset arrow\n", f);
    if (metric && alarm)
        fputs("set ytics mirror\nunset y2tics\nunset y2label\n", f);
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
    plot_gp_quoted(f, "Scaling policies: the metric datapoint each policy last saw and its "
                      "alarm state (dotted lines: scaling activities)");
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
