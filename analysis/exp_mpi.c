#include "analysis/exp_mpi.h"

#ifdef ELBSIM_MPI
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "sim/xalloc.h"

static int saved_stderr = -1; /* stderr while silenced by exp_mpi_quiet_begin */
static bool mpi_started;      /* by exp_mpi_begin (so it finalizes) */

void exp_mpi_begin(int *rank, int *nranks)
{
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited) {
        MPI_Init(NULL, NULL);
        mpi_started = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, nranks);
    if (*rank > 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            fflush(stdout);
            dup2(fd, 1);
            close(fd);
        }
    }
}

void exp_mpi_end(void)
{
    if (mpi_started)
        MPI_Finalize();
    mpi_started = false;
}

void exp_mpi_quiet_begin(int rank)
{
    if (rank > 0 && saved_stderr < 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            fflush(stderr);
            saved_stderr = dup(2);
            dup2(fd, 2);
            close(fd);
        }
    }
}

void exp_mpi_quiet_end(void)
{
    if (saved_stderr >= 0) {
        fflush(stderr);
        dup2(saved_stderr, 2);
        close(saved_stderr);
        saved_stderr = -1;
    }
}

/* True when every rank's ok is true. */
static bool all_ranks_ok(bool ok)
{
    int mine = ok, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all != 0;
}

/* Jobs base .. base + n - 1 dealt round robin over the ranks (job j to rank j % nranks),
 * nout numbers each: each rank's count and where its block starts (caller frees both). */
static void deal(int nranks, int base, int n, int nout, int **counts, int **displs)
{
    *counts = xcalloc((size_t)nranks, sizeof **counts);
    *displs = xcalloc((size_t)nranks, sizeof **displs);
    for (int j = base; j < base + n; j++)
        (*counts)[j % nranks] += nout;
    for (int r = 1; r < nranks; r++)
        (*displs)[r] = (*displs)[r - 1] + (*counts)[r - 1];
}

int exp_mpi_gather(int rank, int nranks, int njobs, int nout, double *res, bool ok)
{
    if (!all_ranks_ok(ok))
        return -1;
    int *counts, *displs;
    deal(nranks, 0, njobs, nout, &counts, &displs);
    double *mine = xmalloc((size_t)(counts[rank] ? counts[rank] : 1) * sizeof *mine);
    double *all = xmalloc((size_t)njobs * (size_t)nout * sizeof *all + sizeof *all);
    for (int j = rank, i = 0; j < njobs; j += nranks, i++)
        memcpy(mine + (size_t)i * (size_t)nout, res + (size_t)j * (size_t)nout,
               (size_t)nout * sizeof *mine);
    MPI_Allgatherv(mine, counts[rank], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE,
                   MPI_COMM_WORLD);
    /* Rank r's block holds its jobs r, r + nranks, ... in order. */
    for (int r = 0; r < nranks; r++)
        for (int j = r, i = 0; j < njobs; j += nranks, i++)
            memcpy(res + (size_t)j * (size_t)nout, all + displs[r] + (size_t)i * (size_t)nout,
                   (size_t)nout * sizeof *res);
    free(mine);
    free(all);
    free(counts);
    free(displs);
    return 0;
}

int exp_mpi_gather_window(int rank, int nranks, int base, int n, int nout, double *win,
                          bool ok)
{
    if (!all_ranks_ok(ok))
        return -1;
    /* Rank r's jobs in the window: the first at or after base that is r modulo nranks. */
    int *counts, *displs;
    deal(nranks, base, n, nout, &counts, &displs);
    int first = base + (rank - base % nranks + nranks) % nranks;
    double *mine = xmalloc((size_t)(counts[rank] ? counts[rank] : 1) * sizeof *mine);
    for (int j = first, i = 0; j < base + n; j += nranks, i++)
        memcpy(mine + (size_t)i * (size_t)nout, win + (size_t)(j - base) * (size_t)nout,
               (size_t)nout * sizeof *mine);
    double *all = rank == 0 ? xmalloc((size_t)n * (size_t)nout * sizeof *all + sizeof *all)
                            : NULL;
    MPI_Gatherv(mine, counts[rank], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, 0,
                MPI_COMM_WORLD);
    if (rank == 0)
        for (int r = 0; r < nranks; r++) {
            int fr = base + (r - base % nranks + nranks) % nranks;
            for (int j = fr, i = 0; j < base + n; j += nranks, i++)
                memcpy(win + (size_t)(j - base) * (size_t)nout,
                       all + displs[r] + (size_t)i * (size_t)nout, (size_t)nout * sizeof *win);
        }
    free(all);
    free(mine);
    free(counts);
    free(displs);
    return 0;
}

#else /* one rank */

void exp_mpi_begin(int *rank, int *nranks)
{
    *rank = 0;
    *nranks = 1;
}

void exp_mpi_end(void)
{
}

void exp_mpi_quiet_begin(int rank)
{
    (void)rank;
}

void exp_mpi_quiet_end(void)
{
}

int exp_mpi_gather(int rank, int nranks, int njobs, int nout, double *res, bool ok)
{
    (void)rank;
    (void)nranks;
    (void)njobs;
    (void)nout;
    (void)res;
    return ok ? 0 : -1;
}

int exp_mpi_gather_window(int rank, int nranks, int base, int n, int nout, double *win,
                          bool ok)
{
    (void)rank;
    (void)nranks;
    (void)base;
    (void)n;
    (void)nout;
    (void)win;
    return ok ? 0 : -1;
}

#endif
