//! `annalist serve`: a synchronous HTTP server for the corpus's services,
//! answering on a pool of threads: the SPARQL 1.1 Protocol (queries only),
//! the Graph Store Protocol's GET and the query library at `/sparql`,
//! `/store` and `/queries` ([`sparql`]), and the W3C Entity Reconciliation
//! API 0.2 at `/reconcile` ([`reconcile`]). Services mount in
//! [`Router::route`].
//!
//! Invariants: it binds where it is told (127.0.0.1 by default) and
//! nowhere else; every request gets an answer (a bad one a 4xx with a
//! message, never a dropped connection), with CORS headers so that a web
//! page from anywhere may read it; nothing it answers changes the store.
//! Each answer is computed from one immutable snapshot: the reconciliation
//! service's gazetteer taken at start, the store's generation current when
//! the request came (see [`sparql`]).

pub mod push;

pub mod reconcile;
pub mod sparql;

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::io::Read;

/// What a handler answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Further headers (CORS and `Content-Type` are added by the server).
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn json(value: &serde_json::Value) -> Response {
        Response::bytes(
            200,
            "application/json; charset=utf-8",
            serde_json::to_vec(value).unwrap_or_default(),
        )
    }

    pub fn html(body: String) -> Response {
        Response::bytes(200, "text/html; charset=utf-8", body.into_bytes())
    }

    pub fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
        Response {
            status,
            content_type,
            body,
            headers: Vec::new(),
        }
    }

    /// An error answer: a JSON object with the message.
    pub fn error(status: u16, message: &str) -> Response {
        Response::bytes(
            status,
            "application/json; charset=utf-8",
            serde_json::to_vec(&serde_json::json!({ "error": message })).unwrap_or_default(),
        )
    }

    /// An error answer in plain text, as SPARQL clients show it.
    pub fn text(status: u16, message: &str) -> Response {
        let mut body = message.to_string();
        body.push('\n');
        Response::bytes(status, "text/plain; charset=utf-8", body.into_bytes())
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// A request, decoded: method, path, and the parameters of the query
/// string and of a form body together (the body's win).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub params: BTreeMap<String, String>,
    /// Every parameter in order, repeated ones too (`named-graph-uri`).
    pub pairs: Vec<(String, String)>,
    /// `scheme://host` the client used, for URLs in answers.
    pub origin: String,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as sent (a form body is in `params` as well).
    pub body: Vec<u8>,
}

impl Request {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The media type of the body, without parameters, in lower case.
    pub fn content_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }
}

/// The services, by path.
pub struct Router {
    pub reconcile: reconcile::Service,
    pub sparql: Option<sparql::Service>,
}

impl Router {
    pub fn route(&self, req: &Request) -> Response {
        if req.method == "OPTIONS" {
            // A CORS preflight: say what a page may send.
            return Response::bytes(204, "text/plain; charset=utf-8", Vec::new())
                .with_header("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS")
                .with_header(
                    "Access-Control-Allow-Headers",
                    "Accept, Content-Type, Authorization",
                )
                .with_header("Access-Control-Max-Age", "86400");
        }
        if !matches!(req.method.as_str(), "GET" | "POST" | "HEAD") {
            return Response::error(
                405,
                "only GET, HEAD, POST and OPTIONS are answered: the server is read-only",
            )
            .with_header("Allow", "GET, HEAD, POST, OPTIONS");
        }
        match (req.path.as_str(), &self.sparql) {
            ("/", _) => Response::html(self.index(&req.origin)),
            (p, _) if p == "/reconcile" || p.starts_with("/reconcile/") => {
                self.reconcile.route(req)
            }
            (p, Some(s)) if p == "/sparql" || p == "/sparql/" => s.sparql(req),
            (p, Some(s)) if p == "/store" || p == "/store/" => s.graph_store(req),
            (p, Some(s)) if p == "/queries" || p.starts_with("/queries/") => s.library(req),
            _ => Response::error(
                404,
                "no such path: the services are /sparql, /store, /queries and /reconcile",
            ),
        }
    }

    fn index(&self, origin: &str) -> String {
        let o = crate::export::site::html::attr(origin);
        let mut items = String::new();
        if self.sparql.is_some() {
            items.push_str(&format!(
                "<li>SPARQL 1.1 query endpoint: <code>{o}/sparql</code></li>\
                 <li>Graph Store (read): <code>{o}/store?graph=IRI</code>, <code>{o}/store?default</code></li>\
                 <li>Query library: <code>{o}/queries</code>, <code>{o}/queries/NAME?param=value</code></li>"
            ));
        }
        items.push_str(&format!(
            "<li>Reconciliation service (W3C Entity Reconciliation API 0.2): <code>{o}/reconcile</code></li>"
        ));
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>annalist</title></head><body><ul>{items}</ul></body></html>"
        )
    }
}

/// Where to listen, and how.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind: String,
    pub port: u16,
    /// How many requests are answered at once.
    pub threads: usize,
}

/// Serves until the process is stopped. `ready` is called with the address
/// actually bound (the port may have been 0: any free port).
pub fn serve(config: &ServeConfig, router: &Router, ready: impl FnOnce(&str)) -> Result<()> {
    let addr = format!("{}:{}", config.bind, config.port);
    let server = tiny_http::Server::http(&addr).map_err(|e| {
        let in_use = e
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::AddrInUse);
        if in_use {
            Error::Usage {
                message: format!("port {} on {} is in use", config.port, config.bind),
                fix: "stop the program that holds it, or choose another port with --port".into(),
            }
        } else {
            Error::Usage {
                message: format!("cannot listen on {addr}: {e}"),
                fix: "check --bind (an address of this machine, e.g. 127.0.0.1) and --port".into(),
            }
        }
    })?;
    let bound = server
        .server_addr()
        .to_ip()
        .map_or(addr.clone(), |a| a.to_string());
    ready(&bound);
    std::thread::scope(|scope| {
        for i in 0..config.threads.max(1) {
            let (server, bound) = (&server, &bound);
            std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn_scoped(scope, move || {
                    while let Ok(request) = server.recv() {
                        answer(request, router, bound);
                    }
                })
                .expect("a server thread starts");
        }
    });
    Ok(())
}

/// Reads one request, routes it, and sends the answer.
fn answer(mut request: tiny_http::Request, router: &Router, bound: &str) {
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_string(),
            )
        })
        .collect();
    let mut req = Request {
        method: request.method().as_str().to_ascii_uppercase(),
        origin: format!(
            "http://{}",
            headers
                .iter()
                .find(|(k, _)| k == "host")
                .map_or(bound, |(_, v)| v.as_str())
        ),
        headers,
        ..Request::default()
    };
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    req.path = path.to_string();
    req.pairs = parse_pairs(query);
    let mut body = Vec::new();
    let too_big = request
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
        .map_or(true, |n| n as u64 > MAX_BODY);
    let response = if too_big {
        Response::error(413, "the request body is too large")
    } else {
        // A form body, or (as OpenRefine may send) a POST body with no
        // content type, holds parameters; any other body is itself the
        // content (a query sent as application/sparql-query).
        let form = match req.content_type() {
            Some(t) => t == "application/x-www-form-urlencoded",
            None => !body.is_empty() && req.method == "POST",
        };
        if form {
            req.pairs
                .extend(parse_pairs(&String::from_utf8_lossy(&body)));
        }
        req.params = req.pairs.iter().cloned().collect();
        req.body = body;
        router.route(&req)
    };
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).ok();
    let mut answer =
        tiny_http::Response::from_data(response.body).with_status_code(response.status);
    let fixed = [
        ("Content-Type", response.content_type.to_string()),
        ("Access-Control-Allow-Origin", "*".to_string()),
    ];
    for (k, v) in fixed
        .iter()
        .map(|(k, v)| (*k, v.clone()))
        .chain(response.headers)
    {
        if let Some(h) = header(k, &v) {
            answer.add_header(h);
        }
    }
    // A client that went away is no error of the server's.
    let _ = request.respond(answer);
}

/// The largest request body read (a batch of queries from OpenRefine is
/// well under this).
const MAX_BODY: u64 = 16 << 20;

/// Decodes `a=b&c=d` with percent-escapes and `+` for space.
pub fn parse_form(s: &str) -> BTreeMap<String, String> {
    parse_pairs(s).into_iter().collect()
}

/// Decodes `a=b&c=d` into its pairs, in order, repeated names too.
pub fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode() {
        let f = parse_form("queries=%7B%22q0%22%3A1%7D&x=a+b&bad=%zz&end=%4");
        assert_eq!(f["queries"], "{\"q0\":1}");
        assert_eq!(f["x"], "a b");
        assert_eq!(f["bad"], "%zz");
        assert_eq!(f["end"], "%4");
    }
}
