#!/usr/bin/env bash
# The tests of the tests: tests/determinism.sh and the end-to-end scripts must fail when
# elbsim crashes, also when it crashed after writing every output, and must name the check.
# A stand-in for elbsim runs the real binary and then dies of SIGSEGV when its arguments
# match a chosen pattern, or dies at once without running it; each script runs against it.
# Every failure a script then reports must be explained by a crash, and a stand-in that
# never crashes must leave determinism.sh passing: the stand-in itself breaks nothing.
# Usage: tests/test_the_tests.sh build/elbsim build-o0/elbsim
set -u
abs() { case $1 in */*) echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;; *) echo "$1" ;; esac; }
REAL=$(abs "${1:-build/elbsim}")
REAL_O0=$(abs "${2:-build-o0/elbsim}")
TMP=$(mktemp -d /tmp/elbsim-tott-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok   $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'; return 0; }

# stand_in NAME BINARY AFTER BEFORE: writes $TMP/NAME/elbsim, which runs BINARY with its
# arguments and then dies of SIGSEGV if " ARGS " matches the extended regular expression
# AFTER, or dies at once, running nothing, if it matches BEFORE ('' matches nothing).
stand_in() {
    mkdir -p "$TMP/$1"
    {
        echo '#!/usr/bin/env bash'
        printf 'real=%q after=%q before=%q\n' "$2" "$3" "$4"
        cat <<'EOF'
ulimit -c 0
args=" $* "
if [ -n "$before" ] && [[ $args =~ $before ]]; then kill -SEGV $$; fi
# No crash due for these arguments: become the real binary, so a signal the scripts send
# (their SIGINT/SIGTERM checks) reaches it; a shell started in the background could not
# even trap SIGINT to pass it on.
if [ -z "$after" ] || ! [[ $args =~ $after ]]; then exec "$real" "$@"; fi
"$real" "$@"; rc=$?
if [ -n "$after" ] && [[ $args =~ $after ]]; then kill -SEGV $$; fi
exit $rc
EOF
    } >"$TMP/$1/elbsim"
    chmod +x "$TMP/$1/elbsim"
    echo "$TMP/$1/elbsim"
}

# expect_fail NAME LOG WANT...: the script whose output is LOG exited non-zero (its status
# in $rc), reported a failure for each WANT (a grep -E pattern on its FAIL lines and the
# three lines after each), and every failure it reported names a signal or an exit status
# above 128 (nothing else broke).
expect_fail() {
    local name=$1 log=$2 want bad
    shift 2
    if [ "$rc" -eq 0 ]; then ko "$name: the script passed" "$(tail -5 "$log")"; return; fi
    for want in "$@"; do
        if ! grep -A3 'FAIL' "$log" | grep -Eq -- "$want"; then
            ko "$name: no failure reported for /$want/" "$(grep -A3 FAIL "$log")"; return
        fi
    done
    bad=$(awk 'function done() { if (b != "" && b !~ /signal [0-9]+|exit (129|1[3-9][0-9])/) print b; b = "" }
        /^  FAIL / { done(); b = $0; next }
        /^       / && b != "" { b = b "\n" $0; next }
        { done() } END { done() }' "$log")
    if [ -n "$bad" ]; then ko "$name: failures the crash does not explain" "$bad"; return; fi
    ok "$name"
}

echo "test the tests: $REAL"

# --- determinism.sh ---
A=$(stand_in o2-clean "$REAL" '' '')
B=$(stand_in o0-clean "$REAL_O0" '' '')
bash tests/determinism.sh "$A" "$B" >"$TMP/det0.log" 2>&1 && ok "determinism passes through a stand-in that never crashes" \
    || ko "determinism passes through a stand-in that never crashes" "$(cat "$TMP/det0.log")"
A=$(stand_in o2-crash "$REAL" '^ run ' '')
B=$(stand_in o0-crash "$REAL_O0" '^ run ' '')
bash tests/determinism.sh "$A" "$B" >"$TMP/det1.log" 2>&1; rc=$?
expect_fail "determinism fails when both builds crash after writing their outputs" "$TMP/det1.log" \
    'e2e_small' 'quickstart'
B=$(stand_in o0-dead "$REAL_O0" '' '^ run ')
bash tests/determinism.sh "$REAL" "$B" >"$TMP/det2.log" 2>&1; rc=$?
expect_fail "determinism fails when the -O0 build crashes before writing anything" "$TMP/det2.log" \
    'e2e_small' 'quickstart'
B=$(stand_in o0-qs "$REAL_O0" 'quickstart' '')
bash tests/determinism.sh "$REAL" "$B" >"$TMP/det3.log" 2>&1; rc=$?
expect_fail "determinism fails when one build crashes on one scenario" "$TMP/det3.log" 'quickstart'

# --- e2e.sh: a crash fails the check after it, with or without outputs left behind ---
E=$(stand_in e2e "$REAL" ' list distributions |e2e_small\.yaml .*algorithm=least_outstanding_requests' \
    ' --seed 8 ')
bash tests/e2e.sh "$E" >"$TMP/e2e.log" 2>&1; rc=$?
expect_fail "e2e fails on crashes: another seed, list, the algorithm changed" "$TMP/e2e.log" \
    'FAIL another seed gives other numbers' 'FAIL list distributions' \
    'FAIL changing the algorithm leaves arrivals' 'signal 11: elbsim run .*--seed 8'

# --- e2e_forecast.sh and e2e_experiments.sh ---
F=$(stand_in forecast "$REAL" ' forecast --synthetic 2d ' '')
bash tests/e2e_forecast.sh "$F" >"$TMP/fc.log" 2>&1; rc=$?
expect_fail "e2e forecast fails when --synthetic crashes after printing" "$TMP/fc.log" \
    'signal 11: elbsim forecast --synthetic 2d'
X=$(stand_in experiments "$REAL" 'round_robin,round_robin' '')
bash tests/e2e_experiments.sh "$X" >"$TMP/ex.log" 2>&1; rc=$?
expect_fail "e2e experiments fails when a comparison crashes after writing" "$TMP/ex.log" \
    'FAIL self-comparison' 'signal 11: elbsim compare'

echo "test the tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
