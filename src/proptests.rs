//! Property tests of the input parsers (manifest, gazetteer, claims,
//! overrides, gold standard, `--bind` values) and of the recogniser of
//! names nobody listed: generated inputs, built
//! from the fragments that matter to each format (separators, quotes, line
//! ends, byte-order marks, NUL, ids, paths that lead out) mixed with
//! arbitrary text.
//!
//! Invariant checked: a parser never panics on any input, and an error
//! about the input names that file, with a line and column inside it, a
//! message and a fix; the recogniser's names lie inside the ranges it is
//! given, on character boundaries, apart and in order. Case counts are bounded so the whole harness runs in
//! seconds (no nightly toolchain is needed, unlike cargo-fuzz).

use crate::error::Error;
use crate::export::annotations::{Annotated, Document};
use crate::input::corpus::Corpus;
use crate::input::gazetteer::Gazetteer;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Cases per property: enough to find the shallow faults, few enough to
/// keep the harness in seconds.
fn config() -> ProptestConfig {
    ProptestConfig {
        // PROPTEST_CASES raises it for a longer hunt.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Fragments every format shares.
const COMMON: &[&str] = &[
    ",",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    "|",
    "@",
    " ",
    "\t",
    "\u{feff}",
    "\u{0}",
    "\u{1b}",
    "é",
    "😀",
    "=",
    "#",
    "[",
    "]",
    "'",
    "\\",
    "..",
    "/",
    "Q",
    "Q42",
    "0",
    "-1",
    "1953-07-15",
];

/// A text made of `fragments` and arbitrary strings.
fn text_of(fragments: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(fragments).prop_map(str::to_string),
        3 => prop::sample::select(COMMON).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Checks that `err`, an error about `path` holding `text`, carries the
/// place and the fix the error invariant promises.
fn placed(err: &Error, path: &Path, text: &str) -> Result<(), TestCaseError> {
    let Error::Input(e) = err else {
        return Err(TestCaseError::fail(format!("not an input error: {err:?}")));
    };
    prop_assert_eq!(&e.path, path, "{}", err);
    prop_assert!(!e.message.is_empty() && !e.fix.is_empty(), "{}", err);
    if let Some(p) = e.position {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(
            p.line >= 1 && p.line <= lines.len(),
            "line {} of {}: {}",
            p.line,
            lines.len(),
            err
        );
        let width = lines[p.line - 1].chars().count();
        prop_assert!(
            p.column >= 1 && p.column <= width + 1,
            "column {} of {}: {}",
            p.column,
            width,
            err
        );
    }
    Ok(())
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small")
}

fn small() -> (Corpus, Gazetteer) {
    let corpus = Corpus::load(&fixture()).expect("the fixture corpus loads");
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path).expect("its gazetteer loads");
    (corpus, gazetteer)
}

/// Names of the small fixture's gazetteer, their variants, and the marks
/// the derivations read around them.
const NAMES: &[&str] = &[
    "Molotov",
    "MOLOTOV",
    "V.M. Molotov",
    "Vyacheslav Molotov",
    "Sharett",
    "Charetta",
    "Moshe",
    "Razin",
    "B. ",
    "Mrs. ",
    "Comrade ",
    "Slánský",
    "SLÁNSKÝ",
    "Tel Aviv",
    "Death of Stalin",
    "Stalin",
    " (",
    ")",
    "(DS)",
    "“the Death”",
    "\"",
    "…",
    "é",
    "\n",
    ". ",
    ", ",
    " ",
    "-",
    "1953",
];

const MANIFEST: &[&str] = &[
    "[corpus]\n",
    "title = \"t\"\n",
    "base_iri = \"https://example.org/c/\"\n",
    "base_iri = \"nope\"\n",
    "[[document]]\n",
    "[[file]]\n",
    "[[folder]]\n",
    "id = \"a\"\n",
    "id = \"b\"\n",
    "file = \"texts/a.txt\"\n",
    "file = \"texts/../texts/a.txt\"\n",
    "file = \"../outside.txt\"\n",
    "file = \"/etc/hostname\"\n",
    "path = \"texts\"\n",
    "path = \"texts/a.txt\"\n",
    "path = \"..\"\n",
    "start = \"Hello\"\n",
    "start = \"Second\"\n",
    "end = \"Second\"\n",
    "within = \"a\"\n",
    "within = \"b\"\n",
    "kind = \"letter\"\n",
    "kind = \"nope\"\n",
    "title = \"x\"\n",
    "date = \"1953-02-29\"\n",
    "authors = [\"molotov\"]\n",
    "= ",
    "\"",
];

const GAZETTEER: &[&str] = &[
    "id,type,label,aliases,wikidata,wikidata_source,description\n",
    "id,type,label\n",
    "molotov,Person,Vyacheslav Molotov,Molotov|V. Molotov@a,Q132899,src,\n",
    "x,Place,X,,,,\n",
    "Person",
    "Organisation",
    "Place",
    "Molotov",
    "Molotov@letter-1",
    "aliases",
    ",,,,,,\n",
];

const RELATIONS: &[&str] = &[
    "subject,relation,object,date,source,quote,role,note\n",
    "molotov,wrote-to,sharett,1953-07-15,letter-1,V. Molotov,,\n",
    "molotov",
    "sharett",
    "wrote-to",
    "member-of",
    "letter-1",
    "greeting",
    "1953/1941",
    "1941/1953",
    "Razin met Slansky",
];

/// Fragments of old prose for the recogniser of names nobody listed:
/// titles, `of`, prepositions, head words, kinds of place, hyphens,
/// possessives and capitals.
const UNLISTED: &[&str] = &[
    "Duke ",
    "Lord ",
    "Captain ",
    "Mr. ",
    "Wm. ",
    "T. B. ",
    "Esq.",
    ", ",
    " of ",
    " at ",
    " near ",
    " the ",
    "Town ",
    "village ",
    "Parish ",
    "Norfolk",
    "Ravensby",
    "Herefordshire",
    "shire",
    "Hall",
    "street",
    "-street",
    "-in-",
    "Intelligencer",
    "Bills of Exchange",
    "'s",
    "’s",
    "Amsterdam",
    "NEW YORK",
    "é",
    "\n",
    ". ",
    " ",
];

const OVERRIDES: &[&str] = &[
    "document,action,quote,occurrence,start,end,entity,note\n",
    "letter-2,add,Sofia,1,,,sofia,\n",
    "letter-2,reject,Razin,2,,,,\n",
    "letter-1,relink,Charette,,10,18,sharett,\n",
    "add",
    "reject",
    "relink",
    "letter-1",
    "99999999999999999999",
];

const GOLD: &[&str] = &[
    "document,start,end,text,type,entity\n",
    "a,6,13,Molotov,Person,molotov\n",
    "a,0,5,Hello,Place,\n",
    "a",
    "Person",
    "molotov",
    "18446744073709551616",
];

const BIND: &[&str] = &[
    "entity",
    "=",
    "<",
    ">",
    "http://x/",
    "\"",
    "@en",
    "^^",
    "<http://www.w3.org/2001/XMLSchema#gYear>",
    "?",
    "$",
    "1953",
    " ",
    "\\u0000",
    "\\",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn manifests_never_panic_and_errors_are_placed(text in text_of(MANIFEST)) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(corpus.join("texts")).unwrap();
        std::fs::write(corpus.join("texts/a.txt"), "Hello Molotov.\nSecond line.\n").unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret\n").unwrap();
        let path = corpus.join("manifest.toml");
        std::fs::write(&path, &text).unwrap();
        match Corpus::load(&corpus) {
            Ok(c) => {
                for f in &c.files {
                    let real = std::fs::canonicalize(corpus.join(&f.path)).unwrap();
                    prop_assert!(real.starts_with(std::fs::canonicalize(&corpus).unwrap()), "{} read from outside", f.path);
                }
                for i in 0..c.files.len() {
                    let file_text = std::fs::read_to_string(c.file_path(i)).unwrap();
                    if let Err(e) = c.segment(i, &file_text) {
                        placed(&e, &path, &text)?;
                    }
                }
            }
            Err(e) => {
                // Read errors of files it names are about those files.
                if !matches!(&e, Error::Input(i) if i.path != path) {
                    placed(&e, &path, &text)?;
                }
            }
        }
    }

    #[test]
    fn gazetteers_never_panic_and_errors_are_placed(text in text_of(GAZETTEER)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gazetteer.csv");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = Gazetteer::load(&path) {
            placed(&e, &path, &text)?;
        }
    }

    #[test]
    fn claims_never_panic_and_errors_are_placed(text in text_of(RELATIONS)) {
        let (corpus, gazetteer) = small();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relations.csv");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = crate::input::relations::Relations::load(&path, &corpus, &gazetteer) {
            placed(&e, &path, &text)?;
        }
    }

    #[test]
    fn overrides_never_panic_and_errors_are_placed(text in text_of(OVERRIDES)) {
        let (corpus, gazetteer) = small();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("overrides.csv");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = crate::input::overrides::Overrides::load(&path, &corpus, &gazetteer) {
            placed(&e, &path, &text)?;
        }
    }

    #[test]
    fn gold_standards_never_panic_and_errors_are_placed(text in text_of(GOLD)) {
        let docs = Annotated {
            documents: vec![Document {
                id: "a".into(),
                iri: "https://example.org/doc/a".into(),
                title: "a".into(),
                kind: "letter".into(),
                date: None,
                text: "Hello Molotov ünïcödé 😀.".into(),
                mentions: Vec::new(),
                unlisted: Vec::new(),
            }],
            entities: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gold.csv");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = crate::review::evaluate::read(&path, &docs, |id| id == "molotov") {
            placed(&e, &path, &text)?;
        }
    }

    #[test]
    fn tagging_and_deriving_never_panic_and_spans_fit_the_text(text in text_of(NAMES)) {
        let (_, gazetteer) = small();
        let annotator = crate::annotate::Annotator::new(&gazetteer);
        let tagged = annotator.tagger.tag_nested(&text);
        let mut found: Vec<crate::annotate::Mention> = tagged
            .matches
            .iter()
            .map(|m| m.mention(0))
            .collect();
        let mut shared = Vec::new();
        let ranges = [(0, text.len())];
        let doc = crate::annotate::variants::Document { text: &text, ranges: &ranges, year: Some(1953) };
        annotator.variants.derive(&doc, &mut found, &mut shared);
        for (s, e) in found.iter().map(|m| (m.start, m.end)).chain(shared.iter().map(|a| (a.start, a.end))) {
            prop_assert!(s < e && e <= text.len(), "{s}..{e}");
            prop_assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "{s}..{e}");
        }
    }

    #[test]
    fn unlisted_names_lie_in_their_ranges_apart_and_in_order(
        text in text_of(UNLISTED),
        cut in 0usize..64,
    ) {
        // Two ranges, cut at a character boundary, as a document that
        // embeds another has.
        let mut mid = cut.min(text.len());
        while !text.is_char_boundary(mid) {
            mid -= 1;
        }
        let ranges = [(0, mid), (mid, text.len())];
        let names = crate::annotate::unlisted::recognise(&text, &ranges);
        let mut last_end = 0;
        for u in &names {
            prop_assert!(u.start < u.end, "{}..{}", u.start, u.end);
            prop_assert!(
                ranges.iter().any(|&(a, b)| a <= u.start && u.end <= b),
                "{}..{} in no range", u.start, u.end
            );
            prop_assert!(text.is_char_boundary(u.start) && text.is_char_boundary(u.end));
            prop_assert!(u.start >= last_end, "{}..{} overlaps or comes before {last_end}", u.start, u.end);
            prop_assert!(!u.reason.is_empty());
            last_end = u.end;
        }
    }

    #[test]
    fn bind_values_never_panic(text in text_of(BIND)) {
        match crate::read::query::parse_binding(&text) {
            Ok((name, _)) => prop_assert!(oxigraph::model::Variable::new(&name).is_ok()),
            Err(Error::Usage { message, fix }) => prop_assert!(!message.is_empty() && !fix.is_empty()),
            Err(e) => prop_assert!(false, "not a usage error: {e:?}"),
        }
    }
}
