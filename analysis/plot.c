/* plot_write_script: what kind of folder DIR is, its inputs read, and the script written
 * one figure file after another.  See plot.h and plot/plot_impl.h. */
#include "analysis/plot.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/plot/plot_impl.h"
#include "sim/diag.h"
#include "sim/text.h"
#include "sim/xalloc.h"

/* A folder draws a fixed set of figures, fewer than PLOT_MAX: more is a bug. */
void plot_plan_made(struct plot_plan *plan, const char *png)
{
    ELB_ASSERT(plan->nmade < PLOT_MAX);
    plan->made[plan->nmade++] = png;
}

void plot_plan_skipped(struct plot_plan *plan, const char *png, const char *why)
{
    ELB_ASSERT(plan->nskipped < PLOT_MAX);
    plan->skipped_why[plan->nskipped] = why;
    plan->skipped[plan->nskipped++] = png;
}

static bool has_file(const char *dir, const char *file)
{
    char *path = text_join_path(dir, file);
    struct stat st;
    bool there = stat(path, &st) == 0;
    free(path);
    return there;
}

/* The figures in a fixed order; the Auto Scaling figures come last, then the forecast, so
 * a run without groups or forecast.csv gets the same script as before they existed. */
static void put_run(FILE *f, const struct plot_wide *w, const struct plot_units *units,
                    struct plot_events *ev, const struct plot_targets *tg,
                    const struct plot_table *cdf, const struct plot_fc *fc,
                    struct plot_plan *plan)
{
    struct plot_xaxis x = plot_gp_xaxis_for(w->t_last);
    plan->time_div = x.div;
    plot_gp_preamble(f);
    plot_series_put_latency(f, w, &x, ev, plan);
    plot_cdf_put(f, cdf, plan);
    plot_series_put_throughput(f, w, &x, ev, plan);
    plot_targets_put(f, tg, &x, plan);
    if (units->n > 0) {
        plot_capacity_put(f, w, units, &x, plan);
        plot_policy_put(f, w, units, &x, plan);
        plot_gp_reset(f);
    }
    if (fc->present)
        plot_forecast_put(f, w, units, fc, &x, plan);
}

int plot_write_script(const char *dir, struct plot_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->interval_s = (double)NAN;
    plan->source = PLOT_WIDE_CSV;
    /* What kind of folder: a run's has its time series; the others have neither. */
    if (!has_file(dir, PLOT_WIDE_CSV)) {
        if (has_file(dir, PLOT_SWEEP_CSV))
            return plot_sweep_write(dir, plan);
        if (has_file(dir, PLOT_COMPARE_CSV))
            return plot_compare_write(dir, plan);
        if (has_file(dir, PLOT_BACKTEST_CSV))
            return plot_backtest_write(dir, plan);
        if (has_file(dir, PLOT_QQ_CSV))
            return plot_calibrate_write(dir, plan);
        char *wide = text_join_path(dir, PLOT_WIDE_CSV);
        diag_error(NULL, "cannot open '%s': %s (the folder holds none of the files elbsim "
                   "plot draws: timeseries_wide.csv of a run, sweep.csv, compare.csv, "
                   "backtest.csv of a forecast, qq.csv of a calibration)", wide, strerror(ENOENT));
        free(wide);
        return PLOT_ERR_IO;
    }

    /* Every input is read before anything is written, so bad input leaves nothing. */
    char *csv = text_join_path(dir, PLOT_WIDE_CSV);
    char *path = text_join_path(dir, PLOT_SCRIPT_NAME);
    struct plot_wide w;
    struct plot_units units;
    struct plot_events ev;
    struct plot_targets *tg = NULL;
    struct plot_fc fc;
    struct plot_table cdf;
    memset(&cdf, 0, sizeof cdf);
    memset(&units, 0, sizeof units);
    memset(&ev, 0, sizeof ev);
    int rc = plot_csv_wide_read(csv, &w);
    if (rc != 0)
        goto out;
    if (w.records >= 3)
        plan->interval_s = w.t[1] - w.t[0];
    plot_units_find(&units, &w);
    if ((rc = plot_units_read_scenario(dir, &units)) != 0 ||
        (rc = plot_events_read(dir, &units, &ev)) != 0 ||
        (rc = plot_targets_read(csv, &w, &units, &ev, plan->interval_s, &tg)) != 0 ||
        (rc = plot_cdf_read(dir, &cdf)) != 0 || (rc = plot_forecast_read(dir, &fc)) != 0)
        goto out;

    struct plot_gp gp;
    if ((rc = plot_gp_open(&gp, path)) != 0)
        goto out;
    put_run(gp.f, &w, &units, &ev, tg, &cdf, &fc, plan);
    rc = plot_gp_finish(&gp, plan);
out:
    plot_csv_table_free(&cdf);
    plot_targets_free(tg);
    plot_events_free(&ev);
    plot_units_free(&units);
    plot_csv_wide_free(&w);
    free(csv);
    free(path);
    return rc;
}

/* ---- what gnuplot really wrote ----------------------------------------------------------- */

void plot_files_snapshot(const char *dir, const struct plot_plan *plan, struct plot_files *before)
{
    memset(before, 0, sizeof *before);
    for (int i = 0; i < plan->nmade; i++) {
        char *path = text_join_path(dir, plan->made[i]);
        struct stat st;
        if (stat(path, &st) == 0) {
            before->existed[i] = true;
            before->size[i] = (long long)st.st_size;
            before->mtime_ns[i] = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        }
        free(path);
    }
}

int plot_files_check(const char *dir, const struct plot_plan *plan,
                     const struct plot_files *before)
{
    int missing = 0;
    for (int i = 0; i < plan->nmade; i++) {
        char *path = text_join_path(dir, plan->made[i]);
        struct stat st;
        const char *why = NULL;
        if (stat(path, &st) != 0) {
            why = "it is not there";
        } else if (st.st_size == 0) {
            why = "it is empty";
        } else {
            long long mt = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
            if (before->existed[i] && mt == before->mtime_ns[i] &&
                (long long)st.st_size == before->size[i])
                why = "it is the file of an earlier run, unchanged";
        }
        if (why) {
            diag_error(NULL, "gnuplot exited without an error but did not write %s: %s (run "
                             "`gnuplot %s` in %s to see its messages)",
                       path, why, PLOT_SCRIPT_NAME, dir);
            missing++;
        }
        free(path);
    }
    return missing;
}
