#!/usr/bin/env bash
# End-to-end tests of elbsim's bounds (docs/robustness.md, issue 19): error messages quote a
# bounded excerpt of a bad value; huge CSV fields are refused fast; a --set error brings no
# follow-on errors; runs too large to finish are refused before they start; numbers at the
# edge give a clear error or a run that does what it says.  Inputs are generated small.
# Usage: tests/e2e_bounds.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-bounds-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# A crash fails the checks (watch_crashes, ok, ko: tests/e2e_lib.sh).
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"

echo "e2e bounds: $ELBSIM"
watch_crashes
BASE=scenarios/examples/gwlb_firewall.yaml

# bounded NAME EXIT MAXBYTES MAXSECONDS PATTERN -- ARGS...: `elbsim ARGS` exits EXIT within
# MAXSECONDS, prints at most MAXBYTES of stderr matching PATTERN, and writes no folder.
bounded() {
    local name=$1 code=$2 max=$3 secs=$4 pat=$5
    shift 5
    [ "$1" = -- ] && shift
    local t0 t1 rc bytes
    t0=$(date +%s%N)
    timeout 60 "$ELBSIM" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    t1=$(date +%s%N)
    bytes=$(wc -c <"$TMP/err")
    local ms=$(((t1 - t0) / 1000000))
    if [ $rc -ne "$code" ]; then ko "$name: exit $rc, wanted $code" "$(head -c 600 "$TMP/err")"; return; fi
    if [ "$bytes" -gt "$max" ]; then ko "$name: $bytes bytes of stderr (at most $max)"; return; fi
    if [ $ms -gt $((secs * 1000)) ]; then ko "$name: $ms ms (at most $secs s)"; return; fi
    if ! grep -Eq -- "$pat" "$TMP/err"; then ko "$name: message" "$(head -c 600 "$TMP/err")"; return; fi
    ok "$name ($bytes bytes of stderr, $ms ms)"
}

# --- a 1 MB bad value is quoted as a bounded excerpt ---
head -c 1000000 /dev/zero | tr '\0' 9 >"$TMP/v1m"
awk 'NR == FNR { v = $0; next } /^duration:/ { print "duration: " v; next } { print }' \
    "$TMP/v1m" "$BASE" >"$TMP/big.yaml"
bounded yaml_1mb_scalar 2 2000 10 "big.yaml:[0-9]+:[0-9]+: error: bad value '9{100,}\.\.\.' \(1000000 bytes\) for duration" \
    -- validate "$TMP/big.yaml"
head -c 300000 "$TMP/v1m" | sed 's/99/a /g' >"$TMP/v300k"
awk 'NR == FNR { v = $0; next } /^duration:/ { print "duration: \"" v "\""; next } { print }' \
    "$TMP/v300k" "$BASE" >"$TMP/big2.yaml"
bounded yaml_quoted_long_text 2 2000 10 "error: bad value 'a a a.*\.\.\.' \(300000 bytes\)" -- validate "$TMP/big2.yaml"
# a long distribution text: the echoed line is a window around the place
long=$(printf 'x%.0s' $(seq 1 5000))
bounded dist_text_window 2 2000 10 "unknown distribution" -- sample "$long(a=1)" -n 1

# --- a 1 MB CSV field is refused fast, with a bounded excerpt ---
{ echo time_s; head -c 1000000 "$TMP/v1m"; echo; echo 2; } >"$TMP/trace_field.csv"
bounded trace_csv_1mb_field 2 2000 5 "trace_field.csv:2:1: error: time_s '1?9{60,}\.\.\.'" \
    -- validate "$BASE" --set "workloads.0.arrivals=trace($TMP/trace_field.csv)"
{ echo time_s; echo 0.5; head -c 1100000 /dev/zero | tr '\0' x; echo; } >"$TMP/trace_line.csv"
bounded trace_csv_line_past_1mb 2 2000 5 "trace_line.csv:3:[0-9]+: error: the line is longer than 1048576 bytes" \
    -- validate "$BASE" --set "workloads.0.arrivals=trace($TMP/trace_line.csv)"
{ echo hour,rate; printf '0,'; head -c 1000000 "$TMP/v1m"; echo; } >"$TMP/rates_field.csv"
bounded diurnal_csv_1mb_field 2 2000 5 "rates_field.csv:2:3: error: .*'9{60,}\.\.\.'" \
    -- validate "$BASE" --set "workloads.0.arrivals=diurnal(file=$TMP/rates_field.csv)"
{ echo time_s,load; printf '0,'; head -c 1000000 "$TMP/v1m"; echo; } >"$TMP/hist_field.csv"
bounded forecast_csv_1mb_field 2 2000 5 "hist_field.csv:2:3: error: .*'9{60,}\.\.\.'" \
    -- forecast "$TMP/hist_field.csv" -o "$TMP/fc"
[ -e "$TMP/fc" ] && ko "forecast: output left behind"

# --- a --set error brings no follow-on errors at the file ---
for s in "workloads=3" "duration=-1s" "load_balancers.0.type=foo" "load_balancers.0.zones=x" \
    "load_balancers.0.listeners=3" "duration=$(head -c 100000 "$TMP/v1m")"; do
    out=$("$ELBSIM" validate "$BASE" --set "$s" 2>&1); rc=$?
    n=$(echo "$out" | grep -c 'error:')
    if [ $rc -eq 2 ] && [ "$n" -eq 1 ] && echo "$out" | grep -q '^--set:1:' && [ ${#out} -lt 2000 ]; then
        ok "--set ${s:0:30}: one error, at the --set"
    else
        ko "--set ${s:0:30}: exit $rc, $n errors" "$(echo "$out" | head -c 600)"
    fi
done

# --- runs too large to finish are refused before they start ---
# (the scenario's own arrivals line: workloads.0.arrivals)
for a in "poisson(rate=1e12/s)" "mmpp(on=10/s, off=1/s, mean_on=1ns, mean_off=1ns)" \
    "spike(base=1/s, peak=1e300/s, at=1s, duration=1ns)" "diurnal(mean=1e9/s, amplitude=0.5, peak=12:00)"; do
    bounded "run-size limit: ${a:0:24}" 2 2000 5 \
        "^--set:1:[0-9]+: error: workload 'clients': .* is about .* arrival draws .*more than the run-size limit of 1e\+10" \
        -- run "$BASE" --set "workloads.0.arrivals=$a" -o "$TMP/huge"
    [ -e "$TMP/huge" ] && ko "run-size limit: output folder written"
done
bounded "run-size limit: 1e15 s at 1/s" 2 2000 5 "more than the run-size limit" \
    -- validate "$BASE" --set "duration=1e15s" --set "workloads.0.arrivals=poisson(rate=1/s)"
bounded "run-size limit: connections count their requests" 2 2000 5 "more than the run-size limit of 1e\+06" \
    -- validate "$BASE" --set "limits.requests=1e6" --set "duration=1000s" \
    --set "workloads.0.arrivals=poisson(rate=100/s)" --set "workloads.0.connection.requests=20"
if "$ELBSIM" validate "$BASE" --set "limits.requests=1e14" --set "workloads.0.arrivals=poisson(rate=1e9/s)" >/dev/null 2>&1; then
    ok "limits.requests raises the limit"
else
    ko "limits.requests raises the limit"
fi
if "$ELBSIM" run "$BASE" --set "limits.requests=1e7" --set duration=20s -q -o "$TMP/lim" >/dev/null 2>&1 &&
    grep -q "^limits: { requests: 10000000 }" "$TMP/lim/scenario.yaml"; then
    ok "a raised limit is kept in the resolved scenario.yaml"
else
    ko "a raised limit is kept in the resolved scenario.yaml"
fi

# --- numbers at the edge: a clear error at the place, or a run that does what it says ---
printf 'time_s\n0.5\nnan\n' >"$TMP/nan.csv"
printf 'time_s\n0.5\ninf\n' >"$TMP/inf.csv"
printf 'time_s,load\n0,nan\n' >"$TMP/fnan.csv"
printf 'time_s,load\n0,inf\n' >"$TMP/finf.csv"
bounded "edge: rate 0" 2 2000 5 "^--set:1:[0-9]+: error: poisson rate must be > 0, got '0/s'" \
    -- validate "$BASE" --set "workloads.0.arrivals=poisson(rate=0/s)"
bounded "edge: duration 0" 2 2000 5 "^--set:1:10: error: duration must be greater than zero" \
    -- validate "$BASE" --set duration=0s
bounded "edge: a count past 32 bits" 2 2000 5 "error: count must be between 0 and 100000, got 5000000000" \
    -- validate "$BASE" --set target_groups.0.targets.0.count=5000000000
bounded "edge: retries past 32 bits" 2 2000 5 "^--set:1:[0-9]+: error: .*retries.*4294967296|^--set:1:[0-9]+: error: .*4294967296.*retries" \
    -- validate "$BASE" --set workloads.0.retries=4294967296
bounded "edge: seed 2^64" 2 2000 5 "error: seed must be a whole number from 0 to 2\^64-1, got '18446744073709551616'" \
    -- validate "$BASE" --set seed=18446744073709551616
bounded "edge: NaN in a trace" 2 2000 5 "nan.csv:3:1: error: time_s 'nan' is not a number" \
    -- validate "$BASE" --set "workloads.0.arrivals=trace($TMP/nan.csv)"
bounded "edge: inf in a trace" 2 2000 5 "inf.csv:3:1: error: time_s 'inf' is not a number" \
    -- validate "$BASE" --set "workloads.0.arrivals=trace($TMP/inf.csv)"
bounded "edge: NaN in a forecast history" 2 2000 5 "fnan.csv:2:3: error: bad load 'nan'" -- forecast "$TMP/fnan.csv" -o "$TMP/fx"
bounded "edge: inf in a forecast history" 2 2000 5 "finf.csv:2:3: error: bad load 'inf'" -- forecast "$TMP/finf.csv" -o "$TMP/fx"
bounded "edge: an infinite mean" 2 2000 5 "error: bad value 'inf' for mean of exp" \
    -- validate "$BASE" --set "workloads.0.demand=exp(mean=inf)"
zones=$(seq -s, -f 'z%g' 0 1000)
bounded "edge: 1001 zones on a load balancer" 2 2000 5 "^--set:1:24: error: a load balancer has at most 1000 zones" \
    -- validate "$BASE" --set "load_balancers.0.zones=[$zones]"
# seed 2^64 - 1 is allowed and runs; so does the largest count, briefly
if "$ELBSIM" run "$BASE" --set seed=18446744073709551615 --set duration=5s -q -o "$TMP/s64" >/dev/null 2>&1 &&
    grep -q "^seed: 18446744073709551615$" "$TMP/s64/scenario.yaml"; then
    ok "edge: seed 2^64-1 runs and is kept"
else
    ko "edge: seed 2^64-1 runs and is kept"
fi

echo "e2e bounds: $pass passed, $fail failed"
report_crashes
[ "$fail" -eq 0 ]
