//! Answers kept beside the generation they were computed on.
//!
//! A committed generation never changes (see [`crate::store`]): every build
//! writes a new one. So the solutions of a SELECT query over a generation
//! are the same every time it is asked, and a slow one can be kept and read
//! back instead of evaluated again. The answers of generation
//! `gen-NNNNNN` live in `gen-NNNNNN.answers/`, one file per question, named
//! by a digest of everything that decides the solutions: the query text,
//! its bindings, its dataset and the program. A file holds the solutions in
//! SPARQL 1.1 TSV, which writes every term in full (IRI, blank node,
//! literal with its datatype or language), so an answer read back prints
//! the same bytes, in any format, as the evaluation that kept it. Beside
//! it, the answer may be kept as printed in a format (`KEY.csv`, `.json`,
//! `.xml`, `.txt` for the table): printing hundreds of megabytes of
//! solutions takes seconds, copying them a fraction of one. Printed in
//! TSV, an answer is the kept solutions' own bytes, so `KEY.tsv` is both.
//!
//! An update carries the kept solutions forward: it links them (and their
//! CSV printing, whose untouched records the mending copies) into the
//! new generation's `carry/` with the [`Changes`] that separate the two
//! generations (`carry/changes.json`, the union of every update since they
//! were kept), and the next asking mends them there
//! ([`crate::read::carry`]) instead of evaluating the whole question again.
//! A mending changes a few lines of an answer that may hold hundreds of
//! megabytes, so when the answer it mended is large (from [`SPLICE_FROM`])
//! it is kept as splices of it ([`crate::store::spliced`]): `KEY.splice`
//! holds the mended solutions and their CSV printing as spans of the
//! bases `KEY.tsv.base` and `KEY.csv.base` (links to the files it mended)
//! and the lines of their own, and is carried and mended in turn. Past a
//! quarter of the base in lines of its own, the mending is written whole,
//! the next base. Reading an answer, a whole file comes first, then a
//! splice.
//!
//! Invariant: a kept answer (solutions or printing) is whole and belongs to
//! one generation: it is written aside and renamed into place only after
//! its last solution (a splice after the bases it reads are linked
//! beside it), a printing holds exactly the bytes printed, and
//! its directory is removed with the generation. An answer waiting in
//! `carry/` is never read as an answer; only its mending, which answers
//! the same bytes as an evaluation, is kept. Keeping is best-effort:
//! a store on read-only media, or a full disk, only means the next asking
//! evaluates again.

use crate::error::{Error, Result};
use crate::store::spliced::{Bytes, Splice};
use oxigraph::model::{NamedNode, Term, Variable};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, QueryResultsSerializer, ReaderQueryResultsParserOutput,
    ReaderSolutionsParser, WriterSolutionsSerializer,
};
use oxigraph::sparql::QuerySolution;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The format solutions are kept in, and the name of its printing.
const TSV: &str = "tsv";

/// The name of the CSV printing, carried beside the solutions.
const CSV: &str = "csv";

/// An answer kept as splices (`KEY.splice`) of its base files
/// (`KEY.tsv.base`, `KEY.csv.base`).
const SPLICE: &str = "splice";
const BASE: &str = "base";

/// From how large a base a mended answer is kept as splices of it: below,
/// writing it whole costs less than the files more.
pub const SPLICE_FROM: usize = 64 << 10;

/// A splice holds at most this share of its base's size as bytes of its
/// own; past it the mended answer is written whole, the next base.
const OWN_AT_MOST: usize = 4;

/// An answer kept as splices: its solutions', and its CSV printing's made
/// piece for piece beside them when it was printed so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spliced {
    pub tsv: Splice,
    #[serde(default)]
    pub csv: Option<Splice>,
}

/// When an evaluated answer is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Only read what is kept (a server answering many clients, which must
    /// not fill the disk with their questions).
    Never,
    /// When the evaluation took at least this long: a fast query costs
    /// less to evaluate than its answer costs on disk.
    After(Duration),
    /// Every answer (`build --answers`, which answers the library ahead,
    /// as a build of a small store does by itself).
    Always,
}

/// How long an evaluation must take before `annalist query` keeps its
/// answer.
pub const KEEP_AFTER: Duration = Duration::from_millis(500);

/// Up to how many quads a build that changed the store answers the query
/// library ahead by itself (`build --no-answers` says not to): on a store
/// this small the whole library answers in a fraction of a second (0.2 s
/// on the shipped corpus's 14,124), and every asking after it copies a
/// kept printing instead of evaluating.
pub const ANSWER_AHEAD_UP_TO: usize = 50_000;

/// The answers of one generation, and how to use them.
#[derive(Debug, Clone)]
pub struct Answers {
    dir: PathBuf,
    /// Read a kept answer when there is one; false evaluates anew (and
    /// keeps the new answer by `keep`).
    pub read: bool,
    pub keep: Keep,
}

/// What an update changed, by the keys a kept answer is carried by
/// (`# carry:` in a query, [`crate::read::carry`]). Made by the update's
/// tally of what it removed and loaded ([`crate::store::summary::Tally::changes`]).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// Ids of the documents removed, changed or added.
    pub documents: BTreeSet<String>,
    /// Each entity those documents' graphs name, before or after, with
    /// the document whose graph names it (by id).
    pub references: BTreeSet<(String, String)>,
    /// Pairs of entity ids (in the order of their IRIs) whose count of
    /// shared sentences changed.
    pub pairs: BTreeSet<(String, String)>,
    /// IRIs of the graphs that changed.
    pub graphs: BTreeSet<String>,
    /// Of those, the graphs the updates changed only in their counts (the
    /// summary graph), by IRI: how many quads each holds after the last
    /// of them. A row that counts such a graph's quads is its kept row
    /// with this number ([`crate::read::carry`]).
    #[serde(default)]
    pub quads: BTreeMap<String, u64>,
}

impl Changes {
    /// Adds the changes of a later update.
    pub fn extend(&mut self, later: Changes) {
        self.documents.extend(later.documents);
        self.references.extend(later.references);
        self.pairs.extend(later.pairs);
        // A graph the later update changed otherwise has no count to
        // carry any longer.
        for g in &later.graphs {
            if !later.quads.contains_key(g) {
                self.quads.remove(g);
            }
        }
        self.quads.extend(later.quads);
        self.graphs.extend(later.graphs);
    }

    /// Ids of the entities the changed documents' graphs name.
    pub fn entities(&self) -> BTreeSet<&str> {
        self.references.iter().map(|(e, _)| e.as_str()).collect()
    }

    /// Reads the changes kept in `dir` (`changes.json`), if they read.
    fn read(dir: &Path) -> Option<Changes> {
        let bytes = fs::read(dir.join(CHANGES)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// How many keys it names: past [`CARRY_AT_MOST`], carrying costs more
    /// than evaluating again.
    fn size(&self) -> usize {
        self.documents.len()
            + self.entities().len()
            + self.references.len()
            + self.pairs.len()
            + self.graphs.len()
    }
}

/// The most keys an update may change for the kept answers to be carried
/// forward; beyond it they are left with their generation.
pub const CARRY_AT_MOST: usize = 200_000;

/// The directory of answers waiting to be carried, in a generation's
/// answers directory.
const CARRY: &str = "carry";
/// Beside a kept answer whose question says how it is carried, an empty
/// `KEY.carries`: only those go to the next generation.
const CARRIES: &str = "carries";

/// The comment line by which a query says how its rows follow the store
/// ([`crate::read::carry`]).
pub const CARRY_LINE: &str = "# carry:";

/// Their changes, in that directory.
const CHANGES: &str = "changes.json";

/// Whether a query's text says how its answer is carried.
pub fn declares_carry(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with(CARRY_LINE))
}

/// Links the kept solutions of `previous` (and those still waiting there)
/// into `next`'s `carry/`, with the changes since they were kept: the
/// waiting ones' and `changes`. Best-effort: an answer that cannot be
/// linked is only evaluated again when asked. `next` must not be in use.
pub fn carry_forward(previous: &Path, next: &Path, changes: &Changes) {
    let from = answers_dir(previous);
    let waiting = from.join(CARRY);
    // The keys of the answers kept in `dir` (whole or as splices), marked
    // as carried when `marked`.
    let kept = |dir: &Path, marked: bool| -> std::collections::BTreeSet<String> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Default::default();
        };
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == TSV || x == SPLICE) && p.is_file())
            .filter(|p| !marked || p.with_extension(CARRIES).is_file())
            .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
            .filter(|k| !k.contains('.'))
            .collect()
    };
    // Those still waiting need the changes since they were kept too;
    // those kept on `previous` itself only this update's, and they stand
    // for the same question's answer still waiting, if any.
    let own = kept(&from, true);
    let still: Vec<String> = kept(&waiting, false)
        .into_iter()
        .filter(|k| !own.contains(k))
        .collect();
    let mut all = Changes::default();
    if !still.is_empty() {
        let Some(before) = Changes::read(&waiting) else {
            return;
        };
        all = before;
    }
    all.extend(changes.clone());
    if all.size() > CARRY_AT_MOST {
        return;
    }
    if own.is_empty() && still.is_empty() {
        return;
    }
    let to = answers_dir(next).join(CARRY);
    if fs::create_dir_all(&to).is_err() {
        return;
    }
    let Ok(json) = serde_json::to_vec(&all) else {
        return;
    };
    if fs::write(to.join(CHANGES), json).is_err() {
        return;
    }
    // Every file of each answer: its solutions and their CSV printing
    // (whose untouched records a mending copies), whole or as splices with
    // their bases.
    let answers = own
        .iter()
        .map(|k| (&from, k))
        .chain(still.iter().map(|k| (&waiting, k)));
    for (dir, key) in answers {
        for name in answer_files(key) {
            let (file, target) = (dir.join(&name), to.join(&name));
            if file.is_file() && !target.exists() {
                let _ =
                    fs::hard_link(&file, &target).or_else(|_| fs::copy(&file, &target).map(|_| ()));
            }
        }
    }
}

/// The directory of a generation's answers: `gen-NNNNNN.answers` beside it.
pub fn answers_dir(generation: &Path) -> PathBuf {
    let mut name = generation.file_name().unwrap_or_default().to_os_string();
    name.push(".answers");
    generation.with_file_name(name)
}

/// What decides a query's solutions, besides the generation.
pub struct Question<'q> {
    pub text: &'q str,
    pub bindings: &'q [(String, Term)],
    /// The default and named graphs given beside the query; None for the
    /// union of all graphs.
    pub dataset: Option<(&'q [NamedNode], &'q [NamedNode])>,
}

impl Question<'_> {
    /// The file name of its answer: a digest of the question and of the
    /// program that evaluates it.
    fn key(&self) -> String {
        let mut h = blake3::Hasher::new();
        let mut put = |s: &str| {
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        put("annalist answer 1");
        put(crate::SOURCE_DIGEST);
        put(self.text);
        for (name, term) in self.bindings {
            put(name);
            put(&term.to_string());
        }
        match self.dataset {
            None => put("union"),
            Some((default, named)) => {
                put("default");
                default.iter().for_each(|g| put(g.as_str()));
                put("named");
                named.iter().for_each(|g| put(g.as_str()));
            }
        }
        let hex = h.finalize().to_hex();
        hex.as_str()[..32].to_string()
    }

    /// The file name of its solutions, kept in TSV.
    fn kept_name(&self) -> String {
        self.printed_name(TSV)
    }

    /// The file name of its answer as printed in a format (`csv`, `json`,
    /// `xml`, `txt` for the table; `tsv` is [`Question::kept_name`], whose
    /// bytes are the TSV printing).
    fn printed_name(&self, format: &str) -> String {
        format!("{}.{format}", self.key())
    }
}

/// The file that keeps an answer as splices of its base files.
fn splice_name(key: &str) -> String {
    format!("{key}.{SPLICE}")
}

/// The base a splice of the answer's solutions (`tsv`) or CSV printing
/// (`csv`) is made on.
fn base_name(key: &str, format: &str) -> String {
    format!("{key}.{format}.{BASE}")
}

impl Answers {
    /// The answers of the generation at `generation`.
    pub fn of(generation: &Path, read: bool, keep: Keep) -> Answers {
        Answers {
            dir: answers_dir(generation),
            read,
            keep,
        }
    }

    /// Whether an answer to `question` is kept, and printed in `format`.
    pub fn has(&self, question: &Question, format: &str) -> bool {
        let key = question.key();
        matches!(find(&self.dir, &key, TSV), Ok(Some(_)))
            && matches!(find(&self.dir, &key, format), Ok(Some(_)))
    }

    /// The kept answer to `question` as printed in `format`, if there is
    /// one to read: its bytes are what printing the kept solutions in that
    /// format prints.
    pub fn printed(
        &self,
        question: &Question,
        format: &str,
    ) -> Result<Option<(PathBuf, KeptBytes)>> {
        if !self.read {
            return Ok(None);
        }
        find(&self.dir, &question.key(), format)
    }

    /// The kept solutions of `question` (TSV), if there are some to read.
    pub fn kept_file(&self, question: &Question) -> Result<Option<(PathBuf, KeptBytes)>> {
        self.printed(question, TSV)
    }

    /// The kept answer to `question`, if there is one to read.
    pub fn kept(&self, question: &Question) -> Result<Option<Kept>> {
        let Some((path, bytes)) = self.kept_file(question)? else {
            return Ok(None);
        };
        let parsed = QueryResultsParser::from_format(QueryResultsFormat::Tsv)
            .for_reader(BufReader::with_capacity(1 << 16, bytes))
            .map_err(|e| damaged(&path, &e))?;
        match parsed {
            ReaderQueryResultsParserOutput::Solutions(solutions) => {
                Ok(Some(Kept { path, solutions }))
            }
            ReaderQueryResultsParserOutput::Boolean(_) => {
                Err(damaged(&path, &"a yes or no where solutions were kept"))
            }
        }
    }

    /// A kept answer of an earlier generation waiting to be carried to
    /// this one, with the changes since it was kept.
    pub fn waiting(&self, question: &Question) -> Option<Waiting> {
        if !self.read {
            return None;
        }
        let dir = self.dir.join(CARRY);
        let key = question.key();
        let files: Vec<PathBuf> = answer_files(&key)
            .into_iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        if !files
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == TSV || x == SPLICE))
        {
            return None;
        }
        let Some(changes) = Changes::read(&dir) else {
            files.iter().for_each(|p| {
                let _ = fs::remove_file(p);
            });
            return None;
        };
        Some(Waiting {
            dir,
            key,
            files,
            changes,
            keep: self.dir.clone(),
        })
    }

    /// Starts keeping the answer to `question`, unless this answers keeps
    /// none or the directory cannot be written.
    pub fn begin(&self, question: &Question, variables: &[Variable]) -> Option<Keeping> {
        let file = self.aside()?;
        let writer = QueryResultsSerializer::from_format(QueryResultsFormat::Tsv)
            .serialize_solutions_to_writer(
                BufWriter::with_capacity(1 << 16, file),
                variables.to_vec(),
            )
            .ok()?;
        Some(Keeping {
            path: self.dir.join(question.kept_name()),
            carries: declares_carry(question.text),
            keep: self.keep,
            writer: Some(writer),
        })
    }

    /// Starts keeping the answer to `question` as printed in `format`,
    /// unless this answers keeps none or the directory cannot be written.
    /// None for TSV: keeping the solutions ([`Answers::begin`]) keeps that
    /// printing.
    pub fn begin_printed(&self, question: &Question, format: &str) -> Option<Printing> {
        if format == TSV {
            return None;
        }
        let file = self.aside()?;
        Some(Printing {
            path: self.dir.join(question.printed_name(format)),
            keep: self.keep,
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// A new file beside the answers, removed unless it is persisted.
    fn aside(&self) -> Option<tempfile::NamedTempFile> {
        if self.keep == Keep::Never {
            return None;
        }
        fs::create_dir_all(&self.dir).ok()?;
        aside_in(&self.dir).ok()
    }
}

/// The files that may make up the answer of `key` in a directory.
fn answer_files(key: &str) -> Vec<String> {
    vec![
        format!("{key}.{TSV}"),
        format!("{key}.{CSV}"),
        splice_name(key),
        base_name(key, TSV),
        base_name(key, CSV),
    ]
}

/// The answer of `key` in `dir` printed in `format`: its file, or for TSV
/// and CSV the splice of its base.
fn find(dir: &Path, key: &str, format: &str) -> Result<Option<(PathBuf, KeptBytes)>> {
    let path = dir.join(format!("{key}.{format}"));
    if let Some(f) = open(&path)? {
        return Ok(Some((path, KeptBytes::File(f))));
    }
    if format != TSV && format != CSV {
        return Ok(None);
    }
    let path = dir.join(splice_name(key));
    let Some(spliced) = read_spliced(&path)? else {
        return Ok(None);
    };
    let splice = match format {
        TSV => spliced.tsv,
        _ => match spliced.csv {
            Some(s) => s,
            None => return Ok(None),
        },
    };
    let base_path = dir.join(base_name(key, format));
    let base = Bytes::open(&base_path)
        .map_err(|e| damaged(&path, &format!("its base {}: {e}", base_path.display())))?;
    splice.check(&base).map_err(|why| damaged(&path, &why))?;
    Ok(Some((path, KeptBytes::Spliced(splice.reader(base)))))
}

/// An answer's splices, if it is kept so.
fn read_spliced(path: &Path) -> Result<Option<Spliced>> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| damaged(path, &e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Why copying a kept file failed.
#[derive(Debug)]
pub enum Copy {
    Read(std::io::Error),
    Write(std::io::Error),
}

/// A kept file being read: a whole file, or a splice of its base.
pub enum KeptBytes {
    File(File),
    Spliced(crate::store::spliced::Reader),
}

impl KeptBytes {
    /// Writes the rest of it to `out`: a splice's spans straight from its
    /// mapped base. Says whether reading or writing failed.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> std::result::Result<(), Copy> {
        match self {
            KeptBytes::Spliced(r) => r.copy_to(out).map_err(Copy::Write),
            KeptBytes::File(f) => {
                let mut buffer = vec![0; 1 << 20];
                loop {
                    let n = match f.read(&mut buffer) {
                        Ok(0) => return Ok(()),
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(Copy::Read(e)),
                    };
                    out.write_all(&buffer[..n]).map_err(Copy::Write)?;
                }
            }
        }
    }
}

impl Read for KeptBytes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            KeptBytes::File(f) => f.read(buf),
            KeptBytes::Spliced(r) => r.read(buf),
        }
    }
}

/// A new file in `dir`, removed unless it is persisted.
fn aside_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".keeping-");
    // Readable as the store's other files are (a server run by another
    // user reads them); the umask still applies.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder.tempfile_in(dir)
}

/// A new file in `dir` that `write` has written, to be persisted.
fn written_aside(
    dir: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<BufWriter<tempfile::NamedTempFile>> {
    let file = aside_in(dir).map_err(|e| Error::io(dir, e))?;
    let mut buffered = BufWriter::with_capacity(1 << 16, file);
    write(&mut buffered).map_err(|e| Error::io(dir, e))?;
    Ok(buffered)
}

/// A kept file, if it is there.
fn open(path: &Path) -> Result<Option<File>> {
    match File::open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Marks the answer about to be kept at `path` as carried by updates
/// (before it is in place, so that no update finds it unmarked).
fn mark(path: &Path) {
    let _ = File::create(path.with_extension(CARRIES));
}

/// Renames a whole answer written aside into place; whether it was kept.
fn persist(mut buffered: BufWriter<tempfile::NamedTempFile>, path: &Path) -> bool {
    let kept = (|| {
        buffered.flush().ok()?;
        buffered.into_inner().ok()?.persist(path).ok()
    })();
    kept.is_some()
}

/// Whether an answer that took `took` is kept by `keep`.
fn due(keep: Keep, took: Duration) -> bool {
    match keep {
        Keep::Never => false,
        Keep::After(at_least) => took >= at_least,
        Keep::Always => true,
    }
}

/// A kept answer of an earlier generation, waiting in `carry/`.
#[derive(Debug)]
pub struct Waiting {
    /// `carry/`, and the answer's key there.
    dir: PathBuf,
    key: String,
    /// The files it is made of there, let go with it.
    files: Vec<PathBuf>,
    /// What changed since.
    pub changes: Changes,
    /// The answers directory its mending is kept in.
    keep: PathBuf,
}

/// A kept file as its base and its splice of it (the whole base when the
/// file is kept whole).
pub struct Made {
    pub base: Bytes,
    pub splice: Splice,
    /// The base's file.
    path: PathBuf,
}

impl Made {
    fn whole(path: PathBuf) -> Option<Made> {
        let base = Bytes::open(&path).ok()?;
        Some(Made {
            splice: Splice::whole(&base),
            base,
            path,
        })
    }
}

impl Waiting {
    /// Its solutions, and its CSV printing made piece for piece beside
    /// them when it was printed so; None when they do not read.
    pub fn read(&self) -> Option<(Made, Option<Made>)> {
        let whole = self.dir.join(format!("{}.{TSV}", self.key));
        if whole.is_file() {
            let tsv = Made::whole(whole)?;
            let csv = Made::whole(self.dir.join(format!("{}.{CSV}", self.key)));
            return Some((tsv, csv));
        }
        let spliced = read_spliced(&self.dir.join(splice_name(&self.key))).ok()??;
        let made = |splice: Splice, format: &str| -> Option<Made> {
            let path = self.dir.join(base_name(&self.key, format));
            let base = Bytes::open(&path).ok()?;
            splice.check(&base).ok()?;
            Some(Made { base, splice, path })
        };
        let tsv = made(spliced.tsv, TSV)?;
        let csv = spliced
            .csv
            .and_then(|s| made(s, CSV))
            .filter(|c| c.splice.pieces.len() == tsv.splice.pieces.len());
        Some((tsv, csv))
    }

    /// Keeps the mended answer, and lets go of the waiting one, which is
    /// gone either way: a mending that fails is not tried again. `tsv` is
    /// the mended solutions, a splice of the base of `old`'s; `csv` their
    /// CSV printing, a splice of the base of `old`'s printing, piece for
    /// piece beside them. They are kept as splices when the base is large
    /// and they hold little of their own, and whole otherwise. Returns
    /// whether the solutions were kept; a printing that fails is only not
    /// kept.
    pub fn finish(
        self,
        old: &(Made, Option<Made>),
        tsv: Splice,
        csv: Option<Splice>,
    ) -> Result<bool> {
        let csv = csv.filter(|_| old.1.is_some());
        let as_splices =
            old.0.base.len() >= SPLICE_FROM && tsv.own_len() * OWN_AT_MOST <= old.0.base.len();
        let result = match as_splices {
            true => match self.keep_spliced(old, &tsv, csv.as_ref()) {
                Ok(false) => self.keep_whole(old, &tsv, csv.as_ref()),
                other => other,
            },
            false => self.keep_whole(old, &tsv, csv.as_ref()),
        };
        self.drop_it();
        result
    }

    /// Keeps the mended answer as splices: its bases linked beside them
    /// first. Whether it was kept.
    fn keep_spliced(
        &self,
        old: &(Made, Option<Made>),
        tsv: &Splice,
        csv: Option<&Splice>,
    ) -> Result<bool> {
        let dir = &self.keep;
        if !link_beside(&old.0.path, &dir.join(base_name(&self.key, TSV))) {
            return Ok(false);
        }
        let csv = match (csv, &old.1) {
            (Some(c), Some(o)) if link_beside(&o.path, &dir.join(base_name(&self.key, CSV))) => {
                Some(c.clone())
            }
            _ => None,
        };
        let json = serde_json::to_vec(&Spliced {
            tsv: tsv.clone(),
            csv,
        })
        .map_err(|e| Error::Query(e.to_string()))?;
        let buffered = written_aside(dir, |out| out.write_all(&json))?;
        mark(&dir.join(format!("{}.{TSV}", self.key)));
        Ok(persist(buffered, &dir.join(splice_name(&self.key))))
    }

    /// Keeps the mended answer whole. Whether its solutions were kept.
    fn keep_whole(
        &self,
        old: &(Made, Option<Made>),
        tsv: &Splice,
        csv: Option<&Splice>,
    ) -> Result<bool> {
        let dir = &self.keep;
        let path = dir.join(format!("{}.{TSV}", self.key));
        let buffered = written_aside(dir, |out| tsv.write(&old.0.base, out))?;
        mark(&path);
        let kept = persist(buffered, &path);
        // The printing after the solutions it prints.
        if let (true, Some(csv), Some(o)) = (kept, csv, &old.1) {
            if let Ok(buffered) = written_aside(dir, |out| csv.write(&o.base, out)) {
                persist(buffered, &dir.join(format!("{}.{CSV}", self.key)));
            }
        }
        Ok(kept)
    }

    /// Lets go of the waiting answer without mending it.
    pub fn drop_it(self) {
        for p in &self.files {
            let _ = fs::remove_file(p);
        }
    }
}

/// Links `from` as `to` (replacing what is there), by a link aside and a
/// rename; whether it is linked.
fn link_beside(from: &Path, to: &Path) -> bool {
    let (Some(dir), Some(name)) = (to.parent(), to.file_name()) else {
        return false;
    };
    let mut aside = std::ffi::OsString::from(format!(".linking-{}-", std::process::id()));
    aside.push(name);
    let aside = dir.join(aside);
    let _ = fs::remove_file(&aside);
    let linked = fs::hard_link(from, &aside).is_ok() && fs::rename(&aside, to).is_ok();
    if !linked {
        let _ = fs::remove_file(&aside);
    }
    linked
}

/// A kept answer being read back.
pub struct Kept {
    path: PathBuf,
    solutions: ReaderSolutionsParser<BufReader<KeptBytes>>,
}

impl Kept {
    pub fn variables(&self) -> &[Variable] {
        self.solutions.variables()
    }
}

impl Iterator for Kept {
    type Item = Result<QuerySolution>;

    fn next(&mut self) -> Option<Result<QuerySolution>> {
        let next = self.solutions.next()?;
        Some(next.map_err(|e| damaged(&self.path, &e)))
    }
}

/// An answer being written aside as it is evaluated.
pub struct Keeping {
    path: PathBuf,
    /// Whether its question says how it is carried.
    carries: bool,
    keep: Keep,
    /// None once a write failed: the answer is then not kept.
    writer: Option<WriterSolutionsSerializer<BufWriter<tempfile::NamedTempFile>>>,
}

impl Keeping {
    /// Adds one solution.
    pub fn add(&mut self, solution: &QuerySolution) {
        if let Some(w) = &mut self.writer {
            if w.serialize(solution).is_err() {
                self.writer = None;
            }
        }
    }

    /// Keeps the answer if the evaluation took long enough (it is whole),
    /// and otherwise forgets it. Returns whether it was kept.
    pub fn finish(self, took: Duration) -> bool {
        let Some(writer) = self.writer else {
            return false;
        };
        if !due(self.keep, took) {
            return false;
        }
        if self.carries {
            mark(&self.path);
        }
        writer
            .finish()
            .is_ok_and(|buffered| persist(buffered, &self.path))
    }
}

/// An answer being written aside as it is printed, byte for byte.
pub struct Printing {
    path: PathBuf,
    keep: Keep,
    /// None once a write failed: the printing is then not kept.
    file: Option<BufWriter<tempfile::NamedTempFile>>,
}

impl Printing {
    /// Adds bytes printed.
    pub fn add(&mut self, bytes: &[u8]) {
        if let Some(f) = &mut self.file {
            if f.write_all(bytes).is_err() {
                self.file = None;
            }
        }
    }

    /// Keeps the printing if the answer took long enough to print (it is
    /// whole), and otherwise forgets it. Returns whether it was kept.
    pub fn finish(self, took: Duration) -> bool {
        let Some(buffered) = self.file else {
            return false;
        };
        due(self.keep, took) && persist(buffered, &self.path)
    }
}

pub(crate) fn damaged(path: &Path, e: &dyn std::fmt::Display) -> Error {
    crate::error::InputError::new(
        path,
        format!("this answer kept with the store does not read: {e}"),
        "remove the file, or ask with --fresh: the query is then evaluated again",
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal};
    use std::sync::Arc;

    #[test]
    fn a_graph_s_recorded_size_is_the_last_update_s_or_none() {
        let sized = |g: &str, n: u64| Changes {
            graphs: [g.to_string()].into(),
            quads: [(g.to_string(), n)].into(),
            ..Changes::default()
        };
        let mut all = sized("summary", 10);
        all.extend(sized("summary", 12));
        assert_eq!(all.quads.get("summary"), Some(&12), "the later size");
        // An update that changed the graph without a size leaves none.
        all.extend(Changes {
            graphs: ["summary".to_string()].into(),
            ..Changes::default()
        });
        assert!(all.quads.is_empty() && all.graphs.contains("summary"));
        // One that did not change it leaves its size as it was.
        let mut all = sized("summary", 10);
        all.extend(Changes {
            graphs: ["doc".to_string()].into(),
            ..Changes::default()
        });
        assert_eq!(all.quads.get("summary"), Some(&10));
    }

    fn question<'q>(text: &'q str, bindings: &'q [(String, Term)]) -> Question<'q> {
        Question {
            text,
            bindings,
            dataset: None,
        }
    }

    #[test]
    fn hostile_terms_read_back_as_they_were_kept() {
        let dir = tempfile::tempdir().unwrap();
        let generation = dir.path().join("gen-000001");
        let answers = Answers::of(&generation, true, Keep::Always);
        let variables = vec![Variable::new_unchecked("a"), Variable::new_unchecked("b")];
        let terms: Vec<Option<Term>> = vec![
            Some(NamedNode::new_unchecked("https://example.org/x?a=1&b=%3C2%3E#f").into()),
            Some(BlankNode::new_unchecked("b0").into()),
            Some(Literal::new_simple_literal("tab\there \"quoted\"\nnew line, =cmd <x>").into()),
            Some(Literal::new_language_tagged_literal_unchecked("Moskva", "ru").into()),
            Some(
                Literal::new_typed_literal(
                    "007",
                    NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#integer"),
                )
                .into(),
            ),
            Some(
                Literal::new_typed_literal(
                    "1953-03",
                    NamedNode::new_unchecked("http://www.w3.org/2001/XMLSchema#gYearMonth"),
                )
                .into(),
            ),
            Some(Literal::new_simple_literal("").into()),
            None,
        ];
        let solutions: Vec<QuerySolution> = terms
            .iter()
            .zip(terms.iter().rev())
            .map(|(a, b)| {
                QuerySolution::from((Arc::from(variables.clone()), vec![a.clone(), b.clone()]))
            })
            .collect();
        let q = question("SELECT ?a ?b {}", &[]);
        let mut keeping = answers.begin(&q, &variables).unwrap();
        solutions.iter().for_each(|s| keeping.add(s));
        assert!(keeping.finish(Duration::ZERO));
        let kept = answers.kept(&q).unwrap().expect("kept");
        assert_eq!(kept.variables(), &variables[..]);
        let back: Vec<QuerySolution> = kept.map(|s| s.unwrap()).collect();
        assert_eq!(back.len(), solutions.len());
        for (b, s) in back.iter().zip(&solutions) {
            for v in &variables {
                assert_eq!(b.get(v), s.get(v), "{v}");
            }
        }
        // Nothing but the answer is left in the directory.
        let names: Vec<_> = fs::read_dir(answers_dir(&generation))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn an_answer_is_kept_by_its_rule_and_only_for_its_own_question() {
        let dir = tempfile::tempdir().unwrap();
        let generation = dir.path().join("gen-000002");
        let variables = vec![Variable::new_unchecked("x")];
        let solution = QuerySolution::from((
            Arc::from(variables.clone()),
            vec![Some(Literal::new_simple_literal("x").into())],
        ));
        let bound = [(
            "entity".to_string(),
            Term::from(Literal::new_simple_literal("a")),
        )];
        let q = question("SELECT ?x {}", &bound);
        let slow = Answers::of(&generation, true, Keep::After(Duration::from_secs(1)));
        let mut keeping = slow.begin(&q, &variables).unwrap();
        keeping.add(&solution);
        assert!(!keeping.finish(Duration::from_millis(10)), "a fast answer");
        assert!(slow.kept(&q).unwrap().is_none());
        let mut keeping = slow.begin(&q, &variables).unwrap();
        keeping.add(&solution);
        assert!(keeping.finish(Duration::from_secs(2)), "a slow answer");
        assert_eq!(slow.kept(&q).unwrap().unwrap().count(), 1);
        // Another binding, another text, another dataset: another question.
        let other = [(
            "entity".to_string(),
            Term::from(Literal::new_simple_literal("b")),
        )];
        assert!(slow
            .kept(&question("SELECT ?x {}", &other))
            .unwrap()
            .is_none());
        assert!(slow
            .kept(&question("SELECT ?x { }", &bound))
            .unwrap()
            .is_none());
        let graphs = [NamedNode::new_unchecked("https://example.org/g")];
        let in_graph = Question {
            dataset: Some((&graphs, &[])),
            ..question("SELECT ?x {}", &bound)
        };
        assert!(slow.kept(&in_graph).unwrap().is_none());
        // --fresh does not read it; a server only reads.
        let fresh = Answers::of(&generation, false, Keep::Always);
        assert!(fresh.kept(&q).unwrap().is_none());
        assert!(Answers::of(&generation, true, Keep::Never)
            .begin(&q, &variables)
            .is_none());
        // Another generation has none.
        let next = Answers::of(&dir.path().join("gen-000003"), true, Keep::Always);
        assert!(next.kept(&q).unwrap().is_none());
    }

    #[test]
    fn a_printing_is_kept_whole_by_its_rule_in_its_own_format() {
        let dir = tempfile::tempdir().unwrap();
        let generation = dir.path().join("gen-000005");
        let q = question("SELECT ?x {}", &[]);
        let read_back = |answers: &Answers, format: &str| {
            answers.printed(&q, format).unwrap().map(|(_, mut f)| {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut f, &mut text).unwrap();
                text
            })
        };
        let slow = Answers::of(&generation, true, Keep::After(Duration::from_secs(1)));
        let mut printing = slow.begin_printed(&q, "csv").unwrap();
        printing.add(b"x\r\n");
        assert!(
            !printing.finish(Duration::from_millis(10)),
            "a fast printing"
        );
        assert_eq!(read_back(&slow, "csv"), None);
        let mut printing = slow.begin_printed(&q, "csv").unwrap();
        printing.add(b"x\r\n");
        printing.add(b"\"a, \"\"b\"\"\"\r\n");
        assert!(printing.finish(Duration::from_secs(2)), "a slow printing");
        assert_eq!(
            read_back(&slow, "csv").as_deref(),
            Some("x\r\n\"a, \"\"b\"\"\"\r\n")
        );
        // Another format, and the solutions themselves, are not printed.
        assert_eq!(read_back(&slow, "json"), None);
        assert!(!slow.has(&q, "csv"), "no solutions were kept");
        // In TSV the kept solutions are the printing: none is kept apart,
        // and what keeping the solutions wrote is what is copied out.
        assert!(slow.begin_printed(&q, "tsv").is_none());
        assert_eq!(read_back(&slow, "tsv"), None);
        let mut keeping = slow.begin(&q, &[Variable::new_unchecked("x")]).unwrap();
        keeping.add(&QuerySolution::from((
            Arc::from(vec![Variable::new_unchecked("x")]),
            vec![Some(Literal::new_simple_literal("a\tb").into())],
        )));
        assert!(keeping.finish(Duration::from_secs(2)));
        assert_eq!(read_back(&slow, "tsv").as_deref(), Some("?x\n\"a\\tb\"\n"));
        assert!(slow.has(&q, "csv") && slow.has(&q, "tsv"));
        // A printing cut short (dropped before finishing) is not kept.
        let mut printing = slow.begin_printed(&q, "json").unwrap();
        printing.add(b"{\"head\"");
        drop(printing);
        assert_eq!(read_back(&slow, "json"), None);
        // --fresh does not read it; a server keeps none.
        assert_eq!(
            read_back(&Answers::of(&generation, false, Keep::Always), "csv"),
            None
        );
        assert!(Answers::of(&generation, true, Keep::Never)
            .begin_printed(&q, "csv")
            .is_none());
        let leftovers: Vec<_> = fs::read_dir(answers_dir(&generation))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with(".keeping-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn an_update_carries_marked_answers_with_the_changes_they_need() {
        let dir = tempfile::tempdir().unwrap();
        let (previous, next) = (dir.path().join("gen-000007"), dir.path().join("gen-000008"));
        let from = answers_dir(&previous);
        fs::create_dir_all(from.join(CARRY)).unwrap();
        let changed = |doc: &str| Changes {
            documents: [doc.to_string()].into(),
            ..Changes::default()
        };
        // Kept on `previous`: a carried question's answer (marked) and
        // another's; waiting there since an earlier update: the carried
        // question's older answer.
        fs::write(from.join("a.tsv"), "?x\n\"new\"\n").unwrap();
        fs::write(from.join("a.carries"), "").unwrap();
        fs::write(from.join("b.tsv"), "?x\n").unwrap();
        fs::write(from.join(CARRY).join("a.tsv"), "?x\n\"old\"\n").unwrap();
        fs::write(
            from.join(CARRY).join(CHANGES),
            serde_json::to_vec(&changed("earlier")).unwrap(),
        )
        .unwrap();
        carry_forward(&previous, &next, &changed("this"));
        let to = answers_dir(&next).join(CARRY);
        assert_eq!(
            fs::read_to_string(to.join("a.tsv")).unwrap(),
            "?x\n\"new\"\n",
            "the newer answer"
        );
        assert!(!to.join("b.tsv").exists(), "not said to be carried");
        let read = |dir: &Path| -> Changes {
            serde_json::from_slice(&fs::read(dir.join(CHANGES)).unwrap()).unwrap()
        };
        assert_eq!(read(&to), changed("this"), "nothing waits since earlier");
        // An answer that still waits since an earlier update keeps its
        // changes.
        fs::write(from.join(CARRY).join("c.tsv"), "?x\n").unwrap();
        let later = dir.path().join("gen-000009");
        carry_forward(&previous, &later, &changed("this"));
        let all = read(&answers_dir(&later).join(CARRY));
        assert!(all.documents.contains("earlier") && all.documents.contains("this"));
        assert!(answers_dir(&later).join(CARRY).join("c.tsv").exists());
    }

    #[test]
    fn a_damaged_answer_is_named_with_its_fix() {
        let dir = tempfile::tempdir().unwrap();
        let generation = dir.path().join("gen-000004");
        let answers = Answers::of(&generation, true, Keep::Always);
        let q = question("SELECT ?x {}", &[]);
        fs::create_dir_all(answers_dir(&generation)).unwrap();
        fs::write(
            answers_dir(&generation).join(q.kept_name()),
            "?x\n<unclosed\n",
        )
        .unwrap();
        let err = match answers.kept(&q) {
            Ok(Some(mut kept)) => kept.try_for_each(|s| s.map(|_| ())).unwrap_err(),
            Ok(None) => panic!("the file is there"),
            Err(e) => e,
        };
        let message = err.to_string();
        assert!(message.contains(".answers"), "{message}");
        assert!(err.fix().unwrap().contains("--fresh"), "{message}");
    }
}
