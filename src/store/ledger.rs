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
use std::path::Path;
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
    /// Reads a ledger written by [`Ledger::write`].
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
        for row in reader.records() {
            let row = row.map_err(|e| bad(0, e.to_string()))?;
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

    /// The ledger as CSV.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(COLUMNS).expect("writing to memory");
        for r in &self.records {
            let far: Vec<String> = r.far_claims.iter().map(usize::to_string).collect();
            w.write_record([
                r.path.as_str(),
                &r.file_id,
                &r.key,
                &r.content,
                &r.size.to_string(),
                &r.mtime_ns.to_string(),
                &r.documents.join(" "),
                &r.mentions.to_string(),
                &r.ambiguous.to_string(),
                &r.claims.to_string(),
                &r.dates.to_string(),
                &r.quads.to_string(),
                &far.join(" "),
            ])
            .expect("writing to memory");
        }
        w.into_inner().expect("writing to memory")
    }
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
    let mut described = |fields: Vec<(&str, Option<String>)>| {
        for (name, value) in fields {
            h.put(name);
            h.opt(&value);
        }
    };
    described(corpus.files[file].described());
    for (_, d) in corpus.documents_of(file) {
        described(vec![("document", None)]);
        described(d.described(corpus));
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

    fn opt(&mut self, s: &Option<String>) {
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
