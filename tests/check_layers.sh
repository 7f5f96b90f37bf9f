#!/usr/bin/env bash
# The architecture as a test (docs/ARCHITECTURE.md "Layers"):
#  1. every #include between folders follows the table below (dependencies run one way);
#  2. no include circle between modules (a module is a .c with its .h; a private X_impl.h
#     belongs to module X beside it, or, in a sub-folder of strategies such as arrivals/,
#     to the module the folder is named for): tsort finds none;
#  3. with --graph, prints the folder-to-folder include graph (for the docs).
# Usage: tests/check_layers.sh [--graph]
set -u
cd "$(dirname "$0")/.."
TMP=$(mktemp -d /tmp/elbsim-layers-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# folder: the folders it may include (itself always); "models" allows every models/<domain>.
cat >"$TMP/allowed" <<'EOF'
sim sim
models/core sim
models/compute sim models/core
models/traffic sim models/core
models/elb sim models/core models/compute
models/forecast sim
models/scaling sim models/core models/compute models/elb models/forecast
models/containers sim models/core models/compute models/elb models/scaling
models/kube sim models/core models/compute models/elb models/scaling
models/scenario sim models
analysis sim
sim/cli sim models analysis
tests sim models analysis sim/cli
EOF

find sim models analysis tests -name '*.[ch]' | LC_ALL=C sort >"$TMP/files"
# "file included" pairs, then the checks, in one awk pass.
xargs grep -H '^#include "' <"$TMP/files" | sed 's/:#include "\([^"]*\)".*/ \1/' >"$TMP/incs"
find sim models analysis -name '*.[ch]' | sed 's/\.[ch]$//' | LC_ALL=C sort -u >"$TMP/modules"

awk -v graph="${1:-}" -v edges="$TMP/edges" -v modg="$TMP/modgraph" '
function layer(p,   a) {
    if (p ~ /^models\//) { split(p, a, "/"); return a[1] "/" a[2] }
    if (p ~ /^analysis\//) return "analysis"
    if (p ~ /^sim\/cli\//) return "sim/cli"
    if (p ~ /^sim\//) return "sim"
    if (p ~ /^tests\//) return "tests"
    return "other"
}
function module(p,   m) {
    m = p; sub(/\.[ch]$/, "", m)
    if (m ~ /_impl$/) { sub(/_impl$/, "", m); if (!(m in mods)) sub(/\/[^\/]*$/, "", m) }
    return m
}
FILENAME ~ /allowed$/ { ok[$1] = " " $0 " "; next }
FILENAME ~ /modules$/ { mods[$1] = 1; next }
{
    f = $1; inc = $2; from = layer(f); to = layer(inc)
    if (to == "other") next
    a = ok[from]
    if (index(a, " " to " ") == 0 && !(to ~ /^models\// && index(a, " models ") > 0)) {
        printf "  layer: %s includes %s (%s may not include %s)\n", f, inc, from, to
        bad++
    }
    if (from != to) print from, to > edges
    mf = module(f); mt = module(inc)
    if (mf != mt) print mf, mt > modg
}
END { exit bad > 0 }
' "$TMP/allowed" "$TMP/modules" "$TMP/incs"
bad=$?
touch "$TMP/edges" "$TMP/modgraph"

cycles=$(tsort "$TMP/modgraph" 2>&1 >/dev/null | grep -v 'input contains a loop:$')
if [ -n "$cycles" ]; then
    echo "  include circle between modules:"
    echo "$cycles" | sed 's/^tsort: /    /'
    bad=1
fi

if [ "${1:-}" = "--graph" ]; then
    echo "folder -> folders it includes"
    LC_ALL=C sort -u "$TMP/edges" | awk '
        { to[$1] = to[$1] (to[$1] ? ", " : "") $2 }
        END { for (f in to) printf "  %-20s -> %s\n", f, to[f] }' | LC_ALL=C sort
fi
if [ $bad -eq 0 ]; then echo "check-layers: ok"; else echo "check-layers: problems above"; fi
[ $bad -eq 0 ]
