"""A Graph Store Protocol server that fails on purpose, for annalist push's tests.

Usage: gsp_stub.py LOG [--user U --password P] [--fail-after N [--fail-count K]] [--status S]

Listens on a free port of 127.0.0.1 and prints "listening on http://HOST:PORT/store"
on its first line. Takes PUT and DELETE at /store?graph=IRI and appends one JSON
line per request to LOG: {"method", "graph", "status", "triples"}. With --user, a
request without those basic credentials is answered 401. With --fail-after N,
the requests after the first N successful ones are answered with status S
(default 500) and not stored; with --fail-count K, only K of them.
"""

import argparse
import base64
import http.server
import json
import sys
import urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("log")
ap.add_argument("--user")
ap.add_argument("--password", default="")
ap.add_argument("--fail-after", type=int)
ap.add_argument("--fail-count", type=int, help="fail only this many requests, then take them again")
ap.add_argument("--status", type=int, default=500)
args = ap.parse_args()
ok = 0
failed = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self):
        global ok, failed
        url = urllib.parse.urlparse(self.path)
        graph = urllib.parse.parse_qs(url.query).get("graph", [None])[0]
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        triples = sum(1 for line in body.decode("utf-8").splitlines() if line.strip().endswith("."))
        expected = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
        if url.path != "/store" or graph is None:
            status = 404
        elif args.user and self.headers.get("Authorization") != expected:
            status = 401
        elif (args.fail_after is not None and ok >= args.fail_after
              and (args.fail_count is None or failed < args.fail_count)):
            status = args.status
            failed += 1
        else:
            status = 204 if self.command == "DELETE" else 201
            ok += 1
        with open(args.log, "a") as f:
            f.write(json.dumps({"method": self.command, "graph": graph, "status": status,
                                "triples": triples, "type": self.headers.get("Content-Type")}) + "\n")
        self.send_response(status)
        msg = b"" if status < 300 else f"stub refuses with {status}".encode()
        self.send_header("Content-Length", str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)

    do_PUT = answer
    do_DELETE = answer


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}/store", flush=True)
server.serve_forever()
