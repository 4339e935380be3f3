//! GEXF 1.3 for Gephi: typed attributes, a colour and size per node, and
//! date intervals on nodes and edges so that Gephi's timeline plays.
//!
//! Invariant: the output validates against the GEXF 1.3 RELAX NG schema, and
//! every label and value comes back unchanged from an XML parser (line
//! breaks included).

use super::{colour, Network};
use crate::input::date::PartialDate;
use crate::text::escape::xml_attr;
use std::io::{self, Write};

/// (id, title, type) of the node attributes.
const NODE_ATTRIBUTES: [(&str, &str, &str); 7] = [
    ("type", "type", "string"),
    ("wikidata", "wikidata", "string"),
    ("iri", "iri", "anyURI"),
    ("mentions", "mentions", "integer"),
    ("aliases", "aliases", "string"),
    ("first_date", "first date", "string"),
    ("last_date", "last date", "string"),
];

const EDGE_ATTRIBUTES: [(&str, &str, &str); 6] = [
    ("relation", "relation", "string"),
    ("directed", "directed", "boolean"),
    ("sources", "sources", "integer"),
    ("evidence", "evidence", "string"),
    ("first_date", "first date", "string"),
    ("last_date", "last date", "string"),
];

/// Writes the network as GEXF 1.3.
pub fn write(net: &Network, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">"#
    )?;
    writeln!(out, "  <meta>")?;
    writeln!(out, "    <creator>annalist</creator>")?;
    writeln!(
        out,
        "    <description>Entities and their relations and co-mentions</description>"
    )?;
    writeln!(out, "  </meta>")?;
    let direction = if net.is_directed() {
        "directed"
    } else {
        "undirected"
    };
    writeln!(
        out,
        r#"  <graph defaultedgetype="{direction}" mode="dynamic" timeformat="date" timerepresentation="interval">"#
    )?;
    for (class, attributes) in [
        ("node", &NODE_ATTRIBUTES[..]),
        ("edge", &EDGE_ATTRIBUTES[..]),
    ] {
        writeln!(out, r#"    <attributes class="{class}" mode="static">"#)?;
        for (id, title, kind) in attributes {
            writeln!(
                out,
                r#"      <attribute id="{id}" title="{title}" type="{kind}"/>"#
            )?;
        }
        writeln!(out, "    </attributes>")?;
    }
    writeln!(out, "    <nodes>")?;
    for n in &net.nodes {
        write!(
            out,
            r#"      <node id="{}" label="{}""#,
            xml_attr(&n.id),
            xml_attr(&n.label)
        )?;
        interval(out, &n.first, &n.last)?;
        writeln!(out, ">")?;
        let aliases = n.aliases.join("|");
        let values = [
            ("type", Some(n.kind.to_string())),
            ("wikidata", n.wikidata.clone()),
            ("iri", Some(n.iri.clone())),
            ("mentions", Some(n.mentions.to_string())),
            ("aliases", (!aliases.is_empty()).then_some(aliases)),
            ("first_date", n.first.map(|d| d.to_string())),
            ("last_date", n.last.map(|d| d.to_string())),
        ];
        attvalues(out, &values)?;
        let (r, g, b) = colour(n.kind.name());
        writeln!(out, r#"        <viz:color r="{r}" g="{g}" b="{b}"/>"#)?;
        writeln!(
            out,
            r#"        <viz:size value="{:.1}"/>"#,
            4.0 + 2.0 * (n.mentions as f64).sqrt()
        )?;
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>")?;
    writeln!(out, "    <edges>")?;
    for e in &net.edges {
        write!(
            out,
            r#"      <edge id="{}" source="{}" target="{}" type="{}" weight="{}" label="{}" kind="{}""#,
            xml_attr(&e.id),
            xml_attr(&e.source),
            xml_attr(&e.target),
            direction,
            e.weight,
            xml_attr(&e.label),
            xml_attr(e.kind.name()),
        )?;
        interval(out, &e.first, &e.last)?;
        writeln!(out, ">")?;
        let values = [
            ("relation", Some(e.kind.to_string())),
            ("directed", Some(e.directed.to_string())),
            ("sources", Some(e.sources.to_string())),
            ("evidence", e.evidence.clone()),
            ("first_date", e.first.map(|d| d.to_string())),
            ("last_date", e.last.map(|d| d.to_string())),
        ];
        attvalues(out, &values)?;
        writeln!(out, "      </edge>")?;
    }
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")
}

fn interval(
    out: &mut dyn Write,
    first: &Option<PartialDate>,
    last: &Option<PartialDate>,
) -> io::Result<()> {
    if let (Some(f), Some(l)) = (first, last) {
        write!(out, r#" start="{}" end="{}""#, f.first_day(), l.last_day())?;
    }
    Ok(())
}

fn attvalues(out: &mut dyn Write, values: &[(&str, Option<String>)]) -> io::Result<()> {
    writeln!(out, "        <attvalues>")?;
    for (key, value) in values {
        if let Some(v) = value {
            writeln!(
                out,
                r#"          <attvalue for="{key}" value="{}"/>"#,
                xml_attr(v)
            )?;
        }
    }
    writeln!(out, "        </attvalues>")
}
