//! `annalist push`: the store sent to real triplestore servers over the
//! Graph Store Protocol (Oxigraph server and Virtuoso, which scripts/test
//! starts through scripts/servers.sh and names in ANNALIST_OXIGRAPH_URL and
//! ANNALIST_VIRTUOSO_URL), then asked through their own SPARQL endpoints:
//! the same quads per graph and the same answers to the library's queries
//! as `annalist query`. Failures (an HTTP error mid-push, a wrong password,
//! an unreachable or silent server) against a stub server and sockets of
//! the test's own.
//!
//! Without the servers' variables a test fails under CI (CI set) and says
//! how to start them; elsewhere it prints "skipped: …" and returns.

use crate::util::{csv_rows, python, repo, virtuoso_lock, Workdir};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The URL a server variable names, or None (skipped) outside CI.
fn server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(u) if !u.is_empty() => Some(u.trim_end_matches('/').to_string()),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{var} is unset: run scripts/test, which starts the servers, or start them by hand: \
             source scripts/prereq.sh; source scripts/servers.sh; annalist_virtuoso_start; annalist_oxigraph_server_start"
        ),
        _ => {
            eprintln!("skipped: {var} is unset (scripts/test starts the server; by hand: source scripts/servers.sh)");
            None
        }
    }
}

/// A copy of the small fixture whose graphs no other test's share: its base
/// IRI is made unique, since the servers are shared.
fn unique_fixture() -> Workdir {
    let w = Workdir::fixture("small");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    w.edit(
        "manifest.toml",
        "base_iri = \"https://example.org/fixture/\"",
        &format!(
            "base_iri = \"https://example.org/push-{}-{nanos}/\"",
            std::process::id()
        ),
    );
    w
}

const COUNTS: &str =
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g";

/// Asks a SPARQL endpoint with the graphs in `graphs` as the dataset;
/// sorted rows of lexical values.
fn ask(endpoint: &str, query: &str, graphs: &[String]) -> Vec<Vec<String>> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), graphs.join("\n")).unwrap();
    let out = Command::new(python())
        .arg(repo().join("tests/clients/sparql_clients.py"))
        .args(["select", endpoint, query])
        .arg(file.path())
        .output()
        .expect("the client runs");
    assert!(
        out.status.success(),
        "{endpoint}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<Vec<String>> = v["rows"]
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
    sorted(rows)
}

/// Rows sorted, and each cell's `; `-joined parts sorted: GROUP_CONCAT's
/// order is not defined by SPARQL, and servers differ in it.
fn sorted(rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    let mut parts: Vec<&str> = c.split("; ").collect();
                    parts.sort();
                    parts.join("; ")
                })
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

/// `annalist push URL ARGS…`: (success, stderr).
fn push(w: &Workdir, url: &str, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut c = w.cmd(&[&["push", url], args].concat());
    c.env_remove("ANNALIST_PUSH_PASSWORD")
        .env_remove("ANNALIST_PUSH_TOKEN");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("the binary runs");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code(), err)
}

/// Pushes to a server and checks its SPARQL endpoint against the store;
/// then an edit and an incremental push.
fn push_and_compare(gsp: &str, sparql: &str) {
    let w = unique_fixture();
    let (code, err) = push(&w, gsp, &[], &[]);
    assert_eq!(code, Some(0), "{err}");
    let local = csv_rows(&w.ok(&["query", "--format", "csv", "--sparql", COUNTS]));
    let graphs: Vec<String> = local.iter().map(|r| r[0].clone()).collect();
    assert!(
        graphs.iter().any(|g| g.ends_with("graph/gazetteer")),
        "{graphs:?}"
    );
    assert!(
        graphs.iter().any(|g| g.ends_with("graph/corpus")),
        "{graphs:?}"
    );
    assert!(
        err.contains(&format!("sending {}, deleting 0", graphs.len())),
        "{err}"
    );
    // The same quads in every graph.
    assert_eq!(
        ask(sparql, COUNTS, &graphs),
        sorted(local.clone()),
        "{sparql}"
    );
    // The library's queries that take no parameter, with the pushed
    // graphs as the dataset, answer as the local store does.
    let mut compared = 0;
    for name in [
        "documents",
        "entities",
        "places",
        "graphs",
        "unlinked",
        "ambiguous",
        "co-mentions",
        "single-source",
    ] {
        let text = std::fs::read_to_string(repo().join(format!("queries/{name}.rq"))).unwrap();
        let local = sorted(csv_rows(&w.ok(&["query", name, "--format", "csv"])));
        assert_eq!(ask(sparql, &text, &graphs), local, "{name} at {sparql}");
        compared += 1;
    }
    assert!(compared >= 8);

    // Nothing changed: nothing is sent.
    let (code, err) = push(&w, gsp, &[], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("sending 0, deleting 0"), "{err}");
    // One text changed: its documents' graphs (and the corpus's, which
    // counts them) are sent, the others are not.
    let text = w.read("texts/letters.txt");
    w.write(
        "texts/letters.txt",
        format!("{text}\nA note added later: Molotov met Sharett in Moscow.\n"),
    );
    let (code, err) = push(&w, gsp, &[], &[]);
    assert_eq!(code, Some(0), "{err}");
    let sent: usize = err
        .split("sending ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{err}"));
    assert!(sent >= 1 && sent < graphs.len(), "{err}");
    let local = csv_rows(&w.ok(&["query", "--format", "csv", "--sparql", COUNTS]));
    let graphs: Vec<String> = local.iter().map(|r| r[0].clone()).collect();
    assert_eq!(ask(sparql, COUNTS, &graphs), sorted(local));

    // Leave the server as it was found: the other tests share it, and
    // Virtuoso answers their queries over listed graphs far more slowly
    // when a corpus's graphs are left beside them.
    for g in &graphs {
        let out = Command::new("curl")
            .args(["-sS", "-X", "DELETE", "--max-time", "60", "-G", gsp])
            .arg("--data-urlencode")
            .arg(format!("graph={g}"))
            .output()
            .expect("curl runs");
        assert!(out.status.success(), "DELETE {g} at {gsp}");
    }
}

#[test]
fn push_to_oxigraph_server_then_its_endpoint_answers_as_the_store() {
    let Some(url) = server("ANNALIST_OXIGRAPH_URL") else {
        return;
    };
    push_and_compare(&format!("{url}/store"), &format!("{url}/query"));
}

#[test]
fn push_to_virtuoso_then_its_endpoint_answers_as_the_store() {
    let Some(url) = server("ANNALIST_VIRTUOSO_URL") else {
        return;
    };
    let _virtuoso = virtuoso_lock();
    push_and_compare(
        &format!("{url}/sparql-graph-crud"),
        &format!("{url}/sparql"),
    );
}

/// The stub Graph Store server of tests/clients/gsp_stub.py.
struct Stub {
    child: Child,
    url: String,
    log: std::path::PathBuf,
}

impl Stub {
    fn start(dir: &std::path::Path, args: &[&str]) -> Stub {
        let log = dir.join(format!(
            "stub-{}.jsonl",
            args.join("_").replace(['/', '-'], "")
        ));
        let mut child = Command::new(python())
            .arg(repo().join("tests/clients/gsp_stub.py"))
            .arg(&log)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("the stub starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_string();
        Stub { child, url, log }
    }

    /// The requests it had: (method, graph, status).
    fn requests(&self) -> Vec<(String, String, u16)> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["method"].as_str().unwrap().to_string(),
                    v["graph"].as_str().unwrap_or("").to_string(),
                    v["status"].as_u64().unwrap() as u16,
                )
            })
            .collect()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_push_that_fails_midway_says_so_and_the_next_resumes() {
    let w = Workdir::fixture("small");
    let graphs = csv_rows(&w.ok(&["query", "--format", "csv", "--sparql", COUNTS]));
    assert!(graphs.len() > 3);
    // The third request fails, and only it.
    let stub = Stub::start(
        w.path(),
        &["--fail-after", "2", "--fail-count", "1", "--status", "503"],
    );
    let (code, err) = push(&w, &stub.url, &[], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&stub.url), "{err}");
    assert!(err.contains("HTTP 503"), "{err}");
    assert!(err.contains("resumes"), "{err}");
    let first = stub.requests();
    assert_eq!(first.len(), 3, "{first:?}");
    assert_eq!(first.iter().filter(|r| r.2 == 201).count(), 2, "{first:?}");
    // The next push sends the rest, and only the rest.
    let (code, err) = push(&w, &stub.url, &[], &[]);
    assert_eq!(code, Some(0), "{err}");
    let all = stub.requests();
    let second = &all[first.len()..];
    assert_eq!(second.len(), graphs.len() - 2, "{second:?}");
    assert!(
        second.iter().all(|r| r.0 == "PUT" && r.2 == 201),
        "{second:?}"
    );
    let sent_before: Vec<&String> = first.iter().filter(|r| r.2 == 201).map(|r| &r.1).collect();
    assert!(
        second.iter().all(|r| !sent_before.contains(&&r.1)),
        "{second:?}"
    );
    // Every graph of the store went through once.
    let mut took: Vec<&String> = all.iter().filter(|r| r.2 == 201).map(|r| &r.1).collect();
    took.sort();
    let mut expected: Vec<&String> = graphs.iter().map(|r| &r[0]).collect();
    expected.sort();
    assert_eq!(took, expected);
}

#[test]
fn a_wrong_password_an_unreachable_server_and_silence_are_clear_errors() {
    let w = Workdir::fixture("small");
    let stub = Stub::start(w.path(), &["--user", "historian", "--password", "right"]);
    let (code, err) = push(
        &w,
        &stub.url,
        &["--user", "historian"],
        &[("ANNALIST_PUSH_PASSWORD", "wrong")],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&stub.url) && err.contains("HTTP 401"), "{err}");
    assert!(err.contains("--user"), "{err}");
    let (code, err) = push(
        &w,
        &stub.url,
        &["--user", "historian"],
        &[("ANNALIST_PUSH_PASSWORD", "right")],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(stub.requests().iter().any(|r| r.2 == 201));
    // A user without a password is told where to give it.
    let (code, err) = push(&w, &stub.url, &["--user", "historian"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("ANNALIST_PUSH_PASSWORD"), "{err}");

    // Nobody listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("http://127.0.0.1:{port}/store");
    let (code, err) = push(&w, &url, &["--all"], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&url) && err.contains("cannot reach"), "{err}");
    // Someone listens and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/store",
        silent.local_addr().unwrap().port()
    );
    let (code, err) = push(&w, &url, &["--all", "--timeout", "1"], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&url) && err.contains("no answer within 1 s"),
        "{err}"
    );
    drop(silent);
    // https is said to be unsupported, with what to do.
    let (code, err) = push(&w, "https://example.org/store", &[], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("plain HTTP"), "{err}");
}
