//! Relations and events as claims: who wrote to whom, who belonged to what,
//! what happened when, each attributed to the document that says so.
//!
//! `relations.csv` in the corpus holds one claim per row:
//! `subject,relation,object,date,source,quote,role,note`. The relation is
//! one of [`VOCABULARY`], which fixes the types its subject and object may
//! have; the source is a document id; the quote is evidence copied from that
//! document, found again in its text when the build runs (white space,
//! typographic quotes and dashes folded, as the tagger folds them).
//!
//! Invariants after [`Relations::load`]: every subject and object is a
//! gazetteer entity of an allowed type, every source a document, every date
//! ISO 8601 (or a `START/END` range with START ≤ END). [`locate`] then
//! either finds each quote inside its document or fails with the nearest
//! passage.

use crate::error::{Position, Result};
use crate::input::corpus::Corpus;
use crate::input::date::PartialDate;
use crate::input::gazetteer::{EntityType, Gazetteer};
use crate::text::fold::fold;
use crate::text::table::{ByDocument, Table};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use EntityType::{Event, Organisation as Org, Person, Place};

/// A kind of relation: its id in `relations.csv`, the local name of its
/// property in the ontology, and the types it connects.
#[derive(Debug)]
pub struct RelationKind {
    pub id: &'static str,
    pub local: &'static str,
    pub label: &'static str,
    pub subjects: &'static [EntityType],
    pub objects: &'static [EntityType],
    /// Whether a row may leave the object empty.
    pub object_optional: bool,
}

const AGENTS: &[EntityType] = &[Person, Org];
const PARTIES: &[EntityType] = &[Person, Org, Place];
const POLITIES: &[EntityType] = &[Place, Org];

/// The relations a claim may state.
pub const VOCABULARY: &[RelationKind] = &[
    RelationKind {
        id: "wrote-to",
        local: "wroteTo",
        label: "wrote to",
        subjects: AGENTS,
        objects: AGENTS,
        object_optional: false,
    },
    RelationKind {
        id: "member-of",
        local: "memberOf",
        label: "member of",
        subjects: PARTIES,
        objects: &[Org],
        object_optional: false,
    },
    RelationKind {
        id: "chaired",
        local: "chaired",
        label: "chaired",
        subjects: &[Person],
        objects: &[Org, Event],
        object_optional: false,
    },
    RelationKind {
        id: "held-position",
        local: "heldPosition",
        label: "held a position in",
        subjects: &[Person],
        objects: &[Org, Place],
        object_optional: false,
    },
    RelationKind {
        id: "represented",
        local: "represented",
        label: "represented",
        subjects: &[Person],
        objects: &[Org, Place],
        object_optional: false,
    },
    RelationKind {
        id: "met",
        local: "met",
        label: "met",
        subjects: &[Person],
        objects: &[Person],
        object_optional: false,
    },
    RelationKind {
        id: "sent-aid-to",
        local: "sentAidTo",
        label: "sent aid to",
        subjects: PARTIES,
        objects: PARTIES,
        object_optional: false,
    },
    RelationKind {
        id: "located-in",
        local: "locatedIn",
        label: "located in",
        subjects: &[Org, Place, Event],
        objects: &[Place],
        object_optional: false,
    },
    RelationKind {
        id: "participated-in",
        local: "participatedIn",
        label: "participated in",
        subjects: PARTIES,
        objects: &[Event],
        object_optional: false,
    },
    RelationKind {
        id: "succeeded",
        local: "succeeded",
        label: "succeeded",
        subjects: &[Person],
        objects: &[Person],
        object_optional: false,
    },
    RelationKind {
        id: "occurred",
        local: "occurredIn",
        label: "occurred in",
        subjects: &[Event],
        objects: &[Place],
        object_optional: true,
    },
    RelationKind {
        id: "recognised",
        local: "recognised",
        label: "recognised",
        subjects: POLITIES,
        objects: POLITIES,
        object_optional: false,
    },
    RelationKind {
        id: "severed-relations-with",
        local: "severedRelationsWith",
        label: "severed relations with",
        subjects: POLITIES,
        objects: POLITIES,
        object_optional: false,
    },
    RelationKind {
        id: "restored-relations-with",
        local: "restoredRelationsWith",
        label: "restored relations with",
        subjects: POLITIES,
        objects: POLITIES,
        object_optional: false,
    },
    RelationKind {
        id: "supported",
        local: "supported",
        label: "supported",
        subjects: PARTIES,
        objects: &[Person, Org, Place, Event],
        object_optional: false,
    },
    RelationKind {
        id: "voted-for",
        local: "votedFor",
        label: "voted for",
        subjects: PARTIES,
        objects: &[Event],
        object_optional: false,
    },
];

/// A claim's date: one partial date, or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimDate {
    On(PartialDate),
    Between(PartialDate, PartialDate),
}

impl ClaimDate {
    pub fn parse(s: &str) -> Option<ClaimDate> {
        match s.split_once('/') {
            Some((a, b)) => {
                let (a, b) = (PartialDate::parse(a)?, PartialDate::parse(b)?);
                (a.to_string() <= b.to_string()).then_some(ClaimDate::Between(a, b))
            }
            None => PartialDate::parse(s).map(ClaimDate::On),
        }
    }
}

/// As `relations.csv` writes it: `YYYY[-MM[-DD]]`, or two such joined by `/`.
impl std::fmt::Display for ClaimDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClaimDate::On(d) => write!(f, "{d}"),
            ClaimDate::Between(a, b) => write!(f, "{a}/{b}"),
        }
    }
}

/// One row of `relations.csv`.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Gazetteer indexes.
    pub subject: usize,
    pub relation: &'static RelationKind,
    pub object: Option<usize>,
    pub date: Option<ClaimDate>,
    /// Index into [`Corpus::documents`].
    pub source: usize,
    pub quote: String,
    pub role: Option<String>,
    pub note: Option<String>,
    /// Where the quote cell is, for errors.
    pub quote_position: Position,
}

/// All claims of a corpus.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    pub path: PathBuf,
    /// The claims, indexed by their source document.
    pub claims: ByDocument<Claim>,
}

const COLUMNS: [&str; 8] = [
    "subject", "relation", "object", "date", "source", "quote", "role", "note",
];

impl Relations {
    /// Reads and checks `path` against the corpus and the gazetteer.
    pub fn load(path: &Path, corpus: &Corpus, gazetteer: &Gazetteer) -> Result<Relations> {
        let table = Table::read(path)?;
        let docs: HashMap<&str, usize> = corpus
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut claims = Vec::new();
        for row in table.rows(&COLUMNS)? {
            let entity = |i: usize, what: &str| -> Result<usize> {
                let (id, _) = row.cell(i);
                gazetteer.get(&id).ok_or_else(|| {
                    row.fail(
                        i,
                        format!("{what} {id:?} is not in the gazetteer"),
                        "use the id of a gazetteer row, or add the entity to the gazetteer",
                    )
                })
            };
            let (rel, _) = row.cell(1);
            let relation = VOCABULARY.iter().find(|k| k.id == rel).ok_or_else(|| {
                let ids: Vec<&str> = VOCABULARY.iter().map(|k| k.id).collect();
                row.fail(
                    1,
                    format!("relation {rel:?} is not in the vocabulary"),
                    &format!("use one of: {}", ids.join(", ")),
                )
            })?;
            let subject = entity(0, "subject")?;
            let (object_id, _) = row.cell(2);
            let object = if object_id.is_empty() && relation.object_optional {
                None
            } else if object_id.is_empty() {
                return Err(row.fail(
                    2,
                    format!("{rel} needs an object"),
                    "name the entity the relation points to",
                ));
            } else {
                Some(entity(2, "object")?)
            };
            let kind_of = |e: usize| gazetteer.entities[e].kind;
            if !relation.subjects.contains(&kind_of(subject)) {
                return Err(row.fail(
                    0,
                    format!(
                        "a {} ({}) cannot be the subject of {rel}",
                        kind_of(subject).name(),
                        gazetteer.entities[subject].id
                    ),
                    &format!("{rel} takes a subject of type {}", names(relation.subjects)),
                ));
            }
            if let Some(o) = object {
                if !relation.objects.contains(&kind_of(o)) {
                    return Err(row.fail(
                        2,
                        format!(
                            "a {} ({}) cannot be the object of {rel}",
                            kind_of(o).name(),
                            gazetteer.entities[o].id
                        ),
                        &format!("{rel} takes an object of type {}", names(relation.objects)),
                    ));
                }
            }
            let (date, _) = row.cell(3);
            let date = if date.is_empty() {
                None
            } else {
                Some(ClaimDate::parse(&date).ok_or_else(|| {
                    row.fail(
                        3,
                        format!("date {date:?} is not an ISO 8601 date or range"),
                        "write YYYY-MM-DD, YYYY-MM or YYYY, or a range START/END such as 1947/1949",
                    )
                })?)
            };
            let (source, _) = row.cell(4);
            let source = *docs.get(source.as_str()).ok_or_else(|| {
                row.fail(
                    4,
                    format!("source {source:?} is not a document of the manifest"),
                    "give the id of the document that makes the claim",
                )
            })?;
            let (quote, quote_position) = row.cell(5);
            if quote.is_empty() {
                return Err(row.fail(
                    5,
                    "the quote is empty".into(),
                    "copy the passage of the source that makes the claim",
                ));
            }
            let (role, _) = row.cell(6);
            let (note, _) = row.cell(7);
            claims.push(Claim {
                subject,
                relation,
                object,
                date,
                source,
                quote,
                role: (!role.is_empty()).then_some(role),
                note: (!note.is_empty()).then_some(note),
                quote_position,
            });
        }
        Ok(Relations {
            path: path.to_path_buf(),
            claims: ByDocument::new(claims, |c| c.source),
        })
    }

    /// The claims document `doc` makes.
    pub fn of(&self, doc: usize) -> impl Iterator<Item = &Claim> {
        self.claims.of(doc)
    }
}

fn names(types: &[EntityType]) -> String {
    types
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Finds `quote` in `text[start..end]` (folded as the tagger folds) and
/// returns its byte range in `text`.
pub fn locate(text: &str, start: usize, end: usize, quote: &str) -> Option<(usize, usize)> {
    let (folded, map) = fold(&text[start..end]);
    let (q, _) = fold(quote.trim());
    let q = q.trim();
    let at = folded.find(q)?;
    let (s, e) = (start + map[at] as usize, start + map[at + q.len()] as usize);
    Some((s, s + text[s..e].trim_end().len()))
}

/// The passage of `text[start..end]` that begins like `quote` for the most
/// words, for an error message.
pub fn nearest(text: &str, start: usize, end: usize, quote: &str) -> Option<String> {
    let words: Vec<&str> = quote.split_whitespace().collect();
    for n in (1..words.len().min(12)).rev() {
        if let Some((s, _)) = locate(text, start, end, &words[..n].join(" ")) {
            // Whole words, about as long as the quote plus a little.
            let room = quote.chars().count() + 20;
            let mut len = 0;
            let words: Vec<&str> = text[s..end]
                .split_whitespace()
                .take_while(|w| {
                    len += w.chars().count() + 1;
                    len <= room
                })
                .collect();
            return Some(words.join(" "));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_found_across_line_breaks_and_typography() {
        let text = "Head. Stalin’s death on 5\n  March 1953 ended the tensions.";
        let (s, e) = locate(text, 0, text.len(), "Stalin's death on 5 March 1953").unwrap();
        assert_eq!(&text[s..e], "Stalin’s death on 5\n  March 1953");
        assert!(
            locate(text, 0, 5, "Stalin").is_none(),
            "only inside the range"
        );
        assert_eq!(
            nearest(text, 0, text.len(), "Stalin’s death on 9 March").as_deref(),
            Some("Stalin’s death on 5 March 1953 ended the")
        );
    }

    #[test]
    fn claim_dates_are_iso_8601_dates_or_ordered_ranges() {
        assert!(matches!(
            ClaimDate::parse("1953-03-05"),
            Some(ClaimDate::On(_))
        ));
        assert!(matches!(
            ClaimDate::parse("1947/1949"),
            Some(ClaimDate::Between(..))
        ));
        assert!(ClaimDate::parse("1949/1947").is_none());
        assert!(ClaimDate::parse("March 1953").is_none());
    }

    #[test]
    fn every_relation_has_a_distinct_id_and_property() {
        for (i, k) in VOCABULARY.iter().enumerate() {
            for other in &VOCABULARY[i + 1..] {
                assert_ne!(k.id, other.id);
                assert_ne!(k.local, other.local);
            }
        }
    }
}
