/* yread: each getter reads a good value, leaves the default when the key is absent, and
 * reports each bad value with its whole message (file:line:col, wording, echo and caret),
 * counting it in the reader. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/dist.h"
#include "sim/yread.h"
#include "sim/ytree.h"
#include "tests/unit.h"

/* One document to read from, and a capture of what the getters report. */
struct fixture {
    struct ytree *t;
    struct yread r;
    struct unit_diag_capture cap;
};

static void start(struct fixture *f, const char *yaml)
{
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(yaml, "y.yaml", &f->t), 0);
    yread_init(&f->r, NULL);
    unit_diag_capture_start(&f->cap);
}

/* Stop capturing; true when the messages were exactly `want` (printed otherwise). */
static bool messages_are(struct fixture *f, const char *want)
{
    char *got = unit_diag_capture_end(&f->cap);
    bool same = !strcmp(got, want);
    if (!same)
        fprintf(stderr, "\nwanted:\n%sgot:\n%s", want, got);
    free(got);
    ytree_free(f->t);
    return same;
}

static void unit_reads_units_and_echoes_a_bad_value(void)
{
    struct fixture f;
    start(&f, "a: 250ms\nb: 2GB\nbad: 5x\nlist: [1]\n");
    double a = -1, b = -1, c = 7;
    CU_ASSERT_EQUAL(yread_unit(&f.r, f.t, "a", SIM_UNIT_SECONDS, &a), 0);
    CU_ASSERT_EQUAL(yread_unit(&f.r, f.t, "b", SIM_UNIT_BYTES, &b), 0);
    CU_ASSERT_EQUAL(yread_unit(&f.r, f.t, "absent", SIM_UNIT_SECONDS, &c), 0);
    CU_ASSERT_DOUBLE_EQUAL(a, 0.25, 0);
    CU_ASSERT_DOUBLE_EQUAL(b, 2e9, 0);
    CU_ASSERT_DOUBLE_EQUAL(c, 7, 0);
    CU_ASSERT_EQUAL(f.r.errors, 0);
    CU_ASSERT_EQUAL(yread_unit(&f.r, f.t, "bad", SIM_UNIT_SECONDS, &c), -1);
    CU_ASSERT_EQUAL(yread_unit(&f.r, f.t, "list", SIM_UNIT_SECONDS, &c), -1);
    CU_ASSERT_EQUAL(f.r.errors, 2);
    CU_ASSERT(messages_are(&f, "y.yaml:3:6: error: bad value '5x' for bad: expected a duration: "
                               "a number with a unit ns, us, ms, s, m, h or d\n"
                               "    5x\n"
                               "    ^~\n"
                               "y.yaml:4:7: error: list must be a single value, not a list\n"));
}

static void positive_and_zero_or_more_check_the_sign(void)
{
    struct fixture f;
    start(&f, "zero: 0s\nneg: -2s\nok: 3s\n");
    double v = 9;
    CU_ASSERT_EQUAL(yread_positive(&f.r, f.t, "ok", SIM_UNIT_SECONDS, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 3, 0);
    CU_ASSERT_EQUAL(yread_zero_or_more(&f.r, f.t, "zero", SIM_UNIT_SECONDS, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 0, 0);
    v = 9;
    CU_ASSERT_EQUAL(yread_positive(&f.r, f.t, "absent", SIM_UNIT_SECONDS, &v), 0);
    CU_ASSERT_EQUAL(yread_zero_or_more(&f.r, f.t, "absent", SIM_UNIT_SECONDS, &v), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 9, 0);
    CU_ASSERT_EQUAL(yread_positive(&f.r, f.t, "zero", SIM_UNIT_SECONDS, &v), -1);
    CU_ASSERT_EQUAL(yread_zero_or_more(&f.r, f.t, "neg", SIM_UNIT_SECONDS, &v), -1);
    CU_ASSERT_EQUAL(f.r.errors, 2);
    CU_ASSERT(messages_are(&f, "y.yaml:1:7: error: zero must be greater than zero, got '0s'\n"
                               "y.yaml:2:6: error: neg must be zero or more, got '-2s'\n"));
}

static void number_takes_a_percent_sign_and_echoes_nothing(void)
{
    struct fixture f;
    start(&f, "t: 40%\nu: 2.5\nbad: 4 0\nmap: {a: 1}\n");
    double t = 0, u = 0, d = 11;
    CU_ASSERT_EQUAL(yread_number(&f.r, f.t, "t", &t), 0);
    CU_ASSERT_EQUAL(yread_number(&f.r, f.t, "u", &u), 0);
    CU_ASSERT_EQUAL(yread_number(&f.r, f.t, "absent", &d), 0);
    CU_ASSERT_DOUBLE_EQUAL(t, 40, 0);
    CU_ASSERT_DOUBLE_EQUAL(u, 2.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(d, 11, 0);
    CU_ASSERT_EQUAL(yread_number(&f.r, f.t, "bad", &d), -1);
    CU_ASSERT_EQUAL(yread_number(&f.r, f.t, "map", &d), -1);
    CU_ASSERT_EQUAL(f.r.errors, 2);
    CU_ASSERT(messages_are(&f, "y.yaml:3:6: error: bad value '4 0' for bad: expected a number\n"
                               "y.yaml:4:6: error: map must be a single value, not a mapping\n"));
}

static void int_is_whole_and_within_bounds(void)
{
    struct fixture f;
    start(&f, "n: 12\nfrac: 1.5\nbig: 101\n");
    int n = 0, d = 5;
    CU_ASSERT_EQUAL(yread_int(&f.r, f.t, "n", 0, 100, &n), 0);
    CU_ASSERT_EQUAL(n, 12);
    CU_ASSERT_EQUAL(yread_int(&f.r, f.t, "absent", 0, 100, &d), 0);
    CU_ASSERT_EQUAL(d, 5);
    CU_ASSERT_EQUAL(yread_int(&f.r, f.t, "frac", 0, 100, &d), -1);
    CU_ASSERT_EQUAL(yread_int(&f.r, f.t, "big", 0, 100, &d), -1);
    CU_ASSERT_EQUAL(d, 5);
    CU_ASSERT_EQUAL(f.r.errors, 2);
    CU_ASSERT(messages_are(&f, "y.yaml:2:7: error: frac must be a whole number, got '1.5'\n"
                               "y.yaml:3:6: error: big must be between 0 and 100, got 101\n"));
}

static void bool_takes_yaml_words(void)
{
    struct fixture f;
    start(&f, "a: yes\nb: off\nc: maybe\n");
    bool a = false, b = true, d = true;
    CU_ASSERT_EQUAL(yread_bool(&f.r, f.t, "a", &a), 0);
    CU_ASSERT_EQUAL(yread_bool(&f.r, f.t, "b", &b), 0);
    CU_ASSERT_EQUAL(yread_bool(&f.r, f.t, "absent", &d), 0);
    CU_ASSERT(a && !b && d);
    CU_ASSERT_EQUAL(yread_bool(&f.r, f.t, "c", &d), -1);
    CU_ASSERT_EQUAL(f.r.errors, 1);
    CU_ASSERT(messages_are(&f, "y.yaml:3:4: error: c must be true or false, got 'maybe'\n"));
}

static void string_is_copied_and_never_empty(void)
{
    struct fixture f;
    start(&f, "s: web\nempty: ''\n");
    char *s = NULL, *d = NULL;
    CU_ASSERT_EQUAL(yread_string(&f.r, f.t, "s", &s), 0);
    CU_ASSERT_EQUAL(yread_string(&f.r, f.t, "s", &s), 0); /* the first copy is freed */
    CU_ASSERT_STRING_EQUAL(s, "web");
    CU_ASSERT_EQUAL(yread_string(&f.r, f.t, "absent", &d), 0);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL(yread_string(&f.r, f.t, "empty", &d), -1);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL(f.r.errors, 1);
    CU_ASSERT(messages_are(&f, "y.yaml:2:8: error: empty must not be empty\n"));
    free(s);
}

static void dist_parses_and_counts_the_parser_error(void)
{
    struct fixture f;
    start(&f, "d: exp(mean=20ms)\nbad: exp(mean=-1s)\n");
    struct sim_dist *d = NULL, *absent = NULL;
    CU_ASSERT_EQUAL(yread_dist(&f.r, f.t, "d", SIM_UNIT_SECONDS, &d), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_DOUBLE_EQUAL(sim_dist_mean(d), 0.02, 1e-15);
    CU_ASSERT_EQUAL(yread_dist(&f.r, f.t, "absent", SIM_UNIT_SECONDS, &absent), 0);
    CU_ASSERT_PTR_NULL(absent);
    CU_ASSERT_EQUAL(yread_dist(&f.r, f.t, "bad", SIM_UNIT_SECONDS, &absent), -1);
    CU_ASSERT_PTR_NULL(absent);
    CU_ASSERT_EQUAL(f.r.errors, 1);
    char *got = unit_diag_capture_end(&f.cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "y.yaml:2:"));
    CU_ASSERT_EQUAL(f.cap.errors, 1);
    free(got);
    ytree_free(f.t);
    sim_dist_free(d);
}

static void dist_reads_files_relative_to_the_folder(void)
{
    struct fixture f;
    start(&f, "d: empirical(empirical_plain.csv)\n");
    f.r.dir = "tests/data";
    struct sim_dist *d = NULL;
    CU_ASSERT_EQUAL(yread_dist(&f.r, f.t, "d", SIM_UNIT_SECONDS, &d), 0);
    CU_ASSERT_PTR_NOT_NULL(d);
    CU_ASSERT(messages_are(&f, ""));
    sim_dist_free(d);
}

static void list_require_and_scalar(void)
{
    struct fixture f;
    start(&f, "l: [1, 2]\nv: 3\nm: {a: 1}\n");
    CU_ASSERT_PTR_NOT_NULL(yread_list(&f.r, f.t, "l"));
    CU_ASSERT_PTR_NULL(yread_list(&f.r, f.t, "absent"));
    CU_ASSERT_EQUAL(yread_require(&f.r, f.t, "v", "a test"), 0);
    const struct ytree *v = NULL;
    CU_ASSERT_EQUAL(yread_scalar_at(&f.r, f.t, "v", &v), 0);
    CU_ASSERT_STRING_EQUAL(v->text, "3");
    CU_ASSERT_EQUAL(yread_scalar_at(&f.r, f.t, "absent", &v), 0);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(f.r.errors, 0);
    CU_ASSERT_PTR_NULL(yread_list(&f.r, f.t, "v"));
    CU_ASSERT_EQUAL(yread_require(&f.r, f.t, "absent", "a test"), -1);
    CU_ASSERT_PTR_NULL(yread_scalar(&f.r, ytree_get(f.t, "m"), "a zone"));
    CU_ASSERT_EQUAL(yread_scalar_at(&f.r, f.t, "l", &v), -1);
    CU_ASSERT_EQUAL(f.r.errors, 4);
    CU_ASSERT(messages_are(&f, "y.yaml:2:4: error: v must be a list (lines starting with '- '), "
                               "not a value\n"
                               "y.yaml:1:1: error: a test needs 'absent'\n"
                               "y.yaml:3:4: error: a zone must be a single value, not a mapping\n"
                               "y.yaml:1:4: error: l must be a single value, not a list\n"));
}

static void keys_and_errors_are_counted(void)
{
    static const char *const valid[] = {"interval", "timeout", NULL};
    struct fixture f;
    start(&f, "interval: 1s\nintervall: 2s\n");
    CU_ASSERT_EQUAL(yread_keys(&f.r, f.t, "health_check", valid), -1);
    struct loc at = {"y.yaml", 2, 3};
    CU_ASSERT_EQUAL(yread_error(&f.r, &at, "%s is %d", "x", 4), -1);
    CU_ASSERT_EQUAL(yread_fail(&f.r), -1);
    CU_ASSERT_EQUAL(f.r.errors, 3);
    char *got = unit_diag_capture_end(&f.cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "y.yaml:2:1: error: unknown key 'intervall' in "
                                       "health_check; did you mean 'interval'?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "y.yaml:2:3: error: x is 4\n"));
    free(got);
    ytree_free(f.t);
}

/* Each list of items and the message its first problem gets. */
static void names_are_valid_and_unique(void)
{
    static const struct {
        const char *yaml, *message;
    } cases[] = {
        {"l: [ {name: a}, {name: b-2_C} ]\n", ""},
        {"l: [ 3 ]\n", "y.yaml:1:6: error: each of things must be a mapping with a name\n"},
        {"l: [ {size: 1} ]\n", "y.yaml:1:6: error: each of things needs a 'name'\n"},
        {"l: [ {name: ''} ]\n", "y.yaml:1:6: error: each of things needs a 'name'\n"},
        {"l: [ {name: a.b} ]\n",
         "y.yaml:1:13: error: name 'a.b' may use only letters, digits, '-' and '_'\n"},
        {"l:\n  - {name: a}\n  - {name: a}\n",
         "y.yaml:3:12: error: duplicate name 'a' in things (first at line 2)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fixture f;
        start(&f, cases[i].yaml);
        int rc = yread_names(&f.r, ytree_get(f.t, "l"), "things");
        CU_ASSERT_EQUAL(rc, cases[i].message[0] ? -1 : 0);
        CU_ASSERT_EQUAL(f.r.errors, cases[i].message[0] ? 1 : 0);
        CU_ASSERT(messages_are(&f, cases[i].message));
    }
}

static CU_TestInfo yread_tests[] = {
    {"unit_reads_units_and_echoes_a_bad_value", unit_reads_units_and_echoes_a_bad_value},
    {"positive_and_zero_or_more_check_the_sign", positive_and_zero_or_more_check_the_sign},
    {"number_takes_a_percent_sign_and_echoes_nothing",
     number_takes_a_percent_sign_and_echoes_nothing},
    {"int_is_whole_and_within_bounds", int_is_whole_and_within_bounds},
    {"bool_takes_yaml_words", bool_takes_yaml_words},
    {"string_is_copied_and_never_empty", string_is_copied_and_never_empty},
    {"dist_parses_and_counts_the_parser_error", dist_parses_and_counts_the_parser_error},
    {"dist_reads_files_relative_to_the_folder", dist_reads_files_relative_to_the_folder},
    {"list_require_and_scalar", list_require_and_scalar},
    {"keys_and_errors_are_counted", keys_and_errors_are_counted},
    {"names_are_valid_and_unique", names_are_valid_and_unique},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_yread_suites[] = {
    {"yread", NULL, NULL, NULL, NULL, yread_tests},
    CU_SUITE_INFO_NULL,
};
