/* Tests of analysis/summary: lookup, sort order, CSV bytes, the readable table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/summary.h"
#include "tests/unit.h"

static void get_returns_value_or_nan(void)
{
    struct summary *s = summary_new();
    summary_add(s, "workload", "shoppers", "latency_p99_s", 0.25);
    summary_add(s, "workload", "shop", "perslatency_p99_s", 1); /* same bytes joined */
    CU_ASSERT_EQUAL(summary_get(s, "workload", "shoppers", "latency_p99_s"), 0.25);
    CU_ASSERT_EQUAL(summary_get(s, "workload", "shop", "perslatency_p99_s"), 1);
    CU_ASSERT(isnan(summary_get(s, "workload", "shoppers", "latency_p50_s")));
    CU_ASSERT(isnan(summary_get(s, "target", "shoppers", "latency_p99_s")));
    summary_add(s, "workload", "shoppers", "latency_p99_s", 0.5); /* replaces */
    CU_ASSERT_EQUAL(summary_get(s, "workload", "shoppers", "latency_p99_s"), 0.5);
    CU_ASSERT_EQUAL(summary_count(s), 2);

    /* Many rows: the index grows and every row stays reachable. */
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "web/%d", i);
        summary_add(s, "target", name, "utilization", i / 1000.0);
    }
    CU_ASSERT_EQUAL(summary_count(s), 1002);
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "web/%d", i);
        CU_ASSERT_EQUAL_FATAL(summary_get(s, "target", name, "utilization"), i / 1000.0);
    }
    summary_free(s);
}

static void csv_is_sorted_by_scope_order_then_natural_name_and_metric(void)
{
    struct summary *s = summary_new();
    summary_add(s, "target", "web/10", "utilization", 0.5);
    summary_add(s, "zeta", "x", "m", 1);
    summary_add(s, "target", "web/2", "utilization", 0.25);
    summary_add(s, "alpha", "x", "m", 2);
    summary_add(s, "ecs_service", "api", "scaling_activities", 3);
    summary_add(s, "asg", "web-asg", "instance_hours", 12.5);
    summary_add(s, "target_group", "web", "requests", 1000);
    summary_add(s, "lb", "front", "requests", 1000);
    summary_add(s, "workload", "shoppers", "latency_p999_s", 0.9);
    summary_add(s, "workload", "shoppers", "latency_p99_s", 0.4);
    summary_add(s, "workload", "shoppers", "latency_p50_s", 0.04);
    summary_add(s, "workload", "a,b", "errors", (double)NAN);
    summary_add(s, "run", "", "cost_usd", 12.345);
    const char *path = unit_tmpdir_path("summary.csv");
    CU_ASSERT_EQUAL_FATAL(summary_write_csv(s, path), 0);
    char *got = unit_slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, "scope,name,metric,value\n"
                                "run,,cost_usd,12.345\n"
                                "workload,\"a,b\",errors,\n"
                                "workload,shoppers,latency_p50_s,0.04\n"
                                "workload,shoppers,latency_p99_s,0.4\n"
                                "workload,shoppers,latency_p999_s,0.9\n"
                                "lb,front,requests,1000\n"
                                "target_group,web,requests,1000\n"
                                "target,web/2,utilization,0.25\n"
                                "target,web/10,utilization,0.5\n"
                                "asg,web-asg,instance_hours,12.5\n"
                                "ecs_service,api,scaling_activities,3\n"
                                "alpha,x,m,2\n"
                                "zeta,x,m,1\n");
    free(got);
    unlink(path);
    summary_free(s);
}

/* A fleet's rows come in per-target blocks in name order (the fast path); a name whose rows
 * were added apart, and blocks out of order, sort as one. */
static void rows_sort_the_same_in_blocks_apart_or_reserved(void)
{
    struct summary *s = summary_new();
    summary_reserve(s, 3000);
    char name[32];
    for (int i = 1; i <= 500; i++) {
        snprintf(name, sizeof name, "web/%d", i);
        summary_add(s, "target", name, "utilization", i);
        summary_add(s, "target", name, "completed", i);
    }
    const char *path = unit_tmpdir_path("fleet.csv");
    CU_ASSERT_EQUAL_FATAL(summary_write_csv(s, path), 0);
    char *got = unit_slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT(!strncmp(got, "scope,name,metric,value\ntarget,web/1,completed,1\n"
                            "target,web/1,utilization,1\ntarget,web/2,completed,2\n", 101));
    free(got);
    summary_free(s);

    s = summary_new();
    summary_add(s, "target", "web/2", "utilization", 1);
    summary_add(s, "target", "web/1", "requests", 2);
    summary_add(s, "target", "web/2", "completed", 3); /* web/2 again, apart */
    summary_add(s, "run", "", "cost_usd", 4);
    CU_ASSERT_EQUAL_FATAL(summary_write_csv(s, path), 0);
    got = unit_slurp(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, "scope,name,metric,value\n"
                                "run,,cost_usd,4\n"
                                "target,web/1,requests,2\n"
                                "target,web/2,completed,3\n"
                                "target,web/2,utilization,1\n");
    free(got);
    unlink(path);
    summary_free(s);
}

static void write_to_missing_folder_fails(void)
{
    struct summary *s = summary_new();
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(summary_write_csv(s, unit_tmpdir_path("missing/summary.csv")), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "No such file or directory"));
    free(msg);
    summary_free(s);
}

static void table_shows_units_and_aligns_columns(void)
{
    struct summary *s = summary_new();
    summary_add(s, "run", "", "cost_usd", 12.3456);
    summary_add(s, "workload", "shoppers", "latency_p50_s", 0.041234);
    summary_add(s, "workload", "shoppers", "latency_mean_s", 2.5);
    summary_add(s, "workload", "shoppers", "requests", 120000);
    summary_add(s, "workload", "shoppers", "throughput_rps", 199.87);
    summary_add(s, "target", "web/1", "utilization", 0.635);
    summary_add(s, "target", "web/1", "errors", (double)NAN);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    summary_print_table(s, f);
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "run\n"
                                "  cost_usd        $12.35\n"
                                "\n"
                                "workload shoppers\n"
                                "  latency_mean_s   2.500 s\n"
                                "  latency_p50_s    41.23 ms\n"
                                "  requests        120000\n"
                                "  throughput_rps   199.9 req/s\n"
                                "\n"
                                "target web/1\n"
                                "  errors               -\n"
                                "  utilization      63.50 %\n");
    free(buf);
    summary_free(s);
}

static CU_TestInfo summary_tests[] = {
    {"get_returns_value_or_nan", get_returns_value_or_nan},
    {"csv_is_sorted_by_scope_order_then_natural_name_and_metric",
     csv_is_sorted_by_scope_order_then_natural_name_and_metric},
    {"rows_sort_the_same_in_blocks_apart_or_reserved",
     rows_sort_the_same_in_blocks_apart_or_reserved},
    {"write_to_missing_folder_fails", write_to_missing_folder_fails},
    {"table_shows_units_and_aligns_columns", table_shows_units_and_aligns_columns},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_summary_suites[] = {
    {"summary", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, summary_tests},
    CU_SUITE_INFO_NULL,
};
