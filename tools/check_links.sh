#!/usr/bin/env bash
# check_links.sh FILE.md ...: every relative link and image in the given Markdown files
# points to a file that exists, and every #anchor to a heading of its page.
#
# Links are [text](target) and ![alt](target), also when the text runs over two lines;
# fenced code blocks and `inline code` are skipped.  http(s):, mailto: and ftp: links are
# not fetched.  Anchors follow GitHub's rule: the heading in lower case, characters other
# than letters, digits, spaces, '-' and '_' dropped (non-ASCII included), spaces turned
# into '-', and "-1", "-2", ... added to repeated headings.
# Prints one line per broken link (FILE: target: reason); exit 1 if there is any.
set -u

# The anchors of a Markdown file, one per line.
anchors() {
    awk '
        /^[ \t]*(```|~~~)/ { fence = !fence; next }
        fence { next }
        /^#+[ \t]/ {
            h = $0
            sub(/^#+[ \t]+/, "", h); sub(/[ \t]+#*[ \t]*$/, "", h)
            h = tolower(h)
            s = ""
            for (i = 1; i <= length(h); i++) {
                c = substr(h, i, 1)
                if (c ~ /[a-z0-9_-]/) s = s c
                else if (c == " ") s = s "-"
            }
            if (s in seen) { n = seen[s]++; print s "-" n } else { seen[s] = 1; print s }
        }' "$1"
}

# The link targets of a Markdown file, one per line.
targets() {
    awk '
        /^[ \t]*(```|~~~)/ { fence = !fence; next }
        fence { next }
        { line = $0; gsub(/`[^`]*`/, "", line); text = text " " line }
        END {
            while (match(text, /\]\([^)]*\)/)) {
                print substr(text, RSTART + 2, RLENGTH - 3)
                text = substr(text, RSTART + RLENGTH)
            }
        }' "$1"
}

bad=0
for f in "$@"; do
    [ -f "$f" ] || { echo "$f: no such file"; bad=1; continue; }
    dir=$(dirname "$f")
    while IFS= read -r t; do
        t=${t%% *}                     # [x](path "title")
        case "$t" in
            http://* | https://* | mailto:* | ftp://* | '') continue ;;
        esac
        path=${t%%#*}
        anchor=""
        [ "$path" != "$t" ] && anchor=${t#*#}
        if [ -z "$path" ]; then
            target=$f
        else
            target=$dir/$path
            if [ ! -e "$target" ]; then
                echo "$f: $t: $target does not exist"
                bad=1
                continue
            fi
        fi
        if [ -n "$anchor" ]; then
            case "$target" in
                *.md)
                    if ! anchors "$target" | grep -qxF -- "$anchor"; then
                        echo "$f: $t: no heading with anchor #$anchor in $target"
                        bad=1
                    fi ;;
            esac
        fi
    done < <(targets "$f")
done
[ $bad -eq 0 ] && echo "check_links: ok ($# files)"
exit $bad
