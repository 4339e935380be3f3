//! Bad input: one clear message with file, line and column and a fix; exit
//! code 2; the previous store still answers as before.

use crate::util::*;

const COUNT: &str = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";

/// Builds the fixture, breaks one file, checks the error, restores the file
/// and checks that the store was never replaced (no rebuild, same answer).
fn check(file: &str, from: &str, to: &str, expect: &[&str]) {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    let before = w.select(COUNT);
    let current = std::fs::read_to_string(w.store().join("CURRENT")).unwrap();
    let original = std::fs::read(w.corpus().join(file)).unwrap();
    w.edit(file, from, to);
    let err = w.fails(&["build"]);
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(err.contains("fix: "), "no fix in:\n{err}");
    // Every command that reads the store refuses the same way.
    let err2 = w.fails(&["query", "entities"]);
    assert!(err2.contains(expect[0]), "{err2}");
    assert_eq!(
        std::fs::read_to_string(w.store().join("CURRENT")).unwrap(),
        current
    );
    std::fs::write(w.corpus().join(file), original).unwrap();
    let out = w.output(&["query", "--format", "csv", "--sparql", COUNT]);
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("Built "),
        "the old store was kept, not rebuilt"
    );
    assert_eq!(csv_rows(&String::from_utf8_lossy(&out.stdout)), before);
}

#[test]
fn malformed_csv_row() {
    check(
        "gazetteer.csv",
        "sofia,Place,Sofia,,Q472",
        "sofia,Place,Sofia,Q472",
        &["gazetteer.csv:10:", "fields"],
    );
}

#[test]
fn unknown_author_id() {
    check(
        "manifest.toml",
        "authors = [\"razin\"]",
        "authors = [\"razim\"]",
        &["manifest.toml:32:12", "\"razim\"", "not in the gazetteer"],
    );
}

#[test]
fn duplicate_entity_id() {
    check(
        "gazetteer.csv",
        "sofia,Place",
        "sharett,Place",
        &["gazetteer.csv:10:1", "duplicate entity id"],
    );
}

#[test]
fn duplicate_document_id() {
    check(
        "manifest.toml",
        "id = \"letter-2\"",
        "id = \"letter-1\"",
        &["manifest.toml:26:6", "duplicate document id"],
    );
}

#[test]
fn wikidata_id_not_q_digits() {
    check(
        "gazetteer.csv",
        "Q472",
        "Q47x",
        &["gazetteer.csv:10:", "\"Q47x\"", "not Q followed by digits"],
    );
}

#[test]
fn start_line_not_found() {
    check(
        "manifest.toml",
        "start = \"TELEGRAM OF B. RAZIN\"",
        "start = \"TELEGRAM OF B. RASIN\"",
        &["manifest.toml:28:9", "begins no line", "nearest is line 10"],
    );
}

#[test]
fn start_line_found_twice() {
    check(
        "texts/letters.txt",
        "April 1953",
        "TELEGRAM OF B. RAZIN, again",
        &["manifest.toml:28:9", "begins 2 lines", "lines 10, 12"],
    );
}

#[test]
fn text_not_utf8() {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    let before = w.select(COUNT);
    let mut bytes = std::fs::read(w.corpus().join("texts/article.txt")).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 3;
    bytes.insert(at, 0xE9);
    std::fs::write(w.corpus().join("texts/article.txt"), &bytes).unwrap();
    let err = w.fails(&["build"]);
    assert!(err.contains("texts/article.txt:3:2: not UTF-8"), "{err}");
    assert!(err.contains("iconv"), "{err}");
    // The store built before still answers (read without the broken corpus).
    let store = w.store();
    let other = Workdir::fixture("small");
    let out = other.output(&[
        "query",
        "--store",
        store.to_str().unwrap(),
        "--format",
        "csv",
        "--sparql",
        COUNT,
    ]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Built "));
    assert_eq!(csv_rows(&String::from_utf8_lossy(&out.stdout)), before);
}

#[test]
fn empty_text_file() {
    let w = Workdir::fixture("small");
    w.write("texts/article.txt", "  \n");
    let err = w.fails(&["build"]);
    assert!(
        err.contains("texts/article.txt: the file is empty"),
        "{err}"
    );
}

#[test]
fn missing_corpus_directory() {
    let w = Workdir::fixture("small");
    let out = std::process::Command::new(bin())
        .args(["build", "--corpus"])
        .arg(w.path().join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nowhere: corpus directory not found") && err.contains("annalist init"),
        "{err}"
    );
}

#[test]
fn manifest_syntax_error() {
    check(
        "manifest.toml",
        "kind = \"telegram\"",
        "kind = \"telegram",
        &["manifest.toml:30:", "fix: "],
    );
}

#[test]
fn date_not_iso_8601() {
    check(
        "manifest.toml",
        "date = \"1953-04\"",
        "date = \"April 1953\"",
        &["manifest.toml:31:8", "not an ISO 8601 date"],
    );
}

#[test]
fn unknown_document_kind() {
    check(
        "manifest.toml",
        "kind = \"telegram\"",
        "kind = \"telex\"",
        &["manifest.toml:30:8", "unknown document kind", "telegram"],
    );
}

#[test]
fn store_held_by_another_process() {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    let before = w.select(COUNT);
    w.edit(
        "texts/article.txt",
        "Tel Aviv greeted",
        "Tel Aviv and Sofia greeted",
    );
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(w.store().join("build.lock"))
        .unwrap();
    lock.lock().unwrap();
    let err = w.fails(&["build"]);
    assert!(
        err.contains("being built by another annalist process"),
        "{err}"
    );
    assert!(err.contains("--store"), "{err}");
    // A reading command reads the generation in use meanwhile, and says so.
    let out = w.output(&["query", "--format", "csv", "--sparql", COUNT]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(csv_rows(&String::from_utf8(out.stdout).unwrap()), before);
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains("reading the generation in use"),
        "{warning}"
    );
    drop(lock);
    // Once free, the build goes through and the store moves on.
    w.ok(&["build", "--quiet"]);
    assert_ne!(w.select(COUNT), before);
}

#[test]
fn relation_with_an_unknown_id() {
    check(
        "relations.csv",
        "razin,met,slansky",
        "razin,met,slanski",
        &["relations.csv:4:", "\"slanski\"", "not in the gazetteer"],
    );
}

#[test]
fn relation_quote_not_in_its_document() {
    check(
        "relations.csv",
        "Razin met Slansky and Slánský in Sofia",
        "Razin met Slansky and Slánský in Prague",
        &[
            "relations.csv:4:",
            "the quote is not in document \"letter-2\"",
            "the nearest in letter-2 is: \"Razin met Slansky and Slánský in Sofia.",
        ],
    );
}

#[test]
fn relation_date_not_iso_8601() {
    check(
        "relations.csv",
        "slansky,1953-04,letter-2",
        "slansky,April 1953,letter-2",
        &["relations.csv:4:", "not an ISO 8601 date"],
    );
}

#[test]
fn relation_not_in_the_vocabulary() {
    check(
        "relations.csv",
        "razin,met,slansky",
        "razin,dined-with,slansky",
        &[
            "relations.csv:4:",
            "\"dined-with\" is not in the vocabulary",
            "wrote-to",
        ],
    );
}

#[test]
fn relation_subject_of_the_wrong_type() {
    check(
        "relations.csv",
        "molotov,wrote-to,sharett",
        "sofia,wrote-to,sharett",
        &[
            "relations.csv:2:1",
            "a Place (sofia) cannot be the subject of wrote-to",
            "Person or Organisation",
        ],
    );
}

/// Builds the fixture, adds a file that does not exist in it, checks the
/// error of `args` and that removing the file brings the old store back.
fn check_new(file: &str, content: &str, args: &[&str], expect: &[&str]) {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    let before = w.select(COUNT);
    w.write(file, content);
    let err = w.fails(args);
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(err.contains("fix: "), "no fix in:\n{err}");
    std::fs::remove_file(w.corpus().join(file)).unwrap();
    let out = w.output(&["query", "--format", "csv", "--sparql", COUNT]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("Built "),
        "the old store was kept"
    );
    assert_eq!(csv_rows(&String::from_utf8_lossy(&out.stdout)), before);
}

const OVERRIDES: &str = "document,action,quote,occurrence,start,end,entity,note\n";

#[test]
fn override_malformed_row() {
    check_new(
        "overrides.csv",
        &format!("{OVERRIDES}letter-1,reject,Charette\n"),
        &["build"],
        &["overrides.csv:2:", "fields"],
    );
}

#[test]
fn override_unknown_document_and_entity() {
    check_new(
        "overrides.csv",
        &format!("{OVERRIDES}letter-9,reject,Charette,,,,,\n"),
        &["build"],
        &["overrides.csv:2:1", "document \"letter-9\""],
    );
    check_new(
        "overrides.csv",
        &format!("{OVERRIDES}letter-1,relink,Charette,,,,sharet,\n"),
        &["build"],
        &[
            "overrides.csv:2:",
            "entity \"sharet\" is not in the gazetteer",
        ],
    );
}

#[test]
fn override_quote_not_found_names_the_nearest() {
    check_new(
        "overrides.csv",
        &format!("{OVERRIDES}letter-1,reject,Charete,,,,,\n"),
        &["build"],
        &[
            "overrides.csv:2:1",
            "\"Charete\" is not in document \"letter-1\"",
            "the nearest is \"Charette\"",
        ],
    );
}

#[test]
fn override_occurrence_beyond_the_count() {
    check_new(
        "overrides.csv",
        &format!("{OVERRIDES}letter-1,reject,Charette,3,,,,\n"),
        &["build"],
        &[
            "overrides.csv:2:1",
            "occurrence 3 of \"Charette\", but document \"letter-1\" has 1",
        ],
    );
}

#[test]
fn overlapping_overrides() {
    check_new(
        "overrides.csv",
        &format!(
            "{OVERRIDES}letter-1,reject,Charette,,,,,\nletter-1,add,Charette in Tel,,,,tel-aviv,\n"
        ),
        &["build"],
        &["overrides.csv:3:1", "overlaps the one on line 2"],
    );
}

#[test]
fn override_whose_document_changed_under_it() {
    check_new(
        "overrides.csv",
        &format!("{OVERRIDES}letter-1,reject,Charette,,100,108,,\n"),
        &["build"],
        &[
            "overrides.csv:2:1",
            "document \"letter-1\" changed under the override",
            "\"Charette\" is now at 103..111",
        ],
    );
}

#[test]
fn override_rejecting_nothing() {
    check_new(
        "overrides.csv",
        &format!("{OVERRIDES}letter-1,reject,reply,,,,,\n"),
        &["build"],
        &["overrides.csv:2:1", "no mention of \"reply\""],
    );
}

const GOLD_HEAD: &str = "document,start,end,text,type,entity\n";

#[test]
fn gold_malformed_row_unknown_document_and_entity() {
    check_new(
        "gold.csv",
        &format!("{GOLD_HEAD}letter-1,12,24\n"),
        &["evaluate"],
        &["gold.csv:2:", "fields"],
    );
    check_new(
        "gold.csv",
        &format!("{GOLD_HEAD}letter-9,12,24,V.M. MOLOTOV,Person,molotov\n"),
        &["evaluate"],
        &["gold.csv:2:1", "document \"letter-9\""],
    );
    check_new(
        "gold.csv",
        &format!("{GOLD_HEAD}letter-1,12,24,V.M. MOLOTOV,Person,molotof\n"),
        &["evaluate"],
        &["gold.csv:2:", "entity \"molotof\""],
    );
    check_new(
        "gold.csv",
        &format!("{GOLD_HEAD}letter-1,12,24,V.M. MOLOTOV,Person,molotov\nletter-1,17,24,MOLOTOV,Person,molotov\n"),
        &["evaluate"],
        &["gold.csv:3:1", "overlaps"],
    );
    // A row twice would count its mention twice: refused, naming the second.
    check_new(
        "gold.csv",
        &format!("{GOLD_HEAD}letter-1,12,24,V.M. MOLOTOV,Person,molotov\nletter-1,12,24,V.M. MOLOTOV,Person,molotov\n"),
        &["evaluate"],
        &["gold.csv:3:1", "listed twice"],
    );
}
