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
use crate::read::{self, Order, Reader};
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
    /// Reads the network out of a built store.
    pub fn from_store(store: &Store, config: &NetworkConfig) -> Result<Network> {
        let reader = Reader::new(store);
        let entities = reader.entities()?;
        let by_iri = read::by_iri(&entities);
        let ids = |iris: &[String]| -> Vec<String> {
            let mut ids: Vec<String> = iris
                .iter()
                .filter_map(|i| by_iri.get(i.as_str()).map(|e| e.id.clone()))
                .collect();
            ids.sort();
            ids
        };
        let keys = reader.documents(Order::Id)?;
        let mut docs: BTreeMap<String, Doc> = BTreeMap::new();
        for key in &keys {
            let d = reader.document(key)?;
            docs.insert(
                key.id.clone(),
                Doc {
                    iri: key.iri.clone(),
                    title: d.title.unwrap_or_default(),
                    date: d.date,
                    authors: ids(&d.authors),
                    recipients: ids(&d.recipients),
                },
            );
        }

        let keep_type =
            |kind: &str| config.types.is_empty() || config.types.iter().any(|t| t.name() == kind);
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        for e in &entities {
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

        let mut edges: BTreeMap<String, Edge> = BTreeMap::new();
        // The documents behind each edge; their number is the edge's sources.
        let mut edge_docs: HashMap<String, BTreeSet<String>> = HashMap::new();
        // How good each edge's evidence is: a quote beats a title, then the
        // earlier source wins.
        let mut evidence_rank: HashMap<String, (bool, bool, Option<PartialDate>)> = HashMap::new();
        let mut add = |edges: &mut BTreeMap<String, Edge>,
                       (kind, label, directed): (EdgeKind, &str, bool),
                       (source, target): (&str, &str),
                       weight: usize,
                       support: Support| {
            let id = format!(
                "{}:{source}:{target}",
                kind.name().to_lowercase().replace('_', "-")
            );
            let e = edges.entry(id.clone()).or_insert_with(|| Edge {
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
            edge_docs
                .entry(e.id.clone())
                .or_default()
                .insert(support.doc.to_string());
            let doc_date = &docs[support.doc].date;
            let (first, last) = match support.when {
                Some(when) => when,
                None => (*doc_date, *doc_date),
            };
            // A quoted passage beats a title; among equals, the earliest source wins.
            // An undated source ranks after every dated one.
            let rank = |quoted: bool, date: &Option<PartialDate>| (!quoted, date.is_none(), *date);
            let new_rank = rank(support.quoted, &first);
            let better = evidence_rank.get(&e.id).is_none_or(|old| new_rank < *old);
            if better {
                e.evidence = support.evidence;
                evidence_rank.insert(e.id.clone(), new_rank);
            }
            widen(&mut e.first, &mut e.last, &first);
            widen(&mut e.first, &mut e.last, &last);
        };

        if config.edges != EdgeSet::CoMentions {
            for (id, d) in &docs {
                for a in &d.authors {
                    for r in &d.recipients {
                        if a != r && nodes.contains_key(a) && nodes.contains_key(r) {
                            add(
                                &mut edges,
                                (EdgeKind::WroteTo, "wrote to", true),
                                (a, r),
                                1,
                                Support {
                                    doc: id,
                                    evidence: Some(d.title.clone()),
                                    quoted: false,
                                    when: None,
                                },
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
            for c in reader.claims()? {
                let Some(local) = c.predicate.strip_prefix(ans::NS) else {
                    continue;
                };
                let id_of = |iri: &str| by_iri.get(iri).map(|e| e.id.as_str());
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
                add(
                    &mut edges,
                    (EdgeKind::Claim(kind), label, true),
                    (s, o),
                    1,
                    Support {
                        doc,
                        evidence: c.evidence.map(|(_, _, q)| q),
                        quoted: true,
                        when,
                    },
                );
            }
        }

        // One document at a time: its mentions count for their entities, make
        // its co-mentions and, with documents, its node and edges.
        for key in &keys {
            let id = &key.id;
            let mut in_doc: Vec<Mention> = Vec::new();
            for m in reader.mentions(key)? {
                if let Some(e) = by_iri.get(m.entity.as_str()) {
                    in_doc.push(Mention {
                        start: m.start,
                        end: m.end,
                        entity: e.id.clone(),
                        sentence: m.sentence,
                    });
                }
            }
            let needs_text = config.include_documents
                || (config.edges != EdgeSet::Relations && in_doc.len() > 1);
            let text: Vec<char> = if needs_text {
                reader
                    .document(key)?
                    .text
                    .unwrap_or_default()
                    .chars()
                    .collect()
            } else {
                Vec::new()
            };
            for m in &in_doc {
                if let Some(n) = nodes.get_mut(&m.entity) {
                    n.mentions += 1;
                    widen(&mut n.first, &mut n.last, &docs[id].date);
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
                        add(
                            &mut edges,
                            (EdgeKind::CoMentioned, "co-mentioned", false),
                            (x, y),
                            1,
                            Support {
                                doc: id,
                                evidence: Some(evidence),
                                quoted: true,
                                when: None,
                            },
                        );
                    }
                }
            }
            if config.include_documents {
                let d = &docs[id];
                let node_id = format!("doc:{id}");
                nodes.insert(
                    node_id.clone(),
                    Node {
                        id: node_id.clone(),
                        label: d.title.clone(),
                        kind: NodeKind::Document,
                        iri: d.iri.clone(),
                        wikidata: None,
                        aliases: Vec::new(),
                        mentions: in_doc.len(),
                        first: d.date,
                        last: d.date,
                    },
                );
                for a in d.authors.iter().filter(|a| nodes.contains_key(*a)) {
                    add(
                        &mut edges,
                        (EdgeKind::Authored, "authored", true),
                        (a, &node_id),
                        1,
                        Support {
                            doc: id,
                            evidence: Some(d.title.clone()),
                            quoted: false,
                            when: None,
                        },
                    );
                }
                for r in d.recipients.iter().filter(|r| nodes.contains_key(*r)) {
                    add(
                        &mut edges,
                        (EdgeKind::AddressedTo, "addressed to", true),
                        (&node_id, r),
                        1,
                        Support {
                            doc: id,
                            evidence: Some(d.title.clone()),
                            quoted: false,
                            when: None,
                        },
                    );
                }
                for m in &in_doc {
                    if nodes.contains_key(&m.entity) {
                        let mention: String = text[m.start.min(text.len())..m.end.min(text.len())]
                            .iter()
                            .collect();
                        add(
                            &mut edges,
                            (EdgeKind::MentionedIn, "mentioned in", true),
                            (&m.entity, &node_id),
                            1,
                            Support {
                                doc: id,
                                evidence: Some(mention),
                                quoted: true,
                                when: None,
                            },
                        );
                    }
                }
            }
        }

        let edges: Vec<Edge> = edges
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
            .filter(|e| e.weight >= config.min_weight)
            .collect();
        // Keep entities that are mentioned or take part in a kept edge.
        let linked: BTreeSet<&str> = edges
            .iter()
            .flat_map(|e| [e.source.as_str(), e.target.as_str()])
            .collect();
        let nodes: Vec<Node> = nodes
            .into_values()
            .filter(|n| {
                n.kind == NodeKind::Document || n.mentions > 0 || linked.contains(n.id.as_str())
            })
            .collect();
        if nodes.is_empty() && edges.is_empty() && !docs.is_empty() && config.types.is_empty() {
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

    #[test]
    fn paragraphs_are_separated_by_blank_lines() {
        let text: Vec<char> = "One two.\nthree\n\n  \nFour five.".chars().collect();
        assert_eq!(paragraph(&text, 0), paragraph(&text, 10));
        assert_ne!(paragraph(&text, 0), paragraph(&text, 22));
    }
}
