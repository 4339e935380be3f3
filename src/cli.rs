//! The command line, as clap definitions only: their doc comments are the
//! help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Turn archival documents into a linked-data knowledge graph, and ask it
/// questions.
///
/// annalist reads a corpus (a manifest, a gazetteer of people,
/// organisations and places, and plain-text files), finds every mention of
/// every gazetteer entity, and loads documents, entities and mentions as RDF
/// into an on-disk Oxigraph store that answers SPARQL. Commands that read
/// the store build it first when the corpus changed since the last build.
#[derive(Debug, Parser)]
#[command(name = "annalist", version, max_term_width = 100)]
pub struct Cli {
    /// The corpus directory: manifest.toml, the gazetteer and the texts.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "ANNALIST_CORPUS",
        default_value = "corpus"
    )]
    pub corpus: PathBuf,

    /// The store directory [default: CORPUS/.annalist].
    #[arg(long, global = true, value_name = "DIR", env = "ANNALIST_STORE")]
    pub store: Option<PathBuf>,

    /// Print no build summary or progress bar on standard error.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the store from the corpus: tag every document and load the graph.
    ///
    /// The new store is written aside and replaces the previous one only when
    /// it is complete: a failed or interrupted build leaves the previous store
    /// as it was. A summary goes to standard error, and a progress bar while
    /// a large corpus is tagged.
    Build(BuildArgs),

    /// Run a SPARQL query: a name from the library, a file, or - for stdin.
    ///
    /// The default graph is the union of all graphs; use GRAPH ?g to see which
    /// document (or the gazetteer) says what. SELECT prints a table on a
    /// terminal and CSV otherwise; ASK prints true or false and exits 0 or 1;
    /// CONSTRUCT and DESCRIBE print Turtle.
    Query(QueryArgs),

    /// List the query library, with what each query answers.
    Queries,

    /// Export the store as RDF or as CSV tables.
    ///
    /// Quad formats (nquads, trig, jsonld) keep one named graph per document;
    /// triple formats (turtle, ntriples, rdfxml) merge the graphs unless
    /// --graph picks one. csv writes documents.csv, entities.csv and
    /// mentions.csv into the -o directory.
    Export(ExportArgs),

    /// Create a new, empty corpus with a commented manifest.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Build even if the store already matches the corpus.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A library query name (see `annalist queries`), a .rq file, or - for stdin.
    #[arg(value_name = "NAME|FILE|-", required_unless_present = "sparql")]
    pub query: Option<String>,

    /// The query text itself.
    #[arg(long, value_name = "QUERY", conflicts_with = "query")]
    pub sparql: Option<String>,

    /// Output format: table, csv, tsv, json, xml (SELECT, ASK); turtle,
    /// ntriples, nquads, trig, jsonld, rdfxml (CONSTRUCT, DESCRIBE).
    #[arg(long, short, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Bind a query variable: NAME=VALUE, where VALUE is <IRI>, "literal"
    /// or plain text. Repeatable.
    #[arg(long = "bind", value_name = "NAME=VALUE")]
    pub bind: Vec<String>,

    /// Stop the query after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// RDF: turtle, ntriples, nquads, trig, jsonld, rdfxml. Tables: csv.
    /// Networks: gexf, graphml, gephi-csv, neo4j-csv, cypher, svg.
    #[arg(long, short, value_name = "FORMAT")]
    pub format: String,

    /// Export one named graph only: an IRI, or a path under the corpus base
    /// IRI such as doc/ID or graph/gazetteer (RDF formats).
    #[arg(long, value_name = "IRI")]
    pub graph: Option<String>,

    /// The output file, or directory for csv, gephi-csv and neo4j-csv
    /// [default: standard output].
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub network: NetworkArgs,
}

/// Options of the network formats.
#[derive(Debug, Args)]
pub struct NetworkArgs {
    /// Network edges: relations (who wrote to whom), comentions, or both.
    #[arg(long, value_enum, default_value = "both", help_heading = "Network")]
    pub edges: EdgesArg,

    /// Where two mentions count as a co-mention: sentence, paragraph, or a
    /// number of characters between their starts.
    #[arg(
        long,
        value_name = "UNIT",
        default_value = "sentence",
        help_heading = "Network"
    )]
    pub window: String,

    /// Leave out edges lighter than this (sentences or sources).
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Network")]
    pub min_weight: usize,

    /// Keep only these entity types, e.g. Person,Organisation.
    #[arg(
        long,
        value_name = "TYPES",
        value_delimiter = ',',
        help_heading = "Network"
    )]
    pub types: Vec<String>,

    /// Add documents as nodes, with authored, addressed-to and mentioned-in
    /// edges.
    #[arg(long, help_heading = "Network")]
    pub include_documents: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EdgesArg {
    Relations,
    Comentions,
    Both,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to create (it must be missing or empty).
    pub dir: PathBuf,
}
