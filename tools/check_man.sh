#!/usr/bin/env bash
# check_man.sh ELBSIM: `make check-man`, part of `make test`.
#   1. docs/elbsim.1 and docs/commands.md equal a fresh rendering by tools/mkman.sh, so a
#      help text changed without `make man` fails;
#   2. the troff is well formed: known man macros only, known escapes only, .nf/.fi and
#      .RS/.RE paired, no blank lines outside .nf; with groff installed (make deps installs
#      groff-base), `groff -man -ww` renders it without a warning, and with man-db,
#      `man -l` renders it;
#   3. every relative link and anchor of README.md and docs/*.md resolves
#      (tools/check_links.sh);
#   4. `make install` and `make uninstall` work in a temporary PREFIX and under DESTDIR.
# Run from the top of the tree; $MAKE is the make to use for step 4 (default: make).
set -euo pipefail
ELBSIM=${1:?usage: tools/check_man.sh ELBSIM}
MAKE=${MAKE:-make}
MAN=docs/elbsim.1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
ko() { echo "check-man: $*"; fail=1; }

# ---- 1. the committed page is the current one -------------------------------------------
for f in man:$MAN md:docs/commands.md; do
    fmt=${f%%:*} file=${f#*:}
    if ! bash tools/mkman.sh "$ELBSIM" "$fmt" > "$TMP/fresh" 2> "$TMP/err"; then
        cat "$TMP/err"
        ko "tools/mkman.sh $fmt failed"
    elif ! [ -f "$file" ]; then
        ko "$file is missing: run make man"
    elif ! cmp -s "$TMP/fresh" "$file"; then
        diff -u "$file" "$TMP/fresh" | head -n 40 || true
        ko "$file differs from the program's help texts (above): run make man and commit it"
    fi
done

# ---- 2. well-formed troff -----------------------------------------------------------------
if [ -f "$MAN" ]; then
    if ! awk '
        function bad(msg) { printf "%s:%d: %s: %s\n", FILENAME, NR, msg, $0; errors++ }
        NR == 1 && !/^\.(\\"|TH )/ { bad("the page must start with .TH or a comment") }
        /^\.\\"/ { next }
        /^\.TH / { th++ }
        /^[.\047]/ {
            req = $1; sub(/^[.\047]/, "", req)
            if (!(req in ok)) bad("unknown request ." req)
            if (req == "nf") { if (nf) bad(".nf inside .nf"); nf = 1 }
            if (req == "fi") { if (!nf) bad(".fi without .nf"); nf = 0 }
            if (req == "RS") rs++
            if (req == "RE") { if (!rs) bad(".RE without .RS"); else rs-- }
            if (req ~ /^S[HS]$/ && nf) bad("section heading inside .nf")
        }
        /^$/ && !nf { bad("blank line outside .nf (use .PP)") }
        {
            line = $0
            while ((i = index(line, "\\")) > 0) {
                c = substr(line, i + 1, 1)
                if (c == "(") { n = 4; if (length(substr(line, i + 2, 2)) < 2) bad("short \\( escape") }
                else if (c == "f") { n = 3; if (substr(line, i + 2, 1) !~ /[BIRP]/) bad("unknown font escape") }
                else if (c ~ /[e&"\\-]/) n = 2
                else { bad("unknown escape \\" c); n = 2 }
                line = substr(line, i + n)
            }
        }
        END {
            if (th != 1) { print FILENAME ": wants exactly one .TH, has " th; errors++ }
            if (nf) { print FILENAME ": .nf not closed by .fi"; errors++ }
            if (rs) { print FILENAME ": .RS not closed by .RE"; errors++ }
            exit errors > 0
        }
        BEGIN {
            n = split("TH SH SS PP LP P TP IP HP B I R BR BI IB IR RB RI SM SB nf fi br sp in RS RE", r, " ")
            for (k = 1; k <= n; k++) ok[r[k]] = 1
        }' "$MAN"; then
        ko "$MAN is not well-formed troff (above)"
    fi
    if command -v groff >/dev/null 2>&1; then
        if ! groff -man -Tutf8 -ww -P-cbou "$MAN" > "$TMP/render" 2> "$TMP/groff.err" ||
           [ -s "$TMP/groff.err" ]; then
            cat "$TMP/groff.err"
            ko "groff -man -ww: warnings or errors on $MAN"
        elif ! grep -q 'EXIT STATUS' "$TMP/render" || ! grep -q 'elbsim run' "$TMP/render"; then
            ko "groff rendered $MAN without its EXIT STATUS section or the run command"
        fi
    else
        echo "check-man: groff not installed, $MAN checked by the lint only (make deps installs groff-base)"
    fi
    if command -v man >/dev/null 2>&1; then
        if ! MANWIDTH=80 man -l "$MAN" 2> "$TMP/man.err" | grep -q 'elbsim COMMAND'; then
            cat "$TMP/man.err"
            ko "man -l $MAN did not render the synopsis"
        fi
    fi
fi

# ---- 3. links -----------------------------------------------------------------------------
bash tools/check_links.sh README.md docs/*.md > "$TMP/links" || { cat "$TMP/links"; ko "broken links (above)"; }

# ---- 4. install and uninstall -------------------------------------------------------------
installed() { [ -x "$1/bin/elbsim" ] && cmp -s "$MAN" "$1/share/man/man1/elbsim.1"; }
P=$TMP/prefix
if ! $MAKE --no-print-directory -s install PREFIX="$P" > "$TMP/install.log" 2>&1; then
    cat "$TMP/install.log"
    ko "make install PREFIX=$P failed"
elif ! installed "$P"; then
    ko "make install PREFIX=$P did not install bin/elbsim and share/man/man1/elbsim.1"
elif ! "$P/bin/elbsim" --help > /dev/null; then
    ko "the installed elbsim does not run"
elif command -v man >/dev/null 2>&1 && ! MANWIDTH=80 man -M "$P/share/man" elbsim 2>/dev/null |
        grep -q 'elbsim COMMAND'; then
    ko "man -M $P/share/man elbsim does not find the installed page"
fi
$MAKE --no-print-directory -s uninstall PREFIX="$P" > /dev/null 2>&1 || ko "make uninstall failed"
[ -e "$P/bin/elbsim" ] || [ -e "$P/share/man/man1/elbsim.1" ] &&
    ko "make uninstall PREFIX=$P left files behind"
D=$TMP/stage
$MAKE --no-print-directory -s install DESTDIR="$D" PREFIX=/usr/local > /dev/null 2>&1 &&
    installed "$D/usr/local" || ko "make install DESTDIR=$D PREFIX=/usr/local did not install there"
$MAKE --no-print-directory -s uninstall DESTDIR="$D" PREFIX=/usr/local > /dev/null 2>&1 &&
    ! [ -e "$D/usr/local/bin/elbsim" ] || ko "make uninstall DESTDIR=$D left files behind"

[ $fail -eq 0 ] && echo "check-man: ok ($MAN and docs/commands.md current, troff well formed, links, install)"
exit $fail
