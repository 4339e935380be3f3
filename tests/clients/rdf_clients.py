"""Reads annalist's outputs with the real third-party clients the tests rely on.

Usage:
  rdf_clients.py rdflib-count FORMAT FILE      quads (or triples) rdflib parses
  rdf_clients.py oxigraph-count FORMAT FILE    quads a fresh pyoxigraph store holds after loading
  rdf_clients.py literals FORMAT FILE          JSON list of every literal value (rdflib)
  rdf_clients.py results FORMAT FILE           JSON rows of a SPARQL results file (pyoxigraph)
  rdf_clients.py check-spans CORPUS CSV_DIR    checks every mention's code-point offsets
  rdf_clients.py query FORMAT FILE SPARQL      loads FILE into a fresh pyoxigraph store, runs a SELECT

FORMAT is turtle, ntriples, nquads, trig, jsonld or rdfxml (results: csv, tsv, json, xml).
Prints one JSON value on standard output.
"""
import csv
import json
import sys
import tomllib

RDFLIB = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig",
          "jsonld": "json-ld", "rdfxml": "xml"}
QUAD_FORMATS = {"nquads", "trig", "jsonld"}


def rdflib_graph(fmt, path):
    import rdflib
    if fmt in QUAD_FORMATS:
        ds = rdflib.Dataset()
        ds.parse(path, format=RDFLIB[fmt])
        return ds, list(ds.quads((None, None, None, None)))
    g = rdflib.Graph()
    g.parse(path, format=RDFLIB[fmt])
    return g, list(g)


def rdflib_count(fmt, path):
    _, statements = rdflib_graph(fmt, path)
    return len(statements)


def oxigraph_count(fmt, path):
    import pyoxigraph as ox
    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
               "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
               "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
    store = ox.Store()
    store.load(path=path, format=formats[fmt])
    return len(store)


def literals(fmt, path):
    import rdflib
    _, statements = rdflib_graph(fmt, path)
    values = {str(st[2]) for st in statements if isinstance(st[2], rdflib.Literal)}
    return sorted(values)


def results(fmt, path):
    if fmt == "csv":  # W3C CSV results are lossy (no term types): read them as CSV.
        with open(path, newline="", encoding="utf-8") as f:
            return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]
    import pyoxigraph as ox
    formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
               "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
    parsed = ox.parse_query_results(path=path, format=formats[fmt])
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    names = [v.value for v in parsed.variables]
    return [{n: (None if s[n] is None else s[n].value) for n in names} for s in parsed]


def query(fmt, path, sparql):
    import pyoxigraph as ox
    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
               "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
               "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
    store = ox.Store()
    store.load(path=path, format=formats[fmt])
    solutions = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: (None if s[n] is None else s[n].value) for n in names} for s in solutions]


def unescape(cell):
    """Undo the spreadsheet guard annalist puts before =, +, -, @."""
    if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return cell[1:]
    return cell


def check_spans(corpus, csv_dir):
    with open(f"{corpus}/manifest.toml", "rb") as f:
        tomllib.load(f)  # the manifest parses
    docs = {}
    with open(f"{csv_dir}/documents.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            with open(f"{corpus}/{row['file']}", encoding="utf-8") as t:
                text = t.read()
            docs[row["id"]] = text[int(row["file_start"]):int(row["file_end"])]
    bad, n = [], 0
    with open(f"{csv_dir}/mentions.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n += 1
            got = docs[row["document"]][int(row["start"]):int(row["end"])]
            if got != unescape(row["text"]):
                bad.append([row["document"], row["start"], row["end"], row["text"], got])
    return {"mentions": n, "documents": len(docs), "bad": bad}


def main(argv):
    cmd = argv[1]
    if cmd == "rdflib-count":
        out = rdflib_count(argv[2], argv[3])
    elif cmd == "oxigraph-count":
        out = oxigraph_count(argv[2], argv[3])
    elif cmd == "literals":
        out = literals(argv[2], argv[3])
    elif cmd == "results":
        out = results(argv[2], argv[3])
    elif cmd == "query":
        out = query(argv[2], argv[3], argv[4])
    elif cmd == "check-spans":
        out = check_spans(argv[2], argv[3])
    else:
        sys.exit(f"unknown command {cmd!r}\n{__doc__}")
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv)
