#!/usr/bin/env bash
# `elbsim plot` on the folders every command writes: a run (with a fault, with an Auto
# Scaling group and its target tracking policy), a compare, a sweep and a forecast
# backtest.  Each must give its PNGs (present, PNG, not tiny), say nothing but the files it
# wrote (gnuplot's warnings never reach the terminal), and its plots.gp must hold what the
# figures promise: the events marked, the policy's target line, the latency CDF, ...
# Usage: tests/e2e_plots.sh build/elbsim   (skipped without gnuplot)
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-plots-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok   $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'; }

echo "e2e plots: $ELBSIM"
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "  skip: gnuplot not installed (make deps)"
    exit 0
fi

# plot_dir NAME DIR PNG...: elbsim plot DIR exits 0, prints only "wrote" lines (one per
# PNG named), and each PNG is a PNG file of more than 5 kB.
plot_dir() {
    local name=$1 dir=$2
    shift 2
    local out rc
    out=$("$ELBSIM" plot "$dir" 2>&1); rc=$?
    if [ $rc -ne 0 ]; then ko "$name: plot exits 0 (got $rc)" "$out"; return; fi
    if echo "$out" | grep -v '^wrote ' | grep -q .; then
        ko "$name: plot says nothing but what it wrote" "$out"; return; fi
    for png in "$@"; do
        local f=$dir/$png
        if [ ! -s "$f" ] || [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" != "211PNG" ] ||
            [ "$(stat -c %s "$f")" -lt 5000 ]; then
            ko "$name: $png is a PNG of some size" "$(ls -l "$f" 2>&1)"; return; fi
        echo "$out" | grep -q "^wrote $f\$" || { ko "$name: says it wrote $png" "$out"; return; }
    done
    ok "$name: $*"
}

# has NAME FILE TEXT: FILE holds TEXT (fixed string).
has() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else ko "$1" "no '$3' in $2"; fi
}

# --- runs ---
"$ELBSIM" run scenarios/examples/crash_detection.yaml -q -o "$TMP/crash" >/dev/null 2>&1
plot_dir "run with a crash" "$TMP/crash" latency.png latency_cdf.png throughput.png \
    utilization.png inflight.png
has "crash: the fault marked under latency.png" "$TMP/crash/plots.gp" "title 'fault starts'"
has "crash: the target turning unhealthy marked" "$TMP/crash/plots.gp" "title 'target unhealthy'"
has "crash: a dotted line through the data at the fault" "$TMP/crash/plots.gp" \
    "set arrow 1 from 300, graph 0 to 300, graph 1 nohead dt 3 lc rgb '#7b3294'"
has "crash: latency.csv drawn as a CDF" "$TMP/crash/plots.gp" "set output 'latency_cdf.png'"

"$ELBSIM" run scenarios/examples/asg_target_tracking.yaml -q -o "$TMP/asg" >/dev/null 2>&1
plot_dir "run with auto scaling" "$TMP/asg" latency.png latency_cdf.png throughput.png \
    utilization.png inflight.png capacity.png policy.png
has "asg: the policy's target as a line" "$TMP/asg/plots.gp" "title 'target 50 %'"
has "asg: the metric and its unit on the axis" "$TMP/asg/plots.gp" \
    "set ylabel 'ASGAverageCPUUtilization (%)'"
has "asg: scale-outs marked on throughput.png" "$TMP/asg/plots.gp" "title 'scale out'"
has "asg: scale-ins marked on throughput.png" "$TMP/asg/plots.gp" "title 'scale in'"
has "asg: 11 instances, one group's mean and band" "$TMP/asg/plots.gp" \
    "title 'Auto Scaling group web-asg: mean of 11 targets'"
# The instances scaled in stop: no group row after the scale-in at 2760 s counts them.
if awk '/^\$group_1_1 << EOD/ { on = 1; next } on && /^EOD/ { exit } on' "$TMP/asg/plots.gp" |
    awk -F, '$1 > 2790 && $4 > 0 && $3 == 0 { bad = 1 } END { exit bad }'; then
    ok "asg: instances scaled in leave their group's band"
else
    ko "asg: instances scaled in leave their group's band"
fi

# Without per-target series (output.per_target: false), each target group's sums.
"$ELBSIM" run tests/data/per_target_off.yaml -q -o "$TMP/ptoff" >/dev/null 2>&1
plot_dir "run without per-target series" "$TMP/ptoff" utilization.png inflight.png
has "per_target off: the group's utilization" "$TMP/ptoff/plots.gp" \
    "with lines lw 2 title 'target group web'"
has "per_target off: the group's queue" "$TMP/ptoff/plots.gp" "title 'target group web queued'"
has "per_target off: the group's in flight" "$TMP/ptoff/plots.gp" \
    "title 'target group web in flight'"

# --- compare, sweep, forecast ---
"$ELBSIM" compare scenarios/examples/heterogeneous_lor.yaml \
    --vary target_groups.app.algorithm=round_robin,least_outstanding_requests --reps 3 -j 1 \
    --set duration=200s --keep-runs -o "$TMP/cmp" >/dev/null 2>&1
plot_dir "compare" "$TMP/cmp" means.png forest.png
has "compare: the baseline named" "$TMP/cmp/plots.gp" "the baseline, round_robin"
plot_dir "a run kept by compare --keep-runs" "$TMP/cmp/runs/p0-r0" latency.png latency_cdf.png \
    throughput.png utilization.png inflight.png

"$ELBSIM" sweep scenarios/examples/sweep_capacity.yaml \
    --vary target_groups.web.targets.0.count=6,8 \
    --vary target_groups.web.algorithm=round_robin,least_outstanding_requests --reps 2 -j 1 \
    --set duration=120s -o "$TMP/sw" >/dev/null 2>&1
plot_dir "sweep" "$TMP/sw" sweep.png pareto.png heatmap.png
has "sweep: cost in dollars on the front's axis" "$TMP/sw/plots.gp" "cost_usd (\$)"

"$ELBSIM" forecast scenarios/examples/forecast_history.csv --target-per-instance 100 \
    -o "$TMP/fc" >/dev/null 2>&1
plot_dir "forecast backtest" "$TMP/fc" forecast.png backtest.png

# A gnuplot that exits 0 without drawing (here `true`, with the old PNGs left in place):
# plot must not claim "wrote", must name a file it did not write, and must exit 1.
out=$(ELBSIM_GNUPLOT=true "$ELBSIM" plot "$TMP/fc" 2>&1); rc=$?
if [ $rc -eq 1 ] && ! echo "$out" | grep -q '^wrote ' &&
    echo "$out" | grep -q "did not write $TMP/fc/forecast.png: it is the file of an earlier run"; then
    ok "a gnuplot that draws nothing is an error, not 'wrote'"
else
    ko "a gnuplot that draws nothing is an error, not 'wrote' (rc $rc)" "$out"
fi
rm -f "$TMP/fc/backtest.png"
out=$(ELBSIM_GNUPLOT=true "$ELBSIM" plot "$TMP/fc" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "did not write $TMP/fc/backtest.png: it is not there"; then
    ok "a PNG gnuplot never made is named as missing"
else
    ko "a PNG gnuplot never made is named as missing (rc $rc)" "$out"
fi

echo
echo "e2e plots: $pass passed, $fail failed"
[ $fail -eq 0 ]
