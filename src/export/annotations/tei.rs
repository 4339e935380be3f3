//! The documents as TEI P5, their mentions marked inline.
//!
//! Each document becomes `DOC.xml`: a `teiHeader` (title, a publication
//! statement, the source with its IRI and date), a `standOff` listing the
//! entities mentioned in the document in first-mention order (`listPerson`,
//! `listOrg`, `listPlace`, `listEvent` and `listBibl`, each entry with its
//! name, its annalist IRI and, when linked, its Wikidata id), and the text
//! in `body`. Mentions are `persName`, `orgName` and `placeName`, or `rs`
//! with `type="event"` or `type="work"`; `@ref` is the Wikidata item IRI,
//! or else `#id`, the `xml:id` of the entity's `standOff` entry. Entity
//! ids become `xml:id`s by prefixing `e-` when they do not start with a
//! letter or `_` (and `-2`, `-3`, … should two come out alike).
//!
//! The body is split into paragraphs at blank lines: a run of whitespace
//! holding two or more line breaks separates paragraphs, and whitespace at
//! the start and end of the text lies outside them. Each paragraph is a
//! `p`; the separators stay as they are between the `p` elements, and
//! every line feed inside a paragraph stays, followed by `<lb/>`. `body`
//! carries `xml:space="preserve"` and is not indented. A mention that
//! crosses a paragraph separator is marked once in each paragraph it
//! touches. Mentions cannot overlap in XML, so where two do, the one that
//! starts first (the longer one, at the same start) is marked and the other
//! is only listed in `standOff`.
//!
//! Invariant: every file is well-formed XML whatever the text or labels
//! hold, and the text content of `body` (tags removed, references
//! resolved) is the document text exactly, except that characters XML 1.0
//! cannot carry (C0 controls other than tab, line feed and carriage
//! return; U+FFFE, U+FFFF) are written as U+FFFD, one for one, so code
//! point offsets still hold.

use super::{Annotated, Document, Entity};
use crate::error::{Error, Result};
use crate::input::gazetteer::EntityType;
use crate::text::escape::{xml_attr, xml_text};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The standOff lists, in the order they are written: the entity kind, the
/// list element, the entry element and the entry's name element.
const LISTS: [(EntityType, &str, &str, &str); 5] = [
    (EntityType::Person, "listPerson", "person", "persName"),
    (EntityType::Organisation, "listOrg", "org", "orgName"),
    (EntityType::Place, "listPlace", "place", "placeName"),
    (EntityType::Event, "listEvent", "event", "label"),
    (EntityType::Work, "listBibl", "bibl", "title"),
];

/// TEI P5: one `DOC.xml` per document into `dir`. Returns the files
/// written.
pub fn write(a: &Annotated, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    let mut stems = HashSet::new();
    for d in &a.documents {
        let path = dir.join(format!(
            "{}.xml",
            crate::export::annotations::file_stem(&d.id, &mut stems)
        ));
        std::fs::write(&path, document(a, d)).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// An entity of the document, with its `xml:id`.
struct Listed<'a> {
    index: usize,
    entity: &'a Entity,
    xml_id: String,
}

/// A stretch of text to wrap in an element, in code points.
struct Mark {
    start: usize,
    end: usize,
    /// Index into the document's [`Listed`] entities.
    listed: usize,
}

/// One document as a TEI file.
fn document(a: &Annotated, d: &Document) -> String {
    let chars: Vec<char> = d.text.chars().collect();
    let mentions: Vec<_> = d
        .mentions
        .iter()
        .filter(|m| m.start < m.end && m.end <= chars.len() && m.entity < a.entities.len())
        .collect();

    // The entities in first-mention order, each with a unique xml:id.
    let mut listed: Vec<Listed> = Vec::new();
    let mut ids = HashSet::new();
    let mut marks = Vec::new();
    for m in &mentions {
        let pos = match listed.iter().position(|l| l.index == m.entity) {
            Some(pos) => pos,
            None => {
                let entity = &a.entities[m.entity];
                listed.push(Listed {
                    index: m.entity,
                    entity,
                    xml_id: xml_id(&entity.id, &mut ids),
                });
                listed.len() - 1
            }
        };
        marks.push(Mark {
            start: m.start,
            end: m.end,
            listed: pos,
        });
    }

    let title = if d.title.trim().is_empty() {
        &d.id
    } else {
        &d.title
    };
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n");
    out.push_str("  <teiHeader>\n    <fileDesc>\n      <titleStmt>\n");
    let _ = writeln!(out, "        <title>{}</title>", xml_text(title));
    out.push_str("      </titleStmt>\n      <publicationStmt>\n");
    let _ = writeln!(
        out,
        "        <p>Annotated by annalist from the corpus document {}, with its entity mentions marked.</p>",
        xml_text(&d.id)
    );
    out.push_str("      </publicationStmt>\n      <sourceDesc>\n");
    let kind = if is_word(&d.kind) {
        format!(" type=\"{}\"", xml_attr(&d.kind))
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "        <bibl{kind}><title>{}</title> <idno type=\"URI\">{}</idno>",
        xml_text(title),
        xml_text(&d.iri)
    );
    if let Some(date) = &d.date {
        let when = if is_w3c_date(date) {
            format!(" when=\"{date}\"")
        } else {
            String::new()
        };
        let _ = write!(out, " <date{when}>{}</date>", xml_text(date));
    }
    out.push_str("</bibl>\n      </sourceDesc>\n    </fileDesc>\n  </teiHeader>\n");
    standoff(&mut out, &listed);
    out.push_str("  <text>\n    <body xml:space=\"preserve\">");
    body(&mut out, &d.text, &chars, marks, &listed);
    out.push_str("</body>\n  </text>\n</TEI>\n");
    out
}

/// Writes the `standOff` with the document's entities, if it has any.
fn standoff(out: &mut String, listed: &[Listed]) {
    if !listed.iter().any(|l| list_of(&l.entity.kind).is_some()) {
        // A standOff must hold at least one list.
        return;
    }
    out.push_str("  <standOff>\n");
    for (kind, list, entry, name) in LISTS {
        let members: Vec<&Listed> = listed.iter().filter(|l| l.entity.kind == kind).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "    <{list}>");
        for l in members {
            let e = l.entity;
            let _ = write!(
                out,
                "      <{entry} xml:id=\"{}\"><{name}>{}</{name}><idno type=\"URI\">{}</idno>",
                xml_attr(&l.xml_id),
                xml_text(&e.label),
                xml_text(&e.iri)
            );
            if let Some(q) = &e.wikidata {
                let _ = write!(out, "<idno type=\"wikidata\">{}</idno>", xml_text(q));
            }
            let _ = writeln!(out, "</{entry}>");
        }
        let _ = writeln!(out, "    </{list}>");
    }
    out.push_str("  </standOff>\n");
}

/// The standOff list an entity kind belongs in, if any.
fn list_of(kind: &EntityType) -> Option<&'static str> {
    LISTS.iter().find(|l| l.0 == *kind).map(|l| l.1)
}

/// Writes the content of `body`: paragraphs with the mentions marked.
fn body(out: &mut String, text: &str, chars: &[char], mut marks: Vec<Mark>, listed: &[Listed]) {
    let starts: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let slice = |from: usize, to: usize| &text[starts[from]..starts[to]];

    // Keep the marks that do not overlap an earlier one, longest first.
    marks.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut kept: Vec<Mark> = Vec::new();
    for m in marks {
        if kept.last().is_none_or(|k| m.start >= k.end) {
            kept.push(m);
        }
    }

    let paragraphs = paragraphs(chars);
    let mut pos = 0;
    let mut next = 0;
    for &(ps, pe) in &paragraphs {
        out.push_str(&xml_text(slice(pos, ps)));
        out.push_str("<p>");
        let mut cursor = ps;
        // Skip the marks that end before this paragraph (they lay wholly
        // in a separator), then mark the pieces inside it.
        while next < kept.len() && kept[next].end <= ps {
            next += 1;
        }
        let mut i = next;
        while i < kept.len() && kept[i].start < pe {
            let (s, e) = (kept[i].start.max(ps), kept[i].end.min(pe));
            let (open, close) = tags(&listed[kept[i].listed]);
            inline(out, slice(cursor, s));
            out.push_str(&open);
            inline(out, slice(s, e));
            out.push_str(close);
            cursor = e;
            i += 1;
        }
        inline(out, slice(cursor, pe));
        out.push_str("</p>");
        pos = pe;
    }
    out.push_str(&xml_text(slice(pos, chars.len())));
    if paragraphs.is_empty() {
        // A body must hold at least one paragraph.
        out.push_str("<p/>");
    }
}

/// Writes paragraph text: escaped, with `<lb/>` after each line feed.
fn inline(out: &mut String, s: &str) {
    out.push_str(&xml_text(s).replace('\n', "\n<lb/>"));
}

/// The start and end tags that mark a mention of an entity.
fn tags(l: &Listed) -> (String, &'static str) {
    let e = l.entity;
    let target = match e.wikidata_iri() {
        Some(iri) => iri,
        None if list_of(&e.kind).is_some() => format!("#{}", l.xml_id),
        None => e.iri.clone(),
    };
    let r = xml_attr(&target);
    match e.kind {
        EntityType::Person => (format!("<persName ref=\"{r}\">"), "</persName>"),
        EntityType::Organisation => (format!("<orgName ref=\"{r}\">"), "</orgName>"),
        EntityType::Place => (format!("<placeName ref=\"{r}\">"), "</placeName>"),
        EntityType::Event => (format!("<rs type=\"event\" ref=\"{r}\">"), "</rs>"),
        EntityType::Work => (format!("<rs type=\"work\" ref=\"{r}\">"), "</rs>"),
    }
}

/// The paragraphs of a text, as code point ranges: what lies between runs
/// of whitespace that hold at least two line breaks, without the whitespace
/// at the start and end of the text. Each starts and ends with a
/// non-whitespace character.
fn paragraphs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut i = 0;
    while i < chars.len() {
        if !is_space(chars[i]) {
            start.get_or_insert(i);
            i += 1;
            continue;
        }
        let mut j = i;
        let mut breaks = 0;
        while j < chars.len() && is_space(chars[j]) {
            // A CR LF pair is one line break, and so is a lone CR.
            let crlf = chars[j] == '\r' && chars.get(j + 1) == Some(&'\n');
            if chars[j] == '\n' || (chars[j] == '\r' && !crlf) {
                breaks += 1;
            }
            j += 1;
        }
        if j == chars.len() || breaks >= 2 {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
        }
        i = j;
    }
    if let Some(s) = start {
        out.push((s, chars.len()));
    }
    out
}

/// Whitespace as XML counts it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// A unique `xml:id` (an NCName) for an entity id: characters outside
/// `[A-Za-z0-9._-]` become `_`, `e-` goes in front unless the id starts
/// with a letter or `_`, and a taken id gets `-2`, `-3`, …
fn xml_id(id: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        base.insert_str(0, "e-");
    }
    let mut candidate = base.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    candidate
}

/// Whether `s` fits a TEI `@when`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn is_w3c_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    }
}

/// Whether `s` is one word (a TEI `teidata.enumerated` value).
fn is_word(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::annotations::fixtures::{mention, sample_entities};

    /// Two documents with multi-byte text before mentions, a mention across
    /// a line break and one across a paragraph break, a hostile label and
    /// title, linked and unlinked entities, an overlap, a control character.
    fn sample() -> Annotated {
        let t1 = "\n Письмо 🎉👨‍👩‍👧 — Stalin wrote to Sharett.\nThey met in Tel\nAviv & <b>Jaffa</b>.\r\n \r\n\"Quoted\" by O'Brien & Co.\n\n\nEnd ]]> \u{1}\n";
        let t2 = "Суэц 1956:\tthe Suez Crisis;\n\nStalin read Das Kapital.";
        let mut overlap = mention(t2, "Crisis", 1);
        overlap.start -= 1;
        Annotated {
            documents: vec![
                Document {
                    id: "d1".into(),
                    iri: "https://example.org/doc/d1?a=1&b=<2>".into(),
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
                    title: String::new(),
                    kind: "Memo".into(),
                    date: Some("summer 1956".into()),
                    text: t2.into(),
                    mentions: vec![
                        mention(t2, "Suez Crisis;\n\nStalin", 4),
                        overlap,
                        mention(t2, "Das Kapital", 5),
                    ],
                    unlisted: Vec::new(),
                },
            ],
            entities: sample_entities(),
        }
    }

    /// A tag read by [`check_xml`].
    #[derive(Debug)]
    struct Tag {
        name: String,
        attrs: Vec<(String, String)>,
        /// Byte range of the whole tag in the document.
        at: std::ops::Range<usize>,
        closing: bool,
        empty: bool,
    }

    /// Resolves the five predefined entities and character references,
    /// failing on anything else.
    fn unescape(s: &str) -> std::result::Result<String, String> {
        let mut out = String::new();
        let mut rest = s;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let semi = rest[amp..].find(';').ok_or("unterminated reference")? + amp;
            let name = &rest[amp + 1..semi];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let n = if let Some(hex) = name.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16)
                    } else if let Some(dec) = name.strip_prefix('#') {
                        dec.parse()
                    } else {
                        return Err(format!("unknown entity &{name};"));
                    };
                    let n = n.map_err(|e| e.to_string())?;
                    char::from_u32(n).ok_or("bad character reference")?
                }
            };
            out.push(c);
            rest = &rest[semi + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn xml_char_ok(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    }

    fn is_name(s: &str) -> bool {
        let mut cs = s.chars();
        cs.next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
            && cs.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
    }

    /// A minimal well-formedness check: one root, balanced and properly
    /// named tags, quoted attributes without `<` and without repeats,
    /// only known references, only XML characters, no `]]>` in text.
    /// Returns the tags in document order.
    fn check_xml(xml: &str) -> std::result::Result<Vec<Tag>, String> {
        if let Some(c) = xml.chars().find(|&c| !xml_char_ok(c)) {
            return Err(format!("character U+{:04X} is not allowed", c as u32));
        }
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .ok_or("no XML declaration")?;
        let offset = xml.len() - body.len();
        let mut tags = Vec::new();
        let mut open: Vec<String> = Vec::new();
        let mut roots = 0;
        let mut rest = body;
        let mut at = offset;
        loop {
            let lt = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..lt];
            if text.contains("]]>") {
                return Err("]]> in text".into());
            }
            unescape(text)?;
            if open.is_empty() && !text.trim().is_empty() {
                return Err(format!("text outside the root: {text:?}"));
            }
            if lt == rest.len() {
                break;
            }
            let gt = rest[lt..].find('>').ok_or("unterminated tag")? + lt;
            let inner = &rest[lt + 1..gt];
            let range = at + lt..at + gt + 1;
            if let Some(name) = inner.strip_prefix('/') {
                let top = open.pop().ok_or("close without open")?;
                if top != name {
                    return Err(format!("</{name}> closes <{top}>"));
                }
                tags.push(Tag {
                    name: name.into(),
                    attrs: Vec::new(),
                    at: range,
                    closing: true,
                    empty: false,
                });
            } else {
                let empty = inner.ends_with('/');
                let inner = inner.trim_end_matches('/');
                let (name, mut attrs_src) = inner.split_once(' ').unwrap_or((inner, ""));
                if !is_name(name) {
                    return Err(format!("bad element name {name:?}"));
                }
                let mut attrs: Vec<(String, String)> = Vec::new();
                loop {
                    attrs_src = attrs_src.trim_start();
                    if attrs_src.is_empty() {
                        break;
                    }
                    let (key, after) = attrs_src.split_once("=\"").ok_or("bad attribute")?;
                    let end = after.find('"').ok_or("unterminated attribute")?;
                    let value = &after[..end];
                    if !is_name(key) || value.contains('<') {
                        return Err(format!("bad attribute {key}={value:?}"));
                    }
                    if attrs.iter().any(|(k, _)| k == key) {
                        return Err(format!("repeated attribute {key}"));
                    }
                    attrs.push((key.into(), unescape(value)?));
                    attrs_src = &after[end + 1..];
                }
                if open.is_empty() {
                    roots += 1;
                }
                if !empty {
                    open.push(name.into());
                }
                tags.push(Tag {
                    name: name.into(),
                    attrs,
                    at: range,
                    closing: false,
                    empty,
                });
            }
            at += gt + 1;
            rest = &rest[gt + 1..];
        }
        if !open.is_empty() || roots != 1 {
            return Err(format!("unclosed {open:?} or {roots} roots"));
        }
        Ok(tags)
    }

    /// The text content of the first element called `name`.
    fn text_content(xml: &str, tags: &[Tag], name: &str) -> String {
        let start = tags.iter().position(|t| t.name == name).unwrap();
        let mut depth = 0;
        let mut out = String::new();
        for pair in tags[start..].windows(2) {
            let (t, next) = (&pair[0], &pair[1]);
            if t.closing {
                depth -= 1;
            } else if !t.empty {
                depth += 1;
            }
            if depth == 0 {
                break;
            }
            out.push_str(&unescape(&xml[t.at.end..next.at.start]).unwrap());
        }
        out
    }

    fn attr<'a>(t: &'a Tag, key: &str) -> Option<&'a str> {
        t.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn render(a: &Annotated) -> (tempfile::TempDir, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let files = write(a, dir.path()).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["d1.xml", "d2.xml"]);
        let xml = files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        (dir, xml)
    }

    #[test]
    fn every_file_is_well_formed() {
        let (_dir, xml) = render(&sample());
        for x in &xml {
            check_xml(x).unwrap_or_else(|e| panic!("{e}\n{x}"));
            assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">"));
        }
        // The checker itself rejects what it should.
        assert!(check_xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></a></b>").is_err());
        assert!(check_xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>&nbsp;</a>").is_err());
        assert!(
            check_xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1\" x=\"2\"/>").is_err()
        );
        assert!(check_xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\u{1}</a>").is_err());
    }

    #[test]
    fn the_body_gives_back_the_text() {
        let a = sample();
        let (_dir, xml) = render(&a);
        for (d, x) in a.documents.iter().zip(&xml) {
            let tags = check_xml(x).unwrap();
            let expected: String = d
                .text
                .chars()
                .map(|c| if xml_char_ok(c) { c } else { '\u{FFFD}' })
                .collect();
            assert_eq!(text_content(x, &tags, "body"), expected);
            let body = tags.iter().find(|t| t.name == "body").unwrap();
            assert_eq!(attr(body, "xml:space"), Some("preserve"));
        }
    }

    #[test]
    fn paragraphs_split_at_blank_lines_and_lines_get_lb() {
        let a = sample();
        let (_dir, xml) = render(&a);
        let tags = check_xml(&xml[0]).unwrap();
        let paras: Vec<String> = tags
            .iter()
            .enumerate()
            .filter(|(_, t)| t.name == "p" && !t.closing)
            .skip(1) // The publication statement.
            .map(|(i, _)| text_content(&xml[0], &tags[i..], "p"))
            .collect();
        assert_eq!(paras.len(), 3, "{paras:?}");
        assert!(paras[0].starts_with("Письмо") && paras[0].ends_with("</b>."));
        assert_eq!(paras[1], "\"Quoted\" by O'Brien & Co.");
        assert_eq!(paras[2], "End ]]> \u{FFFD}");
        assert!(xml[0].contains("met in <placeName ref=\"http://www.wikidata.org/entity/Q33935\">Tel\n<lb/>Aviv</placeName> &amp; &lt;b&gt;"));
        assert!(xml[0].contains("]]&gt;"));
        assert_eq!(paragraphs(&"  \n ".chars().collect::<Vec<_>>()), []);
        assert_eq!(
            paragraphs(&"a\r\nb\r\rc".chars().collect::<Vec<_>>()),
            [(0, 4), (6, 7)]
        );
    }

    #[test]
    fn mentions_are_marked_with_the_right_element_and_ref() {
        let a = sample();
        let (_dir, xml) = render(&a);
        let marked = |x: &str| -> Vec<(String, Option<String>, String, String)> {
            let tags = check_xml(x).unwrap();
            let body = tags.iter().position(|t| t.name == "body").unwrap();
            tags[body + 1..]
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.closing && !t.empty && t.name != "p")
                .map(|(i, t)| {
                    (
                        t.name.clone(),
                        attr(t, "type").map(str::to_string),
                        attr(t, "ref").unwrap().to_string(),
                        text_content(x, &tags[body + 1 + i..], &t.name),
                    )
                })
                .collect()
        };
        let wd = |q: &str| format!("http://www.wikidata.org/entity/{q}");
        let d1 = marked(&xml[0]);
        assert_eq!(
            d1,
            [
                ("persName".into(), None, wd("Q855"), "Stalin".into()),
                (
                    "persName".into(),
                    None,
                    "#moshe-sharett".into(),
                    "Sharett".into()
                ),
                ("placeName".into(), None, wd("Q33935"), "Tel\nAviv".into()),
                (
                    "orgName".into(),
                    None,
                    "#e-1obrien".into(),
                    "O'Brien & Co".into()
                ),
            ]
        );
        // The event crosses a paragraph break, so it is marked in both
        // paragraphs; the overlapping mention inside it is not marked.
        let d2 = marked(&xml[1]);
        let event = Some("event".to_string());
        assert_eq!(
            d2,
            [
                (
                    "rs".into(),
                    event.clone(),
                    wd("Q49097"),
                    "Suez Crisis;".into()
                ),
                ("rs".into(), event, wd("Q49097"), "Stalin".into()),
                (
                    "rs".into(),
                    Some("work".into()),
                    "#das-kapital".into(),
                    "Das Kapital".into()
                ),
            ]
        );
    }

    #[test]
    fn standoff_lists_the_documents_entities_in_first_mention_order() {
        let a = sample();
        let (_dir, xml) = render(&a);
        let entries = |x: &str| -> Vec<(String, String, Vec<String>)> {
            let tags = check_xml(x).unwrap();
            tags.iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let id = attr(t, "xml:id")?;
                    let idnos = tags[i..]
                        .iter()
                        .take_while(|u| !(u.closing && u.name == t.name))
                        .enumerate()
                        .filter(|(_, u)| u.name == "idno" && !u.closing)
                        .map(|(j, _)| text_content(x, &tags[i + j..], "idno"))
                        .collect();
                    Some((t.name.clone(), id.to_string(), idnos))
                })
                .collect()
        };
        let iri = |id: &str| format!("https://example.org/id/{id}");
        assert_eq!(
            entries(&xml[0]),
            [
                (
                    "person".into(),
                    "stalin".into(),
                    vec![iri("stalin"), "Q855".into()]
                ),
                (
                    "person".into(),
                    "moshe-sharett".into(),
                    vec![iri("moshe-sharett")]
                ),
                ("org".into(), "e-1obrien".into(), vec![iri("1obrien")]),
                (
                    "place".into(),
                    "tel-aviv".into(),
                    vec![iri("tel-aviv"), "Q33935".into()]
                ),
            ]
        );
        // The overlapped Sharett mention still lists its entity.
        let d2: Vec<String> = entries(&xml[1]).into_iter().map(|e| e.0).collect();
        assert_eq!(d2, ["person", "event", "bibl"]);
        // Labels are escaped, never markup.
        assert!(xml[0]
            .contains("<orgName>=HYPERLINK(\"x\")&lt;b&gt;O'Brien &amp; Co&lt;/b&gt;\n</orgName>"));
        assert!(!xml[0].contains("<b>"));
        // Every #ref points at an xml:id of the same file.
        for x in &xml {
            let tags = check_xml(x).unwrap();
            let ids: HashSet<&str> = tags.iter().filter_map(|t| attr(t, "xml:id")).collect();
            for t in &tags {
                if let Some(r) = attr(t, "ref").and_then(|r| r.strip_prefix('#')) {
                    assert!(ids.contains(r), "#{r} dangles");
                }
            }
        }
    }

    #[test]
    fn the_header_carries_title_source_and_date() {
        let a = sample();
        let (_dir, xml) = render(&a);
        let tags = check_xml(&xml[0]).unwrap();
        assert_eq!(
            text_content(&xml[0], &tags, "title"),
            "Letter <one> & \"more\""
        );
        assert!(xml[0].contains("<date when=\"1953-07-15\">1953-07-15</date>"));
        assert!(xml[0]
            .contains("<idno type=\"URI\">https://example.org/doc/d1?a=1&amp;b=&lt;2&gt;</idno>"));
        // An untitled document is titled by its id; a free-text date gets
        // no @when.
        let tags = check_xml(&xml[1]).unwrap();
        assert_eq!(text_content(&xml[1], &tags, "title"), "d2");
        assert!(xml[1].contains("<date>summer 1956</date>"));
    }

    #[test]
    fn xml_ids_are_unique_ncnames() {
        let mut taken = HashSet::new();
        assert_eq!(xml_id("tel-aviv", &mut taken), "tel-aviv");
        assert_eq!(xml_id("1", &mut taken), "e-1");
        assert_eq!(xml_id("e-1", &mut taken), "e-1-2");
        assert_eq!(xml_id(".x", &mut taken), "e-.x");
        assert_eq!(xml_id("-y", &mut taken), "e--y");
        assert_eq!(xml_id("_z", &mut taken), "_z");
        assert_eq!(xml_id("a b", &mut taken), "a_b");
        assert_eq!(xml_id("", &mut taken), "e-");
    }

    #[test]
    fn documents_without_text_or_mentions_stay_valid() {
        let a = Annotated {
            documents: vec![Document {
                id: "d1".into(),
                iri: "https://example.org/doc/d1".into(),
                title: "Empty".into(),
                kind: String::new(),
                date: None,
                text: " \n\n ".into(),
                mentions: Vec::new(),
                unlisted: Vec::new(),
            }],
            entities: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let files = write(&a, dir.path()).unwrap();
        let x = std::fs::read_to_string(&files[0]).unwrap();
        let tags = check_xml(&x).unwrap();
        assert!(!x.contains("standOff"));
        assert!(x.contains("<p/>"));
        assert_eq!(text_content(&x, &tags, "body"), " \n\n ");
    }
}
