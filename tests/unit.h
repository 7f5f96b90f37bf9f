/* The suite arrays every tests/test_<module>.c exports, and small helpers shared by the
 * suites. */
#ifndef ELBSIM_TESTS_UNIT_H
#define ELBSIM_TESTS_UNIT_H

#include <stdio.h>

#include <CUnit/CUnit.h>

extern CU_SuiteInfo test_queue_suites[];
extern CU_SuiteInfo test_pool_suites[];
extern CU_SuiteInfo test_rng_suites[];
extern CU_SuiteInfo test_units_suites[];
extern CU_SuiteInfo test_dist_suites[];
extern CU_SuiteInfo test_theory_suites[];
extern CU_SuiteInfo test_histogram_suites[];
extern CU_SuiteInfo test_csvout_suites[];
extern CU_SuiteInfo test_series_suites[];
extern CU_SuiteInfo test_summary_suites[];
extern CU_SuiteInfo test_plot_suites[];
extern CU_SuiteInfo test_report_suites[];
extern CU_SuiteInfo test_yaml_suites[];
extern CU_SuiteInfo test_yread_suites[];
extern CU_SuiteInfo test_readers_suites[];
extern CU_SuiteInfo test_scenario_suites[];
extern CU_SuiteInfo test_models_suites[];
extern CU_SuiteInfo test_health_suites[];
extern CU_SuiteInfo test_routing_suites[];
extern CU_SuiteInfo test_flow_table_suites[];
extern CU_SuiteInfo test_arrivals_suites[];
extern CU_SuiteInfo test_catalog_suites[];
extern CU_SuiteInfo test_cron_suites[];
extern CU_SuiteInfo test_metrics_suites[];
extern CU_SuiteInfo test_scaling_suites[];
extern CU_SuiteInfo test_experiment_suites[];
extern CU_SuiteInfo test_validation_suites[];
extern CU_SuiteInfo test_forecast_suites[];
extern CU_SuiteInfo test_asg_suites[];
extern CU_SuiteInfo test_ecs_suites[];
extern CU_SuiteInfo test_kube_suites[];
extern CU_SuiteInfo test_ca_suites[];
extern CU_SuiteInfo test_karpenter_suites[];
extern CU_SuiteInfo test_lb_suites[];
extern CU_SuiteInfo test_trace_suites[];
extern CU_SuiteInfo test_access_log_suites[];
extern CU_SuiteInfo test_fit_suites[];
extern CU_SuiteInfo test_hpa_suites[];
extern CU_SuiteInfo test_run_suites[];

/* Run a shell command line (the elbsim binary is in $ELBSIM) capturing stdout+stderr into
 * *out (caller frees); returns the exit status, or -1 if it could not run. */
int unit_run_capture(const char *cmdline, char **out);

/* Path of the elbsim binary under test ($ELBSIM, else build/elbsim). */
const char *unit_elbsim(void);

/* The whole file at path as a NUL-terminated buffer of any size (caller frees), or NULL if
 * it cannot be opened or read.  Binary files are fine; the NUL is extra. */
char *unit_slurp(const char *path);

/* The running suite's scratch folder, /tmp/elbsim-<suite name>-XXXXXX.  unit_tmpdir_init
 * and unit_tmpdir_fini are the suite's init and cleanup functions in its CU_SuiteInfo (they
 * take no argument, hence one folder kept here); the others work on that folder between
 * them.  Tests put plain files in it, no subfolders.  CUnit runs one suite at a time. */

/* Make the folder.  Returns 0, or -1 (errno set) so CUnit reports the suite's init failed. */
int unit_tmpdir_init(void);

/* Empty and remove the folder.  Returns 0, or -1 (errno set). */
int unit_tmpdir_fini(void);

/* The folder's path. */
const char *unit_tmpdir(void);

/* "<folder>/<file>" in storage of its own: valid until the next call. */
char *unit_tmpdir_path(const char *file);

/* Remove every file in the folder, which stays. */
void unit_tmpdir_empty(void);

/* Number of entries in the folder (without . and ..), or -1 if it cannot be read. */
int unit_tmpdir_count(void);

/* diag output caught in memory between unit_diag_capture_start() and _end(), which puts
 * the previous stream back. */
struct unit_diag_capture {
    FILE *f;                /* the memory stream diag writes to while capturing */
    FILE *old;              /* the stream to restore */
    char *buf;              /* the memory stream's buffer; _end hands it to the caller */
    size_t len;             /* bytes in buf */
    unsigned errors_before; /* diag_error_count() at start */
    unsigned errors;        /* errors reported between start and end, set by _end */
};

/* Send diag messages to a fresh memory stream. */
void unit_diag_capture_start(struct unit_diag_capture *c);

/* Restore the previous diag stream; returns what was written meanwhile, NUL-terminated
 * ("" if nothing; caller frees), and sets c->errors. */
char *unit_diag_capture_end(struct unit_diag_capture *c);

#endif
