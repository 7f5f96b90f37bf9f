# What the end-to-end scripts share (sourced by e2e.sh, e2e_experiments.sh and
# e2e_forecast.sh after they set ELBSIM, TMP, pass and fail).
# A crash fails the checks.  watch_crashes makes "$ELBSIM" a stand-in that runs the binary
# and notes in $TMP/crashes when it dies of a signal (exit status above 128), whatever a
# check then does with the status; the next check to report fails and names the command,
# and crashes after the last check fail the script.  The stand-in passes INT and TERM on.
# (tests/test_the_tests.sh checks that crashes fail.)
crashes_seen=0
watch_crashes() {
    local real=$ELBSIM
    case $real in */*) real=$(cd "$(dirname "$real")" && pwd)/$(basename "$real") ;; esac
    mkdir -p "$TMP/bin" && : >"$TMP/crashes"
    {
        echo '#!/usr/bin/env bash'
        printf 'real=%q crashes=%q\n' "$real" "$TMP/crashes"
        cat <<'EOF'
"$real" "$@" <&0 &
pid=$!
trap 'kill -INT $pid 2>/dev/null' INT
trap 'kill -TERM $pid 2>/dev/null' TERM
wait $pid; rc=$?
while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done
[ $rc -le 128 ] || echo "elbsim died of signal $((rc - 128)): elbsim $*" >>"$crashes"
exit $rc
EOF
    } >"$TMP/bin/elbsim" && chmod +x "$TMP/bin/elbsim" && ELBSIM=$TMP/bin/elbsim
}
# True when a crash was noted since the last check reported; report_crashes prints them.
new_crashes() { [ -f "$TMP/crashes" ] && [ "$(wc -l <"$TMP/crashes")" -gt "$crashes_seen" ]; }
report_crashes() {
    new_crashes || return 0
    tail -n +$((crashes_seen + 1)) "$TMP/crashes" | sed 's/^/       /'
    crashes_seen=$(wc -l <"$TMP/crashes")
}

ok() {
    if new_crashes; then fail=$((fail + 1)); echo "  FAIL $1"; report_crashes; return 0; fi
    pass=$((pass + 1)); echo "  ok   $1"
}
ko() {
    fail=$((fail + 1)); echo "  FAIL $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'
    report_crashes
}
