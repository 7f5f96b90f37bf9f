#!/usr/bin/env bash
# End-to-end tests of `output.cloudwatch: true`: get-metric-data.json,
# metric-data-queries.json and describe-scaling-activities.json are valid JSON in the
# shapes the AWS CLI prints, agree with the run's own CSV, and the RequestCount series
# read back through rates() gives arrivals that follow it (the round trip).
# Usage: tests/e2e_cloudwatch.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-cw-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
watch_crashes
D=$(cd "$(dirname "$0")" && pwd)/data/cloudwatch_out
echo "e2e cloudwatch: $ELBSIM"

"$ELBSIM" run "$D/origin.yaml" -o "$TMP/o" -q >/dev/null 2>&1 || ko "origin run failed"
C=$TMP/o/cloudwatch
for f in get-metric-data.json metric-data-queries.json describe-scaling-activities.json; do
    if python3 -m json.tool "$C/$f" >/dev/null 2>&1; then ok "$f is valid JSON"; else ko "$f"; fi
done

python3 - "$C" "$TMP/o" <<'PY' && ok "get-metric-data: AWS's shape, newest first, values as in timeseries.csv" || ko "get-metric-data against timeseries.csv"
import csv, datetime, json, sys
c, o = sys.argv[1], sys.argv[2]
d = json.load(open(c + "/get-metric-data.json"))
q = json.load(open(c + "/metric-data-queries.json"))
assert set(d) == {"MetricDataResults", "Messages"} and d["Messages"] == []
res = d["MetricDataResults"]
# 16 metrics, then TargetResponseTime's p50, p90, p99 and tm99 for the LB and its group.
assert [r["Id"] for r in res] == [x["Id"] for x in q] and len(res) == 24
for r, x in zip(res, q):
    assert set(r) == {"Id", "Label", "Timestamps", "Values", "StatusCode"}, r.keys()
    assert r["StatusCode"] == "Complete" and r["Label"] == x["Label"]
    assert x["MetricStat"]["Period"] == 60
    assert x["MetricStat"]["Stat"] in (("Sum", "Average") if int(x["Id"][1:]) <= 16 else ("p50", "p90", "p99", "tm99"))
    ts = [datetime.datetime.fromisoformat(t) for t in r["Timestamps"]]
    assert len(ts) == len(r["Values"]) == 60
    assert all(a > b for a, b in zip(ts, ts[1:])), "newest first"
    assert r["Timestamps"][-1] == "2026-01-05T00:00:00+00:00"
by = {(x["MetricStat"]["Metric"]["Namespace"], x["MetricStat"]["Metric"]["MetricName"],
       x["MetricStat"]["Metric"]["Dimensions"][0]["Value"].split("/")[1 if "/" in x["MetricStat"]["Metric"]["Dimensions"][0]["Value"] else 0]): r
      for r, x in zip(res, q) if x["MetricStat"]["Stat"] in ("Sum", "Average")}
ser = {}
for row in csv.DictReader(open(o + "/timeseries.csv")):
    ser.setdefault((row["scope"], row["name"], row["metric"]), {})[float(row["time_s"])] = float(row["value"])
def series(key):
    r = by[key]
    return {(datetime.datetime.fromisoformat(t) - datetime.datetime.fromisoformat("2026-01-05T00:00:00+00:00")).total_seconds() + 60: v
            for t, v in zip(r["Timestamps"], r["Values"])}
# Target group RequestCount is the group's routed requests per interval.
assert series(("AWS/ApplicationELB", "RequestCount", "web")) == ser[("target_group", "web", "requests")]
# Desired capacity and in-service instances, sampled at the interval's end.
assert series(("AWS/AutoScaling", "GroupDesiredCapacity", "web-asg")) == ser[("asg", "web-asg", "desired")]
assert series(("AWS/AutoScaling", "GroupInServiceInstances", "web-asg")) == ser[("asg", "web-asg", "in_service")]
# The LB's RequestCount (by response) sums to its requests (by arrival) within those in flight.
lbr = sum(series(("AWS/ApplicationELB", "RequestCount", "front")).values())
assert abs(lbr - sum(ser[("lb", "front", "requests")].values())) <= 50, lbr
# CPUUtilization: the mean over instances, so at most 100 and at least the total / 6.
cpu = series(("AWS/EC2", "CPUUtilization", "web-asg"))
tot = ser[("asg", "web-asg", "cpu_total")]
for t, v in cpu.items():
    assert 0 <= v <= 100 and v >= tot[t] / 6 - 1e-6, (t, v, tot[t])
PY

python3 - "$C" "$TMP/o/events.csv" <<'PY' && ok "describe-scaling-activities: one activity per launch and termination, AWS's fields and texts" || ko "scaling activities against events.csv"
import csv, json, re, sys
acts = json.load(open(sys.argv[1] + "/describe-scaling-activities.json"))["Activities"]
ev = [r for r in csv.DictReader(open(sys.argv[2])) if r["kind"] == "scaling" and
      (r["detail"].startswith("Launching") or r["detail"].startswith("Terminating"))]
assert len(acts) == len(ev) and len(ev) >= 4, (len(acts), len(ev))
assert sum(a["Description"].startswith("Launching a new EC2 instance: i-") for a in acts) >= 2
assert sum(a["Description"].startswith("Terminating EC2 instance: i-") for a in acts) >= 2
starts = [a["StartTime"] for a in acts]
assert starts == sorted(starts, reverse=True), "newest first"
iso = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
for a in acts:
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", a["ActivityId"])
    assert a["AutoScalingGroupName"] == "web-asg" and re.fullmatch(r".*: i-[0-9a-f]{17}", a["Description"])
    assert re.fullmatch(iso, a["StartTime"]) and re.fullmatch(iso, a["EndTime"]) and a["EndTime"] >= a["StartTime"]
    assert a["StatusCode"] == "Successful" and a["Progress"] == 100
    assert json.loads(a["Details"])["Availability Zone"] in ("us-east-1a", "us-east-1b")
    m = re.fullmatch(r"At (\S+Z) a monitor alarm TargetTracking-web-asg-Alarm(High|Low)-cpu50 in state ALARM "
                     r"triggered policy cpu50 changing the desired capacity from (\d+) to (\d+)\.  "
                     r"At (\S+Z) an instance was (started|taken out of service) in response to a difference "
                     r"between desired and actual capacity, (increasing|shrinking) the capacity from (\d+) to (\d+)\.", a["Cause"])
    assert m, a["Cause"]
    assert (m.group(2) == "High") == (m.group(6) == "started") == a["Description"].startswith("Launching")
PY

"$ELBSIM" run "$D/origin.yaml" -o "$TMP/o2" -q >/dev/null 2>&1
if diff -r "$TMP/o/cloudwatch" "$TMP/o2/cloudwatch" >/dev/null; then ok "same seed, same bytes"; else ko "not reproducible"; fi
"$ELBSIM" run "$D/origin.yaml" -o "$TMP/off" -q --set output.cloudwatch=false >/dev/null 2>&1
if [ ! -e "$TMP/off/cloudwatch" ] && cmp -s "$TMP/o/timeseries.csv" "$TMP/off/timeseries.csv"; then
    ok "off: no cloudwatch folder, the same time series"
else
    ko "output.cloudwatch=false"
fi

# --- round trip: RequestCount back through rates() --------------------------------------
# The replay's arrivals in each minute are Poisson with the written count as mean: each
# minute within 5 standard deviations (+3), and the hour's total within 4.
for sel in m1 'app/front RequestCount'; do
    cat >"$TMP/replay.yaml" <<YAML
name: replay
duration: 1h
seed: 3
output: { interval: 1m }
workloads:
  - name: users
    entry: front
    arrivals: "rates(file=$C/get-metric-data.json, metric=$sel, statistic=Sum, start=2026-01-05T00:00:00Z)"
    demand: exp(mean=20ms)
load_balancers:
  - { name: front, zones: [a], listeners: [ { forward: web } ] }
target_groups:
  - name: web
    targets: [ { kind: ec2, instance_type: c5.4xlarge, count: 2, zone: a } ]
YAML
    rm -rf "$TMP/r"
    if ! out=$("$ELBSIM" run "$TMP/replay.yaml" -o "$TMP/r" -q 2>&1); then
        ko "replay with metric=$sel" "$out"
        continue
    fi
    python3 - "$C" "$TMP/r/timeseries.csv" <<'PY' && ok "round trip (metric=$sel): the replay's arrivals follow the written RequestCount" || ko "round trip metric=$sel"
import csv, datetime, json, math, sys
r = json.load(open(sys.argv[1] + "/get-metric-data.json"))["MetricDataResults"][0]
t0 = datetime.datetime.fromisoformat("2026-01-05T00:00:00+00:00")
want = {(datetime.datetime.fromisoformat(t) - t0).total_seconds() + 60: v for t, v in zip(r["Timestamps"], r["Values"])}
got = {float(x["time_s"]): float(x["value"]) for x in csv.DictReader(open(sys.argv[2]))
       if x["scope"] == "workload" and x["metric"] == "requests"}
assert sorted(got) == sorted(want), (len(got), len(want))
worst = max(abs(got[t] - want[t]) / math.sqrt(max(want[t], 1)) for t in want)
assert worst < 5 + 3, worst
tw, tg = sum(want.values()), sum(got.values())
assert abs(tg - tw) <= 4 * math.sqrt(tw), (tg, tw)
print(f"  total {tg:.0f} against {tw:.0f} ({(tg - tw) / math.sqrt(tw):+.2f} sd), worst minute {worst:.2f} sd")
PY
done

# ECS: a Fargate service's task counts as in timeseries.csv, its CPU a percentage.
"$ELBSIM" run "$(dirname "$0")/../scenarios/examples/ecs_fargate.yaml" --set output.cloudwatch=true \
    -o "$TMP/ecs" -q >/dev/null 2>&1 || ko "ecs_fargate run failed"
python3 - "$TMP/ecs" <<'PY' && ok "ECS: RunningTaskCount and DesiredTaskCount as in timeseries.csv, CPUUtilization within 0-100" || ko "ECS metrics"
import csv, datetime, json, sys
o = sys.argv[1]
res = json.load(open(o + "/cloudwatch/get-metric-data.json"))["MetricDataResults"]
q = json.load(open(o + "/cloudwatch/metric-data-queries.json"))
ser = {}
for row in csv.DictReader(open(o + "/timeseries.csv")):
    ser.setdefault((row["scope"], row["name"], row["metric"]), {})[float(row["time_s"])] = float(row["value"])
t0 = datetime.datetime.fromisoformat("2026-01-05T00:00:00+00:00")
step = float(q[0]["MetricStat"]["Period"])
got = {}
for r, x in zip(res, q):
    m = x["MetricStat"]["Metric"]
    if m["Namespace"] in ("AWS/ECS", "ECS/ContainerInsights"):
        dims = {d["Name"]: d["Value"] for d in m["Dimensions"]}
        assert dims == {"ClusterName": "default", "ServiceName": "api-svc"}, dims
        got[m["MetricName"]] = {(datetime.datetime.fromisoformat(t) - t0).total_seconds() + step: v
                                for t, v in zip(r["Timestamps"], r["Values"])}
assert sorted(got) == ["CPUUtilization", "DesiredTaskCount", "PendingTaskCount", "RunningTaskCount"], sorted(got)
assert got["RunningTaskCount"] == ser[("ecs", "api-svc", "running")]
assert got["DesiredTaskCount"] == ser[("ecs", "api-svc", "desired")]
assert all(0 <= v <= 100 + 1e-9 for v in got["CPUUtilization"].values()) and max(got["CPUUtilization"].values()) > 50
PY

# --- percentiles: TargetResponseTime p50/p90/p99/tm99 against requests.csv ---------------
# CloudWatch's pNN: NN % of the period's values lie below it (rank ceil(NN/100 n)); tmNN:
# the mean of the lowest NN %.  From the period's histogram: within 0.1 % (HIST_REL_ERR).
"$ELBSIM" run "$D/origin.yaml" -o "$TMP/pr" -q --set output.requests=true >/dev/null 2>&1 || ko "origin with requests failed"
python3 - "$TMP/pr" <<'PY' && ok "TargetResponseTime p50, p90, p99, tm99 per period within 0.1 % of the exact statistics of requests.csv" || ko "percentiles against requests.csv"
import csv, datetime, json, math, sys
o = sys.argv[1]
res = json.load(open(o + "/cloudwatch/get-metric-data.json"))["MetricDataResults"]
q = json.load(open(o + "/cloudwatch/metric-data-queries.json"))
t0 = datetime.datetime.fromisoformat("2026-01-05T00:00:00+00:00")
per = {}
for r in csv.DictReader(open(o + "/requests.csv")):
    if r["status"] in ("200", "500") and r["abandoned"] == "0":
        per.setdefault(int(float(r["end_s"]) // 60), []).append(float(r["end_s"]) - float(r["arrive_target_s"]))
worst, seen = 0, set()
for r, x in zip(res, q):
    st = x["MetricStat"]["Stat"]
    if x["MetricStat"]["Metric"]["MetricName"] != "TargetResponseTime" or st == "Average":
        continue
    seen.add((x["MetricStat"]["Metric"]["Dimensions"][0]["Name"], st))
    assert r["Label"].endswith(" TargetResponseTime " + st), r["Label"]
    assert len(r["Values"]) == 60
    for t, v in zip(r["Timestamps"], r["Values"]):
        s = sorted(per[int((datetime.datetime.fromisoformat(t) - t0).total_seconds() // 60)])
        n = len(s)
        if st[0] == "p":
            e = s[max(1, math.ceil(int(st[1:]) / 100 * n * (1 - 1e-12))) - 1]
        else:
            w = 0.99 * n
            e = (sum(s[:int(w)]) + (w - int(w)) * s[int(w)]) / w
        worst = max(worst, abs(v - e) / e)
assert len(seen) == 8, seen
assert worst <= 1 / 1024 + 1e-9, worst
print(f"  worst relative difference {worst:.5f}")
PY

# --- NLB, GWLB, EKS ----------------------------------------------------------------------
"$ELBSIM" run "$(dirname "$0")/data/access_logs/nlb_tls.yaml" --set output.cloudwatch=true --set output.access_logs=false \
    -o "$TMP/nlb" -q >/dev/null 2>&1 || ko "nlb_tls run failed"
"$ELBSIM" run "$(dirname "$0")/../scenarios/examples/gwlb_firewall.yaml" --set output.cloudwatch=true \
    -o "$TMP/gwlb" -q >/dev/null 2>&1 || ko "gwlb_firewall run failed"
"$ELBSIM" run "$(dirname "$0")/../scenarios/examples/eks_hpa_cluster_autoscaler.yaml" --set output.cloudwatch=true \
    -o "$TMP/eks" -q >/dev/null 2>&1 || ko "eks run failed"
python3 - "$TMP" <<'PY' && ok "AWS/NetworkELB, AWS/GatewayELB, ContainerInsights: names, dimensions, and values as the run's own counts" || ko "NLB, GWLB, EKS metrics"
import csv, datetime, json, re, sys
tmp = sys.argv[1]
def load(o):
    res = json.load(open(f"{tmp}/{o}/cloudwatch/get-metric-data.json"))["MetricDataResults"]
    q = json.load(open(f"{tmp}/{o}/cloudwatch/metric-data-queries.json"))
    step = float(q[0]["MetricStat"]["Period"])
    t0 = datetime.datetime.fromisoformat("2026-01-05T00:00:00+00:00")
    out = {}
    for r, x in zip(res, q):
        m = x["MetricStat"]["Metric"]
        dims = {d["Name"]: d["Value"] for d in m["Dimensions"]}
        out[(m["Namespace"], m["MetricName"], x["MetricStat"]["Stat"], tuple(sorted(dims)))] = (dims, {
            (datetime.datetime.fromisoformat(t) - t0).total_seconds() + step: v for t, v in zip(r["Timestamps"], r["Values"])})
    return out
def summary(o):
    return {(r["scope"], r["name"], r["metric"]): float(r["value"]) for r in csv.DictReader(open(f"{tmp}/{o}/summary.csv"))}
def series(o):
    ser = {}
    for r in csv.DictReader(open(f"{tmp}/{o}/timeseries.csv")):
        ser.setdefault((r["scope"], r["name"], r["metric"]), {})[float(r["time_s"])] = float(r["value"])
    return ser
hexid = r"[0-9a-f]{16}"
# NLB: flows opened sum to the LB's flows; ActiveFlowCount in every period.
m, su = load("nlb"), summary("nlb")
dims, nf = m[("AWS/NetworkELB", "NewFlowCount", "Sum", ("LoadBalancer",))]
assert re.fullmatch("net/front/" + hexid, dims["LoadBalancer"]), dims
assert sum(nf.values()) == su[("lb", "front", "flows")]
dims, af = m[("AWS/NetworkELB", "ActiveFlowCount", "Average", ("LoadBalancer",))]
assert len(af) == 12 and max(af.values()) > 0 and min(af.values()) >= 0
# GWLB: gwy/ dimension, flows and bytes as the summary's, appliances' host counts.
m, su = load("gwlb"), summary("gwlb")
dims, nf = m[("AWS/GatewayELB", "NewFlowCount", "Sum", ("LoadBalancer",))]
assert re.fullmatch("gwy/inspect/" + hexid, dims["LoadBalancer"]), dims
assert sum(nf.values()) == su[("lb", "inspect", "flows")]
_, pb = m[("AWS/GatewayELB", "ProcessedBytes", "Sum", ("LoadBalancer",))]
assert abs(sum(pb.values()) / 1e9 - su[("lb", "inspect", "processed_gb")]) < 1e-6
_, af = m[("AWS/GatewayELB", "ActiveFlowCount", "Average", ("LoadBalancer",))]
assert all(v > 0 for v in af.values())
dims, hh = m[("AWS/GatewayELB", "HealthyHostCount", "Average", ("LoadBalancer", "TargetGroup"))]
assert re.fullmatch("targetgroup/firewalls/" + hexid, dims["TargetGroup"]) and dims["LoadBalancer"].startswith("gwy/inspect/")
assert max(hh.values()) == 4
# EKS: Container Insights against the cluster's own series.
m, ser = load("eks"), series("eks")
dims, nodes = m[("ContainerInsights", "cluster_node_count", "Average", ("ClusterName",))]
assert dims == {"ClusterName": "prod"}
want = {t: v + ser[("eks_cluster", "prod", "nodes_draining")][t] for t, v in ser[("eks_cluster", "prod", "nodes_ready")].items()}
assert nodes == want
dims, run = m[("ContainerInsights", "service_number_of_running_pods", "Average", ("ClusterName", "Namespace", "Service"))]
assert dims == {"ClusterName": "prod", "Namespace": "default", "Service": "web"}, dims
d = lambda k: ser[("deployment", "web", k)]
assert run == {t: d("started")[t] + d("ready")[t] + d("terminating")[t] for t in d("ready")}
_, ncpu = m[("ContainerInsights", "node_cpu_utilization", "Average", ("ClusterName",))]
_, pcpu = m[("ContainerInsights", "pod_cpu_utilization", "Average", ("ClusterName", "Namespace", "Service"))]
assert all(0 <= v <= 100 + 1e-9 for v in list(ncpu.values()) + list(pcpu.values()))
assert max(ncpu.values()) > 20 and max(pcpu.values()) > 1
PY

# --- CPU-seconds per request from the written metrics (elbsim calibrate --cloudwatch) ---
# The origin's demand is exp(mean=20ms) on 2-vCPU instances and elbsim's CPU has no idle
# floor: the cost's 95 % interval must hold 20 ms and the floor's 0.
if out=$("$ELBSIM" calibrate --cloudwatch "$C/get-metric-data.json" --requests 'targetgroup/web RequestCount' \
        --cpu 'web-asg CPUUtilization' --instances 'web-asg GroupInServiceInstances' --vcpus 2 \
        -o "$TMP/cpu" 2>&1) &&
   python3 - "$out" <<'PY'; then ok "calibrate --cloudwatch: CPU per request's interval holds the 20 ms demand, the floor's holds 0"; else ko "calibrate --cloudwatch" "$out"; fi
import re, sys
t = sys.argv[1]
lo, hi = map(float, re.search(r"cost .*interval ([-0-9.e]+)-([-0-9.e]+) ms", t).groups())
flo, fhi = map(float, re.search(r"floor .*interval ([-0-9.e]+)-([-0-9.e]+)\)", t).groups())
assert lo <= 20 <= hi and hi - lo < 4, (lo, hi)
assert flo <= 0 <= fhi, (flo, fhi)
print("  " + t.splitlines()[1].strip())
PY
out=$("$ELBSIM" calibrate --cloudwatch "$C/get-metric-data.json" --requests m1 --cpu m12 -o "$TMP/cpu2" 2>&1)
rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q -- "--vcpus" && [ ! -e "$TMP/cpu2" ]; then ok "--cloudwatch without --vcpus: exit 2"; else ko "no --vcpus (exit $rc)" "$out"; fi
out=$("$ELBSIM" calibrate --cloudwatch "$C/get-metric-data.json" --requests nothing --cpu m12 --vcpus 2 -o "$TMP/cpu3" 2>&1)
rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "no MetricDataResults entry has Id or Label 'nothing'" && [ ! -e "$TMP/cpu3" ]; then ok "--cloudwatch with an unknown series: exit 2"; else ko "unknown series (exit $rc)" "$out"; fi

new_crashes && ko "elbsim crashed after the last check"
echo "e2e cloudwatch: $pass passed, $fail failed"
[ $fail -eq 0 ]
