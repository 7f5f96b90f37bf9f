/* Tests of analysis/series: long and wide files, series added mid-run, abort. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/series.h"
#include "tests/unit.h"

static void long_and_wide_files_with_a_series_added_mid_run(void)
{
    struct series_set *s = series_new(unit_tmpdir());
    int thr = series_add(s, "workload", "shoppers", "throughput_rps");
    int u1 = series_add(s, "target", "web/1", "utilization");
    CU_ASSERT_EQUAL(thr, 0);
    CU_ASSERT_EQUAL(u1, 1);
    CU_ASSERT_EQUAL(series_add(s, "workload", "shoppers", "throughput_rps"), thr);
    CU_ASSERT_EQUAL_FATAL(series_open(s), 0);

    series_set(s, thr, 100);
    series_set(s, u1, 0.5);
    series_flush(s, 1);

    int u2 = series_add(s, "target", "web/2", "utilization"); /* launched mid-run */
    CU_ASSERT_EQUAL(u2, 2);
    series_set(s, thr, 110);
    series_set(s, u2, 0.25);
    series_flush(s, 2);

    series_flush(s, 3); /* no data at all */

    int odd = series_add(s, "lb", "a,b", "in_flight"); /* a name that needs quoting */
    series_set(s, odd, 7);
    series_set(s, u1, (double)NAN); /* NaN is "no data" */
    series_flush(s, 4.5);

    CU_ASSERT(access(unit_tmpdir_path("timeseries.csv"), F_OK) != 0);
    CU_ASSERT(access(unit_tmpdir_path("timeseries_wide.csv"), F_OK) != 0);
    CU_ASSERT_EQUAL_FATAL(series_commit(s), 0);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 2); /* no temporaries left */

    char *lng = unit_slurp(unit_tmpdir_path("timeseries.csv"));
    char *wide = unit_slurp(unit_tmpdir_path("timeseries_wide.csv"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(lng);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wide);
    CU_ASSERT_STRING_EQUAL(lng, "time_s,scope,name,metric,value\n"
                                "1,workload,shoppers,throughput_rps,100\n"
                                "1,target,web/1,utilization,0.5\n"
                                "2,workload,shoppers,throughput_rps,110\n"
                                "2,target,web/2,utilization,0.25\n"
                                "4.5,lb,\"a,b\",in_flight,7\n");
    CU_ASSERT_STRING_EQUAL(wide, "time_s,workload.shoppers.throughput_rps,"
                                 "target.web/1.utilization,target.web/2.utilization,"
                                 "\"lb.a,b.in_flight\"\n"
                                 "1,100,0.5,,\n"
                                 "2,110,,0.25,\n"
                                 "3,,,,\n"
                                 "4.5,,,,7\n");
    free(lng);
    free(wide);
    series_free(s);
    unlink(unit_tmpdir_path("timeseries.csv"));
    unlink(unit_tmpdir_path("timeseries_wide.csv"));
}

static void no_series_gives_headers_and_times(void)
{
    struct series_set *s = series_new(unit_tmpdir());
    CU_ASSERT_EQUAL_FATAL(series_open(s), 0);
    series_flush(s, 1);
    CU_ASSERT_EQUAL_FATAL(series_commit(s), 0);
    char *lng = unit_slurp(unit_tmpdir_path("timeseries.csv"));
    char *wide = unit_slurp(unit_tmpdir_path("timeseries_wide.csv"));
    CU_ASSERT_STRING_EQUAL(lng, "time_s,scope,name,metric,value\n");
    CU_ASSERT_STRING_EQUAL(wide, "time_s\n1\n");
    free(lng);
    free(wide);
    series_free(s);
    unlink(unit_tmpdir_path("timeseries.csv"));
    unlink(unit_tmpdir_path("timeseries_wide.csv"));
}

static void abort_and_free_leave_no_files(void)
{
    struct series_set *s = series_new(unit_tmpdir());
    int id = series_add(s, "workload", "w", "errors");
    CU_ASSERT_EQUAL_FATAL(series_open(s), 0);
    series_set(s, id, 3);
    series_flush(s, 1);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 3); /* long, wide and body temporaries */
    series_abort(s);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 0);
    series_free(s);

    /* Freeing an open set aborts it too. */
    s = series_new(unit_tmpdir());
    CU_ASSERT_EQUAL_FATAL(series_open(s), 0);
    series_free(s);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 0);
}

static void open_in_missing_folder_fails(void)
{
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    struct series_set *s = series_new(unit_tmpdir_path("missing"));
    CU_ASSERT_EQUAL(series_open(s), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "missing/timeseries.csv"));
    free(msg);
    series_free(s);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 0);
}

static CU_TestInfo series_tests[] = {
    {"long_and_wide_files_with_a_series_added_mid_run",
     long_and_wide_files_with_a_series_added_mid_run},
    {"no_series_gives_headers_and_times", no_series_gives_headers_and_times},
    {"abort_and_free_leave_no_files", abort_and_free_leave_no_files},
    {"open_in_missing_folder_fails", open_in_missing_folder_fails},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_series_suites[] = {
    {"series", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, series_tests},
    CU_SUITE_INFO_NULL,
};
