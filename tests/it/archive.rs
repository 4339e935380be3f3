//! A corpus of one's own: documents described by a sheet (documents.csv)
//! and `annalist add` instead of manifest tables, texts nothing describes
//! named in a warning, the query library answering a corpus of other
//! centuries, people, places and kinds of document (tests/fixtures/archive),
//! places on a map read by GDAL, and the whole flow of a new user.

use crate::util::*;
use std::process::Command;

fn rows(w: &Workdir, query: &str, binds: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["query", query, "--format", "csv", "--quiet"];
    for b in binds {
        args.extend(["--bind", b]);
    }
    csv_rows(&w.ok(&args))
}

fn has(rows: &[Vec<String>], cells: &[&str]) -> bool {
    rows.iter()
        .any(|r| cells.iter().all(|c| r.iter().any(|x| x == c)))
}

/// `annalist queries` (name, from, answers), header left out.
fn listed(w: &Workdir) -> Vec<Vec<String>> {
    tsv(&w.ok(&["queries", "--quiet"]))
}

fn tsv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// The names of the library queries, from `annalist queries`.
fn library(w: &Workdir) -> Vec<String> {
    listed(w)
        .into_iter()
        .filter(|r| r[1] == "library")
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn every_library_query_answers_another_corpus() {
    let w = Workdir::fixture("archive");
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let names = library(&w);
    assert!(names.len() >= 15, "{names:?}");
    assert!(
        !names.contains(&"aid".to_string()),
        "aid belongs to the shipped corpus"
    );
    for name in &names {
        let binds: &[&str] = match name.as_str() {
            "concordance" | "profile" => &["entity=skerra"],
            "members" => &["organisation=tern-society"],
            _ => &[],
        };
        let r = rows(&w, name, binds);
        let expect = |ok: bool| assert!(ok, "{name}: {r:?}");
        match name.as_str() {
            "ambiguous" => expect(r.is_empty()),
            "author-mentions" => expect(has(&r, &["Ada Quill", "Port Vell", "2", "1"])),
            "co-mentions" => expect(
                r.iter()
                    .any(|x| x[..2] == ["Great Gale", "Skerra"] && x[5..7] == ["Event", "Place"]),
            ),
            "concordance" => {
                // Five by name, one nested in the report's title.
                expect(r.len() == 6 && r.iter().all(|x| x[6] == "skerra" && x[7] == "Place"))
            }
            "conflicting-claims" => expect(has(
                &r,
                &[
                    "Great Gale",
                    "1874-10-12, Skerra",
                    "gale-1874",
                    "1874-10-14, Skerra",
                    "report-1876",
                ],
            )),
            "correspondence" => expect(
                has(
                    &r,
                    &[
                        "1939-01-14",
                        "Ada Quill",
                        "Brann Osk",
                        "quill-to-osk-1939-01-14",
                        "letter",
                    ],
                ) && has(
                    &r,
                    &[
                        "1939-03",
                        "Brann Osk",
                        "Ada Quill",
                        "osk-to-quill-1939-03",
                        "telegram",
                    ],
                ),
            ),
            "documents" => {
                let dates: Vec<&str> = r.iter().map(|x| x[0].as_str()).collect();
                expect(dates == ["1874-10", "1876-11-30", "1939-01-14", "1939-03"]);
                expect(has(
                    &r,
                    &[
                        "report-1876",
                        "report",
                        "Report on the Skerra Light",
                        "Tern Island Survey Society",
                    ],
                ));
            }
            "entities" => expect(
                r.len() == 10
                    && has(&r, &["Place", "skerra", "Skerra", "6"])
                    && has(&r, &["Event", "great-gale"]),
            ),
            "graphs" => expect(r.iter().filter(|x| x[0].contains("/doc/")).count() == 4),
            "members" => expect(has(
                &r,
                &["tern-society", "Ada Quill", "member", "secretary", "1939"],
            )),
            "places" => {
                // Every place the texts mention, claims or not, most mentioned first.
                expect(r[0][1] == "skerra");
                expect(has(&r, &["Hollin Fell", "hollin-fell", "1", "1"]));
                expect(
                    has(&r, &["Port Vell", "port-vell"])
                        && has(&r, &["Mardle", "mardle", "2", "2"]),
                );
                expect(has(
                    &r,
                    &[
                        "Skerra",
                        "Great Gale (happened here)",
                        "1874-10-12",
                        "gale-1874",
                    ],
                ));
            }
            "profile" => expect(
                has(
                    &r,
                    &["skerra", "mentioned", "2 times", "gale-1874", "Place"],
                ) && has(&r, &["is the object of: occurred in", "Great Gale"]),
            ),
            "relations" => expect(
                r.len() == 5
                    && has(
                        &r,
                        &["Tern Island Survey Society", "located in", "Port Vell"],
                    ),
            ),
            "single-source" => expect(has(
                &r,
                &["hollin-fell", "Hollin Fell", "quill-to-osk-1939-01-14", "1"],
            )),
            "timeline" => {
                expect(has(
                    &r,
                    &["1874-10-12", "event", "Great Gale, Skerra", "gale-1874"],
                ));
                expect(has(&r, &["1939-01-14", "document: letter"]));
                // December 22 in a letter of 14 January 1939: the December before.
                expect(has(
                    &r,
                    &["1938-12-22", "date in the text", "“December 22”"],
                ));
                expect(has(
                    &r,
                    &[
                        "1939-03-03",
                        "date in the text",
                        "“March 3”",
                        "quill-to-osk-1939-01-14",
                    ],
                ));
                expect(r.windows(2).all(|p| p[0][0] <= p[1][0]));
            }
            "unlinked" => expect(r.len() == 10),
            other => panic!("library query {other} has no expected answer here"),
        }
    }
    // A range from --bind, both ends inclusive.
    let r = rows(&w, "timeline", &["from=1939", "to=1939-01"]);
    assert!(
        !r.is_empty()
            && r.iter()
                .all(|x| x[0].as_str() >= "1939" && x[0].as_str() < "1939-02"),
        "{r:?}"
    );
    let r = rows(&w, "timeline", &["to=1876"]);
    assert!(
        !r.is_empty() && r.iter().all(|x| x[0].as_str() < "1877"),
        "{r:?}"
    );
}

#[test]
fn the_shipped_corpus_keeps_its_own_queries() {
    let w = Workdir::shipped();
    let listed = listed(&w);
    assert!(
        listed.iter().any(|r| r[0] == "aid" && r[1] == "corpus"),
        "{listed:?}"
    );
    assert!(listed
        .iter()
        .any(|r| r[0] == "timeline" && r[1] == "library"));
    let r = rows(&w, "aid", &[]);
    assert!(has(&r, &["1943-04-18", "League V", "Red Army"]), "{r:?}");
}

#[test]
fn a_document_sheet_describes_documents_and_start_is_needed_only_for_several() {
    let w = Workdir::fixture("archive");
    let r = rows(&w, "documents", &[]);
    assert_eq!(r.len(), 4);
    // Two documents of one file without start: which one is unclear.
    w.edit("documents.csv", "telegram,1939-03,brann-osk,ada-quill,Skerra papers box 3,en,\"undated, the month from the postmark\",TELEGRAM FROM B. OSK,", "telegram,1939-03,brann-osk,ada-quill,Skerra papers box 3,en,,,");
    let err = w.fails(&["build"]);
    assert!(
        err.contains("documents.csv:3:")
            && err.contains("has no start, but file \"texts/letters-1939.txt\" holds 2 documents"),
        "{err}"
    );
    // A [[document]] of a file that holds one document needs no start either.
    let w = Workdir::fixture("archive");
    std::fs::remove_file(w.corpus().join("documents.csv")).unwrap();
    std::fs::remove_file(w.corpus().join("relations.csv")).unwrap();
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!("{manifest}\n[[document]]\nid = \"gale\"\nfile = \"texts/gale-1874.txt\"\ntitle = \"Gale\"\nkind = \"note\"\ndate = \"1874-10\"\n"),
    );
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The two texts nothing describes are named, with the fix.
    assert!(
        stderr.contains("2 text files under")
            && stderr.contains("texts/letters-1939.txt, texts/report-1876.txt")
            && stderr.contains("annalist add"),
        "{stderr}"
    );
    // And again when nothing is built.
    let out = w.output(&["query", "documents", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("texts/report-1876.txt"));
    assert_eq!(csv_rows(&String::from_utf8_lossy(&out.stdout)).len(), 1);
}

#[test]
fn add_copies_texts_in_and_records_them() {
    let w = Workdir::fixture("archive");
    w.ok(&["build", "--quiet"]);
    let outside = w.path().join("letter-1940.txt");
    std::fs::write(
        &outside,
        "Port Vell, 2 February 1940\n\nOn January 30 the Survey Society sailed to Mardle.\n",
    )
    .unwrap();
    let file = outside.to_str().unwrap();
    // A wrong author changes nothing.
    let err = w.fails(&["add", file, "--author", "nobody", "--date", "1940-02-02"]);
    assert!(
        err.contains("documents.csv:6:") && err.contains("\"nobody\""),
        "{err}"
    );
    assert!(!w.corpus().join("texts/letter-1940.txt").exists());
    assert_eq!(w.read("documents.csv").lines().count(), 5);
    let err = w.fails(&["add", file, "--date", "2 Feb 1940"]);
    assert!(err.contains("not an ISO 8601 date"), "{err}");
    // Hostile metadata survives as written.
    let title = "Letter, \"urgent\" =1+1 <b>";
    w.ok(&[
        "add",
        file,
        "--title",
        title,
        "--kind",
        "letter",
        "--date",
        "1940-02-02",
        "--author",
        "ada-quill",
        "--recipient",
        "brann-osk",
        "--recipient",
        "elias-osk",
        "--source",
        "box 4",
    ]);
    assert!(w.corpus().join("texts/letter-1940.txt").is_file());
    let r = rows(&w, "documents", &[]);
    let added = r
        .iter()
        .find(|x| x[1] == "letter-1940")
        .expect("the letter is in");
    assert_eq!(
        added[..5],
        ["1940-02-02", "letter-1940", "letter", title, "Ada Quill"]
    );
    assert!(
        added[5].contains("Brann Osk") && added[5].contains("Elias Osk"),
        "{added:?}"
    );
    // January 30 in a letter of 2 February 1940.
    let r = rows(&w, "timeline", &["from=1940"]);
    assert!(has(&r, &["1940-01-30", "date in the text"]), "{r:?}");
    // The same file again is refused; a file already in the corpus is described where it is.
    let err = w.fails(&["add", file]);
    assert!(err.contains("already described"), "{err}");
    w.write("texts/later.txt", "A later note on Skerra.\n");
    let out = w.output(&["build"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("texts/later.txt"));
    w.ok(&[
        "add",
        w.corpus().join("texts/later.txt").to_str().unwrap(),
        "--kind",
        "note",
    ]);
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("warning"),
        "{stderr}"
    );
    assert_eq!(rows(&w, "documents", &[]).len(), 6);
}

/// What GDAL's `ogrinfo` reads in a vector file: the feature count, the
/// fields (name, type) and each feature's cells (with `geometry`).
struct Ogr {
    count: usize,
    fields: Vec<(String, String)>,
    features: Vec<std::collections::HashMap<String, String>>,
}

fn ogrinfo(path: &std::path::Path) -> Ogr {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al"])
        .arg(path)
        .output()
        .expect("ogrinfo (gdal-bin) is installed by scripts/test");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success() && text.contains("using driver `GeoJSON' successful"),
        "ogrinfo rejected {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut ogr = Ogr {
        count: 0,
        fields: Vec::new(),
        features: Vec::new(),
    };
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("Feature Count: ") {
            ogr.count = n.trim().parse().unwrap();
        } else if line.starts_with("OGRFeature(") {
            ogr.features.push(Default::default());
        } else if let (Some(cell), Some(feature)) =
            (line.strip_prefix("  "), ogr.features.last_mut())
        {
            match cell.split_once(") = ") {
                Some((name, value)) => {
                    let name = name.split_once(" (").map_or(name, |(n, _)| n);
                    feature.insert(name.to_string(), value.to_string());
                }
                None => {
                    feature.insert("geometry".into(), cell.trim().to_string());
                }
            }
        } else if ogr.features.is_empty() && !line.starts_with(' ') {
            if let Some((name, kind)) = line.split_once(": ") {
                if let Some((kind, _)) = kind.split_once(" (") {
                    if !name.contains(' ') {
                        ogr.fields.push((name.to_string(), kind.to_string()));
                    }
                }
            }
        }
    }
    ogr
}

#[test]
fn places_go_on_a_map_that_gdal_reads() {
    let w = Workdir::fixture("archive");
    let path = w.path().join("places.geojson");
    w.ok(&[
        "export",
        "--format",
        "geojson",
        "-o",
        path.to_str().unwrap(),
        "--quiet",
    ]);
    let again = w.ok(&["export", "--format", "geojson", "--quiet"]);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        again,
        "same store, same bytes"
    );
    let ogr = ogrinfo(&path);
    assert_eq!(ogr.count, 4, "one feature per place");
    assert_eq!(ogr.features.len(), 4);
    for (name, kind) in [
        ("id", "String"),
        ("label", "String"),
        ("wikidata", "String"),
        ("mentions", "Integer"),
        ("documents", "StringList"),
        ("dates", "StringList"),
    ] {
        assert!(
            ogr.fields.contains(&(name.to_string(), kind.to_string())),
            "{name} in {:?}",
            ogr.fields
        );
    }
    let feature = |id: &str| {
        ogr.features
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {:?}", ogr.features))
    };
    let skerra = feature("skerra");
    assert_eq!(skerra["geometry"], "POINT (-7.1233 58.6021)");
    assert_eq!(
        skerra["mentions"], "6",
        "with the one nested in the report's title"
    );
    assert_eq!(skerra["wikidata"], "(null)");
    assert!(skerra["documents"].starts_with("(4:"), "{skerra:?}");
    assert!(skerra["dates"].starts_with("(4:1874-10,"), "{skerra:?}");
    let fell = feature("hollin-fell");
    assert!(
        !fell.contains_key("geometry"),
        "no coordinates, no geometry: {fell:?}"
    );
    assert_eq!(fell["documents"], "(1:quill-to-osk-1939-01-14)");
    // The RDF: a GeoSPARQL geometry with a WKT point, longitude first.
    let r = w.select(
        "PREFIX geo: <http://www.opengis.net/ont/geosparql#>
         SELECT ?wkt (DATATYPE(?wkt) AS ?type) WHERE { ?p geo:hasGeometry ?g . ?g a geo:Geometry ; geo:asWKT ?wkt } ORDER BY ?wkt",
    );
    assert_eq!(r.len(), 3);
    assert!(
        has(
            &r,
            &[
                "POINT(-7.1233 58.6021)",
                "http://www.opengis.net/ont/geosparql#wktLiteral"
            ]
        ),
        "{r:?}"
    );
}

#[test]
fn a_new_user_brings_a_corpus_of_their_own() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("mine");
    let run = |args: &[&str]| {
        let out = Command::new(bin())
            .args(args)
            .arg("--corpus")
            .arg(&dir)
            .current_dir(scratch.path())
            .env_remove("ANNALIST_CORPUS")
            .env_remove("ANNALIST_STORE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "annalist {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let out = Command::new(bin()).arg("init").arg(&dir).output().unwrap();
    assert!(out.status.success());
    // Their gazetteer, with coordinates, and a sheet for two letters.
    let archive = repo().join("tests/fixtures/archive");
    std::fs::copy(archive.join("gazetteer.csv"), dir.join("gazetteer.csv")).unwrap();
    std::fs::copy(
        archive.join("texts/letters-1939.txt"),
        dir.join("texts/letters-1939.txt"),
    )
    .unwrap();
    std::fs::write(
        dir.join("documents.csv"),
        "file,id,title,kind,date,authors,recipients,start\n\
         texts/letters-1939.txt,quill-to-osk,Letter,letter,1939-01-14,ada-quill,brann-osk,LETTER FROM\n\
         texts/letters-1939.txt,osk-to-quill,Telegram,telegram,1939-03,brann-osk,ada-quill,TELEGRAM FROM\n",
    )
    .unwrap();
    // A text of the 1870s, added from elsewhere.
    let note = scratch.path().join("gale-1874.txt");
    std::fs::copy(archive.join("texts/gale-1874.txt"), &note).unwrap();
    run(&[
        "add",
        note.to_str().unwrap(),
        "--kind",
        "note",
        "--date",
        "1874-10",
        "--author",
        "elias-osk",
    ]);
    let (_, stderr) = run(&["build"]);
    assert!(stderr.contains("3 documents"), "{stderr}");
    let (listed, _) = run(&["queries"]);
    for name in tsv(&listed).iter().map(|r| r[0].clone()) {
        let mut args = vec!["query", name.as_str(), "--format", "csv", "--quiet"];
        if matches!(name.as_str(), "concordance" | "profile") {
            args.extend(["--bind", "entity=skerra"]);
        }
        if name == "members" {
            args.extend(["--bind", "organisation=tern-society"]);
        }
        run(&args);
    }
    let (timeline, _) = run(&["query", "timeline", "--format", "csv"]);
    let timeline = csv_rows(&timeline);
    assert!(
        has(&timeline, &["1874-10", "document: note"]),
        "{timeline:?}"
    );
    assert!(
        has(&timeline, &["1938-12-22", "date in the text"]),
        "{timeline:?}"
    );
    let (places, _) = run(&["query", "places", "--format", "csv"]);
    assert!(has(
        &csv_rows(&places),
        &["Hollin Fell", "hollin-fell", "1"]
    ));
    // Exports: tables, RDF, the map.
    let tables = scratch.path().join("tables");
    run(&[
        "export",
        "--format",
        "csv",
        "-o",
        tables.to_str().unwrap(),
        "--quiet",
    ]);
    let (header, mentions) = csv_file(&tables.join("mentions.csv"));
    assert_eq!(header[4], "type");
    assert!(mentions.iter().any(|m| m[5] == "skerra" && m[4] == "Place"));
    let (turtle, _) = run(&["export", "--format", "turtle", "--quiet"]);
    assert!(turtle.contains("POINT(-7.1233 58.6021)"));
    let map = scratch.path().join("map.geojson");
    run(&[
        "export",
        "--format",
        "geojson",
        "-o",
        map.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(ogrinfo(&map).count, 4);
}

#[test]
fn a_hostile_place_label_survives_the_map() {
    let w = Workdir::fixture("archive");
    let label = "Fell \"=1+1\" <b>&amp;</b>,\nback\\slash 😀";
    let gazetteer = w.read("gazetteer.csv");
    w.write(
        "gazetteer.csv",
        gazetteer.replace(
            "hollin-fell,Place,Hollin Fell,,",
            &format!(
                "hollin-fell,Place,\"{}\",Hollin Fell,",
                label.replace('"', "\"\"")
            ),
        ),
    );
    let json = w.ok(&["export", "--format", "geojson", "--quiet"]);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let fell = parsed["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "hollin-fell")
        .unwrap();
    assert_eq!(fell["properties"]["label"], label);
    assert!(fell["geometry"].is_null());
    let path = w.path().join("map.geojson");
    std::fs::write(&path, &json).unwrap();
    assert_eq!(ogrinfo(&path).count, 4);
}

#[test]
fn a_folder_names_the_texts_it_leaves_out_and_only_those() {
    let w = Workdir::fixture("small");
    let archive = w.corpus().join("archive/1953");
    std::fs::create_dir_all(&archive).unwrap();
    w.write("archive/1953/a.txt", "Molotov wrote to Sharett.\n");
    // A link to nothing, and a link to a text the manifest describes
    // itself: neither is a document of the folder, both are named.
    std::os::unix::fs::symlink("gone.txt", archive.join("dangling.txt")).unwrap();
    std::os::unix::fs::symlink("../../texts/article.txt", archive.join("again.txt")).unwrap();
    // A text outside every folder, and a hidden one inside: the first is
    // named, the second skipped.
    w.write("stray.txt", "Nobody describes this file.\n");
    w.write("archive/1953/.draft.txt", "A hidden draft.\n");
    let manifest = w.read("manifest.toml");
    w.write(
        "manifest.toml",
        format!("{manifest}\n[[folder]]\npath = \"archive\"\nkind = \"note\"\n"),
    );
    let out = w.output(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("3 text files under")
            && stderr.contains("archive/1953/again.txt, archive/1953/dangling.txt, stray.txt"),
        "{stderr}"
    );
    let ids = csv_rows(&w.ok(&["query", "documents", "--format", "csv", "--quiet"]));
    assert!(
        ids.iter().any(|r| r.iter().any(|c| c == "archive-1953-a")),
        "{ids:?}"
    );
}
