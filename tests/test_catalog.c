/* Tests of models/compute/catalog: instance lookups and prices, the Fargate size table of
 * AWS.md §8, Fargate prices and per-second billing with a minimum. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/compute/catalog.h"
#include "tests/unit.h"

static void find_known_types_and_reject_unknown(void)
{
    const struct catalog_instance *c = catalog_find("c5.large");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->name, "c5.large");
    CU_ASSERT_EQUAL(c->vcpus, 2);
    CU_ASSERT_EQUAL(c->memory_gb, 4);
    CU_ASSERT_DOUBLE_EQUAL(c->price_per_hour_usd, 0.085, 1e-12);
    CU_ASSERT_EQUAL(c->speed, 1.0);

    const struct catalog_instance *m = catalog_find("m5.large");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_DOUBLE_EQUAL(m->price_per_hour_usd, 0.096, 1e-12);
    CU_ASSERT_EQUAL(m->memory_gb, 8);
    CU_ASSERT_EQUAL(m->speed, 0.9);

    const struct catalog_instance *t = catalog_find("t3.medium");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_DOUBLE_EQUAL(t->price_per_hour_usd, 0.0416, 1e-12);
    CU_ASSERT_EQUAL(t->vcpus, 2);
    CU_ASSERT_EQUAL(t->memory_gb, 4);

    const struct catalog_instance *n = catalog_find("t3.nano");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(n->memory_gb, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(n->price_per_hour_usd, 0.0052, 1e-12);

    const struct catalog_instance *r = catalog_find("r5.24xlarge");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(r->vcpus, 96);
    CU_ASSERT_EQUAL(r->memory_gb, 768);

    CU_ASSERT_PTR_NULL(catalog_find("c5.huge"));
    CU_ASSERT_PTR_NULL(catalog_find("C5.large"));
    CU_ASSERT_PTR_NULL(catalog_find("c5"));
    CU_ASSERT_PTR_NULL(catalog_find(""));
    CU_ASSERT_PTR_NULL(catalog_find(NULL));
    CU_ASSERT_PTR_NOT_NULL(catalog_find("c5.9xlarge"));
    CU_ASSERT_PTR_NULL(catalog_find("m5.9xlarge"));
    CU_ASSERT_PTR_NULL(catalog_find("c5.8xlarge"));
}

/* AWS.md §8: "An AWS doc example shows c5.2xlarge at $0.34". */
static void c5_2xlarge_costs_0_34_per_hour(void)
{
    const struct catalog_instance *c = catalog_find("c5.2xlarge");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_DOUBLE_EQUAL(c->price_per_hour_usd, 0.34, 1e-12);
    CU_ASSERT_EQUAL(c->vcpus, 8);
    CU_ASSERT_EQUAL(c->memory_gb, 16);
}

/* Size multiplier of an instance size name: large = 1, xlarge = 2, NxNlarge = 2N. */
static double size_factor(const char *size)
{
    if (!strcmp(size, "nano") || !strcmp(size, "micro") || !strcmp(size, "small") ||
        !strcmp(size, "medium"))
        return (double)NAN;
    if (!strcmp(size, "large"))
        return 1;
    if (!strcmp(size, "xlarge"))
        return 2;
    return 2 * atof(size);
}

/* Every row: sorted by family then size, price linear in the size within the family, memory
 * per vCPU as the family has it, speeds as documented. */
static void table_is_sorted_and_linear_within_families(void)
{
    size_t rows = 0;
    const struct catalog_instance *prev = NULL;
    for (const struct catalog_instance *ci = catalog_instances; ci->name; ci++, rows++) {
        const char *dot = strchr(ci->name, '.');
        CU_ASSERT_PTR_NOT_NULL_FATAL(dot);
        char fam[8] = {0};
        memcpy(fam, ci->name, (size_t)(dot - ci->name));
        const struct catalog_instance *large = NULL;
        char lname[32];
        snprintf(lname, sizeof lname, "%s.large", fam);
        large = catalog_find(lname);
        CU_ASSERT_PTR_NOT_NULL_FATAL(large);
        CU_ASSERT_PTR_EQUAL(catalog_find(ci->name), ci);
        CU_ASSERT_PTR_NOT_NULL(ci->family_note);
        double f = size_factor(dot + 1);
        if (!isnan(f)) {
            CU_ASSERT_DOUBLE_EQUAL(ci->price_per_hour_usd, f * large->price_per_hour_usd, 1e-9);
            CU_ASSERT_DOUBLE_EQUAL(ci->vcpus, 2 * f, 0);
        }
        double gb_per_vcpu = !strcmp(fam, "c5") ? 2 : !strcmp(fam, "m5") ? 4
                           : !strcmp(fam, "r5") ? 8 : (double)NAN;
        if (!isnan(gb_per_vcpu))
            CU_ASSERT_DOUBLE_EQUAL(ci->memory_gb, gb_per_vcpu * ci->vcpus, 0);
        CU_ASSERT_DOUBLE_EQUAL(ci->speed, !strcmp(fam, "c5") ? 1.0 : 0.9, 0);
        if (prev) {
            int c = strncmp(prev->name, ci->name, 2);
            CU_ASSERT(c <= 0);
            if (c == 0) {
                CU_ASSERT(ci->vcpus >= prev->vcpus);
                CU_ASSERT(ci->memory_gb > prev->memory_gb);
                CU_ASSERT(ci->price_per_hour_usd > prev->price_per_hour_usd);
            }
        }
        prev = ci;
    }
    CU_ASSERT_EQUAL(rows, 8 + 8 + 8 + 7);
    /* t3 sizes from the brief: 2 vCPU up to large, 4 for xlarge, 8 for 2xlarge. */
    CU_ASSERT_EQUAL(catalog_find("t3.large")->vcpus, 2);
    CU_ASSERT_EQUAL(catalog_find("t3.xlarge")->vcpus, 4);
    CU_ASSERT_EQUAL(catalog_find("t3.2xlarge")->vcpus, 8);
    CU_ASSERT_EQUAL(catalog_find("t3.2xlarge")->memory_gb, 32);
    CU_ASSERT_DOUBLE_EQUAL(catalog_find("t3.2xlarge")->price_per_hour_usd, 0.3328, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(catalog_find("r5.large")->price_per_hour_usd, 0.126, 1e-12);
}

/* The AWS.md §8 table, row by row: lowest, highest and an inner size are valid; one step
 * below, one step above and an off-ladder size are not. */
static void fargate_sizes_follow_the_aws_table(void)
{
    static const struct {
        double vcpu;
        double valid[6];
        double invalid[6];
    } rows[] = {
        {0.25, {0.5, 1, 2}, {0.25, 1.5, 3, 4}},
        {0.5, {1, 2, 3, 4}, {0.5, 1.5, 5, 8}},
        {1, {2, 3, 5, 8}, {1, 2.5, 9, 16}},
        {2, {4, 5, 11, 16}, {3, 4.5, 17, 30}},
        {4, {8, 9, 17, 30}, {7, 8.5, 31, 60}},
        {8, {16, 20, 44, 60}, {12, 17, 18, 64}},
        {16, {32, 40, 96, 120}, {24, 36, 33, 128}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (size_t j = 0; j < 6 && rows[i].valid[j] > 0; j++)
            CU_ASSERT_TRUE(catalog_fargate_is_valid(rows[i].vcpu, rows[i].valid[j]));
        for (size_t j = 0; j < 6 && rows[i].invalid[j] > 0; j++)
            CU_ASSERT_FALSE(catalog_fargate_is_valid(rows[i].vcpu, rows[i].invalid[j]));
    }
    /* vCPU values Fargate does not offer. */
    CU_ASSERT_FALSE(catalog_fargate_is_valid(0.3, 1));
    CU_ASSERT_FALSE(catalog_fargate_is_valid(3, 8));
    CU_ASSERT_FALSE(catalog_fargate_is_valid(32, 64));
    CU_ASSERT_FALSE(catalog_fargate_is_valid(0, 0));
    CU_ASSERT_FALSE(catalog_fargate_is_valid(1, (double)NAN));
    /* A size computed through units (1 GB = 1e9 bytes, back to GB) still matches. */
    CU_ASSERT_TRUE(catalog_fargate_is_valid(0.5, 3e9 / 1e9));
    CU_ASSERT_TRUE(catalog_fargate_is_valid(0.25, 0.1 * 5));
}

static void fargate_valid_memory_lists_what_to_write(void)
{
    char buf[128];
    catalog_fargate_valid_memory(0.5, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "1, 2, 3, 4 GB");
    catalog_fargate_valid_memory(0.25, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "0.5, 1, 2 GB");
    catalog_fargate_valid_memory(1, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "2, 3, 4, 5, 6, 7, 8 GB");
    catalog_fargate_valid_memory(4, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "8 to 30 GB in 1 GB steps");
    catalog_fargate_valid_memory(16, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "32 to 120 GB in 8 GB steps");
    catalog_fargate_valid_memory(3, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "none: cpu must be one of 0.25, 0.5, 1, 2, 4, 8, 16");
    /* Truncation keeps the string terminated. */
    char tiny[6];
    catalog_fargate_valid_memory(0.5, tiny, sizeof tiny);
    CU_ASSERT_STRING_EQUAL(tiny, "1, 2,");
    catalog_fargate_valid_memory(0.5, tiny, 0);
}

static void fargate_price_is_per_vcpu_plus_per_gb(void)
{
    CU_ASSERT_DOUBLE_EQUAL(catalog_fargate_price_per_hour(1, 2), 0.04048 + 2 * 0.004445, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(catalog_fargate_price_per_hour(0.25, 0.5),
                           0.25 * 0.04048 + 0.5 * 0.004445, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(catalog_fargate_price_per_hour(16, 120),
                           16 * 0.04048 + 120 * 0.004445, 1e-12);
}

static void billing_is_per_second_with_a_minimum(void)
{
    /* What has run by now: never started, still running, stopped, stopped in the future. */
    CU_ASSERT_EQUAL(catalog_ran_s((double)NAN, (double)NAN, 100), 0);
    CU_ASSERT_EQUAL(catalog_ran_s(10, (double)NAN, 100), 90);
    CU_ASSERT_EQUAL(catalog_ran_s(10, 40, 100), 30);
    CU_ASSERT_EQUAL(catalog_ran_s(10, 400, 100), 90);
    CU_ASSERT_EQUAL(catalog_ran_s(150, (double)NAN, 100), 0);
    CU_ASSERT_EQUAL(catalog_billed_seconds(0, CATALOG_EC2_MINIMUM_S), 0);
    CU_ASSERT_EQUAL(catalog_billed_seconds(-5, CATALOG_EC2_MINIMUM_S), 0);
    CU_ASSERT_EQUAL(catalog_billed_seconds(0.001, CATALOG_EC2_MINIMUM_S), 60);
    CU_ASSERT_EQUAL(catalog_billed_seconds(59.5, CATALOG_FARGATE_MINIMUM_S), 60);
    CU_ASSERT_EQUAL(catalog_billed_seconds(60, CATALOG_EC2_MINIMUM_S), 60);
    CU_ASSERT_EQUAL(catalog_billed_seconds(60.2, CATALOG_EC2_MINIMUM_S), 61);
    CU_ASSERT_EQUAL(catalog_billed_seconds(3600, CATALOG_EC2_MINIMUM_S), 3600);
    CU_ASSERT_EQUAL(catalog_billed_seconds(10.5, 0), 11);
    /* An hour of c5.large costs its hourly price. */
    double usd = catalog_billed_seconds(3600, 60) / 3600 *
                 catalog_find("c5.large")->price_per_hour_usd;
    CU_ASSERT_DOUBLE_EQUAL(usd, 0.085, 1e-12);
}

static CU_TestInfo catalog_tests[] = {
    {"find_known_types_and_reject_unknown", find_known_types_and_reject_unknown},
    {"c5_2xlarge_costs_0_34_per_hour", c5_2xlarge_costs_0_34_per_hour},
    {"table_is_sorted_and_linear_within_families", table_is_sorted_and_linear_within_families},
    {"fargate_sizes_follow_the_aws_table", fargate_sizes_follow_the_aws_table},
    {"fargate_valid_memory_lists_what_to_write", fargate_valid_memory_lists_what_to_write},
    {"fargate_price_is_per_vcpu_plus_per_gb", fargate_price_is_per_vcpu_plus_per_gb},
    {"billing_is_per_second_with_a_minimum", billing_is_per_second_with_a_minimum},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_catalog_suites[] = {
    {"catalog", NULL, NULL, NULL, NULL, catalog_tests},
    CU_SUITE_INFO_NULL,
};
