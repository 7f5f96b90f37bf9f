/*
 * cron — the 5-field recurrence of scheduled scaling actions, and simulated time as
 * calendar time.
 *
 * EC2 Auto Scaling writes a recurring scheduled action as a Unix cron expression of five
 * fields, minute hour day-of-month month day-of-week (AWS.md §5 "Scheduled actions"), in
 * UTC unless a time zone is given.  A field is `*`, a value, a range `a-b`, a step `*\/n`,
 * `a-b/n` or `a/n` (= a-max/n), or a comma list of those.  Months take JAN..DEC and days
 * of the week SUN..SAT (any case); day-of-week 0 and 7 are both Sunday.  When both
 * day-of-month and day-of-week are restricted (neither is exactly `*`), a day matches if
 * EITHER does (Vixie cron, which AWS's "Unix cron" follows).  Six fields (seconds or a
 * year, as in EventBridge or Application Auto Scaling's `cron()`) are an error here.
 *
 * Simulated time is seconds from the start of the run; struct cron_clock says which UTC
 * instant that start is (default CRON_EPOCH_DEFAULT, Monday 2026-01-05 00:00:00 UTC, the
 * Monday that workloads' diurnal curves also start on) and the zone's offset, so
 * "0 17 * * FRI" fires at t = 4 d 17 h = 406800 s in UTC.
 *
 * Time zones: "UTC" (also "Z", "GMT") and fixed offsets "UTC+02:00", "UTC-5", "+05:30".
 * AWS accepts IANA names with daylight saving; elbsim has no tz database it may read
 * deterministically (models/ must not read the environment or the system's zoneinfo), so
 * IANA names are rejected with a hint to write the offset.  A run that crosses a DST
 * change needs two actions with the two offsets.
 *
 * Everything is integer calendar arithmetic (days from civil dates, Howard Hinnant's
 * algorithm): no libc time functions, no TZ variable.
 */
#ifndef ELBSIM_MODELS_CRON_H
#define ELBSIM_MODELS_CRON_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/diag.h"

/* Unix time of 2026-01-05T00:00:00Z, a Monday: simulated t = 0 unless a scenario says. */
#define CRON_EPOCH_DEFAULT INT64_C(1767571200)

/* A parsed expression: one bit per allowed value.  Invariant: every mask is non-empty and
 * the expression fires at least once in any 8-year span (cron_parse checks). */
struct cron {
    uint64_t minute; /* bit m: minute m, 0..59 */
    uint32_t hour;   /* bit h: hour h, 0..23 */
    uint32_t mday;   /* bit d: day of month d, 1..31 */
    uint16_t month;  /* bit m: month m, 1..12 */
    uint8_t wday;    /* bit w: day of week w, 0 = Sunday .. 6 = Saturday */
    bool mday_any;   /* day-of-month was written `*` */
    bool wday_any;   /* day-of-week was written `*` */
};

/* How simulated seconds map to local calendar time. */
struct cron_clock {
    int64_t epoch_s;  /* s: Unix time (UTC) of simulated t = 0 */
    int32_t offset_s; /* s: local time = UTC + offset_s; a whole number of minutes */
};

/* Parse a 5-field expression.  Returns 0, or -1 after one diag error placed at the
 * offending field inside text (loc is where text starts; may be NULL). */
int cron_parse(const char *text, const struct loc *loc, struct cron *out);

/* Parse a time zone ("UTC", "UTC+02:00", "-05:30", ...) into seconds east of UTC.
 * Returns 0, or -1 after a diag error at loc (IANA names get a hint to use an offset). */
int cron_zone_parse(const char *text, const struct loc *loc, int32_t *offset_s);

/* The first firing time (simulated seconds) at or after from_s; INFINITY if none within
 * 400 years.  Firings are whole local minutes, so to step past a firing at t ask again
 * from t + 1.  O(days searched) with at most 8 years' days for "29 Feb". */
double cron_next(const struct cron *c, const struct cron_clock *clk, double from_s);

/* Parse an ISO-8601 local date-time "YYYY-MM-DDTHH:MM[:SS]" (a space may replace the T;
 * a trailing "Z" is allowed and means the clock's zone is ignored: UTC) into simulated
 * seconds under clk.  Returns 0, or -1 after a diag error at loc. */
int cron_datetime_parse(const char *text, const struct loc *loc, const struct cron_clock *clk,
                        double *out_s);

/* Format simulated time t as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (at least 21 bytes);
 * fractions of a second are dropped. */
void cron_format_utc(const struct cron_clock *clk, double t_s, char *buf, unsigned n);

#endif
