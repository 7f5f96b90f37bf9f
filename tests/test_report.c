/* Tests of analysis/report: HTML and JSON escaping, the replay's downsampling, SVG ids made
 * unique, the page's sections and atomic write, the replay's JSON from a small run folder
 * (targets, zones from the scenario and from launch events, health, units, the caps), the
 * event timeline and a CSV as a table. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/report.h"
#include "tests/unit.h"

/* What fn wrote to a memory stream, NUL-terminated (caller frees). */
#define CAPTURE(out, stmt)                                                                 \
    do {                                                                                   \
        size_t len_;                                                                       \
        FILE *f = open_memstream(&(out), &len_);                                           \
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);                                                   \
        stmt;                                                                              \
        fclose(f);                                                                         \
    } while (0)

static void write_text(const char *file, const char *text)
{
    FILE *f = fopen(unit_tmpdir_path(file), "w");
    fputs(text, f);
    fclose(f);
}

static void html_escapes_markup_and_controls(void)
{
    char *s = NULL;
    CAPTURE(s, report_html(f, "<a href=\"x\">Tom & 'Jerry'</a>\x01\n"));
    CU_ASSERT_STRING_EQUAL(s, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; \n");
    free(s);
}

static void json_strings_are_safe_in_a_script(void)
{
    char *s = NULL;
    CAPTURE(s, report_json_string(f, "a\"b\\c</script><!--&\n\t"));
    CU_ASSERT_STRING_EQUAL(s, "\"a\\\"b\\\\c\\u003c/script\\u003e\\u003c!--\\u0026\\u000a\\u0009\"");
    CU_ASSERT_PTR_NULL(strstr(s, "</"));
    free(s);
}

static void json_numbers_nan_is_null(void)
{
    char *s = NULL;
    CAPTURE(s, {
        report_json_number(f, 1.5);
        fputc(' ', f);
        report_json_number(f, (double)NAN);
        fputc(' ', f);
        report_json_number(f, (double)INFINITY);
        fputc(' ', f);
        report_json_number(f, -0.0);
        fputc(' ', f);
        report_json_number(f, 1234567.89);
    });
    CU_ASSERT_STRING_EQUAL(s, "1.5 null null 0 1.23457e+06");
    free(s);
}

static void stride_keeps_at_most_cap_rows_and_the_last(void)
{
    CU_ASSERT_EQUAL(report_stride(10, 600), 1);
    CU_ASSERT_EQUAL(report_stride(600, 600), 1);
    CU_ASSERT_EQUAL(report_stride(601, 600), 2);
    CU_ASSERT_EQUAL(report_stride(7200, 600), 12);
    for (long n = 1; n <= 2000; n += 37) {
        long k = report_stride(n, 100), kept = 0;
        for (long i = 0; i < n; i++)
            kept += report_row_kept(i, n, k);
        /* ceil(n / k) multiples of k, plus the last row when it is not one. */
        CU_ASSERT(kept <= 101);
        CU_ASSERT(report_row_kept(n - 1, n, k));
        CU_ASSERT(report_row_kept(0, n, k));
    }
}

static void svg_ids_get_the_prefix(void)
{
    const char *svg = "<svg><defs><path id='gpPt1' d='M0'/><filter id=\"textbox\"/></defs>"
                      "<use xlink:href='#gpPt1'/><use href=\"#gpPt1\"/>"
                      "<rect style='filter:url(#textbox)' grid='id='/></svg>";
    char *s = NULL;
    CAPTURE(s, report_svg_ids(f, svg, strlen(svg), "fig2-"));
    CU_ASSERT_STRING_EQUAL(s, "<svg><defs><path id='fig2-gpPt1' d='M0'/><filter "
                              "id=\"fig2-textbox\"/></defs><use xlink:href='#fig2-gpPt1'/>"
                              "<use href=\"#fig2-gpPt1\"/><rect style='filter:url(#fig2-"
                              "textbox)' grid='id='/></svg>");
    free(s);
}

static void page_has_sections_in_order_and_is_written_atomically(void)
{
    struct report_page *p = report_page_new("elbsim run: <x>");
    report_page_section(p, "scenario", "The scenario", "<p>one</p>");
    report_page_section(p, "requests", "Narrated requests", "<p>two</p>");
    char *path = unit_tmpdir_path("report.html");
    CU_ASSERT_EQUAL_FATAL(report_page_write(p, path), 0);
    report_page_free(p);
    char *html = unit_slurp(unit_tmpdir_path("report.html"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT(!strncmp(html, "<!DOCTYPE html>", 15));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<title>elbsim run: &lt;x&gt;</title>"));
    const char *a = strstr(html, "<section id=\"scenario\">");
    const char *b = strstr(html, "<section id=\"requests\">");
    CU_ASSERT(a && b && a < b);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<a href=\"#requests\">Narrated requests</a>"));
    CU_ASSERT_PTR_NULL(strstr(html, "<script src"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "window.elbsimReplay"));
    free(html);
    /* Nothing but the page is left beside it. */
    char *out = NULL;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A '%s'", unit_tmpdir());
    unit_run_capture(cmd, &out);
    CU_ASSERT_STRING_EQUAL(out, "report.html\n");
    free(out);
    unlink(unit_tmpdir_path("report.html"));
    /* A folder that does not exist: an error naming the path, nothing written. */
    p = report_page_new("t");
    CU_ASSERT_EQUAL(report_page_write(p, "/nonexistent-elbsim/report.html"), -1);
    report_page_free(p);
}

/* A run folder: 3 rows (t = 1, 2, 3), a static target web/0 and a launched web-asg/2 whose
 * cells are empty until t = 3, an LB, an Auto Scaling group. */
static void write_run(void)
{
    write_text("timeseries_wide.csv",
               "time_s,lb.front.in_flight,target.web/0.utilization,target.web/0.in_flight,"
               "target.web/0.queue_length,target.web/0.completed,target.web-asg/2.utilization,"
               "target.web-asg/2.in_flight,target.web-asg/2.queue_length,asg.web-asg.desired,"
               "asg.web-asg.in_service\n"
               "1,3,0.5,3,1,10,,,,1,0\n"
               "2,4,0.25,2,0,12,,,,1,0\n"
               "3,5,0.75,4,2,11,0.1,1,0,1,1\n");
    write_text("events.csv",
               "time_s,kind,name,detail\n"
               "1.5,scaling,web-asg,\"Launching a new EC2 instance: web-asg/2. Cause: x. "
               "Details: zone b.\"\n"
               "2.5,health,web-asg/2,initial -> healthy after 1 passed check\n"
               "2.75,fault,web/0,crash <starts>\n"
               "2.8,slow_start,web-asg/2,slow start begins\n"
               "2.9,slow_start,web-asg/2,slow start ends: full share\n"
               "2.95,register,web/0,registered with web\n");
}

static void replay_json_holds_targets_zones_health_units(void)
{
    write_run();
    struct report_zone z[1] = {{"web/0", "a"}};
    char *s = NULL;
    int rc;
    CAPTURE(s, rc = report_replay_json(f, unit_tmpdir(), z, 1));
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"rows\":3,\"stride\":1,\"frames\":3,\"targets_total\":2,"
                                     "\"targets_cap\":64,\"interval\":1,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"t\":[1,2,3]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "{\"name\":\"web/0\",\"group\":\"web\",\"zone\":\"a\","
                                     "\"health\":[[2.95,\"initial\"]],\"inflight\":[3,2,4],"
                                     "\"queue\":[1,0,2],\"util\":[0.5,0.25,0.75],"
                                     "\"completed\":[10,12,11]}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "{\"name\":\"web-asg/2\",\"group\":\"web-asg\",\"zone\":"
                                     "\"b\",\"health\":[[2.5,\"healthy\"],[2.8,\"slow start\"],"
                                     "[2.9,\"healthy\"]],\"inflight\":[null,null,1]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"lbs\":[{\"name\":\"front\",\"inflight\":[3,4,5]}]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "{\"name\":\"web-asg\",\"kind\":\"asg\",\"desired\":[1,1,1],"
                                     "\"in_service\":[0,0,1]}"));
    free(s);
}

static void replay_json_downsamples_and_caps_targets(void)
{
    FILE *csv = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s", csv);
    for (int k = 0; k < REPORT_REPLAY_TARGETS + 6; k++)
        fprintf(csv, ",target.t/%d.in_flight", k);
    fputc('\n', csv);
    int rows = 3 * REPORT_REPLAY_FRAMES + 1;
    for (int i = 1; i <= rows; i++) {
        fprintf(csv, "%d", i);
        for (int k = 0; k < REPORT_REPLAY_TARGETS + 6; k++)
            fprintf(csv, ",%d", k);
        fputc('\n', csv);
    }
    fclose(csv);
    unlink(unit_tmpdir_path("events.csv"));
    char *s = NULL;
    int rc;
    CAPTURE(s, rc = report_replay_json(f, unit_tmpdir(), NULL, 0));
    CU_ASSERT_EQUAL(rc, 0);
    char want[160];
    /* step 4 over 1801 rows: rows 0, 4, ..., 1800 (451 of them; the last is a multiple). */
    snprintf(want, sizeof want, "\"rows\":%d,\"stride\":4,\"frames\":451,\"targets_total\":%d,"
             "\"targets_cap\":%d", rows, REPORT_REPLAY_TARGETS + 6, REPORT_REPLAY_TARGETS);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"t\":[1,5,9,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ",1797,1801]"));
    snprintf(want, sizeof want, "\"t/%d\"", REPORT_REPLAY_TARGETS - 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, want));
    snprintf(want, sizeof want, "\"t/%d\"", REPORT_REPLAY_TARGETS);
    CU_ASSERT_PTR_NULL(strstr(s, want));
    free(s);
}

static void replay_json_bad_input(void)
{
    write_text("timeseries_wide.csv", "time_s,target.a/0.in_flight\n");
    char *s = NULL;
    int rc;
    CAPTURE(s, rc = report_replay_json(f, unit_tmpdir(), NULL, 0));
    CU_ASSERT_EQUAL(rc, -1); /* no rows */
    free(s);
    write_run();
    write_text("events.csv", "time_s,kind,name,detail\n1,health,web/0\n");
    CAPTURE(s, rc = report_replay_json(f, unit_tmpdir(), NULL, 0));
    CU_ASSERT_EQUAL(rc, -1); /* a row of 3 fields */
    free(s);
}

static void events_table_links_times_and_escapes(void)
{
    write_run();
    char *s = NULL;
    int rc;
    CAPTURE(s, rc = report_events_table(f, unit_tmpdir()));
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<tr class=\"kind-fault\"><td><a href=\"#replay\" "
                                     "class=\"ev\" data-t=\"2.750000\">2.75 s</a></td>"
                                     "<td>fault</td><td>web/0</td><td>crash &lt;starts&gt;</td>"));
    const char *a = strstr(s, "data-t=\"1.500000\""), *b = strstr(s, "data-t=\"2.500000\"");
    CU_ASSERT(a && b && a < b);
    free(s);
    unlink(unit_tmpdir_path("events.csv"));
    CAPTURE(s, rc = report_events_table(f, unit_tmpdir()));
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(s, "<p>No events.</p>\n");
    free(s);
}

static void csv_table_joins_the_interval(void)
{
    write_text("compare.csv",
               "metric,unit,kind,variant,baseline,reps,mean,sd,ci_low,ci_high,interval,"
               "confidence\n"
               "latency_mean_s,s,mean,rr,,3,0.1232525801,0.01,0.09137662402,0.1551285363,"
               "t_nonneg,0.95\n");
    char *s = NULL;
    int rc;
    CAPTURE(s, rc = report_csv_table(f, unit_tmpdir_path("compare.csv")));
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<th>metric</th><th>unit</th><th>kind</th><th>variant</th>"
                                     "<th>baseline</th><th>reps</th><th>mean</th>"
                                     "<th>interval</th></tr>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<td class=\"num\">0.1233</td><td class=\"num\">"
                                     "[0.09138, 0.1551]</td></tr>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Intervals at confidence 0.95."));
    CU_ASSERT_PTR_NULL(strstr(s, "t_nonneg"));
    free(s);
    write_text("compare.csv", "metric,mean\nx\n");
    CAPTURE(s, rc = report_csv_table(f, unit_tmpdir_path("compare.csv")));
    CU_ASSERT_EQUAL(rc, -1);
    free(s);
}

static CU_TestInfo report_tests[] = {
    {"html_escapes_markup_and_controls", html_escapes_markup_and_controls},
    {"json_strings_are_safe_in_a_script", json_strings_are_safe_in_a_script},
    {"json_numbers_nan_is_null", json_numbers_nan_is_null},
    {"stride_keeps_at_most_cap_rows_and_the_last", stride_keeps_at_most_cap_rows_and_the_last},
    {"svg_ids_get_the_prefix", svg_ids_get_the_prefix},
    {"page_has_sections_in_order_and_is_written_atomically",
     page_has_sections_in_order_and_is_written_atomically},
    {"replay_json_holds_targets_zones_health_units", replay_json_holds_targets_zones_health_units},
    {"replay_json_downsamples_and_caps_targets", replay_json_downsamples_and_caps_targets},
    {"replay_json_bad_input", replay_json_bad_input},
    {"events_table_links_times_and_escapes", events_table_links_times_and_escapes},
    {"csv_table_joins_the_interval", csv_table_joins_the_interval},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_report_suites[] = {
    {"report", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, report_tests},
    CU_SUITE_INFO_NULL,
};
