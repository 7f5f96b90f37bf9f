/* CSV input with line numbers; see sim/csvin.h.
 *
 * libcsv reports fields and record ends but not where they were.  So the reader splits the
 * file into lines itself (LF, CRLF or CR) and feeds libcsv one line at a time with its line
 * end replaced by a single "\n": a record ends inside the call for its last line, and at
 * most one record ends per line.  The lines of the record in progress are kept, joined by
 * "\n", so that a field can be found again for a message: its line is the record's first
 * plus the line breaks before it, its column the bytes since the last one. */
#include "sim/csvin.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/xalloc.h"

#define READ_BYTES 65536       /* one fread */
#define ECHO_LINE_BYTES 200    /* a line up to this long is echoed whole ... */
#define ECHO_CONTEXT_BYTES 40  /* ... a longer one as this much either side of the field */

/* Invariants: raw holds the lines of the record in progress (empty between records); it is
 * non-empty after a line was fed without ending a record only inside a quoted field.
 * bytes/starts/fields hold the fields libcsv has finished in that record. */
struct csvin {
    FILE *f;
    const char *path;           /* borrowed */
    struct csvin_origin origin; /* where the file was named; its pointers borrowed */
    bool has_origin;
    struct csv_parser cp;
    char *buf;                  /* READ_BYTES bytes read from f, of which [pos, len) unused */
    size_t buf_len, buf_pos;
    bool at_start;              /* nothing read yet: a byte-order mark may come */
    bool eof;
    bool skip_lf;               /* the last line ended with CR: an LF next is part of it */
    int line;                   /* lines read so far */
    int rec_line;               /* line where the record in progress starts */
    char *raw;                  /* the record's lines so far, joined by '\n', NUL-terminated */
    size_t raw_len, raw_cap;    /* bytes */
    char *bytes;                /* its finished fields, each NUL-terminated */
    size_t used, cap;           /* bytes */
    size_t *starts;             /* field i at bytes + starts[i] */
    char **fields;              /* built when the record ends */
    size_t nf, capf;            /* fields finished, capacity of starts and fields */
    bool done;                  /* libcsv ended the record */
    size_t records;             /* records returned */
    int status;                 /* 0 reading, 1 at the end, or the CSVIN_ERR_ code */
    struct csvin_row row;
    char value[CSVIN_EXCERPT_BYTES + 4]; /* csvin_value's excerpt */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A UTF-8 continuation byte: not where a character starts. */
static bool is_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* How many of s's n bytes to show within max bytes, cut between characters. */
static size_t cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && is_cont(s[k]))
        k--;
    return k;
}

/* --- messages --------------------------------------------------------------------------- */

/* fmt formatted into a new string (caller frees): a path or a value may be long. */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static char *vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    size_t size = n > 0 ? (size_t)n + 1 : 1;
    char *s = xmalloc(size);
    vsnprintf(s, size, fmt, ap);
    return s;
}

static int io_error(const struct csvin_origin *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int io_error(const struct csvin_origin *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    if (o && o->text)
        diag_env_error_text(o->base, o->text, o->off, o->len, "%s", msg);
    else
        diag_env_error(o ? o->base : NULL, "%s", msg);
    free(msg);
    return CSVIN_ERR_IO;
}

/* Report msg at byte off of the n-byte line text (line `line` of file), echoing the line
 * with [off, off+len) underlined: the whole line when short, else an excerpt around the
 * field with at most CSVIN_EXCERPT_BYTES of it. */
static void echo_error(const char *file, int line, const char *text, size_t n, size_t off,
                       size_t len, const char *msg)
{
    char buf[ECHO_LINE_BYTES + 1];
    size_t k = 0, eoff, elen;
    if (n <= ECHO_LINE_BYTES) {
        memcpy(buf, text, n);
        k = n;
        eoff = off;
        elen = len;
    } else {
        size_t ws = 0;
        if (off > ECHO_CONTEXT_BYTES + 3) {
            ws = off - ECHO_CONTEXT_BYTES;
            while (ws < off && is_cont(text[ws]))
                ws++;
            memcpy(buf, "...", 3);
            k = 3;
        }
        memcpy(buf + k, text + ws, off - ws);
        k += off - ws;
        eoff = k;
        elen = cut(text + off, len, CSVIN_EXCERPT_BYTES);
        memcpy(buf + k, text + off, elen);
        k += elen;
        if (elen < len) {
            memcpy(buf + k, "...", 3);
            k += 3;
        } else {
            size_t from = off + len, we = from + ECHO_CONTEXT_BYTES;
            if (we >= n)
                we = n;
            while (we > from && we < n && is_cont(text[we]))
                we--;
            memcpy(buf + k, text + from, we - from);
            k += we - from;
            if (we < n) {
                memcpy(buf + k, "...", 3);
                k += 3;
            }
        }
    }
    for (size_t i = 0; i < k; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    buf[k] = '\0';
    /* The column counts in the file's line, not in the excerpt. */
    struct loc base = {file, line, (int)(1 + off - eoff)};
    diag_error_text(&base, buf, eoff, elen, "%s", msg);
}

/* Report msg about raw[b, e) of the record in progress, at its own line and column. */
static void span_error(const struct csvin *in, size_t b, size_t e, const char *msg)
{
    size_t ls = b, le = b;
    while (ls > 0 && in->raw[ls - 1] != '\n')
        ls--;
    while (le < in->raw_len && in->raw[le] != '\n')
        le++;
    int line = in->rec_line;
    for (size_t i = 0; i < ls; i++)
        line += in->raw[i] == '\n';
    if (e > le)
        e = le;
    echo_error(in->path, line, in->raw + ls, le - ls, b - ls, e > b ? e - b : 0, msg);
}

/* Split s[0, n) as strict CSV: returns the number of fields; [*b, *e) is field want's
 * text (quotes included, blanks around excluded), *unclosed the opening quote of a quoted
 * field that never closes (SIZE_MAX if none). */
static size_t locate(const char *s, size_t n, size_t want, size_t *b, size_t *e,
                     size_t *unclosed)
{
    size_t pos = 0, k = 0;
    *unclosed = SIZE_MAX;
    for (;;) {
        while (pos < n && is_blank(s[pos]))
            pos++;
        size_t fb = pos;
        if (pos < n && s[pos] == '"') {
            for (pos++;; pos++) {
                if (pos >= n) {
                    *unclosed = fb;
                    break;
                }
                if (s[pos] == '"' && !(pos + 1 < n && s[pos + 1] == '"')) {
                    pos++;
                    break;
                }
                if (s[pos] == '"')
                    pos++; /* a doubled quote */
            }
        }
        while (pos < n && s[pos] != ',')
            pos++;
        size_t fe = pos;
        while (fe > fb && is_blank(s[fe - 1]))
            fe--;
        if (k == want) {
            *b = fb;
            *e = fe;
        }
        k++;
        if (pos >= n)
            return k;
        pos++;
    }
}

int csvin_error(const struct csvin_row *row, size_t i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    const struct csvin *in = row->in;
    size_t b = 0, e = 0, unclosed;
    if (i < row->nfields && locate(in->raw, in->raw_len, i, &b, &e, &unclosed) == row->nfields) {
        span_error(in, b, e, msg);
    } else {
        struct loc at = {row->file, row->line, 0};
        diag_error(&at, "%s", msg);
    }
    free(msg);
    return CSVIN_ERR_INPUT;
}

const char *csvin_value(const struct csvin_row *row, size_t i)
{
    const char *f = row->fields[i];
    size_t n = strlen(f), k = cut(f, n, CSVIN_EXCERPT_BYTES);
    if (k == n)
        return f;
    char *v = row->in->value;
    memcpy(v, f, k);
    memcpy(v + k, "...", 4);
    return v;
}

/* --- reading ---------------------------------------------------------------------------- */

static void field_cb(void *data, size_t len, void *vin)
{
    struct csvin *in = vin;
    if (in->nf == in->capf) {
        in->capf = in->capf ? 2 * in->capf : 16;
        in->starts = xrealloc(in->starts, in->capf * sizeof *in->starts);
        in->fields = xrealloc(in->fields, in->capf * sizeof *in->fields);
    }
    if (in->used + len + 1 > in->cap) {
        while (in->used + len + 1 > in->cap)
            in->cap = in->cap ? 2 * in->cap : 256;
        in->bytes = xrealloc(in->bytes, in->cap);
    }
    in->starts[in->nf++] = in->used;
    if (len)
        memcpy(in->bytes + in->used, data, len);
    in->bytes[in->used + len] = '\0';
    in->used += len + 1;
}

static void record_cb(int c, void *vin)
{
    (void)c;
    struct csvin *in = vin;
    if (in->nf > 0)
        in->done = true;
}

/* Refill the read buffer: 1, 0 at the end of the file, or CSVIN_ERR_IO (reported). */
static int fill(struct csvin *in)
{
    if (in->eof)
        return 0;
    in->buf_len = fread(in->buf, 1, READ_BYTES, in->f);
    in->buf_pos = 0;
    if (ferror(in->f))
        return io_error(in->has_origin ? &in->origin : NULL, "cannot read '%s': %s", in->path,
                        strerror(errno));
    if (in->buf_len == 0) {
        in->eof = true;
        return 0;
    }
    if (in->at_start) {
        in->at_start = false;
        if (in->buf_len >= 3 && !memcmp(in->buf, "\xEF\xBB\xBF", 3)) /* UTF-8 BOM */
            in->buf_pos = 3;
    }
    return 1;
}

/* Append s[0, n) to raw, keeping it NUL-terminated; false if the record would exceed the
 * bound. */
static bool raw_append(struct csvin *in, const char *s, size_t n)
{
    if (in->raw_len + n + 1 > CSVIN_MAX_RECORD_BYTES)
        return false;
    if (in->raw_len + n + 1 > in->raw_cap) {
        while (in->raw_len + n + 1 > in->raw_cap)
            in->raw_cap = in->raw_cap ? 2 * in->raw_cap : 1024;
        in->raw = xrealloc(in->raw, in->raw_cap);
    }
    memcpy(in->raw + in->raw_len, s, n);
    in->raw_len += n;
    in->raw[in->raw_len] = '\0';
    return true;
}

/* The record would pass the bound on the line starting at raw + begin. */
static int too_long(struct csvin *in, size_t begin)
{
    size_t col = begin < CSVIN_MAX_RECORD_BYTES ? CSVIN_MAX_RECORD_BYTES - begin : 1;
    struct loc at = {in->path, in->line + 1, (int)col};
    if (begin == 0)
        return diag_error(&at, "the line is longer than %zu bytes; expected one CSV record of "
                               "at most that size per line (is this a CSV file?)",
                          CSVIN_MAX_RECORD_BYTES);
    return diag_error(&at, "the record from line %d is longer than %zu bytes; is a quoted field "
                           "not closed?", in->rec_line, CSVIN_MAX_RECORD_BYTES);
}

/* Read the next line onto raw (after a '\n' when raw is not empty); *begin is where it
 * starts there.  1, 0 at the end of the file, or a CSVIN_ERR_ code (reported). */
static int read_line(struct csvin *in, size_t *begin)
{
    size_t mark = in->raw_len;
    if (mark > 0 && !raw_append(in, "\n", 1))
        return too_long(in, mark + 1);
    *begin = in->raw_len;
    bool any = false;
    for (;;) {
        if (in->buf_pos == in->buf_len) {
            int rc = fill(in);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                if (any)
                    break;
                in->raw_len = mark;
                in->raw[mark] = '\0';
                return 0;
            }
        }
        if (in->skip_lf) {
            in->skip_lf = false;
            if (in->buf[in->buf_pos] == '\n') {
                in->buf_pos++;
                continue;
            }
        }
        const char *s = in->buf + in->buf_pos;
        size_t n = in->buf_len - in->buf_pos, k = 0;
        while (k < n && s[k] != '\n' && s[k] != '\r')
            k++;
        if (!raw_append(in, s, k))
            return too_long(in, *begin);
        any = true;
        in->buf_pos += k;
        if (k < n) {
            in->skip_lf = s[k] == '\r';
            in->buf_pos++;
            break;
        }
    }
    in->line++;
    const char *nul = memchr(in->raw + *begin, '\0', in->raw_len - *begin);
    if (nul) {
        size_t at = (size_t)(nul - in->raw);
        span_error(in, at, at + 1, "a NUL byte; expected text (is this a CSV file?)");
        return CSVIN_ERR_INPUT;
    }
    return 1;
}

static int fail(struct csvin *in, int rc)
{
    in->status = rc;
    return rc;
}

int csvin_next(struct csvin *in, const struct csvin_row **row)
{
    if (in->status)
        return in->status > 0 ? 0 : in->status;
    in->raw_len = 0;
    in->nf = 0;
    in->used = 0;
    in->done = false;
    for (;;) {
        if (in->raw_len == 0)
            in->rec_line = in->line + 1;
        size_t begin = 0;
        int rc = read_line(in, &begin);
        if (rc < 0)
            return fail(in, rc);
        if (rc == 0 && in->raw_len == 0) {
            in->status = 1;
            return 0;
        }
        if (rc == 0) {
            size_t b, e, unclosed;
            locate(in->raw, in->raw_len, SIZE_MAX, &b, &e, &unclosed);
            const char *msg = "malformed CSV: a quoted field is not closed before the end of "
                              "the file";
            if (unclosed == SIZE_MAX) {
                struct loc at = {in->path, in->rec_line, 0};
                diag_error(&at, "%s", msg);
            } else {
                span_error(in, unclosed, unclosed + 1, msg);
            }
            return fail(in, CSVIN_ERR_INPUT);
        }
        size_t n = in->raw_len - begin;
        if (begin == 0) {
            size_t i = 0;
            while (i < n && is_blank(in->raw[i]))
                i++;
            if (i == n) { /* a blank line between records: libcsv would skip it too */
                in->raw_len = 0;
                continue;
            }
        }
        size_t got = csv_parse(&in->cp, in->raw + begin, n, field_cb, record_cb, in);
        if (got == n && csv_parse(&in->cp, "\n", 1, field_cb, record_cb, in) != 1)
            got = n + 1;
        if (got != n) {
            char msg[256];
            snprintf(msg, sizeof msg, "malformed CSV (%s): quote a field that contains "
                                      "quotes, commas or line breaks, and double the quotes "
                                      "inside it", csv_strerror(csv_error(&in->cp)));
            size_t at = begin + (got < n ? got : n);
            span_error(in, at, at + 1, msg);
            return fail(in, CSVIN_ERR_INPUT);
        }
        if (in->done)
            break;
    }
    for (size_t i = 0; i < in->nf; i++)
        in->fields[i] = in->bytes + in->starts[i];
    in->row = (struct csvin_row){in->path, in->rec_line, in->records++, in->nf, in->fields, in};
    *row = &in->row;
    return 1;
}

int csvin_open(const char *path, const struct csvin_origin *origin, struct csvin **out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return io_error(origin, "cannot open '%s': %s", path, strerror(errno));
    /* fopen takes a directory; reading it would fail later with a vaguer message. */
    struct stat st;
    int err = fstat(fileno(f), &st) ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (err) {
        fclose(f);
        return io_error(origin, "cannot open '%s': %s", path, strerror(err));
    }
    struct csvin *in = xcalloc(1, sizeof *in);
    in->f = f;
    in->path = path;
    if (origin) {
        in->origin = *origin;
        in->has_origin = true;
    }
    /* Strict: a quote inside an unquoted field, or text after a closing quote, is an error
     * rather than a guess.  Allocation failures abort, as everywhere (xalloc.h). */
    int rc = csv_init(&in->cp, CSV_STRICT);
    ELB_ASSERT(rc == 0);
    csv_set_realloc_func(&in->cp, xrealloc);
    in->buf = xmalloc(READ_BYTES);
    in->raw_cap = 1024;
    in->raw = xmalloc(in->raw_cap);
    in->raw[0] = '\0';
    in->at_start = true;
    *out = in;
    return 0;
}

void csvin_close(struct csvin *in)
{
    if (!in)
        return;
    csv_free(&in->cp);
    fclose(in->f);
    free(in->buf);
    free(in->raw);
    free(in->bytes);
    free(in->starts);
    free(in->fields);
    free(in);
}

int csvin_read(const char *path, const struct csvin_origin *origin, csvin_row_fn *fn,
               void *ctx)
{
    struct csvin *in = NULL; /* set when csvin_open returns 0 (NULL for gcc's LTO analysis) */
    int rc = csvin_open(path, origin, &in);
    if (rc)
        return rc;
    const struct csvin_row *row;
    while ((rc = csvin_next(in, &row)) > 0)
        if ((rc = fn(ctx, row)) != 0)
            break;
    csvin_close(in);
    return rc;
}

/* --- headers and values ------------------------------------------------------------------ */

int csvin_header_read(const struct csvin_row *row, const struct csvin_header *h, size_t col[])
{
    for (size_t k = 0; k < h->ncolumns; k++)
        col[k] = CSVIN_ABSENT;
    for (size_t i = 0; i < row->nfields; i++) {
        size_t k = 0;
        while (k < h->ncolumns && strcmp(row->fields[i], h->columns[k].name))
            k++;
        if (k == h->ncolumns)
            return csvin_error(row, i, "%s '%s'; %s", h->unknown, csvin_value(row, i),
                               h->expected);
        if (col[k] != CSVIN_ABSENT)
            return csvin_error(row, i, "column '%s' appears twice", csvin_value(row, i));
        col[k] = i;
    }
    for (size_t k = 0; k < h->ncolumns; k++) {
        if (!h->columns[k].required || col[k] != CSVIN_ABSENT)
            continue;
        if (h->missing)
            return csvin_error(row, 0, "%s", h->missing);
        return csvin_error(row, 0, "the header has no %s column; %s", h->columns[k].name,
                           h->expected);
    }
    return 0;
}

int csvin_check_width(const struct csvin_row *row, size_t header_fields)
{
    if (row->nfields == header_fields)
        return 0;
    return csvin_error(row, row->nfields < header_fields ? row->nfields - 1 : header_fields,
                       "row has %zu fields, the header has %zu", row->nfields, header_fields);
}

bool csvin_number(const char *field, double *out)
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
