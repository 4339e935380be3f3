//! Everything the reading view shows, read out of the store: the corpus,
//! its documents with their texts and metadata, mentions (and names several
//! entities share), dates, entities and claims. Entities, mentions and
//! dates, the large tables, are read quad by quad with index lookups in the
//! graph that holds them; the rest with SPARQL.
//!
//! Invariant: every list is sorted by keys taken from the store alone
//! (ids, offsets, IRIs), so the same store gives the same [`Site`]; offsets
//! are Unicode code points within the document text, as in the store.

use crate::error::{Error, Result};
use crate::export::select;
use crate::export::PARTIES;
use crate::gazetteer::EntityType;
use crate::relations::VOCABULARY;
use crate::vocab::{
    ans, dcterms, itsrdf, nif, owl, rdf, schema, skos, time, SPARQL_PREFIXES, WIKIDATA_ENTITY,
};
use oxigraph::model::{GraphNameRef, NamedNodeRef, NamedOrBlankNodeRef as SubjectRef, Term};
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
#[derive(Debug, Clone, Default)]
pub struct Entity {
    pub id: String,
    pub label: String,
    pub kind: String,
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

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn num(s: &str) -> usize {
    s.parse().unwrap_or(0)
}

const CORPUS: &str = "
SELECT ?title ?description WHERE {
  ?c a schema:Collection ; schema:name ?title .
  OPTIONAL { ?c schema:description ?description }
} ORDER BY ?title LIMIT 1";

const ALIASES: &str =
    "SELECT ?id ?alias WHERE { ?e dcterms:identifier ?id ; skos:altLabel ?alias } ORDER BY ?id ?alias";

const DOCUMENTS: &str = "
SELECT ?id ?title ?kind ?date ?file ?start ?end ?text ?language ?publisher ?source ?note ?parent ?doc WHERE {
  ?doc a schema:CreativeWork ; dcterms:identifier ?id ; oa:hasSource ?f ;
       oa:hasSelector [ oa:start ?start ; oa:end ?end ] .
  ?f dcterms:identifier ?file .
  ?context nif:sourceUrl ?doc ; a nif:Context ; nif:isString ?text .
  OPTIONAL { ?doc schema:name ?title }
  OPTIONAL { ?doc dcterms:type ?k . BIND(STRAFTER(STR(?k), '#') AS ?kind) }
  OPTIONAL { ?doc schema:dateCreated ?date }
  OPTIONAL { ?doc schema:inLanguage ?language }
  OPTIONAL { ?doc schema:publisher ?publisher }
  OPTIONAL { ?doc dcterms:source ?source }
  OPTIONAL { ?doc skos:note ?note }
  OPTIONAL { ?doc schema:isPartOf ?p . ?p a schema:CreativeWork ; dcterms:identifier ?parent }
} ORDER BY ?file ?start DESC(?end) ?id";

const SHARED: &str = "
SELECT ?doc ?start ?end ?entity WHERE {
  ?m ans:candidate ?e ; nif:beginIndex ?start ; nif:endIndex ?end ;
     nif:referenceContext/nif:sourceUrl/dcterms:identifier ?doc .
  ?e dcterms:identifier ?entity .
}";

const CLAIMS: &str = "
SELECT ?c ?s ?p ?o ?doc ?b ?e ?quote ?date ?from ?to ?role ?note WHERE {
  ?c a rdf:Statement ; rdf:subject ?se ; rdf:predicate ?p ; prov:hadPrimarySource ?d ;
     prov:wasDerivedFrom ?ev .
  ?ev nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?quote .
  ?se dcterms:identifier ?s . ?d dcterms:identifier ?doc .
  OPTIONAL { ?c rdf:object/dcterms:identifier ?o }
  OPTIONAL { ?c dcterms:date ?date }
  OPTIONAL { ?c schema:startDate ?from }
  OPTIONAL { ?c schema:endDate ?to }
  OPTIONAL { ?c schema:roleName ?role }
  OPTIONAL { ?c skos:note ?note }
} ORDER BY ?c";

/// The first object of `(s, p, ?, g)`.
fn object(
    store: &Store,
    s: SubjectRef<'_>,
    p: NamedNodeRef<'_>,
    g: GraphNameRef<'_>,
) -> Result<Option<Term>> {
    objects(store, s, p, g).map(|mut v| (!v.is_empty()).then(|| v.swap_remove(0)))
}

/// Every object of `(s, p, ?, g)`.
fn objects(
    store: &Store,
    s: SubjectRef<'_>,
    p: NamedNodeRef<'_>,
    g: GraphNameRef<'_>,
) -> Result<Vec<Term>> {
    store
        .quads_for_pattern(Some(s), Some(p), None, Some(g))
        .map(|q| {
            q.map(|q| q.object)
                .map_err(|e| Error::Query(format!("reading the store: {e}")))
        })
        .collect()
}

/// A literal's value, an IRI's text.
fn value(t: &Term) -> String {
    match t {
        Term::Literal(l) => l.value().to_string(),
        Term::NamedNode(n) => n.as_str().to_string(),
        t => t.to_string(),
    }
}

fn index_of(t: &Option<Term>) -> Option<usize> {
    t.as_ref().and_then(|t| value(t).parse().ok())
}

impl Site {
    /// Reads the whole corpus out of a built store.
    pub fn from_store(store: &Store) -> Result<Site> {
        let q = |body: &str| select(store, &format!("{SPARQL_PREFIXES}{body}"));
        let mut site = Site::default();
        if let Some(r) = q(CORPUS)?.into_iter().next() {
            site.title = r[0].clone();
            site.description = opt(&r[1]);
        }

        // Entities: one per id (an entity of two classes keeps the kind of
        // the first class IRI), read quad by quad from the labels.
        let mut found: BTreeMap<String, (Entity, String)> = BTreeMap::new();
        for quad in store.quads_for_pattern(None, Some(skos::PREF_LABEL), None, None) {
            let quad = quad.map_err(|e| Error::Query(format!("reading the store: {e}")))?;
            let (e, g) = (quad.subject.as_ref(), quad.graph_name.as_ref());
            let Some(id) = object(store, e, dcterms::IDENTIFIER, g)?.map(|t| value(&t)) else {
                continue;
            };
            let mut classes: Vec<String> =
                objects(store, e, rdf::TYPE, g)?.iter().map(value).collect();
            classes.sort();
            let Some(kind) = classes.iter().find_map(|c| crate::network::kind_of(c)) else {
                continue;
            };
            if found.contains_key(&id) {
                continue;
            }
            let wikidata = objects(store, e, owl::SAME_AS, g)?
                .iter()
                .filter_map(|t| value(t).strip_prefix(WIKIDATA_ENTITY).map(str::to_string))
                .min();
            let entity = Entity {
                id: id.clone(),
                label: value(&quad.object),
                kind: kind.to_string(),
                description: object(store, e, schema::DESCRIPTION, g)?.map(|t| value(&t)),
                wikidata_source: object(store, e, ans::WIKIDATA_SOURCE, g)?.map(|t| value(&t)),
                wikidata,
                ..Entity::default()
            };
            let iri = match e {
                SubjectRef::NamedNode(n) => n.as_str().to_string(),
                other => other.to_string(),
            };
            found.insert(id, (entity, iri));
        }
        let mut entity_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut entity_by_iri: HashMap<String, usize> = HashMap::new();
        for (id, (entity, iri)) in found {
            entity_index.insert(id, site.entities.len());
            entity_by_iri.insert(iri, site.entities.len());
            site.entities.push(entity);
        }
        for r in q(ALIASES)? {
            if let Some(&e) = entity_index.get(&r[0]) {
                site.entities[e].aliases.push(r[1].clone());
            }
        }

        // Documents in reading order; a document embedded in another comes
        // after it.
        let mut doc_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut doc_iris: Vec<String> = Vec::new();
        let mut parents: Vec<(usize, String)> = Vec::new();
        for r in q(DOCUMENTS)? {
            if doc_index.contains_key(&r[0]) {
                continue;
            }
            let d = site.documents.len();
            doc_index.insert(r[0].clone(), d);
            doc_iris.push(r[13].clone());
            if !r[12].is_empty() {
                parents.push((d, r[12].clone()));
            }
            site.documents.push(Document {
                id: r[0].clone(),
                title: r[1].clone(),
                kind: r[2].clone(),
                date: opt(&r[3]),
                file: r[4].clone(),
                file_start: num(&r[5]),
                file_end: num(&r[6]),
                text: r[7].clone(),
                language: opt(&r[8]),
                publisher: opt(&r[9]),
                source: opt(&r[10]),
                note: opt(&r[11]),
                ..Document::default()
            });
        }
        for (d, parent) in parents {
            if let Some(&p) = doc_index.get(&parent) {
                site.documents[d].parent = Some(p);
                site.documents[p].children.push(d);
            }
        }
        for r in q(PARTIES)? {
            let (Some(&d), Some(&e)) = (doc_index.get(&r[0]), entity_index.get(&r[2])) else {
                continue;
            };
            let doc = &mut site.documents[d];
            let list = if r[1] == "author" {
                &mut doc.authors
            } else {
                &mut doc.recipients
            };
            if !list.contains(&e) {
                list.push(e);
            }
        }

        // Mentions and date spans are read quad by quad from each document's
        // graph (named by the document's IRI): index lookups instead of joins
        // over the union of all graphs.
        let doc_by_iri: HashMap<&str, usize> = doc_iris
            .iter()
            .enumerate()
            .map(|(d, iri)| (iri.as_str(), d))
            .collect();
        let graph_doc = |g: &oxigraph::model::GraphName| match g {
            oxigraph::model::GraphName::NamedNode(n) => doc_by_iri.get(n.as_str()).copied(),
            _ => None,
        };
        for quad in store.quads_for_pattern(None, Some(itsrdf::TA_IDENT_REF), None, None) {
            let quad = quad.map_err(|e| Error::Query(format!("reading the store: {e}")))?;
            let Term::NamedNode(target) = &quad.object else {
                continue;
            };
            let (Some(&e), Some(d)) = (
                entity_by_iri.get(target.as_str()),
                graph_doc(&quad.graph_name),
            ) else {
                continue;
            };
            let (s, g) = (quad.subject.as_ref(), quad.graph_name.as_ref());
            let (Some(start), Some(end)) = (
                index_of(&object(store, s, nif::BEGIN_INDEX, g)?),
                index_of(&object(store, s, nif::END_INDEX, g)?),
            ) else {
                continue;
            };
            let text = object(store, s, nif::ANCHOR_OF, g)?
                .map(|t| value(&t))
                .unwrap_or_default();
            let sentence = match object(store, s, nif::SENTENCE_OF, g)? {
                Some(Term::NamedNode(n)) => {
                    let n = SubjectRef::from(n.as_ref());
                    index_of(&object(store, n, nif::BEGIN_INDEX, g)?).zip(index_of(&object(
                        store,
                        n,
                        nif::END_INDEX,
                        g,
                    )?))
                }
                _ => None,
            };
            site.documents[d].mentions.push(Mention {
                start,
                end,
                text,
                entity: e,
                sentence,
            });
        }
        let mut shared: BTreeMap<(usize, usize, usize), BTreeSet<usize>> = BTreeMap::new();
        for r in q(SHARED)? {
            let (Some(&d), Some(&e)) = (doc_index.get(&r[0]), entity_index.get(&r[3])) else {
                continue;
            };
            shared
                .entry((d, num(&r[1]), num(&r[2])))
                .or_default()
                .insert(e);
        }
        for ((d, start, end), candidates) in shared {
            site.documents[d].shared.push(Shared {
                start,
                end,
                candidates: candidates.into_iter().collect(),
            });
        }
        // (document, start, end) -> (value, note)
        type Dated = BTreeMap<(usize, usize, usize), (Option<String>, Option<String>)>;
        let mut dates: Dated = BTreeMap::new();
        let temporal = Term::from(time::TEMPORAL_ENTITY.into_owned());
        for quad in store.quads_for_pattern(
            None,
            Some(itsrdf::TA_CLASS_REF),
            Some(temporal.as_ref()),
            None,
        ) {
            let quad = quad.map_err(|e| Error::Query(format!("reading the store: {e}")))?;
            let Some(d) = graph_doc(&quad.graph_name) else {
                continue;
            };
            let (s, g) = (quad.subject.as_ref(), quad.graph_name.as_ref());
            let (Some(start), Some(end)) = (
                index_of(&object(store, s, nif::BEGIN_INDEX, g)?),
                index_of(&object(store, s, nif::END_INDEX, g)?),
            ) else {
                continue;
            };
            let slot = dates.entry((d, start, end)).or_default();
            for target in objects(store, s, itsrdf::TA_IDENT_REF, g)? {
                let Term::NamedNode(i) = target else { continue };
                let i = SubjectRef::from(i.as_ref());
                for p in [
                    time::IN_XSD_DATE,
                    time::IN_XSD_G_YEAR_MONTH,
                    time::IN_XSD_G_YEAR,
                ] {
                    if slot.0.is_none() {
                        slot.0 = object(store, i, p, g)?.map(|t| value(&t));
                    }
                }
            }
            if slot.1.is_none() {
                slot.1 = object(store, s, skos::EDITORIAL_NOTE, g)?.map(|t| value(&t));
            }
        }
        for ((d, start, end), (value, note)) in dates {
            site.documents[d].dates.push(DateSpan {
                start,
                end,
                value,
                note,
            });
        }
        for (d, doc) in site.documents.iter_mut().enumerate() {
            doc.mentions.sort_by(|a, b| {
                (a.start, a.end, a.entity, a.sentence).cmp(&(b.start, b.end, b.entity, b.sentence))
            });
            doc.mentions
                .dedup_by(|a, b| (a.start, a.end) == (b.start, b.end));
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
        for r in q(CLAIMS)? {
            let (Some(&s), Some(&d)) = (entity_index.get(&r[1]), doc_index.get(&r[4])) else {
                continue;
            };
            if claims.last().is_some_and(|c: &Claim| c.iri == r[0]) {
                continue;
            }
            let (relation, label) = relation_of(&r[2]);
            let date = match (opt(&r[8]), opt(&r[9]), opt(&r[10])) {
                (Some(d), _, _) => Some(d),
                (None, Some(a), Some(z)) => Some(format!("{a}/{z}")),
                (None, Some(a), None) => Some(a),
                _ => None,
            };
            claims.push(Claim {
                iri: r[0].clone(),
                subject: s,
                relation,
                label,
                object: entity_index.get(&r[3]).copied(),
                date,
                source: d,
                start: num(&r[5]),
                end: num(&r[6]),
                quote: r[7].clone(),
                role: opt(&r[11]),
                note: opt(&r[12]),
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
        if let Some(query) = crate::query::library()
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
        Ok(site)
    }
}

/// The entity types in the order pages list them.
pub fn kinds() -> Vec<&'static str> {
    EntityType::ALL.into_iter().map(EntityType::name).collect()
}
