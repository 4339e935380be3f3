//! Discovery: names the gazetteer lacks, and spellings of names it has.
//!
//! A curator grows the gazetteer faster from a ranked list than from the
//! documents themselves. [`candidates`] reads the texts and lists the names
//! that no gazetteer name and no tagged mention accounts for, most frequent
//! first, each with its occurrences in context. A candidate that looks like
//! another spelling of a known name (`Horoshev` for `Khoroshev`) says so,
//! using [`similarity`], which knows the usual ways a Russian or Hebrew name
//! is transliterated. [`gazetteer_row`] turns a candidate into a gazetteer
//! row ready to paste.
//!
//! Extraction is rule-based. A name is a run of capitalised words on one
//! line (or across the break of a hard-wrapped paragraph), which may hold
//! initials (`S.`, `V.M.`), hyphenated words (`Ben-Tsion`), the particles
//! `of`, `de`, `von`, `van`, `ben`, `bar`, `al` (and a few more), and, once
//! the run has an organisation or event word, also `for`, `in`, `on`, `to`,
//! `with` and `and` (`Fund for Bomb Carriers and Tanks`, `Soviet Embassy in
//! Ankara`). A name after a personal title (`Lieutenant Colonel Khoroshev`,
//! `Mr. Bodrov`) is a person, even as a single word. Known names are found
//! in the text whatever their case and accents and cut out of the runs, as
//! are leading and trailing common words (`In Czechoslovakia` gives
//! `Czechoslovakia`); an organisation word next to a known name keeps it
//! (`Tel Aviv University`). What is left is dropped when it is a common
//! word, a nationality, a bare organisation word (`League`), initials or a
//! roman numeral; when it is a single word seen only at the start of
//! sentences, with no title or preposition pointing at a name and never
//! alone on its line like a signature (`Huge crowds …`); or when it only
//! occurs in all-capitals heading lines.
//!
//! Invariant: no occurrence overlaps a covered range, no candidate folds to a
//! known name, and the result depends only on the input: hash maps serve for
//! look-ups, never for order, and candidates come sorted by count
//! (descending), then name.

use crate::text::names::*;
use std::collections::{HashMap, HashSet};

/// A document to search: its id and its text.
pub struct Text<'a> {
    pub doc: &'a str,
    pub text: &'a str,
}

/// A name the gazetteer already knows.
pub struct KnownName<'a> {
    pub name: &'a str,
    /// The gazetteer id of the entity.
    pub entity: &'a str,
    /// The entity type: Person, Organisation, Place, Event or Work.
    pub kind: &'a str,
}

/// Where a candidate occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub doc: String,
    /// Byte offsets of the name in that text, on character boundaries.
    pub start: usize,
    pub end: usize,
    /// About 40 characters either side, white space folded, the name in
    /// `[brackets]`, and `…` where the text goes on.
    pub context: String,
}

/// A name the gazetteer does not have.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The spelling seen most often outside headings.
    pub name: String,
    /// Person when seen after a personal title (Comrade, Mr., Ambassador,
    /// Professor, Lieutenant Colonel, Dr …) or a role word (`the writer`),
    /// else a guess from cues: the head word of the name (Ministry,
    /// Committee, Party, Embassy, League, Union, … give Organisation; War,
    /// Congress, Trial, … give Event; Valley, River, Street, … give Place),
    /// else Place when at least half of the occurrences follow `in`, `to`
    /// or `from` (directly or through a list: `in Jerusalem, Tel Aviv and
    /// Haifa`), else the type of the known name it is a variant of, or None.
    pub kind: Option<&'static str>,
    pub count: usize,
    /// In input order: by document, then by position.
    pub occurrences: Vec<Occurrence>,
    /// A known name this one is probably a spelling of: (known name, entity
    /// id, similarity 0..1). An acronym a text defines after a known name
    /// (`Jewish Anti-Fascist Committee (JAC)`) is its variant with 1.0.
    pub variant_of: Option<(String, String, f64)>,
    /// Other spellings grouped with this one: other candidates that are
    /// its variants (`Marseilles` with `Marseille`), a surname alone when
    /// one candidate person has it (`Truman` with `Harry S. Truman`), and
    /// acronyms the texts define for it, in order of first appearance.
    pub aliases: Vec<String>,
}

/// Characters of context on either side of an occurrence.
const CONTEXT_CHARS: usize = 40;

/// The longest known name, in words, that is looked for in the texts.
const MAX_KNOWN_WORDS: usize = 16;

/// The length from which a line counts as part of a hard-wrapped
/// paragraph rather than a heading, signature or list item.
const WRAP_MIN: usize = 50;

/// Finds candidates in `texts`. `covered` lists, per document, byte ranges
/// already tagged as mentions (text inside them is never a candidate).
/// Candidates are sorted by count (desc), then name.
///
/// A candidate needs `min_count` occurrences; one seen after a personal
/// title needs only `min(min_count, 2)`, since the title is evidence of its
/// own. Known names are cut out of runs even where `covered` does not list
/// them, so `Soviet Embassy in Ankara and VOKS` yields `VOKS` alone when
/// the embassy is known.
pub fn candidates(
    texts: &[Text<'_>],
    known: &[KnownName<'_>],
    covered: &[(&str, Vec<(usize, usize)>)],
    min_count: usize,
) -> Vec<Candidate> {
    let lex = Lexicon::new();
    let index = KnownIndex::new(known);

    // The first pass tokenises every text and learns which words occur in
    // lower case, and which capitalised words occur inside sentences: a
    // sentence-initial word seen only in lower case elsewhere is no name.
    let docs: Vec<Vec<Token>> = texts
        .iter()
        .map(|t| {
            let mut ranges: Vec<(usize, usize)> = covered
                .iter()
                .filter(|(doc, _)| *doc == t.doc)
                .flat_map(|(_, r)| r.iter().copied())
                .collect();
            let mut tokens = tokenize(t.text, &mut ranges);
            // In a heading, `OF`, `THE` and `TO` are connectors, not names.
            for t in &mut tokens {
                if t.heading
                    && t.shape == Shape::Cap
                    && !t.key.contains(' ')
                    && t.key.len() > 1
                    && lex.stop.contains(t.key.as_str())
                {
                    t.shape = Shape::Lower;
                }
            }
            index.mark(t.text, &mut tokens);
            tokens
        })
        .collect();
    let mut lower_seen = HashSet::new();
    let mut cap_inside = HashSet::new();
    for tokens in &docs {
        for t in tokens {
            match t.shape {
                Shape::Lower => {
                    lower_seen.insert(t.key.as_str());
                }
                Shape::Cap if !t.sentence_start && !t.heading => {
                    cap_inside.insert(t.key.as_str());
                }
                _ => {}
            }
        }
    }
    let common_lower: HashSet<&str> = lower_seen.difference(&cap_inside).copied().collect();

    // The second pass cuts runs into pieces and groups the pieces by their
    // folded form, in order of first appearance.
    let mut groups: Vec<Group> = Vec::new();
    let mut group_index: HashMap<String, usize> = HashMap::new();
    for (d, (text, tokens)) in texts.iter().zip(&docs).enumerate() {
        let scanner = Scanner {
            text: text.text,
            tokens,
            lex: &lex,
            known_keys: &index.keys,
            common_lower: &common_lower,
        };
        for raw in scanner.scan(d) {
            let surface = fold_ws(&text.text[raw.start..raw.end]);
            let key = fold_words(&surface, false).join(" ");
            let g = *group_index.entry(key).or_insert_with(|| {
                groups.push(Group::default());
                groups.len() - 1
            });
            let group = &mut groups[g];
            if !raw.heading {
                *group.surfaces.entry(surface).or_insert(0) += 1;
            }
            group.occs.push(raw);
        }
    }

    let known_folded: Vec<KnownFolded> = known
        .iter()
        .filter_map(|k| {
            let folded = Folded::new(k.name);
            let n = folded.words.len();
            (n > 0).then(|| KnownFolded {
                name: k.name,
                entity: k.entity,
                kind: entity_kind(k.kind),
                last: folded.tail(1),
                tails: (0..n).map(|i| folded.tail(i)).collect(),
                folded,
            })
        })
        .collect();

    let mut out = Vec::new();
    for group in groups {
        let Some(c) = build_candidate(group, texts, &lex, &known_folded, min_count) else {
            continue;
        };
        out.push(c);
    }

    // Adjectives of place names and names of offices are no entities.
    let mut words: HashSet<String> = index.keys.clone();
    for tokens in &docs {
        for t in tokens {
            if t.shape == Shape::Cap {
                words.insert(t.key.clone());
            }
        }
    }
    out.retain(|c| {
        let titled = c.kind == Some("Person") && c.variant_of.is_none();
        !lex.office(&c.name) && (titled || !adjective(&c.name, &words))
    });
    define_acronyms(texts, known, &mut out);
    group_variants(texts, &mut out);

    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// A name the build recognised that no gazetteer lists (an unlisted
/// mention): its text, by index into the texts, and byte offsets there.
pub struct Recognised {
    pub text: usize,
    pub start: usize,
    pub end: usize,
    /// Its type: Person, Organisation, Place or Work.
    pub kind: &'static str,
}

/// Adds the names the build recognised to `out`, so that every unlisted
/// mention is a candidate a curator sees, whatever its count: a candidate
/// of the same folded name (or alias) takes the build's type when it has
/// none; any other name becomes a candidate of its own, typed, with its
/// occurrences. `out` stays sorted by count (descending), then name.
pub fn add_recognised(out: &mut Vec<Candidate>, texts: &[Text<'_>], recognised: &[Recognised]) {
    // Per folded name, in order of first appearance: the key, the type,
    // each spelling with its count, and the occurrences.
    type Group = (String, &'static str, Vec<(String, usize)>, Vec<Occurrence>);
    let mut groups: Vec<Group> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for r in recognised {
        let Some(t) = texts.get(r.text) else { continue };
        let Some(surface) = t.text.get(r.start..r.end).map(fold_ws) else {
            continue;
        };
        let key = fold_key(&surface);
        let g = *at.entry(key.clone()).or_insert_with(|| {
            groups.push((key, r.kind, Vec::new(), Vec::new()));
            groups.len() - 1
        });
        let (_, _, spellings, occurrences) = &mut groups[g];
        match spellings.iter_mut().find(|(s, _)| *s == surface) {
            Some((_, n)) => *n += 1,
            None => spellings.push((surface, 1)),
        }
        occurrences.push(Occurrence {
            doc: t.doc.to_string(),
            start: r.start,
            end: r.end,
            context: context(t.text, r.start, r.end),
        });
    }
    for (key, kind, spellings, occurrences) in groups {
        let known = out
            .iter_mut()
            .find(|c| fold_key(&c.name) == key || c.aliases.iter().any(|a| fold_key(a) == key));
        if let Some(c) = known {
            c.kind = c.kind.or(Some(kind));
            continue;
        }
        let name = spellings
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(s, _)| s.clone())
            .unwrap_or_default();
        out.push(Candidate {
            name,
            kind: Some(kind),
            count: occurrences.len(),
            occurrences,
            variant_of: None,
            aliases: Vec::new(),
        });
    }
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// Whether a single word is an adjective of a place name: `-ian`, `-ean`,
/// `-an`, `-ese` or `-i` after a name seen capitalised in the texts or
/// known (`Czechoslovakian`, `Bulgarian`, `Iraqi`), or a long word in
/// `-ian` or `-ese`, which given names rarely are (`Ruritanian`).
fn adjective(name: &str, words: &HashSet<String>) -> bool {
    let key = fold_key(name);
    if key.contains(' ') || key.contains('-') {
        return false;
    }
    let n = key.chars().count();
    let stems = [
        key.strip_suffix('n'),
        key.strip_suffix("ese"),
        key.strip_suffix('i'),
        key.strip_suffix("ian"),
    ];
    let stem_known = stems
        .iter()
        .flatten()
        .any(|stem| stem.chars().count() >= 3 && words.contains(*stem));
    let ends = |suffix: &str| key.ends_with(suffix);
    stem_known || (ends("ian") && n >= 9) || (ends("ese") && n >= 8)
}

/// The acronyms the texts define after a name in parentheses
/// (`Jewish Anti-Fascist Committee (JAC)`, `Union of Soviet Socialist
/// Republics (USSR)`): the acronym's letters are the initials of the
/// capitalised words before it (a hyphenated word counting as one word or
/// as several). A candidate acronym of a known name becomes its variant; one
/// of another candidate joins that candidate as an alias.
fn define_acronyms(texts: &[Text<'_>], known: &[KnownName<'_>], out: &mut Vec<Candidate>) {
    let known_by_key: HashMap<String, &KnownName> =
        known.iter().map(|k| (fold_key(k.name), k)).collect();
    let order: HashMap<&str, usize> = texts.iter().enumerate().map(|(i, t)| (t.doc, i)).collect();
    for t in texts {
        let text = t.text;
        let mut from = 0;
        while let Some(open) = text[from..].find('(').map(|i| from + i) {
            from = open + 1;
            let Some(close) = text[from..].find(')').map(|i| from + i) else {
                break;
            };
            let acr = text[from..close].trim();
            let ok = (2..=10).contains(&acr.chars().count())
                && acr.chars().all(|c| c.is_uppercase() || c == '&')
                && acr.chars().filter(|c| c.is_uppercase()).count() >= 2;
            if !ok {
                continue;
            }
            let Some(name) = defined_name(&text[..open], acr) else {
                continue;
            };
            let acr_key = fold_key(acr);
            let Some(a) = out.iter().position(|c| fold_key(&c.name) == acr_key) else {
                continue;
            };
            let key = fold_key(&name);
            if let Some(k) = known_by_key.get(&key) {
                let c = &mut out[a];
                c.variant_of = Some((k.name.to_string(), k.entity.to_string(), 1.0));
                if let Some(kind) = entity_kind(k.kind) {
                    c.kind = Some(kind);
                }
            } else if let Some(f) = out.iter().position(|c| fold_key(&c.name) == key) {
                if f != a {
                    let absorbed = out.remove(a);
                    let f = if f > a { f - 1 } else { f };
                    absorb(&mut out[f], absorbed, &order);
                }
            }
        }
    }
}

/// The name before `(ACR)`: the shortest run of words ending right before
/// the parenthesis whose capitalised words' initials spell the acronym.
fn defined_name(before: &str, acr: &str) -> Option<String> {
    let letters: String = acr.chars().filter(|c| c.is_uppercase()).collect();
    let words: Vec<&str> = before
        .split_whitespace()
        .rev()
        .take(12)
        .take_while(|w| !w.ends_with(['.', ',', ';', ':', '!', '?', ')']))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    for k in 1..=words.len() {
        let run = &words[words.len() - k..];
        if !run[0].chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        let initials = |split: bool| -> String {
            run.iter()
                .flat_map(|w| {
                    let parts: Vec<&str> = if split {
                        w.split(is_hyphen).collect()
                    } else {
                        vec![w]
                    };
                    parts
                })
                .filter_map(|w| {
                    w.trim_matches(|c: char| !c.is_alphanumeric())
                        .chars()
                        .next()
                })
                .filter(|c| c.is_uppercase())
                .collect()
        };
        if initials(false) == letters || initials(true) == letters {
            let name = run.join(" ");
            return Some(
                name.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_string(),
            );
        }
    }
    None
}

/// Adds `other`'s occurrences and spellings to `into`.
fn absorb(into: &mut Candidate, other: Candidate, order: &HashMap<&str, usize>) {
    into.count += other.count;
    into.occurrences.extend(other.occurrences);
    into.occurrences
        .sort_by_key(|o| (order.get(o.doc.as_str()).copied(), o.start));
    if !into.aliases.contains(&other.name) && other.name != into.name {
        into.aliases.push(other.name);
    }
    for a in other.aliases {
        if !into.aliases.contains(&a) && a != into.name {
            into.aliases.push(a);
        }
    }
    if into.kind.is_none() {
        into.kind = other.kind;
    }
}

/// Groups candidates that name the same thing: spellings that are
/// variants of each other (`Marseille`, `Marseilles`; a final `s` aside,
/// [`similarity`] at least 0.9), and a single word that is the last word
/// of exactly one longer candidate that may be a person (`Truman` and
/// `Harry S. Truman`). The commoner spelling (the longer name, for a
/// surname) keeps the candidate; the others become its aliases.
fn group_variants(texts: &[Text<'_>], out: &mut Vec<Candidate>) {
    let order: HashMap<&str, usize> = texts.iter().enumerate().map(|(i, t)| (t.doc, i)).collect();
    let compatible =
        |a: &Candidate, b: &Candidate| a.kind.is_none() || b.kind.is_none() || a.kind == b.kind;
    // Surnames first.
    let mut i = 0;
    while i < out.len() {
        let key = fold_key(&out[i].name);
        let single = !key.contains(' ') && out[i].variant_of.is_none();
        let owners: Vec<usize> = if single {
            out.iter()
                .enumerate()
                .filter(|(j, c)| {
                    *j != i
                        && matches!(c.kind, None | Some("Person"))
                        && matches!(out[i].kind, None | Some("Person"))
                        && {
                            let k = fold_key(&c.name);
                            k.contains(' ') && k.rsplit(' ').next() == Some(key.as_str())
                        }
                })
                .map(|(j, _)| j)
                .collect()
        } else {
            Vec::new()
        };
        if let [owner] = owners[..] {
            let absorbed = out.remove(i);
            let owner = if owner > i { owner - 1 } else { owner };
            absorb(&mut out[owner], absorbed, &order);
            out[owner].kind.get_or_insert("Person");
            continue;
        }
        i += 1;
    }
    // Then spellings.
    let strip = |s: &str| -> String {
        let k = fold_key(s);
        k.strip_suffix('s').map(str::to_string).unwrap_or(k)
    };
    let mut i = 0;
    while i < out.len() {
        let mut j = i + 1;
        while j < out.len() {
            let (a, b) = (&out[i], &out[j]);
            let same_words =
                fold_key(&a.name).split(' ').count() == fold_key(&b.name).split(' ').count();
            let close = same_words
                && compatible(a, b)
                && a.variant_of.is_none()
                && b.variant_of.is_none()
                && a.name.chars().next().map(|c| c.to_lowercase().to_string())
                    == b.name.chars().next().map(|c| c.to_lowercase().to_string())
                && (strip(&a.name) == strip(&b.name)
                    || similarity(&a.name, &b.name)
                        .max(similarity(&strip(&a.name), &strip(&b.name)))
                        >= 0.9);
            if close {
                let (keep, drop) = if out[j].count > out[i].count {
                    (j, i)
                } else {
                    (i, j)
                };
                let absorbed = out[drop].clone();
                absorb(&mut out[keep], absorbed, &order);
                out.remove(drop);
                if drop == i {
                    // The kept candidate moved down by one: look at it again.
                    j = i + 1;
                    continue;
                }
                continue;
            }
            j += 1;
        }
        i += 1;
    }
}

/// A gazetteer CSV row (id,type,label,aliases,wikidata,wikidata_source,description) for a candidate:
/// id = slug of the name (lowercase ASCII, diacritics folded, '-' separated), type = kind, or empty
/// when discover cannot tell (the description then opens with "type unknown: …", and the row does
/// not load until the curator writes one), aliases = the spellings grouped with it,
/// description = "candidate: N occurrences, e.g. …" (or, for a variant, "variant of ENTITY-ID: add NAME as an alias").
///
/// The fields are raw strings, each on one line; quoting them is the
/// caller's job. The id always matches `[a-z0-9]+(-[a-z0-9]+)*`: a name with
/// no Latin or Cyrillic letter or digit gets `candidate-` and a hash of the
/// name. Aliases, Wikidata id and source are left to the curator.
pub fn gazetteer_row(c: &Candidate) -> [String; 7] {
    let label = fold_ws(c.name.trim()).trim().to_string();
    let description = match &c.variant_of {
        Some((_, entity, _)) => format!("variant of {entity}: add {label} as an alias"),
        None => {
            let noun = if c.count == 1 {
                "occurrence"
            } else {
                "occurrences"
            };
            match c.occurrences.first() {
                Some(o) => format!("candidate: {} {noun}, e.g. {}", c.count, o.context),
                None => format!("candidate: {} {noun}", c.count),
            }
        }
    };
    // A type discover could not tell is left blank and said so: the row
    // does not load until the curator fills it in.
    let description = match c.kind {
        Some(_) => description,
        None => {
            format!("type unknown: write Person, Organisation, Place, Event or Work; {description}")
        }
    };
    let aliases: Vec<String> = c
        .aliases
        .iter()
        .map(|a| fold_ws(a.trim()).trim().replace('|', " "))
        .filter(|a| !a.is_empty() && *a != label)
        .collect();
    [
        slug(&c.name),
        c.kind.unwrap_or("").to_string(),
        label,
        aliases.join("|"),
        String::new(),
        String::new(),
        fold_ws(&description).trim().to_string(),
    ]
}

// ---------------------------------------------------------------------------
// Tokens.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A capitalised word (also all capitals, and hyphenated words whose
    /// parts are capitalised or particles: `Ben-Tsion`, `Bar-Kokhba`).
    Cap,
    /// Initials: `S`, `S.`, `V.M.`.
    Initial,
    /// A word that starts in lower case.
    Lower,
    /// Anything else: numbers, mixed words such as `Stalinists-turned-Zionists`.
    Other,
}

#[derive(Debug)]
struct Token {
    start: usize,
    /// The end, after a period that belongs to the word.
    end: usize,
    shape: Shape,
    /// The folded form of the word.
    key: String,
    /// Whether the token ends with its own period (an initial or an
    /// abbreviation such as `Mr.`).
    dotted: bool,
    covered: bool,
    /// Whether only white space, quotes or brackets separate the token from
    /// the start of the line or from sentence punctuation before it.
    sentence_start: bool,
    /// Whether the token stands in an all-capitals heading line.
    heading: bool,
    /// Whether the token's line is long enough to be part of a hard-wrapped
    /// paragraph, so that a name may go on at the start of the next line.
    wrapped: bool,
    /// The number of the known-name match the token belongs to, or 0.
    known: u32,
}

fn is_initials(word: &str) -> bool {
    word.split('.').all(|part| {
        let mut chars = part.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
    })
}

fn is_abbreviation(word: &str) -> bool {
    let word = word.to_ascii_lowercase();
    ABBREVIATIONS.split_whitespace().any(|a| a == word)
}

/// Whether the gap between two tokens lets a name go on: spaces, or one
/// line break after a long line.
fn name_gap(text: &str, a: &Token, b: &Token, punctuation: bool) -> bool {
    let mut newlines = 0;
    for c in text[a.end..b.start].chars() {
        match c {
            '\n' => newlines += 1,
            ' ' | '\t' | '\r' | '\u{a0}' | '\u{202f}' => {}
            '\'' | '’' | '‘' | '"' | '“' | '”' | '-' | '–' | '—' | ',' | '(' | ')'
                if punctuation => {}
            _ => return false,
        }
    }
    newlines == 0 || (newlines == 1 && a.wrapped)
}

fn is_roman(word: &str) -> bool {
    !word.is_empty() && word.len() <= 7 && word.chars().all(|c| "IVXLCDM".contains(c))
}

/// The shape of a word that starts with an upper-case letter.
fn capital_shape(word: &str) -> Shape {
    if is_initials(word) {
        return Shape::Initial;
    }
    let ok = word.split(is_hyphen).skip(1).all(|part| {
        part.chars()
            .next()
            .is_none_or(|c| c.is_uppercase() || c.is_numeric())
            || PARTICLES
                .split_whitespace()
                .any(|p| p == part.to_lowercase())
    });
    if ok {
        Shape::Cap
    } else {
        Shape::Other
    }
}

/// Whether `chars` hold only white space up to a line break or their end.
fn blank_to_line_end(mut chars: impl Iterator<Item = char>) -> bool {
    chars
        .find(|c| *c == '\n' || !c.is_whitespace())
        .is_none_or(|c| c == '\n')
}

/// Whether the line `line` is an all-capitals heading: most of its cased
/// letters are capitals.
fn is_heading(line: &str) -> bool {
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in line.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    upper >= 2 && upper > lower
}

/// Whether a line is long enough to be part of a hard-wrapped paragraph.
fn long_line(line: &str) -> bool {
    line.trim().chars().count() >= WRAP_MIN
}

/// Whether a token starting at `start` begins a sentence: only white space,
/// quotes, brackets or list marks stand between it and sentence punctuation,
/// a short line, or the start of the text.
fn starts_sentence(text: &str, start: usize) -> bool {
    for (i, c) in text[..start].char_indices().rev() {
        if c == '\n' {
            if long_line(text[..i].rsplit('\n').next().unwrap_or("")) {
                continue;
            }
            return true;
        }
        if c.is_whitespace() || "\"“”„‘’'«»()[*#>•-–—_|".contains(c) {
            continue;
        }
        return matches!(c, '.' | '!' | '?' | '…' | ':' | ';');
    }
    true
}

/// Splits `text` into tokens, marking those that overlap `covered` (which
/// is sorted and merged in place).
fn tokenize(text: &str, covered: &mut Vec<(usize, usize)>) -> Vec<Token> {
    covered.retain(|&(s, e)| s < e);
    covered.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(covered.len());
    for &(s, e) in covered.iter() {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }

    let mut lines: Vec<(usize, bool, bool)> = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        offset += line.len() + 1;
        lines.push((offset, is_heading(line), long_line(line)));
    }

    let mut tokens = Vec::new();
    let (mut line_i, mut cov_i) = (0, 0);
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if !c.is_alphanumeric() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(d) = text[end..].chars().next() {
            if is_word_char(d) {
                end += d.len_utf8();
                continue;
            }
            let after = end + d.len_utf8();
            let next = text[after..].chars().next();
            let joins = if is_hyphen(d) || d == '.' {
                next.is_some_and(char::is_alphanumeric)
            } else if matches!(d, '\'' | '’') {
                // `O'Brien`, `D'AFFAIRES`, `d'affaires`; not `I’ve`.
                text[start..end].chars().count() == 1
                    && next.is_some_and(|n| {
                        n.is_alphabetic() && (n.is_uppercase() || c.is_lowercase())
                    })
            } else {
                false
            };
            if !joins {
                break;
            }
            end = after;
        }
        let word = &text[start..end];
        let mut dotted = false;
        if text[end..].starts_with('.') && (is_initials(word) || is_abbreviation(word)) {
            end += 1;
            dotted = true;
        }
        let shape = if c.is_uppercase() {
            capital_shape(word)
        } else if c.is_lowercase() {
            Shape::Lower
        } else {
            Shape::Other
        };
        while line_i + 1 < lines.len() && lines[line_i].0 <= start {
            line_i += 1;
        }
        while cov_i < merged.len() && merged[cov_i].1 <= start {
            cov_i += 1;
        }
        tokens.push(Token {
            start,
            end,
            shape,
            key: fold_key(word),
            dotted,
            covered: cov_i < merged.len() && merged[cov_i].0 < end,
            sentence_start: starts_sentence(text, start),
            heading: lines[line_i].1,
            wrapped: lines[line_i].2,
            known: 0,
        });
        i = end;
    }
    tokens
}

/// The known names, folded, for matching against the tokens of a text.
struct KnownIndex {
    /// Folded names, also without a leading `the`.
    keys: HashSet<String>,
    /// The first word of every folded name.
    first_words: HashSet<String>,
    /// The most words in a folded name.
    max_words: usize,
}

impl KnownIndex {
    fn new(known: &[KnownName<'_>]) -> KnownIndex {
        let mut index = KnownIndex {
            keys: HashSet::new(),
            first_words: HashSet::new(),
            max_words: 1,
        };
        for k in known {
            let words = fold_words(k.name, false);
            let mut add = |ws: &[String]| {
                if let Some(first) = ws.first() {
                    index.first_words.insert(first.clone());
                    index.keys.insert(ws.join(" "));
                    index.max_words = index.max_words.max(ws.len().min(MAX_KNOWN_WORDS));
                }
            };
            add(&words);
            if words.len() > 1 && words[0] == "the" {
                add(&words[1..]);
            }
        }
        index
    }

    /// Marks the tokens of every known name in a text, whatever the case of
    /// its letters and accents, leftmost match first, then longest; each
    /// match gets its own number.
    fn mark(&self, text: &str, tokens: &mut [Token]) {
        let mut span = 0;
        let mut i = 0;
        while i < tokens.len() {
            // A known name starts with a capital, as written in the text or
            // in the heading; one in lower case is never a candidate anyway.
            let first = tokens[i].key.split(' ').next().unwrap_or_default();
            if tokens[i].shape == Shape::Lower || !self.first_words.contains(first) {
                i += 1;
                continue;
            }
            let mut key = String::new();
            let mut words = 0;
            let mut found = None;
            for j in i..tokens.len() {
                if j > i {
                    if !name_gap(text, &tokens[j - 1], &tokens[j], true) {
                        break;
                    }
                    key.push(' ');
                }
                key.push_str(&tokens[j].key);
                words += tokens[j].key.split(' ').count();
                if words > self.max_words {
                    break;
                }
                if self.keys.contains(&key) {
                    found = Some(j);
                }
            }
            match found {
                Some(j) => {
                    span += 1;
                    for t in &mut tokens[i..=j] {
                        t.known = span;
                    }
                    i = j + 1;
                }
                None => i += 1,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Runs and pieces.

/// One occurrence of a piece, before grouping.
#[derive(Debug, Clone)]
struct Raw {
    doc: usize,
    start: usize,
    end: usize,
    heading: bool,
    /// A single word at the start of a sentence.
    sentence_single: bool,
    /// Alone on its line, like a signature.
    line_alone: bool,
    /// After a personal title.
    title: bool,
    /// After a role word such as `writer`.
    role: bool,
    /// After `in`, `to` or `from`.
    preposition: bool,
}

/// A stretch of a run that may become a candidate.
struct Piece {
    toks: Vec<usize>,
    title: bool,
    sentence: bool,
}

/// What a run holds so far, which decides the connectors it may take.
#[derive(Default)]
struct RunState {
    cue: bool,
    of_for: bool,
    in_: bool,
    all_common: bool,
}

impl RunState {
    fn add_name(&mut self, lex: &Lexicon, t: &Token) {
        for w in t.key.split(' ') {
            if matches!(lex.cue(w), Some(Cue::Org | Cue::Event)) {
                self.cue = true;
            }
        }
        self.all_common &= lex.common(&t.key);
    }

    fn connector_ok(&self, lex: &Lexicon, word: &str, in_chain: bool) -> bool {
        match word {
            "of" => !self.all_common,
            "the" => in_chain,
            "for" | "on" | "to" | "with" | "in" => self.cue,
            "and" => self.cue && self.of_for && !self.in_,
            w => lex.particles.contains(w),
        }
    }

    fn add_connector(&mut self, word: &str) {
        match word {
            "of" | "for" => self.of_for = true,
            "in" => self.in_ = true,
            _ => {}
        }
    }
}

struct Scanner<'s> {
    text: &'s str,
    tokens: &'s [Token],
    lex: &'s Lexicon,
    known_keys: &'s HashSet<String>,
    /// Words seen in lower case and never capitalised inside a sentence.
    common_lower: &'s HashSet<&'s str>,
}

impl Scanner<'_> {
    /// Whether a token may be part of a name: capitalised, initials, or
    /// part of a known name, and not covered.
    fn name_like(&self, k: usize) -> bool {
        let t = &self.tokens[k];
        !t.covered && (t.known != 0 || matches!(t.shape, Shape::Cap | Shape::Initial))
    }

    fn joinable(&self, a: usize, b: usize) -> bool {
        name_gap(self.text, &self.tokens[a], &self.tokens[b], false)
    }

    fn is_title(&self, k: usize) -> bool {
        let t = &self.tokens[k];
        t.shape == Shape::Cap && self.lex.titles.contains(t.key.as_str())
    }

    fn has_cue(&self, k: usize) -> bool {
        self.tokens[k]
            .key
            .split(' ')
            .any(|w| self.lex.cue(w).is_some())
    }

    /// Every occurrence in the document, in text order.
    fn scan(&self, doc: usize) -> Vec<Raw> {
        let n = self.tokens.len();
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            if !self.name_like(i) {
                i += 1;
                continue;
            }
            let mut run = vec![i];
            let mut state = RunState {
                all_common: true,
                ..RunState::default()
            };
            state.add_name(self.lex, &self.tokens[i]);
            let mut j = i;
            loop {
                let k = j + 1;
                if k >= n || !self.joinable(j, k) || self.tokens[k].covered {
                    break;
                }
                if self.name_like(k) {
                    // After `League V.` a common word starts a new sentence.
                    if self.tokens[j].dotted
                        && self.tokens[j].shape == Shape::Initial
                        && self.lex.stop.contains(self.tokens[k].key.as_str())
                    {
                        break;
                    }
                    state.add_name(self.lex, &self.tokens[k]);
                    run.push(k);
                    j = k;
                    continue;
                }
                // A chain of connectors must lead to another name.
                let mut m = k;
                while m < n
                    && self.tokens[m].shape == Shape::Lower
                    && !self.tokens[m].covered
                    && self.joinable(m - 1, m)
                    && state.connector_ok(self.lex, &self.tokens[m].key, m > k)
                {
                    m += 1;
                }
                if m == k || m >= n || !self.name_like(m) || !self.joinable(m - 1, m) {
                    break;
                }
                for c in k..m {
                    state.add_connector(&self.tokens[c].key);
                }
                run.extend(k..m);
                state.add_name(self.lex, &self.tokens[m]);
                run.push(m);
                j = m;
            }
            for piece in self.pieces(&run) {
                if let Some(raw) = self.finish(doc, piece) {
                    out.push(raw);
                }
            }
            i = j + 1;
        }
        out
    }

    /// Cuts known names out of a run, then splits what is left at titles.
    /// A stretch that starts with an organisation, event or place word right
    /// after a known name keeps that name (`Tel Aviv University`, `USSR
    /// Embassy in Ankara`), and so does one that ends with such a word and a
    /// connector before a known name (`University of Haifa`).
    fn pieces(&self, run: &[usize]) -> Vec<Piece> {
        let mut units: Vec<(u32, Vec<usize>)> = Vec::new();
        for &k in run {
            let span = self.tokens[k].known;
            match units.last_mut() {
                Some((s, toks)) if *s == span => toks.push(k),
                _ => units.push((span, vec![k])),
            }
        }
        let lower = |k: &usize| self.tokens[*k].shape == Shape::Lower;
        let mut pieces = Vec::new();
        for (u, (span, toks)) in units.iter().enumerate() {
            if *span != 0 {
                continue;
            }
            let lead = toks.iter().take_while(|k| lower(k)).count();
            let mut seg: Vec<usize> = toks[lead..].to_vec();
            let cue = |k: &usize| {
                !lower(k)
                    && self.tokens[*k]
                        .key
                        .split(' ')
                        .all(|w| self.lex.cue(w).is_some())
            };
            let names: Vec<usize> = seg.iter().copied().filter(|k| !lower(k)).collect();
            let before = u.checked_sub(1).filter(|_| lead == 0).map(|b| &units[b].1);
            let after = units.get(u + 1).map(|a| &a.1);
            if let (Some(a), Some(last)) = (after, names.last()) {
                if seg.last().is_some_and(lower) && cue(last) {
                    // `University of [Haifa]`
                    seg.extend(a);
                } else if !names.iter().all(cue) {
                    // `the British [House of Commons]`: words that qualify
                    // the known name are not part of this one.
                    while seg
                        .last()
                        .is_some_and(|&k| lower(&k) || self.lex.common(&self.tokens[k].key))
                    {
                        seg.pop();
                    }
                }
            }
            if let (Some(b), Some(first)) = (before, names.first()) {
                if cue(first) {
                    // `[Tel Aviv] University`, `[USSR] Embassy in Ankara`
                    seg.splice(0..0, b.iter().copied()).for_each(drop);
                }
            }
            self.split_titles(&seg, &mut pieces);
        }
        pieces
    }

    /// Splits a segment at personal titles: the name after a title is a
    /// person piece; a title followed by an organisation or event word stays
    /// part of the name (`General Federation of Labour`); any other title is
    /// dropped.
    fn split_titles(&self, seg: &[usize], pieces: &mut Vec<Piece>) {
        let mut push = |toks: &[usize], title: bool| {
            if let Some(&first) = toks.first() {
                pieces.push(Piece {
                    toks: toks.to_vec(),
                    title,
                    sentence: !title && self.tokens[first].sentence_start,
                });
            }
        };
        let mut piece_start = 0;
        let mut p = 0;
        while p < seg.len() {
            if !self.is_title(seg[p]) {
                p += 1;
                continue;
            }
            let t0 = p;
            while p < seg.len() && self.is_title(seg[p]) {
                p += 1;
            }
            // The name ends at the next title or at a connector other than a
            // particle (`Ambassador Maisky of the USSR`).
            let mut q = p;
            while q < seg.len()
                && !self.is_title(seg[q])
                && (self.name_like(seg[q])
                    || self
                        .lex
                        .particles
                        .contains(self.tokens[seg[q]].key.as_str()))
            {
                q += 1;
            }
            let mut r = q;
            while r < seg.len() && !self.is_title(seg[r]) {
                r += 1;
            }
            if q > p && !(p..q).any(|k| self.has_cue(seg[k])) {
                push(&seg[piece_start..t0], false);
                push(&seg[p..q], true);
                piece_start = q;
                p = q;
            } else if (p..r).any(|k| self.has_cue(seg[k])) {
                p = r;
            } else {
                push(&seg[piece_start..t0], false);
                piece_start = p;
            }
        }
        push(&seg[piece_start..], false);
    }

    /// Trims a piece, filters it, and records its occurrence.
    fn finish(&self, doc: usize, piece: Piece) -> Option<Raw> {
        let lex = self.lex;
        let mut at_sentence = piece.sentence;
        let stop =
            |t: &Token| t.shape == Shape::Lower || (!t.dotted && lex.stop.contains(t.key.as_str()));
        // Trim common words and connectors from both ends, and at the start
        // of a sentence one word that the texts otherwise write in lower case.
        let (mut lo, mut hi) = (0, piece.toks.len());
        // `New` begins many place names (`New York`, `New Zealand`): it
        // stays when a name word follows it.
        let name_start = |lo: usize, hi: usize| {
            let t = &self.tokens[piece.toks[lo]];
            t.shape == Shape::Cap
                && NAME_STARTS.split_whitespace().any(|w| w == t.key)
                && hi - lo > 1
                && {
                    let next = &self.tokens[piece.toks[lo + 1]];
                    next.shape == Shape::Cap && !lex.common(&next.key)
                }
        };
        while lo < hi {
            let t = &self.tokens[piece.toks[lo]];
            if name_start(lo, hi) {
                if stop(&self.tokens[piece.toks[hi - 1]]) {
                    hi -= 1;
                    continue;
                }
                break;
            }
            if stop(t) {
                lo += 1;
            } else if at_sentence
                && t.shape == Shape::Cap
                && hi - lo > 1
                && self.common_lower.contains(t.key.as_str())
            {
                lo += 1;
                at_sentence = false;
            } else if stop(&self.tokens[piece.toks[hi - 1]]) {
                hi -= 1;
            } else {
                break;
            }
        }
        let toks = &piece.toks[lo..hi];
        let (&first, &last) = (toks.first()?, toks.last()?);
        let (ft, lt) = (&self.tokens[first], &self.tokens[last]);
        if toks.iter().all(|&k| self.tokens[k].shape == Shape::Initial) {
            return None;
        }
        let start = ft.start;
        let end = if lt.dotted && lt.shape == Shape::Initial {
            lt.end - 1
        } else {
            lt.end
        };
        let key = fold_key(&self.text[start..end]);
        if key.is_empty() || self.known_keys.contains(&key) {
            return None;
        }
        if toks.len() == 1 {
            let word = &self.text[ft.start..ft.end];
            if is_roman(word) || lex.generic(&key) {
                return None;
            }
        } else if lex.common(&key) {
            return None;
        }
        let role = first > 0 && self.joinable(first - 1, first) && {
            let prev = &self.tokens[first - 1];
            prev.shape == Shape::Lower && lex.roles.contains(prev.key.as_str())
        };
        Some(Raw {
            doc,
            start,
            end,
            heading: ft.heading,
            // `M.Charette` is an initial and a name, not a single word.
            sentence_single: at_sentence
                && !piece.title
                && toks.len() == 1
                && !self.text[ft.start..ft.end].contains('.'),
            line_alone: blank_to_line_end(self.text[..start].chars().rev())
                && blank_to_line_end(self.text[end..].chars()),
            title: piece.title,
            role,
            preposition: !ft.heading && self.after_preposition(first),
        })
    }

    /// Whether the name starting at token `first` follows `in`, `to` or
    /// `from`, directly or as a later item of a list of names (`in
    /// Jerusalem, Tel Aviv, Petah Tikva and Haifa`).
    fn after_preposition(&self, first: usize) -> bool {
        let mut j = first;
        for _ in 0..12 {
            if j == 0 {
                return false;
            }
            let prev = &self.tokens[j - 1];
            let gap = self.text[prev.end..self.tokens[j].start].trim();
            // A capitalised `In` starts a sentence with a preposition.
            let mut k = if gap.is_empty() && matches!(prev.shape, Shape::Lower | Shape::Cap) {
                match prev.key.as_str() {
                    // `Embassy in Ankara and VOKS`: that `in` belongs to a
                    // name.
                    "in" | "to" | "from" => {
                        return !(j >= 2 && self.joinable(j - 2, j - 1) && self.has_cue(j - 2));
                    }
                    "and" if j >= 2 && prev.shape == Shape::Lower => j - 2,
                    _ => return false,
                }
            } else if gap == "," {
                j - 1
            } else {
                return false;
            };
            // Step back over the previous name of the list.
            if !matches!(self.tokens[k].shape, Shape::Cap | Shape::Initial) {
                return false;
            }
            while k > 0
                && matches!(self.tokens[k - 1].shape, Shape::Cap | Shape::Initial)
                && self.joinable(k - 1, k)
            {
                k -= 1;
            }
            j = k;
        }
        false
    }
}

// ---------------------------------------------------------------------------
// Candidates.

/// The occurrences of one folded name.
#[derive(Default)]
struct Group {
    /// Spellings outside headings, with their counts.
    surfaces: HashMap<String, usize>,
    occs: Vec<Raw>,
}

/// A known name in transliteration-neutral form.
struct KnownFolded<'k> {
    name: &'k str,
    entity: &'k str,
    kind: Option<&'static str>,
    folded: Folded,
    /// The last word.
    last: Folded,
    /// `tails[n]`: the last `n` words, for `n` below the number of words.
    tails: Vec<Folded>,
}

/// Turns a group into a candidate, or drops it.
fn build_candidate(
    group: Group,
    texts: &[Text<'_>],
    lex: &Lexicon,
    known: &[KnownFolded],
    min_count: usize,
) -> Option<Candidate> {
    let occs = group.occs;
    // A name seen only in headings may be a heading word, so it needs a
    // spelling outside them, and the commonest one names the candidate.
    let name = group
        .surfaces
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))?
        .0
        .clone();
    // A single word that only ever starts sentences is likely a common word,
    // unless a title, role word or preposition points at it or it stands
    // alone on a line.
    let titled = occs.iter().any(|o| o.title);
    let evidence = occs.iter().any(|o| {
        (!o.heading && (!o.sentence_single || o.line_alone)) || o.title || o.role || o.preposition
    });
    if !evidence {
        return None;
    }
    let needed = if titled { min_count.min(2) } else { min_count };
    if occs.len() < needed.max(1) {
        return None;
    }

    let mut kind = if titled || occs.iter().any(|o| o.role) {
        Some("Person")
    } else {
        head_cue(&name, lex).map(|cue| match cue {
            Cue::Org => "Organisation",
            Cue::Event => "Event",
            Cue::Place => "Place",
        })
    };
    // A likely spelling of a known name takes that name's type: better
    // evidence than the preposition before it.
    let folded = Folded::new(&name);
    let variant_of = best_variant(&folded, kind == Some("Person"), known).map(|(i, s)| {
        let k = &known[i];
        if kind.is_none() {
            kind = k.kind;
        }
        (k.name.to_string(), k.entity.to_string(), s)
    });
    let normal = occs.iter().filter(|o| !o.heading).count();
    let prepositions = occs.iter().filter(|o| o.preposition).count();
    if kind.is_none() && prepositions > 0 && 2 * prepositions >= normal {
        kind = Some("Place");
    }

    let occurrences = occs
        .iter()
        .map(|o| {
            let text = texts[o.doc].text;
            Occurrence {
                doc: texts[o.doc].doc.to_string(),
                start: o.start,
                end: o.end,
                context: context(text, o.start, o.end),
            }
        })
        .collect();
    Some(Candidate {
        name,
        kind,
        count: occs.len(),
        occurrences,
        variant_of,
        aliases: Vec::new(),
    })
}

/// The cue of a name's head word: the last cue word before the first
/// connector (`Congress of League V` is an event, `Embassy in Ankara` an
/// organisation), else the last cue word anywhere.
fn head_cue(name: &str, lex: &Lexicon) -> Option<Cue> {
    let words = fold_words(name, false);
    let head_len = words
        .iter()
        .position(|w| {
            matches!(
                w.as_str(),
                "of" | "for" | "in" | "on" | "to" | "with" | "and"
            )
        })
        .unwrap_or(words.len());
    let last_cue = |ws: &[String]| ws.iter().rev().find_map(|w| lex.cue(w));
    last_cue(&words[..head_len]).or_else(|| last_cue(&words))
}

/// The best known name of which `words` is probably a spelling, with its
/// similarity. A known name is compared whole when it has as many words as
/// the candidate or when their last words match (`Abdulhamid II` ~ `Abdul
/// Hamid II`). When either is a person's name, the candidate may also be
/// the end of the known name, after initials that agree with the known
/// name's first words: `Charetta` or `M. Charetta` ~ `Moshe Sharett`,
/// `Ben Gurion` ~ `David Ben-Gurion`.
fn best_variant(name: &Folded, person: bool, known: &[KnownFolded]) -> Option<(usize, f64)> {
    let n = name.words.len();
    if n == 0 {
        return None;
    }
    let last = name.tail(1);
    let initials = name
        .words
        .iter()
        .take_while(|w| w.len() == 1)
        .count()
        .min(n - 1);
    let leading = &name.words[..initials];
    let tail = name.tail(n - initials);
    let mut rows = Rows::default();
    let mut best: Option<(usize, f64)> = None;
    for (i, k) in known.iter().enumerate() {
        let kn = k.folded.words.len();
        let floor = best.map_or(VARIANT_THRESHOLD, |(_, b)| b.max(VARIANT_THRESHOLD));
        let mut s = 0.0_f64;
        if kn == n || rows.similarity(&last, &k.last, VARIANT_THRESHOLD) > 0.0 {
            s = rows.similarity(name, &k.folded, floor);
        }
        let m = tail.words.len();
        if (person || k.kind == Some("Person"))
            && m < kn
            && initials < kn
            && leading
                .iter()
                .zip(&k.folded.words)
                .all(|(w, kw)| w.first() == kw.first())
        {
            s = s.max(rows.similarity(&tail, &k.tails[m], floor));
        }
        if s >= floor - 1e-9 && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best
}

/// About [`CONTEXT_CHARS`] characters either side of `start..end`, white
/// space folded, the name in brackets.
fn context(text: &str, start: usize, end: usize) -> String {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| end + i);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(fold_ws(&text[from..start]).trim_start());
    out.push('[');
    out.push_str(&fold_ws(&text[start..end]));
    out.push(']');
    out.push_str(fold_ws(&text[end..to]).trim_end());
    if to < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Tehran passage of the 2021 article (corpus file 000, line 55).
    const TEHRAN: &str = "On April 18, 1943, League V sent (via Tehran) to the Red Army three ambulances with medical and surgical equipment. Before the ambulances and accompanying persons set off, they were given a solemn farewell in Jerusalem, Tel Aviv, Petah Tikva, Haifa … Huge crowds enthusiastically saw off the transport, thus expressing their sympathy for the USSR. Seeing off was filmed, and the film was sent to the Soviet Embassy in Ankara and VOKS (All-Union Society for Cultural Relations with Abroad). It must be said that the Jewish volunteers took upon themselves the delivery of the cargo and the escort of the transport. They covered a distance of 2000 km. And on May 2, a military parade was held in Tehran. Lieutenant Colonel Khoroshev greeted the arrivals: “… Accepting on behalf of the Red Army ambulances sent from the distant Jordan Valley, from the ancient walls of Jerusalem, bought with the money of the working Jewish people, with the money collected by the League“ V ”, I see in this a proof of the great the commonwealth of peoples in the struggle against German fascism, and the desire of the Jewish people of Palestine to help the peoples of the USSR against a common enemy. I ask you to convey to the Jewish people of Palestine a warm, Russian thank you. ”";

    const TEHRAN_KNOWN: [(&str, &str, &str); 3] = [
        ("Red Army", "red-army", "Organisation"),
        ("Tehran", "tehran", "Place"),
        ("Jerusalem", "jerusalem", "Place"),
    ];

    fn known<'a>(names: &'a [(&'a str, &'a str, &'a str)]) -> Vec<KnownName<'a>> {
        names
            .iter()
            .map(|&(name, entity, kind)| KnownName { name, entity, kind })
            .collect()
    }

    /// Every byte range of every name in `text`, as a tagger would cover it.
    fn ranges(text: &str, names: &[&str]) -> Vec<(usize, usize)> {
        names
            .iter()
            .flat_map(|n| text.match_indices(n).map(|(i, _)| (i, i + n.len())))
            .collect()
    }

    fn run(text: &str, names: &[(&str, &str, &str)], min_count: usize) -> Vec<Candidate> {
        candidates(&[Text { doc: "d", text }], &known(names), &[], min_count)
    }

    fn names(cands: &[Candidate]) -> Vec<&str> {
        cands.iter().map(|c| c.name.as_str()).collect()
    }

    fn find<'c>(cands: &'c [Candidate], name: &str) -> &'c Candidate {
        cands
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no candidate {name:?} in {:?}", names(cands)))
    }

    fn tehran() -> Vec<Candidate> {
        let names: Vec<&str> = TEHRAN_KNOWN.iter().map(|k| k.0).collect();
        let covered = [("d", ranges(TEHRAN, &names))];
        candidates(
            &[Text {
                doc: "d",
                text: TEHRAN,
            }],
            &known(&TEHRAN_KNOWN),
            &covered,
            1,
        )
    }

    #[test]
    fn tehran_passage_gives_the_expected_candidates_and_kinds() {
        let cands = tehran();
        let got: Vec<(&str, Option<&str>, usize)> = cands
            .iter()
            .map(|c| (c.name.as_str(), c.kind, c.count))
            .collect();
        assert_eq!(
            got,
            [
                ("Palestine", None, 2),
                ("USSR", None, 2),
                (
                    "All-Union Society for Cultural Relations with Abroad",
                    Some("Organisation"),
                    1
                ),
                ("Haifa", Some("Place"), 1),
                ("Jordan Valley", Some("Place"), 1),
                ("Khoroshev", Some("Person"), 1),
                ("League V", Some("Organisation"), 1),
                ("Petah Tikva", Some("Place"), 1),
                ("Soviet Embassy in Ankara", Some("Organisation"), 1),
                ("Tel Aviv", Some("Place"), 1),
                ("VOKS", None, 1),
            ]
        );
    }

    #[test]
    fn occurrences_point_at_the_name_with_context() {
        let cands = tehran();
        let k = find(&cands, "Khoroshev");
        let o = &k.occurrences[0];
        assert_eq!(o.doc, "d");
        assert_eq!(&TEHRAN[o.start..o.end], "Khoroshev");
        assert!(
            o.context
                .contains("Lieutenant Colonel [Khoroshev] greeted the arrivals"),
            "{}",
            o.context
        );
        for c in &cands {
            for o in &c.occurrences {
                assert_eq!(fold_ws(&TEHRAN[o.start..o.end]), c.name);
                let (before, rest) = o.context.split_once('[').unwrap();
                let (name, after) = rest.split_once(']').unwrap();
                assert_eq!(name, c.name);
                assert!(before.chars().count() <= CONTEXT_CHARS + 1, "{}", o.context);
                assert!(after.chars().count() <= CONTEXT_CHARS + 1, "{}", o.context);
                assert!(!o.context.contains('\n') && !o.context.contains("  "));
            }
        }
    }

    #[test]
    fn covered_ranges_are_never_candidates() {
        // Cover Khoroshev and the word Jordan as well: Khoroshev goes, and
        // Valley alone is no name.
        let mut covered = ranges(
            TEHRAN,
            &["Red Army", "Tehran", "Jerusalem", "Khoroshev", "Jordan"],
        );
        let cands = candidates(
            &[Text {
                doc: "d",
                text: TEHRAN,
            }],
            &[],
            &[("d", covered.clone())],
            1,
        );
        let got = names(&cands);
        assert!(
            !got.contains(&"Khoroshev") && !got.contains(&"Jordan Valley"),
            "{got:?}"
        );
        assert!(
            !got.iter()
                .any(|n| n.contains("Valley") || n.contains("Army")),
            "{got:?}"
        );
        covered.sort_unstable();
        for c in &cands {
            for o in &c.occurrences {
                assert!(
                    covered.iter().all(|&(s, e)| o.end <= s || e <= o.start),
                    "{} overlaps a covered range",
                    c.name
                );
            }
        }
        // Ranges of another document do not apply.
        let cands = candidates(
            &[Text {
                doc: "d",
                text: TEHRAN,
            }],
            &[],
            &[("other", ranges(TEHRAN, &["Khoroshev"]))],
            1,
        );
        assert!(names(&cands).contains(&"Khoroshev"));
    }

    #[test]
    fn a_range_inside_a_word_covers_the_whole_word() {
        let text = "The delegation met Vyacheslav Molotov in the Kremlin.";
        let start = text.find("lotov").unwrap();
        let cands = candidates(
            &[Text { doc: "d", text }],
            &[],
            &[("d", vec![(start, start + 2)])],
            1,
        );
        assert_eq!(names(&cands), ["Kremlin", "Vyacheslav"]);
    }

    #[test]
    fn known_names_are_skipped_in_any_case_and_spelling_of_accents() {
        let text = "He met Rudolf Slansky and the league v delegates. Later RUDOLF SLÁNSKÝ spoke to Arnold Zweig.";
        let cands = run(
            text,
            &[
                ("Rudolf Slánský", "rudolf-slansky", "Person"),
                ("League V", "league-v", "Organisation"),
            ],
            1,
        );
        assert_eq!(names(&cands), ["Arnold Zweig"]);
    }

    #[test]
    fn output_is_deterministic() {
        let texts = [
            Text {
                doc: "a",
                text: TEHRAN,
            },
            Text {
                doc: "b",
                text: "Comrade Maysky met Mr. Bodrov. Mr. Bodrov met Comrade Maysky in Sofia.",
            },
        ];
        let k = known(&TEHRAN_KNOWN);
        let first = candidates(&texts, &k, &[], 1);
        for _ in 0..5 {
            assert_eq!(candidates(&texts, &k, &[], 1), first);
        }
        // Ties in count are broken by name.
        let counts: Vec<(usize, &str)> = first.iter().map(|c| (c.count, c.name.as_str())).collect();
        let mut sorted = counts.clone();
        sorted.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.to_lowercase().cmp(&b.1.to_lowercase()))
        });
        assert_eq!(counts, sorted);
    }

    #[test]
    fn names_after_titles_are_people() {
        let text = "Speech by Comrade S. Mikhailov, First Secretary of the USSR Embassy in Ankara. \
                    The ambassador, Mr. Bodrov, left. Professor Martin Buber spoke, and Major General \
                    Yakov Kreiser and Dr Paul agreed with Ambassador Maysky of the USSR.";
        let cands = run(text, &[("USSR", "soviet-union", "Place")], 1);
        for name in [
            "S. Mikhailov",
            "Bodrov",
            "Martin Buber",
            "Yakov Kreiser",
            "Paul",
            "Maysky",
        ] {
            assert_eq!(find(&cands, name).kind, Some("Person"), "{name}");
        }
        let got = names(&cands);
        for bad in [
            "Comrade",
            "Secretary",
            "First",
            "Mr",
            "Ambassador",
            "Major General",
        ] {
            assert!(!got.iter().any(|n| n.contains(bad)), "{bad} in {got:?}");
        }
        assert_eq!(
            find(&cands, "USSR Embassy in Ankara").kind,
            Some("Organisation")
        );
    }

    #[test]
    fn role_words_mark_people() {
        let cands = run(
            "Among the delegates was the writer Arnold Zweig and doctor Artykov.",
            &[],
            1,
        );
        assert_eq!(find(&cands, "Arnold Zweig").kind, Some("Person"));
        assert_eq!(find(&cands, "Artykov").kind, Some("Person"));
    }

    #[test]
    fn names_with_connectors_hyphens_and_initials() {
        let text = "League V sent money to the Fund for Bomb Carriers and Tanks in July. \
                    Comrades from Lutte Ouvriére sang. With respect, Razin Ben-Tsion wrote to V.M. Molotov \
                    about Simon bar Kokhba and the Committee of Union and Progress.";
        let cands = run(text, &[("League V", "league-v", "Organisation")], 1);
        assert_eq!(
            find(&cands, "Fund for Bomb Carriers and Tanks").kind,
            Some("Organisation")
        );
        assert_eq!(
            find(&cands, "Committee of Union and Progress").kind,
            Some("Organisation")
        );
        for name in [
            "Lutte Ouvriére",
            "Razin Ben-Tsion",
            "V.M. Molotov",
            "Simon bar Kokhba",
        ] {
            find(&cands, name);
        }
        assert!(!names(&cands).contains(&"Comrades"));
    }

    #[test]
    fn and_does_not_join_a_list_of_names() {
        let cands = run(
            "They went to Jerusalem, Tel Aviv, Petah Tikva and Haifa.",
            &[],
            1,
        );
        assert_eq!(
            names(&cands),
            ["Haifa", "Jerusalem", "Petah Tikva", "Tel Aviv"]
        );
        assert!(cands.iter().all(|c| c.kind == Some("Place")));
    }

    #[test]
    fn common_words_months_initials_and_numerals_are_not_names() {
        let text = "The war ended. In May the talks began. But Tuesday was quiet. It was hard. \
                    This is chapter IV, written by A. B. in June. Seeing is believing. \
                    Huge crowds came. Indeed the Ambassador was late. In Czechoslovakia he met Jews.";
        let cands = run(text, &[], 1);
        assert_eq!(names(&cands), ["Czechoslovakia"]);
    }

    #[test]
    fn sentence_initial_single_words_need_other_evidence() {
        // `Razin` starts its sentences but also stands alone on a line.
        let text = "Razin wrote again.\n\nRazin\n\nVenice was cold. He stayed in Venice.";
        let cands = run(text, &[], 1);
        assert_eq!(names(&cands), ["Razin", "Venice"]);
        assert_eq!(find(&cands, "Razin").count, 2);
        assert_eq!(run("Barely anyone came. Barely.", &[], 1), []);
    }

    #[test]
    fn heading_names_count_only_with_a_normal_case_spelling() {
        let text = "LETTER FROM ISRAELI FOREIGN MINISTER M. CHARETTA TO MOLOTOV\n\n\
                    Dear Mr. Minister, I met Molotov.\n\nCONTENTS OF THE KREMLIN ARCHIVE\n";
        let cands = run(text, &[], 1);
        assert_eq!(names(&cands), ["Molotov"]);
        // The heading occurrence counts once the name is seen in normal case.
        assert_eq!(find(&cands, "Molotov").count, 2);
    }

    #[test]
    fn a_name_may_go_on_after_a_wrapped_line() {
        let text = "    As the terror and bloodshed escalated, a Select Committee on\n    \
                    Estimates of the British House of Commons announced that “very\n    \
                    large numbers of Jews, almost amounting to a second Exodus, have";
        let cands = run(
            text,
            &[("House of Commons", "house-of-commons", "Organisation")],
            1,
        );
        assert_eq!(names(&cands), ["Exodus", "Select Committee on Estimates"]);
        assert_eq!(
            find(&cands, "Select Committee on Estimates").kind,
            Some("Organisation")
        );
        // A short line (a signature) does not run into the next one.
        let cands = run("With respect\nRazin Ben-Tsion\nBulgarian Legation", &[], 1);
        assert_eq!(names(&cands), ["Bulgarian Legation", "Razin Ben-Tsion"]);
    }

    #[test]
    fn an_organisation_word_next_to_a_known_name_keeps_it() {
        let text = "She taught at Tel Aviv University and then at the University of Haifa.";
        let cands = run(
            text,
            &[
                ("Tel Aviv", "tel-aviv", "Place"),
                ("Haifa", "haifa", "Place"),
            ],
            1,
        );
        assert_eq!(
            names(&cands),
            ["Tel Aviv University", "University of Haifa"]
        );
        assert!(cands.iter().all(|c| c.kind == Some("Organisation")));
    }

    #[test]
    fn min_count_drops_rare_names_but_titles_need_at_most_two() {
        let text = "Stern met Mr. Bodrov. Stern met Colonel Mikhlin twice: Colonel Mikhlin. \
                    Then Stern met Haifa people, and Stern left. Comrade Epstein came once.";
        let cands = run(text, &[], 3);
        assert_eq!(names(&cands), ["Stern", "Mikhlin"]);
        let cands = run(text, &[], 1);
        assert_eq!(
            names(&cands),
            ["Stern", "Mikhlin", "Bodrov", "Epstein", "Haifa"]
        );
    }

    #[test]
    fn variants_of_known_names_are_marked() {
        let text = "Lieutenant Colonel Horoshev greeted them.\n\nM.Charette\n\n\
                    The Executive Committee of the Gistradrut met Ambassador Maysky. \
                    Comrade Mikhailov met Molotov in Sofia.";
        let k = [
            ("Khoroshev", "khoroshev", "Person"),
            ("Moshe Sharett", "moshe-sharett", "Person"),
            (
                "Executive Committee of the Histadrut",
                "histadrut-executive-committee",
                "Organisation",
            ),
            ("Ivan Maisky", "ivan-maisky", "Person"),
            ("S. Mikhailov", "s-mikhailov", "Person"),
        ];
        let cands = run(text, &k, 1);
        let variant = |name: &str| {
            let v = find(&cands, name).variant_of.clone();
            v.map(|(n, e, s)| (n, e, (s * 100.0).round() / 100.0))
        };
        assert_eq!(
            variant("Horoshev"),
            Some(("Khoroshev".into(), "khoroshev".into(), 1.0))
        );
        assert_eq!(
            variant("M.Charette"),
            Some(("Moshe Sharett".into(), "moshe-sharett".into(), 1.0))
        );
        assert_eq!(
            variant("Maysky"),
            Some(("Ivan Maisky".into(), "ivan-maisky".into(), 1.0))
        );
        let (name, entity, s) = variant("Executive Committee of the Gistradrut").unwrap();
        assert_eq!((name.as_str(), entity.as_str()), (k[2].0, k[2].1));
        assert!((VARIANT_THRESHOLD..1.0).contains(&s), "{s}");
        // Molotov is no spelling of Mikhailov.
        assert_eq!(variant("Molotov"), None);
        assert_eq!(
            variant("Mikhailov"),
            Some(("S. Mikhailov".into(), "s-mikhailov".into(), 1.0))
        );
        // A variant takes its kind from the known name when no cue gives one.
        assert_eq!(find(&cands, "M.Charette").kind, Some("Person"));
    }

    #[test]
    fn a_surname_alone_is_no_variant_of_a_place_or_organisation() {
        let k = [("Soviet Union", "soviet-union", "Place")];
        let cands = run("They spoke of the Union and of Europe.", &k, 1);
        assert_eq!(names(&cands), ["Europe"]);
        assert_eq!(find(&cands, "Europe").variant_of, None);
    }

    #[test]
    fn similarity_finds_transliteration_variants() {
        for (a, b) in [
            ("Charette", "Sharett"),
            ("Charetta", "Sharett"),
            ("Levawi", "Levavi"),
            ("Horoshev", "Khoroshev"),
            ("Maysky", "Maisky"),
            ("Gistradrut", "Histadrut"),
            ("Kreiser", "Kreizer"),
            ("Borokhov", "Borochov"),
            ("Joynt", "Joint"),
            ("Menachim", "Menachem"),
            ("Молотов", "Molotov"),
        ] {
            let s = similarity(a, b);
            assert!(s >= VARIANT_THRESHOLD, "{a} ~ {b}: {s}");
        }
        assert_eq!(similarity("Slansky", "Slánský"), 1.0);
        assert_eq!(similarity("Charette", "Sharett"), 1.0);
        assert_eq!(similarity("Razin Ben-Tsion", "Ben-Tsion Razin"), 1.0);
        assert!((similarity("Gistradrut", "Histadrut") - 0.85).abs() < 1e-9);
    }

    #[test]
    fn similarity_keeps_different_names_apart() {
        for (a, b) in [
            ("Molotov", "Mikhailov"),
            ("Israel", "Isaac"),
            ("Moscow", "Mexico"),
            ("Sofia", "Syria"),
            ("Austria", "Australia"),
            ("Stalin", "Stern"),
        ] {
            let s = similarity(a, b);
            assert!(s < VARIANT_THRESHOLD, "{a} ~ {b}: {s}");
        }
    }

    #[test]
    fn similarity_is_a_symmetric_score_in_0_1() {
        let names = [
            "Charette",
            "Sharett",
            "",
            "Tel Aviv",
            "Ben-Tsion Razin",
            "Молотов",
            "!!",
            "Ж",
            "x",
        ];
        for a in names {
            assert_eq!(similarity(a, a), 1.0, "{a}");
            for b in names {
                let s = similarity(a, b);
                assert!((0.0..=1.0).contains(&s), "{a} ~ {b}: {s}");
                assert!((s - similarity(b, a)).abs() < 1e-12, "{a} ~ {b}");
            }
        }
        assert_eq!(similarity("", "Tehran"), 0.0);
    }

    fn is_id(id: &str) -> bool {
        !id.is_empty()
            && !id.starts_with('-')
            && !id.ends_with('-')
            && !id.contains("--")
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    fn candidate(name: &str, kind: Option<&'static str>) -> Candidate {
        Candidate {
            name: name.to_string(),
            kind,
            count: 1,
            occurrences: vec![],
            variant_of: None,
            aliases: vec![],
        }
    }

    #[test]
    fn gazetteer_row_slugs_are_valid_ids() {
        for (name, id) in [
            ("Slánský trial", "slansky-trial"),
            ("Lutte Ouvriére", "lutte-ouvriere"),
            ("Razin Ben-Tsion", "razin-ben-tsion"),
            ("V.M. Molotov", "v-m-molotov"),
            (
                "Fund for Bomb Carriers and Tanks",
                "fund-for-bomb-carriers-and-tanks",
            ),
            ("Molotov’s \"Truth\", 1953", "molotov-s-truth-1953"),
            ("Łódź Straße", "lodz-strasse"),
            ("Молотов", "molotov"),
        ] {
            assert_eq!(gazetteer_row(&candidate(name, None))[0], id);
        }
        for name in ["ירושלים", "", "  ", "„…“"] {
            let id = gazetteer_row(&candidate(name, None))[0].clone();
            assert!(is_id(&id) && id.starts_with("candidate-"), "{name:?}: {id}");
        }
    }

    #[test]
    fn gazetteer_rows_are_ready_to_paste() {
        let cands = tehran();
        for c in &cands {
            let row = gazetteer_row(c);
            assert!(is_id(&row[0]), "{}", row[0]);
            assert_eq!(row[2], c.name);
            assert!(row.iter().all(|f| !f.contains('\n') && !f.contains('\r')));
            assert!(
                ["Person", "Organisation", "Place", "Event", "Work", ""].contains(&row[1].as_str())
            );
            assert_eq!(row[4..6], [String::new(), String::new()]);
        }
        let row = gazetteer_row(find(&cands, "Khoroshev"));
        assert_eq!(
            row[..3],
            ["khoroshev".to_string(), "Person".into(), "Khoroshev".into()]
        );
        assert!(
            row[6].starts_with(
                "candidate: 1 occurrence, e.g. …was held in Tehran. Lieutenant Colonel [Khoroshev]"
            ),
            "{}",
            row[6]
        );
        let row = gazetteer_row(find(&cands, "USSR"));
        assert!(
            row[6].contains("candidate: 2 occurrences, e.g. "),
            "{}",
            row[6]
        );
        // No kind: left blank, and said so.
        let voks = gazetteer_row(find(&cands, "VOKS"));
        assert_eq!(voks[1], "");
        assert!(voks[6].starts_with("type unknown: "), "{}", voks[6]);

        let mut v = candidate("Horoshev", Some("Person"));
        v.variant_of = Some(("Khoroshev".into(), "khoroshev".into(), 1.0));
        assert_eq!(
            gazetteer_row(&v),
            [
                "horoshev".to_string(),
                "Person".into(),
                "Horoshev".into(),
                String::new(),
                String::new(),
                String::new(),
                "variant of khoroshev: add Horoshev as an alias".into(),
            ]
        );
        // A name with a line break in it still gives one-line fields.
        let row = gazetteer_row(&candidate("Petah\nTikva", Some("Place")));
        assert_eq!(row[2], "Petah Tikva");
    }

    #[test]
    fn texts_without_names_give_nothing() {
        assert_eq!(candidates(&[], &[], &[], 1), []);
        assert_eq!(run("", &[], 1), []);
        assert_eq!(
            run("only lower case words, 1953, and — punctuation …", &[], 1),
            []
        );
    }
}
