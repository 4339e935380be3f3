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

use crate::annotate::{fold, Ambiguous, How, Match, Mention, Resolution, Tagger};
use crate::corpus::{Corpus, DocumentSpec, PartialDate, Segment};
use crate::dates;
use crate::error::{Error, InputError, Result};
use crate::gazetteer::{EntityType, Gazetteer};
use crate::overrides::{self, Action, Override, Overrides};
use crate::relations::{self, Claim, ClaimDate, Relations};
use crate::sentence;
use crate::vocab::*;
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

/// What a build reads besides the texts.
pub struct Sources<'a> {
    pub corpus: &'a Corpus,
    pub gazetteer: &'a Gazetteer,
    pub relations: &'a Relations,
    pub overrides: &'a Overrides,
}

/// The mention a match makes; a name in other capitals than the
/// gazetteer's says which listed name it is.
fn found_mention(gazetteer: &Gazetteer, text: &str, m: &Match, entity: usize) -> Mention {
    let mut mention = Mention::found(m, entity);
    if m.how == How::Case {
        let written = fold(&text[m.start..m.end]).0.to_lowercase();
        let listed = gazetteer.entities[entity]
            .names()
            .find(|n| fold(n.trim_matches('"')).0.to_lowercase() == written)
            .unwrap_or(&gazetteer.entities[entity].label);
        mention.reason = Some(format!("the gazetteer's {listed:?} in other capitals"));
    }
    mention
}

/// Segments, tags and describes one file of the corpus.
pub fn file_graph(
    sources: &Sources<'_>,
    tagger: &Tagger,
    iris: &Iris,
    file: usize,
    text: &str,
) -> Result<FileGraph> {
    let (corpus, gazetteer) = (sources.corpus, sources.gazetteer);
    let segments = corpus.segment(file, text)?;
    let tagged = tagger.tag_nested(text);
    let mut out = FileGraph {
        mentions_per_entity: vec![0; gazetteer.len()],
        documents: segments.len(),
        ..FileGraph::default()
    };
    let file_node = iris.file(&corpus.files[file].id);

    // Each match goes to the innermost document holding it, and to the
    // entity its name stands for there; the reviewers' overrides then add,
    // reject or relink single mentions.
    let mut found: Vec<Vec<Mention>> = vec![Vec::new(); segments.len()];
    let mut shared: Vec<Vec<Ambiguous>> = vec![Vec::new(); segments.len()];
    for m in &tagged.matches {
        let Some(k) = innermost(&segments, m.start, m.end) else {
            continue;
        };
        match tagger.resolve(m.pattern, &corpus.documents[segments[k].doc].id) {
            Resolution::One(entity) => found[k].push(found_mention(gazetteer, text, m, entity)),
            Resolution::Many(entities) => shared[k].push(Ambiguous {
                start: m.start,
                end: m.end,
                entities,
                reason: None,
            }),
            Resolution::Nothing => {}
        }
    }
    // A person, organisation or place named inside an event's or a work's
    // name is a mention of its own, nested in that one.
    for (k, seg) in segments.iter().enumerate() {
        let doc = &corpus.documents[seg.doc].id;
        let mut nested = Vec::new();
        for outer in &found[k] {
            if !matches!(
                gazetteer.entities[outer.entity].kind,
                EntityType::Event | EntityType::Work
            ) {
                continue;
            }
            // `inner` is in text order: start at the outer name's start,
            // stop past its end.
            let mut last_end = outer.start;
            let from = tagged.inner.partition_point(|m| m.start < outer.start);
            for m in tagged.inner[from..]
                .iter()
                .take_while(|m| m.start < outer.end)
            {
                if m.start < last_end || m.end > outer.end {
                    continue;
                }
                let Resolution::One(entity) = tagger.resolve(m.pattern, doc) else {
                    continue;
                };
                if matches!(
                    gazetteer.entities[entity].kind,
                    EntityType::Person | EntityType::Organisation | EntityType::Place
                ) {
                    last_end = m.end;
                    nested.push(Mention {
                        nested_in: Some((outer.start, outer.end)),
                        ..found_mention(gazetteer, text, m, entity)
                    });
                }
            }
        }
        found[k].extend(nested);
        found[k].sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    }
    for (k, seg) in segments.iter().enumerate() {
        let spec = &corpus.documents[seg.doc];
        let ranges = own_ranges(seg, &segments);
        let doc = crate::variants::Document {
            text,
            ranges: &ranges,
            year: spec.date.map(|d| d.year),
        };
        tagger
            .variants()
            .derive(&doc, &mut found[k], &mut shared[k]);
        apply_overrides(sources, text, seg, &mut found[k], &mut shared[k])?;
    }

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
    // Per segment: each mention in it, and its sentence.
    type Placed<'m> = (&'m Mention, Option<usize>);
    let mut per_doc: Vec<Vec<Placed<'_>>> = vec![Vec::new(); segments.len()];
    for (k, mentions) in found.iter().enumerate() {
        for m in mentions {
            let sentence = containing(&sentences[k], m.start, m.end);
            per_doc[k].push((m, sentence));
            offsets.extend([m.start, m.end]);
            if let Some(i) = sentence {
                offsets.extend([sentences[k][i].0, sentences[k][i].1]);
            }
        }
    }
    for (k, list) in shared.iter().enumerate() {
        for a in list {
            offsets.extend([a.start, a.end]);
            out.ambiguous.push((segments[k].doc, a.clone()));
        }
    }
    // Each claim's quote, found in its source document.
    let mut located: Vec<Vec<(&Claim, usize, usize)>> = vec![Vec::new(); segments.len()];
    for (k, seg) in segments.iter().enumerate() {
        for claim in sources.relations.of(seg.doc) {
            let (qs, qe) = relations::locate(text, seg.start, seg.end, &claim.quote).ok_or_else(|| {
                let doc = &corpus.documents[seg.doc].id;
                InputError::new(
                    &sources.relations.path,
                    format!("the quote is not in document {doc:?}"),
                    match relations::nearest(text, seg.start, seg.end, &claim.quote) {
                        Some(p) => format!("copy the passage exactly; the nearest in {doc} is: {p:?}"),
                        None => format!("copy the passage exactly from document {doc}, or name the document that says it"),
                    },
                )
                .at(claim.quote_position)
            })?;
            let near = |e: usize| {
                per_doc[k]
                    .iter()
                    .any(|&(m, _)| m.entity == e && m.start + 300 >= qs && m.end <= qe + 300)
            };
            if !near(claim.subject) && !claim.object.is_some_and(near) {
                out.far_claims.push(claim.quote_position.line);
            }
            offsets.extend([qs, qe]);
            located[k].push((claim, qs, qe));
        }
    }
    // Date expressions, each in the innermost document that holds it.
    type Dated = (usize, usize, Option<PartialDate>, bool);
    let mut dated: Vec<Vec<Dated>> = vec![Vec::new(); segments.len()];
    for (k, seg) in segments.iter().enumerate() {
        let spec = &corpus.documents[seg.doc];
        let anchor = spec.date.map(|d| dates::Anchor {
            year: d.year,
            month: d.month,
            day: d.day,
            reports_past: matches!(spec.kind.as_str(), "letter" | "telegram"),
        });
        for (a, b) in own_ranges(seg, &segments) {
            for d in dates::find_near(&text[a..b], anchor) {
                let (s, e) = (a + d.start, a + d.end);
                offsets.extend([s, e]);
                let value = d
                    .value
                    .map(|(year, month, day)| PartialDate { year, month, day });
                dated[k].push((s, e, value, d.year_inferred));
            }
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
        for &(mention, sentence) in &per_doc[k] {
            let (start, end, entity) = (mention.start, mention.end, mention.entity);
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
        for a in &shared[k] {
            // A name several entities share here: its candidates, no link.
            let (b, e) = (cps.get(a.start) - fs, cps.get(a.end) - fs);
            let span = iris.span(&spec.id, b, e);
            g.add(span.clone(), nif::REFERENCE_CONTEXT, context.clone());
            g.add(span.clone(), nif::BEGIN_INDEX, index(b));
            g.add(span.clone(), nif::END_INDEX, index(e));
            g.add(
                span.clone(),
                nif::ANCHOR_OF,
                Literal::new_simple_literal(&text[a.start..a.end]),
            );
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
        for &(s, e, value, inferred) in &dated[k] {
            let span = iris.span(&spec.id, cps.get(s) - fs, cps.get(e) - fs);
            g.add(span.clone(), nif::REFERENCE_CONTEXT, context.clone());
            g.add(span.clone(), nif::BEGIN_INDEX, index(cps.get(s) - fs));
            g.add(span.clone(), nif::END_INDEX, index(cps.get(e) - fs));
            g.add(
                span.clone(),
                nif::ANCHOR_OF,
                Literal::new_simple_literal(&text[s..e]),
            );
            g.add(span.clone(), itsrdf::TA_CLASS_REF, time::TEMPORAL_ENTITY);
            if let Some(date) = value {
                let instant = iris.instant(&date);
                let property = match date.precision() {
                    "day" => time::IN_XSD_DATE,
                    "month" => time::IN_XSD_G_YEAR_MONTH,
                    _ => time::IN_XSD_G_YEAR,
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
        for &(claim, qs, qe) in &located[k] {
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
    Ok(out)
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

/// Applies the overrides of one document to what the tagger found in it.
fn apply_overrides(
    sources: &Sources<'_>,
    text: &str,
    seg: &Segment,
    found: &mut Vec<Mention>,
    shared: &mut Vec<Ambiguous>,
) -> Result<()> {
    let doc_id = &sources.corpus.documents[seg.doc].id;
    let path = &sources.overrides.path;
    let mut taken: Vec<(usize, usize, &Override)> = Vec::new();
    for o in sources.overrides.of(seg.doc) {
        let (s, e) = overrides::locate(o, path, doc_id, text, seg.start, seg.end)?;
        if let Some((_, _, other)) = taken.iter().find(|(ts, te, _)| s < *te && *ts < e) {
            return Err(InputError::new(
                path,
                format!(
                    "this override overlaps the one on line {} in document {doc_id:?}",
                    other.position.line
                ),
                "keep one override per mention",
            )
            .at(o.position)
            .into());
        }
        taken.push((s, e, o));
        let at = found.iter().position(|m| (m.start, m.end) == (s, e));
        let shared_at = shared.iter().position(|a| (a.start, a.end) == (s, e));
        let missing = || -> crate::Error {
            InputError::new(
                path,
                format!(
                    "no mention of {:?} at that place in document {doc_id:?} to {}",
                    o.quote,
                    match o.action {
                        Action::Reject => "reject",
                        _ => "relink",
                    }
                ),
                "the tagger finds nothing there: use add, or check the quote and occurrence",
            )
            .at(o.position)
            .into()
        };
        match o.action {
            Action::Reject => match (at, shared_at) {
                (Some(i), _) => {
                    found.remove(i);
                }
                (None, Some(i)) => {
                    shared.remove(i);
                }
                (None, None) => return Err(missing()),
            },
            Action::Relink | Action::Add => {
                if o.action == Action::Relink && at.is_none() && shared_at.is_none() {
                    return Err(missing());
                }
                // What the tagger found over this span gives way.
                found.retain(|m| m.end <= s || e <= m.start);
                shared.retain(|a| a.end <= s || e <= a.start);
                let entity = o.entity.expect("add and relink carry an entity");
                let place = found.partition_point(|m| m.start < s);
                found.insert(
                    place,
                    Mention {
                        start: s,
                        end: e,
                        entity,
                        how: How::Review,
                        reason: Some(format!(
                            "{} by line {} of {}",
                            match o.action {
                                Action::Add => "added",
                                _ => "relinked",
                            },
                            o.position.line,
                            path.file_name().map_or_else(
                                || path.display().to_string(),
                                |n| n.to_string_lossy().into_owned()
                            )
                        )),
                        nested_in: None,
                    },
                );
            }
        }
    }
    Ok(())
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
