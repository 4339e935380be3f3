//! Every export, byte for byte: each format of the shipped corpus and of the
//! hostile fixture against the digests in `tests/fixtures/golden/`, so that
//! a change to how the store is read can be shown not to change one byte of
//! what is written.
//!
//! A digest file lists, per written file, its BLAKE3 hash, its size and its
//! path under the output directory. `ANNALIST_BLESS=1` writes the digest
//! files anew from the current program instead of comparing (review the
//! difference in `git diff` before committing it).

use crate::util::*;
use std::path::{Path, PathBuf};

/// Single-file formats, written with `-o FILE`.
const FILES: [&str; 12] = [
    "turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml", "webanno", "geojson", "gexf",
    "graphml", "cypher", "svg",
];

/// Formats that write a directory.
const DIRECTORIES: [&str; 6] = ["csv", "brat", "tei", "gephi-csv", "neo4j-csv", "html"];

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Writes every export of the corpus in `w` into `out`.
fn export_everything(w: &Workdir, out: &Path) {
    w.ok(&["build", "--quiet"]);
    for format in FILES {
        let path = out.join(format!("export.{format}"));
        w.ok(&[
            "export",
            "--quiet",
            "--format",
            format,
            "-o",
            path.to_str().unwrap(),
        ]);
    }
    for format in DIRECTORIES {
        let path = out.join(format);
        w.ok(&[
            "export",
            "--quiet",
            "--format",
            format,
            "-o",
            path.to_str().unwrap(),
        ]);
    }
    let variants: [(&str, &[&str]); 3] = [
        (
            "documents-paragraph.gexf",
            &[
                "--format",
                "gexf",
                "--include-documents",
                "--window",
                "paragraph",
            ],
        ),
        (
            "comentions-80.graphml",
            &[
                "--format",
                "graphml",
                "--edges",
                "comentions",
                "--window",
                "80",
            ],
        ),
        (
            "relations-people.cypher",
            &[
                "--format",
                "cypher",
                "--edges",
                "relations",
                "--types",
                "Person",
            ],
        ),
    ];
    for (name, args) in variants {
        let path = out.join(name);
        let mut all = vec!["export", "--quiet", "-o", path.to_str().unwrap()];
        all.extend_from_slice(args);
        w.ok(&all);
    }
    let mentions = w.ok(&["mentions", "--quiet"]);
    std::fs::write(out.join("mentions.tsv"), mentions).unwrap();
    let unlinked = w.ok(&["mentions", "--quiet", "--unlinked"]);
    std::fs::write(out.join("mentions-unlinked.tsv"), unlinked).unwrap();
}

/// `hash size path` per file, one a line.
fn digests(out: &Path) -> String {
    let mut text = String::new();
    for rel in files_under(out) {
        let bytes = std::fs::read(out.join(&rel)).unwrap();
        let hash = annalist_blake3(&bytes);
        text.push_str(&format!("{hash} {} {}\n", bytes.len(), rel.display()));
    }
    text
}

fn annalist_blake3(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

fn check(name: &str, w: Workdir) {
    let out = w.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    export_everything(&w, &out);
    let got = digests(&out);
    let golden = repo()
        .join("tests/fixtures/golden")
        .join(format!("{name}.b3"));
    if std::env::var_os("ANNALIST_BLESS").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden).expect("the golden digests");
    let differ: Vec<&str> = got
        .lines()
        .filter(|l| !want.lines().any(|x| x == *l))
        .chain(want.lines().filter(|l| !got.lines().any(|x| x == *l)))
        .collect();
    assert!(
        differ.is_empty(),
        "{name}: exports differ from {}:\n{}",
        golden.display(),
        differ.join("\n")
    );
}

#[test]
fn every_export_of_the_shipped_corpus_is_byte_identical_to_its_golden_digest() {
    check("shipped", Workdir::shipped());
}

#[test]
fn every_export_of_the_hostile_fixture_is_byte_identical_to_its_golden_digest() {
    check("hostile", Workdir::fixture("hostile"));
}
