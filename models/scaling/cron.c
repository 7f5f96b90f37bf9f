#include "models/scaling/cron.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- civil calendar (proleptic Gregorian, Howard Hinnant's days_from_civil) ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* ---- parsing ---- */

struct field {
    const char *what; /* for messages */
    unsigned lo, hi;  /* allowed values */
    const char *const *names; /* names for lo.., or NULL */
};

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
                                          "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const wday_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

static const struct field fields[5] = {
    {"minute", 0, 59, NULL},
    {"hour", 0, 23, NULL},
    {"day of month", 1, 31, NULL},
    {"month", 1, 12, month_names},
    {"day of week", 0, 7, wday_names},
};

struct cparse {
    const char *text;
    const struct loc *loc;
};

static int cerr(const struct cparse *p, size_t off, size_t len, const char *msg,
                const struct field *f)
{
    return diag_error_text(p->loc, p->text, off, len ? len : 1,
                           "bad cron expression '%s': %s in the %s field (%u-%u%s)", p->text,
                           msg, f->what, f->lo, f->hi,
                           f->names == month_names  ? " or JAN-DEC"
                           : f->names == wday_names ? ", 0 or 7 = Sunday, or SUN-SAT"
                                                    : "");
}

/* A number or a name at s[*i]; advances *i. */
static int read_value(const struct cparse *p, const struct field *f, size_t *i, unsigned *out)
{
    const char *s = p->text;
    size_t st = *i;
    if (isdigit((unsigned char)s[*i])) {
        unsigned v = 0;
        while (isdigit((unsigned char)s[*i])) {
            v = v * 10 + (unsigned)(s[*i] - '0');
            if (v > 1000)
                v = 1000;
            (*i)++;
        }
        if (v < f->lo || v > f->hi)
            return cerr(p, st, *i - st, "value out of range", f);
        *out = v;
        return 0;
    }
    if (f->names && isalpha((unsigned char)s[*i])) {
        while (isalpha((unsigned char)s[*i]))
            (*i)++;
        for (unsigned k = 0; f->names[k]; k++)
            if (*i - st == 3 && !strncasecmp(s + st, f->names[k], 3)) {
                *out = f->lo + k;
                return 0;
            }
        return cerr(p, st, *i - st, "unknown name", f);
    }
    return cerr(p, st, 1, "expected a number", f);
}

/* One comma-separated field starting at s[*i] (ends at a blank or NUL) into *mask. */
static int read_field(const struct cparse *p, const struct field *f, size_t *i, uint64_t *mask,
                      bool *any)
{
    const char *s = p->text;
    size_t fst = *i;
    *mask = 0;
    for (;;) {
        size_t st = *i;
        unsigned a, b, step = 1;
        bool star = false;
        if (s[*i] == '*') {
            star = true;
            a = f->lo;
            b = f->hi;
            (*i)++;
        } else {
            if (read_value(p, f, i, &a))
                return -1;
            b = a;
            if (s[*i] == '-') {
                (*i)++;
                if (read_value(p, f, i, &b))
                    return -1;
                if (b < a)
                    return cerr(p, st, *i - st, "range runs backwards", f);
            }
        }
        if (s[*i] == '/') {
            (*i)++;
            size_t ss = *i;
            if (!isdigit((unsigned char)s[*i]))
                return cerr(p, ss, 1, "expected a step number after '/'", f);
            step = 0;
            while (isdigit((unsigned char)s[*i])) {
                step = step * 10 + (unsigned)(s[*i] - '0');
                if (step > 1000)
                    step = 1000;
                (*i)++;
            }
            if (step == 0)
                return cerr(p, ss, *i - ss, "step must be at least 1", f);
            if (!star && b == a)
                b = f->hi; /* "a/n" means a-max/n */
        }
        for (unsigned v = a; v <= b; v += step)
            *mask |= (uint64_t)1 << v;
        if (s[*i] == ',') {
            (*i)++;
            continue;
        }
        if (s[*i] == '\0' || isspace((unsigned char)s[*i]))
            break;
        return cerr(p, *i, 1, "unexpected character", f);
    }
    *any = (*i - fst == 1 && s[fst] == '*');
    return 0;
}

int cron_parse(const char *text, const struct loc *loc, struct cron *out)
{
    struct cparse p = {text, loc};
    size_t starts[8], n = 0;
    for (size_t i = 0; text[i];) {
        while (isspace((unsigned char)text[i]))
            i++;
        if (!text[i])
            break;
        if (n < 8)
            starts[n] = i;
        n++;
        while (text[i] && !isspace((unsigned char)text[i]))
            i++;
    }
    if (n != 5) {
        size_t off = n > 5 ? starts[5] : 0;
        return diag_error_text(loc, text, off, n > 5 ? strlen(text) - off : strlen(text),
                               "bad cron expression '%s': %zu field%s; expected 5: minute hour "
                               "day-of-month month day-of-week (no seconds or year field)",
                               text, n, n == 1 ? "" : "s");
    }
    uint64_t m[5];
    bool any[5];
    for (int k = 0; k < 5; k++) {
        size_t i = starts[k];
        if (read_field(&p, &fields[k], &i, &m[k], &any[k]))
            return -1;
    }
    struct cron c = {
        .minute = m[0],
        .hour = (uint32_t)m[1],
        .mday = (uint32_t)m[2],
        .month = (uint16_t)m[3],
        .wday = (uint8_t)((m[4] | (m[4] >> 7)) & 0x7f), /* 7 is Sunday too */
        .mday_any = any[2],
        .wday_any = any[4],
    };
    /* A restricted day of month with an unrestricted day of week must exist in one of
     * the months ("0 0 30 2 *" never fires); 29 February counts. */
    if (!c.mday_any && c.wday_any) {
        bool ok = false;
        for (unsigned mo = 1; mo <= 12 && !ok; mo++)
            if (c.month >> mo & 1)
                for (unsigned d = 1; d <= days_in_month(2024, mo); d++)
                    if (c.mday >> d & 1)
                        ok = true;
        if (!ok)
            return diag_error_text(loc, text, starts[2], starts[4] - starts[2],
                                   "bad cron expression '%s': no month has that day, so it "
                                   "never fires", text);
    }
    *out = c;
    return 0;
}

/* ---- zones and dates ---- */

static int read_2digits(const char *s, size_t *i, unsigned max_digits, unsigned *out)
{
    unsigned v = 0, k = 0;
    while (k < max_digits && isdigit((unsigned char)s[*i])) {
        v = v * 10 + (unsigned)(s[(*i)++] - '0');
        k++;
    }
    *out = v;
    return k ? 0 : -1;
}

int cron_zone_parse(const char *text, const struct loc *loc, int32_t *offset_s)
{
    static const char *const utc_names[] = {"UTC", "GMT", "Z", NULL};
    for (int k = 0; utc_names[k]; k++)
        if (!strcmp(text, utc_names[k])) {
            *offset_s = 0;
            return 0;
        }
    size_t i = 0;
    if (!strncmp(text, "UTC", 3) || !strncmp(text, "GMT", 3))
        i = 3;
    if (text[i] == '+' || text[i] == '-') {
        int sign = text[i++] == '-' ? -1 : 1;
        unsigned h, mi = 0;
        bool ok = read_2digits(text, &i, 2, &h) == 0;
        if (ok && text[i] == ':') {
            i++;
            ok = read_2digits(text, &i, 2, &mi) == 0;
        } else if (ok && isdigit((unsigned char)text[i])) {
            ok = read_2digits(text, &i, 2, &mi) == 0;
        }
        if (ok && text[i] == '\0' && mi < 60 && h * 60 + mi <= 14 * 60) {
            *offset_s = sign * (int32_t)(h * 3600 + mi * 60);
            return 0;
        }
    }
    if (strchr(text, '/'))
        return diag_error(loc,
                          "time zone '%s': IANA zone names are not supported (elbsim has no "
                          "daylight-saving model); write a fixed offset such as 'UTC+01:00'",
                          text);
    return diag_error(loc,
                      "bad time zone '%s'; expected 'UTC' or a fixed offset from UTC+-HH:MM, "
                      "e.g. 'UTC+02:00', 'UTC-5', between -14:00 and +14:00",
                      text);
}

int cron_datetime_parse(const char *text, const struct loc *loc, const struct cron_clock *clk,
                        double *out_s)
{
    size_t i = 0;
    unsigned y, mo, d, h, mi, se = 0;
    bool ok = read_2digits(text, &i, 4, &y) == 0 && i == 4 && text[i++] == '-' &&
              read_2digits(text, &i, 2, &mo) == 0 && text[i++] == '-' &&
              read_2digits(text, &i, 2, &d) == 0 && (text[i] == 'T' || text[i] == ' ');
    if (ok) {
        i++;
        ok = read_2digits(text, &i, 2, &h) == 0 && text[i++] == ':' &&
             read_2digits(text, &i, 2, &mi) == 0;
    }
    if (ok && text[i] == ':') {
        i++;
        ok = read_2digits(text, &i, 2, &se) == 0;
    }
    bool utc = false;
    if (ok && text[i] == 'Z') {
        utc = true;
        i++;
    }
    if (!ok || text[i] != '\0' || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h > 23 || mi > 59 || se > 59)
        return diag_error(loc,
                          "bad date-time '%s'; expected YYYY-MM-DDTHH:MM[:SS][Z], e.g. "
                          "'2026-01-09T17:00' (in the action's time zone; Z for UTC)",
                          text);
    int64_t local = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    *out_s = (double)(local - (utc ? 0 : clk->offset_s) - clk->epoch_s);
    return 0;
}

void cron_format_utc(const struct cron_clock *clk, double t_s, char *buf, unsigned n)
{
    int64_t u = clk->epoch_s + (int64_t)floor(t_s);
    int64_t day = floor_div(u, 86400), sod = u - day * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(buf, n, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
             (unsigned)(sod / 3600), (unsigned)(sod / 60 % 60), (unsigned)(sod % 60));
}

/* ---- the next firing ---- */

static bool day_matches(const struct cron *c, unsigned mday, unsigned wday)
{
    bool dm = c->mday >> mday & 1, dw = c->wday >> wday & 1;
    if (c->mday_any || c->wday_any)
        return dm && dw; /* the '*' one matches every day */
    return dm || dw;
}

double cron_next(const struct cron *c, const struct cron_clock *clk, double from_s)
{
    /* Local minute number of the first whole minute at or after from_s. */
    double x = from_s + (double)(clk->epoch_s + clk->offset_s);
    int64_t minute = (int64_t)ceil(x / 60.0);
    if ((double)minute * 60.0 < x) /* guard the division's rounding */
        minute++;
    int64_t day = floor_div(minute, 1440);
    unsigned mod = (unsigned)(minute - day * 1440);
    unsigned h0 = mod / 60, m0 = mod % 60;
    for (int64_t k = 0; k < 400 * 366; k++, day++, h0 = 0, m0 = 0) {
        int64_t y;
        unsigned mo, d;
        civil_from_days(day, &y, &mo, &d);
        unsigned wd = (unsigned)((day % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
        if (!(c->month >> mo & 1) || !day_matches(c, d, wd))
            continue;
        for (unsigned h = h0; h < 24; h++) {
            if (!(c->hour >> h & 1))
                continue;
            for (unsigned mi = h == h0 ? m0 : 0; mi < 60; mi++)
                if (c->minute >> mi & 1) {
                    int64_t local = day * 86400 + h * 3600 + mi * 60;
                    return (double)(local - clk->offset_s - clk->epoch_s);
                }
        }
    }
    return (double)INFINITY;
}
