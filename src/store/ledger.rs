//! The ledger of a store generation: for every text file, what it was built
//! from and what it contributed, kept beside the generation as
//! `gen-NNNNNN.files.csv`.
//!
//! The next build compares the corpus with it. A file whose size and
//! modification time are those recorded is taken as unchanged without
//! being read, unless it was modified in the two seconds before the
//! recording build started (a later edit could then keep the same time);
//! any other file is hashed. A file is described again only when its key
//! changed: the hash of its bytes and of everything the manifest says of
//! it and of its documents.
//!
//! Invariant: two files with the same key, in corpora with the same
//! [`inputs_hash`], give the same quads.

use crate::error::{Error, InputError, Result};
use crate::input::corpus::Corpus;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// What one file was built from and contributed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The path relative to the corpus directory, with `/` separators.
    pub path: String,
    /// The file's id (its node in the corpus graph).
    pub file_id: String,
    /// The hash of the bytes and of the manifest's description.
    pub key: String,
    /// The hash of the bytes alone.
    pub content: String,
    pub size: u64,
    pub mtime_ns: u128,
    /// The ids of its documents (their named graphs).
    pub documents: Vec<String>,
    pub mentions: usize,
    pub ambiguous: usize,
    pub claims: usize,
    pub dates: usize,
    pub quads: usize,
    /// Lines of `relations.csv` with claims far from their entities.
    pub far_claims: Vec<usize>,
}

const COLUMNS: [&str; 13] = [
    "path",
    "file_id",
    "key",
    "content",
    "size",
    "mtime_ns",
    "documents",
    "mentions",
    "ambiguous",
    "claims",
    "dates",
    "quads",
    "far_claims",
];

/// The records of a generation, in corpus order.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub records: Vec<Record>,
}

impl Ledger {
    /// Reads a ledger written by [`write`].
    pub fn read(path: &Path) -> Result<Ledger> {
        let bad = |line: u64, msg: String| -> Error {
            InputError::new(
                path,
                format!("line {line}: {msg}"),
                "rebuild the store with `annalist build --force`",
            )
            .into()
        };
        let mut reader = csv::Reader::from_path(path).map_err(|e| bad(0, e.to_string()))?;
        let mut records = Vec::new();
        let mut row = csv::StringRecord::new();
        while reader
            .read_record(&mut row)
            .map_err(|e| bad(0, e.to_string()))?
        {
            let line = row.position().map_or(0, |p| p.line());
            if row.len() != COLUMNS.len() {
                return Err(bad(
                    line,
                    format!("{} cells, not {}", row.len(), COLUMNS.len()),
                ));
            }
            let num = |i: usize| -> Result<u128> {
                row[i]
                    .parse()
                    .map_err(|_| bad(line, format!("{} is not a number", COLUMNS[i])))
            };
            let list = |s: &str| -> Vec<String> {
                s.split(' ')
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect()
            };
            records.push(Record {
                path: row[0].to_string(),
                file_id: row[1].to_string(),
                key: row[2].to_string(),
                content: row[3].to_string(),
                size: num(4)? as u64,
                mtime_ns: num(5)?,
                documents: list(&row[6]),
                mentions: num(7)? as usize,
                ambiguous: num(8)? as usize,
                claims: num(9)? as usize,
                dates: num(10)? as usize,
                quads: num(11)? as usize,
                far_claims: list(&row[12])
                    .iter()
                    .map(|n| n.parse().map_err(|_| bad(line, "far_claims".into())))
                    .collect::<Result<_>>()?,
            });
        }
        Ok(Ledger { records })
    }
}

/// Writes a ledger of `records` as CSV to `out`, record by record: no copy
/// of them is made in memory (a large corpus's ledger has hundreds of
/// thousands of rows).
pub fn write<'r>(
    records: impl IntoIterator<Item = &'r Record>,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    let mut number = String::new();
    let mut num = |w: &mut csv::Writer<_>, n: &dyn std::fmt::Display| {
        use std::fmt::Write;
        number.clear();
        write!(number, "{n}").expect("writing to a string");
        w.write_field(number.as_bytes())
    };
    for r in records {
        w.write_field(&r.path)?;
        w.write_field(&r.file_id)?;
        w.write_field(&r.key)?;
        w.write_field(&r.content)?;
        num(&mut w, &r.size)?;
        num(&mut w, &r.mtime_ns)?;
        w.write_field(r.documents.join(" "))?;
        num(&mut w, &r.mentions)?;
        num(&mut w, &r.ambiguous)?;
        num(&mut w, &r.claims)?;
        num(&mut w, &r.dates)?;
        num(&mut w, &r.quads)?;
        let far: Vec<String> = r.far_claims.iter().map(usize::to_string).collect();
        w.write_field(far.join(" "))?;
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()
}

/// The hash of some bytes, as hex.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Size and modification time (nanoseconds since the epoch) of a file.
pub fn stat(path: &Path) -> Result<(u64, u128)> {
    let m = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok((m.len(), mtime))
}

/// [`stat`] of files one after another, each directory opened once: a
/// `stat` by name in an open directory spares the kernel walking the whole
/// path of every file (hundreds of thousands in a large corpus).
#[derive(Default)]
pub struct Stats {
    dir: Option<(PathBuf, std::fs::File)>,
}

impl Stats {
    /// Size and modification time of the file at `path`, as [`stat`] says.
    pub fn stat(&mut self, path: &Path) -> Result<(u64, u128)> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return stat(path);
        };
        if self.dir.as_ref().map(|(p, _)| p.as_path()) != Some(parent) {
            self.dir = std::fs::File::open(parent)
                .ok()
                .map(|f| (parent.to_path_buf(), f));
        }
        let name = std::ffi::CString::new(name.as_encoded_bytes()).ok();
        let st = match (&self.dir, name) {
            (Some((_, dir)), Some(name)) => crate::store::stamp::stat_at(dir, &name),
            _ => None,
        };
        // A file that does not stat here gets its error from `stat`.
        let Some(st) = st else { return stat(path) };
        #[allow(clippy::unnecessary_cast)] // the field types differ between targets
        let (secs, nanos) = (st.st_mtime as i64, st.st_mtime_nsec as i64);
        let mtime = match u128::try_from(secs) {
            Ok(s) => s * 1_000_000_000 + nanos.max(0) as u128,
            Err(_) => 0,
        };
        Ok((st.st_size as u64, mtime))
    }
}

/// Now, in nanoseconds since the epoch.
pub fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// Whether a recorded content hash can be trusted for a file of this size
/// and time: same size, same time, and the time well before the build.
pub fn unchanged_since(record: &Record, size: u64, mtime_ns: u128, built_at_ns: u128) -> bool {
    const RACY_NS: u128 = 2_000_000_000;
    record.size == size && record.mtime_ns == mtime_ns && mtime_ns + RACY_NS < built_at_ns
}

/// The key of file `file`: its content hash and what the manifest says of
/// it and its documents (their ids, not their places in the manifest).
pub fn file_key(corpus: &Corpus, file: usize, content: &str) -> String {
    let mut h = Fields(blake3::Hasher::new());
    h.put(content);
    for (name, value) in corpus.files[file].described() {
        h.put(name);
        h.opt(value.as_deref());
    }
    for (_, d) in corpus.documents_of(file) {
        h.put("document");
        h.opt(None);
        for (name, value) in d.described(corpus) {
            h.put(name);
            h.opt(value.as_deref());
        }
    }
    h.0.finalize().to_hex().to_string()
}

/// Fields hashed one after another, each with its length, so that no two
/// different sequences of fields hash the same bytes.
struct Fields(blake3::Hasher);

impl Fields {
    fn put(&mut self, s: &str) {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.0.update(b"1");
                self.put(s);
            }
            None => {
                self.0.update(b"0");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str, far_claims: Vec<usize>) -> Record {
        Record {
            path: path.to_string(),
            file_id: "f-1".to_string(),
            key: "a".repeat(64),
            content: "b".repeat(64),
            size: 4096,
            mtime_ns: 1_733_000_000_123_456_789,
            documents: vec!["d1".to_string(), "d,2".to_string()],
            mentions: 7,
            ambiguous: 1,
            claims: 2,
            dates: 3,
            quads: 123_456,
            far_claims,
        }
    }

    #[test]
    fn a_written_ledger_reads_back_the_same() {
        let records = vec![
            record("texts/a.txt", Vec::new()),
            record("texts/\"quoted\", with a comma.txt", vec![3, 41]),
        ];
        let dir = std::env::temp_dir().join(format!("annalist-ledger-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ledger.csv");
        let mut bytes = Vec::new();
        write(&records, &mut bytes).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let read = Ledger::read(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(read.records, records);
        assert!(bytes.starts_with(COLUMNS.join(",").as_bytes()));
    }
}
