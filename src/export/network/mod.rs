//! The entity network, for Gephi, Neo4j and pictures.
//!
//! Nodes are entities (and, on request, documents). Edges are of two
//! families:
//! - **relations**, typed and directed: `WROTE_TO` from each author of a
//!   document to each of its recipients (the correspondence network), with
//!   the number of source documents, their dates and one of their titles as
//!   evidence; with documents included, also `AUTHORED`, `ADDRESSED_TO` and
//!   `MENTIONED_IN`;
//! - **co-mentions**, undirected: two entities named in the same sentence
//!   (or paragraph, or within a window of characters), weighted by the number
//!   of such units, with the first and last date and one sentence as
//!   evidence.
//!
//! [`Network::from_store`] reads everything through the read model
//! ([`crate::read`]), one document's mentions at a time, so the network
//! always agrees with what `annalist query` answers. The writers
//! for each format live in the submodules.
//!
//! Invariants: node ids are unique (documents are `doc:ID`, entities their
//! gazetteer id), edge ids are unique and stable, and nodes and edges are
//! sorted by id, so the same store always gives the same files.

pub mod cypher;
pub mod gephi;
pub mod gexf;
pub mod graphml;
pub mod neo4j;
pub mod svg;

use crate::error::{Error, Result};
use crate::input::date::PartialDate;
use crate::input::gazetteer::EntityType;
use crate::rdf::vocab::ans;
use crate::read::{self, DocumentKey, Order, Reader};
use oxigraph::store::Store;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which edges to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeSet {
    Relations,
    CoMentions,
    Both,
}

/// The unit within which two mentions count as a co-mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Sentence,
    Paragraph,
    /// Mentions whose starts are at most this many code points apart.
    Characters(usize),
}

impl Window {
    pub fn parse(s: &str) -> Option<Window> {
        match s {
            "sentence" => Some(Window::Sentence),
            "paragraph" => Some(Window::Paragraph),
            n => n.parse().ok().filter(|&n| n > 0).map(Window::Characters),
        }
    }
}

/// What the network holds.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    pub edges: EdgeSet,
    pub window: Window,
    /// Edges lighter than this are left out.
    pub min_weight: usize,
    /// Entity types to keep (all when empty).
    pub types: Vec<EntityType>,
    pub include_documents: bool,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            edges: EdgeSet::Both,
            window: Window::Sentence,
            min_weight: 1,
            types: Vec::new(),
            include_documents: false,
        }
    }
}

/// A node: an entity or a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub label: String,
    pub kind: NodeKind,
    pub iri: String,
    pub wikidata: Option<String>,
    pub aliases: Vec<String>,
    /// Mentions of the entity (of all entities, for a document).
    pub mentions: usize,
    /// Earliest and latest date of the documents that name it (ISO 8601,
    /// at their own precision).
    pub first: Option<PartialDate>,
    pub last: Option<PartialDate>,
}

/// An edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub id: String,
    pub source: String,
    pub target: String,
    pub kind: EdgeKind,
    /// Readable name of the type: "wrote to", "co-mentioned", …
    pub label: String,
    pub directed: bool,
    pub weight: usize,
    /// Number of documents that support the edge.
    pub sources: usize,
    /// A sentence or title from one of them.
    pub evidence: Option<String>,
    pub first: Option<PartialDate>,
    pub last: Option<PartialDate>,
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Entity(EntityType),
    Document,
}

impl NodeKind {
    /// `Person`, `Organisation`, `Place`, `Event`, `Work` or `Document`.
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Entity(t) => t.name(),
            NodeKind::Document => "Document",
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What an edge says: one of the network's own relationships, or a
/// relation of `relations.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// A document's author wrote to its recipient.
    WroteTo,
    /// Two entities named near each other.
    CoMentioned,
    /// A person wrote a document (with document nodes).
    Authored,
    /// A document was addressed to a person (with document nodes).
    AddressedTo,
    /// An entity is named in a document (with document nodes).
    MentionedIn,
    /// A claimed relation, by its upper-case name (`MEMBER_OF`).
    Claim(String),
}

impl EdgeKind {
    /// The upper-case relationship type: `WROTE_TO`, `CO_MENTIONED`, …
    pub fn name(&self) -> &str {
        match self {
            EdgeKind::WroteTo => "WROTE_TO",
            EdgeKind::CoMentioned => "CO_MENTIONED",
            EdgeKind::Authored => "AUTHORED",
            EdgeKind::AddressedTo => "ADDRESSED_TO",
            EdgeKind::MentionedIn => "MENTIONED_IN",
            EdgeKind::Claim(name) => name,
        }
    }
}

impl std::fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where an edge's support comes from.
struct Support<'a> {
    doc: &'a str,
    evidence: Option<String>,
    /// Whether the evidence is a passage of the text (not a title).
    quoted: bool,
    /// The dates the source gives, when they are not the document's own.
    when: Option<(Option<PartialDate>, Option<PartialDate>)>,
}

/// Nodes and edges, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Network {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

impl Network {
    /// Whether any edge has a direction. GEXF and GraphML declare one
    /// direction for the whole graph (networkx and igraph accept no mixture),
    /// so such a graph is written as directed, its undirected edges running
    /// from the smaller id and marked `directed=false`.
    pub fn is_directed(&self) -> bool {
        self.edges.iter().any(|e| e.directed)
    }
}

impl Network {
    /// The part of the network a picture can show: the `max_nodes` most
    /// mentioned nodes (ties by id) and, among the edges between them, the
    /// `max_edges` heaviest (ties by id); nodes and edges stay sorted by id.
    /// A network within both limits is returned whole.
    pub fn strongest(&self, max_nodes: usize, max_edges: usize) -> Network {
        let mut ranked: Vec<&Node> = self.nodes.iter().collect();
        ranked.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.id.cmp(&b.id)));
        ranked.truncate(max_nodes);
        let kept: BTreeSet<&str> = ranked.iter().map(|n| n.id.as_str()).collect();
        let mut edges: Vec<&Edge> = self
            .edges
            .iter()
            .filter(|e| kept.contains(e.source.as_str()) && kept.contains(e.target.as_str()))
            .collect();
        edges.sort_by(|a, b| b.weight.cmp(&a.weight).then_with(|| a.id.cmp(&b.id)));
        edges.truncate(max_edges);
        edges.sort_by(|a, b| a.id.cmp(&b.id));
        Network {
            nodes: self
                .nodes
                .iter()
                .filter(|n| kept.contains(n.id.as_str()))
                .cloned()
                .collect(),
            edges: edges.into_iter().cloned().collect(),
        }
    }
}

/// A document's metadata, as the network needs it.
struct Doc {
    iri: String,
    title: String,
    date: Option<PartialDate>,
    /// Entity ids, sorted.
    authors: Vec<String>,
    recipients: Vec<String>,
}

/// A mention, by entity id.
struct Mention {
    start: usize,
    end: usize,
    entity: String,
    sentence: Option<(usize, usize)>,
}

/// The entity type of a schema.org class IRI.
pub fn kind_of(class: &str) -> Option<&'static str> {
    read::kind_of(class).map(EntityType::name)
}

/// Widens a date range with another partial date (dates compare in time
/// order at equal precision and put a year before its months).
fn widen(
    first: &mut Option<PartialDate>,
    last: &mut Option<PartialDate>,
    date: &Option<PartialDate>,
) {
    if let Some(d) = date {
        if first.as_ref().is_none_or(|f| d < f) {
            *first = Some(*d);
        }
        if last.as_ref().is_none_or(|l| d > l) {
            *last = Some(*d);
        }
    }
}

impl Network {
    /// Reads the network out of a built store: one pass over the
    /// documents (each document's graph read once), then the claims.
    pub fn from_store(store: &Store, config: &NetworkConfig) -> Result<Network> {
        let reader = Reader::new(store);
        let entities = reader.entities()?;
        let keys = reader.documents(Order::Id)?;
        let mut builder = Builder::new(&entities, &keys, config);
        for key in &keys {
            let graph = reader.graph(key)?;
            builder.document(key, &graph.document()?, &graph.mentions()?);
        }
        builder.finish(&reader.claims()?)
    }
}

/// Builds a [`Network`] from the read model's typed values, a document at a
/// time, in any order: what the reading view uses to draw its network from
/// the documents it reads anyway.
///
/// Invariant: the network does not depend on the order documents are given
/// in. Among equally good pieces of evidence the edge keeps the one an
/// in-id-order pass would have met first (documents ranked by id, and the
/// pieces within a document by their order in it).
pub struct Builder {
    config: NetworkConfig,
    /// Entity IRI → gazetteer id.
    ids: HashMap<String, String>,
    /// Each document IRI's rank in id order.
    seq: HashMap<String, usize>,
    docs: BTreeMap<String, Doc>,
    nodes: BTreeMap<String, Node>,
    edges: Edges,
}

/// Edges with what decides them.
#[derive(Default)]
struct Edges {
    map: BTreeMap<String, Edge>,
    /// The documents behind each edge; their number is the edge's sources.
    docs: HashMap<String, BTreeSet<String>>,
    /// How good each edge's evidence is: a quote beats a title, then the
    /// earlier source wins, then the first met.
    rank: HashMap<String, Rank>,
    /// How many pieces of support were given outside documents.
    count: usize,
}

type Rank = (bool, bool, Option<PartialDate>, (usize, usize));

impl Edges {
    /// Adds one piece of support to an edge, `seq` being its place in an
    /// in-id-order pass (the smaller wins among equals).
    fn add(
        &mut self,
        (kind, label, directed): (EdgeKind, &str, bool),
        (source, target): (&str, &str),
        weight: usize,
        support: Support<'_>,
        doc_date: Option<PartialDate>,
        seq: (usize, usize),
    ) {
        let id = format!(
            "{}:{source}:{target}",
            kind.name().to_lowercase().replace('_', "-")
        );
        let e = self.map.entry(id.clone()).or_insert_with(|| Edge {
            id,
            source: source.into(),
            target: target.into(),
            kind,
            label: label.into(),
            directed,
            weight: 0,
            sources: 0,
            evidence: None,
            first: None,
            last: None,
        });
        e.weight += weight;
        self.docs
            .entry(e.id.clone())
            .or_default()
            .insert(support.doc.to_string());
        let (first, last) = match support.when {
            Some(when) => when,
            None => (doc_date, doc_date),
        };
        // A quoted passage beats a title; among equals, the earliest source wins.
        // An undated source ranks after every dated one.
        let new_rank = (!support.quoted, first.is_none(), first, seq);
        let better = self.rank.get(&e.id).is_none_or(|old| new_rank < *old);
        if better {
            e.evidence = support.evidence;
            self.rank.insert(e.id.clone(), new_rank);
        }
        widen(&mut e.first, &mut e.last, &first);
        widen(&mut e.first, &mut e.last, &last);
    }

    /// The place of a piece of support given after every document.
    fn next(&mut self) -> (usize, usize) {
        self.count += 1;
        (usize::MAX, self.count)
    }
}

impl Builder {
    /// A network of `entities` (the gazetteer), over the documents `keys`.
    pub fn new(entities: &[read::Entity], keys: &[DocumentKey], config: &NetworkConfig) -> Builder {
        let keep_type =
            |kind: &str| config.types.is_empty() || config.types.iter().any(|t| t.name() == kind);
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        let mut ids = HashMap::new();
        for e in entities {
            ids.entry(e.iri.clone()).or_insert_with(|| e.id.clone());
            let kind = e.kind.name();
            if !keep_type(kind) {
                continue;
            }
            nodes.insert(
                e.id.clone(),
                Node {
                    id: e.id.clone(),
                    label: e.label.clone(),
                    kind: NodeKind::Entity(e.kind),
                    iri: e.iri.clone(),
                    wikidata: e.wikidata.clone(),
                    aliases: e.aliases.clone(),
                    mentions: 0,
                    first: None,
                    last: None,
                },
            );
        }
        let mut by_id: Vec<&DocumentKey> = keys.iter().collect();
        by_id.sort_by(|a, b| (&a.id, &a.iri).cmp(&(&b.id, &b.iri)));
        let seq = by_id
            .iter()
            .enumerate()
            .map(|(i, k)| (k.iri.clone(), i))
            .collect();
        Builder {
            config: config.clone(),
            ids,
            seq,
            docs: BTreeMap::new(),
            nodes,
            edges: Edges::default(),
        }
    }

    /// The entity ids of entity IRIs, sorted.
    fn ids(&self, iris: &[String]) -> Vec<String> {
        let mut ids: Vec<String> = iris
            .iter()
            .filter_map(|i| self.ids.get(i).cloned())
            .collect();
        ids.sort();
        ids
    }

    /// One document: its mentions count for their entities, make its
    /// co-mentions and, with documents, its node and edges.
    pub fn document(&mut self, key: &DocumentKey, d: &read::Document, mentions: &[read::Mention]) {
        let config = &self.config;
        let id = &key.id;
        let doc = Doc {
            iri: key.iri.clone(),
            title: d.title.clone().unwrap_or_default(),
            date: d.date,
            authors: self.ids(&d.authors),
            recipients: self.ids(&d.recipients),
        };
        let seq = self.seq.get(&key.iri).copied().unwrap_or(usize::MAX - 1);
        let mut n = 0;
        let mut next = || {
            n += 1;
            (seq, n)
        };
        let in_doc: Vec<Mention> = mentions
            .iter()
            .filter_map(|m| {
                self.ids.get(&m.entity).map(|e| Mention {
                    start: m.start,
                    end: m.end,
                    entity: e.clone(),
                    sentence: m.sentence,
                })
            })
            .collect();
        let needs_text =
            config.include_documents || (config.edges != EdgeSet::Relations && in_doc.len() > 1);
        let text: Vec<char> = if needs_text {
            d.text.as_deref().unwrap_or_default().chars().collect()
        } else {
            Vec::new()
        };
        let nodes = &mut self.nodes;
        for m in &in_doc {
            if let Some(n) = nodes.get_mut(&m.entity) {
                n.mentions += 1;
                widen(&mut n.first, &mut n.last, &doc.date);
            }
        }
        if config.edges != EdgeSet::Relations {
            let mut seen: BTreeSet<(&str, &str, (usize, usize))> = BTreeSet::new();
            for (i, j, unit) in pairs(&in_doc, &text, config.window) {
                let (a, b) = (&in_doc[i], &in_doc[j]);
                if a.entity == b.entity
                    || !nodes.contains_key(&a.entity)
                    || !nodes.contains_key(&b.entity)
                {
                    continue;
                }
                let (x, y) = if a.entity < b.entity {
                    (&a.entity, &b.entity)
                } else {
                    (&b.entity, &a.entity)
                };
                if seen.insert((x, y, unit)) {
                    let evidence: String = text[unit.0.min(text.len())..unit.1.min(text.len())]
                        .iter()
                        .collect();
                    let evidence = evidence.split_whitespace().collect::<Vec<_>>().join(" ");
                    self.edges.add(
                        (EdgeKind::CoMentioned, "co-mentioned", false),
                        (x, y),
                        1,
                        Support {
                            doc: id,
                            evidence: Some(evidence),
                            quoted: true,
                            when: None,
                        },
                        doc.date,
                        next(),
                    );
                }
            }
        }
        if config.include_documents {
            let node_id = format!("doc:{id}");
            nodes.insert(
                node_id.clone(),
                Node {
                    id: node_id.clone(),
                    label: doc.title.clone(),
                    kind: NodeKind::Document,
                    iri: doc.iri.clone(),
                    wikidata: None,
                    aliases: Vec::new(),
                    mentions: in_doc.len(),
                    first: doc.date,
                    last: doc.date,
                },
            );
            let support = || Support {
                doc: id,
                evidence: Some(doc.title.clone()),
                quoted: false,
                when: None,
            };
            for a in doc.authors.iter().filter(|a| nodes.contains_key(*a)) {
                self.edges.add(
                    (EdgeKind::Authored, "authored", true),
                    (a, &node_id),
                    1,
                    support(),
                    doc.date,
                    next(),
                );
            }
            for r in doc.recipients.iter().filter(|r| nodes.contains_key(*r)) {
                self.edges.add(
                    (EdgeKind::AddressedTo, "addressed to", true),
                    (&node_id, r),
                    1,
                    support(),
                    doc.date,
                    next(),
                );
            }
            for m in &in_doc {
                if nodes.contains_key(&m.entity) {
                    let mention: String = text[m.start.min(text.len())..m.end.min(text.len())]
                        .iter()
                        .collect();
                    self.edges.add(
                        (EdgeKind::MentionedIn, "mentioned in", true),
                        (&m.entity, &node_id),
                        1,
                        Support {
                            doc: id,
                            evidence: Some(mention),
                            quoted: true,
                            when: None,
                        },
                        doc.date,
                        next(),
                    );
                }
            }
        }
        self.docs.insert(id.clone(), doc);
    }

    /// The correspondence and the claims, then the network.
    pub fn finish(mut self, claims: &[read::Claim]) -> Result<Network> {
        let config = &self.config;
        let (docs, nodes, edges) = (&self.docs, &self.nodes, &mut self.edges);
        if config.edges != EdgeSet::CoMentions {
            for (id, d) in docs {
                for a in &d.authors {
                    for r in &d.recipients {
                        if a != r && nodes.contains_key(a) && nodes.contains_key(r) {
                            let seq = edges.next();
                            edges.add(
                                (EdgeKind::WroteTo, "wrote to", true),
                                (a, r),
                                1,
                                Support {
                                    doc: id,
                                    evidence: Some(d.title.clone()),
                                    quoted: false,
                                    when: None,
                                },
                                d.date,
                                seq,
                            );
                        }
                    }
                }
            }
            // Relations stated in relations.csv, typed by their property.
            let doc_ids: HashMap<&str, &str> = docs
                .iter()
                .map(|(id, d)| (d.iri.as_str(), id.as_str()))
                .collect();
            for c in claims {
                let Some(local) = c.predicate.strip_prefix(ans::NS) else {
                    continue;
                };
                let id_of = |iri: &str| self.ids.get(iri).map(String::as_str);
                let (Some(s), Some(o), Some(doc)) = (
                    id_of(&c.subject),
                    c.object.as_deref().and_then(id_of),
                    doc_ids.get(c.source.as_str()).copied(),
                ) else {
                    continue;
                };
                if s == o || !nodes.contains_key(s) || !nodes.contains_key(o) {
                    continue;
                }
                let kind = upper_snake(local);
                let label = crate::input::relations::VOCABULARY
                    .iter()
                    .find(|k| k.local == local)
                    .map_or(local, |k| k.label);
                let when = match (c.date, c.start_date, c.end_date) {
                    (Some(d), _, _) => Some((Some(d), Some(d))),
                    (None, Some(a), Some(z)) => Some((Some(a), Some(z))),
                    _ => None,
                };
                let seq = edges.next();
                edges.add(
                    (EdgeKind::Claim(kind), label, true),
                    (s, o),
                    1,
                    Support {
                        doc,
                        evidence: c.evidence.as_ref().map(|(_, _, q)| q.clone()),
                        quoted: true,
                        when,
                    },
                    docs[doc].date,
                    seq,
                );
            }
        }

        let edge_docs = &self.edges.docs;
        let edges: Vec<Edge> = std::mem::take(&mut self.edges.map)
            .into_values()
            .map(|mut e| {
                e.sources = edge_docs.get(&e.id).map_or(0, BTreeSet::len);
                // A relation weighs as many sources as state it; co-mentions and
                // mentions weigh their occurrences.
                if !matches!(e.kind, EdgeKind::CoMentioned | EdgeKind::MentionedIn) {
                    e.weight = e.sources;
                }
                e
            })
            .filter(|e| e.weight >= self.config.min_weight)
            .collect();
        // Keep entities that are mentioned or take part in a kept edge.
        let linked: BTreeSet<&str> = edges
            .iter()
            .flat_map(|e| [e.source.as_str(), e.target.as_str()])
            .collect();
        let nodes: Vec<Node> = std::mem::take(&mut self.nodes)
            .into_values()
            .filter(|n| {
                n.kind == NodeKind::Document || n.mentions > 0 || linked.contains(n.id.as_str())
            })
            .collect();
        if nodes.is_empty()
            && edges.is_empty()
            && !self.docs.is_empty()
            && self.config.types.is_empty()
        {
            return Err(Error::Query("the store holds no entities".into()));
        }
        Ok(Network { nodes, edges })
    }
}

/// The pairs of mentions of one document (sorted by start) that share a
/// unit of `window`, with the unit, in the order of (first, second) index.
/// Mentions are grouped by sentence or paragraph first, so a document costs
/// its pairs, not the square of its mentions.
fn pairs(in_doc: &[Mention], text: &[char], window: Window) -> Vec<(usize, usize, (usize, usize))> {
    let mut out = Vec::new();
    let units: Vec<Option<(usize, usize)>> = match window {
        Window::Sentence => in_doc.iter().map(|m| m.sentence).collect(),
        Window::Paragraph => in_doc
            .iter()
            .map(|m| Some(paragraph(text, m.start)))
            .collect(),
        Window::Characters(n) => {
            for (i, a) in in_doc.iter().enumerate() {
                for (j, b) in in_doc.iter().enumerate().skip(i + 1) {
                    if b.start - a.start > n {
                        break;
                    }
                    out.push((i, j, (a.start, b.end)));
                }
            }
            return out;
        }
    };
    let mut members: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        if let Some(u) = u {
            members.entry(*u).or_default().push(i);
        }
    }
    for (i, u) in units.iter().enumerate() {
        let Some(u) = u else { continue };
        let group = &members[u];
        let after = group.partition_point(|&j| j <= i);
        out.extend(group[after..].iter().map(|&j| (i, j, *u)));
    }
    out
}

/// `wroteTo` → `WROTE_TO`.
fn upper_snake(local: &str) -> String {
    let mut out = String::new();
    for c in local.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The paragraph (code-point range between blank lines) around `at`.
fn paragraph(text: &[char], at: usize) -> (usize, usize) {
    let blank_before = |i: usize| -> bool {
        // A blank line ends at i: "\n", optional spaces, "\n" just before i.
        let mut j = i;
        if j == 0 || text[j - 1] != '\n' {
            return false;
        }
        j -= 1;
        while j > 0 && text[j - 1] != '\n' && text[j - 1].is_whitespace() {
            j -= 1;
        }
        j > 0 && text[j - 1] == '\n'
    };
    let at = at.min(text.len());
    let mut s = at;
    while s > 0 && !blank_before(s) {
        s -= 1;
    }
    let mut e = at;
    while e < text.len() && !blank_before(e + 1) {
        e += 1;
    }
    (s, e)
}

/// The colour of a node kind (Tableau 10), as (r, g, b).
pub fn colour(kind: &str) -> (u8, u8, u8) {
    match kind {
        "Person" => (78, 121, 167),
        "Organisation" => (242, 142, 43),
        "Place" => (89, 161, 79),
        "Event" => (225, 87, 89),
        "Work" => (176, 122, 161),
        _ => (156, 156, 156),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(id: &str, label: &str) -> read::Entity {
        read::Entity {
            iri: format!("e:{id}"),
            id: id.into(),
            kind: EntityType::Person,
            label: label.into(),
            aliases: Vec::new(),
            description: None,
            wikidata: None,
            wikidata_source: None,
            wkt: None,
        }
    }

    /// A document of one sentence naming Ada and Bo, dated 1950.
    fn document(id: &str, sentence: &str) -> (DocumentKey, read::Document, Vec<read::Mention>) {
        let key = DocumentKey {
            iri: format!("d:{id}"),
            id: id.into(),
            file: format!("{id}.txt"),
            file_start: 0,
            file_end: sentence.chars().count(),
        };
        let doc = read::Document {
            title: Some(id.into()),
            date: PartialDate::parse("1950"),
            text: Some(sentence.into()),
            ..read::Document::default()
        };
        let end = sentence.chars().count();
        let mention = |name: &str, entity: &str| {
            let start = sentence.find(name).expect("the name is in the sentence");
            read::Mention {
                start,
                end: start + name.len(),
                text: name.into(),
                entity: format!("e:{entity}"),
                sentence: Some((0, end)),
                how: None,
                reason: None,
                nested_in: None,
            }
        };
        let mentions = vec![mention("Ada", "a"), mention("Bo", "b")];
        (key, doc, mentions)
    }

    #[test]
    fn the_strongest_part_keeps_the_most_mentioned_and_their_heaviest_ties() {
        let node = |id: &str, mentions| Node {
            mentions,
            ..Builder::new(&[entity(id, id)], &[], &NetworkConfig::default())
                .nodes
                .remove(id)
                .unwrap()
        };
        let edge = |s: &str, t: &str, weight| Edge {
            id: format!("co-mentioned:{s}:{t}"),
            source: s.into(),
            target: t.into(),
            kind: EdgeKind::CoMentioned,
            label: "co-mentioned".into(),
            directed: false,
            weight,
            sources: 1,
            evidence: None,
            first: None,
            last: None,
        };
        let whole = Network {
            nodes: vec![node("a", 5), node("b", 1), node("c", 3), node("d", 3)],
            edges: vec![
                edge("a", "b", 9),
                edge("a", "c", 2),
                edge("a", "d", 4),
                edge("c", "d", 7),
            ],
        };
        let part = whole.strongest(3, 2);
        let ids = |n: &Network| n.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&part), ["a", "c", "d"]);
        let edges: Vec<&str> = part.edges.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(edges, ["co-mentioned:a:d", "co-mentioned:c:d"]);
        assert_eq!(whole.strongest(4, 4).edges, whole.edges);
    }

    #[test]
    fn the_network_does_not_depend_on_the_order_documents_come_in() {
        let entities = [entity("a", "Ada"), entity("b", "Bo")];
        let docs = [
            document("first", "Ada met Bo in Paris."),
            document("second", "Bo wrote to Ada."),
        ];
        let keys: Vec<DocumentKey> = docs.iter().map(|(k, _, _)| k.clone()).collect();
        let build = |order: &[usize]| {
            let mut b = Builder::new(&entities, &keys, &NetworkConfig::default());
            for &i in order {
                let (k, d, m) = &docs[i];
                b.document(k, d, m);
            }
            b.finish(&[]).expect("a network")
        };
        let (forward, backward) = (build(&[0, 1]), build(&[1, 0]));
        assert_eq!(forward.edges, backward.edges);
        assert_eq!(forward.nodes, backward.nodes);
        // Both sources are dated alike: the evidence is the one an
        // in-id-order pass meets first.
        let edge = &backward.edges[0];
        assert_eq!(edge.evidence.as_deref(), Some("Ada met Bo in Paris."));
        assert_eq!((edge.weight, edge.sources), (2, 2));
    }

    #[test]
    fn paragraphs_are_separated_by_blank_lines() {
        let text: Vec<char> = "One two.\nthree\n\n  \nFour five.".chars().collect();
        assert_eq!(paragraph(&text, 0), paragraph(&text, 10));
        assert_ne!(paragraph(&text, 0), paragraph(&text, 22));
    }
}
