//! The on-disk store: Oxigraph (RocksDB) databases kept as generations.
//!
//! A store directory holds numbered generations `gen-000001/`, … and a file
//! `CURRENT` naming the one in use, with a `gen-NNNNNN.build.toml` beside
//! each finished one (what was built, from what) and its ledger
//! `gen-NNNNNN.files.csv` (what each text file contributed). A build may
//! start its generation as a checkpoint of the current one and change only
//! the named graphs of changed files. A build writes a new
//! generation aside and then replaces `CURRENT` by an atomic rename, so a
//! build that fails or is killed leaves the previous store readable, and
//! readers never see a half-built store. A lock file keeps two builds from
//! running at once; readers open generations read-only and need no lock.
//!
//! [`StoreDir::inspect`] tells a damaged store (a `CURRENT` that names no
//! finished generation, a record or ledger that does not read, a RocksDB
//! database that lost a file or had one cut short) so that a build can
//! build it anew rather than call it up to date.
//!
//! Each generation has its search index beside it, `gen-NNNNNN.search/`
//! (see [`crate::store::search`]), made and removed with it, may keep the
//! answers of slow queries in `gen-NNNNNN.answers/` (see
//! [`crate::store::answers`]), removed with it, and may have a stamp,
//! `gen-NNNNNN.stamp` (see [`crate::store::stamp`]), written by the check that
//! last found it up to date and removed with it.
//!
//! Every reader (a reading command, `annalist serve`) opens a generation
//! through [`StoreDir::open_reader`], which holds a shared lock on
//! `gen-NNNNNN.readers` for as long as it is open; a build removes old
//! generations only when it can lock that file exclusively, so a generation
//! is never deleted under a reader. A build removes the previous generation
//! as it commits when no reader holds it, or else the first build after its
//! last reader let go: a store takes the disk of one generation.
//!
//! Invariant: `CURRENT` only ever names a generation whose build finished.

pub mod answers;
pub mod compact;
pub mod ledger;
pub mod search;
pub mod spliced;
pub mod stamp;
pub mod summary;

use crate::error::{Error, Result};
use crate::store::ledger::{Ledger, Record};
use oxigraph::store::Store;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

const CURRENT: &str = "CURRENT";
const LOCK: &str = "build.lock";
const LEDGER: &str = "files.csv";
const READERS: &str = "readers";

/// What a finished build recorded about itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BuildInfo {
    /// Hash of everything the build read; a different corpus has another.
    pub fingerprint: String,
    pub annalist_version: String,
    pub base_iri: String,
    pub files: usize,
    pub documents: usize,
    pub entities: usize,
    pub linked_entities: usize,
    pub mentions: usize,
    pub ambiguous_mentions: usize,
    /// Relations and events stated in `relations.csv`.
    #[serde(default)]
    pub claims: usize,
    /// Date expressions found in the texts.
    #[serde(default)]
    pub dates: usize,
    /// Every quad of the store, the summary graph's included.
    pub quads: usize,
    /// The quads of the summary graph ([`summary`]).
    #[serde(default)]
    pub summary_quads: usize,
    /// Hash of what every file depends on (program, ontology, gazetteer,
    /// claims, overrides, the corpus header): when it changes, every file
    /// is described again.
    #[serde(default)]
    pub inputs: String,
    /// When the build started, in nanoseconds since the epoch.
    #[serde(default)]
    pub started_ns: u128,
}

/// What [`StoreDir::inspect`] finds of the store in use.
#[derive(Debug)]
pub enum Inspection {
    /// What is wrong with it.
    Damaged(String),
    /// Whole (or not built yet), with the ledger of the generation in use
    /// when it has one.
    Sound(Option<Ledger>),
}

/// A store directory.
#[derive(Debug, Clone)]
pub struct StoreDir {
    path: PathBuf,
}

impl StoreDir {
    pub fn new(path: impl Into<PathBuf>) -> StoreDir {
        StoreDir { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fails when the store path is something other than a directory.
    pub fn check_is_dir(&self) -> Result<()> {
        if self.path.exists() && !self.path.is_dir() {
            return Err(Error::Usage {
                message: format!(
                    "{}: the store path is a file, not a directory",
                    self.path.display()
                ),
                fix: "pass --store with a directory (it is created if missing), or move the file away".into(),
            });
        }
        Ok(())
    }

    /// What is wrong with the store in use, if anything: `CURRENT` that
    /// names no finished generation, a build record or ledger that does not
    /// read, a RocksDB database without its own `CURRENT`, a table file cut
    /// short, or a database that does not open. Sound when there is no
    /// store yet, or it is whole; then with the ledger of the generation in
    /// use, which the check reads whole anyway (a second read of a
    /// 244,000-row ledger costs a third of a second). Reads only; costs an
    /// open of the database.
    pub fn inspect(&self) -> Result<Inspection> {
        let damaged = |what: String| Ok(Inspection::Damaged(what));
        self.check_is_dir()?;
        let current = self.path.join(CURRENT);
        let name = match fs::read(&current) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Inspection::Sound(None))
            }
            Err(e) => return damaged(format!("{}: {e}", current.display())),
        };
        let name = match std::str::from_utf8(&name) {
            Ok(n) if is_generation_name(n.trim()) => n.trim().to_string(),
            _ => return damaged(format!("{} does not name a generation", current.display())),
        };
        let generation = self.path.join(&name);
        if !generation.is_dir() {
            return damaged(format!(
                "{} names {name}, which is missing",
                current.display()
            ));
        }
        if let Err(e) = self.current() {
            return damaged(e.to_string());
        }
        let ledger = self.path.join(format!("{name}.{LEDGER}"));
        let ledger = match ledger.is_file().then(|| Ledger::read(&ledger)) {
            Some(Err(e)) => return damaged(e.to_string()),
            Some(Ok(ledger)) => Some(ledger),
            None => None,
        };
        if !generation.join("CURRENT").is_file() {
            return damaged(format!(
                "the database {} has lost its CURRENT file",
                generation.display()
            ));
        }
        let entries = fs::read_dir(&generation).map_err(|e| Error::io(&generation, e))?;
        for entry in entries {
            let path = entry.map_err(|e| Error::io(&generation, e))?.path();
            if path.extension().is_some_and(|x| x == "sst") && !whole_table(&path) {
                return damaged(format!("the table file {} is cut short", path.display()));
            }
        }
        if let Err(e) = Store::open_read_only(&generation) {
            return damaged(format!("{}: {e}", generation.display()));
        }
        Ok(Inspection::Sound(ledger))
    }

    /// The generation in use and its build record, if a build finished.
    pub fn current(&self) -> Result<Option<(PathBuf, BuildInfo)>> {
        self.check_is_dir()?;
        let current = self.path.join(CURRENT);
        let name = match fs::read_to_string(&current) {
            Ok(n) if is_generation_name(n.trim()) => n.trim().to_string(),
            Ok(_) => return Err(damaged(&current, "it does not name a generation")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(damaged(&current, "it does not name a generation"))
            }
            Err(e) => return Err(Error::io(current, e)),
        };
        let info = self.build_info(&name)?;
        Ok(Some((self.path.join(name), info)))
    }

    /// Replaces the ledger of the generation in use, when only the times of
    /// unchanged files changed.
    pub fn refresh_ledger<'r>(&self, ledger: impl IntoIterator<Item = &'r Record>) -> Result<()> {
        let Some(name) = self.current_name() else {
            return Ok(());
        };
        let tmp = self.path.join(format!("{name}.{LEDGER}.tmp"));
        write_ledger(&tmp, ledger)?;
        let path = self.path.join(format!("{name}.{LEDGER}"));
        fs::rename(&tmp, &path).map_err(|e| Error::io(path, e))
    }

    /// The build record of generation `name`.
    fn build_info(&self, name: &str) -> Result<BuildInfo> {
        let info_path = self.path.join(format!("{name}.build.toml"));
        let info = fs::read_to_string(&info_path)
            .map_err(|e| damaged(&info_path, &format!("the build record does not read: {e}")))?;
        toml::from_str(&info).map_err(|e| {
            damaged(
                &info_path,
                &format!("the build record does not parse: {}", e.message().trim()),
            )
        })
    }

    /// Opens generation `name` read-only, with its build record, without
    /// keeping builds from removing it: only under a [`Lease`].
    fn open_named(&self, name: &str) -> Result<(Store, BuildInfo)> {
        let path = self.path.join(name);
        let info = self.build_info(name)?;
        let store = Store::open_read_only(&path).map_err(|e| Error::storage(&path, e))?;
        Ok((store, info))
    }

    /// The name of the generation `CURRENT` names (`gen-NNNNNN`), if any:
    /// one small file read, cheap enough to ask before every request.
    pub fn current_generation(&self) -> Option<String> {
        self.current_name().filter(|n| is_generation_name(n))
    }

    /// Opens the generation in use read-only and keeps it from being
    /// removed by later builds until the [`Reader`] is dropped.
    pub fn open_reader(&self) -> Result<Reader> {
        let lease = self.lease()?;
        let (store, info) = self.open_named(&lease.name)?;
        Ok(Reader { store, info, lease })
    }

    /// Keeps the generation in use from being removed by later builds until
    /// the [`Lease`] is dropped, without opening its database: for readers
    /// of its other files (the search index).
    pub fn lease(&self) -> Result<Lease> {
        // A build may commit and remove between reading CURRENT and taking
        // the lease: then the generation is gone, and CURRENT names a newer
        // one; try again.
        for _ in 0..8 {
            let Some(name) = self.current_generation() else {
                return Err(Error::StoreMissing {
                    path: self.path.clone(),
                });
            };
            let lease_path = self.path.join(format!("{name}.{READERS}"));
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lease_path)
                .map_err(|e| Error::io(&lease_path, e))?;
            match file.try_lock_shared() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => continue,
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lease_path, e)),
            }
            if self.current_generation().as_deref() != Some(name.as_str())
                || !self.path.join(&name).is_dir()
            {
                continue;
            }
            return Ok(Lease {
                path: self.path.join(&name),
                name,
                _file: file,
            });
        }
        Err(Error::StoreBusy {
            path: self.path.clone(),
        })
    }

    /// Starts a new generation. Fails with [`Error::StoreBusy`] while another
    /// process builds into the same directory.
    pub fn begin(&self) -> Result<Generation> {
        self.check_is_dir()?;
        fs::create_dir_all(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let lock_path = self.path.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Error::StoreBusy {
                    path: self.path.clone(),
                })
            }
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        let current = self.current_name();
        // Generations that no CURRENT names are leftovers of failed builds.
        self.remove_generations(|n| Some(n) != current.as_deref())?;
        let next = self
            .generations()?
            .into_iter()
            .map(|(n, _)| n)
            .max()
            .unwrap_or(0)
            + 1;
        let name = format!("gen-{next:06}");
        let path = self.path.join(&name);
        crate::store::stamp::remove(&self.path, &name);
        Ok(Generation {
            dir: self.clone(),
            name,
            path,
            _lock: lock,
            committed: false,
        })
    }

    fn current_name(&self) -> Option<String> {
        fs::read_to_string(self.path.join(CURRENT))
            .ok()
            .map(|s| s.trim().to_string())
    }

    fn generations(&self) -> Result<Vec<(u64, String)>> {
        let mut out = Vec::new();
        let entries = match fs::read_dir(&self.path) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&self.path, e))?;
            let name = entry.file_name().to_string_lossy().to_string();
            if let Some(n) = name
                .strip_prefix("gen-")
                .filter(|n| n.len() == 6)
                .and_then(|n| n.parse::<u64>().ok())
            {
                out.push((n, name));
            }
        }
        Ok(out)
    }

    fn remove_generations(&self, doomed: impl Fn(&str) -> bool) -> Result<()> {
        for (_, name) in self.generations()? {
            if doomed(&name) {
                // A generation a reader holds stays until it lets go.
                let lease_path = self.path.join(format!("{name}.{READERS}"));
                let lease = match File::options().write(true).open(&lease_path) {
                    Ok(f) => match f.try_lock() {
                        Ok(()) => Some(f),
                        Err(fs::TryLockError::WouldBlock) => continue,
                        Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lease_path, e)),
                    },
                    Err(_) => None,
                };
                let path = self.path.join(&name);
                fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
                let _ = fs::remove_dir_all(crate::store::search::index_dir(&path));
                let _ = fs::remove_dir_all(crate::store::answers::answers_dir(&path));
                let _ = fs::remove_file(self.path.join(format!("{name}.build.toml")));
                let _ = fs::remove_file(self.path.join(format!("{name}.{LEDGER}")));
                crate::store::stamp::remove(&self.path, &name);
                if lease.is_some() {
                    let _ = fs::remove_file(&lease_path);
                }
            }
        }
        Ok(())
    }
}

/// A generation opened read-only by a reader; while it lives, no build
/// removes the generation.
pub struct Reader {
    pub store: Store,
    pub info: BuildInfo,
    /// What keeps the generation on disk, and its name.
    pub lease: Lease,
}

/// A shared lock on `gen-NNNNNN.readers`: while it is held, no build
/// removes generation `name`.
pub struct Lease {
    /// `gen-NNNNNN`.
    pub name: String,
    /// The generation's directory.
    pub path: PathBuf,
    _file: File,
}

/// A generation being built. Dropped without [`Generation::commit`], it is
/// deleted and the previous generation stays in use.
pub struct Generation {
    dir: StoreDir,
    name: String,
    path: PathBuf,
    _lock: File,
    committed: bool,
}

impl Generation {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the new generation's database for loading.
    pub fn open(&self) -> Result<Store> {
        Store::open(&self.path).map_err(|e| Error::storage(&self.path, e))
    }

    /// Starts the new generation as a copy of the generation in use (a
    /// RocksDB checkpoint: hard links to its immutable files), and opens it
    /// for changes. The generation in use is only read.
    pub fn open_copy_of_current(&self) -> Result<Store> {
        let Some((current, _)) = self.dir.current()? else {
            return self.open();
        };
        let store = Store::open_read_only(&current).map_err(|e| Error::storage(&current, e))?;
        store
            .backup(&self.path)
            .map_err(|e| Error::storage(&self.path, e))?;
        drop(store);
        self.open()
    }

    /// Records the build and makes this generation the current one. The
    /// store opened by [`Generation::open`] must have been dropped.
    pub fn commit<'r>(
        mut self,
        info: &BuildInfo,
        ledger: impl IntoIterator<Item = &'r Record>,
    ) -> Result<()> {
        let root = self.dir.path.clone();
        write_ledger(&root.join(format!("{}.{LEDGER}", self.name)), ledger)?;
        let info_path = root.join(format!("{}.build.toml", self.name));
        let text = toml::to_string(info).expect("a build record serialises");
        write_synced(&info_path, text.as_bytes())?;
        let tmp = root.join(format!("{CURRENT}.tmp"));
        write_synced(&tmp, format!("{}\n", self.name).as_bytes())?;
        fs::rename(&tmp, root.join(CURRENT)).map_err(|e| Error::io(root.join(CURRENT), e))?;
        self.committed = true;
        // The previous generation goes now, unless a reader holds it; then
        // the first build after its last reader let go removes it.
        self.dir.remove_generations(|n| n != self.name)
    }
}

impl Drop for Generation {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.path);
            let _ = fs::remove_dir_all(crate::store::search::index_dir(&self.path));
            let _ = fs::remove_dir_all(crate::store::answers::answers_dir(&self.path));
        }
    }
}

/// `gen-` and six digits.
fn is_generation_name(name: &str) -> bool {
    name.strip_prefix("gen-")
        .is_some_and(|n| n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// An error for a damaged store file.
fn damaged(path: &Path, what: &str) -> Error {
    crate::error::InputError::new(
        path,
        format!("the store is damaged: {what}"),
        "run `annalist build`: it finds the damage and builds the store anew",
    )
    .into()
}

/// Whether a RocksDB table file ends with the magic number of its footer
/// (block-based or plain table): a file cut short does not.
fn whole_table(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    const MAGIC: [u64; 3] = [
        0x88e2_41b7_85f4_cff7, // block-based table
        0xdb47_7524_8b80_fb57, // legacy block-based table
        0x8242_2296_63bf_9564, // plain table
    ];
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    let mut tail = [0u8; 8];
    if f.seek(SeekFrom::End(-8)).is_err() || f.read_exact(&mut tail).is_err() {
        return false;
    }
    MAGIC.contains(&u64::from_le_bytes(tail))
}

/// Writes a ledger of `records` to `path` as it is formatted, and syncs it.
fn write_ledger<'r>(path: &Path, records: impl IntoIterator<Item = &'r Record>) -> Result<()> {
    write_synced_by(path, |out| ledger::write(records, out))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    write_synced_by(path, |out| out.write_all(bytes))
}

/// Creates `path`, has `write` write it through a buffer, and syncs it.
fn write_synced_by(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    write(&mut out).map_err(|e| Error::io(path, e))?;
    let file = out
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphNameRef, NamedNodeRef, QuadRef};

    /// Commits a generation holding one quad whose object is `n`.
    fn build(dir: &StoreDir, n: &str) {
        let g = dir.begin().unwrap();
        let store = g.open().unwrap();
        let node = |s| NamedNodeRef::new(s).unwrap();
        let object = format!("urn:{n}");
        store
            .insert(QuadRef::new(
                node("urn:s"),
                node("urn:p"),
                node(&object),
                GraphNameRef::DefaultGraph,
            ))
            .unwrap();
        drop(store);
        let info = BuildInfo {
            fingerprint: n.into(),
            annalist_version: "test".into(),
            base_iri: "urn:".into(),
            files: 0,
            documents: 0,
            entities: 0,
            linked_entities: 0,
            mentions: 0,
            ambiguous_mentions: 0,
            claims: 0,
            dates: 0,
            quads: 1,
            summary_quads: 0,
            inputs: String::new(),
            started_ns: 0,
        };
        g.commit(&info, &Ledger::default().records).unwrap();
    }

    #[test]
    fn a_reader_keeps_its_generation_through_later_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = StoreDir::new(tmp.path().join("store"));
        build(&dir, "one");
        let reader = dir.open_reader().unwrap();
        assert_eq!(reader.lease.name, "gen-000001");
        build(&dir, "two");
        build(&dir, "three");
        build(&dir, "four");
        // Still there, and still readable, while held.
        assert!(dir.path().join("gen-000001").is_dir());
        assert_eq!(reader.store.len().unwrap(), 1);
        assert!(
            !dir.path().join("gen-000002").exists(),
            "unheld old ones go"
        );
        assert_eq!(dir.open_reader().unwrap().lease.name, "gen-000004");
        drop(reader);
        build(&dir, "five");
        assert!(
            !dir.path().join("gen-000001").exists(),
            "removed once let go"
        );
        assert!(!dir.path().join("gen-000001.readers").exists());
    }
}
