//! `annalist add`: texts copied into the corpus and described by a row each
//! in the document sheet (`documents.csv`), so that nobody has to edit the
//! manifest to add a document.
//!
//! Invariant: either every file is in and described and the corpus loads
//! and checks against the gazetteer, or nothing changed: a failure puts the
//! sheet back as it was and removes the copies it made.

use crate::error::{Error, Result};
use crate::input::corpus::{file_id, Corpus, LoadOptions, KINDS, SHEET, SHEET_COLUMNS};
use crate::input::date::PartialDate;
use crate::input::gazetteer::Gazetteer;
use crate::text::table::read_text;
use std::path::{Path, PathBuf};

/// The metadata given for the documents added; empty fields stay empty.
#[derive(Debug, Clone, Default)]
pub struct NewDocuments {
    /// The document id; only for a single file (default: the file name
    /// without extension).
    pub id: Option<String>,
    pub title: Option<String>,
    pub kind: Option<String>,
    pub date: Option<String>,
    pub authors: Vec<String>,
    pub recipients: Vec<String>,
    pub source: Option<String>,
    pub language: Option<String>,
    pub note: Option<String>,
}

/// One document added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// The text's path in the corpus.
    pub path: String,
    pub id: String,
    /// Whether the text was copied in (false: it already lay in the corpus).
    pub copied: bool,
}

/// The folder texts are copied into.
pub const TEXTS: &str = "texts";

/// Adds `files` to the corpus in `dir`: each is copied into `texts/`
/// (unless it already lies under the corpus) and gets a row in the
/// document sheet, which is created when the corpus has none.
pub fn add(
    dir: &Path,
    files: &[PathBuf],
    meta: &NewDocuments,
    options: LoadOptions,
) -> Result<Vec<Added>> {
    let usage = |message: String, fix: &str| Error::Usage {
        message,
        fix: fix.into(),
    };
    if meta.id.is_some() && files.len() != 1 {
        return Err(usage(
            "--id names one document, but several files are given".into(),
            "add the files one by one to give each its id, or leave --id out",
        ));
    }
    if let Some(k) = &meta.kind {
        if !KINDS.contains(&k.as_str()) {
            return Err(usage(
                format!("unknown document kind {k:?}"),
                &format!("use one of: {}", KINDS.join(", ")),
            ));
        }
    }
    if let Some(d) = &meta.date {
        if PartialDate::parse(d).is_none() {
            return Err(usage(
                format!("date {d:?} is not an ISO 8601 date"),
                "write YYYY-MM-DD, YYYY-MM or YYYY (e.g. --date 1941-01-14)",
            ));
        }
    }
    let corpus = Corpus::load_with(dir, options)?;
    let sheet = corpus
        .documents_path
        .clone()
        .unwrap_or_else(|| dir.join(SHEET));
    let canonical_dir = dir.canonicalize().map_err(|e| Error::io(dir, e))?;

    // Where each text goes, and whether it must be copied.
    let mut plan: Vec<(PathBuf, String, bool)> = Vec::new();
    for file in files {
        let text = read_text(file)?;
        let canonical = file.canonicalize().map_err(|e| Error::io(file, e))?;
        let (rel, copy) = match canonical.strip_prefix(&canonical_dir) {
            Ok(inside) => (inside.to_string_lossy().replace('\\', "/"), false),
            Err(_) => {
                let name = file.file_name().ok_or_else(|| {
                    usage(
                        format!("{}: not a file", file.display()),
                        "name a text file",
                    )
                })?;
                let rel = format!("{TEXTS}/{}", name.to_string_lossy());
                match std::fs::read_to_string(dir.join(&rel)) {
                    Ok(there) if there.strip_prefix('\u{feff}').unwrap_or(&there) == text => {
                        (rel, false)
                    }
                    Ok(_) => {
                        return Err(usage(
                            format!("{rel} already exists in the corpus with another text"),
                            "rename the file you add, or remove the one in the corpus",
                        ))
                    }
                    Err(_) => (rel, true),
                }
            }
        };
        if corpus.files.iter().any(|f| f.path == rel) || plan.iter().any(|p| p.1 == rel) {
            return Err(usage(
                format!("{rel} is already described by the corpus"),
                "edit its row in the document sheet or its [[document]] in the manifest",
            ));
        }
        plan.push((file.clone(), rel, copy));
    }

    let rows: Vec<Vec<String>> = plan
        .iter()
        .map(|(_, rel, _)| {
            let id = meta.id.clone().unwrap_or_else(|| file_id(rel));
            let value = |column: &str| -> String {
                match column {
                    "file" => rel.clone(),
                    "id" => id.clone(),
                    "title" => meta.title.clone().unwrap_or_default(),
                    "kind" => meta.kind.clone().unwrap_or_default(),
                    "date" => meta.date.clone().unwrap_or_default(),
                    "authors" => meta.authors.join("|"),
                    "recipients" => meta.recipients.join("|"),
                    "source" => meta.source.clone().unwrap_or_default(),
                    "language" => meta.language.clone().unwrap_or_default(),
                    "note" => meta.note.clone().unwrap_or_default(),
                    _ => String::new(),
                }
            };
            SHEET_COLUMNS.iter().map(|&c| value(c)).collect()
        })
        .collect();

    // The sheet as it is (its columns kept), with the new rows after it.
    let before = std::fs::read(&sheet).ok();
    let mut text = match &before {
        Some(b) => String::from_utf8_lossy(b).into_owned(),
        None => String::new(),
    };
    let header: Vec<String> = if text.trim().is_empty() {
        text.clear();
        text.push_str(&csv_line(SHEET_COLUMNS.iter().map(|c| c.to_string())));
        SHEET_COLUMNS.iter().map(|c| c.to_string()).collect()
    } else {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        r.headers()
            .map_err(|e| usage(format!("{}: {e}", sheet.display()), "fix the header row"))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect()
    };
    for row in &rows {
        for (c, v) in SHEET_COLUMNS.iter().zip(row) {
            if !v.is_empty() && !header.iter().any(|h| h == c) {
                return Err(usage(
                    format!(
                        "{} has no column {c:?} for the value {v:?}",
                        sheet.display()
                    ),
                    &format!("add the column {c} to its header row, or leave the option out"),
                ));
            }
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for row in &rows {
        text.push_str(&csv_line(header.iter().map(|h| {
            SHEET_COLUMNS
                .iter()
                .position(|c| c == h)
                .map_or(String::new(), |i| row[i].clone())
        })));
    }

    // Write, then check; undo everything on failure.
    let mut copied = Vec::new();
    let result = (|| -> Result<()> {
        for (from, rel, copy) in &plan {
            if *copy {
                let to = dir.join(rel);
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                std::fs::copy(from, &to).map_err(|e| Error::io(&to, e))?;
                copied.push(to);
            }
        }
        std::fs::write(&sheet, &text).map_err(|e| Error::io(&sheet, e))?;
        let corpus = Corpus::load_with(dir, options)?;
        let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
        crate::input::check(&corpus, &gazetteer)
    })();
    if let Err(e) = result {
        match &before {
            Some(b) => {
                let _ = std::fs::write(&sheet, b);
            }
            None => {
                let _ = std::fs::remove_file(&sheet);
            }
        }
        for c in &copied {
            let _ = std::fs::remove_file(c);
        }
        return Err(e);
    }
    Ok(plan
        .into_iter()
        .zip(rows)
        .map(|((_, path, copied), row)| Added {
            path,
            id: row[1].clone(),
            copied,
        })
        .collect())
}

/// One CSV line (RFC 4180 quoting), ending in `\n`.
fn csv_line(cells: impl Iterator<Item = String>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let cells: Vec<String> = cells.collect();
    let _ = w.write_record(&cells);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
