//! HIPE-2022: `annalist import hipe` makes a corpus, its gold standard and
//! a gazetteer; `annalist evaluate` gives HIPE's measures and writes the
//! predictions back as HIPE TSV. On our own small file, and on the
//! topres19th benchmark when ../shared has it.

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn annalist(corpus: &Path, args: &[&str]) -> String {
    let out = Command::new(bin())
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .env_remove("ANNALIST_CORPUS")
        .env_remove("ANNALIST_STORE")
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "annalist {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn import(w: &Workdir, files: &[&Path], extra: &[&str]) -> PathBuf {
    let dir = w.path().join("imported");
    let mut args: Vec<&str> = vec!["import", "hipe"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["-o", dir.to_str().unwrap(), "--quiet"]);
    args.extend(extra);
    w.ok(&args);
    dir
}

/// The HIPE measures evaluate prints: (strict F1, fuzzy F1, linking F1).
fn measures(report: &str) -> (f64, f64, f64) {
    let f1 = |label: &str| -> f64 {
        let line = report
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} line in:\n{report}"));
        line[label.len()..]
            .split_whitespace()
            .nth(2)
            .unwrap()
            .parse()
            .unwrap()
    };
    (
        f1("NERC strict"),
        f1("NERC fuzzy"),
        f1("EL fuzzy, rank 1, NIL included"),
    )
}

/// The token rows of a HIPE file (comments and header left out).
fn token_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn import_rebuilds_texts_gold_and_gazetteer_and_evaluate_scores_them_as_hipe_does() {
    let w = Workdir::fixture("hipe");
    let sample = w.corpus().join("sample.tsv");
    let dir = import(&w, &[&sample], &["--gazetteer"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("texts/fixture-1.txt")).unwrap(),
        "SALE.\nAt the Corn Exchange, Ashby Wold, in Tanner Street.\n"
    );
    let (header, docs) = csv_file(&dir.join("documents.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0][col("date")], "1851-05-01");
    assert!(docs[0][col("note")].contains("hipe2022:dataset = fixture"));
    let (gh, gold) = csv_file(&dir.join("gold.csv"));
    assert_eq!(
        gh,
        ["document", "start", "end", "text", "type", "entity", "wikidata", "class"]
    );
    let texts: Vec<(&str, &str, &str)> = gold
        .iter()
        .map(|r| (r[3].as_str(), r[6].as_str(), r[7].as_str()))
        .collect();
    assert_eq!(
        texts[..3],
        [
            ("Corn Exchange", "Q999999901", "BUILDING"),
            ("Ashby Wold", "Q999999902", "LOC"),
            ("Tanner Street", "NIL", "STREET")
        ]
    );
    let (_, entities) = csv_file(&dir.join("gazetteer.csv"));
    assert!(entities
        .iter()
        .any(|e| e[2] == "Tanner Street" && e[4].is_empty()));

    // The gazetteer made from this gold finds every gold mention again.
    let hipe_out = w.path().join("predicted.tsv");
    let report = annalist(
        &dir,
        &[
            "evaluate",
            "--quiet",
            "--hipe-out",
            hipe_out.to_str().unwrap(),
        ],
    );
    assert_eq!(measures(&report), (1.0, 1.0, 1.0), "{report}");
    // Written back: the same tokens, with the gold's tags and links.
    let original = token_rows(&std::fs::read_to_string(&sample).unwrap());
    let written = token_rows(&std::fs::read_to_string(&hipe_out).unwrap());
    assert_eq!(written.len(), original.len());
    for (o, p) in original.iter().zip(&written) {
        assert_eq!((&p[0], &p[1], &p[7], &p[9]), (&o[0], &o[1], &o[7], &o[9]));
    }
}

#[test]
fn wrong_links_and_classes_count_against_linking_and_strict_only() {
    let w = Workdir::fixture("hipe");
    let sample = w.corpus().join("sample.tsv");
    let dir = import(&w, &[&sample], &["--gazetteer"]);
    // Another system: the right spans, one with a wrong class, one NIL
    // given a QID.
    let gold = std::fs::read_to_string(dir.join("gold.csv")).unwrap();
    let predicted = gold
        .replace("BUILDING", "LOC")
        .replace(",NIL,STREET", ",Q999999903,STREET");
    std::fs::write(w.path().join("other.csv"), predicted).unwrap();
    let report = annalist(
        &dir,
        &[
            "evaluate",
            "--quiet",
            "--predicted",
            w.path().join("other.csv").to_str().unwrap(),
        ],
    );
    let (strict, fuzzy, el) = measures(&report);
    assert!(strict < 1.0 && fuzzy < 1.0, "{report}");
    assert!(el < 1.0, "{report}");
    assert!((strict - fuzzy).abs() < 1e-9, "same spans: {report}");
}

#[test]
fn a_bad_hipe_file_is_refused_with_its_line() {
    let w = Workdir::fixture("hipe");
    let bad = w.corpus().join("bad.tsv");
    let sample = std::fs::read_to_string(w.corpus().join("sample.tsv")).unwrap();
    std::fs::write(&bad, sample.replacen("B-LOC", "LOC", 1)).unwrap();
    let err = w.fails(&["import", "hipe", bad.to_str().unwrap(), "-o", "out"]);
    assert!(
        err.contains("bad.tsv:15:") && err.contains("not an IOB tag"),
        "{err}"
    );
}

/// ../shared beside the checkout, or ANNALIST_SHARED.
fn topres19th() -> Option<PathBuf> {
    let shared = std::env::var_os("ANNALIST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    let dir = shared.join("benchmarks/hipe-2022-topres19th");
    dir.join("HIPE-2022-v2.1-topres19th-dev-en.tsv")
        .is_file()
        .then_some(dir)
}

#[test]
fn topres19th_dev_imports_whole_and_scores_with_a_gazetteer_from_train() {
    let Some(data) = topres19th() else {
        eprintln!("skipped: ../shared/benchmarks/hipe-2022-topres19th is absent");
        return;
    };
    let w = Workdir::fixture("hipe");
    let dev = data.join("HIPE-2022-v2.1-topres19th-dev-en.tsv");
    let train = data.join("HIPE-2022-v2.1-topres19th-train-en.tsv");
    let dir = import(&w, &[&dev], &["--gazetteer-from", train.to_str().unwrap()]);
    let tsv = std::fs::read_to_string(&dev).unwrap();
    let documents = tsv
        .lines()
        .filter(|l| l.starts_with("# hipe2022:document_id"))
        .count();
    // A mention starts at a B- tag, or at an I- tag that continues nothing.
    let tags: Vec<String> = token_rows(&tsv).into_iter().map(|r| r[1].clone()).collect();
    let mentions = tags
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            t.starts_with("B-")
                || (t.starts_with("I-")
                    && (*i == 0 || tags[i - 1] == "O" || tags[i - 1].get(2..) != t.get(2..)))
        })
        .count();
    let (_, docs) = csv_file(&dir.join("documents.csv"));
    let (_, gold) = csv_file(&dir.join("gold.csv"));
    assert_eq!((docs.len(), gold.len()), (documents, mentions));
    // evaluate checks every gold row against the rebuilt text.
    let report = annalist(&dir, &["evaluate", "--quiet"]);
    let (strict, fuzzy, el) = measures(&report);
    assert!(strict > 0.0 && fuzzy >= strict && el > 0.0, "{report}");
}
