"""Opens annalist's network exports with real third-party graph tools.

Usage:
  graph_clients.py networkx-gexf FILE        the graph networkx.read_gexf builds
  graph_clients.py networkx-graphml FILE     the graph networkx.read_graphml builds
  graph_clients.py kuzu-load DIR [--array-delimiter C]
                                             loads a neo4j-admin CSV set into a fresh Kuzu database

networkx-* print {"directed", "multigraph", "nodes": {ID: {attr: value}},
"edges": [{"source", "target", "key" (multigraphs only), attr: value}]}: every attribute networkx
gives, as networkx gives it (GEXF: the node label is in "label", the edge id in "id", the weight in
"weight" as a float, viz in "viz" as a nested object; GraphML: the edge id in "id"). For an
undirected graph networkx does not keep which end was written as source: compare as unordered pairs.

kuzu-load reads nodes-*.csv (header `name:ID(space)`, `:LABEL`, properties) into one node table
Entity and each relationships-<TYPE>.csv (header `:START_ID(space)`, `:END_ID(space)`, `:TYPE`,
properties) into a rel table TYPE, with Kuzu's own COPY FROM (columns matched by position), then
reads everything back with Cypher. Prints {"nodes", "relationships", "by_type": {TYPE column value:
count}, "by_label": {LABEL column value: count}, "node": {ID: {property: value, "labels": [...]}},
"edges": [{"start", "end", "type", property: value}]}. Empty cells are absent properties. Array
properties (`name:type[]`) and labels are split on the array delimiter, `;` by default as in
neo4j-admin (which uses the same delimiter for both).

Prints one JSON value on standard output; exits non-zero with a message on failure.
"""
import csv
import datetime
import glob
import json
import math
import os
import re
import shutil
import sys
import tempfile


def json_safe(value):
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return str(value)


def networkx_graph(kind, path):
    import networkx as nx
    g = nx.read_gexf(path) if kind == "gexf" else nx.read_graphml(path)
    nodes = {str(n): json_safe(dict(data)) for n, data in g.nodes(data=True)}
    edges = []
    triples = g.edges(keys=True, data=True) if g.is_multigraph() else \
        ((u, v, None, d) for u, v, d in g.edges(data=True))
    for u, v, key, data in triples:
        out = {"source": str(u), "target": str(v)}
        if g.is_multigraph():
            out["key"] = json_safe(key)
        for k, val in data.items():
            if k in out:
                raise SystemExit(f"edge {u}-{v} has an attribute named {k!r}, which this "
                                 "client's output uses for itself")
            out[k] = json_safe(val)
        edges.append(out)
    return {"directed": g.is_directed(), "multigraph": g.is_multigraph(), "nodes": nodes,
            "edges": edges}


# neo4j-admin property types -> Kuzu column types. Arrays are loaded as STRING and split here:
# Kuzu's CSV list syntax ([a,b]) is not neo4j-admin's (a;b).
KUZU_TYPES = {"string": "STRING", "char": "STRING", "int": "INT32", "long": "INT64",
              "short": "INT16", "byte": "INT8", "float": "FLOAT", "double": "DOUBLE",
              "boolean": "BOOLEAN", "date": "DATE", "localdatetime": "TIMESTAMP",
              "datetime": "TIMESTAMP", "duration": "INTERVAL"}
SPECIAL_NODE = re.compile(r"^(?P<name>[^:]*):(?P<kind>ID|LABEL)(\((?P<space>[^)]*)\))?$")


def read_header(path):
    with open(path, newline="", encoding="utf-8") as f:
        try:
            return next(csv.reader(f))
        except StopIteration:
            raise SystemExit(f"{path}: empty file, no header")


def parse_property(path, field):
    """A property header `name[:type[[]]]` -> (name, base type, is_array)."""
    name, _, typ = field.partition(":")
    typ = typ or "string"
    array = typ.endswith("[]")
    base = typ[:-2] if array else typ
    if not name or base not in KUZU_TYPES or "(" in name:
        raise SystemExit(f"{path}: header field {field!r} is not a property this client knows")
    return name, base, array


def convert_element(base, text):
    if base in ("int", "long", "short", "byte"):
        return int(text)
    if base in ("float", "double"):
        return float(text)
    if base == "boolean":
        return text == "true"  # neo4j-admin: true only for exactly "true"
    return text


def quote_ident(name):
    return "`" + name.replace("`", "``") + "`"


def kuzu_load(directory, array_delim):
    import kuzu
    node_files = sorted(glob.glob(os.path.join(directory, "nodes-*.csv")))
    rel_files = sorted(glob.glob(os.path.join(directory, "relationships-*.csv")))
    if not node_files:
        raise SystemExit(f"{directory}: no nodes-*.csv file")
    unknown = set(glob.glob(os.path.join(directory, "*"))) - set(node_files) - set(rel_files)
    if unknown:
        raise SystemExit(f"{directory}: files this client does not know: {sorted(unknown)}")

    # Node table: the union of every node file's columns; each file is copied by column list.
    node_cols = {}  # kuzu column name -> (base, array)
    node_plan = []  # (file, [kuzu column names in file order])
    id_col = None
    for path in node_files:
        header = read_header(path)
        m0 = SPECIAL_NODE.match(header[0]) if header else None
        m1 = SPECIAL_NODE.match(header[1]) if len(header) > 1 else None
        if not (m0 and m0["kind"] == "ID" and m1 and m1["kind"] == "LABEL" and not m1["name"]):
            raise SystemExit(f"{path}: header must start with name:ID(space),:LABEL, got {header[:2]}")
        this_id = m0["name"] or "neo4j_id"
        if id_col not in (None, this_id):
            raise SystemExit(f"{path}: ID column {this_id!r} differs from {id_col!r}")
        id_col = this_id
        cols = [id_col, "neo4j_labels"]
        for field in header[2:]:
            name, base, array = parse_property(path, field)
            if name in (id_col, "neo4j_labels", "labels") or name in cols:
                raise SystemExit(f"{path}: property {name!r} repeated or reserved")
            if node_cols.get(name, (base, array)) != (base, array):
                raise SystemExit(f"{path}: property {name!r} typed {field!r}, elsewhere "
                                 f"{node_cols[name]}")
            node_cols[name] = (base, array)
            cols.append(name)
        node_plan.append((path, cols))

    rel_plan = []  # (file, TYPE, [(name, base, array)])
    for path in rel_files:
        rel_type = os.path.basename(path)[len("relationships-"):-len(".csv")]
        header = read_header(path)
        if len(header) < 3 or not (header[0].startswith(":START_ID") and
                                   header[1].startswith(":END_ID") and header[2] == ":TYPE"):
            raise SystemExit(f"{path}: header must start with :START_ID(space),:END_ID(space),"
                             f":TYPE, got {header[:3]}")
        props = [parse_property(path, field) for field in header[3:]]
        names = [p[0] for p in props]
        if len(set(names)) != len(names) or "neo4j_type" in names:
            raise SystemExit(f"{path}: property names repeated or reserved: {names}")
        rel_plan.append((path, rel_type, props))

    def kuzu_type(base, array):
        return "STRING" if array else KUZU_TYPES[base]

    tmp = tempfile.mkdtemp(prefix="annalist-kuzu-")
    try:
        db = kuzu.Database(os.path.join(tmp, "db"))
        conn = kuzu.Connection(db)

        def run(query):
            try:
                return conn.execute(query)
            except Exception as e:  # Kuzu raises RuntimeError with its own message
                raise SystemExit(f"kuzu failed on:\n{query}\n{e}")

        def copy_options():
            return "(HEADER=true, PARALLEL=false, DELIM=',', QUOTE='\"', ESCAPE='\"')"

        columns = [f"{quote_ident(id_col)} STRING PRIMARY KEY", "neo4j_labels STRING"]
        columns += [f"{quote_ident(n)} {kuzu_type(*t)}" for n, t in node_cols.items()]
        run(f"CREATE NODE TABLE Entity({', '.join(columns)})")
        for i, (path, cols) in enumerate(node_plan):
            local = os.path.join(tmp, f"nodes{i}.csv")  # no quoting of user paths in Cypher
            shutil.copyfile(path, local)
            run(f"COPY Entity({', '.join(quote_ident(c) for c in cols)}) FROM '{local}' "
                f"{copy_options()}")
        for i, (path, rel_type, props) in enumerate(rel_plan):
            cols = ["FROM Entity TO Entity", "neo4j_type STRING"]
            cols += [f"{quote_ident(n)} {kuzu_type(b, a)}" for n, b, a in props]
            run(f"CREATE REL TABLE {quote_ident(rel_type)}({', '.join(cols)})")
            local = os.path.join(tmp, f"rels{i}.csv")
            shutil.copyfile(path, local)
            run(f"COPY {quote_ident(rel_type)} FROM '{local}' {copy_options()}")

        def typed(name, value, types):
            if value is None:
                return None
            base, array = types.get(name, ("string", False))
            if array:
                return [convert_element(base, e) for e in value.split(array_delim)]
            return json_safe(value)

        nodes = {}
        by_label = {}
        result = run("MATCH (n:Entity) RETURN n")
        while result.has_next():
            n = result.get_next()[0]
            props = {}
            for k, v in n.items():
                if k.startswith("_") or v is None:
                    continue
                if k == "neo4j_labels":
                    by_label[v] = by_label.get(v, 0) + 1
                    props["labels"] = v.split(array_delim)
                else:
                    props[k] = typed(k, v, node_cols)
            nodes[n[id_col]] = props

        edges, by_type = [], {}
        for path, rel_type, props in rel_plan:
            types = {n: (b, a) for n, b, a in props}
            result = run(f"MATCH (a:Entity)-[r:{quote_ident(rel_type)}]->(b:Entity) "
                         f"RETURN a.{quote_ident(id_col)}, b.{quote_ident(id_col)}, r")
            while result.has_next():
                start, end, r = result.get_next()
                edge = {"start": start, "end": end, "type": r["neo4j_type"]}
                by_type[r["neo4j_type"]] = by_type.get(r["neo4j_type"], 0) + 1
                for k, v in r.items():
                    if k.startswith("_") or k == "neo4j_type" or v is None:
                        continue
                    edge[k] = typed(k, v, types)
                edges.append(edge)
        return {"nodes": len(nodes), "relationships": len(edges), "by_type": by_type,
                "by_label": by_label, "node": nodes, "edges": edges}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd = argv[1]
    try:
        if cmd == "networkx-gexf":
            out = networkx_graph("gexf", argv[2])
        elif cmd == "networkx-graphml":
            out = networkx_graph("graphml", argv[2])
        elif cmd == "kuzu-load":
            delim = ";"
            if len(argv) == 5 and argv[3] == "--array-delimiter":
                delim = argv[4]
            elif len(argv) != 3:
                sys.exit(__doc__)
            out = kuzu_load(argv[2], delim)
        else:
            sys.exit(f"unknown command {cmd!r}\n{__doc__}")
    except SystemExit:
        raise
    except Exception as e:  # the client's own error, e.g. networkx rejecting the file
        sys.exit(f"{cmd} {argv[2]}: {type(e).__name__}: {e}")
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv)
