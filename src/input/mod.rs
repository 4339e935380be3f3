//! The write path's first stage: what a corpus is made of, read and checked.
//! The manifest and document sheet ([`corpus`]), the authority file of
//! entities ([`gazetteer`]), the sourced claims ([`relations`]) and the
//! reviewers' decisions ([`overrides`]); making a corpus ([`init`], [`add`],
//! [`hipe`] for the benchmark's data).
//!
//! Invariant: every error names the file, line and column of the offending
//! cell and says how to fix it; nothing here writes to a store.

pub mod add;
pub mod corpus;
pub mod date;
pub mod gazetteer;
pub mod hipe;
pub mod init;
pub mod overrides;
pub mod relations;

use crate::error::{InputError, Result};
use corpus::Corpus;
use gazetteer::Gazetteer;

/// Checks the corpus against the gazetteer before anything is written.
pub fn check(corpus: &Corpus, gazetteer: &Gazetteer) -> Result<()> {
    corpus.check_entities(|id| gazetteer.get(id).is_some())?;
    if corpus.documents.is_empty() && !corpus.files.is_empty() {
        return Err(InputError::new(
            corpus.manifest_path(),
            "the manifest lists files but no documents",
            "add a [[document]] table for each document (see `annalist init`)",
        )
        .into());
    }
    Ok(())
}
