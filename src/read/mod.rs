//! The read model: documents, entities (with aliases, type, Wikidata id),
//! mentions, names several entities share, dates and claims, read out of a
//! built store into typed values, for every export, the network, the
//! annotation formats, the map, the reading view and `mentions`.
//!
//! Everything is read through Oxigraph's indexes, from the graph that holds
//! it (a document's facts from the document's own graph), never with a join
//! over the union of all graphs, so reading is linear in the store. The
//! gazetteer ([`Reader::entities`]) and the list of documents
//! ([`Reader::documents`], small keys) are held in memory; a document is
//! read one at a time as a [`DocGraph`] (its named graph in one pass over
//! the graph index), from which its text, mentions, shared names and dates
//! are taken ([`DocGraph::document`], [`DocGraph::mentions`], …), so a
//! caller that streams holds one document.
//! Consumers join by hash maps keyed by IRI or id.
//!
//! Invariant: every list comes in an order taken from the store's content
//! alone (ids, offsets, IRIs), so the same store gives the same values; a
//! value that does not parse (an offset that is no number) is an error that
//! names the node, never a default.

pub mod carry;
pub mod query;
pub mod reprint;

use crate::annotate::How;
use crate::error::{Error, Result};
use crate::input::date::PartialDate;
use crate::input::gazetteer::EntityType;
use crate::rdf::vocab::{
    ans, dcterms, geo, itsrdf, nif, oa, owl, prov, rdf, schema, skos, time, WIKIDATA_ENTITY,
};
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef as SubjectRef,
    Term, TermRef,
};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::collections::{BTreeMap, HashMap};

/// Reads typed values out of a store.
pub struct Reader<'a> {
    store: &'a Store,
}

/// A gazetteer entity.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub iri: String,
    pub id: String,
    pub kind: EntityType,
    pub label: String,
    /// Sorted.
    pub aliases: Vec<String>,
    pub description: Option<String>,
    /// A Wikidata item id such as `Q855`.
    pub wikidata: Option<String>,
    pub wikidata_source: Option<String>,
    /// The WKT of the place's point, when the gazetteer gives one.
    pub wkt: Option<String>,
}

/// Where a document is: enough to order documents and find the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentKey {
    pub iri: String,
    pub id: String,
    /// The id (path) of the file the document is in.
    pub file: String,
    /// Where it starts and ends in its file (code points).
    pub file_start: usize,
    pub file_end: usize,
}

/// The orders documents are listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// File, start, the longer first (an embedding document before the
    /// documents embedded at its start), id.
    Reading,
    /// File, start, id.
    FileStart,
    /// Id.
    Id,
}

/// A document's metadata and text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub title: Option<String>,
    /// The kind's local name (`letter`, …).
    pub kind: Option<String>,
    pub date: Option<PartialDate>,
    /// Entity IRIs, sorted.
    pub authors: Vec<String>,
    pub recipients: Vec<String>,
    pub language: Option<String>,
    pub publisher: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// The id of the document it is embedded in.
    pub parent: Option<String>,
    pub text: Option<String>,
}

/// A mention of an entity in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The IRI it links to.
    pub entity: String,
    /// The sentence it is in (start, end), when known.
    pub sentence: Option<(usize, usize)>,
    /// How it was found (None in a store that does not say).
    pub how: Option<How>,
    /// Why a derived mention was made.
    pub reason: Option<String>,
    /// The span (start, end) of the event's or work's name it is nested in.
    pub nested_in: Option<(usize, usize)>,
}

/// A name several entities share, left unlinked.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub start: usize,
    pub end: usize,
    /// Entity IRIs, sorted.
    pub candidates: Vec<String>,
    /// What the document said, when it was weighed and did not decide.
    pub reason: Option<String>,
}

/// A name no gazetteer lists, recognised and typed by a rule, with no link.
#[derive(Debug, Clone, PartialEq)]
pub struct Unlisted {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: EntityType,
    /// The rule that recognised it, in words.
    pub reason: Option<String>,
}

/// A date expression in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct DateSpan {
    pub start: usize,
    pub end: usize,
    /// The date it names, when normalised.
    pub value: Option<PartialDate>,
    /// Why the value is partly inferred.
    pub note: Option<String>,
}

/// A claim, as its reified statement says it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Claim {
    pub iri: String,
    /// Entity IRIs.
    pub subject: String,
    pub predicate: String,
    pub object: Option<String>,
    /// The source document's IRI.
    pub source: String,
    /// The evidence passage: (start, end, quote).
    pub evidence: Option<(usize, usize, String)>,
    pub date: Option<PartialDate>,
    pub start_date: Option<PartialDate>,
    pub end_date: Option<PartialDate>,
    pub role: Option<String>,
    pub note: Option<String>,
}

fn storage(e: impl std::fmt::Display) -> Error {
    Error::Query(format!("reading the store: {e}"))
}

/// A literal's value, an IRI's text.
fn value(t: TermRef<'_>) -> String {
    match t {
        TermRef::Literal(l) => l.value().to_string(),
        TermRef::NamedNode(n) => n.as_str().to_string(),
        t => t.to_string(),
    }
}

/// The value of `(s, p, v)` as a date, or an error naming the node.
fn date_of(
    s: SubjectRef<'_>,
    p: NamedNodeRef<'_>,
    v: Option<String>,
) -> Result<Option<PartialDate>> {
    match v {
        None => Ok(None),
        Some(v) => PartialDate::parse(&v).map(Some).ok_or_else(|| {
            Error::Query(format!(
                "reading the store: <{}> has {} {v:?}, which is no date",
                subject_text(s),
                p
            ))
        }),
    }
}

/// The object of `(s, p, t)` as a code-point offset, or an error naming
/// the node.
fn offset_of(s: SubjectRef<'_>, p: NamedNodeRef<'_>, t: Option<&Term>) -> Result<Option<usize>> {
    match t {
        None => Ok(None),
        Some(t) => {
            let v = value(t.as_ref());
            v.parse().map(Some).map_err(|_| {
                Error::Query(format!(
                    "reading the store: <{}> has {} {v:?}, which is no offset",
                    subject_text(s),
                    p
                ))
            })
        }
    }
}

fn subject_text(s: SubjectRef<'_>) -> String {
    match s {
        SubjectRef::NamedNode(n) => n.as_str().to_string(),
        other => other.to_string(),
    }
}

impl<'a> Reader<'a> {
    pub fn new(store: &'a Store) -> Reader<'a> {
        Reader { store }
    }

    /// Every object of `(s, p, ?, g)`, in index order.
    fn objects(
        &self,
        s: SubjectRef<'_>,
        p: NamedNodeRef<'_>,
        g: GraphNameRef<'_>,
    ) -> Result<Vec<Term>> {
        self.store
            .quads_for_pattern(Some(s), Some(p), None, Some(g))
            .map(|q| q.map(|q| q.object).map_err(storage))
            .collect()
    }

    /// The first object of `(s, p, ?, g)`.
    fn object(
        &self,
        s: SubjectRef<'_>,
        p: NamedNodeRef<'_>,
        g: GraphNameRef<'_>,
    ) -> Result<Option<Term>> {
        match self
            .store
            .quads_for_pattern(Some(s), Some(p), None, Some(g))
            .next()
        {
            Some(q) => Ok(Some(q.map_err(storage)?.object)),
            None => Ok(None),
        }
    }

    fn text(
        &self,
        s: SubjectRef<'_>,
        p: NamedNodeRef<'_>,
        g: GraphNameRef<'_>,
    ) -> Result<Option<String>> {
        Ok(self.object(s, p, g)?.map(|t| value(t.as_ref())))
    }

    /// A date: ISO 8601 at its precision, or an error naming the node.
    fn date(
        &self,
        s: SubjectRef<'_>,
        p: NamedNodeRef<'_>,
        g: GraphNameRef<'_>,
    ) -> Result<Option<PartialDate>> {
        date_of(s, p, self.text(s, p, g)?)
    }

    /// A code-point offset: a number, or an error naming the node.
    fn offset(
        &self,
        s: SubjectRef<'_>,
        p: NamedNodeRef<'_>,
        g: GraphNameRef<'_>,
    ) -> Result<Option<usize>> {
        offset_of(s, p, self.object(s, p, g)?.as_ref())
    }

    /// Every entity of the gazetteer (a node with a label, an id and an
    /// entity class), sorted by id; an id given twice keeps its first node
    /// in index order.
    pub fn entities(&self) -> Result<Vec<Entity>> {
        let mut found: BTreeMap<String, Entity> = BTreeMap::new();
        for quad in self
            .store
            .quads_for_pattern(None, Some(skos::PREF_LABEL), None, None)
        {
            let quad = quad.map_err(storage)?;
            let (e, g) = (quad.subject.as_ref(), quad.graph_name.as_ref());
            let Some(id) = self.text(e, dcterms::IDENTIFIER, g)? else {
                continue;
            };
            if found.contains_key(&id) {
                continue;
            }
            let mut classes: Vec<String> = self
                .objects(e, rdf::TYPE, g)?
                .iter()
                .map(|t| value(t.as_ref()))
                .collect();
            classes.sort();
            let Some(kind) = classes.iter().find_map(|c| kind_of(c)) else {
                continue;
            };
            let wikidata = self
                .objects(e, owl::SAME_AS, g)?
                .iter()
                .filter_map(|t| {
                    value(t.as_ref())
                        .strip_prefix(WIKIDATA_ENTITY)
                        .map(str::to_string)
                })
                .min();
            let mut aliases: Vec<String> = self
                .objects(e, skos::ALT_LABEL, g)?
                .iter()
                .map(|t| value(t.as_ref()))
                .collect();
            aliases.sort();
            let wkt = match self.object(e, geo::HAS_GEOMETRY, g)? {
                Some(Term::NamedNode(n)) => self.text(n.as_ref().into(), geo::AS_WKT, g)?,
                _ => None,
            };
            let entity = Entity {
                iri: subject_text(e),
                id: id.clone(),
                kind,
                label: value(quad.object.as_ref()),
                aliases,
                description: self.text(e, schema::DESCRIPTION, g)?,
                wikidata,
                wikidata_source: self.text(e, ans::WIKIDATA_SOURCE, g)?,
                wkt,
            };
            found.insert(id, entity);
        }
        Ok(found.into_values().collect())
    }

    /// How many mentions link to each IRI.
    pub fn mention_counts(&self) -> Result<HashMap<String, usize>> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for quad in self
            .store
            .quads_for_pattern(None, Some(itsrdf::TA_IDENT_REF), None, None)
        {
            let quad = quad.map_err(storage)?;
            if let Term::NamedNode(n) = quad.object {
                *counts.entry(n.into_string()).or_default() += 1;
            }
        }
        Ok(counts)
    }

    /// The id of the node `iri` (its `dcterms:identifier` in any graph).
    fn id_of(&self, iri: &Term, ids: &mut HashMap<Term, Option<String>>) -> Result<Option<String>> {
        if let Some(id) = ids.get(iri) {
            return Ok(id.clone());
        }
        let id = match iri {
            Term::NamedNode(n) => self
                .store
                .quads_for_pattern(
                    Some(n.as_ref().into()),
                    Some(dcterms::IDENTIFIER),
                    None,
                    None,
                )
                .next()
                .transpose()
                .map_err(storage)?
                .map(|q| value(q.object.as_ref())),
            _ => None,
        };
        ids.insert(iri.clone(), id.clone());
        Ok(id)
    }

    /// Every document (a `schema:CreativeWork` with an id, a file and its
    /// place in the file), in `order`.
    pub fn documents(&self, order: Order) -> Result<Vec<DocumentKey>> {
        let mut files: HashMap<Term, Option<String>> = HashMap::new();
        let mut keys = Vec::new();
        for quad in self
            .store
            .quads_for_pattern(None, Some(oa::HAS_SOURCE), None, None)
        {
            let quad = quad.map_err(storage)?;
            let (d, g) = (quad.subject.as_ref(), quad.graph_name.as_ref());
            let is_work = self
                .store
                .contains(oxigraph::model::QuadRef::new(
                    d,
                    rdf::TYPE,
                    schema::CREATIVE_WORK,
                    g,
                ))
                .map_err(storage)?;
            if !is_work {
                continue;
            }
            let Some(id) = self.text(d, dcterms::IDENTIFIER, g)? else {
                continue;
            };
            let Some(file) = self.id_of(&quad.object, &mut files)? else {
                continue;
            };
            let Some(Term::NamedNode(selector)) = self.object(d, oa::HAS_SELECTOR, g)? else {
                continue;
            };
            let sel = SubjectRef::from(selector.as_ref());
            let (Some(file_start), Some(file_end)) = (
                self.offset(sel, oa::START, g)?,
                self.offset(sel, oa::END, g)?,
            ) else {
                continue;
            };
            keys.push(DocumentKey {
                iri: subject_text(d),
                id,
                file,
                file_start,
                file_end,
            });
        }
        match order {
            Order::Reading => keys.sort_by(|a, b| {
                (&a.file, a.file_start, std::cmp::Reverse(a.file_end), &a.id).cmp(&(
                    &b.file,
                    b.file_start,
                    std::cmp::Reverse(b.file_end),
                    &b.id,
                ))
            }),
            Order::FileStart => keys.sort_by(|a, b| {
                (&a.file, a.file_start, &a.id, a.file_end).cmp(&(
                    &b.file,
                    b.file_start,
                    &b.id,
                    b.file_end,
                ))
            }),
            Order::Id => keys.sort_by(|a, b| (&a.id, &a.iri).cmp(&(&b.id, &b.iri))),
        }
        keys.dedup_by(|a, b| a.iri == b.iri);
        Ok(keys)
    }

    /// A document's graph, read in one pass over Oxigraph's graph index
    /// and held in memory: what [`DocGraph::document`],
    /// [`DocGraph::mentions`], [`DocGraph::shared`] and [`DocGraph::dates`]
    /// read from, each fact one hash lookup instead of one index seek.
    pub fn graph(&self, key: &DocumentKey) -> Result<DocGraph> {
        let node = oxigraph::model::NamedNode::new_unchecked(key.iri.as_str());
        let mut graph = DocGraph {
            iri: node.clone(),
            subjects: Vec::new(),
            index: HashMap::new(),
            parent: None,
        };
        for quad in self.store.quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(node.as_ref())),
        ) {
            let quad = quad.map_err(storage)?;
            // The graph index is sorted by subject: a subject's facts are
            // consecutive.
            let same = graph
                .subjects
                .last()
                .is_some_and(|(s, _)| *s == quad.subject);
            let at = if same {
                graph.subjects.len() - 1
            } else {
                let key = subject_key(quad.subject.as_ref()).into_owned();
                let next = graph.subjects.len();
                let at = *graph.index.entry(key).or_insert(next);
                if at == next {
                    graph.subjects.push((quad.subject, Vec::new()));
                }
                at
            };
            graph.subjects[at].1.push((quad.predicate, quad.object));
        }
        // The document it is embedded in: the first object of
        // `schema:isPartOf` that is a document of any graph, by its id.
        let d = SubjectRef::from(node.as_ref());
        let mut ids: HashMap<Term, Option<String>> = HashMap::new();
        let wholes: Vec<Term> = graph.objects(d, schema::IS_PART_OF).cloned().collect();
        for p in &wholes {
            let Term::NamedNode(n) = p else { continue };
            let is_work = self
                .store
                .quads_for_pattern(
                    Some(n.as_ref().into()),
                    Some(rdf::TYPE),
                    Some(schema::CREATIVE_WORK.into()),
                    None,
                )
                .next()
                .is_some();
            if is_work {
                graph.parent = self.id_of(p, &mut ids)?;
                if graph.parent.is_some() {
                    break;
                }
            }
        }
        Ok(graph)
    }

    /// Every claim (a reified `rdf:Statement` with a subject, a predicate
    /// and a source), once each, in the store's index order (deterministic
    /// for the same content; the network keeps the first of equally good
    /// pieces of evidence in this order).
    pub fn claims(&self) -> Result<Vec<Claim>> {
        let mut out: Vec<Claim> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for quad in
            self.store
                .quads_for_pattern(None, Some(rdf::TYPE), Some(rdf::STATEMENT.into()), None)
        {
            let quad = quad.map_err(storage)?;
            let (c, g) = (quad.subject.as_ref(), quad.graph_name.as_ref());
            let named = |t: Option<Term>| match t {
                Some(Term::NamedNode(n)) => Some(n.into_string()),
                _ => None,
            };
            let (Some(subject), Some(predicate), Some(source)) = (
                named(self.object(c, rdf::SUBJECT, g)?),
                named(self.object(c, rdf::PREDICATE, g)?),
                named(self.object(c, prov::HAD_PRIMARY_SOURCE, g)?),
            ) else {
                continue;
            };
            let evidence = match self.object(c, prov::WAS_DERIVED_FROM, g)? {
                Some(Term::NamedNode(ev)) => {
                    let ev = SubjectRef::from(ev.as_ref());
                    match (
                        self.offset(ev, nif::BEGIN_INDEX, g)?,
                        self.offset(ev, nif::END_INDEX, g)?,
                        self.text(ev, nif::ANCHOR_OF, g)?,
                    ) {
                        (Some(b), Some(e), Some(q)) => Some((b, e, q)),
                        _ => None,
                    }
                }
                _ => None,
            };
            let iri = subject_text(c);
            if !seen.insert(iri.clone()) {
                continue;
            }
            out.push(Claim {
                iri,
                subject,
                predicate,
                object: named(self.object(c, rdf::OBJECT, g)?),
                source,
                evidence,
                date: self.date(c, dcterms::DATE, g)?,
                start_date: self.date(c, schema::START_DATE, g)?,
                end_date: self.date(c, schema::END_DATE, g)?,
                role: self.text(c, schema::ROLE_NAME, g)?,
                note: self.text(c, skos::NOTE, g)?,
            });
        }
        Ok(out)
    }

    /// The corpus's title and description.
    pub fn corpus(&self) -> Result<Option<(String, Option<String>)>> {
        let mut best: Option<(String, Option<String>)> = None;
        for quad in self.store.quads_for_pattern(
            None,
            Some(rdf::TYPE),
            Some(schema::COLLECTION.into()),
            None,
        ) {
            let quad = quad.map_err(storage)?;
            let (c, g) = (quad.subject.as_ref(), quad.graph_name.as_ref());
            for t in self.objects(c, schema::NAME, g)? {
                let title = value(t.as_ref());
                if best.as_ref().is_none_or(|(b, _)| &title < b) {
                    best = Some((title, self.text(c, schema::DESCRIPTION, g)?));
                }
            }
        }
        Ok(best)
    }
}

/// One document's graph in memory: each subject's (predicate, object)
/// pairs in Oxigraph's index order, so "the first object" is the one an
/// index lookup would give first.
pub struct DocGraph {
    iri: oxigraph::model::NamedNode,
    /// Each subject with its (predicate, object) pairs, in index order.
    subjects: Vec<(NamedOrBlankNode, Facts)>,
    /// Where each subject is in `subjects`, by [`subject_key`].
    index: HashMap<String, usize>,
    /// The id of the document it is embedded in (read from its graph).
    parent: Option<String>,
}

/// A subject's (predicate, object) pairs.
type Facts = Vec<(oxigraph::model::NamedNode, Term)>;

/// A subject as a map key: an IRI as it is, a blank node as `_:id` (no IRI
/// starts so: a scheme begins with a letter).
fn subject_key(s: SubjectRef<'_>) -> std::borrow::Cow<'_, str> {
    match s {
        SubjectRef::NamedNode(n) => std::borrow::Cow::Borrowed(n.as_str()),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

impl DocGraph {
    fn facts(&self, s: SubjectRef<'_>) -> &[(oxigraph::model::NamedNode, Term)] {
        match self.index.get(subject_key(s).as_ref()) {
            Some(&i) => &self.subjects[i].1,
            None => &[],
        }
    }

    /// Every object of `(s, p)`, in index order.
    fn objects<'g>(
        &'g self,
        s: SubjectRef<'_>,
        p: NamedNodeRef<'g>,
    ) -> impl Iterator<Item = &'g Term> + 'g {
        self.facts(s)
            .iter()
            .filter(move |(q, _)| q.as_ref() == p)
            .map(|(_, o)| o)
    }

    fn object(&self, s: SubjectRef<'_>, p: NamedNodeRef<'_>) -> Option<&Term> {
        self.facts(s)
            .iter()
            .find(|(q, _)| q.as_ref() == p)
            .map(|(_, o)| o)
    }

    fn contains(&self, s: SubjectRef<'_>, p: NamedNodeRef<'_>, o: TermRef<'_>) -> bool {
        self.facts(s)
            .iter()
            .any(|(q, x)| q.as_ref() == p && x.as_ref() == o)
    }

    /// The subjects of `p` (with object `o`, when given), in index order.
    fn subjects<'g>(
        &'g self,
        p: NamedNodeRef<'g>,
        o: Option<TermRef<'g>>,
    ) -> impl Iterator<Item = &'g NamedOrBlankNode> + 'g {
        self.subjects
            .iter()
            .filter(move |(_, facts)| {
                facts
                    .iter()
                    .any(|(q, x)| q.as_ref() == p && o.is_none_or(|o| x.as_ref() == o))
            })
            .map(|(s, _)| s)
    }

    fn text(&self, s: SubjectRef<'_>, p: NamedNodeRef<'_>) -> Option<String> {
        self.object(s, p).map(|t| value(t.as_ref()))
    }

    /// A date: ISO 8601 at its precision, or an error naming the node.
    fn date(&self, s: SubjectRef<'_>, p: NamedNodeRef<'_>) -> Result<Option<PartialDate>> {
        date_of(s, p, self.text(s, p))
    }

    /// A code-point offset: a number, or an error naming the node.
    fn offset(&self, s: SubjectRef<'_>, p: NamedNodeRef<'_>) -> Result<Option<usize>> {
        offset_of(s, p, self.object(s, p))
    }

    /// The span (start, end) of the node `n`, when it has one.
    fn span(&self, n: Option<&Term>) -> Result<Option<(usize, usize)>> {
        match n {
            Some(Term::NamedNode(n)) => {
                let n = SubjectRef::from(n.as_ref());
                Ok(self
                    .offset(n, nif::BEGIN_INDEX)?
                    .zip(self.offset(n, nif::END_INDEX)?))
            }
            _ => Ok(None),
        }
    }

    /// The document's metadata and text.
    pub fn document(&self) -> Result<Document> {
        let d = SubjectRef::from(self.iri.as_ref());
        let parties = |p| -> Vec<String> {
            let mut list: Vec<String> = self
                .objects(d, p)
                .filter_map(|t| match t {
                    Term::NamedNode(n) => Some(n.as_str().to_string()),
                    _ => None,
                })
                .collect();
            list.sort();
            list.dedup();
            list
        };
        let kind = self.text(d, dcterms::TYPE).map(|k| {
            k.split_once('#')
                .map(|(_, l)| l.to_string())
                .unwrap_or_default()
        });
        let text = self
            .subjects(nif::SOURCE_URL, Some(TermRef::NamedNode(self.iri.as_ref())))
            .map(NamedOrBlankNode::as_ref)
            .filter(|&s| self.contains(s, rdf::TYPE, nif::CONTEXT.into()))
            .find_map(|s| self.text(s, nif::IS_STRING));
        Ok(Document {
            title: self.text(d, schema::NAME),
            kind,
            date: self.date(d, schema::DATE_CREATED)?,
            authors: parties(schema::AUTHOR),
            recipients: parties(schema::RECIPIENT),
            language: self.text(d, schema::IN_LANGUAGE),
            publisher: self.text(d, schema::PUBLISHER),
            source: self.text(d, dcterms::SOURCE),
            note: self.text(d, skos::NOTE),
            parent: self.parent.clone(),
            text,
        })
    }

    /// The mentions the graph holds (every `itsrdf:taIdentRef` to a node
    /// that is not a date), sorted by start, end and entity.
    pub fn mentions(&self) -> Result<Vec<Mention>> {
        let mut out = Vec::new();
        for (subject, _) in &self.subjects {
            let s = subject.as_ref();
            let targets = self
                .objects(s, itsrdf::TA_IDENT_REF)
                .filter_map(|t| match t {
                    Term::NamedNode(n) => Some(n),
                    _ => None,
                });
            let mut targets = targets.peekable();
            if targets.peek().is_none()
                || self.contains(s, itsrdf::TA_CLASS_REF, time::TEMPORAL_ENTITY.into())
            {
                continue;
            }
            let (Some(start), Some(end)) = (
                self.offset(s, nif::BEGIN_INDEX)?,
                self.offset(s, nif::END_INDEX)?,
            ) else {
                return Err(Error::Query(format!(
                    "reading the store: the mention <{}> has no offsets",
                    subject_text(s)
                )));
            };
            let text = self.text(s, nif::ANCHOR_OF).unwrap_or_default();
            let sentence = self.span(self.object(s, nif::SENTENCE_OF))?;
            let how = match self.object(s, ans::FOUND_BY) {
                Some(Term::NamedNode(n)) => {
                    n.as_str().strip_prefix(ans::NS).and_then(How::from_concept)
                }
                _ => None,
            };
            let reason = self.text(s, skos::EDITORIAL_NOTE);
            let nested_in = self.span(self.object(s, ans::NESTED_IN))?;
            for target in targets {
                out.push(Mention {
                    start,
                    end,
                    text: text.clone(),
                    entity: target.as_str().to_string(),
                    sentence,
                    how,
                    reason: reason.clone(),
                    nested_in,
                });
            }
        }
        out.sort_by(|a, b| (a.start, a.end, &a.entity).cmp(&(b.start, b.end, &b.entity)));
        Ok(out)
    }

    /// The names several entities share, sorted by place.
    pub fn shared(&self) -> Result<Vec<Shared>> {
        let mut out = Vec::new();
        for (subject, _) in &self.subjects {
            let s = subject.as_ref();
            let mut candidates: Vec<String> = self
                .objects(s, ans::CANDIDATE)
                .filter_map(|t| match t {
                    Term::NamedNode(n) => Some(n.as_str().to_string()),
                    _ => None,
                })
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let (Some(start), Some(end)) = (
                self.offset(s, nif::BEGIN_INDEX)?,
                self.offset(s, nif::END_INDEX)?,
            ) else {
                continue;
            };
            candidates.sort();
            candidates.dedup();
            out.push(Shared {
                start,
                end,
                candidates,
                reason: self.text(s, skos::EDITORIAL_NOTE),
            });
        }
        out.sort_by(|a, b| (a.start, a.end, &a.candidates).cmp(&(b.start, b.end, &b.candidates)));
        Ok(out)
    }

    /// The names no gazetteer lists (spans found by `ans:unlistedName`),
    /// sorted by place.
    pub fn unlisted(&self) -> Result<Vec<Unlisted>> {
        let method = oxigraph::model::NamedNode::new_unchecked(format!(
            "{}{}",
            ans::NS,
            How::Unlisted.concept()
        ));
        let mut out = Vec::new();
        for subject in self.subjects(ans::FOUND_BY, Some(TermRef::NamedNode(method.as_ref()))) {
            let s = subject.as_ref();
            let (Some(start), Some(end)) = (
                self.offset(s, nif::BEGIN_INDEX)?,
                self.offset(s, nif::END_INDEX)?,
            ) else {
                return Err(Error::Query(format!(
                    "reading the store: the unlisted name <{}> has no offsets",
                    subject_text(s)
                )));
            };
            let kind = match self.object(s, itsrdf::TA_CLASS_REF) {
                Some(Term::NamedNode(n)) => kind_of(n.as_str()),
                _ => None,
            }
            .ok_or_else(|| {
                Error::Query(format!(
                    "reading the store: the unlisted name <{}> has no entity type",
                    subject_text(s)
                ))
            })?;
            out.push(Unlisted {
                start,
                end,
                text: self.text(s, nif::ANCHOR_OF).unwrap_or_default(),
                kind,
                reason: self.text(s, skos::EDITORIAL_NOTE),
            });
        }
        out.sort_by_key(|u| (u.start, u.end));
        Ok(out)
    }

    /// The date expressions, sorted by place.
    pub fn dates(&self) -> Result<Vec<DateSpan>> {
        let mut dated: BTreeMap<(usize, usize), (Option<PartialDate>, Option<String>)> =
            BTreeMap::new();
        for subject in self.subjects(itsrdf::TA_CLASS_REF, Some(time::TEMPORAL_ENTITY.into())) {
            let s = subject.as_ref();
            let (Some(start), Some(end)) = (
                self.offset(s, nif::BEGIN_INDEX)?,
                self.offset(s, nif::END_INDEX)?,
            ) else {
                continue;
            };
            let slot = dated.entry((start, end)).or_default();
            for target in self.objects(s, itsrdf::TA_IDENT_REF) {
                let Term::NamedNode(i) = target else { continue };
                let i = SubjectRef::from(i.as_ref());
                for p in [
                    time::IN_XSD_DATE,
                    time::IN_XSD_G_YEAR_MONTH,
                    time::IN_XSD_G_YEAR,
                ] {
                    if slot.0.is_none() {
                        slot.0 = self.date(i, p)?;
                    }
                }
            }
            if slot.1.is_none() {
                slot.1 = self.text(s, skos::EDITORIAL_NOTE);
            }
        }
        Ok(dated
            .into_iter()
            .map(|((start, end), (value, note))| DateSpan {
                start,
                end,
                value,
                note,
            })
            .collect())
    }
}

/// The graph a document's facts live in.
pub fn graph_of(key: &DocumentKey) -> GraphName {
    GraphName::NamedNode(oxigraph::model::NamedNode::new_unchecked(key.iri.as_str()))
}

/// The entity type of a schema.org class IRI.
pub fn kind_of(class: &str) -> Option<EntityType> {
    EntityType::ALL
        .into_iter()
        .find(|&k| crate::rdf::quads::entity_class(k).as_str() == class)
}

/// The entities by IRI.
pub fn by_iri(entities: &[Entity]) -> HashMap<&str, &Entity> {
    entities.iter().map(|e| (e.iri.as_str(), e)).collect()
}

/// Runs a SELECT and returns its rows, each term as a string (IRIs bare,
/// literals by value, unbound as empty): for library queries whose answer
/// a reader shows as it is.
pub fn select(store: &Store, query: &str) -> Result<Vec<Vec<String>>> {
    let mut prepared = SparqlEvaluator::new()
        .parse_query(query)
        .map_err(|e| Error::Query(format!("built-in query does not parse: {e}")))?;
    prepared.dataset_mut().set_default_graph_as_union();
    let QueryResults::Solutions(solutions) = prepared
        .on_store(store)
        .execute()
        .map_err(|e| Error::Query(e.to_string()))?
    else {
        return Err(Error::Query("built-in query is not a SELECT".into()));
    };
    let variables = solutions.variables().to_vec();
    let mut rows = Vec::new();
    for s in solutions {
        let s = s.map_err(|e| Error::Query(e.to_string()))?;
        rows.push(
            variables
                .iter()
                .map(|v| match s.get(v) {
                    Some(Term::NamedNode(n)) => n.as_str().to_string(),
                    Some(Term::Literal(l)) => l.value().to_string(),
                    Some(t) => t.to_string(),
                    None => String::new(),
                })
                .collect(),
        );
    }
    Ok(rows)
}
