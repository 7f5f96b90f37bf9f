#include "tests/unit.h"

CU_SuiteInfo test_theory_suites[] = {
    CU_SUITE_INFO_NULL,
};
