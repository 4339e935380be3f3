//! Exports: the store in any RDF syntax, and CSV tables.
//!
//! RDF exports are sorted (graph, subject, predicate, object, by their
//! N-Triples form), so the same store always gives the same bytes. Quad
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
use crate::vocab::{self, SPARQL_PREFIXES};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedNode, NamedOrBlankNodeRef, Quad, Term};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the store (or one graph of it) in an RDF syntax.
pub fn write_rdf(
    store: &Store,
    format: RdfFormat,
    graph: Option<&NamedNode>,
    base_iri: &str,
    out: &mut dyn Write,
) -> Result<usize> {
    let storage = |e| Error::Query(format!("reading the store: {e}"));
    let quads: Vec<Quad> = match graph {
        Some(g) => {
            if !store
                .contains_named_graph(NamedOrBlankNodeRef::from(g.as_ref()))
                .map_err(storage)?
            {
                return Err(Error::Usage {
                    message: format!("the store has no graph <{g}>"),
                    fix: "list the graphs with `annalist query graphs`".into(),
                });
            }
            store
                .quads_for_pattern(None, None, None, Some(GraphNameRef::from(g.as_ref())))
                .collect::<std::result::Result<_, _>>()
                .map_err(storage)?
        }
        None => store
            .iter()
            .collect::<std::result::Result<_, _>>()
            .map_err(storage)?,
    };
    let keep_graphs = format.supports_datasets() && graph.is_none();
    let mut keyed: Vec<(String, Quad)> = quads
        .into_iter()
        .map(|q| {
            let q = if keep_graphs {
                q
            } else {
                Quad::new(
                    q.subject,
                    q.predicate,
                    q.object,
                    oxigraph::model::GraphName::DefaultGraph,
                )
            };
            let key = format!(
                "{}\t{}\t{}\t{}",
                q.graph_name, q.subject, q.predicate, q.object
            );
            (key, q)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);

    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, iri) in vocab::prefixes(base_iri) {
        serializer = serializer.with_prefix(prefix, iri).expect("valid prefixes");
    }
    // XML 1.0 cannot hold most control characters: see crate::output.
    let mut safe = XmlSafe::new(out, format == RdfFormat::RdfXml);
    let mut w = serializer.for_writer(&mut safe);
    for (_, q) in &keyed {
        w.serialize_quad(q).map_err(Error::Output)?;
    }
    w.finish().map_err(Error::Output)?;
    safe.finish().map_err(Error::Output)?;
    Ok(keyed.len())
}

/// Runs a SELECT and returns its rows, each term as a string (IRIs bare,
/// literals by value, unbound as empty).
pub fn select(store: &Store, query: &str) -> Result<Vec<Vec<String>>> {
    let mut prepared = SparqlEvaluator::new()
        .parse_query(query)
        .map_err(|e| Error::Query(format!("built-in query does not parse: {e}")))?;
    prepared.dataset_mut().set_default_graph_as_union();
    let QueryResults::Solutions(solutions) = prepared
        .on_store(store)
        .execute()
        .map_err(|e| Error::Query(e.to_string()))?
    else {
        return Err(Error::Query("built-in query is not a SELECT".into()));
    };
    let variables = solutions.variables().to_vec();
    let mut rows = Vec::new();
    for s in solutions {
        let s = s.map_err(|e| Error::Query(e.to_string()))?;
        rows.push(
            variables
                .iter()
                .map(|v| match s.get(v) {
                    Some(Term::NamedNode(n)) => n.as_str().to_string(),
                    Some(Term::Literal(l)) => l.value().to_string(),
                    Some(t) => t.to_string(),
                    None => String::new(),
                })
                .collect(),
        );
    }
    Ok(rows)
}

/// The documents in reading order: file, then place in the file.
const DOCUMENTS: &str = "
SELECT ?id ?file ?start ?end ?title ?kind ?date WHERE {
  ?doc a schema:CreativeWork ; dcterms:identifier ?id ; oa:hasSource ?f ;
       oa:hasSelector [ oa:start ?start ; oa:end ?end ] .
  ?f dcterms:identifier ?file .
  OPTIONAL { ?doc schema:name ?title }
  OPTIONAL { ?doc dcterms:type ?k . BIND(STRAFTER(STR(?k), '#') AS ?kind) }
  OPTIONAL { ?doc schema:dateCreated ?date }
} ORDER BY ?file ?start DESC(?end) ?id";

/// Each document's authors and recipients, by id.
pub(crate) const PARTIES: &str = "
SELECT ?doc ?role ?who WHERE {
  ?d dcterms:identifier ?doc ; oa:hasSource ?f .
  { ?d schema:author ?e BIND('author' AS ?role) } UNION { ?d schema:recipient ?e BIND('recipient' AS ?role) }
  ?e dcterms:identifier ?who .
} ORDER BY ?doc ?role ?who";

const ENTITIES: &str = "
SELECT ?id ?class ?label ?wikidata (COUNT(?m) AS ?mentions) WHERE {
  ?e dcterms:identifier ?id ; a ?class ; skos:prefLabel ?label .
  OPTIONAL { ?e owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), STR(wd:)))
             BIND(STRAFTER(STR(?wd), STR(wd:)) AS ?wikidata) }
  OPTIONAL { ?m itsrdf:taIdentRef ?e }
} GROUP BY ?id ?class ?label ?wikidata ORDER BY ?id";

const ALIASES: &str = "
SELECT ?id ?alias WHERE { ?e dcterms:identifier ?id ; skos:altLabel ?alias } ORDER BY ?id ?alias";

const MENTIONS: &str = "
SELECT ?doc ?start ?end ?text ?class ?entity ?wikidata WHERE {
  ?m itsrdf:taIdentRef ?e ; nif:beginIndex ?start ; nif:endIndex ?end ; nif:anchorOf ?text ;
     nif:referenceContext ?ctx .
  ?ctx nif:sourceUrl ?d . ?d dcterms:identifier ?doc ; oa:hasSource ?f ; oa:hasSelector [ oa:start ?ds ] .
  ?f dcterms:identifier ?file .
  ?e dcterms:identifier ?entity ; a ?class .
  FILTER(?class IN (schema:Person, schema:Organization, schema:Place, schema:Event, schema:CreativeWork))
  OPTIONAL { ?e owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), STR(wd:)))
             BIND(STRAFTER(STR(?wd), STR(wd:)) AS ?wikidata) }
} ORDER BY ?file (?ds + ?start) ?doc";

/// Writes `documents.csv`, `entities.csv` and `mentions.csv` into `dir`.
pub fn write_csv(store: &Store, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let q = |body: &str| select(store, &format!("{SPARQL_PREFIXES}{body}"));

    let parties = q(PARTIES)?;
    let join = |doc: &str, role: &str| -> String {
        parties
            .iter()
            .filter(|r| r[0] == doc && r[1] == role)
            .map(|r| r[2].as_str())
            .collect::<Vec<_>>()
            .join("|")
    };
    let documents: Vec<Vec<String>> = q(DOCUMENTS)?
        .into_iter()
        .map(|r| {
            let (a, rc) = (join(&r[0], "author"), join(&r[0], "recipient"));
            let mut r = r;
            r.extend([a, rc]);
            r
        })
        .collect();
    let aliases = q(ALIASES)?;
    let entities: Vec<Vec<String>> = q(ENTITIES)?
        .into_iter()
        .filter_map(|r| {
            let kind = crate::network::kind_of(&r[1])?;
            let names: Vec<&str> = aliases
                .iter()
                .filter(|a| a[0] == r[0])
                .map(|a| a[1].as_str())
                .collect();
            Some(vec![
                r[0].clone(),
                kind.to_string(),
                r[2].clone(),
                names.join("|"),
                r[3].clone(),
                r[4].clone(),
            ])
        })
        .collect();
    let mentions: Vec<Vec<String>> = q(MENTIONS)?
        .into_iter()
        .map(|mut r| {
            r[4] = crate::network::kind_of(&r[4])
                .unwrap_or_default()
                .to_string();
            r
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
