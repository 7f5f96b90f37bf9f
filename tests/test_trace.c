/* The decision trace: the selector, the row buffer, the routing views' bound, and the
 * narrator (analysis/explain) on a hand-written trace. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "analysis/explain.h"
#include "models/core/request.h"
#include "models/core/trace.h"
#include "models/elb/routing.h"
#include "tests/unit.h"

/* ---- selector ---- */

static void selector_parses_and_formats_back(void)
{
    struct trace_sel s, t;
    CU_ASSERT_EQUAL(trace_sel_parse("20", NULL, &s), 0);
    CU_ASSERT_EQUAL(s.first, 20);
    CU_ASSERT_STRING_EQUAL(s.workload, "");
    CU_ASSERT(isinf(s.to_s) && s.from_s == 0 && s.sample == 1);
    CU_ASSERT_EQUAL(trace_sel_parse("workload=web,first=5,from=300s,to=310s,sample=0.25", NULL,
                                    &s), 0);
    CU_ASSERT_EQUAL(s.first, 5);
    CU_ASSERT_STRING_EQUAL(s.workload, "web");
    CU_ASSERT_DOUBLE_EQUAL(s.from_s, 300, 0);
    CU_ASSERT_DOUBLE_EQUAL(s.to_s, 310, 0);
    CU_ASSERT_DOUBLE_EQUAL(s.sample, 0.25, 0);
    char buf[256];
    trace_sel_format(&s, buf, sizeof buf);
    CU_ASSERT_EQUAL(trace_sel_parse(buf, NULL, &t), 0);
    CU_ASSERT_EQUAL(memcmp(&s, &t, sizeof s), 0);
    /* Without first, the default bound. */
    CU_ASSERT_EQUAL(trace_sel_parse("sample=0.5", NULL, &s), 0);
    CU_ASSERT_EQUAL(s.first, TRACE_DEFAULT_FIRST);
}

static void selector_rejects_bad_items(void)
{
    struct trace_sel s;
    static const char *const bad[] = {"",        "0",          "-3",          "first=0",
                                      "first=x", "frist=3",    "sample=0",    "sample=1.5",
                                      "from=-1s", "from=5s,to=5s", "workload=", "first=3,",
                                      "abc",     "to=tomorrow", NULL};
    for (int i = 0; bad[i]; i++) {
        struct unit_diag_capture c;
        unit_diag_capture_start(&c);
        int rc = trace_sel_parse(bad[i], NULL, &s);
        char *msg = unit_diag_capture_end(&c);
        if (rc != -1)
            fprintf(stderr, "accepted '%s'\n", bad[i]);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, "error: trace"));
        free(msg);
    }
}

static void select_counts_filters_and_samples_on_its_own_stream(void)
{
    struct trace_sel s;
    struct tracer tr;
    CU_ASSERT_EQUAL(trace_sel_parse("workload=a,first=3,from=1s,to=2s", NULL, &s), 0);
    trace_init(&tr, &s, 1, NULL, 0);
    CU_ASSERT(tr.rng == NULL); /* no sample: no stream */
    CU_ASSERT_FALSE(trace_select(&tr, "a", 0.5));   /* before the window */
    CU_ASSERT_FALSE(trace_select(&tr, "b", 1.5));   /* another workload */
    CU_ASSERT_TRUE(trace_select(&tr, "a", 1.0));
    CU_ASSERT_TRUE(trace_select(&tr, "a", 1.2));
    CU_ASSERT_FALSE(trace_select(&tr, "a", 2.0));   /* the window is half open */
    CU_ASSERT_TRUE(trace_select(&tr, "a", 1.9));
    CU_ASSERT_FALSE(trace_select(&tr, "a", 1.95));  /* first=3 reached */
    CU_ASSERT_EQUAL(tr.taken, 3);
    trace_fini(&tr);

    /* A sample takes about its share, the same ones for the same seed. */
    CU_ASSERT_EQUAL(trace_sel_parse("sample=0.2,first=100000", NULL, &s), 0);
    struct tracer a, b;
    trace_init(&a, &s, 42, NULL, 0);
    trace_init(&b, &s, 42, NULL, 0);
    int n = 0, same = 1;
    for (int i = 0; i < 10000; i++) {
        bool x = trace_select(&a, "w", i), y = trace_select(&b, "w", i);
        n += x;
        same &= x == y;
    }
    CU_ASSERT_TRUE(same);
    CU_ASSERT(n > 1800 && n < 2200);
    trace_fini(&a);
    trace_fini(&b);
}

static void rows_are_csv_with_quotes_where_needed(void)
{
    struct trace_sel s;
    struct tracer tr;
    CU_ASSERT_EQUAL(trace_sel_parse("1", NULL, &s), 0);
    trace_init(&tr, &s, 1, NULL, 0);
    struct request rq = {.id = 7, .attempt = 1};
    trace_row(&tr, &rq, 1.5, "rule", "front", "a,b", (double)NAN, "path=%s", "/x\"y");
    trace_row(&tr, &rq, 2.0, "end", "t/1", NULL, 0.25, NULL);
    CU_ASSERT_STRING_EQUAL(tr.buf, "7,1,1.500000,rule,front,\"a,b\",,\"path=/x\"\"y\"\n"
                                   "7,1,2.000000,end,t/1,,0.25,\n");
    CU_ASSERT_STRING_EQUAL(trace_zone(&tr, 0), "?");
    trace_fini(&tr);
}

/* ---- routing views ---- */

static void route_trace_keeps_the_chosen_within_the_bound(void)
{
    struct route_trace t = {0};
    for (uint32_t m = 0; m < 40; m++)
        route_trace_add(&t, m, m, 33);
    CU_ASSERT_EQUAL(t.total, 40);
    CU_ASSERT_EQUAL(t.n, ROUTE_TRACE_MAX);
    CU_ASSERT_TRUE(t.has_chosen);
    CU_ASSERT_EQUAL(t.m[ROUTE_TRACE_MAX - 1], 33);
    CU_ASSERT_EQUAL(t.m[0], 0);
    /* Chosen early: the list fills up with the others in order. */
    struct route_trace u = {0};
    for (uint32_t m = 0; m < 40; m++)
        route_trace_add(&u, m, 0, 2);
    CU_ASSERT_EQUAL(u.n, ROUTE_TRACE_MAX);
    CU_ASSERT_EQUAL(u.m[ROUTE_TRACE_MAX - 1], ROUTE_TRACE_MAX - 1);
}

/* LOR's view at each pick: the chosen member has the lowest count listed. */
static void lor_view_shows_the_lowest_count_chosen(void)
{
    const struct route_ops *ops = route_find("least_outstanding_requests");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ops->trace);
    void *priv = route_instance_new(ops, NULL, NULL);
    uint32_t elig[5] = {0, 1, 2, 3, 4};
    struct route_view v = {elig, 5, 5, 0};
    ops->rebuild(priv, &v);
    gsl_rng *r = NULL;
    uint32_t held[5] = {0};
    for (int i = 0; i < 30; i++) {
        uint32_t m = ops->pick(priv, &v, NULL, r);
        struct route_trace t = {0};
        ops->trace(priv, &v, NULL, m, &t);
        CU_ASSERT_STRING_EQUAL(t.what, "outstanding");
        CU_ASSERT_EQUAL(t.n, 5);
        for (uint32_t k = 0; k < t.n; k++) {
            CU_ASSERT_EQUAL(t.val[k], held[t.m[k]]);
            CU_ASSERT(held[m] <= t.val[k]);
        }
        ops->sent(priv, m);
        held[m]++;
        if (i % 3 == 2) { /* one response back from member i % 5 when it has one */
            uint32_t d = (uint32_t)i % 5;
            if (held[d]) {
                struct route_outcome o = {200, 0.01, 0};
                ops->done(priv, d, &o);
                held[d]--;
            }
        }
    }
    route_instance_free(ops, priv);
}

/* ---- explain ---- */

static char *narrate(const char *csv, uint64_t id, int *rc)
{
    FILE *f = fopen(unit_tmpdir_path("trace.csv"), "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(csv, f);
    fclose(f);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    *rc = explain_narrate(out, unit_tmpdir(), id);
    fclose(out);
    return text;
}

static const char lor_trace[] =
    TRACE_CSV_HEADER
    "17,0,3.204000,arrive,shoppers,request,0.04,flow=9;path=/api/cart;host=\n"
    "17,0,3.204000,lb_node,front,a,0,type=alb;nodes=2;dns_node=0;moved=0;cross_zone=on\n"
    "17,0,3.205000,rule,front,api,1,path=/api/cart;host=;rule_path=/api/*;rule_host=*;"
    "forward=1;forwards=1;u=0.5\n"
    "17,0,3.205000,route,api,api/2,4,algo=least_outstanding_requests;zone=a;cross_zone=on;"
    "eligible=4;slow_start=0;what=outstanding;listed=4;candidates=4\n"
    "17,0,3.205000,view,api,api/2,4,api/1:3 api/2:1 api/3:1 api/4:2\n"
    "17,0,3.205000,target,api/2,accepted,0,zone=a;held=0;busy=0;servers=2;discipline=fcfs\n"
    "17,0,3.205000,start,api/2,,0,service=0.041\n"
    "18,0,3.206000,arrive,shoppers,request,0.01,flow=10;path=/;host=\n"
    "17,0,3.246000,end,api/2,,0.041,wait=0;demand=0.041\n"
    "17,0,3.247000,response,shoppers,200,0.043,abandoned=0;first_sent=3.204;since_first=0.043\n"
    "18,0,3.300000,timeout,shoppers,,2,sent=3.206\n"
    "18,0,3.300000,retry,shoppers,40,0.1,attempt=1\n";

static void explain_tells_the_lor_story(void)
{
    int rc;
    char *s = narrate(lor_trace, 17, &rc);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(
        s, "request 17 (t = 3.204 s) from shoppers, path /api/cart; reached ALB front's node "
           "in zone a (DNS: flow hash mod 2 nodes; cross-zone on); rule 1 `/api/*` → group "
           "api; least outstanding requests saw api/1: 3, api/2: 1, api/3: 1, api/4: 2 and "
           "chose api/2 (lowest; 2 tied, it had waited longest at that count); at api/2 "
           "(zone a) 0 queued ahead, 0 of 2 servers busy; it waited 0 ms and ran 41.0 ms; "
           "200 after 43.0 ms.\n");
    free(s);
    s = narrate(lor_trace, 0, &rc);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\nrequest 18 (t = 3.206 s) from shoppers, path /; the "
                                     "client gave up after 2.00 s (timeout); retried as "
                                     "request 40 after 100 ms of backoff.\n"));
    free(s);
}

static void explain_rejects_what_is_not_there(void)
{
    int rc;
    char *s = narrate(lor_trace, 99, &rc);
    CU_ASSERT_EQUAL(rc, EXPLAIN_ERR_INPUT);
    free(s);
    s = narrate("a,b\n1,2\n", 0, &rc);
    CU_ASSERT_EQUAL(rc, EXPLAIN_ERR_INPUT);
    free(s);
    s = narrate(TRACE_CSV_HEADER "x,0,1,arrive,w,request,1,\n", 0, &rc);
    CU_ASSERT_EQUAL(rc, EXPLAIN_ERR_INPUT);
    free(s);
    CU_ASSERT_EQUAL(explain_narrate(stdout, "/nonexistent/elbsim", 0), EXPLAIN_ERR_IO);
}

static CU_TestInfo trace_tests[] = {
    {"selector parses and formats back", selector_parses_and_formats_back},
    {"selector rejects bad items", selector_rejects_bad_items},
    {"select counts, filters and samples on its own stream",
     select_counts_filters_and_samples_on_its_own_stream},
    {"rows are CSV with quotes where needed", rows_are_csv_with_quotes_where_needed},
    {"route_trace keeps the chosen within the bound",
     route_trace_keeps_the_chosen_within_the_bound},
    {"LOR view shows the lowest count chosen", lor_view_shows_the_lowest_count_chosen},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo explain_tests[] = {
    {"explain tells the LOR story", explain_tells_the_lor_story},
    {"explain rejects what is not there", explain_rejects_what_is_not_there},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_trace_suites[] = {
    {"trace", NULL, NULL, NULL, NULL, trace_tests},
    {"explain", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, explain_tests},
    CU_SUITE_INFO_NULL,
};
