//! `annalist init DIR`: write a new, empty corpus.

use crate::cli::InitArgs;
use annalist::Result;

pub fn run(args: &InitArgs) -> Result<()> {
    for path in annalist::input::init::init(&args.dir)? {
        eprintln!("created {}", path.display());
    }
    eprintln!(
        "Next: list entities in {}/gazetteer.csv, add UTF-8 texts with `annalist add --corpus {} FILE… --date … --author …` (or describe them in documents.csv or manifest.toml), then run `annalist build --corpus {}`.",
        args.dir.display(),
        args.dir.display(),
        args.dir.display()
    );
    Ok(())
}
