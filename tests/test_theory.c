/*
 * Validation against queueing theory: M/M/1 and M/M/4 built only from the engine's public
 * API (sim_event_*, named streams from sim_rng_new, gsl_ran_exponential) must reproduce
 * the closed-form mean wait in queue Wq.
 *
 *   M/M/1:  Wq = rho / (mu - lambda)
 *   M/M/c:  Wq = C(c, a) / (c mu - lambda),  a = lambda / mu,  C = Erlang C
 *
 * Method (STYLE.md §7: tolerance from a confidence interval, not a guess): R independent
 * replications (run seeds 1..R; arrivals and service on separate named streams), each
 * starting empty, discarding a warm-up of customers and then averaging the waits of the
 * next n customers.  The R replication means give a t-based 99.9 % confidence interval
 * (gsl_cdf_tdist_Pinv).  Each test asserts that the closed form lies inside it, and that
 * the half-width is below 10 % of the closed form, so that the check cannot pass by being
 * vague.  Run lengths grow with rho because the variance of a mean wait grows like
 * (1 - rho)^-4 (Blomqvist 1967).
 *
 * ELBSIM_QUICK=1 (valgrind runs) divides every run length by 4; the half-widths then
 * roughly double, and the same two assertions still apply.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/event.h"
#include "sim/rng.h"
#include "tests/unit.h"

#define REPLICATIONS 20
#define CONFIDENCE 0.999
#define MAX_REL_HALF_WIDTH 0.10

/* ---- the model: c servers, one FCFS line -------------------------------------------- */

struct mmc {
    gsl_rng *arrivals;  /* interarrival times */
    gsl_rng *service;   /* service times */
    double ia_mean;     /* s, 1 / lambda */
    double svc_mean;    /* s, 1 / mu */
    unsigned c, busy;   /* servers, servers busy */
    double *line;       /* arrival times of waiting customers: a ring */
    size_t cap, head, len;
    uint64_t started;   /* customers whose service has started (in arrival order: FCFS) */
    uint64_t warmup, n; /* discard the first warmup waits, then average n */
    double sum_wait;    /* s */
};

static void departure(struct sim *sim, void *ctx, uint64_t arg);

/* A customer starts service after waiting w seconds. */
static void start_service(struct sim *sim, struct mmc *m, double w)
{
    uint64_t i = m->started++;
    if (i >= m->warmup)
        m->sum_wait += w;
    if (m->started == m->warmup + m->n)
        sim_event_stop(sim);
    sim_event_after(sim, gsl_ran_exponential(m->service, m->svc_mean), departure, m, 0);
}

static void arrival(struct sim *sim, void *ctx, uint64_t arg)
{
    struct mmc *m = ctx;
    if (m->busy < m->c) {
        m->busy++;
        start_service(sim, m, 0.0);
    } else {
        if (m->len == m->cap) {
            /* Unroll the ring into a buffer twice the size. */
            size_t cap = m->cap ? 2 * m->cap : 1024;
            double *line = malloc(cap * sizeof *line);
            for (size_t i = 0; i < m->len; i++)
                line[i] = m->line[(m->head + i) % m->cap];
            free(m->line);
            m->line = line;
            m->cap = cap;
            m->head = 0;
        }
        m->line[(m->head + m->len++) % m->cap] = sim_now(sim);
    }
    sim_event_after(sim, gsl_ran_exponential(m->arrivals, m->ia_mean), arrival, m, arg);
}

static void departure(struct sim *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    struct mmc *m = ctx;
    if (m->len > 0) {
        double arrived = m->line[m->head];
        m->head = (m->head + 1) % m->cap;
        m->len--;
        start_service(sim, m, sim_now(sim) - arrived);
    } else {
        m->busy--;
    }
}

/* One replication: the mean wait in queue of customers warmup+1 .. warmup+n. */
static double replicate(unsigned c, double rho, uint64_t seed, uint64_t warmup, uint64_t n)
{
    struct sim sim;
    sim_event_init(&sim);
    struct mmc m = {
        .arrivals = sim_rng_new(seed, "theory/arrivals"),
        .service = sim_rng_new(seed, "theory/service"),
        .ia_mean = 1.0 / (rho * c), /* mu = 1 */
        .svc_mean = 1.0,
        .c = c,
        .warmup = warmup,
        .n = n,
    };
    sim_event_schedule(&sim, 0.0, arrival, &m, 0);
    sim_event_run(&sim); /* returns at the stop in start_service */
    CU_ASSERT_EQUAL(m.started, warmup + n);
    sim_event_fini(&sim);
    gsl_rng_free(m.arrivals);
    gsl_rng_free(m.service);
    free(m.line);
    return m.sum_wait / (double)n;
}

/* ---- closed forms ------------------------------------------------------------------ */

/* Erlang C: probability that an arrival waits, c servers, offered load a = lambda/mu < c. */
static double erlang_c(unsigned c, double a)
{
    double term = 1.0, sum = 0.0; /* term = a^k / k! */
    for (unsigned k = 0; k < c; k++) {
        sum += term;
        term *= a / (double)(k + 1);
    }
    double top = term * (double)c / ((double)c - a);
    return top / (sum + top);
}

/* Mean wait in queue for M/M/c with mu = 1 and utilisation rho. */
static double mmc_wq(unsigned c, double rho)
{
    double lambda = rho * c;
    return erlang_c(c, lambda) / ((double)c - lambda);
}

static void test_erlang_c_matches_known_values(void)
{
    CU_ASSERT_DOUBLE_EQUAL(erlang_c(1, 0.8), 0.8, 1e-12);     /* M/M/1: P(wait) = rho */
    CU_ASSERT_DOUBLE_EQUAL(erlang_c(2, 1.0), 1.0 / 3, 1e-12); /* M/M/2 at rho = 1/2 */
    CU_ASSERT_DOUBLE_EQUAL(erlang_c(4, 2.0), 4.0 / 23, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(mmc_wq(1, 0.95), 0.95 / 0.05, 1e-9);
}

/* ---- the check --------------------------------------------------------------------- */

static bool quick(void)
{
    const char *q = getenv("ELBSIM_QUICK");
    return q && strcmp(q, "1") == 0;
}

static void check_wq(unsigned c, double rho, uint64_t warmup, uint64_t n)
{
    if (quick()) {
        warmup /= 4;
        n /= 4;
    }
    double means[REPLICATIONS], sum = 0.0;
    for (int r = 0; r < REPLICATIONS; r++) {
        means[r] = replicate(c, rho, (uint64_t)r + 1, warmup, n);
        sum += means[r];
    }
    double mean = sum / REPLICATIONS, ss = 0.0;
    for (int r = 0; r < REPLICATIONS; r++)
        ss += (means[r] - mean) * (means[r] - mean);
    double sd = sqrt(ss / (REPLICATIONS - 1));
    double t = gsl_cdf_tdist_Pinv(1.0 - (1.0 - CONFIDENCE) / 2, REPLICATIONS - 1);
    double hw = t * sd / sqrt((double)REPLICATIONS);
    double wq = mmc_wq(c, rho);
    printf("\n    M/M/%u  rho %.2f  Wq theory %8.4f  estimate %8.4f +- %.4f (%4.1f %%, R=%d, "
           "n=%llu)",
           c, rho, wq, mean, hw, 100.0 * hw / wq, REPLICATIONS, (unsigned long long)n);
    fflush(stdout);
    CU_ASSERT(fabs(mean - wq) <= hw);
    CU_ASSERT(hw < MAX_REL_HALF_WIDTH * wq);
}

/* Customers per replication: a warm-up of at least ~20 relaxation times (1 / (c mu (1 -
 * sqrt(rho))^2), Abate & Whitt), then n, sized for a half-width of 2-4 % at -O2. */
static void test_mm1_wait_matches_closed_form_at_rho_050(void)
{
    check_wq(1, 0.50, 2000, 40000);
}

static void test_mm1_wait_matches_closed_form_at_rho_080(void)
{
    check_wq(1, 0.80, 10000, 200000);
}

static void test_mm1_wait_matches_closed_form_at_rho_095(void)
{
    check_wq(1, 0.95, 40000, 1000000);
}

static void test_mm4_wait_matches_closed_form_at_rho_050(void)
{
    check_wq(4, 0.50, 2000, 100000);
}

static void test_mm4_wait_matches_closed_form_at_rho_080(void)
{
    check_wq(4, 0.80, 10000, 200000);
}

static void test_mm4_wait_matches_closed_form_at_rho_095(void)
{
    check_wq(4, 0.95, 40000, 1000000);
}

static CU_TestInfo theory_tests[] = {
    {"erlang_c_matches_known_values", test_erlang_c_matches_known_values},
    {"mm1_wait_matches_closed_form_at_rho_050", test_mm1_wait_matches_closed_form_at_rho_050},
    {"mm1_wait_matches_closed_form_at_rho_080", test_mm1_wait_matches_closed_form_at_rho_080},
    {"mm1_wait_matches_closed_form_at_rho_095", test_mm1_wait_matches_closed_form_at_rho_095},
    {"mm4_wait_matches_closed_form_at_rho_050", test_mm4_wait_matches_closed_form_at_rho_050},
    {"mm4_wait_matches_closed_form_at_rho_080", test_mm4_wait_matches_closed_form_at_rho_080},
    {"mm4_wait_matches_closed_form_at_rho_095", test_mm4_wait_matches_closed_form_at_rho_095},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_theory_suites[] = {
    {"theory", NULL, NULL, NULL, NULL, theory_tests},
    CU_SUITE_INFO_NULL,
};
