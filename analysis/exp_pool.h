/*
 * exp_pool — numbered jobs run in this process or in forked worker processes, each job's
 * results written at its own place in one array of doubles.
 *
 * The jobs are first, first + step, ... below njobs (an MPI rank's share; step 1 for all
 * of them), started in that order.  With one worker they run in this process, one after
 * the other, straight into the array.  With more, up to `workers` child processes run at
 * once, one job each: the child runs the job, writes its nout doubles to a pipe as raw
 * bytes and exits; the parent copies them to the job's place.  Where a job's results land
 * depends on its number alone, so the array is the same bytes whatever the number of
 * workers and whichever job ends first.  Processes rather than threads because the engine
 * and the diagnostics keep process-wide state.
 *
 * A job that fails (its function returns -1, the child dies or sends too few bytes)
 * stops the pool: the other children are killed and the run returns -1.
 */
#ifndef ELBSIM_ANALYSIS_EXP_POOL_H
#define ELBSIM_ANALYSIS_EXP_POOL_H

/* What a job is.  ctx is the caller's, passed back unchanged. */
struct exp_pool_ops {
    /* Do job j in this process and fill out[0..nout) (NaN on entry).  Returns 0, or -1
     * after reporting what went wrong.  In a child, anything it allocates must be freed
     * before it returns (the child then exits). */
    int (*run)(void *ctx, int job, double *out);
    /* A short name of job j for the message of a failed child, e.g. "replication 1 of
     * point 3 (power_of_d, 4)" (caller frees). */
    char *(*name)(void *ctx, int job);
    /* Called in this process after each job ended, also a failed one; may be NULL. */
    void (*done)(void *ctx, int job);
};

/* Which jobs, how many at once, how many results each. */
struct exp_pool {
    int first, step; /* jobs first, first + step, ... (step >= 1) */
    int njobs;       /* ... below njobs */
    int workers;     /* child processes at once; 1 or less: run in this process */
    int nout;        /* doubles per job */
    int base;        /* job j's results go to res[(j - base) * nout ...]; 0 unless the
                        jobs are a window of a larger set (base <= first) */
};

/* Run the pool's jobs; job j's results go to res[(j - base) * nout ...] (res holds
 * (njobs - base) * nout doubles; the places of other jobs are left alone).  Returns 0, or
 * -1 after a job failed (a failed child is reported as "elbsim: error: NAME failed: WHY")
 * or a pipe, fork or poll failed (reported with strerror). */
int exp_pool_run(const struct exp_pool *p, const struct exp_pool_ops *ops, void *ctx,
                 double *res);

#endif
