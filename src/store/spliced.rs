//! A kept file made of spans of another file (its base) and bytes of its
//! own: a mended answer that changes a few lines of hundreds of megabytes
//! is kept as those lines and the spans of the answer it mended, not as a
//! copy of it ([`crate::store::answers`]).
//!
//! A whole file is the splice of one span, itself. A splice of an
//! answer's solutions and the splice of its CSV printing are made side by
//! side, piece for piece: the n-th piece of the printing prints the n-th
//! piece of the solutions, so a mending finds a span's records within its
//! piece.
//!
//! Invariant: a splice is read only against the base it was made on: the
//! base's length is recorded and checked, every span lies in the base
//! and every piece holds whole lines; a splice that does not is damaged,
//! never read past.

use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::Path;

/// A kept file's bytes: mapped, as a kept file never changes once in
/// place (it is written aside and renamed; another replaces it by another
/// rename), or read when it cannot be mapped.
pub enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Bytes {
    pub fn open(path: &Path) -> std::io::Result<Bytes> {
        let file = std::fs::File::open(path)?;
        // SAFETY: kept files are never written in place (see
        // `store::answers`), so the mapped bytes do not change under us; a
        // removed file stays mapped until dropped.
        match unsafe { memmap2::Mmap::map(&file) } {
            Ok(m) => Ok(Bytes::Mapped(m)),
            Err(_) => std::fs::read(path).map(Bytes::Read),
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Read(v) => v,
        }
    }
}

/// A file as spans of its base and text of its own, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Splice {
    /// The base's length when the splice was made.
    pub base_len: u64,
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Piece {
    /// The base's bytes from the first offset to the second.
    Base(u64, u64),
    /// Text of its own (whole lines, each with its line end).
    Own(String),
}

impl Piece {
    /// Its bytes, given its base.
    pub fn bytes<'a>(&'a self, base: &'a [u8]) -> &'a [u8] {
        match self {
            Piece::Base(a, b) => &base[*a as usize..*b as usize],
            Piece::Own(s) => s.as_bytes(),
        }
    }
}

impl Splice {
    /// The whole of a base.
    pub fn whole(base: &[u8]) -> Splice {
        Splice {
            base_len: base.len() as u64,
            pieces: vec![Piece::Base(0, base.len() as u64)],
        }
    }

    /// How many bytes of its own it holds.
    pub fn own_len(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Own(s) => s.len(),
                Piece::Base(..) => 0,
            })
            .sum()
    }

    /// Whether it can be read against `base`: made on a base of its
    /// length, every span in it, every piece ending a line.
    pub fn check(&self, base: &[u8]) -> Result<(), String> {
        if self.base_len != base.len() as u64 {
            return Err(format!(
                "made on a base of {} bytes, which now has {}",
                self.base_len,
                base.len()
            ));
        }
        for p in &self.pieces {
            if let Piece::Base(a, b) = p {
                if a > b || *b > self.base_len {
                    return Err(format!("the span {a}..{b} is not in its base"));
                }
            }
            let bytes = p.bytes(base);
            if bytes.last() != Some(&b'\n') {
                return Err("a piece that does not end a line".into());
            }
        }
        Ok(())
    }

    /// Writes the file it makes.
    pub fn write(&self, base: &[u8], out: &mut dyn Write) -> std::io::Result<()> {
        for p in &self.pieces {
            out.write_all(p.bytes(base))?;
        }
        Ok(())
    }

    /// The file it makes, read.
    pub fn reader(self, base: Bytes) -> Reader {
        Reader {
            base,
            splice: self,
            piece: 0,
            at: 0,
        }
    }
}

/// A spliced file read piece by piece.
pub struct Reader {
    base: Bytes,
    splice: Splice,
    piece: usize,
    /// How far into that piece.
    at: usize,
}

impl Reader {
    /// Writes the rest of the file, each piece straight from its base.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        while let Some(p) = self.splice.pieces.get(self.piece) {
            out.write_all(&p.bytes(&self.base)[self.at..])?;
            self.piece += 1;
            self.at = 0;
        }
        Ok(())
    }
}

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some(p) = self.splice.pieces.get(self.piece) {
            let rest = &p.bytes(&self.base)[self.at..];
            if rest.is_empty() {
                self.piece += 1;
                self.at = 0;
                continue;
            }
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.at += n;
            return Ok(n);
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_splice_reads_as_it_writes_and_is_checked_against_its_base() {
        let base = b"?a\n<x>\n<y>\n<z>\n".to_vec();
        let splice = Splice {
            base_len: base.len() as u64,
            pieces: vec![
                Piece::Base(0, 7),
                Piece::Own("\"new, \\\"line\\\"\"\n".into()),
                Piece::Base(11, 15),
            ],
        };
        splice.check(&base).unwrap();
        let mut written = Vec::new();
        splice.write(&base, &mut written).unwrap();
        assert_eq!(written, b"?a\n<x>\n\"new, \\\"line\\\"\"\n<z>\n");
        // Read in small reads, and copied, the same bytes.
        let mut read = Vec::new();
        let mut r = splice.clone().reader(Bytes::Read(base.clone()));
        let mut buf = [0u8; 3];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            read.extend_from_slice(&buf[..n]);
        }
        assert_eq!(read, written);
        let mut copied = Vec::new();
        splice
            .clone()
            .reader(Bytes::Read(base.clone()))
            .copy_to(&mut copied)
            .unwrap();
        assert_eq!(copied, written);
        // Kept as JSON, read back the same.
        let json = serde_json::to_string(&splice).unwrap();
        assert_eq!(serde_json::from_str::<Splice>(&json).unwrap(), splice);
        // Against another base, or with a span out of it, or a piece that
        // cuts a line, it is damaged.
        assert!(splice.check(&base[..14]).is_err());
        let mut longer = base.clone();
        longer.extend_from_slice(b"<w>\n");
        assert!(splice.check(&longer).is_err());
        let mut out_of = splice.clone();
        out_of.pieces.push(Piece::Base(12, 99));
        assert!(out_of.check(&base).is_err());
        let mut cut = splice.clone();
        cut.pieces[0] = Piece::Base(0, 5);
        assert!(cut.check(&base).is_err());
        assert_eq!(Splice::whole(&base).own_len(), 0);
        assert_eq!(splice.own_len(), 16);
    }
}
