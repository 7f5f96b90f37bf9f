#include "sim/cli/commands.h"

int cmd_run(int argc, char **argv)
{
    (void)argc; (void)argv;
    return EXIT_ENV;
}
int cmd_validate(int argc, char **argv)
{
    (void)argc; (void)argv;
    return EXIT_ENV;
}
int cmd_list(int argc, char **argv)
{
    (void)argc; (void)argv;
    return EXIT_ENV;
}
int cmd_demo(int argc, char **argv)
{
    (void)argc; (void)argv;
    return EXIT_ENV;
}
