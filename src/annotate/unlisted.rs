//! Names nobody listed: the people, organisations, places and periodicals
//! a document names that no gazetteer has, recognised by rules that look
//! only at the document's own words.
//!
//! Each rule needs evidence of the kind of thing named, so that a
//! recognised name is typed, never guessed:
//! - **title** ([`Rule::Title`]): capitalised words after a personal title
//!   (`Mr. Parker`, `Sir William Molesworth`, `Rev. George Turberville`) are
//!   a person; offices and roles between them are skipped (`Mr. Commissioner
//!   Jemmett`); so are capitalised words before a comma and a title written
//!   after a name (`Jonathan Birch, Esq.`, `Sir A. Lechmere, Bart.`);
//! - **initials** ([`Rule::Initials`]): initials or an abbreviated given name
//!   and a surname (`T. B. Simpson`, `Wm. Coventry`) are a person;
//! - **head word** ([`Rule::HeadWord`]): capitalised words that end in the
//!   word for a kind of place, building, organisation or periodical (`Studley
//!   Park`, `Music Hall`, `Ashton Bank`, `Leeds Intelligencer`), or begin
//!   with a place or organisation word followed by `of` and a name (`Port of
//!   Weymouth`, `Bank of England`), are one of those;
//! - **place list** ([`Rule::PlaceList`]): a capitalised name that GeoNames
//!   lists as a city of 15,000 people or more, a country or a continent
//!   (`Dublin`, `Amsterdam`, `Japan`; the list is `geonames-places.txt`,
//!   CC BY 4.0), after a preposition of place (`in`, `at`, `from`, `to`,
//!   `near` …) and standing alone: no name-like word beside it (`Jonathan
//!   Lincoln`, `Nelson Street`), not a common word or a bare head word,
//!   never seen in lower case in the document (`Reading`, `Bath`);
//! - **compound** ([`Rule::Compound`]): a hyphenated street name
//!   (`Albion-street`, also OCR'd as `Stamford-slreet`) or a town named `X-in-Y`,
//!   `X-on-Y`, `X-under-Y` (`Barrow-in-Furness`, `Ashton-under-Lyne`) is a place.
//!
//! A recognised name gets no entity and no Wikidata id: it is a typed,
//! unlinked, unreviewed mention, which `mentions --how unlisted` and
//! `discover` list, and which a reviewer accepts (into the gazetteer) or
//! rejects (with an override). [`crate::annotate::annotate_file`] keeps the
//! gazetteer's names first: a recognised name that overlaps one without
//! containing it is dropped, one that contains gazetteer names takes their
//! place (the longest name), except a periodical, whose places and people
//! become nested mentions (`Leeds` in `Leeds Intelligencer`).
//!
//! Invariant: [`recognise`] depends on the text of the given ranges only;
//! its names lie inside those ranges, do not overlap one another, and come
//! in text order, each with its rule and the reason a reviewer reads.

use crate::input::gazetteer::EntityType;
use crate::text::names::{fold_key, is_hyphen, is_word_char, lexicon, near, Cue};

/// The rule that recognised a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Title,
    Initials,
    HeadWord,
    PlaceList,
    Compound,
}

/// A name no gazetteer lists, recognised in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    /// Byte offsets into the file's text.
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
    pub rule: Rule,
    /// Why: the rule and the words it saw, for a reviewer.
    pub reason: String,
}

/// Head words of periodicals' titles: a name ending in one is a work.
const PERIODICAL_WORDS: &str = "\
    advertiser chronicle courier examiner gazette guardian herald intelligencer journal \
    magazine mail mercury observer post register review standard telegraph times";

/// Head words of organisations' names, besides the lexicon's.
const ORG_WORDS: &str = "\
    institution railway infirmary hospital dispensary";

/// Head words of places' and buildings' names, besides the lexicon's.
const PLACE_WORDS: &str = "\
    abbey barracks castle cathedral chapel church common county dock docks exchange green \
    hall heath inn lane market moor palace park parish place quay room rooms row tavern \
    terrace tower wharf wood";

/// Words that, first and followed by `of` and a name, make a place's name.
const PLACE_OF: &str = "\
    borough city county district duchy isle island islands kingdom parish port province \
    town vale";

/// Words that, first and followed by `of` and a name, make an
/// organisation's name.
const ORG_OF: &str = "\
    bank board college committee council court ministry society university";

/// The last part of a hyphenated street name.
const STREET_PARTS: &str = "street road lane square row terrace place gate walk";

/// Middle parts of a hyphenated town name (`Barrow-in-Furness`).
const TOWN_JOINS: &str = "in on under upon le by super";

/// Titles the lexicon does not list, used before names in older prose.
const MORE_TITLES: &str = "hon honourable messrs rt right dame father mother sister brother";

/// Titles written after a name and a comma (`Thomas Blayds, Esq.`).
const POSTNOMINALS: &str = "esq esquire bart";

/// The most words a name before a title written after it takes.
const POSTNOMINAL_WORDS_MAX: usize = 4;

/// Abbreviated given names, read like initials (`Wm. Coventry`).
const GIVEN_ABBREVIATIONS: &str = "\
    benj chas danl edw geo hy jas jno jos richd robt saml thos wm";

/// Words that end a name even in capitals.
const BREAKS: &str = "a an as at are be by from in into is on to was were with";

/// Prepositions that put a place after them.
const PLACE_PREPOSITIONS: &str =
    "in at from to near of into towards via off beyond within around across through";

/// Whether only spaces (and `the`) lie between two words.
fn joined_loose(text: &str, a: &Word, b: &Word) -> bool {
    text[a.end..b.start]
        .split_whitespace()
        .all(|w| w.eq_ignore_ascii_case("the"))
}

/// Common words that begin place names (`New York`, `Great Yarmouth`).
const NAME_STARTS: &str =
    "new great little upper lower north south east west old port fort saint san santa";

/// Words that may join the words of a name.
const CONNECTORS: &str = "of for the and";

struct Words {
    periodical: std::collections::HashSet<&'static str>,
    org: std::collections::HashSet<&'static str>,
    place: std::collections::HashSet<&'static str>,
    place_of: std::collections::HashSet<&'static str>,
    org_of: std::collections::HashSet<&'static str>,
    street: Vec<&'static str>,
    joins: std::collections::HashSet<&'static str>,
    titles: std::collections::HashSet<&'static str>,
    given: std::collections::HashSet<&'static str>,
}

fn words() -> &'static Words {
    static WORDS: std::sync::OnceLock<Words> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let set = |s: &'static str| s.split_whitespace().collect();
        Words {
            periodical: set(PERIODICAL_WORDS),
            org: set(ORG_WORDS),
            place: set(PLACE_WORDS),
            place_of: set(PLACE_OF),
            org_of: set(ORG_OF),
            street: STREET_PARTS.split_whitespace().collect(),
            joins: set(TOWN_JOINS),
            titles: set(MORE_TITLES),
            given: set(GIVEN_ABBREVIATIONS),
        }
    })
}

/// The folded names of GeoNames' places (see `geonames-places.txt`).
fn places() -> &'static std::collections::HashSet<String> {
    static PLACES: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    PLACES.get_or_init(|| {
        include_str!("geonames-places.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(fold_key)
            .collect()
    })
}

/// The longest run of words a place name can have.
const PLACE_WORDS_MAX: usize = 3;

/// A word of the text.
#[derive(Debug)]
struct Word {
    start: usize,
    /// The end of the word, before a period that follows it.
    end: usize,
    /// Whether a period follows it directly.
    dot: bool,
    /// Folded, lower case.
    key: String,
    cap: bool,
}

impl Word {
    /// Where the word ends with its period.
    fn end_dot(&self) -> usize {
        self.end + usize::from(self.dot)
    }
}

fn tokenize(text: &str, a: usize, b: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let s = &text[a..b];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i].1) {
            i += 1;
            continue;
        }
        let from = i;
        while i < chars.len() {
            let c = chars[i].1;
            let inner = (is_hyphen(c) || c == '\'' || c == '’')
                && i > from
                && chars.get(i + 1).is_some_and(|n| is_word_char(n.1));
            if is_word_char(c) || inner {
                i += 1;
            } else {
                break;
            }
        }
        let start = a + chars[from].0;
        let end = a + chars.get(i).map_or(s.len(), |c| c.0);
        let word = &text[start..end];
        out.push(Word {
            start,
            end,
            dot: chars.get(i).is_some_and(|c| c.1 == '.'),
            key: fold_key(word),
            cap: word.chars().next().is_some_and(char::is_uppercase),
        });
    }
    out
}

/// Whether two words are parts of one name: only spaces between them, at
/// most one line break, and no full stop after the first (the period of an
/// initial or a short abbreviation such as `Mr.` or `St.` is no full stop).
fn joined(text: &str, a: &Word, b: &Word) -> bool {
    let gap = &text[a.end_dot()..b.start];
    gap.chars().all(char::is_whitespace)
        && gap.matches('\n').count() <= 1
        && (!a.dot || is_initial(a) || abbreviation(a))
}

/// A title or abbreviation of four letters or fewer, or `Messrs`, whose
/// period ends no sentence.
fn abbreviation(w: &Word) -> bool {
    let lex = lexicon();
    let short = w.key.chars().count() <= 4
        && (lex.titles.contains(w.key.as_str()) || words().titles.contains(w.key.as_str()));
    short
        || crate::text::names::ABBREVIATIONS
            .split_whitespace()
            .any(|a| a == w.key)
}

/// The kind a head word gives a name, and what to call that kind.
fn head_kind(key: &str) -> Option<(EntityType, &'static str)> {
    let w = words();
    let lex = lexicon();
    let singular = key.strip_suffix('s').unwrap_or(key);
    if w.periodical.contains(key) {
        return Some((EntityType::Work, "periodical"));
    }
    if w.place.contains(key) || w.place.contains(singular) {
        return Some((EntityType::Place, "place"));
    }
    if w.org.contains(key) || w.org.contains(singular) {
        return Some((EntityType::Organisation, "organisation"));
    }
    match lex.cue(key) {
        Some(Cue::Place) => Some((EntityType::Place, "place")),
        Some(Cue::Org) => Some((EntityType::Organisation, "organisation")),
        _ => None,
    }
}

/// Whether a word could be part of a name: capitalised, and no common
/// word, title or head word alone.
fn proper(w: &Word) -> bool {
    let lex = lexicon();
    w.cap
        && !lex.stop.contains(w.key.as_str())
        && !is_title(w)
        && head_kind(&w.key).is_none()
        && w.key.chars().any(char::is_alphabetic)
}

fn is_title(w: &Word) -> bool {
    let lex = lexicon();
    w.cap
        && (lex.titles.contains(w.key.as_str())
            || words().titles.contains(w.key.as_str())
            || lex.roles.contains(w.key.as_str())
            || lex.offices.contains(w.key.as_str()))
}

/// A single capital with its period, or an abbreviated given name.
fn is_initial(w: &Word) -> bool {
    w.cap
        && w.dot
        && (w.key.chars().count() == 1 && w.key.chars().all(char::is_alphabetic)
            || words().given.contains(w.key.as_str()))
}

/// The end of a name's last word without a possessive `'s`.
fn without_possessive(text: &str, w: &Word) -> usize {
    let word = &text[w.start..w.end];
    for s in ["'s", "’s", "'S", "’S"] {
        if word.len() > s.len() + 1 && word.ends_with(s) {
            return w.end - s.len();
        }
    }
    w.end
}

/// The names no gazetteer lists in `ranges` of `text` (a document's own
/// text), in text order.
pub fn recognise(text: &str, ranges: &[(usize, usize)]) -> Vec<Unlisted> {
    let mut out = Vec::new();
    // Words the document writes in lower case name no place in it.
    let mut lower: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut all = Vec::new();
    for &(a, b) in ranges {
        let ws = tokenize(text, a, b);
        for w in &ws {
            if text[w.start..w.end]
                .chars()
                .next()
                .is_some_and(char::is_lowercase)
            {
                lower.insert(w.key.clone());
            }
        }
        all.push(ws);
    }
    for ws in &all {
        let ws = ws.as_slice();
        let mut i = 0;
        while i < ws.len() {
            let found = recognise_at(text, ws, i).or_else(|| listed_place(text, ws, i, &lower));
            match found {
                Some((found, next)) => {
                    out.push(found);
                    i = next;
                }
                None => i += 1,
            }
        }
    }
    out
}

/// A name that starts at word `i`, or at a title there, and the word after it.
fn recognise_at(text: &str, ws: &[Word], i: usize) -> Option<(Unlisted, usize)> {
    let w = &ws[i];
    if let Some(u) = compound(text, w) {
        return Some((u, i + 1));
    }
    if is_title(w) {
        return titled(text, ws, i);
    }
    if is_initial(w) {
        if let Some(found) = initials(text, ws, i) {
            return Some(found);
        }
    }
    if w.cap {
        return suffixed(text, ws, i).or_else(|| headed(text, ws, i));
    }
    None
}

/// A place GeoNames lists, alone, at word `i`.
fn listed_place(
    text: &str,
    ws: &[Word],
    i: usize,
    lower: &std::collections::HashSet<String>,
) -> Option<(Unlisted, usize)> {
    let lex = lexicon();
    // A word before it that begins names (`New`) or is one makes it part
    // of another name (`New York`, `Jonathan Lincoln`).
    let starts_name =
        |w: &Word| proper(w) || w.cap && NAME_STARTS.split_whitespace().any(|n| n == w.key);
    if !ws[i].cap || i > 0 && joined(text, &ws[i - 1], &ws[i]) && starts_name(&ws[i - 1]) {
        return None;
    }
    let mut end = i;
    let mut hit = None;
    while end < ws.len() && end - i < PLACE_WORDS_MAX {
        if end > i && !(ws[end].cap && joined(text, &ws[end - 1], &ws[end])) {
            break;
        }
        let key = fold_key(&text[ws[i].start..ws[end].end]);
        if places().contains(&key) {
            hit = Some(end);
        }
        end += 1;
    }
    let last = hit?;
    // A preposition of place before it (`in`, `at`, `from`, `to`, `near` …).
    let before = (0..i).rev().find(|&k| ws[k].key != "the");
    let placed = before.is_some_and(|k| {
        joined_loose(text, &ws[k], &ws[i])
            && PLACE_PREPOSITIONS
                .split_whitespace()
                .any(|p| p == ws[k].key)
    });
    if !placed {
        return None;
    }
    let next_is_name = ws
        .get(last + 1)
        .is_some_and(|n| joined(text, &ws[last], n) && (proper(n) || head_kind(&n.key).is_some()));
    // A word of it must name: no common word, nationality, title or bare
    // head word (`Republic`), and none the text writes in lower case.
    let named = (i..=last).any(|k| {
        let key = ws[k].key.as_str();
        proper(&ws[k]) && !lex.demonyms.contains(key) && !lower.contains(key)
    });
    if next_is_name || !named || (i..=last).any(|k| is_title(&ws[k])) {
        return None;
    }
    Some((
        Unlisted {
            start: ws[i].start,
            end: ws[last].end,
            kind: EntityType::Place,
            rule: Rule::PlaceList,
            reason:
                "a place GeoNames lists (a city of 15,000 people or more, a country or a continent)"
                    .to_string(),
        },
        last + 1,
    ))
}

fn compound(text: &str, w: &Word) -> Option<Unlisted> {
    let word = &text[w.start..w.end];
    let parts: Vec<&str> = word.split(is_hyphen).collect();
    if parts.len() < 2 || !w.cap || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let first = fold_key(parts[0]);
    if lexicon().stop.contains(first.as_str()) || first.chars().count() < 2 {
        return None;
    }
    let last = fold_key(parts[parts.len() - 1]);
    let street = words()
        .street
        .iter()
        .find(|s| **s == last || (last.len() >= 6 && near(s, &last)));
    if let (Some(street), 2) = (street, parts.len()) {
        return Some(Unlisted {
            start: w.start,
            end: w.end,
            kind: EntityType::Place,
            rule: Rule::Compound,
            reason: format!("a hyphenated street name (…-{street})"),
        });
    }
    let middle_joins = parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| words().joins.contains(fold_key(p).as_str()))
        && parts[parts.len() - 1]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
    middle_joins.then(|| Unlisted {
        start: w.start,
        end: w.end,
        kind: EntityType::Place,
        rule: Rule::Compound,
        reason: format!(
            "a hyphenated town name (X-{}-Y)",
            parts[1..parts.len() - 1].join("-")
        ),
    })
}

/// A person after a title at word `i`.
fn titled(text: &str, ws: &[Word], i: usize) -> Option<(Unlisted, usize)> {
    let title = &text[ws[i].start..ws[i].end_dot()];
    let mut j = i + 1;
    // Further titles, offices and roles (`Mr. Commissioner Jemmett`).
    while j < ws.len() && is_title(&ws[j]) && joined(text, &ws[j - 1], &ws[j]) {
        j += 1;
    }
    let first = j;
    let mut last = None;
    let particles = &lexicon().particles;
    while j < ws.len() && joined(text, &ws[j - 1], &ws[j]) {
        let w = &ws[j];
        if is_initial(w) || proper(w) {
            if !is_initial(w) {
                last = Some(j);
            }
            j += 1;
            // A possessive ends the name (`Mr. Chadwick's factory`).
            if without_possessive(text, w) < w.end {
                break;
            }
        } else if particles.contains(w.key.as_str())
            && !w.cap
            && ws
                .get(j + 1)
                .is_some_and(|n| proper(n) && joined(text, w, n))
        {
            j += 1;
        } else {
            break;
        }
    }
    let last = last?;
    Some((
        Unlisted {
            start: ws[first].start,
            end: without_possessive(text, &ws[last]),
            kind: EntityType::Person,
            rule: Rule::Title,
            reason: format!("after the title {title:?}"),
        },
        last + 1,
    ))
}

/// A person at word `i` named before a comma and a title written after a
/// name (`Jonathan Birch, Esq.`).
fn suffixed(text: &str, ws: &[Word], i: usize) -> Option<(Unlisted, usize)> {
    let mut last = None;
    let mut j = i;
    while j < ws.len() && j - i < POSTNOMINAL_WORDS_MAX {
        let w = &ws[j];
        if j > i && !joined(text, &ws[j - 1], w) {
            break;
        }
        if proper(w) {
            last = Some(j);
        } else if !is_initial(w) {
            break;
        }
        j += 1;
    }
    let last = last?;
    let title = ws.get(last + 1)?;
    let gap = &text[ws[last].end_dot()..title.start];
    if gap.trim() != ","
        || gap.contains('\n')
        || !title.cap
        || !POSTNOMINALS.split_whitespace().any(|t| t == title.key)
    {
        return None;
    }
    Some((
        Unlisted {
            start: ws[i].start,
            end: ws[last].end,
            kind: EntityType::Person,
            rule: Rule::Title,
            reason: format!("before the title {:?}", &text[title.start..title.end_dot()]),
        },
        last + 2,
    ))
}

/// A person named by initials and a surname at word `i`.
fn initials(text: &str, ws: &[Word], i: usize) -> Option<(Unlisted, usize)> {
    let mut j = i + 1;
    while j < ws.len() && is_initial(&ws[j]) && joined(text, &ws[j - 1], &ws[j]) {
        j += 1;
    }
    let surname = ws.get(j)?;
    if !proper(surname) || !joined(text, &ws[j - 1], surname) {
        return None;
    }
    Some((
        Unlisted {
            start: ws[i].start,
            end: without_possessive(text, surname),
            kind: EntityType::Person,
            rule: Rule::Initials,
            reason: format!(
                "initials and a surname ({:?})",
                &text[ws[i].start..ws[j - 1].end_dot()]
            ),
        },
        j + 1,
    ))
}

/// A name with a head word: capitalised words (joined by `of`, `for`,
/// `the`, `and`) that end in a head word, or start with one and `of`.
fn headed(text: &str, ws: &[Word], i: usize) -> Option<(Unlisted, usize)> {
    let connectors: Vec<&str> = CONNECTORS.split_whitespace().collect();
    // The run of capitalised words from `i`.
    let mut end = i;
    while end + 1 < ws.len() && joined(text, &ws[end], &ws[end + 1]) {
        let n = &ws[end + 1];
        // In capitals (a heading), a preposition or verb ends the name
        // (`… FOREIGN MINISTRY TO THE PRESS`).
        let common = BREAKS.split_whitespace().any(|b| b == n.key);
        if n.cap && !ws[end].dot && !common {
            end += 1;
        } else if connectors.contains(&n.key.as_str())
            && ws.get(end + 2).is_some_and(|m| m.cap && joined(text, n, m))
        {
            end += 2;
        } else {
            break;
        }
    }
    // Leading common words and titles are no part of it (`The`, `At the`).
    let lex = lexicon();
    let mut start = i;
    while start <= end
        && (lex.stop.contains(ws[start].key.as_str()) || !ws[start].cap || is_title(&ws[start]))
    {
        start += 1;
    }
    if start > end {
        return None;
    }
    // The first head word that ends the run or a part of it, with a name
    // before it.
    for k in start..=end {
        let w = &ws[k];
        let Some((kind, what)) = head_kind(&w.key) else {
            continue;
        };
        let closes = k == end || !ws[k + 1].cap;
        let named = ws[start..k].iter().any(proper);
        if closes && named && w.cap && without_possessive(text, w) == w.end {
            return Some((
                Unlisted {
                    start: ws[start].start,
                    end: w.end,
                    kind,
                    rule: Rule::HeadWord,
                    reason: format!(
                        "a name ending in the {what} word {:?}",
                        &text[w.start..w.end]
                    ),
                },
                k + 1,
            ));
        }
    }
    // A head word, `of` and a name (`Port of Weymouth`).
    let w = &ws[start];
    let of = ws.get(start + 1).filter(|o| o.key == "of" && !o.cap)?;
    let kind = if words().place_of.contains(w.key.as_str()) {
        EntityType::Place
    } else if words().org_of.contains(w.key.as_str()) {
        EntityType::Organisation
    } else {
        return None;
    };
    let mut last = start + 2;
    let first_name = ws.get(last).filter(|n| proper(n) && joined(text, of, n))?;
    let _ = first_name;
    while last < end && ws[last + 1].cap && proper(&ws[last + 1]) {
        last += 1;
    }
    Some((
        Unlisted {
            start: w.start,
            end: without_possessive(text, &ws[last]),
            kind,
            rule: Rule::HeadWord,
            reason: format!("a name beginning with {:?} of", &text[w.start..w.end]),
        },
        last + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, &'static str, Rule)> {
        recognise(text, &[(0, text.len())])
            .into_iter()
            .map(|u| (text[u.start..u.end].to_string(), u.kind.name(), u.rule))
            .collect()
    }

    #[test]
    fn a_title_makes_a_person() {
        assert_eq!(
            names("The chair was taken by Mr. John Waterall, and Sir William Molesworth spoke."),
            vec![
                ("John Waterall".to_string(), "Person", Rule::Title),
                ("William Molesworth".to_string(), "Person", Rule::Title),
            ]
        );
        // A title's period ends no sentence, a long title's does.
        assert_eq!(
            names("as General Secretary. Unfortunately, the rest"),
            vec![]
        );
        // Offices between the title and the name are skipped; a possessive
        // ends the name; a title alone names nobody.
        assert_eq!(
            names(
                "Before Mr. Commissioner Jemmett. A piece at Mr. Chadwick’s factory. Dear Sir, we"
            ),
            vec![
                ("Jemmett".to_string(), "Person", Rule::Title),
                ("Chadwick".to_string(), "Person", Rule::Title),
            ]
        );
    }

    #[test]
    fn initials_and_a_surname_make_a_person() {
        assert_eq!(
            names("the vicar, T. B. Simpson, and Hon. Wm. Coventry met W. A. HYDE at noon"),
            vec![
                ("T. B. Simpson".to_string(), "Person", Rule::Initials),
                ("Wm. Coventry".to_string(), "Person", Rule::Title),
                ("W. A. HYDE".to_string(), "Person", Rule::Initials),
            ]
        );
        // A capital that ends a sentence is no initial of the next word.
        assert_eq!(names("He took plan B. The rest followed."), vec![]);
    }

    #[test]
    fn a_title_after_a_name_makes_a_person() {
        assert_eq!(
            names("Jonathan Birch, Esq. and Thomas Blayds, Esq., with John B. Smith, Bart., came"),
            vec![
                ("Jonathan Birch".to_string(), "Person", Rule::Title),
                ("Thomas Blayds".to_string(), "Person", Rule::Title),
                ("John B. Smith".to_string(), "Person", Rule::Title),
            ]
        );
        // Only right after the comma, in capitals, and after a name.
        assert_eq!(
            names("Thomas Blayds esq. came; Thomas Blayds, and Esq. came; the esquire, Esq. came"),
            vec![]
        );
    }

    #[test]
    fn head_words_type_a_name() {
        assert_eq!(
            names(
                "a festival in the Music Hall; of Studley Park; the Leeds Intelligencer; \
                 at the Ashton Bank; belonging to the Port of Weymouth; the Town Hall"
            ),
            vec![
                ("Music Hall".to_string(), "Place", Rule::HeadWord),
                ("Studley Park".to_string(), "Place", Rule::HeadWord),
                ("Leeds Intelligencer".to_string(), "Work", Rule::HeadWord),
                ("Ashton Bank".to_string(), "Organisation", Rule::HeadWord),
                ("Port of Weymouth".to_string(), "Place", Rule::HeadWord),
            ]
        );
        // In a heading, a preposition ends a name.
        assert_eq!(
            names(
                "STATEMENT BY THE ISRAELI FOREIGN MINISTRY TO THE PRESS; \
                 DIRECTOR GENERAL OF THE SOVIET FOREIGN MINISTRY"
            ),
            vec![
                (
                    "ISRAELI FOREIGN MINISTRY".to_string(),
                    "Organisation",
                    Rule::HeadWord
                ),
                (
                    "SOVIET FOREIGN MINISTRY".to_string(),
                    "Organisation",
                    Rule::HeadWord
                ),
            ]
        );
        // Common words and bare head words name nothing.
        assert_eq!(names("The Committee met. In the Park, The Times"), vec![]);
    }

    #[test]
    fn places_geonames_lists_stand_alone() {
        assert_eq!(
            names("sailed from Amsterdam to Japan, to Hong Kong and New York. Dublin is far."),
            vec![
                ("Amsterdam".to_string(), "Place", Rule::PlaceList),
                ("Japan".to_string(), "Place", Rule::PlaceList),
                ("Hong Kong".to_string(), "Place", Rule::PlaceList),
            ]
        );
        // Without a preposition of place before it, a listed name may be a
        // surname (`Dublin is far`, `Messrs. Hayward, Howard`).
        // Beside another name, after a title, a word the text writes in
        // lower case or a bare head word, it is no place.
        assert_eq!(
            names(
                "Jonathan Lincoln met Mr. Nelson on Wellington Street; reading in Reading. \
                 An Artist of the Republic."
            ),
            vec![
                ("Nelson".to_string(), "Person", Rule::Title),
                ("Wellington Street".to_string(), "Place", Rule::HeadWord),
            ]
        );
    }

    #[test]
    fn hyphenated_streets_and_towns_are_places() {
        assert_eq!(
            names("in Albion-street, at 931 Stamford-slreet, Barrow-in-Furness; a well-known man"),
            vec![
                ("Albion-street".to_string(), "Place", Rule::Compound),
                ("Stamford-slreet".to_string(), "Place", Rule::Compound),
                ("Barrow-in-Furness".to_string(), "Place", Rule::Compound),
            ]
        );
    }

    #[test]
    fn only_the_given_ranges_are_read() {
        let text = "Mr. Parker here; Mr. Guest there";
        let found = recognise(text, &[(0, 15)]);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].start..found[0].end], "Parker");
    }
}
