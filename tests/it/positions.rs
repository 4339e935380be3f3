//! Positions: every input file's errors name the line and column of the
//! cell at fault, whether its lines end in LF or CRLF, and whatever rows
//! come before (a quoted cell over two lines included).

use crate::util::*;

/// `text` with its line ends as `crlf` says.
fn ends(text: &str, crlf: bool) -> String {
    let lf = text.replace("\r\n", "\n");
    if crlf {
        lf.replace('\n', "\r\n")
    } else {
        lf
    }
}

/// Writes `file` of the `fixture` (with `from` replaced by `to`) in LF and
/// in CRLF, runs `args` and expects `place` (`file:line:column`) and `what`.
fn at(fixture: &str, file: &str, from: &str, to: &str, args: &[&str], place: &str, what: &str) {
    for crlf in [false, true] {
        let w = Workdir::fixture(fixture);
        let text = std::fs::read_to_string(w.corpus().join(file)).unwrap_or_default();
        let text = if from.is_empty() {
            to.to_string()
        } else {
            assert!(text.contains(from), "{file} has no {from:?}");
            text.replacen(from, to, 1)
        };
        w.write(file, ends(&text, crlf));
        let err = w.fails(args);
        let name = if crlf { "CRLF" } else { "LF" };
        assert!(
            err.contains(&format!("{place}: ")) && err.contains(what),
            "{name}: expected {place} and {what:?} in:\n{err}"
        );
    }
}

#[test]
fn gazetteer_cells() {
    // Row 10 follows a row whose label runs over two lines.
    at(
        "small",
        "gazetteer.csv",
        "sofia,Place,Sofia,,Q472,",
        "sofia,Place,Sofia,,X472,",
        &["build"],
        "gazetteer.csv:10:20",
        "\"X472\" is not Q followed by digits",
    );
    at(
        "small",
        "gazetteer.csv",
        "stalins-death,Event,Death of Stalin,,,,",
        "stalins-death,Event,Death of Stalin,,Q1,,",
        &["build"],
        "gazetteer.csv:13:41",
        "has no wikidata_source",
    );
}

#[test]
fn gazetteer_coordinates() {
    at(
        "archive",
        "gazetteer.csv",
        "a harbour,57.9907,-6.9011",
        "a harbour,57.9907,-186.9",
        &["build"],
        "gazetteer.csv:9:42",
        "longitude \"-186.9\" is not decimal degrees",
    );
    at(
        "archive",
        "gazetteer.csv",
        "a harbour,57.9907,-6.9011",
        "a harbour,57.9907,",
        &["build"],
        "gazetteer.csv:9:42",
        "latitude without longitude",
    );
}

#[test]
fn relations_cells() {
    at(
        "small",
        "relations.csv",
        "slansky,1953-04,letter-2",
        "slansky,April 1953,letter-2",
        &["build"],
        "relations.csv:4:19",
        "not an ISO 8601 date",
    );
}

#[test]
fn overrides_cells() {
    at(
        "small",
        "overrides.csv",
        "",
        "document,action,quote,occurrence,start,end,entity,note\n\
         letter-1,reject,Charette,,,,,fine\n\
         letter-1,frobnicate,Charette,,,,,bad\n",
        &["build"],
        "overrides.csv:3:10",
        "unknown action \"frobnicate\"",
    );
}

#[test]
fn gold_cells() {
    at(
        "small",
        "gold.csv",
        "",
        "document,start,end,text,type,entity\n\
         letter-1,12,24,V.M. MOLOTOV,Person,molotov\n\
         letter-1,28,38,M. SHARETT,Thing,sharett\n",
        &["evaluate"],
        "gold.csv:3:27",
        "type \"Thing\" is not scored",
    );
}

#[test]
fn document_sheet_cells() {
    at(
        "archive",
        "documents.csv",
        "note,1874-10,elias-osk",
        "note,October 1874,elias-osk",
        &["build"],
        "documents.csv:4:72",
        "not an ISO 8601 date",
    );
}

#[test]
fn manifest_values() {
    at(
        "small",
        "manifest.toml",
        "date = \"1953-04\"",
        "date = \"April 1953\"",
        &["build"],
        "manifest.toml:31:8",
        "not an ISO 8601 date",
    );
}
