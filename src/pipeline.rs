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
    let mut ambiguous = Vec::new();
    let mut far_claims: Vec<usize> = Vec::new();
    let files = (0..corpus.files.len()).flat_map(|i| {
        let result = read_text(&corpus.file_path(i)).and_then(|text| {
            let sources = graph::Sources {
                corpus: &corpus,
                gazetteer: &gazetteer,
                relations: &relations,
                overrides: &overrides,
            };
            graph::file_graph(&sources, &tagger, &iris, i, &text)
        });
        bar.inc(sizes[i]);
        let quads: Vec<Result<Quad>> = match result {
            Ok(fg) => {
                info.documents += fg.documents;
                info.mentions += fg.mentions;
                info.quads += fg.quads.len();
                info.ambiguous_mentions += fg.ambiguous.len();
                info.claims += fg.claims;
                info.dates += fg.dates;
                ambiguous.extend(fg.ambiguous);
                far_claims.extend(fg.far_claims);
                fg.quads.into_iter().map(Ok).collect()
            }
            Err(e) => vec![Err(e)],
        };
        quads
    });
    let mut loader = store.bulk_loader();
    loader
        .load_ok_quads::<Error, Error>(head.into_iter().map(Ok).chain(files))
        .map_err(|e| with_store_path(e, generation.path()))?;
    loader
        .commit()
        .map_err(|e| Error::storage(generation.path(), e))?;
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

fn with_store_path(e: Error, path: &Path) -> Error {
    match e {
        Error::Storage { source, .. } => Error::storage(path, source),
        e => e,
    }
}
