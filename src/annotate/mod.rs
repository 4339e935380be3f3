//! The write path's second stage: a file's text becomes an
//! [`AnnotatedFile`], the typed value the RDF stage turns into quads.
//!
//! [`annotate_file`] segments the file into its documents, finds the
//! gazetteer's names ([`tagger`]) and gives each to the innermost document
//! holding it and to the entity it stands for there, adds the names nested
//! in an event's or a work's name, derives the variants a document defines
//! or shortens ([`variants`]), recognises the names no gazetteer lists
//! ([`unlisted`], unless the manifest turns it off), applies the reviewers' overrides, splits
//! sentences ([`sentence`]), locates each claim's quote and finds date
//! expressions ([`dates`]).
//!
//! Invariant: annotation reads the input and the text only; it makes no RDF
//! and never touches a store. Every offset of an [`AnnotatedFile`] is a byte
//! offset into the file's text, on a character boundary.

pub mod annotation;
pub mod dates;
pub mod sentence;
pub mod tagger;
pub mod unlisted;
pub mod variants;

pub use annotation::{
    Ambiguous, AnnotatedDocument, AnnotatedFile, DateMention, How, LocatedClaim, Mention, Unlisted,
};

use crate::error::{InputError, Result};
use crate::input::corpus::{Corpus, Segment};
use crate::input::gazetteer::{EntityType, Gazetteer};
use crate::input::overrides::{self, Action, Override, Overrides};
use crate::input::relations::{self, Relations};
use crate::text::fold::fold;
use tagger::{Match, Resolution, Tagger};
use variants::Variants;

/// What annotation reads besides the texts.
pub struct Sources<'a> {
    pub corpus: &'a Corpus,
    pub gazetteer: &'a Gazetteer,
    pub relations: &'a Relations,
    pub overrides: &'a Overrides,
}

/// The gazetteer compiled for annotation: the tagger's automaton and the
/// rules that derive name variants.
pub struct Annotator {
    pub tagger: Tagger,
    pub variants: Variants,
}

impl Annotator {
    pub fn new(gazetteer: &Gazetteer) -> Annotator {
        Annotator {
            tagger: Tagger::new(gazetteer),
            variants: Variants::new(gazetteer),
        }
    }
}

/// The mention a match makes; a name in other capitals than the
/// gazetteer's says which listed name it is.
fn found_mention(gazetteer: &Gazetteer, text: &str, m: &Match, entity: usize) -> Mention {
    let mut mention = m.mention(entity);
    if m.how == How::Case {
        let written = fold(&text[m.start..m.end]).0.to_lowercase();
        let listed = gazetteer.entities[entity]
            .names()
            .find(|n| fold(n.trim_matches('"')).0.to_lowercase() == written)
            .unwrap_or(&gazetteer.entities[entity].label);
        mention.reason = Some(format!("the gazetteer's {listed:?} in other capitals"));
    }
    mention
}

/// Annotates file `file` of the corpus, whose text is `text`.
pub fn annotate_file<'a>(
    sources: &Sources<'a>,
    annotator: &Annotator,
    file: usize,
    text: &'a str,
) -> Result<AnnotatedFile<'a>> {
    let (corpus, gazetteer) = (sources.corpus, sources.gazetteer);
    let tagger = &annotator.tagger;
    let segments = corpus.segment(file, text)?;
    let tagged = tagger.tag_nested(text);

    // Each match goes to the innermost document holding it, and to the
    // entity its name stands for there; the reviewers' overrides then add,
    // reject or relink single mentions.
    let mut found: Vec<Vec<Mention>> = vec![Vec::new(); segments.len()];
    let mut shared: Vec<Vec<Ambiguous>> = vec![Vec::new(); segments.len()];
    for m in &tagged.matches {
        let Some(k) = innermost(&segments, m.start, m.end) else {
            continue;
        };
        match tagger.resolve(m.pattern, &corpus.documents[segments[k].doc].id) {
            Resolution::One(entity) => found[k].push(found_mention(gazetteer, text, m, entity)),
            Resolution::Many(entities) => shared[k].push(Ambiguous {
                start: m.start,
                end: m.end,
                entities,
                reason: None,
            }),
            Resolution::Nothing => {}
        }
    }
    // A person, organisation or place named inside an event's or a work's
    // name is a mention of its own, nested in that one.
    for (k, seg) in segments.iter().enumerate() {
        let doc = &corpus.documents[seg.doc].id;
        let mut nested = Vec::new();
        for outer in &found[k] {
            if !matches!(
                gazetteer.entities[outer.entity].kind,
                EntityType::Event | EntityType::Work
            ) {
                continue;
            }
            // `inner` is in text order: start at the outer name's start,
            // stop past its end.
            let mut last_end = outer.start;
            let from = tagged.inner.partition_point(|m| m.start < outer.start);
            for m in tagged.inner[from..]
                .iter()
                .take_while(|m| m.start < outer.end)
            {
                if m.start < last_end || m.end > outer.end {
                    continue;
                }
                let Resolution::One(entity) = tagger.resolve(m.pattern, doc) else {
                    continue;
                };
                if matches!(
                    gazetteer.entities[entity].kind,
                    EntityType::Person | EntityType::Organisation | EntityType::Place
                ) {
                    last_end = m.end;
                    nested.push(Mention {
                        nested_in: Some((outer.start, outer.end)),
                        ..found_mention(gazetteer, text, m, entity)
                    });
                }
            }
        }
        found[k].extend(nested);
        found[k].sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    }
    // Each document's own text: its segment less the documents it embeds.
    let own: Vec<Vec<(usize, usize)>> = segments.iter().map(|s| own_ranges(s, &segments)).collect();
    let mut unlisted: Vec<Vec<Unlisted>> = vec![Vec::new(); segments.len()];
    for (k, seg) in segments.iter().enumerate() {
        let spec = &corpus.documents[seg.doc];
        let doc = variants::Document {
            text,
            ranges: &own[k],
            year: spec.date.map(|d| d.year),
        };
        annotator
            .variants
            .derive(&doc, &mut found[k], &mut shared[k]);
        if corpus.unlisted_names {
            // `City` in `the City of Carlisle` names no city of its own.
            found[k].retain(|m| {
                m.nested_in.is_some() || !unlisted::kind_before_name(text, m.start, m.end)
            });
            unlisted[k] = place_unlisted(
                gazetteer,
                unlisted::recognise(text, &own[k]),
                &mut found[k],
                &mut shared[k],
            );
        }
        apply_overrides(
            sources,
            text,
            seg,
            &mut found[k],
            &mut shared[k],
            &mut unlisted[k],
        )?;
    }

    let mut out = AnnotatedFile {
        file,
        text,
        documents: Vec::with_capacity(segments.len()),
        far_claims: Vec::new(),
    };
    for (((seg, ranges), (mentions, shared)), unlisted) in segments
        .iter()
        .zip(&own)
        .zip(found.into_iter().zip(shared))
        .zip(unlisted)
    {
        let spec = &corpus.documents[seg.doc];
        let sentences: Vec<(usize, usize)> = ranges
            .iter()
            .flat_map(|&(a, b)| sentence::split(text, a, b))
            .collect();
        // Each claim's quote, found in its source document.
        let mut claims = Vec::new();
        for claim in sources.relations.of(seg.doc) {
            let (qs, qe) = relations::locate(text, seg.start, seg.end, &claim.quote).ok_or_else(|| {
                let doc = &spec.id;
                InputError::new(
                    &sources.relations.path,
                    format!("the quote is not in document {doc:?}"),
                    match relations::nearest(text, seg.start, seg.end, &claim.quote) {
                        Some(p) => format!("copy the passage exactly; the nearest in {doc} is: {p:?}"),
                        None => format!("copy the passage exactly from document {doc}, or name the document that says it"),
                    },
                )
                .at(claim.quote_position)
            })?;
            let near = |e: usize| {
                mentions
                    .iter()
                    .any(|m| m.entity == e && m.start + 300 >= qs && m.end <= qe + 300)
            };
            if !near(claim.subject) && !claim.object.is_some_and(near) {
                out.far_claims.push(claim.quote_position.line);
            }
            claims.push(LocatedClaim {
                claim,
                start: qs,
                end: qe,
            });
        }
        // Date expressions, each in the innermost document that holds it.
        let anchor = spec.date.map(|d| dates::Anchor {
            year: d.year,
            month: d.month,
            day: d.day,
            reports_past: matches!(spec.kind.as_str(), "letter" | "telegram"),
        });
        let mut found_dates = Vec::new();
        for &(a, b) in ranges {
            for d in dates::find_near(&text[a..b], anchor) {
                found_dates.push(DateMention {
                    start: a + d.start,
                    end: a + d.end,
                    ..d
                });
            }
        }
        out.documents.push(AnnotatedDocument {
            segment: *seg,
            sentences,
            mentions,
            shared,
            unlisted,
            dates: found_dates,
            claims,
        });
    }
    Ok(out)
}

/// Keeps the recognised names that the gazetteer's names leave room for.
/// One that overlaps a mention or shared name without containing it is
/// dropped. A person's name gives way to a gazetteer person inside it (a
/// fuller form of a known name), and takes the place of other names inside
/// it (the place `Coventry` in `Wm. Coventry`) and, when a title found it, of a
/// place of its own span (`Captain Coventry`); an organisation's, place's or
/// periodical's name keeps them, nested in it (`Leeds` in `Leeds
/// Intelligencer`), since a recognised name is a guess and the gazetteer's
/// names are not.
fn place_unlisted(
    gazetteer: &Gazetteer,
    recognised: Vec<Unlisted>,
    found: &mut Vec<Mention>,
    shared: &mut Vec<Ambiguous>,
) -> Vec<Unlisted> {
    let mut kept = Vec::new();
    let mut gone: Vec<(usize, usize)> = Vec::new();
    for u in recognised {
        let overlaps = |s: usize, e: usize| s < u.end && u.start < e;
        let inside = |s: usize, e: usize| u.start <= s && e <= u.end && (s, e) != (u.start, u.end);
        let blocked = |s: usize, e: usize| overlaps(s, e) && !inside(s, e);
        let person = |m: &Mention| gazetteer.entities[m.entity].kind == EntityType::Person;
        // A title before a name the gazetteer gives a place makes it a
        // person's (`Captain Coventry`, `Lord Taunton`): the place goes.
        let titled_place = |m: &Mention| {
            u.kind == EntityType::Person
                && u.rule == unlisted::Rule::Title
                && (m.start, m.end) == (u.start, u.end)
                && m.nested_in.is_none()
                && gazetteer.entities[m.entity].kind == EntityType::Place
        };
        if found
            .iter()
            .any(|m| blocked(m.start, m.end) && !titled_place(m))
            || shared.iter().any(|a| blocked(a.start, a.end))
            || u.kind == EntityType::Person
                && found.iter().any(|m| inside(m.start, m.end) && person(m))
        {
            continue;
        }
        if u.kind == EntityType::Person {
            shared.retain(|a| !inside(a.start, a.end));
            found.retain(|m| !titled_place(m));
            gone.push((u.start, u.end));
        } else {
            for m in found.iter_mut() {
                if inside(m.start, m.end) && m.nested_in.is_none() {
                    m.nested_in = Some((u.start, u.end));
                }
            }
        }
        kept.push(u);
    }
    found.retain(|m| !gone.iter().any(|&(s, e)| s <= m.start && m.end <= e));
    kept
}

/// Applies the overrides of one document to what the tagger found in it.
fn apply_overrides(
    sources: &Sources<'_>,
    text: &str,
    seg: &Segment,
    found: &mut Vec<Mention>,
    shared: &mut Vec<Ambiguous>,
    unlisted: &mut Vec<Unlisted>,
) -> Result<()> {
    let doc_id = &sources.corpus.documents[seg.doc].id;
    let path = &sources.overrides.path;
    let mut taken: Vec<(usize, usize, &Override)> = Vec::new();
    for o in sources.overrides.of(seg.doc) {
        let (s, e) = overrides::locate(o, path, doc_id, text, seg.start, seg.end)?;
        if let Some((_, _, other)) = taken.iter().find(|(ts, te, _)| s < *te && *ts < e) {
            return Err(InputError::new(
                path,
                format!(
                    "this override overlaps the one on line {} in document {doc_id:?}",
                    other.position.line
                ),
                "keep one override per mention",
            )
            .at(o.position)
            .into());
        }
        taken.push((s, e, o));
        let at = found.iter().position(|m| (m.start, m.end) == (s, e));
        let shared_at = shared.iter().position(|a| (a.start, a.end) == (s, e));
        let unlisted_at = unlisted.iter().position(|u| (u.start, u.end) == (s, e));
        let missing = || -> crate::Error {
            InputError::new(
                path,
                format!(
                    "no mention of {:?} at that place in document {doc_id:?} to {}",
                    o.quote,
                    match o.action {
                        Action::Reject => "reject",
                        _ => "relink",
                    }
                ),
                "the tagger finds nothing there: use add, or check the quote and occurrence",
            )
            .at(o.position)
            .into()
        };
        match o.action {
            Action::Reject => match (at, shared_at, unlisted_at) {
                (Some(i), _, _) => {
                    found.remove(i);
                }
                (None, Some(i), _) => {
                    shared.remove(i);
                }
                (None, None, Some(i)) => {
                    unlisted.remove(i);
                }
                (None, None, None) => return Err(missing()),
            },
            Action::Relink | Action::Add => {
                if o.action == Action::Relink
                    && at.is_none()
                    && shared_at.is_none()
                    && unlisted_at.is_none()
                {
                    return Err(missing());
                }
                // What the tagger found or recognised over this span gives way.
                found.retain(|m| m.end <= s || e <= m.start);
                shared.retain(|a| a.end <= s || e <= a.start);
                unlisted.retain(|u| u.end <= s || e <= u.start);
                let entity = o.entity.expect("add and relink carry an entity");
                let place = found.partition_point(|m| m.start < s);
                found.insert(
                    place,
                    Mention {
                        start: s,
                        end: e,
                        entity,
                        how: How::Review,
                        reason: Some(format!(
                            "{} by line {} of {}",
                            match o.action {
                                Action::Add => "added",
                                _ => "relinked",
                            },
                            o.position.line,
                            path.file_name().map_or_else(
                                || path.display().to_string(),
                                |n| n.to_string_lossy().into_owned()
                            )
                        )),
                        nested_in: None,
                    },
                );
            }
        }
    }
    Ok(())
}

/// The parts of a segment not covered by documents embedded in it.
pub fn own_ranges(seg: &Segment, all: &[Segment]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut at = seg.start;
    for child in all.iter().filter(|c| {
        c.doc != seg.doc
            && c.start >= seg.start
            && c.end <= seg.end
            && (c.start, c.end) != (seg.start, seg.end)
    }) {
        if child.start > at {
            ranges.push((at, child.start));
        }
        at = at.max(child.end);
    }
    if at < seg.end {
        ranges.push((at, seg.end));
    }
    ranges
}

/// The innermost segment that contains `start..end`.
fn innermost(segments: &[Segment], start: usize, end: usize) -> Option<usize> {
    let upto = segments.partition_point(|s| s.start <= start);
    (0..upto).rev().find(|&k| segments[k].end >= end)
}
