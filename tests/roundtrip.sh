#!/usr/bin/env bash
# The resolved scenario.yaml a run writes runs again, as it is, to the same outputs.
#
# For every scenario under scenarios/ and tests/data/ that runs (exit 0, or 3 for a broken
# SLO; the bad-input ones exit 2 and are skipped, any other status fails), runs the scenario.yaml it wrote into a second folder and compares every file of
# the two folders byte for byte (scenario.yaml included: resolving is idempotent).
#
# Usage: tests/roundtrip.sh BIN
set -u
BIN=$1
cd "$(dirname "$0")/.."
TMP=$(mktemp -d /tmp/elbsim-roundtrip-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -x "$BIN" ] || { echo "roundtrip: $BIN is not an executable"; exit 1; }

one() {
    local f=$1 name
    name=$(echo "${f%.yaml}" | tr '/' '_')
    one_case "$f" "$name" >"$TMP/$name.report"
}
one_case() {
    local f=$1 name=$2
    local a=$TMP/$name.a b=$TMP/$name.b rc
    "$BIN" run "$f" -q -o "$a" >/dev/null 2>&1; rc=$?
    [ $rc -eq 2 ] && { echo "skip $f (bad input, exit 2)"; return 0; }
    [ $rc -eq 0 ] || [ $rc -eq 3 ] || { echo "FAIL $f: the original exits $rc"; return 0; }
    "$BIN" run "$a/scenario.yaml" -q -o "$b" >"$TMP/$name.err" 2>&1; rc2=$?
    if [ $rc2 -ne $rc ]; then
        echo "FAIL $f: the resolved scenario exits $rc2, the original $rc"
        sed 's/^/       /' "$TMP/$name.err" | head -5
        return 0
    fi
    local d
    d=$(diff -rq "$a" "$b" 2>&1 | sed "s|$TMP/||g")
    if [ -n "$d" ]; then echo "FAIL $f: outputs differ"; echo "$d" | sed 's/^/       /' | head -5
    else echo "ok   $f"; fi
    rm -rf "$a" "$b"
}
export -f one one_case
export BIN TMP

find scenarios tests/data -name '*.yaml' | LC_ALL=C sort >"$TMP/list"
xargs -n 1 -P "${ROUNDTRIP_JOBS:-2}" bash -c 'one "$0"' <"$TMP/list"
while read -r f; do cat "$TMP/$(echo "${f%.yaml}" | tr '/' '_').report"; done <"$TMP/list" \
    >"$TMP/report"
grep -v '^skip' "$TMP/report"
pass=$(grep -c '^ok' "$TMP/report"); fail=$(grep -c '^FAIL' "$TMP/report")
echo "roundtrip: $pass scenarios run again to the same outputs, $fail differ"
[ "$fail" -eq 0 ]
