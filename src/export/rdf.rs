//! The store in any RDF syntax.
//!
//! RDF exports are sorted (graph, subject, predicate, object, by their
//! N-Triples form), so the same store always gives the same bytes, and
//! streamed: a quad syntax is written one graph at a time, a triple syntax
//! one subject at a time, each group read and sorted alone, on every core,
//! and written in order (see [`write_rdf`]). Quad
//! syntaxes (N-Quads, TriG, JSON-LD) keep every named graph; triple syntaxes
//! (Turtle, N-Triples, RDF/XML) merge them, or take the one `--graph` names.
//!
//! RDF/XML replaces the characters XML 1.0 cannot hold with U+FFFD (see
//! [`crate::output`]), so that it always parses.
//!
//! Invariant: exporting never changes the store, and the same store gives
//! byte-identical files.

use crate::error::{Error, Result};
use crate::output::XmlSafe;
use crate::rdf::vocab;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Quad, Term,
};
use oxigraph::store::Store;
use std::io::Write;
use std::str::FromStr;

/// How many quads of one graph a quad syntax sorts at once: a larger graph
/// (the summary graph of a large archive holds millions) goes subject by
/// subject, as triple syntaxes do, which gives the same order. Each core
/// holds up to three graphs read ahead.
const GRAPH_AT_ONCE: usize = 100_000;

/// How many subjects' quads a core reads and sorts together.
const SUBJECTS_AT_ONCE: usize = 16;

/// Writes the store (or one graph of it) in an RDF syntax.
///
/// The quads come out sorted by the N-Triples forms of (graph, subject,
/// predicate, object), without repeats, in one pass and without holding the
/// store: quad syntaxes go graph by graph (each graph's quads read from
/// Oxigraph's graph index and sorted alone, or subject by subject when
/// there are more than [`GRAPH_AT_ONCE`]); triple syntaxes, whose graphs
/// merge, go subject by subject (the distinct subjects are listed and sorted
/// first, then each subject's triples read from the subject index). The
/// groups are read and sorted on every core ([`super::in_order`]) and
/// written one after the other, in order, by one serializer.
pub fn write_rdf(
    store: &Store,
    format: RdfFormat,
    graph: Option<&NamedNode>,
    base_iri: &str,
    out: &mut dyn Write,
) -> Result<usize> {
    write_rdf_by(store, format, graph, base_iri, out, GRAPH_AT_ONCE)
}

/// [`write_rdf`], sorting at most `at_once` quads of a graph together.
fn write_rdf_by(
    store: &Store,
    format: RdfFormat,
    graph: Option<&NamedNode>,
    base_iri: &str,
    out: &mut dyn Write,
    at_once: usize,
) -> Result<usize> {
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
    let mut emit = |group: Vec<Quad>| -> Result<()> {
        for q in &group {
            w.serialize_quad(q).map_err(Error::Output)?;
        }
        written += group.len();
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
            .map(sorted)
    };
    // Groups are read and sorted on every core, and written in order.
    let by_subject = |subjects: &[String],
                      g: Option<GraphNameRef<'_>>,
                      emit: &mut dyn FnMut(Vec<Quad>) -> Result<()>| {
        super::in_order(
            subjects,
            SUBJECTS_AT_ONCE,
            |s| read(Some(subject(s)?.as_ref()), g),
            |_, group| emit(group?),
        )
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
        // A graph's quads, sorted; None for a graph too large to sort at
        // once, which goes subject by subject: keys of one graph compare by
        // subject first, and no subject's N-Triples form holds the tab that
        // ends it in the key.
        let whole = |(_, g): &(String, GraphName)| -> Result<Option<Vec<Quad>>> {
            let mut quads = Vec::new();
            for q in store.quads_for_pattern(None, None, None, Some(g.as_ref())) {
                quads.push(q.map_err(storage)?);
                if quads.len() > at_once {
                    return Ok(None);
                }
            }
            Ok(Some(sorted(quads)))
        };
        super::in_order(&graphs, 1, whole, |(_, g), group| match group? {
            Some(quads) => emit(quads),
            None => {
                let quads = store.quads_for_pattern(None, None, None, Some(g.as_ref()));
                by_subject(&sorted_subjects(quads)?, Some(g.as_ref()), &mut emit)
            }
        })?;
    } else {
        // Subject by subject, in the order of their N-Triples forms.
        by_subject(&sorted_subjects(store.iter())?, None, &mut emit)?;
    }
    w.finish().map_err(Error::Output)?;
    safe.finish().map_err(Error::Output)?;
    Ok(written)
}

/// Sorts one group of quads by the N-Triples forms of (graph, subject,
/// predicate, object) and drops repeats.
fn sorted(group: Vec<Quad>) -> Vec<Quad> {
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
    keyed.into_iter().map(|(_, q)| q).collect()
}

/// A failed read of the store, as an export reports it.
fn storage(e: oxigraph::store::StorageError) -> Error {
    Error::Query(format!("reading the store: {e}"))
}

/// The N-Triples forms of the distinct subjects of `quads`, sorted. Only
/// the forms are held, each read back as a subject when its turn comes
/// ([`subject`]): the quads come from an index that keeps a subject's quads
/// together.
fn sorted_subjects(
    quads: impl Iterator<Item = std::result::Result<Quad, oxigraph::store::StorageError>>,
) -> Result<Vec<String>> {
    let mut subjects: Vec<String> = Vec::new();
    let mut last: Option<NamedOrBlankNode> = None;
    for q in quads {
        let q = q.map_err(storage)?;
        if last.as_ref() != Some(&q.subject) {
            subjects.push(q.subject.to_string());
            last = Some(q.subject);
        }
    }
    drop(last);
    subjects.sort_unstable();
    subjects.dedup();
    Ok(subjects)
}

/// A subject read back from its N-Triples form.
fn subject(form: &str) -> Result<NamedOrBlankNode> {
    match Term::from_str(form) {
        Ok(Term::NamedNode(n)) => Ok(NamedOrBlankNode::from(n)),
        Ok(Term::BlankNode(b)) => Ok(NamedOrBlankNode::from(b)),
        _ => Err(Error::Query(format!(
            "reading the store: a subject {form} that does not read back"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A graph too large to sort at once, written subject by subject,
    /// gives the same bytes as sorted whole.
    #[test]
    fn a_graph_sorted_by_subject_gives_the_same_bytes() {
        let store = Store::new().unwrap();
        let data = r#"
<http://e/s2> <http://e/p> "b" <http://e/g1> .
<http://e/s1> <http://e/p> "z" <http://e/g1> .
<http://e/s10> <http://e/p> "a" <http://e/g1> .
<http://e/s1> <http://e/q> <http://e/s2> <http://e/g1> .
_:b1 <http://e/p> "x" <http://e/g1> .
<http://e/s3> <http://e/p> "c" <http://e/g2> .
<http://e/s0> <http://e/p> "d" .
"#;
        store
            .load_from_reader(RdfFormat::NQuads, data.as_bytes())
            .unwrap();
        for format in [RdfFormat::NQuads, RdfFormat::TriG] {
            let write = |at_once| {
                let mut out = Vec::new();
                let n = write_rdf_by(&store, format, None, "http://e/", &mut out, at_once).unwrap();
                (n, String::from_utf8(out).unwrap())
            };
            let (whole_n, whole) = write(usize::MAX);
            let (by_subject_n, by_subject) = write(1);
            assert_eq!(whole_n, 7);
            assert_eq!(by_subject_n, whole_n);
            assert_eq!(by_subject, whole, "{format:?}");
        }
    }
}
