//! Where output goes, and what it may hold: files named by `-o`, XML that
//! parses whatever the text holds, and tables that are safe on a terminal.
//!
//! [`write_file`] writes a regular file aside and renames it into place, so
//! a failed write leaves no half file; a symbolic link to a regular file is
//! followed (the link stays a link); anything else that is not a regular
//! file (a device such as `/dev/null`, a FIFO, a link to standard output) is
//! written through, never replaced. [`XmlSafe`] replaces the characters XML
//! 1.0 cannot hold, not even as character references (the C0 controls but
//! tab, line feed and carriage return; U+FFFE and U+FFFF), with U+FFFD.
//! [`terminal_safe`] shows control characters as escapes, so that a text
//! cannot drive the terminal it is printed on.
//!
//! [`write_dir`] does the same for the formats that write several files: they
//! are written into a staging directory beside the target and moved in only
//! once all of them are written. [`ChunkSender`] hands output made on one
//! thread to the thread that writes it.
//!
//! Invariants: `-o` never turns a device, FIFO or link into a regular file;
//! a failed export leaves the file or directory `-o` names as it was; every
//! byte an [`XmlSafe`] writes is allowed in XML 1.0.

use crate::error::{Error, Result};
use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Output collected into chunks and handed to another thread over a bounded
/// channel, each chunk wrapped in the channel's message: the thread that
/// writes need not be the one that makes the bytes. A hand-over that finds
/// the channel closed is a broken pipe, so the maker stops at its next one.
pub struct ChunkSender<T> {
    buffer: Vec<u8>,
    size: usize,
    sender: std::sync::mpsc::SyncSender<T>,
    wrap: fn(Vec<u8>) -> T,
}

impl<T> ChunkSender<T> {
    /// Hands over chunks of at least `size` bytes (the rest at `flush`).
    pub fn new(
        size: usize,
        sender: std::sync::mpsc::SyncSender<T>,
        wrap: fn(Vec<u8>) -> T,
    ) -> Self {
        ChunkSender {
            buffer: Vec::with_capacity(size),
            size,
            sender,
            wrap,
        }
    }
}

impl<T> Write for ChunkSender<T> {
    /// A large write is handed over a mebibyte at a time, so a chunk never
    /// holds much more than its size (a kept answer of hundreds of
    /// megabytes may be written at once).
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        for part in bytes.chunks(self.size.max(1 << 20)) {
            self.buffer.extend_from_slice(part);
            if self.buffer.len() >= self.size {
                self.flush()?;
            }
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buffer, Vec::with_capacity(self.size));
        self.sender
            .send((self.wrap)(full))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the output's writer stopped"))
    }
}

/// Writes one output file at `path` (see the module documentation).
pub fn write_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::Usage {
            message: format!(
                "-o {} is a directory, and this format writes one file",
                path.display()
            ),
            fix: format!(
                "give a file path, e.g. -o {}",
                path.join("out").with_extension("txt").display()
            ),
        }),
        Ok(m) if !m.is_file() => {
            // A device, a FIFO, a terminal: write through, never replace.
            let file = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            let mut w = BufWriter::new(file);
            write(&mut w)?;
            w.flush().map_err(|e| Error::io(path, e))
        }
        Ok(_) => {
            // A regular file, perhaps behind a link: replace the file the
            // link points at, and keep the link.
            let target = fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
            write_aside(&target, write)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            check_parent(path)?;
            write_aside(path, write)
        }
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Writes a directory export: `write` fills a fresh staging directory
/// beside `dir` and returns the files it wrote there; only when it succeeds,
/// and none of them would replace a directory, are they moved into `dir`
/// (created if missing). Files of `dir` that the export does not write are
/// kept. Returns the files' final paths.
pub fn write_dir(
    dir: &Path,
    write: impl FnOnce(&Path) -> Result<Vec<PathBuf>>,
) -> Result<Vec<PathBuf>> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let staging = dir.with_file_name(format!(".{name}.annalist-partial-{}", std::process::id()));
    if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let moved = write(&staging).and_then(|files| {
        let moves = files
            .iter()
            .map(|f| {
                let rel = f.strip_prefix(&staging).unwrap_or(f);
                (f.clone(), dir.join(rel))
            })
            .collect::<Vec<_>>();
        for (_, to) in &moves {
            if to.is_dir() {
                return Err(Error::Usage {
                    message: format!(
                        "{} is a directory, where the export writes a file",
                        to.display()
                    ),
                    fix: "remove it, or choose another directory for -o".into(),
                });
            }
        }
        let mut out = Vec::with_capacity(moves.len());
        for (from, to) in moves {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
            out.push(to);
        }
        Ok(out)
    });
    let _ = fs::remove_dir_all(&staging);
    moved
}

/// Checks a `-o` that names a directory of several files: it must be a
/// directory or missing (it is then created).
pub fn check_output_dir(path: &Path, format: &str) -> Result<()> {
    match fs::metadata(path) {
        Ok(m) if !m.is_dir() => Err(Error::Usage {
            message: format!(
                "-o {} is a file, and --format {format} writes several files into a directory",
                path.display()
            ),
            fix: "give the path of a directory (it is created if missing)".into(),
        }),
        _ => Ok(()),
    }
}

/// Checks that the directory a new file goes into exists.
fn check_parent(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => return Ok(()),
    };
    match fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::Usage {
            message: format!(
                "cannot write {}: {} is not a directory",
                path.display(),
                parent.display()
            ),
            fix: "give a path inside an existing directory".into(),
        }),
        Err(_) => Err(Error::Usage {
            message: format!(
                "cannot write {}: the directory {} does not exist",
                path.display(),
                parent.display()
            ),
            fix: format!(
                "create it first (mkdir -p {}), or give a path inside an existing directory",
                parent.display()
            ),
        }),
    }
}

/// Writes `path` aside, then renames it into place.
fn write_aside(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let tmp = aside(path);
    let file = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut w = BufWriter::new(file);
    let done = write(&mut w).and_then(|()| w.flush().map_err(|e| Error::io(&tmp, e)));
    drop(w);
    if let Err(e) = done {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// The temporary name beside `path`.
fn aside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.annalist-tmp"))
}

/// A writer of UTF-8 XML that replaces the characters XML 1.0 cannot hold
/// with U+FFFD (when `on`; otherwise it passes everything through). The
/// C0 controls are single bytes that never occur inside a multi-byte UTF-8
/// sequence, so a byte filter finds them; U+FFFE and U+FFFF are three-byte
/// sequences `EF BF BE`/`EF BF BF`, followed across writes.
pub struct XmlSafe<W: Write> {
    inner: W,
    on: bool,
    /// How many bytes of `EF BF` were seen and held back.
    held: usize,
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

impl<W: Write> XmlSafe<W> {
    pub fn new(inner: W, on: bool) -> XmlSafe<W> {
        XmlSafe { inner, on, held: 0 }
    }

    /// Writes any bytes held back and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        let held = std::mem::take(&mut self.held);
        self.inner.write_all(&[0xEF, 0xBF][..held])?;
        self.inner.flush()
    }
}

impl<W: Write> Write for XmlSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.on {
            return self.inner.write(buf);
        }
        let mut out = Vec::with_capacity(buf.len() + 8);
        for &b in buf {
            match (self.held, b) {
                (2, 0xBE | 0xBF) => {
                    out.extend_from_slice(REPLACEMENT);
                    self.held = 0;
                    continue;
                }
                (1, 0xBF) => {
                    self.held = 2;
                    continue;
                }
                (0, _) => {}
                (n, _) => {
                    out.extend_from_slice(&[0xEF, 0xBF][..n]);
                    self.held = 0;
                }
            }
            match b {
                0xEF => self.held = 1,
                b'\t' | b'\n' | b'\r' => out.push(b),
                0x00..=0x1F => out.extend_from_slice(REPLACEMENT),
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `s` as a terminal may show it: control characters (C0 but tab and line
/// feed, DEL, C1) as `\x1B`-style escapes, a backslash as itself.
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\t' && c != '\n';
    if !s.chars().any(bad) {
        return s.into();
    }
    let mut t = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            t.push_str(&format!("\\x{:02X}", c as u32));
        } else {
            t.push(c);
        }
    }
    t.into()
}

/// The widest a table cell gets, but in the last column; longer values end
/// in `…` (CSV, TSV and JSON keep them whole).
pub const TABLE_CELL_MAX: usize = 60;

/// Writes an aligned table with a header rule; control characters in the
/// cells are escaped ([`terminal_safe`]).
pub fn write_table(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let shorten = |s: &String| -> String {
        if s.chars().count() <= TABLE_CELL_MAX {
            s.clone()
        } else {
            let mut t: String = s.chars().take(TABLE_CELL_MAX - 1).collect();
            t.push('…');
            t
        }
    };
    // The last column sets no alignment, so it stays whole. Control
    // characters (ESC, …) are shown as escapes: a text must not drive the
    // terminal it is printed on.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let last = r.len().saturating_sub(1);
            r.iter()
                .map(|c| terminal_safe(&c.replace(['\n', '\r', '\t'], " ")).into_owned())
                .enumerate()
                .map(|(i, c)| if i == last { c } else { shorten(&c) })
                .collect()
        })
        .collect();
    let header: Vec<String> = header
        .iter()
        .map(|h| terminal_safe(h).into_owned())
        .collect();
    let header = &header;
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    let line = |out: &mut dyn Write, cells: &[String]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(w - width(c) + 2));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, header)?;
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(out, &rule)?;
    for r in &rows {
        line(out, r)?;
    }
    Ok(())
}

/// Prints rows as a table or TSV (for commands that list things).
pub fn print_rows(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    table: bool,
) -> Result<()> {
    if table {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        write_table(out, &header, rows).map_err(Error::Output)
    } else {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        writeln!(out, "{}", header.join("\t")).map_err(Error::Output)?;
        for r in rows {
            let cells: Vec<String> = r.iter().map(|c| clean(c)).collect();
            writeln!(out, "{}", cells.join("\t")).map_err(Error::Output)?;
        }
        Ok(())
    }
}

/// Prefixes a cell that a spreadsheet would run as a formula with `'`.
pub fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::escape::{xml_char, xml_clean};

    #[test]
    fn a_failed_directory_export_leaves_the_directory_as_it_was() {
        let tmp = std::env::temp_dir().join(format!("annalist-write-dir-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        let dir = tmp.join("out");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.csv"), "old").unwrap();
        let failed = write_dir(&dir, |d| {
            fs::write(d.join("a.csv"), "new").unwrap();
            fs::write(d.join("b.csv"), "new").unwrap();
            Err(Error::Output(io::Error::other("disk full")))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert!(!dir.join("b.csv").exists());
        assert_eq!(
            fs::read_dir(&tmp).unwrap().count(),
            1,
            "no staging directory left"
        );

        // A new directory is not even created by a failed export.
        let fresh = tmp.join("fresh");
        assert!(write_dir(&fresh, |_| Err(Error::Output(io::Error::other("x")))).is_err());
        assert!(!fresh.exists());

        // A success moves every file in, keeps the others, and says where.
        fs::write(dir.join("keep.txt"), "mine").unwrap();
        let files = write_dir(&dir, |d| {
            fs::create_dir_all(d.join("sub")).unwrap();
            fs::write(d.join("a.csv"), "new").unwrap();
            fs::write(d.join("sub/c.ann"), "new").unwrap();
            Ok(vec![d.join("a.csv"), d.join("sub/c.ann")])
        })
        .unwrap();
        assert_eq!(files, vec![dir.join("a.csv"), dir.join("sub/c.ann")]);
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
        assert_eq!(fs::read_to_string(dir.join("keep.txt")).unwrap(), "mine");
        assert_eq!(
            fs::read_dir(&tmp).unwrap().count(),
            1,
            "no staging directory left"
        );

        // A file that would replace a directory stops the export before any move.
        fs::create_dir_all(dir.join("d.csv")).unwrap();
        let blocked = write_dir(&dir, |d| {
            fs::write(d.join("a.csv"), "newer").unwrap();
            fs::write(d.join("d.csv"), "x").unwrap();
            Ok(vec![d.join("a.csv"), d.join("d.csv")])
        });
        assert!(blocked.is_err());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
        fs::remove_dir_all(&tmp).unwrap();
    }

    fn filtered(chunks: &[&[u8]]) -> String {
        let mut w = XmlSafe::new(Vec::new(), true);
        for c in chunks {
            w.write_all(c).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(w.inner).unwrap()
    }

    #[test]
    fn xml_safe_replaces_what_xml_cannot_hold_even_across_writes() {
        let text = "a\u{0}b\u{1}\u{c}\t\n\r\u{FFFE}é\u{FFFF}€\u{FFFD}z";
        let bytes = text.as_bytes();
        let want: String = text
            .chars()
            .map(|c| if xml_char(c) { c } else { '\u{FFFD}' })
            .collect();
        assert_eq!(filtered(&[bytes]), want);
        for cut in 0..bytes.len() {
            assert_eq!(filtered(&[&bytes[..cut], &bytes[cut..]]), want, "cut {cut}");
        }
        assert_eq!(xml_clean(text), want);
    }

    #[test]
    fn terminal_safe_escapes_controls() {
        assert_eq!(terminal_safe("a\u{1b}[31mb\u{7}"), "a\\x1B[31mb\\x07");
        assert_eq!(terminal_safe("plain é"), "plain é");
        assert_eq!(terminal_safe("\u{9b}"), "\\x9B");
    }
}
