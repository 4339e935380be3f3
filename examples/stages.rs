//! Times the stages of a build one by one, on a corpus (usually one written
//! by the `workload` example), and prints one TOML table per measurement.
//!
//! ```text
//! cargo run --release --example stages -- --corpus DIR [--runs 5] [--sample-mb 100]
//! ```
//!
//! Measured, each as the median, min and max of `--runs` runs:
//! - `gazetteer`: reading and checking the gazetteer;
//! - `automaton`: compiling the gazetteer into the tagger, and the memory
//!   it holds (resident set before and after, in MB);
//! - `tag_1`, `tag_2`: tagging the first `--sample-mb` MB of text held in
//!   memory, on 1 and 2 threads (MB/s);
//! - `graph`: segmenting, tagging and describing the same files as quads
//!   (quads/s and mentions/s), and `describe`: the same less the tagging;
//! - `load`: Oxigraph's bulk loader on those quads in a new store
//!   (quads/s), and the bytes on disk per quad.
//!
//! Invariant: only public library calls, the ones `annalist build` makes.

use annalist::annotate::Tagger;
use annalist::corpus::{read_text, Corpus};
use annalist::gazetteer::Gazetteer;
use annalist::graph::{self, Iris, Sources};
use annalist::overrides::Overrides;
use annalist::relations::Relations;
use oxigraph::model::Quad;
use oxigraph::store::Store;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

fn usage(msg: &str) -> ! {
    eprintln!("stages: {msg}\nusage: stages --corpus DIR [--runs N] [--sample-mb N]");
    std::process::exit(2)
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
        println!("{k} = {v:.3}");
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
    let mut corpus_dir = PathBuf::new();
    let mut runs = 5usize;
    let mut sample_mb = 100.0f64;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--corpus" => corpus_dir = value().into(),
            "--runs" => runs = value().parse().unwrap_or_else(|_| usage("bad --runs")),
            "--sample-mb" => {
                sample_mb = value().parse().unwrap_or_else(|_| usage("bad --sample-mb"))
            }
            _ => usage(&format!("unknown argument {flag}")),
        }
    }
    if corpus_dir.as_os_str().is_empty() || runs == 0 {
        usage("--corpus is required");
    }
    let fail = |e: annalist::Error| -> ! {
        eprintln!("stages: {e}");
        std::process::exit(1)
    };
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
    let mut tagger = None;
    for _ in 0..runs {
        drop(tagger.take());
        let (before, _) = rss_mb();
        let t = Instant::now();
        tagger = Some(Tagger::new(&gazetteer));
        times.push(t.elapsed().as_secs_f64());
        memory.push(rss_mb().0 - before);
    }
    let tagger = tagger.expect("one run at least");
    let (memory, _, _) = stats(memory);
    report(
        "automaton",
        times,
        &[("names", aliases as f64), ("memory_mb", memory)],
    );

    // The sample: whole files, in corpus order, up to --sample-mb.
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
    let mb = bytes as f64 / 1e6;
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
            let fg =
                graph::file_graph(&sources, &tagger, &iris, *i, text).unwrap_or_else(|e| fail(e));
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

fn tempfile_dir() -> PathBuf {
    let base = std::env::temp_dir().join(format!("annalist-stages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    base
}
