/*
 * report — `elbsim report DIR` and `output.report: true`: DIR/report.html for a run's,
 * a compare's or a sweep's folder (cmd_report.c; the page is analysis/report).
 */
#ifndef ELBSIM_SIM_CLI_REPORT_H
#define ELBSIM_SIM_CLI_REPORT_H

struct report_page;

/* Write DIR/report.html; gnuplot as for plot_run_gnuplot (NULL: "gnuplot").  Returns an
 * exit status: EXIT_OK, EXIT_ENV (I/O, gnuplot) or EXIT_BAD_INPUT, after a message. */
int report_write(const char *dir, const char *gnuplot);

/* The sections other parts of elbsim add to DIR's page, after the built-in ones (each is
 * one report_page_section call). */
void report_add_sections(struct report_page *page, const char *dir);

#endif
