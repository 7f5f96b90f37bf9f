#include "analysis/exp_format.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "analysis/csvout.h"
#include "analysis/stats.h"

void exp_format_num(char *buf, size_t n, double v, const struct summary_unit *u)
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
                   const struct summary_unit *u)
{
    if (isnan(ci->lo) || isnan(ci->hi)) {
        snprintf(buf, n, "-");
        return;
    }
    char a[48], b[48];
    exp_format_num(a, sizeof a, ci->lo, u);
    exp_format_num(b, sizeof b, ci->hi, u);
    snprintf(buf, n, "[%s, %s]", a, b);
}

void exp_format_heading(char *buf, size_t n, const char *label, const char *metric)
{
    snprintf(buf, n, "%s (%s)", label, summary_unit(metric).shown);
}

void exp_format_csv_ci(struct csvout *o, const struct stats_ci *ci)
{
    csvout_int(o, ci->n);
    csvout_num(o, ci->mean);
    csvout_num(o, ci->sd);
    csvout_num(o, ci->lo);
    csvout_num(o, ci->hi);
}

void exp_format_wrap(FILE *f, const char *text, int first, int indent)
{
    fprintf(f, "%*s", first, "");
    int col = first;
    bool fresh = true; /* nothing on the line yet */
    for (const char *w = text;;) {
        while (*w == ' ')
            w++;
        size_t len = strcspn(w, " ");
        if (!len)
            break;
        if (!fresh && col + 1 + (int)len > EXP_FORMAT_WIDTH) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
            fresh = true;
        }
        if (!fresh) {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, len, f);
        col += (int)len;
        fresh = false;
        w += len;
    }
    fputc('\n', f);
}
