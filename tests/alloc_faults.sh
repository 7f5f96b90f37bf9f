#!/usr/bin/env bash
# Allocation failure (docs/robustness.md): with the ASan build (built with
# -DELBSIM_ALLOC_FAULTS), fail the Nth allocation for N = 1, 2, 3, ... until the run
# completes, on a small scenario.  Every failing run must exit 1 with "out of memory" on
# stderr, without a sanitizer report (a crash, a leak, undefined behaviour: ASan's exit
# status is set to 99), and leave no output folder, partial folder or lock file behind.
# Usage: tests/alloc_faults.sh build-asan/elbsim [JOBS]
set -u
ELBSIM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
JOBS=${2:-$(nproc 2>/dev/null || echo 2)}
TMP=$(mktemp -d /tmp/elbsim-alloc-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cat >"$TMP/small.yaml" <<'YAML'
name: small
duration: 20s
seed: 1
output: { interval: 5s }
workloads:
  - { name: c, entry: front, arrivals: poisson(rate=50/s), demand: exp(mean=20ms), timeout: 2s }
load_balancers:
  - { name: front, zones: [a], listeners: [ { forward: web } ] }
target_groups:
  - { name: web, targets: [ { count: 2, instance_type: c5.large } ] }
YAML
export ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:exitcode=98
total=$(ELBSIM_ALLOC_COUNT=1 "$ELBSIM" run "$TMP/small.yaml" -o "$TMP/full" -q 2>&1 >/dev/null |
        sed -n 's/^elbsim: \([0-9]*\) allocations$/\1/p')
if ! [ "${total:-0}" -gt 0 ] 2>/dev/null; then
    echo "alloc faults: cannot count the allocations (is $1 built with -DELBSIM_ALLOC_FAULTS?)"
    exit 1
fi
# one N: prints "ok" or what went wrong
one() {
    local n=$1 d="$TMP/runs/$1"
    mkdir -p "$d"
    ELBSIM_FAIL_ALLOC=$n "$ELBSIM" run "$TMP/small.yaml" -o "$d/out" -q >/dev/null 2>"$d/err"
    local rc=$?
    if [ $rc -ne 1 ]; then echo "N=$n: exit $rc: $(head -c 300 "$d/err")"; return; fi
    if ! grep -q "^elbsim: out of memory allocating [0-9]* bytes$" "$d/err" ||
        grep -q "Sanitizer\|runtime error" "$d/err"; then
        echo "N=$n: $(head -c 300 "$d/err")"; return; fi
    local left
    left=$(ls -A "$d" | grep -v '^err$')
    if [ -n "$left" ]; then echo "N=$n: left behind: $left"; return; fi
    echo ok
}
export -f one
export ELBSIM TMP
bad=$(seq 1 "$total" | xargs -P "$JOBS" -I{} bash -c 'one {}' | grep -v '^ok$')
# One more than the count: the run completes.
ELBSIM_FAIL_ALLOC=$((total + 1)) "$ELBSIM" run "$TMP/small.yaml" -o "$TMP/last" -q >/dev/null 2>&1 ||
    bad="$bad
N=$((total + 1)): the run did not complete"
if [ -n "$bad" ]; then
    echo "alloc faults: failures:"
    echo "$bad" | head -20
    exit 1
fi
echo "alloc faults: each of the $total allocations of a small run failed in turn: exit 1, a message, nothing left behind"
