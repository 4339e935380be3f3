//! The tagger: finds every gazetteer name in a text.
//!
//! All labels and aliases go into one Aho-Corasick automaton. Text and names
//! are matched in a *folded* form that keeps letter case but irons out what
//! varies between transcriptions: diacritics (`Slánský` ~ `Slansky`),
//! typographic apostrophes and quotes, dash variants, runs of white space and
//! line breaks (a name broken across a line end), and a hyphen that ends a
//! line. Each name also matches in capitals (`MOLOTOV` in a heading, for a
//! name of three letters or more), and a name of two or more words matches
//! in any capitals that keep one capital letter (`Jewish Anti-fascist
//! committee`, OCR'd `JEWISH Anti-Fascist COMMITTEE`): such a match says it
//! is a [`How::Case`] variant. A name
//! written in double quotes in the gazetteer (`"Truth"`) only matches where
//! the text quotes it. Matches are whole words; where matches overlap, the
//! leftmost, then the longest, wins; the names inside a winning match are
//! kept apart ([`Tagged::inner`]), so that a person, organisation or place
//! named inside the name of an event or work can be a nested mention. A possessive (`Stalin's`, `Stalin’s`)
//! is a word boundary, so it needs no alias. An alias written
//! `name@doc-id` applies only in that document, and wins there over the same
//! name of another entity: [`Tagger::resolve`] gives a match to its entity
//! once the document is known, or reports it as shared.
//!
//! Invariant: a [`Mention`]'s `start..end` are byte offsets into the
//! original text, on character boundaries, and the text there is the
//! mention as written (quotes of a quoted alias excluded).

use crate::annotate::annotation::{How, Mention};
use crate::input::gazetteer::Gazetteer;
use crate::text::fold::fold;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;

/// A name found in a text, before it is given to an entity: byte offsets
/// into the original text, the pattern that matched, and whether it matched
/// as listed or in other capitals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
    pub how: How,
}

impl Match {
    /// The mention this match makes of `entity`: a listed name, or a name
    /// in other capitals.
    pub fn mention(&self, entity: usize) -> Mention {
        Mention {
            start: self.start,
            end: self.end,
            entity,
            how: self.how,
            reason: None,
            nested_in: None,
        }
    }
}

/// What the tagger found: the winning matches, and the matches that lie
/// inside a winning match (each within one of `matches`, never equal to
/// it), in text order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tagged {
    pub matches: Vec<Match>,
    pub inner: Vec<Match>,
}

/// Whom a match belongs to in a given document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    One(usize),
    Many(Vec<usize>),
    /// The name only applies in other documents.
    Nothing,
}

/// An entity a pattern may stand for, and the documents it is limited to
/// (none: everywhere).
#[derive(Debug)]
struct Candidate {
    entity: usize,
    documents: Vec<String>,
}

#[derive(Debug)]
struct Pattern {
    candidates: Vec<Candidate>,
    /// The folded name as listed (in capitals for a capitals variant of a
    /// name outside ASCII, which the automaton cannot fold).
    key: String,
    /// Whether `key` is a name in capitals the gazetteer does not list.
    capitals: bool,
    /// Whether the name has two words or more.
    words: bool,
    quoted: bool,
    /// Whether the pattern's first and last characters are letters or
    /// digits, and so need a word boundary beside them.
    word_start: bool,
    word_end: bool,
}

/// The compiled gazetteer.
pub struct Tagger {
    /// The patterns' keys in ASCII lower case, each once: ASCII case is
    /// matched by lowering the text (offsets unchanged), which builds the
    /// automaton several times faster than asking it to ignore case.
    automaton: Option<AhoCorasick>,
    /// By automaton pattern: the patterns whose lowered key it is.
    lowered: Vec<Vec<usize>>,
    patterns: Vec<Pattern>,
}

impl Tagger {
    /// Compiles every label and alias of the gazetteer.
    pub fn new(gazetteer: &Gazetteer) -> Tagger {
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, entity) in gazetteer.entities.iter().enumerate() {
            for (name, scope) in entity.scoped_names() {
                let (quoted, bare) = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"'))
                {
                    Some(inner) if !inner.is_empty() => (true, inner),
                    _ => (false, name),
                };
                let folded = fold(bare).0;
                let words = folded.contains(' ');
                let mut variants = vec![(folded.clone(), false)];
                // ASCII letters match in any capitals; other letters need
                // their capitals spelled out.
                let upper = folded.to_uppercase();
                if !folded.is_ascii() && upper != folded && letters(&folded) >= 3 {
                    variants.push((upper, true));
                }
                for (v, capitals) in variants {
                    let key = if quoted { format!("\"{v}\"") } else { v };
                    let first = key.chars().next().unwrap_or(' ');
                    let last = key.chars().next_back().unwrap_or(' ');
                    let idx = *by_key.entry(key.clone()).or_insert_with(|| {
                        patterns.push(Pattern {
                            candidates: Vec::new(),
                            key,
                            capitals,
                            words,
                            quoted,
                            word_start: first.is_alphanumeric(),
                            word_end: last.is_alphanumeric(),
                        });
                        patterns.len() - 1
                    });
                    // A name listed as written is not a capitals variant.
                    patterns[idx].capitals &= capitals;
                    let candidates = &mut patterns[idx].candidates;
                    match candidates.iter_mut().find(|c| c.entity == i) {
                        // A name both limited and not is not limited.
                        Some(c) if scope.is_empty() || c.documents.is_empty() => {
                            c.documents.clear()
                        }
                        Some(c) => c.documents.extend(scope.iter().cloned()),
                        None => candidates.push(Candidate {
                            entity: i,
                            documents: scope.to_vec(),
                        }),
                    }
                }
            }
        }
        let mut lowered_keys: Vec<String> = Vec::new();
        let mut lowered: Vec<Vec<usize>> = Vec::new();
        let mut by_lowered: HashMap<String, usize> = HashMap::new();
        for (p, pattern) in patterns.iter().enumerate() {
            let low = pattern.key.to_ascii_lowercase();
            let at = *by_lowered.entry(low.clone()).or_insert_with(|| {
                lowered_keys.push(low);
                lowered.push(Vec::new());
                lowered.len() - 1
            });
            lowered[at].push(p);
        }
        let automaton = (!lowered_keys.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&lowered_keys)
                .expect("the gazetteer's names compile into an automaton")
        });
        Tagger {
            automaton,
            lowered,
            patterns,
        }
    }

    /// Names that several entities share everywhere (not limited to
    /// documents), with their entities: their mentions stay unlinked unless
    /// an override decides them.
    pub fn shared_names(&self, gazetteer: &Gazetteer) -> Vec<(String, Vec<usize>)> {
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        for p in &self.patterns {
            let everywhere: Vec<usize> = p
                .candidates
                .iter()
                .filter(|c| c.documents.is_empty())
                .map(|c| c.entity)
                .collect();
            if everywhere.len() > 1 && !out.iter().any(|(_, e)| *e == everywhere) {
                let e = &gazetteer.entities[everywhere[0]];
                let name = e
                    .names()
                    .find(|n| {
                        everywhere.iter().all(|&o| {
                            gazetteer.entities[o]
                                .names()
                                .any(|m| fold(m).0 == fold(n).0)
                        })
                    })
                    .unwrap_or(&e.label);
                out.push((name.to_string(), everywhere));
            }
        }
        out
    }

    /// Whom match pattern `pattern` belongs to in document `doc`: a name
    /// limited to documents wins there over one that is not.
    pub fn resolve(&self, pattern: usize, doc: &str) -> Resolution {
        let candidates = &self.patterns[pattern].candidates;
        let scoped: Vec<usize> = candidates
            .iter()
            .filter(|c| c.documents.iter().any(|d| d == doc))
            .map(|c| c.entity)
            .collect();
        let chosen = if scoped.is_empty() {
            candidates
                .iter()
                .filter(|c| c.documents.is_empty())
                .map(|c| c.entity)
                .collect()
        } else {
            scoped
        };
        match chosen.as_slice() {
            [] => Resolution::Nothing,
            [one] => Resolution::One(*one),
            _ => Resolution::Many(chosen),
        }
    }

    /// Finds all names in `text`; where matches overlap, the leftmost, then
    /// the longest, wins.
    pub fn tag(&self, text: &str) -> Vec<Match> {
        self.tag_nested(text).matches
    }

    /// How a match of pattern `p` at `found` (folded text) was found, or
    /// None when its capitals rule it out: a one-word name matches as
    /// listed or in capitals (three letters or more); a name of two or
    /// more words in any capitals that keep a capital letter.
    fn how(&self, p: usize, found: &str) -> Option<How> {
        let pattern = &self.patterns[p];
        if found == pattern.key {
            return Some(if pattern.capitals {
                How::Case
            } else {
                How::Listed
            });
        }
        let upper = found == pattern.key.to_uppercase() && letters(&pattern.key) >= 3;
        let mixed = pattern.words && found.chars().any(char::is_uppercase);
        (upper || mixed).then_some(How::Case)
    }

    /// Finds all names in `text` (see [`Tagger::tag`]), and the names that
    /// lie inside the winning ones.
    pub fn tag_nested(&self, text: &str) -> Tagged {
        let Some(automaton) = &self.automaton else {
            return Tagged::default();
        };
        let (folded, map) = fold(text);
        let fb = folded.as_bytes();
        let boundary_before = |i: usize| i == 0 || !char_before(&folded, i).is_alphanumeric();
        let boundary_after = |i: usize| i >= fb.len() || !char_at(&folded, i).is_alphanumeric();
        let lowered = folded.to_ascii_lowercase();
        let mut candidates: Vec<(usize, usize, usize, How)> = automaton
            .find_overlapping_iter(&lowered)
            .flat_map(|m| {
                self.lowered[m.pattern().as_usize()]
                    .iter()
                    .map(move |&p| (m.start(), m.end(), p))
            })
            .filter_map(|(start, end, pattern)| {
                let p = &self.patterns[pattern];
                let ok = (!p.word_start || boundary_before(start))
                    && (!p.word_end || boundary_after(end));
                if !ok {
                    return None;
                }
                let how = self.how(pattern, &folded[start..end])?;
                // One word in other capitals beside another name-like word
                // is part of a longer name (`ISAAC GEORGE`), not this one.
                if how == How::Case
                    && !p.words
                    && beside_a_name(
                        &folded,
                        start,
                        end,
                        on_a_headline(text, map[start] as usize, map[end] as usize),
                    )
                {
                    return None;
                }
                Some((start, end, pattern, how))
            })
            .collect();
        candidates.sort_by_key(|&(s, e, p, how)| (s, std::cmp::Reverse(e), how, p));
        candidates.dedup_by_key(|&mut (s, e, _, _)| (s, e));
        let to_match = |(s, e, p, how): (usize, usize, usize, How)| {
            let (s, e) = if self.patterns[p].quoted {
                (s + 1, e - 1)
            } else {
                (s, e)
            };
            let (start, end) = (map[s] as usize, map[e] as usize);
            let end = start + text[start..end].trim_end().len();
            Match {
                start,
                end,
                pattern: p,
                how,
            }
        };
        let mut out = Tagged::default();
        let mut last: Option<(usize, usize)> = None;
        for c in candidates {
            let (s, e) = (c.0, c.1);
            match last {
                Some((ls, le)) if s < le => {
                    if ls <= s && e <= le {
                        out.inner.push(to_match(c));
                    }
                }
                _ => {
                    last = Some((s, e));
                    out.matches.push(to_match(c));
                }
            }
        }
        out
    }
}

/// Whether the word at `start..end` of `text` stands next to another word
/// that looks like part of a name: one space or hyphen away, capitalised,
/// and neither a common word nor a title (`ISAAC GEORGE`, `Baliol Brett`,
/// `JAMES S TENT`; not `THE WAR IN CHINA`, `Comrade Maisky` or
/// `V. M. MOLOTOV`, whose initials end in a period). On a line all in
/// capitals (a headline) capitals tell nothing, so there only a neighbour
/// in mixed case counts.
/// `headline` says whether the word stands on such a line (see
/// [`on_a_headline`]; `text` may be folded, with its line breaks gone).
pub fn beside_a_name(text: &str, start: usize, end: usize, headline: bool) -> bool {
    let is_gap = |c: char| c == ' ' || c == '-';
    let name_like = |w: &str| {
        (!headline || w.chars().any(char::is_lowercase))
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphanumeric() || c == '\'' || c == '’')
            && !crate::text::names::is_common_word(w)
            && !crate::text::names::is_title(w)
    };
    let before = &text[..start];
    let after = &text[end..];
    let prev = before.strip_suffix(is_gap).map(|b| {
        let from = b
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(0, |(i, c)| i + c.len_utf8());
        &b[from..]
    });
    let next = after.strip_prefix(is_gap).map(|a| {
        let to = a
            .char_indices()
            .find(|&(_, c)| !c.is_alphanumeric())
            .map_or(a.len(), |(i, _)| i);
        (&a[..to], &a[to..])
    });
    prev.is_some_and(|w| !w.is_empty() && name_like(w))
        || next.is_some_and(|(w, rest)| {
            !w.is_empty() && name_like(w) && !(w.chars().count() == 1 && rest.starts_with('.'))
        })
}

/// Whether the line of `text` holding `start..end` has no lowercase letter.
pub fn on_a_headline(text: &str, start: usize, end: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    !text[line_start..line_end].chars().any(char::is_lowercase)
}

/// The letters and digits of a name.
fn letters(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

fn char_before(s: &str, i: usize) -> char {
    s[..i].chars().next_back().unwrap_or(' ')
}

fn char_at(s: &str, i: usize) -> char {
    s[i..].chars().next().unwrap_or(' ')
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_word_beside_another_name_is_part_of_it() {
        let at = |text: &str, word: &str| {
            let s = text.find(word).unwrap();
            let e = s + word.len();
            super::beside_a_name(text, s, e, super::on_a_headline(text, s, e))
        };
        assert!(at("Mr. ISAAC GEORGE, being appointed", "GEORGE"));
        assert!(at("to THOMAS RAWLINS, a Registrar", "THOMAS"));
        assert!(at("for Mr. Baliol Brett, the", "Brett"));
        assert!(at("JAMES S TENT begs leave", "JAMES"));
        assert!(!at("THE WAR IN CHINA. FLIGHT", "CHINA"));
        assert!(!at("USSR- ISRAEL DIPLOMATIC RELATIONS", "ISRAEL"));
        assert!(at("On Monday USSR- ISRAEL DIPLOMATIC talks", "ISRAEL"));
        assert!(!at("a letter\nMINISTRY S.BENZURU.\nApril 10", "S.BENZURU"));
        assert!(!at("BEST NIESIEL, RIGA, DANTZIC", "RIGA"));
        assert!(!at("Comrade MAISKY said", "MAISKY"));
        assert!(!at("by V. M. MOLOTOV in", "MOLOTOV"));
        assert!(!at("MOLOTOV M. said", "MOLOTOV"));
    }

    use super::*;
    use crate::input::gazetteer::{Entity, EntityType};

    fn gazetteer(rows: &[(&str, &[&str])]) -> Gazetteer {
        let mut g = Gazetteer::default();
        for (label, aliases) in rows {
            g.entities.push(Entity {
                id: label.to_lowercase().replace(' ', "-"),
                kind: EntityType::Person,
                label: label.to_string(),
                aliases: aliases.iter().map(|a| a.to_string()).collect(),
                alias_scopes: vec![Vec::new(); aliases.len()],
                line: 0,
                wikidata: None,
                wikidata_source: None,
                description: None,
                coordinates: None,
                facts: Default::default(),
            });
        }
        g
    }

    fn found(tagger: &Tagger, text: &str) -> Vec<(String, usize)> {
        tagger
            .tag(text)
            .iter()
            .filter_map(|m| match tagger.resolve(m.pattern, "doc") {
                Resolution::One(e) => Some((text[m.start..m.end].to_string(), e)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn whole_words_longest_match_and_case() {
        let g = gazetteer(&[
            ("Stalin", &[]),
            ("Tel Aviv", &[]),
            ("Tel Aviv University", &[]),
            ("Pravda", &["\"Truth\""]),
            ("May", &[]),
        ]);
        let t = Tagger::new(&g);
        let text = "Stalinism; Stalin's and Stalin’s letters reached Tel Aviv University, Tel\n   Aviv; you may read \"Truth\" or The Socialist Truth. STALIN";
        assert_eq!(
            found(&t, text),
            vec![
                ("Stalin".into(), 0),
                ("Stalin".into(), 0),
                ("Tel Aviv University".into(), 2),
                ("Tel\n   Aviv".into(), 1),
                ("Truth".into(), 3),
                ("STALIN".into(), 0),
            ]
        );
    }

    #[test]
    fn diacritics_fold_both_ways_and_offsets_stay_on_the_original() {
        let g = gazetteer(&[("Rudolf Slánský", &["Slansky"])]);
        let t = Tagger::new(&g);
        let text = "Über Slánský und Slansky und Rudolf Sla\u{301}nsky\u{301}.";
        let got = found(&t, text);
        assert_eq!(got[0].0, "Slánský");
        assert_eq!(got[1].0, "Slansky");
        assert_eq!(got[2].0, "Rudolf Sla\u{301}nsky\u{301}");
    }

    #[test]
    fn hyphen_at_line_end_joins_a_name() {
        let g = gazetteer(&[("Ben-Gurion", &[])]);
        let t = Tagger::new(&g);
        assert_eq!(
            found(&t, "said Ben-\n    Gurion then")[0].0,
            "Ben-\n    Gurion"
        );
    }

    #[test]
    fn shared_names_are_not_given_to_either_entity_unless_limited_to_a_document() {
        let mut g = gazetteer(&[("Communist Party", &[]), ("CPGB", &["Communist Party"])]);
        let t = Tagger::new(&g);
        let m = t.tag("the Communist Party said");
        assert_eq!(m.len(), 1);
        assert_eq!(t.resolve(m[0].pattern, "any"), Resolution::Many(vec![0, 1]));
        assert_eq!(t.shared_names(&g).len(), 1);
        // Limited to a document, the alias decides there, and only there.
        g.entities[1].alias_scopes[0] = vec!["letter".into()];
        let t = Tagger::new(&g);
        let m = t.tag("the Communist Party said");
        assert_eq!(t.resolve(m[0].pattern, "letter"), Resolution::One(1));
        assert_eq!(t.resolve(m[0].pattern, "other"), Resolution::One(0));
        assert!(t.shared_names(&g).is_empty());
    }
}
