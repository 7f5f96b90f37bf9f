#!/usr/bin/env bash
# The architecture as a test (docs/ARCHITECTURE.md "Layers"):
#  1. every #include between folders follows the table below (dependencies run one way);
#  2. no include circle between modules (a module is a .c with its .h): tsort finds none;
#  3. with --graph, prints the folder-to-folder include graph (for the docs and the note).
# Usage: tests/check_layers.sh [--graph]
set -u
cd "$(dirname "$0")/.."

# folder: the folders it may include (itself always).  Deeper folders (models/elb/routing)
# take their parent's row.
allowed() {
    case $1 in
    sim) echo "sim" ;;
    models/core) echo "sim" ;;
    models/compute) echo "sim models/core" ;;
    models/traffic) echo "sim models/core" ;;
    models/elb) echo "sim models/core models/compute" ;;
    models/forecast) echo "sim" ;;
    models/scaling) echo "sim models/core models/compute models/elb models/forecast" ;;
    models/containers) echo "sim models/core models/compute models/elb models/scaling" ;;
    models/scenario) echo "sim models/core models/compute models/traffic models/elb \
models/forecast models/scaling models/containers" ;;
    analysis) echo "sim" ;;
    sim/cli) echo "sim models analysis" ;;
    tests) echo "sim models analysis sim/cli" ;;
    *) echo "?" ;;
    esac
}

# The folder a file belongs to for the table: models/<domain>, analysis, sim/cli, sim, tests.
layer() {
    case $1 in
    models/*) echo "$1" | cut -d/ -f1-2 ;;
    analysis/*) echo analysis ;;
    sim/cli/*) echo sim/cli ;;
    sim/*) echo sim ;;
    tests/*) echo tests ;;
    *) echo other ;;
    esac
}

module() {
    local m=$1
    case $m in
    *_impl)
        m=${m%_impl}
        [ -e "$m.c" ] || [ -e "$m.h" ] || m=${m%/*} ;;
    esac
    echo "$m"
}

files=$(find sim models analysis tests -name '*.[ch]' | LC_ALL=C sort)
bad=0
edges=""
for f in $files; do
    from=$(layer "$f")
    ok=" $(allowed "$from") $from "
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        to=$(layer "$inc")
        [ "$to" = other ] && continue
        case $ok in
        *" $to "*) ;;
        *" ${to%%/*} "*) ;; # "models" allows any models/<domain>
        *) echo "  layer: $f includes $inc ($from may not include $to)"; bad=$((bad + 1)) ;;
        esac
        [ "$from" != "$to" ] && edges="$edges$from $to"$'\n'
        # module graph: foo.c / foo.h are one module "foo"
        # (a private X_impl.h belongs to module X beside it, or, inside a sub-folder of
        # strategies such as arrivals/, to the module the folder is named for)
        m_from=$(module "${f%.[ch]}"); m_to=$(module "${inc%.h}")
        [ "$m_from" != "$m_to" ] && echo "$m_from $m_to" >>"${TMPDIR:-/tmp}/elbsim-layers.$$"
    done
done

cycles=$(tsort "${TMPDIR:-/tmp}/elbsim-layers.$$" 2>&1 >/dev/null | grep -v '^tsort: .*: input contains a loop:$')
rm -f "${TMPDIR:-/tmp}/elbsim-layers.$$"
if [ -n "$cycles" ]; then
    echo "  include circle between modules:"
    echo "$cycles" | sed 's/^tsort: /    /'
    bad=$((bad + 1))
fi

if [ "${1:-}" = "--graph" ]; then
    echo "folder -> folders it includes"
    printf '%s' "$edges" | LC_ALL=C sort -u | awk '
        { to[$1] = to[$1] (to[$1] ? ", " : "") $2 }
        END { for (f in to) printf "  %-20s -> %s\n", f, to[f] }' | LC_ALL=C sort
fi
if [ $bad -eq 0 ]; then echo "check-layers: ok"; else echo "check-layers: $bad problems"; fi
[ $bad -eq 0 ]
