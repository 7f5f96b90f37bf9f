/*
 * csvout — one CSV file written atomically: rows go to a temporary file next to the
 * destination, which is renamed onto it only when complete (DESIGN.md "Bad input": no
 * output left half-written).
 *
 * Fields are separated by ',' and rows end in "\n".  A text field is quoted by libcsv
 * (csv_fwrite: surrounded by '"', inner '"' doubled) only when it contains ',', '"', CR
 * or LF; otherwise it is written as is.  Numbers use fixed C formats ("%.10g", "%.0f", "%lld");
 * elbsim never calls setlocale, so the output is byte-deterministic.  Missing numbers
 * (NaN) are empty fields.
 *
 * Write errors are sticky in the stream and reported once, by csvout_commit.  The file is
 * not fsync'ed: the rename protects readers from partial files, not from power loss.
 * Errors print "elbsim: error: PATH: strerror(errno)" through sim/diag.
 */
#ifndef ELBSIM_ANALYSIS_CSVOUT_H
#define ELBSIM_ANALYSIS_CSVOUT_H

#include <stdbool.h>
#include <stdio.h>

/* Between csvout_open (success) and csvout_commit / csvout_abort, f is the open
 * temporary; afterwards f is NULL and the strings are freed. */
struct csvout {
    FILE *f;        /* the temporary file, NULL when closed */
    char *path;     /* destination, owned */
    char *tmp_path; /* path.tmp.XXXXXX, owned */
    bool mid_row;   /* a field was written on the current row (next one needs ',') */
};

/* Create path.tmp.XXXXXX (mkstemp, mode 0666 & ~umask) in path's folder.  Returns 0, or -1
 * after printing the path and strerror(errno); o is then closed. */
int csvout_open(struct csvout *o, const char *path);

/* Append one text field (s not NULL). */
void csvout_str(struct csvout *o, const char *s);

/* Append one number: "%.0f" for whole numbers below 2^53 (so counts keep every digit),
 * else "%.10g"; NaN gives an empty field, -0 gives "0", infinities "inf" / "-inf". */
void csvout_num(struct csvout *o, double v);

/* Append one integer field. */
void csvout_int(struct csvout *o, long long v);

/* Append an empty field. */
void csvout_empty(struct csvout *o);

/* Append len bytes verbatim as the next field(s): text that is already CSV, such as a
 * row segment read back from another csvout file.  The caller guarantees it is valid. */
void csvout_raw(struct csvout *o, const char *text, size_t len);

/* End the current row ("\n"). */
void csvout_end_row(struct csvout *o);

/* Flush, check for write errors, close and rename the temporary onto the destination.
 * Returns 0, or -1 after printing path and strerror(errno) and removing the temporary.
 * Either way o is closed afterwards. */
int csvout_commit(struct csvout *o);

/* Close and remove the temporary, leaving the destination untouched.  Does nothing when
 * o is already closed, so it is safe on every cleanup path. */
void csvout_abort(struct csvout *o);

#endif
