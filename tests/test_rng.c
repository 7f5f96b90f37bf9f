#include "tests/unit.h"

CU_SuiteInfo test_rng_suites[] = {
    CU_SUITE_INFO_NULL,
};
