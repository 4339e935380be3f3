//! `annalist serve`: the reconciliation service, asked by a real HTTP client
//! (Python's urllib) and every answer validated against the W3C
//! Reconciliation API 0.2 JSON Schemas in ../shared (or ANNALIST_SHARED;
//! skipped when absent).

use crate::util::{python, repo, Workdir};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running server, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `annalist serve --port 0` and reads the address it bound.
fn start(w: &Workdir) -> Server {
    let mut child = w
        .cmd(&["serve", "--port", "0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
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
