#!/usr/bin/env bash
# Run the libFuzzer harnesses (docs/robustness.md).
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS_EACH [smoke]
#  - every harness first replays its regression inputs (tests/fuzz/regress/<harness>/) and
#    its seed corpus (tests/fuzz/seeds/<harness>/ plus the scenarios and test data);
#  - then it fuzzes for SECONDS_EACH seconds with the dictionary tests/fuzz/scenario.dict;
#  - a crash, leak or sanitizer report fails the script and leaves the input in
#    $BUILD/fuzz-crashes/ (add it to tests/fuzz/regress/<harness>/ once fixed).
set -u
B=$1 SECS=$2
cd "$(dirname "$0")/../.."
fail=0
mkdir -p "$B/fuzz-crashes"
for h in scenario dist set trace forecast; do
    bin=$B/fuzz_$h
    corpus=$B/fuzz-corpus/$h
    mkdir -p "$corpus" tests/fuzz/regress/$h tests/fuzz/seeds/$h
    seeds=(tests/fuzz/seeds/$h)
    [ $h = scenario ] && seeds+=(scenarios scenarios/examples scenarios/validation tests/data)
    # Replay the regression inputs on their own: each must pass.
    if compgen -G "tests/fuzz/regress/$h/*" >/dev/null; then
        if ! "$bin" -runs=0 tests/fuzz/regress/$h/* >"$B/fuzz_$h.regress.log" 2>&1; then
            echo "fuzz $h: a regression input fails"; tail -30 "$B/fuzz_$h.regress.log"; fail=1
        fi
    fi
    "$bin" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -dict=tests/fuzz/scenario.dict -close_fd_mask=2 -print_final_stats=1 \
        -artifact_prefix="$B/fuzz-crashes/$h-" "$corpus" "${seeds[@]}" \
        >"$B/fuzz_$h.log" 2>&1
    rc=$?
    line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$B/fuzz_$h.log" | tail -1)
    execs=$(grep -E 'stat::number_of_executed_units' "$B/fuzz_$h.log" | awk '{print $2}')
    echo "fuzz $h: exit $rc, $execs runs; $line"
    if [ $rc -ne 0 ]; then fail=1; grep -A25 -E 'ERROR|SUMMARY' "$B/fuzz_$h.log" | head -40; fi
done
exit $fail
