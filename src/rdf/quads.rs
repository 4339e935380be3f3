//! The RDF graph: the corpus, the gazetteer and annotated files
//! ([`crate::annotate::AnnotatedFile`]) become quads.
//!
//! This is the only module that makes triples. The named graphs are:
//! - `{base}graph/corpus`: the corpus and its source files;
//! - `{base}graph/gazetteer`: the entities, their labels and Wikidata ids;
//! - `{base}graph/summary`: counts of mentions (per entity, and per entity
//!   and document), documents and sentences,
//!   derived from the documents' graphs ([`crate::store::summary`]);
//! - one graph per document, named by the document's IRI `{base}doc/{id}`:
//!   what that document says (its metadata, its text, its mentions), so that
//!   `GRAPH ?g` answers "who says so";
//! - the ontology, under its own IRI.
//!
//! A mention costs seven triples: six of NIF 2.0 (`nif:referenceContext`,
//! `nif:beginIndex`, `nif:endIndex`, `nif:anchorOf`, `itsrdf:taIdentRef`,
//! `nif:sentence`) and `ans:foundBy`; a derived mention adds its reason
//! (`skos:editorialNote`), a nested one its outer name (`ans:nestedIn`).
//! Its IRI is `{doc}#char=b,e` (RFC 5147).
//!
//! Invariants: every offset written is in Unicode code points, relative to
//! the document (mentions, sentences) or to the file (a document's place);
//! the quads of one build contain no duplicates, so their count is the
//! store's size.

use crate::annotate::{Ambiguous, AnnotatedFile, How};
use crate::error::{Error, Result};
use crate::input::corpus::{Corpus, DocumentSpec};
use crate::input::date::{PartialDate, Precision};
use crate::input::gazetteer::{EntityType, Gazetteer};
use crate::input::relations::{Claim, ClaimDate};
use crate::rdf::vocab::*;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{
    BlankNode, GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term,
};
use std::collections::HashMap;

/// Mints the IRIs of one corpus.
#[derive(Debug, Clone)]
pub struct Iris {
    base: String,
}

impl Iris {
    pub fn new(base: &str) -> Iris {
        Iris { base: base.into() }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn node(&self, path: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{path}", self.base))
    }

    pub fn corpus(&self) -> NamedNode {
        self.node("corpus")
    }

    pub fn corpus_graph(&self) -> NamedNode {
        self.node("graph/corpus")
    }

    pub fn gazetteer_graph(&self) -> NamedNode {
        self.node("graph/gazetteer")
    }

    /// The graph of counts kept for the query library
    /// ([`crate::store::summary`]).
    pub fn summary_graph(&self) -> NamedNode {
        self.node("graph/summary")
    }

    /// The summary's node of a pair of entities mentioned in one sentence,
    /// `{base}co-mention/{ids}` (`ids`: `id1/id2`).
    pub fn co_mention(&self, ids: &str) -> NamedNode {
        self.node(&format!("co-mention/{ids}"))
    }

    /// The summary's node of an entity's mentions in one document,
    /// `{base}tally/{doc-id}/{entity-id}` (`ids`: `doc-id/entity-id`).
    pub fn tally(&self, ids: &str) -> NamedNode {
        self.node(&format!("tally/{ids}"))
    }

    pub fn entity(&self, id: &str) -> NamedNode {
        self.node(&format!("entity/{id}"))
    }

    pub fn document(&self, id: &str) -> NamedNode {
        self.node(&format!("doc/{id}"))
    }

    pub fn file(&self, id: &str) -> NamedNode {
        self.node(&format!("file/{id}"))
    }

    /// A claim, named by a hash of what it states and where: its fields as
    /// `relations.csv` writes them, each hashed with its length, so that no
    /// text inside a field can make two claims one.
    pub fn claim(&self, fields: &[&str]) -> NamedNode {
        let mut h = blake3::Hasher::new();
        for f in fields {
            h.update(&(f.len() as u64).to_le_bytes());
            h.update(f.as_bytes());
        }
        let hash = h.finalize().to_hex();
        self.node(&format!("claim/{}", &hash[..16]))
    }

    /// The instant a normalised date names, `{base}time/1953-07-15`.
    pub fn instant(&self, date: &PartialDate) -> NamedNode {
        self.node(&format!("time/{date}"))
    }

    /// A string of a document, `{doc}#char=b,e` (RFC 5147, code points).
    pub fn span(&self, doc: &str, begin: usize, end: usize) -> NamedNode {
        self.node(&format!("doc/{doc}#char={begin},{end}"))
    }
}

/// Collects quads into one named graph.
struct Sink<'a> {
    quads: &'a mut Vec<Quad>,
    graph: GraphName,
}

impl Sink<'_> {
    fn add(&mut self, s: impl Into<NamedOrBlankNode>, p: NamedNodeRef<'_>, o: impl Into<Term>) {
        self.quads
            .push(Quad::new(s, p.into_owned(), o, self.graph.clone()));
    }

    fn add_opt(&mut self, s: &NamedNode, p: NamedNodeRef<'_>, o: &Option<String>) {
        if let Some(o) = o {
            self.add(s.clone(), p, Literal::new_simple_literal(o));
        }
    }

    /// A span of a document's text as NIF says it: its context, its
    /// offsets `b..e` (code points in the document) and the text there.
    fn phrase(&mut self, span: &NamedNode, context: &NamedNode, b: usize, e: usize, anchor: &str) {
        self.add(span.clone(), nif::REFERENCE_CONTEXT, context.clone());
        self.add(span.clone(), nif::BEGIN_INDEX, index(b));
        self.add(span.clone(), nif::END_INDEX, index(e));
        self.add(
            span.clone(),
            nif::ANCHOR_OF,
            Literal::new_simple_literal(anchor),
        );
    }
}

/// An offset or index: NIF asks for values castable to xsd:nonNegativeInteger;
/// the store keeps integers as xsd:integer, so that is what is written.
fn index(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}

/// The concept of `ans:MentionMethods` a mention was found by.
fn method(how: How) -> NamedNode {
    NamedNode::new_unchecked(format!("{}{}", ans::NS, how.concept()))
}

/// The quads of the ontology, in its own graph. The parser names blank
/// nodes at random; they are renamed in order of appearance, so every build
/// (and so every export) names them the same.
pub fn ontology_quads() -> Result<Vec<Quad>> {
    let graph = NamedNode::new_unchecked(ONTOLOGY_IRI);
    let mut names: HashMap<BlankNode, BlankNode> = HashMap::new();
    let mut rename = |b: BlankNode| -> BlankNode {
        let next = names.len();
        names
            .entry(b)
            .or_insert_with(|| BlankNode::new_unchecked(format!("ontology{next}")))
            .clone()
    };
    let mut quads = Vec::new();
    for t in RdfParser::from_format(RdfFormat::Turtle).for_slice(ONTOLOGY_TTL.as_bytes()) {
        let q =
            t.map_err(|e| Error::Query(format!("the built-in ontology does not parse: {e}")))?;
        let subject = match q.subject {
            NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::BlankNode(rename(b)),
            s => s,
        };
        let object = match q.object {
            Term::BlankNode(b) => Term::BlankNode(rename(b)),
            o => o,
        };
        quads.push(Quad::new(subject, q.predicate, object, graph.clone()));
    }
    Ok(quads)
}

/// The quads describing the corpus and its files.
pub fn corpus_quads(corpus: &Corpus, iris: &Iris) -> Vec<Quad> {
    let mut quads = corpus_head_quads(corpus, iris);
    for i in 0..corpus.files.len() {
        quads.extend(file_quads(corpus, iris, i));
    }
    quads
}

/// The quads describing the corpus itself, without its files.
pub fn corpus_head_quads(corpus: &Corpus, iris: &Iris) -> Vec<Quad> {
    let mut quads = Vec::new();
    let mut g = Sink {
        quads: &mut quads,
        graph: iris.corpus_graph().into(),
    };
    let c = iris.corpus();
    g.add(c.clone(), rdf::TYPE, schema::COLLECTION);
    g.add(
        c.clone(),
        schema::NAME,
        Literal::new_simple_literal(&corpus.title),
    );
    g.add_opt(&c, schema::DESCRIPTION, &corpus.description);
    quads
}

/// The quads describing file `file` in the corpus graph: the file node and
/// the corpus's `schema:hasPart` link to it.
pub fn file_quads(corpus: &Corpus, iris: &Iris, file: usize) -> Vec<Quad> {
    let mut quads = Vec::new();
    let mut g = Sink {
        quads: &mut quads,
        graph: iris.corpus_graph().into(),
    };
    let c = iris.corpus();
    let f = &corpus.files[file];
    let n = iris.file(&f.id);
    g.add(c.clone(), schema::HAS_PART, n.clone());
    g.add(n.clone(), rdf::TYPE, schema::DIGITAL_DOCUMENT);
    g.add(
        n.clone(),
        dcterms::IDENTIFIER,
        Literal::new_simple_literal(&f.path),
    );
    g.add(
        n.clone(),
        schema::ENCODING_FORMAT,
        Literal::new_simple_literal("text/plain"),
    );
    g.add(n.clone(), schema::IS_PART_OF, c);
    g.add_opt(&n, schema::NAME, &f.title);
    g.add_opt(&n, schema::PUBLISHER, &f.publisher);
    g.add_opt(&n, dcterms::SOURCE, &f.source);
    g.add_opt(&n, schema::IN_LANGUAGE, &f.language);
    g.add_opt(&n, skos::NOTE, &f.note);
    quads
}

/// The schema.org class of an entity type.
pub fn entity_class(kind: EntityType) -> NamedNodeRef<'static> {
    match kind {
        EntityType::Person => schema::PERSON,
        EntityType::Organisation => schema::ORGANIZATION,
        EntityType::Place => schema::PLACE,
        EntityType::Event => schema::EVENT,
        EntityType::Work => schema::CREATIVE_WORK,
    }
}

/// The quads of the gazetteer.
pub fn gazetteer_quads(gazetteer: &Gazetteer, iris: &Iris) -> Vec<Quad> {
    let mut quads = Vec::new();
    let mut g = Sink {
        quads: &mut quads,
        graph: iris.gazetteer_graph().into(),
    };
    for e in &gazetteer.entities {
        let n = iris.entity(&e.id);
        g.add(n.clone(), rdf::TYPE, entity_class(e.kind));
        g.add(
            n.clone(),
            dcterms::IDENTIFIER,
            Literal::new_simple_literal(&e.id),
        );
        g.add(
            n.clone(),
            skos::PREF_LABEL,
            Literal::new_simple_literal(&e.label),
        );
        let mut alts: Vec<&str> = Vec::new();
        for a in &e.aliases {
            let a = a
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(a);
            if a != e.label && !alts.contains(&a) {
                alts.push(a);
            }
        }
        for a in alts {
            g.add(n.clone(), skos::ALT_LABEL, Literal::new_simple_literal(a));
        }
        g.add_opt(&n, schema::DESCRIPTION, &e.description);
        if let Some(q) = &e.wikidata {
            g.add(
                n.clone(),
                owl::SAME_AS,
                NamedNode::new_unchecked(format!("{WIKIDATA_ENTITY}{q}")),
            );
            g.add_opt(&n, ans::WIKIDATA_SOURCE, &e.wikidata_source);
        }
        if let Some((lat, lon)) = e.coordinates {
            let geometry = NamedNode::new_unchecked(format!("{}#geometry", n.as_str()));
            g.add(n.clone(), geo::HAS_GEOMETRY, geometry.clone());
            g.add(geometry.clone(), rdf::TYPE, geo::GEOMETRY);
            g.add(
                geometry,
                geo::AS_WKT,
                Literal::new_typed_literal(format!("POINT({lon} {lat})"), geo::WKT_LITERAL),
            );
        }
    }
    quads
}

/// What one file contributed.
#[derive(Debug, Default)]
pub struct FileGraph {
    pub quads: Vec<Quad>,
    pub documents: usize,
    pub mentions: usize,
    /// Number of mentions of each entity (indexed like the gazetteer).
    pub mentions_per_entity: Vec<usize>,
    /// Names shared by several entities, found in this file, with the
    /// document they were found in.
    pub ambiguous: Vec<(usize, Ambiguous)>,
    /// Claims of `relations.csv` made by documents of this file.
    pub claims: usize,
    /// Date expressions found in the text.
    pub dates: usize,
    /// Lines of `relations.csv` whose subject and object are not mentioned
    /// near the quote (a pronoun, or an event the text does not name).
    pub far_claims: Vec<usize>,
}

/// The quads of an annotated file: each document's metadata, text,
/// mentions, shared names, sentences, dates and claims, in the document's
/// own graph, with every offset in code points.
pub fn annotated_quads(
    annotated: &AnnotatedFile<'_>,
    corpus: &Corpus,
    gazetteer: &Gazetteer,
    iris: &Iris,
) -> FileGraph {
    let text = annotated.text;
    let mut out = FileGraph {
        mentions_per_entity: vec![0; gazetteer.len()],
        documents: annotated.documents.len(),
        far_claims: annotated.far_claims.clone(),
        ..FileGraph::default()
    };
    let file_node = iris.file(&corpus.files[annotated.file].id);

    // Every offset we will write, converted to code points in one pass.
    let mut offsets: Vec<usize> = Vec::new();
    for d in &annotated.documents {
        offsets.extend([d.segment.start, d.segment.end]);
        for m in &d.mentions {
            offsets.extend([m.start, m.end]);
            if let Some((os, oe)) = m.nested_in {
                offsets.extend([os, oe]);
            }
        }
        for &(a, b) in &d.sentences {
            offsets.extend([a, b]);
        }
        for a in &d.shared {
            offsets.extend([a.start, a.end]);
            out.ambiguous.push((d.segment.doc, a.clone()));
        }
        for u in &d.unlisted {
            offsets.extend([u.start, u.end]);
        }
        for c in &d.claims {
            offsets.extend([c.start, c.end]);
        }
        for date in &d.dates {
            offsets.extend([date.start, date.end]);
        }
    }
    let cps = CodePoints::new(text, offsets);

    for annotated_doc in &annotated.documents {
        let seg = &annotated_doc.segment;
        let spec = &corpus.documents[seg.doc];
        let doc = iris.document(&spec.id);
        let mut g = Sink {
            quads: &mut out.quads,
            graph: doc.clone().into(),
        };
        let parent = spec.within.map(|p| iris.document(&corpus.documents[p].id));
        document_metadata(
            &mut g,
            iris,
            spec,
            &doc,
            parent.unwrap_or_else(|| file_node.clone()),
        );
        let (fs, fe) = (cps.get(seg.start), cps.get(seg.end));
        let place = NamedNode::new_unchecked(format!("{}#in-file", doc.as_str()));
        g.add(doc.clone(), oa::HAS_SOURCE, file_node.clone());
        g.add(doc.clone(), oa::HAS_SELECTOR, place.clone());
        g.add(place.clone(), rdf::TYPE, oa::TEXT_POSITION_SELECTOR);
        g.add(place.clone(), oa::START, index(fs));
        g.add(place, oa::END, index(fe));

        let len = fe - fs;
        let context = iris.span(&spec.id, 0, len);
        g.add(context.clone(), rdf::TYPE, nif::CONTEXT);
        g.add(
            context.clone(),
            nif::IS_STRING,
            Literal::new_simple_literal(&text[seg.start..seg.end]),
        );
        g.add(context.clone(), nif::BEGIN_INDEX, index(0));
        g.add(context.clone(), nif::END_INDEX, index(len));
        g.add(context.clone(), nif::SOURCE_URL, doc.clone());

        let mut written_sentences: Vec<usize> = Vec::new();
        for mention in &annotated_doc.mentions {
            let sentence = annotated_doc.sentence_of(mention.start, mention.end);
            let (start, end, entity) = (mention.start, mention.end, mention.entity);
            let (b, e) = (cps.get(start) - fs, cps.get(end) - fs);
            let m = iris.span(&spec.id, b, e);
            let e_node = iris.entity(&gazetteer.entities[entity].id);
            g.phrase(&m, &context, b, e, &text[start..end]);
            g.add(m.clone(), itsrdf::TA_IDENT_REF, e_node);
            g.add(m.clone(), ans::FOUND_BY, method(mention.how));
            if let Some(reason) = &mention.reason {
                g.add(
                    m.clone(),
                    skos::EDITORIAL_NOTE,
                    Literal::new_simple_literal(reason),
                );
            }
            if let Some((os, oe)) = mention.nested_in {
                let outer = iris.span(&spec.id, cps.get(os) - fs, cps.get(oe) - fs);
                g.add(m.clone(), ans::NESTED_IN, outer);
            }
            if let Some(i) = sentence {
                let (ss, se) = annotated_doc.sentences[i];
                let (sb, sentence_end) = (cps.get(ss) - fs, cps.get(se) - fs);
                let s = iris.span(&spec.id, sb, sentence_end);
                g.add(m.clone(), nif::SENTENCE_OF, s.clone());
                if !written_sentences.contains(&i) {
                    written_sentences.push(i);
                    g.add(s.clone(), rdf::TYPE, nif::SENTENCE);
                    g.add(s.clone(), nif::REFERENCE_CONTEXT, context.clone());
                    g.add(s.clone(), nif::BEGIN_INDEX, index(sb));
                    g.add(s, nif::END_INDEX, index(sentence_end));
                }
            }
            out.mentions += 1;
            out.mentions_per_entity[entity] += 1;
        }
        for a in &annotated_doc.shared {
            // A name several entities share here: its candidates, no link.
            let (b, e) = (cps.get(a.start) - fs, cps.get(a.end) - fs);
            let span = iris.span(&spec.id, b, e);
            g.phrase(&span, &context, b, e, &text[a.start..a.end]);
            for &c in &a.entities {
                g.add(
                    span.clone(),
                    ans::CANDIDATE,
                    iris.entity(&gazetteer.entities[c].id),
                );
            }
            if let Some(reason) = &a.reason {
                g.add(
                    span.clone(),
                    skos::EDITORIAL_NOTE,
                    Literal::new_simple_literal(reason),
                );
            }
        }
        for u in &annotated_doc.unlisted {
            // A name no gazetteer lists: its type and rule, no link.
            let (b, e) = (cps.get(u.start) - fs, cps.get(u.end) - fs);
            let span = iris.span(&spec.id, b, e);
            g.phrase(&span, &context, b, e, &text[u.start..u.end]);
            g.add(span.clone(), itsrdf::TA_CLASS_REF, entity_class(u.kind));
            g.add(span.clone(), ans::FOUND_BY, method(How::Unlisted));
            g.add(
                span,
                skos::EDITORIAL_NOTE,
                Literal::new_simple_literal(&u.reason),
            );
        }
        for date in &annotated_doc.dates {
            let (s, e, value, inferred) = (date.start, date.end, date.value, date.year_inferred);
            let (b, e_cp) = (cps.get(s) - fs, cps.get(e) - fs);
            let span = iris.span(&spec.id, b, e_cp);
            g.phrase(&span, &context, b, e_cp, &text[s..e]);
            g.add(span.clone(), itsrdf::TA_CLASS_REF, time::TEMPORAL_ENTITY);
            if let Some(date) = value {
                let instant = iris.instant(&date);
                let property = match date.precision() {
                    Precision::Day => time::IN_XSD_DATE,
                    Precision::Month => time::IN_XSD_G_YEAR_MONTH,
                    Precision::Year => time::IN_XSD_G_YEAR,
                };
                g.add(span.clone(), itsrdf::TA_IDENT_REF, instant.clone());
                g.add(instant.clone(), rdf::TYPE, time::INSTANT);
                g.add(
                    instant,
                    property,
                    Literal::new_typed_literal(
                        date.to_string(),
                        NamedNodeRef::new_unchecked(date.xsd_type()),
                    ),
                );
                if inferred {
                    g.add(
                        span,
                        skos::EDITORIAL_NOTE,
                        Literal::new_simple_literal(
                            "the text gives no year: inferred as the year that puts the date nearest \
                             the document's date (on or before it in a letter or telegram, unless \
                             the words before it say it lies ahead)",
                        ),
                    );
                }
            }
            out.dates += 1;
        }
        for located in &annotated_doc.claims {
            let (claim, qs, qe) = (located.claim, located.start, located.end);
            let (b, e) = (cps.get(qs) - fs, cps.get(qe) - fs);
            claim_quads(
                &mut g,
                iris,
                gazetteer,
                &spec.id,
                claim,
                (b, e),
                &text[qs..qe],
                &context,
            );
            out.claims += 1;
        }
    }
    drop_repeated_quads(&mut out.quads);
    out
}

/// The quads of one claim: the statement itself, so that `GRAPH ?g` names
/// its source, and a reified `rdf:Statement` that carries the source, the
/// evidence passage, the date and the role through triple-only exports.
#[allow(clippy::too_many_arguments)]
fn claim_quads(
    g: &mut Sink<'_>,
    iris: &Iris,
    gazetteer: &Gazetteer,
    doc_id: &str,
    claim: &Claim,
    (b, e): (usize, usize),
    passage: &str,
    context: &NamedNode,
) {
    let entity = |i: usize| iris.entity(&gazetteer.entities[i].id);
    let subject = entity(claim.subject);
    let property = NamedNode::new_unchecked(format!("{}{}", ans::NS, claim.relation.local));
    let object = claim.object.map(entity);
    if let Some(o) = &object {
        g.add(subject.clone(), property.as_ref(), o.clone());
    }
    if claim.relation.id == "occurred" {
        // What the source says of the event's time, as schema.org says it.
        add_date(g, &subject, &claim.date, schema::START_DATE);
    }
    let date = claim.date.map(|d| d.to_string()).unwrap_or_default();
    let c = iris.claim(&[
        &gazetteer.entities[claim.subject].id,
        claim.relation.id,
        claim
            .object
            .map_or("", |o| gazetteer.entities[o].id.as_str()),
        &date,
        doc_id,
        &claim.quote,
    ]);
    g.add(c.clone(), rdf::TYPE, rdf::STATEMENT);
    g.add(c.clone(), rdf::SUBJECT, subject);
    g.add(c.clone(), rdf::PREDICATE, property);
    if let Some(o) = object {
        g.add(c.clone(), rdf::OBJECT, o);
    }
    add_date(g, &c, &claim.date, dcterms::DATE);
    if let Some(role) = &claim.role {
        g.add(
            c.clone(),
            schema::ROLE_NAME,
            Literal::new_simple_literal(role),
        );
    }
    if let Some(note) = &claim.note {
        g.add(c.clone(), skos::NOTE, Literal::new_simple_literal(note));
    }
    g.add(c.clone(), prov::HAD_PRIMARY_SOURCE, iris.document(doc_id));
    let evidence = iris.span(doc_id, b, e);
    g.add(c, prov::WAS_DERIVED_FROM, evidence.clone());
    g.add(evidence.clone(), nif::REFERENCE_CONTEXT, context.clone());
    g.add(evidence.clone(), nif::BEGIN_INDEX, index(b));
    g.add(evidence.clone(), nif::END_INDEX, index(e));
    g.add(
        evidence,
        nif::ANCHOR_OF,
        Literal::new_simple_literal(passage),
    );
}

/// A claim's date on `node`: one date with `single`, a range with
/// `schema:startDate` and `schema:endDate`.
fn add_date(
    g: &mut Sink<'_>,
    node: &NamedNode,
    date: &Option<ClaimDate>,
    single: NamedNodeRef<'_>,
) {
    let literal = |d: &PartialDate| {
        Literal::new_typed_literal(d.to_string(), NamedNodeRef::new_unchecked(d.xsd_type()))
    };
    match date {
        Some(ClaimDate::On(d)) => g.add(node.clone(), single, literal(d)),
        Some(ClaimDate::Between(a, z)) => {
            g.add(node.clone(), schema::START_DATE, literal(a));
            g.add(node.clone(), schema::END_DATE, literal(z));
        }
        None => {}
    }
}

/// Strings are named by their span, so a mention that is a whole sentence
/// or a whole document shares its IRI (and some triples) with it: drop the
/// repeats, keeping the first of each.
fn drop_repeated_quads(quads: &mut Vec<Quad>) {
    let mut seen = std::collections::HashSet::with_capacity(quads.len());
    quads.retain(|q| seen.insert(q.clone()));
}

fn document_metadata(
    g: &mut Sink<'_>,
    iris: &Iris,
    d: &DocumentSpec,
    doc: &NamedNode,
    part_of: NamedNode,
) {
    g.add(doc.clone(), rdf::TYPE, schema::CREATIVE_WORK);
    let class = match d.kind.as_str() {
        "letter" | "telegram" | "greeting" | "memorandum" | "note" => Some(schema::MESSAGE),
        "article" => Some(schema::ARTICLE),
        "blog-post" => Some(schema::BLOG_POSTING),
        "comment" => Some(schema::COMMENT),
        "report" => Some(schema::REPORT),
        _ => None,
    };
    if let Some(class) = class {
        g.add(doc.clone(), rdf::TYPE, class);
    }
    g.add(
        doc.clone(),
        dcterms::IDENTIFIER,
        Literal::new_simple_literal(&d.id),
    );
    g.add(
        doc.clone(),
        schema::NAME,
        Literal::new_simple_literal(&d.title),
    );
    g.add(
        doc.clone(),
        dcterms::TYPE,
        NamedNode::new_unchecked(format!("{}{}", ans::NS, d.kind)),
    );
    if let Some(date) = &d.date {
        g.add(
            doc.clone(),
            schema::DATE_CREATED,
            Literal::new_typed_literal(
                date.to_string(),
                NamedNodeRef::new_unchecked(date.xsd_type()),
            ),
        );
    }
    for a in &d.authors {
        g.add(doc.clone(), schema::AUTHOR, iris.entity(&a.id));
    }
    for r in &d.recipients {
        g.add(doc.clone(), schema::RECIPIENT, iris.entity(&r.id));
    }
    g.add_opt(doc, schema::IN_LANGUAGE, &d.language);
    if let Some(lang) = &d.original_language {
        let original = NamedNode::new_unchecked(format!("{}#original", doc.as_str()));
        g.add(doc.clone(), schema::TRANSLATION_OF_WORK, original.clone());
        g.add(original.clone(), rdf::TYPE, schema::CREATIVE_WORK);
        g.add(
            original,
            schema::IN_LANGUAGE,
            Literal::new_simple_literal(lang),
        );
    }
    g.add_opt(doc, schema::PUBLISHER, &d.publisher);
    g.add_opt(doc, dcterms::SOURCE, &d.source);
    g.add_opt(doc, skos::NOTE, &d.note);
    g.add(doc.clone(), schema::IS_PART_OF, part_of);
}

/// Byte offset → code-point offset for a fixed set of offsets.
struct CodePoints {
    table: Vec<(usize, usize)>,
}

impl CodePoints {
    fn new(text: &str, mut offsets: Vec<usize>) -> CodePoints {
        offsets.sort_unstable();
        offsets.dedup();
        let mut table = Vec::with_capacity(offsets.len());
        let (mut byte, mut cp) = (0, 0);
        for o in offsets {
            cp += text[byte..o].chars().count();
            byte = o;
            table.push((o, cp));
        }
        CodePoints { table }
    }

    fn get(&self, byte: usize) -> usize {
        let i = self
            .table
            .binary_search_by_key(&byte, |e| e.0)
            .expect("every offset was registered");
        self.table[i].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_iris_hash_fields_not_their_debug_text_or_a_separator() {
        let iris = Iris::new("https://example.org/");
        let a = iris.claim(&["x", "memberOf", "y", "1941", "doc", "a|b"]);
        // The same text cut elsewhere is another claim.
        assert_ne!(a, iris.claim(&["x", "memberOf", "y", "1941", "doc|a", "b"]));
        assert_ne!(a, iris.claim(&["x", "memberOf", "y", "1941|doc", "a", "b"]));
        assert_eq!(a, iris.claim(&["x", "memberOf", "y", "1941", "doc", "a|b"]));
        // Pinned: a claim's IRI depends only on these fields' text, so it
        // must not move when the code that holds them is renamed.
        assert_eq!(
            iris.claim(&["x", "memberOf", "", "1941-06/1942", "doc", "q"])
                .as_str(),
            "https://example.org/claim/fa1d4b7ac5dc6557"
        );
    }
}
