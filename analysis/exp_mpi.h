/*
 * exp_mpi — an experiment across machines.  Built with ELBSIM_MPI (`make mpi`: mpicc),
 * the processes mpirun starts are the ranks of MPI_COMM_WORLD: each runs its share of the
 * jobs (analysis/exp_plan deals them round robin) and the results are gathered: the main
 * pass's on rank 0, a window of jobs at a time (exp_mpi_gather_window), so rank 0 holds at
 * most a window's results whatever the number of runs; the MSER-5 pilot's one warm-up per
 * job on every rank (exp_mpi_gather).  Rank 0 alone prints: the others send stdout to
 * /dev/null, and stderr too while the input is checked (every rank checks it; one message
 * is enough).
 *
 * Without ELBSIM_MPI there is one rank, 0 of 1, and these functions do nothing.
 */
#ifndef ELBSIM_ANALYSIS_EXP_MPI_H
#define ELBSIM_ANALYSIS_EXP_MPI_H

#include <stdbool.h>

/* Start MPI unless it runs already, and give this process's rank and the number of ranks
 * (0 and 1 without MPI).  Ranks other than 0 send stdout to /dev/null from here on. */
void exp_mpi_begin(int *rank, int *nranks);

/* End MPI if exp_mpi_begin started it. */
void exp_mpi_end(void);

/* On ranks other than 0, send stderr to /dev/null until exp_mpi_quiet_end. */
void exp_mpi_quiet_begin(int rank);
void exp_mpi_quiet_end(void);

/* Results of njobs jobs, nout doubles each, in res[j * nout ...]: rank r filled the
 * places of its jobs r, r + nranks, ...; afterwards every rank's res holds every job's
 * results.  ok: whether this rank's jobs succeeded.  Returns 0 when they did on every
 * rank, else -1 (res then as it was).  Collective: every rank must call it. */
int exp_mpi_gather(int rank, int nranks, int njobs, int nout, double *res, bool ok);

/* Results of the n jobs base .. base + n - 1 (a window), nout doubles each, in
 * win[(j - base) * nout ...]: rank r filled the places of its jobs (those equal to r modulo
 * nranks); afterwards rank 0's win holds every job's results, the other ranks' win is as it
 * was.  Rank 0 receives n * nout doubles (one MPI_Gatherv), so its memory is bounded by
 * the window.  ok, the return and being collective: as exp_mpi_gather. */
int exp_mpi_gather_window(int rank, int nranks, int base, int n, int nout, double *win,
                          bool ok);

#endif
