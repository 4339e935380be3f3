//! `annalist evaluate`: score the tagger (or a prediction file) against a
//! gold standard.

use super::Context;
use crate::cli::EvaluateArgs;
use annalist::annotations::Annotated;
use annalist::evaluate;
use annalist::gazetteer::Gazetteer;
use annalist::{corpus::Corpus, Error, Result};
use std::io::Write;

/// Returns whether the strict F1 reaches `--min-f1` (true without it).
pub fn run(ctx: &Context, args: &EvaluateArgs, out: &mut dyn Write) -> Result<bool> {
    let (store, _) = ctx.store()?;
    let docs = Annotated::from_store(&store)?;
    let corpus = Corpus::load(&ctx.build.corpus)?;
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    let exists = |id: &str| gazetteer.get(id).is_some();
    let gold_path = args
        .gold
        .clone()
        .unwrap_or_else(|| ctx.build.corpus.join("gold.csv"));
    let gold = evaluate::read(&gold_path, &docs, exists)?;
    let predicted = match &args.predicted {
        Some(p) => evaluate::read(p, &docs, exists)?,
        None => evaluate::predicted(&docs),
    };
    let report = evaluate::evaluate(&gold, &predicted);
    evaluate::write_report(&report, &docs, out).map_err(Error::Output)?;
    let f1 = report.strict["all"].f1();
    Ok(args.min_f1.is_none_or(|min| f1 >= min))
}
