//! `annalist build`: build the store from the corpus.

use super::Context;
use crate::cli::{BuildArgs, EmitFormat};
use annalist::pipeline::shard::{self, Shard};
use annalist::read::query::{self, Format, QueryConfig};
use annalist::store::answers::{Answers, Keep, Question, ANSWER_AHEAD_UP_TO};
use annalist::store::stamp::CheckMode;
use annalist::store::{Reader, StoreDir};
use annalist::{pipeline, Result};
use oxigraph::sparql::results::QueryResultsFormat;

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
    match &summary {
        Some(s) => {
            ctx.report(s);
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
    if args.answers {
        keep_answers(ctx, args.timings, true)?;
    } else if let (Some(s), false) = (&summary, args.no_answers) {
        answer_ahead(ctx, s, args.timings);
    }
    Ok(())
}

/// How long a build that answers ahead by itself gives each question: a
/// corpus's own query may be slow on any store, and the build is not
/// there to wait for it.
const AHEAD_LIMIT: std::time::Duration = std::time::Duration::from_secs(1);

/// After a build that changed the store: on a store of at most
/// [`ANSWER_AHEAD_UP_TO`] quads, answers the query library ahead and
/// keeps the answers, as `build --answers` does, each question within
/// [`AHEAD_LIMIT`]. Best-effort: a query that fails or takes longer is
/// left to be answered when it is asked.
pub fn answer_ahead(ctx: &Context, summary: &pipeline::Summary, timings: bool) {
    if summary.info.quads <= ANSWER_AHEAD_UP_TO {
        let _ = keep_answers(ctx, timings, false);
    }
}

/// Answers every named query on the generation in use and keeps what it
/// finds: a query whose answer is kept already is not asked again. A query
/// that fails is reported (when the answers were `asked_for`) and the
/// others are still answered; the first failure is the command's.
fn keep_answers(ctx: &Context, timings: bool, asked_for: bool) -> Result<()> {
    let started = std::time::Instant::now();
    // Held only while answering: a server that built first must not keep
    // the generation from removal once it follows a newer one.
    let Reader { store, info, lease } = StoreDir::new(&ctx.build.store).open_reader()?;
    let generation = lease.path.clone();
    let answers = Answers::of(&generation, true, Keep::Always);
    let mut first_error = None;
    let mut asked = 0;
    for q in super::serve::queries(ctx)? {
        let question = Question {
            text: &q.text,
            bindings: &[],
            dataset: None,
        };
        // Kept as solutions, and printed as scripts read them.
        let format = Format::Results(QueryResultsFormat::Csv);
        if query::printed_name(format).is_some_and(|f| answers.has(&question, f)) {
            asked += 1;
            continue;
        }
        let config = QueryConfig {
            origin: if q.from == "library" {
                format!("queries/{}.rq", q.name)
            } else {
                format!(
                    "{}.rq",
                    ctx.build.corpus.join("queries").join(&q.name).display()
                )
            },
            bindings: Vec::new(),
            timeout: (!asked_for).then_some(AHEAD_LIMIT),
            format: Some(format),
            table_by_default: false,
            base_iri: info.base_iri.clone(),
            dataset: None,
            answers: Some(answers.clone()),
        };
        let asked_at = std::time::Instant::now();
        match query::run(&store, &q.text, &config, &mut std::io::sink()) {
            Ok(_) => asked += 1,
            Err(e) => {
                if asked_for {
                    eprintln!("error: query {}: {e}", q.name);
                }
                first_error.get_or_insert(e);
            }
        }
        if timings {
            eprintln!(
                "timings: answer {} {:.2} s",
                q.name,
                asked_at.elapsed().as_secs_f64()
            );
        }
    }
    if asked_for && !ctx.quiet {
        eprintln!(
            "Kept the answers of {asked} queries with the store in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    first_error.map_or(Ok(()), Err)
}
