//! The write path's third stage: annotated files become RDF quads.
//! [`vocab`] names every IRI annalist writes, [`quads`] makes the quads.
//!
//! Invariant: this is the only place that makes triples.

pub mod quads;
pub mod vocab;
