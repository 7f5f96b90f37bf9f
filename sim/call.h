/*
 * call — the text syntax `name(arg, arg, ...)` shared by distributions and arrival
 * processes:
 *
 *     const(5ms)                         one positional argument
 *     poisson(rate=200/s)                key=value
 *     steps(0s: 100/s, 30m: 400/s)       key: value (a time, a weight, ...)
 *     mixture(0.9: exp(mean=10ms), 0.1: const(1s))     values may be calls themselves
 *     40ms                               a bare value: a call with no name and one argument
 *
 * The text is parsed once into a tree that keeps, for every name, key and value, its
 * byte offset in the whole text, so that the code interpreting the tree (sim/dist.c,
 * models/traffic/arrivals.c) can point a caret at the offending part through diag_error_text.
 *
 * Syntax, precisely: a value that contains '(' must be `name(args)` with nothing after
 * the ')'; a name is a letter or '_' followed by letters, digits, '_', '-' or '.'.
 * Arguments are separated by commas that are not inside nested parentheses.  An argument
 * whose text, before any '(', holds '=' or ':' is keyed: the key is the text before the
 * first of them (any non-empty text: "mean", "0.9", "30m"), the value the text after.
 * Blanks around names, keys and values are ignored.  There is no quoting, so a value
 * (a file name, say) cannot contain ',', '(' or ')'.  Nesting is limited to 32 levels.
 *
 * What the keys mean, which are required, what the values must look like: all of that is
 * the interpreter's job, not this module's.
 */
#ifndef ELBSIM_SIM_CALL_H
#define ELBSIM_SIM_CALL_H

#include <stddef.h>

#include "sim/diag.h"

/* One argument.  Offsets are bytes from the start of the whole text given to
 * sim_call_parse, also for arguments of nested calls. */
struct sim_call_arg {
    char *key;              /* NULL for a positional argument; owned */
    char sep;               /* '=' or ':' for a keyed argument, 0 when positional */
    size_t key_off;         /* byte offset of key (or of value when positional) in the whole text */
    char *value;            /* trimmed raw text of the value; owned; never empty */
    size_t value_off;       /* byte offset of value in the whole text */
    size_t value_len;       /* length of value in bytes (== strlen(value)) */
    struct sim_call *call;  /* the value parsed, when it has the form name(...); else NULL; owned */
};

/* A parsed call.  A bare value ("40ms") has name NULL, name_len 0, name_off at the value,
 * and exactly one positional argument holding the value. */
struct sim_call {
    char *name;                /* owned; NULL for a bare value */
    size_t name_off;           /* byte offset of name (of the value when bare) */
    size_t name_len;           /* length of name in bytes, 0 when bare */
    size_t end_off;            /* byte offset just past the closing ')' (past the bare value) */
    size_t nargs;              /* number of arguments, may be 0 for `name()` */
    struct sim_call_arg *args; /* nargs arguments in text order; owned */
};

/* Parse text into a new tree stored in *out.  Errors (empty text, empty name, bad name,
 * unbalanced parentheses, empty argument or value, junk after ')', nesting too deep) are
 * reported through diag_error_text(base, text, ...) with a caret under the offending
 * part, and -1 is returned with *out set to NULL.  base is the location of text's first
 * character (NULL for the command line).  Returns 0 on success; the caller frees the tree
 * with sim_call_free. */
int sim_call_parse(const char *text, const struct loc *base, struct sim_call **out);

/* Free a tree from sim_call_parse; NULL is ignored. */
void sim_call_free(struct sim_call *c);

#endif
