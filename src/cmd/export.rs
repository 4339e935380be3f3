//! `annalist export`: write the store as RDF or CSV.

use super::Context;
use crate::cli::ExportArgs;
use annalist::query::{graph_iri, rdf_format};
use annalist::{export, Error, Result};
use std::io::{BufWriter, Write};

pub fn run(ctx: &Context, args: &ExportArgs, stdout: &mut dyn Write) -> Result<()> {
    let format = args.format.to_ascii_lowercase();
    if format == "csv" {
        let dir = args.output.as_ref().ok_or_else(|| Error::Usage {
            message: "--format csv writes several files and needs a directory".into(),
            fix: "add -o DIR".into(),
        })?;
        let (store, _) = ctx.store()?;
        for path in export::write_csv(&store, dir)? {
            if !ctx.quiet {
                eprintln!("wrote {}", path.display());
            }
        }
        return Ok(());
    }
    let rdf = rdf_format(&format).ok_or_else(|| Error::Usage {
        message: format!("unknown export format {:?}", args.format),
        fix: "use turtle, ntriples, nquads, trig, jsonld, rdfxml or csv".into(),
    })?;
    let (store, info) = ctx.store()?;
    let graph = args
        .graph
        .as_deref()
        .map(|g| graph_iri(g, &info.base_iri))
        .transpose()?;
    match &args.output {
        Some(path) => {
            // Write aside, then rename: a failed export leaves no half file.
            let tmp = path.with_extension("annalist-tmp");
            let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            let mut w = BufWriter::new(file);
            let n = export::write_rdf(&store, rdf, graph.as_ref(), &info.base_iri, &mut w)
                .inspect_err(|_| {
                    let _ = std::fs::remove_file(&tmp);
                })?;
            w.flush().map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
            if !ctx.quiet {
                eprintln!("wrote {n} statements to {}", path.display());
            }
        }
        None => {
            let mut w = BufWriter::new(stdout);
            export::write_rdf(&store, rdf, graph.as_ref(), &info.base_iri, &mut w)?;
            w.flush().map_err(Error::Output)?;
        }
    }
    Ok(())
}
