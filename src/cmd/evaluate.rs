//! `annalist evaluate`: score the tagger (or a prediction file) against a
//! gold standard.

use super::{Context, Status};
use crate::cli::EvaluateArgs;
use annalist::export::annotations::Annotated;
use annalist::input::gazetteer::Gazetteer;
use annalist::input::hipe;
use annalist::review::evaluate;
use annalist::{Error, Result};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Returns whether the strict F1 reaches `--min-f1` (true without it).
pub fn run(ctx: &Context, args: &EvaluateArgs, out: &mut dyn Write) -> Result<Status> {
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
    let hipe = evaluate::hipe(&gold, &predicted);
    evaluate::write_report(&report, &hipe, &docs, out).map_err(Error::Output)?;
    if let Some(path) = &args.hipe_out {
        write_hipe(&ctx.build.corpus, path, &predicted)?;
        if !ctx.quiet {
            eprintln!("wrote the predictions as HIPE TSV to {}", path.display());
        }
    }
    let f1 = report.strict["all"].f1();
    Ok(if args.min_f1.is_none_or(|min| f1 >= min) {
        Status::Success
    } else {
        Status::No
    })
}

/// Writes `predicted` as HIPE TSV over the tokens of CORPUS/hipe/*.tsv.
fn write_hipe(corpus: &Path, path: &Path, predicted: &[evaluate::Span]) -> Result<()> {
    let dir = corpus.join("hipe");
    let mut files: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
            .collect(),
        Err(_) => Vec::new(),
    };
    if files.is_empty() {
        return Err(Error::Usage {
            message: format!("--hipe-out: {} holds no HIPE .tsv file", dir.display()),
            fix: "make the corpus with `annalist import hipe FILE.tsv… -o DIR`, which keeps the files there".into(),
        });
    }
    files.sort();
    let files = files
        .iter()
        .map(|f| hipe::read(f))
        .collect::<Result<Vec<_>>>()?;
    let mut by_doc: HashMap<String, Vec<hipe::Prediction>> = HashMap::new();
    for p in predicted {
        by_doc
            .entry(p.doc.clone())
            .or_default()
            .push(hipe::Prediction {
                start: p.start,
                end: p.end,
                class: evaluate::hipe_class(p),
                link: p.link.clone().unwrap_or_else(|| "NIL".into()),
            });
    }
    annalist::output::write_file(path, |out| {
        hipe::write_predictions(&files, &by_doc, out).map_err(Error::Output)
    })
}
