//! `annalist add FILE…`: copy texts into the corpus and describe them in
//! its document sheet.

use super::Context;
use crate::cli::AddArgs;
use annalist::input::add::{add, NewDocuments};
use annalist::Result;

pub fn run(ctx: &Context, args: &AddArgs) -> Result<()> {
    let meta = NewDocuments {
        id: args.id.clone(),
        title: args.title.clone(),
        kind: args.kind.clone(),
        date: args.date.clone(),
        authors: args.authors.clone(),
        recipients: args.recipients.clone(),
        source: args.source.clone(),
        language: args.language.clone(),
        note: args.note.clone(),
    };
    for a in add(
        &ctx.build.corpus,
        &args.files,
        &meta,
        ctx.build.load_options(),
    )? {
        if !ctx.quiet {
            let how = if a.copied {
                "copied to"
            } else {
                "described at"
            };
            eprintln!("added document {} ({how} {})", a.id, a.path);
        }
    }
    Ok(())
}
