//! Wikidata JSON dumps: streamed, filtered by class, turned into gazetteer
//! rows with the facts that help to decide a link.
//!
//! A dump (`.json`, `.json.gz`, `.json.bz2`) is a JSON array with one
//! entity per line. A reader thread decompresses and cuts lines into
//! batches; one worker a core parses them; the caller's sink receives the
//! kept entities in dump order. Batches in flight are bounded by a fixed
//! number of tokens, so memory does not grow with the dump.
//!
//! Invariants: the same dumps and options give the same records in the same
//! order, whatever the number of threads; a line that is not an entity
//! (truncated, not JSON, a bad compressed stream) is an error naming the
//! file and the line, or, with `keep_going`, counted and skipped; every
//! record carries the source it was read from (file, line, revision).

use crate::error::{Error, InputError, Position, Result};
use crate::input::gazetteer::EntityType;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

/// The default class list (`ontology/wikidata-classes.csv`): each P31 class
/// QID with the gazetteer type it gives, its label and the evidence for it.
pub const DEFAULT_CLASSES: &str = include_str!("../../ontology/wikidata-classes.csv");

pub use crate::input::gazetteer::FACT_COLUMNS;

/// Which P31 classes are kept, and as which type.
#[derive(Debug, Clone, Default)]
pub struct Classes {
    map: HashMap<String, EntityType>,
}

impl Classes {
    /// The shipped default list.
    pub fn defaults() -> Classes {
        Classes::parse(Path::new("ontology/wikidata-classes.csv"), DEFAULT_CLASSES)
            .expect("the shipped class list parses")
    }

    /// Reads a class list: CSV with `qid,type` first (more columns are
    /// notes), or one `QID TYPE` a line; `#` starts a comment.
    pub fn load(path: &Path) -> Result<Classes> {
        let text = crate::text::table::read_text(path)?;
        Classes::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Classes> {
        let mut map = HashMap::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        for (i, record) in reader.records().enumerate() {
            let line = record
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(i + 1, |p| p.line() as usize);
            let record = record.map_err(|e| {
                Error::from(InputError::new(
                    path,
                    e.to_string(),
                    "write qid,type on each line",
                ))
            })?;
            let cells: Vec<&str> = if record.len() == 1 {
                record[0].split_whitespace().collect()
            } else {
                record.iter().map(str::trim).collect()
            };
            let qid = cells.first().copied().unwrap_or_default();
            if qid.is_empty() || (line == 1 && qid.eq_ignore_ascii_case("qid")) {
                continue;
            }
            let fail = |m: String| -> Error {
                InputError::new(
                    path,
                    m,
                    "write a class QID and a type (Person, Organisation, Place, Event, Work) on each line, e.g. Q5,Person",
                )
                .at(Position { line, column: 1 })
                .into()
            };
            if !is_qid(qid) {
                return Err(fail(format!("{qid:?} is not a Wikidata item id")));
            }
            let kind = cells.get(1).copied().unwrap_or_default();
            let kind = EntityType::ALL
                .into_iter()
                .find(|t| t.name().eq_ignore_ascii_case(kind))
                .ok_or_else(|| fail(format!("{kind:?} is not an entity type")))?;
            map.insert(qid.to_string(), kind);
        }
        if map.is_empty() {
            return Err(InputError::new(
                path,
                "the class list is empty",
                "list at least one class, e.g. Q5,Person",
            )
            .into());
        }
        Ok(Classes { map })
    }

    /// The type of the first listed class among `instance_of`.
    pub fn kind_of(&self, instance_of: &[String]) -> Option<EntityType> {
        instance_of.iter().find_map(|q| self.map.get(q).copied())
    }
}

/// `Q` followed by digits, without a leading zero.
pub fn is_qid(s: &str) -> bool {
    s.len() > 1
        && s.starts_with('Q')
        && s[1..].bytes().all(|b| b.is_ascii_digit())
        && !s[1..].starts_with('0')
}

/// One kept entity, ready to become a gazetteer row.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub qid: String,
    pub kind: EntityType,
    pub label: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    /// Every P31 class, in the dump's order.
    pub instance_of: Vec<String>,
    /// `born`, `died`, `founded`, `dissolved`: ISO dates as precise as the
    /// dump says (year, year-month or day); `latitude`, `longitude`;
    /// `country` (a QID).
    pub facts: BTreeMap<&'static str, String>,
    /// "Wikidata dump FILE line N, entity revision R of DATE".
    pub source: String,
}

impl Record {
    /// The gazetteer id: the label's slug and the QID, unique per QID.
    pub fn id(&self) -> String {
        let mut slug = String::new();
        for w in crate::text::names::name_key(&self.label).split(' ') {
            let w: String = w.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            if !w.is_empty() {
                if !slug.is_empty() {
                    slug.push('-');
                }
                slug.push_str(&w);
            }
            if slug.len() > 40 {
                break;
            }
        }
        if slug.is_empty() {
            self.qid.to_ascii_lowercase()
        } else {
            format!("{slug}-{}", self.qid.to_ascii_lowercase())
        }
    }

    /// The row under `COLUMNS` followed by `FACT_COLUMNS`.
    pub fn row(&self) -> Vec<String> {
        let mut row = vec![
            self.id(),
            self.kind.name().to_string(),
            self.label.clone(),
            self.aliases.join("|"),
            self.qid.clone(),
            self.source.clone(),
            self.description.clone().unwrap_or_default(),
            self.instance_of.join("|"),
        ];
        for c in &FACT_COLUMNS[1..] {
            row.push(self.facts.get(c).cloned().unwrap_or_default());
        }
        row
    }
}

/// What reading dumps did.
#[derive(Debug, Clone, Default)]
pub struct StreamSummary {
    /// Entity lines read.
    pub lines: u64,
    /// Records passed to the sink.
    pub kept: u64,
    /// Bytes of decompressed JSON read.
    pub bytes: u64,
    /// Lines that were not entities (only with `keep_going`), with their
    /// messages (the first 20).
    pub bad_lines: u64,
    pub bad_examples: Vec<String>,
    /// Dumps whose compressed stream broke off (only with `keep_going`).
    pub bad_files: Vec<String>,
}

/// How to read dumps.
#[derive(Debug, Clone)]
pub struct ReadConfig {
    pub dumps: Vec<PathBuf>,
    /// Label languages in order of preference.
    pub languages: Vec<String>,
    pub classes: Classes,
    pub keep_going: bool,
    /// Parsing threads (at least one).
    pub threads: usize,
}

const BATCH_LINES: usize = 256;
const BATCH_BYTES: usize = 4 << 20;

/// A batch of lines of one dump: the bytes, where each line ends, its first
/// line number, and whether the last line had no line end.
struct Batch {
    seq: u64,
    file: Arc<str>,
    first_line: u64,
    text: Vec<u8>,
    ends: Vec<usize>,
    cut: bool,
}

enum Parsed {
    Skip,
    Keep(Box<Record>),
    Bad(String),
}

enum FromReader {
    Batch(Batch),
    /// The stream of a dump broke off after this line.
    Broken {
        seq: u64,
        file: Arc<str>,
        line: u64,
        message: String,
    },
}

/// Reads every dump and gives each kept record to `sink`, in dump order.
pub fn read(
    config: &ReadConfig,
    mut sink: impl FnMut(Record) -> Result<()>,
) -> Result<StreamSummary> {
    let threads = config.threads.max(1);
    let in_flight = threads * 4;
    let (tokens_tx, tokens_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        tokens_tx.send(()).expect("the token channel is open");
    }
    let (batch_tx, batch_rx) = sync_channel::<FromReader>(threads * 2);
    let batch_rx = Arc::new(Mutex::new(batch_rx));
    let (out_tx, out_rx) =
        sync_channel::<(u64, Result<(Batch, Vec<Parsed>), FromReader>)>(in_flight);
    let mut summary = StreamSummary::default();
    std::thread::scope(|scope| -> Result<()> {
        let dumps = config.dumps.clone();
        let reader = scope.spawn(move || -> Result<u64> {
            let mut seq = 0u64;
            let mut bytes = 0u64;
            // A token is taken before a batch is read and travels with it;
            // an empty batch (a dump's end) keeps its token for the next.
            let mut holding = false;
            for path in &dumps {
                let file: Arc<str> = Arc::from(path.display().to_string());
                let mut input = open(path)?;
                let mut line = 0u64;
                loop {
                    if !holding && tokens_rx.recv().is_err() {
                        return Ok(bytes);
                    }
                    holding = true;
                    let mut batch = Batch {
                        seq,
                        file: file.clone(),
                        first_line: line + 1,
                        text: Vec::with_capacity(64 << 10),
                        ends: Vec::new(),
                        cut: false,
                    };
                    let mut broken = None;
                    while batch.ends.len() < BATCH_LINES && batch.text.len() < BATCH_BYTES {
                        match input.read_until(b'\n', &mut batch.text) {
                            Ok(0) => break,
                            Ok(_) => {
                                line += 1;
                                if batch.text.last() != Some(&b'\n') {
                                    batch.cut = true;
                                }
                                batch.ends.push(batch.text.len());
                            }
                            Err(e) => {
                                broken = Some(e.to_string());
                                break;
                            }
                        }
                    }
                    if let Some(message) = broken {
                        // What was read before the break is still parsed; a
                        // partial last line belongs to the break.
                        let keep = batch.ends.last().copied().unwrap_or(0);
                        batch.text.truncate(keep);
                        batch.cut = false;
                        bytes += batch.text.len() as u64;
                        let last_line = batch.first_line + batch.ends.len() as u64 - 1;
                        if !batch.ends.is_empty() {
                            if batch_tx.send(FromReader::Batch(batch)).is_err() {
                                return Ok(bytes);
                            }
                            seq += 1;
                            if tokens_rx.recv().is_err() {
                                return Ok(bytes);
                            }
                        }
                        let b = FromReader::Broken {
                            seq,
                            file: file.clone(),
                            line: last_line,
                            message,
                        };
                        if batch_tx.send(b).is_err() {
                            return Ok(bytes);
                        }
                        holding = false;
                        seq += 1;
                        break;
                    }
                    if batch.ends.is_empty() {
                        break;
                    }
                    bytes += batch.text.len() as u64;
                    let cut = batch.cut;
                    if batch_tx.send(FromReader::Batch(batch)).is_err() {
                        return Ok(bytes);
                    }
                    holding = false;
                    seq += 1;
                    if cut {
                        break;
                    }
                }
            }
            Ok(bytes)
        });
        let languages = config.languages.clone();
        for _ in 0..threads {
            let rx = batch_rx.clone();
            let tx = out_tx.clone();
            let classes = &config.classes;
            let languages = languages.clone();
            scope.spawn(move || {
                LANGUAGES.with(|l| *l.borrow_mut() = languages.clone());
                loop {
                    let next = rx.lock().map(|r| r.recv());
                    let Ok(Ok(item)) = next else { break };
                    let sent = match item {
                        FromReader::Batch(batch) => {
                            let parsed = parse_batch(&batch, classes, &languages);
                            tx.send((batch.seq, Ok((batch, parsed))))
                        }
                        b @ FromReader::Broken { seq, .. } => tx.send((seq, Err(b))),
                    };
                    if sent.is_err() {
                        break;
                    }
                }
            });
        }
        drop(out_tx);
        let result = collect(config, &out_rx, &tokens_tx, &mut sink, &mut summary);
        // Stop the reader and the workers before leaving the scope.
        drop(out_rx);
        drop(tokens_tx);
        drop(batch_rx);
        let read = reader.join().expect("the dump reader does not panic");
        result?;
        summary.bytes = read?;
        Ok(())
    })?;
    Ok(summary)
}

type Parsed2 = (u64, Result<(Batch, Vec<Parsed>), FromReader>);

fn collect(
    config: &ReadConfig,
    rx: &Receiver<Parsed2>,
    tokens: &std::sync::mpsc::SyncSender<()>,
    sink: &mut impl FnMut(Record) -> Result<()>,
    summary: &mut StreamSummary,
) -> Result<()> {
    let mut pending: BTreeMap<u64, Result<(Batch, Vec<Parsed>), FromReader>> = BTreeMap::new();
    let mut next = 0u64;
    while let Ok((seq, item)) = rx.recv() {
        pending.insert(seq, item);
        while let Some(item) = pending.remove(&next) {
            next += 1;
            let _ = tokens.try_send(());
            match item {
                Ok((batch, parsed)) => {
                    let n = parsed.len();
                    for (i, p) in parsed.into_iter().enumerate() {
                        let line = batch.first_line + i as u64;
                        match p {
                            Parsed::Skip => summary.lines += 1,
                            Parsed::Keep(r) => {
                                summary.lines += 1;
                                summary.kept += 1;
                                sink(*r)?;
                            }
                            Parsed::Bad(message) => {
                                let cut = batch.cut && i + 1 == n;
                                let (message, fix) = if cut {
                                    (
                                        format!("entity line {line} is cut short: the dump is truncated ({message})"),
                                        "download the dump again, or pass --keep-going to import the lines before the cut",
                                    )
                                } else {
                                    (
                                        format!("entity line {line} is not a Wikidata entity: {message}"),
                                        "check the dump (one JSON entity a line), or pass --keep-going to skip bad lines and count them",
                                    )
                                };
                                if !config.keep_going {
                                    return Err(InputError::new(&*batch.file, message, fix)
                                        .at(Position {
                                            line: line as usize,
                                            column: 1,
                                        })
                                        .into());
                                }
                                summary.bad_lines += 1;
                                if summary.bad_examples.len() < 20 {
                                    summary
                                        .bad_examples
                                        .push(format!("{}:{line}: {message}", batch.file));
                                }
                            }
                        }
                    }
                }
                Err(FromReader::Broken {
                    file,
                    line,
                    message,
                    ..
                }) => {
                    let message = format!(
                        "the compressed stream breaks off after entity line {line}: {message}"
                    );
                    if !config.keep_going {
                        return Err(InputError::new(
                            &*file,
                            message,
                            "download the dump again (check it with gzip -t or bzip2 -t), or pass --keep-going to import what comes before the break",
                        )
                        .at(Position { line: line as usize + 1, column: 1 })
                        .into());
                    }
                    summary.bad_files.push(format!("{file}: {message}"));
                }
                Err(FromReader::Batch(_)) => unreachable!("batches travel as Ok"),
            }
        }
    }
    Ok(())
}

/// Opens a dump, decompressing by its name's ending.
fn open(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let name = path.to_string_lossy().to_ascii_lowercase();
    let raw: Box<dyn Read + Send> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            1 << 20,
            file,
        )))
    } else if name.ends_with(".bz2") {
        Box::new(bzip2::read::MultiBzDecoder::new(BufReader::with_capacity(
            1 << 20,
            file,
        )))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, raw)))
}

fn parse_batch(batch: &Batch, classes: &Classes, languages: &[String]) -> Vec<Parsed> {
    let mut out = Vec::with_capacity(batch.ends.len());
    let mut start = 0;
    for (i, &end) in batch.ends.iter().enumerate() {
        let line = &batch.text[start..end];
        start = end;
        let source_line = batch.first_line + i as u64;
        out.push(parse_line(
            line,
            classes,
            languages,
            &batch.file,
            source_line,
        ));
    }
    out
}

fn parse_line(line: &[u8], classes: &Classes, languages: &[String], file: &str, n: u64) -> Parsed {
    let mut s = line;
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() || *last == b',' {
            s = rest;
        } else {
            break;
        }
    }
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    if s.is_empty() || s == b"[" || s == b"]" {
        return Parsed::Skip;
    }
    let raw: RawEntity = match serde_json::from_slice(s) {
        Ok(e) => e,
        Err(e) => return Parsed::Bad(e.to_string()),
    };
    if raw.kind.as_deref().is_some_and(|k| k != "item") || !is_qid(&raw.id) {
        return Parsed::Skip;
    }
    let instance_of: Vec<String> = raw
        .claims
        .p31
        .iter()
        .filter(|s| !s.deprecated())
        .filter_map(|s| s.item())
        .collect();
    let Some(kind) = classes.kind_of(&instance_of) else {
        return Parsed::Skip;
    };
    let pick = |terms: &[(String, String)]| -> Option<String> {
        languages
            .iter()
            .find_map(|l| terms.iter().find(|(k, _)| k == l).map(|(_, v)| clean(v)))
    };
    let Some(label) = pick(&raw.labels.0).filter(|l| usable_name(l)) else {
        return Parsed::Skip;
    };
    let mut aliases: Vec<String> = Vec::new();
    let mut add = |a: String| {
        if a != label && usable_name(&a) && !a.contains(['|', '@']) && !aliases.contains(&a) {
            aliases.push(a);
        }
    };
    for l in languages {
        for (k, v) in &raw.labels.0 {
            if k == l {
                add(clean(v));
            }
        }
        for (k, vs) in &raw.aliases.0 {
            if k == l {
                for v in vs {
                    add(clean(v));
                }
            }
        }
    }
    let mut facts = BTreeMap::new();
    let c = &raw.claims;
    for (name, statements) in [
        ("born", &c.p569),
        ("died", &c.p570),
        ("founded", &c.p571),
        ("dissolved", &c.p576),
    ] {
        if let Some(t) = best(statements).and_then(Statement::time) {
            facts.insert(name, t);
        }
    }
    if let Some((lat, lon)) = best(&c.p625).and_then(Statement::coordinates) {
        facts.insert("latitude", lat);
        facts.insert("longitude", lon);
    }
    if let Some(country) = best(&c.p17).and_then(Statement::item) {
        facts.insert("country", country);
    }
    let name = Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned());
    let mut source = format!("Wikidata dump {name} line {n}");
    match (raw.lastrevid, raw.modified.as_deref()) {
        (Some(r), Some(m)) => source.push_str(&format!(", entity revision {r} of {m}")),
        (Some(r), None) => source.push_str(&format!(", entity revision {r}")),
        _ => {}
    }
    Parsed::Keep(Box::new(Record {
        qid: raw.id.into_owned(),
        kind,
        label,
        aliases,
        description: pick(&raw.descriptions.0).filter(|d| !d.is_empty()),
        instance_of,
        facts,
        source,
    }))
}

/// A name the gazetteer accepts: two letters or digits at least.
fn usable_name(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphanumeric()).count() >= 2
}

/// White space runs (newlines too) become one space; ends trimmed.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The statement a single-valued fact takes: the first preferred one, else
/// the first normal one.
fn best(statements: &[Statement]) -> Option<&Statement> {
    statements
        .iter()
        .find(|s| s.rank.as_deref() == Some("preferred"))
        .or_else(|| statements.iter().find(|s| !s.deprecated()))
}

thread_local! {
    /// The label languages the current parsing thread keeps: labels,
    /// descriptions and aliases in other languages are skipped unread.
    static LANGUAGES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

#[derive(Deserialize)]
struct RawEntity<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    lastrevid: Option<u64>,
    #[serde(default, borrow)]
    modified: Option<Cow<'a, str>>,
    #[serde(default)]
    labels: Terms,
    #[serde(default)]
    descriptions: Terms,
    #[serde(default)]
    aliases: AliasTerms,
    #[serde(default)]
    claims: Claims,
}

/// Language → value, for the kept languages only.
#[derive(Default)]
struct Terms(Vec<(String, String)>);

/// Language → values, for the kept languages only.
#[derive(Default)]
struct AliasTerms(Vec<(String, Vec<String>)>);

#[derive(Deserialize)]
struct Term {
    value: String,
}

fn wanted(lang: &str) -> bool {
    LANGUAGES.with(|l| l.borrow().iter().any(|x| x == lang))
}

/// A key that borrows from the input where it can.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A map of language terms; an empty list (`[]`, as older dumps write an
/// empty map) is an empty map.
macro_rules! term_map {
    ($name:ident, $value:ty, $convert:expr) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a map of languages")
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut s: A,
                    ) -> std::result::Result<$name, A::Error> {
                        while s.next_element::<IgnoredAny>()?.is_some() {}
                        Ok($name(Vec::new()))
                    }
                    fn visit_map<A: MapAccess<'de>>(
                        self,
                        mut m: A,
                    ) -> std::result::Result<$name, A::Error> {
                        let mut out = Vec::new();
                        while let Some(Key(k)) = m.next_key::<Key>()? {
                            if wanted(&k) {
                                let v: $value = m.next_value()?;
                                out.push((k.into_owned(), $convert(v)));
                            } else {
                                m.next_value::<IgnoredAny>()?;
                            }
                        }
                        Ok($name(out))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

term_map!(Terms, Term, |t: Term| t.value);
term_map!(AliasTerms, Vec<Term>, |ts: Vec<Term>| ts
    .into_iter()
    .map(|t| t.value)
    .collect::<Vec<_>>());

/// The statements annalist reads; every other property is skipped unread.
#[derive(Default)]
struct Claims {
    p31: Vec<Statement>,
    p569: Vec<Statement>,
    p570: Vec<Statement>,
    p571: Vec<Statement>,
    p576: Vec<Statement>,
    p625: Vec<Statement>,
    p17: Vec<Statement>,
}

impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Claims;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of properties")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<Claims, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Claims::default())
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Claims, A::Error> {
                let mut c = Claims::default();
                while let Some(Key(k)) = m.next_key::<Key>()? {
                    let slot = match &*k {
                        "P31" => &mut c.p31,
                        "P569" => &mut c.p569,
                        "P570" => &mut c.p570,
                        "P571" => &mut c.p571,
                        "P576" => &mut c.p576,
                        "P625" => &mut c.p625,
                        "P17" => &mut c.p17,
                        _ => {
                            m.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = m.next_value()?;
                }
                Ok(c)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct Statement {
    mainsnak: Snak,
    #[serde(default)]
    rank: Option<String>,
}

#[derive(Deserialize)]
struct Snak {
    #[serde(default)]
    datavalue: Option<DataValue>,
}

#[derive(Deserialize)]
struct DataValue {
    value: ValueOrOther,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ValueOrOther {
    Value(Value),
    Other(IgnoredAny),
}

#[derive(Deserialize, Default)]
struct Value {
    #[serde(default)]
    id: Option<String>,
    #[serde(default, rename = "numeric-id")]
    numeric_id: Option<u64>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    precision: Option<f64>,
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
}

impl Statement {
    fn deprecated(&self) -> bool {
        self.rank.as_deref() == Some("deprecated")
    }

    fn value(&self) -> Option<&Value> {
        match &self.mainsnak.datavalue.as_ref()?.value {
            ValueOrOther::Value(v) => Some(v),
            ValueOrOther::Other(_) => None,
        }
    }

    fn item(&self) -> Option<String> {
        let v = self.value()?;
        v.id.clone()
            .filter(|q| is_qid(q))
            .or_else(|| v.numeric_id.map(|n| format!("Q{n}")))
    }

    /// The time as an ISO date cut to its precision (9 year, 10 month, 11
    /// day); coarser times (decades, centuries) are left out.
    fn time(&self) -> Option<String> {
        let v = self.value()?;
        let t = v.time.as_deref()?;
        let precision = v.precision? as u8;
        if precision < 9 {
            return None;
        }
        let (sign, rest) = match t.as_bytes().first()? {
            b'-' => ("-", &t[1..]),
            b'+' => ("", &t[1..]),
            _ => ("", t),
        };
        let date = rest.split('T').next()?;
        let mut parts = date.split('-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month = parts.next().unwrap_or("00");
        let day = parts.next().unwrap_or("00");
        let mut out = format!("{sign}{year:04}");
        if precision >= 10 && month != "00" {
            out.push('-');
            out.push_str(month);
            if precision >= 11 && day != "00" {
                out.push('-');
                out.push_str(day);
            }
        }
        Some(out)
    }

    fn coordinates(&self) -> Option<(String, String)> {
        let v = self.value()?;
        let (lat, lon) = (v.latitude?, v.longitude?);
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return None;
        }
        Some((format!("{lat}"), format!("{lon}")))
    }
}

/// What `gazetteer import wikidata` does.
#[derive(Debug, Clone)]
pub struct ImportConfig {
    pub read: ReadConfig,
    /// The gazetteer to write; an existing one is merged into.
    pub output: PathBuf,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    pub stream: StreamSummary,
    /// Rows that were in the gazetteer before (kept as they were).
    pub existing: usize,
    /// Rows added from the dumps.
    pub added: u64,
    /// Entities of the dumps that were not added, with the reason: the QID
    /// (or the id) is in the gazetteer already, or came twice.
    pub duplicates: u64,
    pub duplicate_examples: Vec<String>,
}

/// Streams the dumps into the gazetteer at `config.output`: the existing
/// rows first, unchanged (a curated row wins), then every kept entity whose
/// QID and id are new. The file is written aside and renamed into place.
pub fn import(config: &ImportConfig) -> Result<ImportSummary> {
    use crate::input::gazetteer::{Gazetteer, COLUMNS};
    use std::collections::HashSet;
    let out = &config.output;
    let header: Vec<&str> = COLUMNS.iter().chain(FACT_COLUMNS.iter()).copied().collect();
    let mut existing_rows: Vec<Vec<String>> = Vec::new();
    let mut known_qids: HashMap<String, String> = HashMap::new();
    let mut known_ids: HashSet<String> = HashSet::new();
    if out.exists() {
        let g = Gazetteer::load(out)?;
        for e in &g.entities {
            known_ids.insert(e.id.clone());
            if let Some(q) = &e.wikidata {
                known_qids.insert(q.clone(), e.id.clone());
            }
        }
        let text = crate::text::table::read_text(out)?;
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let bad = |e: csv::Error| {
            Error::from(InputError::new(
                out,
                e.to_string(),
                "fix the gazetteer's CSV",
            ))
        };
        let columns: Vec<Option<usize>> = {
            let h = reader.headers().map_err(bad)?;
            header
                .iter()
                .map(|c| h.iter().position(|x| x.trim() == *c))
                .collect()
        };
        for record in reader.records() {
            let record = record.map_err(bad)?;
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            existing_rows.push(
                columns
                    .iter()
                    .map(|i| {
                        i.and_then(|i| record.get(i))
                            .unwrap_or_default()
                            .to_string()
                    })
                    .collect(),
            );
        }
    }
    let tmp = aside(out);
    let result = (|| -> Result<ImportSummary> {
        let mut summary = ImportSummary {
            existing: existing_rows.len(),
            ..ImportSummary::default()
        };
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let fail = |e: csv::Error| Error::io(&tmp, e.into());
        w.write_record(&header).map_err(fail)?;
        for row in &existing_rows {
            w.write_record(row).map_err(fail)?;
        }
        let mut seen: HashSet<u64> = HashSet::new();
        let (mut added, mut count, mut duplicates) = (0u64, 0u64, Vec::new());
        let mut note = |why: String| {
            count += 1;
            if duplicates.len() < 20 {
                duplicates.push(why);
            }
        };
        let stream = read(&config.read, |r| {
            let id = r.id();
            let n: u64 = r.qid[1..].parse().unwrap_or(0);
            if let Some(curated) = known_qids.get(&r.qid) {
                note(format!(
                    "{} ({}) is row {curated:?} already: the curated row is kept",
                    r.qid, r.source
                ));
            } else if known_ids.contains(&id) {
                note(format!("{} ({}): id {id:?} is taken", r.qid, r.source));
            } else if !seen.insert(n) {
                note(format!("{} ({}) came before in the dumps", r.qid, r.source));
            } else {
                w.write_record(r.row()).map_err(fail)?;
                added += 1;
            }
            Ok(())
        })?;
        summary.stream = stream;
        summary.added = added;
        summary.duplicates = count;
        summary.duplicate_examples = duplicates;
        let file = w
            .into_inner()
            .map_err(|e| Error::io(&tmp, e.into_error()))?;
        let file = file
            .into_inner()
            .map_err(|e| Error::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        Ok(summary)
    })();
    match result {
        Ok(summary) => {
            std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The file a new version of `path` is written to before it replaces it:
/// hidden, in the same directory (so the rename is atomic).
pub fn aside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "gazetteer".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.annalist-{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Parsed {
        LANGUAGES.with(|l| *l.borrow_mut() = vec!["en".into(), "de".into()]);
        parse_line(
            line.as_bytes(),
            &Classes::defaults(),
            &["en".into(), "de".into()],
            "dump.json",
            2,
        )
    }

    #[test]
    fn an_entity_line_becomes_a_record_with_facts() {
        let line = r#"{"type":"item","id":"Q1","lastrevid":7,"modified":"2020-01-02T00:00:00Z","labels":{"de":{"language":"de","value":"Ort"},"fr":{"language":"fr","value":"Lieu"}},"descriptions":[],"aliases":{"en":[{"language":"en","value":"A\nPlace"}]},"claims":{"P31":[{"mainsnak":{"snaktype":"value","datavalue":{"value":{"entity-type":"item","numeric-id":515},"type":"wikibase-entityid"}},"rank":"normal"}],"P571":[{"mainsnak":{"datavalue":{"value":{"time":"-0753-04-21T00:00:00Z","precision":9}}},"rank":"normal"}],"P625":[{"mainsnak":{"datavalue":{"value":{"latitude":41.9,"longitude":12.5}}},"rank":"normal"}],"P18":[{"mainsnak":{"datavalue":{"value":"x.jpg"}}}]}},"#;
        let Parsed::Keep(r) = parse(line) else {
            panic!("kept")
        };
        assert_eq!(r.label, "Ort");
        assert_eq!(r.aliases, vec!["A Place"]);
        assert_eq!(r.kind, EntityType::Place);
        assert_eq!(r.facts["founded"], "-0753");
        assert_eq!(r.facts["latitude"], "41.9");
        assert_eq!(
            r.source,
            "Wikidata dump dump.json line 2, entity revision 7 of 2020-01-02T00:00:00Z"
        );
        assert_eq!(r.id(), "ort-q1");
    }

    #[test]
    fn other_classes_and_bad_lines() {
        assert!(matches!(parse("["), Parsed::Skip));
        assert!(matches!(
            parse(r#"{"type":"item","id":"Q2","labels":{"en":{"value":"X y"}},"claims":{}},"#),
            Parsed::Skip
        ));
        assert!(matches!(
            parse(r#"{"type":"item","id":"Q2","lab"#),
            Parsed::Bad(_)
        ));
    }
}
