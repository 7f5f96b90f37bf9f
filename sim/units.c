#include "sim/units.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/xalloc.h"

/* One suffix: value = number * 10^pow10 * mul / div.  pow10 is applied on the decimal
 * text (exact), mul and div as one correctly rounded operation each. */
struct unit_def {
    const char *suffix;
    int pow10;
    double mul;
    double div;
};

/* Base unit first: sim_units_format writes zero in it.  The bare number (suffix "")
 * comes last and is not used for formatting, except for SIM_UNIT_NONE whose only entry
 * it is. */
static const struct unit_def seconds_units[] = {
    {"s", 0, 1, 1},      {"ns", -9, 1, 1},  {"us", -6, 1, 1},    {"ms", -3, 1, 1},
    {"m", 0, 60, 1},     {"h", 0, 3600, 1}, {"d", 0, 86400, 1},  {"", 0, 1, 1},
    {NULL, 0, 0, 0},
};
static const struct unit_def rate_units[] = {
    {"/s", 0, 1, 1}, {"/m", 0, 1, 60}, {"/h", 0, 1, 3600}, {"", 0, 1, 1}, {NULL, 0, 0, 0},
};
static const struct unit_def bytes_units[] = {
    {"B", 0, 1, 1},          {"KB", 3, 1, 1},         {"MB", 6, 1, 1},
    {"GB", 9, 1, 1},         {"KiB", 0, 1024.0, 1},   {"MiB", 0, 1048576.0, 1},
    {"GiB", 0, 1073741824.0, 1}, {"", 0, 1, 1},      {NULL, 0, 0, 0},
};
static const struct unit_def none_units[] = {
    {"", 0, 1, 1},
    {NULL, 0, 0, 0},
};

static const struct unit_def *units_of(enum sim_unit kind)
{
    switch (kind) {
    case SIM_UNIT_SECONDS:
        return seconds_units;
    case SIM_UNIT_RATE:
        return rate_units;
    case SIM_UNIT_BYTES:
        return bytes_units;
    case SIM_UNIT_NONE:
        break;
    }
    return none_units;
}

static const char *expected(enum sim_unit kind)
{
    switch (kind) {
    case SIM_UNIT_SECONDS:
        return "expected a duration: a number with a unit ns, us, ms, s, m, h or d";
    case SIM_UNIT_RATE:
        return "expected a rate: a number with a unit /s, /m or /h";
    case SIM_UNIT_BYTES:
        return "expected a size: a number with a unit B, KB, MB, GB, KiB, MiB or GiB";
    case SIM_UNIT_NONE:
        break;
    }
    return "expected a plain number";
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int sim_units_parse(const char *s, size_t len, enum sim_unit kind, double *out,
                    const char **why)
{
    size_t b = 0, e = len;
    while (b < e && is_blank(s[b]))
        b++;
    while (e > b && is_blank(s[e - 1]))
        e--;

    /* The number: [sign] (digits [. digits] | . digits) [e [sign] digits].  Scanning the
     * grammar ourselves keeps strtod away from hex, "inf", "nan" and locale surprises. */
    size_t i = b;
    if (i < e && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t mant_digits = 0;
    while (i < e && is_digit(s[i]))
        i++, mant_digits++;
    if (i < e && s[i] == '.') {
        i++;
        while (i < e && is_digit(s[i]))
            i++, mant_digits++;
    }
    if (mant_digits == 0) {
        *why = expected(kind);
        return -1;
    }
    size_t mant_end = i;
    long exp10 = 0;
    if (i < e && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        int sign = 1;
        if (j < e && (s[j] == '+' || s[j] == '-'))
            sign = s[j++] == '-' ? -1 : 1;
        if (j < e && is_digit(s[j])) {
            for (; j < e && is_digit(s[j]); j++)
                if (exp10 < 100000) /* far beyond any double; avoids overflow */
                    exp10 = exp10 * 10 + (s[j] - '0');
            exp10 *= sign;
            i = j;
        }
    }
    while (i < e && is_blank(s[i]))
        i++;

    const struct unit_def *u = units_of(kind);
    size_t ulen = e - i;
    for (; u->suffix; u++)
        if (strlen(u->suffix) == ulen && !memcmp(s + i, u->suffix, ulen))
            break;
    if (!u->suffix) {
        *why = expected(kind);
        return -1;
    }

    /* Rewrite as "<mantissa>e<exp10 + pow10>" so decimal scales stay exact. */
    size_t mlen = mant_end - b;
    char small[96];
    char *buf = mlen + 32 <= sizeof small ? small : xmalloc(mlen + 32);
    snprintf(buf, mlen + 32, "%.*se%ld", (int)mlen, s + b, exp10 + u->pow10);
    errno = 0;
    double v = strtod(buf, NULL);
    bool overflow = errno == ERANGE && isinf(v);
    if (buf != small)
        free(buf);
    if (overflow) {
        *why = "expected a number within the range of a double";
        return -1;
    }
    if (u->mul != 1)
        v *= u->mul;
    if (u->div != 1)
        v /= u->div;
    if (!isfinite(v)) {
        *why = "expected a number within the range of a double";
        return -1;
    }
    *out = v;
    return 0;
}

static bool reads_back(double v, int p)
{
    char sci[40];
    snprintf(sci, sizeof sci, "%.*e", p - 1, v);
    return strtod(sci, NULL) == v;
}

/* The shortest decimal digits of v > 0 that read back as v: digits[0..p) with the point
 * after the first digit and decimal exponent *e10.  A (p+1)-digit rounding is never
 * farther from v than the p-digit one, so "reads back" is monotone in p (but for rare
 * powers of two, where a result may come out one digit longer than needed) and a
 * binary search finds p; 17 digits always read back. */
static int shortest_digits(double v, char digits[20], int *e10)
{
    int lo = 1, hi = 17;
    if (reads_back(v, 1))
        hi = 1;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (reads_back(v, mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    int p = hi;
    char sci[40];
    snprintf(sci, sizeof sci, "%.*e", p - 1, v);
    const char *c = sci;
    int n = 0;
    for (; *c != 'e'; c++)
        if (*c >= '0' && *c <= '9')
            digits[n++] = *c;
    digits[n] = '\0';
    *e10 = atoi(c + 1);
    while (n > 1 && digits[n - 1] == '0') /* "1.0e1" has one digit that matters */
        digits[--n] = '\0';
    return n;
}

/* The number d0.d1d2... x 10^e10 (digits = "d0d1d2...", n of them) in the shorter of
 * fixed and exponent notation, fixed on a tie: "40", "0.5", "1e-7", "1.5e20". */
static void render_digits(const char *digits, int n, int e10, char *buf, size_t size)
{
    char fixed[64] = "", sci[40];
    if (e10 >= 0 && e10 < 40) {
        if (e10 >= n - 1)
            snprintf(fixed, sizeof fixed, "%s%0*d", digits, e10 - (n - 1), 0);
        else
            snprintf(fixed, sizeof fixed, "%.*s.%s", e10 + 1, digits, digits + e10 + 1);
        if (e10 == n - 1) /* "%0*d" with width 0 still prints one zero */
            snprintf(fixed, sizeof fixed, "%s", digits);
    } else if (e10 < 0 && e10 > -40) {
        snprintf(fixed, sizeof fixed, "0.%0*d%s", -e10 - 1, 0, digits);
        if (e10 == -1)
            snprintf(fixed, sizeof fixed, "0.%s", digits);
    }
    if (n > 1)
        snprintf(sci, sizeof sci, "%c.%se%d", digits[0], digits + 1, e10);
    else
        snprintf(sci, sizeof sci, "%ce%d", digits[0], e10);
    snprintf(buf, size, "%s", *fixed && strlen(fixed) <= strlen(sci) ? fixed : sci);
}

/* Prefer the shorter text; on a tie, one without an exponent, then one not starting
 * with "0." (40ms over 0.04s), then the earlier unit. */
static bool better(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb;
    bool ea = strchr(a, 'e') != NULL, eb = strchr(b, 'e') != NULL;
    if (ea != eb)
        return !ea;
    const char *za = a + (*a == '-'), *zb = b + (*b == '-');
    bool fa = !strncmp(za, "0.", 2), fb = !strncmp(zb, "0.", 2);
    return !fa && fb;
}

/* Units with a factor that is not a power of ten (m, h, d, KiB, /m, /h) are tried with at
 * most this many digits: a value that needs more is not a round number in that unit. */
#define UNITS_FACTOR_DIGITS 8

void sim_units_format(double v, enum sim_unit kind, char *buf, size_t n)
{
    if (n == 0)
        return;
    const struct unit_def *units = units_of(kind);
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return;
    }
    if (v == 0) {
        snprintf(buf, n, "0%s", units->suffix);
        return;
    }
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    char digits[20];
    int e10;
    int nd = shortest_digits(a, digits, &e10);

    char best[80] = "", cand[80], num[64];
    for (const struct unit_def *u = units; u->suffix; u++) {
        if (!*u->suffix && kind != SIM_UNIT_NONE)
            continue;
        if (u->mul == 1 && u->div == 1) {
            /* A decimal scale reads the same digits with a shifted exponent (see
             * sim_units_parse), so no search is needed. */
            render_digits(digits, nd, e10 - u->pow10, num, sizeof num);
            snprintf(cand, sizeof cand, "%s%s%s", sign, num, u->suffix);
        } else {
            double x = a / u->mul * u->div;
            /* Cheap filter: with at most 8 significant digits, x scaled into [1e7, 1e8)
             * is a whole number (up to rounding far below 1e-3). */
            double m = x * pow(10, 7 - floor(log10(x)));
            if (!isfinite(m) || fabs(m - nearbyint(m)) > 1e-3)
                continue;
            bool found = false;
            for (int p = 1; p <= UNITS_FACTOR_DIGITS && !found; p++) {
                char d2[20], sci[40];
                snprintf(sci, sizeof sci, "%.*e", p - 1, x);
                double back;
                const char *why;
                char *ep = strchr(sci, 'e');
                int k = 0;
                for (const char *c = sci; c < ep; c++)
                    if (*c >= '0' && *c <= '9')
                        d2[k++] = *c;
                d2[k] = '\0';
                while (k > 1 && d2[k - 1] == '0')
                    d2[--k] = '\0';
                render_digits(d2, k, atoi(ep + 1), num, sizeof num);
                snprintf(cand, sizeof cand, "%s%s%s", sign, num, u->suffix);
                found = !sim_units_parse(cand, strlen(cand), kind, &back, &why) && back == v;
            }
            if (!found)
                continue;
        }
        if (!*best || better(cand, best))
            snprintf(best, sizeof best, "%s", cand);
    }
    snprintf(buf, n, "%s", best);
}

void sim_units_format_fixed(double v, enum sim_unit kind, int decimals, char *buf, size_t n)
{
    if (n == 0)
        return;
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return;
    }
    double a = fabs(v);
    const char *suffix = "";
    double scale = 1;
    switch (kind) {
    case SIM_UNIT_SECONDS:
        if (a == 0 || a >= 1) {
            suffix = "s";
            if (a >= 86400)
                suffix = "d", scale = 86400;
            else if (a >= 3600)
                suffix = "h", scale = 3600;
            else if (a >= 60)
                suffix = "m", scale = 60;
        } else if (a >= 1e-3) {
            suffix = "ms", scale = 1e-3;
        } else if (a >= 1e-6) {
            suffix = "us", scale = 1e-6;
        } else {
            suffix = "ns", scale = 1e-9;
        }
        break;
    case SIM_UNIT_RATE:
        suffix = "/s";
        break;
    case SIM_UNIT_BYTES:
        suffix = "B";
        if (a >= 1e9)
            suffix = "GB", scale = 1e9;
        else if (a >= 1e6)
            suffix = "MB", scale = 1e6;
        else if (a >= 1e3)
            suffix = "KB", scale = 1e3;
        break;
    case SIM_UNIT_NONE:
        break;
    }
    /* Past a billion in its unit a fixed-point number is mostly digits nobody reads (and
     * 1e308 would not fit a table cell): switch to an exponent. */
    if (fabs(v / scale) >= 1e9)
        snprintf(buf, n, "%.*e%s", decimals, v / scale, suffix);
    else
        snprintf(buf, n, "%.*f%s", decimals, v / scale, suffix);
}
