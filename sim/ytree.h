/*
 * ytree — YAML documents as a small tree that remembers where every value came from.
 *
 * libyaml parses; ytree keeps maps, sequences and scalars with their file:line:column so
 * that every later error about a value ("unknown algorithm 'x'") can point at it.  It also
 * implements the two things every scenario reader needs: rejecting unknown keys with the
 * nearest valid one suggested, and `--set path=value` overrides addressed by path with
 * list items named by their `name` key (`target_groups.web.algorithm`).
 *
 * Not supported (reported as errors): anchors and aliases, several documents per file,
 * non-scalar mapping keys, duplicate keys.
 */
#ifndef ELBSIM_SIM_YTREE_H
#define ELBSIM_SIM_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/diag.h"

enum ytree_kind { YTREE_SCALAR, YTREE_MAP, YTREE_SEQ };

/* A node.  Invariants: a MAP has n keys and n items; a SEQ has n items and keys == NULL;
 * a SCALAR has its text in `text` and n == 0.  Strings are owned by the node. */
struct ytree {
    enum ytree_kind kind;
    struct loc loc;          /* where the value starts; loc.file is owned by the root */
    char *text;              /* SCALAR: the value */
    bool quoted;             /* SCALAR: written in quotes (never a null/number) */
    size_t n;                /* MAP/SEQ: number of entries */
    char **keys;             /* MAP: keys */
    struct loc *key_locs;    /* MAP: where each key starts */
    struct ytree **items;    /* MAP/SEQ: values */
    char *file_owned;        /* root only: storage of loc.file */
};

/* The deepest nesting of mappings and sequences a scenario (or a --set path plus its
 * value) may have.  Real scenarios nest about 8 deep; the limit keeps every recursive
 * walk of a tree (building, freeing, relocating, reading) far from the stack's end. */
#define YTREE_MAX_DEPTH 64

/* Parse a file.  Returns 0 and *out, or -1 after diag errors naming file:line:col;
 * nesting deeper than YTREE_MAX_DEPTH is such an error.
 * Caller frees with ytree_free. */
int ytree_load_file(const char *path, struct ytree **out);

/* Parse text as if it came from a file named `name` (for tests and --set values). */
int ytree_load_string(const char *text, const char *name, struct ytree **out);

void ytree_free(struct ytree *t);

/* MAP lookup; NULL when absent (or t is not a map). */
struct ytree *ytree_get(const struct ytree *t, const char *key);

/* Where key sits in a MAP (its key location), or the map's own location when absent. */
const struct loc *ytree_key_loc(const struct ytree *t, const char *key);

/* Check that every key of a MAP is one of valid[] (NULL-terminated).  On the first unknown
 * key: diag error "unknown key 'x' in <what>; did you mean 'y'? valid keys: ..." and -1.
 * Also errors (-1) when t is not a map. */
int ytree_check_keys(const struct ytree *t, const char *what, const char *const valid[]);

/* Nearest string to s among cands (Levenshtein, at most 1/2 of the length away), or NULL. */
const char *ytree_nearest(const char *s, const char *const cands[]);

/* Apply one `path=value` override.  Path segments are separated by '.'; in a sequence a
 * segment names the item whose `name` is that segment, or is an index.  The last segment
 * may name a key not yet written (it is added).  The value is parsed as YAML, so
 * `--set 'workloads.a.connection={requests: 5}'` works.
 *
 * Below a scalar written as a call (sim/call.h) the path goes on into the call: a segment
 * names a parameter by its key or its position (0, 1, ...), and a nested call's parameter
 * by more segments.  `--set workloads.w.arrivals.rate=500/s` turns `poisson(rate=200/s)`
 * into `poisson(rate=500/s)`; only parameters the text writes can be addressed (keys that
 * hold a '.' only by position), and the value must be one parameter's (no ',' outside
 * parentheses).  The changed scalar then points at the argument, so a message about the
 * new value (a bad rate) names `--set` and the value's column.
 *
 * Errors (path not found, with the names that exist; no such parameter, with the call's
 * parameters) are reported against the text `arg` with a caret and return -1. */
int ytree_set(struct ytree *root, const char *arg);

/* The kind's name for messages: "a mapping", "a list", "a value". */
const char *ytree_kind_name(enum ytree_kind k);

#endif
