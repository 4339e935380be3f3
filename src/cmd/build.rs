//! `annalist build`: build the store from the corpus.

use super::Context;
use crate::cli::{BuildArgs, EmitFormat};
use annalist::pipeline::shard::{self, Shard};
use annalist::store::stamp::CheckMode;
use annalist::{pipeline, Result};

pub fn run(ctx: &Context, args: &BuildArgs) -> Result<()> {
    if args.strict {
        pipeline::strict_check(&ctx.build)?;
    }
    if let (Some(EmitFormat::Nquads), Some(dir)) = (args.emit, &args.dir) {
        let started = std::time::Instant::now();
        let summary = shard::emit_nquads(&ctx.build, args.shard.unwrap_or(Shard::WHOLE), dir)?;
        for w in &summary.warnings {
            eprintln!("warning: {w}");
        }
        if !ctx.quiet {
            eprintln!("{summary}");
        }
        if args.timings {
            eprintln!("timings: total {:.2} s", started.elapsed().as_secs_f64());
        }
        return Ok(());
    }
    let summary = if args.force {
        Some(pipeline::build(&ctx.build)?)
    } else {
        // The stamp answers for an unchanged corpus, as it does for the
        // reading commands, with every text looked at before the answer.
        let config = pipeline::BuildConfig {
            check: CheckMode::Full,
            ..ctx.build.clone()
        };
        let ready = pipeline::ensure_built_quickly(&config)?;
        for w in ready.warnings {
            eprintln!("warning: {w}");
        }
        ready.summary
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
