//! Building stores: summaries, offsets, atomic swaps, auto-rebuild.

use crate::util::*;

/// Reads the numbers out of the build summary line.
fn summary_number(stderr: &str, word: &str) -> usize {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("Built "))
        .expect("a summary line");
    let before = line.split(&format!(" {word}")).next().expect("the word");
    before
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number before {word:?} in {line:?}"))
}

fn store_quads(w: &Workdir) -> usize {
    w.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0][0]
        .parse()
        .unwrap()
}

#[test]
fn shipped_corpus_builds_and_its_summary_matches_the_store() {
    let w = Workdir::shipped();
    let out = w.output(&["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let manifest: toml::Value = toml::from_str(&w.read("manifest.toml")).unwrap();
    let documents = manifest["document"].as_array().unwrap().len();
    assert_eq!(summary_number(&stderr, "documents"), documents);
    assert_eq!(summary_number(&stderr, "triples"), store_quads(&w));
    let gazetteer_rows = w.read("gazetteer.csv").lines().count() - 1;
    assert!(summary_number(&stderr, "entities") <= gazetteer_rows);
    let mentions = w.select(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#> SELECT (COUNT(*) AS ?n) WHERE { ?m itsrdf:taIdentRef ?e . ?e dcterms:identifier ?id }",
    );
    assert_eq!(
        summary_number(&stderr, "mentions").to_string(),
        mentions[0][0]
    );
    assert!(
        summary_number(&stderr, "mentions") > 300,
        "the shipped corpus is densely tagged"
    );
    // One named graph per document.
    let graphs = w.select(
        "PREFIX schema: <http://schema.org/> SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a schema:CreativeWork } }",
    );
    assert_eq!(graphs[0][0], documents.to_string());
}

#[test]
fn every_mention_offset_selects_its_text_in_code_points() {
    for w in [Workdir::shipped(), Workdir::fixture("small")] {
        let csv = w.export_csv();
        let report = client(&[
            "check-spans",
            w.corpus().to_str().unwrap(),
            csv.to_str().unwrap(),
        ]);
        assert!(report["mentions"].as_u64().unwrap() > 10, "{report}");
        assert_eq!(report["bad"], serde_json::json!([]), "{report}");
        // The same holds inside the store, with SPARQL's own code-point SUBSTR.
        let bad = w.select(
            "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
             SELECT (COUNT(*) AS ?bad) WHERE {
               ?m nif:anchorOf ?a ; nif:beginIndex ?b ; nif:endIndex ?e ; nif:referenceContext ?c .
               ?c nif:isString ?t .
               FILTER(SUBSTR(?t, ?b + 1, ?e - ?b) != ?a) }",
        );
        assert_eq!(bad[0][0], "0");
    }
}

#[test]
fn fixture_mentions_are_found_linked_and_spanned_as_written() {
    let w = Workdir::fixture("small");
    let csv = w.export_csv();
    let (header, rows) = csv_file(&csv.join("mentions.csv"));
    assert_eq!(
        header,
        ["document", "start", "end", "text", "type", "entity", "wikidata"]
    );
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r[0].clone(), r[3].clone(), r[5].clone()))
        .collect();
    // Reading order: files by path, then place in the file.
    let want: Vec<(&str, &str, &str)> = vec![
        ("article", "Tel Aviv", "tel-aviv"),
        ("greeting", "Stalin", "stalin"),
        ("greeting", "Tel Aviv", "tel-aviv"),
        ("greeting", "S. Mikhoels", "mikhoels"),
        ("article", "Oddity Bureau", "odd"),
        ("article", "Molotov", "molotov"),
        ("letter-1", "V.M. MOLOTOV", "molotov"),
        ("letter-1", "M. SHARETT", "sharett"),
        ("letter-1", "Molotov", "molotov"),
        ("letter-1", "Charette", "sharett"),
        ("letter-1", "Tel\nAviv", "tel-aviv"),
        ("letter-1", "Stalin", "stalin"),
        ("letter-1", "Truth", "pravda"),
        ("letter-1", "V. Molotov", "molotov"),
        ("letter-2", "B. RAZIN", "razin"),
        ("letter-2", "Razin", "razin"),
        ("letter-2", "Slansky", "slansky"),
        ("letter-2", "Slánský", "slansky"),
        ("letter-2", "Sofia", "sofia"),
        ("letter-2", "Sharett", "sharett"),
        ("letter-2", "Oddity Bureau", "odd"),
    ];
    let want: Vec<(String, String, String)> = want
        .into_iter()
        .map(|(a, b, c)| (a.into(), b.into(), c.into()))
        .collect();
    assert_eq!(got, want);
    // Wikidata ids travel with every mention of a linked entity.
    assert!(rows
        .iter()
        .filter(|r| r[5] == "molotov")
        .all(|r| r[6] == "Q132899" && r[4] == "Person"));
    assert!(rows
        .iter()
        .filter(|r| r[5] == "sharett")
        .all(|r| r[6].is_empty()));
    assert!(rows
        .iter()
        .filter(|r| r[5] == "sofia")
        .all(|r| r[4] == "Place"));
    // Offsets are code points: the emoji and Cyrillic before "Molotov" count one each.
    let molotov = rows
        .iter()
        .find(|r| r[0] == "letter-1" && r[3] == "Molotov")
        .unwrap();
    let letter = w.read("texts/letters.txt");
    let doc_start = letter.find("LETTER").unwrap();
    let byte = letter.find("Molotov’s").unwrap();
    assert_eq!(
        molotov[1],
        letter[doc_start..byte].chars().count().to_string()
    );
}

#[test]
fn documents_carry_their_metadata_and_place_in_the_file() {
    let w = Workdir::fixture("small");
    let csv = w.export_csv();
    let (header, rows) = csv_file(&csv.join("documents.csv"));
    assert_eq!(
        header,
        [
            "id",
            "file",
            "file_start",
            "file_end",
            "title",
            "kind",
            "date",
            "authors",
            "recipients"
        ]
    );
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, ["article", "greeting", "letter-1", "letter-2"]);
    let get = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    let l1 = get("letter-1");
    assert_eq!(&l1[5..], ["letter", "1953-07-15", "molotov", "sharett"]);
    assert_eq!(get("letter-2")[6], "1953-04");
    assert_eq!(get("greeting")[7], "mikhoels|odd");
    // The embedded greeting lies inside the article, and its text is what the file says.
    let (a, g) = (get("article"), get("greeting"));
    let n = |s: &str| s.parse::<usize>().unwrap();
    assert!(n(&a[2]) <= n(&g[2]) && n(&g[3]) <= n(&a[3]));
    let text: Vec<char> = w.read("texts/article.txt").chars().collect();
    let greeting: String = text[n(&g[2])..n(&g[3])].iter().collect();
    assert!(greeting.starts_with("“We send our heartfelt wishes"));
    assert!(greeting.ends_with("Chairman."));
    // Dates keep their precision as XML Schema datatypes.
    let ask = |q: &str| w.output(&["query", "--sparql", q]).status.code();
    let prefix = "PREFIX schema: <http://schema.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX doc: <https://example.org/fixture/doc/>";
    assert_eq!(
        ask(&format!(
            "{prefix} ASK {{ doc:letter-2 schema:dateCreated \"1953-04\"^^xsd:gYearMonth }}"
        )),
        Some(0)
    );
    assert_eq!(
        ask(&format!(
            "{prefix} ASK {{ doc:article schema:dateCreated \"1942\"^^xsd:gYear }}"
        )),
        Some(0)
    );
    assert_eq!(
        ask(&format!(
            "{prefix} ASK {{ doc:letter-1 schema:dateCreated \"1953-07-15\"^^xsd:date }}"
        )),
        Some(0)
    );
}

#[test]
fn commands_rebuild_when_the_corpus_changes_and_only_then() {
    let w = Workdir::fixture("small");
    let count = "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#> SELECT (COUNT(*) AS ?n) WHERE { ?m itsrdf:taIdentRef ?e . ?e dcterms:identifier ?id }";
    let first = w.output(&["query", "--format", "csv", "--sparql", count]);
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("Built "),
        "the first query builds"
    );
    let before: usize = csv_rows(&String::from_utf8_lossy(&first.stdout))[0][0]
        .parse()
        .unwrap();
    let again = w.output(&["query", "--format", "csv", "--sparql", count]);
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("Built "),
        "an unchanged corpus is not rebuilt"
    );
    w.edit(
        "texts/article.txt",
        "Tel Aviv greeted",
        "Tel Aviv and Sofia greeted",
    );
    let after = w.output(&["query", "--format", "csv", "--sparql", count]);
    assert!(
        String::from_utf8_lossy(&after.stderr).contains("Built "),
        "a changed text is rebuilt"
    );
    let after: usize = csv_rows(&String::from_utf8_lossy(&after.stdout))[0][0]
        .parse()
        .unwrap();
    assert_eq!(after, before + 1);
}

/// The generation directories of a store, by name.
fn generations(w: &Workdir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(w.store())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("gen-") && n.len() == 10)
        .collect();
    names.sort();
    names
}

#[test]
fn a_build_removes_the_generation_it_replaces_once_no_reader_holds_it() {
    let w = Workdir::fixture("small");
    w.ok(&["build", "--quiet"]);
    let first = generations(&w);
    assert_eq!(first.len(), 1, "{first:?}");
    w.edit("texts/article.txt", "greeted", "welcomed");
    w.ok(&["build", "--quiet"]);
    let second = generations(&w);
    assert_eq!(second.len(), 1, "one generation's disk: {second:?}");
    assert_ne!(second, first, "the new one");
    assert!(
        !w.store().join(format!("{}.search", first[0])).exists(),
        "its search index went with it"
    );
}

#[test]
fn a_killed_build_leaves_a_readable_store() {
    let w = Workdir::shipped();
    w.ok(&["build"]);
    let q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }";
    let before = w.select(q);
    for delay_ms in [0, 20, 60, 150] {
        let mut child = w.cmd(&["build", "--force", "--quiet"]).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever moment the kill came, the store answers as a whole store does.
        assert_eq!(w.select(q), before, "after a kill at {delay_ms} ms");
    }
    // Leftovers of killed builds are cleared by the next build.
    w.ok(&["build", "--force", "--quiet"]);
    let dirs: Vec<String> = std::fs::read_dir(w.store())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    let searches = dirs.iter().filter(|n| n.ends_with(".search")).count();
    let answers = dirs.iter().filter(|n| n.ends_with(".answers")).count();
    let generations = dirs.len() - searches - answers;
    assert!(answers <= generations, "{dirs:?}");
    assert!(generations <= 2, "{generations} generations left");
    assert_eq!(searches, generations, "a search file beside each: {dirs:?}");
}

#[test]
fn init_writes_a_corpus_that_builds() {
    let w = Workdir::fixture("small");
    let new = w.path().join("new-corpus");
    let out = std::process::Command::new(bin())
        .arg("init")
        .arg(&new)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(new.join("manifest.toml").is_file() && new.join("texts").is_dir());
    let out = std::process::Command::new(bin())
        .args(["build", "--corpus"])
        .arg(&new)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 documents"));
    // It never overwrites.
    let again = std::process::Command::new(bin())
        .arg("init")
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

/// The compression each table file of a RocksDB directory names in its
/// properties block, which is written uncompressed near the file's end. Its
/// keys are sorted and share prefixes: `rocksdb.compression` follows
/// `rocksdb.comparator`, so its entry is 12 bytes shared, the 7 of
/// `ression`, the value's length, `ression` and the value.
fn table_compressions(dir: &std::path::Path) -> Vec<(String, String)> {
    const REST: &[u8] = b"ression";
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "sst") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let at = (3..bytes.len().saturating_sub(REST.len()))
            .rev()
            .find(|&i| bytes[i..].starts_with(REST) && bytes[i - 3] == 12 && bytes[i - 2] == 7)
            .unwrap_or_else(|| panic!("{} names no compression", path.display()));
        let len = bytes[at - 1] as usize;
        let value = &bytes[at + REST.len()..at + REST.len() + len];
        found.push((
            path.file_name().unwrap().to_string_lossy().to_string(),
            String::from_utf8_lossy(value).to_string(),
        ));
    }
    found.sort();
    found
}

#[test]
fn a_full_build_leaves_its_tables_compressed() {
    let w = Workdir::shipped();
    w.ok(&["build", "--quiet"]);
    let generation = w.store().join(generations(&w)[0].as_str());
    let tables = table_compressions(&generation);
    assert!(!tables.is_empty(), "a built store has table files");
    // RocksDB names LZ4 as `LZ4`, or by its type number (4) when its
    // compression manager wrote the file.
    let lz4 = |name: &str| name == "LZ4" || name == "BuiltinV2;04;";
    let plain: Vec<_> = tables.iter().filter(|(_, c)| !lz4(c)).collect();
    assert!(
        plain.is_empty(),
        "every table file of a full build is LZ4-compressed, as `oxigraph load` leaves them: {plain:?} of {}",
        tables.len()
    );
}
