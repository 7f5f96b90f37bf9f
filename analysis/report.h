/*
 * report — one self-contained HTML page (report.html) built from sections, and what the
 * page's parts need: HTML and JSON escaping, an SVG file inlined, the replay's data from
 * a run's time series, events.csv as a timeline.  No network: the CSS and the script are
 * inline, the figures inline SVG, the replay's data a JSON block in the page.
 *
 * A page is a title and sections in order; each section is an id (its anchor), a title
 * (in the page's contents list) and its HTML.  Adding a section is one call
 * (report_page_section), so a new part of the story (the narrated requests of a traced
 * run) needs no change here.  sim/cli/cmd_report.c decides which sections a folder gets.
 *
 * Bounds: the replay holds at most REPORT_REPLAY_FRAMES frames (every k-th row of the time
 * series, k = ceil(rows / REPORT_REPLAY_FRAMES), the last row always kept) and the first
 * REPORT_REPLAY_TARGETS targets in the CSV's column order; the page says when it left
 * anything out.  The event timeline shows the first REPORT_EVENTS_MAX events.
 */
#ifndef ELBSIM_ANALYSIS_REPORT_H
#define ELBSIM_ANALYSIS_REPORT_H

#include <stdio.h>

#define REPORT_REPLAY_FRAMES 600
#define REPORT_REPLAY_TARGETS 64
#define REPORT_EVENTS_MAX 2000

/* ---- escaping ----------------------------------------------------------------------- */

/* s as HTML text or attribute value: & < > " ' as entities, control characters other than
 * line breaks and tabs as spaces. */
void report_html(FILE *f, const char *s);

/* s as a JSON string with its quotes; safe inside a <script> element too: '<', '>' and
 * '&' as \u003c, \u003e, \u0026, control characters as \u00XX. */
void report_json_string(FILE *f, const char *s);

/* v as a JSON number of at most 6 significant digits; NaN and infinities as null. */
void report_json_number(FILE *f, double v);

/* ---- bounds ------------------------------------------------------------------------- */

/* The step k that keeps at most cap of n rows (rows 0, k, 2k, ...; 1 when n <= cap).
 * cap >= 1. */
long report_stride(long n, long cap);

/* Whether row i of n is kept at step k: a multiple of k, or the last row. */
int report_row_kept(long i, long n, long k);

/* ---- the page ----------------------------------------------------------------------- */

struct report_page;

struct report_page *report_page_new(const char *title);
void report_page_free(struct report_page *p);

/* Add a section: id (letters, digits, '-', '_': its anchor), title (text) and html (its
 * body, markup as given).  Sections appear in the order added. */
void report_page_section(struct report_page *p, const char *id, const char *title,
                         const char *html);

/* Write the page to path atomically (a temporary beside it, renamed).  0, or -1 after a
 * message naming the path. */
int report_page_write(const struct report_page *p, const char *path);

/* ---- parts -------------------------------------------------------------------------- */

/* The SVG document in path inlined (its XML declaration and DOCTYPE dropped) inside
 * <figure class="plot" data-axis="axis">, with caption, its ids made unique in the page
 * (report_svg_ids with prefix).  axis: the unit of the figure's time axis in seconds (1,
 * 60, 3600), 0 for a figure without one.  0, or -1 after a message (unreadable, or no
 * <svg> in it). */
int report_svg_figure(FILE *f, const char *path, const char *caption, double axis,
                      const char *prefix);

/* The len bytes of svg with prefix put before every id it defines (id='x', id="x") and
 * refers to (href='#x', xlink:href="#x", url(#x)), so several SVG documents (gnuplot names
 * its ids alike in every figure) can share one page. */
void report_svg_ids(FILE *f, const char *svg, size_t len, const char *prefix);

/* A target's zone known from the scenario (static targets). */
struct report_zone {
    const char *target; /* "app/3" */
    const char *zone;   /* "b" */
};

/* The replay's data of a run's folder as a JSON object (see docs/report.md): the frames'
 * times, each target's in-flight requests, queue and utilization per frame (null while it
 * does not exist), its group, zone (zones[], else the zone its launch event in events.csv
 * names) and health changes, the load balancers' in-flight requests, the scaling units'
 * desired and in-service capacity.  Reads DIR/timeseries_wide.csv and DIR/events.csv (when
 * there).  0, or -1 after a message (nothing useful written then). */
int report_replay_json(FILE *f, const char *dir, const struct report_zone *zones, int nzones);

/* events.csv of DIR as an ordered table whose times link to the replay and the plots
 * (class "ev", data-t in seconds).  Writes "<p>No events.</p>" when the file is absent or
 * holds none.  0, or -1 after a message. */
int report_events_table(FILE *f, const char *dir);

/* A CSV file (compare.csv, sweep.csv) as a table: numbers to 4 significant digits,
 * ci_low and ci_high as one "interval" column "[low, high]", the columns sd, interval,
 * confidence, holm_significant and unpaired_* left out (the confidence level is said
 * under the table).  0, or -1 after a message. */
int report_csv_table(FILE *f, const char *path);

#endif
