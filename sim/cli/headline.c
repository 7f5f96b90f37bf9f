#include "sim/cli/headline.h"

#include <math.h>
#include <string.h>

#include "analysis/summary.h"
#include "models/elb/lb.h"
#include "models/scenario/scenario.h"
#include "models/traffic/workload.h"
#include "sim/text.h"

#define LABEL "%-12s "

/* A value as the summary table shows it ("30.01 ms", "$0.10", "89130"). */
static const char *fmt(char *buf, size_t n, const char *metric, double v)
{
    const char *unit;
    char num[48];
    summary_format(metric, v, num, sizeof num, &unit);
    snprintf(buf, n, "%s%s%.8s", num, *unit ? " " : "", unit);
    return buf;
}

static double get(const struct summary *s, const char *scope, const char *name,
                  const char *metric)
{
    double v = summary_get(s, scope, name, metric);
    return isnan(v) ? 0 : v;
}

double headline_slo_value(const struct scenario *sc, const struct summary *s, int i, bool *ok)
{
    const struct sc_slo *slo = &sc->slos[i];
    if (slo->window_s > 0) {
        /* Over windows: it holds when no judged window broke it; the worst window tells. */
        char name[16];
        snprintf(name, sizeof name, "%d", i + 1);
        double v = summary_get(s, "slo", name, "worst");
        *ok = !isnan(v) && summary_get(s, "slo", name, "windows_broken") == 0;
        return v;
    }
    double v = summary_get(s, slo->scope, slo->name, slo->metric);
    if (isnan(v))
        *ok = false;
    else if (!strcmp(slo->op, "<"))
        *ok = v < slo->value;
    else if (!strcmp(slo->op, "<="))
        *ok = v <= slo->value;
    else if (!strcmp(slo->op, ">"))
        *ok = v > slo->value;
    else
        *ok = v >= slo->value;
    return v;
}

/* "88 client timeouts, 12 × 502" for the failures of (scope, name), by reason. */
static void failures(char *buf, size_t n, const struct summary *s, const char *scope,
                     const char *name)
{
    static const char *const words[WL_NFAIL] = {
        [WL_FAIL_TIMEOUT] = "timed out at the client", [WL_FAIL_404] = "x 404 (no rule)",
        [WL_FAIL_500] = "x 500 (target error)",         [WL_FAIL_502] = "x 502 (bad gateway)",
        [WL_FAIL_503] = "x 503 (no target could take it)",
        [WL_FAIL_504] = "x 504 (gateway timeout)",       [WL_FAIL_RESET] = "reset (L4)",
    };
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < WL_NFAIL; k++) {
        double c = get(s, scope, name, wl_fail_metric[k]);
        if (c > 0)
            text_appendf(buf, n, &used, "%s%.0f %s", used ? ", " : "", c, words[k]);
    }
    if (!used)
        text_appendf(buf, n, &used, "none");
    text_appendf(buf, n, &used, " (%.0f retries, %.0f attempts timed out)",
                 get(s, scope, name, "retries"), get(s, scope, name, "attempt_timeouts"));
}

void headline_print(FILE *f, const struct scenario *sc, const struct summary *s,
                    const char *out_dir)
{
    char a[64], b[64], c[64], d[64], e[64], line[1024]; /* 48 + 1 + 8 fit in 64 */
    fprintf(f, "elbsim %s: scenario '%s', seed %llu, %g s simulated", ELBSIM_VERSION, sc->name,
            (unsigned long long)sc->seed, sc->duration_s);
    if (sc->warmup_s > 0)
        fprintf(f, " (warm-up %g s not counted)", sc->warmup_s);
    fprintf(f, ", %g s intervals%s\n\n", sc->interval_s, sc->interval_auto ? " (auto)" : "");

    double req = get(s, "run", "run", "requests"), failed = get(s, "run", "run", "failed");
    fprintf(f, LABEL "%.0f arrived: %.0f completed, %.0f failed (%s), %.0f still in flight\n",
            "requests", req, get(s, "run", "run", "completed"), failed,
            fmt(a, sizeof a, "x_pct", req > 0 ? 100 * failed / req : 0),
            get(s, "run", "run", "in_flight_end"));
    fprintf(f, LABEL "%s requests/s completed\n", "throughput",
            fmt(a, sizeof a, "x", get(s, "run", "run", "throughput_rps")));
    if (get(s, "run", "run", "completed") > 0)
        fprintf(f, LABEL "p50 %s, p99 %s, p99.9 %s (mean %s, max %s)\n", "latency",
                fmt(a, sizeof a, "x_s", summary_get(s, "run", "run", "latency_p50_s")),
                fmt(b, sizeof b, "x_s", summary_get(s, "run", "run", "latency_p99_s")),
                fmt(c, sizeof c, "x_s", summary_get(s, "run", "run", "latency_p999_s")),
                fmt(d, sizeof d, "x_s", summary_get(s, "run", "run", "latency_mean_s")),
                fmt(e, sizeof e, "x_s", summary_get(s, "run", "run", "latency_max_s")));
    failures(line, sizeof line, s, "run", "run");
    fprintf(f, LABEL "%s\n", "failures", line);

    double lb_cost = 0, iz_cost = 0;
    for (int i = 0; i < sc->nlbs; i++) {
        lb_cost += get(s, "lb", sc->lbs[i].name, "cost_usd");
        iz_cost += get(s, "lb", sc->lbs[i].name, "inter_zone_cost_usd");
    }
    double cost = get(s, "run", "run", "cost_usd");
    fprintf(f, LABEL "%s = %s instances and tasks + %s load balancers", "cost",
            fmt(a, sizeof a, "x_usd", cost),
            fmt(b, sizeof b, "x_usd", cost - lb_cost - iz_cost),
            fmt(c, sizeof c, "x_usd", lb_cost));
    if (iz_cost > 0)
        fprintf(f, " + %s inter-zone transfer", fmt(d, sizeof d, "x_usd", iz_cost));
    fputc('\n', f);
    /* Capacity units: each LB's peak hour, the dimension that set it, what they cost. */
    size_t lu = 0;
    line[0] = '\0';
    for (int i = 0; i < sc->nlbs; i++) {
        const char *n = sc->lbs[i].name;
        double peak = summary_get(s, "lb", n, "lcu_peak");
        if (isnan(peak))
            continue;
        int top = 0;
        double best = -1;
        for (int k = 0; k < LB_LCU_NDIMS; k++) {
            char metric[64];
            snprintf(metric, sizeof metric, "lcu_peak_%s", lb_lcu_dim_names[k]);
            double v = get(s, "lb", n, metric);
            if (v > best) {
                best = v;
                top = k;
            }
        }
        const char *unit = sc->lbs[i].type == SC_LB_NLB    ? "NLCU"
                           : sc->lbs[i].type == SC_LB_GWLB ? "GLCU"
                                                           : "LCU";
        char dim[32];
        snprintf(dim, sizeof dim, "%s", lb_lcu_dim_names[top]);
        for (char *p = dim; *p; p++)
            if (*p == '_')
                *p = ' ';
        text_appendf(line, sizeof line, &lu, "%s%s peak %.3g %s (%s), %s", lu ? "; " : "", n,
                     peak, unit, dim, fmt(a, sizeof a, "x_usd", get(s, "lb", n, "lcu_cost_usd")));
    }
    if (lu)
        fprintf(f, LABEL "%s\n", "lb capacity", line);

    if (sc->nasgs || sc->necs) {
        size_t used = 0;
        double total = 0;
        line[0] = '\0';
        for (int i = 0; i < sc->nasgs; i++) {
            double n = get(s, "asg", sc->asgs[i].name, "scaling_activities");
            total += n;
            text_appendf(line, sizeof line, &used, "%s%s %.0f", used ? ", " : "",
                         sc->asgs[i].name, n);
        }
        for (int i = 0; i < sc->necs; i++) {
            double n = get(s, "ecs", sc->ecs[i].name, "scaling_activities");
            total += n;
            text_appendf(line, sizeof line, &used, "%s%s %.0f", used ? ", " : "",
                         sc->ecs[i].name, n);
        }
        fprintf(f, LABEL "%.0f activities (%s)\n", "scaling", total, line);
        /* AWS's default mode is ForecastOnly: say plainly that such a policy scaled
         * nothing, and how to let it. */
        for (int i = 0; i < sc->nasgs + sc->necs; i++) {
            bool asg = i < sc->nasgs;
            const struct scaling_policy *pol =
                asg ? sc->asgs[i].policies : sc->ecs[i - sc->nasgs].cfg.policies;
            int n = asg ? sc->asgs[i].npolicies : sc->ecs[i - sc->nasgs].cfg.npolicies;
            const char *owner = asg ? sc->asgs[i].name : sc->ecs[i - sc->nasgs].name;
            for (int k = 0; k < n; k++)
                if (pol[k].kind == SCALING_PREDICTIVE && pol[k].forecast_only)
                    fprintf(f,
                            LABEL "%s of %s only forecast: nothing was scaled by it (mode "
                                  "forecast_only, AWS's default); set mode: forecast_and_scale "
                                  "to let it scale\n",
                            "predictive", pol[k].name, owner);
        }
    }
    if (sc->nkube) {
        size_t used = 0;
        line[0] = '\0';
        for (int i = 0; i < sc->nkube; i++) {
            const struct sc_kube *kc = &sc->kube[i];
            for (int q = 0; q < kc->cfg.ndeploys; q++) {
                const char *n = kc->d[q].name;
                text_appendf(line, sizeof line, &used, "%s%s %.0f rescales, up to %.0f ready",
                             used ? "; " : "", n, get(s, "deployment", n, "rescales"),
                             get(s, "deployment", n, "max_ready"));
            }
            text_appendf(line, sizeof line, &used, "%s%s %.0f node scale-ups, %.0f scale-downs, "
                         "up to %.0f nodes", used ? "; " : "", kc->name,
                         get(s, "eks_cluster", kc->name, "scale_ups"),
                         get(s, "eks_cluster", kc->name, "scale_downs"),
                         get(s, "eks_cluster", kc->name, "max_nodes_ready"));
        }
        fprintf(f, LABEL "%s\n", "kubernetes", line);
    }
    if (sc->nworkloads > 1)
        for (int i = 0; i < sc->nworkloads; i++) {
            const char *n = sc->workloads[i].name;
            double wr = get(s, "workload", n, "requests");
            fprintf(f, LABEL "%s: %.0f requests, p99 %s, %s failed\n", "workload", n, wr,
                    fmt(a, sizeof a, "x_s", summary_get(s, "workload", n, "latency_p99_s")),
                    fmt(b, sizeof b, "x_pct",
                        wr > 0 ? 100 * get(s, "workload", n, "failed") / wr : 0));
        }

    if (sc->nslos) {
        int broken = 0;
        fputc('\n', f);
        for (int i = 0; i < sc->nslos; i++) {
            bool ok;
            double v = headline_slo_value(sc, s, i, &ok);
            broken += !ok;
            const struct sc_slo *o = &sc->slos[i];
            if (o->window_s > 0) {
                char name[16];
                snprintf(name, sizeof name, "%d", i + 1);
                double start = summary_get(s, "slo", name, "worst_window_start_s");
                fprintf(f, LABEL "%-6s  %s\n" LABEL "        worst window from t = %g s: %s; "
                               "%.0f of %.0f windows broken\n",
                        i ? "" : "SLOs", ok ? "met" : "BROKEN", o->text, "", start,
                        isnan(v) ? "no data" : fmt(a, sizeof a, o->metric, v),
                        get(s, "slo", name, "windows_broken"), get(s, "slo", name, "windows"));
                continue;
            }
            fprintf(f, LABEL "%-6s  %s  (%s)\n", i ? "" : "SLOs", ok ? "met" : "BROKEN",
                    o->text, isnan(v) ? "no such value" : fmt(a, sizeof a, o->metric, v));
        }
        fprintf(f, LABEL "%s\n", "verdict",
                broken ? "BROKEN: at least one SLO is not met (exit status 3)"
                       : "every SLO is met");
    }
    fprintf(f, "\n" LABEL "%s/ (summary.csv has every number; --verbose prints them)\n",
            "outputs", out_dir);
}
