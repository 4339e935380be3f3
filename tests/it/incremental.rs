//! Folders of documents and incremental builds: an update of the store
//! must equal a full build of the same corpus.

use crate::util::*;

/// The small fixture plus an archive folder of three one-document files.
fn with_archive() -> Workdir {
    let w = Workdir::fixture("small");
    std::fs::create_dir_all(w.corpus().join("archive/1953")).unwrap();
    w.write(
        "archive/a.txt",
        "Molotov wrote to Sharett from Moscow.\n\nThe reply came from Tel Aviv.\n",
    );
    w.write(
        "archive/b.txt",
        "Razin reported from Tel Aviv on 3 May 1953.\n",
    );
    w.write("archive/1953/c.txt", "A note naming nobody at all.\n");
    w.write("archive/.hidden.txt", "Molotov, hidden.\n");
    // An update touches a few files of many (past a quarter, a build
    // starts afresh).
    std::fs::create_dir_all(w.corpus().join("archive/more")).unwrap();
    for i in 0..40 {
        w.write(
            &format!("archive/more/{i:02}.txt"),
            format!(
                "Item {i}: Sharett wrote from Tel Aviv on {} May 1953.\n",
                i % 28 + 1
            ),
        );
    }
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!("{manifest}\n[[folder]]\npath = \"archive\"\nkind = \"note\"\nlanguage = \"en\"\n"),
    );
    w
}

/// The store as sorted N-Quads (the export is canonical: sorted, blank
/// nodes named in order).
fn nquads(w: &Workdir, store: &std::path::Path) -> Vec<String> {
    let out = w.ok(&[
        "export",
        "--format",
        "nquads",
        "--store",
        store.to_str().unwrap(),
        "--quiet",
    ]);
    let mut lines: Vec<String> = out.lines().map(String::from).collect();
    lines.sort();
    lines
}

fn build(w: &Workdir, store: &std::path::Path, force: bool) -> String {
    let mut args = vec!["build", "--store", store.to_str().unwrap()];
    if force {
        args.push("--force");
    }
    let out = w.output(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn every_file_of_a_folder_is_one_document() {
    let w = with_archive();
    let rows = w.select(
        "PREFIX schema: <http://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/> \
         SELECT DISTINCT ?id ?title WHERE { ?d a ?kind ; dcterms:identifier ?id ; schema:name ?title . \
         FILTER(STRSTARTS(?id, \"archive\") && !STRSTARTS(?id, \"archive-more\")) } ORDER BY ?id",
    );
    let ids: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("archive-1953-c", "c"),
            ("archive-a", "a"),
            ("archive-b", "b")
        ],
        "hidden files are skipped, ids follow the path"
    );
    let mentions = w.select(
        "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> \
         PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#> \
         SELECT ?a WHERE { GRAPH <https://example.org/fixture/doc/archive-a> \
         { ?m nif:anchorOf ?a ; itsrdf:taIdentRef ?e } } ORDER BY ?a",
    );
    let names: Vec<&str> = mentions.iter().map(|r| r[0].as_str()).collect();
    assert!(names.contains(&"Molotov"), "{names:?}");
    assert!(names.contains(&"Tel Aviv"), "{names:?}");
}

#[test]
fn a_folder_file_that_makes_no_id_is_refused_with_its_name() {
    let w = with_archive();
    w.write("archive/bad name!.txt", "Molotov.\n");
    let err = w.fails(&["build"]);
    assert!(err.contains("manifest.toml:"), "{err}");
    assert!(err.contains("bad name!.txt"), "{err}");
    assert!(err.contains("rename"), "{err}");
}

#[test]
fn an_update_equals_a_full_build() {
    let w = with_archive();
    let updated = w.path().join("updated");
    let first = build(&w, &updated, false);
    assert!(!first.contains("added,"), "a first build is whole: {first}");
    let before = nquads(&w, &updated);

    // Add, change and remove files; retitle a document in the manifest.
    w.write("archive/d.txt", "Sharett answered Molotov from Tel Aviv.\n");
    w.edit("archive/a.txt", "from Moscow", "from Moscow and Sofia");
    std::fs::remove_file(w.corpus().join("archive/b.txt")).unwrap();
    w.edit(
        "manifest.toml",
        "title = \"Telegram from Razin\"",
        "title = \"Telegram from B. Razin\"",
    );
    let second = build(&w, &updated, false);
    assert!(
        second.contains("(1 added, 2 changed, 1 removed)"),
        "only what changed is described again: {second}"
    );
    let after = nquads(&w, &updated);
    assert_ne!(before, after);

    let full = w.path().join("full");
    let whole = build(&w, &full, true);
    assert!(!whole.contains("added,"), "{whole}");
    assert_eq!(
        after,
        nquads(&w, &full),
        "the updated store and a full build hold the same quads"
    );
    let summary = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("Built "))
            .map(|l| {
                l.split_once(": ")
                    .unwrap()
                    .1
                    .rsplit_once(" in ")
                    .unwrap()
                    .0
                    .to_string()
            })
            .unwrap()
    };
    assert_eq!(summary(&second), summary(&whole), "the same counts");
    // The summary graph's counts were mended, not left as they were.
    let counts = |q: &[String]| -> Vec<String> {
        q.iter()
            .filter(|l| l.ends_with("/graph/summary> ."))
            .cloned()
            .collect()
    };
    assert!(counts(&after).iter().any(|l| l.contains("#mentionCount>")));
    assert!(counts(&after).iter().any(|l| l.contains("#sentenceCount>")));
    assert_ne!(
        counts(&before),
        counts(&after),
        "the update mends the counts"
    );
    assert!(after.iter().any(|q| q.contains("archive-d")));
    assert!(!after.iter().any(|q| q.contains("archive-b")));
    assert!(after.iter().any(|q| q.contains("Telegram from B. Razin")));
}

#[test]
fn updates_in_a_row_build_on_each_other() {
    // Each update starts from a copy of the one before: what it wrote
    // after the loader (removed graphs, the summary's counts) must be in
    // that copy.
    let w = with_archive();
    let updated = w.path().join("updated");
    build(&w, &updated, false);
    let first = nquads(&w, &updated);
    w.write("archive/d.txt", "Sharett answered Molotov from Tel Aviv.\n");
    assert!(build(&w, &updated, false).contains("(1 added, 0 changed, 0 removed)"));
    std::fs::remove_file(w.corpus().join("archive/d.txt")).unwrap();
    assert!(build(&w, &updated, false).contains("(0 added, 0 changed, 1 removed)"));
    assert_eq!(nquads(&w, &updated), first, "back where it started");
    std::fs::remove_file(w.corpus().join("archive/b.txt")).unwrap();
    build(&w, &updated, false);
    w.write("archive/e.txt", "Razin met Sharett.\n");
    build(&w, &updated, false);
    let full = w.path().join("full");
    build(&w, &full, true);
    assert_eq!(nquads(&w, &updated), nquads(&w, &full));
}

#[test]
fn an_untouched_corpus_is_not_rebuilt_and_a_gazetteer_change_rebuilds_all() {
    let w = with_archive();
    let store = w.path().join("store");
    build(&w, &store, false);
    // Same bytes, new time: hashed, found equal, not rebuilt.
    let text = w.read("archive/a.txt");
    std::thread::sleep(std::time::Duration::from_millis(20));
    w.write("archive/a.txt", &text);
    let again = build(&w, &store, false);
    assert!(again.contains("up to date"), "{again}");

    let gazetteer = w.read("gazetteer.csv");
    w.write("gazetteer.csv", gazetteer.replace("Sofia", "Sofiya"));
    let out = build(&w, &store, false);
    assert!(out.contains("Built "), "{out}");
    assert!(
        !out.contains("added,"),
        "a new gazetteer re-describes every file: {out}"
    );
}

#[test]
fn every_field_that_describes_a_file_or_document_reaches_an_update() {
    let w = with_archive();
    let updated = w.path().join("updated");
    build(&w, &updated, false);
    // A file's field, a document's field that was absent, a date.
    w.edit(
        "manifest.toml",
        "original_language = \"ru\"",
        "original_language = \"uk\"",
    );
    w.edit(
        "manifest.toml",
        "kind = \"telegram\"\ndate = \"1953-04\"",
        "kind = \"telegram\"\ndate = \"1953-04-02\"\nnote = \"Received in Tel Aviv.\"",
    );
    let second = build(&w, &updated, false);
    assert!(
        second.contains("(0 added, 1 changed, 0 removed)"),
        "{second}"
    );
    let after = nquads(&w, &updated);
    assert!(after.iter().any(|q| q.contains("Received in Tel Aviv.")));
    let full = w.path().join("full");
    build(&w, &full, true);
    assert_eq!(after, nquads(&w, &full));
}

#[test]
fn the_files_of_a_folder_are_not_named_as_described_by_nothing() {
    let w = with_archive();
    w.write("stray.txt", "Nobody describes this file.\n");
    let stderr = build(&w, &w.store(), false);
    assert!(stderr.contains("described by nothing"), "{stderr}");
    let named = stderr
        .lines()
        .find(|l| l.contains("described by nothing"))
        .unwrap();
    assert!(named.contains("stray.txt"), "{named}");
    assert!(named.contains("1 text file under"), "{named}");
    assert!(!named.contains("archive/"), "{named}");
}

#[test]
fn a_full_build_compacts_what_it_loaded_and_an_update_does_not() {
    let w = with_archive();
    let phases = |args: &[&str]| -> Vec<String> {
        let out = w.output(args);
        assert!(out.status.success(), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let line = stderr
            .lines()
            .find_map(|l| l.strip_prefix("timings: "))
            .unwrap_or_else(|| panic!("no timings in {stderr}"))
            .to_string();
        line.split(", ")
            .map(|p| {
                p.rsplit_once(' ')
                    .unwrap()
                    .0
                    .rsplit_once(' ')
                    .unwrap()
                    .0
                    .to_string()
            })
            .collect()
    };
    let full = phases(&["build", "--timings"]);
    assert!(full.contains(&"compact".to_string()), "{full:?}");
    w.edit("archive/b.txt", "3 May", "4 May");
    let update = phases(&["build", "--timings"]);
    assert!(
        update.contains(&"describe and load".to_string()),
        "{update:?}"
    );
    assert!(!update.contains(&"compact".to_string()), "{update:?}");
    // The compacted store answers as before.
    assert_eq!(
        w.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0][0]
            .parse::<usize>()
            .map(|n| n > 0),
        Ok(true)
    );
}
