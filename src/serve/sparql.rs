//! The store over HTTP, read-only: the SPARQL 1.1 Protocol's query
//! operation at `/sparql` (GET, POST as a form or as
//! `application/sparql-query`), the SPARQL 1.1 Graph Store HTTP Protocol's
//! GET at `/store` (`?graph=IRI`, or `?default` for the union of all
//! graphs, as a query's default graph is), and the query library at
//! `/queries/NAME` with its parameters as query-string bindings.
//!
//! Results come in the format the client's `Accept` header asks for (W3C
//! SPARQL results in JSON, XML, CSV or TSV; CONSTRUCT, DESCRIBE and graphs
//! in Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads or TriG); a `format`
//! parameter overrides it. A query that runs past the time limit is
//! cancelled and answered 503; an update is refused with 403; a query that
//! does not parse gets 400 with the parser's message.
//!
//! Invariants: nothing here writes to the store. Each request is answered
//! from one generation of the store, the one current when the request
//! came: a build that commits a new generation is seen by the next
//! request, while requests still running keep theirs, which no build
//! removes before they let it go ([`crate::store::Reader`]).

use super::{Request, Response};
use crate::error::Error;
use crate::export::rdf::write_rdf;
use crate::read::query::{self, Dataset, Format, Outcome, QueryConfig};
use crate::store::answers::{Answers, Keep};
use crate::store::{Reader, StoreDir};
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNode;
use oxigraph::sparql::results::QueryResultsFormat;
use oxigraph::sparql::SparqlEvaluator;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A query the server offers by name.
#[derive(Debug, Clone)]
pub struct NamedQuery {
    pub name: String,
    /// `library` or `corpus`.
    pub from: String,
    pub text: String,
}

/// The store's HTTP services.
pub struct Service {
    dir: StoreDir,
    current: Mutex<Option<Arc<Reader>>>,
    timeout: Duration,
    queries: Vec<NamedQuery>,
}

/// The results formats, by media type, the first the default.
const RESULTS: [(&str, QueryResultsFormat); 7] = [
    ("application/sparql-results+json", QueryResultsFormat::Json),
    ("application/json", QueryResultsFormat::Json),
    ("application/sparql-results+xml", QueryResultsFormat::Xml),
    ("application/xml", QueryResultsFormat::Xml),
    ("text/xml", QueryResultsFormat::Xml),
    ("text/csv", QueryResultsFormat::Csv),
    ("text/tab-separated-values", QueryResultsFormat::Tsv),
];

/// The RDF syntaxes, by media type, the first the default.
const GRAPHS: [(&str, &str); 10] = [
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("text/plain", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
    ("application/ld+json", "jsonld"),
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
    ("application/xml", "rdfxml"),
    ("text/xml", "rdfxml"),
];

impl Service {
    /// `queries`: the library and the corpus's own, served at
    /// `/queries/NAME`; `timeout`: the time limit of each query.
    pub fn new(dir: StoreDir, timeout: Duration, queries: Vec<NamedQuery>) -> Service {
        Service {
            dir,
            current: Mutex::new(None),
            timeout,
            queries,
        }
    }

    /// The generation to answer from: the one `CURRENT` names now, opened
    /// once and shared while it stays current.
    pub fn reader(&self) -> crate::Result<Arc<Reader>> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let now = self.dir.current_generation();
        if let Some(r) = current.as_ref() {
            if Some(&r.lease.name) == now.as_ref() {
                return Ok(r.clone());
            }
        }
        match self.dir.open_reader() {
            Ok(r) => {
                let r = Arc::new(r);
                *current = Some(r.clone());
                Ok(r)
            }
            // The new generation does not open (yet): keep answering from
            // the one held.
            Err(e) => current.clone().ok_or(e),
        }
    }

    /// `/sparql`: the SPARQL 1.1 Protocol's query operation.
    pub fn sparql(&self, req: &Request) -> Response {
        let content_type = req.content_type();
        if req.params.contains_key("update")
            || content_type.as_deref() == Some("application/sparql-update")
        {
            return refuse_update();
        }
        let text = if req.method == "POST"
            && content_type.as_deref() == Some("application/sparql-query")
        {
            match String::from_utf8(req.body.clone()) {
                Ok(t) => t,
                Err(_) => return Response::text(400, "the query is not UTF-8"),
            }
        } else {
            match req.params.get("query") {
                Some(q) => q.clone(),
                None if req.method == "GET" && req.pairs.is_empty() => {
                    return Response::html(self.form(&req.origin))
                }
                None => {
                    return Response::text(
                        400,
                        "no query: send it as the `query` parameter (GET or a form POST) or as an application/sparql-query body",
                    )
                }
            }
        };
        let mut dataset = Dataset::default();
        for (k, v) in &req.pairs {
            let list = match k.as_str() {
                "default-graph-uri" => &mut dataset.default_graphs,
                "named-graph-uri" => &mut dataset.named_graphs,
                _ => continue,
            };
            match NamedNode::new(v.trim()) {
                Ok(n) => list.push(n),
                Err(e) => return Response::text(400, &format!("{k} {v:?} is not an IRI: {e}")),
            }
        }
        let dataset = (!dataset.default_graphs.is_empty() || !dataset.named_graphs.is_empty())
            .then_some(dataset);
        self.run(req, "query", &text, Vec::new(), dataset)
    }

    /// `/queries` (the list) and `/queries/NAME?param=value…`.
    pub fn library(&self, req: &Request) -> Response {
        let name = req.path.trim_start_matches("/queries").trim_matches('/');
        if name.is_empty() {
            let list: Vec<serde_json::Value> = self
                .queries
                .iter()
                .map(|q| {
                    serde_json::json!({
                        "name": q.name,
                        "from": q.from,
                        "answers": query::purpose(&q.text),
                        "url": format!("{}/queries/{}", req.origin, q.name),
                    })
                })
                .collect();
            return Response::json(&serde_json::Value::Array(list));
        }
        let name = super::parse_form(&format!("n={name}"))
            .remove("n")
            .unwrap_or_default();
        let Some(q) = self.queries.iter().find(|q| q.name == name) else {
            return Response::text(
                404,
                &format!("no query named {name:?}: /queries lists them"),
            );
        };
        let mut bindings = Vec::new();
        for (k, v) in &req.pairs {
            if k == "format" {
                continue;
            }
            match query::parse_binding(&format!("{k}={v}")) {
                Ok(b) => bindings.push(b),
                Err(e) => return Response::text(400, &e.to_string()),
            }
        }
        let origin = if q.from == "library" {
            format!("queries/{}.rq", q.name)
        } else {
            format!("corpus queries/{}.rq", q.name)
        };
        self.run(req, &origin, &q.text, bindings, None)
    }

    /// Runs a query and answers with its results.
    fn run(
        &self,
        req: &Request,
        origin: &str,
        text: &str,
        bindings: Vec<(String, oxigraph::model::Term)>,
        dataset: Option<Dataset>,
    ) -> Response {
        let (format, media) = match negotiate_query(req) {
            Ok(f) => f,
            Err(r) => return r,
        };
        let reader = match self.reader() {
            Ok(r) => r,
            Err(e) => return unavailable(&e),
        };
        let config = QueryConfig {
            origin: origin.to_string(),
            bindings,
            timeout: Some(self.timeout),
            format: Some(format),
            table_by_default: false,
            base_iri: reader.info.base_iri.clone(),
            dataset,
            // Answers `annalist query` or `build --answers` kept are read;
            // a client's questions are not kept, so that clients cannot
            // fill the disk.
            answers: Some(Answers::of(&reader.lease.path, true, Keep::Never)),
        };
        let mut body = Vec::new();
        match query::run(&reader.store, text, &config, &mut body) {
            Ok(outcome) => {
                let content_type = match outcome {
                    Outcome::Triples(_) => media.1,
                    Outcome::Solutions | Outcome::Boolean(_) => media.0,
                };
                Response::bytes(200, content_type, body).with_header("Vary", "Accept")
            }
            Err(Error::Input(e)) => {
                if SparqlEvaluator::new().parse_update(text).is_ok() {
                    return refuse_update();
                }
                Response::text(400, &e.to_string())
            }
            Err(e @ Error::Usage { .. }) => Response::text(400, &e.to_string()),
            Err(e @ Error::Timeout { .. }) => Response::text(
                503,
                &format!("{e}: make the query more selective (the server's limit is set with `annalist serve --timeout`)"),
            ),
            Err(e) => Response::text(500, &e.to_string()),
        }
    }

    /// `/store?graph=IRI` or `/store?default`: the Graph Store Protocol's
    /// GET (and HEAD).
    pub fn graph_store(&self, req: &Request) -> Response {
        if req.method == "POST" {
            return Response::text(
                405,
                "the graph store is read-only here: GET or HEAD a graph; `annalist push` sends the store to a server that takes changes",
            )
            .with_header("Allow", "GET, HEAD, OPTIONS");
        }
        let graph = match (req.params.get("graph"), req.params.contains_key("default")) {
            (Some(g), false) => match NamedNode::new(g.trim()) {
                Ok(n) => Some(n),
                Err(e) => return Response::text(400, &format!("graph {g:?} is not an IRI: {e}")),
            },
            (None, true) => None,
            _ => {
                return Response::text(
                    400,
                    "name one graph: ?graph=IRI, or ?default for the default graph (the union of all graphs); /sparql with the `graphs` query lists them",
                )
            }
        };
        let (name, media) = match req.params.get("format") {
            Some(f) => match GRAPHS.iter().find(|(_, n)| *n == f.as_str()) {
                Some((m, n)) => (*n, *m),
                None => return Response::text(400, &format!("unknown format {f:?}: use turtle, ntriples, rdfxml, jsonld, nquads or trig")),
            },
            None => match negotiate(req.header("accept"), &GRAPHS) {
                Some((m, n)) => (n, m),
                None => return not_acceptable(&GRAPHS.map(|(m, _)| m)),
            },
        };
        let format = query::rdf_format(name).expect("a known syntax");
        let format = if graph.is_none() && format.supports_datasets() {
            // The default graph is one graph: its quads carry no name.
            RdfFormat::NTriples
        } else {
            format
        };
        let media = if format == RdfFormat::NTriples && graph.is_none() && name != "ntriples" {
            "application/n-triples"
        } else {
            media
        };
        let reader = match self.reader() {
            Ok(r) => r,
            Err(e) => return unavailable(&e),
        };
        let mut body = Vec::new();
        match write_rdf(
            &reader.store,
            format,
            graph.as_ref(),
            &reader.info.base_iri,
            &mut body,
        ) {
            Ok(_) => Response::bytes(200, media, body).with_header("Vary", "Accept"),
            Err(Error::Usage { message, .. }) => Response::text(404, &message),
            Err(e) => Response::text(500, &e.to_string()),
        }
    }

    /// A small page to type a query into, for a browser that opens /sparql.
    fn form(&self, origin: &str) -> String {
        let o = crate::export::site::html::attr(origin);
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>annalist SPARQL</title></head><body>\
             <form action=\"{o}/sparql\" method=\"post\"><textarea name=\"query\" rows=\"12\" cols=\"80\">SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10</textarea><br>\
             <button>Run</button></form></body></html>"
        )
    }
}

/// The format to answer a query in, from `format` or `Accept`, and the
/// media types of its two branches (results, graph).
fn negotiate_query(
    req: &Request,
) -> std::result::Result<(Format, (&'static str, &'static str)), Response> {
    if let Some(f) = req.params.get("format") {
        let results = RESULTS
            .iter()
            .find(|(_, r)| Format::from_name(f) == Some(Format::Results(*r)));
        let graph = GRAPHS.iter().find(|(_, n)| *n == f.as_str());
        return match (results, graph) {
            (Some(&(m, r)), _) => Ok((
                Format::Negotiated(r, RdfFormat::Turtle),
                (m, GRAPHS[0].0),
            )),
            (None, Some(&(m, n))) => Ok((
                Format::Negotiated(
                    QueryResultsFormat::Json,
                    query::rdf_format(n).expect("a known syntax"),
                ),
                (RESULTS[0].0, m),
            )),
            _ => Err(Response::text(
                400,
                &format!("unknown format {f:?}: use json, xml, csv or tsv; turtle, ntriples, rdfxml, jsonld, nquads or trig"),
            )),
        };
    }
    let accept = req.header("accept");
    // A client that accepts only one kind gets the default of the other
    // for a query of the other form, as most servers do.
    let (rm, r) = negotiate(accept, &RESULTS).unwrap_or(RESULTS[0]);
    let (gm, g) = negotiate(accept, &GRAPHS).unwrap_or(GRAPHS[0]);
    Ok((
        Format::Negotiated(r, query::rdf_format(g).expect("a known syntax")),
        (rm, gm),
    ))
}

/// The offer the `Accept` header likes best: highest q, then the most
/// specific range, then the header's order; a missing header takes the
/// first offer.
fn negotiate<T: Copy>(
    accept: Option<&str>,
    offers: &[(&'static str, T)],
) -> Option<(&'static str, T)> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return offers.first().copied();
    };
    let mut ranges: Vec<(f32, u8, usize, String)> = Vec::new();
    for (i, part) in accept.split(',').enumerate() {
        let mut bits = part.split(';');
        let range = bits.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = bits
            .filter_map(|b| b.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 || range.is_empty() {
            continue;
        }
        let specific = if range == "*/*" {
            0
        } else if range.ends_with("/*") {
            1
        } else {
            2
        };
        ranges.push((q, specific, i, range));
    }
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for (_, _, _, range) in &ranges {
        let hit = offers.iter().find(|(m, _)| {
            range == "*/*"
                || range == m
                || range
                    .strip_suffix("/*")
                    .is_some_and(|t| m.split('/').next() == Some(t))
        });
        if let Some(h) = hit {
            return Some(*h);
        }
    }
    None
}

fn refuse_update() -> Response {
    Response::text(
        403,
        "SPARQL Update is refused: this endpoint is read-only; change the corpus and run `annalist build`",
    )
}

fn unavailable(e: &Error) -> Response {
    let fix = e.fix().map(|f| format!(" ({f})")).unwrap_or_default();
    Response::text(503, &format!("the store cannot be read: {e}{fix}"))
}

fn not_acceptable(offers: &[&str]) -> Response {
    Response::text(
        406,
        &format!(
            "none of the formats asked for is available: {}",
            offers.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_choose_by_quality_then_specificity() {
        let pick = |a: Option<&str>| negotiate(a, &RESULTS).map(|(m, _)| m);
        assert_eq!(pick(None), Some("application/sparql-results+json"));
        assert_eq!(
            pick(Some("text/csv;q=0.5, application/sparql-results+xml")),
            Some("application/sparql-results+xml")
        );
        assert_eq!(
            pick(Some("*/*;q=0.1, text/tab-separated-values")),
            Some("text/tab-separated-values")
        );
        assert_eq!(pick(Some("text/*")), Some("text/xml"));
        assert_eq!(pick(Some("image/png")), None);
        assert_eq!(pick(Some("text/csv;q=0")), None);
    }
}
