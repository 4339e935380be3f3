//! Portable gazetteers: a gazetteer curated on one corpus builds another.

use crate::util::*;

#[test]
fn aliases_limited_to_other_corpora_documents_are_ignored_with_one_warning() {
    let w = Workdir::fixture("small");
    let gazetteer = w.read("gazetteer.csv");
    w.write(
        "gazetteer.csv",
        format!(
            "{gazetteer}far-1,Person,Far Away,Faraway@elsewhere-1953|F. Away@elsewhere-1954@letter-1,,,\n\
             far-2,Place,Distant Town,Distant@elsewhere-1955,,,\n"
        ),
    );
    let out = w.output(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("limited to documents this corpus does not have"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("2 aliases")
            && warnings[0].contains("\"Faraway@elsewhere-1953\"")
            && warnings[0].contains("\"Distant@elsewhere-1955\""),
        "{stderr}"
    );
    // An alias limited to a document of this corpus and another still
    // applies here.
    assert!(!warnings[0].contains("F. Away"), "{stderr}");
    let strict = w.fails(&["build", "--strict"]);
    assert!(
        strict.contains("gazetteer.csv:") && strict.contains("Faraway@elsewhere-1953"),
        "{strict}"
    );
}

#[test]
fn an_unusable_alias_is_left_out_with_its_line_and_column() {
    let w = Workdir::fixture("small");
    let gazetteer = w.read("gazetteer.csv");
    let line = gazetteer.lines().count() + 1;
    w.write(
        "gazetteer.csv",
        format!("{gazetteer}short-alias,Place,Longer Name,i’|Longer|@letter-1,,,\n"),
    );
    let out = w.output(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let dropped: Vec<&str> = stderr.lines().filter(|l| l.contains("left out")).collect();
    assert_eq!(dropped.len(), 2, "{stderr}");
    assert!(
        dropped[0].contains(&format!("gazetteer.csv:{line}:")),
        "{stderr}"
    );
    assert!(
        dropped[0].contains("\"i’\"") && dropped[1].contains("\"@letter-1\""),
        "{stderr}"
    );
    // The rest of the row is used.
    let names = w.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> \
         SELECT ?n WHERE { ?e skos:altLabel ?n FILTER(STRENDS(STR(?e), \"/short-alias\")) }",
    );
    assert!(names.iter().any(|r| r[0] == "Longer"), "{names:?}");
    let strict = w.fails(&["build", "--strict", "--force"]);
    assert!(
        strict.contains(&format!("gazetteer.csv:{line}:")),
        "{strict}"
    );
}

#[test]
fn structural_gazetteer_errors_stay_errors() {
    let w = Workdir::fixture("small");
    let gazetteer = w.read("gazetteer.csv");
    w.write(
        "gazetteer.csv",
        format!("{gazetteer}bad,Place,Bad Place,,Q12x,somewhere,\n"),
    );
    let err = w.fails(&["build"]);
    assert!(err.contains("not Q followed by digits"), "{err}");
}
