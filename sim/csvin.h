/*
 * csvin — CSV input with line numbers, one record at a time (libcsv underneath).
 *
 * Every CSV file elbsim reads (request traces, hourly rate files, empirical distributions,
 * forecast histories) goes through this reader, so that all of them accept the same files
 * and report problems the same way: "file:line:col: error: ..." with the offending value
 * quoted and the line echoed with the field underlined (sim/diag).
 *
 * Accepted: RFC 4180 CSV with comma separators, fields quoted with " when they hold commas,
 * quotes ("" inside) or line breaks; blanks (space, tab) around a field are dropped; a
 * UTF-8 byte-order mark at the start; LF, CRLF or CR line ends, also mixed; blank lines
 * anywhere outside quotes; a last line without a line end.  A line break inside quotes
 * reaches the field as "\n" whatever the file used, and counts as a line, so records after
 * it keep their true line numbers.
 *
 * Memory is bounded: the file is streamed, the reader holds one record (its lines and its
 * fields, at most CSVIN_MAX_RECORD_BYTES; a longer one is bad input, most often an
 * unclosed quote) and a 64 KiB read buffer.  Messages quote at most CSVIN_EXCERPT_BYTES of
 * a field (csvin_value) and echo a bounded excerpt of a long line.
 *
 * Two kinds of failure (STYLE.md §5): a file that cannot be opened or read (a directory
 * too) is reported with diag_env_error* (path and strerror; the program exits 1) and gives
 * CSVIN_ERR_IO; anything wrong with the content is reported with diag_error* and gives
 * CSVIN_ERR_INPUT (exit 2).  What the fields mean is the caller's business: the reader
 * knows nothing of traces or AWS.
 */
#ifndef ELBSIM_SIM_CSVIN_H
#define ELBSIM_SIM_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/diag.h"

#define CSVIN_MAX_RECORD_BYTES ((size_t)1 << 20) /* one record's text, line ends included */
#define CSVIN_EXCERPT_BYTES 80 /* the most of one field a message quotes or underlines */
#define CSVIN_ABSENT SIZE_MAX  /* csvin_header_read: a column the header does not name */
#define CSVIN_RECORD SIZE_MAX  /* csvin_error: about the record as a whole, not one field */

enum {
    CSVIN_ERR_INPUT = -1, /* bad input, reported (exit 2) */
    CSVIN_ERR_IO = -2,    /* the file could not be opened or read, reported (exit 1) */
};

/* Where the file was named, so that "cannot open 'f': No such file or directory" points
 * there: a one-line text (a scenario value, a distribution on the command line) that
 * starts at base, with the name at [off, off+len).  text NULL: the message is at base
 * alone ("elbsim: error: ..." when base is NULL too). */
struct csvin_origin {
    const struct loc *base; /* location of text[0]; may be NULL */
    const char *text;       /* may be NULL */
    size_t off, len;        /* bytes of the file name in text */
};

struct csvin;

/* One record.  Valid until the next csvin_next or csvin_close. */
struct csvin_row {
    const char *file;     /* the path as given to csvin_open, for messages */
    int line;             /* 1-based line where the record starts */
    size_t record;        /* 0 for the first record (the header, when there is one), 1, ... */
    size_t nfields;       /* >= 1 */
    char *const *fields;  /* NUL-terminated texts: quotes removed, blanks around dropped */
    struct csvin *in;     /* the reader, for csvin_error and csvin_value */
};

/* Open path for reading into a new reader (csvin_close frees it).  path, and what origin
 * points to (origin itself is copied; may be NULL), are borrowed until csvin_close.  On
 * failure reports at origin with path and strerror and returns CSVIN_ERR_IO, *out
 * untouched. */
int csvin_open(const char *path, const struct csvin_origin *origin, struct csvin **out);

/* The next record into *row: returns 1, 0 at the end of the file, or CSVIN_ERR_INPUT /
 * CSVIN_ERR_IO after a message (and the same again on later calls). */
int csvin_next(struct csvin *in, const struct csvin_row **row);

/* Close the file and free the reader and its records; NULL is a no-op. */
void csvin_close(struct csvin *in);

/* Called per record, the first one included.  Returns 0 to go on, or a negative code (after
 * a message) that stops the reading and is returned by csvin_read. */
typedef int csvin_row_fn(void *ctx, const struct csvin_row *row);

/* Open, read every record through fn, close.  0, CSVIN_ERR_IO, CSVIN_ERR_INPUT, or what fn
 * returned. */
int csvin_read(const char *path, const struct csvin_origin *origin, csvin_row_fn *fn,
               void *ctx);

/* Report bad input about field i of row at the field's own line and column (a quoted
 * field may start on a later line than its record), echoing that line with the field
 * underlined (a bounded excerpt of a long line).  i = CSVIN_RECORD: at the record's first
 * line, without column or echo.  Returns CSVIN_ERR_INPUT. */
int csvin_error(const struct csvin_row *row, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Field i as a message should quote it: the text itself, or when it is longer than
 * CSVIN_EXCERPT_BYTES its start (cut between characters) and "...".  Valid until the
 * next call on the same reader. */
const char *csvin_value(const struct csvin_row *row, size_t i);

/* A header with named columns, in any order. */
struct csvin_column {
    const char *name; /* as it must appear in the header */
    bool required;
};

struct csvin_header {
    const struct csvin_column *columns;
    size_t ncolumns;
    const char *unknown;  /* how an unknown name is reported: "<unknown> 'name'; <expected>" */
    const char *expected; /* e.g. unknown "unknown trace column", expected "expected time_s" */
    const char *missing;  /* the message for a missing required column; NULL: "the header
                             has no <name> column; <expected>" */
};

/* Read row as the header: col[k] = the field index of columns[k], or CSVIN_ABSENT.
 * Reports the first unknown name, a name given twice ("column 'x' appears twice") or a
 * missing required column (at the first field) and returns CSVIN_ERR_INPUT; else 0. */
int csvin_header_read(const struct csvin_row *row, const struct csvin_header *h, size_t col[]);

/* Check that row has as many fields as the header had: else reports "row has N fields,
 * the header has M" at the first missing or extra field and returns CSVIN_ERR_INPUT. */
int csvin_check_width(const struct csvin_row *row, size_t header_fields);

/* Parse a whole field as a finite plain decimal number (no hex, inf, nan or unit). */
bool csvin_number(const char *field, double *out);

#endif
