//! `annalist serve`: a small synchronous HTTP server for the corpus's
//! services. Today: the W3C Entity Reconciliation API 0.2 at `/reconcile`
//! ([`reconcile`]); more services mount beside it in [`Router::route`].
//!
//! Invariants: it binds where it is told (127.0.0.1 by default) and
//! nowhere else; every request gets an answer (a bad one a 4xx with a
//! message, never a dropped connection); answers are computed from an
//! immutable snapshot of the corpus taken at start, so the same request
//! gets the same bytes.

pub mod reconcile;

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::io::Read;

/// What a handler answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(value: &serde_json::Value) -> Response {
        Response {
            status: 200,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub fn html(body: String) -> Response {
        Response {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
        }
    }

    /// An error answer: a JSON object with the message.
    pub fn error(status: u16, message: &str) -> Response {
        Response {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(&serde_json::json!({ "error": message })).unwrap_or_default(),
        }
    }
}

/// A request, decoded: method, path, and the parameters of the query
/// string and of a form body together (the body's win).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub params: BTreeMap<String, String>,
    /// `scheme://host` the client used, for URLs in answers.
    pub origin: String,
}

/// The services, by path.
pub struct Router {
    pub reconcile: reconcile::Service,
}

impl Router {
    pub fn route(&self, req: &Request) -> Response {
        if req.method != "GET" && req.method != "POST" {
            return Response::error(405, "only GET and POST are answered");
        }
        match req.path.as_str() {
            "/" => Response::html(format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>annalist</title></head><body><p>Reconciliation service (W3C Entity Reconciliation API 0.2): <code>{}/reconcile</code></p></body></html>",
                crate::site::html::attr(&req.origin)
            )),
            p if p == "/reconcile" || p.starts_with("/reconcile/") => self.reconcile.route(req),
            _ => Response::error(404, "no such path: the reconciliation service is at /reconcile"),
        }
    }
}

/// Where to listen.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub bind: String,
    pub port: u16,
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
    for mut request in server.incoming_requests() {
        let mut req = Request {
            method: request.method().as_str().to_ascii_uppercase(),
            origin: format!(
                "http://{}",
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Host"))
                    .map_or(bound.clone(), |h| h.value.as_str().to_string())
            ),
            ..Request::default()
        };
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        req.path = path.to_string();
        req.params = parse_form(query);
        let mut body = Vec::new();
        let too_big = request
            .as_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut body)
            .map_or(true, |n| n as u64 > MAX_BODY);
        let response = if too_big {
            Response::error(413, "the request body is too large")
        } else {
            let form = request.headers().iter().any(|h| {
                h.field.equiv("Content-Type")
                    && h.value
                        .as_str()
                        .starts_with("application/x-www-form-urlencoded")
            });
            if form || (!body.is_empty() && req.method == "POST") {
                req.params
                    .extend(parse_form(&String::from_utf8_lossy(&body)));
            }
            router.route(&req)
        };
        let header = |k: &str, v: &str| {
            tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("a valid header")
        };
        let answer = tiny_http::Response::from_data(response.body)
            .with_status_code(response.status)
            .with_header(header("Content-Type", response.content_type))
            .with_header(header("Access-Control-Allow-Origin", "*"));
        // A client that went away is no error of the server's.
        let _ = request.respond(answer);
    }
    Ok(())
}

/// The largest request body read (a batch of queries from OpenRefine is
/// well under this).
const MAX_BODY: u64 = 16 << 20;

/// Decodes `a=b&c=d` with percent-escapes and `+` for space.
pub fn parse_form(s: &str) -> BTreeMap<String, String> {
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
