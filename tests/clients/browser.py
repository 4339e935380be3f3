"""Opens pages of a site in headless Chromium, as a reader would, and prints
what happened as JSON. Talks the DevTools protocol over
--remote-debugging-pipe (file descriptors 3 and 4), so it needs nothing but
the standard library and Debian's chromium.

For each page: the errors (uncaught exceptions, console errors, failed
loads), the title, a screenshot (PNG), what the first Tab key focuses, and
on the claims page the rows left when filtering by the first relation.
With --search QUERY, the query is typed into the search box of the first
page and the result links are returned.

Usage: browser.py [--serve SITE_DIR] [--shots DIR] [--search QUERY]
                  [--width W --height H] URL...
  With --serve, URLs are paths under the site, served by Python's
  http.server on 127.0.0.1 at a free port; otherwise they are full URLs.
"""

import argparse
import base64
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("chromium not found: scripts/test installs Debian's chromium")


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="annalist-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():
            # Through fresh copies: dup2 onto the same number would keep the
            # close-on-exec flag.
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=fds,
            close_fds=False,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        while True:
            m = self.read()
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def read(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise RuntimeError("Chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def errors_of(events, session):
    out = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
            out.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
            entry = p["entry"]
            out.append(f"log: {entry.get('text')} {entry.get('url', '')}")
    return out


def evaluate(b, session, expr):
    r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True}, session)
    return r.get("result", {}).get("value")


def visit(b, url, shot, search, size):
    target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        b.send(f"{domain}.enable", {}, session)
    b.send("Emulation.setDeviceMetricsOverride",
           {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False}, session)
    b.events.clear()
    b.send("Page.navigate", {"url": url}, session)
    deadline = time.monotonic() + 30
    while not any(e.get("method") == "Page.loadEventFired" and e.get("sessionId") == session for e in b.events):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not load")
        b.events.append(b.read())
    # Let deferred work (scripts, fonts) settle.
    evaluate(b, session, "new Promise(r => setTimeout(r, 300))")
    failed = [
        f"failed load: {e['params'].get('errorText')} {e['params'].get('requestId')}"
        for e in b.events
        if e.get("method") == "Network.loadingFailed" and e.get("sessionId") == session
    ]
    page = {"url": url, "title": evaluate(b, session, "document.title")}
    page["has_main"] = evaluate(b, session, "!!document.querySelector('main#main')")
    results = None
    if search:
        evaluate(b, session, f"""(() => {{
            const q = document.getElementById('q');
            q.value = {json.dumps(search)};
            document.getElementById('search-form').requestSubmit();
        }})()""")
        for _ in range(50):
            results = evaluate(b, session, "Array.from(document.querySelectorAll('#search-results a')).map(a => a.getAttribute('href'))")
            if results:
                break
            evaluate(b, session, "new Promise(r => setTimeout(r, 100))")
        page["search_text"] = evaluate(b, session, "document.getElementById('search-results').innerText")
    page["search"] = results
    # On the claims page: filter by the first relation, count the rows shown.
    page["filter"] = evaluate(b, session, """(() => {
        const form = document.getElementById('filter');
        if (!form || form.hidden) { return null; }
        const select = document.getElementById('f-relation');
        select.value = select.options[1].value;
        select.dispatchEvent(new Event('input'));
        const rows = Array.from(document.querySelectorAll('#claims-table tbody tr'));
        return [rows.filter(r => !r.hidden).length, rows.length];
    })()""")
    if shot:
        evaluate(b, session, "window.scrollTo(0, 0)")
        png = b.send("Page.captureScreenshot", {"format": "png"}, session)["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png))
        page["screenshot"] = shot
    # The first Tab reaches the skip link.
    evaluate(b, session, "document.activeElement && document.activeElement.blur()")
    for kind in ("rawKeyDown", "keyUp"):
        b.send("Input.dispatchKeyEvent",
               {"type": kind, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}, session)
    page["first_tab"] = evaluate(b, session, "document.activeElement ? document.activeElement.className : ''")
    page["errors"] = errors_of(b.events, session) + failed
    b.send("Target.closeTarget", {"targetId": target})
    return page


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serve")
    ap.add_argument("--shots")
    ap.add_argument("--search")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("urls", nargs="+")
    args = ap.parse_args()
    server = None
    base = ""
    if args.serve:
        handler = functools.partial(QuietHandler, directory=args.serve)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
    b = Browser()
    pages = []
    try:
        for n, url in enumerate(args.urls):
            shot = os.path.join(args.shots, f"page-{n}.png") if args.shots else None
            pages.append(visit(b, base + url, shot, args.search if n == 0 else None,
                               (args.width, args.height)))
    finally:
        b.close()
        if server:
            server.shutdown()
    json.dump({"pages": pages}, sys.stdout)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    main()
