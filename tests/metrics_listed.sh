#!/usr/bin/env bash
# `elbsim list metrics` against what runs write, both ways: every metric it lists appears
# in some run's timeseries.csv or summary.csv, and every metric a run writes is listed
# (a placeholder such as <policy>.metric or requests_zone_<zone> stands for any name).
#
# Usage: tests/metrics_listed.sh LIST_OUTPUT RUN_DIR...   (tests/golden.sh passes the
# output of `elbsim list` and the folders of every scenario it ran)
set -u
list=$1
shift
tmp=$(mktemp -d /tmp/elbsim-metrics-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# "<file>,<scope>,<pattern>" for every listed metric; file is timeseries or summary.
awk '
    /^Time-series metrics/ { file = "timeseries"; next }
    /^Summary metrics/     { file = "summary"; next }
    !/^  / { file = ""; next }
    file == "" { next }
    /^  [^ ]/ { scope = $1; sub(/^  [^ ]+ +/, "") }
    { sub(/^ +/, ""); n = split($0, m, /, */)
      for (i = 1; i <= n; i++) if (m[i] != "") print file "," scope "," m[i] }
' "$list" | sort -u >"$tmp/listed"
[ -s "$tmp/listed" ] || { echo "  FAIL metrics: nothing listed in $list"; exit 1; }

for d in "$@"; do
    [ -f "$d/timeseries.csv" ] && awk -F, 'NR > 1 { print "timeseries," $2 "," $4 }' "$d/timeseries.csv"
    [ -f "$d/summary.csv" ] && awk -F, 'NR > 1 { print "summary," $1 "," $3 }' "$d/summary.csv"
done | sort -u >"$tmp/written"

# A listed pattern matches a written metric of the same file and scope; <x> is any name.
awk -F, '
    NR == FNR { key = $1 "," $2; pat = $3; gsub(/[.]/, "\\.", pat); gsub(/<[a-z]+>/, ".+", pat)
                np[key]++; p[key, np[key]] = "^" pat "$"; raw[key, np[key]] = $3; next }
    { key = $1 "," $2; ok = 0
      for (i = 1; i <= np[key]; i++) if ($3 ~ p[key, i]) { seen[key, i] = 1; ok = 1 }
      if (!ok) { print "  FAIL metrics: " $1 ".csv has " $2 " " $3 ", which `elbsim list metrics` does not list"; bad++ } }
    END { for (k in np) for (i = 1; i <= np[k]; i++) if (!seen[k, i]) {
              split(k, s, ",")
              print "  FAIL metrics: `elbsim list metrics` lists " s[1] " " s[2] " " raw[k, i] ", which no run writes"; bad++ }
          exit bad > 0 }
' "$tmp/listed" "$tmp/written" | LC_ALL=C sort
rc=${PIPESTATUS[0]}
echo "metrics: $(wc -l <"$tmp/listed") listed, $(wc -l <"$tmp/written") written (scope, metric) pairs checked both ways"
exit "$rc"
