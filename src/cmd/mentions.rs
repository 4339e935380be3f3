//! `annalist mentions`: a keyword-in-context list of mentions, for review.

use super::Context;
use crate::cli::MentionsArgs;
use annalist::annotations::Annotated;
use annalist::export::{print_rows, select};
use annalist::vocab::SPARQL_PREFIXES;
use annalist::Result;
use std::collections::HashMap;
use std::io::Write;

/// Names several entities share, left unlinked: document, start, end,
/// candidate ids.
const SHARED: &str = "
SELECT ?doc ?start ?end ?candidate WHERE {
  ?m ans:candidate ?e ; nif:beginIndex ?start ; nif:endIndex ?end ;
     nif:referenceContext/nif:sourceUrl/dcterms:identifier ?doc .
  ?e dcterms:identifier ?candidate .
} ORDER BY ?doc ?start ?candidate";

pub fn run(ctx: &Context, args: &MentionsArgs, out: &mut dyn Write) -> Result<()> {
    let table = Context::table(&args.format)?;
    let (store, _) = ctx.store()?;
    let docs = Annotated::from_store(&store)?;
    let mut shared: HashMap<(String, usize, usize), Vec<String>> = HashMap::new();
    for r in select(&store, &format!("{SPARQL_PREFIXES}{SHARED}"))? {
        let key = (
            r[0].clone(),
            r[1].parse().unwrap_or(0),
            r[2].parse().unwrap_or(0),
        );
        shared.entry(key).or_default().push(r[3].clone());
    }
    let mut rows = Vec::new();
    for d in &docs.documents {
        if args.document.as_ref().is_some_and(|id| id != &d.id) {
            continue;
        }
        let text: Vec<char> = d.text.chars().collect();
        let flat = |a: usize, b: usize| -> String {
            text[a.min(text.len())..b.min(text.len())]
                .iter()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        // (start, end, entity, type, Wikidata id)
        let mut here: Vec<(usize, usize, String, String, String)> = d
            .mentions
            .iter()
            .map(|m| {
                let e = &docs.entities[m.entity];
                let wikidata = e.wikidata.clone().unwrap_or_default();
                (m.start, m.end, e.id.clone(), e.kind.clone(), wikidata)
            })
            .collect();
        for ((doc, s, e), candidates) in &mut shared {
            candidates.sort();
            if doc == &d.id {
                let shared = format!("shared: {}", candidates.join("|"));
                here.push((*s, *e, shared, String::new(), String::new()));
            }
        }
        here.sort();
        for (s, e, entity, kind, wikidata) in here {
            let unlinked = wikidata.is_empty();
            if args.unlinked && !unlinked {
                continue;
            }
            if let Some(want) = &args.entity {
                if &entity != want
                    && !entity
                        .strip_prefix("shared: ")
                        .is_some_and(|c| c.split('|').any(|x| x == want))
                {
                    continue;
                }
            }
            rows.push(vec![
                d.id.clone(),
                s.to_string(),
                e.to_string(),
                flat(s.saturating_sub(40), s),
                flat(s, e),
                flat(e, e + 40),
                entity,
                kind,
                wikidata,
            ]);
        }
    }
    print_rows(
        out,
        &[
            "document", "start", "end", "left", "mention", "right", "entity", "type", "wikidata",
        ],
        &rows,
        table,
    )
}
