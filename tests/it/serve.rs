//! `annalist serve`: the SPARQL 1.1 Protocol endpoint, the Graph Store
//! Protocol's GET and the query library, asked by curl, rdflib's
//! SPARQLStore and pyoxigraph's federated SERVICE, every answer compared
//! with what `annalist query` and `annalist export` print; and the
//! reconciliation service, asked by a real HTTP client (Python's urllib)
//! and every answer validated against the W3C Reconciliation API 0.2 JSON
//! Schemas in ../shared (or ANNALIST_SHARED; skipped when absent).

use crate::util::{csv_rows, python, repo, Workdir};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running server, stopped when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// The server's root, `http://127.0.0.1:PORT`.
    pub fn root(&self) -> String {
        self.url.trim_end_matches("/reconcile").to_string()
    }
}

/// What curl got: status, headers (names in lower case), body.
pub struct Got {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Got {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Runs curl with ARGS and reads back the status, headers and body.
pub fn curl(args: &[&str]) -> Got {
    let dir = tempfile::tempdir().unwrap();
    let (h, b) = (dir.path().join("h"), dir.path().join("b"));
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "60", "-w", "%{http_code}", "-D"])
        .arg(&h)
        .arg("-o")
        .arg(&b)
        .args(args)
        .output()
        .expect("curl runs (scripts/test installs it)");
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let headers = std::fs::read_to_string(&h)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Got {
        status: String::from_utf8_lossy(&out.stdout).trim().parse().unwrap(),
        headers,
        body: std::fs::read_to_string(&b).unwrap_or_default(),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `annalist serve --port 0` and reads the address it bound.
pub fn start(w: &Workdir) -> Server {
    start_with(w, &[])
}

/// Starts `annalist serve --port 0 ARGS…` and reads the address it bound
/// (after the build it may run first).
pub fn start_with(w: &Workdir, args: &[&str]) -> Server {
    let mut child = w
        .cmd(&[&["serve", "--port", "0"], args].concat())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("listening on ") {
        line.clear();
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("the server stopped before listening");
        }
    }
    // Keep reading what the server says, so that it never blocks on a
    // full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Server { child, url }
}

#[test]
fn reconciliation_answers_validate_against_the_0_2_schemas() {
    let spec = crate::wikidata::shared().join("reference/reconciliation-0.2");
    if !spec.exists() {
        eprintln!("skipped: {} is absent", spec.display());
        return;
    }
    let w = Workdir::shipped();
    // A hostile label must come back intact in JSON and escaped in HTML.
    w.edit(
        "gazetteer.csv",
        "london,Place,London,,",
        "london,Place,London,\"<b>Londres</b> & \"\"Co\"\"\",",
    );
    let server = start(&w);
    let out = Command::new(python())
        .arg(repo().join("tests/clients/reconcile_client.py"))
        .arg(&server.url)
        .arg(&spec)
        .output()
        .expect("the client runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["problems"], serde_json::json!([]), "{report:#}");
    // The validator was able to tell valid from invalid.
    let examples = report["examples"].as_object().unwrap();
    assert!(
        examples.values().filter(|v| *v == "ok").count() >= 20,
        "{examples:?}"
    );
    assert!(examples.keys().any(|k| k.contains("/invalid/")));

    let manifest = &report["answers"]["manifest"];
    assert_eq!(manifest["versions"], serde_json::json!(["0.2"]));
    assert_eq!(
        manifest["identifierSpace"],
        "https://example.org/soviet-israeli/entity/"
    );
    let own = &report["answers"]["post own"];
    let first = &own["q0"]["result"][0];
    assert_eq!(
        (first["id"].as_str(), first["match"].as_bool()),
        (Some("london"), Some(true))
    );
    assert!(first["description"]
        .as_str()
        .unwrap()
        .contains("Wikidata Q84"));
    assert_eq!(report["answers"]["get own"], *own, "GET and POST agree");
    assert!(own["q1"]["result"].as_array().unwrap().len() <= 3);
    assert!(own["q2"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["type"][0]["id"] == "Person"));
    // The property condition raises the candidate that has it.
    let q3 = &own["q3"]["result"][0];
    assert_eq!(q3["id"], "moscow");
    assert!(q3["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "property:wikidata" && f["value"] == true));
    assert_eq!(own["q4"]["result"][0]["id"], "london");
    let suggest = report["answers"]["suggest"]["result"].as_array().unwrap();
    assert!(suggest.iter().any(|s| s["id"] == "london"));

    let preview = &report["preview"];
    assert!(preview["type"].as_str().unwrap().starts_with("text/html"));
    let html = preview["body"].as_str().unwrap();
    assert!(
        html.contains("&lt;b&gt;Londres&lt;/b&gt; &amp; &quot;Co&quot;"),
        "{html}"
    );
    assert!(!html.contains("<b>Londres"), "{html}");
    assert_eq!(report["bad_request"]["status"], 400);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let w = Workdir::fixture("small");
    let server = start(&w);
    let port = server
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let err = w.fails(&["serve", "--port", &port]);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{err}"
    );
    assert!(err.contains("--port"), "{err}");
}

const COUNTS: &str =
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g";

#[test]
fn sparql_protocol_answers_curl_as_the_command_line_does() {
    let w = Workdir::fixture("small");
    let server = start(&w);
    let sparql = format!("{}/sparql", server.root());
    let q = format!("query={COUNTS}");
    // Every results format, by content negotiation, is what `annalist
    // query --format` prints, byte for byte.
    for (accept, format) in [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ] {
        let got = curl(&[
            "-G",
            &sparql,
            "--data-urlencode",
            &q,
            "-H",
            &format!("Accept: {accept}"),
        ]);
        assert_eq!(got.status, 200, "{accept}: {}", got.body);
        assert!(got.header("content-type").unwrap().starts_with(accept));
        assert_eq!(got.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            got.body,
            w.ok(&["query", "--format", format, "--sparql", COUNTS]),
            "{accept}"
        );
    }
    let json = w.ok(&["query", "--format", "json", "--sparql", COUNTS]);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(parsed["results"]["bindings"].as_array().unwrap().len() >= 4);
    // POST as a form and as application/sparql-query; no Accept: JSON.
    let form = curl(&[&sparql, "--data-urlencode", &q]);
    assert_eq!((form.status, form.body.as_str()), (200, json.as_str()));
    let direct = curl(&[
        &sparql,
        "-H",
        "Content-Type: application/sparql-query",
        "--data-binary",
        COUNTS,
    ]);
    assert_eq!((direct.status, direct.body.as_str()), (200, json.as_str()));
    // A browser's Accept picks a results format, and a preference order holds.
    let pref = curl(&[
        "-G",
        &sparql,
        "--data-urlencode",
        &q,
        "-H",
        "Accept: text/csv;q=0.5, text/tab-separated-values",
    ]);
    assert!(pref
        .header("content-type")
        .unwrap()
        .starts_with("text/tab-separated-values"));
    // CONSTRUCT in RDF syntaxes.
    let construct = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s a ?o . BIND(<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> AS ?p) } }";
    for (accept, format) in [
        ("application/n-triples", "ntriples"),
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "rdfxml"),
    ] {
        let got = curl(&[
            "-G",
            &sparql,
            "--data-urlencode",
            &format!("query={construct}"),
            "-H",
            &format!("Accept: {accept}"),
        ]);
        assert_eq!(got.status, 200, "{}", got.body);
        assert!(got.header("content-type").unwrap().starts_with(accept));
        assert_eq!(
            got.body,
            w.ok(&["query", "--format", format, "--sparql", construct])
        );
    }
    // ASK.
    let ask = curl(&["-G", &sparql, "--data-urlencode", "query=ASK { ?s ?p ?o }"]);
    let ask: serde_json::Value = serde_json::from_str(&ask.body).unwrap();
    assert_eq!(ask["boolean"], true);

    // A malformed query: 400 with the parser's message and position.
    let bad = curl(&[
        "-G",
        &sparql,
        "--data-urlencode",
        "query=SELECT * WHERE { ?s ?p }",
    ]);
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("SPARQL syntax error"), "{}", bad.body);
    assert!(bad.body.contains(":1:"), "{}", bad.body);
    // Updates are refused, however they come, and change nothing.
    let insert = "INSERT DATA { <urn:x> <urn:y> <urn:z> }";
    for args in [
        vec![
            sparql.as_str(),
            "--data-urlencode",
            "update=INSERT DATA { <urn:x> <urn:y> <urn:z> }",
        ],
        vec![
            sparql.as_str(),
            "--data-urlencode",
            "query=INSERT DATA { <urn:x> <urn:y> <urn:z> }",
        ],
        vec![
            sparql.as_str(),
            "-H",
            "Content-Type: application/sparql-update",
            "--data-binary",
            insert,
        ],
    ] {
        let got = curl(&args);
        assert_eq!(got.status, 403, "{args:?}: {}", got.body);
        assert!(got.body.contains("read-only"), "{}", got.body);
    }
    assert_eq!(curl(&[&sparql, "--data-urlencode", &q]).body, json);
    let gsp_put = curl(&[
        "-X",
        "PUT",
        &format!("{}/store?graph=urn:x", server.root()),
        "--data-binary",
        "<urn:x> <urn:y> <urn:z> .",
    ]);
    assert_eq!(gsp_put.status, 405);

    // CORS: a preflight says what a page may send.
    let pre = curl(&[
        "-X",
        "OPTIONS",
        &sparql,
        "-H",
        "Origin: https://yasgui.example",
        "-H",
        "Access-Control-Request-Method: POST",
    ]);
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    assert!(pre
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert!(pre
        .header("access-control-allow-headers")
        .unwrap()
        .contains("Content-Type"));
}

#[test]
fn graph_store_and_query_library_answer_as_export_and_query_do() {
    let w = Workdir::fixture("small");
    let server = start(&w);
    let root = server.root();
    let graphs: Vec<String> = csv_rows(&w.ok(&["query", "--format", "csv", "--sparql", COUNTS]))
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let doc = graphs
        .iter()
        .find(|g| g.contains("/doc/"))
        .expect("a document graph");
    for (accept, format) in [
        ("application/n-triples", "ntriples"),
        ("text/turtle", "turtle"),
    ] {
        let got = curl(&[
            "-G",
            &format!("{root}/store"),
            "--data-urlencode",
            &format!("graph={doc}"),
            "-H",
            &format!("Accept: {accept}"),
        ]);
        assert_eq!(got.status, 200, "{}", got.body);
        assert!(got.header("content-type").unwrap().starts_with(accept));
        assert_eq!(
            got.body,
            w.ok(&["export", "--format", format, "--graph", doc])
        );
    }
    // The default graph is the union of all, as a query's is.
    let all = curl(&[
        &format!("{root}/store?default"),
        "-H",
        "Accept: application/n-triples",
    ]);
    assert_eq!(all.body, w.ok(&["export", "--format", "ntriples"]));
    let missing = curl(&[
        "-G",
        &format!("{root}/store"),
        "--data-urlencode",
        "graph=https://example.org/none",
    ]);
    assert_eq!(missing.status, 404);
    assert_eq!(curl(&[&format!("{root}/store")]).status, 400);

    // The library, listed and run with a binding from the query string.
    let list: serde_json::Value =
        serde_json::from_str(&curl(&[&format!("{root}/queries")]).body).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"profile") && names.contains(&"graphs"),
        "{names:?}"
    );
    // The gazetteer's first entity, which the texts mention.
    let entity = csv_rows(&w.read("gazetteer.csv"))[0][0].clone();
    let got = curl(&[
        "-G",
        &format!("{root}/queries/profile"),
        "--data-urlencode",
        &format!("entity={entity}"),
        "-H",
        "Accept: text/csv",
    ]);
    assert_eq!(got.status, 200, "{}", got.body);
    let cli = w.ok(&[
        "query",
        "profile",
        "--bind",
        &format!("entity={entity}"),
        "--format",
        "csv",
    ]);
    assert_eq!(got.body, cli);
    assert!(csv_rows(&cli).len() > 1, "the profile has rows: {cli}");
    assert_eq!(
        curl(&[&format!("{root}/queries/graphs?format=json")]).body,
        w.ok(&["query", "graphs", "--format", "json"])
    );
    assert_eq!(curl(&[&format!("{root}/queries/nothing")]).status, 404);
    assert_eq!(
        curl(&[&format!("{root}/queries/profile?bad%20name=1")]).status,
        400
    );
}

/// Rows of a client's JSON answer, sorted, unbound as "".
fn rows_of(v: &serde_json::Value) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn rdflib_and_a_federated_service_query_the_endpoint() {
    let w = Workdir::fixture("small");
    let server = start(&w);
    let sparql = format!("{}/sparql", server.root());
    let mut expected = csv_rows(&w.ok(&["query", "--format", "csv", "--sparql", COUNTS]));
    expected.sort();
    let run = |mode: &str, q: &str| -> serde_json::Value {
        let out = Command::new(python())
            .arg(repo().join("tests/clients/sparql_clients.py"))
            .args([mode, &sparql, q])
            .output()
            .expect("the client runs");
        assert!(
            out.status.success(),
            "{mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let rdflib = run("rdflib", COUNTS);
    assert_eq!(rdflib["vars"], serde_json::json!(["g", "n"]));
    assert_eq!(rows_of(&rdflib), expected);
    // pyoxigraph sends the pattern inside SERVICE to the endpoint.
    let service = run(
        "service",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    );
    assert_eq!(rows_of(&service), expected);
}

#[test]
fn a_runaway_query_is_stopped_with_503_and_the_server_answers_on() {
    let w = Workdir::fixture("small");
    let server = start_with(&w, &["--timeout", "0.5", "--threads", "2"]);
    let sparql = format!("{}/sparql", server.root());
    let slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
    let got = curl(&["-G", &sparql, "--data-urlencode", &format!("query={slow}")]);
    assert_eq!(got.status, 503, "{}", got.body);
    assert!(got.body.contains("time limit"), "{}", got.body);
    let ok = curl(&["-G", &sparql, "--data-urlencode", "query=ASK { ?s ?p ?o }"]);
    assert_eq!(ok.status, 200, "{}", ok.body);
}

#[test]
fn many_clients_at_once_and_a_build_meanwhile_is_served_once_committed() {
    let w = Workdir::fixture("small");
    let server = start(&w);
    let sparql = format!("{}/sparql", server.root());
    let before = w.ok(&["query", "--format", "csv", "--sparql", COUNTS]);
    // Sixteen clients at once, all answered the same.
    let answers: Vec<Got> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|_| {
                let sparql = &sparql;
                s.spawn(move || {
                    curl(&[
                        "-G",
                        sparql,
                        "--data-urlencode",
                        &format!("query={COUNTS}"),
                        "-H",
                        "Accept: text/csv",
                    ])
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for a in &answers {
        assert_eq!((a.status, a.body.as_str()), (200, before.as_str()));
    }
    // A build while the server runs: the new generation is served once
    // committed, and the generation the server had is not removed under it.
    let text = w.read("texts/letters.txt");
    w.write(
        "texts/letters.txt",
        format!("{text}\nA note added later: Molotov met Sharett in Moscow.\n"),
    );
    w.ok(&["build", "--quiet"]);
    let after = w.ok(&["query", "--format", "csv", "--sparql", COUNTS]);
    assert_ne!(before, after, "the build changed the store");
    let got = curl(&[
        "-G",
        &sparql,
        "--data-urlencode",
        &format!("query={COUNTS}"),
        "-H",
        "Accept: text/csv",
    ]);
    assert_eq!(got.body, after);
    // Two more builds: the server follows, and old generations go once
    // no reader holds them: at the end, the current one and the one the
    // server held while the last build committed.
    for n in 0..2 {
        let text = w.read("texts/letters.txt");
        w.write("texts/letters.txt", format!("{text}\nAnother note {n}.\n"));
        w.ok(&["build", "--quiet"]);
        let got = curl(&[
            "-G",
            &sparql,
            "--data-urlencode",
            &format!("query={COUNTS}"),
            "-H",
            "Accept: text/csv",
        ]);
        assert_eq!(
            got.body,
            w.ok(&["query", "--format", "csv", "--sparql", COUNTS])
        );
    }
    let generations = std::fs::read_dir(w.store())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.path().is_dir()
                && e.file_name().to_string_lossy().starts_with("gen-")
                && !e.file_name().to_string_lossy().contains('.')
        })
        .count();
    assert_eq!(generations, 2, "generations kept");
}
