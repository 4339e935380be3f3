//! The build: corpus → annotate → graph → store, with a summary.
//!
//! [`build`] checks the whole manifest and gazetteer before it writes
//! anything, then streams one file at a time through the tagger and the
//! graph stage into Oxigraph's bulk loader, in a new store generation that
//! only becomes current once everything is loaded. [`ensure_built`] rebuilds
//! when the corpus no longer matches the store's fingerprint.
//!
//! Invariant: a failed build changes nothing a reader can see.

pub mod shard;

use crate::annotate::tagger::Tagger;
use crate::annotate::{annotate_file, Ambiguous, Annotator, Sources};
use crate::error::{Error, Result};
use crate::input::corpus::{Corpus, LoadOptions};
use crate::input::gazetteer::Gazetteer;
use crate::input::overrides::Overrides;
use crate::input::relations::Relations;
use crate::rdf::quads::{self, Iris};
use crate::store::ledger::{self, Ledger, Record};
use crate::store::stamp::Trust;
pub use crate::store::stamp::{CheckMode, TextCheck};
use crate::store::{summary, BuildInfo, Inspection, StoreDir};
use crate::text::table::text_of;
use oxigraph::model::{GraphName, Quad};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// How far a build has come: the bytes of text described and loaded, of
/// all it has to describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildProgress {
    pub done_bytes: u64,
    pub total_bytes: u64,
}

/// Where a build reports its progress: called once before the first file,
/// then after each file is loaded. The library draws nothing; the command
/// line draws a bar with it.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(BuildProgress) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// Counts the bytes loaded and tells the [`Progress`], if there is one.
struct Reporter<'a> {
    sink: Option<&'a Progress>,
    done: std::cell::Cell<u64>,
    total: u64,
}

impl Reporter<'_> {
    fn new(sink: Option<&Progress>, total_bytes: u64) -> Reporter<'_> {
        Reporter {
            sink,
            done: std::cell::Cell::new(0),
            total: total_bytes,
        }
    }

    fn add(&self, bytes: u64) {
        self.send(self.done.get() + bytes);
    }

    fn send(&self, done: u64) {
        self.done.set(done);
        if let Some(sink) = self.sink {
            (sink.0)(BuildProgress {
                done_bytes: done,
                total_bytes: self.total,
            });
        }
    }
}

/// What to build, and where.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub corpus: PathBuf,
    pub store: PathBuf,
    /// Where the build reports its progress, if anywhere.
    pub progress: Option<Progress>,
    /// Read files outside the corpus directory (see
    /// [`LoadOptions::allow_outside`]).
    pub allow_outside: bool,
    /// When a reading command looks at the text files of a stamped corpus
    /// (see [`ensure_built_quickly`]).
    pub check: CheckMode,
}

impl BuildConfig {
    /// How the corpus is loaded.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            allow_outside: self.allow_outside,
        }
    }

    /// Loads the corpus with [`BuildConfig::load_options`].
    pub fn load_corpus(&self) -> Result<Corpus> {
        Corpus::load_with(&self.corpus, self.load_options())
    }
}

/// The outcome of a build.
#[derive(Debug, Clone)]
pub struct Summary {
    pub info: BuildInfo,
    pub store: PathBuf,
    pub elapsed: Duration,
    /// Things the user should look at; the build still succeeded.
    pub warnings: Vec<String>,
    /// For a build that updated the previous store: what changed.
    pub update: Option<Update>,
    /// How long each phase took: planning, the gazetteer and automaton,
    /// preparing the generation, describing and loading, committing.
    pub phases: Vec<(&'static str, Duration)>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = &self.info;
        let update = match self.update {
            Some(u) if u.kept > 0 => format!(
                " ({} added, {} changed, {} removed), {} of them known unchanged from the stamp",
                u.added, u.changed, u.removed, u.kept
            ),
            Some(u) => format!(
                " ({} added, {} changed, {} removed)",
                u.added, u.changed, u.removed
            ),
            None => String::new(),
        };
        write!(
            f,
            "Built {} from {} file{}{update}: {} documents, {} entities ({} linked to Wikidata, {} unlinked), \
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

/// The memory Oxigraph's bulk loader may give its batches of quads (its
/// default, 2 GB a thread, would put a large build over 2 GB of memory).
const LOADER_MEMORY_MB: usize = 600;

/// What every file depends on, loaded and checked.
pub(crate) struct Inputs {
    pub(crate) gazetteer: Gazetteer,
    pub(crate) relations: Relations,
    pub(crate) overrides: Overrides,
}

/// Loads the gazetteer and fits it to the corpus (see [`Gazetteer::fit`]):
/// the aliases it left out are in its `dropped` and `foreign` lists.
pub fn load_gazetteer(corpus: &Corpus) -> Result<Gazetteer> {
    let mut gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    fit(&mut gazetteer, corpus);
    Ok(gazetteer)
}

/// Leaves out of `gazetteer` the aliases limited to documents `corpus`
/// does not have.
fn fit(gazetteer: &mut Gazetteer, corpus: &Corpus) {
    if gazetteer.has_scopes() {
        let ids: HashSet<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
        gazetteer.fit(|d| ids.contains(d));
    }
}

/// For `build --strict`: the first alias the gazetteer leaves out, as an
/// error, or nothing when every alias is used.
pub fn strict_check(config: &BuildConfig) -> Result<()> {
    let corpus = config.load_corpus()?;
    let gazetteer = load_gazetteer(&corpus)?;
    match gazetteer.strict_error(&corpus.gazetteer_path) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

pub(crate) fn load_inputs(corpus: &Corpus) -> Result<Inputs> {
    inputs_with(corpus, load_gazetteer(corpus)?)
}

/// The inputs of `corpus`, with its gazetteer already loaded and fitted.
fn inputs_with(corpus: &Corpus, gazetteer: Gazetteer) -> Result<Inputs> {
    crate::input::check(corpus, &gazetteer)?;
    let relations = match &corpus.relations_path {
        Some(path) => Relations::load(path, corpus, &gazetteer)?,
        None => Relations::default(),
    };
    let overrides = match &corpus.overrides_path {
        Some(path) => Overrides::load(path, corpus, &gazetteer)?,
        None => Overrides::default(),
    };
    Ok(Inputs {
        gazetteer,
        relations,
        overrides,
    })
}

/// A hash of what every file's quads depend on: the program, the ontology,
/// the corpus header, the gazetteer, the claims and the overrides (their
/// bytes, so that an unchanged corpus is recognised without parsing them).
fn inputs_hash(corpus: &Corpus) -> Result<String> {
    let mut h = blake3::Hasher::new();
    let mut put = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    put(env!("CARGO_PKG_VERSION").as_bytes());
    put(crate::SOURCE_DIGEST.as_bytes());
    put(crate::rdf::vocab::ONTOLOGY_TTL.as_bytes());
    put(format!(
        "{:?}",
        (
            &corpus.title,
            &corpus.description,
            &corpus.base_iri,
            corpus.unlisted_names
        )
    )
    .as_bytes());
    let paths = [
        Some(&corpus.gazetteer_path),
        corpus.relations_path.as_ref(),
        corpus.overrides_path.as_ref(),
    ];
    for p in paths {
        match p {
            Some(p) => {
                let rel = p.strip_prefix(&corpus.dir).unwrap_or(p);
                put(rel.to_string_lossy().as_bytes());
                put(&std::fs::read(p).map_err(|e| Error::io(p, e))?);
            }
            None => put(b"-"),
        }
    }
    Ok(h.finalize().to_hex().to_string())
}

/// The fingerprint of a built store: its inputs and every file's key.
fn fingerprint<'r>(inputs: &str, ledger: impl IntoIterator<Item = &'r Record>) -> String {
    let mut h = blake3::Hasher::new();
    h.update(inputs.as_bytes());
    for r in ledger {
        h.update(r.key.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// Builds the store from the whole corpus, replacing the previous
/// generation.
pub fn build(config: &BuildConfig) -> Result<Summary> {
    let (started, began_ns) = (Instant::now(), ledger::now_ns());
    let corpus = config.load_corpus()?;
    let inputs = inputs_hash(&corpus)?;
    let watch =
        crate::store::stamp::Watch::new(&corpus, config.allow_outside, corpus_warnings(&corpus));
    let plan = Plan::full(&corpus, inputs);
    let summary = build_from(config, &corpus, plan, started, || prepare(&corpus))?;
    if let Some(watch) = watch {
        watch.write(&config.store, began_ns, &Trust::default());
    }
    Ok(summary)
}

/// Records the time since the previous mark under `name`.
struct Phases {
    last: Instant,
    done: Vec<(&'static str, Duration)>,
}

impl Phases {
    fn new(since: Instant) -> Phases {
        Phases {
            last: since,
            done: Vec::new(),
        }
    }

    fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        self.done.push((name, now - self.last));
        self.last = now;
    }
}

/// Brings the store up to date with the corpus: nothing when nothing
/// changed; only the changed, added and removed files when the gazetteer,
/// claims, overrides and corpus header are those of the store; the whole
/// corpus otherwise, and whenever the store is damaged
/// ([`StoreDir::inspect`]). Returns the summary when it built.
pub fn ensure_built(config: &BuildConfig) -> Result<Option<Summary>> {
    ensure_built_or_warn(config).map(|(summary, _)| summary)
}

/// What [`ensure_built_quickly`] did: the summary when it built, the
/// corpus's warnings when it did not, and the look at the text files when
/// it runs on while the command answers.
#[derive(Debug)]
pub struct Ready {
    pub summary: Option<Summary>,
    pub warnings: Vec<String>,
    /// Must be finished ([`TextCheck::changed`]) before the answer can be
    /// called current.
    pub texts: Option<TextCheck>,
}

/// [`ensure_built_or_warn`] for a reading command, and for `annalist
/// build`: when the stamp of the generation in use (see
/// [`crate::store::stamp`]) shows every file and directory of the corpus
/// and every file of the store as the last full check left them, the store
/// is up to date and nothing else is read; otherwise the full check. Under
/// `config.check` the text files of a large corpus are looked at in the
/// background ([`Ready::texts`]). When the stamp shows a change, the full
/// check reads the gazetteer on a thread of its own while it loads the
/// corpus, since a build is all but certain, and looks only at the files
/// of directories the stamp's [`Trust`] cannot vouch for.
pub fn ensure_built_quickly(config: &BuildConfig) -> Result<Ready> {
    use crate::store::stamp::{compare, Comparison};
    let trust = match compare(
        &config.corpus,
        &config.store,
        config.allow_outside,
        config.check,
    ) {
        Comparison::Unchanged(unchanged) => {
            return Ok(Ready {
                summary: None,
                warnings: unchanged.warnings,
                texts: unchanged.texts,
            })
        }
        Comparison::Changed(trust) => Some(trust),
        Comparison::Unknown => None,
    };
    let (summary, warnings) = full_check(config, trust)?;
    Ok(Ready {
        summary,
        warnings,
        texts: None,
    })
}

/// [`ensure_built`], with the corpus's warnings (see [`corpus_warnings`])
/// when nothing was built: a build's summary carries them itself. The full
/// check: the manifest, the sheet and the ledger are read, every text file
/// is looked at. When the store is then up to date, it is stamped (see
/// [`crate::store::stamp`]) for [`ensure_built_quickly`].
pub fn ensure_built_or_warn(config: &BuildConfig) -> Result<(Option<Summary>, Vec<String>)> {
    full_check(config, None)
}

/// The full check of [`ensure_built_or_warn`]. With the [`Trust`] of a
/// stamp that showed a change, the inputs are read while the files are
/// looked at, and the files of directories it found unchanged are taken as
/// the ledger has them.
fn full_check(
    config: &BuildConfig,
    trust: Option<Trust>,
) -> Result<(Option<Summary>, Vec<String>)> {
    let (started, began_ns) = (Instant::now(), ledger::now_ns());
    let loaded: OnceLock<Corpus> = OnceLock::new();
    let trust = trust.as_ref();
    std::thread::scope(|scope| {
        // The store (its damage check and ledger) is looked at while the
        // corpus is read.
        let inspection = scope.spawn(|| StoreDir::new(&config.store).inspect());
        // When a build is all but certain, the gazetteer is read and
        // compiled on a thread of its own as soon as the manifest names it,
        // while the corpus is read and every file looked at.
        let (ready, wait) = std::sync::mpsc::channel::<()>();
        let mut early = None;
        let corpus = Corpus::load_then(&config.corpus, config.load_options(), |gazetteer| {
            if trust.is_some() {
                let (path, loaded) = (gazetteer.to_path_buf(), &loaded);
                let corpus = move || wait.recv().ok().and_then(|()| loaded.get());
                early = Some(scope.spawn(move || prepare_early(&path, corpus)));
            }
        })?;
        let corpus = loaded.get_or_init(|| corpus);
        let _ = ready.send(());
        let watch =
            crate::store::stamp::Watch::new(corpus, config.allow_outside, corpus_warnings(corpus));
        let unchanged = match (trust, &watch) {
            (Some(trust), Some(watch)) => trust.unchanged_dirs(watch),
            _ => HashSet::new(),
        };
        let kept = |path: &str| unchanged.contains(path.rsplit_once('/').map_or(".", |(d, _)| d));
        let prepared = move || match early.map(joined).transpose()? {
            Some(Some(prepared)) => Ok(prepared),
            _ => prepare(corpus),
        };
        let outcome = check_then(
            config,
            corpus,
            started,
            || joined(inspection),
            &kept,
            prepared,
        )?;
        if let Some(watch) = watch {
            watch.write(&config.store, began_ns, trust.unwrap_or(&Trust::default()));
        }
        Ok(outcome)
    })
}

/// What a scoped thread returned; its panic goes on.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The full check, then the build it calls for, with the inputs and the
/// annotator `prepared` gives. A file whose path is `kept` is as its
/// ledger record has it.
fn check_then(
    config: &BuildConfig,
    corpus: &Corpus,
    started: Instant,
    inspection: impl FnOnce() -> Result<Inspection>,
    kept: &(dyn Fn(&str) -> bool + Sync),
    prepared: impl FnOnce() -> Result<Prepared>,
) -> Result<(Option<Summary>, Vec<String>)> {
    let inputs = inputs_hash(corpus)?;
    let dir = StoreDir::new(&config.store);
    // A damaged store is never up to date: build it anew, and say so.
    let ledger = match inspection()? {
        Inspection::Sound(ledger) => ledger,
        Inspection::Damaged(damage) => {
            let plan = Plan::full(corpus, inputs);
            let mut summary = build_from(config, corpus, plan, started, prepared)?;
            summary.warnings.insert(
                0,
                format!(
                    "the store {} was damaged ({damage}): built it anew from the corpus",
                    config.store.display()
                ),
            );
            return Ok((Some(summary), Vec::new()));
        }
    };
    let previous = match (dir.current()?, ledger) {
        (Some((_, info)), Some(ledger)) if info.inputs == inputs => Some((info, ledger)),
        _ => None,
    };
    let Some((info, ledger)) = previous else {
        let plan = Plan::full(corpus, inputs);
        return build_from(config, corpus, plan, started, prepared).map(|s| (Some(s), Vec::new()));
    };
    let plan = Plan::update(corpus, inputs.clone(), &info, ledger, kept)?;
    if plan.describe.is_empty() && plan.removed.is_empty() {
        // An up-to-date store whose search index is lost or damaged gets a
        // new generation (a checkpoint of the store) with the index made
        // anew from the corpus.
        let damage = dir
            .current()?
            .and_then(|(generation, _)| crate::store::search::damage(&generation));
        if let Some(damage) = damage {
            let mut summary = build_from(config, corpus, plan, started, prepared)?;
            summary
                .warnings
                .insert(0, format!("{damage}: made it anew from the corpus"));
            return Ok((Some(summary), Vec::new()));
        }
        if plan.refreshed {
            dir.refresh_ledger(plan.records.iter().flatten())?;
        }
        return Ok((None, corpus_warnings(corpus)));
    }
    // Removing most of a store quad by quad is slower than loading anew.
    let plan = if 4 * (plan.describe.len() + plan.removed.len()) > corpus.files.len() {
        Plan::full(corpus, inputs)
    } else {
        plan
    };
    build_from(config, corpus, plan, started, prepared).map(|s| (Some(s), Vec::new()))
}

/// What a user should know about the corpus itself, built or not: the text
/// files under it that nothing describes, which every build leaves out.
pub fn corpus_warnings(corpus: &Corpus) -> Vec<String> {
    if corpus.undescribed.is_empty() {
        return Vec::new();
    }
    let sheet = corpus
        .documents_path
        .as_deref()
        .and_then(|p| p.file_name())
        .map_or(crate::input::corpus::SHEET.into(), |n| n.to_string_lossy());
    vec![format!(
        "{} text file{} under {} {} described by nothing and left out: {}; \
         fix: run `annalist add FILE…` for each, or give each a row in {sheet} \
         (or a [[document]] in {})",
        corpus.undescribed.len(),
        if corpus.undescribed.len() == 1 {
            ""
        } else {
            "s"
        },
        corpus.dir.display(),
        if corpus.undescribed.len() == 1 {
            "is"
        } else {
            "are"
        },
        corpus.undescribed.join(", "),
        crate::input::corpus::MANIFEST,
    )]
}

/// The names the gazetteer gives to several entities, whose mentions are
/// left unlinked.
pub(crate) fn shared_name_warnings(tagger: &Tagger, gazetteer: &Gazetteer) -> Vec<String> {
    tagger
        .shared_names(gazetteer)
        .into_iter()
        .map(|(name, owners)| {
            let ids: Vec<&str> = owners
                .iter()
                .map(|&i| gazetteer.entities[i].id.as_str())
                .collect();
            format!(
                "the name {name:?} belongs to several entities ({}): its mentions are left unlinked where the document does not decide",
                ids.join(", ")
            )
        })
        .collect()
}

/// What a build does with each file.
struct Plan {
    inputs: String,
    /// Every file's record: kept from the previous build, or to be made.
    records: Vec<Option<Record>>,
    /// Files to describe (indexes into the corpus's files).
    describe: Vec<usize>,
    /// Records of the previous build whose files changed or went away:
    /// their documents' graphs and their file nodes are removed.
    removed: Vec<Record>,
    /// Whether this is an update of the current generation.
    update: bool,
    /// Whether a kept record had its size or time refreshed.
    refreshed: bool,
    added: usize,
    changed: usize,
    /// Files whose records were taken unlooked (see [`Update::kept`]).
    kept: usize,
    /// Quads of the ontology, corpus header and gazetteer in the current
    /// generation, for an update (the summary graph's not included).
    head_quads: usize,
    /// Quads of the summary graph in the current generation, for an update.
    summary_quads: usize,
}

impl Plan {
    fn full(corpus: &Corpus, inputs: String) -> Plan {
        Plan {
            describe: (0..corpus.files.len()).collect(),
            ..Plan::nothing(corpus, inputs)
        }
    }

    /// A plan that describes nothing yet, with a record to make for every
    /// file.
    fn nothing(corpus: &Corpus, inputs: String) -> Plan {
        Plan {
            inputs,
            records: vec![None; corpus.files.len()],
            describe: Vec::new(),
            removed: Vec::new(),
            update: false,
            refreshed: false,
            added: 0,
            changed: 0,
            kept: 0,
            head_quads: 0,
            summary_quads: 0,
        }
    }

    /// The plan of an update: each file looked at (a `stat`, and a key
    /// where it was built before), but a file whose path is `kept`, whose
    /// record is taken as it is.
    fn update(
        corpus: &Corpus,
        inputs: String,
        info: &BuildInfo,
        ledger: Ledger,
        kept: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Plan> {
        let recorded: usize = ledger.records.iter().map(|r| r.quads).sum();
        let head_quads = info
            .quads
            .saturating_sub(recorded)
            .saturating_sub(info.summary_quads);
        // Each file's record of the previous build, found by path and then
        // moved, not copied: a large ledger is tens of megabytes.
        let mut by_path: HashMap<&str, usize> = HashMap::with_capacity(corpus.files.len());
        for (i, f) in corpus.files.iter().enumerate() {
            by_path.insert(f.path.as_str(), i);
        }
        let mut olds: Vec<Option<Record>> = vec![None; corpus.files.len()];
        let mut gone: Vec<Record> = Vec::new();
        for r in ledger.records {
            match by_path.remove(r.path.as_str()) {
                Some(i) => olds[i] = Some(r),
                None => gone.push(r),
            }
        }
        let mut plan = Plan {
            update: true,
            head_quads,
            summary_quads: info.summary_quads,
            ..Plan::nothing(corpus, inputs)
        };
        // Each file's size and time, and its key where it was built before
        // (a stat, and a read only when the stat differs): on every core.
        // None for a file kept as its record has it.
        type Looked = Option<(u64, u128, Option<String>)>;
        let look = |stats: &mut ledger::Stats, i: usize| -> Result<Looked> {
            if olds[i].is_some() && kept(&corpus.files[i].path) {
                return Ok(None);
            }
            let path = corpus.file_path(i);
            let (size, mtime_ns) = stats.stat(&path)?;
            let Some(old) = &olds[i] else {
                return Ok(Some((size, mtime_ns, None)));
            };
            let content = if ledger::unchanged_since(old, size, mtime_ns, info.started_ns) {
                old.content.clone()
            } else {
                ledger::content_hash(&std::fs::read(&path).map_err(|e| Error::io(&path, e))?)
            };
            Ok(Some((
                size,
                mtime_ns,
                Some(ledger::file_key(corpus, i, &content)),
            )))
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = corpus.files.len().div_ceil(threads).max(1);
        let looked: Vec<Result<Looked>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..corpus.files.len())
                .step_by(chunk)
                .map(|from| {
                    let to = (from + chunk).min(corpus.files.len());
                    scope.spawn(move || {
                        let mut stats = ledger::Stats::default();
                        (from..to).map(|i| look(&mut stats, i)).collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a planning thread"))
                .collect()
        });
        for (i, (old, looked)) in olds.into_iter().zip(looked).enumerate() {
            let Some((size, mtime_ns, key)) = looked? else {
                plan.records[i] = old;
                plan.kept += 1;
                continue;
            };
            let Some(mut old) = old else {
                plan.describe.push(i);
                plan.added += 1;
                continue;
            };
            if key.as_deref() == Some(old.key.as_str()) {
                if (old.size, old.mtime_ns) != (size, mtime_ns) {
                    (old.size, old.mtime_ns) = (size, mtime_ns);
                    plan.refreshed = true;
                }
                plan.records[i] = Some(old);
            } else {
                plan.describe.push(i);
                plan.changed += 1;
                plan.removed.push(old);
            }
        }
        gone.sort_by(|a, b| a.path.cmp(&b.path));
        plan.removed.extend(gone);
        Ok(plan)
    }
}

/// The inputs loaded and the gazetteer compiled: what a build needs before
/// it describes a file.
struct Prepared {
    inputs: Inputs,
    annotator: Annotator,
}

/// [`prepare`], begun before the corpus is loaded: the gazetteer at
/// `gazetteer` is read and, unless an alias is limited to documents (which
/// the corpus decides), compiled while `corpus` waits for the corpus. None
/// when the corpus did not load.
fn prepare_early<'c>(
    gazetteer: &Path,
    corpus: impl FnOnce() -> Option<&'c Corpus>,
) -> Result<Option<Prepared>> {
    let mut gazetteer = Gazetteer::load(gazetteer)?;
    let early = (!gazetteer.has_scopes()).then(|| Annotator::new(&gazetteer));
    let Some(corpus) = corpus() else {
        return Ok(None);
    };
    fit(&mut gazetteer, corpus);
    let annotator = early.unwrap_or_else(|| Annotator::new(&gazetteer));
    let inputs = inputs_with(corpus, gazetteer)?;
    Ok(Some(Prepared { inputs, annotator }))
}

fn prepare(corpus: &Corpus) -> Result<Prepared> {
    let inputs = load_inputs(corpus)?;
    let annotator = Annotator::new(&inputs.gazetteer);
    Ok(Prepared { inputs, annotator })
}

fn build_from(
    config: &BuildConfig,
    corpus: &Corpus,
    mut plan: Plan,
    started: Instant,
    prepared: impl FnOnce() -> Result<Prepared>,
) -> Result<Summary> {
    let started_ns = ledger::now_ns();
    let mut phases = Phases::new(started);
    phases.mark("plan");
    let Prepared {
        inputs:
            Inputs {
                gazetteer,
                relations,
                overrides,
            },
        annotator,
    } = prepared()?;
    let iris = Iris::new(&corpus.base_iri);
    let mut warnings = corpus_warnings(corpus);
    warnings.extend(gazetteer.warnings(&corpus.gazetteer_path));
    warnings.extend(shared_name_warnings(&annotator.tagger, &gazetteer));

    phases.mark("gazetteer");
    let dir = StoreDir::new(&config.store);
    let generation = dir.begin()?;
    let store_path = generation.path().to_path_buf();
    let store = if plan.update {
        generation.open_copy_of_current()?
    } else {
        generation.open()?
    };

    let total_bytes: u64 = plan
        .describe
        .iter()
        .map(|&i| std::fs::metadata(corpus.file_path(i)).map_or(0, |m| m.len()))
        .sum();
    let progress = Reporter::new(config.progress.as_ref(), total_bytes);
    progress.send(0);

    // What changed leaves the copied generation first: the documents'
    // graphs and the file nodes of changed and removed files. Their
    // mentions are taken off the summary's tally.
    let mut tally = summary::Tally::new(&iris, gazetteer.entities.iter().map(|e| e.id.as_str()));
    if plan.update {
        tally = tally.track();
    }
    let corpus_graph = GraphName::from(iris.corpus_graph());
    for old in &plan.removed {
        for doc in &old.documents {
            let graph = iris.document(doc);
            let leaving = summary::graph_quads(&store, graph.as_ref().into())
                .map_err(|e| with_store_path(e, &store_path))?;
            tally.subtract(&leaving);
            store
                .remove_named_graph(graph.as_ref())
                .map_err(|e| Error::storage(&store_path, e))?;
        }
        let node = iris.file(&old.file_id);
        let mut doomed: Vec<Quad> = store
            .quads_for_pattern(
                Some(node.as_ref().into()),
                None,
                None,
                Some(corpus_graph.as_ref()),
            )
            .collect::<Result<_, _>>()
            .map_err(|e| Error::storage(&store_path, e))?;
        doomed.push(Quad::new(
            iris.corpus(),
            crate::rdf::vocab::schema::HAS_PART,
            node,
            corpus_graph.clone(),
        ));
        for q in &doomed {
            store
                .remove(q)
                .map_err(|e| Error::storage(&store_path, e))?;
        }
    }

    phases.mark("prepare");
    let head: Vec<Quad> = if plan.update {
        Vec::new()
    } else {
        quads::ontology_quads()?
            .into_iter()
            .chain(quads::corpus_head_quads(corpus, &iris))
            .chain(quads::gazetteer_quads(&gazetteer, &iris))
            .collect()
    };
    let head_quads = if plan.update {
        plan.head_quads
    } else {
        head.len()
    };
    let sources = Sources {
        corpus,
        gazetteer: &gazetteer,
        relations: &relations,
        overrides: &overrides,
    };
    let mut first_ambiguous: Option<(usize, Ambiguous)> = None;
    let mut summary_loaded: Option<usize> = None;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| -> Result<()> {
        let files = describe_files(scope, &sources, &annotator, &iris, &plan.describe, threads);
        let mut loader = store
            .bulk_loader()
            .with_max_memory_size_in_megabytes(LOADER_MEMORY_MB);
        let mut feed = Feed {
            files,
            current: Box::new(std::iter::empty()),
            failed: None,
            records: &mut plan.records,
            first_ambiguous: &mut first_ambiguous,
            progress: &progress,
            tally: Some(&mut tally),
            load_summary: !plan.update,
            summary_loaded: &mut summary_loaded,
            iris: &iris,
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
    phases.mark("describe and load");

    // The counts of the summary graph: loaded after the files by a full
    // build; changed by an update by the difference of its tally.
    let summary_quads = match summary_loaded {
        Some(n) => n,
        None => {
            let grew = tally
                .apply(&store, &iris)
                .map_err(|e| with_store_path(e, &store_path))?;
            (plan.summary_quads as i64 + grew).max(0) as usize
        }
    };
    phases.mark("summary");

    // What was written after the loader (the removals, the summary's
    // counts) goes to table files now: the next update starts from a
    // checkpoint of this generation opened read-only, which takes the table
    // files and not what is only in the write-ahead log.
    store.flush().map_err(|e| Error::storage(&store_path, e))?;

    // The loader writes each batch as files whose key ranges overlap every
    // other batch's, so every read of a freshly loaded store searches all of
    // them, and the first change waits for RocksDB to merge them. A full
    // build merges them now, once, compressed (`store::compact`); an update
    // adds a few files to a store merged before.
    drop(store);
    if !plan.update {
        crate::store::compact::compact(&store_path)?;
        phases.mark("compact");
    }

    // The search index of the new generation: an update re-indexes only
    // what changed in the previous generation's index (all of the corpus
    // when that index is missing or damaged).
    // The generation this update replaces: its index and its kept answers.
    let replaced = if plan.update {
        dir.current()?.map(|(p, _)| p)
    } else {
        None
    };
    let previous = replaced.as_deref().map(crate::store::search::index_dir);
    let removed: Vec<String> = plan
        .removed
        .iter()
        .flat_map(|r| r.documents.iter().cloned())
        .collect();
    crate::store::search::index(
        corpus,
        &store_path,
        previous.as_deref(),
        &removed,
        &plan.describe,
    )?;
    phases.mark("search index");

    // Every record is made now.
    let ledger = || plan.records.iter().flatten();
    let sum = |f: fn(&Record) -> usize| -> usize { ledger().map(f).sum() };
    let info = BuildInfo {
        fingerprint: fingerprint(&plan.inputs, ledger()),
        annalist_version: env!("CARGO_PKG_VERSION").into(),
        base_iri: corpus.base_iri.clone(),
        files: corpus.files.len(),
        documents: sum(|r| r.documents.len()),
        entities: gazetteer.len(),
        linked_entities: gazetteer
            .entities
            .iter()
            .filter(|e| e.wikidata.is_some())
            .count(),
        mentions: sum(|r| r.mentions),
        ambiguous_mentions: sum(|r| r.ambiguous),
        claims: sum(|r| r.claims),
        dates: sum(|r| r.dates),
        quads: head_quads + sum(|r| r.quads) + summary_quads,
        summary_quads,
        inputs: plan.inputs.clone(),
        started_ns,
    };
    if info.ambiguous_mentions > 0 {
        let first = match &first_ambiguous {
            Some((d, a)) => format!(
                " (first: {:?} in document {:?})",
                a.entities
                    .iter()
                    .map(|&e| gazetteer.entities[e].id.clone())
                    .collect::<Vec<_>>(),
                corpus.documents[*d].id
            ),
            None => String::new(),
        };
        warnings.push(format!(
            "{} mentions of shared names were left unlinked{first}",
            info.ambiguous_mentions,
        ));
    }
    let mut far_claims: Vec<usize> = ledger()
        .flat_map(|r| r.far_claims.iter().copied())
        .collect();
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
    // The answers kept on the generation this one replaces go with it,
    // to be mended by what changed when they are next asked.
    if let Some(replaced) = &replaced {
        let mut changes = tally.changes(&iris);
        // The summary graph changes only in its counts, and its size is
        // known: kept rows that count its quads need not count them again.
        let summary = iris.summary_graph().as_str().to_string();
        if changes.graphs.contains(&summary) {
            changes.quads.insert(summary, summary_quads as u64);
        }
        crate::store::answers::carry_forward(replaced, &store_path, &changes);
    }
    generation.commit(&info, ledger())?;
    phases.mark("commit");
    let update = plan.update.then(|| Update {
        added: plan.added,
        changed: plan.changed,
        removed: plan.removed.len() - plan.changed,
        kept: plan.kept,
    });
    Ok(Summary {
        info,
        store: config.store.clone(),
        elapsed: started.elapsed(),
        warnings,
        update,
        phases: phases.done,
    })
}

/// What an update changed, in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Update {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Files taken as their ledger records have them, not looked at: the
    /// stamp found their directories' texts unchanged.
    pub kept: usize,
}

pub(crate) type Described = (usize, Result<(quads::FileGraph, Record)>);

/// Describes the files `files` on `threads` threads, which take them in
/// order; the receiver gets each file's quads and record as soon as they
/// are ready, a few files ahead of the loader at most, so memory holds a
/// handful of files whatever the size of the corpus.
pub(crate) fn describe_files<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    sources: &'scope Sources<'env>,
    annotator: &'scope Annotator,
    iris: &'scope Iris,
    files: &'scope [usize],
    threads: usize,
) -> Receiver<Described> {
    let (tx, rx) = sync_channel::<Described>(2 * threads);
    let next = Arc::new(AtomicUsize::new(0));
    let n = files.len();
    for _ in 0..threads {
        let (tx, next) = (tx.clone(), Arc::clone(&next));
        scope.spawn(move || loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n {
                break;
            }
            let i = files[k];
            let described = describe(sources, annotator, iris, i);
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

/// Reads, tags and describes file `i`, and makes its record.
fn describe(
    sources: &Sources<'_>,
    annotator: &Annotator,
    iris: &Iris,
    i: usize,
) -> Result<(quads::FileGraph, Record)> {
    let corpus = sources.corpus;
    let path = corpus.file_path(i);
    // The time before the read: an edit during the read makes it differ.
    let (size, mtime_ns) = ledger::stat(&path)?;
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let content = ledger::content_hash(&bytes);
    let text = text_of(&path, bytes)?;
    let annotated = annotate_file(sources, annotator, i, &text)?;
    let mut fg = quads::annotated_quads(&annotated, corpus, sources.gazetteer, iris);
    // The file's own node in the corpus graph goes with its documents.
    fg.quads.extend(quads::file_quads(corpus, iris, i));
    let record = Record {
        path: corpus.files[i].path.clone(),
        file_id: corpus.files[i].id.clone(),
        key: ledger::file_key(corpus, i, &content),
        content,
        size,
        mtime_ns,
        documents: corpus.documents_of(i).map(|(_, d)| d.id.clone()).collect(),
        mentions: fg.mentions,
        ambiguous: fg.ambiguous.len(),
        claims: fg.claims,
        dates: fg.dates,
        quads: fg.quads.len(),
        far_claims: fg.far_claims.clone(),
    };
    Ok((fg, record))
}

/// The quads of the described files, in the order they arrive; each
/// file's record goes into its place. An error stops the feed; of several
/// errors, the one of the first file in corpus order is kept, so a broken
/// corpus fails the same way every time.
struct Feed<'a> {
    files: Receiver<Described>,
    current: Box<dyn Iterator<Item = Quad> + 'a>,
    failed: Option<(usize, Error)>,
    records: &'a mut [Option<Record>],
    first_ambiguous: &'a mut Option<(usize, Ambiguous)>,
    progress: &'a Reporter<'a>,
    /// The summary's counts of the quads as they pass (for an update, what
    /// they add to the counts of what was removed); taken when its own
    /// quads follow the last file's.
    tally: Option<&'a mut summary::Tally>,
    /// For a full build: the tally's quads follow the last file's, and
    /// their number goes to `summary_loaded`.
    load_summary: bool,
    summary_loaded: &'a mut Option<usize>,
    iris: &'a Iris,
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

impl<'a> Iterator for Feed<'a> {
    type Item = Result<Quad>;

    fn next(&mut self) -> Option<Result<Quad>> {
        loop {
            if let Some(q) = self.current.next() {
                return Some(Ok(q));
            }
            if self.failed.is_some() {
                return None;
            }
            let Ok((i, described)) = self.files.recv() else {
                // Every file is in: the summary of a full build follows.
                if !std::mem::take(&mut self.load_summary) {
                    return None;
                }
                let tally: &'a summary::Tally = self.tally.take()?;
                let (len, quads) = tally.quads(self.iris);
                *self.summary_loaded = Some(len);
                self.current = Box::new(quads);
                continue;
            };
            match described {
                Ok((fg, record)) => {
                    self.progress.add(record.size);
                    if let Some(first) = fg.ambiguous.into_iter().min_by_key(|(d, a)| (*d, a.start))
                    {
                        let earlier = self
                            .first_ambiguous
                            .as_ref()
                            .is_none_or(|(d, a)| (first.0, first.1.start) < (*d, a.start));
                        if earlier {
                            *self.first_ambiguous = Some(first);
                        }
                    }
                    self.records[i] = Some(record);
                    if let Some(tally) = self.tally.as_mut() {
                        tally.add(&fg.quads);
                    }
                    self.current = Box::new(fg.quads.into_iter());
                }
                Err(e) => {
                    self.failed = Some((i, e));
                    return None;
                }
            }
        }
    }
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
