/* pool: zeroed objects, reuse through the free list, the live count, and (outside
 * POOL_DEBUG builds, where every object is its own calloc) cache-line placement. */
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "sim/pool.h"
#include "tests/unit.h"

/* Enough objects of 64 bytes to pass the doubling chunks and fill several 2 MiB ones. */
#define MANY 100000

static void objects_are_zeroed_distinct_and_recycled(void)
{
    struct sim_pool p;
    sim_pool_init(&p, 40);
    static unsigned char *obj[MANY];
    for (int i = 0; i < MANY; i++) {
        obj[i] = sim_pool_get(&p);
        for (int b = 0; b < 40; b++)
            if (obj[i][b] != 0) {
                CU_FAIL("a new object is not zeroed");
                break;
            }
        memset(obj[i], 0xa5, 40); /* overlapping objects would corrupt one another */
        obj[i][0] = (unsigned char)i;
    }
    CU_ASSERT_EQUAL(p.live, (size_t)MANY);
    int intact = 0;
    for (int i = 0; i < MANY; i++)
        intact += obj[i][0] == (unsigned char)i && obj[i][39] == 0xa5;
    CU_ASSERT_EQUAL(intact, MANY);
    for (int i = 0; i < MANY; i += 2)
        sim_pool_put(&p, obj[i]);
    CU_ASSERT_EQUAL(p.live, (size_t)MANY / 2);
    unsigned char *again = sim_pool_get(&p);
    CU_ASSERT_EQUAL(again[0], 0);
    CU_ASSERT_EQUAL(again[39], 0);
#ifndef POOL_DEBUG
    CU_ASSERT_PTR_EQUAL(again, obj[MANY - 2]); /* the last put comes back first (warm) */
#endif
    sim_pool_fini(&p);
}

static void line_sized_objects_start_on_a_line(void)
{
#ifndef POOL_DEBUG
    static const size_t sizes[] = {64, 128, 192};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct sim_pool p;
        sim_pool_init(&p, sizes[s]);
        int off_line = 0;
        for (int i = 0; i < MANY; i++)
            off_line += (uintptr_t)sim_pool_get(&p) % 64 != 0;
        CU_ASSERT_EQUAL(off_line, 0);
        sim_pool_fini(&p);
    }
#endif
}

static CU_TestInfo pool_tests[] = {
    {"objects_are_zeroed_distinct_and_recycled", objects_are_zeroed_distinct_and_recycled},
    {"line_sized_objects_start_on_a_line", line_sized_objects_start_on_a_line},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_pool_suites[] = {
    {"pool", NULL, NULL, NULL, NULL, pool_tests},
    CU_SUITE_INFO_NULL,
};
