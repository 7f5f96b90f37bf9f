/* flow_table: against a plain array model under random inserts and removes. */
#include <stdlib.h>

#include <CUnit/CUnit.h>

#include "models/flow_table.h"
#include "sim/rng.h"
#include "tests/unit.h"

#define KEYS 5000

static void matches_a_reference_model(void)
{
    struct flow_table ft;
    flow_table_init(&ft);
    static uint8_t present[KEYS + 1];
    static uint32_t value[KEYS + 1];
    gsl_rng *r = sim_rng_new(1, "test.flow_table");
    size_t n = 0;
    for (int step = 0; step < 200000; step++) {
        uint64_t k = 1 + gsl_rng_uniform_int(r, KEYS);
        if (gsl_rng_uniform(r) < 0.55) {
            int created;
            struct flow_entry *e = flow_table_insert(&ft, k, &created);
            CU_ASSERT_EQUAL(created, !present[k]);
            if (created) {
                present[k] = 1;
                n++;
                e->member = value[k] = (uint32_t)step;
            } else {
                CU_ASSERT_EQUAL(e->member, value[k]);
            }
        } else {
            CU_ASSERT_EQUAL(flow_table_remove(&ft, k), present[k]);
            if (present[k])
                n--;
            present[k] = 0;
        }
        CU_ASSERT_EQUAL(ft.n, n);
    }
    /* Every key: found exactly when present, with its value. */
    for (uint64_t k = 1; k <= KEYS; k++) {
        struct flow_entry *e = flow_table_find(&ft, k);
        CU_ASSERT_EQUAL(e != NULL, present[k]);
        if (e)
            CU_ASSERT_EQUAL(e->member, value[k]);
    }
    /* Walking the slots sees each present key once. */
    size_t seen = 0;
    for (size_t i = 0; i <= ft.mask; i++)
        if (ft.slots[i].key) {
            CU_ASSERT(present[ft.slots[i].key]);
            seen++;
        }
    CU_ASSERT_EQUAL(seen, n);
    CU_ASSERT(4 * ft.n <= 3 * (ft.mask + 1));
    flow_table_fini(&ft);
    gsl_rng_free(r);
}

static void sequential_ids_grow_and_drain(void)
{
    struct flow_table ft;
    flow_table_init(&ft);
    CU_ASSERT_PTR_NULL(flow_table_find(&ft, 7));
    int created;
    for (uint64_t k = 1; k <= 100000; k++)
        flow_table_insert(&ft, k, &created)->member = (uint32_t)k;
    CU_ASSERT_EQUAL(ft.n, 100000);
    CU_ASSERT_EQUAL(flow_table_bytes(&ft), (ft.mask + 1) * sizeof(struct flow_entry));
    for (uint64_t k = 1; k <= 100000; k += 2)
        CU_ASSERT_EQUAL(flow_table_remove(&ft, k), 1);
    for (uint64_t k = 1; k <= 100000; k++) {
        struct flow_entry *e = flow_table_find(&ft, k);
        CU_ASSERT_EQUAL(e != NULL, k % 2 == 0);
    }
    CU_ASSERT_EQUAL(flow_table_remove(&ft, 1), 0);
    flow_table_fini(&ft);
}

static CU_TestInfo tests[] = {
    {"matches a reference model", matches_a_reference_model},
    {"sequential ids grow and drain", sequential_ids_grow_and_drain},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_flow_table_suites[] = {
    {"flow_table", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
