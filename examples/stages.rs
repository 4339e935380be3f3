//! Times the stages of a build one by one, on a corpus (usually one written
//! by the `workload` example), and prints one TOML table per measurement.
//!
//! ```text
//! cargo run --release --example stages -- --corpus DIR [--runs 5] [--sample-mb 100]
//! cargo run --release --example stages -- --store DIR --queries [--runs 20]
//! ```
//!
//! Measured, each as the median, min and max of `--runs` runs:
//! - `gazetteer`: reading and checking the gazetteer;
//! - `automaton`: compiling the gazetteer into the tagger, and the memory
//!   it holds: `heap_mb`, the heap bytes in use after less before (glibc's
//!   `mallinfo2`, exact whatever the allocator reuses), and `memory_mb`,
//!   the resident set after less before (smaller when the tagger fills
//!   memory that earlier runs freed);
//! - `read`: reading the sample (the first `--sample-mb` MB of files, whole,
//!   in corpus order) from disk into memory, checked as UTF-8; after the
//!   first run the files come from the page cache;
//! - `tag_1`, `tag_2`: tagging the first `--sample-mb` MB of text held in
//!   memory, on 1 and 2 threads (MB/s);
//! - `graph`: segmenting, tagging and describing the same files as quads
//!   (quads/s and mentions/s), and `describe`: the same less the tagging;
//! - `load`: Oxigraph's bulk loader on those quads in a new store
//!   (quads/s), and the bytes on disk per quad.
//!
//! With `--store DIR --queries`, it times the query library instead, warm:
//! `open` is opening the store's current generation read-only, then for each
//! library query (`[query.NAME]`) `first_s` is its first run after the open
//! and the median, min and max are of `--runs` runs after it, each run
//! reading every solution (or triple) of the answer, as `annalist query`
//! does, with the union of all graphs as the default graph.
//!
//! Invariant: only public library calls, the ones `annalist build` and
//! `annalist query` make.

use annalist::annotate::tagger::Tagger;
use annalist::annotate::{annotate_file, Annotator, Sources};
use annalist::input::corpus::Corpus;
use annalist::input::gazetteer::Gazetteer;
use annalist::input::overrides::Overrides;
use annalist::input::relations::Relations;
use annalist::rdf::quads::{self, Iris};
use annalist::read::query::library;
use annalist::store::StoreDir;
use annalist::text::table::read_text;
use clap::Parser;
use oxigraph::model::Quad;
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Times the stages of a build, or the library queries on a built store.
#[derive(Parser)]
struct Args {
    /// The corpus whose build is timed stage by stage.
    #[arg(long, required_unless_present = "queries")]
    corpus: Option<PathBuf>,
    /// With --queries: the store to query.
    #[arg(long, requires = "queries")]
    store: Option<PathBuf>,
    /// Time every library query on --store instead.
    #[arg(long, requires = "store")]
    queries: bool,
    /// Runs of each measurement.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Megabytes of text (whole files, in corpus order) the stages time.
    #[arg(long, default_value_t = 100.0)]
    sample_mb: f64,
}

/// Resident set size now and at its peak, in MB (Linux).
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Heap bytes in use, in MB, as glibc's allocator counts them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_mb() -> Option<f64> {
    /// `struct mallinfo2` of glibc 2.33 and later.
    #[repr(C)]
    struct Mallinfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    extern "C" {
        fn mallinfo2() -> Mallinfo2;
    }
    // SAFETY: mallinfo2 takes nothing and returns a plain struct by value.
    let m = unsafe { mallinfo2() };
    Some((m.uordblks + m.hblkhd) as f64 / (1024.0 * 1024.0))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_mb() -> Option<f64> {
    None
}

fn dir_bytes(path: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            let m = e.metadata().expect("metadata");
            total += if m.is_dir() {
                dir_bytes(&e.path())
            } else {
                m.len()
            };
        }
    }
    total
}

/// Median, min and max of some seconds.
fn stats(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let median = if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    };
    (median, xs[0], xs[n - 1])
}

fn report(name: &str, seconds: Vec<f64>, extra: &[(&str, f64)]) {
    let (median, min, max) = stats(seconds);
    println!("[{name}]");
    println!("median_s = {median:.6}\nmin_s = {min:.6}\nmax_s = {max:.6}");
    for (k, v) in extra {
        if k.ends_with("_s") && !k.ends_with("_per_s") {
            println!("{k} = {v:.6}");
        } else {
            println!("{k} = {v:.3}");
        }
    }
    println!();
}

/// Runs `work` over the items on `threads` threads, items taken in turn.
fn parallel<T: Sync>(items: &[T], threads: usize, work: impl Fn(&T) -> usize + Sync) -> usize {
    let next = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                total.fetch_add(work(item), Ordering::Relaxed);
            });
        }
    });
    total.into_inner()
}

fn main() {
    let args = Args::parse();
    let (runs, sample_mb) = (args.runs as usize, args.sample_mb);
    let fail = |e: annalist::Error| -> ! {
        eprintln!("stages: {e}");
        std::process::exit(1)
    };
    if let (true, Some(store)) = (args.queries, &args.store) {
        time_queries(&StoreDir::new(store), runs).unwrap_or_else(|e| fail(e));
        return;
    }
    let corpus_dir = args.corpus.expect("clap requires --corpus");
    let corpus = Corpus::load(&corpus_dir).unwrap_or_else(|e| fail(e));

    let mut times = Vec::new();
    let mut gazetteer = None;
    for _ in 0..runs {
        let t = Instant::now();
        gazetteer = Some(Gazetteer::load(&corpus.gazetteer_path).unwrap_or_else(|e| fail(e)));
        times.push(t.elapsed().as_secs_f64());
    }
    let gazetteer = gazetteer.expect("one run at least");
    let aliases: usize = gazetteer.entities.iter().map(|e| e.names().count()).sum();
    report(
        "gazetteer",
        times,
        &[
            ("entities", gazetteer.len() as f64),
            ("names", aliases as f64),
        ],
    );

    let mut times = Vec::new();
    let mut memory = Vec::new();
    let mut heap = Vec::new();
    let mut tagger = None;
    for _ in 0..runs {
        drop(tagger.take());
        let (before, _) = rss_mb();
        let heap_before = heap_mb();
        let t = Instant::now();
        tagger = Some(Tagger::new(&gazetteer));
        times.push(t.elapsed().as_secs_f64());
        memory.push(rss_mb().0 - before);
        if let (Some(after), Some(before)) = (heap_mb(), heap_before) {
            heap.push(after - before);
        }
    }
    let tagger = tagger.expect("one run at least");
    let (memory, _, _) = stats(memory);
    let mut extra = vec![("names", aliases as f64), ("memory_mb", memory)];
    if !heap.is_empty() {
        extra.push(("heap_mb", stats(heap).0));
    }
    report("automaton", times, &extra);

    // The sample: whole files, in corpus order, up to --sample-mb.
    let read_sample = || {
        let mut sample: Vec<(usize, String)> = Vec::new();
        let mut bytes = 0usize;
        for i in 0..corpus.files.len() {
            if bytes as f64 >= sample_mb * 1e6 {
                break;
            }
            let text = read_text(&corpus.file_path(i)).unwrap_or_else(|e| fail(e));
            bytes += text.len();
            sample.push((i, text));
        }
        (sample, bytes)
    };
    let mut times = Vec::new();
    let (mut sample, mut bytes) = (Vec::new(), 0);
    for _ in 0..runs {
        drop(std::mem::take(&mut sample));
        let t = Instant::now();
        (sample, bytes) = read_sample();
        times.push(t.elapsed().as_secs_f64());
    }
    let mb = bytes as f64 / 1e6;
    let (median, _, _) = stats(times.clone());
    report(
        "read",
        times,
        &[
            ("files", sample.len() as f64),
            ("megabytes", mb),
            ("mb_per_s", mb / median),
        ],
    );
    let mut tag_seconds = 0.0;
    for threads in [1, 2] {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..runs {
            let t = Instant::now();
            found = parallel(&sample, threads, |(_, text)| tagger.tag(text).len());
            times.push(t.elapsed().as_secs_f64());
        }
        let (median, _, _) = stats(times.clone());
        if threads == 1 {
            tag_seconds = median;
        }
        report(
            &format!("tag_{threads}"),
            times,
            &[
                ("megabytes", mb),
                ("mb_per_s", mb / median),
                ("matches", found as f64),
            ],
        );
    }

    let iris = Iris::new(&corpus.base_iri);
    let (relations, overrides) = (Relations::default(), Overrides::default());
    let annotator = Annotator {
        tagger,
        variants: annalist::annotate::variants::Variants::new(&gazetteer),
    };
    let sources = Sources {
        corpus: &corpus,
        gazetteer: &gazetteer,
        relations: &relations,
        overrides: &overrides,
    };
    let mut times = Vec::new();
    let mut quads: Vec<Quad> = Vec::new();
    let mut mentions = 0;
    for _ in 0..runs {
        quads.clear();
        mentions = 0;
        let t = Instant::now();
        for (i, text) in &sample {
            let annotated =
                annotate_file(&sources, &annotator, *i, text).unwrap_or_else(|e| fail(e));
            let fg = quads::annotated_quads(&annotated, &corpus, &gazetteer, &iris);
            mentions += fg.mentions;
            quads.extend(fg.quads);
        }
        times.push(t.elapsed().as_secs_f64());
    }
    let (median, _, _) = stats(times.clone());
    let n = quads.len() as f64;
    report(
        "graph",
        times.clone(),
        &[
            ("quads", n),
            ("mentions", mentions as f64),
            ("quads_per_s", n / median),
            ("mentions_per_s", mentions as f64 / median),
        ],
    );
    let describe: Vec<f64> = times.iter().map(|t| (t - tag_seconds).max(1e-9)).collect();
    let (dm, _, _) = stats(describe.clone());
    report("describe", describe, &[("quads_per_s", n / dm)]);

    let mut times = Vec::new();
    let mut per_quad = Vec::new();
    for _ in 0..runs {
        let dir = tempfile_dir();
        let store = Store::open(&dir).expect("a new store");
        let t = Instant::now();
        let mut loader = store.bulk_loader();
        loader
            .load_quads(quads.iter().cloned())
            .expect("the quads load");
        loader.commit().expect("the load commits");
        times.push(t.elapsed().as_secs_f64());
        drop(store);
        per_quad.push(dir_bytes(&dir) as f64 / n);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let (median, _, _) = stats(times.clone());
    let (bytes_per_quad, _, _) = stats(per_quad);
    report(
        "load",
        times,
        &[
            ("quads", n),
            ("quads_per_s", n / median),
            ("bytes_per_quad", bytes_per_quad),
        ],
    );
    let (_, peak) = rss_mb();
    println!("[process]\npeak_rss_mb = {peak:.1}");
}

/// Opens the store `runs` times, then runs every library query once and
/// `runs` times more, reading every result; prints `[open]` and one
/// `[query.NAME]` table per query.
fn time_queries(dir: &StoreDir, runs: usize) -> annalist::Result<()> {
    let mut times = Vec::new();
    let mut store = None;
    for _ in 0..runs {
        drop(store.take());
        let t = Instant::now();
        store = Some(dir.open_reader()?);
        times.push(t.elapsed().as_secs_f64());
    }
    let store = store.expect("one run at least").store;
    report("open", times, &[]);
    for q in library() {
        let run = || -> annalist::Result<usize> {
            let mut prepared = SparqlEvaluator::new()
                .parse_query(q.text)
                .map_err(|e| annalist::Error::Query(format!("{}: {e}", q.name)))?;
            prepared.dataset_mut().set_default_graph_as_union();
            let results = prepared
                .on_store(&store)
                .execute()
                .map_err(|e| annalist::Error::Query(format!("{}: {e}", q.name)))?;
            let failed = |e: oxigraph::sparql::QueryEvaluationError| {
                annalist::Error::Query(format!("{}: {e}", q.name))
            };
            Ok(match results {
                QueryResults::Solutions(solutions) => {
                    let mut n = 0;
                    for s in solutions {
                        std::hint::black_box(s.map_err(failed)?);
                        n += 1;
                    }
                    n
                }
                QueryResults::Boolean(b) => usize::from(b),
                QueryResults::Graph(triples) => {
                    let mut n = 0;
                    for t in triples {
                        std::hint::black_box(t.map_err(failed)?);
                        n += 1;
                    }
                    n
                }
            })
        };
        let t = Instant::now();
        let rows = run()?;
        let first = t.elapsed().as_secs_f64();
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            run()?;
            times.push(t.elapsed().as_secs_f64());
        }
        report(
            &format!("query.{}", q.name),
            times,
            &[("first_s", first), ("rows", rows as f64)],
        );
    }
    Ok(())
}

fn tempfile_dir() -> PathBuf {
    let base = std::env::temp_dir().join(format!("annalist-stages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    base
}
