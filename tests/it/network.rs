//! Network exports, opened by the real clients: networkx (GEXF, GraphML),
//! xmllint with the GEXF 1.3 RELAX NG schema, FalkorDB (the Cypher script,
//! run twice), Neo4j's own Cypher linter, and Kùzu (the neo4j-admin CSV).

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What the network should hold, computed independently with SPARQL.
struct Expected {
    nodes: usize,
    /// Typed relations: WROTE_TO from document metadata and every claim of
    /// relations.csv, one edge per (subject, relation, object).
    relations: usize,
    wrote_to: usize,
    co_mentioned: usize,
}

fn expected(w: &Workdir) -> Expected {
    let p = "PREFIX schema: <http://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/>
             PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX ans: <https://w3id.org/annalist/ns#>
             PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#> PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>";
    let pairs = "{ SELECT DISTINCT ?a ?p ?b WHERE {
        { ?d schema:author ?a ; schema:recipient ?b BIND(ans:wroteTo AS ?p) }
        UNION { ?c a rdf:Statement ; rdf:subject ?a ; rdf:predicate ?p ; rdf:object ?b }
        FILTER(?a != ?b) } }";
    let n = |q: &str| -> usize { w.select(&format!("{p} {q}"))[0][0].parse().unwrap() };
    let relations = n(&format!("SELECT (COUNT(*) AS ?n) WHERE {pairs}"));
    let wrote_to = n(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ {pairs} FILTER(?p = ans:wroteTo) }}"
    ));
    let co_mentioned = n("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b WHERE {
        ?m1 nif:sentence ?s ; itsrdf:taIdentRef ?a . ?m2 nif:sentence ?s ; itsrdf:taIdentRef ?b . FILTER(STR(?a) < STR(?b)) } }");
    let nodes = n(&format!(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {{ ?m itsrdf:taIdentRef ?e . ?e dcterms:identifier ?id }} UNION {{ {pairs} BIND(?a AS ?e) }} UNION {{ {pairs} BIND(?b AS ?e) }} }}"
    ));
    Expected {
        nodes,
        relations,
        wrote_to,
        co_mentioned,
    }
}

fn export_file(w: &Workdir, format: &str, extra: &[&str]) -> PathBuf {
    let path = w.path().join(format!(
        "network-{}.{format}",
        extra.join("").replace(['-', ','], "")
    ));
    let mut args = vec![
        "export",
        "--format",
        format,
        "-o",
        path.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(extra);
    w.ok(&args);
    path
}

fn export_dir(w: &Workdir, format: &str) -> PathBuf {
    let dir = w.path().join(format);
    w.ok(&[
        "export",
        "--format",
        format,
        "-o",
        dir.to_str().unwrap(),
        "--quiet",
    ]);
    dir
}

#[test]
fn gephi_csv_counts_agree_with_the_sparql_store() {
    let w = Workdir::shipped();
    let want = expected(&w);
    let dir = export_dir(&w, "gephi-csv");
    let (nh, nodes) = csv_file(&dir.join("nodes.csv"));
    let (eh, edges) = csv_file(&dir.join("edges.csv"));
    assert_eq!(&nh[..2], ["Id", "Label"]);
    assert_eq!(
        &eh[..7],
        [
            "Source",
            "Target",
            "Type",
            "Id",
            "Label",
            "Weight",
            "Time Interval"
        ]
    );
    assert_eq!(nodes.len(), want.nodes);
    assert_eq!(
        edges.iter().filter(|e| e[7] == "WROTE_TO").count(),
        want.wrote_to
    );
    assert_eq!(
        edges.iter().filter(|e| e[7] == "CO_MENTIONED").count(),
        want.co_mentioned
    );
    let ids: BTreeSet<&str> = nodes.iter().map(|n| n[0].as_str()).collect();
    assert_eq!(ids.len(), nodes.len(), "node Ids are unique");
    let edge_ids: BTreeSet<&str> = edges.iter().map(|e| e[3].as_str()).collect();
    assert_eq!(edge_ids.len(), edges.len(), "edge Ids are unique");
    for e in &edges {
        assert!(
            ids.contains(e[0].as_str()) && ids.contains(e[1].as_str()),
            "{e:?}"
        );
        assert_eq!(
            e[2],
            if e[7] != "CO_MENTIONED" {
                "Directed"
            } else {
                "Undirected"
            }
        );
    }
    // The correspondence is dated, so Gephi's timeline can play it.
    let letter = edges
        .iter()
        .find(|e| e[7] == "WROTE_TO" && e[0] == "vyacheslav-molotov" && e[1] == "moshe-sharett")
        .unwrap();
    assert_eq!(letter[6], "<[1953-07-15, 1953-07-15]>");
    let reply = edges
        .iter()
        .find(|e| e[7] == "WROTE_TO" && e[0] == "moshe-sharett" && e[1] == "vyacheslav-molotov")
        .unwrap();
    assert_eq!((reply[5].as_str(), reply[8].as_str()), ("1", "1"));
}

#[test]
fn gexf_validates_against_the_schema_and_networkx_reads_it() {
    let w = Workdir::shipped();
    let want = expected(&w);
    let gexf = export_file(&w, "gexf", &[]);
    relaxng_valid(&repo().join("tests/schemas/gexf-1.3/gexf.rng"), &gexf).expect("valid GEXF 1.3");
    let g = graph_client(&["networkx-gexf", gexf.to_str().unwrap()]);
    let nodes = g["nodes"].as_object().unwrap();
    assert_eq!(nodes.len(), want.nodes);
    assert_eq!(
        g["edges"].as_array().unwrap().len(),
        want.relations + want.co_mentioned
    );
    let stalin = &nodes["joseph-stalin"];
    assert_eq!(stalin["label"], "Joseph Stalin");
    assert_eq!(stalin["wikidata"], "Q855");
    assert_eq!(stalin["type"], "Person");
    let mentions = csv_rows(&w.ok(&["query", "entities", "--format", "csv"]))
        .into_iter()
        .find(|r| r[1] == "joseph-stalin")
        .unwrap()[4]
        .parse::<i64>()
        .unwrap();
    assert_eq!(stalin["mentions"].as_i64(), Some(mentions));
    let text = std::fs::read_to_string(&gexf).unwrap();
    assert!(text.contains(r#"mode="dynamic" timeformat="date""#));
    assert!(text.contains("<viz:color"));
}

#[test]
fn graphml_reads_back_in_networkx_with_typed_attributes() {
    let w = Workdir::shipped();
    let want = expected(&w);
    let graphml = export_file(&w, "graphml", &[]);
    let g = graph_client(&["networkx-graphml", graphml.to_str().unwrap()]);
    assert_eq!(g["nodes"].as_object().unwrap().len(), want.nodes);
    assert_eq!(
        g["edges"].as_array().unwrap().len(),
        want.relations + want.co_mentioned
    );
    let molotov = &g["nodes"]["vyacheslav-molotov"];
    assert_eq!(molotov["label"], "Vyacheslav Molotov");
    assert!(
        molotov["mentions"].is_i64(),
        "mentions is typed int: {molotov}"
    );
    let wrote: Vec<&Value> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["relation"] == "WROTE_TO")
        .collect();
    assert_eq!(wrote.len(), want.wrote_to);
}

#[test]
fn the_cypher_script_runs_twice_in_falkordb_without_duplicating_anything() {
    let w = Workdir::shipped();
    let want = expected(&w);
    let script = export_file(&w, "cypher", &[]);
    let once = falkordb(&["run", script.to_str().unwrap(), "--times", "1"]);
    let twice = falkordb(&["run", script.to_str().unwrap(), "--times", "2"]);
    for db in [&once, &twice] {
        assert_eq!(db["nodes"].as_u64(), Some(want.nodes as u64));
        assert_eq!(
            db["relationships"].as_u64(),
            Some((want.relations + want.co_mentioned) as u64)
        );
        assert_eq!(db["types"]["WROTE_TO"].as_u64(), Some(want.wrote_to as u64));
    }
    assert_eq!(once["node"], twice["node"], "a second run changes nothing");
    assert_eq!(twice["node"]["joseph-stalin"]["wikidata"], "Q855");
    assert!(twice["labels"]["Person"].as_u64().unwrap() > 10);
}

#[test]
fn the_cypher_script_passes_neo4js_own_linter() {
    let w = Workdir::shipped();
    let script = export_file(&w, "cypher", &[]);
    let lint = cypher_lint(&script);
    assert_eq!(lint["errors"], 0, "{lint}");
    // The linter can fail: a broken script is flagged.
    let broken = w.path().join("broken.cypher");
    std::fs::write(&broken, "MATCH (n:Entity)\nRETURN n;\nMATCH (n RETURN n;\n").unwrap();
    assert!(cypher_lint(&broken)["errors"].as_u64().unwrap() > 0);
}

#[test]
fn neo4j_admin_csv_follows_the_header_syntax_and_loads_into_kuzu() {
    let w = Workdir::shipped();
    let want = expected(&w);
    let dir = export_dir(&w, "neo4j-csv");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    // Neo4j's header syntax: name:type, :ID(space), :LABEL, :START_ID(space), :END_ID(space), :TYPE.
    let types = [
        "int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "date",
        "datetime", "duration", "point",
    ];
    for f in &files {
        let (header, rows) = csv_file(f);
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("nodes-") {
            assert_eq!(&header[..2], ["id:ID(Entity)", ":LABEL"], "{name}");
            let label = name.trim_start_matches("nodes-").trim_end_matches(".csv");
            assert!(
                rows.iter().all(|r| r[1] == format!("Entity|{label}")),
                "{name}"
            );
        } else {
            assert!(name.starts_with("relationships-"), "{name}");
            assert_eq!(
                &header[..3],
                [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"],
                "{name}"
            );
        }
        for h in &header[..] {
            let ok = match h.split_once(':') {
                None => !h.is_empty() && h.chars().all(|c| c.is_alphanumeric() || c == '_'),
                Some((_, "LABEL" | "TYPE")) => true,
                Some((_, t)) if t.ends_with("(Entity)") => {
                    ["ID(Entity)", "START_ID(Entity)", "END_ID(Entity)"].contains(&t)
                }
                Some((field, t)) => !field.is_empty() && types.contains(&t.trim_end_matches("[]")),
            };
            assert!(ok, "header {h:?} of {name} is not neo4j-admin syntax");
        }
    }
    let db = graph_client(&["kuzu-load", dir.to_str().unwrap(), "--array-delimiter", "|"]);
    assert_eq!(db["nodes"].as_u64(), Some(want.nodes as u64));
    assert_eq!(
        db["relationships"].as_u64(),
        Some((want.relations + want.co_mentioned) as u64)
    );
    assert_eq!(
        db["by_type"]["CO_MENTIONED"].as_u64(),
        Some(want.co_mentioned as u64)
    );
}

#[test]
fn a_hostile_label_survives_every_network_format_and_injects_nothing() {
    let w = Workdir::fixture("small");
    let label = csv_file(&w.corpus().join("gazetteer.csv"))
        .1
        .into_iter()
        .find(|r| r[0] == "odd")
        .unwrap()[2]
        .clone();
    let want = expected(&w);
    let gexf = export_file(&w, "gexf", &[]);
    relaxng_valid(&repo().join("tests/schemas/gexf-1.3/gexf.rng"), &gexf).expect("valid GEXF 1.3");
    assert_eq!(
        graph_client(&["networkx-gexf", gexf.to_str().unwrap()])["nodes"]["odd"]["label"],
        label.as_str()
    );
    let graphml = export_file(&w, "graphml", &[]);
    assert_eq!(
        graph_client(&["networkx-graphml", graphml.to_str().unwrap()])["nodes"]["odd"]["label"],
        label.as_str()
    );
    let script = export_file(&w, "cypher", &[]);
    assert_eq!(cypher_lint(&script)["errors"], 0);
    let db = falkordb(&["run", script.to_str().unwrap()]);
    assert_eq!(db["node"]["odd"]["name"], label.as_str());
    assert_eq!(
        db["nodes"].as_u64(),
        Some(want.nodes as u64),
        "nothing was deleted"
    );
    let neo = export_dir(&w, "neo4j-csv");
    let kuzu = graph_client(&["kuzu-load", neo.to_str().unwrap(), "--array-delimiter", "|"]);
    assert_eq!(kuzu["node"]["odd"]["name"], label.as_str());
    let (_, org) = csv_file(&neo.join("nodes-Organisation.csv"));
    assert_eq!(org.iter().find(|r| r[0] == "odd").unwrap()[2], label);
    let gephi = export_dir(&w, "gephi-csv");
    let (_, nodes) = csv_file(&gephi.join("nodes.csv"));
    assert_eq!(
        nodes.iter().find(|r| r[0] == "odd").unwrap()[1],
        format!("'{label}"),
        "the spreadsheet guard"
    );
}

#[test]
fn network_options_shape_the_network() {
    let w = Workdir::shipped();
    let dir = |name: &str, extra: &[&str]| -> (Vec<Vec<String>>, Vec<Vec<String>>) {
        let d = w.path().join(name);
        let mut args = vec![
            "export",
            "--format",
            "gephi-csv",
            "-o",
            d.to_str().unwrap(),
            "--quiet",
        ];
        args.extend(extra);
        w.ok(&args);
        (
            csv_file(&d.join("nodes.csv")).1,
            csv_file(&d.join("edges.csv")).1,
        )
    };
    let (nodes, _) = dir("people", &["--types", "Person"]);
    assert!(!nodes.is_empty() && nodes.iter().all(|n| n[2] == "Person"));
    let (_, edges) = dir("relations", &["--edges", "relations"]);
    assert!(edges
        .iter()
        .all(|e| e[7] != "CO_MENTIONED" && e[2] == "Directed"));
    for kind in [
        "WROTE_TO",
        "MEMBER_OF",
        "HELD_POSITION",
        "SENT_AID_TO",
        "OCCURRED_IN",
    ] {
        assert!(
            edges.iter().any(|e| e[7] == kind),
            "{kind} among the relations"
        );
    }
    // A relation weighs its sources, and carries a passage of one of them.
    let jafc = edges
        .iter()
        .find(|e| e[7] == "MEMBER_OF" && e[0] == "ilya-ehrenburg")
        .expect("Ehrenburg's membership");
    assert_eq!(
        (jafc[1].as_str(), jafc[5].as_str(), jafc[8].as_str()),
        ("jewish-anti-fascist-committee", "1", "1")
    );
    assert!(jafc[9].contains("writer Ilya Ehrenburg"), "{jafc:?}");
    let (_, edges) = dir("heavy", &["--edges", "comentions", "--min-weight", "3"]);
    assert!(
        !edges.is_empty()
            && edges
                .iter()
                .all(|e| e[5].parse::<usize>().unwrap() >= 3 && e[7] == "CO_MENTIONED")
    );
    let (_, wide) = dir(
        "paragraphs",
        &["--edges", "comentions", "--window", "paragraph"],
    );
    let (_, narrow) = dir("sentences", &["--edges", "comentions"]);
    assert!(
        wide.len() > narrow.len(),
        "paragraphs pair more entities than sentences"
    );
    let (nodes, edges) = dir("documents", &["--include-documents"]);
    let documents = nodes.iter().filter(|n| n[2] == "Document").count();
    assert_eq!(documents, 31);
    assert!(edges
        .iter()
        .any(|e| e[7] == "MENTIONED_IN" && e[1] == "doc:molotov-to-sharett-1953-07-15"));
    assert!(edges
        .iter()
        .any(|e| e[7] == "AUTHORED" && e[0] == "vyacheslav-molotov"));
    let err = w.fails(&["export", "--format", "gexf", "--types", "Planet"]);
    assert!(
        err.contains("invalid value 'Planet' for '--types <TYPES>'"),
        "{err}"
    );
    assert!(
        err.contains("person, organisation, place, event, work"),
        "{err}"
    );
    let err = w.fails(&["export", "--format", "gexf", "--window", "chapter"]);
    assert!(err.contains("--window"), "{err}");
}

#[test]
fn network_exports_are_byte_identical_from_run_to_run() {
    let w = Workdir::shipped();
    for format in ["gexf", "graphml", "cypher"] {
        let a = std::fs::read(export_file(&w, format, &[])).unwrap();
        let b = std::fs::read(export_file(&w, format, &["--min-weight", "1"])).unwrap();
        assert_eq!(a, b, "{format}");
    }
}

#[test]
fn the_picture_is_well_formed_svg_with_every_node_once() {
    let w = Workdir::fixture("small");
    let svg = export_file(&w, "svg", &[]);
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(&svg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<?xml") && text.contains("<svg"));
    // One circle per node, each naming its node.
    let (_, nodes) = csv_file(&export_dir(&w, "gephi-csv").join("nodes.csv"));
    let mut circles: Vec<&str> = text
        .split("<circle ")
        .skip(1)
        .filter_map(|tag| tag.split("data-id=\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    circles.sort();
    let mut ids: Vec<&str> = nodes.iter().map(|n| n[0].as_str()).collect();
    ids.sort();
    assert_eq!(circles, ids);
    // The hostile label is text, never markup.
    assert!(!text.contains("<b>"));
    assert!(
        text.contains("&lt;b&gt;O&apos;Brien &amp; Co&lt;/b&gt;")
            || text.contains("&lt;b&gt;O'Brien &amp; Co&lt;/b&gt;")
    );
    assert_eq!(
        std::fs::read(export_file(&w, "svg", &["--min-weight", "1"])).unwrap(),
        text.as_bytes()
    );
}
