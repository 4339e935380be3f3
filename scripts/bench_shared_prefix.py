"""Times reading a gazetteer whose aliases share a long prefix, and compiling it.

Usage: python3 scripts/bench_shared_prefix.py STAGES_BINARY [SIZES] [RUNS]

STAGES_BINARY is the release build of examples/stages.rs
($CARGO_TARGET_DIR/release/examples/stages). SIZES is a comma-separated list of
alias counts (default 25000,50000,100000). For each size it writes a corpus in a
temporary directory whose gazetteer has one entity with that many aliases, all
beginning with the same 80-character prefix, and one with as many distinct
entities of one alias each, then runs `stages --corpus DIR --runs RUNS` and
prints the median seconds of its `gazetteer` and `automaton` stages as a
Markdown table (the table of BENCHMARKS.md).
"""
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

PREFIX = "The Most Honourable Society of the Friends of the Historical Archive branch number "


def corpus(dir: Path, n: int, shared: bool):
    (dir / "texts").mkdir(parents=True)
    (dir / "texts" / "a.txt").write_text(f"A letter to {PREFIX}{n - 1}.\n")
    (dir / "manifest.toml").write_text(
        '[corpus]\ntitle = "prefix"\nbase_iri = "https://example.org/p/"\n\n'
        '[[folder]]\npath = "texts"\n'
    )
    rows = ["id,type,label,aliases,wikidata,wikidata_source,description"]
    if shared:
        aliases = "|".join(f"{PREFIX}{i}" for i in range(n))
        rows.append(f'society,Organisation,The Society,"{aliases}",,,')
    else:
        rows += [f"e{i},Organisation,Entity {i},{PREFIX}{i},,," for i in range(n)]
    (dir / "gazetteer.csv").write_text("\n".join(rows) + "\n")


def stages(binary: str, dir: Path, runs: int) -> dict:
    out = subprocess.run(
        [binary, "--corpus", str(dir), "--runs", str(runs), "--sample-mb", "0.01"],
        check=True, capture_output=True, text=True,
    ).stdout
    return tomllib.loads(out)


def main(argv):
    binary = argv[1]
    sizes = [int(s) for s in (argv[2] if len(argv) > 2 else "25000,50000,100000").split(",")]
    runs = int(argv[3]) if len(argv) > 3 else 3
    print("| aliases | layout | gazetteer s | automaton s |")
    print("|---|---|---|---|")
    for n in sizes:
        for shared in (True, False):
            with tempfile.TemporaryDirectory() as tmp:
                dir = Path(tmp) / "corpus"
                corpus(dir, n, shared)
                t = stages(binary, dir, runs)
                layout = "one entity, shared prefix" if shared else "one alias per entity"
                print(f"| {n:,} | {layout} | {t['gazetteer']['median_s']:.2f} | {t['automaton']['median_s']:.2f} |")


if __name__ == "__main__":
    main(sys.argv)
