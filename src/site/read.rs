//! Everything the reading view shows, read out of the store with SPARQL:
//! the corpus, its documents with their texts and metadata, mentions (and
//! names several entities share), dates, entities and claims.
//!
//! Invariant: every list is sorted by keys taken from the store alone
//! (ids, offsets, IRIs), so the same store gives the same [`Site`]; offsets
//! are Unicode code points within the document text, as in the store.

use crate::error::Result;
use crate::export::select;
use crate::gazetteer::EntityType;
use crate::relations::VOCABULARY;
use crate::vocab::{ans, skos, time, SPARQL_PREFIXES};
use oxigraph::store::Store;
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

const ENTITIES: &str = "
SELECT ?id ?class ?label ?description ?wikidata ?wsource WHERE {
  ?e dcterms:identifier ?id ; skos:prefLabel ?label ; a ?class .
  OPTIONAL { ?e schema:description ?description }
  OPTIONAL { ?e owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), STR(wd:)))
             BIND(STRAFTER(STR(?wd), STR(wd:)) AS ?wikidata) }
  OPTIONAL { ?e ans:wikidataSource ?wsource }
} ORDER BY ?id ?class";

const ALIASES: &str =
    "SELECT ?id ?alias WHERE { ?e dcterms:identifier ?id ; skos:altLabel ?alias } ORDER BY ?id ?alias";

const DOCUMENTS: &str = "
SELECT ?id ?title ?kind ?date ?file ?start ?end ?text ?language ?publisher ?source ?note ?parent WHERE {
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

const PARTIES: &str = "
SELECT ?doc ?role ?who WHERE {
  ?d dcterms:identifier ?doc ; oa:hasSource ?f .
  { ?d schema:author ?e BIND('author' AS ?role) } UNION { ?d schema:recipient ?e BIND('recipient' AS ?role) }
  ?e dcterms:identifier ?who .
} ORDER BY ?doc ?role ?who";

const MENTIONS: &str = "
SELECT ?doc ?start ?end ?text ?entity ?sstart ?send WHERE {
  ?m itsrdf:taIdentRef ?e ; nif:beginIndex ?start ; nif:endIndex ?end ; nif:anchorOf ?text ;
     nif:referenceContext/nif:sourceUrl/dcterms:identifier ?doc .
  ?e dcterms:identifier ?entity ; skos:prefLabel ?label .
  OPTIONAL { ?m nif:sentence ?s . ?s nif:beginIndex ?sstart ; nif:endIndex ?send }
}";

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

/// The date spans: spelled with the vocabulary module's IRIs, since the
/// shared prefixes do not include OWL-Time.
fn dates_query() -> String {
    format!(
        "SELECT ?doc ?start ?end ?value ?note WHERE {{
  ?s itsrdf:taClassRef <{temporal}> ; nif:beginIndex ?start ; nif:endIndex ?end ;
     nif:referenceContext/nif:sourceUrl/dcterms:identifier ?doc .
  OPTIONAL {{ ?s itsrdf:taIdentRef ?i . ?i <{day}>|<{month}>|<{year}> ?value }}
  OPTIONAL {{ ?s <{editorial}> ?note }}
}}",
        temporal = time::TEMPORAL_ENTITY.as_str(),
        day = time::IN_XSD_DATE.as_str(),
        month = time::IN_XSD_G_YEAR_MONTH.as_str(),
        year = time::IN_XSD_G_YEAR.as_str(),
        editorial = skos::EDITORIAL_NOTE.as_str(),
    )
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

        // Entities: one per id (an entity of two classes keeps the first kind).
        let mut entity_index: BTreeMap<String, usize> = BTreeMap::new();
        for r in q(ENTITIES)? {
            let Some(kind) = crate::network::kind_of(&r[1]) else {
                continue;
            };
            if entity_index.contains_key(&r[0]) {
                continue;
            }
            entity_index.insert(r[0].clone(), site.entities.len());
            site.entities.push(Entity {
                id: r[0].clone(),
                label: r[2].clone(),
                kind: kind.to_string(),
                description: opt(&r[3]),
                wikidata: opt(&r[4]),
                wikidata_source: opt(&r[5]),
                ..Entity::default()
            });
        }
        for r in q(ALIASES)? {
            if let Some(&e) = entity_index.get(&r[0]) {
                site.entities[e].aliases.push(r[1].clone());
            }
        }

        // Documents in reading order; a document embedded in another comes
        // after it.
        let mut doc_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut parents: Vec<(usize, String)> = Vec::new();
        for r in q(DOCUMENTS)? {
            if doc_index.contains_key(&r[0]) {
                continue;
            }
            let d = site.documents.len();
            doc_index.insert(r[0].clone(), d);
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

        for r in q(MENTIONS)? {
            let (Some(&d), Some(&e)) = (doc_index.get(&r[0]), entity_index.get(&r[4])) else {
                continue;
            };
            let sentence = (!r[5].is_empty()).then(|| (num(&r[5]), num(&r[6])));
            site.documents[d].mentions.push(Mention {
                start: num(&r[1]),
                end: num(&r[2]),
                text: r[3].clone(),
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
        for r in q(&dates_query())? {
            let Some(&d) = doc_index.get(&r[0]) else {
                continue;
            };
            let slot = dates.entry((d, num(&r[1]), num(&r[2]))).or_default();
            if slot.0.is_none() {
                slot.0 = opt(&r[3]);
            }
            if slot.1.is_none() {
                slot.1 = opt(&r[4]);
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
