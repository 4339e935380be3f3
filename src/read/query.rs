//! SPARQL over the store, and the library of ready questions.
//!
//! The default graph of every query is the union of all graphs, so a plain
//! pattern sees everything; `GRAPH ?g { … }` still names the source that
//! says so. Variables can be bound from the command line
//! (`--bind entity=joseph-stalin`), planned with the query as a one-row
//! `VALUES`, and a time limit cancels a runaway query. A SELECT's answer
//! may be read from, or kept in, the answers of the generation queried
//! ([`crate::store::answers`]).
//!
//! Invariant: output goes only to the writer given; a query never changes
//! the store (it is opened read-only; a kept answer lies beside it), and a
//! kept answer prints the bytes its evaluation prints.

use crate::error::{Error, InputError, Position, Result};
use crate::output::{write_table, ChunkSender, XmlSafe};
use crate::rdf::vocab;
use crate::store::answers::{Answers, KeptBytes, Printing, Question};
use crate::text::escape::csv_field;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, QuerySolution, SparqlEvaluator,
};
use oxigraph::store::Store;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

include!(concat!(env!("OUT_DIR"), "/queries.rs"));

/// A query of the library (`queries/NAME.rq`, built into the binary).
#[derive(Debug, Clone, Copy)]
pub struct LibraryQuery {
    pub name: &'static str,
    pub text: &'static str,
}

impl LibraryQuery {
    /// The first comment line: what the query answers.
    pub fn purpose(&self) -> String {
        purpose(self.text)
    }
}

/// The first comment line of a query.
pub fn purpose(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix('#').map(str::trim).filter(|l| !l.is_empty()))
        .unwrap_or("")
        .to_string()
}

/// The built-in library, sorted by name.
pub fn library() -> Vec<LibraryQuery> {
    LIBRARY
        .iter()
        .map(|&(name, text)| LibraryQuery { name, text })
        .collect()
}

/// How to print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table, for people.
    Table,
    /// A W3C SPARQL results format (CSV, TSV, JSON, XML).
    Results(QueryResultsFormat),
    /// An RDF syntax, for CONSTRUCT and DESCRIBE.
    Rdf(RdfFormat),
    /// Whichever fits the query's form: the results format for SELECT and
    /// ASK, the RDF syntax for CONSTRUCT and DESCRIBE (what a server
    /// negotiated with its client before it knows the form).
    Negotiated(QueryResultsFormat, RdfFormat),
}

impl Format {
    /// Parses a format name as the command line gives it.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name.to_ascii_lowercase().as_str() {
            "table" => Format::Table,
            "csv" => Format::Results(QueryResultsFormat::Csv),
            "tsv" => Format::Results(QueryResultsFormat::Tsv),
            "json" => Format::Results(QueryResultsFormat::Json),
            "xml" => Format::Results(QueryResultsFormat::Xml),
            other => Format::Rdf(rdf_format(other)?),
        })
    }
}

/// An RDF syntax by its common name or file extension.
pub fn rdf_format(name: &str) -> Option<RdfFormat> {
    Some(match name.to_ascii_lowercase().as_str() {
        "turtle" | "ttl" => RdfFormat::Turtle,
        "ntriples" | "n-triples" | "nt" => RdfFormat::NTriples,
        "nquads" | "n-quads" | "nq" => RdfFormat::NQuads,
        "trig" => RdfFormat::TriG,
        "jsonld" | "json-ld" => RdfFormat::JsonLd {
            profile: Default::default(),
        },
        "rdfxml" | "rdf-xml" | "rdf" | "xml-rdf" => RdfFormat::RdfXml,
        _ => return None,
    })
}

/// How to run a query.
#[derive(Debug, Clone)]
pub struct QueryConfig {
    /// Where the query came from, for error messages.
    pub origin: String,
    pub bindings: Vec<(String, Term)>,
    pub timeout: Option<Duration>,
    /// The format asked for, if any.
    pub format: Option<Format>,
    /// Without a format, print SELECT results as a table (on a terminal)
    /// rather than CSV.
    pub table_by_default: bool,
    /// The corpus base IRI, for prefixes in RDF output.
    pub base_iri: String,
    /// The dataset the protocol's `default-graph-uri` and
    /// `named-graph-uri` ask for; None: the union of all graphs as the
    /// default graph, every named graph available.
    pub dataset: Option<Dataset>,
    /// The answers kept with the generation queried: a SELECT query's
    /// solutions are read from there when they were kept, and kept there
    /// by its rule when they were evaluated. None evaluates every time.
    pub answers: Option<Answers>,
}

/// A query's dataset given beside it (SPARQL 1.1 Protocol).
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub default_graphs: Vec<NamedNode>,
    pub named_graphs: Vec<NamedNode>,
}

/// What the query printed, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Solutions,
    Boolean(bool),
    Triples(usize),
}

/// Parses `NAME=VALUE`: `<…>` is an IRI, `"…"` (with optional `@lang` or
/// `^^<type>`) a literal in N-Triples syntax, anything else a plain string.
pub fn parse_binding(s: &str) -> Result<(String, Term)> {
    let usage = |m: String| Error::Usage {
        message: m,
        fix: "write --bind NAME=VALUE, e.g. --bind entity=joseph-stalin or --bind doc=<https://…>"
            .into(),
    };
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| usage(format!("--bind {s:?} has no '='")))?;
    let name = name.trim().trim_start_matches(['?', '$']);
    Variable::new(name).map_err(|_| usage(format!("{name:?} is not a SPARQL variable name")))?;
    let term = if value.starts_with('<') || value.starts_with('"') {
        value.parse::<Term>().map_err(|e| {
            usage(format!(
                "--bind {name}: {value:?} is not an IRI or literal: {e}"
            ))
        })?
    } else {
        Literal::new_simple_literal(value).into()
    };
    Ok((name.to_string(), term))
}

/// Runs `query` on `store` and writes its results to `out`.
///
/// With a time limit, the query is evaluated on a worker thread that hands
/// its output over in chunks; the calling thread writes them and, when the
/// limit passes, cancels the evaluation and returns [`Error::Timeout`] at
/// once, whatever the query's shape: Oxigraph checks its cancellation token
/// only when it reads the store, so a cross product computed in memory may
/// go on for a while on the worker, but nothing more reaches `out`, and a
/// process that exits takes the worker with it.
pub fn run(
    store: &Store,
    query: &str,
    config: &QueryConfig,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let Some(limit) = config.timeout else {
        return evaluate(store, query, config, CancellationToken::new(), out);
    };
    let seconds = limit.as_secs_f64();
    let deadline = std::time::Instant::now() + limit;
    let token = CancellationToken::new();
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Chunk>(4);
    let worker = {
        let (store, query, config, token) = (
            store.clone(),
            query.to_string(),
            config.clone(),
            token.clone(),
        );
        let sender = sender.clone();
        std::thread::Builder::new()
            .name("query".into())
            .spawn(move || {
                let mut w = ChunkSender::new(CHUNK, sender.clone(), Chunk::Bytes);
                let result = evaluate(&store, &query, &config, token, &mut w)
                    .and_then(|o| w.flush().map(|()| o).map_err(Error::Output));
                let _ = sender.send(Chunk::Done(result));
            })
            .map_err(|e| Error::Query(format!("cannot start the query thread: {e}")))?
    };
    drop(sender);
    let outcome = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match receiver.recv_timeout(left) {
            Ok(Chunk::Bytes(bytes)) => {
                if std::time::Instant::now() >= deadline {
                    break Err(Error::Timeout { seconds });
                }
                if let Err(e) = out.write_all(&bytes) {
                    break Err(Error::Output(e));
                }
            }
            Ok(Chunk::Done(result)) => break result,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                break Err(Error::Timeout { seconds })
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                break Err(Error::Query("the query thread stopped unexpectedly".into()))
            }
        }
    };
    // Stop the evaluation and let its thread let go of the store before
    // returning: a process that exits while that thread still reads the
    // store aborts in RocksDB's own clean-up. The wait is bounded (a
    // twentieth of the limit, at most 2 s), so the deadline still holds; a
    // thread still computing in memory then is left to the process's exit
    // (`Error::Timeout` leaves without running that clean-up).
    token.cancel();
    drop(receiver);
    let grace = (limit / 20).clamp(
        std::time::Duration::from_millis(50),
        std::time::Duration::from_secs(2),
    );
    let until = std::time::Instant::now() + grace;
    while !worker.is_finished() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    if worker.is_finished() {
        let _ = worker.join();
    }
    outcome
}

/// What the query thread hands over: output, or the end.
enum Chunk {
    Bytes(Vec<u8>),
    Done(Result<Outcome>),
}

/// How many bytes of output the query thread hands over at a time.
const CHUNK: usize = 64 * 1024;

/// A SPARQL evaluation error, told as the user can act on it.
fn evaluation_error(e: QueryEvaluationError, seconds: f64) -> Error {
    match e {
        QueryEvaluationError::Cancelled => Error::Timeout { seconds },
        QueryEvaluationError::UnsupportedService(_)
        | QueryEvaluationError::UnboundService
        | QueryEvaluationError::InvalidServiceName(_)
        | QueryEvaluationError::Service(_) => Error::Usage {
            message: format!(
                "{e}: federated queries (SERVICE) are off; annalist answers from its own store \
                 only and never contacts another server, so that a query cannot reach the network"
            ),
            fix: "remove the SERVICE clause, or send that part of the query to the remote endpoint yourself".into(),
        },
        e => Error::Query(e.to_string()),
    }
}

/// A parsed query prepared for evaluation with its bindings (planned with
/// their values where the pattern allows, substituted otherwise) over its
/// dataset (None: the union of all graphs as the default graph).
pub(crate) fn prepare(
    mut parsed: spargebra::Query,
    bindings: &[(String, Term)],
    dataset: Option<&Dataset>,
    token: CancellationToken,
) -> oxigraph::sparql::PreparedSparqlQuery {
    let substituted = bind_in_pattern(&mut parsed, bindings);
    let mut prepared = SparqlEvaluator::new()
        .with_cancellation_token(token)
        .for_query(parsed);
    match dataset {
        None => prepared.dataset_mut().set_default_graph_as_union(),
        Some(d) => {
            if !d.default_graphs.is_empty() {
                prepared
                    .dataset_mut()
                    .set_default_graph(d.default_graphs.iter().cloned().map(Into::into).collect());
            } else {
                prepared.dataset_mut().set_default_graph_as_union();
            }
            if !d.named_graphs.is_empty() {
                prepared.dataset_mut().set_available_named_graphs(
                    d.named_graphs.iter().cloned().map(Into::into).collect(),
                );
            }
        }
    }
    for (name, term) in substituted {
        prepared = prepared.substitute_variable(Variable::new_unchecked(name), term.clone());
    }
    prepared
}

/// Evaluates `query` and writes its results to `out`; `token` cancels it.
fn evaluate(
    store: &Store,
    query: &str,
    config: &QueryConfig,
    token: CancellationToken,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let parsed = spargebra::SparqlParser::new()
        .parse_query(query)
        .map_err(|e| syntax_error(&config.origin, query, &e.to_string()))?;
    check_bindings(&parsed, &config.bindings)?;
    let carried = config.answers.is_some().then(|| parsed.clone());
    let prepared = prepare(
        parsed,
        &config.bindings,
        config.dataset.as_ref(),
        token.clone(),
    );
    let seconds = config.timeout.map_or(0.0, |d| d.as_secs_f64());
    let eval = |e: QueryEvaluationError| evaluation_error(e, seconds);
    let results_format = match config.format {
        Some(f) => f,
        None if config.table_by_default => Format::Table,
        None => Format::Results(QueryResultsFormat::Csv),
    };
    let question = Question {
        text: query,
        bindings: &config.bindings,
        dataset: config
            .dataset
            .as_ref()
            .map(|d| (&d.default_graphs[..], &d.named_graphs[..])),
    };
    // A kept answer, printed as it was printed before, or printed from the
    // kept solutions (and that printing kept in turn).
    let printed_as = printed_name(results_format);
    let started = std::time::Instant::now();
    if let Some(answers) = &config.answers {
        // Copies the kept printing out, if there is one.
        let copied = |out: &mut dyn Write| -> Result<bool> {
            let Some(f) = printed_as else {
                return Ok(false);
            };
            let Some((path, file)) = answers.printed(&question, f)? else {
                return Ok(false);
            };
            copy_printed(&path, file, out)?;
            Ok(true)
        };
        if copied(out)? {
            return Ok(Outcome::Solutions);
        }
        // An answer kept on an earlier generation is mended by what
        // changed since, and kept for this one.
        let mended = match (answers.waiting(&question), carried) {
            (Some(waiting), Some(parsed)) => {
                let evaluate = |q: &spargebra::Query, bindings: &[(String, Term)]| {
                    let prepared =
                        prepare(q.clone(), bindings, config.dataset.as_ref(), token.clone());
                    match prepared.on_store(store).execute().map_err(eval)? {
                        QueryResults::Solutions(s) => {
                            s.collect::<std::result::Result<Vec<_>, _>>().map_err(eval)
                        }
                        _ => Err(Error::Query("a SELECT query answered otherwise".into())),
                    }
                };
                crate::read::carry::mend(query, &parsed, &config.bindings, waiting, &evaluate)
            }
            _ => false,
        };
        // A mending keeps the printing it could make from the one kept
        // before.
        if mended && copied(out)? {
            return Ok(Outcome::Solutions);
        }
        // In CSV the kept lines are printed as they are read, without
        // making terms of them.
        if matches!(
            results_format,
            Format::Results(QueryResultsFormat::Csv)
                | Format::Negotiated(QueryResultsFormat::Csv, _)
        ) {
            if let Some((path, file)) = answers.kept_file(&question)? {
                let mut printing = printed_as.and_then(|f| answers.begin_printed(&question, f));
                reprint(
                    &path,
                    file,
                    &mut Tee {
                        out,
                        copy: &mut printing,
                    },
                )?;
                if let Some(p) = printing {
                    p.finish(started.elapsed());
                }
                return Ok(Outcome::Solutions);
            }
        }
        if let Some(kept) = answers.kept(&question)? {
            let printing = printed_as.and_then(|f| answers.begin_printed(&question, f));
            let variables = kept.variables().to_vec();
            print_solutions(results_format, variables, kept, out, printing, started)?;
            return Ok(Outcome::Solutions);
        }
        debug_assert!(!mended, "a mended answer is kept");
    }
    let results = prepared.on_store(store).execute().map_err(eval)?;
    match results {
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let (mut keeping, printing) = match &config.answers {
                Some(a) => (
                    a.begin(&question, &variables),
                    printed_as.and_then(|f| a.begin_printed(&question, f)),
                ),
                None => (None, None),
            };
            let solutions = solutions.map(|s| {
                let s = s.map_err(eval)?;
                if let Some(k) = &mut keeping {
                    k.add(&s);
                }
                Ok(s)
            });
            let took =
                print_solutions(results_format, variables, solutions, out, printing, started)?;
            if let Some(k) = keeping {
                k.finish(took);
            }
            Ok(Outcome::Solutions)
        }
        QueryResults::Boolean(value) => {
            match results_format {
                Format::Results(f @ (QueryResultsFormat::Json | QueryResultsFormat::Xml))
                | Format::Negotiated(f @ (QueryResultsFormat::Json | QueryResultsFormat::Xml), _) =>
                {
                    QueryResultsSerializer::from_format(f)
                        .serialize_boolean_to_writer(&mut *out, value)
                        .map_err(Error::Output)?;
                    writeln!(out).map_err(Error::Output)?;
                }
                Format::Rdf(_) => return Err(wrong_format("ASK", "table, csv, tsv, json or xml")),
                _ => writeln!(out, "{value}").map_err(Error::Output)?,
            }
            Ok(Outcome::Boolean(value))
        }
        QueryResults::Graph(triples) => {
            let format = match config.format {
                None => RdfFormat::Turtle,
                Some(Format::Rdf(f) | Format::Negotiated(_, f)) => f,
                Some(_) => {
                    return Err(wrong_format(
                        "CONSTRUCT or DESCRIBE",
                        "turtle, ntriples, nquads, trig, jsonld or rdfxml",
                    ))
                }
            };
            let mut serializer = RdfSerializer::from_format(format);
            for (prefix, iri) in vocab::prefixes(&config.base_iri) {
                serializer = serializer.with_prefix(prefix, iri).expect("valid prefixes");
            }
            let mut safe = XmlSafe::new(&mut *out, format == RdfFormat::RdfXml);
            let mut w = serializer.for_writer(&mut safe);
            let mut n = 0;
            for t in triples {
                w.serialize_triple(&t.map_err(eval)?)
                    .map_err(Error::Output)?;
                n += 1;
            }
            w.finish().map_err(Error::Output)?;
            safe.finish().map_err(Error::Output)?;
            Ok(Outcome::Triples(n))
        }
    }
}

/// Refuses a `--bind` of a variable that a SELECT query does not return:
/// it would have no effect, and the answer would look like an answer to
/// the question asked.
fn check_bindings(query: &spargebra::Query, bindings: &[(String, Term)]) -> Result<()> {
    use spargebra::algebra::GraphPattern;
    let spargebra::Query::Select { pattern, .. } = query else {
        return Ok(());
    };
    let mut p = pattern;
    let projected = loop {
        match p {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner } => p = inner,
            GraphPattern::Project { variables, .. } => break variables,
            _ => return Ok(()),
        }
    };
    for (name, _) in bindings {
        if !projected.iter().any(|v| v.as_str() == name) {
            let names: Vec<String> = projected.iter().map(|v| v.as_str().to_string()).collect();
            return Err(Error::Usage {
                message: format!("--bind {name}: the query returns no variable ?{name}"),
                fix: format!("bind one of the variables it returns: {}", names.join(", ")),
            });
        }
    }
    Ok(())
}

/// Puts each `--bind` value into the query's pattern as a one-row
/// `VALUES`, joined to its WHERE clause under every filter, `BIND`, order
/// and projection, as if the clause began with `VALUES ?name { value }`.
/// Oxigraph's own substitution binds the variable only when evaluation
/// starts, after the plan is made, so a question about one entity was
/// planned as one about all of them (2.7 s at 1 GB for an entity of four
/// mentions); a `VALUES` is planned first. The bindings that cannot go in
/// this way are returned for that substitution: a variable the query
/// assigns itself (`BIND` or a `SELECT` expression), one that only part of
/// the pattern binds (an `OPTIONAL`, a branch of a `UNION`) or that a filter
/// inside it reads, a grouped query, a blank node.
fn bind_in_pattern<'b>(
    query: &mut spargebra::Query,
    bindings: &'b [(String, Term)],
) -> Vec<&'b (String, Term)> {
    use spargebra::algebra::GraphPattern;
    use spargebra::term::GroundTerm;

    fn bind(p: &mut GraphPattern, var: &Variable, value: &GroundTerm) -> bool {
        match p {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::OrderBy { inner, .. }
            | GraphPattern::Filter { inner, .. } => bind(inner, var, value),
            // A subquery's variable is the query's only when it returns it.
            GraphPattern::Project { inner, variables } => {
                variables.contains(var) && bind(inner, var, value)
            }
            GraphPattern::Extend {
                inner, variable, ..
            } => variable != var && bind(inner, var, value),
            // A group key bound before grouping leaves that key's groups,
            // each whole: as substituting it would.
            GraphPattern::Group {
                inner, variables, ..
            } => variables.contains(var) && bind(inner, var, value),
            clause if !same_meaning(clause, var) => false,
            clause => {
                // Beside the part that binds the variable, where the plan
                // starts from it; a variable the clause never binds joins
                // the clause whole.
                if required(clause, var) {
                    values_beside(clause, var, value);
                } else {
                    join_values(clause, var, value);
                }
                true
            }
        }
    }

    // A join gives the binding the meaning substitution gives it when the
    // clause always binds the variable itself (a value it does not have
    // leaves no row either way), or never binds it; and when no filter or
    // BIND inside the clause reads it (that one would read it before the
    // join, unbound).
    fn same_meaning(clause: &GraphPattern, var: &Variable) -> bool {
        let mut in_scope = false;
        clause.on_in_scope_variable(|v| in_scope |= v == var);
        !reads(clause, var) && (!in_scope || required(clause, var))
    }

    fn join_values(p: &mut GraphPattern, var: &Variable, value: &GroundTerm) {
        let rest = std::mem::replace(
            p,
            GraphPattern::Bgp {
                patterns: Vec::new(),
            },
        );
        *p = GraphPattern::Join {
            left: Box::new(GraphPattern::Values {
                variables: vec![var.clone()],
                bindings: vec![vec![Some(value.clone())]],
            }),
            right: Box::new(rest),
        };
    }

    /// Joins the value to the innermost part of `p` that always binds
    /// `var` (which `p` does): the same solutions, since a join is
    /// associative and the rest of `p` meets the variable only as bound.
    fn values_beside(p: &mut GraphPattern, var: &Variable, value: &GroundTerm) {
        match p {
            GraphPattern::Join { left, right } => {
                if required(left, var) {
                    values_beside(left, var, value)
                } else {
                    values_beside(right, var, value)
                }
            }
            GraphPattern::LeftJoin { left, .. }
            | GraphPattern::Minus { left, .. }
            | GraphPattern::Lateral { left, .. } => values_beside(left, var, value),
            GraphPattern::Filter { inner, .. } | GraphPattern::Extend { inner, .. } => {
                values_beside(inner, var, value)
            }
            GraphPattern::Graph { inner, .. } if required(inner, var) => {
                values_beside(inner, var, value)
            }
            // Both sides bind it (else the union is not required to): each
            // side starts from the value, as the union of the joins is
            // the join of the union.
            GraphPattern::Union { left, right } => {
                values_beside(left, var, value);
                values_beside(right, var, value);
            }
            _ => join_values(p, var, value),
        }
    }

    /// Whether every solution of `p` binds `var`.
    fn required(p: &GraphPattern, var: &Variable) -> bool {
        use spargebra::term::{NamedNodePattern, TermPattern};
        let term = |t: &TermPattern| matches!(t, TermPattern::Variable(v) if v == var);
        match p {
            GraphPattern::Bgp { patterns } => patterns.iter().any(|t| {
                term(&t.subject)
                    || term(&t.object)
                    || matches!(&t.predicate, NamedNodePattern::Variable(v) if v == var)
            }),
            GraphPattern::Path {
                subject, object, ..
            } => term(subject) || term(object),
            GraphPattern::Join { left, right } => required(left, var) || required(right, var),
            GraphPattern::Union { left, right } => required(left, var) && required(right, var),
            GraphPattern::LeftJoin { left, .. }
            | GraphPattern::Minus { left, .. }
            | GraphPattern::Lateral { left, .. } => required(left, var),
            GraphPattern::Filter { inner, .. } | GraphPattern::Extend { inner, .. } => {
                required(inner, var)
            }
            GraphPattern::Graph { name, inner } => {
                matches!(name, NamedNodePattern::Variable(v) if v == var) || required(inner, var)
            }
            _ => false,
        }
    }

    /// Whether an expression anywhere in `p` names `var`.
    fn reads(p: &GraphPattern, var: &Variable) -> bool {
        let named = |text: String| {
            let token = format!("?{}", var.as_str());
            text.match_indices(&token).any(|(at, _)| {
                !text[at + token.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        };
        match p {
            GraphPattern::Filter { expr, inner } => named(expr.to_string()) || reads(inner, var),
            GraphPattern::Extend {
                inner, expression, ..
            } => named(expression.to_string()) || reads(inner, var),
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => {
                expression.as_ref().is_some_and(|e| named(e.to_string()))
                    || reads(left, var)
                    || reads(right, var)
            }
            GraphPattern::OrderBy { inner, expression } => {
                expression.iter().any(|e| named(e.to_string())) || reads(inner, var)
            }
            GraphPattern::Group {
                inner, aggregates, ..
            } => aggregates.iter().any(|(_, a)| named(a.to_string())) || reads(inner, var),
            GraphPattern::Join { left, right }
            | GraphPattern::Union { left, right }
            | GraphPattern::Minus { left, right }
            | GraphPattern::Lateral { left, right } => reads(left, var) || reads(right, var),
            GraphPattern::Graph { inner, .. }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::Service { inner, .. } => reads(inner, var),
            _ => false,
        }
    }

    let pattern = match query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. }
        | spargebra::Query::Ask { pattern, .. } => pattern,
    };
    bindings
        .iter()
        .filter(|binding| {
            let (name, term) = binding;
            let value = match term {
                Term::NamedNode(n) => GroundTerm::NamedNode(n.clone()),
                Term::Literal(l) => GroundTerm::Literal(l.clone()),
                _ => return true,
            };
            !bind(pattern, &Variable::new_unchecked(name), &value)
        })
        .collect()
}

/// The name under which an answer printed in `format` is kept beside the
/// kept solutions (for TSV, the kept solutions themselves, whose bytes are
/// that printing); none for RDF.
pub fn printed_name(format: Format) -> Option<&'static str> {
    match format {
        Format::Table => Some("txt"),
        Format::Results(f) | Format::Negotiated(f, _) => match f {
            QueryResultsFormat::Csv => Some("csv"),
            QueryResultsFormat::Json => Some("json"),
            QueryResultsFormat::Xml => Some("xml"),
            QueryResultsFormat::Tsv => Some("tsv"),
            _ => None,
        },
        Format::Rdf(_) => None,
    }
}

/// Prints a kept printing as it is.
fn copy_printed(path: &Path, mut bytes: KeptBytes, out: &mut dyn Write) -> Result<()> {
    use crate::store::answers::Copy;
    bytes.copy_to(out).map_err(|e| match e {
        Copy::Read(e) => Error::io(path, e),
        Copy::Write(e) => Error::Output(e),
    })?;
    out.flush().map_err(Error::Output)
}

/// Prints a kept answer's solutions, read from their TSV, as CSV.
fn reprint(path: &Path, bytes: KeptBytes, out: &mut dyn Write) -> Result<()> {
    use crate::read::reprint::{tsv_to_csv_beside, Bad};
    tsv_to_csv_beside(std::io::BufReader::with_capacity(1 << 16, bytes), out).map_err(|e| match e {
        Bad::Write(e) => Error::Output(e),
        Bad::Read(e) => Error::io(path, e),
        bad @ Bad::Line(..) => crate::store::answers::damaged(path, &bad),
    })
}

/// Prints solutions through a `Tee` into `printing`, which is then kept by
/// its rule; returns how long the answer took since `started`.
fn print_solutions(
    format: Format,
    variables: Vec<Variable>,
    solutions: impl Iterator<Item = Result<QuerySolution>>,
    out: &mut dyn Write,
    mut printing: Option<Printing>,
    started: std::time::Instant,
) -> Result<Duration> {
    write_solutions(
        format,
        variables,
        solutions,
        &mut Tee {
            out,
            copy: &mut printing,
        },
    )?;
    let took = started.elapsed();
    if let Some(p) = printing {
        p.finish(took);
    }
    Ok(took)
}

/// What is printed, and a copy of it being kept.
struct Tee<'a> {
    out: &'a mut dyn Write,
    copy: &'a mut Option<Printing>,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        if let Some(copy) = self.copy {
            copy.add(&buf[..n]);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes a SELECT query's solutions, evaluated or kept, in `format`.
pub(crate) fn write_solutions(
    format: Format,
    variables: Vec<Variable>,
    solutions: impl Iterator<Item = Result<QuerySolution>>,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Table => {
            let mut table = Vec::new();
            for s in solutions {
                let s = s?;
                table.push(
                    variables
                        .iter()
                        .map(|v| s.get(v).map(cell).unwrap_or_default())
                        .collect::<Vec<_>>(),
                );
            }
            let header: Vec<String> = variables.iter().map(|v| v.as_str().to_string()).collect();
            write_table(out, &header, &table).map_err(Error::Output)?;
        }
        // SPARQL 1.1 Query Results CSV: an IRI or a literal's lexical form,
        // quoted (RFC 4180) when it holds a comma, a quote or a line break.
        // IRIs are quoted too: a mention's IRI (`…#char=10,15`) holds a
        // comma, which Oxigraph's CSV writer leaves bare and so splits the
        // row.
        Format::Results(QueryResultsFormat::Csv)
        | Format::Negotiated(QueryResultsFormat::Csv, _) => {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
            let mut line = Vec::new();
            for (i, v) in variables.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                line.extend_from_slice(v.as_str().as_bytes());
            }
            line.extend_from_slice(b"\r\n");
            w.write_all(&line).map_err(Error::Output)?;
            for s in solutions {
                let s = s?;
                line.clear();
                for (i, v) in variables.iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    if let Some(term) = s.get(v) {
                        csv_field(&mut line, bare(term).as_bytes());
                    }
                }
                line.extend_from_slice(b"\r\n");
                w.write_all(&line).map_err(Error::Output)?;
            }
            w.flush().map_err(Error::Output)?;
        }
        Format::Results(format) | Format::Negotiated(format, _) => {
            let mut safe = XmlSafe::new(&mut *out, format == QueryResultsFormat::Xml);
            let mut w = QueryResultsSerializer::from_format(format)
                .serialize_solutions_to_writer(&mut safe, variables)
                .map_err(Error::Output)?;
            for s in solutions {
                w.serialize(&s?).map_err(Error::Output)?;
            }
            w.finish().map_err(Error::Output)?;
            safe.finish().map_err(Error::Output)?;
        }
        Format::Rdf(_) => return Err(wrong_format("SELECT", "table, csv, tsv, json or xml")),
    }
    Ok(())
}

fn wrong_format(kind: &str, allowed: &str) -> Error {
    Error::Usage {
        message: format!("a {kind} query cannot be printed in that format"),
        fix: format!("use --format {allowed}"),
    }
}

/// Turns the parser's message ("error at 3:12: expected …") into an error
/// with the query's origin, line and column.
fn syntax_error(origin: &str, query: &str, message: &str) -> Error {
    let mut err = InputError::new(
        Path::new(origin),
        format!("SPARQL syntax error: {message}"),
        "correct the query at the place shown (SPARQL 1.1 syntax)",
    );
    if let Some(rest) = message.strip_prefix("error at ") {
        let loc: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ':')
            .collect();
        let mut parts = loc.split(':').filter_map(|p| p.parse::<usize>().ok());
        if let (Some(line), Some(column)) = (parts.next(), parts.next()) {
            err.position = Some(Position { line, column });
            err.message = format!(
                "SPARQL syntax error: {}",
                rest[loc.len()..].trim_start_matches(':').trim()
            );
            if let Some(l) = query.lines().nth(line - 1) {
                err.message.push_str(&format!(
                    "\n  | {l}\n  | {}^",
                    " ".repeat(column.saturating_sub(1))
                ));
            }
        }
    }
    err.into()
}

/// A term as a table shows it: IRIs and literal values bare.
fn cell(term: &Term) -> String {
    bare(term).replace(['\n', '\r', '\t'], " ")
}

/// A term's text without syntax: an IRI, `_:` and a blank node's id, a
/// literal's lexical form.
fn bare(term: &Term) -> std::borrow::Cow<'_, str> {
    match term {
        Term::NamedNode(n) => n.as_str().into(),
        Term::BlankNode(b) => format!("_:{}", b.as_str()).into(),
        Term::Literal(l) => l.value().into(),
        #[allow(unreachable_patterns)]
        other => other.to_string().into(),
    }
}

/// Resolves `--graph` values: an absolute IRI, or a path under the base
/// IRI such as `doc/ID` or `graph/gazetteer`.
pub fn graph_iri(value: &str, base: &str) -> Result<NamedNode> {
    let iri = if value.contains("://") || value.starts_with("urn:") {
        value.trim_matches(['<', '>']).to_string()
    } else {
        format!("{base}{value}")
    };
    NamedNode::new(&iri).map_err(|e| Error::Usage {
        message: format!("--graph {value:?} is not an IRI: {e}"),
        fix: "give a graph IRI, or a path under the corpus base IRI such as doc/ID".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphName, Quad};

    fn store() -> Store {
        let store = Store::new().unwrap();
        let ex = |s: &str| NamedNode::new_unchecked(format!("http://ex.org/{s}"));
        let lit = |s: &str| Term::from(Literal::new_simple_literal(s));
        for (s, p, o) in [
            ("a", "id", lit("a")),
            ("b", "id", lit("b")),
            ("c", "id", lit("c")),
            ("a", "knows", ex("b").into()),
            ("b", "knows", ex("c").into()),
            ("a", "year", lit("1941")),
            ("b", "year", lit("1953")),
        ] {
            store
                .insert(&Quad::new(ex(s), ex(p), o, GraphName::DefaultGraph))
                .unwrap();
        }
        store
    }

    fn answer(query: &str, bindings: &[(&str, &str)], join: bool) -> String {
        let bindings: Vec<(String, Term)> = bindings
            .iter()
            .map(|(n, v)| parse_binding(&format!("{n}={v}")).unwrap())
            .collect();
        let mut parsed = spargebra::SparqlParser::new().parse_query(query).unwrap();
        let left: Vec<&(String, Term)> = if join {
            bind_in_pattern(&mut parsed, &bindings)
        } else {
            bindings.iter().collect()
        };
        let mut prepared = SparqlEvaluator::new().for_query(parsed);
        for (name, term) in left {
            prepared = prepared.substitute_variable(Variable::new_unchecked(name), term.clone());
        }
        let QueryResults::Solutions(solutions) = prepared.on_store(&store()).execute().unwrap()
        else {
            panic!("a SELECT")
        };
        let variables = solutions.variables().to_vec();
        let mut out = Vec::new();
        let solutions = solutions.map(|s| s.map_err(|e| Error::Query(e.to_string())));
        let format = Format::Results(QueryResultsFormat::Csv);
        write_solutions(format, variables, solutions, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_binding_joined_to_the_pattern_answers_as_substitution_does() {
        let p = "PREFIX : <http://ex.org/> ";
        for (query, bindings) in [
            (
                "SELECT ?who ?id WHERE { ?who :id ?id } ORDER BY ?who",
                &[("id", "b")][..],
            ),
            (
                "SELECT ?id ?friend WHERE { ?who :id ?id OPTIONAL { ?who :knows ?f . ?f :id ?friend } } ORDER BY ?id",
                &[("friend", "c")],
            ),
            // The range filter of the timeline: a bound end, an unbound one.
            (
                "SELECT ?id ?y ?from ?to WHERE { ?w :id ?id ; :year ?y
                   FILTER(STR(?y) >= COALESCE(STR(?from), \"\"))
                   FILTER(STR(?y) <= COALESCE(STR(?to), STR(?y))) } ORDER BY ?y",
                &[("from", "1950")],
            ),
            (
                "SELECT DISTINCT ?id ?label WHERE { ?w :id ?id BIND(CONCAT(\"x-\", ?id) AS ?label) } ORDER BY ?id LIMIT 5",
                &[("id", "a")],
            ),
            // Bound to nothing the pattern has: no answer.
            ("SELECT ?id WHERE { ?w :id ?id }", &[("id", "z")]),
            // A group key, also through a subquery that returns it.
            (
                "SELECT ?id (COUNT(*) AS ?n) WHERE { ?w :id ?id ; ?p ?o } GROUP BY ?id ORDER BY ?id",
                &[("id", "a")],
            ),
            (
                "SELECT ?id (GROUP_CONCAT(?o; separator=\"|\") AS ?all) WHERE { \
                 { SELECT ?id ?o WHERE { ?w :id ?id ; ?p ?o } ORDER BY ?o } } GROUP BY ?id",
                &[("id", "a")],
            ),
        ] {
            let query = format!("{p}{query}");
            assert_eq!(
                answer(&query, bindings, true),
                answer(&query, bindings, false),
                "{query}"
            );
        }
    }

    #[test]
    fn a_binding_the_query_assigns_itself_is_left_to_substitution() {
        let bindings = [(
            "label".to_string(),
            Term::from(Literal::new_simple_literal("x")),
        )];
        let mut assigned = spargebra::SparqlParser::new()
            .parse_query("SELECT ?label WHERE { ?s ?p ?o BIND(STR(?o) AS ?label) }")
            .unwrap();
        assert_eq!(bind_in_pattern(&mut assigned, &bindings).len(), 1);
        // A group key is planned with its value; an aggregate is not.
        let mut grouped = spargebra::SparqlParser::new()
            .parse_query("SELECT ?label (COUNT(*) AS ?n) WHERE { ?s ?p ?label } GROUP BY ?label")
            .unwrap();
        assert_eq!(bind_in_pattern(&mut grouped, &bindings).len(), 0);
        let mut aggregated = spargebra::SparqlParser::new()
            .parse_query("SELECT ?s (SAMPLE(?o) AS ?label) WHERE { ?s ?p ?o } GROUP BY ?s")
            .unwrap();
        assert_eq!(bind_in_pattern(&mut aggregated, &bindings).len(), 1);
        for query in [
            "SELECT ?label WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?label } }",
            "SELECT ?label WHERE { { ?s ?p ?label } UNION { ?s ?p ?o } }",
            "SELECT ?label WHERE { ?s ?p ?o { ?o ?q ?r FILTER(?r = ?label) } }",
        ] {
            let mut partial = spargebra::SparqlParser::new().parse_query(query).unwrap();
            assert_eq!(bind_in_pattern(&mut partial, &bindings).len(), 1, "{query}");
        }
        // The library's questions about one entity are planned with it.
        for (name, var) in [
            ("concordance", "entity"),
            ("profile", "entity"),
            ("timeline", "from"),
        ] {
            let text = library().into_iter().find(|q| q.name == name).unwrap().text;
            let mut q = spargebra::SparqlParser::new().parse_query(text).unwrap();
            let bound = [(
                var.to_string(),
                Term::from(Literal::new_simple_literal("x")),
            )];
            assert!(bind_in_pattern(&mut q, &bound).is_empty(), "{name}");
        }
        let mut plain = spargebra::SparqlParser::new()
            .parse_query("SELECT ?label WHERE { ?s ?p ?label }")
            .unwrap();
        let before = plain.to_string();
        assert!(bind_in_pattern(&mut plain, &bindings).is_empty());
        assert!(plain.to_string().contains("VALUES"), "{before} → {plain}");
    }
}
