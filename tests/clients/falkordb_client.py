"""Runs a Neo4j 5 Cypher script (as annalist writes it) against a fresh embedded FalkorDB.

Usage (Python 3.12 with falkordblite):
  falkordb_client.py run SCRIPT [--times N]

Executes every statement of SCRIPT, in order, N times (default 2: loading twice must change
nothing), then prints one JSON value on standard output:
  {"nodes": N, "relationships": M, "labels": {label: nodes}, "types": {type: count},
   "node": {id property: {property: value, ..., "labels": [sorted labels]}},
   "edges": [{"start": id, "end": id, "type": TYPE, property: value, ...}]}

Script conventions: a statement ends with `;` at the end of a line; string literals never hold a
raw newline; lines starting with `//` are comments. FalkorDB has no Neo4j constraints, so ONLY
`CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.prop IS UNIQUE` is rewritten, to
`CREATE INDEX FOR (n:Label) ON (n.prop)` ("already indexed" is ignored on later runs). Every other
statement runs unchanged, and any error stops the run: the statement and FalkorDB's message go to
standard error and the exit status is non-zero.
"""
import json
import math
import os
import re
import shutil
import sys
import tempfile

IDENT = r"(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)+`)"
CONSTRAINT = re.compile(
    rf"^\s*CREATE\s+CONSTRAINT\s+(?:(?!IF\b|FOR\b){IDENT}\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"FOR\s*\(\s*(?P<var>{IDENT})\s*:\s*(?P<label>{IDENT})\s*\)\s*"
    rf"REQUIRE\s+(?P=var)\s*\.\s*(?P<prop>{IDENT})\s+IS\s+UNIQUE\s*;?\s*$",
    re.IGNORECASE)


class ScriptError(Exception):
    pass


def statements(text):
    """(first line number, statement) pairs; a statement ends with `;` at the end of a line."""
    out, current, start = [], [], None
    for number, line in enumerate(text.splitlines(), 1):
        if not current and (not line.strip() or line.lstrip().startswith("//")):
            continue
        if line.lstrip().startswith("//"):
            continue
        if not current:
            start = number
        current.append(line)
        if line.rstrip().endswith(";"):
            out.append((start, "\n".join(current)))
            current = []
    if current:
        raise ScriptError(f"line {start}: the script ends inside a statement (no closing `;`):\n"
                          + "\n".join(current))
    return out


def adapt(statement):
    """The statement FalkorDB runs, and whether it is an adapted constraint."""
    m = CONSTRAINT.match(statement)
    if m:
        return f"CREATE INDEX FOR ({m['var']}:{m['label']}) ON ({m['var']}.{m['prop']})", True
    return statement, False


def json_safe(value):
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return str(value)


def run(script, times):
    from redislite.falkordb_client import FalkorDB
    with open(script, encoding="utf-8") as f:
        parsed = statements(f.read())
    tmp = tempfile.mkdtemp(prefix="annalist-falkordb-")
    db = FalkorDB(os.path.join(tmp, "graph.db"))
    try:
        g = db.select_graph("annalist")
        for _ in range(times):
            for line, statement in parsed:
                query, is_index = adapt(statement)
                try:
                    g.query(query)
                except Exception as e:
                    if is_index and "already indexed" in str(e):
                        continue
                    raise ScriptError(f"{script}:{line}: FalkorDB rejected the statement\n"
                                      f"{query}\n--> {type(e).__name__}: {e}")
        nodes, labels = {}, {}
        for (n,) in g.query("MATCH (n) RETURN n").result_set:
            props = {k: json_safe(v) for k, v in n.properties.items()}
            if "id" not in props:
                raise ScriptError(f"a node has no id property: {props}")
            if "labels" in props:
                raise ScriptError(f"node {props['id']} has a property named labels")
            if str(props["id"]) in nodes:
                raise ScriptError(f"two nodes have the id {props['id']!r}")
            props["labels"] = sorted(n.labels)
            for label in n.labels:
                labels[label] = labels.get(label, 0) + 1
            nodes[str(props["id"])] = props
        edges, types = [], {}
        for a, r, b in g.query("MATCH (a)-[r]->(b) RETURN a.id, r, b.id").result_set:
            edge = {"start": json_safe(a), "end": json_safe(b), "type": r.relation}
            for k, v in r.properties.items():
                if k in edge:
                    raise ScriptError(f"relationship {edge} has a property named {k}")
                edge[k] = json_safe(v)
            types[r.relation] = types.get(r.relation, 0) + 1
            edges.append(edge)
        return {"nodes": len(nodes), "relationships": len(edges), "labels": labels,
                "types": types, "node": nodes, "edges": edges}
    finally:
        db.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) not in (3, 5) or argv[1] != "run" or (len(argv) == 5 and argv[3] != "--times"):
        sys.exit(__doc__)
    times = int(argv[4]) if len(argv) == 5 else 2
    try:
        out = run(argv[2], times)
    except ScriptError as e:
        sys.exit(str(e))
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv)
