//! Derived name variants, nested names and context for shared names, on
//! new texts about people a gazetteer knows (tests/fixtures/newtexts):
//! each mention says how it was found, and each rule can be listed and
//! reviewed.

use crate::util::*;

/// `mentions --format tsv` rows as (document, mention, entity, how, reason).
fn mentions(w: &Workdir, extra: &[&str]) -> Vec<[String; 5]> {
    let mut args = vec!["mentions", "--format", "tsv"];
    args.extend_from_slice(extra);
    let out = w.ok(&args);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (d, m, e, h, r) = (
        col("document"),
        col("mention"),
        col("entity"),
        col("how"),
        col("reason"),
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            [f[d], f[m], f[e], f[h], f[r]].map(str::to_string)
        })
        .collect()
}

fn find<'a>(rows: &'a [[String; 5]], doc: &str, mention: &str) -> Vec<&'a [String; 5]> {
    rows.iter()
        .filter(|r| r[0] == doc && r[1] == mention)
        .collect()
}

fn one<'a>(rows: &'a [[String; 5]], doc: &str, mention: &str) -> &'a [String; 5] {
    let found = find(rows, doc, mention);
    assert_eq!(
        found.len(),
        1,
        "{mention:?} in {doc}: {found:?}\nall: {rows:#?}"
    );
    found[0]
}

fn built() -> Workdir {
    let w = Workdir::fixture("newtexts");
    w.ok(&["build"]);
    w
}

#[test]
fn surnames_and_initials_go_to_the_person_the_document_means() {
    let w = built();
    let rows = mentions(&w, &[]);
    let doc = "brodsky-letter";
    let brodsky: Vec<_> = find(&rows, doc, "Brodsky");
    // "Brodsky" after "Pavel Brodsky" is Pavel; "Mrs. Brodsky" is Anna, the
    // only woman of that surname.
    assert_eq!(brodsky.len(), 2, "{rows:#?}");
    assert_eq!(brodsky[0][2], "pavel-brodsky");
    assert_eq!(brodsky[0][3], "surname");
    assert!(
        brodsky[0][4].contains("named in full earlier"),
        "{:?}",
        brodsky[0]
    );
    assert_eq!(brodsky[1][2], "anna-brodsky");
    assert!(brodsky[1][4].contains("names a woman"), "{:?}", brodsky[1]);
    let a = one(&rows, doc, "A. Brodsky");
    assert_eq!((a[2].as_str(), a[3].as_str()), ("anna-brodsky", "initials"));
    // A surname only one gazetteer person has.
    let k = one(&rows, doc, "Kessler");
    assert_eq!(
        (k[2].as_str(), k[3].as_str()),
        ("rudolf-kessler", "surname")
    );
    assert!(k[4].contains("the only person"), "{k:?}");
    // Two Hales, but one was born after the letter.
    let h = one(&rows, doc, "Hale");
    assert_eq!(h[2], "victor-hale");
    // A surname that is a common word is not linked on its own...
    assert!(find(&rows, doc, "King").is_empty(), "{rows:#?}");
    // ...but is once the document has named the person in full.
    let k = one(&rows, "committee-report", "King");
    assert_eq!((k[2].as_str(), k[3].as_str()), ("theodor-king", "surname"));
}

#[test]
fn a_womans_title_is_not_given_to_a_man() {
    let w = built();
    let rows = mentions(&w, &[]);
    let d = one(&rows, "brodsky-letter", "Delano");
    assert_eq!(d[2], "shared: franklin-delano", "{d:?}");
    assert_eq!(d[3], "shared");
    assert!(d[4].contains("names a woman"), "{d:?}");
    // Two persons of one surname, nothing in the document to choose by.
    let h = one(&rows, "trial-article", "Hale");
    assert_eq!(h[2], "shared: victor-hale|viktor-hale");
    assert!(h[4].contains("several persons"), "{h:?}");
}

#[test]
fn short_forms_a_document_defines_mean_the_full_name_to_its_end() {
    let w = built();
    let rows = mentions(&w, &[]);
    let doc = "committee-report";
    let jac = find(&rows, doc, "JAC");
    assert_eq!(jac.len(), 2, "{rows:#?}");
    for r in &jac {
        assert_eq!(r[2], "jewish-anti-fascist-committee");
        assert_eq!(r[3], "short-form");
        assert!(
            r[4].contains("Jewish Anti-Fascist Committee (JAC)"),
            "{r:?}"
        );
    }
    let wfc = find(&rows, doc, "WFC");
    assert_eq!(wfc.len(), 2, "{rows:#?}");
    assert!(wfc
        .iter()
        .all(|r| r[2] == "world-federation-of-cooperatives"));
    let league = find(&rows, doc, "League");
    assert_eq!(league.len(), 2, "{rows:#?}");
    assert!(league.iter().all(|r| r[2] == "friendship-league"));
    // Other documents do not inherit the definition.
    assert!(find(&rows, "brodsky-letter", "JAC").is_empty());
}

#[test]
fn capitals_spellings_and_nested_names_are_found_and_marked() {
    let w = built();
    let rows = mentions(&w, &[]);
    let doc = "committee-report";
    let head = one(&rows, doc, "JEWISH ANTI-FASCIST COMMITTEE");
    assert_eq!(
        (head[2].as_str(), head[3].as_str()),
        ("jewish-anti-fascist-committee", "case")
    );
    assert_eq!(one(&rows, doc, "TEL AVIV")[3], "case");
    assert_eq!(one(&rows, doc, "Jewish anti-fascist committee")[3], "case");
    let c = one(&rows, "brodsky-letter", "Charetta");
    assert_eq!(
        (c[2].as_str(), c[3].as_str()),
        ("moshe-sharett", "spelling")
    );
    assert!(c[4].contains("similarity"), "{c:?}");
    let o = one(&rows, "trial-article", "Orlinski");
    assert_eq!((o[2].as_str(), o[3].as_str()), ("lev-orlinsky", "spelling"));
    // "Orlinsky" inside "Orlinsky trial": the event and, nested, the man.
    let trial = one(&rows, "trial-article", "Orlinsky trial");
    assert_eq!(trial[2], "orlinsky-trial");
    let nested = one(&rows, "trial-article", "Orlinsky");
    assert_eq!(
        (nested[2].as_str(), nested[3].as_str()),
        ("lev-orlinsky", "surname nested")
    );
    // The store says it too.
    let rows = w.select(
        "PREFIX ans: <https://w3id.org/annalist/ns#> \
         PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> \
         SELECT ?a ?outer WHERE { GRAPH ?g { ?m ans:nestedIn ?o ; nif:anchorOf ?a . ?o nif:anchorOf ?outer } }",
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0][0].contains("Orlinsky") && rows[0][1].contains("Orlinsky trial"),
        "{rows:?}"
    );
}

#[test]
fn a_shared_name_is_decided_by_the_other_mentions() {
    let w = built();
    let rows = mentions(&w, &["--how", "context"]);
    let c = one(&rows, "committee-report", "Central Committee");
    assert_eq!(c[2], "farmers-central-committee");
    assert!(c[4].contains("named elsewhere in this document"), "{c:?}");
    assert!(rows.iter().all(|r| r[3] == "context"), "{rows:#?}");
}

#[test]
fn every_mention_says_how_it_was_found_and_a_reviewer_can_reject_a_derived_one() {
    let w = built();
    let missing = w.select(
        "PREFIX ans: <https://w3id.org/annalist/ns#> \
         PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#> \
         PREFIX time: <http://www.w3.org/2006/time#> \
         SELECT ?m WHERE { GRAPH ?g { ?m itsrdf:taIdentRef ?e FILTER NOT EXISTS { ?m itsrdf:taClassRef time:TemporalEntity } \
         FILTER NOT EXISTS { ?m ans:foundBy ?how } } }",
    );
    assert!(
        missing.is_empty(),
        "mentions without ans:foundBy: {missing:?}"
    );
    // Every derived mention carries its reason; no listed one does.
    let rows = mentions(&w, &[]);
    for r in &rows {
        let derived = r[3] != "listed" && r[3] != "listed nested";
        assert_eq!(derived, !r[4].is_empty(), "{r:?}");
    }
    // --how lists one way only.
    let spellings = mentions(&w, &["--how", "spelling"]);
    assert_eq!(spellings.len(), 2, "{spellings:#?}");
    // Rejecting a derived mention works as for any other.
    w.write(
        "overrides.csv",
        "document,action,quote,occurrence,start,end,entity,note\nbrodsky-letter,reject,Charetta,1,,,,a different person\n",
    );
    w.edit(
        "manifest.toml",
        "gazetteer = \"gazetteer.csv\"",
        "gazetteer = \"gazetteer.csv\"\noverrides = \"overrides.csv\"",
    );
    w.ok(&["build"]);
    let rows = mentions(&w, &[]);
    assert!(
        find(&rows, "brodsky-letter", "Charetta").is_empty(),
        "{rows:#?}"
    );
}

#[test]
fn a_shared_place_name_goes_to_the_place_in_a_country_the_document_names() {
    let w = built();
    let rows = mentions(&w, &[]);
    let r = find(&rows, "village-note", "Rehovka");
    assert_eq!(r.len(), 2, "{rows:#?}");
    for m in r {
        assert_eq!((m[2].as_str(), m[3].as_str()), ("rehovka-south", "context"));
        assert!(
            m[4].contains("lies in Israel, which this document names"),
            "{m:?}"
        );
    }
    // Without the country named, nothing decides: the name stays shared.
    w.edit("texts/village-note.txt", "A note from Israel:", "A note:");
    w.ok(&["build", "--quiet"]);
    let rows = mentions(&w, &[]);
    let r = find(&rows, "village-note", "Rehovka");
    assert!(r.iter().all(|m| m[3] == "shared"), "{r:#?}");
}
