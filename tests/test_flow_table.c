/* flow_table: against a plain array model under random inserts and removes. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "models/elb/flow_table.h"
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

/* Removing through the entry leaves the table exactly as removing by key (same slots, so
 * walks and runs stay deterministic), including probe runs that wrap past the end. */
static void remove_entry_leaves_the_table_as_remove_does(void)
{
    struct flow_table by_key, by_entry;
    flow_table_init(&by_key);
    flow_table_init(&by_entry);
    flow_table_prefetch(&by_entry, 3); /* a hint, also on an empty table */
    gsl_rng *r = sim_rng_new(2, "test.flow_table.remove_entry");
    for (int step = 0; step < 100000; step++) {
        /* Few keys for the capacity's growth: long runs, many of them wrapping. */
        uint64_t k = 1 + gsl_rng_uniform_int(r, 400);
        if (gsl_rng_uniform(r) < 0.5) {
            int c1, c2;
            flow_table_insert(&by_key, k, &c1)->member = (uint32_t)step;
            flow_table_prefetch(&by_entry, k);
            struct flow_entry *e = flow_table_insert(&by_entry, k, &c2);
            e->member = (uint32_t)step;
            CU_ASSERT_EQUAL(c1, c2);
        } else {
            int had = flow_table_remove(&by_key, k);
            struct flow_entry *e = flow_table_find(&by_entry, k);
            CU_ASSERT_EQUAL(had, e != NULL);
            if (e)
                flow_table_remove_entry(&by_entry, e);
            CU_ASSERT_PTR_NULL(flow_table_find(&by_entry, k));
        }
        CU_ASSERT_EQUAL(by_key.n, by_entry.n);
        CU_ASSERT_EQUAL_FATAL(by_key.mask, by_entry.mask);
        if (step % 97 == 0 && by_key.slots)
            CU_ASSERT_EQUAL(memcmp(by_key.slots, by_entry.slots,
                                   (by_key.mask + 1) * sizeof *by_key.slots), 0);
    }
    CU_ASSERT_EQUAL(memcmp(by_key.slots, by_entry.slots,
                           (by_key.mask + 1) * sizeof *by_key.slots), 0);
    /* Drain through entries: every key goes, the table ends empty. */
    for (uint64_t k = 1; k <= 400; k++) {
        struct flow_entry *e = flow_table_find(&by_entry, k);
        if (e)
            flow_table_remove_entry(&by_entry, e);
    }
    CU_ASSERT_EQUAL(by_entry.n, 0);
    for (size_t i = 0; i <= by_entry.mask; i++)
        CU_ASSERT_EQUAL(by_entry.slots[i].key, 0);
    flow_table_fini(&by_key);
    flow_table_fini(&by_entry);
    gsl_rng_free(r);
}

static CU_TestInfo tests[] = {
    {"matches a reference model", matches_a_reference_model},
    {"sequential ids grow and drain", sequential_ids_grow_and_drain},
    {"remove_entry leaves the table as remove does", remove_entry_leaves_the_table_as_remove_does},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_flow_table_suites[] = {
    {"flow_table", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};
