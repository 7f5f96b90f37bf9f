/*
 * Tests of sim/units (numbers with units) and sim/call (the name(arg, ...) syntax).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sim/call.h"
#include "sim/diag.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "tests/unit.h"

/* ---- units ------------------------------------------------------------------------ */

struct unit_case {
    const char *text;
    enum sim_unit kind;
    double want;
};

static void expect_parse(const struct unit_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = -12345;
        const char *why = NULL;
        int rc = sim_units_parse(c[i].text, strlen(c[i].text), c[i].kind, &v, &why);
        if (rc != 0 || v != c[i].want)
            fprintf(stderr, "\n  '%s': rc %d, got %.17g, want %.17g\n", c[i].text, rc, v,
                    c[i].want);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(v, c[i].want); /* exact: decimal scales are applied on the text */
    }
}

static void every_duration_unit_scales_to_seconds(void)
{
    static const struct unit_case c[] = {
        {"40ms", SIM_UNIT_SECONDS, 0.04},      {"1ns", SIM_UNIT_SECONDS, 1e-9},
        {"250us", SIM_UNIT_SECONDS, 250e-6},   {"1.5s", SIM_UNIT_SECONDS, 1.5},
        {"2m", SIM_UNIT_SECONDS, 120},         {"1.5h", SIM_UNIT_SECONDS, 5400},
        {"1d", SIM_UNIT_SECONDS, 86400},       {"0.1ms", SIM_UNIT_SECONDS, 0.0001},
        {"1e3ms", SIM_UNIT_SECONDS, 1},        {"2.5E-1s", SIM_UNIT_SECONDS, 0.25},
        {"-5s", SIM_UNIT_SECONDS, -5},         {"+5s", SIM_UNIT_SECONDS, 5},
        {".5s", SIM_UNIT_SECONDS, 0.5},        {"5.s", SIM_UNIT_SECONDS, 5},
        {" \t40 ms \t", SIM_UNIT_SECONDS, 0.04}, {"0s", SIM_UNIT_SECONDS, 0},
    };
    expect_parse(c, sizeof c / sizeof c[0]);
}

static void bare_number_means_the_base_unit(void)
{
    static const struct unit_case c[] = {
        {"12", SIM_UNIT_SECONDS, 12},  {"0.25", SIM_UNIT_SECONDS, 0.25},
        {"200", SIM_UNIT_RATE, 200},   {"512", SIM_UNIT_BYTES, 512},
        {"0.9", SIM_UNIT_NONE, 0.9},   {"1e-3", SIM_UNIT_NONE, 0.001},
        {" 42 ", SIM_UNIT_NONE, 42},
    };
    expect_parse(c, sizeof c / sizeof c[0]);
}

static void every_rate_unit_scales_to_per_second(void)
{
    static const struct unit_case c[] = {
        {"200/s", SIM_UNIT_RATE, 200}, {"12000/m", SIM_UNIT_RATE, 200},
        {"7200/h", SIM_UNIT_RATE, 2},  {"3/m", SIM_UNIT_RATE, 0.05},
        {"200 /s", SIM_UNIT_RATE, 200},
    };
    expect_parse(c, sizeof c / sizeof c[0]);
}

static void every_size_unit_scales_to_bytes(void)
{
    static const struct unit_case c[] = {
        {"1B", SIM_UNIT_BYTES, 1},           {"1KB", SIM_UNIT_BYTES, 1000},
        {"1.5MB", SIM_UNIT_BYTES, 1.5e6},    {"2GB", SIM_UNIT_BYTES, 2e9},
        {"1KiB", SIM_UNIT_BYTES, 1024},      {"1MiB", SIM_UNIT_BYTES, 1048576},
        {"1GiB", SIM_UNIT_BYTES, 1073741824}, {"0.5KiB", SIM_UNIT_BYTES, 512},
    };
    expect_parse(c, sizeof c / sizeof c[0]);
}

static void bad_numbers_are_rejected_with_the_expected_sentence(void)
{
    static const char *bad[] = {
        "", "   ", "nan", "NaN", "inf", "-inf", "infinity", "0x10", "0x1p3", "5 parsecs",
        "5ms junk", "5msx", "ms", "--5", "5e", "5e+", "1e999", ".", "-", "5 5", "e5", "5,0",
    };
    static const struct {
        enum sim_unit kind;
        const char *why;
        const char *foreign[4]; /* units of another kind */
    } kinds[] = {
        {SIM_UNIT_SECONDS, "expected a duration: a number with a unit ns, us, ms, s, m, h or d",
         {"5MB", "5/s", "5S", "5MS"}},
        {SIM_UNIT_RATE, "expected a rate: a number with a unit /s, /m or /h",
         {"5ms", "5/d", "5/S", "5rps"}},
        {SIM_UNIT_BYTES, "expected a size: a number with a unit B, KB, MB, GB, KiB, MiB or GiB",
         {"5ms", "5kb", "5b", "5/s"}},
        {SIM_UNIT_NONE, "expected a plain number", {"5ms", "5/s", "5B", "5%"}},
    };
    const size_t nbad = sizeof bad / sizeof bad[0];
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (size_t i = 0; i < nbad + 4; i++) {
            const char *t = i < nbad ? bad[i] : kinds[k].foreign[i - nbad];
            double v = 7;
            const char *why = NULL;
            int rc = sim_units_parse(t, strlen(t), kinds[k].kind, &v, &why);
            if (rc != -1)
                fprintf(stderr, "\n  '%s' was accepted as %.17g\n", t, v);
            CU_ASSERT_EQUAL(rc, -1);
            CU_ASSERT_EQUAL(v, 7); /* untouched */
            CU_ASSERT_PTR_NOT_NULL_FATAL(why);
            if (strcmp(t, "1e999") != 0)
                CU_ASSERT_STRING_EQUAL(why, kinds[k].why);
        }
    }
}

static void overflow_after_scaling_is_rejected(void)
{
    double v = 7;
    const char *why = NULL;
    CU_ASSERT_EQUAL(sim_units_parse("1e305d", 6, SIM_UNIT_SECONDS, &v, &why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "range"));
    CU_ASSERT_EQUAL(sim_units_parse("1e999", 5, SIM_UNIT_NONE, &v, &why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "range"));
    CU_ASSERT_EQUAL(v, 7);
}

static void parse_reads_only_the_given_length(void)
{
    double v = 0;
    const char *why;
    CU_ASSERT_EQUAL(sim_units_parse("40msXYZ", 4, SIM_UNIT_SECONDS, &v, &why), 0);
    CU_ASSERT_EQUAL(v, 0.04);
    CU_ASSERT_EQUAL(sim_units_parse("40msXYZ", 3, SIM_UNIT_SECONDS, &v, &why), 0);
    CU_ASSERT_EQUAL(v, 2400); /* "40m" */
    CU_ASSERT_EQUAL(sim_units_parse("40msXYZ", 5, SIM_UNIT_SECONDS, &v, &why), -1);
}

static void format_picks_the_most_compact_unit(void)
{
    static const struct {
        double v;
        enum sim_unit kind;
        const char *want;
    } c[] = {
        {0.04, SIM_UNIT_SECONDS, "40ms"},     {1.5, SIM_UNIT_SECONDS, "1.5s"},
        {60, SIM_UNIT_SECONDS, "1m"},         {90, SIM_UNIT_SECONDS, "90s"},
        {3600, SIM_UNIT_SECONDS, "1h"},       {86400, SIM_UNIT_SECONDS, "1d"},
        {0.0005, SIM_UNIT_SECONDS, "500us"},  {1e-9, SIM_UNIT_SECONDS, "1ns"},
        {0, SIM_UNIT_SECONDS, "0s"},          {-0.04, SIM_UNIT_SECONDS, "-40ms"},
        {200, SIM_UNIT_RATE, "200/s"},        {1.0 / 60, SIM_UNIT_RATE, "1/m"},
        {0, SIM_UNIT_RATE, "0/s"},            {1000, SIM_UNIT_BYTES, "1KB"},
        {1024, SIM_UNIT_BYTES, "1KiB"},       {2e9, SIM_UNIT_BYTES, "2GB"},
        {0.9, SIM_UNIT_NONE, "0.9"},          {0, SIM_UNIT_NONE, "0"},
        {1e6, SIM_UNIT_NONE, "1e6"},          {12345, SIM_UNIT_NONE, "12345"},
        {HUGE_VAL, SIM_UNIT_SECONDS, "inf"},  {-HUGE_VAL, SIM_UNIT_NONE, "-inf"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char buf[32];
        sim_units_format(c[i].v, c[i].kind, buf, sizeof buf);
        if (strcmp(buf, c[i].want) != 0)
            fprintf(stderr, "\n  %.17g: got '%s', want '%s'\n", c[i].v, buf, c[i].want);
        CU_ASSERT_STRING_EQUAL(buf, c[i].want);
    }
}

/* 20000 values per kind spread over 40 decades: format then parse gives the same double. */
static void format_round_trips_exactly(void)
{
    gsl_rng *r = sim_rng_new(1, "units.roundtrip");
    enum sim_unit kinds[] = {SIM_UNIT_NONE, SIM_UNIT_SECONDS, SIM_UNIT_RATE, SIM_UNIT_BYTES};
    int failures = 0;
    for (size_t k = 0; k < 4; k++) {
        for (int i = 0; i < 10000; i++) {
            double v;
            if (i % 4 == 0) /* round decimals, the common case in scenarios */
                v = (double)(gsl_rng_uniform_int(r, 100000)) * pow(10, (int)(i % 13) - 8);
            else
                v = exp(gsl_rng_uniform(r) * 92 - 46) * (i % 3 == 0 ? -1 : 1);
            char buf[32];
            sim_units_format(v, kinds[k], buf, sizeof buf);
            double back = (double)NAN;
            const char *why;
            if (sim_units_parse(buf, strlen(buf), kinds[k], &back, &why) != 0 || back != v ||
                strlen(buf) > 31) {
                if (failures++ < 5)
                    fprintf(stderr, "\n  %.17g -> '%s' -> %.17g\n", v, buf, back);
            }
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
    gsl_rng_free(r);
}

static void format_truncates_to_the_buffer(void)
{
    char buf[3] = "xx";
    sim_units_format(0.04, SIM_UNIT_SECONDS, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "40");
    sim_units_format(0.04, SIM_UNIT_SECONDS, buf, 0); /* writes nothing */
    CU_ASSERT_STRING_EQUAL(buf, "40");
}

static void format_fixed_reads_well_in_tables(void)
{
    static const struct {
        double v;
        enum sim_unit kind;
        const char *want;
    } c[] = {
        {0.04, SIM_UNIT_SECONDS, "40.00ms"}, {2.5, SIM_UNIT_SECONDS, "2.50s"},
        {90, SIM_UNIT_SECONDS, "1.50m"},     {7200, SIM_UNIT_SECONDS, "2.00h"},
        {2e-7, SIM_UNIT_SECONDS, "200.00ns"}, {0, SIM_UNIT_SECONDS, "0.00s"},
        {4e-4, SIM_UNIT_SECONDS, "400.00us"}, {200, SIM_UNIT_RATE, "200.00/s"},
        {1.5e6, SIM_UNIT_BYTES, "1.50MB"},   {12, SIM_UNIT_NONE, "12.00"},
        /* From a billion in the unit up, an exponent (a table cell, not 300 digits). */
        {1e308, SIM_UNIT_SECONDS, "1.16e+303d"}, {999999999, SIM_UNIT_NONE, "999999999.00"},
        {1e9, SIM_UNIT_NONE, "1.00e+09"},    {-3e12, SIM_UNIT_RATE, "-3.00e+12/s"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char buf[32];
        sim_units_format_fixed(c[i].v, c[i].kind, 2, buf, sizeof buf);
        CU_ASSERT_STRING_EQUAL(buf, c[i].want);
    }
}

/* ---- call --------------------------------------------------------------------------- */

/* Captures diag output while parsing; returns the message (caller frees). */
static char *call_error(const char *text, const struct loc *base)
{
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    static struct sim_call dummy;
    struct sim_call *c = &dummy; /* must be reset to NULL */
    int rc = sim_call_parse(text, base, &c);
    char *buf = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NULL(c);
    if (rc == 0)
        sim_call_free(c);
    return buf;
}

static void named_arguments_keep_their_offsets(void)
{
    const char *t = "poisson(rate=200/s)";
    struct sim_call *c;
    CU_ASSERT_EQUAL_FATAL(sim_call_parse(t, NULL, &c), 0);
    CU_ASSERT_STRING_EQUAL(c->name, "poisson");
    CU_ASSERT_EQUAL(c->name_off, 0);
    CU_ASSERT_EQUAL(c->name_len, 7);
    CU_ASSERT_EQUAL(c->end_off, strlen(t));
    CU_ASSERT_EQUAL_FATAL(c->nargs, 1);
    CU_ASSERT_STRING_EQUAL(c->args[0].key, "rate");
    CU_ASSERT_EQUAL(c->args[0].sep, '=');
    CU_ASSERT_EQUAL(c->args[0].key_off, 8);
    CU_ASSERT_STRING_EQUAL(c->args[0].value, "200/s");
    CU_ASSERT_EQUAL(c->args[0].value_off, 13);
    CU_ASSERT_EQUAL(c->args[0].value_len, 5);
    CU_ASSERT_PTR_NULL(c->args[0].call);
    sim_call_free(c);
}

static void colon_keys_parse_like_equals_keys(void)
{
    const char *t = "steps(0s: 100/s, 30m: 400/s, 1h:100/s)";
    struct sim_call *c;
    CU_ASSERT_EQUAL_FATAL(sim_call_parse(t, NULL, &c), 0);
    CU_ASSERT_EQUAL_FATAL(c->nargs, 3);
    CU_ASSERT_STRING_EQUAL(c->args[1].key, "30m");
    CU_ASSERT_EQUAL(c->args[1].sep, ':');
    CU_ASSERT_STRING_EQUAL(c->args[1].value, "400/s");
    CU_ASSERT_EQUAL(c->args[1].key_off, (size_t)(strstr(t, "30m") - t));
    CU_ASSERT_STRING_EQUAL(c->args[2].key, "1h");
    CU_ASSERT_STRING_EQUAL(c->args[2].value, "100/s");
    sim_call_free(c);
}

static void commas_inside_nested_calls_belong_to_them(void)
{
    const char *t = "mixture(0.9: exp(mean=10ms), 0.1: mixture(0.5: const(1s), 0.5: 2s))";
    struct sim_call *c;
    CU_ASSERT_EQUAL_FATAL(sim_call_parse(t, NULL, &c), 0);
    CU_ASSERT_EQUAL_FATAL(c->nargs, 2);
    CU_ASSERT_STRING_EQUAL(c->args[0].key, "0.9");
    CU_ASSERT_STRING_EQUAL(c->args[0].value, "exp(mean=10ms)");
    const struct sim_call *e = c->args[0].call;
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL(e->name, "exp");
    CU_ASSERT_EQUAL(e->name_off, (size_t)(strstr(t, "exp") - t));
    CU_ASSERT_EQUAL_FATAL(e->nargs, 1);
    CU_ASSERT_EQUAL(e->args[0].value_off, (size_t)(strstr(t, "10ms") - t)); /* whole text */
    const struct sim_call *m = c->args[1].call;
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL_FATAL(m->nargs, 2);
    CU_ASSERT_PTR_NOT_NULL(m->args[0].call);
    CU_ASSERT_PTR_NULL(m->args[1].call); /* "2s" is a plain value */
    CU_ASSERT_STRING_EQUAL(m->args[1].value, "2s");
    CU_ASSERT_EQUAL(m->end_off, strlen(t) - 1);
    sim_call_free(c);
}

static void bare_value_is_a_call_without_name(void)
{
    const char *t = "  40ms ";
    struct sim_call *c;
    CU_ASSERT_EQUAL_FATAL(sim_call_parse(t, NULL, &c), 0);
    CU_ASSERT_PTR_NULL(c->name);
    CU_ASSERT_EQUAL(c->name_len, 0);
    CU_ASSERT_EQUAL_FATAL(c->nargs, 1);
    CU_ASSERT_PTR_NULL(c->args[0].key);
    CU_ASSERT_EQUAL(c->args[0].sep, 0);
    CU_ASSERT_STRING_EQUAL(c->args[0].value, "40ms");
    CU_ASSERT_EQUAL(c->args[0].value_off, 2);
    CU_ASSERT_EQUAL(c->end_off, 6);
    sim_call_free(c);
}

static void positional_and_empty_argument_lists(void)
{
    struct sim_call *c;
    CU_ASSERT_EQUAL_FATAL(sim_call_parse("empirical(data/lat.csv)", NULL, &c), 0);
    CU_ASSERT_EQUAL_FATAL(c->nargs, 1);
    CU_ASSERT_PTR_NULL(c->args[0].key);
    CU_ASSERT_EQUAL(c->args[0].key_off, c->args[0].value_off);
    CU_ASSERT_STRING_EQUAL(c->args[0].value, "data/lat.csv");
    sim_call_free(c);
    CU_ASSERT_EQUAL_FATAL(sim_call_parse("f( )", NULL, &c), 0);
    CU_ASSERT_STRING_EQUAL(c->name, "f");
    CU_ASSERT_EQUAL(c->nargs, 0);
    sim_call_free(c);
}

static void first_separator_splits_key_from_value(void)
{
    struct sim_call *c;
    CU_ASSERT_EQUAL_FATAL(sim_call_parse(" diurnal ( peak = 14:00 , x:a=b ) ", NULL, &c), 0);
    CU_ASSERT_STRING_EQUAL(c->name, "diurnal");
    CU_ASSERT_EQUAL_FATAL(c->nargs, 2);
    CU_ASSERT_STRING_EQUAL(c->args[0].key, "peak");
    CU_ASSERT_STRING_EQUAL(c->args[0].value, "14:00");
    CU_ASSERT_STRING_EQUAL(c->args[1].key, "x");
    CU_ASSERT_EQUAL(c->args[1].sep, ':');
    CU_ASSERT_STRING_EQUAL(c->args[1].value, "a=b");
    sim_call_free(c);
}

static void syntax_errors_point_at_the_problem(void)
{
    static const struct {
        const char *text;
        const char *msg;
        const char *caret; /* the caret line, after the 4-blank indent */
    } c[] = {
        {"exp(mean=1", "unclosed '('", "   ^\n"},
        {"exp(mean=1))", "unmatched ')'", "           ^\n"},
        {"(mean=1)", "empty name before '('", "^\n"},
        {"exp(mean=1,,)", "empty argument before ','", "           ^\n"},
        {"exp(mean=1,)", "empty argument before ')'", "           ^\n"},
        {"exp(mean=)", "empty value after 'mean='", "    ^~~~~\n"},
        {"exp(=1)", "empty name before '='", "    ^\n"},
        {"exp(mean=1)x", "unexpected 'x' after ')'", "           ^\n"},
        {"exp(mean=1) (", "unclosed '('", "            ^\n"},
        {"", "empty text", "^\n"},
        {"   ", "empty text", "^\n"},
        {"0.5 exp(mean=1)", "bad name '0.5 exp'", "^~~~~~~\n"},
        {"mixture(0.5: (1s))", "empty name before '('", "             ^\n"},
        {"f(a)(b)", "unexpected '(b)' after ')'", "    ^~~\n"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *msg = call_error(c[i].text, NULL);
        char caret[64];
        snprintf(caret, sizeof caret, "\n    %s", c[i].caret);
        if (!strstr(msg, c[i].msg) || !strstr(msg, caret))
            fprintf(stderr, "\n  '%s' gave:\n%s", c[i].text, msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, c[i].msg));
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, caret));
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, "elbsim: error: ")); /* command line: no file */
        free(msg);
    }
}

static void error_column_counts_from_the_base(void)
{
    struct loc base = {"s.yaml", 7, 12};
    char *msg = call_error("exp(mean=1", &base);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "s.yaml:7:15: error: unclosed '('"));
    free(msg);
}

static void deep_nesting_is_refused(void)
{
    char t[400] = "";
    for (int i = 0; i < 40; i++)
        strcat(t, "f(");
    strcat(t, "1");
    for (int i = 0; i < 40; i++)
        strcat(t, ")");
    char *msg = call_error(t, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "nested more than 32 deep"));
    free(msg);
    /* 32 levels are fine */
    t[0] = '\0';
    for (int i = 0; i < 32; i++)
        strcat(t, "f(");
    strcat(t, "1");
    for (int i = 0; i < 32; i++)
        strcat(t, ")");
    struct sim_call *c;
    CU_ASSERT_EQUAL(sim_call_parse(t, NULL, &c), 0);
    sim_call_free(c);
}

static void free_accepts_null(void)
{
    sim_call_free(NULL);
}

static CU_TestInfo units_tests[] = {
    {"every_duration_unit_scales_to_seconds", every_duration_unit_scales_to_seconds},
    {"bare_number_means_the_base_unit", bare_number_means_the_base_unit},
    {"every_rate_unit_scales_to_per_second", every_rate_unit_scales_to_per_second},
    {"every_size_unit_scales_to_bytes", every_size_unit_scales_to_bytes},
    {"bad_numbers_are_rejected_with_the_expected_sentence",
     bad_numbers_are_rejected_with_the_expected_sentence},
    {"overflow_after_scaling_is_rejected", overflow_after_scaling_is_rejected},
    {"parse_reads_only_the_given_length", parse_reads_only_the_given_length},
    {"format_picks_the_most_compact_unit", format_picks_the_most_compact_unit},
    {"format_round_trips_exactly", format_round_trips_exactly},
    {"format_truncates_to_the_buffer", format_truncates_to_the_buffer},
    {"format_fixed_reads_well_in_tables", format_fixed_reads_well_in_tables},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo call_tests[] = {
    {"named_arguments_keep_their_offsets", named_arguments_keep_their_offsets},
    {"colon_keys_parse_like_equals_keys", colon_keys_parse_like_equals_keys},
    {"commas_inside_nested_calls_belong_to_them", commas_inside_nested_calls_belong_to_them},
    {"bare_value_is_a_call_without_name", bare_value_is_a_call_without_name},
    {"positional_and_empty_argument_lists", positional_and_empty_argument_lists},
    {"first_separator_splits_key_from_value", first_separator_splits_key_from_value},
    {"syntax_errors_point_at_the_problem", syntax_errors_point_at_the_problem},
    {"error_column_counts_from_the_base", error_column_counts_from_the_base},
    {"deep_nesting_is_refused", deep_nesting_is_refused},
    {"free_accepts_null", free_accepts_null},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_units_suites[] = {
    {"units", NULL, NULL, NULL, NULL, units_tests},
    {"units_call", NULL, NULL, NULL, NULL, call_tests},
    CU_SUITE_INFO_NULL,
};
