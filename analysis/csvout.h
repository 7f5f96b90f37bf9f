/*
 * csvout — one CSV file written atomically: rows go to a temporary file next to the
 * destination, which is renamed onto it only when complete (DESIGN.md "Bad input": no
 * output left half-written).
 *
 * Fields are separated by ',' and rows end in "\n".  A text field is quoted as libcsv's
 * csv_fwrite does (surrounded by '"', inner '"' doubled) only when it contains ',', '"', CR
 * or LF; otherwise it is written as is.  Numbers have the bytes of fixed C formats ("%.10g",
 * "%.0f", "%lld") but are written by sim/numfmt, without stdio; elbsim never calls
 * setlocale, so the output is byte-deterministic.  Missing numbers (NaN) are empty fields.
 *
 * Fields are assembled in a buffer of CSVOUT_BUF_BYTES and handed to the unbuffered stream
 * in blocks of that size, one write(2) each.  Write errors are kept (the first errno) and
 * reported once, by csvout_flush or csvout_commit.  The file is not fsync'ed: the rename
 * protects readers from partial files, not from power loss.  Errors print
 * "elbsim: error: PATH: strerror(errno)" through sim/diag.
 */
#ifndef ELBSIM_ANALYSIS_CSVOUT_H
#define ELBSIM_ANALYSIS_CSVOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/numfmt.h"

/* Bytes gathered before one write to the temporary. */
#define CSVOUT_BUF_BYTES 65536

/* Room csvout_num_text needs. */
#define CSVOUT_NUM_BUF NUMFMT_BUF

/* Between csvout_open (success) and csvout_commit / csvout_abort, f is the open
 * temporary and buf the pending bytes (the file holds everything written before them);
 * afterwards f and buf are NULL and the strings are freed. */
struct csvout {
    FILE *f;        /* the temporary file (unbuffered), NULL when closed */
    char *path;     /* destination, owned */
    char *tmp_path; /* path.tmp.XXXXXX, owned */
    char *buf;      /* CSVOUT_BUF_BYTES, owned; bytes not yet written to f */
    size_t len;     /* bytes pending in buf */
    int err;        /* errno of the first failed write, 0 while none failed */
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

/* The text csvout_num writes for v, into buf (CSVOUT_NUM_BUF bytes, NUL-terminated);
 * returns its length, 0 for NaN.  For a number written many times (csvout_raw). */
size_t csvout_num_text(char *buf, double v);

/* Append one integer field. */
void csvout_int(struct csvout *o, long long v);

/* Append an empty field. */
void csvout_empty(struct csvout *o);

/* Append len bytes verbatim as the next field(s): text that is already CSV, such as a
 * row segment read back from another csvout file.  The caller guarantees it is valid. */
void csvout_raw(struct csvout *o, const char *text, size_t len);

/* End the current row ("\n"). */
void csvout_end_row(struct csvout *o);

/* Write the pending bytes to the temporary, so that it can be read back while o stays
 * open.  Returns 0, or -1 after printing the temporary's path and strerror(errno); o stays
 * open either way (csvout_abort or csvout_commit closes it). */
int csvout_flush(struct csvout *o);

/* Flush, check for write errors, close and rename the temporary onto the destination.
 * Returns 0, or -1 after printing path and strerror(errno) and removing the temporary.
 * Either way o is closed afterwards. */
int csvout_commit(struct csvout *o);

/* Close and remove the temporary, leaving the destination untouched.  Does nothing when
 * o is already closed, so it is safe on every cleanup path. */
void csvout_abort(struct csvout *o);

#endif
