/*
 * exp_mpi — an experiment across machines.  Built with ELBSIM_MPI (`make mpi`: mpicc),
 * the processes mpirun starts are the ranks of MPI_COMM_WORLD: each runs its share of the
 * jobs (analysis/exp_plan deals them round robin) and the results are gathered on every
 * rank.  Rank 0 alone prints: the others send stdout to /dev/null, and stderr too while
 * the input is checked (every rank checks it; one message is enough).
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

#endif
