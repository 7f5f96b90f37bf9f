#!/usr/bin/env bash
# End-to-end tests of `elbsim calibrate` on elbsim's own access logs: a run with a known
# lognormal service time must give back its median and p99 within intervals from the
# sample size, and pick lognormal; a gamma run must pick gamma; the fragment and the
# arrivals CSV are read by elbsim; bad input exits 2 and writes nothing.
# Usage: tests/e2e_calibrate.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-cal-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
watch_crashes
D=$(cd "$(dirname "$0")" && pwd)/data/calibrate
echo "e2e calibrate: $ELBSIM"

for s in lognormal gamma; do
    "$ELBSIM" run "$D/$s.yaml" -o "$TMP/run_$s" -q >/dev/null 2>&1 || ko "$s run failed"
    if "$ELBSIM" calibrate "$TMP/run_$s/AWSLogs" -o "$TMP/cal_$s" >"$TMP/out_$s" 2>"$TMP/err_$s"; then
        ok "calibrate on the $s run's logs"
    else
        ko "calibrate $s" "$(cat "$TMP/err_$s")"
    fi
done
C=$TMP/cal_lognormal
ls "$C" >/dev/null 2>&1 && for f in fits.csv qq.csv service_empirical.csv arrivals.csv fragment.yaml plots.gp; do
    [ -s "$C/$f" ] || ko "$f missing"
done
if command -v gnuplot >/dev/null; then
    if [ "$(head -c 4 "$C/qq.png" | tail -c 3)" = PNG ]; then ok "qq.png drawn"; else ko "qq.png"; fi
fi

# The known lognormal (median 30 ms, p99 150 ms): the fitted median and p99 within
# z = 3.29 (99.9 %) standard errors of the ML estimates, from n and the fitted sigma
# (se of ln median sigma/sqrt(n), of ln p99 sigma sqrt((1 + z99^2/2)/n)).
python3 - "$C/fits.csv" "$TMP/run_lognormal/requests.csv" <<'PY' && ok "lognormal run: lognormal picked, median and p99 recovered within the sample-size intervals" || ko "lognormal recovery"
import csv, math, sys
rows = {r["fit"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["lognormal"]["best"] == "1" and rows["gamma"]["best"] == "0", rows
n = int(rows["lognormal"]["n"]); sigma = float(rows["lognormal"]["param_b"])
z, z99 = 3.2905, 2.3263
med, p99 = float(rows["lognormal"]["median_s"]), float(rows["lognormal"]["p99_s"])
e_med = abs(math.log(med / 0.030)) / (sigma / math.sqrt(n))
e_p99 = abs(math.log(p99 / 0.150)) / (sigma * math.sqrt((1 + z99 * z99 / 2) / n))
assert e_med < z and e_p99 < z, (med, p99, e_med, e_p99)
assert float(rows["lognormal"]["ks_p_value"]) > 0.01 and float(rows["gamma"]["ks_p_value"]) < 0.01
# ML gamma keeps the sample mean
assert abs(float(rows["gamma"]["mean_s"]) - float(rows["sample"]["mean_s"])) < 1e-6
print(f"  n {n}: median {med*1000:.3f} ms ({e_med:.2f} se from 30), p99 {p99*1000:.2f} ms ({e_p99:.2f} se from 150)")
PY
python3 - "$TMP/cal_gamma/fits.csv" <<'PY' && ok "gamma run: gamma picked, mean and cv recovered" || ko "gamma recovery"
import csv, math, sys
rows = {r["fit"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["gamma"]["best"] == "1", rows
k, n = float(rows["gamma"]["param_a"]), int(rows["gamma"]["n"])
mean = float(rows["gamma"]["mean_s"])
# mean 40 ms: se = mean * cv / sqrt(n); cv = 1/sqrt(k), 0.5 within 5 %
assert abs(mean - 0.040) < 3.29 * 0.040 * 0.5 / math.sqrt(n), mean
assert abs(1 / math.sqrt(k) - 0.5) < 0.025, k
PY

# arrivals.csv: every entry counted once, per minute; rates() replays it.
python3 - "$C/arrivals.csv" "$C/fits.csv" <<'PY' && ok "arrivals.csv counts every entry, one row per minute" || ko "arrivals.csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 30 and rows[0]["time"] == "2026-01-05T00:00:00Z", (len(rows), rows[0])
n = int(next(r for r in csv.DictReader(open(sys.argv[2])) if r["fit"] == "sample")["n"])
assert sum(int(r["value"]) for r in rows) == n
PY
# The fragment, completed with a load balancer, is a scenario elbsim runs.
{
    sed 's/<your load balancer>/front/' "$C/fragment.yaml"
    cat <<'YAML'
name: pasted
duration: 30m
load_balancers:
  - { name: front, zones: [a], listeners: [ { forward: web } ] }
target_groups:
  - name: web
    targets: [ { kind: ec2, instance_type: c5.4xlarge, count: 1, zone: a } ]
YAML
} >"$C/pasted.yaml"
if out=$("$ELBSIM" run "$C/pasted.yaml" -o "$TMP/pasted" -q 2>&1) &&
   python3 - "$TMP/pasted/summary.csv" "$C/arrivals.csv" <<'PY'; then ok "the fragment runs: rates(arrivals.csv) replays the logged count within 4 sd"; else ko "fragment" "$out"; fi
import csv, math, sys
got = next(float(r["value"]) for r in csv.DictReader(open(sys.argv[1]))
           if r["scope"] == "workload" and r["metric"] == "requests")
want = sum(int(r["value"]) for r in csv.DictReader(open(sys.argv[2])))
assert abs(got - want) <= 4 * math.sqrt(want), (got, want)
PY
rm -f "$C/pasted.yaml"

# Same logs, same files.
"$ELBSIM" calibrate "$TMP/run_lognormal/AWSLogs" -o "$TMP/cal2" >/dev/null 2>&1
same=1
for f in fits.csv qq.csv service_empirical.csv arrivals.csv fragment.yaml; do
    cmp -s "$C/$f" "$TMP/cal2/$f" || same=0
done
if [ $same = 1 ]; then ok "same logs, same bytes"; else ko "calibrate not reproducible"; fi
# --path keeps one path's entries (every entry here is /: nothing else to keep).
out=$("$ELBSIM" calibrate "$TMP/run_lognormal/AWSLogs" -o "$TMP/none" --path /api 2>&1)
rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "path starting '/api'" && [ ! -e "$TMP/none" ]; then
    ok "--path with no matching entry: exit 2, nothing written"
else
    ko "--path (exit $rc)" "$out"
fi

# --by-path on a log with two paths (tests/data/access_logs/origin.yaml: / and /api/cart,
# both lognormal(median=30ms, p99=150ms)): each path fitted, lognormal picked, its median
# within 3.29 standard errors of 30 ms; the per-path arrivals add up to the entries and
# the per-path fragment, completed, runs.
A=$(cd "$(dirname "$0")" && pwd)/data/access_logs
"$ELBSIM" run "$A/origin.yaml" -o "$TMP/two" -q >/dev/null 2>&1 || ko "two-path run failed"
if out=$("$ELBSIM" calibrate "$TMP/two/AWSLogs" -o "$TMP/calp" --by-path 2>&1) &&
   python3 - "$TMP/calp" <<'PY'; then ok "--by-path: both paths fitted as lognormal near 30 ms, arrivals per path add up"; else ko "--by-path" "$out"; fi
import csv, math, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/by_path.csv")))
assert sorted(r["path"] for r in rows) == ["/", "/api/cart"], rows
total = int(next(r for r in csv.DictReader(open(d + "/fits.csv")) if r["fit"] == "sample")["n"])
assert sum(int(r["entries"]) for r in rows) == total
for r in rows:
    assert r["best"] == "lognormal", r
    n = int(r["n"]); med = float(r["median_s"])
    sigma = math.log(float(r["p99_s"]) / med) / 2.3263
    assert abs(math.log(med / 0.030)) < 3.29 * sigma / math.sqrt(n), (r["path"], med)
    counts = [int(x["value"]) for x in csv.DictReader(open(d + "/" + r["arrivals"]))]
    assert sum(counts) == int(r["entries"]) and len(counts) == 12, (r["path"], len(counts))
PY
{
    sed 's/<your load balancer>/front/' "$TMP/calp/fragment_by_path.yaml"
    cat <<'YAML'
name: pasted_by_path
duration: 12m
load_balancers:
  - { name: front, zones: [a], listeners: [ { forward: web } ] }
target_groups:
  - name: web
    targets: [ { kind: ec2, instance_type: c5.4xlarge, count: 2, zone: a } ]
YAML
} >"$TMP/calp/pasted.yaml"
if out=$("$ELBSIM" validate "$TMP/calp/pasted.yaml" 2>&1); then ok "the per-path fragment, completed, is a valid scenario"; else ko "per-path fragment" "$out"; fi

# --- bad input: exit 2, nothing written ------------------------------------------------
check_bad() { # name, expected message, args...
    local name=$1 msg=$2
    shift 2
    local out rc
    out=$("$ELBSIM" calibrate "$@" -o "$TMP/bad" 2>&1)
    rc=$?
    if [ $rc = 2 ] && echo "$out" | grep -q -- "$msg" && [ ! -e "$TMP/bad" ]; then
        ok "$name: exit 2, nothing written"
    else
        ko "$name (exit $rc)" "$out"
    fi
}
check_bad "missing path" "No such file" "$TMP/nothing"
mkdir -p "$TMP/empty"
check_bad "folder without logs" "holds no .log or .log.gz file" "$TMP/empty"
f=$(find "$TMP/run_lognormal/AWSLogs" -name '*.log.gz' | head -1)
gzip -dc "$f" | head -15 >"$TMP/few.log"
check_bad "too few entries" "expected at least 20" "$TMP/few.log"
{ gzip -dc "$f" | head -200; for i in 1 2 3; do echo "garbage line $i"; done; } >"$TMP/bad.log"
check_bad "malformed lines above 0.1 %" "are malformed" "$TMP/bad.log"
check_bad "bad --interval" "expected a duration" "$TMP/few.log" --interval 0s
check_bad "unknown option" "unknown option" "$TMP/few.log" --bogus

new_crashes && ko "elbsim crashed after the last check"
echo "e2e calibrate: $pass passed, $fail failed"
[ $fail -eq 0 ]
