//! Wikidata link candidates for unlinked gazetteer entities, with evidence,
//! and the review table's way back into the gazetteer.
//!
//! A candidate is a Wikidata entity (from a dump, or from a gazetteer
//! imported from one) that has a name equal to one of the entity's names
//! once both are folded as discover folds them (case, diacritics, Cyrillic
//! transliterated), or close to one as a transliteration variant. Its
//! score adds up the name evidence, type agreement and date agreement with
//! the documents that mention the entity; every part of the score is
//! written in its evidence.
//!
//! Invariants: nothing is proposed without a matching name and a matching
//! type; the same inputs give the same table; `accept` never overwrites a
//! Wikidata id already in the gazetteer and writes the gazetteer aside
//! before renaming it into place.

use crate::error::{Error, InputError, Position, Result};
use crate::input::gazetteer::{Entity, EntityType, Gazetteer};
use crate::output::spreadsheet_safe;
use crate::text::names::{name_key, similarity, VARIANT_THRESHOLD};
use crate::wikidata::dump::{self, ReadConfig, Record};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The review table's columns.
pub const COLUMNS: [&str; 6] = ["entity", "rank", "qid", "label", "score", "evidence"];

/// One row of the review table. An entity that matches nothing has a row
/// with no rank and no qid.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub entity: String,
    pub rank: Option<usize>,
    pub qid: Option<String>,
    pub label: String,
    pub score: f64,
    pub evidence: String,
}

/// Where a target entity is mentioned: the years of the first and the last
/// dated document.
pub type Years = HashMap<String, (i64, i64)>;

/// A target entity's names, folded.
struct Target<'a> {
    entity: &'a Entity,
    names: Vec<(String, String)>,
}

/// A candidate found for a target, before ranking.
#[derive(Debug, Clone)]
struct Found {
    qid: String,
    numeric: u64,
    label: String,
    score: f64,
    evidence: String,
}

/// Proposes up to `top` candidates for every entity of `gazetteer` that has
/// no Wikidata id, from `sources`: dumps (read with `read`'s languages,
/// classes and options) or gazetteer CSVs (`.csv`) imported from them.
pub fn propose(
    gazetteer: &Gazetteer,
    years: &Years,
    sources: &[PathBuf],
    read: &ReadConfig,
    top: usize,
) -> Result<Vec<Proposal>> {
    let targets: Vec<Target> = gazetteer
        .entities
        .iter()
        .filter(|e| e.wikidata.is_none())
        .map(|e| Target {
            entity: e,
            names: e
                .names()
                .map(|n| (n.to_string(), name_key(n)))
                .filter(|(_, k)| !k.is_empty())
                .collect(),
        })
        .collect();
    // Exact keys, and for variants buckets by first letter.
    let mut exact: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut buckets: HashMap<char, Vec<(usize, usize)>> = HashMap::new();
    for (t, target) in targets.iter().enumerate() {
        for (n, (_, key)) in target.names.iter().enumerate() {
            exact.entry(key.clone()).or_default().push((t, n));
            if let Some(c) = key.chars().next() {
                buckets.entry(c).or_default().push((t, n));
            }
        }
    }
    let mut found: Vec<Vec<Found>> = vec![Vec::new(); targets.len()];
    let mut consider = |r: &Record| {
        let names: Vec<(&str, bool)> = std::iter::once((r.label.as_str(), true))
            .chain(r.aliases.iter().map(|a| (a.as_str(), false)))
            .collect();
        // The best name evidence per target.
        let mut best: BTreeMap<usize, (f64, String)> = BTreeMap::new();
        for (name, is_label) in names {
            let key = name_key(name);
            if key.is_empty() {
                continue;
            }
            let theirs = if is_label {
                "Wikidata label"
            } else {
                "Wikidata alias"
            };
            let mut offer = |t: usize, score: f64, why: String| {
                let slot = best.entry(t).or_insert((f64::MIN, String::new()));
                if score > slot.0 {
                    *slot = (score, why);
                }
            };
            if let Some(hits) = exact.get(&key) {
                for &(t, n) in hits {
                    let ours = if n == 0 { "label" } else { "alias" };
                    let score = match (n == 0, is_label) {
                        (true, true) => 0.6,
                        (true, false) | (false, true) => 0.5,
                        (false, false) => 0.45,
                    };
                    let written = &targets[t].names[n].0;
                    offer(t, score, format!("{ours} {written:?} = {theirs} {name:?}"));
                }
            }
            let Some(c) = key.chars().next() else {
                continue;
            };
            for &(t, n) in buckets.get(&c).map_or(&[][..], Vec::as_slice) {
                let (written, theirs_key) = (&targets[t].names[n].0, &targets[t].names[n].1);
                if *theirs_key == key || theirs_key.len().abs_diff(key.len()) > 3 {
                    continue;
                }
                let s = similarity(written, name);
                if s >= VARIANT_THRESHOLD {
                    let ours = if n == 0 { "label" } else { "alias" };
                    offer(
                        t,
                        0.4 * s,
                        format!("{ours} {written:?} ~ {theirs} {name:?} (transliteration variant, similarity {s:.2})"),
                    );
                }
            }
        }
        for (t, (name_score, name_why)) in best {
            let e = targets[t].entity;
            if e.kind != r.kind {
                continue;
            }
            let mut score = name_score + 0.25;
            let mut why = vec![
                name_why,
                format!(
                    "type {} = instance of {}",
                    e.kind.name(),
                    r.instance_of.join("|")
                ),
            ];
            match dates(e.kind, r, years.get(&e.id)) {
                DateFit::Fits(w) => {
                    score += 0.15;
                    why.push(w);
                }
                DateFit::Conflicts(w) => {
                    score -= 0.5;
                    why.push(w);
                }
                DateFit::Unknown(w) => why.push(w),
            }
            if let Some(d) = &r.description {
                why.push(format!("described as {d:?}"));
            }
            why.push(r.source.clone());
            found[t].push(Found {
                qid: r.qid.clone(),
                numeric: r.qid[1..].parse().unwrap_or(u64::MAX),
                label: r.label.clone(),
                score: (score.clamp(0.0, 1.0) * 100.0).round() / 100.0,
                evidence: why.join("; "),
            });
        }
    };
    for source in sources {
        if is_csv(source) {
            let g = Gazetteer::load(source)?;
            for e in &g.entities {
                if let Some(r) = record_of(e) {
                    consider(&r);
                }
            }
        } else {
            let config = ReadConfig {
                dumps: vec![source.clone()],
                ..read.clone()
            };
            dump::read(&config, |r| {
                consider(&r);
                Ok(())
            })?;
        }
    }
    let mut out = Vec::new();
    for (t, mut f) in found.into_iter().enumerate() {
        let e = targets[t].entity;
        // One candidate per QID (the same entity in two sources): the best.
        f.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.numeric.cmp(&b.numeric))
                .then(a.evidence.cmp(&b.evidence))
        });
        let mut seen = std::collections::HashSet::new();
        f.retain(|c| seen.insert(c.qid.clone()));
        if f.is_empty() {
            out.push(Proposal {
                entity: e.id.clone(),
                rank: None,
                qid: None,
                label: e.label.clone(),
                score: 0.0,
                evidence: format!(
                    "no candidate: no {} in the Wikidata data has a name that matches {}",
                    e.kind.name(),
                    targets[t]
                        .names
                        .iter()
                        .map(|(n, _)| format!("{n:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        for (i, c) in f.into_iter().take(top.max(1)).enumerate() {
            out.push(Proposal {
                entity: e.id.clone(),
                rank: Some(i + 1),
                qid: Some(c.qid),
                label: c.label,
                score: c.score,
                evidence: c.evidence,
            });
        }
    }
    Ok(out)
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// A gazetteer row with a Wikidata id, as a candidate.
fn record_of(e: &Entity) -> Option<Record> {
    let qid = e.wikidata.clone()?;
    let fact = |k: &'static str| e.facts.get(k).map(|v| (k, v.clone()));
    Some(Record {
        qid,
        kind: e.kind,
        label: e.label.clone(),
        aliases: e.aliases.clone(),
        description: e.description.clone(),
        instance_of: e
            .facts
            .get("instance_of")
            .map(|s| s.split('|').map(str::to_string).collect())
            .unwrap_or_default(),
        facts: crate::input::gazetteer::FACT_COLUMNS
            .iter()
            .filter_map(|k| fact(k))
            .collect(),
        source: e.wikidata_source.clone().unwrap_or_default(),
    })
}

enum DateFit {
    Fits(String),
    Conflicts(String),
    Unknown(String),
}

/// The year of an ISO date as the gazetteer writes it (`-0753`, `1953-04`).
fn year(date: &str) -> Option<i64> {
    let (sign, rest) = match date.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, date.strip_prefix('+').unwrap_or(date)),
    };
    rest.split('-')
        .next()?
        .parse::<i64>()
        .ok()
        .map(|y| sign * y)
}

/// Whether the candidate existed (a person: was born; an organisation or a
/// place: was founded) by the last document that mentions the entity.
fn dates(kind: EntityType, r: &Record, span: Option<&(i64, i64)>) -> DateFit {
    let Some(&(first, last)) = span else {
        return DateFit::Unknown("no dated document mentions the entity".into());
    };
    let docs = if first == last {
        format!("{first}")
    } else {
        format!("{first}–{last}")
    };
    let (start, end) = match kind {
        EntityType::Person => ("born", "died"),
        _ => ("founded", "dissolved"),
    };
    let begin = r.facts.get(start).and_then(|d| year(d));
    let finish = r.facts.get(end).and_then(|d| year(d));
    match begin {
        Some(b) if b > last => DateFit::Conflicts(format!(
            "{start} {b}, after the documents that mention it ({docs})"
        )),
        Some(b) => {
            let mut w = format!("{start} {b}, before the documents that mention it ({docs})");
            if let Some(f) = finish {
                w.push_str(&format!(", {end} {f}"));
            }
            DateFit::Fits(w)
        }
        None => DateFit::Unknown(format!(
            "no {start} date to compare with the documents ({docs})"
        )),
    }
}

/// Writes the review table as CSV (cells a spreadsheet would run as
/// formulas are written with a leading `'`).
pub fn write_table(out: &mut dyn std::io::Write, rows: &[Proposal]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let fail = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::Output(e),
        other => Error::Output(std::io::Error::other(format!("{other:?}"))),
    };
    w.write_record(COLUMNS).map_err(fail)?;
    for p in rows {
        w.write_record([
            p.entity.clone(),
            p.rank.map(|r| r.to_string()).unwrap_or_default(),
            p.qid.clone().unwrap_or_default(),
            spreadsheet_safe(p.label.clone()),
            format!("{:.2}", p.score),
            spreadsheet_safe(p.evidence.clone()),
        ])
        .map_err(fail)?;
    }
    w.flush().map_err(Error::Output)
}

/// What `accept` wrote.
#[derive(Debug, Clone, Default)]
pub struct Accepted {
    /// Entity ids that got a QID, in table order.
    pub linked: Vec<(String, String)>,
    /// Rows whose entity already had that QID.
    pub unchanged: usize,
}

/// Writes the QIDs of the review table's rows into the gazetteer at
/// `gazetteer_path`, each with `candidate accepted in review (annalist
/// link, score S): EVIDENCE` as its wikidata_source. Rows without a qid are
/// skipped; an entity with two rows left, a QID that is not one, an entity
/// that is not in the gazetteer or that has another QID already is an
/// error with the table's line.
pub fn accept(table: &Path, gazetteer_path: &Path) -> Result<Accepted> {
    let rows = crate::text::table::Table::read(table)?;
    let gazetteer = Gazetteer::load(gazetteer_path)?;
    let mut chosen: BTreeMap<String, (String, String, usize)> = BTreeMap::new();
    for row in rows.rows(&COLUMNS)? {
        let (qid, qpos) = row.cell(2);
        if qid.is_empty() {
            continue;
        }
        let (entity, epos) = row.cell(0);
        let fail = |pos: Position, m: String, fix: &str| -> Error {
            InputError::new(table, m, fix).at(pos).into()
        };
        if !dump::is_qid(&qid) {
            return Err(fail(
                qpos,
                format!("{qid:?} is not a Wikidata item id"),
                "write Q followed by digits, or delete the row",
            ));
        }
        let Some(i) = gazetteer.get(&entity) else {
            return Err(fail(
                epos,
                format!("entity {entity:?} is not in the gazetteer"),
                "use the ids link wrote (for a discovered:NAME row, add the name to the gazetteer first and give its id), or delete the row",
            ));
        };
        if let Some(have) = &gazetteer.entities[i].wikidata {
            if *have != qid {
                return Err(fail(
                    qpos,
                    format!("entity {entity:?} has Wikidata id {have} already, not {qid}"),
                    "delete the row, or change the gazetteer by hand if its id is wrong",
                ));
            }
        }
        let (score, _) = row.cell(4);
        let (evidence, _) = row.cell(5);
        let evidence = evidence.strip_prefix('\'').unwrap_or(&evidence);
        let source =
            format!("candidate accepted in review (annalist link, score {score}): {evidence}");
        if let Some((other, _, line)) = chosen.get(&entity) {
            return Err(fail(
                qpos,
                format!("entity {entity:?} has two rows left ({other} on line {line} and {qid})"),
                "keep one row per entity: delete the candidates you reject",
            ));
        }
        chosen.insert(entity, (qid, source, epos.line));
    }
    // Rewrite the gazetteer, changing only the wikidata cells of the chosen.
    let text = crate::text::table::read_text(gazetteer_path)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let bad = |e: csv::Error| {
        Error::from(InputError::new(
            gazetteer_path,
            e.to_string(),
            "fix the gazetteer's CSV",
        ))
    };
    let mut header: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(str::to_string)
        .collect();
    let position =
        |header: &mut Vec<String>, name: &str| match header.iter().position(|h| h.trim() == name) {
            Some(i) => i,
            None => {
                header.push(name.to_string());
                header.len() - 1
            }
        };
    let id_col = position(&mut header, "id");
    let wd_col = position(&mut header, "wikidata");
    let src_col = position(&mut header, "wikidata_source");
    let mut result = Accepted::default();
    let tmp = dump::aside(gazetteer_path);
    let mut write = || -> Result<()> {
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let fail = |e: csv::Error| Error::io(&tmp, e.into());
        w.write_record(&header).map_err(fail)?;
        for record in reader.records() {
            let record = record.map_err(bad)?;
            let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
            cells.resize(header.len(), String::new());
            if let Some((qid, source, _)) = chosen.get(cells[id_col].trim()) {
                if cells[wd_col].trim() == qid {
                    result.unchanged += 1;
                } else {
                    cells[wd_col] = qid.clone();
                    cells[src_col] = source.clone();
                    result
                        .linked
                        .push((cells[id_col].trim().to_string(), qid.clone()));
                }
            }
            w.write_record(&cells).map_err(fail)?;
        }
        let file = w
            .into_inner()
            .map_err(|e| Error::io(&tmp, e.into_error()))?;
        let file = file
            .into_inner()
            .map_err(|e| Error::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))
    };
    let written = write();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, gazetteer_path).map_err(|e| Error::io(gazetteer_path, e))?;
    // The gazetteer must still load.
    Gazetteer::load(gazetteer_path)?;
    Ok(result)
}

/// The names `discover` found, as gazetteer entities without a QID (id
/// `discovered:NAME`, the type discover guessed; names without a type are
/// left out, as no candidate could match their type), with the years of
/// the documents they occur in.
pub fn discovered_targets(
    found: &[crate::review::discover::Candidate],
    dates: &HashMap<&str, &str>,
) -> (Gazetteer, Years) {
    let mut g = Gazetteer::default();
    let mut years: Years = HashMap::new();
    for c in found {
        let Some(kind) = EntityType::ALL
            .into_iter()
            .find(|t| Some(t.name()) == c.kind)
        else {
            continue;
        };
        let id = format!("discovered:{}", c.name);
        for o in &c.occurrences {
            if let Some(y) = dates.get(o.doc.as_str()).and_then(|d| year(d)) {
                let e = years.entry(id.clone()).or_insert((y, y));
                e.0 = e.0.min(y);
                e.1 = e.1.max(y);
            }
        }
        g.entities.push(Entity {
            id,
            kind,
            label: c.name.clone(),
            aliases: Vec::new(),
            alias_scopes: Vec::new(),
            line: 0,
            wikidata: None,
            wikidata_source: None,
            description: None,
            coordinates: None,
            facts: BTreeMap::new(),
        });
    }
    (g, years)
}

/// The first and last year of the dated documents that mention each entity.
pub fn mention_years(docs: &crate::export::annotations::Annotated) -> Years {
    let mut out: Years = HashMap::new();
    for d in &docs.documents {
        let Some(y) = d.date.as_deref().and_then(year) else {
            continue;
        };
        for m in &d.mentions {
            let id = &docs.entities[m.entity].id;
            let e = out.entry(id.clone()).or_insert((y, y));
            e.0 = e.0.min(y);
            e.1 = e.1.max(y);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_of_iso_dates() {
        assert_eq!(year("1953-04-02"), Some(1953));
        assert_eq!(year("-0753"), Some(-753));
        assert_eq!(year("0043"), Some(43));
        assert_eq!(year("x"), None);
    }
}
