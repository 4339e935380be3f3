//! Sharded builds: one slice of the corpus, tagged and described, written
//! as gzip'd N-Quads instead of loaded into a store, so that many machines
//! (a Slurm array job, GNU parallel) share a large archive and a triplestore
//! loads the pieces.
//!
//! A corpus file belongs to shard `K` of `N` when the BLAKE3 hash of its
//! corpus-relative path, read as a little-endian 64-bit number, is `K - 1`
//! modulo `N`: the slicing depends on nothing but the path and `N`, so it is
//! the same on every machine, whatever the order of the manifest and
//! whichever other files are added or removed. The quads that belong to no
//! file (the ontology, the corpus's own description, the gazetteer) are
//! written by shard 1 only.
//!
//! The summary graph of counts ([`crate::store::summary`]) needs every
//! shard, so no shard holds it: shard 1 writes the SPARQL Update that makes
//! it (`summary.ru`), to be run on the store the shards are loaded into
//! (`scripts/cluster.sh` does).
//!
//! Invariants: the union of shards 1..=N holds exactly the quads a full
//! build loads into its store, the summary graph aside; the same corpus gives the same bytes for
//! each shard (files in corpus order, each file's quads in the order the
//! graph stage makes them, gzip without a time or name); a shard file
//! appears only complete (written aside, then renamed).

use crate::annotate::{Annotator, Sources};
use crate::error::{Error, Result};
use crate::input::corpus::Corpus;
use crate::pipeline::{self, BuildConfig};
use crate::rdf::quads::{self, Iris};
use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::Quad;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

/// Slice `k` of `n` (1 ≤ k ≤ n).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    k: u32,
    n: u32,
}

impl Shard {
    /// The whole corpus: shard 1 of 1.
    pub const WHOLE: Shard = Shard { k: 1, n: 1 };

    /// Shard `k` of `n`, or why not.
    pub fn new(k: u32, n: u32) -> std::result::Result<Shard, String> {
        if n == 0 {
            return Err("the number of shards N must be at least 1".into());
        }
        if k == 0 || k > n {
            return Err(format!(
                "the shard K must be between 1 and N = {n}, not {k}"
            ));
        }
        Ok(Shard { k, n })
    }

    pub fn k(&self) -> u32 {
        self.k
    }

    pub fn n(&self) -> u32 {
        self.n
    }

    /// Whether the file at corpus-relative `path` belongs to this shard.
    pub fn holds(&self, path: &str) -> bool {
        let hash = blake3::hash(path.as_bytes());
        let bytes: [u8; 8] = hash.as_bytes()[..8].try_into().expect("8 bytes");
        u64::from_le_bytes(bytes) % u64::from(self.n) == u64::from(self.k - 1)
    }

    /// Whether this shard carries the quads that belong to no file.
    pub fn holds_head(&self) -> bool {
        self.k == 1
    }

    /// The name of this shard's file: `shard-K-of-N.nq.gz`.
    pub fn file_name(&self) -> String {
        format!("shard-{}-of-{}.nq.gz", self.k, self.n)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let fix = "write K/N, e.g. --shard 2/8 for the second of eight shards";
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not K/N; {fix}"))?;
        let number = |part: &str, what: &str| {
            part.trim()
                .parse::<u32>()
                .map_err(|_| format!("{what} {part:?} in {s:?} is not a whole number; {fix}"))
        };
        let (k, n) = (number(k, "K")?, number(n, "N")?);
        Shard::new(k, n).map_err(|e| format!("{e}; {fix}"))
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// What a sharded build wrote.
#[derive(Debug, Clone)]
pub struct EmitSummary {
    pub shard: Shard,
    pub path: PathBuf,
    /// Files of this shard, and of the whole corpus.
    pub files: usize,
    pub corpus_files: usize,
    pub documents: usize,
    pub quads: usize,
    pub elapsed: Duration,
    /// Things the user should look at; the shard was still written.
    pub warnings: Vec<String>,
}

impl std::fmt::Display for EmitSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Wrote {} (shard {}): {} of {} file{}, {} documents, {} quads{} in {:.2} s.",
            self.path.display(),
            self.shard,
            self.files,
            self.corpus_files,
            if self.corpus_files == 1 { "" } else { "s" },
            self.documents,
            self.quads,
            if self.shard.holds_head() {
                " (with the ontology, corpus and gazetteer)"
            } else {
                ""
            },
            self.elapsed.as_secs_f64()
        )
    }
}

/// The corpus files of `shard`, as indexes in corpus order.
pub fn files_of(corpus: &Corpus, shard: Shard) -> Vec<usize> {
    (0..corpus.files.len())
        .filter(|&i| shard.holds(&corpus.files[i].path))
        .collect()
}

/// The SPARQL Update shard 1 writes beside its quads: run on the store the
/// shards are loaded into, it makes the summary graph a full build keeps.
pub const SUMMARY_UPDATE: &str = "summary.ru";

/// Tags and describes the files of `shard` and writes their quads (and,
/// for shard 1, the ontology, corpus and gazetteer quads) to
/// `DIR/shard-K-of-N.nq.gz`; shard 1 also writes `DIR/summary.ru`
/// ([`SUMMARY_UPDATE`]). The store is neither read nor written.
pub fn emit_nquads(config: &BuildConfig, shard: Shard, dir: &Path) -> Result<EmitSummary> {
    let started = Instant::now();
    let corpus = config.load_corpus()?;
    let pipeline::Inputs {
        gazetteer,
        relations,
        overrides,
    } = pipeline::load_inputs(&corpus)?;
    let iris = Iris::new(&corpus.base_iri);
    let annotator = Annotator::new(&gazetteer);
    let mut warnings = pipeline::corpus_warnings(&corpus);
    warnings.extend(gazetteer.warnings(&corpus.gazetteer_path));
    warnings.extend(pipeline::shared_name_warnings(
        &annotator.tagger,
        &gazetteer,
    ));
    let files = files_of(&corpus, shard);

    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(shard.file_name());
    let aside = dir.join(format!(
        ".{}.{}.part",
        shard.file_name(),
        std::process::id()
    ));
    let sources = Sources {
        corpus: &corpus,
        gazetteer: &gazetteer,
        relations: &relations,
        overrides: &overrides,
    };
    let written = (|| -> Result<(usize, usize)> {
        let file = File::create(&aside).map_err(|e| Error::io(&aside, e))?;
        // No name and no time in the gzip header: the same bytes every time.
        let gz = GzBuilder::new().write(BufWriter::new(file), Compression::default());
        // The serializer writes a term at a time: the encoder gets large
        // writes (each small one would cost it a pass over its buffer).
        let mut out = NQuads::new(BufWriter::with_capacity(1 << 16, gz), &aside);
        if shard.holds_head() {
            for q in quads::ontology_quads()?
                .into_iter()
                .chain(quads::corpus_head_quads(&corpus, &iris))
                .chain(quads::gazetteer_quads(&gazetteer, &iris))
            {
                out.quad(&q)?;
            }
        }
        let documents = describe_in_order(&sources, &annotator, &iris, &files, &mut out)?;
        let quads = out.quads;
        let file = out.finish()?;
        file.sync_all().map_err(|e| Error::io(&aside, e))?;
        Ok((documents, quads))
    })();
    let (documents, quads) = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&aside);
            return Err(e);
        }
    };
    std::fs::rename(&aside, &path).map_err(|e| Error::io(&path, e))?;
    if shard.holds_head() {
        let request = dir.join(SUMMARY_UPDATE);
        let aside = dir.join(format!(".{SUMMARY_UPDATE}.{}.part", std::process::id()));
        std::fs::write(&aside, crate::store::summary::update_request(&iris))
            .map_err(|e| Error::io(&aside, e))?;
        std::fs::rename(&aside, &request).map_err(|e| Error::io(&request, e))?;
    }
    Ok(EmitSummary {
        shard,
        path,
        files: files.len(),
        corpus_files: corpus.files.len(),
        documents,
        quads,
        elapsed: started.elapsed(),
        warnings,
    })
}

/// Describes `files` on every core and writes their quads in corpus order:
/// a file described early waits for the ones before it. Of several
/// failures, the one of the first file in corpus order is returned, so a
/// broken corpus fails the same way every time. Returns the documents.
fn describe_in_order(
    sources: &Sources<'_>,
    annotator: &Annotator,
    iris: &Iris,
    files: &[usize],
    out: &mut NQuads,
) -> Result<usize> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| -> Result<usize> {
        let rx = pipeline::describe_files(scope, sources, annotator, iris, files, threads);
        let position: BTreeMap<usize, usize> =
            files.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let mut waiting: BTreeMap<usize, Vec<Quad>> = BTreeMap::new();
        let mut next = 0;
        let mut documents = 0;
        let mut failed: Option<(usize, Error)> = None;
        for (i, described) in rx.iter() {
            let p = position[&i];
            match described {
                Ok((fg, record)) if failed.is_none() => {
                    documents += record.documents.len();
                    waiting.insert(p, fg.quads);
                    while let Some(quads) = waiting.remove(&next) {
                        for q in &quads {
                            out.quad(q)?;
                        }
                        next += 1;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    if failed.as_ref().is_none_or(|(f, _)| p < *f) {
                        failed = Some((p, e));
                    }
                }
            }
        }
        match failed {
            Some((_, e)) => Err(e),
            None => Ok(documents),
        }
    })
}

/// An N-Quads writer into a gzip stream, counting quads.
struct NQuads<'a> {
    writer: oxigraph::io::WriterQuadSerializer<BufWriter<GzEncoder<BufWriter<File>>>>,
    path: &'a Path,
    quads: usize,
}

impl<'a> NQuads<'a> {
    fn new(gz: BufWriter<GzEncoder<BufWriter<File>>>, path: &'a Path) -> NQuads<'a> {
        NQuads {
            writer: RdfSerializer::from_format(RdfFormat::NQuads).for_writer(gz),
            path,
            quads: 0,
        }
    }

    fn quad(&mut self, q: &Quad) -> Result<()> {
        self.quads += 1;
        self.writer
            .serialize_quad(q)
            .map_err(|e| Error::io(self.path, e))
    }

    fn finish(self) -> Result<File> {
        let path = self.path;
        let gz = self
            .writer
            .finish()
            .map_err(|e| Error::io(path, e))?
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))?;
        let buffered = gz.finish().map_err(|e| Error::io(path, e))?;
        buffered
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_in_exactly_one_shard() {
        for n in 1..=7 {
            for path in ["a.txt", "texts/b.txt", "c d/é.txt", ""] {
                let holders = (1..=n)
                    .filter(|&k| Shard::new(k, n).unwrap().holds(path))
                    .count();
                assert_eq!(holders, 1, "{path:?} in {n} shards");
            }
        }
    }

    #[test]
    fn shard_specs_parse_or_say_why() {
        assert_eq!("2/8".parse::<Shard>(), Ok(Shard { k: 2, n: 8 }));
        for bad in [
            "0/2", "3/2", "1/0", "0/0", "x", "1/", "/2", "a/b", "1/2/3", "-1/2",
        ] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("K/N"), "{bad}: {e}");
        }
    }
}
