//! The mentions as W3C Web Annotations, in JSON-LD.
//!
//! One `AnnotationCollection` (`{base}annotations`) holds a single
//! `AnnotationPage` (`{base}annotations/page1`) whose items are one
//! `Annotation` per mention, documents in order and mentions in order.
//! Each annotation has the motivation `identifying`; its bodies are the
//! entity and, when the entity is linked, its Wikidata item, each a
//! `SpecificResource` with the purpose `identifying` (the Web Annotation
//! model puts `purpose` on a specific resource, not on a bare IRI). Its
//! target is the document with a `TextPositionSelector` and a
//! `TextQuoteSelector` (`exact`, and up to 32 code points of `prefix` and
//! `suffix`).
//!
//! An annotation's id is `{base}annotations/{doc}/{start}-{end}/{entity}`,
//! with the document and entity ids percent-encoded as path segments, so it
//! is stable across rebuilds; a repeated mention (same document, span and
//! entity) gets `~2`, `~3`, … appended, which no encoded id contains.
//!
//! Invariants: `start` and `end` count Unicode code points of the document
//! text (the model requires it, and so does the store), `end` exclusive, and
//! `exact` is exactly the text between them. A mention whose span does not
//! fit its document text, or whose entity is unknown, is left out, and
//! `total` counts the annotations actually written. The output is valid JSON
//! whatever the text holds: quotes, backslashes and control characters are
//! escaped, other characters stay UTF-8.

use super::{Annotated, Document, Entity, Mention};
use crate::text::escape::json_string;
use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

/// The JSON-LD context of the Web Annotation vocabulary.
const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// How many code points of context `prefix` and `suffix` carry at most.
const QUOTE_CONTEXT: usize = 32;

/// W3C Web Annotation JSON-LD: one annotation per mention, in an
/// `AnnotationCollection`.
pub fn write(a: &Annotated, base_iri: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut w = BufWriter::new(out);
    let total: usize = a.documents.iter().map(|d| usable(a, d).count()).sum();
    let collection = format!("{base_iri}annotations");
    writeln!(w, "{{")?;
    writeln!(w, "  \"@context\": {},", json_string(CONTEXT))?;
    writeln!(w, "  \"id\": {},", json_string(&collection))?;
    writeln!(w, "  \"type\": \"AnnotationCollection\",")?;
    let n = a.documents.len();
    let label = format!(
        "Entity mentions in {n} document{}, identified by annalist",
        if n == 1 { "" } else { "s" }
    );
    writeln!(w, "  \"label\": {},", json_string(&label))?;
    if total == 0 {
        // An AnnotationPage must have at least one item, so an empty
        // collection has no page at all.
        writeln!(w, "  \"total\": 0")?;
        writeln!(w, "}}")?;
        return w.flush();
    }
    writeln!(w, "  \"total\": {total},")?;
    writeln!(w, "  \"first\": {{")?;
    writeln!(
        w,
        "    \"id\": {},",
        json_string(&format!("{collection}/page1"))
    )?;
    writeln!(w, "    \"type\": \"AnnotationPage\",")?;
    writeln!(w, "    \"startIndex\": 0,")?;
    write!(w, "    \"items\": [")?;
    let mut first = true;
    for d in &a.documents {
        let starts = char_starts(&d.text);
        let mut ids = HashSet::new();
        for m in usable(a, d) {
            let id = unique_id(&mut ids, &collection, d, m, &a.entities[m.entity]);
            let item = annotation(&id, d, m, &a.entities[m.entity], &starts);
            w.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            item.write(&mut w, 3)?;
        }
    }
    writeln!(w, "\n    ]")?;
    writeln!(w, "  }}")?;
    writeln!(w, "}}")?;
    w.flush()
}

/// The mentions of `d` that can be written: a span within the text and an
/// entity that exists.
fn usable<'a>(a: &'a Annotated, d: &'a Document) -> impl Iterator<Item = &'a Mention> + 'a {
    let len = d.text.chars().count();
    d.mentions
        .iter()
        .filter(move |m| m.start < m.end && m.end <= len && m.entity < a.entities.len())
}

/// The byte offset of every code point of `text`, and the text's length at
/// the end, so that code point `i` starts at byte `starts[i]`.
fn char_starts(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// A stable annotation IRI, made unique within its document.
fn unique_id(
    seen: &mut HashSet<String>,
    collection: &str,
    d: &Document,
    m: &Mention,
    e: &Entity,
) -> String {
    let base = format!(
        "{collection}/{}/{}-{}/{}",
        segment(&d.id),
        m.start,
        m.end,
        segment(&e.id)
    );
    let mut id = base.clone();
    let mut n = 1;
    while !seen.insert(id.clone()) {
        n += 1;
        id = format!("{base}~{n}");
    }
    id
}

/// `s` as one IRI path segment: everything but ASCII letters, digits, `-`,
/// `_` and `.` is percent-encoded, and so are the dots of a segment made only
/// of dots (which IRI resolution would otherwise remove).
fn segment(s: &str) -> String {
    let only_dots = s.bytes().all(|b| b == b'.');
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && !only_dots);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One annotation as a JSON value.
fn annotation(id: &str, d: &Document, m: &Mention, e: &Entity, starts: &[usize]) -> Json {
    let slice = |from: usize, to: usize| d.text[starts[from]..starts[to]].to_string();
    let mut body = vec![identifying(&e.iri)];
    if let Some(wd) = e.wikidata_iri() {
        body.push(identifying(&wd));
    }
    let mut quote = vec![
        ("type", Json::str("TextQuoteSelector")),
        ("exact", Json::Str(slice(m.start, m.end))),
    ];
    let before = m.start.saturating_sub(QUOTE_CONTEXT);
    if before < m.start {
        quote.push(("prefix", Json::Str(slice(before, m.start))));
    }
    let after = (m.end + QUOTE_CONTEXT).min(starts.len() - 1);
    if after > m.end {
        quote.push(("suffix", Json::Str(slice(m.end, after))));
    }
    Json::Obj(vec![
        ("id", Json::str(id)),
        ("type", Json::str("Annotation")),
        ("motivation", Json::str("identifying")),
        ("body", Json::Arr(body)),
        (
            "target",
            Json::Obj(vec![
                ("type", Json::str("SpecificResource")),
                ("source", Json::str(&d.iri)),
                (
                    "selector",
                    Json::Arr(vec![
                        Json::Obj(vec![
                            ("type", Json::str("TextPositionSelector")),
                            ("start", Json::Num(m.start)),
                            ("end", Json::Num(m.end)),
                        ]),
                        Json::Obj(quote),
                    ]),
                ),
            ]),
        ),
    ])
}

/// A body that identifies the resource `iri`.
fn identifying(iri: &str) -> Json {
    Json::Obj(vec![
        ("type", Json::str("SpecificResource")),
        ("source", Json::str(iri)),
        ("purpose", Json::str("identifying")),
    ])
}

/// The little JSON this writer needs.
enum Json {
    Str(String),
    Num(usize),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    fn str(s: &str) -> Json {
        Json::Str(s.to_string())
    }

    /// Writes the value indented by `level` steps of two spaces; the first
    /// line is indented too, the closing bracket ends without a newline.
    fn write(&self, w: &mut dyn Write, level: usize) -> io::Result<()> {
        write!(w, "{}", "  ".repeat(level))?;
        self.write_inline(w, level)
    }

    fn write_inline(&self, w: &mut dyn Write, level: usize) -> io::Result<()> {
        let pad = "  ".repeat(level);
        match self {
            Json::Str(s) => w.write_all(json_string(s).as_bytes()),
            Json::Num(n) => write!(w, "{n}"),
            Json::Arr(items) => {
                write!(w, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(w, ",")?;
                    }
                    writeln!(w)?;
                    item.write(w, level + 1)?;
                }
                write!(w, "\n{pad}]")
            }
            Json::Obj(fields) => {
                write!(w, "{{")?;
                for (i, (key, value)) in fields.iter().enumerate() {
                    let comma = if i == 0 { "" } else { "," };
                    write!(w, "{comma}\n{pad}  {}: ", json_string(key))?;
                    value.write_inline(w, level + 1)?;
                }
                write!(w, "\n{pad}}}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::annotations::fixtures::{mention, sample_entities, HOSTILE};
    use serde_json::Value;

    /// Two documents with multi-byte text before mentions, a mention across
    /// a line break, a hostile label, linked and unlinked entities.
    fn sample() -> Annotated {
        let t1 = "Письмо 🎉👨‍👩‍👧 — Stalin wrote to Sharett.\nThey met in Tel\nAviv & <b>Jaffa</b>.\n\n\"Quoted\" by O'Brien & Co.\r\nEnd";
        let t2 = "Суэц \u{1}1956:\tthe Suez Crisis; Stalin read Das Kapital.";
        Annotated {
            documents: vec![
                Document {
                    id: "d1".into(),
                    iri: "https://example.org/doc/d1".into(),
                    title: "Letter <one> & \"more\"".into(),
                    kind: "Letter".into(),
                    date: Some("1953-07-15".into()),
                    text: t1.into(),
                    mentions: vec![
                        mention(t1, "Stalin", 0),
                        mention(t1, "Sharett", 1),
                        mention(t1, "Tel\nAviv", 2),
                        mention(t1, "O'Brien & Co", 3),
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

    fn render(a: &Annotated) -> String {
        let mut out = Vec::new();
        write(a, "https://example.org/", &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(a: &Annotated) -> Value {
        let json = render(a);
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}:\n{json}"))
    }

    fn chars(text: &str, start: u64, end: u64) -> String {
        text.chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect()
    }

    #[test]
    fn the_collection_parses_and_counts_its_items() {
        let v = parse(&sample());
        assert_eq!(v["@context"], CONTEXT);
        assert_eq!(v["type"], "AnnotationCollection");
        assert_eq!(v["id"], "https://example.org/annotations");
        assert_eq!(v["total"], 7);
        let page = &v["first"];
        assert_eq!(page["type"], "AnnotationPage");
        assert_eq!(page["startIndex"], 0);
        assert_eq!(page["items"].as_array().unwrap().len(), 7);
    }

    #[test]
    fn selectors_slice_the_document_text_by_code_points() {
        let a = sample();
        let v = parse(&a);
        let items = v["first"]["items"].as_array().unwrap();
        let mut seen = 0;
        for d in &a.documents {
            for m in &d.mentions {
                let item = &items[seen];
                seen += 1;
                assert_eq!(item["target"]["source"], d.iri.as_str());
                let pos = &item["target"]["selector"][0];
                let quote = &item["target"]["selector"][1];
                assert_eq!(pos["type"], "TextPositionSelector");
                assert_eq!(quote["type"], "TextQuoteSelector");
                let (start, end) = (pos["start"].as_u64().unwrap(), pos["end"].as_u64().unwrap());
                assert_eq!((start, end), (m.start as u64, m.end as u64));
                assert_eq!(chars(&d.text, start, end), m.text);
                assert_eq!(quote["exact"], m.text.as_str());
                let prefix = quote["prefix"].as_str().unwrap_or("");
                let suffix = quote["suffix"].as_str().unwrap_or("");
                assert!(prefix.chars().count() <= QUOTE_CONTEXT);
                assert!(suffix.chars().count() <= QUOTE_CONTEXT);
                let whole = format!("{prefix}{}{suffix}", m.text);
                assert!(d.text.contains(&whole), "{whole:?}");
            }
        }
        // "Stalin" follows an emoji and a ZWJ family: code points, not bytes
        // nor UTF-16 units.
        let stalin = &items[0]["target"]["selector"][0];
        assert_eq!(stalin["start"], 16);
        assert_eq!(items[2]["target"]["selector"][1]["exact"], "Tel\nAviv");
    }

    #[test]
    fn bodies_identify_the_entity_and_its_wikidata_item() {
        let v = parse(&sample());
        let items = v["first"]["items"].as_array().unwrap();
        let linked = &items[0];
        assert_eq!(linked["motivation"], "identifying");
        let body = linked["body"].as_array().unwrap();
        assert_eq!(body.len(), 2);
        assert_eq!(body[0]["source"], "https://example.org/id/stalin");
        assert_eq!(body[1]["source"], "http://www.wikidata.org/entity/Q855");
        for b in body {
            assert_eq!(b["type"], "SpecificResource");
            assert_eq!(b["purpose"], "identifying");
        }
        let unlinked = items[1]["body"].as_array().unwrap();
        assert_eq!(unlinked.len(), 1);
        assert_eq!(
            unlinked[0]["source"],
            "https://example.org/id/moshe-sharett"
        );
    }

    #[test]
    fn ids_are_stable_and_unique() {
        let mut a = sample();
        // A repeated mention still gets an id of its own.
        let again = a.documents[0].mentions[0].clone();
        a.documents[0].mentions.insert(1, again);
        assert_eq!(render(&a), render(&a));
        let v = parse(&a);
        let ids: Vec<&str> = v["first"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids[0], "https://example.org/annotations/d1/16-22/stalin");
        assert_eq!(ids[1], "https://example.org/annotations/d1/16-22/stalin~2");
        let unique: HashSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn hostile_strings_survive_escaping() {
        let tricky = format!("{HOSTILE}\\ \u{0}\u{1f}\u{7f}\u{2028} \"ü🎉\"");
        let parsed: Value = serde_json::from_str(&json_string(&tricky)).unwrap();
        assert_eq!(parsed, tricky.as_str());
        assert!(!json_string(&tricky).chars().any(|c| c.is_control()));
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("a b/c.d"), "a%20b%2Fc.d");
    }

    #[test]
    fn unusable_mentions_are_left_out_and_not_counted() {
        let mut a = sample();
        let len = a.documents[1].text.chars().count();
        a.documents[1].mentions.push(Mention {
            start: len,
            end: len + 3,
            text: "out".into(),
            entity: 0,
            nested_in: None,
        });
        a.documents[1].mentions.push(Mention {
            start: 0,
            end: 2,
            text: "Су".into(),
            entity: 99,
            nested_in: None,
        });
        let v = parse(&a);
        assert_eq!(v["total"], 7);
        assert_eq!(v["first"]["items"].as_array().unwrap().len(), 7);
    }

    #[test]
    fn an_empty_corpus_is_an_empty_collection() {
        let v = parse(&Annotated::default());
        assert_eq!(v["total"], 0);
        assert!(v.get("first").is_none());
    }
}
