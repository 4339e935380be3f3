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
//!   after a name (`Jonathan Birch, Esq.`, `Sir A. Lechmere, Bart.`); a
//!   title of the peerage, `of` and a name are a person's name together
//!   (`Duke of Norfolk`), while a bishop's see stays a place;
//! - **initials** ([`Rule::Initials`]): initials or an abbreviated given name
//!   and a surname (`T. B. Simpson`, `Wm. Coventry`) are a person;
//! - **head word** ([`Rule::HeadWord`]): capitalised words that end in the
//!   word for a kind of place, building, organisation or periodical (`Studley
//!   Park`, `Music Hall`, `Ashton Bank`, `Leeds Intelligencer`), or begin
//!   with a place or organisation word followed by `of` and a name (`Isle of
//!   Wight`, `Bank of England`), are one of those; a street's or canal's word
//!   may end it in lower case (`Stamford street`); after `of` a head word
//!   heads nothing (`Bills of Exchange`); a word that only says what kind of
//!   place follows (`Town of`, `Port of`) leaves the place the name after it;
//! - **place list** ([`Rule::PlaceList`]): a capitalised name that GeoNames
//!   lists as a city of 5,000 people or more, a country or a continent
//!   (`Dublin`, `Amsterdam`, `Japan`; the list is `geonames-places.txt`,
//!   CC BY 4.0), after a preposition of place (`in`, `at`, `from`, `to`,
//!   `near` …) and standing alone: no name-like word beside it (`Jonathan
//!   Lincoln`, `Nelson Street`), not a common word or a bare head word,
//!   never seen in lower case in the document (`Reading`, `Bath`);
//! - **preposition** ([`Rule::Preposition`]): capitalised words no list
//!   knows right after `at` or `near`, after a kind of place in lower case
//!   and `of` (`the village of Wyke`), or after the word for a place's
//!   people, offices or surroundings and `of` (`the inhabitants of`, `Vicar
//!   of`), or after a name, a comma and `of` (`John Hyde, of Ibsley`: where
//!   he lives), none a number, time, feast or word the document writes in
//!   lower case, are a place;
//! - **compound** ([`Rule::Compound`]): a hyphenated street name
//!   (`Albion-street`, also OCR'd as `Stamford-slreet`) or a town named `X-in-Y`,
//!   `X-on-Y`, `X-under-Y` (`Barrow-in-Furness`, `Ashton-under-Lyne`) is a
//!   place, and so is a county's one word in `-shire` (`Herefordshire`).
//!
//! A recognised name gets no entity and no Wikidata id: it is a typed,
//! unlinked, unreviewed mention, which `mentions --how unlisted` and
//! `discover` list, and which a reviewer accepts (into the gazetteer) or
//! rejects (with an override). [`crate::annotate::annotate_file`] keeps the
//! gazetteer's names first: a recognised name that overlaps one without
//! containing it is dropped, one that contains gazetteer names takes their
//! place (the longest name), except a periodical, whose places and people
//! become nested mentions (`Leeds` in `Leeds Intelligencer`); a person found
//! by a title also takes the place of a gazetteer place of the same span
//! (`Captain Coventry`).
//!
//! Invariant: [`recognise`] depends on the text of the given ranges only;
//! its names lie inside those ranges, do not overlap one another, and come
//! in text order, each with its rule and the reason a reviewer reads.

use crate::input::gazetteer::EntityType;
use crate::text::names::{fold_key, is_hyphen, is_word_char, lexicon, near_in_print, Cue};

/// The rule that recognised a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Title,
    Initials,
    HeadWord,
    PlaceList,
    Preposition,
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
/// `Market` is none: in newspapers `London Markets` and `Bristol Corn
/// Market` head the prices of a town's market, and name the town.
const PLACE_WORDS: &str = "\
    abbey barracks castle cathedral chapel church common county dock docks exchange green \
    hall heath inn lane moor palace park parish place quay room rooms row tavern \
    terrace tower wharf wood house farm arms lodge grange cottage villa public-house \
    beerhouse gaol prison station canal buildings workhouse mill mills warehouse";

/// Head words that end a name in lower case too (`London road`).
const LOWER_HEADS: &str = "street road lane square canal";

/// Words that, first and followed by `of` and a name, make a place's name
/// (`Isle of Wight`, `County of Durham`).
const PLACE_OF: &str = "county duchy isle island islands kingdom province vale";

/// Words that, first and followed by `of` and a name, say what kind of
/// place the name after them is, which is the place's own name: `the Town
/// of Poole` names Poole.
const KIND_OF: &str = "borough city district parish port town township";

/// Words that, first and followed by `of` and a name, make an
/// organisation's name.
const ORG_OF: &str = "\
    bank board college committee council court ministry society university";

/// The last part of a hyphenated street name.
const STREET_PARTS: &str = "street road lane square row terrace place gate walk";

/// Middle parts of a hyphenated town name (`Barrow-in-Furness`).
const TOWN_JOINS: &str = "in on under upon le by super";

/// Titles the lexicon does not list, used before names in older prose.
const MORE_TITLES: &str = "\
    hon honourable messrs rt right dame father mother sister brother duchess marquis marquess \
    marchioness countess viscountess baroness";

/// Titles of the peerage: with `of` and a place they name a person (`the
/// Duke of Norfolk`, `Earl of Derby`), and the place is no mention of its
/// own.
const PEERAGE: &str = "\
    duke duchess earl marquis marquess marchioness countess viscount viscountess baron \
    baroness lord lady prince princess";

/// Prepositions after which a capitalised name no list knows is taken for
/// a place: in English prose a name after them is a place far more often
/// than a person (`near Delph`, `at Holbeach`). `in`, `from` and `to` are
/// left out: persons and periods follow them as often (`a letter from
/// Weizmann`, `in Parliament`).
const PLACE_ONLY_PREPOSITIONS: &str = "near at";

/// Kinds of place that, in lower case before `of`, make the capitalised
/// name after them a place (`the village of Wyke`), besides [`KIND_OF`]'s
/// and [`PLACE_OF`]'s.
const KIND_OF_LOWER: &str = "village hamlet manor tything tithing liberty";

/// Words for the people, offices and surroundings of a place: before `of`
/// and a capitalised name, in either case, they make it a place (`the
/// inhabitants of Ibsley`, `Vicar of Ibsley`, `the curacy of Ibsley`; a
/// bishop's see is a place too).
const OF_A_PLACE: &str = "\
    inhabitants natives native vicar rector curate curacy incumbent rectory vicarage living \
    neighbourhood vicinity environs suburbs outskirts streets mayor bishop archbishop \
    archdeacon dean diocese";

/// Capitalised words that follow `at` or `near` and name no place: times,
/// numbers, feasts and set phrases (`at Christmas`, `at Eleven`, `at Home`).
const NOT_PLACES: &str = "\
    home sea night noon midnight once least last length large present hand heart hazard par \
    christmas easter michaelmas whitsuntide midsummer lammas candlemas martinmas lady \
    eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty \
    thirty forty fifty sixty seventy eighty ninety hundred thousand half quarter o'clock \
    mr mrs miss messrs per cent law";

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
    kind_of: std::collections::HashSet<&'static str>,
    kind_of_lower: std::collections::HashSet<&'static str>,
    of_a_place: std::collections::HashSet<&'static str>,
    place_only: std::collections::HashSet<&'static str>,
    not_places: std::collections::HashSet<&'static str>,
    peerage: std::collections::HashSet<&'static str>,
    lower_heads: std::collections::HashSet<&'static str>,
    postnominals: std::collections::HashSet<&'static str>,
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
            kind_of: set(KIND_OF),
            kind_of_lower: set(KIND_OF_LOWER),
            of_a_place: set(OF_A_PLACE),
            place_only: set(PLACE_ONLY_PREPOSITIONS),
            not_places: set(NOT_PLACES),
            peerage: set(PEERAGE),
            lower_heads: set(LOWER_HEADS),
            postnominals: set(POSTNOMINALS),
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
            let found = recognise_at(text, ws, i)
                .or_else(|| listed_place(text, ws, i, &lower))
                .or_else(|| placed(text, ws, i, &lower));
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
        return suffixed(text, ws, i)
            .or_else(|| headed(text, ws, i))
            .or_else(|| shire(text, ws, i));
    }
    None
}

/// A county named by its `-shire` (`Herefordshire`, `Ayrshire`), alone: a
/// place.
fn shire(text: &str, ws: &[Word], i: usize) -> Option<(Unlisted, usize)> {
    let w = &ws[i];
    let stem = w.key.strip_suffix("shire")?;
    if stem.chars().count() < 2 || !stem.chars().all(char::is_alphabetic) || !proper(w) {
        return None;
    }
    // Beside another name's word it is part of that name (`Cheshire
    // Yeomanry` is found by its head word; `John Wilshire` is a person).
    let beside = |k: usize| ws.get(k).is_some_and(|n| n.cap && proper(n));
    if i > 0 && joined(text, &ws[i - 1], w) && beside(i - 1)
        || ws.get(i + 1).is_some_and(|n| joined(text, w, n)) && beside(i + 1)
    {
        return None;
    }
    Some((
        Unlisted {
            start: w.start,
            end: without_possessive(text, w),
            kind: EntityType::Place,
            rule: Rule::Compound,
            reason: format!(
                "a county's name ({:?} ends in -shire)",
                &text[w.start..w.end]
            ),
        },
        i + 1,
    ))
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
                "a place GeoNames lists (a city of 5,000 people or more, a country or a continent)"
                    .to_string(),
        },
        last + 1,
    ))
}

/// Whether `text[start..end]` is one word that only says what kind of
/// place follows it, `of` and a capitalised name (`City` in `the City of
/// Carlisle`): no name of its own there.
pub fn kind_before_name(text: &str, start: usize, end: usize) -> bool {
    // Run for every mention: the words after it are looked at first, and
    // the mention is folded only when `of` and a capital follow.
    let mut rest = text[end..].split_whitespace();
    rest.next() == Some("of")
        && rest
            .next()
            .and_then(|n| n.chars().next())
            .is_some_and(char::is_uppercase)
        && words()
            .kind_of
            .contains(fold_key(&text[start..end]).as_str())
}

/// A capitalised name no list knows, right after `at` or `near`, at word
/// `i`: a place by its preposition.
fn placed(
    text: &str,
    ws: &[Word],
    i: usize,
    lower: &std::collections::HashSet<String>,
) -> Option<(Unlisted, usize)> {
    // Most words are in lower case: none of them starts a name.
    if !ws[i].cap {
        return None;
    }
    let lex = lexicon();
    let lists = words();
    let before = ws[..i].last()?;
    // `the town of`, `the village of`: the kind of place, in lower case.
    let kind_of = || {
        if before.key != "of" {
            return None;
        }
        let kind = ws[..i - 1].last()?;
        let key = kind.key.as_str();
        let known = lists.kind_of.contains(key)
            || lists.place_of.contains(key)
            || lists.kind_of_lower.contains(key);
        // Those of a place, in either case (`the inhabitants of`, `Vicar of`).
        ((known && !kind.cap || lists.of_a_place.contains(key)) && joined(text, kind, before))
            .then(|| &text[kind.start..before.end])
    };
    // Where someone lives, after their name: `John Hyde, of Ibsley`,
    // `Thomas Orton, Esq. of Ibsley`.
    let residence = || {
        if before.key != "of" || before.cap {
            return None;
        }
        let prefix = text[..before.start].trim_end();
        if prefix.ends_with(',') {
            return Some(&text[prefix.len() - 1..before.end]);
        }
        let style = ws[..i - 1].last()?;
        lists
            .postnominals
            .contains(style.key.as_str())
            .then(|| &text[style.start..before.end])
    };
    let preposition = (lists.place_only.contains(before.key.as_str()) && !before.cap)
        .then(|| &text[before.start..before.end])
        .or_else(kind_of)
        .or_else(residence)?;
    if !joined_loose(text, before, &ws[i]) || before.dot {
        return None;
    }
    // Its words: capitalised, joined, each a name's word that the text
    // never writes in lower case, none a number, time or feast.
    let fits = |w: &Word| {
        proper(w)
            && (!w.dot || !abbreviation(w))
            && !lex.demonyms.contains(w.key.as_str())
            && !lower.contains(w.key.as_str())
            && !lists.not_places.contains(w.key.as_str())
            && w.key.chars().filter(|c| c.is_alphabetic()).count() >= 3
    };
    let mut last = i;
    if !fits(&ws[i]) {
        return None;
    }
    while last + 1 < ws.len()
        && last + 1 - i < PLACE_WORDS_MAX
        && joined(text, &ws[last], &ws[last + 1])
        && ws[last + 1].cap
    {
        if !fits(&ws[last + 1]) {
            // A name followed by another kind of word (`at Oxford
            // University`, `at Smith's Hotel`) is some other name.
            return None;
        }
        last += 1;
    }
    // A possessive makes it someone's (`at Smith's`).
    if without_possessive(text, &ws[last]) < ws[last].end {
        return None;
    }
    Some((
        Unlisted {
            start: ws[i].start,
            end: ws[last].end,
            kind: EntityType::Place,
            rule: Rule::Preposition,
            reason: format!("a capitalised name after {preposition:?}"),
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
        .find(|s| **s == last || (last.len() >= 6 && near_in_print(s, &last)));
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
    // A title of the peerage, `of` and a name: the whole is the person's
    // name (`Duke of Norfolk`).
    if words().peerage.contains(ws[j - 1].key.as_str()) {
        if let Some(of) = ws.get(j).filter(|o| o.key == "of" && !o.cap) {
            let mut last = None;
            let mut k = j + 1;
            while k < ws.len() && k - j <= PLACE_WORDS_MAX {
                let prev = if k == j + 1 { of } else { &ws[k - 1] };
                if !(proper(&ws[k]) && joined(text, prev, &ws[k])) {
                    break;
                }
                last = Some(k);
                if without_possessive(text, &ws[k]) < ws[k].end {
                    break;
                }
                k += 1;
            }
            if let Some(last) = last {
                return Some((
                    Unlisted {
                        start: ws[j - 1].start,
                        end: without_possessive(text, &ws[last]),
                        kind: EntityType::Person,
                        rule: Rule::Title,
                        reason: format!(
                            "a title of the peerage ({:?} of)",
                            &text[ws[j - 1].start..ws[j - 1].end]
                        ),
                    },
                    last + 1,
                ));
            }
        }
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
        || !words().postnominals.contains(title.key.as_str())
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
    // A street's or canal's word in lower case may end it (`Stamford
    // street`, `Bridgewater canal`), unless a name follows.
    let mut lower_head = false;
    if let Some(n) = ws.get(end + 1) {
        if !n.cap
            && !ws[end].dot
            && words().lower_heads.contains(n.key.as_str())
            && joined(text, &ws[end], n)
            && ws[end].cap
            && !ws.get(end + 2).is_some_and(|m| m.cap && joined(text, n, m))
        {
            end += 1;
            lower_head = true;
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
        // After `of` a head word is no name's head: the word before `of`
        // is (`Bills of Exchange`, `Holders of Bills of Exchange`).
        if ws[start..k].iter().any(|w| w.key == "of" && !w.cap) {
            break;
        }
        let closes = k == end || !ws[k + 1].cap;
        let named = ws[start..k].iter().any(proper);
        if closes
            && named
            && (w.cap || lower_head && k == end)
            && without_possessive(text, w) == w.end
        {
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
    let named = words().kind_of.contains(w.key.as_str());
    let kind = if named || words().place_of.contains(w.key.as_str()) {
        EntityType::Place
    } else if words().org_of.contains(w.key.as_str()) {
        EntityType::Organisation
    } else {
        return None;
    };
    let mut last = start + 2;
    // A name right after `of`.
    ws.get(last).filter(|n| proper(n) && joined(text, of, n))?;
    while last < end && ws[last + 1].cap && proper(&ws[last + 1]) {
        last += 1;
    }
    let (from, reason) = if named {
        (
            ws[start + 2].start,
            format!("the name after {:?}", &text[w.start..of.end]),
        )
    } else {
        (
            w.start,
            format!("a name beginning with {:?} of", &text[w.start..w.end]),
        )
    };
    Some((
        Unlisted {
            start: from,
            end: without_possessive(text, &ws[last]),
            kind,
            rule: Rule::HeadWord,
            reason,
        },
        last + 1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(&str, &'static str, Rule)> {
        recognise(text, &[(0, text.len())])
            .into_iter()
            .map(|u| (&text[u.start..u.end], u.kind.name(), u.rule))
            .collect()
    }

    #[test]
    fn a_title_makes_a_person() {
        assert_eq!(
            names("The chair was taken by Mr. John Waterall, and Sir William Molesworth spoke."),
            vec![
                ("John Waterall", "Person", Rule::Title),
                ("William Molesworth", "Person", Rule::Title),
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
                ("Jemmett", "Person", Rule::Title),
                ("Chadwick", "Person", Rule::Title),
            ]
        );
    }

    #[test]
    fn initials_and_a_surname_make_a_person() {
        assert_eq!(
            names("the vicar, T. B. Simpson, and Hon. Wm. Coventry met W. A. HYDE at noon"),
            vec![
                ("T. B. Simpson", "Person", Rule::Initials),
                ("Wm. Coventry", "Person", Rule::Title),
                ("W. A. HYDE", "Person", Rule::Initials),
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
                ("Jonathan Birch", "Person", Rule::Title),
                ("Thomas Blayds", "Person", Rule::Title),
                ("John B. Smith", "Person", Rule::Title),
            ]
        );
        // Only right after the comma, in capitals, and after a name.
        assert_eq!(
            names("Thomas Blayds esq. came; Thomas Blayds, and Esq. came; the esquire, Esq. came"),
            vec![]
        );
    }

    #[test]
    fn a_title_of_the_peerage_names_a_person() {
        assert_eq!(
            names("the Duke of Norfolk and the Marchioness of Bute met Lord Taunton"),
            vec![
                ("Duke of Norfolk", "Person", Rule::Title),
                ("Marchioness of Bute", "Person", Rule::Title),
                ("Taunton", "Person", Rule::Title),
            ]
        );
        // A bishop's see is a place, not part of a person's name.
        assert_eq!(
            names("the Bishop of Armagh wrote"),
            vec![("Armagh", "Place", Rule::PlaceList)]
        );
    }

    #[test]
    fn a_name_after_at_or_near_is_a_place() {
        assert_eq!(
            names("a chapel at Ibsley; Ridding, near Delph; the village of Wyke Regis"),
            vec![
                ("Ibsley", "Place", Rule::Preposition),
                ("Delph", "Place", Rule::Preposition),
                ("Wyke Regis", "Place", Rule::Preposition),
            ]
        );
        // Times, feasts, possessives and words the text writes in lower
        // case are not; a name with a head word is that head word's kind.
        assert_eq!(
            names(
                "at Christmas, at Eleven, at Smith's, at Oxford University, near Ashton Moss \
                 Colliery, at Hire; boats for hire"
            ),
            vec![
                ("Oxford University", "Organisation", Rule::HeadWord),
                ("Ashton Moss Colliery", "Place", Rule::Preposition),
            ]
        );
        // The people, offices and surroundings of a place, before `of`.
        assert_eq!(
            names("the inhabitants of Ibsley; the Vicar of Gorley; the occupation of Gorley"),
            vec![
                ("Ibsley", "Place", Rule::Preposition),
                ("Gorley", "Place", Rule::Preposition),
            ]
        );
        // At the end of a sentence too, but no abbreviation (`at St.`).
        assert_eq!(
            names("He died at Godshill. They met at St. Mary's."),
            vec![("Godshill", "Place", Rule::Preposition)]
        );
        // Where someone lives, after their name and a comma, or a style.
        assert_eq!(
            names(
                "John Hyde, of Ibsley, yeoman; Thomas Orton, Esq. of Gorley; the Rector of Fritham"
            ),
            vec![
                ("Ibsley", "Place", Rule::Preposition),
                ("Thomas Orton", "Person", Rule::Title),
                ("Gorley", "Place", Rule::Preposition),
                ("Fritham", "Place", Rule::Preposition),
            ]
        );
        // `in`, `from` and `to` are not enough (`a letter from Weizmann`).
        assert_eq!(names("a letter from Weizmann to Ibsley in Delph"), vec![]);
    }

    #[test]
    fn a_kind_of_place_before_of_and_a_name_is_no_name() {
        let text = "the City of Carlisle, the City, the City of commerce, a Port of Call";
        let at = |word: &str, nth: usize| {
            let start = text.match_indices(word).nth(nth).unwrap().0;
            kind_before_name(text, start, start + word.len())
        };
        assert!(at("City", 0));
        assert!(!at("City", 1));
        assert!(!at("City", 2));
        assert!(at("Port", 0));
        assert!(!at("Carlisle", 0));
    }

    #[test]
    fn a_shire_is_a_county() {
        assert_eq!(
            names("sheep from Herefordshire; John Wilshire; the Cheshire Railway"),
            vec![
                ("Herefordshire", "Place", Rule::Compound),
                ("Cheshire Railway", "Organisation", Rule::HeadWord),
            ]
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
                ("Music Hall", "Place", Rule::HeadWord),
                ("Studley Park", "Place", Rule::HeadWord),
                ("Leeds Intelligencer", "Work", Rule::HeadWord),
                ("Ashton Bank", "Organisation", Rule::HeadWord),
                ("Weymouth", "Place", Rule::HeadWord),
            ]
        );
        // `Isle of` belongs to the name, `Port of` and `Town of` say what
        // kind of place the name is; after `of` no head word heads a name.
        assert_eq!(
            names("the Isle of Wight; the Town of Poole; his Bills of Exchange and Holders of Bills of Exchange"),
            vec![
                ("Isle of Wight", "Place", Rule::HeadWord),
                ("Poole", "Place", Rule::HeadWord),
            ]
        );
        // A town's market report names the town, no market.
        assert_eq!(names("THE LONDON MARKETS. The Bristol Corn Market"), vec![]);
        // A street's or canal's word in lower case ends a name.
        assert_eq!(
            names("down Stamford street to the Bridgewater canal, past Jonas street Smith"),
            vec![
                ("Stamford street", "Place", Rule::HeadWord),
                ("Bridgewater canal", "Place", Rule::HeadWord),
            ]
        );
        // In a heading, a preposition ends a name.
        assert_eq!(
            names(
                "STATEMENT BY THE ISRAELI FOREIGN MINISTRY TO THE PRESS; \
                 DIRECTOR GENERAL OF THE SOVIET FOREIGN MINISTRY"
            ),
            vec![
                ("ISRAELI FOREIGN MINISTRY", "Organisation", Rule::HeadWord),
                ("SOVIET FOREIGN MINISTRY", "Organisation", Rule::HeadWord),
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
                ("Amsterdam", "Place", Rule::PlaceList),
                ("Japan", "Place", Rule::PlaceList),
                ("Hong Kong", "Place", Rule::PlaceList),
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
                ("Nelson", "Person", Rule::Title),
                ("Wellington Street", "Place", Rule::HeadWord),
            ]
        );
    }

    #[test]
    fn hyphenated_streets_and_towns_are_places() {
        assert_eq!(
            names("in Albion-street, at 931 Stamford-slreet, Barrow-in-Furness; a well-known man"),
            vec![
                ("Albion-street", "Place", Rule::Compound),
                ("Stamford-slreet", "Place", Rule::Compound),
                ("Barrow-in-Furness", "Place", Rule::Compound),
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
