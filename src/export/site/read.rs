//! Everything the reading view shows, read out of the store: the corpus,
//! its documents with their texts and metadata, mentions (and names several
//! entities share), dates, entities and claims, through the read model
//! ([`crate::read`]), each document's graph once, with the network drawn
//! from the same reading ([`crate::export::network::Builder`]); only the
//! conflicting pairs come from the library query `conflicting-claims`.
//!
//! Invariant: every list is sorted by keys taken from the store alone
//! (ids, offsets, IRIs), so the same store gives the same [`Site`]; offsets
//! are Unicode code points within the document text, as in the store.

use crate::annotate::How;
use crate::error::Result;
use crate::export::network::{self, Network, NetworkConfig};
use crate::input::gazetteer::EntityType;
use crate::input::relations::VOCABULARY;
use crate::rdf::vocab::ans;
use crate::read::{select, Order, Reader};
use oxigraph::store::Store;
use std::collections::HashMap;
use std::collections::{BTreeMap, BTreeSet};

/// The corpus as a whole.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub title: String,
    pub description: Option<String>,
    pub documents: Vec<Document>,
    pub entities: Vec<Entity>,
    pub claims: Vec<Claim>,
    /// Pairs of claims (indices into `claims`) that the library query
    /// `conflicting-claims` finds in disagreement.
    pub conflicts: Vec<(usize, usize)>,
}

/// A document with its text and everything marked in it.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub date: Option<String>,
    /// Indices into [`Site::entities`].
    pub authors: Vec<usize>,
    pub recipients: Vec<usize>,
    pub language: Option<String>,
    pub publisher: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// The file the document is in (its id).
    pub file: String,
    /// Where the document starts and ends in its file (code points).
    pub file_start: usize,
    pub file_end: usize,
    /// The document it is embedded in (index into [`Site::documents`]).
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub text: String,
    /// Sorted by start, then end.
    pub mentions: Vec<Mention>,
    /// Names several entities share, left unlinked.
    pub shared: Vec<Shared>,
    /// Names no gazetteer lists, recognised by a rule: typed, unlinked,
    /// unreviewed. Sorted by start, then end.
    pub unlisted: Vec<crate::read::Unlisted>,
    pub dates: Vec<DateSpan>,
}

/// A mention of an entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub entity: usize,
    /// The sentence it is in (start, end), if known.
    pub sentence: Option<(usize, usize)>,
    /// How it was found, when not as a name the gazetteer lists, and why.
    pub derived: Option<(How, Option<String>)>,
    /// Whether it lies inside the name of an event or a work.
    pub nested: bool,
}

/// A name that several entities share: its candidates, no link.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub start: usize,
    pub end: usize,
    pub candidates: Vec<usize>,
}

/// A date expression in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateSpan {
    pub start: usize,
    pub end: usize,
    /// The normalised date (ISO 8601 at its precision), when known.
    pub value: Option<String>,
    /// Why the value is partly inferred, when it is.
    pub note: Option<String>,
}

/// A gazetteer entity.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    pub label: String,
    pub kind: EntityType,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub wikidata: Option<String>,
    pub wikidata_source: Option<String>,
    /// (document, index into its mentions), in document order.
    pub mentions: Vec<(usize, usize)>,
}

/// A claim of `relations.csv`, as the store holds it.
#[derive(Debug, Clone, Default)]
pub struct Claim {
    pub iri: String,
    pub subject: usize,
    /// The relation's id in `relations.csv` (`wrote-to`, …).
    pub relation: String,
    /// The relation as words.
    pub label: String,
    pub object: Option<usize>,
    /// A date, or a range as `START/END`.
    pub date: Option<String>,
    /// The source document (index).
    pub source: usize,
    /// The evidence passage: its span in the source and its text.
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub role: Option<String>,
    pub note: Option<String>,
}

impl Claim {
    /// The first day (or month, or year) the claim's date names.
    pub fn sort_date(&self) -> Option<&str> {
        self.date
            .as_deref()
            .map(|d| d.split('/').next().unwrap_or(d))
    }
}

impl Site {
    /// Reads the whole corpus out of a built store, through the read model
    /// ([`crate::read`]), joined by hash maps keyed by IRI, each document's
    /// graph once; the network of `config` is drawn from the same reading.
    pub fn from_store(store: &Store, config: &NetworkConfig) -> Result<(Site, Network)> {
        let reader = Reader::new(store);
        let mut site = Site::default();
        if let Some((title, description)) = reader.corpus()? {
            site.title = title;
            site.description = description;
        }

        // Entities, in id order.
        let mut entity_by_iri: HashMap<String, usize> = HashMap::new();
        // The entities and the documents' keys are two scans of the store:
        // made side by side.
        let (entities, keys) = std::thread::scope(|scope| {
            let keys = scope.spawn(|| reader.documents(Order::Reading));
            let entities = reader.entities();
            let keys = keys
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok::<_, crate::error::Error>((entities?, keys?))
        })?;
        let mut network = network::Builder::new(&entities, &keys, config);
        for e in entities {
            entity_by_iri.insert(e.iri, site.entities.len());
            site.entities.push(Entity {
                id: e.id,
                label: e.label,
                kind: e.kind,
                aliases: e.aliases,
                description: e.description,
                wikidata: e.wikidata,
                wikidata_source: e.wikidata_source,
                mentions: Vec::new(),
            });
        }
        let entities_of = |iris: &[String]| -> Vec<usize> {
            let mut list: Vec<usize> = iris
                .iter()
                .filter_map(|i| entity_by_iri.get(i).copied())
                .collect();
            list.sort_unstable();
            list.dedup();
            list
        };

        // Documents in reading order; a document embedded in another comes
        // after it. Each with its mentions, shared names, dates and names no
        // gazetteer lists.
        let mut doc_index: HashMap<String, usize> = HashMap::new();
        let mut doc_by_iri: HashMap<String, usize> = HashMap::new();
        let mut parents: Vec<(usize, String)> = Vec::new();
        read_documents(&reader, &keys, |key, parts| {
            let (r, found, shared_names, date_spans, mut unlisted) = parts;
            network.document(key, &r, &found);
            if doc_index.contains_key(&key.id) {
                return Ok(());
            }
            let Some(text) = r.text else { return Ok(()) };
            let d = site.documents.len();
            doc_index.insert(key.id.clone(), d);
            doc_by_iri.insert(key.iri.clone(), d);
            if let Some(parent) = r.parent {
                parents.push((d, parent));
            }
            let mut mentions: Vec<Mention> = found
                .into_iter()
                .filter_map(|m| {
                    let e = *entity_by_iri.get(&m.entity)?;
                    Some(Mention {
                        start: m.start,
                        end: m.end,
                        text: m.text,
                        entity: e,
                        sentence: m.sentence,
                        derived: match m.how {
                            None | Some(How::Listed) => None,
                            Some(how) => Some((how, m.reason)),
                        },
                        nested: m.nested_in.is_some(),
                    })
                })
                .collect();
            mentions.sort_by(|a, b| {
                (a.start, a.end, a.entity, a.sentence).cmp(&(b.start, b.end, b.entity, b.sentence))
            });
            mentions.dedup_by(|a, b| (a.start, a.end) == (b.start, b.end));
            let mut shared: Vec<Shared> = Vec::new();
            for s in shared_names {
                let candidates = entities_of(&s.candidates);
                if candidates.is_empty() {
                    continue;
                }
                match shared.last_mut() {
                    Some(last) if (last.start, last.end) == (s.start, s.end) => {
                        last.candidates.extend(candidates);
                        last.candidates.sort_unstable();
                        last.candidates.dedup();
                    }
                    _ => shared.push(Shared {
                        start: s.start,
                        end: s.end,
                        candidates,
                    }),
                }
            }
            let dates = date_spans
                .into_iter()
                .map(|s| DateSpan {
                    start: s.start,
                    end: s.end,
                    value: s.value.map(|d| d.to_string()),
                    note: s.note,
                })
                .collect();
            unlisted.sort_by_key(|u| (u.start, u.end));
            site.documents.push(Document {
                id: key.id.clone(),
                title: r.title.unwrap_or_default(),
                kind: r.kind.unwrap_or_default(),
                date: r.date.map(|d| d.to_string()),
                authors: entities_of(&r.authors),
                recipients: entities_of(&r.recipients),
                language: r.language,
                publisher: r.publisher,
                source: r.source,
                note: r.note,
                file: key.file.clone(),
                file_start: key.file_start,
                file_end: key.file_end,
                parent: None,
                children: Vec::new(),
                text,
                mentions,
                shared,
                unlisted,
                dates,
            });
            Ok(())
        })?;
        for (d, parent) in parents {
            if let Some(&p) = doc_index.get(&parent) {
                site.documents[d].parent = Some(p);
                site.documents[p].children.push(d);
            }
        }
        for (d, doc) in site.documents.iter().enumerate() {
            for (k, m) in doc.mentions.iter().enumerate() {
                site.entities[m.entity].mentions.push((d, k));
            }
        }

        // Claims, sorted by subject, relation, date, source, place.
        let relation_of = |p: &str| {
            let local = p.strip_prefix(ans::NS).unwrap_or(p);
            VOCABULARY
                .iter()
                .find(|r| r.local == local)
                .map(|r| (r.id.to_string(), r.label.to_string()))
                .unwrap_or_else(|| (local.to_string(), local.to_string()))
        };
        let mut claims: Vec<Claim> = Vec::new();
        let stated = reader.claims()?;
        let network = network.finish(&stated)?;
        for c in stated {
            let (Some(&s), Some(&d), Some((start, end, quote))) = (
                entity_by_iri.get(&c.subject),
                doc_by_iri.get(&c.source),
                c.evidence,
            ) else {
                continue;
            };
            let (relation, label) = relation_of(&c.predicate);
            let date = match (c.date, c.start_date, c.end_date) {
                (Some(d), _, _) => Some(d.to_string()),
                (None, Some(a), Some(z)) => Some(format!("{a}/{z}")),
                (None, Some(a), None) => Some(a.to_string()),
                _ => None,
            };
            claims.push(Claim {
                iri: c.iri,
                subject: s,
                relation,
                label,
                object: c.object.and_then(|o| entity_by_iri.get(&o).copied()),
                date,
                source: d,
                start,
                end,
                quote,
                role: c.role,
                note: c.note,
            });
        }
        claims.sort_by(|a, b| {
            let key = |c: &Claim| {
                (
                    site.entities[c.subject].label.clone(),
                    c.relation.clone(),
                    c.sort_date().map(str::to_string),
                    site.documents[c.source].id.clone(),
                    c.start,
                    c.iri.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        site.claims = claims;

        // The conflicting claims, as the library query defines them.
        if let Some(query) = crate::read::query::library()
            .into_iter()
            .find(|l| l.name == "conflicting-claims")
        {
            let text = query
                .text
                .replacen("SELECT ?subject", "SELECT ?c1 ?c2 ?subject", 1);
            if text != query.text {
                let by_iri: BTreeMap<&str, usize> = site
                    .claims
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.iri.as_str(), i))
                    .collect();
                let mut pairs = BTreeSet::new();
                for r in select(store, &text)? {
                    if let (Some(&a), Some(&b)) =
                        (by_iri.get(r[0].as_str()), by_iri.get(r[1].as_str()))
                    {
                        pairs.insert((a.min(b), a.max(b)));
                    }
                }
                site.conflicts = pairs.into_iter().collect();
            }
        }
        Ok((site, network))
    }
}

/// What one document's graph gives the reading view.
type Parts = (
    crate::read::Document,
    Vec<crate::read::Mention>,
    Vec<crate::read::Shared>,
    Vec<crate::read::DateSpan>,
    Vec<crate::read::Unlisted>,
);

/// Reads every document's graph on as many threads as there are cores,
/// each a block of documents at a time and running ahead of `each`, which
/// is given the documents in `keys`' order, one after the other.
fn read_documents(
    reader: &Reader<'_>,
    keys: &[crate::read::DocumentKey],
    mut each: impl FnMut(&crate::read::DocumentKey, Parts) -> Result<()>,
) -> Result<()> {
    let one = |key: &crate::read::DocumentKey| -> Result<Parts> {
        let graph = reader.graph(key)?;
        Ok((
            graph.document()?,
            graph.mentions()?,
            graph.shared()?,
            graph.dates()?,
            graph.unlisted()?,
        ))
    };
    crate::export::in_order(keys, 256, one, |key, parts| each(key, parts?))
}

/// The entity types in the order pages list them.
pub fn kinds() -> [EntityType; 5] {
    EntityType::ALL
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::DocumentKey;
    use oxigraph::model::{GraphNameRef, Literal, NamedNode, QuadRef};

    /// A store of `n` document graphs, each holding its title, and their keys.
    fn store_of(n: usize) -> (Store, Vec<DocumentKey>) {
        let store = Store::new().unwrap();
        let keys: Vec<DocumentKey> = (0..n)
            .map(|i| DocumentKey {
                iri: format!("https://example.org/doc/{i:05}"),
                id: format!("{i:05}"),
                file: format!("{i:05}.txt"),
                file_start: 0,
                file_end: 1,
            })
            .collect();
        for k in &keys {
            let g = NamedNode::new_unchecked(k.iri.as_str());
            let name = Literal::new_simple_literal(&k.id);
            store
                .insert(QuadRef::new(
                    &g,
                    crate::rdf::vocab::schema::NAME,
                    &name,
                    GraphNameRef::NamedNode(g.as_ref()),
                ))
                .unwrap();
        }
        (store, keys)
    }

    #[test]
    fn documents_read_on_every_core_come_back_in_order() {
        // More than one block per thread, and a last block cut short.
        let (store, keys) = store_of(1300);
        let reader = Reader::new(&store);
        let mut seen = Vec::new();
        read_documents(&reader, &keys, |key, (doc, ..)| {
            assert_eq!(doc.title.as_deref(), Some(key.id.as_str()));
            seen.push(key.id.clone());
            Ok(())
        })
        .unwrap();
        let ids: Vec<String> = keys.iter().map(|k| k.id.clone()).collect();
        assert_eq!(seen, ids);
    }

    #[test]
    fn an_error_stops_the_reading_and_is_returned() {
        let (store, keys) = store_of(2000);
        let reader = Reader::new(&store);
        let mut seen = 0;
        let result = read_documents(&reader, &keys, |_, _| {
            seen += 1;
            if seen == 300 {
                return Err(crate::error::Error::Query("stop here".into()));
            }
            Ok(())
        });
        assert!(matches!(result, Err(crate::error::Error::Query(m)) if m == "stop here"));
        assert_eq!(seen, 300);
    }
}
