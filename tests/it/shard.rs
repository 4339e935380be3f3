//! Sharded builds: the shards together are the full build, byte for byte
//! the same each time, run by a real batch engine (Slurm or GNU parallel)
//! and loaded into real triplestores (`oxigraph load`, Virtuoso's bulk
//! loader) that then answer the library's queries as the local store does.
//!
//! The bulk loads go to a Virtuoso of their own (ANNALIST_VIRTUOSO_BULK_URL,
//! started by scripts/servers.sh), never to the one `annalist push` writes
//! to, and the test empties its graphs there when it ends. Without that
//! server the test fails under CI and is skipped, saying so, elsewhere.

use crate::util::*;
use oxigraph::io::{RdfFormat, RdfParser};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes shards 1..=n of the work directory's corpus into `dir`, directly.
fn shards(w: &Workdir, n: u32, dir: &Path) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            w.ok(&[
                "build",
                "--quiet",
                "--shard",
                &format!("{k}/{n}"),
                "--emit",
                "nquads",
                dir.to_str().unwrap(),
            ]);
            dir.join(format!("shard-{k}-of-{n}.nq.gz"))
        })
        .collect()
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("a shard"))
        .read_to_end(&mut bytes)
        .expect("gzip");
    bytes
}

/// The quads of N-Quads text, parsed, each in its canonical N-Quads form.
fn quads(nquads: &[u8]) -> Vec<String> {
    RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(nquads)
        .map(|q| q.expect("valid N-Quads").to_string())
        .collect()
}

/// The quads with the summary graph that the shards' `summary.ru` makes
/// of them, run by Oxigraph on a store that holds them.
fn with_summary(union: &BTreeSet<String>, dir: &Path) -> BTreeSet<String> {
    let store = oxigraph::store::Store::new().unwrap();
    let text: String = union.iter().map(|q| format!("{q} .\n")).collect();
    store
        .load_from_reader(RdfFormat::NQuads, text.as_bytes())
        .unwrap();
    let request =
        std::fs::read_to_string(dir.join("summary.ru")).expect("shard 1 writes summary.ru");
    oxigraph::sparql::SparqlEvaluator::new()
        .parse_update(&request)
        .expect("summary.ru parses")
        .on_store(&store)
        .execute()
        .expect("summary.ru runs");
    // The summary graph's quads (the store renames the ontology's blank
    // nodes, so the rest is taken as it was).
    let mut all = union.clone();
    all.extend(
        store
            .iter()
            .map(|q| q.unwrap().to_string())
            .filter(|q| q.ends_with("/graph/summary>")),
    );
    all
}

/// The full build's quads, as `annalist export --format nquads` gives them.
fn exported(w: &Workdir) -> BTreeSet<String> {
    let all = quads(
        w.ok(&["export", "--format", "nquads", "--quiet"])
            .as_bytes(),
    );
    let set: BTreeSet<String> = all.iter().cloned().collect();
    assert_eq!(set.len(), all.len(), "the export repeats no quad");
    set
}

fn files_in(w: &Workdir) -> usize {
    w.select(
        "PREFIX schema: <http://schema.org/> SELECT (COUNT(*) AS ?n) WHERE { ?f a schema:DigitalDocument }",
    )[0][0]
        .parse()
        .unwrap()
}

/// The shipped corpus with five more files (parts of one of its texts),
/// added with `annalist add`: more files than the tests have shards.
fn corpus_of_many_files() -> Workdir {
    let w = Workdir::shipped();
    let texts = w.corpus().join("texts");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&texts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let text = std::fs::read_to_string(&names[0]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let extra = w.path().join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    let mut args = vec!["add".to_string(), "--quiet".to_string()];
    for (i, part) in lines.chunks(lines.len().div_ceil(5)).enumerate() {
        let f = extra.join(format!("part-{i}.txt"));
        std::fs::write(&f, part.join("\n") + "\n").unwrap();
        args.push(f.to_string_lossy().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    w.ok(&args);
    w.ok(&["build", "--quiet"]);
    w
}

#[test]
fn the_shards_together_hold_exactly_the_quads_of_a_full_build() {
    // A corpus with more files than shards, and one with fewer.
    let many = corpus_of_many_files();
    let small = Workdir::fixture("small");
    small.ok(&["build", "--quiet"]);
    assert!(files_in(&many) > 3, "{} files", files_in(&many));
    assert!(files_in(&small) < 3, "{} files", files_in(&small));
    let cases = [
        (&many, 1),
        (&many, 2),
        (&many, 3),
        (&small, 1),
        (&small, 2),
        (&small, 3),
    ];
    for (w, n) in cases {
        let full = exported(w);
        let dir = tempfile::tempdir().unwrap();
        let mut union = BTreeSet::new();
        let mut total = 0;
        for (k, path) in shards(w, n, dir.path()).iter().enumerate() {
            let q = quads(&gunzip(path));
            total += q.len();
            if k > 0 {
                // Only shard 1 holds the ontology, corpus and gazetteer.
                assert!(
                    !q.iter().any(|q| q.ends_with("graph/gazetteer>")),
                    "shard {} of {n} repeats the gazetteer",
                    k + 1
                );
            }
            union.extend(q);
        }
        // No shard holds the summary graph; summary.ru makes it of them.
        assert!(!union.iter().any(|q| q.ends_with("graph/summary>")));
        let summarised = with_summary(&union, dir.path());
        let summary = summarised.len() - union.len();
        assert!(summary > 0, "{n} shards: summary.ru made no summary");
        let missing: Vec<&String> = full.difference(&summarised).take(5).collect();
        let extra: Vec<&String> = summarised.difference(&full).take(5).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{n} shards: missing {missing:#?}, extra {extra:#?}"
        );
        assert_eq!(
            total + summary,
            full.len(),
            "{n} shards: no quad written twice"
        );
    }
}

#[test]
fn a_shard_is_the_same_bytes_every_time_and_emit_alone_is_the_whole_corpus() {
    let w = Workdir::shipped();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = shards(&w, 3, a.path());
    let second = shards(&w, 3, b.path());
    for (x, y) in first.iter().zip(&second) {
        let (x, y) = (std::fs::read(x).unwrap(), std::fs::read(y).unwrap());
        assert!(!x.is_empty());
        assert!(x == y, "two runs wrote different bytes");
    }
    // Nothing is left aside, and the store was not built.
    let names: Vec<String> = std::fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 4, "three shards and summary.ru: {names:?}");
    assert!(!w.store().exists(), "--emit loads no store");
    // Without --shard: one file with everything.
    let whole = tempfile::tempdir().unwrap();
    w.ok(&[
        "build",
        "--quiet",
        "--emit",
        "nquads",
        whole.path().to_str().unwrap(),
    ]);
    let all: BTreeSet<String> = quads(&gunzip(&whole.path().join("shard-1-of-1.nq.gz")))
        .into_iter()
        .collect();
    assert_eq!(with_summary(&all, whole.path()), exported(&w));
}

#[test]
fn a_file_stays_in_its_shard_when_the_manifest_is_reordered() {
    let w = Workdir::shipped();
    let before = tempfile::tempdir().unwrap();
    shards(&w, 3, before.path());
    // Reverse the order of the [[document]] tables in the manifest.
    let manifest = w.read("manifest.toml");
    let mut parts: Vec<&str> = manifest.split("\n[[document]]").collect();
    let head = parts.remove(0);
    assert!(parts.len() > 3, "the manifest has documents");
    parts.reverse();
    let mut reordered = head.to_string();
    for p in parts {
        reordered.push_str("\n[[document]]");
        reordered.push_str(p.trim_end_matches('\n'));
        reordered.push('\n');
    }
    assert_ne!(reordered, manifest);
    w.write("manifest.toml", reordered);
    let after = tempfile::tempdir().unwrap();
    shards(&w, 3, after.path());
    for k in 1..=3 {
        let name = format!("shard-{k}-of-3.nq.gz");
        let set =
            |d: &Path| -> BTreeSet<String> { quads(&gunzip(&d.join(&name))).into_iter().collect() };
        assert_eq!(set(before.path()), set(after.path()), "shard {k}");
    }
}

#[test]
fn bad_shard_specs_are_refused_before_anything_is_written() {
    let w = Workdir::fixture("small");
    let out = w.path().join("out");
    let dir = out.to_str().unwrap();
    for spec in ["0/2", "3/2", "1/0", "0/0", "2", "a/b", "1/2/3", "-1/2", ""] {
        let shard = format!("--shard={spec}");
        let stderr = w.fails(&["build", &shard, "--emit", "nquads", dir]);
        assert!(
            stderr.contains("--shard") && stderr.contains("K/N"),
            "{spec:?}: {stderr}"
        );
    }
    // --shard needs --emit, --emit needs its directory, and --force does not go with it.
    let stderr = w.fails(&["build", "--shard", "1/2"]);
    assert!(stderr.contains("--emit"), "{stderr}");
    let stderr = w.fails(&["build", "--emit", "nquads"]);
    assert!(stderr.contains("DIR"), "{stderr}");
    let stderr = w.fails(&["build", "--emit", "turtle", dir]);
    assert!(stderr.contains("nquads"), "{stderr}");
    let stderr = w.fails(&["build", "--force", "--emit", "nquads", dir]);
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
    assert!(!w.store().exists(), "nothing is built");
}

/// The batch engine scripts/test started: `ANNALIST_BATCH_ENGINE` (slurm or
/// parallel); otherwise Slurm when a controller answers, GNU parallel when
/// installed, and none outside CI (the shards are then written directly).
fn engine() -> Option<String> {
    if let Ok(e) = std::env::var("ANNALIST_BATCH_ENGINE") {
        return Some(e);
    }
    let works = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works("scontrol", &["ping"]) && works("sinfo", &["-h"]) {
        return Some("slurm".into());
    }
    if works("parallel", &["--version"]) {
        return Some("parallel".into());
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "no batch engine (Slurm or GNU parallel): scripts/test starts one"
    );
    None
}

/// Writes shards 1..=n of `w`'s corpus into `dir` with the batch engine
/// (through scripts/cluster.sh), or directly when there is none.
fn shards_by_engine(w: &Workdir, n: u32, dir: &Path) -> Vec<PathBuf> {
    let Some(engine) = engine() else {
        eprintln!("no batch engine here: the shards are written directly");
        return shards(w, n, dir);
    };
    let script = format!(
        "source {}/scripts/cluster.sh && annalist_sharded_build \"$@\"",
        repo().display()
    );
    let n_text = n.to_string();
    let out = Command::new("bash")
        .args(["-c", &script, "cluster"])
        .args([
            engine.as_str(),
            bin().to_str().unwrap(),
            w.corpus().to_str().unwrap(),
            &n_text,
            dir.to_str().unwrap(),
        ])
        .env_remove("ANNALIST_CORPUS")
        .env_remove("ANNALIST_STORE")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{engine} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let paths: Vec<PathBuf> = (1..=n)
        .map(|k| dir.join(format!("shard-{k}-of-{n}.nq.gz")))
        .collect();
    for p in &paths {
        assert!(p.is_file(), "{engine} wrote no {}", p.display());
    }
    paths
}

/// The library's queries and the corpus's own, as (name, file).
fn library_queries(w: &Workdir) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in [repo().join("queries"), w.corpus().join("queries")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rq"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_stem().unwrap().to_string_lossy().to_string();
            out.push((name, f));
        }
    }
    assert!(out.len() > 10, "the library has queries");
    out
}

/// A SPARQL JSON result as its variables and its rows (sorted), each term
/// normalised by `term`.
fn solutions(
    json: &serde_json::Value,
    term: &dyn Fn(&serde_json::Value) -> String,
) -> (Vec<String>, Vec<Vec<String>>) {
    let vars: Vec<String> = json["head"]["vars"]
        .as_array()
        .expect("SELECT results")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut rows: Vec<Vec<String>> = json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            vars.iter()
                .map(|v| b.get(v).map(term).unwrap_or_default())
                .collect()
        })
        .collect();
    rows.sort();
    (vars, rows)
}

/// A term exactly as the W3C JSON results give it.
fn exact(t: &serde_json::Value) -> String {
    t.to_string()
}

fn annalist_json(w: &Workdir, query: &Path) -> serde_json::Value {
    let out = w.ok(&[
        "query",
        "--quiet",
        "--format",
        "json",
        query.to_str().unwrap(),
    ]);
    serde_json::from_str(&out).expect("JSON results")
}

/// The `oxigraph` CLI that scripts/test installs (the benchmark's pin).
fn oxigraph_cli() -> PathBuf {
    let p = std::env::var_os("ANNALIST_OXIGRAPH")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/annalist/venv-bench/bin/oxigraph")
        });
    assert!(
        p.exists(),
        "{} not found: run scripts/test, which installs the oxigraph CLI",
        p.display()
    );
    p
}

#[test]
fn shards_run_by_the_batch_engine_and_loaded_by_oxigraph_answer_as_the_local_store() {
    let w = Workdir::shipped();
    w.ok(&["build", "--quiet"]);
    let dir = tempfile::tempdir().unwrap();
    let paths = shards_by_engine(&w, 3, dir.path());
    let oxigraph = oxigraph_cli();
    let store = dir.path().join("oxigraph");
    let script = format!(
        "source {}/scripts/cluster.sh && annalist_oxigraph_bulk_load \"$@\"",
        repo().display()
    );
    let out = Command::new("bash")
        .args(["-c", &script, "cluster"])
        .arg(&oxigraph)
        .arg(&store)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oxigraph load {paths:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut compared = 0;
    for (name, file) in library_queries(&w) {
        let ours = solutions(&annalist_json(&w, &file), &exact);
        let out = Command::new(&oxigraph)
            .args(["query", "--location"])
            .arg(&store)
            .arg("--query-file")
            .arg(&file)
            .args(["--results-format", "json", "--union-default-graph"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "oxigraph query {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs = solutions(&serde_json::from_slice(&out.stdout).unwrap(), &exact);
        assert_eq!(ours.0, theirs.0, "{name}: the variables");
        assert!(
            ours.1 == theirs.1,
            "{name}: {} rows here, {} from the loaded shards; first difference: {:?}",
            ours.1.len(),
            theirs.1.len(),
            ours.1.iter().zip(&theirs.1).find(|(a, b)| a != b)
        );
        compared += usize::from(!ours.1.is_empty());
    }
    assert!(compared > 10, "most queries have answers ({compared})");
}
/// A term of a SPARQL JSON result, written so that Virtuoso's and
/// Oxigraph's spellings of the same value compare equal: numbers by value,
/// an empty string as unbound, the parts of a GROUP_CONCAT in order,
/// a string with or without its `xsd:string`, blank nodes as one (their
/// labels are the server's own), and a run of white space as one space:
/// the library's `REPLACE(?x, "\\s+", " ")` leaves a no-break space to
/// Virtuoso, whose `\s` is XPath's (space, tab, CR, LF), and replaces it
/// in Oxigraph, whose `\s` is Unicode's.
fn value(t: &serde_json::Value) -> String {
    let raw = t["value"].as_str().unwrap_or_default();
    let spaced = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let v = if raw.trim() == raw {
        spaced
    } else {
        // Keep a leading or trailing space as one space.
        let lead = if raw.starts_with(char::is_whitespace) {
            " "
        } else {
            ""
        };
        let trail = if raw.ends_with(char::is_whitespace) && !spaced.is_empty() {
            " "
        } else {
            ""
        };
        format!("{lead}{spaced}{trail}")
    };
    let v = v.as_str();
    match t["type"].as_str() {
        Some("uri") => format!("<{v}>"),
        Some("bnode") => "_:".into(),
        _ => {
            let datatype = t["datatype"].as_str().unwrap_or_default();
            let xsd = datatype.strip_prefix("http://www.w3.org/2001/XMLSchema#");
            if let Some(lang) = t.get("xml:lang").and_then(|l| l.as_str()) {
                return format!("{v:?}@{}", lang.to_lowercase());
            }
            match xsd {
                Some("integer" | "int" | "long" | "short" | "decimal" | "double" | "float") => {
                    let n: f64 = v.parse().unwrap_or(f64::NAN);
                    format!("{n}")
                }
                // GROUP_CONCAT over nothing: "" in Virtuoso (as SPARQL
                // 1.1 says), unbound in Oxigraph; both are written empty.
                None | Some("string") if v.is_empty() => String::new(),
                // GROUP_CONCAT joins in an order SPARQL leaves to the
                // engine: the library's separators, "; " and "|".
                None | Some("string") => {
                    let mut parts: Vec<&str> = v.split("; ").collect();
                    parts.sort_unstable();
                    let v = parts.join("; ");
                    let mut parts: Vec<&str> = v.split('|').collect();
                    parts.sort_unstable();
                    format!("{:?}", parts.join("|"))
                }
                Some(_) => format!("{v:?}^^<{datatype}>"),
            }
        }
    }
}

/// POSTs a query to the SPARQL endpoint at `url` over exactly `graphs`
/// (as the default graph, their union, and as the named graphs), with curl.
fn sparql_over(url: &str, query: &str, graphs: &[String]) -> serde_json::Value {
    let mut c = Command::new("curl");
    c.args(["-sS", "--fail-with-body", "--max-time", "120"])
        .args(["-H", "Accept: application/sparql-results+json"])
        .arg("--data-urlencode")
        .arg(format!("query={query}"));
    for g in graphs {
        c.arg("--data-urlencode")
            .arg(format!("default-graph-uri={g}"));
        c.arg("--data-urlencode")
            .arg(format!("named-graph-uri={g}"));
    }
    let out = c.arg(format!("{url}/sparql")).output().expect("curl runs");
    assert!(
        out.status.success(),
        "{url}/sparql: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{url}/sparql answered no JSON results ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Columns of library queries where Virtuoso 7.2 answers differently from
/// the SPARQL 1.1 specification, with the reason: (query, column, why).
const VIRTUOSO_DIFFERS: &[(&str, &str, &str)] = &[(
    "timeline",
    "what",
    "IF(BOUND(?place), CONCAT(?event, \", \", ?place), ?event) takes the first branch \
     when the OPTIONAL left ?place unbound, giving \"event, \"",
)];

/// The Virtuoso that takes the bulk loads: its URL and ISQL port, from
/// ANNALIST_VIRTUOSO_BULK_URL and ANNALIST_VIRTUOSO_BULK_ISQL_PORT
/// (scripts/servers.sh's `annalist_virtuoso_bulk_start`, which scripts/test
/// runs). A server of its own, not the one the push tests write to over
/// HTTP: a bulk load run after a push on one server left the server hung.
/// None (skipped) outside CI when unset.
fn bulk_virtuoso() -> Option<(String, String)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (
        var("ANNALIST_VIRTUOSO_BULK_URL"),
        var("ANNALIST_VIRTUOSO_BULK_ISQL_PORT"),
    ) {
        (Some(url), Some(port)) => Some((url.trim_end_matches('/').to_string(), port)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "ANNALIST_VIRTUOSO_BULK_URL or ANNALIST_VIRTUOSO_BULK_ISQL_PORT is unset: run \
             scripts/test, which starts the bulk-load Virtuoso, or start it by hand: \
             source scripts/prereq.sh; source scripts/servers.sh; annalist_virtuoso_bulk_start"
        ),
        _ => {
            eprintln!(
                "skipped: ANNALIST_VIRTUOSO_BULK_URL is unset (scripts/test starts the server; \
                 by hand: source scripts/servers.sh; annalist_virtuoso_bulk_start)"
            );
            None
        }
    }
}

/// Runs a function of scripts/cluster.sh against the bulk-load Virtuoso,
/// stopped after ten minutes: a load that hangs fails the test with the
/// function's output instead of holding the suite.
fn cluster_sh(isql_port: &str, function: &str, args: &[&str]) -> std::process::Output {
    let script = format!(
        "source {}/scripts/cluster.sh && {function} \"$@\"",
        repo().display()
    );
    Command::new("timeout")
        .args(["600", "bash", "-c", &script, "cluster"])
        .args(args)
        .env("ANNALIST_VIRTUOSO_ISQL_PORT", isql_port)
        .output()
        .expect("bash runs")
}

/// Empties, when dropped, the graphs a test loaded into the bulk-load
/// Virtuoso and forgets its files in the loader's list, so that the server
/// holds the same after the test as before, whether it passed or not.
struct Loaded {
    isql_port: String,
    dir: PathBuf,
    graphs: Vec<String>,
}

impl Drop for Loaded {
    fn drop(&mut self) {
        let mut sql: String = self
            .graphs
            .iter()
            .map(|g| {
                format!(
                    "DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id('{}');\n",
                    g.replace('\'', "''")
                )
            })
            .collect();
        sql.push_str(&format!(
            "DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file LIKE '{}/%';\ncheckpoint;\n",
            self.dir.display()
        ));
        let file = self.dir.with_extension("cleanup.sql");
        if std::fs::write(&file, sql).is_ok() {
            let out = cluster_sh(
                &self.isql_port,
                "annalist_virtuoso_isql",
                &[&format!("LOAD {}", file.display())],
            );
            if !out.status.success() {
                eprintln!(
                    "the bulk-load Virtuoso kept this test's graphs: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let _ = std::fs::remove_file(&file);
        }
    }
}

#[test]
fn shards_bulk_loaded_into_virtuoso_answer_as_the_local_store() {
    let Some((url, isql_port)) = bulk_virtuoso() else {
        return;
    };
    // A base IRI of its own: the server may hold other corpora's graphs.
    let w = Workdir::shipped();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let base = format!(
        "https://example.org/shard-test-{}-{nanos}/",
        std::process::id()
    );
    w.edit(
        "manifest.toml",
        "base_iri = \"https://example.org/soviet-israeli/\"",
        &format!("base_iri = \"{base}\""),
    );
    w.ok(&["build", "--quiet"]);
    let graphs: Vec<String> = w
        .select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert!(graphs.len() > 30, "{} graphs", graphs.len());
    // Under /tmp, which the server's DirsAllowed holds.
    let dir = tempfile::Builder::new()
        .prefix("annalist-shards-")
        .tempdir_in("/tmp")
        .unwrap();
    shards_by_engine(&w, 3, dir.path());
    let _loaded = Loaded {
        isql_port: isql_port.clone(),
        dir: dir.path().to_path_buf(),
        graphs: graphs.clone(),
    };
    let out = cluster_sh(
        &isql_port,
        "annalist_virtuoso_bulk_load",
        &[dir.path().to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "Virtuoso's bulk loader ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The same quads, graph by graph. The ontology's graph is shared by
    // every corpus loaded into the server, and each bulk load brings its
    // blank nodes anew: there, only the quads without them are counted.
    let count = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } \
                 FILTER(?g != <https://w3id.org/annalist/ns> || (!isBlank(?s) && !isBlank(?o))) } GROUP BY ?g";
    let ours = solutions(&annalist_json_sparql(&w, count), &value);
    let theirs = solutions(&sparql_over(&url, count, &graphs), &value);
    assert_eq!(ours, theirs, "quads per graph");
    let mut compared = 0;
    for (name, file) in library_queries(&w) {
        let mut ours = solutions(&annalist_json(&w, &file), &value);
        let text = std::fs::read_to_string(&file).unwrap();
        let mut theirs = solutions(&sparql_over(&url, &text, &graphs), &value);
        // Virtuoso's own mistakes, not the data's: left out of the comparison.
        for (query, column, _why) in VIRTUOSO_DIFFERS {
            if name != *query {
                continue;
            }
            let c = ours.0.iter().position(|v| v == column).expect("the column");
            for rows in [&mut ours.1, &mut theirs.1] {
                rows.iter_mut().for_each(|r| r[c].clear());
                rows.sort();
            }
        }
        assert_eq!(ours.0, theirs.0, "{name}: the variables");
        assert!(
            ours.1 == theirs.1,
            "{name}: {} rows here, {} from Virtuoso; first difference: {:?}",
            ours.1.len(),
            theirs.1.len(),
            ours.1.iter().zip(&theirs.1).find(|(a, b)| a != b)
        );
        compared += usize::from(!ours.1.is_empty());
    }
    assert!(compared > 10, "most queries have answers ({compared})");
}

fn annalist_json_sparql(w: &Workdir, sparql: &str) -> serde_json::Value {
    let out = w.ok(&["query", "--quiet", "--format", "json", "--sparql", sparql]);
    serde_json::from_str(&out).expect("JSON results")
}
