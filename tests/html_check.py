#!/usr/bin/env python3
"""Check that an HTML page is well-formed enough and has the elements it promises.

    tests/html_check.py PAGE.html [ID]...

Fails (exit 1, each problem on stderr) when an element is closed that is not open, one is
left open at the end (void elements such as <meta>, <input>, <br> need no end tag), an
id appears twice, or an ID named is missing.  Used by tests/e2e_report.sh.
"""
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids = [], [], {}

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                if v in self.ids:
                    self.problems.append("line %d: id '%s' again (first line %d)"
                                         % (self.getpos()[0], v, self.ids[v]))
                self.ids.setdefault(v, self.getpos()[0])
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                self.ids.setdefault(v, self.getpos()[0])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            top = "%s (line %d)" % self.stack[-1] if self.stack else "nothing"
            self.problems.append("line %d: </%s> closes %s" % (self.getpos()[0], tag, top))
            # Resynchronise on the nearest matching open element.
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break
            return
        self.stack.pop()


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    c = Checker()
    c.feed(text)
    c.close()
    problems = c.problems[:20]
    for tag, line in c.stack:
        problems.append("<%s> of line %d never closed" % (tag, line))
    if not text.lstrip().lower().startswith("<!doctype html>"):
        problems.append("no <!DOCTYPE html> first")
    for want in sys.argv[2:]:
        if want not in c.ids:
            problems.append("no element with id '%s'" % want)
    for p in problems:
        print("html_check: %s: %s" % (sys.argv[1], p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
