#include "analysis/exp_format.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/stats.h"

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

struct exp_format_unit exp_format_unit_for(const char *metric, double ref)
{
    if (ends_with(metric, "_s"))
        return fabs(ref) < 1 ? (struct exp_format_unit){1000, " ms", ""}
                             : (struct exp_format_unit){1, " s", ""};
    if (ends_with(metric, "_usd"))
        return (struct exp_format_unit){1, "", "$"};
    if (!strcmp(metric, "error_ratio") || !strcmp(metric, "utilization"))
        return (struct exp_format_unit){100, " %", ""};
    return (struct exp_format_unit){1, "", ""};
}

const char *exp_format_unit_name(const struct exp_format_unit *u)
{
    if (*u->prefix)
        return u->prefix;
    return *u->suffix ? u->suffix + 1 : "";
}

void exp_format_num(char *buf, size_t n, double v, const struct exp_format_unit *u)
{
    if (isnan(v)) {
        snprintf(buf, n, "-");
        return;
    }
    v *= u->scale;
    int dec = 0;
    if (v != 0 && isfinite(v)) {
        int mag = (int)floor(log10(fabs(v)));
        dec = 3 - mag;
        if (dec < 0)
            dec = 0;
        if (dec > 8)
            dec = 8;
    }
    char digits[48];
    snprintf(digits, sizeof digits, "%.*f", dec, fabs(v));
    bool zero = strspn(digits, "0.") == strlen(digits); /* no "-0.00" */
    snprintf(buf, n, "%s%s", v < 0 && !zero ? "-" : "", digits);
}

void exp_format_ci(char *buf, size_t n, const struct stats_ci *ci,
                   const struct exp_format_unit *u)
{
    char a[48], b[48];
    exp_format_num(a, sizeof a, ci->lo, u);
    exp_format_num(b, sizeof b, ci->hi, u);
    snprintf(buf, n, "[%s, %s]", a, b);
}

void exp_format_csv_ci(struct csvout *o, const struct stats_ci *ci)
{
    csvout_int(o, ci->n);
    csvout_num(o, ci->mean);
    csvout_num(o, ci->sd);
    csvout_num(o, ci->lo);
    csvout_num(o, ci->hi);
}
