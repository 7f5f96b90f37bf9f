/* Tests of analysis/csvout: quoting, number formats, atomic commit and abort, errors. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/csvout.h"
#include "sim/diag.h"
#include "sim/xalloc.h"
#include "tests/unit.h"

static char tmpdir[64];

static int make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/elbsim-csvout-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

/* Number of entries in tmpdir (without . and ..). */
static int count_entries(void)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static int remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        char p[512];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    return rmdir(tmpdir);
}

static char *path_in(const char *file)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, file);
    return p;
}

/* The whole file (caller frees), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = xmalloc(1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void quotes_fields_with_commas_quotes_newlines(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, path_in("q.csv")), 0);
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
    char *got = slurp(path_in("q.csv"));
    CU_ASSERT_STRING_EQUAL(got,
                           "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",, spaced \n"
                           "web/2\n");
    free(got);
    unlink(path_in("q.csv"));
}

static void numbers_use_fixed_formats(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, path_in("n.csv")), 0);
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
    char *got = slurp(path_in("n.csv"));
    CU_ASSERT_STRING_EQUAL(got, "0.1,1e-20,0,,120000,12345678901,1000000000000000,0.3,-2.5,inf,"
                                "0.3333333333\n-42,9007199254740993,\n");
    free(got);
    unlink(path_in("n.csv"));
}

static void commit_renames_temporary_into_place(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, path_in("c.csv")), 0);
    csvout_str(&o, "x");
    csvout_end_row(&o);
    CU_ASSERT(access(path_in("c.csv"), F_OK) != 0); /* not there until commit */
    CU_ASSERT_EQUAL(count_entries(), 1);            /* only the temporary */
    CU_ASSERT(strncmp(o.tmp_path, path_in("c.csv.tmp."), strlen(path_in("c.csv.tmp."))) == 0);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    CU_ASSERT_EQUAL(count_entries(), 1); /* only the destination */
    char *got = slurp(path_in("c.csv"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, "x\n");
    free(got);

    /* A second commit replaces the file whole. */
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, path_in("c.csv")), 0);
    csvout_str(&o, "y");
    csvout_end_row(&o);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    got = slurp(path_in("c.csv"));
    CU_ASSERT_STRING_EQUAL(got, "y\n");
    free(got);
    CU_ASSERT_EQUAL(count_entries(), 1);
    unlink(path_in("c.csv"));
}

static void abort_leaves_nothing(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, path_in("a.csv")), 0);
    csvout_str(&o, "half");
    csvout_abort(&o);
    csvout_abort(&o); /* harmless twice */
    CU_ASSERT_EQUAL(count_entries(), 0);
}

static void open_in_missing_folder_fails_with_path_and_reason(void)
{
    char *msg = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&msg, &len);
    FILE *old = diag_set_stream(m);
    struct csvout o;
    int rc = csvout_open(&o, path_in("missing/x.csv"));
    diag_set_stream(old == stderr ? NULL : old);
    fclose(m);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NULL(o.f);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, path_in("missing/x.csv")));
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
    {"csvout", make_tmpdir, remove_tmpdir, NULL, NULL, csvout_tests},
    CU_SUITE_INFO_NULL,
};
