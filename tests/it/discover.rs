//! `annalist discover` on four letters of our own (tests/fixtures/discover):
//! the names a curator would add, none that would mislead.

use crate::util::*;

/// The candidates as rows: name, type, count, variant of, first seen, aliases.
fn candidates(w: &Workdir, extra: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["discover", "--format", "tsv", "--quiet"];
    args.extend_from_slice(extra);
    w.ok(&args)
        .lines()
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn row<'r>(rows: &'r [Vec<String>], name: &str) -> &'r Vec<String> {
    rows.iter()
        .find(|r| r[0] == name)
        .unwrap_or_else(|| panic!("no candidate {name:?} in {rows:?}"))
}

#[test]
fn a_place_name_that_begins_with_new_is_kept_whole() {
    let w = Workdir::fixture("discover");
    let rows = candidates(&w, &[]);
    assert_eq!(row(&rows, "New York")[2], "2");
    assert!(!rows.iter().any(|r| r[0] == "York"), "{rows:?}");
}

#[test]
fn a_person_with_a_title_is_no_organisation() {
    let w = Workdir::fixture("discover");
    let rows = candidates(&w, &[]);
    assert_eq!(row(&rows, "Gilbert Hoover")[1], "Person");
    assert!(
        !rows
            .iter()
            .any(|r| r[0].contains("Navy") || r[0].contains("Commander")),
        "{rows:?}"
    );
}

#[test]
fn adjectives_and_offices_are_not_offered() {
    let w = Workdir::fixture("discover");
    let rows = candidates(&w, &[]);
    assert!(
        !rows
            .iter()
            .any(|r| r[0].contains("Czechoslovakian") || r[0].contains("Secretary")),
        "{rows:?}"
    );
}

#[test]
fn an_acronym_defined_in_parentheses_is_an_alias_of_the_name_before_it() {
    let w = Workdir::fixture("discover");
    let rows = candidates(&w, &[]);
    // Of a new name: one candidate with the acronym as an alias.
    let jac = row(&rows, "Jewish Anti-Fascist Committee");
    assert_eq!(jac[5], "JAC");
    assert_eq!(jac[2], "3", "the name once and the acronym twice");
    assert!(!rows.iter().any(|r| r[0] == "JAC"), "{rows:?}");
    // Of a name the gazetteer has: the build links it as a short form the
    // letter defines, so it is a mention to review, not a candidate.
    assert!(!rows.iter().any(|r| r[0] == "WJC"), "{rows:?}");
    let short = w.ok(&[
        "mentions",
        "--how",
        "short-form",
        "--format",
        "tsv",
        "--quiet",
    ]);
    let wjc: Vec<&str> = short
        .lines()
        .filter(|l| l.split('\t').nth(4) == Some("WJC"))
        .collect();
    assert_eq!(wjc.len(), 2, "{short}");
    assert!(
        wjc.iter().all(|l| l.contains("\tworld-jewish-congress\t")),
        "{short}"
    );
}

#[test]
fn spellings_and_surnames_are_grouped() {
    let w = Workdir::fixture("discover");
    let rows = candidates(&w, &[]);
    let marseille = row(&rows, "Marseille");
    assert_eq!(
        (marseille[2].as_str(), marseille[5].as_str()),
        ("3", "Marseilles")
    );
    let truman = row(&rows, "Harry S. Truman");
    assert_eq!(truman[1], "Person");
    assert_eq!((truman[2].as_str(), truman[5].as_str()), ("3", "Truman"));
    assert!(
        !rows
            .iter()
            .any(|r| r[0] == "Marseilles" || r[0] == "Truman"),
        "{rows:?}"
    );
}

#[test]
fn names_seen_once_are_listed_by_default_and_last() {
    let w = Workdir::fixture("discover");
    let rows = candidates(&w, &[]);
    let ostrava = rows
        .iter()
        .position(|r| r[0] == "Ostrava")
        .expect("Ostrava");
    assert_eq!(rows[ostrava][2], "1");
    assert!(rows[ostrava..].iter().all(|r| r[2] == "1"), "{rows:?}");
    let hidden = candidates(&w, &["--min-count", "2"]);
    assert!(!hidden.iter().any(|r| r[0] == "Ostrava"), "{hidden:?}");
}

#[test]
fn a_type_discover_cannot_tell_is_left_blank_in_the_gazetteer_rows() {
    let w = Workdir::fixture("discover");
    let out = w.path().join("rows.csv");
    w.ok(&["discover", "--quiet", "-o", out.to_str().unwrap()]);
    let (_, rows) = csv_file(&out);
    let ostrava = rows.iter().find(|r| r[2] == "Ostrava").expect("Ostrava");
    assert_eq!(ostrava[1], "", "{ostrava:?}");
    assert!(ostrava[6].starts_with("type unknown: "), "{ostrava:?}");
    let hoover = rows
        .iter()
        .find(|r| r[2] == "Gilbert Hoover")
        .expect("Hoover");
    assert_eq!(hoover[1], "Person");
    let marseille = rows
        .iter()
        .find(|r| r[2] == "Marseille")
        .expect("Marseille");
    assert_eq!(marseille[3], "Marseilles");
    // A row with a blank type does not load until the curator fills it in.
    let mut gazetteer = w.read("gazetteer.csv");
    let mut line = csv::Writer::from_writer(Vec::new());
    line.write_record(ostrava).unwrap();
    gazetteer.push_str(&String::from_utf8(line.into_inner().unwrap()).unwrap());
    w.write("gazetteer.csv", &gazetteer);
    let err = w.fails(&["build"]);
    assert!(err.contains("unknown entity type \"\""), "{err}");
}
