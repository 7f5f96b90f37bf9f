/*
 * report_impl — what the report files share; not for use outside analysis/report*.c.
 *
 *   report.c         escaping, the page, an SVG inlined, events.csv as a table
 *   report_replay.c  the replay's data (report_replay_json)
 *   report_js.c      the page's style sheet and script, as C strings
 */
#ifndef ELBSIM_ANALYSIS_REPORT_IMPL_H
#define ELBSIM_ANALYSIS_REPORT_IMPL_H

#include <stddef.h>

/* The page's CSS and its script (the replay, the plots' time marks, the event links). */
extern const char report_css[];
extern const char report_js[];

/* The whole file at path, NUL-terminated, into *text (owned by the caller) and its length
 * into *len.  0, or -1 after a message naming the path. */
int report_slurp(const char *path, char **text, size_t *len);

#endif
