//! Giving back to Wikidata: the corpus's sourced claims between entities
//! that both have a QID, as QuickStatements V1 commands for review.
//!
//! A claim is written when its relation maps to a Wikidata property in
//! `ontology/wikidata-properties.csv` with match `exact` (subject, property,
//! object) or `inverse` (object, property, subject). `close` mappings are
//! left out: they do not mean the same (P39 wants a position, not the
//! organisation held-position names), and QuickStatements has no way to
//! say "roughly". The claim's date becomes a P585 (point in time)
//! qualifier, or P580/P582 (start and end time) for a range.
//!
//! Every command carries a reference to the document that states the
//! claim: S854 (reference URL) with the source document's IRI, and S1683
//! (quotation) with the evidence quote in the document's language when
//! the manifest gives one. No S248 (stated in): that needs the document's
//! own Wikidata item, which a corpus rarely has.
//!
//! Invariants: every line is a tab-separated V1 command whose subject and
//! object are QIDs; strings are quoted with their inner `"` replaced by
//! `'` (V1 has no escape) and white space flattened, so no label or quote
//! can start another command or column; lines are sorted and
//! deduplicated, so the same corpus gives the same bytes.

use crate::error::{InputError, Result};
use crate::input::corpus::Corpus;
use crate::input::date::PartialDate;
use crate::input::gazetteer::Gazetteer;
use crate::input::relations::{ClaimDate, Relations};
use std::collections::{BTreeMap, BTreeSet};

/// The relation → Wikidata property table shipped with annalist.
pub const PROPERTIES: &str = include_str!("../../ontology/wikidata-properties.csv");

/// How a relation maps to a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub property: String,
    pub inverse: bool,
}

/// The usable mappings (exact and inverse), by relation id.
pub fn mappings() -> Result<BTreeMap<String, Vec<Mapping>>> {
    let mut out: BTreeMap<String, Vec<Mapping>> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(PROPERTIES.as_bytes());
    for record in reader.records() {
        let r = record.map_err(|e| {
            InputError::new(
                "ontology/wikidata-properties.csv",
                e.to_string(),
                "fix the shipped table",
            )
        })?;
        let inverse = match r.get(2).unwrap_or_default() {
            "exact" => false,
            "inverse" => true,
            _ => continue,
        };
        out.entry(r[0].to_string()).or_default().push(Mapping {
            property: r[1].to_string(),
            inverse,
        });
    }
    Ok(out)
}

/// A QuickStatements time value: `+YYYY-MM-DDT00:00:00Z/P`.
fn time(d: &PartialDate) -> String {
    let (m, dd, p) = match (d.month, d.day) {
        (Some(m), Some(day)) => (m, day, 11),
        (Some(m), None) => (m, 0, 10),
        _ => (0, 0, 9),
    };
    format!("+{:04}-{m:02}-{dd:02}T00:00:00Z/{p}", d.year)
}

/// A V1 string literal: `"…"` with inner `"` as `'` and white space runs
/// as one space.
fn string(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("\"{}\"", flat.replace('"', "'"))
}

/// The commands for the corpus's claims, sorted.
pub fn commands(
    corpus: &Corpus,
    gazetteer: &Gazetteer,
    relations: &Relations,
) -> Result<Vec<String>> {
    let maps = mappings()?;
    let mut lines = BTreeSet::new();
    for claim in &relations.claims.rows {
        let Some(object) = claim.object else { continue };
        let (Some(s), Some(o)) = (
            gazetteer.entities[claim.subject].wikidata.as_deref(),
            gazetteer.entities[object].wikidata.as_deref(),
        ) else {
            continue;
        };
        let Some(ms) = maps.get(claim.relation.id) else {
            continue;
        };
        let doc = &corpus.documents[claim.source];
        let mut tail = String::new();
        match &claim.date {
            Some(ClaimDate::On(d)) => tail.push_str(&format!("\tP585\t{}", time(d))),
            Some(ClaimDate::Between(a, b)) => {
                tail.push_str(&format!("\tP580\t{}\tP582\t{}", time(a), time(b)))
            }
            None => {}
        }
        tail.push_str(&format!(
            "\tS854\t{}",
            string(&format!("{}doc/{}", corpus.base_iri, doc.id))
        ));
        let language = doc
            .language
            .clone()
            .or_else(|| corpus.files[doc.file].language.clone())
            .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if let Some(l) = language {
            tail.push_str(&format!("\tS1683\t{l}:{}", string(&claim.quote)));
        }
        for m in ms {
            let (a, b) = if m.inverse { (o, s) } else { (s, o) };
            lines.insert(format!("{a}\t{}\t{b}{tail}", m.property));
        }
    }
    Ok(lines.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_has_exact_and_inverse_mappings_only() {
        let m = mappings().unwrap();
        assert_eq!(
            m["member-of"],
            vec![Mapping {
                property: "P463".into(),
                inverse: false
            }]
        );
        assert!(
            !m.contains_key("held-position"),
            "close mappings are left out"
        );
        assert!(m["participated-in"]
            .iter()
            .any(|x| x.inverse && x.property == "P710"));
    }

    #[test]
    fn strings_and_times() {
        assert_eq!(string("a \"b\"\n\tc"), "\"a 'b' c\"");
        let d = PartialDate::parse("1953-04").unwrap();
        assert_eq!(time(&d), "+1953-04-00T00:00:00Z/10");
    }
}
