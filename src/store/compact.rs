//! Merging a freshly loaded generation into compressed table files.
//!
//! Oxigraph's bulk loader leaves each batch as LZ4-compressed table files
//! whose key ranges overlap every other batch's, so every read searches all
//! of them and the first change waits for RocksDB to merge them. A full
//! build merges them once, here. Oxigraph's own `optimize` merges with the
//! options Oxigraph opens every store with, whose first two levels are
//! uncompressed; since RocksDB counts levels from the one a merge lands on,
//! a merged store's files are written uncompressed, twice the disk of
//! `oxigraph load` of the same quads; so are the files RocksDB merges in the
//! background while the loader runs. This opens the generation's database
//! with the options it was last opened with, as RocksDB recorded them in its
//! `OPTIONS` file (column families, prefix extractors, table formats),
//! changed only to compress every level with LZ4, and rewrites each column
//! family whole, several at once.
//!
//! Invariant: only the files' layout and compression change, never a key or
//! a value; the database is opened by nothing else meanwhile (RocksDB's
//! `LOCK` refuses a second handle), and an error leaves the generation as
//! it was or merged, never unreadable (RocksDB installs a merge's output
//! atomically).

use crate::error::Error;
use oxigraph::store::StorageError;
use oxrocksdb_sys as ffi;
use std::ffi::{c_char, CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Levels in a RocksDB database (its default `num_levels`).
const LEVELS: usize = 7;

/// RocksDB's `BottommostLevelCompaction::kForceOptimized`.
const FORCE_OPTIMIZED: u8 = 3;

/// Merges every column family of the RocksDB database at `path` into
/// LZ4-compressed table files.
pub fn compact(path: &Path) -> Result<(), Error> {
    let c_path = CString::new(path.as_os_str().as_bytes()).map_err(|_| {
        Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "a NUL in the path"),
        )
    })?;
    let fail = |message: String| Error::storage(path, storage_error(message));
    let options = Options::load(&c_path).map_err(fail)?;
    let db = Db::open(&c_path, &options).map_err(fail)?;
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(db.families.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                match db.families.get(i) {
                    Some(family) => db.compact(*family),
                    None => break,
                }
            });
        }
    });
    match db.background_errors() {
        Some(0) => Ok(()),
        _ => Err(fail(format!(
            "merging the loaded files failed; RocksDB's LOG in {} says why",
            path.display()
        ))),
    }
}

/// An error RocksDB reported as text, with the kind Oxigraph gives it.
fn storage_error(message: String) -> StorageError {
    let kind = if message.contains("No space left on device") || message.contains("Space limit") {
        std::io::ErrorKind::StorageFull
    } else {
        std::io::ErrorKind::Other
    };
    StorageError::Io(std::io::Error::new(kind, message))
}

/// Takes an error RocksDB wrote through an `errptr`.
///
/// # Safety
/// `err` is null or a string RocksDB allocated.
unsafe fn take_error(err: *mut c_char) -> Result<(), String> {
    if err.is_null() {
        return Ok(());
    }
    let message = CStr::from_ptr(err).to_string_lossy().into_owned();
    ffi::rocksdb_free(err.cast());
    Err(message)
}

/// The options RocksDB recorded for a database, every level set to LZ4.
struct Options {
    db: *mut ffi::rocksdb_options_t,
    count: usize,
    names: *mut *mut c_char,
    families: *mut *mut ffi::rocksdb_options_t,
}

impl Options {
    fn load(path: &CStr) -> Result<Options, String> {
        let mut options = Options {
            db: ptr::null_mut(),
            count: 0,
            names: ptr::null_mut(),
            families: ptr::null_mut(),
        };
        let mut err = ptr::null_mut();
        // SAFETY: every out-pointer is valid; on success RocksDB fills them
        // with `count` names and options, freed by `Drop`.
        unsafe {
            let env = ffi::rocksdb_create_default_env();
            ffi::rocksdb_load_latest_options(
                path.as_ptr(),
                env,
                false,
                ptr::null_mut(),
                &mut options.db,
                &mut options.count,
                &mut options.names,
                &mut options.families,
                &mut err,
            );
            ffi::rocksdb_env_destroy(env);
            take_error(err)?;
            let lz4 = [ffi::rocksdb_lz4_compression as i32; LEVELS];
            for i in 0..options.count {
                ffi::rocksdb_options_set_compression_per_level(
                    *options.families.add(i),
                    lz4.as_ptr(),
                    LEVELS,
                );
            }
        }
        Ok(options)
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        if !self.db.is_null() {
            // SAFETY: these are what `rocksdb_load_latest_options` returned.
            unsafe {
                ffi::rocksdb_load_latest_options_destroy(
                    self.db,
                    self.names,
                    self.families,
                    self.count,
                )
            }
        }
    }
}

/// A column family's handle, shared by the merging threads.
#[derive(Clone, Copy)]
struct Family(*mut ffi::rocksdb_column_family_handle_t);

/// An open database and its column families.
struct Db {
    db: *mut ffi::rocksdb_t,
    families: Vec<Family>,
}

// SAFETY: RocksDB's `DB` and column family handles are safe to use from
// several threads at once; `Db` only compacts and reads a property.
unsafe impl Sync for Db {}
unsafe impl Send for Family {}
unsafe impl Sync for Family {}

impl Db {
    fn open(path: &CStr, options: &Options) -> Result<Db, String> {
        let mut handles = vec![ptr::null_mut(); options.count];
        let mut err = ptr::null_mut();
        // SAFETY: `options` holds `count` names and options; `handles` has
        // room for as many.
        let db = unsafe {
            let db = ffi::rocksdb_open_column_families(
                options.db,
                path.as_ptr(),
                options.count as i32,
                options.names as *const *const c_char,
                options.families as *const *const ffi::rocksdb_options_t,
                handles.as_mut_ptr(),
                &mut err,
            );
            take_error(err)?;
            db
        };
        Ok(Db {
            db,
            families: handles.into_iter().map(Family).collect(),
        })
    }

    /// Merges one column family's whole key range.
    fn compact(&self, family: Family) {
        // SAFETY: the database and handle are open until `Drop`.
        unsafe {
            let options = ffi::rocksdb_compactoptions_create();
            // Other families merge at the same time, on other threads.
            ffi::rocksdb_compactoptions_set_exclusive_manual_compaction(options, 0);
            // RocksDB's own merges during the load already wrote much of
            // the data to the last level, uncompressed, and a manual merge
            // leaves the last level's files as they are (or moves a lone
            // file down unchanged): rewrite every file it did not write.
            ffi::rocksdb_compactoptions_set_bottommost_level_compaction(options, FORCE_OPTIMIZED);
            ffi::rocksdb_compact_range_cf_opt(
                self.db,
                family.0,
                options,
                ptr::null(),
                0,
                ptr::null(),
                0,
            );
            ffi::rocksdb_compactoptions_destroy(options);
        }
    }

    /// The errors RocksDB met in its background work (a merge whose output
    /// could not be written), which the merge itself does not return.
    fn background_errors(&self) -> Option<u64> {
        // SAFETY: the property's value is a string RocksDB allocated, or null.
        unsafe {
            let value = ffi::rocksdb_property_value(self.db, c"rocksdb.background-errors".as_ptr());
            if value.is_null() {
                return None;
            }
            let n = CStr::from_ptr(value)
                .to_str()
                .ok()
                .and_then(|s| s.trim().parse().ok());
            ffi::rocksdb_free(value.cast());
            n
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // SAFETY: the handles belong to this database, closed last.
        unsafe {
            for family in &self.families {
                ffi::rocksdb_column_family_handle_destroy(family.0);
            }
            ffi::rocksdb_close(self.db);
        }
    }
}
