/* sigaction() is POSIX. */
#define _POSIX_C_SOURCE 200809L
#include "sim/interrupt.h"

#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    if (!caught)
        caught = sig;
}

void sim_interrupt_install(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls return EINTR and the loop looks */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int sim_interrupt_signal(void)
{
    return caught;
}
