#!/usr/bin/env bash
# End-to-end tests of EKS (docs/eks.md): the HPA's first rescale after a step in load
# comes within one metrics-server resolution plus one sync; pending pods make the Cluster
# Autoscaler add a node within its scan interval; a pod's start-up shows in its parts in
# events.csv (scheduled, image pulled at the stated throughput or found cached, started,
# registered, ready); the outputs name the series and summary rows docs/eks.md lists;
# bad input is an error with its place.
# Usage: tests/e2e_eks.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-eks-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
watch_crashes
D=$(cd "$(dirname "$0")" && pwd)/data/eks
echo "e2e eks: $ELBSIM"

# runs WHAT NAME OUT: $D/NAME.yaml runs into $TMP/OUT (its stderr in $TMP/OUT.err).
runs() {
    if "$ELBSIM" run "$D/$2.yaml" -o "$TMP/$3" -q >/dev/null 2>"$TMP/$3.err"; then
        ok "$1 scenario runs"
    else
        ko "$1 scenario failed" "$(cat "$TMP/$3.err")"
    fi
}

# --- the HPA after a step in load -----------------------------------------------------
runs step step step
# Step at 300 s; metrics-server resolution 15 s, HPA sync 15 s: the scrape at 315 s is
# the first to see the step, the sync at 315 s acts on it.  Bound: step + resolution +
# sync + one more sync (the evaluation), 345 s; nothing before the step.
python3 - "$TMP/step/events.csv" <<'PY' && ok "first HPA rescale within resolution + sync + one evaluation of the step" || ko "HPA timing"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["kind"] == "scaling" and r["detail"].startswith("SuccessfulRescale")]
assert rows, "no SuccessfulRescale"
t = float(rows[0]["time_s"])
assert 300 < t <= 345, (t, rows[0])
d = rows[0]["detail"]
assert "reason: cpu resource utilization (percentage of request) above target" in d, d
# 4 pods saturated at 200 % of request: ceil(4 x 200/60) = 14, limited by the default
# scale-up policies to max(4 + 4, 2 x 4) = 8.
assert "New size: 8;" in d, d
print("   first rescale at %.0f s: %s" % (t, d))
PY
python3 - "$TMP/step/timeseries.csv" <<'PY' && ok "deployment and cluster series are written" || ko "series"
import csv, sys
names = set()
for r in csv.DictReader(open(sys.argv[1])):
    names.add((r["scope"], r["metric"]))
need = [("deployment", m) for m in ("desired", "pending", "creating", "started", "ready", "terminating", "hpa.cpu")]
need += [("eks_cluster", m) for m in ("nodes_launching", "nodes_ready", "nodes_draining", "cpu_requested_pct", "pending_pods")]
missing = [n for n in need if n not in names]
assert not missing, missing
PY

# --- pending pods and the Cluster Autoscaler ------------------------------------------
runs pending pending pend
python3 - "$TMP/pend/events.csv" <<'PY' && ok "pending pods trigger a node launch within the 10 s scan interval" || ko "Cluster Autoscaler timing"
import csv, sys
ev = list(csv.DictReader(open(sys.argv[1])))
fs = [float(r["time_s"]) for r in ev if r["detail"].startswith("FailedScheduling")]
up = [float(r["time_s"]) for r in ev if r["detail"].startswith("ScaledUpGroup")]
assert fs and up, (len(fs), len(up))
assert 0 <= up[0] - fs[0] <= 10, (fs[0], up[0])
ready = [float(r["time_s"]) for r in ev if r["detail"].startswith("NodeReady")]
assert ready and ready[0] > up[0], (up[0], ready[:1])
print("   FailedScheduling at %.1f s, ScaledUpGroup at %.1f s, NodeReady at %.1f s" % (fs[0], up[0], ready[0]))
PY
python3 - "$TMP/pend/events.csv" <<'PY' && ok "a pod's start-up in its parts: scheduled, pulled (size / throughput), started, registered, ready" || ko "pod start-up"
import csv, sys, collections
ev = collections.defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])):
    ev[r["name"]].append((float(r["time_s"]), r["kind"], r["detail"]))
done = 0
for pod, rows in ev.items():
    if not pod.startswith("web/"):
        continue
    steps = {}
    for t, kind, d in rows:
        key = d.split(":")[0] if kind == "kube" else kind
        steps.setdefault(key, t)
    if "Pulling" not in steps or "Ready" not in steps:
        continue
    order = [steps[k] for k in ("Scheduled", "Pulling", "Started", "register", "Ready")]
    assert order == sorted(order), (pod, steps)
    # 400 MB at 50 MB/s plus 1 s: the pull alone takes 9 s before the container start.
    assert steps["Started"] - steps["Pulling"] >= 9 - 1e-6, (pod, steps)
    # readiness probe: initial delay 5 s, period 5 s, from the start: ready 5 s after.
    assert abs(steps["register"] - steps["Started"] - 5) < 1e-6, (pod, steps)
    done += 1
assert done >= 1, "no pod pulled its image"
print("   %d pods pulled and started" % done)
PY
if grep -q 'already present on machine' "$TMP/pend/events.csv" || grep -q "after the node's pull in progress" "$TMP/pend/events.csv" ||
   [ "$(grep -c 'Pulling: ' "$TMP/pend/events.csv")" -lt "$(grep -c 'Scheduled: ' "$TMP/pend/events.csv")" ]; then
    ok "a node pulls an image once: later pods on it find it cached or wait for the pull"
else
    ko "image cache per node"
fi
python3 - "$TMP/pend/summary.csv" <<'PY' && ok "summary has the eks_cluster and deployment rows" || ko "summary rows"
import csv, sys
s = {(r["scope"], r["name"], r["metric"]): float(r["value"]) for r in csv.DictReader(open(sys.argv[1]))}
assert s[("eks_cluster", "k", "node_launches")] >= 1, s
assert s[("eks_cluster", "k", "cost_usd")] > 0
assert s[("deployment", "web", "rescales")] >= 1
assert s[("deployment", "web", "max_ready")] > 2
PY

# --- the HPA on the load balancer's request count (External metric) -------------------
runs external-metric external ext
# Step at 300 s; RequestCount Sum per 60 s period, published 60 s after the period ends:
# the period [300, 360) is the first to hold the step and is visible at 420 s, a sync
# time (15 s).  So the first rescale is at exactly 420 s, to 8 pods (default policies
# from 4 pods), and the syncs before it (the 40/s level: 2,400 a minute = 4 pods) change
# nothing.
python3 - "$TMP/ext/events.csv" <<'PY' && ok "first rescale on the External metric at step + period + publication delay" || ko "External metric timing"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["kind"] == "scaling" and r["detail"].startswith("SuccessfulRescale")]
assert rows, "no SuccessfulRescale"
t = float(rows[0]["time_s"])
assert t == 420, (t, rows[0])
d = rows[0]["detail"]
assert "New size: 8; reason: external metric lb_request_count(nil) above target" in d, d
print("   first rescale at %.0f s: %s" % (t, d))
PY
"$ELBSIM" run "$D/external.yaml" --set "eks_clusters.k.deployments.web.hpa.metrics.0.delay=0s" -o "$TMP/ext0" -q >/dev/null 2>&1
python3 - "$TMP/ext0/events.csv" <<'PY' && ok "with no publication delay the rescale comes one period earlier (360 s)" || ko "External metric delay"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["detail"].startswith("SuccessfulRescale")]
assert rows and float(rows[0]["time_s"]) == 360, rows[:1]
PY

# --- pods that block scale-down (safe_to_evict: false) ---------------------------------
"$ELBSIM" run "$D/evict.yaml" -o "$TMP/ev1" -q >/dev/null 2>&1
"$ELBSIM" run "$D/evict.yaml" --set eks_clusters.k.deployments.web.safe_to_evict=false -o "$TMP/ev2" -q >/dev/null 2>&1
python3 - "$TMP/ev1/events.csv" "$TMP/ev2/events.csv" <<'PY' && ok "an under-used node is drained after 10 minutes, never when its pod is not safe to evict" || ko "safe_to_evict"
import csv, sys
def downs(p):
    return [float(r["time_s"]) for r in csv.DictReader(open(p)) if r["detail"].startswith("ScaleDown")]
a, b = downs(sys.argv[1]), downs(sys.argv[2])
# 600 s unneeded, counted from the first scan (10 s) at which the node is under 50 %.
assert len(a) == 1 and 600 <= a[0] <= 620, a
assert b == [], b
PY

# --- the readiness probe after Ready ----------------------------------------------------
"$ELBSIM" run "$D/probe.yaml" -o "$TMP/probe" -q >/dev/null 2>&1
"$ELBSIM" run "$D/probe.yaml" --set eks_clusters.k.deployments.web.readiness_probe.failure_threshold=1 -o "$TMP/probe1" -q >/dev/null 2>&1
python3 - "$TMP/probe/events.csv" "$TMP/probe1/events.csv" <<'PY' && ok "a hung pod fails its probe at each timeout, is NotReady and deregistered at failure_threshold, Ready again after the hang" || ko "readiness probe after Ready"
import csv, sys
def ev(p):
    return [(float(r["time_s"]), r["kind"], r["detail"]) for r in csv.DictReader(open(p)) if r["name"] == "web/0"]
e = ev(sys.argv[1])
fails = [t for t, k, d in e if d.startswith("Unhealthy: Readiness probe failed")]
assert fails[:3] == [101, 111, 121], fails
nr = [t for t, k, d in e if d.startswith("NotReady")]
assert nr == [121], nr
dereg = [t for t, k, d in e if k == "health" and "draining (deregistered" in d]
assert dereg and dereg[0] == 121, dereg
back = [t for t, k, d in e if d.startswith("Ready: readiness probe passed") and "again" in d]
assert back == [160], back
reg = [t for t, k, d in e if k == "register" and t > 0]
assert reg == [160], reg
nr1 = [t for t, k, d in ev(sys.argv[2]) if d.startswith("NotReady")]
assert nr1 == [101], nr1
PY

# --- the same seed gives the same outputs; the resolved scenario runs again ------------
"$ELBSIM" run "$D/pending.yaml" -o "$TMP/pend2" -q >/dev/null 2>&1
if cmp -s "$TMP/pend/events.csv" "$TMP/pend2/events.csv" && cmp -s "$TMP/pend/timeseries.csv" "$TMP/pend2/timeseries.csv"; then
    ok "same scenario and seed: identical events and series"
else
    ko "not reproducible"
fi
"$ELBSIM" run "$TMP/pend/scenario.yaml" -o "$TMP/pend3" -q >/dev/null 2>&1
if cmp -s "$TMP/pend/events.csv" "$TMP/pend3/events.csv"; then
    ok "the resolved scenario.yaml runs again to the same events"
else
    ko "resolved scenario differs" "$(diff "$TMP/pend/events.csv" "$TMP/pend3/events.csv" | head -5)"
fi

# --- bad input ------------------------------------------------------------------------
bad() { # name, sed expression on pending.yaml, expected message fragment[, line:col]
    sed "$2" "$D/pending.yaml" >"$TMP/bad.yaml"
    "$ELBSIM" validate "$TMP/bad.yaml" >/dev/null 2>"$TMP/bad.err"
    local rc=$? place=${4:-[0-9]*:[0-9]*}
    if [ $rc = 2 ] && grep -q "bad.yaml:$place: " "$TMP/bad.err" && grep -q -- "$3" "$TMP/bad.err"; then
        ok "bad input: $1"
    else
        ko "bad input: $1 (exit $rc)" "$(cat "$TMP/bad.err")"
    fi
}
bad "cpu quantity" 's/cpu: "1"/cpu: lots/' "expected a CPU quantity"
bad "memory quantity" 's/memory: 1Gi/memory: 1Qi/' "expected a memory quantity"
bad "unknown target group" 's/target_groups: \[web\]/target_groups: [nope]/' "does not exist"
bad "traffic policy without instance" 's/^        replicas: 2$/        replicas: 2\n        external_traffic_policy: Local/' "is for target_type instance"
bad "pod larger than any node (at its resources)" 's/cpu: "1"/cpu: "7"/' "fits on no node type" 30:9
bad "instance type not in the catalog (at the value)" 's/instance_type: c5.xlarge/instance_type: c5.bogus/' "needs an instance_type from the catalog" 24:39
bad "HPA bounds (at its hpa)" 's/max_replicas: 20/max_replicas: 1/' "expected at least minReplicas" 33:9
bad "period on a CPU metric" 's/metrics: \[ { type: cpu, target: 50 } \]/metrics: [ { type: cpu, target: 50, period: 60s } ]/' "is for an External metric"
bad "External metric period" 's/metrics: \[ { type: cpu, target: 50 } \]/metrics: [ { type: lb_request_count, target: 50, period: 45s } ]/' "is not a CloudWatch period"
bad "unknown expander" 's/autoscaler: cluster_autoscaler/autoscaler: cluster_autoscaler\n    cluster_autoscaler: { expander: cheapest }/' "expected one of"

report_crashes
echo "e2e eks: $pass passed, $fail failed"
[ "$fail" = 0 ]
