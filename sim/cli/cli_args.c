/* Argument parsing shared by the commands (sim/cli/commands.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/diag.h"

bool cli_folder_arg(int argc, char **argv, const char *cmd, void (*usage)(FILE *f),
                    const char **dir, int *status)
{
    *dir = NULL;
    *status = EXIT_BAD_INPUT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            *status = EXIT_OK;
            return false;
        }
        if (argv[i][0] == '-' && argv[i][1]) {
            diag_error(NULL, "%s: unknown option '%s'", cmd, argv[i]);
            usage(stderr);
            return false;
        }
        if (*dir) {
            diag_error(NULL, "%s: expected one folder, got '%s' and '%s'", cmd, *dir, argv[i]);
            return false;
        }
        *dir = argv[i];
    }
    if (!*dir) {
        usage(stderr);
        return false;
    }
    return true;
}
