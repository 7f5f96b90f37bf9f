/*
 * outdir — an output folder written whole or not at all, and never a folder elbsim did not
 * write.
 *
 * outdir_begin(dest) refuses when dest exists and is neither an empty folder nor a folder
 * elbsim wrote (one holding the marker file OUTDIR_MARKER), or when another elbsim is
 * writing dest now (a POSIX lock on "<parent>/.<base>.lock", a file the holder removes
 * when done; the lock itself goes when that process ends, however it ends).  Otherwise it makes a fresh folder with a unique name beside
 * dest ("<parent>/.<base>.partial-XXXXXX", so it can be renamed into place) holding the
 * marker; the caller writes its files there (outdir.tmp).  outdir_commit() moves the old
 * dest aside under a unique name, renames the new folder to dest and removes the old one;
 * outdir_abort() removes the new folder.  Folders are removed with nftw() and
 * unlink/rmdir, never through a shell, and only trees that hold the marker.
 *
 * While a folder is being written, running out of memory (sim/xalloc) aborts it before the
 * process exits 1, so no partial folder is left.
 *
 * Errors are environment failures: each prints the path and the OS error (or why the
 * folder is refused) on stderr and returns -1; the command exits 1.
 */
#ifndef ELBSIM_ANALYSIS_OUTDIR_H
#define ELBSIM_ANALYSIS_OUTDIR_H

#define OUTDIR_MARKER ".elbsim-output"

struct outdir {
    char *dest;   /* the folder asked for, without trailing '/' (owned) */
    char *tmp;    /* the folder being written (owned), NULL once committed or aborted */
    char *lock_path; /* "<parent>/.<base>.lock" (owned) */
    int lock_fd;  /* the lock file, held until commit or abort; -1 when none */
    int oom_hook; /* xalloc_hook handle: an allocation failure aborts it; 0 when none */
};

/* Check dest, take its lock and make the folder to write in.  0, or -1 after a message. */
int outdir_begin(struct outdir *o, const char *dest);

/* Put the written folder in place of dest.  0, or -1 after a message (the new folder is
 * then removed and dest is as it was). */
int outdir_commit(struct outdir *o);

/* Forget the written folder (removed) and release the lock; dest is untouched.  Safe after
 * a failed begin or a commit. */
void outdir_abort(struct outdir *o);

/* Make path and its missing parents (mkdir -p).  0, or -1 after a message. */
int outdir_mkdir_p(const char *path);

/* Remove the tree at path if it holds OUTDIR_MARKER (an elbsim folder).  0 when removed or
 * absent, -1 (after a message) otherwise. */
int outdir_remove(const char *path);

#endif
