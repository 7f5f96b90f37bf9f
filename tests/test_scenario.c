#include "tests/unit.h"

CU_SuiteInfo test_scenario_suites[] = {
    CU_SUITE_INFO_NULL,
};
