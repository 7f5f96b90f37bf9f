/* ytree: YAML with locations, unknown keys with suggestions, --set paths. */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/diag.h"
#include "sim/ytree.h"
#include "tests/unit.h"

static const char doc[] = "name: demo\n"
                          "target_groups:\n"
                          "  - name: web\n"
                          "    algorithm: round_robin\n"
                          "  - name: api\n"
                          "    targets: [ { kind: ec2, count: 2 } ]\n";

static void scalars_remember_line_and_column(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(doc, "d.yaml", &t), 0);
    struct ytree *tgs = ytree_get(t, "target_groups");
    CU_ASSERT_EQUAL_FATAL(tgs->kind, YTREE_SEQ);
    CU_ASSERT_EQUAL(tgs->n, 2);
    struct ytree *alg = ytree_get(tgs->items[0], "algorithm");
    CU_ASSERT_STRING_EQUAL(alg->text, "round_robin");
    CU_ASSERT_EQUAL(alg->loc.line, 4);
    CU_ASSERT_EQUAL(alg->loc.col, 16);
    CU_ASSERT_STRING_EQUAL(alg->loc.file, "d.yaml");
    const struct loc *kl = ytree_key_loc(tgs->items[0], "algorithm");
    CU_ASSERT_EQUAL(kl->line, 4);
    CU_ASSERT_EQUAL(kl->col, 5);
    struct ytree *flow = ytree_get(tgs->items[1], "targets");
    CU_ASSERT_EQUAL(flow->items[0]->kind, YTREE_MAP);
    CU_ASSERT_STRING_EQUAL(ytree_get(flow->items[0], "count")->text, "2");
    ytree_free(t);
}

static void syntax_error_names_file_line_column(void)
{
    struct unit_diag_capture cap;
    struct ytree *t = NULL;
    unit_diag_capture_start(&cap);
    int rc = ytree_load_string("a: [1, 2\nb: 3\n", "bad.yaml", &t);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "bad.yaml:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "YAML syntax"));
    free(msg);
}

/* n levels of "[" (or "{a: ") around a 1; the caller frees. */
static char *nested(size_t n, bool maps)
{
    const char *open = maps ? "{a: " : "[", *close = maps ? "}" : "]";
    size_t lo = strlen(open), lc = strlen(close);
    char *s = malloc(3 + n * (lo + lc) + 2);
    char *p = s;
    memcpy(p, "a: ", 3), p += 3;
    for (size_t i = 0; i < n; i++)
        memcpy(p, open, lo), p += lo;
    *p++ = '1';
    for (size_t i = 0; i < n; i++)
        memcpy(p, close, lc), p += lc;
    *p = '\0';
    return s;
}

/* 100,000 levels of lists or maps are an error at the level that breaks the limit, not a
 * stack overflow; the deepest allowed nesting loads. */
static void nesting_deeper_than_the_limit_is_an_error(void)
{
    for (int maps = 0; maps <= 1; maps++) {
        struct unit_diag_capture cap;
        struct ytree *t = NULL;
        char *text = nested(100000, maps);
        unit_diag_capture_start(&cap);
        int rc = ytree_load_string(text, "deep.yaml", &t);
        char *msg = unit_diag_capture_end(&cap);
        CU_ASSERT_EQUAL(rc, -1);
        /* The root mapping is level 1; the 64th bracket opens level 65. */
        size_t col = 3 + (YTREE_MAX_DEPTH - 1) * (maps ? 4 : 1) + 1;
        char want[64];
        snprintf(want, sizeof want, "deep.yaml:1:%zu: error: nesting deeper than 64", col);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
        free(msg);
        free(text);
        text = nested(YTREE_MAX_DEPTH - 1, maps);
        CU_ASSERT_EQUAL(ytree_load_string(text, "ok.yaml", &t), 0);
        ytree_free(t);
        free(text);
    }
}

static void set_path_longer_than_the_limit_is_an_error(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(doc, "d.yaml", &t), 0);
    char arg[2 * 100 + 8];
    size_t k = 0;
    for (int i = 0; i < 100; i++)
        k += (size_t)snprintf(arg + k, sizeof arg - k, "%sx", i ? "." : "");
    snprintf(arg + k, sizeof arg - k, "=1");
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = ytree_set(t, arg);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "--set:1:1: error: a path of 100 segments; at most 64"));
    free(msg);
    ytree_free(t);
}

static void duplicate_keys_are_errors(void)
{
    struct unit_diag_capture cap;
    struct ytree *t = NULL;
    unit_diag_capture_start(&cap);
    int rc = ytree_load_string("a: 1\nb: 2\na: 3\n", "dup.yaml", &t);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "dup.yaml:3:1: error: duplicate key 'a'"));
    free(msg);
}

static void unknown_key_suggests_nearest(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string("arivals: 1\n", "k.yaml", &t), 0);
    static const char *const valid[] = {"name", "arrivals", "demand", NULL};
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = ytree_check_keys(t, "a workload", valid);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "k.yaml:1:1: error: unknown key 'arivals' in a workload; "
                                       "did you mean 'arrivals'?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "valid keys: name, arrivals, demand"));
    free(msg);
    ytree_free(t);
}

static void nearest_ignores_far_words(void)
{
    static const char *const cands[] = {"round_robin", "random", NULL};
    CU_ASSERT_STRING_EQUAL(ytree_nearest("rondom", cands), "random");
    CU_ASSERT_PTR_NULL(ytree_nearest("zzzzzzzz", cands));
}

static void set_addresses_list_items_by_name(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(doc, "d.yaml", &t), 0);
    CU_ASSERT_EQUAL(ytree_set(t, "target_groups.web.algorithm=least_outstanding_requests"), 0);
    CU_ASSERT_EQUAL(ytree_set(t, "target_groups.api.algorithm=random"), 0);
    CU_ASSERT_EQUAL(ytree_set(t, "target_groups.1.targets.0.count=5"), 0);
    CU_ASSERT_EQUAL(ytree_set(t, "duration=5m"), 0);
    struct ytree *tgs = ytree_get(t, "target_groups");
    CU_ASSERT_STRING_EQUAL(ytree_get(tgs->items[0], "algorithm")->text,
                           "least_outstanding_requests");
    CU_ASSERT_STRING_EQUAL(ytree_get(tgs->items[1], "algorithm")->text, "random");
    struct ytree *tg1 = ytree_get(tgs->items[1], "targets")->items[0];
    CU_ASSERT_STRING_EQUAL(ytree_get(tg1, "count")->text, "5");
    CU_ASSERT_STRING_EQUAL(ytree_get(t, "duration")->text, "5m");
    ytree_free(t);
}

static void set_value_is_parsed_as_yaml(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(doc, "d.yaml", &t), 0);
    CU_ASSERT_EQUAL(ytree_set(t, "output={interval: 5s, requests: true}"), 0);
    struct ytree *o = ytree_get(t, "output");
    CU_ASSERT_EQUAL_FATAL(o->kind, YTREE_MAP);
    CU_ASSERT_STRING_EQUAL(ytree_get(o, "interval")->text, "5s");
    ytree_free(t);
}

static void set_unknown_path_lists_what_exists(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(doc, "d.yaml", &t), 0);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(ytree_set(t, "target_groups.wbe.algorithm=random"), -1);
    CU_ASSERT_EQUAL(ytree_set(t, "no-equals-sign"), -1);
    CU_ASSERT_EQUAL(ytree_set(t, "name.x=1"), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no item named 'wbe' in this list; items: web, api"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "expected --set PATH=VALUE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "--set:1:6: error: 'x' is below the plain value 'demo'"));
    free(msg);
    ytree_free(t);
}

/* A section the file leaves out is made by --set, empty, so the reader judges its keys
 * (a misspelt one is then an unknown key at the --set argument). */
static void set_makes_a_missing_section(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(doc, "d.yaml", &t), 0);
    CU_ASSERT_PTR_NULL(ytree_get(t, "output"));
    CU_ASSERT_EQUAL(ytree_set(t, "output.interval=60s"), 0);
    struct ytree *o = ytree_get(t, "output");
    CU_ASSERT_EQUAL_FATAL(o->kind, YTREE_MAP);
    CU_ASSERT_STRING_EQUAL(ytree_get(o, "interval")->text, "60s");
    CU_ASSERT_STRING_EQUAL(ytree_key_loc(t, "output")->file, "--set");
    CU_ASSERT_EQUAL(ytree_key_loc(t, "output")->col, 1);
    CU_ASSERT_EQUAL(ytree_set(t, "target_grups.web.algorithm=random"), 0);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    static const char *const top[] = {"name", "target_groups", "output", "duration", NULL};
    CU_ASSERT_EQUAL(ytree_check_keys(t, "the scenario", top), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "--set:1:1: error: unknown key 'target_grups'"));
    free(msg);
    ytree_free(t);
}

/* Every node of a --set value points into the argument, so a later message about a list
 * item (an SLO) names the --set argument and the item's column. */
static void set_value_nodes_point_into_the_argument(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(doc, "d.yaml", &t), 0);
    CU_ASSERT_EQUAL(ytree_set(t, "slo=[a < 1, b < 2]"), 0);
    struct ytree *slo = ytree_get(t, "slo");
    CU_ASSERT_EQUAL_FATAL(slo->n, 2);
    CU_ASSERT_STRING_EQUAL(slo->items[1]->loc.file, "--set");
    CU_ASSERT_EQUAL(slo->items[0]->loc.col, 6);
    CU_ASSERT_EQUAL(slo->items[1]->loc.col, 13);
    ytree_free(t);
}

static const char calls[] = "workloads:\n"
                            "  - name: w\n"
                            "    arrivals: poisson(rate=1000/s)\n"
                            "    demand: \"mixture(0.9: exp(mean=10ms), 0.1: const(1s))\"\n"
                            "    timeout: 2s\n"
                            "target_groups:\n"
                            "  - name: tg\n"
                            "    algorithm: power_of_d(d=2)\n";

/* The path's last segments address a parameter inside a call: by key, by position, inside
 * a nested call; the rest of the text is kept as written. */
static void set_reaches_parameters_inside_calls(void)
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(calls, "c.yaml", &t), 0);
    struct ytree *w = ytree_get(t, "workloads")->items[0];
    CU_ASSERT_EQUAL(ytree_set(t, "workloads.w.arrivals.rate=800/s"), 0);
    CU_ASSERT_STRING_EQUAL(ytree_get(w, "arrivals")->text, "poisson(rate=800/s)");
    CU_ASSERT_EQUAL(ytree_set(t, "target_groups.tg.algorithm.d=3"), 0);
    CU_ASSERT_STRING_EQUAL(ytree_get(ytree_get(t, "target_groups")->items[0], "algorithm")->text,
                           "power_of_d(d=3)");
    CU_ASSERT_EQUAL(ytree_set(t, "workloads.w.demand.1=const(2s)"), 0);
    CU_ASSERT_STRING_EQUAL(ytree_get(w, "demand")->text,
                           "mixture(0.9: exp(mean=10ms), 0.1: const(2s))");
    CU_ASSERT_EQUAL(ytree_set(t, "workloads.w.demand.0.mean=20ms"), 0);
    CU_ASSERT_STRING_EQUAL(ytree_get(w, "demand")->text,
                           "mixture(0.9: exp(mean=20ms), 0.1: const(2s))");
    /* The changed call points at the argument: its new value falls on the value's column. */
    CU_ASSERT_EQUAL(ytree_set(t, "workloads.w.arrivals.rate=500/s"), 0);
    const struct ytree *a = ytree_get(w, "arrivals");
    CU_ASSERT_STRING_EQUAL(a->loc.file, "--set");
    CU_ASSERT_EQUAL(a->loc.col + (int)strlen("poisson(rate="),
                    (int)strlen("workloads.w.arrivals.rate=") + 1);
    ytree_free(t);
}

/* ytree_set(arg) on the calls document fails with a message holding each of want[]. */
static void set_in_call_rejects(const char *arg, const char *const want[])
{
    struct ytree *t;
    CU_ASSERT_EQUAL_FATAL(ytree_load_string(calls, "c.yaml", &t), 0);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(ytree_set(t, arg), -1);
    char *msg = unit_diag_capture_end(&cap);
    for (int i = 0; want[i]; i++) {
        if (!strstr(msg, want[i]))
            fprintf(stderr, "\n  --set '%s': wanted '%s' in: %s", arg, want[i], msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, want[i]));
    }
    free(msg);
    ytree_free(t);
}

static void set_in_a_call_names_the_parameters_with_a_caret(void)
{
    set_in_call_rejects("workloads.w.arrivals.rat=800/s",
                        (const char *const[]){"--set:1:22: error: poisson(...) has no parameter "
                                              "'rat'; its parameters: rate",
                                              "    workloads.w.arrivals.rat=800/s\n"
                                              "                         ^~~\n", NULL});
    set_in_call_rejects("workloads.w.demand.2=1ms",
                        (const char *const[]){"has no parameter '2'; its parameters: 0.9, 0.1",
                                              NULL});
    set_in_call_rejects("workloads.w.timeout.x=1",
                        (const char *const[]){"--set:1:21: error: 'x' is below the plain value "
                                              "'2s'", NULL});
    set_in_call_rejects("workloads.w.demand.0.mean.x=1",
                        (const char *const[]){"'x' is below the plain value '10ms' of exp's "
                                              "parameter", NULL});
    set_in_call_rejects("workloads.w.arrivals.rate=1/s,2/s",
                        (const char *const[]){"--set:1:30: error: a parameter's value cannot "
                                              "hold ','", NULL});
    set_in_call_rejects("workloads.w.arrivals.rate=[1, 2]",
                        (const char *const[]){"takes a value, not a mapping or a list", NULL});
    set_in_call_rejects("workloads.w.arrivals.rate=f(1",
                        (const char *const[]){"--set:1:28: error: unclosed '('", NULL});
}

static CU_TestInfo yaml_tests[] = {
    {"scalars_remember_line_and_column", scalars_remember_line_and_column},
    {"syntax_error_names_file_line_column", syntax_error_names_file_line_column},
    {"duplicate_keys_are_errors", duplicate_keys_are_errors},
    {"nesting_deeper_than_the_limit_is_an_error", nesting_deeper_than_the_limit_is_an_error},
    {"set_path_longer_than_the_limit_is_an_error", set_path_longer_than_the_limit_is_an_error},
    {"unknown_key_suggests_nearest", unknown_key_suggests_nearest},
    {"nearest_ignores_far_words", nearest_ignores_far_words},
    {"set_addresses_list_items_by_name", set_addresses_list_items_by_name},
    {"set_value_is_parsed_as_yaml", set_value_is_parsed_as_yaml},
    {"set_unknown_path_lists_what_exists", set_unknown_path_lists_what_exists},
    {"set_makes_a_missing_section", set_makes_a_missing_section},
    {"set_value_nodes_point_into_the_argument", set_value_nodes_point_into_the_argument},
    {"set_reaches_parameters_inside_calls", set_reaches_parameters_inside_calls},
    {"set_in_a_call_names_the_parameters_with_a_caret",
     set_in_a_call_names_the_parameters_with_a_caret},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_yaml_suites[] = {
    {"yaml", NULL, NULL, NULL, NULL, yaml_tests},
    CU_SUITE_INFO_NULL,
};
