//! Names nobody listed (tests/fixtures/unlisted): people after a title or
//! initials, places, organisations and periodicals by their head words,
//! hyphenated streets and towns, recognised as typed, unlinked, unreviewed
//! mentions that `mentions` and `discover` list and overrides reject.

use crate::util::*;

/// `mentions --format tsv` rows as (mention, entity, type, wikidata, how, reason).
fn mentions(w: &Workdir, extra: &[&str]) -> Vec<[String; 6]> {
    let mut args = vec!["mentions", "--format", "tsv"];
    args.extend_from_slice(extra);
    let out = w.ok(&args);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let cols = ["mention", "entity", "type", "wikidata", "how", "reason"].map(col);
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            cols.map(|c| f[c].to_string())
        })
        .collect()
}

fn built() -> Workdir {
    let w = Workdir::fixture("unlisted");
    w.ok(&["build"]);
    w
}

#[test]
fn unlisted_names_are_typed_unlinked_and_say_their_rule() {
    let w = built();
    let rows = mentions(&w, &["--how", "unlisted"]);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Music Hall", "Place"),
            ("Albion-street", "Place"),
            ("Josiah Pettigrew", "Person"),
            ("T. B. Simpson", "Person"),
            ("Ravensby Mechanics Institute", "Organisation"),
            ("Wm. Coldharbour", "Person"),
            ("Barrow-in-Furness", "Place"),
            ("Ravensby Intelligencer", "Work"),
        ]
    );
    for r in &rows {
        assert_eq!(r[1], "unlisted", "{r:?}");
        assert!(
            r[3].is_empty(),
            "an unlisted name has no Wikidata id: {r:?}"
        );
        assert_eq!(r[4], "unlisted");
        assert!(!r[5].is_empty(), "each says its rule: {r:?}");
    }
    let reason = |name: &str| &rows.iter().find(|r| r[0] == name).unwrap()[5];
    assert!(reason("Josiah Pettigrew").contains("title \"Mr.\""));
    assert!(reason("Albion-street").contains("street"));
}

#[test]
fn the_gazetteer_names_come_first() {
    let w = built();
    let rows = mentions(&w, &[]);
    let of = |name: &str| -> Vec<(&str, &str)> {
        rows.iter()
            .filter(|r| r[0] == name)
            .map(|r| (r[1].as_str(), r[4].as_str()))
            .collect()
    };
    // A listed person is no unlisted name, even after a title.
    assert_eq!(of("John Marlow"), [("john-marlow", "listed")]);
    // A place inside an organisation's or a periodical's name stays,
    // nested in it; a place inside a person's name is no place.
    assert_eq!(
        of("Ravensby"),
        [
            ("ravensby", "listed"),
            ("ravensby", "listed nested"),
            ("ravensby", "listed nested")
        ]
    );
    assert!(of("Coldharbour").is_empty(), "{rows:#?}");
}

#[test]
fn discover_lists_them_typed_and_overrides_reject_them() {
    let w = built();
    let out = w.ok(&["discover", "--format", "tsv", "--quiet"]);
    let typed = |name: &str| -> String {
        out.lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|f| f[0] == name)
            .unwrap_or_else(|| panic!("no candidate {name:?} in {out}"))[1]
            .to_string()
    };
    assert_eq!(typed("Albion-street"), "Place");
    assert_eq!(typed("T. B. Simpson"), "Person");
    assert_eq!(typed("Ravensby Intelligencer"), "Work");

    w.write(
        "overrides.csv",
        "document,action,quote,occurrence,start,end,entity,note\n\
         dinner-report,reject,Josiah Pettigrew,1,,,,a guest's misreading\n",
    );
    w.ok(&["build"]);
    let rows = mentions(&w, &["--how", "unlisted"]);
    assert!(rows.iter().all(|r| r[0] != "Josiah Pettigrew"), "{rows:#?}");
    assert_eq!(rows.len(), 7);
}

#[test]
fn in_rdf_an_unlisted_name_has_a_class_and_no_link() {
    let w = built();
    let rows = w.select(
        "PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
         PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
         PREFIX ans: <https://w3id.org/annalist/ns#>
         SELECT ?text ?class ?link WHERE {
           ?s ans:foundBy ans:unlistedName ; nif:anchorOf ?text ; itsrdf:taClassRef ?class .
           OPTIONAL { ?s itsrdf:taIdentRef ?link }
         } ORDER BY ?text",
    );
    assert_eq!(rows.len(), 8, "{rows:?}");
    let albion = rows.iter().find(|r| r[0] == "Albion-street").unwrap();
    assert_eq!(albion[1], "http://schema.org/Place");
    assert!(rows.iter().all(|r| r[2].is_empty()), "{rows:?}");
}

#[test]
fn a_manifest_can_turn_the_recogniser_off() {
    let w = built();
    assert_eq!(mentions(&w, &["--how", "unlisted"]).len(), 8);
    w.edit(
        "manifest.toml",
        "gazetteer = \"gazetteer.csv\"",
        "gazetteer = \"gazetteer.csv\"\nunlisted_names = false",
    );
    w.ok(&["build"]);
    assert!(mentions(&w, &["--how", "unlisted"]).is_empty());
    // The gazetteer's names are as they were: the place in a person's name
    // is found again, the places in the periodical's name are not nested.
    let rows = mentions(&w, &[]);
    assert!(rows
        .iter()
        .any(|r| r[0] == "Coldharbour" && r[1] == "coldharbour"));
    assert!(rows.iter().all(|r| r[4] == "listed"), "{rows:#?}");
}

#[test]
fn the_reading_view_marks_them_as_neither_linked_nor_reviewed() {
    let w = built();
    let site = w.path().join("site");
    w.ok(&[
        "export",
        "--format",
        "html",
        "-o",
        site.to_str().unwrap(),
        "--quiet",
    ]);
    let out = std::process::Command::new(python())
        .arg(repo().join("tests/clients/site_check.py"))
        .arg(&site)
        .output()
        .expect("python runs site_check.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problems"], serde_json::json!([]));
    // Every name `mentions --how unlisted` lists is marked on its
    // document's page, over exactly its characters, with its type and rule.
    let rows = mentions(&w, &["--how", "unlisted"]);
    let mut marked: Vec<(String, String, String)> = Vec::new();
    for list in v["unlisted"].as_object().unwrap().values() {
        for u in list.as_array().unwrap() {
            let classes = u[3].as_str().unwrap();
            assert!(classes.split(' ').any(|c| c == "unlisted"), "{u}");
            let kind = classes
                .split(' ')
                .find_map(|c| c.strip_prefix("t-"))
                .expect("a type class");
            marked.push((
                u[2].as_str().unwrap().to_string(),
                kind.to_string(),
                u[4].as_str().unwrap().to_string(),
            ));
        }
    }
    // A listed name inside one keeps its link ("Ravensby" in "Ravensby
    // Mechanics Institute"): the rest of the name is marked around it.
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for r in &rows {
        let pieces: Vec<&(String, String, String)> = marked
            .iter()
            .filter(|(text, kind, title)| {
                *kind == r[2] && title.contains(&r[5]) && words(&r[0]).contains(&words(text))
            })
            .collect();
        assert!(!pieces.is_empty(), "{r:?} is not marked: {marked:?}");
        for (_, _, title) in pieces {
            assert!(title.contains("not linked"), "{title}");
            assert!(title.contains("not reviewed"), "{title}");
        }
    }
    assert!(
        marked
            .iter()
            .any(|(text, kind, _)| text == "Music Hall" && kind == "Place"),
        "a name with no link inside is marked whole: {marked:?}"
    );
    assert!(
        marked
            .iter()
            .any(|(text, kind, _)| text == "Mechanics Institute" && kind == "Organisation"),
        "{marked:?}"
    );
    // No mark of theirs is a link.
    for page in v["mentions"].as_object().unwrap().values() {
        for m in page.as_array().unwrap() {
            assert!(
                !rows.iter().any(|r| r[0] == m[2].as_str().unwrap()),
                "an unlisted name became a link: {m}"
            );
        }
    }
}

#[test]
fn a_title_takes_a_listed_place_and_prepositions_and_kinds_name_places() {
    let w = Workdir::fixture("unlisted");
    w.write(
        "texts/county-news.txt",
        "The Duke of Ravensby and Captain Coldharbour came to the village of \
         Ibsley,\nnear Delph, from Herefordshire. The boat was let to Hire at \
         Ravensby; boats for hire\nstand at Christmas in the Town of Fernleigh.\n",
    );
    w.edit(
        "manifest.toml",
        "title = \"A dinner at Ravensby\"",
        "title = \"A dinner at Ravensby\"\n\n[[document]]\nid = \"county-news\"\n\
         file = \"texts/county-news.txt\"\nkind = \"article\"\ndate = \"1838-12-01\"\n\
         title = \"County news\"",
    );
    w.ok(&["build"]);
    let rows: Vec<[String; 6]> = mentions(&w, &["--doc", "county-news"]);
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            // A title of the peerage: the place is part of a person's name.
            ("Duke of Ravensby", "unlisted", "Person"),
            // A title before a name the gazetteer gives a place.
            ("Coldharbour", "unlisted", "Person"),
            // The kind of place before `of`, `near`, a county's `-shire`.
            ("Ibsley", "unlisted", "Place"),
            ("Delph", "unlisted", "Place"),
            ("Herefordshire", "unlisted", "Place"),
            // `Hire` is written in lower case too; the listed place stays.
            ("Ravensby", "ravensby", "Place"),
            // `Town of` says what kind of place Fernleigh is.
            ("Fernleigh", "unlisted", "Place"),
        ],
        "{rows:#?}"
    );
    let reason = |name: &str| &rows.iter().find(|r| r[0] == name).unwrap()[5];
    assert!(reason("Duke of Ravensby").contains("peerage"));
    assert!(reason("Ibsley").contains("village of"));
    assert!(reason("Delph").contains("\"near\""));
    assert!(reason("Herefordshire").contains("-shire"));
    assert!(reason("Fernleigh").contains("Town of"));
}
