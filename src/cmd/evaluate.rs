//! `annalist evaluate`: score the tagger (or a prediction file) against a
//! gold standard.

use super::Context;
use crate::cli::EvaluateArgs;
use annalist::annotations::Annotated;
use annalist::evaluate;
use annalist::gazetteer::Gazetteer;
use annalist::{Error, Result};
use std::io::Write;

/// Returns whether the strict F1 reaches `--min-f1` (true without it).
pub fn run(ctx: &Context, args: &EvaluateArgs, out: &mut dyn Write) -> Result<bool> {
    if let Some(min) = args.min_f1.filter(|m| !(0.0..=1.0).contains(m)) {
        return Err(Error::Usage {
            message: format!("--min-f1 {min} is not a score between 0 and 1"),
            fix: "give the lowest acceptable F1 as a number from 0 to 1, e.g. --min-f1 0.8".into(),
        });
    }
    let gold_path = args
        .gold
        .clone()
        .unwrap_or_else(|| ctx.build.corpus.join("gold.csv"));
    for (option, path) in [
        ("--gold", Some(&gold_path)),
        ("--predicted", args.predicted.as_ref()),
    ] {
        if let Some(path) = path.filter(|p| !p.is_file()) {
            return Err(Error::Usage {
                message: format!("{}: no such file ({option})", path.display()),
                fix: "give the CSV file with columns document,start,end,text,type,entity (the gold standard is CORPUS/gold.csv unless --gold says otherwise)".into(),
            });
        }
    }
    let (store, _) = ctx.store()?;
    let docs = Annotated::from_store(&store)?;
    let corpus = ctx.build.load_corpus()?;
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    let exists = |id: &str| gazetteer.get(id).is_some();
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
