//! `annalist export`: RDF read back by rdflib, pyoxigraph and rapper; CSV.

use crate::util::*;

const RDF_FORMATS: [&str; 6] = ["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"];

fn is_quad_format(f: &str) -> bool {
    matches!(f, "nquads" | "trig" | "jsonld")
}

#[test]
fn every_rdf_export_parses_in_real_clients_with_the_stores_count() {
    let w = Workdir::shipped();
    w.ok(&["build", "--quiet"]);
    let quads: u64 = w.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0][0]
        .parse()
        .unwrap();
    let triples: u64 = w
        .select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")[0]
        [0]
    .parse()
    .unwrap();
    assert!(quads >= triples);
    for format in RDF_FORMATS {
        let path = w.path().join(format!("export.{format}"));
        w.ok(&["export", "--format", format, "-o", path.to_str().unwrap()]);
        let want = if is_quad_format(format) {
            quads
        } else {
            triples
        };
        let p = path.to_str().unwrap();
        assert_eq!(
            client(&["rdflib-count", format, p]).as_u64(),
            Some(want),
            "rdflib, {format}"
        );
        assert_eq!(
            client(&["oxigraph-count", format, p]).as_u64(),
            Some(want),
            "pyoxigraph, {format}"
        );
        let rapper = match format {
            "jsonld" => None,
            "rdfxml" => Some("rdfxml"),
            f => Some(f),
        };
        if let Some(r) = rapper {
            // rapper counts the statements it reads, whatever their graph.
            assert_eq!(rapper_count(r, &path) as u64, want, "rapper, {format}");
        }
    }
}

#[test]
fn turtle_is_pretty_and_prefixed() {
    let w = Workdir::fixture("small");
    let ttl = w.ok(&["export", "--format", "turtle"]);
    for prefix in [
        "@prefix schema: <http://schema.org/> .",
        "@prefix nif:",
        "@prefix wd: <http://www.wikidata.org/entity/> .",
    ] {
        assert!(ttl.contains(prefix), "no {prefix}");
    }
    assert!(
        ttl.contains("owl:sameAs wd:Q132899"),
        "Wikidata links are written as wd: names"
    );
    assert!(ttl.contains(" ;\n"), "subjects are grouped");
}

#[test]
fn one_graph_can_be_exported_alone() {
    let w = Workdir::fixture("small");
    let path = w.path().join("letter.ttl");
    w.ok(&[
        "export",
        "--format",
        "turtle",
        "--graph",
        "doc/letter-1",
        "-o",
        path.to_str().unwrap(),
    ]);
    let n = w.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/fixture/doc/letter-1> { ?s ?p ?o } }");
    assert_eq!(
        client(&["rdflib-count", "turtle", path.to_str().unwrap()]).to_string(),
        n[0][0]
    );
    let err = w.fails(&["export", "--format", "turtle", "--graph", "doc/nothing"]);
    assert!(err.contains("no graph"), "{err}");
}

#[test]
fn exports_are_byte_identical_from_run_to_run_and_build_to_build() {
    let w = Workdir::shipped();
    let snapshot = |tag: &str| -> Vec<Vec<u8>> {
        let mut files = Vec::new();
        for format in ["turtle", "nquads", "trig", "jsonld"] {
            let path = w.path().join(format!("{tag}.{format}"));
            w.ok(&[
                "export",
                "--format",
                format,
                "-o",
                path.to_str().unwrap(),
                "--quiet",
            ]);
            files.push(std::fs::read(path).unwrap());
        }
        let csv = w.path().join(format!("{tag}-csv"));
        w.ok(&[
            "export",
            "--format",
            "csv",
            "-o",
            csv.to_str().unwrap(),
            "--quiet",
        ]);
        for name in ["documents.csv", "entities.csv", "mentions.csv"] {
            files.push(std::fs::read(csv.join(name)).unwrap());
        }
        files
    };
    let first = snapshot("a");
    assert_eq!(snapshot("b"), first);
    w.ok(&["build", "--force", "--quiet"]);
    assert_eq!(snapshot("c"), first);
}

#[test]
fn a_hostile_label_survives_every_export_intact() {
    let w = Workdir::fixture("small");
    let gazetteer = csv_file(&w.corpus().join("gazetteer.csv")).1;
    let label = gazetteer.iter().find(|r| r[0] == "odd").unwrap()[2].clone();
    assert!(label.starts_with('='));
    for c in ['"', '\'', '\\', ',', ';', '\n', '<', '&', '😀'] {
        assert!(label.contains(c), "the fixture label lacks {c:?}");
    }
    for format in RDF_FORMATS {
        let path = w.path().join(format!("odd.{format}"));
        w.ok(&["export", "--format", format, "-o", path.to_str().unwrap()]);
        let literals = client(&["literals", format, path.to_str().unwrap()]);
        assert!(
            literals
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l.as_str() == Some(label.as_str())),
            "{format} lost the label"
        );
    }
    let csv = w.export_csv();
    let entities = csv_file(&csv.join("entities.csv")).1;
    let odd = entities.iter().find(|r| r[0] == "odd").unwrap();
    // The spreadsheet guard: shown as text, never run; the rest is intact.
    assert_eq!(odd[2], format!("'{label}"));
    assert_eq!(odd[3], "Oddity Bureau");
}

#[test]
fn csv_tables_have_the_documented_columns() {
    let w = Workdir::shipped();
    let csv = w.export_csv();
    let (header, entities) = csv_file(&csv.join("entities.csv"));
    assert_eq!(
        header,
        ["id", "type", "label", "aliases", "wikidata", "mentions"]
    );
    let gazetteer = csv_file(&w.corpus().join("gazetteer.csv")).1;
    assert_eq!(entities.len(), gazetteer.len());
    for g in &gazetteer {
        let e = entities.iter().find(|e| e[0] == g[0]).unwrap();
        assert_eq!(e[4], g[4], "Wikidata id of {}", g[0]);
        assert_eq!(e[1], g[1], "type of {}", g[0]);
    }
    let molotov = entities
        .iter()
        .find(|e| e[0] == "vyacheslav-molotov")
        .unwrap();
    assert!(molotov[3].split('|').any(|a| a == "Molotov"));
    assert!(molotov[5].parse::<usize>().unwrap() >= 5);
    let err = w.fails(&["export", "--format", "csv"]);
    assert!(err.contains("-o DIR"), "{err}");
}

#[test]
fn the_format_is_taken_from_the_output_extension_when_not_given() {
    let w = Workdir::fixture("small");
    for (ext, format) in [
        ("nq", "nquads"),
        ("ttl", "turtle"),
        ("rdf", "rdfxml"),
        ("gexf", "gexf"),
        ("geojson", "geojson"),
    ] {
        let guessed = w.path().join(format!("guessed.{ext}"));
        let named = w.path().join(format!("named.{ext}"));
        w.ok(&["export", "--quiet", "-o", guessed.to_str().unwrap()]);
        w.ok(&[
            "export",
            "--quiet",
            "--format",
            format,
            "-o",
            named.to_str().unwrap(),
        ]);
        assert_eq!(
            std::fs::read(&guessed).unwrap(),
            std::fs::read(&named).unwrap(),
            ".{ext} is not written as {format}"
        );
    }
    // An explicit --format wins over the extension, in any case.
    let odd = w.path().join("graph.ttl");
    w.ok(&[
        "export",
        "--quiet",
        "--format",
        "NQuads",
        "-o",
        odd.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(&odd).unwrap(),
        std::fs::read(w.path().join("named.nq")).unwrap()
    );
    let err = w.fails(&["export", "-o", w.path().join("out.data").to_str().unwrap()]);
    assert!(err.contains("names none by its extension"), "{err}");
    assert!(err.contains("fix: give --format"), "{err}");
    let err = w.fails(&["export"]);
    assert!(err.contains("no --format given"), "{err}");
    let err = w.fails(&["export", "--format", "yaml"]);
    assert!(
        err.contains("possible values: turtle, ntriples, nquads"),
        "{err}"
    );
}
