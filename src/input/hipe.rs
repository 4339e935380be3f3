//! HIPE-2022 data: the field's benchmark format for named entities in
//! historical newspapers, read into a corpus and written back.
//!
//! A HIPE file is tab-separated, one token a row, with the columns `TOKEN
//! NE-COARSE-LIT NE-COARSE-METO NE-FINE-LIT NE-FINE-METO NE-FINE-COMP
//! NE-NESTED NEL-LIT NEL-METO MISC` (IOB tags, a Wikidata QID or `NIL`, and
//! `NoSpaceAfter`, `EndOfLine`, `EndOfSentence` flags in `MISC`); comment
//! lines `# hipe2022:document_id = …`, `# hipe2022:date = …` and others open
//! each document. [`read`] parses it and rebuilds each document's text from
//! its tokens: a space between tokens, none after `NoSpaceAfter`, a line
//! break after `EndOfLine`. [`import`] writes a corpus of those texts, its
//! gold standard and, on request, a gazetteer made from gold names and
//! QIDs; [`write_predictions`] writes a system's mentions back as HIPE TSV.
//!
//! HIPE's coarse classes map to annalist's types: `LOC`, `BUILDING` and
//! `STREET` (topres19th) are places; `PERS` persons; `ORG` organisations;
//! `PROD`, `HUMANPROD` works; `TIME` and anything else are not imported.
//!
//! Invariant: a document's text is a pure function of its tokens, and every
//! token's offsets (code points) point at the token in that text, so gold
//! mentions and predictions cross between the two forms without loss.

use crate::error::{Error, InputError, Position, Result};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The columns of a HIPE-2022 file, in order.
pub const COLUMNS: [&str; 10] = [
    "TOKEN",
    "NE-COARSE-LIT",
    "NE-COARSE-METO",
    "NE-FINE-LIT",
    "NE-FINE-METO",
    "NE-FINE-COMP",
    "NE-NESTED",
    "NEL-LIT",
    "NEL-METO",
    "MISC",
];

/// One token row.
#[derive(Debug, Clone)]
pub struct Token {
    /// The row as read (its cells), so that it can be written back.
    pub cells: Vec<String>,
    /// Code-point offsets of the token in the document's text.
    pub start: usize,
    pub end: usize,
}

impl Token {
    fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", String::as_str)
    }

    fn flag(&self, name: &str) -> bool {
        self.cell(9).split('|').any(|f| f == name)
    }
}

/// One document of a HIPE file.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    /// Every comment line before its tokens, as (key, value): `hipe2022:date`, …
    pub meta: Vec<(String, String)>,
    pub tokens: Vec<Token>,
    /// The text rebuilt from the tokens.
    pub text: String,
    /// The line of the document id, for messages.
    pub line: usize,
}

impl Document {
    /// The value of a comment line such as `hipe2022:date`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A gold mention: its tokens' span, class and link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The coarse class without its IOB prefix: `LOC`, `BUILDING`, …
    pub class: String,
    /// A QID, `NIL`, or empty when the file gives none.
    pub link: String,
}

/// A HIPE file, read.
#[derive(Debug, Clone)]
pub struct File {
    pub path: PathBuf,
    /// The header line as read.
    pub header: String,
    pub documents: Vec<Document>,
}

/// Reads a HIPE TSV file.
pub fn read(path: &Path) -> Result<File> {
    let text = crate::text::table::read_text(path)?;
    let mut lines = text.lines().enumerate();
    let header = match lines.next() {
        Some((_, h)) => h.trim_start_matches('\u{feff}').to_string(),
        None => String::new(),
    };
    let names: Vec<&str> = header.split('\t').collect();
    if names.first() != Some(&"TOKEN") || names.len() < 2 {
        return Err(InputError::new(
            path,
            format!("the header {header:?} is not a HIPE header"),
            format!(
                "give a HIPE-2022 TSV file, whose first line names the columns: {}",
                COLUMNS.join(" ")
            ),
        )
        .at(Position { line: 1, column: 1 })
        .into());
    }
    if names != COLUMNS {
        return Err(InputError::new(
            path,
            format!("the header names the columns {names:?}"),
            format!(
                "give a HIPE-2022 file with the columns {}",
                COLUMNS.join(" ")
            ),
        )
        .at(Position { line: 1, column: 1 })
        .into());
    }
    let mut documents: Vec<Document> = Vec::new();
    let mut pending: Vec<(String, String)> = Vec::new();
    let mut pending_line = 0;
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        // A token may be `#` itself: a comment line has no tab.
        if let Some(comment) = line.strip_prefix('#').filter(|_| !line.contains('\t')) {
            let (k, v) = comment.split_once('=').unwrap_or((comment, ""));
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            if k == "hipe2022:document_id" {
                // A new document starts: the comments read so far that
                // came after the previous document's tokens belong to it.
                pending_line = n;
            }
            pending.push((k, v));
            continue;
        }
        if !pending.is_empty() {
            let id = pending
                .iter()
                .find(|(k, _)| k == "hipe2022:document_id")
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    Error::from(
                        InputError::new(
                            path,
                            "tokens follow comment lines without a document id",
                            "open every document with # hipe2022:document_id = ID",
                        )
                        .at(Position { line: n, column: 1 }),
                    )
                })?;
            if !crate::input::corpus::is_valid_id(&id) {
                return Err(InputError::new(
                    path,
                    format!("document id {id:?} is not a valid id"),
                    "use letters, digits, '.', '_' and '-', starting with a letter or digit",
                )
                .at(Position {
                    line: pending_line,
                    column: 1,
                })
                .into());
            }
            if documents.iter().any(|d| d.id == id) {
                return Err(InputError::new(
                    path,
                    format!("document id {id:?} appears twice"),
                    "give every document its own id",
                )
                .at(Position {
                    line: pending_line,
                    column: 1,
                })
                .into());
            }
            documents.push(Document {
                id,
                meta: std::mem::take(&mut pending),
                tokens: Vec::new(),
                text: String::new(),
                line: pending_line,
            });
        }
        let Some(doc) = documents.last_mut() else {
            return Err(InputError::new(
                path,
                "a token before any document",
                "open every document with # hipe2022:document_id = ID",
            )
            .at(Position { line: n, column: 1 })
            .into());
        };
        let cells: Vec<String> = line.split('\t').map(str::to_string).collect();
        if cells.len() != COLUMNS.len() {
            return Err(InputError::new(
                path,
                format!(
                    "row has {} fields, the header has {}",
                    cells.len(),
                    COLUMNS.len()
                ),
                "separate the ten columns with tabs",
            )
            .at(Position { line: n, column: 1 })
            .into());
        }
        let tag = cells[1].as_str();
        if !(tag == "O" || tag == "_" || tag.starts_with("B-") || tag.starts_with("I-")) {
            return Err(InputError::new(
                path,
                format!("NE-COARSE-LIT {tag:?} is not an IOB tag"),
                "write O, B-CLASS or I-CLASS",
            )
            .at(Position {
                line: n,
                column: cells[0].chars().count() + 2,
            })
            .into());
        }
        doc.tokens.push(Token {
            cells,
            start: 0,
            end: 0,
        });
    }
    for d in &mut documents {
        rebuild_text(d);
    }
    Ok(File {
        path: path.to_path_buf(),
        header,
        documents,
    })
}

/// Rebuilds a document's text from its tokens and sets their offsets.
fn rebuild_text(d: &mut Document) {
    let mut text = String::new();
    let mut cp = 0;
    let last = d.tokens.len().saturating_sub(1);
    for (i, t) in d.tokens.iter_mut().enumerate() {
        let word = t.cells[0].as_str();
        t.start = cp;
        text.push_str(word);
        cp += word.chars().count();
        t.end = cp;
        let sep = if t.flag("EndOfLine") || i == last {
            "\n"
        } else if t.flag("NoSpaceAfter") {
            ""
        } else {
            " "
        };
        text.push_str(sep);
        cp += sep.chars().count();
    }
    d.text = text;
}

/// The gold mentions of a document (its NE-COARSE-LIT and NEL-LIT columns),
/// read as HIPE's scorer reads them: a `B-` tag always opens a mention.
pub fn mentions(d: &Document) -> Vec<Mention> {
    read_mentions(d, false)
}

/// The gold names of a document, for a gazetteer: its mentions, except that
/// a name the files' sentence splitter cut is whole again. The splitter ends
/// a sentence after the full stop of "St." or "Mr." even inside a name, and
/// the tags restart there (`St` `I-BUILDING`, `.` `I-BUILDING` with
/// `EndOfSentence`, `Marys` `B-BUILDING`, all linked to one QID), so read
/// as tagged a gazetteer would learn "St." and "Marys" as two places. A
/// `B-` tag continues the open mention when the token before it is inside
/// that mention, ends a sentence, and has the same class and link.
pub fn names(d: &Document) -> Vec<Mention> {
    read_mentions(d, true)
}

fn read_mentions(d: &Document, join_sentence_cuts: bool) -> Vec<Mention> {
    let chars: Vec<char> = d.text.chars().collect();
    let mut out: Vec<Mention> = Vec::new();
    let mut open = false;
    let mut after_sentence = false;
    for t in &d.tokens {
        let tag = t.cell(1);
        let (iob, class) = tag.split_once('-').unwrap_or((tag, ""));
        let link = link_cell(t.cell(7));
        let same = |m: &Mention| m.class == class;
        let continues = (iob == "I" && open && out.last().is_some_and(same))
            || (join_sentence_cuts
                && iob == "B"
                && open
                && after_sentence
                && out.last().is_some_and(|m| same(m) && m.link == link));
        after_sentence = t.flag("EndOfSentence");
        if continues {
            if let Some(m) = out.last_mut() {
                m.end = t.end;
            }
        } else if iob == "B" || iob == "I" {
            out.push(Mention {
                start: t.start,
                end: t.end,
                text: String::new(),
                class: class.to_string(),
                link,
            });
        }
        open = iob == "B" || iob == "I";
    }
    for m in &mut out {
        m.text = chars[m.start..m.end].iter().collect();
    }
    out
}

fn link_cell(cell: &str) -> String {
    match cell.trim() {
        "_" | "" => String::new(),
        v => v.to_string(),
    }
}

/// The file of an imported corpus that gives each gazetteer entity the HIPE
/// class its names have most often in the gold it was made from, so that a
/// mention of it is predicted in that class (`Wimborne Minster` is a `LOC`,
/// though a minster is a building).
pub const CLASSES_FILE: &str = "hipe-classes.csv";

/// The columns of [`CLASSES_FILE`].
pub const CLASS_COLUMNS: [&str; 2] = ["entity", "class"];

/// Reads a corpus's [`CLASSES_FILE`]: entity id → HIPE class. A missing
/// file gives an empty map; a malformed one is an error with its place.
pub fn read_classes(corpus: &Path) -> Result<HashMap<String, String>> {
    let path = corpus.join(CLASSES_FILE);
    if !path.is_file() {
        return Ok(HashMap::new());
    }
    let table = crate::text::table::Table::read(&path)?;
    let mut out = HashMap::new();
    for row in table.rows(&CLASS_COLUMNS)? {
        let (id, _) = row.cell(0);
        let (class, _) = row.cell(1);
        out.insert(id, class);
    }
    Ok(out)
}

/// annalist's type for a HIPE coarse class, or None for classes it does
/// not import (`TIME`, …).
pub fn entity_type(class: &str) -> Option<&'static str> {
    match class.to_ascii_uppercase().as_str() {
        "LOC" | "BUILDING" | "STREET" => Some("Place"),
        "PERS" => Some("Person"),
        "ORG" => Some("Organisation"),
        "PROD" | "HUMANPROD" => Some("Work"),
        _ => None,
    }
}

/// Words that end the name of a street, and of a building (topres19th's
/// `STREET` and `BUILDING`).
const STREET_WORDS: &str = "street st road rd lane square row terrace place crescent \
    walk avenue parade gate gardens hill court yard wharf quay strand cross";
const BUILDING_WORDS: &str = "church chapel cathedral abbey minster hall hotel inn \
    tavern arms infirmary hospital exchange theatre theater college school house \
    mill mills castle gaol prison workhouse market station office bank palace \
    asylum museum library barracks bridge tower institution institute room rooms \
    warehouse works factory dock docks club farm lodge grange cottage villa manor \
    public-house beerhouse";

/// The HIPE coarse class of a place's name: `STREET` or `BUILDING` when its
/// last word is one of those words (`Deansgate` is not, `Market Street`
/// is), else `LOC`. Persons give `PERS`, organisations `ORG`, works `PROD`.
pub fn class_of(kind: &str, name: &str) -> &'static str {
    match kind {
        "Person" => return "PERS",
        "Organisation" => return "ORG",
        "Work" => return "PROD",
        _ => {}
    }
    // The head word: the last, or the one before `of` (`House of Commons`).
    let lower = name.to_lowercase();
    let last = lower
        .split_once(" of ")
        .map(|(before, _)| before)
        .unwrap_or(&lower)
        .split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .unwrap_or("")
        .to_string();
    // A street word may be OCR'd by one letter (`Stamford-slreet`).
    let has = |list: &str| {
        list.split_whitespace()
            .any(|w| w == last || (w.len() >= 6 && crate::text::names::near_in_print(w, &last)))
    };
    // `Albion-street` is two words as much as `Albion Street`.
    let words = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .count();
    // `Butlerstreet`: a street's word run into its name.
    let run_in = last.len() > "street".len() + 2 && last.ends_with("street");
    if words > 1 && has(STREET_WORDS) || run_in {
        "STREET"
    } else if words > 1 && has(BUILDING_WORDS) {
        "BUILDING"
    } else {
        "LOC"
    }
}

/// What [`import`] wrote.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub documents: usize,
    pub mentions: usize,
    /// Mentions of classes that are not imported (see [`entity_type`]).
    pub skipped: usize,
    /// Gazetteer rows written (0 without a gazetteer).
    pub entities: usize,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Make the gazetteer from the gold of the imported files.
    pub gazetteer: bool,
    /// Make the gazetteer from the gold of these files instead (a training
    /// set, so that the imported files can be scored fairly).
    pub gazetteer_from: Vec<PathBuf>,
}

/// Writes a corpus in `out` (which must not exist or be empty): one text
/// a document under `texts/`, `documents.csv` with each document's date and
/// its comment lines, `manifest.toml`, `gold.csv` (with `wikidata` and
/// `class` columns), a copy of the HIPE files under `hipe/` for
/// `evaluate --hipe-out`, `gazetteer.csv` (empty unless asked for) and
/// [`CLASSES_FILE`], the class of each of its entities.
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<Imported> {
    let read_all =
        |paths: &[PathBuf]| -> Result<Vec<File>> { paths.iter().map(|p| read(p)).collect() };
    let inputs = read_all(files)?;
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for f in &inputs {
        for d in &f.documents {
            if let Some(other) = seen.insert(&d.id, &f.path) {
                return Err(InputError::new(
                    &f.path,
                    format!("document id {:?} is also in {}", d.id, other.display()),
                    "import each document once",
                )
                .at(Position {
                    line: d.line,
                    column: 1,
                })
                .into());
            }
        }
    }
    if out.exists()
        && std::fs::read_dir(out)
            .map_err(|e| Error::io(out, e))?
            .next()
            .is_some()
    {
        return Err(Error::Usage {
            message: format!("{} exists and is not empty", out.display()),
            fix: "give -o a new directory".into(),
        });
    }
    for dir in [out.join("texts"), out.join("hipe")] {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    let write = |rel: &str, bytes: &[u8]| -> Result<()> {
        let path = out.join(rel);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
    };
    let mut summary = Imported::default();
    let mut sheet = csv::Writer::from_writer(Vec::new());
    let mut gold = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::io(out, e.into());
    sheet
        .write_record([
            "file", "id", "title", "kind", "date", "source", "language", "note",
        ])
        .map_err(csv_err)?;
    gold.write_record([
        "document", "start", "end", "text", "type", "entity", "wikidata", "class",
    ])
    .map_err(csv_err)?;
    let mut names = Names::default();
    for (f, input) in inputs.iter().enumerate() {
        let name = input.path.file_name().map_or_else(
            || format!("file-{f}.tsv"),
            |n| n.to_string_lossy().into_owned(),
        );
        let bytes = std::fs::read(&input.path).map_err(|e| Error::io(&input.path, e))?;
        write(&format!("hipe/{name}"), &bytes)?;
        for d in &input.documents {
            summary.documents += 1;
            let file = format!("texts/{}.txt", d.id);
            write(&file, d.text.as_bytes())?;
            let date = d
                .meta("hipe2022:date")
                .filter(|v| crate::input::date::PartialDate::parse(v).is_some())
                .unwrap_or("");
            let title = match d.meta("topres19th:publication_title") {
                Some(p) if !date.is_empty() => format!("{} ({p}, {date})", d.id),
                Some(p) => format!("{} ({p})", d.id),
                None => d.id.clone(),
            };
            let note: Vec<String> = d
                .meta
                .iter()
                .filter(|(k, _)| k != "hipe2022:document_id")
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            let kind = match d.meta("hipe2022:document_type") {
                Some("newspaper") => "article",
                _ => "other",
            };
            sheet
                .write_record([
                    file.as_str(),
                    &d.id,
                    &title,
                    kind,
                    date,
                    &format!("HIPE-2022 {name}"),
                    d.meta("hipe2022:language").unwrap_or(""),
                    &note.join("; "),
                ])
                .map_err(csv_err)?;
            for m in mentions(d) {
                let Some(kind) = entity_type(&m.class) else {
                    summary.skipped += 1;
                    continue;
                };
                summary.mentions += 1;
                gold.write_record([
                    d.id.as_str(),
                    &m.start.to_string(),
                    &m.end.to_string(),
                    &m.text,
                    kind,
                    "",
                    &m.link,
                    &m.class,
                ])
                .map_err(csv_err)?;
            }
            if options.gazetteer && options.gazetteer_from.is_empty() {
                for m in self::names(d) {
                    if entity_type(&m.class).is_some() {
                        names.add(&m, &name);
                    }
                }
            }
        }
    }
    for input in read_all(&options.gazetteer_from)? {
        let name = input
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for d in &input.documents {
            for m in self::names(d) {
                if entity_type(&m.class).is_some() {
                    names.add(&m, &name);
                }
            }
        }
    }
    let into_bytes = |w: csv::Writer<Vec<u8>>| -> Result<Vec<u8>> {
        w.into_inner().map_err(|e| Error::io(out, e.into_error()))
    };
    write("documents.csv", &into_bytes(sheet)?)?;
    write("gold.csv", &into_bytes(gold)?)?;
    let Made {
        bytes: gazetteer,
        rows: entities,
        classes,
    } = names.gazetteer()?;
    summary.entities = entities;
    write("gazetteer.csv", &gazetteer)?;
    let mut class_table = csv::Writer::from_writer(Vec::new());
    class_table.write_record(CLASS_COLUMNS).map_err(csv_err)?;
    for (id, class) in &classes {
        class_table.write_record([id, class]).map_err(csv_err)?;
    }
    write(CLASSES_FILE, &into_bytes(class_table)?)?;
    let sources: Vec<String> = inputs
        .iter()
        .map(|f| f.path.display().to_string())
        .collect();
    let mut manifest = String::new();
    let _ = writeln!(
        manifest,
        "# Imported by `annalist import hipe` from {}.\n\
         # The texts are rebuilt from the tokens; gold.csv holds the gold mentions\n\
         # (wikidata: the gold QID or NIL; class: the HIPE coarse class).\n\
         [corpus]\ntitle = {}\nbase_iri = \"https://example.org/hipe/\"",
        sources.join(", "),
        toml_string(&format!("HIPE-2022: {}", sources.join(", ")))
    );
    write("manifest.toml", manifest.as_bytes())?;
    Ok(summary)
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Gold names and links, gathered for a gazetteer.
#[derive(Default)]
struct Names {
    /// name → link (QID or NIL) → count
    by_name: BTreeMap<String, BTreeMap<String, usize>>,
    /// name → HIPE class → count
    classes: BTreeMap<String, BTreeMap<String, usize>>,
    sources: BTreeMap<String, ()>,
}

impl Names {
    fn add(&mut self, m: &Mention, source: &str) {
        let name = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        // A title or an abbreviation alone (`St.`, `Mr.`), left by a
        // mention cut short, names no place.
        let key = crate::text::names::name_key(&name);
        if !key.contains(' ')
            && (crate::text::names::is_title(&name)
                || crate::text::names::ABBREVIATIONS
                    .split_whitespace()
                    .any(|a| a == key))
        {
            return;
        }
        let link = if m.link.is_empty() {
            "NIL"
        } else {
            m.link.as_str()
        };
        *self
            .classes
            .entry(name.clone())
            .or_default()
            .entry(m.class.clone())
            .or_default() += 1;
        *self
            .by_name
            .entry(name)
            .or_default()
            .entry(link.to_string())
            .or_default() += 1;
        self.sources.insert(source.to_string(), ());
    }

    /// The gazetteer CSV: one entity a QID, named by every name the gold
    /// gives it most often (a name linked to several QIDs goes to the
    /// commonest, ties to the smaller QID), and one unlinked entity a name
    /// that the gold only ever marks NIL. Spellings the tagger takes for one
    /// name (the same once folded and upper-cased, as "Bury Street" and
    /// "BURY STREET") are decided together and go to one entity, so that no
    /// name of the gazetteer is shared. Each entity takes the type of the
    /// HIPE class the gold gives its names most often (ties to the first
    /// by name).
    fn gazetteer(&self) -> Result<Made> {
        // folded key → (link → count, spelling → count)
        type Group = (BTreeMap<String, usize>, BTreeMap<String, usize>);
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        for (name, links) in &self.by_name {
            let key = crate::text::fold::fold(name).0.to_uppercase();
            let (group_links, spellings) = groups.entry(key).or_default();
            for (link, n) in links {
                *group_links.entry(link.clone()).or_default() += n;
            }
            *spellings.entry(name.clone()).or_default() += links.values().sum::<usize>();
        }
        let mut entities: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (links, spellings) in groups.values() {
            let Some((link, _)) = links.iter().max_by(|a, b| {
                a.1.cmp(b.1)
                    .then_with(|| qid_order(b.0).cmp(&qid_order(a.0)))
            }) else {
                continue;
            };
            let commonest = spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            let entity = entities
                .entry(if link == "NIL" {
                    format!("NIL:{commonest}")
                } else {
                    link.clone()
                })
                .or_default();
            for (name, total) in spellings {
                entity.insert(name.clone(), *total);
            }
        }
        let sources: Vec<&str> = self.sources.keys().map(String::as_str).collect();
        let source = format!("the gold standard of HIPE-2022 {}", sources.join(", "));
        let mut w = csv::Writer::from_writer(Vec::new());
        let err = |e: csv::Error| Error::Output(std::io::Error::other(e));
        w.write_record(crate::input::gazetteer::COLUMNS)
            .map_err(err)?;
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut rows = 0;
        let mut classes = Vec::new();
        for (key, names) in &entities {
            let mut class_counts: BTreeMap<&str, usize> = BTreeMap::new();
            for name in names.keys() {
                for (c, n) in self.classes.get(name).into_iter().flatten() {
                    *class_counts.entry(c.as_str()).or_default() += n;
                }
            }
            let class = class_counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map_or("LOC", |(c, _)| *c);
            let kind = entity_type(class).unwrap_or("Place");
            let mut by_count: Vec<(&String, &usize)> = names.iter().collect();
            by_count.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            // The label is the commonest name with two letters or digits;
            // shorter names (OCR debris) stay aliases, which loading leaves
            // out with a warning.
            let usable = |n: &str| n.chars().filter(|c| c.is_alphanumeric()).count() >= 2;
            let Some(l) = by_count.iter().position(|(n, _)| usable(n)) else {
                continue;
            };
            let label = by_count[l].0.clone();
            let aliases: Vec<&str> = by_count
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != l)
                .map(|(_, (n, _))| n.as_str())
                .collect();
            let mentions: usize = names.values().sum();
            let (id, wikidata, wd_source, description) = match key.strip_prefix("NIL:") {
                Some(_) => {
                    let base = format!("nil-{}", crate::text::names::slug(&label));
                    let n = ids.entry(base.clone()).or_insert(0);
                    *n += 1;
                    let id = if *n == 1 { base } else { format!("{base}-{n}") };
                    (
                        id,
                        String::new(),
                        String::new(),
                        format!("NIL in {source}: no Wikidata item ({mentions} mentions)"),
                    )
                }
                None => (
                    key.to_ascii_lowercase(),
                    key.clone(),
                    source.clone(),
                    format!("from {source} ({mentions} mentions)"),
                ),
            };
            classes.push((id.clone(), class.to_string()));
            w.write_record([
                id.as_str(),
                kind,
                &label,
                &aliases.join("|"),
                &wikidata,
                &wd_source,
                &description,
            ])
            .map_err(err)?;
            rows += 1;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::Output(std::io::Error::other(e.to_string())))?;
        Ok(Made {
            bytes,
            rows,
            classes,
        })
    }
}

/// A gazetteer made from gold names.
struct Made {
    /// The CSV.
    bytes: Vec<u8>,
    rows: usize,
    /// Each entity's HIPE class, by id, in the rows' order.
    classes: Vec<(String, String)>,
}

/// QIDs by number, so that ties break the same way every time.
fn qid_order(link: &str) -> (u8, u64) {
    match link.strip_prefix('Q').and_then(|n| n.parse().ok()) {
        Some(n) => (0, n),
        None => (1, 0),
    }
}

/// Where a document's sentences meet, as (end of a sentence's last token,
/// start of the next token), in code points. The tags of a HIPE file
/// restart after each (see [`names`]), and [`write_predictions`] restarts
/// them there too, so a scorer reading the file sees a prediction that runs
/// across one as two mentions.
pub fn sentence_cuts(d: &Document) -> Vec<(usize, usize)> {
    d.tokens
        .windows(2)
        .filter(|w| w[0].flag("EndOfSentence"))
        .map(|w| (w[0].end, w[1].start))
        .collect()
}

/// A predicted mention for [`write_predictions`]: code points in its
/// document, the HIPE class and the link (QID, or `NIL`).
#[derive(Debug, Clone)]
pub struct Prediction {
    pub start: usize,
    pub end: usize,
    pub class: String,
    pub link: String,
}

/// Writes `files` back as one HIPE TSV with the same tokens and comment
/// lines, NE-COARSE-LIT and NEL-LIT set from `predictions` (by document id;
/// a token is inside a prediction when their spans overlap) and every
/// other annotation column `_`. A prediction's tags restart with `B-` after
/// a token that ends a sentence, as the gold's do. Documents without
/// predictions are written with every token `O`.
pub fn write_predictions(
    files: &[File],
    predictions: &HashMap<String, Vec<Prediction>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let header = COLUMNS.join("\t");
    writeln!(out, "{header}")?;
    for f in files {
        for d in &f.documents {
            for (k, v) in &d.meta {
                writeln!(out, "# {k} = {v}")?;
            }
            let mut preds: Vec<&Prediction> = predictions
                .get(&d.id)
                .map(|p| p.iter().collect())
                .unwrap_or_default();
            preds.sort_by_key(|p| (p.start, p.end));
            let mut last: Option<usize> = None;
            let mut after_sentence = false;
            for t in &d.tokens {
                let hit = preds
                    .iter()
                    .position(|p| p.start < t.end && t.start < p.end);
                let (tag, link) = match hit {
                    Some(i) => {
                        let p = preds[i];
                        let iob = if last == Some(i) && !after_sentence {
                            "I"
                        } else {
                            "B"
                        };
                        (format!("{iob}-{}", p.class), p.link.clone())
                    }
                    None => ("O".to_string(), "_".to_string()),
                };
                last = hit;
                after_sentence = t.flag("EndOfSentence");
                writeln!(
                    out,
                    "{}\t{tag}\t_\t_\t_\t_\t_\t{link}\t_\t{}",
                    t.cell(0),
                    t.cell(9)
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rows: &[&str]) -> Document {
        let mut d = Document {
            id: "d".into(),
            meta: Vec::new(),
            tokens: rows
                .iter()
                .map(|r| Token {
                    cells: r.split('\t').map(str::to_string).collect(),
                    start: 0,
                    end: 0,
                })
                .collect(),
            text: String::new(),
            line: 1,
        };
        rebuild_text(&mut d);
        d
    }

    #[test]
    fn text_honours_no_space_after_and_end_of_line() {
        let d = doc(&[
            "In\tO\t_\t_\t_\t_\t_\t_\t_\t_",
            "St\tB-LOC\t_\t_\t_\t_\t_\tQ1\t_\tNoSpaceAfter",
            ".\tI-LOC\t_\t_\t_\t_\t_\tQ1\t_\t_",
            "Helens\tI-LOC\t_\t_\t_\t_\t_\tQ1\t_\tNoSpaceAfter|EndOfLine",
            "Bold\tB-STREET\t_\t_\t_\t_\t_\tNIL\t_\t_",
            "Street\tI-STREET\t_\t_\t_\t_\t_\tNIL\t_\tEndOfSentence",
        ]);
        assert_eq!(d.text, "In St. Helens\nBold Street\n");
        let m = mentions(&d);
        assert_eq!(m.len(), 2);
        assert_eq!(
            (m[0].text.as_str(), m[0].class.as_str(), m[0].link.as_str()),
            ("St. Helens", "LOC", "Q1")
        );
        assert_eq!(
            (m[1].text.as_str(), m[1].class.as_str(), m[1].link.as_str()),
            ("Bold Street", "STREET", "NIL")
        );
    }

    #[test]
    fn spellings_the_tagger_takes_for_one_name_make_one_entity() {
        let mut names = Names::default();
        let m = |text: &str, link: &str| Mention {
            start: 0,
            end: 0,
            text: text.into(),
            class: "STREET".into(),
            link: link.into(),
        };
        for (text, link) in [
            ("Bury Street", "NIL"),
            ("BURY STREET", "NIL"),
            ("Bury Street", "NIL"),
            ("Church Street", "Q5"),
            ("CHURCH STREET", "NIL"),
            ("Church Street", "Q5"),
        ] {
            names.add(&m(text, link), "dev");
        }
        let Made {
            bytes: csv, rows, ..
        } = names.gazetteer().unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(rows, 2, "{csv}");
        let lines: Vec<&str> = csv.lines().skip(1).collect();
        // Each entity holds both spellings; the linked group keeps its QID.
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("nil-bury-street,") && l.contains("BURY STREET")),
            "{csv}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("q5,") && l.contains("CHURCH STREET")),
            "{csv}"
        );
    }

    #[test]
    fn classes_of_place_names() {
        assert_eq!(class_of("Place", "Market Street"), "STREET");
        assert_eq!(class_of("Place", "Royal Exchange"), "BUILDING");
        assert_eq!(class_of("Place", "Heckford Farm"), "BUILDING");
        assert_eq!(class_of("Place", "Black Mare public-house"), "BUILDING");
        assert_eq!(class_of("Place", "Manchester"), "LOC");
        assert_eq!(class_of("Place", "Street"), "LOC");
        assert_eq!(class_of("Person", "Smith"), "PERS");
        // The head word before `of`; hyphenated and OCR'd street words.
        assert_eq!(class_of("Place", "House of Commons"), "BUILDING");
        assert_eq!(class_of("Place", "Port of Weymouth"), "LOC");
        assert_eq!(class_of("Place", "Albion-street"), "STREET");
        assert_eq!(class_of("Place", "Stamford-slreet"), "STREET");
        assert_eq!(class_of("Place", "Wood-ftrcet"), "STREET");
        assert_eq!(class_of("Place", "Butlerstreet"), "STREET");
    }

    /// Rows of a name the sentence splitter cut: `St.` ends a sentence and
    /// `Marys` opens the next with `B-`, the same class and link.
    const CUT: [&str; 5] = [
        "at\tO\t_\t_\t_\t_\t_\t_\t_\t_",
        "St\tB-BUILDING\t_\t_\t_\t_\t_\tQ7\t_\tNoSpaceAfter",
        ".\tI-BUILDING\t_\t_\t_\t_\t_\tQ7\t_\tEndOfSentence",
        "Marys\tB-BUILDING\t_\t_\t_\t_\t_\tQ7\t_\tNoSpaceAfter",
        ",\tO\t_\t_\t_\t_\t_\t_\t_\t_",
    ];

    #[test]
    fn a_name_the_sentence_splitter_cut_is_whole_for_the_gazetteer_only() {
        let d = doc(&CUT);
        assert_eq!(d.text, "at St. Marys,\n");
        // The scorer reads two mentions; the gazetteer learns one name.
        let texts = |m: Vec<Mention>| m.into_iter().map(|m| m.text).collect::<Vec<_>>();
        assert_eq!(texts(mentions(&d)), ["St.", "Marys"]);
        assert_eq!(texts(names(&d)), ["St. Marys"]);
        // Another link, or another class, is another name.
        let mut other = CUT;
        other[3] = "Marys\tB-BUILDING\t_\t_\t_\t_\t_\tQ8\t_\tNoSpaceAfter";
        assert_eq!(texts(names(&doc(&other))), ["St.", "Marys"]);
        assert_eq!(sentence_cuts(&d), [(6, 7)]);
    }

    #[test]
    fn predictions_restart_after_a_sentence_as_the_gold_does() {
        let d = doc(&CUT);
        let file = File {
            path: PathBuf::from("x.tsv"),
            header: COLUMNS.join("\t"),
            documents: vec![Document {
                id: "d".into(),
                ..d
            }],
        };
        let mut predictions = HashMap::new();
        predictions.insert(
            "d".to_string(),
            vec![Prediction {
                start: 3,
                end: 12,
                class: "BUILDING".into(),
                link: "Q7".into(),
            }],
        );
        let mut out = Vec::new();
        write_predictions(&[file], &predictions, &mut out).unwrap();
        let tags: Vec<String> = String::from_utf8(out)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split('\t').nth(1).unwrap().to_string())
            .collect();
        assert_eq!(tags, ["O", "B-BUILDING", "I-BUILDING", "B-BUILDING", "O"]);
    }

    #[test]
    fn an_entity_takes_the_class_its_names_have_most_often() {
        let mut names = Names::default();
        for (text, class, link) in [
            ("Wimborne Minster", "LOC", "Q9"),
            ("WIMBORNE MINSTER", "LOC", "Q9"),
            ("Wimborne Minster", "BUILDING", "Q9"),
            ("Jos. Fielden", "PERS", "NIL"),
        ] {
            names.add(
                &Mention {
                    start: 0,
                    end: 0,
                    text: text.into(),
                    class: class.into(),
                    link: link.into(),
                },
                "train",
            );
        }
        let Made {
            bytes: csv,
            classes,
            ..
        } = names.gazetteer().unwrap();
        assert_eq!(
            classes,
            [
                ("nil-jos-fielden".to_string(), "PERS".to_string()),
                ("q9".to_string(), "LOC".to_string())
            ]
        );
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains("nil-jos-fielden,Person,"), "{csv}");
        assert!(csv.contains("q9,Place,"), "{csv}");
    }

    #[test]
    fn a_title_or_abbreviation_alone_is_no_name_of_the_gazetteer() {
        let mut names = Names::default();
        for text in ["St.", "Mr", "St. Marys"] {
            names.add(
                &Mention {
                    start: 0,
                    end: 0,
                    text: text.into(),
                    class: "LOC".into(),
                    link: "NIL".into(),
                },
                "train",
            );
        }
        let Made {
            bytes: csv, rows, ..
        } = names.gazetteer().unwrap();
        assert_eq!(rows, 1, "{}", String::from_utf8_lossy(&csv));
    }
}
