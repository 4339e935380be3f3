//! `annalist link`: Wikidata candidates for unlinked entities, and the
//! reviewed table back into the gazetteer.

use super::Context;
use crate::cli::LinkArgs;
use annalist::export::annotations::Annotated;
use annalist::input::corpus::Corpus;
use annalist::input::gazetteer::Gazetteer;
use annalist::wikidata::link;
use annalist::{Error, Result};
use std::io::Write;

pub fn run(ctx: &Context, args: &LinkArgs, out: &mut dyn Write) -> Result<()> {
    let corpus = Corpus::load(&ctx.build.corpus)?;
    if let Some(table) = &args.accept {
        let done = link::accept(table, &corpus.gazetteer_path)?;
        if !ctx.quiet {
            for (id, qid) in &done.linked {
                eprintln!("linked {id} to {qid}");
            }
            eprintln!(
                "{} entities linked in {}, {} had their QID already",
                done.linked.len(),
                corpus.gazetteer_path.display(),
                done.unchanged
            );
        }
        return Ok(());
    }
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    let (store, _) = ctx.store()?;
    let docs = Annotated::from_store(&store)?;
    drop(store);
    let mut years = link::mention_years(&docs);
    let mut targets = gazetteer;
    if args.discovered {
        let found = super::discover::find(&docs, &targets, 2);
        let dates: std::collections::HashMap<&str, &str> = docs
            .documents
            .iter()
            .filter_map(|d| Some((d.id.as_str(), d.date.as_deref()?)))
            .collect();
        let (g, y) = link::discovered_targets(&found, &dates);
        targets.entities.extend(g.entities);
        years.extend(y);
    }
    let read = super::gazetteer::read_config(&[], &args.dump)?;
    let rows = link::propose(&targets, &years, &args.wikidata, &read, args.top)?;
    let unmatched: Vec<&str> = rows
        .iter()
        .filter(|r| r.qid.is_none())
        .map(|r| r.entity.as_str())
        .collect();
    if !ctx.quiet {
        eprintln!(
            "{} unlinked entities: {} with candidates, {} match nothing{}",
            rows.iter()
                .filter(|r| r.rank.is_none_or(|n| n == 1))
                .count(),
            rows.iter().filter(|r| r.rank == Some(1)).count(),
            unmatched.len(),
            match unmatched.len() {
                0 => String::new(),
                n if n <= 10 => format!(" ({})", unmatched.join(", ")),
                _ => format!(" ({}, …)", unmatched[..10].join(", ")),
            }
        );
    }
    match &args.output {
        Some(path) => {
            let tmp = annalist::wikidata::dump::aside(path);
            let mut file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let written = link::write_table(&mut file, &rows)
                .and_then(|()| file.sync_all().map_err(|e| Error::io(&tmp, e)));
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
        }
        None => link::write_table(out, &rows),
    }
}
