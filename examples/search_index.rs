//! The full-text index alone, without the store: writes the search index a
//! full build writes (`annalist::store::search::index`) for a corpus, or answers a
//! query from one (`annalist::store::search::search`), as `annalist search` does
//! after its up-to-date check.
//!
//! ```text
//! cargo run --release --example search_index -- index CORPUS DIR    # writes DIR/gen-000001.search
//! cargo run --release --example search_index -- search DIR QUERY [LIMIT]
//! ```
//!
//! `index` prints the seconds it took and the index's bytes on disk;
//! `search` prints the hits as CSV. Benchmarks time both with hyperfine
//! (`scripts/bench_search.py --no-store`), so that the largest corpora can
//! be measured without building their stores.
//!
//! Invariant: only public library calls, the ones `annalist build` and
//! `annalist search` make.

use annalist::input::corpus::Corpus;
use annalist::store::search::{self, Format};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

fn bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn run(args: &[String]) -> annalist::Result<()> {
    match args {
        [cmd, corpus, dir] if cmd == "index" => {
            let generation = PathBuf::from(dir).join("gen-000001");
            std::fs::create_dir_all(dir).map_err(|e| annalist::Error::io(dir, e))?;
            let started = Instant::now();
            let corpus = Corpus::load(Path::new(corpus))?;
            let loaded = started.elapsed().as_secs_f64();
            search::index(&corpus, &generation, None, &[], &[])?;
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "documents = {}\nload_s = {loaded:.3}\nindex_s = {:.3}\nbytes = {}",
                corpus.documents.len(),
                seconds - loaded,
                bytes(&search::index_dir(&generation))
            );
            Ok(())
        }
        [cmd, dir, query, rest @ ..] if cmd == "search" && rest.len() <= 1 => {
            let limit = rest.first().and_then(|l| l.parse().ok()).unwrap_or(20);
            let generation = PathBuf::from(dir).join("gen-000001");
            let hits = search::search(&generation, query, limit)?;
            let mut out = std::io::stdout().lock();
            search::write(&mut out, &hits, Format::Csv)
        }
        _ => Err(annalist::Error::Usage {
            message: "expected `index CORPUS DIR` or `search DIR QUERY [LIMIT]`".into(),
            fix: "see the example's documentation".into(),
        }),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
