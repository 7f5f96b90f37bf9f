/* Tests of analysis/plot and `elbsim plot`: the script's columns, skipped plots, the Auto
 * Scaling plots with events.csv's activities, ECS services' tasks and their clusters'
 * instances in the same plots, the forecast plot of forecast.csv, PNGs drawn
 * by the real gnuplot (skipped when it is not installed), and the exit codes for a missing
 * or failing gnuplot, a missing folder or CSV, CSVs with a wrong header and a script that
 * cannot be written. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/plot.h"
#include "sim/cli/commands.h"
#include "sim/xalloc.h"
#include "tests/unit.h"

/* A wide CSV as `elbsim run` writes it: 2 minutes of 1 s intervals for one workload, two
 * targets (one launched at 60 s, so its early cells are empty) and one load balancer. */
static void write_full_csv(void)
{
    FILE *f = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s,workload.shoppers.latency_p50_s,workload.shoppers.latency_p90_s,"
          "workload.shoppers.latency_p99_s,workload.shoppers.throughput_rps,"
          "workload.shoppers.errors,workload.shoppers.timeouts,target.web/1.utilization,"
          "target.web/1.queue_length,lb.front-door.in_flight,target.web-asg/i-2.utilization\n",
          f);
    for (int t = 1; t <= 120; t++) {
        double load = t < 60 ? 0.4 + t * 0.008 : 0.5;
        fprintf(f, "%d,%g,%g,%g,%g,%d,%d,%g,%d,%d,", t, 0.04 / (1 - load), 0.09 / (1 - load),
                0.4 / (1 - load), 200.0 + t, t % 17 == 0, t % 29 == 0, load, t % 5, 8 + t % 7);
        if (t >= 60)
            fprintf(f, "%g", load * 0.9);
        fputc('\n', f);
    }
    fclose(f);
}

static void write_text(const char *file, const char *text)
{
    FILE *f = fopen(unit_tmpdir_path(file), "w");
    fputs(text, f);
    fclose(f);
}

static bool have_gnuplot(void)
{
    char *out = NULL;
    int rc = unit_run_capture("command -v gnuplot", &out);
    free(out);
    return rc == 0;
}

/* Run cmd_plot with the process's stdout and stderr (file descriptors 1 and 2) sent to a
 * temporary file, and diag messages too; *out gets all of it (caller frees). */
static int run_plot_quiet(int argc, char **argv, char **out)
{
    char path[] = "/tmp/elbsim-plot-out-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    fflush(stdout);
    fflush(stderr);
    int old1 = dup(1), old2 = dup(2);
    dup2(fd, 1);
    dup2(fd, 2);
    int rc = cmd_plot(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(old1, 1);
    dup2(old2, 2);
    close(old1);
    close(old2);
    close(fd);
    *out = unit_slurp(path);
    unlink(path);
    return rc;
}

static void script_refers_to_columns_by_number(void)
{
    unit_tmpdir_empty();
    write_full_csv();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 4);
    CU_ASSERT_EQUAL(plan.nskipped, 0);
    CU_ASSERT_DOUBLE_EQUAL(plan.interval_s, 1.0, 1e-12);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* latency in ms from columns 2-4, throughput 5, errors/timeouts 6-7 on the right axis,
     * utilization in % from 8 and 11, in flight 10, queue 9 */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(2)*1000) axes x1y1 with lines lw 2 "
                                      "title 'shoppers p50'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(4)*1000)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:5 axes x1y1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:6 axes x1y2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:7 axes x1y2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(8)*100) axes x1y1 with lines lw 2 "
                                      "title 'web/1'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(11)*100) axes x1y1 with lines lw 2 "
                                      "title 'web-asg/i-2'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:9 axes x1y1 with lines lw 2 title 'web/1 queued'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:10 axes x1y1 with lines lw 2 "
                                      "title 'lb front-door in flight'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "per 1 s interval"));
    CU_ASSERT_PTR_NULL(strstr(gp, "capacity.png")); /* no asg.* series: no capacity plot */
    free(gp);
}

static void plots_without_columns_are_skipped(void)
{
    unit_tmpdir_empty();
    write_text("timeseries_wide.csv", "time_s,workload.w.latency_p99_s,target.t.cpu\n"
                                      "0.5,0.1,3\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 1);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "latency.png");
    CU_ASSERT_EQUAL(plan.nskipped, 3);
    CU_ASSERT_STRING_EQUAL(plan.skipped_why[0], "its columns are not in the CSV");
    CU_ASSERT(isnan(plan.interval_s)); /* one row: interval unknown */
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NULL(strstr(gp, "throughput.png"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "per interval"));
    free(gp);
}

/* A workload with no completed request has empty latency cells in every row: gnuplot
 * would stop the whole script at such a plot, so it is left out, and the rest drawn. */
static void figures_whose_columns_are_all_empty_are_skipped(void)
{
    unit_tmpdir_empty();
    write_text("timeseries_wide.csv", "time_s,workload.w.latency_p50_s,workload.w.throughput_rps,"
                                      "workload.w.errors,target.t.utilization\n"
                                      "1,,0,0,\n2,,0,0,\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 1);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "throughput.png");
    CU_ASSERT_EQUAL_FATAL(plan.nskipped, 3);
    CU_ASSERT_STRING_EQUAL(plan.skipped[0], "latency.png");
    CU_ASSERT_STRING_EQUAL(plan.skipped_why[0], "its columns hold no values");
    CU_ASSERT_STRING_EQUAL(plan.skipped_why[2], "its columns are not in the CSV");
    if (!have_gnuplot())
        return;
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_OK); /* all-zero values plot fine */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "skipping latency.png: its columns hold no values"));
    free(out);
    struct stat st;
    CU_ASSERT(stat(unit_tmpdir_path("throughput.png"), &st) == 0 && st.st_size > 0);
}

/* Long runs get the time axis in minutes or hours. */
static void long_runs_plot_time_in_hours(void)
{
    unit_tmpdir_empty();
    write_text("timeseries_wide.csv", "time_s,workload.w.throughput_rps\n"
                                      "60,1\n120,2\n86400,3\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_DOUBLE_EQUAL(plan.interval_s, 60, 1e-9);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set xlabel 'simulated time (hours)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using (column(1)/3600):2 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "per 60 s interval"));
    free(gp);
}

/* Runs between 15 minutes and 3 hours get the time axis in minutes. */
static void medium_runs_plot_time_in_minutes(void)
{
    unit_tmpdir_empty();
    write_text("timeseries_wide.csv", "time_s,workload.w.throughput_rps\n"
                                      "10,1\n20,2\n1800,3\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set xlabel 'simulated time (minutes)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using (column(1)/60):2 "));
    free(gp);
}

/* The script goes through a temporary and a rename: when the rename fails (plots.gp is a
 * folder), the error names both, nothing is left behind and no PNG is listed. */
static void script_that_cannot_be_written_leaves_no_temporary(void)
{
    unit_tmpdir_empty();
    write_full_csv();
    CU_ASSERT_EQUAL_FATAL(mkdir(unit_tmpdir_path("plots.gp"), 0755), 0);
    struct plot_plan plan;
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = plot_write_script(unit_tmpdir(), &plan);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, PLOT_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot rename '"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/plots.gp.tmp."));
    free(msg);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 2); /* the CSV and the folder */
    rmdir(unit_tmpdir_path("plots.gp"));
}

static void pngs_are_created_and_non_empty(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    write_full_csv();
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/latency.png"));
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, EXIT_OK);
    static const char *const png[] = {"latency.png", "throughput.png", "utilization.png",
                                      "inflight.png"};
    for (size_t i = 0; i < sizeof png / sizeof png[0]; i++) {
        struct stat st;
        CU_ASSERT_EQUAL(stat(unit_tmpdir_path(png[i]), &st), 0);
        CU_ASSERT(st.st_size > 1000);
        char *head = unit_slurp(unit_tmpdir_path(png[i]));
        CU_ASSERT(head && !memcmp(head, "\x89PNG", 4));
        free(head);
    }
}

/* A folder as `elbsim run` writes it for two Auto Scaling groups, "web" and "web.v2" (a
 * dot in the name, so asg.web.v2.steps.metric is group web.v2's policy steps), two
 * workloads and 2 minutes of 10 s intervals.  Columns: 2-3 requests, 4 throughput,
 * 5-9 web, 10-11 web's policy cpu50, 12-14 web.v2, 15-16 its policy steps. */
static void write_asg_csv(void)
{
    FILE *f = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s,workload.shoppers.requests,workload.batch.requests,"
          "workload.shoppers.throughput_rps,asg.web.desired,asg.web.pending,"
          "asg.web.in_service,asg.web.warming,asg.web.draining,asg.web.cpu50.metric,"
          "asg.web.cpu50.alarm,asg.web.v2.desired,asg.web.v2.pending,asg.web.v2.in_service,"
          "asg.web.v2.steps.metric,asg.web.v2.steps.alarm\n",
          f);
    for (int t = 10; t <= 120; t += 10) {
        int desired = t < 20 ? 2 : t < 40 ? 4 : 3;
        fprintf(f, "%d,%d,%d,%g,%d,%d,%d,0,0,", t, 1000 + 10 * t, 200, 100.0 + t, desired,
                t == 20 || t == 30 ? 2 : 0, t < 40 ? 2 : 3);
        if (t > 10)
            fprintf(f, "%g", 30.0 + t / 4.0);
        fprintf(f, ",%d,%d,0,%d,,%d\n", t > 10 ? 1 + (t == 20) : 0, t < 50 ? 1 : 2,
                t < 50 ? 1 : 2, t < 60 ? 1 : 2);
    }
    fclose(f);
}

/* events.csv with scaling rows of both groups (one naming no change of capacity), another
 * kind and an unknown group, which are left out. */
static void write_asg_events(void)
{
    write_text("events.csv",
               "time_s,kind,name,detail\n"
               "5,health,web/i-1,initial -> healthy\n"
               "20,scaling,web,Alarm TargetTracking-web-AlarmHigh-cpu50 in state ALARM "
               "triggered policy cpu50 changing the desired capacity from 2 to 4.\n"
               "20,scaling,web,\"Launching a new EC2 instance: web/3. Cause: an instance was "
               "started in response to a difference between desired and actual capacity, "
               "increasing the capacity from 2 to 3. Details: zone a.\"\n"
               "40,scaling,web,\"Alarm Low, in state ALARM triggered policy cpu50 changing "
               "the desired capacity from 4 to 3.\"\n"
               "45,scaling,web,Terminating EC2 instance: web/i-2. Cause: an instance was taken "
               "out of service in response to an ELB health check.\n"
               "50,scaling,web.v2,changing the desired capacity from 1 to 2.\n"
               "60,scaling,api,changing the desired capacity from 1 to 9.\n");
}

static void asg_series_get_capacity_and_policy_plots(void)
{
    unit_tmpdir_empty();
    write_asg_csv();
    write_asg_events();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 3);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "throughput.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "capacity.png");
    CU_ASSERT_STRING_EQUAL(plan.made[2], "policy.png");
    CU_ASSERT_EQUAL(plan.nskipped, 3); /* latency, utilization, in flight */
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* one panel per group, capacity as steps, load = both workloads' requests per second */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set output 'capacity.png'\nset multiplot layout 2,1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set title 'Auto Scaling group web'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set title 'Auto Scaling group web.v2'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:5 axes x1y1 with steps lw 2 lc 1 "
                                      "title 'desired'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:7 axes x1y1 with steps lw 2 lc 2 "
                                      "title 'in service'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:6 axes x1y1 with steps lw 2 lc 3 "
                                      "title 'pending'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:12 axes x1y1 with steps"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:((column(2)+column(3))/10) axes x1y2 with "
                                      "lines"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set y2label 'offered load (requests/s)'"));
    /* activities: up and down at the new desired capacity; a line for each, the
     * replacement's termination included; other kinds, unknown groups and the instance
     * rows of a change of desired capacity (web/3's launch, "from 2 to 3") left out */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$scale_out_1 << EOD\n20,4\nEOD\n"
                                      "$scale_in_1 << EOD\n40,3\nEOD\n"
                                      "$scale_out_2 << EOD\n50,2\nEOD\n"));
    CU_ASSERT_PTR_NULL(strstr(gp, "$scale_in_2"));
    CU_ASSERT_PTR_NULL(strstr(gp, ",9\n"));
    CU_ASSERT_PTR_NULL(strstr(gp, "20,3\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$scale_out_1 using 1:2 axes x1y1 with points pt 9"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$scale_in_1 using 1:2 axes x1y1 with points pt 11"));
    const char *cap = strstr(gp, "# capacity.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
    CU_ASSERT_PTR_NOT_NULL(strstr(cap, "set arrow 3 from 45, graph 0 to 45, graph 1 nohead"));
    CU_ASSERT_PTR_NULL(strstr(cap, "set arrow 4 "));
    CU_ASSERT_PTR_NULL(strstr(gp, "from 5, graph 0"));
    /* throughput.png: every scaling row in the strip of events (api's too), the health
     * change as a mark of its own row, and a dotted line at each activity but not at it */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "# throughput.png\n$marks_1 << EOD\n20,1\n50,1\n60,1\n"
                                      "EOD\n$marks_2 << EOD\n40,1\nEOD\n$marks_3 << EOD\n"
                                      "45,1\nEOD\n$marks_4 << EOD\n5,0\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set arrow 5 from 60, graph 0 to 60, graph 1 nohead"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set ytics ('health' 0, 'scaling' 1)\n"));
    /* policies: metric on the left, alarm state on the right */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set output 'policy.png'\nset multiplot layout 2,1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set title 'Auto Scaling group web, policy cpu50'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set title 'Auto Scaling group web.v2, policy steps'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:10 axes x1y1 with lines lw 2 lc 1 "
                                      "title 'metric'"));
    /* the alarm state shades the background: ALARM and INSUFFICIENT_DATA */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(11) == 2 ? 1 : 0) axes x1y2 with "
                                      "fillsteps"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(11) == 0 ? 1 : 0) axes x1y2 with "
                                      "fillsteps"));
    /* web.v2's policy has no metric value: its alarm alone, on the left-hand axis */
    CU_ASSERT_PTR_NULL(strstr(gp, "using 1:15 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set ytics ('INSUFFICIENT_DATA' 0, 'OK' 1, 'ALARM' 2)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:16 axes x1y1 with steps"));
    /* the same folder gives the same script */
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *again = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_STRING_EQUAL(gp, again);
    free(again);
    free(gp);
}

/* Without events.csv the capacity is still drawn, without activities; groups whose
 * columns are all empty are skipped with the reason. */
static void asg_plots_without_events_or_values(void)
{
    unit_tmpdir_empty();
    write_asg_csv();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 3);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set output 'capacity.png'"));
    CU_ASSERT_PTR_NULL(strstr(gp, "$scale_"));
    CU_ASSERT_PTR_NULL(strstr(gp, "set arrow"));
    free(gp);

    unit_tmpdir_empty();
    write_text("timeseries_wide.csv", "time_s,workload.w.throughput_rps,asg.g.desired,"
                                      "asg.g.p.metric,asg.g.p.alarm\n"
                                      "60,5,,,\n120,6,,,\n");
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 1);
    CU_ASSERT_EQUAL_FATAL(plan.nskipped, 5);
    CU_ASSERT_STRING_EQUAL(plan.skipped[3], "capacity.png");
    CU_ASSERT_STRING_EQUAL(plan.skipped_why[3], "its columns hold no values");
    CU_ASSERT_STRING_EQUAL(plan.skipped[4], "policy.png");
    gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NULL(strstr(gp, "capacity.png"));
    free(gp);
}

static void events_csv_with_a_wrong_header_is_bad_input(void)
{
    unit_tmpdir_empty();
    write_asg_csv();
    write_text("events.csv", "t,what,who,why\n20,scaling,web,from 2 to 4\n");
    struct plot_plan plan;
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = plot_write_script(unit_tmpdir(), &plan);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, PLOT_ERR_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "events.csv: expected a header `time_s,kind,name,"
                                       "detail`"));
    free(msg);
    CU_ASSERT(access(unit_tmpdir_path("plots.gp"), F_OK) != 0); /* nothing left behind */
}

static void capacity_and_policy_pngs_are_drawn(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    write_asg_csv();
    write_asg_events();
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/capacity.png"));
    CU_ASSERT_PTR_NULL(strstr(out, "warning")); /* gnuplot's, e.g. an empty curve */
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, EXIT_OK);
    static const char *const png[] = {"capacity.png", "policy.png"};
    for (size_t i = 0; i < sizeof png / sizeof png[0]; i++) {
        struct stat st;
        CU_ASSERT_EQUAL(stat(unit_tmpdir_path(png[i]), &st), 0);
        CU_ASSERT(st.st_size > 1000);
        char *head = unit_slurp(unit_tmpdir_path(png[i]));
        CU_ASSERT(head && !memcmp(head, "\x89PNG", 4));
        free(head);
    }
}

/* A folder with one Auto Scaling group and no ECS series gets exactly the script it got
 * before ECS services were plotted (the text below was written by that version; since,
 * policy.png shades the alarm state behind the metric instead of drawing it as a curve,
 * and latency.png and throughput.png hold a strip of the events, which this folder lacks
 * the columns for: the script has no trace of it; and the terminal is svg when elbsim_svg
 * is set, for `elbsim report`). */
static const char groups_only_script[] =
    "# elbsim plots of this output folder, written by `elbsim plot`.\n"
    "# Rerun by hand from this folder with: gnuplot plots.gp\n"
    "# Columns are referred to by number: see the header of timeseries_wide.csv.\n"
    "set datafile separator comma\n"
    "if (exists('elbsim_svg')) {\n"
    "    set terminal svg size 1200,700 noenhanced font 'Sans,11'\n"
    "} else { if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "    set terminal pngcairo size 1200,700 noenhanced font 'Sans,11'\n"
    "} else {\n"
    "    set terminal png size 1200,700 noenhanced\n"
    "} }\n"
    "data = 'timeseries_wide.csv'\n"
    "set grid\n"
    "set key below\n"
    "\n"
    "# capacity.png\n"
    "$scale_out_1 << EOD\n"
    "100,2\n"
    "EOD\n"
    "if (exists('elbsim_svg')) {\n"
    "    set terminal svg size 1200,700 noenhanced font 'Sans,11'\n"
    "} else { if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "    set terminal pngcairo size 1200,700 noenhanced font 'Sans,11'\n"
    "} else {\n"
    "    set terminal png size 1200,700 noenhanced\n"
    "} }\n"
    "set output 'capacity.png'\n"
    "set multiplot layout 1,1 title 'Auto Scaling group capacity against offered "
    "load (dotted lines: scaling activities; triangles: the new desired capacity)'\n"
    "set xrange [0:180]\n"
    "set key on\n"
    "set xlabel 'simulated time (s)'\n"
    "set ylabel 'instances'\n"
    "set ytics nomirror\n"
    "set y2tics\n"
    "set y2range [0:1<*]\n"
    "set y2label 'offered load (requests/s)'\n"
    "set title 'Auto Scaling group g'\n"
    "set arrow 1 from 100, graph 0 to 100, graph 1 nohead dt 3 lc rgb 'gray50' back\n"
    "set yrange [*:*]\n"
    "ymax = 0\n"
    "stats data skip 1 using 3 nooutput\n"
    "ymax = STATS_max > ymax ? STATS_max : ymax\n"
    "stats data skip 1 using 5 nooutput\n"
    "ymax = STATS_max > ymax ? STATS_max : ymax\n"
    "stats data skip 1 using 4 nooutput\n"
    "ymax = STATS_max > ymax ? STATS_max : ymax\n"
    "ystep = ceil(ymax / 8.0) > 1 ? ceil(ymax / 8.0) : 1\n"
    "set ytics ystep\n"
    "set yrange [0:ymax + ystep]\n"
    "plot data skip 1 using 1:3 axes x1y1 with steps lw 2 lc 1 title 'desired', \\\n"
    "     data skip 1 using 1:5 axes x1y1 with steps lw 2 lc 2 title 'in service', \\\n"
    "     data skip 1 using 1:4 axes x1y1 with steps lw 2 lc 3 title 'pending', \\\n"
    "     $scale_out_1 using 1:2 axes x1y1 with points pt 9 ps 2 lc rgb '#1a9641' "
    "title 'scale out (new desired)', \\\n"
    "     data skip 1 using 1:((column(2))/60) axes x1y2 with lines lw 1 lc rgb "
    "'gray30' title 'offered load (requests/s, right axis)'\n"
    "unset arrow\n"
    "unset multiplot\n"
    "set ytics autofreq\n"
    "set ytics mirror\n"
    "unset y2tics\n"
    "unset y2label\n"
    "\n"
    "# policy.png\n"
    "if (exists('elbsim_svg')) {\n"
    "    set terminal svg size 1200,700 noenhanced font 'Sans,11'\n"
    "} else { if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "    set terminal pngcairo size 1200,700 noenhanced font 'Sans,11'\n"
    "} else {\n"
    "    set terminal png size 1200,700 noenhanced\n"
    "} }\n"
    "set output 'policy.png'\n"
    "set multiplot layout 1,1 title 'Scaling policies: the metric datapoint each policy last "
    "saw against its target or alarm threshold, the alarm''s state shaded (dotted lines: "
    "scaling activities)'\n"
    "set xrange [0:180]\n"
    "set key on\n"
    "set xlabel 'simulated time (s)'\n"
    "set title 'Auto Scaling group g, policy p'\n"
    "set yrange [*<0:*]\n"
    "set ylabel 'metric'\n"
    "set ytics nomirror\n"
    "set y2range [0:1]\n"
    "unset y2tics\n"
    "set arrow 1 from 100, graph 0 to 100, graph 1 nohead dt 3 lc rgb 'gray50' back\n"
    "plot data skip 1 using 1:(column(7) == 2 ? 1 : 0) axes x1y2 with fillsteps fs transparent "
    "solid 0.15 noborder lc rgb '#d7191c' title 'alarm in ALARM (shaded)', \\\n"
    "     data skip 1 using 1:(column(7) == 0 ? 1 : 0) axes x1y2 with fillsteps fs transparent "
    "solid 0.15 noborder lc rgb 'gray50' title 'alarm without data (shaded)', \\\n"
    "     data skip 1 using 1:6 axes x1y1 with lines lw 2 lc 1 title 'metric'\n"
    "unset arrow\n"
    "set ytics mirror\n"
    "set y2range [*:*]\n"
    "unset multiplot\n"
    "set xrange [*:*]\n"
    "if (exists('elbsim_svg')) {\n"
    "    set terminal svg size 1200,700 noenhanced font 'Sans,11'\n"
    "} else { if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
    "    set terminal pngcairo size 1200,700 noenhanced font 'Sans,11'\n"
    "} else {\n"
    "    set terminal png size 1200,700 noenhanced\n"
    "} }\n";

static void groups_only_script_is_unchanged(void)
{
    unit_tmpdir_empty();
    write_text("timeseries_wide.csv",
               "time_s,workload.w.requests,asg.g.desired,asg.g.pending,asg.g.in_service,"
               "asg.g.p.metric,asg.g.p.alarm\n"
               "60,600,1,0,1,,0\n120,1200,2,1,1,55.5,2\n180,900,2,0,2,40,1\n");
    write_text("events.csv", "time_s,kind,name,detail\n"
                             "100,scaling,g,Alarm High in state ALARM triggered policy p "
                             "changing the desired capacity from 1 to 2.\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    CU_ASSERT_STRING_EQUAL(gp, groups_only_script);
    free(gp);
}

/* A folder as `elbsim run` writes it for two ECS services, 10 minutes of 30 s intervals:
 * "batch" on Fargate (columns 3-7, policy steps 8-9), then "api" on EC2 (10-14, policy
 * cpu50 15-16) and right after it api's cluster "api-cluster" (17-21: desired, pending,
 * in_service, cpr_pct, needed).  With fargate_only, batch alone (columns 1-9). */
static void write_ecs_csv(bool fargate_only)
{
    FILE *f = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s,workload.clients.requests,ecs.batch.desired,ecs.batch.provisioning,"
          "ecs.batch.pending,ecs.batch.running,ecs.batch.draining,ecs.batch.steps.metric,"
          "ecs.batch.steps.alarm",
          f);
    if (!fargate_only)
        fputs(",ecs.api.desired,ecs.api.provisioning,ecs.api.pending,ecs.api.running,"
              "ecs.api.draining,ecs.api.cpu50.metric,ecs.api.cpu50.alarm,"
              "ecs_cluster.api-cluster.desired,ecs_cluster.api-cluster.pending,"
              "ecs_cluster.api-cluster.in_service,ecs_cluster.api-cluster.cpr_pct,"
              "ecs_cluster.api-cluster.needed",
              f);
    fputc('\n', f);
    for (int t = 30; t <= 600; t += 30) {
        int bdesired = t < 120 ? 2 : 1;
        fprintf(f, "%d,%d,%d,0,%d,%d,%d,%g,%d", t, 3000 + 10 * t, bdesired, t == 120,
                bdesired, t == 120, 20.0 + t / 60.0, t < 120 ? 0 : 1);
        if (!fargate_only) {
            /* api asks for 4 tasks at 60 s; 2 wait for room (provisioning) until the
             * second instance is in service at 180 s */
            int desired = t < 60 ? 2 : 4, cl = t < 90 ? 1 : 2, cl_in = t < 180 ? 1 : 2;
            int prov = t >= 60 && t < 180 ? 2 : 0, pend = t == 180;
            fprintf(f, ",%d,%d,%d,%d,0,%g,%d,%d,%d,%d,%g,%d", desired, prov, pend,
                    desired - prov - pend, 40.0 + (t < 180 ? 30 : 0), t < 180 ? 2 : 1, cl,
                    cl - cl_in, cl_in, 100.0 * (t >= 60 ? 2 : 1) / cl_in, t >= 60 ? 2 : 1);
        }
        fputc('\n', f);
    }
    fclose(f);
    write_text("events.csv",
               "time_s,kind,name,detail\n"
               "60,scaling,api,Setting desired count to 4. Cause: Alarm "
               "TargetTracking-api-AlarmHigh-cpu50 in state ALARM triggered policy cpu50 "
               "changing the desired capacity from 2 to 4.\n"
               "60,ecs,api,(service api) was unable to place a task.\n"
               "90,scaling,api-cluster,\"Alarm TargetTracking-api-cluster-AlarmHigh in state "
               "ALARM triggered policy ECSManagedAutoScalingPolicy-api-cluster changing the "
               "desired capacity from 1 to 2 (CapacityProviderReservation 200%: 2 instances "
               "needed, 1 in service, target 100%).\"\n"
               "120,scaling,batch,Setting desired count to 1. Cause: Alarm steps-low in state "
               "ALARM triggered policy steps changing the desired capacity from 2 to 1.\n");
}

static void ecs_services_get_task_and_cluster_panels(void)
{
    unit_tmpdir_empty();
    write_ecs_csv(false);
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 2);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "capacity.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "policy.png");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* three panels in column order: batch, api and api's cluster right below it */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set output 'capacity.png'\nset multiplot layout 3,1 "
                                      "title 'Capacity against offered load, the nodes "
                                      "or instances below"));
    const char *batch = strstr(gp, "set ylabel 'tasks'\nset ytics nomirror\nset y2tics\n"
                                   "set y2range [0:1<*]\nset y2label 'offered load "
                                   "(requests/s)'\nset lmargin 10\nset rmargin 12\n"
                                   "set title 'ECS service batch (tasks)'\n");
    const char *api = strstr(gp, "set title 'ECS service api (tasks)'\n");
    const char *cl = strstr(gp, "set title 'ECS cluster api-cluster (instances under service "
                                "api; capacity provider reservation on the right-hand axis)'\n"
                                "set ylabel 'instances'\n");
    const char *end = strstr(gp, "unset multiplot");
    CU_ASSERT_FATAL(batch && api && cl && end && batch < api && api < cl && cl < end);
    /* a service: desired, running, pending + provisioning as steps; the load on the right */
    CU_ASSERT_PTR_NOT_NULL(strstr(api, "using 1:10 axes x1y1 with steps lw 2 lc 1 "
                                       "title 'desired'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(api, "using 1:13 axes x1y1 with steps lw 2 lc 2 "
                                       "title 'running'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(api, "using 1:(column(12)+column(11)) axes x1y1 with steps "
                                       "lw 2 lc 3 title 'pending + provisioning'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(api, "stats data skip 1 using (column(12)+column(11)) "
                                       "nooutput"));
    CU_ASSERT_PTR_NOT_NULL(strstr(batch, "using 1:(column(5)+column(4)) axes x1y1 with steps"));
    const char *load = strstr(batch, "using 1:((column(2))/30) axes x1y2 with lines");
    CU_ASSERT(load && load < api);
    load = strstr(api, "using 1:((column(2))/30) axes x1y2 with lines");
    CU_ASSERT(load && load < cl);
    /* the cluster: instances as for a group, the reservation instead of the load */
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "set y2range [0:110<*]\nset y2label 'capacity provider "
                                      "reservation (%)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "using 1:17 axes x1y1 with steps lw 2 lc 1 "
                                      "title 'desired'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "using 1:19 axes x1y1 with steps lw 2 lc 2 "
                                      "title 'in service'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "using 1:18 axes x1y1 with steps lw 2 lc 3 "
                                      "title 'pending'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "using 1:20 axes x1y2 with lines lw 1 lc rgb '#7b3294' "
                                      "title 'capacity provider reservation (%, right axis)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, ", \\\n     100 axes x1y2 with lines dt 2 "));
    load = strstr(cl, "column(2)");
    CU_ASSERT(!load || load > end);
    CU_ASSERT_PTR_NULL(strstr(gp, "using 1:21 ")); /* needed is not drawn */
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "set y2range [0:1<*]\nset y2label 'offered load "
                                      "(requests/s)'\nunset multiplot\n"));
    /* activities per panel; the service event (kind ecs) is no activity */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$scale_in_1 << EOD\n120,1\nEOD\n"
                                      "$scale_out_2 << EOD\n60,4\nEOD\n"
                                      "$scale_out_3 << EOD\n90,2\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "set arrow 1 from 90, graph 0 to 90, graph 1 nohead"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cl, "$scale_out_3 using 1:2 axes x1y1 with points pt 9"));
    CU_ASSERT_PTR_NOT_NULL(strstr(api, "set arrow 1 from 60, graph 0 to 60, graph 1 nohead"));
    CU_ASSERT_PTR_NULL(strstr(api, "set arrow 2 "));
    /* policies, as for groups */
    const char *pol = strstr(gp, "set output 'policy.png'\nset multiplot layout 2,1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "set title 'ECS service batch, policy steps'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "set title 'ECS service api, policy cpu50'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "using 1:15 axes x1y1 with lines lw 2 lc 1 "
                                       "title 'metric'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "using 1:(column(16) == 2 ? 1 : 0) axes x1y2 with "
                                       "fillsteps"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "using 1:8 axes x1y1 with lines"));
    /* the same folder gives the same script */
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *again = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_STRING_EQUAL(gp, again);
    free(again);
    free(gp);
}

static void fargate_service_has_no_cluster_panel(void)
{
    unit_tmpdir_empty();
    write_ecs_csv(true);
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 2);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "capacity.png");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set multiplot layout 1,1 title 'Capacity against "
                                      "offered load (dotted lines"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set ylabel 'tasks'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set title 'ECS service batch (tasks)'\n"));
    CU_ASSERT_PTR_NULL(strstr(gp, "ECS cluster"));
    CU_ASSERT_PTR_NULL(strstr(gp, "capacity provider"));
    CU_ASSERT_PTR_NULL(strstr(gp, "set ylabel 'instances'"));
    CU_ASSERT_PTR_NULL(strstr(gp, "$scale_out_2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set multiplot layout 1,1 title 'Scaling policies"));
    free(gp);
}

static void ecs_capacity_and_policy_pngs_are_drawn(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    write_ecs_csv(false);
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/capacity.png"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/policy.png"));
    CU_ASSERT_PTR_NULL(strstr(out, "warning")); /* gnuplot's, e.g. an empty curve */
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, EXIT_OK);
    static const char *const png[] = {"capacity.png", "policy.png"};
    for (size_t i = 0; i < sizeof png / sizeof png[0]; i++) {
        struct stat st;
        CU_ASSERT_EQUAL(stat(unit_tmpdir_path(png[i]), &st), 0);
        CU_ASSERT(st.st_size > 1000);
        char *head = unit_slurp(unit_tmpdir_path(png[i]));
        CU_ASSERT(head && !memcmp(head, "\x89PNG", 4));
        free(head);
    }
}

/* A run with a predictive scaling policy: 4 hours of 10-minute intervals for two groups,
 * "api" (columns 3-4) and "web" (5-7, policies cpu50 8-9 and predict 10-11), and
 * forecast.csv for web's policy: no forecast in the first hour, no measurement in the last. */
static void write_forecast_run(void)
{
    FILE *f = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s,workload.users.requests,asg.api.desired,asg.api.in_service,asg.web.desired,"
          "asg.web.pending,asg.web.in_service,asg.web.cpu50.metric,asg.web.cpu50.alarm,"
          "asg.web.predict.metric,asg.web.predict.alarm\n",
          f);
    for (int t = 600; t <= 14400; t += 600) {
        int desired = t < 3300 ? 2 : t < 6900 ? 3 : t < 7800 ? 8 : t < 12000 ? 10 : 6;
        fprintf(f, "%d,%d,%d,%d,%d,0,%d,%g,%d,,\n", t, 6000 + t, 1 + (t > 12600),
                1 + (t > 12600), desired, desired, 40.0 + t / 600.0, 1);
    }
    fclose(f);
    write_text("forecast.csv", "time_s,forecast_load,forecast_capacity,actual_load,"
                               "actual_capacity\n"
                               "0,,,120.5,2\n"
                               "3600,150,3,160.25,2.5\n"
                               "7200,400,8,380,8.75\n"
                               "10800,300,6,,\n");
}

/* Predictive and dynamic activities of web, and one of api that is neither. */
static void write_forecast_events(void)
{
    write_text("events.csv",
               "time_s,kind,name,detail\n"
               "3300,scaling,web,Predictive scaling policy predict changing the desired "
               "capacity from 2 to 3 (forecast for the hour from 1970-01-01T01:00:00Z: "
               "3 instances).\n"
               "6900,scaling,web,Predictive scaling policy predict changing the desired "
               "capacity from 3 to 8 (forecast for the hour from 1970-01-01T02:00:00Z: "
               "8 instances).\n"
               "7800,scaling,web,Alarm TargetTracking-web-AlarmHigh-cpu50 in state ALARM "
               "triggered policy cpu50 changing the desired capacity from 8 to 10.\n"
               "12000,scaling,web,Alarm TargetTracking-web-AlarmLow-cpu50 in state ALARM "
               "triggered policy cpu50 changing the desired capacity from 10 to 6.\n"
               "12600,scaling,api,changing the desired capacity from 1 to 2.\n");
}

static void forecast_csv_gets_forecast_plot(void)
{
    unit_tmpdir_empty();
    write_forecast_run();
    write_forecast_events();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 3);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "capacity.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "policy.png");
    CU_ASSERT_STRING_EQUAL(plan.made[2], "forecast.png");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    const char *fig = strstr(gp, "\n# forecast.png\nfc = 'forecast.csv'\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fig); /* last, after the Auto Scaling figures */
    CU_ASSERT(strstr(gp, "# policy.png") < fig);
    /* activities of web (the group with predictive ones), by cause; api's left out */
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "$fc_predictive << EOD\n3300,3\n6900,8\nEOD\n"
                                       "$fc_dynamic_out << EOD\n7800,10\nEOD\n"
                                       "$fc_dynamic_in << EOD\n12000,6\nEOD\n"));
    CU_ASSERT_PTR_NULL(strstr(fig, "3.5, graph 0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set output 'forecast.png'\nset multiplot layout 2,1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set xrange [0:4]\n"));
    /* the first hour, without a forecast, shaded */
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set object 1 rect from 0, graph 0 to 1, graph 1 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "(shaded: no forecast yet)"));
    /* top: forecast_load (column 2) as an hour's segment, actual_load (4) mid-hour */
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "plot fc skip 1 using (column(1)/3600):2:(1):(0) with "
                                       "vectors nohead lw 3 lc rgb '#2c7bb6' "
                                       "title 'forecast load'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "fc skip 1 using ((column(1)+1800)/3600):4 with points"));
    /* bottom: forecast_capacity (3), web's desired (timeseries column 5), actual_capacity
     * (5), the activities, actual_load on the right-hand axis */
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set title 'Capacity of Auto Scaling group web: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "plot fc skip 1 using (column(1)/3600):3:(1):(0) axes "
                                       "x1y1 with vectors"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "data skip 1 using (column(1)/3600):5 axes x1y1 with "
                                       "steps lw 1 lc rgb '#2c7bb6' title 'desired'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "fc skip 1 using (column(1)/3600):5:(1):(0) axes x1y1 "
                                       "with vectors nohead lw 2 lc rgb '#1a9641' "
                                       "title 'in service (mean per hour)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "$fc_predictive using (column(1)/3600):2 axes x1y1 "
                                       "with points pt 13"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "$fc_dynamic_out using (column(1)/3600):2 axes x1y1 "
                                       "with points pt 9"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "$fc_dynamic_in using (column(1)/3600):2 axes x1y1 "
                                       "with points pt 11"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "fc skip 1 using (column(1)/3600):4:(1):(0) axes x1y2 "
                                       "with vectors"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "stats data skip 1 using 5 nooutput"));
    /* predictive activities dashed, dynamic dotted; four in all */
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set arrow 1 from 0.9166666667, graph 0 to "
                                       "0.9166666667, graph 1 nohead dt 2 lc rgb '#7b3294'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set arrow 4 from 3.333333333, graph 0 to "
                                       "3.333333333, graph 1 nohead dt 3 lc rgb 'gray50'"));
    CU_ASSERT_PTR_NULL(strstr(fig, "set arrow 5 "));
    /* the figures before it are those of the same folder without forecast.csv */
    CU_ASSERT_EQUAL_FATAL(unlink(unit_tmpdir_path("forecast.csv")), 0);
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 2);
    char *without = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NULL(strstr(without, "forecast"));
    CU_ASSERT_EQUAL(strlen(without), (size_t)(fig - gp));
    CU_ASSERT(!strncmp(gp, without, strlen(without)));
    free(without);
    /* the same folder gives the same script */
    write_forecast_run();
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *again = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_STRING_EQUAL(gp, again);
    free(again);
    free(gp);
}

/* Without events.csv two groups leave the forecast's group unknown: no desired capacity.
 * A forecast.csv with no values (a header only) is skipped with the reason. */
static void forecast_plot_without_group_or_values(void)
{
    unit_tmpdir_empty();
    write_forecast_run();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 3);
    CU_ASSERT_STRING_EQUAL(plan.made[2], "forecast.png");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    const char *fig = strstr(gp, "# forecast.png");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fig);
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set title 'Capacity: predictive schedule and in "
                                       "service'"));
    CU_ASSERT_PTR_NULL(strstr(fig, "title 'desired'"));
    CU_ASSERT_PTR_NULL(strstr(fig, "$fc_"));
    CU_ASSERT_PTR_NULL(strstr(fig, "set arrow"));
    free(gp);

    write_text("forecast.csv", "time_s,forecast_load,forecast_capacity,actual_load,"
                               "actual_capacity\n");
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 2);
    CU_ASSERT_EQUAL_FATAL(plan.nskipped, 5);
    CU_ASSERT_STRING_EQUAL(plan.skipped[4], "forecast.png");
    CU_ASSERT_STRING_EQUAL(plan.skipped_why[4], "its columns hold no values");
    gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NULL(strstr(gp, "forecast.png"));
    free(gp);
}

static void forecast_csv_with_a_wrong_header_is_bad_input(void)
{
    static const char *const bad[] = {
        "time_s,forecast,capacity,actual_load,actual_capacity\n0,1,1,1,1\n",
        "time_s,forecast_load,forecast_capacity,actual_load\n0,1,1,1\n",
        "time_s,forecast_load,forecast_capacity,actual_load,actual_capacity,x\n",
        ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unit_tmpdir_empty();
        write_forecast_run();
        write_text("forecast.csv", bad[i]);
        struct plot_plan plan;
        struct unit_diag_capture cap;
        unit_diag_capture_start(&cap);
        int rc = plot_write_script(unit_tmpdir(), &plan);
        char *msg = unit_diag_capture_end(&cap);
        CU_ASSERT_EQUAL(rc, PLOT_ERR_DATA);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, "forecast.csv: expected a header `time_s,"
                                           "forecast_load,forecast_capacity,actual_load,"
                                           "actual_capacity`"));
        free(msg);
        CU_ASSERT(access(unit_tmpdir_path("plots.gp"), F_OK) != 0); /* nothing left behind */
    }
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "forecast.csv: expected a header"));
    free(out);
    CU_ASSERT(access(unit_tmpdir_path("forecast.png"), F_OK) != 0);
}

static void forecast_png_is_drawn(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    write_forecast_run();
    write_forecast_events();
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/forecast.png"));
    CU_ASSERT_PTR_NULL(strstr(out, "warning")); /* gnuplot's, e.g. an empty curve */
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, EXIT_OK);
    struct stat st;
    CU_ASSERT_EQUAL(stat(unit_tmpdir_path("forecast.png"), &st), 0);
    CU_ASSERT(st.st_size > 1000);
    char *head = unit_slurp(unit_tmpdir_path("forecast.png"));
    CU_ASSERT(head && !memcmp(head, "\x89PNG", 4));
    free(head);
}

static void missing_gnuplot_exits_1_with_install_hint(void)
{
    unit_tmpdir_empty();
    write_full_csv();
    const char *prev = getenv("ELBSIM_GNUPLOT");
    char *saved = prev ? xstrdup(prev) : NULL;
    setenv("ELBSIM_GNUPLOT", "/nonexistent", 1);
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_ENV);
    if (saved)
        setenv("ELBSIM_GNUPLOT", saved, 1);
    else
        unsetenv("ELBSIM_GNUPLOT");
    free(saved);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "elbsim: gnuplot not found; install it with `make deps` "
                                       "(Debian package gnuplot-nox)"));
    free(out);
}

/* gnuplot that runs and fails: exit 1, its status and the script named. */
static void failing_gnuplot_exits_1_naming_the_script(void)
{
    unit_tmpdir_empty();
    write_full_csv();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = plot_run_gnuplot(unit_tmpdir(), "false");
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, PLOT_ERR_GNUPLOT);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "false failed (exit status 1) running '"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "/plots.gp'"));
    free(msg);

    const char *prev = getenv("ELBSIM_GNUPLOT");
    char *saved = prev ? xstrdup(prev) : NULL;
    setenv("ELBSIM_GNUPLOT", "false", 1);
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_ENV);
    if (saved)
        setenv("ELBSIM_GNUPLOT", saved, 1);
    else
        unsetenv("ELBSIM_GNUPLOT");
    free(saved);
    CU_ASSERT_PTR_NULL(strstr(out, "wrote ")); /* no PNG claimed */
    free(out);
}

/* sweep.csv as `elbsim sweep` writes it for two varied paths (count 4, 6, 8; algorithm
 * rr and a value holding a double quote), front cost_usd (x) against latency_p99_s (y).
 * Point 0 breaks the SLO; points 1, 3 and 5 are the front.  With front false the front
 * and pareto columns are empty (the cost did not vary). */
static void write_sweep_csv(bool front)
{
    FILE *f = fopen(unit_tmpdir_path("sweep.csv"), "w");
    fputs("point,target_groups.web.targets.0.count,target_groups.web.algorithm,metric,unit,"
          "reps,mean,sd,ci_low,ci_high,interval,front,pareto,meets_slo\n", f);
    static const char *const alg[] = {"rr", "\"\"\"lor \"\"quoted\"\"\"\"\""};
    for (int p = 0; p < 6; p++) {
        int count = 4 + 2 * (p / 2);
        const char *a = alg[p % 2];
        double p99 = p == 0 ? 20.0 : 0.4 / count + 0.01 * (p % 2 == 0), cost = 0.01 * count;
        int pareto = front && p % 2 == 1, meets = p != 0;
        fprintf(f, "%d,%d,%s,latency_p99_s,s,3,%g,0.01,%g,%g,t_nonneg,%s,%d,%d\n", p, count, a,
                p99, p99 * 0.9, p99 * 1.1, front ? "y" : "", pareto, meets);
        fprintf(f, "%d,%d,%s,error_ratio,fraction,3,0,0,0,0.0001,wilson,,%d,%d\n", p, count, a,
                pareto, meets);
        fprintf(f, "%d,%d,%s,cost_usd,USD,3,%g,0,%g,%g,t_nonneg,%s,%d,%d\n", p, count, a, cost,
                cost, cost, front ? "x" : "", pareto, meets);
    }
    fclose(f);
}

static void sweep_gets_metric_lines_front_and_heatmap(void)
{
    unit_tmpdir_empty();
    write_sweep_csv(true);
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_STRING_EQUAL(plan.source, "sweep.csv");
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 3);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "sweep.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "pareto.png");
    CU_ASSERT_STRING_EQUAL(plan.made[2], "heatmap.png");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* sweep.png: count (numbers) along x, one line per algorithm; p99 in ms on a log axis
     * (20 s against 50 ms), error_ratio in %, cost in $; the key once */
    const char *sw = strstr(gp, "\n# sweep.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "$s1_1 << EOD\n4 20000 18000 22000\n6 76.6667 69 84.3333\n"
                                      "8 60 54 66\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "$s2_2 << EOD\n4 0 0 0.01\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "$s3_1 << EOD\n4 0.04 0.04 0.04\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "set multiplot layout 3,1 margins "));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "title 'Sweep: each metric against target_groups.web."
                                      "targets.0.count, one line per algorithm (mean; band: "
                                      "confidence interval)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "set xtics ('4' 4, '6' 6, '8' 8)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "set ylabel 'latency_p99_s (ms)'\nset logscale y\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "set ylabel 'error_ratio (%)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "set ylabel 'cost_usd ($)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "plot $s1_1 using 1:3:4 with filledcurves fs transparent "
                                      "solid 0.2 noborder lc 1 notitle, \\\n     $s1_1 using "
                                      "1:2 with linespoints lw 2 pt 7 lc 1 title "
                                      "'algorithm=rr'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sw, "title 'algorithm=\"lor \"quoted\"\"'"));
    /* pareto.png: cost in $ against p99 in ms, the SLO breaker ringed, the front labelled
     * with its values (a '"' escaped) */
    const char *pa = strstr(gp, "\n# pareto.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pa);
    CU_ASSERT_PTR_NOT_NULL(strstr(pa, "$broken << EOD\n0.04 20000 0.04 0.04 18000 22000\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pa, "$front << EOD\n0.04 100\n0.06 66.6667\n0.08 50\n"
                                      "EOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pa, "set xlabel 'cost_usd ($)'\nset ylabel "
                                      "'latency_p99_s (ms)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pa, "set label 1 \"4, \\\"lor \\\"quoted\\\"\\\"\" at 0.04, "
                                      "100 left offset 0.8, 0.8 font ',9' front\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pa, "$broken using 1:2 with points pt 6 ps 2.5 lw 2 "
                                      "lc rgb '#d7191c' title 'breaks an SLO'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pa, "$front using 1:2 with linespoints"));
    /* heatmap.png: the front's y per pair, each cell with its interval; the breaker marked */
    const char *hm = strstr(gp, "\n# heatmap.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(hm);
    CU_ASSERT_PTR_NOT_NULL(strstr(hm, "$heat << EOD\n0 0 20000\n0 1 100\n1 0 76.6667\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(hm, "set label 1 \"20000\\n[18000, 22000]\\nSLO broken\" at "
                                      "0, 0 center"));
    CU_ASSERT_PTR_NOT_NULL(strstr(hm, "set label 2 \"100\\n[90, 110]\" at 0, 1 center"));
    CU_ASSERT_PTR_NOT_NULL(strstr(hm, "set ytics ('rr' 0, '\"lor \"quoted\"\"' 1)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(hm, "set cblabel 'latency_p99_s (ms)'\nset logscale cb\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(hm, "with boxxyerror fs solid 1.0 noborder fc palette"));
    free(gp);
}

/* The cost did not vary: no front, so no pareto.png, but the heat map of p99 all the same. */
static void sweep_without_front_still_gets_heatmap(void)
{
    unit_tmpdir_empty();
    write_sweep_csv(false);
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 2);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "sweep.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "heatmap.png");
    CU_ASSERT_EQUAL_FATAL(plan.nskipped, 1);
    CU_ASSERT_STRING_EQUAL(plan.skipped[0], "pareto.png");
    CU_ASSERT_STRING_EQUAL(plan.skipped_why[0], "sweep.csv marks no front (the cost is the "
                                                "same at every point)");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set title 'Sweep: latency_p99_s (ms) per pair of "
                                      "values"));
    CU_ASSERT_PTR_NULL(strstr(gp, "$front"));
    free(gp);
}

/* A sweep whose metrics hold no value: exit 2, the message names sweep.csv (not
 * timeseries_wide.csv), and no file is left behind. */
static void sweep_with_nothing_to_plot_is_bad_input(void)
{
    unit_tmpdir_empty();
    write_text("sweep.csv", "point,duration,metric,unit,reps,mean,sd,ci_low,ci_high,interval,"
                            "front,pareto,meets_slo\n"
                            "0,1m,latency_p99_s,s,2,,,,,t_nonneg,,0,\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL(plot_write_script(unit_tmpdir(), &plan), PLOT_ERR_NOTHING);
    CU_ASSERT_EQUAL(plan.nmade, 0);
    CU_ASSERT_EQUAL(plan.nskipped, 3);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 1);
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "skipping sweep.png: no metric of sweep.csv has a value"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/sweep.csv has nothing to plot"));
    CU_ASSERT_PTR_NULL(strstr(out, "timeseries_wide"));
    free(out);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 1); /* sweep.csv alone: no plots.gp */
}

static void sweep_csv_malformed_is_bad_input(void)
{
    static const char *const bad[][2] = {
        {"point,x,mean\n0,1,2\n", "sweep.csv: expected the header of `elbsim sweep`"},
        {"point,x,metric,unit,reps,mean,sd,ci_low,ci_high\n0,1,p99,s,2,1,0,1\n",
         "sweep.csv:2: 8 fields, where the header has 9"},
        {"", "sweep.csv: empty file"},
        {"point,x,metric,unit,reps,mean,sd,ci_low,ci_high\n", "sweep.csv: no data rows"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unit_tmpdir_empty();
        write_text("sweep.csv", bad[i][0]);
        struct plot_plan plan;
        struct unit_diag_capture cap;
        unit_diag_capture_start(&cap);
        int rc = plot_write_script(unit_tmpdir(), &plan);
        char *msg = unit_diag_capture_end(&cap);
        CU_ASSERT_EQUAL(rc, PLOT_ERR_DATA);
        if (!strstr(msg, bad[i][1]))
            printf("\n  case %zu: %s", i, msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i][1]));
        free(msg);
        CU_ASSERT_EQUAL(unit_tmpdir_count(), 1); /* nothing left behind */
    }
}

static void sweep_pngs_are_drawn(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    write_sweep_csv(true);
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, EXIT_OK);
    static const char *const png[] = {"sweep.png", "pareto.png", "heatmap.png"};
    for (size_t i = 0; i < sizeof png / sizeof png[0]; i++) {
        struct stat st;
        CU_ASSERT_EQUAL(stat(unit_tmpdir_path(png[i]), &st), 0);
        CU_ASSERT(st.st_size > 1000);
    }
}

/* compare.csv as `elbsim compare --pairs` writes it: three variants (one named with a
 * double quote), the baseline rr; p99 differences significant (one dropped by Holm),
 * error_ratio identical and constant; a pair row, which is not drawn. */
static void write_compare_csv(void)
{
    write_text("compare.csv",
               "metric,unit,kind,variant,baseline,reps,mean,sd,ci_low,ci_high,interval,"
               "significant,verdict,p_value,holm_significant,unpaired_ci_low,"
               "unpaired_ci_high,confidence\n"
               "latency_p99_s,s,mean,rr,,5,1.25,0.3,0.85,1.66,t_nonneg,,,,,,,0.95\n"
               "latency_p99_s,s,mean,lor,,5,0.32,0.01,0.312,0.328,t_nonneg,,,,,,,0.95\n"
               "latency_p99_s,s,mean,\"p2c \"\"d=3\"\"\",,5,0.35,0.02,0.334,0.369,t_nonneg,"
               ",,,,,,0.95\n"
               "latency_p99_s,s,difference,lor,rr,5,-0.93,0.3,-1.33,-0.535,paired_t,1,"
               "significant,0.003,1,-1.34,-0.52,0.95\n"
               "latency_p99_s,s,difference,\"p2c \"\"d=3\"\"\",rr,5,-0.9,0.3,-1.3,-0.5,"
               "paired_t,1,significant,0.04,0,-1.31,-0.49,0.95\n"
               "latency_p99_s,s,pair,\"p2c \"\"d=3\"\"\",lor,5,0.03,0.01,0.015,0.047,paired_t,"
               "1,significant,0.005,1,,,0.95\n"
               "error_ratio,fraction,mean,rr,,5,0.01,0,0.009,0.011,wilson,,,,,,,0.95\n"
               "error_ratio,fraction,mean,lor,,5,0.01,0,0.009,0.011,wilson,,,,,,,0.95\n"
               "error_ratio,fraction,mean,\"p2c \"\"d=3\"\"\",,5,0.012,0,0.011,0.013,wilson,"
               ",,,,,,0.95\n"
               "error_ratio,fraction,difference,lor,rr,5,0,0,0,0,paired_t,0,identical,1,0,"
               "0,0,0.95\n"
               "error_ratio,fraction,difference,\"p2c \"\"d=3\"\"\",rr,5,0.002,0,0.002,0.002,"
               "paired_t,,constant,0,0,,,0.95\n");
}

static void compare_gets_means_and_forest(void)
{
    unit_tmpdir_empty();
    write_compare_csv();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_STRING_EQUAL(plan.source, "compare.csv");
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 2);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "means.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "forest.png");
    CU_ASSERT_EQUAL(plan.nskipped, 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* means.png: per metric, each variant (first at the top) in ms or %, the baseline
     * blue; names as tics, values as labels */
    const char *m = strstr(gp, "\n# means.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "set multiplot layout 2,1 margins "));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "title 'Compare: each variant''s mean and its 95 % "
                                     "confidence interval (blue: the baseline, rr)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "$mean1 << EOD\n1250 2 850 1660 2915254\n"
                                     "320 1 312 328 4210752\n350 0 334 369 4210752\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "$mean2 << EOD\n1 2 0.9 1.1 2915254\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "set xlabel 'latency_p99_s (ms)'\nset ytics ('rr' 2, "
                                     "'lor' 1, 'p2c \"d=3\"' 0)\nset yrange [-0.7:2.7]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "set label 1 \"1250 [850, 1660]\" at graph 1.02, "
                                     "first 2 left\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "plot $mean1 using 1:2:3:4:5 with xerrorbars pt 7 ps 1.5 "
                                     "lw 2 lc rgb variable notitle\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "set xlabel 'error_ratio (%)'\n"));
    /* forest.png: differences only (not the pair), coloured by verdict, the unpaired
     * interval below, 0 marked, verdicts written out */
    const char *fo = strstr(gp, "\n# forest.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fo);
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "title 'Compare: each variant''s difference from the "
                                      "baseline rr, paired per replication (95 % confidence "
                                      "interval), coloured by its verdict'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "$diff1 << EOD\n-930 1 -1330 -535 14096668\n"
                                      "-900 0 -1300 -500 16625249\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "$welch1 << EOD\n-930 0.72 -1340 -520\n"
                                      "-900 -0.28 -1310 -490\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "$diff2 << EOD\n0 1 0 0 11184810\n"
                                      "0.2 0 0.2 0.2 10394312\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set ytics ('lor - rr' 1, 'p2c \"d=3\" - rr' 0)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set xrange [-1407:67]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set label 1 \"-930 [-1330, -535]  significant\" at "
                                      "graph 1.02, first 1 left\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set label 2 \"-900 [-1300, -500]  significant (Holm: "
                                      "not kept)\" at graph 1.02, first 0 left\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "\"0 [0, 0]  identical\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "\"0.2 [0.2, 0.2]  constant\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "NaN with points pt 7 ps 1.5 lc rgb '#d7191c' title "
                                      "'significant'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "title 'significant, not kept by Holm-Bonferroni'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "title 'constant: no claim'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "title 'unpaired (Welch) interval of the same runs'"));
    CU_ASSERT_PTR_NULL(strstr(fo, "title 'not significant'"));
    CU_ASSERT_PTR_NULL(strstr(fo, "lor - p2c"));
    CU_ASSERT_PTR_NULL(strstr(fo, "p2c \"d=3\" - lor"));
    free(gp);
}

static void compare_csv_malformed_is_bad_input(void)
{
    static const char *const bad[][2] = {
        {"metric,variant,mean\nlatency_p99_s,rr,1\n",
         "compare.csv: expected the header of `elbsim compare`"},
        {"metric,unit,kind,variant,baseline,reps,mean,sd,ci_low,ci_high\n",
         "compare.csv: no data rows"},
        {"metric,unit,kind,variant,baseline,reps,mean,sd,ci_low,ci_high\nx,s,mean,rr\n",
         "compare.csv:2: 4 fields, where the header has 10"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unit_tmpdir_empty();
        write_text("compare.csv", bad[i][0]);
        char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
        char *out = NULL;
        CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_BAD_INPUT);
        if (!strstr(out, bad[i][1]))
            printf("\n  case %zu: %s", i, out);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, bad[i][1]));
        free(out);
        CU_ASSERT_EQUAL(unit_tmpdir_count(), 1); /* nothing left behind */
    }
    /* rows without a value: nothing to plot, named after compare.csv */
    unit_tmpdir_empty();
    write_text("compare.csv", "metric,unit,kind,variant,baseline,reps,mean,sd,ci_low,ci_high\n"
                              "x,s,mean,rr,,1,,,,\n");
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/compare.csv has nothing to plot"));
    free(out);
    CU_ASSERT_EQUAL(unit_tmpdir_count(), 1);
}

static void compare_pngs_are_drawn(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    write_compare_csv();
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, EXIT_OK);
    static const char *const png[] = {"means.png", "forest.png"};
    for (size_t i = 0; i < sizeof png / sizeof png[0]; i++) {
        struct stat st;
        CU_ASSERT_EQUAL(stat(unit_tmpdir_path(png[i]), &st), 0);
        CU_ASSERT(st.st_size > 1000);
    }
}

/* A folder as `elbsim forecast --target-per-instance` writes it: 4 hours of history, the
 * first without a forecast, then 2 hours of forecast only; two methods and the noise
 * floor (with one method, forecast.csv holds that method's forecast). */
static void write_backtest(bool one_method)
{
    write_text("forecast.csv", "time_s,forecast_load,forecast_capacity,actual_load,"
                               "actual_capacity\n"
                               "0,,,500,5\n3600,480,5,520,6\n7200,610,7,600,6\n"
                               "10800,700,7,720,8\n14400,650,7,,\n18000,600,6,,\n");
    if (one_method)
        write_text("backtest.csv", "method,mape_pct,bias_pct,under_hours,under_cap_hours,"
                                   "hours,origins\nregression(dummies=hour_of_week),6.5,"
                                   "-1.25,2,1,3,1\n");
    else
        write_text("backtest.csv", "method,mape_pct,bias_pct,under_hours,under_cap_hours,"
                                   "hours,origins\n"
                                   "seasonal_naive(season=day),20,4,1,1,3,1\n"
                                   "holt_winters,5,-2,2,,3,1\n"
                                   "noise floor (expected_load),4,0.5,1,,3,1\n");
}

static void backtest_gets_forecast_and_errors(void)
{
    unit_tmpdir_empty();
    write_backtest(false);
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_STRING_EQUAL(plan.source, "backtest.csv");
    CU_ASSERT_EQUAL_FATAL(plan.nmade, 2);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "forecast.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "backtest.png");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* forecast.png: hours; actual and forecast load mid-hour; the 2 hours after the
     * history shaded; capacity as steps below */
    const char *fo = strstr(gp, "\n# forecast.png\nfc = 'forecast.csv'\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fo);
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set multiplot layout 2,1 title 'Forecast backtest: the "
                                      "forecast of holt_winters in force when each hour "
                                      "began, against the history (shaded: the hours after "
                                      "it, forecast only)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set xlabel 'time in the history (hours)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set xrange [0:6]\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "set object 1 rect from 4, graph 0 to 6, graph 1 behind"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "plot fc skip 1 using ((column(1)+1800)/3600):4 with "
                                      "lines lw 1 lc rgb 'gray30' title 'actual load', \\\n"
                                      "     fc skip 1 using ((column(1)+1800)/3600):2 with "
                                      "lines lw 2 lc rgb '#2c7bb6' title 'forecast load'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fo, "fc skip 1 using (column(1)/3600):3 with steps lw 2 "
                                      "lc rgb '#7b3294' title 'forecast capacity'"));
    /* backtest.png: MAPE, bias and under-forecast hours (no capacity shares: empty but
     * for one row, which still gets its panel) as bars, the best method blue, the floor
     * gray and dashed across the MAPE panel */
    const char *bt = strstr(gp, "\n# backtest.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bt);
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "set multiplot layout 4,1 margins "));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "$bars1 << EOD\n10,2,10,6316128\n2.5,1,2.5,2915254\n"
                                      "2,0,2,11184810\nEOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "$bars2 << EOD\n2,2,2,6316128\n-1,1,1,2915254\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "$bars3 << EOD\n16.66666667,2,16.66666667,6316128\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "$bars4 << EOD\n16.66666667,2,16.66666667,6316128\n"
                                      "EOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "set ytics ('seasonal_naive(season=day)' 2, "
                                      "'holt_winters' 1, 'noise floor (expected_load)' 0)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "set arrow 1 from 4, graph 0 to 4, graph 1 nohead dt 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "set label 2 '-2' at -2, 1 right offset -1, 0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(bt, "set xlabel 'MAPE (%): mean absolute percentage error of "
                                      "the forecast load'\n"));
    free(gp);

    /* One method: forecast.csv is its forecast; no forecast.csv: backtest.png alone. */
    write_backtest(true);
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "the forecast of regression(dummies=hour_of_week) in "
                                      "force"));
    free(gp);
    unlink(unit_tmpdir_path("forecast.csv"));
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_EQUAL(plan.nmade, 1);
    CU_ASSERT_STRING_EQUAL(plan.skipped[0], "forecast.png");
    CU_ASSERT_STRING_EQUAL(plan.skipped_why[0], "the folder has no forecast.csv");
}

static void backtest_csv_malformed_is_bad_input(void)
{
    static const char *const bad[][3] = {
        {"backtest.csv", "method,mape\nhw,5\n", "backtest.csv: expected the header of "
                                                "`elbsim forecast`"},
        {"backtest.csv", "method,mape_pct,bias_pct,under_hours,under_cap_hours,hours,"
                         "origins\n", "backtest.csv: no data rows"},
        {"forecast.csv", "time_s,load\n0,1\n", "forecast.csv: expected a header `time_s,"
                                               "forecast_load,"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        unit_tmpdir_empty();
        write_backtest(false);
        write_text(bad[i][0], bad[i][1]);
        char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
        char *out = NULL;
        CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_BAD_INPUT);
        if (!strstr(out, bad[i][2]))
            printf("\n  case %zu: %s", i, out);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, bad[i][2]));
        free(out);
        CU_ASSERT_EQUAL(unit_tmpdir_count(), 2); /* the two CSV files, nothing else */
    }
}

static void backtest_pngs_are_drawn(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    write_backtest(false);
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *out = NULL;
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    free(out);
    CU_ASSERT_EQUAL_FATAL(rc, EXIT_OK);
    static const char *const png[] = {"forecast.png", "backtest.png"};
    for (size_t i = 0; i < sizeof png / sizeof png[0]; i++) {
        struct stat st;
        CU_ASSERT_EQUAL(stat(unit_tmpdir_path(png[i]), &st), 0);
        CU_ASSERT(st.st_size > 1000);
    }
}

/* An executable shell script in the scratch folder standing in for gnuplot. */
static char *write_fake_gnuplot(const char *file, const char *body)
{
    char *path = unit_tmpdir_path(file);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    chmod(path, 0755);
    return path;
}

/* gnuplot's warnings never reach the terminal; when it fails, what it said comes with the
 * script's path. */
static void gnuplot_messages_show_only_when_it_fails(void)
{
    unit_tmpdir_empty();
    write_full_csv();
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    /* It warns, and draws every figure (a stand-in byte each: plot checks they were written). */
    char body[4096];
    int used = snprintf(body, sizeof body,
                        "echo 'warning: Skipping data file with no valid points' >&2; echo out");
    for (int i = 0; i < plan.nmade; i++)
        used += snprintf(body + used, sizeof body - (size_t)used, "; echo x > '%s/%s'",
                         unit_tmpdir(), plan.made[i]);
    CU_ASSERT_FATAL(used > 0 && (size_t)used < sizeof body);
    char *warns = xstrdup(write_fake_gnuplot("warns.sh", body));
    char *fails = xstrdup(write_fake_gnuplot(
        "fails.sh", "echo '\"plots.gp\" line 7: undefined variable: ymax' >&2; exit 1"));
    char *out = NULL;
    const char *prev = getenv("ELBSIM_GNUPLOT");
    char *saved = prev ? xstrdup(prev) : NULL;
    setenv("ELBSIM_GNUPLOT", warns, 1);
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_OK);
    CU_ASSERT_PTR_NULL(strstr(out, "warning"));
    CU_ASSERT_PTR_NULL(strstr(out, "out\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/latency.png"));
    free(out);
    setenv("ELBSIM_GNUPLOT", fails, 1);
    CU_ASSERT_EQUAL(run_plot_quiet(2, argv, &out), EXIT_ENV);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fails.sh failed (exit status 1) running '"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "/plots.gp'; it said:\n\"plots.gp\" line 7: "
                                       "undefined variable: ymax"));
    CU_ASSERT_PTR_NULL(strstr(out, "wrote "));
    free(out);
    if (saved)
        setenv("ELBSIM_GNUPLOT", saved, 1);
    else
        unsetenv("ELBSIM_GNUPLOT");
    free(saved);
    free(warns);
    free(fails);
}

static void missing_folder_or_csv_exits_1_with_path(void)
{
    unit_tmpdir_empty();
    char *argv[] = {(char *)"plot", unit_tmpdir_path("nope"), NULL};
    char *msg = NULL;
    int rc = run_plot_quiet(2, argv, &msg);
    CU_ASSERT_EQUAL(rc, EXIT_ENV);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "nope"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "No such file or directory"));
    free(msg);

    char *argv2[] = {(char *)"plot", (char *)unit_tmpdir(), NULL}; /* folder without the CSV */
    rc = run_plot_quiet(2, argv2, &msg);
    CU_ASSERT_EQUAL(rc, EXIT_ENV);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "timeseries_wide.csv"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "No such file or directory"));
    free(msg);
}

static void csv_without_rows_is_bad_input(void)
{
    unit_tmpdir_empty();
    write_text("timeseries_wide.csv", "time_s,workload.w.latency_p99_s\n");
    char *argv[] = {(char *)"plot", (char *)unit_tmpdir(), NULL};
    char *msg = NULL;
    int rc = run_plot_quiet(2, argv, &msg);
    CU_ASSERT_EQUAL(rc, EXIT_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no data rows"));
    free(msg);

    write_text("timeseries_wide.csv", "");
    rc = run_plot_quiet(2, argv, &msg);
    CU_ASSERT_EQUAL(rc, EXIT_BAD_INPUT);
    free(msg);
}

static void help_and_usage_errors(void)
{
    char *help[] = {(char *)"plot", (char *)"--help", NULL};
    char *none[] = {(char *)"plot", NULL};
    char *bad[] = {(char *)"plot", (char *)"--bogus", NULL};
    char *two[] = {(char *)"plot", (char *)"a", (char *)"b", NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(run_plot_quiet(2, help, &out), EXIT_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: elbsim plot DIR"));
    free(out);
    CU_ASSERT_EQUAL(run_plot_quiet(1, none, &out), EXIT_BAD_INPUT);
    free(out);
    CU_ASSERT_EQUAL(run_plot_quiet(2, bad, &out), EXIT_BAD_INPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "unknown option '--bogus'"));
    free(out);
    CU_ASSERT_EQUAL(run_plot_quiet(3, two, &out), EXIT_BAD_INPUT);
    free(out);
}


/* ---- the run's figures with events, target groups, policy levels and the CDF ---------- */

/* scenario.yaml as `elbsim run` writes it beside write_asg_csv's columns: web's cpu50
 * tracks requests per target, web.v2's steps policy acts on a CPU alarm. */
static void write_asg_scenario(const char *cpu50_extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: \"t\"\n"
             "auto_scaling_groups:\n"
             "  - name: \"web\"\n"
             "    policies:\n"
             "      - { name: 'cpu50', type: target_tracking, metric: ALBRequestCountPerTarget, "
             "target: 1000, scale_in_threshold: 0.7, period: 60s%s }\n"
             "  - name: \"web.v2\"\n"
             "    policies:\n"
             "      - name: steps\n"
             "        type: step\n"
             "        alarm: { metric: CPUUtilization, statistic: Average, period: 1m, "
             "threshold: 60, comparison: '>' }\n",
             cpu50_extra);
    write_text("scenario.yaml", text);
}

static void policy_gets_target_line_and_unit_from_scenario(void)
{
    unit_tmpdir_empty();
    write_asg_csv();
    write_asg_events();
    write_asg_scenario(", disable_scale_in: false");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    const char *pol = strstr(gp, "# policy.png");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pol);
    /* the metric's name and unit on its axis, the target solid, the scale-in level dashed */
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "set ylabel 'ALBRequestCountPerTarget (requests per "
                                       "target per 60s)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "     1000 axes x1y1 with lines lw 2 dt 1 lc rgb "
                                       "'#e66101' title 'target 1000 requests per target per "
                                       "60s'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(pol, "     700 axes x1y1 with lines lw 2 dt 2 lc rgb "
                                       "'#fdb863' title 'scale in below 700 requests per target "
                                       "per 60s (0.7 x target)'"));
    /* web.v2's policy has no metric value: no threshold line without the metric */
    CU_ASSERT_PTR_NULL(strstr(pol, "title 'alarm threshold"));
    free(gp);

    /* scale-in disabled: the target alone */
    write_asg_scenario(", disable_scale_in: true");
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "title 'target 1000 requests per target per 60s'"));
    CU_ASSERT_PTR_NULL(strstr(gp, "scale in below"));
    free(gp);

    /* without scenario.yaml: the metric unnamed, no line */
    unlink(unit_tmpdir_path("scenario.yaml"));
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set ylabel 'metric'\n"));
    CU_ASSERT_PTR_NULL(strstr(gp, "title 'target 1000"));
    free(gp);

    /* a scenario.yaml that is not YAML is bad input, and leaves no script */
    unlink(unit_tmpdir_path("plots.gp"));
    write_text("scenario.yaml", "name: [unclosed\n");
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = plot_write_script(unit_tmpdir(), &plan);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, PLOT_ERR_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "scenario.yaml"));
    free(msg);
    CU_ASSERT(access(unit_tmpdir_path("plots.gp"), F_OK) != 0);
}

/* A step policy with its metric: the alarm's threshold, with the metric's unit. */
static void step_policy_gets_its_alarm_threshold(void)
{
    unit_tmpdir_empty();
    write_text("timeseries_wide.csv",
               "time_s,workload.w.requests,asg.g.desired,asg.g.pending,asg.g.in_service,"
               "asg.g.out.metric,asg.g.out.alarm\n"
               "60,600,1,0,1,40,1\n120,1200,2,1,1,75.5,2\n180,900,2,0,2,40,1\n");
    write_text("scenario.yaml",
               "auto_scaling_groups:\n"
               "  - name: g\n"
               "    policies:\n"
               "      - { name: out, type: step, alarm: { metric: CPUUtilization, "
               "statistic: Average, period: 1m, threshold: 60, comparison: '>' } }\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set ylabel 'CPUUtilization Average (%)'\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "     60 axes x1y1 with lines lw 2 dt 1 lc rgb '#e66101' "
                                      "title 'alarm threshold: > 60 %'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(7) == 2 ? 1 : 0) axes x1y2 with "
                                      "fillsteps"));
    free(gp);
}

/* latency.csv as `elbsim run` writes it, for the workloads named (and the run). */
static void write_latency_csv(int nwl)
{
    FILE *f = fopen(unit_tmpdir_path("latency.csv"), "w");
    fputs("scope,name,quantile,latency_s\n", f);
    static const double q[] = {0, 0.5, 0.9, 0.99, 1};
    for (int w = 0; w <= nwl; w++)
        for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
            fprintf(f, "%s,%s%.0d,%g,%g\n", w < nwl ? "workload" : "run",
                    w < nwl ? "shoppers" : "run", w < nwl ? w + 1 : 0, q[i],
                    0.01 * (1 + w) * (1 + 10 * q[i]));
    fclose(f);
}

static void latency_csv_gets_a_cdf(void)
{
    unit_tmpdir_empty();
    write_full_csv();
    write_latency_csv(1);
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    CU_ASSERT_STRING_EQUAL(plan.made[0], "latency.png");
    CU_ASSERT_STRING_EQUAL(plan.made[1], "latency_cdf.png");
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    const char *fig = strstr(gp, "# latency_cdf.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fig);
    /* one workload: its curve alone, in ms, the quantile in % and in nines; the minimum and
     * maximum have no place on the scale of nines */
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "$cdf_1 << EOD\n10,0,NaN\n60,50,0.3010299957\n"
                                       "100,90,1\n109,99,2\n110,100,NaN\nEOD\n"));
    CU_ASSERT_PTR_NULL(strstr(fig, "$cdf_2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "plot $cdf_1 using 1:2 with lines lw 2 lc 1 title "
                                       "'shoppers1'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set logscale x\nset xlabel 'latency (ms, log scale)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set ytics ('0' 0, '90' 1, '99' 2, '99.9' 3, "
                                       "'99.99' 4)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(fig, "set arrow 3 from graph 0, first 99 to graph 1, first 99"));
    free(gp);

    /* two workloads: each, then all of them together */
    write_latency_csv(2);
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$cdf_3 using 1:2 with lines lw 2 lc 3 title "
                                      "'all workloads'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$cdf_2 using 1:2 with lines lw 2 lc 2 title "
                                      "'shoppers2'"));
    free(gp);

    /* another header is bad input */
    write_text("latency.csv", "workload,q,latency_s\nw,0.5,0.1\n");
    struct unit_diag_capture cap;
    unit_diag_capture_start(&cap);
    int rc = plot_write_script(unit_tmpdir(), &plan);
    char *msg = unit_diag_capture_end(&cap);
    CU_ASSERT_EQUAL(rc, PLOT_ERR_DATA);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "latency.csv: expected a header `scope,name,quantile,"
                                       "latency_s`"));
    free(msg);
}

/* 2 minutes of 10 s intervals: p99 and throughput of workload w, utilization of targets
 * web/1 (leaves at 80 s) and web/2 (launched, in service at 30 s). */
static void events_mark_latency_and_targets_stop(void)
{
    unit_tmpdir_empty();
    FILE *f = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s,workload.w.latency_p99_s,workload.w.throughput_rps,target.web/1.utilization,"
          "target.web/2.utilization\n", f);
    for (int t = 10; t <= 120; t += 10)
        fprintf(f, "%d,0.1,100,0.5,%s\n", t, t > 20 ? "0.4" : "0");
    fclose(f);
    write_text("events.csv", "time_s,kind,name,detail\n"
                             "25,health,web/2,initial -> healthy after 2 passed checks\n"
                             "50,fault,web/1,crash starts\n"
                             "60,health,web/1,healthy -> unhealthy after 2 failed checks\n"
                             "70,scaling,web,changing the desired capacity from 2 to 1.\n"
                             "80,health,web/1,draining -> unused (deregistered from web)\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* the marks once, before latency.png: scale in (2), healthy (4), unhealthy (5), fault
     * starts (6), each in its row of the strip (faults 0, health 1, scaling 2) */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "# latency.png\n$marks_2 << EOD\n70,2\nEOD\n"
                                      "$marks_4 << EOD\n25,1\nEOD\n$marks_5 << EOD\n60,1\nEOD\n"
                                      "$marks_6 << EOD\n50,0\nEOD\n"));
    const char *thr = strstr(gp, "# throughput.png\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(thr);
    CU_ASSERT_PTR_NULL(strstr(thr, "<< EOD")); /* defined once */
    /* latency.png: two panels, dotted lines at the activity and the fault, the strip */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set multiplot\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set arrow 1 from 50, graph 0 to 50, graph 1 nohead dt 3 "
                                      "lc rgb '#7b3294' back\n"
                                      "set arrow 2 from 70, graph 0 to 70, graph 1 nohead dt 3 "
                                      "lc rgb 'gray50' back\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set ytics ('faults' 0, 'health' 1, 'scaling' 2)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$marks_2 using 1:2 with points pt 11 ps 1.6 lc rgb "
                                      "'#d7191c' title 'scale in'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$marks_6 using 1:2 with points pt 5 ps 1.2 lc rgb "
                                      "'#7b3294' title 'fault starts'"));
    /* utilization.png: web/1 stops after the last interval it served whole (80 s), web/2
     * starts with the first after it came into service (30 s to 40 s) */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(1) <= 80 ? column(4)*100 : NaN) axes "
                                      "x1y1 with lines lw 2 title 'web/1'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(column(1)-10 >= 25 ? column(5)*100 : NaN) "
                                      "axes x1y1 with lines lw 2 title 'web/2'"));
    free(gp);
}

/* 12 targets in 3 target groups and 2 load balancers: utilization.png and inflight.png
 * draw per group its mean over a band (a datablock), at most PLOT_LEGEND_MAX entries. */
static void many_targets_are_grouped(void)
{
    unit_tmpdir_empty();
    FILE *f = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s,lb.a.in_flight,lb.b.in_flight,target_group.api.requests", f);
    static const char *const tgs[] = {"web", "api", "img"};
    for (int k = 0; k < 3; k++)
        for (int i = 1; i <= 4; i++)
            fprintf(f, ",target.%s/%d.utilization,target.%s/%d.in_flight", tgs[k], i, tgs[k], i);
    fputc('\n', f);
    for (int t = 1; t <= 3; t++) {
        fprintf(f, "%d,%d,%d,5", t, 10 * t, 20 * t);
        for (int k = 0; k < 3; k++)
            for (int i = 1; i <= 4; i++)
                fprintf(f, ",%g,%d", 0.1 * i + 0.01 * k, i + t);
        fputc('\n', f);
    }
    fclose(f);
    write_text("events.csv", "time_s,kind,name,detail\n"
                             "2,health,img/4,draining -> unused (deregistered from img)\n");
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* web's utilization: mean of 10 %..40 % = 25 %, band 10..40; img/4 gone after 2 s */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "$group_1_1 << EOD\n1,25,10,40\n2,25,10,40\n3,25,10,40\n"
                                      "EOD\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "3,22,12,32\nEOD\n")); /* img without img/4 at 3 s */
    /* named for their target group when timeseries_wide.csv has its columns */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "title 'web: mean of 4 targets'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "title 'target group api: mean of 4 targets'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "with filledcurves fs transparent solid 0.2 noborder"));
    /* inflight.png: the load balancers' totals on the right-hand axis */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:2 axes x1y2 with lines lw 2 lc 1 title "
                                      "'lb a in flight (right axis)'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "set y2label 'requests in flight at load balancers and "
                                      "workloads'"));
    /* no legend of more than PLOT_LEGEND_MAX entries: count the titles per figure */
    for (const char *fig = strstr(gp, "\nplot "); fig; fig = strstr(fig + 1, "\nplot ")) {
        const char *end = strstr(fig + 1, "\n\n");
        int titles = 0;
        for (const char *p = strstr(fig, " title '"); p && (!end || p < end);
             p = strstr(p + 1, " title '"))
            titles++;
        CU_ASSERT(titles <= 8);
    }
    CU_ASSERT_PTR_NULL(strstr(gp, "legend omitted"));
    free(gp);
}

/* The whole chain on a real run: `elbsim run` writes the folder, `elbsim plot` draws every
 * figure without a word from gnuplot, and each PNG is a PNG. */
static void real_run_gets_every_png_quietly(void)
{
    if (!have_gnuplot()) {
        printf("\n  skipped: gnuplot is not installed (make deps)\n");
        return;
    }
    unit_tmpdir_empty();
    char cmd[2048], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s run scenarios/examples/crash_detection.yaml -q -o %s/run "
             "--set duration=400s", unit_elbsim(), unit_tmpdir());
    CU_ASSERT_EQUAL_FATAL(unit_run_capture(cmd, &out), 0);
    free(out);
    snprintf(cmd, sizeof cmd, "%s/run", unit_tmpdir());
    char *argv[] = {(char *)"plot", cmd, NULL};
    int rc = run_plot_quiet(2, argv, &out);
    if (rc != EXIT_OK)
        printf("\n%s", out);
    CU_ASSERT_EQUAL(rc, EXIT_OK);
    CU_ASSERT_PTR_NULL(strstr(out, "warning"));
    CU_ASSERT_PTR_NULL(strstr(out, "skipping"));
    free(out);
    static const char *const png[] = {"latency.png", "latency_cdf.png", "throughput.png",
                                      "utilization.png", "inflight.png"};
    for (size_t i = 0; i < sizeof png / sizeof png[0]; i++) {
        char path[2200];
        snprintf(path, sizeof path, "%s/run/%s", unit_tmpdir(), png[i]);
        struct stat st;
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT(st.st_size > 1000);
        char *head = unit_slurp(path);
        CU_ASSERT(head && !memcmp(head, "\x89PNG", 4));
        free(head);
    }
    /* the crash: a fault mark and the target turning unhealthy */
    snprintf(cmd, sizeof cmd, "%s/run/plots.gp", unit_tmpdir());
    char *gp = unit_slurp(cmd);
    CU_ASSERT(gp && strstr(gp, "title 'fault starts'"));
    CU_ASSERT(gp && strstr(gp, "title 'target unhealthy'"));
    free(gp);
    snprintf(cmd, sizeof cmd, "rm -rf '%s/run'", unit_tmpdir());
    CU_ASSERT_EQUAL(unit_run_capture(cmd, &out), 0);
    free(out);
}


/* 10 workloads: latency.png draws their p99s as one mean over a band, throughput.png their
 * sum; no legend holds more than PLOT_LEGEND_MAX entries. */
static void many_workloads_are_folded(void)
{
    unit_tmpdir_empty();
    FILE *f = fopen(unit_tmpdir_path("timeseries_wide.csv"), "w");
    fputs("time_s", f);
    for (int w = 0; w < 10; w++)
        fprintf(f, ",workload.w%d.latency_p99_s,workload.w%d.throughput_rps", w, w);
    fputc('\n', f);
    for (int t = 1; t <= 3; t++) {
        fprintf(f, "%d", t);
        for (int w = 0; w < 10; w++)
            fprintf(f, ",%g,%d", 0.1 * (w + 1), 10 * w);
        fputc('\n', f);
    }
    fclose(f);
    struct plot_plan plan;
    CU_ASSERT_EQUAL_FATAL(plot_write_script(unit_tmpdir(), &plan), 0);
    char *gp = unit_slurp(unit_tmpdir_path("plots.gp"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(gp);
    /* the band's bounds and the mean from the row: each p99 column folded in */
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:(elb_k = 0, elb_s = 0, elb_lo = 1e308, elb_hi = "
                                      "-1e308, valid(2) ? (elb_v = column(2), "));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, ", valid(20) ? (elb_v = column(20), "));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "elb_k > 0 ? elb_lo*1000 : NaN):(elb_k = 0, "));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "elb_k > 0 ? elb_s/elb_k*1000 : NaN) axes x1y1 with lines "
                                      "lw 2 lc 1 title 'p99 of the 10 workloads: mean, band from "
                                      "lowest to highest'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "with filledcurves fs transparent solid 0.2 noborder lc 1 "
                                      "notitle"));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "using 1:((valid(3) ? column(3) : 0) + (valid(5) ? "
                                      "column(5) : 0) + "));
    CU_ASSERT_PTR_NOT_NULL(strstr(gp, "title 'completed, summed over the 10 workloads (req/s)'"));
    CU_ASSERT_PTR_NULL(strstr(gp, "title 'w1 p99'"));
    free(gp);
}

static CU_TestInfo plot_tests[] = {
    {"script_refers_to_columns_by_number", script_refers_to_columns_by_number},
    {"plots_without_columns_are_skipped", plots_without_columns_are_skipped},
    {"figures_whose_columns_are_all_empty_are_skipped",
     figures_whose_columns_are_all_empty_are_skipped},
    {"long_runs_plot_time_in_hours", long_runs_plot_time_in_hours},
    {"medium_runs_plot_time_in_minutes", medium_runs_plot_time_in_minutes},
    {"script_that_cannot_be_written_leaves_no_temporary",
     script_that_cannot_be_written_leaves_no_temporary},
    {"pngs_are_created_and_non_empty", pngs_are_created_and_non_empty},
    {"asg_series_get_capacity_and_policy_plots", asg_series_get_capacity_and_policy_plots},
    {"asg_plots_without_events_or_values", asg_plots_without_events_or_values},
    {"events_csv_with_a_wrong_header_is_bad_input", events_csv_with_a_wrong_header_is_bad_input},
    {"capacity_and_policy_pngs_are_drawn", capacity_and_policy_pngs_are_drawn},
    {"groups_only_script_is_unchanged", groups_only_script_is_unchanged},
    {"ecs_services_get_task_and_cluster_panels", ecs_services_get_task_and_cluster_panels},
    {"fargate_service_has_no_cluster_panel", fargate_service_has_no_cluster_panel},
    {"ecs_capacity_and_policy_pngs_are_drawn", ecs_capacity_and_policy_pngs_are_drawn},
    {"forecast_csv_gets_forecast_plot", forecast_csv_gets_forecast_plot},
    {"forecast_plot_without_group_or_values", forecast_plot_without_group_or_values},
    {"forecast_csv_with_a_wrong_header_is_bad_input",
     forecast_csv_with_a_wrong_header_is_bad_input},
    {"forecast_png_is_drawn", forecast_png_is_drawn},
    {"missing_gnuplot_exits_1_with_install_hint", missing_gnuplot_exits_1_with_install_hint},
    {"failing_gnuplot_exits_1_naming_the_script", failing_gnuplot_exits_1_naming_the_script},
    {"sweep_gets_metric_lines_front_and_heatmap", sweep_gets_metric_lines_front_and_heatmap},
    {"sweep_without_front_still_gets_heatmap", sweep_without_front_still_gets_heatmap},
    {"sweep_with_nothing_to_plot_is_bad_input", sweep_with_nothing_to_plot_is_bad_input},
    {"sweep_csv_malformed_is_bad_input", sweep_csv_malformed_is_bad_input},
    {"sweep_pngs_are_drawn", sweep_pngs_are_drawn},
    {"compare_gets_means_and_forest", compare_gets_means_and_forest},
    {"compare_csv_malformed_is_bad_input", compare_csv_malformed_is_bad_input},
    {"compare_pngs_are_drawn", compare_pngs_are_drawn},
    {"backtest_gets_forecast_and_errors", backtest_gets_forecast_and_errors},
    {"backtest_csv_malformed_is_bad_input", backtest_csv_malformed_is_bad_input},
    {"backtest_pngs_are_drawn", backtest_pngs_are_drawn},
    {"gnuplot_messages_show_only_when_it_fails", gnuplot_messages_show_only_when_it_fails},
    {"missing_folder_or_csv_exits_1_with_path", missing_folder_or_csv_exits_1_with_path},
    {"csv_without_rows_is_bad_input", csv_without_rows_is_bad_input},
    {"help_and_usage_errors", help_and_usage_errors},
    {"policy_gets_target_line_and_unit_from_scenario",
     policy_gets_target_line_and_unit_from_scenario},
    {"step_policy_gets_its_alarm_threshold", step_policy_gets_its_alarm_threshold},
    {"latency_csv_gets_a_cdf", latency_csv_gets_a_cdf},
    {"events_mark_latency_and_targets_stop", events_mark_latency_and_targets_stop},
    {"many_targets_are_grouped", many_targets_are_grouped},
    {"many_workloads_are_folded", many_workloads_are_folded},
    {"real_run_gets_every_png_quietly", real_run_gets_every_png_quietly},
    CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_plot_suites[] = {
    {"plot", unit_tmpdir_init, unit_tmpdir_fini, NULL, NULL, plot_tests},
    CU_SUITE_INFO_NULL,
};
