"""A real HTTP client for annalist's reconciliation service.

Usage: reconcile_client.py BASE_URL SPEC_DIR

Loads the W3C Entity Reconciliation API 0.2 JSON Schemas from SPEC_DIR/schemas,
checks that the validator accepts the spec's valid examples and rejects its
invalid ones, then asks the service at BASE_URL (…/reconcile) for the
manifest, query batches (the spec's valid examples and the test's own, by GET
and by a POSTed form as OpenRefine sends them), suggest and preview, validates
every JSON answer against its schema, and prints a JSON report.
"""

import json
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
import referencing
import referencing.exceptions

BASE, SPEC = sys.argv[1], pathlib.Path(sys.argv[2])

resources = []
schemas = {}
for p in sorted((SPEC / "schemas").glob("*.json")):
    doc = json.loads(p.read_text())
    schemas[p.stem] = doc
    if "$id" in doc:
        res = referencing.Resource.from_contents(doc, default_specification=referencing.jsonschema.DRAFT7)
        resources.append((doc["$id"], res))
registry = referencing.Registry().with_resources(resources)


def validator(name):
    return jsonschema.Draft7Validator(schemas[name], registry=registry)


def errors(name, instance):
    try:
        return [e.message for e in validator(name).iter_errors(instance)]
    except referencing.exceptions.Unresolvable as e:
        return ["unresolvable: %s" % e]


report = {"examples": {}, "answers": {}, "problems": []}

# The validator itself, on the spec's examples.
for folder, schema in [
    ("manifest", "manifest"),
    ("reconciliation-query-batch", "reconciliation-query-batch"),
    ("reconciliation-result-batch", "reconciliation-result-batch"),
    ("suggest-entities-response", "suggest-entities-response"),
]:
    for kind in ("valid", "invalid"):
        for p in sorted((SPEC / "examples" / folder / kind).glob("*.json")):
            errs = errors(schema, json.loads(p.read_text()))
            if any(e.startswith("unresolvable") for e in errs):
                # Refers to a schema outside the spec (Swagger's security schemes).
                report["examples"]["%s/%s/%s" % (folder, kind, p.name)] = "skipped: external $ref"
                continue
            ok = (not errs) == (kind == "valid")
            report["examples"]["%s/%s/%s" % (folder, kind, p.name)] = "ok" if ok else "WRONG"
            if not ok:
                report["problems"].append("validator disagrees with example %s/%s/%s" % (folder, kind, p.name))


def get(path, params=None):
    url = BASE + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def post(path, form):
    data = urllib.parse.urlencode(form).encode()
    req = urllib.request.Request(BASE + path, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def check(name, schema, status, body):
    if status != 200:
        report["problems"].append("%s: HTTP %s %s" % (name, status, body[:200]))
        return None
    doc = json.loads(body)
    errs = errors(schema, doc)
    if errs:
        report["problems"].append("%s does not validate against %s: %s" % (name, schema, errs[:3]))
    report["answers"][name] = doc
    return doc


status, ctype, body = get("")
manifest = check("manifest", "manifest", status, body)

own = {
    "q0": {"query": "London"},
    "q1": {"query": "london", "type": "Place", "limit": 3},
    "q2": {"query": "London", "type": "Person"},
    "q3": {"query": "Moscow", "properties": [{"pid": "wikidata", "v": "Q649"}]},
    "q4": {"properties": [{"pid": "wikidata", "v": "Q84"}]},
}
batches = {"own": own}
for p in sorted((SPEC / "examples" / "reconciliation-query-batch" / "valid").glob("*.json")):
    batches[p.name] = json.loads(p.read_text())
for name, batch in batches.items():
    text = json.dumps(batch)
    errs = errors("reconciliation-query-batch", batch)
    if errs:
        report["problems"].append("query batch %s is not valid: %s" % (name, errs[:3]))
    for how, (status, ctype, body) in [("post", post("", {"queries": text})), ("get", get("", {"queries": text}))]:
        doc = check("%s %s" % (how, name), "reconciliation-result-batch", status, body)
        if doc is not None and sorted(doc) != sorted(batch):
            report["problems"].append("%s %s: answer keys %s, query keys %s" % (how, name, sorted(doc), sorted(batch)))

suggest_path = manifest["suggest"]["entity"]["service_path"] if manifest else "/suggest/entity"
status, ctype, body = get(suggest_path, {"prefix": "Lon"})
check("suggest", "suggest-entities-response", status, body)

if manifest:
    url = manifest["preview"]["url"].replace("{{id}}", "london")
    with urllib.request.urlopen(url, timeout=30) as r:
        report["preview"] = {"status": r.status, "type": r.headers.get("Content-Type", ""), "body": r.read().decode("utf-8")}

status, ctype, body = get("", {"queries": "not json"})
report["bad_request"] = {"status": status, "type": ctype, "body": body}

json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
