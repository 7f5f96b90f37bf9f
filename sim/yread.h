/*
 * yread — typed values out of a YAML tree (sim/ytree), each error at its file:line:col.
 *
 * Every configuration reader (the scenario's top level, each component's block, the
 * scaling policies) takes its values through these getters, so a value of a given type
 * is read, checked and reported the same way everywhere.  A getter looks up `key` in the
 * mapping `m`: when the key is absent it leaves *out as it was (the caller's default) and
 * returns 0; when the value is bad it reports one error through diag, counts it in the
 * reader, and returns -1.  A reader that stops at its first error tests the return value;
 * one that reports every problem of a file keeps going and looks at `errors` at the end.
 *
 * Messages name the key and quote the value: "timeout must be zero or more, got '-1s'".
 * Where two readers worded the same check differently, both wordings exist here as two
 * getters (yread_unit and yread_number), so no message changes.
 *
 * Knows nothing of what the keys mean; sim/units gives the units, sim/dist the
 * distributions (relative file names in them are taken from `dir`).
 */
#ifndef ELBSIM_SIM_YREAD_H
#define ELBSIM_SIM_YREAD_H

#include <stdbool.h>

#include "sim/diag.h"
#include "sim/units.h"

struct sim_dist;
struct ytree;

/* A reader's state.  Invariant: errors counts every error reported through it. */
struct yread {
    const char *dir; /* folder relative file names are read from (borrowed; NULL = current) */
    int errors;      /* errors reported so far */
};

void yread_init(struct yread *r, const char *dir);

/* Count one error that something else already reported (a parser of its own).
 * Returns -1. */
int yread_fail(struct yread *r);

/* Report an error at loc (diag_error) and count it.  Returns -1. */
int yread_error(struct yread *r, const struct loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Unknown keys of m (ytree_check_keys: the nearest valid key suggested); also an error
 * when m is not a mapping.  Returns 0 or -1. */
int yread_keys(struct yread *r, const struct ytree *m, const char *what,
               const char *const valid[]);

/* The node v itself must be a single value: returns v, or NULL after
 * "WHAT must be a single value, not a list". */
const struct ytree *yread_scalar(struct yread *r, const struct ytree *v, const char *what);

/* The single value at key: 0 with *out (NULL when absent), or -1 as yread_scalar (what =
 * key). */
int yread_scalar_at(struct yread *r, const struct ytree *m, const char *key,
                    const struct ytree **out);

/* A number with a unit of `kind` (sim/units: "30s", "1GB", "200/s").  A bad one is
 * reported with the text echoed and underlined: "bad value 'x' for KEY: <what units
 * expects>". */
int yread_unit(struct yread *r, const struct ytree *m, const char *key, enum sim_unit kind,
               double *out);

/* As yread_unit, then "KEY must be greater than zero, got 'V'" for 0 or less. */
int yread_positive(struct yread *r, const struct ytree *m, const char *key, enum sim_unit kind,
                   double *out);

/* As yread_unit, then "KEY must be zero or more, got 'V'" for less than 0. */
int yread_zero_or_more(struct yread *r, const struct ytree *m, const char *key,
                       enum sim_unit kind, double *out);

/* A plain number that may end in '%' ("40%" is 40, for thresholds of Percent metrics).
 * A bad one: "bad value 'x' for KEY: expected a number" (no echo). */
int yread_number(struct yread *r, const struct ytree *m, const char *key, double *out);

/* A whole number in [min, max]: "KEY must be a whole number, got 'V'", "KEY must be
 * between MIN and MAX, got N". */
int yread_int(struct yread *r, const struct ytree *m, const char *key, long min, long max,
              int *out);

/* true/yes/on or false/no/off: "KEY must be true or false, got 'V'". */
int yread_bool(struct yread *r, const struct ytree *m, const char *key, bool *out);

/* A non-empty string, copied: *out (freed first, may be NULL) takes the copy; the caller
 * frees it.  "KEY must not be empty". */
int yread_string(struct yread *r, const struct ytree *m, const char *key, char **out);

/* A distribution (sim/dist text) of quantities in `unit`; the caller frees *out with
 * sim_dist_free.  The parser reports bad text itself. */
int yread_dist(struct yread *r, const struct ytree *m, const char *key, enum sim_unit unit,
               struct sim_dist **out);

/* The list at key, or NULL when absent or, after "KEY must be a list (lines starting with
 * '- '), not a mapping", when it is not a list. */
const struct ytree *yread_list(struct yread *r, const struct ytree *m, const char *key);

/* The key must be there: else "WHAT needs 'KEY'" at m.  Returns 0 or -1. */
int yread_require(struct yread *r, const struct ytree *m, const char *key, const char *what);

/* Every item of list is a mapping with a `name` made of letters, digits, '-' and '_',
 * unique in the list ("duplicate name 'x' in WHAT (first at line N)").  Stops at the
 * first problem.  Returns 0 or -1. */
int yread_names(struct yread *r, const struct ytree *list, const char *what);

#endif
