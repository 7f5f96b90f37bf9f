/*
 * path — file names a scenario gives, relative to the scenario's folder.
 *
 * A scenario names data files (traces, rate profiles, empirical samples, forecast
 * histories) relative to its own folder.  sim_path_join makes the name to open; the
 * resolved scenario.yaml a run writes uses sim_path_absolute, so it runs again from its
 * output folder, wherever that is (on the same machine).
 */
#ifndef ELBSIM_SIM_PATH_H
#define ELBSIM_SIM_PATH_H

/* dir/file, or file itself when it is absolute or dir is NULL or empty.  Caller frees. */
char *sim_path_join(const char *dir, const char *file);

/* The absolute, canonical name of dir/file (realpath); sim_path_join's result when the
 * file cannot be resolved (it was just read, so that is an I/O race).  Caller frees. */
char *sim_path_absolute(const char *dir, const char *file);

#endif
