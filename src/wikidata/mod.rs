//! Wikidata in and out: [`dump`] streams Wikidata's JSON dumps into
//! gazetteer rows, [`link`] proposes links for unlinked entities with their
//! evidence, [`quickstatements`] writes claims back as QuickStatements.
//!
//! Invariant: a Wikidata id annalist proposes is never written as a curated
//! one; it carries its evidence and waits for a reviewer.

pub mod dump;
pub mod link;
pub mod quickstatements;
