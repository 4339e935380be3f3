//! `annalist gazetteer import wikidata`: dumps in, gazetteer rows out.

use super::Context;
use crate::cli::{DumpArgs, GazetteerArgs, GazetteerCommand, ImportSource};
use annalist::wikidata::dump::{self, Classes, ImportConfig, ReadConfig};
use annalist::Result;
use std::path::PathBuf;

pub fn run(ctx: &Context, args: &GazetteerArgs) -> Result<()> {
    let GazetteerCommand::Import(import) = &args.command;
    let ImportSource::Wikidata(args) = &import.source;
    let config = ImportConfig {
        read: read_config(&args.dumps, &args.dump)?,
        output: args.output.clone(),
    };
    let summary = dump::import(&config)?;
    let s = &summary.stream;
    for d in &summary.duplicate_examples {
        eprintln!("duplicate: {d}");
    }
    for b in s.bad_examples.iter().chain(&s.bad_files) {
        eprintln!("warning: skipped {b}");
    }
    if !ctx.quiet {
        eprintln!(
            "{} entity lines ({:.1} MB of JSON) read; {} kept, {} added to {} ({} rows were there), {} duplicates, {} bad lines, {} broken dumps",
            s.lines,
            s.bytes as f64 / 1e6,
            s.kept,
            summary.added,
            config.output.display(),
            summary.existing,
            summary.duplicates,
            s.bad_lines,
            s.bad_files.len()
        );
    }
    Ok(())
}

/// The dump reading options, shared with `link`.
pub fn read_config(dumps: &[PathBuf], args: &DumpArgs) -> Result<ReadConfig> {
    let classes = match &args.classes {
        Some(path) => Classes::load(path)?,
        None => Classes::defaults(),
    };
    Ok(ReadConfig {
        dumps: dumps.to_vec(),
        languages: args
            .languages
            .iter()
            .map(|l| l.trim().to_string())
            .collect(),
        classes,
        keep_going: args.keep_going,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    })
}
