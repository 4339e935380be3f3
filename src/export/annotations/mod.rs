//! The annotation layer as other tools read it: W3C Web Annotation JSON-LD,
//! brat standoff and TEI P5, written from the mentions in the store.
//!
//! [`Annotated::from_store`] reads every document with its text and mentions
//! through the read model ([`crate::read`]);
//! the writers in the submodules turn that into their formats.
//!
//! Invariant: offsets are Unicode code points within the document's text,
//! as in the store, and every writer reproduces the document text exactly.

pub mod brat;
pub mod tei;
pub mod webanno;

use crate::error::Result;
use crate::input::gazetteer::EntityType;
use crate::read::{self, Order, Reader};
use oxigraph::store::Store;
use std::collections::{HashMap, HashSet};

/// An entity, as the annotations refer to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub id: String,
    pub iri: String,
    pub label: String,
    pub kind: EntityType,
    /// A Wikidata item id such as `Q855`.
    pub wikidata: Option<String>,
}

impl Entity {
    /// The Wikidata item IRI, if the entity has one.
    pub fn wikidata_iri(&self) -> Option<String> {
        self.wikidata
            .as_ref()
            .map(|q| format!("http://www.wikidata.org/entity/{q}"))
    }
}

/// A mention: `start..end` in code points within the document text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    /// The text at `start..end`.
    pub text: String,
    /// Index into [`Annotated::entities`].
    pub entity: usize,
    /// The span (start, end) of the name it is nested in, if it is.
    pub nested_in: Option<(usize, usize)>,
}

/// A document with its text and mentions, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: String,
    pub iri: String,
    pub title: String,
    pub kind: String,
    pub date: Option<String>,
    pub text: String,
    pub mentions: Vec<Mention>,
    /// The names no gazetteer lists, recognised and typed, with no entity.
    pub unlisted: Vec<read::Unlisted>,
}

/// Every document and every entity that is mentioned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotated {
    pub documents: Vec<Document>,
    pub entities: Vec<Entity>,
}

impl Annotated {
    /// Reads documents, texts and mentions out of a built store through the
    /// read model: documents in file order, entities numbered in order of
    /// first mention.
    pub fn from_store(store: &Store) -> Result<Annotated> {
        let reader = Reader::new(store);
        let all = reader.entities()?;
        let by_iri = read::by_iri(&all);
        let mut out = Annotated::default();
        let mut entities: HashMap<&str, usize> = HashMap::new();
        for key in reader.documents(Order::FileStart)? {
            let graph = reader.graph(&key)?;
            let d = graph.document()?;
            let Some(text) = d.text else { continue };
            let mut mentions = Vec::new();
            for m in graph.mentions()? {
                let Some(e) = by_iri.get(m.entity.as_str()) else {
                    continue;
                };
                let next = out.entities.len();
                let index = *entities.entry(e.iri.as_str()).or_insert(next);
                if index == next {
                    out.entities.push(Entity {
                        id: e.id.clone(),
                        iri: e.iri.clone(),
                        label: e.label.clone(),
                        kind: e.kind,
                        wikidata: e.wikidata.clone(),
                    });
                }
                mentions.push(Mention {
                    start: m.start,
                    end: m.end,
                    text: m.text,
                    entity: index,
                    nested_in: m.nested_in,
                });
            }
            out.documents.push(Document {
                id: key.id,
                iri: key.iri,
                title: d.title.unwrap_or_default(),
                kind: d.kind.unwrap_or_default(),
                date: d.date.map(|d| d.to_string()),
                text,
                mentions,
                unlisted: graph.unlisted()?,
            });
        }
        Ok(out)
    }
}

/// A file name stem for a document id: characters outside
/// `[A-Za-z0-9._-]` become `_`, and a stem already taken gets `~2`, `~3`, …
pub(crate) fn file_stem(id: &str, taken: &mut HashSet<String>) -> String {
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
    if base.is_empty() {
        base.push('_');
    }
    let mut stem = base.clone();
    let mut n = 1;
    while !taken.insert(stem.clone()) {
        n += 1;
        stem = format!("{base}~{n}");
    }
    stem
}

/// Builders for the writers' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Entity, Mention};
    use crate::input::gazetteer::EntityType;

    /// A mention of the unique occurrence of `needle` in `text`, in code
    /// points.
    pub(crate) fn mention(text: &str, needle: &str, entity: usize) -> Mention {
        let byte = text.find(needle).expect("the needle is in the text");
        assert_eq!(text.matches(needle).count(), 1, "{needle} is not unique");
        let start = text[..byte].chars().count();
        Mention {
            start,
            end: start + needle.chars().count(),
            text: needle.to_string(),
            entity,
            nested_in: None,
        }
    }

    pub(crate) fn entity(
        id: &str,
        label: &str,
        kind: EntityType,
        wikidata: Option<&str>,
    ) -> Entity {
        Entity {
            id: id.into(),
            iri: format!("https://example.org/id/{id}"),
            label: label.into(),
            kind,
            wikidata: wikidata.map(str::to_string),
        }
    }

    /// A label built to break markup, formulas and string literals.
    pub(crate) const HOSTILE: &str = "=HYPERLINK(\"x\")<b>O'Brien & Co</b>\n";

    /// The entities of the writers' samples: linked and unlinked, of every
    /// kind, one with the hostile label.
    pub(crate) fn sample_entities() -> Vec<Entity> {
        vec![
            entity("stalin", "Joseph Stalin", EntityType::Person, Some("Q855")),
            entity("moshe-sharett", "Moshe Sharett", EntityType::Person, None),
            entity("tel-aviv", "Tel Aviv", EntityType::Place, Some("Q33935")),
            entity("1obrien", HOSTILE, EntityType::Organisation, None),
            entity(
                "suez-crisis",
                "Suez Crisis",
                EntityType::Event,
                Some("Q49097"),
            ),
            entity("das-kapital", "Das Kapital", EntityType::Work, None),
        ]
    }
}
