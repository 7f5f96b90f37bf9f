/*
 * `elbsim report DIR` — DIR/report.html, one self-contained page telling the folder's story
 * (analysis/report builds the page; this file decides its sections).
 *
 * A run's folder (timeseries_wide.csv): the scenario in words (from the resolved
 * scenario.yaml the run wrote), the headline and SLO verdict (headline.c on summary.csv),
 * the replay, the figures (analysis/plot's script run with gnuplot's svg terminal), the
 * event timeline.  A compare or sweep folder: the variants' table with intervals and the
 * comparison figures.  A section is one report_page_section call (report_add_sections).
 *
 * The figures are drawn in a scratch folder (under TMPDIR, removed afterwards) holding
 * links to DIR's CSV files, so DIR gets report.html and nothing else.
 */
#include "sim/cli/report.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/explain.h"
#include "analysis/plot.h"
#include "analysis/report.h"
#include "analysis/summary.h"
#include "models/scenario/scenario.h"
#include "sim/cli/commands.h"
#include "sim/cli/headline.h"
#include "sim/csvin.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"
#include "sim/ytree.h"

/* ---- the figures ---------------------------------------------------------------------- */

/* What each figure shows, for its caption (the names analysis/plot gives them). */
static const char *caption_of(const char *png)
{
    static const char *const caps[][2] = {
        {"latency.png", "Client-observed latency percentiles over time; the strip below marks "
                        "scaling activities, health changes and faults."},
        {"latency_cdf.png", "The latency distribution after the warm-up: the CDF, and its "
                            "tail on a scale of nines."},
        {"throughput.png", "Completed requests per second, errors and timeouts."},
        {"utilization.png", "CPU utilization of each target (or per group: mean over a "
                            "min-max band)."},
        {"inflight.png", "Requests in flight and waiting in the targets' queues."},
        {"capacity.png", "Capacity of the scaling groups and services against the load; "
                         "scaling activities marked."},
        {"policy.png", "Each scaling policy's metric against its target or alarm threshold."},
        {"forecast.png", "Predictive scaling: the forecast against the measured load."},
        {"means.png", "Each variant's mean and confidence interval, per metric."},
        {"forest.png", "Each variant's paired difference from the baseline, with its "
                       "verdict."},
        {"sweep.png", "Each metric against the varied value, interval bands."},
        {"pareto.png", "The Pareto front of the sweep's two objectives, SLOs marked."},
        {"heatmap.png", "A metric over the two varied values."},
        {"backtest.png", "Each forecasting method's errors."},
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (!strcmp(caps[i][0], png))
            return caps[i][1];
    return png;
}

/* Figures with the run's time axis (the replay's time is marked on them). */
static bool timed_figure(const char *png)
{
    return strcmp(png, "latency_cdf.png") != 0 && strcmp(png, "forecast.png") != 0;
}

static const char *const INPUTS[] = {"timeseries_wide.csv", "events.csv", "latency.csv",
                                     "forecast.csv", "scenario.yaml", "sweep.csv",
                                     "compare.csv", "backtest.csv", NULL};

static void scratch_remove(const char *dir)
{
    /* Only what this file and the plot script put there: the links, plots.gp, figures. */
    static const char *const made[] = {"plots.gp", "latency.png", "latency_cdf.png",
                                       "throughput.png", "utilization.png", "inflight.png",
                                       "capacity.png", "policy.png", "forecast.png",
                                       "means.png", "forest.png", "sweep.png", "pareto.png",
                                       "heatmap.png", "backtest.png", NULL};
    for (int pass = 0; pass < 2; pass++)
        for (const char *const *n = pass ? made : INPUTS; *n; n++) {
            char *p = text_join_path(dir, *n);
            unlink(p);
            free(p);
        }
    rmdir(dir);
}

/* The figures of dir, drawn as SVG, appended to f.  Returns 0 (also when the folder has
 * nothing to draw: a note then), or EXIT_ENV after a message. */
static int put_figures(FILE *f, const char *dir, const char *gnuplot)
{
    /* The links must name DIR from anywhere: an absolute path. */
    char cwd[PATH_MAX];
    if (dir[0] != '/' && !getcwd(cwd, sizeof cwd)) {
        diag_error(NULL, "cannot tell the current folder: %s", strerror(errno));
        return EXIT_ENV;
    }
    char *absdir = dir[0] == '/' ? xstrdup(dir) : text_join_path(cwd, dir);
    const char *tmpenv = getenv("TMPDIR");
    char *scratch = text_join_path(tmpenv && *tmpenv ? tmpenv : "/tmp", "elbsim-report-XXXXXX");
    if (!mkdtemp(scratch)) {
        diag_error(NULL, "cannot make a scratch folder '%s': %s", scratch, strerror(errno));
        free(scratch);
        free(absdir);
        return EXIT_ENV;
    }
    int rc = 0;
    for (const char *const *n = INPUTS; *n && rc == 0; n++) {
        char *from = text_join_path(absdir, *n), *to = text_join_path(scratch, *n);
        if (access(from, F_OK) == 0 && symlink(from, to) != 0) {
            diag_error(NULL, "cannot link '%s' into '%s': %s", from, scratch, strerror(errno));
            rc = EXIT_ENV;
        }
        free(from);
        free(to);
    }
    struct plot_plan plan;
    int prc = rc == 0 ? plot_write_script(scratch, &plan) : 0;
    if (rc == 0 && prc == PLOT_ERR_NOTHING) {
        fputs("<p>The folder has nothing to draw.</p>\n", f);
    } else if (rc == 0 && prc != 0) {
        rc = prc == PLOT_ERR_DATA ? EXIT_BAD_INPUT : EXIT_ENV;
    } else if (rc == 0) {
        int g = plot_run_gnuplot_svg(scratch, gnuplot);
        if (g == PLOT_ERR_NO_GNUPLOT) {
            diag_error(NULL, "report: cannot run '%s' to draw the figures (install gnuplot: "
                       "`make deps`, or set ELBSIM_GNUPLOT)", gnuplot ? gnuplot : "gnuplot");
            rc = EXIT_ENV;
        } else if (g != 0) {
            rc = EXIT_ENV;
        }
        for (int i = 0; i < plan.nmade && rc == 0; i++) {
            char *p = text_join_path(scratch, plan.made[i]);
            double axis = plan.time_div > 0 && timed_figure(plan.made[i]) ? plan.time_div : 0;
            char prefix[16];
            snprintf(prefix, sizeof prefix, "fig%d-", i + 1);
            if (report_svg_figure(f, p, caption_of(plan.made[i]), axis, prefix) != 0)
                rc = EXIT_ENV;
            free(p);
        }
        for (int i = 0; i < plan.nskipped; i++) {
            fprintf(f, "<p class=\"note\">No %.*s: ",
                    (int)(strlen(plan.skipped[i]) - 4), plan.skipped[i]);
            report_html(f, plan.skipped_why[i]);
            fputs(".</p>\n", f);
        }
    }
    scratch_remove(scratch);
    free(scratch);
    free(absdir);
    return rc;
}

/* ---- the scenario in words ------------------------------------------------------------ */

static const char *scalar(const struct ytree *m, const char *key)
{
    const struct ytree *v = m ? ytree_get(m, key) : NULL;
    return v && v->kind == YTREE_SCALAR ? v->text : NULL;
}

static void code(FILE *f, const char *s)
{
    fputs("<code>", f);
    report_html(f, s);
    fputs("</code>", f);
}

static void bold(FILE *f, const char *s)
{
    fputs("<b>", f);
    report_html(f, s ? s : "?");
    fputs("</b>", f);
}

/* A node in words: a scalar as code, a sequence as a list, a mapping as "key value, ..."
 * (keys in skip left out). */
static void put_value(FILE *f, const struct ytree *v, const char *const *skip)
{
    if (!v)
        return;
    if (v->kind == YTREE_SCALAR) {
        code(f, v->text);
        return;
    }
    bool first = true;
    for (size_t i = 0; i < v->n; i++) {
        if (v->kind == YTREE_MAP && skip) {
            bool skipped = false;
            for (const char *const *s = skip; *s; s++)
                skipped |= !strcmp(*s, v->keys[i]);
            if (skipped)
                continue;
        }
        fputs(first ? "" : ", ", f);
        first = false;
        if (v->kind == YTREE_MAP) {
            report_html(f, v->keys[i]);
            fputc(' ', f);
        }
        if (v->items[i]->kind != YTREE_SCALAR)
            fputs("(", f);
        put_value(f, v->items[i], NULL);
        if (v->items[i]->kind != YTREE_SCALAR)
            fputs(")", f);
    }
}

static const struct ytree *seq(const struct ytree *root, const char *key)
{
    const struct ytree *v = root ? ytree_get(root, key) : NULL;
    return v && v->kind == YTREE_SEQ ? v : NULL;
}

static void put_workloads(FILE *f, const struct ytree *root)
{
    const struct ytree *ws = seq(root, "workloads");
    for (size_t i = 0; ws && i < ws->n; i++) {
        const struct ytree *w = ws->items[i];
        fputs("<li>Workload ", f);
        bold(f, scalar(w, "name"));
        if (scalar(w, "users")) {
            fputs(" is ", f);
            code(f, scalar(w, "users"));
            fputs(" users in a closed loop (think time ", f);
            code(f, scalar(w, "think") ? scalar(w, "think") : "?");
            fputs(")", f);
        } else if (scalar(w, "arrivals")) {
            fputs(" sends requests as ", f);
            code(f, scalar(w, "arrivals"));
        }
        fputs(" to ", f);
        bold(f, scalar(w, "entry"));
        if (scalar(w, "demand")) {
            fputs("; each request needs ", f);
            code(f, scalar(w, "demand"));
            fputs(" of a vCPU", f);
        }
        fputs(". Also: ", f);
        static const char *const skip[] = {"name", "entry", "arrivals", "users", "think",
                                           "demand", NULL};
        put_value(f, w, skip);
        fputs(".</li>\n", f);
    }
}

static void put_forward(FILE *f, const struct ytree *fw)
{
    if (!fw)
        return;
    if (fw->kind == YTREE_SCALAR) {
        bold(f, fw->text);
        return;
    }
    for (size_t i = 0; i < fw->n; i++) {
        const struct ytree *e = fw->items[i];
        fputs(i ? ", " : "", f);
        if (e->kind == YTREE_MAP) {
            bold(f, scalar(e, "target_group"));
            if (scalar(e, "weight") && fw->n > 1) {
                fputs(" (weight ", f);
                report_html(f, scalar(e, "weight"));
                fputs(")", f);
            }
        } else {
            put_value(f, e, NULL);
        }
    }
}

static void put_lbs(FILE *f, const struct ytree *root)
{
    const struct ytree *lbs = seq(root, "load_balancers");
    for (size_t i = 0; lbs && i < lbs->n; i++) {
        const struct ytree *b = lbs->items[i];
        fputs("<li>Load balancer ", f);
        bold(f, scalar(b, "name"));
        fputs(" is ", f);
        const char *type = scalar(b, "type");
        fputs(type && !strcmp(type, "alb") ? "an " : "a ", f);
        for (const char *p = type ? type : "?"; *p; p++)
            fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, f);
        fputs(" with nodes in zones ", f);
        put_value(f, ytree_get(b, "zones"), NULL);
        const char *xz = scalar(b, "cross_zone");
        fprintf(f, ", cross-zone %s", xz && !strcmp(xz, "true") ? "on" : "off");
        if (scalar(b, "next")) {
            fputs("; what its appliances pass on goes to ", f);
            bold(f, scalar(b, "next"));
        }
        const struct ytree *ls = seq(b, "listeners");
        for (size_t k = 0; ls && k < ls->n; k++) {
            const struct ytree *l = ls->items[k];
            fputs(". Listener ", f);
            code(f, scalar(l, "protocol") ? scalar(l, "protocol") : "?");
            const struct ytree *rules = seq(l, "rules");
            if (!rules && ytree_get(l, "forward")) {
                fputs(" forwards to ", f);
                put_forward(f, ytree_get(l, "forward"));
            }
            for (size_t r = 0; rules && r < rules->n; r++) {
                const struct ytree *ru = rules->items[r];
                fprintf(f, "%s rule %zu: ", r ? ";" : ":", r + 1);
                static const char *const skip[] = {"forward", NULL};
                bool conds = false;
                for (size_t c = 0; ru->kind == YTREE_MAP && c < ru->n; c++)
                    conds |= strcmp(ru->keys[c], "forward") != 0;
                if (conds) {
                    fputs("if ", f);
                    put_value(f, ru, skip);
                    fputs(" ", f);
                } else {
                    fputs("otherwise ", f);
                }
                fputs("→ ", f);
                put_forward(f, ytree_get(ru, "forward"));
            }
        }
        fputs(".</li>\n", f);
    }
}

static void put_tgs(FILE *f, const struct ytree *root)
{
    const struct ytree *tgs = seq(root, "target_groups");
    for (size_t i = 0; tgs && i < tgs->n; i++) {
        const struct ytree *g = tgs->items[i];
        fputs("<li>Target group ", f);
        bold(f, scalar(g, "name"));
        fputs(" picks a target by ", f);
        code(f, scalar(g, "algorithm") ? scalar(g, "algorithm") : "?");
        const struct ytree *hc = ytree_get(g, "health_check");
        if (hc) {
            fputs("; health checks: ", f);
            put_value(f, hc, NULL);
        }
        if (scalar(g, "slow_start")) {
            fputs("; slow start ", f);
            code(f, scalar(g, "slow_start"));
        }
        if (scalar(g, "deregistration_delay")) {
            fputs("; deregistration delay ", f);
            code(f, scalar(g, "deregistration_delay"));
        }
        const struct ytree *ts = seq(g, "targets");
        if (ts && ts->n) {
            fputs(". Targets:<ul>", f);
            for (size_t k = 0; k < ts->n; k++) {
                const struct ytree *t = ts->items[k];
                fputs("<li>", f);
                if (scalar(t, "count")) {
                    report_html(f, scalar(t, "count"));
                    fputs(" × ", f);
                }
                static const char *const skip[] = {"count", NULL};
                put_value(f, t, skip);
                fputs("</li>", f);
            }
            fputs("</ul>", f);
        } else {
            fputs(". Its targets come from the groups and services below.", f);
        }
        fputs("</li>\n", f);
    }
}

/* Auto Scaling groups and ECS services: capacity and policies. */
static void put_units(FILE *f, const struct ytree *root, const char *key, const char *what)
{
    const struct ytree *us = seq(root, key);
    for (size_t i = 0; us && i < us->n; i++) {
        const struct ytree *u = us->items[i];
        fprintf(f, "<li>%s ", what);
        bold(f, scalar(u, "name"));
        fputs(": ", f);
        static const char *const skip[] = {"name", "policies", NULL};
        put_value(f, u, skip);
        const struct ytree *ps = seq(u, "policies");
        if (ps && ps->n) {
            fputs(". Scaling policies:<ul>", f);
            for (size_t k = 0; k < ps->n; k++) {
                fputs("<li>", f);
                put_value(f, ps->items[k], NULL);
                fputs("</li>", f);
            }
            fputs("</ul>", f);
        }
        fputs("</li>\n", f);
    }
}

static void put_list(FILE *f, const struct ytree *root, const char *key, const char *what)
{
    const struct ytree *xs = seq(root, key);
    for (size_t i = 0; xs && i < xs->n; i++) {
        fprintf(f, "<li>%s: ", what);
        put_value(f, xs->items[i], NULL);
        fputs("</li>\n", f);
    }
}

static void put_scenario(FILE *f, const struct ytree *root)
{
    fputs("<p>Scenario ", f);
    bold(f, scalar(root, "name"));
    fputs(" runs for ", f);
    code(f, scalar(root, "duration") ? scalar(root, "duration") : "?");
    fputs(" of simulated time (the first ", f);
    code(f, scalar(root, "warmup") ? scalar(root, "warmup") : "0s");
    fputs(" are warm-up, left out of the summary), seed ", f);
    code(f, scalar(root, "seed") ? scalar(root, "seed") : "?");
    fputs(", starting ", f);
    code(f, scalar(root, "start") ? scalar(root, "start") : "?");
    fputs(".</p>\n<ul class=\"story\">\n", f);
    put_workloads(f, root);
    put_lbs(f, root);
    put_tgs(f, root);
    put_units(f, root, "auto_scaling_groups", "Auto Scaling group");
    put_units(f, root, "ecs_services", "ECS service");
    put_list(f, root, "ecs_clusters", "ECS cluster");
    put_list(f, root, "faults", "Fault");
    put_list(f, root, "slo", "SLO");
    fputs("</ul>\n<p class=\"note\">From the resolved <code>scenario.yaml</code> the run "
          "wrote (every default filled in); <code>elbsim run scenario.yaml</code> in this "
          "folder runs it again.</p>\n",
          f);
}

/* ---- a run's folder ------------------------------------------------------------------- */

static int summary_row(void *ctx, const struct csvin_row *row)
{
    struct summary *s = ctx;
    if (row->record == 0)
        return 0;
    if (row->nfields < 4)
        return csvin_error(row, CSVIN_RECORD, "expected scope,name,metric,value");
    const char *v = row->fields[3];
    char *end;
    double d = *v ? strtod(v, &end) : (double)NAN;
    if (*v && *end)
        return csvin_error(row, 3, "'%s' is not a number", v);
    summary_add(s, row->fields[0], row->fields[1], row->fields[2], d);
    return 0;
}

/* The zones of the scenario's own targets, named and placed as models/scenario/world.c
 * does: "group/n" numbered across a group's entries, an entry without a zone spread
 * over the scenario's zones in turn. */
static struct report_zone *static_zones(const struct scenario *sc, char ***names, int *n)
{
    int cap = 0;
    for (int i = 0; i < sc->ntgs; i++)
        for (int k = 0; k < sc->tgs[i].ntargets; k++)
            cap += sc->tgs[i].targets[k].count;
    struct report_zone *z = xcalloc((size_t)(cap ? cap : 1), sizeof *z);
    *names = xcalloc((size_t)(cap ? cap : 1), sizeof **names);
    *n = 0;
    for (int i = 0; i < sc->ntgs; i++) {
        const struct sc_tg *g = &sc->tgs[i];
        int num = 0, spread = 0;
        for (int k = 0; k < g->ntargets; k++) {
            const struct sc_targets *ts = &g->targets[k];
            if (ts->lb)
                continue;
            for (int c = 0; c < ts->count && *n < cap; c++) {
                int zone = ts->zone >= 0 ? ts->zone : spread++ % (sc->nzones ? sc->nzones : 1);
                char buf[512];
                snprintf(buf, sizeof buf, "%s/%d", g->name, num++);
                (*names)[*n] = xstrdup(buf);
                z[*n].target = (*names)[*n];
                z[*n].zone = sc->nzones ? sc->zones[zone] : "?";
                (*n)++;
            }
        }
    }
    return z;
}

/* The headline as `elbsim run` prints it, and the SLOs' verdicts. */
static void put_headline(FILE *f, const struct scenario *sc, const struct summary *s,
                         const char *dir)
{
    if (sc->nslos > 0) {
        int broken = 0;
        fputs("<table class=\"slo\"><thead><tr><th>SLO</th><th class=\"num\">measured</th>"
              "<th>verdict</th></tr></thead><tbody>\n", f);
        for (int i = 0; i < sc->nslos; i++) {
            bool ok;
            double v = headline_slo_value(sc, s, i, &ok);
            broken += !ok;
            fputs("<tr><td><code>", f);
            report_html(f, sc->slos[i].text);
            fprintf(f, "</code></td><td class=\"num\">%.4g</td><td class=\"%s\">%s</td></tr>\n",
                    v, ok ? "verdict-ok" : "verdict-bad", ok ? "met" : "BROKEN");
        }
        fputs("</tbody></table>\n", f);
        fprintf(f, "<p class=\"%s\">%s</p>\n", broken ? "verdict-bad" : "verdict-ok",
                broken ? "Verdict: an SLO is broken." : "Verdict: every SLO is met.");
    } else {
        fputs("<p>The scenario sets no SLO.</p>\n", f);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return;
    headline_print(mem, sc, s, dir);
    fclose(mem);
    fputs("<pre>", f);
    report_html(f, text ? text : "");
    fputs("</pre>\n", f);
    free(text);
}

static char *close_mem(FILE *mem, char **buf)
{
    if (fclose(mem) != 0) {
        free(*buf);
        *buf = NULL;
        diag_error(NULL, "report: out of memory building the page");
    }
    return *buf;
}

/* A section written through fn into memory, then added to the page. */
#define SECTION(page, id, title, stmt)                                                     \
    do {                                                                                   \
        char *buf_ = NULL;                                                                 \
        size_t len_ = 0;                                                                   \
        FILE *f = open_memstream(&buf_, &len_);                                            \
        if (!f) {                                                                          \
            rc = EXIT_ENV;                                                                 \
            break;                                                                         \
        }                                                                                  \
        stmt;                                                                              \
        if (close_mem(f, &buf_) && rc == 0)                                                \
            report_page_section(page, id, title, buf_);                                    \
        else if (rc == 0)                                                                  \
            rc = EXIT_ENV;                                                                 \
        free(buf_);                                                                        \
    } while (0)

static int report_run(struct report_page *page, const char *dir, const char *gnuplot)
{
    int rc = 0;
    char *yaml = text_join_path(dir, "scenario.yaml");
    char *sumcsv = text_join_path(dir, "summary.csv");
    struct ytree *root = NULL;
    struct scenario *sc = NULL;
    struct summary *sum = summary_new();
    struct report_zone *zones = NULL;
    char **znames = NULL;
    int nz = 0;
    if (ytree_load_file(yaml, &root) != 0 || scenario_load(yaml, NULL, 0, &sc) != 0 ||
        csvin_read(sumcsv, NULL, summary_row, sum) != 0) {
        rc = EXIT_BAD_INPUT;
        goto out;
    }
    zones = static_zones(sc, &znames, &nz);

    SECTION(page, "scenario", "The scenario", put_scenario(f, root));
    SECTION(page, "headline", "Headline numbers and SLO verdict", put_headline(f, sc, sum, dir));
    SECTION(page, "replay", "Replay", {
        fputs("<p>The load balancer and its targets, grouped by zone, frame by frame. Each "
              "box is a target: its health (colour), CPU, requests completed per second, "
              "requests in flight and queued; the bar is its in-flight requests against the "
              "most any target had. Drag the "
              "slider or press Play; the time is marked on the figures below. Clicking an "
              "event's time in the timeline jumps here.</p>\n"
              "<p class=\"legend\"><span style=\"background:#cfe8cf\">healthy</span>"
              "<span style=\"background:#e3e3e3\">initial</span>"
              "<span style=\"background:#cfe3f7\">slow start</span>"
              "<span style=\"background:#f4c7c3\">unhealthy</span>"
              "<span style=\"background:#fde9b8\">draining</span>"
              "<span>dashed: not running</span></p>\n"
              "<div id=\"replay-controls\"><button id=\"replay-play\" type=\"button\">Play"
              "</button><input id=\"replay-slider\" type=\"range\" min=\"0\" max=\"0\" "
              "value=\"0\" aria-label=\"replay time\"><span id=\"replay-time\"></span></div>\n"
              "<svg id=\"replay-view\" xmlns=\"http://www.w3.org/2000/svg\" "
              "viewBox=\"0 0 1160 300\" role=\"img\" aria-label=\"replay\"></svg>\n"
              "<div id=\"replay-events\"></div>\n"
              "<script type=\"application/json\" id=\"replay-data\">",
              f);
        if (report_replay_json(f, dir, zones, nz) != 0)
            rc = EXIT_BAD_INPUT;
        fprintf(f, "</script>\n<p class=\"note\">At most %d frames (every k-th row of the "
                   "time series, the last always kept) and the first %d targets are "
                   "replayed.</p>\n",
                REPORT_REPLAY_FRAMES, REPORT_REPLAY_TARGETS);
        if (!sc->per_target)
            fprintf(f, "<p class=\"note\">This run wrote no per-target series "
                       "(<code>output.per_target</code> %s, up to %lld targets at once), so no "
                       "target is replayed; the figures show each target group's sums.</p>\n",
                    sc->per_target_set == SC_PER_TARGET_OFF ? "false" : "auto",
                    (long long)sc->max_targets);
    });
    if (rc == 0)
        SECTION(page, "plots", "Figures", rc = put_figures(f, dir, gnuplot));
    if (rc == 0)
        SECTION(page, "events", "Event timeline", {
            fputs("<p>Scaling activities, health changes and faults in order "
                  "(<code>events.csv</code>). Click a time to see it in the replay and on "
                  "the figures.</p>\n",
                  f);
            if (report_events_table(f, dir) != 0)
                rc = EXIT_BAD_INPUT;
        });
out:
    for (int i = 0; i < nz; i++)
        free(znames[i]);
    free(znames);
    free(zones);
    summary_free(sum);
    if (sc)
        scenario_free(sc);
    ytree_free(root);
    free(yaml);
    free(sumcsv);
    return rc;
}

/* ---- compare and sweep folders -------------------------------------------------------- */

static int report_experiment(struct report_page *page, const char *dir, const char *csv,
                             const char *gnuplot)
{
    int rc = 0;
    bool sweep = !strcmp(csv, "sweep.csv");
    SECTION(page, "variants", sweep ? "The sweep's points" : "The variants side by side", {
        fprintf(f, "<p>%s</p>\n",
                sweep ? "Each point of the sweep (the varied values), each metric's mean over "
                        "the replications and its confidence interval; <code>pareto</code> "
                        "1 marks the Pareto front, <code>meets_slo</code> 1 the points "
                        "meeting every SLO (<code>sweep.csv</code>)."
                      : "Each variant's mean over the replications with its confidence "
                        "interval, and each variant's paired difference from the baseline "
                        "with its verdict (<code>compare.csv</code>).");
        char *path = text_join_path(dir, csv);
        if (report_csv_table(f, path) != 0)
            rc = EXIT_BAD_INPUT;
        free(path);
    });
    if (rc == 0)
        SECTION(page, "plots", "Figures", rc = put_figures(f, dir, gnuplot));
    return rc;
}

/* ---- the command ---------------------------------------------------------------------- */

int report_write(const char *dir, const char *gnuplot)
{
    static const char *const kinds[] = {"timeseries_wide.csv", "compare.csv", "sweep.csv"};
    int kind = -1;
    for (int i = 0; i < 3 && kind < 0; i++) {
        char *p = text_join_path(dir, kinds[i]);
        if (access(p, F_OK) == 0)
            kind = i;
        free(p);
    }
    if (kind < 0) {
        diag_error(NULL, "report: '%s' holds none of timeseries_wide.csv (a run's folder), "
                   "compare.csv or sweep.csv", dir);
        return EXIT_BAD_INPUT;
    }
    const char *base = strrchr(dir, '/');
    base = base && base[1] ? base + 1 : dir;
    char title[512];
    snprintf(title, sizeof title, "elbsim %s: %s",
             kind == 0 ? "run" : kind == 1 ? "compare" : "sweep", base);
    struct report_page *page = report_page_new(title);
    int rc = kind == 0 ? report_run(page, dir, gnuplot)
                       : report_experiment(page, dir, kinds[kind], gnuplot);
    report_add_sections(page, dir);
    if (rc == 0) {
        char *out = text_join_path(dir, "report.html");
        if (report_page_write(page, out) != 0)
            rc = EXIT_ENV;
        free(out);
    }
    report_page_free(page);
    return rc;
}

/* Sections other parts of elbsim add to a folder's page (each one report_page_section
 * call): the decision trace narrated, when the run was traced (DIR/trace.csv, written by
 * run --trace or output.trace; docs/outputs.md), one item per traced request. */
void report_add_sections(struct report_page *page, const char *dir)
{
    char *trace = text_join_path(dir, "trace.csv");
    struct stat st;
    bool traced = stat(trace, &st) == 0;
    free(trace);
    if (!traced)
        return;
    char *text = NULL, *html = NULL;
    size_t tlen = 0, hlen = 0;
    FILE *t = open_memstream(&text, &tlen);
    if (!t)
        return;
    int rc = explain_narrate(t, dir, 0);
    if (fclose(t) != 0 || rc != 0 || !text) {
        free(text);
        return;
    }
    FILE *h = open_memstream(&html, &hlen);
    if (!h) {
        free(text);
        return;
    }
    fputs("<p>Why each traced request went where it went, from <code>trace.csv</code> (the "
          "same words as <code>elbsim explain</code>).</p>\n<ol class=\"narration\">\n", h);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        fputs("<li>", h);
        report_html(h, line);
        fputs("</li>\n", h);
    }
    fputs("</ol>", h);
    if (fclose(h) == 0 && html)
        report_page_section(page, "narration", "The traced requests, narrated", html);
    free(html);
    free(text);
}

static void usage(FILE *f)
{
    fputs("usage: elbsim report DIR\n"
          "\n"
          "Write DIR/report.html: one self-contained page (inline SVG figures drawn by\n"
          "gnuplot, inline script, nothing loaded from the network) telling the story of\n"
          "DIR, a folder written by `elbsim run`, `compare` or `sweep`.  A run's page: the\n"
          "scenario in words, the headline numbers and SLO verdict, a replay of the\n"
          "targets (in flight, queue, CPU, health, by zone) with a time slider and a play\n"
          "button, the figures of `elbsim plot`, and the event timeline linked to the\n"
          "replay and the figures.  A compare or sweep folder's page: the variants' means\n"
          "and intervals side by side and the comparison figures.  `output.report: true`\n"
          "in a scenario makes `elbsim run` write it too.  See docs/report.md.\n"
          "\n"
          "environment: ELBSIM_GNUPLOT  the gnuplot program to run (default: gnuplot)\n"
          "exit status: 0 ok, 1 I/O failure or gnuplot missing/failed, 2 bad input\n",
          f);
}

int cmd_report(int argc, char **argv)
{
    const char *dir;
    int status;
    if (!cli_folder_arg(argc, argv, "report", usage, &dir, &status))
        return status;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_error(NULL, "report: '%s' is not a folder", dir);
        return EXIT_BAD_INPUT;
    }
    int rc = report_write(dir, getenv("ELBSIM_GNUPLOT"));
    if (rc == 0) {
        char *out = text_join_path(dir, "report.html");
        printf("wrote %s\n", out);
        free(out);
    }
    return rc;
}
