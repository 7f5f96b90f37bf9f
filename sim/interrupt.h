/*
 * interrupt — SIGINT and SIGTERM turned into a flag that long loops check.
 *
 * sim_interrupt_install() sets handlers (sigaction, without SA_RESTART so a blocking
 * poll() or read() returns EINTR) that only record the signal's number; the engine's event
 * loop, the run and the worker pool check sim_interrupt_signal() and stop: the output being
 * written is removed, forked workers are stopped, and the program exits 128 + the signal
 * (130 for SIGINT, 143 for SIGTERM).  Nothing else happens in the handler.
 */
#ifndef ELBSIM_SIM_INTERRUPT_H
#define ELBSIM_SIM_INTERRUPT_H

/* Catch SIGINT and SIGTERM from now on (in this process and the children it forks). */
void sim_interrupt_install(void);

/* The number of the first SIGINT or SIGTERM caught, or 0 when none was. */
int sim_interrupt_signal(void);

#endif
