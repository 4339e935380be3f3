//! annalist turns archival documents into a linked-data knowledge graph.
//!
//! The folders follow the data. The write path: [`input`] (manifest,
//! gazetteer, relations, overrides) → [`annotate`] (a file's text becomes an
//! [`annotate::AnnotatedFile`]) → [`rdf`] (its quads, one named graph per
//! document) → [`store`] (an on-disk Oxigraph store, its ledger and search
//! index), driven by [`pipeline`]. The read path: [`read`] (typed values and
//! SPARQL answers from the store) → [`export`] (RDF, CSV, annotations,
//! networks, the map and the reading view), [`review`] (evaluate, discover),
//! [`wikidata`] (dumps in, links and QuickStatements out) and [`serve`]
//! (HTTP endpoints, pushing to a triplestore). Below them all: [`error`]
//! (the typed errors every stage returns), [`output`] (where output goes)
//! and [`text`] (folding, tables with positions, escaping).
//!
//! A module imports only from its own stage or from those before it.
//!
//! ```no_run
//! use annalist::pipeline::{build, BuildConfig};
//! let summary = build(&BuildConfig {
//!     corpus: "corpus".into(),
//!     store: "corpus/.annalist".into(),
//!     progress: None,
//!     allow_outside: false,
//!     check: Default::default(),
//! })?;
//! println!("{summary}");
//! # Ok::<_, annalist::Error>(())
//! ```

// `SOURCE_DIGEST`: what a store's up-to-date check knows of the program
// beyond its version (see build.rs).
include!(concat!(env!("OUT_DIR"), "/program.rs"));

pub mod error;
pub mod output;
pub mod text;

// The write path, in the order the data flows.
pub mod annotate;
pub mod input;
pub mod pipeline;
pub mod rdf;
pub mod store;

// The read path.
pub mod export;
pub mod read;
pub mod review;
pub mod serve;
pub mod wikidata;

#[cfg(test)]
mod proptests;

pub use error::{Error, Result};
