/* Tests of analysis/csvout: quoting, number formats, atomic commit and abort, errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/csvout.h"
#include "tests/unit.h"

static void quotes_fields_with_commas_quotes_newlines(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("q.csv")), 0);
    csvout_str(&o, "plain");
    csvout_str(&o, "a,b");
    csvout_str(&o, "say \"hi\"");
    csvout_str(&o, "two\nlines");
    csvout_str(&o, "cr\r");
    csvout_str(&o, "");
    csvout_str(&o, " spaced ");
    csvout_end_row(&o);
    csvout_str(&o, "web/2");
    csvout_end_row(&o);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    char *got = unit_slurp(unit_tmpdir_path("q.csv"));
    CU_ASSERT_STRING_EQUAL(got,
                           "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",, spaced \n"
                           "web/2\n");
    free(got);
    unlink(unit_tmpdir_path("q.csv"));
}

static void numbers_use_fixed_formats(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("n.csv")), 0);
    const double v[] = {0.1, 1e-20, -0.0, (double)NAN, 120000, 12345678901.0, 1e15, 0.1 + 0.2,
                        -2.5, (double)INFINITY, 1.0 / 3};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        csvout_num(&o, v[i]);
    csvout_end_row(&o);
    csvout_int(&o, -42);
    csvout_int(&o, 9007199254740993LL);
    csvout_empty(&o);
    csvout_end_row(&o);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    char *got = unit_slurp(unit_tmpdir_path("n.csv"));
    CU_ASSERT_STRING_EQUAL(got, "0.1,1e-20,0,,120000,12345678901,1000000000000000,0.3,-2.5,inf,"
                                "0.3333333333\n-42,9007199254740993,\n");
    free(got);
    unlink(unit_tmpdir_path("n.csv"));
}

static void commit_renames_temporary_into_place(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("c.csv")), 0);
    csvout_str(&o, "x");
    csvout_end_row(&o);
    CU_ASSERT(access(unit_tmpdir_path("c.csv"), F_OK) != 0); /* not there until commit */
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 1);                 /* only the temporary */
    const char *tmp_prefix = unit_tmpdir_path("c.csv.tmp.");
    CU_ASSERT(strncmp(o.tmp_path, tmp_prefix, strlen(tmp_prefix)) == 0);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 1); /* only the destination */
    char *got = unit_slurp(unit_tmpdir_path("c.csv"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, "x\n");
    free(got);

    /* A second commit replaces the file whole. */
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("c.csv")), 0);
    csvout_str(&o, "y");
    csvout_end_row(&o);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    got = unit_slurp(unit_tmpdir_path("c.csv"));
    CU_ASSERT_STRING_EQUAL(got, "y\n");
    free(got);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 1);
    unlink(unit_tmpdir_path("c.csv"));
}

static void abort_leaves_nothing(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("a.csv")), 0);
    csvout_str(&o, "half");
    csvout_abort(&o);
    csvout_abort(&o); /* harmless twice */
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 0);
}

static void open_in_missing_folder_fails_with_path_and_reason(void)
{
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    struct csvout o;
    int rc = csvout_open(&o, unit_tmpdir_path("missing/x.csv"));
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NULL(o.f);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, unit_tmpdir_path("missing/x.csv")));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "No such file or directory"));
    csvout_abort(&o); /* a no-op after a failed open */
    free(msg);
}

static CU_TestInfo csvout_tests[] = {
    {"quotes_fields_with_commas_quotes_newlines", quotes_fields_with_commas_quotes_newlines},
    {"numbers_use_fixed_formats", numbers_use_fixed_formats},
    {"commit_renames_temporary_into_place", commit_renames_temporary_into_place},
    {"abort_leaves_nothing", abort_leaves_nothing},
    {"open_in_missing_folder_fails_with_path_and_reason",
     open_in_missing_folder_fails_with_path_and_reason},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_csvout_suites[] = {
    {"csvout", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, csvout_tests},
    CU_SUITE_INFO_NULL,
};
