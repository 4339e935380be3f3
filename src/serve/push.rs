//! `annalist push`: sends the store to a triplestore server over the SPARQL
//! 1.1 Graph Store HTTP Protocol, one PUT per named graph (each document's
//! graph, the gazetteer's, the corpus's), each graph's triples sorted as
//! `annalist export` writes them (N-Triples or Turtle).
//!
//! What was sent is recorded per target in the store directory
//! (`push/<hash of the URL>.tsv`: the URL, then one line per graph with the
//! hash of the bytes the server took), one line appended after each answer
//! that took it. A push sends only the graphs whose bytes differ from the
//! record (the documents changed since the last push), and deletes at the
//! target the graphs the record has and the store no longer does; a push
//! that fails (an unreachable server, an HTTP error, a timeout) keeps the
//! lines of what went through, so the next one resumes there.
//!
//! Invariants: the store is only read (from one generation, held against
//! removal while the push runs); a graph is recorded as sent only after
//! the server answered 2xx to its PUT; the library prints nothing, and
//! reports progress through a callback.

use crate::error::{Error, Result};
use crate::export::rdf::write_rdf;
use crate::store::StoreDir;
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedOrBlankNode;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

/// How to authenticate to the server.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    #[default]
    None,
    /// HTTP basic authentication.
    Basic { user: String, password: String },
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
}

/// A push's target and manners.
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// The Graph Store Protocol endpoint (`http://…/store`).
    pub url: String,
    pub auth: Auth,
    /// How long to wait for each answer.
    pub timeout: Duration,
    /// N-Triples or Turtle.
    pub format: RdfFormat,
    /// Send every graph, whatever was sent before.
    pub all: bool,
}

/// What the push is doing, for a progress display.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// The plan: how many graphs the store has, and how many PUTs and
    /// DELETEs it takes.
    Plan {
        graphs: usize,
        send: usize,
        delete: usize,
    },
    /// One graph went through (a PUT, or a DELETE when `deleted`).
    Done {
        graph: &'a str,
        bytes: usize,
        deleted: bool,
    },
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Named graphs in the store.
    pub graphs: usize,
    /// Graphs sent (PUT).
    pub sent: usize,
    /// Graphs the target already had as they are.
    pub unchanged: usize,
    /// Graphs deleted at the target.
    pub deleted: usize,
    /// Bytes sent.
    pub bytes: usize,
    /// The record of this target.
    pub record: PathBuf,
}

/// Sends the store in `dir` to `config.url`.
pub fn push(
    dir: &StoreDir,
    config: &PushConfig,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Summary> {
    let url = config.url.trim().to_string();
    check_url(&url)?;
    let reader = dir.open_reader()?;
    let store = &reader.store;
    let record_path = record_path(dir, &url);
    let mut record = if config.all {
        BTreeMap::new()
    } else {
        read_record(&record_path, &url)?
    };
    let storage = |e: oxigraph::store::StorageError| Error::storage(dir.path(), e);
    let mut graphs: Vec<String> = store
        .named_graphs()
        .filter_map(|g| match g {
            Ok(NamedOrBlankNode::NamedNode(n)) => Some(Ok(n.into_string())),
            Ok(_) => None,
            Err(e) => Some(Err(storage(e))),
        })
        .collect::<Result<_>>()?;
    graphs.sort();
    // What to send: each graph whose bytes differ from the record.
    let mut to_send = Vec::new();
    let mut summary = Summary {
        graphs: graphs.len(),
        record: record_path.clone(),
        ..Summary::default()
    };
    for g in &graphs {
        let body = graph_bytes(store, g, config.format, &reader.info.base_iri)?;
        let hash = blake3::hash(&body).to_hex().to_string();
        if record.get(g) == Some(&hash) {
            summary.unchanged += 1;
        } else {
            to_send.push((g.clone(), hash));
        }
    }
    let present: std::collections::BTreeSet<&String> = graphs.iter().collect();
    let to_delete: Vec<String> = record
        .iter()
        .filter(|(g, h)| *h != GONE && !present.contains(g))
        .map(|(g, _)| g.clone())
        .collect();
    progress(Progress::Plan {
        graphs: graphs.len(),
        send: to_send.len(),
        delete: to_delete.len(),
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(config.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut log = open_record(&record_path, &url, config.all)?;
    let content_type = match config.format {
        RdfFormat::Turtle => "text/turtle; charset=utf-8",
        _ => "application/n-triples",
    };
    for (g, hash) in &to_send {
        // Made again rather than kept: a store's graphs may not all fit in
        // memory at once.
        let body = graph_bytes(store, g, config.format, &reader.info.base_iri)?;
        let target = graph_url(&url, g);
        let request =
            authorize(agent.put(&target), &config.auth).header("Content-Type", content_type);
        let answer = request.send(&body[..]);
        check(answer, &url, &target, "PUT", config.timeout)?;
        append(&mut log, &record_path, g, hash)?;
        record.insert(g.clone(), hash.clone());
        summary.sent += 1;
        summary.bytes += body.len();
        progress(Progress::Done {
            graph: g,
            bytes: body.len(),
            deleted: false,
        });
    }
    for g in &to_delete {
        let target = graph_url(&url, g);
        let answer = authorize(agent.delete(&target), &config.auth).call();
        // A graph already gone is what was asked for.
        match answer {
            Ok(r) if r.status().as_u16() == 404 => {}
            other => check(other, &url, &target, "DELETE", config.timeout)?,
        }
        append(&mut log, &record_path, g, GONE)?;
        record.insert(g.clone(), GONE.to_string());
        summary.deleted += 1;
        progress(Progress::Done {
            graph: g,
            bytes: 0,
            deleted: true,
        });
    }
    drop(log);
    // The record, compacted: one line per graph the target holds.
    let mut text = header(&url);
    for (g, h) in record.iter().filter(|(_, h)| *h != GONE) {
        text.push_str(&format!("{g}\t{h}\n"));
    }
    let tmp = record_path.with_extension("tsv.tmp");
    fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, &record_path).map_err(|e| Error::io(&record_path, e))?;
    Ok(summary)
}

/// The mark of a graph deleted at the target.
const GONE: &str = "-";

/// The record of pushes to `url`: `push/` in the store directory, named by
/// the hash of the URL.
pub fn record_path(dir: &StoreDir, url: &str) -> PathBuf {
    let key = blake3::hash(url.trim().as_bytes()).to_hex();
    dir.path().join("push").join(format!("{}.tsv", &key[..16]))
}

fn header(url: &str) -> String {
    format!("# annalist push record: the graphs {url} took, and the hash of what it took\n")
}

/// Reads a record: the last line of each graph wins.
fn read_record(path: &PathBuf, url: &str) -> Result<BTreeMap<String, String>> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut lines = text.lines();
    if lines.next() != Some(header(url).trim_end()) {
        // Another URL with the same key, or a damaged record: start anew,
        // which only costs sending everything again.
        return Ok(BTreeMap::new());
    }
    Ok(lines
        .filter_map(|l| l.split_once('\t'))
        .filter(|(g, h)| !g.is_empty() && !h.is_empty())
        .map(|(g, h)| (g.to_string(), h.to_string()))
        .collect())
}

fn open_record(path: &PathBuf, url: &str, fresh: bool) -> Result<File> {
    let dir = path.parent().expect("a record lives in push/");
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let valid = !fresh
        && fs::read_to_string(path)
            .ok()
            .is_some_and(|t| t.lines().next() == Some(header(url).trim_end()));
    let mut f = OpenOptions::new()
        .create(true)
        .append(valid)
        .write(true)
        .truncate(!valid)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    if !valid {
        f.write_all(header(url).as_bytes())
            .map_err(|e| Error::io(path, e))?;
    }
    Ok(f)
}

fn append(log: &mut File, path: &PathBuf, graph: &str, hash: &str) -> Result<()> {
    log.write_all(format!("{graph}\t{hash}\n").as_bytes())
        .and_then(|()| log.flush())
        .map_err(|e| Error::io(path, e))
}

/// One graph's triples, sorted.
fn graph_bytes(
    store: &oxigraph::store::Store,
    graph: &str,
    format: RdfFormat,
    base: &str,
) -> Result<Vec<u8>> {
    let node = oxigraph::model::NamedNode::new_unchecked(graph);
    let mut body = Vec::new();
    write_rdf(store, format, Some(&node), base, &mut body)?;
    Ok(body)
}

fn check_url(url: &str) -> Result<()> {
    if url.starts_with("http://") && url.len() > "http://".len() {
        return Ok(());
    }
    let https = url.starts_with("https://");
    Err(Error::Usage {
        message: if https {
            format!("{url}: annalist speaks plain HTTP only (it carries no TLS library)")
        } else {
            format!("{url} is not an http:// URL")
        },
        fix: if https {
            "push to the server's http:// address on a trusted network, or through a local TLS tunnel (e.g. stunnel or ssh -L)".into()
        } else {
            "give the server's Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store"
                .into()
        },
    })
}

/// `url?graph=IRI` (or `&graph=` when the URL has a query already).
pub fn graph_url(url: &str, graph: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut out = format!("{url}{sep}graph=");
    for b in graph.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn authorize<B>(request: ureq::RequestBuilder<B>, auth: &Auth) -> ureq::RequestBuilder<B> {
    match auth {
        Auth::None => request,
        Auth::Basic { user, password } => request.header(
            "Authorization",
            format!("Basic {}", base64(format!("{user}:{password}").as_bytes())),
        ),
        Auth::Bearer(token) => request.header("Authorization", format!("Bearer {token}")),
    }
}

/// Turns an answer into success or an error that names the URL, the
/// status and what to do.
fn check(
    answer: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    url: &str,
    target: &str,
    method: &str,
    timeout: Duration,
) -> Result<()> {
    let remote = |status: Option<u16>, message: String, fix: &str| Error::Remote {
        url: target.to_string(),
        status,
        message,
        fix: format!("{fix}; then run the push again: it resumes where this one stopped"),
    };
    let mut response = match answer {
        Ok(r) => r,
        Err(ureq::Error::Timeout(_)) => {
            return Err(remote(
                None,
                format!("no answer within {} s", timeout.as_secs_f64()),
                "check that the server runs and is not overloaded, or raise --timeout",
            ))
        }
        Err(
            e @ (ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::Io(_)),
        ) => {
            return Err(remote(
                None,
                format!("cannot reach the server: {e}"),
                &format!("check that the server at {url} runs and the URL is right"),
            ))
        }
        Err(e) => {
            return Err(remote(
                None,
                format!("{method} failed: {e}"),
                "check the URL",
            ))
        }
    };
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        // Read the answer to the end so that the connection can be used
        // again.
        let _ = response.body_mut().as_reader().read_to_end(&mut Vec::new());
        return Ok(());
    }
    let mut text = String::new();
    let _ = response
        .body_mut()
        .as_reader()
        .take(4096)
        .read_to_string(&mut text);
    let said: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let said: String = said.chars().take(300).collect();
    let reason = response
        .status()
        .canonical_reason()
        .unwrap_or("error")
        .to_string();
    let message = if said.is_empty() {
        format!("{method} refused ({reason})")
    } else {
        format!("{method} refused ({reason}): {said}")
    };
    let fix = match status {
        401 => "the server did not accept the credentials: check --user and the password (ANNALIST_PUSH_PASSWORD) or the token (ANNALIST_PUSH_TOKEN)",
        403 => "the account may not write graphs there: grant it write access on the server (Virtuoso: SPARQL_UPDATE)",
        404 | 405 => "the URL is not the server's Graph Store Protocol endpoint (Oxigraph: /store, Virtuoso: /sparql-graph-crud, GraphDB: /repositories/REPO/rdf-graphs/service)",
        413 => "the server takes no request this large: raise its request size limit",
        415 => "the server does not read this syntax: try --format turtle",
        500..=599 => "the server failed: see its log",
        _ => "see the server's message",
    };
    Err(remote(Some(status), message, fix))
}

/// Standard base64, for the basic authentication header.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in cases {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
    }

    #[test]
    fn graph_iris_are_escaped_in_the_query_string() {
        assert_eq!(
            graph_url("http://h/store", "https://e.org/doc/a b?c&d"),
            "http://h/store?graph=https%3A%2F%2Fe.org%2Fdoc%2Fa%20b%3Fc%26d"
        );
        assert_eq!(
            graph_url("http://h/x?r=1", "urn:x"),
            "http://h/x?r=1&graph=urn%3Ax"
        );
    }
}
