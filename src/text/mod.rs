//! Helpers for text that every stage shares: the one folding of names and
//! text ([`fold`]), name keys and likeness ([`names`]), CSV tables read with
//! the line and column of every cell ([`table`]), and escaping for XML and
//! JSON.
//!
//! Invariant: nothing here knows a corpus, a store or a format of annalist's
//! own; every stage may use it, and it uses no stage.

pub mod escape;
pub mod fold;
pub mod names;
pub mod table;
