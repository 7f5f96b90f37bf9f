/*
 * lesson — the pure parts of the lesson gallery (`elbsim lessons`): the little arithmetic
 * a lesson's numbers and claims are written in, and HTML escaping for the page.
 *
 * An expression is numbers, references to a run's summary metrics, + - * /, unary minus,
 * parentheses and min(...)/max(...) of one or more expressions:
 *
 *     100 * lor:target.app/0.requests / lor:run.run.requests
 *
 * A reference is RUN:SCOPE.NAME.METRIC: RUN a name of letters, digits, '_' and '-', then
 * the summary.csv key (scope, name and metric joined by '.'; names may hold '/' and '-').
 * A claim is two or more expressions joined by <, <=, > or >=; a chain holds when every
 * comparison does ("0 < a < 0.01 * b").
 *
 * References are resolved through a callback, so the same parser checks a manifest before
 * anything runs (a callback that only checks the run's name) and evaluates it after.
 * Errors are written into a caller's buffer with the byte offset where they occur, so the
 * caller reports them at the manifest's file:line:col (diag_error_text).
 */
#ifndef ELBSIM_ANALYSIS_LESSON_H
#define ELBSIM_ANALYSIS_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Resolve the reference run:key (both NUL-terminated, borrowed for the call).  Returns 0
 * with *out, or -1 after writing why into err (errlen bytes). */
typedef int (*lesson_lookup_fn)(void *ctx, const char *run, const char *key, double *out,
                                char *err, size_t errlen);

/* The outcome of parsing: on error, what (err) and where (offset/len in the text). */
struct lesson_error {
    char msg[256];
    size_t offset;
    size_t len;
};

/* Evaluate the expression text.  0 with *out, or -1 with *e filled. */
int lesson_eval(const char *text, lesson_lookup_fn lookup, void *ctx, double *out,
                struct lesson_error *e);

/* A claim's operator, as written. */
enum lesson_op { LESSON_LT, LESSON_LE, LESSON_GT, LESSON_GE };

/* Evaluate the claim text: 0 with *holds and the values on both sides (*lhs, *rhs) of the
 * first comparison that fails (the first comparison when all hold) and its operator's
 * spelling (*op, static), or -1 with *e filled. */
int lesson_claim(const char *text, lesson_lookup_fn lookup, void *ctx, bool *holds,
                 double *lhs, double *rhs, const char **op, struct lesson_error *e);

/* Write s to f with &, <, >, " and ' escaped for HTML text and attribute values. */
void lesson_html_escape(FILE *f, const char *s);

#endif
