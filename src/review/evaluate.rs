//! The evaluator: the tagger (or any system) against a gold standard.
//!
//! Gold and predictions are CSV files of `document,start,end,text,type,entity`
//! (code points within the document; `entity` a gazetteer id or empty), or,
//! for predictions, the mentions of the store. Scores follow the CoNLL and
//! nervaluate conventions, per type and per document:
//! - **strict**: same span and same type;
//! - **exact span**: same span, whatever the type;
//! - **overlap**: the spans overlap and the types agree (each gold and each
//!   predicted mention is matched at most once).
//!
//! Linking accuracy is the share of strict matches whose gold mention names
//! an entity and whose prediction names the same one.
//!
//! HIPE's measures ([`hipe`]), as the HIPE-2022 scorer defines them, micro
//! over its coarse classes: NERC **strict** (same boundaries and class),
//! NERC **fuzzy** (overlapping, same class), and end-to-end **linking** at
//! rank 1 (overlapping, same link, `NIL` a link like any QID). A gold file
//! may carry a `wikidata` column (QID, or `NIL`; empty reads as `NIL`) and a
//! `class` column (HIPE's coarse class, as `annalist import hipe` writes);
//! a mention without a class takes one from its type and name
//! ([`crate::input::hipe::class_of`]).
//!
//! Invariant: every gold row is checked against the text before anything is
//! scored; a row whose text is not what the document says at its span is an
//! error, so a gold file cannot silently drift from the corpus.

use crate::error::{Position, Result};
use crate::export::annotations::Annotated;
use crate::text::table::Table;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The types the evaluation scores.
pub const TYPES: [&str; 3] = ["Person", "Organisation", "Place"];

/// One annotated span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: String,
    pub entity: Option<String>,
    /// The Wikidata link (a QID, or `NIL`) when the file or store gives one.
    pub link: Option<String>,
    /// HIPE's coarse class (`LOC`, `BUILDING`, …) when the file gives one.
    pub class: Option<String>,
}

/// True and false positives and negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The result of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per type, and `"all"` (micro-averaged).
    pub strict: BTreeMap<String, Counts>,
    pub exact_span: BTreeMap<String, Counts>,
    pub overlap: BTreeMap<String, Counts>,
    /// Strict counts per document.
    pub per_document: BTreeMap<String, Counts>,
    /// (right entity, strict matches whose gold names an entity).
    pub linking: (usize, usize),
    /// Gold mentions with no strict match, and predictions with none.
    pub misses: Vec<Span>,
    pub false_hits: Vec<Span>,
    /// Strict matches given to another entity: (gold, predicted).
    pub wrong_links: Vec<(Span, Span)>,
}

impl Report {
    pub fn linking_accuracy(&self) -> f64 {
        ratio(self.linking.0, self.linking.1)
    }
}

/// Reads a gold or prediction CSV, checking every row against the texts.
pub fn read(
    path: &Path,
    docs: &Annotated,
    entity_exists: impl Fn(&str) -> bool,
) -> Result<Vec<Span>> {
    let table = Table::read(path)?;
    let texts: HashMap<&str, Vec<char>> = docs
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.text.chars().collect()))
        .collect();
    let mut spans: Vec<(Span, Position)> = Vec::new();
    // The six columns, in any order; a `wikidata` column (as in the
    // `mentions.csv` export) is allowed and not read.
    let known = [
        "document", "start", "end", "text", "type", "entity", "wikidata", "class",
    ];
    let (columns, rows) = table.rows_named(&known, &known[..6])?;
    let at: Vec<usize> = columns.iter().map(|c| c.unwrap_or(0)).collect();
    let (wikidata_col, class_col) = (columns[6], columns[7]);
    for row in rows {
        let (doc, doc_pos) = row.cell(at[0]);
        let chars = texts.get(doc.as_str()).ok_or_else(|| {
            row.fail(
                at[0],
                format!("document {doc:?} is not in the store"),
                "give the id of a document of the manifest",
            )
        })?;
        let number = |i: usize| -> Result<usize> {
            let (v, _) = row.cell(i);
            v.parse().map_err(|_| {
                row.fail(
                    i,
                    format!("{v:?} is not a code-point offset"),
                    "write a whole number",
                )
            })
        };
        let (s, e) = (number(at[1])?, number(at[2])?);
        if s >= e || e > chars.len() {
            return Err(row.fail(
                at[1],
                format!(
                    "span {s}..{e} is not inside document {doc:?} ({} code points)",
                    chars.len()
                ),
                "give start < end within the document, in code points",
            ));
        }
        let written = row.raw(at[3]);
        let actual: String = chars[s..e].iter().collect();
        if actual != written {
            return Err(row.fail(
                at[3],
                format!("document {doc:?} has {actual:?} at {s}..{e}, not {written:?}"),
                "correct the offsets or the text (the document may have changed)",
            ));
        }
        let (kind, _) = row.cell(at[4]);
        if matches!(kind.as_str(), "Event" | "Work") {
            continue; // not scored, as the store's own events and works
        }
        if !TYPES.contains(&kind.as_str()) {
            return Err(row.fail(
                at[4],
                format!("type {kind:?} is not scored"),
                "use Person, Organisation or Place (rows of Event and Work are skipped)",
            ));
        }
        let (entity, _) = row.cell(at[5]);
        if !entity.is_empty() && !entity_exists(&entity) {
            return Err(row.fail(
                at[5],
                format!("entity {entity:?} is not in the gazetteer"),
                "use a gazetteer id, or leave the cell empty",
            ));
        }
        let link = match wikidata_col {
            Some(i) => {
                let (v, _) = row.cell(i);
                let ok = v.is_empty()
                    || v == "NIL"
                    || (v.len() > 1
                        && v.starts_with('Q')
                        && v[1..].bytes().all(|b| b.is_ascii_digit()));
                if !ok {
                    return Err(row.fail(
                        i,
                        format!("wikidata {v:?} is neither a QID nor NIL"),
                        "write the item id (e.g. Q84), or NIL for a name with no item",
                    ));
                }
                Some(if v.is_empty() { "NIL".to_string() } else { v })
            }
            None => None,
        };
        let class = class_col.map(|i| row.cell(i).0).filter(|c| !c.is_empty());
        spans.push((
            Span {
                doc,
                start: s,
                end: e,
                text: written,
                kind,
                entity: (!entity.is_empty()).then_some(entity),
                link,
                class,
            },
            doc_pos,
        ));
    }
    spans.sort_by(|a, b| (&a.0.doc, a.0.start, a.0.end).cmp(&(&b.0.doc, b.0.start, b.0.end)));
    for w in spans.windows(2) {
        if w[0].0.doc == w[1].0.doc && (w[0].0.start, w[0].0.end) == (w[1].0.start, w[1].0.end) {
            return Err(table.fail(
                w[1].1,
                format!(
                    "{:?} at {}..{} of document {:?} is listed twice",
                    w[1].0.text, w[1].0.start, w[1].0.end, w[1].0.doc
                ),
                "keep one row per mention: a second row would count it twice",
            ));
        }
        if w[0].0.doc == w[1].0.doc && w[1].0.start < w[0].0.end {
            return Err(table.fail(
                w[1].1,
                format!(
                    "{:?} overlaps {:?} in document {:?}",
                    w[1].0.text, w[0].0.text, w[1].0.doc
                ),
                "annotate the longest name only (names do not nest)",
            ));
        }
    }
    Ok(spans.into_iter().map(|(s, _)| s).collect())
}

/// The store's mentions of persons, organisations and places, as spans.
pub fn predicted(docs: &Annotated) -> Vec<Span> {
    let mut out = Vec::new();
    for d in &docs.documents {
        for m in &d.mentions {
            let e = &docs.entities[m.entity];
            if TYPES.contains(&e.kind.name()) {
                out.push(Span {
                    doc: d.id.clone(),
                    start: m.start,
                    end: m.end,
                    text: m.text.clone(),
                    kind: e.kind.name().to_string(),
                    entity: Some(e.id.clone()),
                    link: Some(e.wikidata.clone().unwrap_or_else(|| "NIL".into())),
                    class: None,
                });
            }
        }
    }
    out
}

/// The classes a gold standard annotates.
pub fn gold_classes(gold: &[Span]) -> HashSet<String> {
    gold.iter().map(hipe_class).collect()
}

/// The spans of `classes` (a prediction file's, for HIPE's measures).
pub fn of_classes(spans: &[Span], classes: &HashSet<String>) -> Vec<Span> {
    spans
        .iter()
        .filter(|s| classes.contains(&hipe_class(s)))
        .cloned()
        .collect()
}

/// The store's names as a task of names and classes (HIPE's) sees them,
/// each with its class: the outermost names of the task's `classes`, with
/// their links or `NIL`. These are the person, organisation and place
/// mentions that lie in no other name, and the names no gazetteer lists.
/// A name nested in another is left out (HIPE keeps
/// nested names apart), unless the name it lies in is of a class the task
/// does not annotate: a dataset that tags places and not organisations
/// tags `Leeds` in `Leeds Operative Conservative Society`. Names of other
/// classes are outside the task, as they are for a system made for it. A
/// name no gazetteer lists has no link: it claims neither a QID nor `NIL`.
///
/// `entity_classes` gives the class of a gazetteer entity by id (as
/// `annalist import hipe` writes them from its gold); a mention of another
/// entity, and a name no gazetteer lists, takes its class from its type and
/// name ([`crate::input::hipe::class_of`]).
pub fn predicted_names(
    docs: &Annotated,
    classes: &HashSet<String>,
    entity_classes: &HashMap<String, String>,
) -> Vec<Span> {
    let mut out = Vec::new();
    for d in &docs.documents {
        let span = |start: usize, end: usize, text: &str, kind: &str| Span {
            doc: d.id.clone(),
            start,
            end,
            text: text.to_string(),
            kind: kind.to_string(),
            entity: None,
            link: Some("NIL".into()),
            class: None,
        };
        let mut here = Vec::new();
        for m in &d.mentions {
            let e = &docs.entities[m.entity];
            if TYPES.contains(&e.kind.name()) {
                here.push((
                    m.nested_in,
                    Span {
                        entity: Some(e.id.clone()),
                        link: Some(e.wikidata.clone().unwrap_or_else(|| "NIL".into())),
                        class: entity_classes.get(&e.id).cloned(),
                        ..span(m.start, m.end, &m.text, e.kind.name())
                    },
                ));
            }
        }
        for u in &d.unlisted {
            here.push((
                None,
                Span {
                    link: None,
                    ..span(u.start, u.end, &u.text, u.kind.name())
                },
            ));
        }
        let in_task = |s: &Span| classes.contains(&hipe_class(s));
        let outer_in_task: HashSet<(usize, usize)> = here
            .iter()
            .filter(|(nested, s)| nested.is_none() && in_task(s))
            .map(|(_, s)| (s.start, s.end))
            .collect();
        let mut kept: Vec<Span> = here
            .into_iter()
            .filter(|(nested, s)| in_task(s) && nested.is_none_or(|o| !outer_in_task.contains(&o)))
            .map(|(_, s)| Span {
                class: Some(hipe_class(&s)),
                ..s
            })
            .collect();
        kept.sort_by_key(|s| (s.start, s.end));
        out.extend(kept);
    }
    out
}

/// Scores `predicted` against `gold`.
pub fn evaluate(gold: &[Span], predicted: &[Span]) -> Report {
    let mut r = Report::default();
    let key = |s: &Span| (s.doc.clone(), s.start, s.end);
    let by_span: HashMap<_, &Span> = predicted.iter().map(|p| (key(p), p)).collect();
    let gold_spans: HashMap<_, &Span> = gold.iter().map(|g| (key(g), g)).collect();
    for t in TYPES
        .iter()
        .map(|t| t.to_string())
        .chain(["all".to_string()])
    {
        r.strict.insert(t.clone(), Counts::default());
        r.exact_span.insert(t.clone(), Counts::default());
        r.overlap.insert(t, Counts::default());
    }
    let bump = |map: &mut BTreeMap<String, Counts>, kind: &str, c: Counts| {
        for k in [kind, "all"] {
            map.entry(k.to_string()).or_default().add(c);
        }
    };
    const TP: Counts = Counts {
        tp: 1,
        fp: 0,
        fn_: 0,
    };
    const FP: Counts = Counts {
        tp: 0,
        fp: 1,
        fn_: 0,
    };
    const FN: Counts = Counts {
        tp: 0,
        fp: 0,
        fn_: 1,
    };
    for g in gold {
        r.per_document.entry(g.doc.clone()).or_default();
        match by_span.get(&key(g)) {
            Some(p) if p.kind == g.kind => {
                bump(&mut r.strict, &g.kind, TP);
                r.per_document.entry(g.doc.clone()).or_default().add(TP);
                if let Some(ge) = &g.entity {
                    r.linking.1 += 1;
                    if p.entity.as_ref() == Some(ge) {
                        r.linking.0 += 1;
                    } else {
                        r.wrong_links.push((g.clone(), (*p).clone()));
                    }
                }
            }
            _ => {
                bump(&mut r.strict, &g.kind, FN);
                r.per_document.entry(g.doc.clone()).or_default().add(FN);
                r.misses.push(g.clone());
            }
        }
        bump(
            &mut r.exact_span,
            &g.kind,
            if by_span.contains_key(&key(g)) {
                TP
            } else {
                FN
            },
        );
    }
    for p in predicted {
        let strict = gold_spans.get(&key(p)).is_some_and(|g| g.kind == p.kind);
        if !strict {
            bump(&mut r.strict, &p.kind, FP);
            r.per_document.entry(p.doc.clone()).or_default().add(FP);
            r.false_hits.push(p.clone());
        }
        if !gold_spans.contains_key(&key(p)) {
            bump(&mut r.exact_span, &p.kind, FP);
        }
    }
    // Overlap: match each gold mention with the first unused prediction of
    // its type that overlaps it.
    let mut used = vec![false; predicted.len()];
    for g in gold {
        let hit = predicted.iter().enumerate().find(|(i, p)| {
            !used[*i] && p.doc == g.doc && p.kind == g.kind && p.start < g.end && g.start < p.end
        });
        match hit {
            Some((i, _)) => {
                used[i] = true;
                bump(&mut r.overlap, &g.kind, TP);
            }
            None => bump(&mut r.overlap, &g.kind, FN),
        }
    }
    for (i, p) in predicted.iter().enumerate() {
        if !used[i] {
            bump(&mut r.overlap, &p.kind, FP);
        }
    }
    r
}

/// HIPE's measures: NERC strict and fuzzy, and linking at rank 1.
#[derive(Debug, Clone, Default)]
pub struct Hipe {
    pub strict: Counts,
    pub fuzzy: Counts,
    /// None when the gold gives no links.
    pub linking: Option<Counts>,
    /// The classes the gold uses, sorted.
    pub classes: Vec<String>,
}

/// A span's HIPE class: its own, or one from its type and name.
pub fn hipe_class(s: &Span) -> String {
    s.class
        .clone()
        .unwrap_or_else(|| crate::input::hipe::class_of(&s.kind, &s.text).to_string())
}

/// `predicted` with each span that runs across a sentence cut of its
/// document (`cuts`: by document, (end of a sentence, start of the next
/// token), from [`crate::input::hipe::sentence_cuts`]) cut there into
/// pieces, each keeping the whole span's class and link. This is how a
/// HIPE scorer reads the predictions written back as HIPE TSV, whose tags
/// restart at each sentence.
pub fn cut_at_sentences(
    predicted: &[Span],
    cuts: &HashMap<String, Vec<(usize, usize)>>,
) -> Vec<Span> {
    let mut out = Vec::with_capacity(predicted.len());
    for p in predicted {
        let mut start = p.start;
        let class = Some(hipe_class(p));
        let chars: Vec<char> = p.text.chars().collect();
        let piece = |from: usize, to: usize| Span {
            start: from,
            end: to,
            text: chars
                .get(from - p.start..to - p.start)
                .map_or_else(String::new, |c| c.iter().collect()),
            class: class.clone(),
            ..p.clone()
        };
        for &(end, next) in cuts.get(&p.doc).map_or(&[][..], Vec::as_slice) {
            if start < end && next < p.end && end <= next {
                out.push(piece(start, end));
                start = next;
            }
        }
        out.push(piece(start, p.end));
    }
    out
}

/// Scores `predicted` against `gold` as the HIPE-2022 scorer does (see the
/// module documentation). Fuzzy and linking matches pair each gold mention
/// with at most one prediction, the first unused one in text order. A
/// prediction without a link (a name no gazetteer lists) makes no claim
/// for linking: it is neither a match nor a false hit there.
pub fn hipe(gold: &[Span], predicted: &[Span]) -> Hipe {
    let gold_class: Vec<String> = gold.iter().map(hipe_class).collect();
    let pred_class: Vec<String> = predicted.iter().map(hipe_class).collect();
    let mut by_doc: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in predicted.iter().enumerate() {
        by_doc.entry(p.doc.as_str()).or_default().push(i);
    }
    let none = Vec::new();
    let score = |same: &dyn Fn(usize, usize) -> bool,
                 exact: bool,
                 claims: &dyn Fn(usize) -> bool|
     -> Counts {
        // A prediction that makes no claim for this measure is neither
        // matched nor a false hit.
        let mut used: Vec<bool> = (0..predicted.len()).map(|p| !claims(p)).collect();
        let mut c = Counts::default();
        for (g, gs) in gold.iter().enumerate() {
            let hit = by_doc
                .get(gs.doc.as_str())
                .unwrap_or(&none)
                .iter()
                .copied()
                .find(|&p| {
                    let ps = &predicted[p];
                    !used[p]
                        && if exact {
                            ps.start == gs.start && ps.end == gs.end
                        } else {
                            ps.start < gs.end && gs.start < ps.end
                        }
                        && same(g, p)
                });
            match hit {
                Some(p) => {
                    used[p] = true;
                    c.tp += 1;
                }
                None => c.fn_ += 1,
            }
        }
        c.fp = used.iter().filter(|u| !**u).count();
        c
    };
    let every = |_: usize| true;
    let same_class = |g: usize, p: usize| gold_class[g] == pred_class[p];
    let strict = score(&same_class, true, &every);
    let fuzzy = score(&same_class, false, &every);
    let linking = gold.iter().all(|g| g.link.is_some()).then(|| {
        let same_link = |g: usize, p: usize| {
            let nil = "NIL".to_string();
            gold[g].link.as_ref().unwrap_or(&nil) == predicted[p].link.as_ref().unwrap_or(&nil)
        };
        // A name no gazetteer lists claims no link, not even NIL.
        score(&same_link, false, &|p: usize| predicted[p].link.is_some())
    });
    let mut classes: Vec<String> = gold_class.clone();
    classes.sort();
    classes.dedup();
    Hipe {
        strict,
        fuzzy,
        linking,
        classes,
    }
}

/// Writes HIPE's measures for people.
pub fn write_hipe(h: &Hipe, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "HIPE measures (micro, classes {}):",
        if h.classes.is_empty() {
            "-".to_string()
        } else {
            h.classes.join(", ")
        }
    )?;
    writeln!(
        out,
        "{:<34}  {:>5} {:>5} {:>5}  {:>5} {:>5} {:>5}",
        "", "P", "R", "F1", "tp", "fp", "fn"
    )?;
    let mut row = |name: &str, c: &Counts| {
        writeln!(
            out,
            "{name:<34}  {:>5.3} {:>5.3} {:>5.3}  {:>5} {:>5} {:>5}",
            c.precision(),
            c.recall(),
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        )
    };
    row("NERC strict", &h.strict)?;
    row("NERC fuzzy", &h.fuzzy)?;
    match &h.linking {
        Some(c) => row("EL fuzzy, rank 1, NIL included", c)?,
        None => writeln!(out, "EL: the gold gives no wikidata column")?,
    }
    Ok(())
}

/// Writes the report for people: scores by type, by document, then every
/// miss, false hit and wrong link in context.
pub fn write_report(
    r: &Report,
    hipe: &Hipe,
    docs: &Annotated,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let row = |name: &str, c: &[&Counts]| -> String {
        let mut s = format!("{name:<14}");
        for c in c {
            s.push_str(&format!(
                "  {:>5.3} {:>5.3} {:>5.3}",
                c.precision(),
                c.recall(),
                c.f1()
            ));
        }
        let support = c.first().map_or(0, |c| c.tp + c.fn_);
        s.push_str(&format!("  {support:>7}"));
        s
    };
    writeln!(
        out,
        "{:<14}  {:^17}  {:^17}  {:^17}",
        "", "strict", "exact span", "overlap"
    )?;
    let prf = "    P     R    F1";
    writeln!(out, "{:<14}  {prf}  {prf}  {prf}  {:>7}", "type", "support")?;
    for t in TYPES.iter().copied().chain(["all"]) {
        writeln!(
            out,
            "{}",
            row(t, &[&r.strict[t], &r.exact_span[t], &r.overlap[t]])
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "linking accuracy: {:.3} ({} of {} strict matches with a gold entity)",
        r.linking_accuracy(),
        r.linking.0,
        r.linking.1
    )?;
    writeln!(out)?;
    write_hipe(hipe, out)?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<52}  {:>5} {:>5} {:>5}  {:>4} {:>4} {:>4}",
        "document (strict)", "P", "R", "F1", "tp", "fp", "fn"
    )?;
    for (doc, c) in &r.per_document {
        writeln!(
            out,
            "{doc:<52}  {:>5.3} {:>5.3} {:>5.3}  {:>4} {:>4} {:>4}",
            c.precision(),
            c.recall(),
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        )?;
    }
    let texts: HashMap<&str, Vec<char>> = docs
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.text.chars().collect()))
        .collect();
    let context = |s: &Span| -> String {
        let Some(t) = texts.get(s.doc.as_str()) else {
            return s.text.clone();
        };
        let flat = |a: usize, b: usize| {
            t[a.min(t.len())..b.min(t.len())]
                .iter()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        format!(
            "{} [{}] {}",
            flat(s.start.saturating_sub(30), s.start),
            flat(s.start, s.end),
            flat(s.end, s.end + 30)
        )
    };
    for (title, list) in [
        ("misses (gold, not found)", &r.misses),
        ("false hits (found, not gold)", &r.false_hits),
    ] {
        writeln!(out, "\n{title}: {}", list.len())?;
        for s in list {
            writeln!(
                out,
                "  {} {}..{} {:<12} {:<24} {}",
                s.doc,
                s.start,
                s.end,
                s.kind,
                s.entity.as_deref().unwrap_or("-"),
                context(s)
            )?;
        }
    }
    writeln!(
        out,
        "\nwrong links (right span, other entity): {}",
        r.wrong_links.len()
    )?;
    for (g, p) in &r.wrong_links {
        writeln!(
            out,
            "  {} {}..{} gold {} predicted {}  {}",
            g.doc,
            g.start,
            g.end,
            g.entity.as_deref().unwrap_or("-"),
            p.entity.as_deref().unwrap_or("-"),
            context(g)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(doc: &str, start: usize, end: usize, kind: &str, entity: &str) -> Span {
        Span {
            doc: doc.into(),
            start,
            end,
            text: String::new(),
            kind: kind.into(),
            entity: (!entity.is_empty()).then(|| entity.into()),
            link: None,
            class: None,
        }
    }

    #[test]
    fn hipe_strict_fuzzy_and_linking_with_nil() {
        let with = |mut s: Span, class: &str, link: &str| {
            s.class = Some(class.into());
            s.link = Some(link.into());
            s
        };
        let gold = vec![
            with(span("d", 0, 10, "Place", ""), "LOC", "Q1"),
            with(span("d", 20, 30, "Place", ""), "STREET", "NIL"),
            with(span("d", 40, 50, "Place", ""), "BUILDING", "Q3"),
        ];
        let predicted = vec![
            with(span("d", 0, 10, "Place", ""), "LOC", "Q1"), // strict, linked
            with(span("d", 22, 30, "Place", ""), "STREET", "NIL"), // fuzzy, NIL right
            with(span("d", 40, 50, "Place", ""), "LOC", "Q4"), // wrong class and link
            with(span("d", 60, 65, "Place", ""), "LOC", "NIL"), // false hit
        ];
        let h = hipe(&gold, &predicted);
        assert_eq!(
            h.strict,
            Counts {
                tp: 1,
                fp: 3,
                fn_: 2
            }
        );
        assert_eq!(
            h.fuzzy,
            Counts {
                tp: 2,
                fp: 2,
                fn_: 1
            }
        );
        assert_eq!(
            h.linking,
            Some(Counts {
                tp: 2,
                fp: 2,
                fn_: 1
            })
        );
        assert_eq!(h.classes, ["BUILDING", "LOC", "STREET"]);
    }

    #[test]
    fn a_span_across_a_sentence_cut_is_scored_in_pieces() {
        let mut p = span("d", 3, 12, "Place", "");
        p.text = "St. Marys".into();
        let cuts = HashMap::from([("d".to_string(), vec![(6, 7)])]);
        let pieces = cut_at_sentences(&[p], &cuts);
        let got: Vec<(usize, usize, &str, Option<&str>)> = pieces
            .iter()
            .map(|s| (s.start, s.end, s.text.as_str(), s.class.as_deref()))
            .collect();
        assert_eq!(
            got,
            [(3, 6, "St.", Some("LOC")), (7, 12, "Marys", Some("LOC"))]
        );
        // Elsewhere, or in another document, nothing is cut.
        let q = span("e", 3, 12, "Place", "");
        let whole = cut_at_sentences(std::slice::from_ref(&q), &cuts);
        assert_eq!(
            whole.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(),
            [(3, 12)]
        );
    }

    #[test]
    fn names_for_a_task_are_its_outermost_names_of_its_classes() {
        use crate::export::annotations::{Document, Entity, Mention};
        use crate::input::gazetteer::EntityType;
        let entity = |id: &str, kind| Entity {
            id: id.into(),
            iri: format!("https://example.org/e/{id}"),
            label: id.into(),
            kind,
            wikidata: None,
        };
        let mention = |start, end, entity, nested_in| Mention {
            start,
            end,
            text: String::new(),
            entity,
            nested_in,
        };
        let unlisted = |start, end, kind| crate::read::Unlisted {
            start,
            end,
            text: String::new(),
            kind,
            reason: None,
        };
        // "Leeds Operative Society … Leeds Intelligencer … Hall Street … Mr. Hirst"
        let docs = Annotated {
            entities: vec![entity("leeds", EntityType::Place)],
            documents: vec![Document {
                id: "d".into(),
                iri: String::new(),
                title: String::new(),
                kind: String::new(),
                date: None,
                text: String::new(),
                mentions: vec![
                    mention(0, 5, 0, Some((0, 22))),
                    mention(30, 35, 0, Some((30, 47))),
                ],
                unlisted: vec![
                    unlisted(0, 22, EntityType::Organisation),
                    unlisted(30, 47, EntityType::Place),
                    unlisted(50, 61, EntityType::Place),
                    unlisted(70, 75, EntityType::Person),
                ],
            }],
        };
        let classes: HashSet<String> = ["LOC", "STREET"].map(String::from).into();
        let got: Vec<(usize, usize, Option<String>)> =
            predicted_names(&docs, &classes, &HashMap::new())
                .into_iter()
                .map(|s| (s.start, s.end, s.class))
                .collect();
        // The organisation is outside the task, so the place in it is the
        // outermost name; the place's name holds its own; no person.
        assert_eq!(
            got,
            [
                (0, 5, Some("LOC".to_string())),
                (30, 47, Some("LOC".to_string())),
                (50, 61, Some("LOC".to_string())),
            ]
        );
    }

    #[test]
    fn strict_exact_span_and_overlap_count_as_nervaluate_does() {
        let gold = vec![
            span("d", 0, 6, "Person", "stalin"),
            span("d", 10, 18, "Place", "tel-aviv"),
            span("d", 20, 30, "Organisation", "un"),
            span("d", 40, 45, "Person", "razin"),
        ];
        let predicted = vec![
            span("d", 0, 6, "Person", "stalin"),     // strict hit, right link
            span("d", 10, 18, "Person", "tel-aviv"), // right span, wrong type
            span("d", 22, 30, "Organisation", "un"), // overlap only
            span("d", 40, 45, "Person", "sharett"),  // strict hit, wrong link
            span("d", 50, 55, "Place", "sofia"),     // false hit
        ];
        let r = evaluate(&gold, &predicted);
        assert_eq!(
            r.strict["all"],
            Counts {
                tp: 2,
                fp: 3,
                fn_: 2
            }
        );
        assert_eq!(
            r.exact_span["all"],
            Counts {
                tp: 3,
                fp: 2,
                fn_: 1
            }
        );
        assert_eq!(
            r.overlap["all"],
            Counts {
                tp: 3,
                fp: 2,
                fn_: 1
            }
        );
        assert_eq!(
            r.strict["Person"],
            Counts {
                tp: 2,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(r.linking, (1, 2));
        assert_eq!(r.wrong_links.len(), 1);
        assert_eq!(r.misses.len(), 2);
        assert!((r.strict["all"].f1() - 0.444).abs() < 0.001);
    }
}
