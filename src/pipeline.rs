//! The build: corpus → annotate → graph → store, with a summary.
//!
//! [`build`] checks the whole manifest and gazetteer before it writes
//! anything, then streams one file at a time through the tagger and the
//! graph stage into Oxigraph's bulk loader, in a new store generation that
//! only becomes current once everything is loaded. [`ensure_built`] rebuilds
//! when the corpus no longer matches the store's fingerprint.
//!
//! Invariant: a failed build changes nothing a reader can see.

use crate::annotate::Tagger;
use crate::corpus::{read_text, Corpus};
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::graph::{self, Iris};
use crate::overrides::Overrides;
use crate::relations::Relations;
use crate::store::{BuildInfo, StoreDir};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use oxigraph::model::Quad;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to build, and where.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub corpus: PathBuf,
    pub store: PathBuf,
    /// Draw a progress bar on standard error when it is a terminal.
    pub progress: bool,
}

/// The outcome of a build.
#[derive(Debug, Clone)]
pub struct Summary {
    pub info: BuildInfo,
    pub store: PathBuf,
    pub elapsed: Duration,
    /// Things the user should look at; the build still succeeded.
    pub warnings: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = &self.info;
        write!(
            f,
            "Built {} from {} file{}: {} documents, {} entities ({} linked to Wikidata, {} unlinked), \
             {} mentions{}, {} dates, {} claims, {} triples in {:.2} s.",
            self.store.display(),
            i.files,
            if i.files == 1 { "" } else { "s" },
            i.documents,
            i.entities,
            i.linked_entities,
            i.entities - i.linked_entities,
            i.mentions,
            if i.ambiguous_mentions > 0 {
                format!(" ({} more left unlinked as ambiguous)", i.ambiguous_mentions)
            } else {
                String::new()
            },
            i.dates,
            i.claims,
            i.quads,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Everything the build reads, loaded and checked.
struct Inputs {
    corpus: Corpus,
    gazetteer: Gazetteer,
    relations: Relations,
    overrides: Overrides,
    fingerprint: String,
}

fn load_inputs(corpus_dir: &Path) -> Result<Inputs> {
    let corpus = Corpus::load(corpus_dir)?;
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    graph::check(&corpus, &gazetteer)?;
    let relations = match &corpus.relations_path {
        Some(path) => Relations::load(path, &corpus, &gazetteer)?,
        None => Relations::default(),
    };
    let overrides = match &corpus.overrides_path {
        Some(path) => Overrides::load(path, &corpus, &gazetteer)?,
        None => Overrides::default(),
    };
    let fingerprint = fingerprint(&corpus)?;
    Ok(Inputs {
        corpus,
        gazetteer,
        relations,
        overrides,
        fingerprint,
    })
}

/// A hash of the manifest, the gazetteer, every text file and the program
/// version: equal fingerprints mean an equal store.
fn fingerprint(corpus: &Corpus) -> Result<String> {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(crate::vocab::ONTOLOGY_TTL.as_bytes());
    let mut paths = vec![
        corpus.manifest_path().to_path_buf(),
        corpus.gazetteer_path.clone(),
    ];
    paths.extend(corpus.relations_path.clone());
    paths.extend(corpus.overrides_path.clone());
    paths.extend((0..corpus.files.len()).map(|i| corpus.file_path(i)));
    for p in paths {
        let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
        // Relative paths: a corpus that moves keeps its store.
        let rel = p.strip_prefix(&corpus.dir).unwrap_or(&p);
        h.update(rel.to_string_lossy().as_bytes());
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(h.finalize().to_hex().to_string())
}

/// Builds the store from the corpus, replacing the previous generation.
pub fn build(config: &BuildConfig) -> Result<Summary> {
    let started = Instant::now();
    let inputs = load_inputs(&config.corpus)?;
    build_from(config, inputs, started)
}

/// Builds the store unless it already matches the corpus. Returns the
/// summary when it built.
pub fn ensure_built(config: &BuildConfig) -> Result<Option<Summary>> {
    let started = Instant::now();
    let inputs = load_inputs(&config.corpus)?;
    let dir = StoreDir::new(&config.store);
    if let Some((_, info)) = dir.current()? {
        if info.fingerprint == inputs.fingerprint {
            return Ok(None);
        }
    }
    build_from(config, inputs, started).map(Some)
}

fn build_from(config: &BuildConfig, inputs: Inputs, started: Instant) -> Result<Summary> {
    let Inputs {
        corpus,
        gazetteer,
        relations,
        overrides,
        fingerprint,
    } = inputs;
    let iris = Iris::new(&corpus.base_iri);
    let tagger = Tagger::new(&gazetteer);
    let mut warnings = Vec::new();
    for (name, owners) in tagger.shared_names(&gazetteer) {
        let ids: Vec<&str> = owners
            .iter()
            .map(|&i| gazetteer.entities[i].id.as_str())
            .collect();
        warnings.push(format!(
            "the name {name:?} belongs to several entities ({}): its mentions are left unlinked",
            ids.join(", ")
        ));
    }

    let dir = StoreDir::new(&config.store);
    let generation = dir.begin()?;
    let store = generation.open()?;

    let sizes: Vec<u64> = (0..corpus.files.len())
        .map(|i| std::fs::metadata(corpus.file_path(i)).map_or(0, |m| m.len()))
        .collect();
    let total_bytes: u64 = sizes.iter().sum();
    // Small corpora build faster than a bar can be read.
    let bar = if config.progress && total_bytes >= 1 << 20 {
        ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} tagging {bar:30} {bytes}/{total_bytes} {msg}")
            .expect("a valid progress template"),
    );

    let mut info = BuildInfo {
        fingerprint,
        annalist_version: env!("CARGO_PKG_VERSION").into(),
        base_iri: corpus.base_iri.clone(),
        files: corpus.files.len(),
        documents: 0,
        entities: gazetteer.len(),
        linked_entities: gazetteer
            .entities
            .iter()
            .filter(|e| e.wikidata.is_some())
            .count(),
        mentions: 0,
        ambiguous_mentions: 0,
        claims: 0,
        dates: 0,
        quads: 0,
    };
    let head: Vec<Quad> = graph::ontology_quads()?
        .into_iter()
        .chain(graph::corpus_quads(&corpus, &iris))
        .chain(graph::gazetteer_quads(&gazetteer, &iris))
        .collect();
    info.quads += head.len();
    let sources = graph::Sources {
        corpus: &corpus,
        gazetteer: &gazetteer,
        relations: &relations,
        overrides: &overrides,
    };
    let mut tally = Tally::default();
    let store_path = generation.path().to_path_buf();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| -> Result<()> {
        let files = describe_files(scope, &sources, &tagger, &iris, threads);
        let mut loader = store.bulk_loader();
        let mut feed = Feed {
            files,
            current: Vec::new().into_iter(),
            failed: None,
            tally: &mut tally,
            bar: &bar,
            sizes: &sizes,
        };
        let loaded =
            loader.load_ok_quads::<Error, Error>(head.into_iter().map(Ok).chain(&mut feed));
        if feed.failed.is_some() {
            feed.drain();
        }
        if let Some((_, e)) = feed.failed.take() {
            return Err(e);
        }
        // Workers still describing stop at their next send.
        drop(feed);
        loaded.map_err(|e| with_store_path(e, &store_path))?;
        loader.commit().map_err(|e| Error::storage(&store_path, e))
    })?;
    info.documents = tally.documents;
    info.mentions = tally.mentions;
    info.quads += tally.quads;
    info.ambiguous_mentions = tally.ambiguous;
    info.claims = tally.claims;
    info.dates = tally.dates;
    let ambiguous: Vec<(usize, crate::annotate::Ambiguous)> =
        tally.first_ambiguous.into_iter().collect();
    let mut far_claims = tally.far_claims;
    bar.finish_and_clear();
    drop(store);
    if info.ambiguous_mentions > 0 {
        warnings.push(format!(
            "{} mentions of shared names were left unlinked (first: {:?} in document {:?})",
            info.ambiguous_mentions,
            ambiguous
                .first()
                .map(|(_, a)| a
                    .entities
                    .iter()
                    .map(|&e| gazetteer.entities[e].id.clone())
                    .collect::<Vec<_>>())
                .unwrap_or_default(),
            ambiguous
                .first()
                .map(|(d, _)| corpus.documents[*d].id.clone())
                .unwrap_or_default()
        ));
    }
    if !far_claims.is_empty() {
        far_claims.sort_unstable();
        let lines: Vec<String> = far_claims.iter().map(usize::to_string).collect();
        warnings.push(format!(
            "{}: in {} claims neither the subject nor the object is named near the quote \
             (lines {}); check the quote and the ids, or name the entity in the gazetteer",
            relations.path.display(),
            far_claims.len(),
            lines.join(", ")
        ));
    }
    generation.commit(&info)?;
    Ok(Summary {
        info,
        store: config.store.clone(),
        elapsed: started.elapsed(),
        warnings,
    })
}

impl From<oxigraph::store::StorageError> for Error {
    fn from(e: oxigraph::store::StorageError) -> Self {
        Error::storage(PathBuf::new(), e)
    }
}

/// What the files contributed, summed in whatever order they finish.
#[derive(Default)]
struct Tally {
    documents: usize,
    mentions: usize,
    quads: usize,
    ambiguous: usize,
    /// The ambiguous mention of the first document (in corpus order).
    first_ambiguous: Option<(usize, crate::annotate::Ambiguous)>,
    claims: usize,
    dates: usize,
    far_claims: Vec<usize>,
}

type Described = (usize, Result<graph::FileGraph>);

/// Describes every file of the corpus on `threads` threads, which take the
/// files in corpus order; the receiver gets each file's quads as soon as
/// they are ready, a few files ahead of the loader at most, so memory holds
/// a handful of files whatever the size of the corpus.
fn describe_files<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    sources: &'scope graph::Sources<'env>,
    tagger: &'scope Tagger,
    iris: &'scope Iris,
    threads: usize,
) -> Receiver<Described> {
    let (tx, rx) = sync_channel::<Described>(2 * threads);
    let next = Arc::new(AtomicUsize::new(0));
    let n = sources.corpus.files.len();
    for _ in 0..threads {
        let (tx, next) = (tx.clone(), Arc::clone(&next));
        scope.spawn(move || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                break;
            }
            let described = read_text(&sources.corpus.file_path(i))
                .and_then(|text| graph::file_graph(sources, tagger, iris, i, &text));
            let failed = described.is_err();
            // The receiver is gone when the load failed: stop.
            if tx.send((i, described)).is_err() || failed {
                next.fetch_add(n, Ordering::Relaxed);
                break;
            }
        });
    }
    rx
}

/// The quads of the described files, in the order they arrive, counted
/// into the tally. An error stops the feed; of several errors, the one of
/// the first file in corpus order is kept, so a broken corpus fails the
/// same way every time.
struct Feed<'a> {
    files: Receiver<Described>,
    current: std::vec::IntoIter<Quad>,
    failed: Option<(usize, Error)>,
    tally: &'a mut Tally,
    bar: &'a ProgressBar,
    sizes: &'a [u64],
}

impl Feed<'_> {
    /// Waits for the files still being described, keeping the first error.
    fn drain(&mut self) {
        for (i, described) in self.files.iter() {
            if let Err(e) = described {
                if self.failed.as_ref().is_none_or(|(f, _)| i < *f) {
                    self.failed = Some((i, e));
                }
            }
        }
    }
}

impl Iterator for Feed<'_> {
    type Item = Result<Quad>;

    fn next(&mut self) -> Option<Result<Quad>> {
        loop {
            if let Some(q) = self.current.next() {
                return Some(Ok(q));
            }
            if self.failed.is_some() {
                return None;
            }
            let (i, described) = self.files.recv().ok()?;
            self.bar.inc(self.sizes[i]);
            match described {
                Ok(fg) => {
                    let t = &mut *self.tally;
                    t.documents += fg.documents;
                    t.mentions += fg.mentions;
                    t.quads += fg.quads.len();
                    t.ambiguous += fg.ambiguous.len();
                    t.claims += fg.claims;
                    t.dates += fg.dates;
                    if let Some(first) = fg.ambiguous.into_iter().min_by_key(|(d, a)| (*d, a.start))
                    {
                        if t.first_ambiguous
                            .as_ref()
                            .is_none_or(|(d, a)| (first.0, first.1.start) < (*d, a.start))
                        {
                            t.first_ambiguous = Some(first);
                        }
                    }
                    t.far_claims.extend(fg.far_claims);
                    self.current = fg.quads.into_iter();
                }
                Err(e) => {
                    self.failed = Some((i, e));
                    return None;
                }
            }
        }
    }
}

fn with_store_path(e: Error, path: &Path) -> Error {
    match e {
        Error::Storage { source, .. } => Error::storage(path, source),
        e => e,
    }
}
