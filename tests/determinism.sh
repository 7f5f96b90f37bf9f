#!/usr/bin/env bash
# The same scenario and seed give the same bytes from an -O2 and an -O0 build (STYLE.md §9).
# Usage: tests/determinism.sh build/elbsim build-o0/elbsim
set -u
A=$1; B=$2
TMP=$(mktemp -d /tmp/elbsim-det-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail=0
for s in tests/data/e2e_small.yaml scenarios/quickstart.yaml; do
    "$A" run "$s" -q -o "$TMP/o2" >/dev/null 2>&1
    "$B" run "$s" -q -o "$TMP/o0" >/dev/null 2>&1
    for f in "$TMP"/o2/*; do
        if ! cmp -s "$f" "$TMP/o0/$(basename "$f")"; then
            echo "  FAIL -O2 and -O0 differ: $s $(basename "$f")"; fail=$((fail + 1)); fi
    done
done
echo "determinism: $((fail == 0 ? 1 : 0)) passed, $((fail == 0 ? 0 : 1)) failed"
[ $fail -eq 0 ]
