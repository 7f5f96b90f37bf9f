/* The suite arrays every tests/test_<module>.c exports, and small helpers shared by the
 * suites. */
#ifndef ELBSIM_TESTS_UNIT_H
#define ELBSIM_TESTS_UNIT_H

#include <stdio.h>

#include <CUnit/CUnit.h>

extern CU_SuiteInfo test_queue_suites[];
extern CU_SuiteInfo test_rng_suites[];
extern CU_SuiteInfo test_units_suites[];
extern CU_SuiteInfo test_dist_suites[];
extern CU_SuiteInfo test_theory_suites[];
extern CU_SuiteInfo test_histogram_suites[];
extern CU_SuiteInfo test_csvout_suites[];
extern CU_SuiteInfo test_series_suites[];
extern CU_SuiteInfo test_summary_suites[];
extern CU_SuiteInfo test_plot_suites[];
extern CU_SuiteInfo test_yaml_suites[];
extern CU_SuiteInfo test_scenario_suites[];
extern CU_SuiteInfo test_models_suites[];
extern CU_SuiteInfo test_arrivals_suites[];
extern CU_SuiteInfo test_catalog_suites[];
extern CU_SuiteInfo test_validation_suites[];

/* Run a shell command line (the elbsim binary is in $ELBSIM) capturing stdout+stderr into
 * *out (caller frees); returns the exit status, or -1 if it could not run. */
int unit_run_capture(const char *cmdline, char **out);

/* Path of the elbsim binary under test ($ELBSIM, else build/elbsim). */
const char *unit_elbsim(void);

#endif
