#!/usr/bin/env bash
# Run `make STAGE` for each stage named, JOBS at a time (the stages are independent: each
# writes under its own mktemp folder, and every build they need was made beforehand by
# `make test-builds`, so no two stages build into the same folder).  Each stage's output
# goes to build/test-logs/STAGE.log and is printed whole when the stage ends, so logs never
# interleave; then a table of the stages' times.  Exit 0 only if every stage passed.
# Usage: tests/run_stages.sh JOBS STAGE...   (make test calls it; JOBS defaults to nproc)
set -u
JOBS=${1:-0}
shift
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=$(nproc 2>/dev/null || echo 1)
MAKE=${MAKE:-make}
LOGS=build/test-logs
mkdir -p "$LOGS"
declare -A pid_of start_of status_of secs_of
stages=("$@")
pending=("$@")
running=()
failed=0

# stage_done NAME RC: record the stage, print its log.
stage_done() {
    local name=$1 rc=$2
    secs_of[$name]=$(($(date +%s) - start_of[$name]))
    status_of[$name]=$rc
    echo
    echo "=== make $name: $([ "$rc" -eq 0 ] && echo ok || echo "FAILED (exit $rc)") in ${secs_of[$name]} s"
    cat "$LOGS/$name.log"
    [ "$rc" -eq 0 ] || failed=$((failed + 1))
}

# A signal stops every stage still running (each make and what it started).
trap 'for p in "${running[@]}"; do kill -TERM -- "-${pid_of[$p]}" 2>/dev/null; done; exit 130' INT
trap 'for p in "${running[@]}"; do kill -TERM -- "-${pid_of[$p]}" 2>/dev/null; done; exit 143' TERM

set -m # each stage in its own process group, so a signal reaches all it started
while [ ${#pending[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
    while [ ${#pending[@]} -gt 0 ] && [ ${#running[@]} -lt "$JOBS" ]; do
        s=${pending[0]}
        pending=("${pending[@]:1}")
        start_of[$s]=$(date +%s)
        $MAKE --no-print-directory "$s" >"$LOGS/$s.log" 2>&1 </dev/null &
        pid_of[$s]=$!
        running+=("$s")
    done
    # wait -n -p (bash 5.1): which stage ended, and its status.
    ended=
    wait -n -p ended
    rc=$?
    still=()
    for s in "${running[@]}"; do
        if [ "${pid_of[$s]}" = "$ended" ]; then
            stage_done "$s" $rc
        else
            still+=("$s")
        fi
    done
    running=("${still[@]+"${still[@]}"}")
done

echo
echo "=== stages ($JOBS at a time)"
total=0
for s in "${stages[@]}"; do
    printf '  %-16s %5s s  %s\n' "$s" "${secs_of[$s]}" \
        "$([ "${status_of[$s]}" -eq 0 ] && echo ok || echo FAILED)"
    total=$((total + secs_of[$s]))
done
echo "  (sum of stage times ${total} s)"
[ $failed -eq 0 ] || { echo "make test: $failed stage(s) failed"; exit 1; }
echo "make test: every stage passed"
