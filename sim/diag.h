/*
 * diag — one way to report bad input: "file:line:col: error: message".
 *
 * Scenario files, traces, distribution text and command-line values all report through
 * diag_error() / diag_error_text(), so every message has the same shape: where, the
 * offending value quoted, and what was expected.  The program exits with status 2 after a
 * reported error (sim/cli decides; the library only reports and returns -1).
 *
 * An environment failure met while reading input (a file that cannot be opened or read:
 * the path and strerror) is reported the same way through diag_env_error() /
 * diag_env_error_text() and counted apart as well, so that sim/cli exits with status 1
 * instead of 2 (STYLE.md §5) without every layer in between passing the kind along.
 *
 * Messages are bounded whatever the input: a quoted value ('...') longer than
 * DIAG_QUOTE_MAX bytes is shown as its first DIAG_QUOTE_KEEP bytes, "..." and its length;
 * a message still longer than DIAG_MESSAGE_MAX keeps its start and its end; an echoed text
 * line shows DIAG_ECHO_MAX bytes around the place.  A 1 MB value prints a few hundred
 * bytes, not megabytes (docs/robustness.md).
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
#define DIAG_QUOTE_MAX 160    /* bytes of a quoted value shown whole */
#define DIAG_QUOTE_KEEP 120   /* bytes of a longer one shown */
#define DIAG_MESSAGE_MAX 2048 /* bytes of a message (after DIAG_QUOTE_*) shown whole */
#define DIAG_ECHO_MAX 160     /* bytes of an echoed text line shown */

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

/* Report an environment failure (open, read: the message names the path and strerror)
 * like diag_error / diag_error_text.  Counted by diag_error_count and diag_env_error_count.
 * Returns -1. */
int diag_env_error(const struct loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int diag_env_error_text(const struct loc *base, const char *text, size_t offset, size_t len,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Print a warning (not counted as an error). */
void diag_warning(const struct loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Redirect messages (NULL restores stderr).  Returns the previous stream. */
FILE *diag_set_stream(FILE *f);

/* Number of errors of both kinds reported since the start or the last diag_reset(). */
unsigned diag_error_count(void);

/* Number of those that were environment failures (diag_env_error*): a command that failed
 * after one exits with status 1, not 2. */
unsigned diag_env_error_count(void);
void diag_reset(void);

#endif
