//! `annalist init DIR`: write a new, empty corpus.

use crate::cli::InitArgs;
use annalist::Result;

pub fn run(args: &InitArgs) -> Result<()> {
    for path in annalist::init::init(&args.dir)? {
        eprintln!("created {}", path.display());
    }
    eprintln!(
        "Next: put UTF-8 texts in {}/texts, describe them in manifest.toml, list entities in gazetteer.csv, then run `annalist build --corpus {}`.",
        args.dir.display(),
        args.dir.display()
    );
    Ok(())
}
