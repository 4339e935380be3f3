//! One integration binary: every test drives the real `annalist` binary
//! through the harness in `util.rs` and checks what it wrote by parsing it
//! back (CSV, SPARQL results, RDF through rdflib, pyoxigraph and rapper).

mod bad_input;
mod build;
mod claims;
mod export;
mod incremental;
mod network;
mod query;
mod review;
mod setup;
mod site;
mod util;
