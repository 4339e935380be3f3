//! Words found: a full-text index kept beside each store generation
//! (`gen-NNNNNN.search/` next to `gen-NNNNNN/`), and the search that reads
//! it, ranks documents by BM25 and shows keyword-in-context passages.
//!
//! Words are runs of letters and digits, lowercased and folded to ASCII as
//! the tagger folds names, so "slansky" finds "Slánský". The index is a
//! tantivy index: per document its id, title, date, text (stored) and
//! number of words; per word its documents and positions. A build indexes
//! every document; an update starts from the previous generation's index
//! (hard links to its immutable files), deletes the documents of changed
//! and removed files and adds those of changed and added files. A query is
//! a list of words, "phrases" and prefixes (word*), all of which a document
//! must hold. The search reads postings and positions, not texts: only the
//! texts of the documents shown are read, for their passages.
//!
//! Ranking is computed here, not by tantivy, so that it depends only on the
//! documents, never on how they fall into segments or on deleted documents
//! not yet merged away: a clause's document frequency, the number of
//! documents and their mean length count the live documents exactly, and a
//! clause's frequency in a document is the number of places where it
//! occurs. Ties are broken by document id.
//!
//! Invariant: the index of a generation holds exactly the documents of
//! that generation, each once, with the text its mentions' offsets count
//! in; passages' offsets are Unicode code points into it. (A word longer
//! than 65,530 bytes is stored but not indexed.)

use crate::error::{Error, InputError, Result};
use crate::input::corpus::Corpus;
use crate::text::escape::json_string;
use crate::text::table::text_of;
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use tantivy::index::InvertedIndexReader;
use tantivy::postings::{SegmentPostings, TermInfo};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocAddress, DocId, DocSet, Index, IndexReader, IndexWriter, Postings, ReloadPolicy, Searcher,
    SegmentReader, TantivyDocument, Term, TERMINATED,
};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// The name of the tokenizer the text field is indexed with.
const TOKENIZER: &str = "annalist-fold";
/// Code points of context on either side of a hit.
const CONTEXT: usize = 40;
/// BM25's parameters, the usual ones.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Memory for the index writer, per thread.
const WRITER_MEMORY: usize = 96 << 20;

/// The search directory of a generation.
pub fn index_dir(generation: &Path) -> PathBuf {
    let mut name = generation.file_name().unwrap_or_default().to_os_string();
    name.push(".search");
    generation.with_file_name(name)
}

/// The words of `text`: folded, lowercased, with their byte ranges.
fn tokens(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || (is_combining_mark(c) && !word.is_empty()) {
            if word.is_empty() {
                from = i;
            }
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    word.extend(d.to_lowercase());
                }
            });
        } else if !word.is_empty() {
            out.push((std::mem::take(&mut word), from, i));
        }
    }
    if !word.is_empty() {
        out.push((word, from, text.len()));
    }
    out
}

/// [`tokens`] as a tantivy tokenizer, so the index holds the words the
/// query is folded to.
#[derive(Clone)]
struct Fold;

struct FoldStream {
    tokens: Vec<Token>,
    at: usize,
}

impl Tokenizer for Fold {
    type TokenStream<'a> = FoldStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldStream {
        let tokens = tokens(text)
            .into_iter()
            .enumerate()
            .map(|(position, (text, offset_from, offset_to))| Token {
                offset_from,
                offset_to,
                position,
                text,
                position_length: 1,
            })
            .collect();
        FoldStream {
            tokens,
            at: usize::MAX,
        }
    }
}

impl TokenStream for FoldStream {
    fn advance(&mut self) -> bool {
        self.at = self.at.wrapping_add(1);
        self.at < self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.at]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at]
    }
}

/// The fields of the index.
#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    date: Field,
    text: Field,
    words: Field,
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | STORED | FAST);
    b.add_text_field("title", STORED);
    b.add_text_field("date", STORED);
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    b.add_text_field(
        "text",
        TextOptions::default()
            .set_indexing_options(indexing)
            .set_stored(),
    );
    b.add_u64_field("words", FAST);
    b.build()
}

fn fields(schema: &Schema) -> std::result::Result<Fields, String> {
    let get = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| format!("it has no field {name:?}"))
    };
    Ok(Fields {
        id: get("id")?,
        title: get("title")?,
        date: get("date")?,
        text: get("text")?,
        words: get("words")?,
    })
}

fn failed(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

/// An index that opens, with the fields this program writes, and a reader
/// over all its segments; or what is wrong with it.
fn open(dir: &Path) -> std::result::Result<(Index, Fields, IndexReader), String> {
    if !dir.join("meta.json").is_file() {
        return Err(if dir.is_dir() {
            "it has no meta.json".to_string()
        } else {
            "it is missing".to_string()
        });
    }
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    let f = fields(&index.schema())?;
    if index.schema() != schema() {
        return Err("it was written by another version of annalist".into());
    }
    index.tokenizers().register(TOKENIZER, Fold);
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| e.to_string())?;
    Ok((index, f, reader))
}

/// What is wrong with the search index of the generation at `generation`,
/// if anything: missing, unreadable, of another version, or a segment file
/// lost or cut short.
pub fn damage(generation: &Path) -> Option<String> {
    let dir = index_dir(generation);
    match open(&dir) {
        Ok(_) => None,
        Err(e) => Some(format!("the search index {}: {e}", dir.display())),
    }
}

/// Gives `to` the files of the index at `from`: hard links (the files of a
/// tantivy index are never changed once written), or copies where the file
/// system has none.
fn link_all(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".lock") || !entry.file_type()?.is_file() {
            continue;
        }
        let target = to.join(&name);
        if fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Writes the search index of the generation at `generation`. With
/// `previous` (the search directory of the generation it updates, when it
/// has one that opens), the documents `removed` leave it and the files
/// `files` are added; without, every file of the corpus is.
pub fn index(
    corpus: &Corpus,
    generation: &Path,
    previous: Option<&Path>,
    removed: &[String],
    files: &[usize],
) -> Result<()> {
    let dir = index_dir(generation);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let reused = match previous.filter(|p| open(p).is_ok()) {
        Some(prev) => {
            link_all(prev, &dir).map_err(|e| Error::io(&dir, e))?;
            Some(open(&dir).map_err(|e| failed(&dir, e))?)
        }
        None => None,
    };
    let all: Vec<usize>;
    let (index, f, files, mut writer): (Index, Fields, &[usize], IndexWriter) = match reused {
        Some((index, f, _)) => {
            let writer = index
                .writer_with_num_threads(1, WRITER_MEMORY)
                .map_err(|e| failed(&dir, e))?;
            for id in removed {
                writer.delete_term(Term::from_field_text(f.id, id));
            }
            (index, f, files, writer)
        }
        None => {
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            let index = Index::create_in_dir(&dir, schema()).map_err(|e| failed(&dir, e))?;
            index.tokenizers().register(TOKENIZER, Fold);
            let f = fields(&index.schema()).map_err(|e| failed(&dir, e))?;
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
            let writer = index
                .writer_with_num_threads(threads, threads * WRITER_MEMORY)
                .map_err(|e| failed(&dir, e))?;
            all = (0..corpus.files.len()).collect();
            (index, f, &all, writer)
        }
    };
    for &i in files {
        let file = corpus.file_path(i);
        let bytes = fs::read(&file).map_err(|e| Error::io(&file, e))?;
        let text = text_of(&file, bytes)?;
        for seg in corpus.segment(i, &text)? {
            let d = &corpus.documents[seg.doc];
            let body = &text[seg.start..seg.end];
            // A document of a changed file replaces its previous version.
            writer.delete_term(Term::from_field_text(f.id, &d.id));
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, &d.id);
            doc.add_text(f.title, &d.title);
            doc.add_text(f.date, d.date.map(|d| d.to_string()).unwrap_or_default());
            doc.add_text(f.text, body);
            doc.add_u64(f.words, tokens(body).len() as u64);
            writer.add_document(doc).map_err(|e| failed(&dir, e))?;
        }
    }
    writer.commit().map_err(|e| failed(&dir, e))?;
    writer.wait_merging_threads().map_err(|e| failed(&dir, e))?;
    drop(index);
    Ok(())
}

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Clause {
    /// Words in a row (one, for a plain word); the last a prefix when
    /// `prefix`.
    Phrase { words: Vec<String>, prefix: bool },
}

fn usage(message: String) -> Error {
    Error::Usage {
        message,
        fix: "give words, \"phrases in quotes\" and prefixes such as slan*; every one must occur \
              (there are no operators)"
            .into(),
    }
}

/// Parses a query: words, "phrases" and prefixes (word*, or a phrase whose
/// last word ends in *).
fn parse(query: &str) -> Result<Vec<Clause>> {
    let mut raw: Vec<(String, bool)> = Vec::new();
    let mut rest = query.trim_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let Some(close) = after.find('"') else {
                return Err(usage(format!("the quote in {query:?} is not closed")));
            };
            raw.push((after[..close].to_string(), true));
            rest = &after[close + 1..];
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(rest.len());
            let word = &rest[..end];
            if ["AND", "OR", "NOT"].contains(&word) {
                return Err(usage(format!(
                    "{word} is not an operator here: every word of the query must occur"
                )));
            }
            raw.push((word.to_string(), false));
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    let mut clauses = Vec::new();
    for (text, quoted) in raw {
        let trimmed = text.trim_end();
        let prefix = trimmed.ends_with('*');
        let body = trimmed.trim_end_matches('*');
        if body.contains('*') {
            return Err(usage(format!(
                "{text:?}: * stands only at the end of a word"
            )));
        }
        let words: Vec<String> = tokens(body).into_iter().map(|t| t.0).collect();
        if prefix && (words.is_empty() || body.ends_with(|c: char| !c.is_alphanumeric())) {
            return Err(usage(format!(
                "{text:?}: * needs a letter or digit before it"
            )));
        }
        if words.is_empty() {
            if quoted {
                return Err(usage(format!("the phrase {text:?} has no word in it")));
            }
            continue;
        }
        clauses.push(Clause::Phrase { words, prefix });
    }
    if clauses.is_empty() {
        return Err(usage(format!("{query:?} has no word to search for")));
    }
    Ok(clauses)
}

/// Checks a query without an index: a usage error says what is wrong.
pub fn check(query: &str) -> Result<()> {
    parse(query).map(|_| ())
}

/// A passage of a document that holds a part of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub document: String,
    pub title: String,
    pub date: String,
    /// The document's BM25 score (the same for each of its hits).
    pub score: f32,
    /// Code points into the document's text.
    pub start: usize,
    pub end: usize,
    /// Up to 40 code points before and after; runs of spaces and line
    /// ends made single spaces, trimmed (as `annalist mentions` shows them).
    pub left: String,
    pub hit: String,
    pub right: String,
}

/// One clause's occurrences in one segment: (document, how often), by
/// document, live documents only.
type Counts = Vec<(DocId, u32)>;

/// The indexed words of a clause's word in a segment: the word itself, or
/// every word it begins.
fn word_terms(
    inv: &InvertedIndexReader,
    word: &str,
    prefix: bool,
) -> std::io::Result<Vec<TermInfo>> {
    if !prefix {
        return Ok(inv.terms().get(word.as_bytes())?.into_iter().collect());
    }
    let mut out = Vec::new();
    let mut stream = inv.terms().range().ge(word.as_bytes()).into_stream()?;
    while stream.advance() {
        if !stream.key().starts_with(word.as_bytes()) {
            break;
        }
        out.push(stream.value().clone());
    }
    Ok(out)
}

/// Moves `p` to the first document at or after `d`.
fn seek(p: &mut SegmentPostings, d: DocId) -> DocId {
    if p.doc() < d {
        p.seek(d)
    } else {
        p.doc()
    }
}

/// Where clause `words` (the last a prefix when `prefix`) occurs in the
/// segment `seg`, and how often in each document.
fn clause_counts(
    seg: &SegmentReader,
    inv: &InvertedIndexReader,
    words: &[String],
    prefix: bool,
) -> std::io::Result<Counts> {
    let alive = |d: DocId| !seg.is_deleted(d);
    let n = words.len();
    let mut terms = Vec::with_capacity(n);
    for (j, w) in words.iter().enumerate() {
        let t = word_terms(inv, w, prefix && j + 1 == n)?;
        if t.is_empty() {
            return Ok(Vec::new());
        }
        terms.push(t);
    }
    if n == 1 {
        // A word: the sum of its words' frequencies (a prefix's words never
        // share a place).
        let mut dense: Vec<u32> = Vec::new();
        let mut only: Counts = Vec::new();
        for ti in &terms[0] {
            let mut p = inv.read_postings_from_terminfo(ti, IndexRecordOption::WithFreqs)?;
            while p.doc() != TERMINATED {
                let d = p.doc();
                if alive(d) {
                    if terms[0].len() == 1 {
                        only.push((d, p.term_freq()));
                    } else {
                        if dense.is_empty() {
                            dense = vec![0; seg.max_doc() as usize];
                        }
                        dense[d as usize] += p.term_freq();
                    }
                }
                p.advance();
            }
        }
        if terms[0].len() == 1 {
            return Ok(only);
        }
        return Ok(dense
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(d, &c)| (d as DocId, c))
            .collect());
    }
    // A phrase: the documents that hold every word, then the places where
    // they stand in a row.
    let mut candidates: Option<Vec<DocId>> = None;
    for word in &terms {
        let mut docs: BTreeSet<DocId> = BTreeSet::new();
        for ti in word {
            let mut p = inv.read_postings_from_terminfo(ti, IndexRecordOption::Basic)?;
            match &candidates {
                None => {
                    while p.doc() != TERMINATED {
                        if alive(p.doc()) {
                            docs.insert(p.doc());
                        }
                        p.advance();
                    }
                }
                Some(c) => {
                    for &d in c {
                        if seek(&mut p, d) == TERMINATED {
                            break;
                        }
                        if p.doc() == d {
                            docs.insert(d);
                        }
                    }
                }
            }
        }
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        candidates = Some(docs.into_iter().collect());
    }
    let candidates = candidates.unwrap_or_default();
    // places[j][k]: the positions of word j in candidate k.
    let mut places: Vec<Vec<Vec<u32>>> = vec![vec![Vec::new(); candidates.len()]; n];
    let mut buf = Vec::new();
    for (j, word) in terms.iter().enumerate() {
        for ti in word {
            let mut p: SegmentPostings =
                inv.read_postings_from_terminfo(ti, IndexRecordOption::WithFreqsAndPositions)?;
            for (k, &d) in candidates.iter().enumerate() {
                if seek(&mut p, d) == TERMINATED {
                    break;
                }
                if p.doc() == d {
                    p.positions(&mut buf);
                    places[j][k].extend_from_slice(&buf);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (k, &d) in candidates.iter().enumerate() {
        for word in places.iter_mut() {
            word[k].sort_unstable();
        }
        let count = places[0][k]
            .iter()
            .filter(|&&p| (1..n).all(|j| places[j][k].binary_search(&(p + j as u32)).is_ok()))
            .count() as u32;
        if count > 0 {
            out.push((d, count));
        }
    }
    Ok(out)
}

fn damaged(dir: &Path, what: String) -> Error {
    InputError::new(
        dir,
        format!("the search index is damaged: {what}"),
        "run `annalist build`: it finds the damage and makes the search index anew",
    )
    .into()
}

/// The hits of `query` in the search index of the generation at
/// `generation`: the `limit` best documents, best first (BM25, ties by
/// id), each with every passage that holds a part of the query, in text
/// order.
pub fn search(generation: &Path, query: &str, limit: usize) -> Result<Vec<Hit>> {
    let clauses = parse(query)?;
    let dir = index_dir(generation);
    let (_index, f, reader) = open(&dir).map_err(|e| damaged(&dir, e))?;
    let searcher: Searcher = reader.searcher();
    let io = |e: std::io::Error| damaged(&dir, e.to_string());
    let tv = |e: tantivy::TantivyError| damaged(&dir, e.to_string());
    // Per segment: each clause's counts; the live documents' words.
    let mut per_segment: Vec<Vec<Counts>> = Vec::new();
    let mut df = vec![0usize; clauses.len()];
    let mut total_len = 0u64;
    for seg in searcher.segment_readers() {
        let inv = seg.inverted_index(f.text).map_err(tv)?;
        let words = seg.fast_fields().u64("words").map_err(tv)?;
        for d in seg.doc_ids_alive() {
            total_len += words.first(d).unwrap_or(0);
        }
        let mut counts = Vec::with_capacity(clauses.len());
        for (k, Clause::Phrase { words, prefix }) in clauses.iter().enumerate() {
            let c = clause_counts(seg, &inv, words, *prefix).map_err(io)?;
            df[k] += c.len();
            counts.push(c);
        }
        per_segment.push(counts);
    }
    let n = searcher.num_docs().max(1) as f64;
    let avg = (total_len as f64 / n).max(1.0);
    let idf: Vec<f64> = df
        .iter()
        .map(|&df| (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln())
        .collect();
    // The documents that hold every clause, with their scores.
    let mut ranked: Vec<(f64, u32, DocId)> = Vec::new();
    for (ord, counts) in per_segment.iter().enumerate() {
        let seg = searcher.segment_reader(ord as u32);
        let words = seg.fast_fields().u64("words").map_err(tv)?;
        let Some(rarest) = counts.iter().min_by_key(|c| c.len()) else {
            continue;
        };
        'doc: for &(d, _) in rarest {
            let len = words.first(d).unwrap_or(0) as f64;
            let mut score = 0.0;
            for (k, c) in counts.iter().enumerate() {
                let Ok(at) = c.binary_search_by_key(&d, |e| e.0) else {
                    continue 'doc;
                };
                let tf = c[at].1 as f64;
                score += idf[k] * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
            }
            ranked.push((score, ord as u32, d));
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Ties at the cut are broken by document id: the ids of every document
    // scored as high as the last one shown.
    let limit = limit.max(1);
    if let Some(&(cut, _, _)) = ranked.get(limit - 1) {
        ranked.retain(|r| r.0 >= cut);
    }
    let mut ids: HashMap<u32, tantivy::columnar::StrColumn> = HashMap::new();
    let mut named: Vec<(f64, String, u32, DocId)> = Vec::with_capacity(ranked.len());
    for (score, ord, d) in ranked {
        if let std::collections::hash_map::Entry::Vacant(v) = ids.entry(ord) {
            let col = searcher
                .segment_reader(ord)
                .fast_fields()
                .str("id")
                .map_err(tv)?
                .ok_or_else(|| damaged(&dir, "it has no id column".into()))?;
            v.insert(col);
        }
        let col = &ids[&ord];
        let mut id = String::new();
        if let Some(o) = col.term_ords(d).next() {
            col.ord_to_str(o, &mut id).map_err(io)?;
        }
        named.push((score, id, ord, d));
    }
    named.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    named.truncate(limit);
    let mut hits = Vec::new();
    for (score, _, ord, d) in named {
        let doc: TantivyDocument = searcher.doc(DocAddress::new(ord, d)).map_err(tv)?;
        let get = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let (id, title, date, text) = (get(f.id), get(f.title), get(f.date), get(f.text));
        for (from, to) in passages(&tokens(&text), &clauses) {
            let (start, end) = (chars(&text[..from]), chars(&text[..to]));
            let left_from = floor(&text, from, CONTEXT);
            let right_to = ceil(&text, to, CONTEXT);
            hits.push(Hit {
                document: id.clone(),
                title: title.clone(),
                date: date.clone(),
                score: score as f32,
                start,
                end,
                left: flat(&text[left_from..from]),
                hit: flat(&text[from..to]),
                right: flat(&text[to..right_to]),
            });
        }
    }
    Ok(hits)
}

/// How hits are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

const HEADER: [&str; 9] = [
    "document", "title", "date", "start", "end", "left", "hit", "right", "score",
];

/// Writes hits as a table, CSV or a JSON array of objects.
pub fn write(out: &mut dyn Write, hits: &[Hit], format: Format) -> Result<()> {
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            vec![
                h.document.clone(),
                h.title.clone(),
                h.date.clone(),
                h.start.to_string(),
                h.end.to_string(),
                h.left.clone(),
                h.hit.clone(),
                h.right.clone(),
                format!("{:.3}", h.score),
            ]
        })
        .collect();
    match format {
        Format::Table => crate::output::print_rows(out, &HEADER, &rows, true),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(HEADER)
                .and_then(|()| rows.iter().try_for_each(|r| w.write_record(r)))
                .and_then(|()| w.flush().map_err(csv::Error::from))
                .map_err(|e| match e.into_kind() {
                    csv::ErrorKind::Io(e) => Error::Output(e),
                    other => Error::Output(std::io::Error::other(format!("{other:?}"))),
                })
        }
        Format::Json => {
            let mut text = String::from("[");
            for (k, r) in rows.iter().enumerate() {
                text.push_str(if k == 0 { "\n  {" } else { ",\n  {" });
                for (j, (name, value)) in HEADER.iter().zip(r).enumerate() {
                    let value = if (3..5).contains(&j) || j == 8 {
                        value.clone()
                    } else {
                        json_string(value)
                    };
                    let sep = if j == 0 { "" } else { ", " };
                    text.push_str(&format!("{sep}\"{name}\": {value}"));
                }
                text.push('}');
            }
            text.push_str(if rows.is_empty() { "]\n" } else { "\n]\n" });
            out.write_all(text.as_bytes()).map_err(Error::Output)
        }
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The byte offset `n` code points before `at`.
fn floor(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(at, |(i, _)| i)
}

/// The byte offset `n` code points after `at`.
fn ceil(text: &str, at: usize, n: usize) -> usize {
    text[at..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| at + i)
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The byte ranges of the words `tokens` where a clause of the query
/// occurs, in order, each once.
fn passages(tokens: &[(String, usize, usize)], clauses: &[Clause]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for Clause::Phrase { words, prefix } in clauses {
        let n = words.len();
        for run in tokens.windows(n) {
            let matches = run.iter().zip(words).enumerate().all(|(j, (t, w))| {
                if *prefix && j + 1 == n {
                    t.0.starts_with(w.as_str())
                } else {
                    &t.0 == w
                }
            });
            if matches {
                out.push((run[0].1, run[n - 1].2));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_words_phrases_and_prefixes() {
        let c = parse("Slánský \"Tel Aviv\" ura*").unwrap();
        assert_eq!(
            c,
            vec![
                Clause::Phrase {
                    words: vec!["slansky".into()],
                    prefix: false
                },
                Clause::Phrase {
                    words: vec!["tel".into(), "aviv".into()],
                    prefix: false
                },
                Clause::Phrase {
                    words: vec!["ura".into()],
                    prefix: true
                },
            ]
        );
    }

    #[test]
    fn hostile_queries_are_usage_errors() {
        for q in [
            "\"unterminated",
            "AND OR",
            "*",
            "a*b",
            "",
            "  ",
            "!!!",
            "\"\"",
        ] {
            assert!(
                matches!(parse(q), Err(Error::Usage { .. })),
                "{q:?} should be refused"
            );
        }
    }

    #[test]
    fn passages_count_code_points() {
        let text = "Řím. Slánský v Praze, slánský.";
        let clauses = parse("slansky").unwrap();
        let found = passages(&tokens(text), &clauses);
        let cps: Vec<(usize, usize)> = found
            .iter()
            .map(|&(s, e)| (chars(&text[..s]), chars(&text[..e])))
            .collect();
        assert_eq!(cps, vec![(5, 12), (22, 29)]);
    }
}
