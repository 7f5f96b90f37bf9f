/*
 * Validation against queueing theory: run the elbsim binary on scenarios/validation/ and
 * compare the summary with closed forms.
 *
 * Method: R independent replications (run seeds 1..R), each with its warm-up removed by the
 * scenario; the estimate is the mean of the replication means and its confidence interval
 * is t-based (gsl_cdf_tdist_Pinv) at 99.9 %.  A check passes when the closed form lies in
 * the interval AND the interval is narrower than `max_rel_hw` of the closed form, so a
 * check cannot pass by being vague.  Seeds are fixed, so results are reproducible.
 *
 * ELBSIM_QUICK=1 (used by `make valgrind`) skips this suite: each check runs millions of
 * requests.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/xalloc.h"
#include "tests/unit.h"

#define REPS 10
#define LEVEL 0.999

/* Read one value from a summary.csv; NAN if absent. */
static double summary_value(const char *path, const char *scope, const char *name,
                            const char *metric)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NAN;
    char line[512], want[256];
    snprintf(want, sizeof want, "%s,%s,%s,", scope, name, metric);
    double v = NAN;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, want, strlen(want))) {
            v = strtod(line + strlen(want), NULL);
            break;
        }
    fclose(f);
    return v;
}

struct check {
    const char *label;
    const char *file;      /* under scenarios/validation/ */
    const char *sets;      /* extra command-line arguments (--set ...) */
    const char *scope, *name, *metric;
    double theory;
    double max_rel_hw;     /* the CI half-width must be below this fraction of theory */
};

/* Run `c` REPS times; returns true when the closed form is inside the CI. */
static void run_check(const struct check *c)
{
    if (getenv("ELBSIM_QUICK")) {
        printf("\n  [skipped under ELBSIM_QUICK] %s", c->label);
        return;
    }
    char dir[] = "/tmp/elbsim-validation-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    double x[REPS];
    for (int i = 0; i < REPS; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "%s run scenarios/validation/%s -q -o %s/r%d --seed %d %s",
                 unit_elbsim(), c->file, dir, i, i + 1, c->sets);
        char *out = NULL;
        int rc = unit_run_capture(cmd, &out);
        if (rc != 0)
            fprintf(stderr, "\n%s\n-> exit %d\n%s\n", cmd, rc, out);
        free(out);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        char path[512];
        snprintf(path, sizeof path, "%s/r%d/summary.csv", dir, i);
        x[i] = summary_value(path, c->scope, c->name, c->metric);
        CU_ASSERT_FATAL(!isnan(x[i]));
    }
    double mean = gsl_stats_mean(x, 1, REPS);
    double sd = gsl_stats_sd_m(x, 1, REPS, mean);
    double hw = gsl_cdf_tdist_Pinv(1 - (1 - LEVEL) / 2, REPS - 1) * sd / sqrt(REPS);
    bool inside = fabs(mean - c->theory) <= hw;
    bool tight = hw <= c->max_rel_hw * c->theory;
    printf("\n  %-34s theory %-12.6g estimate %-12.6g ± %-10.3g (%.2f%%) %s", c->label,
           c->theory, mean, hw, 100 * hw / c->theory, inside && tight ? "ok" : "FAIL");
    CU_ASSERT(inside);
    CU_ASSERT(tight);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CU_ASSERT(system(cmd) == 0);
}

static double mm1_w(double lambda, double mu)
{
    return 1.0 / (mu - lambda);
}

static double erlang_c(int c, double a)
{
    /* Probability of waiting, computed through Erlang B for stability. */
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    double rho = a / c;
    return b / (1 - rho + rho * b);
}

static double erlang_b(int c, double a)
{
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b;
}

static void set_rate(char *buf, size_t n, double rate, const char *extra)
{
    snprintf(buf, n, "--set 'workloads.w.arrivals=poisson(rate=%g/s)' %s", rate, extra);
}

static void mm1_matches_closed_form(void)
{
    static const double rhos[] = {0.5, 0.8, 0.95};
    for (int i = 0; i < 3; i++) {
        char sets[256], label[64];
        double lambda = 1000 * rhos[i];
        /* Higher load needs longer runs for the same precision. */
        set_rate(sets, sizeof sets, lambda, rhos[i] > 0.9 ? "--set duration=6000s" : "");
        snprintf(label, sizeof label, "M/M/1 rho=%.2f mean response", rhos[i]);
        struct check c = {label, "mm1.yaml", sets, "workload", "w", "latency_mean_s",
                          mm1_w(lambda, 1000), 0.08};
        run_check(&c);
    }
}

static void mmc_matches_erlang_c(void)
{
    static const double rhos[] = {0.5, 0.8, 0.95};
    for (int i = 0; i < 3; i++) {
        char sets[256], label[64];
        double mu = 1000, lambda = 4 * mu * rhos[i], a = lambda / mu;
        set_rate(sets, sizeof sets, lambda, rhos[i] > 0.9 ? "--set duration=3000s" : "");
        snprintf(label, sizeof label, "M/M/4 rho=%.2f mean response", rhos[i]);
        double w = erlang_c(4, a) / (4 * mu - lambda) + 1 / mu;
        struct check c = {label, "mmc.yaml", sets, "workload", "w", "latency_mean_s", w, 0.08};
        run_check(&c);
    }
}

static void md1_matches_pollaczek_khinchine(void)
{
    double lambda = 800, s = 0.001, rho = lambda * s;
    double w = rho * s / (2 * (1 - rho)) + s;
    struct check c = {"M/D/1 rho=0.80 mean response", "md1.yaml", "", "workload", "w",
                      "latency_mean_s", w, 0.05};
    run_check(&c);
}

static void mg1_lognormal_matches_pollaczek_khinchine(void)
{
    double lambda = 700, s = 0.001, cv = 1.5, rho = lambda * s;
    double es2 = s * s * (1 + cv * cv);
    double w = lambda * es2 / (2 * (1 - rho)) + s;
    struct check c = {"M/G/1 lognormal cv=1.5 rho=0.70", "mg1.yaml", "", "workload", "w",
                      "latency_mean_s", w, 0.05};
    run_check(&c);
}

static void mm1k_blocking_matches_closed_form(void)
{
    double rho = 0.9;
    int k = 5;
    double pk = (1 - rho) * pow(rho, k) / (1 - pow(rho, k + 1));
    struct check c = {"M/M/1/5 rho=0.90 blocking", "mm1k.yaml", "", "workload", "w",
                      "error_ratio", pk, 0.05};
    run_check(&c);
}

static void mmcc_blocking_matches_erlang_b(void)
{
    double a = 6.0;
    struct check c = {"M/M/8/8 a=6 blocking (Erlang B)", "erlangb.yaml", "", "workload", "w",
                      "error_ratio", erlang_b(8, a), 0.05};
    run_check(&c);
}

static void mg1_ps_response_depends_only_on_mean(void)
{
    double lambda = 700, s = 0.001, rho = lambda * s;
    struct check c = {"M/G/1-PS lognormal cv=2 rho=0.70", "mg1ps.yaml", "", "workload", "w",
                      "latency_mean_s", s / (1 - rho), 0.05};
    run_check(&c);
}

static void random_routing_gives_independent_mm1(void)
{
    double lambda = 3200, mu = 1000;
    struct check c = {"random routing to 4 M/M/1, rho=0.80", "random4.yaml", "", "workload",
                      "w", "latency_mean_s", mm1_w(lambda / 4, mu), 0.05};
    run_check(&c);
}

static CU_TestInfo validation_tests[] = {
    {"mm1_matches_closed_form", mm1_matches_closed_form},
    {"mmc_matches_erlang_c", mmc_matches_erlang_c},
    {"md1_matches_pollaczek_khinchine", md1_matches_pollaczek_khinchine},
    {"mg1_lognormal_matches_pollaczek_khinchine", mg1_lognormal_matches_pollaczek_khinchine},
    {"mm1k_blocking_matches_closed_form", mm1k_blocking_matches_closed_form},
    {"mmcc_blocking_matches_erlang_b", mmcc_blocking_matches_erlang_b},
    {"mg1_ps_response_depends_only_on_mean", mg1_ps_response_depends_only_on_mean},
    {"random_routing_gives_independent_mm1", random_routing_gives_independent_mm1},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_validation_suites[] = {
    {"validation", NULL, NULL, NULL, NULL, validation_tests},
    CU_SUITE_INFO_NULL,
};
