/* metrics: datapoints per period, statistics, publication delay, alarms and missing data. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/scaling/metrics.h"
#include "tests/unit.h"

static void series(struct metric_series *s, double period, double delay, enum metric_stat_kind k,
                   double p)
{
    struct metric_series_cfg cfg = {period, delay, {k, p}, 0};
    metric_series_init(s, &cfg);
}

/* The value of the single period [0, 60) holding 10, 20, ..., 100. */
static double one_period(enum metric_stat_kind k, double p)
{
    struct metric_series s;
    series(&s, 60, 0, k, p);
    for (int i = 1; i <= 10; i++)
        metric_series_add(&s, i, 10.0 * i);
    struct metric_datapoint dp;
    metric_series_window(&s, 60, 1, &dp);
    CU_ASSERT_EQUAL(dp.samples, 10);
    CU_ASSERT_EQUAL(dp.start_s, 0);
    metric_series_fini(&s);
    return dp.value;
}

static void statistics_over_one_period(void)
{
    CU_ASSERT_DOUBLE_EQUAL(one_period(METRIC_AVERAGE, 0), 55, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(one_period(METRIC_SUM, 0), 550, 1e-12);
    CU_ASSERT_EQUAL(one_period(METRIC_MINIMUM, 0), 10);
    CU_ASSERT_EQUAL(one_period(METRIC_MAXIMUM, 0), 100);
    CU_ASSERT_EQUAL(one_period(METRIC_SAMPLE_COUNT, 0), 10);
    CU_ASSERT_DOUBLE_EQUAL(one_period(METRIC_PERCENTILE, 90), 90, 90 * 0.008);
    CU_ASSERT_DOUBLE_EQUAL(one_period(METRIC_PERCENTILE, 50), 50, 50 * 0.008);
    CU_ASSERT_EQUAL(one_period(METRIC_PERCENTILE, 99.9), 100); /* rank n is exact */
}

static void datapoint_is_visible_one_delay_after_its_period(void)
{
    struct metric_series s;
    series(&s, 60, 90, METRIC_AVERAGE, 0);
    metric_series_add(&s, 10, 5);
    metric_series_add(&s, 70, 7);
    CU_ASSERT_PTR_NULL(metric_series_latest(&s, 149));
    const struct metric_datapoint *dp = metric_series_latest(&s, 150);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dp);
    CU_ASSERT_EQUAL(dp->value, 5);
    CU_ASSERT_EQUAL(metric_series_latest(&s, 209.9)->value, 5);
    CU_ASSERT_EQUAL(metric_series_latest(&s, 210)->value, 7);
    /* Nothing after 120 s: periods 2 and 3 are missing, the latest stays 7. */
    struct metric_datapoint w[4];
    metric_series_window(&s, 330, 4, w);
    CU_ASSERT_EQUAL(w[0].start_s, 0);
    CU_ASSERT_EQUAL(w[1].value, 7);
    CU_ASSERT_EQUAL(w[2].samples, 0);
    CU_ASSERT(isnan(w[3].value));
    CU_ASSERT_EQUAL(metric_series_latest(&s, 330)->value, 7);
    metric_series_fini(&s);
}

static void basic_monitoring_gives_five_minute_datapoints(void)
{
    struct metric_series s;
    series(&s, METRIC_PERIOD_EC2_BASIC, 0, METRIC_AVERAGE, 0);
    for (int t = 0; t < 600; t += 60)
        metric_series_add(&s, t, t < 300 ? 10 : 30);
    struct metric_datapoint w[2];
    metric_series_window(&s, 600, 2, w);
    CU_ASSERT_EQUAL(w[0].value, 10);
    CU_ASSERT_EQUAL(w[1].value, 30);
    CU_ASSERT_EQUAL(w[1].samples, 5);
    metric_series_fini(&s);
}

static void group_metric_leaves_out_warming_and_out_of_service(void)
{
    struct metric_series s;
    series(&s, 60, 0, METRIC_AVERAGE, 0);
    struct metric_member m[4] = {
        {80, true, false}, {60, true, false}, {0, true, true}, {0, false, false}};
    CU_ASSERT_EQUAL(metric_series_add_group(&s, 0, m, 4), 2);
    CU_ASSERT_EQUAL(metric_series_latest(&s, 60)->value, 70);
    /* Only warming members: the period is missing. */
    CU_ASSERT_EQUAL(metric_series_add_group(&s, 60, m + 2, 2), 0);
    struct metric_datapoint dp;
    metric_series_window(&s, 120, 1, &dp);
    CU_ASSERT_EQUAL(dp.samples, 0);
    metric_series_fini(&s);
}

/* An alarm on a series fed one value per minute from vals (NAN = nothing). */
struct rig {
    struct metric_series s;
    struct metric_alarm a;
};

static void rig_init(struct rig *r, unsigned m, unsigned n, enum metric_missing miss)
{
    series(&r->s, 60, 0, METRIC_AVERAGE, 0);
    struct metric_alarm_cfg cfg = {"hi", METRIC_GT, 50, m, n, miss};
    metric_alarm_init(&r->a, &cfg);
}

/* Feed minute k's value (k from 0), evaluate at its end; returns the state. */
static enum metric_alarm_state rig_minute(struct rig *r, int k, double v,
                                          struct metric_alarm_eval *ev)
{
    if (!isnan(v))
        metric_series_add(&r->s, 60.0 * k, v);
    metric_alarm_evaluate(&r->a, &r->s, 60.0 * (k + 1), ev);
    return ev->state;
}

static void m_of_n_need_not_be_consecutive(void)
{
    struct rig r;
    struct metric_alarm_eval ev;
    rig_init(&r, 2, 3, METRIC_MISSING_MISSING);
    CU_ASSERT_EQUAL(r.a.state, METRIC_ALARM_INSUFFICIENT_DATA);
    CU_ASSERT_EQUAL(rig_minute(&r, 0, 60, &ev), METRIC_ALARM_OK); /* 1 of 1 present */
    CU_ASSERT_EQUAL(rig_minute(&r, 1, 40, &ev), METRIC_ALARM_OK);
    CU_ASSERT_EQUAL(rig_minute(&r, 2, 70, &ev), METRIC_ALARM_ALARM); /* 60, 40, 70 */
    CU_ASSERT(ev.changed);
    CU_ASSERT(ev.action_due);
    CU_ASSERT_EQUAL(ev.value, 70);
    CU_ASSERT_EQUAL(ev.breaching, 2);
    CU_ASSERT_EQUAL(rig_minute(&r, 3, 40, &ev), METRIC_ALARM_OK); /* 40, 70, 40 */
    CU_ASSERT(!ev.action_due);
    metric_series_fini(&r.s);
}

static void alarm_repeats_its_action_every_minute(void)
{
    struct rig r;
    struct metric_alarm_eval ev;
    rig_init(&r, 1, 1, METRIC_MISSING_MISSING);
    int due = 0;
    for (int k = 0; k < 5; k++) {
        rig_minute(&r, k, 90, &ev);
        due += ev.action_due;
        CU_ASSERT_EQUAL(ev.changed, k == 0);
    }
    CU_ASSERT_EQUAL(due, 5);
    metric_series_fini(&r.s);

    /* A 10 s alarm is evaluated every 10 s but acts once a minute. */
    struct metric_series s;
    series(&s, 10, 0, METRIC_AVERAGE, 0);
    CU_ASSERT_EQUAL(metric_alarm_interval(10), 10);
    CU_ASSERT_EQUAL(metric_alarm_interval(60), 60);
    struct metric_alarm a;
    struct metric_alarm_cfg cfg = {"hr", METRIC_GE, 1, 1, 1, METRIC_MISSING_MISSING};
    metric_alarm_init(&a, &cfg);
    due = 0;
    for (int k = 0; k < 12; k++) {
        metric_series_add(&s, 10.0 * k, 5);
        metric_alarm_evaluate(&a, &s, 10.0 * (k + 1), &ev);
        due += ev.action_due;
    }
    CU_ASSERT_EQUAL(due, 2); /* at 10 s and 70 s */
    metric_series_fini(&s);
}

static void missing_data_treatments(void)
{
    struct rig r;
    struct metric_alarm_eval ev;
    /* missing: nothing at all is INSUFFICIENT_DATA. */
    rig_init(&r, 1, 3, METRIC_MISSING_MISSING);
    CU_ASSERT_EQUAL(rig_minute(&r, 0, (double)NAN, &ev), METRIC_ALARM_INSUFFICIENT_DATA);
    /* One present breaching point among the N + 2 newest periods is enough for 1 of 3. */
    CU_ASSERT_EQUAL(rig_minute(&r, 1, 90, &ev), METRIC_ALARM_ALARM);
    for (int k = 2; k <= 5; k++)
        rig_minute(&r, k, (double)NAN, &ev);
    CU_ASSERT_EQUAL(ev.state, METRIC_ALARM_ALARM); /* 90 is still within 5 periods */
    CU_ASSERT_EQUAL(rig_minute(&r, 6, (double)NAN, &ev), METRIC_ALARM_INSUFFICIENT_DATA);
    metric_series_fini(&r.s);

    /* ignore: with no data the state stays. */
    rig_init(&r, 1, 1, METRIC_MISSING_IGNORE);
    rig_minute(&r, 0, 90, &ev);
    for (int k = 1; k < 10; k++)
        CU_ASSERT_EQUAL(rig_minute(&r, k, (double)NAN, &ev), METRIC_ALARM_ALARM);
    metric_series_fini(&r.s);

    /* breaching: missing points count against; notBreaching: for. */
    rig_init(&r, 3, 3, METRIC_MISSING_BREACHING);
    CU_ASSERT_EQUAL(rig_minute(&r, 0, (double)NAN, &ev), METRIC_ALARM_ALARM); /* before t=0: missing */
    CU_ASSERT_EQUAL(rig_minute(&r, 1, 10, &ev), METRIC_ALARM_OK);
    metric_series_fini(&r.s);
    rig_init(&r, 1, 2, METRIC_MISSING_NOT_BREACHING);
    CU_ASSERT_EQUAL(rig_minute(&r, 0, (double)NAN, &ev), METRIC_ALARM_OK);
    CU_ASSERT_EQUAL(rig_minute(&r, 1, 90, &ev), METRIC_ALARM_ALARM);
    CU_ASSERT_EQUAL(rig_minute(&r, 2, (double)NAN, &ev), METRIC_ALARM_ALARM); /* 90 still in window */
    CU_ASSERT_EQUAL(rig_minute(&r, 3, (double)NAN, &ev), METRIC_ALARM_OK);
    metric_series_fini(&r.s);
}

static void names_parse_and_errors_list_choices(void)
{
    struct loc l = {"m.yaml", 4, 9};
    struct metric_stat st;
    CU_ASSERT_EQUAL(metric_stat_parse("p99.9", &l, &st), 0);
    CU_ASSERT_EQUAL(st.kind, METRIC_PERCENTILE);
    CU_ASSERT_EQUAL(st.p, 99.9);
    CU_ASSERT_EQUAL(metric_stat_parse("SampleCount", &l, &st), 0);
    CU_ASSERT_EQUAL(st.kind, METRIC_SAMPLE_COUNT);
    enum metric_cmp c;
    CU_ASSERT_EQUAL(metric_cmp_parse("LessThanOrEqualToThreshold", &l, &c), 0);
    CU_ASSERT_EQUAL(c, METRIC_LE);
    CU_ASSERT_PTR_NOT_NULL(metric_find("CPUUtilization", METRIC_RES_ASG));
    CU_ASSERT_STRING_EQUAL(metric_find("CPUUtilization", METRIC_RES_ECS_SERVICE)->ns, "AWS/ECS");
    CU_ASSERT_PTR_NULL(metric_find("MemoryUtilization", METRIC_RES_ASG));
    CU_ASSERT_PTR_NULL(metric_find_predefined("ECSServiceAverageCPUUtilization", METRIC_RES_ASG));
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    CU_ASSERT_EQUAL(metric_stat_parse("p100", &l, &st), -1);
    enum metric_missing mm;
    CU_ASSERT_EQUAL(metric_missing_parse("notbreaching", &l, &mm), -1);
    CU_ASSERT_EQUAL(metric_period_check(45, "period", "45s", &l), -1);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "m.yaml:4:9: error: unknown statistic 'p100'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "did you mean 'notBreaching'?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "period '45s' is not a CloudWatch period"));
    CU_ASSERT_EQUAL(cap.errors, 3);
    free(msg);
}

static CU_TestInfo metrics_tests[] = {
    {"statistics_over_one_period", statistics_over_one_period},
    {"datapoint_is_visible_one_delay_after_its_period",
     datapoint_is_visible_one_delay_after_its_period},
    {"basic_monitoring_gives_five_minute_datapoints", basic_monitoring_gives_five_minute_datapoints},
    {"group_metric_leaves_out_warming_and_out_of_service",
     group_metric_leaves_out_warming_and_out_of_service},
    {"m_of_n_need_not_be_consecutive", m_of_n_need_not_be_consecutive},
    {"alarm_repeats_its_action_every_minute", alarm_repeats_its_action_every_minute},
    {"missing_data_treatments", missing_data_treatments},
    {"names_parse_and_errors_list_choices", names_parse_and_errors_list_choices},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_metrics_suites[] = {
    {"metrics", NULL, NULL, NULL, NULL, metrics_tests},
    CU_SUITE_INFO_NULL,
};
