//! Regressions: one test per way annalist once failed under hostile input,
//! each named after what broke. Time limits are checked with generous
//! bounds that a correct deadline always meets, never tight ones.

use crate::util::{client, Workdir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Generous: a one-second limit plus start-up, on a loaded machine.
const BOUND: Duration = Duration::from_secs(20);

/// Runs `annalist query --timeout 1 …` with standard output thrown away
/// and asserts the time-limit error within [`BOUND`].
fn stopped_in_time(w: &Workdir, args: &[&str]) {
    let started = Instant::now();
    let out = w
        .cmd(&[&["query", "--quiet", "--timeout", "1"], args].concat())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("time limit of 1 s"), "{stderr}");
    assert!(stderr.contains("fix:"), "{stderr}");
    assert!(elapsed < BOUND, "took {elapsed:?}: {stderr}");
}

fn built_shipped() -> Workdir {
    let w = Workdir::shipped();
    w.ok(&["build", "--quiet"]);
    w
}

const THREE: &str = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i";

#[test]
fn timeout_holds_on_a_five_pattern_cross_product() {
    let w = built_shipped();
    stopped_in_time(
        &w,
        &[
            "--sparql",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }",
        ],
    );
}

#[test]
fn timeout_holds_on_a_three_pattern_count() {
    let w = built_shipped();
    let q = format!("SELECT (COUNT(*) AS ?n) WHERE {{ {THREE} }}");
    stopped_in_time(&w, &["--sparql", &q]);
}

#[test]
fn timeout_holds_on_a_streamed_select_as_csv() {
    let w = built_shipped();
    let q = format!("SELECT * WHERE {{ {THREE} }}");
    stopped_in_time(&w, &["--format", "csv", "--sparql", &q]);
}

#[test]
fn timeout_holds_on_a_select_printed_as_a_table() {
    let w = built_shipped();
    let q = format!("SELECT * WHERE {{ {THREE} }}");
    stopped_in_time(&w, &["--format", "table", "--sparql", &q]);
}

#[test]
fn timeout_holds_on_a_construct() {
    let w = built_shipped();
    let q = format!("CONSTRUCT {{ ?a ?b ?i }} WHERE {{ {THREE} }}");
    stopped_in_time(&w, &["--format", "ntriples", "--sparql", &q]);
}

#[test]
fn a_timeout_no_clock_can_count_is_refused_not_a_panic() {
    let w = Workdir::fixture("small");
    for t in ["1e300", "nan", "-1", "0", "inf"] {
        let err = w.fails(&["query", "entities", &format!("--timeout={t}")]);
        assert!(err.contains("--timeout"), "{t}: {err}");
        assert!(err.contains("fix:"), "{t}: {err}");
    }
}

/// Adds a `[[document]]` of `file` to the manifest.
fn add_document(w: &Workdir, id: &str, file: &str) {
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!(
            "{manifest}\n[[document]]\nid = \"{id}\"\nfile = {file:?}\nstart = \"root\"\ntitle = \"x\"\nkind = \"other\"\n"
        ),
    );
}

/// An error that names the manifest with a line and column, and a fix.
fn names_manifest_place(err: &str) {
    assert!(
        err.contains("manifest.toml:")
            && err
                .split("manifest.toml:")
                .nth(1)
                .is_some_and(|r| { r.split(':').take(2).all(|n| n.parse::<usize>().is_ok()) }),
        "no manifest line and column: {err}"
    );
    assert!(err.contains("fix:"), "{err}");
}

fn outside_file(w: &Workdir) -> std::path::PathBuf {
    let secret = w.path().join("secret.txt");
    std::fs::write(&secret, "root:x:0:0:secret of the machine\n").unwrap();
    secret
}

#[test]
fn a_manifest_file_outside_the_corpus_is_refused() {
    let w = Workdir::fixture("small");
    let secret = outside_file(&w);
    add_document(&w, "escape", "../secret.txt");
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("outside the corpus"), "{err}");
    assert!(err.contains("--allow-outside-corpus"), "{err}");
    assert!(!w.store().join("CURRENT").exists());

    // An absolute path is refused the same way.
    let w = Workdir::fixture("small");
    add_document(&w, "escape", secret.to_str().unwrap());
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("absolute path"), "{err}");
}

#[test]
fn the_explicit_option_lets_a_trusted_corpus_read_outside() {
    let w = Workdir::fixture("small");
    outside_file(&w);
    add_document(&w, "escape", "../secret.txt");
    w.ok(&["build", "--quiet", "--allow-outside-corpus"]);
    let out = w.ok(&[
        "query",
        "--allow-outside-corpus",
        "--format",
        "csv",
        "--sparql",
        "SELECT DISTINCT ?id WHERE { ?d <http://purl.org/dc/terms/identifier> ?id FILTER(STR(?id) = \"escape\") }",
    ]);
    assert_eq!(crate::util::csv_rows(&out).len(), 1, "{out}");
}

#[test]
fn a_folder_outside_the_corpus_is_refused() {
    let w = Workdir::fixture("small");
    let outside = w.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("leak.txt"), "root:x:0:0\n").unwrap();
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!("{manifest}\n[[folder]]\npath = \"texts/../../outside\"\n"),
    );
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("outside the corpus"), "{err}");
}

#[test]
fn a_link_out_of_the_corpus_is_refused() {
    let w = Workdir::fixture("small");
    let secret = outside_file(&w);
    std::os::unix::fs::symlink(&secret, w.corpus().join("texts/link.txt")).unwrap();
    // Named in the manifest…
    add_document(&w, "link", "texts/link.txt");
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("outside the corpus"), "{err}");
    // …or found in a folder.
    let w = Workdir::fixture("small");
    let secret = outside_file(&w);
    std::fs::create_dir(w.corpus().join("more")).unwrap();
    std::fs::write(w.corpus().join("more/inside.txt"), "A text inside.\n").unwrap();
    std::os::unix::fs::symlink(&secret, w.corpus().join("more/link.txt")).unwrap();
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!("{manifest}\n[[folder]]\npath = \"more\"\n"),
    );
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("link"), "{err}");
}

#[test]
fn one_file_by_two_spellings_is_refused() {
    let w = Workdir::fixture("small");
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!(
            "{manifest}\n[[document]]\nid = \"again\"\nfile = \"texts/../texts/article.txt\"\nstart = \"Tel Aviv greeted\"\ntitle = \"x\"\nkind = \"other\"\n"
        ),
    );
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("spelt another way"), "{err}");
    assert!(err.contains("\"texts/article.txt\""), "{err}");
}

#[test]
fn a_within_cycle_is_an_error_with_its_place() {
    let w = Workdir::fixture("small");
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!(
            "{manifest}
[[document]]
id = \"ring-a\"
file = \"texts/article.txt\"
start = \"Tel Aviv greeted\"
end = \"After the greeting\"
within = \"ring-b\"
title = \"a\"
kind = \"other\"

[[document]]
id = \"ring-b\"
file = \"texts/article.txt\"
start = \"Prof. S. Mikhoels\"
end = \"After the greeting\"
within = \"ring-a\"
title = \"b\"
kind = \"other\"
"
        ),
    );
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("cycle"), "{err}");
    assert!(err.contains("ring-a") && err.contains("ring-b"), "{err}");
}

#[test]
fn an_embedded_document_listed_before_its_parent_is_kept() {
    let w = Workdir::fixture("small");
    w.edit(
        "manifest.toml",
        "[[document]]\nid = \"greeting\"",
        "[[document]]
id = \"signature\"
file = \"texts/article.txt\"
start = \"Prof. S. Mikhoels\"
end = \"After the greeting\"
within = \"greeting\"
title = \"The greeting's signature\"
kind = \"other\"

[[document]]
id = \"greeting\"",
    );
    let err = String::from_utf8(w.output(&["build"]).stderr).unwrap();
    assert!(err.contains("5 documents"), "{err}");
    let rows = w.select(
        "SELECT ?id WHERE { ?d <http://purl.org/dc/terms/identifier> ?id ; <http://www.w3.org/ns/oa#hasSelector> ?s FILTER(?id IN (\"signature\", \"greeting\")) } ORDER BY ?id",
    );
    assert_eq!(
        rows,
        vec![vec!["greeting".to_string()], vec!["signature".to_string()]]
    );
}

#[test]
fn output_to_a_device_writes_through() {
    let w = Workdir::fixture("small");
    w.ok(&["export", "--quiet", "--format", "turtle", "-o", "/dev/null"]);
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/null is no longer a device");
}

#[test]
fn output_to_a_fifo_writes_through() {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    let fifo = w.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    w.ok(&[
        "export",
        "--quiet",
        "--format",
        "ntriples",
        "-o",
        fifo.to_str().unwrap(),
    ]);
    let text = reader.join().unwrap();
    assert!(text.lines().count() > 100, "{} lines", text.lines().count());
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

#[test]
fn output_through_a_link_keeps_the_link() {
    let w = Workdir::fixture("small");
    let target = w.path().join("real.ttl");
    std::fs::write(&target, "old").unwrap();
    let link = w.path().join("link.ttl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    w.ok(&[
        "export",
        "--quiet",
        "--format",
        "ntriples",
        "-o",
        link.to_str().unwrap(),
    ]);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let n = client(&["rdflib-count", "ntriples", target.to_str().unwrap()]);
    assert!(n.as_u64().unwrap() > 100, "{n}");
}

#[test]
fn output_that_is_a_directory_or_a_file_of_the_wrong_kind_is_a_clear_error() {
    let w = Workdir::fixture("small");
    let dir = w.path().join("adir");
    std::fs::create_dir(&dir).unwrap();
    let err = w.fails(&["export", "--format", "turtle", "-o", dir.to_str().unwrap()]);
    assert!(err.contains("is a directory"), "{err}");
    assert!(err.contains("fix:"), "{err}");
    let file = w.path().join("afile");
    std::fs::write(&file, "keep me").unwrap();
    let err = w.fails(&["export", "--format", "csv", "-o", file.to_str().unwrap()]);
    assert!(err.contains("is a file"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn output_into_a_missing_directory_says_to_create_it() {
    let w = Workdir::fixture("small");
    let target = w.path().join("no/such/dir/rows.csv");
    let err = w.fails(&["discover", "-o", target.to_str().unwrap()]);
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains("mkdir -p"), "{err}");
    assert!(!err.contains("annalist init"), "{err}");
}

/// A corpus whose text holds form feed, NUL and U+0001 near a name.
fn controls_in_text() -> Workdir {
    let w = Workdir::fixture("small");
    w.edit(
        "texts/article.txt",
        "Tel Aviv greeted",
        "Page\u{c}break, nul\u{0}here, one\u{1}and \u{1b}[31mred\u{1b}[0m Tel Aviv greeted",
    );
    w
}

#[test]
fn rdfxml_parses_whatever_the_text_holds() {
    let w = controls_in_text();
    w.ok(&["build", "--quiet"]);
    let path = w.path().join("out.rdf");
    w.ok(&[
        "export",
        "--quiet",
        "--format",
        "rdfxml",
        "-o",
        path.to_str().unwrap(),
    ]);
    let triples = client(&["rdflib-count", "rdfxml", path.to_str().unwrap()]);
    let nt = w.ok(&["export", "--format", "ntriples"]);
    let distinct: std::collections::HashSet<&str> = nt.lines().collect();
    assert_eq!(triples.as_u64().unwrap() as usize, distinct.len());
    let literals = client(&["literals", "rdfxml", path.to_str().unwrap()]);
    assert!(
        literals.as_array().unwrap().iter().any(|l| l
            .as_str()
            .unwrap()
            .contains("Page\u{FFFD}break, nul\u{FFFD}here")),
        "the controls are not U+FFFD"
    );

    // A CONSTRUCT as RDF/XML and a SELECT as SPARQL XML results too.
    let q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'Page')) }";
    let out = w.ok(&["query", "--format", "rdfxml", "--sparql", q]);
    let file = w.path().join("construct.rdf");
    std::fs::write(&file, out).unwrap();
    assert!(
        client(&["rdflib-count", "rdfxml", file.to_str().unwrap()])
            .as_u64()
            .unwrap()
            > 0
    );
    let q = "SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'Page')) }";
    let out = w.ok(&["query", "--format", "xml", "--sparql", q]);
    let file = w.path().join("results.xml");
    std::fs::write(&file, out).unwrap();
    let rows = client(&["results", "xml", file.to_str().unwrap()]);
    assert!(!rows.as_array().unwrap().is_empty());
}

#[test]
fn control_characters_are_escaped_in_terminal_tables() {
    let w = controls_in_text();
    let out = w.ok(&["mentions", "--format", "table", "--entity", "tel-aviv"]);
    assert!(!out.contains('\u{1b}'), "a raw ESC reached the terminal");
    assert!(out.contains("\\x1B[31mred"), "{out}");
    let out = w.ok(&[
        "query",
        "--format",
        "table",
        "--sparql",
        "SELECT ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'red')) }",
    ]);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{0}'), "{out:?}");
}

/// Builds, damages the store with `damage`, and checks that a plain
/// `build` says so and builds anew, and that the store answers again.
fn repaired_after(damage: impl Fn(&Path, &Path)) {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    let store = w.store();
    let generation = store.join(
        std::fs::read_to_string(store.join("CURRENT"))
            .unwrap()
            .trim(),
    );
    damage(&store, &generation);
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("damaged"), "{stderr}");
    assert!(!stderr.contains("up to date"), "{stderr}");
    assert!(stderr.contains("Built"), "{stderr}");
    let again = String::from_utf8_lossy(&w.output(&["build"]).stderr).to_string();
    assert!(again.contains("up to date"), "{again}");
    let rows = w.select(
        "SELECT DISTINCT ?id WHERE { ?d <http://purl.org/dc/terms/identifier> ?id FILTER(STR(?id) = \"letter-1\") }",
    );
    assert_eq!(rows.len(), 1);
}

#[test]
fn a_truncated_table_file_is_found_and_rebuilt() {
    repaired_after(|_, generation| {
        let sst = std::fs::read_dir(generation)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "sst"))
            .expect("a table file");
        let len = std::fs::metadata(&sst).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(&sst).unwrap();
        f.set_len(len / 2).unwrap();
    });
}

#[test]
fn a_deleted_rocksdb_current_is_found_and_rebuilt() {
    repaired_after(|_, generation| std::fs::remove_file(generation.join("CURRENT")).unwrap());
}

#[test]
fn a_database_whose_manifest_is_missing_is_found_and_rebuilt() {
    // RocksDB itself refuses to open it; its error, a string of RocksDB's
    // own allocation, once crashed the process as it was let go.
    repaired_after(|_, generation| {
        std::fs::write(generation.join("CURRENT"), "MANIFEST-999999\n").unwrap()
    });
}

#[test]
fn garbage_in_current_is_found_and_rebuilt() {
    repaired_after(|store, _| std::fs::write(store.join("CURRENT"), b"\xff\xfe\x00gen").unwrap());
}

#[test]
fn a_missing_generation_is_found_and_rebuilt() {
    repaired_after(|_, generation| std::fs::remove_dir_all(generation).unwrap());
}

#[test]
fn a_bad_build_record_is_found_and_rebuilt() {
    repaired_after(|store, generation| {
        let name = generation.file_name().unwrap().to_str().unwrap();
        std::fs::write(store.join(format!("{name}.build.toml")), "files = [").unwrap();
    });
}

#[test]
fn a_bad_ledger_is_found_and_rebuilt() {
    repaired_after(|store, generation| {
        let name = generation.file_name().unwrap().to_str().unwrap();
        std::fs::write(store.join(format!("{name}.files.csv")), "a,b\n\"unclosed").unwrap();
    });
}

#[test]
fn a_reading_command_repairs_a_damaged_store() {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    std::fs::write(w.store().join("CURRENT"), "garbage").unwrap();
    let out = w.output(&["query", "--format", "csv", "entities"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("damaged"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("molotov"));
}

#[test]
fn a_store_path_that_is_a_file_is_a_clear_error() {
    let w = Workdir::fixture("small");
    let file = w.path().join("store-file");
    std::fs::write(&file, "not a store").unwrap();
    for args in [&["build"][..], &["query", "entities"][..]] {
        let err = w.fails(&[args, &["--store", file.to_str().unwrap()]].concat());
        assert!(err.contains("is a file, not a directory"), "{err}");
        assert!(err.contains("fix:"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a store");
}

#[test]
fn an_overlong_document_id_is_refused_by_the_build() {
    let w = Workdir::fixture("small");
    let long = "d".repeat(459);
    w.edit(
        "manifest.toml",
        "id = \"letter-2\"",
        &format!("id = \"{long}\""),
    );
    let err = w.fails(&["build"]);
    names_manifest_place(&err);
    assert!(err.contains("too long"), "{err}");
}

#[test]
fn service_in_a_query_says_federation_is_off() {
    let w = Workdir::fixture("small");
    let err = w.fails(&[
        "query",
        "--sparql",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ]);
    assert!(err.contains("federated queries (SERVICE) are off"), "{err}");
    assert!(err.contains("fix:"), "{err}");
}

#[test]
fn evaluate_refuses_a_min_f1_that_is_no_score() {
    let w = Workdir::fixture("small");
    for v in ["nan", "1.5", "-0.1"] {
        let err = w.fails(&["evaluate", &format!("--min-f1={v}")]);
        assert!(err.contains("--min-f1"), "{v}: {err}");
        assert!(err.contains("fix:"), "{v}: {err}");
    }
}

#[test]
fn a_missing_gold_file_says_how_to_give_one() {
    let w = Workdir::fixture("small");
    let err = w.fails(&["evaluate", "--gold", "nowhere.csv"]);
    assert!(err.contains("nowhere.csv"), "{err}");
    assert!(err.contains("--gold"), "{err}");
    assert!(!err.contains("annalist init"), "{err}");
}

#[test]
fn a_row_of_many_aliases_sharing_a_long_prefix_builds() {
    let w = Workdir::fixture("small");
    let prefix = "The Most Honourable Society of the Friends of the Historical Archive number ";
    let mut aliases: Vec<String> = (0..20_000).map(|i| format!("{prefix}{i}")).collect();
    aliases.push(format!("{prefix}7")); // a repeat is one alias
    let mut gazetteer = w.read("gazetteer.csv");
    gazetteer.push_str(&format!(
        "society,Organisation,The Society,{},,,\n",
        aliases.join("|")
    ));
    w.write("gazetteer.csv", gazetteer);
    w.edit(
        "texts/article.txt",
        "Tel Aviv greeted",
        &format!("{prefix}19999 and Tel Aviv greeted"),
    );
    w.ok(&["build", "--quiet"]);
    let rows = w.select(
        "SELECT DISTINCT ?alias WHERE { ?e <http://purl.org/dc/terms/identifier> \"society\" ; <http://www.w3.org/2004/02/skos/core#altLabel> ?alias }",
    );
    assert_eq!(rows.len(), 20_000);
    let out = w.ok(&["mentions", "--format", "tsv", "--entity", "society"]);
    assert_eq!(out.lines().count(), 2, "{out}");
}
