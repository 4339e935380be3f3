//! `annalist mentions`: a keyword-in-context list of mentions, for review.

use super::Context;
use crate::cli::MentionsArgs;
use annalist::annotations::Annotated;
use annalist::export::print_rows;
use annalist::read::{self, Order, Reader};
use annalist::Result;
use std::collections::HashMap;
use std::io::Write;

pub fn run(ctx: &Context, args: &MentionsArgs, out: &mut dyn Write) -> Result<()> {
    let table = Context::table(&args.format)?;
    let (store, _) = ctx.store()?;
    let docs = Annotated::from_store(&store)?;
    // Names several entities share, left unlinked, by document id.
    let reader = Reader::new(&store);
    let entities = reader.entities()?;
    let by_iri = read::by_iri(&entities);
    let mut shared: HashMap<String, Vec<read::Shared>> = HashMap::new();
    for key in reader.documents(Order::Id)? {
        if args.document.as_ref().is_some_and(|id| id != &key.id) {
            continue;
        }
        let here = reader.shared(&key)?;
        if !here.is_empty() {
            shared.entry(key.id).or_default().extend(here);
        }
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
        for s in shared.get(&d.id).into_iter().flatten() {
            let mut candidates: Vec<&str> = s
                .candidates
                .iter()
                .filter_map(|c| by_iri.get(c.as_str()).map(|e| e.id.as_str()))
                .collect();
            if candidates.is_empty() {
                continue;
            }
            candidates.sort_unstable();
            let label = format!("shared: {}", candidates.join("|"));
            here.push((s.start, s.end, label, String::new(), String::new()));
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
