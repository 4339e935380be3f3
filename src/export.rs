//! Exports: the store in any RDF syntax, and CSV tables.
//!
//! RDF exports are sorted (graph, subject, predicate, object, by their
//! N-Triples form), so the same store always gives the same bytes, and
//! streamed: a quad syntax is written one graph at a time, a triple syntax
//! one subject at a time, each group sorted alone (see [`write_rdf`]). Quad
//! syntaxes (N-Quads, TriG, JSON-LD) keep every named graph; triple syntaxes
//! (Turtle, N-Triples, RDF/XML) merge them, or take the one `--graph` names.
//!
//! CSV exports are for spreadsheets and scripts: `documents.csv`,
//! `entities.csv`, `mentions.csv`. A text cell that begins with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is written with a leading `'`, which
//! spreadsheets show as text instead of running it as a formula.
//!
//! RDF/XML replaces the characters XML 1.0 cannot hold with U+FFFD (see
//! [`crate::output`]), so that it always parses.
//!
//! Invariant: exporting never changes the store, and the same store gives
//! byte-identical files.

use crate::error::{Error, Result};
use crate::output::XmlSafe;
use crate::query::write_table;
use crate::read::{self, Order, Reader};
use crate::vocab;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Quad, Term,
};
use oxigraph::store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Writes the store (or one graph of it) in an RDF syntax.
///
/// The quads come out sorted by the N-Triples forms of (graph, subject,
/// predicate, object), without repeats, in one pass and without holding the
/// store: quad syntaxes go graph by graph (each graph's quads read from
/// Oxigraph's graph index and sorted alone); triple syntaxes, whose graphs
/// merge, go subject by subject (the distinct subjects are listed and sorted
/// first, then each subject's triples read from the subject index).
pub fn write_rdf(
    store: &Store,
    format: RdfFormat,
    graph: Option<&NamedNode>,
    base_iri: &str,
    out: &mut dyn Write,
) -> Result<usize> {
    let storage = |e| Error::Query(format!("reading the store: {e}"));
    if let Some(g) = graph {
        if !store
            .contains_named_graph(NamedOrBlankNodeRef::from(g.as_ref()))
            .map_err(storage)?
        {
            return Err(Error::Usage {
                message: format!("the store has no graph <{g}>"),
                fix: "list the graphs with `annalist query graphs`".into(),
            });
        }
    }
    let keep_graphs = format.supports_datasets() && graph.is_none();

    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, iri) in vocab::prefixes(base_iri) {
        serializer = serializer.with_prefix(prefix, iri).expect("valid prefixes");
    }
    // XML 1.0 cannot hold most control characters: see crate::output.
    let mut safe = XmlSafe::new(out, format == RdfFormat::RdfXml);
    let mut w = serializer.for_writer(&mut safe);
    let mut written = 0;
    // Sorts one group of quads by their key, drops repeats and writes them.
    let mut emit = |group: Vec<Quad>| -> Result<()> {
        let mut keyed: Vec<(String, Quad)> = group
            .into_iter()
            .map(|q| {
                let key = format!(
                    "{}\t{}\t{}\t{}",
                    q.graph_name, q.subject, q.predicate, q.object
                );
                (key, q)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        keyed.dedup_by(|a, b| a.0 == b.0);
        for (_, q) in &keyed {
            w.serialize_quad(q).map_err(Error::Output)?;
        }
        written += keyed.len();
        Ok(())
    };
    let read = |s: Option<NamedOrBlankNodeRef<'_>>, g: Option<GraphNameRef<'_>>| {
        store
            .quads_for_pattern(s, None, None, g)
            .map(|q| {
                q.map_err(storage).map(|q| {
                    if keep_graphs {
                        q
                    } else {
                        Quad::new(q.subject, q.predicate, q.object, GraphName::DefaultGraph)
                    }
                })
            })
            .collect::<Result<Vec<Quad>>>()
    };
    if let Some(g) = graph {
        emit(read(None, Some(GraphNameRef::from(g.as_ref())))?)?;
    } else if keep_graphs {
        // Graph by graph, in the order of their N-Triples forms (the default
        // graph prints as DEFAULT, after every IRI).
        let mut graphs: Vec<(String, GraphName)> = store
            .named_graphs()
            .map(|g| {
                g.map_err(storage).map(|g| {
                    let g = GraphName::from(g);
                    (g.to_string(), g)
                })
            })
            .collect::<Result<_>>()?;
        graphs.push((GraphName::DefaultGraph.to_string(), GraphName::DefaultGraph));
        graphs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        graphs.dedup_by(|a, b| a.0 == b.0);
        for (_, g) in graphs {
            emit(read(None, Some(g.as_ref()))?)?;
        }
    } else {
        // Subject by subject, in the order of their N-Triples forms.
        let mut subjects: Vec<String> = Vec::new();
        let mut last: Option<NamedOrBlankNode> = None;
        for q in store.iter() {
            let q = q.map_err(storage)?;
            if last.as_ref() != Some(&q.subject) {
                subjects.push(q.subject.to_string());
                last = Some(q.subject);
            }
        }
        drop(last);
        subjects.sort_unstable();
        subjects.dedup();
        for s in subjects {
            let subject = match Term::from_str(&s) {
                Ok(Term::NamedNode(n)) => NamedOrBlankNode::from(n),
                Ok(Term::BlankNode(b)) => NamedOrBlankNode::from(b),
                _ => {
                    return Err(Error::Query(format!(
                        "reading the store: a subject {s} that does not read back"
                    )))
                }
            };
            emit(read(Some(subject.as_ref()), None)?)?;
        }
    }
    w.finish().map_err(Error::Output)?;
    safe.finish().map_err(Error::Output)?;
    Ok(written)
}

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
        let d = reader.document(key)?;
        documents.push(vec![
            key.id.clone(),
            key.file.clone(),
            key.file_start.to_string(),
            key.file_end.to_string(),
            d.title.unwrap_or_default(),
            d.kind.unwrap_or_default(),
            d.date.unwrap_or_default(),
            ids(&d.authors),
            ids(&d.recipients),
        ]);
        for m in reader.mentions(key)? {
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

/// Prefixes a cell that a spreadsheet would run as a formula with `'`.
pub fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Prints rows as a table or TSV (for commands that list things).
pub fn print_rows(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    table: bool,
) -> Result<()> {
    if table {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        write_table(out, &header, rows).map_err(Error::Output)
    } else {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        writeln!(out, "{}", header.join("\t")).map_err(Error::Output)?;
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| clean(c)).collect();
            writeln!(out, "{}", cells.join("\t")).map_err(Error::Output)?;
        }
        Ok(())
    }
}
