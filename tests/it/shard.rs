//! Sharded builds: the shards together are the full build, byte for byte
//! the same each time, run by a real batch engine (Slurm or GNU parallel)
//! and loaded into real triplestores (`oxigraph load`, Virtuoso's bulk
//! loader) that then answer the library's queries as the local store does.

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
        let missing: Vec<&String> = full.difference(&union).take(5).collect();
        let extra: Vec<&String> = union.difference(&full).take(5).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{n} shards: missing {missing:#?}, extra {extra:#?}"
        );
        assert_eq!(total, full.len(), "{n} shards: no quad written twice");
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
    assert_eq!(names.len(), 3, "{names:?}");
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
    assert_eq!(all, exported(&w));
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
