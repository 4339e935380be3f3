//! Typed errors of the library.
//!
//! Every failure a user can cause (a bad corpus file, a store in use, a query
//! that does not parse) is an [`Error`] that names the place at fault and,
//! through [`Error::fix`], says how to put it right. The binary prints both;
//! the library never prints and never panics on bad input.
//!
//! Invariant: an [`Error::Input`] always carries the path of the file at
//! fault, and a line and column whenever the fault has a place in it.

use std::fmt;
use std::path::{Path, PathBuf};

/// The result type of every fallible library call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A place in an input file, 1-based, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte offset `byte` in `text` (clamped to the text).
    pub fn of_byte(text: &str, byte: usize) -> Position {
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let before = &text[..byte];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..byte].chars().count() + 1;
        Position { line, column }
    }
}

/// The line starts of a text, so that a byte offset becomes a [`Position`]
/// in logarithmic time: input files of millions of rows keep every cell's
/// place without scanning the text from its start each time.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(memchr_lines(text.as_bytes()))
            .collect();
        LineIndex { starts }
    }

    /// The position of byte offset `byte` in `text` (the text indexed),
    /// clamped to the text; equal to [`Position::of_byte`].
    pub fn position(&self, text: &str, byte: usize) -> Position {
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= byte).max(1);
        let line_start = self.starts[line - 1];
        let column = text[line_start..byte].chars().count() + 1;
        Position { line, column }
    }
}

fn memchr_lines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

/// An error in a file the user wrote or supplied.
#[derive(Debug, Clone)]
pub struct InputError {
    pub path: PathBuf,
    pub position: Option<Position>,
    pub message: String,
    pub fix: String,
}

impl InputError {
    pub fn new(path: impl AsRef<Path>, message: impl Into<String>, fix: impl Into<String>) -> Self {
        InputError {
            path: path.as_ref().to_path_buf(),
            position: None,
            message: message.into(),
            fix: fix.into(),
        }
    }

    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything that can go wrong in annalist.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A corpus, gazetteer or query file is malformed or inconsistent.
    Input(Box<InputError>),
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Writing to standard output or an export file failed.
    Output(std::io::Error),
    /// Another process is building the same store.
    StoreBusy { path: PathBuf },
    /// The store directory holds no built store.
    StoreMissing { path: PathBuf },
    /// The RDF store reported an error.
    Storage {
        path: PathBuf,
        source: oxigraph::store::StorageError,
    },
    /// A SPARQL query failed to evaluate.
    Query(String),
    /// A SPARQL query ran longer than its time limit.
    Timeout { seconds: f64 },
    /// A command-line value is not acceptable.
    Usage { message: String, fix: String },
    /// A remote server did not take what was sent: unreachable, timed
    /// out, or answered with an HTTP error status.
    Remote {
        url: String,
        /// The HTTP status, when the server answered.
        status: Option<u16>,
        message: String,
        fix: String,
    },
}

impl Error {
    /// How to fix the error, for the user.
    pub fn fix(&self) -> Option<String> {
        if self.is_disk_full() {
            return Some(
                "free space on the disk that holds this path, or give a path on another disk \
                 (--store, -o); a build writes its new generation beside the one in use, which \
                 stays as it was"
                    .into(),
            );
        }
        match self {
            Error::Input(e) => Some(e.fix.clone()),
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                Some("check that the path exists and is spelt right".into())
            }
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotADirectory => {
                Some("a directory in the path is a file: check the path".into())
            }
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::InvalidFilename => {
                Some("the file name is too long or not allowed here: give a shorter path".into())
            }
            Error::Io { .. } | Error::Output(_) => None,
            Error::StoreBusy { .. } => Some(
                "wait for the other annalist process to finish, or pass another --store".into(),
            ),
            Error::StoreMissing { .. } => {
                Some("run `annalist build` (or pass the --store of a built store)".into())
            }
            Error::Storage { .. } => Some(
                "if the store is damaged, run `annalist build --force` to build it anew".into(),
            ),
            Error::Query(_) => None,
            Error::Timeout { .. } => {
                Some("make the query more selective, or raise --timeout".into())
            }
            Error::Usage { fix, .. } | Error::Remote { fix, .. } => Some(fix.clone()),
        }
    }

    /// Whether a write failed because the disk is full.
    pub fn is_disk_full(&self) -> bool {
        let full = |e: &std::io::Error| e.kind() == std::io::ErrorKind::StorageFull;
        match self {
            Error::Io { source, .. } => full(source),
            Error::Output(e) => full(e),
            Error::Storage {
                source: oxigraph::store::StorageError::Io(e),
                ..
            } => full(e),
            _ => false,
        }
    }

    /// Whether the error is a closed output pipe (`annalist … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    pub fn storage(path: impl AsRef<Path>, source: oxigraph::store::StorageError) -> Self {
        Error::Storage {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(Box::new(e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) => e.fmt(f),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Output(e) => write!(f, "cannot write output: {e}"),
            Error::StoreBusy { path } => write!(
                f,
                "{}: the store is being built by another annalist process",
                path.display()
            ),
            Error::StoreMissing { path } => {
                write!(f, "{}: no built store here", path.display())
            }
            Error::Storage { path, source } => {
                write!(f, "{}: store error: {source}", path.display())
            }
            Error::Query(m) => write!(f, "query failed: {m}"),
            Error::Timeout { seconds } => {
                write!(
                    f,
                    "the query was stopped after its time limit of {seconds} s"
                )
            }
            Error::Usage { message, .. } => f.write_str(message),
            Error::Remote {
                url,
                status: Some(status),
                message,
                ..
            } => write!(f, "{url}: HTTP {status}: {message}"),
            Error::Remote {
                url,
                status: None,
                message,
                ..
            } => write!(f, "{url}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Output(e) => Some(e),
            Error::Storage { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "ab\nSlánský x";
        let byte = text.find('x').unwrap();
        assert_eq!(
            Position::of_byte(text, byte),
            Position { line: 2, column: 9 }
        );
        assert_eq!(Position::of_byte(text, 0), Position { line: 1, column: 1 });
        let index = LineIndex::new(text);
        for byte in 0..=text.len() + 2 {
            assert_eq!(
                index.position(text, byte),
                Position::of_byte(text, byte),
                "byte {byte}"
            );
        }
    }

    #[test]
    fn a_full_disk_says_to_free_space_whatever_wrote() {
        let full =
            || std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device");
        for e in [
            Error::storage("st/gen-000002", full().into()),
            Error::io("st/gen-000002.answers/x.tsv", full()),
            Error::Output(full()),
        ] {
            assert!(e.is_disk_full());
            let fix = e.fix().unwrap();
            assert!(fix.contains("free space"), "{fix}");
        }
        let other = Error::storage(
            "st/gen-000002",
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone").into(),
        );
        assert!(!other.is_disk_full());
        assert!(other.fix().unwrap().contains("--force"));
    }
}
