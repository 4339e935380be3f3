//! The annotation of a file, as a value: what the annotate stage hands to
//! the RDF stage, and what review and export can use without a store.
//!
//! An [`AnnotatedFile`] holds, for each document the file holds, its span,
//! its sentences, its mentions (each saying [`How`] it was found, and why
//! when annalist derived it), the names it leaves shared between entities,
//! the names no gazetteer lists that it recognised,
//! its date expressions and the claims of `relations.csv` located in it.
//!
//! Invariant: every offset here is a byte offset into the file's text, on
//! a character boundary; a document's mentions, dates and sentences lie in
//! its own text (not in the documents embedded in it) and are in text
//! order; no unlisted name overlaps a mention or a shared name. The RDF stage turns them into code points.

pub use crate::annotate::dates::DateMention;
pub use crate::annotate::unlisted::Unlisted;
use crate::input::corpus::Segment;
use crate::input::relations::Claim;

/// How a mention was found: the rule, so that a reviewer can list the
/// mentions of one rule and reject what it got wrong. Only [`How::Listed`]
/// is a name the gazetteer lists as written; every other way is derived
/// by annalist, and the mention carries its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum How {
    /// A gazetteer name, as listed.
    Listed,
    /// A gazetteer name in other capitals (a heading, OCR).
    Case,
    /// A person's surname alone.
    Surname,
    /// A person's initials and surname (`S. Mikhoels`).
    Initials,
    /// An acronym or short form the document defines for a name.
    ShortForm,
    /// Another transliteration of a gazetteer name.
    Spelling,
    /// A name several entities share, decided by evidence in the document.
    Context,
    /// Added or relinked by a reviewer's override.
    Review,
    /// A name no gazetteer lists, recognised and typed by a rule; it has
    /// no entity (see [`crate::annotate::unlisted`]).
    Unlisted,
}

impl How {
    pub const ALL: [How; 9] = [
        How::Listed,
        How::Case,
        How::Surname,
        How::Initials,
        How::ShortForm,
        How::Spelling,
        How::Context,
        How::Review,
        How::Unlisted,
    ];

    /// The name on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            How::Listed => "listed",
            How::Case => "case",
            How::Surname => "surname",
            How::Initials => "initials",
            How::ShortForm => "short-form",
            How::Spelling => "spelling",
            How::Context => "context",
            How::Review => "review",
            How::Unlisted => "unlisted",
        }
    }

    /// The local name of its concept in the ontology's `ans:MentionMethods`.
    pub fn concept(self) -> &'static str {
        match self {
            How::Listed => "listedName",
            How::Case => "caseVariant",
            How::Surname => "surnameVariant",
            How::Initials => "initialsVariant",
            How::ShortForm => "definedShortForm",
            How::Spelling => "spellingVariant",
            How::Context => "decidedByContext",
            How::Review => "reviewerOverride",
            How::Unlisted => "unlistedName",
        }
    }

    /// The way whose concept has this local name.
    pub fn from_concept(local: &str) -> Option<How> {
        How::ALL.into_iter().find(|h| h.concept() == local)
    }
}

/// A name found in a text and given to an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte offsets into the original text.
    pub start: usize,
    pub end: usize,
    /// Index of the entity in the gazetteer.
    pub entity: usize,
    pub how: How,
    /// Why a derived mention was made (None for a listed name).
    pub reason: Option<String>,
    /// For a nested mention, the byte span of the event's or work's name
    /// it lies in.
    pub nested_in: Option<(usize, usize)>,
}

/// A name that several entities share in this document: left unlinked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    pub start: usize,
    pub end: usize,
    pub entities: Vec<usize>,
    /// What the document said and why it did not decide, when it was
    /// weighed (None: nothing in the document bore on it).
    pub reason: Option<String>,
}

/// A claim of `relations.csv`, with the place of its quote in its source
/// document.
#[derive(Debug, Clone, Copy)]
pub struct LocatedClaim<'a> {
    pub claim: &'a Claim,
    pub start: usize,
    pub end: usize,
}

/// One document of a file, annotated.
#[derive(Debug, Clone)]
pub struct AnnotatedDocument<'a> {
    /// The document's place in the file, and its index in the corpus.
    pub segment: Segment,
    /// Its sentences, in text order.
    pub sentences: Vec<(usize, usize)>,
    /// Its mentions, by start (outer names before the names nested in them).
    pub mentions: Vec<Mention>,
    /// The names several entities share here, left unlinked.
    pub shared: Vec<Ambiguous>,
    /// The names no gazetteer lists, recognised and typed, with no entity.
    pub unlisted: Vec<Unlisted>,
    /// Its date expressions, at their places in the file.
    pub dates: Vec<DateMention>,
    pub claims: Vec<LocatedClaim<'a>>,
}

impl AnnotatedDocument<'_> {
    /// The index of the sentence that holds `start..end`, if one does.
    pub fn sentence_of(&self, start: usize, end: usize) -> Option<usize> {
        let k = self.sentences.partition_point(|s| s.0 <= start);
        (k > 0 && self.sentences[k - 1].1 >= end).then(|| k - 1)
    }
}

/// A file of the corpus, annotated.
#[derive(Debug, Clone)]
pub struct AnnotatedFile<'a> {
    /// The file's index in the corpus.
    pub file: usize,
    pub text: &'a str,
    /// Its documents, in the order [`crate::input::corpus::Corpus::segment`]
    /// gives them (by start; an embedding document before those it embeds).
    pub documents: Vec<AnnotatedDocument<'a>>,
    /// Lines of `relations.csv` whose subject and object are not mentioned
    /// near the quote (a pronoun, or an event the text does not name).
    pub far_claims: Vec<usize>,
}
