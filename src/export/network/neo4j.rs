//! The CSV set `neo4j-admin database import full` reads.
//!
//! One node file per label (`nodes-Person.csv`, …) with the header
//! `id:ID(Entity),:LABEL,name,…,mentions:int,aliases:string[],…`, and one
//! relationship file per type (`relationships-WROTE_TO.csv`, …) with
//! `:START_ID(Entity),:END_ID(Entity),:TYPE,…,weight:int,sources:int,…`.
//! Arrays and the labels of `:LABEL` (`Entity|Person`) are separated by `|`,
//! which no label or alias contains, and fields may span lines, so the
//! import needs `--array-delimiter="|"` and `--multiline-fields=true`; see
//! [`import_command`]. Partial dates ("1953-04") are not Neo4j `date`s, so
//! dates stay ISO strings at their own precision. Values are written as
//! they are (no spreadsheet guard): this is a database load, not a sheet.
//!
//! Invariant: every `:START_ID` and `:END_ID` is an `id:ID` of a node file.

use super::Network;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const NODE_HEADER: [&str; 10] = [
    "id:ID(Entity)",
    ":LABEL",
    "name",
    "type",
    "wikidata",
    "iri",
    "mentions:int",
    "aliases:string[]",
    "first_date",
    "last_date",
];

const RELATIONSHIP_HEADER: [&str; 11] = [
    ":START_ID(Entity)",
    ":END_ID(Entity)",
    ":TYPE",
    "id",
    "label",
    "weight:int",
    "sources:int",
    "evidence",
    "first_date",
    "last_date",
    "directed:boolean",
];

/// Writes the node and relationship files into `dir`.
pub fn write(net: &Network, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut node_rows: BTreeMap<&str, Vec<Vec<String>>> = BTreeMap::new();
    for n in &net.nodes {
        node_rows.entry(n.kind.name()).or_default().push(vec![
            n.id.clone(),
            format!("Entity|{}", n.kind),
            n.label.clone(),
            n.kind.to_string(),
            n.wikidata.clone().unwrap_or_default(),
            n.iri.clone(),
            n.mentions.to_string(),
            n.aliases.join("|"),
            n.first.map(|d| d.to_string()).unwrap_or_default(),
            n.last.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    let mut rel_rows: BTreeMap<&str, Vec<Vec<String>>> = BTreeMap::new();
    for e in &net.edges {
        rel_rows.entry(e.kind.name()).or_default().push(vec![
            e.source.clone(),
            e.target.clone(),
            e.kind.to_string(),
            e.id.clone(),
            e.label.clone(),
            e.weight.to_string(),
            e.sources.to_string(),
            e.evidence.clone().unwrap_or_default(),
            e.first.map(|d| d.to_string()).unwrap_or_default(),
            e.last.map(|d| d.to_string()).unwrap_or_default(),
            e.directed.to_string(),
        ]);
    }
    let mut written = Vec::new();
    let files = node_rows
        .iter()
        .map(|(k, rows)| (format!("nodes-{k}.csv"), &NODE_HEADER[..], rows))
        .chain(rel_rows.iter().map(|(k, rows)| {
            (
                format!("relationships-{k}.csv"),
                &RELATIONSHIP_HEADER[..],
                rows,
            )
        }));
    for (name, header, rows) in files {
        let path = dir.join(name);
        let fail = |e: csv::Error| Error::io(&path, e.into());
        let mut w = csv::Writer::from_path(&path).map_err(fail)?;
        w.write_record(header).map_err(fail)?;
        for r in rows {
            w.write_record(r).map_err(fail)?;
        }
        w.flush().map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// The `neo4j-admin` command that imports the files written into a
/// database called `neo4j`, run from the export directory.
pub fn import_command(files: &[PathBuf]) -> String {
    let mut cmd = String::from(
        "neo4j-admin database import full --array-delimiter=\"|\" --multiline-fields=true --overwrite-destination",
    );
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let flag = if name.starts_with("nodes-") {
            "--nodes"
        } else {
            "--relationships"
        };
        cmd.push_str(&format!(" {flag}={name}"));
    }
    cmd.push_str(" neo4j");
    cmd
}
