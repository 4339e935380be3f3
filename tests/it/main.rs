//! One integration binary: every test drives the real `annalist` binary
//! through the harness in `util.rs` and checks what it wrote by parsing it
//! back (CSV, SPARQL results, RDF through rdflib, pyoxigraph and rapper).

mod architecture;
mod archive;
mod bad_input;
mod build;
mod carry;
mod claims;
mod discover;
mod export;
mod fast_start;
mod golden;
mod hipe;
mod incremental;
mod network;
mod portable;
mod positions;
mod push;
mod query;
mod regression;
mod review;
mod search;
mod serve;
mod setup;
mod shard;
mod site;
mod unlisted;
mod util;
mod variants;
mod wikidata;
