/* Tests of the ALB access-log writer (sim/cli/access_log) and reader (models/traffic/alb_log)
 * against entries written from AWS's documented field list and examples
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html). */
#include <math.h>
#include <string.h>

#include "models/traffic/alb_log.h"
#include "sim/cli/access_log.h"
#include "tests/unit.h"

/* AWS's example HTTP entry, with the fields elbsim does not know as "-" (user agent). */
static const char aws_http[] =
    "http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 "
    "192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
    "\"GET http://www.example.com:80/ HTTP/1.1\" \"-\" - - "
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
    "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2018-07-02T22:22:48.364000Z "
    "\"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1234abcd5678ef90\n";

static void test_format_aws_example(void)
{
    struct alb_log_entry e = {
        .type = "http",
        .time_s = 1530570180.186641,
        .elb = "app/my-loadbalancer/50dc6c495c0c9188",
        .client = "192.168.131.39:2817",
        .target = "10.0.0.1:80",
        .request_processing_s = 0.0,
        .target_processing_s = 0.001,
        .response_processing_s = 0.0,
        .elb_status = 200,
        .target_status = 200,
        .received_bytes = 34,
        .sent_bytes = 366,
        .request = "GET http://www.example.com:80/ HTTP/1.1",
        .target_group_arn = "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/"
                            "my-targets/73e2d6bc24d8a067",
        .trace_id = "Root=1-58337262-36d228ad5d99923122bbe354",
        .rule_priority = 0,
        .creation_s = 1530570168.364,
        .actions = "forward",
        .conn_trace_id = "TID_1234abcd5678ef90",
    };
    char buf[2048];
    int k = access_log_format_alb(buf, sizeof buf, &e);
    CU_ASSERT_EQUAL(k, (int)strlen(aws_http));
    CU_ASSERT_STRING_EQUAL(buf, aws_http);
    /* Too small a buffer: -1, never a cut line. */
    CU_ASSERT_EQUAL(access_log_format_alb(buf, 100, &e), -1);
}

static void test_format_not_dispatched(void)
{
    /* A 503 (no healthy target): no target, -1 processing times, "-" codes and lists. */
    struct alb_log_entry e = {
        .type = "http", .time_s = 0.5, .elb = "app/a/0", .client = "1.2.3.4:5",
        .request_processing_s = -1, .target_processing_s = -1, .response_processing_s = -1,
        .elb_status = 503, .request = "GET http://h:80/ HTTP/1.1", .rule_priority = -2,
        .creation_s = 0.25, .actions = "forward",
    };
    char buf[2048];
    CU_ASSERT(access_log_format_alb(buf, sizeof buf, &e) > 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "1.2.3.4:5 - -1 -1 -1 503 - 0 0 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"-\" \"-\" - 1970-01-01T00:00:00.250000Z"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"forward\" \"-\" \"-\" \"-\" \"-\" \"-\" \"-\" -\n"));
}

static void test_time_format(void)
{
    char b[40];
    access_log_time(1530570180.186641, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "2018-07-02T22:23:00.186641Z");
    access_log_time(1767571199.9999996, b, sizeof b); /* rounds up into the next second */
    CU_ASSERT_STRING_EQUAL(b, "2026-01-05T00:00:00.000000Z");
}

static void test_parse_aws_example(void)
{
    char line[2048];
    snprintf(line, sizeof line, "%s", aws_http);
    struct alb_log_line l;
    char why[200];
    int field = -1;
    CU_ASSERT_EQUAL_FATAL(alb_log_parse(line, &l, why, sizeof why, &field), 0);
    CU_ASSERT_DOUBLE_EQUAL(l.creation_s, 1530570168.364, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(l.time_s, 1530570180.186641, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(l.target_processing_s, 0.001, 1e-12);
    CU_ASSERT_EQUAL(l.elb_status, 200);
    CU_ASSERT_EQUAL(l.target_status, 200);
    CU_ASSERT_EQUAL(l.rule_priority, 0);
    CU_ASSERT_STRING_EQUAL(l.path, "/");
    CU_ASSERT_STRING_EQUAL(l.target_group, "my-targets");
}

/* An entry as AWS writes one for HTTP/2 with a query, a user agent holding an escaped quote
 * and fields appended after conn_trace_id (AWS adds new fields at the end). */
static void test_parse_variants(void)
{
    char line[2048];
    snprintf(line, sizeof line,
             "h2 2026-01-05T00:01:02.000001Z app/lb/1 10.0.0.9:443 10.0.1.2:8080 0.001 0.250 "
             "0.000 200 200 100 2000 \"GET https://shop.example.com:443/api/cart?id=7 "
             "HTTP/2.0\" \"Mozilla \\\"x\\\" 5.0\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
             "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/1 "
             "\"Root=1-1-2\" \"shop.example.com\" \"arn:aws:acm:x\" 3 "
             "2026-01-05T01:01:01.750000+01:00 \"waf,forward\" \"-\" \"-\" \"10.0.1.2:8080\" "
             "\"200\" \"-\" \"-\" TID_1 \"-\" \"-\" \"-\"");
    struct alb_log_line l;
    char why[200];
    int field;
    CU_ASSERT_EQUAL_FATAL(alb_log_parse(line, &l, why, sizeof why, &field), 0);
    CU_ASSERT_STRING_EQUAL(l.path, "/api/cart");
    CU_ASSERT_EQUAL(l.rule_priority, 3);
    CU_ASSERT_DOUBLE_EQUAL(l.creation_s - l.time_s, -0.250001, 1e-6); /* +01:00 applied */
    CU_ASSERT_DOUBLE_EQUAL(l.target_processing_s, 0.25, 1e-12);
    /* A malformed request: "- - - ", no path; -1 times. */
    snprintf(line, sizeof line,
             "http 2026-01-05T00:00:00.000000Z app/lb/1 1.2.3.4:5 - -1 -1 -1 400 - 0 0 "
             "\"- - - \" \"-\" - - - \"-\" \"-\" \"-\" - 2026-01-05T00:00:00.000000Z \"-\" "
             "\"-\" \"-\" \"-\" \"-\" \"-\" \"-\" -");
    CU_ASSERT_EQUAL_FATAL(alb_log_parse(line, &l, why, sizeof why, &field), 0);
    CU_ASSERT_STRING_EQUAL(l.path, "");
    CU_ASSERT_EQUAL(l.target_processing_s, -1);
    CU_ASSERT_EQUAL(l.target_status, 0);
    CU_ASSERT_EQUAL(l.rule_priority, -2);
}

static void expect_bad(const char *text, int want_field, const char *want)
{
    char line[2048], why[200];
    snprintf(line, sizeof line, "%s", text);
    struct alb_log_line l;
    int field = -1;
    CU_ASSERT_EQUAL(alb_log_parse(line, &l, why, sizeof why, &field), -1);
    CU_ASSERT_EQUAL(field, want_field);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, want));
    if (field != want_field || !strstr(why, want))
        fprintf(stderr, "\n  got field %d: %s\n", field, why);
}

static void test_parse_malformed(void)
{
    char good[2048];
    snprintf(good, sizeof good, "%s", aws_http);
    good[strlen(good) - 1] = '\0';
    /* Truncated: cut before request_creation_time. */
    char cut[2048];
    snprintf(cut, sizeof cut, "%.*s", (int)(strstr(good, " 0 2018-07-02T22:22") - good), good);
    expect_bad(cut, 0, "20 fields, expected at least 22");
    expect_bad("", 0, "0 fields");
    /* Cut inside a quoted string. */
    snprintf(cut, sizeof cut, "%.*s", (int)(strstr(good, "HTTP/1.1") - good), good);
    expect_bad(cut, 13, "unterminated quoted string");
    /* Fields reordered: time and type swapped. */
    char sw[2048];
    snprintf(sw, sizeof sw, "2018-07-02T22:23:00.186641Z http%s",
             good + strlen("http 2018-07-02T22:23:00.186641Z"));
    expect_bad(sw, 1, "type '2018-07-02T22:23:00.186641Z'");
    char bad[2048];
    snprintf(bad, sizeof bad, "%s", good);
    memcpy(strstr(bad, " 200 200 ") + 1, "2x0", 3);
    expect_bad(bad, 9, "elb_status_code '2x0'");
    snprintf(bad, sizeof bad, "%s", good);
    memcpy(strstr(bad, "0.001"), "abcde", 5);
    expect_bad(bad, 7, "target_processing_time 'abcde'");
    snprintf(bad, sizeof bad, "%s", good);
    memcpy(strstr(bad, "22:22:48"), "25", 2);
    expect_bad(bad, 22, "request_creation_time");
    snprintf(bad, sizeof bad, "%s", good);
    memcpy(strstr(bad, "http://"), "http:/x", 7);
    expect_bad(bad, 13, "is not METHOD scheme://host:port/path VERSION");
}

/* AWS's example NLB entry (TLS listener without an ALPN policy, "Access logs for your
 * Network Load Balancer"), with tls_connection_creation_time at the end and the fields
 * elbsim does not model as "-" (handshake time, certificate, cipher, protocol). */
static const char aws_nlb[] =
    "tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 "
    "g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 - 98 246 - - - - - - "
    "my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com - - - "
    "2018-12-20T02:59:39\n";

static void test_format_nlb(void)
{
    struct nlb_log_entry e = {
        .time_s = 1545274780.4,
        .elb = "net/my-network-loadbalancer/c6e77e28c25b2234",
        .listener = "g3d4b5e8bb8464cd",
        .client = "72.21.218.154:51341",
        .destination = "172.100.100.185:443",
        .connection_s = 0.0051,
        .tls_handshake_s = -1,
        .received_bytes = 98,
        .sent_bytes = 246,
        .domain_name = "my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com",
        .creation_s = 1545274779.9,
    };
    char buf[1024];
    int k = access_log_format_nlb(buf, sizeof buf, &e);
    CU_ASSERT_EQUAL(k, (int)strlen(aws_nlb));
    CU_ASSERT_STRING_EQUAL(buf, aws_nlb);
    /* 22 space-separated fields, type and version first. */
    int fields = 1;
    for (const char *c = buf; *c && *c != '\n'; c++)
        fields += *c == ' ';
    CU_ASSERT_EQUAL(fields, 22);
    /* The handshake time when known, whole milliseconds; SNI URL-encoded; no SNI: "-". */
    e.tls_handshake_s = 0.0024;
    e.domain_name = "a b.example";
    access_log_format_nlb(buf, sizeof buf, &e);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, " 5 2 98 246 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, " a%20b.example "));
    e.domain_name = NULL;
    access_log_format_nlb(buf, sizeof buf, &e);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, " - - - - - - - - - 2018-12-20T02:59:39\n"));
    CU_ASSERT_EQUAL(access_log_format_nlb(buf, 60, &e), -1);
}

static CU_TestInfo access_log_tests[] = {
    {"format: AWS's example entry", test_format_aws_example},
    {"format: a request never dispatched", test_format_not_dispatched},
    {"format: ISO 8601 with microseconds", test_time_format},
    {"format: AWS's NLB TLS example entry, 22 fields", test_format_nlb},
    {"parse: AWS's example entry", test_parse_aws_example},
    {"parse: h2, query, escaped quotes, new fields, - - -", test_parse_variants},
    {"parse: truncated, reordered, malformed", test_parse_malformed},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_access_log_suites[] = {
    {"access_log", NULL, NULL, NULL, NULL, access_log_tests},
    CU_SUITE_INFO_NULL,
};
