//! The store as CSV tables for spreadsheets and scripts: `documents.csv`,
//! `entities.csv`, `mentions.csv`.
//!
//! A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is written with a leading `'` ([`crate::output::spreadsheet_safe`]),
//! which spreadsheets show as text instead of running it as a formula.
//!
//! Invariant: one row per document, entity and mention, in a fixed order, so
//! the same store gives byte-identical tables.

use crate::error::{Error, Result};
use crate::output::spreadsheet_safe;
use crate::read::{self, Order, Reader};
use oxigraph::store::Store;
use std::path::{Path, PathBuf};

/// Writes `documents.csv`, `entities.csv` and `mentions.csv` into `dir`.
///
/// Read through [`crate::read`]: entities are joined by IRI in a hash map,
/// documents are read one at a time, and the mentions of one file at a time
/// are put in file order.
pub fn write_csv(store: &Store, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let reader = Reader::new(store);
    let entities = reader.entities()?;
    let counts = reader.mention_counts()?;
    let by_iri = read::by_iri(&entities);
    let ids = |iris: &[String]| -> String {
        let mut ids: Vec<&str> = iris
            .iter()
            .filter_map(|i| by_iri.get(i.as_str()).map(|e| e.id.as_str()))
            .collect();
        ids.sort_unstable();
        ids.join("|")
    };
    let keys = reader.documents(Order::Reading)?;
    let mut documents: Vec<Vec<String>> = Vec::with_capacity(keys.len());
    let mut mentions: Vec<Vec<String>> = Vec::new();
    // The mentions of one file, by their place in the file, then document.
    let mut in_file: Vec<(usize, String, Vec<String>)> = Vec::new();
    let flush = |in_file: &mut Vec<(usize, String, Vec<String>)>, out: &mut Vec<Vec<String>>| {
        in_file.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        out.extend(in_file.drain(..).map(|(_, _, row)| row));
    };
    for (k, key) in keys.iter().enumerate() {
        if k > 0 && keys[k - 1].file != key.file {
            flush(&mut in_file, &mut mentions);
        }
        let graph = reader.graph(key)?;
        let d = graph.document()?;
        documents.push(vec![
            key.id.clone(),
            key.file.clone(),
            key.file_start.to_string(),
            key.file_end.to_string(),
            d.title.unwrap_or_default(),
            d.kind.unwrap_or_default(),
            d.date.map(|d| d.to_string()).unwrap_or_default(),
            ids(&d.authors),
            ids(&d.recipients),
        ]);
        for m in graph.mentions()? {
            let Some(e) = by_iri.get(m.entity.as_str()) else {
                continue;
            };
            in_file.push((
                key.file_start + m.start,
                key.id.clone(),
                vec![
                    key.id.clone(),
                    m.start.to_string(),
                    m.end.to_string(),
                    m.text,
                    e.kind.name().to_string(),
                    e.id.clone(),
                    e.wikidata.clone().unwrap_or_default(),
                ],
            ));
        }
    }
    flush(&mut in_file, &mut mentions);
    let entities: Vec<Vec<String>> = entities
        .iter()
        .map(|e| {
            vec![
                e.id.clone(),
                e.kind.name().to_string(),
                e.label.clone(),
                e.aliases.join("|"),
                e.wikidata.clone().unwrap_or_default(),
                counts.get(&e.iri).copied().unwrap_or(0).to_string(),
            ]
        })
        .collect();

    // (file name, header, rows, columns of free text to guard)
    type Table<'a> = (&'a str, &'a [&'a str], Vec<Vec<String>>, &'a [usize]);
    let tables: [Table; 3] = [
        (
            "documents.csv",
            &[
                "id",
                "file",
                "file_start",
                "file_end",
                "title",
                "kind",
                "date",
                "authors",
                "recipients",
            ],
            documents,
            &[4],
        ),
        (
            "entities.csv",
            &["id", "type", "label", "aliases", "wikidata", "mentions"],
            entities,
            &[2, 3],
        ),
        (
            "mentions.csv",
            &[
                "document", "start", "end", "text", "type", "entity", "wikidata",
            ],
            mentions,
            &[3],
        ),
    ];
    let mut written = Vec::new();
    for (name, header, rows, text_columns) in tables {
        let path = dir.join(name);
        let mut w = csv::Writer::from_path(&path).map_err(|e| Error::io(&path, e.into()))?;
        let csv_err = |e: csv::Error| Error::io(&path, e.into());
        w.write_record(header).map_err(csv_err)?;
        for row in rows {
            let row: Vec<String> = row
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    if text_columns.contains(&i) {
                        spreadsheet_safe(c)
                    } else {
                        c
                    }
                })
                .collect();
            w.write_record(&row).map_err(csv_err)?;
        }
        w.flush().map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
