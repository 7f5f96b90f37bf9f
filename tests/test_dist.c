#include "tests/unit.h"

CU_SuiteInfo test_dist_suites[] = {
    CU_SUITE_INFO_NULL,
};
