/*
 * exp_warmup — the warm-up of one run detected from its output: MSER-5 (analysis/stats)
 * on each workload's mean latency per interval, read back from the run's timeseries.csv
 * (analysis/series writes it: time_s,scope,name,metric,value).
 *
 * Per workload, the rows `workload,<name>,latency_mean_s` form a series over the
 * intervals; an interval without a value takes the previous one (the first value fills
 * the leading gap); a workload with no value at all is left out.  The run's warm-up is
 * the latest of the workloads' truncations.  A workload name that needs CSV quoting (it
 * holds a comma) is not read.
 */
#ifndef ELBSIM_ANALYSIS_EXP_WARMUP_H
#define ELBSIM_ANALYSIS_EXP_WARMUP_H

/* The MSER-5 warm-up of the run whose files are in folder dir, in s: the end time of the
 * last interval MSER-5 deletes, 0 when it deletes none or the folder has no
 * timeseries.csv. */
double exp_warmup_mser5(const char *dir);

#endif
