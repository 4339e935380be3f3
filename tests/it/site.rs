//! The reading view (`export --format html`), read back as a reader and a
//! validator would: Python's html.parser (structure, links and anchors,
//! mention highlights against the store's offsets), HTML Tidy (validity),
//! and headless Chromium (from file:// and from a local server: no console
//! errors, screenshots, the first Tab reaches the skip link, the search
//! finds a name).

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn export_site(w: &Workdir, name: &str) -> PathBuf {
    let dir = w.path().join(name);
    w.ok(&[
        "export",
        "--format",
        "html",
        "-o",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    dir
}

fn check(site: &Path) -> Value {
    let out = Command::new(python())
        .arg(repo().join("tests/clients/site_check.py"))
        .arg(site)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "site_check.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from site_check.py")
}

fn problems(v: &Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// What HTML Tidy reports about a page: errors, and with `warnings` also
/// warnings.
fn tidy(page: &Path, warnings: bool) -> String {
    let out = Command::new("tidy")
        .args(["-q", "-e", "--show-warnings", "yes", "-utf8"])
        .arg(page)
        .output()
        .expect("tidy (Debian's tidy) is installed by scripts/test");
    let report = String::from_utf8_lossy(&out.stderr).to_string();
    match out.status.code() {
        Some(0) | Some(1) => report
            .lines()
            .filter(|l| l.contains("Error:") || (warnings && l.contains("Warning:")))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => format!("tidy failed ({}):\n{report}", out.status),
    }
}

#[test]
fn the_shipped_corpus_becomes_a_site_whose_links_all_resolve() {
    let w = Workdir::shipped();
    let site = export_site(&w, "site");
    let v = check(&site);
    assert_eq!(problems(&v), Vec::<String>::new());
    let csv = w.export_csv();
    let (_, documents) = csv_file(&csv.join("documents.csv"));
    let (_, entities) = csv_file(&csv.join("entities.csv"));
    let pages = |prefix: &str| {
        v["titles"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .count()
    };
    assert_eq!(pages("doc/"), documents.len(), "one page per document");
    assert_eq!(pages("entity/"), entities.len(), "one page per entity");
    assert!(v["links"].as_u64().unwrap() > 5_000, "{}", v["links"]);
    for page in ["index.html", "claims.html", "network.html"] {
        assert!(site.join(page).is_file(), "{page}");
    }
    // Tidy finds nothing to say about the pages, and no error in the
    // network page (whose inline SVG attributes Tidy 5.6 does not know).
    let doc = format!("doc/{}.html", documents[0][0]);
    let entity = "entity/moshe-sharett.html";
    for page in ["index.html", "claims.html", doc.as_str(), entity] {
        assert_eq!(tidy(&site.join(page), true), "", "{page}");
    }
    assert_eq!(tidy(&site.join("network.html"), false), "");
    // The conflicting-claims answer comes first on the claims page.
    let claims = std::fs::read_to_string(site.join("claims.html")).unwrap();
    let conflicts = claims
        .find("id=\"conflicts\"")
        .expect("a conflicts section");
    assert!(conflicts < claims.find("id=\"claims-table\"").unwrap());
    assert!(
        claims.contains("class=\"conflict\""),
        "the corpus has conflicts"
    );
}

#[test]
fn a_mention_highlight_covers_exactly_the_mention() {
    let w = Workdir::shipped();
    let site = export_site(&w, "site");
    let v = check(&site);
    let csv = w.export_csv();
    let (header, rows) = csv_file(&csv.join("mentions.csv"));
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("mentions.csv has no {name} column"))
    };
    let (doc, start, end, text, entity) = (
        col("document"),
        col("start"),
        col("end"),
        col("text"),
        col("entity"),
    );
    let mut expected: BTreeMap<String, Vec<(u64, u64, String, String)>> = BTreeMap::new();
    for r in &rows {
        expected
            .entry(format!("doc/{}.html", r[doc]))
            .or_default()
            .push((
                r[start].parse().unwrap(),
                r[end].parse().unwrap(),
                r[text].clone(),
                format!("../entity/{}.html", r[entity]),
            ));
    }
    let mut seen = 0;
    for (page, list) in v["mentions"].as_object().unwrap() {
        let mut got: Vec<(u64, u64, String, String)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m[0].as_u64().unwrap(),
                    m[1].as_u64().unwrap(),
                    m[2].as_str().unwrap().to_string(),
                    m[3].as_str().unwrap().to_string(),
                )
            })
            .collect();
        got.sort();
        let mut want = expected.remove(page).unwrap_or_default();
        want.sort();
        assert_eq!(got, want, "{page}");
        seen += got.len();
    }
    assert!(expected.is_empty(), "pages missing: {:?}", expected.keys());
    assert_eq!(seen, rows.len());
    assert!(seen > 500, "{seen}");
}

#[test]
fn hostile_labels_and_texts_are_shown_as_text() {
    let w = Workdir::fixture("hostile");
    let site = export_site(&w, "site");
    let v = check(&site);
    // No injected script, handler, link or misnested tag anywhere.
    assert_eq!(problems(&v), Vec::<String>::new());
    let label = "<script>alert(\"x\")</script>";
    let obrien = "O'Brien & \"Co\"";
    let titles = v["titles"].as_object().unwrap();
    assert!(titles["entity/scripter.html"]
        .as_str()
        .unwrap()
        .starts_with(label));
    assert!(titles["entity/obrien.html"]
        .as_str()
        .unwrap()
        .starts_with(obrien));
    assert!(titles["doc/hostile-letter.html"]
        .as_str()
        .unwrap()
        .starts_with("</title><script>alert(\"doc\")</script> & \"Co\""));
    // The mention whose text is markup is one link holding that text.
    let mentions = v["mentions"]["doc/hostile-letter.html"].as_array().unwrap();
    assert!(
        mentions
            .iter()
            .any(|m| m[2] == label && m[3] == "../entity/scripter.html"),
        "{mentions:?}"
    );
    // The document text comes back whole: as long as the store has it.
    let csv = w.export_csv();
    let (_, documents) = csv_file(&csv.join("documents.csv"));
    let letter = documents.iter().find(|r| r[0] == "hostile-letter").unwrap();
    let (start, end): (u64, u64) = (letter[2].parse().unwrap(), letter[3].parse().unwrap());
    assert_eq!(
        v["text_lengths"]["doc/hostile-letter.html"]
            .as_u64()
            .unwrap(),
        end - start
    );
    // The search index carries the labels as data.
    let names: Vec<&str> = v["search_entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[1].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&label) && names.contains(&obrien),
        "{names:?}"
    );
    for page in [
        "index.html",
        "doc/hostile-letter.html",
        "entity/scripter.html",
    ] {
        assert_eq!(tidy(&site.join(page), true), "", "{page}");
    }
}

#[test]
fn the_same_store_gives_the_same_site_byte_for_byte() {
    let w = Workdir::fixture("small");
    let a = export_site(&w, "a");
    let b = export_site(&w, "b");
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(bytes == &fb[path], "{path} differs");
    }
    // Writing again over an earlier site replaces it, identically.
    std::fs::write(a.join("stale.html"), "old").unwrap();
    export_site(&w, "a");
    assert_eq!(files(&a), fb);
}

#[test]
fn a_directory_that_is_not_a_site_is_left_alone() {
    let w = Workdir::fixture("small");
    let dir = w.path().join("mine");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "keep me").unwrap();
    let err = w.fails(&["export", "--format", "html", "-o", dir.to_str().unwrap()]);
    assert!(err.contains("not a site annalist wrote"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );
    let err = w.fails(&["export", "--format", "html"]);
    assert!(err.contains("needs a directory"), "{err}");
}

fn browse(args: &[&str]) -> Value {
    let out = Command::new(python())
        .arg(repo().join("tests/clients/browser.py"))
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "browser.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from browser.py")
}

#[test]
fn chromium_reads_the_site_from_files_and_from_a_server() {
    let w = Workdir::fixture("small");
    let site = export_site(&w, "site");
    let shots = w.path().join("shots");
    std::fs::create_dir(&shots).unwrap();
    let pages = [
        "index.html",
        "doc/letter-1.html",
        "entity/sharett.html",
        "claims.html",
        "network.html",
    ];
    let file_urls: Vec<String> = pages
        .iter()
        .map(|p| format!("file://{}", site.join(p).display()))
        .collect();
    let mut args = vec!["--shots", shots.to_str().unwrap(), "--search", "Sharett"];
    args.extend(file_urls.iter().map(String::as_str));
    let from_files = browse(&args);
    let mut args = vec!["--serve", site.to_str().unwrap(), "--search", "charet"];
    args.extend(pages);
    let from_server = browse(&args);

    for run in [&from_files, &from_server] {
        let pages = run["pages"].as_array().unwrap();
        assert_eq!(pages.len(), 5);
        for p in pages {
            assert_eq!(p["errors"], serde_json::json!([]), "{}", p["url"]);
            assert_eq!(p["has_main"], true, "{}", p["url"]);
            assert_eq!(
                p["first_tab"], "skip",
                "{}: the first Tab reaches the skip link",
                p["url"]
            );
        }
        // The claims page filters by relation: some rows, not all.
        let filter = &pages[3]["filter"];
        let (shown, total) = (filter[0].as_u64().unwrap(), filter[1].as_u64().unwrap());
        assert!(0 < shown && shown < total, "{filter}");
        let found: Vec<&str> = pages[0]["search"]
            .as_array()
            .unwrap_or_else(|| panic!("no search results: {}", pages[0]))
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        assert!(found.contains(&"entity/sharett.html"), "{found:?}");
        assert!(found.contains(&"doc/letter-1.html"), "{found:?}");
    }
    for p in from_files["pages"].as_array().unwrap() {
        let png = std::fs::read(p["screenshot"].as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        assert!(png.len() > 10_000, "the screenshot shows a page");
    }
}
