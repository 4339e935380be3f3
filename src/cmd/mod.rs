//! One module per subcommand: each turns its arguments into a library
//! configuration and calls the library. Shared here: the corpus and store
//! the global options point at, and the auto-build before reading.

pub mod add;
pub mod build;
pub mod discover;
pub mod evaluate;
pub mod export;
pub mod gazetteer;
pub mod import;
pub mod init;
pub mod link;
pub mod mentions;
pub mod push;
pub mod queries;
pub mod query;
pub mod search;
pub mod serve;

use crate::cli::{CheckArg, Cli, ListFormat};
use annalist::pipeline::{self, BuildConfig, CheckMode, TextCheck};
use annalist::store::{BuildInfo, Lease, Reader, StoreDir};
use annalist::Result;
use oxigraph::store::Store;
use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::PathBuf;

/// What every command knows: where the corpus and the store are; and what
/// it holds until it ends: the generations it reads (no build removes
/// them meanwhile) and the look at the texts that runs while it answers.
pub struct Context {
    pub build: BuildConfig,
    pub quiet: bool,
    leases: RefCell<Vec<Lease>>,
    texts: RefCell<Option<TextCheck>>,
}

impl Context {
    pub fn new(cli: &Cli) -> Context {
        let store = cli
            .store
            .clone()
            .unwrap_or_else(|| cli.corpus.join(".annalist"));
        Context {
            build: BuildConfig {
                corpus: cli.corpus.clone(),
                store,
                progress: (!cli.quiet && std::io::stderr().is_terminal()).then(progress_bar),
                allow_outside: cli.allow_outside_corpus,
                check: match cli.check {
                    CheckArg::Auto => CheckMode::Auto,
                    CheckArg::Full => CheckMode::Full,
                    CheckArg::Background => CheckMode::Background,
                },
            },
            quiet: cli.quiet,
            leases: RefCell::new(Vec::new()),
            texts: RefCell::new(None),
        }
    }

    /// Opens the store, building it first if the corpus changed. The
    /// generation stays on disk until the command ends.
    pub fn store(&self) -> Result<(Store, BuildInfo)> {
        self.store_at().map(|(store, info, _)| (store, info))
    }

    /// The store, as [`Context::store`], and the directory of the
    /// generation opened (where its kept answers are).
    pub fn store_at(&self) -> Result<(Store, BuildInfo, PathBuf)> {
        self.ensure_built()?;
        let Reader { store, info, lease } = StoreDir::new(&self.build.store).open_reader()?;
        let path = lease.path.clone();
        self.leases.borrow_mut().push(lease);
        Ok((store, info, path))
    }

    /// The directory of the generation in use, building it first if the
    /// corpus changed; it stays on disk until the command ends. Its
    /// database is not opened.
    pub fn generation(&self) -> Result<PathBuf> {
        self.ensure_built()?;
        let lease = StoreDir::new(&self.build.store).lease()?;
        let path = lease.path.clone();
        self.leases.borrow_mut().push(lease);
        Ok(path)
    }

    /// Ends what the command started: waits for the look at the texts and
    /// says when one changed under the answer.
    pub fn finish(&self) {
        let Some(texts) = self.texts.borrow_mut().take() else {
            return;
        };
        if texts.changed() {
            eprintln!(
                "warning: a text file of {} changed after the store was built: this answer \
                 comes from the store as it was\n  fix: run `annalist build` (or the command \
                 again) to bring the store up to date",
                self.build.corpus.display()
            );
        }
    }

    /// Builds the store if the corpus changed, reporting on standard error.
    /// An unchanged corpus is told by the stamp of the generation in use
    /// (see [`annalist::store::stamp`]) when it has one.
    ///
    /// While another process builds into the store, the generation in use is
    /// read as it is (a build never changes it), with a warning, instead of
    /// failing on the build lock.
    pub fn ensure_built(&self) -> Result<()> {
        let ready = match pipeline::ensure_built_quickly(&self.build) {
            Err(annalist::Error::StoreBusy { path })
                if StoreDir::new(&self.build.store).current()?.is_some() =>
            {
                if !self.quiet {
                    eprintln!(
                        "warning: {}: another annalist process is building the store; \
                         reading the generation in use, which may not hold the latest changes",
                        path.display()
                    );
                }
                return Ok(());
            }
            other => other?,
        };
        if let Some(summary) = &ready.summary {
            self.report(summary);
        }
        for w in ready.warnings {
            eprintln!("warning: {w}");
        }
        if let Some(summary) = ready.summary {
            build::answer_ahead(self, &summary, false);
        }
        if let Some(texts) = ready.texts {
            *self.texts.borrow_mut() = Some(texts);
        }
        Ok(())
    }

    /// Whether to print a table: the format asked for, or a terminal.
    pub fn table(format: Option<ListFormat>) -> bool {
        match format {
            None => std::io::stdout().is_terminal(),
            Some(ListFormat::Table) => true,
            Some(ListFormat::Tsv) => false,
        }
    }

    /// Prints a build summary and its warnings on standard error.
    pub fn report(&self, summary: &pipeline::Summary) {
        for w in &summary.warnings {
            eprintln!("warning: {w}");
        }
        if !self.quiet {
            eprintln!("{summary}");
        }
    }
}

/// A `--timeout` in seconds as a [`Duration`]: positive and countable, or
/// a usage error with `fix`.
pub fn seconds(value: f64, fix: &str) -> Result<std::time::Duration> {
    Some(value)
        .filter(|t| *t > 0.0)
        .and_then(|t| std::time::Duration::try_from_secs_f64(t).ok())
        .ok_or_else(|| annalist::Error::Usage {
            message: format!(
                "--timeout {value} is not a positive number of seconds that a clock can count"
            ),
            fix: fix.into(),
        })
}

/// A value's name on the command line.
pub fn name(value: impl clap::ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// How a command that ran to its end finishes: exit status 0, or 1 when
/// its answer is no (an ASK answered false, an evaluation below
/// `--min-f1`). An error is exit status 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success,
    No,
}

/// A progress bar on standard error for a build's progress. Small corpora
/// build faster than a bar can be read: under 1 MiB of text, none is drawn.
fn progress_bar() -> pipeline::Progress {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar: std::sync::Mutex<Option<ProgressBar>> = std::sync::Mutex::new(None);
    pipeline::Progress(std::sync::Arc::new(move |p: pipeline::BuildProgress| {
        if p.total_bytes < 1 << 20 {
            return;
        }
        let mut bar = bar.lock().unwrap_or_else(|e| e.into_inner());
        let b = bar.get_or_insert_with(|| {
            let b =
                ProgressBar::with_draw_target(Some(p.total_bytes), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} tagging {bar:30} {bytes}/{total_bytes} {msg}",
                )
                .expect("a valid progress template"),
            );
            b
        });
        b.set_position(p.done_bytes);
        if p.done_bytes >= p.total_bytes {
            b.finish_and_clear();
            *bar = None;
        }
    }))
}
