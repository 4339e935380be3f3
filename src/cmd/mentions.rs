//! `annalist mentions`: a keyword-in-context list of mentions, for review,
//! each with how it was found and, for a derived one, why.

use super::Context;
use crate::cli::{HowArg, MentionsArgs};
use annalist::annotate::How;
use annalist::output::print_rows;
use annalist::read::{self, Order, Reader};
use annalist::Result;
use std::io::Write;

/// The `how` column of a mention: its way, and `nested` for one inside an
/// event's or work's name.
fn how_name(how: Option<How>, nested: bool) -> String {
    let name = how.map_or("listed", How::name);
    if nested {
        format!("{name} nested")
    } else {
        name.to_string()
    }
}

fn wanted(filter: &[HowArg], how: Option<How>, nested: bool, shared: bool) -> bool {
    filter.is_empty()
        || filter.iter().any(|f| match f {
            HowArg::Shared => shared,
            HowArg::Nested => nested,
            _ if shared => false,
            HowArg::Listed => how.unwrap_or(How::Listed) == How::Listed,
            HowArg::Case => how == Some(How::Case),
            HowArg::Surname => how == Some(How::Surname),
            HowArg::Initials => how == Some(How::Initials),
            HowArg::ShortForm => how == Some(How::ShortForm),
            HowArg::Spelling => how == Some(How::Spelling),
            HowArg::Context => how == Some(How::Context),
            HowArg::Review => how == Some(How::Review),
            HowArg::Unlisted => how == Some(How::Unlisted),
        })
}

pub fn run(ctx: &Context, args: &MentionsArgs, out: &mut dyn Write) -> Result<()> {
    let table = Context::table(args.format);
    let (store, _) = ctx.store()?;
    let reader = Reader::new(&store);
    let entities = reader.entities()?;
    let by_iri = read::by_iri(&entities);
    let mut rows = Vec::new();
    for key in reader.documents(Order::FileStart)? {
        if args.document.as_ref().is_some_and(|id| id != &key.id) {
            continue;
        }
        let graph = reader.graph(&key)?;
        let Some(text) = graph.document()?.text else {
            continue;
        };
        let text: Vec<char> = text.chars().collect();
        let flat = |a: usize, b: usize| -> String {
            text[a.min(text.len())..b.min(text.len())]
                .iter()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        // (start, end, entity, type, Wikidata id, how, reason)
        let mut here: Vec<[String; 5]> = Vec::new();
        let mut places: Vec<(usize, usize, usize)> = Vec::new();
        for m in graph.mentions()? {
            let Some(e) = by_iri.get(m.entity.as_str()) else {
                continue;
            };
            let nested = m.nested_in.is_some();
            if !wanted(&args.how, m.how, nested, false)
                || args.unlinked && e.wikidata.is_some()
                || args.entity.as_ref().is_some_and(|want| want != &e.id)
            {
                continue;
            }
            places.push((m.start, m.end, here.len()));
            here.push([
                e.id.clone(),
                e.kind.name().to_string(),
                e.wikidata.clone().unwrap_or_default(),
                how_name(m.how, nested),
                m.reason.unwrap_or_default(),
            ]);
        }
        for s in graph.shared()? {
            let mut candidates: Vec<&str> = s
                .candidates
                .iter()
                .filter_map(|c| by_iri.get(c.as_str()).map(|e| e.id.as_str()))
                .collect();
            if candidates.is_empty()
                || !wanted(&args.how, None, false, true)
                || args
                    .entity
                    .as_ref()
                    .is_some_and(|want| !candidates.contains(&want.as_str()))
            {
                continue;
            }
            candidates.sort_unstable();
            places.push((s.start, s.end, here.len()));
            here.push([
                format!("shared: {}", candidates.join("|")),
                String::new(),
                String::new(),
                "shared".to_string(),
                s.reason.unwrap_or_default(),
            ]);
        }
        for u in graph.unlisted()? {
            // No entity, so no `--entity` asks for it; no link, so
            // `--unlinked` keeps it.
            if !wanted(&args.how, Some(How::Unlisted), false, false) || args.entity.is_some() {
                continue;
            }
            places.push((u.start, u.end, here.len()));
            here.push([
                "unlisted".to_string(),
                u.kind.name().to_string(),
                String::new(),
                How::Unlisted.name().to_string(),
                u.reason.unwrap_or_default(),
            ]);
        }
        places.sort_by(|a, b| (a.0, a.1, &here[a.2]).cmp(&(b.0, b.1, &here[b.2])));
        for (s, e, i) in places {
            let [entity, kind, wikidata, how, reason] = here[i].clone();
            rows.push(vec![
                key.id.clone(),
                s.to_string(),
                e.to_string(),
                flat(s.saturating_sub(40), s),
                flat(s, e),
                flat(e, e + 40),
                entity,
                kind,
                wikidata,
                how,
                reason,
            ]);
        }
    }
    print_rows(
        out,
        &[
            "document", "start", "end", "left", "mention", "right", "entity", "type", "wikidata",
            "how", "reason",
        ],
        &rows,
        table,
    )
}
