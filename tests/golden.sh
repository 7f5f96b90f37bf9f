#!/usr/bin/env bash
# Every output of every scenario stays the same bytes unless a change means it to.
#
# Runs `elbsim run` on every scenario under scenarios/ and tests/data/ (good and bad
# ones), plus a few other commands (forecast, compare, sweep, sample, list), and compares
# each file they write, their stdout, stderr and exit status with tests/golden/:
#   tests/golden/checksums      one line per file: "<sha256>  <case>/<file>"
#   tests/golden/<case>/        the text of the small files (summary.csv, events.csv,
#                               stdout, stderr, status), so a failure shows a diff
# It also checks that `elbsim list metrics` lists exactly the metrics these runs write
# (tests/metrics_listed.sh).  A refactoring must leave both untouched.  A change that means to change outputs runs
# `make golden-update` and commits the new files: the diff then shows what changed.
#
# Usage: tests/golden.sh BIN [--update]
set -u
BIN=$1
UPDATE=${2:-}
cd "$(dirname "$0")/.."
GOLD=tests/golden
TMP=$(mktemp -d /tmp/elbsim-golden-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -x "$BIN" ] || { echo "golden: $BIN is not an executable"; exit 1; }

# One case a line: "<name>|<arguments>".  Output folders are $TMP/run/<name>.
cases() {
    find scenarios tests/data -name '*.yaml' | LC_ALL=C sort | while read -r f; do
        name=$(echo "${f%.yaml}" | tr '/' '_')
        echo "$name|run $f -o @OUT@"
    done
    echo "trace_lor|run tests/data/e2e_trace.yaml --trace 60 -o @OUT@"
    echo "trace_nlb|run scenarios/examples/nlb_long_connections.yaml --trace 40 --set duration=60s -o @OUT@"
    echo "forecast_backtest|forecast scenarios/examples/forecast_history.csv --target-per-instance 100 -o @OUT@"
    echo "compare_lor|compare scenarios/examples/heterogeneous_lor.yaml --vary target_groups.app.algorithm=round_robin,least_outstanding_requests --reps 3 -j 1 --set duration=200s -o @OUT@"
    echo "sweep_capacity|sweep scenarios/examples/sweep_capacity.yaml --vary target_groups.web.targets.0.count=4,6 --reps 2 -j 1 --set duration=120s -o @OUT@"
    echo "sample_lognormal|sample lognormal(median=40ms,p99=400ms) -n 20000 --seed 3"
    echo "list_all|list"
}

run_case() {
    local name=$1 args=$2
    local out=$TMP/run/$name res=$TMP/res/$name
    mkdir -p "$res"
    args=${args//@OUT@/$out}
    # shellcheck disable=SC2086
    "$BIN" $args >"$res/stdout" 2>"$res/stderr"
    echo $? >"$res/status"
    sed -i "s|$TMP/run/|OUT/|g" "$res/stdout" "$res/stderr"
    if [ -d "$out" ]; then
        for f in "$out"/*; do
            [ -f "$f" ] && cp "$f" "$res/$(basename "$f")"
        done
    fi
    # The resolved scenario names data files absolutely: the clone's place is not output.
    [ -f "$res/scenario.yaml" ] && sed -i "s|$ROOT/|REPO/|g" "$res/scenario.yaml"
    return 0
}
ROOT=$(pwd -P)
export -f run_case
export BIN TMP ROOT

cases | while IFS='|' read -r name args; do printf '%s\0%s\0' "$name" "$args"; done |
    xargs -0 -n 2 -P "${GOLDEN_JOBS:-2}" bash -c 'run_case "$0" "$1"'

# Checksums of everything; text copies of what a person reads in a diff.
(cd "$TMP/res" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum) \
    >"$TMP/checksums"
# `elbsim list metrics` lists exactly what these runs write (tests/metrics_listed.sh).
metrics_fail=0
bash tests/metrics_listed.sh "$TMP/res/list_all/stdout" "$TMP"/run/* || metrics_fail=1
keep() { case $(basename "$1") in summary.csv|events.csv|stdout|stderr|status|backtest.csv) return 0;; esac; return 1; }

if [ "$UPDATE" = "--update" ]; then
    rm -rf "$GOLD"
    mkdir -p "$GOLD"
    cp "$TMP/checksums" "$GOLD/checksums"
    (cd "$TMP/res" && find . -type f | LC_ALL=C sort) | while read -r f; do
        if keep "$f"; then mkdir -p "$GOLD/$(dirname "$f")"; cp "$TMP/res/$f" "$GOLD/$f"; fi
    done
    echo "golden: updated $(wc -l <"$GOLD/checksums") files in $GOLD"
    exit $metrics_fail
fi

[ -f "$GOLD/checksums" ] || { echo "golden: no $GOLD/checksums (make golden-update)"; exit 1; }
# Files that differ, vanished or are new, each once.
awk 'NR == FNR { g[$2] = $1; next }
     { n[$2] = $1; if (!($2 in g)) print "new", $2; else if (g[$2] != $1) print "differs", $2 }
     END { for (f in g) if (!(f in n)) print "gone", f }' \
    "$GOLD/checksums" "$TMP/checksums" | LC_ALL=C sort -k2 >"$TMP/report"
fail=0
while read -r what file; do
    fail=$((fail + 1))
    case $what in
    new) echo "  FAIL $file: a new file (make golden-update if meant)" ;;
    gone) echo "  FAIL $file: no longer written" ;;
    differs)
        echo "  FAIL $file: differs"
        [ -f "$GOLD/$file" ] && diff -u "$GOLD/$file" "$TMP/res/$file" | head -20 ;;
    esac
done <"$TMP/report"
n=$(wc -l <"$GOLD/checksums")
echo "golden: $n files compared, $fail differ"
[ $fail -eq 0 ] && [ $metrics_fail -eq 0 ]
