//! Derived name variants: the mentions a text makes of gazetteer entities
//! in words the gazetteer does not list, and the evidence that decides a
//! name several entities share.
//!
//! After the tagger, each document is read once more, in order, for:
//! - **short forms it defines**: `Full Name (ACR)`, `ACR (Full Name)` and
//!   `Full Name ("Short")`, where the full name is a mention and an acronym's
//!   letters follow the full name's (first letter equal, the rest in order);
//!   the definition and every later use in the document are mentions of the
//!   full name's entity ([`How::ShortForm`]);
//! - **surnames**: a capitalised word that is the last word of a gazetteer
//!   person's name, alone ([`How::Surname`]) or after initials that agree
//!   with the person's given names ([`How::Initials`], `S. Mikhoels`,
//!   `V.M. Molotov`). It is linked when exactly one person with that
//!   surname is named in full earlier in the document, or when one
//!   gazetteer person has that surname and the word is not a common English
//!   word (`King`, `May`); several persons and no decision leave it a
//!   shared name;
//! - **other spellings**: a whole run of one to three capitalised words
//!   (no other name-like word beside it, unless inside an event's or
//!   work's name), within a quarter of the known name's length, whose
//!   transliteration-neutral key ([`crate::text::names::phonetic_key`]) equals
//!   that of exactly one entity's name, with a [`crate::text::names::similarity`]
//!   of at least [`SPELLING_THRESHOLD`] ([`How::Spelling`]); anything less
//!   sure stays a `discover` suggestion;
//! - **context for shared names** ([`How::Context`]): candidates born or
//!   founded after the document's date are set aside; a woman's title
//!   (`Mrs.`, `Miss`, `Madame`, `Lady`, …) before a person's name keeps
//!   only the candidates whose `gender` fact is `female` (and a man's title
//!   sets aside those known to be women); a candidate with another mention
//!   in the document is chosen when it is the only one; of candidate
//!   places, the one whose `country` the document names, when only one. One candidate left
//!   decides; otherwise the name stays shared, with what was weighed. A
//!   woman's title before a name that the gazetteer gives to one person not
//!   known to be a woman (`Mrs. Roosevelt` against Franklin D. Roosevelt)
//!   unlinks it, or relinks it to the one woman of that surname.
//!
//! Invariant: a derived mention never overlaps a mention the tagger found
//! (except a short form, which replaces another entity's name in the
//! document that defines it), every derived mention and every decided
//! shared name carries its reason, and the result depends only on the
//! document and the gazetteer.

use crate::annotate::{Ambiguous, How, Mention};
use crate::input::gazetteer::{EntityType, Gazetteer};
use crate::text::fold::fold;
use crate::text::names;
use std::collections::HashMap;
use unicode_normalization::char::is_combining_mark;

/// The lowest [`names::similarity`] at which another spelling of a
/// known name is linked without review (`Charetta` ~ `Sharett` 0.86,
/// `Slanski` ~ `Slansky` 1.0). Below it, `discover` lists the spelling.
pub const SPELLING_THRESHOLD: f64 = 0.85;

/// Titles that say a person is a woman.
const WOMEN: &[&str] = &[
    "mrs",
    "miss",
    "ms",
    "madame",
    "mme",
    "mademoiselle",
    "mlle",
    "lady",
    "princess",
    "queen",
    "frau",
    "fraulein",
    "senora",
    "signora",
    "dame",
];

/// Titles that say a person is a man.
const MEN: &[&str] = &[
    "mr", "sir", "lord", "king", "prince", "herr", "monsieur", "senor", "signor",
];

/// Name suffixes that are not surnames.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "junior", "senior"];

/// What the gazetteer offers the derivations, compiled once per build.
pub struct Variants {
    /// Folded surname (as written, case kept) -> persons, in gazetteer order.
    surnames: HashMap<String, Vec<usize>>,
    /// Per person: the first letters of the given names of each full name.
    given: HashMap<usize, Vec<Vec<char>>>,
    /// Phonetic key -> (entity, name), for persons, organisations and
    /// places.
    phonetic: HashMap<String, Vec<(usize, String)>>,
    /// Per entity: its `gender` fact, `born` or `founded` year.
    gender: Vec<Option<Gender>>,
    since: Vec<Option<i32>>,
    kinds: Vec<EntityType>,
    labels: Vec<String>,
    /// Per entity: the entity its `country` fact names (by Wikidata id),
    /// when the gazetteer has it.
    country: Vec<Option<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Female,
    Male,
}

/// A document as the derivations see it.
pub struct Document<'a> {
    pub text: &'a str,
    /// The byte ranges of the text that are this document's own (embedded
    /// documents cut out).
    pub ranges: &'a [(usize, usize)],
    /// The year of the document's date, when known.
    pub year: Option<i32>,
}

/// A word of the text: byte offsets.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
}

impl Variants {
    pub fn new(gazetteer: &Gazetteer) -> Variants {
        let mut surnames: HashMap<String, Vec<usize>> = HashMap::new();
        let mut given: HashMap<usize, Vec<Vec<char>>> = HashMap::new();
        let mut phonetic: HashMap<String, Vec<(usize, String)>> = HashMap::new();
        let mut gender = Vec::with_capacity(gazetteer.len());
        let mut since = Vec::with_capacity(gazetteer.len());
        for (i, e) in gazetteer.entities.iter().enumerate() {
            gender.push(
                match e.facts.get("gender").map(|g| g.trim().to_lowercase()) {
                    Some(g) if g == "female" => Some(Gender::Female),
                    Some(g) if g == "male" => Some(Gender::Male),
                    _ => None,
                },
            );
            let year = |f: &str| {
                e.facts.get(f).and_then(|d| {
                    let d = d.trim();
                    let (sign, digits) = match d.strip_prefix('-') {
                        Some(rest) => (-1, rest),
                        None => (1, d),
                    };
                    digits
                        .split('-')
                        .next()?
                        .parse::<i32>()
                        .ok()
                        .map(|y| sign * y)
                })
            };
            since.push(year("born").or_else(|| year("founded")));
            if !matches!(
                e.kind,
                EntityType::Person | EntityType::Organisation | EntityType::Place
            ) {
                continue;
            }
            for (name, scope) in e.scoped_names() {
                if !scope.is_empty() || name.starts_with('"') {
                    continue;
                }
                let key = names::phonetic_key(name);
                if key.chars().filter(|c| c.is_alphanumeric()).count() >= 4 {
                    let list = phonetic.entry(key).or_default();
                    if !list.iter().any(|(x, _)| *x == i) {
                        list.push((i, name.to_string()));
                    }
                }
                if e.kind != EntityType::Person {
                    continue;
                }
                let words: Vec<&str> = name
                    .split_whitespace()
                    .map(|w| w.trim_end_matches([',', '.']))
                    .filter(|w| !w.is_empty())
                    .collect();
                let Some(last) = words
                    .iter()
                    .rposition(|w| !SUFFIXES.contains(&w.to_lowercase().as_str()))
                else {
                    continue;
                };
                let surname = words[last];
                if last == 0
                    || surname.chars().filter(|c| c.is_alphabetic()).count() < 3
                    || !surname.chars().next().is_some_and(char::is_uppercase)
                {
                    continue;
                }
                let list = surnames.entry(fold(surname).0).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
                let initials: Vec<char> = words[..last]
                    .iter()
                    .flat_map(|w| w.split(['.', '-']))
                    .filter_map(|w| w.chars().next())
                    .filter(|c| c.is_uppercase())
                    .flat_map(|c| fold(&c.to_string()).0.chars().collect::<Vec<_>>())
                    .collect();
                if !initials.is_empty() {
                    given.entry(i).or_default().push(initials);
                }
            }
            // The surname key of a person is its phonetic key too.
        }
        for (key, persons) in &surnames {
            let p = names::phonetic_key(key);
            if p.chars().filter(|c| c.is_alphanumeric()).count() >= 4 {
                let list = phonetic.entry(p).or_default();
                for &i in persons {
                    if !list.iter().any(|(x, _)| *x == i) {
                        list.push((i, key.clone()));
                    }
                }
            }
        }
        Variants {
            surnames,
            given,
            phonetic,
            gender,
            since,
            kinds: gazetteer.entities.iter().map(|e| e.kind).collect(),
            labels: gazetteer.entities.iter().map(|e| e.label.clone()).collect(),
            country: {
                let by_qid: HashMap<&str, usize> = gazetteer
                    .entities
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| Some((e.wikidata.as_deref()?, i)))
                    .collect();
                gazetteer
                    .entities
                    .iter()
                    .map(|e| {
                        let qid = e.facts.get("country")?.trim();
                        by_qid.get(qid).copied()
                    })
                    .collect()
            },
        }
    }

    /// Adds the derived mentions of one document to what the tagger found
    /// in it, and decides its shared names where the document can.
    pub fn derive(
        &self,
        doc: &Document<'_>,
        found: &mut Vec<Mention>,
        shared: &mut Vec<Ambiguous>,
    ) {
        let text = doc.text;
        let words = words(text, doc.ranges);
        self.short_forms(doc, &words, found, shared);
        found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        self.surnames_and_spellings(doc, &words, found, shared);
        self.context(doc, found, shared);
        found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        shared.sort_by_key(|a| (a.start, a.end));
    }

    /// Short forms the document defines, and their later uses.
    fn short_forms(
        &self,
        doc: &Document<'_>,
        words: &[Word],
        found: &mut Vec<Mention>,
        shared: &mut Vec<Ambiguous>,
    ) {
        let text = doc.text;
        // (short form, entity, the definition as quoted, where it ends)
        let mut defined: Vec<(String, usize, String, usize)> = Vec::new();
        for &(a, b) in doc.ranges {
            for (open, _) in text[a..b].match_indices('(') {
                let open = a + open;
                let mut limit = b.min(open + 80);
                while !text.is_char_boundary(limit) {
                    limit -= 1;
                }
                let Some(close) = text[open..limit].find(')').map(|c| open + c) else {
                    continue;
                };
                let inside = text[open + 1..close].trim();
                let before = text[a..open].trim_end();
                let before_end = a + before.len();
                // Full Name (ACR) or Full Name ("Short").
                let full = found
                    .iter()
                    .filter(|m| m.end == before_end && m.nested_in.is_none())
                    .max_by_key(|m| m.end - m.start);
                if let Some(m) = full {
                    let name = &text[m.start..m.end];
                    let short = match quoted(inside) {
                        Some(q) => Some(q),
                        None => acronym_of(inside, name).then_some(inside),
                    };
                    if let Some(short) = short {
                        let at = open + 1 + text[open + 1..close].find(short).unwrap_or(0);
                        defined.push((
                            short.to_string(),
                            m.entity,
                            text[m.start..=close].to_string(),
                            at,
                        ));
                        continue;
                    }
                }
                // ACR (Full Name).
                let inner_start = open
                    + 1
                    + (text[open + 1..close].len() - text[open + 1..close].trim_start().len());
                let full = found.iter().find(|m| {
                    m.start == inner_start
                        && m.end == inner_start + inside.len()
                        && m.nested_in.is_none()
                });
                let word = words
                    .iter()
                    .rev()
                    .find(|w| w.end <= open && w.end == before_end);
                if let (Some(m), Some(w)) = (full, word) {
                    let acr = &text[w.start..w.end];
                    if acronym_of(acr, &text[m.start..m.end]) {
                        defined.push((
                            acr.to_string(),
                            m.entity,
                            text[w.start..=close].to_string(),
                            w.start,
                        ));
                    }
                }
            }
        }
        for (short, entity, definition, from) in defined {
            let reason = format!(
                "a short form this document defines for {:?}: {:?}",
                self.labels[entity],
                flat(&definition)
            );
            for &(a, b) in doc.ranges {
                let (a, b) = (a.max(from), b);
                if a >= b {
                    continue;
                }
                for (at, _) in text[a..b].match_indices(short.as_str()) {
                    let (s, e) = (a + at, a + at + short.len());
                    let is_word = |i: usize, before: bool| {
                        let c = if before {
                            text[..i].chars().next_back()
                        } else {
                            text[i..].chars().next()
                        };
                        !c.is_some_and(char::is_alphanumeric)
                    };
                    if !is_word(s, true) || !is_word(e, false) {
                        continue;
                    }
                    if found
                        .iter()
                        .any(|m| m.entity == entity && m.start <= s && e <= m.end)
                    {
                        continue;
                    }
                    // The document's own definition wins over the
                    // gazetteer's meaning of the same letters.
                    found.retain(|m| m.end <= s || e <= m.start);
                    shared.retain(|x| x.end <= s || e <= x.start);
                    found.push(Mention {
                        start: s,
                        end: e,
                        entity,
                        how: How::ShortForm,
                        reason: Some(reason.clone()),
                        nested_in: None,
                    });
                }
            }
        }
    }

    /// Surnames, initials and surnames, and other spellings, over the
    /// capitalised words no mention covers.
    fn surnames_and_spellings(
        &self,
        doc: &Document<'_>,
        words: &[Word],
        found: &mut Vec<Mention>,
        shared: &mut Vec<Ambiguous>,
    ) {
        let text = doc.text;
        // An event's or work's name frames the names inside it: a surname
        // there is a nested mention.
        let frame_of = |m: &Mention| {
            m.nested_in.is_none()
                && matches!(self.kinds[m.entity], EntityType::Event | EntityType::Work)
        };
        let covered = |found: &[Mention], shared: &[Ambiguous], s: usize, e: usize| {
            found
                .iter()
                .any(|m| m.start < e && s < m.end && !(frame_of(m) && m.start <= s && e <= m.end))
                || shared.iter().any(|a| a.start < e && s < a.end)
        };
        let frame = |found: &[Mention], s: usize, e: usize| {
            found
                .iter()
                .find(|m| frame_of(m) && m.start <= s && e <= m.end)
                .map(|m| (m.start, m.end))
        };
        let mut i = 0;
        while i < words.len() {
            let w = words[i];
            i += 1;
            let word = possessive(&text[w.start..w.end]);
            let (s, e) = (w.start, w.start + word.len());
            if !capitalised(word) || covered(found, shared, s, e) {
                continue;
            }
            if let Some(persons) = self.surnames.get(&fold(word).0) {
                let initials = initials_before(text, s);
                let start = initials.as_ref().map_or(s, |(at, _)| *at);
                let title = title_before(text, start);
                let mut candidates: Vec<usize> = persons
                    .iter()
                    .copied()
                    .filter(|&p| self.alive(p, doc.year))
                    .collect();
                let how = match &initials {
                    Some((_, letters)) => {
                        candidates.retain(|p| {
                            self.given
                                .get(p)
                                .is_some_and(|g| g.iter().any(|given| given.starts_with(letters)))
                        });
                        How::Initials
                    }
                    None => How::Surname,
                };
                if candidates.is_empty() || covered(found, shared, start, e) {
                    continue;
                }
                let named: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&p| {
                        found.iter().any(|m| {
                            m.entity == p
                                && m.end <= start
                                && text[m.start..m.end].split_whitespace().count() >= 2
                        })
                    })
                    .collect();
                let (gendered, why) = self.by_title(&candidates, title.as_deref());
                let decided: Option<(usize, String)> = if let Some(why) = &why {
                    match gendered.as_slice() {
                        [one] => Some((
                            *one,
                            format!("{why}; {}", self.surname_reason(*one, &named, how)),
                        )),
                        _ => None,
                    }
                } else if named.len() == 1 {
                    Some((named[0], self.surname_reason(named[0], &named, how)))
                } else if candidates.len() == 1
                    && (how == How::Initials || !names::is_common_word(word))
                {
                    Some((
                        candidates[0],
                        self.surname_reason(candidates[0], &named, how),
                    ))
                } else {
                    None
                };
                let nested_in = frame(found, start, e);
                match decided {
                    Some((entity, mut reason)) => {
                        if persons.len() > candidates.len() && how == How::Surname {
                            reason.push_str(
                                "; the others of that surname were born after the document's date",
                            );
                        }
                        found.push(Mention {
                            start,
                            end: e,
                            entity,
                            how,
                            reason: Some(reason),
                            nested_in,
                        })
                    }
                    None if nested_in.is_some() => {}
                    None if candidates.len() > 1 || why.is_some() => shared.push(Ambiguous {
                        start,
                        end: e,
                        entities: candidates,
                        reason: Some(match why {
                            Some(why) => format!("{why}, and no candidate is"),
                            None => "the surname of several persons in the gazetteer, none named in full earlier in this document".into(),
                        }),
                    }),
                    None => {}
                }
                continue;
            }
            // Runs of one to three capitalised words, longest first.
            for len in (1..=3).rev() {
                if i - 1 + len > words.len() {
                    continue;
                }
                let run = &words[i - 1..i - 1 + len];
                let joined = run.windows(2).all(|p| {
                    let gap = &text[p[0].end..p[1].start];
                    !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '-')
                });
                let end = run[len - 1].start
                    + possessive(&text[run[len - 1].start..run[len - 1].end]).len();
                if !joined
                    || !run.iter().all(|w| capitalised(&text[w.start..w.end]))
                    || covered(found, shared, s, end)
                {
                    continue;
                }
                let name = &text[s..end];
                // The whole run of capitalised words is the name (unless it
                // lies inside an event's or work's name, which explains the
                // run), and respells the known name letter by letter rather
                // than dropping a syllable (`Meal` is no `Mealla`).
                if names::is_common_word(name)
                    || (frame(found, s, end).is_none()
                        && crate::annotate::tagger::beside_a_name(
                            text,
                            s,
                            end,
                            crate::annotate::tagger::on_a_headline(text, s, end),
                        ))
                {
                    continue;
                }
                let Some(list) = self.phonetic.get(&names::phonetic_key(name)) else {
                    continue;
                };
                let [(entity, known)] = list.as_slice() else {
                    continue;
                };
                let score = names::similarity(name, known);
                let (n, k) = (name.chars().count(), known.chars().count());
                if score < SPELLING_THRESHOLD
                    || (n.min(k) as f64) < 0.75 * n.max(k) as f64
                    || !self.alive(*entity, doc.year)
                {
                    continue;
                }
                let nested_in = frame(found, s, end);
                found.push(Mention {
                    start: s,
                    end,
                    entity: *entity,
                    how: How::Spelling,
                    reason: Some(format!(
                        "another spelling of {known:?} ({}; similarity {score:.2})",
                        self.labels[*entity]
                    )),
                    nested_in,
                });
                i += len - 1;
                break;
            }
        }
    }

    fn surname_reason(&self, person: usize, named: &[usize], how: How) -> String {
        let what = match how {
            How::Initials => "initials and surname",
            _ => "surname",
        };
        if named.contains(&person) {
            format!(
                "{what} of {}, named in full earlier in this document",
                self.labels[person]
            )
        } else {
            format!(
                "{what} of {}, the only person in the gazetteer with this surname",
                self.labels[person]
            )
        }
    }

    /// Whether an entity can be meant in a document of `year`: not born or
    /// founded after it.
    fn alive(&self, entity: usize, year: Option<i32>) -> bool {
        match (self.since[entity], year) {
            (Some(since), Some(year)) => since <= year,
            _ => true,
        }
    }

    /// The candidates a title before a name allows, and what the title
    /// said (None: no title that tells a woman from a man).
    fn by_title(&self, candidates: &[usize], title: Option<&str>) -> (Vec<usize>, Option<String>) {
        let Some(title) = title else {
            return (candidates.to_vec(), None);
        };
        let key = names::name_key(title.trim_end_matches('.'));
        if WOMEN.contains(&key.as_str()) {
            let women: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&c| self.gender[c] == Some(Gender::Female))
                .collect();
            (women, Some(format!("{title:?} names a woman")))
        } else if MEN.contains(&key.as_str()) {
            let men: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&c| self.gender[c] != Some(Gender::Female))
                .collect();
            (men, Some(format!("{title:?} names a man")))
        } else {
            (candidates.to_vec(), None)
        }
    }

    /// Decides shared names by the document's evidence, and unlinks a
    /// woman's title before a person not known to be a woman.
    fn context(&self, doc: &Document<'_>, found: &mut Vec<Mention>, shared: &mut Vec<Ambiguous>) {
        let text = doc.text;
        // A woman's title before one person's listed name.
        let mut moved: Vec<Ambiguous> = Vec::new();
        found.retain_mut(|m| {
            if self.kinds[m.entity] != EntityType::Person
                || !matches!(m.how, How::Listed | How::Case)
                || self.gender[m.entity] == Some(Gender::Female)
            {
                return true;
            }
            let Some(title) = title_before(text, m.start) else {
                return true;
            };
            let key = names::name_key(title.trim_end_matches('.'));
            if !WOMEN.contains(&key.as_str()) {
                return true;
            }
            let name = &text[m.start..m.end];
            let surname = name.split_whitespace().last().unwrap_or(name);
            let women: Vec<usize> = self
                .surnames
                .get(&fold(possessive(surname)).0)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&p| self.gender[p] == Some(Gender::Female) && self.alive(p, doc.year))
                .collect();
            if let [woman] = women.as_slice() {
                m.reason = Some(format!(
                    "{title:?} names a woman: {}, not {}",
                    self.labels[*woman], self.labels[m.entity]
                ));
                m.entity = *woman;
                m.how = How::Context;
                true
            } else {
                moved.push(Ambiguous {
                    start: m.start,
                    end: m.end,
                    entities: vec![m.entity],
                    reason: Some(format!(
                        "{title:?} names a woman, and the gazetteer does not say that {} is one",
                        self.labels[m.entity]
                    )),
                });
                false
            }
        });
        shared.extend(moved);
        let mut decided: Vec<Mention> = Vec::new();
        shared.retain_mut(|a| {
            if a.reason.is_some() {
                return true;
            }
            let mut why: Vec<String> = Vec::new();
            let mut left: Vec<usize> = a.entities.clone();
            let before = left.len();
            left.retain(|&c| self.alive(c, doc.year));
            if left.len() < before {
                why.push(
                    "set aside the candidates born or founded after the document's date".into(),
                );
            }
            if left.iter().all(|&c| self.kinds[c] == EntityType::Person) {
                let (kept, said) = self.by_title(&left, title_before(text, a.start).as_deref());
                if let Some(said) = said {
                    why.push(said);
                    left = kept;
                }
            }
            // The places around it: one candidate place lies in a country
            // the document names, the others do not.
            if left.len() > 1 && left.iter().all(|&c| self.kinds[c] == EntityType::Place) {
                let around: Vec<usize> = left
                    .iter()
                    .copied()
                    .filter(|&c| {
                        self.country[c]
                            .is_some_and(|k| k != c && found.iter().any(|m| m.entity == k))
                    })
                    .collect();
                if let [one] = around.as_slice() {
                    why.push(format!(
                        "{} lies in {}, which this document names; the other candidates do not",
                        self.labels[*one],
                        self.labels[self.country[*one].expect("chosen by its country")]
                    ));
                    left = around;
                }
            }
            if left.len() > 1 {
                let elsewhere: Vec<usize> = left
                    .iter()
                    .copied()
                    .filter(|&c| found.iter().any(|m| m.entity == c))
                    .collect();
                if elsewhere.len() == 1 {
                    why.push(format!(
                        "{} is named elsewhere in this document, the other candidates are not",
                        self.labels[elsewhere[0]]
                    ));
                    left = elsewhere;
                }
            }
            match left.as_slice() {
                [one] if !why.is_empty() => {
                    decided.push(Mention {
                        start: a.start,
                        end: a.end,
                        entity: *one,
                        how: How::Context,
                        reason: Some(why.join("; ")),
                        nested_in: None,
                    });
                    false
                }
                _ => {
                    if !why.is_empty() {
                        a.reason = Some(why.join("; "));
                    }
                    true
                }
            }
        });
        found.extend(decided);
    }
}

/// The words of the document's ranges: runs of letters and digits, with
/// the hyphens and apostrophes inside them (`Ben-Gurion`, `O'Neill`).
fn words(text: &str, ranges: &[(usize, usize)]) -> Vec<Word> {
    let mut out = Vec::new();
    for &(a, b) in ranges {
        let mut start: Option<usize> = None;
        let mut chars = text[a..b].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let i = a + i;
            let inner = matches!(c, '-' | '\'' | '’')
                && start.is_some()
                && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric());
            if c.is_alphanumeric() || inner || is_combining_mark(c) {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                out.push(Word { start: s, end: i });
            }
        }
        if let Some(s) = start {
            out.push(Word { start: s, end: b });
        }
    }
    out
}

/// A word without its possessive `'s`.
fn possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word)
}

/// Whether a word starts with a capital and is not all capitals of one
/// letter.
fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
}

/// Initials right before byte `at` (`S. `, `V. M. `, `V.M. `): where they
/// start, and their letters, folded.
fn initials_before(text: &str, at: usize) -> Option<(usize, Vec<char>)> {
    let head = &text[..at];
    let trimmed = head.trim_end_matches([' ', '\u{a0}']);
    if trimmed.len() == head.len() || trimmed.len() + 3 < head.len() {
        return None;
    }
    let mut letters = Vec::new();
    let mut start = trimmed.len();
    let mut rest = trimmed;
    while let Some(r) = rest.strip_suffix('.') {
        let Some(c) = r.chars().next_back() else {
            break;
        };
        if !c.is_uppercase() {
            break;
        }
        let before = &r[..r.len() - c.len_utf8()];
        if before
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            break;
        }
        letters.push(c);
        start = before.len();
        rest = before.trim_end_matches(' ');
    }
    if letters.is_empty() {
        return None;
    }
    letters.reverse();
    let letters = letters
        .iter()
        .flat_map(|c| fold(&c.to_string()).0.chars().collect::<Vec<_>>())
        .collect();
    Some((start, letters))
}

/// The personal title right before byte `at`, as written (`Mrs.`).
fn title_before(text: &str, at: usize) -> Option<String> {
    let head = text[..at].trim_end();
    if head.len() == at || head.len() + 2 < at {
        return None;
    }
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &head[start..];
    (!word.is_empty() && names::is_title(word)).then(|| word.to_string())
}

/// The short form in quotes inside parentheses (`"the Committee"`,
/// `hereafter “JAC”`), when it is one to four words that start with a
/// capital.
fn quoted(inside: &str) -> Option<&str> {
    let open = inside.find(['"', '“', '«'])?;
    let body = &inside[open..];
    let q = body.chars().next()?;
    let after = &body[q.len_utf8()..];
    let close = after.find(['"', '”', '»'])?;
    let short = after[..close].trim();
    let short = short
        .strip_prefix("the ")
        .or_else(|| short.strip_prefix("The "))
        .unwrap_or(short);
    let words = short.split_whitespace().count();
    ((1..=4).contains(&words) && capitalised(short.split_whitespace().next()?)).then_some(short)
}

/// Whether `short` reads as an acronym of `name`: two to ten letters,
/// digits or `&`, at least two of them capitals; its first letter is the
/// first letter of the name, and its letters come in the name's order.
fn acronym_of(short: &str, name: &str) -> bool {
    let letters: Vec<char> = short.chars().filter(|c| c.is_alphanumeric()).collect();
    if !(2..=10).contains(&letters.len())
        || letters.iter().filter(|c| c.is_uppercase()).count() < 2
        || !short
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '&' | '.' | '-'))
        || short.split_whitespace().count() != 1
    {
        return false;
    }
    let folded = |s: &str| -> Vec<char> {
        fold(s)
            .0
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let (short, name) = (folded(short), folded(name));
    if short.first() != name.first() {
        return false;
    }
    let mut rest = name.iter();
    short.iter().all(|c| rest.any(|n| n == c))
}

/// White space folded to single spaces.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_follow_the_full_name() {
        assert!(acronym_of("JAC", "Jewish Anti-Fascist Committee"));
        assert!(acronym_of("JAFC", "Jewish Anti-Fascist Committee"));
        assert!(acronym_of("NKVD", "Narodnyi Komissariat Vnutrennikh Del"));
        assert!(!acronym_of("USA", "Jewish Anti-Fascist Committee"));
        assert!(!acronym_of("J", "Jewish Anti-Fascist Committee"));
        assert!(!acronym_of("Jac", "Jewish Anti-Fascist Committee"));
        assert!(!acronym_of("1943", "Jewish Anti-Fascist Committee"));
    }

    #[test]
    fn initials_and_titles_are_read_before_a_name() {
        let t = "said S. Mikhoels and V.M. Molotov and Mrs. Roosevelt";
        let at = t.find("Mikhoels").unwrap();
        assert_eq!(initials_before(t, at), Some((5, vec!['S'])));
        let at = t.find("Molotov").unwrap();
        assert_eq!(
            initials_before(t, at),
            Some((t.find("V.M.").unwrap(), vec!['V', 'M']))
        );
        let at = t.find("Roosevelt").unwrap();
        assert_eq!(title_before(t, at).as_deref(), Some("Mrs."));
        assert_eq!(initials_before(t, at), None);
        assert_eq!(title_before("the Roosevelt", 4), None);
    }

    #[test]
    fn a_parenthesis_before_a_wide_character_is_read_whole() {
        // The look-ahead for the closing parenthesis ends inside the `…`.
        let text = format!("Party ({}…) and more", "x".repeat(77));
        let variants = Variants::new(&crate::input::gazetteer::Gazetteer::default());
        let (mut found, mut shared) = (Vec::new(), Vec::new());
        let ranges = [(0, text.len())];
        let doc = Document {
            text: &text,
            ranges: &ranges,
            year: None,
        };
        variants.derive(&doc, &mut found, &mut shared);
        assert!(found.is_empty() && shared.is_empty());
    }

    #[test]
    fn quoted_short_forms() {
        assert_eq!(quoted("hereafter “the Committee”"), Some("Committee"));
        assert_eq!(quoted("\"JAC\""), Some("JAC"));
        assert_eq!(quoted("see below"), None);
        assert_eq!(quoted("\"a very long phrase that is not a name\""), None);
    }
}
