//! CSV input files (gazetteer, documents sheet, relations, overrides, gold
//! standards): reading them with their header and reporting problems with
//! file, line and column; and reading any UTF-8 input file ([`read_text`]).
//!
//! Invariant: every error made here names the file and, where the problem
//! has a place, the line and column (in characters) of the cell at fault.

use crate::error::{Error, InputError, LineIndex, Position, Result};
use std::path::{Path, PathBuf};

/// A CSV file whose rows are read as records.
pub struct Table {
    pub path: PathBuf,
    text: String,
    lines: LineIndex,
}

/// One row: its cells, trimmed, and where each one is.
pub struct Row<'a> {
    table: &'a Table,
    record: csv::StringRecord,
    start: usize,
}

impl Table {
    /// Reads `path` (UTF-8, not empty).
    pub fn read(path: &Path) -> Result<Table> {
        let text = read_text(path)?;
        Ok(Table {
            path: path.to_path_buf(),
            lines: LineIndex::new(&text),
            text,
        })
    }

    /// The data rows, after checking that the header is exactly `columns`.
    /// Blank rows are skipped; a malformed row is an error with its place.
    pub fn rows(&self, columns: &[&str]) -> Result<Vec<Row<'_>>> {
        let mut reader = csv::ReaderBuilder::new().from_reader(self.text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| self.csv_error(e, columns))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if header != columns {
            return Err(self.fail(
                Position { line: 1, column: 1 },
                format!("the header is {:?}", header.join(",")),
                &format!("the first row must be: {}", columns.join(",")),
            ));
        }
        self.data_rows(reader, columns)
    }

    /// The records after the header, blank ones skipped; `columns` name the
    /// header in errors.
    fn data_rows(&self, mut reader: csv::Reader<&[u8]>, columns: &[&str]) -> Result<Vec<Row<'_>>> {
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| self.csv_error(e, columns))?;
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let start = record.position().map_or(0, |p| p.byte() as usize);
            rows.push(Row {
                table: self,
                record,
                start,
            });
        }
        Ok(rows)
    }

    /// The data rows of a table whose header names its columns in any order:
    /// each of `known` may appear once, every one of `required` must. Returns
    /// for each of `known` its column, if the header has it.
    pub fn rows_named(
        &self,
        known: &[&str],
        required: &[&str],
    ) -> Result<(Vec<Option<usize>>, Vec<Row<'_>>)> {
        let mut reader = csv::ReaderBuilder::new().from_reader(self.text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| self.csv_error(e, known))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut columns = vec![None; known.len()];
        for (i, h) in header.iter().enumerate() {
            let at = field_position(&self.text, &self.lines, 0, i);
            let Some(k) = known.iter().position(|c| c == h) else {
                return Err(self.fail(
                    at,
                    format!("unknown column {h:?}"),
                    &format!("the columns are: {}", known.join(",")),
                ));
            };
            if columns[k].replace(i).is_some() {
                return Err(self.fail(
                    at,
                    format!("column {h:?} appears twice"),
                    "keep one column of each name",
                ));
            }
        }
        for r in required {
            if known
                .iter()
                .position(|c| c == r)
                .and_then(|k| columns[k])
                .is_none()
            {
                return Err(self.fail(
                    Position { line: 1, column: 1 },
                    format!("the header has no {r:?} column"),
                    &format!(
                        "the first row must name the columns, among them: {}",
                        required.join(",")
                    ),
                ));
            }
        }
        Ok((columns, self.data_rows(reader, known)?))
    }

    /// An error about the file, at `position`.
    pub fn fail(&self, position: Position, message: String, fix: &str) -> Error {
        InputError::new(&self.path, message, fix)
            .at(position)
            .into()
    }

    fn csv_error(&self, e: csv::Error, columns: &[&str]) -> Error {
        let mut err = InputError::new(
            &self.path,
            e.to_string(),
            format!(
                "every row needs the cells {}; quote cells that contain commas with \"…\"",
                columns.join(",")
            ),
        );
        err.position = e
            .position()
            .map(|p| Position::of_byte(&self.text, record_start(&self.text, p.byte() as usize)));
        err.into()
    }
}

impl Row<'_> {
    /// Cell `i`, trimmed, and its place.
    pub fn cell(&self, i: usize) -> (String, Position) {
        (
            self.record.get(i).unwrap_or_default().trim().to_string(),
            self.position(i),
        )
    }

    /// Cell `i` exactly as written (for text that must match a document).
    pub fn raw(&self, i: usize) -> String {
        self.record.get(i).unwrap_or_default().to_string()
    }

    /// The place of cell `i`.
    pub fn position(&self, i: usize) -> Position {
        field_position(&self.table.text, &self.table.lines, self.start, i)
    }

    /// An error about cell `i`.
    pub fn fail(&self, i: usize, message: String, fix: &str) -> Error {
        self.table.fail(self.position(i), message, fix)
    }
}

/// Reads a UTF-8 text file, refusing empty and non-UTF-8 files with the
/// place of the first bad byte. A leading byte-order mark is dropped.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    text_of(path, bytes)
}

/// The text of the bytes read from `path`, checked as [`read_text`] does.
pub fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let good = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            return Err(InputError::new(
                path,
                format!("not UTF-8: invalid byte 0x{:02X}", bytes[valid]),
                "save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)",
            )
            .at(Position::of_byte(good, good.len()))
            .into());
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(InputError::new(
            path,
            "the file is empty",
            "put the text in the file, or remove it from the manifest",
        )
        .into());
    }
    Ok(text)
}

/// The position of field `field` of the CSV record that starts at byte
/// `record_start`, honouring quoted fields.
pub fn field_position(
    text: &str,
    lines: &LineIndex,
    record_start: usize,
    field: usize,
) -> Position {
    let bytes = text.as_bytes();
    let (mut i, mut n, mut quoted) = (self::record_start(text, record_start), 0, false);
    while n < field && i < bytes.len() {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b',' if !quoted => n += 1,
            b'\n' if !quoted => break,
            _ => {}
        }
        i += 1;
    }
    lines.position(text, i)
}

/// Where the record the CSV reader says starts at byte `byte` really
/// starts: the reader counts the previous row's line end (`\n`, or the
/// `\n` of `\r\n`) and blank lines as part of the next record.
pub fn record_start(text: &str, byte: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = byte.min(bytes.len());
    while i < bytes.len() && matches!(bytes[i], b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Rows of a table, with their indexes by the document they concern.
#[derive(Debug, Clone)]
pub struct ByDocument<T> {
    pub rows: Vec<T>,
    index: std::collections::HashMap<usize, Vec<usize>>,
}

impl<T> Default for ByDocument<T> {
    fn default() -> Self {
        ByDocument {
            rows: Vec::new(),
            index: Default::default(),
        }
    }
}

impl<T> ByDocument<T> {
    /// Indexes `rows` by `doc(row)`, keeping their order.
    pub fn new(rows: Vec<T>, doc: impl Fn(&T) -> usize) -> Self {
        let mut index: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        for (i, r) in rows.iter().enumerate() {
            index.entry(doc(r)).or_default().push(i);
        }
        ByDocument { rows, index }
    }

    /// The rows of document `doc`, in file order.
    pub fn of(&self, doc: usize) -> impl Iterator<Item = &T> {
        self.index
            .get(&doc)
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i])
    }
}
