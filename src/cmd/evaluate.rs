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
    let classes = evaluate::gold_classes(&gold);
    let (predicted, names) = match &args.predicted {
        Some(p) => {
            let spans = evaluate::read(p, &docs, exists)?;
            let names = evaluate::of_classes(&spans, &classes);
            (spans, names)
        }
        None => (
            evaluate::predicted(&docs),
            evaluate::predicted_names(&docs, &classes, &hipe::read_classes(&ctx.build.corpus)?),
        ),
    };
    let report = evaluate::evaluate(&gold, &predicted);
    // HIPE's measures read the names of the gold's classes as a HIPE
    // scorer reads them written back: cut where the files' sentences meet.
    let files = hipe_files(&ctx.build.corpus)?;
    let cuts: HashMap<String, Vec<(usize, usize)>> = files
        .iter()
        .flat_map(|f| &f.documents)
        .map(|d| (d.id.clone(), hipe::sentence_cuts(d)))
        .collect();
    let names = evaluate::cut_at_sentences(&names, &cuts);
    let hipe = evaluate::hipe(&gold, &names);
    evaluate::write_report(&report, &hipe, &docs, out).map_err(Error::Output)?;
    if args.predicted.is_none() {
        let unlisted: usize = docs.documents.iter().map(|d| d.unlisted.len()).sum();
        writeln!(
            out,
            "\nnames no gazetteer lists, recognised: {unlisted} (HIPE's measures count them, unlinked; the tables count linked mentions only)"
        )
        .map_err(Error::Output)?;
    }
    if let Some(path) = &args.hipe_out {
        write_hipe(&files, &ctx.build.corpus, path, &names)?;
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

/// The HIPE files a corpus was imported from (CORPUS/hipe/*.tsv, in name
/// order), or none.
fn hipe_files(corpus: &Path) -> Result<Vec<hipe::File>> {
    let mut paths: Vec<std::path::PathBuf> = match std::fs::read_dir(corpus.join("hipe")) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
            .collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    paths.iter().map(|f| hipe::read(f)).collect()
}

/// Writes `predicted` as HIPE TSV over the tokens of `files`, the corpus's
/// HIPE files.
fn write_hipe(
    files: &[hipe::File],
    corpus: &Path,
    path: &Path,
    predicted: &[evaluate::Span],
) -> Result<()> {
    if files.is_empty() {
        return Err(Error::Usage {
            message: format!(
                "--hipe-out: {} holds no HIPE .tsv file",
                corpus.join("hipe").display()
            ),
            fix: "make the corpus with `annalist import hipe FILE.tsv… -o DIR`, which keeps the files there".into(),
        });
    }
    let mut by_doc: HashMap<String, Vec<hipe::Prediction>> = HashMap::new();
    for p in predicted {
        by_doc
            .entry(p.doc.clone())
            .or_default()
            .push(hipe::Prediction {
                start: p.start,
                end: p.end,
                class: evaluate::hipe_class(p),
                // A name no gazetteer lists claims no link: `_`.
                link: p.link.clone().unwrap_or_else(|| "_".into()),
            });
    }
    annalist::output::write_file(path, |out| {
        hipe::write_predictions(files, &by_doc, out).map_err(Error::Output)
    })
}
