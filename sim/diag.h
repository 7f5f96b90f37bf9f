/*
 * diag — one way to report bad input: "file:line:col: error: message".
 *
 * Scenario files, traces, distribution text and command-line values all report through
 * diag_error() / diag_error_text(), so every message has the same shape: where, the
 * offending value quoted, and what was expected.  The program exits with status 2 after a
 * reported error (sim/cli decides; the library only reports and returns -1).
 *
 * Messages go to stderr unless diag_set_stream() redirects them (tests capture them in
 * a memory stream).  The error count lets a caller tell "something was reported" apart
 * from "nothing to say".
 */
#ifndef ELBSIM_SIM_DIAG_H
#define ELBSIM_SIM_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* A position in an input.  file NULL means the command line; line/col are 1-based, 0 when
 * unknown. */
struct loc {
    const char *file; /* borrowed; NULL for a command-line value */
    int line;         /* 1-based, 0 = unknown */
    int col;          /* 1-based, 0 = unknown */
};

/* Report an error at loc (may be NULL).  Always returns -1 so callers can
 * `return diag_error(...)`. */
int diag_error(const struct loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Report an error inside a one-line text that starts at base (may be NULL): the column is
 * base->col + offset, and the text is echoed with a caret line under [offset, offset+len).
 * Returns -1. */
int diag_error_text(const struct loc *base, const char *text, size_t offset, size_t len,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Same as diag_error with a va_list. */
int diag_verror(const struct loc *loc, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Print a warning (not counted as an error). */
void diag_warning(const struct loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Redirect messages (NULL restores stderr).  Returns the previous stream. */
FILE *diag_set_stream(FILE *f);

/* Number of errors reported since the start or the last diag_reset(). */
unsigned diag_error_count(void);
void diag_reset(void);

#endif
