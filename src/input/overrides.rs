//! Reviewers' decisions about single mentions: `overrides.csv` in the corpus.
//!
//! Columns: `document,action,quote,occurrence,start,end,entity,note`.
//! `action` is `add` (a mention the gazetteer misses), `reject` (a false
//! one) or `relink` (give it to another entity, which also settles a name
//! several entities share). A row addresses its mention by quote and
//! occurrence number (the 2nd "Razin" of the document), or by `start` and
//! `end` in code points within the document, in which case the quote must
//! still be the text there.
//!
//! Invariants: after [`Overrides::load`] every row names a document, an
//! action and (for add and relink) an entity that exist; [`locate`] either
//! finds the row's span in the current text or fails, naming the nearest
//! match, so an override never silently drifts when a text is edited.

use crate::error::{InputError, Position, Result};
use crate::input::corpus::Corpus;
use crate::input::gazetteer::Gazetteer;
use crate::text::table::{ByDocument, Table};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What an override does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Add,
    Reject,
    Relink,
}

/// One row of `overrides.csv`.
#[derive(Debug, Clone)]
pub struct Override {
    /// Index into [`Corpus::documents`].
    pub doc: usize,
    pub action: Action,
    pub quote: String,
    /// 1-based; used when no span is given.
    pub occurrence: usize,
    /// Code points within the document.
    pub span: Option<(usize, usize)>,
    /// Gazetteer index, for add and relink.
    pub entity: Option<usize>,
    pub note: Option<String>,
    /// The row's first cell, for messages.
    pub position: Position,
}

/// All overrides of a corpus.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub path: PathBuf,
    pub rows: ByDocument<Override>,
}

const COLUMNS: [&str; 8] = [
    "document",
    "action",
    "quote",
    "occurrence",
    "start",
    "end",
    "entity",
    "note",
];

impl Overrides {
    /// Reads and checks `path`.
    pub fn load(path: &Path, corpus: &Corpus, gazetteer: &Gazetteer) -> Result<Overrides> {
        let table = Table::read(path)?;
        let docs: HashMap<&str, usize> = corpus
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut rows = Vec::new();
        for row in table.rows(&COLUMNS)? {
            let (doc, doc_pos) = row.cell(0);
            let doc = *docs.get(doc.as_str()).ok_or_else(|| {
                row.fail(
                    0,
                    format!("document {doc:?} is not in the manifest"),
                    "give the id of a document of the manifest",
                )
            })?;
            let (action, _) = row.cell(1);
            let action = match action.as_str() {
                "add" => Action::Add,
                "reject" => Action::Reject,
                "relink" => Action::Relink,
                _ => {
                    return Err(row.fail(
                        1,
                        format!("unknown action {action:?}"),
                        "use add, reject or relink",
                    ))
                }
            };
            let (quote, _) = row.cell(2);
            if quote.is_empty() {
                return Err(row.fail(
                    2,
                    "the quote is empty".into(),
                    "copy the mention as the text writes it",
                ));
            }
            let number = |i: usize, what: &str| -> Result<Option<usize>> {
                let (v, _) = row.cell(i);
                if v.is_empty() {
                    return Ok(None);
                }
                v.parse::<usize>().map(Some).map_err(|_| {
                    row.fail(
                        i,
                        format!("{what} {v:?} is not a whole number"),
                        "write a number such as 2, or leave the cell empty",
                    )
                })
            };
            let occurrence = number(3, "occurrence")?;
            if occurrence == Some(0) {
                return Err(row.fail(
                    3,
                    "occurrence 0: occurrences are counted from 1".into(),
                    "write 1 for the first occurrence",
                ));
            }
            let span = match (number(4, "start")?, number(5, "end")?) {
                (Some(s), Some(e)) if s < e => Some((s, e)),
                (None, None) => None,
                _ => {
                    return Err(row.fail(
                        4,
                        "start and end go together, start before end".into(),
                        "give both (code points within the document), or neither",
                    ))
                }
            };
            let (entity, _) = row.cell(6);
            let entity = if entity.is_empty() {
                None
            } else {
                Some(gazetteer.get(&entity).ok_or_else(|| {
                    row.fail(
                        6,
                        format!("entity {entity:?} is not in the gazetteer"),
                        "use the id of a gazetteer row, or add the entity to the gazetteer",
                    )
                })?)
            };
            if action != Action::Reject && entity.is_none() {
                return Err(row.fail(
                    6,
                    "add and relink need an entity".into(),
                    "name the gazetteer id the mention refers to",
                ));
            }
            let (note, _) = row.cell(7);
            rows.push(Override {
                doc,
                action,
                quote,
                occurrence: occurrence.unwrap_or(1),
                span,
                entity,
                note: (!note.is_empty()).then_some(note),
                position: doc_pos,
            });
        }
        Ok(Overrides {
            path: path.to_path_buf(),
            rows: ByDocument::new(rows, |o| o.doc),
        })
    }

    /// The overrides of document `doc`.
    pub fn of(&self, doc: usize) -> impl Iterator<Item = &Override> {
        self.rows.of(doc)
    }
}

/// Finds an override's mention in `text[start..end]` (the document) and
/// returns its byte range in `text`, or an error naming the nearest match.
pub fn locate(
    o: &Override,
    path: &Path,
    doc_id: &str,
    text: &str,
    start: usize,
    end: usize,
) -> Result<(usize, usize)> {
    let doc = &text[start..end];
    let fail = |msg: String, fix: String| -> crate::Error {
        InputError::new(path, msg, fix).at(o.position).into()
    };
    if let Some((s, e)) = o.span {
        let byte = |cp: usize| {
            doc.char_indices()
                .nth(cp)
                .map(|(b, _)| b)
                .or((cp == doc.chars().count()).then_some(doc.len()))
        };
        let (Some(bs), Some(be)) = (byte(s), byte(e)) else {
            return Err(fail(
                format!("span {s}..{e} lies outside document {doc_id:?}"),
                "give code points within the document".into(),
            ));
        };
        if doc[bs..be] != o.quote {
            let hint = match doc.find(&o.quote) {
                Some(b) => {
                    let cp = doc[..b].chars().count();
                    format!(
                        "the text there is {:?}; {:?} is now at {cp}..{}",
                        &doc[bs..be],
                        o.quote,
                        cp + o.quote.chars().count()
                    )
                }
                None => format!(
                    "the text there is {:?}, and {:?} is not in the document",
                    &doc[bs..be],
                    o.quote
                ),
            };
            return Err(fail(
                format!("document {doc_id:?} changed under the override: {hint}"),
                "correct start and end, or the quote".into(),
            ));
        }
        return Ok((start + bs, start + be));
    }
    let hits: Vec<usize> = doc.match_indices(&o.quote).map(|(b, _)| b).collect();
    match hits.get(o.occurrence - 1) {
        Some(&b) => Ok((start + b, start + b + o.quote.len())),
        None if hits.is_empty() => Err(fail(
            format!("{:?} is not in document {doc_id:?}", o.quote),
            match nearest(doc, &o.quote) {
                Some(n) => format!("copy the mention exactly; the nearest is {n:?}"),
                None => "copy the mention exactly as the text writes it".into(),
            },
        )),
        None => Err(fail(
            format!(
                "occurrence {} of {:?}, but document {doc_id:?} has {}",
                o.occurrence,
                o.quote,
                hits.len()
            ),
            format!(
                "count again (1 to {}), or address the mention by start and end",
                hits.len()
            ),
        )),
    }
}

/// The word sequence of `doc` closest to `quote` (case and diacritics
/// ignored), for messages.
fn nearest(doc: &str, quote: &str) -> Option<String> {
    let key = |s: &str| crate::text::fold::fold(s).0.to_lowercase();
    let q = key(quote);
    let n = quote.split_whitespace().count().max(1);
    let words: Vec<&str> = doc.split_whitespace().collect();
    words
        .windows(n)
        .map(|w| w.join(" "))
        .map(|cand| {
            let c = key(&cand);
            let common = c.chars().zip(q.chars()).filter(|(a, b)| a == b).count();
            (common, cand)
        })
        .filter(|(common, _)| *common * 2 >= q.chars().count())
        .max_by_key(|(common, _)| *common)
        .map(|(_, cand)| {
            cand.trim_matches(|c: char| !c.is_alphanumeric())
                .to_string()
        })
}
