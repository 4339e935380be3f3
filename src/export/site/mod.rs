//! The reading view: the corpus as a static website that opens from the
//! file system (`annalist export --format html -o SITE/`).
//!
//! [`read::Site::from_store`] reads documents, mentions, dates, entities and
//! claims out of the store, each document's graph once, and draws the
//! network from the same reading; [`pages`] writes one page per document and per
//! entity, the index (with paged lists), the claims-and-conflicts page and
//! the network (the picture of [`crate::export::network::svg`], nodes made links);
//! [`search`] writes the client-side search index in small script files.
//! The stylesheet and the two scripts are compiled in from `assets/`.
//!
//! Invariants: the site needs no server and no network (every style and
//! script is in it, scripts load by `<script>`, which file:// allows); the
//! same store gives byte-identical files (no clock, sorted maps, the parts
//! made on every core merged in their order); every
//! text from the store is escaped; the site is written aside and moved into
//! place whole, and a directory that is neither empty nor an earlier site
//! (marked by `.annalist-site`) is never replaced.

pub mod html;
pub mod pages;
pub mod read;
pub mod search;
pub mod text;

use crate::error::{Error, Result};
use crate::export::annotations::file_stem;
use crate::export::network::NetworkConfig;
use oxigraph::store::Store;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

const STYLE: &str = include_str!("assets/style.css");
const SEARCH_JS: &str = include_str!("assets/search.js");
const FILTER_JS: &str = include_str!("assets/filter.js");
/// The network page draws at most this many entities (the most mentioned)
/// and ties among them (the heaviest): a picture, and a page, that stay
/// readable at any size; the whole network is `export --format gexf`.
pub const NETWORK_NODES: usize = 300;
/// The ties the network page draws at most: see [`NETWORK_NODES`].
pub const NETWORK_EDGES: usize = 1500;
/// The file that marks a directory as a site annalist wrote.
pub const MARKER: &str = ".annalist-site";

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub documents: usize,
    pub entities: usize,
    pub files: usize,
    pub bytes: u64,
    /// The largest page (path under the site, bytes).
    pub largest: (String, u64),
}

/// Writes the site of the store into `dir`.
pub fn write(store: &Store, dir: &Path) -> Result<Summary> {
    check_target(dir)?;
    let (site, network) = read::Site::from_store(store, &NetworkConfig::default())?;
    let shown = network.strongest(NETWORK_NODES, NETWORK_EDGES);
    let mut svg = Vec::new();
    crate::export::network::svg::write_svg(&shown, &mut svg)?;
    let svg = String::from_utf8_lossy(&svg).into_owned();

    let tmp = aside(dir);
    if tmp.exists() {
        if !tmp.join(MARKER).exists() {
            return Err(Error::Usage {
                message: format!("{} is in the way", tmp.display()),
                fix: "remove it or choose another output directory".into(),
            });
        }
        std::fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    let mut out = Writer {
        root: tmp.clone(),
        summary: Summary {
            documents: site.documents.len(),
            entities: site.entities.len(),
            ..Summary::default()
        },
    };
    let part = Part {
        nodes: (shown.nodes.len(), network.nodes.len()),
        edges: (shown.edges.len(), network.edges.len()),
    };
    let result = write_all(&site, &svg, part, &mut out);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::rename(&tmp, dir).map_err(|e| Error::io(dir, e))?;
    Ok(out.summary)
}

/// Refuses a target that holds anything but an earlier site.
fn check_target(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    let in_the_way = || Error::Usage {
        message: format!(
            "{} exists and is not a site annalist wrote (it has no {MARKER})",
            dir.display()
        ),
        fix: "choose a new or empty directory for -o".into(),
    };
    if !dir.is_dir() {
        return Err(in_the_way());
    }
    let empty = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .next()
        .is_none();
    if empty || dir.join(MARKER).is_file() {
        Ok(())
    } else {
        Err(in_the_way())
    }
}

/// The sibling directory the site is written into first.
fn aside(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    dir.with_file_name(format!("{name}.annalist-tmp"))
}

struct Writer {
    root: PathBuf,
    summary: Summary,
}

impl Writer {
    fn new(root: PathBuf) -> Writer {
        Writer {
            root,
            summary: Summary::default(),
        }
    }

    /// Counts what another writer wrote after what this one wrote (the
    /// largest page stays the first of the largest, in that order).
    fn add(&mut self, other: Summary) {
        self.summary.files += other.files;
        self.summary.bytes += other.bytes;
        if other.largest.1 > self.summary.largest.1 {
            self.summary.largest = other.largest;
        }
    }

    fn file(&mut self, rel: &str, contents: &str) -> Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, contents).map_err(|e| Error::io(&path, e))?;
        let n = contents.len() as u64;
        self.summary.files += 1;
        self.summary.bytes += n;
        if rel.ends_with(".html") && n > self.summary.largest.1 {
            self.summary.largest = (rel.to_string(), n);
        }
        Ok(())
    }
}

/// Runs `work` on as many threads as there are cores, each over one
/// contiguous part of `0..n`; the answers come back in the parts' order,
/// so what is merged from them does not depend on the threads.
fn on_every_core<T: Send>(
    n: usize,
    work: impl Fn(std::ops::Range<usize>) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let per = n.div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..n.max(1))
            .step_by(per)
            .map(|start| scope.spawn(move || work(start..(start + per).min(n))))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// How much of the network the picture shows: (shown, whole) nodes and edges.
#[derive(Debug, Clone, Copy)]
pub struct Part {
    pub nodes: (usize, usize),
    pub edges: (usize, usize),
}

fn write_all(site: &read::Site, svg: &str, part: Part, out: &mut Writer) -> Result<()> {
    out.file(
        MARKER,
        "A reading view written by annalist export --format html.\n",
    )?;
    out.file("assets/style.css", STYLE)?;
    out.file("assets/search.js", SEARCH_JS)?;
    out.file("assets/filter.js", FILTER_JS)?;

    let mut taken = HashSet::new();
    let documents: Vec<String> = site
        .documents
        .iter()
        .map(|d| file_stem(&d.id, &mut taken))
        .collect();
    let mut taken = HashSet::new();
    let entities: Vec<String> = site
        .entities
        .iter()
        .map(|e| file_stem(&e.id, &mut taken))
        .collect();
    let names = pages::Names {
        documents,
        entities,
    };
    let ctx = pages::Ctx::new(site, &names);

    for (path, page) in ctx.index() {
        out.file(&path, &page)?;
    }
    out.file("claims.html", &ctx.claims())?;
    out.file("network.html", &ctx.network(svg, part))?;

    // Document pages on every core, gathering the contexts of mentions
    // for the entities; a block's contexts come back in document order.
    let root = out.root.clone();
    type Kwic = Vec<(usize, usize, String, String)>;
    let blocks = on_every_core(site.documents.len(), |range| {
        let mut w = Writer::new(root.clone());
        let mut kwic: Vec<Kwic> = vec![Vec::new(); site.entities.len()];
        for d in range {
            let page = ctx.document(d, &mut |e, d, k, left, right| {
                if kwic[e].len() < pages::KWIC_MAX {
                    kwic[e].push((d, k, left, right));
                }
            });
            w.file(&names.doc("", d), &page)?;
        }
        Ok((w.summary, kwic))
    })?;
    let mut kwic: Vec<Kwic> = vec![Vec::new(); site.entities.len()];
    for (summary, block) in blocks {
        out.add(summary);
        for (all, some) in kwic.iter_mut().zip(block) {
            let room = pages::KWIC_MAX - all.len();
            all.extend(some.into_iter().take(room));
        }
    }

    // Entities named in the same sentence.
    let mut pairs: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for doc in &site.documents {
        let mut by_sentence: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for m in &doc.mentions {
            if let Some(s) = m.sentence {
                by_sentence.entry(s).or_default().push(m.entity);
            }
        }
        for mut list in by_sentence.into_values() {
            list.sort_unstable();
            list.dedup();
            for (i, &a) in list.iter().enumerate() {
                for &b in &list[i + 1..] {
                    *pairs.entry((a, b)).or_default() += 1;
                }
            }
        }
    }
    let mut named_with: Vec<Vec<(usize, usize)>> = vec![Vec::new(); site.entities.len()];
    for ((a, b), n) in pairs {
        named_with[a].push((b, n));
        named_with[b].push((a, n));
    }
    for list in &mut named_with {
        list.sort_by(|x, y| {
            y.1.cmp(&x.1)
                .then_with(|| site.entities[x.0].label.cmp(&site.entities[y.0].label))
                .then(x.0.cmp(&y.0))
        });
    }
    let blocks = on_every_core(site.entities.len(), |range| {
        let mut w = Writer::new(root.clone());
        for e in range {
            let page = ctx.entity(e, &kwic[e], &named_with[e]);
            w.file(&names.entity("", e), &page)?;
        }
        Ok(w.summary)
    })?;
    for summary in blocks {
        out.add(summary);
    }

    // The search index.
    let mut index = search::Index::default();
    for (e, ent) in site.entities.iter().enumerate() {
        index.entity(e, &ent.label);
        for a in &ent.aliases {
            index.entity(e, a);
        }
    }
    let blocks = on_every_core(site.documents.len(), |range| {
        let mut part = search::Index::default();
        for d in range {
            let doc = &site.documents[d];
            part.document(d, &format!("{}\n{}", doc.title, doc.text));
        }
        Ok(part)
    })?;
    for part in blocks {
        index.append(part);
    }
    let entity_rows: Vec<(String, String, String)> = site
        .entities
        .iter()
        .enumerate()
        .map(|(e, ent)| (names.entity("", e), ent.label.clone(), ent.kind.to_string()))
        .collect();
    let document_rows: Vec<(String, String, String)> = site
        .documents
        .iter()
        .enumerate()
        .map(|(d, doc)| {
            (
                names.doc("", d),
                doc.title.clone(),
                doc.date.clone().unwrap_or_default(),
            )
        })
        .collect();
    for (path, contents) in index.files(&entity_rows, &document_rows) {
        out.file(&format!("search/{path}"), &contents)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_on_every_core_comes_back_in_the_parts_order() {
        for n in [0, 1, 2, 3, 7, 1000] {
            let parts = on_every_core(n, |range| Ok(range.collect::<Vec<_>>())).unwrap();
            let all: Vec<usize> = parts.into_iter().flatten().collect();
            assert_eq!(all, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn an_error_on_any_core_is_returned() {
        let result = on_every_core(100, |range| {
            if range.contains(&99) {
                Err(Error::Query("the last part failed".into()))
            } else {
                Ok(())
            }
        });
        assert!(matches!(result, Err(Error::Query(m)) if m == "the last part failed"));
    }
}
