//! Words found: the documents' texts kept beside each store generation
//! (`gen-NNNNNN.search/documents.csv` next to `gen-NNNNNN/`), and the search
//! that reads them, ranks documents by BM25 and shows keyword-in-context
//! passages.
//!
//! Words are runs of letters and digits, lowercased and folded to ASCII as
//! the tagger folds names, so "slansky" finds "Slánský". A build writes
//! every document's id, title, date and text; an update starts from the
//! previous generation's file, drops the documents of changed and removed
//! files and adds those of changed and added files. A query is a list of
//! words, "phrases" and prefixes (word*), all of which a document must hold.
//! The search reads every text (a scan, not an inverted index).
//!
//! Invariant: the search file of a generation holds exactly the documents of
//! that generation, each once, in id order, with the text its mentions'
//! offsets count in; passages' offsets are Unicode code points into it.

use crate::annotations::webanno::string;
use crate::corpus::{text_of, Corpus};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

const FILE: &str = "documents.csv";
/// Code points of context on either side of a hit.
const CONTEXT: usize = 40;
/// BM25's parameters, the usual ones.
const K1: f64 = 1.2;
const B: f64 = 0.75;

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

/// One document of the search file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    id: String,
    title: String,
    date: String,
    text: String,
}

fn failed(path: &Path, e: csv::Error) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

fn read(path: &Path) -> Result<Vec<Entry>> {
    let mut r = csv::Reader::from_path(path).map_err(|e| failed(path, e))?;
    r.deserialize()
        .map(|e| e.map_err(|e| failed(path, e)))
        .collect()
}

/// Writes the search file of the generation at `generation`. With
/// `previous` (the search directory of the generation it updates, when it
/// has one), the documents `removed` leave it and the files `files` are
/// added; without, every file of the corpus is.
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
    let previous = previous.map(|p| p.join(FILE)).filter(|p| p.is_file());
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    let all: Vec<usize>;
    let files = match &previous {
        Some(prev) => {
            for e in read(prev)? {
                entries.insert(e.id.clone(), e);
            }
            for id in removed {
                entries.remove(id);
            }
            files
        }
        None => {
            all = (0..corpus.files.len()).collect();
            &all
        }
    };
    for &i in files {
        let file = corpus.file_path(i);
        let bytes = fs::read(&file).map_err(|e| Error::io(&file, e))?;
        let text = text_of(&file, bytes)?;
        for seg in corpus.segment(i, &text)? {
            let d = &corpus.documents[seg.doc];
            let entry = Entry {
                id: d.id.clone(),
                title: d.title.clone(),
                date: d.date.map(|d| d.to_string()).unwrap_or_default(),
                text: text[seg.start..seg.end].to_string(),
            };
            entries.insert(d.id.clone(), entry);
        }
    }
    let path = dir.join(FILE);
    let mut w = csv::Writer::from_path(&path).map_err(|e| failed(&path, e))?;
    for e in entries.values() {
        w.serialize(e).map_err(|e| failed(&path, e))?;
    }
    w.flush().map_err(|e| Error::io(&path, e))
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

/// Byte ranges in a text.
type Spans = Vec<(usize, usize)>;

/// The hits of `query` in the search file of the generation at
/// `generation`: the `limit` best documents, best first (BM25, ties by id),
/// each with every passage that holds a part of the query, in text order.
pub fn search(generation: &Path, query: &str, limit: usize) -> Result<Vec<Hit>> {
    let clauses = parse(query)?;
    let path = index_dir(generation).join(FILE);
    if !path.is_file() {
        return Err(Error::Usage {
            message: format!("{}: the store has no search file", generation.display()),
            fix: "rebuild the store with `annalist build --force`".into(),
        });
    }
    let entries = read(&path)?;
    // Per document: its length in words and each clause's passages.
    let mut found: Vec<(usize, Vec<Spans>)> = Vec::with_capacity(entries.len());
    let mut df = vec![0usize; clauses.len()];
    let mut total_len = 0usize;
    for e in &entries {
        let toks = tokens(&e.text);
        total_len += toks.len();
        let per: Vec<Spans> = clauses
            .iter()
            .map(|c| passages(&toks, std::slice::from_ref(c)))
            .collect();
        for (k, p) in per.iter().enumerate() {
            if !p.is_empty() {
                df[k] += 1;
            }
        }
        found.push((toks.len(), per));
    }
    let n = entries.len().max(1) as f64;
    let avg = (total_len as f64 / n).max(1.0);
    let mut ranked: Vec<(f64, usize)> = Vec::new();
    for (d, (len, per)) in found.iter().enumerate() {
        if per.iter().any(|p| p.is_empty()) {
            continue;
        }
        let score: f64 = per
            .iter()
            .zip(&df)
            .map(|(p, &df)| {
                let idf = (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
                let tf = p.len() as f64;
                idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * *len as f64 / avg))
            })
            .sum();
        ranked.push((score, d));
    }
    ranked.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| entries[a.1].id.cmp(&entries[b.1].id))
    });
    ranked.truncate(limit.max(1));
    let mut hits = Vec::new();
    for (score, d) in ranked {
        let e = &entries[d];
        let text = &e.text;
        let mut spans: Vec<(usize, usize)> = found[d].1.iter().flatten().copied().collect();
        spans.sort_unstable();
        spans.dedup();
        for (from, to) in spans {
            let (start, end) = (chars(&text[..from]), chars(&text[..to]));
            let left_from = floor(text, from, CONTEXT);
            let right_to = ceil(text, to, CONTEXT);
            hits.push(Hit {
                document: e.id.clone(),
                title: e.title.clone(),
                date: e.date.clone(),
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
        Format::Table => crate::export::print_rows(out, &HEADER, &rows, true),
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
                        string(value)
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
