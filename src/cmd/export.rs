//! `annalist export`: write the store as RDF, CSV tables or a network.

use super::name;
use super::Context;
use crate::cli::{EdgesArg, ExportArgs, ExportFormat, NetworkArgs, TypeArg};
use annalist::export::network::{self, EdgeSet, Network, NetworkConfig, Window};
use annalist::input::gazetteer::EntityType;
use annalist::output::write_dir;
use annalist::read::query::{graph_iri, rdf_format};
use annalist::{export, Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The format `-o`'s extension names, for an export without `--format`.
fn from_extension(path: &Path) -> Option<ExportFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "ttl" => ExportFormat::Turtle,
        "nt" => ExportFormat::Ntriples,
        "nq" => ExportFormat::Nquads,
        "trig" => ExportFormat::Trig,
        "jsonld" => ExportFormat::Jsonld,
        "rdf" | "owl" => ExportFormat::Rdfxml,
        "gexf" => ExportFormat::Gexf,
        "graphml" => ExportFormat::Graphml,
        "cypher" | "cql" => ExportFormat::Cypher,
        "svg" => ExportFormat::Svg,
        "geojson" => ExportFormat::Geojson,
        "qs" => ExportFormat::Quickstatements,
        _ => return None,
    })
}

/// The format asked for, or the one `-o`'s extension names.
fn format_of(args: &ExportArgs) -> Result<ExportFormat> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    let guessed = args.output.as_deref().and_then(from_extension);
    guessed.ok_or_else(|| Error::Usage {
        message: match &args.output {
            Some(o) => format!("no --format, and {} names none by its extension", o.display()),
            None => "no --format given".into(),
        },
        fix: "give --format (see annalist export --help), or an -o file ending in .ttl, .nt, .nq, .trig, .jsonld, .rdf, .gexf, .graphml, .cypher, .svg, .geojson or .qs".into(),
    })
}

pub fn run(ctx: &Context, args: &ExportArgs, stdout: &mut dyn Write) -> Result<()> {
    let format = format_of(args)?;
    match format {
        ExportFormat::Quickstatements => {
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
        ExportFormat::Csv => {
            let dir = directory(args, format)?;
            let (store, _) = ctx.store()?;
            report(ctx, &write_dir(dir, |d| export::csv::write_csv(&store, d))?);
            Ok(())
        }
        ExportFormat::Brat | ExportFormat::Tei => {
            let dir = directory(args, format)?;
            let (store, _) = ctx.store()?;
            let annotated = annalist::export::annotations::Annotated::from_store(&store)?;
            let files = write_dir(dir, |d| {
                if format == ExportFormat::Brat {
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
        ExportFormat::Html => {
            let dir = directory(args, format)?;
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
        ExportFormat::Webanno => {
            let (store, info) = ctx.store()?;
            let annotated = annalist::export::annotations::Annotated::from_store(&store)?;
            write_out(args.output.as_deref(), stdout, |w| {
                annalist::export::annotations::webanno::write(&annotated, &info.base_iri, w)
                    .map_err(Error::Output)
            })
        }
        ExportFormat::Geojson => {
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
        ExportFormat::GephiCsv | ExportFormat::Neo4jCsv => {
            let dir = directory(args, format)?;
            let net = network_of(ctx, &args.network)?;
            let files = write_dir(dir, |d| {
                if format == ExportFormat::GephiCsv {
                    network::gephi::write(&net, d)
                } else {
                    network::neo4j::write(&net, d)
                }
            })?;
            report(ctx, &files);
            if format == ExportFormat::Neo4jCsv && !ctx.quiet {
                eprintln!(
                    "load into Neo4j (database stopped), from {}:\n  {}",
                    dir.display(),
                    network::neo4j::import_command(&files)
                );
            }
            Ok(())
        }
        ExportFormat::Gexf | ExportFormat::Graphml | ExportFormat::Cypher | ExportFormat::Svg => {
            let net = network_of(ctx, &args.network)?;
            let (nodes, edges) = (net.nodes.len(), net.edges.len());
            write_out(args.output.as_deref(), stdout, |w| match format {
                ExportFormat::Gexf => network::gexf::write(&net, w).map_err(Error::Output),
                ExportFormat::Graphml => network::graphml::write(&net, w).map_err(Error::Output),
                ExportFormat::Cypher => network::cypher::write(&net, w).map_err(Error::Output),
                _ => network::svg::write_svg(&net, w),
            })?;
            if !ctx.quiet && args.output.is_some() {
                eprintln!("{nodes} nodes, {edges} edges");
            }
            Ok(())
        }
        ExportFormat::Turtle
        | ExportFormat::Ntriples
        | ExportFormat::Nquads
        | ExportFormat::Trig
        | ExportFormat::Jsonld
        | ExportFormat::Rdfxml => {
            let rdf = rdf_format(&name(format)).expect("every RDF export format is an RDF syntax");
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

fn directory(args: &ExportArgs, format: ExportFormat) -> Result<&Path> {
    let dir = args.output.as_deref().ok_or_else(|| Error::Usage {
        message: format!(
            "--format {} writes several files and needs a directory",
            name(format)
        ),
        fix: "add -o DIR".into(),
    })?;
    annalist::output::check_output_dir(dir, &name(format))?;
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
        .map(|t| match t {
            TypeArg::Person => EntityType::Person,
            TypeArg::Organisation => EntityType::Organisation,
            TypeArg::Place => EntityType::Place,
            TypeArg::Event => EntityType::Event,
            TypeArg::Work => EntityType::Work,
        })
        .collect();
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
