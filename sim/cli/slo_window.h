/*
 * slo_window — SLOs judged over windows: "workload.w.latency_p99_s < 0.5 over 5m".
 *
 * A windowed SLO is judged in every window of its length after the warm-up, back to back
 * ([warm-up, warm-up + w), [warm-up + w, warm-up + 2w), ...; the last one may be shorter,
 * and is judged when it holds data), on what completed in that window: the latency
 * percentiles, mean or maximum of the requests answered 2xx in it, the error ratio of the
 * requests that finished in it (failed / finished), or its throughput (completed / its
 * length).  A window where nothing completed has no latency and is not judged.  The SLO
 * holds when every judged window holds; the worst window (the highest value for `<`, `<=`,
 * the lowest for `>`, `>=`) and when it began go into the summary as scope `slo`, name the
 * SLO's position from 1: `windows`, `windows_broken`, `worst`, `worst_window_start_s`.
 */
#ifndef ELBSIM_SIM_CLI_SLO_WINDOW_H
#define ELBSIM_SIM_CLI_SLO_WINDOW_H

struct scenario;
struct summary;
struct world;

struct slo_windows; /* opaque */

/* One window series per windowed SLO of sc, over w's workloads; NULL when sc has none. */
struct slo_windows *slo_windows_new(const struct scenario *sc, struct world *w);
void slo_windows_free(struct slo_windows *sw);

/* The first windows begin now (the warm-up's end); their ends are scheduled. */
void slo_windows_start(struct slo_windows *sw);

/* A request of workload `wl` was answered 2xx after latency_s. */
void slo_windows_record(struct slo_windows *sw, int wl, double latency_s);

/* The run ended at end_s: judge the windows still open. */
void slo_windows_finish(struct slo_windows *sw, double end_s);

/* The `slo` rows of the summary. */
void slo_windows_summary(const struct slo_windows *sw, struct summary *s);

#endif
