//! `annalist discover`: names the gazetteer lacks, and likely spellings of
//! names it knows.

use super::Context;
use crate::cli::DiscoverArgs;
use annalist::export::annotations::Annotated;
use annalist::input::gazetteer::Gazetteer;
use annalist::output::print_rows;
use annalist::review::discover::{self, KnownName, Text};
use annalist::{Error, Result};
use std::io::Write;

pub fn run(ctx: &Context, args: &DiscoverArgs, out: &mut dyn Write) -> Result<()> {
    let table = Context::table(args.format);
    let (store, _) = ctx.store()?;
    let docs = Annotated::from_store(&store)?;
    let corpus = ctx.build.load_corpus()?;
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    let candidates = find(&docs, &gazetteer, args.min_count);

    let rows: Vec<Vec<String>> = candidates
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.kind.unwrap_or("").to_string(),
                c.count.to_string(),
                c.variant_of
                    .as_ref()
                    .map(|(name, id, score)| format!("{id} ({name}, {score:.2})"))
                    .unwrap_or_default(),
                c.occurrences
                    .first()
                    .map(|o| format!("{}: {}", o.doc, o.context))
                    .unwrap_or_default(),
                c.aliases.join("|"),
            ]
        })
        .collect();
    print_rows(
        out,
        &[
            "name",
            "type",
            "count",
            "variant of",
            "first seen",
            "aliases",
        ],
        &rows,
        table,
    )?;

    if let Some(path) = &args.output {
        let fail = |e: csv::Error| Error::io(path, e.into());
        annalist::output::write_file(path, |out| {
            let mut w = csv::Writer::from_writer(out);
            // The columns a candidate fills; the optional facts (such as
            // coordinates) are left out, so that the rows paste into a
            // gazetteer with or without them.
            let columns = &annalist::input::gazetteer::COLUMNS;
            w.write_record(columns).map_err(fail)?;
            for c in &candidates {
                w.write_record(discover::gazetteer_row(c)).map_err(fail)?;
            }
            w.flush().map_err(|e| Error::io(path, e))
        })?;
        if !ctx.quiet {
            eprintln!(
                "wrote {} candidate rows to {}",
                candidates.len(),
                path.display()
            );
        }
    }
    Ok(())
}

/// The names the gazetteer lacks, found in the store's documents (shared
/// with `link --discovered`).
pub fn find(docs: &Annotated, gazetteer: &Gazetteer, min_count: usize) -> Vec<discover::Candidate> {
    // Every name the gazetteer knows, without the quotes of a quoted alias.
    let mut known = Vec::new();
    for e in &gazetteer.entities {
        for name in e.names() {
            let name = name
                .strip_prefix('"')
                .and_then(|n| n.strip_suffix('"'))
                .unwrap_or(name);
            known.push(KnownName {
                name,
                entity: &e.id,
                kind: e.kind.name(),
            });
        }
    }
    // What the tagger found is no candidate: its spans, in bytes. The
    // names the build recognised, which no gazetteer lists, are added to
    // the candidates after.
    let mut covered: Vec<(&str, Vec<(usize, usize)>)> = Vec::new();
    let mut recognised = Vec::new();
    for (i, d) in docs.documents.iter().enumerate() {
        let bytes: Vec<usize> = d
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain([d.text.len()])
            .collect();
        let in_bytes = |start: usize, end: usize| Some((*bytes.get(start)?, *bytes.get(end)?));
        let spans = d
            .mentions
            .iter()
            .filter_map(|m| in_bytes(m.start, m.end))
            .collect();
        covered.push((d.id.as_str(), spans));
        for u in &d.unlisted {
            if let Some((start, end)) = in_bytes(u.start, u.end) {
                recognised.push(discover::Recognised {
                    text: i,
                    start,
                    end,
                    kind: u.kind.name(),
                });
            }
        }
    }
    let texts: Vec<Text<'_>> = docs
        .documents
        .iter()
        .map(|d| Text {
            doc: &d.id,
            text: &d.text,
        })
        .collect();
    let mut out = discover::candidates(&texts, &known, &covered, min_count);
    discover::add_recognised(&mut out, &texts, &recognised);
    out
}
