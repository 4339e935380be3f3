//! `annalist search`: the documents and passages that hold some words.

use super::Context;
use crate::cli::{SearchArgs, SearchFormat};
use annalist::store::search::{self, Format};
use annalist::{Error, Result};
use std::io::Write;

pub fn run(ctx: &Context, args: &SearchArgs, out: &mut dyn Write) -> Result<()> {
    if args.limit == 0 {
        return Err(Error::Usage {
            message: "--limit 0 would list nothing".into(),
            fix: "give a number of documents such as --limit 20".into(),
        });
    }
    let query = args.words.join(" ");
    search::check(&query)?;
    let generation = ctx.generation()?;
    let hits = search::search(&generation, &query, args.limit)?;
    if hits.is_empty() {
        eprintln!("no document contains {query:?}");
    }
    let format = match args.format {
        SearchFormat::Table => Format::Table,
        SearchFormat::Csv => Format::Csv,
        SearchFormat::Json => Format::Json,
    };
    search::write(out, &hits, format)
}
