"""Search benchmark: `annalist search` on the generated workloads, cold and
warm, side by side with ripgrep on the same texts (and, where given, another
annalist binary, such as the text scan the index replaced).

    python3 scripts/bench_search.py --store-root DIR [--sizes 10,100,1000]
        [--runs 10] [--annalist BIN] [--baseline BIN] [--build] [--no-store]

For each size, the store is DIR/sN, built from the workload
~/.cache/annalist/bench/workloads/<N>mb-100000a-normal-seed1-*/corpus (made
by scripts/bench) when --build is given or the store is absent: `build
--force --timings` reports the phase "search index", and the index's size is
measured on disk. Each query then runs under hyperfine, warm (after a warm-up)
and cold (the index's files, or rg's texts, dropped from the page cache with
posix_fadvise before each run; the program itself stays cached). Prints a
Markdown table per size and writes results.json into DIR.

With --no-store, no store is built: the `search_index` example writes the
index alone into DIR/iN (timed) and answers the queries from it, as `annalist
search` does after its up-to-date check; for corpora whose stores take too
long to build for a benchmark run.

`evict PATH…` (used by the cold runs) drops the files under PATH from the
page cache.
"""

import argparse
import glob
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = Path.home() / ".cache/annalist/bench/workloads"

# (name, annalist query, ripgrep pattern): rg lists the files holding the
# pattern, case-insensitively, as whole words; it does not fold accents,
# rank, or show passages.
QUERIES = [
    ("word", "immigration", r"immigration"),
    ("common word", "the", r"the"),
    ("phrase", '"Tel Aviv"', r"tel\s+aviv"),
    ("prefix", "immig*", r"immig\w*"),
]


def evict(paths: list[str]) -> None:
    for top in paths:
        for dirpath, _, files in os.walk(top) if os.path.isdir(top) else [("", [], [top])]:
            for name in files:
                path = os.path.join(dirpath, name)
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)


def workload(size: int) -> Path:
    found = sorted(glob.glob(str(WORKLOADS / f"{size}mb-100000a-normal-seed1-*/corpus")))
    if not found:
        sys.exit(f"no workload of {size} MB under {WORKLOADS}: run scripts/bench --sizes {size} first")
    return Path(found[0])


def current_index(store: Path) -> Path:
    name = (store / "CURRENT").read_text().strip()
    return store / f"{name}.search"


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def hyperfine(commands: list[str], runs: int, prepare: str | None, out: Path) -> list[dict]:
    args = ["hyperfine", "-N", "--runs", str(runs), "--export-json", str(out), "--style", "none"]
    if prepare:
        args += ["--prepare", prepare]
    else:
        args += ["--warmup", "2"]
    subprocess.run(args + commands, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())["results"]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "evict":
        evict(sys.argv[2:])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--store-root", required=True, type=Path)
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--annalist", default=os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target")) + "/release/annalist")
    ap.add_argument("--baseline", help="another annalist binary to time side by side (e.g. the text scan)")
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--no-store", action="store_true")
    a = ap.parse_args()
    example = str(Path(a.annalist).parent / "examples/search_index")
    results = {}
    me = shlex.quote(sys.executable) + " " + shlex.quote(str(Path(__file__).resolve()))
    for size in [int(s) for s in a.sizes.split(",")]:
        corpus = workload(size)
        store = a.store_root / (f"i{size}" if a.no_store else f"s{size}")
        base = f"--corpus {shlex.quote(str(corpus))} --store {shlex.quote(str(store))}"
        entry: dict = {"corpus": str(corpus)}
        if a.no_store and (a.build or not (store / "gen-000001.search").exists()):
            r = subprocess.run([example, "index", str(corpus), str(store)],
                               check=True, capture_output=True, text=True)
            entry["build"] = r.stdout.strip().splitlines()
            entry["index_seconds"] = float(re.search(r"index_s = ([\d.]+)", r.stdout).group(1))
        elif not a.no_store and (a.build or not (store / "CURRENT").exists()):
            r = subprocess.run(
                [a.annalist, "--corpus", str(corpus), "--store", str(store), "build", "--force", "--timings"],
                check=True, capture_output=True, text=True)
            m = re.search(r"search index ([\d.]+) s", r.stderr)
            entry["build"] = r.stderr.strip().splitlines()[-2:]
            entry["index_seconds"] = float(m.group(1)) if m else None
        index = store / "gen-000001.search" if a.no_store else current_index(store)
        entry["index_bytes"] = du(index)
        texts = corpus / "texts"
        entry["text_bytes"] = du(texts)
        rows = []
        if not a.no_store:
            # Process start and the up-to-date check every command makes.
            out = a.store_root / f"hf-{size}-check.json"
            res = hyperfine([f"{a.annalist} {base} queries"], a.runs, None, out)[0]
            entry["check_ms"] = res["median"] * 1000
        for name, query, pattern in QUERIES:
            if a.no_store:
                cmds = [f"{example} search {shlex.quote(str(store))} {shlex.quote(query)}"]
                labels = ["index alone"]
            else:
                cmds = [f"{a.annalist} {base} search {shlex.quote(query)} --format csv --quiet"]
                labels = ["annalist"]
            if a.baseline and not a.no_store:
                cmds.append(f"{a.baseline} {base} search {shlex.quote(query)} --format csv --quiet")
                labels.append("baseline")
            cmds.append(f"rg -l -i -w {shlex.quote(pattern)} {shlex.quote(str(texts))}")
            labels.append("rg -l")
            for mode in ("warm", "cold"):
                prepare = None
                if mode == "cold":
                    prepare = f"{me} evict {shlex.quote(str(index))} {shlex.quote(str(texts))}"
                    if a.baseline and not a.no_store:
                        prepare += " " + " ".join(shlex.quote(p) for p in glob.glob(str(store / "gen-*.search")))
                out = a.store_root / f"hf-{size}-{name.replace(' ', '_')}-{mode}.json"
                for label, res in zip(labels, hyperfine(cmds, a.runs, prepare, out)):
                    rows.append({"query": name, "q": query, "mode": mode, "who": label,
                                 "median_ms": res["median"] * 1000,
                                 "min_ms": res["min"] * 1000, "max_ms": res["max"] * 1000})
        entry["rows"] = rows
        results[size] = entry
        print(f"\n### {size} MB: index {entry['index_bytes'] / 1e6:.0f} MB for {entry['text_bytes'] / 1e6:.0f} MB "
              f"of text; index phase {entry.get('index_seconds')} s; "
              f"start-up and up-to-date check {entry.get('check_ms', 0):.0f} ms")
        print("| query | mode | " + " | ".join(dict.fromkeys(r["who"] for r in rows)) + " |")
        print("|---|---|" + "---|" * len(dict.fromkeys(r["who"] for r in rows)))
        for (name, query, _) in QUERIES:
            for mode in ("warm", "cold"):
                cells = [f"{r['median_ms']:.0f} ms ({r['min_ms']:.0f}–{r['max_ms']:.0f})"
                         for r in rows if r["query"] == name and r["mode"] == mode]
                print(f"| {name} `{query}` | {mode} | " + " | ".join(cells) + " |")
        sys.stdout.flush()
    (a.store_root / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
