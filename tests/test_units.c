#include "tests/unit.h"

CU_SuiteInfo test_units_suites[] = {
    CU_SUITE_INFO_NULL,
};
