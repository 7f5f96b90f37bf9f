#!/usr/bin/env bash
# End-to-end tests of the access logs: `output.access_logs: true` writes AWS's ALB format,
# named and split as AWS delivers it, and `alb_log()` reads it back as the same requests
# (times, paths, target processing times); malformed, truncated and reordered logs.
# Usage: tests/e2e_access_logs.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-alog-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
watch_crashes
D=$(cd "$(dirname "$0")" && pwd)/data/access_logs
echo "e2e access logs: $ELBSIM"

# --- out ------------------------------------------------------------------------------
"$ELBSIM" run "$D/origin.yaml" -o "$TMP/o" -q >/dev/null 2>&1 || ko "origin run failed"
L=$TMP/o/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/01/05
re='^123456789012_elasticloadbalancing_us-east-1_app\.front\.[0-9a-f]{16}_20260105T00(05|10|15)Z_10\.0\.[01]\.10_[a-z0-9]{8}\.log\.gz$'
names=$(ls "$L" 2>/dev/null)
# 12 minutes: windows ending 00:05, 00:10, 00:15, one file per node (2 zones) each.
if [ "$(echo "$names" | grep -Ec "$re")" = 6 ] && [ "$(echo "$names" | wc -l)" = 6 ]; then
    ok "one gzip file per LB node per 5 minutes, named as AWS names them"
else
    ko "file names" "$names"
fi
if gzip -t "$L"/*.gz 2>/dev/null; then ok "the files are valid gzip"; else ko "gzip -t"; fi
python3 - "$L" "$TMP/o/requests.csv" <<'PY' && ok "every entry has AWS's 30 fields, truthful against requests.csv" || ko "entries against requests.csv"
import csv, glob, gzip, re, sys, datetime
files = sorted(glob.glob(sys.argv[1] + "/*.gz"))
tok = re.compile(r'"(?:[^"\\]|\\.)*"|[^ ]+')
ent = []
for f in files:
    end = datetime.datetime.strptime(f.split("_")[-3], "%Y%m%dT%H%MZ").replace(tzinfo=datetime.timezone.utc)
    for line in gzip.open(f, "rt"):
        fl = tok.findall(line.rstrip("\n"))
        assert len(fl) == 30, (len(fl), line)
        t = datetime.datetime.strptime(fl[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        assert end - datetime.timedelta(minutes=5) <= t < end, (f, fl[1])  # in its file's window
        assert fl[0] == "http" and fl[2].startswith("app/front/"), fl[:3]
        assert fl[13] == '"-"' and fl[14] == "-" and fl[15] == "-"          # user agent, ssl
        assert fl[16].startswith("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/")
        assert fl[22] == '"forward"' and fl[25].strip("\"") == fl[4] and fl[26].strip("\"") == fl[9]
        ent.append(fl)
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(ent) == len(rows), (len(ent), len(rows))
epoch = datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone.utc)
def secs(s):
    return (datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc) - epoch).total_seconds()
by = sorted(ent, key=lambda f: (secs(f[21]), f[12]))
# The log's times are to the microsecond: two requests sent within one (one pair in a run
# of this size, now and then) are ordered by their request lines, as the entries are.
rows.sort(key=lambda r: (round(float(r["sent_s"]) * 1e6), r["path"]))
for f, r in zip(by, rows):
    assert abs(secs(f[21]) - float(r["sent_s"])) < 1.5e-6, (f[21], r["sent_s"])
    assert abs(secs(f[1]) - float(r["end_s"])) < 1.5e-6
    assert f[12].split()[1].endswith(r["path"]) and int(f[8]) == int(r["status"])
    assert abs(float(f[6]) - (float(r["end_s"]) - float(r["arrive_target_s"]))) < 0.0015
    assert int(f[10]) == int(r["request_bytes"]) and int(f[11]) == int(r["response_bytes"])
    assert f[20] == ("1" if r["path"].startswith("/api/") else "0")   # rule priority
PY

# Same seed, same bytes; zero files when off.
"$ELBSIM" run "$D/origin.yaml" -o "$TMP/o2" -q >/dev/null 2>&1
if diff -r "$TMP/o/AWSLogs" "$TMP/o2/AWSLogs" >/dev/null; then ok "byte-identical logs for the same seed"; else ko "logs differ between two runs"; fi
"$ELBSIM" run "$D/origin.yaml" -o "$TMP/off" -q --set output.access_logs=false >/dev/null 2>&1
if [ ! -e "$TMP/off/AWSLogs" ]; then ok "no AWSLogs folder when off"; else ko "AWSLogs written when off"; fi

# --- out: NLB TLS connection logs --------------------------------------------------------
# AWS writes NLB access logs only for TLS listeners: one entry per connection when it
# closes, 22 fields, one gzip file per node per 5 minutes.
"$ELBSIM" run "$D/nlb_tls.yaml" -o "$TMP/nlb" -q >/dev/null 2>&1 || ko "nlb_tls run failed"
N=$TMP/nlb/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/01/05
re='^123456789012_elasticloadbalancing_us-east-1_net\.front\.[0-9a-f]{16}_20260105T00(05|10|15)Z_[a-z0-9]{8}\.log\.gz$'
names=$(ls "$N" 2>/dev/null)
# 12 minutes: windows ending 00:05, 00:10, 00:15, one file per node (2 zones) each.
if [ "$(echo "$names" | grep -Ec "$re")" = 6 ] && [ "$(echo "$names" | wc -l)" = 6 ] && gzip -t "$N"/*.gz 2>/dev/null; then
    ok "NLB TLS: one gzip file per node per 5 minutes, named as AWS names them"
else
    ko "NLB file names" "$names"
fi
python3 - "$N" "$TMP/nlb/summary.csv" <<'PY' && ok "NLB TLS: each entry has AWS's 22 fields, one per closed connection, bytes and times truthful" || ko "NLB entries"
import csv, datetime, glob, gzip, sys
flows = [float(r["value"]) for r in csv.DictReader(open(sys.argv[2]))
         if r["scope"] == "lb" and r["name"] == "front" and r["metric"] == "flows"][0]
iso = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
n = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.gz")):
    end = datetime.datetime.strptime(f.split("_")[-2], "%Y%m%dT%H%MZ").replace(tzinfo=datetime.timezone.utc)
    for line in gzip.open(f, "rt"):
        fl = line.rstrip("\n").split(" ")
        assert len(fl) == 22, (len(fl), line)
        assert fl[0:2] == ["tls", "2.0"] and fl[3].startswith("net/front/") and len(fl[4]) == 16
        t, c = iso(fl[2]), iso(fl[21])
        assert end - datetime.timedelta(minutes=5) <= t < end, (f, fl[2])
        assert fl[6].endswith(":8443") and fl[6].startswith("10.0.")
        # connection_time: closure - creation, in whole ms (times are whole seconds).
        assert abs(int(fl[7]) / 1000 - (t - c).total_seconds()) <= 1.001, line
        assert fl[8] == "-" and fl[11:17] == ["-"] * 6 and fl[17] == "api.example.com"
        assert fl[18:21] == ["-", "-", "-"]
        # 5 requests of 1 KB in and 4 KB out (the defaults) per connection, at most.
        assert 0 < int(fl[9]) <= 5000 and 0 <= int(fl[10]) <= 20000, line
        n += 1
# Every connection but those still open at the end (about rate x 5 s) closed.
assert flows - 200 <= n <= flows, (n, flows)
print(f"  {n} entries for {flows:.0f} connections")
PY
sed 's/protocol: TLS/protocol: TCP/' "$D/nlb_tls.yaml" > "$TMP/nlb_tcp.yaml"
"$ELBSIM" run "$TMP/nlb_tcp.yaml" -o "$TMP/tcp" -q >/dev/null 2>&1 || ko "nlb tcp run failed"
if [ -e "$TMP/tcp/summary.csv" ] && [ -z "$(find "$TMP/tcp" -name '*.log*')" ]; then
    ok "NLB with a TCP listener: no access logs"
else ko "TCP NLB wrote logs"; fi
sed 's/, port: 8443//' "$D/nlb_tls.yaml" > "$TMP/nlb_noport.yaml"
"$ELBSIM" run "$TMP/nlb_noport.yaml" --set duration=1m -o "$TMP/noport" -q >/dev/null 2>&1
first=$(find "$TMP/noport/AWSLogs" -name '*.gz' | head -1)
if [ -n "$first" ] && zcat "$first" | head -1 | awk '{exit !($7 ~ /^10\.0\.[01]\.10:443$/)}'; then
    ok "NLB TLS: a listener without a port is 443 in destination:port"
else ko "TLS default port"; fi
"$ELBSIM" run "$D/nlb_tls.yaml" -o "$TMP/nlb2" -q >/dev/null 2>&1
if diff -r "$TMP/nlb/AWSLogs" "$TMP/nlb2/AWSLogs" >/dev/null; then ok "NLB TLS: same seed, same bytes"; else ko "NLB logs not reproducible"; fi

# --- in: the round trip ----------------------------------------------------------------
replay() { # replay NAME ARRIVALS [--set ...]: a run of the origin with alb_log arrivals
    local name=$1 arr=$2; shift 2
    "$ELBSIM" run "$D/origin.yaml" -o "$TMP/$name" -q --set output.access_logs=false \
        --set "workloads.users.arrivals=$arr" "$@" 2>&1
}
out=$(replay r "alb_log(path=$TMP/o/AWSLogs, start=2026-01-05T00:00:00Z, demand=target_processing_time)")
rc=$?
python3 - "$TMP/o/requests.csv" "$TMP/r/requests.csv" <<'PY' && [ $rc = 0 ] && ok "round trip: the logs read back give the same requests (time, path, processing time)" || ko "round trip (exit $rc)" "$out"
import csv, sys
# Ordered as the log orders them: to the microsecond, then by path.
def key(r):
    return (round(float(r["sent_s"]) * 1e6), r["path"])
a = sorted(csv.DictReader(open(sys.argv[1])), key=key)
b = sorted(csv.DictReader(open(sys.argv[2])), key=key)
assert len(a) == len(b), (len(a), len(b))
for x, y in zip(a, b):
    assert abs(float(x["sent_s"]) - float(y["sent_s"])) < 1.5e-6, (x["sent_s"], y["sent_s"])
    assert x["path"] == y["path"]
    tp = float(x["end_s"]) - float(x["arrive_target_s"])
    assert abs(float(y["demand_s"]) - tp) < 0.0006, (y["demand_s"], tp)
PY
# One file, plain (gunzipped), and entries out of order: the same arrivals.
one=$(ls "$L"/*.gz | head -1)
zcat "$one" | tac > "$TMP/one.log"
replay p1 "alb_log(path=$TMP/one.log)" >/dev/null
zcat "$one" > "$TMP/sorted.log"
replay p2 "alb_log(path=$TMP/sorted.log)" >/dev/null
if [ -s "$TMP/p1/summary.csv" ] && cmp -s "$TMP/p1/summary.csv" "$TMP/p2/summary.csv"; then
    ok "a plain file, and its lines reversed, replay the same"
else ko "plain/reordered"; fi

# --- in: bad input --------------------------------------------------------------------
{ zcat "$one" | head -200; echo 'http not-a-time app/x/1 1.2.3.4:5 - -1 -1 -1 503 - 0 0 "- - - " "-" - - - "-" "-" "-" - 2026-01-05T00:00:00Z "forward" "-" "-" "-" "-" "-" "-"'; echo 'garbage'; } > "$TMP/bad.log"
out=$(replay bad "alb_log(path=$TMP/bad.log)"); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "bad.log:201: warning: malformed ALB access-log line skipped: time 'not-a-time' is not an ISO 8601 time (field 2)" \
   && echo "$out" | grep -q "bad.log:202: warning: .*1 fields, expected at least 22" \
   && echo "$out" | grep -q "2 of the 202 lines .* are malformed, more than max_bad=0.001" && [ ! -e "$TMP/bad" ]; then
    ok "malformed lines: each reported with file:line, over max_bad is exit 2, nothing written"
else ko "malformed (exit $rc)" "$out"; fi
out=$(replay bad2 "alb_log(path=$TMP/bad.log, max_bad=0.01)"); rc=$?
if [ $rc = 0 ] && echo "$out" | grep -q "bad.log:202: warning"; then ok "max_bad=0.01 lets 2 bad lines in 202 pass, still reported"; else ko "max_bad (exit $rc)" "$out"; fi
head -c 3000 "$one" > "$TMP/trunc.log.gz"
out=$(replay trunc "alb_log(path=$TMP/trunc.log.gz)"); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "trunc.log.gz: .*truncated or corrupt gzip" && [ ! -e "$TMP/trunc" ]; then ok "a truncated gzip file is an error"; else ko "truncated gzip (exit $rc)" "$out"; fi
zcat "$one" | head -c 1500 > "$TMP/cut.log"
out=$(replay cut "alb_log(path=$TMP/cut.log, max_bad=0.5)"); rc=$?
if [ $rc = 0 ] && echo "$out" | grep -q "cut.log:[0-9]*: warning"; then ok "a file cut mid-line: the last line reported, the rest read"; else ko "cut mid-line (exit $rc)" "$out"; fi
mkdir -p "$TMP/empty"
out=$(replay empty "alb_log(path=$TMP/empty)"); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "holds no .log or .log.gz file"; then ok "an empty folder is an error"; else ko "empty folder (exit $rc)" "$out"; fi
out=$(replay dem "alb_log(path=$TMP/one.log, demand=cpu)"); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "demand 'cpu': expected none or target_processing_time"; then ok "a bad demand= is an error"; else ko "demand= (exit $rc)" "$out"; fi
out=$(replay late "alb_log(path=$TMP/one.log, start=2027-01-01T00:00:00Z)"); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "comes before start="; then ok "start after every entry is an error"; else ko "late start (exit $rc)" "$out"; fi

# A TLS NLB's idle timeout is fixed at 350 s: another value is an error at its place, the
# fixed one (as the resolved scenario.yaml writes it) is accepted.
TLS=tests/data/access_logs/nlb_tls.yaml
out=$("$ELBSIM" validate "$TLS" --set load_balancers.0.idle_timeout=100s 2>&1); rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q "^--set:1:[0-9]*: error: the idle timeout of a TLS nlb listener is fixed at 350s"; then
    ok "a TLS NLB's idle timeout other than 350 s is an error"
else ko "TLS idle timeout (exit $rc)" "$out"; fi
"$ELBSIM" validate "$TLS" --set load_balancers.0.idle_timeout=350s >/dev/null 2>&1 &&
    ok "a TLS NLB's idle timeout of 350 s is accepted (the resolved scenario runs again)" ||
    ko "a TLS NLB's idle timeout of 350 s is refused"

new_crashes && ko "elbsim crashed after the last check"
echo "e2e access logs: $pass passed, $fail failed"
[ $fail -eq 0 ]
