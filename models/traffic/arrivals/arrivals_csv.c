/* CSV input for traces and rate files, through libcsv, with line numbers.
 *
 * libcsv reports fields and record ends but not where they were, so the file is fed one
 * physical line at a time: a record ends inside the csv_parse call of its last line, and
 * it started on that line minus the line breaks inside its first field.  The raw line is
 * kept for error messages that echo it with the bad field underlined. */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/traffic/arrivals/arrivals_impl.h"
#include "sim/xalloc.h"

struct csv_reader {
    const char *file;
    int line;         /* physical line being fed, 1-based */
    int rec_line;     /* line where the current record started */
    size_t record;    /* records completed so far */
    char *bytes;      /* the current record's fields, each NUL-terminated */
    size_t used, cap; /* in bytes */
    size_t *starts;   /* field i begins at bytes + starts[i] */
    char **fields;    /* built at the record's end */
    size_t *offs, *lens;
    size_t nf, capf;       /* fields in the record, capacity of the four arrays above */
    char *raw;             /* the current line without its line end */
    size_t raw_cap;
    arrivals_csv_row_fn *fn;
    void *ctx;
    bool failed;
};

static void field_cb(void *data, size_t len, void *vr)
{
    struct csv_reader *r = vr;
    if (r->failed)
        return;
    if (r->nf == 0) {
        int breaks = 0;
        for (size_t i = 0; i < len; i++)
            breaks += ((const char *)data)[i] == '\n';
        r->rec_line = r->line - breaks;
    }
    if (r->nf == r->capf) {
        r->capf = r->capf ? 2 * r->capf : 16;
        r->starts = xrealloc(r->starts, r->capf * sizeof *r->starts);
        r->fields = xrealloc(r->fields, r->capf * sizeof *r->fields);
        r->offs = xrealloc(r->offs, r->capf * sizeof *r->offs);
        r->lens = xrealloc(r->lens, r->capf * sizeof *r->lens);
    }
    if (r->used + len + 1 > r->cap) {
        while (r->used + len + 1 > r->cap)
            r->cap = r->cap ? 2 * r->cap : 256;
        r->bytes = xrealloc(r->bytes, r->cap);
    }
    r->starts[r->nf++] = r->used;
    if (len)
        memcpy(r->bytes + r->used, data, len);
    r->bytes[r->used + len] = '\0';
    r->used += len + 1;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Where each field of a one-line record sits in raw (quotes included, blanks around
 * excluded).  False if the split disagrees with libcsv's field count. */
static bool locate_fields(struct csv_reader *r)
{
    size_t len = strlen(r->raw), pos = 0, k = 0;
    for (;;) {
        size_t b = pos;
        bool quoted = false;
        while (pos < len && (quoted || r->raw[pos] != ',')) {
            if (r->raw[pos] == '"')
                quoted = !quoted;
            pos++;
        }
        size_t e = pos;
        while (b < e && is_blank(r->raw[b]))
            b++;
        while (e > b && is_blank(r->raw[e - 1]))
            e--;
        if (k == r->nf)
            return false;
        r->offs[k] = b;
        r->lens[k] = e - b;
        k++;
        if (pos == len)
            return k == r->nf;
        pos++;
    }
}

static void record_cb(int c, void *vr)
{
    (void)c;
    struct csv_reader *r = vr;
    if (r->failed || r->nf == 0)
        return;
    for (size_t i = 0; i < r->nf; i++)
        r->fields[i] = r->bytes + r->starts[i];
    bool one_line = r->rec_line == r->line && locate_fields(r);
    struct arrivals_csv_row row = {r->file,  r->rec_line,
                                   r->record, r->nf,
                                   r->fields, one_line ? r->raw : NULL,
                                   r->offs,  r->lens};
    if (r->fn(r->ctx, &row))
        r->failed = true;
    r->record++;
    r->nf = 0;
    r->used = 0;
}

int arrivals_csv_read(const char *path, const struct arrivals_parse *p,
                      const struct sim_call_arg *where, arrivals_csv_row_fn *fn, void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return arrivals_parse_error(p, where->value_off, where->value_len,
                                    "cannot open '%s': %s", path, strerror(errno));
    struct csv_parser cp;
    if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI)) {
        fclose(f);
        return arrivals_parse_error(p, where->value_off, where->value_len,
                                    "cannot read '%s': out of memory", path);
    }
    struct csv_reader r = {.file = path, .fn = fn, .ctx = ctx};
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    int rc = 0;
    while (!r.failed && (got = getline(&line, &line_cap, f)) != -1) {
        r.line++;
        const char *text = line;
        size_t n = (size_t)got;
        if (r.line == 1 && n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) { /* UTF-8 BOM */
            text += 3;
            n -= 3;
        }
        if (n + 1 > r.raw_cap) {
            r.raw_cap = n + 1;
            r.raw = xrealloc(r.raw, r.raw_cap);
        }
        size_t rn = n;
        while (rn > 0 && (text[rn - 1] == '\n' || text[rn - 1] == '\r'))
            rn--;
        memcpy(r.raw, text, rn);
        r.raw[rn] = '\0';
        if (csv_parse(&cp, text, n, field_cb, record_cb, &r) != n) {
            struct loc at = {path, r.line, 0};
            rc = diag_error(&at, "malformed CSV (%s): quote a field that contains quotes, "
                                 "commas or line breaks, and double the quotes inside it",
                            csv_strerror(csv_error(&cp)));
            break;
        }
    }
    if (rc == 0 && !r.failed && ferror(f))
        rc = arrivals_parse_error(p, where->value_off, where->value_len, "cannot read '%s': %s",
                                  path, strerror(errno));
    if (rc == 0 && !r.failed && csv_fini(&cp, field_cb, record_cb, &r)) {
        struct loc at = {path, r.rec_line ? r.rec_line : r.line, 0};
        rc = diag_error(&at, "malformed CSV: a quoted field is not closed before the end of "
                             "the file");
    }
    if (r.failed)
        rc = -1;
    csv_free(&cp);
    free(line);
    free(r.raw);
    free(r.bytes);
    free(r.starts);
    free(r.fields);
    free(r.offs);
    free(r.lens);
    fclose(f);
    return rc;
}

int arrivals_csv_error(const struct arrivals_csv_row *row, size_t i, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (row->raw && i < row->nfields) {
        struct loc base = {row->file, row->line, 1};
        return diag_error_text(&base, row->raw, row->offs[i], row->lens[i], "%s", msg);
    }
    struct loc at = {row->file, row->line, 0};
    return diag_error(&at, "%s", msg);
}

bool arrivals_csv_number(const char *field, double *out)
{
    /* strtod alone would also take hex, "inf" and "nan". */
    if (!field[0] || strspn(field, "0123456789+-.eE") != strlen(field))
        return false;
    char *end;
    errno = 0;
    double v = strtod(field, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}
