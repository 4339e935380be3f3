"""Real SPARQL clients against an endpoint, for annalist's tests.

Usage:
  sparql_clients.py rdflib ENDPOINT QUERY       rdflib's SPARQLStore (SPARQL 1.1 Protocol, POST)
  sparql_clients.py service ENDPOINT QUERY      pyoxigraph's federated SERVICE <ENDPOINT> { QUERY's pattern }
  sparql_clients.py select ENDPOINT QUERY [GRAPHS_FILE]
                                                 plain urllib POST with Accept JSON; GRAPHS_FILE lists
                                                 graph IRIs sent as default-graph-uri and named-graph-uri

Prints a JSON object: {"vars": [...], "rows": [[value or null, ...], ...]}
with every term as its lexical value (IRIs bare), rows in the order received.
For `service`, QUERY is the group graph pattern inside SERVICE, and the
variables are those of `SELECT *`.
"""

import json
import sys
import urllib.parse
import urllib.request

mode, endpoint, query = sys.argv[1], sys.argv[2], sys.argv[3]


def value(term):
    if term is None:
        return None
    return str(term.value) if hasattr(term, "value") else str(term)


if mode == "rdflib":
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(endpoint, method="POST_FORM", returnFormat="json")
    result = store.query(query)
    names = [str(v) for v in result.vars]
    rows = [[None if r[v] is None else str(r[v]) for v in result.vars] for r in result]
    print(json.dumps({"vars": names, "rows": rows}))
elif mode == "service":
    import pyoxigraph

    store = pyoxigraph.Store()
    result = store.query(f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ {query} }} }}")
    names = [v.value for v in result.variables]
    rows = [[value(s[v]) for v in names] for s in result]
    print(json.dumps({"vars": names, "rows": rows}))
elif mode == "select":
    fields = [("query", query)]
    if len(sys.argv) > 4:
        for g in open(sys.argv[4]).read().split():
            fields += [("default-graph-uri", g), ("named-graph-uri", g)]
    req = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=300) as r:
        doc = json.load(r)
    names = doc["head"]["vars"]
    rows = [[b[v]["value"] if v in b else None for v in names] for b in doc["results"]["bindings"]]
    print(json.dumps({"vars": names, "rows": rows}))
else:
    sys.exit(f"unknown mode {mode}")
