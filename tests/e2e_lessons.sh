#!/usr/bin/env bash
# End-to-end tests of `elbsim lessons`: the whole gallery (scenarios/lessons/gallery.yml)
# runs and every lesson's claims hold (a false claim fails this script, naming the lesson,
# the claim and its numbers); the page's cards, images and relative links; a false claim
# (exit 3, the page still written); HTML escaping; bad manifests (file:line:col, exit 2,
# nothing written).
# Usage: tests/e2e_lessons.sh build/elbsim
set -u
ELBSIM=${1:-build/elbsim}
TMP=$(mktemp -d /tmp/elbsim-e2e-lessons-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

# A crash fails the checks (watch_crashes, ok, ko: tests/e2e_lib.sh).
# shellcheck source=tests/e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
watch_crashes

echo "e2e lessons: $ELBSIM"
G=scenarios/lessons/gallery.yml

# --- the gallery: every claim of every lesson holds ---
start=$(date +%s)
out=$("$ELBSIM" lessons "$G" -o "$TMP/gallery" 2>&1)
rc=$?
secs=$(($(date +%s) - start))
echo "  (the gallery took $secs s)"
if [ $rc -eq 0 ]; then ok "gallery: every claim holds"; else ko "gallery: exit $rc" "$out"; fi
page=$TMP/gallery/index.html
n_lessons=$(grep -c '^  - name:' "$G")
n_cards=$(grep -c '<section class="card"' "$page" 2>/dev/null)
[ "$n_cards" = "$n_lessons" ] && ok "gallery: one card per lesson ($n_cards)" \
    || ko "gallery: $n_cards cards for $n_lessons lessons"
echo "$out" | grep -Eq "^lessons: $n_lessons lessons, ([0-9]+) of \1 claims hold" \
    && ok "gallery: summary line" || ko "gallery: summary line" "$out"
grep -q 'class="false"' "$page" && ko "gallery: a claim is marked false" || ok "gallery: no claim marked false"
# Every image and link is relative and names a file that exists (the page opens from file://).
bad=""
for ref in $(grep -oE '(src|href)="[^"#][^"]*"' "$page" | sed -E 's/^(src|href)="//; s/"$//'); do
    case $ref in /* | *://*) bad="$bad absolute:$ref" ;; esac
    [ -f "$TMP/gallery/$ref" ] || bad="$bad missing:$ref"
done
[ -z "$bad" ] && ok "gallery: every src/href is relative and exists" || ko "gallery: links" "$bad"
n_img=$(grep -c '<img src=' "$page")
[ "$n_img" = "$n_lessons" ] && ok "gallery: one plot per card" || ko "gallery: $n_img plots"
for f in $(grep -oE '<img src="[^"]*"' "$page" | sed 's/<img src="//; s/"$//'); do
    head -c 8 "$TMP/gallery/$f" | od -An -c | grep -q 'P   N   G' || { ko "gallery: $f is not a PNG"; break; }
done
n_try=$(grep -c '<div class="try">' "$page")
[ "$n_try" = "$n_lessons" ] && ok "gallery: a try-this per card" || ko "gallery: $n_try try-this"
grep -q '<td>?' "$page" && ko "gallery: a number could not be computed" || ok "gallery: every number computed"
# As a person sees it: headless Chromium from file:// (tests/browser_check.py): no console
# error, every plot drawn with a size; a full-page screenshot for the record.
out=$(python3 tests/browser_check.py --timeout 60 "$page" --screenshot build/screenshots/lessons.png 2>&1) \
    && ok "gallery: opens in headless Chromium, every plot drawn (build/screenshots/lessons.png)" \
    || ko "gallery: in headless Chromium" "$out"
[ -f "$TMP/gallery/rr_vs_lor/lor/summary.csv" ] && ok "gallery: runs kept in DIR/<lesson>/<run>" \
    || ko "gallery: run folders"

# --- a false claim: exit 3, the lesson, the claim and the numbers named; page written ---
out=$("$ELBSIM" lessons tests/data/lessons/false_claim.yml -o "$TMP/false" 2>&1)
rc=$?
[ $rc -eq 3 ] && ok "false claim: exit 3" || ko "false claim: exit $rc, wanted 3" "$out"
echo "$out" | grep -Eq 'false_claim.yml:[0-9]+:[0-9]+: error: lesson tiny: claim false: "more requests than could ever come <false>": base:run.run.requests > 1e9 gave [0-9]+ > 1e\+09' \
    && ok "false claim: message names lesson, claim and numbers" || ko "false claim: message" "$out"
grep -q 'class="false"' "$TMP/false/index.html" 2>/dev/null && ok "false claim: marked on the page" \
    || ko "false claim: page"

# --- HTML escaping: text from the manifest is never markup ---
p=$TMP/false/index.html
if grep -q '<script' "$p" || grep -q '<b>bold' "$p" || grep -q 'requests <n>' "$p"; then
    ko "escaping: raw markup on the page" "$(grep -n '<script\|<b>bold\|<n>' "$p")"
else ok "escaping: no raw markup"; fi
grep -q 'Does &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; show as text?' "$p" \
    && grep -q 'Tiny &lt;b&gt;bold&lt;/b&gt; &amp; co' "$p" \
    && grep -q 'The &quot;numbers&quot; &amp; the claims.' "$p" \
    && ok "escaping: <, >, &, quotes escaped" || ko "escaping: entities" "$(sed -n '/<section/,/<\/h2>/p' "$p")"
grep -q "elbsim run tests/data/e2e_small.yaml --set duration=20s --set duration=10s" "$p" \
    && ok "try this: the command as typed" || ko "try this: command" "$(grep -o 'Try this.*' "$p")"

# --- --only ---
out=$("$ELBSIM" lessons "$G" --only cross_zone -o "$TMP/only" 2>&1)
[ $? -eq 0 ] && [ "$(grep -c '<section class="card"' "$TMP/only/index.html")" = 1 ] \
    && ok "--only: one lesson" || ko "--only" "$out"

# --- bad input: exit 2, where and what, nothing written ---
# expect_error NAME PATTERN MANIFEST-TEXT [ARGS...]
expect_error() {
    local name=$1 pat=$2 text=$3
    shift 3
    printf '%s\n' "$text" >"$TMP/bad_$name.yml"
    local out rc
    out=$("$ELBSIM" lessons "$TMP/bad_$name.yml" -o "$TMP/err_$name" "$@" 2>&1)
    rc=$?
    if [ $rc -ne 2 ]; then ko "$name: exit $rc, wanted 2" "$out"; return; fi
    if ! echo "$out" | grep -Eq -- "$pat"; then ko "$name: message" "$out"; return; fi
    if [ -e "$TMP/err_$name" ]; then ko "$name: output left behind"; return; fi
    ok "$name"
}
S=$(cd tests/data && pwd)/e2e_small.yaml
lesson() { # lesson CLAIM [EXTRA]: a one-lesson manifest
    printf 'lessons:\n  - name: l\n    title: t\n    question: q\n    look_at: l\n'
    printf '    runs: [ { name: a, scenario: %s, set: [duration=10s] } ]\n' "$S"
    printf '    plot: { run: a, file: latency.png }\n'
    printf '    numbers: [ { label: n, value: "a:run.run.requests" } ]\n'
    printf '    claims: [ { say: s, check: "%s" } ]\n' "$1"
    printf '    try: { set: [duration=12s], expect: e }\n%s\n' "${2:-}"
}
expect_error unknown_key "bad_unknown_key.yml:3:5: .*unknown key 'lesson'" "lessons:
  - name: x
    lesson: y"
expect_error bad_expression "bad_bad_expression.yml:[0-9]+:[0-9]+: error: expected <, <=, > or >=" \
    "$(lesson 'a:run.run.requests = 3')"
expect_error unknown_run "no run 'b' in lesson l; its runs: a try" "$(lesson 'b:run.run.requests > 3')"
expect_error unknown_metric "no metric 'run.run.nothing' in the summary.csv of run a" \
    "$(lesson 'a:run.run.nothing > 3')"
expect_error no_try "lesson l needs 'try'" "$(lesson 'a:run.run.requests > 3' | grep -v 'try:')"
expect_error plot_name "plot: expected a file name" "$(lesson 'a:run.run.requests > 3' | sed 's/latency.png/..\/x.png/')"
expect_error only_unknown "--only nope: no such lesson" "$(lesson 'a:run.run.requests > 3')" --only nope
expect_error run_fails "lesson l: .elbsim run. of run a failed \(exit status 2\)" \
    "$(lesson 'a:run.run.requests > 3' | sed 's/set: \[duration=10s\]/set: [nosuch=1]/')"
expect_error missing_plot "lesson l: the plot a/forecast.png was not drawn" \
    "$(lesson 'a:run.run.requests > 3' | sed 's/latency.png/forecast.png/')"
out=$("$ELBSIM" lessons "$TMP/none.yml" -o "$TMP/err_none" 2>&1)
[ $? -eq 1 ] && [ ! -e "$TMP/err_none" ] && echo "$out" | grep -q "cannot open '.*none.yml': No such file" \
    && ok "missing manifest: exit 1" || ko "missing manifest" "$out"

report_crashes
echo "e2e lessons: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
