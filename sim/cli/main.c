/* elbsim: discrete-event simulation of AWS load balancing and auto scaling. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "sim/cli/commands.h"
#include "sim/diag.h"
#include "sim/interrupt.h"
#include "sim/queue.h"
#include "sim/xalloc.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"run", cmd_run, "run a scenario and write CSV outputs"},
    {"validate", cmd_validate, "check a scenario without running it"},
    {"list", cmd_list, "list algorithms, distributions, instance types, ..."},
    {"sample", cmd_sample, "draw from a distribution and print its percentiles"},
    {"plot", cmd_plot, "draw PNG plots of an output folder with gnuplot"},
    {"report", cmd_report, "write report.html: an output folder's story on one page"},
    {"compare", cmd_compare, "compare variants on common random numbers, with CIs"},
    {"sweep", cmd_sweep, "replicated parameter sweep on all cores (MPI too), Pareto front"},
    {"calibrate", cmd_calibrate, "fit service time and arrivals from ALB access logs"},
    {"forecast", cmd_forecast, "backtest load forecasts on a history (predictive scaling)"},
    {"explain", cmd_explain, "narrate a run's decision trace (run --trace): why each request"
                             " went where"},
    {"lessons", cmd_lessons, "run the lesson gallery, check its claims, write index.html"},
};

void cli_usage(FILE *f)
{
    fputs("usage: elbsim COMMAND [ARGS]\n\ncommands:\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fputs("\n`elbsim COMMAND --help` describes one command.\n"
          "exit status: 0 ok, 1 I/O failure, 2 bad input, 3 SLO broken\n",
          f);
}

int main(int argc, char **argv)
{
    /* GSL errors are checked through return codes, never by aborting (STYLE.md §5). */
    gsl_set_error_handler_off();
    /* SIGINT/SIGTERM stop a run cleanly: no partial output, workers stopped, 130/143. */
    sim_interrupt_install();
#ifdef ELBSIM_ALLOC_FAULTS
    {
        const char *n = getenv("ELBSIM_FAIL_ALLOC"), *c = getenv("ELBSIM_ALLOC_COUNT");
        xalloc_fail_at(n ? atol(n) : 0, c && *c == '1');
    }
#endif
    /* An engine knob for tests (sim/queue.h): when the event queue's far buckets start. */
    const char *fm = getenv("ELBSIM_QUEUE_FAR_MIN");
    if (fm && *fm) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(fm, &end, 10);
        if (*end || errno || !isdigit((unsigned char)fm[0])) {
            fprintf(stderr, "elbsim: ELBSIM_QUEUE_FAR_MIN='%s': expected a count of pending "
                            "events (0 or more)\n", fm);
            return EXIT_BAD_INPUT;
        }
        sim_queue_far_min_default = (size_t)v;
    }
    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_BAD_INPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        cli_usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        int status = commands[i].fn(argc - 1, argv + 1);
        int sig = sim_interrupt_signal();
        if (sig) {
            fprintf(stderr, "elbsim: %s: stopped by %s; the output being written was "
                    "removed\n", argv[1], sig == SIGINT ? "SIGINT" : "SIGTERM");
            return 128 + sig;
        }
        /* Loading a scenario or a distribution fails as "bad input" whatever stopped it; when
         * what stopped it was a file that could not be opened or read (diag_env_error), that
         * is an I/O failure and the status says so. */
        if (status == EXIT_BAD_INPUT && diag_env_error_count() > 0)
            status = EXIT_ENV;
        return status;
    }
    fprintf(stderr, "elbsim: error: unknown command '%s'\n", argv[1]);
    cli_usage(stderr);
    return EXIT_BAD_INPUT;
}
