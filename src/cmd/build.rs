//! `annalist build`: build the store from the corpus.

use super::Context;
use crate::cli::BuildArgs;
use annalist::pipeline;
use annalist::Result;

pub fn run(ctx: &Context, args: &BuildArgs) -> Result<()> {
    if args.strict {
        pipeline::strict_check(&ctx.build)?;
    }
    let summary = if args.force {
        Some(pipeline::build(&ctx.build)?)
    } else {
        let (summary, warnings) = pipeline::ensure_built_or_warn(&ctx.build)?;
        for w in warnings {
            eprintln!("warning: {w}");
        }
        summary
    };
    match summary {
        Some(s) => {
            ctx.report(&s);
            if args.timings {
                let phases: Vec<String> = s
                    .phases
                    .iter()
                    .map(|(name, d)| format!("{name} {:.2} s", d.as_secs_f64()))
                    .collect();
                eprintln!("timings: {}", phases.join(", "));
            }
        }
        None if !ctx.quiet => eprintln!(
            "{} is up to date with {} (use --force to rebuild).",
            ctx.build.store.display(),
            ctx.build.corpus.display()
        ),
        None => {}
    }
    Ok(())
}
