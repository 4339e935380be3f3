//! Gephi's spreadsheet import: `nodes.csv` and `edges.csv`.
//!
//! Nodes: `Id`, `Label`, then attributes. Edges: `Source`, `Target`,
//! `Type` (`Directed` or `Undirected`), a unique `Id`, `Label`, `Weight`
//! and a `Time Interval` (`<[1953-04-01, 1953-07-15]>`, dates only) so that
//! the timeline plays, then attributes. Text cells that a spreadsheet would
//! run as a formula get a leading `'`, as in every CSV annalist writes.
//!
//! Invariant: every `Source` and `Target` is a node `Id`, and edge `Id`s are
//! unique (Gephi merges edges that share one).

use super::Network;
use crate::error::{Error, Result};
use crate::input::date::PartialDate;
use crate::output::spreadsheet_safe;
use std::path::{Path, PathBuf};

fn interval(first: &Option<PartialDate>, last: &Option<PartialDate>) -> String {
    match (first, last) {
        (Some(f), Some(l)) => format!("<[{}, {}]>", f.first_day(), l.last_day()),
        _ => String::new(),
    }
}

/// Writes `nodes.csv` and `edges.csv` into `dir`.
pub fn write(net: &Network, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let nodes_path = dir.join("nodes.csv");
    let mut w =
        csv::Writer::from_path(&nodes_path).map_err(|e| Error::io(&nodes_path, e.into()))?;
    let err = |p: &Path| {
        let p = p.to_path_buf();
        move |e: csv::Error| Error::io(&p, e.into())
    };
    w.write_record([
        "Id",
        "Label",
        "type",
        "wikidata",
        "mentions",
        "first_date",
        "last_date",
        "Time Interval",
        "aliases",
        "iri",
    ])
    .map_err(err(&nodes_path))?;
    for n in &net.nodes {
        w.write_record([
            n.id.clone(),
            spreadsheet_safe(n.label.clone()),
            n.kind.to_string(),
            n.wikidata.clone().unwrap_or_default(),
            n.mentions.to_string(),
            n.first.map(|d| d.to_string()).unwrap_or_default(),
            n.last.map(|d| d.to_string()).unwrap_or_default(),
            interval(&n.first, &n.last),
            spreadsheet_safe(n.aliases.join("|")),
            n.iri.clone(),
        ])
        .map_err(err(&nodes_path))?;
    }
    w.flush().map_err(|e| Error::io(&nodes_path, e))?;

    let edges_path = dir.join("edges.csv");
    let mut w =
        csv::Writer::from_path(&edges_path).map_err(|e| Error::io(&edges_path, e.into()))?;
    w.write_record([
        "Source",
        "Target",
        "Type",
        "Id",
        "Label",
        "Weight",
        "Time Interval",
        "relation",
        "sources",
        "evidence",
        "first_date",
        "last_date",
    ])
    .map_err(err(&edges_path))?;
    for e in &net.edges {
        w.write_record([
            e.source.clone(),
            e.target.clone(),
            if e.directed { "Directed" } else { "Undirected" }.to_string(),
            e.id.clone(),
            e.label.clone(),
            e.weight.to_string(),
            interval(&e.first, &e.last),
            e.kind.to_string(),
            e.sources.to_string(),
            spreadsheet_safe(e.evidence.clone().unwrap_or_default()),
            e.first.map(|d| d.to_string()).unwrap_or_default(),
            e.last.map(|d| d.to_string()).unwrap_or_default(),
        ])
        .map_err(err(&edges_path))?;
    }
    w.flush().map_err(|e| Error::io(&edges_path, e))?;
    Ok(vec![nodes_path, edges_path])
}
