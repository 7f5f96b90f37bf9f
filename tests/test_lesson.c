/*
 * Tests of analysis/lesson: the expressions and claims of the lesson gallery (values,
 * precedence, references through the lookup, chains, errors with their offsets) and HTML
 * escaping.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/lesson.h"
#include "tests/unit.h"

/* A stand-in summary: a:x.y.one = 1, a:x.y.ten = 10, b:target.web/0.requests = 25. */
static int lookup(void *ctx, const char *run, const char *key, double *out, char *err,
                  size_t errlen)
{
    int *calls = ctx;
    if (calls)
        (*calls)++;
    if (!strcmp(run, "a") && !strcmp(key, "x.y.one"))
        *out = 1;
    else if (!strcmp(run, "a") && !strcmp(key, "x.y.ten"))
        *out = 10;
    else if (!strcmp(run, "b") && !strcmp(key, "target.web/0.requests"))
        *out = 25;
    else if (!strcmp(run, "b") && !strcmp(key, "x.y.nan"))
        *out = (double)NAN;
    else {
        snprintf(err, errlen, "no metric '%s' in run %s", key, run);
        return -1;
    }
    return 0;
}

static double eval_ok(const char *text)
{
    double v = -12345;
    struct lesson_error e;
    int rc = lesson_eval(text, lookup, NULL, &v, &e);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc)
        fprintf(stderr, "'%s': %s\n", text, e.msg);
    return v;
}

static void arithmetic_follows_precedence(void)
{
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("1 + 2 * 3"), 7, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("(1 + 2) * 3"), 9, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("10 - 4 - 3"), 3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("12 / 3 / 2"), 2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("-2 * -3"), 6, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("1.5e2"), 150, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("min(3, 1, 2) + max(3, 1, 2)"), 4, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(eval_ok("max(-1)"), -1, 1e-12);
    CU_ASSERT_TRUE(isnan(eval_ok("max(1, b:x.y.nan)")));
}

static void references_go_through_the_lookup(void)
{
    int calls = 0;
    double v;
    struct lesson_error e;
    CU_ASSERT_EQUAL(lesson_eval("100 * b:target.web/0.requests / a:x.y.ten", lookup, &calls,
                                &v, &e), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 250, 1e-12);
    CU_ASSERT_EQUAL(calls, 2);
    /* A metric the run lacks: the lookup's words, at the reference. */
    CU_ASSERT_EQUAL(lesson_eval("1 + a:x.y.zero", lookup, NULL, &v, &e), -1);
    CU_ASSERT_STRING_EQUAL(e.msg, "no metric 'x.y.zero' in run a");
    CU_ASSERT_EQUAL(e.offset, 4);
    CU_ASSERT_EQUAL(e.len, strlen("a:x.y.zero"));
}

static void claims_compare_and_chain(void)
{
    bool holds;
    double l, r;
    const char *op;
    struct lesson_error e;
    CU_ASSERT_EQUAL(lesson_claim("a:x.y.one < a:x.y.ten", lookup, NULL, &holds, &l, &r, &op,
                                 &e), 0);
    CU_ASSERT_TRUE(holds);
    CU_ASSERT_STRING_EQUAL(op, "<");
    CU_ASSERT_EQUAL(lesson_claim("10 <= a:x.y.ten", lookup, NULL, &holds, &l, &r, &op, &e), 0);
    CU_ASSERT_TRUE(holds);
    CU_ASSERT_EQUAL(lesson_claim("10 < a:x.y.ten", lookup, NULL, &holds, &l, &r, &op, &e), 0);
    CU_ASSERT_FALSE(holds);
    CU_ASSERT_EQUAL(lesson_claim("2 >= 3", lookup, NULL, &holds, &l, &r, &op, &e), 0);
    CU_ASSERT_FALSE(holds);
    CU_ASSERT_DOUBLE_EQUAL(l, 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(r, 3, 0);
    CU_ASSERT_STRING_EQUAL(op, ">=");
    /* A chain holds when every link does; the sides reported are the failing link's. */
    CU_ASSERT_EQUAL(lesson_claim("0 < a:x.y.one < 5 < a:x.y.ten", lookup, NULL, &holds, &l, &r,
                                 &op, &e), 0);
    CU_ASSERT_TRUE(holds);
    CU_ASSERT_EQUAL(lesson_claim("0 < a:x.y.ten < 5", lookup, NULL, &holds, &l, &r, &op, &e), 0);
    CU_ASSERT_FALSE(holds);
    CU_ASSERT_DOUBLE_EQUAL(l, 10, 0);
    CU_ASSERT_DOUBLE_EQUAL(r, 5, 0);
    /* NaN makes every comparison false. */
    CU_ASSERT_EQUAL(lesson_claim("b:x.y.nan > -1", lookup, NULL, &holds, &l, &r, &op, &e), 0);
    CU_ASSERT_FALSE(holds);
}

static void errors_name_what_and_where(void)
{
    static const struct {
        const char *text;
        bool claim;
        size_t offset;
        const char *msg;
    } cases[] = {
        {"1 +", false, 3, "the expression ends too early"},
        {"(1 + 2", false, 6, "expected ')' to close the '(' at column 1"},
        {"1 2", false, 2, "unexpected '2' after the expression"},
        {"foo * 2", false, 0, "expected RUN:SCOPE.NAME.METRIC"},
        {"a: * 2", false, 0, "expected SCOPE.NAME.METRIC after 'a:'"},
        {"max(1; 2)", false, 5, "expected ',' or ')'"},
        {"1 = 1", true, 2, "expected <, <=, > or >="},
        {"1", true, 1, "expected <, <=, > or >="},
        {"1 < 2 )", true, 6, "unexpected ')' after the claim"},
        {"1 < $", true, 4, "unexpected '$'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lesson_error e;
        double v, w;
        bool holds;
        const char *op;
        int rc = cases[i].claim
                     ? lesson_claim(cases[i].text, lookup, NULL, &holds, &v, &w, &op, &e)
                     : lesson_eval(cases[i].text, lookup, NULL, &v, &e);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_EQUAL(e.offset, cases[i].offset);
        CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, cases[i].msg));
        CU_ASSERT_TRUE(e.len >= 1);
        if (e.offset != cases[i].offset || !strstr(e.msg, cases[i].msg))
            fprintf(stderr, "'%s': offset %zu, '%s'\n", cases[i].text, e.offset, e.msg);
    }
    /* Deep nesting is refused, not a stack overflow. */
    char deep[200];
    memset(deep, '(', 100);
    strcpy(deep + 100, "1");
    struct lesson_error e;
    double v;
    CU_ASSERT_EQUAL(lesson_eval(deep, lookup, NULL, &v, &e), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "nested more than"));
}

static void html_is_escaped(void)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    lesson_html_escape(f, "<script>alert(\"x\" & 'y')</script> 5 % < 6");
    fclose(f);
    CU_ASSERT_STRING_EQUAL(buf, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)"
                                "&lt;/script&gt; 5 % &lt; 6");
    free(buf);
}

static CU_TestInfo lesson_tests[] = {
    {"arithmetic_follows_precedence", arithmetic_follows_precedence},
    {"references_go_through_the_lookup", references_go_through_the_lookup},
    {"claims_compare_and_chain", claims_compare_and_chain},
    {"errors_name_what_and_where", errors_name_what_and_where},
    {"html_is_escaped", html_is_escaped},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_lesson_suites[] = {
    {"lesson", NULL, NULL, NULL, NULL, lesson_tests},
    CU_SUITE_INFO_NULL,
};
