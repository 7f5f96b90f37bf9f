/* Tests of analysis/csvout: quoting, number formats, atomic commit and abort, errors. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csv.h>

#include "analysis/csvout.h"
#include "tests/unit.h"

static uint64_t rng_state;

/* splitmix64, so that a failure reproduces. */
static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* How csvout wrote numbers with stdio before it had sim/numfmt: the reference. */
static void printf_num(FILE *f, double v)
{
    if (isnan(v))
        return;
    if (v == 0)
        v = 0.0;
    if (v == floor(v) && fabs(v) < 0x1p53)
        fprintf(f, "%.0f", v);
    else
        fprintf(f, "%.10g", v);
}

/* A double as simulation outputs have them, or now and then any bit pattern. */
static double any_number(void)
{
    uint64_t u = next_u64();
    switch (u % 8) {
    case 0: {
        double v;
        memcpy(&v, &u, sizeof v);
        return v; /* NaN and infinities too */
    }
    case 1:
        return (double)(u >> (u % 64)); /* counts */
    case 2:
        return -(double)(u % 100000) / 1000; /* short decimals */
    case 3:
        return (double)(u % 1000) / 8; /* halves, quarters, eighths */
    default:
        return 1e-9 * pow(1e16, (double)(u >> 11) * 0x1p-53);
    }
}

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

/* csvout_num, csvout_num_text and csvout_int write what fprintf wrote, over enough rows that
 * the file is written in many blocks. */
static void numbers_match_the_stdio_formats(void)
{
    rng_state = 11;
    size_t ref_len = 0;
    char *ref = NULL;
    FILE *mem = open_memstream(&ref, &ref_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("r.csv")), 0);
    long bad_text = 0;
    for (int row = 0; row < 20000; row++) {
        for (int k = 0; k < 8; k++) {
            double v = any_number();
            if (k)
                fputc(',', mem);
            long pos = ftell(mem);
            printf_num(mem, v);
            csvout_num(&o, v);
            char text[CSVOUT_NUM_BUF];
            size_t n = csvout_num_text(text, v);
            fflush(mem);
            bad_text += n != (size_t)(ftell(mem) - pos) || memcmp(text, ref + pos, n) != 0;
        }
        long long i = (long long)next_u64() >> (next_u64() % 64);
        fprintf(mem, ",%lld\n", i);
        csvout_int(&o, i);
        csvout_end_row(&o);
    }
    fclose(mem);
    CU_ASSERT_EQUAL(bad_text, 0);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    char *got = unit_slurp(unit_tmpdir_path("r.csv"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT(ref_len > 4 * CSVOUT_BUF_BYTES);
    CU_ASSERT_EQUAL(strlen(got), ref_len);
    CU_ASSERT(strcmp(got, ref) == 0);
    free(got);
    free(ref);
    unlink(unit_tmpdir_path("r.csv"));
}

/* Text fields against libcsv's csv_fwrite (what csvout called before), including fields
 * longer than the block. */
static void text_is_quoted_as_csv_fwrite_quotes_it(void)
{
    static const char alphabet[] = "ab ,\"\r\nx";
    rng_state = 12;
    size_t ref_len = 0;
    char *ref = NULL;
    FILE *mem = open_memstream(&ref, &ref_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mem);
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("t.csv")), 0);
    char *s = malloc(3 * CSVOUT_BUF_BYTES);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    for (int row = 0; row < 3000; row++) {
        for (int k = 0; k < 5; k++) {
            size_t n = next_u64() % 40;
            if (row % 1000 == 999 && k == 2)
                n = CSVOUT_BUF_BYTES + next_u64() % CSVOUT_BUF_BYTES; /* a huge field */
            for (size_t j = 0; j < n; j++)
                s[j] = alphabet[next_u64() % (sizeof alphabet - 1)];
            s[n] = '\0';
            if (k)
                fputc(',', mem);
            if (strpbrk(s, ",\"\r\n"))
                csv_fwrite(mem, s, n);
            else
                fputs(s, mem);
            csvout_str(&o, s);
        }
        fputc('\n', mem);
        csvout_end_row(&o);
    }
    free(s);
    fclose(mem);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    char *got = unit_slurp(unit_tmpdir_path("t.csv"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(strlen(got), ref_len);
    CU_ASSERT(strcmp(got, ref) == 0);
    free(got);
    free(ref);
    unlink(unit_tmpdir_path("t.csv"));
}

/* Raw text and empty fields keep their commas; a row may span blocks. */
static void raw_and_empty_fields_across_blocks(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("w.csv")), 0);
    size_t big = 2 * CSVOUT_BUF_BYTES + 7;
    char *seg = malloc(big);
    CU_ASSERT_PTR_NOT_NULL_FATAL(seg);
    memset(seg, '7', big);
    csvout_empty(&o);
    csvout_raw(&o, "1,2", 3);
    csvout_raw(&o, seg, big);
    csvout_empty(&o);
    csvout_end_row(&o);
    csvout_raw(&o, "", 0);
    csvout_num(&o, 0.5);
    csvout_end_row(&o);
    CU_ASSERT_EQUAL_FATAL(csvout_commit(&o), 0);
    char *got = unit_slurp(unit_tmpdir_path("w.csv"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_EQUAL(strlen(got), 1 + 4 + big + 1 + 1 + 5);
    CU_ASSERT(strncmp(got, ",1,2,777", 8) == 0);
    CU_ASSERT_STRING_EQUAL(got + 5 + big, ",\n,0.5\n");
    free(got);
    free(seg);
    unlink(unit_tmpdir_path("w.csv"));
}

/* csvout_flush puts the pending rows in the temporary, where they can be read back. */
static void flush_makes_rows_readable_before_commit(void)
{
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("f.csv")), 0);
    csvout_num(&o, 1.25);
    csvout_int(&o, 3);
    csvout_end_row(&o);
    CU_ASSERT_EQUAL(csvout_flush(&o), 0);
    char *got = unit_slurp(o.tmp_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, "1.25,3\n");
    free(got);
    csvout_abort(&o);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 0);
}

/* A write that fails (here: beyond RLIMIT_FSIZE, EFBIG) is reported by commit with the
 * path and the reason of the first failure, and leaves no file behind. */
static void write_error_is_reported_with_path_and_reason(void)
{
    struct rlimit old;
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    struct csvout o;
    CU_ASSERT_EQUAL_FATAL(csvout_open(&o, unit_tmpdir_path("e.csv")), 0);
    struct rlimit lim = {CSVOUT_BUF_BYTES, old.rlim_max};
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
    for (int i = 0; i < 100000; i++) {
        csvout_num(&o, i + 0.5);
        csvout_end_row(&o);
    }
    char *tmp = strdup(o.tmp_path);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = csvout_commit(&o);
    char *msg = unit_diag_capture_end(&cap);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NULL(o.f);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, tmp));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, strerror(EFBIG)));
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 0);
    free(msg);
    free(tmp);
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
    {"numbers_match_the_stdio_formats", numbers_match_the_stdio_formats},
    {"text_is_quoted_as_csv_fwrite_quotes_it", text_is_quoted_as_csv_fwrite_quotes_it},
    {"raw_and_empty_fields_across_blocks", raw_and_empty_fields_across_blocks},
    {"flush_makes_rows_readable_before_commit", flush_makes_rows_readable_before_commit},
    {"write_error_is_reported_with_path_and_reason",
     write_error_is_reported_with_path_and_reason},
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
