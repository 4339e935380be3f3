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

    /// Let the manifest name files outside the corpus directory (absolute
    /// paths, `..`, links that lead out). Off by default: a corpus reads
    /// only its own files.
    #[arg(long, global = true)]
    pub allow_outside_corpus: bool,

    /// When a reading command looks at the corpus's text files on a store
    /// found up to date before: `full` before it answers; `background`
    /// while it answers from the store as it is, warning after the answer
    /// when a text was edited in place (the next command then brings the
    /// store up to date); `auto` in the background from 50,000 text files.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        env = "ANNALIST_CHECK",
        default_value = "auto",
        ignore_case = true
    )]
    pub check: CheckArg,

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

    /// Export the store: RDF, CSV tables, annotations or the entity network.
    ///
    /// Quad formats (nquads, trig, jsonld) keep one named graph per document;
    /// triple formats (turtle, ntriples, rdfxml) merge the graphs unless
    /// --graph picks one. csv writes documents.csv, entities.csv and
    /// mentions.csv into the -o directory; html writes the corpus as a
    /// website to read offline. webanno, brat and tei write the
    /// mentions for annotation tools; geojson the places for a map; gexf, graphml, gephi-csv, neo4j-csv,
    /// cypher and svg write the network of entities, shaped by the Network
    /// options.
    Export(ExportArgs),

    /// Create a new, empty corpus with a commented manifest.
    Init(InitArgs),

    /// Add text files to the corpus: copy them into texts/ and describe each
    /// in documents.csv.
    ///
    /// Each file becomes one document (its id the file name without
    /// extension unless --id says otherwise) with the metadata given; the
    /// document sheet is created when the corpus has none. A file already
    /// under the corpus directory is described where it is. Nothing changes
    /// when a file, a date, a kind or an author is wrong.
    Add(AddArgs),

    /// List mentions in their context (keyword in context), for review.
    ///
    /// Each row: document, span in code points, left context, the mention,
    /// right context, and the entity (or the candidates of a name several
    /// entities share). Fix what is wrong in the corpus's overrides.csv.
    Mentions(MentionsArgs),

    /// Score the tagger against a gold standard: precision, recall and F1.
    ///
    /// Scores per type and per document, strict (same span and type), exact
    /// span, and overlap, with linking accuracy; then HIPE's measures (NERC
    /// strict and fuzzy, linking at rank 1 with NIL); then every miss,
    /// false hit and wrong link in context.
    Evaluate(EvaluateArgs),

    /// List names the gazetteer lacks, and likely spellings of known names.
    ///
    /// Candidates are capitalised names and names after titles (Comrade,
    /// Ambassador, Professor, …) that no mention covers, ranked by frequency
    /// with their contexts; a candidate close to a known name (Charette ~
    /// Sharett) is shown as its probable variant.
    Discover(DiscoverArgs),

    /// Grow the gazetteer from authority data.
    Gazetteer(GazetteerArgs),

    /// Make a corpus from another format, such as a benchmark's data.
    Import(CorpusImportArgs),

    /// Propose Wikidata links for unlinked entities, or accept reviewed ones.
    ///
    /// Every gazetteer entity without a Wikidata id is matched, by its
    /// folded label and aliases (with transliteration variants), its type
    /// and the dates of the documents that mention it, against entities
    /// read from Wikidata dumps or from a gazetteer imported from them. The
    /// review table (entity, rank, qid, label, score, evidence) lists the
    /// best candidates of each; an entity that matches nothing gets a row
    /// without a qid. Delete every row you reject, then run `link --accept
    /// FILE` to write the QIDs of the rows left into the gazetteer, with
    /// their evidence as wikidata_source.
    Link(LinkArgs),

    /// Serve the corpus over HTTP: a read-only SPARQL endpoint, its graphs,
    /// the query library, and the reconciliation service for OpenRefine.
    ///
    /// At /sparql, the SPARQL 1.1 Protocol (GET and POST queries; results
    /// by content negotiation in SPARQL JSON, XML, CSV, TSV, or RDF
    /// syntaxes for CONSTRUCT and DESCRIBE; updates refused with 403). At
    /// /store?graph=IRI (or ?default), each graph (Graph Store Protocol
    /// GET). At /queries/NAME?param=value, the query library with its
    /// parameters bound. At /reconcile, the W3C Entity Reconciliation API
    /// 0.2 over the gazetteer. A build that runs meanwhile is served once
    /// it commits. Stop it with Ctrl-C.
    Serve(ServeArgs),

    /// Send the store to a triplestore server over the SPARQL 1.1 Graph
    /// Store HTTP Protocol: each named graph (one per document, the
    /// gazetteer, the corpus) with one PUT.
    ///
    /// URL is the server's graph store endpoint, e.g.
    /// http://127.0.0.1:7878/store (Oxigraph server),
    /// http://127.0.0.1:8890/sparql-graph-crud (Virtuoso),
    /// http://HOST:7200/repositories/REPO/rdf-graphs/service (GraphDB).
    /// Only graphs changed since the last push to that URL are sent, and
    /// graphs no longer in the store are deleted there; what was sent is
    /// recorded graph by graph in the store directory, so a push that fails
    /// resumes where it stopped.
    Push(PushArgs),

    /// Find the documents that contain words, with each passage in context.
    ///
    /// Every word, "phrase in quotes" and prefix (slan*) of the query must
    /// occur in a document; case and accents do not count (slansky finds
    /// Slánský). Documents come best first (BM25), each with its passages:
    /// document, title, date, span in code points, left context, the words,
    /// right context.
    Search(SearchArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on (0: any free port; the address is printed).
    #[arg(long, value_name = "N", default_value_t = 8080)]
    pub port: u16,

    /// The address to listen on. The default answers this machine only.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,

    /// How many requests are answered at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub threads: usize,

    /// The time limit of each query, in seconds: a query that runs longer
    /// is cancelled and answered 503.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The server's Graph Store Protocol endpoint (http://…).
    #[arg(value_name = "URL")]
    pub url: String,

    /// HTTP basic authentication: the user name; the password is taken from
    /// --password or the environment variable ANNALIST_PUSH_PASSWORD.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,

    /// The password for --user (better given in ANNALIST_PUSH_PASSWORD,
    /// which other users of the machine cannot read from the process list).
    #[arg(
        long,
        value_name = "PASSWORD",
        env = "ANNALIST_PUSH_PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<String>,

    /// A bearer token (Authorization: Bearer …), instead of --user.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "ANNALIST_PUSH_TOKEN",
        hide_env_values = true,
        conflicts_with = "user"
    )]
    pub token: Option<String>,

    /// The syntax of each graph sent.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        value_name = "SYNTAX",
        default_value = "ntriples"
    )]
    pub format: PushSyntax,

    /// Send every graph, whatever the last push to this URL sent.
    #[arg(long)]
    pub all: bool,

    /// Seconds to wait for the server on each request.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct CorpusImportArgs {
    #[command(subcommand)]
    pub source: CorpusImportSource,
}

#[derive(Debug, Subcommand)]
pub enum CorpusImportSource {
    /// HIPE-2022 TSV files: a corpus, its gold standard, and a gazetteer.
    ///
    /// Each document of the files becomes a text under DIR/texts/, rebuilt
    /// from its tokens (a space between tokens, none after NoSpaceAfter, a
    /// line break after EndOfLine), and a row of DIR/documents.csv with its
    /// date and every comment line of its header. DIR/gold.csv holds the
    /// gold mentions with their QID or NIL (wikidata) and HIPE class
    /// (class), as `annalist evaluate` reads them; LOC, BUILDING and STREET
    /// are places, PERS persons, ORG organisations, PROD works. The files
    /// are copied to DIR/hipe/ for `evaluate --hipe-out`.
    Hipe(HipeImportArgs),
}

#[derive(Debug, Args)]
pub struct HipeImportArgs {
    /// The HIPE-2022 TSV files.
    #[arg(value_name = "FILE.tsv", required = true)]
    pub files: Vec<PathBuf>,

    /// The corpus directory to make (new, or empty).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,

    /// Also write DIR/gazetteer.csv from the gold names and QIDs: one
    /// entity a QID, each name given to the QID the gold links it to most
    /// often, and one unlinked entity a name the gold marks NIL.
    #[arg(long)]
    pub gazetteer: bool,

    /// Make the gazetteer from the gold of these files instead (a training
    /// set, so that the imported files are scored on names it has not seen
    /// linked). Repeat for several.
    #[arg(long, value_name = "FILE.tsv")]
    pub gazetteer_from: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GazetteerArgs {
    #[command(subcommand)]
    pub command: GazetteerCommand,
}

#[derive(Debug, Subcommand)]
pub enum GazetteerCommand {
    /// Import entities from authority data into a gazetteer CSV.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// Stream Wikidata JSON dumps (.json, .json.gz, .json.bz2) into FILE.
    ///
    /// Keeps the entities whose instance of (P31) is in the class list
    /// (default: ontology/wikidata-classes.csv, people, organisations and
    /// places) and writes one gazetteer row each: label and aliases in the
    /// chosen languages, description, QID with its source (dump, line,
    /// revision), and the facts instance_of, born, died, founded, dissolved,
    /// latitude, longitude and country. An existing FILE is merged into: its
    /// rows are kept as they are, and dump entities whose QID or id it
    /// already has are reported, not added. FILE is written aside and
    /// renamed, so it is never half-written.
    Wikidata(WikidataImportArgs),
}

#[derive(Debug, Args)]
pub struct WikidataImportArgs {
    /// The dumps, read in order.
    #[arg(value_name = "DUMP", required = true)]
    pub dumps: Vec<PathBuf>,

    /// The gazetteer CSV to write or merge into.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,

    #[command(flatten)]
    pub dump: DumpArgs,
}

/// How Wikidata dumps are read.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Label languages, in order of preference: the label is the first one
    /// found; the other languages' labels become aliases.
    #[arg(
        long,
        value_name = "LANGS",
        value_delimiter = ',',
        default_value = "en"
    )]
    pub languages: Vec<String>,

    /// The class list: lines of `QID,type` (Person, Organisation, Place,
    /// Event, Work) [default: the shipped ontology/wikidata-classes.csv].
    #[arg(long, value_name = "FILE")]
    pub classes: Option<PathBuf>,

    /// Skip lines that are not entities (and a dump whose compressed stream
    /// breaks off), count them, and go on.
    #[arg(long)]
    pub keep_going: bool,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// Wikidata dumps, or gazetteer CSVs imported from them (an index built
    /// once with `gazetteer import wikidata` and reused).
    #[arg(
        long = "wikidata",
        value_name = "DUMP|INDEX",
        num_args = 1..,
        required_unless_present = "accept",
        conflicts_with = "accept"
    )]
    pub wikidata: Vec<PathBuf>,

    /// The review table to write [default: standard output].
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Candidates to list per entity.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub top: usize,

    /// Write the QIDs of a reviewed table's rows into the gazetteer.
    #[arg(long, value_name = "FILE")]
    pub accept: Option<PathBuf>,

    /// Also propose candidates for the names `discover` finds (seen at
    /// least twice, or after a title), as rows whose entity is
    /// `discovered:NAME`: add the name to the gazetteer to accept one.
    #[arg(long)]
    pub discovered: bool,

    #[command(flatten)]
    pub dump: DumpArgs,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The words: plain words, "phrases" and prefixes such as uran*.
    #[arg(value_name = "WORDS", required = true)]
    pub words: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = SearchFormat::Table)]
    pub format: SearchFormat,

    /// At most this many documents.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SearchFormat {
    /// Aligned columns, control characters made visible.
    Table,
    /// RFC 4180 CSV with a header.
    Csv,
    /// A JSON array of objects.
    Json,
}

#[derive(Debug, Args)]
pub struct MentionsArgs {
    /// Only mentions of this entity (a gazetteer id).
    #[arg(long, value_name = "ID")]
    pub entity: Option<String>,

    /// Only mentions in this document.
    #[arg(long = "doc", value_name = "ID")]
    pub document: Option<String>,

    /// Only mentions without a Wikidata link: of unlinked entities, of
    /// names several entities share, and names no gazetteer lists.
    #[arg(long)]
    pub unlinked: bool,

    /// Only mentions found this way (repeat for several): a name the
    /// gazetteer lists, or a variant annalist derived, each with its reason
    /// in the `reason` column.
    #[arg(long, value_enum, value_name = "HOW")]
    pub how: Vec<HowArg>,

    /// [default: table on a terminal, tsv otherwise]
    #[arg(long, short, value_enum, ignore_case = true, value_name = "FORMAT")]
    pub format: Option<ListFormat>,
}

/// How a mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HowArg {
    /// A gazetteer name as listed.
    Listed,
    /// A gazetteer name in other capitals.
    Case,
    /// A person's surname alone.
    Surname,
    /// A person's initials and surname.
    Initials,
    /// An acronym or short form the document defines.
    ShortForm,
    /// Another transliteration of a gazetteer name.
    Spelling,
    /// A shared name decided by the document's evidence.
    Context,
    /// Added or relinked by an override.
    Review,
    /// A name no gazetteer lists, recognised and typed by a rule (no entity).
    Unlisted,
    /// Inside the name of an event or work.
    Nested,
    /// A name several entities share, left unlinked.
    Shared,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The gold standard (document,start,end,text,type,entity) [default:
    /// CORPUS/gold.csv].
    #[arg(long, value_name = "FILE")]
    pub gold: Option<PathBuf>,

    /// Score this prediction file (same columns) instead of the store's
    /// mentions, e.g. another tagger's output.
    #[arg(long, value_name = "FILE")]
    pub predicted: Option<PathBuf>,

    /// Exit with code 1 when the strict F1 over all types is below this.
    #[arg(long, value_name = "F1")]
    pub min_f1: Option<f64>,

    /// Write the predictions as HIPE-2022 TSV to FILE: the tokens of the
    /// HIPE files the corpus was imported from (CORPUS/hipe/*.tsv), with
    /// NE-COARSE-LIT and NEL-LIT (QID, or NIL) from the predictions.
    #[arg(long, value_name = "FILE")]
    pub hipe_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Leave out candidates seen fewer times (names after a title need at
    /// most two). Every candidate is listed by default, the rarest last;
    /// `--min-count 2` hides the names seen once.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_count: usize,

    /// Also write the candidates as gazetteer rows, ready to paste, to FILE.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// [default: table on a terminal, tsv otherwise]
    #[arg(long, short, value_enum, ignore_case = true, value_name = "FORMAT")]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Build even if the store already matches the corpus.
    #[arg(long, conflicts_with = "emit")]
    pub force: bool,

    /// Also print how long each phase took (planning, gazetteer and
    /// automaton, preparing the store generation, describing and loading,
    /// compacting after a full build, the search index, committing).
    #[arg(long)]
    pub timings: bool,

    /// Make the gazetteer's warnings errors: an unusable alias (fewer than
    /// two letters or digits, a bad document limit) and an alias limited to
    /// documents this corpus does not have stop the build instead of being
    /// left out.
    #[arg(long)]
    pub strict: bool,

    /// Then answer every query of the library and of the corpus's
    /// queries/ directory, with no bindings, and keep the answers with the
    /// store, so that `annalist query NAME` and `annalist serve` read them
    /// instead of evaluating; they hold until the next build changes the
    /// store.
    #[arg(long, conflicts_with = "emit")]
    pub answers: bool,

    /// Keep no answers ahead. By default a build that changes a small
    /// store (up to 50,000 quads, where the whole library answers in a
    /// fraction of a second) answers the library ahead, as --answers does;
    /// a larger store keeps an answer when it is first asked.
    #[arg(long, conflicts_with_all = ["answers", "emit"])]
    pub no_answers: bool,

    /// Write the graph as files in DIR instead of loading the store:
    /// `nquads` writes gzip'd N-Quads, DIR/shard-K-of-N.nq.gz (shard-1-of-1
    /// for the whole corpus), for a triplestore's bulk loader.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "dir")]
    pub emit: Option<EmitFormat>,

    /// Tag and describe only shard K of N: the corpus files whose path hashes
    /// to K (of N), plus, in shard 1, the ontology, corpus and gazetteer. The
    /// N shards together hold exactly the quads of a full build. Needs --emit.
    #[arg(long, value_name = "K/N", requires = "emit")]
    pub shard: Option<annalist::pipeline::shard::Shard>,

    /// The directory --emit writes into (created if missing).
    #[arg(value_name = "DIR", requires = "emit")]
    pub dir: Option<PathBuf>,
}

/// What `build --emit` writes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EmitFormat {
    /// Gzip'd N-Quads, one file per shard.
    Nquads,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A library query name (see `annalist queries`), a .rq file, or - for stdin.
    #[arg(value_name = "NAME|FILE|-", required_unless_present = "sparql")]
    pub query: Option<String>,

    /// The query text itself.
    #[arg(long, value_name = "QUERY", conflicts_with = "query")]
    pub sparql: Option<String>,

    /// The output format [default: a table on a terminal, CSV otherwise;
    /// Turtle for CONSTRUCT and DESCRIBE].
    #[arg(long, short, value_enum, ignore_case = true, value_name = "FORMAT")]
    pub format: Option<QueryFormat>,

    /// Bind a query variable: NAME=VALUE, where VALUE is <IRI>, "literal"
    /// or plain text. Repeatable.
    #[arg(long = "bind", value_name = "NAME=VALUE")]
    pub bind: Vec<String>,

    /// Stop the query after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub timeout: f64,

    /// Evaluate the query on the store even if its answer was kept with
    /// the store (a SELECT query that took half a second or more keeps its
    /// answer until the next build; this one replaces it).
    #[arg(long)]
    pub fresh: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format [default: the one -o's extension names: .ttl, .nt, .nq,
    /// .trig, .jsonld, .rdf, .gexf, .graphml, .cypher, .svg, .geojson,
    /// .qs].
    #[arg(long, short, value_enum, ignore_case = true, value_name = "FORMAT")]
    pub format: Option<ExportFormat>,

    /// Export one named graph only: an IRI, or a path under the corpus base
    /// IRI such as doc/ID or graph/gazetteer (RDF formats).
    #[arg(long, value_name = "IRI")]
    pub graph: Option<String>,

    /// The output file, or directory for csv, html, brat, tei, gephi-csv
    /// and neo4j-csv [default: standard output].
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
        value_enum,
        ignore_case = true,
        value_name = "TYPES",
        value_delimiter = ',',
        help_heading = "Network"
    )]
    pub types: Vec<TypeArg>,

    /// Add documents as nodes, with authored, addressed-to and mentioned-in
    /// edges.
    #[arg(long, help_heading = "Network")]
    pub include_documents: bool,
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// RDF: Turtle (the graphs merged).
    Turtle,
    /// RDF: N-Triples (the graphs merged).
    Ntriples,
    /// RDF: N-Quads, one named graph per document.
    Nquads,
    /// RDF: TriG, one named graph per document.
    Trig,
    /// RDF: JSON-LD, one named graph per document.
    Jsonld,
    /// RDF: RDF/XML (the graphs merged).
    Rdfxml,
    /// Tables: documents.csv, entities.csv and mentions.csv in the -o
    /// directory.
    Csv,
    /// Reading view: the corpus as a static website in the -o directory.
    Html,
    /// Annotations: W3C Web Annotation JSON-LD.
    Webanno,
    /// Annotations: brat standoff, one .txt and .ann per document.
    Brat,
    /// Annotations: TEI P5, one file per document.
    Tei,
    /// Map: the places as GeoJSON, with coordinates where the gazetteer has
    /// them.
    Geojson,
    /// Wikidata: claims between entities with QIDs, as QuickStatements V1
    /// commands with a reference to their document.
    Quickstatements,
    /// Network: GEXF 1.3 for Gephi.
    Gexf,
    /// Network: GraphML.
    Graphml,
    /// Network: Gephi's node and edge CSV tables.
    GephiCsv,
    /// Network: neo4j-admin import CSV files.
    Neo4jCsv,
    /// Network: Cypher statements.
    Cypher,
    /// Network: an SVG picture.
    Svg,
}

/// How a query's answer is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QueryFormat {
    /// SELECT, ASK: aligned columns, for people.
    Table,
    /// SELECT, ASK: SPARQL 1.1 CSV results.
    Csv,
    /// SELECT, ASK: SPARQL 1.1 TSV results.
    Tsv,
    /// SELECT, ASK: SPARQL 1.1 JSON results.
    Json,
    /// SELECT, ASK: SPARQL XML results.
    Xml,
    /// CONSTRUCT, DESCRIBE: Turtle.
    Turtle,
    /// CONSTRUCT, DESCRIBE: N-Triples.
    Ntriples,
    /// CONSTRUCT, DESCRIBE: N-Quads.
    Nquads,
    /// CONSTRUCT, DESCRIBE: TriG.
    Trig,
    /// CONSTRUCT, DESCRIBE: JSON-LD.
    Jsonld,
    /// CONSTRUCT, DESCRIBE: RDF/XML.
    Rdfxml,
}

/// When a reading command looks at the text files (see `--check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckArg {
    Auto,
    Full,
    Background,
}

/// How a listing command prints its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned columns, control characters made visible.
    Table,
    /// Tab-separated values with a header.
    Tsv,
}

/// The RDF syntax `push` sends each graph in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PushSyntax {
    Ntriples,
    Turtle,
}

/// An entity type, as the gazetteer's `type` column writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TypeArg {
    Person,
    Organisation,
    Place,
    Event,
    Work,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EdgesArg {
    Relations,
    Comentions,
    Both,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The UTF-8 text files to add, one document each.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The document id (one file only) [default: the file name without
    /// extension].
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// A descriptive title [default: the file name].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// letter, article, report, telegram, … (see manifest.toml) [default:
    /// other].
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,

    /// The date written, ISO 8601: YYYY-MM-DD, YYYY-MM or YYYY.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// An author's gazetteer id. Repeatable.
    #[arg(long = "author", value_name = "ID")]
    pub authors: Vec<String>,

    /// A recipient's gazetteer id. Repeatable.
    #[arg(long = "recipient", value_name = "ID")]
    pub recipients: Vec<String>,

    /// Where the text comes from (an archive reference, a URL).
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,

    /// The language of the text, a BCP 47 code such as en.
    #[arg(long, value_name = "CODE")]
    pub language: Option<String>,

    /// Anything a reader should know.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to create (it must be missing or empty).
    pub dir: PathBuf,
}
