/* Tests of sim/csvin: the CSV reader every input file goes through.  Each test writes its
 * file's exact bytes (byte-order marks, CR, missing last line ends, NUL) into the suite's
 * scratch folder, reads it back, and checks records, line numbers and messages. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/csvin.h"
#include "sim/diag.h"
#include "sim/xalloc.h"
#include "tests/unit.h"

/* Write n bytes to a scratch file; returns its path (valid until the next put). */
static const char *put(const char *name, const char *bytes, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s", unit_tmpdir_path(name));
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(bytes, 1, n, f), n);
    CU_ASSERT_EQUAL(fclose(f), 0);
    return path;
}
#define PUT(name, lit) put(name, lit, sizeof lit - 1)

/* Every record of a file: its line and its fields joined by '|'. */
struct got {
    size_t n;
    int line[16];
    size_t nfields[16];
    char text[16][256];
    int rc;            /* csvin_read's result */
    char *msg;         /* what diag printed meanwhile (caller frees) */
    unsigned errors;   /* errors reported */
    unsigned env;      /* environment errors among them */
};

static int collect(void *ctx, const struct csvin_row *row)
{
    struct got *g = ctx;
    CU_ASSERT_EQUAL(row->record, g->n);
    if (g->n == 16)
        return 0;
    g->line[g->n] = row->line;
    g->nfields[g->n] = row->nfields;
    size_t used = 0;
    for (size_t i = 0; i < row->nfields; i++)
        used += (size_t)snprintf(g->text[g->n] + used, sizeof g->text[0] - used, "%s%s",
                                 i ? "|" : "", row->fields[i]);
    g->n++;
    return 0;
}

static void read_file(const char *path, struct got *g)
{
    memset(g, 0, sizeof *g);
    struct unit_diag_capture cap;
    unsigned env0 = diag_env_error_count();
    unit_diag_capture_start(&cap);
    g->rc = csvin_read(path, NULL, collect, g);
    g->msg = unit_diag_capture_end(&cap);
    g->errors = cap.errors;
    g->env = diag_env_error_count() - env0;
}

static void expect_in(const char *msg, const char *want)
{
    bool ok = strstr(msg, want) != NULL;
    CU_ASSERT_TRUE(ok);
    if (!ok)
        fprintf(stderr, "\n  wanted '%s' in:\n%s", want, msg);
}

/* A reader positioned on the record-th record (0-based) of path, and that record. */
static struct csvin *open_at(const char *path, size_t record, const struct csvin_row **row)
{
    struct csvin *in = NULL;
    CU_ASSERT_EQUAL_FATAL(csvin_open(path, NULL, &in), 0);
    for (size_t i = 0; i <= record; i++)
        CU_ASSERT_EQUAL_FATAL(csvin_next(in, row), 1);
    return in;
}

/* The message csvin_error prints for field i of that record (caller frees). */
static char *field_error(const char *path, size_t record, size_t i, const char *what)
{
    const struct csvin_row *row;
    struct csvin *in = open_at(path, record, &row);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(csvin_error(row, i, "bad %s '%s'", what, csvin_value(row, i)),
                    CSVIN_ERR_INPUT);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(cap.errors, 1);
    csvin_close(in);
    return msg;
}

static void bom_crlf_cr_and_blank_lines_are_accepted(void)
{
    struct got g;
    read_file(PUT("a.csv", "\xEF\xBB\xBFtime_s,load\r\n\r\n1,2\r\n   \r\n\t\n3 , \"4\"\r\n"), &g);
    CU_ASSERT_EQUAL(g.rc, 0);
    CU_ASSERT_EQUAL(g.errors, 0);
    CU_ASSERT_EQUAL_FATAL(g.n, 3);
    CU_ASSERT_STRING_EQUAL(g.text[0], "time_s|load"); /* no BOM in the first name */
    CU_ASSERT_STRING_EQUAL(g.text[1], "1|2");
    CU_ASSERT_STRING_EQUAL(g.text[2], "3|4");
    CU_ASSERT_EQUAL(g.line[0], 1);
    CU_ASSERT_EQUAL(g.line[1], 3);
    CU_ASSERT_EQUAL(g.line[2], 6);
    free(g.msg);
    /* Old Mac line ends, and a CR LF pair split by the 64 KiB read buffer. */
    read_file(PUT("cr.csv", "a\rb\r\rc"), &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 3);
    CU_ASSERT_EQUAL(g.line[2], 4);
    CU_ASSERT_STRING_EQUAL(g.text[2], "c");
    free(g.msg);
    size_t n = 65535 + 4;
    char *big = xmalloc(n);
    memset(big, 'a', 65535);
    memcpy(big + 65535, "\r\nb\n", 4);
    read_file(put("split.csv", big, n), &g);
    free(big);
    CU_ASSERT_EQUAL_FATAL(g.n, 2);
    CU_ASSERT_EQUAL(g.line[1], 2);
    CU_ASSERT_STRING_EQUAL(g.text[1], "b");
    free(g.msg);
    /* The first line's columns count from after the byte-order mark. */
    char *msg = field_error(PUT("bomcol.csv", "\xEF\xBB\xBFtime_s,lod\n"), 0, 1, "column");
    expect_in(msg, "bomcol.csv:1:8: error: bad column 'lod'\n    time_s,lod\n           ^~~\n");
    free(msg);
}

static void quoted_line_breaks_keep_later_line_numbers(void)
{
    struct got g;
    const char *path = PUT("q.csv", "h1,h2\n\"x\r\ny\",1\n2,\"p\n\nq\"\n3,4\n");
    read_file(path, &g);
    CU_ASSERT_EQUAL(g.rc, 0);
    CU_ASSERT_EQUAL_FATAL(g.n, 4);
    CU_ASSERT_STRING_EQUAL(g.text[1], "x\ny|1"); /* the quoted CRLF arrives as "\n" */
    CU_ASSERT_STRING_EQUAL(g.text[2], "2|p\n\nq");
    CU_ASSERT_EQUAL(g.line[1], 2);
    CU_ASSERT_EQUAL(g.line[2], 4);
    CU_ASSERT_EQUAL(g.line[3], 7);
    free(g.msg);
    char *msg = field_error(path, 3, 1, "value");
    expect_in(msg, "q.csv:7:3: error: bad value '4'\n    3,4\n      ^\n");
    free(msg);
    /* A field after a quoted line break: its own line and column, that line echoed. */
    path = PUT("q2.csv", "a,b,c\n1,\"two\nlines\",bad\n");
    msg = field_error(path, 1, 2, "value");
    expect_in(msg, "q2.csv:3:8: error: bad value 'bad'\n    lines\",bad\n           ^~~\n");
    free(msg);
    msg = field_error(path, 1, 1, "value"); /* the quoted field starts on line 2 */
    expect_in(msg, "q2.csv:2:3: error: bad value 'two\nlines'\n    1,\"two\n      ^~~~\n");
    free(msg);
    /* Doubled quotes inside quotes, blanks inside quotes kept. */
    read_file(PUT("qq.csv", "\"say \"\"hi\"\"\",\" padded \"\n"), &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 1);
    CU_ASSERT_STRING_EQUAL(g.text[0], "say \"hi\"| padded ");
    free(g.msg);
}

static void last_line_without_line_end_is_a_record(void)
{
    struct got g;
    read_file(PUT("last.csv", "a,b\n1,2"), &g);
    CU_ASSERT_EQUAL(g.rc, 0);
    CU_ASSERT_EQUAL_FATAL(g.n, 2);
    CU_ASSERT_EQUAL(g.line[1], 2);
    CU_ASSERT_STRING_EQUAL(g.text[1], "1|2");
    free(g.msg);
    read_file(PUT("lastq.csv", "a\n\"x\""), &g);
    CU_ASSERT_EQUAL_FATAL(g.n, 2);
    CU_ASSERT_STRING_EQUAL(g.text[1], "x");
    free(g.msg);
}

static void empty_and_header_only_files(void)
{
    static const struct {
        const char *name, *bytes;
        size_t n, records;
    } c[] = {
        {"empty.csv", "", 0, 0},
        {"bom.csv", "\xEF\xBB\xBF", 3, 0},
        {"blank.csv", "\n  \r\n\t\n", 7, 0},
        {"header.csv", "time_s,load\n", 12, 1},
        {"header_noeol.csv", "time_s,load", 11, 1},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        const char *path = put(c[i].name, c[i].bytes, c[i].n);
        struct csvin *in;
        CU_ASSERT_EQUAL_FATAL(csvin_open(path, NULL, &in), 0);
        const struct csvin_row *row;
        for (size_t r = 0; r < c[i].records; r++)
            CU_ASSERT_EQUAL(csvin_next(in, &row), 1);
        CU_ASSERT_EQUAL(csvin_next(in, &row), 0);
        CU_ASSERT_EQUAL(csvin_next(in, &row), 0); /* and it stays at the end */
        csvin_close(in);
    }
}

static const struct csvin_column cols[] = {
    {"time_s", true}, {"load", true}, {"extra", false}, {"note", false}};
static const struct csvin_header hdr = {cols, 4, "unknown test column",
                                        "expected time_s,load", NULL};

static char *header_error(const char *path, const struct csvin_header *h)
{
    const struct csvin_row *row;
    struct csvin *in = open_at(path, 0, &row);
    size_t col[4];
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(csvin_header_read(row, h, col), CSVIN_ERR_INPUT);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(cap.errors, 1);
    csvin_close(in);
    return msg;
}

static void header_finds_columns_by_name(void)
{
    const struct csvin_row *row;
    struct csvin *in = open_at(PUT("h.csv", "load , time_s,extra\n"), 0, &row);
    size_t col[4];
    CU_ASSERT_EQUAL(csvin_header_read(row, &hdr, col), 0);
    CU_ASSERT_EQUAL(col[0], 1);
    CU_ASSERT_EQUAL(col[1], 0);
    CU_ASSERT_EQUAL(col[2], 2);
    CU_ASSERT_EQUAL(col[3], CSVIN_ABSENT);
    csvin_close(in);

    char *msg = header_error(PUT("h1.csv", "time_s,lod\n"), &hdr);
    expect_in(msg, "h1.csv:1:8: error: unknown test column 'lod'; expected time_s,load\n"
                   "    time_s,lod\n           ^~~\n");
    free(msg);
    msg = header_error(PUT("h2.csv", "time_s,load,time_s\n"), &hdr);
    expect_in(msg, "h2.csv:1:13: error: column 'time_s' appears twice\n");
    free(msg);
    msg = header_error(PUT("h3.csv", "load,extra\n"), &hdr);
    expect_in(msg, "h3.csv:1:1: error: the header has no time_s column; expected time_s,load\n");
    free(msg);
    const struct csvin_header own = {cols, 4, "unknown column", "x", "a test file has time_s"};
    msg = header_error(PUT("h4.csv", "load\n"), &own);
    expect_in(msg, "h4.csv:1:1: error: a test file has time_s\n    load\n    ^~~~\n");
    free(msg);
}

static void rows_must_match_the_header_width(void)
{
    const char *path = PUT("w.csv", "a,b\n1\n1,2,3\n1,2\n");
    const struct csvin_row *row;
    struct csvin *in = open_at(path, 1, &row);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(csvin_check_width(row, 2), CSVIN_ERR_INPUT);
    CU_ASSERT_EQUAL(csvin_next(in, &row), 1);
    CU_ASSERT_EQUAL(csvin_check_width(row, 2), CSVIN_ERR_INPUT);
    CU_ASSERT_EQUAL(csvin_next(in, &row), 1);
    CU_ASSERT_EQUAL(csvin_check_width(row, 2), 0);
    char *msg = unit_diag_capture_end(&cap);
    expect_in(msg, "w.csv:2:1: error: row has 1 fields, the header has 2\n");
    expect_in(msg, "w.csv:3:5: error: row has 3 fields, the header has 2\n    1,2,3\n        ^\n");
    CU_ASSERT_EQUAL(cap.errors, 2);
    free(msg);
    csvin_close(in);
}

/* Longest line of msg. */
static size_t longest_line(const char *msg)
{
    size_t best = 0;
    for (const char *p = msg; *p;) {
        size_t n = strcspn(p, "\n");
        if (n > best)
            best = n;
        p += n + (p[n] == '\n');
    }
    return best;
}

static void long_fields_are_shown_as_bounded_excerpts(void)
{
    size_t n = 2 + 5000 + 3;
    char *text = xmalloc(n + 1);
    memcpy(text, "1,", 2);
    memset(text + 2, 'x', 5000);
    memcpy(text + 5002, ",2\n", 3);
    char *msg = field_error(put("long.csv", text, n), 0, 1, "value");
    char want[128] = "long.csv:1:3: error: bad value '";
    memset(want + strlen(want), 'x', CSVIN_EXCERPT_BYTES);
    strcpy(want + strlen("long.csv:1:3: error: bad value '") + CSVIN_EXCERPT_BYTES, "...'");
    expect_in(msg, want);
    CU_ASSERT(longest_line(msg) < 200);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "\n    1,xxxx"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "\n      ^~~~"));
    free(msg);

    /* A short field far along a long line: context either side, the column true. */
    memset(text, 'y', 3000);
    memcpy(text + 3000, ",bad,", 5);
    memset(text + 3005, 'z', 1000);
    text[4005] = '\n';
    msg = field_error(put("far.csv", text, 4006), 0, 1, "value");
    expect_in(msg, "far.csv:1:3002: error: bad value 'bad'\n    ...yyyy");
    expect_in(msg, "yyy,bad,zzz");
    CU_ASSERT(longest_line(msg) < 200);
    const char *echo = strstr(msg, "\n    ...");
    const char *caret = echo ? strstr(echo + 1, "\n") : NULL;
    /* The caret sits under "bad" in the excerpt. */
    if (echo && caret)
        CU_ASSERT_EQUAL(strstr(echo, ",bad,") + 1 - echo, strstr(caret, "^~~") - caret);
    free(msg);
    free(text);

    /* The quoted excerpt is cut between UTF-8 characters. */
    char utf[1 + 200 + 2] = "a";
    for (int i = 0; i < 100; i++)
        memcpy(utf + 1 + 2 * i, "\xC3\xA9", 2);
    memcpy(utf + 201, "\n", 2);
    const struct csvin_row *row;
    struct csvin *in = open_at(put("utf.csv", utf, 202), 0, &row);
    const char *v = csvin_value(row, 0);
    CU_ASSERT_EQUAL(strlen(v), 79 + 3);
    CU_ASSERT_EQUAL(strncmp(v + 77, "\xC3\xA9...", 5), 0);
    csvin_close(in);
}

static void oversized_records_and_unclosed_quotes_are_bad_input(void)
{
    size_t n = CSVIN_MAX_RECORD_BYTES + 100;
    char *text = xmalloc(n);
    memset(text, '7', n);
    struct got g;
    read_file(put("huge.csv", text, n), &g);
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_INPUT);
    CU_ASSERT_EQUAL(g.env, 0);
    expect_in(g.msg, "huge.csv:1:1048576: error: the line is longer than 1048576 bytes");
    CU_ASSERT(strlen(g.msg) < 300);
    free(g.msg);
    /* An unclosed quote early in a big file: the record's bound stops it. */
    memcpy(text, "a\n\"x\n", 5);
    for (size_t i = 5; i + 1 < n; i += 2)
        memcpy(text + i, "1\n", 2);
    read_file(put("unclosed_big.csv", text, n), &g);
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_INPUT);
    expect_in(g.msg, "error: the record from line 2 is longer than 1048576 bytes; is a quoted "
                     "field not closed?");
    free(g.msg);
    free(text);

    read_file(PUT("unclosed.csv", "a,b\n1, \"x,\n2\n"), &g);
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_INPUT);
    CU_ASSERT_EQUAL(g.n, 1);
    expect_in(g.msg, "unclosed.csv:2:4: error: malformed CSV: a quoted field is not closed "
                     "before the end of the file\n    1, \"x,\n       ^\n");
    free(g.msg);
}

static void malformed_csv_names_line_and_column(void)
{
    struct got g;
    read_file(PUT("m1.csv", "a,b\n1,\"2\"x\n"), &g);
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_INPUT);
    CU_ASSERT_EQUAL(g.errors, 1);
    expect_in(g.msg, "m1.csv:2:6: error: malformed CSV (");
    expect_in(g.msg, "double the quotes inside it\n    1,\"2\"x\n         ^\n");
    free(g.msg);
    read_file(PUT("m2.csv", "a,b\n\n\nab\"c,1\n"), &g);
    expect_in(g.msg, "m2.csv:4:3: error: malformed CSV (");
    free(g.msg);
    read_file(PUT("nul.csv", "a\nb\0c\n"), &g);
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_INPUT);
    expect_in(g.msg, "nul.csv:2:2: error: a NUL byte; expected text (is this a CSV file?)\n"
                     "    b c\n     ^\n");
    free(g.msg);
}

static void io_failures_are_reported_as_environment_errors(void)
{
    struct got g;
    read_file(unit_tmpdir_path("no_such.csv"), &g);
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_IO);
    CU_ASSERT_EQUAL(g.errors, 1);
    CU_ASSERT_EQUAL(g.env, 1);
    expect_in(g.msg, "elbsim: error: cannot open '");
    expect_in(g.msg, "no_such.csv': No such file or directory\n");
    free(g.msg);

    read_file(unit_tmpdir(), &g); /* a directory */
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_IO);
    CU_ASSERT_EQUAL(g.env, 1);
    expect_in(g.msg, "': Is a directory\n");
    free(g.msg);

    /* Named in a scenario: the message points at the name. */
    struct loc base = {"s.yaml", 3, 10};
    struct csvin_origin o = {&base, "trace(nope.csv)", 6, 8};
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    struct csvin *in = NULL;
    CU_ASSERT_EQUAL(csvin_open("nope.csv", &o, &in), CSVIN_ERR_IO);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NULL(in);
    expect_in(msg, "s.yaml:3:16: error: cannot open 'nope.csv': No such file or directory\n"
                   "    trace(nope.csv)\n          ^~~~~~~~\n");
    free(msg);

    /* A read that fails after the open: /proc/self/mem has nothing mapped at offset 0. */
    if (access("/proc/self/mem", R_OK) == 0) {
        read_file("/proc/self/mem", &g);
        CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_IO);
        CU_ASSERT_EQUAL(g.env, 1);
        expect_in(g.msg, "cannot read '/proc/self/mem': ");
        free(g.msg);
    }
    /* Permissions do not stop root. */
    if (geteuid() != 0) {
        const char *path = PUT("secret.csv", "a\n1\n");
        CU_ASSERT_EQUAL(chmod(path, 0), 0);
        read_file(path, &g);
        CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_IO);
        expect_in(g.msg, "Permission denied");
        free(g.msg);
    }
    /* Bad content is not an environment error. */
    read_file(PUT("bad.csv", "a\n\"x\"y\n"), &g);
    CU_ASSERT_EQUAL(g.rc, CSVIN_ERR_INPUT);
    CU_ASSERT_EQUAL(g.env, 0);
    free(g.msg);
}

static int stop_at_second(void *ctx, const struct csvin_row *row)
{
    (*(int *)ctx)++;
    return row->record == 1 ? -7 : 0;
}

static void callback_code_stops_the_reading(void)
{
    int calls = 0;
    CU_ASSERT_EQUAL(csvin_read(PUT("s.csv", "a\n1\n2\n3\n"), NULL, stop_at_second, &calls), -7);
    CU_ASSERT_EQUAL(calls, 2);
}

static void numbers_are_plain_decimals(void)
{
    double v = 0;
    CU_ASSERT_TRUE(csvin_number("1.5", &v));
    CU_ASSERT_EQUAL(v, 1.5);
    CU_ASSERT_TRUE(csvin_number("-2e3", &v));
    CU_ASSERT_EQUAL(v, -2000);
    static const char *const bad[] = {"", "0x10", "inf", "nan", "1e999", "1 ", "1s", "--1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_FALSE(csvin_number(bad[i], &v));
}

static CU_TestInfo csvin_tests[] = {
    {"bom_crlf_cr_and_blank_lines_are_accepted", bom_crlf_cr_and_blank_lines_are_accepted},
    {"quoted_line_breaks_keep_later_line_numbers", quoted_line_breaks_keep_later_line_numbers},
    {"last_line_without_line_end_is_a_record", last_line_without_line_end_is_a_record},
    {"empty_and_header_only_files", empty_and_header_only_files},
    {"header_finds_columns_by_name", header_finds_columns_by_name},
    {"rows_must_match_the_header_width", rows_must_match_the_header_width},
    {"long_fields_are_shown_as_bounded_excerpts", long_fields_are_shown_as_bounded_excerpts},
    {"oversized_records_and_unclosed_quotes_are_bad_input",
     oversized_records_and_unclosed_quotes_are_bad_input},
    {"malformed_csv_names_line_and_column", malformed_csv_names_line_and_column},
    {"io_failures_are_reported_as_environment_errors",
     io_failures_are_reported_as_environment_errors},
    {"callback_code_stops_the_reading", callback_code_stops_the_reading},
    {"numbers_are_plain_decimals", numbers_are_plain_decimals},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_csvin_suites[] = {
    {"csvin", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, csvin_tests},
    CU_SUITE_INFO_NULL,
};
