//! The read path's outputs: the store written in the formats other tools
//! read. [`rdf`] (every RDF syntax) and [`csv`] (tables), [`annotations`]
//! (Web Annotation, brat, TEI), [`network`] (Gephi, Neo4j, GraphML,
//! pictures), [`map`] (GeoJSON) and [`site`] (the corpus as a website).
//!
//! Invariant: exporting never changes the store, and the same store gives
//! byte-identical output.

pub mod annotations;
pub mod csv;
pub mod map;
pub mod network;
pub mod rdf;
pub mod site;
