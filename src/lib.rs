//! annalist turns archival documents into a linked-data knowledge graph.
//!
//! The stages follow the data:
//! [`corpus`] (manifest, texts, documents) → [`annotate`] (gazetteer names
//! found in the text, with [`sentence`] boundaries) → [`graph`] (RDF quads,
//! one named graph per document) → [`store`] (an on-disk Oxigraph store,
//! built by [`pipeline`]) → [`query`] (SPARQL); [`read`] (typed values
//! read from the store) → [`export`] (RDF, CSV),
//! [`network`] (Gephi, Neo4j, GraphML, pictures) and [`site`] (the corpus
//! as a static website to read), written through [`output`].
//! [`gazetteer`] holds the entities, [`vocab`] the IRIs, [`error`] the
//! typed errors every stage returns. [`wikidata`] streams Wikidata dumps
//! into gazetteer rows; [`link`] proposes Wikidata links with evidence;
//! [`shard`] writes one slice of the corpus as N-Quads for a cluster;
//! [`serve`] answers OpenRefine's reconciliation queries.
//!
//! ```no_run
//! use annalist::pipeline::{build, BuildConfig};
//! let summary = build(&BuildConfig {
//!     corpus: "corpus".into(),
//!     store: "corpus/.annalist".into(),
//!     progress: false,
//!     allow_outside: false,
//! })?;
//! println!("{summary}");
//! # Ok::<_, annalist::Error>(())
//! ```

// `SOURCE_DIGEST`: what a store's up-to-date check knows of the program
// beyond its version (see build.rs).
include!(concat!(env!("OUT_DIR"), "/program.rs"));

pub mod add;
pub mod annotate;
pub mod annotations;
pub mod corpus;
pub mod dates;
pub mod discover;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod gazetteer;
pub mod graph;
pub mod hipe;
pub mod init;
pub mod ledger;
pub mod link;
pub mod map;
pub mod network;
pub mod output;
pub mod overrides;
pub mod pipeline;
#[cfg(test)]
mod proptests;
pub mod push;
pub mod query;
pub mod quickstatements;
pub mod read;
pub mod relations;
pub mod search;
pub mod sentence;
pub mod serve;
pub mod shard;
pub mod site;
pub mod stamp;
pub mod store;
pub mod table;
pub mod variants;
pub mod vocab;
pub mod wikidata;

pub use error::{Error, Result};
