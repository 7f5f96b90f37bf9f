/*
 * commands — the subcommands of `elbsim`.  Each takes the arguments after its own name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 environment failure (I/O), 2 bad input, 3 a scenario SLO was broken.
 */
#ifndef ELBSIM_SIM_CLI_COMMANDS_H
#define ELBSIM_SIM_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

enum {
    EXIT_OK = 0,
    EXIT_ENV = 1,
    EXIT_BAD_INPUT = 2,
    EXIT_SLO = 3,
};

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_lessons(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);

/* Print the top-level usage to f. */
void cli_usage(FILE *f);

/* The arguments of a command that takes one folder and no options (`plot DIR`, `report
 * DIR`): --help prints usage on stdout; an option, a second folder or none is an error
 * (usage on stderr where it helps).  Returns true with *dir set when the command should go
 * on; false with *status the exit status to return (EXIT_OK after --help). */
bool cli_folder_arg(int argc, char **argv, const char *cmd, void (*usage)(FILE *f),
                    const char **dir, int *status);

#endif
