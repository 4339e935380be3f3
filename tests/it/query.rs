//! `annalist query` and `annalist queries`.

use crate::util::*;
use std::io::{Read, Write};
use std::process::Stdio;

#[test]
fn every_library_query_runs_on_the_shipped_corpus() {
    let w = Workdir::shipped();
    let list = w.ok(&["queries"]);
    // name, from (library or corpus), answers
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    let names: Vec<String> = rows
        .iter()
        .filter(|r| r[1] == "library")
        .map(|r| r[0].to_string())
        .collect();
    // The shipped corpus's own question is listed beside the library.
    assert!(
        rows.iter().any(|r| r[0] == "aid" && r[1] == "corpus"),
        "{list}"
    );
    // The library is exactly this checkout's queries/ (a build script shared
    // by several checkouts once read another one's).
    let mut files: Vec<String> = std::fs::read_dir(repo().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    files.sort();
    let mut listed = names.clone();
    listed.sort();
    assert_eq!(listed, files);
    for required in [
        "entities",
        "concordance",
        "documents",
        "co-mentions",
        "unlinked",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "no {required} in {list}"
        );
    }
    for line in list.lines().skip(1) {
        let purpose = line.split('\t').nth(2).unwrap_or_default();
        assert!(purpose.len() > 20, "query without a purpose line: {line}");
    }
    for name in rows.iter().map(|r| r[0]) {
        let out = w.ok(&["query", name, "--format", "csv"]);
        // A corpus whose shared names are all settled has none to list.
        if name != "ambiguous" {
            assert!(!csv_rows(&out).is_empty(), "{name} answered nothing");
        }
    }
}

#[test]
fn entities_query_gives_types_wikidata_ids_and_counts() {
    let w = Workdir::shipped();
    let rows = csv_rows(&w.ok(&["query", "entities", "--format", "csv"]));
    let stalin = rows
        .iter()
        .find(|r| r[1] == "joseph-stalin")
        .expect("Stalin is listed");
    assert_eq!(stalin[0], "Person");
    assert_eq!(stalin[3], "Q855");
    let counted: usize = stalin[4].parse().unwrap();
    let concordance = csv_rows(&w.ok(&[
        "query",
        "concordance",
        "--bind",
        "entity=joseph-stalin",
        "--format",
        "csv",
    ]));
    assert_eq!(concordance.len(), counted);
    for row in &concordance {
        assert!(row[4].to_lowercase().contains("stalin"), "{row:?}");
        assert_eq!(row[6], "joseph-stalin");
    }
    // Unlinked entities are exactly those without an id in the entities list.
    let unlinked = csv_rows(&w.ok(&["query", "unlinked", "--format", "csv"]));
    let without: Vec<&String> = rows
        .iter()
        .filter(|r| r[3].is_empty())
        .map(|r| &r[1])
        .collect();
    assert_eq!(unlinked.len(), without.len());
    assert!(unlinked.iter().all(|r| without.contains(&&r[1])));
}

#[test]
fn concordance_shows_the_words_around_each_mention() {
    let w = Workdir::fixture("small");
    let rows = csv_rows(&w.ok(&[
        "query",
        "concordance",
        "--bind",
        "entity=pravda",
        "--format",
        "csv",
    ]));
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0][3].ends_with("You can read today's \""),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[0][4], "Truth");
    assert!(
        rows[0][5].starts_with("\" but not the Truth."),
        "{:?}",
        rows[0]
    );
}

#[test]
fn documents_and_co_mentions_answer_as_the_texts_say() {
    let w = Workdir::fixture("small");
    let docs = csv_rows(&w.ok(&["query", "documents", "--format", "csv"]));
    let order: Vec<&str> = docs.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        order,
        ["article", "letter-2", "letter-1", "greeting"],
        "date order, undated last"
    );
    assert_eq!(docs[2][4], "Vyacheslav Molotov");
    assert_eq!(docs[2][5], "Moshe Sharett");
    let pairs = csv_rows(&w.ok(&["query", "co-mentions", "--format", "csv"]));
    let has = |a: &str, b: &str| pairs.iter().any(|r| r[3] == a && r[4] == b);
    // "Razin met Slansky and Slánský in Sofia." is one sentence.
    assert!(has("razin", "slansky") && has("razin", "sofia"));
    let slansky_sofia = pairs
        .iter()
        .find(|r| r[3] == "slansky" && r[4] == "sofia")
        .unwrap();
    assert_eq!(slansky_sofia[2], "1");
    // Molotov and Stalin are in different sentences of letter-1.
    assert!(!has("molotov", "stalin"));
}

#[test]
fn results_come_in_every_w3c_format() {
    let w = Workdir::fixture("small");
    let q = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?label WHERE { ?e skos:prefLabel ?label FILTER(STRSTARTS(?label, 'V') || STRSTARTS(?label, '=')) } ORDER BY ?label";
    let mut answers = Vec::new();
    for format in ["csv", "tsv", "json", "xml"] {
        let out = w.ok(&["query", "--format", format, "--sparql", q]);
        let path = w.path().join(format!("results.{format}"));
        std::fs::write(&path, out).unwrap();
        answers.push(client(&["results", format, path.to_str().unwrap()]));
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    let labels: Vec<&str> = answers[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 2);
    assert!(labels[0]
        .starts_with("=HYPERLINK(\"http://x\",\"<b>O'Brien & Co</b>\"), \"Jr\"; C:\\temp\\ 😀\n"));
    assert_eq!(labels[1], "Vyacheslav Molotov");
    // A table for people: header, rule, aligned rows.
    let table = w.ok(&["query", "--format", "table", "--sparql", q]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "label");
    assert!(lines[1].chars().all(|c| c == '-'));
}

#[test]
fn ask_answers_with_its_exit_code_and_construct_with_turtle() {
    let w = Workdir::fixture("small");
    let yes = w.output(&["query", "--sparql", "ASK { ?s ?p ?o }"]);
    assert_eq!(
        (
            yes.status.code(),
            String::from_utf8_lossy(&yes.stdout).trim()
        ),
        (Some(0), "true")
    );
    let no = w.output(&["query", "--sparql", "ASK { <urn:x:nothing> ?p ?o }"]);
    assert_eq!(
        (no.status.code(), String::from_utf8_lossy(&no.stdout).trim()),
        (Some(1), "false")
    );
    let ttl = w.ok(&[
        "query",
        "--sparql",
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> CONSTRUCT { ?e skos:prefLabel ?l } WHERE { ?e skos:prefLabel ?l }",
    ]);
    let path = w.path().join("c.ttl");
    std::fs::write(&path, ttl).unwrap();
    let labels = w.select("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT (COUNT(*) AS ?n) WHERE { ?e skos:prefLabel ?l }");
    assert_eq!(
        client(&["rdflib-count", "turtle", path.to_str().unwrap()]).to_string(),
        labels[0][0]
    );
}

#[test]
fn graph_names_the_document_that_says_so() {
    let w = Workdir::fixture("small");
    let rows = w.select(
        "PREFIX schema: <http://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/>
         SELECT ?g ?who WHERE { GRAPH ?g { ?d schema:recipient ?r } ?r dcterms:identifier ?who }",
    );
    assert_eq!(
        rows,
        vec![vec![
            "https://example.org/fixture/doc/letter-1".to_string(),
            "sharett".into()
        ]]
    );
}

#[test]
fn queries_come_from_files_stdin_and_the_corpus() {
    let w = Workdir::fixture("small");
    let q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
    std::fs::write(w.path().join("count.rq"), q).unwrap();
    let from_file = w.ok(&["query", "count.rq", "--format", "csv"]);
    let mut child = w
        .cmd(&["query", "-", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(q.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), from_file);
    std::fs::create_dir_all(w.corpus().join("queries")).unwrap();
    w.write("queries/mine.rq", format!("# My own count.\n{q}"));
    assert_eq!(w.ok(&["query", "mine", "--format", "csv"]), from_file);
    assert!(w.ok(&["queries"]).contains("mine\tcorpus\tMy own count."));
    let err = w.fails(&["query", "no-such-query"]);
    assert!(
        err.contains("no-such-query") && err.contains("annalist queries"),
        "{err}"
    );
}

#[test]
fn a_syntax_error_shows_line_and_column() {
    let w = Workdir::fixture("small");
    let err = w.fails(&[
        "query",
        "--sparql",
        "SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  ?s <a b> ?o\n}",
    ]);
    assert!(err.contains("--sparql:4:11:"), "{err}");
    assert!(err.contains("  ?s <a b> ?o\n  |           ^"), "{err}");
    assert!(err.contains("SPARQL syntax error"), "{err}");
    std::fs::write(w.path().join("bad.rq"), "SELECT * WHERE { ?s ?p }").unwrap();
    let err = w.fails(&["query", "bad.rq"]);
    assert!(err.contains("bad.rq:1:"), "{err}");
}

#[test]
fn bad_bindings_and_formats_are_usage_errors() {
    let w = Workdir::fixture("small");
    assert!(w
        .fails(&["query", "entities", "--bind", "entity"])
        .contains("--bind"));
    assert!(w
        .fails(&["query", "entities", "--format", "yaml"])
        .contains("invalid value 'yaml' for '--format <FORMAT>'"));
    assert!(w
        .fails(&["query", "entities", "--format", "turtle"])
        .contains("SELECT"));
    // A variable the query does not return would change nothing.
    let err = w.fails(&["query", "correspondence", "--bind", "author=molotov"]);
    assert!(
        err.contains("no variable ?author") && err.contains("sender, recipient"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let w = Workdir::shipped();
    w.ok(&["build", "--quiet"]);
    let mut child = w
        .cmd(&["export", "--format", "ntriples"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The kept answers of the generation in use, by their first line (the
/// variables).
fn kept_answers(w: &Workdir) -> Vec<(std::path::PathBuf, String)> {
    let current = std::fs::read_to_string(w.store().join("CURRENT"))
        .unwrap()
        .trim()
        .to_string();
    let dir = w.store().join(format!("{current}.answers"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .map(|p| {
            let head = std::fs::read_to_string(&p)
                .unwrap()
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            (p, head)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn build_answers_keeps_answers_that_queries_and_the_server_read_until_the_next_build() {
    let w = Workdir::shipped();
    let built = w.output(&["build", "--answers"]);
    assert!(built.status.success());
    let said = String::from_utf8_lossy(&built.stderr);
    let listed = w.ok(&["queries"]).lines().skip(1).count();
    assert!(
        said.contains(&format!("Kept the answers of {listed} queries")),
        "{said}"
    );
    let kept = kept_answers(&w);
    assert_eq!(kept.len(), listed, "one answer per query: {kept:?}");
    let before = std::fs::read_to_string(w.store().join("CURRENT")).unwrap();
    let evaluated: Vec<String> = ["csv", "tsv", "json", "xml", "table"]
        .iter()
        .map(|f| w.ok(&["query", "entities", "--fresh", "--format", f]))
        .collect();
    for (f, fresh) in ["csv", "tsv", "json", "xml", "table"]
        .iter()
        .zip(&evaluated)
    {
        assert_eq!(&w.ok(&["query", "entities", "--format", f]), fresh, "{f}");
    }

    // Kept as printed in CSV too, byte for byte what an evaluation prints.
    let (path, _) = kept
        .iter()
        .find(|(_, head)| head == "?type\t?id\t?label\t?wikidata\t?mentions")
        .expect("the entities query's answer");
    let text = std::fs::read_to_string(path).unwrap();
    // The first entity's label, as TSV writes it ("…").
    let label = text
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .nth(2)
        .unwrap()
        .to_string();
    let plain = label.trim_matches('"').to_string();
    assert!(evaluated[0].contains(&plain), "{plain}");
    let printed = path.with_extension("csv");
    assert_eq!(std::fs::read_to_string(&printed).unwrap(), evaluated[0]);

    // The answer is read, not evaluated: change the kept files and the
    // change shows, except with --fresh. The printing is copied out as it
    // is; a format with none is printed from the kept solutions.
    std::fs::write(
        &printed,
        evaluated[0].replace(&plain, "Printed, not evaluated"),
    )
    .unwrap();
    let read = w.ok(&["query", "entities", "--format", "csv"]);
    assert!(read.contains("Printed, not evaluated"), "{read}");
    std::fs::write(
        path,
        text.replace(&label, "\"Kept, \\\"not\\\" evaluated\""),
    )
    .unwrap();
    std::fs::remove_file(&printed).unwrap();
    let read = w.ok(&["query", "entities", "--format", "csv"]);
    assert!(read.contains("\"Kept, \"\"not\"\" evaluated\""), "{read}");
    assert!(!read.contains(&plain));
    // In TSV the kept solutions are the printing, copied out as they are
    // (printed from the solutions, the literal would lose its datatype).
    let copied = text.replace(
        &label,
        "\"Copied as it is\"^^<http://www.w3.org/2001/XMLSchema#string>",
    );
    std::fs::write(path, &copied).unwrap();
    assert_eq!(w.ok(&["query", "entities", "--format", "tsv"]), copied);
    std::fs::write(
        path,
        text.replace(&label, "\"Kept, \\\"not\\\" evaluated\""),
    )
    .unwrap();
    let fresh = w.ok(&["query", "entities", "--fresh", "--format", "csv"]);
    assert_eq!(fresh, evaluated[0]);
    // A bound question is another question.
    let bound = w.ok(&[
        "query",
        "profile",
        "--bind",
        "entity=joseph-stalin",
        "--format",
        "csv",
    ]);
    assert!(!bound.contains("Kept"), "{bound}");
    {
        let server = crate::serve::start(&w);
        let got = crate::serve::curl(&[
            &format!("{}/queries/entities", server.root()),
            "-H",
            "Accept: text/csv",
        ]);
        assert_eq!(got.status, 200, "{}", got.body);
        assert!(got.body.contains("Kept"), "the server reads kept answers");
    }

    // A damaged answer is named, with its fix (when no printing of it
    // stands in its place: a slow machine may have kept one above).
    std::fs::write(path, "?type\t?id\n<not closed\n").unwrap();
    let _ = std::fs::remove_file(&printed);
    let err = w.fails(&["query", "entities", "--format", "csv"]);
    assert!(
        err.contains(&path.display().to_string()) && err.contains("--fresh"),
        "{err}"
    );

    // A build that changes the store makes a generation whose answers
    // only wait to be mended (tests/it/carry.rs), and removes the old
    // generation's with it; the damaged one is evaluated again.
    let doc = std::fs::read_dir(w.corpus().join("texts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .unwrap();
    let mut body = std::fs::read_to_string(&doc).unwrap();
    body.push_str("\nOne more sentence.\n");
    std::fs::write(&doc, body).unwrap();
    w.ok(&["build", "--no-answers"]);
    assert_ne!(
        std::fs::read_to_string(w.store().join("CURRENT")).unwrap(),
        before
    );
    assert!(!w
        .store()
        .join(format!("{}.answers", before.trim()))
        .exists());
    assert!(kept_answers(&w).is_empty());
    let after = w.ok(&["query", "entities", "--format", "csv"]);
    assert!(after.contains(&plain) && !after.contains("Kept"));
}

#[test]
fn the_timeline_lists_a_written_date_once_for_each_place_it_is_written() {
    let w = Workdir::shipped();
    let rows = csv_rows(&w.ok(&["query", "timeline", "--format", "csv"]));
    let written = rows.iter().filter(|r| r[1] == "date in the text").count();
    let mentions = w.select(
        "PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
         PREFIX time: <http://www.w3.org/2006/time#>
         SELECT ?m WHERE { GRAPH ?g { ?m itsrdf:taClassRef time:TemporalEntity ; itsrdf:taIdentRef ?day } }",
    );
    // Each written date that resolves to a day, month or year. The corpus
    // writes some day in several documents, each of which
    // describes that day in its own graph: the case that once multiplied
    // the rows.
    let shared = w.select(
        "PREFIX time: <http://www.w3.org/2006/time#>
         SELECT ?day WHERE { GRAPH ?g { ?day time:inXSDDate ?date } }
         GROUP BY ?day HAVING (COUNT(DISTINCT ?g) > 1)",
    );
    assert!(!shared.is_empty());
    assert!(written > 0);
    assert_eq!(written, mentions.len());
}

#[test]
fn csv_quotes_an_iri_that_holds_a_comma() {
    // A mention's IRI ends in #char=START,END (NIF): the comma must not
    // split its row.
    let w = Workdir::shipped();
    let sparql = "PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
        SELECT ?m ?e WHERE { ?m itsrdf:taIdentRef ?e } ORDER BY ?m LIMIT 5";
    let csv = csv_rows(&w.ok(&["query", "--format", "csv", "--sparql", sparql]));
    let json: serde_json::Value =
        serde_json::from_str(&w.ok(&["query", "--format", "json", "--sparql", sparql])).unwrap();
    let from_json: Vec<Vec<String>> = json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            ["m", "e"]
                .iter()
                .map(|v| b[v]["value"].as_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(csv.len(), 5);
    assert!(csv
        .iter()
        .all(|r| r[0].contains("#char=") && r[0].contains(',')));
    assert_eq!(csv, from_json);
}

#[test]
fn a_build_that_changes_a_small_store_answers_the_library_ahead() {
    let w = Workdir::shipped();
    let listed = w.ok(&["queries"]).lines().skip(1).count();
    let built = w.output(&["build"]);
    assert!(built.status.success());
    // Quietly: the answers are the build's own business.
    assert!(!String::from_utf8_lossy(&built.stderr).contains("Kept the answers"));
    let kept = kept_answers(&w);
    assert_eq!(kept.len(), listed, "one answer per query: {kept:?}");
    // Each kept printing is what an evaluation prints, and is what is read.
    for q in ["concordance", "co-mentions", "profile", "entities"] {
        let fresh = w.ok(&["query", q, "--fresh", "--format", "csv"]);
        assert_eq!(w.ok(&["query", q, "--format", "csv"]), fresh, "{q}");
    }
    let (path, _) = kept
        .iter()
        .find(|(_, head)| head.starts_with("?document\t?start\t?end\t?left"))
        .expect("the concordance's answer");
    let printed = path.with_extension("csv");
    let text = std::fs::read_to_string(&printed).unwrap();
    std::fs::write(&printed, format!("{text}read, not evaluated\r\n")).unwrap();
    assert!(w
        .ok(&["query", "concordance", "--format", "csv"])
        .ends_with("read, not evaluated\r\n"));

    // An unchanged store keeps what it has; --no-answers keeps none ahead.
    w.ok(&["build"]);
    assert!(printed.exists());
    w.edit(
        "gazetteer.csv",
        "theatre in Jerusalem where",
        "theater in Jerusalem where",
    );
    w.ok(&["build", "--no-answers"]);
    assert!(kept_answers(&w).is_empty());
    // A reading command that builds first answers ahead as `build` does.
    w.edit(
        "gazetteer.csv",
        "theater in Jerusalem where",
        "theatre in Jerusalem where",
    );
    w.ok(&["query", "entities"]);
    assert_eq!(kept_answers(&w).len(), listed);
}

#[test]
fn a_slow_question_of_the_corpus_is_not_answered_ahead_and_holds_up_no_build() {
    let w = Workdir::shipped();
    // Every triple against every other twice: it never ends on any store.
    w.write(
        "queries/endless.rq",
        "# Never ends.\nSELECT (COUNT(*) AS ?endless) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n",
    );
    w.ok(&["build"]);
    let kept = kept_answers(&w);
    assert!(!kept.is_empty(), "the others are answered ahead");
    assert!(kept.iter().all(|(_, head)| head != "?endless"), "{kept:?}");
}
