//! `annalist init`: a new, empty corpus with a commented manifest.
//!
//! Invariant: never overwrites anything; the corpus it writes builds as it
//! is (to an empty store), so a user can grow it one document at a time.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The manifest a new corpus starts with.
pub const MANIFEST_TEMPLATE: &str = r#"# annalist corpus manifest.
#
# A corpus is this directory: this manifest, a gazetteer (gazetteer.csv) and
# the text files (UTF-8 plain text) under texts/. `annalist build` reads them
# and writes the store into .annalist/ beside this file.

[corpus]
title = "My corpus"
# description = "What the corpus is, where it comes from."
# Every document and entity gets an IRI under this base: use one you control.
base_iri = "https://example.org/my-corpus/"
gazetteer = "gazetteer.csv"
# Relations and events as claims, each with its source document and a quote
# from it (subject,relation,object,date,source,quote,role,note). Optional: a
# relations.csv beside this file is read when present.
# relations = "relations.csv"
# Reviewers' decisions about single mentions (document,action,quote,
# occurrence,start,end,entity,note; action add, reject or relink), read from
# overrides.csv when present; a gold standard for `annalist evaluate` goes in
# gold.csv (document,start,end,text,type,entity).
# overrides = "overrides.csv"
# The documents, one row each, as archives keep them in a spreadsheet
# (file,id,title,kind,date,authors,recipients,source,language,note,start,end;
# only file is required): read from documents.csv when present.
# `annalist add FILE… --kind letter --date 1939-01-14 --author ID` copies a
# text into texts/ and writes its row for you.
# documents = "documents.csv"

# One [[file]] table per text file says what the file as a whole is. It is
# optional; its language, original_language, publisher and source are
# inherited by the documents in the file.
#
# [[file]]
# path = "texts/letters-1953.txt"
# title = "Letters of 1953, as printed in volume 2"
# publisher = "…"
# source = "…"
# language = "en"
# original_language = "ru"
# note = "…"

# Or one [[document]] table per document. A file may hold several documents:
# `start` quotes the beginning of the document's first line (leading spaces
# ignored) and must begin exactly one line of the file; a document without
# `start` is its whole file. A document runs until
# the next document of the file starts, or until the line that `end` quotes.
# A document quoted inside another (a letter inside an article) names its
# enclosing document with `within` and must have an `end`.
#
# [[document]]
# id = "sharett-to-molotov-1953-07-06"      # letters, digits, - _ .
# file = "texts/letters-1953.txt"
# start = "LETTER FROM ISRAELI FOREIGN MINISTER"  # when the file holds several
# end = "LETTER FROM SOVIET FOREIGN MINISTER"  # optional
# within = "some-other-document"             # optional
# title = "Letter from M. Sharett to V. M. Molotov"
# kind = "letter"   # article, blog-post, comment, extract, front-matter, greeting,
#                   # letter, memorandum, note, report, speech, statement, telegram, other
# date = "1953-07-06"   # ISO 8601: YYYY-MM-DD, YYYY-MM or YYYY
# authors = ["moshe-sharett"]        # gazetteer ids
# recipients = ["vyacheslav-molotov"]
# note = "Anything a reader should know."

# For an archive too large to list file by file: every .txt file under a
# folder (searched recursively, hidden files skipped) is one document whose id
# is its path without .txt, "/" becoming "-", and whose title is its file name.
#
# [[folder]]
# path = "texts/newspapers"
# kind = "article"      # optional, default "other"
# language = "en"       # optional, as are original_language, publisher,
#                       # source and note
"#;

/// The gazetteer a new corpus starts with: the header row.
pub const GAZETTEER_TEMPLATE: &str = "id,type,label,aliases,wikidata,wikidata_source,description\n";

/// Writes a new corpus into `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::Usage {
                message: format!("{}: the directory is not empty", dir.display()),
                fix: "name a new or empty directory".into(),
            });
        }
    }
    let texts = dir.join("texts");
    std::fs::create_dir_all(&texts).map_err(|e| Error::io(&texts, e))?;
    let files = [
        (dir.join(crate::input::corpus::MANIFEST), MANIFEST_TEMPLATE),
        (dir.join("gazetteer.csv"), GAZETTEER_TEMPLATE),
        (dir.join(".gitignore"), ".annalist/\n"),
    ];
    for (path, text) in &files {
        std::fs::write(path, text).map_err(|e| Error::io(path, e))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).chain([texts]).collect())
}
