//! The mentions as brat standoff files, for the brat annotation tool.
//!
//! For each document, `DOC.txt` holds the document text byte for byte and
//! `DOC.ann` one text-bound annotation per mention, in mention order. For
//! the text `Sharett met Stalin in Tel⏎Aviv.` (fields are separated by tabs,
//! shown here as two spaces):
//!
//! ```text
//! T1  Person 0 7  Sharett
//! #1  AnnotatorNotes T1  entity: moshe-sharett
//! T2  Place 22 25;26 30  Tel Aviv
//! N1  Reference T2 Wikidata:Q33935  Tel Aviv
//! #2  AnnotatorNotes T2  entity: tel-aviv
//! ```
//!
//! The type is the entity kind; an entity linked to Wikidata gets a
//! normalization line, and every text-bound annotation gets a note naming
//! its entity id, so the link to the graph survives a round trip through
//! brat. brat annotations may not cross a line, so a span with a line break
//! in it is written as fragments split at the breaks (whitespace next to a
//! break is left out of the fragments), and its text field joins the
//! fragments with a space, as brat does. `annotation.conf` (entity types,
//! overlaps allowed) and `tools.conf` (the Wikidata normalization
//! resource) are written beside them, so the directory opens as a brat
//! collection.
//!
//! Invariant: offsets count code points of `DOC.txt` (brat counts Python
//! characters), so every fragment `a b` is the text of code points `a..b`,
//! and the text field is exactly those fragments joined by a space. A
//! mention whose span does not fit its text, whose entity is unknown, or
//! that holds nothing but whitespace is left out. Free text in a field
//! (labels) has its tabs and line breaks turned into spaces, since brat
//! reads `.ann` files line by line. (A brat that reads text files with
//! universal newlines sees a CR LF as one character; annalist keeps the
//! text byte for byte, so there offsets after a CR LF are one too many.)

use super::{Annotated, Document, Entity, Mention};
use crate::error::{Error, Result};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The entity kinds annalist gives its entities.
const KINDS: [&str; 5] = ["Person", "Organisation", "Place", "Event", "Work"];

/// brat's name for the Wikidata normalization resource.
const WIKIDATA: &str = "Wikidata";

/// brat standoff: `DOC.txt` (the document text, byte for byte) and
/// `DOC.ann` per document, into `dir`, with `annotation.conf` and
/// `tools.conf`. Returns the files written.
pub fn write(a: &Annotated, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    let put = |name: &str, bytes: &[u8], written: &mut Vec<PathBuf>| -> Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        written.push(path);
        Ok(())
    };
    put(
        "annotation.conf",
        annotation_conf(a).as_bytes(),
        &mut written,
    )?;
    put("tools.conf", TOOLS_CONF.as_bytes(), &mut written)?;
    let mut stems = HashSet::new();
    for d in &a.documents {
        let stem = crate::export::annotations::file_stem(&d.id, &mut stems);
        put(&format!("{stem}.txt"), d.text.as_bytes(), &mut written)?;
        put(&format!("{stem}.ann"), ann(a, d).as_bytes(), &mut written)?;
    }
    Ok(written)
}

/// The brat tool configuration: Wikidata as a normalization resource, so
/// that brat links `Wikidata:Q…` references to the item's page.
const TOOLS_CONF: &str = "# brat tool configuration written by annalist.\n\
[normalization]\n\
Wikidata\t<URL>:https://www.wikidata.org/, <URLBASE>:https://www.wikidata.org/wiki/%s\n";

/// The brat annotation configuration: annalist's entity kinds, overlapping
/// spans allowed.
fn annotation_conf(a: &Annotated) -> String {
    let mut kinds: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    for e in &a.entities {
        let k = e.kind.name().to_string();
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    let mut out =
        String::from("# brat annotation configuration written by annalist.\n[entities]\n");
    for k in kinds {
        out.push_str(&k);
        out.push('\n');
    }
    out.push_str(
        "\n[relations]\n\
         # Mentions may nest or overlap (\"Tel Aviv\" in \"Tel Aviv University\").\n\
         <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\
         \n[events]\n\
         \n[attributes]\n",
    );
    out
}

/// The `.ann` file of one document.
fn ann(a: &Annotated, d: &Document) -> String {
    let starts: Vec<usize> = d
        .text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(d.text.len()))
        .collect();
    let chars: Vec<char> = d.text.chars().collect();
    let mut out = String::new();
    let (mut t, mut n) = (0, 0);
    for m in &d.mentions {
        let Some(e) = a.entities.get(m.entity) else {
            continue;
        };
        let frags = fragments(&chars, m);
        if frags.is_empty() {
            continue;
        }
        t += 1;
        let offsets: Vec<String> = frags.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let text: Vec<&str> = frags
            .iter()
            .map(|&(s, e)| &d.text[starts[s]..starts[e]])
            .collect();
        let _ = writeln!(
            out,
            "T{t}\t{} {}\t{}",
            e.kind.name(),
            offsets.join(";"),
            text.join(" ")
        );
        if let Some(q) = wikidata_id(e) {
            n += 1;
            let _ = writeln!(
                out,
                "N{n}\tReference T{t} {WIKIDATA}:{q}\t{}",
                field(&e.label)
            );
        }
        let _ = writeln!(out, "#{t}\tAnnotatorNotes T{t}\tentity: {}", field(&e.id));
    }
    out
}

/// The fragments of a mention, as code point ranges: the span cut at line
/// breaks, whitespace next to a break trimmed, empty pieces dropped. Empty
/// when the span does not fit the text or holds only whitespace.
fn fragments(chars: &[char], m: &Mention) -> Vec<(usize, usize)> {
    if m.start >= m.end || m.end > chars.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut from = m.start;
    for i in m.start..=m.end {
        if i < m.end && !is_line_break(chars[i]) {
            continue;
        }
        let (mut s, mut e) = (from, i);
        // Only the edges that touch a break are trimmed: the mention's own
        // ends stay where the store put them.
        if s > m.start {
            while s < e && chars[s].is_whitespace() {
                s += 1;
            }
        }
        if e < m.end {
            while e > s && chars[e - 1].is_whitespace() {
                e -= 1;
            }
        }
        if s < e && chars[s..e].iter().any(|c| !c.is_whitespace()) {
            out.push((s, e));
        }
        from = i + 1;
    }
    out
}

/// Whether `c` ends a line for brat, which splits lines the way Python's
/// `str.splitlines` does.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The entity's Wikidata id, if it has one that fits in a reference.
fn wikidata_id(e: &Entity) -> Option<&str> {
    let q = e.wikidata.as_deref()?;
    let ok = !q.is_empty() && !q.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(q)
}

/// Free text for the last field of an `.ann` line: tabs, line breaks and
/// other control characters become spaces.
fn field(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || is_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::annotations::fixtures::{mention, sample_entities};

    /// Two documents with multi-byte text before mentions, mentions across
    /// line breaks, a hostile label, linked and unlinked entities.
    fn sample() -> Annotated {
        let t1 = "Письмо 🎉👨‍👩‍👧 — Stalin wrote to Sharett.\nThey met in Tel\nAviv & <b>Jaffa</b>.\n\n\"Quoted\" by O'Brien &\r\n Co.\r\nEnd";
        let t2 = "Суэц \u{1}1956:\tthe Suez Crisis; Stalin read Das Kapital.";
        Annotated {
            documents: vec![
                Document {
                    id: "d1".into(),
                    iri: "https://example.org/doc/d1".into(),
                    title: "Letter".into(),
                    kind: "Letter".into(),
                    date: Some("1953-07-15".into()),
                    text: t1.into(),
                    mentions: vec![
                        mention(t1, "Stalin", 0),
                        mention(t1, "Sharett", 1),
                        mention(t1, "Tel\nAviv", 2),
                        mention(t1, "O'Brien &\r\n Co", 3),
                    ],
                    unlisted: Vec::new(),
                },
                Document {
                    id: "d2".into(),
                    iri: "https://example.org/doc/d2".into(),
                    title: "Notes".into(),
                    kind: "Memo".into(),
                    date: None,
                    text: t2.into(),
                    mentions: vec![
                        mention(t2, "Suez Crisis", 4),
                        mention(t2, "Stalin", 0),
                        mention(t2, "Das Kapital", 5),
                    ],
                    unlisted: Vec::new(),
                },
            ],
            entities: sample_entities(),
        }
    }

    /// A text-bound annotation read back from an `.ann` line.
    struct TextBound {
        id: String,
        kind: String,
        fragments: Vec<(usize, usize)>,
        text: String,
    }

    /// Reads the `T` lines of an `.ann` file, checking that every line has
    /// an id and exactly three tab-separated fields.
    fn text_bounds(ann: &str) -> Vec<TextBound> {
        let mut out = Vec::new();
        for line in ann.lines() {
            let parts: Vec<&str> = line.split('\t').collect();
            assert_eq!(parts.len(), 3, "{line:?}");
            if !parts[0].starts_with('T') {
                continue;
            }
            let (kind, offsets) = parts[1].split_once(' ').unwrap();
            let fragments = offsets
                .split(';')
                .map(|f| {
                    let (s, e) = f.split_once(' ').unwrap();
                    (s.parse().unwrap(), e.parse().unwrap())
                })
                .collect();
            out.push(TextBound {
                id: parts[0].into(),
                kind: kind.into(),
                fragments,
                text: parts[2].into(),
            });
        }
        out
    }

    fn chars(text: &str, (start, end): (usize, usize)) -> String {
        text.chars().skip(start).take(end - start).collect()
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap()
    }

    #[test]
    fn every_document_gets_its_text_byte_for_byte_and_its_annotations() {
        let a = sample();
        let dir = tempfile::tempdir().unwrap();
        let written = write(&a, dir.path()).unwrap();
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "annotation.conf",
                "tools.conf",
                "d1.txt",
                "d1.ann",
                "d2.txt",
                "d2.ann"
            ]
        );
        for d in &a.documents {
            let txt = std::fs::read(dir.path().join(format!("{}.txt", d.id))).unwrap();
            assert_eq!(txt, d.text.as_bytes());
        }
    }

    #[test]
    fn offsets_slice_the_text_by_code_points() {
        let a = sample();
        let dir = tempfile::tempdir().unwrap();
        write(&a, dir.path()).unwrap();
        for d in &a.documents {
            let txt = read(dir.path(), &format!("{}.txt", d.id));
            let tbs = text_bounds(&read(dir.path(), &format!("{}.ann", d.id)));
            assert_eq!(tbs.len(), d.mentions.len());
            for (tb, m) in tbs.iter().zip(&d.mentions) {
                assert_eq!(tb.kind, a.entities[m.entity].kind.name());
                let pieces: Vec<String> = tb.fragments.iter().map(|&f| chars(&txt, f)).collect();
                assert_eq!(pieces.join(" "), tb.text);
                for (piece, &(s, e)) in pieces.iter().zip(&tb.fragments) {
                    assert!(s < e && s >= m.start && e <= m.end);
                    assert!(!piece.chars().any(is_line_break), "{piece:?}");
                }
            }
        }
        // "Stalin" follows an emoji and a ZWJ family: 16 code points, not 40
        // bytes or 20 UTF-16 units.
        let d1 = text_bounds(&read(dir.path(), "d1.ann"));
        assert_eq!(d1[0].fragments, [(16, 22)]);
    }

    #[test]
    fn spans_across_line_breaks_are_split_into_fragments() {
        let a = sample();
        let dir = tempfile::tempdir().unwrap();
        write(&a, dir.path()).unwrap();
        let d1 = text_bounds(&read(dir.path(), "d1.ann"));
        let tel_aviv = &d1[2];
        assert_eq!(tel_aviv.fragments.len(), 2);
        assert_eq!(tel_aviv.text, "Tel Aviv");
        assert_eq!(tel_aviv.fragments[0].1 + 1, tel_aviv.fragments[1].0);
        // The space after "\r\n" is trimmed from the second fragment.
        let obrien = &d1[3];
        assert_eq!(obrien.text, "O'Brien & Co");
        assert_eq!(obrien.fragments.len(), 2);
        assert_eq!(obrien.fragments[0].1 + 3, obrien.fragments[1].0);
    }

    #[test]
    fn links_survive_as_normalizations_and_notes() {
        let mut a = sample();
        // With a Wikidata id, the hostile label lands in a field.
        a.entities[3].wikidata = Some("Q1".into());
        let dir = tempfile::tempdir().unwrap();
        write(&a, dir.path()).unwrap();
        let ann = read(dir.path(), "d1.ann");
        let lines: Vec<&str> = ann.lines().collect();
        assert_eq!(lines.len(), 4 + 3 + 4, "{ann}");
        assert!(lines.contains(&"N1\tReference T1 Wikidata:Q855\tJoseph Stalin"));
        assert!(lines.contains(&"#2\tAnnotatorNotes T2\tentity: moshe-sharett"));
        assert!(
            lines.contains(&"N3\tReference T4 Wikidata:Q1\t=HYPERLINK(\"x\")<b>O'Brien & Co</b> ")
        );
        let ids: HashSet<&str> = lines
            .iter()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert_eq!(ids.len(), lines.len());
        for tb in text_bounds(&ann) {
            let note = format!("AnnotatorNotes {}\tentity: ", tb.id);
            assert!(ann.contains(&note), "{} has no note", tb.id);
        }
        let d2 = read(dir.path(), "d2.ann");
        assert!(d2.contains("N1\tReference T1 Wikidata:Q49097\tSuez Crisis\n"));
        assert!(!d2.contains("Reference T3"));
    }

    #[test]
    fn the_configuration_declares_types_and_wikidata() {
        let dir = tempfile::tempdir().unwrap();
        write(&sample(), dir.path()).unwrap();
        let conf = read(dir.path(), "annotation.conf");
        let entities = conf
            .split("[entities]\n")
            .nth(1)
            .unwrap()
            .split("\n\n")
            .next()
            .unwrap();
        assert_eq!(
            entities.lines().collect::<Vec<_>>(),
            ["Person", "Organisation", "Place", "Event", "Work"]
        );
        for section in ["[relations]", "[events]", "[attributes]"] {
            assert!(conf.contains(section));
        }
        let tools = read(dir.path(), "tools.conf");
        assert!(tools.contains("[normalization]\nWikidata\t"));
        assert!(tools.contains("https://www.wikidata.org/wiki/%s"));
    }

    #[test]
    fn fragments_skip_breaks_and_blank_spans() {
        let chars: Vec<char> = " a \r\n\n b\u{2028}c ".chars().collect();
        let m = |start, end| Mention {
            start,
            end,
            text: String::new(),
            entity: 0,
            nested_in: None,
        };
        assert_eq!(fragments(&chars, &m(0, 11)), [(0, 2), (7, 8), (9, 11)]);
        assert_eq!(fragments(&chars, &m(2, 6)), []);
        assert_eq!(fragments(&chars, &m(3, 3)), []);
        assert_eq!(fragments(&chars, &m(9, 12)), []);
    }

    #[test]
    fn unusable_mentions_are_left_out() {
        let mut a = sample();
        a.documents[1].mentions.push(Mention {
            start: 0,
            end: 4,
            text: "Суэц".into(),
            entity: 99,
            nested_in: None,
        });
        a.documents[1].mentions.push(Mention {
            start: 50,
            end: 500,
            text: String::new(),
            entity: 0,
            nested_in: None,
        });
        let dir = tempfile::tempdir().unwrap();
        write(&a, dir.path()).unwrap();
        assert_eq!(text_bounds(&read(dir.path(), "d2.ann")).len(), 3);
    }

    #[test]
    fn file_names_stay_inside_the_directory_and_apart() {
        let mut taken = HashSet::new();
        assert_eq!(
            crate::export::annotations::file_stem("../etc/passwd", &mut taken),
            ".._etc_passwd"
        );
        assert_eq!(
            crate::export::annotations::file_stem("a b", &mut taken),
            "a_b"
        );
        assert_eq!(
            crate::export::annotations::file_stem("a_b", &mut taken),
            "a_b~2"
        );
        assert_eq!(field("a\tb\nc\u{2028}d"), "a b c d");
    }
}
