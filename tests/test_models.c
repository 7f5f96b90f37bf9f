#include "tests/unit.h"

CU_SuiteInfo test_models_suites[] = {
    CU_SUITE_INFO_NULL,
};
