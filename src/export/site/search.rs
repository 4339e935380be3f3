//! The client-side search index: every word of every entity name and of
//! every document text, split into small script files that the search box
//! loads on demand (scripts, because browsers refuse `fetch` on file://).
//!
//! Layout under `search/`: `meta.js` (sizes), `b-N.js` (buckets of words:
//! a word goes to bucket FNV-1a(its first three characters) mod the bucket
//! count, so the browser knows which file to load and every bucket file
//! exists), `e-N.js` and `d-N.js` (entity and document tables, [`CHUNK`]
//! rows each). Words are folded as `assets/search.js` folds queries:
//! canonical decomposition, combining marks dropped, lower case.
//!
//! Invariant: the files are a function of the site alone (sorted maps, no
//! clock), and every string in them is a JSON string literal, so a hostile
//! label is data, never code.

use crate::text::escape::script_json_string;
use std::collections::BTreeMap;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Rows per table file.
pub const CHUNK: usize = 1000;
/// Documents listed per word at most (the first in reading order).
pub const POSTINGS: usize = 200;
/// The size a bucket file aims at, in bytes.
const BUCKET_BYTES: usize = 48 * 1024;

/// Folds text for searching.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The searchable words of a text, folded: runs of letters and digits of
/// two characters or more.
pub fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_string)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The bucket key of a word: its first three characters.
fn key(word: &str) -> String {
    word.chars().take(3).collect()
}

/// 32-bit FNV-1a over UTF-8 bytes (as `search.js` computes it).
pub fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Words with the entities and documents they occur in.
#[derive(Default)]
pub struct Index {
    words: BTreeMap<String, Postings>,
}

#[derive(Default)]
struct Postings {
    entities: Vec<u32>,
    documents: Vec<u32>,
    /// Documents with the word, counted beyond [`POSTINGS`].
    total: u32,
    last: Option<u32>,
}

impl Index {
    /// Adds the words of an entity's name (all names of one entity one
    /// after the other, entities in order).
    pub fn entity(&mut self, entity: usize, name: &str) {
        for w in words(name) {
            let p = self.words.entry(w).or_default();
            if p.entities.last() != Some(&(entity as u32)) {
                p.entities.push(entity as u32);
            }
        }
    }

    /// Adds the words of a document's title and text (each document once,
    /// in order).
    pub fn document(&mut self, document: usize, text: &str) {
        let d = document as u32;
        for w in words(text) {
            let p = self.words.entry(w).or_default();
            if p.last != Some(d) {
                p.last = Some(d);
                p.total += 1;
                if p.documents.len() < POSTINGS {
                    p.documents.push(d);
                }
            }
        }
    }

    /// Adds the documents of another index, all after this one's (indexes
    /// of consecutive parts of the documents, merged in order).
    pub fn append(&mut self, other: Index) {
        for (w, p) in other.words {
            let mine = self.words.entry(w).or_default();
            let room = POSTINGS - mine.documents.len();
            mine.documents.extend(p.documents.into_iter().take(room));
            mine.total += p.total;
            mine.last = p.last.or(mine.last);
            for e in p.entities {
                if mine.entities.last() != Some(&e) {
                    mine.entities.push(e);
                }
            }
        }
    }

    /// The script files: (path under `search/`, contents).
    pub fn files(
        mut self,
        entities: &[(String, String, String)],
        documents: &[(String, String, String)],
    ) -> Vec<(String, String)> {
        for p in self.words.values_mut() {
            p.entities.sort_unstable();
        }
        let entries: Vec<(String, String)> = self
            .words
            .iter()
            .map(|(w, p)| {
                let list = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
                (
                    key(w),
                    format!(
                        "{}:[[{}],[{}],{}]",
                        script_json_string(w),
                        list(&p.entities),
                        list(&p.documents),
                        p.total
                    ),
                )
            })
            .collect();
        let bytes: usize = entries.iter().map(|(_, e)| e.len() + 2).sum();
        let buckets = (bytes / BUCKET_BYTES + 1).next_power_of_two();
        let mut parts: Vec<Vec<&str>> = vec![Vec::new(); buckets];
        for (k, e) in &entries {
            parts[fnv1a(k) as usize % buckets].push(e);
        }
        let mut files = vec![(
            "meta.js".to_string(),
            format!(
                "annalistSearch.meta({{\"buckets\":{buckets},\"chunk\":{CHUNK},\"entities\":{},\"documents\":{},\"postings\":{POSTINGS}}});\n",
                entities.len(),
                documents.len()
            ),
        )];
        for (n, part) in parts.iter().enumerate() {
            files.push((
                format!("b-{n}.js"),
                format!("annalistSearch.bucket({n},{{\n{}\n}});\n", part.join(",\n")),
            ));
        }
        for (prefix, rows) in [("e", entities), ("d", documents)] {
            for (n, chunk) in rows.chunks(CHUNK).enumerate() {
                let body: Vec<String> = chunk
                    .iter()
                    .map(|(a, b, c)| {
                        format!(
                            "[{},{},{}]",
                            script_json_string(a),
                            script_json_string(b),
                            script_json_string(c)
                        )
                    })
                    .collect();
                files.push((
                    format!("{prefix}-{n}.js"),
                    format!(
                        "annalistSearch.table({},{n},[\n{}\n]);\n",
                        script_json_string(prefix),
                        body.join(",\n")
                    ),
                ));
            }
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_like_the_browser_folds_them() {
        let w: Vec<String> = words("Moshe Sharett, Bogomolov’s É-cole a 12").collect();
        assert_eq!(w, ["moshe", "sharett", "bogomolov", "cole", "12"]);
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
    }

    #[test]
    fn json_strings_cannot_close_a_script() {
        assert_eq!(
            script_json_string("</script>\"\n"),
            "\"\\u003c/script\\u003e\\\"\\u000a\""
        );
    }

    #[test]
    fn an_index_made_in_parts_is_the_index_made_whole() {
        let text = |d: usize| format!("Stalin wrote {} letters to Molotov{}", d % 7, d % 3);
        let n = 2 * POSTINGS + 3;
        let mut whole = Index::default();
        whole.entity(0, "Joseph Stalin");
        for d in 0..n {
            whole.document(d, &text(d));
        }
        let mut merged = Index::default();
        merged.entity(0, "Joseph Stalin");
        for part in [0..5, 5..POSTINGS + 1, POSTINGS + 1..n] {
            let mut index = Index::default();
            for d in part {
                index.document(d, &text(d));
            }
            merged.append(index);
        }
        let rows = vec![(
            "e".to_string(),
            "Joseph Stalin".to_string(),
            "Person".to_string(),
        )];
        let docs: Vec<_> = (0..n)
            .map(|d| (format!("d{d}"), text(d), String::new()))
            .collect();
        assert_eq!(merged.words["stalin"].total as usize, n);
        assert_eq!(merged.files(&rows, &docs), whole.files(&rows, &docs));
    }

    #[test]
    fn postings_are_capped_but_counted() {
        let mut index = Index::default();
        for d in 0..POSTINGS + 5 {
            index.document(d, "Stalin and Stalin");
        }
        let p = &index.words["stalin"];
        assert_eq!(p.documents.len(), POSTINGS);
        assert_eq!(p.total as usize, POSTINGS + 5);
    }
}
