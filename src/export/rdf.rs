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
//! A triple syntax of a large store keeps the sorted lists of its subjects
//! in a temporary directory while it runs (`SubjectRuns`); the directory
//! goes with the export.
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
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;

/// How many quads of one graph a quad syntax sorts at once: a larger graph
/// (the summary graph of a large archive holds millions) goes subject by
/// subject, as triple syntaxes do, which gives the same order. Each core
/// holds up to three graphs read ahead.
const GRAPH_AT_ONCE: usize = 100_000;

/// How many subjects' quads a core reads and sorts together.
const SUBJECTS_AT_ONCE: usize = 16;

/// How many subjects' forms a triple syntax holds while it lists them;
/// beyond, they wait in sorted runs on disk.
const FORMS_AT_ONCE: usize = 1 << 18;

/// How many subjects, in order, a triple syntax hands to the cores at once.
const SUBJECTS_BATCH: usize = 1 << 16;

/// Writes the store (or one graph of it) in an RDF syntax.
///
/// The quads come out sorted by the N-Triples forms of (graph, subject,
/// predicate, object), without repeats, in one pass and without holding the
/// store: quad syntaxes go graph by graph (each graph's quads read from
/// Oxigraph's graph index and sorted alone, or subject by subject when
/// there are more than [`GRAPH_AT_ONCE`]); triple syntaxes, whose graphs
/// merge, go subject by subject (each graph's distinct subjects listed on
/// every core, merged into one sorted list through runs on disk beyond
/// `FORMS_AT_ONCE`, then each block of subjects' triples read from the
/// subject index). The groups are read and sorted on every core
/// ([`super::in_order`]) and written one after the other, in order, by one
/// serializer. Memory holds a few groups and at most `FORMS_AT_ONCE`
/// subjects, whatever the size of the store.
pub fn write_rdf(
    store: &Store,
    format: RdfFormat,
    graph: Option<&NamedNode>,
    base_iri: &str,
    out: &mut dyn Write,
) -> Result<usize> {
    write_rdf_by(
        store,
        format,
        graph,
        base_iri,
        out,
        GRAPH_AT_ONCE,
        FORMS_AT_ONCE,
    )
}

/// [`write_rdf`], sorting at most `at_once` quads of a graph together and
/// holding at most `forms_at_once` subjects of a triple syntax.
fn write_rdf_by(
    store: &Store,
    format: RdfFormat,
    graph: Option<&NamedNode>,
    base_iri: &str,
    out: &mut dyn Write,
    at_once: usize,
    forms_at_once: usize,
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
    // Where a graph's quads are written: in it, or merged into the default
    // graph by a triple syntax.
    let target = |g: &GraphName| {
        if keep_graphs {
            g.clone()
        } else {
            GraphName::DefaultGraph
        }
    };
    let default_graph = store
        .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
        .next()
        .is_some();
    // The subjects of `forms`, in order, of graph `from` (None: of every
    // graph), a batch at a time: each block of a batch read and sorted on a
    // worker, and written in order as quads of `to`.
    let by_subject = |forms: Box<dyn Iterator<Item = Result<String>>>,
                      from: Option<GraphNameRef<'_>>,
                      to: &GraphName,
                      emit: &mut dyn FnMut(Vec<Quad>) -> Result<()>| {
        let mut batch = Vec::with_capacity(SUBJECTS_BATCH);
        let mut forms = forms.peekable();
        while forms.peek().is_some() {
            batch.clear();
            for form in forms.by_ref().take(SUBJECTS_BATCH) {
                batch.push(form?);
            }
            let blocks: Vec<&[String]> = batch.chunks(SUBJECTS_AT_ONCE).collect();
            // A block of more than `at_once` quads (subjects named by
            // thousands of others, such as days) is read here instead, a
            // subject at a time, so that the workers never hold it.
            super::in_order(
                &blocks,
                1,
                |block| subjects_quads(store, block, from, to, default_graph, at_once),
                |block, group| match group? {
                    Some(quads) => emit(quads),
                    None => block.iter().try_for_each(|form| {
                        let one = std::slice::from_ref(form);
                        let quads =
                            subjects_quads(store, one, from, to, default_graph, usize::MAX)?;
                        emit(quads.unwrap_or_default())
                    }),
                },
            )?;
        }
        Ok(())
    };
    if graph.is_some() || keep_graphs {
        // Graph by graph, in the order of their N-Triples forms (the default
        // graph prints as DEFAULT, after every IRI).
        let mut graphs: Vec<(String, GraphName)> = Vec::new();
        if let Some(g) = graph {
            graphs.push((String::new(), g.clone().into()));
        } else {
            for g in store.named_graphs() {
                let g = GraphName::from(g.map_err(storage)?);
                graphs.push((g.to_string(), g));
            }
            graphs.push((GraphName::DefaultGraph.to_string(), GraphName::DefaultGraph));
            graphs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            graphs.dedup_by(|a, b| a.0 == b.0);
        }
        // A graph's quads, sorted; None for a graph too large to sort at
        // once, which goes subject by subject: keys of one graph compare by
        // subject first, and no subject's N-Triples form holds the tab that
        // ends it in the key.
        let whole = |(_, g): &(String, GraphName)| -> Result<Option<Vec<Quad>>> {
            let to = target(g);
            let mut quads = Vec::new();
            for q in store.quads_for_pattern(None, None, None, Some(g.as_ref())) {
                let q = q.map_err(storage)?;
                quads.push(Quad::new(q.subject, q.predicate, q.object, to.clone()));
                if quads.len() > at_once {
                    return Ok(None);
                }
            }
            Ok(Some(sorted(quads)))
        };
        super::in_order(&graphs, 1, whole, |(_, g), group| match group? {
            Some(quads) => emit(quads),
            None => {
                let mut runs = SubjectRuns::new(forms_at_once);
                graph_subjects(store, g.as_ref(), &mut |form| runs.push_one(form))?;
                by_subject(runs.merged()?, Some(g.as_ref()), &target(g), &mut emit)
            }
        })?;
    } else {
        // Subject by subject, in the order of their N-Triples forms: each
        // graph's subjects listed on every core, merged from sorted runs.
        let mut runs = SubjectRuns::new(forms_at_once);
        let mut graphs: Vec<GraphName> = vec![GraphName::DefaultGraph];
        for g in store.named_graphs() {
            graphs.push(g.map_err(storage)?.into());
        }
        // The distinct subjects of a graph, sorted; None when there are
        // more than a worker may hold: such a graph is listed here,
        // straight into the runs.
        let held_subjects = |g: &GraphName| -> Result<Option<Vec<String>>> {
            let mut forms = Vec::new();
            let whole = graph_subjects(store, g.as_ref(), &mut |form| {
                if forms.len() == forms_at_once {
                    return Ok(false);
                }
                forms.push(form);
                Ok(true)
            })?;
            Ok(whole.then(|| sorted_forms(forms)))
        };
        super::in_order(&graphs, 16, held_subjects, |g, forms| match forms? {
            Some(forms) => runs.push(forms),
            None => graph_subjects(store, g.as_ref(), &mut |form| runs.push_one(form)).map(drop),
        })?;
        by_subject(runs.merged()?, None, &GraphName::DefaultGraph, &mut emit)?;
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

/// Hands the subjects of one graph to `take` as N-Triples forms, each
/// once, in the store's order, until `take` answers false; true when every
/// subject was taken.
///
/// A SPARQL `REDUCED` over the graph: Oxigraph's graph index keeps a
/// subject's quads together, and the query drops repeats while the terms
/// are still the store's own codes, so each subject is written out once,
/// not once per quad, and neither predicates nor objects are. Nothing is
/// held.
fn graph_subjects(
    store: &Store,
    g: GraphNameRef<'_>,
    take: &mut dyn FnMut(String) -> Result<bool>,
) -> Result<bool> {
    let mut query = SparqlEvaluator::new()
        .parse_query("SELECT REDUCED ?s WHERE { ?s ?p ?o }")
        .expect("a valid query");
    query.dataset_mut().set_default_graph(vec![g.into_owned()]);
    let QueryResults::Solutions(solutions) = query.on_store(store).execute().map_err(evaluation)?
    else {
        unreachable!("a SELECT gives solutions");
    };
    for solution in solutions {
        if let Some(s) = solution.map_err(evaluation)?.get(0) {
            if !take(s.to_string())? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// The quads of a block of subjects (by their N-Triples forms, in order),
/// sorted: those of graph `g`, or for `None` those of every graph
/// (`default_graph`: false when the store's default graph is empty), given
/// as quads of `graph`.
///
/// One SPARQL query reads the block, with each subject bound in turn, and
/// returns only the predicates and objects, by the subject's place in the
/// block: the store writes out neither the subject nor the graph of each
/// quad, half of the terms an index read gives. A query cannot name a blank
/// node: a blank subject is read from the index.
///
/// None when the block has more than `at_once` quads: it is read again a
/// subject at a time.
fn subjects_quads(
    store: &Store,
    forms: &[String],
    g: Option<GraphNameRef<'_>>,
    graph: &GraphName,
    default_graph: bool,
    at_once: usize,
) -> Result<Option<Vec<Quad>>> {
    let subjects = forms
        .iter()
        .map(|form| subject(form))
        .collect::<Result<Vec<_>>>()?;
    let mut quads = Vec::new();
    let mut rows = String::new();
    for (i, s) in subjects.iter().enumerate() {
        match s {
            NamedOrBlankNode::NamedNode(n) => {
                use std::fmt::Write as _;
                let _ = write!(rows, "(<{}> {i}) ", n.as_str());
            }
            NamedOrBlankNode::BlankNode(_) => {
                for q in store.quads_for_pattern(Some(s.as_ref()), None, None, g) {
                    let q = q.map_err(storage)?;
                    quads.push(Quad::new(q.subject, q.predicate, q.object, graph.clone()));
                    if quads.len() > at_once {
                        return Ok(None);
                    }
                }
            }
        }
    }
    if !rows.is_empty() {
        let pattern = match (g, default_graph) {
            (Some(_), _) => "?s ?p ?o",
            (None, true) => "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }",
            // No subject index of the default graph to look in.
            (None, false) => "GRAPH ?g { ?s ?p ?o }",
        };
        let query = format!("SELECT ?i ?p ?o WHERE {{ VALUES (?s ?i) {{ {rows}}} {pattern} }}");
        let mut prepared = SparqlEvaluator::new()
            .parse_query(&query)
            .map_err(|e| Error::Query(format!("reading the store: {e}")))?;
        if let Some(g) = g {
            prepared
                .dataset_mut()
                .set_default_graph(vec![g.into_owned()]);
        }
        let QueryResults::Solutions(solutions) =
            prepared.on_store(store).execute().map_err(evaluation)?
        else {
            unreachable!("a SELECT gives solutions");
        };
        for solution in solutions {
            let solution = solution.map_err(evaluation)?;
            let row = (solution.get(0), solution.get(1), solution.get(2));
            // The subject by its place in the block, its predicate, its object.
            let read = match row {
                (Some(Term::Literal(i)), Some(Term::NamedNode(p)), Some(o)) => i
                    .value()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| subjects.get(i))
                    .map(|s| (s, p, o)),
                _ => None,
            };
            let Some((s, p, o)) = read else {
                return Err(Error::Query(format!(
                    "reading the store: an unexpected row {row:?}"
                )));
            };
            quads.push(Quad::new(s.clone(), p.clone(), o.clone(), graph.clone()));
            if quads.len() > at_once {
                return Ok(None);
            }
        }
    }
    Ok(Some(sorted(quads)))
}

/// A failed listing of a graph's subjects, as an export reports it.
fn evaluation(e: oxigraph::sparql::QueryEvaluationError) -> Error {
    Error::Query(format!("reading the store: {e}"))
}

/// The distinct subjects of every graph, merged: sorted lists are pushed
/// in, one sorted list without repeats comes out. At most `at_once` forms
/// are held; beyond, they are sorted and written to a run on disk, and the
/// runs are merged as they are read.
struct SubjectRuns {
    at_once: usize,
    held: Vec<String>,
    dir: Option<tempfile::TempDir>,
    runs: Vec<PathBuf>,
}

impl SubjectRuns {
    fn new(at_once: usize) -> Self {
        SubjectRuns {
            at_once,
            held: Vec::new(),
            dir: None,
            runs: Vec::new(),
        }
    }

    /// Takes one subject.
    fn push_one(&mut self, form: String) -> Result<bool> {
        self.push(std::iter::once(form)).map(|()| true)
    }

    /// Takes one graph's subjects.
    fn push(&mut self, forms: impl IntoIterator<Item = String>) -> Result<()> {
        self.held.extend(forms);
        if self.held.len() >= self.at_once {
            self.spill()?;
        }
        Ok(())
    }

    /// Writes the held forms, sorted and without repeats, to a new run: one
    /// form a line (no N-Triples form of a subject holds a line break).
    fn spill(&mut self) -> Result<()> {
        let held = sorted_forms(std::mem::take(&mut self.held));
        let dir = match &self.dir {
            Some(dir) => dir.path().to_path_buf(),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("annalist-subjects-")
                    .tempdir()
                    .map_err(|source| Error::Io {
                        path: std::env::temp_dir(),
                        source,
                    })?;
                let path = dir.path().to_path_buf();
                self.dir = Some(dir);
                path
            }
        };
        let path = dir.join(format!("run-{}", self.runs.len()));
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
        for form in &held {
            file.write_all(form.as_bytes()).map_err(io)?;
            file.write_all(b"\n").map_err(io)?;
        }
        file.into_inner().map_err(|e| io(e.into_error()))?;
        self.runs.push(path);
        Ok(())
    }

    /// Every form pushed, once each, in order.
    fn merged(mut self) -> Result<Box<dyn Iterator<Item = Result<String>>>> {
        if self.runs.is_empty() {
            return Ok(Box::new(sorted_forms(self.held).into_iter().map(Ok)));
        }
        if !self.held.is_empty() {
            self.spill()?;
        }
        let mut readers = Vec::new();
        for path in &self.runs {
            let file = std::fs::File::open(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            readers.push((path.clone(), std::io::BufReader::new(file)));
        }
        Ok(Box::new(Merge::new(readers, self.dir.take())?))
    }
}

/// Sorts forms and drops repeats.
fn sorted_forms(mut forms: Vec<String>) -> Vec<String> {
    forms.sort_unstable();
    forms.dedup();
    forms
}

/// A merge of sorted runs, one line each, without repeats; the runs'
/// directory goes when the merge does.
struct Merge {
    readers: Vec<(PathBuf, std::io::BufReader<std::fs::File>)>,
    heads: std::collections::BinaryHeap<std::cmp::Reverse<(String, usize)>>,
    last: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl Merge {
    fn new(
        readers: Vec<(PathBuf, std::io::BufReader<std::fs::File>)>,
        dir: Option<tempfile::TempDir>,
    ) -> Result<Self> {
        let mut merge = Merge {
            readers,
            heads: std::collections::BinaryHeap::new(),
            last: None,
            _dir: dir,
        };
        for run in 0..merge.readers.len() {
            merge.advance(run)?;
        }
        Ok(merge)
    }

    /// Reads the next line of run `run` into the heap.
    fn advance(&mut self, run: usize) -> Result<()> {
        use std::io::BufRead;
        let (path, reader) = &mut self.readers[run];
        let mut line = String::new();
        let n = reader.read_line(&mut line).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        if n > 0 {
            line.pop();
            self.heads.push(std::cmp::Reverse((line, run)));
        }
        Ok(())
    }
}

impl Iterator for Merge {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Result<String>> {
        loop {
            let std::cmp::Reverse((form, run)) = self.heads.pop()?;
            if let Err(e) = self.advance(run) {
                return Some(Err(e));
            }
            if self.last.as_ref() != Some(&form) {
                self.last = Some(form.clone());
                return Some(Ok(form));
            }
        }
    }
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
                let n =
                    write_rdf_by(&store, format, None, "http://e/", &mut out, at_once, 1).unwrap();
                (n, String::from_utf8(out).unwrap())
            };
            let (whole_n, whole) = write(usize::MAX);
            let (by_subject_n, by_subject) = write(1);
            assert_eq!(whole_n, 7);
            assert_eq!(by_subject_n, whole_n);
            assert_eq!(by_subject, whole, "{format:?}");
        }
        // One graph, `--graph`, in a triple syntax: its own triples only.
        let g1 = NamedNode::new("http://e/g1").unwrap();
        for format in [RdfFormat::NTriples, RdfFormat::Turtle] {
            let write = |at_once| {
                let mut out = Vec::new();
                let n = write_rdf_by(&store, format, Some(&g1), "http://e/", &mut out, at_once, 1)
                    .unwrap();
                (n, String::from_utf8(out).unwrap())
            };
            let (whole_n, whole) = write(usize::MAX);
            assert_eq!(whole_n, 5);
            assert_eq!(write(1), (whole_n, whole.clone()), "{format:?}");
            assert!(
                !whole.contains("\"c\"") && !whole.contains("\"d\""),
                "{whole}"
            );
        }
    }

    /// A triple syntax gives every triple of every graph once, sorted by
    /// subject, predicate and object, whether the subjects are held or wait
    /// in runs on disk; a subject named in several graphs is written once.
    #[test]
    fn a_triple_syntax_merges_the_graphs_whether_its_subjects_wait_on_disk_or_not() {
        let data = r#"
<http://e/s2> <http://e/p> "b" <http://e/g1> .
<http://e/s1> <http://e/p> "z" <http://e/g1> .
<http://e/s1> <http://e/p> "z" <http://e/g2> .
<http://e/s1> <http://e/q> "y" <http://e/g2> .
<http://e/s1> <http://e/p> "a" .
<http://e/s10> <http://e/p> "a" <http://e/g2> .
<http://e/s1> <http://e/q> <http://e/s2> <http://e/g1> .
_:b1 <http://e/p> "x" <http://e/g1> .
_:b1 <http://e/q> "w" .
<http://e/s3> <http://e/p> "c" <http://e/g2> .
<http://e/s0> <http://e/p> "d" .
"#;
        // With quads in the default graph, and without.
        let named_only: String = data
            .lines()
            .filter(|l| l.split_whitespace().count() == 5)
            .map(|l| format!("{l}\n"))
            .collect();
        for (data, triples) in [(data, 10), (named_only.as_str(), 7)] {
            let store = Store::new().unwrap();
            store
                .load_from_reader(RdfFormat::NQuads, data.as_bytes())
                .unwrap();
            let mut expected: Vec<String> = store
                .iter()
                .map(|q| {
                    let q = q.unwrap();
                    format!("{} {} {} .", q.subject, q.predicate, q.object)
                })
                .collect();
            expected.sort();
            expected.dedup();
            assert_eq!(expected.len(), triples);
            let write = |format, at_once, forms_at_once| {
                let mut out = Vec::new();
                let n = write_rdf_by(
                    &store,
                    format,
                    None,
                    "http://e/",
                    &mut out,
                    at_once,
                    forms_at_once,
                )
                .unwrap();
                (n, String::from_utf8(out).unwrap())
            };
            let (held_n, held) = write(RdfFormat::NTriples, GRAPH_AT_ONCE, usize::MAX);
            assert_eq!(held_n, expected.len());
            assert_eq!(held.lines().collect::<Vec<_>>(), expected);
            let turtle = write(RdfFormat::Turtle, GRAPH_AT_ONCE, usize::MAX);
            // Subjects waiting on disk; blocks read a subject at a time.
            for (at_once, forms_at_once) in [(GRAPH_AT_ONCE, 1), (GRAPH_AT_ONCE, 2), (1, 3), (1, 1)]
            {
                let nt = write(RdfFormat::NTriples, at_once, forms_at_once);
                assert_eq!(nt, (held_n, held.clone()));
                assert_eq!(write(RdfFormat::Turtle, at_once, forms_at_once), turtle);
            }
        }
    }

    /// Runs spilled to disk merge into one sorted list without repeats,
    /// and their directory goes with the merge.
    #[test]
    fn subject_runs_merge_sorted_without_repeats_and_leave_nothing_on_disk() {
        let mut runs = SubjectRuns::new(2);
        for list in [
            vec!["<b>", "<d>"],
            vec!["<a>", "<d>", "<e>"],
            vec!["<c>"],
            vec!["<a>"],
        ] {
            runs.push(list.into_iter().map(String::from).collect::<Vec<_>>())
                .unwrap();
        }
        let dir = runs.dir.as_ref().expect("spilled").path().to_path_buf();
        assert!(runs.runs.len() >= 2);
        let merged: Vec<String> = runs.merged().unwrap().map(Result::unwrap).collect();
        assert_eq!(merged, ["<a>", "<b>", "<c>", "<d>", "<e>"]);
        assert!(!dir.exists());
    }
}
