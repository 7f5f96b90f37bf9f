/*
 * text — small string helpers shared by the parsers and message writers.
 *
 * text_distance and text_nearest give "did you mean" suggestions (Levenshtein distance);
 * text_appendf builds a message or canonical text piece by piece in a fixed buffer;
 * text_join_path makes "dir/file".
 */
#ifndef ELBSIM_SIM_TEXT_H
#define ELBSIM_SIM_TEXT_H

#include <stddef.h>

/* Levenshtein distance between two strings. */
size_t text_distance(const char *a, const char *b);

/* The candidate nearest to s (NULL-terminated list), or NULL when even the nearest is more
 * than half of s's length (at least 3) away. */
const char *text_nearest(const char *s, const char *const cands[]);

/* snprintf at buf + *used, advancing *used; never writes past n and always leaves buf
 * NUL-terminated (the text is cut when it does not fit). */
void text_appendf(char *buf, size_t n, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "dir/file", newly allocated (caller frees). */
char *text_join_path(const char *dir, const char *file);

/* Copies of three strings in one allocation: returns the first copy (the block the caller
 * frees, once, with free) and sets *b2 and *c2 to the others inside it. */
char *text_dup3(const char *a, const char *b, const char *c, char **b2, char **c2);

#endif
