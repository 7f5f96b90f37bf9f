#include "analysis/exp_interval.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/summary.h"
#include "sim/histogram.h"
#include "sim/xalloc.h"

enum exp_ci_kind exp_ci_kind_of(const struct exp_metric *ms, int k)
{
    const struct exp_metric *m = &ms[k];
    if (m->num >= 0 && m->den >= 0)
        return EXP_CI_WILSON;
    switch (summary_unit(m->metric).range) {
    case SUMMARY_NONNEG:
        return EXP_CI_T_NONNEG;
    case SUMMARY_FRACTION:
        return EXP_CI_T_FRACTION;
    case SUMMARY_REAL:
        break;
    }
    return EXP_CI_T;
}

const char *exp_ci_kind_name(enum exp_ci_kind kind)
{
    static const char *const names[] = {"t", "t_nonneg", "t_fraction", "wilson"};
    return names[kind];
}

const char *exp_ci_kind_text(enum exp_ci_kind kind)
{
    static const char *const texts[] = {
        "Student-t",
        "Student-t cut at 0",
        "Student-t cut to [0, 1]",
        "Wilson score, effective sample size from the replications' spread",
    };
    return texts[kind];
}

bool exp_metric_is_percentile(const char *metric)
{
    if (strncmp(metric, "latency_p", 9))
        return false;
    const char *c = metric + 9;
    if (!isdigit((unsigned char)*c))
        return false;
    while (isdigit((unsigned char)*c))
        c++;
    return !strcmp(c, "_s");
}

/* The values whose mean is estimated, per replication, at point p: the metric's, or for a
 * proportion its pseudo-values (analysis/stats).  x has t->reps entries. */
static void values(const struct exp_table *t, const struct exp_metric *ms, int k, int p,
                   double *x)
{
    const struct exp_metric *m = &ms[k];
    if (exp_ci_kind_of(ms, k) != EXP_CI_WILSON) {
        exp_table_column(t, p, k, x);
        return;
    }
    double *num = xmalloc(2 * (size_t)t->reps * sizeof *num), *den = num + t->reps;
    exp_table_column(t, p, m->num, num);
    exp_table_column(t, p, m->den, den);
    stats_ratio_pseudo(num, den, t->reps, x);
    free(num);
}

void exp_ci_mean(const struct exp_table *t, const struct exp_metric *ms, int k, int p,
                 double level, struct stats_ci *out)
{
    double *x = xmalloc(2 * (size_t)(t->reps ? t->reps : 1) * sizeof *x), *y = x + t->reps;
    enum exp_ci_kind kind = exp_ci_kind_of(ms, k);
    if (kind == EXP_CI_WILSON) {
        exp_table_column(t, p, ms[k].num, x);
        exp_table_column(t, p, ms[k].den, y);
        stats_ratio_ci(x, y, t->reps, level, out);
    } else {
        exp_table_column(t, p, k, x);
        stats_mean_ci(x, t->reps, level, out);
        if (exp_metric_is_percentile(ms[k].metric) && !isnan(out->lo)) {
            /* Each percentile is known within HIST_REL_ERR of itself, so their mean is. */
            out->lo -= HIST_REL_ERR * fabs(out->lo);
            out->hi += HIST_REL_ERR * fabs(out->hi);
            out->half = (out->hi - out->lo) / 2;
        }
        if (kind == EXP_CI_T_NONNEG)
            stats_ci_clip(out, 0, (double)INFINITY);
        else if (kind == EXP_CI_T_FRACTION)
            stats_ci_clip(out, 0, 1);
    }
    free(x);
}

void exp_ci_diff(const struct exp_table *t, const struct exp_metric *ms, int k, int a, int b,
                 double level, struct exp_diff *out)
{
    int n = t->reps;
    double *x = xmalloc(2 * (size_t)(n ? n : 1) * sizeof *x), *y = x + n;
    values(t, ms, k, a, x);
    values(t, ms, k, b, y);
    struct stats_ci ca, cb;
    stats_mean_ci(x, n, level, &ca);
    stats_mean_ci(y, n, level, &cb);
    stats_paired_ci(x, y, n, level, &out->paired);
    stats_welch_ci(x, n, y, n, level, &out->unpaired);
    free(x);
    if (summary_unit(ms[k].metric).range == SUMMARY_FRACTION) {
        stats_ci_clip(&out->paired, -1, 1);
        stats_ci_clip(&out->unpaired, -1, 1);
    }
    out->holm = false;
    const struct stats_ci *d = &out->paired;
    if (d->n < 2) {
        out->verdict = EXP_VERDICT_NONE;
    } else if (d->sd == 0 && d->mean == 0) {
        out->verdict = EXP_VERDICT_IDENTICAL;
    } else if (exp_metric_is_percentile(ms[k].metric) &&
               fabs(d->mean) < HIST_REL_ERR * (fabs(ca.mean) + fabs(cb.mean))) {
        /* Each percentile may be off by HIST_REL_ERR of itself: so may their difference
         * by the sum. */
        out->verdict = EXP_VERDICT_BELOW_RESOLUTION;
    } else if (d->sd == 0) {
        out->verdict = ca.sd == 0 && cb.sd == 0 ? EXP_VERDICT_EXACT : EXP_VERDICT_CONSTANT;
    } else {
        out->verdict = stats_ci_excludes_zero(d) ? EXP_VERDICT_SIGNIFICANT
                                                 : EXP_VERDICT_NOT_SIGNIFICANT;
    }
    out->p = out->verdict == EXP_VERDICT_NONE || out->verdict == EXP_VERDICT_CONSTANT
                 ? (double)NAN
                 : stats_t_pvalue(d);
}

void exp_diff_holm(struct exp_diff *d, int n, double alpha)
{
    double *p = xmalloc((size_t)(n ? n : 1) * sizeof *p);
    bool *reject = xmalloc((size_t)(n ? n : 1) * sizeof *reject);
    for (int i = 0; i < n; i++)
        p[i] = d[i].p;
    stats_holm(p, n, alpha, reject);
    for (int i = 0; i < n; i++)
        d[i].holm = reject[i] && exp_verdict_significant(d[i].verdict) == 1;
    free(p);
    free(reject);
}

int exp_verdict_significant(enum exp_verdict v)
{
    switch (v) {
    case EXP_VERDICT_SIGNIFICANT:
    case EXP_VERDICT_EXACT:
        return 1;
    case EXP_VERDICT_NOT_SIGNIFICANT:
    case EXP_VERDICT_IDENTICAL:
    case EXP_VERDICT_BELOW_RESOLUTION:
        return 0;
    case EXP_VERDICT_NONE:
    case EXP_VERDICT_CONSTANT:
        break;
    }
    return -1;
}

const char *exp_verdict_name(enum exp_verdict v)
{
    static const char *const names[] = {
        "", "identical", "below_resolution", "exact", "constant", "significant",
        "not_significant",
    };
    return names[v];
}

const char *exp_verdict_text(enum exp_verdict v)
{
    static const char *const texts[] = {
        "", "identical", "below resolution", "exact", "constant", "significant",
        "not significant",
    };
    return texts[v];
}

const char *exp_verdict_legend(enum exp_verdict v)
{
    switch (v) {
    case EXP_VERDICT_IDENTICAL:
        return "identical: the same value in both variants in every replication";
    case EXP_VERDICT_BELOW_RESOLUTION:
        return "below resolution: smaller than the histogram's resolution (percentiles are "
               "within 0.098 % of the true value), so no difference is claimed";
    case EXP_VERDICT_EXACT:
        return "exact: neither variant varies between replications, so the difference is "
               "certain, not estimated";
    case EXP_VERDICT_CONSTANT:
        return "constant: the same difference in every replication though the values vary; "
               "a zero-width interval from so few replications proves nothing, so no "
               "verdict";
    default:
        return NULL;
    }
}
