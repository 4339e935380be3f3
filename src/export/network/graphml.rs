//! GraphML with typed keys, for yEd, Cytoscape, networkx and igraph.
//!
//! Invariant: every key is declared with its type before use, and values
//! come back unchanged from an XML parser.

use super::Network;
use crate::text::escape::{xml_attr, xml_text};
use std::io::{self, Write};

/// (id, for, name, type) of the keys.
const KEYS: [(&str, &str, &str, &str); 15] = [
    ("label", "node", "label", "string"),
    ("type", "node", "type", "string"),
    ("wikidata", "node", "wikidata", "string"),
    ("iri", "node", "iri", "string"),
    ("mentions", "node", "mentions", "int"),
    ("aliases", "node", "aliases", "string"),
    ("first_date", "node", "first_date", "string"),
    ("last_date", "node", "last_date", "string"),
    ("relation", "edge", "relation", "string"),
    ("edge_label", "edge", "label", "string"),
    ("directed", "edge", "directed", "boolean"),
    ("weight", "edge", "weight", "double"),
    ("sources", "edge", "sources", "int"),
    ("evidence", "edge", "evidence", "string"),
    ("edge_dates", "edge", "dates", "string"),
];

/// Writes the network as GraphML.
pub fn write(net: &Network, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (id, target, name, kind) in KEYS {
        writeln!(
            out,
            r#"  <key id="{id}" for="{target}" attr.name="{name}" attr.type="{kind}"/>"#
        )?;
    }
    let direction = if net.is_directed() {
        "directed"
    } else {
        "undirected"
    };
    writeln!(out, r#"  <graph id="annalist" edgedefault="{direction}">"#)?;
    for n in &net.nodes {
        writeln!(out, r#"    <node id="{}">"#, xml_attr(&n.id))?;
        let aliases = n.aliases.join("|");
        data(
            out,
            &[
                ("label", Some(n.label.as_str())),
                ("type", Some(n.kind.name())),
                ("wikidata", n.wikidata.as_deref()),
                ("iri", Some(&n.iri)),
                ("mentions", Some(&n.mentions.to_string())),
                ("aliases", (!aliases.is_empty()).then_some(aliases.as_str())),
                ("first_date", n.first.map(|d| d.to_string()).as_deref()),
                ("last_date", n.last.map(|d| d.to_string()).as_deref()),
            ],
        )?;
        writeln!(out, "    </node>")?;
    }
    for e in &net.edges {
        writeln!(
            out,
            r#"    <edge id="{}" source="{}" target="{}">"#,
            xml_attr(&e.id),
            xml_attr(&e.source),
            xml_attr(&e.target),
        )?;
        let dates = match (&e.first, &e.last) {
            (Some(f), Some(l)) if f == l => Some(f.to_string()),
            (Some(f), Some(l)) => Some(format!("{f}/{l}")),
            _ => None,
        };
        data(
            out,
            &[
                ("relation", Some(e.kind.name())),
                ("edge_label", Some(&e.label)),
                ("directed", Some(if e.directed { "true" } else { "false" })),
                ("weight", Some(&e.weight.to_string())),
                ("sources", Some(&e.sources.to_string())),
                ("evidence", e.evidence.as_deref()),
                ("edge_dates", dates.as_deref()),
            ],
        )?;
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}

fn data(out: &mut dyn Write, values: &[(&str, Option<&str>)]) -> io::Result<()> {
    for (key, value) in values {
        if let Some(v) = value {
            writeln!(out, r#"      <data key="{key}">{}</data>"#, xml_text(v))?;
        }
    }
    Ok(())
}
