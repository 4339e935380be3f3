//! The corpus: a directory with `manifest.toml`, a gazetteer and text files.
//!
//! The manifest describes every source file and every document in them. One
//! file may hold several documents; the manifest says where each starts by
//! quoting the beginning of its first line, which survives later edits of the
//! text better than offsets; a `[[folder]]` makes every text file under a
//! directory one document, for archives too large to list file by file.
//! [`Corpus::load`] reads and checks the manifest;
//! [`Corpus::segment`] finds the documents of one file in its text.
//!
//! Every path the manifest names (files, folders, the gazetteer, claims and
//! overrides) is resolved, links followed, and must lie inside the corpus
//! directory unless [`LoadOptions::allow_outside`] says otherwise; a file
//! is named by one spelling only.
//!
//! Invariants: nothing outside the corpus directory is read (by default);
//! every document id is unique, IRI-safe and short enough to name a file; every document's
//! range lies inside its file, top-level documents of a file never overlap,
//! and an embedded document (`within`) lies inside its parent. Offsets are
//! kept in bytes here and turned into code points by the graph stage.

use crate::error::{Error, InputError, LineIndex, Position, Result};
use crate::input::date::PartialDate;
use crate::text::table::read_text;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The name of the manifest inside a corpus directory.
pub const MANIFEST: &str = "manifest.toml";

/// The document kinds a manifest may use; each is a SKOS concept of the
/// ontology (`ans:letter`, …).
pub const KINDS: &[&str] = &[
    "article",
    "blog-post",
    "comment",
    "extract",
    "front-matter",
    "greeting",
    "letter",
    "memorandum",
    "note",
    "report",
    "speech",
    "statement",
    "telegram",
    "other",
];

/// Whether `id` is a usable identifier: `[A-Za-z0-9][A-Za-z0-9._-]*`, so
/// that it can stand in an IRI and a file name unescaped.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    corpus: RawCorpus,
    #[serde(default)]
    file: Vec<RawFile>,
    #[serde(default)]
    document: Vec<RawDocument>,
    #[serde(default)]
    folder: Vec<RawFolder>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFolder {
    path: Spanned<String>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    original_language: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorpus {
    title: String,
    #[serde(default)]
    description: Option<String>,
    base_iri: Spanned<String>,
    #[serde(default)]
    gazetteer: Option<Spanned<String>>,
    #[serde(default)]
    relations: Option<Spanned<String>>,
    #[serde(default)]
    overrides: Option<Spanned<String>>,
    #[serde(default)]
    documents: Option<Spanned<String>>,
    #[serde(default)]
    unlisted_names: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    path: Spanned<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    original_language: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    id: Spanned<String>,
    file: Spanned<String>,
    #[serde(default)]
    start: Option<Spanned<String>>,
    #[serde(default)]
    end: Option<Spanned<String>>,
    #[serde(default)]
    within: Option<Spanned<String>>,
    title: String,
    kind: Spanned<String>,
    #[serde(default)]
    date: Option<Spanned<String>>,
    #[serde(default)]
    authors: Vec<Spanned<String>>,
    #[serde(default)]
    recipients: Vec<Spanned<String>>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    original_language: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// A text file of the corpus, as the manifest describes it.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// The path relative to the corpus directory, with `/` separators.
    pub path: String,
    /// A stable id derived from the file name (without extension).
    pub id: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub source: Option<String>,
    pub language: Option<String>,
    pub original_language: Option<String>,
    pub note: Option<String>,
}

/// A reference to a gazetteer entity, with its place in the manifest.
#[derive(Debug, Clone)]
pub struct EntityRef {
    pub id: String,
    pub position: Position,
}

/// A document as the manifest describes it.
#[derive(Debug, Clone)]
pub struct DocumentSpec {
    pub id: String,
    /// Index into [`Corpus::files`].
    pub file: usize,
    /// The quoted beginning of its first line; empty for a document that is
    /// its whole file (one of a `[[folder]]`, or one without `start`).
    pub start: String,
    pub end: Option<String>,
    /// Index of the enclosing document, for an embedded one.
    pub within: Option<usize>,
    pub title: String,
    pub kind: String,
    pub date: Option<PartialDate>,
    pub authors: Vec<EntityRef>,
    pub recipients: Vec<EntityRef>,
    pub language: Option<String>,
    pub original_language: Option<String>,
    pub publisher: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    start_pos: Position,
    end_pos: Option<Position>,
    /// Whether the document sheet (not the manifest) describes it.
    in_sheet: bool,
}

impl SourceFile {
    /// What the corpus says of the file, field by field, for the ledger's
    /// key. The destructuring names every field, so a new one cannot be
    /// left out of the key unnoticed.
    pub fn described<'a>(&'a self) -> [(&'static str, Option<Cow<'a, str>>); 8] {
        let SourceFile {
            path,
            id,
            title,
            publisher,
            source,
            language,
            original_language,
            note,
        } = self;
        [
            ("path", Some(Cow::Borrowed(path.as_str()))),
            ("id", Some(Cow::Borrowed(id.as_str()))),
            ("title", borrowed(title)),
            ("publisher", borrowed(publisher)),
            ("source", borrowed(source)),
            ("language", borrowed(language)),
            ("original_language", borrowed(original_language)),
            ("note", borrowed(note)),
        ]
    }
}

impl DocumentSpec {
    /// What the corpus says of the document, field by field, for the
    /// ledger's key (see [`SourceFile::described`]). Left out: its file
    /// (the key is the file's) and where the manifest or sheet writes it,
    /// which changes no quad.
    pub fn described<'a>(
        &'a self,
        corpus: &'a Corpus,
    ) -> [(&'static str, Option<Cow<'a, str>>); 14] {
        let DocumentSpec {
            id,
            file: _,
            start,
            end,
            within,
            title,
            kind,
            date,
            authors,
            recipients,
            language,
            original_language,
            publisher,
            source,
            note,
            start_pos: _,
            end_pos: _,
            in_sheet: _,
        } = self;
        let ids = |refs: &[EntityRef]| -> Option<Cow<'a, str>> {
            let ids: Vec<&str> = refs.iter().map(|r| r.id.as_str()).collect();
            Some(Cow::Owned(ids.join("\n")))
        };
        let b = |s: &'a String| Some(Cow::Borrowed(s.as_str()));
        [
            ("id", b(id)),
            ("start", b(start)),
            ("end", borrowed(end)),
            (
                "within",
                within.map(|w| Cow::Borrowed(corpus.documents[w].id.as_str())),
            ),
            ("title", b(title)),
            ("kind", b(kind)),
            ("date", date.map(|d| Cow::Owned(d.to_string()))),
            ("authors", ids(authors)),
            ("recipients", ids(recipients)),
            ("language", borrowed(language)),
            ("original_language", borrowed(original_language)),
            ("publisher", borrowed(publisher)),
            ("source", borrowed(source)),
            ("note", borrowed(note)),
        ]
    }
}

/// An optional field of the corpus, borrowed for a ledger key.
fn borrowed(field: &Option<String>) -> Option<Cow<'_, str>> {
    field.as_deref().map(Cow::Borrowed)
}

/// A document found in its file's text: byte range `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Index into [`Corpus::documents`].
    pub doc: usize,
    pub start: usize,
    pub end: usize,
}

/// A loaded and checked manifest.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub dir: PathBuf,
    pub title: String,
    pub description: Option<String>,
    pub base_iri: String,
    pub gazetteer_path: PathBuf,
    /// The claims file, if the corpus has one.
    pub relations_path: Option<PathBuf>,
    /// The reviewers' overrides, if the corpus has them.
    pub overrides_path: Option<PathBuf>,
    /// The document sheet (`documents.csv`), if the corpus has one.
    pub documents_path: Option<PathBuf>,
    /// Whether the build recognises names no gazetteer lists
    /// (`unlisted_names`, true unless the manifest says false).
    pub unlisted_names: bool,
    /// Text files (`.txt`) under the corpus directory that nothing
    /// describes, relative to it with `/` separators, in path order; hidden
    /// files and directories (the store) are not looked at.
    pub undescribed: Vec<String>,
    pub files: Vec<SourceFile>,
    pub documents: Vec<DocumentSpec>,
    /// The documents of each file (indexes into `documents`).
    by_file: Vec<Vec<usize>>,
    manifest_path: PathBuf,
}

impl Corpus {
    /// Reads `DIR/manifest.toml` and checks it (ids, kinds, dates, files,
    /// nesting). Entity references are checked later against the gazetteer
    /// by [`Corpus::check_entities`].
    pub fn load(dir: &Path) -> Result<Corpus> {
        Corpus::load_with(dir, LoadOptions::default())
    }

    /// [`Corpus::load`], with options: whether files outside the corpus
    /// directory may be read.
    pub fn load_with(dir: &Path, options: LoadOptions) -> Result<Corpus> {
        Corpus::load_then(dir, options, |_| {})
    }

    /// [`Corpus::load_with`], calling `header` with the gazetteer's path
    /// as soon as the manifest is read and checked, before any text file
    /// or document is.
    pub fn load_then(
        dir: &Path,
        options: LoadOptions,
        header: impl FnOnce(&Path),
    ) -> Result<Corpus> {
        if !dir.is_dir() {
            return Err(InputError::new(
                dir,
                "corpus directory not found",
                "pass --corpus DIR with the directory that holds manifest.toml, or create one with `annalist init DIR`",
            )
            .into());
        }
        let manifest_path = dir.join(MANIFEST);
        if !manifest_path.is_file() {
            return Err(InputError::new(
                &manifest_path,
                "the corpus directory has no manifest.toml",
                "pass --corpus DIR with the directory that holds manifest.toml, or create one with `annalist init DIR`",
            )
            .into());
        }
        let text = read_text(&manifest_path)?;
        let raw: RawManifest = toml::from_str(&text).map_err(|e| {
            let pos = e.span().map(|s| Position::of_byte(&text, s.start));
            let mut err = InputError::new(
                &manifest_path,
                e.message().trim_end_matches('\n').to_string(),
                "fix the TOML syntax; `annalist init DIR` writes a commented example manifest",
            );
            err.position = pos;
            Error::from(err)
        })?;
        let lines = LineIndex::new(&text);
        let at = |span: std::ops::Range<usize>| lines.position(&text, span.start);
        let bad = |span: std::ops::Range<usize>, msg: String, fix: &str| -> Error {
            InputError::new(&manifest_path, msg, fix)
                .at(at(span))
                .into()
        };

        let base = raw.corpus.base_iri.get_ref();
        if oxigraph::model::NamedNode::new(base.as_str()).is_err()
            || !(base.ends_with('/') || base.ends_with('#'))
        {
            return Err(bad(
                raw.corpus.base_iri.span(),
                format!("base_iri {base:?} is not an absolute IRI ending in / or #"),
                "write an absolute IRI such as \"https://example.org/my-corpus/\"",
            ));
        }
        let inside = Inside::new(dir, options, &manifest_path)?;
        let gazetteer_path = match &raw.corpus.gazetteer {
            Some(g) => dir.join(g.get_ref()),
            None => dir.join("gazetteer.csv"),
        };
        let top = Position { line: 1, column: 1 };
        for (given, default) in [
            (&raw.corpus.gazetteer, "gazetteer.csv"),
            (&raw.corpus.relations, "relations.csv"),
            (&raw.corpus.overrides, "overrides.csv"),
            (&raw.corpus.documents, SHEET),
        ] {
            match given {
                Some(r) => inside.check(r.get_ref(), at(r.span()))?,
                None => inside.check(default, top)?,
            };
        }
        let relations_path = match &raw.corpus.relations {
            Some(r) if dir.join(r.get_ref()).is_file() => Some(dir.join(r.get_ref())),
            Some(r) => {
                return Err(bad(
                    r.span(),
                    format!(
                        "relations file {:?} not found in {}",
                        r.get_ref(),
                        dir.display()
                    ),
                    "give the path relative to the corpus directory, or remove the line",
                ))
            }
            None => Some(dir.join("relations.csv")).filter(|p| p.is_file()),
        };
        let overrides_path = match &raw.corpus.overrides {
            Some(r) if dir.join(r.get_ref()).is_file() => Some(dir.join(r.get_ref())),
            Some(r) => {
                return Err(bad(
                    r.span(),
                    format!(
                        "overrides file {:?} not found in {}",
                        r.get_ref(),
                        dir.display()
                    ),
                    "give the path relative to the corpus directory, or remove the line",
                ))
            }
            None => Some(dir.join("overrides.csv")).filter(|p| p.is_file()),
        };
        let documents_path = match &raw.corpus.documents {
            Some(r) if dir.join(r.get_ref()).is_file() => Some(dir.join(r.get_ref())),
            Some(r) => {
                return Err(bad(
                    r.span(),
                    format!(
                        "document sheet {:?} not found in {}",
                        r.get_ref(),
                        dir.display()
                    ),
                    "give the path relative to the corpus directory, or remove the line (`annalist add FILE` creates documents.csv)",
                ))
            }
            None => Some(dir.join(SHEET)).filter(|p| p.is_file()),
        };
        header(&gazetteer_path);

        let mut files = Vec::new();
        let mut file_index: HashMap<String, usize> = HashMap::new();
        let mut file_ids: HashSet<String> = HashSet::new();
        // Every file by its canonical path: one file, one spelling.
        let mut canonical: HashMap<PathBuf, usize> = HashMap::new();
        for f in raw.file {
            let path = f.path.get_ref().replace('\\', "/");
            let id = file_id(&path);
            if file_index.contains_key(&path) {
                return Err(bad(
                    f.path.span(),
                    format!("file {path:?} is described twice"),
                    "keep one [[file]] table per text file",
                ));
            }
            if let Some(real) = inside.check(&path, at(f.path.span()))? {
                if let Some(&other) = canonical.get(&real) {
                    return Err(spelt_twice(&bad, f.path.span(), &path, &files[other]));
                }
                canonical.insert(real, files.len());
            }
            if !dir.join(&path).is_file() {
                return Err(bad(
                    f.path.span(),
                    format!("text file {path:?} not found in {}", dir.display()),
                    "give the path relative to the corpus directory, e.g. \"texts/letter.txt\"",
                ));
            }
            if !file_ids.insert(id.clone()) {
                return Err(bad(
                    f.path.span(),
                    format!("two files share the name {id:?}"),
                    "give every text file a distinct file name (without extension)",
                ));
            }
            file_index.insert(path.clone(), files.len());
            files.push(SourceFile {
                path,
                id,
                title: f.title,
                publisher: f.publisher,
                source: f.source,
                language: f.language,
                original_language: f.original_language,
                note: f.note,
            });
        }

        let mut documents: Vec<DocumentSpec> = Vec::new();
        let mut doc_index: HashMap<String, usize> = HashMap::new();
        let mut withins = Vec::new();
        let mut within_pos = Vec::new();
        for d in raw.document {
            let id = d.id.get_ref().clone();
            if !is_valid_id(&id) {
                return Err(bad(
                    d.id.span(),
                    format!("document id {id:?} is not a valid id"),
                    "use letters, digits, '.', '_' and '-', starting with a letter or digit",
                ));
            }
            if id.len() > MAX_DOCUMENT_ID {
                return Err(bad(
                    d.id.span(),
                    format!(
                        "document id of {} characters is too long (at most {MAX_DOCUMENT_ID}): exports name files after it",
                        id.len()
                    ),
                    "give the document a shorter id",
                ));
            }
            if doc_index.contains_key(&id) {
                return Err(bad(
                    d.id.span(),
                    format!("duplicate document id {id:?}"),
                    "give every document its own id",
                ));
            }
            let path = d.file.get_ref().replace('\\', "/");
            let file =
                match file_index.get(&path) {
                    Some(&i) => i,
                    None if dir.join(&path).is_file() => {
                        // A file without its own [[file]] table.
                        if let Some(real) = inside.check(&path, at(d.file.span()))? {
                            if let Some(&other) = canonical.get(&real) {
                                return Err(spelt_twice(&bad, d.file.span(), &path, &files[other]));
                            }
                            canonical.insert(real, files.len());
                        }
                        let id = file_id(&path);
                        file_ids.insert(id.clone());
                        file_index.insert(path.clone(), files.len());
                        files.push(SourceFile {
                            path,
                            id,
                            ..SourceFile::default()
                        });
                        files.len() - 1
                    }
                    None => return Err(bad(
                        d.file.span(),
                        format!("text file {path:?} not found in {}", dir.display()),
                        "give the path relative to the corpus directory, e.g. \"texts/letter.txt\"",
                    )),
                };
            let kind = d.kind.get_ref().clone();
            if !KINDS.contains(&kind.as_str()) {
                return Err(bad(
                    d.kind.span(),
                    format!("unknown document kind {kind:?}"),
                    &format!("use one of: {}", KINDS.join(", ")),
                ));
            }
            let date = match &d.date {
                Some(s) => Some(PartialDate::parse(s.get_ref()).ok_or_else(|| {
                    bad(
                        s.span(),
                        format!("date {:?} is not an ISO 8601 date", s.get_ref()),
                        "write YYYY-MM-DD, YYYY-MM or YYYY (e.g. \"1953-07-15\", \"1947-05\", \"1941\")",
                    )
                })?),
                None => None,
            };
            for (what, q) in [("start", d.start.as_ref()), ("end", d.end.as_ref())] {
                if let Some(q) = q {
                    if q.get_ref().trim().is_empty() || q.get_ref().contains('\n') {
                        return Err(bad(
                            q.span(),
                            format!("{what} must quote the beginning of one line"),
                            "copy the first words of the line, without line breaks",
                        ));
                    }
                }
            }
            let refs = |list: &[Spanned<String>]| -> Vec<EntityRef> {
                list.iter()
                    .map(|s| EntityRef {
                        id: s.get_ref().clone(),
                        position: at(s.span()),
                    })
                    .collect()
            };
            let f = &files[file];
            doc_index.insert(id.clone(), documents.len());
            withins.push(d.within.clone());
            documents.push(DocumentSpec {
                id,
                file,
                start: d
                    .start
                    .as_ref()
                    .map_or(String::new(), |s| s.get_ref().trim_start().to_string()),
                end: d.end.as_ref().map(|e| e.get_ref().trim_start().to_string()),
                within: None,
                title: d.title,
                kind,
                date,
                authors: refs(&d.authors),
                recipients: refs(&d.recipients),
                language: d.language.or_else(|| f.language.clone()),
                original_language: d.original_language.or_else(|| f.original_language.clone()),
                publisher: d.publisher.or_else(|| f.publisher.clone()),
                source: d.source.or_else(|| f.source.clone()),
                note: d.note,
                start_pos: at(d.start.as_ref().map_or(d.id.span(), |s| s.span())),
                end_pos: d.end.as_ref().map(|e| at(e.span())),
                in_sheet: false,
            });
        }
        for (i, w) in withins.into_iter().enumerate() {
            let Some(w) = w else { continue };
            let parent = *doc_index.get(w.get_ref()).ok_or_else(|| {
                bad(
                    w.span(),
                    format!("within names unknown document {:?}", w.get_ref()),
                    "name the id of the document this one is embedded in",
                )
            })?;
            if parent == i || documents[parent].file != documents[i].file {
                return Err(bad(
                    w.span(),
                    format!(
                        "document {:?} cannot lie within {:?}",
                        documents[i].id,
                        w.get_ref()
                    ),
                    "an embedded document lies inside another document of the same file",
                ));
            }
            if documents[i].end.is_none() {
                return Err(bad(
                    w.span(),
                    format!("embedded document {:?} has no end", documents[i].id),
                    "add end = \"…\" quoting the beginning of the line after the embedded text",
                ));
            }
            documents[i].within = Some(parent);
            within_pos.push((i, at(w.span())));
        }
        // A chain of `within` longer than the documents is a cycle.
        for &(i, pos) in &within_pos {
            let mut chain = vec![i];
            let mut here = i;
            while let Some(p) = documents[here].within {
                if p == i {
                    let names: Vec<&str> = chain
                        .iter()
                        .chain([&i])
                        .map(|&k| documents[k].id.as_str())
                        .collect();
                    return Err(InputError::new(
                        &manifest_path,
                        format!("`within` makes a cycle: {}", names.join(" within ")),
                        "an embedded document lies inside its parent: remove `within` from the outermost document of the cycle",
                    )
                    .at(pos)
                    .into());
                }
                if chain.len() > documents.len() {
                    break;
                }
                chain.push(p);
                here = p;
            }
        }
        if let Some(sheet) = &documents_path {
            add_sheet(
                dir,
                sheet,
                &inside,
                &mut canonical,
                &mut files,
                &mut file_index,
                &mut file_ids,
                &mut documents,
                &mut doc_index,
            )?;
        }
        // What the folders' walks saw of their directories, so that the
        // walk for undescribed texts need not walk them again.
        let mut walked = Walked::default();
        for folder in raw.folder {
            add_folder(
                dir,
                &folder,
                &at,
                &manifest_path,
                &inside,
                &mut canonical,
                &mut files,
                &mut file_ids,
                &mut documents,
                &mut doc_index,
                &mut walked,
            )?;
        }
        let mut by_file = vec![Vec::new(); files.len()];
        for (i, d) in documents.iter().enumerate() {
            by_file[d.file].push(i);
        }
        // A document without `start` is its whole file: it must be alone.
        for docs in &by_file {
            if docs.len() < 2 {
                continue;
            }
            if let Some(&i) = docs.iter().find(|&&i| documents[i].start.is_empty()) {
                let d = &documents[i];
                let ids: Vec<&str> = docs.iter().map(|&k| documents[k].id.as_str()).collect();
                let origin = match (&documents_path, d.in_sheet) {
                    (Some(sheet), true) => sheet.as_path(),
                    _ => manifest_path.as_path(),
                };
                return Err(InputError::new(
                    origin,
                    format!(
                        "document {:?} has no start, but file {:?} holds {} documents ({})",
                        d.id,
                        files[d.file].path,
                        docs.len(),
                        ids.join(", ")
                    ),
                    "give every document of a file that holds several a start quoting the beginning of its first line",
                )
                .at(d.start_pos)
                .into());
            }
        }
        // Folders' files count as described: they are in `files`, not in
        // `file_index`, which holds the files the manifest and sheet name.
        let described: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let undescribed = undescribed_texts(dir, &described, &walked)?;
        Ok(Corpus {
            documents_path,
            undescribed,
            by_file,
            dir: dir.to_path_buf(),
            title: raw.corpus.title,
            description: raw.corpus.description,
            unlisted_names: raw.corpus.unlisted_names.unwrap_or(true),
            base_iri: base.clone(),
            gazetteer_path,
            relations_path,
            overrides_path,
            files,
            documents,
            manifest_path,
        })
    }

    /// The manifest's path.
    pub fn manifest_path(&self) -> &Path {
        &self.manifest_path
    }

    /// The file that describes document `d`: the manifest or the sheet.
    pub fn origin(&self, d: &DocumentSpec) -> &Path {
        match (&self.documents_path, d.in_sheet) {
            (Some(p), true) => p,
            _ => &self.manifest_path,
        }
    }

    /// The documents of file `file`, in manifest order.
    pub fn documents_of(&self, file: usize) -> impl Iterator<Item = (usize, &DocumentSpec)> {
        self.by_file[file].iter().map(|&i| (i, &self.documents[i]))
    }

    /// The absolute path of file `i`.
    pub fn file_path(&self, i: usize) -> PathBuf {
        self.dir.join(&self.files[i].path)
    }

    /// Checks that every author and recipient is an entity id for which
    /// `exists` returns true.
    pub fn check_entities(&self, exists: impl Fn(&str) -> bool) -> Result<()> {
        for d in &self.documents {
            for (role, list) in [("author", &d.authors), ("recipient", &d.recipients)] {
                let mut seen = Vec::new();
                for r in list {
                    if !exists(&r.id) {
                        return Err(InputError::new(
                            self.origin(d),
                            format!("{role} {:?} of document {:?} is not in the gazetteer", r.id, d.id),
                            "use the id of a gazetteer row, or add a row for this entity to the gazetteer",
                        )
                        .at(r.position)
                        .into());
                    }
                    if seen.contains(&&r.id) {
                        return Err(InputError::new(
                            self.origin(d),
                            format!("{role} {:?} is listed twice for document {:?}", r.id, d.id),
                            "list each entity once",
                        )
                        .at(r.position)
                        .into());
                    }
                    seen.push(&r.id);
                }
            }
        }
        Ok(())
    }

    /// Finds the documents of file `file` in its `text`. Segments come out
    /// sorted by start; embedded documents follow their parent.
    pub fn segment(&self, file: usize, text: &str) -> Result<Vec<Segment>> {
        let path = self.file_path(file);
        let lines = line_starts(text);
        let find = |quote: &str, pos: Position, what: &str, d: &DocumentSpec| -> Result<usize> {
            let id = &d.id;
            let hits: Vec<usize> = lines
                .iter()
                .filter_map(|&ls| {
                    let line = &text[ls..];
                    let line = &line[..line.find('\n').unwrap_or(line.len())];
                    let trimmed = line.trim_start();
                    trimmed
                        .starts_with(quote)
                        .then_some(ls + line.len() - trimmed.len())
                })
                .collect();
            match hits.as_slice() {
                [one] => Ok(*one),
                [] => Err(InputError::new(
                    self.origin(d),
                    format!(
                        "{what} of document {id:?} ({quote:?}) begins no line of {}",
                        path.display()
                    ),
                    match nearest_line(text, quote) {
                        Some((n, l)) => format!(
                            "quote the beginning of a line exactly; the nearest is line {n}: {l:?}"
                        ),
                        None => "quote the beginning of a line of the file exactly".into(),
                    },
                )
                .at(pos)
                .into()),
                many => Err(InputError::new(
                    self.origin(d),
                    format!(
                        "{what} of document {id:?} ({quote:?}) begins {} lines of {} (lines {})",
                        many.len(),
                        path.display(),
                        many.iter()
                            .map(|&b| Position::of_byte(text, b).line.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "quote more of the line, so that exactly one line begins with it",
                )
                .at(pos)
                .into()),
            }
        };

        let mut top = Vec::new();
        let mut embedded = Vec::new();
        for (i, d) in self.documents_of(file) {
            // A document of a [[folder]] is its whole file.
            let start = if d.start.is_empty() {
                0
            } else {
                find(&d.start, d.start_pos, "start", d)?
            };
            let end = match (&d.end, d.end_pos) {
                (Some(q), Some(pos)) => {
                    let e = find(q, pos, "end", d)?;
                    if e <= start {
                        return Err(InputError::new(
                            self.origin(d),
                            format!("end of document {:?} comes before its start", d.id),
                            "quote a line that follows the document's first line",
                        )
                        .at(pos)
                        .into());
                    }
                    Some(e)
                }
                _ => None,
            };
            if d.within.is_some() {
                embedded.push((i, start, end.unwrap_or(text.len())));
            } else {
                top.push((i, start, end));
            }
        }
        top.sort_by_key(|t| t.1);
        let mut segments = Vec::new();
        for (k, &(i, start, end)) in top.iter().enumerate() {
            let next = top.get(k + 1).map_or(text.len(), |t| t.1);
            let end = match end {
                Some(e) if e > next => {
                    return Err(InputError::new(
                        self.origin(&self.documents[i]),
                        format!(
                            "document {:?} ends after the next document {:?} begins",
                            self.documents[i].id, self.documents[top[k + 1].0].id
                        ),
                        "move the end quote before the next document's start, or embed the inner document with `within`",
                    )
                    .at(self.documents[i].end_pos.unwrap_or(self.documents[i].start_pos))
                    .into())
                }
                Some(e) => e,
                None => next,
            };
            segments.push(Segment {
                doc: i,
                start,
                end: trim_end(text, start, end),
            });
        }
        // Parents before the documents embedded in them, whatever the
        // manifest's order (load refused cycles).
        let depth = |mut i: usize| {
            let mut n = 0;
            while let Some(p) = self.documents[i].within {
                i = p;
                n += 1;
            }
            n
        };
        embedded.sort_by_key(|&(i, _, _)| depth(i));
        for (i, start, end) in embedded {
            let parent = self.documents[i].within.expect("embedded");
            let seg = Segment {
                doc: i,
                start,
                end: trim_end(text, start, end),
            };
            let Some(p) = segments.iter().find(|s| s.doc == parent).copied() else {
                return Err(InputError::new(
                    &self.manifest_path,
                    format!(
                        "embedded document {:?} lies within {:?}, which is not found in {}",
                        self.documents[i].id,
                        self.documents[parent].id,
                        path.display()
                    ),
                    "embed the document in a document of the same file",
                )
                .at(self.documents[i].start_pos)
                .into());
            };
            if seg.start < p.start || seg.end > p.end {
                return Err(InputError::new(
                    self.origin(&self.documents[i]),
                    format!(
                        "embedded document {:?} does not lie inside {:?}",
                        self.documents[i].id, self.documents[parent].id
                    ),
                    "quote start and end lines that lie inside the enclosing document",
                )
                .at(self.documents[i].start_pos)
                .into());
            }
            segments.push(seg);
        }
        segments.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        Ok(segments)
    }
}

pub(crate) fn file_id(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Adds every `.txt` file under a `[[folder]]` that no `[[file]]` or
/// `[[document]]` names, as one document of the whole file. Files are
/// taken in path order; hidden files and directories are skipped. The
/// document id is the file's path in the corpus without `.txt`, with `/`
/// as `-` (`texts/1953/pravda.txt` is `texts-1953-pravda`).
#[allow(clippy::too_many_arguments)]
fn add_folder(
    dir: &Path,
    folder: &RawFolder,
    at: &dyn Fn(std::ops::Range<usize>) -> Position,
    manifest_path: &Path,
    inside: &Inside,
    canonical: &mut HashMap<PathBuf, usize>,
    files: &mut Vec<SourceFile>,
    file_ids: &mut HashSet<String>,
    documents: &mut Vec<DocumentSpec>,
    doc_index: &mut HashMap<String, usize>,
    walked: &mut Walked,
) -> Result<()> {
    let pos = at(folder.path.span());
    let bad = |msg: String, fix: &str| -> Error {
        InputError::new(manifest_path, msg, fix).at(pos).into()
    };
    let rel = folder.path.get_ref().replace('\\', "/");
    let rel = rel.trim_end_matches('/');
    let root = dir.join(rel);
    if !root.is_dir() {
        return Err(bad(
            format!("folder {rel:?} not found in {}", dir.display()),
            "give the path of a directory relative to the corpus directory, e.g. \"texts\"",
        ));
    }
    // Walk the folder by its real path, so that a file's path in the corpus
    // has no `..` in it.
    let real_root = inside.check(rel, pos)?;
    // Below a real root, an entry that is not a link is its own real path:
    // only links need resolving (a `realpath` costs a system call for each
    // component of the path, a second or more for a large folder).
    let (root, shown, root_is_real) = match real_root
        .as_ref()
        .and_then(|r| Some((r, r.strip_prefix(&inside.root).ok()?)))
    {
        Some((r, in_corpus)) => (
            r.clone(),
            in_corpus.to_string_lossy().replace('\\', "/"),
            true,
        ),
        None => (root, rel.to_string(), false),
    };
    let kind = match &folder.kind {
        Some(k) if !KINDS.contains(&k.get_ref().as_str()) => {
            return Err(InputError::new(
                manifest_path,
                format!("unknown document kind {:?}", k.get_ref()),
                format!("use one of: {}", KINDS.join(", ")),
            )
            .at(at(k.span()))
            .into())
        }
        Some(k) => k.get_ref().clone(),
        None => "other".to_string(),
    };
    let mut found = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if kind.is_dir() {
                pending.push(path);
            } else if name.ends_with(".txt") {
                let below = path.strip_prefix(&root).unwrap_or(&path).to_string_lossy();
                let rel = match shown.as_str() {
                    "" => below.replace('\\', "/"),
                    s => format!("{s}/{}", below.replace('\\', "/")),
                };
                found.push((rel, path, kind.is_symlink()));
            }
        }
    }
    found.sort_unstable();
    // The walk for undescribed texts would see the same entries here when
    // the folder is its own real path, with no hidden directory on the way.
    let exact = root_is_real && shown == rel && !rel.split('/').any(|c| c.starts_with('.'));
    if exact {
        walked.dirs.insert(rel.to_string());
    }
    // Room for every file at once: grown by doubling, the lists of a large
    // folder would be copied again and again.
    files.reserve(found.len());
    documents.reserve(found.len());
    canonical.reserve(found.len());
    file_ids.reserve(found.len());
    doc_index.reserve(found.len());
    for (rel, path, link) in found {
        // A link in the folder must not lead out of the corpus either.
        let real = if root_is_real && !link {
            path
        } else {
            match fs::canonicalize(&path) {
                Ok(real) => real,
                Err(_) => {
                    // A dangling link: no text to read.
                    if exact {
                        walked.left.push(rel);
                    }
                    continue;
                }
            }
        };
        if !inside.allow && !real.starts_with(&inside.root) {
            return Err(bad(
                format!(
                    "{rel:?} is a link to {}, outside the corpus directory {}",
                    real.display(),
                    inside.root.display()
                ),
                OUTSIDE_FIX,
            ));
        }
        if canonical.contains_key(&real) {
            // Described by the manifest itself, under another path.
            if exact {
                walked.left.push(rel);
            }
            continue;
        }
        let id = rel.strip_suffix(".txt").unwrap_or(&rel).replace('/', "-");
        if !is_valid_id(&id) {
            return Err(bad(
                format!("{rel:?} makes no valid document id ({id:?})"),
                "rename the file or its directories with letters, digits, '.', '_' and '-' only",
            ));
        }
        if id.len() > MAX_DOCUMENT_ID {
            return Err(bad(
                format!("{rel:?} makes a document id of {} characters, more than {MAX_DOCUMENT_ID}: exports name files after it", id.len()),
                "give the file and its directories shorter names",
            ));
        }
        if doc_index.contains_key(&id) || !file_ids.insert(id.clone()) {
            return Err(bad(
                format!("{rel:?} would take the id {id:?}, which another file or document has"),
                "rename the file, or the other document",
            ));
        }
        let title = Path::new(&rel)
            .file_stem()
            .map_or(id.clone(), |s| s.to_string_lossy().into_owned());
        let file = files.len();
        canonical.insert(real, file);
        files.push(SourceFile {
            path: rel,
            id: id.clone(),
            title: None,
            publisher: folder.publisher.clone(),
            source: folder.source.clone(),
            language: folder.language.clone(),
            original_language: folder.original_language.clone(),
            note: folder.note.clone(),
        });
        doc_index.insert(id.clone(), documents.len());
        documents.push(DocumentSpec {
            id,
            file,
            start: String::new(),
            end: None,
            within: None,
            title,
            kind: kind.clone(),
            date: None,
            authors: Vec::new(),
            recipients: Vec::new(),
            language: folder.language.clone(),
            original_language: folder.original_language.clone(),
            publisher: folder.publisher.clone(),
            source: folder.source.clone(),
            note: None,
            start_pos: pos,
            end_pos: None,
            in_sheet: false,
        });
    }
    Ok(())
}

/// The document sheet's name, read when present in the corpus directory.
pub const SHEET: &str = "documents.csv";

/// The columns of the document sheet, in the order annalist writes them;
/// only `file` is required, the others may be left out or empty.
pub const SHEET_COLUMNS: [&str; 12] = [
    "file",
    "id",
    "title",
    "kind",
    "date",
    "authors",
    "recipients",
    "source",
    "language",
    "note",
    "start",
    "end",
];

/// Adds one document per row of the document sheet. Defaults: the id is
/// the file's name without extension, the title the file name, the kind
/// `other`; `authors` and `recipients` are gazetteer ids separated by `|`;
/// without `start` the document is its whole file.
#[allow(clippy::too_many_arguments)]
fn add_sheet(
    dir: &Path,
    path: &Path,
    inside: &Inside,
    canonical: &mut HashMap<PathBuf, usize>,
    files: &mut Vec<SourceFile>,
    file_index: &mut HashMap<String, usize>,
    file_ids: &mut HashSet<String>,
    documents: &mut Vec<DocumentSpec>,
    doc_index: &mut HashMap<String, usize>,
) -> Result<()> {
    let table = crate::text::table::Table::read(path)?;
    let (columns, rows) = table.rows_named(&SHEET_COLUMNS, &["file"])?;
    let col = |name: &str| columns[SHEET_COLUMNS.iter().position(|c| *c == name).unwrap_or(0)];
    for row in &rows {
        let file_col = col("file").unwrap_or(0);
        let cell = |name: &str| -> (String, Position) {
            match col(name) {
                Some(i) => row.cell(i),
                None => (String::new(), row.position(file_col)),
            }
        };
        let opt = |name: &str| Some(cell(name).0).filter(|v| !v.is_empty());
        let (rel, file_pos) = cell("file");
        let rel = rel.replace('\\', "/");
        if rel.is_empty() || !dir.join(&rel).is_file() {
            return Err(table.fail(
                file_pos,
                format!("text file {rel:?} not found in {}", dir.display()),
                "give the path relative to the corpus directory, e.g. \"texts/letter.txt\" (`annalist add FILE` copies a text in and writes its row)",
            ));
        }
        let real = inside.check_in(path, &rel, file_pos)?;
        let file = match file_index.get(&rel) {
            Some(&i) => i,
            None => {
                if let Some(&other) = real.as_ref().and_then(|r| canonical.get(r)) {
                    let other = &files[other].path;
                    return Err(table.fail(
                        file_pos,
                        format!("{rel:?} is the file {other:?} again, spelt another way"),
                        &format!("name each file by one path: write {other:?} here"),
                    ));
                }
                let id = file_id(&rel);
                file_ids.insert(id.clone());
                file_index.insert(rel.clone(), files.len());
                if let Some(real) = real {
                    canonical.insert(real, files.len());
                }
                files.push(SourceFile {
                    path: rel.clone(),
                    id,
                    ..SourceFile::default()
                });
                files.len() - 1
            }
        };
        let (id, id_pos) = cell("id");
        let id = if id.is_empty() { file_id(&rel) } else { id };
        if id.len() > MAX_DOCUMENT_ID {
            return Err(table.fail(
                id_pos,
                format!(
                    "document id of {} characters is too long (at most {MAX_DOCUMENT_ID}): exports name files after it",
                    id.len()
                ),
                "give the document a shorter id in the id column",
            ));
        }
        if !is_valid_id(&id) {
            return Err(table.fail(
                id_pos,
                format!("document id {id:?} is not a valid id"),
                "use letters, digits, '.', '_' and '-', starting with a letter or digit",
            ));
        }
        if doc_index.contains_key(&id) {
            return Err(table.fail(
                id_pos,
                format!("duplicate document id {id:?}"),
                "give every document its own id (the id column)",
            ));
        }
        let (kind, kind_pos) = cell("kind");
        let kind = if kind.is_empty() {
            "other".to_string()
        } else {
            kind
        };
        if !KINDS.contains(&kind.as_str()) {
            return Err(table.fail(
                kind_pos,
                format!("unknown document kind {kind:?}"),
                &format!("use one of: {}", KINDS.join(", ")),
            ));
        }
        let (date, date_pos) = cell("date");
        let date = match date.as_str() {
            "" => None,
            d => Some(PartialDate::parse(d).ok_or_else(|| {
                table.fail(
                    date_pos,
                    format!("date {d:?} is not an ISO 8601 date"),
                    "write YYYY-MM-DD, YYYY-MM or YYYY (e.g. 1953-07-15, 1947-05, 1941)",
                )
            })?),
        };
        let refs = |name: &str| -> Vec<EntityRef> {
            let (v, position) = cell(name);
            v.split('|')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| EntityRef {
                    id: x.to_string(),
                    position,
                })
                .collect()
        };
        let (start, start_pos) = cell("start");
        let (end, end_pos) = cell("end");
        if start.contains('\n') || end.contains('\n') {
            return Err(table.fail(
                if start.contains('\n') {
                    start_pos
                } else {
                    end_pos
                },
                "start and end must quote the beginning of one line".into(),
                "copy the first words of the line, without line breaks",
            ));
        }
        let title = opt("title").unwrap_or_else(|| {
            Path::new(&rel)
                .file_stem()
                .map_or(id.clone(), |s| s.to_string_lossy().into_owned())
        });
        let f = &files[file];
        doc_index.insert(id.clone(), documents.len());
        documents.push(DocumentSpec {
            id,
            file,
            start,
            end: Some(end).filter(|e| !e.is_empty()),
            within: None,
            title,
            kind,
            date,
            authors: refs("authors"),
            recipients: refs("recipients"),
            language: opt("language").or_else(|| f.language.clone()),
            original_language: f.original_language.clone(),
            publisher: f.publisher.clone(),
            source: opt("source").or_else(|| f.source.clone()),
            note: opt("note"),
            start_pos: if col("start").is_some() {
                start_pos
            } else {
                id_pos
            },
            end_pos: col("end").is_some().then_some(end_pos),
            in_sheet: true,
        });
    }
    Ok(())
}

/// What the walks of `[[folder]]`s saw, for [`undescribed_texts`].
#[derive(Debug, Default)]
struct Walked {
    /// The folders' directories (relative to the corpus) walked whole.
    dirs: HashSet<String>,
    /// The `.txt` entries under them the folders left out.
    left: Vec<String>,
}

/// The `.txt` files under `dir` that `described` does not name, relative
/// paths in order; hidden files and directories are skipped. A directory
/// a folder walked whole is not walked again: of its entries, those the
/// folder left out are taken from `walked`.
fn undescribed_texts(
    dir: &Path,
    described: &HashSet<&str>,
    walked: &Walked,
) -> Result<Vec<String>> {
    let mut found: Vec<String> = walked
        .left
        .iter()
        .filter(|rel| !described.contains(rel.as_str()))
        .cloned()
        .collect();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => {
                    let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy();
                    if !walked.dirs.contains(rel.replace('\\', "/").as_str()) {
                        pending.push(path);
                    }
                }
                Ok(_) if name.ends_with(".txt") => {
                    let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy();
                    let rel = rel.replace('\\', "/");
                    if !described.contains(rel.as_str()) {
                        found.push(rel);
                    }
                }
                _ => {}
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// The longest document id: exports name files after it (`ID.ann`,
/// `ID.xml`), and file names have at most 255 bytes.
pub const MAX_DOCUMENT_ID: usize = 200;

/// How a corpus may be loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Read files outside the corpus directory (absolute paths, `..`, links
    /// that lead out). Off by default: a corpus someone hands you reads only
    /// its own files.
    pub allow_outside: bool,
}

const OUTSIDE_FIX: &str = "keep the corpus's files inside its directory (copy the file in, with its path relative to the corpus), or pass --allow-outside-corpus if you trust this corpus";

/// The corpus directory's real path, to keep every path of the manifest
/// inside it.
struct Inside {
    root: PathBuf,
    allow: bool,
    manifest: PathBuf,
}

impl Inside {
    fn new(dir: &Path, options: LoadOptions, manifest: &Path) -> Result<Inside> {
        Ok(Inside {
            root: fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?,
            allow: options.allow_outside,
            manifest: manifest.to_path_buf(),
        })
    }

    /// Checks that `rel` (a path of the manifest) names something inside
    /// the corpus directory, links followed; returns its real path, or
    /// None when it does not exist (the caller says so).
    fn check(&self, rel: &str, pos: Position) -> Result<Option<PathBuf>> {
        self.check_in(&self.manifest, rel, pos)
    }

    /// [`Inside::check`] for a path named at `pos` of the file `origin`
    /// (the manifest, or the document sheet).
    fn check_in(&self, origin: &Path, rel: &str, pos: Position) -> Result<Option<PathBuf>> {
        let outside =
            |what: String| -> Error { InputError::new(origin, what, OUTSIDE_FIX).at(pos).into() };
        if Path::new(rel).is_absolute() && !self.allow {
            return Err(outside(format!(
                "{rel:?} is an absolute path; a corpus reads only files inside its directory"
            )));
        }
        let Ok(real) = fs::canonicalize(self.root.join(rel)) else {
            return Ok(None);
        };
        if !self.allow && !real.starts_with(&self.root) {
            return Err(outside(format!(
                "{rel:?} leads to {}, outside the corpus directory {}",
                real.display(),
                self.root.display()
            )));
        }
        Ok(Some(real))
    }
}

/// The error for a file the manifest names by two spellings.
fn spelt_twice(
    bad: &dyn Fn(std::ops::Range<usize>, String, &str) -> Error,
    span: std::ops::Range<usize>,
    path: &str,
    other: &SourceFile,
) -> Error {
    bad(
        span,
        format!(
            "{path:?} is the file {:?} again, spelt another way",
            other.path
        ),
        &format!(
            "name each file by one path: write {:?} here, or remove the duplicate",
            other.path
        ),
    )
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

/// The line (number, text) that shares the longest prefix with `quote`,
/// ignoring case, for error messages.
fn nearest_line(text: &str, quote: &str) -> Option<(usize, String)> {
    let q: Vec<char> = quote.to_lowercase().chars().collect();
    text.lines()
        .enumerate()
        .map(|(n, l)| {
            let t = l.trim_start();
            let common = t
                .to_lowercase()
                .chars()
                .zip(q.iter())
                .take_while(|(a, b)| a == *b)
                .count();
            let contained = t.to_lowercase().contains(&quote.to_lowercase());
            (common + if contained { q.len() } else { 0 }, n + 1, t)
        })
        .filter(|(score, _, _)| *score >= 3)
        .max_by_key(|(score, n, _)| (*score, std::cmp::Reverse(*n)))
        .map(|(_, n, t)| (n, t.chars().take(80).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::date::Precision;

    #[test]
    fn dates_keep_their_precision_and_check_the_calendar() {
        let d = PartialDate::parse("1953-07-15").unwrap();
        assert_eq!(
            (d.precision().name(), d.to_string()),
            ("day", "1953-07-15".into())
        );
        assert_eq!(
            PartialDate::parse("1947-05").unwrap().precision(),
            Precision::Month
        );
        assert_eq!(
            PartialDate::parse("1941").unwrap().precision(),
            Precision::Year
        );
        assert!(PartialDate::parse("1953-02-29").is_none());
        assert!(PartialDate::parse("1952-02-29").is_some());
        assert!(PartialDate::parse("1953-13").is_none());
        assert!(PartialDate::parse("15 July 1953").is_none());
        assert!(PartialDate::parse("1953-7-1").is_none());
    }

    #[test]
    fn ids_are_iri_safe() {
        assert!(is_valid_id("joseph-stalin"));
        assert!(is_valid_id("Q1.x_2"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id("a/b"));
        assert!(!is_valid_id(""));
    }
}
