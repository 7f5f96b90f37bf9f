#include "tests/unit.h"

CU_SuiteInfo test_queue_suites[] = {
    CU_SUITE_INFO_NULL,
};
