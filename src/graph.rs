//! The RDF graph: corpus, gazetteer and tagged documents become quads.
//!
//! This is the only module that makes triples. The named graphs are:
//! - `{base}graph/corpus`: the corpus and its source files;
//! - `{base}graph/gazetteer`: the entities, their labels and Wikidata ids;
//! - one graph per document, named by the document's IRI `{base}doc/{id}`:
//!   what that document says (its metadata, its text, its mentions), so that
//!   `GRAPH ?g` answers "who says so";
//! - the ontology, under its own IRI.
//!
//! A mention costs six triples (NIF 2.0): `nif:referenceContext`,
//! `nif:beginIndex`, `nif:endIndex`, `nif:anchorOf`, `itsrdf:taIdentRef`,
//! `nif:sentence`. Its IRI is `{doc}#char=b,e` (RFC 5147).
//!
//! Invariants: every offset written is in Unicode code points, relative to
//! the document (mentions, sentences) or to the file (a document's place);
//! the quads of one build contain no duplicates, so their count is the
//! store's size.

use crate::annotate::{Ambiguous, Tagger};
use crate::corpus::{Corpus, DocumentSpec, Segment};
use crate::error::{Error, InputError, Result};
use crate::gazetteer::{EntityType, Gazetteer};
use crate::sentence;
use crate::vocab::*;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};

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

    pub fn entity(&self, id: &str) -> NamedNode {
        self.node(&format!("entity/{id}"))
    }

    pub fn document(&self, id: &str) -> NamedNode {
        self.node(&format!("doc/{id}"))
    }

    pub fn file(&self, id: &str) -> NamedNode {
        self.node(&format!("file/{id}"))
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
}

/// An offset or index: NIF asks for values castable to xsd:nonNegativeInteger;
/// the store keeps integers as xsd:integer, so that is what is written.
fn index(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}

/// The quads of the ontology, in its own graph.
pub fn ontology_quads() -> Result<Vec<Quad>> {
    let graph = NamedNode::new_unchecked(ONTOLOGY_IRI);
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(ONTOLOGY_TTL.as_bytes())
        .map(|t| {
            t.map(|q| Quad::new(q.subject, q.predicate, q.object, graph.clone()))
                .map_err(|e| Error::Query(format!("the built-in ontology does not parse: {e}")))
        })
        .collect()
}

/// The quads describing the corpus and its files.
pub fn corpus_quads(corpus: &Corpus, iris: &Iris) -> Vec<Quad> {
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
    for f in &corpus.files {
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
        g.add(n.clone(), schema::IS_PART_OF, c.clone());
        g.add_opt(&n, schema::NAME, &f.title);
        g.add_opt(&n, schema::PUBLISHER, &f.publisher);
        g.add_opt(&n, dcterms::SOURCE, &f.source);
        g.add_opt(&n, schema::IN_LANGUAGE, &f.language);
        g.add_opt(&n, skos::NOTE, &f.note);
    }
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
}

/// Segments, tags and describes one file of the corpus.
pub fn file_graph(
    corpus: &Corpus,
    gazetteer: &Gazetteer,
    tagger: &Tagger,
    iris: &Iris,
    file: usize,
    text: &str,
) -> Result<FileGraph> {
    let segments = corpus.segment(file, text)?;
    let tagged = tagger.tag(text);
    let mut out = FileGraph {
        mentions_per_entity: vec![0; gazetteer.len()],
        documents: segments.len(),
        ..FileGraph::default()
    };
    let file_node = iris.file(&corpus.files[file].id);

    // Every offset we will write, converted to code points in one pass.
    let mut offsets: Vec<usize> = Vec::new();
    for s in &segments {
        offsets.extend([s.start, s.end]);
    }
    let sentences: Vec<Vec<(usize, usize)>> = segments
        .iter()
        .map(|s| {
            own_ranges(s, &segments)
                .into_iter()
                .flat_map(|(a, b)| sentence::split(text, a, b))
                .collect()
        })
        .collect();
    // Per segment: (start, end, entity, sentence) of each mention in it.
    type Placed = (usize, usize, usize, Option<usize>);
    let mut per_doc: Vec<Vec<Placed>> = vec![Vec::new(); segments.len()];
    for m in &tagged.mentions {
        let Some(k) = innermost(&segments, m.start, m.end) else {
            continue;
        };
        let sentence = containing(&sentences[k], m.start, m.end);
        per_doc[k].push((m.start, m.end, m.entity, sentence));
        offsets.extend([m.start, m.end]);
        if let Some(i) = sentence {
            offsets.extend([sentences[k][i].0, sentences[k][i].1]);
        }
    }
    for a in tagged.ambiguous {
        if let Some(k) = innermost(&segments, a.start, a.end) {
            out.ambiguous.push((segments[k].doc, a));
        }
    }
    let cps = CodePoints::new(text, offsets);

    for (k, seg) in segments.iter().enumerate() {
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
        for &(start, end, entity, sentence) in &per_doc[k] {
            let (b, e) = (cps.get(start) - fs, cps.get(end) - fs);
            let m = iris.span(&spec.id, b, e);
            let e_node = iris.entity(&gazetteer.entities[entity].id);
            g.add(m.clone(), nif::REFERENCE_CONTEXT, context.clone());
            g.add(m.clone(), nif::BEGIN_INDEX, index(b));
            g.add(m.clone(), nif::END_INDEX, index(e));
            g.add(
                m.clone(),
                nif::ANCHOR_OF,
                Literal::new_simple_literal(&text[start..end]),
            );
            g.add(m.clone(), itsrdf::TA_IDENT_REF, e_node);
            if let Some(i) = sentence {
                let (ss, se) = sentences[k][i];
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
    }
    drop_repeated_quads(&mut out.quads);
    Ok(out)
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

/// The parts of a segment not covered by documents embedded in it.
fn own_ranges(seg: &Segment, all: &[Segment]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut at = seg.start;
    for child in all.iter().filter(|c| {
        c.doc != seg.doc
            && c.start >= seg.start
            && c.end <= seg.end
            && (c.start, c.end) != (seg.start, seg.end)
    }) {
        if child.start > at {
            ranges.push((at, child.start));
        }
        at = at.max(child.end);
    }
    if at < seg.end {
        ranges.push((at, seg.end));
    }
    ranges
}

/// The innermost segment that contains `start..end`.
fn innermost(segments: &[Segment], start: usize, end: usize) -> Option<usize> {
    let upto = segments.partition_point(|s| s.start <= start);
    (0..upto).rev().find(|&k| segments[k].end >= end)
}

fn containing(sentences: &[(usize, usize)], start: usize, end: usize) -> Option<usize> {
    let k = sentences.partition_point(|s| s.0 <= start);
    (k > 0 && sentences[k - 1].1 >= end).then(|| k - 1)
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

/// Checks the corpus against the gazetteer before anything is written.
pub fn check(corpus: &Corpus, gazetteer: &Gazetteer) -> Result<()> {
    corpus.check_entities(|id| gazetteer.get(id).is_some())?;
    if corpus.documents.is_empty() && !corpus.files.is_empty() {
        return Err(InputError::new(
            corpus.manifest_path(),
            "the manifest lists files but no documents",
            "add a [[document]] table for each document (see `annalist init`)",
        )
        .into());
    }
    Ok(())
}
