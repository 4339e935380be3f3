#!/usr/bin/env python3
"""A bounded load test of a SPARQL endpoint: N clients for M seconds.

Usage: scripts/loadtest.py URL [--clients N] [--seconds M] [--queries a,b,c] [--library]

Each client holds one keep-alive connection and sends the named queries of
the library (queries/NAME.rq; by default those that take no parameter) in
turn until M seconds have passed: by default as SPARQL 1.1 Protocol POSTs
(a form with `query`) to URL, any SPARQL endpoint (annalist serve's
http://127.0.0.1:8080/sparql, Oxigraph server's http://127.0.0.1:7878/query),
so that servers compare on the same texts; with --library as GET
URL/queries/NAME of an `annalist serve` at URL. Accept is
application/sparql-results+json. Prints one JSON object: requests answered
per second in all and per query, the median and 95th percentile latency in
milliseconds, and any status other than 200. Uses only the standard library.
"""

import argparse
import http.client
import json
import pathlib
import statistics
import threading
import time
import urllib.parse

DEFAULT = "documents,entities,places,graphs,unlinked,ambiguous,co-mentions,single-source,relations,correspondence"

ap = argparse.ArgumentParser()
ap.add_argument("url")
ap.add_argument("--library", action="store_true")
ap.add_argument("--clients", type=int, default=4)
ap.add_argument("--seconds", type=float, default=10)
ap.add_argument("--queries", default=DEFAULT)
args = ap.parse_args()
url = urllib.parse.urlparse(args.url)
names = [q for q in args.queries.split(",") if q]
root = pathlib.Path(__file__).resolve().parent.parent
texts = {n: (root / "queries" / f"{n}.rq").read_text() for n in names}
lock = threading.Lock()
latencies = {n: [] for n in names}
errors = {}
stop_at = time.monotonic() + args.seconds


def client(k):
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=120)
    i = k
    while time.monotonic() < stop_at:
        name = names[i % len(names)]
        i += 1
        t = time.monotonic()
        if args.library:
            conn.request("GET", f"{url.path.rstrip('/')}/queries/{name}",
                         headers={"Accept": "application/sparql-results+json"})
        else:
            conn.request("POST", url.path or "/", body=urllib.parse.urlencode({"query": texts[name]}),
                         headers={"Accept": "application/sparql-results+json",
                                  "Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        r.read()
        dt = time.monotonic() - t
        with lock:
            if r.status == 200:
                latencies[name].append(dt)
            else:
                errors[f"{name} {r.status}"] = errors.get(f"{name} {r.status}", 0) + 1
    conn.close()


started = time.monotonic()
threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - started
every = sorted(x for v in latencies.values() for x in v)


def pct(xs, p):
    return round(1000 * xs[min(len(xs) - 1, int(p * len(xs)))], 1) if xs else None


print(json.dumps({
    "clients": args.clients,
    "seconds": round(elapsed, 2),
    "requests": len(every),
    "qps": round(len(every) / elapsed, 1),
    "median_ms": round(1000 * statistics.median(every), 1) if every else None,
    "p95_ms": pct(every, 0.95),
    "per_query": {n: {"requests": len(v), "median_ms": round(1000 * statistics.median(v), 1) if v else None}
                  for n, v in latencies.items()},
    "errors": errors,
}, indent=1))
