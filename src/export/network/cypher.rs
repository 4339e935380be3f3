//! A Cypher script for cypher-shell or Neo4j Browser.
//!
//! A uniqueness constraint comes first, then batches of `UNWIND [ … ] AS
//! row MERGE …` that create or update every node on its `id` and every
//! relationship on its `id`, so the script is safe to run twice: the second
//! run changes nothing. Every string is a single-quoted Cypher literal with
//! `\`, `'`, line breaks and control characters escaped; labels and types
//! come from a fixed set and are checked before they are written. No value
//! is ever pasted into the script unescaped.
//!
//! Invariant: each statement ends with `;` at the end of a line, and no
//! string literal spans lines.

use super::{Edge, Network, Node};
use std::io::{self, Write};

/// Rows per UNWIND batch.
const BATCH: usize = 500;

/// A Cypher string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "null".to_string(), string)
}

/// A label or relationship type, which Cypher cannot take as a parameter.
fn name(s: &str) -> io::Result<&str> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(s)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not a Cypher name: {s:?}"),
        ))
    }
}

fn node_map(n: &Node) -> String {
    let aliases = if n.aliases.is_empty() {
        "null".to_string()
    } else {
        format!(
            "[{}]",
            n.aliases
                .iter()
                .map(|a| string(a))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{{id: {}, name: {}, type: {}, wikidata: {}, iri: {}, mentions: {}, aliases: {aliases}, first_date: {}, last_date: {}}}",
        string(&n.id),
        string(&n.label),
        string(n.kind.name()),
        opt(&n.wikidata),
        string(&n.iri),
        n.mentions,
        opt(&n.first.map(|d| d.to_string())),
        opt(&n.last.map(|d| d.to_string())),
    )
}

fn edge_map(e: &Edge) -> String {
    format!(
        "{{id: {}, source: {}, target: {}, label: {}, weight: {}, sources: {}, evidence: {}, first_date: {}, last_date: {}, directed: {}}}",
        string(&e.id),
        string(&e.source),
        string(&e.target),
        string(&e.label),
        e.weight,
        e.sources,
        opt(&e.evidence),
        opt(&e.first.map(|d| d.to_string())),
        opt(&e.last.map(|d| d.to_string())),
        e.directed,
    )
}

/// Writes the script.
pub fn write(net: &Network, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "// The annalist network: entities, their relations and co-mentions."
    )?;
    writeln!(
        out,
        "// Run with cypher-shell or paste into Neo4j Browser. Running it again changes nothing:"
    )?;
    writeln!(out, "// nodes and relationships are MERGEd on their ids.")?;
    writeln!(
        out,
        "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;"
    )?;
    let mut kinds: Vec<&str> = net.nodes.iter().map(|n| n.kind.name()).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let label = name(kind)?;
        let nodes: Vec<&Node> = net.nodes.iter().filter(|n| n.kind.name() == kind).collect();
        for batch in nodes.chunks(BATCH) {
            writeln!(out, "// {label} nodes")?;
            writeln!(out, "UNWIND [")?;
            for (i, n) in batch.iter().enumerate() {
                let comma = if i + 1 < batch.len() { "," } else { "" };
                writeln!(out, "  {}{comma}", node_map(n))?;
            }
            writeln!(out, "] AS row")?;
            writeln!(out, "MERGE (n:Entity {{id: row.id}})")?;
            writeln!(
                out,
                "SET n:`{label}`, n.name = row.name, n.type = row.type, n.wikidata = row.wikidata, n.iri = row.iri, \
                 n.mentions = row.mentions, n.aliases = row.aliases, n.first_date = row.first_date, n.last_date = row.last_date;"
            )?;
        }
    }
    let mut kinds: Vec<&str> = net.edges.iter().map(|e| e.kind.name()).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let kind = name(kind)?;
        let edges: Vec<&Edge> = net.edges.iter().filter(|e| e.kind.name() == kind).collect();
        for batch in edges.chunks(BATCH) {
            writeln!(out, "// {kind} relationships")?;
            writeln!(out, "UNWIND [")?;
            for (i, e) in batch.iter().enumerate() {
                let comma = if i + 1 < batch.len() { "," } else { "" };
                writeln!(out, "  {}{comma}", edge_map(e))?;
            }
            writeln!(out, "] AS row")?;
            writeln!(out, "MATCH (a:Entity {{id: row.source}})")?;
            writeln!(out, "MATCH (b:Entity {{id: row.target}})")?;
            writeln!(out, "MERGE (a)-[r:`{kind}` {{id: row.id}}]->(b)")?;
            writeln!(
                out,
                "SET r.label = row.label, r.weight = row.weight, r.sources = row.sources, r.evidence = row.evidence, \
                 r.first_date = row.first_date, r.last_date = row.last_date, r.directed = row.directed;"
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_break_out_of_their_literal() {
        assert_eq!(string("O'Brien"), r"'O\'Brien'");
        assert_eq!(
            string(r"a\'}) DETACH DELETE n //"),
            r"'a\\\'}) DETACH DELETE n //'"
        );
        assert_eq!(string("two\nlines\u{7}"), r"'two\nlines\u0007'");
        assert_eq!(string("😀 \"q\""), "'😀 \"q\"'");
        assert!(name("Person").is_ok());
        assert!(name("Person`) DELETE").is_err());
    }
}
