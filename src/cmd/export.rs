//! `annalist export`: write the store as RDF, CSV tables or a network.

use super::Context;
use crate::cli::{EdgesArg, ExportArgs, NetworkArgs};
use annalist::export::network::{self, EdgeSet, Network, NetworkConfig, Window};
use annalist::input::gazetteer::EntityType;
use annalist::output::write_dir;
use annalist::read::query::{graph_iri, rdf_format};
use annalist::{export, Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub fn run(ctx: &Context, args: &ExportArgs, stdout: &mut dyn Write) -> Result<()> {
    let format = args.format.to_ascii_lowercase();
    match format.as_str() {
        "quickstatements" => {
            // The build checks every claim and finds its quote first.
            ctx.store()?;
            let corpus = annalist::input::corpus::Corpus::load(&ctx.build.corpus)?;
            let gazetteer = annalist::input::gazetteer::Gazetteer::load(&corpus.gazetteer_path)?;
            let relations = match &corpus.relations_path {
                Some(p) => annalist::input::relations::Relations::load(p, &corpus, &gazetteer)?,
                None => Default::default(),
            };
            let lines =
                annalist::wikidata::quickstatements::commands(&corpus, &gazetteer, &relations)?;
            if !ctx.quiet {
                eprintln!("{} QuickStatements commands", lines.len());
            }
            write_out(args.output.as_deref(), stdout, |w| {
                for l in &lines {
                    writeln!(w, "{l}").map_err(Error::Output)?;
                }
                Ok(())
            })
        }
        "csv" => {
            let dir = directory(args)?;
            let (store, _) = ctx.store()?;
            report(ctx, &write_dir(dir, |d| export::csv::write_csv(&store, d))?);
            Ok(())
        }
        "brat" | "tei" => {
            let dir = directory(args)?;
            let (store, _) = ctx.store()?;
            let annotated = annalist::export::annotations::Annotated::from_store(&store)?;
            let files = write_dir(dir, |d| {
                if format == "brat" {
                    annalist::export::annotations::brat::write(&annotated, d)
                } else {
                    annalist::export::annotations::tei::write(&annotated, d)
                }
            })?;
            if !ctx.quiet {
                eprintln!("wrote {} files into {}", files.len(), dir.display());
            }
            Ok(())
        }
        "html" => {
            let dir = directory(args)?;
            let (store, _) = ctx.store()?;
            let summary = annalist::export::site::write(&store, dir)?;
            if !ctx.quiet {
                eprintln!(
                    "wrote {} files ({} documents, {} entities, {} bytes) into {}",
                    summary.files,
                    summary.documents,
                    summary.entities,
                    summary.bytes,
                    dir.display()
                );
            }
            Ok(())
        }
        "webanno" => {
            let (store, info) = ctx.store()?;
            let annotated = annalist::export::annotations::Annotated::from_store(&store)?;
            write_out(args.output.as_deref(), stdout, |w| {
                annalist::export::annotations::webanno::write(&annotated, &info.base_iri, w)
                    .map_err(Error::Output)
            })
        }
        "geojson" => {
            let (store, _) = ctx.store()?;
            let mut counts = (0, 0);
            write_out(args.output.as_deref(), stdout, |w| {
                counts = annalist::export::map::write_geojson(&store, w)?;
                Ok(())
            })?;
            if !ctx.quiet && args.output.is_some() {
                eprintln!("{} places, {} with coordinates", counts.0, counts.1);
            }
            Ok(())
        }
        "gephi-csv" | "neo4j-csv" => {
            let dir = directory(args)?;
            let net = network_of(ctx, &args.network)?;
            let files = write_dir(dir, |d| {
                if format == "gephi-csv" {
                    network::gephi::write(&net, d)
                } else {
                    network::neo4j::write(&net, d)
                }
            })?;
            report(ctx, &files);
            if format == "neo4j-csv" && !ctx.quiet {
                eprintln!(
                    "load into Neo4j (database stopped), from {}:\n  {}",
                    dir.display(),
                    network::neo4j::import_command(&files)
                );
            }
            Ok(())
        }
        "gexf" | "graphml" | "cypher" | "svg" => {
            let net = network_of(ctx, &args.network)?;
            let (nodes, edges) = (net.nodes.len(), net.edges.len());
            write_out(args.output.as_deref(), stdout, |w| match format.as_str() {
                "gexf" => network::gexf::write(&net, w).map_err(Error::Output),
                "graphml" => network::graphml::write(&net, w).map_err(Error::Output),
                "cypher" => network::cypher::write(&net, w).map_err(Error::Output),
                _ => network::svg::write_svg(&net, w),
            })?;
            if !ctx.quiet && args.output.is_some() {
                eprintln!("{nodes} nodes, {edges} edges");
            }
            Ok(())
        }
        _ => {
            let rdf = rdf_format(&format).ok_or_else(|| Error::Usage {
                message: format!("unknown export format {:?}", args.format),
                fix: "use turtle, ntriples, nquads, trig, jsonld, rdfxml, csv, html, webanno, brat, tei, geojson, quickstatements, gexf, graphml, gephi-csv, neo4j-csv, cypher or svg".into(),
            })?;
            let (store, info) = ctx.store()?;
            let graph = args
                .graph
                .as_deref()
                .map(|g| graph_iri(g, &info.base_iri))
                .transpose()?;
            let mut n = 0;
            write_out(args.output.as_deref(), stdout, |w| {
                n = export::rdf::write_rdf(&store, rdf, graph.as_ref(), &info.base_iri, w)?;
                Ok(())
            })?;
            if !ctx.quiet && args.output.is_some() {
                eprintln!("{n} statements");
            }
            Ok(())
        }
    }
}

fn directory(args: &ExportArgs) -> Result<&Path> {
    let dir = args.output.as_deref().ok_or_else(|| Error::Usage {
        message: format!(
            "--format {} writes several files and needs a directory",
            args.format
        ),
        fix: "add -o DIR".into(),
    })?;
    annalist::output::check_output_dir(dir, &args.format)?;
    Ok(dir)
}

fn report(ctx: &Context, files: &[PathBuf]) {
    if !ctx.quiet {
        for path in files {
            eprintln!("wrote {}", path.display());
        }
    }
}

fn network_of(ctx: &Context, args: &NetworkArgs) -> Result<Network> {
    let window = Window::parse(&args.window).ok_or_else(|| Error::Usage {
        message: format!("--window {:?} is not a unit", args.window),
        fix: "use sentence, paragraph, or a number of characters such as 200".into(),
    })?;
    let types = args
        .types
        .iter()
        .map(|t| {
            EntityType::ALL
                .into_iter()
                .find(|k| k.name().eq_ignore_ascii_case(t.trim()))
                .ok_or_else(|| Error::Usage {
                    message: format!("--types: unknown entity type {t:?}"),
                    fix: "use Person, Organisation, Place, Event or Work, separated by commas"
                        .into(),
                })
        })
        .collect::<Result<Vec<_>>>()?;
    let config = NetworkConfig {
        edges: match args.edges {
            EdgesArg::Relations => EdgeSet::Relations,
            EdgesArg::Comentions => EdgeSet::CoMentions,
            EdgesArg::Both => EdgeSet::Both,
        },
        window,
        min_weight: args.min_weight,
        types,
        include_documents: args.include_documents,
    };
    let (store, _) = ctx.store()?;
    Network::from_store(&store, &config)
}

/// Writes to the -o file (see `annalist::output::write_file`) or to
/// standard output.
fn write_out(
    path: Option<&Path>,
    stdout: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match path {
        Some(path) => annalist::output::write_file(path, write),
        None => {
            let mut w = BufWriter::new(stdout);
            write(&mut w)?;
            w.flush().map_err(Error::Output)
        }
    }
}
