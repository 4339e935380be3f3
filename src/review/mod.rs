//! Checking the annotation: [`evaluate`] scores it against a gold standard,
//! [`discover`] lists the names the gazetteer lacks.
//!
//! Invariant: review reads; it changes neither the corpus nor the store.

pub mod discover;
pub mod evaluate;
