#!/usr/bin/env bash
# End-to-end tests of the decision trace (`elbsim run --trace`, trace.csv) and of
# `elbsim explain`: the recorded views agree with what each algorithm must have done, the
# trace changes no other output, and the narration says what the rows say.
# Usage: tests/e2e_trace.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-trace-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
watch_crashes
SC=tests/data/e2e_trace.yaml
echo "e2e trace: $ELBSIM"

run() { "$ELBSIM" run "$@" -q; }

# ---- least outstanding requests: the chosen member has the lowest count it saw ----
run $SC -o "$TMP/lor" --trace 400
n=$(awk -F, '$4 == "route"' "$TMP/lor/trace.csv" | wc -l)
bad=$(awk -F, '$4 == "view" {
        split($8, items, " "); min = 1e18; mine = -1
        for (i in items) { k = split(items[i], kv, ":"); v = kv[k] + 0
            name = substr(items[i], 1, length(items[i]) - length(kv[k]) - 1)
            if (v < min) min = v; if (name == $6) mine = v }
        if (mine != min) print }' "$TMP/lor/trace.csv")
if [ "$n" -ge 400 ] && [ -z "$bad" ]; then
    ok "least_outstanding_requests: every traced choice ($n) has the lowest count in its view"
else
    ko "LOR views: $n routes" "$(echo "$bad" | head -3)"
fi
# Counts differ somewhere (else the check above proves nothing).
if awk -F, '$4 == "view" && $8 ~ /:[1-9]/ {f = 1} END {exit !f}' "$TMP/lor/trace.csv"; then
    ok "the LOR views hold non-zero counts"
else
    ko "every LOR view was all zeros"
fi

# ---- determinism: same seed, same bytes; tracing changes no other output ----
run $SC -o "$TMP/lor2" --trace 400
cmp -s "$TMP/lor/trace.csv" "$TMP/lor2/trace.csv" && ok "same seed: byte-identical trace.csv" ||
    ko "trace.csv differs between two runs with the same seed"
run $SC -o "$TMP/plain"
diffs=""
for f in "$TMP/plain"/*.csv; do
    cmp -s "$f" "$TMP/lor/$(basename "$f")" || diffs="$diffs $(basename "$f")"
done
[ ! -e "$TMP/plain/trace.csv" ] || diffs="$diffs (trace.csv without --trace)"
[ -z "$diffs" ] && ok "--trace changes no other CSV (and no trace.csv without it)" ||
    ko "outputs differ with --trace:$diffs"
run $SC -o "$TMP/sample" --trace 'sample=0.3,first=50'
diffs=""
for f in "$TMP/plain"/*.csv; do
    cmp -s "$f" "$TMP/sample/$(basename "$f")" || diffs="$diffs $(basename "$f")"
done
first=$(awk -F, '$4 == "arrive" && $2 == 0 {print $1; exit}' "$TMP/sample/trace.csv")
narr=$(awk -F, '$4 == "arrive" && $2 == 0' "$TMP/sample/trace.csv" | wc -l)
if [ -z "$diffs" ] && [ "$narr" -eq 50 ] && [ "$first" -gt 1 ]; then
    ok "sample=0.3 draws its own stream: 50 sampled requests, other CSVs unchanged"
else
    ko "sample: diffs '$diffs', $narr requests, first $first"
fi

# ---- wait = service start - arrival at the target; response after the send ----
bad=$(awk -F, '$4 == "target" && $6 == "accepted" {arr[$1] = $3}
    $4 == "start" { w = $3 - arr[$1]; if (w - $7 > 2e-6 || $7 - w > 2e-6) print }' \
    "$TMP/lor/trace.csv")
[ -z "$bad" ] && ok "start rows: wait = service start - arrival at the target" ||
    ko "wait mismatch" "$(echo "$bad" | head -3)"

# ---- retries and timeouts: a timed-out attempt names its retry, which is traced ----
retry=$(awk -F, '$4 == "retry" {print $1 " " $6; exit}' "$TMP/lor/trace.csv")
if [ -n "$retry" ]; then
    set -- $retry
    if awk -F, -v o="$1" '$1 == o && $4 == "timeout" {f = 1} END {exit !f}' "$TMP/lor/trace.csv" &&
        awk -F, -v r="$2" '$1 == r && $2 == 1 && $4 == "arrive" && $6 == "retry" {f = 1}
            END {exit !f}' "$TMP/lor/trace.csv"; then
        ok "a timeout, then its retry traced as request $2 (attempt 1)"
    else
        ko "retry $retry: no timeout row before it or no traced retry"
    fi
    out=$("$ELBSIM" explain "$TMP/lor" --request "$2")
    echo "$out" | grep -q "attempt 2, retrying request $1" &&
        ok "explain names the attempt a retry repeats" || ko "explain retry" "$out"
else
    ko "no retry in the traced requests"
fi

# ---- explain: the narration says what the rows say ----
id=$(awk -F, '$4 == "view" && $8 ~ /:[1-9]/ {print $1; exit}' "$TMP/lor/trace.csv")
chosen=$(awk -F, -v i="$id" '$1 == i && $4 == "route" {print $6; exit}' "$TMP/lor/trace.csv")
view=$(awk -F, -v i="$id" '$1 == i && $4 == "view" {gsub(/:/, ": ", $8); gsub(/ /, ", ", $8);
    gsub(/:,/, ":", $8); print $8; exit}' "$TMP/lor/trace.csv")
status=$(awk -F, -v i="$id" '$1 == i && $4 == "response" {print $6; exit}' "$TMP/lor/trace.csv")
t=$(awk -F, -v i="$id" '$1 == i && $4 == "arrive" {printf "%.3f", $3; exit}' "$TMP/lor/trace.csv")
out=$("$ELBSIM" explain "$TMP/lor" --request "$id")
if echo "$out" | grep -qF "request $id (t = $t s)" &&
    echo "$out" | grep -qF "least outstanding requests saw $view and chose $chosen" &&
    echo "$out" | grep -qF "; $status after"; then
    ok "explain --request $id: its time, the view, the choice and the status"
else
    ko "explain --request $id (wanted saw $view, chose $chosen, $status)" "$out"
fi
lines=$("$ELBSIM" explain "$TMP/lor" | wc -l)
reqs=$(awk -F, 'NR > 1 {print $1}' "$TMP/lor/trace.csv" | sort -u | wc -l)
[ "$lines" -eq "$reqs" ] && ok "explain DIR: one narration per traced request ($reqs)" ||
    ko "explain DIR: $lines lines for $reqs requests"

# ---- round robin: each node's cursor advances by one per decision ----
run $SC -o "$TMP/rr" --trace 300 --set target_groups.app.algorithm=round_robin \
    --set workloads.users.timeout=0s
bad=$(awk -F, '$4 == "route" { split($8, d, ";"); z = ""; c = -1; n = 0
        for (i in d) { split(d[i], kv, "="); if (kv[1] == "zone") z = kv[2]
            if (kv[1] == "cursor") c = kv[2] + 0; if (kv[1] == "eligible") n = kv[2] + 0 }
        if (z in last && c != (last[z] + 1) % n) print; last[z] = c; seen++ }
    END { if (seen < 300) print "only " seen " routes" }' "$TMP/rr/trace.csv")
[ -z "$bad" ] && ok "round_robin: each node's cursor advances by one per decision" ||
    ko "RR cursor" "$(echo "$bad" | head -3)"
out=$("$ELBSIM" explain "$TMP/rr" --request 3)
echo "$out" | grep -Eq "round robin \(node [ab]'s cursor at position [0-9]+ of 4\) chose app/[0-3]" &&
    ok "explain: round robin's cursor" || ko "explain RR" "$out"

# ---- power of d: the chosen is the less loaded of the sampled ----
run $SC -o "$TMP/p2" --trace 400 --set 'target_groups.app.algorithm=power_of_d(d=2)'
bad=$(awk -F, '$4 == "view" { k = split($8, items, " "); min = 1e18; mine = -1
        if (k != 2) { print "sampled " k; next }
        for (i = 1; i <= k; i++) { m = split(items[i], kv, ":"); v = kv[m] + 0
            name = substr(items[i], 1, length(items[i]) - length(kv[m]) - 1)
            if (v < min) min = v; if (name == $6) mine = v }
        if (mine != min) print }' "$TMP/p2/trace.csv")
nv=$(awk -F, '$4 == "view"' "$TMP/p2/trace.csv" | wc -l)
[ -z "$bad" ] && [ "$nv" -ge 400 ] && ok "power_of_d: two sampled per pick, the chosen the less loaded ($nv)" ||
    ko "power_of_d" "$(echo "$bad" | head -3)"
"$ELBSIM" explain "$TMP/p2" --request 2 | grep -q "power of d choices sampled app/[0-3]: [0-9]*, app/[0-3]: [0-9]* (requests in flight from this node) and chose" &&
    ok "explain: power of d's samples" || ko "explain p2d" "$("$ELBSIM" explain "$TMP/p2" --request 2)"

# ---- weighted random and random ----
run $SC -o "$TMP/wr" --trace 20 --set target_groups.app.algorithm=weighted_random
"$ELBSIM" explain "$TMP/wr" --request 1 | grep -q "weighted random drew with weights app/0: 1, app/1: 1, app/2: 1, app/3: 1 and chose app/" &&
    ok "explain: weighted random's weights" || ko "explain wrand" "$("$ELBSIM" explain "$TMP/wr" --request 1)"
run $SC -o "$TMP/rnd" --trace 20 --set target_groups.app.algorithm=random
"$ELBSIM" explain "$TMP/rnd" --request 1 | grep -q "random picked app/[0-3] uniformly among 4 eligible targets" &&
    ok "explain: random" || ko "explain random" "$("$ELBSIM" explain "$TMP/rnd" --request 1)"

# ---- CLB ----
sed -e 's/type: alb/type: clb/' -e '/- rules:/d' -e '/- { .*forward: app }$/d' \
    -e 's/^    listeners:$/    listeners: [ { forward: app } ]/' $SC >"$TMP/clb.yaml"
run "$TMP/clb.yaml" -o "$TMP/clb" --trace 20
"$ELBSIM" explain "$TMP/clb" --request 1 | grep -q "reached CLB front's node in zone" &&
    ok "explain: a classic load balancer" || ko "explain CLB" "$("$ELBSIM" explain "$TMP/clb" --request 1)"

# ---- NLB: a flow misses the table once, then hits on the same target ----
run scenarios/examples/nlb_long_connections.yaml -o "$TMP/nlb" --trace 300 --set duration=120s
bad=$(awk -F, '$4 == "flow" { split($8, d, ";"); split(d[1], f, "="); fl = f[2]
        split(d[3], tt, "="); if ($6 == "miss") { if (fl in seen) print "miss again " $0; seen[fl] = 1 }
        else if ($6 == "hit") { if (!(fl in seen)) print "hit first " $0; hits++ } }
    $4 == "route" { } END { if (hits < 1) print "no hit" }' "$TMP/nlb/trace.csv")
same=$(awk -F, '$4 == "flow" && $6 == "miss" { split($8, d, ";"); split(d[1], f, "="); m[$1] = f[2] }
    $4 == "route" && ($1 in m) { tgt[m[$1]] = $6 }
    $4 == "flow" && $6 == "hit" { split($8, d, ";"); split(d[1], f, "="); split(d[3], t, "=")
        if ((f[2] in tgt) && tgt[f[2]] != t[2]) print "flow " f[2] " moved" }' "$TMP/nlb/trace.csv")
[ -z "$bad" ] && [ -z "$same" ] && ok "NLB: each flow misses once, then hits on the target it got" ||
    ko "NLB flow table" "$bad $same"
out=$("$ELBSIM" explain "$TMP/nlb")
echo "$out" | grep -q "(miss): a new flow; round robin" && echo "$out" | grep -q "(hit): it stays on web/" &&
    ok "explain: the NLB flow table's miss and hit" || ko "explain NLB" "$(echo "$out" | head -3)"

# ---- GWLB: the flow hash and the appliance passes ----
run scenarios/examples/gwlb_firewall.yaml -o "$TMP/gw" --trace 10 --set duration=30s
out=$("$ELBSIM" explain "$TMP/gw" --request 1)
echo "$out" | grep -Eq "the flow hash of the flow's key 0x[0-9a-f]{16} over [0-9]+ eligible targets chose" &&
    echo "$out" | grep -q "(forward pass)" && echo "$out" | grep -q "(return pass)" &&
    ok "explain: GWLB flow hash and both appliance passes" || ko "explain GWLB" "$out"

# ---- selectors: workload and window; the scenario's output.trace and its round trip ----
run $SC -o "$TMP/sel" --trace 'workload=bots,from=2s,to=4s'
bad=$(awk -F, '$4 == "arrive" && ($5 != "bots" || $3 < 2 || $3 >= 4)' "$TMP/sel/trace.csv")
n=$(awk -F, '$4 == "arrive"' "$TMP/sel/trace.csv" | wc -l)
[ -z "$bad" ] && [ "$n" -gt 10 ] && ok "workload=bots,from=2s,to=4s: only bots in [2 s, 4 s) ($n)" ||
    ko "selector" "$n $bad"
sed 's/^output: .*/output: { interval: 1s, requests: true, trace: { workload: bots, from: 2s, to: 4s } }/' \
    $SC >"$TMP/sc_trace.yaml"
run "$TMP/sc_trace.yaml" -o "$TMP/sel2"
cmp -s "$TMP/sel/trace.csv" "$TMP/sel2/trace.csv" && ok "output.trace as a mapping = --trace" ||
    ko "output.trace mapping differs from --trace"
run "$TMP/sel2/scenario.yaml" -o "$TMP/sel3"
grep -q 'trace: "first=1000,workload=bots,from=2s,to=4s"' "$TMP/sel2/scenario.yaml" &&
    cmp -s "$TMP/sel/trace.csv" "$TMP/sel3/trace.csv" &&
    ok "the resolved scenario.yaml keeps the selector and traces the same" ||
    ko "resolved scenario round trip" "$(grep trace "$TMP/sel2/scenario.yaml")"

# ---- bad input ----
expect() { # NAME CODE PATTERN -- ARGS
    local name=$1 code=$2 pat=$3; shift 4
    local out rc; out=$("$ELBSIM" "$@" 2>&1); rc=$?
    if [ $rc -eq "$code" ] && echo "$out" | grep -Eq -- "$pat"; then ok "$name"
    else ko "$name: exit $rc, wanted $code" "$out"; fi
}
expect "--trace 0" 2 "whole number >= 1, got '0'" -- run $SC -q -o "$TMP/e1" --trace 0
expect "--trace unknown key" 2 "unknown key 'frist'" -- run $SC -q -o "$TMP/e2" --trace frist=3
expect "--trace sample=2" 2 "probability in \(0, 1\], got '2'" -- run $SC -q -o "$TMP/e3" --trace sample=2
expect "--trace empty window" 2 "window is empty" -- run $SC -q -o "$TMP/e4" --trace from=5s,to=1s
expect "--trace unknown workload" 2 "unknown workload 'nobody'; expected one of: users, bots" -- \
    run $SC -q -o "$TMP/e5" --trace workload=nobody
sed 's/^output: .*/output: { interval: 1s, trace: "first=x" }/' $SC >"$TMP/bad_trace.yaml"
expect "output.trace bad value" 2 "bad_trace.yaml:[0-9]+:[0-9]+: error: trace: first must be a whole number" -- \
    run "$TMP/bad_trace.yaml" -q -o "$TMP/e6"
left=$(ls -d "$TMP"/e[1-6] 2>/dev/null)
[ -z "$left" ] && ok "bad selectors leave no output folder" || ko "left behind: $left"
expect "explain: no folder" 1 "cannot open '$TMP/none'" -- explain "$TMP/none"
expect "explain: no trace.csv" 1 "has no trace.csv" -- explain "$TMP/plain"
expect "explain: unknown request" 2 "request 999999 is not in" -- explain "$TMP/lor" --request 999999
expect "explain: bad id" 2 "--request takes a request id" -- explain "$TMP/lor" --request x
printf 'a,b\n1,2\n' >"$TMP/plain/trace.csv"
expect "explain: not a trace" 2 "trace.csv:1:.*not a decision trace" -- explain "$TMP/plain"
"$ELBSIM" --help | grep -q "^  explain " && ok "explain is in elbsim --help" || ko "explain not in --help"

# report.html of a traced run narrates every traced request, as explain does.
if command -v gnuplot >/dev/null 2>&1; then
    out=$("$ELBSIM" report "$TMP/lor" 2>&1); rc=$?
    want=$("$ELBSIM" explain "$TMP/lor" 2>/dev/null | wc -l)
    got=$(sed -n '/<section id="narration"/,/<\/section>/p' "$TMP/lor/report.html" 2>/dev/null | grep -c '^<li>request ')
    if [ $rc -eq 0 ] && [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then
        ok "report.html narrates the $got traced requests"
    else
        ko "report.html narrates the traced requests (exit $rc, $got of $want)" "$out"
    fi
fi

new_crashes && ko "elbsim crashed after the last check"
echo
echo "e2e trace: $pass passed, $fail failed"
[ $fail -eq 0 ]
