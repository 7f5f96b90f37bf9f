/* report: the page, its escaping and its parts.  See report.h; the page's script is in
 * report_js.c. */
#include "analysis/report.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/report_impl.h"
#include "sim/csvin.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* ---- escaping ----------------------------------------------------------------------- */

void report_html(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            fputc((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ? ' ' : *p, f);
        }
    }
}

void report_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&' || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void report_json_number(FILE *f, double v)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    if (v == 0)
        v = 0; /* no "-0" */
    fprintf(f, "%.6g", v);
}

/* ---- bounds ------------------------------------------------------------------------- */

long report_stride(long n, long cap)
{
    ELB_ASSERT(cap >= 1);
    return n <= cap ? 1 : (n + cap - 1) / cap;
}

int report_row_kept(long i, long n, long k)
{
    return i % k == 0 || i == n - 1;
}

/* ---- the page ----------------------------------------------------------------------- */

struct section {
    char *id, *title, *html;
};

struct report_page {
    char *title;
    struct section *s;
    int n, cap;
};

struct report_page *report_page_new(const char *title)
{
    struct report_page *p = xcalloc(1, sizeof *p);
    p->title = xstrdup(title);
    return p;
}

void report_page_free(struct report_page *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++) {
        free(p->s[i].id);
        free(p->s[i].title);
        free(p->s[i].html);
    }
    free(p->s);
    free(p->title);
    free(p);
}

void report_page_section(struct report_page *p, const char *id, const char *title,
                         const char *html)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->s = xrealloc(p->s, (size_t)p->cap * sizeof *p->s);
    }
    struct section *s = &p->s[p->n++];
    s->id = xstrdup(id);
    s->title = xstrdup(title);
    s->html = xstrdup(html);
}

static void put_page(FILE *f, const struct report_page *p)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"elbsim report\">\n<title>",
          f);
    report_html(f, p->title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>", report_css);
    report_html(f, p->title);
    fputs("</h1>\n<nav><ol>\n", f);
    for (int i = 0; i < p->n; i++) {
        fputs("<li><a href=\"#", f);
        report_html(f, p->s[i].id);
        fputs("\">", f);
        report_html(f, p->s[i].title);
        fputs("</a></li>\n", f);
    }
    fputs("</ol></nav></header>\n<main>\n", f);
    for (int i = 0; i < p->n; i++) {
        fputs("<section id=\"", f);
        report_html(f, p->s[i].id);
        fputs("\">\n<h2>", f);
        report_html(f, p->s[i].title);
        fprintf(f, "</h2>\n%s\n</section>\n", p->s[i].html);
    }
    fprintf(f, "</main>\n<script>\n%s</script>\n</body>\n</html>\n", report_js);
}

int report_page_write(const struct report_page *p, const char *path)
{
    size_t n = strlen(path);
    char *tmp = xmalloc(n + 16);
    /* A temporary beside path ("<path>.tmpXXXXXX"), so the rename stays on one file system. */
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_error(NULL, "cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    /* mkstemp makes the file 0600; outputs get the usual 0666 & ~umask. */
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        diag_error(NULL, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    put_page(f, p);
    int bad = ferror(f);
    int err = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad || rename(tmp, path) != 0) {
        if (!bad)
            err = errno;
        diag_error(NULL, "cannot write '%s': %s", path, strerror(err));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/* ---- an SVG inlined ----------------------------------------------------------------- */

void report_svg_ids(FILE *f, const char *svg, size_t len, const char *prefix)
{
    static const char *const marks[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
    size_t i = 0;
    while (i < len) {
        size_t m = 0, ml = 0;
        for (; m < sizeof marks / sizeof marks[0]; m++) {
            ml = strlen(marks[m]);
            /* An attribute starts after a blank or ':' (xlink:href); url( anywhere. */
            bool at = ml <= len - i && !memcmp(svg + i, marks[m], ml) &&
                      (m == 4 || (i > 0 && (svg[i - 1] == ' ' || svg[i - 1] == '\n' ||
                                            svg[i - 1] == '\t' || svg[i - 1] == ':')));
            if (at)
                break;
        }
        if (m == sizeof marks / sizeof marks[0]) {
            fputc(svg[i++], f);
            continue;
        }
        fwrite(svg + i, 1, ml, f);
        fputs(prefix, f);
        i += ml;
    }
}

int report_svg_figure(FILE *f, const char *path, const char *caption, double axis,
                      const char *prefix)
{
    char *text = NULL;
    size_t len = 0;
    if (report_slurp(path, &text, &len) != 0)
        return -1;
    const char *svg = strstr(text, "<svg");
    if (!svg) {
        diag_error(NULL, "'%s' holds no SVG document (gnuplot's svg terminal wrote it?)", path);
        free(text);
        return -1;
    }
    fprintf(f, "<figure class=\"plot\" data-axis=\"%g\">\n", axis);
    report_svg_ids(f, svg, len - (size_t)(svg - text), prefix);
    fputs("<figcaption>", f);
    report_html(f, caption);
    fputs("</figcaption>\n</figure>\n", f);
    free(text);
    return 0;
}

int report_slurp(const char *path, char **text, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        diag_error(NULL, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, in)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    int bad = ferror(in);
    fclose(in);
    if (bad) {
        diag_error(NULL, "cannot read '%s'", path);
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

/* ---- events.csv as a timeline ------------------------------------------------------- */

static bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

int report_events_table(FILE *f, const char *dir)
{
    char *path = text_join_path(dir, "events.csv");
    if (!file_exists(path)) {
        free(path);
        fputs("<p>No events.</p>\n", f);
        return 0;
    }
    struct csvin *in;
    int rc = csvin_open(path, NULL, &in);
    if (rc != 0) {
        free(path);
        return -1;
    }
    const struct csvin_row *row;
    long n = 0, more = 0;
    bool header = true;
    while ((rc = csvin_next(in, &row)) > 0) {
        if (header) {
            header = false;
            continue;
        }
        if (row->nfields < 4) {
            rc = csvin_error(row, CSVIN_RECORD, "an event needs 4 fields "
                             "(time_s,kind,name,detail), this row has %zu", row->nfields);
            break;
        }
        if (n >= REPORT_EVENTS_MAX) {
            more++;
            continue;
        }
        if (n == 0)
            fputs("<table class=\"events\">\n<thead><tr><th>time</th><th>kind</th><th>what"
                  "</th><th>detail</th></tr></thead>\n<tbody>\n", f);
        double t = strtod(row->fields[0], NULL);
        fputs("<tr class=\"kind-", f);
        report_html(f, row->fields[1]);
        fprintf(f, "\"><td><a href=\"#replay\" class=\"ev\" data-t=\"%.6f\">", t);
        report_html(f, row->fields[0]);
        fputs(" s</a></td><td>", f);
        report_html(f, row->fields[1]);
        fputs("</td><td>", f);
        report_html(f, row->fields[2]);
        fputs("</td><td>", f);
        report_html(f, row->fields[3]);
        fputs("</td></tr>\n", f);
        n++;
    }
    csvin_close(in);
    free(path);
    if (rc < 0)
        return -1;
    if (n == 0)
        fputs("<p>No events.</p>\n", f);
    else
        fputs("</tbody>\n</table>\n", f);
    if (more)
        fprintf(f, "<p class=\"note\">%ld more events are in events.csv (the page shows the "
                   "first %d).</p>\n", more, REPORT_EVENTS_MAX);
    return 0;
}

/* ---- a CSV as a table ------------------------------------------------------------------ */

static bool left_out(const char *col)
{
    static const char *const cols[] = {"sd", "interval", "confidence", "holm_significant",
                                       "unpaired_ci_low", "unpaired_ci_high", NULL};
    for (const char *const *c = cols; *c; c++)
        if (!strcmp(*c, col))
            return true;
    return false;
}

static void put_cell(FILE *f, const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (*v && !*end && strchr(v, '.')) {
        fprintf(f, "<td class=\"num\">%.4g</td>", d);
    } else {
        fputs(*v && !*end ? "<td class=\"num\">" : "<td>", f);
        report_html(f, v);
        fputs("</td>", f);
    }
}

int report_csv_table(FILE *f, const char *path)
{
    struct csvin *in;
    if (csvin_open(path, NULL, &in) != 0)
        return -1;
    const struct csvin_row *row;
    int rc;
    size_t lo = CSVIN_ABSENT, hi = CSVIN_ABSENT, conf = CSVIN_ABSENT, ncols = 0;
    char confidence[32] = "";
    bool *skip = NULL;
    while ((rc = csvin_next(in, &row)) > 0) {
        if (row->record == 0) {
            ncols = row->nfields;
            skip = xcalloc(ncols, sizeof *skip);
            fputs("<table class=\"variants\">\n<thead><tr>", f);
            for (size_t i = 0; i < row->nfields; i++) {
                const char *c = row->fields[i];
                if (!strcmp(c, "ci_low"))
                    lo = i;
                else if (!strcmp(c, "ci_high"))
                    hi = i;
                else if (!strcmp(c, "confidence"))
                    conf = i;
                if (left_out(c) || !strcmp(c, "ci_high")) {
                    skip[i] = true;
                    continue;
                }
                fputs("<th>", f);
                report_html(f, !strcmp(c, "ci_low") ? "interval" : c);
                fputs("</th>", f);
            }
            fputs("</tr></thead>\n<tbody>\n", f);
            continue;
        }
        if (row->nfields != ncols) {
            rc = csvin_error(row, CSVIN_RECORD, "expected %zu fields as in the header, got %zu",
                             ncols, row->nfields);
            break;
        }
        if (conf != CSVIN_ABSENT && !confidence[0])
            snprintf(confidence, sizeof confidence, "%s", row->fields[conf]);
        fputs("<tr>", f);
        for (size_t i = 0; i < row->nfields; i++) {
            if (i == lo && hi != CSVIN_ABSENT) {
                char *e1, *e2;
                double a = strtod(row->fields[lo], &e1), b = strtod(row->fields[hi], &e2);
                if (row->fields[lo][0] && !*e1 && row->fields[hi][0] && !*e2)
                    fprintf(f, "<td class=\"num\">[%.4g, %.4g]</td>", a, b);
                else
                    fputs("<td></td>", f);
                continue;
            }
            if (i == hi || skip[i])
                continue;
            put_cell(f, row->fields[i]);
        }
        fputs("</tr>\n", f);
    }
    csvin_close(in);
    free(skip);
    if (rc < 0)
        return -1;
    fputs("</tbody>\n</table>\n", f);
    if (confidence[0]) {
        fputs("<p class=\"note\">Intervals at confidence ", f);
        report_html(f, confidence);
        fputs(".</p>\n", f);
    }
    return 0;
}
