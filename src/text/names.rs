//! Names as strings: the words that name nothing on their own (common
//! words, nationalities, titles), folded name keys, the
//! transliteration-neutral form of a name and the likeness of two
//! spellings, and the slug of a name for an id.
//!
//! Used wherever two spellings must be told one name or two: the tagger's
//! derived variants, `discover`, the benchmark import, Wikidata linking and
//! the reconciliation service, so that they all agree.
//!
//! Invariant: every function here depends only on its arguments and the
//! built-in word lists; letters are folded by [`crate::text::fold`], the one
//! folding annalist has.

use crate::text::fold::fold_char;
use std::collections::{HashMap, HashSet};

/// The lowest [`similarity`] at which a candidate counts as a variant.
pub const VARIANT_THRESHOLD: f64 = 0.8;

/// Transliteration-aware similarity of two names in 0..=1 (1 = same after
/// folding).
///
/// Folding lowercases, strips diacritics (`Slánský` = `Slansky`),
/// transliterates Cyrillic, and brings the usual transliteration
/// alternatives to one form, word by word: `shch`, `sch`, `tch`, `ch`, `cz`,
/// `sz`, `š` and `č` become `sh` (so `Charette` = `Sharett`); `zh` and `ž`
/// become `z`; `kh` becomes `h` (`Khoroshev` = `Horoshev`); `ph` becomes
/// `f`, `th` `t`, `ck` `k`, `ts` and `tz` `c`, `ou` `u`, `x` `ks`, `w` `v`,
/// `q` `k` and `y` `i` (`Maysky` = `Maisky`); `j` before a vowel becomes
/// `i` (`Jakov` = `Yakov`); any other `c` becomes `s` before `e`, `i`, `y`
/// and `k` elsewhere. Doubled letters are written once, and a final `a`,
/// `e` or `i` of a word longer than three letters is dropped (`Charetta` =
/// `Charette` = `Sharett`). `zh` goes to `z` rather than `j` because `ž`
/// loses its háček in plain folding, so `Zhukov`, `Žukov` and `Zukov` stay
/// together.
///
/// The score is 1 minus the weighted optimal-string-alignment
/// (Damerau–Levenshtein) distance of the folded names divided by the longer
/// folded length. Insertions, deletions, transpositions and most
/// substitutions cost 1; substituting letters that transliterations confuse
/// costs 0.5: `g`/`h` (Russian renders Hebrew and English *h* as *g*:
/// `Gistradrut` ~ `Histadrut` scores 0.85), `g`/`k`, `v`/`f`, `b`/`p`,
/// `d`/`t`, `s`/`z`, `c`/`s`, `c`/`z`, `e`/`i` and `o`/`u`. Names of two or
/// more words are also compared with their words sorted, and the better
/// score wins (`Razin Ben-Tsion` = `Ben-Tsion Razin`). Unrelated names
/// stay low: `Molotov` ~ `Mikhailov` 0.38, `Israel` ~ `Isaac` 0.5,
/// `Moscow` ~ `Mexico` 0.43, `Sofia` ~ `Syria` 0.5, `Austria` ~ `Australia`
/// 0.75.
pub fn similarity(a: &str, b: &str) -> f64 {
    Rows::default().similarity(&Folded::new(a), &Folded::new(b), 0.0)
}

/// The transliteration-neutral key of a name: its words in the form
/// [`similarity`] compares them, joined by single spaces, so that
/// `Charetta` and `Sharett` both give `sharet`, and `Slansky` and
/// `Slanski` one key.
pub fn phonetic_key(name: &str) -> String {
    fold_words(name, true)
        .iter()
        .map(|w| phonetic_word(w).into_iter().collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `a` and `b` differ by at most one letter (an OCR slip).
pub fn near(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() == b.len() {
        return a.iter().zip(&b).filter(|(x, y)| x != y).count() <= 1;
    }
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let k = short.iter().zip(&long).take_while(|(x, y)| x == y).count();
    short[k..] == long[k + 1..]
}

/// Whether `read`, a word as OCR read it from old print, is `word` with at
/// most one letter wrong, also once each `f` is read back as the long s it
/// often was (`ftrcet` for `street`, `Wood-ftreet`).
pub fn near_in_print(word: &str, read: &str) -> bool {
    near(word, read) || read.contains('f') && near(word, &read.replace('f', "s"))
}

/// Whether a word, in any case, names nothing on its own: a common English
/// word, a month or weekday, a nationality, or a personal title.
pub fn is_common_word(word: &str) -> bool {
    let key = fold_key(word);
    let lex = lexicon();
    key.is_empty()
        || key
            .split(' ')
            .all(|w| lex.stop.contains(w) || lex.demonyms.contains(w) || lex.titles.contains(w))
}

/// Whether a word (any case, with or without its period) is a personal
/// title (`Mrs.`, `Comrade`, `Professor`).
pub fn is_title(word: &str) -> bool {
    lexicon()
        .titles
        .contains(fold_key(word.trim_end_matches('.')).as_str())
}

pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEXICON.get_or_init(Lexicon::new)
}

// ---------------------------------------------------------------------------
// Word lists.

/// Common English words (and months and weekdays) that start sentences
/// but name nothing.
pub(crate) const STOPWORDS: &str = "\
    a about above according account acting affairs after again against all almost already \
    also although always among an and another any anyone anything are around as assistant at \
    back be because been before being below besides between both but by can change chapter \
    chief comment comments connecting content contents could dear deputy did director do \
    does done down during each eight either else even ever every everyone everything except \
    few fill first five for foreign former four from further had has have having he head her \
    here hers him his how however i if in indeed instead into is it its just language last \
    later leave less letter like log many may maybe me meanwhile might more moreover most \
    much must my neither never nevertheless new next nine no none nor not note nothing now \
    of off often on once one only or other others otherwise our out over own page part \
    people perhaps permanent please posted prime rather reference regards reply respect \
    responses same second secret section see seven several shall she should since sincerely \
    six so some something sometimes soon source statement still subscribe such telegram ten \
    than thank thanks that the their them then there therefore these they third this those \
    though three through thus to today together too translated two under unless until up \
    upon us very vice vol volume was we well were what whatever when where whereas whether \
    which while who whom whose why will with within without would written yes yet you your \
    yours january february march april june july august september october november december \
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday \
    friday saturday sunday spring summer autumn winter mon tue tues wed thu thur thurs fri \
    sat sun";

/// Nationality, creed and movement words: alone they name no entity.
pub(crate) const DEMONYMS: &str = "\
    african american americans anti arab arabic arabs asian australian austrian austrians \
    bolshevik bolsheviks british bulgarian bulgarians canadian catholic christian christians \
    communist communists czech czechs eastern egyptian english european europeans fascist \
    fascists french german germans greek greeks hebrew hungarian hungarians indian iranian \
    iraqi irish islamic israeli israelis italian italians jew jewish jews jordanian latin \
    lebanese leninist leninists marxist marxists muslim muslims nazi nazis northern ottoman \
    palestinian palestinians persian pole poles polish romanian romanians russian russians \
    russo scottish semitic semitism slavic socialist socialists southern soviet soviets \
    swiss stalinist stalinists syrian trotskyist trotskyists turk turkish turks ukrainian \
    ukrainians welsh western westerners yiddish yugoslav zionist zionists";

/// Personal titles: the capitalised name after one is a person.
pub(crate) const TITLES: &str = "\
    admiral ambassador archbishop baron bishop brigadier capt captain cardinal chairman \
    chancellor col colonel commander commissar commodore comrade consul czar doctor dr duke \
    earl emperor excellency gen general governor herr king lady lieutenant lord lt madame \
    major marshal mayor minister miss mme monsieur mr mrs ms premier president prince \
    princess prof professor queen rabbi representative rev reverend secretary senator \
    sergeant sgt sir sultan tsar viscount";

/// Words that, with titles and nationalities, make up the name of an
/// office rather than of an entity (`German Under-Secretary of State`).
pub(crate) const OFFICE_WORDS: &str = "\
    under vice deputy assistant acting chief first state foreign affairs home interior \
    war defence defense justice finance high commissioner undersecretary permanent";

/// Lower-case words that make the capitalised name after them a person.
pub(crate) const ROLES: &str = "\
    actor actress ambassador artist author captain chairman colonel commander composer \
    comrade correspondent diplomat doctor economist editor general historian journalist \
    lawyer lieutenant major marshal minister novelist officer painter philosopher pianist \
    playwright poet president professor rabbi scholar scientist secretary singer sultan \
    violinist writer";

/// Head words of organisation names.
pub(crate) const ORG_WORDS: &str = "\
    academy agency archive archives army assembly association bank board brigade bureau \
    cabinet circle club college command commission committee company consulate corporation \
    corps council court department division embassy federation front fund government group \
    institute league legation ministry mission movement navy office organisation \
    organization parliament party police press radio regiment school secretariat senate \
    service society staff times tribunal union university";

/// Head words of event names.
pub(crate) const EVENT_WORDS: &str = "\
    battle campaign conference congress crisis election elections holocaust massacre \
    offensive operation pact parade plot pogrom purge purges revolt revolution siege strike \
    summit treaty trial uprising vote war";

/// Head words of place names.
pub(crate) const PLACE_WORDS: &str = "\
    avenue bay bridge city coast desert district empire gate gulf hill hills hotel island \
    islands kibbutz kingdom lake mount mountain mountains oblast peninsula port province \
    quarter region republic river road sea square station street theater theatre town valley \
    village zone";

/// Common words that begin place names and stay before a name word.
pub(crate) const NAME_STARTS: &str = "new";

/// Lower-case particles that may join the words of a name.
pub(crate) const PARTICLES: &str = "\
    al bar ben bin da de del der di du el ha ibn la le van von";

/// Abbreviations whose period belongs to the word.
pub(crate) const ABBREVIATIONS: &str = "\
    capt col dr gen jr lt messrs mme mr mrs ms prof sgt sr st";

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Org,
    Event,
    Place,
}

/// The word lists as sets.
pub(crate) struct Lexicon {
    pub(crate) stop: HashSet<&'static str>,
    pub(crate) demonyms: HashSet<&'static str>,
    pub(crate) titles: HashSet<&'static str>,
    pub(crate) roles: HashSet<&'static str>,
    pub(crate) cues: HashMap<&'static str, Cue>,
    pub(crate) particles: HashSet<&'static str>,
    pub(crate) offices: HashSet<&'static str>,
}

impl Lexicon {
    pub(crate) fn new() -> Lexicon {
        let set = |list: &'static str| list.split_whitespace().collect::<HashSet<_>>();
        let mut cues = HashMap::new();
        for (list, cue) in [
            (ORG_WORDS, Cue::Org),
            (EVENT_WORDS, Cue::Event),
            (PLACE_WORDS, Cue::Place),
        ] {
            for w in list.split_whitespace() {
                cues.insert(w, cue);
            }
        }
        Lexicon {
            stop: set(STOPWORDS),
            demonyms: set(DEMONYMS),
            titles: set(TITLES),
            roles: set(ROLES),
            cues,
            particles: set(PARTICLES),
            offices: set(OFFICE_WORDS),
        }
    }

    /// Whether a folded key (one or more words) is made of words that name
    /// nothing on their own: common words, nationalities, titles and bare
    /// organisation, event or place words.
    pub(crate) fn generic(&self, key: &str) -> bool {
        key.split(' ').all(|w| {
            self.stop.contains(w)
                || self.demonyms.contains(w)
                || self.titles.contains(w)
                || self.cue(w).is_some()
        })
    }

    /// The cue of an organisation, event or place word, also in the plural.
    pub(crate) fn cue(&self, word: &str) -> Option<Cue> {
        self.cues
            .get(word)
            .or_else(|| word.strip_suffix('s').and_then(|w| self.cues.get(w)))
            .copied()
    }

    /// Whether a name is an office, not an entity: every word (and every
    /// part of a hyphenated word) a title, a nationality, an office word
    /// or a connector, and one a title (`German Under-Secretary of State`,
    /// `Soviet Ambassador`).
    pub(crate) fn office(&self, name: &str) -> bool {
        let words: Vec<String> = name
            .split(|c: char| c.is_whitespace() || is_hyphen(c))
            .map(|w| fold_key(w.trim_matches(|c: char| !c.is_alphanumeric())))
            .filter(|w| !w.is_empty())
            .collect();
        words.iter().any(|w| self.titles.contains(w.as_str()))
            && words.iter().all(|w| {
                let w = w.as_str();
                self.titles.contains(w)
                    || self.demonyms.contains(w)
                    || self.offices.contains(w)
                    || matches!(w, "of" | "the" | "for" | "and")
            })
    }

    /// Whether every word of a folded key is common or a nationality.
    pub(crate) fn common(&self, key: &str) -> bool {
        key.split(' ')
            .all(|w| self.stop.contains(w) || self.demonyms.contains(w))
    }
}

// ---------------------------------------------------------------------------
// Folding.

/// Whether `c` is a combining diacritical mark (decomposed text).
pub(crate) fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether `c` belongs to a word.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c)
}

/// Splits `s` into folded words: lowercase, Latin diacritics stripped,
/// Cyrillic transliterated, letters of other scripts kept; anything that is
/// not a letter or digit separates words. With `phonetic`, `š`, `č` and `ž`
/// become `sh`, `ch` and `zh` rather than `s`, `c` and `z`.
pub(crate) fn fold_words(s: &str, phonetic: bool) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in s.chars() {
        for l in c.to_lowercase() {
            let sounds = match l {
                'š' => "sh",
                'č' => "ch",
                'ž' => "zh",
                _ => "",
            };
            if phonetic && !sounds.is_empty() {
                word.push_str(sounds);
                continue;
            }
            fold_char(l, |d| {
                for d in d.to_lowercase() {
                    if d.is_alphanumeric() {
                        word.push(d);
                    } else if !word.is_empty() {
                        words.push(std::mem::take(&mut word));
                    }
                }
            });
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The folded key of a name, as discover compares names: lowercase, Latin
/// diacritics stripped, Cyrillic transliterated, words joined by single
/// spaces (`Molotov` = `Молотов` = `molotov`).
pub fn name_key(s: &str) -> String {
    fold_key(s)
}

/// The folded key of a name: its folded words joined by single spaces.
pub(crate) fn fold_key(s: &str) -> String {
    fold_words(s, false).join(" ")
}

/// `s` with every run of white space replaced by one space.
pub(crate) fn fold_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            space = false;
            out.push(c);
        }
    }
    out
}

pub(crate) fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Brings one folded word to its transliteration-neutral form (see
/// [`similarity`]).
pub(crate) fn phonetic_word(word: &str) -> Vec<char> {
    let c: Vec<char> = word.chars().collect();
    let at = |i: usize| c.get(i).copied();
    let starts = |i: usize, pat: &str| pat.chars().enumerate().all(|(k, p)| at(i + k) == Some(p));
    let mut out: Vec<char> = Vec::with_capacity(c.len() + 2);
    let mut i = 0;
    while i < c.len() {
        let (emit, step): (&str, usize) = if starts(i, "shch") {
            ("sh", 4)
        } else if starts(i, "sch") || starts(i, "tch") {
            ("sh", 3)
        } else if starts(i, "ch") || starts(i, "cz") || starts(i, "sz") || starts(i, "sh") {
            ("sh", 2)
        } else if starts(i, "zh") {
            ("z", 2)
        } else if starts(i, "kh") {
            ("h", 2)
        } else if starts(i, "ph") {
            ("f", 2)
        } else if starts(i, "th") {
            ("t", 2)
        } else if starts(i, "ck") {
            ("k", 2)
        } else if starts(i, "ts") || starts(i, "tz") {
            ("c", 2)
        } else if starts(i, "ou") {
            ("u", 2)
        } else {
            match c[i] {
                'x' => ("ks", 1),
                'w' => ("v", 1),
                'q' => ("k", 1),
                'y' => ("i", 1),
                'j' if at(i + 1).is_some_and(is_vowel) => ("i", 1),
                'c' if at(i + 1).is_some_and(|n| matches!(n, 'e' | 'i' | 'y')) => ("s", 1),
                'c' => ("k", 1),
                other => {
                    out.push(other);
                    i += 1;
                    continue;
                }
            }
        };
        out.extend(emit.chars());
        i += step;
    }
    out.dedup();
    if out.len() > 3 && matches!(out.last(), Some('a' | 'e' | 'i')) {
        out.pop();
    }
    out
}

/// The cost of substituting `a` by `b` (different letters).
pub(crate) fn substitution_cost(a: char, b: char) -> f64 {
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    match (x, y) {
        ('g', 'h')
        | ('g', 'k')
        | ('f', 'v')
        | ('b', 'p')
        | ('d', 't')
        | ('s', 'z')
        | ('c', 's')
        | ('c', 'z')
        | ('e', 'i')
        | ('o', 'u') => 0.5,
        _ => 1.0,
    }
}

/// Rows for the distance computation, kept between calls so that comparing
/// many names allocates nothing.
#[derive(Default)]
pub(crate) struct Rows {
    pub(crate) before: Vec<f64>,
    pub(crate) prev: Vec<f64>,
    pub(crate) cur: Vec<f64>,
}

impl Rows {
    /// The weighted optimal-string-alignment distance of `a` and `b`, or
    /// None as soon as it must exceed `max`.
    pub(crate) fn distance(&mut self, a: &[char], b: &[char], max: f64) -> Option<f64> {
        let m = b.len();
        for row in [&mut self.before, &mut self.prev, &mut self.cur] {
            row.clear();
            row.resize(m + 1, 0.0);
        }
        for (j, v) in self.prev.iter_mut().enumerate() {
            *v = j as f64;
        }
        for i in 1..=a.len() {
            self.cur[0] = i as f64;
            let mut row_min = self.cur[0];
            for j in 1..=m {
                let sub = if a[i - 1] == b[j - 1] {
                    0.0
                } else {
                    substitution_cost(a[i - 1], b[j - 1])
                };
                let mut v = (self.prev[j] + 1.0)
                    .min(self.cur[j - 1] + 1.0)
                    .min(self.prev[j - 1] + sub);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(self.before[j - 2] + 1.0);
                }
                self.cur[j] = v;
                row_min = row_min.min(v);
            }
            // Every later cell builds on this row, and costs are never
            // negative.
            if row_min > max {
                return None;
            }
            std::mem::swap(&mut self.before, &mut self.prev);
            std::mem::swap(&mut self.prev, &mut self.cur);
        }
        Some(self.prev[m]).filter(|&d| d <= max)
    }

    /// 1 minus the normalised distance of two folded strings, or 0 when it
    /// is below `floor`.
    pub(crate) fn score(&mut self, a: &[char], b: &[char], floor: f64) -> f64 {
        let longest = a.len().max(b.len());
        if longest == 0 {
            return 1.0;
        }
        let max = (1.0 - floor) * longest as f64 + 1e-9;
        if a.len().abs_diff(b.len()) as f64 > max {
            return 0.0;
        }
        self.distance(a, b, max)
            .map_or(0.0, |d| (1.0 - d / longest as f64).max(0.0))
    }

    /// The similarity of two folded names (see [`similarity`]), or 0 when it
    /// is below `floor`.
    pub(crate) fn similarity(&mut self, a: &Folded, b: &Folded, floor: f64) -> f64 {
        if a.words.is_empty() || b.words.is_empty() {
            return if a.words.is_empty() && b.words.is_empty() {
                1.0
            } else {
                0.0
            };
        }
        // A cheap lower bound first: letters that one name has and the other
        // lacks each need an edit, at 0.5 when a substitution pairs them.
        let longest = a.joined.len().max(b.joined.len());
        let (mut excess_a, mut excess_b) = (0u32, 0u32);
        for (x, y) in a.letters.iter().zip(&b.letters) {
            excess_a += u32::from(x.saturating_sub(*y));
            excess_b += u32::from(y.saturating_sub(*x));
        }
        let bound =
            0.5 * f64::from(excess_a.min(excess_b)) + f64::from(excess_a.abs_diff(excess_b));
        if bound > (1.0 - floor) * longest as f64 + 1e-9 {
            return 0.0;
        }
        let mut best = self.score(&a.joined, &b.joined, floor);
        if a.words.len() > 1 && a.words.len() == b.words.len() && best < 1.0 {
            best = best.max(self.score(&a.sorted, &b.sorted, floor));
        }
        best
    }
}

/// A name in transliteration-neutral form: its words, the words joined by
/// spaces, the same with the words sorted, and how often each letter occurs.
pub(crate) struct Folded {
    pub(crate) words: Vec<Vec<char>>,
    pub(crate) joined: Vec<char>,
    pub(crate) sorted: Vec<char>,
    /// Counts of `a` to `z`, then of spaces, then of anything else.
    pub(crate) letters: [u8; 28],
}

impl Folded {
    pub(crate) fn new(name: &str) -> Folded {
        Folded::from_words(
            fold_words(name, true)
                .iter()
                .map(|w| phonetic_word(w))
                .filter(|w| !w.is_empty())
                .collect(),
        )
    }

    pub(crate) fn from_words(words: Vec<Vec<char>>) -> Folded {
        let join = |ws: &[&Vec<char>]| {
            let mut out = Vec::new();
            for (i, w) in ws.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.extend_from_slice(w);
            }
            out
        };
        let mut refs: Vec<&Vec<char>> = words.iter().collect();
        let joined = join(&refs);
        refs.sort();
        let sorted = join(&refs);
        let mut letters = [0u8; 28];
        for &c in &joined {
            let bucket = match c {
                'a'..='z' => c as usize - 'a' as usize,
                ' ' => 26,
                _ => 27,
            };
            letters[bucket] = letters[bucket].saturating_add(1);
        }
        Folded {
            words,
            joined,
            sorted,
            letters,
        }
    }

    /// The name made of the last `n` words.
    pub(crate) fn tail(&self, n: usize) -> Folded {
        Folded::from_words(self.words[self.words.len() - n..].to_vec())
    }
}

/// The id-safe slug of a name.
pub(crate) fn slug(name: &str) -> String {
    let words: Vec<String> = fold_words(name, false)
        .into_iter()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        // FNV-1a: stable across runs and platforms.
        let mut h: u32 = 0x811c_9dc5;
        for b in name.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        format!("candidate-{h:08x}")
    } else {
        words.join("-")
    }
}

/// The canonical spelling of a gazetteer entity type.
pub(crate) fn entity_kind(kind: &str) -> Option<&'static str> {
    match kind.trim().to_ascii_lowercase().as_str() {
        "person" => Some("Person"),
        "organisation" | "organization" => Some("Organisation"),
        "place" => Some("Place"),
        "event" => Some("Event"),
        "work" => Some("Work"),
        _ => None,
    }
}

pub(crate) fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_s_read_as_f_is_read_back() {
        assert!(near_in_print("street", "ftrcet"));
        assert!(near_in_print("street", "slreet"));
        assert!(!near("street", "ftrcet"));
        assert!(!near_in_print("street", "fheet"));
        assert!(!near_in_print("street", "sheet"));
    }
}
