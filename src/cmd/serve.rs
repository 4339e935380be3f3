//! `annalist serve`: the corpus's HTTP services.

use super::Context;
use crate::cli::ServeArgs;
use annalist::corpus::Corpus;
use annalist::gazetteer::Gazetteer;
use annalist::serve::{self, reconcile, Router, ServeConfig};
use annalist::Result;

pub fn run(ctx: &Context, args: &ServeArgs) -> Result<()> {
    let corpus = Corpus::load(&ctx.build.corpus)?;
    let gazetteer = Gazetteer::load(&corpus.gazetteer_path)?;
    let router = Router {
        reconcile: reconcile::Service::new(
            &gazetteer,
            &corpus.base_iri,
            "annalist corpus entities",
        ),
    };
    let config = ServeConfig {
        bind: args.bind.clone(),
        port: args.port,
    };
    serve::serve(&config, &router, |addr| {
        // Printed even with --quiet: it is how a caller learns the port.
        eprintln!("listening on http://{addr}/reconcile");
    })
}
