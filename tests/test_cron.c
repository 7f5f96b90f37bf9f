/* cron: 5-field expressions, next firing in simulated seconds, zones, date-times. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/scaling/cron.h"
#include "tests/unit.h"

static const struct cron_clock utc = {CRON_EPOCH_DEFAULT, 0};
#define DAY 86400.0

static struct cron parse_ok(const char *text)
{
    struct cron c;
    memset(&c, 0, sizeof c);
    struct loc l = {"t.yaml", 1, 1};
    CU_ASSERT_EQUAL(cron_parse(text, &l, &c), 0);
    return c;
}

/* The message of a failing parse (caller frees). */
static char *parse_err(const char *text)
{
    struct cron c;
    struct loc l = {"c.yaml", 3, 17};
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = cron_parse(text, &l, &c);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_EQUAL(cap.errors, 1);
    return msg;
}

static void friday_at_17_fires_on_day_four(void)
{
    struct cron c = parse_ok("0 17 * * FRI");
    /* t = 0 is Monday 2026-01-05 00:00 UTC. */
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 0), 4 * DAY + 17 * 3600);
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 4 * DAY + 17 * 3600), 4 * DAY + 17 * 3600);
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 4 * DAY + 17 * 3600 + 1), 11 * DAY + 17 * 3600);
    struct cron lower = parse_ok("0 17 * * fri");
    CU_ASSERT_EQUAL(cron_next(&lower, &utc, 0), 4 * DAY + 17 * 3600);
    struct cron five = parse_ok("0 17 * * 5");
    CU_ASSERT_EQUAL(cron_next(&five, &utc, 0), 4 * DAY + 17 * 3600);
}

static void lists_ranges_and_steps(void)
{
    struct cron c = parse_ok("*/15 * * * *");
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 0), 0);
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 0.5), 900);
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 901), 1800);
    struct cron r = parse_ok("10-20/5,45 9 * * MON-FRI");
    CU_ASSERT_EQUAL(cron_next(&r, &utc, 0), 9 * 3600 + 600);
    CU_ASSERT_EQUAL(cron_next(&r, &utc, 9 * 3600 + 601), 9 * 3600 + 900);
    CU_ASSERT_EQUAL(cron_next(&r, &utc, 9 * 3600 + 1201), 9 * 3600 + 2700);
    /* Saturday and Sunday are skipped: Friday 09:45 → Monday 09:10. */
    CU_ASSERT_EQUAL(cron_next(&r, &utc, 4 * DAY + 9 * 3600 + 2701), 7 * DAY + 9 * 3600 + 600);
    struct cron a = parse_ok("30/10 0 * * *"); /* 30-59/10 */
    CU_ASSERT_EQUAL(cron_next(&a, &utc, 1801), 2400);
    struct cron sun = parse_ok("0 0 * * 7");
    CU_ASSERT_EQUAL(cron_next(&sun, &utc, 0), 6 * DAY);
    struct cron jan = parse_ok("0 0 1 FEB *");
    CU_ASSERT_EQUAL(cron_next(&jan, &utc, 0), 27 * DAY);
}

static void day_of_month_or_day_of_week_when_both_restricted(void)
{
    /* Vixie cron: the 13th OR any Friday. */
    struct cron c = parse_ok("0 0 13 * FRI");
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 0), 4 * DAY);         /* Fri 9 Jan */
    CU_ASSERT_EQUAL(cron_next(&c, &utc, 4 * DAY + 1), 8 * DAY); /* Tue 13 Jan */
    struct cron leap = parse_ok("0 0 29 2 *");
    double t = cron_next(&leap, &utc, 0);
    char buf[32];
    cron_format_utc(&utc, t, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2028-02-29T00:00:00Z");
}

static void fixed_offset_zones_shift_local_time(void)
{
    struct loc l = {"z.yaml", 2, 12};
    int32_t off = 1;
    CU_ASSERT_EQUAL(cron_zone_parse("UTC", &l, &off), 0);
    CU_ASSERT_EQUAL(off, 0);
    CU_ASSERT_EQUAL(cron_zone_parse("UTC+02:00", &l, &off), 0);
    CU_ASSERT_EQUAL(off, 7200);
    CU_ASSERT_EQUAL(cron_zone_parse("-05:30", &l, &off), 0);
    CU_ASSERT_EQUAL(off, -19800);
    CU_ASSERT_EQUAL(cron_zone_parse("UTC-5", &l, &off), 0);
    CU_ASSERT_EQUAL(off, -18000);
    struct cron c = parse_ok("0 17 * * FRI");
    struct cron_clock plus2 = {CRON_EPOCH_DEFAULT, 7200};
    CU_ASSERT_EQUAL(cron_next(&c, &plus2, 0), 4 * DAY + 15 * 3600);
    /* Local Monday 00:00 at UTC-5 is 05:00 UTC. */
    struct cron m = parse_ok("0 0 * * MON");
    struct cron_clock minus5 = {CRON_EPOCH_DEFAULT, -18000};
    CU_ASSERT_EQUAL(cron_next(&m, &minus5, 0), 5 * 3600);

    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(cron_zone_parse("Europe/Paris", &l, &off), -1);
    CU_ASSERT_EQUAL(cron_zone_parse("UTC+15", &l, &off), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "z.yaml:2:12: error: time zone 'Europe/Paris': IANA"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "bad time zone 'UTC+15'"));
    free(msg);
}

static void date_times_map_to_simulated_seconds(void)
{
    struct loc l = {"d.yaml", 1, 1};
    double t = -1;
    CU_ASSERT_EQUAL(cron_datetime_parse("2026-01-09T17:00", &l, &utc, &t), 0);
    CU_ASSERT_EQUAL(t, 4 * DAY + 17 * 3600);
    struct cron_clock plus1 = {CRON_EPOCH_DEFAULT, 3600};
    CU_ASSERT_EQUAL(cron_datetime_parse("2026-01-05 01:00:30", &l, &plus1, &t), 0);
    CU_ASSERT_EQUAL(t, 30);
    CU_ASSERT_EQUAL(cron_datetime_parse("2026-01-05T01:00Z", &l, &plus1, &t), 0);
    CU_ASSERT_EQUAL(t, 3600);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(cron_datetime_parse("2026-02-30T00:00", &l, &utc, &t), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "d.yaml:1:1: error: bad date-time '2026-02-30T00:00'"));
    free(msg);
}

static void six_fields_are_an_error_at_the_extra_field(void)
{
    char *msg = parse_err("0 0 17 * * FRI");
    /* The sixth field starts at offset 11: column 17 + 11. */
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "c.yaml:3:28: error: bad cron expression '0 0 17 * * FRI'"
                                       ": 6 fields; expected 5"));
    free(msg);
}

static void bad_fields_name_the_field_and_range(void)
{
    char *msg = parse_err("61 * * * *");
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "c.yaml:3:17: error:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "value out of range in the minute field (0-59)"));
    free(msg);
    msg = parse_err("0 0 * * FUN");
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "c.yaml:3:25: error:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "unknown name in the day of week field"));
    free(msg);
    msg = parse_err("0 20-10 * * *");
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "range runs backwards in the hour field"));
    free(msg);
    msg = parse_err("*/0 * * * *");
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "step must be at least 1"));
    free(msg);
    msg = parse_err("0 0 30 2 *");
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "never fires"));
    free(msg);
    msg = parse_err("0 0 * *");
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "4 fields; expected 5"));
    free(msg);
}

static CU_TestInfo cron_tests[] = {
    {"friday_at_17_fires_on_day_four", friday_at_17_fires_on_day_four},
    {"lists_ranges_and_steps", lists_ranges_and_steps},
    {"day_of_month_or_day_of_week_when_both_restricted",
     day_of_month_or_day_of_week_when_both_restricted},
    {"fixed_offset_zones_shift_local_time", fixed_offset_zones_shift_local_time},
    {"date_times_map_to_simulated_seconds", date_times_map_to_simulated_seconds},
    {"six_fields_are_an_error_at_the_extra_field", six_fields_are_an_error_at_the_extra_field},
    {"bad_fields_name_the_field_and_range", bad_fields_name_the_field_and_range},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_cron_suites[] = {
    {"cron", NULL, NULL, NULL, NULL, cron_tests},
    CU_SUITE_INFO_NULL,
};
