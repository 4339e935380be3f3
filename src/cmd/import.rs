//! `annalist import`: make a corpus from another format.

use super::Context;
use crate::cli::{CorpusImportArgs, CorpusImportSource};
use annalist::input::hipe::{self, ImportOptions};
use annalist::Result;

pub fn run(ctx: &Context, args: &CorpusImportArgs) -> Result<()> {
    match &args.source {
        CorpusImportSource::Hipe(a) => {
            let options = ImportOptions {
                gazetteer: a.gazetteer || !a.gazetteer_from.is_empty(),
                gazetteer_from: a.gazetteer_from.clone(),
            };
            let done = hipe::import(&a.files, &a.output, &options)?;
            if !ctx.quiet {
                eprintln!(
                    "Imported {} documents into {}: {} gold mentions{}, {} gazetteer entities.",
                    done.documents,
                    a.output.display(),
                    done.mentions,
                    if done.skipped > 0 {
                        format!(
                            " ({} of classes annalist does not tag left out)",
                            done.skipped
                        )
                    } else {
                        String::new()
                    },
                    done.entities
                );
            }
            Ok(())
        }
    }
}
