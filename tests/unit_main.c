/*
 * The CUnit runner: registers every module's suites and exits non-zero on any failure
 * (CU_get_error() alone only reports framework errors, not failed assertions).
 *
 * Each tests/test_<module>.c exports `CU_SuiteInfo test_<module>_suites[]`, terminated by
 * CU_SUITE_INFO_NULL.  Add one line below per module.
 *
 * Usage: unit_tests [SUBSTRING] [--skip SUBSTRING]
 *   runs the suites whose name contains SUBSTRING, leaving out those that contain the
 *   --skip one (`make unit` skips "validation", which `make validation` runs alone).
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "tests/unit.h"

extern CU_SuiteInfo test_csvin_suites[]; /* tests/test_csvin.c */
extern CU_SuiteInfo test_numfmt_suites[]; /* tests/test_numfmt.c */
extern CU_SuiteInfo test_lesson_suites[]; /* tests/test_lesson.c */

static CU_SuiteInfo *all_suites[] = {
    test_queue_suites,
    test_pool_suites,
    test_rng_suites,
    test_units_suites,
    test_dist_suites,
    test_csvin_suites,
    test_theory_suites,
    test_histogram_suites,
    test_numfmt_suites,
    test_csvout_suites,
    test_series_suites,
    test_summary_suites,
    test_plot_suites,
    test_report_suites,
    test_yaml_suites,
    test_yread_suites,
    test_scenario_suites,
    test_readers_suites,
    test_models_suites,
    test_health_suites,
    test_routing_suites,
    test_flow_table_suites,
    test_arrivals_suites,
    test_catalog_suites,
    test_cron_suites,
    test_metrics_suites,
    test_scaling_suites,
    test_experiment_suites,
    test_validation_suites,
    test_forecast_suites,
    test_asg_suites,
    test_ecs_suites,
    test_kube_suites,
    test_ca_suites,
    test_karpenter_suites,
    test_lb_suites,
    test_trace_suites,
    test_lesson_suites,
    test_access_log_suites,
    test_fit_suites,
    test_hpa_suites,
    test_run_suites,
    NULL,
};

int main(int argc, char **argv)
{
    const char *only = NULL, *skip = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--skip") && i + 1 < argc)
            skip = argv[++i];
        else
            only = argv[i];
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    for (CU_SuiteInfo **s = all_suites; *s; s++) {
        for (CU_SuiteInfo *si = *s; si->pName; si++) {
            if (only && !strstr(si->pName, only))
                continue;
            if (skip && strstr(si->pName, skip))
                continue;
            CU_SuiteInfo one[2] = {*si, CU_SUITE_INFO_NULL};
            if (CU_register_suites(one) != CUE_SUCCESS) {
                fprintf(stderr, "cannot register suite %s: %s\n", si->pName, CU_get_error_msg());
                return 1;
            }
        }
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    unsigned run = CU_get_number_of_tests_run();
    unsigned failed_tests = CU_get_number_of_tests_failed();
    int err = CU_get_error();
    CU_cleanup_registry();
    printf("\n%u passed, %u failed\n", run - failed_tests, failed_tests);
    return (failures || err) ? 1 : 0;
}
