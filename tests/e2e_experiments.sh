#!/usr/bin/env bash
# End-to-end tests of `elbsim compare` and `elbsim sweep`: outputs, byte-identical results
# for any -j, plots, and every bad-input case (message, exit 2, nothing left behind).
# Usage: tests/e2e_experiments.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-exp-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# A crash fails the checks (watch_crashes, ok, ko: tests/e2e_lib.sh).
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
# The text on one line (the tables' notes are wrapped at 100 columns).
flat() { tr '\n' ' ' | tr -s ' '; }

H=scenarios/examples/heterogeneous_lor.yaml
SHORT=(--set duration=3m --set warmup=30s)
ALG=target_groups.app.algorithm

# expect_error NAME PATTERN -- ARGS...: exit 2, message matches PATTERN (grep -E), and no
# output folder is left behind.
expect_error() {
    local name=$1 pat=$2
    shift 3
    local out rc
    out=$("$ELBSIM" "$@" -o "$TMP/err_$name" 2>&1)
    rc=$?
    if [ $rc -ne 2 ]; then ko "$name: exit $rc, wanted 2" "$out"; return; fi
    if ! echo "$out" | grep -Eq -- "$pat"; then ko "$name: message" "$out"; return; fi
    if [ -e "$TMP/err_$name" ]; then ko "$name: output folder left behind"; return; fi
    ok "$name"
}

echo "e2e experiments: $ELBSIM"
watch_crashes

# --- compare: table, compare.csv, significance ---
out=$("$ELBSIM" compare $H --vary $ALG=round_robin,least_outstanding_requests --reps 5 \
    "${SHORT[@]}" -o "$TMP/cmp" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "compare exits 0" || ko "compare exits 0 ($rc)" "$out"
[ "$(head -1 "$TMP/cmp/compare.csv" 2>/dev/null)" = \
  "metric,unit,kind,variant,baseline,reps,mean,sd,ci_low,ci_high,interval,significant,verdict,p_value,holm_significant,unpaired_ci_low,unpaired_ci_high,confidence" ] \
    && ok "compare.csv header" || ko "compare.csv header" "$(head -1 "$TMP/cmp/compare.csv")"
sig=$(awk -F, '$1=="latency_p99_s" && $3=="difference" {print $12 $13}' "$TMP/cmp/compare.csv")
[ "$sig" = 1significant ] && ok "RR vs LOR: p99 difference significant" \
    || ko "p99 significant ($sig)" "$out"
echo "$out" | grep -q "difference from 1 round_robin, paired per replication" \
    && ok "compare prints paired differences" || ko "compare table" "$out"
# One unit per metric, from its name, in the table and (raw) in the CSV.
echo "$out" | grep -q "^latency_p99_s (ms): Student-t cut at 0" && \
    awk -F, '$1=="latency_p99_s" && $2!="s" {bad=1} END {exit bad}' "$TMP/cmp/compare.csv" \
    && ok "units: p99 in ms in the table, raw seconds in compare.csv" || ko "units" "$out"
# Bounded metrics keep bounded intervals: no negative bound on a non-negative metric, ratios
# within [0, 1].
bad=$(awk -F, 'NR > 1 && $3=="mean" && ($9 < 0 || ($2=="fraction" && $10 > 1))' "$TMP/cmp/compare.csv")
[ -z "$bad" ] && ok "no impossible bounds in compare.csv" || ko "impossible bounds" "$bad"
awk -F, '$1=="error_ratio" && $3=="mean" && $11=="wilson" {n++} END {exit n != 2}' \
    "$TMP/cmp/compare.csv" && ok "error_ratio gets the Wilson interval" \
    || ko "error_ratio interval" "$(grep ^error_ratio "$TMP/cmp/compare.csv")"
[ -z "$(ls -A "$TMP/cmp" | grep -v '^compare.csv$')" ] && ok "compare leaves only compare.csv" \
    || ko "compare leaves only compare.csv" "$(ls -A "$TMP/cmp")"

# --- a variant against itself: every difference is exactly 0 ---
"$ELBSIM" compare $H --vary $ALG=round_robin,round_robin --reps 3 "${SHORT[@]}" -q \
    -o "$TMP/self" >/dev/null 2>&1; rc=$?
bad=$(awk -F, 'NR > 1 && $3=="difference" && ($7 != 0 || $9 > 0 || $10 < 0 || $13 != "identical")' \
    "$TMP/self/compare.csv")
[ $rc -eq 0 ] && [ -s "$TMP/self/compare.csv" ] && [ -z "$bad" ] \
    && ok "self-comparison: identical, zero differences" || ko "self-comparison (exit $rc)" "$bad"

# --- a named baseline, every pair with Holm-Bonferroni ---
out=$("$ELBSIM" compare $H --vary $ALG=round_robin,least_outstanding_requests,power_of_d --reps 3 \
    "${SHORT[@]}" --baseline power_of_d --pairs --metric p99 -o "$TMP/pairs" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "difference from 3 power_of_d" \
    && echo "$out" | grep -q "Holm-Bonferroni over the 3 pairs" \
    && [ "$(awk -F, '$3=="pair"' "$TMP/pairs/compare.csv" | wc -l)" -eq 3 ] \
    && [ "$(awk -F, '$3=="difference" && $5=="power_of_d"' "$TMP/pairs/compare.csv" | wc -l)" -eq 2 ] \
    && ok "--baseline NAME and --pairs with Holm" || ko "--baseline and --pairs ($rc)" "$out"
long=$(echo "$out" | awk 'length($0) > 100')
[ -z "$long" ] && ok "compare table within 100 columns" || ko "compare table width" "$long"

# --- MSER-5 warm-up ---
out=$("$ELBSIM" compare $H --vary $ALG=round_robin,power_of_d --reps 2 "${SHORT[@]}" \
    --warmup mser5 -o "$TMP/mser" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "warm-up: MSER-5" && ok "--warmup mser5" \
    || ko "--warmup mser5 ($rc)" "$out"

# --- sweep: -j 1 and -j 2 give the same bytes; front marked; plots ---
SW=(sweep $H --vary $ALG=round_robin,least_outstanding_requests,power_of_d
    --vary target_groups.app.targets.1.count=2..6:2 --reps 2 --set duration=2m --set warmup=20s)
"$ELBSIM" "${SW[@]}" -j 1 -o "$TMP/s1" > "$TMP/s1.out" 2>&1; rc1=$?
"$ELBSIM" "${SW[@]}" -j 2 -o "$TMP/s2" > "$TMP/s2.out" 2>&1; rc2=$?
[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && ok "sweep exits 0" || ko "sweep exits 0 ($rc1 $rc2)" "$(cat "$TMP/s1.out")"
cmp -s "$TMP/s1/sweep.csv" "$TMP/s2/sweep.csv" && ok "sweep.csv identical for -j 1 and -j 2" \
    || ko "sweep.csv identical for -j 1 and -j 2"
diff <(sed "s#$TMP/s[12]##" "$TMP/s1.out") <(sed "s#$TMP/s[12]##" "$TMP/s2.out") >/dev/null \
    && ok "sweep table identical for -j 1 and -j 2" || ko "sweep table identical"
# --window: 18 runs in rounds of 4, each round's results written to disk, then read back.
"$ELBSIM" "${SW[@]}" -j 2 --window 4 -o "$TMP/sw" > "$TMP/sw.out" 2>&1
cmp -s "$TMP/s1/sweep.csv" "$TMP/sw/sweep.csv" && [ "$(ls -A "$TMP/sw")" = sweep.csv ] \
    && diff <(sed "s#$TMP/s[1w]##" "$TMP/s1.out") <(sed "s#$TMP/s[1w]##" "$TMP/sw.out") >/dev/null \
    && ok "--window 4: same sweep.csv and table as -j 1, nothing left behind" \
    || ko "--window 4" "$(ls -A "$TMP/sw"; cat "$TMP/sw.out")"
rows=$(($(wc -l < "$TMP/s1/sweep.csv") - 1))
# Default metrics: latency_mean_s, latency_p99_s, error_ratio, cost_usd.
[ "$rows" -eq $((9 * 4)) ] && ok "one row per point and metric (36)" || ko "rows ($rows)"
front=$(awk -F, 'NR > 1 && $13 == 1' "$TMP/s1/sweep.csv" | wc -l)
[ "$front" -gt 0 ] && ok "Pareto front marked ($((front / 4)) points)" || ko "Pareto front marked"
long=$(awk 'length($0) > 100' "$TMP/s1.out")
[ -z "$long" ] && ok "sweep table within 100 columns" || ko "sweep table width" "$long"

# --- a sweep inside a call, and a front only where the cost varies ---
out=$("$ELBSIM" sweep $H --vary 'workloads.clients.arrivals.rate=150/s..250/s:50/s' --reps 2 \
    "${SHORT[@]}" -o "$TMP/rate" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(cut -d, -f2 "$TMP/rate/sweep.csv" | sort -u | tr '\n' ' ')" = \
    "150/s 200/s 250/s workloads.clients.arrivals.rate " ] \
    && ok "--vary a parameter inside poisson(rate=...)" || ko "--vary into a call ($rc)" "$out"
out=$("$ELBSIM" sweep $H --vary "$ALG=round_robin,power_of_d(d=3)" --reps 2 "${SHORT[@]}" \
    -o "$TMP/nofront" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | flat | grep -q "no front: cost_usd is the same at every point" \
    && [ -z "$(awk -F, 'NR > 1 && ($12 != "" || $13 != "")' "$TMP/nofront/sweep.csv")" ] \
    && ok "no cost front when the varied values leave the cost alone" || ko "no front ($rc)" "$out"
out=$("$ELBSIM" sweep $H --vary "$ALG=round_robin,power_of_d(d=3)" --reps 2 "${SHORT[@]}" \
    --objectives p99,mean --metric p99 -o "$TMP/obj" 2>&1); rc=$?
[ $rc -eq 0 ] && echo "$out" | flat | grep -q "front: Pareto front of latency_p99_s vs latency_mean_s" \
    && ! echo "$out" | grep -q "latency_mean_s (ms)" \
    && ok "--objectives p99,mean; the table shows --metric only" || ko "--objectives ($rc)" "$out"
if command -v gnuplot >/dev/null 2>&1; then
    out=$("$ELBSIM" plot "$TMP/s1" 2>&1); rc=$?
    [ $rc -eq 0 ] && [ -s "$TMP/s1/pareto.png" ] && [ -s "$TMP/s1/heatmap.png" ] \
        && ok "plot draws pareto.png and heatmap.png" || ko "sweep plots ($rc)" "$out"
fi

# --- bad input: exit 2, the path named, what was expected, nothing written ---
expect_error missing_path "unknown key 'algoritm'.*valid keys" -- \
    compare $H --vary target_groups.app.algoritm=round_robin,random
expect_error missing_item "no item named 'web' in this list; items: app" -- \
    compare $H --vary target_groups.web.algorithm=round_robin,random
expect_error missing_item_note "the scenario has no path target_groups.web.algorithm" -- \
    compare $H --vary target_groups.web.algorithm=round_robin,random
expect_error bad_window "--window takes a whole number from 1 to 1000000, got '0'" -- \
    sweep $H --vary $ALG=round_robin,random --window 0
expect_error empty_list "empty value list for $ALG; expected" -- compare $H --vary $ALG=
expect_error empty_value "empty value" -- compare $H --vary "$ALG=round_robin,,random"
expect_error wrong_type "^--vary:1:37: error: count must be a whole number, got 'x'" -- \
    sweep $H --vary target_groups.app.targets.0.count=2,x
expect_error wrong_type_note "value 'x' does not fit target_groups.app.targets.0.count" -- \
    sweep $H --vary target_groups.app.targets.0.count=2,x
expect_error bad_duration "^--vary:1:13: error: bad value 'soon' for duration" -- \
    sweep $H --vary duration=5m,soon
expect_error unknown_algorithm "unknown .*'fastest'" -- compare $H --vary $ALG=round_robin,fastest
expect_error reps_zero "--reps takes a whole number from 2 to .*got '0'" -- \
    compare $H --vary $ALG=round_robin,random --reps 0
expect_error sweep_reps_zero "--reps takes a whole number from 1 to .*got '0'" -- \
    sweep $H --vary $ALG=round_robin,random --reps 0
expect_error bad_range "bad range '30..'; expected FROM..TO" -- sweep $H --vary duration=30..
expect_error one_variant "gives one variant; a comparison needs two or more" -- \
    compare $H --vary $ALG=round_robin
expect_error no_vary "nothing varies" -- sweep $H
expect_error jobs_zero "-j takes a whole number from 1" -- sweep $H --vary $ALG=random -j 0
expect_error bad_metric "no workload named 'nobody'; workload names: clients" -- \
    compare $H --vary $ALG=round_robin,random --metric workload.nobody.latency_p99_s
expect_error bad_front "--objectives 'cost_usd': expected two metrics" -- \
    sweep $H --vary $ALG=round_robin,random --front cost_usd
expect_error bad_objectives "--objectives 'p99,p99': the two metrics are the same" -- \
    sweep $H --vary $ALG=round_robin,random --objectives p99,p99
expect_error bad_baseline "--baseline 'lor': no variant is called that; the variants are 'round_robin', 'random'" -- \
    compare $H --vary $ALG=round_robin,random --baseline lor
expect_error no_parameter "^--vary:1:28: error: poisson\(\.\.\.\) has no parameter 'rat'; its parameters: rate" -- \
    sweep $H --vary workloads.clients.arrivals.rat=100/s,200/s
expect_error no_parameter_note "the scenario has no path workloads.clients.arrivals.rat" -- \
    sweep $H --vary workloads.clients.arrivals.rat=100/s,200/s
expect_error bad_parameter "^--vary:1:39: error: rate=x/s: expected a rate" -- \
    sweep $H --vary workloads.clients.arrivals.rate=100/s,x/s
expect_error set_no_parameter "^--set:1:28: error: poisson\(\.\.\.\) has no parameter 'rat'" -- \
    compare $H --vary $ALG=round_robin,random --set workloads.clients.arrivals.rat=100/s
expect_error bad_set "^--set:1:" -- compare $H --vary $ALG=round_robin,random --set nope=1
expect_error bad_warmup "--warmup 'auto': expected mser5" -- \
    compare $H --vary $ALG=round_robin,random --warmup auto

# --- SIGINT/SIGTERM during compare and sweep: the workers die too, no .runs-* folder is
# left, exit 130/143, an earlier result in the folder untouched.  The real binary, not the
# crash-watching stand-in.
REAL=${1:-build/elbsim}
sig_exp() { # SIG STATUS COMMAND
    local sig=$1 want=$2 cmd=$3 i kids
    rm -rf "$TMP/sx" && mkdir -p "$TMP/sx" && echo old >"$TMP/sx/old.txt"
    "$REAL" $cmd $H --vary $ALG=round_robin,least_outstanding_requests --reps 2 -j 2 -q \
        --set duration=100000s -o "$TMP/sx" >/dev/null 2>"$TMP/sx.err" &
    local pid=$!
    for i in $(seq 100); do compgen -G "$TMP/sx/.runs-*" >/dev/null && break; sleep 0.1; done
    sleep 0.5
    kids=$(pgrep -P $pid | tr '\n' ' ')
    kill -$sig $pid
    wait $pid; local rc=$?
    local alive=""
    for i in $kids; do kill -0 $i 2>/dev/null && [ "$(ps -o stat= -p $i)" != Z ] && alive="$alive $i"; done
    local left; left=$(cd "$TMP/sx" && ls -A | grep -v '^old.txt$')
    if [ $rc -eq $want ] && [ -n "$kids" ] && [ -z "$alive" ] && [ -z "$left" ] &&
        [ "$(cat "$TMP/sx/old.txt")" = old ]; then
        ok "SIG$sig stops $cmd: exit $want, workers ($kids) gone, nothing left in the folder"
    else
        ko "SIG$sig during $cmd: exit $rc (want $want), workers '$kids' alive '$alive', left: $left" \
            "$(cat "$TMP/sx.err")"
    fi
}
sig_exp TERM 143 compare
sig_exp INT 130 sweep

new_crashes && ko "elbsim crashed after the last check"
echo "e2e experiments: $pass passed, $fail failed"
[ $fail -eq 0 ]
