//! The summary graph, `{base}graph/summary`: the counts the query library
//! would otherwise recount over every mention of the store, kept by every
//! build.
//!
//! - each gazetteer entity the texts mention: `ans:mentionCount` (its
//!   mentions) and `ans:documentCount` (the documents that hold them);
//! - each entity and document that mentions it: a node
//!   `{base}tally/{doc-id}/{entity-id}` with `ans:tallyOf` the entity,
//!   `ans:tallyIn` the document and `ans:mentionCount`;
//! - each pair of entities mentioned in one sentence: a node
//!   `{base}co-mention/{id1}/{id2}` (the ids in the order of the entities'
//!   IRIs) with `ans:coMentionOf` both entities and `ans:sentenceCount`.
//!
//! The summary is defined by a SPARQL 1.1 Update ([`updates`]) over the
//! documents' graphs, so that any triplestore the quads are loaded into
//! (the loaded shards of `build --shard`, which carry no summary) can make
//! it with the same text. A build counts the same with a [`Tally`] of the
//! quads it loads: a full build loads the tally's counts after the files;
//! an update tallies the graphs it removes (negatively) and the ones it
//! loads, and adds that difference to the counts in the store
//! ([`Tally::apply`]), so its cost follows the changed documents, not the
//! store.
//!
//! Invariant: after every build, the summary graph holds exactly what
//! [`updates`] writes into a store without one; an entity or pair that
//! nothing mentions has no count (zero).

use crate::error::{Error, Result};
use crate::rdf::quads::Iris;
use crate::rdf::vocab::{ans, dcterms, itsrdf, nif};
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term,
};
use oxigraph::store::Store;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Counts of the summary, or a difference of them: what [`updates`] would
/// count over the quads added (and, negatively, over those taken away).
#[derive(Debug)]
pub struct Tally {
    /// Gazetteer entities by IRI: their index.
    index: HashMap<String, u32>,
    /// By index: the entity's IRI and id.
    entities: Vec<(NamedNode, String)>,
    /// By entity index: mentions and documents.
    counts: HashMap<u32, (i64, i64)>,
    /// Sentences per pair of entity indexes, the lesser IRI first.
    pairs: HashMap<(u32, u32), i64>,
    /// Mentions per entity index and document id.
    in_documents: HashMap<(u32, String), i64>,
    /// `{base}doc/`: a document graph's IRI is this and its id.
    documents_at: String,
    /// With [`Tally::track`]: the documents whose graphs were counted, and
    /// each entity a quad of such a graph names (as subject or object),
    /// with that document.
    touched: Option<Touched>,
}

/// What a tracking tally's quads touch: the documents whose graphs were
/// counted, and each entity such a graph names, with the document.
#[derive(Debug, Default)]
struct Touched {
    documents: BTreeSet<String>,
    references: BTreeSet<(u32, String)>,
}

impl Tally {
    /// An empty tally of the entities `ids` (the gazetteer's).
    pub fn new<'a>(iris: &Iris, ids: impl IntoIterator<Item = &'a str>) -> Tally {
        let entities: Vec<(NamedNode, String)> = ids
            .into_iter()
            .map(|id| (iris.entity(id), id.to_string()))
            .collect();
        let index = entities
            .iter()
            .enumerate()
            .map(|(i, (iri, _))| (iri.as_str().to_string(), i as u32))
            .collect();
        Tally {
            index,
            entities,
            counts: HashMap::new(),
            pairs: HashMap::new(),
            in_documents: HashMap::new(),
            documents_at: iris.document("").as_str().to_string(),
            touched: None,
        }
    }

    /// Also notes what the counted quads touch, for [`Tally::changes`].
    pub fn track(mut self) -> Tally {
        self.touched = Some(Default::default());
        self
    }

    /// What the counted quads (added and taken away) change, by the keys
    /// the kept answers are carried by ([`crate::store::answers::Changes`]):
    /// the documents, the entities their graphs name and with which
    /// document, the pairs whose sentence counts changed, and the graphs
    /// (the documents', the corpus graph and the summary graph). Empty
    /// unless the tally was made with [`Tally::track`].
    pub fn changes(&self, iris: &Iris) -> crate::store::answers::Changes {
        let mut changes = crate::store::answers::Changes::default();
        let Some(Touched {
            documents,
            references,
        }) = &self.touched
        else {
            return changes;
        };
        let id = |e: u32| self.entities[e as usize].1.clone();
        for d in documents {
            changes.documents.insert(d.clone());
            changes.graphs.insert(iris.document(d).as_str().to_string());
        }
        for (e, d) in references {
            changes.references.insert((id(*e), d.clone()));
        }
        for (&(a, b), &n) in &self.pairs {
            if n != 0 {
                changes.pairs.insert((id(a), id(b)));
            }
        }
        if !documents.is_empty() {
            changes
                .graphs
                .insert(iris.corpus_graph().as_str().to_string());
            changes
                .graphs
                .insert(iris.summary_graph().as_str().to_string());
        }
        changes
    }

    /// Counts the mentions among quads that enter the store (one file's,
    /// or one document graph's).
    pub fn add(&mut self, quads: &[Quad]) {
        self.count(quads, 1);
    }

    /// Counts, negatively, the mentions among quads that leave the store.
    pub fn subtract(&mut self, quads: &[Quad]) {
        self.count(quads, -1);
    }

    fn count(&mut self, quads: &[Quad], sign: i64) {
        if let Some(Touched {
            documents,
            references,
        }) = &mut self.touched
        {
            for q in quads {
                let GraphName::NamedNode(g) = &q.graph_name else {
                    continue;
                };
                let Some(doc) = g.as_str().strip_prefix(self.documents_at.as_str()) else {
                    continue;
                };
                if !documents.contains(doc) {
                    documents.insert(doc.to_string());
                }
                let subject = match &q.subject {
                    NamedOrBlankNode::NamedNode(n) => self.index.get(n.as_str()),
                    _ => None,
                };
                let object = match &q.object {
                    Term::NamedNode(n) => self.index.get(n.as_str()),
                    _ => None,
                };
                for &e in subject.into_iter().chain(object) {
                    references.insert((e, doc.to_string()));
                }
            }
        }
        // (graph, mention) → entities; (graph, mention, sentence).
        let mut linked: HashMap<(&GraphName, &NamedOrBlankNode), Vec<u32>> = HashMap::new();
        let mut sentences: Vec<(&GraphName, &NamedOrBlankNode, &Term)> = Vec::new();
        for q in quads {
            if q.predicate == itsrdf::TA_IDENT_REF {
                if let Term::NamedNode(n) = &q.object {
                    if let Some(&e) = self.index.get(n.as_str()) {
                        linked
                            .entry((&q.graph_name, &q.subject))
                            .or_default()
                            .push(e);
                    }
                }
            } else if q.predicate == nif::SENTENCE_OF {
                sentences.push((&q.graph_name, &q.subject, &q.object));
            }
        }
        let mut in_graph: HashSet<(&GraphName, u32)> = HashSet::new();
        for ((graph, _), es) in &linked {
            let doc = match graph {
                GraphName::NamedNode(g) => g.as_str().strip_prefix(self.documents_at.as_str()),
                _ => None,
            };
            for &e in es {
                let c = self.counts.entry(e).or_default();
                c.0 += sign;
                if in_graph.insert((graph, e)) {
                    c.1 += sign;
                }
                if let Some(doc) = doc {
                    *self.in_documents.entry((e, doc.to_string())).or_default() += sign;
                }
            }
        }
        // Each sentence's entities, then every pair of them once.
        let mut by_sentence: HashMap<(&GraphName, &Term), BTreeSet<u32>> = HashMap::new();
        for (graph, mention, sentence) in sentences {
            if let Some(es) = linked.get(&(graph, mention)) {
                by_sentence
                    .entry((graph, sentence))
                    .or_default()
                    .extend(es.iter().copied());
            }
        }
        for es in by_sentence.values() {
            let es: Vec<u32> = es.iter().copied().collect();
            for (i, &a) in es.iter().enumerate() {
                for &b in &es[i + 1..] {
                    let key = if self.iri(a) < self.iri(b) {
                        (a, b)
                    } else {
                        (b, a)
                    };
                    *self.pairs.entry(key).or_default() += sign;
                }
            }
        }
    }

    fn iri(&self, e: u32) -> &str {
        self.entities[e as usize].0.as_str()
    }

    /// A tally's node and what it links to: its entity and document.
    fn tally_node(&self, iris: &Iris, (e, doc): &(u32, String)) -> (NamedNode, Links) {
        let node = iris.tally(&format!("{doc}/{}", self.entities[*e as usize].1));
        let links = [
            (ans::TALLY_OF, self.entities[*e as usize].0.clone()),
            (ans::TALLY_IN, iris.document(doc)),
        ];
        (node, links)
    }

    /// A pair's node and what it links to: its two entities.
    fn pair_node(&self, iris: &Iris, (a, b): (u32, u32)) -> (NamedNode, Links) {
        let (ea, eb) = (&self.entities[a as usize], &self.entities[b as usize]);
        let node = iris.co_mention(&format!("{}/{}", ea.1, eb.1));
        let links = [
            (ans::CO_MENTION_OF, ea.0.clone()),
            (ans::CO_MENTION_OF, eb.0.clone()),
        ];
        (node, links)
    }

    /// The summary graph's quads of a tally of everything loaded (a full
    /// build's), entities in the gazetteer's order, then the tallies and
    /// the pairs in theirs; with their number. They are made as they are
    /// taken: at 1 GB they are 7.4 million, three gigabytes as one vector.
    pub fn quads<'a>(&'a self, iris: &'a Iris) -> (usize, impl Iterator<Item = Quad> + 'a) {
        let graph = GraphName::from(iris.summary_graph());
        let counted: Vec<(u32, i64, i64)> = (0..self.entities.len() as u32)
            .filter_map(|e| match self.counts.get(&e) {
                Some(&(mentions, documents)) if mentions > 0 => Some((e, mentions, documents)),
                _ => None,
            })
            .collect();
        let mut tallies: Vec<(&(u32, String), i64)> = self
            .in_documents
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(k, &n)| (k, n))
            .collect();
        tallies.sort_unstable();
        let mut pairs: Vec<((u32, u32), i64)> = self
            .pairs
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(&k, &n)| (k, n))
            .collect();
        pairs.sort_unstable();
        let len = 2 * counted.len() + 3 * tallies.len() + 3 * pairs.len();
        let g = graph.clone();
        let entities = counted
            .into_iter()
            .flat_map(move |(e, mentions, documents)| {
                let iri = &self.entities[e as usize].0;
                [
                    Quad::new(iri.clone(), ans::MENTION_COUNT, count(mentions), g.clone()),
                    Quad::new(
                        iri.clone(),
                        ans::DOCUMENT_COUNT,
                        count(documents),
                        g.clone(),
                    ),
                ]
            });
        let g = graph.clone();
        let tallies = tallies.into_iter().flat_map(move |(key, n)| {
            let (node, links) = self.tally_node(iris, key);
            let [a, b] = links.map(|(p, o)| Quad::new(node.clone(), p, o, g.clone()));
            [
                a,
                b,
                Quad::new(node, ans::MENTION_COUNT, count(n), g.clone()),
            ]
        });
        let pairs = pairs.into_iter().flat_map(move |(key, n)| {
            let (node, links) = self.pair_node(iris, key);
            let [a, b] = links.map(|(p, o)| Quad::new(node.clone(), p, o, graph.clone()));
            [
                a,
                b,
                Quad::new(node, ans::SENTENCE_COUNT, count(n), graph.clone()),
            ]
        });
        (len, entities.chain(tallies).chain(pairs))
    }

    /// Adds this difference to the summary graph of `store`: each count it
    /// changes is read, changed and written back; a count that falls to
    /// zero is removed (a pair's or a tally's node with it). Returns the change in the
    /// summary graph's size, in quads.
    pub fn apply(&self, store: &Store, iris: &Iris) -> Result<i64> {
        let graph = iris.summary_graph();
        let graph = GraphNameRef::from(graph.as_ref());
        let mut size = 0i64;
        let mut changed: Vec<(&u32, &(i64, i64))> =
            self.counts.iter().filter(|(_, c)| **c != (0, 0)).collect();
        changed.sort_unstable();
        for (&e, &(mentions, documents)) in changed {
            let iri = self.entities[e as usize].0.as_ref();
            add_to_count(store, graph, iri, ans::MENTION_COUNT, mentions, &mut size)?;
            add_to_count(store, graph, iri, ans::DOCUMENT_COUNT, documents, &mut size)?;
        }
        let mut tallies: Vec<(&(u32, String), &i64)> =
            self.in_documents.iter().filter(|(_, &n)| n != 0).collect();
        tallies.sort_unstable();
        for (key, &by) in tallies {
            let (node, links) = self.tally_node(iris, key);
            add_to_node(store, graph, node, ans::MENTION_COUNT, by, links, &mut size)?;
        }
        let mut pairs: Vec<(&(u32, u32), &i64)> =
            self.pairs.iter().filter(|(_, &n)| n != 0).collect();
        pairs.sort_unstable();
        for (&key, &by) in pairs {
            let (node, links) = self.pair_node(iris, key);
            add_to_node(
                store,
                graph,
                node,
                ans::SENTENCE_COUNT,
                by,
                links,
                &mut size,
            )?;
        }
        Ok(size)
    }
}

/// What a tally's or a pair's node links to, beside its count.
type Links = [(NamedNodeRef<'static>, NamedNode); 2];

/// Adds `by` to the count `p` of a tally's or a pair's node, and keeps its
/// links while the count is above zero; `size` follows.
fn add_to_node(
    store: &Store,
    graph: GraphNameRef<'_>,
    node: NamedNode,
    p: NamedNodeRef<'_>,
    by: i64,
    links: Links,
    size: &mut i64,
) -> Result<()> {
    let keep = add_to_count(store, graph, node.as_ref(), p, by, size)? > 0;
    for (p, o) in links {
        let q = Quad::new(node.clone(), p, o, graph.into_owned());
        let there = store.contains(&q)?;
        if keep && !there {
            store.insert(&q)?;
            *size += 1;
        } else if !keep && there {
            store.remove(&q)?;
            *size -= 1;
        }
    }
    Ok(())
}

/// Adds `by` to the count `s p n` of the summary graph (0 when there is
/// none), writes it back (removes it at 0) and returns it; `size` follows
/// the quads removed and written.
fn add_to_count(
    store: &Store,
    graph: GraphNameRef<'_>,
    s: NamedNodeRef<'_>,
    p: NamedNodeRef<'_>,
    by: i64,
    size: &mut i64,
) -> Result<i64> {
    let old: Vec<Quad> = store
        .quads_for_pattern(Some(s.into()), Some(p), None, Some(graph))
        .collect::<std::result::Result<_, _>>()?;
    let not_a_count = |o: &dyn std::fmt::Display| {
        Error::Query(format!("{s} {p} {o}: not a count in the summary graph"))
    };
    let was = match old.first().map(|q| &q.object) {
        Some(Term::Literal(l)) => l.value().parse::<i64>().map_err(|_| not_a_count(l))?,
        Some(other) => return Err(not_a_count(other)),
        None => 0,
    };
    let now = was + by;
    for q in &old {
        store.remove(q)?;
        *size -= 1;
    }
    if now > 0 {
        let q = Quad::new(
            s.into_owned(),
            p.into_owned(),
            count(now),
            graph.into_owned(),
        );
        store.insert(&q)?;
        *size += 1;
    }
    Ok(now)
}

fn count(n: i64) -> Term {
    Term::from(Literal::from(n))
}

/// The quads of a document graph, for a tally of what leaves the store.
pub fn graph_quads(store: &Store, graph: GraphNameRef<'_>) -> Result<Vec<Quad>> {
    store
        .quads_for_pattern(None, None, None, Some(graph))
        .collect::<std::result::Result<_, _>>()
        .map_err(Error::from)
}

/// The SPARQL 1.1 Update operations that make the summary graph of the
/// documents' graphs, the graph cleared first. Each operation is one
/// statement with full IRIs, without `PREFIX` or `;`, so that clients that
/// split statements on `;` (Virtuoso's `isql`) take each whole.
pub fn updates(iris: &Iris) -> Vec<String> {
    let summary = iris.summary_graph();
    let summary = summary.as_str();
    let gazetteer = iris.gazetteer_graph();
    let gazetteer = gazetteer.as_str();
    let pairs = iris.co_mention("");
    let pairs = pairs.as_str();
    let ident = itsrdf::TA_IDENT_REF;
    let sentence = nif::SENTENCE_OF;
    let identifier = dcterms::IDENTIFIER;
    let (mentions, documents, of, sentences) = (
        ans::MENTION_COUNT,
        ans::DOCUMENT_COUNT,
        ans::CO_MENTION_OF,
        ans::SENTENCE_COUNT,
    );
    let (tally_of, tally_in) = (ans::TALLY_OF, ans::TALLY_IN);
    let tallies = iris.tally("");
    let tallies = tallies.as_str();
    let docs = iris.document("");
    let docs = docs.as_str();
    vec![
        format!("CLEAR SILENT GRAPH <{summary}>"),
        format!(
            "INSERT {{ GRAPH <{summary}> {{ ?e {mentions} ?n . ?e {documents} ?docs }} }}\n\
             WHERE {{\n\
               {{ SELECT ?e (COUNT(?m) AS ?n) (COUNT(DISTINCT ?g) AS ?docs)\n\
                  WHERE {{ GRAPH ?g {{ ?m {ident} ?e }} GRAPH <{gazetteer}> {{ ?e {identifier} ?id }} }}\n\
                  GROUP BY ?e }}\n\
             }}"
        ),
        format!(
            "INSERT {{ GRAPH <{summary}> {{ ?t {tally_of} ?e . ?t {tally_in} ?g . ?t {mentions} ?n }} }}\n\
             WHERE {{\n\
               {{ SELECT ?e ?g (COUNT(?m) AS ?n)\n\
                  WHERE {{ GRAPH ?g {{ ?m {ident} ?e }} GRAPH <{gazetteer}> {{ ?e {identifier} ?id }} }}\n\
                  GROUP BY ?e ?g }}\n\
               GRAPH <{gazetteer}> {{ ?e {identifier} ?id }}\n\
               FILTER(STRSTARTS(STR(?g), \"{docs}\"))\n\
               BIND(IRI(CONCAT(\"{tallies}\", STRAFTER(STR(?g), \"{docs}\"), \"/\", ?id)) AS ?t)\n\
             }}"
        ),
        format!(
            "INSERT {{ GRAPH <{summary}> {{ ?pair {of} ?e1 . ?pair {of} ?e2 . ?pair {sentences} ?n }} }}\n\
             WHERE {{\n\
               {{ SELECT ?e1 ?e2 (COUNT(DISTINCT ?s) AS ?n)\n\
                  WHERE {{ GRAPH ?g {{ ?m1 {ident} ?e1 . ?m1 {sentence} ?s . \
                  ?m2 {sentence} ?s . ?m2 {ident} ?e2 }} FILTER(STR(?e1) < STR(?e2)) }}\n\
                  GROUP BY ?e1 ?e2 }}\n\
               GRAPH <{gazetteer}> {{ ?e1 {identifier} ?id1 . ?e2 {identifier} ?id2 }}\n\
               BIND(IRI(CONCAT(\"{pairs}\", ?id1, \"/\", ?id2)) AS ?pair)\n\
             }}"
        ),
    ]
}

/// The whole summary as one SPARQL Update request, for a store loaded
/// from shards: its operations joined by lines that hold only `;`.
pub fn update_request(iris: &Iris) -> String {
    updates(iris).join("\n;\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::io::RdfFormat;
    use oxigraph::sparql::SparqlEvaluator;

    const BASE: &str = "https://example.org/c/";

    /// Runs [`updates`] on `store`: the summary graph made anew by SPARQL.
    fn make_by_sparql(store: &Store, iris: &Iris) -> Result<()> {
        for update in updates(iris) {
            SparqlEvaluator::new()
                .parse_update(&update)
                .map_err(|e| {
                    Error::Query(format!("the summary graph's update does not parse: {e}"))
                })?
                .on_store(store)
                .execute()
                .map_err(|e| Error::Query(format!("making the summary graph: {e}")))?;
        }
        Ok(())
    }

    fn store_with(trig: &str) -> Store {
        let store = Store::new().unwrap();
        let text = format!(
            "PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>\n\
             PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>\n\
             PREFIX dcterms: <http://purl.org/dc/terms/>\n\
             PREFIX e: <{BASE}entity/>\n\
             <{BASE}graph/gazetteer> {{ e:a dcterms:identifier \"a\" . e:b dcterms:identifier \"b\" . e:c dcterms:identifier \"c\" . }}\n\
             {trig}"
        );
        store
            .load_from_reader(RdfFormat::TriG, text.as_bytes())
            .unwrap();
        store
    }

    fn summary(store: &Store) -> BTreeSet<String> {
        let iris = Iris::new(BASE);
        store
            .quads_for_pattern(None, None, None, Some(iris.summary_graph().as_ref().into()))
            .map(|q| q.unwrap().to_string())
            .collect()
    }

    const DOC1: &str = "<https://example.org/c/doc/1> {
        <https://example.org/c/doc/1#char=0,1> itsrdf:taIdentRef e:a ; nif:sentence <https://example.org/c/doc/1#char=0,9> .
        <https://example.org/c/doc/1#char=2,3> itsrdf:taIdentRef e:b ; nif:sentence <https://example.org/c/doc/1#char=0,9> .
        <https://example.org/c/doc/1#char=10,11> itsrdf:taIdentRef e:a ; nif:sentence <https://example.org/c/doc/1#char=10,19> .
        <https://example.org/c/doc/1#char=12,13> itsrdf:taIdentRef e:b ; nif:sentence <https://example.org/c/doc/1#char=10,19> .
        <https://example.org/c/doc/1#char=14,15> itsrdf:taIdentRef <https://example.org/c/time/1950> ; nif:sentence <https://example.org/c/doc/1#char=10,19> .
    }";
    const DOC2: &str = "<https://example.org/c/doc/2> {
        <https://example.org/c/doc/2#char=0,1> itsrdf:taIdentRef e:a ; nif:sentence <https://example.org/c/doc/2#char=0,9> .
        <https://example.org/c/doc/2#char=2,3> itsrdf:taIdentRef e:c ; nif:sentence <https://example.org/c/doc/2#char=0,9> .
    }";

    #[test]
    fn counts_mentions_documents_and_sentences_of_gazetteer_entities() {
        let store = store_with(&format!("{DOC1}\n{DOC2}"));
        make_by_sparql(&store, &Iris::new(BASE)).unwrap();
        let got = summary(&store);
        let e = |id: &str| format!("<{BASE}entity/{id}>");
        let int = |n: u32| format!("\"{n}\"^^<http://www.w3.org/2001/XMLSchema#integer>");
        let g = format!("<{BASE}graph/summary>");
        let ans = "https://w3id.org/annalist/ns#";
        let want: BTreeSet<String> = [
            format!("{} <{ans}mentionCount> {} {g}", e("a"), int(3)),
            format!("{} <{ans}documentCount> {} {g}", e("a"), int(2)),
            format!("{} <{ans}mentionCount> {} {g}", e("b"), int(2)),
            format!("{} <{ans}documentCount> {} {g}", e("b"), int(1)),
            format!("{} <{ans}mentionCount> {} {g}", e("c"), int(1)),
            format!("{} <{ans}documentCount> {} {g}", e("c"), int(1)),
            format!("<{BASE}tally/1/a> <{ans}tallyOf> {} {g}", e("a")),
            format!("<{BASE}tally/1/a> <{ans}tallyIn> <{BASE}doc/1> {g}"),
            format!("<{BASE}tally/1/a> <{ans}mentionCount> {} {g}", int(2)),
            format!("<{BASE}tally/1/b> <{ans}tallyOf> {} {g}", e("b")),
            format!("<{BASE}tally/1/b> <{ans}tallyIn> <{BASE}doc/1> {g}"),
            format!("<{BASE}tally/1/b> <{ans}mentionCount> {} {g}", int(2)),
            format!("<{BASE}tally/2/a> <{ans}tallyOf> {} {g}", e("a")),
            format!("<{BASE}tally/2/a> <{ans}tallyIn> <{BASE}doc/2> {g}"),
            format!("<{BASE}tally/2/a> <{ans}mentionCount> {} {g}", int(1)),
            format!("<{BASE}tally/2/c> <{ans}tallyOf> {} {g}", e("c")),
            format!("<{BASE}tally/2/c> <{ans}tallyIn> <{BASE}doc/2> {g}"),
            format!("<{BASE}tally/2/c> <{ans}mentionCount> {} {g}", int(1)),
            format!("<{BASE}co-mention/a/b> <{ans}coMentionOf> {} {g}", e("a")),
            format!("<{BASE}co-mention/a/b> <{ans}coMentionOf> {} {g}", e("b")),
            format!("<{BASE}co-mention/a/b> <{ans}sentenceCount> {} {g}", int(2)),
            format!("<{BASE}co-mention/a/c> <{ans}coMentionOf> {} {g}", e("a")),
            format!("<{BASE}co-mention/a/c> <{ans}coMentionOf> {} {g}", e("c")),
            format!("<{BASE}co-mention/a/c> <{ans}sentenceCount> {} {g}", int(1)),
        ]
        .into_iter()
        .collect();
        assert_eq!(got, want);
    }

    fn graph(doc: &str) -> NamedNode {
        NamedNode::new(format!("{BASE}doc/{doc}")).unwrap()
    }

    fn tally_of(store: &Store, iris: &Iris, docs: &[&str]) -> Tally {
        let mut tally = Tally::new(iris, ["c", "b", "a"]);
        for doc in docs {
            tally.add(&graph_quads(store, graph(doc).as_ref().into()).unwrap());
        }
        tally
    }

    #[test]
    fn a_full_build_s_tally_counts_what_the_update_counts() {
        let iris = Iris::new(BASE);
        let store = store_with(&format!("{DOC1}\n{DOC2}"));
        make_by_sparql(&store, &iris).unwrap();
        let tallied: BTreeSet<String> = tally_of(&store, &iris, &["1", "2"])
            .quads(&iris)
            .1
            .map(|q| q.to_string())
            .collect();
        assert_eq!(tallied, summary(&store));
    }

    #[test]
    fn a_difference_applied_equals_counting_anew() {
        let iris = Iris::new(BASE);
        let store = store_with(&format!("{DOC1}\n{DOC2}"));
        make_by_sparql(&store, &iris).unwrap();
        let before = summary(&store).len() as i64;
        // Document 2 goes away; document 1 changes: it gains a sentence
        // naming c and b. A build removes a changed document's graph whole
        // and loads it whole.
        let mut diff = Tally::new(&iris, ["c", "b", "a"]);
        for doc in ["1", "2"] {
            diff.subtract(&graph_quads(&store, graph(doc).as_ref().into()).unwrap());
            store.remove_named_graph(graph(doc).as_ref()).unwrap();
        }
        let extra = "<https://example.org/c/doc/1> {
            <https://example.org/c/doc/1#char=20,21> itsrdf:taIdentRef e:c ; nif:sentence <https://example.org/c/doc/1#char=20,29> .
            <https://example.org/c/doc/1#char=22,23> itsrdf:taIdentRef e:b ; nif:sentence <https://example.org/c/doc/1#char=20,29> .
        }";
        let changed = store_with(&format!("{DOC1}\n{extra}"));
        let quads = graph_quads(&changed, graph("1").as_ref().into()).unwrap();
        diff.add(&quads);
        for q in &quads {
            store.insert(q).unwrap();
        }
        let grew = diff.apply(&store, &iris).unwrap();
        let mended = summary(&store);
        assert_eq!(mended.len() as i64, before + grew, "the size it reports");

        let fresh = store_with(&format!("{DOC1}\n{extra}"));
        make_by_sparql(&fresh, &iris).unwrap();
        assert_eq!(mended, summary(&fresh));
        assert!(
            mended.iter().any(|q| q.contains("co-mention/b/c>")),
            "{mended:?}"
        );
        assert!(
            !mended.iter().any(|q| q.contains("co-mention/a/c>")),
            "{mended:?}"
        );
        assert!(!mended.iter().any(|q| q.contains("tally/2/")), "{mended:?}");
    }

    #[test]
    fn the_request_for_loaded_shards_makes_the_same_summary() {
        let iris = Iris::new(BASE);
        let (built, loaded) = (store_with(DOC1), store_with(DOC1));
        make_by_sparql(&built, &iris).unwrap();
        SparqlEvaluator::new()
            .parse_update(&update_request(&iris))
            .unwrap()
            .on_store(&loaded)
            .execute()
            .unwrap();
        assert!(!summary(&loaded).is_empty());
        assert_eq!(summary(&built), summary(&loaded));
    }
}
