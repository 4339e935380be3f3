//! `annalist serve`: the corpus's HTTP services.

use super::Context;
use crate::cli::ServeArgs;
use annalist::input::corpus::Corpus;
use annalist::input::gazetteer::Gazetteer;
use annalist::read::query::library;
use annalist::serve::sparql::{self, NamedQuery};
use annalist::serve::{self, reconcile, Router, ServeConfig};
use annalist::store::StoreDir;
use annalist::{Error, Result};

pub fn run(ctx: &Context, args: &ServeArgs) -> Result<()> {
    let timeout = super::seconds(
        args.timeout,
        "give a time limit per query such as --timeout 30",
    )?;
    // Bring the store up to date first; while another process builds it,
    // serve what is there (the new generation is served once committed).
    match ctx.ensure_built() {
        Err(Error::StoreBusy { .. }) => {
            eprintln!("warning: the store is being built by another process: serving the generation in use until that build commits")
        }
        other => other?,
    }
    // A server answers for long: the look at the texts is waited for now.
    ctx.finish();
    let corpus = Corpus::load(&ctx.build.corpus)?;
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    let router = Router {
        reconcile: reconcile::Service::new(
            &gazetteer,
            &corpus.base_iri,
            "annalist corpus entities",
        ),
        sparql: Some(sparql::Service::new(
            StoreDir::new(&ctx.build.store),
            timeout,
            queries(ctx)?,
        )),
    };
    let config = ServeConfig {
        bind: args.bind.clone(),
        port: args.port,
        threads: args.threads.max(1),
    };
    serve::serve(&config, &router, |addr| {
        // Printed even with --quiet: it is how a caller learns the port.
        eprintln!("listening on http://{addr}/reconcile");
        if !ctx.quiet {
            eprintln!("SPARQL endpoint: http://{addr}/sparql; graphs: http://{addr}/store?graph=IRI; query library: http://{addr}/queries");
        }
    })
}

/// The corpus's own queries (queries/*.rq), then the library's that they
/// do not replace, as `annalist queries` lists them.
pub(super) fn queries(ctx: &Context) -> Result<Vec<NamedQuery>> {
    let mut out = Vec::new();
    let own = ctx.build.corpus.join("queries");
    if let Ok(entries) = std::fs::read_dir(&own) {
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rq"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            out.push(NamedQuery {
                name,
                from: "corpus".into(),
                text,
            });
        }
    }
    for q in library() {
        if !out.iter().any(|o| o.name == q.name) {
            out.push(NamedQuery {
                name: q.name.into(),
                from: "library".into(),
                text: q.text.into(),
            });
        }
    }
    Ok(out)
}
