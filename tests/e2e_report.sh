#!/usr/bin/env bash
# `elbsim report` on a run's folder (written by `elbsim run` with output.report: true), a
# compare's and a sweep's: report.html is there, self-contained (nothing it would load
# from the network, no <script src>, no <link>), well-formed enough (tests/html_check.py),
# holds the sections it promises; bad input leaves nothing.  Then each page in headless
# Chromium (tests/browser_check.py): no console error, every image and SVG drawn, the
# replay's slider and play button work; screenshots in build/screenshots/.  And the test of
# the test: pages broken on purpose (a script error, an image that does not load, an
# empty SVG, a replay whose slider does nothing) must fail the browser check.
# Usage: tests/e2e_report.sh build/elbsim   (gnuplot and chromium: make deps)
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-report-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
watch_crashes
SHOTS=build/screenshots
CHECK="python3 tests/browser_check.py --timeout 60"

echo "e2e report: $ELBSIM"
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "  FAIL gnuplot not installed (make deps)"; exit 1
fi

# static_checks NAME PAGE SECTION...: the page is there, loads nothing, parses, and has an
# element with each id named.
static_checks() {
    local name=$1 page=$2
    shift 2
    if [ ! -s "$page" ]; then ko "$name: report.html written" "$(ls -la "$(dirname "$page")")"; return; fi
    local loads
    loads=$(grep -oiE '(src|href)="(https?:)?//[^"]*"|<script[^>]* src=|<link[^>]*>|@import|url\((["'\'']?)(https?:)?//' "$page" | head -3)
    if [ -n "$loads" ]; then ko "$name: loads nothing from the network" "$loads"; else ok "$name: loads nothing from the network"; fi
    if grep -oiE 'https?://[^"'\'' <)]*' "$page" | grep -vE '^http://www\.w3\.org/' | grep -q .; then
        ko "$name: no http(s) address but XML namespaces" "$(grep -oiE 'https?://[^"'\'' <)]*' "$page" | grep -vE '^http://www\.w3\.org/' | sort -u | head -3)"
    else ok "$name: no http(s) address but XML namespaces"; fi
    local out
    if out=$(python3 tests/html_check.py "$page" "$@" 2>&1); then ok "$name: well-formed, sections $*"
    else ko "$name: well-formed, sections $*" "$out"; fi
}

# --- a run, its page written by `elbsim run` (output.report: true) ---
out=$("$ELBSIM" run scenarios/examples/crash_detection.yaml --set output.report=true \
    -q -o "$TMP/run" 2>&1); rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 3 ]; then ok "run with output.report: true exits 0 or 3"
else ko "run with output.report: true exits 0 or 3 (got $rc)" "$out"; fi
static_checks "run" "$TMP/run/report.html" scenario headline replay plots events replay-data \
    replay-slider replay-play
grep -q 'report: true' "$TMP/run/scenario.yaml" && ok "resolved scenario.yaml keeps output.report" ||
    ko "resolved scenario.yaml keeps output.report" "$(grep output "$TMP/run/scenario.yaml")"
n=$(grep -c '<figure class="plot"' "$TMP/run/report.html")
[ "$n" -ge 4 ] && ok "run: $n figures inline" || ko "run: at least 4 figures inline (got $n)"
grep -q 'crash starts' "$TMP/run/report.html" && grep -q 'class="ev" data-t="300' "$TMP/run/report.html" &&
    ok "run: the fault in the timeline, linked to its time" ||
    ko "run: the fault in the timeline, linked to its time"
grep -q 'Workload <b>' "$TMP/run/report.html" && grep -q 'Target group <b>web</b>' "$TMP/run/report.html" &&
    ok "run: the scenario in words" || ko "run: the scenario in words"
[ ! -e "$TMP/run/plots.gp" ] && ok "run: nothing but report.html added to the folder" ||
    ko "run: nothing but report.html added to the folder" "$(ls "$TMP/run")"
grep -q 'This run wrote no per-target series' "$TMP/run/report.html" &&
    ko "run: a run with per-target series says nothing of their absence" ||
    ok "run: a run with per-target series says nothing of their absence"

# --- a run without per-target series (output.per_target: false) ---
out=$("$ELBSIM" run tests/data/per_target_off.yaml --set output.report=true -q -o "$TMP/ptoff" 2>&1)
rc=$?
[ $rc -eq 0 ] && ok "per_target off: run with output.report exits 0" ||
    ko "per_target off: run with output.report exits 0 (got $rc)" "$out"
static_checks "per_target off" "$TMP/ptoff/report.html" scenario headline replay plots events \
    replay-data
grep -q 'This run wrote no per-target series (<code>output.per_target</code> false' \
    "$TMP/ptoff/report.html" && grep -q '"targets_total":0' "$TMP/ptoff/report.html" &&
    ok "per_target off: no target replayed, and the page says why" ||
    ko "per_target off: no target replayed, and the page says why"

# `elbsim report DIR` again gives the same page (byte for byte).
cp "$TMP/run/report.html" "$TMP/first.html"
out=$("$ELBSIM" report "$TMP/run" 2>&1); rc=$?
if [ $rc -eq 0 ] && cmp -s "$TMP/first.html" "$TMP/run/report.html"; then
    ok "report DIR rewrites the same page"
else ko "report DIR rewrites the same page (rc $rc)" "$out"; fi

# --- compare and sweep folders ---
"$ELBSIM" compare scenarios/examples/heterogeneous_lor.yaml \
    --vary target_groups.app.algorithm=round_robin,least_outstanding_requests \
    --reps 2 --set duration=60s --set warmup=10s -q -o "$TMP/cmp" >/dev/null 2>&1
out=$("$ELBSIM" report "$TMP/cmp" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "report of a compare folder exits 0" || ko "report of a compare folder exits 0 (got $rc)" "$out"
static_checks "compare" "$TMP/cmp/report.html" variants plots
grep -q 'least_outstanding_requests' "$TMP/cmp/report.html" && grep -q '<th>interval</th>' "$TMP/cmp/report.html" &&
    ok "compare: variants side by side with intervals" || ko "compare: variants side by side with intervals"

"$ELBSIM" sweep scenarios/examples/sweep_capacity.yaml --vary target_groups.web.targets.0.count=6..8 \
    --reps 2 --set duration=120s -q -o "$TMP/sweep" >/dev/null 2>&1
out=$("$ELBSIM" report "$TMP/sweep" 2>&1); rc=$?
[ $rc -eq 0 ] && ok "report of a sweep folder exits 0" || ko "report of a sweep folder exits 0 (got $rc)" "$out"
static_checks "sweep" "$TMP/sweep/report.html" variants plots

# --- bad input: exit 2, nothing written ---
mkdir -p "$TMP/empty"
out=$("$ELBSIM" report "$TMP/empty" 2>&1); rc=$?
if [ $rc -eq 2 ] && [ ! -e "$TMP/empty/report.html" ] && echo "$out" | grep -q 'timeseries_wide.csv'; then
    ok "a folder elbsim did not write: exit 2, says what it looks for, writes nothing"
else ko "a folder elbsim did not write: exit 2, says what it looks for, writes nothing (rc $rc)" "$out"; fi
cp -r "$TMP/run" "$TMP/bad" && rm -f "$TMP/bad/report.html"
printf 'time_s,kind,name,detail\n1,health\n' >"$TMP/bad/events.csv"
out=$("$ELBSIM" report "$TMP/bad" 2>&1); rc=$?
if [ $rc -eq 2 ] && [ ! -e "$TMP/bad/report.html" ] && echo "$out" | grep -q 'events.csv:2'; then
    ok "a malformed events.csv: exit 2 with file:line, nothing written"
else ko "a malformed events.csv: exit 2 with file:line, nothing written (rc $rc)" "$out"; fi
out=$("$ELBSIM" report 2>&1); rc=$?
[ $rc -eq 2 ] && ok "no folder: usage, exit 2" || ko "no folder: usage, exit 2 (got $rc)" "$out"

# --- in the browser ---
if ! command -v "${ELBSIM_CHROMIUM:-chromium}" >/dev/null 2>&1; then
    echo "  skip: the browser checks: chromium not installed (make deps installs it)"
else
    mkdir -p "$SHOTS"
    # browser NAME EXPECT ARGS...: the checker's exit status is EXPECT (0 or 1).
    browser() {
        local name=$1 want=$2
        shift 2
        local out rc
        out=$($CHECK "$@" 2>&1); rc=$?
        if [ $rc -eq "$want" ]; then ok "$name"; else ko "$name (checker exit $rc, want $want)" "$out"; fi
    }
    browser "browser: run report: no errors, figures drawn, replay slider and play work" 0 \
        "$TMP/run/report.html" --check-js tests/browser/report_checks.js --screenshot "$SHOTS/report.png"
    browser "browser: compare report" 0 "$TMP/cmp/report.html" --screenshot "$SHOTS/report-compare.png"
    browser "browser: sweep report" 0 "$TMP/sweep/report.html" --screenshot "$SHOTS/report-sweep.png"

    # The test of the test: each page broken one way must fail.
    good='<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
    printf '%s<p>x</p><script>notAFunction();</script></body></html>' "$good" >"$TMP/js-error.html"
    printf '%s<p>x</p><script>console.error("bad");</script></body></html>' "$good" >"$TMP/console-error.html"
    printf '%s<img src="missing.png" width="10" height="10" alt="x"></body></html>' "$good" >"$TMP/broken-img.html"
    printf '%s<svg width="200" height="100"></svg></body></html>' "$good" >"$TMP/empty-svg.html"
    printf '%s<svg width="0" height="0"><rect width="5" height="5"/></svg></body></html>' "$good" >"$TMP/zero-svg.html"
    browser "browser check fails on a script error" 1 "$TMP/js-error.html"
    browser "browser check fails on console.error" 1 "$TMP/console-error.html"
    browser "browser check fails on an image that does not load" 1 "$TMP/broken-img.html"
    browser "browser check fails on an empty SVG" 1 "$TMP/empty-svg.html"
    browser "browser check fails on an SVG of zero size" 1 "$TMP/zero-svg.html"
    # A replay whose slider does nothing: the page-specific check must catch it.
    sed 's/setFrame(parseInt(slider.value, 10));/void 0;/' "$TMP/run/report.html" >"$TMP/dead-slider.html"
    if cmp -s "$TMP/run/report.html" "$TMP/dead-slider.html"; then
        ko "the dead-slider page differs from the report (the test's sed matched nothing)"
    else
        browser "browser check fails when the replay slider does nothing" 1 \
            "$TMP/dead-slider.html" --check-js tests/browser/report_checks.js
    fi
fi

echo "e2e report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
