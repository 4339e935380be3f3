//! `annalist query`: run a SPARQL query from the library, a file, stdin or
//! the command line.

use super::{Context, Status};
use crate::cli::QueryArgs;
use annalist::read::query::{self, Format, Outcome, QueryConfig};
use annalist::store::answers::{Answers, Keep, KEEP_AFTER};
use annalist::{Error, Result};
use std::io::{IsTerminal, Read, Write};
use std::path::Path;

pub fn run(ctx: &Context, args: &QueryArgs, out: &mut dyn Write) -> Result<Status> {
    let (origin, text) = match (&args.sparql, args.query.as_deref()) {
        (Some(q), _) => ("--sparql".to_string(), q.clone()),
        (None, Some("-")) => {
            let mut q = String::new();
            std::io::stdin()
                .read_to_string(&mut q)
                .map_err(|e| Error::io("<stdin>", e))?;
            ("<stdin>".to_string(), q)
        }
        (None, Some(name)) => resolve(ctx, name)?,
        (None, None) => unreachable!("clap requires a query"),
    };
    let format = args.format.map(|f| {
        Format::from_name(&super::name(f)).expect("every query format on the command line is one")
    });
    let timeout = super::seconds(
        args.timeout,
        "give a time limit such as --timeout 30 (at most about 10^19 seconds)",
    )?;
    let bindings = args
        .bind
        .iter()
        .map(|b| query::parse_binding(b))
        .collect::<Result<Vec<_>>>()?;
    let (store, info, generation) = ctx.store_at()?;
    let config = QueryConfig {
        origin,
        bindings,
        timeout: Some(timeout),
        format,
        table_by_default: std::io::stdout().is_terminal(),
        base_iri: info.base_iri,
        dataset: None,
        answers: Some(Answers::of(
            &generation,
            !args.fresh,
            Keep::After(KEEP_AFTER),
        )),
    };
    Ok(match query::run(&store, &text, &config, out)? {
        Outcome::Boolean(false) => Status::No,
        _ => Status::Success,
    })
}

/// A query named on the command line: a file, a query of the corpus's own
/// queries/ directory, or one of the library.
fn resolve(ctx: &Context, name: &str) -> Result<(String, String)> {
    let path = Path::new(name);
    let own = ctx.build.corpus.join("queries").join(format!("{name}.rq"));
    for p in [path, own.as_path()] {
        if p.is_file() {
            let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
            return Ok((p.display().to_string(), text));
        }
    }
    if let Some(q) = query::library().into_iter().find(|q| q.name == name) {
        return Ok((format!("queries/{name}.rq"), q.text.to_string()));
    }
    Err(Error::Usage {
        message: format!("no query file or library query named {name:?}"),
        fix: "`annalist queries` lists the library; give a path to run a .rq file".into(),
    })
}
