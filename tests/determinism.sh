#!/usr/bin/env bash
# The same scenario and seed give the same bytes from an -O2 and an -O0 build (STYLE.md §9).
# Each run gets a fresh folder; both must exit 0 (3 if the scenario's SLOs are broken, the
# same for both) and write the same set of files, every one of them identical.  A crash or
# a failed run is a failure, whatever it left behind.  tests/test_the_tests.sh checks that.
# Usage: tests/determinism.sh build/elbsim build-o0/elbsim
set -u
A=$1; B=$2
TMP=$(mktemp -d /tmp/elbsim-det-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ko() { fail=$((fail + 1)); echo "  FAIL $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'; return 0; }
n=0
for s in tests/data/e2e_small.yaml scenarios/quickstart.yaml; do
    n=$((n + 1))
    "$A" run "$s" -q -o "$TMP/$n-o2" >"$TMP/$n-o2.log" 2>&1; ra=$?
    "$B" run "$s" -q -o "$TMP/$n-o0" >"$TMP/$n-o0.log" 2>&1; rb=$?
    if [ $ra -ne $rb ] || { [ $ra -ne 0 ] && [ $ra -ne 3 ]; }; then
        ko "$s: exit $ra (-O2), exit $rb (-O0); wanted 0 or 3 from both" \
            "$(tail -3 "$TMP/$n-o2.log" "$TMP/$n-o0.log")"
        continue
    fi
    files=$(ls -A "$TMP/$n-o2")
    if [ -z "$files" ] || [ "$files" != "$(ls -A "$TMP/$n-o0")" ] || [ ! -s "$TMP/$n-o2/summary.csv" ]; then
        ko "$s: the builds wrote different sets of files" \
            "$(diff <(ls -A "$TMP/$n-o2") <(ls -A "$TMP/$n-o0"))"
        continue
    fi
    bad=0
    for f in $files; do
        if ! cmp -s "$TMP/$n-o2/$f" "$TMP/$n-o0/$f"; then
            ko "$s: -O2 and -O0 differ in $f"; bad=1
        fi
    done
    [ $bad -eq 0 ] && pass=$((pass + 1)) && echo "  ok   $s: $(echo $files | wc -w) files identical"
done
echo "determinism: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -eq $n ]
