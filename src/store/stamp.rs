//! The stamp of a store generation, `gen-NNNNNN.stamp`: what the last full
//! check of the corpus against that generation saw, so that a reading
//! command can tell an unchanged corpus by one `stat` of each file and
//! directory, without reading the manifest, the document sheet, the
//! gazetteer or the ledger.
//!
//! A stamp names every entry the full check depends on: the manifest, the
//! document sheet, the gazetteer, the claims, the overrides, every text
//! file, and every directory under the corpus directory (hidden ones and
//! the store left out, as the corpus leaves them out), grouped by
//! directory. For each directory it keeps three BLAKE3 digests of the size,
//! modification time, change time, inode and device of its entries: of the
//! directory itself, of its *inputs* (the files every document depends on:
//! manifest, sheet, gazetteer, claims, overrides) and of its *texts*. It
//! keeps one digest of the store generation's own files (its build record,
//! its ledger, its database and search index files), with the corpus's
//! warnings and what the program and the corpus path were. [`compare`]
//! stats the same entries, on every core, and compares the digests.
//!
//! The directories and inputs make the *frame*; the text files the
//! *texts*. A file added, removed or renamed changes its directory, so the
//! frame, a few `stat`s, sees every change but an edit of a text in place.
//! When something changed, the directories whose texts did not are named in
//! a [`Trust`]: the full check that follows takes their files' ledger
//! records as they are, without a `stat` or a key of each, and the stamp it
//! writes keeps their digests. Under [`CheckMode::Background`]
//! [`compare`] compares the frame at once and hands the texts to a thread
//! ([`TextCheck`]): the command answers from the generation in use while the
//! texts are looked at, and is told afterwards when one changed, and the
//! stamp is removed so that the next command checks in full.
//!
//! Invariant: a stamp is written only after a full check that found or
//! left the store up to date, and only when every corpus entry's change
//! time lies more than [`SETTLED_NS`] before that check began. A change to
//! an entry after that (an edit in place, a file added to or removed from
//! a directory, a rename, a `touch` that sets the old time back) gives it a
//! later change time, which no program can set back, so [`compare`] says
//! [`Comparison::Unchanged`] (with its [`TextCheck`] finished and finding
//! nothing) only when a full check would find the store up to date and
//! print the same warnings; and a directory is in a [`Trust`] only when
//! its text files are those the stamp names, with the digest it keeps, and
//! no input changed, so that their ledger records are still current.

use crate::input::corpus::Corpus;
use std::collections::BTreeMap;
use std::ffi::{CStr, CString};
use std::fs;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// How long before a check an entry must have last changed to be stamped:
/// file times are kept in coarse ticks, and some file systems keep them to
/// two seconds, so a change in the tick of the check could keep its time.
pub const SETTLED_NS: u128 = 2_000_000_000;

const MAGIC: &str = "annalist stamp 3";

/// From how many text files [`CheckMode::Auto`] looks at the texts in the
/// background: below it, the whole check costs a few tens of milliseconds.
pub const BACKGROUND_FROM: usize = 50_000;
const SUFFIX: &str = "stamp";

/// What one `stat` says of an entry: the fields a change moves.
struct Stat {
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    ino: u64,
    dev: u64,
}

impl Stat {
    /// The bytes the digest takes.
    fn bytes(&self) -> [u8; 56] {
        let mut b = [0u8; 56];
        let fields = [
            self.size,
            self.mtime.0 as u64,
            self.mtime.1 as u64,
            self.ctime.0 as u64,
            self.ctime.1 as u64,
            self.ino,
            self.dev,
        ];
        for (i, f) in fields.iter().enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&f.to_le_bytes());
        }
        b
    }

    /// The change time, in nanoseconds since the epoch (0 before).
    fn ctime_ns(&self) -> u128 {
        match u128::try_from(self.ctime.0) {
            Ok(s) => s * 1_000_000_000 + self.ctime.1.max(0) as u128,
            Err(_) => 0,
        }
    }
}

impl From<&fs::Metadata> for Stat {
    fn from(m: &fs::Metadata) -> Stat {
        Stat {
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
            dev: m.dev(),
        }
    }
}

impl From<&libc::stat> for Stat {
    #[allow(clippy::unnecessary_cast)] // the field types differ between targets
    fn from(st: &libc::stat) -> Stat {
        Stat {
            size: st.st_size as u64,
            mtime: (st.st_mtime as i64, st.st_mtime_nsec as i64),
            ctime: (st.st_ctime as i64, st.st_ctime_nsec as i64),
            ino: st.st_ino as u64,
            dev: st.st_dev as u64,
        }
    }
}

/// The program's part of the inputs: its version, the digest of its
/// sources and its ontology.
fn program() -> String {
    let mut h = blake3::Hasher::new();
    for part in [
        env!("CARGO_PKG_VERSION"),
        crate::SOURCE_DIGEST,
        crate::rdf::vocab::ONTOLOGY_TTL,
    ] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

/// When a reading command looks at the corpus's text files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CheckMode {
    /// In the background from [`BACKGROUND_FROM`] text files, else first.
    #[default]
    Auto,
    /// Always before the command answers.
    Full,
    /// Always while the command answers: an edit in place is told after.
    Background,
}

/// The entries of one directory under a corpus (relative to the corpus,
/// `.` for itself; the directory is an entry of its own): the names of the
/// files in it the check reads, inputs every document depends on apart
/// from texts, in the order of the stamp.
#[derive(Debug, Clone, Default)]
struct Group<S> {
    dir: S,
    inputs: Vec<S>,
    texts: Vec<S>,
}

/// The digests of one directory's entries (hexadecimal, 128 bits each):
/// of the directory itself, of its inputs, of its texts. A look at one
/// part fills only that part's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Seen<S> {
    dir: S,
    inputs: S,
    texts: S,
}

impl Seen<&str> {
    fn owned(&self) -> Seen<String> {
        Seen {
            dir: self.dir.to_string(),
            inputs: self.inputs.to_string(),
            texts: self.texts.to_string(),
        }
    }
}

/// What a full check may take from the stamp when [`compare`] found a
/// change: the directories whose text files are as the stamp names them.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// By directory (relative to the corpus, `.` for itself).
    groups: std::collections::HashMap<String, Kept>,
}

/// One directory of the stamp, as [`compare`] found it again.
#[derive(Debug, Clone)]
struct Kept {
    /// The digest of the names of its text files, in the stamp's order.
    names: [u8; 16],
    /// The digest of the names of its inputs.
    inputs: [u8; 16],
    /// Its digests in the stamp.
    seen: Seen<String>,
    /// Whether the directory itself is unchanged: no entry was added,
    /// removed or renamed in it.
    dir_same: bool,
    /// Whether every text file in it is unchanged.
    texts_same: bool,
}

impl Trust {
    /// The directories, of those a corpus's [`Watch`] names, whose text
    /// files are unchanged since the stamp: the same names, in the same
    /// order, with the same digest.
    pub fn unchanged_dirs<'w>(&self, watch: &'w Watch) -> std::collections::HashSet<&'w str> {
        watch
            .groups
            .values()
            .filter(|g| {
                self.groups
                    .get(&g.dir)
                    .is_some_and(|k| k.texts_same && k.names == names_digest(&g.texts))
            })
            .map(|g| g.dir.as_str())
            .collect()
    }

    /// The digests the stamp keeps for `group` when they still hold: its
    /// directory and texts unchanged, and the same names in it.
    fn kept(&self, group: &Group<String>) -> Option<Seen<String>> {
        let k = self.groups.get(&group.dir)?;
        (k.dir_same
            && k.texts_same
            && k.names == names_digest(&group.texts)
            && k.inputs == names_digest(&group.inputs))
        .then(|| k.seen.clone())
    }
}

/// The digest of a list of names, in order.
fn names_digest<S: AsRef<str>>(names: &[S]) -> [u8; 16] {
    let mut h = blake3::Hasher::new();
    for n in names {
        h.update(&(n.as_ref().len() as u64).to_le_bytes());
        h.update(n.as_ref().as_bytes());
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize().as_bytes()[..16]);
    out
}

/// 128 bits of a digest, as hexadecimal.
fn short_hex(h: &blake3::Hasher) -> String {
    h.finalize().to_hex()[..32].to_string()
}

impl<S> Group<S> {
    fn entries(&self, part: Part) -> usize {
        match part {
            Part::Frame => 1 + self.inputs.len(),
            Part::Texts => self.texts.len(),
        }
    }
}

/// Which entries a digest covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Every directory and every input but the texts.
    Frame,
    /// Every text file.
    Texts,
}

/// What a full check read of a corpus, to be stamped once it is done.
#[derive(Debug, Clone)]
pub struct Watch {
    root: PathBuf,
    groups: BTreeMap<String, Group<String>>,
    warnings: Vec<String>,
}

impl Watch {
    /// The entries of `corpus` and the warnings a check prints, or None
    /// when the corpus cannot be stamped: it may read outside its
    /// directory, a file lies in a hidden directory (a folder there is
    /// walked, which the stamp does not follow), or a name or warning
    /// holds a line break.
    pub fn new(corpus: &Corpus, allow_outside: bool, warnings: Vec<String>) -> Option<Watch> {
        if allow_outside || warnings.iter().any(|w| w.contains(['\n', '\r'])) {
            return None;
        }
        let root = fs::canonicalize(&corpus.dir).ok()?;
        let inputs = [
            Some(corpus.manifest_path()),
            corpus.documents_path.as_deref(),
            Some(corpus.gazetteer_path.as_path()),
            corpus.relations_path.as_deref(),
            corpus.overrides_path.as_deref(),
        ];
        // Grouped as they come, with no copy of a path but its name: a
        // large corpus has hundreds of thousands.
        let mut groups: BTreeMap<String, Group<String>> = BTreeMap::new();
        let mut put = |f: &str, part: Part| -> Option<()> {
            if f.contains(['\n', '\r'])
                || f.starts_with('/')
                || f.split('/').any(|c| c == ".." || c.is_empty())
            {
                return None;
            }
            let (dir, name) = f.rsplit_once('/').unwrap_or((".", f));
            if !groups.contains_key(dir) {
                let group = Group {
                    dir: dir.to_string(),
                    ..Group::default()
                };
                groups.insert(dir.to_string(), group);
            }
            let group = groups.get_mut(dir)?;
            match part {
                Part::Frame => group.inputs.push(name.to_string()),
                Part::Texts => group.texts.push(name.to_string()),
            }
            Some(())
        };
        for p in inputs.into_iter().flatten() {
            let rel = p.strip_prefix(&corpus.dir).ok()?;
            put(&rel.to_str()?.replace('\\', "/"), Part::Frame)?;
        }
        for f in &corpus.files {
            if f.path.split('/').any(|c| c.starts_with('.')) {
                return None;
            }
            put(&f.path, Part::Texts)?;
        }
        Some(Watch {
            root,
            groups,
            warnings,
        })
    }

    /// Writes the stamp of the generation in use of the store at `store`,
    /// for a check that began at `began_ns` (nanoseconds since the epoch).
    /// Writes nothing, and removes an earlier stamp, when an entry changed
    /// too recently to be trusted (see [`SETTLED_NS`]) or cannot be read.
    /// Never fails: a stamp only saves time.
    pub fn write(mut self, store: &Path, began_ns: u128, trust: &Trust) {
        let Some(name) = current_name(store) else {
            return;
        };
        let path = store.join(format!("{name}.{SUFFIX}"));
        let text = self.stamp(store, &name, began_ns, trust);
        let _ = fs::remove_file(&path);
        let Some(text) = text else {
            return;
        };
        let tmp = store.join(format!("{name}.{SUFFIX}.{}.tmp", std::process::id()));
        if fs::write(&tmp, text).is_err() || fs::rename(&tmp, &path).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }

    /// The text of the stamp, or None when it cannot be made. A directory
    /// `trust` found unchanged is not read again, and one whose entries are
    /// all as it found them keeps its digests without a `stat`.
    fn stamp(&mut self, store: &Path, name: &str, began_ns: u128, trust: &Trust) -> Option<String> {
        // Every directory under the corpus, but hidden ones and the store.
        // Those of an unchanged directory are those the stamp named.
        let mut children: std::collections::HashMap<&str, Vec<&str>> = Default::default();
        for d in trust.groups.keys().filter(|d| d.as_str() != ".") {
            let parent = d.rsplit_once('/').map_or(".", |(p, _)| p);
            children.entry(parent).or_default().push(d);
        }
        let store_real = fs::canonicalize(store).ok();
        let mut pending = vec![(self.root.clone(), ".".to_string())];
        let mut dirs = Vec::new();
        while let Some((dir, rel)) = pending.pop() {
            if trust.groups.get(&rel).is_some_and(|k| k.dir_same) {
                for c in children.get(rel.as_str()).into_iter().flatten() {
                    pending.push((self.root.join(c), c.to_string()));
                }
                dirs.push(rel);
                continue;
            }
            for entry in fs::read_dir(&dir).ok()?.flatten() {
                let file_name = entry.file_name();
                if file_name.as_encoded_bytes().starts_with(b".")
                    || !entry.file_type().ok()?.is_dir()
                {
                    continue;
                }
                let path = entry.path();
                if Some(&path) == store_real.as_ref() {
                    continue;
                }
                let n = file_name.to_str()?;
                if n.contains(['\n', '\r']) {
                    return None;
                }
                let sub = if rel == "." {
                    n.to_string()
                } else {
                    format!("{rel}/{n}")
                };
                pending.push((path, sub));
            }
            dirs.push(rel);
        }
        for d in dirs {
            self.groups.entry(d.clone()).or_insert_with(|| Group {
                dir: d,
                ..Group::default()
            });
        }
        let groups: Vec<Group<String>> = std::mem::take(&mut self.groups).into_values().collect();
        // The digests kept, and the groups to look at.
        let mut seen: Vec<Option<Seen<String>>> = groups.iter().map(|g| trust.kept(g)).collect();
        let todo: Vec<Group<&str>> = groups
            .iter()
            .zip(&seen)
            .filter(|(_, s)| s.is_none())
            .map(|(g, _)| Group {
                dir: g.dir.as_str(),
                inputs: g.inputs.iter().map(String::as_str).collect(),
                texts: g.texts.iter().map(String::as_str).collect(),
            })
            .collect();
        let (frame, frame_change) = digests(&self.root, &todo, Part::Frame);
        let (texts, texts_change) = digests(&self.root, &todo, Part::Texts);
        let unread = |s: &Seen<String>| s.dir.is_empty() || s.inputs.is_empty();
        if frame.iter().any(unread)
            || texts.iter().any(|s| s.texts.is_empty())
            || frame_change.max(texts_change) + SETTLED_NS >= began_ns
        {
            return None;
        }
        let mut looked = frame.into_iter().zip(texts);
        for s in seen.iter_mut().filter(|s| s.is_none()) {
            let (frame, texts) = looked.next()?;
            *s = Some(Seen {
                texts: texts.texts,
                ..frame
            });
        }
        let store_digest = store_digest(store, name)?;
        let mut out = format!(
            "{MAGIC}\nprogram {}\ncorpus {}\nstore {store_digest}\n",
            program(),
            self.root.to_str()?
        );
        for w in &self.warnings {
            out.push_str(&format!("warning {w}\n"));
        }
        let mut entries = 0usize;
        for (group, seen) in groups.iter().zip(seen) {
            let seen = seen?;
            out.push_str(&format!(
                "D {} {} {} {}\n",
                seen.dir, seen.inputs, seen.texts, group.dir
            ));
            for n in &group.inputs {
                out.push_str(&format!("I {n}\n"));
            }
            for n in &group.texts {
                out.push_str(&format!("F {n}\n"));
            }
            entries += 1 + group.inputs.len() + group.texts.len();
        }
        out.push_str(&format!("end {entries}\n"));
        Some(out)
    }
}

/// The name of the generation `CURRENT` names, when it names one.
fn current_name(store: &Path) -> Option<String> {
    let name = fs::read_to_string(store.join("CURRENT")).ok()?;
    let name = name.trim();
    let digits = name.strip_prefix("gen-")?;
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| name.to_string())
}

/// The digest of the store generation `name`'s own files: its build
/// record, its ledger and the files of its database and search index
/// (RocksDB's logs, hidden files and locks, which opening them may touch,
/// left out). None when one does not read.
fn store_digest(store: &Path, name: &str) -> Option<String> {
    let mut h = blake3::Hasher::new();
    for file in [format!("{name}.build.toml"), format!("{name}.files.csv")] {
        let m = fs::metadata(store.join(&file)).ok()?;
        h.update(file.as_bytes());
        h.update(&Stat::from(&m).bytes());
    }
    for dir in [name.to_string(), format!("{name}.search")] {
        let mut names: Vec<String> = Vec::new();
        for entry in fs::read_dir(store.join(&dir)).ok()?.flatten() {
            let n = entry.file_name().to_str()?.to_string();
            if !(n.starts_with('.') || n.starts_with("LOG") || n.ends_with(".lock")) {
                names.push(n);
            }
        }
        names.sort_unstable();
        h.update(&(names.len() as u64).to_le_bytes());
        for n in names {
            let m = fs::metadata(store.join(&dir).join(&n)).ok()?;
            h.update(&(n.len() as u64).to_le_bytes());
            h.update(n.as_bytes());
            h.update(&Stat::from(&m).bytes());
        }
    }
    Some(h.finalize().to_hex().to_string())
}

/// The digests of the `part` entries of each of `groups` under `root`, in
/// order (empty for a group whose entries cannot all be read), and the
/// latest change time among them. The entries are looked at on every core.
fn digests<S: AsRef<str> + Sync>(
    root: &Path,
    groups: &[Group<S>],
    part: Part,
) -> (Vec<Seen<String>>, u128) {
    let total: usize = groups.iter().map(|g| g.entries(part)).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(total.div_ceil(4096))
        .max(1);
    // Contiguous runs of groups of about the same number of entries.
    let mut runs: Vec<&[Group<S>]> = Vec::new();
    let (mut from, mut taken) = (0, 0);
    for (i, group) in groups.iter().enumerate() {
        taken += group.entries(part);
        if taken * threads >= total * (runs.len() + 1) || i + 1 == groups.len() {
            runs.push(&groups[from..=i]);
            from = i + 1;
        }
    }
    let looked: Vec<(Vec<Seen<String>>, u128)> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || look(root, run, part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a stat thread"))
            .collect()
    });
    let mut all = Vec::with_capacity(groups.len());
    let mut last = 0;
    for (seen, latest) in looked {
        all.extend(seen);
        last = last.max(latest);
    }
    (all, last)
}

/// The digests of the `part` entries of each of `groups`, in order, and
/// the latest change time among them. A group whose entries cannot all be
/// read has empty digests for the part, which match no stamp's. Each
/// directory is opened once and its files looked at by name in it, which
/// spares the kernel walking the whole path of every file.
fn look<S: AsRef<str>>(root: &Path, groups: &[Group<S>], part: Part) -> (Vec<Seen<String>>, u128) {
    let one = |group: &Group<S>| -> Option<(Seen<String>, u128)> {
        let mut seen = Seen::default();
        let mut last = 0;
        let names = match part {
            Part::Frame => &group.inputs,
            Part::Texts => &group.texts,
        };
        let mut h = blake3::Hasher::new();
        if names.is_empty() && part == Part::Texts {
            seen.texts = short_hex(&h);
            return Some((seen, last));
        }
        let dir = match group.dir.as_ref() {
            "." => fs::File::open(root),
            d => fs::File::open(root.join(d)),
        }
        .ok()?;
        if part == Part::Frame {
            let m = Stat::from(&dir.metadata().ok()?);
            let mut d = blake3::Hasher::new();
            d.update(&m.bytes());
            seen.dir = short_hex(&d);
            last = m.ctime_ns();
        }
        for n in names {
            let st = stat_at(&dir, &CString::new(n.as_ref()).ok()?)?;
            let m = Stat::from(&st);
            h.update(&m.bytes());
            last = last.max(m.ctime_ns());
        }
        match part {
            Part::Frame => seen.inputs = short_hex(&h),
            Part::Texts => seen.texts = short_hex(&h),
        }
        Some((seen, last))
    };
    let mut all = Vec::with_capacity(groups.len());
    let mut last = 0;
    for group in groups {
        let (seen, latest) = one(group).unwrap_or_default();
        all.push(seen);
        last = last.max(latest);
    }
    (all, last)
}

/// `stat` of `name` in the open directory `dir`, links followed.
pub(crate) fn stat_at(dir: &fs::File, name: &CStr) -> Option<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` ends with its NUL, `dir` is an open descriptor, and
    // `st` is read only when fstatat returned 0, having written it.
    let rc = unsafe { libc::fstatat(dir.as_raw_fd(), name.as_ptr(), st.as_mut_ptr(), 0) };
    (rc == 0).then(|| unsafe { st.assume_init() })
}

/// What [`compare`] found: the warnings the last full check printed, and
/// the look at the texts when it runs in the background.
#[derive(Debug)]
pub struct Unchanged {
    pub warnings: Vec<String>,
    pub texts: Option<TextCheck>,
}

/// The look at a corpus's text files, running on its own thread while a
/// command answers from the generation in use.
#[derive(Debug)]
pub struct TextCheck {
    handle: std::thread::JoinHandle<bool>,
    store: PathBuf,
    name: String,
}

impl TextCheck {
    /// Waits for the look to end. True when a text changed since the full
    /// check (or could not be looked at): then the stamp is removed, so
    /// that the next command checks in full and brings the store up to
    /// date.
    pub fn changed(self) -> bool {
        let same = self.handle.join().unwrap_or(false);
        if !same {
            remove(&self.store, &self.name);
        }
        !same
    }
}

/// What the stamp of the generation in use says of a corpus and its store.
#[derive(Debug)]
pub enum Comparison {
    /// The corpus and the store are as the last full check left them.
    Unchanged(Unchanged),
    /// Something changed since that check: a directory, an input, a text
    /// file, a file of the store, or the program. A build is all but
    /// certain; the [`Trust`] names the directories whose texts did not
    /// change (none when an input, the store or the program did).
    Changed(Trust),
    /// Nothing is known: there is no stamp, or it is one of another corpus
    /// path, or it does not read.
    Unknown,
}

/// Whether the stamp of the generation in use shows the corpus at `corpus`
/// and the store at `store` as the last full check left them
/// ([`Comparison::Unchanged`], with the warnings that check printed). Anything
/// else calls for a full check.
///
/// Under [`CheckMode::Background`] (or [`CheckMode::Auto`] from
/// [`BACKGROUND_FROM`] text files) only the frame is compared here, and
/// the texts are looked at by the returned [`TextCheck`]; its answer must
/// be taken before the command's own answer can be called current. When
/// the frame changed but no input did, the texts are looked at here, for
/// the [`Trust`].
pub fn compare(corpus: &Path, store: &Path, allow_outside: bool, mode: CheckMode) -> Comparison {
    if allow_outside {
        return Comparison::Unknown;
    }
    let Some(name) = current_name(store) else {
        return Comparison::Unknown;
    };
    let Ok(text) = fs::read_to_string(store.join(format!("{name}.{SUFFIX}"))) else {
        return Comparison::Unknown;
    };
    let Some(stamp) = Stamp::parse(&text) else {
        return Comparison::Unknown;
    };
    let root = PathBuf::from(stamp.corpus);
    if fs::canonicalize(corpus).ok() != Some(root.clone()) {
        return Comparison::Unknown;
    }
    let changed = || Comparison::Changed(Trust::default());
    if stamp.program != program() || store_digest(store, &name).as_deref() != Some(stamp.store) {
        return changed();
    }
    let (frame, _) = digests(&root, &stamp.groups, Part::Frame);
    let inputs_same = frame
        .iter()
        .zip(&stamp.seen)
        .all(|(now, then)| now.inputs == then.inputs);
    if !inputs_same {
        return changed();
    }
    let frame_same = frame
        .iter()
        .zip(&stamp.seen)
        .all(|(now, then)| now.dir == then.dir);
    let background = match mode {
        CheckMode::Full => false,
        CheckMode::Background => true,
        CheckMode::Auto => {
            stamp.groups.iter().map(|g| g.texts.len()).sum::<usize>() >= BACKGROUND_FROM
        }
    };
    let warnings = || stamp.warnings.iter().map(|w| w.to_string()).collect();
    if !background || !frame_same {
        let (texts, _) = digests(&root, &stamp.groups, Part::Texts);
        let same = |i: usize| texts[i].texts == stamp.seen[i].texts;
        if frame_same && (0..texts.len()).all(same) {
            return Comparison::Unchanged(Unchanged {
                warnings: warnings(),
                texts: None,
            });
        }
        let groups = (0..texts.len())
            .map(|i| {
                let kept = Kept {
                    names: names_digest(&stamp.groups[i].texts),
                    inputs: names_digest(&stamp.groups[i].inputs),
                    seen: stamp.seen[i].owned(),
                    dir_same: frame[i].dir == stamp.seen[i].dir,
                    texts_same: same(i),
                };
                (stamp.groups[i].dir.to_string(), kept)
            })
            .collect();
        return Comparison::Changed(Trust { groups });
    }
    let warnings = warnings();
    drop(stamp);
    // The thread reads its own entries from the stamp's text: the command
    // does not wait for a copy of every name.
    let handle = std::thread::spawn(move || {
        Stamp::parse(&text).is_some_and(|stamp| {
            let (now, _) = digests(&root, &stamp.groups, Part::Texts);
            now.iter()
                .zip(&stamp.seen)
                .all(|(now, then)| now.texts == then.texts)
        })
    });
    Comparison::Unchanged(Unchanged {
        warnings,
        texts: Some(TextCheck {
            handle,
            store: store.to_path_buf(),
            name,
        }),
    })
}

/// A stamp's text, read: every field borrowed from it.
struct Stamp<'a> {
    program: &'a str,
    corpus: &'a str,
    store: &'a str,
    warnings: Vec<&'a str>,
    groups: Vec<Group<&'a str>>,
    /// Each group's digests, in the same order.
    seen: Vec<Seen<&'a str>>,
}

impl<'a> Stamp<'a> {
    /// None when the text is no whole stamp of this format.
    fn parse(text: &'a str) -> Option<Stamp<'a>> {
        let mut lines = text.lines();
        let mut field = |key: &str| -> Option<&'a str> { lines.next()?.strip_prefix(key) };
        if !field(MAGIC)?.is_empty() {
            return None;
        }
        let (program, corpus, store) = (field("program ")?, field("corpus ")?, field("store ")?);
        let mut stamp = Stamp {
            program,
            corpus,
            store,
            warnings: Vec::new(),
            groups: Vec::new(),
            seen: Vec::new(),
        };
        let mut entries = 0usize;
        let mut ended = false;
        for line in lines {
            if ended {
                return None;
            }
            if let Some(w) = line.strip_prefix("warning ") {
                stamp.warnings.push(w);
            } else if let Some(d) = line.strip_prefix("D ") {
                let mut fields = d.splitn(4, ' ');
                let mut digest = || fields.next().filter(|h| h.len() == 32);
                let (dir, inputs, texts) = (digest()?, digest()?, digest()?);
                stamp.seen.push(Seen { dir, inputs, texts });
                stamp.groups.push(Group {
                    dir: fields.next()?,
                    ..Group::default()
                });
                entries += 1;
            } else if let Some(n) = line.strip_prefix("I ") {
                stamp.groups.last_mut()?.inputs.push(n);
                entries += 1;
            } else if let Some(n) = line.strip_prefix("F ") {
                stamp.groups.last_mut()?.texts.push(n);
                entries += 1;
            } else if let Some(n) = line.strip_prefix("end ") {
                // A stamp cut short names fewer entries than it counted.
                if n.parse::<usize>().ok()? != entries {
                    return None;
                }
                ended = true;
            } else {
                return None;
            }
        }
        ended.then_some(stamp)
    }
}

/// Removes the stamp of generation `name` (a generation made anew under an
/// old name must not find one).
pub(crate) fn remove(store: &Path, name: &str) {
    let _ = fs::remove_file(store.join(format!("{name}.{SUFFIX}")));
}
