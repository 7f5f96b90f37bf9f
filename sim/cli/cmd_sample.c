#include "sim/cli/commands.h"

int cmd_sample(int argc, char **argv)
{
    (void)argc; (void)argv;
    fputs("elbsim: sample: not built yet\n", stderr);
    return EXIT_ENV;
}
