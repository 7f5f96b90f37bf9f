#!/usr/bin/env python3
"""Open an HTML page from a file:// URL in Debian's headless Chromium and check it as a
person would see it (docs/report.md "Tested in a browser").

    tests/browser_check.py PAGE.html [--screenshot OUT.png [--clip SELECTOR]]
                           [--check-js FILE]... [--browser chromium] [--timeout 60]

Fails (exit 1, each problem on stderr) when:
  - the page logs a console error, throws an uncaught exception, or the browser logs an
    error (a resource that did not load, a blocked script);
  - the page asks for anything but file:, data: or about: URLs (it must work offline);
  - an <img> did not load or shows with zero width or height; an <svg> (not nested in
    another) has zero width or height or no content;
  - a --check-js file's expression does not evaluate to the string "ok" (it may return a
    promise; any other value is the failure's message).  Page-specific checks go there
    (tests/browser/report_checks.js: the replay's slider and play button).
Exit 2: the browser could not be started or did not answer in time (--timeout seconds).

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3
carries our commands, fd 4 its answers, each message NUL-terminated JSON), so nothing but
python3's standard library and the chromium package is needed.  As root Chromium needs
--no-sandbox; its profile is a temporary --user-data-dir, removed afterwards.
"""
import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, exe, timeout):
        self.deadline = time.monotonic() + timeout
        self.profile = tempfile.mkdtemp(prefix="elbsim-chromium-")
        # Our ends stay above 10 so the child's dup2 onto 3 and 4 cannot clobber them.
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        fds = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_r, to_w, from_r, from_w)]
        for fd in (to_r, to_w, from_r, from_w):
            os.close(fd)
        self.child_in, self.w, self.r, self.child_out = fds

        def child_fds():
            # dup2 leaves 3 and 4 inheritable; every other pipe end is close-on-exec.
            os.dup2(self.child_in, 3)
            os.dup2(self.child_out, 4)

        args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--mute-audio",
                "--disable-dev-shm-usage", "--hide-scrollbars",
                "--disable-background-networking", "--disable-component-update",
                "--allow-file-access-from-files",
                "--user-data-dir=" + self.profile, "--remote-debugging-pipe",
                "--window-size=1280,900", "about:blank"]
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, preexec_fn=child_fds,
                                     close_fds=False, start_new_session=True)
        os.close(self.child_in)
        os.close(self.child_out)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        for fd in (self.w, self.r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def browser_log(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-2000:]

    def _read_message(self):
        while b"\0" not in self.buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the browser did not answer in time")
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise ConnectionError("the browser closed the pipe (it exited?)")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == mid:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, seconds):
        end = min(self.deadline, time.monotonic() + seconds)
        for e in self.events:
            if e["method"] == method:
                return e
        while time.monotonic() < end:
            saved = self.deadline
            self.deadline = end
            try:
                m = self._read_message()
            except TimeoutError:
                break
            finally:
                self.deadline = saved
            if "method" in m:
                self.events.append(m)
                if m["method"] == method:
                    return m
        return None


def evaluate(b, session, expr):
    r = b.send("Runtime.evaluate", {"expression": expr, "awaitPromise": True,
                                    "returnByValue": True}, session)
    if "exceptionDetails" in r:
        d = r["exceptionDetails"]
        text = d.get("exception", {}).get("description") or d.get("text")
        return None, "threw: %s" % text
    return r.get("result", {}).get("value"), None


GEOMETRY = r"""
(() => {
  const bad = [];
  document.querySelectorAll('img').forEach((im, i) => {
    const r = im.getBoundingClientRect();
    if (!im.complete || im.naturalWidth === 0)
      bad.push('img #' + i + ' (' + (im.getAttribute('src') || '').slice(0, 60) + ') did not load');
    else if (r.width <= 0 || r.height <= 0)
      bad.push('img #' + i + ' shows as ' + r.width + 'x' + r.height);
  });
  document.querySelectorAll('svg').forEach((s, i) => {
    if (s.parentElement && s.parentElement.closest('svg')) return;
    const r = s.getBoundingClientRect();
    const name = s.id ? '#' + s.id : 'svg #' + i;
    if (r.width <= 0 || r.height <= 0)
      bad.push(name + ' shows as ' + r.width + 'x' + r.height);
    else if (s.childElementCount === 0)
      bad.push(name + ' is empty');
  });
  return JSON.stringify({bad: bad, imgs: document.images.length,
                         svgs: document.querySelectorAll('svg').length,
                         height: document.documentElement.scrollHeight});
})()
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("page")
    ap.add_argument("--screenshot")
    ap.add_argument("--clip", metavar="SELECTOR",
                    help="screenshot only the first element matching SELECTOR")
    ap.add_argument("--check-js", action="append", default=[])
    ap.add_argument("--browser", default=os.environ.get("ELBSIM_CHROMIUM", "chromium"))
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()

    page = os.path.abspath(a.page)
    if not os.path.isfile(page):
        print("browser_check: no page %s" % page, file=sys.stderr)
        return 2
    exe = shutil.which(a.browser)
    if not exe:
        print("browser_check: %s not found (make deps installs Debian's chromium)" % a.browser,
              file=sys.stderr)
        return 2
    checks = []
    for path in a.check_js:
        with open(path) as f:
            checks.append((path, f.read()))

    problems = []
    b = Browser(exe, a.timeout)
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            b.send(domain + ".enable", {}, s)
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, s)
        b.events.clear()
        b.send("Page.navigate", {"url": "file://" + page}, s)
        if not b.wait_event("Page.loadEventFired", a.timeout):
            raise TimeoutError("the page did not finish loading")
        geo, err = evaluate(b, s, GEOMETRY)
        if err:
            problems.append("geometry check " + err)
        else:
            geo = json.loads(geo)
            problems += geo["bad"]
        for path, js in checks:
            v, err = evaluate(b, s, js)
            if err or v != "ok":
                problems.append("%s: %s" % (path, err or v))
        # Let timers the checks started run out, then gather what the page said.
        evaluate(b, s, "new Promise(r => setTimeout(() => r(1), 50))")
        for e in b.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                problems.append("uncaught exception: %s (line %s)" % (
                    d.get("exception", {}).get("description") or d.get("text"),
                    d.get("lineNumber")))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                args = " ".join(str(x.get("value", x.get("description", ""))) for x in p.get("args", []))
                problems.append("console.%s: %s" % (p["type"], args))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                problems.append("browser error: %s" % p["entry"].get("text"))
            elif m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if not url.startswith(("file:", "data:", "about:")):
                    problems.append("the page loads from the network: %s" % url[:120])
        if a.screenshot:
            h = max(900, min(int(geo["height"]) if isinstance(geo, dict) else 900, 16000))
            b.send("Emulation.setDeviceMetricsOverride",
                   {"width": 1280, "height": h, "deviceScaleFactor": 1, "mobile": False}, s)
            params = {"format": "png", "captureBeyondViewport": True}
            if a.clip:
                box, err = evaluate(b, s, "(() => { const e = document.querySelector(%s);"
                                    " if (!e) return null; const r = e.getBoundingClientRect();"
                                    " return [r.left + scrollX, r.top + scrollY, r.width, r.height];"
                                    " })()" % json.dumps(a.clip))
                if err or not box:
                    problems.append("--clip %s: no such element" % a.clip)
                else:
                    params["clip"] = {"x": box[0], "y": box[1], "width": box[2],
                                      "height": box[3], "scale": 1}
            shot = b.send("Page.captureScreenshot", params, s)
            os.makedirs(os.path.dirname(os.path.abspath(a.screenshot)), exist_ok=True)
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
    except (TimeoutError, ConnectionError, RuntimeError, OSError, KeyError) as e:
        print("browser_check: %s: %s" % (a.page, e), file=sys.stderr)
        print(b.browser_log(), file=sys.stderr)
        b.close()
        return 2
    b.close()
    if problems:
        for p in problems:
            print("browser_check: %s: %s" % (a.page, p), file=sys.stderr)
        return 1
    print("browser_check: %s: ok (%s images, %s svg%s)" % (
        a.page, geo["imgs"], geo["svgs"],
        ", screenshot " + a.screenshot if a.screenshot else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
