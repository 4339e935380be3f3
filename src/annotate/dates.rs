//! Date expressions in English prose: where they are written and, when it
//! can be said, which calendar date they name.
//!
//! The recogniser is rule-based and works on a list of tokens (runs of
//! letters, runs of ASCII digits, single punctuation characters), so it runs
//! in time linear in the length of the text. It recognises:
//!
//! - full dates, month first or day first, with an optional comma and an
//!   optional ordinal suffix: `July 15, 1953`, `15 July 1953`,
//!   `the 15th of July, 1953`, `Sept. 2, 2014` (day precision);
//! - numeric dates in the two unambiguous forms `1953-07-15` (ISO) and
//!   `15.07.1953` (day, month, year, as in Russian documents); slashed dates
//!   (`7/15/1953`) are ambiguous and not recognised;
//! - a month and a day without a year: `February 9`, `28 May`, `May 2`; the
//!   year is inferred from the document's date (see *Years not written*
//!   below) and `year_inferred` is true, or the value is `None` when the
//!   document has no date. A day before the month needs a
//!   preposition before it or no word after the month (`on 28 May`,
//!   `28 May,`), so that `5 March meetings` is not a date;
//! - a month and a year: `May 1947`, `FEBRUARY 1953` (month precision);
//! - a month alone after a preposition (`in March`, `since May`,
//!   `of July`) or after another month (`March or April`), and a month after
//!   `early`, `mid`, `mid-` or `late` (`early March`, `mid-April`): month
//!   precision with the year inferred like a month and day (the qualifier is
//!   part of the span but does not change the value); with a written year
//!   (`early March 1953`) the year is not inferred;
//! - a year, only in a date context: after a preposition (`in 1946`,
//!   `until 1949`, `of 1953`), after `early`, `mid-`, `late`, `circa`,
//!   `year(s)` or a season (`Spring 2003`, `summer of 1947`; the qualifier or
//!   season is part of the span), alone in parentheses (`(1953)`), set off by
//!   commas after a name as in a citation (`Malta and Yalta, 1945, issued`),
//!   in `the 1967 War`, or as part of a range;
//! - a range of years: `from 1941 to 1951`, `1946 and 1947`, `1941-1953`,
//!   `1947–49`. A range gives *two* mentions, one per year, each spanning
//!   only its own digits, so `1947-49` gives `1947` (1947) and `49` (1949),
//!   with the century of the first year;
//! - a decade, `the 1950s`, `mid-1930s`, `1950’s`: the span is the decade
//!   and its qualifier (without `the`), the value is `None`;
//! - relative expressions, with value `None`: `last September`, `this week`,
//!   `the very next day`, `the end of the month`, `a few weeks later`,
//!   `10 days ago`.
//!
//! A year is a 4-digit number from 1000 to 2099 that is a whole number: not a
//! part of `10,000` or `1.5`, not after a currency sign, not glued to letters
//! (`P1953`, `1953x`), not followed by a unit or a counted noun (`2000 km`,
//! `1050 pounds`, `1500 people`). After a weak preposition (`of`, `to`, `by`,
//! `around`) a year is only taken when the next word is not an unknown
//! lower-case word (`a list of 1200 names`).
//!
//! Month names are taken in title case or in capitals (`March`, `MARCH`) and
//! abbreviations (`Jan`, `Sept.`) only with a day or a year. Words that are
//! also a verb (`may`, `march`) are never taken in lower case, and a capital
//! `May` or `March` with neither a day, a year nor a preposition before it is
//! not a date. Values are checked against the calendar: a date with a day
//! that its month does not have (`February 30, 1953`, `29 February 1953`,
//! `April 31`, `1953-02-30`) keeps its span, so that no part of it is taken
//! for a shorter date, but gets value `None`; so does `February 29` without a
//! year when the document year is not a leap year.
//!
//! A date followed by a clock time (`September 2, 2014 at 12:09 pm`) is
//! taken without the time: the span is `September 2, 2014`, so that the span
//! is exactly what the value says. Day names (`Monday`) and deictic words
//! (`today`, `yesterday`) are not recognised.
//!
//! The parts of an expression may be separated by white space with at most
//! one line break (`5 MARCH\n1953` in a heading), never by a blank line.
//! Where candidate expressions overlap, the longest (in bytes) wins, then
//! the leftmost.
//!
//! ## Years not written
//!
//! A month and day (or a month alone) without a year take the year that
//! puts them nearest to the document's date ([`Anchor`]): `December 22` in a
//! document of 14 January 1941 is 1940-12-22, not 1941-12-22. A letter or
//! telegram reports what happened before it was written, so there the
//! nearest date *on or before* the document's date is taken, unless a word
//! before the expression in its sentence (at most six tokens back) says it
//! lies ahead (`next`, `coming`, `will`, `shall`, `until`, `till`,
//! `expected`, `planned`); in any document such a word picks the nearest date on or
//! after the document's date, and `last`, `since` or `ago` the nearest on
//! or before it. A document dated only to the year gives that year. The
//! candidates are the document's year and the years either side of it;
//! ties go to the earlier date.
//!
//! Invariant: [`find`] returns mentions sorted by `start`, non-overlapping,
//! each with `start < end` on character boundaries of the text and
//! `text[start..end]` a whole-word expression as written; every value has a
//! month in 1–12 and a day that exists in that month and year, and every year
//! written in the text is in 1000–2099.

use std::collections::BTreeMap;

/// A date found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Byte offsets into the text (on char boundaries); text[start..end] is the expression as written.
    pub start: usize,
    pub end: usize,
    /// The normalised value, if it can be normalised.
    pub value: Option<PartialDate>,
    /// True when the year was not written and was taken from `document_year`.
    pub year_inferred: bool,
}

/// Finds date expressions in `text`. `document_year` is the year of the document (if known), used for
/// a month and day written without a year ("on February 9"), which then gets `year_inferred = true`.
pub fn find(text: &str, document_year: Option<i32>) -> Vec<DateMention> {
    find_near(text, document_year.map(Anchor::year))
}

/// Finds date expressions in `text`, placing a month and day written
/// without a year near `anchor`, the document's date (see the module
/// documentation, *Years not written*).
pub fn find_near(text: &str, anchor: Option<Anchor>) -> Vec<DateMention> {
    let scanner = Scanner {
        text,
        toks: tokenize(text),
        anchor,
    };
    let mut candidates = Vec::new();
    for i in 0..scanner.toks.len() {
        scanner.candidates_at(i, &mut candidates);
    }
    select(candidates)
}

/// A normalised date: year, month, day.
use crate::input::date::PartialDate;

type Value = PartialDate;

/// The date of the document a text belongs to, near which dates written
/// without a year are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
    /// Whether the document reports what happened before it (a letter, a
    /// telegram): then a date without a year lies on or before it unless
    /// the text says otherwise.
    pub reports_past: bool,
}

impl Anchor {
    /// A document known only to the year.
    pub fn year(year: i32) -> Anchor {
        Anchor {
            year,
            month: None,
            day: None,
            reports_past: false,
        }
    }
}

/// Words before a date without a year that put it after the document's date.
const AHEAD: &[&str] = &[
    "next", "coming", "will", "shall", "until", "till", "expected", "planned",
];

/// How many tokens before a date without a year are searched for a word
/// that says which way it lies.
const CUE_WORDS: usize = 6;

/// Words before a date without a year that put it before the document's date.
const BEHIND: &[&str] = &["last", "since", "ago"];

/// Days since 1 January of year 0 (proleptic Gregorian), for distances.
fn day_number(year: i32, month: u8, day: u8) -> i64 {
    let (y, m) = if month <= 2 {
        (i64::from(year) - 1, i64::from(month) + 9)
    } else {
        (i64::from(year), i64::from(month) - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

/// The first and last day of a date known to the month or the day.
fn day_range(year: i32, month: u8, day: Option<u8>) -> (i64, i64) {
    match day {
        Some(d) => (day_number(year, month, d), day_number(year, month, d)),
        None => (
            day_number(year, month, 1),
            day_number(year, month, days_in_month(year, month).max(1)),
        ),
    }
}

/// Which way from the document's date a date without a year lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Before,
    After,
    Nearest,
}

/// The English month names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTH_ABBREVIATIONS: [(&str, u8); 12] = [
    ("Jan", 1),
    ("Feb", 2),
    ("Mar", 3),
    ("Apr", 4),
    ("Jun", 6),
    ("Jul", 7),
    ("Aug", 8),
    ("Sep", 9),
    ("Sept", 9),
    ("Oct", 10),
    ("Nov", 11),
    ("Dec", 12),
];

/// Words before a year that make it a year whatever follows.
const STRONG_YEAR_CONTEXT: &[&str] = &[
    "in",
    "on",
    "since",
    "until",
    "till",
    "from",
    "after",
    "before",
    "during",
    "through",
    "throughout",
    "between",
    "circa",
    "year",
    "years",
];

/// Words before a year that make it a year when no unknown word follows.
const WEAK_YEAR_CONTEXT: &[&str] = &["of", "to", "by", "around"];

/// Words that narrow a month, a year or a decade; they belong to the span.
const QUALIFIERS: &[&str] = &["early", "mid", "late"];

const SEASONS: &[&str] = &["spring", "summer", "autumn", "fall", "winter"];

/// Words before a month written alone that make it a month.
const MONTH_CONTEXT: &[&str] = &[
    "in",
    "since",
    "until",
    "till",
    "by",
    "during",
    "before",
    "after",
    "from",
    "through",
    "throughout",
    "of",
    "between",
    "around",
];

/// Words before a day and month without a year that make them a date even
/// when a word follows.
const DAY_CONTEXT: &[&str] = &[
    "on", "by", "of", "from", "until", "till", "since", "to", "before", "after", "between", "and",
    "the",
];

/// Words joining the two years of a range.
const RANGE_WORDS: &[&str] = &["to", "and", "or", "through", "until", "till"];

/// Words after a number that show it counts or measures something.
const UNITS: &[&str] = &[
    "km",
    "kms",
    "kilometres",
    "kilometers",
    "kilometre",
    "kilometer",
    "m",
    "metres",
    "meters",
    "metre",
    "meter",
    "miles",
    "mile",
    "ft",
    "feet",
    "foot",
    "yards",
    "yard",
    "kg",
    "kilograms",
    "kilos",
    "tons",
    "tonnes",
    "ton",
    "t",
    "pounds",
    "pound",
    "lb",
    "lbs",
    "dollars",
    "roubles",
    "rubles",
    "marks",
    "francs",
    "shekels",
    "pence",
    "shillings",
    "lira",
    "liras",
    "percent",
    "per",
    "people",
    "persons",
    "men",
    "women",
    "children",
    "soldiers",
    "troops",
    "officers",
    "families",
    "jews",
    "refugees",
    "immigrants",
    "emigrants",
    "members",
    "workers",
    "delegates",
    "votes",
    "pages",
    "copies",
    "units",
    "items",
    "times",
    "hours",
    "minutes",
    "seconds",
    "days",
    "weeks",
    "months",
    "years",
    "acres",
    "hectares",
    "dunams",
    "dunums",
];

/// Lower-case words that may follow a year after a weak context word.
const FUNCTION_WORDS: &[&str] = &[
    "and", "or", "but", "nor", "the", "a", "an", "when", "where", "which", "who", "whom", "whose",
    "that", "was", "were", "is", "are", "be", "been", "had", "has", "have", "did", "to", "in",
    "on", "at", "by", "for", "with", "from", "until", "till", "as", "after", "before", "during",
    "it", "its", "he", "she", "they", "we", "i", "you", "there", "this", "these", "those", "while",
    "so", "then", "onwards", "onward", "through", "not", "also", "only", "still", "again",
];

/// Nouns after `the YEAR` that name an event of that year (`the 1967 War`).
const EVENT_NOUNS: &[&str] = &[
    "war",
    "revolution",
    "election",
    "elections",
    "congress",
    "conference",
    "census",
    "crisis",
    "uprising",
    "agreement",
    "treaty",
    "plan",
    "partition",
    "resolution",
    "campaign",
    "armistice",
    "trial",
    "trials",
    "coup",
    "pogrom",
    "pogroms",
    "olympics",
    "riots",
    "massacre",
    "purge",
    "purges",
    "offensive",
    "invasion",
    "declaration",
    "constitution",
];

/// Words before a dash between two numbers that make it a range of pages or
/// numbers rather than of years.
const NUMBER_LABELS: &[&str] = &[
    "p", "pp", "page", "pages", "no", "nos", "nr", "vol", "vols", "art", "fig", "tel", "col",
    "cols", "ch", "para", "paras",
];

/// Signs that make the number after them an amount, not a year.
const CURRENCY: &[char] = &['£', '$', '€', '¥', '#', '№', '+'];

const DASHES: &[char] = &['-', '‐', '‒', '–', '—'];

/// Quantities in relative expressions (`a few weeks later`).
const QUANTITY_WORDS: &[&str] = &[
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "twenty", "few", "several", "some", "many",
];

const RELATIVE_UNITS: &[&str] = &[
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "decade",
    "decades",
    "century",
    "centuries",
];

const PERIODS: &[&str] = &["day", "week", "month", "year", "decade", "century"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A run of letters (and non-ASCII digits).
    Word,
    /// A run of ASCII digits.
    Num,
    /// Any other character that is not white space.
    Punct(char),
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    end: usize,
    kind: Kind,
    /// Whether white space separates this token from the previous one.
    spaced: bool,
    /// Line breaks between the previous token and this one (saturating).
    newlines: u8,
}

/// Splits `text` into tokens; white space is not a token.
fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut spaced = false;
    let mut newlines: u8 = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            spaced = true;
            if c == '\n' {
                newlines = newlines.saturating_add(1);
            }
            continue;
        }
        let kind = if c.is_ascii_digit() {
            Kind::Num
        } else if c.is_alphanumeric() {
            Kind::Word
        } else {
            Kind::Punct(c)
        };
        let mut end = start + c.len_utf8();
        if !matches!(kind, Kind::Punct(_)) {
            while let Some(&(j, d)) = chars.peek() {
                let same = if kind == Kind::Num {
                    d.is_ascii_digit()
                } else {
                    d.is_alphanumeric() && !d.is_ascii_digit()
                };
                if !same {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        toks.push(Tok {
            start,
            end,
            kind,
            spaced,
            newlines,
        });
        spaced = false;
        newlines = 0;
    }
    toks
}

/// A possible expression: its byte span and the mentions it gives (two for a
/// range of years).
struct Candidate {
    start: usize,
    end: usize,
    mentions: Vec<DateMention>,
}

/// Keeps the longest candidates that do not overlap, then the leftmost.
fn select(mut candidates: Vec<Candidate>) -> Vec<DateMention> {
    candidates.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
    });
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for c in candidates {
        // The taken spans do not overlap, so only the last one that starts
        // before this candidate ends can overlap it.
        if let Some((_, &end)) = taken.range(..c.end).next_back() {
            if end > c.start {
                continue;
            }
        }
        taken.insert(c.start, c.end);
        out.extend(c.mentions);
    }
    out.sort_by_key(|m| m.start);
    out
}

/// The days `month` has in `year`, or 0 for a month that does not exist.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1..=12 => crate::input::date::days_in_month(year, u32::from(month)) as u8,
        _ => 0,
    }
}

/// The most days `month` has in any year.
fn max_days(month: u8) -> u8 {
    if month == 2 {
        29
    } else {
        days_in_month(2001, month)
    }
}

/// A date of day precision, if that day exists.
fn full_date(year: i32, month: u8, day: u8) -> Option<Value> {
    PartialDate::day(year, month, day)
}

/// Whether `word` is `name` (given in title case) in title case or capitals.
fn title_or_caps(word: &str, name: &str) -> bool {
    word == name
        || (word.len() == name.len()
            && word
                .bytes()
                .zip(name.bytes())
                .all(|(w, n)| w == n.to_ascii_uppercase()))
}

/// What an expression that starts with a month or a day says.
#[derive(Clone, Copy, Debug)]
enum Form {
    Full(i32, u8, u8),
    MonthDay(u8, u8),
    MonthYear(i32, u8),
    Month(u8),
}

/// A text, its tokens and the document year, with the pattern matchers.
struct Scanner<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    anchor: Option<Anchor>,
}

impl<'a> Scanner<'a> {
    fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn slice(&self, i: usize) -> Option<&'a str> {
        let t = self.toks.get(i)?;
        self.text.get(t.start..t.end)
    }

    fn word(&self, i: usize) -> Option<&'a str> {
        if self.kind(i) == Some(Kind::Word) {
            self.slice(i)
        } else {
            None
        }
    }

    fn word_in(&self, i: usize, list: &[&str]) -> bool {
        self.word(i)
            .is_some_and(|w| list.iter().any(|x| w.eq_ignore_ascii_case(x)))
    }

    fn punct_in(&self, i: usize, set: &[char]) -> bool {
        matches!(self.kind(i), Some(Kind::Punct(c)) if set.contains(&c))
    }

    fn is_punct(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(Kind::Punct(_)))
    }

    /// Whether token `i + 1` exists and follows token `i` without white space.
    fn touch(&self, i: usize) -> bool {
        self.toks.get(i + 1).is_some_and(|t| !t.spaced)
    }

    /// Whether token `i + 1` exists and follows token `i` on the same line or
    /// the next one.
    fn near(&self, i: usize) -> bool {
        self.toks.get(i + 1).is_some_and(|t| t.newlines <= 1)
    }

    /// The token before `i`, if it is on the same line or the one before.
    fn prev(&self, i: usize) -> Option<usize> {
        let t = self.toks.get(i)?;
        (i > 0 && t.newlines <= 1).then(|| i - 1)
    }

    /// Whether token `i` starts a word: no letter or digit is glued before it.
    fn left_ok(&self, i: usize) -> bool {
        i == 0 || self.toks.get(i).is_some_and(|t| t.spaced) || self.is_punct(i - 1)
    }

    /// Whether token `i` ends a word: no letter or digit is glued after it.
    fn right_ok(&self, i: usize) -> bool {
        !self.touch(i) || self.is_punct(i + 1)
    }

    /// The value and the number of digits of a number token of at most four
    /// digits.
    fn digits(&self, i: usize) -> Option<(u32, usize)> {
        if self.kind(i) != Some(Kind::Num) {
            return None;
        }
        let s = self.slice(i)?;
        if s.len() > 4 {
            return None;
        }
        Some((s.parse().ok()?, s.len()))
    }

    fn num_len(&self, i: usize) -> usize {
        self.slice(i).map_or(0, str::len)
    }

    /// Whether number token `i` does not continue a number or an amount
    /// written before it (`10,000`, `1.5`, `£10`).
    fn num_left_clean(&self, i: usize) -> bool {
        if !self.left_ok(i) {
            return false;
        }
        if i == 0 || self.toks.get(i).is_none_or(|t| t.spaced) {
            return true;
        }
        let Some(Kind::Punct(c)) = self.kind(i - 1) else {
            return true;
        };
        if CURRENCY.contains(&c) {
            return false;
        }
        let after_number = i >= 2 && self.touch(i - 2) && self.kind(i - 2) == Some(Kind::Num);
        !(after_number && (matches!(c, '.' | ':' | '/') || (c == ',' && self.num_len(i) == 3)))
    }

    /// Whether number token `i` is not continued by more of a number after it
    /// (`10,000`, `1.5`, `12:09`, `50%`).
    fn num_right_clean(&self, i: usize) -> bool {
        if !self.right_ok(i) {
            return false;
        }
        if !self.touch(i) {
            return true;
        }
        let Some(Kind::Punct(c)) = self.kind(i + 1) else {
            return true;
        };
        if matches!(c, '%' | '‰') {
            return false;
        }
        let number_follows = self.touch(i + 1) && self.kind(i + 2) == Some(Kind::Num);
        !(number_follows
            && (matches!(c, '.' | ':' | '/') || (c == ',' && self.num_len(i + 2) == 3)))
    }

    /// A day of the month (1–31, optionally with an ordinal suffix) at `i`:
    /// its value, its last token and whether it had a suffix.
    fn day_at(&self, i: usize) -> Option<(u8, usize, bool)> {
        let (v, len) = self.digits(i)?;
        if len > 2 || !(1..=31).contains(&v) || !self.num_left_clean(i) {
            return None;
        }
        let day = u8::try_from(v).ok()?;
        if self.touch(i) && self.word_in(i + 1, &["st", "nd", "rd", "th"]) {
            return self.right_ok(i + 1).then_some((day, i + 1, true));
        }
        self.num_right_clean(i).then_some((day, i, false))
    }

    /// A year (a whole 4-digit number in 1000–2099) at `i`.
    fn year_at(&self, i: usize) -> Option<i32> {
        let (v, len) = self.digits(i)?;
        if len != 4 || !(1000..=2099).contains(&v) {
            return None;
        }
        if !self.num_left_clean(i) || !self.num_right_clean(i) {
            return None;
        }
        i32::try_from(v).ok()
    }

    /// Whether the word after token `i` shows that a number counts or
    /// measures something.
    fn followed_by_unit(&self, i: usize) -> bool {
        self.near(i) && self.word_in(i + 1, UNITS)
    }

    /// A month name at `i`: the month, the last token (a full stop after an
    /// abbreviation belongs to it) and whether it is an abbreviation.
    fn month_at(&self, i: usize) -> Option<(u8, usize, bool)> {
        let w = self.word(i)?;
        if let Some(k) = MONTHS.iter().position(|name| title_or_caps(w, name)) {
            return Some((u8::try_from(k + 1).ok()?, i, false));
        }
        let &(_, month) = MONTH_ABBREVIATIONS
            .iter()
            .find(|(abbr, _)| title_or_caps(w, abbr))?;
        let last = if self.touch(i) && self.punct_in(i + 1, &['.']) {
            i + 1
        } else {
            i
        };
        Some((month, last, true))
    }

    /// The longest expression that starts with a month at `i`: month day
    /// [,] year, month day, month year, or (for a full month name) the month
    /// alone.
    fn month_form(&self, i: usize) -> Option<(usize, Form)> {
        let (month, last, abbreviation) = self.month_at(i)?;
        if self.near(last) {
            if let Some((day, day_last, _)) = self.day_at(last + 1) {
                let mut k = day_last;
                if self.near(k) && self.punct_in(k + 1, &[',']) {
                    k += 1;
                }
                if self.near(k) {
                    if let Some(year) = self.year_at(k + 1) {
                        if !self.followed_by_unit(k + 1) {
                            return Some((k + 1, Form::Full(year, month, day)));
                        }
                    }
                }
                if !self.followed_by_unit(day_last) {
                    return Some((day_last, Form::MonthDay(month, day)));
                }
            } else if let Some(year) = self.year_at(last + 1) {
                if !self.followed_by_unit(last + 1) {
                    return Some((last + 1, Form::MonthYear(year, month)));
                }
            }
        }
        (!abbreviation).then_some((last, Form::Month(month)))
    }

    /// The longest expression that starts with a day at `i`: day [of] month
    /// [,] year, or day [of] month.
    fn day_form(&self, i: usize) -> Option<(usize, Form)> {
        let (day, day_last, ordinal) = self.day_at(i)?;
        let mut k = day_last;
        if ordinal && self.near(k) && self.word_in(k + 1, &["of"]) {
            k += 1;
        }
        if !self.near(k) {
            return None;
        }
        let (month, month_last, _) = self.month_at(k + 1)?;
        let mut y = month_last;
        if self.near(y) && self.punct_in(y + 1, &[',']) {
            y += 1;
        }
        if self.near(y) {
            if let Some(year) = self.year_at(y + 1) {
                if !self.followed_by_unit(y + 1) {
                    return Some((y + 1, Form::Full(year, month, day)));
                }
            }
        }
        // Without a year, the day needs a preposition before it or no word
        // after the month (`on 28 May, the`), so that `5 March` in
        // `5 March meetings` is not taken.
        let context = self.prev(i).is_some_and(|p| self.word_in(p, DAY_CONTEXT));
        let ends = !self.near(month_last)
            || !matches!(self.kind(month_last + 1), Some(Kind::Word | Kind::Num));
        (context || ends).then_some((month_last, Form::MonthDay(month, day)))
    }

    /// The value of a form and whether its year was inferred. A day that its
    /// month does not have (in the written year, or in any year when the year
    /// is not written) gives no value.
    fn form_value(&self, form: Form, at: usize) -> (Option<Value>, bool) {
        match form {
            Form::Full(year, month, day) => (full_date(year, month, day), false),
            Form::MonthDay(month, day) => {
                match self
                    .anchor
                    .filter(|_| day <= max_days(month))
                    .and_then(|a| self.year_near(a, month, Some(day), at))
                {
                    Some(year) => match full_date(year, month, day) {
                        Some(v) => (Some(v), true),
                        None => (None, false),
                    },
                    None => (None, false),
                }
            }
            Form::MonthYear(year, month) => (Some(PartialDate::month(year, month)), false),
            Form::Month(month) => {
                match self.anchor.and_then(|a| self.year_near(a, month, None, at)) {
                    Some(year) => (Some(PartialDate::month(year, month)), true),
                    None => (None, false),
                }
            }
        }
    }

    /// The year that puts `month` (and `day`) nearest to the document's
    /// date, in the direction the words before token `at` or the kind of
    /// document give; see the module documentation.
    fn year_near(&self, anchor: Anchor, month: u8, day: Option<u8>, at: usize) -> Option<i32> {
        let Some(anchor_month) = anchor.month else {
            return Some(anchor.year);
        };
        // The words before the expression, back to the start of its sentence.
        let cue = |list: &[&str]| {
            (1..=CUE_WORDS.min(at))
                .map(|k| at - k)
                .take_while(|&i| !self.punct_in(i, &['.', '!', '?', ';']))
                .any(|i| self.word_in(i, list))
        };
        let direction = if cue(AHEAD) {
            Direction::After
        } else if cue(BEHIND) || anchor.reports_past {
            Direction::Before
        } else {
            Direction::Nearest
        };
        let (a0, a1) = day_range(anchor.year, anchor_month, anchor.day);
        (anchor.year - 1..=anchor.year + 1)
            .filter(|&y| day.is_none_or(|d| d <= days_in_month(y, month)))
            .filter(|&y| {
                let (c0, c1) = day_range(y, month, day);
                match direction {
                    Direction::Before => c0 <= a1,
                    Direction::After => c1 >= a0,
                    Direction::Nearest => true,
                }
            })
            .min_by_key(|&y| {
                let (c0, c1) = day_range(y, month, day);
                ((c0 + c1) - (a0 + a1)).abs()
            })
    }

    /// Adds a candidate from token `a` to token `b` if it is made of whole
    /// words.
    fn push(&self, out: &mut Vec<Candidate>, a: usize, b: usize, mentions: Vec<DateMention>) {
        if !self.left_ok(a) || !self.right_ok(b) {
            return;
        }
        if let (Some(first), Some(last)) = (self.toks.get(a), self.toks.get(b)) {
            out.push(Candidate {
                start: first.start,
                end: last.end,
                mentions,
            });
        }
    }

    /// Adds a candidate that is one mention.
    fn push_one(
        &self,
        out: &mut Vec<Candidate>,
        a: usize,
        b: usize,
        value: Option<Value>,
        year_inferred: bool,
    ) {
        if let (Some(first), Some(last)) = (self.toks.get(a), self.toks.get(b)) {
            let mention = DateMention {
                start: first.start,
                end: last.end,
                value,
                year_inferred,
            };
            self.push(out, a, b, vec![mention]);
        }
    }

    fn push_form(&self, out: &mut Vec<Candidate>, a: usize, b: usize, form: Form) {
        let (value, inferred) = self.form_value(form, a);
        self.push_one(out, a, b, value, inferred);
    }

    fn candidates_at(&self, i: usize, out: &mut Vec<Candidate>) {
        match self.kind(i) {
            Some(Kind::Word) => {
                self.month_first(i, out);
                self.qualified_month(i, out);
                self.relative(i, out);
            }
            Some(Kind::Num) => {
                if let Some((last, form)) = self.day_form(i) {
                    self.push_form(out, i, last, form);
                }
                self.years(i, out);
                self.decade(i, out);
                self.numeric(i, out);
                self.relative(i, out);
            }
            _ => {}
        }
    }

    /// Expressions that start with a month name.
    fn month_first(&self, i: usize, out: &mut Vec<Candidate>) {
        let Some((last, form)) = self.month_form(i) else {
            return;
        };
        if let Form::Month(_) = form {
            if !self.month_context(i) {
                return;
            }
        }
        self.push_form(out, i, last, form);
    }

    /// Whether a month written alone at `i` is in a date context: after a
    /// preposition, or after another month and a conjunction or dash.
    fn month_context(&self, i: usize) -> bool {
        let Some(p) = self.prev(i) else {
            return false;
        };
        if self.word_in(p, MONTH_CONTEXT) {
            return true;
        }
        if self.word_in(p, &["and", "or", "to", "till", "until"]) || self.punct_in(p, DASHES) {
            return self
                .prev(p)
                .is_some_and(|q| self.word(q).is_some_and(|w| MONTHS.contains(&w)));
        }
        false
    }

    /// `early March`, `mid-April`, `late May 1953`.
    fn qualified_month(&self, i: usize, out: &mut Vec<Candidate>) {
        if !self.word_in(i, QUALIFIERS) {
            return;
        }
        let j = if self.touch(i) && self.punct_in(i + 1, &['-']) && self.touch(i + 1) {
            i + 2
        } else if self.near(i) {
            i + 1
        } else {
            return;
        };
        if let Some((last, form @ (Form::MonthYear(..) | Form::Month(_)))) = self.month_form(j) {
            self.push_form(out, i, last, form);
        }
    }

    /// The first token of a qualifier (`early`, `mid-`, `late`) before token
    /// `i`, if there is one.
    fn qualifier_before(&self, i: usize) -> Option<usize> {
        let p = self.prev(i)?;
        if self.word_in(p, QUALIFIERS) {
            return Some(p);
        }
        let glued_dash = self.punct_in(p, &['-']) && self.touch(p) && p > 0 && self.touch(p - 1);
        (glued_dash && self.word_in(p - 1, &["mid"])).then(|| p - 1)
    }

    /// The date context of a year at `i`: the first token of the span
    /// (before `i` for a qualifier or a season) and whether the context is
    /// weak.
    fn year_context(&self, i: usize) -> Option<(usize, bool)> {
        if let Some(q) = self.qualifier_before(i) {
            return Some((q, false));
        }
        let p = self.prev(i)?;
        if self.word_in(p, SEASONS) {
            return Some((p, false));
        }
        if self.word_in(p, &["of"]) {
            if let Some(q) = self.prev(p).filter(|&q| self.word_in(q, SEASONS)) {
                return Some((q, false));
            }
        }
        if self.word_in(p, STRONG_YEAR_CONTEXT) {
            return Some((i, false));
        }
        if self.word_in(p, WEAK_YEAR_CONTEXT) {
            return Some((i, true));
        }
        if self.word_in(p, &["the"]) && self.near(i) && self.word_in(i + 1, EVENT_NOUNS) {
            return Some((i, false));
        }
        // `c. 1950`, `ca. 1950`.
        if self.punct_in(p, &['.'])
            && p > 0
            && self.touch(p - 1)
            && self.word_in(p - 1, &["c", "ca"])
        {
            return Some((i, false));
        }
        // `Conferences at Malta and Yalta, 1945, issued by`.
        if self.punct_in(p, &[','])
            && p > 0
            && self.touch(p - 1)
            && self
                .word(p - 1)
                .is_some_and(|w| w.starts_with(char::is_uppercase))
            && self.touch(i)
            && self.punct_in(i + 1, &[',', '.', ';', ')'])
        {
            return Some((i, false));
        }
        // `(1953)`.
        if self.punct_in(p, &['('])
            && self.touch(p)
            && self.touch(i)
            && self.punct_in(i + 1, &[')'])
        {
            return Some((i, false));
        }
        None
    }

    /// Whether a number label (`p.`, `pp`, `No.`) comes before token `i`.
    fn number_label_before(&self, i: usize) -> bool {
        let Some(p) = self.prev(i) else {
            return false;
        };
        if self.word_in(p, NUMBER_LABELS) {
            return true;
        }
        self.punct_in(p, &['.']) && p > 0 && self.touch(p - 1) && self.word_in(p - 1, NUMBER_LABELS)
    }

    /// The second year of a range that starts with the year `first` at `i`:
    /// its token and value. `Err(())` when a range is written but is not one
    /// of years (`between 1000 and 2000 people`).
    fn range_end(&self, i: usize, first: i32) -> Result<Option<(usize, i32, bool)>, ()> {
        if !self.near(i) {
            return Ok(None);
        }
        let (j, dashed) = if self.punct_in(i + 1, DASHES) {
            (i + 2, true)
        } else if self.word_in(i + 1, RANGE_WORDS) {
            if self.word_in(i + 1, &["through"]) && self.near(i + 1) && self.word_in(i + 2, &["to"])
            {
                (i + 3, false)
            } else {
                (i + 2, false)
            }
        } else {
            return Ok(None);
        };
        if !self.near(j - 1) {
            return Ok(None);
        }
        let second = match self.year_at(j) {
            Some(y) => Some(y),
            None if dashed => match self.digits(j) {
                Some((v, 2)) if self.num_left_clean(j) && self.num_right_clean(j) => {
                    let y = first - first % 100 + i32::try_from(v).map_err(|_| ())?;
                    Some(y)
                }
                _ => None,
            },
            None => None,
        };
        match second {
            Some(y) if y > first => {
                if self.followed_by_unit(j) {
                    Err(())
                } else {
                    Ok(Some((j, y, dashed)))
                }
            }
            _ => Ok(None),
        }
    }

    /// A year in a date context, or a range of two years.
    fn years(&self, i: usize, out: &mut Vec<Candidate>) {
        let Some(first) = self.year_at(i) else {
            return;
        };
        if self.followed_by_unit(i) {
            return;
        }
        let Ok(second) = self.range_end(i, first) else {
            return;
        };
        let (start, weak) = match self.year_context(i) {
            Some(context) => context,
            // A dashed range is a date context of its own, unless it is a
            // range of pages or numbers.
            None if second.is_some_and(|(_, _, dashed)| dashed) && !self.number_label_before(i) => {
                (i, false)
            }
            None => return,
        };
        if weak && second.is_none() && !self.weak_follower_ok(i) {
            return;
        }
        let (Some(first_tok), Some(year_tok)) = (self.toks.get(start), self.toks.get(i)) else {
            return;
        };
        let mut mentions = vec![DateMention {
            start: first_tok.start,
            end: year_tok.end,
            value: Some(PartialDate::year(first)),
            year_inferred: false,
        }];
        let mut last = i;
        if let Some((j, y, _)) = second {
            if let Some(t) = self.toks.get(j) {
                mentions.push(DateMention {
                    start: t.start,
                    end: t.end,
                    value: Some(PartialDate::year(y)),
                    year_inferred: false,
                });
                last = j;
            }
        }
        self.push(out, start, last, mentions);
    }

    /// Whether the word after a year at `i` allows a weak context: no word,
    /// a capitalised word, or a function word.
    fn weak_follower_ok(&self, i: usize) -> bool {
        if !self.near(i) {
            return true;
        }
        match self.word(i + 1) {
            Some(w) if w.starts_with(|c: char| c.is_lowercase()) => {
                FUNCTION_WORDS.iter().any(|f| w.eq_ignore_ascii_case(f))
            }
            _ => true,
        }
    }

    /// A decade: `1950s`, `1950's`, `mid-1930s`.
    fn decade(&self, i: usize, out: &mut Vec<Candidate>) {
        let Some((v, 4)) = self.digits(i) else {
            return;
        };
        if !(1000..=2090).contains(&v) || v % 10 != 0 || !self.num_left_clean(i) {
            return;
        }
        let is_s = |k: usize| self.word(k).is_some_and(|w| w == "s" || w == "S");
        let last = if self.touch(i) && is_s(i + 1) {
            i + 1
        } else if self.touch(i)
            && self.punct_in(i + 1, &['\'', '’'])
            && self.touch(i + 1)
            && is_s(i + 2)
        {
            i + 2
        } else {
            return;
        };
        let start = self.qualifier_before(i).unwrap_or(i);
        self.push_one(out, start, last, None, false);
    }

    /// Numeric dates: `1953-07-15` and `15.07.1953`.
    fn numeric(&self, i: usize, out: &mut Vec<Candidate>) {
        let glued =
            |k: usize, c: char| self.touch(k) && self.punct_in(k + 1, &[c]) && self.touch(k + 1);
        let Some((a, a_len)) = self.digits(i) else {
            return;
        };
        let (Some((b, b_len)), Some((c, c_len))) = (self.digits(i + 2), self.digits(i + 4)) else {
            return;
        };
        if !self.num_left_clean(i) || !self.num_right_clean(i + 4) {
            return;
        }
        let date = if a_len == 4 && b_len == 2 && c_len == 2 && glued(i, '-') && glued(i + 2, '-') {
            (a, b, c)
        } else if a_len <= 2 && b_len <= 2 && c_len == 4 && glued(i, '.') && glued(i + 2, '.') {
            (c, b, a)
        } else {
            return;
        };
        let (Ok(year), Ok(month), Ok(day)) = (
            i32::try_from(date.0),
            u8::try_from(date.1),
            u8::try_from(date.2),
        ) else {
            return;
        };
        if !(1000..=2099).contains(&year) {
            return;
        }
        if (1..=12).contains(&month) {
            self.push_one(out, i, i + 4, full_date(year, month, day), false);
        }
    }

    /// The last token of a quantity at `i` (`a`, `a few`, `a couple of`,
    /// `several`, `10`).
    fn quantity(&self, i: usize) -> Option<usize> {
        if let Some((_, len)) = self.digits(i) {
            return (len <= 3 && self.num_left_clean(i) && self.num_right_clean(i)).then_some(i);
        }
        if self.word_in(i, &["a", "an"]) && self.near(i) {
            if self.word_in(i + 1, &["few"]) {
                return Some(i + 1);
            }
            if self.word_in(i + 1, &["couple"]) && self.near(i + 1) && self.word_in(i + 2, &["of"])
            {
                return Some(i + 2);
            }
        }
        self.word_in(i, QUANTITY_WORDS).then_some(i)
    }

    /// Relative expressions, all with value `None`.
    fn relative(&self, i: usize, out: &mut Vec<Candidate>) {
        // `a few weeks later`, `10 days ago`.
        if let Some(q) = self.quantity(i) {
            if self.near(q)
                && self.word_in(q + 1, RELATIVE_UNITS)
                && self.near(q + 1)
                && self.word_in(q + 2, &["later", "earlier", "ago", "afterwards"])
            {
                self.push_one(out, i, q + 2, None, false);
            }
        }
        let Some(w) = self.word(i) else {
            return;
        };
        let is = |x: &str| w.eq_ignore_ascii_case(x);
        // `the end of the month`.
        if ["end", "beginning", "start", "middle", "turn"]
            .iter()
            .any(|x| is(x))
            && self.near(i)
            && self.word_in(i + 1, &["of"])
            && self.near(i + 1)
            && self.word_in(i + 2, &["the"])
            && self.near(i + 2)
            && self.word_in(i + 3, PERIODS)
        {
            let start = self
                .prev(i)
                .filter(|&p| self.word_in(p, &["the"]))
                .unwrap_or(i);
            self.push_one(out, start, i + 3, None, false);
        }
        // `the very next day`.
        if is("the") {
            let mut k = i;
            if self.near(k) && self.word_in(k + 1, &["very"]) {
                k += 1;
            }
            if self.near(k)
                && self.word_in(k + 1, &["next", "following", "previous", "preceding"])
                && self.near(k + 1)
                && self.word_in(k + 2, PERIODS)
            {
                self.push_one(out, i, k + 2, None, false);
            }
        }
        // `last September`, `this week`.
        if ["last", "next", "this"].iter().any(|x| is(x))
            && !self.prev(i).is_some_and(|p| self.word_in(p, &["the"]))
            && self.near(i)
        {
            let month = self.month_at(i + 1).is_some_and(|(_, _, abbr)| !abbr);
            if month || self.word_in(i + 1, &["week", "month", "year"]) {
                self.push_one(out, i, i + 1, None, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mentions as (span text, value, year inferred).
    fn spans(text: &str, year: Option<i32>) -> Vec<(&str, Option<Value>, bool)> {
        find(text, year)
            .into_iter()
            .map(|m| (&text[m.start..m.end], m.value, m.year_inferred))
            .collect()
    }

    fn day(y: i32, m: u8, d: u8) -> Option<Value> {
        Some(PartialDate {
            year: y,
            month: Some(m),
            day: Some(d),
        })
    }

    fn month(y: i32, m: u8) -> Option<Value> {
        Some(PartialDate::month(y, m))
    }

    fn year(y: i32) -> Option<Value> {
        Some(PartialDate::year(y))
    }

    #[test]
    fn month_day_year_has_day_precision() {
        let text = "On August 25, 1942, the delegation came. Letter of July 6, 1953 I inform. \
                    MAY 18, 1953 and Sept. 2, 2014 and June 22nd 1943.";
        assert_eq!(
            spans(text, None),
            vec![
                ("August 25, 1942", day(1942, 8, 25), false),
                ("July 6, 1953", day(1953, 7, 6), false),
                ("MAY 18, 1953", day(1953, 5, 18), false),
                ("Sept. 2, 2014", day(2014, 9, 2), false),
                ("June 22nd 1943", day(1943, 6, 22), false),
            ]
        );
    }

    #[test]
    fn day_month_year_has_day_precision() {
        let text = "on 19 January 1953. Note of 10 February 1953, reply of 8 December 1951 \
                    to a note dated 21 November 1951; partition on 29 November 1947; \
                    the 15th of July, 1953.";
        assert_eq!(
            spans(text, Some(1900)),
            vec![
                ("19 January 1953", day(1953, 1, 19), false),
                ("10 February 1953", day(1953, 2, 10), false),
                ("8 December 1951", day(1951, 12, 8), false),
                ("21 November 1951", day(1951, 11, 21), false),
                ("29 November 1947", day(1947, 11, 29), false),
                ("15th of July, 1953", day(1953, 7, 15), false),
            ]
        );
    }

    #[test]
    fn a_heading_date_may_break_across_a_line_but_not_a_blank_line() {
        let text = "STALIN'S DEATH-5 MARCH\n1953**\n\nMarch\n\n1953";
        assert_eq!(
            spans(text, None),
            vec![("5 MARCH\n1953", day(1953, 3, 5), false)]
        );
    }

    #[test]
    fn the_time_after_a_date_is_left_out() {
        let text = "Dr Paul\n\nSeptember 2, 2014 at 12:09 pm\n";
        assert_eq!(
            spans(text, None),
            vec![("September 2, 2014", day(2014, 9, 2), false)]
        );
    }

    #[test]
    fn a_year_not_written_is_the_one_nearest_the_document_date() {
        let value = |text: &str, anchor: Anchor| {
            let found = find_near(text, Some(anchor));
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert!(found[0].year_inferred);
            found[0].value
        };
        let letter = Anchor {
            year: 1941,
            month: Some(1),
            day: Some(14),
            reports_past: true,
        };
        // A letter of 14 January 1941 tells of December 22: the one before it.
        assert_eq!(
            value("I received your letter of December 22 yesterday.", letter),
            PartialDate::day(1940, 12, 22)
        );
        // Nearest, whatever the kind of document.
        let report = Anchor {
            reports_past: false,
            ..letter
        };
        assert_eq!(
            value("The meeting of December 22 decided it.", report),
            PartialDate::day(1940, 12, 22)
        );
        // A letter's past: August 5 in June is last August, not next.
        let june = Anchor {
            year: 1941,
            month: Some(6),
            day: Some(1),
            reports_past: true,
        };
        assert_eq!(
            value("Your telegram of August 5 came.", june),
            PartialDate::day(1940, 8, 5)
        );
        // Unless the text says it lies ahead.
        assert_eq!(
            value("We will meet on August 5 in Moscow.", june),
            PartialDate::day(1941, 8, 5)
        );
        // In other documents the nearest: August 5 after 1 June 1941.
        let article = Anchor {
            reports_past: false,
            ..june
        };
        assert_eq!(
            value("The congress opens on August 5.", article),
            PartialDate::day(1941, 8, 5)
        );
        assert_eq!(
            value("Nothing changed since August 5.", article),
            PartialDate::day(1940, 8, 5)
        );
        // A month alone, and the same month as the document.
        assert_eq!(
            value("They left in December, and", letter),
            Some(PartialDate::month(1940, 12))
        );
        assert_eq!(
            value("on January 14 I write", letter),
            PartialDate::day(1941, 1, 14)
        );
        // Only a year known: that year.
        assert_eq!(
            value("on December 22 we", Anchor::year(1941)),
            PartialDate::day(1941, 12, 22)
        );
    }

    #[test]
    fn month_and_day_take_the_document_year() {
        let text = "As you know, on February 9, the attackers struck. On 28 May, the Government \
                    asked. On April 13, Vyshinsky said. And on May 2, a military parade. \
                    Stalin dies on March 9, returns on March 15 and on April 4 speaks.";
        let expected = |y: Option<i32>| {
            let v = |m, d| y.and_then(|y| PartialDate::day(y, m, d));
            let inferred = y.is_some();
            vec![
                ("February 9", v(2, 9), inferred),
                ("28 May", v(5, 28), inferred),
                ("April 13", v(4, 13), inferred),
                ("May 2", v(5, 2), inferred),
                ("March 9", v(3, 9), inferred),
                ("March 15", v(3, 15), inferred),
                ("April 4", v(4, 4), inferred),
            ]
        };
        assert_eq!(spans(text, Some(1953)), expected(Some(1953)));
        assert_eq!(spans(text, None), expected(None));
    }

    #[test]
    fn month_and_year_have_month_precision() {
        let text = "The turning point was in May 1947 when Britain acted. Relations were severed \
                    in February 1953. The trial in November 1952: a purge. In July 1942, \
                    in April 1943 – E-Book: May 2021";
        assert_eq!(
            spans(text, Some(2014)),
            vec![
                ("May 1947", month(1947, 5), false),
                ("February 1953", month(1953, 2), false),
                ("November 1952", month(1952, 11), false),
                ("July 1942", month(1942, 7), false),
                ("April 1943", month(1943, 4), false),
                ("May 2021", month(2021, 5), false),
            ]
        );
    }

    #[test]
    fn years_need_a_date_context() {
        let text = "Moscow withheld its support until 1946. In 1941 it began; the plot of 1953… \
                    during the 1967 War, around 1900, circa 1950, (1953), Spring 2003, \
                    summer of 1947, early 1953 and mid-1953.";
        assert_eq!(
            spans(text, None),
            vec![
                ("1946", year(1946), false),
                ("1941", year(1941), false),
                ("1953", year(1953), false),
                ("1967", year(1967), false),
                ("1900", year(1900), false),
                ("1950", year(1950), false),
                ("1953", year(1953), false),
                ("Spring 2003", year(2003), false),
                ("summer of 1947", year(1947), false),
                ("early 1953", year(1953), false),
                ("mid-1953", year(1953), false),
            ]
        );
    }

    #[test]
    fn a_weak_context_needs_a_known_word_after_the_year() {
        let text = "the war of 1948 was won; a list of 1200 names; by 1949 Israel had it; \
                    Conferences at Malta and Yalta, 1945, issued; In Haifa, 1500 marched.";
        assert_eq!(
            spans(text, None),
            vec![
                ("1948", year(1948), false),
                ("1949", year(1949), false),
                ("1945", year(1945), false),
            ]
        );
    }

    #[test]
    fn ranges_give_one_mention_per_year() {
        let text = "In this first phase, from 1941 to 1951, Israel got support. During 1946 and \
                    1947 the terror grew. The golden age of 1947-49 and 1947–49 ended. \
                    Volume 2: 1949-1953; the years 1890 through to 1952.";
        assert_eq!(
            spans(text, None),
            vec![
                ("1941", year(1941), false),
                ("1951", year(1951), false),
                ("1946", year(1946), false),
                ("1947", year(1947), false),
                ("1947", year(1947), false),
                ("49", year(1949), false),
                ("1947", year(1947), false),
                ("49", year(1949), false),
                ("1949", year(1949), false),
                ("1953", year(1953), false),
                ("1890", year(1890), false),
                ("1952", year(1952), false),
            ]
        );
    }

    #[test]
    fn decades_keep_their_span_without_a_value() {
        let text = "they moved to Israel in the 1950s; from the mid-1930s; the 1950’s; \
                    the early 1950s; a man in his 80s.";
        assert_eq!(
            spans(text, Some(2014)),
            vec![
                ("1950s", None, false),
                ("mid-1930s", None, false),
                ("1950’s", None, false),
                ("early 1950s", None, false),
            ]
        );
    }

    #[test]
    fn qualified_and_bare_months_take_the_document_year() {
        let text = "He returned only in early March. Returning in mid-March, he ordered it. \
                    It was made in March or mid-April, at a reception in early May, \
                    late May 1953, and restored in July.";
        assert_eq!(
            spans(text, Some(1953)),
            vec![
                ("early March", month(1953, 3), true),
                ("mid-March", month(1953, 3), true),
                ("March", month(1953, 3), true),
                ("mid-April", month(1953, 4), true),
                ("early May", month(1953, 5), true),
                ("late May 1953", month(1953, 5), false),
                ("July", month(1953, 7), true),
            ]
        );
        assert_eq!(
            spans("in early March", None),
            vec![("early March", None, false)]
        );
    }

    #[test]
    fn relative_expressions_have_no_value() {
        let text = "at the Soviet Embassy last September, and the very next day he left. \
                    At the end of the month in Jerusalem. And a few weeks later, £10,000 \
                    was sent. This week he read it; in parliament 10 days ago; Some decades ago.";
        assert_eq!(
            spans(text, Some(1953)),
            vec![
                ("last September", None, false),
                ("the very next day", None, false),
                ("the end of the month", None, false),
                ("a few weeks later", None, false),
                ("This week", None, false),
                ("10 days ago", None, false),
                ("Some decades ago", None, false),
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_years_are_left_alone() {
        let text = "A check for £10,000 was sent; about 500,000 of the poorest, about 2,000 \
                    people. They covered a distance of 2000 km. The first 1050 pounds \
                    sterling; Telegram in the 9387 of Vyshinsky; p. 924; P206; 11 of the 14 \
                    accused; No. 128-129; pp. 1047-49; 7-8 minutes; of 1500 delegates; \
                    between 1000 and 2000 people; in 1953% of cases; $1953; 1.1953; 1953,000; after 1500 miles; \
                    from 2000 km away";
        assert_eq!(spans(text, Some(1953)), vec![]);
    }

    #[test]
    fn may_and_march_as_words_are_not_dates() {
        let text = "There they may be willing. May I ask? March on! We march in May. \
                    Those here may have noticed. MAY BE. The Long March was hard. \
                    In May 10,000 people came.";
        assert_eq!(
            spans(text, Some(1953)),
            vec![("May", month(1953, 5), true), ("May", month(1953, 5), true)]
        );
    }

    #[test]
    fn the_calendar_is_checked() {
        let text = "on February 30, 1953; on 31 April 1953; on 29 February 1953; \
                    on 29 February 1952; on February 29; on April 31";
        assert_eq!(
            spans(text, Some(1953)),
            vec![
                ("February 30, 1953", None, false),
                ("31 April 1953", None, false),
                ("29 February 1953", None, false),
                ("29 February 1952", day(1952, 2, 29), false),
                ("February 29", None, false),
                ("April 31", None, false),
            ]
        );
        assert_eq!(
            spans("on February 29", Some(1952)),
            vec![("February 29", day(1952, 2, 29), true)]
        );
    }

    #[test]
    fn numeric_dates_are_iso_or_day_first() {
        let text = "signed 1953-07-15 and 15.07.1953; not 1953-02-30, 1953-13-01, 4.1. or \
                    12/03/1953";
        assert_eq!(
            spans(text, None),
            vec![
                ("1953-07-15", day(1953, 7, 15), false),
                ("15.07.1953", day(1953, 7, 15), false),
                ("1953-02-30", None, false),
            ]
        );
    }

    #[test]
    fn the_longest_expression_wins() {
        // `March 1953`, `1953` (after `in`), `5 March` and `March` are all
        // inside `5 March 1953`; the ranges and dates do not overlap.
        let text = "death on 5 March 1953 ended it; in 1953 on 5 March; from 1941 to 1951; \
                    April 4 – July 15, 1953";
        assert_eq!(
            spans(text, Some(1953)),
            vec![
                ("5 March 1953", day(1953, 3, 5), false),
                ("1953", year(1953), false),
                ("5 March", day(1953, 3, 5), true),
                ("1941", year(1941), false),
                ("1951", year(1951), false),
                ("April 4", day(1953, 4, 4), true),
                ("July 15, 1953", day(1953, 7, 15), false),
            ]
        );
        let found = find(text, Some(1953));
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn whole_words_only() {
        let text = "x1953 in 1953x; inMay 1953; 15July 1953; May 2nd; in Mayday";
        assert_eq!(
            spans(text, Some(1953)),
            vec![("May 2nd", day(1953, 5, 2), true)]
        );
    }

    #[test]
    fn offsets_are_bytes_after_multibyte_text() {
        let text = "[СОВЕТСКО-ИЗРАИЛЬСКИЕ ОТНОШЕНИЯ. Документы. 1941-1953 — Michel Réal: \
                    “in May 1947”";
        let found = find(text, None);
        let first = "[СОВЕТСКО-ИЗРАИЛЬСКИЕ ОТНОШЕНИЯ. Документы. ".len();
        assert_eq!(
            found,
            vec![
                DateMention {
                    start: first,
                    end: first + 4,
                    value: year(1941),
                    year_inferred: false,
                },
                DateMention {
                    start: first + 5,
                    end: first + 9,
                    value: year(1953),
                    year_inferred: false,
                },
                DateMention {
                    start: text.len() - "May 1947”".len(),
                    end: text.len() - "”".len(),
                    value: month(1947, 5),
                    year_inferred: false,
                },
            ]
        );
        for m in &found {
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
    }

    #[test]
    fn a_corpus_paragraph() {
        // From the blog post (corpus file 001), as written.
        let text = "Then there was the “doctors’ plot” of 1953…..\n\n\nStalin’s death on 5 March \
                    1953 ended the tensions between the countries and halted the campaign \
                    against Soviet Jews. Diplomatic relations were restored in July, but there \
                    was no return to the golden age of 1947-49, and the war of June 1967, in \
                    which Russia supported Egypt and its Arab allies, led to a second break in \
                    diplomatic relations. They were only restored in 1991, just a few months \
                    before the demise of the USSR.";
        assert_eq!(
            spans(text, Some(2014)),
            vec![
                ("1953", year(1953), false),
                ("5 March 1953", day(1953, 3, 5), false),
                ("July", month(2014, 7), true),
                ("1947", year(1947), false),
                ("49", year(1949), false),
                ("June 1967", month(1967, 6), false),
                ("1991", year(1991), false),
            ]
        );
    }

    #[test]
    fn a_corpus_letter() {
        // From the letter of G. Avner (corpus file 002), as written.
        let text = "Stalin dies on March 9, the Russian ambassador returns to Sofia after a long \
                    vacation on March 15 and on April 4 speaks with Razin in the presence of \
                    other diplomats at a reception with Hungarians.\n\nA Czech colleague told \
                    Razin in mid-April that the Russians had sent instructions.\n\nThis means \
                    that a principled decision against us was made in March or mid-April.\n\n\
                    At a reception with the Czechs in early May, a TASS correspondent told \
                    Razin that he “thinks” that there will soon be changes.\n\nOn May 15, at \
                    our reception, all Bulgarians said with one voice that we should send such \
                    a letter.";
        assert_eq!(
            spans(text, Some(1953)),
            vec![
                ("March 9", day(1953, 3, 9), true),
                ("March 15", day(1953, 3, 15), true),
                ("April 4", day(1953, 4, 4), true),
                ("mid-April", month(1953, 4), true),
                ("March", month(1953, 3), true),
                ("mid-April", month(1953, 4), true),
                ("early May", month(1953, 5), true),
                ("May 15", day(1953, 5, 15), true),
            ]
        );
    }

    #[test]
    fn empty_and_odd_input_gives_nothing() {
        assert_eq!(find("", Some(1953)), vec![]);
        assert_eq!(find("May", Some(1953)), vec![]);
        assert_eq!(find("on May", Some(1953)), vec![]);
        assert_eq!(find("1953-", None), vec![]);
        assert_eq!(find("99999999999999999999 in 1953", None).len(), 1);
    }
}
